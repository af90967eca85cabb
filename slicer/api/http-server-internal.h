/* What slicerd's HTTP server shares between its files: the server, a
 * connection, a request (http-server.c keeps connections and replies,
 * http-parse.c turns bytes into requests).  Private to slicer/api/. */
#ifndef SLC_HTTP_SERVER_INTERNAL_H
#define SLC_HTTP_SERVER_INTERNAL_H

#include <event2/bufferevent.h>
#include <http_parser.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <stdbool.h>
#include <sys/socket.h>

#include "http-server.h"

#define FD_RESERVE 128u

/* The most a request line's target may have, in bytes (414 beyond). */
#define MAX_TARGET 8192
/* The most header lines, and bytes in their names and values (431). */
#define MAX_HEADERS 100
#define MAX_HEADER_BYTES 32768
/* The most query parameters a request may have: OSM's filters use a
 * handful. */
#define MAX_QUERY_ARGS 256
/* How long a connection being closed reads and drops what comes. */
#define LINGER_SECONDS 1

#define STR_(x) #x
#define STR(x) STR_(x)

struct slc_http_conn;

struct slc_http_server {
    struct event_base *base;
    struct evconnlistener *listener;
    SSL_CTX *tls;              /* NULL: plain HTTP */
    unsigned port;
    size_t body_limit;
    unsigned max_connections, max_per_client;
    unsigned idle_timeout, request_timeout; /* seconds; 0 = none */
    slc_http_handler_fn handler;
    void *ctx;
    struct slc_http_conn *conns; /* every open connection */
    unsigned n_conns;
    bool accepting;            /* the listener is enabled */
    struct slc_http_deferred *suspended; /* deferred, not answered yet */
};

struct header {
    char *name, *value;
    size_t name_len, value_len;
};

/* One request, from its first byte to its reply; the handle of a
 * deferred request too. */
struct slc_http_deferred {
    struct slc_http_server *srv;
    struct slc_http_conn *conn; /* NULL once the connection is gone */
    char *target;
    size_t target_len;
    struct header *headers;
    size_t n_headers, header_bytes;
    bool in_value;             /* the last header text was a value */
    unsigned content_lengths, transfer_encodings;
    char *body;
    size_t size, cap;
    bool head, keep_alive, http10;
    bool must_close;           /* answered, then the connection closed */
    bool deferred, replied;
    struct slc_http_deferred *prev, *next; /* in srv->suspended */
    double started;            /* when it was dispatched (metrics) */
    const char *method, *route; /* static strings, for the metrics */
};

enum conn_state { READING, HANDLING, WRITING, LINGERING };

struct slc_http_conn {
    struct slc_http_server *srv;
    struct bufferevent *bev;
    evutil_socket_t fd;
    struct sockaddr_storage addr;
    char host[INET6_ADDRSTRLEN];
    unsigned port;
    http_parser parser;
    enum conn_state state;
    struct slc_http_deferred *req; /* being read or answered */
    struct event *deadline;    /* the request timeout, or the linger's */
    struct event *written;     /* write_now emptied the output */
    bool close_after;          /* close once the reply is out */
    unsigned refusal;          /* status a callback refused the request with */
    char refusal_detail[200];
    struct slc_http_conn *prev, *next;
};

/* The value of header 'name' of request 'p', or NULL. */
const char *slc_http_header_of(const struct slc_http_deferred *p,
                               const char *name);
/* Refuses what came on 'c' with a JSON error and closes it after. */
void slc_http_refuse(struct slc_http_conn *c, unsigned status,
                     const char *detail);
/* A whole request on 'c': to the handler, and its reply. */
void slc_http_dispatch(struct slc_http_conn *c);
/* Runs the parser over what 'c' has received (http-parse.c). */
void slc_http_feed(struct slc_http_conn *c);

#endif

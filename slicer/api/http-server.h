/* The HTTP/1.1 server of slicerd, on the daemon's libevent loop (no thread
 * of its own): requests parsed by http-parser, bodies gathered up to a
 * size limit, JSON or YAML replies chosen by the Accept header, optional
 * TLS (OpenSSL).
 *
 * It knows nothing of routes or records: every complete request goes to
 * one handler (rest.c), which fills a response.  Handlers run on the loop
 * and must not block.
 *
 * The edge, before any handler: connections are bounded in all and per
 * client address (one over the per-client limit gets a 503 and is closed
 * when accepted; at the global limit new ones wait in the listen queue);
 * a connection without traffic for the idle timeout is closed, and so is
 * one that has not sent a whole request within the request timeout of
 * being ready for it (accepted, or its previous reply done): 408 when
 * part of a request came.  Every answer the edge gives is JSON
 * {code, status, detail}, and closes the connection: a request that is
 * not HTTP/1.x (400; 505 for another version), a target of more than 8
 * KiB (414) or with more than 256 query parameters, header lines over 100
 * or 32 KiB (431), a NUL byte (raw or %00), a space or control character
 * in the target, a header line that is not NAME: VALUE, a bad, repeated
 * or ambiguous Content-Length (with Transfer-Encoding) (400),
 * Transfer-Encoding (411), a body over the limit (413), an Expect other
 * than 100-continue (417). */
#ifndef SLC_HTTP_SERVER_H
#define SLC_HTTP_SERVER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "slc-error.h"

struct event_base;

struct slc_http_request {
    const char *method;
    const char *path;           /* without the query string */
    json_t *query;              /* key -> string, or null for a bare key */
    const char *content_type;   /* NULL when absent */
    const char *accept;         /* NULL when absent */
    const char *authorization;  /* NULL when absent */
    const char *body;           /* NUL-terminated, NULL when empty */
    size_t body_size;
    const char *remote_host;
    unsigned remote_port;
    struct slc_http_deferred *pending; /* the server's; for slc_http_defer */
};

/* Looks up a request header ('name' is case-insensitive); NULL if absent. */
const char *slc_http_header(const struct slc_http_request *req,
                            const char *name);

struct slc_http_response {
    unsigned status;            /* 200 unless the handler sets it */
    json_t *body;               /* owned; NULL = empty body */
    char *raw;                  /* owned raw body (instead of 'body') */
    size_t raw_size;
    const char *raw_type;       /* its Content-Type */
    char *json_text;            /* owned JSON document (instead of 'body'):
                                   sent as is when the reply is JSON,
                                   parsed when YAML is wanted */
    size_t json_len;
    char location[512];         /* Location header when not empty */
    char next[1024];            /* the next page's URI (SOL013): a Link
                                   header, rel="next", when not empty */
    bool force_json;            /* ignore Accept: YAML is not wanted */
    const char *route;          /* the route template it matched (static
                                   string), for the metrics; NULL: none */
    const char *headers;        /* more header lines, each ending in CRLF
                                   (a static string), or NULL */
};

/* A reply that comes later, for a handler that must wait for something
 * (a subscription's callback probe).  The handler calls slc_http_defer()
 * and returns; the connection is suspended (the loop goes on), and the
 * reply goes out when slc_http_deferred_reply() is called, from the loop,
 * later.  Every deferred request must be answered before the server
 * stops; one that is not gets 503 and its handle dies with the server. */
struct slc_http_deferred;

/* Called from a handler: what it put in 'resp' is dropped, and the
 * returned handle answers the request later. */
struct slc_http_deferred *slc_http_defer(const struct slc_http_request *req,
                                         struct slc_http_response *resp);
/* Sends 'resp' (its contents are taken and it is zeroed) as the reply of
 * deferred request 'd'; 'd' is then gone. */
void slc_http_deferred_reply(struct slc_http_deferred *d,
                             struct slc_http_response *resp);

typedef void (*slc_http_handler_fn)(void *ctx,
                                    const struct slc_http_request *req,
                                    struct slc_http_response *resp);

struct slc_http_server_params {
    const char *address;        /* numeric IPv4 or IPv6 address */
    unsigned port;              /* 0 = any free port */
    const char *tls_cert_pem;   /* both or neither; borrowed for the call */
    const char *tls_key_pem;
    size_t body_limit;          /* bytes */
    unsigned max_connections;   /* in all; 0 = as many as descriptors
                                   allow; fitted to RLIMIT_NOFILE */
    unsigned max_connections_per_client; /* per address; 0 = no limit */
    unsigned idle_timeout;      /* seconds without traffic; 0 = none */
    unsigned request_timeout;   /* seconds for a whole request; 0 = none */
    struct event_base *base;
    slc_http_handler_fn handler;
    void *ctx;
};

struct slc_http_server;

/* Binds, listens and starts serving on the loop.  Returns 0 and the server
 * in '*out', or an error naming the address. */
int slc_http_server_start(const struct slc_http_server_params *p,
                          struct slc_http_server **out,
                          struct slc_error *err);
/* The port actually bound (useful when 0 was asked). */
unsigned slc_http_server_port(const struct slc_http_server *srv);
/* Stops serving and frees the server.  Accepts NULL. */
void slc_http_server_stop(struct slc_http_server *srv);

/* Fills 'resp' with an error body {code, status, detail}. */
void slc_http_error(struct slc_http_response *resp, unsigned status,
                    const char *detail);
/* Name of an HTTP status as OSM writes it ("NOT_FOUND"). */
const char *slc_http_status_name(unsigned status);

#endif

/* Outbound HTTP: libcurl's multi interface driven by the daemon's
 * libevent loop (curl's sockets become events, its timeout a timer), so
 * that notifications to subscribers and the REST calls of drivers (SDN
 * controllers, VIMs) never block a handler or each other.
 *
 * A request is started and returns at once; its outcome comes back through
 * a callback, always later from the loop, never from inside the call that
 * started it. */
#ifndef SLC_HTTP_CLIENT_H
#define SLC_HTTP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "slc-error.h"

struct event_base;
struct slc_http_client;

struct slc_http_call {
    const char *method;        /* "GET", "POST", ... */
    const char *url;
    const char *const *headers; /* "Name: value" strings, NULL-ended;
                                   may be NULL */
    const char *body;          /* may be NULL; copied */
    size_t body_size;
    long timeout_ms;           /* whole request; 0 = the client's default */
    /* TLS: skip checking the server's certificate and name (an operator's
     * explicit choice, as OSM's "insecure"); or trust the CA certificates
     * of this PEM file instead of the system's (may be NULL). */
    int insecure;
    const char *ca_file;
    /* A reply that streams lines (etcd's watch): each complete line of
     * the body goes to on_line as it arrives (without its newline, with
     * the call's arg), and the final reply's body holds only what
     * followed the last newline.  on_line returns false to stop the
     * transfer there (the call then ends with an error).  NULL: the body
     * is collected whole. */
    bool (*on_line)(void *arg, const char *line, size_t len);
};

/* The outcome of a request.  Borrowed for the callback. */
struct slc_http_reply {
    long status;               /* HTTP status; 0 when there was none */
    const char *body;          /* NUL-terminated; "" when empty */
    size_t body_size;
    const char *error;         /* transport error (refused, timeout, too
                                  big), NULL when a reply came */
    void *handle;              /* the client's, for slc_http_reply_header() */
};

/* The value of response header 'name' (case-insensitive; the first
 * when it came several times), or NULL.  Borrowed for the callback. */
const char *slc_http_reply_header(const struct slc_http_reply *r,
                                  const char *name);

typedef void (*slc_http_done_fn)(void *arg, const struct slc_http_reply *r);

/* A client on 'base' with a default timeout and a limit on reply bodies
 * (bytes; larger replies fail with an error). */
int slc_http_client_new(struct event_base *base, long default_timeout_ms,
                        size_t max_reply, struct slc_http_client **out,
                        struct slc_error *err);
/* Abandons requests in flight (their callbacks are not called) and frees
 * the client.  Accepts NULL. */
void slc_http_client_free(struct slc_http_client *c);

/* Starts 'call'; 'done' gets its outcome later.  Errors are only those of
 * starting it (bad arguments, out of memory). */
int slc_http_client_start(struct slc_http_client *c,
                          const struct slc_http_call *call,
                          slc_http_done_fn done, void *arg,
                          struct slc_error *err);

/* 's' percent-encoded for a URL's path segment or query value (RFC 3986
 * unreserved characters kept), as a new string the caller frees; NULL
 * when out of memory. */
char *slc_http_escape(const char *s);

/* The SLC_E* code of an HTTP status, one mapping for every REST client:
 * 0 for 2xx, SLC_EINVALID (400), SLC_EDENIED (401, 403), SLC_ENOTFOUND
 * (404), SLC_ETIMEOUT (408), SLC_ECONFLICT (409), SLC_EBUSY (413, 429:
 * over a quota or a rate), SLC_EIO otherwise. */
int slc_http_status_code(long status);

/* Requests in flight. */
size_t slc_http_client_pending(const struct slc_http_client *c);

#endif

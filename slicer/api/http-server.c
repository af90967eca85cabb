/* libmicrohttpd on the daemon's libevent loop.  See http-server.h.
 *
 * MHD runs in "external epoll" mode: its epoll descriptor is watched by a
 * libevent event and MHD_run() is called when it is readable or when MHD's
 * own timeout expires, so every request is handled on the loop thread and
 * handlers can touch the store and the engine without locks.
 *
 * The edge: MHD bounds connections (in all, per client address) and
 * inactivity; this file adds a deadline for a whole request (a libevent
 * timer over the connections still sending one, which shuts a late one's
 * socket down so that MHD closes it), and refuses at the first call of a
 * request what a proxy in front could read differently from MHD: a NUL
 * in the request line (seen by where MHD's strings end), %00, repeated
 * Content-Length, Transfer-Encoding.  Those answers are JSON and close
 * the connection.  What MHD answers by itself (a malformed request line,
 * headers too large, a bad Content-Length value) stays MHD's: see
 * http-server.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http-server.h"
#include "slc-log.h"
#include "slc-yaml.h"

SLC_LOG_MODULE(http);

/* Descriptors kept for the rest of slicerd (store, log, outbound HTTP,
 * drivers' pipes) when the connection limit is fitted to RLIMIT_NOFILE. */
#define FD_RESERVE 128u

struct slc_http_conn;

struct slc_http_server {
    struct MHD_Daemon *mhd;
    struct event *io, *timer, *sweep;
    struct event_base *base;
    int fd;
    unsigned port;
    size_t body_limit;
    unsigned request_timeout;  /* seconds; 0 = none */
    slc_http_handler_fn handler;
    void *ctx;
    struct slc_http_deferred *suspended; /* deferred, not answered yet */
    size_t resumed;            /* answered, not sent yet */
    /* connections sending a request, earliest deadline first */
    struct slc_http_conn *waiting_head, *waiting_tail;
};

/* One client connection, from accept to close (MHD's socket context). */
struct slc_http_conn {
    struct slc_http_server *srv;
    struct MHD_Connection *conn;
    int fd;
    double deadline;           /* monotonic seconds: whole request by then */
    bool waiting;              /* in srv's waiting list */
    struct slc_http_deferred *request; /* its request's state, until MHD
                                          completes it */
    struct slc_http_conn *prev, *next;
};

/* Per-request state between MHD's calls, made when MHD has read the
 * request line; the handle of a deferred request too. */
struct slc_http_deferred {
    char *body;
    size_t size, cap;
    bool too_big;
    struct slc_http_server *srv;
    struct MHD_Connection *conn;
    const char *uri;           /* the request target as received (MHD's) */
    size_t uri_len;            /* up to its first NUL */
    const char *refusal;       /* what is wrong with it, or NULL */
    bool started;              /* the access handler has seen it */
    bool deferred, replied, sent;
    struct slc_http_response reply;
    struct slc_http_deferred *prev, *next; /* in srv->suspended */
};

static const struct {
    unsigned status;
    const char *name;
} status_names[] = {
    {200, "OK"},
    {201, "CREATED"},
    {202, "ACCEPTED"},
    {204, "NO_CONTENT"},
    {303, "SEE_OTHER"},
    {400, "BAD_REQUEST"},
    {401, "UNAUTHORIZED"},
    {403, "FORBIDDEN"},
    {404, "NOT_FOUND"},
    {405, "METHOD_NOT_ALLOWED"},
    {406, "NOT_ACCEPTABLE"},
    {409, "CONFLICT"},
    {411, "LENGTH_REQUIRED"},
    {413, "REQUEST_ENTITY_TOO_LARGE"},
    {415, "UNSUPPORTED_MEDIA_TYPE"},
    {416, "REQUESTED_RANGE_NOT_SATISFIABLE"},
    {422, "UNPROCESSABLE_ENTITY"},
    {500, "INTERNAL_SERVER_ERROR"},
    {501, "NOT_IMPLEMENTED"},
    {503, "SERVICE_UNAVAILABLE"},
    {504, "GATEWAY_TIMEOUT"},
};

const char *
slc_http_status_name(unsigned status)
{
    for (size_t i = 0; i < sizeof status_names / sizeof status_names[0];
         i++) {
        if (status_names[i].status == status) {
            return status_names[i].name;
        }
    }
    return "ERROR";
}

void
slc_http_error(struct slc_http_response *resp, unsigned status,
               const char *detail)
{
    json_decref(resp->body);
    free(resp->raw);
    free(resp->json_text);
    resp->raw = resp->json_text = NULL;
    resp->location[0] = '\0';
    resp->status = status;
    resp->body = json_pack("{sssiss}", "code", slc_http_status_name(status),
                           "status", (int)status, "detail", detail);
}

const char *
slc_http_header(const struct slc_http_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

static enum MHD_Result
add_query(void *cls, enum MHD_ValueKind kind, const char *key,
          const char *value)
{
    json_object_set_new(cls, key, value ? json_string(value) : json_null());
    return MHD_YES;
}

/* Which representation the client accepts: 'j' JSON, 'y' YAML, 0 none. */
static int
negotiate(const char *accept)
{
    if (!accept || !*accept) {
        return 'y';
    }
    if (strstr(accept, "application/json")) {
        return 'j';
    }
    if (strstr(accept, "yaml") || strstr(accept, "*/*")) {
        return 'y';
    }
    if (strstr(accept, "text/html") || strstr(accept, "application/*")) {
        return 'j';
    }
    return 0;
}

/* Queues 'resp' in the representation 'accept' asks for; 'close' ends
 * the connection after it. */
static enum MHD_Result
send_response(struct MHD_Connection *conn, const char *accept,
              struct slc_http_response *resp, bool close)
{
    struct MHD_Response *r;
    const char *type = NULL;
    char *text = NULL;
    size_t size = 0;
    enum MHD_Result ret;
    int fmt = resp->force_json ? 'j' : negotiate(accept);

    if (resp->json_text && fmt != 'j') {
        /* YAML (or nothing acceptable) from a stored JSON document */
        json_decref(resp->body);
        resp->body = json_loadb(resp->json_text, resp->json_len, 0, NULL);
        free(resp->json_text);
        resp->json_text = NULL;
        if (!resp->body) {
            slc_http_error(resp, 500, "a stored document is not JSON");
        }
    }
    if (!fmt && (resp->body || resp->raw)) {
        slc_http_error(resp, 406,
                       "only application/json and application/yaml "
                       "responses are available");
        fmt = 'j';
    }
    if (resp->raw) {
        text = resp->raw;
        size = resp->raw_size;
        resp->raw = NULL;
        type = resp->raw_type ? resp->raw_type : "application/octet-stream";
    } else if (resp->json_text) {
        text = resp->json_text;
        size = resp->json_len;
        resp->json_text = NULL;
        type = "application/json";
    } else if (resp->body && fmt == 'j') {
        /* compact, like the stored documents sent as they are */
        text = json_dumps(resp->body, JSON_COMPACT);
        size = text ? strlen(text) : 0;
        type = "application/json";
    } else if (resp->body) {
        text = slc_yaml_dump(resp->body, &size);
        type = "application/yaml";
    }
    if (resp->body && !text) {
        resp->status = 500;
    }
    r = MHD_create_response_from_buffer(size, text ? text : (char *)"",
                                        text ? MHD_RESPMEM_MUST_FREE
                                             : MHD_RESPMEM_PERSISTENT);
    if (!r) {
        free(text);
        return MHD_NO;
    }
    if (type) {
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    }
    if (resp->location[0]) {
        MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, resp->location);
    }
    if (close) {
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
    }
    ret = MHD_queue_response(conn, resp->status, r);
    MHD_destroy_response(r);
    return ret;
}

static void
response_clear(struct slc_http_response *resp)
{
    json_decref(resp->body);
    free(resp->raw);
    free(resp->json_text);
}

/* Answers a request the edge refuses: JSON whatever the Accept header,
 * and the connection is closed after it (what follows the request on
 * the connection cannot be trusted to be the next request). */
static enum MHD_Result
reject(struct MHD_Connection *conn, unsigned status, const char *detail)
{
    struct slc_http_response resp = {.force_json = true};
    enum MHD_Result ret;

    slc_http_error(&resp, status, detail);
    ret = send_response(conn, NULL, &resp, true);
    response_clear(&resp);
    return ret;
}

static bool
append_body(struct slc_http_deferred *p, const char *data, size_t size,
            size_t limit)
{
    if (p->too_big || p->size + size > limit) {
        p->too_big = true;
        return true;
    }
    if (p->size + size + 1 > p->cap) {
        size_t cap = p->cap ? p->cap : 8192;
        char *nb;

        while (cap < p->size + size + 1) {
            cap *= 2;
        }
        nb = realloc(p->body, cap);
        if (!nb) {
            return false;
        }
        p->body = nb;
        p->cap = cap;
    }
    memcpy(p->body + p->size, data, size);
    p->size += size;
    p->body[p->size] = '\0';
    return true;
}

static void
remote_of(struct MHD_Connection *conn, char host[INET6_ADDRSTRLEN],
          unsigned *port)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;

    strcpy(host, "?");
    *port = 0;
    if (sa && sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

        inet_ntop(AF_INET, &in->sin_addr, host, INET6_ADDRSTRLEN);
        *port = ntohs(in->sin_port);
    } else if (sa && sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

        inet_ntop(AF_INET6, &in6->sin6_addr, host, INET6_ADDRSTRLEN);
        *port = ntohs(in6->sin6_port);
    }
}

/* Monotonic seconds, for deadlines. */
static double
now_mono(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Copies at most 'size' - 1 characters of client text for a message,
 * non-printable and non-ASCII bytes as '?' (details must be UTF-8). */
static void
printable(char *dst, size_t size, const char *src)
{
    size_t i;

    for (i = 0; src[i] && i + 1 < size; i++) {
        unsigned char c = (unsigned char)src[i];

        dst[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    dst[i] = '\0';
}

/* --- request deadlines */

/* The record of the connection a request came on; NULL if it could not
 * be made. */
static struct slc_http_conn *
conn_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

    return ci ? ci->socket_context : NULL;
}

/* Arms the sweep for the earliest deadline, unless it is armed already
 * (then for an earlier or the same one: the list is in deadline order
 * and only ever loses its head early). */
static void
sweep_arm(struct slc_http_server *srv)
{
    double left;
    struct timeval tv;

    if (!srv->waiting_head || !srv->sweep ||
        event_pending(srv->sweep, EV_TIMEOUT, NULL)) {
        return;
    }
    left = srv->waiting_head->deadline - now_mono();
    if (left < 0) {
        left = 0;
    }
    tv.tv_sec = (time_t)left;
    tv.tv_usec = (suseconds_t)((left - (double)tv.tv_sec) * 1e6);
    event_add(srv->sweep, &tv);
}

/* Takes 'c' off the waiting list, if it is on it. */
static void
waiting_remove(struct slc_http_conn *c)
{
    struct slc_http_server *srv = c->srv;

    if (!c->waiting) {
        return;
    }
    if (c->prev) {
        c->prev->next = c->next;
    } else {
        srv->waiting_head = c->next;
    }
    if (c->next) {
        c->next->prev = c->prev;
    } else {
        srv->waiting_tail = c->prev;
    }
    c->prev = c->next = NULL;
    c->waiting = false;
}

/* The connection is ready for a request (just accepted, or its last reply
 * is done): the whole request must be in within the request timeout. */
static void
waiting_add(struct slc_http_conn *c)
{
    struct slc_http_server *srv = c->srv;

    if (!srv->request_timeout) {
        return;
    }
    waiting_remove(c);
    c->deadline = now_mono() + srv->request_timeout;
    c->prev = srv->waiting_tail;
    if (srv->waiting_tail) {
        srv->waiting_tail->next = c;
    } else {
        srv->waiting_head = c;
    }
    srv->waiting_tail = c;
    c->waiting = true;
    sweep_arm(srv);
}

/* The request on 'conn' is whole (or refused): no deadline until the
 * reply is done. */
static void
request_in(struct MHD_Connection *conn)
{
    struct slc_http_conn *c = conn_of(conn);

    if (c) {
        waiting_remove(c);
    }
}

/* Closes the connections past their deadline.  MHD owns the sockets, so
 * they are shut down, not closed: MHD reads the end and closes them. */
static void
on_sweep(evutil_socket_t fd, short what, void *arg)
{
    struct slc_http_server *srv = arg;
    double now = now_mono() + 0.001;
    struct slc_http_conn *c;

    while ((c = srv->waiting_head) && c->deadline <= now) {
        char host[INET6_ADDRSTRLEN];
        unsigned port;

        waiting_remove(c);
        remote_of(c->conn, host, &port);
        SLC_INFO_RL("client %s port %u: no whole request within %u s: "
                    "closing the connection",
                    host, port, srv->request_timeout);
        shutdown(c->fd, SHUT_RDWR);
    }
    sweep_arm(srv);
}

/* MHD accepted a connection (its deadline starts) or is done with one. */
/* Frees a request's state (a deferred reply not sent yet is no longer
 * awaited). */
static void
request_free(struct slc_http_deferred *p)
{
    if (p->replied && !p->sent) {
        p->srv->resumed--; /* the client went away first */
    }
    response_clear(&p->reply);
    free(p->body);
    free(p);
}

static void
on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
              enum MHD_ConnectionNotificationCode code)
{
    struct slc_http_server *srv = cls;
    struct slc_http_conn *c = *socket_context;

    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);

        c = calloc(1, sizeof *c);
        if (!c) {
            /* no deadline could be kept: do not serve it */
            if (ci) {
                shutdown(ci->connect_fd, SHUT_RDWR);
            }
            return;
        }
        *c = (struct slc_http_conn){
            .srv = srv,
            .conn = conn,
            .fd = ci ? ci->connect_fd : -1,
        };
        *socket_context = c;
        waiting_add(c);
    } else if (c) {
        waiting_remove(c);
        if (c->request) {
            /* a request MHD gave up on without completing it (its
             * arguments did not fit its memory, ...) */
            request_free(c->request);
        }
        free(c);
        *socket_context = NULL;
    }
}

/* --- what the edge refuses */

/* MHD has the request line: the target is still as the client sent it
 * (not unescaped, the query string not cut off).  What this returns
 * becomes the request's state (*con_cls); NULL when out of memory. */
#define STR_(x) #x
#define STR(x) STR_(x)

/* The most query parameters a request may have: OSM's filters use a
 * handful. */
#define MAX_QUERY_ARGS 256

/* A request target with more query parameters than MAX_QUERY_ARGS is
 * refused, and MHD must not parse them: each takes a record from its
 * per-connection memory, and when that runs out MHD 0.9.75 queues a 431
 * but goes on with the request and never answers (the client hangs until
 * the request timeout).  This callback runs after MHD found the '?' and
 * before it parses what follows, in its own read buffer: cutting the
 * string right after the '?' leaves it nothing to parse. */
static void
refuse_many_args(struct slc_http_deferred *p, const char *uri)
{
    char *q = uri ? strchr(uri, '?') : NULL;
    size_t n = q && q[1] ? 1 : 0;

    for (const char *a = q; a && *a; a++) {
        n += *a == '&';
    }
    if (n > MAX_QUERY_ARGS) {
        q[1] = '\0';
        p->refusal = "the request target has more than "
                     STR(MAX_QUERY_ARGS) " query parameters";
    }
}

static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
    struct slc_http_deferred *p = calloc(1, sizeof *p);

    if (!p) {
        return NULL;
    }
    p->srv = cls;
    p->conn = conn;
    if (conn_of(conn)) {
        conn_of(conn)->request = p;
    }
    p->uri = uri ? uri : "";
    p->uri_len = strlen(p->uri);
    refuse_many_args(p, uri);
    for (size_t i = 0; i < p->uri_len && !p->refusal; i++) {
        unsigned char c = (unsigned char)p->uri[i];

        if (c <= 0x20 || c == 0x7f) {
            p->refusal = "the request target has a space or a control "
                         "character";
        } else if (!strncmp(p->uri + i, "%00", 3)) {
            p->refusal = "the request target has %00 (NUL)";
        }
    }
    return p;
}

/* Whether the request line had a raw NUL.  MHD cuts the line into
 * NUL-terminated strings in place, by length: the method ends at the
 * first space (more spaces may follow), the target at the space before
 * the version.  A NUL that the client sent ends a string early, so the
 * next string does not start where the previous one's end says. */
static const char *
line_refusal(const struct slc_http_deferred *p, const char *method,
             const char *url, const char *version)
{
    const char *s = method + strlen(method) + 1;

    if (p->refusal) {
        return p->refusal;
    }
    if (url != p->uri || version != p->uri + p->uri_len + 1) {
        return "the request target has a NUL byte";
    }
    while (s != url && *s == ' ') {
        s++;
    }
    return s == url ? NULL : "the method has a NUL byte";
}

/* What the request's headers say about its framing. */
struct header_scan {
    unsigned content_length, transfer_encoding;
    const char *bad_name;
};

static enum MHD_Result
scan_header(void *cls, enum MHD_ValueKind kind, const char *key,
            const char *value)
{
    struct header_scan *scan = cls;

    if (!strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH)) {
        scan->content_length++;
    } else if (!strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING)) {
        scan->transfer_encoding++;
    }
    /* "Content-Length : 1" is no Content-Length to MHD, but may be one to
     * a proxy */
    if (!scan->bad_name && (!*key || strpbrk(key, " \t"))) {
        scan->bad_name = key;
    }
    return MHD_YES;
}

/* The status (0 = none) and detail of what the edge refuses in a request
 * whose line and headers are in. */
static unsigned
refusal_of(const struct slc_http_deferred *p, const char *method,
           const char *url, const char *version, char *detail, size_t size)
{
    struct header_scan scan = {0};
    const char *why = line_refusal(p, method, url, version);
    const char *len;
    char name[48];

    if (why) {
        snprintf(detail, size, "%s", why);
        return 400;
    }
    MHD_get_connection_values(p->conn, MHD_HEADER_KIND, scan_header, &scan);
    if (scan.bad_name) {
        printable(name, sizeof name, scan.bad_name);
        snprintf(detail, size,
                 "header name '%s' has white space (none is allowed "
                 "before the colon)",
                 name);
        return 400;
    }
    if (scan.content_length && scan.transfer_encoding) {
        snprintf(detail, size,
                 "Content-Length and Transfer-Encoding together: the "
                 "body's length is ambiguous");
        return 400;
    }
    if (scan.content_length > 1) {
        snprintf(detail, size,
                 "%u Content-Length headers: the body's length is "
                 "ambiguous",
                 scan.content_length);
        return 400;
    }
    if (scan.transfer_encoding) {
        snprintf(detail, size,
                 "Transfer-Encoding is not accepted: send the body with a "
                 "Content-Length");
        return 411;
    }
    len = MHD_lookup_connection_value(p->conn, MHD_HEADER_KIND,
                                      MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (len && strtoull(len, NULL, 10) > p->srv->body_limit) {
        snprintf(detail, size,
                 "request body of %s bytes is larger than the limit of "
                 "%zu bytes",
                 len, p->srv->body_limit);
        return 413;
    }
    return 0;
}

/* The first call of a request: its line and headers are in.  Refuses
 * it, or lets MHD go on to the body. */
static enum MHD_Result
first_call(struct slc_http_deferred *p, const char *method, const char *url,
           const char *version)
{
    char detail[200], host[INET6_ADDRSTRLEN], what[48];
    unsigned status, port;

    status = refusal_of(p, method, url, version, detail, sizeof detail);
    if (!status) {
        return MHD_YES;
    }
    request_in(p->conn);
    remote_of(p->conn, host, &port);
    printable(what, sizeof what, method);
    SLC_INFO_RL("client %s port %u: %s: %u: %s", host, port, what, status,
                detail);
    return reject(p->conn, status, detail);
}

/* A whole request: to the handler, and its reply (or its deferral). */
static enum MHD_Result
serve(struct slc_http_server *srv, struct slc_http_deferred *p,
      const char *method, const char *url)
{
    struct slc_http_response resp = {.status = 200};
    char host[INET6_ADDRSTRLEN];
    enum MHD_Result ret;
    struct slc_http_request req = {
        .method = method,
        .path = url,
        .query = json_object(),
        .content_type = MHD_lookup_connection_value(
            p->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE),
        .accept = MHD_lookup_connection_value(p->conn, MHD_HEADER_KIND,
                                              MHD_HTTP_HEADER_ACCEPT),
        .authorization = MHD_lookup_connection_value(
            p->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION),
        .body = p->body,
        .body_size = p->size,
        .remote_host = host,
        .conn = p->conn,
        .pending = p,
    };

    remote_of(p->conn, host, &req.remote_port);
    if (!req.query) {
        return MHD_NO;
    }
    MHD_get_connection_values(p->conn, MHD_GET_ARGUMENT_KIND, add_query,
                              req.query);
    srv->handler(srv->ctx, &req, &resp);
    if (p->deferred) {
        MHD_suspend_connection(p->conn);
        ret = MHD_YES;
    } else {
        ret = send_response(p->conn, req.accept, &resp, false);
        SLC_DEBUG("%s %s -> %u", method, url, resp.status);
    }
    json_decref(req.query);
    response_clear(&resp);
    return ret;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url,
           const char *method, const char *version, const char *upload_data,
           size_t *upload_data_size, void **con_cls)
{
    struct slc_http_server *srv = cls;
    struct slc_http_deferred *p = *con_cls;
    enum MHD_Result ret;

    if (!p) {
        return MHD_NO; /* out of memory when the request line came */
    }
    if (!p->started) {
        p->started = true;
        return first_call(p, method, url, version);
    }
    if (p->deferred) {
        if (!p->replied) {
            return MHD_YES; /* not resumed by us: nothing to send yet */
        }
        srv->resumed--;
        p->sent = true;
        ret = send_response(conn,
                            MHD_lookup_connection_value(
                                conn, MHD_HEADER_KIND,
                                MHD_HTTP_HEADER_ACCEPT),
                            &p->reply, false);
        SLC_DEBUG("%s %s -> %u (deferred)", method, url, p->reply.status);
        response_clear(&p->reply);
        p->reply = (struct slc_http_response){0};
        return ret;
    }
    if (*upload_data_size) {
        if (!append_body(p, upload_data, *upload_data_size,
                         srv->body_limit)) {
            return MHD_NO;
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    request_in(conn);
    if (p->too_big) {
        char detail[160];

        snprintf(detail, sizeof detail,
                 "request body is larger than the limit of %zu bytes",
                 srv->body_limit);
        return reject(conn, 413, detail);
    }
    return serve(srv, p, method, url);
}

struct slc_http_deferred *
slc_http_defer(const struct slc_http_request *req,
               struct slc_http_response *resp)
{
    struct slc_http_deferred *p = req->pending;
    struct slc_http_server *srv = p->srv;

    response_clear(resp);
    *resp = (struct slc_http_response){.status = 200};
    p->deferred = true;
    p->next = srv->suspended;
    if (srv->suspended) {
        srv->suspended->prev = p;
    }
    srv->suspended = p;
    return p;
}

void
slc_http_deferred_reply(struct slc_http_deferred *p,
                        struct slc_http_response *resp)
{
    struct slc_http_server *srv = p->srv;

    if (p->prev) {
        p->prev->next = p->next;
    } else {
        srv->suspended = p->next;
    }
    if (p->next) {
        p->next->prev = p->prev;
    }
    p->prev = p->next = NULL;
    p->reply = *resp;
    *resp = (struct slc_http_response){0};
    p->replied = true;
    srv->resumed++;
    MHD_resume_connection(p->conn);
    /* MHD hears of the resume through its own pipe; run it soon anyway */
    event_active(srv->timer, EV_TIMEOUT, 0);
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
             enum MHD_RequestTerminationCode toe)
{
    struct slc_http_deferred *p = *con_cls;
    struct slc_http_conn *c = conn_of(conn);

    if (c && toe == MHD_REQUEST_TERMINATED_COMPLETED_OK) {
        waiting_add(c); /* kept alive: the next request's deadline */
    }
    if (p) {
        if (c && c->request == p) {
            c->request = NULL;
        }
        request_free(p);
        *con_cls = NULL;
    }
}

static void run_mhd(struct slc_http_server *srv);

static void
on_io(evutil_socket_t fd, short what, void *arg)
{
    run_mhd(arg);
}

/* How many connections MHD holds (it cleans up closed ones first). */
static unsigned
connections_of(struct slc_http_server *srv)
{
    const union MHD_DaemonInfo *info =
        MHD_get_daemon_info(srv->mhd, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);

    return info ? info->num_connections : 0;
}

/* Runs MHD and re-arms the timer with MHD's next deadline. */
static void
run_mhd(struct slc_http_server *srv)
{
    MHD_UNSIGNED_LONG_LONG ms;
    unsigned before = connections_of(srv);

    MHD_run(srv->mhd);
    /* At the connection limit MHD takes its listening socket out of its
     * epoll set, and puts it back only at the start of a run: run again
     * when connections closed, or clients waiting in the listen queue
     * would wait for some other event. */
    if (connections_of(srv) < before) {
        MHD_run(srv->mhd);
    }
    event_del(srv->timer);
    if (MHD_get_timeout(srv->mhd, &ms) == MHD_YES) {
        struct timeval tv = {
            .tv_sec = (time_t)(ms / 1000),
            .tv_usec = (suseconds_t)(ms % 1000) * 1000,
        };

        event_add(srv->timer, &tv);
    }
}

/* Creates the listening socket ourselves, so that the error names the
 * address and port 0 works. */
static int
listen_on(const char *address, unsigned port, int *fd_out, unsigned *bound,
          struct slc_error *err)
{
    struct sockaddr_storage ss = {0};
    socklen_t len;
    int fd, one = 1;

    if (strchr(address, ':')) {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, address, &in6->sin6_addr) != 1) {
            return slc_error_set(err, SLC_EINVALID,
                                 "listen address '%s' is not an IPv6 "
                                 "address",
                                 address);
        }
        len = sizeof *in6;
    } else {
        struct sockaddr_in *in = (struct sockaddr_in *)&ss;

        in->sin_family = AF_INET;
        in->sin_port = htons((uint16_t)port);
        if (inet_pton(AF_INET, address, &in->sin_addr) != 1) {
            return slc_error_set(err, SLC_EINVALID,
                                 "listen address '%s' is not an IPv4 "
                                 "address",
                                 address);
        }
        len = sizeof *in;
    }
    fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        return slc_error_set(err, SLC_EIO, "socket: %s", strerror(errno));
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&ss, len) || listen(fd, 1024)) {
        int e = errno;

        close(fd);
        return slc_error_set(err, SLC_EIO, "listen on %s port %u: %s",
                             address, port, strerror(e));
    }
    len = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &len);
    *bound = ntohs(ss.ss_family == AF_INET6
                       ? ((struct sockaddr_in6 *)&ss)->sin6_port
                       : ((struct sockaddr_in *)&ss)->sin_port);
    *fd_out = fd;
    return 0;
}

/* MHD's own messages (errors it answered by itself, connections it
 * refused), through slicerd's log and its rate limit. */
SLC_PRINTF(2, 0)
static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char text[400];
    size_t len;

    vsnprintf(text, sizeof text, fmt, ap);
    len = strlen(text);
    while (len && (text[len - 1] == '\n' || text[len - 1] == '\r')) {
        text[--len] = '\0';
    }
    SLC_INFO_RL("libmicrohttpd: %s", text);
}

/* The connection limit: 'wanted' (0 = as many as fit), at most what the
 * descriptor limit leaves after FD_RESERVE. */
static unsigned
connection_limit(unsigned wanted)
{
    struct rlimit rl;
    rlim_t fit;

    if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur == RLIM_INFINITY) {
        return wanted ? wanted : 65536;
    }
    fit = rl.rlim_cur > 2 * FD_RESERVE ? rl.rlim_cur - FD_RESERVE
                                       : rl.rlim_cur / 2;
    if (fit < 1) {
        fit = 1;
    }
    if (fit > 65536) {
        fit = 65536;
    }
    if (!wanted) {
        return (unsigned)fit;
    }
    if (wanted > fit) {
        SLC_WARN("max_connections %u does not fit the descriptor limit of "
                 "%llu (%u kept for the rest of slicerd): %u at most",
                 wanted, (unsigned long long)rl.rlim_cur, FD_RESERVE,
                 (unsigned)fit);
        return (unsigned)fit;
    }
    return wanted;
}

int
slc_http_server_start(const struct slc_http_server_params *p,
                      struct slc_http_server **out, struct slc_error *err)
{
    struct slc_http_server *srv = calloc(1, sizeof *srv);
    const union MHD_DaemonInfo *info;
    unsigned flags = MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
                     MHD_ALLOW_SUSPEND_RESUME;
    bool tls = p->tls_cert_pem && p->tls_key_pem;
    int rc;

    if (!srv) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    *srv = (struct slc_http_server){
        .base = p->base,
        .fd = -1,
        .body_limit = p->body_limit,
        .request_timeout = p->request_timeout,
        .handler = p->handler,
        .ctx = p->ctx,
    };
    srv->sweep = event_new(p->base, -1, 0, on_sweep, srv);
    if (!srv->sweep) {
        free(srv);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    rc = listen_on(p->address, p->port, &srv->fd, &srv->port, err);
    if (rc) {
        event_free(srv->sweep);
        free(srv);
        return rc;
    }
    if (tls) {
        flags |= MHD_USE_TLS;
    }
    srv->mhd = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_EXTERNAL_LOGGER,
        on_mhd_log, srv, MHD_OPTION_LISTEN_SOCKET, srv->fd,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv,
        MHD_OPTION_CONNECTION_TIMEOUT, p->idle_timeout,
        MHD_OPTION_CONNECTION_LIMIT, connection_limit(p->max_connections),
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, p->max_connections_per_client,
        tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, p->tls_cert_pem,
        MHD_OPTION_HTTPS_MEM_KEY, p->tls_key_pem, MHD_OPTION_END);
    if (!srv->mhd) {
        close(srv->fd);
        event_free(srv->sweep);
        free(srv);
        return slc_error_set(err, SLC_EIO,
                             "cannot start the HTTP server on %s port %u%s",
                             p->address, p->port,
                             tls ? " (check the TLS certificate and key)"
                                 : "");
    }
    srv->fd = -1; /* MHD owns and closes the listening socket now */
    info = MHD_get_daemon_info(srv->mhd, MHD_DAEMON_INFO_EPOLL_FD);
    srv->io = event_new(p->base, info ? info->epoll_fd : -1,
                        EV_READ | EV_PERSIST, on_io, srv);
    srv->timer = event_new(p->base, -1, 0, on_io, srv);
    if (!info || !srv->io || !srv->timer || event_add(srv->io, NULL)) {
        slc_http_server_stop(srv);
        return slc_error_set(err, SLC_EIO, "cannot watch the HTTP server");
    }
    run_mhd(srv);
    *out = srv;
    return 0;
}

unsigned
slc_http_server_port(const struct slc_http_server *srv)
{
    return srv->port;
}

void
slc_http_server_stop(struct slc_http_server *srv)
{
    if (!srv) {
        return;
    }
    while (srv->suspended) {
        struct slc_http_response resp = {0};

        slc_http_error(&resp, 503, "slicerd is stopping");
        slc_http_deferred_reply(srv->suspended, &resp);
    }
    /* Deferred replies just given are sent by MHD's next runs: give them
     * a moment (MHD may not stop with a connection still suspended). */
    for (int i = 0; i < 20 && srv->resumed; i++) {
        MHD_run(srv->mhd);
        if (srv->resumed) {
            usleep(5000);
        }
    }
    if (srv->io) {
        event_free(srv->io);
    }
    if (srv->timer) {
        event_free(srv->timer);
    }
    if (srv->mhd) {
        MHD_stop_daemon(srv->mhd); /* frees every connection's record */
    }
    if (srv->sweep) {
        event_free(srv->sweep);
    }
    if (srv->fd >= 0) {
        close(srv->fd);
    }
    free(srv);
}

/* slicerd's HTTP/1.1 server on the daemon's libevent loop.  See
 * http-server.h.
 *
 * A connection is a libevent bufferevent (an OpenSSL one under TLS); its
 * bytes go through http-parser (the parser Node.js used for years,
 * Debian's libhttp-parser), whose callbacks gather the request.  This file
 * keeps what is slicerd's own: the limits and timeouts, what the edge
 * refuses, and that every reply, errors included, is the API's JSON.
 *
 * A connection goes READING (a request is being parsed; the request
 * timeout runs) -> HANDLING (the handler has it; reading stops, so a
 * pipelined request waits in the input buffer) -> WRITING (the reply is
 * queued) -> READING again, or LINGERING when it is to be closed: the
 * write side is shut and what the client still sends is read and dropped
 * for a moment, so that the kernel does not reset the connection (and
 * the reply with it) for unread input. */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <http_parser.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http-server-internal.h"
#include "slc-json.h"
#include "slc-log.h"
#include "slc-metrics.h"
#include "slc-yaml.h"

SLC_LOG_MODULE(http);

/* Descriptors kept for the rest of slicerd (store, log, outbound HTTP,
 * drivers' pipes) when the connection limit is fitted to RLIMIT_NOFILE. */

static const struct {
    unsigned status;
    const char *name;          /* as OSM writes it */
    const char *reason;        /* the status line's */
} statuses[] = {
    {100, "CONTINUE", "Continue"},
    {200, "OK", "OK"},
    {201, "CREATED", "Created"},
    {202, "ACCEPTED", "Accepted"},
    {204, "NO_CONTENT", "No Content"},
    {206, "PARTIAL_CONTENT", "Partial Content"},
    {303, "SEE_OTHER", "See Other"},
    {304, "NOT_MODIFIED", "Not Modified"},
    {400, "BAD_REQUEST", "Bad Request"},
    {401, "UNAUTHORIZED", "Unauthorized"},
    {403, "FORBIDDEN", "Forbidden"},
    {404, "NOT_FOUND", "Not Found"},
    {405, "METHOD_NOT_ALLOWED", "Method Not Allowed"},
    {406, "NOT_ACCEPTABLE", "Not Acceptable"},
    {408, "REQUEST_TIMEOUT", "Request Timeout"},
    {409, "CONFLICT", "Conflict"},
    {411, "LENGTH_REQUIRED", "Length Required"},
    {413, "REQUEST_ENTITY_TOO_LARGE", "Content Too Large"},
    {414, "URI_TOO_LONG", "URI Too Long"},
    {415, "UNSUPPORTED_MEDIA_TYPE", "Unsupported Media Type"},
    {416, "REQUESTED_RANGE_NOT_SATISFIABLE", "Range Not Satisfiable"},
    {417, "EXPECTATION_FAILED", "Expectation Failed"},
    {422, "UNPROCESSABLE_ENTITY", "Unprocessable Entity"},
    {431, "REQUEST_HEADER_FIELDS_TOO_LARGE",
     "Request Header Fields Too Large"},
    {500, "INTERNAL_SERVER_ERROR", "Internal Server Error"},
    {501, "NOT_IMPLEMENTED", "Not Implemented"},
    {503, "SERVICE_UNAVAILABLE", "Service Unavailable"},
    {504, "GATEWAY_TIMEOUT", "Gateway Timeout"},
    {505, "HTTP_VERSION_NOT_SUPPORTED", "HTTP Version Not Supported"},
};

static size_t
status_index(unsigned status)
{
    for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
        if (statuses[i].status == status) {
            return i;
        }
    }
    return SIZE_MAX;
}

const char *
slc_http_status_name(unsigned status)
{
    size_t i = status_index(status);

    return i == SIZE_MAX ? "ERROR" : statuses[i].name;
}

static const char *
reason_of(unsigned status)
{
    size_t i = status_index(status);

    return i == SIZE_MAX ? "Unknown" : statuses[i].reason;
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
    resp->next[0] = '\0';
    resp->status = status;
    resp->body = json_pack("{sssiss}", "code", slc_http_status_name(status),
                           "status", (int)status, "detail", detail);
}

/* The value of header 'name' of request 'p', or NULL. */
const char *
slc_http_header_of(const struct slc_http_deferred *p, const char *name)
{
    for (size_t i = 0; i < p->n_headers; i++) {
        if (!strcasecmp(p->headers[i].name, name)) {
            return p->headers[i].value;
        }
    }
    return NULL;
}

const char *
slc_http_header(const struct slc_http_request *req, const char *name)
{
    return slc_http_header_of(req->pending, name);
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

static void
response_clear(struct slc_http_response *resp)
{
    json_decref(resp->body);
    free(resp->raw);
    free(resp->json_text);
}

/* Whether 'accept' takes a body of media type 'type' (its parameters
 * aside): no Accept, any type, the type's family or the type itself. */
static bool
raw_acceptable(const char *accept, const char *type)
{
    char want[96], family[64];
    size_t n;

    if (!accept || !*accept || strstr(accept, "*/*")) {
        return true;
    }
    type = type ? type : "application/octet-stream";
    n = strcspn(type, ";");
    snprintf(want, sizeof want, "%.*s", (int)(n < 95 ? n : 95), type);
    n = strcspn(want, "/");
    snprintf(family, sizeof family, "%.*s/*", (int)(n < 60 ? n : 60), want);
    return strstr(accept, want) || strstr(accept, family);
}

/* The reply's body in the representation 'accept' asks for: its text
 * (malloc'd, or NULL for none), size and Content-Type. */
static char *
render(struct slc_http_response *resp, const char *accept, size_t *size,
       const char **type)
{
    char *text = NULL;
    int fmt = resp->force_json ? 'j' : negotiate(accept);

    *size = 0;
    *type = NULL;
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
    if (resp->raw && !raw_acceptable(accept, resp->raw_type)) {
        char msg[160];

        snprintf(msg, sizeof msg, "only %.100s is available here",
                 resp->raw_type ? resp->raw_type : "application/octet-stream");
        free(resp->raw);
        resp->raw = NULL;
        slc_http_error(resp, 406, msg);
        fmt = 'j';
    } else if (!fmt && resp->body) {
        slc_http_error(resp, 406,
                       "only application/json and application/yaml "
                       "responses are available");
        fmt = 'j';
    }
    if (resp->raw) {
        text = resp->raw;
        *size = resp->raw_size;
        resp->raw = NULL;
        *type = resp->raw_type ? resp->raw_type : "application/octet-stream";
    } else if (resp->json_text) {
        text = resp->json_text;
        *size = resp->json_len;
        resp->json_text = NULL;
        *type = "application/json";
    } else if (resp->body && fmt == 'j') {
        /* compact, like the stored documents sent as they are */
        text = slc_json_text(resp->body, size);
        *type = "application/json";
    } else if (resp->body) {
        text = slc_yaml_dump(resp->body, size);
        *type = "application/yaml";
    }
    if (resp->body && !text) {
        resp->status = 500;
        *type = NULL;
    }
    return text;
}

static void
free_text(const void *data, size_t len, void *arg)
{
    free((void *)data);
}

/* --- connections */

static void conn_free(struct slc_http_conn *c);

/* Monotonic deadline timer of 'c': 'seconds' from now, or none for 0. */
static void
deadline_arm(struct slc_http_conn *c, unsigned seconds)
{
    struct timeval tv = {.tv_sec = (time_t)seconds};

    event_del(c->deadline);
    if (seconds) {
        event_add(c->deadline, &tv);
    }
}

static void
request_free(struct slc_http_deferred *p)
{
    if (!p) {
        return;
    }
    for (size_t i = 0; i < p->n_headers; i++) {
        free(p->headers[i].name);
        free(p->headers[i].value);
    }
    free(p->headers);
    free(p->target);
    free(p->body);
    free(p);
}

/* Writes what 'c' has queued now, rather than when the loop next polls
 * the socket: the reply leaves before whatever the handler started runs
 * (an operation's first step, which may take a while or, in the crash
 * tests, kill the daemon).  Plain HTTP only: a TLS record is written by
 * its bufferevent.  The bufferevent holds its output buffer frozen at the
 * front and unfreezes it to write, as here; when this empties it, the
 * bufferevent's own write event finds nothing to do and does not call
 * on_write: 'written' makes that call from the loop (never from inside
 * the handler). */
static void
write_now(struct slc_http_conn *c)
{
    struct evbuffer *out = bufferevent_get_output(c->bev);

    if (c->srv->tls || !evbuffer_get_length(out)) {
        return;
    }
    evbuffer_unfreeze(out, 1);
    evbuffer_write(out, c->fd);
    evbuffer_freeze(out, 1);
    if (!evbuffer_get_length(out)) {
        event_active(c->written, EV_TIMEOUT, 0);
    }
}

/* Queues 'resp' (its contents are taken) as the reply on 'c', then
 * closes the connection if 'close' or the request asks for it. */
static void
respond(struct slc_http_conn *c, struct slc_http_response *resp,
        const char *accept, bool close)
{
    struct evbuffer *out = bufferevent_get_output(c->bev);
    struct slc_http_deferred *p = c->req;
    const char *type;
    size_t size;
    char *text = render(resp, accept, &size, &type);
    char date[64];
    struct tm tm;
    time_t now = time(NULL);
    bool bodyless = resp->status == 204 || resp->status == 304;

    close = close || !p || !p->keep_alive;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    evbuffer_add_printf(out, "HTTP/1.1 %u %s\r\nDate: %s\r\n", resp->status,
                        reason_of(resp->status), date);
    if (!bodyless) {
        evbuffer_add_printf(out, "Content-Length: %zu\r\n", size);
    }
    if (type && !bodyless) {
        evbuffer_add_printf(out, "Content-Type: %s\r\n", type);
    }
    if (resp->next[0]) {
        evbuffer_add_printf(out, "Link: <%s>; rel=\"next\"\r\n", resp->next);
    }
    if (resp->location[0]) {
        evbuffer_add_printf(out, "Location: %s\r\n", resp->location);
    }
    if (resp->headers) {
        evbuffer_add(out, resp->headers, strlen(resp->headers));
    }
    if (close) {
        evbuffer_add_printf(out, "Connection: close\r\n");
    } else if (p->http10) {
        evbuffer_add_printf(out, "Connection: keep-alive\r\n");
    }
    evbuffer_add(out, "\r\n", 2);
    if (text && size && !bodyless && !(p && p->head)) {
        evbuffer_add_reference(out, text, size, free_text, NULL);
    } else {
        free(text);
    }
    response_clear(resp);
    *resp = (struct slc_http_response){0};
    c->state = WRITING;
    c->close_after = close;
    bufferevent_disable(c->bev, EV_READ);
    bufferevent_enable(c->bev, EV_WRITE);
    write_now(c);
}

/* Refuses what came on 'c' with a JSON error, whatever the Accept header,
 * and closes the connection after it (what follows cannot be trusted to
 * be the next request). */
void
slc_http_refuse(struct slc_http_conn *c, unsigned status, const char *detail)
{
    struct slc_http_response resp = {.force_json = true};

    SLC_INFO_RL("client %s port %u: %u: %s", c->host, c->port, status,
                detail);
    event_del(c->deadline);
    slc_http_error(&resp, status, detail);
    respond(c, &resp, NULL, true);
}

/* The reply is out and the connection is to be closed: shut the write
 * side, and read and drop what still comes for a moment. */
static void
linger(struct slc_http_conn *c)
{
    struct timeval tv = {.tv_sec = LINGER_SECONDS};

    c->state = LINGERING;
    if (c->fd >= 0) {
        shutdown(c->fd, SHUT_WR);
    }
    evbuffer_drain(bufferevent_get_input(c->bev),
                   evbuffer_get_length(bufferevent_get_input(c->bev)));
    bufferevent_set_timeouts(c->bev, &tv, NULL);
    bufferevent_enable(c->bev, EV_READ);
    deadline_arm(c, LINGER_SECONDS);
}

static void
on_read(struct bufferevent *bev, void *arg)
{
    struct slc_http_conn *c = arg;

    if (c->state == LINGERING) {
        struct evbuffer *in = bufferevent_get_input(bev);

        evbuffer_drain(in, evbuffer_get_length(in));
    } else if (c->state == READING) {
        slc_http_feed(c);
    }
}

/* The connection is ready for its next request. */
static void
ready(struct slc_http_conn *c)
{
    struct timeval idle = {.tv_sec = (time_t)c->srv->idle_timeout};

    request_free(c->req);
    c->req = NULL;
    c->state = READING;
    c->refusal = 0;
    http_parser_pause(&c->parser, 0);
    deadline_arm(c, c->srv->request_timeout);
    bufferevent_set_timeouts(c->bev, idle.tv_sec ? &idle : NULL,
                             idle.tv_sec ? &idle : NULL);
    bufferevent_enable(c->bev, EV_READ);
}

static void
on_write(struct bufferevent *bev, void *arg)
{
    struct slc_http_conn *c = arg;

    if (c->state != WRITING ||
        evbuffer_get_length(bufferevent_get_output(bev))) {
        return;
    }
    if (c->close_after) {
        linger(c);
        return;
    }
    ready(c);
    slc_http_feed(c); /* a request pipelined behind the last one */
}

static void
on_written(evutil_socket_t fd, short what, void *arg)
{
    struct slc_http_conn *c = arg;

    on_write(c->bev, c);
}

/* What the TLS library says went wrong, for the log. */
static const char *
tls_error(char *buf, size_t size)
{
    unsigned long e = ERR_get_error();

    ERR_clear_error();
    if (!e) {
        return "the connection ended";
    }
    ERR_error_string_n(e, buf, size);
    return buf;
}

/* A client that spoke plain HTTP to the HTTPS port gets a plain HTTP
 * answer saying so (rather than a reset), written on the socket itself:
 * there is no TLS session to write it through. */
static void
answer_plain(struct slc_http_conn *c)
{
    static const char body[] =
        "{\"code\":\"BAD_REQUEST\",\"status\":400,\"detail\":\"this "
        "port speaks HTTPS: use https:// (a local slicerd's certificate is "
        "STATE_DIR/tls/cert.pem)\"}";
    char reply[512];
    int n = snprintf(reply, sizeof reply,
                     "HTTP/1.1 400 Bad Request\r\n"
                     "Content-Type: application/json\r\n"
                     "Content-Length: %zu\r\n"
                     "Connection: close\r\n\r\n%s",
                     sizeof body - 1, body);

    if (n > 0 && send(c->fd, reply, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) ==
                     n) {
        shutdown(c->fd, SHUT_WR);
    }
}

static void
on_event(struct bufferevent *bev, short what, void *arg)
{
    struct slc_http_conn *c = arg;

    if (what == BEV_EVENT_CONNECTED) {
        return; /* the TLS handshake is done */
    }

    if (c->state == LINGERING) {
        conn_free(c);
        return;
    }
    if ((what & BEV_EVENT_TIMEOUT) && c->state == READING && c->req) {
        char detail[120];

        snprintf(detail, sizeof detail,
                 "no byte of the request for %u s (idle_timeout)",
                 c->srv->idle_timeout);
        slc_http_refuse(c, 408, detail);
        return;
    }
    if ((what & BEV_EVENT_ERROR) && c->srv->tls) {
        char buf[160];
        unsigned long e;
        bool plain = false;

        while ((e = bufferevent_get_openssl_error(bev))) {
            plain |= ERR_GET_REASON(e) == SSL_R_HTTP_REQUEST;
        }
        if (plain) {
            /* OpenSSL saw "GET ", "POST"...: plain HTTP on the TLS port */
            SLC_INFO_RL("client %s port %u: plain HTTP on the HTTPS port",
                        c->host, c->port);
            answer_plain(c);
        } else {
            SLC_INFO_RL("client %s port %u: TLS: %s", c->host, c->port,
                        tls_error(buf, sizeof buf));
        }
    }
    conn_free(c);
}

/* The request timeout (or the linger's end) of 'c'. */
static void
on_deadline(evutil_socket_t fd, short what, void *arg)
{
    struct slc_http_conn *c = arg;
    char detail[120];

    if (c->state != READING || !c->req) {
        if (c->state == READING) {
            SLC_INFO_RL("client %s port %u: no request within %u s: "
                        "closing the connection",
                        c->host, c->port, c->srv->request_timeout);
        }
        conn_free(c);
        return;
    }
    snprintf(detail, sizeof detail,
             "no whole request within %u s (request_timeout)",
             c->srv->request_timeout);
    slc_http_refuse(c, 408, detail);
}

/* The listener stops at the global limit (clients wait in its queue)
 * and starts again below it. */
static void
accepting(struct slc_http_server *srv)
{
    bool want = srv->n_conns < srv->max_connections;

    if (!srv->listener || want == srv->accepting) {
        return;
    }
    if (want) {
        evconnlistener_enable(srv->listener);
    } else {
        evconnlistener_disable(srv->listener);
    }
    srv->accepting = want;
}

static void
conn_free(struct slc_http_conn *c)
{
    struct slc_http_server *srv = c->srv;

    if (c->prev) {
        c->prev->next = c->next;
    } else {
        srv->conns = c->next;
    }
    if (c->next) {
        c->next->prev = c->prev;
    }
    srv->n_conns--;
    if (c->req && c->req->deferred && !c->req->replied) {
        c->req->conn = NULL; /* its handle lives until it is answered */
    } else {
        request_free(c->req);
    }
    event_free(c->deadline);
    event_free(c->written);
    bufferevent_free(c->bev);
    free(c);
    accepting(srv);
}

static bool
same_address(const struct sockaddr_storage *a,
             const struct sockaddr_storage *b)
{
    if (a->ss_family != b->ss_family) {
        return false;
    }
    if (a->ss_family == AF_INET) {
        return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
               ((const struct sockaddr_in *)b)->sin_addr.s_addr;
    }
    if (a->ss_family == AF_INET6) {
        return !memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
                       &((const struct sockaddr_in6 *)b)->sin6_addr,
                       sizeof(struct in6_addr));
    }
    return false;
}

static void
describe_address(const struct sockaddr_storage *ss, char *host,
                 unsigned *port)
{
    strcpy(host, "?");
    *port = 0;
    if (ss->ss_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)ss;

        inet_ntop(AF_INET, &in->sin_addr, host, INET6_ADDRSTRLEN);
        *port = ntohs(in->sin_port);
    } else if (ss->ss_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;

        inet_ntop(AF_INET6, &in6->sin6_addr, host, INET6_ADDRSTRLEN);
        *port = ntohs(in6->sin6_port);
    }
}

/* A connection over the per-client limit: a JSON 503 if the socket takes
 * it at once, and closed. */
static void
turn_away(evutil_socket_t fd, const char *host, unsigned limit)
{
    char body[200], msg[400];
    int n;

    snprintf(body, sizeof body,
             "{\"code\":\"SERVICE_UNAVAILABLE\",\"status\":503,\"detail\":"
             "\"more than %u connections from %s "
             "(max_connections_per_client)\"}",
             limit, host);
    n = snprintf(msg, sizeof msg,
                 "HTTP/1.1 503 Service Unavailable\r\nContent-Type: "
                 "application/json\r\nContent-Length: %zu\r\nConnection: "
                 "close\r\n\r\n%s",
                 strlen(body), body);
    if (send(fd, msg, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0) {
        /* the client is gone already: nothing to tell it */
    }
    shutdown(fd, SHUT_WR);
    /* what the client sent so far is read, so that the close is a FIN
     * after the reply rather than a reset that may discard it; what comes
     * later still resets (no lingering for connections turned away) */
    while (recv(fd, body, sizeof body, MSG_DONTWAIT) > 0) {
    }
    close(fd);
}

static void
on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
          int len, void *arg)
{
    struct slc_http_server *srv = arg;
    struct slc_http_conn *c;
    unsigned same = 0;
    struct sockaddr_storage ss = {0};
    char host[INET6_ADDRSTRLEN];
    unsigned port;

    memcpy(&ss, sa, (size_t)len < sizeof ss ? (size_t)len : sizeof ss);
    describe_address(&ss, host, &port);
    for (c = srv->conns; c && srv->max_per_client; c = c->next) {
        same += same_address(&c->addr, &ss);
    }
    if (srv->max_per_client && same >= srv->max_per_client) {
        SLC_INFO_RL("client %s port %u: more than %u connections from it: "
                    "turned away",
                    host, port, srv->max_per_client);
        turn_away(fd, host, srv->max_per_client);
        return;
    }
    c = calloc(1, sizeof *c);
    if (c) {
        *c = (struct slc_http_conn){.srv = srv, .fd = fd, .addr = ss,
                                    .port = port};
        strcpy(c->host, host);
        c->deadline = event_new(srv->base, -1, 0, on_deadline, c);
        c->written = event_new(srv->base, -1, 0, on_written, c);
        if (srv->tls) {
            SSL *ssl = SSL_new(srv->tls);

            c->bev = ssl ? bufferevent_openssl_socket_new(
                               srv->base, fd, ssl, BUFFEREVENT_SSL_ACCEPTING,
                               BEV_OPT_CLOSE_ON_FREE)
                         : NULL;
            if (!c->bev && ssl) {
                SSL_free(ssl);
            }
            if (c->bev) {
                bufferevent_openssl_set_allow_dirty_shutdown(c->bev, 1);
            }
        } else {
            c->bev = bufferevent_socket_new(srv->base, fd,
                                            BEV_OPT_CLOSE_ON_FREE);
        }
    }
    if (!c || !c->deadline || !c->written || !c->bev) {
        SLC_WARN_RL("client %s port %u: out of memory: closed", host, port);
        if (c && c->deadline) {
            event_free(c->deadline);
        }
        if (c && c->written) {
            event_free(c->written);
        }
        if (c && c->bev) {
            bufferevent_free(c->bev);
        } else {
            close(fd);
        }
        free(c);
        return;
    }
    /* replies and TLS handshake records go out whole, at once: without
     * this, Nagle's algorithm holds a small record back for the peer's
     * delayed ACK (40 ms a handshake) */
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){1}, sizeof(int));
    http_parser_init(&c->parser, HTTP_REQUEST);
    c->parser.data = c;
    c->next = srv->conns;
    if (srv->conns) {
        srv->conns->prev = c;
    }
    srv->conns = c;
    srv->n_conns++;
    bufferevent_setcb(c->bev, on_read, on_write, on_event, c);
    ready(c);
    accepting(srv);
}

/* The query string of a target as the handler wants it: key -> decoded
 * string, or null for a bare key; NULL when out of memory. */
static json_t *
query_of(const char *q)
{
    json_t *query = json_object();

    while (query && q && *q) {
        size_t len = strcspn(q, "&");
        char *pair = strndup(q, len);
        char *eq = pair ? strchr(pair, '=') : NULL;
        char *key, *value = NULL;

        if (!pair) {
            json_decref(query);
            return NULL;
        }
        if (eq) {
            *eq = '\0';
            value = evhttp_uridecode(eq + 1, 1, NULL);
        }
        key = evhttp_uridecode(pair, 1, NULL);
        if (key && *key) {
            json_object_set_new(query, key,
                                value ? json_string(value) : json_null());
        }
        free(key);
        free(value);
        free(pair);
        q += len + (q[len] == '&');
    }
    return query;
}

/* Counts a reply of request 'p' to route template 'route' (none: a path
 * no route has) in the metrics. */
static void
observe(const struct slc_http_deferred *p, const char *route,
        unsigned status)
{
    char code[8];

    snprintf(code, sizeof code, "%u", status);
    route = route ? route : "(none)";
    slc_metrics_add("slicer_http_requests_total", 1, p->method, route, code);
    slc_metrics_observe("slicer_http_request_duration_seconds",
                        slc_metrics_now() - p->started, p->method, route);
}

/* A whole request: to the handler, and its reply (or its deferral). */
void
slc_http_dispatch(struct slc_http_conn *c)
{
    struct slc_http_server *srv = c->srv;
    struct slc_http_deferred *p = c->req;
    struct slc_http_response resp = {.status = 200};
    struct http_parser_url u;
    char *raw_path = NULL, *path = NULL;
    size_t path_len = 0;
    struct slc_http_request req = {
        .method = http_method_str((enum http_method)c->parser.method),
        .content_type = slc_http_header_of(p, "Content-Type"),
        .accept = slc_http_header_of(p, "Accept"),
        .authorization = slc_http_header_of(p, "Authorization"),
        .body = p->body,
        .body_size = p->size,
        .remote_host = c->host,
        .remote_port = c->port,
        .pending = p,
    };

    event_del(c->deadline);
    c->state = HANDLING;
    bufferevent_disable(c->bev, EV_READ);
    http_parser_url_init(&u);
    if (http_parser_parse_url(p->target, p->target_len, 0, &u) ||
        !(u.field_set & (1 << UF_PATH))) {
        slc_http_refuse(c, 400, "the request target is not a path");
        return;
    }
    raw_path = strndup(p->target + u.field_data[UF_PATH].off,
                       u.field_data[UF_PATH].len);
    path = raw_path ? evhttp_uridecode(raw_path, 0, &path_len) : NULL;
    if (u.field_set & (1 << UF_QUERY)) {
        char *q = strndup(p->target + u.field_data[UF_QUERY].off,
                          u.field_data[UF_QUERY].len);

        req.query = q ? query_of(q) : NULL;
        free(q);
    } else {
        req.query = json_object();
    }
    free(raw_path);
    if (!path || !req.query) {
        free(path);
        json_decref(req.query);
        slc_http_refuse(c, 503, "out of memory");
        return;
    }
    req.path = path;
    p->started = slc_metrics_now();
    p->method = req.method;
    srv->handler(srv->ctx, &req, &resp);
    if (p->deferred) {
        response_clear(&resp);
    } else {
        SLC_DEBUG("%s %s -> %u", req.method, path, resp.status);
        observe(p, resp.route, resp.status);
        respond(c, &resp, req.accept, false);
    }
    json_decref(req.query);
    free(path);
}

struct slc_http_deferred *
slc_http_defer(const struct slc_http_request *req,
               struct slc_http_response *resp)
{
    struct slc_http_deferred *p = req->pending;
    struct slc_http_server *srv = p->srv;

    p->route = resp->route;
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
    p->replied = true; /* perhaps inside the handler that deferred it */
    if (!p->conn) {
        /* the client went away first */
        response_clear(resp);
        *resp = (struct slc_http_response){0};
        request_free(p);
        return;
    }
    SLC_DEBUG("deferred reply -> %u", resp->status);
    observe(p, p->route, resp->status);
    respond(p->conn, resp, slc_http_header_of(p, "Accept"), false);
}

/* --- the server */

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

/* The TLS context from the PEM texts: the certificate (and the chain
 * after it) and its key. */
static SSL_CTX *
tls_context(const char *cert_pem, const char *key_pem, struct slc_error *err)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    BIO *cb = BIO_new_mem_buf(cert_pem, -1);
    BIO *kb = BIO_new_mem_buf(key_pem, -1);
    X509 *cert = cb ? PEM_read_bio_X509(cb, NULL, NULL, NULL) : NULL;
    EVP_PKEY *key = kb ? PEM_read_bio_PrivateKey(kb, NULL, NULL, NULL) : NULL;
    const char *why = NULL;
    X509 *extra;
    char buf[160];

    if (!ctx) {
        why = "no TLS context";
    } else if (!cert) {
        why = "the certificate is not a PEM certificate";
    } else if (!key) {
        why = "the key is not a PEM private key";
    } else if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
               SSL_CTX_use_certificate(ctx, cert) != 1 ||
               SSL_CTX_use_PrivateKey(ctx, key) != 1 ||
               SSL_CTX_check_private_key(ctx) != 1) {
        why = "the key does not go with the certificate";
    }
    while (!why && (extra = PEM_read_bio_X509(cb, NULL, NULL, NULL))) {
        if (SSL_CTX_add_extra_chain_cert(ctx, extra) != 1) {
            X509_free(extra);
            why = "the certificate chain cannot be used";
        }
    }
    if (why) {
        unsigned long e = ERR_peek_error();

        if (e) {
            ERR_error_string_n(e, buf, sizeof buf);
        }
        slc_error_set(err, SLC_EINVALID, "TLS: %s%s%s", why,
                      e ? ": " : "", e ? buf : "");
        SSL_CTX_free(ctx);
        ctx = NULL;
    }
    ERR_clear_error();
    X509_free(cert);
    EVP_PKEY_free(key);
    BIO_free(cb);
    BIO_free(kb);
    return ctx;
}

int
slc_http_server_start(const struct slc_http_server_params *p,
                      struct slc_http_server **out, struct slc_error *err)
{
    struct slc_http_server *srv = calloc(1, sizeof *srv);
    int fd = -1, rc;

    if (!srv) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    *srv = (struct slc_http_server){
        .base = p->base,
        .body_limit = p->body_limit,
        .max_connections = connection_limit(p->max_connections),
        .max_per_client = p->max_connections_per_client,
        .idle_timeout = p->idle_timeout,
        .request_timeout = p->request_timeout,
        .handler = p->handler,
        .ctx = p->ctx,
    };
    /* names and values are bounded by MAX_HEADER_BYTES, the target by
     * MAX_TARGET: the parser's own bound is only a backstop */
    http_parser_set_max_header_size(2 * (MAX_TARGET + MAX_HEADER_BYTES));
    if (p->tls_cert_pem && p->tls_key_pem) {
        srv->tls = tls_context(p->tls_cert_pem, p->tls_key_pem, err);
        if (!srv->tls) {
            free(srv);
            return SLC_EINVALID;
        }
    }
    rc = listen_on(p->address, p->port, &fd, &srv->port, err);
    if (rc) {
        SSL_CTX_free(srv->tls);
        free(srv);
        return rc;
    }
    srv->listener = evconnlistener_new(p->base, on_accept, srv,
                                       LEV_OPT_CLOSE_ON_FREE |
                                           LEV_OPT_CLOSE_ON_EXEC,
                                       -1, fd);
    if (!srv->listener) {
        close(fd);
        SSL_CTX_free(srv->tls);
        free(srv);
        return slc_error_set(err, SLC_EIO, "cannot watch %s port %u",
                             p->address, p->port);
    }
    srv->accepting = true;
    *out = srv;
    return 0;
}

unsigned
slc_http_server_port(const struct slc_http_server *srv)
{
    return srv->port;
}

/* Monotonic milliseconds. */
static long long
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* When the server stops, the loop does not run again: the reply queued
 * on a TLS connection (a deferred request's 503) is written here, through
 * the connection's SSL object, waiting for the socket until 'deadline'
 * (monotonic ms).  The bufferevent is freed right after, so nothing else
 * writes on that SSL object again. */
static void
flush_tls(struct slc_http_conn *c, long long deadline)
{
    struct evbuffer *out = bufferevent_get_output(c->bev);
    SSL *ssl = bufferevent_openssl_get_ssl(c->bev);
    size_t len = evbuffer_get_length(out);
    const unsigned char *data;

    if (!ssl || !len || !SSL_is_init_finished(ssl)) {
        return;
    }
    data = evbuffer_pullup(out, -1);
    while (data && len) {
        int n = SSL_write(ssl, data, len > INT_MAX ? INT_MAX : (int)len);
        int e = n > 0 ? SSL_ERROR_NONE : SSL_get_error(ssl, n);
        struct pollfd pfd = {.fd = c->fd};
        long long left = deadline - now_ms();

        if (n > 0) {
            data += n;
            len -= (size_t)n;
            continue;
        }
        if ((e != SSL_ERROR_WANT_WRITE && e != SSL_ERROR_WANT_READ) ||
            left <= 0) {
            break;
        }
        pfd.events = e == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN;
        if (poll(&pfd, 1, (int)left) <= 0) {
            break;
        }
    }
    ERR_clear_error();
}

void
slc_http_server_stop(struct slc_http_server *srv)
{
    long long deadline = now_ms() + 500;

    if (!srv) {
        return;
    }
    if (srv->listener) {
        evconnlistener_free(srv->listener);
        srv->listener = NULL;
    }
    while (srv->suspended) {
        struct slc_http_response resp = {0};

        slc_http_error(&resp, 503, "slicerd is stopping");
        slc_http_deferred_reply(srv->suspended, &resp);
    }
    /* what is queued goes out if the socket takes it now */
    for (struct slc_http_conn *c = srv->conns; c; c = c->next) {
        if (srv->tls) {
            flush_tls(c, deadline);
        } else {
            write_now(c);
        }
    }
    while (srv->conns) {
        conn_free(srv->conns);
    }
    SSL_CTX_free(srv->tls);
    free(srv);
}

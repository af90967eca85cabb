/* libmicrohttpd on the daemon's libevent loop.  See http-server.h.
 *
 * MHD runs in "external epoll" mode: its epoll descriptor is watched by a
 * libevent event and MHD_run() is called when it is readable or when MHD's
 * own timeout expires, so every request is handled on the loop thread and
 * handlers can touch the store and the engine without locks. */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http-server.h"
#include "slc-log.h"
#include "slc-yaml.h"

SLC_LOG_MODULE(http);

struct slc_http_server {
    struct MHD_Daemon *mhd;
    struct event *io, *timer;
    struct event_base *base;
    int fd;
    unsigned port;
    size_t body_limit;
    slc_http_handler_fn handler;
    void *ctx;
    struct slc_http_deferred *suspended; /* deferred, not answered yet */
    size_t resumed;            /* answered, not sent yet */
};

/* Per-request state between MHD's calls; the handle of a deferred
 * request too. */
struct slc_http_deferred {
    char *body;
    size_t size, cap;
    bool too_big;
    struct slc_http_server *srv;
    struct MHD_Connection *conn;
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

static enum MHD_Result
send_response(struct MHD_Connection *conn, const char *accept,
              struct slc_http_response *resp)
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

static enum MHD_Result
reject(struct MHD_Connection *conn, unsigned status, const char *detail)
{
    struct slc_http_response resp = {.force_json = true};
    enum MHD_Result ret;

    slc_http_error(&resp, status, detail);
    ret = send_response(conn, NULL, &resp);
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

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url,
           const char *method, const char *version, const char *upload_data,
           size_t *upload_data_size, void **con_cls)
{
    struct slc_http_server *srv = cls;
    struct slc_http_deferred *p = *con_cls;
    struct slc_http_response resp = {.status = 200};
    char host[INET6_ADDRSTRLEN];
    enum MHD_Result ret;

    if (!p) {
        const char *len = MHD_lookup_connection_value(
            conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);

        if (len && strtoull(len, NULL, 10) > srv->body_limit) {
            char detail[160];

            snprintf(detail, sizeof detail,
                     "request body of %s bytes is larger than the limit of "
                     "%zu bytes",
                     len, srv->body_limit);
            return reject(conn, 413, detail);
        }
        p = calloc(1, sizeof *p);
        if (!p) {
            return MHD_NO;
        }
        p->srv = srv;
        p->conn = conn;
        *con_cls = p;
        return MHD_YES;
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
                            &p->reply);
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
    if (p->too_big) {
        char detail[160];

        snprintf(detail, sizeof detail,
                 "request body is larger than the limit of %zu bytes",
                 srv->body_limit);
        return reject(conn, 413, detail);
    }
    {
        struct slc_http_request req = {
            .method = method,
            .path = url,
            .query = json_object(),
            .content_type = MHD_lookup_connection_value(
                conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE),
            .accept = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                  MHD_HTTP_HEADER_ACCEPT),
            .authorization = MHD_lookup_connection_value(
                conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION),
            .body = p->body,
            .body_size = p->size,
            .remote_host = host,
            .conn = conn,
            .pending = p,
        };

        remote_of(conn, host, &req.remote_port);
        if (!req.query) {
            return MHD_NO;
        }
        MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_query,
                                  req.query);
        srv->handler(srv->ctx, &req, &resp);
        if (p->deferred) {
            MHD_suspend_connection(conn);
            ret = MHD_YES;
        } else {
            ret = send_response(conn, req.accept, &resp);
            SLC_DEBUG("%s %s -> %u", method, url, resp.status);
        }
        json_decref(req.query);
    }
    response_clear(&resp);
    return ret;
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

    if (p) {
        if (p->replied && !p->sent) {
            p->srv->resumed--; /* the client went away first */
        }
        response_clear(&p->reply);
        free(p->body);
        free(p);
        *con_cls = NULL;
    }
}

static void run_mhd(struct slc_http_server *srv);

static void
on_io(evutil_socket_t fd, short what, void *arg)
{
    run_mhd(arg);
}

/* Runs MHD and re-arms the timer with MHD's next deadline. */
static void
run_mhd(struct slc_http_server *srv)
{
    MHD_UNSIGNED_LONG_LONG ms;

    MHD_run(srv->mhd);
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
        .handler = p->handler,
        .ctx = p->ctx,
    };
    rc = listen_on(p->address, p->port, &srv->fd, &srv->port, err);
    if (rc) {
        free(srv);
        return rc;
    }
    if (tls) {
        flags |= MHD_USE_TLS;
    }
    srv->mhd = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_LISTEN_SOCKET,
        srv->fd, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)4096,
        tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, p->tls_cert_pem,
        MHD_OPTION_HTTPS_MEM_KEY, p->tls_key_pem, MHD_OPTION_END);
    if (!srv->mhd) {
        close(srv->fd);
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
        MHD_stop_daemon(srv->mhd);
    }
    if (srv->fd >= 0) {
        close(srv->fd);
    }
    free(srv);
}

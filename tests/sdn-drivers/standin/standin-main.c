/* slicer-sdn-standin: options, the HTTP server and what every personality
 * shares (Basic authentication, route tables, injected failures).  See
 * standin.h for the program's role and its files.
 *
 *   slicer-sdn-standin --type onos|odl|floodlight
 *       --listen 127.0.0.1:PORT [--port-file FILE]
 *       [--user U --password P] --ovs-rundir DIR --bridge BR
 *       [--dpid HEX16] [--fail-post N[,N...]]
 *
 * PORT 0 lets the system choose; the port is then written to FILE.
 * Without --user no authentication is asked for (Floodlight has none).
 * --fail-post: the N-th write request (POST or PUT, counted from 1 over
 * the run) answers 500 and changes nothing, for rollback tests.
 *
 * The server runs one thread (libmicrohttpd's internal polling thread),
 * so handlers never run concurrently and the state needs no lock.  At
 * start the flows that an earlier stand-in of the same type left on the
 * bridge (its cookie prefix) are deleted: a restart loses everything.
 * Groups carry no cookie: those an earlier stand-in left stay on the
 * switch until a group of the same id replaces them (a group is applied
 * with mod-group --may-create). */
#include "standin.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Request bodies above this are refused (413). */
#define MAX_BODY (1024 * 1024)

static const struct standin_personality *const personalities[] = {
    [STANDIN_ONOS] = &standin_onos_personality,
    [STANDIN_ODL] = &standin_odl_personality,
    [STANDIN_FLOODLIGHT] = &standin_floodlight_personality,
};

struct server {
    struct standin *standin;
    const struct standin_personality *personality;
};

/* Per-connection state: the body as it arrives. */
struct upload {
    char *data;
    size_t len;
    bool too_big;
};

long long
standin_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
standin_log(const struct standin *s, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "standin: %s: ", personalities[s->type]->name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void
standin_reply_text(struct standin_response *resp, unsigned int status,
                   const char *content_type, const char *text)
{
    free(resp->body);
    resp->status = status;
    resp->content_type = content_type;
    resp->body = text ? strdup(text) : NULL;
}

void
standin_reply_json(struct standin_response *resp, unsigned int status,
                   json_t *body)
{
    free(resp->body);
    resp->status = status;
    resp->content_type = "application/json";
    resp->body = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
}

json_t *
standin_parse_body(const struct standin_request *req, char *err,
                   size_t errsize)
{
    json_error_t error;
    json_t *json = json_loadb(req->body, req->body_len, 0, &error);

    if (!json) {
        snprintf(err, errsize, "%s (line %d, column %d)", error.text,
                 error.line, error.column);
    }
    return json;
}

/* Decodes base64 text (RFC 4648 alphabet) into out; -1 when invalid. */
static int
base64_decode(const char *text, char *out, size_t size)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned int acc = 0;
    int bits = 0;
    size_t len = 0;

    for (const char *p = text; *p && *p != '='; p++) {
        const char *pos = strchr(alphabet, *p);

        if (!pos || !*p) {
            return -1;
        }
        acc = (acc << 6) | (unsigned int)(pos - alphabet);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (len + 1 >= size) {
                return -1;
            }
            out[len++] = (char)((acc >> bits) & 0xff);
        }
    }
    out[len] = '\0';
    return 0;
}

static bool
authorized(const struct standin *s, const char *header)
{
    char decoded[512], expected[512];

    if (!s->user) {
        return true;
    }
    if (!header || strncasecmp(header, "Basic ", 6) != 0) {
        return false;
    }
    header += 6;
    while (*header == ' ') {
        header++;
    }
    if (base64_decode(header, decoded, sizeof decoded) < 0) {
        return false;
    }
    snprintf(expected, sizeof expected, "%s:%s", s->user,
             s->password ? s->password : "");
    return strcmp(decoded, expected) == 0;
}

/* Does path match pattern?  Fills args with the '*' segments (pointers
 * into copy, a writable copy of path). */
static bool
route_matches(const char *pattern, char *copy, const char **args)
{
    char pat[256];
    char *psave = NULL, *usave = NULL;
    char *p, *u;
    size_t n_args = 0;

    snprintf(pat, sizeof pat, "%s", pattern);
    p = strtok_r(pat, "/", &psave);
    u = strtok_r(copy, "/", &usave);
    while (p && u) {
        if (!strcmp(p, "*")) {
            if (n_args == STANDIN_MAX_ARGS) {
                return false;
            }
            args[n_args++] = u;
        } else if (strcmp(p, u)) {
            return false;
        }
        p = strtok_r(NULL, "/", &psave);
        u = strtok_r(NULL, "/", &usave);
    }
    return !p && !u;
}

static bool
injected_failure(struct standin *s, const char *method)
{
    if (strcmp(method, "POST") && strcmp(method, "PUT")) {
        return false;
    }
    s->n_writes++;
    for (size_t i = 0; i < s->fail_writes_len; i++) {
        if (s->fail_writes[i] == s->n_writes) {
            return true;
        }
    }
    return false;
}

/* Finds the route of the request and runs it, or replies with the
 * controller's error for an unknown path (404) or method (405). */
static void
dispatch(struct server *srv, struct standin_request *req,
         struct standin_response *resp)
{
    const struct standin_personality *pers = srv->personality;
    const struct standin_route *found = NULL;
    bool path_known = false;
    size_t len = strlen(req->url);
    char *copy = malloc(len + 1);

    if (!copy) {
        pers->reply_error(resp, 500, "out of memory");
        return;
    }
    for (size_t i = 0; i < pers->n_routes && !found; i++) {
        const char *args[STANDIN_MAX_ARGS] = {NULL};

        memcpy(copy, req->url, len + 1);
        if (!route_matches(pers->routes[i].pattern, copy, args)) {
            continue;
        }
        path_known = true;
        if (!strcmp(pers->routes[i].method, req->method)) {
            found = &pers->routes[i];
            memcpy(req->args, args, sizeof args);
        }
    }
    if (!found) {
        pers->reply_error(resp, path_known ? 405 : 404,
                          path_known ? "Method Not Allowed" : "Not Found");
    } else if (injected_failure(srv->standin, req->method)) {
        standin_log(srv->standin, "%s %s: failing write #%lu (--fail-post)",
                    req->method, req->url, srv->standin->n_writes);
        pers->reply_error(resp, 500, "injected failure (--fail-post)");
    } else {
        found->handler(srv->standin, req, resp);
    }
    free(copy);
}

static enum MHD_Result
send_response(struct MHD_Connection *conn, struct standin_response *resp)
{
    const char *body = resp->body ? resp->body : "";
    struct MHD_Response *r = MHD_create_response_from_buffer(
        strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ret;

    if (!r) {
        return MHD_NO;
    }
    if (resp->body && resp->content_type) {
        MHD_add_response_header(r, "Content-Type", resp->content_type);
    }
    if (resp->location) {
        MHD_add_response_header(r, "Location", resp->location);
    }
    if (resp->authenticate) {
        MHD_add_response_header(r, "WWW-Authenticate", resp->authenticate);
    }
    ret = MHD_queue_response(conn, resp->status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result
answer(void *cls, struct MHD_Connection *conn, const char *url,
       const char *method, const char *version, const char *upload_data,
       size_t *upload_data_size, void **con_cls)
{
    struct server *srv = cls;
    struct upload *up = *con_cls;
    struct standin_request req = {.method = method};
    struct standin_response resp = {.status = 500};
    char realm[128];
    enum MHD_Result ret;
    char *path;

    (void)version;
    if (!up) {
        up = calloc(1, sizeof *up);
        *con_cls = up;
        return up ? MHD_YES : MHD_NO;
    }
    if (*upload_data_size) {
        if (!up->too_big && up->len + *upload_data_size <= MAX_BODY) {
            char *data = realloc(up->data, up->len + *upload_data_size + 1);

            if (!data) {
                return MHD_NO;
            }
            memcpy(data + up->len, upload_data, *upload_data_size);
            up->data = data;
            up->len += *upload_data_size;
            up->data[up->len] = '\0';
        } else {
            up->too_big = true;
        }
        *upload_data_size = 0;
        return MHD_YES;
    }

    path = strdup(url);
    if (!path) {
        return MHD_NO;
    }
    if (strlen(path) > 1 && path[strlen(path) - 1] == '/') {
        path[strlen(path) - 1] = '\0';
    }
    req.url = path;
    req.host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host");
    req.host = req.host ? req.host : "";
    req.body = up->data ? up->data : "";
    req.body_len = up->len;
    snprintf(realm, sizeof realm, "Basic realm=\"%s\"",
             srv->personality->realm);

    if (!authorized(srv->standin, MHD_lookup_connection_value(
                                      conn, MHD_HEADER_KIND,
                                      MHD_HTTP_HEADER_AUTHORIZATION))) {
        srv->personality->reply_error(&resp, 401, "Unauthorized");
        resp.authenticate = realm;
    } else if (up->too_big) {
        srv->personality->reply_error(&resp, 413, "request body too large");
    } else {
        dispatch(srv, &req, &resp);
    }
    standin_log(srv->standin, "%s %s -> %u", method, path, resp.status);
    ret = send_response(conn, &resp);
    free(resp.body);
    free(resp.location);
    free(path);
    return ret;
}

static void
request_done(void *cls, struct MHD_Connection *conn, void **con_cls,
             enum MHD_RequestTerminationCode code)
{
    struct upload *up = *con_cls;

    (void)cls;
    (void)conn;
    (void)code;
    if (up) {
        free(up->data);
        free(up);
        *con_cls = NULL;
    }
}

static int
parse_listen(const char *text, struct sockaddr_in *addr)
{
    char host[64];
    const char *colon = strrchr(text, ':');
    char *end;
    long port;

    if (!colon || (size_t)(colon - text) >= sizeof host) {
        return -1;
    }
    snprintf(host, sizeof host, "%.*s", (int)(colon - text), text);
    port = strtol(colon + 1, &end, 10);
    memset(addr, 0, sizeof *addr);
    addr->sin_family = AF_INET;
    addr->sin_port = htons((uint16_t)port);
    if (*end || end == colon + 1 || port < 0 || port > 65535 ||
        inet_pton(AF_INET, host, &addr->sin_addr) != 1) {
        return -1;
    }
    return 0;
}

static int
parse_fail_writes(struct standin *s, const char *text)
{
    const char *p = text;

    while (*p) {
        char *end;
        unsigned long n = strtoul(p, &end, 10);
        unsigned long *list;

        if (end == p || n == 0 || (*end && *end != ',')) {
            return -1;
        }
        list = realloc(s->fail_writes,
                       (s->fail_writes_len + 1) * sizeof *list);
        if (!list) {
            return -1;
        }
        s->fail_writes = list;
        s->fail_writes[s->fail_writes_len++] = n;
        p = *end ? end + 1 : end;
    }
    return 0;
}

static int
write_port_file(const char *file, unsigned int port)
{
    char tmp[4096];
    FILE *f;

    snprintf(tmp, sizeof tmp, "%s.tmp", file);
    f = fopen(tmp, "w");
    if (!f) {
        return -1;
    }
    fprintf(f, "%u\n", port);
    if (fclose(f) != 0 || rename(tmp, file) != 0) {
        return -1;
    }
    return 0;
}

static void
usage(void)
{
    fprintf(stderr,
            "usage: slicer-sdn-standin --type onos|odl|floodlight "
            "--listen ADDR:PORT\n"
            "           [--port-file FILE] [--user U --password P] "
            "--ovs-rundir DIR\n"
            "           --bridge BR [--dpid HEX16] [--fail-post N[,N...]]\n");
}

struct options {
    const char *listen;
    const char *port_file;
    const char *rundir;
    const char *dpid;
};

static int
parse_options(int argc, char **argv, struct standin *s, struct options *o)
{
    static const struct option longopts[] = {
        {"type", required_argument, NULL, 't'},
        {"listen", required_argument, NULL, 'l'},
        {"port-file", required_argument, NULL, 'f'},
        {"user", required_argument, NULL, 'u'},
        {"password", required_argument, NULL, 'p'},
        {"ovs-rundir", required_argument, NULL, 'r'},
        {"bridge", required_argument, NULL, 'b'},
        {"dpid", required_argument, NULL, 'd'},
        {"fail-post", required_argument, NULL, 'F'},
        {NULL, 0, NULL, 0},
    };
    int c;

    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 't':
            s->type = !strcmp(optarg, "onos")         ? STANDIN_ONOS
                      : !strcmp(optarg, "odl")        ? STANDIN_ODL
                      : !strcmp(optarg, "floodlight") ? STANDIN_FLOODLIGHT
                                                      : 0;
            if (!s->type) {
                fprintf(stderr, "standin: --type '%s': unknown\n", optarg);
                return -1;
            }
            break;
        case 'l':
            o->listen = optarg;
            break;
        case 'f':
            o->port_file = optarg;
            break;
        case 'u':
            s->user = optarg;
            break;
        case 'p':
            s->password = optarg;
            break;
        case 'r':
            o->rundir = optarg;
            break;
        case 'b':
            s->bridge = optarg;
            break;
        case 'd':
            o->dpid = optarg;
            break;
        case 'F':
            if (parse_fail_writes(s, optarg) < 0) {
                fprintf(stderr, "standin: --fail-post '%s': not N[,N...]\n",
                        optarg);
                return -1;
            }
            break;
        default:
            return -1;
        }
    }
    if (optind != argc || !s->type || !o->listen || !o->rundir ||
        !s->bridge) {
        return -1;
    }
    return 0;
}

/* Serves until SIGTERM or SIGINT. */
static int
serve(struct server *srv, const struct sockaddr_in *addr,
      const char *port_file)
{
    struct MHD_Daemon *d;
    const union MHD_DaemonInfo *info;
    sigset_t sigs;
    int sig;

    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    /* Blocked before the server's thread starts, so that it inherits the
     * mask and only sigwait below sees them. */
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG,
                         0, NULL, NULL, answer, srv, MHD_OPTION_SOCK_ADDR,
                         (const struct sockaddr *)addr,
                         MHD_OPTION_NOTIFY_COMPLETED, request_done, NULL,
                         MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "standin: cannot listen on %s:%u\n",
                inet_ntoa(addr->sin_addr), ntohs(addr->sin_port));
        return -1;
    }
    info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    srv->standin->listen_port = info ? info->port : ntohs(addr->sin_port);
    if (port_file &&
        write_port_file(port_file, srv->standin->listen_port) < 0) {
        fprintf(stderr, "standin: cannot write %s\n", port_file);
        MHD_stop_daemon(d);
        return -1;
    }
    standin_log(srv->standin, "serving on %s:%u, bridge %s, dpid %s",
                inet_ntoa(addr->sin_addr), srv->standin->listen_port,
                srv->standin->bridge, srv->standin->dpid);
    sigwait(&sigs, &sig);
    standin_log(srv->standin, "stopping on signal %d", sig);
    MHD_stop_daemon(d);
    return 0;
}

int
main(int argc, char **argv)
{
    struct standin s = {.started_ms = 0};
    struct options o = {NULL, NULL, NULL, NULL};
    struct server srv = {.standin = &s};
    struct sockaddr_in addr;
    int rc = 1;

    if (parse_options(argc, argv, &s, &o) < 0 ||
        parse_listen(o.listen, &addr) < 0) {
        usage();
        free(s.fail_writes);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    /* Read by ovs-ofctl and ovs-vsctl to find the switch; set before any
     * thread exists. */
    setenv("OVS_RUNDIR", o.rundir, 1);
    s.started_ms = standin_now_ms();
    srv.personality = personalities[s.type];
    if (standin_ovs_init(&s, o.dpid) == 0 && srv.personality->init(&s) == 0) {
        standin_flows_remove_all(&s);
        rc = serve(&srv, &addr, o.port_file) == 0 ? 0 : 1;
    }
    srv.personality->fini(&s);
    free(s.fail_writes);
    return rc;
}

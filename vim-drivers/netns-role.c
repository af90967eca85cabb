/* slicer-netns-role: what runs inside a VDU namespace of the netns VIM for
 * its built-in images.  "host" answers HTTP on port 80 (every address)
 * with a line naming the namespace; "router" and "bridge" only stand for
 * the VDU's process (forwarding and bridging are the kernel's, set up by
 * the driver) so that the VDU has a pid to supervise, pin and kill.
 * "firewall" and "monitor" are transparent bridges too (the service
 * functions of the SFC demo), with nftables rules on what the bridge
 * forwards, in table "bridge slicer", chain "forward":
 *   firewall: TCP to port 23 counted and dropped ("telnet"), TCP to port
 *             80 counted ("http"), everything else counted ("other");
 *   monitor:  TCP to port 80 counted ("http"), every packet counted
 *             ("all").
 * The rules are removed with the namespace.
 *
 * The firewall also has a control API, on 127.0.0.1:8080 inside its
 * namespace only (what its primitives call, like a VNF's management
 * API):
 *   GET  /            "slicer netns firewall NS", its label, blocked ports
 *   PUT  /label       sets the label (at most 200 printable bytes)
 *   POST /block/PORT  adds TCP port PORT to set "blocked", dropped first
 *                     (counted as "blocked")
 * Its HTTP server runs unprivileged; the one change that needs
 * CAP_NET_ADMIN, adding a port to the set, is made by a keeper process
 * forked before the drop that keeps root in the namespace, reads nothing
 * but port numbers from a socket pair, and exits with the role.
 *
 * When READY_FD is given, a newline is written to it once the role serves
 * (s6's readiness notification), so that the VDU is reported without
 * waiting out the driver's start check.
 *
 * It starts as root (rules need CAP_NET_ADMIN, port 80 needs
 * CAP_NET_BIND_SERVICE) and, once its rules are loaded and its port bound,
 * becomes UID:GID (the account's run_as user) with no capability left:
 * nothing it does afterwards needs one.
 *
 *   slicer-netns-role host|router|bridge|firewall|monitor NAMESPACE
 *                     [PORT [READY_FD [UID:GID]]] */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <nftables/libnftables.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netns-user.h"

/* A reply of 'status' with 'text' (copied). */
static enum MHD_Result
reply(struct MHD_Connection *conn, unsigned status, const char *text)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(
        strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ret;

    MHD_add_response_header(r, "Content-Type", "text/plain");
    ret = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result
answer(void *cls, struct MHD_Connection *conn, const char *url,
       const char *method, const char *version, const char *data,
       size_t *size, void **state)
{
    return reply(conn, MHD_HTTP_OK, cls);
}

static const char firewall_rules[] =
    "table bridge slicer {\n"
    "  set blocked {\n"
    "    type inet_service;\n"
    "  }\n"
    "  chain forward {\n"
    "    type filter hook forward priority 0; policy accept;\n"
    "    tcp dport @blocked counter drop comment \"blocked\"\n"
    "    tcp dport 23 counter drop comment \"telnet\"\n"
    "    tcp dport 80 counter accept comment \"http\"\n"
    "    counter comment \"other\"\n"
    "  }\n"
    "}\n";

static const char monitor_rules[] =
    "table bridge slicer {\n"
    "  chain forward {\n"
    "    type filter hook forward priority 0; policy accept;\n"
    "    counter comment \"all\"\n"
    "    tcp dport 80 counter comment \"http\"\n"
    "  }\n"
    "}\n";

/* Loads the rules of a filtering role through libnftables. */
static int
load_rules(const char *prog, const char *rules)
{
    struct nft_ctx *nft = nft_ctx_new(NFT_CTX_DEFAULT);
    int rc;

    if (!nft) {
        fprintf(stderr, "%s: cannot start nftables\n", prog);
        return -1;
    }
    rc = nft_run_cmd_from_buffer(nft, rules);
    if (rc) {
        fprintf(stderr, "%s: nftables refused the role's rules\n", prog);
    }
    nft_ctx_free(nft);
    return rc;
}

/* ---- the firewall's control API ---- */

#define CONTROL_PORT 8080
#define LABEL_MAX 200

struct control {
    pthread_mutex_t lock;
    const char *ns;
    char label[LABEL_MAX + 1];
    char blocked[512];        /* " 23 80" */
    int keeper;               /* socket to the keeper */
};

/* The keeper: root in the namespace, adds the ports it is sent to set
 * "blocked", answers one byte (0: done), exits at EOF. */
static void
keeper(int fd)
{
    struct nft_ctx *nft = nft_ctx_new(NFT_CTX_DEFAULT);
    uint16_t port;

    while (nft && recv(fd, &port, sizeof port, 0) == (ssize_t)sizeof port) {
        char cmd[128];
        char ok;

        snprintf(cmd, sizeof cmd,
                 "add element bridge slicer blocked { %u }\n",
                 (unsigned)port);
        ok = port && !nft_run_cmd_from_buffer(nft, cmd) ? 0 : 1;
        if (send(fd, &ok, 1, 0) != 1) {
            break;
        }
    }
    if (nft) {
        nft_ctx_free(nft);
    }
    _exit(0);
}

static enum MHD_Result
control_answer(void *cls, struct MHD_Connection *conn, const char *url,
               const char *method, const char *version, const char *data,
               size_t *size, void **state)
{
    struct control *c = cls;
    char text[1024];

    if (!*state) {
        /* first call: the headers; a body arrives in the next ones */
        char *body = calloc(1, LABEL_MAX + 2);

        if (!body) {
            return MHD_NO;
        }
        *state = body;
        return MHD_YES;
    }
    if (*size) {
        char *body = *state;
        size_t have = strlen(body), take = *size;

        if (have + take > LABEL_MAX + 1) {
            take = have <= LABEL_MAX ? LABEL_MAX + 1 - have : 0;
        }
        memcpy(body + have, data, take);
        *size = 0;
        return MHD_YES;
    }
    if (!strcmp(method, "GET") && !strcmp(url, "/")) {
        pthread_mutex_lock(&c->lock);
        snprintf(text, sizeof text,
                 "slicer netns firewall %s\nlabel: %s\nblocked:%s\n", c->ns,
                 c->label, c->blocked);
        pthread_mutex_unlock(&c->lock);
        return reply(conn, 200, text);
    }
    if (!strcmp(method, "PUT") && !strcmp(url, "/label")) {
        const char *body = *state;
        size_t len = strlen(body);

        while (len && (body[len - 1] == '\n' || body[len - 1] == '\r')) {
            len--;
        }
        if (len > LABEL_MAX) {
            return reply(conn, 413, "a label has at most 200 bytes\n");
        }
        for (size_t i = 0; i < len; i++) {
            if ((unsigned char)body[i] < 0x20 || body[i] == 0x7f) {
                return reply(conn, 400, "a label is one line of text\n");
            }
        }
        pthread_mutex_lock(&c->lock);
        snprintf(c->label, sizeof c->label, "%.*s", (int)len, body);
        pthread_mutex_unlock(&c->lock);
        snprintf(text, sizeof text, "label: %.*s\n", (int)len, body);
        return reply(conn, 200, text);
    }
    if (!strcmp(method, "POST") && !strncmp(url, "/block/", 7)) {
        char *end;
        unsigned long port = strtoul(url + 7, &end, 10);
        uint16_t p16 = (uint16_t)port;
        char ok = 1;

        if (!url[7] || *end || port < 1 || port > 65535) {
            return reply(conn, 400, "POST /block/PORT: PORT is 1 to 65535\n");
        }
        pthread_mutex_lock(&c->lock);
        if (send(c->keeper, &p16, sizeof p16, 0) == (ssize_t)sizeof p16 &&
            recv(c->keeper, &ok, 1, 0) == 1 && !ok) {
            size_t len = strlen(c->blocked);

            snprintf(text, sizeof text, " %lu ", port);
            if (!strstr(c->blocked, text) && len + 8 < sizeof c->blocked) {
                snprintf(c->blocked + len, sizeof c->blocked - len, " %lu",
                         port);
            }
        }
        pthread_mutex_unlock(&c->lock);
        if (ok) {
            return reply(conn, 500, "nftables refused the change\n");
        }
        snprintf(text, sizeof text, "blocked %lu\n", port);
        return reply(conn, 200, text);
    }
    return reply(conn, 404, "GET /, PUT /label, POST /block/PORT\n");
}

static void
control_done(void *cls, struct MHD_Connection *conn, void **state,
             enum MHD_RequestTerminationCode code)
{
    free(*state);
    *state = NULL;
}

/* Starts the firewall's keeper (root) and its control API; 'c' must live
 * as long as the daemon. */
static struct MHD_Daemon *
start_control(const char *prog, struct control *c)
{
    struct sockaddr_in addr = {
        .sin_family = AF_INET,
        .sin_port = htons(CONTROL_PORT),
        .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
    };
    struct MHD_Daemon *d;
    int sv[2];
    pid_t pid;

    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
        perror("socketpair");
        return NULL;
    }
    pid = fork();
    if (pid < 0) {
        perror("fork");
        return NULL;
    }
    if (pid == 0) {
        close(sv[0]);
        keeper(sv[1]);
    }
    close(sv[1]);
    c->keeper = sv[0];
    pthread_mutex_init(&c->lock, NULL);
    d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, CONTROL_PORT, NULL,
                         NULL, control_answer, c, MHD_OPTION_SOCK_ADDR,
                         (struct sockaddr *)&addr,
                         MHD_OPTION_NOTIFY_COMPLETED, control_done, NULL,
                         MHD_OPTION_CONNECTION_LIMIT, 16u,
                         MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "%s: cannot listen on 127.0.0.1:%d\n", prog,
                CONTROL_PORT);
    }
    return d;
}

static bool
known_role(const char *r)
{
    static const char *const roles[] = {"host", "router", "bridge",
                                        "firewall", "monitor"};

    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
        if (!strcmp(r, roles[i])) {
            return true;
        }
    }
    return false;
}

int
main(int argc, char **argv)
{
    struct MHD_Daemon *d = NULL, *ctl = NULL;
    static struct control control;
    char text[512];
    sigset_t set;
    int sig;

    if (argc < 3 || !known_role(argv[1])) {
        fprintf(stderr,
                "usage: %s host|router|bridge|firewall|monitor NAMESPACE "
                "[PORT [READY_FD]]\n",
                argv[0]);
        return 2;
    }
    if ((!strcmp(argv[1], "firewall") && load_rules(argv[0], firewall_rules)) ||
        (!strcmp(argv[1], "monitor") && load_rules(argv[0], monitor_rules))) {
        return 1;
    }
    /* the driver may have stopped listening for readiness: a write to
     * the closed pipe must fail, not kill the role */
    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_BLOCK, &set, NULL);
    if (!strcmp(argv[1], "host")) {
        unsigned port = argc > 3 ? (unsigned)atoi(argv[3]) : 80;

        snprintf(text, sizeof text, "slicer netns host %s\n", argv[2]);
        d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_DUAL_STACK,
                             (uint16_t)port, NULL, NULL, answer, text,
                             MHD_OPTION_END);
        if (!d) {
            fprintf(stderr, "%s: cannot listen on port %u\n", argv[0], port);
            return 1;
        }
    }
    if (!strcmp(argv[1], "firewall")) {
        control.ns = argv[2];
        ctl = start_control(argv[0], &control);
        if (!ctl) {
            return 1;
        }
    }
    if (argc > 5) {
        uid_t uid;
        gid_t gid;
        int e = slc_netns_parse_ids(argv[5], &uid, &gid) ? EINVAL
                                                         : slc_netns_become(uid, gid);

        if (e) {
            fprintf(stderr, "%s: cannot become %s: %s\n", argv[0], argv[5],
                    strerror(e));
            return 1;
        }
    }
    fprintf(stderr, "%s %s: running in %s as uid %lu\n", argv[0], argv[1],
            argv[2], (unsigned long)getuid());
    if (argc > 4) {
        int fd = atoi(argv[4]);

        if (write(fd, "\n", 1) != 1 && errno != EPIPE) {
            perror("readiness notification");
        }
        close(fd);
    }
    sigwait(&set, &sig);
    if (d) {
        MHD_stop_daemon(d);
    }
    if (ctl) {
        MHD_stop_daemon(ctl);
        close(control.keeper); /* the keeper exits */
    }
    return 0;
}

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
#include <errno.h>
#include <microhttpd.h>
#include <nftables/libnftables.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netns-user.h"

static enum MHD_Result
answer(void *cls, struct MHD_Connection *conn, const char *url,
       const char *method, const char *version, const char *data,
       size_t *size, void **state)
{
    const char *text = cls;
    struct MHD_Response *r = MHD_create_response_from_buffer(
        strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ret;

    MHD_add_response_header(r, "Content-Type", "text/plain");
    ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

static const char firewall_rules[] =
    "table bridge slicer {\n"
    "  chain forward {\n"
    "    type filter hook forward priority 0; policy accept;\n"
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
    struct MHD_Daemon *d = NULL;
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
    return 0;
}

/* bench-sdn: the time to create a connectivity service (an ELAN of N
 * points, SDN assist) on a private userspace Open vSwitch bridge br0,
 * four ways:
 *   ovs           the ovs SDN driver's create_service (one bundle), until
 *                 its result arrives;
 *   osken         the osken driver's create_service against osken-manager
 *                 running our app (sdn-drivers/osken-app), which controls
 *                 br0 (skipped when osken-manager is not installed);
 *   ofctl-each    a shell-like baseline: one "ovs-ofctl add-flow" per flow;
 *   ofctl-bundle  "ovs-ofctl --bundle add-flows FILE" once.
 * Every point is an internal port of br0 with a MAC of its own, so the
 * rules are OSM's N(N-1) unicast + N broadcast ones (2 for N = 2); the
 * baselines' flows are the program slc_of_rules() (of-rules.h) returns,
 * written as ovs-ofctl flow text.  After each create the flow count is
 * checked (dump-aggregate), then the service is deleted and the flows
 * checked gone.  Medians of ROUNDS runs; the ratios are to the ovs driver.
 *
 * Root; run it in network, mount and pid namespaces of its own
 * (scripts/bench.sh does, with unshare).  The switch and osken-manager
 * live in a scratch directory and are stopped by pid, and the directory
 * removed, even on failure.
 *   bench-sdn [ROUNDS [SIZES...]]   (default 5 "2 10 50") */
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench-switch.h"
#include "of-rules.h"
#include "ovs-switch.h"
#include "sdn.h"

#define OFCTL "ovs-ofctl -O OpenFlow13 "
#define DPID_HEX "00000000000051ce"
#define MAX_POINTS 200
#define MAX_SIZES 16
#define REPLY_TIMEOUT_S 300.0

/* The result of the pending driver call. */
struct outcome {
    bool done;
    int rc;
    double at;                /* when it arrived */
    char msg[600];
    char service[64];
    json_t *data;             /* conn_info, owned */
};

struct bench {
    struct event_base *base;
    struct event *watchdog;   /* wakes the loop to check deadlines */
    char dir[64];
    struct slc_ovs_switch *sw;
    struct bench_osken osken_mgr;
    struct slc_sdn *ovs, *osken;
    struct outcome out;
    char macs[MAX_POINTS][20], names[MAX_POINTS][16];
};

/* For the signal handler only. */
static struct bench *running;

/* ---- driver calls ---- */

static void
on_done(void *owner, const struct slc_sdn_result *r)
{
    struct outcome *o = &((struct bench *)owner)->out;

    o->at = bench_clock();
    o->done = true;
    o->rc = r->rc;
    snprintf(o->msg, sizeof o->msg, "%s", r->msg ? r->msg : "");
    snprintf(o->service, sizeof o->service, "%s",
             r->service_id ? r->service_id : "");
    json_decref(o->data);
    o->data = r->data ? json_deep_copy(r->data) : NULL;
}

static void
on_watchdog(evutil_socket_t fd, short what, void *arg)
{
}

/* The outcome of a call submitted with 'rc' and 'err': its refusal, or
 * its reply (SLC_ETIMEOUT after REPLY_TIMEOUT_S).  The loop turns until
 * the reply arrives, so its time is not rounded to a timer's. */
static int
outcome(struct bench *b, int rc, const struct slc_error *err)
{
    double deadline = bench_clock() + REPLY_TIMEOUT_S;

    if (rc) {
        snprintf(b->out.msg, sizeof b->out.msg, "%s", err->msg);
        return rc;
    }
    while (!b->out.done && bench_clock() < deadline) {
        event_base_loop(b->base, EVLOOP_ONCE);
    }
    if (!b->out.done) {
        snprintf(b->out.msg, sizeof b->out.msg, "no reply within %.0f s",
                 REPLY_TIMEOUT_S);
        return SLC_ETIMEOUT;
    }
    b->out.done = false;
    return b->out.rc;
}

static int
check_credentials(struct bench *b, struct slc_sdn *sdn)
{
    struct slc_error err = {0};

    return outcome(b, sdn->class->check_credentials(sdn, 1, &err), &err);
}

static int
delete_service(struct bench *b, struct slc_sdn *sdn, const char *id,
               const json_t *conn_info)
{
    struct slc_error err = {0};

    return outcome(b, sdn->class->delete_service(sdn, 3, id, conn_info,
                                                 &err),
                   &err);
}

/* ---- osken-manager ---- */

static void
stop_osken(struct bench *b)
{
    bench_osken_stop(&b->osken_mgr);
}

/* Starts osken-manager with our app (its log in the scratch directory)
 * and makes it br0's controller. */
static int
start_osken(struct bench *b)
{
    return bench_osken_start(&b->osken_mgr, OSKEN_APP, b->dir, "br0");
}

/* ---- setup and cleanup ---- */

static void
cleanup(struct bench *b)
{
    slc_sdn_close(b->ovs);
    slc_sdn_close(b->osken);
    b->ovs = b->osken = NULL;
    stop_osken(b);
    if (b->sw) {
        slc_ovs_switch_stop(b->sw, &(struct slc_error){0});
        b->sw = NULL;
    }
    if (b->dir[0]) {
        bench_sh("rm -rf %s", b->dir);
        b->dir[0] = '\0';
    }
}

static void
on_signal(int sig)
{
    if (running) {
        stop_osken(running);
        if (running->sw) {
            slc_ovs_switch_stop(running->sw, &(struct slc_error){0});
        }
        if (running->dir[0]) {
            bench_sh("rm -rf %s", running->dir);
        }
    }
    _exit(128 + sig);
}

/* The switch, br0 (secure fail mode, OpenFlow 1.3) and 'n' internal
 * ports sp1..spN, port i at OpenFlow port i with MAC 02:00:00:00:HH:LL. */
static int
setup_switch(struct bench *b, size_t n)
{
    struct slc_error err = {0};
    char *cmd = NULL;
    size_t size = 0;
    FILE *f;
    int rc;

    if (slc_ovs_switch_start(b->dir, &b->sw, &err)) {
        fprintf(stderr, "bench-sdn: switch: %s\n", err.msg);
        return -1;
    }
    setenv("OVS_RUNDIR", b->dir, 1);
    setenv("OVS_DBDIR", b->dir, 1);
    setenv("OVS_LOGDIR", b->dir, 1);
    if (bench_sh("ip link set lo up") ||
        bench_sh("ovs-vsctl add-br br0 -- set bridge br0 datapath_type=netdev "
           "protocols=OpenFlow13 fail_mode=secure "
           "other_config:datapath-id=" DPID_HEX)) {
        return -1;
    }
    if (!(f = open_memstream(&cmd, &size))) {
        return -1;
    }
    fprintf(f, "ovs-vsctl");
    for (size_t i = 0; i < n; i++) {
        snprintf(b->names[i], sizeof b->names[i], "sp%zu", i + 1);
        snprintf(b->macs[i], sizeof b->macs[i], "02:00:00:00:%02zx:%02zx",
                 (i + 1) >> 8, (i + 1) & 0xff);
        fprintf(f, " -- add-port br0 %s -- set interface %s type=internal "
                "ofport_request=%zu 'mac=\"%s\"'", b->names[i], b->names[i],
                i + 1, b->macs[i]);
    }
    fclose(f);
    rc = system(cmd);
    free(cmd);
    return rc ? -1 : 0;
}

/* The ovs driver on br0, and the osken driver when 'osken' (osken-manager
 * started); both ready (their check_credentials passed). */
static int
open_drivers(struct bench *b, bool osken)
{
    struct slc_error err = {0};
    char url[128];
    json_t *config;
    int rc;

    snprintf(url, sizeof url, "unix:%s/db.sock", b->dir);
    config = json_pack("{ss si}", "bridge", "br0", "audit_interval_ms", 0);
    rc = slc_sdn_ovs_class.open(
        &(struct slc_sdn_params){.id = "ovs", .name = "ovs", .url = url,
                                 .config = config, .base = b->base,
                                 .done = on_done, .owner = b},
        &b->ovs, &err);
    json_decref(config);
    if (rc || check_credentials(b, b->ovs)) {
        fprintf(stderr, "bench-sdn: ovs driver: %s\n",
                rc ? err.msg : b->out.msg);
        return -1;
    }
    if (!osken) {
        return 0;
    }
    snprintf(url, sizeof url, "http://127.0.0.1:%d", b->osken_mgr.rest_port);
    config = json_pack("{ss si si}", "dpid", DPID_HEX, "audit_interval_ms", 0,
                       "timeout_ms", 30000);
    rc = slc_sdn_osken_class.open(
        &(struct slc_sdn_params){.id = "osken", .name = "osken", .url = url,
                                 .config = config, .base = b->base,
                                 .done = on_done, .owner = b},
        &b->osken, &err);
    json_decref(config);
    if (rc) {
        fprintf(stderr, "bench-sdn: osken driver: %s\n", err.msg);
        return -1;
    }
    /* until the controller lists the switch (20 s at most) */
    for (int i = 0; i < 100; i++) {
        if (!check_credentials(b, b->osken)) {
            return 0;
        }
        usleep(200000);
    }
    fprintf(stderr, "bench-sdn: osken-manager does not list br0: %s (see "
            "%s/osken.log)\n", b->out.msg, b->dir);
    return -1;
}

/* ---- the baselines' flows ---- */

/* One rule of an of-rules.h program as ovs-ofctl flow text on 'f' (no
 * newline). */
static int
write_flow(FILE *f, const json_t *rule)
{
    const json_t *m = json_object_get(rule, "match"), *a;
    size_t i;

    fprintf(f, "priority=%lld,in_port=%s",
            (long long)json_integer_value(json_object_get(rule, "priority")),
            json_string_value(json_object_get(m, "in_port")));
    if (json_object_get(m, "vlan")) {
        fprintf(f, ",dl_vlan=%lld",
                (long long)json_integer_value(json_object_get(m, "vlan")));
    }
    if (json_object_get(m, "eth_dst")) {
        fprintf(f, ",dl_dst=%s",
                json_string_value(json_object_get(m, "eth_dst")));
    }
    fprintf(f, " actions=");
    json_array_foreach(json_object_get(rule, "actions"), i, a)
    {
        const char *op = json_object_iter_key(json_object_iter((json_t *)a));
        const json_t *v = json_object_get(a, op);
        const char *port = json_string_value(v);

        fprintf(f, "%s", i ? "," : "");
        if (!strcmp(op, "output") && port) {
            fprintf(f, "%s%s", strcmp(port, "IN_PORT") ? "output:" : "",
                    strcmp(port, "IN_PORT") ? port : "in_port");
        } else if (!strcmp(op, "push_vlan") || !strcmp(op, "set_vlan")) {
            fprintf(f, "%sset_field:%lld->vlan_vid",
                    op[0] == 'p' ? "push_vlan:0x8100," : "",
                    (long long)json_integer_value(v) | 0x1000);
        } else if (!strcmp(op, "pop_vlan")) {
            fprintf(f, "pop_vlan");
        } else {
            fprintf(stderr, "bench-sdn: action '%s' has no ofctl text\n", op);
            return -1;
        }
    }
    return 0;
}

/* DIR/flows.txt (the program's flows, for --bundle add-flows) and
 * DIR/each.sh (one ovs-ofctl add-flow per flow). */
static int
write_flows(const struct bench *b, const json_t *prog)
{
    char path[128];
    const json_t *rule;
    FILE *flows, *each;
    size_t i;
    int rc = 0;

    snprintf(path, sizeof path, "%s/flows.txt", b->dir);
    flows = fopen(path, "w");
    snprintf(path, sizeof path, "%s/each.sh", b->dir);
    each = fopen(path, "w");
    rc = !flows || !each;
    json_array_foreach(json_object_get(prog, "rules"), i, rule)
    {
        if (rc) {
            break;
        }
        fprintf(each, OFCTL "add-flow br0 '");
        rc = write_flow(flows, rule) || write_flow(each, rule);
        fprintf(flows, "\n");
        fprintf(each, "'\n");
    }
    rc |= (flows ? fclose(flows) : 0) | (each ? fclose(each) : 0);
    return rc ? -1 : 0;
}

/* ---- one run of each ---- */

/* Checks that br0 holds 'want' flows after 'what'. */
static int
expect_flows(const char *what, long want)
{
    long n = bench_count_flows();

    if (n != want) {
        fprintf(stderr, "bench-sdn: %s: %ld flows on br0, expected %ld\n",
                what, n, want);
        return -1;
    }
    return 0;
}

/* Creates the service through 'sdn', checks its flows, deletes it and
 * checks them gone; '*ms' is the create's time. */
static int
run_driver(struct bench *b, struct slc_sdn *sdn,
           const struct slc_sdn_service_spec *spec, long rules, double *ms)
{
    struct slc_error err = {0};
    double t = bench_clock();
    int rc = outcome(b, sdn->class->create_service(sdn, 2, spec, &err),
                     &err);
    char what[64];

    *ms = (b->out.at - t) * 1e3;
    snprintf(what, sizeof what, "%s create_service", sdn->drv.name);
    if (rc) {
        fprintf(stderr, "bench-sdn: %s: %s\n", what, b->out.msg);
        return -1;
    }
    if (expect_flows(what, rules)) {
        return -1;
    }
    if (delete_service(b, sdn, b->out.service, b->out.data)) {
        fprintf(stderr, "bench-sdn: %s delete_service: %s\n", sdn->drv.name,
                b->out.msg);
        return -1;
    }
    snprintf(what, sizeof what, "%s delete_service", sdn->drv.name);
    return expect_flows(what, 0);
}

/* Runs 'cmd' (a baseline), checks its flows, deletes them and checks
 * them gone; '*ms' is the command's time. */
static int
run_ofctl(const char *what, const char *cmd, long rules, double *ms)
{
    double t = bench_clock();
    int rc = bench_sh("%s", cmd);

    *ms = (bench_clock() - t) * 1e3;
    if (rc) {
        fprintf(stderr, "bench-sdn: %s failed (%d)\n", what, rc);
        return -1;
    }
    return expect_flows(what, rules) || bench_sh(OFCTL "del-flows br0") ||
                   expect_flows("del-flows", 0)
               ? -1
               : 0;
}

/* Runs each way 'rounds' times for an ELAN of the 'n' points 'pts':
 * t[0..3][round] = ovs, osken (when its driver is open), ofctl-each,
 * ofctl-bundle, in ms. */
static int
measure(struct bench *b, const struct slc_sdn_endpoint *pts, size_t n,
        long rules, int rounds, double *t[4])
{
    char tag[32], each[160], bundle[192];
    struct slc_sdn_service_spec spec = {.name = tag, .tag = tag,
                                        .type = "ELAN", .ports = pts,
                                        .n_ports = n};

    snprintf(tag, sizeof tag, "bench-elan-%zu", n);
    snprintf(each, sizeof each, "sh -e %s/each.sh", b->dir);
    snprintf(bundle, sizeof bundle,
             OFCTL "--bundle add-flows br0 %s/flows.txt", b->dir);
    for (int r = 0; r < rounds; r++) {
        if (run_driver(b, b->ovs, &spec, rules, &t[0][r]) ||
            (b->osken && run_driver(b, b->osken, &spec, rules, &t[1][r])) ||
            run_ofctl("ovs-ofctl add-flow, one per flow", each, rules,
                      &t[2][r]) ||
            run_ofctl("ovs-ofctl --bundle add-flows", bundle, rules,
                      &t[3][r])) {
            return -1;
        }
    }
    return 0;
}

/* Prints the figures of an ELAN of 'n' points, medians of 'rounds'
 * runs. */
static int
bench_size(struct bench *b, size_t n, int rounds)
{
    struct slc_sdn_endpoint pts[MAX_POINTS];
    struct slc_error err = {0};
    double *t[4], med[4] = {0};
    char osken[16] = "-", ratio[16] = "-";
    json_t *prog = NULL;
    long rules;
    int rc;

    for (size_t i = 0; i < n; i++) {
        pts[i] = (struct slc_sdn_endpoint){.id = b->names[i],
                                           .mac = b->macs[i],
                                           .switch_port = b->names[i]};
    }
    if (slc_of_rules("bench", "ELAN", pts, n, false, &prog, &err) ||
        write_flows(b, prog)) {
        fprintf(stderr, "bench-sdn: %zu points: rules: %s\n", n, err.msg);
        json_decref(prog);
        return -1;
    }
    rules = (long)json_array_size(json_object_get(prog, "rules"));
    json_decref(prog);
    for (int k = 0; k < 4; k++) {
        t[k] = calloc((size_t)rounds, sizeof *t[k]);
    }
    rc = !t[0] || !t[1] || !t[2] || !t[3] ? -1
         : measure(b, pts, n, rules, rounds, t);
    for (int k = 0; k < 4; k++) {
        med[k] = rc ? 0 : bench_median(t[k], rounds);
        free(t[k]);
    }
    if (rc) {
        return rc;
    }
    if (b->osken) {
        snprintf(osken, sizeof osken, "%.1f", med[1]);
        snprintf(ratio, sizeof ratio, "%.1f", med[1] / med[0]);
    }
    printf("%-8zu%-8ld%-7.1f%-8s%-12.1f%-15.1f%-11s%-10.1f%.1f\n", n, rules,
           med[0], osken, med[2], med[3], ratio, med[2] / med[0],
           med[3] / med[0]);
    return 0;
}

/* The sizes in argv[2..] (each may hold several, "2 10 50"). */
static size_t
parse_sizes(int argc, char **argv, size_t *sizes, size_t *max)
{
    size_t n = 0;

    *max = 0;
    for (int i = 2; i < argc; i++) {
        char *s = argv[i], *end;

        for (;;) {
            unsigned long v = strtoul(s, &end, 10);

            if (end == s) {
                break;
            }
            if (n == MAX_SIZES || v < 2 || v > MAX_POINTS) {
                return 0;
            }
            sizes[n++] = v;
            *max = v > *max ? v : *max;
            s = end;
        }
        if (*s) {
            return 0;
        }
    }
    return n;
}

int
main(int argc, char **argv)
{
    static struct bench b;
    size_t sizes[MAX_SIZES] = {2, 10, 50}, n_sizes = 3, max = 50;
    int rounds = argc > 1 ? atoi(argv[1]) : 5;
    bool osken = !bench_sh("command -v osken-manager >/dev/null 2>&1");
    struct timeval tick = {0, 100000};
    int rc = 0;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 2 && !(n_sizes = parse_sizes(argc, argv, sizes, &max))) {
        fprintf(stderr, "usage: bench-sdn [ROUNDS [SIZES...]] (sizes 2..%d, "
                "at most %d)\n", MAX_POINTS, MAX_SIZES);
        return 2;
    }
    if (rounds < 1) {
        fprintf(stderr, "bench-sdn: ROUNDS '%s' is not a positive number\n",
                argv[1]);
        return 2;
    }
    snprintf(b.dir, sizeof b.dir, "/tmp/slicer-bench-sdn-XXXXXX");
    if (!mkdtemp(b.dir)) {
        perror("bench-sdn: mkdtemp");
        return 1;
    }
    running = &b;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    b.base = event_base_new();
    b.watchdog = event_new(b.base, -1, EV_PERSIST, on_watchdog, NULL);
    event_add(b.watchdog, &tick);
    if (setup_switch(&b, max) || (osken && start_osken(&b)) ||
        open_drivers(&b, osken)) {
        rc = 1;
    }
    if (!rc) {
        printf("bench-sdn: ELAN creation, medians of %d (ms)\n", rounds);
        if (!osken) {
            printf("(osken: skipped, osken-manager is not installed)\n");
        }
        printf("points  rules   ovs    osken   ofctl-each  ofctl-bundle   "
               "osken/ovs  each/ovs  bundle/ovs\n");
    }
    for (size_t i = 0; !rc && i < n_sizes; i++) {
        rc = bench_size(&b, sizes[i], rounds) ? 1 : 0;
    }
    cleanup(&b);
    running = NULL;
    json_decref(b.out.data);
    event_free(b.watchdog);
    event_base_free(b.base);
    return rc;
}

/* bench-sfc-fabric: installs N chains of 4 hops whose two middle hops are
 * SR-IOV service functions (issue 23): each chain is rendered into its
 * part on the VIM's switch (br0, the integration bridge: classifier,
 * virtio hops 1 and 4, delivery) and its part on the fabric (br1: the VF
 * hops, entered in their VFs' VLANs), joined by a patch-port trunk.
 * Installed three ways, on a private userspace Open vSwitch:
 *   ovs     both parts by the ovs SDN driver (one driver per bridge, each
 *           program an atomic bundle; all chains submitted at once, the
 *           fabric parts first as the engine orders them);
 *   osken   the fabric part by the osken driver through osken-manager
 *           running our ofctl_rest app (controlling br1), the br0 part by
 *           the ovs driver; skipped when osken-manager is not installed;
 *   ofctl   the same flows, one "ovs-ofctl add-flow" process per flow.
 * Prints the median of each over the rounds and the ratios against ofctl.
 *
 * Root; run it in network, mount and pid namespaces of its own
 * (scripts/bench.sh does, with unshare): the bridges' ports are internal
 * ports.
 *   bench-sfc-fabric CHAINS [ROUNDS] */
#include <event2/event.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench-switch.h"
#include "ovs-switch.h"
#include "sdn.h"
#include "sfc-chain.h"

#define HOPS 4

struct bench {
    struct event_base *base;
    char dir[64];
    bool made_dir;
    struct slc_ovs_switch *sw;
    struct slc_sdn *vim, *fabric, *osken;
    struct bench_osken mgr;
    size_t done, failed;
    char error[400];
};

static void
on_done(void *owner, const struct slc_sdn_result *r)
{
    struct bench *b = owner;

    b->done++;
    if (r->rc && !b->failed++) {
        snprintf(b->error, sizeof b->error, "%s", r->msg);
    }
}

/* Runs the loop until 'n' results came. */
static void
wait_for(struct bench *b, size_t n)
{
    while (b->done < n) {
        event_base_loop(b->base, EVLOOP_ONCE);
    }
}

static long
flows_on(const char *bridge)
{
    char cmd[200];
    FILE *f;
    long n = -1;

    snprintf(cmd, sizeof cmd,
             "ovs-ofctl -O OpenFlow13 dump-aggregate %s | sed -n "
             "'s/.*flow_count=\\([0-9]*\\).*/\\1/p'",
             bridge);
    if ((f = popen(cmd, "r"))) {
        if (fscanf(f, "%ld", &n) != 1) {
            n = -1;
        }
        pclose(f);
    }
    return n;
}

/* br0 with the source, the destination and the virtio hops' ports; br1
 * with two NIC ports (OpenFlow 1 and 2); the trunk between them. */
static int
setup(struct bench *b)
{
    struct slc_error err = {0};

    b->made_dir = mkdtemp(b->dir) != NULL;
    if (!b->made_dir || slc_ovs_switch_start(b->dir, &b->sw, &err)) {
        fprintf(stderr, "bench-sfc-fabric: switch: %s\n", err.msg);
        return -1;
    }
    setenv("OVS_RUNDIR", b->dir, 1);
    setenv("OVS_DBDIR", b->dir, 1);
    setenv("OVS_LOGDIR", b->dir, 1);
    return bench_sh("ip link set lo up") ||
           bench_sh("ovs-vsctl add-br br0 -- set bridge br0 "
                    "datapath_type=netdev protocols=OpenFlow13 "
                    "fail_mode=secure -- add-br br1 -- set bridge br1 "
                    "datapath_type=netdev protocols=OpenFlow13 "
                    "fail_mode=secure other_config:datapath-id="
                    "0000000000000b01") ||
           bench_sh("ovs-vsctl -- add-port br0 int-to-fabric -- set "
                    "interface int-to-fabric type=patch "
                    "options:peer=fabric-to-int -- add-port br1 "
                    "fabric-to-int -- set interface fabric-to-int type=patch "
                    "options:peer=int-to-fabric ofport_request=65000") ||
           bench_sh("for p in src dst h0i h0o h3i h3o; do ovs-vsctl "
                    "add-port br0 $p -- set interface $p type=internal; "
                    "done") ||
           bench_sh("ovs-vsctl -- add-port br1 nic1 -- set interface nic1 "
                    "type=internal ofport_request=1 -- add-port br1 nic2 -- "
                    "set interface nic2 type=internal ofport_request=2")
               ? -1
               : 0;
}

static int
open_ovs(struct bench *b, const char *bridge, struct slc_sdn **out)
{
    struct slc_error err = {0};
    char url[128];
    json_t *config = json_pack("{ss si}", "bridge", bridge,
                               "audit_interval_ms", 0);
    int rc;

    snprintf(url, sizeof url, "unix:%s/db.sock", b->dir);
    rc = slc_sdn_ovs_class.open(
        &(struct slc_sdn_params){.id = bridge, .name = bridge, .url = url,
                                 .config = config, .base = b->base,
                                 .done = on_done, .owner = b},
        out, &err);
    json_decref(config);
    if (rc) {
        fprintf(stderr, "bench-sfc-fabric: ovs driver: %s\n", err.msg);
        return -1;
    }
    for (;;) {
        json_t *d = (*out)->class->describe(*out);
        int up = json_is_true(json_object_get(d, "connected"));

        json_decref(d);
        if (up) {
            return 0;
        }
        event_base_loop(b->base, EVLOOP_ONCE);
    }
}

/* The osken driver on br1 through osken-manager, once the controller
 * lists the switch; -1 (skipped) when it cannot run here. */
static int
open_osken(struct bench *b)
{
    struct slc_error err = {0};
    char url[128];
    json_t *config;

    if (bench_sh("command -v osken-manager >/dev/null") ||
        bench_osken_start(&b->mgr, OSKEN_APP, b->dir, "br1")) {
        return -1;
    }
    snprintf(url, sizeof url, "http://127.0.0.1:%d", b->mgr.rest_port);
    config = json_pack("{ss si si}", "dpid", "0000000000000b01",
                       "audit_interval_ms", 0, "timeout_ms", 30000);
    if (slc_sdn_osken_class.open(
            &(struct slc_sdn_params){.id = "osken", .name = "osken",
                                     .url = url, .config = config,
                                     .base = b->base, .done = on_done,
                                     .owner = b},
            &b->osken, &err)) {
        json_decref(config);
        fprintf(stderr, "bench-sfc-fabric: osken driver: %s\n", err.msg);
        return -1;
    }
    json_decref(config);
    for (int i = 0; i < 100; i++) {
        size_t want = b->done + 1;

        b->failed = 0;
        if (!b->osken->class->check_credentials(b->osken, 1, &err)) {
            wait_for(b, want);
            if (!b->failed) {
                return 0;
            }
        }
        usleep(200000);
    }
    fprintf(stderr, "bench-sfc-fabric: osken-manager does not list br1 (see "
            "%s/osken.log)\n", b->dir);
    return -1;
}

/* Chain i: TCP to port 1000 + i through hop 0 (virtio), hops 1 and 2
 * (VFs in VLANs 101/102 on NIC 1 and 201/202 on NIC 2), hop 3 (virtio). */
static json_t *
render(size_t i, struct slc_error *err)
{
    static const struct slc_sfc_sfi sfis[HOPS] = {
        {{"h0i"}, {"h0o"}},
        {{"1", 101, true}, {"1", 102, true}},
        {{"2", 201, true}, {"2", 202, true}},
        {{"h3i"}, {"h3o"}},
    };
    static const struct slc_sfc_hop hops[HOPS] = {
        {"hop0", &sfis[0], 1}, {"hop1", &sfis[1], 1},
        {"hop2", &sfis[2], 1}, {"hop3", &sfis[3], 1}};
    static const struct slc_sfc_port src = {"src"};
    struct slc_sfc_match m = {"m", 6, "10.0.0.1", "10.0.0.2", 0,
                              (unsigned)(1000 + i)};
    struct slc_sfc_chain c = {
        .id = "c", .encap = SLC_SFC_VLAN,
        .tag_base = (uint32_t)(1 + (i * HOPS) % (4094 - HOPS)),
        .sources = &src, .n_sources = 1, .destination = {"dst"},
        .trunk = {"int-to-fabric", "fabric-to-int"},
        .matches = &m, .n_matches = 1, .hops = hops, .n_hops = HOPS};

    return slc_sfc_render(&c, err);
}

/* One round: every chain's fabric part on 'fabric', then its br0 part,
 * all submitted at once per switch; then all removed.  Seconds to
 * install, or -1. */
static double
round_of(struct bench *b, struct slc_sdn *fabric, json_t **parts, size_t n)
{
    struct slc_error err = {0};
    double t = bench_clock();

    b->done = b->failed = 0;
    for (size_t i = 0; i < n; i++) {
        if (fabric->class->install_program(
                fabric, i, (uint32_t)(i + 1),
                json_object_get(parts[i], "fabric"), &err)) {
            fprintf(stderr, "install: %s\n", err.msg);
            return -1;
        }
    }
    wait_for(b, n);
    for (size_t i = 0; i < n; i++) {
        if (b->vim->class->install_program(b->vim, i, (uint32_t)(i + 1),
                                           json_object_get(parts[i], "vim"),
                                           &err)) {
            fprintf(stderr, "install: %s\n", err.msg);
            return -1;
        }
    }
    wait_for(b, 2 * n);
    t = bench_clock() - t;
    if (b->failed) {
        fprintf(stderr, "bench-sfc-fabric: %zu installs failed: %s\n",
                b->failed, b->error);
        return -1;
    }
    printf("    %.3f s; flows: br0 %ld, br1 %ld\n", t, flows_on("br0"),
           flows_on("br1"));
    b->done = 0;
    for (size_t i = 0; i < n; i++) {
        b->vim->class->remove_program(b->vim, i, (uint32_t)(i + 1), &err);
        fabric->class->remove_program(fabric, i, (uint32_t)(i + 1), &err);
    }
    wait_for(b, 2 * n);
    return t;
}

/* The baseline: every flow of both parts, one ovs-ofctl process each. */
static double
ofctl_each(struct bench *b, json_t **parts, size_t n)
{
    char path[128];
    FILE *f;
    double t;

    snprintf(path, sizeof path, "%s/flows.sh", b->dir);
    if (!(f = fopen(path, "w"))) {
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        for (int s = 0; s < 2; s++) {
            const json_t *rule;
            size_t k;

            json_array_foreach(
                json_object_get(json_object_get(parts[i],
                                                s ? "fabric" : "vim"),
                                "rules"),
                k, rule)
            {
                char *text = slc_sfc_rule_text(rule);

                fprintf(f, "ovs-ofctl -O OpenFlow13 add-flow %s '%s'\n",
                        s ? "br1" : "br0", text);
                free(text);
            }
        }
    }
    fclose(f);
    t = bench_clock();
    if (bench_sh("sh -e %s", path)) {
        fprintf(stderr, "bench-sfc-fabric: ovs-ofctl baseline failed\n");
        return -1;
    }
    t = bench_clock() - t;
    printf("  ovs-ofctl add-flow, one at a time: %.3f s; flows: br0 %ld, "
           "br1 %ld\n", t, flows_on("br0"), flows_on("br1"));
    return t;
}

int
main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000;
    int rounds = argc > 2 ? atoi(argv[2]) : 3;
    struct bench b = {.base = event_base_new(),
                      .dir = "/tmp/slicer-bench-sfcf-XXXXXX"};
    json_t **parts = calloc(n, sizeof *parts);
    double *t_ovs = calloc((size_t)rounds, sizeof *t_ovs);
    double *t_osken = calloc((size_t)rounds, sizeof *t_osken);
    double m_ovs, m_osken = -1, ofctl;
    long flows[2] = {0, 0};
    struct slc_error err = {0};
    int rc = 1;

    if (!b.base || !parts || !t_ovs || !t_osken || rounds < 1 ||
        setup(&b) || open_ovs(&b, "br0", &b.vim) ||
        open_ovs(&b, "br1", &b.fabric)) {
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        if (!(parts[i] = render(i, &err))) {
            fprintf(stderr, "render: %s\n", err.msg);
            goto out;
        }
        for (int s = 0; s < 2; s++) {
            flows[s] += (long)json_array_size(json_object_get(
                json_object_get(parts[i], s ? "fabric" : "vim"), "rules"));
        }
    }
    printf("sfc across br-int and the fabric: %zu chains of %d hops (2 on "
           "VFs) = %ld + %ld flows\n", n, HOPS, flows[0], flows[1]);
    printf("  ovs driver on both bridges:\n");
    for (int r = 0; r < rounds; r++) {
        if ((t_ovs[r] = round_of(&b, b.fabric, parts, n)) < 0) {
            goto out;
        }
    }
    m_ovs = bench_median(t_ovs, rounds);
    /* the ovs driver leaves br1 to the controller from here on */
    slc_sdn_close(b.fabric);
    b.fabric = NULL;
    if (!open_osken(&b) && b.osken->class->install_program) {
        printf("  osken driver on br1 (os-ken, ofctl_rest), ovs on br0:\n");
        for (int r = 0; r < rounds; r++) {
            if ((t_osken[r] = round_of(&b, b.osken, parts, n)) < 0) {
                goto out;
            }
        }
        m_osken = bench_median(t_osken, rounds);
    } else {
        printf("  osken: skipped (osken-manager not installed or not "
               "ready)\n");
    }
    if ((ofctl = ofctl_each(&b, parts, n)) < 0) {
        goto out;
    }
    printf("sfc across switches, median of %d rounds: ovs %.3f s (%.1fx "
           "faster than ovs-ofctl), ", rounds, m_ovs, ofctl / m_ovs);
    if (m_osken > 0) {
        printf("osken %.3f s (%.1fx), ", m_osken, ofctl / m_osken);
    }
    printf("ovs-ofctl one flow at a time %.3f s\n", ofctl);
    rc = 0;
out:
    slc_sdn_close(b.vim);
    slc_sdn_close(b.fabric);
    slc_sdn_close(b.osken);
    bench_osken_stop(&b.mgr);
    if (b.sw) {
        slc_ovs_switch_stop(b.sw, &err);
    }
    if (b.made_dir) {
        bench_sh("rm -rf %s", b.dir);
    }
    for (size_t i = 0; parts && i < n; i++) {
        json_decref(parts[i]);
    }
    free(parts);
    free(t_ovs);
    free(t_osken);
    if (b.base) {
        event_base_free(b.base);
    }
    return rc;
}

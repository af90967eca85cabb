/* bench-sfc: installs N chains of H hops (VLAN steering, 1 + H flows
 * each) on a private userspace Open vSwitch bridge, with the ovs SDN
 * driver (all N submitted at once, each an atomic bundle), and then the
 * same flows again with one "ovs-ofctl add-flow" per flow, and prints
 * both times and their ratio.  Goals (issue 6): the driver at most 1 s
 * for 1,000 chains of 4 hops, and at least 10 times faster.
 *
 * Root; run it in a network namespace of its own (scripts/bench.sh does,
 * with unshare): the bridge's ports are internal ports.
 *   bench-sfc CHAINS HOPS [ROUNDS] */
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench-switch.h"
#include "ovs-switch.h"
#include "sdn.h"
#include "sfc-chain.h"

static size_t done, failed;
static char first_error[400];

static void
on_done(void *owner, const struct slc_sdn_result *r)
{
    done++;
    if (r->rc) {
        if (!failed++) {
            snprintf(first_error, sizeof first_error, "%s", r->msg);
        }
    }
}

int
main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000;
    size_t hops = argc > 2 ? strtoul(argv[2], NULL, 10) : 4;
    int rounds = argc > 3 ? atoi(argv[3]) : 3;
    char dir[] = "/tmp/slicer-bench-sfc-XXXXXX", url[128], cmd[512];
    struct event_base *base = event_base_new();
    struct slc_ovs_switch *sw = NULL;
    struct slc_error err = {0};
    struct slc_sdn *sdn = NULL;
    struct slc_sfc_sfi *sfis = calloc(hops, sizeof *sfis);
    struct slc_sfc_hop *hop = calloc(hops, sizeof *hop);
    json_t **progs = calloc(n, sizeof *progs);
    double *driver = calloc((size_t)rounds, sizeof *driver);
    double t, ofctl, median;
    long flows = 0;
    FILE *script;

    if (!mkdtemp(dir) || slc_ovs_switch_start(dir, &sw, &err)) {
        fprintf(stderr, "switch: %s\n", err.msg);
        return 1;
    }
    setenv("OVS_RUNDIR", dir, 1);
    setenv("OVS_DBDIR", dir, 1);
    setenv("OVS_LOGDIR", dir, 1);
    snprintf(cmd, sizeof cmd,
             "ovs-vsctl add-br br0 -- set bridge br0 datapath_type=netdev "
             "protocols=OpenFlow13 fail_mode=secure");
    bench_sh("ip link set lo up");
    if (bench_sh("%s", cmd)) {
        return 1;
    }
    /* a source, a destination, and an ingress/egress pair per hop */
    for (size_t i = 0; i < 2 * hops + 2; i++) {
        snprintf(cmd, sizeof cmd,
                 "ovs-vsctl add-port br0 bp%zu -- set interface bp%zu "
                 "type=internal",
                 i, i);
        if (bench_sh("%s", cmd)) {
            return 1;
        }
    }
    for (size_t h = 0; h < hops; h++) {
        char *in = malloc(16), *out = malloc(16), *id = malloc(16);

        snprintf(in, 16, "bp%zu", 2 + 2 * h);
        snprintf(out, 16, "bp%zu", 3 + 2 * h);
        snprintf(id, 16, "hop%zu", h);
        sfis[h] = (struct slc_sfc_sfi){{in}, {out}};
        hop[h] = (struct slc_sfc_hop){id, &sfis[h], 1};
    }
    for (size_t i = 0; i < n; i++) {
        struct slc_sfc_match m = {"m", 6, "10.0.0.1", "10.0.0.2", 0,
                                  (unsigned)(1000 + i)};
        struct slc_sfc_chain c = {
            .id = "c", .encap = SLC_SFC_VLAN,
            .tag_base = (uint32_t)(1 + (i * hops) % (4094 - hops)),
            .sources = &(struct slc_sfc_port){"bp0"}, .n_sources = 1,
            .destination = {"bp1"}, .matches = &m,
            .n_matches = 1, .hops = hop, .n_hops = hops};

        json_t *parts = slc_sfc_render(&c, &err);

        progs[i] = parts ? json_incref(json_object_get(parts, "vim")) : NULL;
        json_decref(parts);
        if (!progs[i]) {
            fprintf(stderr, "render: %s\n", err.msg);
            return 1;
        }
        flows += (long)json_array_size(json_object_get(progs[i], "rules"));
    }
    snprintf(url, sizeof url, "unix:%s/db.sock", dir);
    if (slc_sdn_ovs_class.open(
            &(struct slc_sdn_params){
                .id = "b", .name = "bench", .url = url,
                .config = json_pack("{ss si}", "bridge", "br0",
                                    "audit_interval_ms", 0),
                .base = base, .done = on_done},
            &sdn, &err)) {
        fprintf(stderr, "open: %s\n", err.msg);
        return 1;
    }
    for (;;) {
        json_t *d = sdn->class->describe(sdn);
        int up = json_is_true(json_object_get(d, "connected"));

        json_decref(d);
        if (up) {
            break;
        }
        event_base_loop(base, EVLOOP_ONCE);
    }
    printf("sfc: %zu chains of %zu hops = %ld flows on a userspace OVS "
           "bridge\n", n, hops, flows);
    for (int r = 0; r < rounds; r++) {
        done = failed = 0;
        t = bench_clock();
        for (size_t i = 0; i < n; i++) {
            if (sdn->class->install_program(sdn, i, (uint32_t)(i + 1),
                                            progs[i], &err)) {
                fprintf(stderr, "install: %s\n", err.msg);
                return 1;
            }
        }
        while (done < n) {
            event_base_loop(base, EVLOOP_ONCE);
        }
        driver[r] = bench_clock() - t;
        printf("  driver round %d: %.3f s, %zu failed%s%s, %ld flows on "
               "the switch\n", r + 1, driver[r], failed,
               failed ? ": " : "", first_error, bench_count_flows());
        done = 0;
        for (size_t i = 0; i < n; i++) {
            sdn->class->remove_program(sdn, i, (uint32_t)(i + 1), &err);
        }
        while (done < n) {
            event_base_loop(base, EVLOOP_ONCE);
        }
    }
    median = bench_median(driver, rounds);
    /* the baseline: the same flows, one ovs-ofctl process each */
    snprintf(cmd, sizeof cmd, "%s/flows.sh", dir);
    script = fopen(cmd, "w");
    for (size_t i = 0; i < n; i++) {
        const json_t *rule;
        size_t k;

        json_array_foreach(json_object_get(progs[i], "rules"), k, rule)
        {
            char *text = slc_sfc_rule_text(rule);

            fprintf(script, "ovs-ofctl -O OpenFlow13 add-flow br0 '%s'\n",
                    text);
            free(text);
        }
    }
    fclose(script);
    t = bench_clock();
    snprintf(cmd, sizeof cmd, "sh -e %s/flows.sh", dir);
    if (bench_sh("%s", cmd)) {
        fprintf(stderr, "ovs-ofctl baseline failed\n");
    }
    ofctl = bench_clock() - t;
    printf("  ovs-ofctl add-flow, one at a time: %.3f s, %ld flows on the "
           "switch\n", ofctl, bench_count_flows());
    printf("sfc install, median of %d rounds: driver %.3f s (goal <= 1 s), "
           "ovs-ofctl %.3f s, ratio %.1fx (goal >= 10x)\n",
           rounds, median, ofctl, ofctl / median);
    sdn->class->close(sdn);
    slc_ovs_switch_stop(sw, &err);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    bench_sh("%s", cmd);
    for (size_t i = 0; i < n; i++) {
        json_decref(progs[i]);
    }
    event_base_free(base);
    return 0;
}

/* bench-slice: figures of the slice manager.
 *
 * Starts a slicerd of its own (bench-util.h) with a sim VIM of zero
 * latency and a 3-subnet NST: three transport NSs chained by two ELINE
 * slice networks, with a management ELAN over all three; nothing shared,
 * so every slice makes three NSs and three networks.  Then:
 *   - slice instantiate overhead: slices instantiated one at a time, each
 *     slice operation's own duration as the daemon records it
 *     (statusEnteredTime - startTime); three rounds, medians; beside it
 *     the same for one NS of the same NSD, for the ratio;
 *   - concurrent slice requests: R requests (POST /nsmf/v1/slice_requests,
 *     each its own S-NSSAI, so each admits and makes its own slice) sent
 *     over C connections at once; the total time until every slice
 *     operation completed, how many did, and the daemon's peak resident
 *     memory.
 * Figures only: nothing here passes or fails.
 * usage: bench-slice SLICERD TEMPLATES_DIR [slices per round]
 *                    [requests] [connections] */
#include <curl/curl.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench-util.h"

static struct bench_daemon dmn;

static json_t *
osm(const char *method, const char *path, const char *type,
    const char *body, long *status)
{
    return bench_request(&dmn, dmn.base, method, path, type, body, status);
}

/* Slices (or NSs) instantiated one at a time: the median duration in ms
 * of 'n' of them. */
static double
one_at_a_time(const char *vim, int round, size_t n, bool slice, double *cpu)
{
    double *d = calloc(n, sizeof *d), median, cpu0 = bench_cpu_ms(dmn.pid);

    for (size_t i = 0; i < n; i++) {
        char body[512], path[256];
        long status;
        json_t *r;

        if (slice) {
            snprintf(body, sizeof body,
                     "{\"nsiName\":\"s%d-%zu\",\"nstId\":\"bench-3-subnets\","
                     "\"vimAccountId\":\"%s\"}",
                     round, i, vim);
            r = osm("POST", "/nsilcm/v1/netslice_instances_content",
                    "application/json", body, &status);
            snprintf(path, sizeof path, "/nsilcm/v1/nsi_lcm_op_occs/%s",
                     json_string_value(json_object_get(r, "nsilcmop_id")));
        } else {
            snprintf(body, sizeof body,
                     "{\"nsName\":\"n%d-%zu\",\"nsdId\":"
                     "\"slicer-transport-ns\",\"vimAccountId\":\"%s\"}",
                     round, i, vim);
            r = osm("POST", "/nslcm/v1/ns_instances_content",
                    "application/json", body, &status);
            snprintf(path, sizeof path, "/nslcm/v1/ns_lcm_op_occs/%s",
                     json_string_value(json_object_get(r, "nslcmop_id")));
        }
        if (status != 201) {
            fprintf(stderr, "bench-slice: create answered %ld\n", status);
            exit(1);
        }
        json_decref(r);
        d[i] = bench_wait_op(&dmn, path, slice ? 20000 : 5000,
                       slice ? "statusEnteredTime" : "endTime");
    }
    median = bench_pct(d, n, 0.5);
    *cpu = (bench_cpu_ms(dmn.pid) - cpu0) / n;
    free(d);
    return median;
}

/* 'total' slice requests over 'conns' connections at once; their
 * operation ids go to 'ops'.  Returns how many were accepted (202). */
static size_t
request_all(const char *vim, size_t total, int conns, json_t *ops)
{
    struct bench_call *calls = calloc(total, sizeof *calls);
    char **bodies = calloc(total, sizeof *bodies);
    size_t accepted = 0, refused = 0;

    for (size_t i = 0; i < total; i++) {
        char name[32], sd[16];
        json_t *body;

        snprintf(name, sizeof name, "r%zu", i);
        snprintf(sd, sizeof sd, "%06zx", i + 16);
        body = json_pack("{ss ss s{s[{si ss}] si}}", "name", name,
                         "vimAccountId", vim, "serviceProfile", "sNSSAIList",
                         "sst", 1, "sd", sd, "latency", 1000);
        bodies[i] = json_dumps(body, JSON_COMPACT);
        json_decref(body);
        calls[i] = (struct bench_call){.method = "POST", .body = bodies[i]};
        snprintf(calls[i].path, sizeof calls[i].path,
                 "/nsmf/v1/slice_requests");
    }
    bench_parallel(&dmn, dmn.root, calls, total, conns);
    for (size_t i = 0; i < total; i++) {
        if (calls[i].status == 202) {
            json_array_append(ops,
                              json_object_get(calls[i].reply, "nsilcmopId"));
            accepted++;
        } else if (!refused++) {
            char *text = json_dumps(calls[i].reply, JSON_COMPACT);

            fprintf(stderr, "bench-slice: a request answered %ld: %s\n",
                    calls[i].status, text ? text : "");
            free(text);
        }
        json_decref(calls[i].reply);
        free(bodies[i]);
    }
    free(calls);
    free(bodies);
    return accepted;
}

int
main(int argc, char **argv)
{
    size_t n = argc > 3 ? strtoul(argv[3], NULL, 10) : 30;
    size_t total = argc > 4 ? strtoul(argv[4], NULL, 10) : 1000;
    int conns = argc > 5 ? atoi(argv[5]) : 32;
    double slice_ms[3], ns_ms[3], t0, secs, cpu0, cpu;
    json_t *r, *ops = json_array();
    const json_t *op;
    char vim[64];
    size_t i, completed = 0;
    long status;
    bool reset;

    if (argc < 3) {
        fprintf(stderr, "usage: bench-slice SLICERD TEMPLATES [slices per "
                        "round] [requests] [connections]\n");
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    bench_start(&dmn, argv[1], NULL);
    bench_onboard(&dmn, argv[2], "vnfd/router_vnfd.yaml",
                  "/vnfpkgm/v1/vnf_packages_content");
    bench_onboard(&dmn, argv[2], "nsd/transport_nsd.yaml",
                  "/nsd/v1/ns_descriptors_content");
    json_decref(osm("POST", "/nst/v1/netslice_templates_content",
                    "application/yaml", bench_nst_3_subnets, &status));
    if (status != 201) {
        fprintf(stderr, "bench-slice: onboarding the NST answered %ld\n",
                status);
        return 1;
    }
    r = osm("POST", "/admin/v1/vim_accounts", "application/json",
            "{\"name\":\"sim0\",\"vim_type\":\"sim\",\"vim_url\":\"x\","
            "\"config\":{\"sim\":{\"local\":true,\"capacity\":{\"vcpus\":10000000,"
            "\"ram_mb\":10000000000}}}}",
            &status);
    snprintf(vim, sizeof vim, "%s",
             json_string_value(json_object_get(r, "id")));
    json_decref(r);

    for (int round = 0; round < 3; round++) {
        double slice_cpu, ns_cpu;

        slice_ms[round] = one_at_a_time(vim, round, n, true, &slice_cpu);
        ns_ms[round] = one_at_a_time(vim, round, n, false, &ns_cpu);
        printf("round %d, one at a time on sim (0 ms latency): slice of 3 "
               "subnets %.3f ms, one NS %.3f ms (medians of %zu); slicerd "
               "CPU per slice %.2f ms, per NS %.2f ms (requests and polls "
               "included)\n",
               round + 1, slice_ms[round], ns_ms[round], n, slice_cpu,
               ns_cpu);
    }
    {
        double s = bench_pct(slice_ms, 3, 0.5), one = bench_pct(ns_ms, 3, 0.5);

        printf("slice instantiate (3 subnets, 3 slice networks), median of "
               "3 rounds: %.3f ms; one NS %.3f ms; slice / 3 NSs = %.2f\n",
               s, one, s / (3 * one));
    }
    printf("slicerd memory after %zu slices: VmRSS %ld kB, VmHWM %ld kB\n",
           3 * n, bench_status_kb(dmn.pid, "VmRSS"),
           bench_status_kb(dmn.pid, "VmHWM"));
    /* the peak until now is mostly the login's password hash (yescrypt's
     * working set): the round's own peak is read from here */
    reset = bench_reset_peak(dmn.pid);

    t0 = bench_now();
    cpu0 = bench_cpu_ms(dmn.pid);
    i = request_all(vim, total, conns, ops);
    printf("%zu concurrent slice requests over %d connections: %zu "
           "accepted (202) in %.2f s\n",
           total, conns, i, bench_now() - t0);
    json_array_foreach(ops, i, op)
    {
        char path[256];

        snprintf(path, sizeof path, "/nsilcm/v1/nsi_lcm_op_occs/%s",
                 json_string_value(op));
        completed += bench_wait_op(&dmn, path, 0, "statusEnteredTime") >= 0;
    }
    secs = bench_now() - t0;
    printf("%zu concurrent slice requests: %zu slices COMPLETED (%zu NSs) "
           "in %.2f s from the first request to the last completion "
           "(%.1f slices/s)\n",
           total, completed, 3 * completed, secs, (double)completed / secs);
    /* the daemon's own time, less noisy than the wall clock's on a shared
     * machine: what a slice costs it, polls for completion included */
    cpu = bench_cpu_ms(dmn.pid) - cpu0;
    printf("slicerd CPU in the concurrent round: %.2f ms per slice, busy "
           "%.0f%% of the round\n",
           cpu / (completed ? completed : 1), cpu / (secs * 10));
    printf("slicerd memory: VmRSS %ld kB, peak (VmHWM) %ld kB%s\n",
           bench_status_kb(dmn.pid, "VmRSS"),
           bench_status_kb(dmn.pid, "VmHWM"),
           reset ? " during the concurrent round"
                 : " (since its start: cannot reset the peak)");
    bench_stop(&dmn);
    json_decref(ops);
    curl_global_cleanup();
    return 0;
}

/* bench-waves: does slicerd give memory back?  Runs W waves (default 10)
 * of N NSs (default 200) on a sim VIM with no latency: create them all,
 * instantiate them all at once, terminate them all, delete them, and
 * prints the daemon's resident memory (VmRSS) after each wave, when no NS
 * is left.  A daemon that holds nothing per finished NS stays flat: the
 * goal is RSS after the last wave within 20% of RSS after the first.
 * Figures only: nothing here passes or fails.
 * The NS is the 5G core of templates/ (one VNF, four VDUs, three VLs).
 * usage: bench-waves SLICERD TEMPLATES_DIR [waves] [NSs per wave] */
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench-util.h"

static struct bench_daemon dmn;

#define CONNS 32 /* clients at once */

static json_t *
request(const char *method, const char *path, const char *body,
        long *status)
{
    return bench_request(&dmn, dmn.base, method, path,
                         body ? "application/json" : NULL, body, status);
}

/* POSTs 'body' to 'path', expecting 'want'; returns the reply's "id"
 * (caller frees), or exits. */
static char *
post_id(const char *path, const char *body, long want)
{
    long status = 0;
    json_t *r = request("POST", path, body, &status);
    const char *id = json_string_value(json_object_get(r, "id"));
    char *out;

    if (status != want || !id) {
        fprintf(stderr, "bench-waves: POST %s answered %ld\n", path, status);
        exit(1);
    }
    out = strdup(id);
    json_decref(r);
    return out;
}

/* Sends the batch at once; every reply must be 'want'.  With 'ids',
 * stores each reply's 'key' there (caller frees). */
static void
batch(struct bench_call *calls, size_t n, long want, const char *key,
      char **ids)
{
    bench_parallel(&dmn, dmn.base, calls, n, CONNS);
    for (size_t i = 0; i < n; i++) {
        const char *id = json_string_value(json_object_get(calls[i].reply,
                                                           key ? key : ""));

        if (calls[i].status != want || (ids && !id)) {
            fprintf(stderr, "bench-waves: %s %s answered %ld\n",
                    calls[i].method, calls[i].path, calls[i].status);
            exit(1);
        }
        if (ids) {
            ids[i] = strdup(id);
        }
        json_decref(calls[i].reply);
        calls[i].reply = NULL;
    }
}

/* Polls the operations 'ops' (as OSM's client does) until every one is
 * final; each must be COMPLETED.  Frees the ids. */
static void
wait_all(struct bench_call *calls, char **ops, size_t n)
{
    size_t left = n;

    while (left) {
        size_t k = 0;

        usleep(20000);
        for (size_t i = 0; i < n; i++) {
            if (ops[i]) {
                calls[k] = (struct bench_call){.method = "GET"};
                snprintf(calls[k++].path, sizeof calls->path,
                         "/nslcm/v1/ns_lcm_op_occs/%s", ops[i]);
            }
        }
        bench_parallel(&dmn, dmn.base, calls, k, CONNS);
        for (size_t i = 0, j = 0; i < n; i++) {
            const char *st;

            if (!ops[i]) {
                continue;
            }
            st = json_string_value(
                json_object_get(calls[j].reply, "operationState"));
            if (st && strcmp(st, "PROCESSING")) {
                if (strcmp(st, "COMPLETED")) {
                    fprintf(stderr, "bench-waves: operation %s ended %s\n",
                            ops[i], st);
                    exit(1);
                }
                free(ops[i]);
                ops[i] = NULL;
                left--;
            }
            json_decref(calls[j++].reply);
        }
    }
}

/* One wave: n NSs created, instantiated, terminated and deleted, each
 * step as n requests at once over CONNS connections. */
static void
wave(const char *vim, size_t n, int k)
{
    struct bench_call *calls = calloc(n, sizeof *calls);
    char **ns = calloc(n, sizeof *ns), **ops = calloc(n, sizeof *ops);
    char (*bodies)[256] = calloc(n, sizeof *bodies);
    static const char *const steps[] = {"instantiate", "terminate"};

    for (size_t i = 0; i < n; i++) {
        snprintf(bodies[i], sizeof bodies[i],
                 "{\"nsName\":\"w%d-%zu\",\"nsdId\":\"slicer-core-ns\","
                 "\"vimAccountId\":\"%s\"}",
                 k, i, vim);
        calls[i] = (struct bench_call){.method = "POST", .body = bodies[i]};
        snprintf(calls[i].path, sizeof calls[i].path,
                 "/nslcm/v1/ns_instances");
    }
    batch(calls, n, 201, "id", ns);
    for (size_t s = 0; s < 2; s++) {
        for (size_t i = 0; i < n; i++) {
            calls[i] = (struct bench_call){.method = "POST", .body = "{}"};
            snprintf(calls[i].path, sizeof calls[i].path,
                     "/nslcm/v1/ns_instances/%s/%s", ns[i], steps[s]);
        }
        batch(calls, n, 202, "id", ops);
        wait_all(calls, ops, n);
    }
    for (size_t i = 0; i < n; i++) {
        calls[i] = (struct bench_call){.method = "DELETE"};
        snprintf(calls[i].path, sizeof calls[i].path,
                 "/nslcm/v1/ns_instances/%s", ns[i]);
        free(ns[i]);
    }
    batch(calls, n, 204, NULL, NULL);
    /* what an operator's tools read after a wave: every operation so far
     * (OSM keeps them after their NS is gone) and the NS list */
    size_t lists = n < 2 * CONNS ? n : 2 * CONNS;

    for (size_t i = 0; i < lists; i++) {
        calls[i] = (struct bench_call){.method = "GET"};
        snprintf(calls[i].path, sizeof calls[i].path, "%s",
                 i % 2 ? "/nslcm/v1/ns_instances"
                       : "/nslcm/v1/ns_lcm_op_occs");
    }
    batch(calls, lists, 200, NULL, NULL);
    free(calls);
    free(ns);
    free(ops);
    free(bodies);
}

int
main(int argc, char **argv)
{
    int waves = argc > 3 ? atoi(argv[3]) : 10;
    size_t n = argc > 4 ? strtoul(argv[4], NULL, 10) : 200;
    long rss[64] = {0};
    char *vim;

    if (argc < 3 || waves < 1 || waves > 64 || !n) {
        fprintf(stderr, "usage: bench-waves SLICERD TEMPLATES [waves (1-64)] "
                        "[NSs per wave]\n");
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    bench_start(&dmn, argv[1], NULL);
    bench_onboard(&dmn, argv[2], "vnfd/core_vnfd.yaml",
                  "/vnfpkgm/v1/vnf_packages_content");
    bench_onboard(&dmn, argv[2], "nsd/core_nsd.yaml",
                  "/nsd/v1/ns_descriptors_content");
    vim = post_id("/admin/v1/vim_accounts",
                  "{\"name\":\"sim0\",\"vim_type\":\"sim\",\"vim_url\":\"x\","
                  "\"config\":{\"sim\":{\"capacity\":{\"vcpus\":100000,"
                  "\"ram_mb\":100000000}}}}",
                  201);
    printf("slicerd memory before the first wave: VmRSS %ld kB\n",
           bench_status_kb(dmn.pid, "VmRSS"));
    for (int k = 0; k < waves; k++) {
        double t0 = bench_now();

        wave(vim, n, k);
        rss[k] = bench_status_kb(dmn.pid, "VmRSS");
        printf("wave %2d: %zu NSs created, instantiated, terminated, deleted "
               "in %.1f s; VmRSS %ld kB\n",
               k + 1, n, bench_now() - t0, rss[k]);
        fflush(stdout);
    }
    printf("VmRSS after wave %d / after wave 1: %.2f (goal <= 1.20); peak "
           "VmHWM %ld kB\n",
           waves, (double)rss[waves - 1] / (double)rss[0],
           bench_status_kb(dmn.pid, "VmHWM"));
    free(vim);
    bench_stop(&dmn);
    curl_global_cleanup();
    return 0;
}

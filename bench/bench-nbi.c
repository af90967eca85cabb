/* bench-nbi: figures of slicerd's NBI.
 *
 * Starts a slicerd (the binary given) on a free loopback port with a fresh
 * state directory, stores N NS records (default 10,000), then measures:
 *   - GET throughput and latency: C keep-alive connections (curl multi)
 *     fetching random NS records, several rounds; requests/s and p50/p99;
 *   - orchestration overhead: NS instantiations on a sim VIM with zero
 *     latency, each operation's own duration (endTime - startTime as the
 *     daemon records it), median;
 *   - the daemon's resident memory (VmRSS, VmHWM) with the records stored.
 * Figures only: nothing here passes or fails.
 * usage: bench-nbi SLICERD TEMPLATES_DIR [records] [connections] */
#include <curl/curl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench-util.h"

static struct bench_daemon dmn; /* the daemon under test */

/* One synchronous request to the NBI; returns the JSON reply (or
 * NULL). */
static json_t *
request(const char *method, const char *path, const char *type,
        const char *body, long *status)
{
    return bench_request(&dmn, dmn.base, method, path, type, body, status);
}

static size_t
count_bytes(char *p, size_t size, size_t n, void *arg)
{
    (void)p;
    *(size_t *)arg += size * n;
    return size * n;
}

static size_t
saw_next(char *line, size_t size, size_t n, void *arg)
{
    if (n * size > 5 && !strncasecmp(line, "Link:", 5) &&
        memmem(line, n * size, "rel=\"next\"", 10)) {
        *(int *)arg = 1;
    }
    return size * n;
}

/* The first page of the NS list, 'rounds' times: the server's time to
 * its first byte (it writes the page whole), medians in ms; the page's
 * size and whether a next page is linked. */
static void
list_first_page(int rounds)
{
    CURL *h = curl_easy_init();
    struct curl_slist *hd = curl_slist_append(NULL, dmn.auth);
    double *ttfb = calloc((size_t)rounds, sizeof *ttfb);
    double *total = calloc((size_t)rounds, sizeof *total);
    char url[512];
    size_t bytes = 0;
    int next = 0;

    hd = curl_slist_append(hd, "Accept: application/json");
    snprintf(url, sizeof url, "%s/nslcm/v1/ns_instances", dmn.base);
    for (int i = 0; i < rounds; i++) {
        bytes = 0;
        next = 0;
        curl_easy_reset(h);
        curl_easy_setopt(h, CURLOPT_URL, url);
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, count_bytes);
        curl_easy_setopt(h, CURLOPT_WRITEDATA, &bytes);
        curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, saw_next);
        curl_easy_setopt(h, CURLOPT_HEADERDATA, &next);
        curl_easy_perform(h);
        curl_easy_getinfo(h, CURLINFO_STARTTRANSFER_TIME, &ttfb[i]);
        curl_easy_getinfo(h, CURLINFO_TOTAL_TIME, &total[i]);
        ttfb[i] *= 1000;
        total[i] *= 1000;
    }
    printf("list of NS records, first page: %.2f ms to its first byte, "
           "%.2f ms whole (medians of %d); %zu bytes, %s\n",
           bench_pct(ttfb, (size_t)rounds, 0.5),
           bench_pct(total, (size_t)rounds, 0.5), rounds, bytes,
           next ? "a next page linked" : "no next page");
    free(ttfb);
    free(total);
    curl_slist_free_all(hd);
    curl_easy_cleanup(h);
}

/* Starts instantiating an NS; returns its operation's id (caller frees). */
static char *
instantiate(const char *ns_id)
{
    char path[256];
    long status = 0;
    json_t *r;
    char *op_id;

    snprintf(path, sizeof path, "/nslcm/v1/ns_instances/%s/instantiate",
             ns_id);
    r = request("POST", path, "application/json", "{}", &status);
    if (status != 202 || !json_string_value(json_object_get(r, "id"))) {
        fprintf(stderr, "bench-nbi: instantiate answered %ld\n", status);
        exit(1);
    }
    op_id = strdup(json_string_value(json_object_get(r, "id")));
    json_decref(r);
    return op_id;
}

/* Waits for an operation to end (polling it as OSM's client does, first
 * after 'first_us' so that polls do not land in the middle of a short
 * operation); frees 'op_id'.  Returns its duration in ms as the daemon
 * recorded it (endTime - startTime). */
static double
wait_op(char *op_id, unsigned first_us)
{
    char path[256];
    double ms;

    snprintf(path, sizeof path, "/nslcm/v1/ns_lcm_op_occs/%s", op_id);
    free(op_id);
    ms = bench_wait_op(&dmn, path, first_us, "endTime");
    if (ms < 0) {
        exit(1);
    }
    return ms;
}

int
main(int argc, char **argv)
{
    size_t records = argc > 3 ? strtoul(argv[3], NULL, 10) : 10000;
    int conns = argc > 4 ? atoi(argv[4]) : 8;
    json_t *ids = json_array(), *r;
    long status = 0;
    double t0;

    if (argc < 3) {
        fprintf(stderr, "usage: bench-nbi SLICERD TEMPLATES [records] "
                        "[connections]\n");
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    bench_start(&dmn, argv[1], NULL);
    bench_onboard(&dmn, argv[2], "vnfd/router_vnfd.yaml",
                  "/vnfpkgm/v1/vnf_packages_content");
    bench_onboard(&dmn, argv[2], "nsd/transport_nsd.yaml",
                  "/nsd/v1/ns_descriptors_content");
    r = request("POST", "/admin/v1/vim_accounts", "application/json",
                "{\"name\":\"sim0\",\"vim_type\":\"sim\",\"vim_url\":\"x\","
                "\"config\":{\"sim\":{\"local\":true,\"capacity\":{\"vcpus\":100000,"
                "\"ram_mb\":100000000}}}}",
                &status);
    {
        char body[512];
        const char *vim = json_string_value(json_object_get(r, "id"));

        t0 = bench_now();
        for (size_t i = 0; i < records; i++) {
            json_t *ns;

            snprintf(body, sizeof body,
                     "{\"nsName\":\"ns%zu\",\"nsdId\":"
                     "\"slicer-transport-ns\",\"vimAccountId\":\"%s\"}",
                     i, vim);
            ns = request("POST", "/nslcm/v1/ns_instances",
                         "application/json", body, &status);
            if (status != 201) {
                fprintf(stderr, "bench-nbi: create answered %ld\n", status);
                return 1;
            }
            json_array_append(ids, json_object_get(ns, "id"));
            json_decref(ns);
        }
        printf("stored %zu NS records in %.1f s (%.0f creates/s)\n", records,
               bench_now() - t0, (double)records / (bench_now() - t0));
    }
    json_decref(r);
    {
        double rates[5], p50s[5], p99s[5], cpus[5];

        for (int round = 0; round < 5; round++) {
            double cpu0 = bench_cpu_ms(dmn.pid);

            rates[round] = bench_get_round(&dmn, ids, 20000, conns, &p50s[round],
                                     &p99s[round]);
            /* the daemon's own cost, steadier than a rate on a shared
             * machine: the client runs on the same two cores */
            cpus[round] = (bench_cpu_ms(dmn.pid) - cpu0) * 1000.0 / 20000;
            printf("GET round %d: %.0f req/s, p50 %.2f ms, p99 %.2f ms "
                   "(%d connections); slicerd CPU %.1f us per GET\n",
                   round + 1, rates[round], p50s[round], p99s[round], conns,
                   cpus[round]);
        }
        printf("GET median of 5 rounds: %.0f req/s, p50 %.2f ms, p99 %.2f "
               "ms, slicerd CPU %.1f us per GET\n",
               bench_pct(rates, 5, 0.5), bench_pct(p50s, 5, 0.5),
               bench_pct(p99s, 5, 0.5), bench_pct(cpus, 5, 0.5));
    }
    printf("slicerd memory with %zu records: VmRSS %ld kB, VmHWM %ld kB\n",
           records, bench_status_kb(dmn.pid, "VmRSS"), bench_status_kb(dmn.pid, "VmHWM"));
    list_first_page(11);
    {
        size_t n = records < 300 ? records : 300;
        double *d = calloc(n, sizeof *d);
        char **ops = calloc(n, sizeof *ops);
        double batch, medians[3];

        /* One at a time: each operation's own duration; three rounds. */
        for (int round = 0; round < 3; round++) {
            for (size_t i = 0; i < n / 3; i++) {
                size_t k = round * (n / 3) + i;

                d[i] = wait_op(
                    instantiate(json_string_value(json_array_get(ids, k))),
                    5000);
            }
            medians[round] = bench_pct(d, n / 3, 0.5);
            printf("instantiate on sim (0 ms latency), %zu NS of 7 steps "
                   "one after another, round %d: operation duration median "
                   "%.3f ms, p90 %.3f ms\n",
                   n / 3, round + 1, medians[round], bench_pct(d, n / 3, 0.9));
        }
        printf("instantiate one after another: median of 3 rounds %.3f "
               "ms\n",
               bench_pct(medians, 3, 0.5));
        /* All at once: the daemon's time per NS when they share it. */
        t0 = bench_now();
        for (size_t i = 0; i < n && n + i < records; i++) {
            ops[i] = instantiate(
                json_string_value(json_array_get(ids, n + i)));
        }
        for (size_t i = 0; i < n && n + i < records; i++) {
            wait_op(ops[i], 0);
        }
        batch = bench_now() - t0;
        printf("instantiate on sim, %zu NS at once: %.3f ms per NS "
               "(wall time / NS, requests and polling included)\n",
               n, batch * 1000 / (double)n);
        free(ops);
        free(d);
    }
    printf("slicerd memory at the end: VmRSS %ld kB, VmHWM %ld kB\n",
           bench_status_kb(dmn.pid, "VmRSS"), bench_status_kb(dmn.pid, "VmHWM"));
    bench_stop(&dmn);
    json_decref(ids);
    curl_global_cleanup();
    return 0;
}

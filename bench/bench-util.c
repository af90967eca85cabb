/* What the benchmarks share.  See bench-util.h. */
#include <curl/curl.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench-util.h"
#include "slc-file.h"

double
bench_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

size_t
bench_on_data(char *p, size_t size, size_t n, void *arg)
{
    struct bench_buf *b = arg;
    char *nd = realloc(b->data, b->len + size * n + 1);

    if (!nd) {
        return 0;
    }
    b->data = nd;
    memcpy(b->data + b->len, p, size * n);
    b->len += size * n;
    b->data[b->len] = '\0';
    return size * n;
}

json_t *
bench_request(const struct bench_daemon *d, const char *prefix,
              const char *method, const char *path, const char *type,
              const char *body, long *status)
{
    CURL *h = curl_easy_init();
    struct curl_slist *hd = NULL;
    struct bench_buf b = {0};
    char url[768], ct[128];
    json_t *out = NULL;

    *status = 0;
    snprintf(url, sizeof url, "%s%s", prefix, path);
    hd = curl_slist_append(hd, "Accept: application/json");
    if (d->auth[0]) {
        hd = curl_slist_append(hd, d->auth);
    }
    if (body) {
        snprintf(ct, sizeof ct, "Content-Type: %s", type);
        hd = curl_slist_append(hd, ct);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    }
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, bench_on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    if (curl_easy_perform(h) == CURLE_OK) {
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
        out = b.data ? json_loads(b.data, 0, NULL) : NULL;
    }
    free(b.data);
    curl_slist_free_all(hd);
    curl_easy_cleanup(h);
    return out;
}

/* Frees a batch's multi handle, its 'conns' easy handles (NULL ones
 * skipped) and reply buffers, and its header list. */
static void
free_conns(CURLM *m, CURL **hs, struct bench_buf *bufs, int conns,
           struct curl_slist *hd)
{
    for (int i = 0; i < conns; i++) {
        if (hs[i]) {
            curl_easy_cleanup(hs[i]);
        }
        free(bufs[i].data);
    }
    curl_multi_cleanup(m);
    curl_slist_free_all(hd);
    free(hs);
    free(bufs);
}

void
bench_parallel(const struct bench_daemon *d, const char *prefix,
               struct bench_call *calls, size_t n, int conns)
{
    CURLM *m = curl_multi_init();
    CURL **hs = calloc((size_t)conns, sizeof *hs);
    struct bench_buf *bufs = calloc((size_t)conns, sizeof *bufs);
    size_t *which = calloc((size_t)conns, sizeof *which);
    struct curl_slist *hd = NULL;
    size_t next = 0, done = 0;
    char url[768];
    int running;

    hd = curl_slist_append(hd, "Accept: application/json");
    hd = curl_slist_append(hd, "Content-Type: application/json");
    hd = curl_slist_append(hd, d->auth);
    for (int i = 0; i < conns; i++) {
        hs[i] = curl_easy_init();
        curl_easy_setopt(hs[i], CURLOPT_HTTPHEADER, hd);
        curl_easy_setopt(hs[i], CURLOPT_WRITEFUNCTION, bench_on_data);
        curl_easy_setopt(hs[i], CURLOPT_WRITEDATA, &bufs[i]);
        which[i] = SIZE_MAX;
    }
    while (done < n) {
        CURLMsg *msg;
        int left;

        for (int i = 0; i < conns && next < n; i++) {
            if (which[i] != SIZE_MAX) {
                continue;
            }
            which[i] = next;
            snprintf(url, sizeof url, "%s%s", prefix, calls[next].path);
            curl_easy_setopt(hs[i], CURLOPT_URL, url);
            curl_easy_setopt(hs[i], CURLOPT_CUSTOMREQUEST,
                             calls[next].method);
            if (calls[next].body) {
                curl_easy_setopt(hs[i], CURLOPT_POSTFIELDS, calls[next].body);
            } else {
                curl_easy_setopt(hs[i], CURLOPT_POSTFIELDS, NULL);
                curl_easy_setopt(hs[i], CURLOPT_HTTPGET, 1L);
                curl_easy_setopt(hs[i], CURLOPT_CUSTOMREQUEST,
                                 calls[next].method);
            }
            bufs[i].len = 0;
            curl_multi_add_handle(m, hs[i]);
            next++;
        }
        curl_multi_perform(m, &running);
        while ((msg = curl_multi_info_read(m, &left))) {
            int i = 0;
            struct bench_call *c;

            while (hs[i] != msg->easy_handle) {
                i++;
            }
            c = &calls[which[i]];
            c->status = 0;
            if (msg->data.result == CURLE_OK) {
                curl_easy_getinfo(hs[i], CURLINFO_RESPONSE_CODE, &c->status);
            }
            c->reply = bufs[i].len ? json_loads(bufs[i].data, 0, NULL) : NULL;
            curl_multi_remove_handle(m, hs[i]);
            which[i] = SIZE_MAX;
            done++;
        }
        if (done < n) {
            curl_multi_poll(m, NULL, 0, 100, NULL);
        }
    }
    free_conns(m, hs, bufs, conns, hd);
    free(which);
}

void
bench_onboard(const struct bench_daemon *d, const char *templates,
              const char *file, const char *url)
{
    char path[512];
    char *text;
    long status;

    snprintf(path, sizeof path, "%s/%s", templates, file);
    text = bench_slurp(path);
    json_decref(bench_request(d, d->base, "POST", url, "application/yaml",
                              text, &status));
    free(text);
    if (status != 201) {
        fprintf(stderr, "bench: onboarding %s answered %ld\n", file, status);
        exit(1);
    }
}

char *
bench_slurp(const char *path)
{
    struct slc_error err;
    char *buf;
    size_t size;

    if (slc_read_file(path, 16u << 20, &buf, &size, &err)) {
        fprintf(stderr, "bench: %s\n", err.msg);
        exit(1);
    }
    return buf;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

double
bench_pct(double *v, size_t n, double p)
{
    qsort(v, n, sizeof *v, cmp_double);
    return v[(size_t)(p * (double)(n - 1))];
}

long
bench_status_kb(pid_t pid, const char *key)
{
    char path[64], line[256];
    long kb = -1;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f)) {
        if (!strncmp(line, key, strlen(key))) {
            kb = strtol(line + strlen(key) + 1, NULL, 10);
        }
    }
    if (f) {
        fclose(f);
    }
    return kb;
}

double
bench_cpu_ms(pid_t pid)
{
    char path[64], buf[1024], *p;
    unsigned long utime, stime;
    FILE *f;
    size_t n;

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if (!(f = fopen(path, "r"))) {
        return -1;
    }
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* fields 14 and 15, counted after the command's closing parenthesis
     * (the command itself may hold spaces) */
    if (!(p = strrchr(buf, ')')) ||
        sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
               &utime, &stime) != 2) {
        return -1;
    }
    return (utime + stime) * 1000.0 / sysconf(_SC_CLK_TCK);
}

bool
bench_reset_peak(pid_t pid)
{
    char path[64];
    FILE *f;
    bool ok;

    snprintf(path, sizeof path, "/proc/%d/clear_refs", (int)pid);
    f = fopen(path, "w");
    ok = f && fputs("5", f) >= 0;
    if (f) {
        ok &= fclose(f) == 0;
    }
    return ok;
}

void
bench_prepare(struct bench_daemon *d, const char *log_level,
              const char *extra_cfg)
{
    char path[512];
    FILE *f;

    *d = (struct bench_daemon){0};
    snprintf(d->dir, sizeof d->dir, "/tmp/bench-slicer-XXXXXX");
    if (!mkdtemp(d->dir)) {
        perror("bench: mkdtemp");
        exit(1);
    }
    snprintf(path, sizeof path, "%s/slicerd.yaml", d->dir);
    f = fopen(path, "w");
    if (!f) {
        perror("bench: config");
        exit(1);
    }
    /* plain HTTP: the benchmarks' clients speak it on raw sockets, and
     * they measure the API behind the edge, not TLS */
    fprintf(f,
            "port: 0\nport_file: %s/port\nstate_dir: %s/state\n"
            "admin_password: bench\nlog_level: %s\ntls: off\n%s\n",
            d->dir, d->dir, log_level, extra_cfg ? extra_cfg : "");
    fclose(f);
}

void
bench_launch(struct bench_daemon *d, const char *slicerd, const char *log)
{
    char path[512], cfg[512];

    snprintf(path, sizeof path, "%s/port", d->dir);
    snprintf(cfg, sizeof cfg, "%s/slicerd.yaml", d->dir);
    unlink(path);
    fflush(NULL);
    d->pid = fork();
    if (d->pid == 0) {
        int fd = log ? open(log, O_WRONLY | O_CREAT | O_APPEND, 0644) : -1;

        if (log && (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)) {
            _exit(126);
        }
        execl(slicerd, slicerd, "-c", cfg, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 500; i++) {
        struct stat st;

        if (!stat(path, &st) && st.st_size > 0) {
            char *port = bench_slurp(path);

            snprintf(d->root, sizeof d->root, "http://127.0.0.1:%d",
                     atoi(port));
            snprintf(d->base, sizeof d->base, "%s/osm", d->root);
            free(port);
            return;
        }
        if (waitpid(d->pid, NULL, WNOHANG) == d->pid) {
            d->pid = 0; /* it exited */
            break;
        }
        usleep(20000);
    }
    fprintf(stderr, "bench: %s did not start (its output: %s)\n", slicerd,
            log ? log : "above");
    if (d->pid > 0) { /* still starting after 10 s: not left behind */
        kill(d->pid, SIGKILL);
        waitpid(d->pid, NULL, 0);
    }
    d->pid = 0;
    exit(1);
}

void
bench_start(struct bench_daemon *d, const char *slicerd,
            const char *extra_cfg)
{
    json_t *r;
    long status;

    /* BENCH_STORE=etcd://HOST:PORT/PREFIX: the same figures with the
     * store there, under a prefix of this daemon's own (its directory's
     * suffix, added once the directory is made) */
    bench_prepare(d, "warn", extra_cfg);
    if (getenv("BENCH_STORE")) {
        char path[512];
        FILE *f;

        snprintf(path, sizeof path, "%s/slicerd.yaml", d->dir);
        f = fopen(path, "a");
        if (!f) {
            perror("bench: config");
            exit(1);
        }
        fprintf(f, "store: %s%s\n", getenv("BENCH_STORE"),
                strrchr(d->dir, '-'));
        fclose(f);
    }
    bench_launch(d, slicerd, NULL);
    r = bench_request(d, d->base, "POST", "/admin/v1/tokens",
                      "application/json",
                      "{\"username\":\"admin\",\"password\":\"bench\"}",
                      &status);
    if (status != 200 && status != 201) {
        fprintf(stderr, "bench: login answered %ld\n", status);
        exit(1);
    }
    snprintf(d->auth, sizeof d->auth, "Authorization: Bearer %s",
             json_string_value(json_object_get(r, "id")));
    json_decref(r);
}

void
bench_stop(struct bench_daemon *d)
{
    char cmd[200];

    kill(d->pid, SIGTERM);
    waitpid(d->pid, NULL, 0);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", d->dir);
    if (system(cmd)) {
        fprintf(stderr, "bench: could not remove %s\n", d->dir);
    }
}

const char bench_nst_3_subnets[] =
    "nst:\n"
    "  - id: bench-3-subnets\n"
    "    name: bench-3-subnets\n"
    "    SNSSAI-identifier: {slice-service-type: eMBB}\n"
    "    quality-of-service: {id: 9, resource-type: non-GBR,\n"
    "                         priority-level: 90, packet-delay-budget: 300}\n"
    "    netslice-subnet:\n"
    "      - {id: a, is-shared-nss: false, nsd-ref: slicer-transport-ns}\n"
    "      - {id: b, is-shared-nss: false, nsd-ref: slicer-transport-ns}\n"
    "      - {id: c, is-shared-nss: false, nsd-ref: slicer-transport-ns}\n"
    "    netslice-vld:\n"
    "      - id: mgmt\n"
    "        name: mgmt\n"
    "        type: ELAN\n"
    "        mgmt-network: true\n"
    "        nss-connection-point-ref:\n"
    "          - {nss-ref: a, nsd-connection-point-ref: tn-mgmt}\n"
    "          - {nss-ref: b, nsd-connection-point-ref: tn-mgmt}\n"
    "          - {nss-ref: c, nsd-connection-point-ref: tn-mgmt}\n"
    "      - id: ab\n"
    "        name: ab\n"
    "        type: ELINE\n"
    "        nss-connection-point-ref:\n"
    "          - {nss-ref: a, nsd-connection-point-ref: tn-east}\n"
    "          - {nss-ref: b, nsd-connection-point-ref: tn-west}\n"
    "      - id: bc\n"
    "        name: bc\n"
    "        type: ELINE\n"
    "        nss-connection-point-ref:\n"
    "          - {nss-ref: b, nsd-connection-point-ref: tn-east}\n"
    "          - {nss-ref: c, nsd-connection-point-ref: tn-west}\n";

/* Points 'h' at a random NS record of 'ids' at 'd'. */
static void
set_random_url(CURL *h, const struct bench_daemon *d, const json_t *ids)
{
    char url[512];

    snprintf(url, sizeof url, "%s/nslcm/v1/ns_instances/%s", d->base,
             json_string_value(json_array_get(
                 ids, (size_t)rand() % json_array_size(ids))));
    curl_easy_setopt(h, CURLOPT_URL, url);
}

double
bench_get_round(const struct bench_daemon *d, const json_t *ids,
                size_t total, int conns, double *p50, double *p99)
{
    CURLM *m = curl_multi_init();
    CURL **hs = calloc((size_t)conns, sizeof *hs);
    struct bench_buf *bufs = calloc((size_t)conns, sizeof *bufs);
    double *lat = calloc(total, sizeof *lat), secs;
    struct curl_slist *hd = NULL;
    size_t started = 0, done = 0;
    double t0 = bench_now();
    int running;

    hd = curl_slist_append(hd, "Accept: application/json");
    hd = curl_slist_append(hd, d->auth);
    for (int i = 0; i < conns && started < total; i++, started++) {
        hs[i] = curl_easy_init();
        set_random_url(hs[i], d, ids);
        curl_easy_setopt(hs[i], CURLOPT_HTTPHEADER, hd);
        curl_easy_setopt(hs[i], CURLOPT_WRITEFUNCTION, bench_on_data);
        curl_easy_setopt(hs[i], CURLOPT_WRITEDATA, &bufs[i]);
        curl_multi_add_handle(m, hs[i]);
    }
    while (done < total) {
        CURLMsg *msg;
        int left;

        curl_multi_perform(m, &running);
        while ((msg = curl_multi_info_read(m, &left))) {
            CURL *h = msg->easy_handle;
            curl_off_t t;
            long status = 0;

            curl_easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &t);
            curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
            if (status != 200) {
                fprintf(stderr, "bench: GET at %s answered %ld\n", d->base,
                        status);
                exit(1);
            }
            lat[done++] = (double)t / 1000.0;
            curl_multi_remove_handle(m, h);
            for (int i = 0; i < conns; i++) {
                if (hs[i] == h) {
                    bufs[i].len = 0;
                }
            }
            if (started < total) {
                set_random_url(h, d, ids);
                curl_multi_add_handle(m, h);
                started++;
            }
        }
        if (done < total) {
            curl_multi_poll(m, NULL, 0, 100, NULL);
        }
    }
    secs = bench_now() - t0;
    *p50 = bench_pct(lat, total, 0.50);
    *p99 = bench_pct(lat, total, 0.99);
    free_conns(m, hs, bufs, conns, hd);
    free(lat);
    return (double)total / secs;
}

double
bench_wait_op(const struct bench_daemon *d, const char *path,
              unsigned first_us, const char *end_key)
{
    usleep(first_us);
    for (;;) {
        long status = 0;
        json_t *op = bench_request(d, d->base, "GET", path, NULL, NULL,
                                   &status);
        const char *st =
            json_string_value(json_object_get(op, "operationState"));

        if (st && strcmp(st, "PROCESSING") && strcmp(st, "ROLLING_BACK")) {
            double ms =
                (json_number_value(json_object_get(op, end_key)) -
                 json_number_value(json_object_get(op, "startTime"))) *
                1000;

            if (strcmp(st, "COMPLETED")) {
                fprintf(stderr, "bench: %s ended %s: %s\n", path, st,
                        json_string_value(
                            json_object_get(op, "detailed-status")));
                ms = -1;
            }
            json_decref(op);
            return ms;
        }
        json_decref(op);
        usleep(1000);
    }
}

/* bench-cluster: figures of three slicerd on one etcd store.
 *
 * Starts three slicerd of its own, instances a, b and c, on the etcd
 * cluster given (a store prefix of their own, cluster_ttl_s 2, each
 * logging at info level to a file in its directory), logs in at a (the
 * token works at all three: they share the store), then measures:
 *   - creates/s: N NS records (default 2,000) created round-robin through
 *     the three, 8 connections each, from three processes at once;
 *   - GET throughput: random NS records over 8 keep-alive connections per
 *     instance, 12,000 a round, against a alone (req/s, p50, p99) and
 *     against the three at once, a third each from three processes (the
 *     sum of their req/s); medians of 3 rounds;
 *   - slice instantiate time on etcd: the 3-subnet NST of bench-slice on a
 *     sim VIM of zero latency, slices one at a time through a, b, c in
 *     turn, each slice operation's duration as the daemon records it
 *     (statusEnteredTime - startTime), median of 10;
 *   - failover time: F times (default 10), a slice instantiated through X
 *     (a, b, c in turn) on a sim VIM of 300 ms latency; while its
 *     operation is PROCESSING, kill -9 of X; the time from the kill to
 *     the first line of a survivor's log saying it resumes that slice
 *     operation or one of its NS operations (the log's timestamp, so it
 *     does not depend on polling); X is then started again under its name
 *     and the slice's operation awaited; each round, the median, and the
 *     median minus the lease's time to live (the lease is renewed every
 *     third of it, so a failover may take less than the TTL).
 * At the end, the error and warning lines of the three logs are counted
 * (error lines copied to stderr).  With BENCH_KEEP set, the daemons'
 * directories (configuration, logs) are kept.
 * Figures only: nothing here passes or fails.
 * usage: bench-cluster SLICERD TEMPLATES_DIR ETCD_MEMBERS [records]
 *                      [failovers]
 * ETCD_MEMBERS: "HOST:PORT,HOST:PORT,..." of an etcd cluster the caller
 * runs. */
#include <curl/curl.h>
#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench-util.h"

#define N_INST 3
#define TTL_S 2        /* cluster_ttl_s of the three */
#define CONNS 8        /* connections per instance */
#define GETS 12000     /* GETs per round: at a alone, or in all */
#define SLICES 10      /* slices for the instantiate time */

/* One slicerd of the cluster. */
struct member {
    struct bench_daemon d; /* pid 0 when not running */
    char name[2];          /* its instance name: "a", "b", "c" */
    char log[128];         /* its stdout and stderr, across restarts */
};

static struct member members[N_INST];
static const char *slicerd_path;
static pid_t main_pid; /* cleanup() runs there, not in its children */

static json_t *
osm(const struct member *m, const char *method, const char *path,
    const char *body, long *status)
{
    return bench_request(&m->d, m->d.base, method, path,
                         body && body[0] == '{' ? "application/json"
                                                : "application/yaml",
                         body, status);
}

/* Writes member 'm''s directory and configuration: store 'store' (the
 * same for the three), instance 'name'.  Exits on failure. */
static void
member_init(struct member *m, const char *name, const char *store)
{
    char cfg[512];

    snprintf(m->name, sizeof m->name, "%s", name);
    snprintf(cfg, sizeof cfg, "store: %s\ninstance: %s\ncluster_ttl_s: %d",
             store, name, TTL_S);
    /* info: the takeover lines are logged at info and warn */
    bench_prepare(&m->d, "info", cfg);
    snprintf(m->log, sizeof m->log, "%s/log", m->d.dir);
}

/* Starts (or starts again) member 'm''s slicerd, its output appended to
 * its log, and waits for its port (it then has joined the cluster).
 * Exits on failure. */
static void
member_start(struct member *m)
{
    bench_launch(&m->d, slicerd_path, m->log);
}

/* Stops member 'm''s slicerd: SIGTERM, SIGKILL after 5 s. */
static void
member_stop(struct member *m)
{
    if (m->d.pid <= 0) {
        return;
    }
    kill(m->d.pid, SIGTERM);
    for (int i = 0; i < 500; i++) {
        if (waitpid(m->d.pid, NULL, WNOHANG) == m->d.pid) {
            m->d.pid = 0;
            return;
        }
        usleep(10000);
    }
    fprintf(stderr, "bench-cluster: slicerd %s ignored SIGTERM: killed\n",
            m->name);
    kill(m->d.pid, SIGKILL);
    waitpid(m->d.pid, NULL, 0);
    m->d.pid = 0;
}

/* Counts the error and warning lines of each log, copies the first
 * error lines to stderr. */
static void
report_logs(void)
{
    printf("slicerd logs:");
    for (int i = 0; i < N_INST; i++) {
        FILE *f = fopen(members[i].log, "r");
        char line[2048];
        int errors = 0, warnings = 0;

        while (f && fgets(line, sizeof line, f)) {
            if (strstr(line, " error ")) {
                if (errors++ < 5) {
                    fprintf(stderr, "bench-cluster: %s's log: %s",
                            members[i].name, line);
                }
            } else if (strstr(line, " warn ")) {
                warnings++;
            }
        }
        if (f) {
            fclose(f);
        }
        printf("%s %s: %d error lines, %d warnings", i ? ";" : "",
               members[i].name, errors, warnings);
    }
    printf("\n");
}

/* At exit, normal or not: the daemons stopped, their directories
 * removed (kept with BENCH_KEEP). */
static void
cleanup(void)
{
    if (getpid() != main_pid) {
        return;
    }
    for (int i = 0; i < N_INST; i++) {
        member_stop(&members[i]);
    }
    for (int i = 0; i < N_INST; i++) {
        char cmd[200];

        if (!members[i].d.dir[0]) {
            continue;
        }
        if (getenv("BENCH_KEEP")) {
            fprintf(stderr, "bench-cluster: kept %s (instance %s)\n",
                    members[i].d.dir, members[i].name);
            continue;
        }
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", members[i].d.dir);
        if (system(cmd)) {
            fprintf(stderr, "bench-cluster: could not remove %s\n",
                    members[i].d.dir);
        }
    }
}

/* Logs in as admin at a; the token goes to the three. */
static void
login(void)
{
    long status;
    json_t *r = osm(&members[0], "POST", "/admin/v1/tokens",
                    "{\"username\":\"admin\",\"password\":\"bench\"}",
                    &status);

    if (status != 200 && status != 201) {
        fprintf(stderr, "bench-cluster: login answered %ld\n", status);
        exit(1);
    }
    for (int i = 0; i < N_INST; i++) {
        snprintf(members[i].d.auth, sizeof members[i].d.auth,
                 "Authorization: Bearer %s",
                 json_string_value(json_object_get(r, "id")));
    }
    json_decref(r);
}

/* Makes a sim VIM account with 'latency_ms'; its id goes to 'id'. */
static void
make_vim(const char *name, int latency_ms, char *id, size_t size)
{
    char body[512];
    long status;
    json_t *r;

    snprintf(body, sizeof body,
             "{\"name\":\"%s\",\"vim_type\":\"sim\",\"vim_url\":\"x\","
             "\"config\":{\"sim\":{\"latency_ms\":%d,\"capacity\":"
             "{\"vcpus\":10000000,\"ram_mb\":10000000000}}}}",
             name, latency_ms);
    r = osm(&members[0], "POST", "/admin/v1/vim_accounts", body, &status);
    if (status != 201 || !json_string_value(json_object_get(r, "id"))) {
        fprintf(stderr, "bench-cluster: VIM account %s answered %ld\n", name,
                status);
        exit(1);
    }
    snprintf(id, size, "%s", json_string_value(json_object_get(r, "id")));
    json_decref(r);
}

/* Runs 'fn' for each member in a child process of its own, all at once,
 * each writing its results to its own file; waits for all.  Returns the
 * wall time in seconds; 'out[i]' is member i's file, rewound (caller
 * closes). */
static double
on_three(void (*fn)(const struct member *m, int i, void *arg, FILE *out),
         void *arg, FILE **out)
{
    pid_t pids[N_INST];
    double t0;

    fflush(NULL);
    for (int i = 0; i < N_INST; i++) {
        out[i] = tmpfile();
        if (!out[i]) {
            perror("bench-cluster: tmpfile");
            exit(1);
        }
    }
    t0 = bench_now();
    for (int i = 0; i < N_INST; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            srand((unsigned)getpid());
            fn(&members[i], i, arg, out[i]);
            fflush(out[i]);
            _exit(0);
        }
    }
    for (int i = 0; i < N_INST; i++) {
        waitpid(pids[i], NULL, 0);
    }
    t0 = bench_now() - t0;
    for (int i = 0; i < N_INST; i++) {
        rewind(out[i]);
    }
    return t0;
}

struct creates {
    size_t records;
    const char *vim;
};

/* In a child: member i's share of the records (every third), created over
 * CONNS connections; writes their ids, or "! STATUS" for a failure. */
static void
create_share(const struct member *m, int i, void *arg, FILE *out)
{
    const struct creates *c = arg;
    size_t n = 0;
    struct bench_call *calls = calloc(c->records, sizeof *calls);
    char **bodies = calloc(c->records, sizeof *bodies);

    for (size_t k = (size_t)i; k < c->records; k += N_INST, n++) {
        bodies[n] = malloc(256);
        snprintf(bodies[n], 256,
                 "{\"nsName\":\"ns%zu\",\"nsdId\":\"slicer-transport-ns\","
                 "\"vimAccountId\":\"%s\"}",
                 k, c->vim);
        calls[n] = (struct bench_call){.method = "POST", .body = bodies[n]};
        snprintf(calls[n].path, sizeof calls[n].path,
                 "/nslcm/v1/ns_instances");
    }
    bench_parallel(&m->d, m->d.base, calls, n, CONNS);
    for (size_t k = 0; k < n; k++) {
        const char *id = json_string_value(json_object_get(calls[k].reply,
                                                           "id"));

        if (calls[k].status == 201 && id) {
            fprintf(out, "%s\n", id);
        } else {
            fprintf(out, "! %ld\n", calls[k].status);
        }
    }
}

/* Creates 'records' NS records through the three; returns their ids. */
static json_t *
create_records(size_t records, const char *vim)
{
    struct creates c = {.records = records, .vim = vim};
    json_t *ids = json_array();
    size_t failed = 0;
    long first_failure = -1;
    FILE *out[N_INST];
    double secs = on_three(create_share, &c, out);

    for (int i = 0; i < N_INST; i++) {
        char line[128];

        while (fgets(line, sizeof line, out[i])) {
            line[strcspn(line, "\n")] = '\0';
            if (line[0] == '!') {
                first_failure = failed++ ? first_failure : atol(line + 2);
            } else {
                json_array_append_new(ids, json_string(line));
            }
        }
        fclose(out[i]);
    }
    printf("created %zu NS records through the 3 instances (round-robin, "
           "%d connections each, at once) in %.2f s: %.0f creates/s\n",
           json_array_size(ids), CONNS, secs,
           (double)json_array_size(ids) / secs);
    if (failed) {
        printf("  %zu creates failed (the first answered %ld)\n", failed,
               first_failure);
    }
    if (!json_array_size(ids)) {
        fprintf(stderr, "bench-cluster: no NS record created\n");
        exit(1);
    }
    return ids;
}

/* In a child: a GET round at member 'm'; writes "RATE P50 P99". */
static void
get_share(const struct member *m, int i, void *arg, FILE *out)
{
    double p50, p99, rate = bench_get_round(&m->d, arg, GETS / N_INST, CONNS, &p50, &p99);

    fprintf(out, "%f %f %f\n", rate, p50, p99);
}

/* GET throughput at a alone, then at the three at once; 3 rounds each. */
static void
get_figures(const json_t *ids)
{
    double rates[3], p50s[3], p99s[3], sums[3];

    for (int round = 0; round < 3; round++) {
        rates[round] = bench_get_round(&members[0].d, ids, GETS, CONNS, &p50s[round],
                                 &p99s[round]);
        printf("GET round %d, instance a alone: %.0f req/s, p50 %.2f ms, "
               "p99 %.2f ms (%d connections)\n",
               round + 1, rates[round], p50s[round], p99s[round], CONNS);
    }
    printf("GET one instance alone, median of 3 rounds: %.0f req/s, p50 "
           "%.2f ms, p99 %.2f ms\n",
           bench_pct(rates, 3, 0.5), bench_pct(p50s, 3, 0.5),
           bench_pct(p99s, 3, 0.5));
    for (int round = 0; round < 3; round++) {
        FILE *out[N_INST];
        double r[N_INST], p50[N_INST], p99[N_INST];
        double wall = on_three(get_share, (void *)ids, out);

        sums[round] = 0;
        for (int i = 0; i < N_INST; i++) {
            if (fscanf(out[i], "%lf %lf %lf", &r[i], &p50[i], &p99[i]) != 3) {
                fprintf(stderr, "bench-cluster: a GET round at %s did not "
                                "finish\n",
                        members[i].name);
                exit(1);
            }
            fclose(out[i]);
            sums[round] += r[i];
        }
        printf("GET round %d, the 3 instances at once: %.0f req/s in all "
               "(a %.0f, b %.0f, c %.0f; p50 %.2f/%.2f/%.2f ms, p99 "
               "%.2f/%.2f/%.2f ms; %d connections each; %d GETs / wall "
               "time: %.0f req/s)\n",
               round + 1, sums[round], r[0], r[1], r[2], p50[0], p50[1],
               p50[2], p99[0], p99[1], p99[2], CONNS, GETS / N_INST * N_INST,
               GETS / N_INST * N_INST / wall);
    }
    printf("GET the 3 instances at once, median of 3 rounds: %.0f req/s in "
           "all (%.2f x one alone)\n",
           bench_pct(sums, 3, 0.5),
           bench_pct(sums, 3, 0.5) / bench_pct(rates, 3, 0.5));
}

/* Requests slice 'name' of the 3-subnet NST on 'vim' through member 'm';
 * the path of its operation goes to 'op_path', the operation's id to
 * 'op_id'.  Exits on failure. */
static void
request_slice(const struct member *m, const char *name, const char *vim,
              char *op_path, size_t path_size, char *op_id, size_t id_size)
{
    char body[512];
    long status;
    json_t *r;

    snprintf(body, sizeof body,
             "{\"nsiName\":\"%s\",\"nstId\":\"bench-3-subnets\","
             "\"vimAccountId\":\"%s\"}",
             name, vim);
    r = osm(m, "POST", "/nsilcm/v1/netslice_instances_content", body,
            &status);
    if (status != 201 ||
        !json_string_value(json_object_get(r, "nsilcmop_id"))) {
        fprintf(stderr, "bench-cluster: slice %s through %s answered %ld\n",
                name, m->name, status);
        exit(1);
    }
    snprintf(op_id, id_size, "%s",
             json_string_value(json_object_get(r, "nsilcmop_id")));
    snprintf(op_path, path_size, "/nsilcm/v1/nsi_lcm_op_occs/%s", op_id);
    json_decref(r);
}

/* Slices instantiated one at a time through a, b, c in turn on 'vim'
 * (zero latency). */
static void
instantiate_figures(const char *vim)
{
    double d[SLICES];
    size_t ok = 0;

    for (int i = 0; i < SLICES; i++) {
        const struct member *m = &members[i % N_INST];
        char path[256], id[64], name[32];
        double ms;

        snprintf(name, sizeof name, "s%d", i);
        request_slice(m, name, vim, path, sizeof path, id, sizeof id);
        ms = bench_wait_op(&m->d, path, 20000, "statusEnteredTime");
        if (ms >= 0) {
            d[ok++] = ms;
        }
    }
    if (!ok) {
        printf("slice instantiate on etcd: no slice completed\n");
        return;
    }
    printf("slice instantiate on etcd (3 subnets, 3 slice networks, sim "
           "0 ms latency), one at a time through a, b, c in turn: median "
           "%.3f ms, min %.3f ms, max %.3f ms (%zu of %d completed)\n",
           bench_pct(d, ok, 0.5), d[0], d[ok - 1], ok, SLICES);
}

/* A log line's timestamp ("2026-12-04T09:00:40.201Z ...") in seconds
 * since the epoch; -1 when the line has none. */
static double
log_time(const char *line)
{
    struct tm tm = {0};
    int ms;

    if (sscanf(line, "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon,
               &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
               &ms) != 7) {
        return -1;
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (double)timegm(&tm) + ms / 1000.0;
}

/* Whether NS operation 'ns_op' (a survivor 'm' resumed) belongs to one
 * of slice operation 'op_path''s NSs. */
static bool
is_child_op(const struct member *m, const char *op_path, const char *ns_op)
{
    char path[256];
    json_t *op, *nsi, *list, *e;
    const char *ns = NULL, *nsi_id;
    bool found = false;
    long status;
    size_t i;

    snprintf(path, sizeof path, "/nslcm/v1/ns_lcm_op_occs/%s", ns_op);
    op = osm(m, "GET", path, NULL, &status);
    ns = json_string_value(json_object_get(op, "nsInstanceId"));
    nsi = osm(m, "GET", op_path, NULL, &status);
    nsi_id = json_string_value(json_object_get(nsi, "netsliceInstanceId"));
    snprintf(path, sizeof path, "/nsilcm/v1/netslice_instances/%s",
             nsi_id ? nsi_id : "");
    json_decref(nsi);
    nsi = osm(m, "GET", path, NULL, &status);
    list = json_object_get(json_object_get(nsi, "_admin"),
                           "nsrs-detailed-list");
    json_array_foreach(list, i, e)
    {
        const char *id = json_string_value(json_object_get(e, "nsrId"));

        found = found || (ns && id && !strcmp(id, ns));
    }
    json_decref(nsi);
    json_decref(op);
    return found;
}

/* What the survivors' logs said after a kill. */
struct takeover {
    double at;        /* the first resuming line's time, -1: none yet */
    char who[2];      /* the instance that logged it */
    char what[16];    /* "slice op" or "NS op" */
    bool nsi_seen;    /* the slice operation's own line is there */
};

/* Scans member 'm''s log from 'offset' for the lines resuming slice
 * operation 'op_id' (of path 'op_path') or one of its NS operations;
 * keeps the earliest in 't'. */
static void
scan_log(const struct member *m, long offset, const char *op_id,
         const char *op_path, struct takeover *t)
{
    FILE *f = fopen(m->log, "r");
    char line[2048], nsi_line[160];

    snprintf(nsi_line, sizeof nsi_line, "resuming nsi operation %s taken over",
             op_id);
    if (!f || fseek(f, offset, SEEK_SET)) {
        if (f) {
            fclose(f);
        }
        return;
    }
    while (fgets(line, sizeof line, f)) {
        const char *p = strstr(line, "resuming operation ");
        double at = log_time(line);
        bool nsi = strstr(line, nsi_line) != NULL;
        char ns_op[64] = "";

        if (p) {
            sscanf(p, "resuming operation %63s", ns_op);
        }
        if (at < 0 || !(nsi || (ns_op[0] && (t->at < 0 || at < t->at) &&
                                is_child_op(m, op_path, ns_op)))) {
            continue;
        }
        t->nsi_seen = t->nsi_seen || nsi;
        if (t->at < 0 || at < t->at) {
            t->at = at;
            snprintf(t->who, sizeof t->who, "%s", m->name);
            snprintf(t->what, sizeof t->what, nsi ? "slice op" : "NS op");
        }
    }
    fclose(f);
}

static long
log_size(const struct member *m)
{
    struct stat st;

    return stat(m->log, &st) ? 0 : (long)st.st_size;
}

/* Waits for slice operation 'path' to be PROCESSING at member 'm'.
 * Returns false when it ended before (then it is no failover). */
static bool
wait_processing(const struct member *m, const char *path)
{
    for (int i = 0; i < 10000; i++) {
        long status;
        json_t *op = osm(m, "GET", path, NULL, &status);
        const char *st =
            json_string_value(json_object_get(op, "operationState"));
        bool processing = st && !strcmp(st, "PROCESSING");
        bool ended = st && !processing && strcmp(st, "ROLLING_BACK");

        json_decref(op);
        if (processing || ended) {
            return processing;
        }
        usleep(1000);
    }
    return false;
}

/* One failover round: a slice through X, X killed while the slice's
 * operation is PROCESSING, the time until a survivor resumes it, X
 * started again, the operation awaited.  Returns the failover time in
 * seconds, -1 when there was none. */
static double
failover_round(int round, const char *vim)
{
    struct member *x = &members[round % N_INST];
    const struct member *y = &members[(round + 1) % N_INST];
    struct takeover t = {.at = -1};
    char path[256], id[64], name[32];
    long offsets[N_INST];
    struct timespec killed;
    double k, done_at, ms;

    snprintf(name, sizeof name, "f%d", round);
    request_slice(x, name, vim, path, sizeof path, id, sizeof id);
    if (!wait_processing(x, path)) {
        printf("failover round %d: the slice operation through %s was not "
               "PROCESSING: no kill\n",
               round + 1, x->name);
        bench_wait_op(&x->d, path, 0, "statusEnteredTime");
        return -1;
    }
    for (int i = 0; i < N_INST; i++) {
        offsets[i] = log_size(&members[i]);
    }
    clock_gettime(CLOCK_REALTIME, &killed);
    kill(x->d.pid, SIGKILL);
    waitpid(x->d.pid, NULL, 0);
    x->d.pid = 0;
    k = (double)killed.tv_sec + (double)killed.tv_nsec / 1e9;
    /* until the slice operation's own line, or one of an NS operation of
     * it and then a little longer (the other survivor may be later to
     * write an earlier line); 60 s at most */
    done_at = -1;
    for (int i = 0; i < 3000 && (done_at < 0 || bench_now() < done_at) &&
                    !t.nsi_seen;
         i++) {
        for (int j = 0; j < N_INST; j++) {
            if (&members[j] != x) {
                scan_log(&members[j], offsets[j], id, path, &t);
            }
        }
        if (t.at >= 0 && done_at < 0) {
            done_at = bench_now() + 0.1;
        }
        usleep(20000);
    }
    member_start(x);
    ms = bench_wait_op(&y->d, path, 0, "statusEnteredTime");
    if (t.at < 0) {
        printf("failover round %d: killed %s; no survivor resumed slice "
               "operation %s within 60 s\n",
               round + 1, x->name, id);
        return -1;
    }
    printf("failover round %d: killed %s with its slice PROCESSING; %s "
           "resumed the %s after %.3f s; slice %s (operation %.0f ms)\n",
           round + 1, x->name, t.who, t.what, t.at - k,
           ms >= 0 ? "COMPLETED" : "NOT COMPLETED", ms);
    return t.at - k;
}

static void
failover_figures(int rounds, const char *vim)
{
    double *d = calloc((size_t)rounds + 1, sizeof *d), median, over;
    size_t n = 0;

    for (int round = 0; round < rounds; round++) {
        double s = failover_round(round, vim);

        if (s >= 0) {
            d[n++] = s;
        }
    }
    if (n) {
        median = bench_pct(d, n, 0.5);
        over = median - TTL_S;
        /* to the millisecond, without a "-0.000" */
        over = over > -0.0005 && over < 0.0005 ? 0 : over;
        printf("failover (kill -9 to a survivor resuming the slice), median "
               "of %zu: %.3f s; minus the lease's TTL (%d s): %.3f s "
               "(expiry, orphan scan, takeover, less the lease's age at the "
               "kill); min %.3f s, max %.3f s\n",
               n, median, TTL_S, over, d[0], d[n - 1]);
    }
    free(d);
}

int
main(int argc, char **argv)
{
    size_t records = argc > 4 ? strtoul(argv[4], NULL, 10) : 2000;
    int failovers = argc > 5 ? atoi(argv[5]) : 10;
    char store[512], vim0[64], vim300[64];
    struct timespec now;
    long status;
    json_t *ids;

    if (argc < 4) {
        fprintf(stderr, "usage: bench-cluster SLICERD TEMPLATES "
                        "ETCD_MEMBERS [records] [failovers]\n");
        return 2;
    }
    slicerd_path = argv[1];
    curl_global_init(CURL_GLOBAL_DEFAULT);
    main_pid = getpid();
    atexit(cleanup);
    /* a prefix of the three's own, so that runs do not meet */
    clock_gettime(CLOCK_REALTIME, &now);
    snprintf(store, sizeof store, "etcd://%s/benchcl-%08x", argv[3],
             (unsigned)(now.tv_nsec ^ now.tv_sec ^ getpid() << 16));
    for (int i = 0; i < N_INST; i++) {
        char name[2] = {(char)('a' + i), '\0'};

        member_init(&members[i], name, store);
        member_start(&members[i]);
    }
    printf("3 slicerd (a, b, c) on %s, lease TTL %d s\n", store, TTL_S);
    login();
    bench_onboard(&members[0].d, argv[2], "vnfd/router_vnfd.yaml",
                  "/vnfpkgm/v1/vnf_packages_content");
    bench_onboard(&members[0].d, argv[2], "nsd/transport_nsd.yaml",
                  "/nsd/v1/ns_descriptors_content");
    json_decref(osm(&members[0], "POST", "/nst/v1/netslice_templates_content",
                    bench_nst_3_subnets, &status));
    if (status != 201) {
        fprintf(stderr, "bench-cluster: onboarding the NST answered %ld\n",
                status);
        return 1;
    }
    make_vim("sim0", 0, vim0, sizeof vim0);
    make_vim("sim300", 300, vim300, sizeof vim300);

    ids = create_records(records, vim0);
    get_figures(ids);
    json_decref(ids);
    instantiate_figures(vim0);
    failover_figures(failovers, vim300);
    report_logs();
    fflush(stdout);
    curl_global_cleanup();
    return 0;
}

/* What the benchmarks share: a slicerd of their own on a free loopback
 * port with a fresh state directory, synchronous REST calls to it,
 * medians and percentiles, and the daemon's memory from /proc. */
#ifndef SLC_BENCH_UTIL_H
#define SLC_BENCH_UTIL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct bench_daemon {
    pid_t pid;
    char dir[64];       /* its state and configuration; removed at stop */
    char base[256];     /* "http://127.0.0.1:PORT/osm" */
    char root[256];     /* "http://127.0.0.1:PORT" */
    char auth[200];     /* "Authorization: Bearer ..." once logged in */
};

/* A growing reply body for curl's write callback (bench_on_data). */
struct bench_buf {
    char *data;
    size_t len;
};

size_t bench_on_data(char *p, size_t size, size_t n, void *arg);

/* Monotonic seconds. */
double bench_now(void);

/* Starts 'slicerd' with 'extra_cfg' (YAML lines, may be NULL) appended to
 * the benchmark's configuration, waits for its port and logs in as
 * admin.  With BENCH_STORE=etcd://HOST:PORT/PREFIX in the environment,
 * its store is there (under PREFIX and a suffix of its own).  Exits on
 * failure. */
void bench_start(struct bench_daemon *d, const char *slicerd,
                 const char *extra_cfg);
/* bench_start()'s parts, for a benchmark that runs its daemons itself:
 * bench_prepare() makes d's directory and configuration (log level
 * 'log_level', 'extra_cfg' YAML lines appended, may be NULL);
 * bench_launch() starts (or starts again) its 'slicerd', the output
 * appended to file 'log' (NULL: this process's), and waits for its port.
 * Both exit on failure. */
void bench_prepare(struct bench_daemon *d, const char *log_level,
                   const char *extra_cfg);
void bench_launch(struct bench_daemon *d, const char *slicerd,
                  const char *log);
/* Stops the daemon (SIGTERM) and removes its directory. */
void bench_stop(struct bench_daemon *d);

/* One synchronous request to 'prefix' + 'path' ('prefix' is d->base or
 * d->root); returns the JSON reply (or NULL) and the status. */
json_t *bench_request(const struct bench_daemon *d, const char *prefix,
                      const char *method, const char *path,
                      const char *type, const char *body, long *status);

/* One request of a batch that bench_parallel() sends. */
struct bench_call {
    const char *method;
    char path[256];            /* under the batch's prefix */
    const char *body;          /* JSON, may be NULL */
    long status;               /* out: the HTTP status, 0 on failure */
    json_t *reply;             /* out: the JSON reply or NULL (caller
                                  decrefs) */
};

/* Sends the 'n' calls to 'prefix' + path ('prefix' is d->base or
 * d->root) over 'conns' keep-alive connections at once, as many clients
 * would, and waits for every reply. */
void bench_parallel(const struct bench_daemon *d, const char *prefix,
                    struct bench_call *calls, size_t n, int conns);

/* Onboards descriptor file 'file' (under 'templates') at endpoint 'url'
 * (under d->base), or exits. */
void bench_onboard(const struct bench_daemon *d, const char *templates,
                   const char *file, const char *url);

/* A whole file, or exit. */
char *bench_slurp(const char *path);

/* The 'p' quantile (0..1) of 'v' (sorted in place). */
double bench_pct(double *v, size_t n, double p);

/* A "Vm...:" figure of /proc/PID/status in kB, -1 when unknown. */
long bench_status_kb(pid_t pid, const char *key);
/* The CPU time (user + system) process 'pid' has used, in ms (clock tick
 * resolution, usually 10 ms); -1 when unknown. */
double bench_cpu_ms(pid_t pid);
/* Resets process 'pid''s peak resident memory (VmHWM) to what it holds
 * now (Linux 4.0+, /proc/PID/clear_refs); false when it cannot. */
bool bench_reset_peak(pid_t pid);

/* 'total' GETs of random NS records (ids from 'ids') at daemon 'd' over
 * 'conns' keep-alive connections.  Returns requests/s; fills p50 and p99
 * in ms.  Exits on an answer other than 200. */
double bench_get_round(const struct bench_daemon *d, const json_t *ids,
                       size_t total, int conns, double *p50, double *p99);

/* Waits (polling 'd' every millisecond, first after 'first_us') for
 * operation 'path' (under d->base) to end.  Returns its duration in ms
 * as the daemon recorded it ('end_key' - startTime); -1 when it did not
 * complete (its state and status on stderr). */
double bench_wait_op(const struct bench_daemon *d, const char *path,
                     unsigned first_us, const char *end_key);

/* An NST of three transport NSs chained by two ELINE slice networks,
 * with a management ELAN over all three (NSD slicer-transport-ns):
 * nothing shared, so each slice makes three NSs and three networks. */
extern const char bench_nst_3_subnets[];

#endif

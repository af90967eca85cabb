/* What the benchmarks on a private Open vSwitch share (bench-sfc.c,
 * bench-sdn.c, bench-sfc-fabric.c): shell commands, br0's flow count,
 * medians, free ports, osken-manager. */
#ifndef SLC_BENCH_SWITCH_H
#define SLC_BENCH_SWITCH_H

/* Seconds on the monotonic clock. */
double bench_clock(void);
/* Runs a shell command (printf-style); its exit status, -1 if killed. */
int bench_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The flows of bridge br0, or -1 when they cannot be counted. */
long bench_count_flows(void);
/* The median of the 'n' values of 'v' (sorted in place). */
double bench_median(double *v, int n);
/* A TCP port of 127.0.0.1 nothing listens on, or -1. */
int bench_free_port(void);

#include <sys/types.h>

/* osken-manager running our ofctl_rest app. */
struct bench_osken {
    pid_t pid;                /* 0: not running */
    int rest_port, of_port;
};
/* Starts osken-manager with app 'app' on free loopback ports (its log in
 * DIR/osken.log) and makes it the controller of 'bridge'.  0, or -1. */
int bench_osken_start(struct bench_osken *k, const char *app,
                      const char *dir, const char *bridge);
/* Stops it (SIGTERM, then SIGKILL after 5 s) and reaps it. */
void bench_osken_stop(struct bench_osken *k);

#endif

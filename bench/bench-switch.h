/* What the benchmarks on a private Open vSwitch share (bench-sfc.c,
 * bench-sdn.c): shell commands, br0's flow count, medians, free ports. */
#ifndef SLC_BENCH_SWITCH_H
#define SLC_BENCH_SWITCH_H

/* Runs a shell command (printf-style); its exit status, -1 if killed. */
int bench_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The flows of bridge br0, or -1 when they cannot be counted. */
long bench_count_flows(void);
/* The median of the 'n' values of 'v' (sorted in place). */
double bench_median(double *v, int n);
/* A TCP port of 127.0.0.1 nothing listens on, or -1. */
int bench_free_port(void);

#endif

/* The daemon's metrics, in Prometheus' text exposition format 0.0.4:
 * counters, gauges and histograms with labels, kept in one process-wide
 * registry (slicerd runs one loop: no locking).  The families, their
 * help, labels and buckets are the table in slc-metrics.c, the one place
 * that says what slicerd exports.  Names follow Prometheus' conventions:
 * "_total" counters, base units ("_seconds", "_bytes"). */
#ifndef SLC_METRICS_H
#define SLC_METRICS_H

#include <stddef.h>

/* Adds 'v' to counter (or gauge) 'family' at the label values that
 * follow, one per label of the family.  An unknown family or a wrong
 * count of labels is a programming error: logged once, ignored. */
void slc_metrics_add(const char *family, double v, ...);
/* Sets gauge 'family' at the label values that follow to 'v'. */
void slc_metrics_set(const char *family, double v, ...);
/* Counts 'v' into histogram 'family' at the label values that follow. */
void slc_metrics_observe(const char *family, double v, ...);
/* Forgets every series of 'family' (gauges recomputed at each scrape). */
void slc_metrics_clear(const char *family);

/* The exposition of every family (new string, NUL-terminated; its length
 * into '*len'), or NULL when out of memory. */
char *slc_metrics_text(size_t *len);

/* Forgets every series (tests; the daemon's end). */
void slc_metrics_reset(void);

/* Seconds of CLOCK_MONOTONIC, for durations. */
double slc_metrics_now(void);

#endif

/* The metrics registry (slc-metrics.h): the families slicerd exports and
 * their series, written in Prometheus' text format 0.0.4.
 *
 * Each family keeps its series in a JSON object keyed by the label
 * values joined with US (0x1f): a counter or gauge is a real, a histogram
 * an array [bucket counts..., +Inf count, sum, count] of reals (counts
 * per bucket, made cumulative when written). */
#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "slc-log.h"
#include "slc-metrics.h"

SLC_LOG_MODULE(metrics);

enum kind { COUNTER, GAUGE, HISTOGRAM };

#define MAX_LABELS 4
#define SEP "\x1f"

/* Latencies of requests and transactions: 1 ms to 10 s. */
static const double fast_buckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025,
                                      0.05,  0.1,    0.25,  0.5,  1,
                                      2.5,   5,      10,    0};
/* Operations: 10 ms to 10 min. */
static const double op_buckets[] = {0.01, 0.05, 0.1, 0.25, 0.5, 1,   2.5,
                                    5,    10,   30,  60,   120, 300, 600,
                                    0};

static const struct family {
    const char *name;
    enum kind kind;
    const char *help;
    const char *labels[MAX_LABELS + 1];
    const double *buckets;
} families[] = {
    {"slicer_http_requests_total", COUNTER,
     "HTTP requests answered, by method, route template and status.",
     {"method", "route", "status"}, NULL},
    {"slicer_http_request_duration_seconds", HISTOGRAM,
     "Time from a request's arrival to its reply, by method and route "
     "template.",
     {"method", "route"}, fast_buckets},
    {"slicer_operations_total", COUNTER,
     "NS and slice operations ended, by kind (ns, nsi), type and final "
     "state.",
     {"kind", "type", "state"}, NULL},
    {"slicer_operation_duration_seconds", HISTOGRAM,
     "Duration of the NS and slice operations that ended, by kind and "
     "type.",
     {"kind", "type"}, op_buckets},
    {"slicer_records", GAUGE, "Stored records, by collection and state.",
     {"collection", "state"}, NULL},
    {"slicer_slices", GAUGE,
     "Network slice instances, by S-NSSAI (sst, sd) and state.",
     {"sst", "sd", "state"}, NULL},
    {"slicer_notifications_total", COUNTER,
     "Notification deliveries, by API (nslcm, nsilcm, provmns) and result "
     "(delivered, failed: an attempt that will be retried or dropped).",
     {"api", "result"}, NULL},
    {"slicer_store_transaction_duration_seconds", HISTOGRAM,
     "Time from a store transaction's begin to its commit or rollback.",
     {NULL}, fast_buckets},
    {"slicer_vim_calls_total", COUNTER,
     "VIM driver calls answered, by driver type.", {"driver"}, NULL},
    {"slicer_vim_call_errors_total", COUNTER,
     "VIM driver calls that failed (a resource already gone is not a "
     "failure), by driver type.",
     {"driver"}, NULL},
    {"slicer_sdn_calls_total", COUNTER,
     "SDN controller driver calls answered, by driver type.", {"driver"},
     NULL},
    {"slicer_sdn_call_errors_total", COUNTER,
     "SDN controller driver calls that failed, by driver type.",
     {"driver"}, NULL},
    {"slicer_chain_hop_packets_total", COUNTER,
     "Packets the rules of a service function chain's hop matched, as its "
     "switches count them, by NS, chain and hop.",
     {"ns", "chain", "hop"}, NULL},
    {"slicer_chain_hop_bytes_total", COUNTER,
     "Bytes the rules of a service function chain's hop matched, by NS, "
     "chain and hop.",
     {"ns", "chain", "hop"}, NULL},
};

#define N_FAMILIES (sizeof families / sizeof families[0])

static json_t *series[N_FAMILIES]; /* family index -> key -> value */

static size_t
n_labels(const struct family *f)
{
    size_t n = 0;

    while (n < MAX_LABELS && f->labels[n]) {
        n++;
    }
    return n;
}

static size_t
n_buckets(const struct family *f)
{
    size_t n = 0;

    while (f->buckets && f->buckets[n] > 0) {
        n++;
    }
    return n;
}

/* The family 'name' of 'kind' and its series, or -1 (logged). */
static int
family_of(const char *name, enum kind kind)
{
    for (size_t i = 0; i < N_FAMILIES; i++) {
        if (!strcmp(families[i].name, name)) {
            if (families[i].kind != kind &&
                !(kind == COUNTER && families[i].kind == GAUGE)) {
                break;
            }
            if (!series[i] && !(series[i] = json_object())) {
                return -1;
            }
            return (int)i;
        }
    }
    SLC_WARN_RL("metric '%s': no such family of that type", name);
    return -1;
}

/* The series key of the label values in 'ap' (as many as the family
 * has). */
static void
key_of(const struct family *f, va_list ap, char *key, size_t size)
{
    size_t len = 0, n = n_labels(f);

    key[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *v = va_arg(ap, const char *);
        int w = snprintf(key + len, size - len, "%s%s", i ? SEP : "",
                         v ? v : "");

        len = w < 0 || (size_t)w >= size - len ? size - 1 : len + (size_t)w;
    }
}

static void
add_or_set(const char *name, double v, bool set, va_list ap)
{
    int i = family_of(name, COUNTER);
    char key[1024];
    json_t *cur;

    if (i < 0) {
        return;
    }
    key_of(&families[i], ap, key, sizeof key);
    cur = json_object_get(series[i], key);
    json_object_set_new(series[i], key,
                        json_real(set ? v : json_real_value(cur) + v));
}

void
slc_metrics_add(const char *family, double v, ...)
{
    va_list ap;

    va_start(ap, v);
    add_or_set(family, v, false, ap);
    va_end(ap);
}

void
slc_metrics_set(const char *family, double v, ...)
{
    va_list ap;

    va_start(ap, v);
    add_or_set(family, v, true, ap);
    va_end(ap);
}

void
slc_metrics_observe(const char *family, double v, ...)
{
    int i = family_of(family, HISTOGRAM);
    char key[1024];
    json_t *h;
    size_t nb;
    va_list ap;

    if (i < 0) {
        return;
    }
    va_start(ap, v);
    key_of(&families[i], ap, key, sizeof key);
    va_end(ap);
    nb = n_buckets(&families[i]);
    h = json_object_get(series[i], key);
    if (!h) {
        h = json_array();
        for (size_t b = 0; b < nb + 3; b++) {
            json_array_append_new(h, json_real(0));
        }
        if (json_object_set_new(series[i], key, h)) {
            return;
        }
    }
    for (size_t b = 0; b <= nb; b++) {
        if (b == nb || v <= families[i].buckets[b]) {
            json_real_set(json_array_get(h, b),
                          json_real_value(json_array_get(h, b)) + 1);
            break;
        }
    }
    json_real_set(json_array_get(h, nb + 1),
                  json_real_value(json_array_get(h, nb + 1)) + v);
    json_real_set(json_array_get(h, nb + 2),
                  json_real_value(json_array_get(h, nb + 2)) + 1);
}

void
slc_metrics_clear(const char *family)
{
    for (size_t i = 0; i < N_FAMILIES; i++) {
        if (!strcmp(families[i].name, family) && series[i]) {
            json_object_clear(series[i]);
        }
    }
}

void
slc_metrics_reset(void)
{
    for (size_t i = 0; i < N_FAMILIES; i++) {
        json_decref(series[i]);
        series[i] = NULL;
    }
}

double
slc_metrics_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the text format ---- */

/* A label value with \, " and newline escaped. */
static void
put_value(FILE *out, const char *v, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        switch (v[i]) {
        case '\\':
            fputs("\\\\", out);
            break;
        case '"':
            fputs("\\\"", out);
            break;
        case '\n':
            fputs("\\n", out);
            break;
        default:
            fputc(v[i], out);
        }
    }
}

/* "{a="x",b="y"" of series key 'key' (no closing brace: a histogram adds
 * le); nothing when the family has no labels and 'open' is false. */
static void
put_labels(FILE *out, const struct family *f, const char *key, bool open)
{
    size_t n = n_labels(f);
    const char *v = key;

    if (!n && !open) {
        return;
    }
    fputc('{', out);
    for (size_t i = 0; i < n; i++) {
        const char *end = strchr(v, SEP[0]);
        size_t len = end ? (size_t)(end - v) : strlen(v);

        fprintf(out, "%s%s=\"", i ? "," : "", f->labels[i]);
        put_value(out, v, len);
        fputc('"', out);
        v = end ? end + 1 : v + len;
    }
    if (!open) {
        fputc('}', out);
    }
}

static int
cmp_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void
put_family(FILE *out, size_t i)
{
    const struct family *f = &families[i];
    size_t n = json_object_size(series[i]), k = 0, nb = n_buckets(f);
    const char **keys = n ? calloc(n, sizeof *keys) : NULL;
    const char *key;
    json_t *v;

    fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", f->name, f->help, f->name,
            f->kind == COUNTER ? "counter"
            : f->kind == GAUGE ? "gauge"
                               : "histogram");
    if (n && !keys) {
        return;
    }
    json_object_foreach(series[i], key, v)
    {
        keys[k++] = key;
    }
    if (n) {
        qsort(keys, n, sizeof *keys, cmp_text); /* a stable order */
    }
    for (k = 0; k < n; k++) {
        v = json_object_get(series[i], keys[k]);
        if (f->kind != HISTOGRAM) {
            fputs(f->name, out);
            put_labels(out, f, keys[k], false);
            fprintf(out, " %.17g\n", json_real_value(v));
            continue;
        }
        double cum = 0;

        for (size_t b = 0; b <= nb; b++) {
            cum += json_real_value(json_array_get(v, b));
            fprintf(out, "%s_bucket", f->name);
            put_labels(out, f, keys[k], true);
            if (b < nb) {
                fprintf(out, "%sle=\"%g\"} %.17g\n", n_labels(f) ? "," : "",
                        f->buckets[b], cum);
            } else {
                fprintf(out, "%sle=\"+Inf\"} %.17g\n",
                        n_labels(f) ? "," : "", cum);
            }
        }
        fprintf(out, "%s_sum", f->name);
        put_labels(out, f, keys[k], false);
        fprintf(out, " %.17g\n%s_count", json_real_value(json_array_get(v, nb + 1)),
                f->name);
        put_labels(out, f, keys[k], false);
        fprintf(out, " %.17g\n", json_real_value(json_array_get(v, nb + 2)));
    }
    free(keys);
}

char *
slc_metrics_text(size_t *len)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buf, &size);

    if (!out) {
        return NULL;
    }
    for (size_t i = 0; i < N_FAMILIES; i++) {
        put_family(out, i);
    }
    if (fclose(out)) {
        free(buf);
        return NULL;
    }
    *len = size;
    return buf;
}

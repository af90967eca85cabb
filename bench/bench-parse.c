/* bench/parse: descriptors parsed and validated per second, and peak RSS.
 *
 * Reads every template and every OSM example (descriptor files only) into
 * memory, then parses + validates them all, ROUNDS times over, timing each
 * round; prints the median and the spread, and the process's peak resident
 * set.  A figure, not a test.  Goal (issue 2): >= 10,000 descriptors/s.
 * usage: bench-parse [ROUNDS] [FILE...] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "model.h"
#include "slc-file.h"

struct input {
    char *name;
    char *buf;
    size_t size;
};


static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
compare(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return (x > y) - (x < y);
}

/* One pass over all inputs; returns the number of descriptors checked. */
static size_t
one_pass(const struct input *in, size_t n)
{
    size_t descs = 0;

    for (size_t i = 0; i < n; i++) {
        struct slc_diags diags = SLC_DIAGS_INIT;
        struct slc_model_set set = {0};
        struct slc_model_file *f;

        if (slc_model_load(in[i].buf, in[i].size, in[i].name, &f, &diags)) {
            fprintf(stderr, "%s does not load\n", in[i].name);
            exit(1);
        }
        for (size_t j = 0; j < f->n_descs; j++) {
            slc_model_set_add(&set, &f->descs[j]);
        }
        for (size_t j = 0; j < f->n_descs; j++) {
            slc_model_check_refs(&f->descs[j], &set, NULL, &diags);
        }
        descs += f->n_descs;
        slc_model_set_clear(&set);
        slc_model_file_free(f);
        slc_diags_clear(&diags);
    }
    return descs;
}

int
main(int argc, char **argv)
{
    int rounds = argc > 1 ? atoi(argv[1]) : 15;
    struct input *in = calloc((size_t)argc, sizeof *in);
    size_t n = 0, bytes = 0, per_pass = 0;
    double *rates = calloc((size_t)(rounds > 0 ? rounds : 1), sizeof *rates);
    struct slc_error err;
    struct rusage ru;

    if (rounds < 1 || argc < 3 || !in || !rates) {
        fprintf(stderr, "usage: bench-parse ROUNDS FILE...\n");
        return 2;
    }
    for (int i = 2; i < argc; i++) {
        in[n].name = argv[i];
        if (slc_read_file(argv[i], SLC_YAML_MAX_SIZE_DEFAULT, &in[n].buf,
                          &in[n].size, &err)) {
            fprintf(stderr, "bench-parse: %s\n", err.msg);
            return 2;
        }
        bytes += in[n].size;
        n++;
    }
    one_pass(in, n); /* warm up */
    for (int r = 0; r < rounds; r++) {
        size_t descs = 0;
        double start = now(), elapsed;
        int passes = 0;

        do {
            descs += one_pass(in, n);
            passes++;
            elapsed = now() - start;
        } while (elapsed < 0.2);
        per_pass = descs / (size_t)passes;
        rates[r] = (double)descs / elapsed;
    }
    qsort(rates, (size_t)rounds, sizeof *rates, compare);
    getrusage(RUSAGE_SELF, &ru);
    printf("bench/parse: %zu files, %zu descriptors, %zu bytes per pass\n", n,
           per_pass, bytes);
    printf("descriptors/s: median %.0f (min %.0f, max %.0f, %d rounds of "
           ">= 0.2 s)\n",
           rates[rounds / 2], rates[0], rates[rounds - 1], rounds);
    printf("MB/s of YAML: median %.1f\n",
           rates[rounds / 2] / (double)per_pass * (double)bytes / 1e6);
    printf("peak RSS: %ld KiB\n", ru.ru_maxrss);
    printf("goal: >= 10000 descriptors/s: %s\n",
           rates[rounds / 2] >= 10000 ? "met" : "NOT met");
    for (size_t i = 0; i < n; i++) {
        free(in[i].buf);
    }
    free(in);
    free(rates);
    return 0;
}

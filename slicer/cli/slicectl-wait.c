/* slicectl's --wait: follows an NS or slice operation until it ends.
 *
 * Progress is the steps of the operation's plan that are DONE out of all
 * of them (the record's _admin.steps; for a slice operation, those of the
 * NS operations it ran, operationParams.nslcmops_ids).  On a terminal one
 * line is redrawn (a bar, the steps, the seconds since the wait began,
 * the state); elsewhere, for scripts and logs, a plain line is printed
 * whenever the steps or the state change, without control characters.
 * Either way the last line is "OP TYPE STATE DONE/TOTAL steps S s". */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "slicectl-internal.h"

#define BAR_WIDTH 24
#define POLL_NS (200 * 1000 * 1000)

struct progress {
    size_t done, total;
    char state[32], type[32];
    double elapsed;
};

static double
now_mono(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Adds the steps of NS operation record 'op' to 'p'. */
static void
count_steps(const json_t *op, struct progress *p)
{
    const json_t *s;
    size_t i;

    json_array_foreach(json_object_get(json_object_get(op, "_admin"),
                                       "steps"),
                       i, s)
    {
        p->total++;
        p->done += !strcmp(slc_ctl_str(s, "state"), "DONE");
    }
}

/* The steps of a slice operation: those of its NS operations.  'seen'
 * keeps each one's last count ({id: [done, total]}), for an NS operation
 * that cannot be read now (removed with its NS by a terminate). */
static void
count_child_steps(struct remote *r, const json_t *op, json_t *seen,
                  struct progress *p)
{
    const json_t *id;
    size_t i;

    json_array_foreach(json_object_get(json_object_get(op,
                                                       "operationParams"),
                                       "nslcmops_ids"),
                       i, id)
    {
        struct progress one = {0};
        char path[256];
        json_t *child = NULL, *last;
        long status;

        snprintf(path, sizeof path, "%s/%s", SLC_CTL_NS_OPS,
                 json_string_value(id) ?: "");
        if (!slc_ctl_request(r, "GET", path, NULL, NULL, 0, &status,
                             &child) &&
            status == 200) {
            count_steps(child, &one);
            json_object_set_new(seen, json_string_value(id) ?: "",
                                json_pack("[II]", (json_int_t)one.done,
                                          (json_int_t)one.total));
        } else if ((last = json_object_get(seen,
                                           json_string_value(id) ?: ""))) {
            one.done = (size_t)json_integer_value(json_array_get(last, 0));
            one.total = (size_t)json_integer_value(json_array_get(last, 1));
        }
        p->done += one.done;
        p->total += one.total;
        json_decref(child);
    }
}

static bool
is_running(const char *state)
{
    return !strcmp(state, "PROCESSING") || !strcmp(state, "ROLLING_BACK");
}

/* The line redrawn on a terminal. */
static void
draw_bar(FILE *out, const struct progress *p)
{
    size_t fill = p->total ? p->done * BAR_WIDTH / p->total : 0;
    char bar[BAR_WIDTH + 1];

    memset(bar, '#', fill);
    memset(bar + fill, '-', BAR_WIDTH - fill);
    bar[BAR_WIDTH] = '\0';
    fprintf(out, "\r[%s] %zu/%zu steps %6.1f s  %s %s\033[K", bar, p->done,
            p->total, p->elapsed, p->type, p->state);
    fflush(out);
}

static void
plain_line(FILE *out, const char *op, const struct progress *p)
{
    fprintf(out, "%s %s %s %zu/%zu steps %.1f s\n", op, p->type, p->state,
            p->done, p->total, p->elapsed);
    fflush(out);
}

/* Reads the operation and its progress: 0, or an exit code (the error
 * printed). */
static int
poll_op(struct remote *r, const char *ops, const char *op, json_t *seen,
        json_t **d, struct progress *p)
{
    char path[256];
    int rc;

    snprintf(path, sizeof path, "%s/%s", ops, op);
    json_decref(*d);
    *d = NULL;
    rc = slc_ctl_call(r, false, "GET", path, d);
    if (rc) {
        return rc;
    }
    p->done = p->total = 0;
    snprintf(p->state, sizeof p->state, "%s",
             slc_ctl_str(*d, "operationState"));
    snprintf(p->type, sizeof p->type, "%s",
             slc_ctl_str(*d, "lcmOperationType"));
    if (!strcmp(ops, SLC_CTL_NSI_OPS)) {
        count_child_steps(r, *d, seen, p);
        if (!strcmp(p->state, "COMPLETED")) {
            /* its NS operations all ended, some perhaps removed */
            p->done = p->total;
        }
    } else {
        count_steps(*d, p);
    }
    return 0;
}

int
slc_ctl_wait(struct remote *r, const char *ops, const char *op)
{
    FILE *out = slc_ctl_structured(r) ? stderr : stdout;
    bool tty = isatty(fileno(out));
    double start = now_mono(), limit = r->o->wait_timeout;
    struct timespec pause = {0, POLL_NS};
    struct progress p = {0}, shown = {.done = (size_t)-1};
    json_t *d = NULL, *seen = json_object();
    int rc;

    for (;;) {
        rc = poll_op(r, ops, op, seen, &d, &p);
        p.elapsed = now_mono() - start;
        if (rc || !is_running(p.state) ||
            (limit > 0 && p.elapsed >= limit)) {
            break;
        }
        if (tty) {
            draw_bar(out, &p);
        } else if (p.done != shown.done || p.total != shown.total ||
                   strcmp(p.state, shown.state)) {
            plain_line(out, op, &p);
            shown = p;
        }
        nanosleep(&pause, NULL);
    }
    if (tty && !rc) {
        draw_bar(out, &p);
    }
    if (tty) {
        fputc('\n', out);
    }
    json_decref(seen);
    if (rc) {
        json_decref(d);
        return rc;
    }
    plain_line(out, op, &p);
    if (is_running(p.state)) {
        fprintf(stderr,
                "slicectl: operation %s: still %s after %.1f s "
                "(--wait-timeout); 'slicectl op-show %s --wait' follows it\n",
                op, p.state, p.elapsed, op);
        rc = SLC_CTL_EXIT_TIMEOUT;
    } else if (strcmp(p.state, "COMPLETED")) {
        fprintf(stderr, "slicectl: operation %s: %s: %s\n", op, p.state,
                slc_ctl_str(d, "detailed-status"));
        rc = SLC_CTL_EXIT_REFUSED;
    }
    if (slc_ctl_structured(r)) {
        slc_ctl_print_doc(r, d);
    }
    json_decref(d);
    return rc;
}

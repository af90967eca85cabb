/* Diagnostics lists.  See slc-diag.h. */
#include "slc-diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static char *
dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static void
diag_free(struct slc_diag *diag)
{
    free(diag->file);
    free(diag->subject);
    free(diag->path);
    free(diag->msg);
}

/* Makes room for one more kept entry; false when full or out of memory. */
static bool
diags_reserve(struct slc_diags *d)
{
    if (d->len >= SLC_DIAGS_MAX) {
        return false;
    }
    if (d->len == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 8;
        struct slc_diag *items = realloc(d->items, cap * sizeof *items);

        if (!items) {
            return false;
        }
        d->items = items;
        d->cap = cap;
    }
    return true;
}

void
slc_diags_add(struct slc_diags *d, enum slc_diag_severity severity,
              const char *file, struct slc_pos pos, const char *subject,
              const char *path, const char *fmt, ...)
{
    struct slc_diag *diag;
    va_list ap;
    char *msg;

    if (severity == SLC_DIAG_ERROR) {
        d->n_errors++;
    } else {
        d->n_warnings++;
    }
    if (!diags_reserve(d)) {
        return;
    }
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0) {
        msg = NULL;
    }
    va_end(ap);
    if (!msg) {
        return;
    }
    diag = &d->items[d->len++];
    diag->severity = severity;
    diag->file = dup_or_null(file);
    diag->pos = pos;
    diag->subject = dup_or_null(subject);
    diag->path = dup_or_null(path);
    diag->msg = msg;
}

void
slc_diags_clear(struct slc_diags *d)
{
    if (!d) {
        return;
    }
    for (size_t i = 0; i < d->len; i++) {
        diag_free(&d->items[i]);
    }
    free(d->items);
    memset(d, 0, sizeof *d);
}

void
slc_diag_format(const struct slc_diag *diag, char *buf, size_t size)
{
    const char *sev = diag->severity == SLC_DIAG_ERROR ? "error" : "warning";
    size_t n = 0;

#define APPEND(...)                                                          \
    do {                                                                     \
        if (n < size) {                                                      \
            int r_ = snprintf(buf + n, size - n, __VA_ARGS__);               \
            n += r_ > 0 ? (size_t)r_ : 0;                                    \
        }                                                                    \
    } while (0)
    if (size) {
        buf[0] = '\0';
    }
    if (diag->file) {
        APPEND("%s:", diag->file);
        if (diag->pos.line) {
            APPEND("%u:%u:", diag->pos.line, diag->pos.col);
        }
        APPEND(" ");
    }
    APPEND("%s: ", sev);
    if (diag->subject) {
        APPEND("%s: ", diag->subject);
    }
    if (diag->path && diag->path[0]) {
        APPEND("%s: ", diag->path);
    }
    APPEND("%s", diag->msg);
#undef APPEND
}

void
slc_diags_print(const struct slc_diags *d, FILE *out)
{
    size_t dropped = d->n_errors + d->n_warnings - d->len;
    char line[2048];

    for (size_t i = 0; i < d->len; i++) {
        slc_diag_format(&d->items[i], line, sizeof line);
        fprintf(out, "%s\n", line);
    }
    if (dropped) {
        fprintf(out, "(%zu more diagnostics not shown)\n", dropped);
    }
}

int
slc_diags_to_error(const struct slc_diags *d, int code, struct slc_error *err)
{
    const struct slc_diag *first = NULL;
    char line[SLC_ERROR_MSG_SIZE];

    for (size_t i = 0; i < d->len && !first; i++) {
        if (d->items[i].severity == SLC_DIAG_ERROR) {
            first = &d->items[i];
        }
    }
    if (!first && d->len) {
        first = &d->items[0];
    }
    if (!first) {
        return slc_error_set(err, code, "%s", slc_strerror(code));
    }
    slc_diag_format(first, line, sizeof line);
    if (d->n_errors > 1) {
        return slc_error_set(err, code, "%s (and %zu more errors)", line,
                             d->n_errors - 1);
    }
    return slc_error_set(err, code, "%s", line);
}

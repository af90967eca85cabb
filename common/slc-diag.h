/* Diagnostics: the list of every error and warning found in an input.
 *
 * Validation reports all problems of a file, not only the first, each with
 * the object it concerns ("vnfd 'x'"), the path inside it
 * ("vnfd[0].vdu[1].int-cpd[2].id"), the source position, and a message that
 * quotes the bad value.  Printed as
 *     file:line:col: error: vnfd 'x': vnfd[0].vdu[1].id: ... */
#ifndef SLC_DIAG_H
#define SLC_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "slc-error.h"

enum slc_diag_severity {
    SLC_DIAG_ERROR,
    SLC_DIAG_WARNING,
};

/* A position in a source file; 1-based, line 0 when unknown. */
struct slc_pos {
    unsigned line;
    unsigned col;
};

struct slc_diag {
    enum slc_diag_severity severity;
    char *file;    /* source name, may be NULL */
    struct slc_pos pos;
    char *subject; /* "vnfd 'x'", may be NULL */
    char *path;    /* "vnfd[0].vdu[1]", may be NULL */
    char *msg;
};

/* At most this many diagnostics are kept; the rest are only counted. */
#define SLC_DIAGS_MAX 500

struct slc_diags {
    struct slc_diag *items;
    size_t len;        /* kept */
    size_t cap;
    size_t n_errors;   /* all errors, kept or not */
    size_t n_warnings; /* all warnings, kept or not */
};

#define SLC_DIAGS_INIT {0}

/* Adds one diagnostic.  'file', 'subject' and 'path' may be NULL and are
 * copied.  Allocation failure drops the entry but still counts it. */
void slc_diags_add(struct slc_diags *d, enum slc_diag_severity severity,
                   const char *file, struct slc_pos pos, const char *subject,
                   const char *path, const char *fmt, ...) SLC_PRINTF(7, 8);

/* Frees the entries; 'd' may be reused afterwards.  Accepts NULL. */
void slc_diags_clear(struct slc_diags *d);

static inline bool
slc_diags_has_errors(const struct slc_diags *d)
{
    return d->n_errors > 0;
}

/* Formats one diagnostic on one line (no newline) into 'buf'. */
void slc_diag_format(const struct slc_diag *diag, char *buf, size_t size);

/* Prints every kept diagnostic, one a line, and a count of dropped ones. */
void slc_diags_print(const struct slc_diags *d, FILE *out);

/* Fills 'err' with 'code' and the first error (or, with no error, the first
 * warning) and the number of others; returns 'code'. */
int slc_diags_to_error(const struct slc_diags *d, int code,
                       struct slc_error *err);

#endif

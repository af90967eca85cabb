/* Error objects shared by every layer.
 *
 * Functions return int: 0 on success or a negative SLC_E* code.  The message
 * goes into a struct slc_error that each layer may prefix with context
 * ("vim 'edge1': create port: ..."), libgit2-style.  The REST layer (later)
 * maps the codes to HTTP statuses in one table. */
#ifndef SLC_ERROR_H
#define SLC_ERROR_H

#include <stddef.h>

#define SLC_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))

/* The error codes, defined once: name and text. */
#define SLC_ERRCODES(X)                                                      \
    X(NOTFOUND, -1, "not found")                                             \
    X(EXISTS, -2, "already exists")                                          \
    X(INVALID, -3, "invalid input")                                          \
    X(CONFLICT, -4, "conflict")                                              \
    X(BUSY, -5, "busy")                                                      \
    X(UNSUPPORTED, -6, "unsupported")                                        \
    X(TIMEOUT, -7, "timed out")                                              \
    X(IO, -8, "input/output error")                                          \
    X(NOMEM, -9, "out of memory")                                            \
    X(TOOBIG, -10, "too big")                                                \
    X(DENIED, -11, "permission denied")                                      \
    X(UNAUTHENTICATED, -12, "not authenticated")

enum slc_errcode {
    SLC_OK = 0,
#define SLC_ERRCODE_ENUM(name, value, text) SLC_E##name = value,
    SLC_ERRCODES(SLC_ERRCODE_ENUM)
#undef SLC_ERRCODE_ENUM
};

#define SLC_ERROR_MSG_SIZE 1024

struct slc_error {
    int code;                      /* SLC_OK or an SLC_E* code */
    char msg[SLC_ERROR_MSG_SIZE];  /* human text, never NULL-terminated-less */
};

/* Records 'code' and a formatted message in 'err' (which may be NULL) and
 * returns 'code', so that callers can write 'return slc_error_set(...)'. */
int slc_error_set(struct slc_error *err, int code, const char *fmt, ...)
    SLC_PRINTF(3, 4);

/* Prepends "<context>: " to the message in 'err' (which may be NULL) and
 * returns its code. */
int slc_error_prefix(struct slc_error *err, const char *fmt, ...)
    SLC_PRINTF(2, 3);

/* Replaces each byte of 's' that is not part of a valid UTF-8 sequence
 * with '?', in place: a message quoting what a client sent (a path, an
 * id) must still go into a JSON string. */
void slc_utf8_scrub(char *s);

/* Short text of a code ("not found"); "unknown error" for others. */
const char *slc_strerror(int code);

/* Upper-case name of a code ("NOTFOUND"); "OK" for 0. */
const char *slc_errname(int code);

#endif

/* Logging with levels and a module name per file.
 *
 * Each .c file that logs defines its module once, before using the macros:
 *     SLC_LOG_MODULE(store);
 * and then writes SLC_WARN("store '%s': ...", path).  A line starts with the
 * object it is about.  Formats are checked by the compiler.  Messages that
 * outside input can trigger go through SLC_*_RL, which rate-limits per call
 * site (at most a burst of 10, then 1 per second, counting what it drops). */
#ifndef SLC_LOG_H
#define SLC_LOG_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "slc-error.h"

enum slc_log_level {
    SLC_LOG_ERR,
    SLC_LOG_WARN,
    SLC_LOG_INFO,
    SLC_LOG_DEBUG,
};

/* Per-call-site rate limit state, zero-initialised. */
struct slc_ratelimit {
    time_t window;        /* second of the current window */
    unsigned tokens_used; /* lines logged in the burst */
    unsigned dropped;     /* lines dropped since the last one logged */
};

/* Sets the lowest level that is printed (default SLC_LOG_INFO). */
void slc_log_set_level(enum slc_log_level level);

/* Sends log lines to 'stream' (default stderr); NULL restores stderr. */
void slc_log_set_stream(FILE *stream);

/* Parses "err", "warn", "info" or "debug"; returns -1 on other text. */
int slc_log_level_from_name(const char *name);

bool slc_log_enabled(enum slc_log_level level);

void slc_log(enum slc_log_level level, const char *module,
             struct slc_ratelimit *rl, const char *fmt, ...)
    SLC_PRINTF(4, 5);

#define SLC_LOG_MODULE(name) static const char slc_log_module[] = #name

#define SLC_LOG_AT(level, ...)                                               \
    do {                                                                     \
        if (slc_log_enabled(level)) {                                        \
            slc_log(level, slc_log_module, NULL, __VA_ARGS__);               \
        }                                                                    \
    } while (0)

#define SLC_LOG_AT_RL(level, ...)                                            \
    do {                                                                     \
        static struct slc_ratelimit slc_rl_;                                 \
        if (slc_log_enabled(level)) {                                        \
            slc_log(level, slc_log_module, &slc_rl_, __VA_ARGS__);           \
        }                                                                    \
    } while (0)

#define SLC_ERR(...) SLC_LOG_AT(SLC_LOG_ERR, __VA_ARGS__)
#define SLC_WARN(...) SLC_LOG_AT(SLC_LOG_WARN, __VA_ARGS__)
#define SLC_INFO(...) SLC_LOG_AT(SLC_LOG_INFO, __VA_ARGS__)
#define SLC_DEBUG(...) SLC_LOG_AT(SLC_LOG_DEBUG, __VA_ARGS__)
#define SLC_WARN_RL(...) SLC_LOG_AT_RL(SLC_LOG_WARN, __VA_ARGS__)
#define SLC_INFO_RL(...) SLC_LOG_AT_RL(SLC_LOG_INFO, __VA_ARGS__)

#endif

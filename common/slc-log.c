/* Logging: levels, module names, per-call-site rate limits. */
#include "slc-log.h"

#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>

/* The only process-wide state in common/: where log lines go and how much
 * is printed.  Logging is a property of the process, not of a context. */
static enum slc_log_level log_level = SLC_LOG_INFO;
static FILE *log_stream;

static const char *const level_names[] = {
    [SLC_LOG_ERR] = "err",
    [SLC_LOG_WARN] = "warn",
    [SLC_LOG_INFO] = "info",
    [SLC_LOG_DEBUG] = "debug",
};

#define RL_BURST 10

void
slc_log_set_level(enum slc_log_level level)
{
    log_level = level;
}

void
slc_log_set_stream(FILE *stream)
{
    log_stream = stream;
}

int
slc_log_level_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof level_names / sizeof level_names[0]; i++) {
        if (!strcasecmp(name, level_names[i])) {
            return (int)i;
        }
    }
    return -1;
}

bool
slc_log_enabled(enum slc_log_level level)
{
    return level <= log_level;
}

/* Returns true when the line may be printed; counts the dropped ones. */
static bool
ratelimit_allow(struct slc_ratelimit *rl, time_t now)
{
    if (rl->window != now) {
        rl->window = now;
        rl->tokens_used = 0;
    }
    if (rl->tokens_used < RL_BURST) {
        rl->tokens_used++;
        return true;
    }
    rl->dropped++;
    return false;
}

void
slc_log(enum slc_log_level level, const char *module,
        struct slc_ratelimit *rl, const char *fmt, ...)
{
    FILE *out = log_stream ? log_stream : stderr;
    struct timeval tv;
    struct tm tm;
    char stamp[32];
    char line[2048];
    va_list ap;

    gettimeofday(&tv, NULL);
    if (rl && !ratelimit_allow(rl, tv.tv_sec)) {
        return;
    }
    gmtime_r(&tv.tv_sec, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    flockfile(out);
    fprintf(out, "%s.%03ldZ %s %s: ", stamp, (long)(tv.tv_usec / 1000),
            level_names[level], module);
    if (rl && rl->dropped) {
        fprintf(out, "(%u similar lines dropped) ", rl->dropped);
        rl->dropped = 0;
    }
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fputs(line, out);
    fputc('\n', out);
    fflush(out);
    funlockfile(out);
}

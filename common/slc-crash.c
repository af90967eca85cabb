/* Crash points; see slc-crash.h. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "slc-crash.h"

void
slc_crash_point(const char *kind)
{
    /* per process: one daemon, one count per kind in its life */
    static unsigned seen_step, seen_vim, seen_other;
    const char *at = getenv("SLC_CRASH_AT");
    size_t len = strlen(kind);
    unsigned *seen = !strcmp(kind, "step") ? &seen_step
                     : !strcmp(kind, "vim") ? &seen_vim
                                            : &seen_other;
    unsigned n = (*seen)++;

    if (at && !strncmp(at, kind, len) && at[len] == ':' &&
        strtoul(at + len + 1, NULL, 10) == n) {
        fprintf(stderr, "crash point %s:%u: killing myself (SLC_CRASH_AT)\n",
                kind, n);
        raise(SIGKILL);
    }
}

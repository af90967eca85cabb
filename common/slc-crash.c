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
    /* per process: one daemon, one count per kind in its life (a kind's
     * points are numbered whatever other kinds a run passes) */
    static const char *const kinds[] = {"step", "claim", "vim", "sdn"};
    static unsigned seen[sizeof kinds / sizeof *kinds + 1];
    const char *at = getenv("SLC_CRASH_AT");
    size_t len = strlen(kind), k = 0;
    unsigned n;

    while (k < sizeof kinds / sizeof *kinds && strcmp(kinds[k], kind)) {
        k++;
    }
    n = seen[k]++; /* an unknown kind counts apart from the known ones */

    if (at && !strncmp(at, kind, len) && at[len] == ':' &&
        strtoul(at + len + 1, NULL, 10) == n) {
        fprintf(stderr, "crash point %s:%u: killing myself (SLC_CRASH_AT)\n",
                kind, n);
        raise(SIGKILL);
    }
}

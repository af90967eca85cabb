/* slicectl's commands that talk to slicerd over REST (slicectl-rest.c and
 * the slicectl-*.c files beside it). */
#ifndef SLC_SLICECTL_REST_H
#define SLC_SLICECTL_REST_H

#include <stdbool.h>
#include <stdio.h>

/* slicectl's exit codes, the same for every command (usage() prints
 * them). */
enum {
    SLC_CTL_EXIT_OK = 0,
    SLC_CTL_EXIT_USAGE = 1,       /* bad arguments or input files */
    SLC_CTL_EXIT_REFUSED = 2,     /* slicerd (or the local store) refused
                                     the request, or the operation waited
                                     for did not end COMPLETED */
    SLC_CTL_EXIT_UNREACHABLE = 3, /* no answer: connection, TLS, time */
    SLC_CTL_EXIT_TIMEOUT = 4,     /* --wait-timeout passed, the operation
                                     still running */
};

/* How records and lists are printed (--output). */
enum slc_ctl_output {
    SLC_CTL_OUT_TABLE, /* lists as aligned columns with a header, records
                          as their summaries */
    SLC_CTL_OUT_JSON,
    SLC_CTL_OUT_YAML,
};

struct slc_remote_opts {
    const char *url;          /* base URL ending in /osm */
    const char *cacert;       /* certificates to trust for HTTPS, or NULL:
                                 a local slicerd's own, else the system's */
    enum slc_ctl_output output;
    double wait_timeout;      /* seconds --wait waits at most; 0: no
                                 limit but the operation's own */
};

/* Runs REST command 'name'; returns the process exit code, or -1 when
 * 'name' is not a REST command. */
int slc_remote_command(const struct slc_remote_opts *o, const char *name,
                       int argc, char **argv);

/* Prints the REST commands' usage lines, by group. */
void slc_remote_usage(FILE *out);

#endif

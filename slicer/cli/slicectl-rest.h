/* slicectl's commands that talk to slicerd over REST (slicectl-rest.c). */
#ifndef SLC_SLICECTL_REST_H
#define SLC_SLICECTL_REST_H

#include <stdbool.h>
#include <stdio.h>

struct slc_remote_opts {
    const char *url;          /* base URL ending in /osm */
    const char *cacert;       /* certificates to trust for HTTPS, or NULL:
                                 a local slicerd's own, else the system's */
    bool json;
};

/* Runs REST command 'name'; returns the process exit code, or -1 when
 * 'name' is not a REST command. */
int slc_remote_command(const struct slc_remote_opts *o, const char *name,
                       int argc, char **argv);

/* Prints the REST commands' usage lines. */
void slc_remote_usage(FILE *out);

#endif

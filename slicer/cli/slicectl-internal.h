/* What slicectl's REST command files share (slicectl-rest.c: the
 * session, calls, the command table; slicectl-infra.c: VIM accounts and
 * SDN controllers).  Not for use outside slicer/cli/. */
#ifndef SLC_SLICECTL_INTERNAL_H
#define SLC_SLICECTL_INTERNAL_H

#include <jansson.h>

#include "rest-client.h"
#include "slicectl-rest.h"

struct remote {
    const struct slc_remote_opts *o;
    struct slc_client client;
    char token[128];
};

/* Sends 'body' (taken; may be NULL) as JSON; the reply's document in
 * '*out'.  0, 1 (transport error) or 2 (refused: its detail printed). */
int slc_ctl_call_json(struct remote *r, const char *method, const char *path,
                      json_t *body, json_t **out);
/* The string member 'key' of 'o', or "-". */
const char *slc_ctl_str(const json_t *o, const char *key);
/* A mapping given to 'option' in JSON or YAML ("{port: 80}"); 1 with the
 * problem printed when it is not one. */
int slc_ctl_parse_params(const char *option, const char *text, json_t **out);

/* slicectl-infra.c: vim-create, vim-update, sdnc-create. */
int slc_ctl_vim_create(struct remote *r, int argc, char **argv);
int slc_ctl_vim_update(struct remote *r, int argc, char **argv);
int slc_ctl_sdnc_create(struct remote *r, int argc, char **argv);

#endif

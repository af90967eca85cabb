/* The sim VIM's state shared through etcd by several slicerd
 * (sim-shared.c).  Private to vim-drivers/. */
#ifndef SLC_SIM_SHARED_H
#define SLC_SIM_SHARED_H

#include <jansson.h>

#include "slc-error.h"

struct sim_shared;

/* A handle on the shared state of sim account 'account' in the etcd
 * store at 'location' ("etcd://..."). */
int slc_sim_shared_open(const char *location, const char *account,
                        struct sim_shared **out, struct slc_error *err);
/* Accepts NULL. */
void slc_sim_shared_close(struct sim_shared *h);

/* Takes the lock and reads the state: '*state' a new object (empty the
 * first time).  Blocks while another instance holds it, up to 5 s
 * (SLC_ETIMEOUT). */
int slc_sim_shared_lock(struct sim_shared *h, json_t **state,
                        struct slc_error *err);
/* Writes 'state' (borrowed; NULL: unchanged) and gives the lock back. */
int slc_sim_shared_unlock(struct sim_shared *h, const json_t *state,
                          struct slc_error *err);

#endif

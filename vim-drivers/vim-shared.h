/* The resource table of a VIM account kept in etcd, for several slicerd
 * on one store (vim-shared.c): one key per resource, so that a write
 * costs what the resource weighs, not what the whole table does.
 * Private to vim-drivers/.
 *
 * Keys, under /PREFIX/vim-state/ACCOUNT/:
 * - r/ID       a resource's record (JSON); ID is the driver's ("ports/p1");
 * - version    written with every change: its mod_revision tells a reader
 *              whether its copy of the table is still current;
 * - lock       the allocation lock, under a lease of its own (2 s), so
 *              that two instances never choose the same VLAN or subnet;
 * - once/WHAT  a key put only if absent: who put it first does WHAT. */
#ifndef SLC_VIM_SHARED_H
#define SLC_VIM_SHARED_H

#include <jansson.h>
#include <stdbool.h>

#include "slc-error.h"

struct vim_shared;

/* A handle on account 'account's table in the etcd store at 'location'
 * ("etcd://..."). */
int vim_shared_open(const char *location, const char *account,
                    struct vim_shared **out, struct slc_error *err);
/* Accepts NULL. */
void vim_shared_close(struct vim_shared *h);

/* The key prefix of the records ("/PREFIX/vim-state/ACCOUNT/"), for a
 * watch. */
const char *vim_shared_prefix(const struct vim_shared *h);

/* Brings '*table' (ID -> record) up to the store's: one small read when
 * nothing changed since this handle last read or wrote, else every
 * record again, in a new object ('*table' released; '*reloaded' true). */
int vim_shared_sync(struct vim_shared *h, json_t **table, bool *reloaded,
                    struct slc_error *err);

/* Writes 'writes' (ID -> record, or JSON null: deleted) in one etcd
 * transaction, with the version.  When another instance wrote since this
 * handle's last read, the next sync reads everything again. */
int vim_shared_write(struct vim_shared *h, const json_t *writes,
                     struct slc_error *err);

/* Takes the allocation lock, waiting up to 5 s for another instance to
 * give it back (SLC_ETIMEOUT), then syncs '*table' as vim_shared_sync. */
int vim_shared_lock(struct vim_shared *h, json_t **table, bool *reloaded,
                    struct slc_error *err);
void vim_shared_unlock(struct vim_shared *h);

/* Puts once/'what' unless it exists: '*first' true for the one instance
 * that did. */
int vim_shared_once(struct vim_shared *h, const char *what, bool *first,
                    struct slc_error *err);
/* Deletes the once/ keys starting with 'what'. */
void vim_shared_forget_once(struct vim_shared *h, const char *what);

#endif

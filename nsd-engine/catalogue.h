/* The descriptor catalogue: VNFDs, NSDs, PNFDs and NSTs kept in the store,
 * keyed by a generated UUID (the record id, OSM's "_id") and by the
 * descriptor id (the record name).
 *
 * Stored documents are the SOL006 form of the descriptor (old-IM input is
 * converted first) plus OSM's "_id" and "_admin" (onboardingState,
 * operationalState, usageState, created, modified, format).  References
 * between descriptors (NSD -> VNFD/PNFD, NST -> NSD) are store links:
 * onboarding a descriptor whose references are not onboarded fails with
 * the missing ids, and a referenced descriptor cannot be deleted (nor
 * changed in a way that breaks its users).  Every operation is one store
 * transaction: it happens entirely or not at all. */
#ifndef SLC_CATALOGUE_H
#define SLC_CATALOGUE_H

#include <jansson.h>
#include <stdbool.h>

#include "model.h"
#include "slc-diag.h"
#include "slc-error.h"
#include "slc-store.h"

/* Options of onboarding (all members may be 0/NULL). */
struct slc_onboard_opts {
    const char *project;   /* owner: _admin.projects_read/_write */
    unsigned kinds;        /* allowed kinds, mask of 1 << kind; 0 = any */
    const char *uuid;      /* _id to use (exactly one descriptor) */
    const char *draft_coll;/* a record 'uuid' there is deleted with it */
    const json_t *user_data; /* SOL005 userDefinedData, borrowed */
    /* the package's scripts/ folder, {name: text} (borrowed; NULL: the
     * input is a bare descriptor), kept in the VNFD's _admin.scripts */
    const json_t *scripts;
    bool single;           /* exactly one descriptor (a REST upload: one
                              record per request, one id in the reply) */
};

/* Onboards every descriptor of the YAML/JSON input 'buf' named 'name'
 * into project opts->project (ids are unique per project, and references
 * resolve to the project's descriptors or those shared with it).
 * 'opts' may be NULL.
 * On success returns 0 and '*created' (new reference, may be NULL) an
 * array of {"kind", "id", "_id"}.  Fails with SLC_EINVALID (validation:
 * all problems in 'diags'), SLC_EEXISTS (a descriptor with that id is
 * already onboarded), SLC_ECONFLICT (referenced descriptors missing: the
 * message lists them) or a store error; then nothing is stored. */
int slc_catalogue_onboard(struct slc_store *st, const char *buf, size_t size,
                          const char *name,
                          const struct slc_onboard_opts *opts,
                          json_t **created,
                          struct slc_diags *diags, struct slc_error *err);

/* Lists descriptors of 'kind' as an array (new reference) of
 * {"_id", "id", "name", "version", "format", "rev"}. */
int slc_catalogue_list(struct slc_store *st, enum slc_desc_kind kind,
                       json_t **out, struct slc_error *err);

/* Reads a descriptor by UUID or by descriptor id into 'out' (caller
 * clears it), as scope 'sc' sees them (NULL: all; an id in several
 * projects is the scope's own).  SLC_ENOTFOUND when neither matches. */
int slc_catalogue_get(struct slc_store *st, enum slc_desc_kind kind,
                      const char *key, const struct slc_scope *sc,
                      struct slc_record *out, struct slc_error *err);

/* Replaces the descriptor 'key' (its _id, or an id unique in the store)
 * with the single descriptor in 'buf'.  The same checks as onboarding
 * apply in the descriptor's project, and the change must not break any
 * descriptor that references it (SLC_ECONFLICT naming it). */
int slc_catalogue_update(struct slc_store *st, enum slc_desc_kind kind,
                         const char *key, const char *buf, size_t size,
                         const char *name, struct slc_diags *diags,
                         struct slc_error *err);

/* Deletes descriptor 'key'.  SLC_ECONFLICT, naming the users, while other
 * descriptors reference it. */
int slc_catalogue_delete(struct slc_store *st, enum slc_desc_kind kind,
                         const char *key, struct slc_error *err);

#endif

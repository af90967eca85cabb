/* NS lifecycle: NS records (NSR) and VNF records (VNFR) as OSM shapes them,
 * and the operations on them (instantiate, terminate, scale): checks of the
 * NS state (409), the plan of VIM steps each operation runs on the engine
 * (engine.h), and how its outcome is written back to the records.
 *
 * Collections: "nsrs" (name = nsName), "vnfrs", "nslcmops" (name = NS id).
 * Every function here is one store transaction. */
#ifndef SLC_NS_LCM_H
#define SLC_NS_LCM_H

#include <jansson.h>
#include <stdbool.h>

#include "slc-error.h"
#include "slc-store.h"

/* Creates the NSR and its VNFRs (NOT_INSTANTIATED) for an ns_instantiate
 * request 'req' (shape already checked): nsdId (NSD _id or id), nsName,
 * vimAccountId, ...; owned by 'project'.  The NSR id goes to 'nsr_id'.
 * SLC_ENOTFOUND naming the NSD or VIM account; SLC_ECONFLICT when the NSD
 * is DISABLED. */
/* Helpers on records, for the slice manager too. */
/* The string member 'key' of 'o', or NULL (borrowed). */
const char *slc_ns_str(const json_t *o, const char *key);
/* The item of 'list' whose string member 'key' equals 'value' (borrowed),
 * or NULL. */
json_t *slc_ns_find(const json_t *list, const char *key, const char *value);
/* True when 'list' holds the string 'value'. */
bool slc_ns_has(const json_t *list, const char *value);
/* Reads record 'key' of 'coll' by _id, else by name, as scope 'sc' sees
 * them (NULL: everything); SLC_ENOTFOUND names 'what' and the key. */
int slc_ns_get_record(struct slc_store *st, const char *coll,
                      const char *what, const char *key,
                      const struct slc_scope *sc, struct slc_record *out,
                      struct slc_error *err);
/* As slc_ns_get_record, for a caller that only reads the document
 * (slc_store_get_shared). */
int slc_ns_get_shared(struct slc_store *st, const char *coll,
                      const char *what, const char *key,
                      const struct slc_scope *sc, struct slc_record *out,
                      struct slc_error *err);
/* A number that OSM files may also write as a string; 0 otherwise. */
double slc_ns_number(const json_t *v);
/* The VNF records of NS 'nsr_id' as a new array. */
int slc_ns_load_vnfrs(struct slc_store *st, const char *nsr_id,
                      json_t **out, struct slc_error *err);

/* Creates the records of NS request 'req' (nsdId, vimAccountId, ...) in
 * the project of scope 'sc', whose NSDs, VNFDs and VIM accounts (its own
 * and those shared with it) are the only ones it may name.  'nsi_user'
 * (may be NULL): the slice instance the NS is made for, its first entry in
 * _admin.netslice-users.  'out' (may be NULL) gets the NS record as
 * stored, so that the caller need not read it back; with 'nsi_user' it is
 * the very tree the store hands to the record's next reader
 * (slc_record.give), for the caller to read only. */
int slc_ns_create(struct slc_store *st, const json_t *req,
                  const struct slc_scope *sc, double now,
                  const char *nsi_user, char nsr_id[40],
                  struct slc_record *out, struct slc_error *err);

/* Creates operation 'type' (instantiate, terminate, scale) on the NS whose
 * record 'nsr' the caller has just read, with the request 'params' and a
 * deadline 'timeout' seconds from 'now', builds its plan and marks the NS
 * busy ('nsr' is updated; SLC_ECONFLICT if the stored one moved on since
 * it was read).  SLC_EBUSY when another operation is in progress,
 * SLC_ECONFLICT when the NS state forbids it, SLC_EINVALID for bad scale
 * parameters.  The stored operation goes to 'op' (caller
 * clears it), which the caller then starts on the engine with '*context'
 * (a new reference: the NS and VNF records as stored, for the finish
 * hook). */
int slc_ns_op_create(struct slc_store *st, struct slc_record *nsr,
                     const char *type, const json_t *params, double now,
                     double timeout, struct slc_record *op,
                     json_t **context, struct slc_error *err);

/* As slc_ns_op_create(), for a try whose writes the caller undoes (an
 * admission's dry run): the plan is made and placed (placement and PDU
 * bindings are written, for the NSs tried after it), but neither the
 * operation nor the NS record is written, and 'nsr->doc' is left as it
 * was (it may be a tree the store keeps, slc_record.give).  'op' gets the
 * operation's document (revision 0): its plan, not its links or marks. */
int slc_ns_op_try(struct slc_store *st, struct slc_record *nsr,
                  const char *type, const json_t *params, double now,
                  double timeout, struct slc_record *op, json_t **context,
                  struct slc_error *err);

/* Whether NS 'nsr' (just read) could run day-2 action 'req' (OSM's
 * ns_action body) now: its state, and the action planned without storing
 * anything.  The errors slc_ns_op_create() would give. */
int slc_ns_check_action(struct slc_store *st, const struct slc_record *nsr,
                        const json_t *req, struct slc_error *err);

/* Automatic heal, when a VIM lost the compute tagged 'tag' (an NS's VDU)
 * and VIM account 'account_id' asks for it (config.auto_heal: true, or
 * {max_per_hour: N}; 3 an hour by default): starts a heal of that VDU
 * on engine 'e', with day-1 run again, unless the NS is busy or the
 * account had its share of heals in the last hour ('history': account ->
 * [times], kept by the caller).  0 with 'op_id' set when one started,
 * with op_id "" when none was due (the reason is logged). */
struct slc_engine;
int slc_ns_auto_heal(struct slc_store *st, struct slc_engine *e,
                     json_t *history, const char *account_id,
                     const char *tag, const char *why, double now,
                     char op_id[40], struct slc_error *err);

/* The engine's finish hook: writes an operation's outcome to its NSR and
 * VNFRs (and deletes them after a terminate with autoremove).  It starts
 * from the records in 'context' when they are still the stored ones (the
 * NS record's revision says so), else it reads them. */
int slc_ns_op_finish(struct slc_store *st, json_t *op, json_t *context,
                     double now, struct slc_error *err);

/* Deletes NS 'nsr_id', its VNFRs and its operations.  SLC_ECONFLICT while
 * it is instantiated or busy, unless 'force'. */
int slc_ns_delete(struct slc_store *st, const char *nsr_id, bool force,
                  struct slc_error *err);

#endif

/* The NS engine: runs lifecycle operations (instantiate, terminate, scale)
 * as state machines of steps over the VIM drivers, and owns the driver
 * instances of the VIM accounts.
 *
 * An operation is a stored record (collection "nslcmops") whose
 * "_admin.steps" list is its plan: create/delete a network, port or
 * compute, with dependencies between steps.  Steps whose dependencies are
 * done run in parallel; every step is persisted as RUNNING before its VIM
 * call and as DONE (with the VIM's id) after it.  When a step fails, the
 * steps already done are undone in reverse dependency order and the
 * operation ends FAILED, as in OSM, with "rollback": {state: COMPLETED
 * (everything undone), FAILED (an undo failed too) or NOT_NEEDED, undone:
 * the names of the steps undone}.  After a
 * crash, slc_engine_recover() reconciles every VIM with what the store
 * says exists and resumes every unfinished operation from its last
 * persisted step.
 *
 * Neighbours: ns-lcm.c (builds plans, applies results to NS and VNF
 * records), vim-drivers/vim.h (the drivers), slicer/ (REST). */
#ifndef SLC_ENGINE_H
#define SLC_ENGINE_H

#include <jansson.h>
#include <stdbool.h>

#include "sdn.h"
#include "slc-cluster.h"
#include "slc-error.h"
#include "slc-store.h"
#include "vim.h"

struct event_base;
struct slc_engine;

/* Called when an operation reaches a final state, inside the transaction
 * that stores it: applies the outcome to the records it concerns (the NS,
 * its VNFs).  'op' is the operation document, which the hook may change;
 * 'context' is what the operation was started with (NULL when it was
 * resumed after a restart).  A non-zero return fails the operation's
 * completion (it is retried at the next start). */
typedef int (*slc_engine_finish_fn)(struct slc_store *st, json_t *op,
                                    json_t *context, double now,
                                    struct slc_error *err);

/* Told, after it is stored, that an operation's operationState changed:
 * when it starts (not when it is resumed after a restart), when it starts
 * rolling back, and when it ends.  'op' is borrowed for the call.  Used
 * to drive what waits on operations (slices) and to notify subscribers,
 * without polling. */
typedef void (*slc_engine_state_fn)(void *arg, const json_t *op);

/* Told that a VIM lost a resource of an NS while the daemon ran (its NS
 * is marked degraded first): the VIM account, the resource's tag, how.
 * What automatic heal hangs on. */
typedef void (*slc_engine_lost_fn)(void *arg, const char *account_id,
                                   const char *tag, const char *why);

struct slc_engine_params {
    struct slc_store *st;
    struct event_base *base;
    const struct slc_vim_registry *vims;
    /* The SDN drivers chains may use (NULL: none can chain). */
    const struct slc_sdn_registry *sdns;
    const char *state_dir;    /* given to VIM drivers (may be NULL) */
    const char *helper_dir;   /* where helper programs are (may be NULL) */
    double (*now)(void);
    double call_timeout;      /* seconds a VIM call may take */
    unsigned max_parallel;    /* steps in flight per operation */
    slc_engine_finish_fn finish;
    slc_engine_state_fn state_changed; /* may be NULL */
    slc_engine_lost_fn lost;           /* may be NULL */
    void *state_arg;                   /* for both */
    /* Collections whose unfinished operations recovery resumes (NULL:
     * "nslcmops" only), and whose records list what exists on the VIMs
     * in "_admin.deployed.resources" (NULL: "nsrs" only).  NULL-ended. */
    const char *const *op_collections;
    const char *const *resource_collections;
    /* Several slicerd on one store (slc-cluster.h; NULL: this one alone):
     * an operation runs where its claim is, and recovery reconciles the
     * VIMs only when no other instance is alive. */
    struct slc_cluster *cluster;
    /* With a cluster: the store's location, where drivers whose
     * infrastructure lives in the process keep it (slc_vim_params). */
    const char *shared_state;
};

/* An operation document names its collection in "_admin.collection"
 * ("nslcmops" when absent), and its owner, which is the record name, in
 * "nsInstanceId" or, for an operation of a slice, "netsliceInstanceId". */
const char *slc_engine_op_collection(const json_t *op);

/* Applies a finished operation's steps to a list of resources (the
 * "_admin.deployed.resources" of its owner): creates that exist are added
 * (even after a failed undo: they must be deleted later), deletes that
 * happened are removed. */
void slc_engine_update_resources(json_t *resources, const json_t *steps);

int slc_engine_new(const struct slc_engine_params *p,
                   struct slc_engine **out, struct slc_error *err);
/* Stops everything (operations stay stored as they are, to be recovered
 * by the next engine) and frees the engine.  Accepts NULL. */
void slc_engine_free(struct slc_engine *e);

/* Marks RUNNING the steps of new operation document 'doc' that wait for
 * nothing, before it is first stored: slc_engine_start() then launches
 * them without storing the operation again first.  A step stored so may
 * have been launched, so a recovery verifies it by its tag, as it does
 * every step a crash left RUNNING. */
void slc_engine_mark_first_steps(json_t *doc);

/* Starts running an operation (state PROCESSING) just stored as 'op':
 * the engine takes its document and revision, so it is not read back.
 * 'context' (a new reference, may be NULL) goes to the finish hook: the
 * records the operation was planned from, so that it need not read them
 * again. */
int slc_engine_start(struct slc_engine *e, struct slc_record *op,
                     json_t *context, struct slc_error *err);

/* Whether this engine runs operation 'id' now (started or resumed here
 * and not ended): its state in the store is not final, and its end will
 * be told to the state hook. */
bool slc_engine_runs(const struct slc_engine *e, const char *id);

/* After a restart: reconciles every VIM account's driver against the
 * store, then resumes every unfinished operation.  In a cluster, only
 * the operations no live instance holds, and the VIMs are reconciled
 * only when this instance is the only one alive. */
int slc_engine_recover(struct slc_engine *e, struct slc_error *err);

/* In a cluster, after an instance died: resumes the unfinished
 * operations no live instance holds (one stored by the dead instance
 * just before it could claim it has no claim to take over).  Each is
 * claimed first, so one survivor runs it. */
void slc_engine_resume_unclaimed(struct slc_engine *e);

/* Resumes stored operation 'id' of collection 'coll' from its steps: one
 * this instance took over from a dead one.  Nothing when it has ended. */
int slc_engine_resume(struct slc_engine *e, const char *coll, const char *id,
                      struct slc_error *err);

/* The driver instance of VIM account 'account_id', opened on first use
 * (borrowed; valid until slc_engine_forget_vim()). */
int slc_engine_vim(struct slc_engine *e, const char *account_id,
                   struct slc_vim **out, struct slc_error *err);
/* Asks the driver of 'account' (a VIM account document, borrowed; its _id
 * may be absent for one being created) whether it can run on this host
 * now (the class's probe).  0 when it can or its driver does not say. */
int slc_engine_vim_probe(struct slc_engine *e, const json_t *account,
                         struct slc_error *err);
/* Drops the driver instance of an account that changed or went away
 * (and its SDN assist). */
void slc_engine_forget_vim(struct slc_engine *e, const char *account_id);
/* Drops the SDN assist instances of SDN controller record 'sdn_id' (it
 * changed or went away); they open again on next use. */
void slc_engine_forget_sdn(struct slc_engine *e, const char *sdn_id);
/* The outcome of a check: rc 0, or an SLC_E* code and the controller's
 * words. */
typedef void (*slc_engine_check_fn)(void *arg, int rc, const char *msg);
/* Checks that the controller SDN controller record 'record' describes
 * answers and takes its credentials (the driver's check_credentials),
 * before the record is stored; 'done' gets the outcome later, from the
 * loop.  '*started' is false when there is nothing to check (a driver
 * without the check, an ovs record without url): then 'done' is not
 * called. */
int slc_engine_sdn_check(struct slc_engine *e, const json_t *record,
                         slc_engine_check_fn done, void *arg, bool *started,
                         struct slc_error *err);
/* Checks that the VIM of VIM account record 'record' answers and takes
 * its credentials (the driver's check), before the record is stored, as
 * slc_engine_sdn_check() does for controllers.  '*started' is false when
 * the VIM type has no check. */
int slc_engine_vim_check(struct slc_engine *e, const json_t *record,
                         slc_engine_check_fn done, void *arg, bool *started,
                         struct slc_error *err);
/* Ends the checks in flight, each with SLC_EIO and 'why' (the daemon
 * stops: their callers still answer). */
void slc_engine_cancel_checks(struct slc_engine *e, const char *why);
/* What the SDN assist of VIM account 'account_id' holds (its driver's
 * describe(), a new JSON object). */
int slc_engine_sdn_assist_describe(struct slc_engine *e,
                                   const char *account_id, json_t **out,
                                   struct slc_error *err);
/* What the VIM account's driver holds (new JSON object). */
int slc_engine_vim_describe(struct slc_engine *e, const char *account_id,
                            json_t **out, struct slc_error *err);

/* The capacity of the VIM account ({vcpus: {total, used}, ...}; new
 * JSON object, empty when the driver does not know it). */
int slc_engine_vim_capacity(struct slc_engine *e, const char *account_id,
                            json_t **out, struct slc_error *err);

/* The SDN driver instance that chains on VIM account 'account_id''s
 * switch, opened on first use (borrowed; valid until
 * slc_engine_forget_vim()): an "ovs" driver on the switch the VIM's driver
 * describes ("switch": {ovsdb, integration_bridge}), else the driver of
 * the account's sdn-controller.  SLC_EUNSUPPORTED when neither can
 * install forwarding programs.
 *
 * A step of kind "chain" installs (create) or removes (delete) forwarding
 * program spec.program_id on that switch; spec.chain is a chain in
 * sfc-chain.h's JSON form whose ports are {"step": k} (the switch port of
 * the port step k made) or switch port names.  Once installed, the
 * rendered program is kept in spec.program, and recovery re-installs the
 * programs of every stored chain resource.
 *
 * A step of kind "sdn" (SDN assist, engine-assist.c) creates, edits or
 * deletes a connectivity service on the SDN controller that the step's
 * VIM account names (config "sdn-controller").  spec = {type ("ELINE" |
 * "ELAN"), points: [{id, kind: "SR-IOV" | "PCI-PASSTHROUGH" | "PDU" |
 * "UPLINK" | "EXTERNAL", port: {"step": k} | vim id, known: {what the VIM
 * reported of an earlier port}, network: {"step": k} | vim id (UPLINK),
 * endpoint: {...} (EXTERNAL: a provider-network sdn-ports item)}],
 * service_id + previous (an edit, undone by making 'previous' again)}.
 * At launch the points become OSM's connection points
 * (spec.connection_points), from where the VIM says each port landed and
 * the account's sdn-port-mapping; the controller's conn_info is kept in
 * spec.conn_info, the service id in the step's vim_id.  Recovery makes
 * every stored service so again. */
int slc_engine_sdn(struct slc_engine *e, const char *account_id,
                   struct slc_sdn **out, struct slc_error *err);

/* Receives a program's counters (sdn.h's program_counters data) or an
 * error. */
typedef void (*slc_engine_counters_fn)(void *arg, int rc, const char *msg,
                                       const json_t *data);
/* Reads the counters of program 'program_id' on the switch of VIM account
 * 'account_id' (its fabric, through its sdn-controller, when 'fabric');
 * 'done' is called later from the loop. */
int slc_engine_chain_counters(struct slc_engine *e, const char *account_id,
                              uint32_t program_id, bool fabric,
                              slc_engine_counters_fn done, void *arg,
                              struct slc_error *err);
/* Ends the counters reads in flight: their 'done' gets SLC_EIO and 'why'
 * now (at shutdown, before the HTTP server that waits on them stops). */
void slc_engine_cancel_reads(struct slc_engine *e, const char *why);

/* Step states, defined once. */
#define SLC_STEP_STATES(X)                                                   \
    X(PENDING, "PENDING")                                                    \
    X(RUNNING, "RUNNING")                                                    \
    X(DONE, "DONE")                                                          \
    X(FAILED, "FAILED")                                                      \
    X(UNDOING, "UNDOING")                                                    \
    X(UNDONE, "UNDONE")

enum slc_step_state {
#define SLC_STEP_ENUM(name, text) SLC_STEP_##name,
    SLC_STEP_STATES(SLC_STEP_ENUM)
#undef SLC_STEP_ENUM
};

const char *slc_step_state_name(enum slc_step_state s);
int slc_step_state_from_name(const char *name);

#endif

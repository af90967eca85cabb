/* What engine.c and engine-sdn.c share: the in-memory operations and
 * driver instances of the engine, and the helpers both use.  Not for use
 * outside nsd-engine/engine*.c. */
#ifndef SLC_ENGINE_INTERNAL_H
#define SLC_ENGINE_INTERNAL_H

#include <event2/event.h>
#include <stdbool.h>

#include "engine.h"
#include "slc-log.h"

enum call_kind { CALL_DO, CALL_UNDO, CALL_VERIFY };

struct step {
    json_t *json;             /* the step in the op document (borrowed) */
    bool create;              /* else delete */
    bool chain;               /* a forwarding program on the VIM's switch
                                 (kind "chain"), not a VIM resource */
    bool service;             /* a connectivity service of SDN assist
                                 (kind "sdn", engine-assist.c) */
    bool primitive;           /* a primitive run in a compute (kind
                                 "primitive", action "run"): nothing to
                                 undo, run again when resumed */
    enum slc_vim_kind kind;
    enum slc_step_state state;
    uint64_t token;           /* the call in flight, 0 = none */
    bool fresh;               /* RUNNING from slc_engine_mark_first_steps
                                 and never launched: launched as new */
    json_t *calls;            /* chain: its calls on each switch, in order
                                 ([{"switch", "program" | null}]), owned */
    size_t call_at;           /* chain: the one in flight */
    char *failure;            /* chain: why an install failed, while what
                                 it installed on the other switch goes */
    double started;
};

enum phase { PHASE_FORWARD, PHASE_ROLLBACK, PHASE_DONE };

struct op {
    struct slc_engine *e;
    char id[40];
    char coll[40];
    uint64_t serial;
    json_t *doc;              /* owned */
    int64_t rev;
    json_t *context;          /* owned; for the finish hook, may be NULL */
    struct step *steps;
    size_t n_steps;
    enum phase phase;
    unsigned inflight;
    bool failed, undo_failed, dirty;
    bool state_news;          /* a new operationState to tell once stored */
    char fail_msg[512];
    double deadline;
    struct event *kick;       /* deferred advance */
    struct event *tick;       /* deadline and call timeouts */
    struct op *next;
};

struct sdn_check;

struct vim_slot {
    char account_id[40];
    struct slc_vim *vim;
    struct vim_slot *next;
};

/* The SDN driver that chains on a VIM account's switch. */
struct sdn_slot {
    char account_id[40];
    struct slc_sdn *sdn;
    struct sdn_slot *next;
};

/* The SDN controller a VIM account names, for SDN assist, with the
 * account's port mapping. */
struct assist_slot {
    char account_id[40];
    char sdn_id[40];
    char what[700];           /* "sdn controller 'x' (type url)" */
    struct slc_sdn *sdn;
    struct slc_port_mapping *map;   /* may be NULL */
    bool mapping_not_needed;
    struct assist_slot *next;
};

/* A counters read in flight (token SDN_READ | serial). */
struct read {
    uint64_t token;
    slc_engine_counters_fn done;
    void *arg;
    struct read *next;
};

#define SDN_READ (UINT64_C(1) << 63)

struct slc_engine {
    struct slc_engine_params p;
    struct op *ops;
    json_t *running;              /* ids of 'ops' -> true */
    struct vim_slot *vims;
    struct sdn_slot *sdns;
    struct assist_slot *assists;
    struct sdn_check *checks;     /* controller records being checked */
    bool recovered;               /* slc_engine_recover() has run */
    struct read *reads;
    uint64_t next_serial, next_read;
};

static inline const char *
sget(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* Whether operation document 'op' has not ended (PROCESSING or
 * ROLLING_BACK): what recovery and a takeover resume. */
bool eng_unfinished(const json_t *op);
/* The collections of the operations this engine runs (NS operations
 * unless the daemon named more). */
const char *const *eng_op_collections(const struct slc_engine *e);

double eng_now_of(const struct slc_engine *e);
struct op *eng_find_op(struct slc_engine *e, uint64_t serial);
void eng_set_step(struct op *op, size_t i, enum slc_step_state state);
void eng_fail_op(struct op *op, const char *fmt, ...) SLC_PRINTF(2, 3);
void eng_step_failed(struct op *op, size_t i, const char *msg);
/* Runs advance() on the operation from the loop. */
void eng_kick(struct op *op);
/* Loads operation 'op_id' of 'coll' from the store into memory. */
int eng_load_op(struct slc_engine *e, const char *coll, const char *op_id,
                struct op **out, struct slc_error *err);
/* The spec of step 's' (of 'steps') to keep with its resource: a VIM
 * resource's with its references resolved; a chain's as it is (its
 * references name switch ports, and a re-render compares them as they
 * were made).  A new reference, NULL when it has none. */
json_t *eng_kept_spec(const json_t *steps, const json_t *s);

/* engine-sdn.c: issues the SDN call of chain step i (install, or remove
 * when 'remove'); the result comes to eng_on_sdn_done(). */
int eng_launch_chain(struct op *op, size_t i, uint64_t token, bool remove,
                     struct slc_error *err);
void eng_on_sdn_done(void *owner, const struct slc_sdn_result *r);

/* engine-assist.c: the SDN assist of VIM account 'account_id' (opened
 * on first use); issues the SDN call of service step i; takes its
 * result from eng_on_sdn_done(). */
int eng_assist(struct slc_engine *e, const char *account_id,
               struct assist_slot **out, struct slc_error *err);
/* The fabric port of a chain's reference to a VF or a whole NIC
 * ({"step": k, "kind": K}, or {"kind": K, "known": what the VIM
 * reported}): where the VIM says it landed, through VIM account
 * 'account_id''s sdn-port-mapping, as a new {"name": switch port, "vlan":
 * the VF's VLAN or 0, "fabric": true, "compute_node", "pci"}. */
int eng_fabric_port(const struct op *op, const char *account_id,
                    const json_t *ref, json_t **out, struct slc_error *err);
int eng_launch_service(struct op *op, size_t i, uint64_t token,
                       enum call_kind call, struct slc_error *err);
void eng_service_done(struct op *op, size_t i, enum call_kind call,
                      const struct slc_sdn_result *r);
/* Closes the assists of 'account_id' and/or of controller 'sdn_id'
 * (NULL: any) that no call in flight uses. */
void eng_forget_assist(struct slc_engine *e, const char *account_id,
                       const char *sdn_id);
void eng_free_assists(struct slc_engine *e);
/* Drops the controller checks in flight (their callbacks not called). */
void eng_free_checks(struct slc_engine *e);
/* Whether a service step in 'state' (a create or a delete) decides what
 * its service is, so that its resource is not restored from the NS
 * record: its call runs or resumes, or it deleted (or undid) it. */
bool eng_service_decided(const char *state, bool create);
/* Makes every service of 'services' ([[account, resource], ...]) so again
 * (recovery), without waiting for the outcome. */
void eng_restore_services(struct slc_engine *e, const json_t *services);

/* engine.c: the results of VIM calls and the losses VIM instances report
 * (engine-vims.c opens them with these). */
void eng_on_vim_done(void *owner, const struct slc_vim_result *r);
void eng_on_vim_lost(void *owner, const char *account_id,
                     enum slc_vim_kind kind, const char *vim_id,
                     const char *tag, const char *why);

/* The VIM id a step spec reference designates: {"step": k} (what step k
 * made) or a literal; NULL when not known yet. */
const char *eng_resolve_ref(const struct op *op, const json_t *ref);

/* engine-primitive.c: runs the primitive of a step on 'vim': spec
 * {compute, primitive, script, args [], env {}, timeout}; the result
 * comes through the VIM's done callback with 'token'. */
int eng_launch_primitive(struct op *op, struct slc_vim *vim, uint64_t token,
                         const json_t *spec, struct slc_error *err);

#endif

/* The slice manager: network slice instances (NSI) made of network
 * services, as OSM decomposes a Network Slice Template (osm-nbi.md §5).
 *
 * Creating an NSI creates one NS per netslice-subnet, named
 * "<nsiName>.<subnet id>", or reuses the NS that another slice made for
 * the same shared subnet (is-shared-nss).  Each netslice-vld becomes one
 * slice network that the NS virtual links reached through the subnets'
 * sapds are put on (vim-network-id of their instantiation).
 *
 * Instantiating and terminating are slice operations (collection
 * "nsilcmops") that run child NS operations in parallel and wait for them
 * without polling: the engine tells the slice manager when an operation
 * ends (slc_slicer_op_state).  A slice operation's progress is stored at
 * each step, so a restarted daemon resumes it (slc_slicer_recover).
 *
 * Reference counts that survive restarts: an NS records the slices that
 * use it ("_admin.netslice-users"), a slice network too ("users").  A
 * shared NS or network is terminated or deleted only when no other live
 * slice (instantiated, or being instantiated) uses it.
 *
 * Collections: "nsis" (name = nsiName), "nsilcmops" (name = NSI id),
 * "slice_networks" (name = NSI id that made it), "slice_net_ops" (engine
 * operations creating and deleting slice networks; name = NSI id). */
#ifndef SLC_SLICE_H
#define SLC_SLICE_H

#include <jansson.h>
#include <stdbool.h>

#include "slc-error.h"
#include "slc-cluster.h"
#include "slc-store.h"

struct event_base;
struct slc_engine;
struct slc_slicer;

struct slc_slicer_params {
    struct slc_store *st;
    struct slc_engine *engine;
    struct event_base *base;
    double (*now)(void);
    double op_timeout;        /* default seconds of a slice operation */
    /* Called once a slice operation's new state is stored (may be
     * NULL). */
    void (*state_changed)(void *arg, const json_t *op);
    void *state_arg;
    /* Called when an NSSI (nssi.h) is created ('old_attrs' NULL),
     * changes, or is deleted ('new_attrs' NULL), with its stored record
     * (before deletion, on a deletion) and its MOI attributes before and
     * after (may be NULL). */
    void (*nssi_event)(void *arg, const json_t *rec, const json_t *old_attrs,
                       const json_t *new_attrs);
    void *nssi_arg;
    /* The VIM account (name or id) of the slices the NSSMF and NSMF
     * dialects allocate when a request names none; NULL: the project's
     * only one. */
    const char *default_vim_account;
    /* The NST an NSSMF allocation uses, by its subnet type and S-NSSAI:
     * [{subnet_type?, sst?, sd?, nst}], the first that matches (may be
     * NULL); without one, the NST is chosen as for a slice request. */
    const json_t *nssmf_templates;
    /* Outbound HTTP, for the subnets external NSSMFs provide. */
    struct slc_http_client *http;
    /* The daemon's own base URL ("https://host:port"), for the callbacks
     * NSSMFs send their notifications to; read when used (the daemon
     * fills it once it listens). */
    const char *public_url;
    /* Several slicerd on one store (NULL: this one alone): a slice
     * operation advances only where its claim is. */
    struct slc_cluster *cluster;
};

int slc_slicer_new(const struct slc_slicer_params *p,
                   struct slc_slicer **out, struct slc_error *err);
void slc_slicer_free(struct slc_slicer *s);

/* The engine's hooks, to be passed to it with the slice manager as
 * argument: the finish hook of every engine operation (NS operations go
 * to slc_ns_op_finish, slice network operations are applied to their
 * slice networks) and the state hook. */
int slc_slicer_finish(struct slc_store *st, json_t *op, json_t *context,
                      double now, struct slc_error *err);
void slc_slicer_op_state(void *arg, const json_t *op);

/* After the engine's recovery: resumes every unfinished slice
 * operation. */
int slc_slicer_recover(struct slc_slicer *s, struct slc_error *err);

/* In a cluster, after an instance died: kicks every unfinished slice
 * operation, so that one stored by the dead instance just before it could
 * claim it is run (the advance claims first: one instance runs it). */
void slc_slicer_resume_unclaimed(struct slc_slicer *s);

/* Resumes operation 'op_id' of collection 'coll' (a slice operation, a
 * remote subnet operation), which this instance took over from a dead
 * one (slc-cluster.h).  False when 'coll' is not the slice manager's. */
bool slc_slicer_resume(struct slc_slicer *s, const char *coll,
                       const char *op_id);

/* Creates NSI, its NSs and its slice networks (NOT_INSTANTIATED) for an
 * nsi_instantiate request (shape already checked) in the project of scope
 * 'sc', whose NST, NSDs and VIM accounts are the only ones it may name;
 * a shared subnet reuses only an NS of that project's slices.
 * SLC_ENOTFOUND naming the NST or VIM account; SLC_ECONFLICT when the NST
 * is DISABLED; SLC_EINVALID naming a bad subnet or netslice-vld.  'made'
 * (may be NULL) gets what was stored, so that it need not be read back:
 * {"nsi": the NSI, "nsrs": {subnet id: its NS record}}.  Those are the
 * very trees the store hands to the next readers of these records
 * (slc_record.give): read them only, and drop 'made' before reading the
 * records from the store (slc_ns_op_try reads an NS record as made). */
int slc_nsi_create(struct slc_slicer *s, const json_t *req,
                   const struct slc_scope *sc, char nsi_id[40],
                   json_t **made, struct slc_error *err);

/* Starts slice operation 'type' ("instantiate", "terminate", "action")
 * on NSI 'nsi_id' with the request 'params'; its id goes to 'op_id'.
 * SLC_EBUSY while another operation runs (on the slice, or on a subnet an
 * action needs), SLC_ECONFLICT when the NSI's state forbids it.  An
 * action fans out as one NS action per subnet: those params'
 * "netslice-subnet" names, else each unshared subnet whose NS has the
 * primitive; SLC_EINVALID (no subnet has it, or a named one cannot run
 * it, with the NS's reason) before anything starts. */
int slc_nsi_op_start(struct slc_slicer *s, const char *nsi_id,
                     const char *type, const json_t *params,
                     char op_id[40], struct slc_error *err);

/* Deletes NSI 'nsi_id' with its operations, its NSs and slice networks
 * that no other slice uses; the NST goes NOT_IN_USE with its last NSI.
 * SLC_ECONFLICT while it is instantiated or busy, unless 'force'. */
int slc_nsi_delete(struct slc_slicer *s, const char *nsi_id, bool force,
                   struct slc_error *err);

/* A 5G slice request by service profile (slice-request.c): body
 * {name?, vimAccountId, serviceProfile, nstId?}, for scope 'sc' (the NSTs and
 * VIM accounts it may name; the slice is its project's).  Chooses the NST,
 * admits the
 * slice (or reuses a shareable one with the same S-NSSAI), creates and
 * instantiates it; the stored request record goes to '*out'.
 * SLC_EINVALID naming a bad profile field; SLC_ECONFLICT when no NST
 * serves the profile, when the S-NSSAI is held by a slice that cannot be
 * shared, or when the slice does not fit (each with the reasons). */
int slc_slice_request(struct slc_slicer *s, const json_t *body,
                      const struct slc_scope *sc, json_t **out,
                      struct slc_error *err);

/* Deallocates request 'id': its slice is terminated and removed when no
 * other request uses it ('op_id' gets that operation, "" when none). */
int slc_slice_request_delete(struct slc_slicer *s, const char *id,
                             char op_id[40], struct slc_error *err);

/* An NSSMF (account 'account_id') says something changed: every remote
 * subnet operation of that account looks at its subnet now (the
 * notification is a hint; what counts is what the NSSMF answers then).
 * SLC_ENOTFOUND when no such account exists. */
int slc_remote_notified(struct slc_slicer *s, const char *account_id,
                        struct slc_error *err);

/* Transport endpoints between domains (transport-ep.c): checks an NSSMF
 * account's transport_subnet_pool (NULL: the default), and a list of
 * TS 28.541 EP_Transport objects (NULL: none). */
int slc_ep_check_pool(const char *pool, struct slc_error *err);
int slc_ep_check(const json_t *eps, struct slc_error *err);

/* The SST of an NST's slice-service-type (TS 23.501: eMBB 1, URLLC 2,
 * mMTC 3; a number as itself), 0 when it is none. */
int slc_sst_of(const char *type);

#endif

/* What slice.c (records: create, delete) and slice-op.c (operations)
 * share.  Not for use outside them. */
#ifndef SLC_SLICE_INTERNAL_H
#define SLC_SLICE_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>

#include "slice.h"

struct event;

/* How many slice operations' records an instance keeps between advances. */
#define SLC_SLICE_KEPT 32

struct slc_slicer {
    struct slc_slicer_params p;
    /* The operation and slice records the last advances wrote, with the
     * revisions they got (slice-op.c): the next advance of the operation
     * takes them back instead of reading them again, as long as the store
     * holds those revisions still (slc_store_get_kept). */
    struct {
        struct slc_record op, nsi;
    } kept[SLC_SLICE_KEPT];
    unsigned next_kept;
    json_t *waiting;     /* engine operation id -> [slice operation ids] */
    json_t *ended;       /* child operation id -> its document as the
                            state hook told its end (without _admin and
                            operationParams): its final state need not be
                            read back from the store */
    json_t *kicks;       /* slice operations to advance */
    struct event *kick;
    json_t *nssi_ops;    /* slice operations that ended, for nssi.c */
    struct slc_remote *remotes; /* remote subnet operations being driven */
    json_t *remote_tokens;      /* NSSMF account id -> its token */
    json_t *remote_subscribed;  /* NSSMF account id -> true once its
                                   NtfSubscriptionControl is in place,
                                   "heard" once a notification came */
    struct event *nssi_kick;
    /* With other instances (a cluster): a child operation may end in
     * another instance, whose engine tells only its own slice manager;
     * every second the waiting slice operations look again. */
    struct event *rewait;
};

/* Subnets external NSSMFs provide (remote-subnet.c). */
struct slc_remote;

/* Stores a new remote subnet operation ("allocate" or "deallocate") of
 * entry 'e' of slice 'nsi''s _admin.remote-subnets, in the caller's
 * transaction; 'e' gets its state, op id and handle.  It runs once
 * slc_remote_start() is called, after the commit. */
int slc_remote_op_new(struct slc_slicer *s, const json_t *nsi, json_t *e,
                      const char *type, double deadline, char op_id[40],
                      struct slc_error *err);
/* Drives remote operation 'op_id' from the loop until it ends; its end
 * goes to the state hook like any operation's. */
void slc_remote_start(struct slc_slicer *s, const char *op_id);

/* The links of slice record 'nsi' (a new array): its NST by descriptor id
 * ("nsts") and record id ("nst-id"), and each subnet it shares
 * ("nsi-shared"), so that the slices of an NST and those sharing a subnet
 * are found without a scan. */
json_t *slc_slice_links(const json_t *nsi);
/* The links of slice request record 'req' (a new array): its S-NSSAI
 * ("snssai", "SST[-sd]") and its slice ("nsis"). */
json_t *slc_request_links(const json_t *req);
/* The collection of remote subnet operations. */
extern const char slc_remote_collection[];
/* At start: drives again every remote operation that had not ended. */
int slc_remote_recover(struct slc_slicer *s, struct slc_error *err);
/* Stops driving them all (the daemon stops). */
void slc_remote_free_all(struct slc_slicer *s);

/* The NS VL that connection point 'cp' (a sapd id; old IM: a
 * connection-point name, converted to a sapd at onboarding) of NSD 'nsd'
 * is on, or NULL (slice.c). */
const char *slc_slice_sapd_vl(const json_t *nsd, const char *cp);

/* Transport endpoints between domains (transport-ep.c). */

/* The NSSMF's side: the netslice-subnet items (id, vld[]) of a slice of
 * 'nst' that put each endpoint's sapd on its VLAN and addresses. */
int slc_ep_subnets(struct slc_store *st, const json_t *nst, const json_t *eps,
                   const struct slc_scope *sc, json_t **items,
                   struct slc_error *err);
/* The NSMF's side: the "transport" of a slice network joining sapd 'sapd'
 * of subnet 'nss_id' that NSSMF 'account' provides: its physical network
 * and a free /24 of the account's pool with the NSMF's address pool, as
 * an ip-profile. */
int slc_ep_transport(struct slc_store *st, const json_t *account,
                     const char *nss_id, const char *sapd, json_t **out,
                     struct slc_error *err);
/* The EP_Transport list of remote subnet 'nss_id' of slice 'nsi', from
 * its slice networks (created: they have their VLAN). */
int slc_ep_for_subnet(struct slc_store *st, const json_t *nsi,
                      const char *nss_id, json_t **out,
                      struct slc_error *err);
/* The vld instantiation parameters of an NS of NSD 'nsd_ref' that put it
 * on endpoints 'eps' (for an OSM NSSMF). */
int slc_ep_ns_vld(struct slc_store *st, const char *nsd_ref,
                  const json_t *eps, const struct slc_scope *sc,
                  json_t **out, struct slc_error *err);

/* What a slice (or service) profile asks of slicer (nssi-profile.c). */
struct slc_want {
    const char *id;          /* sliceProfileId (serviceProfileId) */
    int sst;
    char sd[8];              /* "" when none */
    double latency;          /* ms, 0 = none */
    json_t *max_ues;         /* borrowed, or NULL */
    bool shared;
    const char *mobility;    /* borrowed, or NULL */
};

/* Reads profile 'p' (slice-managers.md §2.2 and §5.3 shapes, the
 * spellings of §2.5; a ServiceProfile when 'service') into 'w', which
 * borrows from 'p'. */
int slc_read_profile(const json_t *p, bool service, struct slc_want *w,
                     struct slc_error *err);
/* The slice request's serviceProfile for 'w' (new reference). */
json_t *slc_want_service_profile(const struct slc_want *w);

/* Follows the slice operations of s->nssi_ops with the NSSIs (nssi.c),
 * from the loop: the event of s->nssi_kick. */
void slc_nssi_on_kick(int fd, short what, void *arg);

/* The _admin object of a record (borrowed; NULL when absent). */
json_t *slc_slice_admin(const json_t *doc);

/* True when slice 'nsi' counts as a user of what it shares: it is
 * instantiated and not terminating, or being instantiated. */
bool slc_nsi_live(const json_t *nsi);

/* Whether a slice other than 'self' among 'users' (NSI ids) is live. */
int slc_slice_other_live(struct slc_store *st, const json_t *users,
                         const char *self, bool *out, struct slc_error *err);

/* Removes 'nsi_id' from 'users' (an array of strings). */
void slc_slice_drop_user(json_t *users, const char *nsi_id);

/* Deletes slice 'nsi' (just read) inside the caller's transaction: its
 * operations but 'keep_op', then its NSs and slice networks that no other
 * slice uses; the NST goes NOT_IN_USE with its last slice. */
int slc_slice_remove(struct slc_slicer *s, struct slc_record *nsi,
                     bool force, const char *keep_op, struct slc_error *err);

/* Advances slice operation 'op_id' as far as it can go now (slice-op.c). */
void slc_slice_advance(struct slc_slicer *s, const char *op_id);

/* Queues slice operation 'op_id' to be advanced from the loop. */
void slc_slice_kick(struct slc_slicer *s, const char *op_id);

/* Whether an operation in state 'state' has ended (slice-op.c). */
bool slc_slice_op_final(const char *state);

#endif

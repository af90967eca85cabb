/* Several slicerd on one etcd store: who is alive, and which instance
 * runs which operation.
 *
 * Each instance holds an etcd lease and, under it, the key
 * /PREFIX/cluster/alive/INSTANCE; it renews the lease every third of its
 * time to live.  An instance that runs an operation holds a claim on it,
 * /PREFIX/cluster/claims/COLL/ID = INSTANCE, outside any lease: a claim
 * outlives its instance, so that another one can see it is orphaned.
 * Every half second each instance looks for claims whose instance is no
 * longer alive and takes them over, one etcd transaction each (the claim
 * unchanged and its instance's key still absent), then hands them to the
 * daemon (the orphan callback) to resume from their stored steps.  A kill
 * -9 of an instance is so followed, within its lease's time to live and
 * half a second, by another instance resuming its operations.  An
 * operation stored but not yet claimed when its instance died is found
 * at the same look: the instance's alive key went, so every survivor
 * looks for unfinished operations without a live owner (the gone
 * callback) and the first to claim one resumes it.
 *
 * With a store that is not etcd there is no cluster (NULL): one slicerd,
 * and every claim is its own. */
#ifndef SLC_CLUSTER_H
#define SLC_CLUSTER_H

#include <stdbool.h>

#include "slc-error.h"

struct event_base;
struct slc_cluster;
struct slc_http_client;

struct slc_cluster_params {
    struct event_base *base;
    const char *store;      /* the store's location (etcd://...) */
    const char *instance;   /* this instance's name, unique in the cluster */
    unsigned ttl_s;         /* the lease's time to live, 0: 3 s */
    /* An operation this instance just took over from a dead one: resume
     * it (collection and id borrowed for the call). */
    void (*orphan)(void *arg, const char *coll, const char *id);
    /* Optional.  An instance alive at the last look is gone: it may have
     * died between storing a new operation and claiming it, and such an
     * operation has no claim to take over.  The daemon resumes the
     * unfinished operations nobody runs (slc_cluster_claim decides who
     * does). */
    void (*gone)(void *arg);
    void *arg;
    /* For the watches (slc_cluster_watch): outbound HTTP on the loop. */
    struct slc_http_client *http;
};

/* Called when a record of a watched collection was written (deleted
 * false) or deleted, by any instance, this one included.  A NULL 'id':
 * changes were missed (etcd compacted the revisions a watch opened again
 * had to start from), so anything in the collection may have changed:
 * read it whole. */
typedef void (*slc_cluster_change_fn)(void *arg, const char *coll,
                                      const char *id, bool deleted);

/* Watches the records of collection 'coll' (an etcd watch, kept open and
 * opened again on another member when one goes), calling 'fn' with 'arg'
 * for each change from now on.  NULL 'c': nothing to watch (0). */
int slc_cluster_watch(struct slc_cluster *c, const char *coll,
                      slc_cluster_change_fn fn, void *arg,
                      struct slc_error *err);

struct slc_cluster_watch;

/* Watches the etcd keys starting with 'prefix' as slc_cluster_watch
 * does a collection: 'fn' gets 'what' and, as the id, what follows the
 * prefix in the key changed.  '*out' (NULL with a NULL 'c') is for
 * slc_cluster_unwatch. */
int slc_cluster_watch_keys(struct slc_cluster *c, const char *what,
                           const char *prefix, slc_cluster_change_fn fn,
                           void *arg, struct slc_cluster_watch **out,
                           struct slc_error *err);
/* Stops calling the watch's function (its 'arg' may go).  Accepts
 * NULL. */
void slc_cluster_unwatch(struct slc_cluster_watch *w);

/* Joins the cluster of the store at p->store: takes a lease, says this
 * instance is alive and starts renewing and looking for orphans on
 * p->base.  '*out' is NULL for a store that is not etcd (no cluster).
 * SLC_EEXISTS when another live instance has the same name. */
int slc_cluster_new(const struct slc_cluster_params *p,
                    struct slc_cluster **out, struct slc_error *err);

/* Leaves: revokes the lease, so that the others take over at once what
 * this instance's claims still hold.  Accepts NULL. */
void slc_cluster_free(struct slc_cluster *c);

/* Claims operation (coll, id) for this instance: 0 when it is this
 * instance's now (already, newly, or taken over from a dead instance);
 * SLC_EBUSY naming the instance when a live one holds it.  NULL 'c': 0. */
int slc_cluster_claim(struct slc_cluster *c, const char *coll,
                      const char *id, struct slc_error *err);

/* Gives up the claim on (coll, id) (its operation ended).  NULL 'c' and
 * claims this instance does not hold are ignored. */
void slc_cluster_release(struct slc_cluster *c, const char *coll,
                         const char *id);

/* Whether no other instance is alive (NULL 'c': true).  Recovery that
 * reconciles the infrastructure with the store runs only then: another
 * instance's operations in flight would look like leaks. */
bool slc_cluster_alone(struct slc_cluster *c);


#endif

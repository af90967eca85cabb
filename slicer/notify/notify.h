/* Subscriptions to lifecycle notifications, and their delivery, in the
 * style of ETSI SOL005 (osm-nbi.md §3.4, §3.5; §6 for slices).
 *
 * Three APIs share the machinery: "nslcm" (NS operation occurrences, NS
 * identifier creation and deletion), "nsilcm" (the same for network
 * slice instances; OSM has no slice notifications) and "provmns" (3GPP's
 * MOI notifications to NtfSubscriptionControl MOIs, notify-moi.c).
 *
 * A subscription is stored (collection "nslcm_subscriptions" or
 * "nsilcm_subscriptions") only after its callback answered a GET with
 * 204.  Its credentials for
 * the callback live apart ("subscription_secrets"), so that no reply
 * ever shows them.
 *
 * Every notification that matches a subscription is stored (collection
 * "notifications", name = the subscription id) before it is sent, so a
 * restarted daemon sends again what was not delivered.  One notification
 * per subscription is in flight at a time and the next waits for it:
 * order is kept per subscription.  A POST that fails (no answer, or a
 * status other than 2xx) is tried again after 'retry_initial' seconds,
 * doubling up to 'retry_max', at most 'max_attempts' times in all; then
 * it is given up, counted and its error kept, and the next one goes.
 * Delivery state is in the subscription's "_admin.delivery".
 *
 * Sending never blocks the loop: libcurl's multi interface
 * (common/slc-http-client.h). */
#ifndef SLC_NOTIFY_H
#define SLC_NOTIFY_H

#include <jansson.h>
#include <stdbool.h>

#include "slc-cluster.h"
#include "slc-error.h"
#include "slc-store.h"

struct event_base;
struct slc_http_client;
struct slc_notifier;

enum slc_notify_api {
    SLC_NOTIFY_NSLCM,  /* NS instances, collection "nslcmops" */
    SLC_NOTIFY_NSILCM, /* slice instances, collection "nsilcmops" */
    SLC_NOTIFY_PROVMNS,/* 3GPP MOI notifications (TS 28.532), to
                          NtfSubscriptionControl MOIs */
};
#define SLC_NOTIFY_APIS 3

struct slc_notifier_params {
    struct slc_store *st;
    struct event_base *base;
    struct slc_http_client *http;
    double (*now)(void);
    double retry_initial;   /* seconds before the first retry */
    double retry_max;       /* the longest wait between two tries */
    unsigned max_attempts;  /* POSTs of one notification at most */
    long probe_timeout_ms;  /* the callback test GET */
    long post_timeout_ms;   /* one notification POST */
    /* Several slicerd on one store (NULL: this one alone): each
     * subscription's notifications are delivered by one instance, the
     * one that holds its claim ("subscriptions", id), in the order they
     * were stored; the others only store theirs. */
    struct slc_cluster *cluster;
};

/* The collection of the subscriptions of 'api'. */
const char *slc_notify_collection(enum slc_notify_api api);

/* Loads the subscriptions and their undelivered notifications, and
 * starts sending these. */
int slc_notifier_new(const struct slc_notifier_params *p,
                     struct slc_notifier **out, struct slc_error *err);
/* Answers the callback tests still running with 503 (through their
 * 'done') and frees the notifier.  Accepts NULL. */
void slc_notifier_free(struct slc_notifier *n);

/* The outcome of a subscription request: rc 0 with the stored record
 * (borrowed), or an error with the HTTP status to answer. */
typedef void (*slc_subscribe_done_fn)(void *arg, int rc, unsigned status,
                                      const json_t *record,
                                      const struct slc_error *err);

/* Checks subscription request 'body' of 'api' for 'project'.  A bad body
 * fails at once (SLC_EINVALID naming the member and the value).  The same
 * callback and filter already subscribed by the project is SLC_EEXISTS
 * with its id in 'existing' (SOL005 answers 303).  Otherwise the callback
 * is tested and 'done' gets the outcome later, from the loop: a callback
 * that does not answer 204 is 422. */
int slc_subscribe(struct slc_notifier *n, enum slc_notify_api api,
                  const json_t *body, const char *project,
                  slc_subscribe_done_fn done, void *arg, char existing[40],
                  struct slc_error *err);

/* createMOI of NtfSubscriptionControl 'id' (TS 28.623) for 'project':
 * 'attrs' {notificationRecipientAddress, notificationTypes?, scope?,
 * notificationFilter?}.  Stored at once (3GPP has no callback test); an
 * existing one of the project is replaced ('*created' false), another
 * project's is SLC_EEXISTS.  The stored record goes to '*record' (new
 * reference).  SLC_EINVALID naming a bad attribute. */
int slc_subscribe_moi(struct slc_notifier *n, const char *id,
                      const json_t *attrs, const char *project,
                      bool *created, json_t **record, struct slc_error *err);

/* Sends 3GPP notification 'body' (notificationType, href, eventTime,
 * systemDN and its own members; each subscription's copy gets a
 * notificationId, increasing, and its subscriptionId) to the
 * NtfSubscriptionControl subscriptions of the projects in 'projects'
 * whose notificationTypes have its type. */
void slc_notify_moi(struct slc_notifier *n, const json_t *body,
                    const json_t *projects);

/* Subscription 'id' of collection 'coll' changed in the store, perhaps
 * through another slicerd on the same store: takes it as it is there now
 * (new, changed or deleted). */
void slc_notifier_sync(struct slc_notifier *n, const char *coll,
                       const char *id);

/* Subscription 'id' is this instance's to deliver now (taken over from a
 * dead one): its stored notifications are queued and sent. */
void slc_notifier_adopt(struct slc_notifier *n, const char *id);

/* Notification record 'id' was stored or deleted ('deleted'), perhaps by
 * another instance: queued when its subscription is this instance's to
 * deliver. */
void slc_notifier_note(struct slc_notifier *n, const char *id, bool deleted);

/* Changes were missed (a watch's revisions were compacted away): every
 * subscription of collection 'coll' is taken as stored now, those gone
 * are dropped (slc_notifier_sync_all); every stored notification of a
 * subscription this instance delivers is queued unless it is already
 * (slc_notifier_note_all). */
void slc_notifier_sync_all(struct slc_notifier *n, const char *coll);
void slc_notifier_note_all(struct slc_notifier *n);

/* The collection notifications wait in until delivered. */
extern const char slc_notify_notes[];

/* Deletes subscription 'id' with what it had not delivered yet. */
int slc_unsubscribe(struct slc_notifier *n, const char *id,
                    struct slc_error *err);

/* Adds the live part of the delivery state of subscription record 'doc'
 * (notifications waiting, one in flight) to its "_admin.delivery". */
void slc_notifier_show(const struct slc_notifier *n, json_t *doc);

/* An operation of collection "nslcmops" or "nsilcmops" changed state
 * (others are ignored): notifies the matching subscriptions. */
void slc_notify_op(struct slc_notifier *n, const json_t *op);

/* Whether any subscription of 'api' may hear of something (a caller can
 * skip reading what it would tell). */
bool slc_notify_listens(const struct slc_notifier *n,
                        enum slc_notify_api api);

/* Instance 'instance' (an NSR or an NSI record) of 'api' was created
 * ('created') or deleted: notifies the matching subscriptions. */
void slc_notify_identifier(struct slc_notifier *n, enum slc_notify_api api,
                           bool created, const json_t *instance);

#endif

/* What notify.c lends notify-moi.c (3GPP's NtfSubscriptionControl on the
 * same delivery machinery) and notify-cluster.c (subscriptions and
 * notifications shared with other instances).  Private to
 * slicer/notify/. */
#ifndef SLC_NOTIFY_INTERNAL_H
#define SLC_NOTIFY_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>

#include "notify.h"
#include "slc-id.h"

#define SECRETS "subscription_secrets"
#define NOTES "notifications"

/* A notification waiting to be delivered. */
struct note {
    char id[SLC_UUID_STR_SIZE];
    char *text;
    unsigned attempts;
    struct note *next;
};

/* A subscription in memory. */
struct sub {
    struct slc_notifier *n;
    char id[SLC_UUID_STR_SIZE];
    enum slc_notify_api api;
    char *project;
    json_t *filter;
    char *callback;
    char *auth;                /* "Authorization: ..." or NULL */
    struct note *head, *tail;
    size_t pending;
    bool in_flight, gone;      /* gone: deleted while a POST was out */
    bool mine;                 /* this instance delivers its notifications
                                  (with other instances, the one holding
                                  its claim) */
    struct event *retry;
    struct sub *next;
};

struct probe;

/* Every subscription in memory, and the callbacks being tested. */
struct slc_notifier {
    struct slc_notifier_params p;
    struct sub *subs;
    struct probe *probes;
    size_t n_subs[SLC_NOTIFY_APIS]; /* per API */
    json_int_t moi_seq;        /* the last notificationId */
    json_t *attrs;             /* operation id -> what its instance was */
};

/* A subscription in memory from its stored record 'doc' and its
 * callback's Authorization header (may be NULL), linked into 'n'; NULL
 * when out of memory. */
struct sub *slc_notify_sub_new(struct slc_notifier *n, const json_t *doc,
                               const char *auth);
/* Frees a subscription (unlinked) and its queue. */
void slc_notify_sub_free(struct sub *s);
/* Takes 's' out of n's list. */
void slc_notify_sub_unlink(struct slc_notifier *n, struct sub *s);
/* The live subscription 'id', or NULL. */
struct sub *slc_notify_sub_find(const struct slc_notifier *n,
                                const char *id);
/* Queues stored notification 'id' (its body as text, taken) after the
 * others of 's'. */
int slc_notify_note_add(struct sub *s, const char *id, char *text,
                        unsigned attempts);
/* Sends the head notification unless one is out or a retry waits. */
void slc_notify_send_next(struct sub *s);

/* Stores subscription record 'doc' of 'api' (replacing one of its _id)
 * and delivers to it from now on; a replaced one keeps its queue. */
int slc_notify_keep_sub(struct slc_notifier *n, enum slc_notify_api api,
                        json_t *doc, struct slc_error *err);

/* Queues 'body' for every subscription of 'api' of the projects in
 * 'projects' whose filter's notificationTypes have its type. */
void slc_notify_fan_out(struct slc_notifier *n, enum slc_notify_api api,
                        const json_t *body, const json_t *projects);

/* The notifier's store and clock. */
struct slc_store *slc_notify_store(const struct slc_notifier *n);
double slc_notify_now(const struct slc_notifier *n);

/* SLC_EINVALID unless 'uri' is an http or https URL with a host. */
int slc_notify_check_url(const char *uri, struct slc_error *err);

#endif

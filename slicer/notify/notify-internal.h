/* What notify.c lends notify-moi.c (3GPP's NtfSubscriptionControl on the
 * same delivery machinery).  Private to slicer/notify/. */
#ifndef SLC_NOTIFY_INTERNAL_H
#define SLC_NOTIFY_INTERNAL_H

#include <jansson.h>

#include "notify.h"

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

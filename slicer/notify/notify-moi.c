/* 3GPP's subscriptions to MOI notifications (TS 28.532; notify.h,
 * slc_subscribe_moi and slc_notify_moi): NtfSubscriptionControl MOIs
 * stored as subscriptions of the "provmns" API, delivered by notify.c
 * like the SOL005 ones (stored first, retried, in order). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "notify-internal.h"
#include "notify.h"
#include "slc-log.h"

SLC_LOG_MODULE(notify);

/* The notifications of TS 28.532 a NtfSubscriptionControl may ask for. */
static const char *const moi_types[] = {
    "notifyMOICreation", "notifyMOIDeletion",
    "notifyMOIAttributeValueChanges", "notifyMOIChanges", NULL,
};

static bool
is_moi_type(const char *type)
{
    for (size_t i = 0; type && moi_types[i]; i++) {
        if (!strcmp(moi_types[i], type)) {
            return true;
        }
    }
    return false;
}

/* The attributes of NtfSubscriptionControl 'id': known members, an
 * http(s) address, known notification types. */
static int
check_attrs(const char *id, const json_t *attrs, struct slc_error *err)
{
    const char *uri = json_string_value(
        json_object_get(attrs, "notificationRecipientAddress"));
    const json_t *types = json_object_get(attrs, "notificationTypes");
    const char *key;
    const json_t *v;
    size_t i;

    if (!json_is_object(attrs)) {
        return slc_error_set(err, SLC_EINVALID,
                             "NtfSubscriptionControl '%s': attributes must "
                             "be an object",
                             id);
    }
    json_object_foreach((json_t *)attrs, key, v)
    {
        if (strcmp(key, "notificationRecipientAddress") &&
            strcmp(key, "notificationTypes") && strcmp(key, "scope") &&
            strcmp(key, "notificationFilter")) {
            return slc_error_set(err, SLC_EINVALID,
                                 "NtfSubscriptionControl '%s': unknown "
                                 "attribute '%.64s'",
                                 id, key);
        }
    }
    if (!uri) {
        return slc_error_set(err, SLC_EINVALID,
                             "NtfSubscriptionControl '%s': "
                             "notificationRecipientAddress (a URL) is "
                             "required",
                             id);
    }
    if (slc_notify_check_url(uri, err)) {
        return slc_error_prefix(err, "NtfSubscriptionControl '%s'", id);
    }
    if (types && !json_is_array(types)) {
        return slc_error_set(err, SLC_EINVALID,
                             "NtfSubscriptionControl '%s': "
                             "notificationTypes must be a list",
                             id);
    }
    json_array_foreach(types, i, v)
    {
        if (!is_moi_type(json_string_value(v))) {
            return slc_error_set(err, SLC_EINVALID,
                                 "NtfSubscriptionControl '%s': "
                                 "notificationTypes[%zu] '%.64s' must be "
                                 "one of notifyMOICreation, "
                                 "notifyMOIDeletion, "
                                 "notifyMOIAttributeValueChanges, "
                                 "notifyMOIChanges",
                                 id, i,
                                 json_string_value(v) ?: "(not a string)");
        }
    }
    return 0;
}

/* Whether 'project' is in list 'projects'. */
static bool
has_project(const json_t *projects, const char *project)
{
    const json_t *v;
    size_t i;

    json_array_foreach(projects, i, v)
    {
        if (json_is_string(v) && !strcmp(json_string_value(v), project)) {
            return true;
        }
    }
    return false;
}

int
slc_subscribe_moi(struct slc_notifier *n, const char *id,
                  const json_t *attrs, const char *project, bool *created,
                  json_t **record, struct slc_error *err)
{
    struct slc_store *st = slc_notify_store(n);
    double now = slc_notify_now(n);
    struct slc_record old = {0};
    const json_t *old_admin;
    json_t *doc;
    int rc = check_attrs(id, attrs, err);

    *created = false;
    rc = rc ? rc
            : slc_store_get(st, slc_notify_collection(SLC_NOTIFY_PROVMNS),
                            id, &old, err);
    old_admin = json_object_get(old.doc, "_admin");
    if (!rc && !has_project(json_object_get(old_admin, "projects_write"),
                            project)) {
        rc = slc_error_set(err, SLC_EEXISTS,
                           "NtfSubscriptionControl '%s' exists", id);
    }
    if (rc && rc != SLC_ENOTFOUND) {
        slc_record_clear(&old);
        return rc;
    }
    *created = rc == SLC_ENOTFOUND;
    doc = json_pack(
        "{ss ss sO s{sO*} sO s{sf sf s[s] s[s] ss sb s{si si sn}}}", "_id",
        id, "id", id, "callbackUri",
        json_object_get(attrs, "notificationRecipientAddress"), "filter",
        "notificationTypes", json_object_get(attrs, "notificationTypes"),
        "attributes", attrs, "_admin", "created",
        *created ? now
                 : json_real_value(json_object_get(old_admin, "created")),
        "modified", now, "projects_read", project, "projects_write", project,
        "api", "provmns", "authenticated", 0, "delivery", "delivered", 0,
        "failed", 0, "lastError");
    slc_record_clear(&old);
    rc = doc ? slc_notify_keep_sub(n, SLC_NOTIFY_PROVMNS, doc, err)
             : slc_error_set(err, SLC_ENOMEM, "out of memory");
    if (rc) {
        json_decref(doc);
        return rc;
    }
    SLC_INFO("NtfSubscriptionControl %s %s: %s", id,
             *created ? "created" : "replaced",
             json_string_value(json_object_get(doc, "callbackUri")));
    *record = doc;
    return 0;
}

void
slc_notify_moi(struct slc_notifier *n, const json_t *body,
               const json_t *projects)
{
    slc_notify_fan_out(n, SLC_NOTIFY_PROVMNS, body, projects);
}

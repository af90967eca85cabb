/* Subscriptions and notifications with other instances (see notify.h):
 * a subscription made, changed or deleted elsewhere (learnt from a
 * watch), a subscription's delivery taken over from an instance that
 * died, a notification another instance stored.  The delivery itself is
 * notify.c's. */
#include <event2/event.h>
#include <stdlib.h>
#include <string.h>

#include "notify-internal.h"
#include "slc-cluster.h"
#include "slc-json.h"
#include "slc-log.h"
#include "slc-store.h"

SLC_LOG_MODULE(notify);

static const char *
str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

void
slc_notifier_sync(struct slc_notifier *n, const char *coll, const char *id)
{
    struct slc_record rec = {0}, sec = {0};
    struct slc_error err = {0};
    struct sub *s = slc_notify_sub_find(n, id);
    int rc = slc_store_get(n->p.st, coll, id, &rec, &err);

    if (rc == SLC_ENOTFOUND && s) {
        /* deleted by another instance: what it queued here goes too */
        n->n_subs[s->api]--;
        event_del(s->retry);
        slc_cluster_release(n->p.cluster, "subscriptions", s->id);
        if (s->in_flight) {
            s->gone = true;
        } else {
            slc_notify_sub_unlink(n, s);
            slc_notify_sub_free(s);
        }
        SLC_INFO("subscription %s deleted elsewhere", id);
    } else if (!rc && s) {
        json_t *filter = json_deep_copy(json_object_get(rec.doc, "filter"));
        char *callback = strdup(str(rec.doc, "callbackUri") ?: "");

        if (filter && callback) {
            json_decref(s->filter);
            free(s->callback);
            s->filter = filter;
            s->callback = callback;
        } else {
            json_decref(filter);
            free(callback);
        }
    } else if (!rc) {
        /* made by another instance: this one notifies it of what it
         * does from now on */
        rc = slc_store_get(n->p.st, SECRETS, id, &sec, &err);
        if ((!rc || rc == SLC_ENOTFOUND) &&
            slc_notify_sub_new(n, rec.doc, str(sec.doc, "header"))) {
            SLC_INFO("subscription %s made elsewhere", id);
        }
    }
    slc_record_clear(&rec);
    slc_record_clear(&sec);
}

static bool
queued(const struct sub *s, const char *note_id)
{
    for (const struct note *e = s->head; e; e = e->next) {
        if (!strcmp(e->id, note_id)) {
            return true;
        }
    }
    return false;
}

/* Queues stored notification 'rec' of 's' unless it is queued already. */
static int
queue_stored(struct sub *s, const struct slc_record *rec)
{
    char *text;

    if (queued(s, rec->id)) {
        return 0;
    }
    text = slc_json_text(json_object_get(rec->doc, "body"), NULL);
    return text ? slc_notify_note_add(s, rec->id, text,
                           (unsigned)json_integer_value(
                               json_object_get(rec->doc, "attempts")))
                : SLC_ENOMEM;
}

static int
adopt_note(const char *coll, const struct slc_record *rec, void *arg)
{
    (void)coll;
    return queue_stored(arg, rec);
}

void
slc_notifier_adopt(struct slc_notifier *n, const char *id)
{
    struct sub *s = slc_notify_sub_find(n, id);
    struct slc_error err = {0};

    if (!s) {
        /* gone meanwhile, or not seen here yet */
        for (int api = 0; api < SLC_NOTIFY_APIS && !s; api++) {
            slc_notifier_sync(n, slc_notify_collection((enum slc_notify_api)api), id);
            s = slc_notify_sub_find(n, id);
        }
    }
    if (!s) {
        slc_cluster_release(n->p.cluster, "subscriptions", id);
        return;
    }
    s->mine = true;
    if (slc_store_list(n->p.st, NOTES, id, adopt_note, s, &err)) {
        SLC_ERR("subscription %s: its notifications: %s", id, err.msg);
    }
    SLC_INFO("subscription %s: delivering it here now (%zu waiting)", id,
             s->pending);
    slc_notify_send_next(s);
}

void
slc_notifier_note(struct slc_notifier *n, const char *id, bool deleted)
{
    struct slc_record rec = {0};
    struct slc_error err = {0};
    struct sub *s;

    if (deleted || slc_store_get(n->p.st, NOTES, id, &rec, &err)) {
        return;
    }
    s = rec.name ? slc_notify_sub_find(n, rec.name) : NULL;
    if (s && s->mine && !queue_stored(s, &rec)) {
        slc_notify_send_next(s);
    }
    slc_record_clear(&rec);
}

static int
collect_id(const char *coll, const struct slc_record *rec, void *arg)
{
    (void)coll;
    return json_array_append_new(arg, json_string(rec->id)) ? SLC_ENOMEM
                                                            : 0;
}

void
slc_notifier_sync_all(struct slc_notifier *n, const char *coll)
{
    json_t *ids = json_array(), *seen = json_object();
    struct slc_error err = {0};
    const json_t *id;
    size_t i;

    if (!ids || !seen ||
        slc_store_list(n->p.st, coll, NULL, collect_id, ids, &err)) {
        SLC_ERR("subscriptions %s: %s", coll, err.msg);
        json_decref(ids);
        json_decref(seen);
        return;
    }
    json_array_foreach(ids, i, id)
    {
        json_object_set_new(seen, json_string_value(id), json_true());
    }
    /* and those held here that the store no longer has */
    for (struct sub *s = n->subs; s; s = s->next) {
        if (!s->gone && !strcmp(slc_notify_collection(s->api), coll) &&
            !json_object_get(seen, s->id)) {
            json_array_append_new(ids, json_string(s->id));
        }
    }
    json_array_foreach(ids, i, id)
    {
        slc_notifier_sync(n, coll, json_string_value(id));
    }
    json_decref(ids);
    json_decref(seen);
}

void
slc_notifier_note_all(struct slc_notifier *n)
{
    for (struct sub *s = n->subs; s; s = s->next) {
        struct slc_error err = {0};

        if (s->gone || !s->mine) {
            continue;
        }
        if (slc_store_list(n->p.st, NOTES, s->id, adopt_note, s, &err)) {
            SLC_ERR("subscription %s: its notifications: %s", s->id,
                    err.msg);
        }
        slc_notify_send_next(s);
    }
}

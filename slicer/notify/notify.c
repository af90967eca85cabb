/* Subscriptions and notifications.  See notify.h.
 *
 * In memory: every subscription with its filter, its callback's headers
 * and its queue of undelivered notifications (stored too).  Matching an
 * event is done there, without reading the store, except for the record
 * of the instance when a filter asks for its name or descriptors. */
#include <curl/curl.h>
#include <event2/event.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slc-http-client.h"
#include "notify.h"
#include "notify-internal.h"
#include "slc-id.h"
#include "slc-json.h"
#include "slc-log.h"
#include "slc-metrics.h"

SLC_LOG_MODULE(notify);


const char slc_notify_notes[] = NOTES;

/* What differs between the two APIs. */
static const struct api_info {
    const char *name;          /* "nslcm" */
    const char *subs;          /* the subscriptions' collection */
    const char *op_coll;       /* the operations' collection */
    const char *inst_coll;     /* the instances' collection */
    const char *op_inst_key;   /* an operation's member naming its
                                  instance */
    const char *base;          /* URL prefix of the API */
    const char *instances;     /* "ns_instances" */
    const char *ops;           /* "ns_lcm_op_occs" */
    const char *instance_filter;
    const char *type_op, *type_created, *type_deleted;
    const char *id_key, *op_key; /* notification keys */
    const char *link_instance, *link_op;
    const char *const *op_types;
    /* instance filter members: key -> what of the instance they match */
    const struct {
        const char *key, *attr;
    } members[6];
} apis[] = {
    [SLC_NOTIFY_NSLCM] =
        {
            .name = "nslcm",
            .subs = "nslcm_subscriptions",
            .op_coll = "nslcmops",
            .inst_coll = "nsrs",
            .op_inst_key = "nsInstanceId",
            .base = "/osm/nslcm/v1",
            .instances = "ns_instances",
            .ops = "ns_lcm_op_occs",
            .instance_filter = "nsInstanceSubscriptionFilter",
            .type_op = "NsLcmOperationOccurrenceNotification",
            .type_created = "NsIdentifierCreationNotification",
            .type_deleted = "NsIdentifierDeletionNotification",
            .id_key = "nsInstanceId",
            .op_key = "nsLcmOpOccId",
            .link_instance = "nsInstance",
            .link_op = "nslcmOpOcc",
            .op_types = (const char *const[]){"INSTANTIATE", "SCALE",
                                              "TERMINATE", "UPDATE", "HEAL",
                                              "ACTION", NULL},
            .members = {{"nsdIds", "desc"},
                        {"vnfdIds", "vnfd"},
                        {"pnfdIds", "pnfd"},
                        {"nsInstanceIds", "id"},
                        {"nsInstanceNames", "name"}},
        },
    [SLC_NOTIFY_NSILCM] =
        {
            .name = "nsilcm",
            .subs = "nsilcm_subscriptions",
            .op_coll = "nsilcmops",
            .inst_coll = "nsis",
            .op_inst_key = "netsliceInstanceId",
            .base = "/osm/nsilcm/v1",
            .instances = "netslice_instances",
            .ops = "nsi_lcm_op_occs",
            .instance_filter = "nsiInstanceSubscriptionFilter",
            .type_op = "NsiLcmOperationOccurrenceNotification",
            .type_created = "NsiIdentifierCreationNotification",
            .type_deleted = "NsiIdentifierDeletionNotification",
            .id_key = "nsiInstanceId",
            .op_key = "nsiLcmOpOccId",
            .link_instance = "nsiInstance",
            .link_op = "nsiLcmOpOcc",
            .op_types = (const char *const[]){"INSTANTIATE", "TERMINATE",
                                              "ACTION", NULL},
            .members = {{"nstIds", "desc"},
                        {"nsiInstanceIds", "id"},
                        {"nsiInstanceNames", "name"}},
        },
    [SLC_NOTIFY_PROVMNS] =
        {
            .name = "provmns",
            .subs = "provmns_subscriptions",
            .op_coll = "",
            .inst_coll = "",
            .op_inst_key = "",
            .base = "",
            .instances = "",
            .ops = "",
            .instance_filter = "",
        },
};


static const char *const op_states[] = {
    "PROCESSING", "COMPLETED", "PARTIALLY_COMPLETED", "FAILED",
    "FAILED_TEMP", "ROLLING_BACK", "ROLLED_BACK", NULL,
};

/* A subscription request whose callback is being tested. */
struct probe {
    struct slc_notifier *n;
    json_t *record;
    char *auth;
    slc_subscribe_done_fn done;
    void *arg;
    struct probe *prev, *next;
};

static const char *
str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static bool
in_list(const char *const *list, const char *s)
{
    for (; s && *list; list++) {
        if (!strcmp(*list, s)) {
            return true;
        }
    }
    return false;
}

static bool
json_has(const json_t *arr, const char *s)
{
    const json_t *v;
    size_t i;

    json_array_foreach(arr, i, v)
    {
        if (s && json_is_string(v) && !strcmp(json_string_value(v), s)) {
            return true;
        }
    }
    return false;
}

void
slc_notify_sub_free(struct sub *s)
{
    while (s->head) {
        struct note *e = s->head;

        s->head = e->next;
        free(e->text);
        free(e);
    }
    if (s->retry) {
        event_free(s->retry);
    }
    json_decref(s->filter);
    free(s->project);
    free(s->callback);
    free(s->auth);
    free(s);
}

void
slc_notify_sub_unlink(struct slc_notifier *n, struct sub *s)
{
    struct sub **pp = &n->subs;

    while (*pp && *pp != s) {
        pp = &(*pp)->next;
    }
    if (*pp) {
        *pp = s->next;
    }
}

struct sub *
slc_notify_sub_find(const struct slc_notifier *n, const char *id)
{
    for (struct sub *s = n->subs; s; s = s->next) {
        if (!s->gone && !strcmp(s->id, id)) {
            return s;
        }
    }
    return NULL;
}

/* ---- delivery ---- */


/* Records a delivery outcome of head notification 'e' in one
 * transaction: the subscription's "_admin.delivery", and the notification
 * itself, deleted when it is 'done' (delivered or given up) or else with
 * its attempt count. */
static void
record_outcome(struct sub *s, const struct note *e, bool done, bool ok,
               const char *error)
{
    struct slc_store *st = s->n->p.st;
    struct slc_error err = {0};
    struct slc_record rec = {0};
    double now = s->n->p.now();
    int rc = slc_store_begin(st, &err);

    rc = rc ? rc : slc_store_get(st, apis[s->api].subs, s->id, &rec, &err);
    if (!rc) {
        json_t *admin = json_object_get(rec.doc, "_admin");
        json_t *dl = json_object_get(admin, "delivery");
        const char *count = ok ? "delivered" : "failed";

        if (!json_is_object(dl)) {
            dl = json_object();
            json_object_set_new(admin, "delivery", dl);
        }
        json_object_set_new(dl, "lastAttemptTime", json_real(now));
        if (ok) {
            json_object_set_new(dl, "lastDeliveryTime", json_real(now));
            json_object_set_new(dl, "state", json_string("ok"));
        } else {
            json_object_set_new(dl, "lastError", json_string(error));
            json_object_set_new(dl, "lastErrorTime", json_real(now));
            json_object_set_new(dl, "state",
                                json_string(done ? "gave-up" : "retrying"));
        }
        if (done) {
            json_object_set_new(
                dl, count,
                json_integer(json_integer_value(json_object_get(dl, count)) +
                             1));
        }
        rc = slc_store_put(st, apis[s->api].subs, &rec, NULL, rec.rev, NULL,
                           &err);
    }
    if (!rc && done) {
        rc = slc_store_del(st, NOTES, e->id, SLC_REV_ANY, &err);
        rc = rc == SLC_ENOTFOUND ? 0 : rc;
    } else if (!rc) {
        struct slc_record note = {0};

        rc = slc_store_get(st, NOTES, e->id, &note, &err);
        if (!rc) {
            json_object_set_new(note.doc, "attempts",
                                json_integer(e->attempts));
            rc = slc_store_put(st, NOTES, &note, NULL, note.rev, NULL, &err);
        }
        slc_record_clear(&note);
    }
    rc = rc ? rc : slc_store_commit(st, &err);
    if (rc) {
        slc_store_rollback(st);
        SLC_WARN("subscription %s: cannot record a delivery: %s", s->id,
                 err.msg);
    }
    slc_record_clear(&rec);
}

static void
pop_head(struct sub *s)
{
    struct note *e = s->head;

    s->head = e->next;
    if (!s->head) {
        s->tail = NULL;
    }
    s->pending--;
    free(e->text);
    free(e);
}

static void
on_retry(evutil_socket_t fd, short what, void *arg)
{
    slc_notify_send_next(arg);
}

static void
on_posted(void *arg, const struct slc_http_reply *r)
{
    struct sub *s = arg;
    struct note *e = s->head;
    char why[300];

    s->in_flight = false;
    if (s->gone) {
        slc_notify_sub_unlink(s->n, s);
        slc_notify_sub_free(s);
        return;
    }
    slc_metrics_add("slicer_notifications_total", 1,
                    s->api == SLC_NOTIFY_NSLCM    ? "nslcm"
                    : s->api == SLC_NOTIFY_NSILCM ? "nsilcm"
                                                  : "provmns",
                    r->status >= 200 && r->status < 300 ? "delivered"
                                                        : "failed");
    if (r->status >= 200 && r->status < 300) {
        SLC_DEBUG("subscription %s: notification %s delivered", s->id,
                  e->id);
        record_outcome(s, e, true, true, NULL);
        pop_head(s);
        slc_notify_send_next(s);
        return;
    }
    if (r->error) {
        snprintf(why, sizeof why, "POST %.200s: %s", s->callback, r->error);
    } else {
        snprintf(why, sizeof why, "POST %.200s: HTTP status %ld",
                 s->callback, r->status);
    }
    e->attempts++;
    if (e->attempts >= s->n->p.max_attempts) {
        SLC_WARN("subscription %s: notification %s given up after %u "
                 "attempts: %s",
                 s->id, e->id, e->attempts, why);
        record_outcome(s, e, true, false, why);
        pop_head(s);
        slc_notify_send_next(s);
        return;
    }
    {
        double wait = s->n->p.retry_initial;
        struct timeval tv;

        for (unsigned i = 1; i < e->attempts && wait < s->n->p.retry_max;
             i++) {
            wait *= 2;
        }
        wait = wait > s->n->p.retry_max ? s->n->p.retry_max : wait;
        tv.tv_sec = (time_t)wait;
        tv.tv_usec = (suseconds_t)((wait - (double)tv.tv_sec) * 1e6);
        SLC_INFO("subscription %s: %s; retry %u in %.1f s", s->id, why,
                 e->attempts, wait);
        record_outcome(s, e, false, false, why);
        event_add(s->retry, &tv);
    }
}

/* Sends the head notification unless one is out or a retry waits. */
void
slc_notify_send_next(struct sub *s)
{
    const char *headers[4] = {"Content-Type: application/json",
                              "Accept: application/json", s->auth, NULL};
    struct slc_error err = {0};

    if (s->in_flight || !s->head || evtimer_pending(s->retry, NULL)) {
        return;
    }
    s->in_flight = true;
    if (slc_http_client_start(
            s->n->p.http,
            &(struct slc_http_call){.method = "POST",
                                    .url = s->callback,
                                    .headers = headers,
                                    .body = s->head->text,
                                    .body_size = strlen(s->head->text),
                                    .timeout_ms = s->n->p.post_timeout_ms},
            on_posted, s, &err)) {
        /* cannot even start it: treated as a failed attempt later */
        struct timeval tv = {.tv_sec = 1};

        s->in_flight = false;
        SLC_WARN("subscription %s: %s", s->id, err.msg);
        event_add(s->retry, &tv);
    }
}

int
slc_notify_note_add(struct sub *s, const char *id, char *text, unsigned attempts)
{
    struct note *e = calloc(1, sizeof *e);

    if (!e) {
        free(text);
        return SLC_ENOMEM;
    }
    snprintf(e->id, sizeof e->id, "%s", id);
    e->text = text;
    e->attempts = attempts;
    if (s->tail) {
        s->tail->next = e;
    } else {
        s->head = e;
    }
    s->tail = e;
    s->pending++;
    return 0;
}

/* Stores notification 'body' (taken) of subscription 's' and queues
 * it. */
static void
enqueue(struct sub *s, json_t *body)
{
    struct slc_error err = {0};
    char id[SLC_UUID_STR_SIZE];
    struct slc_record rec = {.id = id, .name = s->id};
    char *text = NULL;
    int rc = body ? slc_uuid7(id) : SLC_ENOMEM;

    if (!rc && s->api == SLC_NOTIFY_PROVMNS) {
        json_object_set_new(body, "notificationId",
                            json_integer(++s->n->moi_seq));
        json_object_set_new(body, "subscriptionId", json_string(s->id));
    } else if (!rc) {
        json_object_set_new(body, "id", json_string(id));
        json_object_set_new(body, "subscriptionId", json_string(s->id));
        json_object_set_new(
            json_object_get(body, "_links"), "subscription",
            json_pack("{so}", "href",
                      json_sprintf("%s/subscriptions/%s",
                                   apis[s->api].base, s->id)));
    }
    if (!rc) {
        text = slc_json_text(body, NULL);
        rec.doc = json_pack("{sO si sf}", "body", body, "attempts", 0,
                            "created", s->n->p.now());
        rc = !text || !rec.doc ? SLC_ENOMEM
                               : slc_store_put(s->n->p.st, NOTES, &rec,
                                               NULL, SLC_REV_NEW, NULL,
                                               &err);
    }
    json_decref(rec.doc);
    json_decref(body);
    if (rc) {
        SLC_ERR("subscription %s: cannot store a notification: %s", s->id,
                err.msg[0] ? err.msg : slc_strerror(rc));
        free(text);
        return;
    }
    if (!s->mine) {
        /* stored: the instance that delivers it queues it from there */
        free(text);
        return;
    }
    if (!slc_notify_note_add(s, id, text, 0)) {
        slc_notify_send_next(s);
    }
}

/* ---- matching ---- */

/* What the filters may ask of an instance: id, name, descriptor ids
 * (store id and descriptor id), VNFD and PNFD ids. */
static json_t *
attrs_of(enum slc_notify_api api, const char *id, const json_t *inst)
{
    json_t *a = json_pack("{ss s[] s[] s[]}", "id", id, "desc", "vnfd",
                          "pnfd");
    json_t *desc = json_object_get(a, "desc");
    const json_t *v;
    size_t i;

    if (!inst) {
        return a;
    }
    if (str(inst, "name")) {
        json_object_set_new(a, "name", json_string(str(inst, "name")));
    }
    if (api == SLC_NOTIFY_NSLCM) {
        const json_t *nsd = json_object_get(inst, "nsd");

        if (str(inst, "nsd-id")) {
            json_array_append_new(desc, json_string(str(inst, "nsd-id")));
        }
        if (str(nsd, "id")) {
            json_array_append_new(desc, json_string(str(nsd, "id")));
        }
        json_array_extend(json_object_get(a, "vnfd"),
                          json_object_get(inst, "vnfd-id"));
        json_array_foreach(json_object_get(nsd, "vnfd-id"), i, v)
        {
            json_array_append(json_object_get(a, "vnfd"), (json_t *)v);
        }
        json_array_foreach(json_object_get(nsd, "pnfd-id"), i, v)
        {
            json_array_append(json_object_get(a, "pnfd"), (json_t *)v);
        }
    } else {
        const char *nst_id =
            str(json_object_get(inst, "_admin"), "nst-id");

        if (nst_id) {
            json_array_append_new(desc, json_string(nst_id));
        }
        if (str(inst, "nst-ref")) {
            json_array_append_new(desc, json_string(str(inst, "nst-ref")));
        }
    }
    return a;
}

/* Whether filter 'f' of a subscription of 'api' lets through notification
 * 'type' about an instance with 'attrs', for operation 'op_type' in
 * 'op_state' (both NULL for identifier notifications). */
static bool
passes(enum slc_notify_api api, const json_t *f, const char *type,
       const json_t *attrs, const char *op_type, const char *op_state)
{
    const struct api_info *a = &apis[api];
    const json_t *inst = json_object_get(f, a->instance_filter);
    const json_t *types = json_object_get(f, "notificationTypes");

    if (types && !json_has(types, type)) {
        return false;
    }
    if (op_type && json_object_get(f, "operationTypes") &&
        !json_has(json_object_get(f, "operationTypes"), op_type)) {
        return false;
    }
    if (op_state && json_object_get(f, "operationStates") &&
        !json_has(json_object_get(f, "operationStates"), op_state)) {
        return false;
    }
    for (size_t i = 0; inst && i < 6 && a->members[i].key; i++) {
        const json_t *want = json_object_get(inst, a->members[i].key);
        const json_t *have = json_object_get(attrs, a->members[i].attr);
        const json_t *v;
        size_t k;
        bool hit = false;

        if (!want) {
            continue;
        }
        json_array_foreach(want, k, v)
        {
            hit = hit || (json_is_string(have)
                              ? json_equal(v, have)
                              : json_has(have, json_string_value(v)));
        }
        if (!hit) {
            return false;
        }
    }
    return true;
}

/* Whether a subscription of 'api' filters on more than the instance id:
 * then matching needs the instance's record. */
static bool
needs_record(const struct slc_notifier *n, enum slc_notify_api api)
{
    const struct api_info *a = &apis[api];

    for (const struct sub *s = n->subs; s; s = s->next) {
        const json_t *inst = json_object_get(s->filter, a->instance_filter);

        for (size_t i = 0; !s->gone && s->api == api && inst && i < 6 &&
                           a->members[i].key;
             i++) {
            if (strcmp(a->members[i].attr, "id") &&
                json_object_get(inst, a->members[i].key)) {
                return true;
            }
        }
    }
    return false;
}

/* Queues 'body' (a template: each subscription gets a copy with its ids)
 * for every subscription of 'api' that 'projects' may see and whose
 * filter passes. */
static void
fan_out(struct slc_notifier *n, enum slc_notify_api api, const json_t *body,
        const json_t *attrs, const json_t *projects, const char *op_type,
        const char *op_state)
{
    const char *type = str(body, "notificationType");

    for (struct sub *s = n->subs; s; s = s->next) {
        if (s->gone || s->api != api || !json_has(projects, s->project) ||
            !passes(api, s->filter, type, attrs, op_type, op_state)) {
            continue;
        }
        enqueue(s, json_deep_copy(body));
    }
}

static void
upper(char *out, size_t size, const char *s)
{
    size_t i = 0;

    for (; s && s[i] && i + 1 < size; i++) {
        out[i] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]);
    }
    out[i] = '\0';
}

static void identifier(struct slc_notifier *n, enum slc_notify_api api,
                       bool created, const char *id, const json_t *attrs,
                       const json_t *projects);

void
slc_notify_op(struct slc_notifier *n, const json_t *op)
{
    const json_t *admin = json_object_get(op, "_admin");
    const char *coll = str(admin, "collection")
                           ?: (json_object_get(op, "netsliceInstanceId")
                                   ? "nsilcmops"
                                   : "nslcmops");
    const char *op_id = str(op, "_id"), *state = str(op, "operationState");
    enum slc_notify_api api = !strcmp(coll, "nsilcmops") ? SLC_NOTIFY_NSILCM
                                                         : SLC_NOTIFY_NSLCM;
    const struct api_info *a = &apis[api];
    const char *inst_id;
    const json_t *err_msg;
    char op_type[32];
    json_t *attrs, *body;
    bool final;

    if (!n || strcmp(coll, a->op_coll) || !n->n_subs[api] || !op_id ||
        !state) {
        return;
    }
    inst_id = str(op, a->op_inst_key);
    final = strcmp(state, "PROCESSING") && strcmp(state, "ROLLING_BACK");
    attrs = json_incref(json_object_get(n->attrs, op_id));
    if (!attrs) {
        struct slc_record inst = {0};
        struct slc_error err = {0};

        if (needs_record(n, api) && inst_id) {
            slc_store_get(n->p.st, a->inst_coll, inst_id, &inst, &err);
        }
        attrs = attrs_of(api, inst_id ? inst_id : "", inst.doc);
        slc_record_clear(&inst);
        if (!final) {
            json_object_set(n->attrs, op_id, attrs);
        }
    }
    if (final) {
        json_object_del(n->attrs, op_id);
    }
    upper(op_type, sizeof op_type, str(op, "lcmOperationType"));
    err_msg = json_object_get(op, "errorMessage");
    body = json_pack(
        "{ss ss ss ss sf ss ss sb so s{s{so} s{so}}}", "notificationType",
        a->type_op, a->id_key, inst_id ? inst_id : "", a->op_key, op_id,
        "operation", op_type, "timestamp", n->p.now(), "notificationStatus",
        strcmp(state, "PROCESSING") ? "RESULT" : "START", "operationState",
        state, "isAutomaticInvocation",
        json_is_true(json_object_get(op, "isAutomaticInvocation")), "error",
        json_is_string(err_msg) && strcmp(state, "COMPLETED")
            ? json_pack("{ss si sO}", "title", "operation failed", "status",
                        500, "detail", err_msg)
            : json_null(),
        "_links", a->link_instance, "href",
        json_sprintf("%s/%s/%s", a->base, a->instances,
                     inst_id ? inst_id : ""),
        a->link_op, "href",
        json_sprintf("%s/%s/%s", a->base, a->ops, op_id));
    if (body) {
        fan_out(n, api, body, attrs,
                json_object_get(admin, "projects_read"), op_type, state);
    }
    if (!strcmp(state, "COMPLETED") && !strcmp(op_type, "TERMINATE") &&
        json_is_true(json_object_get(json_object_get(op, "operationParams"),
                                     "autoremove"))) {
        /* the instance went with its operation */
        identifier(n, api, false, inst_id ? inst_id : "", attrs,
                   json_object_get(admin, "projects_read"));
    }
    json_decref(body);
    json_decref(attrs);
}

static void
identifier(struct slc_notifier *n, enum slc_notify_api api, bool created,
           const char *id, const json_t *attrs, const json_t *projects)
{
    const struct api_info *a = &apis[api];
    json_t *body = json_pack(
        "{ss ss sf s{s{so}}}", "notificationType",
        created ? a->type_created : a->type_deleted, a->id_key, id,
        "timestamp", n->p.now(), "_links", a->link_instance, "href",
        json_sprintf("%s/%s/%s", a->base, a->instances, id));

    if (body) {
        fan_out(n, api, body, attrs, projects, NULL, NULL);
    }
    json_decref(body);
}

bool
slc_notify_listens(const struct slc_notifier *n, enum slc_notify_api api)
{
    return n && n->n_subs[api];
}

void
slc_notify_identifier(struct slc_notifier *n, enum slc_notify_api api,
                      bool created, const json_t *instance)
{
    const char *id = str(instance, "_id");
    json_t *attrs;

    if (!n || !n->n_subs[api] || !id) {
        return;
    }
    attrs = attrs_of(api, id, instance);
    identifier(n, api, created, id, attrs,
               json_object_get(json_object_get(instance, "_admin"),
                               "projects_read"));
    json_decref(attrs);
}

/* ---- subscriptions ---- */

/* 'v' must be a non-empty array of strings, each one of 'allowed' (when
 * not NULL). */
static int
check_strings(const json_t *v, const char *what,
              const char *const *allowed, struct slc_error *err)
{
    const json_t *e;
    size_t i;

    if (!json_is_array(v) || !json_array_size(v)) {
        return slc_error_set(err, SLC_EINVALID,
                             "subscription: %s must be a non-empty list of "
                             "strings",
                             what);
    }
    json_array_foreach(v, i, e)
    {
        if (!json_is_string(e)) {
            return slc_error_set(err, SLC_EINVALID,
                                 "subscription: %s[%zu] must be a string",
                                 what, i);
        }
        if (allowed && !in_list(allowed, json_string_value(e))) {
            char list[400] = "";
            size_t len = 0;

            for (const char *const *a = allowed; *a; a++) {
                len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
                                        len ? ", " : "", *a);
                len = len >= sizeof list ? sizeof list - 1 : len;
            }
            return slc_error_set(err, SLC_EINVALID,
                                 "subscription: %s[%zu] '%.64s' is not one "
                                 "of %s",
                                 what, i, json_string_value(e), list);
        }
    }
    return 0;
}

static int
check_instance_filter(const struct api_info *a, const json_t *f,
                      struct slc_error *err)
{
    const char *key;
    const json_t *v;
    unsigned desc = 0, inst = 0;

    if (!json_is_object(f)) {
        return slc_error_set(err, SLC_EINVALID,
                             "subscription: filter.%s must be an object",
                             a->instance_filter);
    }
    json_object_foreach((json_t *)f, key, v)
    {
        char what[96];
        size_t i = 0;
        int rc;

        while (i < 6 && a->members[i].key && strcmp(a->members[i].key, key)) {
            i++;
        }
        if (i == 6 || !a->members[i].key) {
            return slc_error_set(err, SLC_EINVALID,
                                 "subscription: filter.%s has no member "
                                 "'%.64s'",
                                 a->instance_filter, key);
        }
        snprintf(what, sizeof what, "filter.%s.%s", a->instance_filter, key);
        if ((rc = check_strings(v, what, NULL, err))) {
            return rc;
        }
        if (!strcmp(a->members[i].attr, "id") ||
            !strcmp(a->members[i].attr, "name")) {
            inst++;
        } else {
            desc++;
        }
    }
    if (desc > 1 || inst > 1) {
        /* SOL005 NsInstanceSubscriptionFilter: alternatives */
        return slc_error_set(err, SLC_EINVALID,
                             "subscription: filter.%s may have only one of "
                             "its descriptor id lists and one of its "
                             "instance id or name lists",
                             a->instance_filter);
    }
    return 0;
}

static int
check_filter(enum slc_notify_api api, const json_t *f, struct slc_error *err)
{
    static const char *const change_keys[] = {
        "nsComponentTypes", "lcmOpNameImpactingNsComponent",
        "lcmOpOccStatusImpactingNsComponent", NULL};
    const struct api_info *a = &apis[api];
    const char *const types[] = {a->type_op, a->type_created, a->type_deleted,
                                 NULL};
    const json_t *nt = json_object_get(f, "notificationTypes");
    const char *key;
    const json_t *v;
    int rc = 0;

    if (!json_is_object(f)) {
        return slc_error_set(err, SLC_EINVALID,
                             "subscription: filter must be an object");
    }
    json_object_foreach((json_t *)f, key, v)
    {
        if (rc) {
            break;
        }
        if (!strcmp(key, a->instance_filter)) {
            rc = check_instance_filter(a, v, err);
        } else if (!strcmp(key, "notificationTypes")) {
            if (api == SLC_NOTIFY_NSLCM &&
                json_has(v, "NsChangeNotification")) {
                rc = slc_error_set(err, SLC_EINVALID,
                                   "subscription: filter.notificationTypes: "
                                   "NsChangeNotification is not sent by "
                                   "slicer");
            }
            rc = rc ? rc : check_strings(v, "filter.notificationTypes",
                                         types, err);
        } else if (!strcmp(key, "operationTypes")) {
            rc = check_strings(v, "filter.operationTypes", a->op_types, err);
        } else if (!strcmp(key, "operationStates")) {
            rc = check_strings(v, "filter.operationStates", op_states, err);
        } else if (api == SLC_NOTIFY_NSLCM && in_list(change_keys, key)) {
            rc = slc_error_set(err, SLC_EINVALID,
                               "subscription: filter.%s selects "
                               "NsChangeNotification, which slicer does "
                               "not send",
                               key);
        } else {
            rc = slc_error_set(err, SLC_EINVALID,
                               "subscription: filter has no member '%.64s'",
                               key);
        }
    }
    if (!rc && json_has(nt, a->type_op) &&
        !json_object_get(f, "operationTypes") &&
        !json_object_get(f, "operationStates")) {
        /* OSM's rule */
        rc = slc_error_set(err, SLC_EINVALID,
                           "subscription: filter.notificationTypes has %s: "
                           "filter.operationTypes or "
                           "filter.operationStates is required",
                           a->type_op);
    }
    return rc;
}

/* The Authorization header of 'auth' (NULL when there is none) in
 * '*out'. */
static int
auth_header(const json_t *auth, char **out, struct slc_error *err)
{
    const json_t *t = json_object_get(auth, "authType");
    const char *type = json_is_array(t) && json_array_size(t) == 1
                           ? json_string_value(json_array_get(t, 0))
                           : json_string_value(t);
    const char *key;
    const json_t *v;

    *out = NULL;
    if (!auth) {
        return 0;
    }
    if (!json_is_object(auth) || !type) {
        return slc_error_set(err, SLC_EINVALID,
                             "subscription: authentication must be an object "
                             "with an authType");
    }
    json_object_foreach((json_t *)auth, key, v)
    {
        if (strcmp(key, "authType") && strcmp(key, "paramsBasic") &&
            strcmp(key, "paramsBearer")) {
            return slc_error_set(err, SLC_EINVALID,
                                 "subscription: authentication has no member "
                                 "'%.64s'",
                                 key);
        }
    }
    if (!strcasecmp(type, "basic")) {
        const json_t *pb = json_object_get(auth, "paramsBasic");
        const char *user = str(pb, "userName"), *pw = str(pb, "password");
        size_t len;
        char *plain, *b64;

        if (!user || !pw || strchr(user, ':')) {
            return slc_error_set(err, SLC_EINVALID,
                                 "subscription: authentication.paramsBasic "
                                 "needs a userName (without ':') and a "
                                 "password");
        }
        len = strlen(user) + strlen(pw) + 1;
        plain = malloc(len + 1);
        b64 = malloc(4 * ((len + 2) / 3) + 1);
        if (plain && b64) {
            snprintf(plain, len + 1, "%s:%s", user, pw);
            EVP_EncodeBlock((unsigned char *)b64, (unsigned char *)plain,
                            (int)len);
            *out = malloc(strlen(b64) + 40);
        }
        if (*out) {
            sprintf(*out, "Authorization: Basic %s", b64);
        }
        free(plain);
        free(b64);
    } else if (!strcasecmp(type, "bearer")) {
        const char *token = str(json_object_get(auth, "paramsBearer"),
                                "token");

        if (!token || !*token || strpbrk(token, "\r\n")) {
            return slc_error_set(err, SLC_EINVALID,
                                 "subscription: authentication.paramsBearer "
                                 "needs a token");
        }
        *out = malloc(strlen(token) + 40);
        if (*out) {
            sprintf(*out, "Authorization: Bearer %s", token);
        }
    } else {
        return slc_error_set(err, SLC_EINVALID,
                             "subscription: authentication.authType "
                             "'%.64s' is not supported (BASIC or BEARER)",
                             type);
    }
    return *out ? 0 : slc_error_set(err, SLC_ENOMEM, "out of memory");
}

static int
check_callback(const char *uri, struct slc_error *err)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *host = NULL;
    int rc = 0;

    if (!u) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    if (curl_url_set(u, CURLUPART_URL, uri, 0) ||
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) ||
        (strcmp(scheme, "http") && strcmp(scheme, "https"))) {
        rc = slc_error_set(err, SLC_EINVALID,
                           "subscription: callbackUri '%.200s' is not an "
                           "http or https URL",
                           uri);
    }
    curl_free(scheme);
    curl_free(host);
    curl_url_cleanup(u);
    return rc;
}

/* The API of a subscription record. */
static enum slc_notify_api
sub_api(const json_t *doc)
{
    const char *api = str(json_object_get(doc, "_admin"), "api");

    return api && !strcmp(api, "nsilcm")    ? SLC_NOTIFY_NSILCM
           : api && !strcmp(api, "provmns") ? SLC_NOTIFY_PROVMNS
                                            : SLC_NOTIFY_NSLCM;
}

struct sub *
slc_notify_sub_new(struct slc_notifier *n, const json_t *doc, const char *auth)
{
    struct sub *s = calloc(1, sizeof *s);
    const char *project = json_string_value(json_array_get(
        json_object_get(json_object_get(doc, "_admin"), "projects_write"),
        0));

    if (!s) {
        return NULL;
    }
    *s = (struct sub){
        .n = n,
        .api = sub_api(doc),
        .project = strdup(project ? project : ""),
        .filter = json_deep_copy(json_object_get(doc, "filter")),
        .callback = strdup(str(doc, "callbackUri") ?: ""),
        .auth = auth ? strdup(auth) : NULL,
    };
    snprintf(s->id, sizeof s->id, "%s", str(doc, "_id") ?: "");
    s->retry = evtimer_new(n->p.base, on_retry, s);
    if (!s->project || !s->filter || !s->callback || (auth && !s->auth) ||
        !s->retry) {
        slc_notify_sub_free(s);
        return NULL;
    }
    {
        struct slc_error err = {0};

        s->mine = !slc_cluster_claim(n->p.cluster, "subscriptions", s->id,
                                     &err);
    }
    s->next = n->subs;
    n->subs = s;
    n->n_subs[s->api]++;
    return s;
}

static void
probe_free(struct probe *pr)
{
    struct slc_notifier *n = pr->n;

    if (pr->prev) {
        pr->prev->next = pr->next;
    } else {
        n->probes = pr->next;
    }
    if (pr->next) {
        pr->next->prev = pr->prev;
    }
    json_decref(pr->record);
    free(pr->auth);
    free(pr);
}

/* Stores the subscription of a successful probe. */
static int
store_sub(struct probe *pr, struct slc_error *err)
{
    struct slc_store *st = pr->n->p.st;
    const char *id = str(pr->record, "_id");
    const char *api = str(json_object_get(pr->record, "_admin"), "api");
    struct slc_record rec = {.id = (char *)id, .name = (char *)api,
                             .doc = pr->record};
    int rc = slc_store_begin(st, err);

    rc = rc ? rc
            : slc_store_put(st, apis[sub_api(pr->record)].subs, &rec, NULL,
                            SLC_REV_NEW, NULL, err);
    if (!rc && pr->auth) {
        struct slc_record sec = {.id = (char *)id, .name = (char *)api};

        sec.doc = json_pack("{ss}", "header", pr->auth);
        rc = slc_store_put(st, SECRETS, &sec, NULL, SLC_REV_NEW, NULL, err);
        json_decref(sec.doc);
    }
    rc = rc ? rc : slc_store_commit(st, err);
    if (rc) {
        slc_store_rollback(st);
        return rc;
    }
    if (!slc_notify_sub_new(pr->n, pr->record, pr->auth)) {
        /* stored: it is loaded again at the next start */
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    return 0;
}

static void
on_probed(void *arg, const struct slc_http_reply *r)
{
    struct probe *pr = arg;
    struct slc_error err = {0};
    const char *uri = str(pr->record, "callbackUri");
    int rc;

    if (r->status == 204) {
        rc = store_sub(pr, &err);
        if (!rc) {
            SLC_INFO("subscription %s (%s) to %s", str(pr->record, "_id"),
                     str(json_object_get(pr->record, "_admin"), "api"), uri);
        }
        pr->done(pr->arg, rc, rc ? 500 : 201, rc ? NULL : pr->record, &err);
    } else {
        if (r->error) {
            slc_error_set(&err, SLC_EINVALID,
                          "subscription: callbackUri '%.200s' failed its "
                          "test (GET, expecting 204): %s",
                          uri, r->error);
        } else {
            slc_error_set(&err, SLC_EINVALID,
                          "subscription: callbackUri '%.200s' answered its "
                          "test (GET) with HTTP status %ld, not 204",
                          uri, r->status);
        }
        pr->done(pr->arg, SLC_EINVALID, 422, NULL, &err);
    }
    probe_free(pr);
}

int
slc_subscribe(struct slc_notifier *n, enum slc_notify_api api,
              const json_t *body, const char *project,
              slc_subscribe_done_fn done, void *arg, char existing[40],
              struct slc_error *err)
{
    const char *uri = str(body, "callbackUri") ?: str(body, "CallbackUri");
    const json_t *filter = json_object_get(body, "filter");
    const char *headers[3] = {"Accept: application/json", NULL, NULL};
    char id[SLC_UUID_STR_SIZE];
    struct probe *pr;
    const char *key;
    const json_t *v;
    char *auth = NULL;
    double now = n->p.now();
    int rc = 0;

    existing[0] = '\0';
    if (!json_is_object(body)) {
        return slc_error_set(err, SLC_EINVALID,
                             "subscription: the body must be an object");
    }
    json_object_foreach((json_t *)body, key, v)
    {
        if (strcmp(key, "callbackUri") && strcmp(key, "CallbackUri") &&
            strcmp(key, "filter") && strcmp(key, "authentication")) {
            return slc_error_set(err, SLC_EINVALID,
                                 "subscription: unknown member '%.64s'", key);
        }
    }
    if (!uri) {
        return slc_error_set(err, SLC_EINVALID,
                             "subscription: callbackUri (a string) is "
                             "required");
    }
    rc = check_callback(uri, err);
    rc = rc || !filter ? rc : check_filter(api, filter, err);
    rc = rc ? rc : auth_header(json_object_get(body, "authentication"), &auth,
                               err);
    if (rc) {
        return rc;
    }
    for (struct sub *s = n->subs; s; s = s->next) {
        json_t *empty = json_object();

        if (!s->gone && s->api == api && !strcmp(s->project, project) &&
            !strcmp(s->callback, uri) &&
            json_equal(s->filter, filter ? filter : empty)) {
            snprintf(existing, 40, "%s", s->id);
        }
        json_decref(empty);
    }
    if (existing[0]) {
        free(auth);
        return slc_error_set(err, SLC_EEXISTS,
                             "subscription %s has the same callbackUri and "
                             "filter",
                             existing);
    }
    pr = calloc(1, sizeof *pr);
    if (!pr || slc_uuid7(id)) {
        free(pr);
        free(auth);
        return slc_error_set(err, SLC_EIO, "cannot make a subscription id");
    }
    *pr = (struct probe){.n = n, .auth = auth, .done = done, .arg = arg};
    pr->record = json_pack(
        "{ss ss ss so s{s{so}} s{sf sf s[s] s[s] ss sb s{si si sn}}}", "_id",
        id, "id", id, "callbackUri", uri, "filter",
        filter ? json_deep_copy(filter) : json_object(), "_links", "self", "href",
        json_sprintf("%s/subscriptions/%s", apis[api].base, id), "_admin",
        "created", now, "modified", now, "projects_read", project,
        "projects_write", project, "api", apis[api].name, "authenticated",
        auth != NULL, "delivery", "delivered", 0, "failed", 0, "lastError");
    pr->next = n->probes;
    if (n->probes) {
        n->probes->prev = pr;
    }
    n->probes = pr;
    headers[1] = auth;
    rc = pr->record ? slc_http_client_start(
                          n->p.http,
                          &(struct slc_http_call){
                              .method = "GET",
                              .url = uri,
                              .headers = headers,
                              .timeout_ms = n->p.probe_timeout_ms},
                          on_probed, pr, err)
                    : slc_error_set(err, SLC_ENOMEM, "out of memory");
    if (rc) {
        probe_free(pr);
    }
    return rc;
}

int
slc_unsubscribe(struct slc_notifier *n, const char *id,
                struct slc_error *err)
{
    struct slc_store *st = n->p.st;
    struct sub *s = slc_notify_sub_find(n, id);
    json_t *notes = json_array();
    const json_t *nid;
    size_t i;
    int rc;

    if (!s) {
        json_decref(notes);
        return slc_error_set(err, SLC_ENOTFOUND,
                             "subscription '%.64s' not found", id);
    }
    rc = slc_store_begin(st, err);
    for (struct note *e = s->head; e; e = e->next) {
        json_array_append_new(notes, json_string(e->id));
    }
    rc = rc ? rc : slc_store_del(st, apis[s->api].subs, id, SLC_REV_ANY, err);
    if (!rc && s->auth) {
        rc = slc_store_del(st, SECRETS, id, SLC_REV_ANY, err);
    }
    json_array_foreach(notes, i, nid)
    {
        rc = rc ? rc
                : slc_store_del(st, NOTES, json_string_value(nid),
                                SLC_REV_ANY, err);
    }
    json_decref(notes);
    rc = rc ? rc : slc_store_commit(st, err);
    if (rc) {
        slc_store_rollback(st);
        return rc;
    }
    n->n_subs[s->api]--;
    event_del(s->retry);
    slc_cluster_release(n->p.cluster, "subscriptions", s->id);
    if (s->in_flight) {
        s->gone = true; /* freed when its POST ends */
    } else {
        slc_notify_sub_unlink(n, s);
        slc_notify_sub_free(s);
    }
    SLC_INFO("subscription %s deleted", id);
    return 0;
}

void
slc_notifier_show(const struct slc_notifier *n, json_t *doc)
{
    const struct sub *s = slc_notify_sub_find(n, str(doc, "_id") ?: "");
    json_t *dl = json_object_get(json_object_get(doc, "_admin"), "delivery");

    if (s && json_is_object(dl)) {
        json_object_set_new(dl, "pending", json_integer((json_int_t)s->pending));
        json_object_set_new(dl, "inFlight", json_boolean(s->in_flight));
        json_object_set_new(dl, "attempts",
                            json_integer(s->head ? s->head->attempts : 0));
    }
}

int
slc_notify_keep_sub(struct slc_notifier *n, enum slc_notify_api api,
                    json_t *doc, struct slc_error *err)
{
    struct slc_record rec = {.id = (char *)str(doc, "_id"),
                             .name = (char *)apis[api].name, .doc = doc};
    struct sub *s;
    int rc = slc_store_put(n->p.st, apis[api].subs, &rec, NULL, SLC_REV_ANY,
                           NULL, err);

    if (rc) {
        return rc;
    }
    s = slc_notify_sub_find(n, rec.id);
    if (s) {
        /* replaced: the new address and filter, the same queue */
        json_decref(s->filter);
        free(s->callback);
        s->filter = json_deep_copy(json_object_get(doc, "filter"));
        s->callback = strdup(str(doc, "callbackUri") ?: "");
        return s->filter && s->callback
                   ? 0
                   : slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    return slc_notify_sub_new(n, doc, NULL) ? 0
                                 : slc_error_set(err, SLC_ENOMEM,
                                                 "out of memory");
}

void
slc_notify_fan_out(struct slc_notifier *n, enum slc_notify_api api,
                   const json_t *body, const json_t *projects)
{
    if (n && n->n_subs[api]) {
        fan_out(n, api, body, NULL, projects, NULL, NULL);
    }
}

struct slc_store *
slc_notify_store(const struct slc_notifier *n)
{
    return n->p.st;
}

double
slc_notify_now(const struct slc_notifier *n)
{
    return n->p.now();
}

int
slc_notify_check_url(const char *uri, struct slc_error *err)
{
    return check_callback(uri, err);
}

const char *
slc_notify_collection(enum slc_notify_api api)
{
    return apis[api].subs;
}

/* ---- life ---- */

struct load {
    struct slc_notifier *n;
    struct sub *s;
    int rc;
};

static int
load_note(const char *coll, const struct slc_record *rec, void *arg)
{
    struct load *l = arg;
    char *text = slc_json_text(json_object_get(rec->doc, "body"), NULL);

    return text ? slc_notify_note_add(l->s, rec->id, text,
                           (unsigned)json_integer_value(
                               json_object_get(rec->doc, "attempts")))
                : SLC_ENOMEM;
}

static int
load_sub(const char *coll, const struct slc_record *rec, void *arg)
{
    struct load *l = arg;
    struct slc_record sec = {0};
    struct slc_error err = {0};
    int rc = slc_store_get(l->n->p.st, SECRETS, rec->id, &sec, &err);

    if (rc && rc != SLC_ENOTFOUND) {
        return rc;
    }
    l->s = slc_notify_sub_new(l->n, rec->doc, str(sec.doc, "header"));
    slc_record_clear(&sec);
    if (!l->s) {
        return SLC_ENOMEM;
    }
    return l->s->mine ? slc_store_list(l->n->p.st, NOTES, rec->id, load_note,
                                       l, &err)
                      : 0;
}

int
slc_notifier_new(const struct slc_notifier_params *p,
                 struct slc_notifier **out, struct slc_error *err)
{
    struct slc_notifier *n = calloc(1, sizeof *n);
    struct load l = {.n = n};
    size_t queued = 0;
    int rc;

    if (!n || !(n->attrs = json_object())) {
        free(n);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    n->p = *p;
    rc = slc_store_list(p->st, apis[SLC_NOTIFY_NSLCM].subs, NULL, load_sub,
                        &l, err);
    rc = rc ? rc
            : slc_store_list(p->st, apis[SLC_NOTIFY_NSILCM].subs, NULL,
                             load_sub, &l, err);
    rc = rc ? rc
            : slc_store_list(p->st, apis[SLC_NOTIFY_PROVMNS].subs, NULL,
                             load_sub, &l, err);
    /* increasing across restarts too: microseconds since the epoch */
    n->moi_seq = (json_int_t)(p->now() * 1e6);
    if (rc) {
        slc_notifier_free(n);
        return slc_error_prefix(err, "loading the subscriptions");
    }
    for (struct sub *s = n->subs; s; s = s->next) {
        queued += s->pending;
        slc_notify_send_next(s);
    }
    if (n->subs) {
        SLC_INFO("%zu subscriptions, %zu notifications to deliver",
                 n->n_subs[0] + n->n_subs[1] + n->n_subs[2], queued);
    }
    *out = n;
    return 0;
}

void
slc_notifier_free(struct slc_notifier *n)
{
    if (!n) {
        return;
    }
    while (n->probes) {
        struct slc_error err = {0};

        slc_error_set(&err, SLC_EBUSY,
                      "slicerd is stopping: the subscription was not made");
        n->probes->done(n->probes->arg, SLC_EBUSY, 503, NULL, &err);
        probe_free(n->probes);
    }
    while (n->subs) {
        struct sub *s = n->subs;

        n->subs = s->next;
        slc_notify_sub_free(s); /* a POST in flight is abandoned with the client */
    }
    json_decref(n->attrs);
    free(n);
}

/* /osm/nslcm/v1/subscriptions and /osm/nsilcm/v1/subscriptions: create
 * (after the callback's test, so the reply is deferred until it answers),
 * list, show, delete.  The notifier (notify.h) does the work. */
#include <stdio.h>
#include <stdlib.h>

#include "notify.h"
#include "rest-internal.h"

#define NSLCM_SUBS "/osm/nslcm/v1/subscriptions"
#define NSILCM_SUBS "/osm/nsilcm/v1/subscriptions"

/* The deferred reply of a subscription request, known only once the
 * request is accepted for testing (the test answers later, from the
 * loop). */
struct waiting {
    struct slc_http_deferred *reply;
};

static void
on_subscribed(void *arg, int rc, unsigned status, const json_t *record,
              const struct slc_error *err)
{
    struct waiting *w = arg;
    struct slc_http_response resp = {.status = status};

    if (rc) {
        slc_http_error(&resp, status, err->msg);
    } else {
        resp.body = json_pack("{sO sO sO sO}", "id",
                              json_object_get(record, "id"), "filter",
                              json_object_get(record, "filter"),
                              "callbackUri",
                              json_object_get(record, "callbackUri"),
                              "_links", json_object_get(record, "_links"));
        snprintf(resp.location, sizeof resp.location, "%s",
                 json_string_value(json_object_get(
                     json_object_get(json_object_get(record, "_links"),
                                     "self"),
                     "href")));
    }
    slc_http_deferred_reply(w->reply, &resp);
    free(w);
}

static int
create(struct slc_call *c, enum slc_notify_api api, const char *base)
{
    struct waiting *w = calloc(1, sizeof *w);
    char existing[40];
    json_t *body = NULL;
    int rc = w ? slc_rest_body(c, &body)
               : slc_rest_fail(c, 500, SLC_ENOMEM, "out of memory");

    rc = rc ? rc
            : slc_subscribe(c->api->notifier, api, body, c->who.project_id,
                            on_subscribed, w, existing, &c->err);
    json_decref(body);
    if (rc == SLC_EEXISTS) {
        /* SOL005: the same subscription is "see other" */
        free(w);
        snprintf(c->resp->location, sizeof c->resp->location, "%s/%s", base,
                 existing);
        slc_rest_reply(c, 303,
                       json_pack("{ss ss}", "id", existing, "detail",
                                 c->err.msg));
        return 0;
    }
    if (rc) {
        free(w);
        return slc_rest_lcm_error(c, rc);
    }
    w->reply = slc_http_defer(c->req, c->resp);
    return 0;
}

static int
list(struct slc_call *c, enum slc_notify_api api)
{
    json_t *out, *item;
    size_t i;
    int rc = slc_rest_list(c, slc_notify_collection(api), NULL, &out);

    if (!rc) {
        json_array_foreach(out, i, item)
        {
            slc_notifier_show(c->api->notifier, item);
        }
        slc_rest_reply(c, 200, out);
    }
    return rc;
}

static int
show(struct slc_call *c, enum slc_notify_api api)
{
    struct slc_record rec;
    int rc = slc_rest_get_visible(c, slc_notify_collection(api),
                                  "subscription", c->params[0], &rec);

    if (!rc) {
        slc_notifier_show(c->api->notifier, rec.doc);
        slc_rest_reply(c, 200, json_incref(rec.doc));
        slc_record_clear(&rec);
    }
    return rc;
}

static int
unsubscribe(struct slc_call *c, enum slc_notify_api api)
{
    struct slc_record rec;
    int rc = slc_rest_get_visible(c, slc_notify_collection(api),
                                  "subscription", c->params[0], &rec);

    if (!rc && !slc_auth_can_write(&c->who, rec.doc)) {
        rc = slc_rest_fail(c, 403, SLC_EDENIED,
                           "subscription '%s' belongs to another project",
                           rec.id);
    }
    rc = rc ? rc : slc_unsubscribe(c->api->notifier, rec.id, &c->err);
    if (!rc) {
        slc_rest_reply(c, 204, NULL);
    }
    slc_record_clear(&rec);
    return rc;
}

static int
ns_create(struct slc_call *c)
{
    return create(c, SLC_NOTIFY_NSLCM, NSLCM_SUBS);
}

static int
ns_list(struct slc_call *c)
{
    return list(c, SLC_NOTIFY_NSLCM);
}

static int
ns_show(struct slc_call *c)
{
    return show(c, SLC_NOTIFY_NSLCM);
}

static int
ns_delete(struct slc_call *c)
{
    return unsubscribe(c, SLC_NOTIFY_NSLCM);
}

static int
nsi_create(struct slc_call *c)
{
    return create(c, SLC_NOTIFY_NSILCM, NSILCM_SUBS);
}

static int
nsi_list(struct slc_call *c)
{
    return list(c, SLC_NOTIFY_NSILCM);
}

static int
nsi_show(struct slc_call *c)
{
    return show(c, SLC_NOTIFY_NSILCM);
}

static int
nsi_delete(struct slc_call *c)
{
    return unsubscribe(c, SLC_NOTIFY_NSILCM);
}


const struct slc_route slc_subscription_routes[] = {
    {"POST", NSLCM_SUBS, ns_create, "ns_subscriptions:"},
    {"GET", NSLCM_SUBS, ns_list, "ns_subscriptions:"},
    {"GET", NSLCM_SUBS "/{id}", ns_show, "ns_subscriptions:id:"},
    {"DELETE", NSLCM_SUBS "/{id}", ns_delete, "ns_subscriptions:id:"},
    {"POST", NSILCM_SUBS, nsi_create, "nsi_subscriptions:"},
    {"GET", NSILCM_SUBS, nsi_list, "nsi_subscriptions:"},
    {"GET", NSILCM_SUBS "/{id}", nsi_show, "nsi_subscriptions:id:"},
    {"DELETE", NSILCM_SUBS "/{id}", nsi_delete, "nsi_subscriptions:id:"},
    {NULL},
};

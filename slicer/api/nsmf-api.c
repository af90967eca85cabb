/* /nsmf/v1/slice_requests: 5G slice requests by service profile (our API,
 * slice-request.c).  A request is answered 202 with the slice instance
 * and the operation that instantiates it; GET shows the request with its
 * slice's state, read at the time. */
#include <stdio.h>
#include <string.h>

#include "rest-internal.h"
#include "slice.h"

#define REQS "/nsmf/v1/slice_requests"

static const struct slc_body_field request_fields[] = {
    {"name", SLC_BT_STR, false},
    {"vimAccountId", SLC_BT_STR, true},
    {"serviceProfile", SLC_BT_OBJ, true},
    {"nstId", SLC_BT_STR, false},
    {"transportEndpoints", SLC_BT_ARR, false},
    {NULL},
};

/* The request with its slice's state now. */
static json_t *
request_view(struct slc_call *c, const json_t *doc)
{
    json_t *v = json_deep_copy(doc);
    struct slc_record nsi;
    struct slc_error err = {0};

    if (!slc_store_get(c->api->st, "nsis",
                       json_string_value(json_object_get(doc, "nsiId")),
                       &nsi, &err)) {
        json_object_set_new(
            v, "nsi",
            json_pack("{sO* sO* sO*}", "operational-status",
                      json_object_get(nsi.doc, "operational-status"),
                      "nsiState",
                      json_object_get(json_object_get(nsi.doc, "_admin"),
                                      "nsiState"),
                      "detailed-status",
                      json_object_get(nsi.doc, "detailed-status")));
        slc_record_clear(&nsi);
    }
    return v;
}

static int
request_create(struct slc_call *c)
{
    json_t *body = NULL, *rec = NULL;
    struct slc_scope sc = slc_rest_scope(c);
    const char *name;
    int rc = slc_rest_body(c, &body);

    rc = rc ? rc
            : slc_rest_check_body(c, body, "slice request", request_fields);
    name = json_string_value(json_object_get(body, "name"));
    if (!rc && name &&
        (!*name || strlen(name) > 63 || strpbrk(name, ",;()'\" /"))) {
        rc = slc_rest_fail(c, 422, SLC_EINVALID,
                           "slice request: name '%.64s' must have 1 to 63 "
                           "characters and none of , ; ( ) ' \" / or space",
                           name);
    }
    if (!rc) {
        rc = slc_rest_lcm_error(c, slc_slice_request(c->api->slicer, body,
                                                     &sc, &rec,
                                                     &c->err));
    }
    if (!rc) {
        snprintf(c->resp->location, sizeof c->resp->location, REQS "/%s",
                 json_string_value(json_object_get(rec, "_id")));
        slc_rest_reply(c, 202, rec);
    }
    json_decref(body);
    return rc;
}

static int
request_list(struct slc_call *c)
{
    json_t *out;
    int rc = slc_rest_list(c, "slice_requests", NULL, &out);

    if (!rc) {
        for (size_t i = 0; i < json_array_size(out); i++) {
            json_array_set_new(out, i,
                               request_view(c, json_array_get(out, i)));
        }
        slc_rest_reply(c, 200, out);
    }
    return rc;
}

static int
request_show(struct slc_call *c)
{
    struct slc_record rec;
    int rc = slc_rest_get_visible(c, "slice_requests", "slice request",
                                  c->params[0], &rec);

    if (!rc) {
        slc_rest_reply(c, 200, request_view(c, rec.doc));
        slc_record_clear(&rec);
    }
    return rc;
}

/* DELETE: 202 with the terminate operation of the slice when this was its
 * last request, 204 otherwise. */
static int
request_delete(struct slc_call *c)
{
    struct slc_record rec;
    char op_id[40];
    int rc = slc_rest_get_visible(c, "slice_requests", "slice request",
                                  c->params[0], &rec);

    if (!rc && !slc_auth_can_write(&c->who, rec.doc)) {
        rc = slc_rest_fail(c, 403, SLC_EDENIED,
                           "slice request '%s' belongs to another project",
                           rec.name);
    }
    if (!rc) {
        rc = slc_rest_lcm_error(c, slc_slice_request_delete(
                                       c->api->slicer, rec.id, op_id, &c->err));
    }
    if (!rc && *op_id) {
        snprintf(c->resp->location, sizeof c->resp->location,
                 "/osm/nsilcm/v1/nsi_lcm_op_occs/%s", op_id);
        slc_rest_reply(c, 202, json_pack("{ss ss}", "id", op_id, "_id",
                                         op_id));
    } else if (!rc) {
        slc_rest_reply(c, 204, NULL);
    }
    slc_record_clear(&rec);
    return rc;
}


/* POST /nsmf/v1/nssmf_notifications/{account}: an NSSMF's 3GPP
 * notification about a subnet it provides.  Without a token (3GPP's
 * notifications carry none): it only makes slicer look at that
 * account's subnets now, reading their state from the NSSMF itself, so
 * a forged one changes nothing. */
static int
nssmf_notified(struct slc_call *c)
{
    int rc = slc_remote_notified(c->api->slicer, c->params[0], &c->err);

    if (rc == SLC_ENOTFOUND) {
        return slc_rest_fail(c, 404, rc, "no such NSSMF account");
    }
    if (!rc) {
        slc_rest_reply(c, 204, NULL);
    }
    return rc;
}

const struct slc_route slc_nsmf_routes[] = {
    {"POST", "/nsmf/v1/nssmf_notifications/{account}", nssmf_notified,
     SLC_ROUTE_PUBLIC},
    {"POST", REQS, request_create, "slice_requests:"},
    {"GET", REQS, request_list, "slice_requests:"},
    {"GET", REQS "/{id}", request_show, "slice_requests:id:"},
    {"DELETE", REQS "/{id}", request_delete, "slice_requests:id:"},
    {NULL},
};

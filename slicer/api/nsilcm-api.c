/* /osm/nsilcm/v1: network slice instances (create, instantiate,
 * terminate, delete) and their operation occurrences, as OSM's NBI
 * serves them (osm-nbi.md §2.6).  Operations are answered 202 at once;
 * the slice manager (slice.h) runs them on the loop. */
#include <stdio.h>
#include <string.h>

#include "notify.h"
#include "rest-internal.h"
#include "slice.h"

#define NSI "/osm/nsilcm/v1/netslice_instances"
#define NSIC "/osm/nsilcm/v1/netslice_instances_content"
#define OPS "/osm/nsilcm/v1/nsi_lcm_op_occs"

static const struct slc_body_field nsi_fields[] = {
    {"nsiName", SLC_BT_STR, true},
    {"nstId", SLC_BT_STR, true},
    {"vimAccountId", SLC_BT_STR, true},
    {"nsiDescription", SLC_BT_STR | SLC_BT_NULL, false},
    {"timeout_nsi_deploy", SLC_BT_INT, false, .min = 1,
     .max = SLC_REST_MAX_TIMEOUT},
    {"ssh_keys", SLC_BT_ARR, false},
    {"additionalParamsForNsi", SLC_BT_OBJ | SLC_BT_NULL, false},
    {"lcmOperationType", SLC_BT_STR, false},
    {"netsliceInstanceId", SLC_BT_STR, false},
    {"nsi_id", SLC_BT_STR, false},
    {"netslice-subnet", SLC_BT_ARR, false},
    {"netslice-vld", SLC_BT_ARR, false},
    {NULL},
};

static const struct slc_body_field vld_fields[] = {
    {"name", SLC_BT_STR, true},
    {"vim-network-name", SLC_BT_STR | SLC_BT_OBJ, false},
    {"vim-network-id", SLC_BT_STR | SLC_BT_OBJ, false},
    {"ip-profile", SLC_BT_OBJ, false},
    {NULL},
};


/* A netslice-subnet[] item: the ns_instantiate members plus its id, none
 * required. */
static int
check_subnet_item(struct slc_call *c, const json_t *item, size_t i)
{
    char what[64];
    json_t *rest;
    int rc;

    snprintf(what, sizeof what, "nsi: netslice-subnet[%zu]", i);
    if (!json_is_object(item) ||
        !json_is_string(json_object_get(item, "id"))) {
        return slc_rest_fail(c, 422, SLC_EINVALID,
                             "%s must be an object with a string 'id'",
                             what);
    }
    if (json_object_get(item, "nssmfAccountId") &&
        !json_is_string(json_object_get(item, "nssmfAccountId"))) {
        return slc_rest_fail(c, 422, SLC_EINVALID,
                             "%s: nssmfAccountId must be the name or _id "
                             "of an NSSMF account",
                             what);
    }
    rest = json_deep_copy(item);
    json_object_del(rest, "id");
    /* a subnet an external NSSMF provides (slicer's extension) */
    json_object_del(rest, "nssmfAccountId");
    rc = slc_rest_check_members(c, rest, what, slc_ns_instantiate_fields);
    json_decref(rest);
    return rc;
}

/* The shape of an nsi_instantiate body; 'require' for a create. */
static int
check_nsi_body(struct slc_call *c, const json_t *body, bool require)
{
    const char *name = json_string_value(json_object_get(body, "nsiName"));
    const json_t *item;
    size_t i;
    int rc = require ? slc_rest_check_body(c, body, "nsi", nsi_fields)
                     : slc_rest_check_members(c, body, "nsi", nsi_fields);

    if (!rc && name &&
        (!*name || strlen(name) > 255 || strpbrk(name, ",;()'\""))) {
        rc = slc_rest_fail(c, 422, SLC_EINVALID,
                           "nsi: nsiName '%.64s' must have 1 to 255 "
                           "characters and none of , ; ( ) ' \"",
                           name);
    }
    json_array_foreach(json_object_get(body, "netslice-subnet"), i, item)
    {
        rc = rc ? rc : check_subnet_item(c, item, i);
    }
    json_array_foreach(json_object_get(body, "netslice-vld"), i, item)
    {
        char what[64];

        snprintf(what, sizeof what, "nsi: netslice-vld[%zu]", i);
        if (!rc && !json_is_object(item)) {
            rc = slc_rest_fail(c, 422, SLC_EINVALID,
                               "%s must be an object", what);
        }
        rc = rc ? rc : slc_rest_check_body(c, item, what, vld_fields);
    }
    return rc;
}

static int
get_nsi(struct slc_call *c, const char *id, struct slc_record *rec,
        bool write)
{
    int rc = slc_rest_get_visible(c, "nsis", "nsi", id, rec);

    if (!rc && write && !slc_auth_can_write(&c->who, rec->doc)) {
        rc = slc_rest_fail(c, 403, SLC_EDENIED,
                           "nsi '%s' belongs to another project", rec->name);
        slc_record_clear(rec);
    }
    return rc;
}

/* Starts slice operation 'type' on 'rec' with 'body' and replies 202
 * with its id. */
static int
start_op(struct slc_call *c, const struct slc_record *rec, const char *type,
         const json_t *body)
{
    char op_id[40];
    int rc = slc_rest_lcm_error(c, slc_nsi_op_start(c->api->slicer, rec->id,
                                                    type, body, op_id,
                                                    &c->err));

    if (!rc) {
        snprintf(c->resp->location, sizeof c->resp->location, OPS "/%s",
                 op_id);
        slc_rest_reply(c, 202,
                       json_pack("{ss ss}", "id", op_id, "_id", op_id));
    }
    return rc;
}

static int
nsi_create(struct slc_call *c)
{
    json_t *body = NULL;
    char id[40];
    struct slc_scope sc = slc_rest_scope(c);
    int rc = slc_rest_body(c, &body);

    rc = rc ? rc : check_nsi_body(c, body, true);
    rc = rc ? rc
            : slc_rest_lcm_error(c, slc_nsi_create(c->api->slicer, body, &sc,
                                                   id, NULL, &c->err));
    if (!rc) {
        slc_rest_tell_identifier(c, "nsis", id, true);
        slc_rest_created(c, NSI, id, NULL);
    }
    json_decref(body);
    return rc;
}

/* POST netslice_instances_content: create and instantiate in one call. */
static int
nsi_content_create(struct slc_call *c)
{
    json_t *body = NULL;
    char id[40], op_id[40];
    struct slc_scope sc = slc_rest_scope(c);
    int rc = slc_rest_body(c, &body);

    rc = rc ? rc : check_nsi_body(c, body, true);
    rc = rc ? rc
            : slc_rest_lcm_error(c, slc_nsi_create(c->api->slicer, body, &sc,
                                                   id, NULL, &c->err));
    if (!rc) {
        slc_rest_tell_identifier(c, "nsis", id, true);
        rc = slc_rest_lcm_error(c, slc_nsi_op_start(c->api->slicer, id, "instantiate",
                                           body, op_id, &c->err));
        if (rc) {
            /* nothing was started: no half-made slice */
            slc_rest_tell_identifier(c, "nsis", id, false);
            slc_nsi_delete(c->api->slicer, id, true, NULL);
        }
    }
    if (!rc) {
        slc_rest_created(c, NSIC, id,
                         json_pack("{ss}", "nsilcmop_id", op_id));
    }
    json_decref(body);
    return rc;
}

static int
nsi_list(struct slc_call *c)
{
    return slc_rest_reply_list(c, "nsis", NULL);
}

static int
nsi_show(struct slc_call *c)
{
    return slc_rest_show_stored(c, "nsis", "nsi", c->params[0]);
}

/* POST .../instantiate: OSM clients resend the create body; what it names
 * must be the record's. */
static int
nsi_instantiate(struct slc_call *c)
{
    struct slc_record rec;
    json_t *body = NULL;
    int rc = get_nsi(c, c->params[0], &rec, true);

    if (rc) {
        return rc;
    }
    rc = c->req->body_size ? slc_rest_body(c, &body)
                           : ((body = json_object()) ? 0 : SLC_ENOMEM);
    rc = rc ? rc : check_nsi_body(c, body, false);
    if (!rc) {
        static const char *const keys[][2] = {
            {"nsiName", "name"}, {"nstId", NULL}, {"vimAccountId", NULL}};
        const json_t *admin = json_object_get(rec.doc, "_admin");

        for (size_t k = 0; k < 3 && !rc; k++) {
            const char *v = json_string_value(json_object_get(body,
                                                              keys[k][0]));
            bool same =
                !v || (keys[k][1] &&
                       !strcmp(v, json_string_value(json_object_get(
                                      rec.doc, keys[k][1])))) ||
                (k == 1 &&
                 (!strcmp(v, json_string_value(json_object_get(
                                 admin, "nst-id")) ?: "") ||
                  !strcmp(v, json_string_value(json_object_get(
                                 rec.doc, "nst-ref")) ?: ""))) ||
                (k == 2 &&
                 !strcmp(v, json_string_value(json_object_get(
                                rec.doc, "datacenter")) ?: ""));

            if (!same) {
                rc = slc_rest_fail(c, 409, SLC_ECONFLICT,
                                   "instantiate: %s '%s' differs from that "
                                   "of nsi '%s'",
                                   keys[k][0], v, rec.name);
            }
        }
    }
    rc = rc ? rc : start_op(c, &rec, "instantiate", body);
    json_decref(body);
    slc_record_clear(&rec);
    return rc;
}

/* A slice action: OSM's ns_action members, run on the subnets named in
 * netslice-subnet (nss-ids or NS ids), else on every subnet the slice
 * does not share whose NS has the primitive. */
static const struct slc_body_field nsi_action_fields[] = {
    {"primitive", SLC_BT_STR, true},
    {"primitive_params", SLC_BT_OBJ | SLC_BT_NULL, false},
    {"member_vnf_index", SLC_BT_STR, false},
    {"vdu_id", SLC_BT_STR | SLC_BT_NULL, false},
    {"vdu_count_index", SLC_BT_INT, false, .min = 0, .max = 65535},
    {"netslice-subnet", SLC_BT_ARR, false},
    {"timeout_ns_action", SLC_BT_INT, false, .min = 1,
     .max = SLC_REST_MAX_TIMEOUT},
    {"timeout_nsi_deploy", SLC_BT_INT, false, .min = 1,
     .max = SLC_REST_MAX_TIMEOUT},
    {"lcmOperationType", SLC_BT_STR, false},
    {"netsliceInstanceId", SLC_BT_STR, false},
    {NULL},
};

static int
nsi_action(struct slc_call *c)
{
    struct slc_record rec;
    json_t *body = NULL;
    int rc;

    /* it runs NS actions: the caller's roles must allow those too */
    if (!slc_rest_may(c, "ns_instances:id:action:post")) {
        return slc_rest_fail(c, 403, SLC_EDENIED,
                             "user '%s' may not run primitives: a slice "
                             "action runs NS actions, and no role of it "
                             "allows 'ns_instances:id:action:post'",
                             c->who.username);
    }
    rc = get_nsi(c, c->params[0], &rec, true);
    if (rc) {
        return rc;
    }
    rc = slc_rest_body(c, &body);
    rc = rc ? rc
            : slc_rest_check_body(c, body, "nsi action", nsi_action_fields);
    if (!rc && json_is_null(json_object_get(body, "primitive_params"))) {
        json_object_del(body, "primitive_params");
    }
    rc = rc ? rc : start_op(c, &rec, "action", body);
    json_decref(body);
    slc_record_clear(&rec);
    return rc;
}

static int
terminate(struct slc_call *c, const struct slc_record *rec, json_t *body)
{
    if (json_object_get(body, "autoremove") &&
        !json_is_boolean(json_object_get(body, "autoremove"))) {
        return slc_rest_fail(c, 422, SLC_EINVALID,
                             "terminate: autoremove must be true or false");
    }
    return start_op(c, rec, "terminate", body);
}

static int
nsi_terminate(struct slc_call *c)
{
    struct slc_record rec;
    json_t *body = NULL;
    int rc = get_nsi(c, c->params[0], &rec, true);

    if (rc) {
        return rc;
    }
    rc = c->req->body_size ? slc_rest_body(c, &body)
                           : ((body = json_object()) ? 0 : SLC_ENOMEM);
    if (!rc && !json_is_object(body)) {
        rc = slc_rest_fail(c, 422, SLC_EINVALID,
                           "terminate: the body must be an object");
    }
    rc = rc ? rc : terminate(c, &rec, body);
    json_decref(body);
    slc_record_clear(&rec);
    return rc;
}

/* DELETE netslice_instances/{id}: 204, or 409 while instantiated (unless
 * FORCE). */
static int
nsi_delete(struct slc_call *c)
{
    struct slc_record rec;
    int rc = get_nsi(c, c->params[0], &rec, true);

    rc = rc ? rc
            : slc_rest_lcm_error(c, slc_nsi_delete(c->api->slicer, rec.id,
                                          slc_rest_flag(c, "FORCE"),
                                          &c->err));
    if (!rc) {
        slc_notify_identifier(c->api->notifier, SLC_NOTIFY_NSILCM, false,
                              rec.doc);
        slc_rest_reply(c, 204, NULL);
    }
    slc_record_clear(&rec);
    return rc;
}

/* DELETE netslice_instances_content/{id}: an instantiated slice is
 * terminated with autoremove (202), another is deleted (204). */
static int
nsi_content_delete(struct slc_call *c)
{
    struct slc_record rec;
    json_t *body;
    int rc = get_nsi(c, c->params[0], &rec, true);

    if (rc) {
        return rc;
    }
    if (slc_rest_flag(c, "FORCE") ||
        strcmp(json_string_value(json_object_get(
                   json_object_get(rec.doc, "_admin"), "nsiState")) ?: "",
               "INSTANTIATED")) {
        slc_record_clear(&rec);
        return nsi_delete(c);
    }
    body = json_pack("{sb}", "autoremove", 1);
    rc = terminate(c, &rec, body);
    json_decref(body);
    slc_record_clear(&rec);
    return rc;
}

static int
op_list(struct slc_call *c)
{
    return slc_rest_reply_list(c, "nsilcmops", NULL);
}

static int
op_show(struct slc_call *c)
{
    return slc_rest_show_stored(c, "nsilcmops", "nsi operation",
                                c->params[0]);
}


const struct slc_route slc_nsilcm_routes[] = {
    {"POST", NSI, nsi_create, "slice_instances:"},
    {"GET", NSI, nsi_list, "slice_instances:"},
    {"GET", NSI "/{id}", nsi_show, "slice_instances:id:"},
    {"DELETE", NSI "/{id}", nsi_delete, "slice_instances:id:"},
    {"POST", NSI "/{id}/instantiate", nsi_instantiate,
     "slice_instances:id:instantiate:"},
    {"POST", NSI "/{id}/terminate", nsi_terminate,
     "slice_instances:id:terminate:"},
    {"POST", NSI "/{id}/action", nsi_action, "slice_instances:id:action:"},
    {"POST", NSIC, nsi_content_create, "slice_instances:content:"},
    {"GET", NSIC, nsi_list, "slice_instances:"},
    {"GET", NSIC "/{id}", nsi_show, "slice_instances:id:"},
    {"DELETE", NSIC "/{id}", nsi_content_delete, "slice_instances:id:"},
    {"GET", OPS, op_list, "slice_instances:opps:"},
    {"GET", OPS "/{id}", op_show, "slice_instances:opps:id:"},
    {NULL},
};

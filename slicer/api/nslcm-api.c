/* /osm/nslcm/v1: NS instances (create, instantiate, terminate, scale,
 * delete), their operation occurrences and VNF instances.  Operations are
 * answered 202 at once; the engine runs them on the loop. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "http-server.h"
#include "ns-chains.h"
#include "ns-lcm.h"
#include "notify.h"
#include "rest-internal.h"
#include "slc-log.h"

SLC_LOG_MODULE(nslcm_api);

#define NS "/osm/nslcm/v1/ns_instances"
#define NSC "/osm/nslcm/v1/ns_instances_content"
#define OPS "/osm/nslcm/v1/ns_lcm_op_occs"

const struct slc_body_field slc_ns_instantiate_fields[] = {
    {"nsName", SLC_BT_STR, true},
    {"nsdId", SLC_BT_STR, true},
    {"vimAccountId", SLC_BT_STR, true},
    {"nsDescription", SLC_BT_STR | SLC_BT_NULL, false},
    {"lcmOperationType", SLC_BT_STR, false},
    {"nsInstanceId", SLC_BT_STR, false},
    {"netsliceInstanceId", SLC_BT_STR, false},
    {"nsr_id", SLC_BT_STR, false},
    {"wimAccountId", SLC_BT_STR | SLC_BT_BOOL | SLC_BT_NULL, false},
    {"placement-engine", SLC_BT_STR, false},
    {"placement-constraints", SLC_BT_OBJ, false},
    {"additionalParamsForNs", SLC_BT_OBJ | SLC_BT_NULL, false},
    {"additionalParamsForVnf", SLC_BT_ARR, false},
    {"ssh_keys", SLC_BT_ARR, false},
    {"timeout_ns_deploy", SLC_BT_INT, false, .min = 1,
     .max = SLC_REST_MAX_TIMEOUT},
    {"nsConfigTemplateId", SLC_BT_STR, false},
    {"vduImage", SLC_BT_STR, false},
    {"vnf", SLC_BT_ARR, false},
    {"vld", SLC_BT_ARR, false},
    {NULL},
};

static const struct slc_body_field terminate_fields[] = {
    {"lcmOperationType", SLC_BT_STR, false},
    {"nsInstanceId", SLC_BT_STR, false},
    {"autoremove", SLC_BT_BOOL, false},
    {"timeout_ns_terminate", SLC_BT_INT, false, .min = 1,
     .max = SLC_REST_MAX_TIMEOUT},
    {"skip_terminate_primitives", SLC_BT_BOOL, false},
    {"netsliceInstanceId", SLC_BT_STR, false},
    {NULL},
};

/* OSM's ns_action (vnf_member_index is its legacy spelling). */
static const struct slc_body_field action_fields[] = {
    {"primitive", SLC_BT_STR, true},
    {"primitive_params", SLC_BT_OBJ | SLC_BT_NULL, false},
    {"member_vnf_index", SLC_BT_STR, false},
    {"vnf_member_index", SLC_BT_STR, false},
    {"vdu_id", SLC_BT_STR | SLC_BT_NULL, false},
    {"vdu_count_index", SLC_BT_INT | SLC_BT_STR | SLC_BT_NULL, false},
    {"kdu_name", SLC_BT_STR | SLC_BT_NULL, false},
    {"timeout_ns_action", SLC_BT_INT, false, .min = 1,
     .max = SLC_REST_MAX_TIMEOUT},
    {"lcmOperationType", SLC_BT_STR, false},
    {"nsInstanceId", SLC_BT_STR, false},
    {"netsliceInstanceId", SLC_BT_STR, false},
    {NULL},
};

/* OSM's heal: vnf[] {vnfInstanceId, cause, additionalParams {run-day1,
 * vdu[] {vdu-id, count-index, run-day1}}}. */
static const struct slc_body_field heal_fields[] = {
    {"vnf", SLC_BT_ARR, true},
    {"timeout_ns_heal", SLC_BT_INT, false, .min = 1,
     .max = SLC_REST_MAX_TIMEOUT},
    {"lcmOperationType", SLC_BT_STR, false},
    {"nsInstanceId", SLC_BT_STR, false},
    {NULL},
};

static const struct slc_body_field heal_vnf_fields[] = {
    {"vnfInstanceId", SLC_BT_STR, true},
    {"cause", SLC_BT_STR, false},
    {"additionalParams", SLC_BT_OBJ, false},
    {NULL},
};

static const struct slc_body_field heal_params_fields[] = {
    {"run-day1", SLC_BT_BOOL, false},
    {"vdu", SLC_BT_ARR, false},
    {NULL},
};

static const struct slc_body_field heal_vdu_fields[] = {
    {"vdu-id", SLC_BT_STR, true},
    {"count-index", SLC_BT_INT, false, .min = 0, .max = 65535},
    {"run-day1", SLC_BT_BOOL, false},
    {NULL},
};

static const char *const scale_types[] = {"SCALE_VNF", NULL};
static const char *const scale_vnf_types[] = {"SCALE_OUT", "SCALE_IN", NULL};

static const struct slc_body_field scale_fields[] = {
    {"scaleType", SLC_BT_STR, true, .values = scale_types},
    {"scaleVnfData", SLC_BT_OBJ, true},
    {"timeout_ns_scale", SLC_BT_INT, false, .min = 1,
     .max = SLC_REST_MAX_TIMEOUT},
    {"scaleTime", SLC_BT_STR, false},
    {"lcmOperationType", SLC_BT_STR, false},
    {"nsInstanceId", SLC_BT_STR, false},
    {NULL},
};

static const struct slc_body_field scale_vnf_fields[] = {
    {"scaleVnfType", SLC_BT_STR, true, .values = scale_vnf_types},
    {"scaleByStepData", SLC_BT_OBJ, true},
    {NULL},
};

static const struct slc_body_field scale_step_fields[] = {
    {"scaling-group-descriptor", SLC_BT_STR, true},
    {"member-vnf-index", SLC_BT_STR, true},
    {"scaling-policy", SLC_BT_STR, false},
    {NULL},
};

/* What a scale request asks for, beyond its top-level fields. */
static int
check_scale(struct slc_call *c, const json_t *body)
{
    const json_t *data = json_object_get(body, "scaleVnfData");
    int rc = slc_rest_check_body(c, data, "scale: scaleVnfData",
                                 scale_vnf_fields);

    return rc ? rc
              : slc_rest_check_body(c,
                                    json_object_get(data, "scaleByStepData"),
                                    "scale: scaleVnfData.scaleByStepData",
                                    scale_step_fields);
}

static int
check_ns_name(struct slc_call *c, const json_t *body)
{
    const char *name = json_string_value(json_object_get(body, "nsName"));

    if (!*name || strlen(name) > 255 || strpbrk(name, ",;()'\"")) {
        return slc_rest_fail(c, 422, SLC_EINVALID,
                             "ns: nsName '%.64s' must have 1 to 255 "
                             "characters and none of , ; ( ) ' \"",
                             name);
    }
    return 0;
}

/* An NS that slices use is run by their operations: 409 for 'what'. */
static int
check_not_sliced(struct slc_call *c, const struct slc_record *nsr,
                 const char *what)
{
    const json_t *users = json_object_get(json_object_get(nsr->doc, "_admin"),
                                          "netslice-users");

    if (json_array_size(users) && !slc_rest_flag(c, "FORCE")) {
        return slc_rest_fail(c, 409, SLC_ECONFLICT,
                             "ns '%s' is a subnet of netslice instance %s: "
                             "%s it through the slice",
                             nsr->name,
                             json_string_value(json_array_get(users, 0)),
                             what);
    }
    return 0;
}

/* The NS a path names, visible to the caller. */
static int
get_ns(struct slc_call *c, const char *id, struct slc_record *rec)
{
    return slc_rest_get_visible(c, "nsrs", "ns", id, rec);
}


static double
op_timeout(struct slc_call *c, const json_t *body, const char *key)
{
    json_int_t t = json_integer_value(json_object_get(body, key));

    /* timeout_ns_action bounds each primitive, which the VIM kills then:
     * the operation outlives it long enough to say so */
    if (t > 0 && !strcmp(key, "timeout_ns_action")) {
        return (double)t + 30;
    }
    return t > 0 ? (double)t : (double)c->api->op_timeout;
}

/* Creates and starts an operation on NS 'nsr' (just read); fills
 * 'op_id'. */
static int
start_op(struct slc_call *c, struct slc_record *nsr, const char *type,
         const json_t *params, const char *timeout_key, char op_id[40])
{
    struct slc_record op;
    json_t *context;
    int rc = slc_ns_op_create(c->api->st, nsr, type, params,
                              slc_rest_now(c),
                              op_timeout(c, params, timeout_key), &op,
                              &context, &c->err);

    if (rc) {
        return slc_rest_lcm_error(c, rc);
    }
    snprintf(op_id, 40, "%s", op.id);
    rc = slc_engine_start(c->api->engine, &op, context, &c->err);
    if (rc) {
        SLC_ERR("operation %s: cannot start: %s", op_id, c->err.msg);
    }
    slc_record_clear(&op);
    return rc;
}

static void
reply_op(struct slc_call *c, const char *op_id, const char *ns_name)
{
    json_t *body = json_pack("{ss ss}", "id", op_id, "_id", op_id);

    if (ns_name) {
        json_object_set_new(body, "nsName", json_string(ns_name));
    }
    snprintf(c->resp->location, sizeof c->resp->location, OPS "/%s", op_id);
    slc_rest_reply(c, 202, body);
}

static int
parse_create(struct slc_call *c, json_t **body)
{
    int rc = slc_rest_body(c, body);

    rc = rc ? rc : slc_rest_check_body(c, *body, "ns instantiate request",
                                       slc_ns_instantiate_fields);
    rc = rc ? rc : check_ns_name(c, *body);
    return rc;
}

static int
ns_create(struct slc_call *c)
{
    json_t *body = NULL;
    char id[40];
    struct slc_scope sc = slc_rest_scope(c);
    int rc = parse_create(c, &body);

    if (!rc) {
        rc = slc_rest_lcm_error(c, slc_ns_create(c->api->st, body, &sc,
                                                 slc_rest_now(c), NULL, id,
                                                 NULL, &c->err));
    }
    if (!rc) {
        slc_rest_tell_identifier(c, "nsrs", id, true);
        slc_rest_created(c, NS, id, NULL);
    }
    json_decref(body);
    return rc;
}

/* POST ns_instances_content: create and instantiate in one call. */
static int
ns_content_create(struct slc_call *c)
{
    json_t *body = NULL;
    char id[40], op_id[40];
    struct slc_scope sc = slc_rest_scope(c);
    struct slc_record nsr = {0};
    int rc = parse_create(c, &body);

    if (!rc) {
        rc = slc_rest_lcm_error(c, slc_ns_create(c->api->st, body, &sc,
                                                 slc_rest_now(c), NULL, id,
                                                 &nsr, &c->err));
    }
    if (!rc) {
        /* the record as created: the NS is new, so it is as stored */
        slc_rest_tell_identifier(c, "nsrs", id, true);
        rc = start_op(c, &nsr, "instantiate", body, "timeout_ns_deploy",
                      op_id);
        if (rc) {
            /* Nothing was started: do not leave a half-made NS. */
            slc_rest_tell_identifier(c, "nsrs", id, false);
            slc_ns_delete(c->api->st, id, true, NULL);
        }
    }
    slc_record_clear(&nsr);
    if (!rc) {
        slc_rest_created(c, NSC, id,
                         json_pack("{ss ss}", "nslcmop_id", op_id, "nsName",
                                   json_string_value(
                                       json_object_get(body, "nsName"))));
    }
    json_decref(body);
    return rc;
}

static int
ns_list(struct slc_call *c)
{
    return slc_rest_reply_list(c, "nsrs", NULL);
}

static int
ns_show(struct slc_call *c)
{
    return slc_rest_show_stored(c, "nsrs", "ns", c->params[0]);
}

/* The items of a heal body, each checked as OSM's. */
static int
check_heal(struct slc_call *c, const json_t *body)
{
    const json_t *v, *d;
    char what[64];
    size_t i, k;
    int rc = 0;

    json_array_foreach(json_object_get(body, "vnf"), i, v)
    {
        const json_t *ap = json_object_get(v, "additionalParams");

        snprintf(what, sizeof what, "heal: vnf[%zu]", i);
        rc = json_is_object(v)
                 ? slc_rest_check_body(c, v, what, heal_vnf_fields)
                 : slc_rest_fail(c, 422, SLC_EINVALID, "%s must be an object",
                                 what);
        snprintf(what, sizeof what, "heal: vnf[%zu].additionalParams", i);
        rc = rc || !ap ? rc
                       : slc_rest_check_body(c, ap, what, heal_params_fields);
        json_array_foreach(rc ? NULL : json_object_get(ap, "vdu"), k, d)
        {
            snprintf(what, sizeof what,
                     "heal: vnf[%zu].additionalParams.vdu[%zu]", i, k);
            rc = json_is_object(d)
                     ? slc_rest_check_body(c, d, what, heal_vdu_fields)
                     : slc_rest_fail(c, 422, SLC_EINVALID,
                                     "%s must be an object", what);
            if (rc) {
                break;
            }
        }
        if (rc) {
            break;
        }
    }
    return rc;
}

/* Normalises an ns_action body: the legacy vnf_member_index, a
 * vdu_count_index given as text; KDUs are not slicer's. */
static int
check_action(struct slc_call *c, json_t *body)
{
    json_t *idx = json_object_get(body, "vdu_count_index");
    const char *legacy = json_string_value(json_object_get(body,
                                                           "vnf_member_index"));

    if (json_string_value(json_object_get(body, "kdu_name"))) {
        return slc_rest_fail(c, 422, SLC_EUNSUPPORTED,
                             "action: kdu_name '%s': slicer runs no KDU "
                             "primitive",
                             json_string_value(json_object_get(body,
                                                               "kdu_name")));
    }
    if (legacy && !json_object_get(body, "member_vnf_index")) {
        json_object_set_new(body, "member_vnf_index", json_string(legacy));
    }
    if (json_is_string(idx)) {
        const char *t = json_string_value(idx);
        char *end;
        long v = strtol(t, &end, 10);

        if (!*t || *end || v < 0 || v > 65535) {
            return slc_rest_fail(c, 422, SLC_EINVALID,
                                 "action: vdu_count_index '%.32s' is not a "
                                 "count index",
                                 t);
        }
        json_object_set_new(body, "vdu_count_index", json_integer(v));
    } else if (json_is_integer(idx) &&
               (json_integer_value(idx) < 0 ||
                json_integer_value(idx) > 65535)) {
        return slc_rest_fail(c, 422, SLC_EINVALID,
                             "action: vdu_count_index %" JSON_INTEGER_FORMAT
                             " is not a count index",
                             json_integer_value(idx));
    }
    if (json_is_null(json_object_get(body, "primitive_params"))) {
        json_object_del(body, "primitive_params");
    }
    return 0;
}

/* Runs operation 'type' on the NS of the path.  'fields' checks the body;
 * 'require' says whether its required fields must be there (instantiate
 * takes the create request again, all of it optional). */
static int
ns_operation(struct slc_call *c, const char *type,
             const struct slc_body_field *fields, bool require,
             const char *timeout_key)
{
    struct slc_record rec;
    json_t *body = NULL;
    char op_id[40];
    int rc = get_ns(c, c->params[0], &rec);

    if (!rc && !slc_auth_can_write(&c->who, rec.doc)) {
        rc = slc_rest_fail(c, 403, SLC_EDENIED,
                           "ns '%s' belongs to another project", rec.name);
    }
    if (!rc && strcmp(type, "scale") && strcmp(type, "action") &&
        strcmp(type, "heal")) {
        rc = check_not_sliced(c, &rec, type);
    }
    if (!rc && c->req->body_size) {
        rc = slc_rest_body(c, &body);
    } else if (!rc) {
        body = json_object();
    }
    if (!rc) {
        rc = require ? slc_rest_check_body(c, body, type, fields)
                     : slc_rest_check_members(c, body, type, fields);
    }
    if (!rc && !strcmp(type, "scale")) {
        rc = check_scale(c, body);
    }
    if (!rc && !strcmp(type, "action")) {
        rc = check_action(c, body);
    }
    if (!rc && !strcmp(type, "heal")) {
        rc = check_heal(c, body);
    }
    if (!rc && !strcmp(type, "instantiate")) {
        /* OSM clients resend the create body; it must match the record. */
        const char *nsd = json_string_value(json_object_get(body, "nsdId"));

        if (nsd && strcmp(nsd, json_string_value(json_object_get(
                                   rec.doc, "nsd-id"))) &&
            strcmp(nsd, json_string_value(json_object_get(rec.doc,
                                                          "nsd-ref")))) {
            rc = slc_rest_fail(c, 409, SLC_ECONFLICT,
                               "instantiate: nsdId '%s' is not the nsd of "
                               "ns '%s'",
                               nsd, rec.name);
        }
        json_object_del(body, "nsName");
        json_object_del(body, "nsdId");
        json_object_del(body, "vimAccountId");
        json_object_del(body, "nsDescription");
    }
    rc = rc ? rc : start_op(c, &rec, type, body, timeout_key, op_id);
    if (!rc) {
        reply_op(c, op_id, rec.name);
    }
    json_decref(body);
    slc_record_clear(&rec);
    return rc;
}

static int
ns_instantiate(struct slc_call *c)
{
    return ns_operation(c, "instantiate", slc_ns_instantiate_fields, false,
                        "timeout_ns_deploy");
}

static int
ns_terminate(struct slc_call *c)
{
    return ns_operation(c, "terminate", terminate_fields, true,
                        "timeout_ns_terminate");
}

static int
ns_scale(struct slc_call *c)
{
    return ns_operation(c, "scale", scale_fields, true, "timeout_ns_scale");
}

static int
ns_heal(struct slc_call *c)
{
    return ns_operation(c, "heal", heal_fields, true, "timeout_ns_heal");
}

static int
ns_action(struct slc_call *c)
{
    return ns_operation(c, "action", action_fields, true,
                        "timeout_ns_action");
}

/* DELETE ns_instances/{id}: 204, or 409 while instantiated. */
static int
ns_delete(struct slc_call *c)
{
    struct slc_record rec;
    int rc = get_ns(c, c->params[0], &rec);

    if (!rc && !slc_auth_can_write(&c->who, rec.doc)) {
        rc = slc_rest_fail(c, 403, SLC_EDENIED,
                           "ns '%s' belongs to another project", rec.name);
    }
    rc = rc ? rc : check_not_sliced(c, &rec, "delete");
    rc = rc ? rc : slc_rest_lcm_error(c, slc_ns_delete(c->api->st, rec.id,
                                              slc_rest_flag(c, "FORCE"),
                                              &c->err));
    if (!rc) {
        slc_notify_identifier(c->api->notifier, SLC_NOTIFY_NSLCM, false,
                              rec.doc);
        slc_rest_reply(c, 204, NULL);
    }
    slc_record_clear(&rec);
    return rc;
}

/* DELETE ns_instances_content/{id}: an instantiated NS is terminated with
 * autoremove (202), another is deleted (204). */
static int
ns_content_delete(struct slc_call *c)
{
    struct slc_record rec;
    char op_id[40];
    json_t *params;
    int rc = get_ns(c, c->params[0], &rec);

    if (rc) {
        return rc;
    }
    if (slc_rest_flag(c, "FORCE") ||
        strcmp(json_string_value(json_object_get(
                   json_object_get(rec.doc, "_admin"), "nsState")) ?: "",
               "INSTANTIATED")) {
        slc_record_clear(&rec);
        return ns_delete(c);
    }
    params = json_pack("{sb}", "autoremove", 1);
    rc = check_not_sliced(c, &rec, "delete");
    rc = rc                                ? rc
         : slc_auth_can_write(&c->who, rec.doc)
             ? start_op(c, &rec, "terminate", params,
                        "timeout_ns_terminate", op_id)
             : slc_rest_fail(c, 403, SLC_EDENIED,
                             "ns '%s' belongs to another project", rec.name);
    if (!rc) {
        reply_op(c, op_id, rec.name);
    }
    json_decref(params);
    slc_record_clear(&rec);
    return rc;
}

static json_t *
op_view(const json_t *doc)
{
    json_t *v = json_deep_copy(doc);

    /* The plan is internal; its progress shows as a count. */
    json_t *admin = json_object_get(v, "_admin");
    const json_t *steps = json_object_get(admin, "steps");
    size_t done = 0, i;
    const json_t *s;

    json_array_foreach(steps, i, s)
    {
        const char *st = json_string_value(json_object_get(s, "state"));

        done += st && (!strcmp(st, "DONE") || !strcmp(st, "UNDONE"));
    }
    json_object_set_new(v, "stage",
                        json_sprintf("%zu/%zu steps", done,
                                     json_array_size(steps)));
    return v;
}

static int
op_list(struct slc_call *c)
{
    return slc_rest_reply_list(c, "nslcmops", op_view);
}

static int
op_show(struct slc_call *c)
{
    struct slc_record rec;
    int rc = slc_rest_get_visible(c, "nslcmops", "operation", c->params[0],
                                  &rec);

    if (!rc) {
        slc_rest_reply(c, 200, op_view(rec.doc));
        slc_record_clear(&rec);
    }
    return rc;
}

static int
vnf_list(struct slc_call *c)
{
    return slc_rest_reply_list(c, "vnfrs", NULL);
}

static int
vnf_show(struct slc_call *c)
{
    return slc_rest_show_stored(c, "vnfrs", "vnf instance", c->params[0]);
}

/* ---- chains and their counters (a slicer extension) ---- */

/* A read of an NS's chains and their counters. */
struct chains_read {
    slc_chain_reports_fn done;
    void *arg;
    json_t *nsr;     /* the record read */
    json_t *out;     /* [reports], filled in as counters arrive */
    size_t waiting;
};

static void
chains_answer(struct chains_read *r)
{
    r->done(r->arg, r->out);
    json_decref(r->out);
    json_decref(r->nsr);
    free(r);
}

/* The report of chain 'index' learns its counters: one read per switch
 * the chain is on (the VIM's, the fabric), joined in that order as its
 * programs are. */
struct chains_slot {
    struct chains_read *r;
    size_t index;
    unsigned waiting;         /* reads of this chain in flight */
    json_t *counters[2];      /* per switch, as read */
    char error[512];          /* the first read's error */
};

/* The chain's programs (VIM switch, fabric) joined, and 'counters' the
 * same way (NULL when one is missing). */
static json_t *
joined(const json_t *const progs[2], json_t *const counters[2],
       json_t **counts)
{
    json_t *prog = json_pack("{s[]}", "rules");
    json_t *rules = json_object_get(prog, "rules"), *c = json_array();
    bool all = true;

    for (int k = 0; k < 2; k++) {
        const json_t *list = json_object_get(counters[k], "rules");

        if (!progs[k]) {
            continue;
        }
        json_array_extend(rules, json_object_get(progs[k], "rules"));
        all &= json_is_array(list);
        json_array_extend(c, (json_t *)list);
    }
    *counts = all ? json_pack("{so}", "rules", c) : (json_decref(c), NULL);
    return prog;
}

static void
chain_report(struct chains_read *r, struct chains_slot *slot)
{
    const json_t *g = json_array_get(json_object_get(r->nsr, "vnffgr"),
                                     slot->index);
    const char *vim;
    uint32_t id;
    const json_t *progs[2];
    json_t *counts, *prog;

    progs[0] = slc_ns_chain_programs(r->nsr, g, &vim, &id, &progs[1]);
    prog = joined(progs, slot->counters, &counts);
    json_array_set_new(r->out, slot->index,
                       slc_ns_chain_report(g, prog,
                                           slot->error[0] ? NULL : counts,
                                           slot->error[0] ? slot->error
                                                          : NULL));
    json_decref(prog);
    json_decref(counts);
}

/* Drops a hold on 'slot': the last one writes the chain's report. */
static void
release_slot(struct chains_slot *slot)
{
    struct chains_read *r = slot->r;

    if (--slot->waiting) {
        return;
    }
    chain_report(r, slot);
    json_decref(slot->counters[0]);
    json_decref(slot->counters[1]);
    free(slot);
    if (--r->waiting == 0) {
        chains_answer(r);
    }
}

/* Switch k's counters (0 the VIM's, 1 the fabric's) or its error. */
static void
on_chain_counters(void *arg, int rc, const char *msg, const json_t *data,
                  int k)
{
    struct chains_slot *slot = arg;

    if (rc && !slot->error[0]) {
        snprintf(slot->error, sizeof slot->error, "%s", msg ? msg : "failed");
    }
    slot->counters[k] = json_incref((json_t *)data);
    release_slot(slot);
}

static void
on_vim_counters(void *arg, int rc, const char *msg, const json_t *data)
{
    on_chain_counters(arg, rc, msg, data, 0);
}

static void
on_fabric_counters(void *arg, int rc, const char *msg, const json_t *data)
{
    on_chain_counters(arg, rc, msg, data, 1);
}

int
slc_rest_chain_reports(struct slc_api *api, const json_t *nsr,
                       slc_chain_reports_fn done, void *arg)
{
    struct chains_read *r = calloc(1, sizeof *r);
    const json_t *g;
    size_t i;

    if (!r || !(r->out = json_array())) {
        free(r);
        return SLC_ENOMEM;
    }
    *r = (struct chains_read){.done = done, .arg = arg,
                              .nsr = json_incref((json_t *)nsr),
                              .out = r->out,
                              .waiting = 1}; /* this call's own */
    json_array_foreach(json_object_get(r->nsr, "vnffgr"), i, g)
    {
        const char *vim = NULL;
        uint32_t id = 0;
        const json_t *progs[2];
        struct chains_slot *slot = calloc(1, sizeof *slot);

        progs[0] = slc_ns_chain_programs(r->nsr, g, &vim, &id, &progs[1]);
        json_array_append_new(r->out, slc_ns_chain_report(g, NULL, NULL,
                                                          NULL));
        if ((!progs[0] && !progs[1]) || !slot) {
            free(slot);
            continue;
        }
        *slot = (struct chains_slot){.r = r, .index = i, .waiting = 1};
        r->waiting++;
        for (int k = 0; k < 2; k++) {
            struct slc_error err = {0};

            if (!progs[k]) {
                continue;
            }
            slot->waiting++;
            if (slc_engine_chain_counters(
                    api->engine, vim, id, k == 1,
                    k ? on_fabric_counters : on_vim_counters, slot, &err)) {
                on_chain_counters(slot, err.code, err.msg, NULL, k);
            }
        }
        release_slot(slot); /* this loop's own hold */
    }
    if (--r->waiting == 0) {
        chains_answer(r);
    }
    return 0;
}

/* A chains request's reply: now (answered within the call) or later. */
struct chains_reply {
    struct slc_call *c;               /* while the call runs */
    struct slc_http_deferred *later;  /* once deferred */
    bool answered;
};

static void
chains_done(void *arg, json_t *reports)
{
    struct chains_reply *cr = arg;

    if (cr->later) {
        struct slc_http_response resp = {.status = 200,
                                         .body = json_incref(reports)};

        slc_http_deferred_reply(cr->later, &resp);
        free(cr);
    } else {
        slc_rest_reply(cr->c, 200, json_incref(reports));
        cr->answered = true;
    }
}

/* GET .../ns_instances/{id}/chains: the NS's chains (its "vnffgr") with
 * per-hop packet counters read from the switches now. */
static int
ns_chains(struct slc_call *c)
{
    struct slc_record rec;
    struct chains_reply *cr;
    int rc = get_ns(c, c->params[0], &rec);

    if (rc) {
        return rc;
    }
    cr = calloc(1, sizeof *cr);
    if (!cr) {
        slc_record_clear(&rec);
        return slc_rest_fail(c, 500, SLC_ENOMEM, "out of memory");
    }
    cr->c = c;
    rc = slc_rest_chain_reports(c->api, rec.doc, chains_done, cr);
    slc_record_clear(&rec);
    if (rc) {
        free(cr);
        return slc_rest_fail(c, 500, SLC_ENOMEM, "out of memory");
    }
    if (cr->answered) {
        free(cr);
    } else {
        cr->c = NULL;
        cr->later = slc_http_defer(c->req, c->resp);
    }
    return 0;
}


const struct slc_route slc_nslcm_routes[] = {
    {"POST", NS, ns_create, "ns_instances:"},
    {"GET", NS, ns_list, "ns_instances:"},
    {"GET", NS "/{id}", ns_show, "ns_instances:id:"},
    {"GET", NS "/{id}/chains", ns_chains, "ns_instances:id:chains:"},
    {"DELETE", NS "/{id}", ns_delete, "ns_instances:id:"},
    {"POST", NS "/{id}/instantiate", ns_instantiate,
     "ns_instances:id:instantiate:"},
    {"POST", NS "/{id}/terminate", ns_terminate,
     "ns_instances:id:terminate:"},
    {"POST", NS "/{id}/scale", ns_scale, "ns_instances:id:scale:"},
    {"POST", NS "/{id}/action", ns_action, "ns_instances:id:action:"},
    {"POST", NS "/{id}/heal", ns_heal, "ns_instances:id:heal:"},
    {"POST", NSC, ns_content_create, "ns_instances:content:"},
    {"GET", NSC, ns_list, "ns_instances:"},
    {"GET", NSC "/{id}", ns_show, "ns_instances:id:"},
    {"DELETE", NSC "/{id}", ns_content_delete, "ns_instances:id:"},
    {"GET", OPS, op_list, "ns_instances:opps:"},
    {"GET", OPS "/{id}", op_show, "ns_instances:opps:id:"},
    {"GET", "/osm/nslcm/v1/vnf_instances", vnf_list, "vnf_instances:"},
    {"GET", "/osm/nslcm/v1/vnf_instances/{id}", vnf_show,
     "vnf_instances:id:"},
    {"GET", "/osm/nslcm/v1/vnfrs", vnf_list, "vnf_instances:"},
    {"GET", "/osm/nslcm/v1/vnfrs/{id}", vnf_show, "vnf_instances:id:"},
    {NULL},
};

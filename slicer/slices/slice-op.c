/* Slice operations (see slice.h): instantiate and terminate as stored
 * state machines that create child operations (NS operations, and engine
 * operations on slice networks), wait for them to end without polling,
 * and aggregate their outcome.
 *
 * A slice operation's "_admin" holds its progress:
 *   phase        what to do once nothing is awaited any more:
 *                instantiate: networks -> subnets -> complete, or on
 *                failure rollback-subnets -> rollback-networks -> rolled-back;
 *                terminate: subnets -> networks -> done;
 *   awaiting     [collection, id] of the child operations still running;
 *   error        the first failure; rollback_failed when undoing failed;
 *   instantiated the NSs this operation instantiated (to roll back);
 *   created_networks the slice networks it created (to roll back).
 * Every advance is one store transaction; child operations start only
 * once it is committed. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "ns-lcm.h"
#include "slc-id.h"
#include "slc-log.h"
#include "slice-internal.h"

SLC_LOG_MODULE(slice_op);

#define NSILCMOPS "/osm/nsilcm/v1/nsi_lcm_op_occs"
#define NSIS "/osm/nsilcm/v1/netslice_instances"

static const char *
str(const json_t *o, const char *key)
{
    return slc_ns_str(o, key);
}

bool
slc_slice_op_final(const char *state)
{
    static const char *const finals[] = {"COMPLETED", "PARTIALLY_COMPLETED",
                                         "FAILED", "FAILED_TEMP", NULL};

    for (size_t i = 0; state && finals[i]; i++) {
        if (!strcmp(state, finals[i])) {
            return true;
        }
    }
    return false;
}

/* PARTIALLY_COMPLETED children count as success, as in OSM. */
static bool
op_ok(const char *state)
{
    return state && (!strcmp(state, "COMPLETED") ||
                     !strcmp(state, "PARTIALLY_COMPLETED"));
}

/* An engine operation created during an advance, started once the advance
 * is committed. */
struct start {
    struct slc_record rec;
    json_t *context;
};

struct run {
    struct slc_slicer *s;
    struct slc_store *st;
    struct slc_record op, nsi;
    json_t *oadmin, *nadmin;
    bool nsi_gone;
    struct start *starts;
    size_t n_starts;
    json_t *remote_starts;     /* remote subnet operations to start */
    double now;
    struct slc_error *err;
};

static int
add_start(struct run *r, struct slc_record *rec, json_t *context)
{
    struct start *n = realloc(r->starts, (r->n_starts + 1) * sizeof *n);

    if (!n) {
        slc_record_clear(rec);
        json_decref(context);
        return slc_error_set(r->err, SLC_ENOMEM, "out of memory");
    }
    r->starts = n;
    r->starts[r->n_starts].rec = *rec;
    r->starts[r->n_starts].context = context;
    r->n_starts++;
    memset(rec, 0, sizeof *rec);
    return 0;
}

static void
free_starts(struct run *r)
{
    for (size_t i = 0; i < r->n_starts; i++) {
        slc_record_clear(&r->starts[i].rec);
        json_decref(r->starts[i].context);
    }
    free(r->starts);
    r->starts = NULL;
    r->n_starts = 0;
}

static void note_error(struct run *r, const char *fmt, ...) SLC_PRINTF(2, 3);

/* Records a child's failure: the first one is the operation's error; one
 * while rolling back marks the rollback failed. */
static void
note_error(struct run *r, const char *fmt, ...)
{
    const char *phase = str(r->oadmin, "phase") ?: "";
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!strncmp(phase, "rollback", 8) || !strcmp(phase, "rolled-back")) {
        json_object_set_new(r->oadmin, "rollback_failed", json_true());
        SLC_WARN("nsi operation %s: rollback: %s", r->op.id, msg);
    }
    if (!json_object_get(r->oadmin, "error")) {
        json_object_set_new(r->oadmin, "error", json_string(msg));
        SLC_INFO("nsi operation %s: %s", r->op.id, msg);
    }
}

static void
await(struct run *r, const char *coll, const char *id)
{
    json_array_append_new(json_object_get(r->oadmin, "awaiting"),
                          json_pack("[ss]", coll, id));
}

/* Forgets what slice operation 'op_id' waited for (it has ended). */
static void
forget_waits(struct slc_slicer *s, const char *op_id)
{
    const char *child;
    json_t *list;
    void *tmp;

    json_object_foreach_safe(s->waiting, tmp, child, list)
    {
        for (size_t i = json_array_size(list); i-- > 0;) {
            if (!strcmp(json_string_value(json_array_get(list, i)) ?: "",
                        op_id)) {
                json_array_remove(list, i);
            }
        }
        if (!json_array_size(list)) {
            json_object_del(s->waiting, child);
        }
    }
}

/* Tells the slice manager to advance this operation when 'id' ends. */
static void
wait_for(struct slc_slicer *s, const char *id, const char *op_id)
{
    json_t *list = json_object_get(s->waiting, id);

    if (!list) {
        list = json_array();
        json_object_set_new(s->waiting, id, list);
    }
    if (!slc_ns_has(list, op_id)) {
        json_array_append_new(list, json_string(op_id));
    }
}

/* What an ended NS operation says about its subnet. */
static void
note_child(struct run *r, const json_t *child)
{
    const char *state = str(child, "operationState");
    const char *type = str(child, "lcmOperationType") ?: "";
    json_t *e = slc_ns_find(json_object_get(r->nadmin, "nsrs-detailed-list"),
                            "nsrId", str(child, "nsInstanceId") ?: "");

    if (!e) {
        return;
    }
    json_object_set_new(e, "status", json_string(state));
    json_object_set(e, "detailed-status",
                    json_object_get(child, "detailed-status"));
    if (!strcmp(type, "instantiate")) {
        json_object_set_new(e, "instantiated", json_boolean(op_ok(state)));
    } else if (!strcmp(type, "terminate") && op_ok(state)) {
        json_object_set_new(e, "instantiated", json_false());
    }
}

/* What an ended remote subnet operation says about its subnet: its
 * state and the remote handle, kept for deallocation. */
static void
note_remote(struct run *r, const json_t *child)
{
    json_t *e = slc_ns_find(json_object_get(r->nadmin, "remote-subnets"),
                            "op", str(child, "_id") ?: "");
    bool ok = op_ok(str(child, "operationState"));
    bool alloc = !strcmp(str(child, "lcmOperationType") ?: "", "allocate");

    if (!e) {
        return;
    }
    json_object_set_new(e, "state",
                        json_string(!ok     ? "FAILED"
                                    : alloc ? "ALLOCATED"
                                            : "DEALLOCATED"));
    json_object_set(e, "handle", json_object_get(child, "handle"));
    json_object_set(e, "detailed-status",
                    json_object_get(child, "detailed-status"));
}

/* Whether child operation 'id' is one this advance made (it starts
 * after the commit). */
static bool
started_here(const struct run *r, const char *id)
{
    const json_t *v;
    size_t i;

    for (size_t k = 0; k < r->n_starts; k++) {
        if (!strcmp(r->starts[k].rec.id, id)) {
            return true;
        }
    }
    json_array_foreach(r->remote_starts, i, v)
    {
        if (!strcmp(json_string_value(v), id)) {
            return true;
        }
    }
    return false;
}

/* The state of awaited child operation 'id' of 'coll', without reading
 * the store where this process knows it: its end as the state hook told
 * it (taken from the memo), or running (made by this advance, or run by
 * this engine).  Else read. */
static int
child_state(struct run *r, const char *coll, const char *id,
            struct slc_record *child, bool *running)
{
    json_t *told = json_object_get(r->s->ended, id);

    *running = false;
    memset(child, 0, sizeof *child);
    if (told) {
        child->doc = json_incref(told);
        json_object_del(r->s->ended, id);
        return 0;
    }
    if (started_here(r, id) || (strcmp(coll, slc_remote_collection) &&
                                slc_engine_runs(r->s->p.engine, id))) {
        *running = true;
        return 0;
    }
    return slc_store_get(r->st, coll, id, child, r->err);
}

/* Drops the awaited operations that ended, noting failures; '*left' gets
 * how many still run. */
static int
check_awaiting(struct run *r, size_t *left)
{
    json_t *aw = json_object_get(r->oadmin, "awaiting");

    *left = 0;
    for (size_t i = json_array_size(aw); i-- > 0;) {
        const json_t *item = json_array_get(aw, i);
        const char *coll = json_string_value(json_array_get(item, 0));
        const char *id = json_string_value(json_array_get(item, 1));
        struct slc_record child;
        const char *state;
        bool running;
        int rc = child_state(r, coll, id, &child, &running);

        if (rc == SLC_ENOTFOUND) {
            note_error(r, "operation %s is gone", id);
            json_array_remove(aw, i);
            continue;
        }
        if (rc) {
            return rc;
        }
        state = running ? "PROCESSING" : str(child.doc, "operationState");
        if (!slc_slice_op_final(state)) {
            wait_for(r->s, id, r->op.id);
            (*left)++;
        } else {
            if (!op_ok(state)) {
                note_error(r, "%s %s of %s: %s: %s", coll, id,
                           str(child.doc, "nsInstanceId")
                               ?: str(child.doc, "netsliceInstanceId"),
                           state,
                           str(child.doc, "errorMessage")
                               ?: str(child.doc, "detailed-status") ?: "");
            }
            if (!strcmp(coll, "nslcmops")) {
                note_child(r, child.doc);
            } else if (!strcmp(coll, "nssi_remote_ops")) {
                note_remote(r, child.doc);
            }
            json_array_remove(aw, i);
        }
        slc_record_clear(&child);
    }
    return 0;
}

static double
deadline_left(const struct run *r)
{
    double left = json_number_value(json_object_get(r->oadmin, "deadline")) -
                  r->now;

    return left > 1 ? left : 1;
}

/* Creates a child NS operation on 'nsr' with 'params' (borrowed) and
 * awaits it. */
static int
ns_child(struct run *r, struct slc_record *nsr, const char *type,
         json_t *params)
{
    struct slc_record child = {0};
    json_t *context = NULL;
    int rc;

    json_object_set_new(params, "netsliceInstanceId", json_string(r->nsi.id));
    rc = slc_ns_op_create(r->st, nsr, type, params, r->now, deadline_left(r),
                          &child, &context, r->err);
    if (rc) {
        return slc_error_prefix(r->err, "ns '%s'", nsr->name);
    }
    await(r, "nslcmops", child.id);
    json_array_append_new(
        json_object_get(json_object_get(r->op.doc, "operationParams"),
                        "nslcmops_ids"),
        json_string(child.id));
    if (!strcmp(type, "instantiate")) {
        json_array_append_new(json_object_get(r->oadmin, "instantiated"),
                              json_string(nsr->id));
        json_object_set_new(
            slc_ns_find(json_object_get(r->nadmin, "nsrs-detailed-list"),
                        "nsrId", nsr->id),
            "nslcmop_instantiate", json_string(child.id));
    }
    return add_start(r, &child, context);
}

/* ---- slice networks ---- */

static json_t *
net_step(const char *action, const json_t *net, const char *nsi_name)
{
    const json_t *ip = json_object_get(net, "ip-profile");
    const json_t *dhcp = json_object_get(ip, "dhcp-params");
    json_t *step = json_pack(
        "{ss ss ss ss+ so ss s{ss sb ss* ss*} s[] s{ss ss}}", "action",
        action, "kind", "network", "vim", str(net, "vim"), "tag",
        "slicenet:", str(net, "_id"), "name",
        json_sprintf("%s-%s", nsi_name, str(net, "vld")), "state", "PENDING",
        "spec", "type", str(net, "type") ?: "ELAN", "mgmt",
        json_is_true(json_object_get(net, "mgmt")), "cidr",
        str(ip, "subnet-address"), "gateway", str(ip, "gateway-address"),
        "deps", "for", "what", "netslice-vld", "network", str(net, "_id"));

    if (!strcmp(action, "delete")) {
        json_object_set(step, "vim_id", json_object_get(net, "vim_id"));
    }
    if (str(net, "physnet")) {
        /* a link across domains: on that physical network, in a VLAN the
         * VIM gives */
        json_object_set(json_object_get(step, "spec"), "physnet",
                        json_object_get(net, "physnet"));
    }
    if (str(dhcp, "start-address") &&
        json_integer_value(json_object_get(dhcp, "count")) > 0) {
        json_object_set(json_object_get(step, "spec"), "pool_start",
                        json_object_get(dhcp, "start-address"));
        json_object_set(json_object_get(step, "spec"), "pool_count",
                        json_object_get(dhcp, "count"));
    }
    return step;
}

/* Stores and awaits an engine operation on slice networks. */
static int
net_op(struct run *r, const char *type, json_t *steps, const char *net_op_id)
{
    json_t *doc = json_pack(
        "{ss ss ss ss ss sf sf sn s{ss sO ss sf}}", "_id", net_op_id, "id",
        net_op_id, "operationState", "PROCESSING", "lcmOperationType", type,
        "netsliceInstanceId", r->nsi.id, "startTime", r->now,
        "statusEnteredTime", r->now, "errorMessage", "_admin", "collection",
        "slice_net_ops", "steps", steps, "nsilcmop", r->op.id, "deadline",
        r->now + deadline_left(r));
    struct slc_record rec = {.id = strdup(net_op_id),
                             .name = strdup(r->nsi.id), .doc = doc};
    int rc;

    slc_engine_mark_first_steps(doc);
    rc = rec.id && rec.name && doc
                 ? slc_store_put(r->st, "slice_net_ops", &rec, NULL,
                                 SLC_REV_NEW, &rec.rev, r->err)
                 : slc_error_set(r->err, SLC_ENOMEM, "out of memory");

    if (rc) {
        slc_record_clear(&rec);
        return rc;
    }
    await(r, "slice_net_ops", net_op_id);
    return add_start(r, &rec, NULL);
}

/* Creates the slice's networks that do not exist yet (or awaits the
 * operation of another slice creating one). */
static int
create_networks(struct run *r)
{
    json_t *steps = json_array();
    char op_id[40];
    const json_t *v;
    size_t i;
    int rc = slc_uuid7(op_id) ? slc_error_set(r->err, SLC_EIO,
                                              "no random source")
                              : 0;

    json_array_foreach(json_object_get(r->nadmin, "netslice-vld"), i, v)
    {
        struct slc_record net = {0};

        rc = rc ? rc
                : slc_store_get(r->st, "slice_networks", str(v, "network"),
                                &net, r->err);
        if (!rc && str(net.doc, "busy_op")) {
            await(r, "slice_net_ops", str(net.doc, "busy_op"));
        } else if (!rc && !str(net.doc, "vim_id")) {
            json_array_append_new(steps,
                                  net_step("create", net.doc, r->nsi.name));
            json_array_append_new(
                json_object_get(r->oadmin, "created_networks"),
                json_string(net.id));
            json_object_set_new(net.doc, "busy_op", json_string(op_id));
            rc = slc_store_put(r->st, "slice_networks", &net, NULL, net.rev,
                               NULL, r->err);
        }
        slc_record_clear(&net);
    }
    if (!rc && json_array_size(steps)) {
        rc = net_op(r, "create-networks", steps, op_id);
    }
    json_decref(steps);
    return rc;
}

/* Deletes the slice networks in 'ids' (all of the slice's when NULL) that
 * exist and that no other live slice uses. */
static int
delete_networks(struct run *r, const json_t *ids)
{
    json_t *all = NULL, *steps = json_array();
    char op_id[40];
    const json_t *v;
    size_t i;
    int rc = slc_uuid7(op_id) ? slc_error_set(r->err, SLC_EIO,
                                              "no random source")
                              : 0;

    if (!ids) {
        all = json_array();
        json_array_foreach(json_object_get(r->nadmin, "netslice-vld"), i, v)
        {
            json_array_append(all, json_object_get(v, "network"));
        }
        ids = all;
    }
    json_array_foreach(ids, i, v)
    {
        struct slc_record net = {0};
        bool other = false;
        int grc = slc_store_get(r->st, "slice_networks", json_string_value(v),
                                &net, r->err);

        rc = rc ? rc : grc == SLC_ENOTFOUND ? 0 : grc;
        if (rc || grc) {
            continue;
        }
        rc = slc_slice_other_live(r->st, json_object_get(net.doc, "users"),
                                  r->nsi.id, &other, r->err);
        if (!rc && str(net.doc, "busy_op")) {
            await(r, "slice_net_ops", str(net.doc, "busy_op"));
        } else if (!rc && other) {
            SLC_INFO("nsi '%s': slice network '%s' stays for another slice",
                     r->nsi.name, str(net.doc, "vld"));
        } else if (!rc && str(net.doc, "vim_id")) {
            json_array_append_new(steps,
                                  net_step("delete", net.doc, r->nsi.name));
            json_object_set_new(net.doc, "busy_op", json_string(op_id));
            rc = slc_store_put(r->st, "slice_networks", &net, NULL, net.rev,
                               NULL, r->err);
        }
        slc_record_clear(&net);
    }
    if (!rc && json_array_size(steps)) {
        rc = net_op(r, "delete-networks", steps, op_id);
    }
    json_decref(steps);
    json_decref(all);
    return rc;
}

/* ---- subnets ---- */

/* The instantiation parameters of the NS of subnet entry 'e': its own,
 * with each VL that a netslice-vld reaches put on that slice network. */
static int
ns_params(struct run *r, const json_t *nsr, const json_t *e, json_t **out)
{
    json_t *params = json_deep_copy(json_object_get(nsr, "instantiate_params"))
                         ?: json_object();
    json_t *vld = json_object_get(params, "vld");
    const char *vl;
    json_t *name;

    if (!json_is_array(vld)) {
        vld = json_array();
        json_object_set_new(params, "vld", vld);
    }
    json_object_foreach(json_object_get(e, "vld-map"), vl, name)
    {
        const json_t *v = slc_ns_find(
            json_object_get(r->nadmin, "netslice-vld"), "name",
            json_string_value(name));
        struct slc_record net;
        json_t *item;
        int rc = slc_store_get(r->st, "slice_networks", str(v, "network"),
                               &net, r->err);

        if (!rc && !str(net.doc, "vim_id")) {
            rc = slc_error_set(r->err, SLC_ECONFLICT,
                               "slice network '%s' was not created",
                               json_string_value(name));
            slc_record_clear(&net);
        }
        if (rc) {
            json_decref(params);
            return rc;
        }
        item = slc_ns_find(vld, "name", vl);
        if (!item) {
            item = json_pack("{ss}", "name", vl);
            json_array_append_new(vld, item);
        }
        json_object_set(item, "vim-network-id",
                        json_object_get(net.doc, "vim_id"));
        slc_record_clear(&net);
    }
    *out = params;
    return 0;
}

static int
instantiate_subnets(struct run *r)
{
    const json_t *e;
    size_t i;
    int rc = 0;

    json_object_set_new(r->nsi.doc, "detailed-status",
                        json_string("Instantiating netslice subnets"));
    json_array_foreach(json_object_get(r->nadmin, "nsrs-detailed-list"), i, e)
    {
        struct slc_record nsr = {0};
        const json_t *a;
        json_t *params = NULL;

        rc = rc ? rc
                : slc_store_get(r->st, "nsrs", str(e, "nsrId"), &nsr, r->err);
        a = slc_slice_admin(nsr.doc);
        if (!rc && str(a, "nslcmop")) {
            /* a shared NS another slice is instantiating */
            await(r, "nslcmops", str(a, "nslcmop"));
            json_object_set_new((json_t *)e, "nslcmop_instantiate",
                                json_string(str(a, "nslcmop")));
        } else if (!rc &&
                   !strcmp(str(a, "nsState") ?: "", "INSTANTIATED")) {
            json_object_set_new((json_t *)e, "instantiated", json_true());
        } else if (!rc) {
            rc = ns_params(r, nsr.doc, e, &params);
            rc = rc ? rc : ns_child(r, &nsr, "instantiate", params);
        }
        json_decref(params);
        slc_record_clear(&nsr);
    }
    return rc;
}

/* Whether remote subnet 'e' needs operation 'type' now: an allocation
 * unless it is allocated; a deallocation once it was (or may have been)
 * allocated, but not after an allocation that failed before the NSSMF
 * answered with its handle (a reply lost after the NSSMF made it leaves
 * it there: the NSSMF's own records show it). */
static bool
remote_needs(const json_t *e, bool alloc)
{
    const char *state = str(e, "state") ?: "";
    const json_t *h = json_object_get(e, "handle");

    if (alloc) {
        return strcmp(state, "ALLOCATED") != 0;
    }
    return strcmp(state, "NOT_ALLOCATED") && strcmp(state, "DEALLOCATED") &&
           (strcmp(state, "FAILED") || str(h, "nssiId") ||
            str(h, "nsInstanceId"));
}

/* Starts remote operation 'type' ("allocate": by the slice's deadline;
 * "deallocate", once the local subnets no longer use them: at least 30 s)
 * on each remote subnet that needs it, and awaits them. */
static int
remote_subnets(struct run *r, const char *type)
{
    bool alloc = !strcmp(type, "allocate");
    double until = alloc ? json_number_value(json_object_get(r->oadmin,
                                                             "deadline"))
                         : r->now + (deadline_left(r) < 30
                                         ? 30
                                         : deadline_left(r));
    json_t *e;
    size_t i;
    int rc = 0;

    json_array_foreach(json_object_get(r->nadmin, "remote-subnets"), i, e)
    {
        char op_id[40];

        if (rc || !remote_needs(e, alloc)) {
            continue;
        }
        rc = slc_remote_op_new(r->s, r->nsi.doc, e, type, until, op_id,
                               r->err);
        if (!rc) {
            await(r, "nssi_remote_ops", op_id);
            json_array_append_new(r->remote_starts, json_string(op_id));
        }
    }
    return rc;
}

/* Terminates the NSs in 'ids' that are instantiated and that no other
 * live slice uses; '*again' when one was busy and must be looked at once
 * its operation ends. */
static int
terminate_subnets(struct run *r, const json_t *ids, bool *again)
{
    const json_t *v;
    size_t i;
    int rc = 0;

    *again = false;
    json_array_foreach(ids, i, v)
    {
        struct slc_record nsr = {0};
        const json_t *a;
        bool other = false;
        int grc = slc_store_get(r->st, "nsrs", json_string_value(v), &nsr,
                                r->err);

        rc = rc ? rc : grc == SLC_ENOTFOUND ? 0 : grc;
        if (rc || grc) {
            continue;
        }
        a = slc_slice_admin(nsr.doc);
        rc = slc_slice_other_live(r->st, json_object_get(a, "netslice-users"),
                                  r->nsi.id, &other, r->err);
        if (!rc && other) {
            SLC_INFO("nsi '%s': ns '%s' stays for another slice", r->nsi.name,
                     nsr.name);
        } else if (!rc && str(a, "nslcmop")) {
            await(r, "nslcmops", str(a, "nslcmop"));
            *again = true;
        } else if (!rc && !strcmp(str(a, "nsState") ?: "", "INSTANTIATED")) {
            json_t *params = json_object();

            rc = ns_child(r, &nsr, "terminate", params);
            json_decref(params);
        }
        slc_record_clear(&nsr);
    }
    return rc;
}

/* ---- ends ---- */

static void
end_op(struct run *r, const char *state, const char *detail)
{
    json_object_set_new(r->op.doc, "operationState", json_string(state));
    json_object_set_new(r->op.doc, "statusEnteredTime", json_real(r->now));
    json_object_set_new(r->op.doc, "detailed-status", json_string(detail));
    json_object_set_new(r->op.doc, "detailedStatus", json_string(detail));
    if (json_object_get(r->oadmin, "error")) {
        json_object_set(r->op.doc, "errorMessage",
                        json_object_get(r->oadmin, "error"));
    }
    json_object_set_new(r->oadmin, "phase", json_string("done"));
    json_object_set_new(r->oadmin, "modified", json_real(r->now));
    if (!r->nsi_gone) {
        json_object_set_new(r->nadmin, "nsilcmop", json_null());
        json_object_set_new(r->nsi.doc, "currentOperation",
                            json_string("IDLE"));
        json_object_set_new(r->nadmin, "modified", json_real(r->now));
    }
    SLC_INFO("nsi '%s': %s operation %s: %s", r->nsi.name ?: "",
             str(r->op.doc, "lcmOperationType"), r->op.id, state);
}

static void
set_nsi(struct run *r, const char *opstatus, const char *config,
        const char *detail, const char *state)
{
    json_object_set_new(r->nsi.doc, "operational-status",
                        json_string(opstatus));
    json_object_set_new(r->nsi.doc, "config-status", json_string(config));
    json_object_set_new(r->nsi.doc, "detailed-status", json_string(detail));
    json_object_set_new(r->nadmin, "nsiState", json_string(state));
}

/* The NSs on each netslice-vld, as OSM lists them. */
static void
fill_shared_lists(struct run *r)
{
    const json_t *v, *e;
    size_t i, k;

    json_array_foreach(json_object_get(r->nadmin, "netslice-vld"), i, v)
    {
        json_t *list = json_array();

        json_array_foreach(json_object_get(r->nadmin, "nsrs-detailed-list"),
                           k, e)
        {
            const char *vl;
            json_t *name;

            json_object_foreach(json_object_get(e, "vld-map"), vl, name)
            {
                if (!strcmp(json_string_value(name), str(v, "name")) &&
                    !slc_ns_has(list, str(e, "nsrId"))) {
                    json_array_append_new(list, json_string(str(e, "nsrId")));
                }
            }
        }
        json_object_set_new((json_t *)v, "shared-nsrs-list", list);
    }
}

static int
end_instantiate(struct run *r)
{
    const char *error = str(r->oadmin, "error");
    bool undo_failed = json_is_true(json_object_get(r->oadmin,
                                                    "rollback_failed"));
    char detail[600];

    if (!error) {
        fill_shared_lists(r);
        set_nsi(r, "running", "configured", "done", "INSTANTIATED");
        end_op(r, "COMPLETED", "done");
        return 0;
    }
    snprintf(detail, sizeof detail, "ERROR %s", error);
    set_nsi(r, "failed", "failed", detail,
            undo_failed ? "INSTANTIATED" : "NOT_INSTANTIATED");
    /* FAILED, as OSM ends it; whether the rollback undid everything (the
     * subnets' NSs, the slice's networks) is kept beside it, as an NS
     * operation's is */
    json_object_set_new(r->op.doc, "rollback",
                        json_pack("{ss}", "state",
                                  undo_failed ? "FAILED" : "COMPLETED"));
    end_op(r, "FAILED", detail);
    return 0;
}

static int
end_terminate(struct run *r)
{
    const char *error = str(r->oadmin, "error");
    char detail[600];

    if (error) {
        snprintf(detail, sizeof detail, "Deletion errors: %s", error);
        set_nsi(r, "failed", "failed", detail, "INSTANTIATED");
        end_op(r, "FAILED", detail);
        return 0;
    }
    set_nsi(r, "terminated", "terminated", "done", "NOT_INSTANTIATED");
    end_op(r, "COMPLETED", "done");
    if (json_is_true(json_object_get(
            json_object_get(r->op.doc, "operationParams"), "autoremove"))) {
        int rc = slc_slice_remove(r->s, &r->nsi, false, r->op.id, r->err);

        r->nsi_gone = !rc;
        return rc;
    }
    return 0;
}

/* ---- actions ---- */

/* The ns_action members a slice action passes to each subnet's NS. */
static const char *const action_keys[] = {
    "primitive", "primitive_params", "member_vnf_index", "vdu_id",
    "vdu_count_index", "timeout_ns_action", NULL,
};

static json_t *
ns_action_params(const json_t *params)
{
    json_t *out = json_object();

    for (size_t i = 0; action_keys[i]; i++) {
        json_t *v = json_object_get(params, action_keys[i]);

        if (v) {
            json_object_set(out, action_keys[i], v);
        }
    }
    return out;
}

/* Whether NS 'nsr' can run action 'params' now (nothing stored). */
static int
plan_on(struct slc_store *st, const struct slc_record *nsr,
        const json_t *params, struct slc_error *err)
{
    json_t *req = ns_action_params(params);
    int rc = slc_ns_check_action(st, nsr, req, err);

    json_decref(req);
    return rc;
}

/* The subnets a slice action runs on ('*out': their NS ids): those
 * "netslice-subnet" names (nss-id or NS id), each of which must be able
 * to run it, else every subnet the slice does not share whose NS has the
 * primitive.  SLC_EINVALID when none has it. */
static int
action_targets(struct slc_store *st, const struct slc_record *nsi,
               const json_t *params, json_t **out, struct slc_error *err)
{
    const json_t *chosen = json_object_get(params, "netslice-subnet");
    const json_t *e, *c;
    size_t i, k;
    int rc = 0;

    *out = json_array();
    json_array_foreach(chosen, k, c)
    {
        if (!slc_ns_find(json_object_get(slc_slice_admin(nsi->doc),
                                         "nsrs-detailed-list"),
                         "nss-id", json_string_value(c) ?: "") &&
            !slc_ns_find(json_object_get(slc_slice_admin(nsi->doc),
                                         "nsrs-detailed-list"),
                         "nsrId", json_string_value(c) ?: "")) {
            rc = slc_error_set(err, SLC_EINVALID,
                               "nsi '%s' has no netslice-subnet '%s'",
                               nsi->name, json_string_value(c) ?: "?");
        }
    }
    json_array_foreach(rc ? NULL
                          : json_object_get(slc_slice_admin(nsi->doc),
                                            "nsrs-detailed-list"),
                       i, e)
    {
        struct slc_record nsr = {0};
        bool named = chosen && (slc_ns_has(chosen, str(e, "nss-id") ?: "") ||
                                slc_ns_has(chosen, str(e, "nsrId") ?: ""));
        int prc;

        if (chosen ? !named : json_is_true(json_object_get(e, "shared"))) {
            continue;
        }
        rc = slc_store_get(st, "nsrs", str(e, "nsrId"), &nsr, err);
        if (rc) {
            break;
        }
        prc = plan_on(st, &nsr, params, err);
        if (!prc) {
            json_array_append_new(*out, json_string(nsr.id));
        } else if (named || prc == SLC_EBUSY || prc == SLC_EUNSUPPORTED) {
            rc = slc_error_prefix(err, "netslice-subnet '%s'",
                                  str(e, "nss-id") ?: nsr.name);
        }
        slc_record_clear(&nsr);
        if (rc) {
            break;
        }
    }
    if (!rc && !json_array_size(*out)) {
        rc = slc_error_set(err, SLC_EINVALID,
                           "no subnet of nsi '%s' has primitive '%s'%s%s%s",
                           nsi->name, str(params, "primitive") ?: "",
                           str(params, "member_vnf_index") ? " in vnf '" : "",
                           str(params, "member_vnf_index") ?: "",
                           str(params, "member_vnf_index") ? "'" : "");
    }
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* Starts the child NS actions on the operation's targets. */
static int
run_actions(struct run *r)
{
    json_t *params = ns_action_params(json_object_get(r->op.doc,
                                                      "operationParams"));
    const json_t *id;
    size_t i;
    int rc = 0;

    json_array_foreach(json_object_get(r->oadmin, "targets"), i, id)
    {
        struct slc_record nsr = {0};
        json_t *one = json_deep_copy(params);

        rc = slc_store_get(r->st, "nsrs", json_string_value(id), &nsr, r->err);
        rc = rc ? rc : ns_child(r, &nsr, "action", one);
        json_decref(one);
        slc_record_clear(&nsr);
        if (rc) {
            break;
        }
    }
    json_decref(params);
    return rc;
}

static int
end_action(struct run *r)
{
    const char *error = str(r->oadmin, "error");
    char detail[600];

    json_object_set_new(r->nsi.doc, "operational-status",
                        json_string("running"));
    if (error) {
        snprintf(detail, sizeof detail, "ERROR %s", error);
        json_object_set_new(r->nsi.doc, "detailed-status",
                            json_string("action failed"));
        end_op(r, "FAILED", detail);
        return 0;
    }
    json_object_set_new(r->nsi.doc, "detailed-status", json_string("done"));
    end_op(r, "COMPLETED", "done");
    return 0;
}

/* ---- the state machine ---- */

static void
set_phase(struct run *r, const char *phase)
{
    json_object_set_new(r->oadmin, "phase", json_string(phase));
}

static bool
is(const char *a, const char *b)
{
    return !strcmp(a, b);
}

/* Runs phases until the operation waits for a child or ends. */
static int
run_phases(struct run *r)
{
    bool inst = is(str(r->op.doc, "lcmOperationType") ?: "", "instantiate");
    bool action = is(str(r->op.doc, "lcmOperationType") ?: "", "action");

    for (;;) {
        const char *phase = str(r->oadmin, "phase") ?: "done";
        bool failed, again = false;
        size_t left;
        int rc = check_awaiting(r, &left);

        if (rc || left || is(phase, "done")) {
            return rc;
        }
        failed = json_object_get(r->oadmin, "error") != NULL;
        if (action) {
            /* actions undo nothing: they run, then the outcome is told */
            if (is(phase, "actions") && !failed) {
                set_phase(r, "complete");
                rc = run_actions(r);
                if (rc) {
                    return rc;
                }
                continue;
            }
            return end_action(r);
        }
        if (inst && failed &&
            (is(phase, "subnets") || is(phase, "complete"))) {
            set_phase(r, "rollback-subnets");
            json_object_set_new(r->op.doc, "operationState",
                                json_string("ROLLING_BACK"));
            json_object_set_new(r->nsi.doc, "detailed-status",
                                json_string("rolling back"));
            continue;
        }
        if (inst && is(phase, "networks")) {
            set_phase(r, "subnets");
            rc = create_networks(r);
        } else if (inst && is(phase, "subnets")) {
            set_phase(r, "complete");
            rc = instantiate_subnets(r);
            rc = rc ? rc : remote_subnets(r, "allocate");
        } else if (inst && is(phase, "complete")) {
            return end_instantiate(r);
        } else if (inst && is(phase, "rollback-subnets")) {
            rc = terminate_subnets(
                r, json_object_get(r->oadmin, "instantiated"), &again);
            set_phase(r, again ? "rollback-subnets" : "rollback-remote");
        } else if (inst && is(phase, "rollback-remote")) {
            set_phase(r, "rollback-networks");
            rc = remote_subnets(r, "deallocate");
        } else if (inst && is(phase, "rollback-networks")) {
            set_phase(r, "rolled-back");
            rc = delete_networks(
                r, json_object_get(r->oadmin, "created_networks"));
        } else if (inst) {
            return end_instantiate(r);
        } else if (is(phase, "subnets")) {
            json_t *ids = json_array();
            const json_t *e;
            size_t i;

            json_array_foreach(
                json_object_get(r->nadmin, "nsrs-detailed-list"), i, e)
            {
                json_array_append_new(ids, json_string(str(e, "nsrId")));
                json_object_set_new((json_t *)e, "nslcmop_instantiate",
                                    json_null());
            }
            rc = terminate_subnets(r, ids, &again);
            json_decref(ids);
            set_phase(r, again ? "subnets" : "remote");
        } else if (is(phase, "remote")) {
            set_phase(r, "networks");
            rc = remote_subnets(r, "deallocate");
        } else if (is(phase, "networks") && !failed) {
            set_phase(r, "terminated");
            rc = delete_networks(r, NULL);
        } else {
            return end_terminate(r);
        }
        if (rc) {
            return rc;
        }
    }
}

/* Tells the daemon of a slice operation's new state, once stored. */
static void
tell_state(struct slc_slicer *s, const json_t *op)
{
    if (s->p.state_changed) {
        s->p.state_changed(s->p.state_arg, op);
    }
}

/* After an advance failed (and was rolled back): records the reason in a
 * transaction of its own and moves the operation to where it can end. */
static void
fail_advance(struct slc_slicer *s, const char *op_id, const char *why)
{
    struct slc_store *st = s->p.st;
    struct slc_error err = {0};
    struct slc_record op = {0};
    bool now_rolling = false;
    int rc = slc_store_begin(st, &err);

    rc = rc ? rc : slc_store_get(st, "nsilcmops", op_id, &op, &err);
    if (!rc) {
        json_t *admin = slc_slice_admin(op.doc);
        const char *phase = str(admin, "phase") ?: "";
        bool inst = is(str(op.doc, "lcmOperationType") ?: "", "instantiate");

        if (!json_object_get(admin, "error")) {
            json_object_set_new(admin, "error", json_string(why));
        }
        if (inst && !strncmp(phase, "rollback", 8)) {
            json_object_set_new(admin, "rollback_failed", json_true());
            json_object_set_new(admin, "phase",
                                json_string(is(phase, "rollback-subnets")
                                                ? "rollback-networks"
                                                : "rolled-back"));
        } else if (inst) {
            json_object_set_new(admin, "phase",
                                json_string(is(phase, "rolled-back")
                                                ? "rolled-back"
                                                : "rollback-subnets"));
            now_rolling = !is(str(op.doc, "operationState") ?: "",
                              "ROLLING_BACK");
            json_object_set_new(op.doc, "operationState",
                                json_string("ROLLING_BACK"));
        } else {
            json_object_set_new(admin, "phase", json_string("terminated"));
        }
        rc = slc_store_put(st, "nsilcmops", &op, NULL, op.rev, NULL, &err);
    }
    rc = rc ? rc : slc_store_commit(st, &err);
    if (rc) {
        slc_store_rollback(st);
        SLC_ERR("nsi operation %s: cannot record its failure (%s): %s",
                op_id, why, err.msg);
    } else {
        if (now_rolling) {
            tell_state(s, op.doc);
        }
        slc_slice_kick(s, op_id);
    }
    slc_record_clear(&op);
}

/* Keeps what an advance of 'op' wrote (taking both records) for the next
 * advance, in place of the oldest kept. */
static void
keep(struct slc_slicer *s, struct slc_record *op, struct slc_record *nsi)
{
    unsigned k = s->next_kept++ % SLC_SLICE_KEPT;

    slc_record_clear(&s->kept[k].op);
    slc_record_clear(&s->kept[k].nsi);
    s->kept[k].op = *op;
    s->kept[k].nsi = *nsi;
    memset(op, 0, sizeof *op);
    memset(nsi, 0, sizeof *nsi);
}

/* Takes back what the last advance of operation 'op_id' kept, if any. */
static void
take_kept(struct slc_slicer *s, const char *op_id, struct slc_record *op,
          struct slc_record *nsi)
{
    for (size_t k = 0; k < SLC_SLICE_KEPT; k++) {
        if (s->kept[k].op.id && !strcmp(s->kept[k].op.id, op_id)) {
            *op = s->kept[k].op;
            *nsi = s->kept[k].nsi;
            memset(&s->kept[k], 0, sizeof s->kept[k]);
            return;
        }
    }
}

void
slc_slice_advance(struct slc_slicer *s, const char *op_id)
{
    struct slc_error err = {0};
    struct run r = {.s = s, .st = s->p.st, .now = s->p.now(), .err = &err};
    struct slc_record kept_op = {0}, kept_nsi = {0};
    char was[32] = "";
    int rc = slc_cluster_claim(s->p.cluster, "nsilcmops", op_id, &err);

    if (rc) {
        /* another instance runs it */
        SLC_DEBUG("nsi operation %s: %s", op_id, err.msg);
        return;
    }
    take_kept(s, op_id, &kept_op, &kept_nsi);
    rc = slc_store_begin(r.st, &err);
    rc = rc ? rc
            : slc_store_get_kept(r.st, "nsilcmops", op_id, &kept_op, &r.op,
                                 &err);
    if (!rc && slc_slice_op_final(str(r.op.doc, "operationState"))) {
        slc_store_rollback(r.st);
        slc_record_clear(&kept_nsi);
        slc_record_clear(&r.op);
        forget_waits(s, op_id);
        slc_cluster_release(s->p.cluster, "nsilcmops", op_id);
        return;
    }
    r.remote_starts = json_array();
    if (!rc) {
        snprintf(was, sizeof was, "%s", str(r.op.doc, "operationState"));
    }
    if (!rc) {
        r.oadmin = slc_slice_admin(r.op.doc);
        rc = slc_store_get_kept(r.st, "nsis",
                                str(r.op.doc, "netsliceInstanceId"),
                                &kept_nsi, &r.nsi, &err);
        if (rc == SLC_ENOTFOUND) {
            /* deleted with FORCE while it ran */
            r.nsi_gone = true;
            note_error(&r, "the netslice instance was deleted");
            end_op(&r, "FAILED", "the netslice instance was deleted");
            rc = 0;
        } else if (!rc) {
            r.nadmin = slc_slice_admin(r.nsi.doc);
            rc = run_phases(&r);
        }
    }
    rc = rc ? rc
            : slc_store_put(r.st, "nsilcmops", &r.op, NULL, r.op.rev,
                            &r.op.rev, &err);
    if (!rc && !r.nsi_gone) {
        rc = slc_store_put(r.st, "nsis", &r.nsi, NULL, r.nsi.rev, &r.nsi.rev,
                           &err);
    }
    rc = rc ? rc : slc_store_commit(r.st, &err);
    if (rc && slc_store_again(r.st, &err)) {
        /* another instance wrote a record this advance read (a shared
         * NS, the slice, a slice network it was creating): nothing was
         * written; advance again on what is stored now */
        slc_store_rollback(r.st);
        free_starts(&r);
        SLC_INFO("nsi operation %s: %s; again", op_id, err.msg);
        slc_slice_kick(s, op_id);
    } else if (rc) {
        slc_store_rollback(r.st);
        free_starts(&r);
        SLC_WARN("nsi operation %s: %s", op_id, err.msg);
        if (r.op.doc) {
            fail_advance(s, op_id, err.msg);
        }
    } else if (strcmp(was, str(r.op.doc, "operationState") ?: "")) {
        tell_state(s, r.op.doc);
        if (slc_slice_op_final(str(r.op.doc, "operationState"))) {
            forget_waits(s, op_id);
            slc_cluster_release(s->p.cluster, "nsilcmops", op_id);
        }
    }
    for (size_t i = 0; i < r.n_starts; i++) {
        struct slc_error serr = {0};

        if (slc_engine_start(s->p.engine, &r.starts[i].rec,
                             r.starts[i].context, &serr)) {
            SLC_ERR("nsi operation %s: cannot start child %s: %s", op_id,
                    r.starts[i].rec.id, serr.msg);
        }
        r.starts[i].context = NULL;
    }
    if (!rc) {
        const json_t *v;
        size_t i;

        json_array_foreach(r.remote_starts, i, v)
        {
            slc_remote_start(s, json_string_value(v));
        }
    }
    json_decref(r.remote_starts);
    free_starts(&r);
    if (!rc && !r.nsi_gone &&
        !slc_slice_op_final(str(r.op.doc, "operationState"))) {
        keep(s, &r.op, &r.nsi);
    }
    slc_record_clear(&kept_op);
    slc_record_clear(&kept_nsi);
    slc_record_clear(&r.op);
    slc_record_clear(&r.nsi);
}

/* ---- starting ---- */

static const struct {
    const char *type, *current, *opstatus, *detail, *phase;
} marks[] = {
    {"instantiate", "INSTANTIATING", "init",
     "Instantiating netslice VLDs before NS instantiation", "networks"},
    {"terminate", "TERMINATING", "terminating",
     "Terminating Netslice subnets", "subnets"},
    {"action", "ACTION", "running", "Running an action on netslice subnets",
     "actions"},
};

int
slc_nsi_op_start(struct slc_slicer *s, const char *nsi_id, const char *type,
                 const json_t *params, char op_id[40], struct slc_error *err)
{
    struct slc_store *st = s->p.st;
    struct slc_record nsi = {0};
    double now = s->p.now();
    size_t m = is(type, "instantiate") ? 0 : is(type, "terminate") ? 1 : 2;
    json_t *admin = NULL, *op = NULL, *op_params, *targets = NULL;
    int64_t op_rev = 0;
    bool inst;
    int rc = slc_store_begin(st, err);

    rc = rc ? rc : slc_store_get(st, "nsis", nsi_id, &nsi, err);
    if (rc == SLC_ENOTFOUND) {
        slc_error_set(err, rc, "nsi '%s' not found", nsi_id);
    }
    if (!rc) {
        admin = slc_slice_admin(nsi.doc);
        inst = is(str(admin, "nsiState") ?: "", "INSTANTIATED");
        if (str(admin, "nsilcmop")) {
            rc = slc_error_set(err, SLC_EBUSY,
                               "nsi '%s' has operation %s in progress",
                               nsi.name, str(admin, "nsilcmop"));
        } else if (m == 0 && inst) {
            rc = slc_error_set(err, SLC_ECONFLICT,
                               "nsi '%s' is already instantiated", nsi.name);
        } else if (m != 0 && !inst) {
            rc = slc_error_set(err, SLC_ECONFLICT,
                               "nsi '%s' is not instantiated: cannot "
                               "%s it",
                               nsi.name, m == 1 ? "terminate" : "act on");
        }
    }
    if (!rc && m == 2) {
        rc = action_targets(st, &nsi, params, &targets, err);
    }
    if (!rc && slc_uuid7(op_id)) {
        rc = slc_error_set(err, SLC_EIO, "no random source");
    }
    if (!rc) {
        json_int_t t = json_integer_value(
            json_object_get(params, "timeout_nsi_deploy"));
        struct slc_record rec = {.id = op_id, .name = (char *)nsi_id};

        op_params = json_deep_copy(params);
        json_object_set_new(op_params, "lcmOperationType", json_string(type));
        json_object_set_new(op_params, "netsliceInstanceId",
                            json_string(nsi_id));
        json_object_set_new(op_params, "nslcmops_ids", json_array());
        op = json_pack(
            "{ss ss ss si ss sn sn sf ss ss sf sb so sb s{so so} ss"
            " s{sf sf sO sO ss ss s[] s[] s[] sf}}",
            "_id", op_id, "id", op_id, "operationState", "PROCESSING",
            "queuePosition", 0, "stage", "", "errorMessage", "detailedStatus",
            "statusEnteredTime", now, "netsliceInstanceId", nsi_id,
            "lcmOperationType", type, "startTime", now,
            "isAutomaticInvocation", 0, "operationParams", op_params,
            "isCancelPending", 0, "links", "self",
            json_sprintf(NSILCMOPS "/%s", op_id), "netsliceInstanceId",
            json_sprintf(NSIS "/%s", nsi_id), "detailed-status",
            "processing", "_admin", "created", now, "modified", now,
            "projects_read", json_object_get(admin, "projects_read"),
            "projects_write", json_object_get(admin, "projects_write"),
            "collection", "nsilcmops", "phase", marks[m].phase, "awaiting",
            "instantiated",
            "created_networks", "deadline",
            now + (t > 0 ? (double)t : s->p.op_timeout));
        if (targets) {
            json_object_set(slc_slice_admin(op), "targets", targets);
        }
        rec.doc = op;
        json_object_set_new(admin, "nsilcmop", json_string(op_id));
        json_object_set_new(admin, "modified", json_real(now));
        json_object_set_new(nsi.doc, "currentOperation",
                            json_string(marks[m].current));
        json_object_set_new(nsi.doc, "operational-status",
                            json_string(marks[m].opstatus));
        json_object_set_new(nsi.doc, "config-status",
                            json_string(m ? "terminating" : "init"));
        json_object_set_new(nsi.doc, "detailed-status",
                            json_string(marks[m].detail));
        rc = slc_store_put(st, "nsilcmops", &rec, NULL, SLC_REV_NEW, &op_rev,
                           err);
        rc = rc ? rc
                : slc_store_put(st, "nsis", &nsi, NULL, nsi.rev, &nsi.rev,
                                err);
    }
    rc = rc ? rc : slc_store_commit(st, err);
    if (rc) {
        slc_store_rollback(st);
    } else {
        struct slc_record kept = {.id = strdup(op_id),
                                  .name = strdup(nsi_id),
                                  .rev = op_rev,
                                  .doc = json_incref(op)};

        SLC_INFO("nsi '%s': %s operation %s", nsi.name, type, op_id);
        tell_state(s, op);
        slc_slice_kick(s, op_id);
        if (kept.id && kept.name) {
            keep(s, &kept, &nsi); /* for its first advance */
        }
        slc_record_clear(&kept);
    }
    json_decref(op);
    json_decref(targets);
    slc_record_clear(&nsi);
    return rc;
}

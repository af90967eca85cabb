/* The operation engine (see engine.h): step state machines over the VIM
 * drivers, persisted before and after every call, with rollback, deadlines
 * and crash recovery.
 *
 * Calls carry a token, (operation serial << 24 | step index << 2 | kind of
 * call); a completion looks the operation up by serial and drops results
 * whose operation or step moved on.  A late success of a create whose step
 * was abandoned (call timeout) deletes what it created, so nothing leaks. */
#include <event2/event.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine-internal.h"
#include "ns-chains.h"
#include "slc-crash.h"
#include "slc-driver.h"
#include "slc-log.h"

SLC_LOG_MODULE(engine);

static const char *const state_names[] = {
#define SLC_STEP_NAME(name, text) text,
    SLC_STEP_STATES(SLC_STEP_NAME)
#undef SLC_STEP_NAME
};

#define N_STATES (sizeof state_names / sizeof state_names[0])

const char *
slc_step_state_name(enum slc_step_state s)
{
    return (unsigned)s < N_STATES ? state_names[s] : "?";
}

int
slc_step_state_from_name(const char *name)
{
    for (size_t i = 0; name && i < N_STATES; i++) {
        if (!strcmp(state_names[i], name)) {
            return (int)i;
        }
    }
    return -1;
}

static void advance(struct op *op);

int
slc_engine_new(const struct slc_engine_params *p, struct slc_engine **out,
               struct slc_error *err)
{
    struct slc_engine *e = calloc(1, sizeof *e);

    if (!e) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    e->p = *p;
    if (!(e->running = json_object())) {
        free(e);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    if (!e->p.max_parallel) {
        e->p.max_parallel = 16;
    }
    if (e->p.call_timeout <= 0) {
        e->p.call_timeout = 300;
    }
    *out = e;
    return 0;
}

static void
op_free(struct op *op)
{
    if (op->kick) {
        event_free(op->kick);
    }
    if (op->tick) {
        event_free(op->tick);
    }
    for (size_t i = 0; op->steps && i < op->n_steps; i++) {
        json_decref(op->steps[i].calls);
        free(op->steps[i].failure);
    }
    free(op->steps);
    json_decref(op->doc);
    json_decref(op->context);
    free(op);
}

void
slc_engine_free(struct slc_engine *e)
{
    if (!e) {
        return;
    }
    while (e->ops) {
        struct op *op = e->ops;

        e->ops = op->next;
        op_free(op);
    }
    json_decref(e->running);
    while (e->reads) {
        struct read *r = e->reads;

        e->reads = r->next;
        free(r);
    }
    while (e->sdns) {
        struct sdn_slot *s = e->sdns;

        e->sdns = s->next;
        slc_sdn_close(s->sdn);
        free(s);
    }
    eng_free_assists(e);
    eng_free_checks(e);
    while (e->vims) {
        struct vim_slot *s = e->vims;

        e->vims = s->next;
        slc_vim_close(s->vim);
        free(s);
    }
    free(e);
}

/* ---- operations ---- */

const char *
slc_engine_op_collection(const json_t *op)
{
    return sget(json_object_get(op, "_admin"), "collection") ?: "nslcmops";
}

/* A copy of VIM resource spec 'v' with its references to other steps
 * ({"step": k}: a port's network, a compute's ports) replaced by their
 * VIM ids: what a driver is told of a resource long after its operation
 * (a restore after a restart) must stand alone.  A reference to a step
 * without one stays as it is. */
static json_t *
resolved(const json_t *steps, const json_t *v)
{
    const json_t *k = json_object_get(v, "step");
    const char *key;
    const json_t *x;
    json_t *out;
    size_t i;

    if (json_is_integer(k) && json_object_size(v) == 1) {
        const char *id = sget(
            json_array_get(steps, (size_t)json_integer_value(k)), "vim_id");

        return id ? json_string(id) : json_deep_copy(v);
    }
    if (json_is_array(v)) {
        out = json_array();
        json_array_foreach(v, i, x)
        {
            json_array_append_new(out, resolved(steps, x));
        }
        return out;
    }
    if (json_is_object(v)) {
        out = json_object();
        json_object_foreach((json_t *)v, key, x)
        {
            json_object_set_new(out, key, resolved(steps, x));
        }
        return out;
    }
    return json_incref((json_t *)v);
}

/* The spec of step 's' to keep with its resource: a VIM resource's with
 * its references resolved; a chain's as it is (its references name
 * switch ports, and a re-render compares them as they were made). */
json_t *
eng_kept_spec(const json_t *steps, const json_t *s)
{
    const json_t *spec = json_object_get(s, "spec");

    if (!spec) {
        return NULL;
    }
    if (!strcmp(sget(s, "kind") ?: "", "sdn")) {
        /* a service's as the controller was given it; what it was
         * before an edit is no longer needed */
        json_t *kept = json_deep_copy(spec);

        json_object_del(kept, "previous");
        return kept;
    }
    return strcmp(sget(s, "kind") ?: "", "chain")
               ? resolved(steps, spec)
               : json_incref((json_t *)spec);
}

void
slc_engine_update_resources(json_t *resources, const json_t *steps)
{
    const json_t *s;
    size_t i;

    json_array_foreach(steps, i, s)
    {
        const char *state = sget(s, "state") ?: "";
        const char *vim_id = sget(s, "vim_id");
        bool create = !strcmp(sget(s, "action") ?: "", "create");

        if (!vim_id) {
            continue;
        }
        if (create &&
            (!strcmp(state, "DONE") ||
             (!strcmp(state, "FAILED") && json_object_get(s, "vim_id")))) {
            size_t j;
            json_t *r;

            /* a create of what exists (a chain installed again) replaces
             * it */
            json_array_foreach(resources, j, r)
            {
                if (!strcmp(sget(r, "vim_id") ?: "", vim_id) &&
                    !strcmp(sget(r, "vim") ?: "", sget(s, "vim") ?: "")) {
                    json_array_remove(resources, j);
                    break;
                }
            }
            json_array_append_new(
                resources, json_pack("{sO sO sO sO sO so* sO*}", "kind",
                                     json_object_get(s, "kind"), "vim",
                                     json_object_get(s, "vim"), "vim_id",
                                     json_object_get(s, "vim_id"), "tag",
                                     json_object_get(s, "tag"), "name",
                                     json_object_get(s, "name"), "spec",
                                     eng_kept_spec(steps, s), "for",
                                     json_object_get(s, "for")));
        } else if (!create && !strcmp(state, "DONE")) {
            size_t j;
            json_t *r;

            json_array_foreach(resources, j, r)
            {
                if (!strcmp(sget(r, "vim_id") ?: "", vim_id)) {
                    json_array_remove(resources, j);
                    break;
                }
            }
        }
    }
}

double
eng_now_of(const struct slc_engine *e)
{
    return e->p.now();
}

struct op *
eng_find_op(struct slc_engine *e, uint64_t serial)
{
    for (struct op *op = e->ops; op; op = op->next) {
        if (op->serial == serial) {
            return op;
        }
    }
    return NULL;
}

void
eng_set_step(struct op *op, size_t i, enum slc_step_state state)
{
    op->steps[i].state = state;
    json_object_set_new(op->steps[i].json, "state",
                        json_string(slc_step_state_name(state)));
    op->dirty = true;
}

/* Step i failed forward with 'msg', and with it the operation. */
void
eng_step_failed(struct op *op, size_t i, const char *msg)
{
    json_object_set_new(op->steps[i].json, "error", json_string(msg));
    eng_set_step(op, i, SLC_STEP_FAILED);
    eng_fail_op(op, "%s: %s", sget(op->steps[i].json, "name"), msg);
}

/* Marks the operation failed with the first reason given. */
void
eng_fail_op(struct op *op, const char *fmt, ...)
{
    va_list ap;

    if (!op->failed) {
        op->failed = true;
        va_start(ap, fmt);
        vsnprintf(op->fail_msg, sizeof op->fail_msg, fmt, ap);
        va_end(ap);
        SLC_INFO("operation %s: %s", op->id, op->fail_msg);
    }
}

void
eng_kick(struct op *op)
{
    event_active(op->kick, 0, 0);
}

static void
on_kick(evutil_socket_t fd, short what, void *arg)
{
    advance(arg);
}

/* How long the call of step 's' may take: a primitive its own timeout
 * (the VIM kills it then), with a margin. */
static double
call_limit(const struct op *op, const struct step *s)
{
    double t = s->primitive
                   ? (double)json_integer_value(json_object_get(
                         json_object_get(s->json, "spec"), "timeout")) +
                         30
                   : 0;

    return t > op->e->p.call_timeout ? t : op->e->p.call_timeout;
}

static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
    struct op *op = arg;
    double now = eng_now_of(op->e);

    if (op->phase == PHASE_FORWARD && op->deadline > 0 &&
        now > op->deadline && !op->failed) {
        char secs[32];

        snprintf(secs, sizeof secs, "%.0f",
                 op->deadline - json_number_value(json_object_get(
                                    op->doc, "startTime")));
        eng_fail_op(op, "timed out after %s s", secs);
    }
    for (size_t i = 0; i < op->n_steps; i++) {
        struct step *s = &op->steps[i];

        if (s->token && now - s->started > call_limit(op, s)) {
            /* Abandon the call; a late result is dropped (and a late
             * create undone) by on_vim_done. */
            s->token = 0;
            op->inflight--;
            if (s->service && s->create) {
                /* the controller may still make it: undone by its tag */
                json_object_set_new(s->json, "uncertain", json_true());
            }
            json_object_set_new(s->json, "error",
                                json_string("VIM call timed out"));
            if (s->state == SLC_STEP_UNDOING) {
                op->undo_failed = true;
            }
            eng_set_step(op, i, SLC_STEP_FAILED);
            eng_fail_op(op, "step '%s': VIM call timed out",
                    json_string_value(json_object_get(s->json, "name")));
        }
    }
    eng_kick(op);
}

static int
parse_steps(struct op *op, struct slc_error *err)
{
    json_t *steps = json_object_get(json_object_get(op->doc, "_admin"),
                                    "steps");
    size_t n = json_array_size(steps);

    op->steps = calloc(n ? n : 1, sizeof *op->steps);
    if (!op->steps) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    op->n_steps = n;
    for (size_t i = 0; i < n; i++) {
        struct step *s = &op->steps[i];
        const char *action, *kind, *state;

        s->json = json_array_get(steps, i);
        action = json_string_value(json_object_get(s->json, "action"));
        kind = json_string_value(json_object_get(s->json, "kind"));
        state = json_string_value(json_object_get(s->json, "state"));
        s->chain = kind && !strcmp(kind, "chain");
        s->service = kind && !strcmp(kind, "sdn");
        s->primitive = kind && !strcmp(kind, "primitive");
        if (!action || (!s->chain && !s->service && !s->primitive &&
                        slc_vim_kind_from_name(kind) < 0) ||
            slc_step_state_from_name(state) < 0 ||
            !json_string_value(json_object_get(s->json, "vim"))) {
            return slc_error_set(err, SLC_EINVALID,
                                 "operation %s: step %zu is malformed",
                                 op->id, i);
        }
        s->create = !strcmp(action, "create");
        s->kind = s->chain || s->service ? SLC_VIM_N_KINDS
                  : s->primitive ? SLC_VIM_COMPUTE
                                 : (enum slc_vim_kind)slc_vim_kind_from_name(
                                       kind);
        s->state = (enum slc_step_state)slc_step_state_from_name(state);
    }
    return 0;
}

/* Takes stored operation 'rec' (its document) into memory. */
static int
adopt_op(struct slc_engine *e, struct slc_record *rec, struct op **out,
         struct slc_error *err)
{
    struct op *op = calloc(1, sizeof *op);
    const char *refused;
    int rc;

    if (!op) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    op->e = e;
    snprintf(op->id, sizeof op->id, "%s", rec->id);
    snprintf(op->coll, sizeof op->coll, "%s",
             slc_engine_op_collection(rec->doc));
    /* one instance runs it: the one that holds its claim */
    if ((rc = slc_cluster_claim(e->p.cluster, op->coll, op->id, err))) {
        free(op);
        return rc;
    }
    op->serial = ++e->next_serial;
    op->doc = rec->doc;
    op->rev = rec->rev;
    rec->doc = NULL;
    op->deadline = json_number_value(
        json_object_get(json_object_get(op->doc, "_admin"), "deadline"));
    op->phase = !strcmp(json_string_value(json_object_get(
                            op->doc, "operationState")) ?: "",
                        "ROLLING_BACK")
                    ? PHASE_ROLLBACK
                    : PHASE_FORWARD;
    op->failed = op->phase == PHASE_ROLLBACK;
    snprintf(op->fail_msg, sizeof op->fail_msg, "%s",
             json_string_value(json_object_get(op->doc, "errorMessage"))
                 ?: "");
    refused = json_string_value(json_object_get(
        json_object_get(op->doc, "_admin"), "refused"));
    if (refused) {
        /* refused before any step (placement): fails with nothing to undo */
        eng_fail_op(op, "%s", refused);
    }
    rc = parse_steps(op, err);
    op->kick = event_new(e->p.base, -1, 0, on_kick, op);
    op->tick = event_new(e->p.base, -1, EV_PERSIST, on_tick, op);
    if (!rc && (!op->kick || !op->tick ||
                event_priority_set(op->kick, SLC_PRIO_WORK))) {
        rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    if (rc) {
        op_free(op);
        return rc;
    }
    {
        struct timeval second = {1, 0};

        event_add(op->tick, &second);
    }
    op->next = e->ops;
    e->ops = op;
    json_object_set_new(e->running, op->id, json_true());
    *out = op;
    return 0;
}

bool
slc_engine_runs(const struct slc_engine *e, const char *id)
{
    return json_object_get(e->running, id) != NULL;
}

static void
unlink_op(struct op *op)
{
    json_object_del(op->e->running, op->id);
    for (struct op **p = &op->e->ops; *p; p = &(*p)->next) {
        if (*p == op) {
            *p = op->next;
            return;
        }
    }
}

/* Writes the operation document; on a store failure the operation fails
 * (no VIM call is made that is not recorded first). */
static int
persist(struct op *op)
{
    struct slc_error err = {0};
    struct slc_record rec = {.id = op->id, .doc = op->doc};
    int rc;

    rec.name = (char *)(sget(op->doc, "nsInstanceId")
                            ?: sget(op->doc, "netsliceInstanceId"));
    rc = slc_store_put(op->e->p.st, op->coll, &rec, NULL, op->rev, &op->rev,
                       &err);
    if (rc) {
        SLC_ERR("operation %s: cannot store its progress: %s", op->id,
                err.msg);
        return rc;
    }
    op->dirty = false;
    return 0;
}

/* The VIM id a spec reference designates: {"step": k} or a literal. */
const char *
eng_resolve_ref(const struct op *op, const json_t *ref)
{
    if (json_is_string(ref)) {
        return json_string_value(ref);
    }
    if (json_is_object(ref)) {
        size_t k = (size_t)json_integer_value(json_object_get(ref, "step"));

        if (k < op->n_steps) {
            return json_string_value(
                json_object_get(op->steps[k].json, "vim_id"));
        }
    }
    return NULL;
}


/* Issues the VIM call of step i.  Returns 0, or an error (the step is then
 * failed by the caller). */
static int
launch(struct op *op, size_t i, enum call_kind call, struct slc_error *err)
{
    struct step *s = &op->steps[i];
    const json_t *spec = json_object_get(s->json, "spec");
    const char *tag = sget(s->json, "tag");
    const char *name = sget(s->json, "name");
    uint64_t token = op->serial << 24 | (uint64_t)i << 2 | call;
    struct slc_vim *vim;
    int rc;

    if (s->chain || s->service) {
        s->token = token;
        s->started = eng_now_of(op->e);
        op->inflight++;
        rc = s->service
                 ? eng_launch_service(op, i, token, call, err)
                 : eng_launch_chain(op, i, token,
                                    call == CALL_UNDO || !s->create, err);
        if (rc) {
            s->token = 0;
            op->inflight--;
        }
        return rc;
    }
    rc = slc_engine_vim(op->e, sget(s->json, "vim"), &vim, err);

    if (rc) {
        return rc;
    }
    s->token = token;
    s->started = eng_now_of(op->e);
    op->inflight++;
    if (s->primitive) {
        rc = eng_launch_primitive(op, vim, token, spec, err);
    } else if (call == CALL_VERIFY) {
        rc = vim->class->find(vim, token, s->kind, tag, err);
    } else if (call == CALL_UNDO || !s->create) {
        rc = vim->class->delete(vim, token, s->kind, sget(s->json, "vim_id"),
                                err);
    } else if (s->kind == SLC_VIM_NETWORK) {
        struct slc_vim_network_spec ns = {
            .name = name,
            .tag = tag,
            .type = sget(spec, "type"),
            .cidr = sget(spec, "cidr"),
            .physnet = sget(spec, "physnet"),
            .vlan = (unsigned)json_integer_value(json_object_get(spec,
                                                                 "vlan")),
            .gateway = sget(spec, "gateway"),
            .pool_start = sget(spec, "pool_start"),
            .pool_count = (unsigned)json_integer_value(
                json_object_get(spec, "pool_count")),
            .mgmt = json_is_true(json_object_get(spec, "mgmt")),
            .dataplane = json_is_true(json_object_get(spec, "dataplane")),
            .vim_name = sget(spec, "vim_name"),
        };

        rc = vim->class->create_network(vim, token, &ns, err);
    } else if (s->kind == SLC_VIM_PORT) {
        int vnic = slc_vnic_type_from_name(sget(spec, "vnic_type"));
        struct slc_vim_port_spec ps = {
            .name = name,
            .tag = tag,
            .network_id = eng_resolve_ref(op, json_object_get(spec, "network")),
            .vnic_type = vnic < 0 ? SLC_VNIC_NORMAL : (enum slc_vnic_type)vnic,
            .mac = sget(spec, "mac"),
            .ip = sget(spec, "ip"),
            .host = sget(spec, "host"),
            .ifname = sget(spec, "ifname"),
            .owner = sget(spec, "owner"),
            .owner_name = sget(spec, "owner_name"),
            .device = json_object_get(spec, "device"),
        };

        rc = ps.network_id ? vim->class->create_port(vim, token, &ps, err)
                           : slc_error_set(err, SLC_EINVALID,
                                           "port '%s': network unknown",
                                           name);
    } else {
        const json_t *ports = json_object_get(spec, "ports");
        size_t n = json_array_size(ports);
        const char **ids = calloc(n ? n : 1, sizeof *ids);
        struct slc_vim_compute_spec cs = {
            .name = name,
            .tag = tag,
            .image = sget(spec, "image"),
            .host = sget(spec, "host"),
            .vcpus = (unsigned)json_integer_value(json_object_get(spec,
                                                                  "vcpus")),
            .memory_mb = (uint64_t)json_integer_value(
                json_object_get(spec, "memory_mb")),
            .disk_gb = (uint64_t)json_integer_value(
                json_object_get(spec, "disk_gb")),
            .port_ids = ids,
            .n_ports = n,
            .epa = json_object_get(spec, "epa"),
            .placement = json_object_get(spec, "placement"),
            .user_data = sget(spec, "user_data"),
        };

        rc = ids ? 0 : slc_error_set(err, SLC_ENOMEM, "out of memory");
        for (size_t k = 0; !rc && k < n; k++) {
            ids[k] = eng_resolve_ref(op, json_array_get(ports, k));
            if (!ids[k]) {
                rc = slc_error_set(err, SLC_EINVALID,
                                   "compute '%s': port %zu unknown", name, k);
            }
        }
        rc = rc ? rc : vim->class->create_compute(vim, token, &cs, err);
        free(ids);
    }
    if (rc) {
        s->token = 0;
        op->inflight--;
    }
    return rc;
}

/* True when every dependency of step i is DONE. */
static bool
deps_done(const struct op *op, size_t i)
{
    const json_t *deps = json_object_get(op->steps[i].json, "deps");
    const json_t *d;
    size_t k;

    json_array_foreach(deps, k, d)
    {
        size_t j = (size_t)json_integer_value(d);

        if (j >= op->n_steps || op->steps[j].state != SLC_STEP_DONE) {
            return false;
        }
    }
    return true;
}

/* True when no DONE step depends on step i any more (it may be undone). */
static bool
undoable(const struct op *op, size_t i)
{
    for (size_t j = 0; j < op->n_steps; j++) {
        const json_t *d;
        size_t k;

        /* a step that made nothing (a primitive, a delete) holds
         * nothing up */
        if ((op->steps[j].state != SLC_STEP_DONE &&
             op->steps[j].state != SLC_STEP_UNDOING) ||
            !op->steps[j].create) {
            continue;
        }
        json_array_foreach(json_object_get(op->steps[j].json, "deps"), k, d)
        {
            if ((size_t)json_integer_value(d) == i) {
                return false;
            }
        }
    }
    return true;
}

static void finish(struct op *op);

static void
tell_state(const struct op *op)
{
    if (op->e->p.state_changed) {
        op->e->p.state_changed(op->e->p.state_arg, op->doc);
    }
}

/* Chooses the steps to start, persists, then starts them. */
static void
advance(struct op *op)
{
    size_t launch_list[64], n_launch = 0;
    enum call_kind kinds[64];
    unsigned max = op->e->p.max_parallel;
    bool all_done = true, busy = false, fresh = false;

    if (op->phase == PHASE_FORWARD && op->failed) {
        if (op->inflight) {
            return; /* wait for what is in flight, then roll back */
        }
        op->phase = PHASE_ROLLBACK;
        for (size_t i = 0; i < op->n_steps; i++) {
            if (op->steps[i].fresh) {
                op->steps[i].fresh = false;
                eng_set_step(op, i, SLC_STEP_PENDING); /* never launched */
            }
        }
        json_object_set_new(op->doc, "operationState",
                            json_string("ROLLING_BACK"));
        json_object_set_new(op->doc, "errorMessage",
                            json_string(op->fail_msg));
        op->dirty = true;
        op->state_news = true;
    }
    for (size_t i = 0; i < op->n_steps; i++) {
        struct step *s = &op->steps[i];

        if (op->phase == PHASE_FORWARD) {
            all_done &= s->state == SLC_STEP_DONE;
            if (s->state == SLC_STEP_RUNNING && !s->token && s->fresh &&
                n_launch < 64 && op->inflight + n_launch < max) {
                s->fresh = false;
                fresh = true;
                kinds[n_launch] = CALL_DO;
                launch_list[n_launch++] = i;
            } else if (s->state == SLC_STEP_RUNNING && !s->token &&
                       n_launch < 64 && op->inflight + n_launch < max) {
                if (s->service && s->create) {
                    /* made before the crash or not: a failure now must
                     * still undo it */
                    json_object_set_new(s->json, "uncertain", json_true());
                    op->dirty = true;
                }
                /* recovered: verify creates, repeat deletes */
                kinds[n_launch] = s->create ? CALL_VERIFY : CALL_DO;
                launch_list[n_launch++] = i;
            } else if (s->state == SLC_STEP_PENDING && deps_done(op, i) &&
                       n_launch < 64 && op->inflight + n_launch < max) {
                eng_set_step(op, i, SLC_STEP_RUNNING);
                kinds[n_launch] = CALL_DO;
                launch_list[n_launch++] = i;
            }
        } else if (op->phase == PHASE_ROLLBACK) {
            busy |= s->state == SLC_STEP_UNDOING;
            if (s->state == SLC_STEP_UNDOING && !s->token && n_launch < 64 &&
                op->inflight + n_launch < max) {
                kinds[n_launch] = CALL_UNDO; /* recovered */
                launch_list[n_launch++] = i;
            } else if (s->create &&
                       (s->state == SLC_STEP_DONE ||
                        (s->service && s->state == SLC_STEP_FAILED &&
                         json_is_true(json_object_get(s->json,
                                                      "uncertain")))) &&
                       undoable(op, i) && n_launch < 64 &&
                       op->inflight + n_launch < max) {
                /* a service whose create failed without an answer (a
                 * crash, a timeout) may exist: undone by its tag, once */
                json_object_del(s->json, "uncertain");
                eng_set_step(op, i, SLC_STEP_UNDOING);
                kinds[n_launch] = CALL_UNDO;
                launch_list[n_launch++] = i;
                busy = true;
            } else if (s->create && s->state == SLC_STEP_DONE) {
                busy = true; /* waits for its dependents */
            }
        }
    }
    if ((op->phase == PHASE_FORWARD && all_done) ||
        (op->phase == PHASE_ROLLBACK && !busy && !op->inflight &&
         !n_launch)) {
        finish(op);
        return;
    }
    if (op->dirty && !persist(op)) {
        /* a test may crash the daemon here: every step's outcome and
         * every launch recorded, nothing of them done yet */
        slc_crash_point("step");
    } else if (op->dirty) {
        /* Not recorded, so not started. */
        for (size_t k = 0; k < n_launch; k++) {
            if (kinds[k] == CALL_DO) {
                op->steps[launch_list[k]].state = SLC_STEP_PENDING;
            }
        }
        eng_fail_op(op, "cannot store the operation's progress");
        if (!op->inflight) {
            op->phase = PHASE_DONE;
            json_object_set_new(op->doc, "operationState",
                                json_string("FAILED_TEMP"));
            unlink_op(op);
            op_free(op);
        }
        return;
    } else if (fresh) {
        /* and here: steps stored RUNNING with the new operation, none
         * launched yet */
        slc_crash_point("step");
    }
    if (op->state_news) {
        op->state_news = false;
        tell_state(op);
    }
    for (size_t k = 0; k < n_launch; k++) {
        struct slc_error err = {0};
        size_t i = launch_list[k];

        if (launch(op, i, kinds[k], &err)) {
            json_object_set_new(op->steps[i].json, "error",
                                json_string(err.msg));
            if (kinds[k] == CALL_UNDO) {
                op->undo_failed = true;
            }
            eng_set_step(op, i, SLC_STEP_FAILED);
            eng_fail_op(op, "%s: %s", sget(op->steps[i].json, "name"), err.msg);
            eng_kick(op);
        }
    }
}

/* Ends the operation: final state, the finish hook, one transaction. */
static void
finish(struct op *op)
{
    struct slc_engine *e = op->e;
    struct slc_error err = {0};
    const char *state;
    double now = eng_now_of(e);
    bool had_creates = false;
    int rc;

    for (size_t i = 0; i < op->n_steps; i++) {
        had_creates |= op->steps[i].create;
    }
    /* OSM's operation states: a failed operation is FAILED whether its
     * rollback undid everything or not; the rollback's outcome is kept
     * beside it */
    state = op->failed ? "FAILED" : "COMPLETED";
    if (op->failed) {
        json_t *undone = json_array();

        for (size_t i = 0; i < op->n_steps; i++) {
            if (op->steps[i].state == SLC_STEP_UNDONE) {
                json_array_append(undone,
                                  json_object_get(op->steps[i].json, "name"));
            }
        }
        json_object_set_new(
            op->doc, "rollback",
            json_pack("{ss so}", "state",
                      !had_creates      ? "NOT_NEEDED"
                      : op->undo_failed ? "FAILED"
                                        : "COMPLETED",
                      "undone", undone));
    }
    json_object_set_new(op->doc, "operationState", json_string(state));
    json_object_set_new(op->doc, "statusEnteredTime", json_real(now));
    json_object_set_new(op->doc, "endTime", json_real(now));
    json_object_set_new(op->doc, "detailed-status",
                        json_string(op->failed ? op->fail_msg : "done"));
    json_object_set_new(op->doc, "detailedStatus",
                        json_string(op->failed ? op->fail_msg : "done"));
    if (op->failed) {
        json_object_set_new(op->doc, "errorMessage",
                            json_string(op->fail_msg));
    }
    /* the hook's records (the NS, its slice) may be written by another
     * instance meanwhile: on an optimistic store, read them again */
    for (int tries = 0; tries < 8; tries++) {
        int64_t rev = op->rev;

        rc = slc_store_begin(e->p.st, &err);
        if (!rc && e->p.finish) {
            rc = e->p.finish(e->p.st, op->doc, op->context, now, &err);
        }
        rc = rc ? rc : persist(op);
        rc = rc ? rc : slc_store_commit(e->p.st, &err);
        if (!rc || !slc_store_again(e->p.st, &err)) {
            break;
        }
        slc_store_rollback(e->p.st);
        op->rev = rev;
        SLC_INFO("operation %s: its end met another writer; again",
                 op->id);
    }
    if (rc) {
        slc_store_rollback(e->p.st);
        SLC_ERR("operation %s: cannot store its end (%s): %s", op->id, state,
                err.msg);
    } else {
        SLC_INFO("operation %s (%s of %s): %s", op->id,
                 sget(op->doc, "lcmOperationType"),
                 sget(op->doc, "nsInstanceId")
                     ?: sget(op->doc, "netsliceInstanceId"),
                 state);
    }
    op->phase = PHASE_DONE;
    unlink_op(op);
    if (!rc) {
        tell_state(op);
        slc_cluster_release(e->p.cluster, op->coll, op->id);
    }
    op_free(op);
}

bool
eng_unfinished(const json_t *op)
{
    const char *state = sget(op, "operationState");

    return state && (!strcmp(state, "PROCESSING") ||
                     !strcmp(state, "ROLLING_BACK"));
}

const char *const *
eng_op_collections(const struct slc_engine *e)
{
    static const char *const default_ops[] = {"nslcmops", NULL};

    return e->p.op_collections ?: default_ops;
}

int
eng_load_op(struct slc_engine *e, const char *coll, const char *op_id,
            struct op **out, struct slc_error *err)
{
    struct slc_record rec;
    int rc = slc_store_get(e->p.st, coll, op_id, &rec, err);

    if (!rc) {
        rc = adopt_op(e, &rec, out, err);
        slc_record_clear(&rec);
    }
    return rc;
}

int
slc_engine_resume(struct slc_engine *e, const char *coll, const char *id,
                  struct slc_error *err)
{
    struct slc_record rec;
    struct op *op;
    int rc;

    for (op = e->ops; op; op = op->next) {
        if (!strcmp(op->id, id)) {
            return 0; /* running here already */
        }
    }
    /* claimed first, read after: another instance may have ended it
     * and let it go meanwhile */
    if ((rc = slc_cluster_claim(e->p.cluster, coll, id, err))) {
        return rc;
    }
    rc = slc_store_get(e->p.st, coll, id, &rec, err);
    if (rc == SLC_ENOTFOUND) {
        slc_cluster_release(e->p.cluster, coll, id);
        return 0;
    }
    if (!rc && sget(rec.doc, "operationState") && !eng_unfinished(rec.doc)) {
        slc_cluster_release(e->p.cluster, coll, id);
        slc_record_clear(&rec);
        return 0;
    }
    rc = rc ? rc : adopt_op(e, &rec, &op, err);
    slc_record_clear(&rec);
    if (!rc) {
        SLC_INFO("resuming operation %s (%s)", op->id,
                 sget(op->doc, "operationState"));
        eng_kick(op);
    }
    return rc;
}

void
slc_engine_mark_first_steps(json_t *doc)
{
    json_t *steps = json_object_get(json_object_get(doc, "_admin"), "steps");
    json_t *s;
    size_t i;

    json_array_foreach(steps, i, s)
    {
        if (!json_array_size(json_object_get(s, "deps")) &&
            !strcmp(sget(s, "state") ?: "", "PENDING")) {
            json_object_set_new(s, "state", json_string("RUNNING"));
        }
    }
}

int
slc_engine_start(struct slc_engine *e, struct slc_record *op_rec,
                 json_t *context, struct slc_error *err)
{
    struct op *op;
    int rc;

    /* stored, not claimed yet (in a cluster, a death here leaves nothing
     * to take over: slc_engine_resume_unclaimed) */
    slc_crash_point("claim");
    rc = adopt_op(e, op_rec, &op, err);
    if (!rc) {
        /* new: what is RUNNING was marked so, never launched */
        for (size_t i = 0; i < op->n_steps; i++) {
            op->steps[i].fresh = op->steps[i].state == SLC_STEP_RUNNING;
        }
        op->context = context;
        tell_state(op);
        eng_kick(op);
    } else {
        json_decref(context);
    }
    return rc;
}

/* A VIM that binds ports when their compute starts (OpenStack: Nova
 * picks the VF) reports where they landed with the compute ("ports":
 * [{id, compute_node, pci, vlan, ...}]): the port steps that made them
 * learn it, for SDN assist and the records. */
static void
learn_port_facts(struct op *op, const json_t *info)
{
    const json_t *f;
    size_t k;

    json_array_foreach(json_object_get(info, "ports"), k, f)
    {
        for (size_t i = 0; i < op->n_steps; i++) {
            json_t *st = op->steps[i].json;
            json_t *have;

            if (op->steps[i].kind != SLC_VIM_PORT || !op->steps[i].create ||
                strcmp(sget(st, "vim_id") ?: "", sget(f, "id") ?: "-")) {
                continue;
            }
            have = json_object_get(st, "info");
            if (!json_is_object(have)) {
                json_object_set_new(st, "info", json_deep_copy(f));
            } else {
                json_object_update(have, (json_t *)f);
            }
        }
    }
}

/* Deletes what a create that nobody waits for any more has made. */
static void
delete_orphan(struct slc_engine *e, const char *account, int kind,
              const char *vim_id)
{
    struct slc_error err = {0};

    for (struct vim_slot *s = e->vims; s; s = s->next) {
        struct slc_vim *vim = s->vim;

        if (strcmp(s->account_id, account)) {
            continue;
        }
        SLC_WARN("vim '%s': %s '%s' finished after its step was abandoned: "
                 "deleting it",
                 vim->drv.name, slc_vim_kind_name((enum slc_vim_kind)kind),
                 vim_id);
        if (vim->class->delete(vim, 0, (enum slc_vim_kind)kind, vim_id,
                               &err)) {
            SLC_ERR("vim '%s': delete %s: %s", vim->drv.name, vim_id, err.msg);
        }
        return;
    }
}

void
eng_on_vim_done(void *owner, const struct slc_vim_result *r)
{
    struct slc_engine *e = owner;
    struct op *op = r->token ? eng_find_op(e, r->token >> 24) : NULL;
    size_t i = (size_t)(r->token >> 2 & 0x3fffff);
    enum call_kind call = (enum call_kind)(r->token & 3);
    struct step *s;

    if (!r->token) {
        return; /* a fire-and-forget delete */
    }
    if (!op || i >= op->n_steps || op->steps[i].token != r->token) {
        SLC_WARN_RL("dropping a VIM result for a finished or abandoned step "
                    "(%s)",
                    r->rc ? r->msg : "success");
        if (op && i < op->n_steps && !r->rc && r->vim_id &&
            call == CALL_DO && op->steps[i].create) {
            delete_orphan(e, sget(op->steps[i].json, "vim"),
                          op->steps[i].kind, r->vim_id);
        }
        return;
    }
    s = &op->steps[i];
    s->token = 0;
    op->inflight--;
    if (call == CALL_VERIFY) {
        if (!r->rc) {
            json_object_set_new(s->json, "vim_id", json_string(r->vim_id));
            if (r->info) {
                json_object_set_new(s->json, "info",
                                    json_deep_copy(r->info));
                learn_port_facts(op, r->info);
            }
            eng_set_step(op, i, SLC_STEP_DONE);
        } else if (r->rc == SLC_ENOTFOUND) {
            eng_set_step(op, i, SLC_STEP_PENDING);
        } else {
            eng_step_failed(op, i, r->msg);
        }
    } else if (call == CALL_UNDO) {
        if (!r->rc || r->rc == SLC_ENOTFOUND) {
            eng_set_step(op, i, SLC_STEP_UNDONE);
        } else {
            json_object_set_new(s->json, "error", json_string(r->msg));
            op->undo_failed = true;
            eng_set_step(op, i, SLC_STEP_FAILED);
        }
    } else if (r->rc == SLC_ENOTFOUND && s->primitive &&
               !strcmp(sget(json_object_get(s->json, "spec"), "kind") ?: "",
                       "terminate")) {
        /* the VDU a terminate primitive would run in is gone: nothing
         * to say goodbye to, and nothing must keep the NS from going */
        json_object_set_new(s->json, "info",
                            json_pack("{ss}", "skipped", r->msg ?: "gone"));
        eng_set_step(op, i, SLC_STEP_DONE);
    } else if (!r->rc ||
               (!s->create && !s->primitive && r->rc == SLC_ENOTFOUND)) {
        if (s->create) {
            json_object_set_new(s->json, "vim_id", json_string(r->vim_id));
        }
        if (r->info) {
            json_object_set_new(s->json, "info", json_deep_copy(r->info));
            if (s->create && s->kind == SLC_VIM_COMPUTE) {
                learn_port_facts(op, r->info);
            }
        }
        eng_set_step(op, i, SLC_STEP_DONE);
    } else {
        if (r->info && s->primitive) {
            /* what a failed primitive printed */
            json_object_set_new(s->json, "info", json_deep_copy(r->info));
        }
        eng_step_failed(op, i, r->msg);
    }
    eng_kick(op);
}

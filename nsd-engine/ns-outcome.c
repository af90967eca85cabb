/* NS lifecycle outcomes (see ns-lcm.h): how an ended operation is written
 * back to its NS and VNF records (VIM ids, addresses, states, what the
 * primitives printed, what a heal mended), and the engine's finish hook.
 * The plans are ns-lcm.c's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "ns-chains.h"
#include "ns-sdn.h"
#include "ns-lcm-internal.h"
#include "ns-lcm.h"
#include "pdu.h"
#include "placement.h"

static json_t *
find_vdur(json_t *vnfrs, const char *vdur_id, json_t **vnfr_out)
{
    size_t i;
    json_t *vnfr;

    json_array_foreach(vnfrs, i, vnfr)
    {
        json_t *v = slc_ns_find(json_object_get(vnfr, "vdur"), "_id", vdur_id);

        if (v) {
            *vnfr_out = vnfr;
            return v;
        }
    }
    return NULL;
}

/* Writes what a DONE create step made into the records. */
static void
apply_created(json_t *nsr, json_t *vnfrs, const json_t *s)
{
    const json_t *f = json_object_get(s, "for");
    const char *what = slc_ns_str(f, "what") ?: "";
    const char *vim_id = slc_ns_str(s, "vim_id");
    json_t *vnfr = NULL, *vdur;
    json_t *placement, *device;

    if (!strcmp(what, "chain")) {
        slc_ns_chain_created(nsr, s);
    } else if (!strcmp(what, "sdn")) {
        slc_ns_sdn_created(nsr, vnfrs, s);
    } else if (!strcmp(what, "vld")) {
        json_t *vl = slc_ns_find(json_object_get(nsr, "vld"), "id",
                                 slc_ns_str(f, "vld"));

        json_object_set_new(vl, "vim-id", json_string(vim_id));
        json_object_set_new(vl, "status", json_string("ACTIVE"));
    } else if (!strcmp(what, "vnf-vld")) {
        vnfr = slc_ns_find(vnfrs, "_id", slc_ns_str(f, "vnfr"));
        json_object_set_new(slc_ns_find(json_object_get(vnfr, "vld"), "id",
                                        slc_ns_str(f, "vld")),
                            "vim-id", json_string(vim_id));
    } else if (!strcmp(what, "vdur")) {
        vdur = find_vdur(vnfrs, slc_ns_str(f, "vdur"), &vnfr);
        json_object_set_new(vdur, "vim-id", json_string(vim_id));
        json_object_set_new(vdur, "status", json_string("ACTIVE"));
        json_object_set_new(vdur, "vim-info",
                            json_incref(json_object_get(s, "info")));
        placement = json_object_get(json_object_get(s, "spec"), "placement");
        if (placement) {
            json_object_set(vdur, "placement", placement);
            json_object_set(vdur, "vim-compute-node",
                            json_object_get(placement, "host"));
        }
    } else if (!strcmp(what, "interface")) {
        const json_t *info = json_object_get(s, "info");
        json_t *iface;

        vdur = find_vdur(vnfrs, slc_ns_str(f, "vdur"), &vnfr);
        iface = json_array_get(
            json_object_get(vdur, "interfaces"),
            (size_t)json_integer_value(json_object_get(f, "index")));
        json_object_set_new(iface, "vim-interface-id", json_string(vim_id));
        json_object_set(iface, "mac-address",
                        json_object_get(info, "mac_address") ?: json_null());
        json_object_set(iface, "ip-address",
                        json_object_get(info, "ip_address") ?: json_null());
        if (json_is_string(json_object_get(info, "switch_port"))) {
            /* the port's name on the VIM's switch, for chains */
            json_object_set(iface, "vim-switch-port",
                            json_object_get(info, "switch_port"));
        }
        device = json_object_get(json_object_get(s, "spec"), "device");
        if (device || json_object_get(info, "pci")) {
            /* what SDN assist needs, named as OSM's RO reports it: where
             * the VIM says it landed, else where placement put it */
            json_object_set(iface, "compute_node",
                            json_object_get(info, "compute_node")
                                ?: json_object_get(device, "host"));
            json_object_set(iface, "pci",
                            json_object_get(info, "pci")
                                ?: json_object_get(device, "pci"));
            json_object_set(iface, "vlan",
                            json_object_get(info, "vlan")
                                ?: json_object_get(device, "vlan"));
            json_object_set(iface, "switch_port",
                            json_object_get(device, "fabric_port"));
        }
        if (json_is_true(json_object_get(iface, "mgmt-interface")) ||
            !json_is_string(json_object_get(vdur, "ip-address"))) {
            json_object_set(vdur, "ip-address",
                            json_object_get(iface, "ip-address"));
        }
        if (json_is_true(json_object_get(iface, "mgmt-vnf"))) {
            json_object_set(vnfr, "ip-address",
                            json_object_get(iface, "ip-address"));
        }
        if (slc_ns_str(vdur, "pdu-id")) {
            json_object_set_new(vdur, "status", json_string("ACTIVE"));
        }
    }
}

/* Clears what a DONE delete step removed from the records. */
static void
apply_deleted(json_t *nsr, json_t *vnfrs, const json_t *s)
{
    const json_t *f = json_object_get(s, "for");
    const char *what = slc_ns_str(f, "what") ?: "";
    json_t *vnfr = NULL, *vdur;

    if (!strcmp(what, "chain")) {
        slc_ns_chain_deleted(nsr, s);
    } else if (!strcmp(what, "sdn")) {
        slc_ns_sdn_deleted(nsr, vnfrs, s);
    } else if (!strcmp(what, "vld")) {
        json_t *vl = slc_ns_find(json_object_get(nsr, "vld"), "id",
                                 slc_ns_str(f, "vld"));

        json_object_set_new(vl, "vim-id", json_null());
        json_object_set_new(vl, "status", json_null());
    } else if (!strcmp(what, "vdur")) {
        vdur = find_vdur(vnfrs, slc_ns_str(f, "vdur"), &vnfr);
        json_object_set_new(vdur, "vim-id", json_null());
        json_object_set_new(vdur, "status", json_null());
        json_object_del(vdur, "vim-info");
    }
}

static void
set_vnfrs_state(json_t *vnfrs, const char *state)
{
    size_t i;
    json_t *v;

    json_array_foreach(vnfrs, i, v)
    {
        json_object_set_new(json_object_get(v, "_admin"), "nsState",
                            json_string(state));
    }
}

static void
finish_scale(json_t *nsr, json_t *vnfrs, const json_t *op_admin, bool ok)
{
    const json_t *sc = json_object_get(op_admin, "scale");
    json_t *vnfr = slc_ns_find(vnfrs, "_id", slc_ns_str(sc, "vnfr"));
    json_t *groups =
        json_object_get(json_object_get(vnfr, "_admin"), "scaling-group");
    json_t *g = slc_ns_find(groups, "name", slc_ns_str(sc, "aspect"));
    bool out = json_is_true(json_object_get(sc, "out"));
    const json_t *x;
    size_t i;

    if (!ok || !vnfr) {
        return;
    }
    if (!g) {
        g = json_pack("{ss si}", "name", slc_ns_str(sc, "aspect"),
                      "nb-scale-op", 0);
        json_array_append_new(groups, g);
    }
    json_object_set_new(
        g, "nb-scale-op",
        json_integer(json_integer_value(json_object_get(g, "nb-scale-op")) +
                     (out ? 1 : -1)));
    json_array_foreach(json_object_get(op_admin, "removed_vdur"), i, x)
    {
        size_t j;
        json_t *v;

        json_array_foreach(json_object_get(vnfr, "vdur"), j, v)
        {
            if (!strcmp(slc_ns_str(v, "_id"), json_string_value(x))) {
                json_array_remove(json_object_get(vnfr, "vdur"), j);
                break;
            }
        }
    }
}

static int
store_outcome(struct slc_store *st, struct slc_record *nsr, json_t *vnfrs,
              bool remove, struct slc_error *err)
{
    json_t *v;
    size_t i;
    int rc = remove
                 ? slc_store_del(st, "nsrs", nsr->id, nsr->rev, err)
                 : slc_store_put(st, "nsrs", nsr, NULL, nsr->rev, NULL, err);

    json_array_foreach(vnfrs, i, v)
    {
        struct slc_record vr = {
            .id = (char *)slc_ns_str(v, "_id"),
            .name = nsr->id,
            .doc = v,
        };

        if (rc) {
            break;
        }
        rc = remove ? slc_store_del(st, "vnfrs", vr.id, SLC_REV_ANY, err)
                    : slc_store_put(st, "vnfrs", &vr, NULL, SLC_REV_ANY, NULL,
                                    err);
    }
    return rc;
}

/* Applies operation 'op' to 'nsr' and 'vnfrs' and stores them. */
/* Gives back the cores, pages and devices of the VDUs that went away:
 * deleted, or never made by an operation that failed. */
static int
release_placements(struct slc_store *st, const struct slc_record *nsr,
                   const json_t *steps, bool ok, struct slc_error *err)
{
    json_t *tags = json_array();
    const json_t *s;
    size_t i;
    int rc = 0;

    json_array_foreach(steps, i, s)
    {
        bool del = !strcmp(slc_ns_str(s, "action") ?: "", "delete");
        bool done = !strcmp(slc_ns_str(s, "state") ?: "", "DONE");
        const json_t *o;
        size_t j;
        bool again = false;

        /* a heal made it again where it was: its placement stays */
        json_array_foreach(del && ok ? steps : NULL, j, o)
        {
            again |= !strcmp(slc_ns_str(o, "action") ?: "", "create") &&
                     !strcmp(slc_ns_str(o, "state") ?: "", "DONE") &&
                     !strcmp(slc_ns_str(o, "tag") ?: "",
                             slc_ns_str(s, "tag") ?: "");
        }
        if (!strcmp(slc_ns_str(s, "kind") ?: "", "compute") && !again &&
            (del ? done : !ok && !done)) {
            json_array_append_new(tags, json_string(slc_ns_str(s, "tag")));
        }
    }
    if (json_array_size(tags)) {
        rc = slc_place_release(st, slc_ns_str(nsr->doc, "datacenter"),
                               nsr->id, NULL, tags, err);
    }
    json_decref(tags);
    return rc;
}

/* Writes what the primitives of an operation did into its occurrence:
 * "primitives": [{member_vnf_index, vdu_id, vdu_count_index, primitive,
 * kind, state, exit_status, stdout, stderr}], and for a completed action
 * the last one's output as its detailed-status, as OSM shows it. */
static void
primitives_outcome(json_t *op, const json_t *steps, bool action_ok)
{
    json_t *out = json_array();
    const json_t *s, *last = NULL;
    size_t i;

    json_array_foreach(steps, i, s)
    {
        const json_t *f = json_object_get(s, "for");
        const json_t *info = json_object_get(s, "info");

        if (strcmp(slc_ns_str(s, "kind") ?: "", "primitive")) {
            continue;
        }
        json_array_append_new(
            out,
            json_pack("{sO sO sO sO sO sO sO* sO* sO* sO*}",
                      "member_vnf_index",
                      json_object_get(f, "member_vnf_index") ?: json_null(),
                      "vdu_id",
                      json_object_get(json_object_get(json_object_get(
                                                          s, "spec"),
                                                      "env"),
                                      "SLICER_VDU_ID")
                          ?: json_null(),
                      "vdu_count_index",
                      json_object_get(f, "vdu_count_index") ?: json_null(),
                      "primitive",
                      json_object_get(f, "primitive") ?: json_null(), "kind",
                      json_object_get(json_object_get(s, "spec"), "kind")
                          ?: json_null(),
                      "state", json_object_get(s, "state"), "exit_status",
                      json_object_get(info, "exit_status"), "stdout",
                      json_object_get(info, "stdout"), "stderr",
                      json_object_get(info, "stderr"), "error",
                      json_object_get(s, "error")));
        last = info;
    }
    if (json_array_size(out)) {
        json_object_set(op, "primitives", out);
    }
    if (action_ok && last) {
        json_object_set(op, "detailed-status",
                        json_object_get(last, "stdout"));
        json_object_set(op, "detailedStatus",
                        json_object_get(last, "stdout"));
    }
    json_decref(out);
}

/* After a heal: what the VIM had lost and the heal made again is no
 * longer missing; an NS with nothing missing runs again. */
static void
heal_outcome(json_t *nsr, const json_t *steps)
{
    json_t *admin = json_object_get(nsr, "_admin");
    json_t *lost = json_object_get(admin, "degraded");
    const json_t *s;
    size_t i;

    json_array_foreach(steps, i, s)
    {
        if (strcmp(slc_ns_str(s, "action") ?: "", "delete")) {
            continue;
        }
        for (size_t j = json_array_size(lost); j-- > 0;) {
            if (!strcmp(slc_ns_str(json_array_get(lost, j), "vim_id") ?: "",
                        slc_ns_str(s, "vim_id") ?: "")) {
                json_array_remove(lost, j);
            }
        }
    }
    if (!json_array_size(lost)) {
        json_object_del(admin, "degraded");
        json_object_set_new(nsr, "operational-status",
                            json_string("running"));
    }
}

static int
finish_records(struct slc_store *st, json_t *op, struct slc_record *nsr,
               json_t *vnfrs, double now, struct slc_error *err)
{
    const char *type = slc_ns_str(op, "lcmOperationType");
    const char *state = slc_ns_str(op, "operationState");
    json_t *op_admin = json_object_get(op, "_admin");
    const json_t *steps = json_object_get(op_admin, "steps");
    bool ok = !strcmp(state, "COMPLETED");
    bool remove = false;
    json_t *nadmin, *resources;
    const json_t *s;
    size_t i;

    int rc = release_placements(st, nsr, steps, ok, err);

    if (rc) {
        return rc;
    }
    nadmin = json_object_get(nsr->doc, "_admin");
    resources =
        json_object_get(json_object_get(nadmin, "deployed"), "resources");
    if (!strcmp(type, "scale") && ok) {
        const json_t *sc = json_object_get(op_admin, "scale");
        json_t *vnfr = slc_ns_find(vnfrs, "_id", slc_ns_str(sc, "vnfr"));

        json_array_foreach(json_object_get(op_admin, "new_vdur"), i, s)
        {
            json_array_append(json_object_get(vnfr, "vdur"), (json_t *)s);
        }
    }
    slc_engine_update_resources(resources, steps);
    rc = slc_ns_release_chains(st, nsr->id, resources, err);
    if (rc) {
        return rc;
    }
    json_array_foreach(steps, i, s)
    {
        if (ok && !strcmp(slc_ns_str(s, "action"), "create")) {
            apply_created(nsr->doc, vnfrs, s);
        } else if (!strcmp(slc_ns_str(s, "action"), "delete") &&
                   !strcmp(slc_ns_str(s, "state"), "DONE")) {
            apply_deleted(nsr->doc, vnfrs, s);
        }
    }
    if (!strcmp(type, "scale")) {
        finish_scale(nsr->doc, vnfrs, op_admin, ok);
    }
    primitives_outcome(op, steps, !strcmp(type, "action") && ok);
    json_object_set_new(nsr->doc, "detailed-status",
                        json_string(ok ? "done" : slc_ns_str(op, "errorMessage")
                                                      ?: state));
    json_object_set_new(nsr->doc, "errorDescription",
                        ok ? json_null()
                           : json_sprintf("%s: %s", type, state));
    json_object_set(nsr->doc, "errorDetail",
                    ok ? json_null() : json_object_get(op, "errorMessage"));
    if (!strcmp(type, "instantiate")) {
        bool left = json_array_size(resources) > 0;

        if (!ok && !left) {
            rc = slc_pdu_release(st, nsr->id, vnfrs, err);
        }

        json_object_set_new(nsr->doc, "nsState",
                            json_string(ok     ? "READY"
                                        : left ? "BROKEN"
                                               : "NOT_INSTANTIATED"));
        json_object_set_new(nsr->doc, "operational-status",
                            json_string(ok ? "running" : "failed"));
        json_object_set_new(nsr->doc, "config-status",
                            json_string(ok ? "configured" : "failed"));
        json_object_set_new(
            nadmin, "nsState",
            json_string(ok || left ? "INSTANTIATED" : "NOT_INSTANTIATED"));
        set_vnfrs_state(vnfrs,
                        ok || left ? "INSTANTIATED" : "NOT_INSTANTIATED");
    } else if (!strcmp(type, "terminate")) {
        json_object_set_new(nsr->doc, "nsState",
                            json_string(ok ? "NOT_INSTANTIATED" : "BROKEN"));
        json_object_set_new(nsr->doc, "operational-status",
                            json_string(ok ? "terminated" : "failed"));
        json_object_set_new(nsr->doc, "config-status",
                            json_string(ok ? "terminated" : "failed"));
        if (ok) {
            rc = slc_pdu_release(st, nsr->id, vnfrs, err);
            json_object_set_new(nadmin, "nsState",
                                json_string("NOT_INSTANTIATED"));
            set_vnfrs_state(vnfrs, "NOT_INSTANTIATED");
            remove = json_is_true(json_object_get(
                json_object_get(op, "operationParams"), "autoremove"));
        }
    } else if (!strcmp(type, "heal") && ok) {
        heal_outcome(nsr->doc, steps);
        json_object_set_new(nsr->doc, "nsState", json_string("READY"));
    } else if (!strcmp(type, "scale") || !strcmp(type, "heal")) {
        json_object_set_new(
            nsr->doc, "nsState",
            json_string(!strcmp(state, "FAILED") ? "DEGRADED" : "READY"));
        json_object_set_new(nsr->doc, "operational-status",
                            json_string("running"));
    } else {
        /* an action leaves the NS as it was; its outcome is the
         * occurrence's */
        json_object_set_new(nsr->doc, "operational-status",
                            json_string("running"));
        json_object_set_new(nsr->doc, "detailed-status",
                            json_string(ok ? "done" : "action failed"));
    }
    json_object_set_new(nsr->doc, "currentOperation", json_string("IDLE"));
    json_object_set_new(nsr->doc, "currentOperationID", json_null());
    json_object_set_new(nadmin, "nslcmop", json_null());
    json_object_set_new(nadmin, "modified", json_real(now));
    return rc ? rc : store_outcome(st, nsr, vnfrs, remove, err);
}

int
slc_ns_op_finish(struct slc_store *st, json_t *op, json_t *context,
                 double now, struct slc_error *err)
{
    const char *nsr_id = slc_ns_str(op, "nsInstanceId");
    struct slc_record nsr = {0};
    json_t *vnfrs = NULL;
    int rc = SLC_ECONFLICT;

    if (context) {
        /* The records as the operation stored them (it is their only use:
         * when the NS moved on since, they are read again). */
        nsr.id = strdup(nsr_id);
        nsr.doc = json_incref(json_object_get(context, "nsr"));
        nsr.name = strdup(slc_ns_str(nsr.doc, "name") ?: "");
        nsr.rev = json_integer_value(json_object_get(context, "nsr_rev"));
        vnfrs = json_incref(json_object_get(context, "vnfrs"));
        rc = nsr.id && nsr.name && nsr.doc && vnfrs
                 ? finish_records(st, op, &nsr, vnfrs, now, err)
                 : slc_error_set(err, SLC_ENOMEM, "out of memory");
        json_decref(vnfrs);
        slc_record_clear(&nsr);
    }
    if (rc == SLC_ECONFLICT || rc == SLC_ENOTFOUND) {
        rc = slc_store_get(st, "nsrs", nsr_id, &nsr, err);
        rc = rc ? rc : slc_ns_load_vnfrs(st, nsr.id, &vnfrs, err);
        if (!rc) {
            rc = finish_records(st, op, &nsr, vnfrs, now, err);
        } else if (rc == SLC_ENOTFOUND) {
            rc = 0; /* the NS went away (FORCE) */
        }
        json_decref(vnfrs);
        slc_record_clear(&nsr);
    }
    return rc;
}

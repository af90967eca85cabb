/* Heal (see ns-lcm.h): the plan that makes VDU instances again where
 * they were, and automatic heal when a VIM lost one while slicerd ran.
 * The plan's other parts are ns-lcm.c's (ns-lcm-internal.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "ns-chains.h"
#include "ns-lcm-internal.h"
#include "ns-lcm.h"
#include "slc-log.h"

SLC_LOG_MODULE(ns_lcm);

/* The deployed resource of 'kind' whose tag is 'tag', or NULL. */
static const json_t *
deployed_of(const json_t *nsr, const char *kind, const char *tag)
{
    const json_t *r;
    size_t i;

    json_array_foreach(slc_ns_deployed_resources(nsr), i, r)
    {
        if (!strcmp(slc_ns_str(r, "kind") ?: "", kind) &&
            !strcmp(slc_ns_str(r, "tag") ?: "", tag)) {
            return r;
        }
    }
    return NULL;
}

/* Whether heal target list 'out' has VDU record 'vdur' already. */
static bool
named_twice(const json_t *out, const json_t *vdur)
{
    const json_t *t;
    size_t i;

    json_array_foreach(out, i, t)
    {
        if (json_object_get(t, "vdur") == vdur) {
            return true;
        }
    }
    return false;
}

/* The VDU instances a heal request names: OSM's body, vnf[] with
 * vnfInstanceId and additionalParams {run-day1, vdu[] {vdu-id,
 * count-index, run-day1}} (no vdu: every VDU of the VNF).  '*out' gets
 * [{vnfr, vdur, day1}] (borrowed records).  SLC_EINVALID naming what
 * does not exist or cannot be healed. */
static int
heal_targets(const json_t *nsr, const json_t *vnfrs, const json_t *params,
             json_t *out, struct slc_error *err)
{
    const json_t *v, *want, *vdur;
    size_t i, j, k;

    json_array_foreach(json_object_get(params, "vnf"), i, v)
    {
        const char *id = slc_ns_str(v, "vnfInstanceId");
        const json_t *vnfr = slc_ns_find(vnfrs, "_id", id ? id : "");
        const json_t *ap = json_object_get(v, "additionalParams");
        const json_t *vdus = json_object_get(ap, "vdu");
        bool day1 = json_is_true(json_object_get(ap, "run-day1"));

        if (!vnfr) {
            return slc_error_set(err, SLC_EINVALID,
                                 "heal: vnf[%zu].vnfInstanceId '%s' is not a "
                                 "vnf of ns '%s'",
                                 i, id ? id : "", slc_ns_str(nsr, "name"));
        }
        json_array_foreach(json_object_get(vnfr, "vdur"), j, vdur)
        {
            const json_t *asked = NULL;

            json_array_foreach(vdus, k, want)
            {
                if (!strcmp(slc_ns_str(want, "vdu-id") ?: "",
                            slc_ns_str(vdur, "vdu-id-ref") ?: "") &&
                    (int64_t)slc_ns_number(json_object_get(want,
                                                           "count-index")) ==
                        json_integer_value(json_object_get(vdur,
                                                           "count-index"))) {
                    asked = want;
                }
            }
            if (vdus && !asked) {
                continue;
            }
            if (named_twice(out, vdur)) {
                continue; /* once is enough */
            }
            if (slc_ns_str(vdur, "pdu-type")) {
                return slc_error_set(err, SLC_EINVALID,
                                     "heal: vdu '%s' of vnf '%s' is a "
                                     "physical device: it cannot be "
                                     "recreated",
                                     slc_ns_str(vdur, "vdu-id-ref"),
                                     slc_ns_str(vnfr,
                                                "member-vnf-index-ref"));
            }
            json_array_append_new(
                out, json_pack("{sO sO sb}", "vnfr", vnfr, "vdur", vdur,
                               "day1",
                               asked && json_object_get(asked, "run-day1")
                                   ? json_is_true(json_object_get(
                                         asked, "run-day1"))
                                   : day1));
        }
        json_array_foreach(vdus, k, want)
        {
            bool found = false;

            json_array_foreach(json_object_get(vnfr, "vdur"), j, vdur)
            {
                found |= !strcmp(slc_ns_str(want, "vdu-id") ?: "",
                                 slc_ns_str(vdur, "vdu-id-ref") ?: "") &&
                         (int64_t)slc_ns_number(json_object_get(
                             want, "count-index")) ==
                             json_integer_value(
                                 json_object_get(vdur, "count-index"));
            }
            if (!found) {
                return slc_error_set(
                    err, SLC_EINVALID,
                    "heal: vnf '%s' has no instance %lld of vdu '%s'",
                    slc_ns_str(vnfr, "member-vnf-index-ref"),
                    (long long)slc_ns_number(json_object_get(want,
                                                             "count-index")),
                    slc_ns_str(want, "vdu-id") ?: "");
            }
        }
    }
    if (!json_array_size(out)) {
        return slc_error_set(err, SLC_EINVALID,
                             "heal: the request names no VDU to heal (give "
                             "vnf[].vnfInstanceId)");
    }
    return 0;
}

/* A heal: each VDU instance named is deleted (what is left of it: a
 * namespace that vanished is already gone) and made again with its
 * ports, addresses and placement as they were; the chains through it are
 * installed again on its new ports; its day-1 primitives run again when
 * asked. */
int
slc_ns_plan_heal(struct ns_plan *pl, struct slc_store *st, json_t *nsr,
          const json_t *vnfrs, const json_t *vnfds, const json_t *params,
          json_t *op_admin, struct slc_error *err)
{
    json_t *targets = json_array(), *day1 = json_object(), *changed;
    const json_t *t, *resources = slc_ns_deployed_resources(nsr);
    size_t i;
    int rc = heal_targets(nsr, vnfrs, params, targets, err);

    pl->params = json_object_get(nsr, "instantiate_params");
    json_array_foreach(rc ? NULL : targets, i, t)
    {
        const json_t *vnfr = json_object_get(t, "vnfr");
        const json_t *vdur = json_object_get(t, "vdur");
        json_t *ns_nets = slc_ns_deployed_nets(nsr, NULL);
        json_t *vnf_nets = slc_ns_deployed_nets(nsr, slc_ns_str(vnfr, "_id"));
        json_t *deletes = json_array();
        char prefix[512];
        size_t first = json_array_size(pl->steps), mid, k;

        snprintf(prefix, sizeof prefix,
                 "nsr:%s:vnf:%s:vdu:%s:%" JSON_INTEGER_FORMAT, pl->nsr_id,
                 slc_ns_str(vnfr, "member-vnf-index-ref"),
                 slc_ns_str(vdur, "vdu-id-ref"),
                 json_integer_value(json_object_get(vdur, "count-index")));
        slc_ns_plan_deletes(pl, resources, prefix);
        mid = json_array_size(pl->steps);
        for (k = first; k < mid; k++) {
            json_array_append_new(deletes, json_integer((json_int_t)k));
        }
        slc_ns_plan_vdur(pl, nsr, vnfr, vdur, ns_nets, vnf_nets);
        for (k = mid; k < json_array_size(pl->steps); k++) {
            json_t *s = json_array_get(pl->steps, k);
            json_t *spec = json_object_get(s, "spec");
            const json_t *was = deployed_of(nsr, slc_ns_str(s, "kind"),
                                            slc_ns_str(s, "tag"));
            static const char *const kept[] = {"host", "placement", "device",
                                               NULL};

            /* where it was, as it was: its placement, its device */
            for (size_t q = 0; kept[q]; q++) {
                const json_t *v = json_object_get(
                    json_object_get(was, "spec"), kept[q]);

                if (v && !json_object_get(spec, kept[q])) {
                    json_object_set(spec, kept[q], (json_t *)v);
                }
            }
            if (!strcmp(slc_ns_str(s, "kind") ?: "", "port")) {
                /* the addresses it had */
                const json_t *iface = json_array_get(
                    json_object_get(vdur, "interfaces"),
                    (size_t)json_integer_value(json_object_get(
                        json_object_get(s, "for"), "index")));

                if (!json_is_string(json_object_get(spec, "ip")) &&
                    json_is_string(json_object_get(iface, "ip-address"))) {
                    json_object_set(spec, "ip",
                                    json_object_get(iface, "ip-address"));
                }
                if (!json_is_string(json_object_get(spec, "mac")) &&
                    json_is_string(json_object_get(iface, "mac-address"))) {
                    json_object_set(spec, "mac",
                                    json_object_get(iface, "mac-address"));
                }
            }
            json_array_extend(json_object_get(s, "deps"), deletes);
        }
        if (json_is_true(json_object_get(t, "day1"))) {
            json_object_set(day1, slc_ns_str(vdur, "_id"),
                            json_object_get(pl->placed,
                                            slc_ns_str(vdur, "_id")));
        }
        json_decref(deletes);
        json_decref(ns_nets);
        json_decref(vnf_nets);
    }
    changed = json_array();
    rc = rc ? rc : slc_ns_replan_chains(st, nsr, vnfrs, vnfds, pl->steps,
                                        changed, err);
    rc = rc || !json_object_size(day1)
             ? rc
             : slc_ns_plan_day1(vnfds, nsr, vnfrs, pl->params, day1,
                                pl->steps, err);
    if (!rc) {
        json_t *healed = json_array();

        json_array_foreach(targets, i, t)
        {
            json_array_append(healed, json_object_get(json_object_get(t,
                                                                      "vdur"),
                                                      "_id"));
        }
        json_object_set_new(op_admin, "healed_vdur", healed);
    }
    json_decref(changed);
    json_decref(day1);
    json_decref(targets);
    return rc;
}

/* How many heals an account with auto_heal may start an hour, unless its
 * config says. */
#define AUTO_HEAL_PER_HOUR 3

int
slc_ns_auto_heal(struct slc_store *st, struct slc_engine *e,
                 json_t *history, const char *account_id, const char *tag,
                 const char *why, double now, char op_id[40],
                 struct slc_error *err)
{
    char nsr_id[64], member[256], vdu[256];
    long long count;
    struct slc_record account = {0}, nsr = {0}, op = {0};
    const json_t *ah, *vnfr;
    json_t *times, *vnfrs = NULL, *params = NULL, *context = NULL;
    json_int_t limit;
    size_t i;
    int rc;

    op_id[0] = '\0';
    if (sscanf(tag, "nsr:%63[^:]:vnf:%255[^:]:vdu:%255[^:]:%lld", nsr_id,
               member, vdu, &count) != 4) {
        return 0; /* not a VDU's compute */
    }
    rc = slc_store_get(st, "vim_accounts", account_id, &account, err);
    ah = json_object_get(json_object_get(account.doc, "config"), "auto_heal");
    if (rc || !(json_is_true(ah) || json_is_object(ah))) {
        slc_record_clear(&account);
        return rc;
    }
    limit = json_is_object(ah) ? json_integer_value(json_object_get(
                                     ah, "max_per_hour"))
                               : 0;
    limit = limit > 0 ? limit : AUTO_HEAL_PER_HOUR;
    times = json_object_get(history, account_id);
    if (!times) {
        times = json_array();
        json_object_set_new(history, account_id, times);
    }
    for (i = json_array_size(times); i-- > 0;) {
        if (json_real_value(json_array_get(times, i)) < now - 3600) {
            json_array_remove(times, i);
        }
    }
    if ((json_int_t)json_array_size(times) >= limit) {
        SLC_WARN("auto-heal: vim '%s' healed %zu VDUs in the last hour, "
                 "its limit: vdu %s-%s-%lld of ns %s stays down (%s)",
                 account.name, json_array_size(times), member, vdu, count,
                 nsr_id, why);
        slc_record_clear(&account);
        return 0;
    }
    rc = slc_store_get(st, "nsrs", nsr_id, &nsr, err);
    rc = rc ? rc : slc_ns_load_vnfrs(st, nsr_id, &vnfrs, err);
    vnfr = rc ? NULL : slc_ns_find(vnfrs, "member-vnf-index-ref", member);
    if (!rc && vnfr) {
        params = json_pack(
            "{s[{ss s{sb s[{ss sI}]}}] sb}", "vnf", "vnfInstanceId",
            slc_ns_str(vnfr, "_id"), "additionalParams", "run-day1", 1,
            "vdu", "vdu-id", vdu, "count-index", (json_int_t)count,
            "isAutomaticInvocation", 1);
        rc = slc_ns_op_create(st, &nsr, "heal", params, now, 600, &op,
                              &context, err);
    }
    if (rc == SLC_EBUSY || rc == SLC_ECONFLICT) {
        SLC_WARN("auto-heal: ns '%s' not healed: %s", nsr.name, err->msg);
        rc = 0;
    } else if (!rc && params) {
        json_array_append_new(times, json_real(now));
        snprintf(op_id, 40, "%s", op.id);
        SLC_INFO("auto-heal: ns '%s' vdu %s-%s-%lld (%s): heal operation %s",
                 nsr.name, member, vdu, count, why, op.id);
        rc = slc_engine_start(e, &op, context, err);
    }
    json_decref(params);
    json_decref(vnfrs);
    slc_record_clear(&op);
    slc_record_clear(&nsr);
    slc_record_clear(&account);
    return rc;
}

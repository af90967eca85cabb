/* The engine's recovery (engine.h, slc_engine_recover): at start, what
 * the store says exists is reconciled with each VIM, chain programs and
 * SDN assist services are installed again, and the operations a crash
 * left unfinished resume from their persisted steps.  Also the NS
 * records marked degraded when a VIM lost a resource, at recovery or
 * while the daemon runs (eng_on_vim_lost). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine-internal.h"
#include "ns-chains.h"
#include "slc-log.h"

SLC_LOG_MODULE(engine);

struct recovery {
    struct slc_engine *e;
    json_t *known;            /* account id -> [resources] */
    json_t *chains;           /* [[account id, program id, program]] */
    json_t *services;         /* [[account id, resource]] (SDN assist) */
    json_t *moving;           /* tags of services an operation in flight
                                 makes, edits or deletes: its resumed
                                 steps decide what they become */
    json_t *ops;              /* [op ids] */
};

/* o[key] (a new reference), else JSON null. */
static json_t *
json_copy_or_null(const json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);

    return v ? json_incref(v) : json_null();
}

/* 'res' (taken) is known to exist on VIM account 'account'.  A chain is
 * not the VIM's: its program is re-installed on the switch instead. */
static void
add_known(struct recovery *rv, const char *account, const json_t *res)
{
    json_t *list;

    if (!account) {
        json_decref((json_t *)res);
        return;
    }
    if (!strcmp(sget(res, "kind") ?: "", "chain")) {
        const json_t *spec = json_object_get(res, "spec");

        if (json_object_get(spec, "program") ||
            json_object_get(spec, "fabric_program")) {
            json_array_append_new(
                rv->chains,
                json_pack("[sOoo]", account,
                          json_object_get(spec, "program_id"),
                          json_copy_or_null(spec, "program"),
                          json_copy_or_null(spec, "fabric_program")));
        }
        json_decref((json_t *)res);
        return;
    }
    if (!strcmp(sget(res, "kind") ?: "", "sdn")) {
        /* nor is a service: it is made so again on its controller (one
         * in flight is made by its resumed step) */
        if (sget(res, "vim_id") &&
            json_object_get(json_object_get(res, "spec"),
                            "connection_points")) {
            json_array_append_new(rv->services,
                                  json_pack("[sO]", account, res));
        }
        json_decref((json_t *)res);
        return;
    }
    list = json_object_get(rv->known, account);
    if (!list) {
        list = json_array();
        json_object_set_new(rv->known, account, list);
    }
    json_array_append_new(list, (json_t *)res);
}

static int
collect_resources(const char *coll, const struct slc_record *rec, void *arg)
{
    struct recovery *rv = arg;
    const json_t *res;
    size_t i;

    json_array_foreach(json_object_get(json_object_get(json_object_get(
                                           rec->doc, "_admin"),
                                           "deployed"),
                                       "resources"),
                       i, res)
    {
        add_known(rv, sget(res, "vim"), json_deep_copy(res));
    }
    return 0;
}

/* Every VIM account is reconciled, even with nothing known on it: its
 * driver may hold leaks of an NS deleted while the daemon was down. */
static int
collect_account(const char *coll, const struct slc_record *rec, void *arg)
{
    struct recovery *rv = arg;

    if (!json_object_get(rv->known, rec->id)) {
        json_object_set_new(rv->known, rec->id, json_array());
    }
    return 0;
}

/* Marks degraded the NSs whose resources the VIM lost while the daemon
 * was down (reconcile() flagged them "missing"). */
static void
mark_degraded(struct slc_engine *e, const char *vim_name, const json_t *list)
{
    const json_t *item;
    size_t i;

    json_array_foreach(list, i, item)
    {
        const char *tag = sget(item, "tag");
        char nsr_id[64] = "";
        struct slc_record nsr = {0};
        struct slc_error err = {0};
        json_t *admin, *lost;
        int rc;

        if (!json_is_true(json_object_get(item, "missing")) || !tag ||
            sscanf(tag, "nsr:%63[^:]", nsr_id) != 1) {
            continue;
        }
        SLC_WARN("vim '%s': %s %s of ns %s: %s", vim_name,
                 sget(item, "kind"), sget(item, "vim_id"), nsr_id,
                 sget(item, "why"));
        rc = slc_store_begin(e->p.st, &err);
        rc = rc ? rc : slc_store_get(e->p.st, "nsrs", nsr_id, &nsr, &err);
        if (!rc) {
            admin = json_object_get(nsr.doc, "_admin");
            lost = json_object_get(admin, "degraded");
            if (!lost) {
                lost = json_array();
                json_object_set_new(admin, "degraded", lost);
            }
            json_array_append_new(
                lost, json_pack("{sO sO sO* sO*}", "kind",
                                json_object_get(item, "kind"), "vim_id",
                                json_object_get(item, "vim_id"), "name",
                                json_object_get(item, "name"), "why",
                                json_object_get(item, "why")));
            json_object_set_new(nsr.doc, "operational-status",
                                json_string("degraded"));
            json_object_set_new(
                nsr.doc, "detailed-status",
                json_sprintf("degraded: %s '%s': %s", sget(item, "kind"),
                             sget(item, "name") ?: sget(item, "vim_id"),
                             sget(item, "why") ?: "gone"));
            rc = slc_store_put(e->p.st, "nsrs", &nsr, NULL, nsr.rev, NULL,
                               &err);
        }
        rc = rc ? rc : slc_store_commit(e->p.st, &err);
        if (rc) {
            slc_store_rollback(e->p.st);
            SLC_ERR("recovery: ns %s: %s", nsr_id, err.msg);
        }
        slc_record_clear(&nsr);
    }
}

/* A driver saw a resource go while the daemon ran: its NS is degraded,
 * and whoever heals is told. */
void
eng_on_vim_lost(void *owner, const char *account_id, enum slc_vim_kind kind,
            const char *vim_id, const char *tag, const char *why)
{
    struct slc_engine *e = owner;
    json_t *list = json_pack("[{sb ss* ss ss ss}]", "missing", 1, "tag", tag,
                             "kind", slc_vim_kind_name(kind), "vim_id",
                             vim_id, "why", why);

    mark_degraded(e, account_id, list);
    json_decref(list);
    if (e->p.lost && tag) {
        e->p.lost(e->p.state_arg, account_id, tag, why);
    }
}

static int
collect_op(const char *coll, const struct slc_record *rec, void *arg)
{
    struct recovery *rv = arg;
    const json_t *steps =
        json_object_get(json_object_get(rec->doc, "_admin"), "steps");
    const json_t *s;
    size_t i;

    if (!eng_unfinished(rec->doc)) {
        return 0;
    }
    json_array_append_new(rv->ops, json_pack("[ss]", coll, rec->id));
    json_array_foreach(steps, i, s)
    {
        if (!strcmp(sget(s, "kind") ?: "", "sdn") && sget(s, "tag") &&
            eng_service_decided(sget(s, "state"),
                                !strcmp(sget(s, "action") ?: "", "create"))) {
            json_object_set_new(rv->moving, sget(s, "tag"), json_true());
        }
        const char *st = sget(s, "state");
        bool create = !strcmp(sget(s, "action") ?: "", "create");

        if (!st) {
            continue;
        }
        if (!sget(s, "vim_id")) {
            /* a create in flight at the crash: what the VIM made under
             * its tag is not a leak, the resumed step will find it */
            if (create && !strcmp(st, "RUNNING")) {
                add_known(rv, sget(s, "vim"),
                          json_pack("{sO sO sO* sb}", "kind",
                                    json_object_get(s, "kind"), "tag",
                                    json_object_get(s, "tag"), "name",
                                    json_object_get(s, "name"), "uncertain",
                                    1));
            }
            continue;
        }
        if (create && (!strcmp(st, "DONE") || !strcmp(st, "UNDOING") ||
                       !strcmp(st, "FAILED"))) {
            add_known(rv, sget(s, "vim"),
                      json_pack("{sO sO sO sO so* sb}", "kind",
                                json_object_get(s, "kind"), "vim_id",
                                json_object_get(s, "vim_id"), "tag",
                                json_object_get(s, "tag"), "name",
                                json_object_get(s, "name"), "spec",
                                eng_kept_spec(steps, s), "uncertain",
                                strcmp(st, "DONE") != 0));
        }
    }
    return 0;
}

int
slc_engine_recover(struct slc_engine *e, struct slc_error *err)
{
    static const char *const default_res[] = {"nsrs", NULL};
    const char *const *op_colls = eng_op_collections(e);
    const char *const *res_colls = e->p.resource_collections ?: default_res;
    struct recovery rv = {.e = e, .known = json_object(),
                          .chains = json_array(),
                          .services = json_array(),
                          .moving = json_object(), .ops = json_array()};
    const char *account;
    json_t *list, *id;
    size_t i;
    int rc = 0;

    if (!rv.known || !rv.chains || !rv.services || !rv.moving || !rv.ops) {
        rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    rc = rc ? rc : slc_ns_link_chains(e->p.st, err);
    for (size_t k = 0; !rc && res_colls[k]; k++) {
        rc = slc_store_list(e->p.st, res_colls[k], NULL, collect_resources,
                            &rv, err);
    }
    for (size_t k = 0; !rc && op_colls[k]; k++) {
        rc = slc_store_list(e->p.st, op_colls[k], NULL, collect_op, &rv, err);
    }
    rc = rc ? rc : slc_store_list(e->p.st, "vim_accounts", NULL,
                                  collect_account, &rv, err);
    if (!slc_cluster_alone(e->p.cluster)) {
        /* what the others have in flight would look like leaks: only the
         * first instance up reconciles the VIMs and the switches */
        SLC_INFO("recovery: other instances are alive; the VIMs are not "
                 "reconciled");
        json_object_clear(rv.known);
        json_array_clear(rv.chains);
        json_array_clear(rv.services);
    }
    json_object_foreach(rv.known, account, list)
    {
        struct slc_vim *vim;
        struct slc_error verr = {0};

        if (rc) {
            break;
        }
        if (slc_engine_vim(e, account, &vim, &verr)) {
            SLC_WARN("recovery: %s", verr.msg);
            continue;
        }
        if (vim->class->reconcile && vim->class->reconcile(vim, list,
                                                           &verr)) {
            SLC_ERR("recovery: vim '%s': reconcile: %s", vim->drv.name,
                    verr.msg);
        } else {
            mark_degraded(e, vim->drv.name, list);
        }
    }
    json_array_foreach(rv.chains, i, id)
    {
        /* the switch may have kept them, but its driver is new: it must
         * know them to keep them there */
        const char *acc = json_string_value(json_array_get(id, 0));
        uint32_t program_id =
            (uint32_t)json_integer_value(json_array_get(id, 1));
        const json_t *prog = json_array_get(id, 2);
        const json_t *fabric = json_array_get(id, 3);
        struct slc_sdn *sdn;
        struct assist_slot *a;
        struct slc_error serr = {0};

        if (rc) {
            break;
        }
        if (json_is_object(prog) &&
            (slc_engine_sdn(e, acc, &sdn, &serr) ||
             sdn->class->install_program(sdn, 0, program_id, prog, &serr))) {
            SLC_ERR("recovery: chain program %u: %s", program_id, serr.msg);
        }
        if (json_is_object(fabric) &&
            (eng_assist(e, acc, &a, &serr) ||
             a->sdn->class->install_program(a->sdn, 0, program_id, fabric,
                                            &serr))) {
            SLC_ERR("recovery: chain program %u on the fabric: %s",
                    program_id, serr.msg);
        }
    }
    for (i = json_array_size(rv.services); i-- > 0;) {
        const json_t *r = json_array_get(json_array_get(rv.services, i), 1);

        if (json_object_get(rv.moving, sget(r, "tag") ?: "")) {
            json_array_remove(rv.services, i);
        }
    }
    if (!rc) {
        eng_restore_services(e, rv.services);
    }
    json_array_foreach(rv.ops, i, id)
    {
        struct op *op;
        struct slc_error oerr = {0};

        if (rc) {
            break;
        }
        const char *coll = json_string_value(json_array_get(id, 0));
        const char *op_id = json_string_value(json_array_get(id, 1));

        if (e->p.cluster) {
            /* with other instances: only if it is this one's now, and
             * still unfinished */
            if ((rc = slc_engine_resume(e, coll, op_id, &oerr))) {
                SLC_INFO("recovery: operation %s: %s", op_id, oerr.msg);
            }
            rc = 0;
            continue;
        }
        if (eng_load_op(e, coll, op_id, &op, &oerr)) {
            SLC_ERR("recovery: operation %s: %s", op_id, oerr.msg);
            continue;
        }
        SLC_INFO("recovery: resuming operation %s (%s)", op->id,
                 sget(op->doc, "operationState"));
        eng_kick(op);
    }
    json_decref(rv.known);
    json_decref(rv.chains);
    json_decref(rv.services);
    json_decref(rv.moving);
    /* the SDN assists opened from now on look up their services
     * themselves (those opened above got them from this recovery) */
    e->recovered = true;
    json_decref(rv.ops);
    return rc;
}

/* Lists the unfinished operations into 'arg' ([[coll, id]]). */
static int
collect_unfinished(const char *coll, const struct slc_record *rec,
                   void *arg)
{
    if (eng_unfinished(rec->doc)) {
        json_array_append_new(arg, json_pack("[ss]", coll, rec->id));
    }
    return 0;
}

void
slc_engine_resume_unclaimed(struct slc_engine *e)
{
    const char *const *op_colls = eng_op_collections(e);
    json_t *ops = json_array();
    struct slc_error err = {0};
    const json_t *v;
    size_t i;

    for (size_t k = 0; ops && op_colls[k]; k++) {
        if (slc_store_list(e->p.st, op_colls[k], NULL, collect_unfinished,
                           ops, &err)) {
            SLC_WARN("looking for unclaimed operations: %s", err.msg);
        }
    }
    json_array_foreach(ops, i, v)
    {
        const char *id = json_string_value(json_array_get(v, 1));
        struct slc_error rerr = {0};
        int rc = slc_engine_resume(
            e, json_string_value(json_array_get(v, 0)), id, &rerr);

        if (rc == SLC_EBUSY) {
            SLC_DEBUG("operation %s: %s", id, rerr.msg);
        } else if (rc) {
            SLC_WARN("operation %s: cannot resume it: %s", id, rerr.msg);
        }
    }
    json_decref(ops);
}

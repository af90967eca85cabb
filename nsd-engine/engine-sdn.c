/* The engine's SDN side (see engine.h): the driver instance that chains
 * on each VIM account's switch, chain steps (render, install, remove),
 * and counters reads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine-internal.h"
#include "sfc-chain.h"

SLC_LOG_MODULE(engine);

/* ---- SDN instances: what chains a VIM's ports ---- */

/* The switch a VIM account's driver says it manages ({ovsdb,
 * integration_bridge}), as an ovs SDN driver's url and config; else the
 * account's sdn-controller.  Chains go on the VIM's own switch first: an
 * sdn-controller is for SDN assist on the fabric. */
static int
open_sdn(struct slc_engine *e, const char *account_id,
         struct slc_sdn **out, struct slc_error *err)
{
    struct slc_record acc = {0}, ctl = {0};
    struct slc_vim *vim;
    json_t *desc = NULL, *config = NULL;
    const json_t *sw;
    const struct slc_sdn_class *class = NULL;
    const char *url = NULL, *ctl_id;
    int rc = slc_engine_vim(e, account_id, &vim, err);

    rc = rc ? rc : slc_store_get(e->p.st, "vim_accounts", account_id, &acc,
                                 err);
    if (rc) {
        return rc;
    }
    desc = vim->class->describe ? vim->class->describe(vim) : NULL;
    sw = json_object_get(desc, "switch");
    ctl_id = sget(json_object_get(acc.doc, "config"), "sdn-controller");
    if (sget(sw, "ovsdb") && sget(sw, "integration_bridge") && e->p.sdns) {
        class = slc_sdn_registry_find(e->p.sdns, "ovs");
        url = sget(sw, "ovsdb");
        config = json_pack("{sO}", "bridge",
                           json_object_get(sw, "integration_bridge"));
    } else if (ctl_id && e->p.sdns &&
               !(rc = slc_store_get(e->p.st, "sdns", ctl_id, &ctl, err))) {
        class = slc_sdn_registry_find(e->p.sdns, sget(ctl.doc, "type") ?: "");
        url = sget(ctl.doc, "url");
        config = json_incref(json_object_get(ctl.doc, "config"));
    }
    if (!rc && (!class || !class->install_program)) {
        rc = slc_error_set(err, SLC_EUNSUPPORTED,
                           "vim account '%s' cannot chain: its driver manages "
                           "no switch and it names no sdn-controller that "
                           "installs forwarding programs",
                           acc.name);
    }
    if (!rc) {
        struct slc_sdn_params sp = {
            .id = account_id,
            .name = acc.name,
            .url = url,
            .config = config,
            .base = e->p.base,
            .done = eng_on_sdn_done,
            .owner = e,
        };

        rc = class->open(&sp, out, err);
        if (rc) {
            slc_error_prefix(err, "vim account '%s': switch", acc.name);
        }
    }
    json_decref(config);
    json_decref(desc);
    slc_record_clear(&ctl);
    slc_record_clear(&acc);
    return rc;
}

int
slc_engine_sdn(struct slc_engine *e, const char *account_id,
               struct slc_sdn **out, struct slc_error *err)
{
    struct sdn_slot *s;
    int rc;

    for (s = e->sdns; s; s = s->next) {
        if (!strcmp(s->account_id, account_id)) {
            *out = s->sdn;
            return 0;
        }
    }
    s = calloc(1, sizeof *s);
    if (!s) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    snprintf(s->account_id, sizeof s->account_id, "%s", account_id);
    if ((rc = open_sdn(e, account_id, &s->sdn, err))) {
        free(s);
        return rc;
    }
    s->next = e->sdns;
    e->sdns = s;
    *out = s->sdn;
    return 0;
}

int
slc_engine_chain_counters(struct slc_engine *e, const char *account_id,
                          uint32_t program_id, slc_engine_counters_fn done,
                          void *arg, struct slc_error *err)
{
    struct slc_sdn *sdn;
    struct read *r;
    int rc = slc_engine_sdn(e, account_id, &sdn, err);

    if (rc) {
        return rc;
    }
    if (!sdn->class->program_counters) {
        return slc_error_set(err, SLC_EUNSUPPORTED,
                             "the switch's driver reads no counters");
    }
    if (!(r = calloc(1, sizeof *r))) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    *r = (struct read){.token = SDN_READ | ++e->next_read, .done = done,
                       .arg = arg, .next = e->reads};
    rc = sdn->class->program_counters(sdn, r->token, program_id, err);
    if (rc) {
        free(r);
        return rc;
    }
    e->reads = r;
    return 0;
}

void
slc_engine_cancel_reads(struct slc_engine *e, const char *why)
{
    while (e->reads) {
        struct read *r = e->reads;

        e->reads = r->next;
        r->done(r->arg, SLC_EIO, why, NULL);
        free(r);
    }
}

/* The switch port a chain's port reference designates: {"step": k} (a
 * port step of this operation: the port its VIM made) or a literal. */
static const char *
chain_port(void *arg, const json_t *ref)
{
    const struct op *op = arg;

    if (json_is_object(ref)) {
        size_t k = (size_t)json_integer_value(json_object_get(ref, "step"));

        return k < op->n_steps
                   ? sget(json_object_get(op->steps[k].json, "info"),
                          "switch_port")
                   : NULL;
    }
    return json_string_value(ref);
}

/* Replaces the port references of 'chain' by the ports' names. */
static void
name_ports(const struct op *op, json_t *chain)
{
    static const char *const ends[] = {"ingress", "egress"};
    const json_t *hop;
    json_t *sfi;
    size_t i, k;

    for (int d = 0; d < 2; d++) {
        const char *key = d ? "destination" : "source";
        const char *name = chain_port((void *)op, json_object_get(chain, key));

        if (name) {
            json_object_set_new(chain, key, json_string(name));
        }
    }
    json_array_foreach(json_object_get(chain, "hops"), i, hop)
    {
        json_array_foreach(json_object_get(hop, "sfis"), k, sfi)
        {
            for (int d = 0; d < 2; d++) {
                const char *name =
                    chain_port((void *)op, json_object_get(sfi, ends[d]));

                if (name) {
                    json_object_set_new(sfi, ends[d], json_string(name));
                }
            }
        }
    }
}

/* Issues the SDN call of chain step i: renders its chain (ports resolved
 * now that they exist) and installs it, or removes it. */
int
eng_launch_chain(struct op *op, size_t i, uint64_t token, bool remove,
                 struct slc_error *err)
{
    struct step *s = &op->steps[i];
    json_t *spec = json_object_get(s->json, "spec");
    uint32_t id = (uint32_t)json_integer_value(json_object_get(spec,
                                                               "program_id"));
    struct slc_sdn *sdn;
    json_t *prog;
    bool restore;
    int rc = slc_engine_sdn(op->e, sget(s->json, "vim"), &sdn, err);

    if (rc) {
        return rc;
    }
    /* a chain changed by a scale is undone by installing it as it was */
    restore = remove && s->create && json_object_get(spec, "previous");
    if (remove && !restore) {
        return sdn->class->remove_program(sdn, token, id, err);
    }
    prog = slc_sfc_render_json(json_object_get(spec, restore ? "previous"
                                                             : "chain"),
                               chain_port, op, err);
    if (!prog) {
        return err->code;
    }
    rc = sdn->class->install_program(sdn, token, id, prog, err);
    if (!rc && remove) {
        json_decref(prog);
    } else if (!rc) {
        /* what was installed, and the chain with its ports named: what a
         * restart re-installs, what counters are matched against, what a
         * later change of the chain starts from */
        json_object_set_new(spec, "program", prog);
        name_ports(op, json_object_get(spec, "chain"));
        op->dirty = true;
    } else {
        json_decref(prog);
    }
    return rc;
}

/* A chain step's SDN call (or a counters read, or a fire-and-forget
 * re-install at recovery) finished. */
void
eng_on_sdn_done(void *owner, const struct slc_sdn_result *r)
{
    struct slc_engine *e = owner;
    struct op *op;
    size_t i = (size_t)(r->token >> 2 & 0x3fffff);
    enum call_kind call = (enum call_kind)(r->token & 3);
    struct step *s;

    if (r->token & SDN_READ) {
        for (struct read **rp = &e->reads; *rp; rp = &(*rp)->next) {
            struct read *rd = *rp;

            if (rd->token == r->token) {
                *rp = rd->next;
                if (rd->done) {
                    rd->done(rd->arg, r->rc, r->rc ? r->msg : NULL, r->data);
                }
                free(rd);
                return;
            }
        }
        return;
    }
    if (!r->token) {
        if (r->rc) {
            SLC_ERR("re-installing a chain or a service: %s", r->msg);
        }
        return;
    }
    op = eng_find_op(e, r->token >> 24);
    if (!op || i >= op->n_steps || op->steps[i].token != r->token) {
        SLC_WARN_RL("dropping a switch result for a finished or abandoned "
                    "step (%s)",
                    r->rc ? r->msg : "success");
        return;
    }
    s = &op->steps[i];
    s->token = 0;
    op->inflight--;
    if (s->service) {
        eng_service_done(op, i, call, r);
    } else if (call == CALL_UNDO) {
        if (r->rc) {
            json_object_set_new(s->json, "error", json_string(r->msg));
            op->undo_failed = true;
        }
        eng_set_step(op, i, r->rc ? SLC_STEP_FAILED : SLC_STEP_UNDONE);
    } else if (!r->rc) {
        if (s->create) {
            json_object_set_new(
                s->json, "vim_id",
                json_sprintf("program-%" JSON_INTEGER_FORMAT,
                             json_integer_value(json_object_get(
                                 json_object_get(s->json, "spec"),
                                 "program_id"))));
        }
        eng_set_step(op, i, SLC_STEP_DONE);
    } else {
        eng_step_failed(op, i, r->msg);
    }
    eng_kick(op);
}

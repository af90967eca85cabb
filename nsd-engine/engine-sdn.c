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

    rc = rc ? rc
            : slc_store_get_shared(e->p.st, "vim_accounts", account_id, &acc,
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
               !(rc = slc_store_get_shared(e->p.st, "sdns", ctl_id, &ctl,
                                           err))) {
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
                          uint32_t program_id, bool fabric,
                          slc_engine_counters_fn done, void *arg,
                          struct slc_error *err)
{
    struct slc_sdn *sdn = NULL;
    struct assist_slot *a;
    struct read *r;
    int rc = fabric ? eng_assist(e, account_id, &a, err)
                    : slc_engine_sdn(e, account_id, &sdn, err);

    if (rc) {
        return rc;
    }
    sdn = sdn ? sdn : a->sdn;
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

/* ---- chain steps: a program on each switch the chain uses ---- */

/* A chain's reference to a port, resolved into a new JSON port
 * (sfc-chain.h): {"step": k} names the port its VIM made (virtio: on the
 * VIM's switch), one with a "kind" is a VF or a NIC (on the fabric, where
 * the account's port mapping says), anything else is kept. */
static json_t *
resolve_port(const struct op *op, const char *account, const json_t *ref,
             struct slc_error *err)
{
    json_t *out = NULL;

    if (json_object_get(ref, "kind")) {
        return eng_fabric_port(op, account, ref, &out, err) ? NULL : out;
    }
    if (json_is_object(ref) && json_object_get(ref, "step")) {
        size_t k = (size_t)json_integer_value(json_object_get(ref, "step"));
        const char *name =
            k < op->n_steps
                ? sget(json_object_get(op->steps[k].json, "info"),
                       "switch_port")
                : NULL;

        if (!name) {
            slc_error_set(err, SLC_EINVALID,
                          "port step %zu has no port on the switch", k);
            return NULL;
        }
        return json_string(name);
    }
    return json_incref((json_t *)ref);
}

/* 'chain' with its ports resolved and the VIM's trunk between its
 * switches, as a new document; NULL with 'err' naming the chain. */
static json_t *
resolve_chain(const struct op *op, const char *account, const json_t *chain,
              struct slc_error *err)
{
    static const char *const ends[] = {"ingress", "egress"};
    json_t *c = json_deep_copy(chain), *hop, *sfi, *v, *list;
    size_t i, k;
    bool ok = c != NULL;

    if (!c) {
        slc_error_set(err, SLC_ENOMEM, "out of memory");
        return NULL;
    }
    if (json_object_get(c, "source")) {
        json_object_set_new(c, "sources",
                            json_pack("[O]", json_object_get(c, "source")));
        json_object_del(c, "source");
    }
    list = json_object_get(c, "sources");
    json_array_foreach(list, i, v)
    {
        json_t *p = ok ? resolve_port(op, account, v, err) : NULL;

        ok = p && !json_array_set_new(list, i, p);
    }
    v = json_object_get(c, "destination");
    if (ok && v && !json_is_null(v)) {
        json_t *p = resolve_port(op, account, v, err);

        ok = p && !json_object_set_new(c, "destination", p);
    }
    json_array_foreach(json_object_get(c, "hops"), i, hop)
    {
        json_array_foreach(json_object_get(hop, "sfis"), k, sfi)
        {
            for (int d = 0; ok && d < 2; d++) {
                json_t *p = resolve_port(op, account,
                                         json_object_get(sfi, ends[d]), err);

                ok = p && !json_object_set_new(sfi, ends[d], p);
            }
        }
    }
    if (ok && !json_object_get(c, "trunk")) {
        struct slc_vim *vim;
        json_t *desc;

        if (!slc_engine_vim(op->e, account, &vim, err)) {
            desc = vim->class->describe ? vim->class->describe(vim) : NULL;
            json_object_set(c, "trunk",
                            json_object_get(json_object_get(desc, "switch"),
                                            "trunk"));
            json_decref(desc);
        }
    }
    if (!ok) {
        slc_error_prefix(err, "chain '%s'", sget(chain, "id") ?: "?");
        json_decref(c);
        return NULL;
    }
    return c;
}

static bool
no_port(void *arg, const json_t *ref, struct slc_sfc_port *out)
{
    return false; /* resolve_chain() resolved them all */
}

/* Whether the forward classifier of a rendered or planned chain is on
 * the fabric: the switch whose part is installed last and removed first,
 * so that no packet is steered into a part that is not there. */
static bool
classifier_on_fabric(const json_t *chain)
{
    const json_t *src = json_array_get(json_object_get(chain, "sources"), 0);

    src = src ? src : json_object_get(chain, "source");
    return json_object_get(src, "kind") ||
           json_is_true(json_object_get(src, "fabric"));
}

/* The driver of one switch of a chain step's account. */
static int
switch_driver(struct op *op, const char *account, const char *sw,
              struct slc_sdn **out, struct slc_error *err)
{
    struct assist_slot *a;
    int rc;

    if (strcmp(sw, "fabric")) {
        return slc_engine_sdn(op->e, account, out, err);
    }
    if ((rc = eng_assist(op->e, account, &a, err))) {
        return rc;
    }
    if (!a->sdn->class->install_program) {
        return slc_error_set(err, SLC_EUNSUPPORTED,
                             "%s cannot chain: its driver installs no "
                             "forwarding programs",
                             a->what);
    }
    *out = a->sdn;
    return 0;
}

/* Issues call 'call_at' of chain step i. */
static int
chain_call(struct op *op, size_t i, struct slc_error *err)
{
    struct step *s = &op->steps[i];
    const json_t *call = json_array_get(s->calls, s->call_at);
    const json_t *prog = json_object_get(call, "program");
    uint32_t id = (uint32_t)json_integer_value(
        json_object_get(json_object_get(s->json, "spec"), "program_id"));
    struct slc_sdn *sdn;
    int rc = switch_driver(op, sget(s->json, "vim"), sget(call, "switch"),
                           &sdn, err);

    s->started = eng_now_of(op->e);
    if (rc) {
        return rc;
    }
    return json_is_object(prog)
               ? sdn->class->install_program(sdn, s->token, id, prog, err)
               : sdn->class->remove_program(sdn, s->token, id, err);
}

/* Whether a chain step planned on 'switches' (NULL: before chains left
 * br-int, so br-int alone) uses switch 'sw'. */
static bool
uses_switch(const json_t *switches, const char *sw)
{
    const json_t *w;
    size_t j;

    if (!json_array_size(switches)) {
        return !strcmp(sw, "vim");
    }
    json_array_foreach(switches, j, w)
    {
        if (!strcmp(json_string_value(w) ?: "", sw)) {
            return true;
        }
    }
    return false;
}

/* spec[key] = v, or no key when v is NULL. */
static void
set_or_del(json_t *spec, const char *key, json_t *v)
{
    if (v) {
        json_object_set(spec, key, v);
    } else {
        json_object_del(spec, key);
    }
}

/* Appends a call; 'prog' NULL removes the program from 'sw'. */
static void
add_call(json_t *calls, const char *sw, json_t *prog)
{
    json_array_append_new(calls, json_pack("{ss so}", "switch", sw, "program",
                                           prog ? prog : json_null()));
}

/* Issues the SDN calls of chain step i: renders its chain (ports resolved
 * now that they exist) and installs its part on each switch, the
 * classifier's last; or removes them, the classifier's first. */
int
eng_launch_chain(struct op *op, size_t i, uint64_t token, bool remove,
                 struct slc_error *err)
{
    struct step *s = &op->steps[i];
    json_t *spec = json_object_get(s->json, "spec");
    const char *account = sget(s->json, "vim");
    const json_t *switches = json_object_get(spec, "switches");
    json_t *calls = json_array(), *chain = NULL, *parts = NULL;
    bool restore, last_fabric;
    int rc = 0;

    /* a chain changed by a scale is undone by installing it as it was */
    restore = remove && s->create && json_object_get(spec, "previous");
    chain = json_object_get(spec, restore ? "previous" : "chain");
    last_fabric = classifier_on_fabric(chain);
    if (remove && !restore) {
        /* the classifier's switch first */
        for (int k = 0; k < 2; k++) {
            const char *sw = (k ? !last_fabric : last_fabric) ? "fabric"
                                                              : "vim";

            if (uses_switch(switches, sw)) {
                add_call(calls, sw, NULL);
            }
        }
    } else {
        json_t *resolved = resolve_chain(op, account, chain, err);

        parts = resolved ? slc_sfc_render_json(resolved, no_port, NULL, err)
                         : NULL;
        rc = parts ? 0 : err->code;
        /* the classifier's switch last; a switch the chain left is
         * cleared */
        for (int k = 0; !rc && k < 2; k++) {
            const char *sw = (k ? last_fabric : !last_fabric) ? "fabric"
                                                              : "vim";
            json_t *prog = json_object_get(parts, sw);

            if (prog || uses_switch(switches, sw)) {
                add_call(calls, sw, json_incref(prog));
            }
        }
        if (!rc && !remove) {
            /* what is installed, and the chain with its ports named:
             * what a restart re-installs, what counters are matched
             * against, what a later change of the chain starts from */
            set_or_del(spec, "program", json_object_get(parts, "vim"));
            set_or_del(spec, "fabric_program",
                       json_object_get(parts, "fabric"));
            json_object_set(spec, "chain", resolved);
            op->dirty = true;
        }
        json_decref(resolved);
    }
    json_decref(parts);
    json_decref(s->calls);
    s->calls = calls;
    s->call_at = 0;
    free(s->failure);
    s->failure = NULL;
    if (!rc && !json_array_size(calls)) {
        rc = slc_error_set(err, SLC_EINVALID,
                           "chain step %zu names no switch", i);
    }
    return rc ? rc : chain_call(op, i, err);
}

/* A call of chain step i finished: the next one goes, or (an install
 * failed after another switch's part went in) the parts installed are
 * removed before the step fails.  True when the step is done with its
 * calls (its result is then final, 'rc' and 'msg' updated). */
static bool
chain_call_done(struct op *op, size_t i, int *rc, const char **msg)
{
    struct step *s = &op->steps[i];
    struct slc_error err = {0};

    for (;;) {
        if (*rc && !s->failure) {
            json_t *undo = json_array();

            /* remove what this sequence installed before, newest first */
            for (size_t k = s->call_at; k-- > 0;) {
                const json_t *c = json_array_get(s->calls, k);

                if (json_is_object(json_object_get(c, "program"))) {
                    add_call(undo, sget(c, "switch"), NULL);
                }
            }
            s->failure = strdup(*msg ? *msg : "failed");
            if (!json_array_size(undo)) {
                json_decref(undo);
                *msg = s->failure;
                return true;
            }
            json_decref(s->calls);
            s->calls = undo;
            s->call_at = 0;
        } else if (*rc) {
            SLC_ERR("chain %s: removing its part from the %s switch after "
                    "a failure: %s",
                    sget(s->json, "name") ?: "?",
                    sget(json_array_get(s->calls, s->call_at), "switch"),
                    *msg ? *msg : "?");
            s->call_at++;
        } else {
            s->call_at++;
        }
        if (s->call_at >= json_array_size(s->calls)) {
            if (s->failure) {
                *rc = SLC_EIO;
                *msg = s->failure;
            }
            return true;
        }
        if (!chain_call(op, i, &err)) {
            return false;
        }
        *rc = err.code ? err.code : SLC_EIO;
        *msg = err.msg;
    }
}

static void chain_step_done(struct op *op, size_t i, enum call_kind call,
                            const struct slc_sdn_result *r);

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
    if (!s->service && s->calls) {
        int rc = r->rc;
        const char *msg = r->msg;

        if (!chain_call_done(op, i, &rc, &msg)) {
            return; /* the next switch's call is in flight */
        }
        if (rc != r->rc || msg != r->msg) {
            struct slc_sdn_result final = *r;

            final.rc = rc;
            final.msg = msg;
            chain_step_done(op, i, call, &final);
            return;
        }
    }
    chain_step_done(op, i, call, r);
}

/* A chain or service step's calls are over with result 'r'. */
static void
chain_step_done(struct op *op, size_t i, enum call_kind call,
                const struct slc_sdn_result *r)
{
    struct step *s = &op->steps[i];

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

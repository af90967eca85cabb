/* The engine's VIM instances (see engine.h): one per VIM account, opened
 * on first use with the account's record and closed when the account
 * changes and no call of an operation uses it; the probe of an account
 * before it is stored; what an instance holds and can take.  Their
 * results go to engine.c (eng_on_vim_done, eng_on_vim_lost). */
#include <stdlib.h>
#include <string.h>

#include "engine-internal.h"

int
slc_engine_vim(struct slc_engine *e, const char *account_id,
               struct slc_vim **out, struct slc_error *err)
{
    struct slc_record rec;
    struct vim_slot *s;
    int rc;

    for (s = e->vims; s; s = s->next) {
        if (!strcmp(s->account_id, account_id)) {
            *out = s->vim;
            return 0;
        }
    }
    rc = slc_store_get(e->p.st, "vim_accounts", account_id, &rec, err);
    if (rc) {
        return slc_error_prefix(err, "vim account '%s'", account_id);
    }
    s = calloc(1, sizeof *s);
    if (!s) {
        slc_record_clear(&rec);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    snprintf(s->account_id, sizeof s->account_id, "%s", account_id);
    {
        struct slc_vim_params vp = {
            .account_id = account_id,
            .name = rec.name,
            .url = json_string_value(json_object_get(rec.doc, "vim_url")),
            .user = json_string_value(json_object_get(rec.doc, "vim_user")),
            .password =
                json_string_value(json_object_get(rec.doc, "vim_password")),
            .tenant_name = json_string_value(
                json_object_get(rec.doc, "vim_tenant_name")),
            .tenant_id =
                json_string_value(json_object_get(rec.doc, "vim_tenant_id")),
            .config = json_object_get(rec.doc, "config"),
            .state_dir = e->p.state_dir,
            .helper_dir = e->p.helper_dir,
            .shared_state = e->p.shared_state,
            .cluster = e->p.cluster,
            .base = e->p.base,
            .done = eng_on_vim_done,
            .lost = eng_on_vim_lost,
            .owner = e,
        };

        rc = slc_vim_open(e->p.vims,
                          json_string_value(
                              json_object_get(rec.doc, "vim_type")),
                          &vp, &s->vim, err);
    }
    if (rc) {
        slc_error_prefix(err, "vim account '%s'", rec.name);
        slc_record_clear(&rec);
        free(s);
        return rc;
    }
    slc_record_clear(&rec);
    s->next = e->vims;
    e->vims = s;
    *out = s->vim;
    return 0;
}

int
slc_engine_vim_probe(struct slc_engine *e, const json_t *account,
                     struct slc_error *err)
{
    const struct slc_vim_class *class = slc_vim_registry_find(
        e->p.vims,
        json_string_value(json_object_get(account, "vim_type")));
    struct slc_vim_params vp = {
        .account_id = json_string_value(json_object_get(account, "_id")),
        .name = json_string_value(json_object_get(account, "name")),
        .url = json_string_value(json_object_get(account, "vim_url")),
        .user = json_string_value(json_object_get(account, "vim_user")),
        .password =
            json_string_value(json_object_get(account, "vim_password")),
        .tenant_name =
            json_string_value(json_object_get(account, "vim_tenant_name")),
        .tenant_id =
            json_string_value(json_object_get(account, "vim_tenant_id")),
        .config = json_object_get(account, "config"),
        .state_dir = e->p.state_dir,
        .helper_dir = e->p.helper_dir,
        .shared_state = e->p.shared_state,
    };

    return class && class->probe ? class->probe(&vp, err) : 0;
}

void
slc_engine_forget_sdn(struct slc_engine *e, const char *sdn_id)
{
    eng_forget_assist(e, NULL, sdn_id);
}

void
slc_engine_forget_vim(struct slc_engine *e, const char *account_id)
{
    eng_forget_assist(e, account_id, NULL);
    for (struct sdn_slot **sp = &e->sdns; *sp; sp = &(*sp)->next) {
        if (!strcmp((*sp)->account_id, account_id)) {
            struct sdn_slot *s = *sp;

            *sp = s->next;
            slc_sdn_close(s->sdn);
            free(s);
            break;
        }
    }
    for (struct vim_slot **sp = &e->vims; *sp; sp = &(*sp)->next) {
        struct vim_slot *s = *sp;

        if (!strcmp(s->account_id, account_id)) {
            for (struct op *op = e->ops; op; op = op->next) {
                for (size_t i = 0; i < op->n_steps; i++) {
                    const char *v = json_string_value(
                        json_object_get(op->steps[i].json, "vim"));

                    if (v && !strcmp(v, account_id)) {
                        /* In use: keep it; new settings apply once idle. */
                        return;
                    }
                }
            }
            *sp = s->next;
            slc_vim_close(s->vim);
            free(s);
            return;
        }
    }
}

int
slc_engine_vim_describe(struct slc_engine *e, const char *account_id,
                        json_t **out, struct slc_error *err)
{
    struct slc_vim *vim;
    int rc = slc_engine_vim(e, account_id, &vim, err);

    if (rc) {
        return rc;
    }
    *out = vim->class->describe ? vim->class->describe(vim)
                                : json_object();
    return *out ? 0 : slc_error_set(err, SLC_ENOMEM, "out of memory");
}

int
slc_engine_vim_capacity(struct slc_engine *e, const char *account_id,
                        json_t **out, struct slc_error *err)
{
    struct slc_vim *vim;
    int rc = slc_engine_vim(e, account_id, &vim, err);
    json_t *desc;

    if (rc) {
        return rc;
    }
    if (vim->class->capacity) {
        *out = vim->class->capacity(vim);
    } else {
        desc = vim->class->describe ? vim->class->describe(vim) : NULL;
        *out = json_incref(json_object_get(desc, "capacity"));
        *out = *out ? *out : json_object();
        json_decref(desc);
    }
    return *out ? 0 : slc_error_set(err, SLC_ENOMEM, "out of memory");
}


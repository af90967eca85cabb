/* The VIM driver registry and the helpers every driver shares.  See vim.h
 * for the contract of the operations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slc-schema.h"
#include "slc-metrics.h"
#include "vim.h"

static const char *const kind_names[] = {
#define SLC_VIM_KIND_NAME(name, text) text,
    SLC_VIM_KINDS(SLC_VIM_KIND_NAME)
#undef SLC_VIM_KIND_NAME
};

static const char *const vnic_names[] = {
#define SLC_VNIC_NAME(name, text) text,
    SLC_VNIC_TYPES(SLC_VNIC_NAME)
#undef SLC_VNIC_NAME
};

static int
index_of(const char *const *names, size_t len, const char *name)
{
    for (size_t i = 0; name && i < len; i++) {
        if (!strcmp(names[i], name)) {
            return (int)i;
        }
    }
    return -1;
}

const char *
slc_vim_kind_name(enum slc_vim_kind kind)
{
    return (unsigned)kind < SLC_ARRAY_LEN(kind_names) ? kind_names[kind]
                                                      : NULL;
}

int
slc_vim_kind_from_name(const char *name)
{
    return index_of(kind_names, SLC_ARRAY_LEN(kind_names), name);
}

const char *
slc_vnic_type_name(enum slc_vnic_type type)
{
    return (unsigned)type < SLC_ARRAY_LEN(vnic_names) ? vnic_names[type]
                                                      : NULL;
}

int
slc_vnic_type_from_name(const char *name)
{
    return index_of(vnic_names, SLC_ARRAY_LEN(vnic_names), name);
}

static const struct slc_driver_kind vim_kind = {
    .name = "vim driver",
    .type_key = "vim_type",
    .version = SLC_VIM_CLASS_VERSION,
};

int
slc_vim_registry_add(struct slc_vim_registry *reg,
                     const struct slc_vim_class *class,
                     struct slc_error *err)
{
    bool complete = class->open && class->close && class->create_network &&
                    class->create_port && class->create_compute &&
                    class->delete && class->status && class->find;

    return slc_driver_registry_add(&reg->drivers, &vim_kind, class->type,
                                   class->version, complete, class, err);
}

const struct slc_vim_class *
slc_vim_registry_find(const struct slc_vim_registry *reg, const char *type)
{
    return slc_driver_registry_find(&reg->drivers, type);
}

const struct slc_vim_class *
slc_vim_registry_lookup(const struct slc_vim_registry *reg, const char *type,
                        struct slc_error *err)
{
    return slc_driver_registry_lookup(&reg->drivers, &vim_kind, type, err);
}

int
slc_vim_open(const struct slc_vim_registry *reg, const char *type,
             const struct slc_vim_params *p, struct slc_vim **out,
             struct slc_error *err)
{
    const struct slc_vim_class *class =
        slc_vim_registry_lookup(reg, type, err);

    return class ? class->open(p, out, err) : SLC_EUNSUPPORTED;
}

void
slc_vim_close(struct slc_vim *vim)
{
    if (vim) {
        vim->class->close(vim);
    }
}

/* A result of the queue, as the engine reads it. */
static void
deliver(struct slc_driver *drv, const struct slc_result *r)
{
    struct slc_vim *vim = (struct slc_vim *)drv; /* drv is its first member */
    struct slc_vim_result vr = {
        .token = r->token,
        .rc = r->rc,
        .msg = r->msg,
        .vim_id = r->rc ? NULL : r->id,
        .status = r->status,
        .info = r->data,
    };

    slc_metrics_add("slicer_vim_calls_total", 1, vim->class->type);
    if (r->rc && r->rc != SLC_ENOTFOUND) {
        slc_metrics_add("slicer_vim_call_errors_total", 1, vim->class->type);
    }
    vim->done(drv->owner, &vr);
}

int
slc_vim_base_init(struct slc_vim *vim, const struct slc_vim_class *class,
                  const struct slc_vim_params *p, struct slc_error *err)
{
    *vim = (struct slc_vim){.class = class, .done = p->done,
                            .lost = p->lost};
    return slc_driver_init(&vim->drv, p->account_id, p->name, p->base,
                           p->owner, deliver, err);
}

void
slc_vim_base_fini(struct slc_vim *vim)
{
    slc_driver_fini(&vim->drv);
}

int
slc_vim_reply(struct slc_vim *vim, uint64_t token, int rc, const char *msg,
              const char *vim_id, const char *status, json_t *info,
              const struct timeval *delay, struct slc_error *err)
{
    return slc_driver_post(&vim->drv, token, rc, msg, vim_id, status, info,
                           delay, err);
}

void
slc_vim_report_lost(struct slc_vim *vim, enum slc_vim_kind kind,
                    const char *vim_id, const char *tag, const char *why)
{
    if (vim->lost) {
        vim->lost(vim->drv.owner, vim->drv.id, kind, vim_id, tag, why);
    }
}

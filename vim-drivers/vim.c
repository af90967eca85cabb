/* The VIM driver registry and the helpers every driver shares.  See vim.h
 * for the contract of the operations. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slc-schema.h"
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

int
slc_vim_registry_add(struct slc_vim_registry *reg,
                     const struct slc_vim_class *class,
                     struct slc_error *err)
{
    if (class->version != SLC_VIM_CLASS_VERSION) {
        return slc_error_set(err, SLC_EUNSUPPORTED,
                             "vim driver '%s': ABI version %u, expected %u",
                             class->type, class->version,
                             SLC_VIM_CLASS_VERSION);
    }
    if (!class->type || !class->open || !class->close ||
        !class->create_network || !class->create_port ||
        !class->create_compute || !class->delete || !class->status ||
        !class->find) {
        return slc_error_set(err, SLC_EUNSUPPORTED,
                             "vim driver '%s': a mandatory operation is "
                             "missing",
                             class->type ? class->type : "?");
    }
    if (slc_vim_registry_find(reg, class->type)) {
        return slc_error_set(err, SLC_EEXISTS,
                             "vim driver '%s' is already registered",
                             class->type);
    }
    if (reg->len == SLC_VIM_REGISTRY_MAX) {
        return slc_error_set(err, SLC_ETOOBIG, "too many vim drivers");
    }
    reg->classes[reg->len++] = class;
    return 0;
}

const struct slc_vim_class *
slc_vim_registry_find(const struct slc_vim_registry *reg, const char *type)
{
    for (size_t i = 0; type && i < reg->len; i++) {
        if (!strcmp(reg->classes[i]->type, type)) {
            return reg->classes[i];
        }
    }
    return NULL;
}

void
slc_vim_registry_names(const struct slc_vim_registry *reg, char *buf,
                       size_t size)
{
    size_t len = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < reg->len && len < size; i++) {
        len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "",
                                reg->classes[i]->type);
    }
}

int
slc_vim_open(const struct slc_vim_registry *reg, const char *type,
             const struct slc_vim_params *p, struct slc_vim **out,
             struct slc_error *err)
{
    const struct slc_vim_class *class = slc_vim_registry_find(reg, type);
    char known[256];

    if (class) {
        return class->open(p, out, err);
    }
    slc_vim_registry_names(reg, known, sizeof known);
    return slc_error_set(err, SLC_EUNSUPPORTED,
                         "vim_type '%s' is not supported (known: %s)",
                         type ? type : "", known);
}

void
slc_vim_close(struct slc_vim *vim)
{
    if (vim) {
        vim->class->close(vim);
    }
}

int
slc_vim_base_init(struct slc_vim *vim, const struct slc_vim_class *class,
                  const struct slc_vim_params *p, struct slc_error *err)
{
    *vim = (struct slc_vim){
        .class = class,
        .account_id = strdup(p->account_id ? p->account_id : ""),
        .name = strdup(p->name ? p->name : ""),
        .base = p->base,
        .done = p->done,
        .owner = p->owner,
    };
    if (!vim->account_id || !vim->name) {
        slc_vim_base_fini(vim);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    return 0;
}

void
slc_vim_base_fini(struct slc_vim *vim)
{
    free(vim->account_id);
    free(vim->name);
    vim->account_id = vim->name = NULL;
}

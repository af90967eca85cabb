/* The SDN driver registry and shared helpers; the contract is in sdn.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdn.h"

int
slc_sdn_registry_add(struct slc_sdn_registry *reg,
                     const struct slc_sdn_class *class,
                     struct slc_error *err)
{
    if (class->version != SLC_SDN_CLASS_VERSION) {
        return slc_error_set(err, SLC_EUNSUPPORTED,
                             "sdn driver '%s': ABI version %u, expected %u",
                             class->type, class->version,
                             SLC_SDN_CLASS_VERSION);
    }
    if (!class->type || !class->open || !class->close ||
        !class->create_service || !class->edit_service ||
        !class->delete_service || !class->service_status) {
        return slc_error_set(err, SLC_EUNSUPPORTED,
                             "sdn driver '%s': a mandatory operation is "
                             "missing",
                             class->type ? class->type : "?");
    }
    if (slc_sdn_registry_find(reg, class->type)) {
        return slc_error_set(err, SLC_EEXISTS,
                             "sdn driver '%s' is already registered",
                             class->type);
    }
    if (reg->len == SLC_SDN_REGISTRY_MAX) {
        return slc_error_set(err, SLC_ETOOBIG, "too many sdn drivers");
    }
    reg->classes[reg->len++] = class;
    return 0;
}

const struct slc_sdn_class *
slc_sdn_registry_find(const struct slc_sdn_registry *reg, const char *type)
{
    for (size_t i = 0; type && i < reg->len; i++) {
        if (!strcmp(reg->classes[i]->type, type)) {
            return reg->classes[i];
        }
    }
    return NULL;
}

void
slc_sdn_registry_names(const struct slc_sdn_registry *reg, char *buf,
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
slc_sdn_base_init(struct slc_sdn *sdn, const struct slc_sdn_class *class,
                  const struct slc_sdn_params *p, struct slc_error *err)
{
    *sdn = (struct slc_sdn){
        .class = class,
        .id = strdup(p->id ? p->id : ""),
        .name = strdup(p->name ? p->name : ""),
        .base = p->base,
        .done = p->done,
        .owner = p->owner,
    };
    if (!sdn->id || !sdn->name) {
        slc_sdn_base_fini(sdn);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    return 0;
}

void
slc_sdn_base_fini(struct slc_sdn *sdn)
{
    free(sdn->id);
    free(sdn->name);
    sdn->id = sdn->name = NULL;
}

void
slc_sdn_close(struct slc_sdn *sdn)
{
    if (sdn) {
        sdn->class->close(sdn);
    }
}

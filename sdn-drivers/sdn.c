/* The SDN driver registry and shared helpers, on the driver core of
 * common/slc-driver.h; the contract is in sdn.h. */
#include <stdbool.h>

#include "sdn.h"
#include "slc-metrics.h"

static const struct slc_driver_kind sdn_kind = {
    .name = "sdn driver",
    .type_key = "type",
    .version = SLC_SDN_CLASS_VERSION,
};

int
slc_sdn_registry_add(struct slc_sdn_registry *reg,
                     const struct slc_sdn_class *class,
                     struct slc_error *err)
{
    bool complete = class->open && class->close && class->create_service &&
                    class->edit_service && class->delete_service &&
                    class->service_status;

    return slc_driver_registry_add(&reg->drivers, &sdn_kind, class->type,
                                   class->version, complete, class, err);
}

const struct slc_sdn_class *
slc_sdn_registry_find(const struct slc_sdn_registry *reg, const char *type)
{
    return slc_driver_registry_find(&reg->drivers, type);
}

const struct slc_sdn_class *
slc_sdn_registry_lookup(const struct slc_sdn_registry *reg, const char *type,
                        struct slc_error *err)
{
    return slc_driver_registry_lookup(&reg->drivers, &sdn_kind, type, err);
}

/* A result of the queue, as the engine reads it. */
static void
deliver(struct slc_driver *drv, const struct slc_result *r)
{
    struct slc_sdn *sdn = (struct slc_sdn *)drv; /* drv is its first member */
    struct slc_sdn_result sr = {
        .token = r->token,
        .rc = r->rc,
        .msg = r->msg,
        .service_id = r->id,
        .status = r->status,
        .data = r->data,
    };

    slc_metrics_add("slicer_sdn_calls_total", 1, sdn->class->type);
    if (r->rc && r->rc != SLC_ENOTFOUND) {
        slc_metrics_add("slicer_sdn_call_errors_total", 1, sdn->class->type);
    }
    sdn->done(drv->owner, &sr);
}

int
slc_sdn_base_init(struct slc_sdn *sdn, const struct slc_sdn_class *class,
                  const struct slc_sdn_params *p, struct slc_error *err)
{
    *sdn = (struct slc_sdn){.class = class, .done = p->done};
    return slc_driver_init(&sdn->drv, p->id, p->name, p->base, p->owner,
                           deliver, err);
}

void
slc_sdn_base_fini(struct slc_sdn *sdn)
{
    slc_driver_fini(&sdn->drv);
}

void
slc_sdn_close(struct slc_sdn *sdn)
{
    if (sdn) {
        sdn->class->close(sdn);
    }
}

int
slc_sdn_reply(struct slc_sdn *sdn, uint64_t token, int rc, const char *msg,
              const char *service_id, json_t *data,
              const struct timeval *delay, struct slc_error *err)
{
    return slc_driver_post(&sdn->drv, token, rc, msg, service_id,
                           rc ? "ERROR" : "ACTIVE", data, delay, err);
}

int
slc_sdn_check_program_id(uint32_t id, struct slc_error *err)
{
    return id && id <= SLC_SDN_PROGRAM_MAX
               ? 0
               : slc_error_set(err, SLC_EINVALID,
                               "program id %u out of range 1..%u", id,
                               SLC_SDN_PROGRAM_MAX);
}

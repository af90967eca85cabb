/* The dummy SDN driver: keeps services in memory, records every call in
 * order (describe() returns them) and completes each on the next loop
 * iteration.  For unit tests of SDN assist and for running the daemon
 * without a switch. */
#include <event2/event.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdn.h"

struct dummy {
    struct slc_sdn up;        /* first: the core's part */
    json_t *calls;            /* [{call, service_id?, spec?}] */
    json_t *services;         /* service_id -> spec */
    json_t *programs;         /* program id (decimal) -> program */
    uint64_t next_id;
};

/* Completes a call on the next turn of the loop. */
static int
dummy_reply(struct dummy *d, uint64_t token, int rc, const char *service_id,
            const char *msg, struct slc_error *err)
{
    return slc_sdn_reply(&d->up, token, rc, msg, service_id, NULL,
                         &(struct timeval){0, 0}, err);
}

static void dummy_close(struct slc_sdn *sdn);

static int
dummy_open(const struct slc_sdn_params *params, struct slc_sdn **out,
           struct slc_error *err)
{
    struct dummy *d = calloc(1, sizeof *d);
    int rc;

    if (!d) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    rc = slc_sdn_base_init(&d->up, &slc_sdn_dummy_class, params, err);
    if (rc) {
        free(d);
        return rc;
    }
    d->calls = json_array();
    d->services = json_object();
    d->programs = json_object();
    if (!d->calls || !d->services || !d->programs) {
        dummy_close(&d->up);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    *out = &d->up;
    return 0;
}

static void
dummy_close(struct slc_sdn *sdn)
{
    struct dummy *d = (struct dummy *)sdn;

    json_decref(d->calls);
    json_decref(d->services);
    json_decref(d->programs);
    slc_sdn_base_fini(&d->up);
    free(d);
}

static json_t *
spec_json(const struct slc_sdn_service_spec *spec)
{
    json_t *ports = json_array();

    for (size_t i = 0; ports && i < spec->n_ports; i++) {
        const struct slc_sdn_endpoint *p = &spec->ports[i];

        json_array_append_new(
            ports, json_pack("{ss ss si ss*}", "switch_dpid", p->switch_dpid,
                             "switch_port", p->switch_port, "vlan",
                             (int)p->vlan, "mac", p->mac));
    }
    return json_pack("{ss ss* ss so}", "name", spec->name, "tag", spec->tag,
                     "type", spec->type, "ports", ports);
}

static int
dummy_create(struct slc_sdn *sdn, uint64_t token,
             const struct slc_sdn_service_spec *spec, struct slc_error *err)
{
    struct dummy *d = (struct dummy *)sdn;
    char id[48];

    snprintf(id, sizeof id, "dummy-svc-%llu",
             (unsigned long long)++d->next_id);
    json_object_set_new(d->services, id, spec_json(spec));
    json_array_append_new(d->calls,
                          json_pack("{ss ss so}", "call", "create_service",
                                    "service_id", id, "spec",
                                    spec_json(spec)));
    return dummy_reply(d, token, 0, id, NULL, err);
}

static int
dummy_edit(struct slc_sdn *sdn, uint64_t token, const char *service_id,
           const struct slc_sdn_service_spec *spec, struct slc_error *err)
{
    struct dummy *d = (struct dummy *)sdn;
    bool known = json_object_get(d->services, service_id) != NULL;

    json_array_append_new(d->calls,
                          json_pack("{ss ss so}", "call", "edit_service",
                                    "service_id", service_id, "spec",
                                    spec_json(spec)));
    if (known) {
        json_object_set_new(d->services, service_id, spec_json(spec));
    }
    return dummy_reply(d, token, known ? 0 : SLC_ENOTFOUND, service_id,
                       known ? NULL : "no such service", err);
}

static int
dummy_delete(struct slc_sdn *sdn, uint64_t token, const char *service_id,
             struct slc_error *err)
{
    struct dummy *d = (struct dummy *)sdn;
    bool known = json_object_get(d->services, service_id) != NULL;

    json_array_append_new(d->calls, json_pack("{ss ss}", "call",
                                              "delete_service", "service_id",
                                              service_id));
    json_object_del(d->services, service_id);
    return dummy_reply(d, token, known ? 0 : SLC_ENOTFOUND, service_id,
                       known ? NULL : "no such service", err);
}

static int
dummy_status(struct slc_sdn *sdn, uint64_t token, const char *service_id,
             struct slc_error *err)
{
    struct dummy *d = (struct dummy *)sdn;
    bool known = json_object_get(d->services, service_id) != NULL;

    json_array_append_new(d->calls, json_pack("{ss ss}", "call",
                                              "service_status", "service_id",
                                              service_id));
    return dummy_reply(d, token, known ? 0 : SLC_ENOTFOUND, service_id,
                       known ? NULL : "no such service", err);
}

static json_t *
dummy_describe(struct slc_sdn *sdn)
{
    struct dummy *d = (struct dummy *)sdn;

    return json_pack("{sO sO sO}", "calls", d->calls, "services",
                     d->services, "programs", d->programs);
}

static int
dummy_install(struct slc_sdn *sdn, uint64_t token, uint32_t id,
              const json_t *program, struct slc_error *err)
{
    struct dummy *d = (struct dummy *)sdn;
    char key[16];

    snprintf(key, sizeof key, "%u", id);
    json_object_set_new(d->programs, key, json_deep_copy(program));
    json_array_append_new(d->calls, json_pack("{ss si}", "call",
                                              "install_program", "program",
                                              (json_int_t)id));
    return dummy_reply(d, token, 0, NULL, NULL, err);
}

static int
dummy_remove(struct slc_sdn *sdn, uint64_t token, uint32_t id,
             struct slc_error *err)
{
    struct dummy *d = (struct dummy *)sdn;
    char key[16];

    snprintf(key, sizeof key, "%u", id);
    json_object_del(d->programs, key);
    json_array_append_new(d->calls, json_pack("{ss si}", "call",
                                              "remove_program", "program",
                                              (json_int_t)id));
    return dummy_reply(d, token, 0, NULL, NULL, err);
}

const struct slc_sdn_class slc_sdn_dummy_class = {
    .version = SLC_SDN_CLASS_VERSION,
    .type = "dummy",
    .open = dummy_open,
    .close = dummy_close,
    .create_service = dummy_create,
    .edit_service = dummy_edit,
    .delete_service = dummy_delete,
    .service_status = dummy_status,
    .describe = dummy_describe,
    .install_program = dummy_install,
    .remove_program = dummy_remove,
};

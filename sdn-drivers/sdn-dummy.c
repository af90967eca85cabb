/* The dummy SDN driver: keeps services in memory, records every call in
 * order (describe() returns them) and completes each on a later turn of
 * the loop.  For unit tests of SDN assist and for running the daemon
 * without a switch.
 *
 * A service's id is "dummy-%08x" of FNV-1a(tag) (of the name without a
 * tag), so a create with a known tag replaces that service, as sdn.h
 * asks; create and edit return conn_info {"dummy": true, "points": n}.
 * An edit stores the service whether it was known or not ("make it so").
 *
 * Config, all optional, to make a controller misbehave in tests:
 *   fail_check: "text"  check_credentials fails (SLC_EDENIED, the text);
 *   fail: {"create"|"edit"|"delete"|"status": "text"}  that call fails
 *         (SLC_EIO, the text), after being recorded;
 *   delay_ms: N         every reply comes N ms later. */
#include <event2/event.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdn.h"

struct dummy {
    struct slc_sdn up;        /* first: the core's part */
    json_t *calls;            /* [{call, service_id?, spec?, conn_info?}] */
    json_t *services;         /* service_id -> spec */
    json_t *programs;         /* program id (decimal) -> program */
    json_t *config;           /* a copy, never NULL */
    struct timeval delay;
};

static const char *const fail_keys[] = {"create", "edit", "delete", "status",
                                        NULL};

static int
dummy_check_config(const json_t *config, struct slc_error *err)
{
    const json_t *fail = json_object_get(config, "fail");
    const json_t *check = json_object_get(config, "fail_check");
    const json_t *delay = json_object_get(config, "delay_ms");
    const char *key;
    const json_t *v;

    if (check && !json_is_string(check)) {
        return slc_error_set(err, SLC_EINVALID, "sdn controller of type "
                             "dummy: config.fail_check must be a text");
    }
    if (delay && (!json_is_integer(delay) || json_integer_value(delay) < 0 ||
                  json_integer_value(delay) > 3600000)) {
        return slc_error_set(err, SLC_EINVALID, "sdn controller of type "
                             "dummy: config.delay_ms must be 0..3600000");
    }
    if (fail && !json_is_object(fail)) {
        return slc_error_set(err, SLC_EINVALID, "sdn controller of type "
                             "dummy: config.fail must be an object");
    }
    json_object_foreach((json_t *)fail, key, v)
    {
        const char *const *k = fail_keys;

        while (*k && strcmp(*k, key)) {
            k++;
        }
        if (!*k || !json_is_string(v)) {
            return slc_error_set(err, SLC_EINVALID,
                                 "sdn controller of type dummy: "
                                 "config.fail.%s: the calls are create, "
                                 "edit, delete and status, each with a text",
                                 key);
        }
    }
    return 0;
}

/* Completes a call 'delay_ms' later, never from inside it. */
static int
dummy_reply(struct dummy *d, uint64_t token, int rc, const char *service_id,
            const char *msg, json_t *data, struct slc_error *err)
{
    return slc_sdn_reply(&d->up, token, rc, msg, service_id, data, &d->delay,
                         err);
}

/* The failure config.fail injects into 'call', or NULL. */
static const char *
injected(const struct dummy *d, const char *call)
{
    return json_string_value(
        json_object_get(json_object_get(d->config, "fail"), call));
}

static void dummy_close(struct slc_sdn *sdn);

static int
dummy_open(const struct slc_sdn_params *params, struct slc_sdn **out,
           struct slc_error *err)
{
    struct dummy *d;
    json_int_t ms;
    int rc = dummy_check_config(params->config, err);

    if (rc) {
        return rc;
    }
    if (!(d = calloc(1, sizeof *d))) {
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
    d->config = params->config ? json_deep_copy(params->config)
                               : json_object();
    if (!d->calls || !d->services || !d->programs || !d->config) {
        dummy_close(&d->up);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    ms = json_integer_value(json_object_get(d->config, "delay_ms"));
    d->delay = (struct timeval){(long)(ms / 1000), (long)(ms % 1000) * 1000};
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
    json_decref(d->config);
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
            ports, json_pack("{ss* ss* si ss* ss* ss*}", "id", p->id,
                             "encapsulation", p->encapsulation, "vlan",
                             (int)p->vlan, "mac", p->mac, "switch_dpid",
                             p->switch_dpid, "switch_port", p->switch_port));
    }
    return json_pack("{ss* ss* ss* so}", "name", spec->name, "tag",
                     spec->tag, "type", spec->type, "ports", ports);
}

/* Records a call: {call, service_id?, spec?, conn_info?}. */
static void
record(struct dummy *d, const char *call, const char *service_id,
       const struct slc_sdn_service_spec *spec, const json_t *conn_info)
{
    json_t *c = json_pack("{ss ss*}", "call", call, "service_id",
                          service_id);

    if (spec) {
        json_object_set_new(c, "spec", spec_json(spec));
    }
    if (conn_info) {
        json_object_set_new(c, "conn_info", json_deep_copy(conn_info));
    }
    json_array_append_new(d->calls, c);
}

/* Stores a created or edited service and completes the call with its
 * conn_info, unless config.fail says no. */
static int
put_service(struct dummy *d, uint64_t token, const char *call,
            const char *service_id, const struct slc_sdn_service_spec *spec,
            struct slc_error *err)
{
    const char *fail = injected(d, call);

    record(d, !strcmp(call, "create") ? "create_service" : "edit_service",
           service_id, spec, spec->conn_info);
    if (fail) {
        return dummy_reply(d, token, SLC_EIO, service_id, fail, NULL, err);
    }
    json_object_set_new(d->services, service_id, spec_json(spec));
    return dummy_reply(d, token, 0, service_id, NULL,
                       json_pack("{sb sI}", "dummy", 1, "points",
                                 (json_int_t)spec->n_ports),
                       err);
}

static int
dummy_service_id(struct slc_sdn *sdn, const char *t, char *out, size_t size)
{
    uint32_t h = 2166136261u;

    for (; t && *t; t++) {
        h = (h ^ (unsigned char)*t) * 16777619u;
    }
    snprintf(out, size, "dummy-%08x", h);
    return 0;
}

static int
dummy_create(struct slc_sdn *sdn, uint64_t token,
             const struct slc_sdn_service_spec *spec, struct slc_error *err)
{
    char id[32];

    dummy_service_id(sdn, spec->tag ? spec->tag : spec->name, id, sizeof id);
    return put_service((struct dummy *)sdn, token, "create", id, spec, err);
}

static int
dummy_edit(struct slc_sdn *sdn, uint64_t token, const char *service_id,
           const struct slc_sdn_service_spec *spec, struct slc_error *err)
{
    return put_service((struct dummy *)sdn, token, "edit", service_id, spec,
                       err);
}

static int
dummy_delete(struct slc_sdn *sdn, uint64_t token, const char *service_id,
             const json_t *conn_info, struct slc_error *err)
{
    struct dummy *d = (struct dummy *)sdn;
    const char *fail = injected(d, "delete");
    bool known = json_object_get(d->services, service_id) != NULL;

    record(d, "delete_service", service_id, NULL, conn_info);
    if (fail) {
        return dummy_reply(d, token, SLC_EIO, service_id, fail, NULL, err);
    }
    json_object_del(d->services, service_id);
    return dummy_reply(d, token, known ? 0 : SLC_ENOTFOUND, service_id,
                       known ? NULL : "no such service", NULL, err);
}

static int
dummy_status(struct slc_sdn *sdn, uint64_t token, const char *service_id,
             const json_t *conn_info, struct slc_error *err)
{
    struct dummy *d = (struct dummy *)sdn;
    const char *fail = injected(d, "status");
    bool known = json_object_get(d->services, service_id) != NULL;

    record(d, "service_status", service_id, NULL, conn_info);
    if (fail) {
        return dummy_reply(d, token, SLC_EIO, service_id, fail, NULL, err);
    }
    return dummy_reply(d, token, known ? 0 : SLC_ENOTFOUND, service_id,
                       known ? NULL : "no such service", NULL, err);
}

static int
dummy_check_credentials(struct slc_sdn *sdn, uint64_t token,
                        struct slc_error *err)
{
    struct dummy *d = (struct dummy *)sdn;
    const char *fail =
        json_string_value(json_object_get(d->config, "fail_check"));

    record(d, "check_credentials", NULL, NULL, NULL);
    return dummy_reply(d, token, fail ? SLC_EDENIED : 0, NULL, fail, NULL,
                       err);
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
    json_array_append_new(d->calls, json_pack("{ss sI}", "call",
                                              "install_program", "program",
                                              (json_int_t)id));
    return dummy_reply(d, token, 0, NULL, NULL, NULL, err);
}

static int
dummy_remove(struct slc_sdn *sdn, uint64_t token, uint32_t id,
             struct slc_error *err)
{
    struct dummy *d = (struct dummy *)sdn;
    char key[16];

    snprintf(key, sizeof key, "%u", id);
    json_object_del(d->programs, key);
    json_array_append_new(d->calls, json_pack("{ss sI}", "call",
                                              "remove_program", "program",
                                              (json_int_t)id));
    return dummy_reply(d, token, 0, NULL, NULL, NULL, err);
}

const struct slc_sdn_class slc_sdn_dummy_class = {
    .version = SLC_SDN_CLASS_VERSION,
    .type = "dummy",
    .check_config = dummy_check_config,
    .open = dummy_open,
    .close = dummy_close,
    .check_credentials = dummy_check_credentials,
    .create_service = dummy_create,
    .edit_service = dummy_edit,
    .delete_service = dummy_delete,
    .service_status = dummy_status,
    .describe = dummy_describe,
    .service_id = dummy_service_id,
    .install_program = dummy_install,
    .remove_program = dummy_remove,
};

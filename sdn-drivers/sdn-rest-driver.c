/* The machinery of the REST SDN drivers (sdn-rest-driver.h): an instance
 * holds its REST client (sdn-rest.h), a queue of operations of which the
 * first runs, the services it made, and two events on the loop, one that
 * starts the first queued operation and one that queues an audit every
 * audit interval.  An operation ends with slc_sdn_rest_finish(), which
 * delivers its result through slc_driver_post() (common/slc-driver.h), so
 * never from inside a call, and kicks the next one.  Programs (the
 * install, remove and counters of sfc/sfc-chain.h's forwarding programs)
 * are operations of the same queue; their checks, what is kept of them
 * and their counters are here, their calls the drivers'.
 *
 * Log lines about an instance carry its driver's module
 * (class->log_module), not this file's. */
#include "sdn-rest-driver.h"
#include "sdn-rest-internal.h"

#include <event2/event.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "of-rules.h"
#include "slc-log.h"

#define LOG_LINE 2048         /* as slc_log() cuts them */

static const struct slc_sdn_rest_int int_keys[] = {
    {"audit_interval_ms", 0, 86400000, "milliseconds"},
    {"timeout_ms", 1, 600000, "milliseconds"},
};

struct slc_sdn_rest_driver *
slc_sdn_rest_drv_of(struct slc_sdn *sdn)
{
    return (struct slc_sdn_rest_driver *)sdn;  /* its first member */
}

static void drv_log(const struct slc_sdn_rest_driver *drv,
                    enum slc_log_level level, const char *fmt, ...)
    SLC_PRINTF(3, 4);

/* Logs "sdn 'NAME': ..." under the module of the driver of 'drv'. */
static void
drv_log(const struct slc_sdn_rest_driver *drv, enum slc_log_level level,
        const char *fmt, ...)
{
    char line[LOG_LINE];
    int n;
    va_list ap;

    if (!slc_log_enabled(level)) {
        return;
    }
    n = snprintf(line, sizeof line, "sdn '%s': ", drv->sdn.drv.name);
    if (n >= 0 && (size_t)n < sizeof line) {
        va_start(ap, fmt);
        vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
        va_end(ap);
    }
    slc_log(level, drv->class->log_module, NULL, "%s", line);
}

void
slc_sdn_rest_note(struct slc_sdn_rest_driver *drv, const char *fmt, ...)
{
    char text[sizeof drv->last_event];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (strcmp(text, drv->last_event)) {
        drv_log(drv, SLC_LOG_INFO, "%s", text);
        snprintf(drv->last_event, sizeof drv->last_event, "%s", text);
    }
}

/* ---- operations ---- */

static void entries_clear(struct slc_sdn_rest_entries_op *e);

void
slc_sdn_rest_free_op(struct slc_sdn_rest_op *op)
{
    const struct slc_sdn_rest_class *class = op->drv->class;

    if (class->entries) {
        entries_clear((struct slc_sdn_rest_entries_op *)op);
    }
    if (class->free_op) {
        class->free_op(op);
    }
    json_decref(op->prog);
    json_decref(op->port_points);
    json_decref(op->named_dpids);
    json_decref(op->program);
    json_decref(op->kept);
    json_decref(op->script);
    free(op->error);
    free(op);
}

/* An operation of the class's size about 'service_id' (may be NULL), or
 * NULL with SLC_ENOMEM in 'err' (may be NULL). */
struct slc_sdn_rest_op *
slc_sdn_rest_new_op(struct slc_sdn_rest_driver *drv,
                    enum slc_sdn_rest_kind kind, uint64_t token,
                    const char *service_id, struct slc_error *err)
{
    struct slc_sdn_rest_op *op = calloc(1, drv->class->op_size);

    if (!op) {
        slc_error_set(err, SLC_ENOMEM, "out of memory");
        return NULL;
    }
    op->drv = drv;
    op->kind = kind;
    op->token = token;
    snprintf(op->service_id, sizeof op->service_id, "%s",
             service_id ? service_id : "");
    return op;
}

/* Queues 'op'; operations start from the loop, one at a time. */
void
slc_sdn_rest_submit(struct slc_sdn_rest_op *op)
{
    struct slc_sdn_rest_op **opp = &op->drv->ops;

    while (*opp) {
        opp = &(*opp)->next;
    }
    *opp = op;
    event_active(op->drv->kick, 0, 0);
}

void
slc_sdn_rest_program_key(uint32_t id, char *buf, size_t size)
{
    snprintf(buf, size, "%u", id);
}

/* A program's call takes what is kept of its program now that the calls
 * before it are done: an install or a remove takes it out (audits leave
 * it alone from now on), a counters' read a reference. */
static void
take_kept(struct slc_sdn_rest_op *op)
{
    struct slc_sdn_rest_driver *drv = op->drv;
    char key[16];

    slc_sdn_rest_program_key(op->program_id, key, sizeof key);
    op->kept = json_incref(json_object_get(drv->programs, key));
    if (op->kind != SLC_SDN_REST_COUNTERS) {
        json_object_del(drv->programs, key);
    }
}

/* Starts the first queued operation unless it runs already. */
static void
on_kick(evutil_socket_t fd, short what, void *arg)
{
    struct slc_sdn_rest_driver *drv = arg;
    struct slc_sdn_rest_op *op = drv->ops;

    if (!op || op->started) {
        return;
    }
    op->started = true;
    if (op->kind == SLC_SDN_REST_INSTALL || op->kind == SLC_SDN_REST_REMOVE ||
        op->kind == SLC_SDN_REST_COUNTERS) {
        take_kept(op);
    }
    drv->class->start(op);
}

/* Queues an audit unless one is queued or there is nothing to audit. */
static void
on_audit_timer(evutil_socket_t fd, short what, void *arg)
{
    struct slc_sdn_rest_driver *drv = arg;
    struct slc_sdn_rest_op *op;

    if (drv->audit_queued ||
        (!json_object_size(drv->services) &&
         !json_object_size(drv->programs)) ||
        !(op = slc_sdn_rest_new_op(drv, SLC_SDN_REST_AUDIT, 0, NULL, NULL))) {
        return;
    }
    drv->audit_queued = true;
    slc_sdn_rest_submit(op);
}

void
slc_sdn_rest_finish(struct slc_sdn_rest_op *op, int rc, const char *status,
                    const char *msg, json_t *data)
{
    struct slc_sdn_rest_driver *drv = op->drv;
    struct slc_error err = {0};

    drv->ops = op->next;
    if (op->kind == SLC_SDN_REST_AUDIT) {
        if (rc && op->service_id[0]) {
            slc_sdn_rest_note(drv, "audit of %s failed: %s", op->service_id,
                              msg ? msg : "");
        } else if (rc) {
            slc_sdn_rest_note(drv, "audit failed: %s", msg ? msg : "");
        }
        json_decref(data);
        drv->audit_queued = false;
    } else if (slc_driver_post(&drv->sdn.drv, op->token, rc, msg,
                               op->service_id[0] ? op->service_id : NULL,
                               status ? status : rc ? "ERROR" : "ACTIVE",
                               data, NULL, &err)) {
        drv_log(drv, SLC_LOG_WARN, "result of %s lost: %s", op->service_id,
                err.msg);
    }
    slc_sdn_rest_free_op(op);
    event_active(drv->kick, 0, 0);
}

void
slc_sdn_rest_fail(struct slc_sdn_rest_op *op, int rc, const char *fmt, ...)
{
    char msg[SLC_ERROR_MSG_SIZE];
    int n = 0;
    va_list ap;

    if (op->drv->class->service_in_errors && op->service_id[0] &&
        op->kind != SLC_SDN_REST_AUDIT) {
        n = snprintf(msg, sizeof msg, "service %s: ", op->service_id);
    }
    va_start(ap, fmt);
    vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
    va_end(ap);
    slc_sdn_rest_finish(op, rc, NULL, msg, NULL);
}

void
slc_sdn_rest_status(struct slc_sdn_rest_op *op, size_t have, size_t n,
                    const char *where)
{
    char msg[160];

    if (n && have < n) {
        snprintf(msg, sizeof msg, "%zu of %zu rules on %s", have, n, where);
        slc_sdn_rest_finish(op, 0, "ERROR", msg, NULL);
    } else {
        slc_sdn_rest_finish(op, 0, "ACTIVE", NULL, NULL);
    }
}

static void
on_reply(void *arg, int rc, const char *msg, json_t *body, long status)
{
    struct slc_sdn_rest_op *op = arg;

    op->drv->class->reply(op, rc, msg, body, status);
}

void
slc_sdn_rest_request(struct slc_sdn_rest_op *op, const char *method,
                     const char *path, json_t *body)
{
    struct slc_error err = {0};

    if (slc_sdn_rest_call(op->drv->rest, method, path, body, on_reply, op,
                          &err)) {
        slc_sdn_rest_fail(op, err.code, "%s", err.msg);
    }
}

json_t *
slc_sdn_rest_audit_next(struct slc_sdn_rest_op *op)
{
    struct slc_sdn_rest_driver *drv = op->drv;
    const char *id, *next = NULL;
    json_t *s, *found = NULL;

    json_object_foreach(drv->services, id, s)
    {
        /* ids are "<prefix>-%08x": text order is number order */
        if (strcmp(id, op->service_id) > 0 &&
            (!next || strcmp(id, next) < 0)) {
            next = id;
            found = s;
        }
    }
    if (!found) {
        drv->audits++;
        slc_sdn_rest_finish(op, 0, NULL, NULL, NULL);
        return NULL;
    }
    snprintf(op->service_id, sizeof op->service_id, "%s", next);
    return found;
}

/* ---- the class operations ---- */

/* config.dpid as 'syntax' allows it: 0, or SLC_EINVALID. */
static int
parse_dpid(enum slc_sdn_rest_dpid syntax, const json_t *v, uint64_t *dpid)
{
    if (syntax != SLC_SDN_REST_DPID_TEXT && json_is_integer(v) &&
        json_integer_value(v) >= 0) {
        *dpid = (uint64_t)json_integer_value(v);
        return 0;
    }
    return !json_is_string(v) ||
                   slc_of_dpid_parse(json_string_value(v), dpid) ||
                   (syntax == SLC_SDN_REST_DPID_SIGNED && *dpid > INT64_MAX)
               ? SLC_EINVALID
               : 0;
}

int
slc_sdn_rest_driver_check_config(const struct slc_sdn_rest_class *class,
                                 const json_t *config, struct slc_error *err)
{
    const char *type = class->sdn->type;
    const json_t *v = json_object_get(config, "dpid");
    uint64_t dpid;

    if (config && !json_is_object(config)) {
        return slc_error_set(err, SLC_EINVALID, "sdn controller of type %s: "
                             "config must be an object", type);
    }
    if (v && parse_dpid(class->dpid, v, &dpid)) {
        return slc_error_set(
            err, SLC_EINVALID, "sdn controller of type %s: config.dpid must "
            "be a datapath id%s (%s16 hex digits, colons allowed)", type,
            class->dpid == SLC_SDN_REST_DPID_SIGNED ? " below 2^63" : "",
            class->dpid == SLC_SDN_REST_DPID_TEXT ? "" : "an integer, or ");
    }
    v = json_object_get(config, "of_controller_nets_with_same_vlan");
    if (class->same_vlan && v && !json_is_boolean(v)) {
        return slc_error_set(err, SLC_EINVALID, "sdn controller of type %s: "
                             "config.of_controller_nets_with_same_vlan must "
                             "be true or false", type);
    }
    return slc_sdn_rest_check_ints(type, config, int_keys,
                                   sizeof int_keys / sizeof int_keys[0],
                                   err);
}

/* "http://HOST:PORT", or the same with https when the class allows it. */
static int
check_url(const struct slc_sdn_rest_class *class, const char *url,
          struct slc_error *err)
{
    const char *type = class->sdn->type;
    char plain[300];

    if (!class->https) {
        return slc_sdn_rest_check_url(type, url, err);
    }
    if (url && !strncmp(url, "https://", 8) && !strchr(url, '@')) {
        snprintf(plain, sizeof plain, "http://%s", url + 8);
        if (!slc_sdn_rest_check_url(type, plain, NULL)) {
            return 0;
        }
    }
    if (url && !strncmp(url, "http://", 7) &&
        !slc_sdn_rest_check_url(type, url, NULL)) {
        return 0;
    }
    return slc_error_set(err, SLC_EINVALID, "sdn controller of type %s: "
                         "url '%s' is not http(s)://HOST:PORT", type,
                         !url ? "" : strchr(url, '@') ? "(with credentials)"
                                                      : url);
}

int
slc_sdn_rest_driver_open(const struct slc_sdn_rest_class *class,
                         const struct slc_sdn_params *p, struct slc_sdn **out,
                         struct slc_error *err)
{
    const json_t *audit = json_object_get(p->config, "audit_interval_ms");
    const json_t *timeout = json_object_get(p->config, "timeout_ms");
    struct slc_sdn_rest_driver *drv;
    struct timeval tv;
    char label[300];
    int rc = slc_sdn_rest_driver_check_config(class, p->config, err);

    if (rc || (rc = check_url(class, p->url, err))) {
        return rc;
    }
    if (!(drv = calloc(1, class->size))) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    if ((rc = slc_sdn_base_init(&drv->sdn, class->sdn, p, err))) {
        free(drv);
        return rc;
    }
    drv->class = class;
    drv->have_dpid = !parse_dpid(class->dpid,
                                 json_object_get(p->config, "dpid"),
                                 &drv->dpid);
    drv->same_vlan_only = class->same_vlan &&
                          json_is_true(json_object_get(
                              p->config, "of_controller_nets_with_same_vlan"));
    drv->audit_ms = audit ? (unsigned)json_integer_value(audit) : 5000;
    snprintf(label, sizeof label, "sdn '%s'", drv->sdn.drv.name);
    rc = slc_sdn_rest_new(
        &(struct slc_sdn_rest_params){
            .base = p->base, .url = p->url, .user = p->user,
            .password = p->password, .label = label,
            .timeout_ms = timeout ? (long)json_integer_value(timeout) : 5000},
        &drv->rest, err);
    drv->services = json_object();
    drv->programs = json_object();
    drv->kick = event_new(p->base, -1, 0, on_kick, drv);
    drv->audit_timer = event_new(p->base, -1, EV_PERSIST, on_audit_timer,
                                 drv);
    if (!rc && (!drv->services || !drv->programs || !drv->kick ||
                !drv->audit_timer)) {
        rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    if (rc) {
        slc_sdn_rest_driver_close(&drv->sdn);
        return rc;
    }
    tv = (struct timeval){drv->audit_ms / 1000, drv->audit_ms % 1000 * 1000};
    if (drv->audit_ms) {
        event_add(drv->audit_timer, &tv);
    }
    *out = &drv->sdn;
    return 0;
}

void
slc_sdn_rest_driver_close(struct slc_sdn *sdn)
{
    struct slc_sdn_rest_driver *drv = slc_sdn_rest_drv_of(sdn);

    slc_sdn_rest_free(drv->rest);   /* no HTTP callback runs after this */
    while (drv->ops) {
        struct slc_sdn_rest_op *op = drv->ops;

        drv->ops = op->next;
        slc_sdn_rest_free_op(op);
    }
    json_decref(drv->services);
    json_decref(drv->programs);
    if (drv->kick) {
        event_free(drv->kick);
    }
    if (drv->audit_timer) {
        event_free(drv->audit_timer);
    }
    slc_sdn_base_fini(&drv->sdn);
    free(drv);
}

int
slc_sdn_rest_driver_check_credentials(struct slc_sdn *sdn, uint64_t token,
                                      struct slc_error *err)
{
    struct slc_sdn_rest_op *op = slc_sdn_rest_new_op(
        slc_sdn_rest_drv_of(sdn), SLC_SDN_REST_CHECK, token, NULL, err);

    if (op) {
        slc_sdn_rest_submit(op);
    }
    return op ? 0 : err->code;
}

static int
put_service(struct slc_sdn_rest_driver *drv, uint64_t token,
            const char *service_id, const struct slc_sdn_service_spec *spec,
            struct slc_error *err)
{
    struct slc_sdn_rest_op *op =
        slc_sdn_rest_new_op(drv, SLC_SDN_REST_PUT, token, service_id, err);
    int rc = !op                     ? err->code
             : drv->class->take_spec ? drv->class->take_spec(op, spec, err)
                                     : 0;

    if (op && rc) {
        slc_sdn_rest_free_op(op);
    } else if (op) {
        slc_sdn_rest_submit(op);
    }
    return rc;
}

int
slc_sdn_rest_driver_create_service(struct slc_sdn *sdn, uint64_t token,
                                   const struct slc_sdn_service_spec *spec,
                                   struct slc_error *err)
{
    struct slc_sdn_rest_driver *drv = slc_sdn_rest_drv_of(sdn);
    char id[32];

    slc_sdn_rest_service_id(drv->class->prefix,
                            spec->tag ? spec->tag : spec->name, id,
                            sizeof id);
    return put_service(drv, token, id, spec, err);
}

int
slc_sdn_rest_driver_edit_service(struct slc_sdn *sdn, uint64_t token,
                                 const char *service_id,
                                 const struct slc_sdn_service_spec *spec,
                                 struct slc_error *err)
{
    struct slc_sdn_rest_driver *drv = slc_sdn_rest_drv_of(sdn);
    uint32_t id;

    return slc_sdn_rest_parse_service_id(drv->class->prefix, service_id, &id,
                                         err)
               ? err->code
               : put_service(drv, token, service_id, spec, err);
}

/* A delete or a status of 'service_id'. */
static int
service_call(struct slc_sdn *sdn, enum slc_sdn_rest_kind kind,
             uint64_t token, const char *service_id, const json_t *conn_info,
             struct slc_error *err)
{
    struct slc_sdn_rest_driver *drv = slc_sdn_rest_drv_of(sdn);
    struct slc_sdn_rest_op *op;
    uint32_t id;
    int rc;

    if (slc_sdn_rest_parse_service_id(drv->class->prefix, service_id, &id,
                                      err) ||
        !(op = slc_sdn_rest_new_op(drv, kind, token, service_id, err))) {
        return err->code;
    }
    if (drv->class->take_conn_info &&
        (rc = drv->class->take_conn_info(op, conn_info, err))) {
        slc_sdn_rest_free_op(op);
        return rc;
    }
    if (kind == SLC_SDN_REST_DELETE) {
        /* audits stop making it again now */
        json_object_del(drv->services, op->service_id);
    }
    slc_sdn_rest_submit(op);
    return 0;
}

int
slc_sdn_rest_driver_delete_service(struct slc_sdn *sdn, uint64_t token,
                                   const char *service_id,
                                   const json_t *conn_info,
                                   struct slc_error *err)
{
    return service_call(sdn, SLC_SDN_REST_DELETE, token, service_id,
                        conn_info, err);
}

int
slc_sdn_rest_driver_service_status(struct slc_sdn *sdn, uint64_t token,
                                   const char *service_id,
                                   const json_t *conn_info,
                                   struct slc_error *err)
{
    return service_call(sdn, SLC_SDN_REST_STATUS, token, service_id,
                        conn_info, err);
}

/* describe()'s list of the programs kept: [{id, rules, groups}]. */
static json_t *
describe_programs(const struct slc_sdn_rest_driver *drv)
{
    json_t *progs = json_array(), *s;
    const char *id;

    json_object_foreach(drv->programs, id, s)
    {
        const json_t *p = json_object_get(s, "program");

        json_array_append_new(
            progs,
            json_pack("{sI sI sI}", "id", (json_int_t)strtoll(id, NULL, 10),
                      "rules",
                      (json_int_t)json_array_size(json_object_get(p,
                                                                  "rules")),
                      "groups",
                      (json_int_t)json_array_size(
                          json_object_get(p, "groups"))));
    }
    return progs;
}

json_t *
slc_sdn_rest_driver_describe(struct slc_sdn *sdn)
{
    struct slc_sdn_rest_driver *drv = slc_sdn_rest_drv_of(sdn);
    const struct slc_sdn_rest_class *class = drv->class;
    json_t *services = json_array(), *s, *d;
    const char *id;
    char sw[64];

    json_object_foreach(drv->services, id, s)
    {
        json_array_append_new(services, class->describe_service(id, s));
    }
    d = json_pack("{ss ss? so si si ss}", "url", slc_sdn_rest_url(drv->rest),
                  class->switch_key, class->switch_name(drv, sw, sizeof sw),
                  "services", services, "audits", (int)drv->audits,
                  class->reinstalled_key, (int)drv->reinstalled,
                  "last_event", drv->last_event);
    if (d && class->unsupported) {
        json_object_set_new(d, "programs", describe_programs(drv));
    }
    return d;
}

int
slc_sdn_rest_driver_service_id(struct slc_sdn *sdn, const char *tag,
                               char *out, size_t size)
{
    slc_sdn_rest_service_id(slc_sdn_rest_drv_of(sdn)->class->prefix, tag,
                            out, size);
    return 0;
}

/* ---- the switch and its ports ---- */

void
slc_sdn_rest_switches_add(struct slc_sdn_rest_switches *sw, const char *name,
                          bool configured)
{
    if (sw->len < sizeof sw->names) {
        sw->len += (size_t)snprintf(sw->names + sw->len,
                                    sizeof sw->names - sw->len, "%s%s",
                                    sw->n ? ", " : "", name);
    }
    sw->n++;
    sw->listed = sw->listed || configured;
}

int
slc_sdn_rest_switches_pick(struct slc_sdn_rest_op *op,
                           const struct slc_sdn_rest_switches *sw,
                           const char *nouns, const char *want)
{
    if (want && !sw->listed) {
        slc_sdn_rest_fail(op, SLC_EINVALID, "%s is not connected to the "
                          "controller (%s: [%s])", want, nouns, sw->names);
        return SLC_EINVALID;
    }
    if (!want && sw->n != 1) {
        slc_sdn_rest_fail(op, SLC_EINVALID, "the controller has %zu %s "
                          "([%s]): config.dpid must name %s", sw->n, nouns,
                          sw->names, sw->n ? "one of them"
                                           : "a connected one");
        return SLC_EINVALID;
    }
    return 0;
}

const json_t *
slc_sdn_rest_find_port(const json_t *ports, const char *s,
                       slc_sdn_rest_port_fn read)
{
    uint32_t n = slc_of_port_number(s);
    const json_t *found = NULL, *p;
    size_t i;

    json_array_foreach(ports, i, p)
    {
        const char *name = NULL;
        uint32_t number = 0;

        if (!read(p, &name, &number)) {
            continue;
        }
        if (name && !strcmp(name, s)) {
            return p;         /* a name wins */
        }
        if (n && !found && number == n) {
            found = p;
        }
    }
    return found;
}

const char *
slc_sdn_rest_refusal(const char *msg, long status, char *buf, size_t size)
{
    const char *at = msg ? strstr(msg, ": 401") : NULL;

    if (status == 401 && at) {
        snprintf(buf, size, "%.*s: 401 Unauthorized (the controller refused "
                 "the user and password)", (int)(at - msg), msg);
        return buf;
    }
    return msg ? msg : "";
}

/* ---- the rules of a service ---- */

int
slc_sdn_rest_take_rules(struct slc_sdn_rest_op *op, const char *name,
                        const struct slc_sdn_service_spec *spec,
                        size_t max_rules, struct slc_error *err)
{
    int rc = slc_of_rules(name, spec->type, spec->ports, spec->n_ports,
                          op->drv->same_vlan_only, &op->prog, err);

    if (rc) {
        return rc;
    }
    if (max_rules &&
        json_array_size(json_object_get(op->prog, "rules")) > max_rules) {
        return slc_error_set(err, SLC_EINVALID, "service %s: more than %zu "
                             "rules", op->service_id, max_rules);
    }
    op->port_points = json_object();
    op->named_dpids = json_object();
    for (size_t i = 0; i < spec->n_ports; i++) {
        const struct slc_sdn_endpoint *p = &spec->ports[i];
        char num[24];
        const char *point = p->id;
        uint64_t dpid;

        if (!point) {
            snprintf(num, sizeof num, "#%zu", i + 1);
            point = num;
        }
        if (!json_object_get(op->port_points, p->switch_port)) {
            json_object_set_new(op->port_points, p->switch_port,
                                json_string(point));
        }
        /* a switch_dpid that is no dpid (a name) is the switch */
        if (p->switch_dpid && !slc_of_dpid_parse(p->switch_dpid, &dpid)) {
            json_object_set_new(op->named_dpids, point,
                                json_integer((json_int_t)dpid));
        }
    }
    return 0;
}

int
slc_sdn_rest_check_dpids(struct slc_sdn_rest_op *op, uint64_t dpid,
                         const char *what)
{
    const char *point;
    json_t *v;

    json_object_foreach(op->named_dpids, point, v)
    {
        if ((uint64_t)json_integer_value(v) != dpid) {
            slc_sdn_rest_fail(op, SLC_EINVALID, "point %s: switch 0x%016"
                              PRIx64 " is not %s", point,
                              (uint64_t)json_integer_value(v), what);
            return SLC_EINVALID;
        }
    }
    return 0;
}

/* Fails 'op': switch_port 'bad' (may be NULL) is not a port of 'where',
 * naming its point. */
static void
fail_port(struct slc_sdn_rest_op *op, const char *where, const char *bad)
{
    const char *point = json_string_value(
        json_object_get(op->port_points, bad ? bad : ""));

    slc_sdn_rest_fail(op, SLC_EINVALID, "point %s: %s has no port '%s'",
                      point ? point : "?", where, bad ? bad : "?");
}

json_t *
slc_sdn_rest_build_flows(struct slc_sdn_rest_op *op, const json_t *ports,
                         slc_sdn_rest_flow_fn flow_of, const char *where,
                         json_t *names)
{
    json_t *flows = json_array(), *rule;
    size_t i;

    json_array_foreach(json_object_get(op->prog, "rules"), i, rule)
    {
        const char *bad = NULL;
        json_t *flow = flow_of(op, i, rule, ports, &bad);

        if (!flow) {
            json_decref(flows);
            fail_port(op, where, bad);
            return NULL;
        }
        if (names) {
            json_array_append(names, json_object_get(rule, "name"));
        }
        json_array_append_new(flows, flow);
    }
    return flows;
}

/* ---- drivers whose service is a set of named entries ---- */

static const struct slc_sdn_rest_entries_class *
entries_of(const struct slc_sdn_rest_entries_op *e)
{
    return e->op.drv->class->entries;
}

/* Drops what an operation learnt about one service (audits move on). */
static void
entries_clear(struct slc_sdn_rest_entries_op *e)
{
    free(e->sw);
    json_decref(e->names);
    json_decref(e->flows);
    json_decref(e->listed);
    json_decref(e->doomed);
    e->sw = NULL;
    e->names = e->flows = e->listed = e->doomed = NULL;
}

static bool
array_has(const json_t *array, const char *s)
{
    size_t i;
    json_t *v;

    json_array_foreach(array, i, v)
    {
        if (json_string_value(v) && !strcmp(json_string_value(v), s)) {
            return true;
        }
    }
    return false;
}

/* The strings of 'a' then those of 'b' not in 'a' (a new array). */
static json_t *
array_union(const json_t *a, const json_t *b)
{
    json_t *u = json_array(), *v;
    size_t i;

    json_array_extend(u, (json_t *)a);
    json_array_foreach(b, i, v)
    {
        if (!array_has(u, json_string_value(v) ?: "")) {
            json_array_append(u, v);
        }
    }
    return u;
}

/* The strings of 'a' not in 'b' (a new array). */
static json_t *
array_minus(const json_t *a, const json_t *b)
{
    json_t *d = json_array(), *v;
    size_t i;

    json_array_foreach(a, i, v)
    {
        if (!array_has(b, json_string_value(v) ?: "")) {
            json_array_append(d, v);
        }
    }
    return d;
}

/* The service has no entry there. */
static void
fail_none(struct slc_sdn_rest_entries_op *e)
{
    const struct slc_sdn_rest_entries_class *ec = entries_of(e);

    slc_sdn_rest_fail(&e->op, SLC_ENOTFOUND, "service %s: no %s %s %s",
                      e->op.service_id, ec->entry, ec->where, e->sw);
}

/* A status: how many of the rules expected are there. */
static void
count(struct slc_sdn_rest_entries_op *e)
{
    const json_t *expected = json_array_size(e->names) ? e->names
                                                       : e->listed;
    size_t n = json_array_size(expected), have = 0, i;
    json_t *v;

    json_array_foreach(expected, i, v)
    {
        have += array_has(e->listed, json_string_value(v) ?: "");
    }
    if (!have) {
        fail_none(e);
    } else {
        slc_sdn_rest_status(&e->op, have, n, "the controller");
    }
}

/* The service is as wanted: keeps it for audits and answers. */
static void
put_done(struct slc_sdn_rest_entries_op *e)
{
    struct slc_sdn_rest_driver *drv = e->op.drv;

    if (json_object_set_new(drv->services, e->op.service_id,
                            json_pack("{ss sO sO}", entries_of(e)->sw_key,
                                      e->sw, "names", e->names, "flows",
                                      e->flows))) {
        slc_sdn_rest_fail(&e->op, SLC_ENOMEM, "out of memory");
        return;
    }
    slc_sdn_rest_finish(&e->op, 0, NULL, NULL,
                        json_pack("{ss sn sO}", "status", "ACTIVE",
                                  "error_msg", "installed_rules_ids",
                                  e->names));
}

/* Removes the next doomed entry, or goes on once all are gone. */
static void
remove_next(struct slc_sdn_rest_entries_op *e)
{
    if (e->next < json_array_size(e->doomed)) {
        entries_of(e)->call(e);
    } else if (e->op.kind == SLC_SDN_REST_PUT) {
        put_done(e);
    } else {
        slc_sdn_rest_finish(&e->op, 0, NULL, NULL, NULL);
    }
}

/* Puts the next entry, or goes on once all are there. */
static void
put_next(struct slc_sdn_rest_entries_op *e)
{
    struct slc_sdn_rest_driver *drv = e->op.drv;

    if (e->next < json_array_size(e->names)) {
        entries_of(e)->call(e);
    } else if (e->op.kind == SLC_SDN_REST_AUDIT) {
        drv->reinstalled++;
        slc_sdn_rest_note(drv, "service %s re-installed: %zu of its %zu %s "
                          "were missing", e->op.service_id,
                          json_array_size(e->doomed),
                          json_array_size(e->names), entries_of(e)->entries);
        slc_sdn_rest_entries_audit(e);
    } else {
        /* the entries of an earlier version beyond the new ones */
        json_decref(e->doomed);
        e->doomed = array_minus(e->listed, e->names);
        e->next = 0;
        e->step = SLC_SDN_REST_STEP_REMOVE;
        remove_next(e);
    }
}

/* A put was refused: an audit moves on, a create or an edit removes all
 * the service's entries then fails with the refusal. */
static void
put_refused(struct slc_sdn_rest_entries_op *e, int rc, const char *text)
{
    struct slc_sdn_rest_driver *drv = e->op.drv;

    if (e->op.kind == SLC_SDN_REST_AUDIT) {
        slc_sdn_rest_note(drv, "audit of %s failed: %s", e->op.service_id,
                          text);
        slc_sdn_rest_entries_audit(e);
        return;
    }
    json_object_del(drv->services, e->op.service_id);
    e->op.error_rc = rc;
    e->op.error = strdup(text);
    json_decref(e->doomed);
    e->doomed = array_union(e->listed, e->names);
    if (!e->op.error || !e->doomed) {
        slc_sdn_rest_fail(&e->op, rc, "%s", text);
        return;
    }
    e->next = 0;
    e->step = SLC_SDN_REST_STEP_UNDO;
    entries_of(e)->call(e);
}

static void
got_list(struct slc_sdn_rest_entries_op *e, const json_t *body)
{
    json_decref(e->listed);
    e->listed = entries_of(e)->list(e, body);
    e->next = 0;
    switch (e->op.kind) {
    case SLC_SDN_REST_PUT:
        e->step = SLC_SDN_REST_STEP_PUT;
        put_next(e);
        break;
    case SLC_SDN_REST_AUDIT:
        json_decref(e->doomed);
        e->doomed = array_minus(e->names, e->listed);
        if (json_array_size(e->doomed)) {
            e->step = SLC_SDN_REST_STEP_PUT;  /* "make it so": all again */
            put_next(e);
        } else {
            slc_sdn_rest_entries_audit(e);
        }
        break;
    case SLC_SDN_REST_DELETE:
        if (!json_array_size(e->listed)) {
            fail_none(e);
            break;
        }
        e->doomed = json_incref(e->listed);
        e->step = SLC_SDN_REST_STEP_REMOVE;
        remove_next(e);
        break;
    case SLC_SDN_REST_STATUS:
        count(e);
        break;
    case SLC_SDN_REST_CHECK:
    case SLC_SDN_REST_INSTALL:
    case SLC_SDN_REST_REMOVE:
    case SLC_SDN_REST_COUNTERS:
        break;
    }
}

void
slc_sdn_rest_entries_list(struct slc_sdn_rest_entries_op *e)
{
    e->step = SLC_SDN_REST_STEP_LIST;
    entries_of(e)->call(e);
}

void
slc_sdn_rest_entries_reply(struct slc_sdn_rest_entries_op *e, int rc,
                           const char *text, const json_t *body)
{
    switch (e->step) {
    case SLC_SDN_REST_STEP_LIST:
        if (rc && e->op.kind == SLC_SDN_REST_AUDIT) {
            slc_sdn_rest_note(e->op.drv, "audit of %s failed: %s",
                              e->op.service_id, text);
            slc_sdn_rest_entries_audit(e);
        } else if (rc) {
            slc_sdn_rest_fail(&e->op, rc, "%s", text);
        } else {
            got_list(e, body);
        }
        break;
    case SLC_SDN_REST_STEP_PUT:
        if (rc) {
            put_refused(e, rc, text);
        } else {
            e->next++;
            put_next(e);
        }
        break;
    case SLC_SDN_REST_STEP_REMOVE:
        if (rc) {
            slc_sdn_rest_fail(&e->op, rc, "%s", text);
        } else {
            e->next++;
            remove_next(e);
        }
        break;
    case SLC_SDN_REST_STEP_UNDO:
        if (rc) {
            drv_log(e->op.drv, SLC_LOG_WARN, "%s: undo: %s",
                    e->op.service_id, text);
        }
        if (++e->next < json_array_size(e->doomed)) {
            entries_of(e)->call(e);
        } else {
            slc_sdn_rest_fail(&e->op, e->op.error_rc, "%s", e->op.error);
        }
        break;
    case SLC_SDN_REST_STEP_OWN:
        break;
    }
}

void
slc_sdn_rest_entries_audit(struct slc_sdn_rest_entries_op *e)
{
    const char *sw_key = entries_of(e)->sw_key;
    const char *sw;
    json_t *kept;

    entries_clear(e);
    if (!(kept = slc_sdn_rest_audit_next(&e->op))) {
        return;
    }
    sw = json_string_value(json_object_get(kept, sw_key));
    e->sw = sw ? strdup(sw) : NULL;
    e->names = json_incref(json_object_get(kept, "names"));
    e->flows = json_incref(json_object_get(kept, "flows"));
    if (!e->sw) {
        slc_sdn_rest_finish(&e->op, SLC_ENOMEM, NULL, "out of memory", NULL);
        return;
    }
    slc_sdn_rest_entries_list(e);
}

int
slc_sdn_rest_entries_take(struct slc_sdn_rest_entries_op *e,
                          const json_t *conn_info, const char *configured,
                          struct slc_error *err)
{
    const json_t *kept = json_object_get(e->op.drv->services,
                                         e->op.service_id);
    const json_t *names = kept ? json_object_get(kept, "names")
                               : json_object_get(conn_info,
                                                 "installed_rules_ids");
    const char *sw = kept ? json_string_value(json_object_get(
                                kept, entries_of(e)->sw_key))
                          : configured;

    e->names = json_is_array(names) ? json_incref((json_t *)names)
                                    : json_array();
    if (sw && !(e->sw = strdup(sw))) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    return 0;
}

json_t *
slc_sdn_rest_entries_describe(const char *id, const json_t *kept)
{
    return json_pack("{ss sI}", "id", id, "rules",
                     (json_int_t)json_array_size(
                         json_object_get(kept, "names")));
}

bool
slc_sdn_rest_listed(const char *const *list, const char *s)
{
    for (; list && *list; list++) {
        if (!strcmp(*list, s)) {
            return true;
        }
    }
    return false;
}

/* ---- scripts ---- */

json_t *
slc_sdn_rest_call_new(const char *method, json_t *body, const char *fmt, ...)
{
    char path[600];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(path, sizeof path, fmt, ap);
    va_end(ap);
    return json_pack("{ss ss so?}", "method", method, "path", path, "body",
                     body);
}

static void
script_call(struct slc_sdn_rest_op *op)
{
    const json_t *c = json_array_get(op->script, op->script_next);
    json_t *body = json_object_get(c, "body");

    slc_sdn_rest_request(op, json_string_value(json_object_get(c, "method")),
                         json_string_value(json_object_get(c, "path")),
                         json_is_object(body) ? json_incref(body) : NULL);
}

static void
script_end(struct slc_sdn_rest_op *op, int rc, const char *msg)
{
    json_decref(op->script);
    op->script = NULL;
    op->drv->class->script_done(op, rc, msg);
}

void
slc_sdn_rest_script(struct slc_sdn_rest_op *op, json_t *calls,
                    bool keep_going)
{
    json_decref(op->script);
    op->script = calls;
    op->script_next = 0;
    op->script_keep_going = keep_going;
    if (json_array_size(calls)) {
        script_call(op);
    } else {
        script_end(op, 0, NULL);
    }
}

void
slc_sdn_rest_script_reply(struct slc_sdn_rest_op *op, int rc,
                          const char *msg)
{
    const json_t *c = json_array_get(op->script, op->script_next);
    const char *method = json_string_value(json_object_get(c, "method"));

    if (rc == SLC_ENOTFOUND && method && !strcmp(method, "DELETE")) {
        rc = 0;               /* gone already */
    }
    if (rc && !op->script_keep_going) {
        script_end(op, rc, msg);
        return;
    }
    if (rc) {
        slc_sdn_rest_note(op->drv, "%s", msg ? msg : "");
    }
    if (++op->script_next < json_array_size(op->script)) {
        script_call(op);
    } else {
        script_end(op, 0, NULL);
    }
}

/* The osken SDN driver: connectivity services (SDN assist) through a
 * Ryu-style ofctl_rest controller, os-ken running our app
 * (osken-app/slicer_ofctl_rest.py, sdn-sfc-ovs.md 2.5), which programs
 * one OpenFlow 1.3 switch.  REST plumbing is sdn-rest.h's; the rules are
 * of-rules.h's, as OSM's openflow connectors compute them (1.4).
 *
 * Controller record: url "http://HOST:PORT" (required); config =
 * {dpid (the switch, below 2^63: an integer, or 16 hex digits with or
 * without colons; default: the controller's only switch),
 * audit_interval_ms (default 5000, 0 = none), timeout_ms (each HTTP
 * request, default 5000), of_controller_nets_with_same_vlan (default
 * false)}; user and password, when set, go as HTTP Basic credentials.
 *
 * Services: id "osken-%08x" of 0x80000000 | FNV-1a(tag) & 0x7fffffff, as
 * the ovs driver's, so a create with a known tag replaces that service;
 * every flow carries cookie 0x51ce (16 bits) | that id (32) | rule index
 * (16), so a service is read and removed by cookie and mask; conn_info =
 * {dpid, cookie (the service's, index 0), rules (their number)}.  A
 * point's switch_dpid is a datapath id that must be the switch's, or
 * anything else (a switch name) for the switch; switch_port is a port
 * name of the switch (from /stats/portdesc), else a port number it has.
 *
 * ofctl_rest has no transaction nor atomic replace: a create or an edit
 * deletes the service's flows by cookie, adds the new ones one by one and
 * reads them back, so a replace leaves a short window without flows; a
 * refused add removes what was added and fails with the switch's error.
 * Only the ovs driver replaces all-or-nothing.  Operations run one at a
 * time, in order, so that two of them never interleave on one cookie.
 * A 404 from ofctl_rest means "switch not connected" (or a bad path),
 * never "no such service": it is reported as SLC_EIO.
 *
 * The driver keeps every service it installed; each audit interval it
 * counts each one's flows and re-installs a service missing some (the
 * switch or the controller restarted, a flow was removed by hand). */
#include <event2/event.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "of-rules.h"
#include "sdn-rest.h"
#include "sdn.h"
#include "slc-log.h"

SLC_LOG_MODULE(sdn_osken);

#define COOKIE_TAG (0x51ceull << 48)
#define COOKIE_MASK "0xffffffffffff0000" /* text: above a JSON integer */
#define OFPP_IN_PORT 0xfffffff8ll
#define MAX_RULES 0xffff

enum op_kind { OP_CHECK, OP_PUT, OP_DELETE, OP_STATUS, OP_AUDIT };

/* The steps of an operation, one HTTP call each. */
enum step {
    S_SWITCHES,               /* GET /stats/switches: the default dpid */
    S_PORTS,                  /* GET /stats/portdesc: port names */
    S_CLEAR,                  /* delete the service's flows by cookie */
    S_ADD,                    /* add flow 'next' */
    S_UNDO,                   /* an add was refused: delete the others */
    S_VERIFY,                 /* read the flows back after adding them */
    S_COUNT,                  /* read the flows (status, delete, audit) */
    S_REMOVE,                 /* delete the service's flows (delete) */
};

struct op {
    struct osken *k;
    enum op_kind kind;
    enum step step;
    bool started;
    uint64_t token;
    uint32_t id;              /* the service's (audit: the last checked) */
    char service_id[16];
    bool have_dpid;
    uint64_t dpid;
    json_t *prog;             /* OP_PUT: the rules (of-rules.h) */
    json_t *port_points;      /* OP_PUT: switch_port -> a point's name */
    json_t *named_dpids;      /* OP_PUT: point -> the dpid it names */
    json_t *flows;            /* the flowentry/add bodies */
    size_t next;              /* S_ADD: the flow being added */
    size_t expected;          /* OP_STATUS: the rules of the service */
    char *error;              /* S_UNDO: the refusal */
    struct op *next_op;
};

struct osken {
    struct slc_sdn up;        /* first: the core's part */
    struct slc_sdn_rest *rest;
    bool have_dpid;           /* config.dpid */
    uint64_t dpid;
    uint64_t last_dpid;       /* the switch of the last operation */
    bool same_vlan_only;
    unsigned audit_ms;
    /* The services installed, for audits: service id -> {"dpid": D,
     * "flows": [flowentry/add bodies]}. */
    json_t *services;
    struct op *ops;           /* in order; the first runs */
    bool audit_queued;
    struct event *kick, *audit_timer;
    unsigned audits, reinstalled;
    char last_event[300];
};

static void call(struct op *op, const char *method, const char *path,
                 json_t *body);

/* ---- helpers ---- */

static struct osken *
osken_of(struct slc_sdn *sdn)
{
    return (struct osken *)sdn;
}

static uint64_t
cookie_of(uint32_t id)
{
    return COOKIE_TAG | (uint64_t)id << 16;
}

static void note(struct osken *k, const char *fmt, ...) SLC_PRINTF(2, 3);

/* Records an event for describe(); logs it when it is news (an audit
 * failing every interval while the controller is down logs once). */
static void
note(struct osken *k, const char *fmt, ...)
{
    char text[sizeof k->last_event];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (strcmp(text, k->last_event)) {
        SLC_INFO("sdn '%s': %s", k->up.drv.name, text);
        snprintf(k->last_event, sizeof k->last_event, "%s", text);
    }
}

static void
free_op(struct op *op)
{
    json_decref(op->prog);
    json_decref(op->port_points);
    json_decref(op->named_dpids);
    json_decref(op->flows);
    free(op->error);
    free(op);
}

/* Queues 'op'; operations start from the loop, one at a time. */
static void
submit(struct osken *k, struct op *op)
{
    struct op **opp = &k->ops;

    while (*opp) {
        opp = &(*opp)->next_op;
    }
    *opp = op;
    event_active(k->kick, 0, 0);
}

/* Ends the running operation 'op' and delivers its result (an audit has
 * no caller: its failure is an event of the driver).  'data' is taken. */
static void
finish(struct op *op, int rc, const char *status, const char *msg,
       json_t *data)
{
    struct osken *k = op->k;
    struct slc_error err = {0};

    k->ops = op->next_op;
    if (op->kind == OP_AUDIT) {
        if (rc) {
            note(k, "audit of %s failed: %s", op->service_id, msg ? msg : "");
        }
        json_decref(data);
        k->audit_queued = false;
    } else if (slc_driver_post(&k->up.drv, op->token, rc, msg,
                               op->service_id[0] ? op->service_id : NULL,
                               status ? status : rc ? "ERROR" : "ACTIVE",
                               data, NULL, &err)) {
        SLC_WARN("sdn '%s': result of %s lost: %s", k->up.drv.name,
                 op->service_id, err.msg);
    }
    free_op(op);
    event_active(k->kick, 0, 0);
}

static void failf(struct op *op, int rc, const char *fmt, ...)
    SLC_PRINTF(3, 4);

static void
failf(struct op *op, int rc, const char *fmt, ...)
{
    char msg[SLC_ERROR_MSG_SIZE];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    finish(op, rc, NULL, msg, NULL);
}

/* A filter or a delete of the service's flows: its cookie and mask. */
static json_t *
cookie_filter(const struct op *op)
{
    return json_pack("{sI sI ss si}", "dpid", (json_int_t)op->dpid, "cookie",
                     (json_int_t)cookie_of(op->id), "cookie_mask",
                     COOKIE_MASK, "table_id", 0);
}

/* The list of a /stats/flow or /stats/portdesc reply (an object with the
 * switch as its only key), or NULL. */
static json_t *
switch_list(json_t *body)
{
    void *it = json_object_iter(body);
    json_t *list = it ? json_object_iter_value(it) : NULL;

    return json_is_array(list) ? list : NULL;
}

/* ---- the steps ---- */

static void
run(struct op *op)
{
    char path[64];

    switch (op->step) {
    case S_SWITCHES:
        call(op, "GET", "/stats/switches", NULL);
        break;
    case S_PORTS:
        snprintf(path, sizeof path, "/stats/portdesc/%" PRIu64, op->dpid);
        call(op, "GET", path, NULL);
        break;
    case S_CLEAR:
    case S_UNDO:
    case S_REMOVE:
        call(op, "POST", "/stats/flowentry/delete", cookie_filter(op));
        break;
    case S_ADD:
        call(op, "POST", "/stats/flowentry/add",
             json_incref(json_array_get(op->flows, op->next)));
        break;
    case S_VERIFY:
    case S_COUNT:
        snprintf(path, sizeof path, "/stats/flow/%" PRIu64, op->dpid);
        call(op, "POST", path, cookie_filter(op));
        break;
    }
}

/* The next step once the switch is known (a check is done); refuses a
 * point that names another datapath. */
static void
switch_known(struct op *op)
{
    const char *point;
    json_t *v;

    op->k->last_dpid = op->dpid;
    if (op->kind == OP_CHECK) {
        finish(op, 0, NULL, NULL, NULL);
        return;
    }
    json_object_foreach(op->named_dpids, point, v)
    {
        if ((uint64_t)json_integer_value(v) != op->dpid) {
            failf(op, SLC_EINVALID, "point %s: switch 0x%016" PRIx64 " is "
                  "not the controller's switch 0x%016" PRIx64, point,
                  (uint64_t)json_integer_value(v), op->dpid);
            return;
        }
    }
    op->step = op->kind == OP_PUT ? S_PORTS : S_COUNT;
    run(op);
}

static void
got_switches(struct op *op, json_t *body)
{
    struct osken *k = op->k;
    char list[400] = "";
    size_t i, n = json_array_size(body), len = 0;
    json_t *v;
    bool listed = false;

    if (!json_is_array(body)) {
        failf(op, SLC_EIO, "GET /stats/switches: the reply is not a list");
        return;
    }
    json_array_foreach(body, i, v)
    {
        uint64_t dpid = (uint64_t)json_integer_value(v);

        listed = listed || dpid == k->dpid;
        if (len < sizeof list) {
            len += (size_t)snprintf(list + len, sizeof list - len,
                                    "%s0x%016" PRIx64, i ? ", " : "", dpid);
        }
    }
    if (k->have_dpid && !listed) {
        failf(op, SLC_EINVALID, "dpid 0x%016" PRIx64 " is not connected to "
              "the controller (switches: [%s])", k->dpid, list);
    } else if (!k->have_dpid && n != 1) {
        failf(op, SLC_EINVALID, "the controller has %zu switches ([%s]): "
              "config.dpid must name %s", n, list,
              n ? "one of them" : "a connected one");
    } else {
        op->dpid = k->have_dpid ? k->dpid : (uint64_t)json_integer_value(
                                                 json_array_get(body, 0));
        op->have_dpid = true;
        switch_known(op);
    }
}

/* The OpenFlow number of 's': IN_PORT, a port name of the switch, or a
 * number one of its ports has; else 0. */
static json_int_t
port_no(const json_t *ports, const char *s)
{
    uint32_t n = slc_of_port_number(s);
    json_int_t found = 0;
    size_t i;
    json_t *p;

    if (!strcmp(s, "IN_PORT")) {
        return OFPP_IN_PORT;
    }
    json_array_foreach(ports, i, p)
    {
        const json_t *no = json_object_get(p, "port_no");
        const char *name = json_string_value(json_object_get(p, "name"));

        if (json_is_integer(no) && name && !strcmp(name, s)) {
            return json_integer_value(no);  /* a name wins */
        }
        if (n && json_integer_value(no) == n) {
            found = n;
        }
    }
    return found;
}

/* Appends the ofctl_rest actions of a rule's of-rules.h actions to
 * 'out'; SLC_EINVALID with '*bad_port' set for a port the switch lacks. */
static int
flow_actions(const json_t *actions, const json_t *ports, json_t *out,
             const char **bad_port)
{
    size_t i;
    json_t *a, *v;

    json_array_foreach(actions, i, a)
    {
        if ((v = json_object_get(a, "push_vlan"))) {
            json_array_append_new(out, json_pack("{ss si}", "type",
                                                 "PUSH_VLAN", "ethertype",
                                                 0x8100));
        }
        if (v || (v = json_object_get(a, "set_vlan"))) {
            /* ofctl passes the value on: OFPVID_PRESENT is ours to set */
            json_array_append_new(
                out, json_pack("{ss ss sI}", "type", "SET_FIELD", "field",
                               "vlan_vid", "value",
                               0x1000 | json_integer_value(v)));
        } else if (json_object_get(a, "pop_vlan")) {
            json_array_append_new(out, json_pack("{ss}", "type", "POP_VLAN"));
        } else if ((v = json_object_get(a, "output"))) {
            const char *port = json_string_value(v) ?: "";
            json_int_t no = port_no(ports, port);

            if (!no) {
                *bad_port = port;
                return SLC_EINVALID;
            }
            json_array_append_new(out, json_pack("{ss sI}", "type", "OUTPUT",
                                                 "port", no));
        }
    }
    return 0;
}

/* The flowentry/add body of rule 'n'; NULL with '*bad_port' set when the
 * switch lacks one of its ports. */
static json_t *
flow_of(const struct op *op, size_t n, const json_t *rule,
        const json_t *ports, const char **bad_port)
{
    const json_t *m = json_object_get(rule, "match"), *v;
    const char *in = json_string_value(json_object_get(m, "in_port")) ?: "";
    json_int_t in_no = port_no(ports, in);
    json_t *match = json_pack("{sI}", "in_port", in_no);
    json_t *actions = json_array();

    *bad_port = in_no ? NULL : in;
    if ((v = json_object_get(m, "vlan"))) {
        /* ofctl adds OFPVID_PRESENT to a decimal dl_vlan */
        json_object_set(match, "dl_vlan", (json_t *)v);
    }
    if ((v = json_object_get(m, "eth_dst"))) {
        json_object_set(match, "dl_dst", (json_t *)v);
    }
    if (!in_no || flow_actions(json_object_get(rule, "actions"), ports,
                               actions, bad_port)) {
        json_decref(match);
        json_decref(actions);
        return NULL;
    }
    return json_pack("{sI sI si si sO so so}", "dpid", (json_int_t)op->dpid,
                     "cookie", (json_int_t)(cookie_of(op->id) | n),
                     "cookie_mask", 0, "table_id", 0, "priority",
                     json_object_get(rule, "priority"), "match", match,
                     "actions", actions);
}

/* The flows of the service's rules, with the switch's port numbers. */
static void
got_ports(struct op *op, json_t *body)
{
    const json_t *ports = switch_list(body);
    size_t i;
    json_t *rule;

    if (!ports) {
        failf(op, SLC_EIO, "GET /stats/portdesc: the reply is not a port "
              "list");
        return;
    }
    op->flows = json_array();
    json_array_foreach(json_object_get(op->prog, "rules"), i, rule)
    {
        const char *bad = NULL;
        json_t *flow = flow_of(op, i, rule, ports, &bad);

        if (!flow) {
            const char *point = json_string_value(
                json_object_get(op->port_points, bad ? bad : ""));

            failf(op, SLC_EINVALID, "point %s: switch 0x%016" PRIx64 " has "
                  "no port '%s'", point ? point : "?", op->dpid,
                  bad ? bad : "?");
            return;
        }
        json_array_append_new(op->flows, flow);
    }
    op->step = S_CLEAR;
    run(op);
}

static void audit_next(struct op *op);

static void
got_verify(struct op *op, size_t have)
{
    struct osken *k = op->k;
    size_t n = json_array_size(op->flows);

    if (op->kind == OP_AUDIT) {
        k->reinstalled++;
        note(k, "service %s re-installed: %zu of %zu rules on the switch",
             op->service_id, have, n);
        audit_next(op);
    } else if (have != n) {
        failf(op, SLC_EIO, "%zu of %zu rules on switch 0x%016" PRIx64
              " after adding them", have, n, op->dpid);
    } else if (json_object_set_new(k->services, op->service_id,
                                   json_pack("{sI sO}", "dpid",
                                             (json_int_t)op->dpid, "flows",
                                             op->flows))) {
        failf(op, SLC_ENOMEM, "out of memory");
    } else {
        finish(op, 0, NULL, NULL,
               json_pack("{sI sI sI}", "dpid", (json_int_t)op->dpid, "cookie",
                         (json_int_t)cookie_of(op->id), "rules",
                         (json_int_t)n));
    }
}

static void
got_count(struct op *op, size_t have)
{
    size_t n = op->expected;
    char msg[100];

    if (op->kind == OP_AUDIT && have < json_array_size(op->flows)) {
        op->step = S_CLEAR;   /* "make it so": all of them again */
        run(op);
    } else if (op->kind == OP_AUDIT) {
        audit_next(op);
    } else if (!have) {
        failf(op, SLC_ENOTFOUND, "service %s: no rule on switch 0x%016"
              PRIx64, op->service_id, op->dpid);
    } else if (op->kind == OP_DELETE) {
        op->step = S_REMOVE;
        run(op);
    } else if (n && have < n) {
        snprintf(msg, sizeof msg, "%zu of %zu rules on the switch", have, n);
        finish(op, 0, "ERROR", msg, NULL);
    } else {
        finish(op, 0, "ACTIVE", NULL, NULL);
    }
}

static void
on_http(void *arg, int rc, const char *msg, json_t *body, long status)
{
    struct op *op = arg;
    json_t *flows = switch_list(body);

    if (op->step == S_UNDO) {
        failf(op, SLC_EINVALID, "%s", op->error);
    } else if (rc && op->step == S_ADD && status == 400 &&
               (op->error = strdup(msg))) {
        op->step = S_UNDO;    /* the switch refused it */
        run(op);
    } else if (rc) {
        /* ofctl_rest's 404 is a switch not connected, not a service */
        failf(op, rc == SLC_ENOTFOUND ? SLC_EIO : rc, "%s", msg);
    } else if (op->step == S_SWITCHES) {
        got_switches(op, body);
    } else if (op->step == S_PORTS) {
        got_ports(op, body);
    } else if ((op->step == S_VERIFY || op->step == S_COUNT) && !flows) {
        failf(op, SLC_EIO, "POST /stats/flow: the reply is not a flow list");
    } else if (op->step == S_VERIFY) {
        got_verify(op, json_array_size(flows));
    } else if (op->step == S_COUNT) {
        got_count(op, json_array_size(flows));
    } else if (op->step == S_REMOVE) {
        finish(op, 0, NULL, NULL, NULL);
    } else {
        /* S_CLEAR or S_ADD done: the next add, or read them back */
        op->next = op->step == S_CLEAR ? 0 : op->next + 1;
        op->step = op->next < json_array_size(op->flows) ? S_ADD : S_VERIFY;
        run(op);
    }
}

/* Starts the HTTP call of the current step; 'body' is taken. */
static void
call(struct op *op, const char *method, const char *path, json_t *body)
{
    struct slc_error err = {0};

    if (slc_sdn_rest_call(op->k->rest, method, path, body, on_http, op,
                          &err)) {
        failf(op, err.code, "%s", err.msg);
    }
}

/* ---- audits ---- */

/* Checks the kept service of the next id after op->id (by id, so that a
 * service deleted or added meanwhile is no trouble), or ends the audit. */
static void
audit_next(struct op *op)
{
    struct osken *k = op->k;
    const char *id, *next = NULL;
    json_t *s, *found = NULL;
    char last[16];

    snprintf(last, sizeof last, "osken-%08x", op->id);
    json_object_foreach(k->services, id, s)
    {
        /* ids are "osken-%08x": text order is number order */
        if (strcmp(id, last) > 0 && (!next || strcmp(id, next) < 0)) {
            next = id;
            found = s;
        }
    }
    if (!found) {
        k->audits++;
        finish(op, 0, NULL, NULL, NULL);
        return;
    }
    slc_sdn_rest_parse_service_id("osken", next, &op->id, NULL);
    snprintf(op->service_id, sizeof op->service_id, "%s", next);
    op->dpid = (uint64_t)json_integer_value(json_object_get(found, "dpid"));
    json_decref(op->flows);
    op->flows = json_incref(json_object_get(found, "flows"));
    op->step = S_COUNT;
    run(op);
}

static void
on_audit_timer(evutil_socket_t fd, short what, void *arg)
{
    struct osken *k = arg;
    struct op *op;

    if (k->audit_queued || !json_object_size(k->services) ||
        !(op = calloc(1, sizeof *op))) {
        return;
    }
    *op = (struct op){.k = k, .kind = OP_AUDIT, .have_dpid = true};
    k->audit_queued = true;
    submit(k, op);
}

/* Starts the first queued operation unless it runs already. */
static void
on_kick(evutil_socket_t fd, short what, void *arg)
{
    struct op *op = ((struct osken *)arg)->ops;

    if (!op || op->started) {
        return;
    }
    op->started = true;
    if (op->kind == OP_AUDIT) {
        audit_next(op);
    } else if (op->have_dpid) {
        switch_known(op);
    } else {
        op->step = S_SWITCHES;
        run(op);
    }
}

/* ---- the class ---- */

static const struct slc_sdn_rest_int int_keys[] = {
    {"audit_interval_ms", 0, 86400000, "milliseconds"},
    {"timeout_ms", 1, 600000, "milliseconds"},
};

/* config.dpid: an integer, or 16 hex digits (colons allowed), below
 * 2^63 (JSON integers here are signed 64-bit, as /stats/switches gives
 * dpids). */
static int
parse_dpid(const json_t *v, uint64_t *dpid)
{
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        *dpid = (uint64_t)json_integer_value(v);
        return 0;
    }
    return !json_is_string(v) ||
                   slc_of_dpid_parse(json_string_value(v), dpid) ||
                   *dpid > INT64_MAX
               ? SLC_EINVALID
               : 0;
}

static int
osken_check_config(const json_t *config, struct slc_error *err)
{
    const json_t *v = json_object_get(config, "dpid");
    uint64_t dpid;

    if (config && !json_is_object(config)) {
        return slc_error_set(err, SLC_EINVALID, "sdn controller of type "
                             "osken: config must be an object");
    }
    if (v && parse_dpid(v, &dpid)) {
        return slc_error_set(err, SLC_EINVALID, "sdn controller of type "
                             "osken: config.dpid must be a datapath id below "
                             "2^63 (an integer, or 16 hex digits, colons "
                             "allowed)");
    }
    v = json_object_get(config, "of_controller_nets_with_same_vlan");
    if (v && !json_is_boolean(v)) {
        return slc_error_set(err, SLC_EINVALID, "sdn controller of type "
                             "osken: config.of_controller_nets_with_same_vlan"
                             " must be true or false");
    }
    return slc_sdn_rest_check_ints("osken", config, int_keys,
                                   sizeof int_keys / sizeof int_keys[0],
                                   err);
}

static void osken_close(struct slc_sdn *sdn);

static int
osken_open(const struct slc_sdn_params *p, struct slc_sdn **out,
           struct slc_error *err)
{
    const json_t *audit = json_object_get(p->config, "audit_interval_ms");
    const json_t *timeout = json_object_get(p->config, "timeout_ms");
    struct timeval tv;
    struct osken *k;
    char label[300];
    int rc = osken_check_config(p->config, err);

    if (rc || (rc = slc_sdn_rest_check_url("osken", p->url, err))) {
        return rc;
    }
    if (!(k = calloc(1, sizeof *k))) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    if ((rc = slc_sdn_base_init(&k->up, &slc_sdn_osken_class, p, err))) {
        free(k);
        return rc;
    }
    k->have_dpid = !parse_dpid(json_object_get(p->config, "dpid"), &k->dpid);
    k->same_vlan_only = json_is_true(
        json_object_get(p->config, "of_controller_nets_with_same_vlan"));
    k->audit_ms = audit ? (unsigned)json_integer_value(audit) : 5000;
    snprintf(label, sizeof label, "sdn '%s'", k->up.drv.name);
    rc = slc_sdn_rest_new(
        &(struct slc_sdn_rest_params){
            .base = p->base, .url = p->url, .user = p->user,
            .password = p->password, .label = label,
            .timeout_ms = timeout ? (long)json_integer_value(timeout) : 5000},
        &k->rest, err);
    k->services = json_object();
    k->kick = event_new(p->base, -1, 0, on_kick, k);
    k->audit_timer = event_new(p->base, -1, EV_PERSIST, on_audit_timer, k);
    if (!rc && (!k->services || !k->kick || !k->audit_timer)) {
        rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    if (rc) {
        osken_close(&k->up);
        return rc;
    }
    tv = (struct timeval){k->audit_ms / 1000, k->audit_ms % 1000 * 1000};
    if (k->audit_ms) {
        event_add(k->audit_timer, &tv);
    }
    *out = &k->up;
    return 0;
}

static void
osken_close(struct slc_sdn *sdn)
{
    struct osken *k = osken_of(sdn);

    slc_sdn_rest_free(k->rest);   /* no HTTP callback runs after this */
    while (k->ops) {
        struct op *op = k->ops;

        k->ops = op->next_op;
        free_op(op);
    }
    json_decref(k->services);
    if (k->kick) {
        event_free(k->kick);
    }
    if (k->audit_timer) {
        event_free(k->audit_timer);
    }
    slc_sdn_base_fini(&k->up);
    free(k);
}

/* An operation about service 'id' (0: none), or NULL on failure. */
static struct op *
new_op(struct osken *k, enum op_kind kind, uint64_t token, uint32_t id,
       struct slc_error *err)
{
    struct op *op = calloc(1, sizeof *op);

    if (!op) {
        slc_error_set(err, SLC_ENOMEM, "out of memory");
        return NULL;
    }
    *op = (struct op){.k = k, .kind = kind, .token = token, .id = id,
                      .have_dpid = k->have_dpid && kind != OP_CHECK,
                      .dpid = k->dpid};
    if (id) {
        snprintf(op->service_id, sizeof op->service_id, "osken-%08x", id);
    }
    return op;
}

static int
osken_check_credentials(struct slc_sdn *sdn, uint64_t token,
                        struct slc_error *err)
{
    struct op *op = new_op(osken_of(sdn), OP_CHECK, token, 0, err);

    if (op) {
        submit(osken_of(sdn), op);
    }
    return op ? 0 : err->code;
}

/* What an install needs of the points once the call has returned: the
 * rules, which point each port is of, and the dpids points name. */
static int
take_points(struct osken *k, struct op *op,
            const struct slc_sdn_service_spec *spec, struct slc_error *err)
{
    int rc = slc_of_rules(spec->name ? spec->name : op->service_id,
                          spec->type, spec->ports, spec->n_ports,
                          k->same_vlan_only, &op->prog, err);

    if (rc) {
        return rc;
    }
    if (json_array_size(json_object_get(op->prog, "rules")) > MAX_RULES) {
        return slc_error_set(err, SLC_EINVALID, "service %s: more than %d "
                             "rules", op->service_id, MAX_RULES);
    }
    op->port_points = json_object();
    op->named_dpids = json_object();
    for (size_t i = 0; i < spec->n_ports; i++) {
        const struct slc_sdn_endpoint *p = &spec->ports[i];
        char num[24];
        const char *name = p->id;
        uint64_t dpid;

        if (!name) {
            snprintf(num, sizeof num, "#%zu", i + 1);
            name = num;
        }
        if (!json_object_get(op->port_points, p->switch_port)) {
            json_object_set_new(op->port_points, p->switch_port,
                                json_string(name));
        }
        /* a switch_dpid that is no dpid (a name) is the switch */
        if (p->switch_dpid && !slc_of_dpid_parse(p->switch_dpid, &dpid)) {
            json_object_set_new(op->named_dpids, name,
                                json_integer((json_int_t)dpid));
        }
    }
    return 0;
}

static int
put_service(struct osken *k, uint64_t token, uint32_t id,
            const struct slc_sdn_service_spec *spec, struct slc_error *err)
{
    struct op *op = new_op(k, OP_PUT, token, id, err);
    int rc = op ? take_points(k, op, spec, err) : err->code;

    if (op && rc) {
        free_op(op);
    } else if (op) {
        submit(k, op);
    }
    return rc;
}

static int
osken_create_service(struct slc_sdn *sdn, uint64_t token,
                     const struct slc_sdn_service_spec *spec,
                     struct slc_error *err)
{
    char text[16];
    uint32_t id = slc_sdn_rest_service_id(
        "osken", spec->tag ? spec->tag : spec->name, text, sizeof text);

    return put_service(osken_of(sdn), token, id, spec, err);
}

static int
osken_edit_service(struct slc_sdn *sdn, uint64_t token,
                   const char *service_id,
                   const struct slc_sdn_service_spec *spec,
                   struct slc_error *err)
{
    uint32_t id = 0;

    return slc_sdn_rest_parse_service_id("osken", service_id, &id, err)
               ? err->code
               : put_service(osken_of(sdn), token, id, spec, err);
}

/* A delete or a status: the switch from conn_info, else config's or the
 * controller's only one. */
static int
service_call(struct slc_sdn *sdn, enum op_kind kind, uint64_t token,
             const char *service_id, const json_t *conn_info,
             struct slc_error *err)
{
    struct osken *k = osken_of(sdn);
    const json_t *dpid = json_object_get(conn_info, "dpid");
    const json_t *kept;
    uint32_t id = 0;
    struct op *op;

    if (slc_sdn_rest_parse_service_id("osken", service_id, &id, err) ||
        !(op = new_op(k, kind, token, id, err))) {
        return err->code;
    }
    if (json_is_integer(dpid)) {
        op->dpid = (uint64_t)json_integer_value(dpid);
        op->have_dpid = true;
    }
    kept = json_object_get(json_object_get(k->services, op->service_id),
                           "flows");
    op->expected = kept ? json_array_size(kept)
                        : (size_t)json_integer_value(
                              json_object_get(conn_info, "rules"));
    if (kind == OP_DELETE) {
        /* audits stop re-installing it now */
        json_object_del(k->services, op->service_id);
    }
    submit(k, op);
    return 0;
}

static int
osken_delete_service(struct slc_sdn *sdn, uint64_t token,
                     const char *service_id, const json_t *conn_info,
                     struct slc_error *err)
{
    return service_call(sdn, OP_DELETE, token, service_id, conn_info, err);
}

static int
osken_service_status(struct slc_sdn *sdn, uint64_t token,
                     const char *service_id, const json_t *conn_info,
                     struct slc_error *err)
{
    return service_call(sdn, OP_STATUS, token, service_id, conn_info, err);
}

static json_t *
osken_describe(struct slc_sdn *sdn)
{
    struct osken *k = osken_of(sdn);
    json_t *services = json_array(), *s;
    uint64_t dpid = k->have_dpid ? k->dpid : k->last_dpid;
    const char *id;
    char text[24];

    json_object_foreach(k->services, id, s)
    {
        json_array_append_new(
            services,
            json_pack("{ss sI}", "id", id, "rules",
                      (json_int_t)json_array_size(
                          json_object_get(s, "flows"))));
    }
    snprintf(text, sizeof text, "0x%016" PRIx64, dpid);
    return json_pack("{ss so? so si si ss}", "url",
                     slc_sdn_rest_url(k->rest), "dpid",
                     k->have_dpid || dpid ? json_string(text) : NULL,
                     "services", services, "audits", (int)k->audits,
                     "reinstalled", (int)k->reinstalled, "last_event",
                     k->last_event);
}

static int
osken_service_id(struct slc_sdn *sdn, const char *tag, char *out,
                 size_t size)
{
    slc_sdn_rest_service_id("osken", tag, out, size);
    return 0;
}

const struct slc_sdn_class slc_sdn_osken_class = {
    .version = SLC_SDN_CLASS_VERSION,
    .type = "osken",
    .check_config = osken_check_config,
    .open = osken_open,
    .close = osken_close,
    .check_credentials = osken_check_credentials,
    .create_service = osken_create_service,
    .edit_service = osken_edit_service,
    .delete_service = osken_delete_service,
    .service_status = osken_service_status,
    .describe = osken_describe,
    .service_id = osken_service_id,
};

/* The odlof SDN driver: connectivity services (SDN assist) through
 * OpenDaylight's RESTCONF inventory (sdn-sfc-ovs.md 2.3), as OSM's
 * odl_openflow connector programs them: one flow per rule of of-rules.h
 * (1.4) in table 0 of the node's configuration datastore, which
 * openflowplugin pushes to the switch.  REST plumbing is sdn-rest.h's;
 * sdn-osken.c is the model, sdn-floodlight.c the sibling.
 *
 * Controller record: url "http://HOST:PORT" (required; the RESTCONF
 * paths go under it); user and password, when a user is set, go as HTTP
 * Basic credentials; config = {dpid (the switch: an integer, or 16 hex
 * digits with or without colons; default: the controller's only node
 * other than "controller-config"), audit_interval_ms (default 5000, 0 =
 * none), timeout_ms (each HTTP request, default 5000),
 * of_controller_nets_with_same_vlan (default false)}.
 *
 * Services: id "odlof-%08x" of 0x80000000 | FNV-1a(tag) & 0x7fffffff, so
 * that a create with a known tag replaces that service; its flows are
 * "<service id>.<n>" (n the rule's index), so the service's flows are the
 * flows of table 0 whose id starts with "<service id>."; conn_info =
 * {status, error_msg, installed_rules_ids} as OSM's.  A point's
 * switch_dpid is a datapath id that must be the node's, or anything else
 * (a switch name) for the node; switch_port is a port name of the node
 * (flow-node-inventory:name), else a port number it has.
 *
 * Where our flows differ from OSM's (openflowplugin's translation to
 * OpenFlow 1.3, model-flow-base opendaylight-action-types.yang):
 * - a VLAN pushed on an untagged packet is push-vlan-action (ethernet-type
 *   33024) then set-field vlan-id: OSM sends the set-field alone, which
 *   the switch refuses (OFPBAC_MATCH_INCONSISTENT); set-vlan-id-action
 *   would pass, but openflowplugin then splits the flow in two behind our
 *   back;
 * - a VLAN removed is pop-vlan-action: OSM's strip-vlan-action becomes a
 *   set_field of VLAN id 0 on OpenFlow 1.3 (SalToOfStripVlanActionCase):
 *   the tag stays;
 * - a hairpin (two VFs of one NIC) outputs to "openflow:N:INPORT".
 *
 * RESTCONF has no transaction: a create or an edit reads the service's
 * flows, PUTs every rule (a PUT replaces the flow of that id), then
 * deletes the service's flows beyond the new rules.  A refused PUT (400
 * with a RESTCONF errors document, the switch's refusal) deletes every
 * flow of the service and fails with the controller's words.  Operations
 * run one at a time, in order, so that two never interleave on one
 * service.
 *
 * The driver keeps every service it installed; each audit interval it
 * reads table 0 and re-PUTs all the flows of a service missing some (the
 * controller restarted without its datastore, a flow was deleted by
 * hand). */
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

SLC_LOG_MODULE(sdn_odlof);

#define NODES_OPER "/restconf/operational/opendaylight-inventory:nodes"
#define NODES_CONF "/restconf/config/opendaylight-inventory:nodes/node/"
#define NODE_PREFIX "openflow:"
#define ETHERTYPE_VLAN 33024
#define ID_SIZE 24

enum op_kind { OP_CHECK, OP_PUT, OP_DELETE, OP_STATUS, OP_AUDIT };

/* The steps of an operation, one HTTP call each. */
enum step {
    S_NODES,                  /* GET the inventory: the node, its ports */
    S_LIST,                   /* GET table 0: the service's flows there */
    S_PUT,                    /* PUT flow 'next' */
    S_REMOVE,                 /* DELETE flow 'next' of 'doomed' */
    S_UNDO,                   /* a PUT was refused: the same, then fail */
};

struct op {
    struct odl *o;
    enum op_kind kind;
    enum step step;
    bool started;
    uint64_t token;
    uint32_t id;              /* the service's (audit: the last checked) */
    char service_id[ID_SIZE];
    char *node;               /* "openflow:N"; NULL until known */
    json_t *connectors;       /* OP_PUT: the node's node-connector list */
    json_t *prog;             /* OP_PUT: the rules (of-rules.h) */
    json_t *port_points;      /* OP_PUT: switch_port -> a point's name */
    json_t *named_dpids;      /* OP_PUT: point -> the dpid it names */
    json_t *names;            /* the flow ids to put (status: to expect) */
    json_t *flows;            /* the PUT bodies, in the order of 'names' */
    json_t *listed;           /* S_LIST: the service's flow ids there */
    json_t *doomed;           /* S_REMOVE, S_UNDO: the flow ids to delete */
    size_t next;
    int error_rc;             /* S_UNDO: the refusal */
    char *error;
    struct op *next_op;
};

struct odl {
    struct slc_sdn up;        /* first: the core's part */
    struct slc_sdn_rest *rest;
    bool have_dpid;           /* config.dpid */
    uint64_t dpid;
    char last_node[40];       /* the node of the last operation */
    bool same_vlan_only;
    unsigned audit_ms;
    /* The services installed, for audits: service id -> {"node": N,
     * "names": [flow ids], "flows": [PUT bodies]}. */
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

static struct odl *
odl_of(struct slc_sdn *sdn)
{
    return (struct odl *)sdn;
}

static void note(struct odl *o, const char *fmt, ...) SLC_PRINTF(2, 3);

/* Records an event for describe(); logs it when it is news (an audit
 * failing every interval while the controller is down logs once). */
static void
note(struct odl *o, const char *fmt, ...)
{
    char text[sizeof o->last_event];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (strcmp(text, o->last_event)) {
        SLC_INFO("sdn '%s': %s", o->up.drv.name, text);
        snprintf(o->last_event, sizeof o->last_event, "%s", text);
    }
}

/* Drops what an operation learnt about one service (audits move on). */
static void
clear_service(struct op *op)
{
    free(op->node);
    json_decref(op->names);
    json_decref(op->flows);
    json_decref(op->listed);
    json_decref(op->doomed);
    op->node = NULL;
    op->names = op->flows = op->listed = op->doomed = NULL;
}

static void
free_op(struct op *op)
{
    clear_service(op);
    json_decref(op->connectors);
    json_decref(op->prog);
    json_decref(op->port_points);
    json_decref(op->named_dpids);
    free(op->error);
    free(op);
}

/* Queues 'op'; operations start from the loop, one at a time. */
static void
submit(struct odl *o, struct op *op)
{
    struct op **opp = &o->ops;

    while (*opp) {
        opp = &(*opp)->next_op;
    }
    *opp = op;
    event_active(o->kick, 0, 0);
}

/* Ends the running operation 'op' and delivers its result (an audit has
 * no caller: its failure is an event of the driver).  'data' is taken. */
static void
finish(struct op *op, int rc, const char *status, const char *msg,
       json_t *data)
{
    struct odl *o = op->o;
    struct slc_error err = {0};

    o->ops = op->next_op;
    if (op->kind == OP_AUDIT) {
        json_decref(data);
        o->audit_queued = false;
    } else if (slc_driver_post(&o->up.drv, op->token, rc, msg,
                               op->service_id[0] ? op->service_id : NULL,
                               status ? status : rc ? "ERROR" : "ACTIVE",
                               data, NULL, &err)) {
        SLC_WARN("sdn '%s': result of %s lost: %s", o->up.drv.name,
                 op->service_id, err.msg);
    }
    free_op(op);
    event_active(o->kick, 0, 0);
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

/* The controller's words: sdn-rest's "<METHOD> <path>: <status> <body>"
 * with the body replaced by the error-message of a RESTCONF errors
 * document when it is one, on one line. */
static void
restconf_msg(const char *msg, const json_t *body, long status, char *out,
             size_t size)
{
    const json_t *e = json_array_get(
        json_object_get(json_object_get(body, "errors"), "error"), 0);
    const char *words = json_string_value(
        json_object_get(e, "error-message"));
    char mark[32];
    const char *cut;

    snprintf(mark, sizeof mark, ": %ld", status);
    cut = words && msg ? strstr(msg, mark) : NULL;
    if (!cut) {
        snprintf(out, size, "%s", msg ? msg : "");
        return;
    }
    snprintf(out, size, "%.*s: %ld %s", (int)(cut - msg), msg, status,
             words);
    for (char *p = out; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            *p = ' ';
        }
    }
    slc_utf8_scrub(out);
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

static void
flow_path(const struct op *op, const char *name, char *buf, size_t size)
{
    snprintf(buf, size, NODES_CONF "%s/table/0/flow/%s", op->node, name);
}

/* ---- the steps ---- */

static void
run(struct op *op)
{
    char path[512];

    switch (op->step) {
    case S_NODES:
        call(op, "GET", NODES_OPER, NULL);
        break;
    case S_LIST:
        snprintf(path, sizeof path, NODES_CONF "%s/table/0", op->node);
        call(op, "GET", path, NULL);
        break;
    case S_PUT:
        flow_path(op, json_string_value(json_array_get(op->names, op->next)),
                  path, sizeof path);
        call(op, "PUT", path, json_incref(json_array_get(op->flows,
                                                          op->next)));
        break;
    case S_REMOVE:
    case S_UNDO:
        flow_path(op, json_string_value(json_array_get(op->doomed,
                                                       op->next)),
                  path, sizeof path);
        call(op, "DELETE", path, NULL);
        break;
    }
}

/* The datapath id of node "openflow:N". */
static uint64_t
node_dpid(const char *node)
{
    return strtoull(node + strlen(NODE_PREFIX), NULL, 10);
}

/* The node-connector id of 's' on the node: IN_PORT, a port name, or a
 * port number it has; else NULL.  A new string. */
static json_t *
connector_of(const struct op *op, const char *s)
{
    uint32_t n = slc_of_port_number(s);
    char want[64];
    json_t *found = NULL, *c;
    size_t i;

    if (!strcmp(s, "IN_PORT")) {
        return json_sprintf("%s:INPORT", op->node);
    }
    snprintf(want, sizeof want, "%s:%" PRIu32, op->node, n);
    json_array_foreach(op->connectors, i, c)
    {
        const char *id = json_string_value(json_object_get(c, "id"));
        const char *name = json_string_value(
            json_object_get(c, "flow-node-inventory:name"));

        if (id && name && !strcmp(name, s)) {
            json_decref(found);
            return json_string(id);   /* a name wins */
        }
        if (id && n && !found && !strcmp(id, want)) {
            found = json_string(id);
        }
    }
    return found;
}

/* vlan-match {vlan-id: {vlan-id-present: true, vlan-id: V}}. */
static json_t *
vlan_match(const json_t *v)
{
    return json_pack("{s{sbsO}}", "vlan-id", "vlan-id-present", 1,
                     "vlan-id", v);
}

/* The apply-actions of a rule's of-rules.h actions; NULL with
 * '*bad_port' set for a port the node lacks. */
static json_t *
flow_actions(const struct op *op, const json_t *actions,
             const char **bad_port)
{
    json_t *out = json_array(), *a, *v;
    int order = 0;
    size_t i;

    json_array_foreach(actions, i, a)
    {
        if ((v = json_object_get(a, "push_vlan"))) {
            json_array_append_new(
                out, json_pack("{si s{si}}", "order", order++,
                               "push-vlan-action", "ethernet-type",
                               ETHERTYPE_VLAN));
        }
        if (v || (v = json_object_get(a, "set_vlan"))) {
            json_array_append_new(
                out, json_pack("{si s{so}}", "order", order++, "set-field",
                               "vlan-match", vlan_match(v)));
        } else if (json_object_get(a, "pop_vlan")) {
            json_array_append_new(out, json_pack("{si s{}}", "order",
                                                 order++, "pop-vlan-action"));
        } else if ((v = json_object_get(a, "output"))) {
            const char *port = json_string_value(v) ?: "";
            json_t *c = connector_of(op, port);

            if (!c) {
                *bad_port = port;
                json_decref(out);
                return NULL;
            }
            json_array_append_new(
                out, json_pack("{si s{so}}", "order", order++,
                               "output-action", "output-node-connector", c));
        }
    }
    return out;
}

/* The PUT body of a rule; NULL with '*bad_port' set when the node lacks
 * one of its ports. */
static json_t *
flow_of(const struct op *op, const json_t *rule, const char **bad_port)
{
    const json_t *m = json_object_get(rule, "match"), *v;
    const json_t *name = json_object_get(rule, "name");
    const char *in = json_string_value(json_object_get(m, "in_port")) ?: "";
    json_t *in_c = connector_of(op, in);
    json_t *match, *actions;

    *bad_port = in;
    if (!in_c) {
        return NULL;
    }
    match = json_pack("{so}", "in-port", in_c);
    if ((v = json_object_get(m, "eth_dst"))) {
        json_object_set_new(match, "ethernet-match",
                            json_pack("{s{sO}}", "ethernet-destination",
                                      "address", v));
    }
    if ((v = json_object_get(m, "vlan"))) {
        json_object_set_new(match, "vlan-match", vlan_match(v));
    }
    actions = flow_actions(op, json_object_get(rule, "actions"), bad_port);
    if (!actions) {
        json_decref(match);
        return NULL;
    }
    return json_pack("{s[{sO sO si si si sO so s{s[{si s{so}}]}}]}",
                     "flow-node-inventory:flow", "id", name, "flow-name",
                     name, "idle-timeout", 0, "hard-timeout", 0, "table_id",
                     0, "priority", json_object_get(rule, "priority"),
                     "match", match, "instructions", "instruction", "order",
                     1, "apply-actions", "action", actions);
}

/* The flows of the service's rules, with the node's connectors; then the
 * service's flows are read. */
static void
build_flows(struct op *op)
{
    size_t i;
    json_t *rule;

    op->names = json_array();
    op->flows = json_array();
    json_array_foreach(json_object_get(op->prog, "rules"), i, rule)
    {
        const char *bad = NULL;
        json_t *flow = flow_of(op, rule, &bad);

        if (!flow) {
            const char *point = json_string_value(
                json_object_get(op->port_points, bad ? bad : ""));

            failf(op, SLC_EINVALID, "point %s: node %s has no port '%s'",
                  point ? point : "?", op->node, bad ? bad : "?");
            return;
        }
        json_array_append(op->names, json_object_get(rule, "name"));
        json_array_append_new(op->flows, flow);
    }
    op->step = S_LIST;
    run(op);
}

/* The next step once the node is known (a check is done); refuses a
 * point that names another datapath. */
static void
node_known(struct op *op)
{
    const char *point;
    json_t *v;

    snprintf(op->o->last_node, sizeof op->o->last_node, "%s", op->node);
    if (op->kind == OP_CHECK) {
        finish(op, 0, NULL, NULL, NULL);
        return;
    }
    if (op->kind != OP_PUT) {
        op->step = S_LIST;
        run(op);
        return;
    }
    json_object_foreach(op->named_dpids, point, v)
    {
        if ((uint64_t)json_integer_value(v) != node_dpid(op->node)) {
            failf(op, SLC_EINVALID, "point %s: switch 0x%016" PRIx64 " is "
                  "not the controller's node %s", point,
                  (uint64_t)json_integer_value(v), op->node);
            return;
        }
    }
    build_flows(op);
}

static void
got_nodes(struct op *op, const json_t *body)
{
    struct odl *o = op->o;
    const json_t *nodes = json_object_get(json_object_get(body, "nodes"),
                                          "node");
    const json_t *found = NULL, *only = NULL, *node;
    char want[40], list[400] = "";
    size_t i, n = 0, len = 0;

    if (!json_is_object(json_object_get(body, "nodes"))) {
        failf(op, SLC_EIO, "GET " NODES_OPER ": the reply is not a node "
              "list");
        return;
    }
    snprintf(want, sizeof want, NODE_PREFIX "%" PRIu64, o->dpid);
    json_array_foreach(nodes, i, node)
    {
        const char *id = json_string_value(json_object_get(node, "id"));

        if (!id || !strcmp(id, "controller-config")) {
            continue;
        }
        n++;
        only = node;
        found = !strcmp(id, want) ? node : found;
        if (len < sizeof list) {
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
                                    n > 1 ? ", " : "", id);
        }
    }
    if (o->have_dpid && !found) {
        failf(op, SLC_EINVALID, "node %s (dpid 0x%016" PRIx64 ") is not "
              "connected to the controller (nodes: [%s])", want, o->dpid,
              list);
        return;
    }
    if (!o->have_dpid && n != 1) {
        failf(op, SLC_EINVALID, "the controller has %zu nodes ([%s]): "
              "config.dpid must name %s", n, list,
              n ? "one of them" : "a connected one");
        return;
    }
    node = o->have_dpid ? found : only;
    if (strncmp(json_string_value(json_object_get(node, "id")), NODE_PREFIX,
                strlen(NODE_PREFIX))) {
        failf(op, SLC_EINVALID, "node %s is not an openflow node",
              json_string_value(json_object_get(node, "id")));
        return;
    }
    op->node = strdup(json_string_value(json_object_get(node, "id")));
    json_decref(op->connectors);
    op->connectors = json_incref(json_object_get(node, "node-connector"));
    if (!op->node) {
        failf(op, SLC_ENOMEM, "out of memory");
        return;
    }
    node_known(op);
}

static void audit_next(struct op *op);
static void put_next(struct op *op);
static void remove_next(struct op *op);

/* The service's flow ids among those of table 0 ('body' NULL: none). */
static json_t *
service_flows(const struct op *op, const json_t *body)
{
    const json_t *tables = json_object_get(body, "flow-node-inventory:table");
    const json_t *flows, *f;
    json_t *names = json_array();
    size_t len = strlen(op->service_id), i;

    if (!tables) {
        tables = json_object_get(body, "table");
    }
    flows = json_object_get(json_array_get(tables, 0), "flow");
    json_array_foreach(flows, i, f)
    {
        const char *id = json_string_value(json_object_get(f, "id"));

        if (id && !strncmp(id, op->service_id, len) && id[len] == '.') {
            json_array_append_new(names, json_string(id));
        }
    }
    return names;
}

/* A status: how many of the rules expected are there. */
static void
count(struct op *op)
{
    const json_t *expected = json_array_size(op->names) ? op->names
                                                        : op->listed;
    size_t n = json_array_size(expected), have = 0, i;
    json_t *v;
    char msg[100];

    json_array_foreach(expected, i, v)
    {
        have += array_has(op->listed, json_string_value(v) ?: "");
    }
    if (!have) {
        failf(op, SLC_ENOTFOUND, "service %s: no flow in table 0 of node "
              "%s", op->service_id, op->node);
    } else if (have < n) {
        snprintf(msg, sizeof msg, "%zu of %zu rules on the controller",
                 have, n);
        finish(op, 0, "ERROR", msg, NULL);
    } else {
        finish(op, 0, "ACTIVE", NULL, NULL);
    }
}

static void
got_list(struct op *op, const json_t *body)
{
    json_decref(op->listed);
    op->listed = service_flows(op, body);
    op->next = 0;
    switch (op->kind) {
    case OP_PUT:
        op->step = S_PUT;
        put_next(op);
        break;
    case OP_AUDIT:
        json_decref(op->doomed);
        op->doomed = array_minus(op->names, op->listed);
        if (json_array_size(op->doomed)) {
            op->step = S_PUT;   /* "make it so": all of them again */
            put_next(op);
        } else {
            audit_next(op);
        }
        break;
    case OP_DELETE:
        if (!json_array_size(op->listed)) {
            failf(op, SLC_ENOTFOUND, "service %s: no flow in table 0 of "
                  "node %s", op->service_id, op->node);
            break;
        }
        op->doomed = json_incref(op->listed);
        op->step = S_REMOVE;
        remove_next(op);
        break;
    case OP_STATUS:
        count(op);
        break;
    case OP_CHECK:
        break;
    }
}

/* PUTs the next flow, or goes on once all are there. */
static void
put_next(struct op *op)
{
    struct odl *o = op->o;

    if (op->next < json_array_size(op->names)) {
        run(op);
    } else if (op->kind == OP_AUDIT) {
        o->reinstalled++;
        note(o, "service %s re-installed: %zu of its %zu flows were "
             "missing", op->service_id, json_array_size(op->doomed),
             json_array_size(op->names));
        audit_next(op);
    } else {
        /* the flows of an earlier version beyond the new ones */
        op->doomed = array_minus(op->listed, op->names);
        op->next = 0;
        op->step = S_REMOVE;
        remove_next(op);
    }
}

/* A PUT was refused: an audit moves on, a create or an edit deletes all
 * the service's flows then fails with the refusal. */
static void
put_refused(struct op *op, int rc, const char *msg)
{
    struct odl *o = op->o;

    if (op->kind == OP_AUDIT) {
        note(o, "audit of %s failed: %s", op->service_id, msg);
        audit_next(op);
        return;
    }
    json_object_del(o->services, op->service_id);
    op->error_rc = rc;
    op->error = strdup(msg);
    op->doomed = array_union(op->listed, op->names);
    if (!op->error || !op->doomed) {
        failf(op, rc, "%s", msg);
        return;
    }
    op->next = 0;
    op->step = S_UNDO;
    run(op);
}

/* The service is as wanted: keeps it for audits and answers. */
static void
put_done(struct op *op)
{
    struct odl *o = op->o;

    if (json_object_set_new(o->services, op->service_id,
                            json_pack("{ss sO sO}", "node", op->node,
                                      "names", op->names, "flows",
                                      op->flows))) {
        failf(op, SLC_ENOMEM, "out of memory");
        return;
    }
    finish(op, 0, NULL, NULL,
           json_pack("{ss sn sO}", "status", "ACTIVE", "error_msg",
                     "installed_rules_ids", op->names));
}

static void
remove_next(struct op *op)
{
    if (op->next < json_array_size(op->doomed)) {
        run(op);
    } else if (op->kind == OP_PUT) {
        put_done(op);
    } else {
        finish(op, 0, NULL, NULL, NULL);
    }
}

static void
on_http(void *arg, int rc, const char *msg, json_t *body, long status)
{
    struct op *op = arg;
    char text[SLC_ERROR_MSG_SIZE];

    if (rc) {
        restconf_msg(msg, body, status, text, sizeof text);
    }
    switch (op->step) {
    case S_NODES:
        if (rc) {
            failf(op, rc, "%s", text);
        } else {
            got_nodes(op, body);
        }
        break;
    case S_LIST:
        if (rc && rc != SLC_ENOTFOUND) {
            if (op->kind == OP_AUDIT) {
                note(op->o, "audit of %s failed: %s", op->service_id, text);
                audit_next(op);
            } else {
                failf(op, rc, "%s", text);
            }
        } else {
            got_list(op, rc ? NULL : body);   /* 404: no table 0 */
        }
        break;
    case S_PUT:
        if (rc) {
            put_refused(op, rc, text);
        } else {
            op->next++;
            put_next(op);
        }
        break;
    case S_REMOVE:
        if (rc && rc != SLC_ENOTFOUND) {
            failf(op, rc, "%s", text);
        } else {
            op->next++;
            remove_next(op);
        }
        break;
    case S_UNDO:
        if (rc && rc != SLC_ENOTFOUND) {
            SLC_WARN("sdn '%s': %s: undo: %s", op->o->up.drv.name,
                     op->service_id, text);
        }
        if (++op->next < json_array_size(op->doomed)) {
            run(op);
        } else {
            failf(op, op->error_rc, "%s", op->error);
        }
        break;
    }
}

/* Starts the HTTP call of the current step; 'body' is taken. */
static void
call(struct op *op, const char *method, const char *path, json_t *body)
{
    struct slc_error err = {0};

    if (slc_sdn_rest_call(op->o->rest, method, path, body, on_http, op,
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
    struct odl *o = op->o;
    const char *id, *next = NULL;
    json_t *s, *found = NULL;
    char last[ID_SIZE];

    snprintf(last, sizeof last, "odlof-%08x", op->id);
    json_object_foreach(o->services, id, s)
    {
        /* ids are "odlof-%08x": text order is number order */
        if (strcmp(id, last) > 0 && (!next || strcmp(id, next) < 0)) {
            next = id;
            found = s;
        }
    }
    clear_service(op);
    if (!found) {
        o->audits++;
        finish(op, 0, NULL, NULL, NULL);
        return;
    }
    slc_sdn_rest_parse_service_id("odlof", next, &op->id, NULL);
    snprintf(op->service_id, sizeof op->service_id, "%s", next);
    op->node = strdup(json_string_value(json_object_get(found, "node")));
    op->names = json_incref(json_object_get(found, "names"));
    op->flows = json_incref(json_object_get(found, "flows"));
    if (!op->node) {
        finish(op, SLC_ENOMEM, NULL, "out of memory", NULL);
        return;
    }
    op->step = S_LIST;
    run(op);
}

static void
on_audit_timer(evutil_socket_t fd, short what, void *arg)
{
    struct odl *o = arg;
    struct op *op;

    (void)fd;
    (void)what;
    if (o->audit_queued || !json_object_size(o->services) ||
        !(op = calloc(1, sizeof *op))) {
        return;
    }
    *op = (struct op){.o = o, .kind = OP_AUDIT};
    o->audit_queued = true;
    submit(o, op);
}

/* Starts the first queued operation unless it runs already. */
static void
on_kick(evutil_socket_t fd, short what, void *arg)
{
    struct op *op = ((struct odl *)arg)->ops;

    (void)fd;
    (void)what;
    if (!op || op->started) {
        return;
    }
    op->started = true;
    if (op->kind == OP_AUDIT) {
        audit_next(op);
    } else if (op->node) {
        node_known(op);
    } else {
        op->step = S_NODES;
        run(op);
    }
}

/* ---- the class ---- */

static const struct slc_sdn_rest_int int_keys[] = {
    {"audit_interval_ms", 0, 86400000, "milliseconds"},
    {"timeout_ms", 1, 600000, "milliseconds"},
};

/* config.dpid: an integer, or 16 hex digits (colons allowed). */
static int
parse_dpid(const json_t *v, uint64_t *dpid)
{
    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        *dpid = (uint64_t)json_integer_value(v);
        return 0;
    }
    return !json_is_string(v) ||
                   slc_of_dpid_parse(json_string_value(v), dpid)
               ? SLC_EINVALID
               : 0;
}

static int
odl_check_config(const json_t *config, struct slc_error *err)
{
    const json_t *v = json_object_get(config, "dpid");
    uint64_t dpid;

    if (config && !json_is_object(config)) {
        return slc_error_set(err, SLC_EINVALID, "sdn controller of type "
                             "odlof: config must be an object");
    }
    if (v && parse_dpid(v, &dpid)) {
        return slc_error_set(err, SLC_EINVALID, "sdn controller of type "
                             "odlof: config.dpid must be a datapath id (an "
                             "integer, or 16 hex digits, colons allowed)");
    }
    v = json_object_get(config, "of_controller_nets_with_same_vlan");
    if (v && !json_is_boolean(v)) {
        return slc_error_set(err, SLC_EINVALID, "sdn controller of type "
                             "odlof: config.of_controller_nets_with_same_vlan"
                             " must be true or false");
    }
    return slc_sdn_rest_check_ints("odlof", config, int_keys,
                                   sizeof int_keys / sizeof int_keys[0],
                                   err);
}

static void odl_close(struct slc_sdn *sdn);

static int
odl_open(const struct slc_sdn_params *p, struct slc_sdn **out,
         struct slc_error *err)
{
    const json_t *audit = json_object_get(p->config, "audit_interval_ms");
    const json_t *timeout = json_object_get(p->config, "timeout_ms");
    struct timeval tv;
    struct odl *o;
    char label[300];
    int rc = odl_check_config(p->config, err);

    if (rc || (rc = slc_sdn_rest_check_url("odlof", p->url, err))) {
        return rc;
    }
    if (!(o = calloc(1, sizeof *o))) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    if ((rc = slc_sdn_base_init(&o->up, &slc_sdn_odlof_class, p, err))) {
        free(o);
        return rc;
    }
    o->have_dpid = !parse_dpid(json_object_get(p->config, "dpid"), &o->dpid);
    o->same_vlan_only = json_is_true(
        json_object_get(p->config, "of_controller_nets_with_same_vlan"));
    o->audit_ms = audit ? (unsigned)json_integer_value(audit) : 5000;
    snprintf(label, sizeof label, "sdn '%s'", o->up.drv.name);
    /* Basic credentials whenever a user is set */
    rc = slc_sdn_rest_new(
        &(struct slc_sdn_rest_params){
            .base = p->base, .url = p->url, .user = p->user,
            .password = p->user && !p->password ? "" : p->password,
            .label = label,
            .timeout_ms = timeout ? (long)json_integer_value(timeout) : 5000},
        &o->rest, err);
    o->services = json_object();
    o->kick = event_new(p->base, -1, 0, on_kick, o);
    o->audit_timer = event_new(p->base, -1, EV_PERSIST, on_audit_timer, o);
    if (!rc && (!o->services || !o->kick || !o->audit_timer)) {
        rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    if (rc) {
        odl_close(&o->up);
        return rc;
    }
    tv = (struct timeval){o->audit_ms / 1000, o->audit_ms % 1000 * 1000};
    if (o->audit_ms) {
        event_add(o->audit_timer, &tv);
    }
    *out = &o->up;
    return 0;
}

static void
odl_close(struct slc_sdn *sdn)
{
    struct odl *o = odl_of(sdn);

    slc_sdn_rest_free(o->rest);   /* no HTTP callback runs after this */
    while (o->ops) {
        struct op *op = o->ops;

        o->ops = op->next_op;
        free_op(op);
    }
    json_decref(o->services);
    if (o->kick) {
        event_free(o->kick);
    }
    if (o->audit_timer) {
        event_free(o->audit_timer);
    }
    slc_sdn_base_fini(&o->up);
    free(o);
}

/* An operation about service 'id' (0: none), or NULL on failure. */
static struct op *
new_op(struct odl *o, enum op_kind kind, uint64_t token, uint32_t id,
       struct slc_error *err)
{
    struct op *op = calloc(1, sizeof *op);

    if (!op) {
        slc_error_set(err, SLC_ENOMEM, "out of memory");
        return NULL;
    }
    *op = (struct op){.o = o, .kind = kind, .token = token, .id = id};
    if (id) {
        snprintf(op->service_id, sizeof op->service_id, "odlof-%08x", id);
    }
    return op;
}

static int
odl_check_credentials(struct slc_sdn *sdn, uint64_t token,
                      struct slc_error *err)
{
    struct op *op = new_op(odl_of(sdn), OP_CHECK, token, 0, err);

    if (op) {
        submit(odl_of(sdn), op);
    }
    return op ? 0 : err->code;
}

/* What an install needs of the points once the call has returned: the
 * rules, which point each port is of, and the dpids points name. */
static int
take_points(struct odl *o, struct op *op,
            const struct slc_sdn_service_spec *spec, struct slc_error *err)
{
    int rc = slc_of_rules(op->service_id, spec->type, spec->ports,
                          spec->n_ports, o->same_vlan_only, &op->prog, err);

    if (rc) {
        return rc;
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
        /* a switch_dpid that is no dpid (a name) is the node */
        if (p->switch_dpid && !slc_of_dpid_parse(p->switch_dpid, &dpid)) {
            json_object_set_new(op->named_dpids, name,
                                json_integer((json_int_t)dpid));
        }
    }
    return 0;
}

static int
put_service(struct odl *o, uint64_t token, uint32_t id,
            const struct slc_sdn_service_spec *spec, struct slc_error *err)
{
    struct op *op = new_op(o, OP_PUT, token, id, err);
    int rc = op ? take_points(o, op, spec, err) : err->code;

    if (op && rc) {
        free_op(op);
    } else if (op) {
        submit(o, op);
    }
    return rc;
}

static int
odl_create_service(struct slc_sdn *sdn, uint64_t token,
                   const struct slc_sdn_service_spec *spec,
                   struct slc_error *err)
{
    char text[ID_SIZE];
    uint32_t id = slc_sdn_rest_service_id(
        "odlof", spec->tag ? spec->tag : spec->name, text, sizeof text);

    return put_service(odl_of(sdn), token, id, spec, err);
}

static int
odl_edit_service(struct slc_sdn *sdn, uint64_t token, const char *service_id,
                 const struct slc_sdn_service_spec *spec,
                 struct slc_error *err)
{
    uint32_t id = 0;

    return slc_sdn_rest_parse_service_id("odlof", service_id, &id, err)
               ? err->code
               : put_service(odl_of(sdn), token, id, spec, err);
}

/* A delete or a status: the node the service was put on, else config's,
 * else the controller's only one; the flows expected from what the
 * driver keeps, else conn_info. */
static int
service_call(struct slc_sdn *sdn, enum op_kind kind, uint64_t token,
             const char *service_id, const json_t *conn_info,
             struct slc_error *err)
{
    struct odl *o = odl_of(sdn);
    const json_t *kept, *names;
    uint32_t id = 0;
    struct op *op;
    char node[40];

    if (slc_sdn_rest_parse_service_id("odlof", service_id, &id, err) ||
        !(op = new_op(o, kind, token, id, err))) {
        return err->code;
    }
    kept = json_object_get(o->services, op->service_id);
    names = kept ? json_object_get(kept, "names")
                 : json_object_get(conn_info, "installed_rules_ids");
    snprintf(node, sizeof node, NODE_PREFIX "%" PRIu64, o->dpid);
    if (kept) {
        snprintf(node, sizeof node, "%s",
                 json_string_value(json_object_get(kept, "node")));
    }
    op->names = json_is_array(names) ? json_incref((json_t *)names)
                                     : json_array();
    if ((kept || o->have_dpid) && !(op->node = strdup(node))) {
        free_op(op);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    if (kind == OP_DELETE) {
        /* audits stop re-installing it now */
        json_object_del(o->services, op->service_id);
    }
    submit(o, op);
    return 0;
}

static int
odl_delete_service(struct slc_sdn *sdn, uint64_t token,
                   const char *service_id, const json_t *conn_info,
                   struct slc_error *err)
{
    return service_call(sdn, OP_DELETE, token, service_id, conn_info, err);
}

static int
odl_service_status(struct slc_sdn *sdn, uint64_t token,
                   const char *service_id, const json_t *conn_info,
                   struct slc_error *err)
{
    return service_call(sdn, OP_STATUS, token, service_id, conn_info, err);
}

static json_t *
odl_describe(struct slc_sdn *sdn)
{
    struct odl *o = odl_of(sdn);
    json_t *services = json_array(), *s;
    const char *id;
    char node[40];

    json_object_foreach(o->services, id, s)
    {
        json_array_append_new(
            services,
            json_pack("{ss sI}", "id", id, "rules",
                      (json_int_t)json_array_size(
                          json_object_get(s, "names"))));
    }
    snprintf(node, sizeof node, NODE_PREFIX "%" PRIu64, o->dpid);
    return json_pack("{ss ss? so si si ss}", "url",
                     slc_sdn_rest_url(o->rest), "node",
                     o->have_dpid ? node
                     : o->last_node[0] ? o->last_node
                                       : NULL,
                     "services", services, "audits", (int)o->audits,
                     "reinstalled", (int)o->reinstalled, "last_event",
                     o->last_event);
}

const struct slc_sdn_class slc_sdn_odlof_class = {
    .version = SLC_SDN_CLASS_VERSION,
    .type = "odlof",
    .check_config = odl_check_config,
    .open = odl_open,
    .close = odl_close,
    .check_credentials = odl_check_credentials,
    .create_service = odl_create_service,
    .edit_service = odl_edit_service,
    .delete_service = odl_delete_service,
    .service_status = odl_service_status,
    .describe = odl_describe,
};

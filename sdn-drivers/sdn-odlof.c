/* The odlof SDN driver: connectivity services (SDN assist) through
 * OpenDaylight's RESTCONF inventory (sdn-sfc-ovs.md 2.3), as OSM's
 * odl_openflow connector programs them: one flow per rule of of-rules.h
 * (1.4) in table 0 of the node's configuration datastore, which
 * openflowplugin pushes to the switch.  REST plumbing is sdn-rest.h's;
 * the operation queue, the kept services, audits, config and the
 * list/put/remove engine of a service made of named entries
 * sdn-rest-driver.h's, which sdn-floodlight.c, the sibling, shares.
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
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "of-rules.h"
#include "sdn-rest-driver.h"

#define NODES_OPER "/restconf/operational/opendaylight-inventory:nodes"
#define NODES_CONF "/restconf/config/opendaylight-inventory:nodes/node/"
#define NODE_PREFIX "openflow:"
#define ETHERTYPE_VLAN 33024
#define NODE_SIZE 40

/* The engine's 'sw' is the node, "openflow:N"; the only step of the
 * driver's own is a GET of the inventory (the node, its ports). */
struct op {
    struct slc_sdn_rest_entries_op up;    /* first: the shared part */
    json_t *connectors;       /* a put: the node's node-connector list */
};

/* The services kept, for audits: service id -> {"node": N, "names":
 * [flow ids], "flows": [PUT bodies]}. */
struct odl {
    struct slc_sdn_rest_driver up;    /* first: the shared part */
    char last_node[NODE_SIZE];    /* the node of the last operation */
};

/* ---- helpers ---- */

static struct op *
op_of(struct slc_sdn_rest_op *o)
{
    return (struct op *)o;
}

static struct odl *
odl_of(struct slc_sdn_rest_driver *drv)
{
    return (struct odl *)drv;
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

static void
flow_path(const struct slc_sdn_rest_entries_op *e, const json_t *name,
          char *buf, size_t size)
{
    snprintf(buf, size, NODES_CONF "%s/table/0/flow/%s", e->sw,
             json_string_value(name));
}

/* ---- the steps ---- */

/* Starts the call of an engine step. */
static void
odl_call(struct slc_sdn_rest_entries_op *e)
{
    char path[512];

    switch (e->step) {
    case SLC_SDN_REST_STEP_LIST:
        snprintf(path, sizeof path, NODES_CONF "%s/table/0", e->sw);
        slc_sdn_rest_request(&e->op, "GET", path, NULL);
        break;
    case SLC_SDN_REST_STEP_PUT:
        flow_path(e, json_array_get(e->names, e->next), path, sizeof path);
        slc_sdn_rest_request(&e->op, "PUT", path,
                             json_incref(json_array_get(e->flows, e->next)));
        break;
    case SLC_SDN_REST_STEP_REMOVE:
    case SLC_SDN_REST_STEP_UNDO:
        flow_path(e, json_array_get(e->doomed, e->next), path, sizeof path);
        slc_sdn_rest_request(&e->op, "DELETE", path, NULL);
        break;
    case SLC_SDN_REST_STEP_OWN:
        break;
    }
}

/* The datapath id of node "openflow:N". */
static uint64_t
node_dpid(const char *node)
{
    return strtoull(node + strlen(NODE_PREFIX), NULL, 10);
}

/* A node-connector: "openflow:N:M" is port M of node N. */
static bool
odl_port(const json_t *c, const char **name, uint32_t *number)
{
    const char *id = json_string_value(json_object_get(c, "id"));
    const char *colon = id ? strrchr(id, ':') : NULL;

    *name = json_string_value(json_object_get(c, "flow-node-inventory:name"));
    *number = colon ? slc_of_port_number(colon + 1) : 0;
    return id != NULL;
}

/* The node-connector id of 's' on the node: IN_PORT, a port name, or a
 * port number it has; else NULL.  A new string. */
static json_t *
connector_of(const struct op *op, const char *s)
{
    const json_t *c;

    if (!strcmp(s, "IN_PORT")) {
        return json_sprintf("%s:INPORT", op->up.sw);
    }
    c = slc_sdn_rest_find_port(op->connectors, s, odl_port);
    return c ? json_string(json_string_value(json_object_get(c, "id")))
             : NULL;
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
flow_of(struct slc_sdn_rest_op *o, size_t n, const json_t *rule,
        const json_t *ports, const char **bad_port)
{
    const struct op *op = op_of(o);
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

/* The next step once the node is known (a check is done); refuses a
 * point that names another datapath. */
static void
node_known(struct op *op)
{
    struct slc_sdn_rest_entries_op *e = &op->up;
    char what[NODE_SIZE + 32], where[NODE_SIZE + 8];
    json_t *flows;

    snprintf(odl_of(e->op.drv)->last_node, NODE_SIZE, "%s", e->sw);
    if (e->op.kind == SLC_SDN_REST_CHECK) {
        slc_sdn_rest_finish(&e->op, 0, NULL, NULL, NULL);
        return;
    }
    if (e->op.kind != SLC_SDN_REST_PUT) {
        slc_sdn_rest_entries_list(e);
        return;
    }
    snprintf(what, sizeof what, "the controller's node %s", e->sw);
    if (slc_sdn_rest_check_dpids(&e->op, node_dpid(e->sw), what)) {
        return;
    }
    /* the flows of the service's rules, with the node's connectors */
    snprintf(where, sizeof where, "node %s", e->sw);
    e->names = json_array();
    /* on failure 'op' is gone */
    if ((flows = slc_sdn_rest_build_flows(&e->op, NULL, flow_of, where,
                                          e->names))) {
        e->flows = flows;
        slc_sdn_rest_entries_list(e);
    }
}

static void
got_nodes(struct op *op, const json_t *body)
{
    struct slc_sdn_rest_driver *drv = op->up.op.drv;
    const json_t *nodes = json_object_get(json_object_get(body, "nodes"),
                                          "node");
    const json_t *found = NULL, *only = NULL, *node;
    struct slc_sdn_rest_switches sw = {0};
    char want[NODE_SIZE], what[NODE_SIZE + 40];
    size_t i;

    if (!json_is_object(json_object_get(body, "nodes"))) {
        slc_sdn_rest_fail(&op->up.op, SLC_EIO, "GET " NODES_OPER ": the "
                          "reply is not a node list");
        return;
    }
    snprintf(want, sizeof want, NODE_PREFIX "%" PRIu64, drv->dpid);
    json_array_foreach(nodes, i, node)
    {
        const char *id = json_string_value(json_object_get(node, "id"));

        if (!id || !strcmp(id, "controller-config")) {
            continue;
        }
        only = node;
        found = !strcmp(id, want) ? node : found;
        slc_sdn_rest_switches_add(&sw, id, !strcmp(id, want));
    }
    snprintf(what, sizeof what, "node %s (dpid 0x%016" PRIx64 ")", want,
             drv->dpid);
    if (slc_sdn_rest_switches_pick(&op->up.op, &sw, "nodes",
                                   drv->have_dpid ? what : NULL)) {
        return;
    }
    node = drv->have_dpid ? found : only;
    if (strncmp(json_string_value(json_object_get(node, "id")), NODE_PREFIX,
                strlen(NODE_PREFIX))) {
        slc_sdn_rest_fail(&op->up.op, SLC_EINVALID, "node %s is not an "
                          "openflow node",
                          json_string_value(json_object_get(node, "id")));
        return;
    }
    op->up.sw = strdup(json_string_value(json_object_get(node, "id")));
    json_decref(op->connectors);
    op->connectors = json_incref(json_object_get(node, "node-connector"));
    if (!op->up.sw) {
        slc_sdn_rest_fail(&op->up.op, SLC_ENOMEM, "out of memory");
        return;
    }
    node_known(op);
}

/* The service's flow ids among those of table 0 ('body' NULL: none). */
static json_t *
service_flows(const struct slc_sdn_rest_entries_op *e, const json_t *body)
{
    const json_t *tables = json_object_get(body, "flow-node-inventory:table");
    const json_t *flows, *f;
    json_t *names = json_array();
    size_t len = strlen(e->op.service_id), i;

    if (!tables) {
        tables = json_object_get(body, "table");
    }
    flows = json_object_get(json_array_get(tables, 0), "flow");
    json_array_foreach(flows, i, f)
    {
        const char *id = json_string_value(json_object_get(f, "id"));

        if (id && !strncmp(id, e->op.service_id, len) && id[len] == '.') {
            json_array_append_new(names, json_string(id));
        }
    }
    return names;
}

static void
odl_reply(struct slc_sdn_rest_op *o, int rc, const char *msg, json_t *body,
          long status)
{
    struct op *op = op_of(o);
    enum slc_sdn_rest_step step = op->up.step;
    char text[SLC_ERROR_MSG_SIZE];

    if (rc) {
        restconf_msg(msg, body, status, text, sizeof text);
    }
    if (step == SLC_SDN_REST_STEP_OWN) {
        if (rc) {
            slc_sdn_rest_fail(o, rc, "%s", text);
        } else {
            got_nodes(op, body);
        }
        return;
    }
    if (rc == SLC_ENOTFOUND && step != SLC_SDN_REST_STEP_PUT) {
        /* no table 0 yet, or the flow is gone already */
        rc = 0;
        body = NULL;
    }
    slc_sdn_rest_entries_reply(&op->up, rc, text, body);
}

/* ---- the class ---- */

static void
odl_start(struct slc_sdn_rest_op *o)
{
    struct op *op = op_of(o);

    if (o->kind == SLC_SDN_REST_AUDIT) {
        slc_sdn_rest_entries_audit(&op->up);
    } else if (op->up.sw) {
        node_known(op);
    } else {
        slc_sdn_rest_request(o, "GET", NODES_OPER, NULL);
    }
}

static int
odl_take_spec(struct slc_sdn_rest_op *o,
              const struct slc_sdn_service_spec *spec, struct slc_error *err)
{
    return slc_sdn_rest_take_rules(o, o->service_id, spec, 0, err);
}

/* A delete or a status: the node the service was put on, else config's,
 * else the controller's only one; the flows expected from what the
 * driver keeps, else conn_info. */
static int
odl_take_conn_info(struct slc_sdn_rest_op *o, const json_t *conn_info,
                   struct slc_error *err)
{
    char node[NODE_SIZE];

    snprintf(node, sizeof node, NODE_PREFIX "%" PRIu64, o->drv->dpid);
    return slc_sdn_rest_entries_take(&op_of(o)->up, conn_info,
                                     o->drv->have_dpid ? node : NULL, err);
}

static void
odl_free_op(struct slc_sdn_rest_op *o)
{
    json_decref(op_of(o)->connectors);
}

static const char *
odl_switch_name(struct slc_sdn_rest_driver *drv, char *buf, size_t size)
{
    const char *last = odl_of(drv)->last_node;

    snprintf(buf, size, NODE_PREFIX "%" PRIu64, drv->dpid);
    return drv->have_dpid ? buf : last[0] ? last : NULL;
}

static const struct slc_sdn_rest_entries_class odl_entries = {
    .sw_key = "node",
    .entry = "flow",
    .entries = "flows",
    .where = "in table 0 of node",
    .call = odl_call,
    .list = service_flows,
};

static const struct slc_sdn_rest_class odl_rest = {
    .sdn = &slc_sdn_odlof_class,
    .log_module = "sdn_odlof",
    .prefix = "odlof",
    .size = sizeof(struct odl),
    .op_size = sizeof(struct op),
    .dpid = SLC_SDN_REST_DPID_ANY,
    .same_vlan = true,
    .switch_key = "node",
    .reinstalled_key = "reinstalled",
    .entries = &odl_entries,
    .take_spec = odl_take_spec,
    .take_conn_info = odl_take_conn_info,
    .start = odl_start,
    .reply = odl_reply,
    .free_op = odl_free_op,
    .switch_name = odl_switch_name,
    .describe_service = slc_sdn_rest_entries_describe,
};

/* config.dpid is an integer, or 16 hex digits (colons allowed). */
static int
odl_check_config(const json_t *config, struct slc_error *err)
{
    return slc_sdn_rest_driver_check_config(&odl_rest, config, err);
}

static int
odl_open(const struct slc_sdn_params *p, struct slc_sdn **out,
         struct slc_error *err)
{
    struct slc_sdn_params basic = *p;

    /* Basic credentials whenever a user is set */
    basic.password = p->user && !p->password ? "" : p->password;
    return slc_sdn_rest_driver_open(&odl_rest, &basic, out, err);
}

const struct slc_sdn_class slc_sdn_odlof_class = {
    .version = SLC_SDN_CLASS_VERSION,
    .type = "odlof",
    .check_config = odl_check_config,
    .open = odl_open,
    SLC_SDN_REST_DRIVER_OPERATIONS,
};

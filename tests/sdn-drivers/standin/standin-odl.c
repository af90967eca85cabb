/* OpenDaylight personality of the SDN stand-in: the RESTCONF (draft-
 * bierman02, /restconf) calls of OSM's odlof connector, on the models of
 * openflowplugin (opendaylight-inventory, flow-node-inventory,
 * opendaylight-match-types, opendaylight-action-types).
 *
 * Operational inventory: one node "openflow:<decimal dpid>" whose
 * node-connectors "openflow:N:P" carry flow-node-inventory:name and
 * port-number, read from the bridge on each request, with the tables and
 * groups as openflowplugin's statistics show them: the configured flows
 * and groups the switch has (a flow deleted behind the controller's back
 * is not there), each with opendaylight-flow-statistics:flow-statistics
 * or opendaylight-group-statistics:group-statistics (packet-count,
 * byte-count) read from the switch.
 *
 * Configuration: flows by table and id, groups by id.  PUT
 * .../table/T/flow/ID and .../group/ID create or replace (200), GET
 * answers 404 (data-missing) for a table, flow or group never written,
 * DELETE of a flow or a group answers 404 when unknown, DELETE of a table
 * removes it and its flows; GET .../node/N answers its tables and groups.
 * As the config datastore does, a table stays after its last flow is
 * deleted (GET: the table without "flow"), and the flows sending to a
 * group deleted stay there (the switch removed them).  Groups:
 * group-select, group-all, group-indirect, buckets of weight and action
 * lists (opendaylight-group-types).
 *
 * Actions get openflowplugin's OpenFlow 1.3 meaning: set-field vlan-match
 * is a set_field on the VLAN id (the switch refuses it on a flow that
 * does not match a tag), strip-vlan-action is set_field vlan_vid to
 * OFPVID_PRESENT|0 (SalToOfStripVlanActionCase: the tag stays, VID 0),
 * pop-vlan-action and push-vlan-action are pop and push, and
 * set-vlan-id-action on a flow without a VLAN match becomes two flows
 * (untagged: push then set; tagged: set), as FlowConvertor does;
 * push-mpls-action, pop-mpls-action, set-field protocol-match-fields
 * mpls-label and ethernet-match source or destination, and group-action
 * are the switch's.  Match: in-port, ethernet-match, vlan-match,
 * protocol-match-fields mpls-label, ip-match ip-protocol, ipv4/ipv6
 * source and destination, tcp/udp/sctp ports.
 * ODL accepts a flow into its datastore and lets the switch refuse it
 * later; the stand-in answers 400 (invalid-value, with ovs-ofctl's
 * message) and keeps nothing. */
#include "standin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NODES_OPER "/restconf/operational/opendaylight-inventory:nodes"
#define NODES_CONF "/restconf/config/opendaylight-inventory:nodes"
#define MAX_TABLES 255

struct odl_flow {
    int table;
    char *id;
    json_t *body; /* the flow object as written */
    uint64_t cookie;
};

struct odl_group {
    uint32_t id;
    json_t *body; /* the group object as written */
};

struct standin_odl {
    struct odl_flow *flows;
    size_t n_flows;
    struct odl_group *groups;
    size_t n_groups;
    bool tables[MAX_TABLES]; /* written and not deleted */
};

/* A RESTCONF errors document. */
static void
reply_restconf(struct standin_response *resp, unsigned int status,
               const char *type, const char *tag, const char *message)
{
    standin_reply_json(
        resp, status,
        json_pack("{s:{s:[{s:s, s:s, s:s}]}}", "errors", "error",
                  "error-type", type, "error-tag", tag, "error-message",
                  message));
}

static void
reply_error(struct standin_response *resp, unsigned int status,
            const char *message)
{
    switch (status) {
    case 400:
        reply_restconf(resp, status, "protocol", "malformed-message",
                       message);
        break;
    case 401:
        reply_restconf(resp, status, "protocol", "access-denied", message);
        break;
    case 404:
        reply_restconf(resp, status, "protocol", "unknown-element", message);
        break;
    case 405:
        reply_restconf(resp, status, "protocol", "operation-not-supported",
                       message);
        break;
    case 413:
        reply_restconf(resp, status, "protocol", "too-big", message);
        break;
    default:
        reply_restconf(resp, status, "application", "operation-failed",
                       message);
        break;
    }
}

static void
reply_missing(struct standin_response *resp)
{
    reply_restconf(resp, 404, "application", "data-missing",
                   "Request could not be completed because the relevant "
                   "data model content does not exist ");
}

static void
node_id(const struct standin *s, char *buf, size_t size)
{
    snprintf(buf, size, "openflow:%llu", (unsigned long long)s->dpid_value);
}

static bool
is_node(const struct standin *s, const char *id)
{
    char mine[40];

    node_id(s, mine, sizeof mine);
    return !strcmp(id, mine);
}

/* --- operational inventory */

static json_t *
connector_json(const char *node, const struct standin_port *port)
{
    char id[64];

    if (port->number == STANDIN_PORT_LOCAL) {
        snprintf(id, sizeof id, "%s:LOCAL", node);
    } else {
        snprintf(id, sizeof id, "%s:%ld", node, port->number);
    }
    return json_pack(
        "{s:s, s:I, s:s, s:s, s:s, s:{s:b, s:b, s:b}, s:i, s:i}", "id", id,
        "flow-node-inventory:port-number", (json_int_t)port->number,
        "flow-node-inventory:name", port->name,
        "flow-node-inventory:hardware-address", port->mac,
        "flow-node-inventory:configuration",
        port->port_down ? "PORT-DOWN" : "", "flow-node-inventory:state",
        "link-down", port->link_down, "blocked", 0, "live", !port->link_down,
        "flow-node-inventory:current-speed", 0,
        "flow-node-inventory:maximum-speed", 0);
}

/* The switch's view of the configuration, as openflowplugin's statistics
 * put it in the operational datastore: the flows of table 'table' the
 * switch has, with their flow-statistics ('counts' by cookie). */
static json_t *
oper_flows(const struct standin *s, int table,
           const struct standin_counts *counts, size_t n)
{
    json_t *flows = json_array();

    for (size_t i = 0; i < s->odl->n_flows; i++) {
        const struct odl_flow *f = &s->odl->flows[i];
        const struct standin_counts *c =
            standin_counts_find(counts, n, f->cookie);
        json_t *o;

        if (f->table != table || !c) {
            continue;
        }
        o = json_deep_copy(f->body);
        json_object_set_new(
            o, "opendaylight-flow-statistics:flow-statistics",
            json_pack("{s:I, s:I}", "packet-count", (json_int_t)c->packets,
                      "byte-count", (json_int_t)c->bytes));
        json_array_append_new(flows, o);
    }
    return flows;
}

/* The tables of the operational node: those with flows on the switch. */
static json_t *
oper_tables(const struct standin *s, const struct standin_counts *counts,
            size_t n)
{
    json_t *tables = json_array();

    for (int t = 0; t < MAX_TABLES; t++) {
        json_t *flows = s->odl->tables[t] ? oper_flows(s, t, counts, n)
                                          : NULL;

        if (json_array_size(flows)) {
            json_array_append_new(tables, json_pack("{s:i, s:O}", "id", t,
                                                    "flow", flows));
        }
        json_decref(flows);
    }
    return tables;
}

/* The groups of the operational node: those the switch has, with their
 * group-statistics ('counts' by group id). */
static json_t *
oper_groups(const struct standin *s, const struct standin_counts *counts,
            size_t n)
{
    json_t *groups = json_array();

    for (size_t i = 0; i < s->odl->n_groups; i++) {
        const struct odl_group *g = &s->odl->groups[i];
        const struct standin_counts *c = standin_counts_find(counts, n,
                                                             g->id);
        json_t *o;

        if (!c) {
            continue;
        }
        o = json_deep_copy(g->body);
        json_object_set_new(
            o, "opendaylight-group-statistics:group-statistics",
            json_pack("{s:I, s:I, s:I}", "group-id", (json_int_t)g->id,
                      "packet-count", (json_int_t)c->packets, "byte-count",
                      (json_int_t)c->bytes));
        json_array_append_new(groups, o);
    }
    return groups;
}

static json_t *
node_json(const struct standin *s, const struct standin_inventory *inv,
          json_t *tables, json_t *groups)
{
    char id[40];
    json_t *connectors = json_array();

    node_id(s, id, sizeof id);
    for (size_t i = 0; i < inv->len; i++) {
        json_array_append_new(connectors, connector_json(id, &inv->ports[i]));
    }
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o}",
                     "id", id, "flow-node-inventory:ip-address", "127.0.0.1",
                     "flow-node-inventory:manufacturer", inv->manufacturer,
                     "flow-node-inventory:hardware", inv->hardware,
                     "flow-node-inventory:software", inv->software,
                     "flow-node-inventory:serial-number", inv->serial,
                     "flow-node-inventory:description", "None",
                     "node-connector", connectors,
                     "flow-node-inventory:table", tables,
                     "flow-node-inventory:group", groups);
}

/* GET operational nodes[/node/<id>]: the node, its ports, and the flows
 * and groups of the configuration the switch has, with statistics. */
static void
get_nodes(struct standin *s, const struct standin_request *req,
          struct standin_response *resp)
{
    struct standin_inventory inv;
    struct standin_counts *flows = NULL, *groups = NULL;
    size_t n_flows = 0, n_groups = 0;
    char err[256];
    json_t *node;

    if (standin_inventory_read(s, &inv, err, sizeof err) < 0 ||
        standin_counts_read(s, false, &flows, &n_flows, err, sizeof err) <
            0 ||
        standin_counts_read(s, true, &groups, &n_groups, err, sizeof err) <
            0) {
        free(flows);
        standin_inventory_free(&inv);
        reply_error(resp, 500, err);
        return;
    }
    node = node_json(s, &inv, oper_tables(s, flows, n_flows),
                     oper_groups(s, groups, n_groups));
    if (req->args[0] && !is_node(s, req->args[0])) {
        json_decref(node);
        reply_missing(resp);
    } else if (req->args[0]) {
        standin_reply_json(resp, 200, json_pack("{s:[o]}", "node", node));
    } else {
        standin_reply_json(resp, 200, json_pack("{s:{s:[o]}}", "nodes",
                                                "node", node));
    }
    free(flows);
    free(groups);
    standin_inventory_free(&inv);
}

/* --- flow decoding */

struct decode {
    const struct standin *s;
    struct standin_flow *flow;
    char *err;
    size_t errsize;
};

static int
unsupported(struct decode *d, const char *what, const char *name)
{
    snprintf(d->err, d->errsize, "%s '%s' is not supported by the stand-in",
             what, name);
    return -1;
}

/* A node-connector URI ("openflow:N:P", "P", "INPORT"...) as ovs-ofctl's
 * port text. */
static int
decode_connector(struct decode *d, const json_t *v, char *port, size_t size)
{
    static const char *const logical[][2] = {
        {"INPORT", "in_port"}, {"CONTROLLER", "controller"},
        {"LOCAL", "LOCAL"},    {"FLOOD", "flood"},
        {"ALL", "all"},        {"NORMAL", "normal"},
    };
    char node[40], buf[32];
    const char *text = json_string_value(v);
    const char *colon;

    if (json_is_integer(v)) {
        snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
        text = buf;
    }
    if (!text) {
        snprintf(d->err, d->errsize, "node connector: not a string");
        return -1;
    }
    node_id(d->s, node, sizeof node);
    colon = strrchr(text, ':');
    if (colon) {
        if ((size_t)(colon - text) != strlen(node) ||
            strncmp(text, node, strlen(node))) {
            snprintf(d->err, d->errsize,
                     "node connector '%s' is not on node %s", text, node);
            return -1;
        }
        text = colon + 1;
    }
    for (size_t i = 0; i < sizeof logical / sizeof logical[0]; i++) {
        if (!strcmp(text, logical[i][0])) {
            snprintf(port, size, "%s", logical[i][1]);
            return 0;
        }
    }
    if (!*text || strspn(text, "0123456789") != strlen(text)) {
        snprintf(d->err, d->errsize, "invalid node connector '%s'",
                 json_string_value(v) ? json_string_value(v) : text);
        return -1;
    }
    snprintf(port, size, "%s", text);
    return 0;
}

/* vlan-match {vlan-id: {vlan-id-present, vlan-id}} as a VLAN match. */
static int
decode_vlan_match(const json_t *vm)
{
    const json_t *vid = json_object_get(vm, "vlan-id");
    const json_t *present = json_object_get(vid, "vlan-id-present");
    json_int_t id = json_integer_value(json_object_get(vid, "vlan-id"));

    if (json_is_false(present)) {
        return STANDIN_VLAN_NONE;
    }
    if (id == 0) {
        return json_is_true(present) ? STANDIN_VLAN_PRESENT
                                     : STANDIN_VLAN_ANY;
    }
    return (int)id;
}

/* The match fields of layers 3 and 4 and MPLS (opendaylight-match-types):
 * ip-match ip-protocol, ipv4/ipv6-source/destination prefixes,
 * tcp/udp/sctp-source/destination-port, protocol-match-fields
 * mpls-label. */
static int
decode_l34_match(struct decode *d, const char *key, const json_t *v)
{
    static const char *const fields[][2] = {
        {"ipv4-source", "nw_src"},         {"ipv4-destination", "nw_dst"},
        {"ipv6-source", "ipv6_src"},       {"ipv6-destination", "ipv6_dst"},
        {"tcp-source-port", "tcp_src"},    {"tcp-destination-port", "tcp_dst"},
        {"udp-source-port", "udp_src"},    {"udp-destination-port", "udp_dst"},
        {"sctp-source-port", "sctp_src"},
        {"sctp-destination-port", "sctp_dst"},
    };
    const json_t *x;
    int rc = 0;

    if (!strcmp(key, "ip-match") &&
        (x = json_object_get(v, "ip-protocol"))) {
        rc = standin_flow_match(d->flow, "nw_proto=%lld",
                                (long long)json_integer_value(x));
    } else if (!strcmp(key, "protocol-match-fields") &&
               (x = json_object_get(v, "mpls-label"))) {
        rc = standin_flow_match(d->flow, "mpls_label=%lld",
                                (long long)json_integer_value(x));
    } else {
        for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
            if (!strcmp(key, fields[i][0])) {
                return json_is_string(v)
                           ? standin_flow_match(d->flow, "%s=%s",
                                                fields[i][1],
                                                json_string_value(v))
                           : standin_flow_match(
                                 d->flow, "%s=%lld", fields[i][1],
                                 (long long)json_integer_value(v));
            }
        }
        return unsupported(d, "match", key);
    }
    return rc;
}

static int
decode_match(struct decode *d, const json_t *match)
{
    const char *key;
    json_t *v;

    json_object_foreach((json_t *)match, key, v)
    {
        if (!strcmp(key, "in-port")) {
            char port[24];

            if (decode_connector(d, v, port, sizeof port) < 0 ||
                standin_flow_match(d->flow, "in_port=%s", port) < 0) {
                return -1;
            }
        } else if (!strcmp(key, "ethernet-match")) {
            const char *f;
            json_t *fv;

            json_object_foreach(v, f, fv)
            {
                const char *mac =
                    json_string_value(json_object_get(fv, "address"));
                int rc;

                if (!strcmp(f, "ethernet-type")) {
                    rc = standin_flow_match(
                        d->flow, "dl_type=0x%04llx",
                        (long long)json_integer_value(
                            json_object_get(fv, "type")));
                } else if (!strcmp(f, "ethernet-destination") && mac) {
                    rc = standin_flow_match(d->flow, "dl_dst=%s", mac);
                } else if (!strcmp(f, "ethernet-source") && mac) {
                    rc = standin_flow_match(d->flow, "dl_src=%s", mac);
                } else {
                    return unsupported(d, "ethernet-match", f);
                }
                if (rc < 0) {
                    return unsupported(d, "match", "(too long)");
                }
            }
        } else if (!strcmp(key, "vlan-match")) {
            d->flow->vlan = decode_vlan_match(v);
        } else if (decode_l34_match(d, key, v) < 0) {
            return -1;
        }
    }
    return 0;
}

static int
action_order(const void *a, const void *b)
{
    json_int_t x = json_integer_value(
        json_object_get(*(json_t *const *)a, "order"));
    json_int_t y = json_integer_value(
        json_object_get(*(json_t *const *)b, "order"));

    return x < y ? -1 : (x > y);
}

/* The elements of array sorted by their "order" (borrowed). */
static json_t **
sorted(const json_t *array, size_t *n)
{
    json_t **items;

    *n = json_array_size(array);
    items = calloc(*n + 1, sizeof *items);
    for (size_t i = 0; items && i < *n; i++) {
        items[i] = json_array_get(array, i);
    }
    if (items) {
        qsort(items, *n, sizeof *items, action_order);
    }
    return items;
}

/* The name of an action: its member other than "order". */
static const char *
first_key(const json_t *a)
{
    const char *key;
    json_t *v;

    json_object_foreach((json_t *)a, key, v)
    {
        if (strcmp(key, "order")) {
            return key;
        }
    }
    return "(none)";
}

/* set-field (one field per action, as openflowplugin converts it):
 * vlan-match vlan-id, protocol-match-fields mpls-label, ethernet-match
 * ethernet-source / ethernet-destination address. */
static int
decode_set_field(struct decode *d, const json_t *v)
{
    const json_t *vm = json_object_get(v, "vlan-match");
    const json_t *pm = json_object_get(v, "protocol-match-fields");
    const json_t *em = json_object_get(v, "ethernet-match");
    const json_t *src = json_object_get(em, "ethernet-source");
    const json_t *dst = json_object_get(em, "ethernet-destination");
    const char *mac = json_string_value(
        json_object_get(src ? src : dst, "address"));
    int vlan = decode_vlan_match(vm);

    if (json_object_size(v) != 1) {
        return unsupported(d, "set-field", "(of several fields)");
    }
    if (vm && vlan >= 0) {
        return standin_flow_action(d->flow, STANDIN_ACT_SET_VID, vlan, NULL);
    }
    if (json_is_integer(json_object_get(pm, "mpls-label"))) {
        return standin_flow_action(
            d->flow, STANDIN_ACT_SET_MPLS,
            (long)json_integer_value(json_object_get(pm, "mpls-label")),
            NULL);
    }
    if (mac && json_object_size(em) == 1 && strlen(mac) == 17) {
        return standin_flow_action(d->flow,
                                   src ? STANDIN_ACT_SET_ETH_SRC
                                       : STANDIN_ACT_SET_ETH_DST,
                                   0, mac);
    }
    return unsupported(d, "set-field",
                       "(other than vlan-id, mpls-label, ethernet "
                       "address)");
}

static int
decode_action(struct decode *d, const json_t *a)
{
    const json_t *v;

    if ((v = json_object_get(a, "output-action"))) {
        char port[24];

        if (decode_connector(d, json_object_get(v, "output-node-connector"),
                             port, sizeof port) < 0) {
            return -1;
        }
        return standin_flow_action(d->flow, STANDIN_ACT_OUTPUT, 0, port);
    }
    if ((v = json_object_get(a, "set-field"))) {
        return decode_set_field(d, v);
    }
    if ((v = json_object_get(a, "group-action"))) {
        return standin_flow_action(
            d->flow, STANDIN_ACT_GROUP,
            (long)json_integer_value(json_object_get(v, "group-id")), NULL);
    }
    if ((v = json_object_get(a, "push-mpls-action")) ||
        (v = json_object_get(a, "pop-mpls-action"))) {
        json_int_t type =
            json_integer_value(json_object_get(v, "ethernet-type"));

        if (!type) {
            return unsupported(d, "mpls action", "(without ethernet-type)");
        }
        return standin_flow_action(d->flow,
                                   json_object_get(a, "push-mpls-action")
                                       ? STANDIN_ACT_PUSH_MPLS
                                       : STANDIN_ACT_POP_MPLS,
                                   (long)type, NULL);
    }
    if (json_object_get(a, "strip-vlan-action")) {
        return standin_flow_action(d->flow, STANDIN_ACT_SET_VID, 0, NULL);
    }
    if (json_object_get(a, "pop-vlan-action")) {
        return standin_flow_action(d->flow, STANDIN_ACT_POP_VLAN, 0, NULL);
    }
    if ((v = json_object_get(a, "push-vlan-action"))) {
        json_int_t type =
            json_integer_value(json_object_get(v, "ethernet-type"));

        return standin_flow_action(d->flow, STANDIN_ACT_PUSH_VLAN,
                                   type ? (long)type : 0x8100, NULL);
    }
    if ((v = json_object_get(a, "set-vlan-id-action"))) {
        return standin_flow_action(
            d->flow, STANDIN_ACT_MOD_VID,
            (long)json_integer_value(json_object_get(v, "vlan-id")), NULL);
    }
    if (json_object_get(a, "drop-action")) {
        return 0;
    }
    return unsupported(d, "action", first_key(a));
}

static int
decode_instructions(struct decode *d, const json_t *instructions)
{
    size_t n_instr;
    json_t **instr = sorted(json_object_get(instructions, "instruction"),
                            &n_instr);
    int rc = instr ? 0 : -1;

    for (size_t i = 0; rc == 0 && i < n_instr; i++) {
        const json_t *apply = json_object_get(instr[i], "apply-actions");
        size_t n_act;
        json_t **acts;

        if (!apply) {
            rc = unsupported(d, "instruction", "(other than apply-actions)");
            break;
        }
        acts = sorted(json_object_get(apply, "action"), &n_act);
        for (size_t j = 0; acts && rc == 0 && j < n_act; j++) {
            rc = decode_action(d, acts[j]);
        }
        free(acts);
    }
    free(instr);
    return rc;
}

/* Checks a PUT body against the URL and decodes it into flow; returns
 * the flow object (borrowed from body) or NULL with a message. */
static const json_t *
decode_put(struct decode *d, const json_t *body, int table, const char *id)
{
    const json_t *list = json_object_get(body, "flow-node-inventory:flow");
    const json_t *flow, *v;

    if (!list) {
        list = json_object_get(body, "flow");
    }
    if (!json_is_array(list) || json_array_size(list) != 1) {
        snprintf(d->err, d->errsize,
                 "Error parsing input: expected one flow-node-inventory:"
                 "flow");
        return NULL;
    }
    flow = json_array_get(list, 0);
    v = json_object_get(flow, "id");
    if (!json_is_string(v) || strcmp(json_string_value(v), id)) {
        snprintf(d->err, d->errsize,
                 "Keys in URI and payload are not equal (flow id)");
        return NULL;
    }
    v = json_object_get(flow, "table_id");
    if (v && json_integer_value(v) != table) {
        snprintf(d->err, d->errsize,
                 "Keys in URI and payload are not equal (table_id)");
        return NULL;
    }
    v = json_object_get(flow, "priority");
    d->flow->priority = v ? (int)json_integer_value(v) : 0x8000;
    d->flow->table = table;
    d->flow->idle_timeout =
        (int)json_integer_value(json_object_get(flow, "idle-timeout"));
    if (decode_match(d, json_object_get(flow, "match")) < 0 ||
        decode_instructions(d, json_object_get(flow, "instructions")) < 0) {
        return NULL;
    }
    return flow;
}

/* --- configuration datastore */

static struct odl_flow *
find_flow(struct standin_odl *o, int table, const char *id)
{
    for (size_t i = 0; i < o->n_flows; i++) {
        if (o->flows[i].table == table && !strcmp(o->flows[i].id, id)) {
            return &o->flows[i];
        }
    }
    return NULL;
}

static void
drop_flow(struct standin *s, struct odl_flow *f)
{
    struct standin_odl *o = s->odl;

    standin_flows_remove(s, f->cookie);
    free(f->id);
    json_decref(f->body);
    *f = o->flows[--o->n_flows];
}

/* The table of the URL (args[1]), or -1 after a 400/404 reply. */
static int
url_table(const struct standin *s, const struct standin_request *req,
          struct standin_response *resp)
{
    char *end;
    long t = strtol(req->args[1], &end, 10);

    if (*end || end == req->args[1] || t < 0 || t >= MAX_TABLES) {
        reply_error(resp, 400, "invalid table id");
        return -1;
    }
    if (!is_node(s, req->args[0])) {
        /* ODL would store config for a node it does not know; the
         * stand-in has one switch. */
        reply_missing(resp);
        return -1;
    }
    return (int)t;
}

static void
get_table(struct standin *s, const struct standin_request *req,
          struct standin_response *resp)
{
    int table = url_table(s, req, resp);
    json_t *flows, *t;

    if (table < 0) {
        return;
    }
    if (!s->odl->tables[table]) {
        reply_missing(resp);
        return;
    }
    flows = json_array();
    for (size_t i = 0; i < s->odl->n_flows; i++) {
        if (s->odl->flows[i].table == table) {
            json_array_append(flows, s->odl->flows[i].body);
        }
    }
    t = json_pack("{s:i}", "id", table);
    if (json_array_size(flows) > 0) {
        json_object_set(t, "flow", flows);
    }
    json_decref(flows);
    standin_reply_json(resp, 200,
                       json_pack("{s:[o]}", "flow-node-inventory:table", t));
}

static void
delete_table(struct standin *s, const struct standin_request *req,
             struct standin_response *resp)
{
    int table = url_table(s, req, resp);

    if (table < 0) {
        return;
    }
    if (!s->odl->tables[table]) {
        reply_missing(resp);
        return;
    }
    for (size_t i = s->odl->n_flows; i-- > 0;) {
        if (s->odl->flows[i].table == table) {
            drop_flow(s, &s->odl->flows[i]);
        }
    }
    s->odl->tables[table] = false;
    standin_reply_text(resp, 200, NULL, NULL);
}

static void
get_flow(struct standin *s, const struct standin_request *req,
         struct standin_response *resp)
{
    int table = url_table(s, req, resp);
    struct odl_flow *f;

    if (table < 0) {
        return;
    }
    f = find_flow(s->odl, table, req->args[2]);
    if (!f) {
        reply_missing(resp);
        return;
    }
    standin_reply_json(resp, 200,
                       json_pack("{s:[O]}", "flow-node-inventory:flow",
                                 f->body));
}

static void
delete_flow(struct standin *s, const struct standin_request *req,
            struct standin_response *resp)
{
    int table = url_table(s, req, resp);
    struct odl_flow *f;

    if (table < 0) {
        return;
    }
    f = find_flow(s->odl, table, req->args[2]);
    if (!f) {
        reply_missing(resp);
        return;
    }
    drop_flow(s, f);
    standin_reply_text(resp, 200, NULL, NULL);
}

static void
put_flow(struct standin *s, const struct standin_request *req,
         struct standin_response *resp)
{
    struct standin_flow flow = {.vlan = STANDIN_VLAN_ANY};
    char err[512];
    struct decode d = {s, &flow, err, sizeof err};
    int table = url_table(s, req, resp);
    json_t *body;
    const json_t *obj;
    struct odl_flow nf, *old;

    if (table < 0) {
        return;
    }
    body = standin_parse_body(req, err, sizeof err);
    obj = json_is_object(body) ? decode_put(&d, body, table, req->args[2])
                               : NULL;
    if (!obj) {
        reply_error(resp, 400, body && !json_is_object(body)
                                   ? "Error parsing input: not an object"
                                   : err);
        json_decref(body);
        return;
    }
    nf.table = table;
    nf.cookie = standin_cookie_new(s);
    if (standin_flows_apply(s, nf.cookie, &flow, 1, err, sizeof err) < 0) {
        reply_restconf(resp, 400, "application", "invalid-value", err);
        json_decref(body);
        return;
    }
    nf.id = strdup(req->args[2]);
    nf.body = json_deep_copy(obj);
    json_decref(body);
    old = find_flow(s->odl, table, nf.id);
    if (old) {
        standin_flows_remove(s, old->cookie);
        free(old->id);
        json_decref(old->body);
        *old = nf;
    } else {
        struct odl_flow *flows =
            realloc(s->odl->flows, (s->odl->n_flows + 1) * sizeof *flows);

        if (!flows) {
            standin_flows_remove(s, nf.cookie);
            free(nf.id);
            json_decref(nf.body);
            reply_error(resp, 500, "out of memory");
            return;
        }
        s->odl->flows = flows;
        s->odl->flows[s->odl->n_flows++] = nf;
    }
    s->odl->tables[table] = true;
    standin_reply_text(resp, 200, NULL, NULL);
}

/* --- groups (opendaylight-group-types) */

static struct odl_group *
find_group(struct standin_odl *o, uint32_t id)
{
    for (size_t i = 0; i < o->n_groups; i++) {
        if (o->groups[i].id == id) {
            return &o->groups[i];
        }
    }
    return NULL;
}

/* The group id of the URL (args[1]), or -1 after a 400/404 reply. */
static long long
url_group(const struct standin *s, const struct standin_request *req,
          struct standin_response *resp)
{
    char *end;
    unsigned long long id = strtoull(req->args[1], &end, 10);

    if (*end || end == req->args[1] || id > 0xffffff00ULL) {
        reply_error(resp, 400, "invalid group id");
        return -1;
    }
    if (!is_node(s, req->args[0])) {
        reply_missing(resp);
        return -1;
    }
    return (long long)id;
}

/* The buckets of group 'g' into 'buckets' and 'weights' (of room for
 * all), their actions in order. */
static int
decode_buckets(struct decode *d, const json_t *list,
               struct standin_flow *buckets, int *weights)
{
    const json_t *b;
    size_t i;

    json_array_foreach(list, i, b)
    {
        const json_t *w = json_object_get(b, "weight");
        size_t n;
        json_t **acts = sorted(json_object_get(b, "action"), &n);
        int rc = acts ? 0 : -1;

        d->flow = &buckets[i];
        weights[i] = w ? (int)json_integer_value(w) : 1;
        for (size_t k = 0; rc == 0 && k < n; k++) {
            rc = decode_action(d, acts[k]);
        }
        free(acts);
        if (rc < 0) {
            return -1;
        }
    }
    return 0;
}

/* Checks a group PUT body against the URL, decodes it and applies it to
 * the switch; the group object (borrowed from body), or NULL with a
 * message in d->err ('*refused': the switch's). */
static const json_t *
apply_group(struct decode *d, const json_t *body, uint32_t id,
            bool *refused)
{
    static const char *const types[][2] = {
        {"group-select", "select"}, {"group-all", "all"},
        {"group-indirect", "indirect"}};
    const json_t *list = json_object_get(body, "flow-node-inventory:group");
    const json_t *g = json_array_get(list ? list : json_object_get(body,
                                                                   "group"),
                                     0);
    const json_t *buckets = json_object_get(json_object_get(g, "buckets"),
                                            "bucket");
    const char *type = json_string_value(json_object_get(g, "group-type"));
    const char *ovs_type = NULL;
    size_t n = json_array_size(buckets);
    struct standin_flow *flows = calloc(n + 1, sizeof *flows);
    int *weights = calloc(n + 1, sizeof *weights);
    bool ok = false;

    for (size_t i = 0; type && i < sizeof types / sizeof types[0]; i++) {
        ovs_type = !strcmp(type, types[i][0]) ? types[i][1] : ovs_type;
    }
    if (!json_is_object(g) ||
        json_integer_value(json_object_get(g, "group-id")) != id) {
        snprintf(d->err, d->errsize,
                 "Keys in URI and payload are not equal (group-id)");
    } else if (!ovs_type) {
        unsupported(d, "group-type", type ? type : "(none)");
    } else if (flows && weights &&
               decode_buckets(d, buckets, flows, weights) == 0) {
        ok = standin_group_apply(d->s, &(struct standin_group){
                                           .id = id,
                                           .type = ovs_type,
                                           .buckets = flows,
                                           .weights = weights,
                                           .n_buckets = n},
                                 d->err, d->errsize) == 0;
        *refused = !ok;
    }
    free(flows);
    free(weights);
    return ok ? g : NULL;
}

static void
put_group(struct standin *s, const struct standin_request *req,
          struct standin_response *resp)
{
    char err[512];
    struct decode d = {s, NULL, err, sizeof err};
    long long id = url_group(s, req, resp);
    struct odl_group *g, *grown;
    bool refused = false;
    json_t *body;
    const json_t *obj = NULL;

    if (id < 0) {
        return;
    }
    body = standin_parse_body(req, err, sizeof err);
    if (json_is_object(body)) {
        obj = apply_group(&d, body, (uint32_t)id, &refused);
    }
    if (!obj) {
        /* as for flows: a switch's refusal is invalid-value */
        reply_restconf(resp, 400, refused ? "application" : "protocol",
                       refused ? "invalid-value" : "malformed-message",
                       body && !json_is_object(body)
                           ? "Error parsing input: not an object"
                           : err);
    } else if ((g = find_group(s->odl, (uint32_t)id))) {
        json_decref(g->body);
        g->body = json_deep_copy(obj);
        standin_reply_text(resp, 200, NULL, NULL);
    } else if ((grown = realloc(s->odl->groups, (s->odl->n_groups + 1) *
                                                    sizeof *grown))) {
        s->odl->groups = grown;
        grown[s->odl->n_groups++] = (struct odl_group){
            (uint32_t)id, json_deep_copy(obj)};
        standin_reply_text(resp, 200, NULL, NULL);
    } else {
        standin_group_remove(s, (uint32_t)id);
        reply_error(resp, 500, "out of memory");
    }
    json_decref(body);
}

static void
get_group(struct standin *s, const struct standin_request *req,
          struct standin_response *resp)
{
    long long id = url_group(s, req, resp);
    struct odl_group *g = id < 0 ? NULL : find_group(s->odl, (uint32_t)id);

    if (id >= 0 && !g) {
        reply_missing(resp);
    } else if (g) {
        standin_reply_json(resp, 200,
                           json_pack("{s:[O]}", "flow-node-inventory:group",
                                     g->body));
    }
}

/* DELETE of a group: the switch removes the flows that send to it (the
 * configuration keeps them, as ODL's datastore does). */
static void
delete_group(struct standin *s, const struct standin_request *req,
             struct standin_response *resp)
{
    long long id = url_group(s, req, resp);
    struct odl_group *g = id < 0 ? NULL : find_group(s->odl, (uint32_t)id);

    if (id >= 0 && !g) {
        reply_missing(resp);
    } else if (g) {
        standin_group_remove(s, g->id);
        json_decref(g->body);
        *g = s->odl->groups[--s->odl->n_groups];
        standin_reply_text(resp, 200, NULL, NULL);
    }
}

/* GET of the node's configuration: its tables and groups (404 when
 * nothing was written under it). */
static void
get_config_node(struct standin *s, const struct standin_request *req,
                struct standin_response *resp)
{
    json_t *tables = json_array(), *groups = json_array(), *node;
    char id[40];

    for (int t = 0; is_node(s, req->args[0]) && t < MAX_TABLES; t++) {
        json_t *flows = json_array();

        for (size_t i = 0; s->odl->tables[t] && i < s->odl->n_flows; i++) {
            if (s->odl->flows[i].table == t) {
                json_array_append(flows, s->odl->flows[i].body);
            }
        }
        if (s->odl->tables[t]) {
            json_array_append_new(tables, json_pack("{s:i, s:o}", "id", t,
                                                    "flow", flows));
        } else {
            json_decref(flows);
        }
    }
    for (size_t i = 0; is_node(s, req->args[0]) && i < s->odl->n_groups;
         i++) {
        json_array_append(groups, s->odl->groups[i].body);
    }
    if (!json_array_size(tables) && !json_array_size(groups)) {
        json_decref(tables);
        json_decref(groups);
        reply_missing(resp);
        return;
    }
    node_id(s, id, sizeof id);
    node = json_pack("{s:s, s:o, s:o}", "id", id, "flow-node-inventory:table",
                     tables, "flow-node-inventory:group", groups);
    standin_reply_json(resp, 200, json_pack("{s:[o]}", "node", node));
}

/* --- personality */

static int
odl_init(struct standin *s)
{
    s->odl = calloc(1, sizeof *s->odl);
    return s->odl ? 0 : -1;
}

static void
odl_fini(struct standin *s)
{
    if (!s->odl) {
        return;
    }
    for (size_t i = 0; i < s->odl->n_flows; i++) {
        free(s->odl->flows[i].id);
        json_decref(s->odl->flows[i].body);
    }
    free(s->odl->flows);
    for (size_t i = 0; i < s->odl->n_groups; i++) {
        json_decref(s->odl->groups[i].body);
    }
    free(s->odl->groups);
    free(s->odl);
    s->odl = NULL;
}

static const struct standin_route routes[] = {
    {"GET", NODES_OPER, get_nodes},
    {"GET", NODES_OPER "/node/*", get_nodes},
    {"GET", NODES_CONF "/node/*/table/*", get_table},
    {"DELETE", NODES_CONF "/node/*/table/*", delete_table},
    {"GET", NODES_CONF "/node/*/table/*/flow/*", get_flow},
    {"PUT", NODES_CONF "/node/*/table/*/flow/*", put_flow},
    {"DELETE", NODES_CONF "/node/*/table/*/flow/*", delete_flow},
    {"GET", NODES_CONF "/node/*", get_config_node},
    {"GET", NODES_CONF "/node/*/group/*", get_group},
    {"PUT", NODES_CONF "/node/*/group/*", put_group},
    {"DELETE", NODES_CONF "/node/*/group/*", delete_group},
};

const struct standin_personality standin_odl_personality = {
    .name = "odl",
    .realm = "opendaylight",
    .routes = routes,
    .n_routes = sizeof routes / sizeof routes[0],
    .init = odl_init,
    .fini = odl_fini,
    .reply_error = reply_error,
};

/* The odlof SDN driver: connectivity services (SDN assist) and
 * forwarding programs (service function chains, sfc/sfc-chain.h) through
 * OpenDaylight's RESTCONF inventory (sdn-sfc-ovs.md 2.3), as OSM's
 * odl_openflow connector programs services: one flow per rule of
 * of-rules.h (1.4) in table 0 of the node's configuration datastore,
 * which openflowplugin pushes to the switch.  REST plumbing is
 * sdn-rest.h's; the operation queue, the kept services and programs,
 * audits, program checks, config and the list/put/remove engine of a
 * service made of named entries sdn-rest-driver.h's, which
 * sdn-floodlight.c, the sibling, shares.
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
 * Programs: rule n of program P is flow "program-P.n" of table 0 (match
 * in-port, ethernet-match type and destination, vlan-match,
 * protocol-match-fields mpls-label, ip-match ip-protocol, ipv4/ipv6
 * source and destination, tcp/udp/sctp ports; actions as below), group
 * n of it is group P << 8 | n of the node (group-select, one bucket of
 * weight 1 per port or action list), opendaylight-group-types.  Actions:
 * push-vlan-action then set-field vlan-match, set-field vlan-match,
 * pop-vlan-action, push-mpls-action (34887) then set-field
 * protocol-match-fields mpls-label, set-field mpls-label, pop-mpls-action,
 * set-field ethernet-match source or destination, group-action,
 * output-action (to "openflow:N:P", ":INPORT" or ":NORMAL").
 * openflowplugin's action model has no NSH action but through the Nicira
 * extension augmentations, and no in_port rewrite: a program using
 * encap_nsh, set_nsh_spi, set_nsh_si, encap_eth, decap, dec_nsh_ttl,
 * set_in_port or matching nsh_spi / nsh_si is refused with
 * SLC_EUNSUPPORTED before anything is sent.  An install reads the
 * inventory (a port the node lacks fails it before any write) and the
 * node's configuration (the program's flows and groups there, also after
 * a restart of slicerd), then PUTs the groups (a PUT replaces a group of
 * that id in place), the flows, DELETEs the program's flows beyond the
 * new ones, then its groups beyond: traffic never meets a missing group.
 * A refused PUT deletes all the program's flows, then its groups, and
 * fails with the controller's words.  A remove DELETEs the flows, then
 * the groups; an unknown id is rc 0.
 *
 * The driver keeps every service and program it installed; each audit
 * interval it reads the operational inventory, where openflowplugin
 * shows the flows and groups the switch has (with their statistics), and
 * makes again the flows and groups of a program missing there (DELETE
 * then PUT: the configuration datastore may hold them still, and writing
 * the same data again changes nothing there; a group made again takes
 * all the program's flows with it, since the switch removed the flows
 * sending to it); then it reads table 0 and re-PUTs all the flows of a
 * service missing some (the controller restarted without its datastore,
 * a flow was deleted by hand).
 *
 * Counters (program_counters): the opendaylight-flow-statistics
 * packet-count and byte-count of each rule's flow in the operational
 * inventory, null for a flow not there.  The switch counts from 0 a flow
 * made again; the driver keeps per rule the last counters read (by
 * audits and reads) and, when the audit makes the rule again or a read
 * finds its counters went down, adds them to a baseline that every read
 * adds (sdn-rest-driver.h); an install_program starts the baseline at 0.
 */
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
#define ETHERTYPE_MPLS 34887
#define NODE_SIZE 40
#define FLOW_STATS "opendaylight-flow-statistics:flow-statistics"

/* A program's GET of its own. */
enum pstep {
    P_NONE,
    P_LIST,                   /* the node's configuration */
    P_AUDIT,                  /* the operational inventory */
};

/* The engine's 'sw' is the node, "openflow:N"; the driver's own steps
 * are a GET of the inventory (the node, its ports) and a program's GETs.
 * An install uses the engine's 'names' and 'flows' for its flows, and
 * 'listed' for those of the program in the configuration. */
struct op {
    struct slc_sdn_rest_entries_op up;    /* first: the shared part */
    json_t *connectors;       /* a put, an install: the node-connectors */
    enum pstep pstep;
    json_t *groups, *gids;    /* an install: group bodies and their ids */
    json_t *had_groups;       /* the program's group ids in the
                                 configuration */
    size_t n_puts;            /* an install: the PUTs of its script */
    bool undoing;             /* an install refused: its undo runs */
};

/* What openflowplugin cannot say (but through extensions). */
static const char *const unsupported[] = {
    "encap_nsh", "set_nsh_spi", "set_nsh_si", "encap_eth", "decap",
    "dec_nsh_ttl", "set_in_port", "nsh_spi", "nsh_si", NULL,
};

/* The services kept, for audits: service id -> {"node": N, "names":
 * [flow ids], "flows": [PUT bodies]}; the programs kept:
 * sdn-rest-driver.h's and {"node": N, "names": [flow ids], "flows": [PUT
 * bodies], "gids": [group ids], "groups": [PUT bodies]}. */
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

/* The node-connector id of 's' on the node: IN_PORT, NORMAL, a port
 * name, or a port number it has; else NULL.  A new string. */
static json_t *
connector_of(const struct op *op, const char *s)
{
    const json_t *c;

    if (!strcmp(s, "IN_PORT") || !strcmp(s, "NORMAL")) {
        return json_sprintf("%s:%s", op->up.sw, s[0] == 'I' ? "INPORT" : s);
    }
    c = slc_sdn_rest_find_port(op->connectors, s, odl_port);
    return c ? json_string(json_string_value(json_object_get(c, "id")))
             : NULL;
}

/* vlan-match {vlan-id: {vlan-id-present: true, vlan-id: V}}; V 0 is
 * untagged only: vlan-id-present false (openflowplugin's OFPVID_NONE). */
static json_t *
vlan_match(const json_t *v)
{
    return json_pack("{s{sbsO}}", "vlan-id", "vlan-id-present",
                     json_integer_value(v) != 0, "vlan-id", v);
}

/* Appends action 'name' with 'value' (taken) at the next order. */
static void
add_action(json_t *out, const char *name, json_t *value)
{
    json_array_append_new(out, json_pack("{sI so}", "order",
                                         (json_int_t)json_array_size(out),
                                         name, value));
}

/* The apply-actions of a list of actions (a service's, or a checked
 * program's whose groups are numbered 'program' << 8 | n); NULL with
 * '*bad_port' set for a port the node lacks. */
static json_t *
flow_actions(const struct op *op, const json_t *actions, uint32_t program,
             const char **bad_port)
{
    json_t *out = json_array(), *a, *v;
    size_t i;

    json_array_foreach(actions, i, a)
    {
        const char *key = json_object_iter_key(json_object_iter(a)) ?: "";

        v = json_object_get(a, key);
        if (!strcmp(key, "push_vlan")) {
            add_action(out, "push-vlan-action",
                       json_pack("{si}", "ethernet-type", ETHERTYPE_VLAN));
        } else if (!strcmp(key, "push_mpls")) {
            add_action(out, "push-mpls-action",
                       json_pack("{si}", "ethernet-type", ETHERTYPE_MPLS));
        }
        if (!strcmp(key, "push_vlan") || !strcmp(key, "set_vlan")) {
            add_action(out, "set-field",
                       json_pack("{so}", "vlan-match", vlan_match(v)));
        } else if (!strcmp(key, "push_mpls") || !strcmp(key, "set_mpls")) {
            add_action(out, "set-field",
                       json_pack("{s{sO}}", "protocol-match-fields",
                                 "mpls-label", v));
        } else if (!strcmp(key, "pop_vlan")) {
            add_action(out, "pop-vlan-action", json_object());
        } else if (!strcmp(key, "pop_mpls")) {
            add_action(out, "pop-mpls-action",
                       json_pack("{sO}", "ethernet-type", v));
        } else if (!strcmp(key, "set_eth_src") ||
                   !strcmp(key, "set_eth_dst")) {
            add_action(out, "set-field",
                       json_pack("{s{s{sO}}}", "ethernet-match",
                                 key[8] == 's' ? "ethernet-source"
                                               : "ethernet-destination",
                                 "address", v));
        } else if (!strcmp(key, "group")) {
            add_action(out, "group-action",
                       json_pack("{sI}", "group-id",
                                 (json_int_t)(program << 8 |
                                              (json_integer_value(v) &
                                               0xff))));
        } else if (!strcmp(key, "output")) {
            const char *port = json_string_value(v) ?: "";
            json_t *c = connector_of(op, port);

            if (!c) {
                *bad_port = port;
                json_decref(out);
                return NULL;
            }
            add_action(out, "output-action",
                       json_pack("{so}", "output-node-connector", c));
        }
    }
    return out;
}

/* The layer 3 and 4 fields of a match into 'match'. */
static void
l34_match(const json_t *m, json_t *match)
{
    static const char *const l4[] = {"tcp", "udp", "sctp"};
    json_int_t proto = json_integer_value(json_object_get(m, "ip_proto"));
    const char *l4p = l4[proto == 6 ? 0 : proto == 17 ? 1 : 2];
    const json_t *v;
    char key[40], prefix[64];

    if ((v = json_object_get(m, "ip_proto"))) {
        json_object_set_new(match, "ip-match",
                            json_pack("{sO}", "ip-protocol", v));
    }
    for (int src = 1; src >= 0; src--) {
        const char *s = json_string_value(
            json_object_get(m, src ? "nw_src" : "nw_dst"));

        if (s) {
            snprintf(key, sizeof key, "ipv%c-%s", strchr(s, ':') ? '6' : '4',
                     src ? "source" : "destination");
            json_object_set_new(match, key,
                                json_string(slc_sdn_rest_prefix(
                                    s, prefix, sizeof prefix)));
        }
        if ((v = json_object_get(m, src ? "tp_src" : "tp_dst"))) {
            snprintf(key, sizeof key, "%s-%s-port", l4p,
                     src ? "source" : "destination");
            json_object_set(match, key, (json_t *)v);
        }
    }
}

/* The match of a rule; NULL with '*bad_port' set when the node lacks its
 * in_port. */
static json_t *
match_of(const struct op *op, const json_t *m, const char **bad_port)
{
    const char *in = json_string_value(json_object_get(m, "in_port"));
    json_t *in_c = in ? connector_of(op, in) : NULL;
    json_t *match, *eth = json_object();
    const json_t *v;

    if (in && !in_c) {
        *bad_port = in;
        json_decref(eth);
        return NULL;
    }
    match = in_c ? json_pack("{so}", "in-port", in_c) : json_object();
    if ((v = json_object_get(m, "eth_type"))) {
        json_object_set_new(eth, "ethernet-type",
                            json_pack("{sO}", "type", v));
    }
    if ((v = json_object_get(m, "eth_dst"))) {
        json_object_set_new(eth, "ethernet-destination",
                            json_pack("{sO}", "address", v));
    }
    if (json_object_size(eth)) {
        json_object_set(match, "ethernet-match", eth);
    }
    json_decref(eth);
    if ((v = json_object_get(m, "vlan"))) {
        json_object_set_new(match, "vlan-match", vlan_match(v));
    }
    if ((v = json_object_get(m, "mpls_label"))) {
        json_object_set_new(match, "protocol-match-fields",
                            json_pack("{sO}", "mpls-label", v));
    }
    l34_match(m, match);
    return match;
}

/* The PUT body of flow 'name', a rule (of program 'program', or a
 * service's: 0); NULL with '*bad_port' set when the node lacks one of its
 * ports. */
static json_t *
rule_flow(const struct op *op, const char *name, const json_t *rule,
          uint32_t program, const char **bad_port)
{
    json_t *match = match_of(op, json_object_get(rule, "match"), bad_port);
    json_t *actions = match ? flow_actions(op, json_object_get(rule,
                                                               "actions"),
                                           program, bad_port)
                            : NULL;

    if (!actions) {
        json_decref(match);
        return NULL;
    }
    return json_pack("{s[{ss ss si si si sO so s{s[{si s{so}}]}}]}",
                     "flow-node-inventory:flow", "id", name, "flow-name",
                     name, "idle-timeout", 0, "hard-timeout", 0, "table_id",
                     0, "priority", json_object_get(rule, "priority"),
                     "match", match, "instructions", "instruction", "order",
                     1, "apply-actions", "action", actions);
}

/* A service's rule: slc_sdn_rest_build_flows()'s flow_of. */
static json_t *
flow_of(struct slc_sdn_rest_op *o, size_t n, const json_t *rule,
        const json_t *ports, const char **bad_port)
{
    const char *in = json_string_value(json_object_get(
        json_object_get(rule, "match"), "in_port"));

    if (!in) {
        *bad_port = "";       /* a service's rule has its port */
        return NULL;
    }
    return rule_flow(op_of(o),
                     json_string_value(json_object_get(rule, "name")) ?: "",
                     rule, 0, bad_port);
}

/* ---- programs ---- */

/* The flows of table 0 and the groups of 'node' (an inventory node, from
 * the operational or the configuration datastore), borrowed. */
static const json_t *
node_flows(const json_t *node)
{
    const json_t *tables = json_object_get(node, "flow-node-inventory:table");
    const json_t *t;
    size_t i;

    json_array_foreach(tables ? tables : json_object_get(node, "table"), i,
                       t)
    {
        if (json_integer_value(json_object_get(t, "id")) == 0) {
            return json_object_get(t, "flow");
        }
    }
    return NULL;
}

static const json_t *
node_groups(const json_t *node)
{
    const json_t *g = json_object_get(node, "flow-node-inventory:group");

    return g ? g : json_object_get(node, "group");
}

/* The element of 'list' whose 'key' is 'id' (a string or an integer). */
static const json_t *
find_by(const json_t *list, const char *key, const json_t *id)
{
    const json_t *x;
    size_t i;

    json_array_foreach(list, i, x)
    {
        if (json_equal(json_object_get(x, key), (json_t *)id)) {
            return x;
        }
    }
    return NULL;
}

/* An install: the program's flow names and bodies (the engine's 'names'
 * and 'flows'), its group ids and bodies, with the node's connectors;
 * false when a port is missing (then 'op' failed). */
static bool
program_bodies(struct op *op)
{
    struct slc_sdn_rest_entries_op *e = &op->up;
    uint32_t pid = e->op.program_id;
    const json_t *r, *g;
    const char *bad = NULL;
    char name[48];
    size_t i;

    e->names = json_array();
    e->flows = json_array();
    op->groups = json_array();
    op->gids = json_array();
    json_array_foreach(json_object_get(e->op.program, "groups"), i, g)
    {
        json_int_t gid = pid << 8 | json_integer_value(json_object_get(g,
                                                                       "id"));
        json_t *buckets = slc_sdn_rest_group_buckets(g), *out = json_array();
        const json_t *b;
        size_t k;

        json_array_foreach(buckets, k, b)
        {
            json_t *acts = flow_actions(op, b, pid, &bad);

            if (!acts) {
                break;
            }
            json_array_append_new(out, json_pack("{sI si so}", "bucket-id",
                                                 (json_int_t)k, "weight", 1,
                                                 "action", acts));
        }
        snprintf(name, sizeof name, "program-%u.group-%" JSON_INTEGER_FORMAT,
                 pid, gid & 0xff);
        json_array_append_new(op->gids, json_integer(gid));
        json_array_append_new(
            op->groups,
            json_pack("{s[{sI ss ss sb s{so}}]}", "flow-node-inventory:group",
                      "group-id", gid, "group-name", name, "group-type",
                      "group-select", "barrier", 0, "buckets", "bucket",
                      out));
        json_decref(buckets);
        if (bad) {
            slc_sdn_rest_fail(&e->op, SLC_EINVALID, "program %u: group %"
                              JSON_INTEGER_FORMAT ": node %s has no port "
                              "'%s'", pid, gid & 0xff, e->sw, bad);
            return false;
        }
    }
    json_array_foreach(json_object_get(e->op.program, "rules"), i, r)
    {
        json_t *body;

        snprintf(name, sizeof name, "program-%u.%zu", pid, i);
        if (!(body = rule_flow(op, name, r, pid, &bad))) {
            slc_sdn_rest_fail(&e->op, SLC_EINVALID, "program %u: rule %zu: "
                              "node %s has no port '%s'", pid, i, e->sw,
                              bad ? bad : "?");
            return false;
        }
        json_array_append_new(e->names, json_string(name));
        json_array_append_new(e->flows, body);
    }
    return true;
}

/* A counters' read: the flow statistics of the program's flows in the
 * operational inventory of 'node'. */
static void
program_read(struct op *op, const json_t *node)
{
    const json_t *kept = op->up.op.kept, *name;
    const json_t *flows = node_flows(node);
    json_t *raw = json_array();
    size_t i;

    json_array_foreach(json_object_get(kept, "names"), i, name)
    {
        const json_t *st = json_object_get(find_by(flows, "id", name),
                                           FLOW_STATS);

        json_array_append_new(
            raw, st ? json_pack("{sO sO}", "packets",
                                json_object_get(st, "packet-count"),
                                "bytes", json_object_get(st, "byte-count"))
                    : json_null());
    }
    slc_sdn_rest_program_counters(&op->up.op, raw);
}

static json_t *
flow_call(const struct op *op, const char *method, const char *name,
          json_t *body)
{
    return slc_sdn_rest_call_new(method, body,
                                 NODES_CONF "%s/table/0/flow/%s", op->up.sw,
                                 name);
}

static json_t *
group_call(const struct op *op, const char *method, json_int_t gid,
           json_t *body)
{
    return slc_sdn_rest_call_new(method, body,
                                 NODES_CONF "%s/group/%" JSON_INTEGER_FORMAT,
                                 op->up.sw, gid);
}

static bool
in_array(const json_t *a, const json_t *v)
{
    const json_t *x;
    size_t i;

    json_array_foreach(a, i, x)
    {
        if (json_equal((json_t *)x, (json_t *)v)) {
            return true;
        }
    }
    return false;
}

/* The elements of 'a', then those of 'b' not in 'a': a new array. */
static json_t *
union_of(const json_t *a, const json_t *b)
{
    json_t *u = json_array(), *v;
    size_t i;

    json_array_extend(u, (json_t *)a);
    json_array_foreach(b, i, v)
    {
        if (!in_array(u, v)) {
            json_array_append(u, v);
        }
    }
    return u;
}

/* Appends to 'calls' the DELETEs of the flows of 'names', then of the
 * groups of 'gids', but those in 'keep_names' and 'keep_gids' (may be
 * NULL). */
static void
delete_calls(const struct op *op, const json_t *names, const json_t *gids,
             const json_t *keep_names, const json_t *keep_gids,
             json_t *calls)
{
    const json_t *v;
    size_t i;

    json_array_foreach(names, i, v)
    {
        if (!in_array(keep_names, v)) {
            json_array_append_new(calls, flow_call(op, "DELETE",
                                                   json_string_value(v),
                                                   NULL));
        }
    }
    json_array_foreach(gids, i, v)
    {
        if (!in_array(keep_gids, v)) {
            json_array_append_new(calls, group_call(op, "DELETE",
                                                    json_integer_value(v),
                                                    NULL));
        }
    }
}

/* An install or a remove, the node's configuration read ('node' NULL:
 * nothing there): a script PUTs the new groups, the new flows, then
 * DELETEs the program's flows and groups there beyond them (a remove:
 * all of them). */
static void
got_program_list(struct op *op, const json_t *node)
{
    struct slc_sdn_rest_entries_op *e = &op->up;
    uint32_t pid = e->op.program_id;
    json_t *calls = json_array(), *v;
    char prefix[32];
    size_t i, len = (size_t)snprintf(prefix, sizeof prefix, "program-%u.",
                                     pid);

    e->listed = json_array();
    op->had_groups = json_array();
    json_array_foreach(node_flows(node), i, v)
    {
        const char *id = json_string_value(json_object_get(v, "id"));

        if (id && !strncmp(id, prefix, len)) {
            json_array_append_new(e->listed, json_string(id));
        }
    }
    json_array_foreach(node_groups(node), i, v)
    {
        json_int_t gid = json_integer_value(json_object_get(v, "group-id"));

        if (gid >> 8 == pid) {
            json_array_append_new(op->had_groups, json_integer(gid));
        }
    }
    json_array_foreach(op->groups, i, v)
    {
        json_array_append_new(calls, group_call(
                                         op, "PUT",
                                         json_integer_value(json_array_get(
                                             op->gids, i)),
                                         json_incref(v)));
    }
    /* last rule first (see sdn-onosof.c) */
    for (i = json_array_size(e->flows); i-- > 0;) {
        json_array_append_new(
            calls, flow_call(op, "PUT",
                             json_string_value(json_array_get(e->names, i)),
                             json_incref(json_array_get(e->flows, i))));
    }
    op->n_puts = json_array_size(calls);
    delete_calls(op, e->listed, op->had_groups, e->names, op->gids, calls);
    op->pstep = P_NONE;
    slc_sdn_rest_script(&e->op, calls, false);
}

/* An install is in place: keeps the program. */
static void
program_done(struct op *op)
{
    struct slc_sdn_rest_entries_op *e = &op->up;
    json_t *kept = slc_sdn_rest_program_new(&e->op);

    if (kept) {
        json_object_set_new(kept, "node", json_string(e->sw));
        json_object_set(kept, "names", e->names);
        json_object_set(kept, "flows", e->flows);
        json_object_set(kept, "gids", op->gids);
        json_object_set(kept, "groups", op->groups);
    }
    if (slc_sdn_rest_program_keep(&e->op, kept)) {
        slc_sdn_rest_fail(&e->op, SLC_ENOMEM, "out of memory");
        return;
    }
    slc_sdn_rest_finish(&e->op, 0, NULL, NULL, NULL);
}

/* The end of a program's script: an install keeps its program (or,
 * refused at a PUT, removes all the program's flows and groups, then
 * fails), a remove is done, an audit goes on with the services. */
static void
odl_script_done(struct slc_sdn_rest_op *o, int rc, const char *msg)
{
    struct op *op = op_of(o);
    json_t *names, *gids, *calls;

    if (o->kind == SLC_SDN_REST_AUDIT) {
        slc_sdn_rest_entries_audit(&op->up);
    } else if (op->undoing) {
        slc_sdn_rest_fail(o, o->error_rc, "%s", o->error);
    } else if (!rc && o->kind == SLC_SDN_REST_INSTALL) {
        program_done(op);
    } else if (!rc) {
        slc_sdn_rest_finish(o, 0, NULL, NULL, NULL);
    } else if (o->kind != SLC_SDN_REST_INSTALL ||
               o->script_next >= op->n_puts) {
        slc_sdn_rest_fail(o, rc, "program %u: %s", o->program_id,
                          msg ? msg : "");
    } else if (!(o->error = slc_sdn_rest_program_error(o, msg))) {
        slc_sdn_rest_fail(o, SLC_ENOMEM, "out of memory");
    } else {
        o->error_rc = rc;
        names = union_of(op->up.listed, op->up.names);
        gids = union_of(op->had_groups, op->gids);
        calls = json_array();
        delete_calls(op, names, gids, NULL, NULL, calls);
        json_decref(names);
        json_decref(gids);
        op->undoing = true;
        slc_sdn_rest_script(o, calls, true);
    }
}

/* An audit of kept program 'pid' against the operational inventory of
 * its node: groups missing there are made again (DELETE, PUT) with all
 * the program's flows, flows missing there too; the counters of the
 * flows there are seen, those of the flows made again go into the
 * baseline. */
static void
audit_program(struct op *op, const char *pid, json_t *kept,
              const json_t *node, json_t *gcalls, json_t *fcalls)
{
    struct slc_sdn_rest_driver *drv = op->up.op.drv;
    const json_t *gids = json_object_get(kept, "gids");
    const json_t *names = json_object_get(kept, "names"), *v;
    size_t i, groups = 0, flows = 0;

    json_array_foreach(gids, i, v)
    {
        if (!find_by(node_groups(node), "group-id", v)) {
            json_array_append_new(gcalls, group_call(op, "DELETE",
                                                     json_integer_value(v),
                                                     NULL));
            json_array_append_new(
                gcalls, group_call(op, "PUT", json_integer_value(v),
                                   json_incref(json_array_get(
                                       json_object_get(kept, "groups"),
                                       i))));
            groups++;
        }
    }
    json_array_foreach(names, i, v)
    {
        const json_t *st = json_object_get(
            find_by(node_flows(node), "id", v), FLOW_STATS);

        if (st) {
            slc_sdn_rest_program_seen(
                kept, i,
                json_integer_value(json_object_get(st, "packet-count")),
                json_integer_value(json_object_get(st, "byte-count")));
        } else {
            slc_sdn_rest_program_redone(kept, i);
            flows++;
        }
        if (!st || groups) {
            json_array_append_new(fcalls, flow_call(op, "DELETE",
                                                    json_string_value(v),
                                                    NULL));
            json_array_append_new(
                fcalls, flow_call(op, "PUT", json_string_value(v),
                                  json_incref(json_array_get(
                                      json_object_get(kept, "flows"), i))));
        }
    }
    if (groups || flows) {
        drv->reinstalled++;
        slc_sdn_rest_note(drv, "program %s re-installed: %zu of its %zu "
                          "flows and %zu of its %zu groups were missing",
                          pid, flows, json_array_size(names), groups,
                          json_array_size(gids));
    }
}

/* An audit, the operational inventory read: makes again what the kept
 * programs miss, then goes on with the services. */
static void
audit_programs(struct op *op, const json_t *body)
{
    struct slc_sdn_rest_driver *drv = op->up.op.drv;
    const json_t *nodes = json_object_get(json_object_get(body, "nodes"),
                                          "node");
    json_t *gcalls = json_array(), *fcalls = json_array(), *kept;
    const char *pid;

    json_object_foreach(drv->programs, pid, kept)
    {
        const char *sw = json_string_value(json_object_get(kept, "node"));

        free(op->up.sw);      /* the calls' node */
        op->up.sw = strdup(sw ? sw : "");
        audit_program(op, pid, kept,
                      find_by(nodes, "id", json_object_get(kept, "node")),
                      gcalls, fcalls);
    }
    json_array_extend(gcalls, fcalls);
    json_decref(fcalls);
    op->pstep = P_NONE;
    slc_sdn_rest_script(&op->up.op, gcalls, true);
}

/* The next step once the node is known (a check is done); refuses a
 * point that names another datapath. */
static void
node_known(struct op *op)
{
    struct slc_sdn_rest_entries_op *e = &op->up;
    char what[NODE_SIZE + 32], where[NODE_SIZE + 8], path[200];
    json_t *flows;

    snprintf(odl_of(e->op.drv)->last_node, NODE_SIZE, "%s", e->sw);
    if (e->op.kind == SLC_SDN_REST_CHECK) {
        slc_sdn_rest_finish(&e->op, 0, NULL, NULL, NULL);
        return;
    }
    if (e->op.kind == SLC_SDN_REST_INSTALL && !program_bodies(op)) {
        return;
    }
    if (e->op.kind == SLC_SDN_REST_INSTALL ||
        e->op.kind == SLC_SDN_REST_REMOVE) {
        op->pstep = P_LIST;
        snprintf(path, sizeof path, NODES_CONF "%s", e->sw);
        slc_sdn_rest_request(&e->op, "GET", path, NULL);
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
    } else if (op->up.op.kind == SLC_SDN_REST_COUNTERS) {
        program_read(op, node);
    } else {
        node_known(op);
    }
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
    if (o->script) {
        slc_sdn_rest_script_reply(o, rc, rc ? text : NULL);
        return;
    }
    if (op->pstep == P_LIST && (!rc || rc == SLC_ENOTFOUND)) {
        /* 404: nothing configured on the node */
        got_program_list(op, rc ? NULL : json_array_get(json_object_get(
                                                            body, "node"),
                                                        0));
        return;
    }
    if (op->pstep == P_AUDIT) {
        op->pstep = P_NONE;
        if (rc) {
            slc_sdn_rest_note(o->drv, "audit failed: %s", text);
            slc_sdn_rest_entries_audit(&op->up);
        } else {
            audit_programs(op, body);
        }
        return;
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

    if (o->kind == SLC_SDN_REST_COUNTERS && !o->kept) {
        slc_sdn_rest_fail(o, SLC_ENOTFOUND, "program %u: not installed by "
                          "this driver", o->program_id);
    } else if (o->kind == SLC_SDN_REST_AUDIT &&
               json_object_size(o->drv->programs)) {
        op->pstep = P_AUDIT;
        slc_sdn_rest_request(o, "GET", NODES_OPER, NULL);
    } else if (o->kind == SLC_SDN_REST_AUDIT) {
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
    struct op *op = op_of(o);

    json_decref(op->connectors);
    json_decref(op->groups);
    json_decref(op->gids);
    json_decref(op->had_groups);
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
    .unsupported = unsupported,
    .unsupported_why = "openflowplugin's flow and action model has no such "
                       "field or action (but through extensions)",
    .script_done = odl_script_done,
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
    SLC_SDN_REST_DRIVER_PROGRAMS,
};

/* The floodlightof SDN driver: connectivity services (SDN assist) through
 * Floodlight's static flow pusher (sdn-sfc-ovs.md 2.4), as OSM's
 * floodlight_openflow connector programs them: one static entry per rule
 * of of-rules.h (1.4), which Floodlight pushes to the switch.  REST
 * plumbing is sdn-rest.h's; the operation queue, the kept services,
 * audits, config and the list/put/remove engine of a service made of named
 * entries sdn-rest-driver.h's, which sdn-odlof.c, the sibling, shares.
 *
 * Controller record: url "http://HOST:PORT" (required); Floodlight has no
 * HTTP authentication by default: HTTP Basic credentials go only when a
 * user is set; config = {dpid (the switch: an integer, or 16 hex digits
 * with or without colons; default: the only switch of
 * wm/core/controller/switches/json), audit_interval_ms (default 5000, 0 =
 * none), timeout_ms (each HTTP request, default 5000),
 * of_controller_nets_with_same_vlan (default false)}.
 *
 * Services: id "floodlightof-%08x" of 0x80000000 | FNV-1a(tag) &
 * 0x7fffffff, so that a create with a known tag replaces that service;
 * its entries are named "<service id>.<n>" (n the rule's index), so the
 * service's entries are those of the switch whose name starts with
 * "<service id>."; conn_info = {status, error_msg, installed_rules_ids}
 * as OSM's.  A point's switch_dpid is a datapath id that must be the
 * switch's, or anything else (a switch name) for the switch; switch_port
 * is a port name of the switch (wm/core/switch/<dpid>/port-desc/json),
 * else a port number it has.
 *
 * Entries use Floodlight 1.x field names (OSM's "1.X" version): switch,
 * name, priority, in_port, eth_dst, eth_vlan_vid, active, actions.  Where
 * ours differ from OSM's:
 * - eth_vlan_vid is the raw VID with OFPVID_PRESENT ("0x1065" for VLAN
 *   101): MatchUtils takes it as OFVlanVidMatch.ofRawVid, so OSM's "101"
 *   means no tag present on an OpenFlow 1.3 switch;
 * - a VLAN pushed on an untagged packet is "push_vlan=0x8100,
 *   set_vlan_vid=V": set_vlan_vid alone pushes a tag only with OpenFlow
 *   1.0's meaning; a VLAN removed is strip_vlan, a hairpin output=in_port.
 *
 * The static flow pusher answers 200 whatever happens, its verdict in
 * "status": "Entry pushed", else a warning or an error ("Error! The
 * switch refused the flow: ..."), which is a failure with its words; a
 * delete says "Entry NAME deleted" even for a name it never had, so the
 * entries of a service are known from the list only.  A create or an
 * edit reads the list, POSTs every rule (an entry of the same name is
 * replaced), then deletes the service's entries beyond the new rules; a
 * refused entry deletes every entry of the service and fails.  Operations
 * run one at a time, in order.
 *
 * The driver keeps every service it installed; each audit interval it
 * reads the list and re-POSTs all the entries of a service missing some
 * (Floodlight restarted: its static entries live in memory only). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "of-rules.h"
#include "sdn-rest-driver.h"

#define SWITCHES "/wm/core/controller/switches/json"
#define PUSHER "/wm/staticflowpusher/json"
#define DPID_SIZE 24

/* The steps of an operation before those of sdn-rest-driver.h's engine,
 * one HTTP call each. */
enum step {
    S_SWITCHES,               /* GET the switches: the default dpid */
    S_PORTS,                  /* GET port-desc: port names */
};

/* The engine's 'sw' is the switch's dpid as "xx:..:xx". */
struct op {
    struct slc_sdn_rest_entries_op up;    /* first: the shared part */
    enum step step;
};

/* The services kept, for audits: service id -> {"dpid": D, "names":
 * [entry names], "flows": [POST bodies]}. */
struct fl {
    struct slc_sdn_rest_driver up;    /* first: the shared part */
    char last_dpid[DPID_SIZE];    /* the switch of the last operation */
};

/* ---- helpers ---- */

static struct op *
op_of(struct slc_sdn_rest_op *o)
{
    return (struct op *)o;
}

static struct fl *
fl_of(struct slc_sdn_rest_driver *drv)
{
    return (struct fl *)drv;
}

static void
dpid_text(uint64_t dpid, char *buf, size_t size)
{
    snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x:%02x:%02x",
             (unsigned)(dpid >> 56) & 0xff, (unsigned)(dpid >> 48) & 0xff,
             (unsigned)(dpid >> 40) & 0xff, (unsigned)(dpid >> 32) & 0xff,
             (unsigned)(dpid >> 24) & 0xff, (unsigned)(dpid >> 16) & 0xff,
             (unsigned)(dpid >> 8) & 0xff, (unsigned)dpid & 0xff);
}

/* ---- the steps ---- */

/* Starts the call of an engine step. */
static void
fl_call(struct slc_sdn_rest_entries_op *e)
{
    char path[128];

    switch (e->step) {
    case SLC_SDN_REST_STEP_LIST:
        snprintf(path, sizeof path, "/wm/staticflowpusher/list/%s/json",
                 e->sw);
        slc_sdn_rest_request(&e->op, "GET", path, NULL);
        break;
    case SLC_SDN_REST_STEP_PUT:
        slc_sdn_rest_request(&e->op, "POST", PUSHER,
                             json_incref(json_array_get(e->flows, e->next)));
        break;
    case SLC_SDN_REST_STEP_REMOVE:
    case SLC_SDN_REST_STEP_UNDO:
        slc_sdn_rest_request(&e->op, "DELETE", PUSHER,
                             json_pack("{sO}", "name",
                                       json_array_get(e->doomed, e->next)));
        break;
    case SLC_SDN_REST_STEP_OWN:
        break;
    }
}

/* The text of a port's number: portNumber is text in 1.x ("1",
 * "local"), a number before. */
static void
port_text(const json_t *port, char *buf, size_t size)
{
    const json_t *no = json_object_get(port, "portNumber");

    if (json_is_integer(no)) {
        snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(no));
    } else {
        snprintf(buf, size, "%s", json_string_value(no) ?: "");
    }
}

static bool
fl_port(const json_t *port, const char **name, uint32_t *number)
{
    char text[16];

    port_text(port, text, sizeof text);
    *name = json_string_value(json_object_get(port, "name"));
    *number = slc_of_port_number(text);
    return *number != 0;
}

/* The port of 's' in an entry: IN_PORT, a port name of the switch, or a
 * number one of its ports has; else NULL.  A new string. */
static json_t *
port_of(const json_t *ports, const char *s)
{
    const json_t *port;
    char text[16];

    if (!strcmp(s, "IN_PORT")) {
        return json_string("in_port");
    }
    if (!(port = slc_sdn_rest_find_port(ports, s, fl_port))) {
        return NULL;
    }
    port_text(port, text, sizeof text);
    return json_string(text);
}

/* The "actions" text of a rule's of-rules.h actions; NULL with
 * '*bad_port' set for a port the switch lacks. */
static json_t *
entry_actions(const json_t *actions, const json_t *ports,
              const char **bad_port)
{
    char text[1024] = "";
    size_t len = 0, i;
    json_t *a, *v;

    json_array_foreach(actions, i, a)
    {
        const char *sep = len ? "," : "";
        json_t *port = NULL;

        if ((v = json_object_get(a, "push_vlan"))) {
            len += (size_t)snprintf(text + len, sizeof text - len,
                                    "%spush_vlan=0x8100,set_vlan_vid=%"
                                    JSON_INTEGER_FORMAT, sep,
                                    json_integer_value(v));
        } else if ((v = json_object_get(a, "set_vlan"))) {
            len += (size_t)snprintf(text + len, sizeof text - len,
                                    "%sset_vlan_vid=%" JSON_INTEGER_FORMAT,
                                    sep, json_integer_value(v));
        } else if (json_object_get(a, "pop_vlan")) {
            len += (size_t)snprintf(text + len, sizeof text - len,
                                    "%sstrip_vlan", sep);
        } else if ((v = json_object_get(a, "output"))) {
            *bad_port = json_string_value(v) ?: "";
            if (!(port = port_of(ports, *bad_port))) {
                return NULL;
            }
            len += (size_t)snprintf(text + len, sizeof text - len,
                                    "%soutput=%s", sep,
                                    json_string_value(port));
            json_decref(port);
        }
        if (len >= sizeof text) {
            *bad_port = NULL;
            return NULL;
        }
    }
    return json_string(text);
}

/* The POST body of a rule; NULL with '*bad_port' set when the switch
 * lacks one of its ports. */
static json_t *
entry_of(struct slc_sdn_rest_op *op, size_t n, const json_t *rule,
         const json_t *ports, const char **bad_port)
{
    const char *sw = op_of(op)->up.sw;
    const json_t *m = json_object_get(rule, "match"), *v;
    const char *in = json_string_value(json_object_get(m, "in_port")) ?: "";
    json_t *in_no = port_of(ports, in), *actions, *entry;

    *bad_port = in;
    if (!in_no || !(actions = entry_actions(json_object_get(rule, "actions"),
                                            ports, bad_port))) {
        json_decref(in_no);
        return NULL;
    }
    entry = json_pack("{ss sO so so ss so}", "switch", sw, "name",
                      json_object_get(rule, "name"), "priority",
                      json_sprintf("%" JSON_INTEGER_FORMAT,
                                   json_integer_value(json_object_get(
                                       rule, "priority"))),
                      "in_port", in_no, "active", "true", "actions",
                      actions);
    if (!entry) {
        return NULL;
    }
    if ((v = json_object_get(m, "eth_dst"))) {
        json_object_set(entry, "eth_dst", (json_t *)v);
    }
    if ((v = json_object_get(m, "vlan"))) {
        /* the raw VID: OFPVID_PRESENT | VLAN */
        json_object_set_new(entry, "eth_vlan_vid",
                            json_sprintf("0x%llx",
                                         0x1000ull |
                                             (unsigned long long)
                                                 json_integer_value(v)));
    }
    return entry;
}

/* The entries of the service's rules, with the switch's port numbers;
 * then the service's entries are read. */
static void
got_ports(struct op *op, const json_t *body)
{
    struct slc_sdn_rest_entries_op *e = &op->up;
    const json_t *ports = json_object_get(body, "portDesc");
    json_t *flows;
    char where[DPID_SIZE + 8];

    if (!ports) {
        ports = json_object_get(body, "port_desc");
    }
    if (!json_is_array(ports)) {
        slc_sdn_rest_fail(&e->op, SLC_EIO, "GET /wm/core/switch/%s/port-desc"
                          "/json: the reply is not a port list", e->sw);
        return;
    }
    snprintf(where, sizeof where, "switch %s", e->sw);
    e->names = json_array();
    /* on failure 'op' is gone */
    if ((flows = slc_sdn_rest_build_flows(&e->op, ports, entry_of, where,
                                          e->names))) {
        e->flows = flows;
        slc_sdn_rest_entries_list(e);
    }
}

/* The next step once the switch is known (a check is done); refuses a
 * point that names another datapath. */
static void
switch_known(struct op *op)
{
    struct slc_sdn_rest_entries_op *e = &op->up;
    struct fl *f = fl_of(e->op.drv);
    uint64_t dpid = 0;
    char what[DPID_SIZE + 32], path[128];

    snprintf(f->last_dpid, sizeof f->last_dpid, "%s", e->sw);
    slc_of_dpid_parse(e->sw, &dpid);
    if (e->op.kind == SLC_SDN_REST_CHECK) {
        slc_sdn_rest_finish(&e->op, 0, NULL, NULL, NULL);
        return;
    }
    snprintf(what, sizeof what, "the controller's switch %s", e->sw);
    if (slc_sdn_rest_check_dpids(&e->op, dpid, what)) {
        return;
    }
    if (e->op.kind != SLC_SDN_REST_PUT) {
        slc_sdn_rest_entries_list(e);
        return;
    }
    op->step = S_PORTS;
    snprintf(path, sizeof path, "/wm/core/switch/%s/port-desc/json", e->sw);
    slc_sdn_rest_request(&e->op, "GET", path, NULL);
}

static void
got_switches(struct op *op, const json_t *body)
{
    struct slc_sdn_rest_driver *drv = op->up.op.drv;
    struct slc_sdn_rest_switches sw = {0};
    char want[DPID_SIZE + 8], text[DPID_SIZE];
    uint64_t only = 0;
    size_t i;
    json_t *s;

    if (!json_is_array(body)) {
        slc_sdn_rest_fail(&op->up.op, SLC_EIO, "GET " SWITCHES ": the reply "
                          "is not a list");
        return;
    }
    json_array_foreach(body, i, s)
    {
        const char *name = json_string_value(json_object_get(s,
                                                             "switchDPID"));
        uint64_t dpid;

        if (!name) {
            name = json_string_value(json_object_get(s, "dpid"));
        }
        if (!name || slc_of_dpid_parse(name, &dpid)) {
            continue;
        }
        only = dpid;
        slc_sdn_rest_switches_add(&sw, name, dpid == drv->dpid);
    }
    dpid_text(drv->dpid, text, sizeof text);
    snprintf(want, sizeof want, "switch %s", text);
    if (slc_sdn_rest_switches_pick(&op->up.op, &sw, "switches",
                                   drv->have_dpid ? want : NULL)) {
        return;
    }
    dpid_text(drv->have_dpid ? drv->dpid : only, text, sizeof text);
    if (!(op->up.sw = strdup(text))) {
        slc_sdn_rest_fail(&op->up.op, SLC_ENOMEM, "out of memory");
        return;
    }
    switch_known(op);
}

/* The service's entries in a list reply: {DPID: [{NAME: {...}}, ...]}. */
static json_t *
service_entries(const struct slc_sdn_rest_entries_op *e, const json_t *body)
{
    json_t *names = json_array(), *list, *entry, *v;
    size_t len = strlen(e->op.service_id), i;
    const char *key, *name;

    json_object_foreach((json_t *)body, key, list)
    {
        json_array_foreach(list, i, entry)
        {
            json_object_foreach(entry, name, v)
            {
                if (!strncmp(name, e->op.service_id, len) &&
                    name[len] == '.') {
                    json_array_append_new(names, json_string(name));
                }
            }
        }
    }
    return names;
}

/* The static flow pusher's verdict on a POST or a DELETE: 0, or the
 * failure with its words in 'text'. */
static int
pusher_verdict(const char *method, const json_t *body, char *text,
               size_t size)
{
    const char *status = json_string_value(json_object_get(body, "status"));

    if (!status) {
        snprintf(text, size, "%s " PUSHER ": 200 without a status",
                 method);
        return SLC_EIO;
    }
    if (!strcmp(method, "POST") ? !strncmp(status, "Entry pushed", 12)
                                : !!strncmp(status, "Error", 5)) {
        return 0;
    }
    snprintf(text, size, "%s " PUSHER ": %s", method, status);
    for (char *p = text; *p; p++) {
        if ((unsigned char)*p < 0x20 || *p == 0x7f) {
            *p = ' ';
        }
    }
    slc_utf8_scrub(text);
    return strcmp(method, "POST") ? SLC_EIO : SLC_EINVALID;
}

static void
fl_reply(struct slc_sdn_rest_op *o, int rc, const char *msg, json_t *body,
         long status)
{
    struct op *op = op_of(o);
    enum slc_sdn_rest_step step = op->up.step;
    char text[SLC_ERROR_MSG_SIZE];

    snprintf(text, sizeof text, "%s", msg ? msg : "");
    if (!rc && (step == SLC_SDN_REST_STEP_PUT ||
                step == SLC_SDN_REST_STEP_REMOVE)) {
        rc = pusher_verdict(step == SLC_SDN_REST_STEP_PUT ? "POST"
                                                          : "DELETE",
                            body, text, sizeof text);
    }
    if (step != SLC_SDN_REST_STEP_OWN) {
        slc_sdn_rest_entries_reply(&op->up, rc, text, body);
    } else if (rc) {
        slc_sdn_rest_fail(o, rc, "%s", text);
    } else if (op->step == S_SWITCHES) {
        got_switches(op, body);
    } else {
        got_ports(op, body);
    }
}

/* ---- the class ---- */

static void
fl_start(struct slc_sdn_rest_op *o)
{
    struct op *op = op_of(o);

    if (o->kind == SLC_SDN_REST_AUDIT) {
        slc_sdn_rest_entries_audit(&op->up);
    } else if (op->up.sw) {
        switch_known(op);
    } else {
        op->step = S_SWITCHES;
        slc_sdn_rest_request(o, "GET", SWITCHES, NULL);
    }
}

static int
fl_take_spec(struct slc_sdn_rest_op *o,
             const struct slc_sdn_service_spec *spec, struct slc_error *err)
{
    return slc_sdn_rest_take_rules(o, o->service_id, spec, 0, err);
}

/* A delete or a status: the switch the service was put on, else
 * config's, else the controller's only one; the entries expected from
 * what the driver keeps, else conn_info. */
static int
fl_take_conn_info(struct slc_sdn_rest_op *o, const json_t *conn_info,
                  struct slc_error *err)
{
    char dpid[DPID_SIZE];

    dpid_text(o->drv->dpid, dpid, sizeof dpid);
    return slc_sdn_rest_entries_take(&op_of(o)->up, conn_info,
                                     o->drv->have_dpid ? dpid : NULL, err);
}

static const char *
fl_switch_name(struct slc_sdn_rest_driver *drv, char *buf, size_t size)
{
    const char *last = fl_of(drv)->last_dpid;

    dpid_text(drv->dpid, buf, size);
    return drv->have_dpid ? buf : last[0] ? last : NULL;
}

static const struct slc_sdn_rest_entries_class fl_entries = {
    .sw_key = "dpid",
    .entry = "entry",
    .entries = "entries",
    .where = "on switch",
    .call = fl_call,
    .list = service_entries,
};

static const struct slc_sdn_rest_class fl_rest = {
    .sdn = &slc_sdn_floodlightof_class,
    .log_module = "sdn_floodlight",
    .prefix = "floodlightof",
    .size = sizeof(struct fl),
    .op_size = sizeof(struct op),
    .dpid = SLC_SDN_REST_DPID_ANY,
    .same_vlan = true,
    .switch_key = "dpid",
    .reinstalled_key = "reinstalled",
    .entries = &fl_entries,
    .take_spec = fl_take_spec,
    .take_conn_info = fl_take_conn_info,
    .start = fl_start,
    .reply = fl_reply,
    .switch_name = fl_switch_name,
    .describe_service = slc_sdn_rest_entries_describe,
};

/* config.dpid is an integer, or 16 hex digits (colons allowed). */
static int
fl_check_config(const json_t *config, struct slc_error *err)
{
    return slc_sdn_rest_driver_check_config(&fl_rest, config, err);
}

static int
fl_open(const struct slc_sdn_params *p, struct slc_sdn **out,
        struct slc_error *err)
{
    struct slc_sdn_params basic = *p;

    /* Basic credentials only when a user is set (Floodlight has none) */
    basic.user = p->user && p->user[0] ? p->user : NULL;
    basic.password = p->password ? p->password : "";
    return slc_sdn_rest_driver_open(&fl_rest, &basic, out, err);
}

const struct slc_sdn_class slc_sdn_floodlightof_class = {
    .version = SLC_SDN_CLASS_VERSION,
    .type = "floodlightof",
    .check_config = fl_check_config,
    .open = fl_open,
    SLC_SDN_REST_DRIVER_OPERATIONS,
};

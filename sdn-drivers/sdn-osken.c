/* The osken SDN driver: connectivity services (SDN assist) through a
 * Ryu-style ofctl_rest controller, os-ken running our app
 * (osken-app/slicer_ofctl_rest.py, sdn-sfc-ovs.md 2.5), which programs
 * one OpenFlow 1.3 switch.  REST plumbing is sdn-rest.h's, the operation
 * queue, the kept services, audits and config sdn-rest-driver.h's; the
 * rules are of-rules.h's, as OSM's openflow connectors compute them (1.4).
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
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "of-rules.h"
#include "sdn-rest-driver.h"

#define COOKIE_TAG (0x51ceull << 48)
#define COOKIE_MASK "0xffffffffffff0000" /* text: above a JSON integer */
#define OFPP_IN_PORT 0xfffffff8ll
#define MAX_RULES 0xffff

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
    struct slc_sdn_rest_op up;    /* first: the shared part */
    enum step step;
    uint32_t id;              /* the service's (audit: the one checked) */
    bool have_dpid;
    uint64_t dpid;
    json_t *flows;            /* the flowentry/add bodies */
    size_t next;              /* S_ADD: the flow being added */
    size_t expected;          /* a status: the rules of the service */
};

/* The services kept, for audits: service id -> {"dpid": D, "flows":
 * [flowentry/add bodies]}. */
struct osken {
    struct slc_sdn_rest_driver up;    /* first: the shared part */
    uint64_t last_dpid;       /* the switch of the last operation */
};

static void run(struct op *op);

/* ---- helpers ---- */

static struct op *
op_of(struct slc_sdn_rest_op *o)
{
    return (struct op *)o;
}

static struct osken *
osken_of(struct slc_sdn_rest_driver *drv)
{
    return (struct osken *)drv;
}

static uint64_t
cookie_of(uint32_t id)
{
    return COOKIE_TAG | (uint64_t)id << 16;
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
        slc_sdn_rest_request(&op->up, "GET", "/stats/switches", NULL);
        break;
    case S_PORTS:
        snprintf(path, sizeof path, "/stats/portdesc/%" PRIu64, op->dpid);
        slc_sdn_rest_request(&op->up, "GET", path, NULL);
        break;
    case S_CLEAR:
    case S_UNDO:
    case S_REMOVE:
        slc_sdn_rest_request(&op->up, "POST", "/stats/flowentry/delete",
                             cookie_filter(op));
        break;
    case S_ADD:
        slc_sdn_rest_request(&op->up, "POST", "/stats/flowentry/add",
                             json_incref(json_array_get(op->flows,
                                                        op->next)));
        break;
    case S_VERIFY:
    case S_COUNT:
        snprintf(path, sizeof path, "/stats/flow/%" PRIu64, op->dpid);
        slc_sdn_rest_request(&op->up, "POST", path, cookie_filter(op));
        break;
    }
}

/* The next step once the switch is known (a check is done); refuses a
 * point that names another datapath. */
static void
switch_known(struct op *op)
{
    char what[64];

    osken_of(op->up.drv)->last_dpid = op->dpid;
    if (op->up.kind == SLC_SDN_REST_CHECK) {
        slc_sdn_rest_finish(&op->up, 0, NULL, NULL, NULL);
        return;
    }
    snprintf(what, sizeof what, "the controller's switch 0x%016" PRIx64,
             op->dpid);
    if (slc_sdn_rest_check_dpids(&op->up, op->dpid, what)) {
        return;
    }
    op->step = op->up.kind == SLC_SDN_REST_PUT ? S_PORTS : S_COUNT;
    run(op);
}

static void
got_switches(struct op *op, json_t *body)
{
    struct slc_sdn_rest_driver *drv = op->up.drv;
    struct slc_sdn_rest_switches sw = {0};
    char name[24], want[40];
    size_t i;
    json_t *v;

    if (!json_is_array(body)) {
        slc_sdn_rest_fail(&op->up, SLC_EIO, "GET /stats/switches: the reply "
                          "is not a list");
        return;
    }
    json_array_foreach(body, i, v)
    {
        uint64_t dpid = (uint64_t)json_integer_value(v);

        snprintf(name, sizeof name, "0x%016" PRIx64, dpid);
        slc_sdn_rest_switches_add(&sw, name, dpid == drv->dpid);
    }
    snprintf(want, sizeof want, "dpid 0x%016" PRIx64, drv->dpid);
    if (slc_sdn_rest_switches_pick(&op->up, &sw, "switches",
                                   drv->have_dpid ? want : NULL)) {
        return;
    }
    op->dpid = drv->have_dpid ? drv->dpid
                              : (uint64_t)json_integer_value(
                                    json_array_get(body, 0));
    op->have_dpid = true;
    switch_known(op);
}

static bool
ofctl_port(const json_t *port, const char **name, uint32_t *number)
{
    const json_t *no = json_object_get(port, "port_no");
    json_int_t n = json_integer_value(no);

    *name = json_string_value(json_object_get(port, "name"));
    *number = n > 0 && n <= UINT32_MAX ? (uint32_t)n : 0;
    return json_is_integer(no);
}

/* The OpenFlow number of 's': IN_PORT, a port name of the switch, or a
 * number one of its ports has; else 0. */
static json_int_t
port_no(const json_t *ports, const char *s)
{
    const json_t *port;

    if (!strcmp(s, "IN_PORT")) {
        return OFPP_IN_PORT;
    }
    port = slc_sdn_rest_find_port(ports, s, ofctl_port);
    return port ? json_integer_value(json_object_get(port, "port_no")) : 0;
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
flow_of(struct slc_sdn_rest_op *o, size_t n, const json_t *rule,
        const json_t *ports, const char **bad_port)
{
    const struct op *op = op_of(o);
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
    json_t *flows;
    char where[40];

    if (!ports) {
        slc_sdn_rest_fail(&op->up, SLC_EIO, "GET /stats/portdesc: the reply "
                          "is not a port list");
        return;
    }
    snprintf(where, sizeof where, "switch 0x%016" PRIx64, op->dpid);
    /* on failure 'op' is gone */
    if ((flows = slc_sdn_rest_build_flows(&op->up, ports, flow_of, where,
                                          NULL))) {
        op->flows = flows;
        op->step = S_CLEAR;
        run(op);
    }
}

static void audit_next(struct op *op);

static void
got_verify(struct op *op, size_t have)
{
    struct slc_sdn_rest_driver *drv = op->up.drv;
    size_t n = json_array_size(op->flows);

    if (op->up.kind == SLC_SDN_REST_AUDIT) {
        drv->reinstalled++;
        slc_sdn_rest_note(drv, "service %s re-installed: %zu of %zu rules "
                          "on the switch", op->up.service_id, have, n);
        audit_next(op);
    } else if (have != n) {
        slc_sdn_rest_fail(&op->up, SLC_EIO, "%zu of %zu rules on switch "
                          "0x%016" PRIx64 " after adding them", have, n,
                          op->dpid);
    } else if (json_object_set_new(drv->services, op->up.service_id,
                                   json_pack("{sI sO}", "dpid",
                                             (json_int_t)op->dpid, "flows",
                                             op->flows))) {
        slc_sdn_rest_fail(&op->up, SLC_ENOMEM, "out of memory");
    } else {
        slc_sdn_rest_finish(&op->up, 0, NULL, NULL,
                            json_pack("{sI sI sI}", "dpid",
                                      (json_int_t)op->dpid, "cookie",
                                      (json_int_t)cookie_of(op->id),
                                      "rules", (json_int_t)n));
    }
}

static void
got_count(struct op *op, size_t have)
{
    enum slc_sdn_rest_kind kind = op->up.kind;

    if (kind == SLC_SDN_REST_AUDIT && have < json_array_size(op->flows)) {
        op->step = S_CLEAR;   /* "make it so": all of them again */
        run(op);
    } else if (kind == SLC_SDN_REST_AUDIT) {
        audit_next(op);
    } else if (!have) {
        slc_sdn_rest_fail(&op->up, SLC_ENOTFOUND, "service %s: no rule on "
                          "switch 0x%016" PRIx64, op->up.service_id,
                          op->dpid);
    } else if (kind == SLC_SDN_REST_DELETE) {
        op->step = S_REMOVE;
        run(op);
    } else {
        slc_sdn_rest_status(&op->up, have, op->expected, "the switch");
    }
}

static void
osken_reply(struct slc_sdn_rest_op *o, int rc, const char *msg,
            json_t *body, long status)
{
    struct op *op = op_of(o);
    json_t *flows = switch_list(body);

    if (op->step == S_UNDO) {
        slc_sdn_rest_fail(o, SLC_EINVALID, "%s", o->error);
    } else if (rc && op->step == S_ADD && status == 400 &&
               (o->error = strdup(msg))) {
        op->step = S_UNDO;    /* the switch refused it */
        run(op);
    } else if (rc) {
        /* ofctl_rest's 404 is a switch not connected, not a service */
        slc_sdn_rest_fail(o, rc == SLC_ENOTFOUND ? SLC_EIO : rc, "%s", msg);
    } else if (op->step == S_SWITCHES) {
        got_switches(op, body);
    } else if (op->step == S_PORTS) {
        got_ports(op, body);
    } else if ((op->step == S_VERIFY || op->step == S_COUNT) && !flows) {
        slc_sdn_rest_fail(o, SLC_EIO, "POST /stats/flow: the reply is not a "
                          "flow list");
    } else if (op->step == S_VERIFY) {
        got_verify(op, json_array_size(flows));
    } else if (op->step == S_COUNT) {
        got_count(op, json_array_size(flows));
    } else if (op->step == S_REMOVE) {
        slc_sdn_rest_finish(o, 0, NULL, NULL, NULL);
    } else {
        /* S_CLEAR or S_ADD done: the next add, or read them back */
        op->next = op->step == S_CLEAR ? 0 : op->next + 1;
        op->step = op->next < json_array_size(op->flows) ? S_ADD : S_VERIFY;
        run(op);
    }
}

/* ---- audits ---- */

/* Counts the flows of the next kept service, or ends the audit. */
static void
audit_next(struct op *op)
{
    json_t *kept = slc_sdn_rest_audit_next(&op->up);

    if (!kept) {
        return;
    }
    slc_sdn_rest_parse_service_id("osken", op->up.service_id, &op->id,
                                  NULL);
    op->dpid = (uint64_t)json_integer_value(json_object_get(kept, "dpid"));
    json_decref(op->flows);
    op->flows = json_incref(json_object_get(kept, "flows"));
    op->step = S_COUNT;
    run(op);
}

/* ---- the class ---- */

static void
osken_start(struct slc_sdn_rest_op *o)
{
    struct op *op = op_of(o);

    if (o->kind == SLC_SDN_REST_AUDIT) {
        audit_next(op);
    } else if (op->have_dpid) {
        switch_known(op);
    } else {
        op->step = S_SWITCHES;
        run(op);
    }
}

/* The service's cookie, and config's switch (a check finds it). */
static void
take_service(struct op *op)
{
    slc_sdn_rest_parse_service_id("osken", op->up.service_id, &op->id,
                                  NULL);
    op->have_dpid = op->up.drv->have_dpid;
    op->dpid = op->up.drv->dpid;
}

static int
osken_take_spec(struct slc_sdn_rest_op *o,
                const struct slc_sdn_service_spec *spec,
                struct slc_error *err)
{
    take_service(op_of(o));
    return slc_sdn_rest_take_rules(o, spec->name ? spec->name
                                                 : o->service_id,
                                   spec, MAX_RULES, err);
}

/* A delete or a status: the switch from conn_info, else config's or the
 * controller's only one. */
static int
osken_take_conn_info(struct slc_sdn_rest_op *o, const json_t *conn_info,
                     struct slc_error *err)
{
    struct op *op = op_of(o);
    const json_t *dpid = json_object_get(conn_info, "dpid");
    const json_t *kept = json_object_get(
        json_object_get(o->drv->services, o->service_id), "flows");

    take_service(op);
    if (json_is_integer(dpid)) {
        op->dpid = (uint64_t)json_integer_value(dpid);
        op->have_dpid = true;
    }
    op->expected = kept ? json_array_size(kept)
                        : (size_t)json_integer_value(
                              json_object_get(conn_info, "rules"));
    return 0;
}

static void
osken_free_op(struct slc_sdn_rest_op *o)
{
    json_decref(op_of(o)->flows);
}

static const char *
osken_switch_name(struct slc_sdn_rest_driver *drv, char *buf, size_t size)
{
    uint64_t dpid = drv->have_dpid ? drv->dpid : osken_of(drv)->last_dpid;

    snprintf(buf, size, "0x%016" PRIx64, dpid);
    return drv->have_dpid || dpid ? buf : NULL;
}

static json_t *
osken_describe_service(const char *id, const json_t *kept)
{
    return json_pack("{ss sI}", "id", id, "rules",
                     (json_int_t)json_array_size(
                         json_object_get(kept, "flows")));
}

static const struct slc_sdn_rest_class osken_rest = {
    .sdn = &slc_sdn_osken_class,
    .log_module = "sdn_osken",
    .prefix = "osken",
    .size = sizeof(struct osken),
    .op_size = sizeof(struct op),
    .dpid = SLC_SDN_REST_DPID_SIGNED,
    .same_vlan = true,
    .switch_key = "dpid",
    .reinstalled_key = "reinstalled",
    .take_spec = osken_take_spec,
    .take_conn_info = osken_take_conn_info,
    .start = osken_start,
    .reply = osken_reply,
    .free_op = osken_free_op,
    .switch_name = osken_switch_name,
    .describe_service = osken_describe_service,
};

/* config.dpid is an integer, or 16 hex digits (colons allowed), below
 * 2^63 (JSON integers here are signed 64-bit, as /stats/switches gives
 * dpids). */
static int
osken_check_config(const json_t *config, struct slc_error *err)
{
    return slc_sdn_rest_driver_check_config(&osken_rest, config, err);
}

static int
osken_open(const struct slc_sdn_params *p, struct slc_sdn **out,
           struct slc_error *err)
{
    return slc_sdn_rest_driver_open(&osken_rest, p, out, err);
}

const struct slc_sdn_class slc_sdn_osken_class = {
    .version = SLC_SDN_CLASS_VERSION,
    .type = "osken",
    .check_config = osken_check_config,
    .open = osken_open,
    SLC_SDN_REST_DRIVER_OPERATIONS,
    .service_id = slc_sdn_rest_driver_service_id,
};

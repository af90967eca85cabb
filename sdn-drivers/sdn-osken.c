/* The osken SDN driver: connectivity services (SDN assist) and forwarding
 * programs (service function chains) through a Ryu-style ofctl_rest
 * controller, os-ken running our app (osken-app/slicer_ofctl_rest.py,
 * sdn-sfc-ovs.md 2.5), which programs one OpenFlow 1.3 switch.  REST
 * plumbing is sdn-rest.h's, the operation queue of services, the kept
 * services, their audits and config sdn-rest-driver.h's; the rules of a
 * service are of-rules.h's, as OSM's openflow connectors compute them
 * (1.4).  Services and programs say their rules to ofctl_rest alike
 * (slc_osken_say_flow()).
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
 * Programs (sfc-chain.h), encoded as the ovs driver does: flows in table
 * 0 with cookie 0x51ce | program id (1..SLC_SDN_PROGRAM_MAX, never a
 * service's) | rule index; select groups program id << 8 | n, buckets of
 * weight 1.  Ports as for services, and "NORMAL" and "IN_PORT".  What
 * ofctl_v1_3 cannot convert is refused before anything is sent
 * (SLC_EUNSUPPORTED naming the program, the rule or group, the action or
 * field): the NSH actions and match fields.  set_in_port, which OpenFlow
 * 1.3 cannot set, is Nicira's load of in_port (nx_load_in_port()).
 *
 * ofctl_rest has no transaction nor atomic replace; only the ovs driver
 * replaces all-or-nothing.  A service's create or edit deletes its flows
 * by cookie, adds the new ones one by one and reads them back (a window
 * without flows); a refused add removes what was added and fails with the
 * switch's error.  A program's install reads the port numbers (a port the
 * switch lacks fails it, nothing changed), deletes the program's flows by
 * cookie, then its groups (those /stats/groupdesc lists in its range),
 * adds the new groups, then the flows, last rule first, and reads the
 * flows back: traffic is never sent to a missing group, nor into a hop
 * before the rule that takes it out of the hop is there (a program lists
 * a path's rules from its classifier on).  A replace leaves a window in
 * which the program's traffic is not steered at all.  A remove deletes
 * the flows, then the groups.  An add that fails makes the install
 * delete the flows and groups it added and fail with the controller's
 * words; one that was replacing a program has that one re-installed at
 * once.  Services run one at a time, in order, and so do programs, in a
 * queue of their own (their cookies never meet).  ofctl_rest's 404 means "switch not
 * connected" (or a bad path), never "no such service": SLC_EIO.
 *
 * The driver keeps the services and programs it installed; each audit
 * interval it counts their flows and re-installs one missing some (the
 * switch or the controller restarted, a flow was removed by hand).
 *
 * Counters survive re-installs, which restart the switch's at 0 and would
 * mislead anyone computing rates.  Per rule the driver keeps the switch's
 * counters as last read (by program_counters, and by audits just before
 * they re-install) and a baseline: a re-install by the driver (an
 * audit's, or the restore after a failed replace) adds the last-read
 * counters to the baseline, and program_counters reports baseline + the
 * switch's (null for a rule missing there).  An install_program by the
 * caller resets the baseline, unless the program is the one installed,
 * unchanged: then it counts on.  What was counted between the last read
 * and a re-install is lost. */
#include <event2/event.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "of-rules.h"
#include "sdn-osken-internal.h"


/* The steps of an operation on a service, one HTTP call each. */
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

static void run(struct op *op);

/* ---- helpers ---- */

static struct op *
op_of(struct slc_sdn_rest_op *o)
{
    return (struct op *)o;
}

struct osken *
slc_osken_of(struct slc_sdn_rest_driver *drv)
{
    return (struct osken *)drv;
}

uint64_t
slc_osken_cookie_of(uint32_t id)
{
    return COOKIE_TAG | (uint64_t)id << 16;
}

/* A filter or a delete of the flows of service or program 'id' on
 * switch 'dpid': its cookie and mask. */
json_t *
slc_osken_cookie_filter(uint64_t dpid, uint32_t id)
{
    return json_pack("{sI sI ss si}", "dpid", (json_int_t)dpid, "cookie",
                     (json_int_t)slc_osken_cookie_of(id), "cookie_mask",
                     COOKIE_MASK,
                     "table_id", 0);
}

/* The list of a /stats/flow, /stats/portdesc or /stats/groupdesc reply
 * (an object with the switch as its only key), or NULL. */
json_t *
slc_osken_switch_list(json_t *body)
{
    void *it = json_object_iter(body);
    json_t *list = it ? json_object_iter_value(it) : NULL;

    return json_is_array(list) ? list : NULL;
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

/* The OpenFlow number of 's': NORMAL, IN_PORT, a port name of the
 * switch, or a number one of its ports has; else 0. */
json_int_t
slc_osken_port_no(const json_t *ports, const char *s)
{
    const json_t *port;

    if (!strcmp(s, "NORMAL")) {
        return OFPP_NORMAL;
    }
    if (!strcmp(s, "IN_PORT")) {
        return OFPP_IN_PORT;
    }
    port = slc_sdn_rest_find_port(ports, s, ofctl_port);
    return port ? json_integer_value(json_object_get(port, "port_no"))
                : 0;
}

/* The flowentry/add body of rule 'n' of a service. */
static json_t *
flow_of(struct slc_sdn_rest_op *o, size_t n, const json_t *rule,
        const json_t *ports, const char **bad_port)
{
    const struct op *op = op_of(o);
    struct say s = {.ports = ports};
    json_t *flow = slc_osken_say_flow(
        &s, op->dpid, slc_osken_cookie_of(op->id) | n, rule);

    *bad_port = s.bad_port;
    return flow;
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
                             slc_osken_cookie_filter(op->dpid, op->id));
        break;
    case S_ADD:
        slc_sdn_rest_request(&op->up, "POST", "/stats/flowentry/add",
                             json_incref(json_array_get(op->flows,
                                                        op->next)));
        break;
    case S_VERIFY:
    case S_COUNT:
        snprintf(path, sizeof path, "/stats/flow/%" PRIu64, op->dpid);
        slc_sdn_rest_request(&op->up, "POST", path,
                             slc_osken_cookie_filter(op->dpid, op->id));
        break;
    }
}

/* The next step once the switch is known (a check is done); refuses a
 * point that names another datapath. */
static void
switch_known(struct op *op)
{
    char what[64];

    slc_osken_of(op->up.drv)->last_dpid = op->dpid;
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

/* The switch of an operation from a /stats/switches reply: config's,
 * which must be listed, else the controller's only one.  0 with '*dpid'
 * set, or an SLC_E* code with the reason in 'msg'. */
int
slc_osken_pick_switch(const struct slc_sdn_rest_driver *drv,
                      const json_t *body,
                      uint64_t *dpid, char *msg, size_t size)
{
    struct slc_sdn_rest_switches sw = {0};
    char name[24];
    size_t i;
    json_t *v;

    if (!json_is_array(body)) {
        snprintf(msg, size, "GET /stats/switches: the reply is not a list");
        return SLC_EIO;
    }
    json_array_foreach(body, i, v)
    {
        snprintf(name, sizeof name, "0x%016" PRIx64,
                 (uint64_t)json_integer_value(v));
        slc_sdn_rest_switches_add(&sw, name, (uint64_t)json_integer_value(
                                                 v) == drv->dpid);
    }
    if (drv->have_dpid && !sw.listed) {
        snprintf(msg, size, "dpid 0x%016" PRIx64 " is not connected to the "
                 "controller (switches: [%s])", drv->dpid, sw.names);
        return SLC_EINVALID;
    }
    if (!drv->have_dpid && sw.n != 1) {
        snprintf(msg, size, "the controller has %zu switches ([%s]): "
                 "config.dpid must name %s", sw.n, sw.names,
                 sw.n ? "one of them" : "a connected one");
        return SLC_EINVALID;
    }
    *dpid = drv->have_dpid ? drv->dpid
                           : (uint64_t)json_integer_value(
                                 json_array_get(body, 0));
    return 0;
}

static void
got_switches(struct op *op, json_t *body)
{
    char msg[600];
    int rc = slc_osken_pick_switch(op->up.drv, body, &op->dpid, msg,
                                   sizeof msg);

    if (rc) {
        slc_sdn_rest_fail(&op->up, rc, "%s", msg);
        return;
    }
    op->have_dpid = true;
    switch_known(op);
}

/* The flows of the service's rules, with the switch's port numbers. */
static void
got_ports(struct op *op, json_t *body)
{
    const json_t *ports = slc_osken_switch_list(body);
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
                                      (json_int_t)slc_osken_cookie_of(op->id),
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
    json_t *flows = slc_osken_switch_list(body);

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
    uint64_t dpid = drv->have_dpid ? drv->dpid : slc_osken_of(drv)->last_dpid;

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

/* Drops the programs' operations (no callback runs) and kept programs,
 * then the shared part, which abandons the calls in flight. */
static void
osken_close(struct slc_sdn *sdn)
{
    struct osken *o = slc_osken_of((struct slc_sdn_rest_driver *)sdn);

    slc_osken_free_programs(o);
    slc_sdn_rest_driver_close(sdn);
}

static int
osken_open(const struct slc_sdn_params *p, struct slc_sdn **out,
           struct slc_error *err)
{
    struct osken *o;
    unsigned ms;
    int rc = slc_sdn_rest_driver_open(&osken_rest, p, out, err);

    if (rc) {
        return rc;
    }
    o = slc_osken_of((struct slc_sdn_rest_driver *)*out);
    ms = o->up.audit_ms;
    o->prog_kick = event_new(p->base, -1, 0, slc_osken_on_prog_kick, o);
    o->prog_audit_timer = event_new(p->base, -1, EV_PERSIST,
                                    slc_osken_on_prog_audit_timer, o);
    if (!o->prog_kick || !o->prog_audit_timer) {
        osken_close(*out);
        *out = NULL;
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    if (ms) {
        event_add(o->prog_audit_timer,
                  &(struct timeval){.tv_sec = ms / 1000,
                                    .tv_usec = ms % 1000 * 1000});
    }
    return 0;
}

/* The shared part's description, and the programs: {id, rules, groups}
 * each. */
static json_t *
osken_describe(struct slc_sdn *sdn)
{
    struct osken *o = slc_osken_of((struct slc_sdn_rest_driver *)sdn);
    json_t *d = slc_sdn_rest_driver_describe(sdn);
    json_t *programs = json_array();

    for (const struct program *p = o->programs; p; p = p->next) {
        json_array_append_new(programs,
                              json_pack("{sI sI sI}", "id", (json_int_t)p->id,
                                        "rules", (json_int_t)p->n_rules,
                                        "groups", (json_int_t)p->n_groups));
    }
    json_object_set_new(d, "programs", programs);
    return d;
}

/* The REST drivers' operations (SLC_SDN_REST_DRIVER_OPERATIONS) but close
 * and describe, which know the programs too. */
const struct slc_sdn_class slc_sdn_osken_class = {
    .version = SLC_SDN_CLASS_VERSION,
    .type = "osken",
    .check_config = osken_check_config,
    .open = osken_open,
    .close = osken_close,
    .check_credentials = slc_sdn_rest_driver_check_credentials,
    .create_service = slc_sdn_rest_driver_create_service,
    .edit_service = slc_sdn_rest_driver_edit_service,
    .delete_service = slc_sdn_rest_driver_delete_service,
    .service_status = slc_sdn_rest_driver_service_status,
    .describe = osken_describe,
    .service_id = slc_sdn_rest_driver_service_id,
    .install_program = slc_osken_install_program,
    .remove_program = slc_osken_remove_program,
    .program_counters = slc_osken_program_counters,
};

/* The onosof SDN driver: connectivity services (SDN assist) and forwarding
 * programs (service function chains, sfc/sfc-chain.h) as flow rules and
 * groups that ONOS installs on one OpenFlow switch, through ONOS's flows
 * and groups REST API, the way OSM's onos_openflow connector does for
 * services (sdn-sfc-ovs.md 2.2).  The rules of a service are of-rules.h's,
 * as OSM's openflow connectors compute them (1.4); ONOS's JSON of rules,
 * groups and flows read back is sdn-onosof-json.c's; REST plumbing is
 * sdn-rest.h's, the operation queue, the kept services and programs,
 * audits, program checks and config sdn-rest-driver.h's.  The sibling
 * sdn-onos-vpls.c makes VPLSs of the same controller instead.
 *
 * Controller record: url "http(s)://HOST:PORT" (the calls go to
 * <url>/onos/v1/...), user and password as HTTP Basic credentials;
 * config = {dpid (the switch: 16 hex digits, colons allowed; default: the
 * controller's only device, found once and kept), audit_interval_ms
 * (default 5000, 0 = none), timeout_ms (each request, default 5000),
 * of_controller_nets_with_same_vlan (default false)}.  The device is
 * "of:<dpid>"; a point's switch_dpid that is a datapath id must be its
 * dpid (anything else, a switch name, means the switch); switch_port is
 * a port name (annotations.portName of GET devices/<id>/ports) or a port
 * number the device has.
 *
 * Services: id "onosof-%08x" of 0x80000000 | FNV-1a(tag) & 0x7fffffff, so
 * that a create with a known tag finds its service again; conn_info =
 * {"status", "error_msg", "installed_rules_ids": [ONOS flow ids]} as
 * OSM's.  Each rule is POSTed to flows/<device> with appId "slicer"
 * (ONOS registers an application of that name; OSM sends 10), permanent,
 * in table 0.  A VLAN is pushed as VLAN_PUSH then VLAN_ID: OSM's VLAN_ID
 * alone on an untagged packet is refused by Open vSwitch 3.1
 * (OFPBAC_MATCH_INCONSISTENT).
 *
 * ONOS answers a flow POST with 201 and the flow id only in its Location
 * header, which sdn-rest.h does not hand over; ONOS's flow id is a
 * function of application, device, priority, table and selector (the
 * same match replaces the flow), so the driver reads the flows back and
 * finds each of its rules by those.  A create or an edit ("make it so"):
 * GET flows/<device>; POST each rule that is not there identical (OSM
 * reuses a rule identical in all fields); read them back for their ids;
 * DELETE the flows the service had (held, or the stored conn_info's)
 * that are not among the new ones.  A POST refused halfway (ONOS's 400,
 * or the switch's refusal as the stand-in reports it) deletes the flows
 * this call added anew and fails with the controller's words.  A delete
 * DELETEs the service's flows that are on the device; none there is
 * SLC_ENOTFOUND.  A status is ACTIVE with all of them there, ERROR "k of
 * n rules ..." with some, SLC_ENOTFOUND with none.
 *
 * Programs: each rule a flow as above (criteria IN_PORT, ETH_TYPE,
 * ETH_DST, VLAN_VID, MPLS_LABEL, IP_PROTO, IPV4/IPV6_SRC/DST,
 * TCP/UDP/SCTP_SRC/DST; instructions OUTPUT (a port number, IN_PORT or
 * NORMAL), GROUP, L2MODIFICATION VLAN_PUSH, VLAN_ID, VLAN_POP, MPLS_PUSH,
 * MPLS_LABEL, MPLS_POP, ETH_SRC, ETH_DST); each group a SELECT group
 * POSTed to groups/<device> with groupId program id << 8 | n and appCookie
 * "0x51ce" + those 8 hex digits, one bucket (weight 1) per port or action
 * list.  ONOS has no instruction for NSH (but through device-specific
 * extensions) nor for rewriting in_port: a program using encap_nsh,
 * set_nsh_spi, set_nsh_si, encap_eth, decap, dec_nsh_ttl, set_in_port or
 * matching nsh_spi / nsh_si is refused with SLC_EUNSUPPORTED before
 * anything is sent.  An install reads the ports (a port the device lacks
 * fails it before any write), the flows and the groups, then: DELETEs the
 * flows of the program of that id it holds and those sending to its
 * groups, DELETEs its groups (ONOS keeps a group POSTed again under a
 * known appCookie as it was: a replace is a delete and an add), POSTs the
 * groups, POSTs the flows, and reads them back for their ids.  Traffic
 * never meets a missing group: groups go before the flows that use them
 * and after them.  A POST refused deletes the flows and groups this
 * install added and fails with ONOS's words (the program is then not
 * there at all).  A remove deletes the same as an install (flows, then
 * groups); an unknown id is rc 0.  Flows carry no cookie through ONOS's
 * REST API: the driver knows a program's flows by what it holds, and
 * after a restart of slicerd by its groups (appCookie) and the flows
 * sending to them only.
 *
 * Operations run one at a time, in order.  The driver keeps every service
 * and program it installed; each audit interval it reads the device's
 * flows (and groups, when a program has some) and POSTs again the rules
 * missing or not ADDED (the controller restarted without them, a flow was
 * removed from the switch: ONOS shows it PENDING_ADD), a group missing
 * (or not ADDED: DELETEd first) with all the flows of its program, and
 * takes their new ids.
 *
 * Counters (program_counters): ONOS's "packets" and "bytes" of each
 * rule's flow, null for a flow not ADDED.  ONOS counts from 0 a flow made
 * again, by an audit or by ONOS itself; the driver keeps per rule the
 * last counters read (by audits and reads) and, when the audit POSTs the
 * rule again or a read finds its counters went down, adds them to a
 * baseline that every read adds (sdn-rest-driver.h); an install_program
 * starts the baseline at 0. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "of-rules.h"
#include "sdn-onos.h"
#include "sdn-onosof-internal.h"
#include "sdn-rest-driver.h"

#define TYPE "onosof"
#define APP_ID ONOSOF_APP_ID
#define MAX_RULES 4096

/* The steps of an operation, one GET each; the writes (POSTs, DELETEs)
 * run as scripts (sdn-rest-driver.h) between them. */
enum step {
    S_DEVICES,                /* GET devices: the device */
    S_PORTS,                  /* GET devices/<id>/ports: port names */
    S_READ,                   /* GET flows/<id>: what is there */
    S_GROUPS,                 /* GET groups/<id>: the groups there */
    S_VERIFY,                 /* GET flows/<id>: the ids of the posted */
    S_UNDO_READ,              /* a POST was refused: GET flows/<id> */
};

struct op {
    struct slc_sdn_rest_op up;    /* first: the shared part */
    enum step step;
    json_t *flows;            /* a put, an install: the flow bodies */
    json_t *groups;           /* an install: the group bodies */
    json_t *old_ids;          /* the flow ids the service had */
    json_t *before;           /* a put, an install: id -> true, the
                                 device's flows before the adds; an audit:
                                 service or program id -> true, those it
                                 made again */
    json_t *listed;           /* a program's call, an audit: the GET
                                 flows/<id> reply */
    json_t *posts;            /* a put: the flow bodies POSTed */
    json_t *ids;              /* a put: the ids of 'flows', once read */
    size_t posted;            /* a refused put or install: the POSTs done
                                 (an install's groups first) */
    size_t n_deletes;         /* an install: the DELETEs its script starts
                                 with */
    bool undoing;             /* a refused put or install: its undo runs */
};

/* The services kept: service id -> {"flows": [bodies], "ids": [their
 * flow ids]}; the programs kept: sdn-rest-driver.h's and {"flows":
 * [bodies], "ids": [flow ids], "groups": [group bodies]}. */
struct onosof {
    struct slc_sdn_rest_driver up;    /* first: the shared part */
    char device[32];          /* "of:<dpid>" of config.dpid, or of the
                                 controller's only device, found once and
                                 kept in up.dpid; "" until known */
};

/* What ONOS's REST API cannot say. */
static const char *const unsupported[] = {
    "encap_nsh", "set_nsh_spi", "set_nsh_si", "encap_eth", "decap",
    "dec_nsh_ttl", "set_in_port", "nsh_spi", "nsh_si", NULL,
};

/* ---- helpers ---- */

static struct op *
op_of(struct slc_sdn_rest_op *o)
{
    return (struct op *)o;
}

static struct onosof *
onosof_of(struct slc_sdn_rest_driver *drv)
{
    return (struct onosof *)drv;
}

/* The driver's switch, "of:<16 hex digits>"; "" until known. */
static const char *
device(const struct op *op)
{
    return onosof_of(op->up.drv)->device;
}

static bool
is_program(const struct slc_sdn_rest_op *o)
{
    return o->kind == SLC_SDN_REST_INSTALL ||
           o->kind == SLC_SDN_REST_REMOVE ||
           o->kind == SLC_SDN_REST_COUNTERS;
}

/* ---- the steps ---- */

static void
run(struct op *op)
{
    const char *dev = device(op);
    char path[160];

    switch (op->step) {
    case S_DEVICES:
        slc_sdn_rest_request(&op->up, "GET", "/onos/v1/devices", NULL);
        break;
    case S_PORTS:
        snprintf(path, sizeof path, "/onos/v1/devices/%s/ports", dev);
        slc_sdn_rest_request(&op->up, "GET", path, NULL);
        break;
    case S_READ:
    case S_VERIFY:
    case S_UNDO_READ:
        snprintf(path, sizeof path, "/onos/v1/flows/%s", dev);
        slc_sdn_rest_request(&op->up, "GET", path, NULL);
        break;
    case S_GROUPS:
        snprintf(path, sizeof path, "/onos/v1/groups/%s", dev);
        slc_sdn_rest_request(&op->up, "GET", path, NULL);
        break;
    }
}

static json_t *
post_flow(const struct op *op, const json_t *body)
{
    return slc_sdn_rest_call_new("POST", json_incref((json_t *)body),
                                 "/onos/v1/flows/%s", device(op));
}

static json_t *
delete_flow(const struct op *op, const char *id)
{
    return slc_sdn_rest_call_new("DELETE", NULL, "/onos/v1/flows/%s/%s",
                                 device(op), id);
}

/* The next step once the device is known (a check is done); refuses a
 * point that names another datapath. */
static void
device_known(struct op *op)
{
    char what[48];

    if (op->up.kind == SLC_SDN_REST_CHECK) {
        slc_sdn_rest_finish(&op->up, 0, NULL, NULL, NULL);
        return;
    }
    snprintf(what, sizeof what, "device %s", device(op));
    if (slc_sdn_rest_check_dpids(&op->up, op->up.drv->dpid, what)) {
        return;
    }
    op->step = op->up.kind == SLC_SDN_REST_PUT ||
                       op->up.kind == SLC_SDN_REST_INSTALL
                   ? S_PORTS
                   : S_READ;
    run(op);
}

static void
got_devices(struct op *op, json_t *body)
{
    struct slc_sdn_rest_driver *drv = op->up.drv;
    struct onosof *o = onosof_of(drv);

    if (slc_sdn_onos_pick(&op->up, body,
                               drv->have_dpid ? &drv->dpid : NULL,
                               &drv->dpid)) {
        return;
    }
    /* the device found is the driver's switch from now on */
    slc_sdn_onos_device(drv->dpid, o->device, sizeof o->device);
    device_known(op);
}

/* ---- rules and groups ---- */

/* An install: the bodies of the program's flows and groups with the
 * device's ports; false when a port is missing (then 'op' failed). */
static bool
program_bodies(struct op *op, const json_t *ports)
{
    const json_t *prog = op->up.program, *r, *g;
    uint32_t id = op->up.program_id;
    const char *bad = NULL;
    size_t i;

    op->flows = json_array();
    op->groups = json_array();
    json_array_foreach(json_object_get(prog, "groups"), i, g)
    {
        json_t *body = onosof_group_body(g, id, ports, &bad);

        if (!body) {
            slc_sdn_rest_fail(&op->up, SLC_EINVALID, "program %u: group %"
                              JSON_INTEGER_FORMAT ": device %s has no port "
                              "'%s'", id,
                              json_integer_value(json_object_get(g, "id")),
                              device(op), bad ? bad : "?");
            return false;
        }
        json_array_append_new(op->groups, body);
    }
    json_array_foreach(json_object_get(prog, "rules"), i, r)
    {
        json_t *body = onosof_rule_flow(r, id, ports, &bad);

        if (!body) {
            slc_sdn_rest_fail(&op->up, SLC_EINVALID, "program %u: rule %zu: "
                              "device %s has no port '%s'", id, i,
                              device(op), bad ? bad : "?");
            return false;
        }
        json_array_append_new(op->flows, body);
    }
    return true;
}

/* The flow bodies of the service's rules (the program's flows and
 * groups), with the device's ports. */
static void
got_ports(struct op *op, json_t *body)
{
    const json_t *ports = json_object_get(body, "ports");
    json_t *flows;
    char where[48];

    if (!json_is_array(ports)) {
        slc_sdn_rest_fail(&op->up, SLC_EIO, "GET devices/%s/ports: the "
                          "reply has no port list", device(op));
        return;
    }
    if (op->up.kind == SLC_SDN_REST_INSTALL) {
        if (program_bodies(op, ports)) {
            op->step = S_READ;
            run(op);
        }
        return;
    }
    snprintf(where, sizeof where, "device %s", device(op));
    /* on failure 'op' is gone */
    if ((flows = slc_sdn_rest_build_flows(&op->up, ports, onosof_flow_of, where,
                                          NULL))) {
        op->flows = flows;
        op->step = S_READ;
        run(op);
    }
}

/* A put is done: keeps the service and answers its conn_info. */
static void
put_done(struct op *op)
{
    struct slc_sdn_rest_driver *drv = op->up.drv;

    if (json_object_set_new(drv->services, op->up.service_id,
                            json_pack("{sO sO}", "flows", op->flows, "ids",
                                      op->ids))) {
        slc_sdn_rest_fail(&op->up, SLC_ENOMEM, "out of memory");
        return;
    }
    slc_sdn_rest_finish(&op->up, 0, NULL, NULL,
                        json_pack("{ss ss sO}", "status", "ACTIVE",
                                  "error_msg", "", "installed_rules_ids",
                                  op->ids));
}

/* A put: the rules not on the device as they are are POSTed. */
static void
put_read(struct op *op, const json_t *index)
{
    json_t *calls = json_array(), *f;
    size_t i;

    op->posts = json_array();
    json_array_foreach(op->flows, i, f)
    {
        if (!onosof_find_flow(index, f, true)) {
            json_array_append(op->posts, f);
            json_array_append_new(calls, post_flow(op, f));
        }
    }
    slc_sdn_rest_script(&op->up, calls, false);
}

/* A status or a delete: the service's flows that are there. */
static void
service_read(struct op *op, const json_t *present)
{
    size_t i, n = json_array_size(op->old_ids);
    json_t *calls = json_array(), *id;
    char where[48];

    json_array_foreach(op->old_ids, i, id)
    {
        if (json_object_get(present, json_string_value(id))) {
            json_array_append_new(calls,
                                  delete_flow(op, json_string_value(id)));
        }
    }
    if (!json_array_size(calls)) {
        slc_sdn_rest_fail(&op->up, SLC_ENOTFOUND, "none of its %zu rules is "
                          "on device %s", n, device(op));
    } else if (op->up.kind == SLC_SDN_REST_DELETE) {
        slc_sdn_rest_script(&op->up, calls, false);
        return;
    } else {
        snprintf(where, sizeof where, "device %s", device(op));
        slc_sdn_rest_status(&op->up, json_array_size(calls), n, where);
    }
    json_decref(calls);
}

/* A put: every rule is there; the flows the service had and has no
 * more are DELETEd. */
static void
put_verify(struct op *op, const json_t *index, const json_t *present)
{
    json_t *new_ids = json_object(), *calls = json_array(), *f, *id;
    size_t i;

    op->ids = json_array();
    json_array_foreach(op->flows, i, f)
    {
        const char *fid = onosof_find_flow(index, f, true);

        if (!fid) {
            json_decref(new_ids);
            json_decref(calls);
            slc_sdn_rest_fail(&op->up, SLC_EIO, "rule %zu of %zu is not on "
                              "device %s as it was posted", i + 1,
                              json_array_size(op->flows), device(op));
            return;
        }
        json_array_append_new(op->ids, json_string(fid));
        json_object_set_new(new_ids, fid, json_true());
    }
    json_array_foreach(op->old_ids, i, id)
    {
        const char *old = json_string_value(id);

        if (old && !json_object_get(new_ids, old) &&
            json_object_get(present, old)) {
            json_array_append_new(calls, delete_flow(op, old));
        }
    }
    json_decref(new_ids);
    slc_sdn_rest_script(&op->up, calls, false);
}

/* A put or an install refused at its op->posted-th POST (an install's
 * groups first), the flows read again: DELETEs the flows it added anew,
 * then the groups it added; then it fails. */
static void
undo_read(struct op *op, const json_t *index)
{
    const json_t *posts = op->up.kind == SLC_SDN_REST_INSTALL ? op->flows
                                                              : op->posts;
    size_t n_groups = json_array_size(op->groups), i;
    json_t *calls = json_array();

    for (i = n_groups; i < op->posted; i++) {
        const char *id = onosof_find_flow(index, json_array_get(posts, i - n_groups),
                                   false);

        if (id && !json_object_get(op->before, id)) {
            json_array_append_new(calls, delete_flow(op, id));
        }
    }
    for (i = 0; i < op->posted && i < n_groups; i++) {
        json_array_append_new(
            calls,
            slc_sdn_rest_call_new(
                "DELETE", NULL, "/onos/v1/groups/%s/%s", device(op),
                json_string_value(json_object_get(
                    json_array_get(op->groups, i), "appCookie")) ?: ""));
    }
    op->undoing = true;
    slc_sdn_rest_script(&op->up, calls, true);
}

/* ---- audits ---- */

/* An audit: the flows of the kept services missing or not ADDED are
 * POSTed again (calls appended to 'calls'). */
static void
audit_services(struct op *op, const json_t *present, json_t *calls)
{
    struct slc_sdn_rest_driver *drv = op->up.drv;
    const char *sid;
    json_t *s, *f;
    size_t i;

    json_object_foreach(drv->services, sid, s)
    {
        const json_t *ids = json_object_get(s, "ids");

        json_array_foreach(json_object_get(s, "flows"), i, f)
        {
            if (!onosof_flow_live(present,
                           json_string_value(json_array_get(ids, i)))) {
                json_array_append_new(calls, post_flow(op, f));
                json_object_set_new(op->before, sid, json_true());
            }
        }
    }
}

/* The state of the group of appCookie 'cookie' in a GET groups/<id>
 * reply, or NULL when it is not there. */
static const char *
group_state(const json_t *groups, const char *cookie)
{
    uint32_t want = onosof_cookie_group(cookie);
    const json_t *g;
    size_t i;

    json_array_foreach(json_object_get(groups, "groups"), i, g)
    {
        if (want && onosof_cookie_group(json_string_value(
                        json_object_get(g, "appCookie"))) == want) {
            return json_string_value(json_object_get(g, "state")) ?: "";
        }
    }
    return NULL;
}

/* An audit of kept program 'pid': its groups missing or not ADDED are
 * made again (into 'gcalls'; a group not ADDED is DELETEd first: ONOS
 * keeps a known appCookie as it is) with all its flows, and its flows
 * missing or not ADDED (into 'fcalls'); the counters of those there are
 * seen, those of those made again go into the baseline. */
static void
audit_program(struct op *op, const char *pid, json_t *kept,
              const json_t *present, const json_t *groups, json_t *gcalls,
              json_t *fcalls)
{
    const json_t *ids = json_object_get(kept, "ids"), *g;
    const char *dev = device(op);
    bool regrouped = false, redo = false;
    json_t *f;
    size_t i;

    json_array_foreach(json_object_get(kept, "groups"), i, g)
    {
        const char *cookie = json_string_value(json_object_get(g,
                                                               "appCookie"));
        const char *state = group_state(groups, cookie);

        if (state && !strcmp(state, "ADDED")) {
            continue;
        }
        if (state) {
            json_array_append_new(
                gcalls, slc_sdn_rest_call_new("DELETE", NULL,
                                              "/onos/v1/groups/%s/%s", dev,
                                              cookie));
        }
        json_array_append_new(
            gcalls, slc_sdn_rest_call_new("POST", json_incref((json_t *)g),
                                          "/onos/v1/groups/%s", dev));
        regrouped = true;
    }
    json_array_foreach(json_object_get(kept, "flows"), i, f)
    {
        const char *id = json_string_value(json_array_get(ids, i));
        const json_t *c = json_object_get(present, id ? id : "");
        bool live = onosof_flow_live(present, id);

        if (live) {
            slc_sdn_rest_program_seen(
                kept, i, json_integer_value(json_object_get(c, "packets")),
                json_integer_value(json_object_get(c, "bytes")));
        } else {
            slc_sdn_rest_program_redone(kept, i);
        }
        if (!live || regrouped) {
            json_array_append_new(fcalls, post_flow(op, f));
            redo = true;
        }
    }
    if (redo || regrouped) {
        json_object_set_new(op->before, pid, json_true());
    }
}

/* An audit, the flows (and the groups: 'groups', else NULL) read: what
 * is missing is made again, groups first, by a script that goes on past
 * a refusal. */
static void
audit_plan(struct op *op, const json_t *groups)
{
    struct slc_sdn_rest_driver *drv = op->up.drv;
    json_t *present = json_object(), *index = onosof_index_flows(op->listed,
                                                          present);
    json_t *calls = json_array(), *fcalls = json_array(), *kept;
    const char *pid;

    op->before = json_object();
    audit_services(op, present, fcalls);
    json_object_foreach(drv->programs, pid, kept)
    {
        audit_program(op, pid, kept, present, groups, calls, fcalls);
    }
    json_array_extend(calls, fcalls);
    json_decref(fcalls);
    json_decref(index);
    json_decref(present);
    if (!json_array_size(calls)) {
        json_decref(calls);
        drv->audits++;
        slc_sdn_rest_finish(&op->up, 0, NULL, NULL, NULL);
        return;
    }
    slc_sdn_rest_script(&op->up, calls, true);
}

/* Updates the ids of the kept flows 'flows' ('ids' in their order) from
 * 'index': ONOS may give a flow made again another id. */
static void
update_ids(const json_t *flows, json_t *ids, const json_t *index)
{
    const json_t *f;
    size_t i;

    json_array_foreach(flows, i, f)
    {
        const char *fid = onosof_find_flow(index, f, true);

        if (fid) {
            json_array_set_new(ids, i, json_string(fid));
        }
    }
}

/* An audit: the kept services and programs take the ids of their flows. */
static void
audit_verify(struct op *op, const json_t *index)
{
    struct slc_sdn_rest_driver *drv = op->up.drv;
    const char *id;
    json_t *s;

    json_object_foreach(drv->services, id, s)
    {
        update_ids(json_object_get(s, "flows"), json_object_get(s, "ids"),
                   index);
        if (json_object_get(op->before, id)) {
            drv->reinstalled++;
            slc_sdn_rest_note(drv, "service %s re-installed: rules of it "
                              "had vanished", id);
        }
    }
    json_object_foreach(drv->programs, id, s)
    {
        update_ids(json_object_get(s, "flows"), json_object_get(s, "ids"),
                   index);
        if (json_object_get(op->before, id)) {
            drv->reinstalled++;
            slc_sdn_rest_note(drv, "program %s re-installed: rules or "
                              "groups of it had vanished", id);
        }
    }
    drv->audits++;
    slc_sdn_rest_finish(&op->up, 0, NULL, NULL, NULL);
}

/* ---- programs ---- */

static bool
has_text(const json_t *array, const char *s)
{
    const json_t *v;
    size_t i;

    json_array_foreach(array, i, v)
    {
        if (json_string_value(v) && !strcmp(json_string_value(v), s)) {
            return true;
        }
    }
    return false;
}

/* Appends to 'doomed' the ids of the driver's flows in 'listed' (a GET
 * flows/<id> reply) that send to a group of program 'pid'. */
static void
flows_to_groups(const json_t *listed, uint32_t pid, json_t *doomed)
{
    const json_t *f, *ins;
    size_t i, k;

    json_array_foreach(json_object_get(listed, "flows"), i, f)
    {
        const char *id = json_string_value(json_object_get(f, "id"));
        const char *app = json_string_value(json_object_get(f, "appId"));

        json_array_foreach(json_object_get(json_object_get(f, "treatment"),
                                           "instructions"),
                           k, ins)
        {
            const char *t = json_string_value(json_object_get(ins, "type"));
            long long gid = onosof_as_long(json_object_get(ins, "groupId"));

            if (id && app && !strcmp(app, APP_ID) && t &&
                !strcmp(t, "GROUP") && gid >> 8 == pid &&
                !has_text(doomed, id)) {
                json_array_append_new(doomed, json_string(id));
            }
        }
    }
}

/* An install or a remove, the flows and 'groups' there known: a script
 * DELETEs the program's flows (those held, those sending to its groups),
 * then its groups, then, for an install, POSTs the new groups, then the
 * new flows. */
static void
program_plan(struct op *op, const json_t *groups)
{
    const char *dev = device(op);
    uint32_t pid = op->up.program_id;
    json_t *present = json_object(), *index = onosof_index_flows(op->listed,
                                                          present);
    json_t *calls = json_array(), *doomed = json_array(), *v;
    size_t i;

    json_array_foreach(json_object_get(op->up.kept, "ids"), i, v)
    {
        const char *id = json_string_value(v);

        if (id && json_object_get(present, id) && !has_text(doomed, id)) {
            json_array_append(doomed, v);
        }
    }
    flows_to_groups(op->listed, pid, doomed);
    json_array_foreach(doomed, i, v)
    {
        json_array_append_new(calls,
                              delete_flow(op, json_string_value(v)));
        json_object_del(present, json_string_value(v));
    }
    json_array_foreach(json_object_get(groups, "groups"), i, v)
    {
        const char *cookie = json_string_value(json_object_get(v,
                                                               "appCookie"));

        if (onosof_cookie_group(cookie) >> 8 == pid) {
            json_array_append_new(
                calls, slc_sdn_rest_call_new("DELETE", NULL,
                                             "/onos/v1/groups/%s/%s", dev,
                                             cookie));
        }
    }
    op->n_deletes = json_array_size(calls);
    json_array_foreach(op->groups, i, v)
    {
        json_array_append_new(calls, slc_sdn_rest_call_new(
                                         "POST", json_incref(v),
                                         "/onos/v1/groups/%s", dev));
    }
    /* last rule first: a program lists a path's rules from its classifier
     * on, so what takes packets out of a hop is there before what steers
     * packets into it */
    for (i = json_array_size(op->flows); i-- > 0;) {
        json_array_append_new(calls,
                              post_flow(op, json_array_get(op->flows, i)));
    }
    op->before = present;     /* the flows there before the adds */
    json_decref(index);
    json_decref(doomed);
    slc_sdn_rest_script(&op->up, calls, false);
}

/* An install: every flow is there as posted; keeps the program. */
static void
program_verify(struct op *op, const json_t *index)
{
    json_t *ids = json_array(), *kept, *f;
    size_t i;

    json_array_foreach(op->flows, i, f)
    {
        const char *fid = onosof_find_flow(index, f, true);

        if (!fid) {
            json_decref(ids);
            slc_sdn_rest_fail(&op->up, SLC_EIO, "program %u: rule %zu is "
                              "not on device %s as it was posted",
                              op->up.program_id, i, device(op));
            return;
        }
        json_array_append_new(ids, json_string(fid));
    }
    kept = slc_sdn_rest_program_new(&op->up);
    if (kept) {
        json_object_set(kept, "flows", op->flows);
        json_object_set(kept, "groups", op->groups);
        json_object_set(kept, "ids", ids);
    }
    json_decref(ids);
    if (slc_sdn_rest_program_keep(&op->up, kept)) {
        slc_sdn_rest_fail(&op->up, SLC_ENOMEM, "out of memory");
        return;
    }
    slc_sdn_rest_finish(&op->up, 0, NULL, NULL, NULL);
}

/* A counters' read: ONOS's counters of the program's flows ADDED. */
static void
program_read(struct op *op, const json_t *present)
{
    json_t *raw = json_array(), *id;
    size_t i;

    json_array_foreach(json_object_get(op->up.kept, "ids"), i, id)
    {
        const char *fid = json_string_value(id);

        json_array_append_new(raw, onosof_flow_live(present, fid)
                                       ? json_incref(json_object_get(
                                             present, fid))
                                       : json_null());
    }
    slc_sdn_rest_program_counters(&op->up, raw);
}

/* The end of a script: after its POSTs, a put, an install or an audit
 * reads the flows back (a put or an install refused undoes its POSTs,
 * then fails); after its DELETEs, a put is done, so is a delete or a
 * remove. */
static void
onosof_script_done(struct slc_sdn_rest_op *o, int rc, const char *msg)
{
    struct op *op = op_of(o);
    bool install = o->kind == SLC_SDN_REST_INSTALL;
    bool posting = install ? o->script_next >= op->n_deletes
                           : o->kind == SLC_SDN_REST_PUT && !op->ids;

    if (op->undoing) {
        slc_sdn_rest_fail(o, o->error_rc, "%s", o->error);
    } else if (o->kind == SLC_SDN_REST_AUDIT || (!rc && posting)) {
        op->step = S_VERIFY;
        run(op);
    } else if (!rc && o->kind == SLC_SDN_REST_PUT) {
        put_done(op);
    } else if (!rc) {
        slc_sdn_rest_finish(o, 0, NULL, NULL, NULL);
    } else if (!posting && is_program(o)) {
        slc_sdn_rest_fail(o, rc, "program %u: %s", o->program_id,
                          msg ? msg : "");
    } else if (!posting) {
        slc_sdn_rest_fail(o, rc, "%s", msg ? msg : "");
    } else if (!(o->error = is_program(o)
                                ? slc_sdn_rest_program_error(o, msg)
                                : strdup(msg ? msg : ""))) {
        slc_sdn_rest_fail(o, SLC_ENOMEM, "out of memory");
    } else {
        o->error_rc = rc;     /* undo the POSTs done, then fail */
        op->posted = o->script_next - (install ? op->n_deletes : 0);
        op->step = S_UNDO_READ;
        run(op);
    }
}

/* A program's call or an audit, the flows read: next the groups (unless
 * an audit without program groups), or a counters' read is done. */
static void
listed_flows(struct op *op, const json_t *body, const json_t *present)
{
    struct slc_sdn_rest_driver *drv = op->up.drv;
    bool groups = op->up.kind != SLC_SDN_REST_AUDIT;
    const char *pid;
    json_t *kept;

    if (op->up.kind == SLC_SDN_REST_COUNTERS) {
        program_read(op, present);
        return;
    }
    op->listed = body ? json_incref((json_t *)body) : json_object();
    json_object_foreach(drv->programs, pid, kept)
    {
        groups = groups || json_array_size(json_object_get(kept, "groups"));
    }
    if (!groups) {
        audit_plan(op, NULL);
        return;
    }
    op->step = S_GROUPS;
    run(op);
}

static void
got_groups(struct op *op, const json_t *body)
{
    if (op->up.kind == SLC_SDN_REST_AUDIT) {
        audit_plan(op, body);
    } else {
        program_plan(op, body);
    }
}

/* A GET flows/<id> reply: what each step makes of it. */
static void
got_flows(struct op *op, const json_t *body)
{
    enum slc_sdn_rest_kind kind = op->up.kind;
    json_t *present = json_object();
    json_t *index = onosof_index_flows(body, present);

    if (op->step == S_UNDO_READ) {
        undo_read(op, index);
    } else if (op->step == S_VERIFY && kind == SLC_SDN_REST_AUDIT) {
        audit_verify(op, index);
    } else if (op->step == S_VERIFY && kind == SLC_SDN_REST_INSTALL) {
        program_verify(op, index);
    } else if (op->step == S_VERIFY) {
        put_verify(op, index, present);
    } else if (kind == SLC_SDN_REST_PUT) {
        op->before = json_incref(present);
        put_read(op, index);
    } else if (kind == SLC_SDN_REST_AUDIT || is_program(&op->up)) {
        listed_flows(op, body, present);
    } else {
        service_read(op, present);
    }
    json_decref(index);
    json_decref(present);
}

static void
onosof_reply(struct slc_sdn_rest_op *o, int rc, const char *msg,
             json_t *body, long status)
{
    struct op *op = op_of(o);
    bool reading = op->step != S_DEVICES && op->step != S_PORTS;
    char text[SLC_ERROR_MSG_SIZE];

    msg = rc ? slc_sdn_rest_refusal(msg, status, text, sizeof text) : NULL;
    if (o->script) {
        slc_sdn_rest_script_reply(o, rc, msg);
        return;
    }
    if (reading && rc == SLC_ENOTFOUND) {
        rc = 0;               /* ONOS: "Device is not found" = no flow */
        body = NULL;
    }
    if (op->step == S_UNDO_READ && rc) {
        slc_sdn_rest_fail(o, o->error_rc, "%s", o->error);
    } else if (rc) {
        slc_sdn_rest_fail(o, rc, "%s", msg);
    } else if (op->step == S_DEVICES) {
        got_devices(op, body);
    } else if (op->step == S_PORTS) {
        got_ports(op, body);
    } else if (op->step == S_GROUPS) {
        got_groups(op, body);
    } else {
        got_flows(op, body);
    }
}

/* ---- the class ---- */

static void
onosof_start(struct slc_sdn_rest_op *o)
{
    struct op *op = op_of(o);

    if (o->kind == SLC_SDN_REST_COUNTERS && !o->kept) {
        slc_sdn_rest_fail(o, SLC_ENOTFOUND, "program %u: not installed by "
                          "this driver", o->program_id);
    } else if (o->kind == SLC_SDN_REST_AUDIT) {
        op->step = S_READ;
        run(op);
    } else if (o->kind != SLC_SDN_REST_CHECK && device(op)[0]) {
        device_known(op);
    } else {
        op->step = S_DEVICES;
        run(op);
    }
}

/* op->old_ids: the ids of 'kept' (may be NULL), then those of the
 * installed_rules_ids of 'conn_info' (may be NULL), each once. */
static int
take_ids(struct op *op, const json_t *kept, const json_t *conn_info,
         struct slc_error *err)
{
    const json_t *lists[] = {
        kept, json_object_get(conn_info, "installed_rules_ids")};
    size_t i, j;
    json_t *id, *have;

    if (!(op->old_ids = json_array())) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    for (size_t n = 0; n < sizeof lists / sizeof lists[0]; n++) {
        json_array_foreach(lists[n], i, id)
        {
            bool dup = !json_is_string(id);

            json_array_foreach(op->old_ids, j, have)
            {
                dup = dup || json_equal(have, id);
            }
            if (!dup) {
                json_array_append(op->old_ids, id);
            }
        }
    }
    return 0;
}

/* A put: the ids kept and those of the stored conn_info. */
static int
onosof_take_spec(struct slc_sdn_rest_op *o,
                 const struct slc_sdn_service_spec *spec,
                 struct slc_error *err)
{
    const json_t *kept = json_object_get(
        json_object_get(o->drv->services, o->service_id), "ids");
    const char *name = spec->name ? spec->name : o->service_id;

    return slc_sdn_rest_take_rules(o, name, spec, MAX_RULES, err) ||
                   take_ids(op_of(o), kept, spec->conn_info, err)
               ? err->code
               : 0;
}

/* A delete or a status: the ids kept (the audits keep them current),
 * else the stored conn_info's; a delete takes both. */
static int
onosof_take_conn_info(struct slc_sdn_rest_op *o, const json_t *conn_info,
                      struct slc_error *err)
{
    const json_t *kept = json_object_get(
        json_object_get(o->drv->services, o->service_id), "ids");

    return take_ids(op_of(o), kept,
                    !kept || o->kind == SLC_SDN_REST_DELETE ? conn_info
                                                            : NULL,
                    err);
}

static void
onosof_free_op(struct slc_sdn_rest_op *o)
{
    struct op *op = op_of(o);

    json_decref(op->flows);
    json_decref(op->groups);
    json_decref(op->listed);
    json_decref(op->old_ids);
    json_decref(op->before);
    json_decref(op->posts);
    json_decref(op->ids);
}

static const char *
onosof_switch_name(struct slc_sdn_rest_driver *drv, char *buf, size_t size)
{
    const char *dev = onosof_of(drv)->device;

    return dev[0] ? dev : NULL;
}

static json_t *
onosof_describe_service(const char *id, const json_t *kept)
{
    return json_pack("{ss sO}", "id", id, "installed_rules_ids",
                     json_object_get(kept, "ids"));
}

static const struct slc_sdn_rest_class onosof_rest = {
    .sdn = &slc_sdn_onosof_class,
    .log_module = "sdn_onosof",
    .prefix = TYPE,
    .size = sizeof(struct onosof),
    .op_size = sizeof(struct op),
    .dpid = SLC_SDN_REST_DPID_TEXT,
    .same_vlan = true,
    .https = true,
    .service_in_errors = true,
    .switch_key = "device",
    .reinstalled_key = "reinstalled",
    .take_spec = onosof_take_spec,
    .take_conn_info = onosof_take_conn_info,
    .start = onosof_start,
    .reply = onosof_reply,
    .free_op = onosof_free_op,
    .switch_name = onosof_switch_name,
    .describe_service = onosof_describe_service,
    .unsupported = unsupported,
    .unsupported_why = "ONOS's REST API has no instruction or criterion "
                       "for it",
    .script_done = onosof_script_done,
};

/* config.dpid is 16 hex digits (colons allowed). */
static int
onosof_check_config(const json_t *config, struct slc_error *err)
{
    return slc_sdn_rest_driver_check_config(&onosof_rest, config, err);
}

static int
onosof_open(const struct slc_sdn_params *p, struct slc_sdn **out,
            struct slc_error *err)
{
    int rc = slc_sdn_rest_driver_open(&onosof_rest, p, out, err);
    struct onosof *o = rc ? NULL : (struct onosof *)*out;

    if (o && o->up.have_dpid) {
        slc_sdn_onos_device(o->up.dpid, o->device, sizeof o->device);
    }
    return rc;
}

const struct slc_sdn_class slc_sdn_onosof_class = {
    .version = SLC_SDN_CLASS_VERSION,
    .type = TYPE,
    .check_config = onosof_check_config,
    .open = onosof_open,
    SLC_SDN_REST_DRIVER_OPERATIONS,
    SLC_SDN_REST_DRIVER_PROGRAMS,
};

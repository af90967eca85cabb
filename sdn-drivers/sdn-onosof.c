/* The onosof SDN driver: connectivity services (SDN assist) as flow
 * rules that ONOS installs on one OpenFlow switch, through ONOS's flows
 * REST API the way OSM's onos_openflow connector does (sdn-sfc-ovs.md
 * 2.2).  The rules are of-rules.h's, as OSM's openflow connectors compute
 * them (1.4); REST plumbing is sdn-rest.h's, the operation queue, the
 * kept services, audits and config sdn-rest-driver.h's.  The sibling
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
 * Operations run one at a time, in order.  The driver keeps every service
 * it installed; each audit interval it reads the device's flows, POSTs
 * again the rules missing (the controller restarted without them, a flow
 * was removed) and takes their new ids. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "of-rules.h"
#include "sdn-onos.h"
#include "sdn-rest-driver.h"

#define TYPE "onosof"
#define APP_ID "slicer"
#define MAX_RULES 4096

/* The steps of an operation, one HTTP call each (S_ADD, S_DEL and
 * S_UNDO_DEL once per flow). */
enum step {
    S_DEVICES,                /* GET devices: the device */
    S_PORTS,                  /* GET devices/<id>/ports: port names */
    S_READ,                   /* GET flows/<id>: what is there */
    S_ADD,                    /* POST flows/<id>: posts[next] */
    S_VERIFY,                 /* GET flows/<id>: the ids of the posted */
    S_DEL,                    /* DELETE flows/<id>/<doomed[next]> */
    S_UNDO_READ,              /* an add was refused: GET flows/<id> */
    S_UNDO_DEL,               /* ... and DELETE those it added */
};

struct op {
    struct slc_sdn_rest_op up;    /* first: the shared part */
    enum step step;
    json_t *flows;            /* a put: the service's flow bodies */
    json_t *old_ids;          /* the flow ids the service had */
    json_t *before;           /* a put: id -> true, the device's flows
                                 before the adds; an audit: service id ->
                                 true, those missing rules */
    json_t *posts;            /* the flow bodies to POST */
    json_t *doomed;           /* the flow ids to DELETE */
    json_t *ids;              /* a put: the ids of 'flows' */
    size_t next;
};

/* The services kept: service id -> {"flows": [bodies], "ids": [their
 * flow ids]}. */
struct onosof {
    struct slc_sdn_rest_driver up;    /* first: the shared part */
    char device[32];          /* "of:<dpid>" of config.dpid, or of the
                                 controller's only device, found once and
                                 kept in up.dpid; "" until known */
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

/* ---- flows as ONOS encodes them ---- */

/* An integer, or the number a text starts with (Jackson's asLong). */
static long long
as_long(const json_t *v)
{
    return json_is_integer(v)  ? (long long)json_integer_value(v)
           : json_is_string(v) ? strtoll(json_string_value(v), NULL, 10)
                               : 0;
}

static int
text_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* One criterion as text: "IN_PORT=1", "ETH_DST=FA:16:..", "VLAN_VID=5",
 * else its type and JSON. */
static char *
criterion_text(const json_t *c)
{
    const char *type = json_string_value(json_object_get(c, "type"));
    char *text = NULL, *dump;
    int n;

    type = type ? type : "?";
    if (!strcmp(type, "IN_PORT")) {
        n = asprintf(&text, "%s=%lld", type,
                     as_long(json_object_get(c, "port")));
    } else if (!strcmp(type, "VLAN_VID")) {
        n = asprintf(&text, "%s=%lld", type,
                     as_long(json_object_get(c, "vlanId")));
    } else if (!strcmp(type, "ETH_DST")) {
        const char *mac = json_string_value(json_object_get(c, "mac"));

        n = asprintf(&text, "%s=%s", type, mac ? mac : "");
        for (char *p = text; n >= 0 && *p; p++) {
            *p = (char)toupper((unsigned char)*p);
        }
    } else {
        dump = json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS);
        n = asprintf(&text, "%s", dump ? dump : "");
        free(dump);
    }
    return n < 0 ? NULL : text;
}

/* Appends 's' and a separator to 'buf' (of 'size', with 'len' used). */
static void
append(char *buf, size_t size, size_t *len, const char *s)
{
    if (*len < size) {
        *len += (size_t)snprintf(buf + *len, size - *len, "%s;", s);
    }
}

/* What identifies a flow in ONOS (its id is a hash of it): application,
 * priority, table and the criteria in any order. */
static void
flow_key(const json_t *f, char *buf, size_t size)
{
    const json_t *criteria = json_object_get(json_object_get(f, "selector"),
                                             "criteria");
    size_t n = json_array_size(criteria), len = 0, i;
    char **texts = calloc(n + 1, sizeof *texts);
    const char *app = json_string_value(json_object_get(f, "appId"));
    const json_t *c;

    len = (size_t)snprintf(buf, size, "%s|%lld|%lld|", app ? app : "",
                           as_long(json_object_get(f, "priority")),
                           as_long(json_object_get(f, "tableId")));
    json_array_foreach(criteria, i, c)
    {
        if (texts) {
            texts[i] = criterion_text(c);
        }
    }
    if (texts) {
        qsort(texts, n, sizeof *texts, text_cmp);
    }
    for (i = 0; texts && i < n; i++) {
        append(buf, size, &len, texts[i] ? texts[i] : "?");
        free(texts[i]);
    }
    free(texts);
}

/* What a flow does, in order: "OUTPUT=2;VLAN_POP;VLAN_ID=5;...". */
static void
flow_treatment(const json_t *f, char *buf, size_t size)
{
    const json_t *list = json_object_get(json_object_get(f, "treatment"),
                                         "instructions");
    size_t i, len = 0;
    const json_t *ins;
    char text[64];

    buf[0] = '\0';
    json_array_foreach(list, i, ins)
    {
        const char *type = json_string_value(json_object_get(ins, "type"));
        const char *sub = json_string_value(json_object_get(ins, "subtype"));
        const json_t *port = json_object_get(ins, "port");

        if (type && !strcmp(type, "OUTPUT")) {
            if (json_is_string(port)) {
                snprintf(text, sizeof text, "OUTPUT=%s",
                         json_string_value(port));
            } else {
                snprintf(text, sizeof text, "OUTPUT=%lld", as_long(port));
            }
        } else if (sub && !strcmp(sub, "VLAN_ID")) {
            snprintf(text, sizeof text, "VLAN_ID=%lld",
                     as_long(json_object_get(ins, "vlanId")));
        } else {
            snprintf(text, sizeof text, "%s", sub ? sub : type ? type : "?");
        }
        append(buf, size, &len, text);
    }
}

#define KEY_SIZE 512

/* The flows of a GET flows/<id> reply (NULL: none) by key: key ->
 * {"id": ID, "treatment": T}; and their ids into 'ids' (an object, may be
 * NULL) as id -> true. */
static json_t *
index_flows(const json_t *body, json_t *ids)
{
    json_t *index = json_object(), *f;
    char key[KEY_SIZE], treat[KEY_SIZE];
    size_t i;

    json_array_foreach(json_object_get(body, "flows"), i, f)
    {
        const char *id = json_string_value(json_object_get(f, "id"));

        if (!id) {
            continue;
        }
        flow_key(f, key, sizeof key);
        flow_treatment(f, treat, sizeof treat);
        json_object_set_new(index, key, json_pack("{ss ss}", "id", id,
                                                  "treatment", treat));
        if (ids) {
            json_object_set_new(ids, id, json_true());
        }
    }
    return index;
}

/* The id of the flow of 'index' that is 'flow' (same key; same treatment
 * when 'exact'), or NULL. */
static const char *
find_flow(const json_t *index, const json_t *flow, bool exact)
{
    char key[KEY_SIZE], treat[KEY_SIZE];
    const json_t *have;

    flow_key(flow, key, sizeof key);
    have = json_object_get(index, key);
    if (!have) {
        return NULL;
    }
    flow_treatment(flow, treat, sizeof treat);
    return !exact || !strcmp(json_string_value(json_object_get(
                                 have, "treatment")) ?: "", treat)
               ? json_string_value(json_object_get(have, "id"))
               : NULL;
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
    case S_ADD:
        snprintf(path, sizeof path, "/onos/v1/flows/%s", dev);
        slc_sdn_rest_request(&op->up, "POST", path,
                             json_incref(json_array_get(op->posts,
                                                        op->next)));
        break;
    case S_DEL:
    case S_UNDO_DEL:
        snprintf(path, sizeof path, "/onos/v1/flows/%s/%s", dev,
                 json_string_value(json_array_get(op->doomed, op->next)));
        slc_sdn_rest_request(&op->up, "DELETE", path, NULL);
        break;
    }
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
    op->step = op->up.kind == SLC_SDN_REST_PUT ? S_PORTS : S_READ;
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

/* Appends ONOS's instructions of a rule's of-rules.h actions to 'out';
 * SLC_EINVALID with '*bad_port' set for a port the device lacks. */
static int
instructions(const json_t *actions, const json_t *ports, json_t *out,
             const char **bad_port)
{
    size_t i;
    json_t *a, *v;

    json_array_foreach(actions, i, a)
    {
        if ((v = json_object_get(a, "push_vlan"))) {
            json_array_append_new(out, json_pack("{ss ss}", "type",
                                                 "L2MODIFICATION", "subtype",
                                                 "VLAN_PUSH"));
        }
        if (v || (v = json_object_get(a, "set_vlan"))) {
            json_array_append_new(
                out, json_pack("{ss ss sI}", "type", "L2MODIFICATION",
                               "subtype", "VLAN_ID", "vlanId",
                               json_integer_value(v)));
        } else if (json_object_get(a, "pop_vlan")) {
            json_array_append_new(out, json_pack("{ss ss}", "type",
                                                 "L2MODIFICATION", "subtype",
                                                 "VLAN_POP"));
        } else if ((v = json_object_get(a, "output"))) {
            const char *port = json_string_value(v) ?: "";
            const char *no = strcmp(port, "IN_PORT")
                                 ? slc_sdn_onos_port(ports, port)
                                 : port;

            if (!no) {
                *bad_port = port;
                return SLC_EINVALID;
            }
            json_array_append_new(out, json_pack("{ss ss}", "type", "OUTPUT",
                                                 "port", no));
        }
    }
    return 0;
}

/* The flows/<id> body of a rule; NULL with '*bad_port' set when the
 * device lacks one of its ports. */
static json_t *
flow_of(struct slc_sdn_rest_op *op, size_t n, const json_t *rule,
        const json_t *ports, const char **bad_port)
{
    const json_t *m = json_object_get(rule, "match"), *v;
    const char *in = json_string_value(json_object_get(m, "in_port")) ?: "";
    const char *in_no = strcmp(in, "IN_PORT")
                            ? slc_sdn_onos_port(ports, in)
                            : NULL;
    json_t *criteria = json_array(), *instr = json_array();

    *bad_port = in_no ? NULL : in;
    if (in_no) {
        json_array_append_new(criteria,
                              json_pack("{ss sI}", "type", "IN_PORT", "port",
                                        (json_int_t)strtoll(in_no, NULL,
                                                            10)));
    }
    if ((v = json_object_get(m, "eth_dst"))) {
        json_array_append_new(criteria, json_pack("{ss sO}", "type",
                                                  "ETH_DST", "mac", v));
    }
    if ((v = json_object_get(m, "vlan"))) {
        json_array_append_new(criteria, json_pack("{ss sO}", "type",
                                                  "VLAN_VID", "vlanId", v));
    }
    if (!in_no || instructions(json_object_get(rule, "actions"), ports,
                               instr, bad_port)) {
        json_decref(criteria);
        json_decref(instr);
        return NULL;
    }
    return json_pack("{si sO si ss ss s{so} s{so s[]}}", "tableId", 0,
                     "priority", json_object_get(rule, "priority"),
                     "timeout", 0, "isPermanent", "true", "appId", APP_ID,
                     "selector", "criteria", criteria, "treatment",
                     "instructions", instr, "deferred");
}

/* The flow bodies of the service's rules, with the device's ports. */
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
    snprintf(where, sizeof where, "device %s", device(op));
    /* on failure 'op' is gone */
    if ((flows = slc_sdn_rest_build_flows(&op->up, ports, flow_of, where,
                                          NULL))) {
        op->flows = flows;
        op->step = S_READ;
        run(op);
    }
}

/* The next flow to DELETE, or the end of the operation. */
static void
next_delete(struct op *op)
{
    struct slc_sdn_rest_driver *drv = op->up.drv;

    if (op->next < json_array_size(op->doomed)) {
        run(op);
    } else if (op->step == S_UNDO_DEL) {
        slc_sdn_rest_fail(&op->up, op->up.error_rc, "%s", op->up.error);
    } else if (op->up.kind == SLC_SDN_REST_PUT) {
        if (json_object_set_new(drv->services, op->up.service_id,
                                json_pack("{sO sO}", "flows", op->flows,
                                          "ids", op->ids))) {
            slc_sdn_rest_fail(&op->up, SLC_ENOMEM, "out of memory");
            return;
        }
        slc_sdn_rest_finish(&op->up, 0, NULL, NULL,
                            json_pack("{ss ss sO}", "status", "ACTIVE",
                                      "error_msg", "", "installed_rules_ids",
                                      op->ids));
    } else {
        slc_sdn_rest_finish(&op->up, 0, NULL, NULL, NULL);   /* a delete */
    }
}

/* A put: the rules not on the device as they are are POSTed. */
static void
put_read(struct op *op, const json_t *index)
{
    size_t i;
    json_t *f;

    op->posts = json_array();
    json_array_foreach(op->flows, i, f)
    {
        if (!find_flow(index, f, true)) {
            json_array_append(op->posts, f);
        }
    }
    op->next = 0;
    op->step = json_array_size(op->posts) ? S_ADD : S_VERIFY;
    run(op);
}

/* A status or a delete: the service's flows that are there. */
static void
service_read(struct op *op, const json_t *present)
{
    size_t i, n = json_array_size(op->old_ids), have;
    json_t *id;
    char where[48];

    op->doomed = json_array();
    json_array_foreach(op->old_ids, i, id)
    {
        if (json_object_get(present, json_string_value(id))) {
            json_array_append(op->doomed, id);
        }
    }
    have = json_array_size(op->doomed);
    if (!have) {
        slc_sdn_rest_fail(&op->up, SLC_ENOTFOUND, "none of its %zu rules is "
                          "on device %s", n, device(op));
    } else if (op->up.kind == SLC_SDN_REST_DELETE) {
        op->next = 0;
        op->step = S_DEL;
        run(op);
    } else {
        snprintf(where, sizeof where, "device %s", device(op));
        slc_sdn_rest_status(&op->up, have, n, where);
    }
}

/* An audit: the rules of the kept services missing on the device are
 * POSTed again. */
static void
audit_read(struct op *op, const json_t *present)
{
    struct slc_sdn_rest_driver *drv = op->up.drv;
    const char *sid;
    json_t *s, *f;
    size_t i;

    op->posts = json_array();
    op->before = json_object();
    json_object_foreach(drv->services, sid, s)
    {
        const json_t *ids = json_object_get(s, "ids");

        json_array_foreach(json_object_get(s, "flows"), i, f)
        {
            const char *id = json_string_value(json_array_get(ids, i));

            if (!id || !json_object_get(present, id)) {
                json_array_append(op->posts, f);
                json_object_set_new(op->before, sid, json_true());
            }
        }
    }
    if (!json_array_size(op->posts)) {
        drv->audits++;
        slc_sdn_rest_finish(&op->up, 0, NULL, NULL, NULL);
        return;
    }
    op->next = 0;
    op->step = S_ADD;
    run(op);
}

/* A put: every rule is there; the flows the service had and has no
 * more are DELETEd. */
static void
put_verify(struct op *op, const json_t *index, const json_t *present)
{
    json_t *new_ids = json_object(), *f, *id;
    size_t i;

    op->ids = json_array();
    json_array_foreach(op->flows, i, f)
    {
        const char *fid = find_flow(index, f, true);

        if (!fid) {
            json_decref(new_ids);
            slc_sdn_rest_fail(&op->up, SLC_EIO, "rule %zu of %zu is not on "
                              "device %s as it was posted", i + 1,
                              json_array_size(op->flows), device(op));
            return;
        }
        json_array_append_new(op->ids, json_string(fid));
        json_object_set_new(new_ids, fid, json_true());
    }
    op->doomed = json_array();
    json_array_foreach(op->old_ids, i, id)
    {
        const char *old = json_string_value(id);

        if (old && !json_object_get(new_ids, old) &&
            json_object_get(present, old)) {
            json_array_append(op->doomed, id);
        }
    }
    json_decref(new_ids);
    op->next = 0;
    op->step = S_DEL;
    next_delete(op);
}

/* An audit: the kept services take the ids of their flows. */
static void
audit_verify(struct op *op, const json_t *index)
{
    struct slc_sdn_rest_driver *drv = op->up.drv;
    const char *sid;
    json_t *s, *f;
    size_t i;

    json_object_foreach(drv->services, sid, s)
    {
        json_t *ids = json_object_get(s, "ids");

        json_array_foreach(json_object_get(s, "flows"), i, f)
        {
            const char *fid = find_flow(index, f, true);

            if (fid) {        /* ONOS may give it another id */
                json_array_set_new(ids, i, json_string(fid));
            }
        }
        if (json_object_get(op->before, sid)) {
            drv->reinstalled++;
            slc_sdn_rest_note(drv, "service %s re-installed: rules of it "
                              "had vanished", sid);
        }
    }
    drv->audits++;
    slc_sdn_rest_finish(&op->up, 0, NULL, NULL, NULL);
}

/* An add was refused: the flows this operation added anew are deleted. */
static void
undo_read(struct op *op, const json_t *index)
{
    size_t i;

    op->doomed = json_array();
    for (i = 0; i < op->next; i++) {
        const char *id = find_flow(index, json_array_get(op->posts, i),
                                   false);

        if (id && !json_object_get(op->before, id)) {
            json_array_append_new(op->doomed, json_string(id));
        }
    }
    op->next = 0;
    op->step = S_UNDO_DEL;
    next_delete(op);
}

/* A GET flows/<id> reply: what each step makes of it. */
static void
got_flows(struct op *op, const json_t *body)
{
    json_t *present = json_object();
    json_t *index = index_flows(body, present);

    if (op->step == S_UNDO_READ) {
        undo_read(op, index);
    } else if (op->step == S_VERIFY && op->up.kind == SLC_SDN_REST_AUDIT) {
        audit_verify(op, index);
    } else if (op->step == S_VERIFY) {
        put_verify(op, index, present);
    } else if (op->up.kind == SLC_SDN_REST_PUT) {
        op->before = json_incref(present);
        put_read(op, index);
    } else if (op->up.kind == SLC_SDN_REST_AUDIT) {
        audit_read(op, present);
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
    bool reading = op->step == S_READ || op->step == S_VERIFY ||
                   op->step == S_UNDO_READ;
    char text[SLC_ERROR_MSG_SIZE];

    msg = rc ? slc_sdn_rest_refusal(msg, status, text, sizeof text) : NULL;
    if (reading && rc == SLC_ENOTFOUND) {
        rc = 0;               /* ONOS: "Device is not found" = no flow */
        body = NULL;
    }
    if ((op->step == S_DEL || op->step == S_UNDO_DEL) &&
        rc == SLC_ENOTFOUND) {
        rc = 0;               /* already gone */
    }
    if (op->step == S_UNDO_READ && rc) {
        slc_sdn_rest_fail(o, o->error_rc, "%s", o->error);
    } else if (op->step == S_ADD && rc && o->kind == SLC_SDN_REST_PUT &&
               (o->error = strdup(msg))) {
        o->error_rc = rc;     /* delete what this call added, then fail */
        op->step = S_UNDO_READ;
        run(op);
    } else if (rc && op->step == S_UNDO_DEL) {
        slc_sdn_rest_fail(o, o->error_rc, "%s; removing the rules added: "
                          "%s", o->error, msg);
    } else if (rc) {
        slc_sdn_rest_fail(o, rc, "%s", msg);
    } else if (op->step == S_DEVICES) {
        got_devices(op, body);
    } else if (op->step == S_PORTS) {
        got_ports(op, body);
    } else if (reading) {
        got_flows(op, body);
    } else if (op->step == S_ADD) {
        op->next++;
        op->step = op->next < json_array_size(op->posts) ? S_ADD : S_VERIFY;
        run(op);
    } else {
        op->next++;           /* S_DEL, S_UNDO_DEL */
        next_delete(op);
    }
}

/* ---- the class ---- */

static void
onosof_start(struct slc_sdn_rest_op *o)
{
    struct op *op = op_of(o);

    if (o->kind == SLC_SDN_REST_AUDIT) {
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
    json_decref(op->old_ids);
    json_decref(op->before);
    json_decref(op->posts);
    json_decref(op->doomed);
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
};

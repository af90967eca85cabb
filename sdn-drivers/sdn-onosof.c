/* The onosof SDN driver: connectivity services (SDN assist) as flow
 * rules that ONOS installs on one OpenFlow switch, through ONOS's flows
 * REST API the way OSM's onos_openflow connector does (sdn-sfc-ovs.md
 * 2.2).  The rules are of-rules.h's, as OSM's openflow connectors compute
 * them (1.4); REST plumbing is sdn-rest.h's.  The sibling sdn-onos-vpls.c
 * makes VPLSs of the same controller instead.
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

SLC_LOG_MODULE(sdn_onosof);

#define TYPE "onosof"
#define APP_ID "slicer"
#define MAX_RULES 4096


enum op_kind { OP_CHECK, OP_PUT, OP_DELETE, OP_STATUS, OP_AUDIT };

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
    struct onosof *o;
    enum op_kind kind;
    enum step step;
    bool started;
    uint64_t token;
    char service_id[32];      /* or "" */
    json_t *prog;             /* OP_PUT: the rules (of-rules.h) */
    json_t *port_points;      /* OP_PUT: switch_port -> a point's name */
    json_t *named_dpids;      /* OP_PUT: point -> the dpid it names */
    json_t *flows;            /* OP_PUT: the service's flow bodies */
    json_t *old_ids;          /* the flow ids the service had */
    json_t *before;           /* OP_PUT: id -> true, the device's flows
                                 before the adds; OP_AUDIT: service id ->
                                 true, those missing rules */
    json_t *posts;            /* the flow bodies to POST */
    json_t *doomed;           /* the flow ids to DELETE */
    json_t *ids;              /* OP_PUT: the ids of 'flows' */
    size_t next;
    char *error;              /* S_UNDO_*: the refusal */
    int error_rc;
    struct op *next_op;
};

struct onosof {
    struct slc_sdn up;        /* first: the core's part */
    struct slc_sdn_rest *rest;
    bool have_dpid;           /* config.dpid, or the device found */
    bool dpid_configured;
    uint64_t dpid;
    bool same_vlan_only;
    unsigned audit_ms;
    /* The services installed: service id -> {"flows": [bodies], "ids":
     * [their flow ids]}. */
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

static struct onosof *
onosof_of(struct slc_sdn *sdn)
{
    return (struct onosof *)sdn;
}

static void note(struct onosof *o, const char *fmt, ...) SLC_PRINTF(2, 3);

/* Records an event for describe(); logs it when it is news. */
static void
note(struct onosof *o, const char *fmt, ...)
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

/* "of:<16 hex digits>" of the driver's switch. */
static const char *
device(const struct onosof *o, char *buf, size_t size)
{
    snprintf(buf, size, "of:%016" PRIx64, o->dpid);
    return buf;
}

static void
free_op(struct op *op)
{
    json_decref(op->prog);
    json_decref(op->port_points);
    json_decref(op->named_dpids);
    json_decref(op->flows);
    json_decref(op->old_ids);
    json_decref(op->before);
    json_decref(op->posts);
    json_decref(op->doomed);
    json_decref(op->ids);
    free(op->error);
    free(op);
}

/* Queues 'op'; operations start from the loop, one at a time. */
static void
submit(struct onosof *o, struct op *op)
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
    struct onosof *o = op->o;
    struct slc_error err = {0};

    o->ops = op->next_op;
    if (op->kind == OP_AUDIT) {
        if (rc) {
            note(o, "audit failed: %s", msg ? msg : "");
        }
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

/* Fails 'op' with a message prefixed by the service it is about. */
static void
failf(struct op *op, int rc, const char *fmt, ...)
{
    char msg[SLC_ERROR_MSG_SIZE];
    int n = 0;
    va_list ap;

    if (op->service_id[0] && op->kind != OP_AUDIT) {
        n = snprintf(msg, sizeof msg, "service %s: ", op->service_id);
    }
    va_start(ap, fmt);
    vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
    va_end(ap);
    finish(op, rc, NULL, msg, NULL);
}

/* The controller's words for a failed call: sdn-rest's message, except
 * that a 401 (Jetty's HTML page in ONOS) is said in words. */
static const char *
refusal(const char *msg, long status, char *buf, size_t size)
{
    const char *at = msg ? strstr(msg, ": 401") : NULL;

    if (status == 401 && at) {
        snprintf(buf, size, "%.*s: 401 Unauthorized (the controller refused "
                 "the user and password)", (int)(at - msg), msg);
        return buf;
    }
    return msg ? msg : "";
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
    char path[160], dev[32];

    device(op->o, dev, sizeof dev);
    switch (op->step) {
    case S_DEVICES:
        call(op, "GET", "/onos/v1/devices", NULL);
        break;
    case S_PORTS:
        snprintf(path, sizeof path, "/onos/v1/devices/%s/ports", dev);
        call(op, "GET", path, NULL);
        break;
    case S_READ:
    case S_VERIFY:
    case S_UNDO_READ:
        snprintf(path, sizeof path, "/onos/v1/flows/%s", dev);
        call(op, "GET", path, NULL);
        break;
    case S_ADD:
        snprintf(path, sizeof path, "/onos/v1/flows/%s", dev);
        call(op, "POST", path,
             json_incref(json_array_get(op->posts, op->next)));
        break;
    case S_DEL:
    case S_UNDO_DEL:
        snprintf(path, sizeof path, "/onos/v1/flows/%s/%s", dev,
                 json_string_value(json_array_get(op->doomed, op->next)));
        call(op, "DELETE", path, NULL);
        break;
    }
}

/* The next step once the device is known (a check is done); refuses a
 * point that names another datapath. */
static void
device_known(struct op *op)
{
    const char *point;
    json_t *v;
    char dev[32];

    if (op->kind == OP_CHECK) {
        finish(op, 0, NULL, NULL, NULL);
        return;
    }
    json_object_foreach(op->named_dpids, point, v)
    {
        if ((uint64_t)json_integer_value(v) != op->o->dpid) {
            failf(op, SLC_EINVALID, "point %s: switch 0x%016" PRIx64 " is "
                  "not device %s", point, (uint64_t)json_integer_value(v),
                  device(op->o, dev, sizeof dev));
            return;
        }
    }
    op->step = op->kind == OP_PUT ? S_PORTS : S_READ;
    run(op);
}

static void
got_devices(struct op *op, json_t *body)
{
    struct onosof *o = op->o;
    json_t *devices = json_object_get(body, "devices"), *d;
    char list[400] = "", dev[32];
    size_t i, len = 0, n = json_array_size(devices);
    const char *id;
    bool listed = false;
    uint64_t dpid = 0;

    device(o, dev, sizeof dev);
    json_array_foreach(devices, i, d)
    {
        id = json_string_value(json_object_get(d, "id"));
        listed = listed || (id && !strcmp(id, dev));
        if (len < sizeof list) {
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
                                    i ? ", " : "", id ? id : "?");
        }
    }
    id = json_string_value(json_object_get(json_array_get(devices, 0), "id"));
    if (!json_is_array(devices)) {
        failf(op, SLC_EIO, "GET /onos/v1/devices: the reply has no device "
              "list");
    } else if (o->dpid_configured && !listed) {
        failf(op, SLC_EINVALID, "device %s is not connected to the "
              "controller (devices: [%s])", dev, list);
    } else if (!o->dpid_configured && n != 1) {
        failf(op, SLC_EINVALID, "the controller has %zu devices ([%s]): "
              "config.dpid must name %s", n, list,
              n ? "one of them" : "a connected one");
    } else if (!o->dpid_configured &&
               (!id || strncmp(id, "of:", 3) ||
                slc_of_dpid_parse(id + 3, &dpid))) {
        failf(op, SLC_EINVALID, "device '%s' is not an OpenFlow switch "
              "(of:<dpid>)", id ? id : "?");
    } else {
        if (!o->dpid_configured) {
            o->dpid = dpid;   /* kept: the driver's switch from now on */
        }
        o->have_dpid = true;
        device_known(op);
    }
}

/* ONOS's port of 's': "IN_PORT", a port name of the device, or a number
 * it has (text); else NULL. */
static const char *
port_of(const json_t *ports, const char *s)
{
    uint32_t n = slc_of_port_number(s);
    const char *found = NULL;
    size_t i;
    json_t *p;

    if (!strcmp(s, "IN_PORT")) {
        return s;
    }
    json_array_foreach(ports, i, p)
    {
        const char *no = json_string_value(json_object_get(p, "port"));
        const char *name = json_string_value(json_object_get(
            json_object_get(p, "annotations"), "portName"));

        if (!no || !strcmp(no, "local")) {
            continue;
        }
        if (name && !strcmp(name, s)) {
            return no;        /* a name wins */
        }
        if (n && strtoul(no, NULL, 10) == n) {
            found = no;
        }
    }
    return found;
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
            const char *no = port_of(ports, port);

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
flow_of(const json_t *rule, const json_t *ports, const char **bad_port)
{
    const json_t *m = json_object_get(rule, "match"), *v;
    const char *in = json_string_value(json_object_get(m, "in_port")) ?: "";
    const char *in_no = strcmp(in, "IN_PORT") ? port_of(ports, in) : NULL;
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
    size_t i;
    json_t *rule;
    char dev[32];

    if (!json_is_array(ports)) {
        failf(op, SLC_EIO, "GET devices/%s/ports: the reply has no port "
              "list", device(op->o, dev, sizeof dev));
        return;
    }
    op->flows = json_array();
    json_array_foreach(json_object_get(op->prog, "rules"), i, rule)
    {
        const char *bad = NULL;
        json_t *flow = flow_of(rule, ports, &bad);

        if (!flow) {
            const char *point = json_string_value(
                json_object_get(op->port_points, bad ? bad : ""));

            failf(op, SLC_EINVALID, "point %s: device %s has no port '%s'",
                  point ? point : "?", device(op->o, dev, sizeof dev),
                  bad ? bad : "?");
            return;
        }
        json_array_append_new(op->flows, flow);
    }
    op->step = S_READ;
    run(op);
}

/* The next flow to DELETE, or the end of the operation. */
static void
next_delete(struct op *op)
{
    struct onosof *o = op->o;

    if (op->next < json_array_size(op->doomed)) {
        run(op);
    } else if (op->step == S_UNDO_DEL) {
        failf(op, op->error_rc, "%s", op->error);
    } else if (op->kind == OP_PUT) {
        if (json_object_set_new(o->services, op->service_id,
                                json_pack("{sO sO}", "flows", op->flows,
                                          "ids", op->ids))) {
            failf(op, SLC_ENOMEM, "out of memory");
            return;
        }
        finish(op, 0, NULL, NULL,
               json_pack("{ss ss sO}", "status", "ACTIVE", "error_msg", "",
                         "installed_rules_ids", op->ids));
    } else {
        finish(op, 0, NULL, NULL, NULL);   /* OP_DELETE */
    }
}

/* OP_PUT: the rules not on the device as they are are POSTed. */
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

/* OP_STATUS and OP_DELETE: the service's flows that are there. */
static void
service_read(struct op *op, const json_t *present)
{
    size_t i, n = json_array_size(op->old_ids), have;
    json_t *id;
    char msg[160], dev[32];

    op->doomed = json_array();
    json_array_foreach(op->old_ids, i, id)
    {
        if (json_object_get(present, json_string_value(id))) {
            json_array_append(op->doomed, id);
        }
    }
    have = json_array_size(op->doomed);
    device(op->o, dev, sizeof dev);
    if (!have) {
        failf(op, SLC_ENOTFOUND, "none of its %zu rules is on device %s", n,
              dev);
    } else if (op->kind == OP_DELETE) {
        op->next = 0;
        op->step = S_DEL;
        run(op);
    } else if (have < n) {
        snprintf(msg, sizeof msg, "%zu of %zu rules on device %s", have, n,
                 dev);
        finish(op, 0, "ERROR", msg, NULL);
    } else {
        finish(op, 0, "ACTIVE", NULL, NULL);
    }
}

/* OP_AUDIT: the rules of the kept services missing on the device are
 * POSTed again. */
static void
audit_read(struct op *op, const json_t *present)
{
    struct onosof *o = op->o;
    const char *sid;
    json_t *s, *f;
    size_t i;

    op->posts = json_array();
    op->before = json_object();
    json_object_foreach(o->services, sid, s)
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
        o->audits++;
        finish(op, 0, NULL, NULL, NULL);
        return;
    }
    op->next = 0;
    op->step = S_ADD;
    run(op);
}

/* OP_PUT: every rule is there; the flows the service had and has no
 * more are DELETEd. */
static void
put_verify(struct op *op, const json_t *index, const json_t *present)
{
    json_t *new_ids = json_object(), *f, *id;
    size_t i;
    char dev[32];

    op->ids = json_array();
    json_array_foreach(op->flows, i, f)
    {
        const char *fid = find_flow(index, f, true);

        if (!fid) {
            json_decref(new_ids);
            failf(op, SLC_EIO, "rule %zu of %zu is not on device %s as it "
                  "was posted", i + 1, json_array_size(op->flows),
                  device(op->o, dev, sizeof dev));
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

/* OP_AUDIT: the kept services take the ids of their flows. */
static void
audit_verify(struct op *op, const json_t *index)
{
    struct onosof *o = op->o;
    const char *sid;
    json_t *s, *f;
    size_t i;

    json_object_foreach(o->services, sid, s)
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
            o->reinstalled++;
            note(o, "service %s re-installed: rules of it had vanished",
                 sid);
        }
    }
    o->audits++;
    finish(op, 0, NULL, NULL, NULL);
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
    } else if (op->step == S_VERIFY && op->kind == OP_AUDIT) {
        audit_verify(op, index);
    } else if (op->step == S_VERIFY) {
        put_verify(op, index, present);
    } else if (op->kind == OP_PUT) {
        op->before = json_incref(present);
        put_read(op, index);
    } else if (op->kind == OP_AUDIT) {
        audit_read(op, present);
    } else {
        service_read(op, present);
    }
    json_decref(index);
    json_decref(present);
}

static void
on_http(void *arg, int rc, const char *msg, json_t *body, long status)
{
    struct op *op = arg;
    bool reading = op->step == S_READ || op->step == S_VERIFY ||
                   op->step == S_UNDO_READ;
    char text[SLC_ERROR_MSG_SIZE];

    msg = rc ? refusal(msg, status, text, sizeof text) : NULL;
    if (reading && rc == SLC_ENOTFOUND) {
        rc = 0;               /* ONOS: "Device is not found" = no flow */
        body = NULL;
    }
    if ((op->step == S_DEL || op->step == S_UNDO_DEL) &&
        rc == SLC_ENOTFOUND) {
        rc = 0;               /* already gone */
    }
    if (op->step == S_UNDO_READ && rc) {
        failf(op, op->error_rc, "%s", op->error);
    } else if (op->step == S_ADD && rc && op->kind == OP_PUT &&
               (op->error = strdup(msg))) {
        op->error_rc = rc;    /* delete what this call added, then fail */
        op->step = S_UNDO_READ;
        run(op);
    } else if (rc && op->step == S_UNDO_DEL) {
        failf(op, op->error_rc, "%s; removing the rules added: %s",
              op->error, msg);
    } else if (rc) {
        failf(op, rc, "%s", msg);
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

static void
on_audit_timer(evutil_socket_t fd, short what, void *arg)
{
    struct onosof *o = arg;
    struct op *op;

    (void)fd;
    (void)what;
    if (o->audit_queued || !o->have_dpid || !json_object_size(o->services) ||
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
    struct onosof *o = arg;
    struct op *op = o->ops;

    (void)fd;
    (void)what;
    if (!op || op->started) {
        return;
    }
    op->started = true;
    if (op->kind == OP_AUDIT) {
        op->step = S_READ;
        run(op);
    } else if (op->kind != OP_CHECK && o->have_dpid) {
        device_known(op);
    } else {
        op->step = S_DEVICES;
        run(op);
    }
}

/* ---- the class ---- */

static const struct slc_sdn_rest_int int_keys[] = {
    {"audit_interval_ms", 0, 86400000, "milliseconds"},
    {"timeout_ms", 1, 600000, "milliseconds"},
};

static int
onosof_check_config(const json_t *config, struct slc_error *err)
{
    const json_t *v = json_object_get(config, "dpid");
    uint64_t dpid;

    if (config && !json_is_object(config)) {
        return slc_error_set(err, SLC_EINVALID, "sdn controller of type "
                             TYPE ": config must be an object");
    }
    if (v && (!json_is_string(v) ||
              slc_of_dpid_parse(json_string_value(v), &dpid))) {
        return slc_error_set(err, SLC_EINVALID, "sdn controller of type "
                             TYPE ": config.dpid must be a datapath id "
                             "(16 hex digits, colons allowed)");
    }
    v = json_object_get(config, "of_controller_nets_with_same_vlan");
    if (v && !json_is_boolean(v)) {
        return slc_error_set(err, SLC_EINVALID, "sdn controller of type "
                             TYPE ": config.of_controller_nets_with_same_"
                             "vlan must be true or false");
    }
    return slc_sdn_rest_check_ints(TYPE, config, int_keys,
                                   sizeof int_keys / sizeof int_keys[0],
                                   err);
}

/* "http://HOST:PORT", or the same with https. */
static int
check_url(const char *url, struct slc_error *err)
{
    char plain[300];

    if (url && !strncmp(url, "https://", 8) && !strchr(url, '@')) {
        snprintf(plain, sizeof plain, "http://%s", url + 8);
        if (!slc_sdn_rest_check_url(TYPE, plain, NULL)) {
            return 0;
        }
    }
    if (url && !strncmp(url, "http://", 7) &&
        !slc_sdn_rest_check_url(TYPE, url, NULL)) {
        return 0;
    }
    return slc_error_set(err, SLC_EINVALID, "sdn controller of type " TYPE
                         ": url '%s' is not http(s)://HOST:PORT",
                         !url ? "" : strchr(url, '@') ? "(with credentials)"
                                                      : url);
}

static void onosof_close(struct slc_sdn *sdn);

static int
onosof_open(const struct slc_sdn_params *p, struct slc_sdn **out,
            struct slc_error *err)
{
    const json_t *audit = json_object_get(p->config, "audit_interval_ms");
    const json_t *timeout = json_object_get(p->config, "timeout_ms");
    const char *dpid = json_string_value(json_object_get(p->config, "dpid"));
    struct timeval tv;
    struct onosof *o;
    char label[300];
    int rc = onosof_check_config(p->config, err);

    if (rc || (rc = check_url(p->url, err))) {
        return rc;
    }
    if (!(o = calloc(1, sizeof *o))) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    if ((rc = slc_sdn_base_init(&o->up, &slc_sdn_onosof_class, p, err))) {
        free(o);
        return rc;
    }
    o->dpid_configured = dpid && !slc_of_dpid_parse(dpid, &o->dpid);
    o->have_dpid = o->dpid_configured;
    o->same_vlan_only = json_is_true(
        json_object_get(p->config, "of_controller_nets_with_same_vlan"));
    o->audit_ms = audit ? (unsigned)json_integer_value(audit) : 5000;
    snprintf(label, sizeof label, "sdn '%s'", o->up.drv.name);
    rc = slc_sdn_rest_new(
        &(struct slc_sdn_rest_params){
            .base = p->base, .url = p->url, .user = p->user,
            .password = p->password, .label = label,
            .timeout_ms = timeout ? (long)json_integer_value(timeout) : 5000},
        &o->rest, err);
    o->services = json_object();
    o->kick = event_new(p->base, -1, 0, on_kick, o);
    o->audit_timer = event_new(p->base, -1, EV_PERSIST, on_audit_timer, o);
    if (!rc && (!o->services || !o->kick || !o->audit_timer)) {
        rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    if (rc) {
        onosof_close(&o->up);
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
onosof_close(struct slc_sdn *sdn)
{
    struct onosof *o = onosof_of(sdn);

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

/* An operation about service 'service_id' (may be NULL), or NULL on
 * failure. */
static struct op *
new_op(struct onosof *o, enum op_kind kind, uint64_t token,
       const char *service_id, struct slc_error *err)
{
    struct op *op = calloc(1, sizeof *op);

    if (op) {
        *op = (struct op){.o = o, .kind = kind, .token = token,
                          .old_ids = json_array()};
    }
    if (!op || !op->old_ids) {
        free(op);
        slc_error_set(err, SLC_ENOMEM, "out of memory");
        return NULL;
    }
    snprintf(op->service_id, sizeof op->service_id, "%s",
             service_id ? service_id : "");
    return op;
}

static int
onosof_check_credentials(struct slc_sdn *sdn, uint64_t token,
                         struct slc_error *err)
{
    struct op *op = new_op(onosof_of(sdn), OP_CHECK, token, NULL, err);

    if (op) {
        submit(onosof_of(sdn), op);
    }
    return op ? 0 : err->code;
}

/* Appends to op->old_ids the ids of 'list' (an array, may be NULL) it
 * does not have yet. */
static void
add_ids(struct op *op, const json_t *list)
{
    size_t i, j;
    json_t *id, *have;

    json_array_foreach(list, i, id)
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

/* What an install needs of the points once the call has returned: the
 * rules, which point each port is of, and the dpids points name. */
static int
take_points(struct onosof *o, struct op *op,
            const struct slc_sdn_service_spec *spec, struct slc_error *err)
{
    int rc = slc_of_rules(spec->name ? spec->name : op->service_id,
                          spec->type, spec->ports, spec->n_ports,
                          o->same_vlan_only, &op->prog, err);

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
put_service(struct onosof *o, uint64_t token, const char *service_id,
            const struct slc_sdn_service_spec *spec, struct slc_error *err)
{
    struct op *op = new_op(o, OP_PUT, token, service_id, err);
    int rc = op ? take_points(o, op, spec, err) : err->code;

    if (op && rc) {
        free_op(op);
    } else if (op) {
        add_ids(op, json_object_get(json_object_get(o->services, service_id),
                                    "ids"));
        add_ids(op, json_object_get(spec->conn_info, "installed_rules_ids"));
        submit(o, op);
    }
    return rc;
}

static int
onosof_create_service(struct slc_sdn *sdn, uint64_t token,
                      const struct slc_sdn_service_spec *spec,
                      struct slc_error *err)
{
    char id[32];

    slc_sdn_rest_service_id(TYPE, spec->tag ? spec->tag : spec->name, id,
                            sizeof id);
    return put_service(onosof_of(sdn), token, id, spec, err);
}

static int
onosof_edit_service(struct slc_sdn *sdn, uint64_t token,
                    const char *service_id,
                    const struct slc_sdn_service_spec *spec,
                    struct slc_error *err)
{
    uint32_t id;

    return slc_sdn_rest_parse_service_id(TYPE, service_id, &id, err)
               ? err->code
               : put_service(onosof_of(sdn), token, service_id, spec, err);
}

/* A delete or a status: the ids kept (the audits keep them current),
 * else the stored conn_info's; a delete takes both. */
static int
service_call(struct slc_sdn *sdn, enum op_kind kind, uint64_t token,
             const char *service_id, const json_t *conn_info,
             struct slc_error *err)
{
    struct onosof *o = onosof_of(sdn);
    const json_t *kept;
    struct op *op;
    uint32_t id;

    if (slc_sdn_rest_parse_service_id(TYPE, service_id, &id, err) ||
        !(op = new_op(o, kind, token, service_id, err))) {
        return err->code;
    }
    kept = json_object_get(json_object_get(o->services, service_id), "ids");
    add_ids(op, kept);
    if (!kept || kind == OP_DELETE) {
        add_ids(op, json_object_get(conn_info, "installed_rules_ids"));
    }
    if (kind == OP_DELETE) {
        /* audits stop re-installing it now */
        json_object_del(o->services, service_id);
    }
    submit(o, op);
    return 0;
}

static int
onosof_delete_service(struct slc_sdn *sdn, uint64_t token,
                      const char *service_id, const json_t *conn_info,
                      struct slc_error *err)
{
    return service_call(sdn, OP_DELETE, token, service_id, conn_info, err);
}

static int
onosof_service_status(struct slc_sdn *sdn, uint64_t token,
                      const char *service_id, const json_t *conn_info,
                      struct slc_error *err)
{
    return service_call(sdn, OP_STATUS, token, service_id, conn_info, err);
}

static json_t *
onosof_describe(struct slc_sdn *sdn)
{
    struct onosof *o = onosof_of(sdn);
    json_t *services = json_array(), *s;
    const char *id;
    char dev[32];

    json_object_foreach(o->services, id, s)
    {
        json_array_append_new(
            services, json_pack("{ss sO}", "id", id, "installed_rules_ids",
                                json_object_get(s, "ids")));
    }
    return json_pack("{ss ss? so si si ss}", "url",
                     slc_sdn_rest_url(o->rest), "device",
                     o->have_dpid ? device(o, dev, sizeof dev) : NULL,
                     "services", services, "audits", (int)o->audits,
                     "reinstalled", (int)o->reinstalled, "last_event",
                     o->last_event);
}

const struct slc_sdn_class slc_sdn_onosof_class = {
    .version = SLC_SDN_CLASS_VERSION,
    .type = TYPE,
    .check_config = onosof_check_config,
    .open = onosof_open,
    .close = onosof_close,
    .check_credentials = onosof_check_credentials,
    .create_service = onosof_create_service,
    .edit_service = onosof_edit_service,
    .delete_service = onosof_delete_service,
    .service_status = onosof_service_status,
    .describe = onosof_describe,
};

/* The floodlightof SDN driver: connectivity services (SDN assist) through
 * Floodlight's static flow pusher (sdn-sfc-ovs.md 2.4), as OSM's
 * floodlight_openflow connector programs them: one static entry per rule
 * of of-rules.h (1.4), which Floodlight pushes to the switch.  REST
 * plumbing is sdn-rest.h's; sdn-osken.c is the model, sdn-odlof.c the
 * sibling.
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

SLC_LOG_MODULE(sdn_floodlight);

#define SWITCHES "/wm/core/controller/switches/json"
#define PUSHER "/wm/staticflowpusher/json"
#define ID_SIZE 32
#define DPID_SIZE 24

enum op_kind { OP_CHECK, OP_PUT, OP_DELETE, OP_STATUS, OP_AUDIT };

/* The steps of an operation, one HTTP call each. */
enum step {
    S_SWITCHES,               /* GET the switches: the default dpid */
    S_PORTS,                  /* GET port-desc: port names */
    S_LIST,                   /* GET the switch's static entries */
    S_POST,                   /* POST entry 'next' */
    S_REMOVE,                 /* DELETE entry 'next' of 'doomed' */
    S_UNDO,                   /* an entry was refused: the same, then fail */
};

struct op {
    struct fl *f;
    enum op_kind kind;
    enum step step;
    bool started;
    uint64_t token;
    uint32_t id;              /* the service's (audit: the last checked) */
    char service_id[ID_SIZE];
    char dpid[DPID_SIZE];     /* "xx:..:xx"; "" until known */
    json_t *prog;             /* OP_PUT: the rules (of-rules.h) */
    json_t *port_points;      /* OP_PUT: switch_port -> a point's name */
    json_t *named_dpids;      /* OP_PUT: point -> the dpid it names */
    json_t *names;            /* the entries to push (status: to expect) */
    json_t *flows;            /* the POST bodies, in the order of 'names' */
    json_t *listed;           /* S_LIST: the service's entries there */
    json_t *doomed;           /* S_REMOVE, S_UNDO: the entries to delete */
    size_t next;
    int error_rc;             /* S_UNDO: the refusal */
    char *error;
    struct op *next_op;
};

struct fl {
    struct slc_sdn up;        /* first: the core's part */
    struct slc_sdn_rest *rest;
    bool have_dpid;           /* config.dpid */
    uint64_t dpid;
    char last_dpid[DPID_SIZE];    /* the switch of the last operation */
    bool same_vlan_only;
    unsigned audit_ms;
    /* The services installed, for audits: service id -> {"dpid": D,
     * "names": [entry names], "flows": [POST bodies]}. */
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

static struct fl *
fl_of(struct slc_sdn *sdn)
{
    return (struct fl *)sdn;
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

static void note(struct fl *f, const char *fmt, ...) SLC_PRINTF(2, 3);

/* Records an event for describe(); logs it when it is news (an audit
 * failing every interval while the controller is down logs once). */
static void
note(struct fl *f, const char *fmt, ...)
{
    char text[sizeof f->last_event];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (strcmp(text, f->last_event)) {
        SLC_INFO("sdn '%s': %s", f->up.drv.name, text);
        snprintf(f->last_event, sizeof f->last_event, "%s", text);
    }
}

/* Drops what an operation learnt about one service (audits move on). */
static void
clear_service(struct op *op)
{
    json_decref(op->names);
    json_decref(op->flows);
    json_decref(op->listed);
    json_decref(op->doomed);
    op->names = op->flows = op->listed = op->doomed = NULL;
    op->dpid[0] = '\0';
}

static void
free_op(struct op *op)
{
    clear_service(op);
    json_decref(op->prog);
    json_decref(op->port_points);
    json_decref(op->named_dpids);
    free(op->error);
    free(op);
}

/* Queues 'op'; operations start from the loop, one at a time. */
static void
submit(struct fl *f, struct op *op)
{
    struct op **opp = &f->ops;

    while (*opp) {
        opp = &(*opp)->next_op;
    }
    *opp = op;
    event_active(f->kick, 0, 0);
}

/* Ends the running operation 'op' and delivers its result (an audit has
 * no caller: its failure is an event of the driver).  'data' is taken. */
static void
finish(struct op *op, int rc, const char *status, const char *msg,
       json_t *data)
{
    struct fl *f = op->f;
    struct slc_error err = {0};

    f->ops = op->next_op;
    if (op->kind == OP_AUDIT) {
        json_decref(data);
        f->audit_queued = false;
    } else if (slc_driver_post(&f->up.drv, op->token, rc, msg,
                               op->service_id[0] ? op->service_id : NULL,
                               status ? status : rc ? "ERROR" : "ACTIVE",
                               data, NULL, &err)) {
        SLC_WARN("sdn '%s': result of %s lost: %s", f->up.drv.name,
                 op->service_id, err.msg);
    }
    free_op(op);
    event_active(f->kick, 0, 0);
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

/* ---- the steps ---- */

static void
run(struct op *op)
{
    char path[128];

    switch (op->step) {
    case S_SWITCHES:
        call(op, "GET", SWITCHES, NULL);
        break;
    case S_PORTS:
        snprintf(path, sizeof path, "/wm/core/switch/%s/port-desc/json",
                 op->dpid);
        call(op, "GET", path, NULL);
        break;
    case S_LIST:
        snprintf(path, sizeof path, "/wm/staticflowpusher/list/%s/json",
                 op->dpid);
        call(op, "GET", path, NULL);
        break;
    case S_POST:
        call(op, "POST", PUSHER,
             json_incref(json_array_get(op->flows, op->next)));
        break;
    case S_REMOVE:
    case S_UNDO:
        call(op, "DELETE", PUSHER,
             json_pack("{sO}", "name",
                       json_array_get(op->doomed, op->next)));
        break;
    }
}

/* The port of 's' in an entry: IN_PORT, a port name of the switch, or a
 * number one of its ports has; else NULL.  A new string. */
static json_t *
port_of(const json_t *ports, const char *s)
{
    uint32_t n = slc_of_port_number(s);
    json_t *found = NULL, *p;
    size_t i;

    if (!strcmp(s, "IN_PORT")) {
        return json_string("in_port");
    }
    json_array_foreach(ports, i, p)
    {
        const json_t *no = json_object_get(p, "portNumber");
        const char *name = json_string_value(json_object_get(p, "name"));
        char text[16];

        /* portNumber is text in 1.x ("1", "local"), a number before */
        if (json_is_integer(no)) {
            snprintf(text, sizeof text, "%" JSON_INTEGER_FORMAT,
                     json_integer_value(no));
        } else {
            snprintf(text, sizeof text, "%s", json_string_value(no) ?: "");
        }
        if (name && !strcmp(name, s) && slc_of_port_number(text)) {
            json_decref(found);
            return json_string(text);   /* a name wins */
        }
        if (n && !found && slc_of_port_number(text) == n) {
            found = json_string(text);
        }
    }
    return found;
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
entry_of(const struct op *op, const json_t *rule, const json_t *ports,
         const char **bad_port)
{
    const json_t *m = json_object_get(rule, "match"), *v;
    const char *in = json_string_value(json_object_get(m, "in_port")) ?: "";
    json_t *in_no = port_of(ports, in), *actions, *entry;

    *bad_port = in;
    if (!in_no || !(actions = entry_actions(json_object_get(rule, "actions"),
                                            ports, bad_port))) {
        json_decref(in_no);
        return NULL;
    }
    entry = json_pack("{ss sO so so ss so}", "switch", op->dpid, "name",
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
    const json_t *ports = json_object_get(body, "portDesc");
    size_t i;
    json_t *rule;

    if (!ports) {
        ports = json_object_get(body, "port_desc");
    }
    if (!json_is_array(ports)) {
        failf(op, SLC_EIO, "GET /wm/core/switch/%s/port-desc/json: the "
              "reply is not a port list", op->dpid);
        return;
    }
    op->names = json_array();
    op->flows = json_array();
    json_array_foreach(json_object_get(op->prog, "rules"), i, rule)
    {
        const char *bad = NULL;
        json_t *entry = entry_of(op, rule, ports, &bad);

        if (!entry) {
            const char *point = json_string_value(
                json_object_get(op->port_points, bad ? bad : ""));

            failf(op, SLC_EINVALID, "point %s: switch %s has no port '%s'",
                  point ? point : "?", op->dpid, bad ? bad : "?");
            return;
        }
        json_array_append(op->names, json_object_get(rule, "name"));
        json_array_append_new(op->flows, entry);
    }
    op->step = S_LIST;
    run(op);
}

/* The next step once the switch is known (a check is done); refuses a
 * point that names another datapath. */
static void
switch_known(struct op *op)
{
    uint64_t dpid = 0;
    const char *point;
    json_t *v;

    snprintf(op->f->last_dpid, sizeof op->f->last_dpid, "%s", op->dpid);
    slc_of_dpid_parse(op->dpid, &dpid);
    if (op->kind == OP_CHECK) {
        finish(op, 0, NULL, NULL, NULL);
        return;
    }
    json_object_foreach(op->named_dpids, point, v)
    {
        if ((uint64_t)json_integer_value(v) != dpid) {
            failf(op, SLC_EINVALID, "point %s: switch 0x%016" PRIx64 " is "
                  "not the controller's switch %s", point,
                  (uint64_t)json_integer_value(v), op->dpid);
            return;
        }
    }
    op->step = op->kind == OP_PUT ? S_PORTS : S_LIST;
    run(op);
}

static void
got_switches(struct op *op, const json_t *body)
{
    struct fl *f = op->f;
    char list[400] = "", want[DPID_SIZE];
    size_t i, n = 0, len = 0;
    uint64_t only = 0;
    bool listed = false;
    json_t *sw;

    if (!json_is_array(body)) {
        failf(op, SLC_EIO, "GET " SWITCHES ": the reply is not a list");
        return;
    }
    json_array_foreach(body, i, sw)
    {
        const char *text = json_string_value(json_object_get(sw,
                                                             "switchDPID"));
        uint64_t dpid;

        if (!text) {
            text = json_string_value(json_object_get(sw, "dpid"));
        }
        if (!text || slc_of_dpid_parse(text, &dpid)) {
            continue;
        }
        n++;
        only = dpid;
        listed = listed || dpid == f->dpid;
        if (len < sizeof list) {
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
                                    n > 1 ? ", " : "", text);
        }
    }
    dpid_text(f->dpid, want, sizeof want);
    if (f->have_dpid && !listed) {
        failf(op, SLC_EINVALID, "switch %s is not connected to the "
              "controller (switches: [%s])", want, list);
    } else if (!f->have_dpid && n != 1) {
        failf(op, SLC_EINVALID, "the controller has %zu switches ([%s]): "
              "config.dpid must name %s", n, list,
              n ? "one of them" : "a connected one");
    } else {
        dpid_text(f->have_dpid ? f->dpid : only, op->dpid, sizeof op->dpid);
        switch_known(op);
    }
}

static void audit_next(struct op *op);
static void post_next(struct op *op);
static void remove_next(struct op *op);

/* The service's entries in a list reply: {DPID: [{NAME: {...}}, ...]}. */
static json_t *
service_entries(const struct op *op, const json_t *body)
{
    json_t *names = json_array(), *list, *entry, *v;
    size_t len = strlen(op->service_id), i;
    const char *key, *name;

    json_object_foreach((json_t *)body, key, list)
    {
        json_array_foreach(list, i, entry)
        {
            json_object_foreach(entry, name, v)
            {
                if (!strncmp(name, op->service_id, len) &&
                    name[len] == '.') {
                    json_array_append_new(names, json_string(name));
                }
            }
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
        failf(op, SLC_ENOTFOUND, "service %s: no entry on switch %s",
              op->service_id, op->dpid);
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
    op->listed = service_entries(op, body);
    op->next = 0;
    switch (op->kind) {
    case OP_PUT:
        op->step = S_POST;
        post_next(op);
        break;
    case OP_AUDIT:
        json_decref(op->doomed);
        op->doomed = array_minus(op->names, op->listed);
        if (json_array_size(op->doomed)) {
            op->step = S_POST;   /* "make it so": all of them again */
            post_next(op);
        } else {
            audit_next(op);
        }
        break;
    case OP_DELETE:
        if (!json_array_size(op->listed)) {
            failf(op, SLC_ENOTFOUND, "service %s: no entry on switch %s",
                  op->service_id, op->dpid);
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

/* POSTs the next entry, or goes on once all are there. */
static void
post_next(struct op *op)
{
    struct fl *f = op->f;

    if (op->next < json_array_size(op->names)) {
        run(op);
    } else if (op->kind == OP_AUDIT) {
        f->reinstalled++;
        note(f, "service %s re-installed: %zu of its %zu entries were "
             "missing", op->service_id, json_array_size(op->doomed),
             json_array_size(op->names));
        audit_next(op);
    } else {
        /* the entries of an earlier version beyond the new ones */
        op->doomed = array_minus(op->listed, op->names);
        op->next = 0;
        op->step = S_REMOVE;
        remove_next(op);
    }
}

/* An entry was refused: an audit moves on, a create or an edit deletes
 * all the service's entries then fails with the refusal. */
static void
post_refused(struct op *op, int rc, const char *msg)
{
    struct fl *f = op->f;

    if (op->kind == OP_AUDIT) {
        note(f, "audit of %s failed: %s", op->service_id, msg);
        audit_next(op);
        return;
    }
    json_object_del(f->services, op->service_id);
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
post_done(struct op *op)
{
    struct fl *f = op->f;

    if (json_object_set_new(f->services, op->service_id,
                            json_pack("{ss sO sO}", "dpid", op->dpid,
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
        post_done(op);
    } else {
        finish(op, 0, NULL, NULL, NULL);
    }
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
on_http(void *arg, int rc, const char *msg, json_t *body, long status)
{
    struct op *op = arg;
    char text[SLC_ERROR_MSG_SIZE];

    (void)status;
    snprintf(text, sizeof text, "%s", msg ? msg : "");
    if (!rc && (op->step == S_POST || op->step == S_REMOVE)) {
        rc = pusher_verdict(op->step == S_POST ? "POST" : "DELETE", body,
                            text, sizeof text);
    }
    switch (op->step) {
    case S_SWITCHES:
    case S_PORTS:
        if (rc) {
            failf(op, rc, "%s", text);
        } else if (op->step == S_SWITCHES) {
            got_switches(op, body);
        } else {
            got_ports(op, body);
        }
        break;
    case S_LIST:
        if (rc && op->kind == OP_AUDIT) {
            note(op->f, "audit of %s failed: %s", op->service_id, text);
            audit_next(op);
        } else if (rc) {
            failf(op, rc, "%s", text);
        } else {
            got_list(op, body);
        }
        break;
    case S_POST:
        if (rc) {
            post_refused(op, rc, text);
        } else {
            op->next++;
            post_next(op);
        }
        break;
    case S_REMOVE:
        if (rc) {
            failf(op, rc, "%s", text);
        } else {
            op->next++;
            remove_next(op);
        }
        break;
    case S_UNDO:
        if (rc) {
            SLC_WARN("sdn '%s': %s: undo: %s", op->f->up.drv.name,
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

    if (slc_sdn_rest_call(op->f->rest, method, path, body, on_http, op,
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
    struct fl *f = op->f;
    const char *id, *next = NULL;
    json_t *s, *found = NULL;
    char last[ID_SIZE];

    snprintf(last, sizeof last, "floodlightof-%08x", op->id);
    json_object_foreach(f->services, id, s)
    {
        /* ids are "floodlightof-%08x": text order is number order */
        if (strcmp(id, last) > 0 && (!next || strcmp(id, next) < 0)) {
            next = id;
            found = s;
        }
    }
    clear_service(op);
    if (!found) {
        f->audits++;
        finish(op, 0, NULL, NULL, NULL);
        return;
    }
    slc_sdn_rest_parse_service_id("floodlightof", next, &op->id, NULL);
    snprintf(op->service_id, sizeof op->service_id, "%s", next);
    snprintf(op->dpid, sizeof op->dpid, "%s",
             json_string_value(json_object_get(found, "dpid")));
    op->names = json_incref(json_object_get(found, "names"));
    op->flows = json_incref(json_object_get(found, "flows"));
    op->step = S_LIST;
    run(op);
}

static void
on_audit_timer(evutil_socket_t fd, short what, void *arg)
{
    struct fl *f = arg;
    struct op *op;

    (void)fd;
    (void)what;
    if (f->audit_queued || !json_object_size(f->services) ||
        !(op = calloc(1, sizeof *op))) {
        return;
    }
    *op = (struct op){.f = f, .kind = OP_AUDIT};
    f->audit_queued = true;
    submit(f, op);
}

/* Starts the first queued operation unless it runs already. */
static void
on_kick(evutil_socket_t fd, short what, void *arg)
{
    struct op *op = ((struct fl *)arg)->ops;

    (void)fd;
    (void)what;
    if (!op || op->started) {
        return;
    }
    op->started = true;
    if (op->kind == OP_AUDIT) {
        audit_next(op);
    } else if (op->dpid[0]) {
        switch_known(op);
    } else {
        op->step = S_SWITCHES;
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
fl_check_config(const json_t *config, struct slc_error *err)
{
    const json_t *v = json_object_get(config, "dpid");
    uint64_t dpid;

    if (config && !json_is_object(config)) {
        return slc_error_set(err, SLC_EINVALID, "sdn controller of type "
                             "floodlightof: config must be an object");
    }
    if (v && parse_dpid(v, &dpid)) {
        return slc_error_set(err, SLC_EINVALID, "sdn controller of type "
                             "floodlightof: config.dpid must be a datapath "
                             "id (an integer, or 16 hex digits, colons "
                             "allowed)");
    }
    v = json_object_get(config, "of_controller_nets_with_same_vlan");
    if (v && !json_is_boolean(v)) {
        return slc_error_set(err, SLC_EINVALID, "sdn controller of type "
                             "floodlightof: config."
                             "of_controller_nets_with_same_vlan must be "
                             "true or false");
    }
    return slc_sdn_rest_check_ints("floodlightof", config, int_keys,
                                   sizeof int_keys / sizeof int_keys[0],
                                   err);
}

static void fl_close(struct slc_sdn *sdn);

static int
fl_open(const struct slc_sdn_params *p, struct slc_sdn **out,
        struct slc_error *err)
{
    const json_t *audit = json_object_get(p->config, "audit_interval_ms");
    const json_t *timeout = json_object_get(p->config, "timeout_ms");
    struct timeval tv;
    struct fl *f;
    char label[300];
    int rc = fl_check_config(p->config, err);

    if (rc || (rc = slc_sdn_rest_check_url("floodlightof", p->url, err))) {
        return rc;
    }
    if (!(f = calloc(1, sizeof *f))) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    if ((rc = slc_sdn_base_init(&f->up, &slc_sdn_floodlightof_class, p,
                                err))) {
        free(f);
        return rc;
    }
    f->have_dpid = !parse_dpid(json_object_get(p->config, "dpid"), &f->dpid);
    f->same_vlan_only = json_is_true(
        json_object_get(p->config, "of_controller_nets_with_same_vlan"));
    f->audit_ms = audit ? (unsigned)json_integer_value(audit) : 5000;
    snprintf(label, sizeof label, "sdn '%s'", f->up.drv.name);
    /* Basic credentials only when a user is set (Floodlight has none) */
    rc = slc_sdn_rest_new(
        &(struct slc_sdn_rest_params){
            .base = p->base, .url = p->url,
            .user = p->user && p->user[0] ? p->user : NULL,
            .password = p->password ? p->password : "", .label = label,
            .timeout_ms = timeout ? (long)json_integer_value(timeout) : 5000},
        &f->rest, err);
    f->services = json_object();
    f->kick = event_new(p->base, -1, 0, on_kick, f);
    f->audit_timer = event_new(p->base, -1, EV_PERSIST, on_audit_timer, f);
    if (!rc && (!f->services || !f->kick || !f->audit_timer)) {
        rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    if (rc) {
        fl_close(&f->up);
        return rc;
    }
    tv = (struct timeval){f->audit_ms / 1000, f->audit_ms % 1000 * 1000};
    if (f->audit_ms) {
        event_add(f->audit_timer, &tv);
    }
    *out = &f->up;
    return 0;
}

static void
fl_close(struct slc_sdn *sdn)
{
    struct fl *f = fl_of(sdn);

    slc_sdn_rest_free(f->rest);   /* no HTTP callback runs after this */
    while (f->ops) {
        struct op *op = f->ops;

        f->ops = op->next_op;
        free_op(op);
    }
    json_decref(f->services);
    if (f->kick) {
        event_free(f->kick);
    }
    if (f->audit_timer) {
        event_free(f->audit_timer);
    }
    slc_sdn_base_fini(&f->up);
    free(f);
}

/* An operation about service 'id' (0: none), or NULL on failure. */
static struct op *
new_op(struct fl *f, enum op_kind kind, uint64_t token, uint32_t id,
       struct slc_error *err)
{
    struct op *op = calloc(1, sizeof *op);

    if (!op) {
        slc_error_set(err, SLC_ENOMEM, "out of memory");
        return NULL;
    }
    *op = (struct op){.f = f, .kind = kind, .token = token, .id = id};
    if (id) {
        snprintf(op->service_id, sizeof op->service_id,
                 "floodlightof-%08x", id);
    }
    return op;
}

static int
fl_check_credentials(struct slc_sdn *sdn, uint64_t token,
                     struct slc_error *err)
{
    struct op *op = new_op(fl_of(sdn), OP_CHECK, token, 0, err);

    if (op) {
        submit(fl_of(sdn), op);
    }
    return op ? 0 : err->code;
}

/* What an install needs of the points once the call has returned: the
 * rules, which point each port is of, and the dpids points name. */
static int
take_points(struct fl *f, struct op *op,
            const struct slc_sdn_service_spec *spec, struct slc_error *err)
{
    int rc = slc_of_rules(op->service_id, spec->type, spec->ports,
                          spec->n_ports, f->same_vlan_only, &op->prog, err);

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
        /* a switch_dpid that is no dpid (a name) is the switch */
        if (p->switch_dpid && !slc_of_dpid_parse(p->switch_dpid, &dpid)) {
            json_object_set_new(op->named_dpids, name,
                                json_integer((json_int_t)dpid));
        }
    }
    return 0;
}

static int
put_service(struct fl *f, uint64_t token, uint32_t id,
            const struct slc_sdn_service_spec *spec, struct slc_error *err)
{
    struct op *op = new_op(f, OP_PUT, token, id, err);
    int rc = op ? take_points(f, op, spec, err) : err->code;

    if (op && rc) {
        free_op(op);
    } else if (op) {
        submit(f, op);
    }
    return rc;
}

static int
fl_create_service(struct slc_sdn *sdn, uint64_t token,
                  const struct slc_sdn_service_spec *spec,
                  struct slc_error *err)
{
    char text[ID_SIZE];
    uint32_t id = slc_sdn_rest_service_id(
        "floodlightof", spec->tag ? spec->tag : spec->name, text,
        sizeof text);

    return put_service(fl_of(sdn), token, id, spec, err);
}

static int
fl_edit_service(struct slc_sdn *sdn, uint64_t token, const char *service_id,
                const struct slc_sdn_service_spec *spec,
                struct slc_error *err)
{
    uint32_t id = 0;

    return slc_sdn_rest_parse_service_id("floodlightof", service_id, &id,
                                         err)
               ? err->code
               : put_service(fl_of(sdn), token, id, spec, err);
}

/* A delete or a status: the switch the service was put on, else
 * config's, else the controller's only one; the entries expected from
 * what the driver keeps, else conn_info. */
static int
service_call(struct slc_sdn *sdn, enum op_kind kind, uint64_t token,
             const char *service_id, const json_t *conn_info,
             struct slc_error *err)
{
    struct fl *f = fl_of(sdn);
    const json_t *kept, *names;
    uint32_t id = 0;
    struct op *op;

    if (slc_sdn_rest_parse_service_id("floodlightof", service_id, &id,
                                      err) ||
        !(op = new_op(f, kind, token, id, err))) {
        return err->code;
    }
    kept = json_object_get(f->services, op->service_id);
    names = kept ? json_object_get(kept, "names")
                 : json_object_get(conn_info, "installed_rules_ids");
    op->names = json_is_array(names) ? json_incref((json_t *)names)
                                     : json_array();
    if (kept) {
        snprintf(op->dpid, sizeof op->dpid, "%s",
                 json_string_value(json_object_get(kept, "dpid")));
    } else if (f->have_dpid) {
        dpid_text(f->dpid, op->dpid, sizeof op->dpid);
    }
    if (kind == OP_DELETE) {
        /* audits stop re-installing it now */
        json_object_del(f->services, op->service_id);
    }
    submit(f, op);
    return 0;
}

static int
fl_delete_service(struct slc_sdn *sdn, uint64_t token,
                  const char *service_id, const json_t *conn_info,
                  struct slc_error *err)
{
    return service_call(sdn, OP_DELETE, token, service_id, conn_info, err);
}

static int
fl_service_status(struct slc_sdn *sdn, uint64_t token,
                  const char *service_id, const json_t *conn_info,
                  struct slc_error *err)
{
    return service_call(sdn, OP_STATUS, token, service_id, conn_info, err);
}

static json_t *
fl_describe(struct slc_sdn *sdn)
{
    struct fl *f = fl_of(sdn);
    json_t *services = json_array(), *s;
    const char *id;
    char dpid[DPID_SIZE];

    json_object_foreach(f->services, id, s)
    {
        json_array_append_new(
            services,
            json_pack("{ss sI}", "id", id, "rules",
                      (json_int_t)json_array_size(
                          json_object_get(s, "names"))));
    }
    dpid_text(f->dpid, dpid, sizeof dpid);
    return json_pack("{ss ss? so si si ss}", "url",
                     slc_sdn_rest_url(f->rest), "dpid",
                     f->have_dpid ? dpid
                     : f->last_dpid[0] ? f->last_dpid
                                       : NULL,
                     "services", services, "audits", (int)f->audits,
                     "reinstalled", (int)f->reinstalled, "last_event",
                     f->last_event);
}

const struct slc_sdn_class slc_sdn_floodlightof_class = {
    .version = SLC_SDN_CLASS_VERSION,
    .type = "floodlightof",
    .check_config = fl_check_config,
    .open = fl_open,
    .close = fl_close,
    .check_credentials = fl_check_credentials,
    .create_service = fl_create_service,
    .edit_service = fl_edit_service,
    .delete_service = fl_delete_service,
    .service_status = fl_service_status,
    .describe = fl_describe,
};

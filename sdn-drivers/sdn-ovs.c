/* The ovs SDN driver: programs one Open vSwitch bridge directly, the way
 * Open vSwitch itself is layered (ovs/): an OVSDB (RFC 7047) monitor of
 * Interface {name, ofport} keeps the OpenFlow port numbers of the port
 * names a program uses, and an OpenFlow 1.3 session (ofconn.h) installs
 * flows and groups in atomic bundles.
 *
 * Controller record: url = the switch's OVSDB ("unix:/run/ovs/db.sock" or
 * "tcp:IP:PORT"); config = {bridge (required), openflow (default
 * "unix:<the db socket's directory>/<bridge>.mgmt"), audit_interval_ms
 * (default 5000, 0 = none), connect_timeout_ms (default 5000),
 * of_controller_nets_with_same_vlan (default false)}.
 *
 * Programs name ports by name, "NORMAL", "IN_PORT", or by a number a port
 * of the bridge has (a name wins).  Every flow carries cookie 0x51ce (16
 * bits) | program id (32) | rule index (16), so that a program is removed
 * or dumped by cookie and each rule's counters are found; a program's
 * select groups are numbered program id << 8 | n, so only programs
 * 1..SLC_SDN_PROGRAM_MAX (chains) may have groups.  Installing replaces
 * the program in one bundle: delete its flows and groups, add the new
 * ones; a failure anywhere leaves the switch as it was.
 *
 * Reconciliation: the driver keeps every program it installed.  When the
 * OpenFlow session comes back after a loss (a switch restart) it
 * re-installs them all; when a port a program uses gets another OpenFlow
 * number (the port was re-created) it re-installs that program; every
 * audit interval it dumps the flows under the slicer cookie and
 * re-installs a program whose rules are not all there (removed by hand).
 * A program that stays wrong after three re-installs (another program
 * overwrote a flow of the same match) is reported as in conflict, not
 * fought over.
 *
 * Counters survive re-installs: a re-install replaces the flows, and the
 * switch starts their counters from zero, which would make anyone
 * computing rates see traffic go backwards.  The driver keeps each rule's
 * counters as last read (audits, counter reads) and, when the program is
 * installed again with the same content, adds them to a per-rule base
 * that every read adds to what the switch reports.  What a rule counted
 * between the last read and its loss is lost (an audit reads every
 * interval); new content (a scale) starts from zero.
 *
 * Connectivity services (SDN assist, OSM's ELINE/ELAN) are programs too,
 * built from the endpoints by of-rules.h as OSM's openflow connectors do
 * (sdn-sfc-ovs.md section 1.4), with program ids in the upper half of the
 * 32-bit space, disjoint from the chains': 0x80000000 | FNV-1a(tag)
 * & 0x7fffffff, service id "ovs-%08x" of it; so a create is idempotent by
 * tag and an edit re-installs the whole program.  conn_info = {program,
 * rules (their number)}.  A point's switch_dpid must be NULL, the
 * bridge's name or its datapath id (16 hex digits, colons allowed).
 * Status reads the flows: all there is ACTIVE, none is SLC_ENOTFOUND,
 * some is ERROR. */
#include <event2/event.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include "of-rules.h"
#include "sdn-ovs-encode.h"
#include "ofconn.h"
#include "ofp.h"
#include "ovsdb.h"
#include "sdn.h"
#include "sfc-match.h"
#include "slc-crash.h"
#include "slc-log.h"

SLC_LOG_MODULE(sdn_ovs);

#define SERVICE_IDS 0x80000000u
#define MAX_REINSTALLS 3
#define TICK_MS 250

struct program {
    uint32_t id;
    json_t *prog;
    size_t n_rules, n_groups;
    struct slc_of_match *matches;   /* as installed, for audits */
    uint16_t *priorities;
    json_t *ports;                  /* name -> ofport it was encoded with */
    unsigned reinstalls;            /* by audits, in a row */
    uint64_t *last, *base;          /* per rule: packets, bytes (2 each):
                                       as last read; counted before the
                                       last re-install */
    bool conflict;
    bool moved;                     /* a port of it has another number */
    struct program *next;
};

enum op_kind { OP_INSTALL, OP_REMOVE, OP_COUNTERS, OP_CHECK };

struct op {
    struct ovs *o;
    enum op_kind kind;
    bool internal;            /* the driver's own (re-installs): no reply */
    uint64_t token;
    uint32_t id;
    json_t *prog;             /* OP_INSTALL */
    char *service_id;         /* a connectivity service's call */
    size_t expected;          /* status: the rules conn_info counts */
    bool probed, absent;      /* delete: dumped its flows; none there */
    bool check_dpid;          /* the points name datapath 'dpid' */
    uint64_t dpid;
    char *switch_error;       /* ... else this is the error */
    struct timeval deadline;  /* while waiting for the session */
    uint64_t seq;             /* submission order */
    struct slc_of_match *matches;
    uint16_t *priorities;
    json_t *ports;            /* the port numbers it was encoded with */
    size_t n_rules, n_groups;
    struct op *next;
};

struct ovs {
    struct slc_sdn up;        /* first: the core's part */
    char *bridge, *db_target, *of_target;
    uint64_t dpid;            /* the bridge's, from the OpenFlow session */
    bool same_vlan_only;      /* of_controller_nets_with_same_vlan */
    struct slc_ovsdb *db;
    struct slc_ofconn *of;
    struct program *programs;
    struct op *waiting;       /* submitted before the sessions were ready */
    struct op *running;       /* started, waiting for the switch */
    json_t *ifaces;           /* Interface rows by uuid: {name, ofport} */
    bool ports_synced;        /* 'ifaces' is whole */
    uint64_t seq;             /* of the last op submitted */
    bool check_ports;         /* 'ifaces' changed: look for moved ports */
    char db_error[300];
    struct event *tick;
    unsigned audit_ms, connect_timeout_ms;
    struct timeval next_audit;
    bool auditing;
    unsigned reinstalled, audits;
    char last_event[300];
};

static void start(struct op *op);
static void carry_counters(struct program *p, const struct op *op);
static void reinstall(struct ovs *o, const struct program *p);

/* ---- helpers ---- */

static struct ovs *
ovs_of(struct slc_sdn *sdn)
{
    return (struct ovs *)sdn;
}

static struct program *
find_program(struct ovs *o, uint32_t id, struct program ***link)
{
    struct program **pp = &o->programs;

    for (; *pp; pp = &(*pp)->next) {
        if ((*pp)->id == id) {
            break;
        }
    }
    if (link) {
        *link = pp;
    }
    return *pp;
}

static void
free_program(struct program *p)
{
    free(p->last);
    free(p->base);
    json_decref(p->prog);
    json_decref(p->ports);
    free(p->matches);
    free(p->priorities);
    free(p);
}

/* 'now' + 'ms' into 'at'. */
static void
after_ms(struct timeval *at, unsigned ms)
{
    struct timeval now, d = {ms / 1000, (ms % 1000) * 1000};

    evutil_gettimeofday(&now, NULL);
    evutil_timeradd(&now, &d, at);
}

static void
free_op(struct op *op)
{
    json_decref(op->prog);
    json_decref(op->ports);
    free(op->service_id);
    free(op->switch_error);
    free(op->matches);
    free(op->priorities);
    free(op);
}

static void
note(struct ovs *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
note(struct ovs *o, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(o->last_event, sizeof o->last_event, fmt, ap);
    va_end(ap);
    SLC_INFO("%s: %s", o->up.drv.name, o->last_event);
}

static void
unlink_running(struct ovs *o, struct op *op)
{
    for (struct op **opp = &o->running; *opp; opp = &(*opp)->next) {
        if (*opp == op) {
            *opp = op->next;
            break;
        }
    }
}

static bool
due(const struct timeval *now, const struct timeval *at)
{
    return !evutil_timercmp(now, at, <);
}

/* Completes a caller's op (internal re-installs have no caller). */
static void
reply_status(struct op *op, int rc, const char *status, const char *msg,
             const json_t *data)
{
    struct ovs *o = op->o;

    unlink_running(o, op);
    if (!op->internal && op->token && op->service_id &&
        op->kind != OP_COUNTERS && !rc) {
        slc_crash_point("sdn"); /* on the switch, the caller not told */
    }
    if (!op->internal) {
        struct slc_sdn_result r = {
            .token = op->token, .rc = rc, .msg = msg,
            .service_id = op->service_id, .status = status, .data = data};

        o->up.done(o->up.drv.owner, &r);
    } else if (rc) {
        note(o, "re-installing program %u failed: %s", op->id, msg ? msg : "");
    }
    free_op(op);
}

static void
reply(struct op *op, int rc, const char *msg, const json_t *data)
{
    reply_status(op, rc, rc ? "ERROR" : "ACTIVE", msg, data);
}

/* ---- running ops ---- */

/* ---- the port table (an OVSDB monitor of Interface) ---- */

/* name -> ofport of the interfaces that have one (a new object). */
static json_t *
port_numbers(const struct ovs *o)
{
    json_t *ports = json_object();
    const char *uuid;
    const json_t *row;

    json_object_foreach(o->ifaces, uuid, row)
    {
        const char *name = json_string_value(json_object_get(row, "name"));
        const json_t *no = json_object_get(row, "ofport");

        if (name && json_is_integer(no)) {
            json_object_set(ports, name, (json_t *)no);
        }
    }
    return ports;
}

static void
on_iface_row(void *arg, const char *table, const char *uuid,
             const json_t *old, const json_t *new)
{
    struct ovs *o = arg;

    if (new) {
        json_object_set(o->ifaces, uuid, (json_t *)new);
    } else {
        json_object_del(o->ifaces, uuid);
    }
    if (o->ports_synced) {
        o->check_ports = true;
        event_active(o->tick, 0, 0);
    }
}

static void
on_iface_synced(void *arg)
{
    struct ovs *o = arg;

    o->ports_synced = true;
    o->check_ports = true;
    o->db_error[0] = '\0';
    if (slc_ovsdb_connects(o->db) > 1) {
        note(o, "OVSDB session back: %zu interfaces",
             json_object_size(o->ifaces));
    }
    event_active(o->tick, 0, 0);
}

static void
on_iface_reset(void *arg, const char *why)
{
    struct ovs *o = arg;

    o->ports_synced = false;
    json_object_clear(o->ifaces);
    snprintf(o->db_error, sizeof o->db_error, "%s", why);
    note(o, "OVSDB lost: %s", why);
}

static const struct slc_ovsdb_monitor_ops iface_ops = {
    .row = on_iface_row,
    .synced = on_iface_synced,
    .reset = on_iface_reset,
};

/* Connects to OVSDB and monitors the ports, unless done; a switch not up
 * yet is tried again on the next tick (then the session reconnects by
 * itself). */
static void
connect_db(struct ovs *o)
{
    struct slc_error err = {0};

    if (o->db) {
        return;
    }
    if (slc_ovsdb_connect(o->up.drv.base, o->db_target, &o->db, &err) ||
        slc_ovsdb_monitor(o->db, json_pack("{s[ss]}", "Interface", "name",
                                           "ofport"),
                          &iface_ops, o, &err)) {
        slc_ovsdb_close(o->db);
        o->db = NULL;
        snprintf(o->db_error, sizeof o->db_error, "%s", err.msg);
    }
}

/* Re-installs the programs encoded with another number for a port than
 * the switch has now (the port was re-created).  A port that is gone
 * leaves its programs alone until it is back. */
static void
reinstall_moved(struct ovs *o)
{
    json_t *ports = port_numbers(o);

    o->check_ports = false;
    for (struct program *p = o->programs; p; p = p->next) {
        const char *name;
        const json_t *no, *now;

        json_object_foreach(p->ports, name, no)
        {
            now = json_object_get(ports, name);
            if (now && !json_equal(now, no)) {
                note(o, "port '%s' is OpenFlow port %lld now (was %lld); "
                     "re-installing program %u",
                     name, (long long)json_integer_value(now),
                     (long long)json_integer_value(no), p->id);
                o->reinstalled++;
                reinstall(o, p);
                break;
            }
        }
    }
    json_decref(ports);
}

static void
on_applied(void *arg, int rc, const char *msg)
{
    struct op *op = arg;
    struct ovs *o = op->o;
    struct program **link, *p = find_program(o, op->id, &link);

    if (rc) {
        reply(op, rc, msg, NULL);
        return;
    }
    if (op->kind == OP_REMOVE) {
        if (p) {
            *link = p->next;
            free_program(p);
        }
        reply(op, op->absent ? SLC_ENOTFOUND : 0,
              op->absent ? "no such service: none of its flows is on the "
                           "switch"
                         : NULL,
              NULL);
        return;
    }
    if (!p && op->internal) {
        /* removed while this re-install was on its way: undo it */
        op->kind = OP_REMOVE;
        json_decref(op->prog);
        op->prog = NULL;
        start(op);
        return;
    }
    if (!p) {
        p = calloc(1, sizeof *p);
        if (!p) {
            reply(op, SLC_ENOMEM, "out of memory", NULL);
            return;
        }
        p->id = op->id;
        p->next = o->programs;
        o->programs = p;
    }
    if (!op->internal) {
        p->reinstalls = 0;
        p->conflict = false;
    }
    carry_counters(p, op);
    json_decref(p->prog);
    free(p->matches);
    free(p->priorities);
    p->prog = json_incref(op->prog);
    json_decref(p->ports);
    p->ports = op->ports;
    op->ports = NULL;
    p->matches = op->matches;
    p->priorities = op->priorities;
    p->n_rules = op->n_rules;
    p->n_groups = op->n_groups;
    op->matches = NULL;
    op->priorities = NULL;
    if (op->service_id) {
        json_t *conn_info = json_pack("{sI sI}", "program",
                                      (json_int_t)op->id, "rules",
                                      (json_int_t)p->n_rules);

        reply(op, 0, NULL, conn_info);
        json_decref(conn_info);
        return;
    }
    reply(op, 0, NULL, NULL);
}

/* Program 'p' is replaced by install 'op': with the same content its
 * rules' counters as last read go into their base (the switch starts the
 * new flows from zero); other content starts from zero. */
static void
carry_counters(struct program *p, const struct op *op)
{
    size_t n = 2 * op->n_rules;

    if (p->prog && p->last && p->base && p->n_rules == op->n_rules &&
        json_equal(p->prog, op->prog)) {
        for (size_t i = 0; i < n; i++) {
            p->base[i] += p->last[i];
            p->last[i] = 0;
        }
        return;
    }
    free(p->last);
    free(p->base);
    p->last = calloc(n + 1, sizeof *p->last);
    p->base = calloc(n + 1, sizeof *p->base);
}

/* Rule i of 'p' counted 'packets' and 'bytes' on the switch now. */
static void
saw_counters(struct program *p, size_t i, uint64_t packets, uint64_t bytes)
{
    if (p && p->last && i < p->n_rules) {
        p->last[2 * i] = packets;
        p->last[2 * i + 1] = bytes;
    }
}

/* Encodes 'op' with the switch's port numbers now, and applies it. */
static void
apply_op(struct op *op)
{
    struct ovs *o = op->o;
    struct program *p = find_program(o, op->id, NULL);
    json_t *ports = port_numbers(o);
    struct slc_ovs_encoder e = {.id = op->id, .ports = ports,
                                .used = json_object()};
    struct slc_ofp_buf b = {0};
    struct slc_error err = {0};
    struct timeval now;
    int rc;

    if (op->service_id) {
        snprintf(e.what, sizeof e.what, "service %s", op->service_id);
    } else {
        snprintf(e.what, sizeof e.what, "program %u", op->id);
    }
    rc = slc_ovs_encode_program(&e, op->kind == OP_REMOVE ? NULL : op->prog,
                                p ? p->n_groups : 0, &b);
    if (e.matches) {
        /* replaces what an earlier try encoded (a port was missing) */
        free(op->matches);
        free(op->priorities);
        op->matches = e.matches;
        op->priorities = e.priorities;
        op->n_rules = e.n_rules;
        op->n_groups = e.n_groups;
    } else {
        free(e.priorities);
    }
    json_decref(ports);
    json_decref(op->ports);
    op->ports = e.used;
    evutil_gettimeofday(&now, NULL);
    if (rc && e.missing_port && !due(&now, &op->deadline)) {
        /* a port just made: the monitor has not told of it yet */
        slc_ofp_buf_free(&b);
        unlink_running(o, op);
        op->next = o->waiting;
        o->waiting = op;
        return;
    }
    if (rc || b.oom) {
        slc_ofp_buf_free(&b);
        reply(op, SLC_EINVALID, e.error[0] ? e.error : "out of memory", NULL);
        return;
    }
    rc = slc_ofconn_apply(o->of, b.data, b.len, true, on_applied, op, &err);
    slc_ofp_buf_free(&b);
    if (rc) {
        reply(op, rc, err.msg, NULL);
    }
}

static void
on_counters(void *arg, int rc, const char *msg,
            const struct slc_ofp_flow_stats *flows, size_t n)
{
    struct op *op = arg;
    struct program *p = find_program(op->o, op->id, NULL);
    /* a service the driver does not hold (slicerd restarted): its
     * conn_info tells how many rules it has */
    size_t n_rules = p ? p->n_rules : op->expected, found = 0;
    json_t *rules, *data;
    char text[100] = "";

    if (!rc && op->kind == OP_REMOVE) {
        /* a service the driver does not hold: its flows on the switch
         * tell "deleted" from "not found" */
        op->absent = n == 0;
        apply_op(op);
        return;
    }
    if (!rc && op->service_id && !n) {
        rc = SLC_ENOTFOUND;
        msg = "no such service: none of its flows is on the switch";
    }
    if (rc) {
        reply(op, rc, msg, NULL);
        return;
    }
    rules = json_array();
    for (size_t i = 0; i < n_rules; i++) {
        json_array_append_new(rules, json_null());
    }
    for (size_t k = 0; k < n; k++) {
        size_t i = flows[k].cookie & 0xffff;

        if (i < n_rules && json_is_null(json_array_get(rules, i))) {
            uint64_t bp = p && p->base ? p->base[2 * i] : 0;
            uint64_t bb = p && p->base ? p->base[2 * i + 1] : 0;

            found++;
            saw_counters(p, i, flows[k].packets, flows[k].bytes);
            json_array_set_new(rules, i,
                               json_pack("{sI sI}", "packets",
                                         (json_int_t)(flows[k].packets + bp),
                                         "bytes",
                                         (json_int_t)(flows[k].bytes + bb)));
        }
    }
    data = json_pack("{so si}", "rules", rules, "flows_on_switch", (int)n);
    if (op->service_id && found < n_rules) {
        snprintf(text, sizeof text, "%zu of %zu rules on the switch", found,
                 n_rules);
    }
    reply_status(op, 0, text[0] ? "ERROR" : "ACTIVE", text[0] ? text : NULL,
                 data);
    json_decref(data);
}

static void
start(struct op *op)
{
    struct ovs *o = op->o;
    struct slc_error err = {0};
    uint64_t cookie = COOKIE_TAG | (uint64_t)op->id << 16;
    int rc = 0;

    if (op->kind == OP_CHECK) {
        reply(op, 0, NULL, NULL);
    } else if (op->check_dpid && op->dpid != o->dpid) {
        reply(op, SLC_EINVALID, op->switch_error, NULL);
    } else if (op->kind == OP_COUNTERS ||
               (op->kind == OP_REMOVE && op->service_id && !op->probed &&
                !find_program(o, op->id, NULL))) {
        op->probed = true;
        rc = slc_ofconn_dump_flows(o->of, cookie, COOKIE_PROGRAM, on_counters,
                                   op, &err);
    } else {
        apply_op(op);
    }
    if (rc) {
        reply(op, rc, err.msg, NULL);
    }
}

/* Whether 'op' can run: the OpenFlow session is up and, to install, the
 * port numbers are known. */
static bool
op_ready(const struct ovs *o, const struct op *op)
{
    return slc_ofconn_ready(o->of) &&
           ((op->kind != OP_INSTALL && op->kind != OP_CHECK) ||
            o->ports_synced);
}

/* Runs 'op' from the loop (so that its reply never comes from inside
 * the caller's call), once the sessions are ready. */
static void
submit(struct ovs *o, struct op *op)
{
    after_ms(&op->deadline, o->connect_timeout_ms);
    op->seq = ++o->seq;
    op->next = o->waiting;
    o->waiting = op;
    event_active(o->tick, 0, 0);
}

static int
new_op(struct ovs *o, enum op_kind kind, uint64_t token, uint32_t id,
       const json_t *prog, struct slc_error *err)
{
    struct op *op = calloc(1, sizeof *op);

    if (!op) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    *op = (struct op){.o = o, .kind = kind, .token = token, .id = id,
                      .prog = prog ? json_deep_copy(prog) : NULL};
    submit(o, op);
    return 0;
}

/* The driver's own re-install of a program it holds. */
static void
reinstall(struct ovs *o, const struct program *p)
{
    struct op *op = calloc(1, sizeof *op);

    if (op) {
        *op = (struct op){.o = o, .kind = OP_INSTALL, .internal = true,
                          .id = p->id, .prog = json_incref(p->prog)};
        submit(o, op);
    }
}

/* ---- reconciliation ---- */

static void
on_audit(void *arg, int rc, const char *msg,
         const struct slc_ofp_flow_stats *flows, size_t n)
{
    struct ovs *o = arg;

    o->auditing = false;
    if (rc) {
        return;
    }
    o->audits++;
    for (struct program *p = o->programs; p; p = p->next) {
        size_t found = 0, extra = 0;
        unsigned char *seen = calloc(p->n_rules + 1, 1);

        for (size_t k = 0; seen && k < n; k++) {
            size_t i = flows[k].cookie & 0xffff;

            if ((uint32_t)(flows[k].cookie >> 16) != p->id) {
                continue;
            }
            if (i < p->n_rules && !seen[i] &&
                flows[k].priority == p->priorities[i] &&
                slc_ofp_match_equal(&flows[k].match, &p->matches[i])) {
                seen[i] = 1;
                found++;
                saw_counters(p, i, flows[k].packets, flows[k].bytes);
            } else {
                extra++;
            }
        }
        free(seen);
        if (found == p->n_rules && !extra) {
            p->reinstalls = 0;
            p->conflict = false;
            continue;
        }
        if (p->reinstalls >= MAX_REINSTALLS) {
            if (!p->conflict) {
                note(o, "program %u: still %zu of %zu rules after %u "
                     "re-installs; another program overwrites them",
                     p->id, found, p->n_rules, p->reinstalls);
            }
            p->conflict = true;
            continue;
        }
        p->reinstalls++;
        o->reinstalled++;
        note(o, "program %u: %zu of %zu rules on the switch, re-installing",
             p->id, found, p->n_rules);
        reinstall(o, p);
    }
}

/* Whether an op on the same program was submitted before 'op' and has
 * not finished: ops on one program run in the order they came (a
 * remove must not overtake the install before it). */
static bool
blocked(const struct ovs *o, const struct op *op)
{
    for (const struct op *x = o->running; x; x = x->next) {
        if (x->id == op->id) {
            return true;
        }
    }
    for (const struct op *x = o->waiting; x; x = x->next) {
        if (x != op && x->id == op->id && x->seq < op->seq) {
            return true;
        }
    }
    return false;
}

static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
    struct ovs *o = arg;
    struct op **opp = &o->waiting, *ready = NULL;
    struct timeval now;

    connect_db(o);
    if (o->check_ports && o->ports_synced) {
        reinstall_moved(o);
    }
    evutil_gettimeofday(&now, NULL);
    while (*opp) {
        struct op *op = *opp;
        /* a restore (token 0: "make it so" after a restart) waits for
         * the switch as long as it takes */
        bool may_expire = op->token || op->internal;

        if (blocked(o, op)) {
            opp = &op->next;
        } else if (op_ready(o, op) ||
                   (may_expire && due(&now, &op->deadline))) {
            *opp = op->next;
            op->next = ready;
            ready = op;
        } else {
            opp = &op->next;
        }
    }
    while (ready) {
        struct op *op = ready;

        ready = op->next;
        if (op_ready(o, op)) {
            op->next = o->running;
            o->running = op;
            start(op);
        } else if (!slc_ofconn_ready(o->of)) {
            char msg[400];

            snprintf(msg, sizeof msg, "bridge '%s': OpenFlow session not "
                     "ready: %s", o->bridge, slc_ofconn_error(o->of));
            reply(op, SLC_EIO, msg, NULL);
        } else {
            char msg[600];

            snprintf(msg, sizeof msg, "bridge '%s': the switch's ports are "
                     "not known: OVSDB '%s': %s", o->bridge, o->db_target,
                     o->db_error[0] ? o->db_error : "no answer yet");
            reply(op, SLC_EIO, msg, NULL);
        }
    }
    if (o->audit_ms && !o->auditing && slc_ofconn_ready(o->of) &&
        o->programs && due(&now, &o->next_audit)) {
        after_ms(&o->next_audit, o->audit_ms);
        o->auditing = !slc_ofconn_dump_flows(o->of, COOKIE_TAG, COOKIE_ALL,
                                             on_audit, o,
                                             &(struct slc_error){0});
    }
}

static void
on_of_ready(void *arg, uint64_t dpid, unsigned connects)
{
    struct ovs *o = arg;

    o->dpid = dpid;
    if (connects > 1) {
        size_t n = 0;

        for (struct program *p = o->programs; p; p = p->next, n++) {
            reinstall(o, p);
        }
        o->reinstalled += (unsigned)n;
        note(o, "OpenFlow session to '%s' back; re-installing %zu programs",
             o->bridge, n);
    }
    event_active(o->tick, 0, 0);
}

static void
on_of_lost(void *arg, const char *why)
{
    note(arg, "OpenFlow session lost: %s", why);
}

static const struct slc_ofconn_ops of_ops = {
    .ready = on_of_ready,
    .lost = on_of_lost,
};

/* ---- the class ---- */

static int
ovs_check_config(const json_t *config, struct slc_error *err)
{
    const json_t *v;

    if (!json_is_string(json_object_get(config, "bridge"))) {
        return slc_error_set(err, SLC_EINVALID,
                             "sdn controller of type ovs: config.bridge (the "
                             "bridge's name) is required");
    }
    v = json_object_get(config, "openflow");
    if (v && (!json_is_string(v) ||
              (strncmp(json_string_value(v), "unix:", 5) &&
               strncmp(json_string_value(v), "tcp:", 4)))) {
        return slc_error_set(err, SLC_EINVALID,
                             "sdn controller of type ovs: config.openflow "
                             "must be unix:PATH or tcp:IP:PORT");
    }
    v = json_object_get(config, "of_controller_nets_with_same_vlan");
    if (v && !json_is_boolean(v)) {
        return slc_error_set(err, SLC_EINVALID,
                             "sdn controller of type ovs: config."
                             "of_controller_nets_with_same_vlan must be true "
                             "or false");
    }
    for (const char *const *k = (const char *const[]){"audit_interval_ms",
                                                      "connect_timeout_ms",
                                                      NULL};
         *k; k++) {
        v = json_object_get(config, *k);
        if (v && (!json_is_integer(v) || json_integer_value(v) < 0)) {
            return slc_error_set(err, SLC_EINVALID,
                                 "sdn controller of type ovs: config.%s must "
                                 "be a number of milliseconds",
                                 *k);
        }
    }
    return 0;
}

static void ovs_close(struct slc_sdn *sdn);

static int
ovs_open(const struct slc_sdn_params *p, struct slc_sdn **out,
         struct slc_error *err)
{
    struct ovs *o = calloc(1, sizeof *o);
    const json_t *of = json_object_get(p->config, "openflow");
    const json_t *audit = json_object_get(p->config, "audit_interval_ms");
    const json_t *timeout = json_object_get(p->config, "connect_timeout_ms");
    struct timeval tick = {0, TICK_MS * 1000};
    char target[600];
    int rc;

    if (!o) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    rc = ovs_check_config(p->config, err);
    if (!rc && (!p->url || (strncmp(p->url, "unix:", 5) &&
                            strncmp(p->url, "tcp:", 4)))) {
        rc = slc_error_set(err, SLC_EINVALID,
                           "sdn controller of type ovs: url must be the "
                           "switch's OVSDB, unix:PATH or tcp:IP:PORT");
    }
    rc = rc ? rc : slc_sdn_base_init(&o->up, &slc_sdn_ovs_class, p, err);
    if (rc) {
        free(o);
        return rc;
    }
    o->bridge = strdup(json_string_value(json_object_get(p->config, "bridge")));
    o->db_target = strdup(p->url);
    if (of) {
        snprintf(target, sizeof target, "%s", json_string_value(of));
    } else if (!strncmp(p->url, "unix:", 5)) {
        const char *slash = strrchr(p->url, '/');

        snprintf(target, sizeof target, "%.*s/%s.mgmt",
                 slash ? (int)(slash - p->url) : 5, p->url, o->bridge);
    } else {
        ovs_close(&o->up);
        return slc_error_set(err, SLC_EINVALID,
                             "sdn controller of type ovs: config.openflow is "
                             "required with a tcp OVSDB url");
    }
    o->of_target = strdup(target);
    o->audit_ms = audit ? (unsigned)json_integer_value(audit) : 5000;
    o->connect_timeout_ms =
        timeout ? (unsigned)json_integer_value(timeout) : 5000;
    o->same_vlan_only = json_is_true(
        json_object_get(p->config, "of_controller_nets_with_same_vlan"));
    o->tick = event_new(p->base, -1, EV_PERSIST, on_tick, o);
    o->ifaces = json_object();
    if (!o->bridge || !o->db_target || !o->of_target || !o->tick ||
        !o->ifaces) {
        ovs_close(&o->up);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    rc = slc_ofconn_open(&(struct slc_ofconn_params){.base = p->base,
                                                     .target = o->of_target,
                                                     .ops = &of_ops,
                                                     .arg = o},
                         &o->of, err);
    if (rc) {
        ovs_close(&o->up);
        return rc;
    }
    event_add(o->tick, &tick);
    connect_db(o);
    *out = &o->up;
    return 0;
}

static void
ovs_close(struct slc_sdn *sdn)
{
    struct ovs *o = ovs_of(sdn);

    slc_ofconn_close(o->of);
    slc_ovsdb_close(o->db);
    while (o->waiting) {
        struct op *op = o->waiting;

        o->waiting = op->next;
        free_op(op);
    }
    while (o->running) { /* the OpenFlow session dropped their callbacks */
        struct op *op = o->running;

        o->running = op->next;
        free_op(op);
    }
    while (o->programs) {
        struct program *p = o->programs;

        o->programs = p->next;
        free_program(p);
    }
    if (o->tick) {
        event_free(o->tick);
    }
    json_decref(o->ifaces);
    free(o->bridge);
    free(o->db_target);
    free(o->of_target);
    slc_sdn_base_fini(&o->up);
    free(o);
}

static int
ovs_install(struct slc_sdn *sdn, uint64_t token, uint32_t id,
            const json_t *program, struct slc_error *err)
{
    return slc_sdn_check_program_id(id, err) ? err->code
                             : new_op(ovs_of(sdn), OP_INSTALL, token, id,
                                      program, err);
}

static int
ovs_remove(struct slc_sdn *sdn, uint64_t token, uint32_t id,
           struct slc_error *err)
{
    return slc_sdn_check_program_id(id, err) ? err->code
                             : new_op(ovs_of(sdn), OP_REMOVE, token, id, NULL,
                                      err);
}

static int
ovs_counters(struct slc_sdn *sdn, uint64_t token, uint32_t id,
             struct slc_error *err)
{
    return slc_sdn_check_program_id(id, err) ? err->code
                             : new_op(ovs_of(sdn), OP_COUNTERS, token, id,
                                      NULL, err);
}

/* ---- connectivity services (SDN assist) ---- */

static uint32_t
id_of_tag(const char *t)
{
    uint32_t h = 2166136261u;

    for (; t && *t; t++) {
        h = (h ^ (unsigned char)*t) * 16777619u;
    }
    return SERVICE_IDS | (h & (SERVICE_IDS - 1));
}

static uint32_t
service_id_of(const struct slc_sdn_service_spec *spec)
{
    return id_of_tag(spec->tag ? spec->tag : spec->name);
}

static int
ovs_service_id(struct slc_sdn *sdn, const char *tag, char *out, size_t size)
{
    snprintf(out, size, "ovs-%08x", id_of_tag(tag));
    return 0;
}

static int
parse_service(const char *service_id, uint32_t *id, struct slc_error *err)
{
    unsigned v;
    char extra;

    if (!service_id || strlen(service_id) != 12 ||
        sscanf(service_id, "ovs-%8x%c", &v, &extra) != 1 ||
        !(v & SERVICE_IDS)) {
        return slc_error_set(err, SLC_ENOTFOUND, "no such service '%s'",
                             service_id ? service_id : "");
    }
    *id = v;
    return 0;
}

/* Refuses a point on another switch than the bridge; a datapath id is
 * compared when the op starts (the OpenFlow session tells the bridge's). */
static int
check_switch(struct ovs *o, const struct slc_sdn_service_spec *spec,
             struct op *op, struct slc_error *err)
{
    for (size_t i = 0; i < spec->n_ports; i++) {
        const struct slc_sdn_endpoint *p = &spec->ports[i];
        const char *x = p->switch_dpid;
        char msg[400], num[16];
        uint64_t dpid;

        if (!x || !strcmp(x, o->bridge)) {
            continue;
        }
        snprintf(num, sizeof num, "#%zu", i + 1);
        snprintf(msg, sizeof msg, "point %s: switch '%s': this driver "
                 "programs bridge '%s'", p->id ? p->id : num, x, o->bridge);
        if (slc_of_dpid_parse(x, &dpid) ||
            (op->check_dpid && dpid != op->dpid)) {
            return slc_error_set(err, SLC_EINVALID, "%s", msg);
        }
        if (!op->check_dpid && !(op->switch_error = strdup(msg))) {
            return slc_error_set(err, SLC_ENOMEM, "out of memory");
        }
        op->check_dpid = true;
        op->dpid = dpid;
    }
    return 0;
}

/* Submits a service's call: an install of its rules (spec), a removal
 * or a read of its counters. */
static int
service_op(struct ovs *o, enum op_kind kind, uint64_t token, uint32_t id,
           const struct slc_sdn_service_spec *spec, const json_t *conn_info,
           struct slc_error *err)
{
    struct op *op = calloc(1, sizeof *op);
    char sid[32];
    int rc;

    if (!op) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    snprintf(sid, sizeof sid, "ovs-%08x", id);
    *op = (struct op){.o = o, .kind = kind, .token = token, .id = id,
                      .service_id = strdup(sid),
                      .expected = (size_t)json_integer_value(
                          json_object_get(conn_info, "rules"))};
    rc = op->service_id ? 0 : slc_error_set(err, SLC_ENOMEM, "out of memory");
    if (!rc && spec && !(rc = check_switch(o, spec, op, err))) {
        rc = slc_of_rules(sid, spec->type, spec->ports, spec->n_ports,
                          o->same_vlan_only, &op->prog, err);
    }
    if (rc) {
        free_op(op);
        return rc;
    }
    submit(o, op);
    return 0;
}

static int
ovs_create_service(struct slc_sdn *sdn, uint64_t token,
                   const struct slc_sdn_service_spec *spec,
                   struct slc_error *err)
{
    return service_op(ovs_of(sdn), OP_INSTALL, token, service_id_of(spec),
                      spec, NULL, err);
}

/* A call about an existing service. */
static int
service_call(struct slc_sdn *sdn, enum op_kind kind, uint64_t token,
             const char *service_id, const struct slc_sdn_service_spec *spec,
             const json_t *conn_info, struct slc_error *err)
{
    uint32_t id = 0;

    return parse_service(service_id, &id, err)
               ? err->code
               : service_op(ovs_of(sdn), kind, token, id, spec, conn_info,
                            err);
}

static int
ovs_edit_service(struct slc_sdn *sdn, uint64_t token, const char *service_id,
                 const struct slc_sdn_service_spec *spec,
                 struct slc_error *err)
{
    return service_call(sdn, OP_INSTALL, token, service_id, spec, NULL, err);
}

static int
ovs_delete_service(struct slc_sdn *sdn, uint64_t token,
                   const char *service_id, const json_t *conn_info,
                   struct slc_error *err)
{
    return service_call(sdn, OP_REMOVE, token, service_id, NULL, conn_info,
                        err);
}

static int
ovs_service_status(struct slc_sdn *sdn, uint64_t token,
                   const char *service_id, const json_t *conn_info,
                   struct slc_error *err)
{
    return service_call(sdn, OP_COUNTERS, token, service_id, NULL, conn_info,
                        err);
}

/* Completes once both sessions are ready (connect_timeout_ms at most). */
static int
ovs_check_credentials(struct slc_sdn *sdn, uint64_t token,
                      struct slc_error *err)
{
    return new_op(ovs_of(sdn), OP_CHECK, token, 0, NULL, err);
}

static json_t *
ovs_describe(struct slc_sdn *sdn)
{
    struct ovs *o = ovs_of(sdn);
    json_t *progs = json_array();
    char dpid[20];

    for (struct program *p = o->programs; p; p = p->next) {
        json_array_append_new(progs,
                              json_pack("{sI si si sb}", "id",
                                        (json_int_t)p->id,
                                        "rules", (int)p->n_rules, "groups",
                                        (int)p->n_groups, "conflict",
                                        p->conflict));
    }
    snprintf(dpid, sizeof dpid, "%016llx", (unsigned long long)o->dpid);
    return json_pack("{ss ss ss ss sb so si si ss}", "bridge", o->bridge,
                     "datapath_id", dpid, "ovsdb", o->db_target, "openflow",
                     o->of_target, "connected", slc_ofconn_ready(o->of),
                     "programs", progs, "audits", (int)o->audits,
                     "reinstalled", (int)o->reinstalled, "last_event",
                     o->last_event);
}

const struct slc_sdn_class slc_sdn_ovs_class = {
    .version = SLC_SDN_CLASS_VERSION,
    .type = "ovs",
    .check_config = ovs_check_config,
    .open = ovs_open,
    .close = ovs_close,
    .check_credentials = ovs_check_credentials,
    .create_service = ovs_create_service,
    .edit_service = ovs_edit_service,
    .delete_service = ovs_delete_service,
    .service_status = ovs_service_status,
    .describe = ovs_describe,
    .service_id = ovs_service_id,
    .install_program = ovs_install,
    .remove_program = ovs_remove,
    .program_counters = ovs_counters,
};

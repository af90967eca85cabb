/* What the SDN drivers that speak REST to a controller (osken, onos_vpls,
 * onosof, odlof, floodlightof) share above the HTTP plumbing of
 * sdn-rest.h: the instance part each embeds first, the operation queue
 * (one operation at a time, in order, started from the loop), result
 * delivery, the services kept for audits and the audit timer, describe(),
 * the config keys they share (dpid, audit_interval_ms, timeout_ms,
 * of_controller_nets_with_same_vlan), the choice of the switch (config's,
 * or the controller's only one), port name resolution, the of-rules.h
 * rules of a service's points, the engine of the drivers whose service is
 * a set of named entries on the controller (odlof, floodlightof), the
 * reading of ONOS's devices, which its two drivers share, and for the
 * drivers that install forwarding programs (onosof, odlof): the checks of
 * a program before anything is sent, the programs kept for audits with
 * their counters, and scripts (a list of calls run in order).
 *
 * A driver describes itself in a struct slc_sdn_rest_class: its
 * slc_sdn_class, the prefix of its service ids, its config, and callbacks
 * for what is its own (take what an operation needs of a call's
 * arguments, start an operation, take a reply); its slc_sdn_class lists
 * the slc_sdn_rest_driver_*() operations.  The driver's instance struct
 * embeds struct slc_sdn_rest_driver first, its operation struct embeds
 * struct slc_sdn_rest_op first; both are allocated zeroed here, with the
 * sizes of the class.  Every callback runs from the loop, never from
 * inside a call of the slc_sdn_class.
 *
 * A function that ends an operation (slc_sdn_rest_finish(), _fail(), and
 * those that say "fails 'op'") frees it, and starts the next one from the
 * loop: its caller returns at once. */
#ifndef SLC_SDN_REST_DRIVER_H
#define SLC_SDN_REST_DRIVER_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "sdn-rest.h"
#include "sdn.h"
#include "slc-error.h"

struct event;

enum slc_sdn_rest_kind {
    SLC_SDN_REST_CHECK,       /* check_credentials */
    SLC_SDN_REST_PUT,         /* create_service, edit_service */
    SLC_SDN_REST_DELETE,      /* delete_service */
    SLC_SDN_REST_STATUS,      /* service_status */
    SLC_SDN_REST_AUDIT,       /* the driver's own: no caller, no result */
    SLC_SDN_REST_INSTALL,     /* install_program */
    SLC_SDN_REST_REMOVE,      /* remove_program */
    SLC_SDN_REST_COUNTERS,    /* program_counters */
};

/* The shared part of an operation, first in the driver's. */
struct slc_sdn_rest_op {
    struct slc_sdn_rest_driver *drv;
    enum slc_sdn_rest_kind kind;
    bool started;
    uint64_t token;
    char service_id[32];      /* "" for none; an audit's: the service it
                                 checks, for the drivers that audit one
                                 service at a time */
    /* A put of a driver of of-rules.h (slc_sdn_rest_take_rules()): the
     * rules, switch_port -> the name of its point, point -> the dpid it
     * names; else NULL. */
    json_t *prog, *port_points, *named_dpids;
    /* A failure the operation reports once it has undone what it did. */
    int error_rc;
    char *error;
    /* A program's call: the program's id; an install's program (a copy);
     * what the driver kept of the program when the call started (see
     * "forwarding programs" below), or NULL. */
    uint32_t program_id;
    json_t *program, *kept;
    /* A script running (slc_sdn_rest_script()): its calls, the one
     * running, whether a failed call stops it; else NULL. */
    json_t *script;
    size_t script_next;
    bool script_keep_going;
    struct slc_sdn_rest_op *next;
};

/* The shared part of an instance, first in the driver's. */
struct slc_sdn_rest_driver {
    struct slc_sdn sdn;       /* first: the core's part */
    const struct slc_sdn_rest_class *class;
    struct slc_sdn_rest *rest;
    bool have_dpid;           /* config.dpid was given */
    uint64_t dpid;            /* config.dpid */
    bool same_vlan_only;      /* config.of_controller_nets_with_same_vlan */
    unsigned audit_ms;        /* config.audit_interval_ms; 0: no audit */
    json_t *services;         /* service id -> what the driver keeps of
                                 it, for audits: those it made */
    json_t *programs;         /* "<program id>" -> what the driver keeps
                                 of a program it installed, for audits
                                 and counters (slc_sdn_rest_program_keep()) */
    struct slc_sdn_rest_op *ops;  /* in order; the first runs */
    bool audit_queued;
    struct event *kick, *audit_timer;
    unsigned audits;          /* audits done */
    unsigned reinstalled;     /* services and programs an audit made
                                 again */
    char last_event[300];
};

/* What config.dpid may be. */
enum slc_sdn_rest_dpid {
    SLC_SDN_REST_DPID_TEXT,   /* 16 hex digits, colons allowed */
    SLC_SDN_REST_DPID_ANY,    /* that, or an integer */
    SLC_SDN_REST_DPID_SIGNED, /* either, below 2^63 */
};

struct slc_sdn_rest_entries_class;

/* A REST driver. */
struct slc_sdn_rest_class {
    const struct slc_sdn_class *sdn;  /* the driver's: its type */
    const char *log_module;   /* the module of log lines about instances */
    const char *prefix;       /* service ids are "<prefix>-%08x"
                                 (slc_sdn_rest_service_id()) */
    size_t size;              /* of the instance struct */
    size_t op_size;           /* of the operation struct */
    enum slc_sdn_rest_dpid dpid;
    bool same_vlan;           /* of_controller_nets_with_same_vlan is a
                                 config key */
    bool https;               /* the url may be https:// too */
    bool service_in_errors;   /* a failure's message starts with "service
                                 <id>: " (not an audit's) */
    const char *switch_key;   /* describe(): the key of the switch */
    const char *reinstalled_key;  /* describe(): of 'reinstalled' */
    /* A set-of-entries driver's (slc_sdn_rest_entries_*()), else NULL. */
    const struct slc_sdn_rest_entries_class *entries;

    /* What a put needs of 'spec' (borrowed: copy what is needed), before
     * it is queued.  0, or an SLC_E* code with 'err' set: the put is
     * refused.  May be NULL. */
    int (*take_spec)(struct slc_sdn_rest_op *op,
                     const struct slc_sdn_service_spec *spec,
                     struct slc_error *err);
    /* The same for a delete or a status and the stored 'conn_info'
     * (borrowed, may be NULL), before a delete's kept service is
     * dropped.  May be NULL. */
    int (*take_conn_info)(struct slc_sdn_rest_op *op,
                          const json_t *conn_info, struct slc_error *err);
    /* Starts the first step of 'op', the first of the queue.  Every
     * operation ends with slc_sdn_rest_finish() or slc_sdn_rest_fail(). */
    void (*start)(struct slc_sdn_rest_op *op);
    /* The outcome of the call slc_sdn_rest_request() started for 'op', as
     * sdn-rest.h's slc_sdn_rest_fn gives it. */
    void (*reply)(struct slc_sdn_rest_op *op, int rc, const char *msg,
                  json_t *body, long status);
    /* Frees what the driver's part of 'op' holds (not 'op').  May be
     * NULL. */
    void (*free_op)(struct slc_sdn_rest_op *op);
    /* describe(): the switch into 'buf' and returned, or NULL when it is
     * not known yet. */
    const char *(*switch_name)(struct slc_sdn_rest_driver *drv, char *buf,
                               size_t size);
    /* describe(): a kept service as a new object. */
    json_t *(*describe_service)(const char *id, const json_t *kept);

    /* Forwarding programs, for a class whose slc_sdn_class lists
     * SLC_SDN_REST_DRIVER_PROGRAMS; else NULL.  The actions and match
     * fields of sfc/sfc-chain.h the controller's API cannot express
     * (NULL-terminated): a program using one is refused before anything
     * is sent, with SLC_EUNSUPPORTED and 'unsupported_why'. */
    const char *const *unsupported;
    const char *unsupported_why;
    /* A script of the driver's (slc_sdn_rest_script()) ended: 'rc' 0
     * when every call was done (or, keeping going, tried), else the
     * failed call's code and the controller's words; op->script_next is
     * the index of the failed call (the number of calls done). */
    void (*script_done)(struct slc_sdn_rest_op *op, int rc,
                        const char *msg);
};

/* ---- the slc_sdn_class operations of a REST driver ---- */

/* Checks 'config' (may be NULL) against the keys 'class' knows: 0, or
 * SLC_EINVALID naming the driver's type and the key. */
int slc_sdn_rest_driver_check_config(const struct slc_sdn_rest_class *class,
                                     const json_t *config,
                                     struct slc_error *err);
/* Opens an instance of 'class': checks the config and the url, reads the
 * config, makes the REST client (with p->user and p->password, which a
 * driver may adjust in a copy of 'p') and starts the audit timer.  0 with
 * '*out' set, or an SLC_E* code with 'err' set. */
int slc_sdn_rest_driver_open(const struct slc_sdn_rest_class *class,
                             const struct slc_sdn_params *p,
                             struct slc_sdn **out, struct slc_error *err);
/* Abandons the calls in flight and the operations queued (no callback
 * runs) and frees the instance. */
void slc_sdn_rest_driver_close(struct slc_sdn *sdn);
int slc_sdn_rest_driver_check_credentials(struct slc_sdn *sdn, uint64_t token,
                                          struct slc_error *err);
/* A put of the service of id "<prefix>-<hash of the tag (else the
 * name)>". */
int slc_sdn_rest_driver_create_service(
    struct slc_sdn *sdn, uint64_t token,
    const struct slc_sdn_service_spec *spec, struct slc_error *err);
/* A put of 'service_id'; SLC_ENOTFOUND when it is none of the driver's. */
int slc_sdn_rest_driver_edit_service(struct slc_sdn *sdn, uint64_t token,
                                     const char *service_id,
                                     const struct slc_sdn_service_spec *spec,
                                     struct slc_error *err);
/* A delete; audits stop making the service again at once. */
int slc_sdn_rest_driver_delete_service(struct slc_sdn *sdn, uint64_t token,
                                       const char *service_id,
                                       const json_t *conn_info,
                                       struct slc_error *err);
int slc_sdn_rest_driver_service_status(struct slc_sdn *sdn, uint64_t token,
                                       const char *service_id,
                                       const json_t *conn_info,
                                       struct slc_error *err);
/* {url, <switch_key>: the switch or null, services: [...], audits,
 * <reinstalled_key>, last_event}, and for a driver of programs programs:
 * [{id, rules, groups}], a new object. */
json_t *slc_sdn_rest_driver_describe(struct slc_sdn *sdn);
/* The id a create with 'tag' gives its service, into 'out'; 0. */
int slc_sdn_rest_driver_service_id(struct slc_sdn *sdn, const char *tag,
                                   char *out, size_t size);

/* The operations above, which every REST driver's slc_sdn_class has, for
 * its designated initializer after version, type, and its check_config
 * and open (which call slc_sdn_rest_driver_check_config() and _open()
 * with its struct slc_sdn_rest_class), as Open vSwitch's netdev classes
 * share theirs:
 *     const struct slc_sdn_class slc_sdn_x_class = {
 *         .version = SLC_SDN_CLASS_VERSION,
 *         .type = "x",
 *         .check_config = x_check_config,
 *         .open = x_open,
 *         SLC_SDN_REST_DRIVER_OPERATIONS,
 *     };
 * service_id, which callers may use to delete what a lost create made, is
 * the driver's choice. */
#define SLC_SDN_REST_DRIVER_OPERATIONS                                       \
    .close = slc_sdn_rest_driver_close,                                      \
    .check_credentials = slc_sdn_rest_driver_check_credentials,              \
    .create_service = slc_sdn_rest_driver_create_service,                    \
    .edit_service = slc_sdn_rest_driver_edit_service,                        \
    .delete_service = slc_sdn_rest_driver_delete_service,                    \
    .service_status = slc_sdn_rest_driver_service_status,                    \
    .describe = slc_sdn_rest_driver_describe

/* Queues an install of 'program' (copied) as 'program_id' once
 * slc_sdn_rest_program_check() accepts it. */
int slc_sdn_rest_driver_install_program(struct slc_sdn *sdn, uint64_t token,
                                        uint32_t program_id,
                                        const json_t *program,
                                        struct slc_error *err);
/* Queues a remove; audits stop making the program again at once. */
int slc_sdn_rest_driver_remove_program(struct slc_sdn *sdn, uint64_t token,
                                       uint32_t program_id,
                                       struct slc_error *err);
/* Queues a read of a program's counters. */
int slc_sdn_rest_driver_program_counters(struct slc_sdn *sdn, uint64_t token,
                                         uint32_t program_id,
                                         struct slc_error *err);

/* The program operations, after SLC_SDN_REST_DRIVER_OPERATIONS, of a
 * driver whose class has 'unsupported' and 'script_done'. */
#define SLC_SDN_REST_DRIVER_PROGRAMS                                         \
    .install_program = slc_sdn_rest_driver_install_program,                  \
    .remove_program = slc_sdn_rest_driver_remove_program,                    \
    .program_counters = slc_sdn_rest_driver_program_counters

/* ---- operations ---- */

/* Starts 'method' on 'path' for 'op' (sdn-rest.h's slc_sdn_rest_call());
 * the outcome goes to the class's reply().  'body' is taken.  When the
 * call cannot start, 'op' fails with the reason. */
void slc_sdn_rest_request(struct slc_sdn_rest_op *op, const char *method,
                          const char *path, json_t *body);
/* Ends 'op', the running operation, frees it and starts the next one.  Its
 * result goes to the caller with 'status' (NULL: "ERROR" when 'rc' is not
 * 0, else "ACTIVE"), 'msg' and 'data' (taken; a put's new conn_info); an
 * audit's failure is an event of the driver (slc_sdn_rest_note()). */
void slc_sdn_rest_finish(struct slc_sdn_rest_op *op, int rc,
                         const char *status, const char *msg, json_t *data);
/* slc_sdn_rest_finish() with 'rc' and a message, "service <id>: "
 * first when the class says so. */
void slc_sdn_rest_fail(struct slc_sdn_rest_op *op, int rc, const char *fmt,
                       ...) SLC_PRINTF(3, 4);
/* Finishes a status that found 'have' of the service's 'n' rules (0: not
 * known): ACTIVE, or "ERROR" with "<have> of <n> rules on <where>". */
void slc_sdn_rest_status(struct slc_sdn_rest_op *op, size_t have, size_t n,
                         const char *where);
/* Records an event for describe(); logs it when it is news (an audit
 * failing every interval while the controller is down logs once). */
void slc_sdn_rest_note(struct slc_sdn_rest_driver *drv, const char *fmt, ...)
    SLC_PRINTF(2, 3);
/* An audit that checks one kept service at a time moves to the kept
 * service after op->service_id (by id, so that a service deleted or added
 * meanwhile is no trouble): sets op->service_id and returns what is kept
 * of it (borrowed).  When there is none left, counts the audit, finishes
 * 'op' and returns NULL: 'op' is gone. */
json_t *slc_sdn_rest_audit_next(struct slc_sdn_rest_op *op);

/* ---- the switch ---- */

/* The switches a controller lists, as slc_sdn_rest_switches_add() counts
 * them; zeroed, there are none. */
struct slc_sdn_rest_switches {
    size_t n;
    bool listed;              /* config's switch is among them */
    size_t len;
    char names[400];          /* "a, b, ..." for messages */
};

/* Counts switch 'name'; 'configured': it is config's. */
void slc_sdn_rest_switches_add(struct slc_sdn_rest_switches *sw,
                               const char *name, bool configured);
/* 0 when 'op' can go on with config's switch ('want', how messages name
 * it; NULL: none configured) or the controller's only one; else fails
 * 'op' with SLC_EINVALID, naming the switches ('nouns': "switches"), and
 * returns SLC_EINVALID: 'op' is gone. */
int slc_sdn_rest_switches_pick(struct slc_sdn_rest_op *op,
                               const struct slc_sdn_rest_switches *sw,
                               const char *nouns, const char *want);

/* Reads a port of a controller's port list: its name (NULL: none) and
 * number (0: none); false when the port is not one to use. */
typedef bool (*slc_sdn_rest_port_fn)(const json_t *port, const char **name,
                                     uint32_t *number);
/* The port of 'ports' (an array) that switch_port 's' means: the one
 * named 's', else the first whose number is 's' (decimal); NULL when
 * none.  Borrowed. */
const json_t *slc_sdn_rest_find_port(const json_t *ports, const char *s,
                                     slc_sdn_rest_port_fn read);
/* The controller's words for a failed call: sdn-rest.h's 'msg' (may be
 * NULL), except that a 401 (an HTML page, as ONOS's Jetty sends) is said
 * in words into 'buf'.  Returns 'msg', "" or 'buf'. */
const char *slc_sdn_rest_refusal(const char *msg, long status, char *buf,
                                 size_t size);

/* ---- the rules of a service (of-rules.h) ---- */

/* Fills op->prog with the rules of 'spec''s points (named 'name'),
 * op->port_points and op->named_dpids.  0, or an SLC_E* code with 'err'
 * set, SLC_EINVALID for more than 'max_rules' rules (0: no bound). */
int slc_sdn_rest_take_rules(struct slc_sdn_rest_op *op, const char *name,
                            const struct slc_sdn_service_spec *spec,
                            size_t max_rules, struct slc_error *err);
/* 0 when no point names a datapath other than 'dpid'; else fails 'op'
 * ("point P: switch 0x... is not <what>") and returns SLC_EINVALID. */
int slc_sdn_rest_check_dpids(struct slc_sdn_rest_op *op, uint64_t dpid,
                             const char *what);
/* The body of rule 'n' of op->prog with the switch's 'ports' (as the
 * controller lists them; may be NULL); NULL with '*bad_port' set (NULL:
 * another failure) when the switch lacks one of its ports. */
typedef json_t *(*slc_sdn_rest_flow_fn)(struct slc_sdn_rest_op *op,
                                        size_t n, const json_t *rule,
                                        const json_t *ports,
                                        const char **bad_port);
/* The bodies of op->prog's rules as a new array, and their names appended
 * to 'names' (may be NULL).  NULL when a rule has a port the switch lacks:
 * then 'op' failed ("point P: <where> has no port 'X'"). */
json_t *slc_sdn_rest_build_flows(struct slc_sdn_rest_op *op,
                                 const json_t *ports,
                                 slc_sdn_rest_flow_fn flow_of,
                                 const char *where, json_t *names);

/* ---- drivers whose service is a set of named entries ----
 *
 * A service is entries of the controller named "<service id>.<n>" (odlof's
 * flows, floodlightof's static entries), which the controller lists and
 * which are put and removed one by one.  A put lists the service's
 * entries, puts every one wanted (the same name replaces an entry), then
 * removes those beyond; a refused put removes them all and fails with the
 * refusal.  A delete lists and removes; a status counts those listed.  An
 * audit, one kept service at a time, puts all the entries of a service
 * missing some again.  The service is kept as {<sw_key>: the switch,
 * "names": [entry names], "flows": [their bodies]}; conn_info is OSM's
 * {status, error_msg, installed_rules_ids}. */

enum slc_sdn_rest_step {
    SLC_SDN_REST_STEP_OWN,    /* a step of the driver's own */
    SLC_SDN_REST_STEP_LIST,   /* list the service's entries */
    SLC_SDN_REST_STEP_PUT,    /* put entry 'next' */
    SLC_SDN_REST_STEP_REMOVE, /* remove entry 'next' of 'doomed' */
    SLC_SDN_REST_STEP_UNDO,   /* a put was refused: the same, then fail */
};

/* The operation of such a driver, first in the driver's. */
struct slc_sdn_rest_entries_op {
    struct slc_sdn_rest_op op;
    enum slc_sdn_rest_step step;
    char *sw;                 /* the switch as the controller names it;
                                 NULL until known */
    json_t *names;            /* the entries to put (status: to expect) */
    json_t *flows;            /* their bodies, in the order of 'names' */
    json_t *listed;           /* the service's entries there */
    json_t *doomed;           /* the entries to remove */
    size_t next;
};

struct slc_sdn_rest_entries_class {
    const char *sw_key;       /* of the switch in a kept service */
    const char *entry, *entries;  /* "flow", "flows" */
    const char *where;        /* "in table 0 of node": before the switch */
    /* Starts the call of op->step: list the service's entries, put
     * names[next] (body flows[next]), remove doomed[next]. */
    void (*call)(struct slc_sdn_rest_entries_op *op);
    /* The names of the service's entries in a list reply ('body' NULL:
     * none), as a new array. */
    json_t *(*list)(const struct slc_sdn_rest_entries_op *op,
                    const json_t *body);
};

/* Lists the service's entries, the first engine step: op->sw known, for a
 * put op->names and op->flows made. */
void slc_sdn_rest_entries_list(struct slc_sdn_rest_entries_op *op);
/* The outcome of an engine step's call: 0 or an SLC_E* code, the
 * controller's words when it is not 0, the reply. */
void slc_sdn_rest_entries_reply(struct slc_sdn_rest_entries_op *op, int rc,
                                const char *text, const json_t *body);
/* Starts an audit, or moves it to the next kept service. */
void slc_sdn_rest_entries_audit(struct slc_sdn_rest_entries_op *op);
/* A delete's or a status's entries and switch: those kept, else
 * conn_info's entries and 'configured' (the configured switch, or NULL).
 * 0, or SLC_ENOMEM. */
int slc_sdn_rest_entries_take(struct slc_sdn_rest_entries_op *op,
                              const json_t *conn_info,
                              const char *configured, struct slc_error *err);
/* describe()'s entry of a kept service: {id, rules}. */
json_t *slc_sdn_rest_entries_describe(const char *id, const json_t *kept);

/* ---- forwarding programs (sfc/sfc-chain.h) ----
 *
 * A program is checked whole when install_program is called, before it is
 * queued (slc_sdn_rest_program_check()).  When an install or a remove
 * starts, what the driver kept of the program of that id is taken out of
 * drv->programs into op->kept (a counters' read gets a reference), so
 * that audits, which run in the same queue, leave it alone.  An install
 * that succeeds keeps the program again: drv->programs["<id>"] =
 * {"program": P, "last": [[packets, bytes] per rule], "base": [...],
 * and the driver's own keys}.
 *
 * Counters survive the driver's own re-installs: "last" holds, per rule,
 * the counters last read from the switch (by an audit or a read); when an
 * audit makes a rule again, or a read finds the counters went down (the
 * controller made the rule again by itself), "last" is added to "base";
 * a read reports the switch's counters plus "base".  An install by the
 * caller starts both at 0. */

/* 0 when 'program' is one of sfc/sfc-chain.h's, with id 1..
 * SLC_SDN_PROGRAM_MAX, that 'class' can express; else SLC_EINVALID naming
 * the program and what is wrong, or SLC_EUNSUPPORTED naming the program,
 * the rule (by index) or the group and bucket, the action or match field,
 * and class->unsupported_why. */
int slc_sdn_rest_program_check(const struct slc_sdn_rest_class *class,
                               uint32_t id, const json_t *program,
                               struct slc_error *err);
/* The buckets of group 'g' of a checked program as lists of actions (a
 * port of "ports" makes [{"output": PORT}]): a new array. */
json_t *slc_sdn_rest_group_buckets(const json_t *g);
/* A program's nw_src or nw_dst as "ADDRESS/LEN" into 'buf' (a bare
 * address gets /32, or /128 for IPv6); returns 'buf'. */
const char *slc_sdn_rest_prefix(const char *s, char *buf, size_t size);
/* The start of what an install keeps of op->program: {"program", "last",
 * "base"} with counters at 0, a new object to which the driver adds its
 * own keys before slc_sdn_rest_program_keep(). */
json_t *slc_sdn_rest_program_new(const struct slc_sdn_rest_op *op);
/* "program <id>: <msg>", a new string for op->error, or NULL. */
char *slc_sdn_rest_program_error(const struct slc_sdn_rest_op *op,
                                 const char *msg);
/* Keeps 'kept' (taken) as program op->program_id: 0, or SLC_ENOMEM. */
int slc_sdn_rest_program_keep(struct slc_sdn_rest_op *op, json_t *kept);
/* Counters of rule 'i' of 'kept' read from the switch; when they went
 * down, the last ones go into the baseline first. */
void slc_sdn_rest_program_seen(json_t *kept, size_t i, json_int_t packets,
                               json_int_t bytes);
/* An audit makes rule 'i' of 'kept' again: its last counters go into its
 * baseline. */
void slc_sdn_rest_program_redone(json_t *kept, size_t i);
/* Finishes a counters' read of op->kept with 'raw' (taken): per rule
 * {"packets": N, "bytes": N} as the switch counts, or null (not there).
 * The result's data is {"rules": [baseline + raw, or null, ...]}. */
void slc_sdn_rest_program_counters(struct slc_sdn_rest_op *op, json_t *raw);

/* ---- scripts: calls run one after the other ---- */

/* A call {"method", "path", "body"} ('body' taken, may be NULL). */
json_t *slc_sdn_rest_call_new(const char *method, json_t *body,
                              const char *fmt, ...) SLC_PRINTF(3, 4);
/* Runs 'calls' (taken, an array of slc_sdn_rest_call_new()'s) for 'op'
 * in order; a DELETE answered "not found" is done.  Without 'keep_going'
 * the first failure ends the script; with it, a failure is logged and the
 * next call runs.  The end goes to the class's script_done(). */
void slc_sdn_rest_script(struct slc_sdn_rest_op *op, json_t *calls,
                         bool keep_going);
/* The outcome of the running call of op's script, for the class's reply()
 * while op->script is set: 0, or an SLC_E* code and the controller's
 * words. */
void slc_sdn_rest_script_reply(struct slc_sdn_rest_op *op, int rc,
                               const char *msg);

#endif

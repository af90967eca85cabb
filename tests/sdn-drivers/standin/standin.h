/* slicer-sdn-standin: a local stand-in for the REST APIs of the SDN
 * controllers that cannot run here (ONOS, OpenDaylight, Floodlight), for
 * the tests of the onos_vpls, onosof, odlof and floodlightof drivers.  It
 * answers the calls of OSM's connectors the way the controller does
 * (paths, bodies, status codes, error shapes) and applies the rules to a
 * real Open vSwitch bridge with ovs-ofctl, so that traffic proves a
 * driver.  State is in memory only: a restart is a controller restart.
 *
 * This header is shared by the files of the program:
 *   standin-main.c        options, HTTP server (libmicrohttpd), Basic
 *                         auth, route tables, --fail-post;
 *   standin-ovs.c         the switch: ovs-ofctl/ovs-vsctl by fork/exec,
 *                         port inventory, flows under a cookie each,
 *                         groups, counters;
 *   standin-onos.c        ONOS: devices, flows, groups, network
 *                         configuration and the VPLS application;
 *   standin-odl.c         OpenDaylight: RESTCONF inventory (with flow and
 *                         group statistics), flows and groups;
 *   standin-floodlight.c  Floodlight v1.2: switches, port-desc, static
 *                         flow pusher. */
#ifndef STANDIN_H
#define STANDIN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Which controller the program plays; also the personality byte of its
 * cookies, so that stand-ins of different types share a bridge. */
enum standin_type {
    STANDIN_ONOS = 1,
    STANDIN_ODL = 2,
    STANDIN_FLOODLIGHT = 3,
};

/* Cookies: 0x5d1c in the top 16 bits, the type in the next 8, a serial
 * number below.  Every rule of the stand-in has a cookie of its own. */
#define STANDIN_COOKIE_MAGIC 0x5d1cULL
#define STANDIN_COOKIE_MASK 0xffffff0000000000ULL

/* OpenFlow's LOCAL port number. */
#define STANDIN_PORT_LOCAL 0xfffffffeL

/* One port of the bridge, as dump-ports-desc shows it. */
struct standin_port {
    long number; /* STANDIN_PORT_LOCAL for the bridge's own port */
    char name[64];
    char mac[18];
    bool port_down; /* config PORT_DOWN */
    bool link_down; /* state LINK_DOWN */
};

/* The switch as read from Open vSwitch on each inventory request. */
struct standin_inventory {
    struct standin_port *ports;
    size_t len;
    char manufacturer[64];
    char hardware[64];
    char software[64];
    char serial[64];
};

struct standin_onos;
struct standin_odl;
struct standin_floodlight;

/* The program's context: options, the switch, one personality's state. */
struct standin {
    enum standin_type type;
    const char *user;     /* NULL: no authentication */
    const char *password;
    const char *bridge;
    char ofctl[256];      /* absolute paths of the OVS tools */
    char vsctl[256];
    char dpid[17];        /* 16 lower-case hex digits */
    uint64_t dpid_value;
    unsigned int listen_port;
    uint64_t next_serial; /* of the next cookie */
    long long started_ms;
    unsigned long *fail_writes; /* 1-based numbers of POST/PUT to fail */
    size_t fail_writes_len;
    unsigned long n_writes;
    struct standin_onos *onos;             /* only the one of --type */
    struct standin_odl *odl;
    struct standin_floodlight *floodlight;
};

/* A request as the handlers see it: path split into its segments, the
 * segments matched by '*' in the route's pattern in args. */
#define STANDIN_MAX_ARGS 4
struct standin_request {
    const char *method;
    const char *url;      /* path as received (percent-decoded) */
    const char *host;     /* Host header, "" when absent */
    const char *body;     /* NUL-terminated, "" when none */
    size_t body_len;
    const char *args[STANDIN_MAX_ARGS];
};

/* A reply: handlers fill it with standin_reply_*; the server sends it. */
struct standin_response {
    unsigned int status;
    char *body;               /* owned, may be NULL (empty body) */
    const char *content_type;
    char *location;           /* owned, may be NULL */
    const char *authenticate; /* WWW-Authenticate value, may be NULL */
};

/* A REST handler; it must fill resp (status at least) and not block for
 * long: the server is single-threaded. */
typedef void standin_handler(struct standin *s,
                             const struct standin_request *req,
                             struct standin_response *resp);

struct standin_route {
    const char *method;
    const char *pattern; /* '/'-separated; a '*' segment matches one */
    standin_handler *handler;
};

/* Errors in the controller's own shape (unknown path, 401, 405, 500...). */
typedef void standin_error_replier(struct standin_response *resp,
                                   unsigned int status,
                                   const char *message);

/* What a personality provides to the server. */
struct standin_personality {
    const char *name;
    const char *realm; /* of WWW-Authenticate */
    const struct standin_route *routes;
    size_t n_routes;
    int (*init)(struct standin *s);  /* 0, or -1 with a message printed */
    void (*fini)(struct standin *s); /* accepts a never-initialised s */
    standin_error_replier *reply_error;
};

extern const struct standin_personality standin_onos_personality;
extern const struct standin_personality standin_odl_personality;
extern const struct standin_personality standin_floodlight_personality;

/* --- replies (standin-main.c) */

/* Sets the status and a JSON body: steals the reference to body (may be
 * NULL for an empty body). */
void standin_reply_json(struct standin_response *resp, unsigned int status,
                        json_t *body);
/* Sets the status and a copy of text with the given content type. */
void standin_reply_text(struct standin_response *resp, unsigned int status,
                        const char *content_type, const char *text);
/* Parses the request body as JSON; NULL (with a message in err) when it
 * is not.  The caller owns the result. */
json_t *standin_parse_body(const struct standin_request *req, char *err,
                           size_t errsize);
/* Milliseconds since the epoch. */
long long standin_now_ms(void);
/* Prints a line "standin: TYPE: ..." on stderr. */
void standin_log(const struct standin *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* --- the switch (standin-ovs.c) */

/* Finds the OVS tools and reads the datapath id when dpid is NULL
 * (else takes dpid, 16 hex digits).  0, or -1 with a message printed. */
int standin_ovs_init(struct standin *s, const char *dpid);
/* Reads the bridge's ports and description into inv; 0, or -1 with a
 * message in err.  Free with standin_inventory_free. */
int standin_inventory_read(const struct standin *s,
                           struct standin_inventory *inv, char *err,
                           size_t errsize);
void standin_inventory_free(struct standin_inventory *inv);
/* The port of inv numbered number, or NULL. */
const struct standin_port *
standin_inventory_port(const struct standin_inventory *inv, long number);

/* A new cookie for a rule of this stand-in. */
uint64_t standin_cookie_new(struct standin *s);
/* Deletes every flow of the bridge with exactly this cookie. */
void standin_flows_remove(const struct standin *s, uint64_t cookie);
/* Deletes every flow of a previous stand-in of the same type (at start). */
void standin_flows_remove_all(const struct standin *s);

/* Tag state used to give VLAN actions their meaning. */
enum standin_vlan_match {
    STANDIN_VLAN_ANY = -3,     /* no VLAN match: tagged or not */
    STANDIN_VLAN_PRESENT = -2, /* any tagged frame */
    STANDIN_VLAN_NONE = -1,    /* untagged frames only */
    /* 0..4095: that VLAN */
};

enum standin_action_kind {
    STANDIN_ACT_OUTPUT,    /* port: ovs-ofctl's port text */
    STANDIN_ACT_POP_VLAN,
    STANDIN_ACT_PUSH_VLAN, /* value: the TPID */
    STANDIN_ACT_SET_VID,   /* OF1.3 set_field: needs a tag (switch checks) */
    STANDIN_ACT_MOD_VID,   /* OF1.0 set_vlan_vid: pushes a tag if none */
    STANDIN_ACT_PUSH_MPLS, /* value: the ethertype */
    STANDIN_ACT_SET_MPLS,  /* value: the label */
    STANDIN_ACT_POP_MPLS,  /* value: the ethertype after */
    STANDIN_ACT_SET_ETH_SRC, /* port: the MAC */
    STANDIN_ACT_SET_ETH_DST, /* port: the MAC */
    STANDIN_ACT_GROUP,     /* value: the group id */
};

struct standin_action {
    enum standin_action_kind kind;
    long value;
    char port[24];         /* a port, or a MAC */
};

/* One controller flow, in the switch's terms, before it is rendered to
 * ovs-ofctl syntax.  An OF1.0-style VLAN set on a flow that may or may not
 * carry a tag is rendered as two flows (untagged: push first; tagged),
 * as OpenDaylight does for set-vlan-id-action on OpenFlow 1.3. */
#define STANDIN_MAX_ACTIONS 32
struct standin_flow {
    int table;
    int priority;
    int idle_timeout;
    char match[512]; /* ovs-ofctl fields other than the VLAN, ","-joined */
    int vlan;        /* enum standin_vlan_match or a VLAN id */
    struct standin_action actions[STANDIN_MAX_ACTIONS];
    size_t n_actions;
};

/* Appends "FIELD=VALUE" to flow->match; -1 when it does not fit. */
int standin_flow_match(struct standin_flow *flow, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends an action; -1 when there are too many. */
int standin_flow_action(struct standin_flow *flow,
                        enum standin_action_kind kind, long value,
                        const char *port);
/* Installs flows[0..n) under cookie with ovs-ofctl add-flow, in order.
 * On the first refusal removes what it added under cookie and returns -1
 * with ovs-ofctl's message in err; 0 on success. */
int standin_flows_apply(const struct standin *s, uint64_t cookie,
                        const struct standin_flow *flows, size_t n,
                        char *err, size_t errsize);

/* A group: one bucket per action list (the actions of a struct
 * standin_flow used as a list; its match is not). */
struct standin_group {
    uint32_t id;
    const char *type;      /* ovs-ofctl's: select, all, indirect, ff */
    const struct standin_flow *buckets;
    const int *weights;    /* per bucket, for select; may be NULL: 1 */
    size_t n_buckets;
};

/* Adds or replaces group g on the bridge (mod-group --may-create: a group
 * of that id is replaced, also one left by an earlier stand-in: groups
 * carry no cookie).  0, or -1 with ovs-ofctl's message in err. */
int standin_group_apply(const struct standin *s,
                        const struct standin_group *g, char *err,
                        size_t errsize);
/* Deletes group 'id' of the bridge (and with it, the switch's flows that
 * send to it). */
void standin_group_remove(const struct standin *s, uint32_t id);

/* Counters as the switch has them: of a flow cookie (the flows of a
 * cookie summed) or of a group id. */
struct standin_counts {
    uint64_t key;
    uint64_t packets, bytes;
};

/* The flows of this stand-in on the bridge by cookie, or its groups by id
 * ('groups'), with their counters: a new array in *out (free() it), its
 * length in *n.  0, or -1 with a message in err. */
int standin_counts_read(const struct standin *s, bool groups,
                        struct standin_counts **out, size_t *n, char *err,
                        size_t errsize);
/* The counts of 'key' in c[0..n), or NULL (not on the switch). */
const struct standin_counts *standin_counts_find(
    const struct standin_counts *c, size_t n, uint64_t key);

/* Runs argv (argv[0] an absolute path) without a shell; stdout and stderr
 * are collected into *out and *err when not NULL (owned by the caller).
 * Returns the exit status, or -1 when it could not run. */
int standin_run(const char *const argv[], char **out, char **err);

#endif

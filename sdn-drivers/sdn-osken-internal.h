/* What the osken driver's two files share (sdn-osken.c: the driver,
 * its connectivity services and the class; sdn-osken-program.c: how rules
 * are said to ofctl_rest, and forwarding programs).  Not for use
 * elsewhere. */
#ifndef SLC_SDN_OSKEN_INTERNAL_H
#define SLC_SDN_OSKEN_INTERNAL_H

#include <event2/event.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sdn-rest-driver.h"

#define COOKIE_TAG (0x51ceull << 48)
#define COOKIE_MASK "0xffffffffffff0000" /* text: above a JSON integer */
#define OFPP_IN_PORT 0xfffffff8ll
#define OFPP_NORMAL 0xfffffffall
#define OFPVID_PRESENT 0x1000
#define MAX_RULES 0xffff
#define MAX_GROUPS 0xff

/* Packet and byte counters of a rule. */
struct counts {
    json_int_t packets, bytes;
};

/* A program the driver installed: what audits re-install, and the
 * counters that survive re-installs (the top comment). */
struct program {
    uint32_t id;
    uint64_t dpid;            /* the switch it is on */
    json_t *prog;             /* as the caller gave it */
    size_t n_rules, n_groups;
    unsigned gen;             /* counts the caller's installs */
    struct counts *last;      /* per rule: the switch's, as last read */
    struct counts *base;      /* per rule: what re-installs reset */
    struct program *next;
};

struct prog_op;

/* The services kept, for audits, are the shared part's: service id ->
 * {"dpid": D, "flows": [flowentry/add bodies]}.  Programs are kept here,
 * with their own queue of operations and audit timer. */
struct osken {
    struct slc_sdn_rest_driver up;    /* first: the shared part */
    uint64_t last_dpid;       /* the switch of the last operation */
    struct program *programs;
    struct prog_op *prog_ops; /* in order; the first runs */
    bool prog_audit_queued;
    struct event *prog_kick, *prog_audit_timer;
};

/* What saying a rule or a group needs: the switch's ports (from
 * /stats/portdesc), the program whose groups it names (0: a service),
 * and, on failure, the port the switch lacks. */
struct say {
    const json_t *ports;
    uint32_t program;
    const char *bad_port;
};

/* sdn-osken.c */
struct osken *slc_osken_of(struct slc_sdn_rest_driver *drv);
/* The cookie of service or program 'id' (rule 0), and the filter (or
 * delete body) of its flows on switch 'dpid'. */
uint64_t slc_osken_cookie_of(uint32_t id);
json_t *slc_osken_cookie_filter(uint64_t dpid, uint32_t id);
/* The list of a /stats/flow, /stats/portdesc or /stats/groupdesc reply
 * (an object with the switch as its only key), or NULL. */
json_t *slc_osken_switch_list(json_t *body);
/* The OpenFlow number of 's': NORMAL, IN_PORT, a port name of the
 * switch, or a number one of its ports has; else 0. */
json_int_t slc_osken_port_no(const json_t *ports, const char *s);
/* The switch of an operation from a /stats/switches reply: config's,
 * which must be listed, else the controller's only one.  0 with '*dpid'
 * set, or an SLC_E* code with the reason in 'msg'. */
int slc_osken_pick_switch(const struct slc_sdn_rest_driver *drv,
                          const json_t *body, uint64_t *dpid, char *msg,
                          size_t size);

/* sdn-osken-program.c: rules said to ofctl_rest */
/* The flowentry/add body of 'rule' (checked) with 'cookie' on 'dpid';
 * NULL with s->bad_port set when the switch lacks one of its ports. */
json_t *slc_osken_say_flow(struct say *s, uint64_t dpid, uint64_t cookie,
                           const json_t *rule);
/* ... and the programs (the class operations, the queue's events) */
void slc_osken_free_program(struct program *p);
void slc_osken_free_prog_op(struct prog_op *op);
/* Drops the programs' operations (no callback runs), the kept programs
 * and their events. */
void slc_osken_free_programs(struct osken *o);
void slc_osken_on_prog_audit_timer(evutil_socket_t fd, short what,
                                   void *arg);
void slc_osken_on_prog_kick(evutil_socket_t fd, short what, void *arg);
int slc_osken_install_program(struct slc_sdn *sdn, uint64_t token,
                              uint32_t id, const json_t *program,
                              struct slc_error *err);
int slc_osken_remove_program(struct slc_sdn *sdn, uint64_t token,
                             uint32_t id, struct slc_error *err);
int slc_osken_program_counters(struct slc_sdn *sdn, uint64_t token,
                               uint32_t id, struct slc_error *err);

#endif

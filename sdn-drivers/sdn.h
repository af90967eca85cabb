/* The SDN driver interface, after OSM's connectivity-service model: create,
 * edit, delete and status of E-LINE / E-LAN services joining physical
 * switch ports (the SR-IOV and passthrough interfaces a VIM cannot wire,
 * SDN assist), and the registry that picks a driver by an SDN controller's
 * "type".
 *
 * Like VIM drivers (vim-drivers/vim.h), calls submit work and return at
 * once; results come through the instance's 'done' callback, never from
 * inside the call, carrying the caller's token.  Neighbours: port-mapping.h
 * (how VIM interfaces map to switch ports), of-rules.h (the rules OSM's
 * openflow connectors compute for a service), sdn-dummy.c. */
#ifndef SLC_SDN_H
#define SLC_SDN_H

#include <jansson.h>
#include <stdint.h>

#include "slc-driver.h"
#include "slc-error.h"

struct event_base;
struct timeval;

/* One end of a connectivity service: OSM's connection point
 * (sdn-sfc-ovs.md 1.2).  A point is tagged when 'vlan' is not 0. */
struct slc_sdn_endpoint {
    const char *id;           /* service_endpoint_id */
    const char *encapsulation;    /* "dot1q", or NULL: untagged */
    unsigned vlan;            /* 0 = untagged */
    const char *mac;          /* may be NULL */
    const char *device_id, *device_interface_id;  /* may be NULL */
    const char *switch_dpid;  /* may be NULL: the controller's default
                                 switch */
    const char *switch_port;  /* a port name, or a decimal OpenFlow port
                                 number */
    const json_t *service_mapping_info;   /* may be NULL, borrowed */
};

struct slc_sdn_service_spec {
    const char *name;
    const char *tag;          /* idempotency key, as for VIM resources */
    const char *type;         /* "ELINE" | "ELAN" (| "ETREE" | "L3": the
                                 openflow drivers refuse them) */
    const struct slc_sdn_endpoint *ports;
    size_t n_ports;
    const json_t *conn_info;  /* edit: the service's conn_info as stored;
                                 else NULL.  Borrowed. */
};

struct slc_sdn_result {
    uint64_t token;
    int rc;
    const char *msg;          /* the error when rc != 0; else details of
                                 the status, or NULL */
    const char *service_id;   /* the service a call was about, else NULL */
    const char *status;       /* ACTIVE | INACTIVE | DOWN | ERROR | BUILD,
                                 or NULL */
    const json_t *data;       /* create/edit: the service's new conn_info
                                 (NULL = unchanged); other calls: their
                                 result document, or NULL.  Borrowed for
                                 the callback's duration. */
};

typedef void (*slc_sdn_done_fn)(void *owner, const struct slc_sdn_result *r);

/* The core's part of every instance; drivers embed it first. */
struct slc_sdn {
    struct slc_driver drv;    /* first: id (the SDN controller record's
                                 _id), name, the loop, the results not
                                 delivered yet */
    const struct slc_sdn_class *class;
    slc_sdn_done_fn done;
};

struct slc_sdn_params {
    const char *id;
    const char *name;
    const char *url;          /* may be NULL */
    const json_t *config;     /* may be NULL */
    /* Secrets, may be NULL: never logged nor put in a message.
     * slc_sdn_base_init() does not copy them; a driver that needs them
     * copies them. */
    const char *user, *password;
    struct event_base *base;
    slc_sdn_done_fn done;
    void *owner;
};

#define SLC_SDN_CLASS_VERSION 2

/* An SDN driver.  Submitting calls return 0 when accepted, or an SLC_E*
 * code with 'err' set (then no callback follows).  None may block.
 *
 * Connectivity services follow OSM's connector contract (sdn-sfc-ovs.md
 * 1.1), made strict so that recovery and audits can repeat any call:
 * - every driver is idempotent by tag: a create whose tag names a service
 *   that exists replaces that service, and returns the same service_id
 *   for the same tag;
 * - edit means "make it so": it re-applies everything even when nothing
 *   changed;
 * - delete of an unknown service completes with SLC_ENOTFOUND, which
 *   callers take as "gone";
 * - a create or an edit completes with 'data' = the service's new
 *   conn_info (NULL = unchanged), which the caller stores and passes back
 *   to every later call of that service; 'status' is one of ACTIVE,
 *   INACTIVE, DOWN, ERROR or BUILD. */
struct slc_sdn_class {
    unsigned version;         /* SLC_SDN_CLASS_VERSION */
    const char *type;         /* an SDN controller's "type" */
    /* Checks a controller's "config" before it is stored.  May be NULL. */
    int (*check_config)(const json_t *config, struct slc_error *err);
    int (*open)(const struct slc_sdn_params *p, struct slc_sdn **out,
                struct slc_error *err);
    /* Destroys an instance; pending calls are dropped without callback. */
    void (*close)(struct slc_sdn *sdn);
    /* Whether the controller answers and accepts the credentials (OSM's
     * check_credentials): rc 0, or the controller's refusal.  May be
     * NULL: nothing to check. */
    int (*check_credentials)(struct slc_sdn *sdn, uint64_t token,
                             struct slc_error *err);
    int (*create_service)(struct slc_sdn *sdn, uint64_t token,
                          const struct slc_sdn_service_spec *spec,
                          struct slc_error *err);
    /* Makes service 'service_id' join spec's points (spec->conn_info is
     * the stored one). */
    int (*edit_service)(struct slc_sdn *sdn, uint64_t token,
                        const char *service_id,
                        const struct slc_sdn_service_spec *spec,
                        struct slc_error *err);
    /* Deletes a service; an unknown one completes with SLC_ENOTFOUND.
     * 'conn_info' (borrowed, may be NULL) is the stored one. */
    int (*delete_service)(struct slc_sdn *sdn, uint64_t token,
                          const char *service_id, const json_t *conn_info,
                          struct slc_error *err);
    /* The service's status; an unknown one completes with SLC_ENOTFOUND.
     * 'conn_info' (borrowed, may be NULL) is the stored one. */
    int (*service_status)(struct slc_sdn *sdn, uint64_t token,
                          const char *service_id, const json_t *conn_info,
                          struct slc_error *err);
    /* What the driver holds, as a new JSON object.  May be NULL. */
    json_t *(*describe)(struct slc_sdn *sdn);
    /* The id a create with 'tag' gives its service (drivers are
     * idempotent by tag), written into 'out': how a caller that lost a
     * create's reply (a crash, a timeout) deletes what it may have made.
     * 0, or SLC_EUNSUPPORTED.  May be NULL. */
    int (*service_id)(struct slc_sdn *sdn, const char *tag, char *out,
                      size_t size);

    /* Forwarding programs (service function chains; the format is in
     * sfc/sfc-chain.h).  All three may be NULL: a driver without them
     * cannot chain.  'program_id' (1..SLC_SDN_PROGRAM_MAX; drivers keep
     * the ids above for their own use) is chosen by the caller,
     * unique per switch; a program is installed all-or-nothing and
     * replaces the one of the same id, and the driver keeps what it
     * installed there (re-installing it after the switch lost it). */
    int (*install_program)(struct slc_sdn *sdn, uint64_t token,
                           uint32_t program_id, const json_t *program,
                           struct slc_error *err);
    /* Removes a program; an unknown id completes with rc 0. */
    int (*remove_program)(struct slc_sdn *sdn, uint64_t token,
                          uint32_t program_id, struct slc_error *err);
    /* The packet counters of a program's rules, read from the switch:
     * data = {"rules": [{"packets": N, "bytes": N} | null (missing on
     * the switch), ...]} in the program's rule order. */
    int (*program_counters)(struct slc_sdn *sdn, uint64_t token,
                            uint32_t program_id, struct slc_error *err);
};

#define SLC_SDN_PROGRAM_MAX 0x7fffffu

/* 0 for a program id a caller may use (1..SLC_SDN_PROGRAM_MAX), else
 * SLC_EINVALID saying so. */
int slc_sdn_check_program_id(uint32_t id, struct slc_error *err);

/* The SDN drivers a daemon knows, by type (a registry of
 * common/slc-driver.h); zeroed, it is empty. */
struct slc_sdn_registry {
    struct slc_driver_registry drivers;
};

/* Adds 'class'; SLC_EEXISTS for a known type, SLC_EUNSUPPORTED for another
 * ABI version or a missing mandatory operation. */
int slc_sdn_registry_add(struct slc_sdn_registry *reg,
                         const struct slc_sdn_class *class,
                         struct slc_error *err);
/* The class of 'type', or NULL. */
const struct slc_sdn_class *
slc_sdn_registry_find(const struct slc_sdn_registry *reg, const char *type);
/* The class of 'type', or NULL with SLC_EUNSUPPORTED in 'err' naming the
 * type and the known ones. */
const struct slc_sdn_class *
slc_sdn_registry_lookup(const struct slc_sdn_registry *reg, const char *type,
                        struct slc_error *err);

/* Fills the base part of a driver instance from 'p' (copies the strings).
 * Returns SLC_ENOMEM on failure. */
int slc_sdn_base_init(struct slc_sdn *sdn, const struct slc_sdn_class *class,
                      const struct slc_sdn_params *p, struct slc_error *err);
/* Drops the results not delivered yet and frees what slc_sdn_base_init()
 * allocated. */
void slc_sdn_base_fini(struct slc_sdn *sdn);
/* Closes 'sdn'.  Accepts NULL. */
void slc_sdn_close(struct slc_sdn *sdn);

/* Delivers a result through the instance's 'done' callback from the loop,
 * 'delay' from now (on this turn when NULL), never from inside the call;
 * its status is "ERROR" when 'rc' is not 0, else "ACTIVE".  Copies the
 * strings and takes 'data' (even on failure).  SLC_ENOMEM when it cannot
 * be queued. */
int slc_sdn_reply(struct slc_sdn *sdn, uint64_t token, int rc,
                  const char *msg, const char *service_id, json_t *data,
                  const struct timeval *delay, struct slc_error *err);

/* The dummy driver (sdn-dummy.c): records every call, completes on a later
 * turn of the loop; config can inject failures and delays. */
extern const struct slc_sdn_class slc_sdn_dummy_class;
/* The ovs driver (sdn-ovs.c): OVSDB + OpenFlow 1.3 to one bridge. */
extern const struct slc_sdn_class slc_sdn_ovs_class;
/* The osken driver (sdn-osken.c): a Ryu-style ofctl_rest controller. */
extern const struct slc_sdn_class slc_sdn_osken_class;
/* The onos_vpls driver (sdn-onos-vpls.c): VPLSs in ONOS's network
 * configuration. */
extern const struct slc_sdn_class slc_sdn_onos_vpls_class;
/* The onosof driver (sdn-onosof.c): flow rules through ONOS's REST API. */
extern const struct slc_sdn_class slc_sdn_onosof_class;
/* The odlof driver (sdn-odlof.c): OpenDaylight RESTCONF inventory flows. */
extern const struct slc_sdn_class slc_sdn_odlof_class;
/* The floodlightof driver (sdn-floodlight.c): Floodlight's static flow
 * pusher. */
extern const struct slc_sdn_class slc_sdn_floodlightof_class;

#endif

/* The SDN driver interface, after OSM's connectivity-service model: create,
 * edit, delete and status of E-LINE / E-LAN services joining physical
 * switch ports (the SR-IOV and passthrough interfaces a VIM cannot wire,
 * SDN assist), and the registry that picks a driver by an SDN controller's
 * "type".
 *
 * Like VIM drivers (vim-drivers/vim.h), calls submit work and return at
 * once; results come through the instance's 'done' callback, never from
 * inside the call, carrying the caller's token.  Neighbours: port-mapping.h
 * (how VIM interfaces map to switch ports), sdn-dummy.c. */
#ifndef SLC_SDN_H
#define SLC_SDN_H

#include <jansson.h>
#include <stdint.h>

#include "slc-driver.h"
#include "slc-error.h"

struct event_base;
struct timeval;

/* One end of a connectivity service: a port of a physical switch. */
struct slc_sdn_endpoint {
    const char *switch_dpid;
    const char *switch_port;
    unsigned vlan;            /* 0 = untagged */
    const char *mac;          /* may be NULL */
};

struct slc_sdn_service_spec {
    const char *name;
    const char *tag;          /* idempotency key, as for VIM resources */
    const char *type;         /* "ELINE" or "ELAN" */
    const struct slc_sdn_endpoint *ports;
    size_t n_ports;
};

struct slc_sdn_result {
    uint64_t token;
    int rc;
    const char *msg;          /* when rc != 0 */
    const char *service_id;   /* created service, else NULL */
    const char *status;       /* "ACTIVE", "ERROR", ... or NULL */
    const json_t *data;       /* a call's result document, or NULL */
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
    struct event_base *base;
    slc_sdn_done_fn done;
    void *owner;
};

#define SLC_SDN_CLASS_VERSION 1

/* An SDN driver.  Submitting calls return 0 when accepted, or an SLC_E*
 * code with 'err' set (then no callback follows).  None may block. */
struct slc_sdn_class {
    unsigned version;         /* SLC_SDN_CLASS_VERSION */
    const char *type;         /* an SDN controller's "type" */
    /* Checks a controller's "config" before it is stored.  May be NULL. */
    int (*check_config)(const json_t *config, struct slc_error *err);
    int (*open)(const struct slc_sdn_params *p, struct slc_sdn **out,
                struct slc_error *err);
    /* Destroys an instance; pending calls are dropped without callback. */
    void (*close)(struct slc_sdn *sdn);
    int (*create_service)(struct slc_sdn *sdn, uint64_t token,
                          const struct slc_sdn_service_spec *spec,
                          struct slc_error *err);
    /* Replaces the ports of service 'service_id'. */
    int (*edit_service)(struct slc_sdn *sdn, uint64_t token,
                        const char *service_id,
                        const struct slc_sdn_service_spec *spec,
                        struct slc_error *err);
    /* Deletes a service; an unknown one completes with SLC_ENOTFOUND. */
    int (*delete_service)(struct slc_sdn *sdn, uint64_t token,
                          const char *service_id, struct slc_error *err);
    int (*service_status)(struct slc_sdn *sdn, uint64_t token,
                          const char *service_id, struct slc_error *err);
    /* What the driver holds, as a new JSON object.  May be NULL. */
    json_t *(*describe)(struct slc_sdn *sdn);

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

/* The dummy driver (sdn-dummy.c): records every call, completes at once. */
extern const struct slc_sdn_class slc_sdn_dummy_class;
/* The ovs driver (sdn-ovs.c): OVSDB + OpenFlow 1.3 to one bridge. */
extern const struct slc_sdn_class slc_sdn_ovs_class;

#endif

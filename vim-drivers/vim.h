/* The VIM driver interface: what the NS engine asks of a VIM (networks,
 * ports, compute, their status, their deletion) and how drivers are
 * registered and chosen by a VIM account's vim_type.
 *
 * Every operation is asynchronous: a call submits the work and returns at
 * once; the result arrives later through the instance's 'done' callback,
 * never from inside the call itself, carrying the caller's token (an id,
 * not a pointer: the engine looks its operation up again and drops results
 * for operations that are gone).  Drivers never block the event loop.
 *
 * Every resource is created with a tag, the engine's idempotency key
 * ("nsr:<id>:vdu:<member>:<vdu>:<n>"); after a crash the engine finds
 * resources whose creation it cannot be sure of by that tag.
 *
 * The core validates common input (names, tags, sizes) once; drivers do not
 * repeat it.  Neighbours: nsd-engine/ (the only caller), vim-sim.c (the
 * first driver), host-inventory.h (what placement reads). */
#ifndef SLC_VIM_H
#define SLC_VIM_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "slc-driver.h"
#include "slc-error.h"

struct event_base;
struct slc_cluster;
struct timeval;

#define SLC_VIM_KINDS(X)                                                     \
    X(NETWORK, "network")                                                    \
    X(PORT, "port")                                                          \
    X(COMPUTE, "compute")

enum slc_vim_kind {
#define SLC_VIM_KIND_ENUM(name, text) SLC_VIM_##name,
    SLC_VIM_KINDS(SLC_VIM_KIND_ENUM)
#undef SLC_VIM_KIND_ENUM
    SLC_VIM_N_KINDS
};

/* "network", "port", "compute"; NULL for others. */
const char *slc_vim_kind_name(enum slc_vim_kind kind);
/* The kind named 'name', or -1. */
int slc_vim_kind_from_name(const char *name);

/* How a port reaches its VM (Neutron's binding:vnic_type). */
#define SLC_VNIC_TYPES(X)                                                    \
    X(NORMAL, "normal")                                                      \
    X(DIRECT, "direct")                                                      \
    X(DIRECT_PHYSICAL, "direct-physical")                                    \
    X(BAREMETAL, "baremetal")

enum slc_vnic_type {
#define SLC_VNIC_ENUM(name, text) SLC_VNIC_##name,
    SLC_VNIC_TYPES(SLC_VNIC_ENUM)
#undef SLC_VNIC_ENUM
};

const char *slc_vnic_type_name(enum slc_vnic_type type);
int slc_vnic_type_from_name(const char *name);

struct slc_vim_network_spec {
    const char *name;
    const char *tag;
    const char *type;         /* "ELAN" or "ELINE" */
    const char *cidr;         /* may be NULL */
    const char *physnet;      /* provider network, may be NULL */
    unsigned vlan;            /* provider segmentation id, 0 = none */
    const char *gateway;      /* the subnet's gateway address, may be NULL */
    const char *pool_start;   /* addresses given to ports that ask for
                                 none: pool_count from pool_start; NULL:
                                 the whole subnet */
    unsigned pool_count;
    bool mgmt;                /* management network: reachable from the
                                 host running the VIM */
    /* OSM's vim-network-name: the VIM's own network of that name, used
     * and never deleted, instead of a new one.  A VIM without named
     * networks of its own (netns, sim) makes one as for any VL.  May be
     * NULL. */
    const char *vim_name;
    bool dataplane;           /* SR-IOV or passthrough ports join it: a VIM
                                 that binds them only on provider networks
                                 (OpenStack) makes it one */
};

struct slc_vim_port_spec {
    const char *name;
    const char *tag;
    const char *network_id;   /* VIM id of the network */
    enum slc_vnic_type vnic_type;
    const char *mac;          /* may be NULL: the VIM chooses */
    const char *ip;           /* may be NULL */
    const char *host;         /* host the port's VM is placed on, may be NULL */
    const char *ifname;       /* interface name inside the VM, may be NULL */
    /* the compute the port is made for (Neutron's device_id): its tag and
     * name; may be NULL.  A VIM may prepare the port where that compute
     * will be. */
    const char *owner;
    const char *owner_name;
    /* SR-IOV / passthrough: the VF or NIC placement chose (borrowed;
     * {host, numa, nic, pci, vlan, fabric_port}); baremetal (an interface
     * of a PDU): {host (the PDU's name), pdu, fabric_port}; else NULL */
    const json_t *device;
};

struct slc_vim_compute_spec {
    const char *name;
    const char *tag;
    const char *image;
    const char *host;         /* placement decided by the engine, may be NULL */
    unsigned vcpus;
    uint64_t memory_mb;
    uint64_t disk_gb;
    const char *const *port_ids; /* VIM ids of its ports, in order */
    size_t n_ports;
    const json_t *epa;        /* guest EPA (borrowed), may be NULL */
    /* what placement assigned (borrowed; {host, numa, cores, threads,
     * pages, ...}), may be NULL */
    const json_t *placement;
    const char *user_data;    /* cloud-init user data, may be NULL */
};

/* A primitive to run inside a compute (a VDU): day-1 and day-2
 * configuration.  The program is the text of a script from the VNF
 * package: a "#!" line picks its interpreter, else /bin/sh runs it. */
struct slc_vim_exec_spec {
    const char *name;         /* the primitive, for messages */
    const char *compute_id;   /* VIM id of the compute */
    const char *script;       /* the program's text */
    const char *const *argv;  /* its arguments, NULL-ended */
    const char *const *env;   /* "NAME=value", NULL-ended */
    unsigned timeout_s;       /* killed after this (0: 300) */
};

/* What a primitive's output may hold in a result, per stream. */
#define SLC_VIM_EXEC_OUTPUT_MAX 16384

/* What a finished call reports.  Everything is borrowed for the duration of
 * the callback. */
struct slc_vim_result {
    uint64_t token;
    int rc;                   /* 0 or SLC_E* */
    const char *msg;          /* error text when rc != 0 */
    const char *vim_id;       /* created / found resource, else NULL */
    const char *status;       /* "ACTIVE", "BUILD", "ERROR", ... or NULL */
    const json_t *info;       /* details (mac, ip, host, pci), may be NULL */
};

typedef void (*slc_vim_done_fn)(void *owner, const struct slc_vim_result *r);

/* Told, from the loop, that a resource the driver made was lost behind
 * its back while it ran (a compute's process died, its namespace
 * vanished): its kind, VIM id, tag and how. */
typedef void (*slc_vim_lost_fn)(void *owner, const char *account_id,
                                enum slc_vim_kind kind, const char *vim_id,
                                const char *tag, const char *why);

/* The part of every driver instance the core owns; drivers embed it first
 * in their own struct. */
struct slc_vim {
    struct slc_driver drv;    /* first: id (the VIM account's _id), name
                                 (for messages), the loop, the results
                                 not delivered yet */
    const struct slc_vim_class *class;
    slc_vim_done_fn done;
    slc_vim_lost_fn lost;     /* may be NULL */
};

/* What a driver is opened with; everything is copied or borrowed only for
 * the call. */
struct slc_vim_params {
    const char *account_id;
    const char *name;
    const char *url;
    /* The account's credentials (OSM's vim_user, vim_password,
     * vim_tenant_name, vim_tenant_id), each may be NULL.  A driver keeps
     * the password only as long as it needs it and never logs it. */
    const char *user, *password, *tenant_name, *tenant_id;
    const json_t *config;     /* the account's "config" object, may be NULL */
    const char *state_dir;    /* where a driver may keep files, may be NULL */
    const char *helper_dir;   /* where slicer's helper programs are */
    /* Several slicerd on one etcd store: its location ("etcd://..."),
     * where a driver whose infrastructure lives in the process (sim)
     * keeps it, so that the others share it; NULL: one slicerd. */
    const char *shared_state;
    /* ... and the cluster, for watches of that state; NULL: one slicerd */
    struct slc_cluster *cluster;
    struct event_base *base;
    slc_vim_done_fn done;
    slc_vim_lost_fn lost;     /* may be NULL: nobody listens */
    void *owner;
};

#define SLC_VIM_CLASS_VERSION 1

/* A VIM driver.  Submitting calls return 0 when the work is accepted (the
 * result follows through 'done'), or an SLC_E* code with 'err' set when it
 * is refused at once (then no callback follows).  None may block. */
struct slc_vim_class {
    unsigned version;         /* SLC_VIM_CLASS_VERSION */
    const char *type;         /* a VIM account's vim_type */
    /* The VIM places computes itself (a scheduler: OpenStack's Nova): the
     * engine's EPA placement applies only when the account lists host
     * inventories, and a compute's EPA goes to the driver as asked. */
    bool schedules;
    /* The keys of an account's "config" that touch the daemon's host
     * (files it reads, commands it runs, sockets, links, directories):
     * only a system admin sets them.  NULL-ended; may be NULL.  "hosts"
     * (placement's inventories, read by the core for every VIM type) is
     * one without being listed. */
    const char *const *host_keys;
    /* Checks an account's "config" before the account is stored, naming the
     * bad key and value.  May be NULL (any config accepted). */
    int (*check_config)(const json_t *config, struct slc_error *err);
    /* Checks that an account with this config can run on this host now,
     * beyond the config's shape: what another process or account already
     * holds.  Called when an account is created (account_id NULL) or
     * changed; 'p' has no loop and no callback.  Must not block for
     * long.  May be NULL. */
    int (*probe)(const struct slc_vim_params *p, struct slc_error *err);
    /* Checks that the VIM answers and takes the account's credentials,
     * before the account is stored: the result (token 'token', rc 0 or
     * the VIM's refusal in msg) comes through 'done'.  May be NULL
     * (nothing to check). */
    int (*check)(struct slc_vim *vim, uint64_t token, struct slc_error *err);
    /* Creates an instance for one VIM account in '*out'. */
    int (*open)(const struct slc_vim_params *p, struct slc_vim **out,
                struct slc_error *err);
    /* Destroys an instance; calls still pending are dropped without their
     * callback. */
    void (*close)(struct slc_vim *vim);
    int (*create_network)(struct slc_vim *vim, uint64_t token,
                          const struct slc_vim_network_spec *spec,
                          struct slc_error *err);
    int (*create_port)(struct slc_vim *vim, uint64_t token,
                       const struct slc_vim_port_spec *spec,
                       struct slc_error *err);
    int (*create_compute)(struct slc_vim *vim, uint64_t token,
                          const struct slc_vim_compute_spec *spec,
                          struct slc_error *err);
    /* Deletes a resource.  A resource that does not exist completes with
     * SLC_ENOTFOUND, which callers treat as already deleted. */
    int (*delete)(struct slc_vim *vim, uint64_t token, enum slc_vim_kind kind,
                  const char *vim_id, struct slc_error *err);
    /* Runs a primitive inside a compute.  The result's info is
     * {exit_status, stdout, stderr, truncated, seconds} (each stream at
     * most SLC_VIM_EXEC_OUTPUT_MAX bytes); rc is 0 when it exited 0,
     * SLC_EIO when it exited otherwise (the message has the status and
     * the last line of stderr), SLC_ETIMEOUT when it was killed at its
     * timeout, SLC_ENOTFOUND when the compute is gone.  May be NULL: the
     * VIM runs no primitive. */
    int (*exec)(struct slc_vim *vim, uint64_t token,
                const struct slc_vim_exec_spec *spec, struct slc_error *err);
    /* Reports a resource's status (and info). */
    int (*status)(struct slc_vim *vim, uint64_t token, enum slc_vim_kind kind,
                  const char *vim_id, struct slc_error *err);
    /* Finds the resource of 'kind' created with 'tag' (vim_id in the result)
     * or completes with SLC_ENOTFOUND. */
    int (*find)(struct slc_vim *vim, uint64_t token, enum slc_vim_kind kind,
                const char *tag, struct slc_error *err);
    /* Brings the VIM in line with what the store says exists, once at start
     * before any call: 'known' is an array of {kind, vim_id, tag, name,
     * spec, uncertain}; an item without vim_id is a create that was in
     * flight at a crash (uncertain: what the VIM made under its tag is
     * kept).  Resources carrying a slicer tag that are not known
     * are deleted (leaks); known ones missing from a VIM that forgets
     * (sim) are restored; a driver that cannot restore them (netns: a
     * namespace that vanished) sets "missing": true on their item, and the
     * engine marks their NS degraded; 'uncertain' ones are left as they
     * are.  May block briefly.  May be NULL. */
    int (*reconcile)(struct slc_vim *vim, json_t *known,
                     struct slc_error *err);
    /* Where VIM network 'network_id' reaches the fabric switch that the
     * host inventories' NICs are cabled to, for SDN assist to join the
     * network's ordinary (virtio) ports with SR-IOV, passthrough and PDU
     * ones: a new object {switch_port (a port name of that switch),
     * switch_id (may be absent), vlan (the network's VLAN on that port;
     * absent: untagged)}, or NULL when the network has no uplink.  Must
     * not block.  May be NULL (no network of the VIM has one). */
    json_t *(*network_uplink)(struct slc_vim *vim, const char *network_id);
    /* Describes what the VIM holds and its capacity as a new JSON object,
     * for operators and tests ({resources: [...], capacity: {...}}); a VIM
     * with a switch of its own adds "switch": {ovsdb, integration_bridge,
     * fabric_bridge, trunk: {vim, fabric} (the port joining them on each:
     * how chains cross, sfc-chain.h)}.  Must not block; may be NULL. */
    json_t *(*describe)(struct slc_vim *vim);
    /* The capacity alone, as describe's "capacity" member ({vcpus:
     * {total, used}, ...}): what admission control asks for every slice,
     * so it must be cheap.  May be NULL (describe's is used). */
    json_t *(*capacity)(struct slc_vim *vim);
};

/* The drivers a daemon knows, by type (a registry of common/slc-driver.h).
 * Not global: each daemon (and each test) builds its own; zeroed, it is
 * empty. */
struct slc_vim_registry {
    struct slc_driver_registry drivers;
};

/* Adds 'class'.  SLC_EEXISTS for a type already there, SLC_EUNSUPPORTED
 * for another ABI version or a class missing a mandatory operation. */
int slc_vim_registry_add(struct slc_vim_registry *reg,
                         const struct slc_vim_class *class,
                         struct slc_error *err);
/* The class of 'type', or NULL. */
const struct slc_vim_class *
slc_vim_registry_find(const struct slc_vim_registry *reg, const char *type);
/* The class of 'type', or NULL with SLC_EUNSUPPORTED in 'err' naming the
 * type and the known ones. */
const struct slc_vim_class *
slc_vim_registry_lookup(const struct slc_vim_registry *reg, const char *type,
                        struct slc_error *err);

/* Opens an instance of the class registered for 'type'.  SLC_EUNSUPPORTED
 * naming the type (and the known ones) when there is none. */
int slc_vim_open(const struct slc_vim_registry *reg, const char *type,
                 const struct slc_vim_params *p, struct slc_vim **out,
                 struct slc_error *err);
/* Closes 'vim'.  Accepts NULL. */
void slc_vim_close(struct slc_vim *vim);

/* Tells the instance's owner that resource 'vim_id' ('tag') of 'kind'
 * was lost, 'why' (a driver calls it from the loop, once per loss). */
void slc_vim_report_lost(struct slc_vim *vim, enum slc_vim_kind kind,
                         const char *vim_id, const char *tag,
                         const char *why);

/* Fills the base part of a driver instance from 'p' (copies the strings).
 * Returns SLC_ENOMEM on failure. */
int slc_vim_base_init(struct slc_vim *vim, const struct slc_vim_class *class,
                      const struct slc_vim_params *p, struct slc_error *err);
/* Drops the results not delivered yet and frees what slc_vim_base_init()
 * allocated. */
void slc_vim_base_fini(struct slc_vim *vim);

/* Delivers a result of a call through the instance's 'done' callback from
 * the loop, 'delay' from now (on this turn of the loop when NULL), never
 * from inside the call.  Copies the strings and takes 'info' (even on
 * failure).  SLC_ENOMEM when it cannot be queued. */
int slc_vim_reply(struct slc_vim *vim, uint64_t token, int rc,
                  const char *msg, const char *vim_id, const char *status,
                  json_t *info, const struct timeval *delay,
                  struct slc_error *err);

/* The sim driver (vim-sim.c). */
extern const struct slc_vim_class slc_vim_sim_class;
/* The netns driver (vim-netns.c). */
extern const struct slc_vim_class slc_vim_netns_class;
/* The OpenStack driver (vim-openstack.c). */
extern const struct slc_vim_class slc_vim_openstack_class;

#endif

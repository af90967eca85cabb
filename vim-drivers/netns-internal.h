/* What the files of the netns VIM driver share (vim-netns.c: the driver,
 * networks, ports, the switch; netns-compute.c: computes and their
 * processes).  Not for use outside vim-drivers/. */
#ifndef SLC_NETNS_INTERNAL_H
#define SLC_NETNS_INTERNAL_H

#include <event2/event.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "ovs-switch.h"
#include "netns-user.h"
#include "ovsdb.h"
#include "vim.h"

struct batch_item;
struct netns_exec;
struct pid_watch;
struct slc_cluster_watch;
struct vim_shared;

struct netns {
    struct slc_vim up;            /* first: the core's part */
    char *dir;                    /* <state_dir>/netns-<account> */
    char *netns_dir;              /* where namespaces are bound */
    char *helper;                 /* the role helper program */
    char *br_int, *br_fabric;
    json_t *images;               /* the account's image catalogue */
    json_t *cables;               /* fabric port -> link of a PDU */
    json_t *physnets;             /* name -> {interface, vlans} */
    uint32_t pool_base;           /* subnets for networks without one */
    unsigned pool_prefix;
    unsigned start_check_ms;      /* a process alive after this started */
    uid_t run_uid;                /* who VDU processes run as (run_as) */
    gid_t run_gid;
    char run_ids[32];             /* "uid:gid", for the role helper */
    struct slc_ovs_switch *sw;    /* managed switch, or NULL */
    struct slc_ovsdb *db;
    char *ovsdb_target;           /* the switch's OVSDB, for SDN drivers */
    json_t *res;                  /* {networks, ports, computes}: id -> r */
    json_t *by_tag;               /* "kind/tag" -> vim_id */
    struct event *sigchld;
    struct event *flush;          /* sends the queued switch changes */
    struct batch_item *queue;
    struct netns_exec *execs;     /* primitives running */
    bool nic_unplugged;           /* a VF left its NIC bridge: sweep */
    int inotify;                  /* the namespaces directory, watched */
    struct event *namespaces;
    /* several slicerd (netns-shared.c): the table in etcd, or NULL */
    struct vim_shared *shared;
    json_t *saved;                /* "kind/id" -> r as the store has it */
    struct slc_cluster_watch *watch;
    struct event *resync;         /* another instance changed the table */
    struct pid_watch *pid_watches;
};

/* The driver instance behind the core's part. */
static inline struct netns *
netns_of(struct slc_vim *vim)
{
    return (struct netns *)vim;
}

/* The string member 'key' of 'o', or NULL. */
const char *netns_str(const json_t *o, const char *key);
/* The driver's table of resources of 'kind': vim_id -> record. */
json_t *netns_table(struct netns *n, enum slc_vim_kind kind);
/* An IPv4 CIDR: its network address and prefix; -1 when it is not one. */
int netns_parse_cidr(const char *cidr, uint32_t *base, unsigned *prefix);
void netns_ip_text(uint32_t ip, char out[16]);
/* A VLAN of br-int that no network and no bridge arm uses and no
 * physical network carries, or 0 (netns-physnet.c). */
unsigned netns_free_vlan(struct netns *n);
/* Checks config.physical_networks. */
int netns_check_physnets(const json_t *config, struct slc_error *err);
/* The physical network whose range holds 'vlan', or NULL. */
const char *netns_physnet_of_vlan(struct netns *n, unsigned vlan);
/* A provider network's VLAN on physical network 'physnet': '*vlan' when
 * in its range, a free one of the range when '*vlan' is 0. */
int netns_physnet_vlan(struct netns *n, const char *physnet, unsigned *vlan,
                       struct slc_error *err);
/* Plugs the physical networks' links into br-int as trunks. */
int netns_plug_physnets(struct netns *n, struct slc_error *err);
/* Writes the resource list (<dir>/resources.json). */
int netns_save(struct netns *n, struct slc_error *err);
/* Indexes resource 'vim_id' by kind and tag (NULL: drops the entry). */
void netns_index_tag(struct netns *n, enum slc_vim_kind kind,
                     const char *tag, const char *vim_id);
/* Drops resource 'vim_id' from the tables. */
void netns_forget(struct netns *n, enum slc_vim_kind kind,
                  const char *vim_id);
/* A random id "<prefix><8 hex>" into 'out', the hex part into 'hex'. */
int netns_new_id(const char *prefix, char *out, size_t size, char hex[9],
                 struct slc_error *err);

/* Delivers a result from the loop (never from inside the call), with the
 * status "ERROR" when 'rc' is not 0, else "ACTIVE".  Takes 'info'. */
int netns_reply(struct netns *n, uint64_t token, int rc, const char *msg,
                const char *vim_id, json_t *info, struct slc_error *err);

/* Operations adding port 'name' (Interface + Port) to 'bridge', as an
 * access port of VLAN 'tag' (0: none) at OpenFlow port 'ofport' (0: any),
 * marked with the account and 'slicer_tag' (NULL: unmarked). */
json_t *netns_add_port_ops(struct netns *n, const char *bridge,
                           const char *name, const char *type, unsigned tag,
                           int64_t ofport, enum slc_vim_kind kind,
                           const char *slicer_tag, const char *vim_id);
/* Queues switch operations 'ops' (taken) for the transaction of this turn
 * of the loop; 'cb' gets their outcome. */
int netns_batch_transact(struct netns *n, json_t *ops,
                         slc_ovsdb_reply_fn cb, void *arg,
                         struct slc_error *err);
/* Deletes the host end 'name' of a port, unless it is a cable: the link
 * of a PDU belongs to the device, not to slicer. */
void netns_drop_host_link(struct netns *n, const char *name);

/* netns-port.c */
/* What a port's result says of it (mac_address, ip_address, ...). */
json_t *netns_port_info(const json_t *p);
int netns_create_port(struct slc_vim *vim, uint64_t token,
                      const struct slc_vim_port_spec *spec,
                      struct slc_error *err);

/* netns-fabric.c */
/* The OpenFlow port of br-fabric where br-int's trunk arrives (the host's
 * uplink); inventories number their NICs' fabric ports below it. */
#define NETNS_UPLINK_OFPORT 65000
/* The name of the NIC bridge at fabric port 'fabric_port': "nic<N>". */
void netns_nic_bridge_name(int64_t fabric_port, char out[16]);
/* Makes sure the NIC bridge of the NIC at 'fabric_port' exists, patched
 * to br-fabric at that OpenFlow port; its name in 'name'.  Blocks
 * briefly (OVSDB); only from driver calls.  'what' names the port asking
 * in errors. */
int netns_ensure_nic_bridge(struct netns *n, const char *what,
                            int64_t fabric_port, char name[16],
                            struct slc_error *err);
/* Fails with SLC_ECONFLICT naming the holder when an interface of
 * br-fabric has OpenFlow port 'fabric_port' (an unused NIC bridge there is
 * removed first).  Blocks briefly; only from driver calls. */
int netns_claim_fabric_port(struct netns *n, const char *what,
                            int64_t fabric_port, struct slc_error *err);
/* Fails with SLC_ECONFLICT unless interface 'iface' got OpenFlow port
 * 'fabric_port'.  Blocks briefly; only from driver calls. */
int netns_check_fabric_port(struct netns *n, const char *what,
                            const char *iface, int64_t fabric_port,
                            struct slc_error *err);
/* Removes the NIC bridges no port uses (only the one at 'only_port' when
 * it is > 0).  Blocks briefly; only from driver calls. */
void netns_sweep_nic_bridges(struct netns *n, int64_t only_port);
/* The VIM call network_uplink (vim.h). */
json_t *netns_network_uplink(struct slc_vim *vim, const char *network_id);

/* netns-compute.c */
/* Whether 's' can name an interface inside a namespace. */
bool netns_valid_ifname(const char *s);
/* The namespace name of compute 'name': its sanitised first 44
 * characters, '-', 'hex'. */
void netns_namespace_name(const char *name, const char *hex, char out[64]);
int netns_create_compute(struct slc_vim *vim, uint64_t token,
                         const struct slc_vim_compute_spec *spec,
                         struct slc_error *err);
/* Takes a compute down: its process, its ports back to the host, its
 * namespace; what is already gone is skipped. */
void netns_teardown_compute(struct netns *n, json_t *c);
json_t *netns_compute_info(struct netns *n, const json_t *c);
/* False when compute 'c' recorded a process that no longer runs (by pid
 * and start time: a pid used again is not it). */
bool netns_compute_alive(const json_t *c);
/* Reaps the computes' processes that exited (and the primitives'). */
void netns_on_sigchld(evutil_socket_t fd, short what, void *arg);

/* Whether compute 'c''s start is being checked: until the time its
 * "starting" holds (the instance that checks it may have died meanwhile;
 * a start check ends well before). */
bool netns_starting(const json_t *c);
/* Reports compute 'id' ('c') lost, once, unless its start is still
 * being checked. */
void netns_lost(struct netns *n, const char *id, json_t *c, const char *why);
/* Reads the namespaces directory's events: a compute's namespace that
 * vanished is lost. */
void netns_on_namespaces(evutil_socket_t fd, short what, void *arg);

/* netns-reconcile.c: the class's reconcile */
int netns_reconcile(struct slc_vim *vim, json_t *known, struct slc_error *err);

/* netns-exec.c */
int netns_exec(struct slc_vim *vim, uint64_t token,
               const struct slc_vim_exec_spec *spec, struct slc_error *err);
/* Reaps the primitives that exited and delivers their results. */
void netns_reap_execs(struct netns *n);
/* Kills the primitives still running, without their results (close). */
void netns_stop_execs(struct netns *n);

/* netns-shared.c: the table shared by several slicerd (no-ops with one) */
/* Reads the table from the store (several slicerd: 'p->shared_state'),
 * and watches it; nothing with one slicerd. */
int netns_shared_open(struct netns *n, const struct slc_vim_params *p,
                      struct slc_error *err);
void netns_shared_close(struct netns *n);
/* Brings the table up to the store's. */
int netns_sync(struct netns *n, struct slc_error *err);
/* Takes the table's lock (and syncs): what allocates runs under it. */
int netns_lock(struct netns *n, struct slc_error *err);
void netns_unlock(struct netns *n);
/* netns_save with the table in the store: writes what changed. */
int netns_shared_save(struct netns *n, struct slc_error *err);
/* Whether this instance is the one to report compute 'id' lost. */
bool netns_lost_first(struct netns *n, const char *id);
/* Compute 'compute' went: its loss may be reported again. */
void netns_shared_forget(struct netns *n, const char *compute);
/* The class's calls, on the table as the store has it: creates under its
 * lock, the rest after a sync. */
int netns_locked_create_network(struct slc_vim *vim, uint64_t token,
                                const struct slc_vim_network_spec *spec,
                                struct slc_error *err);
int netns_locked_create_port(struct slc_vim *vim, uint64_t token,
                             const struct slc_vim_port_spec *spec,
                             struct slc_error *err);
int netns_locked_create_compute(struct slc_vim *vim, uint64_t token,
                                const struct slc_vim_compute_spec *spec,
                                struct slc_error *err);
int netns_synced_exec(struct slc_vim *vim, uint64_t token,
                      const struct slc_vim_exec_spec *spec,
                      struct slc_error *err);
json_t *netns_synced_network_uplink(struct slc_vim *vim,
                                    const char *network_id);

/* vim-netns.c */
/* How long a blocking OVSDB transaction may take (s). */
#define NETNS_OVSDB_TIMEOUT 10.0
/* Switch operations deleting Port 'uuid' from the bridge that has it. */
json_t *netns_unplug_ops(const json_t *uuid);
/* Why resource 'r' of 'kind' is gone from the kernel, or NULL. */
const char *netns_vanished(struct netns *n, enum slc_vim_kind kind,
                           const json_t *r);
/* Removes the switch ports carrying this account's mark that the table
 * does not hold (made just before a crash). */
void netns_remove_stray_ports(struct netns *n);
int netns_create_network(struct slc_vim *vim, uint64_t token,
                         const struct slc_vim_network_spec *spec,
                         struct slc_error *err);

#endif

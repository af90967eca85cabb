/* The netns VIM driver: real network services on one Linux machine.
 *
 * - A network is an isolated segment of the integration bridge (br-int):
 *   a local VLAN tag of its own, as Neutron's OVS agent does.  A
 *   management network also gets an internal port on br-int holding the
 *   subnet's gateway address, so the host reaches its VDUs.
 * - A port is a veth pair.  Its host end is an access port of br-int in
 *   the network's VLAN (SR-IOV and passthrough ports instead go to the
 *   fabric bridge, br-fabric, at the switch port of the VF or NIC that
 *   placement chose, a VF through its NIC's embedded switch with its VLAN
 *   (netns-fabric.c), and are not connected further: only SDN assist
 *   can).
 *   A port made for a compute (the spec's owner) has its other end made
 *   directly in that compute's namespace under its interface name: the
 *   compute's first port makes the namespace, and the compute adopts it
 *   (moving a link between namespaces costs the kernel about 20 ms).  A
 *   port without an owner waits in the host namespace until a compute
 *   takes it.  A PDU's interface is the cable the account's
 *   "cables: {switch port: link}" names, plugged into br-fabric.
 * - A compute is a network namespace: its ports' ends get their MAC and
 *   IP address, and its image selects what runs inside (see images
 *   below), started and killed by pid, pinned to the CPUs placement gave
 *   it.
 *
 * Open vSwitch is a private switch that the driver starts in its
 * directory ("ovs: managed", the default) or an existing one
 * ("ovs: unix:/path/db.sock" or "tcp:IP:PORT"), spoken to over OVSDB.
 * Every OVS port carries external_ids naming the account and the slicer
 * tag, so leaks are found after a crash.
 *
 * What the driver created is listed in <dir>/resources.json (in etcd
 * when several slicerd share the account: netns-shared.c), written
 * before the kernel or switch object is made (intent) and after; on start
 * reconcile() (netns-reconcile.c) deletes what the store does not know
 * and reports what vanished.
 *
 * A VDU whose process exits within "start_check_ms" (default 30) fails,
 * as a VM that does not boot; a built-in role that says it is ready
 * (a newline on its readiness pipe) is reported at once.
 *
 * Images: "netns:host" (answers ping, and HTTP on port 80 through the
 * role helper), "netns:router" (IPv4 forwarding on), "netns:bridge" (a
 * Linux bridge of every interface but the first, transparent), "netns:none"
 * or "" (nothing runs), or a name of the account's image catalogue
 * ("images: {name: shell command}"); any other name fails, as a VIM
 * without that image would. */
#include <ctype.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <net/if.h>
#include <pwd.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sys/inotify.h>
#include "host-inventory.h"
#include "netns-kernel.h"
#include "ovs-switch.h"
#include "ovsdb.h"
#include "slc-crash.h"
#include "slc-id.h"
#include "slc-log.h"
#include "vim.h"
#include "netns-internal.h"

SLC_LOG_MODULE(vim_netns);

#define DEFAULT_POOL "10.100.0.0/16"
#define DEFAULT_START_CHECK_MS 30
#define ROLE_HELPER "slicer-netns-role"

const char *
netns_str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

json_t *
netns_table(struct netns *n, enum slc_vim_kind kind)
{
    static const char *const names[] = {"networks", "ports", "computes"};

    return json_object_get(n->res, names[kind]);
}

/* ---- configuration ---- */

int
netns_parse_cidr(const char *cidr, uint32_t *base, unsigned *prefix)
{
    char ip[64];
    struct in_addr a;

    if (!cidr || sscanf(cidr, "%63[^/]/%u", ip, prefix) != 2 ||
        *prefix > 32 || inet_pton(AF_INET, ip, &a) != 1) {
        return -1;
    }
    *base = ntohl(a.s_addr);
    if (*prefix < 32) {
        *base &= ~(0xffffffffu >> *prefix);
    }
    return 0;
}

void
netns_ip_text(uint32_t ip, char out[16])
{
    struct in_addr a = {.s_addr = htonl(ip)};

    inet_ntop(AF_INET, &a, out, 16);
}

/* The user config.run_as names ("nobody" when none) in '*out'. */
static int
run_as_user(const json_t *config, const struct passwd **out,
            struct slc_error *err)
{
    const json_t *v = json_object_get(config, "run_as");
    const char *user = v ? json_string_value(v) : "nobody";

    *out = user ? getpwnam(user) : NULL;
    if (!*out) {
        return slc_error_set(err, SLC_EINVALID,
                             "config.run_as: '%.64s' is not a user of this "
                             "host",
                             user ? user : "(not a string)");
    }
    return 0;
}

static int
netns_check_config(const json_t *config, struct slc_error *err)
{
    const json_t *ovs = json_object_get(config, "ovs");
    const json_t *images = json_object_get(config, "images");
    const json_t *pool = json_object_get(config, "subnet_pool");
    const json_t *dir = json_object_get(config, "netns_dir");
    const json_t *check = json_object_get(config, "start_check_ms");
    const json_t *cables = json_object_get(config, "cables");
    const char *k;
    const json_t *v;
    uint32_t base;
    unsigned prefix;

    if (ovs && (!json_is_string(ovs) ||
                (strcmp(json_string_value(ovs), "managed") &&
                 strncmp(json_string_value(ovs), "unix:/", 6) &&
                 strncmp(json_string_value(ovs), "tcp:", 4)))) {
        return slc_error_set(err, SLC_EINVALID,
                             "config.ovs: expected 'managed', "
                             "'unix:/PATH' or 'tcp:IP:PORT'");
    }
    if (images && !json_is_object(images)) {
        return slc_error_set(err, SLC_EINVALID,
                             "config.images: expected a mapping of image "
                             "name to shell command");
    }
    json_object_foreach((json_t *)images, k, v)
    {
        if (!json_is_string(v)) {
            return slc_error_set(err, SLC_EINVALID,
                                 "config.images.%s: expected a shell "
                                 "command (string)",
                                 k);
        }
    }
    if (pool && (!json_is_string(pool) ||
                 netns_parse_cidr(json_string_value(pool), &base, &prefix) ||
                 prefix > 24)) {
        return slc_error_set(err, SLC_EINVALID,
                             "config.subnet_pool: '%s' is not an IPv4 "
                             "CIDR of /24 or wider",
                             json_is_string(pool) ? json_string_value(pool)
                                                  : "(not a string)");
    }
    if (check && (!json_is_integer(check) || json_integer_value(check) < 0 ||
                  json_integer_value(check) > 10000)) {
        return slc_error_set(err, SLC_EINVALID,
                             "config.start_check_ms: expected milliseconds "
                             "from 0 to 10000");
    }
    if (cables && !json_is_object(cables)) {
        return slc_error_set(err, SLC_EINVALID,
                             "config.cables: expected a mapping of fabric "
                             "switch port to link name");
    }
    json_object_foreach((json_t *)cables, k, v)
    {
        char *end;
        long port = strtol(k, &end, 10);

        if (*end || port < 1 || port > 65279) {
            return slc_error_set(err, SLC_EINVALID,
                                 "config.cables: '%s' is not a switch port "
                                 "number (1-65279)",
                                 k);
        }
        if (!json_is_string(v) || !*json_string_value(v) ||
            strlen(json_string_value(v)) >= IFNAMSIZ) {
            return slc_error_set(err, SLC_EINVALID,
                                 "config.cables.%s: expected a link name of "
                                 "1 to %d characters",
                                 k, IFNAMSIZ - 1);
        }
    }
    if (dir && (!json_is_string(dir) || json_string_value(dir)[0] != '/')) {
        return slc_error_set(err, SLC_EINVALID,
                             "config.netns_dir: expected an absolute path");
    }
    if (netns_check_physnets(config, err)) {
        return SLC_EINVALID;
    }
    /* config.hosts is placement's, checked by the core for every type */
    return run_as_user(config, &(const struct passwd *){NULL}, err);
}

/* Who the account's VDU processes run as: config.run_as, "nobody" unless
 * an admin's account says otherwise. */
static int
resolve_run_as(struct netns *n, const json_t *config, struct slc_error *err)
{
    const struct passwd *pw;
    int rc = run_as_user(config, &pw, err);

    if (!rc) {
        n->run_uid = pw->pw_uid;
        n->run_gid = pw->pw_gid;
        snprintf(n->run_ids, sizeof n->run_ids, "%lu:%lu",
                 (unsigned long)pw->pw_uid, (unsigned long)pw->pw_gid);
    }
    return rc;
}
/* ---- the resource list ---- */

int
netns_save(struct netns *n, struct slc_error *err)
{
    char path[4200], tmp[4300];

    if (n->shared) {
        return netns_shared_save(n, err);
    }
    snprintf(path, sizeof path, "%s/resources.json", n->dir);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    if (json_dump_file(n->res, tmp, JSON_COMPACT) || rename(tmp, path)) {
        return slc_error_set(err, SLC_EIO, "%s: %s", path, strerror(errno));
    }
    return 0;
}

void
netns_index_tag(struct netns *n, enum slc_vim_kind kind, const char *tag,
          const char *vim_id)
{
    char key[1024];

    snprintf(key, sizeof key, "%s/%s", slc_vim_kind_name(kind), tag);
    if (vim_id) {
        json_object_set_new(n->by_tag, key, json_string(vim_id));
    } else {
        json_object_del(n->by_tag, key);
    }
}

/* Whether a port or a compute still uses namespace 'ns'. */
static bool
ns_used(struct netns *n, const char *ns)
{
    const char *id;
    json_t *r;

    json_object_foreach(netns_table(n, SLC_VIM_PORT), id, r)
    {
        if (!strcmp(netns_str(r, "netns") ?: "", ns)) {
            return true;
        }
    }
    return json_object_get(netns_table(n, SLC_VIM_COMPUTE), ns) != NULL;
}

void
netns_forget(struct netns *n, enum slc_vim_kind kind, const char *vim_id)
{
    json_t *r = json_object_get(netns_table(n, kind), vim_id);
    char ns[64] = "";

    if (r) {
        /* a namespace made for ports whose compute never came goes with
         * the last of them */
        if (kind == SLC_VIM_PORT && netns_str(r, "netns")) {
            snprintf(ns, sizeof ns, "%s", netns_str(r, "netns"));
        }
        if (kind == SLC_VIM_PORT &&
            !strncmp(netns_str(r, "bridge") ?: "", "nic", 3)) {
            n->nic_unplugged = true;
        }
        netns_index_tag(n, kind, netns_str(r, "tag"), NULL);
        if (kind == SLC_VIM_COMPUTE) {
            netns_shared_forget(n, vim_id);
        }
        json_object_del(netns_table(n, kind), vim_id);
    }
    if (ns[0] && !ns_used(n, ns)) {
        slc_netns_del(n->netns_dir, ns, &(struct slc_error){0});
    }
}

/* ---- results ---- */

int
netns_reply(struct netns *n, uint64_t token, int rc, const char *msg,
            const char *vim_id, json_t *info, struct slc_error *err)
{
    return slc_vim_reply(&n->up, token, rc, msg, vim_id,
                         rc ? "ERROR" : "ACTIVE", info, NULL, err);
}

/* ---- switch ---- */

static json_t *
ext_ids(struct netns *n, const char *kind, const char *tag,
        const char *vim_id)
{
    return slc_ovsdb_map(json_pack("{ss ss ss ss}", "slicer-account",
                                   n->up.drv.id, "slicer-kind", kind,
                                   "slicer-tag", tag, "slicer-id", vim_id));
}

/* Operations adding port 'name' (Interface + Port) to 'bridge'; their
 * row names derive from 'name', so that several can share a
 * transaction. */
json_t *
netns_add_port_ops(struct netns *n, const char *bridge, const char *name,
             const char *type, unsigned tag, int64_t ofport,
             enum slc_vim_kind kind, const char *slicer_tag,
             const char *vim_id)
{
    char iname[40], pname[40];
    json_t *iface = json_pack("{ss ss}", "name", name, "type", type);
    json_t *port;

    snprintf(iname, sizeof iname, "i_%s", name);
    snprintf(pname, sizeof pname, "p_%s", name);
    /* a uuid-name is an identifier: [a-zA-Z_][a-zA-Z0-9_]* (RFC 7047) */
    for (char *c = iname; *c; c++) {
        *c = isalnum((unsigned char)*c) ? *c : '_';
    }
    for (char *c = pname; *c; c++) {
        *c = isalnum((unsigned char)*c) ? *c : '_';
    }
    port = json_pack("{ss s[ss]}", "name", name, "interfaces", "named-uuid",
                     iname);
    if (ofport > 0) {
        json_object_set_new(iface, "ofport_request", json_integer(ofport));
    }
    if (tag) {
        json_object_set_new(port, "tag", json_integer(tag));
    }
    if (slicer_tag) {
        json_object_set_new(port, "external_ids",
                            ext_ids(n, slc_vim_kind_name(kind), slicer_tag,
                                    vim_id));
    }
    return json_pack("[{ss ss so ss} {ss ss so ss} {ss ss s[[sss]] "
                     "s[[ss[ss]]]}]",
                     "op", "insert", "table", "Interface", "row", iface,
                     "uuid-name", iname, "op", "insert", "table", "Port",
                     "row", port, "uuid-name", pname, "op", "mutate",
                     "table", "Bridge", "where", "name", "==", bridge,
                     "mutations", "ports", "insert", "named-uuid", pname);
}

/* ---- batched switch transactions ----
 *
 * Port changes that arrive in the same turn of the loop go to the switch
 * as one transaction: ovs-vswitchd then reconfigures once for all of them
 * instead of once per port, which is most of the time an NS of many VDUs
 * takes.  When a batch fails, its items are retried one by one, so one
 * bad port fails alone. */

struct batch_item {
    json_t *ops;
    slc_ovsdb_reply_fn cb;
    void *arg;
    struct batch_item *next;
};

struct batch {
    struct netns *n;
    struct batch_item *items;
};

static void
free_items(struct batch_item *it)
{
    while (it) {
        struct batch_item *next = it->next;

        json_decref(it->ops);
        free(it);
        it = next;
    }
}

static void
on_batch_reply(void *arg, int rc, const json_t *result, const char *msg)
{
    struct batch *b = arg;
    size_t off = 0;

    for (struct batch_item *it = b->items; it; it = it->next) {
        size_t n_ops = json_array_size(it->ops);

        if (!rc) {
            json_t *slice = json_array();

            for (size_t k = 0; k < n_ops; k++) {
                json_array_append(slice, json_array_get(result, off + k));
            }
            it->cb(it->arg, 0, slice, NULL);
            json_decref(slice);
        } else if (!b->items->next) {
            it->cb(it->arg, rc, NULL, msg);
        } else {
            struct slc_error err = {0};

            if (slc_ovsdb_transact(b->n->db, json_incref(it->ops), true,
                                   it->cb, it->arg, &err)) {
                it->cb(it->arg, err.code, NULL, err.msg);
            }
        }
        off += n_ops;
    }
    free_items(b->items);
    free(b);
}

static void
on_flush(evutil_socket_t fd, short what, void *arg)
{
    struct netns *n = arg;
    struct batch *b = calloc(1, sizeof *b);
    json_t *ops = json_array();
    struct slc_error err = {0};

    if (!b) {
        event_active(n->flush, 0, 0); /* try again on the next turn */
        json_decref(ops);
        return;
    }
    b->n = n;
    b->items = n->queue;
    n->queue = NULL;
    for (struct batch_item *it = b->items; it; it = it->next) {
        json_array_extend(ops, it->ops);
    }
    if (slc_ovsdb_transact(n->db, ops, true, on_batch_reply, b, &err)) {
        on_batch_reply(b, err.code, NULL, err.msg);
    }
}

/* Queues 'ops' (stolen) for the next batch; 'cb' gets their results. */
int
netns_batch_transact(struct netns *n, json_t *ops, slc_ovsdb_reply_fn cb,
               void *arg, struct slc_error *err)
{
    struct batch_item *it = calloc(1, sizeof *it), **tail = &n->queue;

    if (!it) {
        json_decref(ops);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    *it = (struct batch_item){.ops = ops, .cb = cb, .arg = arg};
    while (*tail) {
        tail = &(*tail)->next;
    }
    *tail = it;
    if (tail == &n->queue) {
        event_active(n->flush, 0, 0);
    }
    return 0;
}

/* Bridges, the trunk between them: what a fresh switch needs. */
static int
ensure_bridges(struct netns *n, struct slc_error *err)
{
    json_t *res = NULL;
    json_t *ops = json_array();
    const char *brs[2] = {n->br_int, n->br_fabric};
    int rc = slc_ovsdb_transact_sync(
        n->db,
        json_pack("[{ss ss s[] s[s]}]", "op", "select", "table", "Bridge",
                  "where", "columns", "name"),
        false, NETNS_OVSDB_TIMEOUT, &res, err);
    const json_t *row;
    size_t i;
    bool have[2] = {false, false};

    json_array_foreach(json_object_get(json_array_get(res, 0), "rows"), i,
                       row)
    {
        for (int b = 0; b < 2; b++) {
            have[b] |= !strcmp(netns_str(row, "name") ?: "", brs[b]);
        }
    }
    json_decref(res);
    for (int b = 0; !rc && b < 2; b++) {
        char iname[16], pname[16], bname[16];
        json_t *patch_if, *patch_port;

        if (have[b]) {
            continue;
        }
        snprintf(iname, sizeof iname, "i%d", b);
        snprintf(pname, sizeof pname, "p%d", b);
        snprintf(bname, sizeof bname, "b%d", b);
        json_array_append_new(
            ops, json_pack("{ss ss s{ssss} ss}", "op", "insert", "table",
                           "Interface", "row", "name", brs[b], "type",
                           "internal", "uuid-name", iname));
        json_array_append_new(
            ops, json_pack("{ss ss s{sss[ss]} ss}", "op", "insert", "table",
                           "Port", "row", "name", brs[b], "interfaces",
                           "named-uuid", iname, "uuid-name", pname));
        /* the trunk: patch ports, no tag (all VLANs) */
        patch_if = json_pack(
            "{ss ss so}", "name", b ? "fabric-to-int" : "int-to-fabric",
            "type", "patch", "options",
            slc_ovsdb_map(json_pack("{ss}", "peer",
                                    b ? "int-to-fabric" : "fabric-to-int")));
        if (b) {
            /* the host's uplink: a port number no inventory uses, so
             * that fabric ports follow the inventory */
            json_object_set_new(patch_if, "ofport_request",
                                json_integer(NETNS_UPLINK_OFPORT));
        }
        snprintf(iname, sizeof iname, "ti%d", b);
        json_array_append_new(ops,
                              json_pack("{ss ss so ss}", "op", "insert",
                                        "table", "Interface", "row",
                                        patch_if, "uuid-name", iname));
        patch_port = json_pack("{ss s[ss]}", "name",
                               b ? "fabric-to-int" : "int-to-fabric",
                               "interfaces", "named-uuid", iname);
        snprintf(iname, sizeof iname, "tp%d", b);
        json_array_append_new(ops,
                              json_pack("{ss ss so ss}", "op", "insert",
                                        "table", "Port", "row", patch_port,
                                        "uuid-name", iname));
        /* br-int switches by MAC within each VLAN (NORMAL); br-fabric is a
         * switch nobody has programmed yet: secure, it drops everything
         * until SDN assist installs flows */
        json_array_append_new(
            ops,
            json_pack("{ss ss s{ss ss ss s[s[[ss][ss]]] so} ss}", "op",
                      "insert", "table", "Bridge", "row", "name", brs[b],
                      "datapath_type", "netdev", "fail_mode",
                      b ? "secure" : "standalone", "ports", "set",
                      "named-uuid", pname, "named-uuid", iname,
                      "external_ids",
                      slc_ovsdb_map(json_pack("{ss}", "slicer-account",
                                              n->up.drv.id)),
                      "uuid-name", bname));
        json_array_append_new(
            ops, json_pack("{ss ss s[] s[[ss[ss]]]}", "op", "mutate",
                           "table", "Open_vSwitch", "where", "mutations",
                           "bridges", "insert", "named-uuid", bname));
    }
    if (!rc && json_array_size(ops)) {
        return slc_ovsdb_transact_sync(n->db, ops, true, NETNS_OVSDB_TIMEOUT, NULL,
                                       err);
    }
    json_decref(ops);
    return rc;
}

/* ---- open / close ---- */


static int
find_helper(struct netns *n, const char *helper_dir, struct slc_error *err)
{
    static const char *const under[] = {"", "/../vim-drivers"};
    char path[4200];

    for (size_t i = 0; helper_dir && i < 2; i++) {
        snprintf(path, sizeof path, "%s%s/" ROLE_HELPER, helper_dir,
                 under[i]);
        if (!access(path, X_OK)) {
            n->helper = strdup(path);
            return n->helper ? 0
                             : slc_error_set(err, SLC_ENOMEM, "out of memory");
        }
    }
    n->helper = strdup(ROLE_HELPER); /* from PATH */
    return n->helper ? 0 : slc_error_set(err, SLC_ENOMEM, "out of memory");
}

static void
load_resources(struct netns *n)
{
    char path[4200];
    json_t *r;
    const char *id;
    json_t *item;

    snprintf(path, sizeof path, "%s/resources.json", n->dir);
    r = json_load_file(path, 0, NULL);
    for (int k = 0; k < SLC_VIM_N_KINDS; k++) {
        json_t *t = json_object_get(r, k == 0   ? "networks"
                                       : k == 1 ? "ports"
                                                : "computes");

        json_object_foreach(t, id, item)
        {
            /* a start check does not outlive the daemon that ran it */
            json_object_del(item, "starting");
            json_object_set(netns_table(n, (enum slc_vim_kind)k), id, item);
            netns_index_tag(n, (enum slc_vim_kind)k, netns_str(item, "tag"), id);
        }
    }
    json_decref(r);
}

/* A managed switch cannot share its network namespace: the userspace
 * datapath's own device is always named "ovs-netdev", so a second
 * ovs-vswitchd there (another slicerd, or another account of this one)
 * cannot open its datapath.  Refused with the way out, unless the device
 * is this account's own switch (its ovs-vswitchd is alive). */
static int
netns_probe(const struct slc_vim_params *p, struct slc_error *err)
{
    const char *ovs = netns_str(p->config, "ovs") ?: "managed";
    char pidfile[4200];
    const char *pn;
    const json_t *v;

    json_object_foreach(json_object_get(p->config, "physical_networks"), pn,
                        v)
    {
        const char *ifname = netns_str(v, "interface");

        if (ifname && !if_nametoindex(ifname)) {
            return slc_error_set(err, SLC_EINVALID,
                                 "config.physical_networks.%s.interface: "
                                 "no link '%s' on this host",
                                 pn, ifname);
        }
    }
    if (strcmp(ovs, "managed") || !if_nametoindex("ovs-netdev")) {
        return 0;
    }
    snprintf(pidfile, sizeof pidfile, "%s/netns-%s/ovs/ovs-vswitchd.pid",
             p->state_dir ?: ".", p->account_id ?: "");
    if (p->account_id && slc_ovs_pidfile_alive(pidfile)) {
        return 0;
    }
    return slc_error_set(err, SLC_ECONFLICT,
                         "config.ovs 'managed': this network namespace "
                         "already runs an Open vSwitch userspace datapath "
                         "(device 'ovs-netdev': another slicerd, or another "
                         "netns VIM account), and a second one cannot open "
                         "its own; give that switch's socket (ovs: "
                         "unix:PATH/db.sock) or run this slicerd in a "
                         "network namespace of its own");
}

static void netns_close(struct slc_vim *vim);

static int
netns_open(const struct slc_vim_params *p, struct slc_vim **out,
           struct slc_error *err)
{
    struct netns *n = calloc(1, sizeof *n);

    if (n) {
        n->inotify = -1;
    }
    const char *ovs = netns_str(p->config, "ovs") ?: "managed";
    const char *pool = netns_str(p->config, "subnet_pool") ?: DEFAULT_POOL;
    char buf[4200];
    int rc;

    if (!n) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    rc = slc_vim_base_init(&n->up, &slc_vim_netns_class, p, err);
    if (rc) {
        free(n);
        return rc;
    }
    rc = netns_check_config(p->config, err);
    snprintf(buf, sizeof buf, "%s/netns-%s", p->state_dir ?: ".",
             p->account_id);
    n->dir = strdup(buf);
    n->netns_dir = strdup(netns_str(p->config, "netns_dir") ?: "/run/netns");
    n->br_int = strdup("br-int");
    n->br_fabric = strdup("br-fabric");
    n->images = json_deep_copy(json_object_get(p->config, "images")) ?: json_object();
    n->cables = json_deep_copy(json_object_get(p->config, "cables")) ?: json_object();
    n->physnets = json_deep_copy(json_object_get(p->config,
                                                 "physical_networks"))
                      ?: json_object();
    n->res = json_pack("{s{} s{} s{}}", "networks", "ports", "computes");
    n->by_tag = json_object();
    netns_parse_cidr(pool, &n->pool_base, &n->pool_prefix);
    n->start_check_ms =
        json_is_integer(json_object_get(p->config, "start_check_ms"))
            ? (unsigned)json_integer_value(
                  json_object_get(p->config, "start_check_ms"))
            : DEFAULT_START_CHECK_MS;
    if (!rc && (!n->dir || !n->netns_dir || !n->br_int || !n->br_fabric ||
                !n->images || !n->cables || !n->physnets || !n->res ||
                !n->by_tag)) {
        rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    if (!rc && mkdir(n->dir, 0700) && errno != EEXIST) {
        rc = slc_error_set(err, SLC_EIO, "%s: %s", n->dir, strerror(errno));
    }
    rc = rc ? rc : find_helper(n, p->helper_dir, err);
    rc = rc ? rc : resolve_run_as(n, p->config, err);
    rc = rc ? rc : netns_probe(p, err);
    if (!rc && !strcmp(ovs, "managed")) {
        snprintf(buf, sizeof buf, "%s/ovs", n->dir);
        rc = slc_ovs_switch_start(buf, &n->sw, err);
        ovs = n->sw ? n->sw->db_target : ovs;
    }
    if (!rc && !(n->ovsdb_target = strdup(ovs))) {
        rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    rc = rc ? rc : slc_ovsdb_connect(p->base, ovs, &n->db, err);
    rc = rc ? rc : ensure_bridges(n, err);
    rc = rc ? rc : netns_plug_physnets(n, err);
    rc = rc ? rc : netns_shared_open(n, p, err);
    if (!rc) {
        if (!n->shared) {
            load_resources(n);
        }
        n->sigchld = evsignal_new(p->base, SIGCHLD, netns_on_sigchld, n);
        n->flush = event_new(p->base, -1, 0, on_flush, n);
        if (!n->sigchld || !n->flush || event_add(n->sigchld, NULL)) {
            rc = slc_error_set(err, SLC_ENOMEM, "cannot watch SIGCHLD");
        }
    }
    if (!rc && p->lost) {
        /* a namespace removed behind slicer's back is a lost VDU */
        n->inotify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        if (n->inotify < 0 ||
            inotify_add_watch(n->inotify, n->netns_dir, IN_DELETE) < 0 ||
            !(n->namespaces = event_new(p->base, n->inotify,
                                        EV_READ | EV_PERSIST,
                                        netns_on_namespaces, n)) ||
            event_add(n->namespaces, NULL)) {
            SLC_WARN("vim '%s': cannot watch %s (%s): a vanished namespace "
                     "is seen at the next start only",
                     n->up.drv.name, n->netns_dir, strerror(errno));
        }
    }
    if (rc) {
        netns_close(&n->up);
        return rc;
    }
    *out = &n->up;
    return 0;
}

static size_t
n_resources(struct netns *n)
{
    size_t count = 0;

    for (int k = 0; k < SLC_VIM_N_KINDS; k++) {
        count += json_object_size(netns_table(n, (enum slc_vim_kind)k));
    }
    return count;
}

static void
netns_close(struct slc_vim *vim)
{
    struct netns *n = netns_of(vim);

    netns_stop_execs(n);
    if (n->namespaces) {
        event_free(n->namespaces);
    }
    if (n->inotify >= 0) {
        close(n->inotify);
    }
    if (n->sigchld) {
        event_free(n->sigchld);
    }
    if (n->flush) {
        event_free(n->flush);
    }
    free_items(n->queue);
    if (n->db && n->res && n->nic_unplugged &&
        !netns_sync(n, &(struct slc_error){0})) {
        netns_sweep_nic_bridges(n, 0);
    }
    netns_shared_close(n);
    slc_ovsdb_close(n->db);
    /* a managed switch that carries nothing of ours is stopped; one that
     * does keeps the data plane up until the next start adopts it */
    if (n->sw && n->res && !n_resources(n)) {
        struct slc_error err = {0};

        if (slc_ovs_switch_stop(n->sw, &err)) {
            SLC_WARN("vim '%s': %s", vim->drv.name, err.msg);
        }
    } else {
        slc_ovs_switch_free(n->sw);
    }
    free(n->dir);
    free(n->netns_dir);
    free(n->helper);
    free(n->br_int);
    free(n->ovsdb_target);
    free(n->br_fabric);
    json_decref(n->images);
    json_decref(n->cables);
    json_decref(n->physnets);
    json_decref(n->res);
    json_decref(n->by_tag);
    slc_vim_base_fini(&n->up);
    free(n);
}

/* ---- networks ---- */

/* A free /24 of the pool, or -1. */
static int
pool_subnet(struct netns *n, char cidr[32])
{
    uint32_t count = n->pool_prefix <= 24 ? 1u << (24 - n->pool_prefix) : 0;

    for (uint32_t k = 0; k < count; k++) {
        uint32_t base = n->pool_base + (k << 8);
        const char *id;
        json_t *r;
        bool used = false;
        char ip[16];

        json_object_foreach(netns_table(n, SLC_VIM_NETWORK), id, r)
        {
            uint32_t b;
            unsigned pfx;

            if (!netns_parse_cidr(netns_str(r, "cidr"), &b, &pfx) && pfx <= 32 &&
                ((b ^ base) & ~(0xffffffffu >> (pfx < 24 ? pfx : 24))) == 0) {
                used = true;
            }
        }
        if (!used) {
            netns_ip_text(base, ip);
            snprintf(cidr, 32, "%s/24", ip);
            return 0;
        }
    }
    return -1;
}

int
netns_new_id(const char *prefix, char *out, size_t size, char hex[9],
       struct slc_error *err)
{
    if (slc_random_hex(hex, 4)) {
        return slc_error_set(err, SLC_EIO, "no randomness");
    }
    snprintf(out, size, "%s%s", prefix, hex);
    return 0;
}

/* After the switch answered for a network's gateway port. */
struct net_done {
    struct netns *n;
    uint64_t token;
    char vim_id[32];
};

static void
on_gateway_port(void *arg, int rc, const json_t *result, const char *msg)
{
    struct net_done *d = arg;
    struct netns *n = d->n;
    json_t *r = json_object_get(netns_table(n, SLC_VIM_NETWORK), d->vim_id);
    struct slc_error err = {0};
    char addr[64];

    if (!rc && r) {
        uint32_t base;
        unsigned prefix;

        netns_parse_cidr(netns_str(r, "cidr"), &base, &prefix);
        snprintf(addr, sizeof addr, "%s/%u", netns_str(r, "gateway"), prefix);
        rc = slc_link_add_addr(-1, netns_str(r, "gw_port"), addr, &err);
        msg = err.msg;
    }
    if (rc || !r) {
        if (r) {
            netns_forget(n, SLC_VIM_NETWORK, d->vim_id);
            netns_save(n, &err);
        }
        netns_reply(n, d->token, rc ? rc : SLC_ENOTFOUND,
              msg ? msg : "network vanished", NULL, NULL, &err);
    } else {
        slc_crash_point("vim"); /* on the switch, not recorded whole */
        json_object_set(r, "ovs_uuid",
                        json_object_get(json_array_get(result, 1), "uuid"));
        json_object_set_new(r, "state", json_string("ACTIVE"));
        netns_save(n, &err);
        netns_reply(n, d->token, 0, NULL, d->vim_id, json_deep_copy(r), &err);
    }
    free(d);
}

int
netns_create_network(struct slc_vim *vim, uint64_t token,
                     const struct slc_vim_network_spec *spec,
                     struct slc_error *err)
{
    struct netns *n = netns_of(vim);
    char vim_id[32], hex[9], cidr[32], gw[16], gw_port[16];
    uint32_t base = 0;
    unsigned prefix = 24, vlan = netns_free_vlan(n);
    const char *physical = NULL;
    uint32_t pool_lo, pool_hi;
    json_t *r;
    int rc;

    if (spec->cidr) {
        if (netns_parse_cidr(spec->cidr, &base, &prefix) || prefix > 30) {
            return netns_reply(n, token, SLC_EINVALID,
                         "network: subnet is not an IPv4 CIDR of /30 or "
                         "wider (the netns VIM does IPv4 only)",
                         NULL, NULL, err);
        }
        netns_ip_text(base, gw);
        snprintf(cidr, sizeof cidr, "%s/%u", gw, prefix);
    } else if (pool_subnet(n, cidr)) {
        return netns_reply(n, token, SLC_EBUSY, "network: subnet pool exhausted",
                     NULL, NULL, err);
    }
    netns_parse_cidr(cidr, &base, &prefix);
    if (spec->gateway) {
        struct in_addr a;

        if (inet_pton(AF_INET, spec->gateway, &a) != 1 ||
            ((ntohl(a.s_addr) ^ base) & ~(0xffffffffu >> prefix))) {
            return netns_reply(n, token, SLC_EINVALID,
                         "network: gateway is not an address of the subnet",
                         NULL, NULL, err);
        }
        snprintf(gw, sizeof gw, "%s", spec->gateway);
    } else {
        netns_ip_text(base + 1, gw);
    }
    pool_lo = base + 1;
    pool_hi = prefix >= 31 ? base + 1 : (base | (0xffffffffu >> prefix)) - 1;
    if (spec->pool_start) {
        /* the addresses ports get when they ask for none (OSM's dhcp-params
         * start-address and count, Neutron's allocation pool) */
        struct in_addr a;

        if (inet_pton(AF_INET, spec->pool_start, &a) != 1 ||
            ntohl(a.s_addr) < pool_lo || ntohl(a.s_addr) > pool_hi ||
            !spec->pool_count ||
            spec->pool_count - 1 > pool_hi - ntohl(a.s_addr)) {
            char msg[200];

            snprintf(msg, sizeof msg,
                     "network: address pool %.40s (%u addresses) is not "
                     "within the host addresses of subnet %s",
                     spec->pool_start, spec->pool_count, cidr);
            return netns_reply(n, token, SLC_EINVALID, msg, NULL, NULL, err);
        }
        pool_lo = ntohl(a.s_addr);
        pool_hi = pool_lo + spec->pool_count - 1;
    }
    if (spec->vlan || spec->physnet) {
        /* a provider network: its segmentation id is its VLAN, on br-int
         * and on the trunk to the fabric, and on its physical network's
         * link when it has one */
        const char *id, *physnet = spec->physnet;
        json_t *other;
        struct slc_error e = {0};

        vlan = spec->vlan;
        physnet = physnet ? physnet : netns_physnet_of_vlan(n, vlan);
        if (physnet && netns_physnet_vlan(n, physnet, &vlan, &e)) {
            return netns_reply(n, token, e.code, e.msg, NULL, NULL, err);
        }
        json_object_foreach(netns_table(n, SLC_VIM_NETWORK), id, other)
        {
            if (json_integer_value(json_object_get(other, "vlan")) ==
                (json_int_t)vlan) {
                char msg[600];

                snprintf(msg, sizeof msg,
                         "network: segmentation id %u is used by network "
                         "'%s'",
                         vlan, netns_str(other, "name"));
                return netns_reply(n, token, SLC_ECONFLICT, msg, NULL, NULL,
                                   err);
            }
        }
        if (vlan < 1 || vlan > 4094) {
            return netns_reply(n, token, SLC_EINVALID,
                               "network: segmentation id must be 1..4094",
                               NULL, NULL, err);
        }
        physical = physnet;
    }
    if (!vlan) {
        return netns_reply(n, token, SLC_EBUSY, "network: no free local VLAN",
                     NULL, NULL, err);
    }
    rc = netns_new_id("net-", vim_id, sizeof vim_id, hex, err);
    if (rc) {
        return rc;
    }
    snprintf(gw_port, sizeof gw_port, "gw%s", hex);
    r = json_pack("{ss ss si ss ss sb ss ss}", "tag", spec->tag, "name",
                  spec->name, "vlan", (int)vlan, "cidr", cidr, "gateway", gw,
                  "mgmt", spec->mgmt, "state",
                  spec->mgmt ? "BUILD" : "ACTIVE", "type",
                  spec->type ? spec->type : "ELAN");
    if (spec->mgmt) {
        json_object_set_new(r, "gw_port", json_string(gw_port));
    }
    if (physical) {
        json_object_set_new(r, "physnet", json_string(physical));
    }
    if (spec->pool_start) {
        json_object_set_new(r, "pool", json_pack("[II]", (json_int_t)pool_lo,
                                                 (json_int_t)pool_hi));
    }
    json_object_set_new(netns_table(n, SLC_VIM_NETWORK), vim_id, r);
    netns_index_tag(n, SLC_VIM_NETWORK, spec->tag, vim_id);
    rc = netns_save(n, err);
    slc_crash_point("vim"); /* recorded, not on the switch yet */
    if (!rc && spec->mgmt) {
        struct net_done *d = calloc(1, sizeof *d);

        if (!d) {
            rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
        } else {
            *d = (struct net_done){.n = n, .token = token};
            snprintf(d->vim_id, sizeof d->vim_id, "%s", vim_id);
            rc = netns_batch_transact(
                n,
                netns_add_port_ops(n, n->br_int, gw_port, "internal", vlan, 0,
                             SLC_VIM_NETWORK, spec->tag, vim_id),
                on_gateway_port, d, err);
            if (rc) {
                free(d);
            }
        }
        if (!rc) {
            return 0;
        }
    }
    if (rc) {
        netns_forget(n, SLC_VIM_NETWORK, vim_id);
        netns_save(n, &(struct slc_error){0});
        return rc;
    }
    return netns_reply(n, token, 0, NULL, vim_id, json_deep_copy(r), err);
}

/* Deletes the host end 'name' of a port, unless it is a cable: the link
 * of a PDU belongs to the device, not to slicer. */
void
netns_drop_host_link(struct netns *n, const char *name)
{
    const char *port;
    json_t *link;

    json_object_foreach(n->cables, port, link)
    {
        if (!strcmp(json_string_value(link), name ? name : "")) {
            return;
        }
    }
    slc_link_del(-1, name, &(struct slc_error){0});
}

/* ---- delete, status, find ---- */

/* Removes OVS port 'uuid' (["uuid", ...]) from every bridge: the Port and
 * its Interface go with their last reference. */
json_t *
netns_unplug_ops(const json_t *uuid)
{
    return json_pack("[{ss ss s[] s[[ssO]]}]", "op", "mutate", "table",
                     "Bridge", "where", "mutations", "ports", "delete", uuid);
}

struct del_done {
    struct netns *n;
    uint64_t token;
    enum slc_vim_kind kind;
    char vim_id[64];
};

static void
on_unplugged(void *arg, int rc, const json_t *result, const char *msg)
{
    struct del_done *d = arg;
    struct netns *n = d->n;
    json_t *r = json_object_get(netns_table(n, d->kind), d->vim_id);
    struct slc_error err = {0};

    if (rc) {
        netns_reply(n, d->token, rc, msg, NULL, NULL, &err);
        free(d);
        return;
    }
    if (r && d->kind == SLC_VIM_PORT) {
        netns_drop_host_link(n, netns_str(r, "host_if"));
    }
    netns_forget(n, d->kind, d->vim_id);
    netns_save(n, &err);
    netns_reply(n, d->token, 0, NULL, d->vim_id, NULL, &err);
    free(d);
}


static int
netns_delete(struct slc_vim *vim, uint64_t token, enum slc_vim_kind kind,
             const char *vim_id, struct slc_error *err)
{
    struct netns *n = netns_of(vim);
    json_t *r;
    const json_t *uuid;
    struct del_done *d;
    int rc;

    if ((rc = netns_sync(n, err))) {
        return rc;
    }
    if (n->nic_unplugged) {
        /* NIC bridges are removed from calls only (netns-fabric.c) */
        n->nic_unplugged = false;
        netns_sweep_nic_bridges(n, 0);
    }
    r = json_object_get(netns_table(n, kind), vim_id ? vim_id : "");
    if (!r) {
        return netns_reply(n, token, SLC_ENOTFOUND, "not found", NULL, NULL, err);
    }
    if (kind == SLC_VIM_COMPUTE) {
        if (n->shared) {
            /* the other instances see its process end and its namespace
             * go: not a loss */
            json_object_set_new(r, "deleting", json_true());
            if ((rc = netns_save(n, err))) {
                json_object_del(r, "deleting");
                return rc;
            }
        }
        netns_teardown_compute(n, r);
        slc_crash_point("vim"); /* gone, still recorded */
        netns_forget(n, kind, vim_id);
        netns_save(n, err);
        return netns_reply(n, token, 0, NULL, vim_id, NULL, err);
    }
    if (kind == SLC_VIM_NETWORK) {
        const char *id;
        json_t *p;

        json_object_foreach(netns_table(n, SLC_VIM_PORT), id, p)
        {
            if (!strcmp(netns_str(p, "network") ?: "", vim_id)) {
                return netns_reply(n, token, SLC_EBUSY,
                             "network has ports: delete them first", NULL,
                             NULL, err);
            }
        }
    }
    uuid = json_object_get(r, "ovs_uuid");
    if (!uuid) {
        /* nothing recorded on the switch: a plain network, or a port or
         * gateway whose plug never completed (or was not recorded before
         * a crash: what the switch holds under its mark goes too) */
        bool half = strcmp(netns_str(r, "state") ?: "", "ACTIVE");

        if (kind == SLC_VIM_PORT) {
            netns_drop_host_link(n, netns_str(r, "host_if"));
        }
        netns_forget(n, kind, vim_id);
        netns_save(n, err);
        if (half) {
            netns_remove_stray_ports(n);
        }
        return netns_reply(n, token, 0, NULL, vim_id, NULL, err);
    }
    d = calloc(1, sizeof *d);
    if (!d) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    *d = (struct del_done){.n = n, .token = token, .kind = kind};
    snprintf(d->vim_id, sizeof d->vim_id, "%s", vim_id);
    rc = netns_batch_transact(n, netns_unplug_ops(uuid), on_unplugged, d, err);
    if (rc) {
        free(d);
    }
    return rc;
}

/* Whether a resource's kernel side is still there; else why not. */
const char *
netns_vanished(struct netns *n, enum slc_vim_kind kind, const json_t *r)
{
    char path[4200];

    if (kind == SLC_VIM_COMPUTE) {
        snprintf(path, sizeof path, "%s/%s", n->netns_dir, netns_str(r, "ns"));
        if (access(path, F_OK)) {
            return "its network namespace is gone";
        }
        if (netns_str(r, "exit")) {
            return netns_str(r, "exit");
        }
        if (!netns_compute_alive(r)) {
            return "its process is gone";
        }
    } else if (kind == SLC_VIM_PORT) {
        if (!slc_link_exists(-1, netns_str(r, "host_if"))) {
            return "its veth is gone";
        }
    }
    return NULL;
}

static json_t *
info_of(struct netns *n, enum slc_vim_kind kind, const json_t *r)
{
    return kind == SLC_VIM_PORT      ? netns_port_info(r)
           : kind == SLC_VIM_COMPUTE ? netns_compute_info(n, r)
                                     : json_deep_copy(r);
}

static int
netns_status(struct slc_vim *vim, uint64_t token, enum slc_vim_kind kind,
             const char *vim_id, struct slc_error *err)
{
    struct netns *n = netns_of(vim);
    json_t *r;
    const char *why;
    int rc = netns_sync(n, err);

    if (rc) {
        return rc;
    }
    r = json_object_get(netns_table(n, kind), vim_id ? vim_id : "");
    if (!r) {
        return netns_reply(n, token, SLC_ENOTFOUND, "not found", NULL, NULL, err);
    }
    why = netns_vanished(n, kind, r);
    if (!why) {
        return netns_reply(n, token, 0, NULL, vim_id, info_of(n, kind, r), err);
    }
    /* found, but broken: status ERROR with the reason */
    return slc_vim_reply(vim, token, 0, NULL, vim_id, "ERROR",
                         json_pack("{ss}", "error", why), NULL, err);
}

static int
netns_find(struct slc_vim *vim, uint64_t token, enum slc_vim_kind kind,
           const char *tag, struct slc_error *err)
{
    struct netns *n = netns_of(vim);
    char key[1024];
    const char *id;
    int rc = netns_sync(n, err);

    if (rc) {
        return rc;
    }
    snprintf(key, sizeof key, "%s/%s", slc_vim_kind_name(kind), tag);
    id = json_string_value(json_object_get(n->by_tag, key));
    if (!id) {
        return netns_reply(n, token, SLC_ENOTFOUND, "not found", NULL, NULL, err);
    }
    return netns_reply(n, token, 0, NULL, id,
                 info_of(n, kind, json_object_get(netns_table(n, kind), id)), err);
}

/* ---- describe (reconcile: netns-reconcile.c) ---- */

/* Ports on the switch that carry this account's mark but that the list
 * does not hold (created just before a crash). */
void
netns_remove_stray_ports(struct netns *n)
{
    json_t *res = NULL;
    struct slc_error err = {0};
    const json_t *row;
    size_t i;

    if (slc_ovsdb_transact_sync(
            n->db,
            json_pack("[{ss ss s[] s[sss]}]", "op", "select", "table", "Port",
                      "where", "columns", "_uuid", "name", "external_ids"),
            false, NETNS_OVSDB_TIMEOUT, &res, &err)) {
        SLC_WARN("vim '%s': %s", n->up.drv.name, err.msg);
        return;
    }
    json_array_foreach(json_object_get(json_array_get(res, 0), "rows"), i,
                       row)
    {
        json_t *ids = slc_ovsdb_map_get(json_object_get(row, "external_ids"));
        const char *kind = netns_str(ids, "slicer-kind");
        const char *id = netns_str(ids, "slicer-id");

        if (!strcmp(netns_str(ids, "slicer-account") ?: "", n->up.drv.id) &&
            kind && id &&
            !json_object_get(netns_table(n, !strcmp(kind, "network")
                                          ? SLC_VIM_NETWORK
                                          : SLC_VIM_PORT),
                             id)) {
            SLC_INFO("vim '%s': removing stray switch port %s", n->up.drv.name,
                     netns_str(row, "name"));
            slc_ovsdb_transact_sync(n->db,
                                    netns_unplug_ops(json_object_get(row, "_uuid")),
                                    false, NETNS_OVSDB_TIMEOUT, NULL, &err);
            if (!strcmp(kind, "port")) {
                netns_drop_host_link(n, netns_str(row, "name"));
            }
        }
        json_decref(ids);
    }
    json_decref(res);
}

static json_t *
netns_describe(struct slc_vim *vim)
{
    struct netns *n = netns_of(vim);
    json_t *list = json_array();

    for (int k = 0; k < SLC_VIM_N_KINDS; k++) {
        const char *id;
        json_t *r;

        json_object_foreach(netns_table(n, (enum slc_vim_kind)k), id, r)
        {
            json_t *d = json_deep_copy(r);

            json_object_set_new(d, "kind",
                                json_string(slc_vim_kind_name(
                                    (enum slc_vim_kind)k)));
            json_object_set_new(d, "vim_id", json_string(id));
            json_array_append_new(list, d);
        }
    }
    return json_pack("{so s{ss ss ss s{ss ss} ss* sI sI}}", "resources",
                     list, "switch", "ovsdb", n->ovsdb_target,
                     "integration_bridge", n->br_int, "fabric_bridge",
                     n->br_fabric, "trunk", "vim", "int-to-fabric", "fabric",
                     "fabric-to-int", "dir", n->sw ? n->sw->dir : NULL,
                     "ovsdb_server_pid",
                     (json_int_t)(n->sw ? n->sw->db_pid : 0),
                     "ovs_vswitchd_pid",
                     (json_int_t)(n->sw ? n->sw->vs_pid : 0));
}

/* What an account's config may name of this host (besides "hosts", the
 * core's): commands it runs, who runs them, the switch's socket, host
 * links, where namespaces are bound. */
static const char *const netns_host_keys[] = {
    "images", "ovs", "cables", "physical_networks", "netns_dir", "run_as",
    NULL,
};

const struct slc_vim_class slc_vim_netns_class = {
    .version = SLC_VIM_CLASS_VERSION,
    .type = "netns",
    .host_keys = netns_host_keys,
    .check_config = netns_check_config,
    .probe = netns_probe,
    .open = netns_open,
    .close = netns_close,
    .create_network = netns_locked_create_network,
    .create_port = netns_locked_create_port,
    .create_compute = netns_locked_create_compute,
    .exec = netns_synced_exec,
    .delete = netns_delete,
    .status = netns_status,
    .find = netns_find,
    .reconcile = netns_reconcile,
    .network_uplink = netns_synced_network_uplink,
    .describe = netns_describe,
};

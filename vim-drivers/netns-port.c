/* Ports of the netns VIM (see vim-netns.c): a veth pair whose host end is
 * an access port of br-int in its network's VLAN (SR-IOV and passthrough
 * ports: of br-fabric at their VF's or NIC's switch port), or the cable
 * of a PDU plugged into br-fabric at its switch port. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netns-internal.h"
#include "slc-crash.h"
#include "netns-kernel.h"
#include "slc-id.h"
#include "slc-log.h"

/* The port whose members 'k1' and 'k2' are 'v1' and 'v2', or NULL. */
static json_t *
port_with(struct netns *n, const char *k1, const char *v1, const char *k2,
          const char *v2)
{
    const char *id;
    json_t *p;

    json_object_foreach(netns_table(n, SLC_VIM_PORT), id, p)
    {
        if (!strcmp(netns_str(p, k1) ?: "", v1) &&
            !strcmp(netns_str(p, k2) ?: "", v2)) {
            return p;
        }
    }
    return NULL;
}

static bool
ip_used(struct netns *n, const char *net_id, const json_t *net,
        const char *ip)
{
    return !strcmp(netns_str(net, "gateway") ?: "", ip) ||
           port_with(n, "network", net_id, "ip", ip);
}

/* The port's address: the fixed one if it is free and in the subnet, else
 * the lowest free one of the network's address pool (its subnet when it
 * has none). */
static int
choose_ip(struct netns *n, const char *net_id, const json_t *net,
          const char *fixed, char ip[16], struct slc_error *err)
{
    uint32_t base = 0, last;
    unsigned prefix = 24;

    netns_parse_cidr(netns_str(net, "cidr"), &base, &prefix);
    last = prefix >= 31 ? base + 1 : (base | (0xffffffffu >> prefix)) - 1;
    if (fixed) {
        struct in_addr a;
        uint32_t h;

        if (inet_pton(AF_INET, fixed, &a) != 1) {
            return slc_error_set(err, SLC_EINVALID,
                                 "ip address '%s' is not IPv4", fixed);
        }
        h = ntohl(a.s_addr);
        if (h <= base || h > last) {
            return slc_error_set(err, SLC_EINVALID,
                                 "ip address '%s' is not a host address "
                                 "of subnet %s",
                                 fixed, netns_str(net, "cidr"));
        }
        if (ip_used(n, net_id, net, fixed)) {
            return slc_error_set(err, SLC_ECONFLICT,
                                 "ip address '%s' of subnet %s is in use",
                                 fixed, netns_str(net, "cidr"));
        }
        snprintf(ip, 16, "%s", fixed);
        return 0;
    }
    if (json_array_size(json_object_get(net, "pool")) == 2) {
        /* the network's address pool */
        base = (uint32_t)json_integer_value(
                   json_array_get(json_object_get(net, "pool"), 0)) - 1;
        last = (uint32_t)json_integer_value(
            json_array_get(json_object_get(net, "pool"), 1));
    }
    for (uint32_t h = base + 1; h <= last; h++) {
        netns_ip_text(h, ip);
        if (!ip_used(n, net_id, net, ip)) {
            return 0;
        }
    }
    return slc_error_set(err, SLC_EBUSY, "subnet %s has no free address",
                         netns_str(net, "cidr"));
}

json_t *
netns_port_info(const json_t *p)
{
    json_t *info = json_pack("{sO* sO* sO sO sO}", "mac_address",
                             json_object_get(p, "mac"), "ip_address",
                             json_object_get(p, "ip"), "vlan",
                             json_object_get(p, "vlan"), "bridge",
                             json_object_get(p, "bridge"), "switch_port",
                             json_object_get(p, "host_if"));

    if (json_object_get(p, "device")) {
        /* where it landed, in OSM's words too (compute_node, pci, vlan) */
        json_object_update(info, json_object_get(p, "device"));
        json_object_set(info, "compute_node",
                        json_object_get(json_object_get(p, "device"), "host"));
    }
    return info;
}

struct port_done {
    struct netns *n;
    uint64_t token;
    char vim_id[32];
};

static void
on_port_plugged(void *arg, int rc, const json_t *result, const char *msg)
{
    struct port_done *d = arg;
    struct netns *n = d->n;
    json_t *p = json_object_get(netns_table(n, SLC_VIM_PORT), d->vim_id);
    struct slc_error err = {0};

    if (rc || !p) {
        if (p) {
            netns_drop_host_link(n, netns_str(p, "host_if"));
            netns_forget(n, SLC_VIM_PORT, d->vim_id);
            netns_save(n, &err);
        }
        netns_reply(n, d->token, rc ? rc : SLC_ENOTFOUND,
              rc ? msg : "port vanished", NULL, NULL, &err);
    } else {
        slc_crash_point("vim"); /* on the switch, not recorded whole */
        json_object_set(p, "ovs_uuid",
                        json_object_get(json_array_get(result, 1), "uuid"));
        json_object_set_new(p, "state", json_string("ACTIVE"));
        netns_save(n, &err);
        netns_reply(n, d->token, 0, NULL, d->vim_id, netns_port_info(p), &err);
    }
    free(d);
}

/* Sends switch operations 'ops' (taken) plugging port 'vim_id'; the
 * port's result is delivered once the switch has it. */
static int
plug(struct netns *n, uint64_t token, const char *vim_id, json_t *ops,
     struct slc_error *err)
{
    struct port_done *d = calloc(1, sizeof *d);
    int rc;

    if (!d) {
        json_decref(ops);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    *d = (struct port_done){.n = n, .token = token};
    snprintf(d->vim_id, sizeof d->vim_id, "%s", vim_id);
    rc = netns_batch_transact(n, ops, on_port_plugged, d, err);
    if (rc) {
        free(d);
    }
    return rc;
}

/* A PDU's interface: the cable that the account's config.cables says is
 * wired to the fabric switch port its PDU declares, plugged into
 * br-fabric at that port and not connected any further (like an SR-IOV
 * port: only SDN assist can connect it).  The link is the device's: it
 * is unplugged, never deleted. */
static int
create_cable_port(struct netns *n, uint64_t token,
                  const struct slc_vim_port_spec *spec, struct slc_error *err)
{
    json_int_t port = json_integer_value(json_object_get(spec->device,
                                                         "fabric_port"));
    const char *pdu = netns_str(spec->device, "host") ?: "?";
    const char *ifname = spec->ifname ? spec->ifname : "?";
    char key[24], vim_id[32], hex[9], msg[512];
    struct slc_error e = {0};
    const char *link, *id;
    json_t *p;
    int rc;

    snprintf(key, sizeof key, "%" JSON_INTEGER_FORMAT, port);
    link = netns_str(n->cables, key);
    if (port < 1) {
        snprintf(msg, sizeof msg,
                 "port '%s': pdu '%s' interface '%s' has no switch-port, so "
                 "its cable cannot be found",
                 spec->name, pdu, ifname);
    } else if (!link) {
        snprintf(msg, sizeof msg,
                 "port '%s': pdu '%s' interface '%s' is wired to fabric "
                 "port %s, but config.cables has no cable there",
                 spec->name, pdu, ifname, key);
    } else if (!slc_link_exists(-1, link)) {
        snprintf(msg, sizeof msg,
                 "port '%s': pdu '%s' interface '%s': cable '%s' (fabric "
                 "port %s) does not exist",
                 spec->name, pdu, ifname, link, key);
    } else {
        msg[0] = '\0';
    }
    json_object_foreach(netns_table(n, SLC_VIM_PORT), id, p)
    {
        if (!msg[0] && !strcmp(netns_str(p, "host_if") ?: "", link)) {
            snprintf(msg, sizeof msg,
                     "port '%s': fabric port %s (cable '%s') is in use by "
                     "port '%s'",
                     spec->name, key, link, netns_str(p, "name"));
        }
    }
    if (msg[0]) {
        return netns_reply(n, token, SLC_EINVALID, msg, NULL, NULL, err);
    }
    snprintf(msg, sizeof msg, "port '%s'", spec->name);
    if (netns_claim_fabric_port(n, msg, port, &e)) {
        return netns_reply(n, token, e.code, e.msg, NULL, NULL, err);
    }
    if ((rc = netns_new_id("port-", vim_id, sizeof vim_id, hex, err))) {
        return rc;
    }
    p = json_pack("{ss ss ss ss* ss* ss ss ss ss si ss sO}", "tag", spec->tag,
                  "name", spec->name, "network", spec->network_id, "ip",
                  spec->ip, "mac", spec->mac, "host_if", link, "ifname",
                  ifname, "vnic", "baremetal", "bridge", n->br_fabric,
                  "vlan", 0, "state", "BUILD", "device", spec->device);
    json_object_set_new(netns_table(n, SLC_VIM_PORT), vim_id, p);
    netns_index_tag(n, SLC_VIM_PORT, spec->tag, vim_id);
    rc = netns_save(n, err);
    rc = rc ? rc
            : plug(n, token, vim_id,
                   netns_add_port_ops(n, n->br_fabric, link, "", 0, port,
                                      SLC_VIM_PORT, spec->tag, vim_id),
                   err);
    if (!rc) {
        return 0;
    }
    netns_forget(n, SLC_VIM_PORT, vim_id);
    netns_save(n, &(struct slc_error){0});
    return rc;
}

/* Makes the veth of port 'p'.  A port made for a compute gets its other
 * end directly in that compute's namespace, under its interface name: the
 * first port of a compute makes the namespace, the compute adopts it, and
 * nothing has to move (a move costs the kernel about 20 ms). */
static int
make_veth(struct netns *n, json_t *p, const struct slc_vim_port_spec *spec,
          const char *host_if, const char *peer_if, const char *mac,
          struct slc_error *err)
{
    const char *ns = NULL, *id;
    char name[64], hex[9], dummy[32], ifname[16];
    json_t *q;
    int fd, rc = 0;

    if (!spec->owner || !spec->owner_name) {
        return slc_link_veth_add(host_if, peer_if, mac, -1, err);
    }
    json_object_foreach(netns_table(n, SLC_VIM_PORT), id, q)
    {
        if (q != p && !ns &&
            !strcmp(netns_str(q, "owner") ?: "", spec->owner)) {
            ns = netns_str(q, "netns");
        }
    }
    if (netns_valid_ifname(spec->ifname) &&
        !port_with(n, "owner", spec->owner, "in_ns", spec->ifname)) {
        snprintf(ifname, sizeof ifname, "%s", spec->ifname);
    } else {
        for (unsigned k = 0;; k++) {
            snprintf(ifname, sizeof ifname, "eth%u", k);
            if (!port_with(n, "owner", spec->owner, "in_ns", ifname)) {
                break;
            }
        }
    }
    if (!ns) {
        rc = netns_new_id("", dummy, sizeof dummy, hex, err);
        netns_namespace_name(spec->owner_name, hex, name);
    } else {
        snprintf(name, sizeof name, "%s", ns);
    }
    json_object_del(p, "peer_if"); /* the peer is made as 'in_ns' */
    json_object_set_new(p, "owner", json_string(spec->owner));
    json_object_set_new(p, "netns", json_string(name));
    json_object_set_new(p, "in_ns", json_string(ifname));
    rc = rc ? rc : netns_save(n, err); /* the namespace is ours: intent */
    if (!rc && !ns) {
        rc = slc_netns_add(n->netns_dir, name, err);
    }
    fd = rc ? -1 : slc_netns_open(n->netns_dir, name, err);
    if (fd >= 0) {
        rc = slc_link_veth_add(host_if, ifname, mac, fd, err);
        close(fd);
    } else if (!rc) {
        rc = fd;
    }
    return rc;
}

int
netns_create_port(struct slc_vim *vim, uint64_t token,
                  const struct slc_vim_port_spec *spec, struct slc_error *err)
{
    struct netns *n = netns_of(vim);
    json_t *net;
    char vim_id[32], hex[9], host_if[16], peer_if[16], ip[16], mac[18];
    char what[300], nic[16];
    unsigned char rnd[3];
    const char *bridge = n->br_int;
    unsigned vlan;
    int64_t ofport = 0;
    uint32_t base;
    unsigned prefix;
    struct slc_error e = {0};
    json_t *p;
    int rc;

    if (!json_object_get(netns_table(n, SLC_VIM_NETWORK), spec->network_id)) {
        return netns_reply(n, token, SLC_ENOTFOUND, "port: network not found",
                     NULL, NULL, err);
    }
    if (spec->vnic_type == SLC_VNIC_BAREMETAL) {
        return create_cable_port(n, token, spec, err);
    }
    if (spec->vnic_type != SLC_VNIC_NORMAL && !spec->device) {
        return netns_reply(n, token, SLC_EINVALID,
                           "port: an SR-IOV or passthrough interface needs a "
                           "device chosen by placement",
                           NULL, NULL, err);
    }
    /* the fabric side first: it blocks on the switch, and may let other
     * replies run */
    snprintf(what, sizeof what, "port '%s'", spec->name);
    ofport = json_integer_value(json_object_get(spec->device, "fabric_port"));
    if (spec->vnic_type == SLC_VNIC_DIRECT) {
        /* a VF: an access port of its NIC's embedded switch */
        if (netns_ensure_nic_bridge(n, what, ofport, nic, &e)) {
            return netns_reply(n, token, e.code, e.msg, NULL, NULL, err);
        }
        bridge = nic;
        ofport = 0;
    } else if (spec->vnic_type != SLC_VNIC_NORMAL) {
        /* a whole NIC: straight on br-fabric at its port */
        if (netns_claim_fabric_port(n, what, ofport, &e)) {
            return netns_reply(n, token, e.code, e.msg, NULL, NULL, err);
        }
        bridge = n->br_fabric;
    }
    net = json_object_get(netns_table(n, SLC_VIM_NETWORK), spec->network_id);
    vlan = spec->vnic_type == SLC_VNIC_NORMAL
               ? (unsigned)json_integer_value(json_object_get(net, "vlan"))
               : (unsigned)json_integer_value(
                     json_object_get(spec->device, "vlan"));
    if (!net) {
        return netns_reply(n, token, SLC_ENOTFOUND, "port: network not found",
                           NULL, NULL, err);
    }
    if (choose_ip(n, spec->network_id, net, spec->ip, ip, &e)) {
        return netns_reply(n, token, e.code, e.msg, NULL, NULL, err);
    }
    rc = netns_new_id("port-", vim_id, sizeof vim_id, hex, err);
    if (rc) {
        return rc;
    }
    snprintf(host_if, sizeof host_if, "sv%s", hex);
    snprintf(peer_if, sizeof peer_if, "sp%s", hex);
    if (spec->mac) {
        snprintf(mac, sizeof mac, "%s", spec->mac);
    } else {
        slc_random_bytes(rnd, sizeof rnd);
        snprintf(mac, sizeof mac, "fa:16:3e:%02x:%02x:%02x", rnd[0], rnd[1],
                 rnd[2]);
    }
    netns_parse_cidr(netns_str(net, "cidr"), &base, &prefix);
    p = json_pack("{ss ss ss ss si ss ss ss ss ss ss si ss}", "tag",
                  spec->tag, "name", spec->name, "network", spec->network_id,
                  "ip", ip, "prefix", (int)prefix, "mac", mac, "host_if",
                  host_if, "peer_if", peer_if, "ifname",
                  spec->ifname ? spec->ifname : "", "vnic",
                  slc_vnic_type_name(spec->vnic_type), "bridge", bridge,
                  "vlan", (int)vlan, "state", "BUILD");
    if (spec->device) {
        json_object_set(p, "device", (json_t *)spec->device);
    }
    json_object_set_new(netns_table(n, SLC_VIM_PORT), vim_id, p);
    netns_index_tag(n, SLC_VIM_PORT, spec->tag, vim_id);
    rc = netns_save(n, err);
    slc_crash_point("vim"); /* recorded, no veth yet */
    if (!rc && make_veth(n, p, spec, host_if, peer_if, mac, &e)) {
        netns_forget(n, SLC_VIM_PORT, vim_id);
        netns_save(n, err);
        return netns_reply(n, token, e.code, e.msg, NULL, NULL, err);
    }
    slc_crash_point("vim"); /* a veth, not on the switch */
    slc_link_no_ipv6(host_if);
    /* a VF is an access port in its VLAN; a whole NIC a trunk */
    rc = rc ? rc
            : plug(n, token, vim_id,
                   netns_add_port_ops(
                       n, bridge, host_if, "",
                       spec->vnic_type == SLC_VNIC_DIRECT_PHYSICAL ? 0 : vlan,
                       ofport, SLC_VIM_PORT, spec->tag, vim_id),
                   err);
    if (!rc) {
        return 0;
    }
    slc_link_del(-1, host_if, &e);
    netns_forget(n, SLC_VIM_PORT, vim_id);
    netns_save(n, &e);
    return rc;
}


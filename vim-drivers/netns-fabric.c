/* The netns VIM's side of the fabric switch (br-fabric, the top-of-rack
 * switch of the host inventories): NIC bridges, fabric port numbers and
 * network uplinks.
 *
 * A NIC with SR-IOV virtual functions has an embedded switch: its VFs
 * leave the host on the NIC's one cable, each tagged with its VLAN.  The
 * netns VIM models it faithfully as a small bridge per NIC in use,
 * "nic<fabric port>" (standalone, MAC learning), whose VF ports are access
 * ports of the VF's VLAN, patched to br-fabric at the NIC's fabric port
 * ("fp<N>", OpenFlow port N).  On br-fabric a VF's frames thus arrive on
 * the NIC's port tagged with the VF's VLAN, as they would from the real
 * NIC, and an SDN controller tells VFs apart by (port, VLAN).  A NIC given
 * whole (PCI passthrough) and a PDU's cable are plugged straight into
 * br-fabric at their port, untagged.
 *
 * Fabric port numbers follow the inventory: what is plugged at fabric
 * port N must get OpenFlow port N (br-int's trunk, the host's uplink, is
 * port NETNS_UPLINK_OFPORT, out of the inventories' way), or a port mapping written for the
 * inventory would name the wrong port; a port that got another number
 * (the number was taken) fails.
 *
 * A NIC bridge is made on its NIC's first VF and removed, synchronously
 * and only from driver calls (never from a switch reply, so that no
 * removal can be in flight while a VF is being plugged), once no port
 * uses it: when a later call deletes something, when the NIC is to be
 * given whole, and at reconciliation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netns-internal.h"
#include "slc-log.h"

SLC_LOG_MODULE(vim_netns);

#define OVSDB_TIMEOUT 10.0

void
netns_nic_bridge_name(int64_t fabric_port, char out[16])
{
    snprintf(out, 16, "nic%d", (int)fabric_port);
}

/* The OpenFlow port number the switch gave interface 'name', or -1. */
static int64_t
ofport_of(struct netns *n, const char *name, struct slc_error *err)
{
    json_t *res = NULL;
    const json_t *ofport;
    int64_t got = -1;

    if (slc_ovsdb_transact_sync(
            n->db,
            json_pack("[{ss ss s[[sss]] s[s]}]", "op", "select", "table",
                      "Interface", "where", "name", "==", name, "columns",
                      "ofport"),
            false, OVSDB_TIMEOUT, &res, err)) {
        return -1;
    }
    ofport = json_object_get(
        json_array_get(json_object_get(json_array_get(res, 0), "rows"), 0),
        "ofport");
    if (json_is_integer(ofport)) {
        got = json_integer_value(ofport);
    }
    json_decref(res);
    return got;
}

/* The NIC bridges of this account on the switch: [{name, _uuid, fp}]
 * where fp is the uuid of its uplink's port on br-fabric (may be null). */
static json_t *
nic_bridges(struct netns *n, struct slc_error *err)
{
    json_t *res = NULL, *out = json_array();
    const json_t *row;
    size_t i;

    if (slc_ovsdb_transact_sync(
            n->db,
            json_pack("[{ss ss s[] s[sss]} {ss ss s[] s[sss]}]", "op",
                      "select", "table", "Bridge", "where", "columns",
                      "_uuid", "name", "external_ids", "op", "select",
                      "table", "Port", "where", "columns", "_uuid", "name",
                      "external_ids"),
            false, OVSDB_TIMEOUT, &res, err)) {
        json_decref(out);
        return NULL;
    }
    json_array_foreach(json_object_get(json_array_get(res, 0), "rows"), i,
                       row)
    {
        json_t *ids = slc_ovsdb_map_get(json_object_get(row, "external_ids"));
        const json_t *port;
        json_t *fp = json_null();
        size_t k;

        if (!strcmp(netns_str(ids, "slicer-account") ?: "", n->up.drv.id) &&
            !strcmp(netns_str(ids, "slicer-kind") ?: "", "nic")) {
            json_array_foreach(
                json_object_get(json_array_get(res, 1), "rows"), k, port)
            {
                json_t *pids = slc_ovsdb_map_get(
                    json_object_get(port, "external_ids"));

                if (!strcmp(netns_str(pids, "slicer-nic") ?: "",
                            netns_str(row, "name"))) {
                    fp = json_object_get(port, "_uuid");
                }
                json_decref(pids);
            }
            json_array_append_new(out,
                                  json_pack("{sO sO sO}", "name",
                                            json_object_get(row, "name"),
                                            "_uuid",
                                            json_object_get(row, "_uuid"),
                                            "fp", fp));
        }
        json_decref(ids);
    }
    json_decref(res);
    return out;
}

/* Whether a port of the table is on bridge 'name'. */
static bool
bridge_used(struct netns *n, const char *name)
{
    const char *id;
    json_t *p;

    json_object_foreach(netns_table(n, SLC_VIM_PORT), id, p)
    {
        if (!strcmp(netns_str(p, "bridge") ?: "", name)) {
            return true;
        }
    }
    return false;
}

/* Removes NIC bridge 'nic' ({name, _uuid, fp}) and its uplink. */
static int
drop_nic(struct netns *n, const json_t *nic, struct slc_error *err)
{
    json_t *ops = json_pack("[{ss ss s[] s[[ssO]]}]", "op", "mutate",
                            "table", "Open_vSwitch", "where", "mutations",
                            "bridges", "delete",
                            json_object_get(nic, "_uuid"));

    if (!json_is_null(json_object_get(nic, "fp"))) {
        json_array_append_new(
            ops, json_pack("{ss ss s[[sss]] s[[ssO]]}", "op", "mutate",
                           "table", "Bridge", "where", "name", "==",
                           n->br_fabric, "mutations", "ports", "delete",
                           json_object_get(nic, "fp")));
    }
    SLC_INFO("vim '%s': removing NIC bridge %s: no VF uses it",
             n->up.drv.name, netns_str(nic, "name"));
    return slc_ovsdb_transact_sync(n->db, ops, true, OVSDB_TIMEOUT, NULL,
                                   err);
}

void
netns_sweep_nic_bridges(struct netns *n, int64_t only_port)
{
    struct slc_error err = {0};
    json_t *nics = nic_bridges(n, &err);
    const json_t *nic;
    char want[16];
    size_t i;

    if (!nics) {
        SLC_WARN("vim '%s': NIC bridges: %s", n->up.drv.name, err.msg);
        return;
    }
    netns_nic_bridge_name(only_port, want);
    json_array_foreach(nics, i, nic)
    {
        const char *name = netns_str(nic, "name");

        if ((only_port <= 0 || !strcmp(name, want)) &&
            !bridge_used(n, name) && drop_nic(n, nic, &err)) {
            SLC_WARN("vim '%s': %s", n->up.drv.name, err.msg);
        }
    }
    json_decref(nics);
}

int
netns_check_fabric_port(struct netns *n, const char *what,
                        const char *iface, int64_t fabric_port,
                        struct slc_error *err)
{
    int64_t got = ofport_of(n, iface, err);

    if (got < 0 && err->code) {
        return err->code;
    }
    if (got != fabric_port) {
        return slc_error_set(err, SLC_ECONFLICT,
                             "%s: fabric port %d is taken (OpenFlow port "
                             "%d given)",
                             what, (int)fabric_port, (int)got);
    }
    return 0;
}

/* Whether OVSDB set 'set' (a set, or one uuid) holds uuid 'uuid'. */
static bool
set_has(const json_t *set, const json_t *uuid)
{
    const json_t *item;
    size_t i;

    if (!strcmp(json_string_value(json_array_get(set, 0)) ?: "", "uuid")) {
        return json_equal((json_t *)set, (json_t *)uuid);
    }
    json_array_foreach(json_array_get(set, 1), i, item)
    {
        if (json_equal((json_t *)item, (json_t *)uuid)) {
            return true;
        }
    }
    return false;
}

int
netns_claim_fabric_port(struct netns *n, const char *what,
                        int64_t fabric_port, struct slc_error *err)
{
    json_t *res = NULL;
    const json_t *fabric_ports, *iface, *port;
    const char *holder = NULL;
    size_t i, k;
    int rc;

    netns_sweep_nic_bridges(n, fabric_port);
    rc = slc_ovsdb_transact_sync(
        n->db,
        json_pack("[{ss ss s[[sss]] s[s]} {ss ss s[] s[ss]} {ss ss s[[ssI]] "
                  "s[ss]}]",
                  "op", "select", "table", "Bridge", "where", "name", "==",
                  n->br_fabric, "columns", "ports", "op", "select", "table",
                  "Port", "where", "columns", "_uuid", "interfaces", "op",
                  "select", "table", "Interface", "where", "ofport", "==",
                  (json_int_t)fabric_port, "columns", "_uuid", "name"),
        false, OVSDB_TIMEOUT, &res, err);
    if (rc) {
        return rc;
    }
    /* an interface numbered N on br-fabric (each bridge numbers its own
     * ports) */
    fabric_ports = json_object_get(
        json_array_get(json_object_get(json_array_get(res, 0), "rows"), 0),
        "ports");
    json_array_foreach(json_object_get(json_array_get(res, 2), "rows"), i,
                       iface)
    {
        json_array_foreach(json_object_get(json_array_get(res, 1), "rows"),
                           k, port)
        {
            if (set_has(json_object_get(port, "interfaces"),
                        json_object_get(iface, "_uuid")) &&
                set_has(fabric_ports, json_object_get(port, "_uuid"))) {
                holder = netns_str(iface, "name");
            }
        }
    }
    rc = holder ? slc_error_set(err, SLC_ECONFLICT,
                                "%s: fabric port %d is taken by '%s'", what,
                                (int)fabric_port, holder)
                : 0;
    json_decref(res);
    return rc;
}

int
netns_ensure_nic_bridge(struct netns *n, const char *what,
                        int64_t fabric_port, char name[16],
                        struct slc_error *err)
{
    json_t *res = NULL;
    char up[24], fp[16];
    int rc;

    netns_nic_bridge_name(fabric_port, name);
    snprintf(up, sizeof up, "%s-up", name);
    snprintf(fp, sizeof fp, "fp%d", (int)fabric_port);
    if (fabric_port < 1 || fabric_port > 0xfeff) {
        return slc_error_set(err, SLC_EINVALID,
                             "%s: the VF's NIC has no fabric port", what);
    }
    rc = slc_ovsdb_transact_sync(
        n->db,
        json_pack("[{ss ss s[[sss]] s[s]}]", "op", "select", "table",
                  "Bridge", "where", "name", "==", name, "columns", "name"),
        false, OVSDB_TIMEOUT, &res, err);
    if (rc || json_array_size(json_object_get(json_array_get(res, 0),
                                              "rows"))) {
        json_decref(res);
        return rc;
    }
    json_decref(res);
    if ((rc = netns_claim_fabric_port(n, what, fabric_port, err))) {
        return rc;
    }
    /* the NIC's embedded switch, its cable to br-fabric (a patch pair)
     * at the NIC's port */
    rc = slc_ovsdb_transact_sync(
        n->db,
        json_pack(
            "[{ss ss s{ssss} ss} {ss ss s{sss[ss]} ss}"
            " {ss ss s{ssssso} ss} {ss ss s{sss[ss]} ss}"
            " {ss ss s{ss ss ss s[s[[ss][ss]]] so} ss}"
            " {ss ss s[] s[[ss[ss]]]}"
            " {ss ss s{ssssso sI} ss} {ss ss s{sss[ss] so} ss}"
            " {ss ss s[[sss]] s[[ss[ss]]]}]",
            /* the bridge's own port */
            "op", "insert", "table", "Interface", "row", "name", name,
            "type", "internal", "uuid-name", "ni", "op", "insert", "table",
            "Port", "row", "name", name, "interfaces", "named-uuid", "ni",
            "uuid-name", "np",
            /* its end of the cable */
            "op", "insert", "table", "Interface", "row", "name", up, "type",
            "patch", "options",
            slc_ovsdb_map(json_pack("{ss}", "peer", fp)), "uuid-name", "ui",
            "op", "insert", "table", "Port", "row", "name", up, "interfaces",
            "named-uuid", "ui", "uuid-name", "up",
            "op", "insert", "table", "Bridge", "row", "name", name,
            "datapath_type", "netdev", "fail_mode", "standalone", "ports",
            "set", "named-uuid", "np", "named-uuid", "up", "external_ids",
            slc_ovsdb_map(json_pack("{ss ss}", "slicer-account",
                                    n->up.drv.id, "slicer-kind", "nic")),
            "uuid-name", "nb", "op", "mutate", "table", "Open_vSwitch",
            "where", "mutations", "bridges", "insert", "named-uuid", "nb",
            /* br-fabric's end, at the NIC's port */
            "op", "insert", "table", "Interface", "row", "name", fp, "type",
            "patch", "options",
            slc_ovsdb_map(json_pack("{ss}", "peer", up)), "ofport_request",
            (json_int_t)fabric_port, "uuid-name", "fi", "op", "insert",
            "table", "Port", "row", "name", fp, "interfaces", "named-uuid",
            "fi", "external_ids",
            slc_ovsdb_map(json_pack("{ss ss}", "slicer-account",
                                    n->up.drv.id, "slicer-nic", name)),
            "uuid-name", "fq", "op", "mutate", "table", "Bridge", "where",
            "name", "==", n->br_fabric, "mutations", "ports", "insert",
            "named-uuid", "fq"),
        true, OVSDB_TIMEOUT, NULL, err);
    if (!rc) {
        SLC_INFO("vim '%s': NIC bridge %s made, on fabric port %d",
                 n->up.drv.name, name, (int)fabric_port);
        rc = netns_check_fabric_port(n, what, fp, fabric_port, err);
        if (rc) {
            netns_sweep_nic_bridges(n, fabric_port);
        }
    }
    return rc;
}

json_t *
netns_network_uplink(struct slc_vim *vim, const char *network_id)
{
    struct netns *n = netns_of(vim);
    const json_t *net = json_object_get(netns_table(n, SLC_VIM_NETWORK),
                                        network_id ? network_id : "");

    if (!net || !json_integer_value(json_object_get(net, "vlan"))) {
        return NULL;
    }
    /* br-int's networks reach br-fabric through the trunk, each in its
     * local VLAN */
    return json_pack("{ss ss sO}", "switch_id", n->br_fabric, "switch_port",
                     "fabric-to-int", "vlan", json_object_get(net, "vlan"));
}

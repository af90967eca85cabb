/* Physical networks of the netns VIM: links of the host that carry the
 * VLANs of provider networks out of br-int, as Neutron's OVS agent does
 * with its bridge mappings and network_vlan_ranges.
 *
 *   physical_networks:
 *     wan: {interface: wan-a, vlans: "3000-3099"}
 *
 * The interface becomes a trunk port of br-int that carries exactly the
 * physical network's VLANs, so no other network's traffic leaves the
 * host on it; local VLANs are never taken from those ranges.  A provider
 * network on "wan" gets its segmentation id from the range when it names
 * none (as Neutron allocates one), and one that names only a segmentation
 * id of a range is on that physical network.  The link is the operator's:
 * slicer plugs it, never deletes it. */
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netns-internal.h"
#include "slc-log.h"

SLC_LOG_MODULE(vim_netns);

#define OVSDB_TIMEOUT 10.0

/* "LO-HI" or "V" into *lo, *hi; -1 when it is not a range of 1..4094. */
static int
parse_range(const char *text, unsigned *lo, unsigned *hi)
{
    char tail;
    int n = text ? sscanf(text, "%u-%u%c", lo, hi, &tail) : 0;

    if (n == 1) {
        *hi = *lo;
    }
    return (n == 1 || n == 2) && *lo >= 1 && *lo <= *hi && *hi <= 4094
               ? 0
               : -1;
}

int
netns_check_physnets(const json_t *config, struct slc_error *err)
{
    const json_t *nets = json_object_get(config, "physical_networks");
    const char *name;
    const json_t *p;
    unsigned lo, hi;

    if (nets && !json_is_object(nets)) {
        return slc_error_set(err, SLC_EINVALID,
                             "config.physical_networks: expected a mapping "
                             "of name to {interface, vlans}");
    }
    json_object_foreach((json_t *)nets, name, p)
    {
        const char *ifname = json_string_value(json_object_get(p, "interface"));
        const char *vlans = json_string_value(json_object_get(p, "vlans"));
        const char *other;
        const json_t *q;

        if (!json_is_object(p) || !ifname || !*ifname ||
            strlen(ifname) >= IFNAMSIZ) {
            return slc_error_set(err, SLC_EINVALID,
                                 "config.physical_networks.%s.interface: "
                                 "expected a link name of 1 to %d "
                                 "characters",
                                 name, IFNAMSIZ - 1);
        }
        if (parse_range(vlans, &lo, &hi)) {
            return slc_error_set(err, SLC_EINVALID,
                                 "config.physical_networks.%s.vlans: '%s' "
                                 "is not a VLAN range 'LOW-HIGH' within "
                                 "1-4094",
                                 name, vlans ? vlans : "(not a string)");
        }
        json_object_foreach((json_t *)nets, other, q)
        {
            unsigned olo, ohi;

            if (q == p) {
                break;
            }
            if (!parse_range(json_string_value(json_object_get(q, "vlans")),
                             &olo, &ohi) &&
                lo <= ohi && olo <= hi) {
                return slc_error_set(err, SLC_EINVALID,
                                     "config.physical_networks.%s.vlans: "
                                     "'%s' overlaps physical network '%s'",
                                     name, vlans, other);
            }
            if (!strcmp(json_string_value(json_object_get(q, "interface")) ?: "",
                        ifname)) {
                return slc_error_set(err, SLC_EINVALID,
                                     "config.physical_networks.%s.interface: "
                                     "'%s' is physical network '%s''s too",
                                     name, ifname, other);
            }
        }
    }
    return 0;
}

const char *
netns_physnet_of_vlan(struct netns *n, unsigned vlan)
{
    const char *name;
    const json_t *p;
    unsigned lo, hi;

    json_object_foreach(n->physnets, name, p)
    {
        if (!parse_range(json_string_value(json_object_get(p, "vlans")), &lo,
                         &hi) &&
            vlan >= lo && vlan <= hi) {
            return name;
        }
    }
    return NULL;
}

static bool
vlan_taken(struct netns *n, unsigned v)
{
    const char *id;
    json_t *r;

    json_object_foreach(netns_table(n, SLC_VIM_NETWORK), id, r)
    {
        if (json_integer_value(json_object_get(r, "vlan")) == v) {
            return true;
        }
    }
    json_object_foreach(netns_table(n, SLC_VIM_PORT), id, r)
    {
        if (json_integer_value(json_object_get(r, "arm_vlan")) == v) {
            return true;
        }
    }
    return false;
}

unsigned
netns_free_vlan(struct netns *n)
{
    for (unsigned v = 1; v < 4095; v++) {
        if (!netns_physnet_of_vlan(n, v) && !vlan_taken(n, v)) {
            return v;
        }
    }
    return 0;
}

int
netns_physnet_vlan(struct netns *n, const char *physnet, unsigned *vlan,
                   struct slc_error *err)
{
    const json_t *p = json_object_get(n->physnets, physnet);
    unsigned lo, hi;

    if (!p) {
        return slc_error_set(err, SLC_EINVALID,
                             "network: physical network '%s' is not in the "
                             "VIM account's config.physical_networks",
                             physnet);
    }
    parse_range(json_string_value(json_object_get(p, "vlans")), &lo, &hi);
    if (*vlan && (*vlan < lo || *vlan > hi)) {
        return slc_error_set(err, SLC_EINVALID,
                             "network: segmentation id %u is not in "
                             "physical network '%s''s range %u-%u",
                             *vlan, physnet, lo, hi);
    }
    for (unsigned v = lo; !*vlan && v <= hi; v++) {
        if (!vlan_taken(n, v)) {
            *vlan = v;
        }
    }
    return *vlan ? 0
                 : slc_error_set(err, SLC_EBUSY,
                                 "network: physical network '%s' has no "
                                 "free segmentation id in %u-%u",
                                 physnet, lo, hi);
}

/* The OVSDB set of the VLANs of range 'text'. */
static json_t *
trunk_set(const char *text)
{
    json_t *set = json_array();
    unsigned lo = 1, hi = 0;

    parse_range(text, &lo, &hi);
    for (unsigned v = lo; v <= hi; v++) {
        json_array_append_new(set, json_integer(v));
    }
    return json_pack("[so]", "set", set);
}

/* Plugs each physical network's interface into br-int as a trunk of its
 * VLANs, or brings an existing port's trunks up to date. */
int
netns_plug_physnets(struct netns *n, struct slc_error *err)
{
    json_t *ops = json_array();
    const char *name;
    const json_t *p;
    int k = 0;

    json_object_foreach(n->physnets, name, p)
    {
        const char *ifname = json_string_value(json_object_get(p, "interface"));
        const char *vlans = json_string_value(json_object_get(p, "vlans"));
        json_t *res = NULL;
        char iname[16], pname[16];
        int rc;

        if (!if_nametoindex(ifname)) {
            json_decref(ops);
            return slc_error_set(err, SLC_EINVALID,
                                 "config.physical_networks.%s.interface: "
                                 "no link '%s' on this host",
                                 name, ifname);
        }
        rc = slc_ovsdb_transact_sync(
            n->db,
            json_pack("[{ss ss s[[sss]] s[s]}]", "op", "select", "table",
                      "Port", "where", "name", "==", ifname, "columns",
                      "_uuid"),
            false, OVSDB_TIMEOUT, &res, err);
        if (rc) {
            json_decref(ops);
            return rc;
        }
        if (json_array_size(json_object_get(json_array_get(res, 0), "rows"))) {
            json_array_append_new(
                ops, json_pack("{ss ss s[[sss]] s{so}}", "op", "update",
                               "table", "Port", "where", "name", "==", ifname,
                               "row", "trunks", trunk_set(vlans)));
        } else {
            snprintf(iname, sizeof iname, "pi%d", k);
            snprintf(pname, sizeof pname, "pp%d", k++);
            json_array_append_new(
                ops, json_pack("{ss ss s{ss} ss}", "op", "insert", "table",
                               "Interface", "row", "name", ifname,
                               "uuid-name", iname));
            json_array_append_new(
                ops,
                json_pack("{ss ss s{ss s[ss] so so} ss}", "op", "insert",
                          "table", "Port", "row", "name", ifname,
                          "interfaces", "named-uuid", iname, "trunks",
                          trunk_set(vlans), "external_ids",
                          slc_ovsdb_map(json_pack("{ss ss}",
                                                  "slicer-account",
                                                  n->up.drv.id,
                                                  "slicer-physnet", name)),
                          "uuid-name", pname));
            json_array_append_new(
                ops, json_pack("{ss ss s[[sss]] s[[ss[ss]]]}", "op", "mutate",
                               "table", "Bridge", "where", "name", "==",
                               n->br_int, "mutations", "ports", "insert",
                               "named-uuid", pname));
        }
        json_decref(res);
        SLC_INFO("vim '%s': physical network '%s' is link %s, VLANs %s",
                 n->up.drv.name, name, ifname, vlans);
    }
    if (!json_array_size(ops)) {
        json_decref(ops);
        return 0;
    }
    return slc_ovsdb_transact_sync(n->db, ops, true, OVSDB_TIMEOUT, NULL, err);
}

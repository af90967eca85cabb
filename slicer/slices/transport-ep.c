/* Transport endpoints between two domains (TS 28.541 EP_Transport): how a
 * netslice-vld that joins a local subnet and one an external NSSMF
 * provides is carried between them.
 *
 * The NSMF's side (slice.c, remote-subnet.c): the slice network of such a
 * netslice-vld is a provider network on the NSSMF account's
 * physical_network (a link of the VIM that reaches the other domain), in
 * a VLAN the VIM gives it, with a /24 of the account's
 * transport_subnet_pool.  The NSMF keeps the lower half of the addresses
 * (.2-.127) and gives the upper half to the NSSMF:
 *
 *   {"id": "n3-core", "ipAddress": "10.250.0.128/24",
 *    "logicalInterfaceInfo": {"logicalInterfaceType": "VLAN_ID",
 *                             "logicalInterfaceId": "3000"},
 *    "nextHopInfo": "10.250.0.1", "epApplicationRef": ["core-n3"]}
 *
 * ipAddress is the first address the NSSMF's side may use, with the
 * subnet's prefix length; the addresses from it to the end of the subnet
 * are the NSSMF's.  epApplicationRef names the connection point (sapd) of
 * the subnet's NSD that the endpoint is for.  It travels in the
 * SliceProfile ("epTransport", a list) for 3GPP NSSMFs, as ONAP's
 * endPoint for ONAP ones (one endpoint, without epApplicationRef), and as
 * the NS's vld instantiation parameters for OSM ones.
 *
 * The NSSMF's side (slice-request.c): each endpoint puts the NS virtual
 * link of its sapd on a provider network in that VLAN, with that subnet
 * and the NSSMF's half as its address pool; the VIM must have a physical
 * network whose VLAN range holds it.  A sapd that a netslice-vld of the
 * NSSMF's own NST joins has its slice network already: refused. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "model.h"
#include "ns-lcm.h"
#include "slice-internal.h"

#define DEFAULT_TRANSPORT_POOL "10.250.0.0/16"

static const char *
str(const json_t *o, const char *key)
{
    return slc_ns_str(o, key);
}

static void
ip_text(uint32_t ip, char out[16])
{
    struct in_addr a = {.s_addr = htonl(ip)};

    inet_ntop(AF_INET, &a, out, 16);
}

/* "a.b.c.d/p" into host-order address and prefix; -1 when it is not. */
static int
parse_cidr(const char *text, uint32_t *ip, unsigned *prefix)
{
    char addr[64], tail;
    struct in_addr a;

    if (!text || sscanf(text, "%63[^/]/%u%c", addr, prefix, &tail) != 2 ||
        *prefix < 8 || *prefix > 30 || inet_pton(AF_INET, addr, &a) != 1) {
        return -1;
    }
    *ip = ntohl(a.s_addr);
    return 0;
}

int
slc_ep_check_pool(const char *pool, struct slc_error *err)
{
    uint32_t ip;
    unsigned prefix;

    if (pool && (parse_cidr(pool, &ip, &prefix) || prefix > 24)) {
        return slc_error_set(err, SLC_EINVALID,
                             "transport_subnet_pool: '%.64s' is not an IPv4 "
                             "CIDR of /24 or wider",
                             pool);
    }
    return 0;
}

/* ---- reading an endpoint (the NSSMF's side) ---- */

struct ep {
    unsigned vlan;
    char cidr[32], start[16], gateway[16];
    unsigned count;
    const char *sapd;
};

static int
read_ep(const json_t *ep, size_t i, struct ep *out, struct slc_error *err)
{
    const json_t *li = json_object_get(ep, "logicalInterfaceInfo");
    const char *type = str(li, "logicalInterfaceType");
    const json_t *id = json_object_get(li, "logicalInterfaceId");
    const json_t *apps = json_object_get(ep, "epApplicationRef");
    const char *ip = str(ep, "ipAddress"), *hop = str(ep, "nextHopInfo");
    uint32_t a, base, last;
    unsigned prefix;
    long vlan = json_is_integer(id) ? (long)json_integer_value(id)
                : json_is_string(id) ? strtol(json_string_value(id), NULL, 10)
                                     : 0;
    struct in_addr h;

    if (!json_is_object(ep)) {
        return slc_error_set(err, SLC_EINVALID,
                             "epTransport[%zu]: expected an EP_Transport "
                             "object",
                             i);
    }
    if (!type || strcmp(type, "VLAN_ID")) {
        return slc_error_set(err, SLC_EINVALID,
                             "epTransport[%zu].logicalInterfaceInfo."
                             "logicalInterfaceType: '%.32s' is not "
                             "supported (only VLAN_ID)",
                             i, type ? type : "(none)");
    }
    if (vlan < 1 || vlan > 4094 ||
        (json_is_string(id) &&
         strspn(json_string_value(id), "0123456789") !=
             strlen(json_string_value(id)))) {
        return slc_error_set(err, SLC_EINVALID,
                             "epTransport[%zu].logicalInterfaceInfo."
                             "logicalInterfaceId: expected a VLAN id "
                             "1-4094",
                             i);
    }
    if (parse_cidr(ip, &a, &prefix)) {
        return slc_error_set(err, SLC_EINVALID,
                             "epTransport[%zu].ipAddress: '%.64s' is not "
                             "an IPv4 address with its subnet's prefix "
                             "length (a.b.c.d/8..30)",
                             i, ip ? ip : "(none)");
    }
    base = a & ~(0xffffffffu >> prefix);
    last = (base | (0xffffffffu >> prefix)) - 1;
    if (a <= base || a > last) {
        return slc_error_set(err, SLC_EINVALID,
                             "epTransport[%zu].ipAddress: '%s' is not a "
                             "host address of its subnet",
                             i, ip);
    }
    if (!json_is_array(apps) || json_array_size(apps) != 1 ||
        !json_is_string(json_array_get(apps, 0))) {
        return slc_error_set(err, SLC_EINVALID,
                             "epTransport[%zu].epApplicationRef: expected "
                             "one connection point (a sapd id of the "
                             "subnet's NSD)",
                             i);
    }
    *out = (struct ep){.vlan = (unsigned)vlan,
                       .count = last - a + 1,
                       .sapd = json_string_value(json_array_get(apps, 0))};
    ip_text(base, out->start);
    snprintf(out->cidr, sizeof out->cidr, "%s/%u", out->start, prefix);
    ip_text(a, out->start);
    if (hop && inet_pton(AF_INET, hop, &h) == 1 &&
        !((ntohl(h.s_addr) ^ base) & ~(0xffffffffu >> prefix))) {
        snprintf(out->gateway, sizeof out->gateway, "%s", hop);
    }
    return 0;
}

int
slc_ep_check(const json_t *eps, struct slc_error *err)
{
    const json_t *ep;
    size_t i;
    struct ep e;

    if (eps && !json_is_array(eps)) {
        return slc_error_set(err, SLC_EINVALID,
                             "epTransport: expected a list of EP_Transport "
                             "objects");
    }
    json_array_foreach(eps, i, ep)
    {
        if (read_ep(ep, i, &e, err)) {
            return SLC_EINVALID;
        }
    }
    return 0;
}

/* The virtual link of NSD 'nsd_ref' that its sapd 'sapd' is on, or NULL
 * (written into 'vl'). */
static bool
sapd_link(struct slc_store *st, const char *nsd_ref, const char *sapd,
          const struct slc_scope *sc, char vl[128])
{
    struct slc_record nsd = {0};
    struct slc_error e = {0};
    const char *link = NULL;

    if (!slc_catalogue_get(st, SLC_DESC_NSD, nsd_ref ? nsd_ref : "", sc, &nsd,
                           &e)) {
        link = slc_slice_sapd_vl(nsd.doc, sapd);
        snprintf(vl, 128, "%s", link ? link : "");
    }
    slc_record_clear(&nsd);
    return link != NULL;
}

/* The NS vld instantiation parameters that put a virtual link on
 * endpoint 'e' (OSM's vld[] item). */
static json_t *
vld_params(const char *vl, const struct ep *e)
{
    json_t *ip = json_pack("{ss ss s{sb ss si}}", "ip-version", "ipv4",
                           "subnet-address", e->cidr, "dhcp-params",
                           "enabled", 1, "start-address", e->start, "count",
                           (int)e->count);

    if (*e->gateway) {
        json_object_set_new(ip, "gateway-address", json_string(e->gateway));
    }
    return json_pack("{ss s{si} so}", "name", vl, "provider-network",
                     "segmentation-id", (int)e->vlan, "ip-profile", ip);
}

/* The netslice-vld of 'nst' that sapd 'sapd' of subnet 'sub' is on, or
 * NULL. */
static const char *
on_slice_vld(const json_t *nst, const char *sub, const char *sapd)
{
    const json_t *v, *ref;
    size_t i, k;

    json_array_foreach(json_object_get(nst, "netslice-vld"), i, v)
    {
        json_array_foreach(json_object_get(v, "nss-connection-point-ref"), k,
                           ref)
        {
            if (!strcmp(str(ref, "nss-ref") ?: "", sub) &&
                !strcmp(str(ref, "nsd-connection-point-ref") ?: "", sapd)) {
                return str(v, "name") ?: str(v, "id");
            }
        }
    }
    return NULL;
}

int
slc_ep_subnets(struct slc_store *st, const json_t *nst, const json_t *eps,
               const struct slc_scope *sc, json_t **items,
               struct slc_error *err)
{
    const json_t *ep;
    size_t i;

    *items = json_array();
    json_array_foreach(eps, i, ep)
    {
        struct ep e;
        const json_t *sub, *found = NULL;
        const char *vld;
        char vl[128] = "";
        json_t *item;
        size_t k;

        if (read_ep(ep, i, &e, err)) {
            json_decref(*items);
            *items = NULL;
            return SLC_EINVALID;
        }
        json_array_foreach(json_object_get(nst, "netslice-subnet"), k, sub)
        {
            if (!found &&
                sapd_link(st, str(sub, "nsd-ref"), e.sapd, sc, vl)) {
                found = sub;
            }
        }
        if (!found) {
            json_decref(*items);
            *items = NULL;
            return slc_error_set(err, SLC_EINVALID,
                                 "epTransport[%zu].epApplicationRef: '%.64s' "
                                 "is not a sapd of a subnet of nst '%s'",
                                 i, e.sapd, str(nst, "id"));
        }
        if ((vld = on_slice_vld(nst, str(found, "id"), e.sapd))) {
            /* that sapd's link is the slice network's, not the NSMF's */
            json_decref(*items);
            *items = NULL;
            return slc_error_set(err, SLC_EINVALID,
                                 "epTransport[%zu].epApplicationRef: sapd "
                                 "'%.64s' of subnet '%s' is on netslice-vld "
                                 "'%s' of nst '%s': an endpoint needs a sapd "
                                 "of its own",
                                 i, e.sapd, str(found, "id"), vld,
                                 str(nst, "id"));
        }
        item = slc_ns_find(*items, "id", str(found, "id"));
        if (!item) {
            item = json_pack("{ss s[]}", "id", str(found, "id"), "vld");
            json_array_append_new(*items, item);
        }
        json_array_append_new(json_object_get(item, "vld"),
                              vld_params(vl, &e));
    }
    return 0;
}

/* ---- making endpoints (the NSMF's side) ---- */

struct pool_scan {
    uint32_t base;
    unsigned prefix;
    unsigned char used[256];
};

static int
scan_transport(const char *coll, const struct slc_record *rec, void *arg)
{
    struct pool_scan *p = arg;
    uint32_t ip;
    unsigned prefix;

    (void)coll;
    if (!parse_cidr(str(json_object_get(rec->doc, "transport"), "cidr"), &ip,
                    &prefix) &&
        ((ip ^ p->base) & ~(0xffffffffu >> p->prefix)) == 0) {
        p->used[((ip - p->base) >> 8) & 255] = 1;
    }
    return 0;
}

int
slc_ep_transport(struct slc_store *st, const json_t *account,
                 const char *nss_id, const char *sapd, json_t **out,
                 struct slc_error *err)
{
    const char *pool = str(account, "transport_subnet_pool")
                           ?: DEFAULT_TRANSPORT_POOL;
    struct pool_scan p = {0};
    uint32_t count, at;
    char net[16], gw[16], start[16];
    int rc;

    if (parse_cidr(pool, &p.base, &p.prefix) || p.prefix > 24) {
        return slc_error_set(err, SLC_EINVALID,
                             "nssmf account '%s': transport_subnet_pool "
                             "'%s' is not an IPv4 CIDR of /24 or wider",
                             str(account, "name"), pool);
    }
    p.base &= ~(0xffffffffu >> p.prefix);
    rc = slc_store_list(st, "slice_networks", NULL, scan_transport, &p, err);
    if (rc) {
        return rc;
    }
    count = 1u << (24 - p.prefix);
    for (at = 0; at < count && at < 256 && p.used[at]; at++) {
    }
    if (at == count || at == 256) {
        return slc_error_set(err, SLC_EBUSY,
                             "nssmf account '%s': transport_subnet_pool %s "
                             "has no free /24",
                             str(account, "name"), pool);
    }
    ip_text(p.base + (at << 8), net);
    ip_text(p.base + (at << 8) + 1, gw);
    ip_text(p.base + (at << 8) + 2, start);
    *out = json_pack(
        "{ss ss ss ss ss+ s{ss ss+ ss s{sb ss si}}}", "nss-id", nss_id,
        "sapd", sapd, "account", str(account, "_id"), "physnet",
        str(account, "physical_network"), "cidr", net, "/24", "ip-profile",
        "ip-version", "ipv4", "subnet-address", net, "/24",
        "gateway-address", gw, "dhcp-params", "enabled", 1, "start-address",
        start, "count", 126);
    return *out ? 0 : slc_error_set(err, SLC_ENOMEM, "out of memory");
}

int
slc_ep_for_subnet(struct slc_store *st, const json_t *nsi, const char *nss_id,
                  json_t **out, struct slc_error *err)
{
    const json_t *v;
    size_t i;
    int rc = 0;

    *out = json_array();
    json_array_foreach(json_object_get(slc_slice_admin(nsi), "netslice-vld"),
                       i, v)
    {
        struct slc_record net = {0};
        const json_t *t;
        uint32_t base = 0;
        unsigned prefix;
        char addr[16], gw[16], vlan[8];

        if (rc || !json_is_object(json_object_get(v, "transport")) ||
            strcmp(str(json_object_get(v, "transport"), "nss-id") ?: "",
                   nss_id)) {
            continue;
        }
        rc = slc_store_get(st, "slice_networks", str(v, "network") ?: "",
                           &net, err);
        t = json_object_get(net.doc, "transport");
        if (!rc && (!json_integer_value(json_object_get(net.doc, "vlan")) ||
                    parse_cidr(str(t, "cidr"), &base, &prefix))) {
            rc = slc_error_set(err, SLC_ECONFLICT,
                               "netslice-vld '%s': its network has no VLAN "
                               "of physical network '%s' yet",
                               str(v, "name"), str(t, "physnet"));
        }
        if (!rc) {
            ip_text(base + 128, addr);
            ip_text(base + 1, gw);
            snprintf(vlan, sizeof vlan, "%d",
                     (int)json_integer_value(json_object_get(net.doc,
                                                             "vlan")));
            json_array_append_new(
                *out,
                json_pack("{ss ss+ s{ss ss} ss s[s]}", "id", str(v, "name"),
                          "ipAddress", addr, "/24", "logicalInterfaceInfo",
                          "logicalInterfaceType", "VLAN_ID",
                          "logicalInterfaceId", vlan, "nextHopInfo", gw,
                          "epApplicationRef", str(t, "sapd")));
        }
        slc_record_clear(&net);
    }
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

int
slc_ep_ns_vld(struct slc_store *st, const char *nsd_ref, const json_t *eps,
              const struct slc_scope *sc, json_t **out, struct slc_error *err)
{
    const json_t *ep;
    size_t i;

    *out = json_array();
    json_array_foreach(eps, i, ep)
    {
        struct ep e;
        char vl[128];

        if (read_ep(ep, i, &e, err)) {
            break;
        }
        if (!sapd_link(st, nsd_ref, e.sapd, sc, vl)) {
            slc_error_set(err, SLC_EINVALID,
                          "epTransport[%zu]: nsd '%s' is not onboarded here "
                          "or has no sapd '%s' (the osm dialect puts the "
                          "endpoint on its virtual link)",
                          i, nsd_ref ? nsd_ref : "", e.sapd);
            break;
        }
        json_array_append_new(*out, vld_params(vl, &e));
    }
    if (err->code) {
        json_decref(*out);
        *out = NULL;
        return err->code;
    }
    return 0;
}

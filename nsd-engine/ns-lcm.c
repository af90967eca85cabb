/* NS lifecycle operations (see ns-lcm.h): their plans and their creation
 * (the records are built in ns-records.c, heal plans in ns-heal.c,
 * primitives in ns-primitives.c; outcomes are written back in
 * ns-outcome.c).  Plans are lists of engine steps ("_admin.steps" of the
 * operation); each step says which record part it serves ("for"), so
 * that slc_ns_op_finish() can write VIM ids, addresses and states back. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "ns-chains.h"
#include "ns-sdn.h"
#include "ns-lcm-internal.h"
#include "ns-lcm.h"
#include "pdu.h"
#include "placement.h"
#include "slc-id.h"
#include "slc-log.h"

SLC_LOG_MODULE(ns_lcm);

/* ---- plans ---- */


/* Appends a step and returns its index. */
static size_t
add_step(struct ns_plan *pl, const char *action, const char *kind,
         const char *vim, const char *tag, const char *name, json_t *spec,
         json_t *deps, json_t *for_)
{
    json_array_append_new(pl->steps, slc_ns_new_step(action, kind, vim, tag,
                                                     name, spec, deps, for_));
    return json_array_size(pl->steps) - 1;
}

static const char *
vnic_of(const char *iface_type)
{
    if (iface_type && !strcmp(iface_type, "SR-IOV")) {
        return "direct";
    }
    if (iface_type && !strcmp(iface_type, "PCI-PASSTHROUGH")) {
        return "direct-physical";
    }
    return "normal";
}

/* The network of interface 'iface': its NS VL's in 'ns_nets', or its VNF
 * VL's in 'vnf_nets' (VL id -> step index or VIM id); NULL when it is on
 * none. */
static const json_t *
net_of(const json_t *iface, const json_t *ns_nets, const json_t *vnf_nets)
{
    return slc_ns_str(iface, "ns-vld-id")
               ? json_object_get(ns_nets, slc_ns_str(iface, "ns-vld-id"))
               : json_object_get(vnf_nets,
                                 slc_ns_str(iface, "vnf-vld-id") ?: "");
}

/* The steps attaching the interfaces of a VDU that is a PDU (bound at
 * instantiation, pdu.h) to its VLs: one "baremetal" port each (Neutron's
 * vnic_type for a physical port that the VIM binds at a switch port), and
 * no compute. */
static void
plan_pdu(struct ns_plan *pl, const json_t *vnfr, const json_t *vdur,
         const char *base, const json_t *ns_nets, const json_t *vnf_nets)
{
    const json_t *iface;
    char tag[700], name[700];
    size_t i;

    json_array_foreach(json_object_get(vdur, "interfaces"), i, iface)
    {
        const json_t *net = net_of(iface, ns_nets, vnf_nets);

        if (!net) {
            continue;
        }
        snprintf(tag, sizeof tag, "%s:if:%s", base, slc_ns_str(iface, "name"));
        snprintf(name, sizeof name, "%s-%s-%s-%s", pl->ns_name,
                 slc_ns_str(vnfr, "member-vnf-index-ref"),
                 slc_ns_str(vdur, "vdu-id-ref"), slc_ns_str(iface, "name"));
        add_step(pl, "create", "port", slc_ns_str(vnfr, "vim-account-id"),
                 tag, name,
                 json_pack("{so ss ss ss* ss* s{sO* sO* sO*}}", "network",
                           json_is_integer(net)
                               ? json_pack("{sO}", "step", net)
                               : json_incref((json_t *)net),
                           "vnic_type", "baremetal", "ifname",
                           slc_ns_str(iface, "name"), "ip",
                           slc_ns_str(iface, "ip-address"), "mac",
                           slc_ns_str(iface, "mac-address"), "device", "host",
                           json_object_get(iface, "compute_node"), "pdu",
                           json_object_get(vdur, "pdu-id"), "fabric_port",
                           json_object_get(iface, "switch_port")),
                 json_is_integer(net) ? json_pack("[O]", net) : NULL,
                 json_pack("{ss ss sI}", "what", "interface", "vdur",
                           slc_ns_str(vdur, "_id"), "index", (json_int_t)i));
    }
}

/* The ip-address that 'vl' (an NSR VL, or a VL of the instantiation
 * request) fixes for connection point 'cp' of VNF 'member', or NULL. */
static const char *
fixed_ip(const json_t *vl, const char *member, const char *cp)
{
    const json_t *ref;
    size_t r;

    json_array_foreach(json_object_get(vl, "vnfd-connection-point-ref"), r,
                       ref)
    {
        if (!strcmp(slc_ns_str(ref, "member-vnf-index-ref") ?: "", member) &&
            !strcmp(slc_ns_str(ref, "vnfd-connection-point-ref") ?: "",
                    cp ? cp : "")) {
            return slc_ns_str(ref, "ip-address");
        }
    }
    return NULL;
}

/* The steps creating one VDU instance (its ports, then its compute) on
 * networks given by 'nets' (VL id -> step index or VIM id); see
 * ns-lcm-internal.h. */
void
slc_ns_plan_vdur(struct ns_plan *pl, const json_t *nsr, const json_t *vnfr,
                 const json_t *vdur, const json_t *ns_nets,
                 const json_t *vnf_nets)
{
    const char *member = slc_ns_str(vnfr, "member-vnf-index-ref");
    const char *vim = slc_ns_str(vnfr, "vim-account-id");
    const json_t *flavor = slc_ns_find(json_object_get(nsr, "flavor"), "id",
                                       slc_ns_str(vdur, "ns-flavor-id"));
    const json_t *image = slc_ns_find(json_object_get(nsr, "image"), "id",
                                      slc_ns_str(vdur, "ns-image-id"));
    json_t *ports = json_array(), *deps = json_array();
    char base[512], tag[700], name[700], cname[600];
    const json_t *iface;
    size_t i, compute, ip_port = SIZE_MAX;

    snprintf(base, sizeof base, "nsr:%s:vnf:%s:vdu:%s:%" JSON_INTEGER_FORMAT,
             pl->nsr_id, member, slc_ns_str(vdur, "vdu-id-ref"),
             json_integer_value(json_object_get(vdur, "count-index")));
    snprintf(cname, sizeof cname, "%s-%s-%s-%" JSON_INTEGER_FORMAT,
             pl->ns_name, member, slc_ns_str(vdur, "vdu-id-ref"),
             json_integer_value(json_object_get(vdur, "count-index")));
    if (slc_ns_str(vdur, "pdu-type")) {
        plan_pdu(pl, vnfr, vdur, base, ns_nets, vnf_nets);
        json_decref(ports);
        json_decref(deps);
        return;
    }
    json_array_foreach(json_object_get(vdur, "interfaces"), i, iface)
    {
        const json_t *net = net_of(iface, ns_nets, vnf_nets);
        json_t *netref;
        size_t k;

        if (!net) {
            continue; /* not connected to any VL */
        }
        netref = json_is_integer(net) ? json_pack("{sO}", "step", net)
                                      : json_incref((json_t *)net);
        const json_t *vl = slc_ns_find(json_object_get(nsr, "vld"), "id",
                                       slc_ns_str(iface, "ns-vld-id") ?: "");
        const json_t *asked = slc_ns_find(
            json_object_get(pl->params, "vld"), "name",
            slc_ns_str(iface, "ns-vld-id") ?: "");
        const char *cp = slc_ns_str(iface, "external-connection-point-ref");
        const char *fixed = fixed_ip(vl, member, cp);

        /* the request's address over the descriptor's */
        fixed = fixed_ip(asked, member, cp) ?: fixed;
        snprintf(tag, sizeof tag, "%s:if:%s", base, slc_ns_str(iface, "name"));
        snprintf(name, sizeof name, "%s-%s-%s-%" JSON_INTEGER_FORMAT "-%s",
                 pl->ns_name, member, slc_ns_str(vdur, "vdu-id-ref"),
                 json_integer_value(json_object_get(vdur, "count-index")),
                 slc_ns_str(iface, "name"));
        k = add_step(pl, "create", "port", vim, tag, name,
                     json_pack("{so ss ss* ss* ss ss}", "network", netref,
                               "vnic_type",
                               vnic_of(slc_ns_str(iface, "type")), "ifname",
                               slc_ns_str(iface, "name"), "ip", fixed,
                               "owner", base, "owner_name", cname),
                     json_is_integer(net) ? json_pack("[O]", net) : NULL,
                     json_pack("{ss ss sI}", "what", "interface", "vdur",
                               slc_ns_str(vdur, "_id"), "index",
                               (json_int_t)i));
        json_array_append_new(ports, json_pack("{sI}", "step", (json_int_t)k));
        json_array_append_new(deps, json_integer((json_int_t)k));
        if (ip_port == SIZE_MAX ||
            json_is_true(json_object_get(iface, "mgmt-interface"))) {
            ip_port = k; /* the address ip-address will have */
        }
    }
    compute = add_step(pl, "create", "compute", vim, base, cname,
             json_pack("{ss sO sO sO so sO* sO*}", "image",
                       slc_ns_str(image, "image") ?: "", "vcpus",
                       json_object_get(flavor, "vcpu-count"), "memory_mb",
                       json_object_get(flavor, "memory-mb"), "disk_gb",
                       json_object_get(flavor, "storage-gb"), "ports", ports,
                       "epa", json_object_get(flavor, "guest-epa"),
                       "user_data", json_object_get(vdur, "cloud-init")),
             deps,
             json_pack("{ss ss ss}", "what", "vdur", "vnfr",
                       slc_ns_str(vnfr, "_id"), "vdur",
                       slc_ns_str(vdur, "_id")));
    if (pl->placed) {
        json_t *p = json_pack("{sI}", "compute", (json_int_t)compute);

        if (ip_port != SIZE_MAX) {
            json_object_set_new(p, "ip", json_integer((json_int_t)ip_port));
        }
        json_object_set_new(pl->placed, slc_ns_str(vdur, "_id"), p);
    }
}

/* Whether an SR-IOV or passthrough interface joins VL 'vl': an NS VL
 * when 'vnfr' is NULL (interfaces of every VNF in 'vnfrs'), else a VL of
 * 'vnfr'.  A VIM that binds such ports only on provider networks makes
 * the VL one (vim.h's "dataplane"). */
static bool
dataplane_vl(const json_t *vnfrs, const json_t *vnfr, const char *vl)
{
    const json_t *r, *vdur, *iface;
    size_t i, j, k;

    json_array_foreach(vnfrs, i, r)
    {
        if (vnfr && r != vnfr) {
            continue;
        }
        json_array_foreach(json_object_get(r, "vdur"), j, vdur)
        {
            json_array_foreach(json_object_get(vdur, "interfaces"), k, iface)
            {
                const char *type = slc_ns_str(iface, "type") ?: "";

                if (!strcmp(slc_ns_str(iface, vnfr ? "vnf-vld-id"
                                                   : "ns-vld-id")
                                ?: "",
                            vl) &&
                    (!strcmp(type, "SR-IOV") ||
                     !strcmp(type, "PCI-PASSTHROUGH"))) {
                    return true;
                }
            }
        }
    }
    return false;
}

/* The network of NS VL 'vl' as a step spec: the request's ip-profile
 * (instantiation parameters) over the NSD's. */
static json_t *
network_spec(const json_t *params, const json_t *vl)
{
    const json_t *v = slc_ns_find(json_object_get(params, "vld"), "name",
                                  slc_ns_str(vl, "id"));
    const json_t *want = json_object_get(v, "ip-profile");
    const json_t *have = json_object_get(vl, "ip-profile");
    const char *cidr = slc_ns_str(want, "subnet-address");

    const json_t *pn = json_object_get(v, "provider-network");
    const json_t *dhcp = json_object_get(cidr ? want : have, "dhcp-params");
    json_t *spec;

    /* a provider network: on its physical network, in its VLAN; the
     * NSD's vim-network-name: the VIM's own network of that name, on VIMs
     * that have named networks (vim.h) */
    spec = json_pack(
        "{ss ss* ss* sb sO* sO* ss*}", "type", "ELAN", "cidr",
        cidr ? cidr : slc_ns_str(have, "subnet-address"), "gateway",
        cidr ? slc_ns_str(want, "gateway-address")
             : slc_ns_str(have, "gateway-address"),
        "mgmt", json_is_true(json_object_get(vl, "mgmt-network")), "physnet",
        json_object_get(pn, "physical-network"), "vlan",
        json_object_get(pn, "segmentation-id"), "vim_name",
        slc_ns_str(vl, "vim-network-name"));
    if (slc_ns_str(dhcp, "start-address") &&
        json_integer_value(json_object_get(dhcp, "count")) > 0) {
        /* the addresses ports get (OSM: the VIM's allocation pool) */
        json_object_set(spec, "pool_start",
                        json_object_get(dhcp, "start-address"));
        json_object_set(spec, "pool_count", json_object_get(dhcp, "count"));
    }
    return spec;
}

/* The existing VIM network that the request's vld item 'v' puts its VL
 * on (vim-network-id: an id, or {vimAccountId: id}), or NULL.  Such a
 * network is not the NS's: it is neither created nor deleted with it (a
 * slice's networks are given so). */
static const char *
given_network(const json_t *nsr, const json_t *v)
{
    const json_t *id = json_object_get(v, "vim-network-id");

    if (json_is_object(id)) {
        id = json_object_get(id, slc_ns_str(nsr, "datacenter"));
    }
    return json_string_value(id);
}

/* A network of another NS of the same project on the same VIM account,
 * by its VIM name, for vld[].vim-network-name. */
struct named_net {
    const char *vim, *name, *project;
    char id[128];
};

static int
find_named_net(const char *coll, const struct slc_record *rec, void *arg)
{
    struct named_net *nn = arg;
    const json_t *r;
    size_t i;

    if (!slc_ns_has(json_object_get(json_object_get(rec->doc, "_admin"),
                                    "projects_read"),
                    nn->project)) {
        return 0;
    }
    json_array_foreach(slc_ns_deployed_resources(rec->doc), i, r)
    {
        if (!strcmp(slc_ns_str(r, "kind") ?: "", "network") &&
            !strcmp(slc_ns_str(r, "vim") ?: "", nn->vim) &&
            !strcmp(slc_ns_str(r, "name") ?: "", nn->name) && !nn->id[0]) {
            snprintf(nn->id, sizeof nn->id, "%s", slc_ns_str(r, "vim_id"));
        }
    }
    return 0;
}

/* Puts each vld[] item of 'params' naming a VIM network by name
 * (vim-network-name) on that network (vim-network-id): one an NS of the
 * project made on the NS's VIM account. */
static int
resolve_network_names(struct slc_store *st, const json_t *nsr,
                      json_t *params, struct slc_error *err)
{
    json_t *v;
    size_t i;
    int rc = 0;

    json_array_foreach(json_object_get(params, "vld"), i, v)
    {
        struct named_net nn = {
            .vim = slc_ns_str(nsr, "datacenter") ?: "",
            .name = slc_ns_str(v, "vim-network-name"),
            .project = json_string_value(json_array_get(
                json_object_get(json_object_get(nsr, "_admin"),
                                "projects_read"),
                0)) ?: "",
        };

        if (rc || !nn.name) {
            continue;
        }
        rc = slc_store_list(st, "nsrs", NULL, find_named_net, &nn, err);
        if (!rc && !nn.id[0]) {
            rc = slc_error_set(err, SLC_EINVALID,
                               "vld[%zu] '%s': vim-network-name '%s': no "
                               "network of that name on vim account '%s'",
                               i, slc_ns_str(v, "name"), nn.name, nn.vim);
        }
        if (!rc) {
            json_object_set_new(v, "vim-network-id", json_string(nn.id));
        }
    }
    return rc;
}

/* VL id -> VIM id of the networks given by the request (given_network). */
static json_t *
given_networks(const json_t *nsr, const json_t *params)
{
    json_t *nets = json_object();
    const json_t *v;
    size_t i;

    json_array_foreach(json_object_get(params, "vld"), i, v)
    {
        const char *id = given_network(nsr, v);

        if (id) {
            json_object_set_new(nets, slc_ns_str(v, "name"), json_string(id));
        }
    }
    return nets;
}

static void
plan_instantiate(struct ns_plan *pl, const json_t *nsr, const json_t *vnfrs,
                 const json_t *params)
{
    json_t *ns_nets = given_networks(nsr, params);
    const json_t *vl, *vnfr;
    char tag[512], name[512];
    size_t i;

    json_array_foreach(json_object_get(nsr, "vld"), i, vl)
    {
        json_t *spec;
        size_t k;

        if (json_object_get(ns_nets, slc_ns_str(vl, "id"))) {
            continue; /* given */
        }
        snprintf(tag, sizeof tag, "nsr:%s:vld:%s", pl->nsr_id,
                 slc_ns_str(vl, "id"));
        snprintf(name, sizeof name, "%s-%s", pl->ns_name,
                 slc_ns_str(vl, "id"));
        spec = network_spec(params, vl);
        if (dataplane_vl(vnfrs, NULL, slc_ns_str(vl, "id") ?: "")) {
            json_object_set_new(spec, "dataplane", json_true());
        }
        k = add_step(
            pl, "create", "network", pl->vim, tag, name, spec,
            NULL,
            json_pack("{ss ss}", "what", "vld", "vld", slc_ns_str(vl, "id")));
        json_object_set_new(ns_nets, slc_ns_str(vl, "id"),
                            json_integer((json_int_t)k));
    }
    json_array_foreach(vnfrs, i, vnfr)
    {
        json_t *vnf_nets = json_object();
        const json_t *ivl, *vdur;
        size_t j;

        json_array_foreach(json_object_get(vnfr, "vld"), j, ivl)
        {
            size_t k;

            snprintf(tag, sizeof tag, "nsr:%s:vnf:%s:vld:%s", pl->nsr_id,
                     slc_ns_str(vnfr, "member-vnf-index-ref"),
                     slc_ns_str(ivl, "id"));
            snprintf(name, sizeof name, "%s-%s-%s", pl->ns_name,
                     slc_ns_str(vnfr, "member-vnf-index-ref"),
                     slc_ns_str(ivl, "id"));
            k = add_step(pl, "create", "network",
                         slc_ns_str(vnfr, "vim-account-id"), tag, name,
                         dataplane_vl(vnfrs, vnfr,
                                      slc_ns_str(ivl, "id") ?: "")
                             ? json_pack("{ss sb}", "type", "ELAN",
                                         "dataplane", 1)
                             : json_pack("{ss}", "type", "ELAN"),
                         NULL,
                         json_pack("{ss ss ss}", "what", "vnf-vld", "vnfr",
                                   slc_ns_str(vnfr, "_id"), "vld",
                                   slc_ns_str(ivl, "id")));
            json_object_set_new(vnf_nets, slc_ns_str(ivl, "id"),
                                json_integer((json_int_t)k));
        }
        json_array_foreach(json_object_get(vnfr, "vdur"), j, vdur)
        {
            slc_ns_plan_vdur(pl, nsr, vnfr, vdur, ns_nets, vnf_nets);
        }
        json_decref(vnf_nets);
    }
    json_decref(ns_nets);
}

/* True when resource tag 'tag' belongs to VDU instance 'prefix'. */
static bool
tag_under(const char *tag, const char *prefix)
{
    size_t n = strlen(prefix);

    return !strncmp(tag, prefix, n) && (tag[n] == '\0' || tag[n] == ':');
}

#define N_RANKS 4

static int
kind_rank(const char *kind)
{
    static const char *const order[N_RANKS - 1] = {"chain", "compute",
                                                   "port"};
    int rank = 0;

    if (!strcmp(kind, "sdn")) {
        return 0; /* services go first, as chains: they join ports */
    }
    while (rank < N_RANKS - 1 && strcmp(kind, order[rank])) {
        rank++;
    }
    return rank;
}

/* Deletes of 'resources' (those of one VDU instance when 'prefix' is not
 * NULL): chains first (they steer into ports), then computes, their
 * ports, then networks. */
void
slc_ns_plan_deletes(struct ns_plan *pl, const json_t *resources,
                    const char *prefix)
{
    json_t *by_rank[N_RANKS] = {json_array(), json_array(), json_array(),
                                json_array()};
    const json_t *r;
    size_t i;

    for (int rank = 0; rank < N_RANKS; rank++) {
        json_array_foreach(resources, i, r)
        {
            size_t k;

            if (kind_rank(slc_ns_str(r, "kind")) != rank ||
                (prefix && !tag_under(slc_ns_str(r, "tag"), prefix))) {
                continue;
            }
            k = add_step(pl, "delete", slc_ns_str(r, "kind"),
                         slc_ns_str(r, "vim"), slc_ns_str(r, "tag"),
                         slc_ns_str(r, "name") ?: "",
                         json_deep_copy(json_object_get(r, "spec")),
                         rank ? json_deep_copy(by_rank[rank - 1]) : NULL,
                         json_deep_copy(json_object_get(r, "for")));
            json_object_set_new(json_array_get(pl->steps, k), "vim_id",
                                json_string(slc_ns_str(r, "vim_id")));
            json_array_append_new(by_rank[rank], json_integer((json_int_t)k));
        }
    }
    for (int rank = 0; rank < N_RANKS; rank++) {
        json_decref(by_rank[rank]);
    }
}

/* The networks already deployed: VL id -> VIM id, for the NS or for one
 * VNF's internal VLs. */
json_t *
slc_ns_deployed_nets(const json_t *nsr, const char *vnfr_id)
{
    json_t *nets = vnfr_id ? json_object()
                           : json_deep_copy(json_object_get(
                                 json_object_get(json_object_get(nsr, "_admin"),
                                                 "deployed"),
                                 "given-networks"))
                                 ?: json_object();
    const json_t *r;
    size_t i;

    json_array_foreach(slc_ns_deployed_resources(nsr), i, r)
    {
        const json_t *f = json_object_get(r, "for");
        const char *what = slc_ns_str(f, "what");

        if (!what || strcmp(slc_ns_str(r, "kind"), "network")) {
            continue;
        }
        if (vnfr_id ? !strcmp(what, "vnf-vld") &&
                          !strcmp(slc_ns_str(f, "vnfr") ?: "", vnfr_id)
                    : !strcmp(what, "vld")) {
            json_object_set_new(nets, slc_ns_str(f, "vld"),
                                json_string(slc_ns_str(r, "vim_id")));
        }
    }
    return nets;
}

static int
plan_scale(struct slc_store *st, struct ns_plan *pl, const json_t *nsr,
           const json_t *vnfrs, const json_t *params, json_t *op_admin,
           struct slc_error *err)
{
    const json_t *data = json_object_get(params, "scaleVnfData");
    const json_t *step = json_object_get(data, "scaleByStepData");
    const char *type = slc_ns_str(data, "scaleVnfType");
    const char *aspect_id = slc_ns_str(step, "scaling-group-descriptor");
    const char *member = slc_ns_str(step, "member-vnf-index");
    const json_t *vnfr = slc_ns_find(vnfrs, "member-vnf-index-ref", member);
    const json_t *aspect, *sg, *delta;
    struct slc_record vnfd = {0};
    struct slc_scope sc;
    json_int_t nb, max;
    bool out = type && !strcmp(type, "SCALE_OUT");
    size_t i;
    int rc;

    if (!vnfr) {
        return slc_error_set(err, SLC_EINVALID,
                             "scale: member-vnf-index '%s' is not a vnf of "
                             "ns '%s'",
                             member ? member : "", pl->ns_name);
    }
    sc = slc_scope_of(nsr);
    rc = slc_store_find_in(st, "vnfds", slc_ns_str(vnfr, "vnfd-ref"), &sc,
                           &vnfd, err);
    if (rc) {
        return slc_error_prefix(err, "scale: vnfd '%s'",
                                slc_ns_str(vnfr, "vnfd-ref"));
    }
    aspect = slc_ns_find(
        json_object_get(json_array_get(json_object_get(vnfd.doc, "df"), 0),
                        "scaling-aspect"),
        "id", aspect_id);
    if (!aspect) {
        slc_record_clear(&vnfd);
        return slc_error_set(
            err, SLC_EINVALID, "scale: vnfd '%s' has no scaling-aspect '%s'",
            slc_ns_str(vnfr, "vnfd-ref"), aspect_id ? aspect_id : "");
    }
    max =
        (json_int_t)slc_ns_number(json_object_get(aspect, "max-scale-level"));
    sg = slc_ns_find(
        json_object_get(json_object_get(vnfr, "_admin"), "scaling-group"),
        "name", aspect_id);
    nb = json_integer_value(json_object_get(sg, "nb-scale-op"));
    if (out && nb + 1 > (max > 0 ? max : 1)) {
        rc = slc_error_set(err, SLC_ECONFLICT,
                           "scale: scaling group '%s' of vnf '%s' is at its "
                           "maximum level (%" JSON_INTEGER_FORMAT ")",
                           aspect_id, member, max > 0 ? max : 1);
    } else if (!out && nb <= 0) {
        rc = slc_error_set(err, SLC_ECONFLICT,
                           "scale: scaling group '%s' of vnf '%s' has "
                           "nothing to scale in",
                           aspect_id, member);
    }
    json_object_set_new(op_admin, "scale",
                        json_pack("{ss ss ss sb}", "vnfr",
                                  slc_ns_str(vnfr, "_id"), "aspect", aspect_id,
                                  "member", member, "out", out));
    json_array_foreach(
        json_object_get(
            json_array_get(
                json_object_get(
                    json_object_get(aspect, "aspect-delta-details"), "deltas"),
                0),
            "vdu-delta"),
        i, delta)
    {
        json_int_t n = (json_int_t)slc_ns_number(
            json_object_get(delta, "number-of-instances"));
        const json_t *vdu = slc_ns_find(json_object_get(vnfd.doc, "vdu"), "id",
                                        slc_ns_str(delta, "id"));
        const json_t *vdurs = json_object_get(vnfr, "vdur");

        if (rc || !vdu) {
            continue;
        }
        if (slc_ns_str(vdu, "pdu-type")) {
            rc = slc_error_set(err, SLC_EINVALID,
                               "scale: vdu '%s' of vnf '%s' is a physical "
                               "device (pdu-type '%s'): it cannot scale",
                               slc_ns_str(vdu, "id"), member,
                               slc_ns_str(vdu, "pdu-type"));
            continue;
        }
        for (json_int_t k = 0; k < (n > 0 ? n : 1); k++) {
            const json_t *v, *last = NULL;
            json_int_t top = -1;
            size_t j;

            json_array_foreach(vdurs, j, v)
            {
                json_int_t ci =
                    json_integer_value(json_object_get(v, "count-index"));

                if (!strcmp(slc_ns_str(v, "vdu-id-ref"),
                            slc_ns_str(vdu, "id")) &&
                    ci > top &&
                    !slc_ns_has(json_object_get(op_admin, "removed_vdur"),
                                slc_ns_str(v, "_id"))) {
                    top = ci;
                    last = v;
                }
            }
            if (out) {
                json_t *cp_vl = json_object();
                json_t *ns_nets = slc_ns_deployed_nets(nsr, NULL);
                json_t *vnf_nets = slc_ns_deployed_nets(nsr, slc_ns_str(vnfr, "_id"));
                json_t *added = json_object_get(op_admin, "new_vdur");
                json_int_t next = top + 1 + (json_int_t)json_array_size(added);
                const json_t *vl, *cp;
                json_t *nv;
                size_t a, c;

                json_array_foreach(json_object_get(nsr, "vld"), a, vl)
                {
                    json_array_foreach(
                        json_object_get(vl, "vnfd-connection-point-ref"), c,
                        cp)
                    {
                        char key[512];

                        snprintf(key, sizeof key, "%s/%s",
                                 slc_ns_str(cp, "member-vnf-index-ref"),
                                 slc_ns_str(cp, "vnfd-connection-point-ref"));
                        json_object_set_new(cp_vl, key,
                                            json_string(slc_ns_str(vl, "id")));
                    }
                }
                nv = slc_ns_make_vdur(
                    cp_vl, vnfd.doc, vdu, member, next,
                    last ? slc_ns_str(last, "ns-flavor-id") : "0",
                    last ? slc_ns_str(last, "ns-image-id") : "0");
                slc_ns_plan_vdur(pl, nsr, vnfr, nv, ns_nets, vnf_nets);
                json_array_append_new(added, nv);
                json_decref(ns_nets);
                json_decref(vnf_nets);
                json_decref(cp_vl);
            } else if (last) {
                char prefix[512];

                snprintf(prefix, sizeof prefix,
                         "nsr:%s:vnf:%s:vdu:%s:%" JSON_INTEGER_FORMAT,
                         pl->nsr_id, member, slc_ns_str(last, "vdu-id-ref"),
                         top);
                slc_ns_plan_deletes(pl, slc_ns_deployed_resources(nsr),
                                    prefix);
                json_array_append_new(
                    json_object_get(op_admin, "removed_vdur"),
                    json_string(slc_ns_str(last, "_id")));
            }
        }
    }
    slc_record_clear(&vnfd);
    return rc;
}

/* The resources an NS has on its VIMs ("_admin.deployed.resources"). */
const json_t *
slc_ns_deployed_resources(const json_t *nsr)
{
    return json_object_get(
        json_object_get(json_object_get(nsr, "_admin"), "deployed"),
        "resources");
}

/* Whether 'list' holds the integer 'i'. */
static bool
has_index(const json_t *list, size_t i)
{
    const json_t *v;
    size_t k;

    json_array_foreach(list, k, v)
    {
        if (json_integer_value(v) == (json_int_t)i) {
            return true;
        }
    }
    return false;
}

/* The chains and SDN-assist services through the scaled VNF follow its
 * instances: made again once the new ones have ports, or before the
 * removed ones lose theirs. */
static int
plan_scale_chains(struct slc_store *st, struct ns_plan *pl, json_t *nsr,
                  const json_t *vnfrs, const json_t *vnfds,
                  const json_t *op_admin, struct slc_error *err)
{
    json_t *now = json_deep_copy(vnfrs), *changed = json_array(), *s;
    json_t *vnfr = slc_ns_find(now, "_id",
                               slc_ns_str(json_object_get(op_admin, "scale"),
                                          "vnfr"));
    json_t *vdurs = json_object_get(vnfr, "vdur");
    const json_t *gone = json_object_get(op_admin, "removed_vdur");
    size_t i, k;
    int rc;

    for (i = json_array_size(vdurs); i-- > 0;) {
        if (slc_ns_has(gone, slc_ns_str(json_array_get(vdurs, i), "_id"))) {
            json_array_remove(vdurs, i);
        }
    }
    json_array_extend(vdurs, json_object_get(op_admin, "new_vdur"));
    rc = slc_ns_replan_chains(st, nsr, now, vnfds, pl->steps, changed, err);
    rc = rc ? rc : slc_ns_replan_sdn(st, nsr, now, pl->steps, changed, err);
    json_array_foreach(pl->steps, i, s)
    {
        if (!rc && !strcmp(slc_ns_str(s, "action"), "delete") &&
            !has_index(changed, i)) {
            json_array_foreach(changed, k, vdurs)
            {
                json_array_append(json_object_get(s, "deps"), vdurs);
            }
        }
    }
    json_decref(changed);
    json_decref(now);
    return rc;
}

/* The VDU instances a scale-out adds run their VDU's day-1 primitives
 * once they are up (the VNF's own ran when it was instantiated). */
static int
plan_scale_day1(struct ns_plan *pl, const json_t *vnfds, const json_t *nsr,
                const json_t *vnfrs, const json_t *op_admin,
                struct slc_error *err)
{
    json_t *now = json_deep_copy(vnfrs), *params;
    json_t *vnfr = slc_ns_find(now, "_id",
                               slc_ns_str(json_object_get(op_admin, "scale"),
                                          "vnfr"));
    int rc;

    if (!json_array_size(json_object_get(op_admin, "new_vdur")) || !vnfr) {
        json_decref(now);
        return 0;
    }
    json_array_extend(json_object_get(vnfr, "vdur"),
                      json_object_get(op_admin, "new_vdur"));
    params = json_object_get(nsr, "instantiate_params");
    rc = slc_ns_plan_day1(vnfds, nsr, now, params, pl->placed, pl->steps,
                          err);
    json_decref(now);
    return rc;
}

static int
check_state(const json_t *nsr, const char *type, struct slc_error *err)
{
    const json_t *admin = json_object_get(nsr, "_admin");
    const char *busy = slc_ns_str(admin, "nslcmop");
    bool inst = !strcmp(slc_ns_str(admin, "nsState") ?: "", "INSTANTIATED");

    if (busy) {
        return slc_error_set(err, SLC_EBUSY,
                             "ns '%s' has operation %s (%s) in progress",
                             slc_ns_str(nsr, "name"), busy,
                             slc_ns_str(nsr, "currentOperation"));
    }
    if (!strcmp(type, "instantiate") && inst) {
        return slc_error_set(err, SLC_ECONFLICT,
                             "ns '%s' is already instantiated",
                             slc_ns_str(nsr, "name"));
    }
    if (strcmp(type, "instantiate") && !inst) {
        return slc_error_set(err, SLC_ECONFLICT,
                             "ns '%s' is not instantiated: cannot %s it",
                             slc_ns_str(nsr, "name"), type);
    }
    return 0;
}

/* Members of the request's vld[] and vnf[] items that slicer does not
 * honour yet: refused, so that a request is never half-applied. */
static const char *const vld_later[] = {"wimAccountId", NULL};
static const char *const vnf_later[] = {"vdu", "internal-vld", NULL};
static const char *const params_vnf_known[] = {
    "member-vnf-index", "additionalParams", "additionalParamsForVdu",
    "additionalParamsForKdu", NULL,
};
static const char *const none[] = {NULL};

static int
check_item(const json_t *item, const char *list, size_t i, const char *key,
           const char *const *known, const char *const *later,
           struct slc_error *err)
{
    const char *k;
    const json_t *v;

    if (!json_is_object(item) || !json_is_string(json_object_get(item, key))) {
        return slc_error_set(err, SLC_EINVALID,
                             "%s[%zu] must be an object with a string '%s'",
                             list, i, key);
    }
    json_object_foreach((json_t *)item, k, v)
    {
        bool ok = false;

        for (size_t j = 0; known[j] && !ok; j++) {
            ok = !strcmp(k, known[j]);
        }
        for (size_t j = 0; later[j]; j++) {
            if (!strcmp(k, later[j])) {
                return slc_error_set(err, SLC_EINVALID,
                                     "%s[%zu] '%s': %s is not supported "
                                     "yet",
                                     list, i,
                                     slc_ns_str(item, key), k);
            }
        }
        if (!ok) {
            return slc_error_set(err, SLC_EINVALID,
                                 "%s[%zu] '%s': unknown member '%s'", list, i,
                                 slc_ns_str(item, key), k);
        }
    }
    return 0;
}

/* check_item() for an item of list 'list' that names a VNF of the NS by
 * its member-vnf-index, which must be one. */
static int
check_member(const json_t *nsr, const json_t *vnfrs, const json_t *item,
             const char *list, size_t i, const char *const *known,
             const char *const *later, struct slc_error *err)
{
    int rc = check_item(item, list, i, "member-vnf-index", known, later,
                        err);

    if (!rc && !slc_ns_find(vnfrs, "member-vnf-index-ref",
                            slc_ns_str(item, "member-vnf-index"))) {
        rc = slc_error_set(err, SLC_EINVALID,
                           "%s[%zu]: ns '%s' has no member-vnf-index '%s'",
                           list, i, slc_ns_str(nsr, "name"),
                           slc_ns_str(item, "member-vnf-index"));
    }
    return rc;
}

/* The request's vld[i].vnfd-connection-point-ref[] (fixed addresses):
 * each a connection point that NSR VL 'vl' has, with an IPv4 address. */
static int
check_cp_refs(const json_t *vl, const json_t *v, size_t i,
              struct slc_error *err)
{
    const json_t *refs = json_object_get(v, "vnfd-connection-point-ref");
    const json_t *ref;
    size_t k;

    if (refs && !json_is_array(refs)) {
        return slc_error_set(err, SLC_EINVALID,
                             "vld[%zu] '%s': vnfd-connection-point-ref must "
                             "be a list",
                             i, slc_ns_str(v, "name"));
    }
    json_array_foreach(refs, k, ref)
    {
        const char *member = slc_ns_str(ref, "member-vnf-index-ref");
        const char *cp = slc_ns_str(ref, "vnfd-connection-point-ref");
        const char *ip = slc_ns_str(ref, "ip-address");
        struct in_addr a;
        const json_t *have;
        size_t h;
        bool found = false;

        json_array_foreach(json_object_get(vl, "vnfd-connection-point-ref"), h,
                           have)
        {
            found |= member && cp &&
                     !strcmp(slc_ns_str(have, "member-vnf-index-ref") ?: "",
                             member) &&
                     !strcmp(slc_ns_str(have, "vnfd-connection-point-ref")
                                 ?: "",
                             cp);
        }
        if (!found) {
            return slc_error_set(
                err, SLC_EINVALID,
                "vld[%zu] '%s': vnfd-connection-point-ref[%zu]: VL '%s' has "
                "no connection point '%s' of member-vnf-index '%s'",
                i, slc_ns_str(v, "name"), k, slc_ns_str(v, "name"),
                cp ? cp : "", member ? member : "");
        }
        if (!ip || inet_pton(AF_INET, ip, &a) != 1) {
            return slc_error_set(err, SLC_EINVALID,
                                 "vld[%zu] '%s': vnfd-connection-point-ref"
                                 "[%zu]: ip-address '%s' is not an IPv4 "
                                 "address",
                                 i, slc_ns_str(v, "name"), k,
                                 ip ? ip : "");
        }
    }
    return 0;
}

/* The instantiate request's vld[] must name VLs of the NSD and its vnf[]
 * members of it; what they ask must be something slicer does. */
static int
check_instantiate(const json_t *nsr, const json_t *vnfrs,
                  const json_t *params, struct slc_error *err)
{
    static const char *const vld_known[] = {"name", "ip-profile", "ns-net",
                                            "vnfd-connection-point-ref",
                                            "vim-network-id",
                                            "vim-network-name",
                                            "provider-network", NULL};
    static const char *const vnf_known[] = {"member-vnf-index",
                                            "vimAccountId", NULL};
    const json_t *v;
    size_t i;
    int rc = 0;

    json_array_foreach(json_object_get(params, "vld"), i, v)
    {
        rc = rc ? rc
                : check_item(v, "vld", i, "name", vld_known, vld_later, err);
        if (!rc && !slc_ns_find(json_object_get(nsr, "vld"), "id",
                                slc_ns_str(v, "name"))) {
            rc = slc_error_set(err, SLC_EINVALID,
                               "vld[%zu]: ns '%s' has no VL '%s'", i,
                               slc_ns_str(nsr, "name"), slc_ns_str(v, "name"));
        }
        rc = rc ? rc
                : check_cp_refs(slc_ns_find(json_object_get(nsr, "vld"), "id",
                                            slc_ns_str(v, "name")),
                                v, i, err);
        rc = rc ? rc : slc_ns_check_provider_network(v, i, err);
        if (!rc && json_object_get(v, "vim-network-name") &&
            (!json_is_string(json_object_get(v, "vim-network-name")) ||
             json_object_get(v, "vim-network-id"))) {
            rc = slc_error_set(err, SLC_EINVALID,
                               "vld[%zu] '%s': vim-network-name must be a "
                               "text, and not given with vim-network-id",
                               i, slc_ns_str(v, "name"));
        }
        if (!rc && json_object_get(v, "vim-network-id") &&
            !given_network(nsr, v)) {
            rc = slc_error_set(err, SLC_EINVALID,
                               "vld[%zu] '%s': vim-network-id must be a "
                               "string, or an object with one for VIM "
                               "account '%s'",
                               i, slc_ns_str(v, "name"),
                               slc_ns_str(nsr, "datacenter"));
        }
    }
    json_array_foreach(json_object_get(params, "vnf"), i, v)
    {
        const char *vim = slc_ns_str(v, "vimAccountId");

        rc = rc ? rc
                : check_member(nsr, vnfrs, v, "vnf", i, vnf_known,
                               vnf_later, err);
        if (!rc && vim && strcmp(vim, slc_ns_str(nsr, "datacenter"))) {
            rc = slc_error_set(err, SLC_EINVALID,
                               "vnf[%zu] '%s': vimAccountId '%s' differs "
                               "from the ns's; placing VNFs on several "
                               "VIMs is not supported yet",
                               i, slc_ns_str(v, "member-vnf-index"), vim);
        }
    }
    json_array_foreach(json_object_get(params, "additionalParamsForVnf"), i, v)
    {
        rc = rc ? rc
                : check_member(nsr, vnfrs, v, "additionalParamsForVnf", i,
                               params_vnf_known, none, err);
        if (!rc && json_object_get(v, "additionalParams") &&
            !json_is_object(json_object_get(v, "additionalParams"))) {
            rc = slc_error_set(err, SLC_EINVALID,
                               "additionalParamsForVnf[%zu] '%s': "
                               "additionalParams must be an object",
                               i, slc_ns_str(v, "member-vnf-index"));
        }
    }
    return rc ? rc : slc_ns_check_chains(nsr, params, err);
}

/* Places the plan's VDUs (placement.h).  When they do not fit, the
 * operation is still created, refused: it fails at once with the reason
 * and nothing allocated, as an operator expects of an accepted request. */
static int
place(struct slc_store *st, struct ns_plan *pl, const char *op_id,
      json_t *admin, struct slc_error *err)
{
    struct slc_record account = {0};
    int rc = slc_store_get_shared(st, "vim_accounts", pl->vim, &account,
                                  err);

    if (!rc) {
        rc = slc_place_plan(st, account.doc, pl->vim, pl->steps, op_id,
                            pl->nsr_id, err);
    }
    slc_record_clear(&account);
    if (rc == SLC_EBUSY || rc == SLC_EINVALID) {
        json_object_set_new(admin, "refused", json_string(err->msg));
        json_array_clear(pl->steps);
        rc = 0;
    }
    return rc;
}

/* An instantiate occurrence's operationParams name the NS as OSM's do
 * (the create request's nsName, nsDescription, nsdId, plus nsr_id), also
 * when the instantiate request itself gave none of them: osmclient's
 * "ns-op-list --long" reads every one. */
static void
fill_instantiate_params(json_t *params, const struct slc_record *nsr)
{
    static const char *const from[][2] = {
        {"nsName", "name"},
        {"nsDescription", "description"},
        {"nsdId", "nsd-id"},
        {"vimAccountId", "datacenter"},
    };

    for (size_t i = 0; i < sizeof from / sizeof from[0]; i++) {
        const json_t *v = json_object_get(nsr->doc, from[i][1]);

        if (!json_object_get(params, from[i][0])) {
            json_object_set_new(params, from[i][0],
                                v ? json_deep_copy(v) : json_null());
        }
    }
    json_object_set_new(params, "nsr_id", json_string(nsr->id));
}

/* A terminate: the terminate-config-primitives first (unless the request
 * says skip_terminate_primitives), then every resource deleted once they
 * have run. */
static int
plan_terminate(struct ns_plan *pl, const json_t *vnfds, const json_t *nsr,
               const json_t *vnfrs, const json_t *params,
               struct slc_error *err)
{
    json_t *runs = json_array(), *s;
    size_t first, i;
    int rc = 0;

    if (!json_is_true(json_object_get(params, "skip_terminate_primitives"))) {
        rc = slc_ns_plan_terminate_primitives(vnfds, nsr, vnfrs, pl->steps,
                                              runs, err);
    }
    first = json_array_size(pl->steps);
    if (!rc) {
        slc_ns_plan_deletes(pl, slc_ns_deployed_resources(nsr), NULL);
    }
    for (i = first; !rc && i < json_array_size(pl->steps); i++) {
        s = json_array_get(pl->steps, i);
        json_array_extend(json_object_get(s, "deps"), runs);
    }
    json_decref(runs);
    return rc;
}

static const struct {
    const char *type, *current, *opstatus, *nsstate;
} op_marks[] = {
    {"instantiate", "INSTANTIATING", "init", "BUILDING"},
    {"terminate", "TERMINATING", "terminating", "TERMINATING"},
    {"scale", "SCALING", "scaling", NULL},
    {"action", "ACTION", "running", NULL},
    {"heal", "HEALING", "healing", NULL},
};

#define N_OP_MARKS (sizeof op_marks / sizeof op_marks[0])

/* slc_ns_op_create(), and without writing the operation and the NS
 * record, or changing the NS record's tree, unless 'write'
 * (slc_ns_op_try). */
static int
op_create(struct slc_store *st, struct slc_record *nsr, const char *type,
          const json_t *params, double now, double timeout, bool write,
          struct slc_record *op_out, json_t **context, struct slc_error *err)
{
    char op_id[40];
    int64_t op_rev = 0;
    json_t *vnfrs = NULL, *vnfds = NULL, *op = NULL, *admin, *op_params;
    json_t *own_params = NULL;
    struct ns_plan pl = {.nsr_id = nsr->id, .steps = json_array(),
                      .placed = json_object()};
    size_t m = 0;
    int rc;

    memset(op_out, 0, sizeof *op_out);
    *context = NULL;
    while (m < N_OP_MARKS && strcmp(op_marks[m].type, type)) {
        m++;
    }
    if (m == N_OP_MARKS) {
        json_decref(pl.steps);
        json_decref(pl.placed);
        return slc_error_set(err, SLC_EINVALID, "unknown operation '%s'",
                             type);
    }
    if ((rc = slc_store_begin(st, err))) {
        json_decref(pl.steps);
        json_decref(pl.placed);
        return rc;
    }
    rc = check_state(nsr->doc, type, err);
    rc = rc ? rc : slc_ns_load_vnfrs(st, nsr->id, &vnfrs, err);
    rc = rc ? rc : slc_ns_load_vnfds(st, vnfrs, &vnfds, err);
    if (!rc && !strcmp(type, "instantiate")) {
        struct slc_scope sc = slc_scope_of(nsr->doc);

        rc = check_instantiate(nsr->doc, vnfrs, params, err);
        if (!rc && (own_params = json_deep_copy(params))) {
            /* from here on, networks named by name are networks given */
            params = own_params;
            rc = resolve_network_names(st, nsr->doc, own_params, err);
        }
        rc = rc ? rc
                : slc_pdu_bind(st, &sc, slc_ns_str(nsr->doc, "datacenter"),
                               nsr->id, vnfrs, err);
    }
    if (!rc && slc_uuid7(op_id)) {
        rc = slc_error_set(err, SLC_EIO, "no random source");
    }
    if (!rc) {
        pl.nsr_id = nsr->id;
        pl.vim = slc_ns_str(nsr->doc, "datacenter");
        pl.ns_name = slc_ns_str(nsr->doc, "name");
        admin =
            json_pack("{sf sf sO sO s[] s[] sf}", "created", now, "modified",
                      now, "projects_read",
                      json_object_get(json_object_get(nsr->doc, "_admin"),
                                      "projects_read"),
                      "projects_write",
                      json_object_get(json_object_get(nsr->doc, "_admin"),
                                      "projects_write"),
                      "new_vdur", "removed_vdur", "deadline", now + timeout);
        if (!strcmp(type, "instantiate")) {
            pl.params = params;
            plan_instantiate(&pl, nsr->doc, vnfrs, params);
            rc = slc_ns_plan_sdn(st, nsr->doc, vnfrs, params, pl.steps,
                                 err);
            rc = rc ? rc
                    : slc_ns_plan_chains(st, nsr->doc, vnfrs, vnfds, params,
                                         pl.steps, err);
            rc = rc ? rc
                    : slc_ns_plan_day1(vnfds, nsr->doc, vnfrs, params,
                                       pl.placed, pl.steps, err);
            slc_ns_sdn_gate(pl.steps);
            if (write) { /* a try leaves the record as it was */
                json_object_set_new(
                    json_object_get(json_object_get(nsr->doc, "_admin"),
                                    "deployed"),
                    "given-networks", given_networks(nsr->doc, params));
            }
        } else if (!strcmp(type, "terminate")) {
            rc = plan_terminate(&pl, vnfds, nsr->doc, vnfrs, params, err);
        } else if (!strcmp(type, "action")) {
            json_int_t t = json_integer_value(
                json_object_get(params, "timeout_ns_action"));

            rc = slc_ns_plan_action(vnfds, json_object_get(nsr->doc, "nsd"),
                                    nsr->doc, vnfrs, params, pl.steps, err);
            if (!rc && t > 0) {
                /* each primitive has that long, one after the other */
                json_object_set_new(
                    admin, "deadline",
                    json_real(now + (double)t * (double)json_array_size(
                                                    pl.steps) +
                              30));
            }
        } else if (!strcmp(type, "heal")) {
            rc = slc_ns_plan_heal(&pl, st, nsr->doc, vnfrs, vnfds, params, admin,
                           err);
        } else {
            rc = plan_scale(st, &pl, nsr->doc, vnfrs, params, admin, err);
            rc = rc ? rc : plan_scale_chains(st, &pl, nsr->doc, vnfrs, vnfds,
                                             admin, err);
            rc = rc ? rc : plan_scale_day1(&pl, vnfds, nsr->doc, vnfrs,
                                           admin, err);
        }
        /* a heal keeps the placement its VDUs had */
        if (!rc && strcmp(type, "terminate") && strcmp(type, "action") &&
            strcmp(type, "heal")) {
            rc = place(st, &pl, op_id, admin, err);
        }
        json_object_set(admin, "steps", pl.steps);
        op_params = json_deep_copy(params);
        json_object_set_new(op_params, "lcmOperationType", json_string(type));
        json_object_set_new(op_params, "nsInstanceId", json_string(nsr->id));
        if (!strcmp(type, "instantiate")) {
            fill_instantiate_params(op_params, nsr);
        }
        op = json_pack(
            "{ss ss ss si ss sn sn sf ss ss sf sb so sb s{ss ss} ss so}",
            "_id", op_id, "id", op_id, "operationState", "PROCESSING",
            "queuePosition", 0, "stage", "", "errorMessage", "detailedStatus",
            "statusEnteredTime", now, "nsInstanceId", nsr->id,
            "lcmOperationType", type, "startTime", now,
            "isAutomaticInvocation",
            json_is_true(json_object_get(params, "isAutomaticInvocation")),
            "operationParams", op_params,
            "isCancelPending", 0, "links", "self", "", "nsInstance", "",
            "detailed-status", "processing", "_admin", admin);
    }
    if (!rc && write) {
        char link[256];
        json_t *nadmin = json_object_get(nsr->doc, "_admin");
        struct slc_record orec = {.id = op_id, .name = nsr->id, .doc = op};

        snprintf(link, sizeof link, "/osm/nslcm/v1/ns_lcm_op_occs/%s", op_id);
        json_object_set_new(json_object_get(op, "links"), "self",
                            json_string(link));
        snprintf(link, sizeof link, "/osm/nslcm/v1/ns_instances/%s", nsr->id);
        json_object_set_new(json_object_get(op, "links"), "nsInstance",
                            json_string(link));
        json_object_set_new(nsr->doc, "currentOperation",
                            json_string(op_marks[m].current));
        json_object_set_new(nsr->doc, "currentOperationID", json_string(op_id));
        json_object_set_new(nsr->doc, "operational-status",
                            json_string(op_marks[m].opstatus));
        if (op_marks[m].nsstate) {
            json_object_set_new(nsr->doc, "nsState",
                                json_string(op_marks[m].nsstate));
        }
        if (!strcmp(type, "terminate")) {
            json_object_set_new(nsr->doc, "config-status",
                                json_string("terminating"));
        }
        json_object_set_new(nsr->doc, "detailed-status",
                            json_string("processing"));
        json_object_set_new(nadmin, "nslcmop", json_string(op_id));
        json_object_set_new(nadmin, "modified", json_real(now));
        slc_engine_mark_first_steps(op);
        rc = slc_store_put(st, "nslcmops", &orec, NULL, SLC_REV_NEW, &op_rev,
                           err);
        if (!rc) {
            /* not slc_record.reread: the operation ends on the tree its
             * context keeps (slc_ns_op_finish), and reads the NSR back
             * only when the NS moved on since */
            rc = slc_store_put(st, "nsrs", nsr, NULL, nsr->rev, &nsr->rev,
                               err);
        }
    }
    rc = rc ? rc : slc_store_commit(st, err);
    if (rc) {
        slc_store_rollback(st);
    } else {
        if (write) {
            SLC_INFO("ns '%s': %s operation %s with %zu steps", pl.ns_name,
                     type, op_id, json_array_size(pl.steps));
        }
        op_out->id = strdup(op_id);
        op_out->name = strdup(nsr->id);
        op_out->rev = op_rev;
        op_out->doc = json_incref(op);
        *context = json_pack("{sO sI sO}", "nsr", nsr->doc, "nsr_rev",
                             (json_int_t)nsr->rev, "vnfrs", vnfrs);
        if (!op_out->id || !op_out->name) {
            slc_record_clear(op_out);
            rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
        }
    }
    json_decref(op);
    json_decref(vnfrs);
    json_decref(vnfds);
    json_decref(pl.steps);
    json_decref(pl.placed);
    json_decref(own_params);
    return rc;
}

int
slc_ns_op_create(struct slc_store *st, struct slc_record *nsr, const char *type,
                 const json_t *params, double now, double timeout,
                 struct slc_record *op_out, json_t **context,
                 struct slc_error *err)
{
    return op_create(st, nsr, type, params, now, timeout, true, op_out,
                     context, err);
}

int
slc_ns_op_try(struct slc_store *st, struct slc_record *nsr, const char *type,
              const json_t *params, double now, double timeout,
              struct slc_record *op_out, json_t **context,
              struct slc_error *err)
{
    /* the planners add to the record's top level (the chains' vnffgr): a
     * try adds them to a shallow copy, and op_create changes nothing
     * deeper when it does not write */
    struct slc_record tried = *nsr;
    int rc;

    if (!(tried.doc = json_copy(nsr->doc))) {
        memset(op_out, 0, sizeof *op_out);
        *context = NULL;
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    rc = op_create(st, &tried, type, params, now, timeout, false, op_out,
                   context, err);
    json_decref(tried.doc);
    return rc;
}

int
slc_ns_check_action(struct slc_store *st, const struct slc_record *nsr,
                    const json_t *req, struct slc_error *err)
{
    json_t *vnfrs = NULL, *vnfds = NULL, *steps = json_array();
    int rc = check_state(nsr->doc, "action", err);

    rc = rc ? rc : slc_ns_load_vnfrs(st, nsr->id, &vnfrs, err);
    rc = rc ? rc : slc_ns_load_vnfds(st, vnfrs, &vnfds, err);
    rc = rc ? rc
            : slc_ns_plan_action(vnfds, json_object_get(nsr->doc, "nsd"),
                                 nsr->doc, vnfrs, req, steps, err);
    json_decref(vnfrs);
    json_decref(vnfds);
    json_decref(steps);
    return rc;
}

/* NS lifecycle operations (see ns-lcm.h): their plans, their creation and
 * how their outcome is written back to the records (built in
 * ns-records.c).  Plans are lists of engine steps ("_admin.steps" of
 * the operation); each step says which record part it serves ("for"), so
 * that slc_ns_op_finish() can write VIM ids, addresses and states back. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "ns-chains.h"
#include "ns-lcm-internal.h"
#include "ns-lcm.h"
#include "pdu.h"
#include "placement.h"
#include "slc-id.h"
#include "slc-log.h"

SLC_LOG_MODULE(ns_lcm);

/* ---- plans ---- */

struct plan {
    json_t *steps;
    const char *nsr_id;
    const char *vim;
    const char *ns_name;
    const json_t *params; /* the instantiation's, or NULL */
    json_t *placed;       /* VDU record _id -> {compute, ip}: its steps */
};

/* Appends a step and returns its index. */
static size_t
add_step(struct plan *pl, const char *action, const char *kind,
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
plan_pdu(struct plan *pl, const json_t *vnfr, const json_t *vdur,
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
 * networks given by 'nets' (VL id -> step index or VIM id). */
static void
plan_vdur(struct plan *pl, const json_t *nsr, const json_t *vnfr,
          const json_t *vdur, const json_t *ns_nets, const json_t *vnf_nets)
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
             json_pack("{ss sO sO sO so sO*}", "image",
                       slc_ns_str(image, "image") ?: "", "vcpus",
                       json_object_get(flavor, "vcpu-count"), "memory_mb",
                       json_object_get(flavor, "memory-mb"), "disk_gb",
                       json_object_get(flavor, "storage-gb"), "ports", ports,
                       "epa", json_object_get(flavor, "guest-epa")),
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

    return json_pack(
        "{ss ss* ss* sb}", "type", "ELAN", "cidr",
        cidr ? cidr : slc_ns_str(have, "subnet-address"), "gateway",
        cidr ? slc_ns_str(want, "gateway-address")
             : slc_ns_str(have, "gateway-address"),
        "mgmt", json_is_true(json_object_get(vl, "mgmt-network")));
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
plan_instantiate(struct plan *pl, const json_t *nsr, const json_t *vnfrs,
                 const json_t *params)
{
    json_t *ns_nets = given_networks(nsr, params);
    const json_t *vl, *vnfr;
    char tag[512], name[512];
    size_t i;

    json_array_foreach(json_object_get(nsr, "vld"), i, vl)
    {
        size_t k;

        if (json_object_get(ns_nets, slc_ns_str(vl, "id"))) {
            continue; /* given */
        }
        snprintf(tag, sizeof tag, "nsr:%s:vld:%s", pl->nsr_id,
                 slc_ns_str(vl, "id"));
        snprintf(name, sizeof name, "%s-%s", pl->ns_name,
                 slc_ns_str(vl, "id"));
        k = add_step(
            pl, "create", "network", pl->vim, tag, name,
            network_spec(params, vl),
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
                         json_pack("{ss}", "type", "ELAN"), NULL,
                         json_pack("{ss ss ss}", "what", "vnf-vld", "vnfr",
                                   slc_ns_str(vnfr, "_id"), "vld",
                                   slc_ns_str(ivl, "id")));
            json_object_set_new(vnf_nets, slc_ns_str(ivl, "id"),
                                json_integer((json_int_t)k));
        }
        json_array_foreach(json_object_get(vnfr, "vdur"), j, vdur)
        {
            plan_vdur(pl, nsr, vnfr, vdur, ns_nets, vnf_nets);
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

    while (rank < N_RANKS - 1 && strcmp(kind, order[rank])) {
        rank++;
    }
    return rank;
}

/* Deletes of 'resources' (those of one VDU instance when 'prefix' is not
 * NULL): chains first (they steer into ports), then computes, their
 * ports, then networks. */
static void
plan_deletes(struct plan *pl, const json_t *resources, const char *prefix)
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
static json_t *
deployed_nets(const json_t *nsr, const char *vnfr_id)
{
    json_t *nets = vnfr_id ? json_object()
                           : json_deep_copy(json_object_get(
                                 json_object_get(json_object_get(nsr, "_admin"),
                                                 "deployed"),
                                 "given-networks"))
                                 ?: json_object();
    const json_t *r;
    size_t i;

    json_array_foreach(
        json_object_get(
            json_object_get(json_object_get(nsr, "_admin"), "deployed"),
            "resources"),
        i, r)
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
plan_scale(struct slc_store *st, struct plan *pl, const json_t *nsr,
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
                json_t *ns_nets = deployed_nets(nsr, NULL);
                json_t *vnf_nets = deployed_nets(nsr, slc_ns_str(vnfr, "_id"));
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
                plan_vdur(pl, nsr, vnfr, nv, ns_nets, vnf_nets);
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
                plan_deletes(
                    pl,
                    json_object_get(
                        json_object_get(json_object_get(nsr, "_admin"),
                                        "deployed"),
                        "resources"),
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
static const json_t *
deployed_resources(const json_t *nsr)
{
    return json_object_get(
        json_object_get(json_object_get(nsr, "_admin"), "deployed"),
        "resources");
}

/* The deployed resource of 'kind' whose tag is 'tag', or NULL. */
static const json_t *
deployed_of(const json_t *nsr, const char *kind, const char *tag)
{
    const json_t *r;
    size_t i;

    json_array_foreach(deployed_resources(nsr), i, r)
    {
        if (!strcmp(slc_ns_str(r, "kind") ?: "", kind) &&
            !strcmp(slc_ns_str(r, "tag") ?: "", tag)) {
            return r;
        }
    }
    return NULL;
}

/* Whether heal target list 'out' has VDU record 'vdur' already. */
static bool
named_twice(const json_t *out, const json_t *vdur)
{
    const json_t *t;
    size_t i;

    json_array_foreach(out, i, t)
    {
        if (json_object_get(t, "vdur") == vdur) {
            return true;
        }
    }
    return false;
}

/* The VDU instances a heal request names: OSM's body, vnf[] with
 * vnfInstanceId and additionalParams {run-day1, vdu[] {vdu-id,
 * count-index, run-day1}} (no vdu: every VDU of the VNF).  '*out' gets
 * [{vnfr, vdur, day1}] (borrowed records).  SLC_EINVALID naming what
 * does not exist or cannot be healed. */
static int
heal_targets(const json_t *nsr, const json_t *vnfrs, const json_t *params,
             json_t *out, struct slc_error *err)
{
    const json_t *v, *want, *vdur;
    size_t i, j, k;

    json_array_foreach(json_object_get(params, "vnf"), i, v)
    {
        const char *id = slc_ns_str(v, "vnfInstanceId");
        const json_t *vnfr = slc_ns_find(vnfrs, "_id", id ? id : "");
        const json_t *ap = json_object_get(v, "additionalParams");
        const json_t *vdus = json_object_get(ap, "vdu");
        bool day1 = json_is_true(json_object_get(ap, "run-day1"));

        if (!vnfr) {
            return slc_error_set(err, SLC_EINVALID,
                                 "heal: vnf[%zu].vnfInstanceId '%s' is not a "
                                 "vnf of ns '%s'",
                                 i, id ? id : "", slc_ns_str(nsr, "name"));
        }
        json_array_foreach(json_object_get(vnfr, "vdur"), j, vdur)
        {
            const json_t *asked = NULL;

            json_array_foreach(vdus, k, want)
            {
                if (!strcmp(slc_ns_str(want, "vdu-id") ?: "",
                            slc_ns_str(vdur, "vdu-id-ref") ?: "") &&
                    (int64_t)slc_ns_number(json_object_get(want,
                                                           "count-index")) ==
                        json_integer_value(json_object_get(vdur,
                                                           "count-index"))) {
                    asked = want;
                }
            }
            if (vdus && !asked) {
                continue;
            }
            if (named_twice(out, vdur)) {
                continue; /* once is enough */
            }
            if (slc_ns_str(vdur, "pdu-type")) {
                return slc_error_set(err, SLC_EINVALID,
                                     "heal: vdu '%s' of vnf '%s' is a "
                                     "physical device: it cannot be "
                                     "recreated",
                                     slc_ns_str(vdur, "vdu-id-ref"),
                                     slc_ns_str(vnfr,
                                                "member-vnf-index-ref"));
            }
            json_array_append_new(
                out, json_pack("{sO sO sb}", "vnfr", vnfr, "vdur", vdur,
                               "day1",
                               asked && json_object_get(asked, "run-day1")
                                   ? json_is_true(json_object_get(
                                         asked, "run-day1"))
                                   : day1));
        }
        json_array_foreach(vdus, k, want)
        {
            bool found = false;

            json_array_foreach(json_object_get(vnfr, "vdur"), j, vdur)
            {
                found |= !strcmp(slc_ns_str(want, "vdu-id") ?: "",
                                 slc_ns_str(vdur, "vdu-id-ref") ?: "") &&
                         (int64_t)slc_ns_number(json_object_get(
                             want, "count-index")) ==
                             json_integer_value(
                                 json_object_get(vdur, "count-index"));
            }
            if (!found) {
                return slc_error_set(
                    err, SLC_EINVALID,
                    "heal: vnf '%s' has no instance %lld of vdu '%s'",
                    slc_ns_str(vnfr, "member-vnf-index-ref"),
                    (long long)slc_ns_number(json_object_get(want,
                                                             "count-index")),
                    slc_ns_str(want, "vdu-id") ?: "");
            }
        }
    }
    if (!json_array_size(out)) {
        return slc_error_set(err, SLC_EINVALID,
                             "heal: the request names no VDU to heal (give "
                             "vnf[].vnfInstanceId)");
    }
    return 0;
}

/* A heal: each VDU instance named is deleted (what is left of it: a
 * namespace that vanished is already gone) and made again with its
 * ports, addresses and placement as they were; the chains through it are
 * installed again on its new ports; its day-1 primitives run again when
 * asked. */
static int
plan_heal(struct plan *pl, struct slc_store *st, json_t *nsr,
          const json_t *vnfrs, const json_t *vnfds, const json_t *params,
          json_t *op_admin, struct slc_error *err)
{
    json_t *targets = json_array(), *day1 = json_object(), *changed;
    const json_t *t, *resources = deployed_resources(nsr);
    size_t i;
    int rc = heal_targets(nsr, vnfrs, params, targets, err);

    pl->params = json_object_get(nsr, "instantiate_params");
    json_array_foreach(rc ? NULL : targets, i, t)
    {
        const json_t *vnfr = json_object_get(t, "vnfr");
        const json_t *vdur = json_object_get(t, "vdur");
        json_t *ns_nets = deployed_nets(nsr, NULL);
        json_t *vnf_nets = deployed_nets(nsr, slc_ns_str(vnfr, "_id"));
        json_t *deletes = json_array();
        char prefix[512];
        size_t first = json_array_size(pl->steps), mid, k;

        snprintf(prefix, sizeof prefix,
                 "nsr:%s:vnf:%s:vdu:%s:%" JSON_INTEGER_FORMAT, pl->nsr_id,
                 slc_ns_str(vnfr, "member-vnf-index-ref"),
                 slc_ns_str(vdur, "vdu-id-ref"),
                 json_integer_value(json_object_get(vdur, "count-index")));
        plan_deletes(pl, resources, prefix);
        mid = json_array_size(pl->steps);
        for (k = first; k < mid; k++) {
            json_array_append_new(deletes, json_integer((json_int_t)k));
        }
        plan_vdur(pl, nsr, vnfr, vdur, ns_nets, vnf_nets);
        for (k = mid; k < json_array_size(pl->steps); k++) {
            json_t *s = json_array_get(pl->steps, k);
            json_t *spec = json_object_get(s, "spec");
            const json_t *was = deployed_of(nsr, slc_ns_str(s, "kind"),
                                            slc_ns_str(s, "tag"));
            static const char *const kept[] = {"host", "placement", "device",
                                               NULL};

            /* where it was, as it was: its placement, its device */
            for (size_t q = 0; kept[q]; q++) {
                const json_t *v = json_object_get(
                    json_object_get(was, "spec"), kept[q]);

                if (v && !json_object_get(spec, kept[q])) {
                    json_object_set(spec, kept[q], (json_t *)v);
                }
            }
            if (!strcmp(slc_ns_str(s, "kind") ?: "", "port")) {
                /* the addresses it had */
                const json_t *iface = json_array_get(
                    json_object_get(vdur, "interfaces"),
                    (size_t)json_integer_value(json_object_get(
                        json_object_get(s, "for"), "index")));

                if (!json_is_string(json_object_get(spec, "ip")) &&
                    json_is_string(json_object_get(iface, "ip-address"))) {
                    json_object_set(spec, "ip",
                                    json_object_get(iface, "ip-address"));
                }
                if (!json_is_string(json_object_get(spec, "mac")) &&
                    json_is_string(json_object_get(iface, "mac-address"))) {
                    json_object_set(spec, "mac",
                                    json_object_get(iface, "mac-address"));
                }
            }
            json_array_extend(json_object_get(s, "deps"), deletes);
        }
        if (json_is_true(json_object_get(t, "day1"))) {
            json_object_set(day1, slc_ns_str(vdur, "_id"),
                            json_object_get(pl->placed,
                                            slc_ns_str(vdur, "_id")));
        }
        json_decref(deletes);
        json_decref(ns_nets);
        json_decref(vnf_nets);
    }
    changed = json_array();
    rc = rc ? rc : slc_ns_replan_chains(st, nsr, vnfrs, pl->steps, changed,
                                        err);
    rc = rc || !json_object_size(day1)
             ? rc
             : slc_ns_plan_day1(vnfds, nsr, vnfrs, pl->params, day1,
                                pl->steps, err);
    if (!rc) {
        json_t *healed = json_array();

        json_array_foreach(targets, i, t)
        {
            json_array_append(healed, json_object_get(json_object_get(t,
                                                                      "vdur"),
                                                      "_id"));
        }
        json_object_set_new(op_admin, "healed_vdur", healed);
    }
    json_decref(changed);
    json_decref(day1);
    json_decref(targets);
    return rc;
}

/* The chains through the scaled VNF follow its instances: installed
 * again once the new ones have ports, or before the removed ones lose
 * theirs. */
static int
plan_scale_chains(struct slc_store *st, struct plan *pl, json_t *nsr,
                  const json_t *vnfrs, const json_t *op_admin,
                  struct slc_error *err)
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
    rc = slc_ns_replan_chains(st, nsr, now, pl->steps, changed, err);
    json_array_foreach(pl->steps, i, s)
    {
        if (!rc && !strcmp(slc_ns_str(s, "action"), "delete")) {
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
plan_scale_day1(struct plan *pl, const json_t *vnfds, const json_t *nsr,
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
static const char *const vld_later[] = {
    "vim-network-name", "provider-network", "wimAccountId", NULL,
};
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
                                            "vim-network-id", NULL};
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
place(struct slc_store *st, struct plan *pl, const char *op_id,
      json_t *admin, struct slc_error *err)
{
    struct slc_record account = {0};
    int rc = slc_store_get(st, "vim_accounts", pl->vim, &account, err);

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
plan_terminate(struct plan *pl, const json_t *vnfds, const json_t *nsr,
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
        plan_deletes(pl, deployed_resources(nsr), NULL);
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

int
slc_ns_op_create(struct slc_store *st, struct slc_record *nsr, const char *type,
                 const json_t *params, double now, double timeout,
                 struct slc_record *op_out, json_t **context,
                 struct slc_error *err)
{
    char op_id[40];
    int64_t op_rev = 0;
    json_t *vnfrs = NULL, *vnfds = NULL, *op = NULL, *admin, *op_params;
    struct plan pl = {.nsr_id = nsr->id, .steps = json_array(),
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
        rc = rc ? rc
                : slc_pdu_bind(st, &sc, slc_ns_str(nsr->doc, "datacenter"),
                               nsr->id, vnfrs, err);
    }
    if (!rc && slc_uuid4(op_id)) {
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
            rc = slc_ns_plan_chains(st, nsr->doc, vnfrs, params, pl.steps,
                                    err);
            rc = rc ? rc
                    : slc_ns_plan_day1(vnfds, nsr->doc, vnfrs, params,
                                       pl.placed, pl.steps, err);
            json_object_set_new(
                json_object_get(json_object_get(nsr->doc, "_admin"),
                                "deployed"),
                "given-networks", given_networks(nsr->doc, params));
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
            rc = plan_heal(&pl, st, nsr->doc, vnfrs, vnfds, params, admin,
                           err);
        } else {
            rc = plan_scale(st, &pl, nsr->doc, vnfrs, params, admin, err);
            rc = rc ? rc : plan_scale_chains(st, &pl, nsr->doc, vnfrs, admin,
                                             err);
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
    if (!rc) {
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
        rc = slc_store_put(st, "nslcmops", &orec, NULL, SLC_REV_NEW, &op_rev,
                           err);
        rc = rc ? rc
                : slc_store_put(st, "nsrs", nsr, NULL, nsr->rev, &nsr->rev, err);
    }
    rc = rc ? rc : slc_store_commit(st, err);
    if (rc) {
        slc_store_rollback(st);
    } else {
        SLC_INFO("ns '%s': %s operation %s with %zu steps", pl.ns_name, type,
                 op_id, json_array_size(pl.steps));
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

/* How many heals an account with auto_heal may start an hour, unless its
 * config says. */
#define AUTO_HEAL_PER_HOUR 3

int
slc_ns_auto_heal(struct slc_store *st, struct slc_engine *e,
                 json_t *history, const char *account_id, const char *tag,
                 const char *why, double now, char op_id[40],
                 struct slc_error *err)
{
    char nsr_id[64], member[256], vdu[256];
    long long count;
    struct slc_record account = {0}, nsr = {0}, op = {0};
    const json_t *ah, *vnfr;
    json_t *times, *vnfrs = NULL, *params = NULL, *context = NULL;
    json_int_t limit;
    size_t i;
    int rc;

    op_id[0] = '\0';
    if (sscanf(tag, "nsr:%63[^:]:vnf:%255[^:]:vdu:%255[^:]:%lld", nsr_id,
               member, vdu, &count) != 4) {
        return 0; /* not a VDU's compute */
    }
    rc = slc_store_get(st, "vim_accounts", account_id, &account, err);
    ah = json_object_get(json_object_get(account.doc, "config"), "auto_heal");
    if (rc || !(json_is_true(ah) || json_is_object(ah))) {
        slc_record_clear(&account);
        return rc;
    }
    limit = json_is_object(ah) ? json_integer_value(json_object_get(
                                     ah, "max_per_hour"))
                               : 0;
    limit = limit > 0 ? limit : AUTO_HEAL_PER_HOUR;
    times = json_object_get(history, account_id);
    if (!times) {
        times = json_array();
        json_object_set_new(history, account_id, times);
    }
    for (i = json_array_size(times); i-- > 0;) {
        if (json_real_value(json_array_get(times, i)) < now - 3600) {
            json_array_remove(times, i);
        }
    }
    if ((json_int_t)json_array_size(times) >= limit) {
        SLC_WARN("auto-heal: vim '%s' healed %zu VDUs in the last hour, "
                 "its limit: vdu %s-%s-%lld of ns %s stays down (%s)",
                 account.name, json_array_size(times), member, vdu, count,
                 nsr_id, why);
        slc_record_clear(&account);
        return 0;
    }
    rc = slc_store_get(st, "nsrs", nsr_id, &nsr, err);
    rc = rc ? rc : slc_ns_load_vnfrs(st, nsr_id, &vnfrs, err);
    vnfr = rc ? NULL : slc_ns_find(vnfrs, "member-vnf-index-ref", member);
    if (!rc && vnfr) {
        params = json_pack(
            "{s[{ss s{sb s[{ss sI}]}}] sb}", "vnf", "vnfInstanceId",
            slc_ns_str(vnfr, "_id"), "additionalParams", "run-day1", 1,
            "vdu", "vdu-id", vdu, "count-index", (json_int_t)count,
            "isAutomaticInvocation", 1);
        rc = slc_ns_op_create(st, &nsr, "heal", params, now, 600, &op,
                              &context, err);
    }
    if (rc == SLC_EBUSY || rc == SLC_ECONFLICT) {
        SLC_WARN("auto-heal: ns '%s' not healed: %s", nsr.name, err->msg);
        rc = 0;
    } else if (!rc && params) {
        json_array_append_new(times, json_real(now));
        snprintf(op_id, 40, "%s", op.id);
        SLC_INFO("auto-heal: ns '%s' vdu %s-%s-%lld (%s): heal operation %s",
                 nsr.name, member, vdu, count, why, op.id);
        rc = slc_engine_start(e, &op, context, err);
    }
    json_decref(params);
    json_decref(vnfrs);
    slc_record_clear(&op);
    slc_record_clear(&nsr);
    slc_record_clear(&account);
    return rc;
}

/* ---- outcomes ---- */

static json_t *
find_vdur(json_t *vnfrs, const char *vdur_id, json_t **vnfr_out)
{
    size_t i;
    json_t *vnfr;

    json_array_foreach(vnfrs, i, vnfr)
    {
        json_t *v = slc_ns_find(json_object_get(vnfr, "vdur"), "_id", vdur_id);

        if (v) {
            *vnfr_out = vnfr;
            return v;
        }
    }
    return NULL;
}

/* Writes what a DONE create step made into the records. */
static void
apply_created(json_t *nsr, json_t *vnfrs, const json_t *s)
{
    const json_t *f = json_object_get(s, "for");
    const char *what = slc_ns_str(f, "what") ?: "";
    const char *vim_id = slc_ns_str(s, "vim_id");
    json_t *vnfr = NULL, *vdur;
    json_t *placement, *device;

    if (!strcmp(what, "chain")) {
        slc_ns_chain_created(nsr, s);
    } else if (!strcmp(what, "vld")) {
        json_t *vl = slc_ns_find(json_object_get(nsr, "vld"), "id",
                                 slc_ns_str(f, "vld"));

        json_object_set_new(vl, "vim-id", json_string(vim_id));
        json_object_set_new(vl, "status", json_string("ACTIVE"));
    } else if (!strcmp(what, "vnf-vld")) {
        vnfr = slc_ns_find(vnfrs, "_id", slc_ns_str(f, "vnfr"));
        json_object_set_new(slc_ns_find(json_object_get(vnfr, "vld"), "id",
                                        slc_ns_str(f, "vld")),
                            "vim-id", json_string(vim_id));
    } else if (!strcmp(what, "vdur")) {
        vdur = find_vdur(vnfrs, slc_ns_str(f, "vdur"), &vnfr);
        json_object_set_new(vdur, "vim-id", json_string(vim_id));
        json_object_set_new(vdur, "status", json_string("ACTIVE"));
        json_object_set_new(vdur, "vim-info",
                            json_incref(json_object_get(s, "info")));
        placement = json_object_get(json_object_get(s, "spec"), "placement");
        if (placement) {
            json_object_set(vdur, "placement", placement);
            json_object_set(vdur, "vim-compute-node",
                            json_object_get(placement, "host"));
        }
    } else if (!strcmp(what, "interface")) {
        const json_t *info = json_object_get(s, "info");
        json_t *iface;

        vdur = find_vdur(vnfrs, slc_ns_str(f, "vdur"), &vnfr);
        iface = json_array_get(
            json_object_get(vdur, "interfaces"),
            (size_t)json_integer_value(json_object_get(f, "index")));
        json_object_set_new(iface, "vim-interface-id", json_string(vim_id));
        json_object_set(iface, "mac-address",
                        json_object_get(info, "mac_address") ?: json_null());
        json_object_set(iface, "ip-address",
                        json_object_get(info, "ip_address") ?: json_null());
        if (json_is_string(json_object_get(info, "switch_port"))) {
            /* the port's name on the VIM's switch, for chains */
            json_object_set(iface, "vim-switch-port",
                            json_object_get(info, "switch_port"));
        }
        device = json_object_get(json_object_get(s, "spec"), "device");
        if (device) {
            /* what SDN assist needs, named as OSM's RO reports it */
            json_object_set(iface, "compute_node",
                            json_object_get(device, "host"));
            json_object_set(iface, "pci", json_object_get(device, "pci"));
            json_object_set(iface, "vlan", json_object_get(device, "vlan"));
            json_object_set(iface, "switch_port",
                            json_object_get(device, "fabric_port"));
        }
        if (json_is_true(json_object_get(iface, "mgmt-interface")) ||
            !json_is_string(json_object_get(vdur, "ip-address"))) {
            json_object_set(vdur, "ip-address",
                            json_object_get(iface, "ip-address"));
        }
        if (json_is_true(json_object_get(iface, "mgmt-vnf"))) {
            json_object_set(vnfr, "ip-address",
                            json_object_get(iface, "ip-address"));
        }
        if (slc_ns_str(vdur, "pdu-id")) {
            json_object_set_new(vdur, "status", json_string("ACTIVE"));
        }
    }
}

/* Clears what a DONE delete step removed from the records. */
static void
apply_deleted(json_t *nsr, json_t *vnfrs, const json_t *s)
{
    const json_t *f = json_object_get(s, "for");
    const char *what = slc_ns_str(f, "what") ?: "";
    json_t *vnfr = NULL, *vdur;

    if (!strcmp(what, "chain")) {
        slc_ns_chain_deleted(nsr, s);
    } else if (!strcmp(what, "vld")) {
        json_t *vl = slc_ns_find(json_object_get(nsr, "vld"), "id",
                                 slc_ns_str(f, "vld"));

        json_object_set_new(vl, "vim-id", json_null());
        json_object_set_new(vl, "status", json_null());
    } else if (!strcmp(what, "vdur")) {
        vdur = find_vdur(vnfrs, slc_ns_str(f, "vdur"), &vnfr);
        json_object_set_new(vdur, "vim-id", json_null());
        json_object_set_new(vdur, "status", json_null());
        json_object_del(vdur, "vim-info");
    }
}

static void
set_vnfrs_state(json_t *vnfrs, const char *state)
{
    size_t i;
    json_t *v;

    json_array_foreach(vnfrs, i, v)
    {
        json_object_set_new(json_object_get(v, "_admin"), "nsState",
                            json_string(state));
    }
}

static void
finish_scale(json_t *nsr, json_t *vnfrs, const json_t *op_admin, bool ok)
{
    const json_t *sc = json_object_get(op_admin, "scale");
    json_t *vnfr = slc_ns_find(vnfrs, "_id", slc_ns_str(sc, "vnfr"));
    json_t *groups =
        json_object_get(json_object_get(vnfr, "_admin"), "scaling-group");
    json_t *g = slc_ns_find(groups, "name", slc_ns_str(sc, "aspect"));
    bool out = json_is_true(json_object_get(sc, "out"));
    const json_t *x;
    size_t i;

    if (!ok || !vnfr) {
        return;
    }
    if (!g) {
        g = json_pack("{ss si}", "name", slc_ns_str(sc, "aspect"),
                      "nb-scale-op", 0);
        json_array_append_new(groups, g);
    }
    json_object_set_new(
        g, "nb-scale-op",
        json_integer(json_integer_value(json_object_get(g, "nb-scale-op")) +
                     (out ? 1 : -1)));
    json_array_foreach(json_object_get(op_admin, "removed_vdur"), i, x)
    {
        size_t j;
        json_t *v;

        json_array_foreach(json_object_get(vnfr, "vdur"), j, v)
        {
            if (!strcmp(slc_ns_str(v, "_id"), json_string_value(x))) {
                json_array_remove(json_object_get(vnfr, "vdur"), j);
                break;
            }
        }
    }
}

static int
store_outcome(struct slc_store *st, struct slc_record *nsr, json_t *vnfrs,
              bool remove, struct slc_error *err)
{
    json_t *v;
    size_t i;
    int rc = remove
                 ? slc_store_del(st, "nsrs", nsr->id, nsr->rev, err)
                 : slc_store_put(st, "nsrs", nsr, NULL, nsr->rev, NULL, err);

    json_array_foreach(vnfrs, i, v)
    {
        struct slc_record vr = {
            .id = (char *)slc_ns_str(v, "_id"),
            .name = nsr->id,
            .doc = v,
        };

        if (rc) {
            break;
        }
        rc = remove ? slc_store_del(st, "vnfrs", vr.id, SLC_REV_ANY, err)
                    : slc_store_put(st, "vnfrs", &vr, NULL, SLC_REV_ANY, NULL,
                                    err);
    }
    return rc;
}

/* Applies operation 'op' to 'nsr' and 'vnfrs' and stores them. */
/* Gives back the cores, pages and devices of the VDUs that went away:
 * deleted, or never made by an operation that failed. */
static int
release_placements(struct slc_store *st, const struct slc_record *nsr,
                   const json_t *steps, bool ok, struct slc_error *err)
{
    json_t *tags = json_array();
    const json_t *s;
    size_t i;
    int rc = 0;

    json_array_foreach(steps, i, s)
    {
        bool del = !strcmp(slc_ns_str(s, "action") ?: "", "delete");
        bool done = !strcmp(slc_ns_str(s, "state") ?: "", "DONE");
        const json_t *o;
        size_t j;
        bool again = false;

        /* a heal made it again where it was: its placement stays */
        json_array_foreach(del && ok ? steps : NULL, j, o)
        {
            again |= !strcmp(slc_ns_str(o, "action") ?: "", "create") &&
                     !strcmp(slc_ns_str(o, "state") ?: "", "DONE") &&
                     !strcmp(slc_ns_str(o, "tag") ?: "",
                             slc_ns_str(s, "tag") ?: "");
        }
        if (!strcmp(slc_ns_str(s, "kind") ?: "", "compute") && !again &&
            (del ? done : !ok && !done)) {
            json_array_append_new(tags, json_string(slc_ns_str(s, "tag")));
        }
    }
    if (json_array_size(tags)) {
        rc = slc_place_release(st, slc_ns_str(nsr->doc, "datacenter"),
                               nsr->id, NULL, tags, err);
    }
    json_decref(tags);
    return rc;
}

/* Writes what the primitives of an operation did into its occurrence:
 * "primitives": [{member_vnf_index, vdu_id, vdu_count_index, primitive,
 * kind, state, exit_status, stdout, stderr}], and for a completed action
 * the last one's output as its detailed-status, as OSM shows it. */
static void
primitives_outcome(json_t *op, const json_t *steps, bool action_ok)
{
    json_t *out = json_array();
    const json_t *s, *last = NULL;
    size_t i;

    json_array_foreach(steps, i, s)
    {
        const json_t *f = json_object_get(s, "for");
        const json_t *info = json_object_get(s, "info");

        if (strcmp(slc_ns_str(s, "kind") ?: "", "primitive")) {
            continue;
        }
        json_array_append_new(
            out,
            json_pack("{sO sO sO sO sO sO sO* sO* sO* sO*}",
                      "member_vnf_index",
                      json_object_get(f, "member_vnf_index") ?: json_null(),
                      "vdu_id",
                      json_object_get(json_object_get(json_object_get(
                                                          s, "spec"),
                                                      "env"),
                                      "SLICER_VDU_ID")
                          ?: json_null(),
                      "vdu_count_index",
                      json_object_get(f, "vdu_count_index") ?: json_null(),
                      "primitive",
                      json_object_get(f, "primitive") ?: json_null(), "kind",
                      json_object_get(json_object_get(s, "spec"), "kind")
                          ?: json_null(),
                      "state", json_object_get(s, "state"), "exit_status",
                      json_object_get(info, "exit_status"), "stdout",
                      json_object_get(info, "stdout"), "stderr",
                      json_object_get(info, "stderr"), "error",
                      json_object_get(s, "error")));
        last = info;
    }
    if (json_array_size(out)) {
        json_object_set(op, "primitives", out);
    }
    if (action_ok && last) {
        json_object_set(op, "detailed-status",
                        json_object_get(last, "stdout"));
        json_object_set(op, "detailedStatus",
                        json_object_get(last, "stdout"));
    }
    json_decref(out);
}

/* After a heal: what the VIM had lost and the heal made again is no
 * longer missing; an NS with nothing missing runs again. */
static void
heal_outcome(json_t *nsr, const json_t *steps)
{
    json_t *admin = json_object_get(nsr, "_admin");
    json_t *lost = json_object_get(admin, "degraded");
    const json_t *s;
    size_t i;

    json_array_foreach(steps, i, s)
    {
        if (strcmp(slc_ns_str(s, "action") ?: "", "delete")) {
            continue;
        }
        for (size_t j = json_array_size(lost); j-- > 0;) {
            if (!strcmp(slc_ns_str(json_array_get(lost, j), "vim_id") ?: "",
                        slc_ns_str(s, "vim_id") ?: "")) {
                json_array_remove(lost, j);
            }
        }
    }
    if (!json_array_size(lost)) {
        json_object_del(admin, "degraded");
        json_object_set_new(nsr, "operational-status",
                            json_string("running"));
    }
}

static int
finish_records(struct slc_store *st, json_t *op, struct slc_record *nsr,
               json_t *vnfrs, double now, struct slc_error *err)
{
    const char *type = slc_ns_str(op, "lcmOperationType");
    const char *state = slc_ns_str(op, "operationState");
    json_t *op_admin = json_object_get(op, "_admin");
    const json_t *steps = json_object_get(op_admin, "steps");
    bool ok = !strcmp(state, "COMPLETED");
    bool remove = false;
    json_t *nadmin, *resources;
    const json_t *s;
    size_t i;

    int rc = release_placements(st, nsr, steps, ok, err);

    if (rc) {
        return rc;
    }
    nadmin = json_object_get(nsr->doc, "_admin");
    resources =
        json_object_get(json_object_get(nadmin, "deployed"), "resources");
    if (!strcmp(type, "scale") && ok) {
        const json_t *sc = json_object_get(op_admin, "scale");
        json_t *vnfr = slc_ns_find(vnfrs, "_id", slc_ns_str(sc, "vnfr"));

        json_array_foreach(json_object_get(op_admin, "new_vdur"), i, s)
        {
            json_array_append(json_object_get(vnfr, "vdur"), (json_t *)s);
        }
    }
    slc_engine_update_resources(resources, steps);
    rc = slc_ns_release_chains(st, nsr->id, resources, err);
    if (rc) {
        return rc;
    }
    json_array_foreach(steps, i, s)
    {
        if (ok && !strcmp(slc_ns_str(s, "action"), "create")) {
            apply_created(nsr->doc, vnfrs, s);
        } else if (!strcmp(slc_ns_str(s, "action"), "delete") &&
                   !strcmp(slc_ns_str(s, "state"), "DONE")) {
            apply_deleted(nsr->doc, vnfrs, s);
        }
    }
    if (!strcmp(type, "scale")) {
        finish_scale(nsr->doc, vnfrs, op_admin, ok);
    }
    primitives_outcome(op, steps, !strcmp(type, "action") && ok);
    json_object_set_new(nsr->doc, "detailed-status",
                        json_string(ok ? "done" : slc_ns_str(op, "errorMessage")
                                                      ?: state));
    json_object_set_new(nsr->doc, "errorDescription",
                        ok ? json_null()
                           : json_sprintf("%s: %s", type, state));
    json_object_set(nsr->doc, "errorDetail",
                    ok ? json_null() : json_object_get(op, "errorMessage"));
    if (!strcmp(type, "instantiate")) {
        bool left = json_array_size(resources) > 0;

        if (!ok && !left) {
            rc = slc_pdu_release(st, nsr->id, vnfrs, err);
        }

        json_object_set_new(nsr->doc, "nsState",
                            json_string(ok     ? "READY"
                                        : left ? "BROKEN"
                                               : "NOT_INSTANTIATED"));
        json_object_set_new(nsr->doc, "operational-status",
                            json_string(ok ? "running" : "failed"));
        json_object_set_new(nsr->doc, "config-status",
                            json_string(ok ? "configured" : "failed"));
        json_object_set_new(
            nadmin, "nsState",
            json_string(ok || left ? "INSTANTIATED" : "NOT_INSTANTIATED"));
        set_vnfrs_state(vnfrs,
                        ok || left ? "INSTANTIATED" : "NOT_INSTANTIATED");
    } else if (!strcmp(type, "terminate")) {
        json_object_set_new(nsr->doc, "nsState",
                            json_string(ok ? "NOT_INSTANTIATED" : "BROKEN"));
        json_object_set_new(nsr->doc, "operational-status",
                            json_string(ok ? "terminated" : "failed"));
        json_object_set_new(nsr->doc, "config-status",
                            json_string(ok ? "terminated" : "failed"));
        if (ok) {
            rc = slc_pdu_release(st, nsr->id, vnfrs, err);
            json_object_set_new(nadmin, "nsState",
                                json_string("NOT_INSTANTIATED"));
            set_vnfrs_state(vnfrs, "NOT_INSTANTIATED");
            remove = json_is_true(json_object_get(
                json_object_get(op, "operationParams"), "autoremove"));
        }
    } else if (!strcmp(type, "heal") && ok) {
        heal_outcome(nsr->doc, steps);
        json_object_set_new(nsr->doc, "nsState", json_string("READY"));
    } else if (!strcmp(type, "scale") || !strcmp(type, "heal")) {
        json_object_set_new(
            nsr->doc, "nsState",
            json_string(!strcmp(state, "FAILED") ? "DEGRADED" : "READY"));
        json_object_set_new(nsr->doc, "operational-status",
                            json_string("running"));
    } else {
        /* an action leaves the NS as it was; its outcome is the
         * occurrence's */
        json_object_set_new(nsr->doc, "operational-status",
                            json_string("running"));
        json_object_set_new(nsr->doc, "detailed-status",
                            json_string(ok ? "done" : "action failed"));
    }
    json_object_set_new(nsr->doc, "currentOperation", json_string("IDLE"));
    json_object_set_new(nsr->doc, "currentOperationID", json_null());
    json_object_set_new(nadmin, "nslcmop", json_null());
    json_object_set_new(nadmin, "modified", json_real(now));
    return rc ? rc : store_outcome(st, nsr, vnfrs, remove, err);
}

int
slc_ns_op_finish(struct slc_store *st, json_t *op, json_t *context,
                 double now, struct slc_error *err)
{
    const char *nsr_id = slc_ns_str(op, "nsInstanceId");
    struct slc_record nsr = {0};
    json_t *vnfrs = NULL;
    int rc = SLC_ECONFLICT;

    if (context) {
        /* The records as the operation stored them (it is their only use:
         * when the NS moved on since, they are read again). */
        nsr.id = strdup(nsr_id);
        nsr.doc = json_incref(json_object_get(context, "nsr"));
        nsr.name = strdup(slc_ns_str(nsr.doc, "name") ?: "");
        nsr.rev = json_integer_value(json_object_get(context, "nsr_rev"));
        vnfrs = json_incref(json_object_get(context, "vnfrs"));
        rc = nsr.id && nsr.name && nsr.doc && vnfrs
                 ? finish_records(st, op, &nsr, vnfrs, now, err)
                 : slc_error_set(err, SLC_ENOMEM, "out of memory");
        json_decref(vnfrs);
        slc_record_clear(&nsr);
    }
    if (rc == SLC_ECONFLICT || rc == SLC_ENOTFOUND) {
        rc = slc_store_get(st, "nsrs", nsr_id, &nsr, err);
        rc = rc ? rc : slc_ns_load_vnfrs(st, nsr.id, &vnfrs, err);
        if (!rc) {
            rc = finish_records(st, op, &nsr, vnfrs, now, err);
        } else if (rc == SLC_ENOTFOUND) {
            rc = 0; /* the NS went away (FORCE) */
        }
        json_decref(vnfrs);
        slc_record_clear(&nsr);
    }
    return rc;
}
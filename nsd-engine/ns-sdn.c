/* SDN assist of an NS: the service steps of its VLs and their records
 * (ns-sdn.h). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ns-lcm-internal.h"
#include "ns-sdn.h"


/* The VDU record 'vdur_id' of 'vnfrs', its VNF record in '*vnfr'. */
static const json_t *
vdur_of(const json_t *vnfrs, const char *vdur_id, const json_t **vnfr)
{
    const json_t *v, *d;
    size_t i, j;

    json_array_foreach(vnfrs, i, v)
    {
        json_array_foreach(json_object_get(v, "vdur"), j, d)
        {
            if (!strcmp(slc_ns_str(d, "_id") ?: "", vdur_id ? vdur_id : "")) {
                *vnfr = v;
                return d;
            }
        }
    }
    return NULL;
}

json_int_t
slc_ns_compute_of(const json_t *steps, size_t k)
{
    const json_t *s, *p;
    size_t i, j;

    json_array_foreach(steps, i, s)
    {
        if (strcmp(slc_ns_str(s, "kind") ?: "", "compute") ||
            strcmp(slc_ns_str(s, "action") ?: "", "create")) {
            continue;
        }
        json_array_foreach(json_object_get(json_object_get(s, "spec"),
                                           "ports"),
                           j, p)
        {
            if (json_integer_value(json_object_get(p, "step")) ==
                (json_int_t)k) {
                return (json_int_t)i;
            }
        }
    }
    return -1;
}

static void
add_dep(json_t *deps, json_int_t k)
{
    const json_t *d;
    size_t i;

    json_array_foreach(deps, i, d)
    {
        if (json_integer_value(d) == k) {
            return;
        }
    }
    json_array_append_new(deps, json_integer(k));
}

/* The group of VL 'key' in 'groups', made on first use. */
static json_t *
group(json_t *groups, const char *key, const json_t *vnfr, const char *vl)
{
    json_t *g = json_object_get(groups, key);

    if (!g) {
        g = json_pack("{ss s[] s[] si}", "vld", vl, "points", "deps",
                      "fabric", 0);
        if (vnfr) {
            json_object_set(g, "vnfr", json_object_get(vnfr, "_id"));
            json_object_set(g, "member",
                            json_object_get(vnfr, "member-vnf-index-ref"));
        }
        json_object_set_new(groups, key, g);
    }
    return g;
}

/* Adds the point of interface port step k (on VL group g). */
static void
add_port_point(json_t *g, const json_t *steps, size_t k, const json_t *vnfr,
               const json_t *vdur, const json_t *iface, size_t index)
{
    const char *type = slc_ns_str(iface, "type") ?: "VIRTIO";
    bool pdu = slc_ns_str(vdur, "pdu-type") != NULL;
    const json_t *spec = json_object_get(json_array_get(steps, k), "spec");
    json_int_t compute = slc_ns_compute_of(steps, k);
    char id[600];

    if (!pdu && strcmp(type, "SR-IOV") && strcmp(type, "PCI-PASSTHROUGH")) {
        /* a virtio port: its network reaches the fabric by its uplink */
        const json_t *net = json_object_get(spec, "network");

        if (!json_object_get(g, "network")) {
            json_object_set(g, "network", (json_t *)net);
            if (json_is_integer(json_object_get(net, "step"))) {
                add_dep(json_object_get(g, "deps"),
                        json_integer_value(json_object_get(net, "step")));
            }
        }
        return;
    }
    snprintf(id, sizeof id, "vnfrs:%s:vdur.%s.interfaces.%zu",
             slc_ns_str(vnfr, "_id"), slc_ns_str(vdur, "_id"), index);
    json_array_append_new(
        json_object_get(g, "points"),
        json_pack("{ss ss s{sI} ss* sO*}", "id", id, "kind",
                  pdu ? "PDU" : type, "port", "step", (json_int_t)k,
                  "interface", slc_ns_str(iface, "name"), "switch_id",
                  json_object_get(iface, "switch-id")));
    json_object_set_new(g, "fabric",
                        json_integer(json_integer_value(
                                         json_object_get(g, "fabric")) +
                                     1));
    add_dep(json_object_get(g, "deps"), (json_int_t)k);
    if (compute >= 0) {
        /* a VIM may tell where a port landed only once its VM is up */
        add_dep(json_object_get(g, "deps"), compute);
    }
}

/* Adds the point of interface 'iface' of a VDU deployed before (its
 * port exists: what the VIM reported is in its record). */
static void
add_known_point(json_t *g, const json_t *vnfr, const json_t *vdur,
                const json_t *iface, size_t index, const json_t *vl)
{
    const char *type = slc_ns_str(iface, "type") ?: "VIRTIO";
    bool pdu = slc_ns_str(vdur, "pdu-type") != NULL;
    char id[600];

    if (!pdu && strcmp(type, "SR-IOV") && strcmp(type, "PCI-PASSTHROUGH")) {
        if (!json_object_get(g, "network") && slc_ns_str(vl, "vim-id")) {
            json_object_set(g, "network", json_object_get(vl, "vim-id"));
        }
        return;
    }
    snprintf(id, sizeof id, "vnfrs:%s:vdur.%s.interfaces.%zu",
             slc_ns_str(vnfr, "_id"), slc_ns_str(vdur, "_id"), index);
    json_array_append_new(
        json_object_get(g, "points"),
        json_pack("{ss ss sO s{sO* sO* sO* sO* sO* sO*} ss* sO*}", "id", id,
                  "kind", pdu ? "PDU" : type, "port",
                  json_object_get(iface, "vim-interface-id"), "known",
                  "compute_node", json_object_get(iface, "compute_node"),
                  "host", json_object_get(iface, "compute_node"), "pci",
                  json_object_get(iface, "pci"), "vlan",
                  json_object_get(iface, "vlan"), "mac_address",
                  json_object_get(iface, "mac-address"), "fabric_port",
                  json_object_get(iface, "switch_port"), "interface",
                  slc_ns_str(iface, "name"), "switch_id",
                  json_object_get(iface, "switch-id")));
    json_object_set_new(g, "fabric",
                        json_integer(json_integer_value(
                                         json_object_get(g, "fabric")) +
                                     1));
}

/* The VL groups of the NS's ports, those deployed before (in the
 * records) and those the plan makes (in 'steps'): "ns:<vl>" or
 * "vnf:<vnfr>:<vl>" -> {vld, vnfr, member, points, deps, fabric,
 * network}. */
static json_t *
groups_of(const json_t *nsr, const json_t *vnfrs, const json_t *steps)
{
    json_t *groups = json_object();
    const json_t *s, *vnfr, *vdur, *iface;
    size_t k, i, j;
    char key[600];

    json_array_foreach(vnfrs, i, vnfr)
    {
        json_array_foreach(json_object_get(vnfr, "vdur"), j, vdur)
        {
            json_array_foreach(json_object_get(vdur, "interfaces"), k, iface)
            {
                const char *ns_vl = slc_ns_str(iface, "ns-vld-id");
                const char *vnf_vl = slc_ns_str(iface, "vnf-vld-id");

                if (!slc_ns_str(iface, "vim-interface-id") ||
                    (!ns_vl && !vnf_vl)) {
                    continue;
                }
                if (ns_vl) {
                    snprintf(key, sizeof key, "ns:%s", ns_vl);
                } else {
                    snprintf(key, sizeof key, "vnf:%s:%s",
                             slc_ns_str(vnfr, "_id"), vnf_vl);
                }
                add_known_point(
                    group(groups, key, ns_vl ? NULL : vnfr,
                          ns_vl ? ns_vl : vnf_vl),
                    vnfr, vdur, iface, k,
                    slc_ns_find(json_object_get(ns_vl ? nsr : vnfr, "vld"),
                                "id", ns_vl ? ns_vl : vnf_vl));
            }
        }
    }

    json_array_foreach(steps, k, s)
    {
        const json_t *f = json_object_get(s, "for");
        size_t index = (size_t)json_integer_value(json_object_get(f, "index"));

        if (strcmp(slc_ns_str(s, "kind") ?: "", "port") ||
            strcmp(slc_ns_str(s, "action") ?: "", "create") ||
            strcmp(slc_ns_str(f, "what") ?: "", "interface") ||
            !(vdur = vdur_of(vnfrs, slc_ns_str(f, "vdur"), &vnfr)) ||
            slc_ns_str(json_array_get(json_object_get(vdur, "interfaces"),
                                      index),
                       "vim-interface-id")) {
            continue;
        }
        iface = json_array_get(json_object_get(vdur, "interfaces"), index);
        if (slc_ns_str(iface, "ns-vld-id")) {
            snprintf(key, sizeof key, "ns:%s", slc_ns_str(iface, "ns-vld-id"));
            add_port_point(group(groups, key, NULL,
                                 slc_ns_str(iface, "ns-vld-id")),
                           steps, k, vnfr, vdur, iface, index);
        } else if (slc_ns_str(iface, "vnf-vld-id")) {
            snprintf(key, sizeof key, "vnf:%s:%s", slc_ns_str(vnfr, "_id"),
                     slc_ns_str(iface, "vnf-vld-id"));
            add_port_point(group(groups, key, vnfr,
                                 slc_ns_str(iface, "vnf-vld-id")),
                           steps, k, vnfr, vdur, iface, index);
        }
    }
    return groups;
}

/* The service type of VL 'vl' with 'n' points. */
static const char *
service_type(const json_t *vl, size_t n)
{
    const char *t = slc_ns_str(vl, "type");

    if (t && (!strcmp(t, "ELINE") || !strcmp(t, "ELAN") ||
              !strcmp(t, "ETREE"))) {
        return t;
    }
    return n == 2 ? "ELINE" : "ELAN";
}

/* The VL record a group stands for: the NSR's, or its VNF record's. */
static json_t *
vl_record(json_t *nsr, json_t *vnfrs, const char *vnfr_id, const char *vld)
{
    json_t *vnfr = vnfr_id ? slc_ns_find(vnfrs, "_id", vnfr_id) : NULL;

    return slc_ns_find(json_object_get(vnfr_id ? vnfr : nsr, "vld"), "id",
                       vld);
}

/* The sdn-controller of the NS's VIM account (NULL: no SDN assist). */
static int
controller_of(struct slc_store *st, const json_t *nsr, char ctl[64],
              struct slc_error *err)
{
    struct slc_record acc = {0};
    int rc = slc_store_get_shared(st, "vim_accounts",
                                  slc_ns_str(nsr, "datacenter") ?: "", &acc,
                                  err);

    ctl[0] = '\0';
    if (!rc) {
        snprintf(ctl, 64, "%s",
                 slc_ns_str(json_object_get(acc.doc, "config"),
                            "sdn-controller")
                     ?: "");
    }
    slc_record_clear(&acc);
    return rc;
}

/* Completes the points of group 'g': the VIM network's uplink when the VL
 * has virtio ports too, then the external ones. */
static void
finish_points(json_t *g, const json_t *sdn_ports)
{
    json_t *points = json_object_get(g, "points");
    const json_t *ep;
    char id[600];
    size_t i;

    if (json_object_get(g, "network")) {
        snprintf(id, sizeof id, "uplink:%s", slc_ns_str(g, "vld"));
        json_array_append_new(points,
                              json_pack("{ss ss sO}", "id", id, "kind",
                                        "UPLINK", "network",
                                        json_object_get(g, "network")));
    }
    json_array_foreach(sdn_ports, i, ep)
    {
        snprintf(id, sizeof id, "external-%zu", i);
        json_array_append_new(
            points, json_pack("{ss ss sO}", "id",
                              slc_ns_str(ep, "service_endpoint_id") ?: id,
                              "kind", "EXTERNAL", "endpoint", ep));
    }
}

/* A create step of the service of group 'g' (its points complete). */
static json_t *
service_step(const json_t *nsr, const char *ctl, const json_t *g,
             const json_t *vl)
{
    const char *vnfr_id = slc_ns_str(g, "vnfr");
    const json_t *points = json_object_get(g, "points");
    char tag[700], name[700];

    if (vnfr_id) {
        snprintf(tag, sizeof tag, "nsr:%s:vnf:%s:vld:%s:sdn",
                 slc_ns_str(nsr, "_id"), slc_ns_str(g, "member"),
                 slc_ns_str(g, "vld"));
        snprintf(name, sizeof name, "%s-%s-%s", slc_ns_str(nsr, "name"),
                 slc_ns_str(g, "member"), slc_ns_str(g, "vld"));
    } else {
        snprintf(tag, sizeof tag, "nsr:%s:vld:%s:sdn", slc_ns_str(nsr, "_id"),
                 slc_ns_str(g, "vld"));
        snprintf(name, sizeof name, "%s-%s", slc_ns_str(nsr, "name"),
                 slc_ns_str(g, "vld"));
    }
    return slc_ns_new_step(
        "create", "sdn", slc_ns_str(nsr, "datacenter"), tag, name,
        json_pack("{ss ss sO}", "sdn", ctl, "type",
                  service_type(vl, json_array_size(points)), "points",
                  points),
        json_deep_copy(json_object_get(g, "deps")),
        vnfr_id ? json_pack("{ss ss ss}", "what", "sdn", "vnfr", vnfr_id,
                            "vld", slc_ns_str(g, "vld"))
                : json_pack("{ss ss}", "what", "sdn", "vld",
                            slc_ns_str(g, "vld")));
}

/* What the records say of a VL's service before it is made (OSM's
 * target of the VL, NG-RO's task before it runs). */
static void
plan_vim_info(const json_t *nsr, const char *ctl, const json_t *g,
              json_t *vl, const json_t *sdn_ports)
{
    size_t n = json_array_size(json_object_get(g, "points"));
    char target[80], vlds[700];

    if (!vl) {
        return;
    }
    if (slc_ns_str(g, "vnfr")) {
        snprintf(vlds, sizeof vlds, "vnfrs:%s:vld.%s", slc_ns_str(g, "vnfr"),
                 slc_ns_str(g, "vld"));
    } else {
        snprintf(vlds, sizeof vlds, "nsrs:%s:vld.%s", slc_ns_str(nsr, "_id"),
                 slc_ns_str(g, "vld"));
    }
    snprintf(target, sizeof target, "sdn:%s", ctl);
    if (json_integer_value(json_object_get(g, "fabric"))) {
        json_object_set_new(vl, "pci-interfaces", json_true());
    }
    if (!json_object_get(vl, "vim_info")) {
        json_object_set_new(vl, "vim_info", json_object());
    }
    json_object_set_new(
        json_object_get(vl, "vim_info"), target,
        json_pack("{sb so s[s] ss sO* ss ss}", "sdn", 1, "target_vim",
                  json_sprintf("vim:%s", slc_ns_str(nsr, "datacenter")),
                  "vlds", vlds, "type", service_type(vl, n), "sdn-ports",
                  sdn_ports, "vim_status", n < 2 ? "ACTIVE" : "BUILD",
                  "vim_details",
                  n < 2 ? "fewer than 2 points: nothing to connect" : ""));
}

/* Whether the VIM account lets the request join its fabric at the
 * switch ports its sdn-ports name: only at the ports the operator lists
 * in the account's config "sdn-external-ports" (ours: the fabric is
 * shared, and any other port is a host's NIC, the trunk of every
 * project's networks or a PDU's cable). */
static int
check_external_ports(struct slc_store *st, const json_t *nsr,
                     const json_t *params, struct slc_error *err)
{
    struct slc_record acc = {0};
    const json_t *v, *ep, *allowed;
    size_t i, j;
    int rc = 0;

    json_array_foreach(json_object_get(params, "vld"), i, v)
    {
        json_array_foreach(json_object_get(json_object_get(v,
                                                           "provider-network"),
                                           "sdn-ports"),
                           j, ep)
        {
            bool ok = false;
            const json_t *a;
            size_t k;

            if (rc) {
                break;
            }
            if (!acc.doc &&
                (rc = slc_store_get_shared(
                     st, "vim_accounts", slc_ns_str(nsr, "datacenter") ?: "",
                     &acc, err))) {
                break;
            }
            allowed = json_object_get(json_object_get(acc.doc, "config"),
                                      "sdn-external-ports");
            json_array_foreach(allowed, k, a)
            {
                ok |= json_is_string(a) &&
                      !strcmp(json_string_value(a),
                              slc_ns_str(ep, "switch_port") ?: "");
            }
            if (!ok) {
                rc = slc_error_set(err, SLC_EINVALID,
                                   "vld[%zu] '%s': provider-network."
                                   "sdn-ports[%zu]: switch port '%s' is not "
                                   "one of vim account '%s''s "
                                   "sdn-external-ports",
                                   i, slc_ns_str(v, "name"), j,
                                   slc_ns_str(ep, "switch_port") ?: "",
                                   acc.name ? acc.name : "?");
            }
        }
    }
    slc_record_clear(&acc);
    return rc;
}

int
slc_ns_plan_sdn(struct slc_store *st, json_t *nsr, const json_t *vnfrs,
                const json_t *params, json_t *steps, struct slc_error *err)
{
    char ctl[64];
    json_t *groups, *g;
    const char *key;
    int rc = controller_of(st, nsr, ctl, err);

    rc = rc ? rc : check_external_ports(st, nsr, params, err);
    if (rc || !ctl[0]) {
        return rc; /* no controller, no assist (OSM) */
    }
    groups = groups_of(nsr, vnfrs, steps);
    json_object_foreach(groups, key, g)
    {
        const char *vnfr_id = slc_ns_str(g, "vnfr");
        json_t *vl = vl_record(nsr, (json_t *)vnfrs, vnfr_id,
                               slc_ns_str(g, "vld"));
        const json_t *asked =
            vnfr_id ? NULL
                    : slc_ns_find(json_object_get(params, "vld"), "name",
                                  slc_ns_str(g, "vld"));
        const json_t *sdn_ports = json_object_get(
            json_object_get(asked, "provider-network"), "sdn-ports");

        if (!json_integer_value(json_object_get(g, "fabric")) &&
            !json_array_size(sdn_ports)) {
            continue; /* the VIM wires it alone */
        }
        finish_points(g, sdn_ports);
        plan_vim_info(nsr, ctl, g, vl, sdn_ports);
        if (json_array_size(json_object_get(g, "points")) >= 2) {
            json_array_append_new(steps, service_step(nsr, ctl, g, vl));
        }
    }
    json_decref(groups);
    return 0;
}

/* The service resource of the NS for group 'g', or NULL. */
static const json_t *
deployed_service(const json_t *nsr, const json_t *g)
{
    const json_t *r;
    size_t i;

    json_array_foreach(slc_ns_deployed_resources(nsr), i, r)
    {
        const json_t *f = json_object_get(r, "for");

        if (!strcmp(slc_ns_str(r, "kind") ?: "", "sdn") &&
            !strcmp(slc_ns_str(f, "vld") ?: "", slc_ns_str(g, "vld")) &&
            !strcmp(slc_ns_str(f, "vnfr") ?: "", slc_ns_str(g, "vnfr") ?: "")) {
            return r;
        }
    }
    return NULL;
}

/* The ids of 'points', in order (a new array). */
static json_t *
point_ids(const json_t *points)
{
    json_t *ids = json_array();
    const json_t *p;
    size_t i;

    json_array_foreach(points, i, p)
    {
        json_array_append(ids, json_object_get(p, "id"));
    }
    return ids;
}

/* A delete step of service resource 'r'. */
static json_t *
delete_step(const json_t *r)
{
    json_t *step = slc_ns_new_step(
        "delete", "sdn", slc_ns_str(r, "vim"), slc_ns_str(r, "tag"),
        slc_ns_str(r, "name") ?: "",
        json_deep_copy(json_object_get(r, "spec")), NULL,
        json_deep_copy(json_object_get(r, "for")));

    json_object_set(step, "vim_id", json_object_get(r, "vim_id"));
    return step;
}

int
slc_ns_replan_sdn(struct slc_store *st, json_t *nsr, const json_t *vnfrs,
                  json_t *steps, json_t *changed, struct slc_error *err)
{
    char ctl[64];
    json_t *groups, *g, *seen = json_object();
    const json_t *r;
    const char *key;
    size_t k;
    int rc = controller_of(st, nsr, ctl, err);

    if (rc || !ctl[0]) {
        json_decref(seen);
        return rc;
    }
    groups = groups_of(nsr, vnfrs, steps);
    json_object_foreach(groups, key, g)
    {
        const json_t *rspec;
        json_t *sdn_ports = json_array(), *step, *had, *now;
        const json_t *p;
        size_t i;
        bool same;

        r = deployed_service(nsr, g);
        rspec = json_object_get(r, "spec");
        if (r) {
            json_object_set_new(seen, slc_ns_str(r, "tag") ?: "",
                                json_true());
        }

        /* the external points stay as instantiated */
        json_array_foreach(json_object_get(rspec, "points"), i, p)
        {
            if (!strcmp(slc_ns_str(p, "kind") ?: "", "EXTERNAL")) {
                json_array_append(sdn_ports, json_object_get(p, "endpoint"));
            }
        }
        if (json_integer_value(json_object_get(g, "fabric")) ||
            json_array_size(sdn_ports)) {
            finish_points(g, sdn_ports);
        } else {
            json_array_clear(json_object_get(g, "points"));
        }
        json_decref(sdn_ports);
        had = point_ids(json_object_get(rspec, "points"));
        now = point_ids(json_object_get(g, "points"));
        same = json_equal(had, now);
        json_decref(had);
        json_decref(now);
        if (same) {
            continue; /* its points are the same */
        }
        if (json_array_size(json_object_get(g, "points")) >= 2) {
            step = service_step(nsr, ctl, g,
                                vl_record(nsr, (json_t *)vnfrs,
                                          slc_ns_str(g, "vnfr"),
                                          slc_ns_str(g, "vld")));
            if (r) {
                /* an edit of the service, undone by making it as it was */
                json_t *spec = json_object_get(step, "spec");

                json_object_set(spec, "service_id",
                                json_object_get(r, "vim_id"));
                json_object_set_new(
                    spec, "previous",
                    json_pack("{sO* sO* sO*}", "type",
                              json_object_get(rspec, "type"),
                              "connection_points",
                              json_object_get(rspec, "connection_points"),
                              "conn_info",
                              json_object_get(rspec, "conn_info")));
                json_object_set(spec, "conn_info",
                                json_object_get(rspec, "conn_info"));
            }
        } else if (r) {
            step = delete_step(r);
        } else {
            continue;
        }
        json_array_append_new(steps, step);
        json_array_append_new(changed,
                              json_integer((json_int_t)json_array_size(steps) -
                                           1));
    }
    /* a service whose VL has no port left at all */
    json_array_foreach(slc_ns_deployed_resources(nsr), k, r)
    {
        if (!strcmp(slc_ns_str(r, "kind") ?: "", "sdn") &&
            !json_object_get(seen, slc_ns_str(r, "tag") ?: "")) {
            json_array_append_new(steps, delete_step(r));
            json_array_append_new(
                changed,
                json_integer((json_int_t)json_array_size(steps) - 1));
        }
    }
    json_decref(seen);
    json_decref(groups);
    return 0;
}

void
slc_ns_sdn_gate(json_t *steps)
{
    json_t *s, *t;
    size_t i, j, k;

    json_array_foreach(steps, i, s)
    {
        json_t *deps = json_object_get(s, "deps");
        size_t n = json_array_size(deps);

        if (strcmp(slc_ns_str(s, "kind") ?: "", "primitive")) {
            continue;
        }
        for (k = 0; k < n; k++) {
            json_int_t d = json_integer_value(json_array_get(deps, k));

            if (strcmp(slc_ns_str(json_array_get(steps, (size_t)d), "kind")
                           ?: "",
                       "compute")) {
                continue;
            }
            json_array_foreach(steps, j, t)
            {
                const json_t *x;
                size_t m;

                if (strcmp(slc_ns_str(t, "kind") ?: "", "sdn")) {
                    continue;
                }
                json_array_foreach(json_object_get(t, "deps"), m, x)
                {
                    if (json_integer_value(x) == d) {
                        add_dep(deps, (json_int_t)j);
                    }
                }
            }
        }
    }
}

/* The vim_info entry of service step 's' (made if missing). */
static json_t *
sdn_info(json_t *nsr, json_t *vnfrs, const json_t *s)
{
    const json_t *f = json_object_get(s, "for");
    json_t *vl = vl_record(nsr, vnfrs, slc_ns_str(f, "vnfr"),
                           slc_ns_str(f, "vld"));
    json_t *vi, *info;
    char target[80];

    if (!vl) {
        return NULL;
    }
    snprintf(target, sizeof target, "sdn:%s",
             slc_ns_str(json_object_get(s, "spec"), "sdn") ?: "");
    if (!(vi = json_object_get(vl, "vim_info"))) {
        json_object_set_new(vl, "vim_info", vi = json_object());
    }
    if (!(info = json_object_get(vi, target))) {
        json_object_set_new(vi, target, info = json_pack("{sb}", "sdn", 1));
    }
    return info;
}

/* Sets the members of 'from' (taken) in 'info' (may be NULL). */
static void
set_all(json_t *info, json_t *from)
{
    if (info) {
        json_object_update(info, from);
    }
    json_decref(from);
}

void
slc_ns_sdn_created(json_t *nsr, json_t *vnfrs, const json_t *s)
{
    json_t *info = sdn_info(nsr, vnfrs, s);
    const json_t *spec = json_object_get(s, "spec");
    const json_t *p;
    json_t *ports = json_array();
    size_t i;

    json_array_foreach(json_object_get(spec, "points"), i, p)
    {
        json_array_append(ports, json_object_get(p, "id"));
    }
    set_all(info,
            json_pack("{sO sO* sb sO* so sO* ss}", "vim_id",
                      json_object_get(s, "vim_id"), "vim_status",
                      json_object_get(json_object_get(s, "info"), "status"),
                      "created", 1, "created_items",
                      json_object_get(spec, "conn_info"), "connected_ports",
                      ports, "type", json_object_get(spec, "type"),
                      "vim_details", ""));
}

void
slc_ns_sdn_deleted(json_t *nsr, json_t *vnfrs, const json_t *s)
{
    json_t *info = sdn_info(nsr, vnfrs, s);

    /* NG-RO's words for a deleted service */
    set_all(info, json_pack("{sn ss sb ss}", "vim_id", "vim_status",
                            "DELETED", "created", 0, "vim_details",
                            "DELETED"));
}

/* Whether 'v' is an integer within lo..hi. */
static bool
int_in(const json_t *v, json_int_t lo, json_int_t hi)
{
    return json_is_integer(v) && json_integer_value(v) >= lo &&
           json_integer_value(v) <= hi;
}

int
slc_ns_check_provider_network(const json_t *v, size_t i,
                              struct slc_error *err)
{
    static const char *const known[] = {"physical-network", "network-type",
                                        "segmentation-id", "sdn-ports",
                                        NULL};
    static const char *const port_known[] = {
        "service_endpoint_id", "service_endpoint_encapsulation_type", "vlan",
        "mac_address", "switch_dpid", "switch_id", "switch_port", NULL};
    const json_t *pn = json_object_get(v, "provider-network");
    const char *name = slc_ns_str(v, "name") ?: "?";
    const json_t *x, *port;
    const char *k;
    size_t j;

    if (!pn) {
        return 0;
    }
    if (!json_is_object(pn)) {
        return slc_error_set(err, SLC_EINVALID,
                             "vld[%zu] '%s': provider-network must be an "
                             "object",
                             i, name);
    }
    json_object_foreach((json_t *)pn, k, x)
    {
        bool ok = false;

        for (size_t m = 0; known[m]; m++) {
            ok |= !strcmp(k, known[m]);
        }
        if (!ok) {
            return slc_error_set(err, SLC_EINVALID,
                                 "vld[%zu] '%s': provider-network: unknown "
                                 "member '%s'",
                                 i, name, k);
        }
    }
    x = json_object_get(pn, "network-type");
    if (x && (!json_is_string(x) || strcmp(json_string_value(x), "vlan"))) {
        return slc_error_set(err, SLC_EINVALID,
                             "vld[%zu] '%s': provider-network.network-type "
                             "must be \"vlan\"",
                             i, name);
    }
    x = json_object_get(pn, "physical-network");
    if (x && !json_is_string(x)) {
        return slc_error_set(err, SLC_EINVALID,
                             "vld[%zu] '%s': provider-network."
                             "physical-network must be a text",
                             i, name);
    }
    x = json_object_get(pn, "segmentation-id");
    if (x && !int_in(x, 1, 4094)) {
        char *text = json_dumps(x, JSON_ENCODE_ANY);
        int rc = slc_error_set(err, SLC_EINVALID,
                               "vld[%zu] '%s': provider-network."
                               "segmentation-id %s is not a VLAN id "
                               "(1..4094)",
                               i, name, text ? text : "?");

        free(text);
        return rc;
    }
    x = json_object_get(pn, "sdn-ports");
    if (x && !json_is_array(x)) {
        return slc_error_set(err, SLC_EINVALID,
                             "vld[%zu] '%s': provider-network.sdn-ports "
                             "must be a list",
                             i, name);
    }
    json_array_foreach(x, j, port)
    {
        const json_t *encap =
            json_object_get(port, "service_endpoint_encapsulation_type");
        const char *why = NULL;
        const json_t *y;

        if (!json_is_object(port)) {
            why = "must be an object";
        } else if (!json_is_string(json_object_get(port, "switch_port"))) {
            why = "needs a switch_port (a port name or number, as text)";
        } else if (encap && !json_is_null(encap) &&
                   (!json_is_string(encap) ||
                    strcmp(json_string_value(encap), "dot1q"))) {
            why = "service_endpoint_encapsulation_type must be \"dot1q\" "
                  "or null";
        } else if (json_object_get(port, "vlan") &&
                   !int_in(json_object_get(port, "vlan"), 1, 4094)) {
            why = "vlan must be 1..4094";
        }
        json_object_foreach((json_t *)port, k, y)
        {
            bool ok = false;

            for (size_t m = 0; port_known[m]; m++) {
                ok |= !strcmp(k, port_known[m]);
            }
            if (!ok && !why) {
                return slc_error_set(err, SLC_EINVALID,
                                     "vld[%zu] '%s': provider-network."
                                     "sdn-ports[%zu]: unknown member '%s'",
                                     i, name, j, k);
            }
        }
        if (why) {
            return slc_error_set(err, SLC_EINVALID,
                                 "vld[%zu] '%s': provider-network."
                                 "sdn-ports[%zu] %s",
                                 i, name, j, why);
        }
    }
    return 0;
}

/* NSD (ETSI SOL006 as OSM uses it, with OSM's VNFFG dialect): the field
 * tables, lookups, the checks of one NSD on its own, and the checks of its
 * references to VNFDs and PNFDs (connection points, chain ports). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "model-internal.h"
#include "sfc-match.h"

#define T struct slc_cpd_ref
static const struct slc_field cpd_ref_fields[] = {
    F_STR_REQ(T, "constituent-base-element-id", element),
    F_STR_REQ(T, "constituent-cpd-id", cpd),
    F_STR(T, "ip-address", ip_address),
};
static const struct slc_schema cpd_ref_schema =
    SLC_SCHEMA(T, "constituent-cpd-id", cpd_ref_fields);
#undef T

#define T struct slc_vl_connectivity
static const struct slc_field vlc_fields[] = {
    F_STR_REQ(T, "virtual-link-profile-id", vl_profile),
    F_LIST(T, "constituent-cpd-id", cpds, cpd_ref_schema, NULL),
};
static const struct slc_schema vlc_schema =
    SLC_SCHEMA(T, "virtual-link-connectivity", vlc_fields);
#undef T

#define T struct slc_vnf_profile
static const struct slc_field vnf_profile_fields[] = {
    F_STR_REQ(T, "id", id),
    F_STR_REQ(T, "vnfd-id", vnfd_id),
    F_STR(T, "flavour-id", flavour_id),
    F_STR(T, "instantiation-level", inst_level),
    F_UINT(T, "min-number-of-instances", min_instances, 0, 65535),
    F_UINT(T, "max-number-of-instances", max_instances, 0, 65535),
    F_LIST(T, "virtual-link-connectivity", vlcs, vlc_schema,
           "virtual-link-profile-id"),
    F_IGNORE("local-affinity-or-anti-affinity-rule"),
    F_IGNORE("affinity-or-anti-affinity-group"),
};
static const struct slc_schema vnf_profile_schema =
    SLC_SCHEMA(T, "vnf-profile", vnf_profile_fields);
#undef T

#define T struct slc_pnf_profile
static const struct slc_field pnf_profile_fields[] = {
    F_STR_REQ(T, "id", id),
    F_STR_REQ(T, "pnfd-id", pnfd_id),
    F_LIST(T, "virtual-link-connectivity", vlcs, vlc_schema,
           "virtual-link-profile-id"),
};
static const struct slc_schema pnf_profile_schema =
    SLC_SCHEMA(T, "pnf-profile", pnf_profile_fields);
#undef T

#define T struct slc_ns_vl_profile
static const struct slc_field ns_vl_profile_fields[] = {
    F_STR_REQ(T, "id", id),
    F_STR_REQ(T, "virtual-link-desc-id", vld_id),
    F_STR(T, "flavour-id", flavour_id),
    F_STRUCT(T, "virtual-link-protocol-data", protocol,
             slc_vl_protocol_schema),
    F_IGNORE("local-affinity-or-anti-affinity-rule"),
    F_IGNORE("affinity-or-anti-affinity-group"),
    F_IGNORE("max-bitrate-requirements"),
    F_IGNORE("min-bitrate-requirements"),
};
static const struct slc_schema ns_vl_profile_schema =
    SLC_SCHEMA(T, "virtual-link-profile", ns_vl_profile_fields);
#undef T

#define T struct slc_ns_df
static const struct slc_field ns_df_fields[] = {
    F_STR_REQ(T, "id", id),
    F_LIST(T, "vnf-profile", vnf_profiles, vnf_profile_schema, "id"),
    F_LIST(T, "pnf-profile", pnf_profiles, pnf_profile_schema, "id"),
    F_LIST(T, "virtual-link-profile", vl_profiles, ns_vl_profile_schema,
           "id"),
    F_IGNORE("flavour-key"),
    F_IGNORE("scaling-aspect"),
    F_IGNORE("affinity-or-anti-affinity-group"),
    F_IGNORE("ns-instantiation-level"),
    F_IGNORE("default-instantiation-level"),
    F_IGNORE("ns-profile"),
    F_IGNORE("dependencies"),
    F_IGNORE("monitored-info"),
};
static const struct slc_schema ns_df_schema =
    SLC_SCHEMA(T, "df", ns_df_fields);
#undef T

#define T struct slc_ns_vld
static const struct slc_field ns_vld_fields[] = {
    F_STR_REQ(T, "id", id),
    F_STR(T, "description", description),
    F_BOOL(T, "mgmt-network", mgmt_network),
    F_STR(T, "vim-network-name", vim_network_name),
    F_STRUCT(T, "provider-network", provider, slc_provider_net_schema),
    F_IGNORE("connectivity-type"),
    F_IGNORE("df"),
    F_IGNORE("test-access"),
    F_IGNORE("security"),
    F_IGNORE("monitoring-parameters"),
    F_IGNORE("name"),
    F_IGNORE("short-name"),
    F_IGNORE("type"),
};
static const struct slc_schema ns_vld_schema =
    SLC_SCHEMA(T, "virtual-link-desc", ns_vld_fields);
#undef T

#define T struct slc_sapd_ext
static const struct slc_field sapd_vnf_fields[] = {
    F_STR_REQ(T, "vnfd-id", desc_id),
    F_STR_REQ(T, "ext-cpd-id", ext_cpd_id),
};
static const struct slc_schema sapd_vnf_schema =
    SLC_SCHEMA(T, "vnf", sapd_vnf_fields);
static const struct slc_field sapd_pnf_fields[] = {
    F_STR_REQ(T, "pnfd-id", desc_id),
    F_STR_REQ(T, "ext-cpd-id", ext_cpd_id),
};
static const struct slc_schema sapd_pnf_schema =
    SLC_SCHEMA(T, "pnf", sapd_pnf_fields);
#undef T

#define T struct slc_sapd
static const struct slc_field sapd_fields[] = {
    F_STR_REQ(T, "id", id),
    F_STR(T, "description", description),
    F_STR(T, "virtual-link-desc", vld),
    F_STR(T, "associated-cpd-id", assoc_cpd),
    F_STRUCT(T, "vnf", vnf, sapd_vnf_schema),
    F_STRUCT(T, "pnf", pnf, sapd_pnf_schema),
    F_BOOL(T, "floating-ip-required", floating_ip),
    F_IGNORE("address-data"),
    F_IGNORE("sap-address-assignment"),
    F_IGNORE("layer-protocol"),
    F_IGNORE("role"),
    F_IGNORE("protocol"),
    F_IGNORE("trunk-mode"),
    F_IGNORE("ns"),
};
static const struct slc_schema sapd_schema =
    SLC_SCHEMA(T, "sapd", sapd_fields);
#undef T

#define T struct slc_cp_element
static const struct slc_field cp_element_fields[] = {
    F_STR_REQ(T, "id", id),
    F_UINT(T, "order", order, 0, 65535),
    F_STR_REQ(T, "constituent-base-element-id", element),
    F_STR_REQ(T, "ingress-constituent-cpd-id", ingress_cpd),
    F_STR_REQ(T, "egress-constituent-cpd-id", egress_cpd),
    F_IGNORE("cpd-id"),
};
static const struct slc_schema cp_element_schema =
    SLC_SCHEMA(T, "constituent-profile-elements", cp_element_fields);
#undef T

#define T struct slc_cp_profile
static const struct slc_field cp_profile_fields[] = {
    F_STR_REQ(T, "id", id),
    F_LIST(T, "constituent-profile-elements", elements, cp_element_schema,
           "id"),
};
static const struct slc_schema cp_profile_schema =
    SLC_SCHEMA(T, "cp-profile-id", cp_profile_fields);
#undef T

#define T struct slc_match
static const struct slc_field match_fields[] = {
    F_STR_REQ(T, "id", id),
    F_UINT(T, "ip-proto", ip_proto, 0, 255),
    F_STR(T, "source-ip-address", src_ip),
    F_STR(T, "destination-ip-address", dst_ip),
    F_UINT(T, "source-port", src_port, 0, 65535),
    F_UINT(T, "destination-port", dst_port, 0, 65535),
    F_STR_REQ(T, "constituent-base-element-id", element),
    F_STR_REQ(T, "constituent-cpd-id", cpd),
};
static const struct slc_schema match_schema =
    SLC_SCHEMA(T, "match-attributes", match_fields);
#undef T

#define T struct slc_position_desc
static const struct slc_field position_fields[] = {
    F_STR_REQ(T, "id", id),
    F_STRS(T, "nfp-position-element-id", position_elements, "unique"),
    F_LIST(T, "cp-profile-id", cp_profiles, cp_profile_schema, "id"),
    F_LIST(T, "match-attributes", matches, match_schema, "id"),
};
static const struct slc_schema position_schema =
    SLC_SCHEMA(T, "position-desc-id", position_fields);
#undef T

#define T struct slc_nfpd
static const struct slc_field nfpd_fields[] = {
    F_STR_REQ(T, "id", id),
    F_STR(T, "rule", rule),
    F_LIST(T, "position-desc-id", positions, position_schema, "id"),
    F_IGNORE("position-desc"),
};
static const struct slc_schema nfpd_schema =
    SLC_SCHEMA(T, "nfpd", nfpd_fields);
#undef T

#define T struct slc_id_item
static const struct slc_field id_item_fields[] = {
    F_STR_REQ(T, "id", id),
    F_IGNORE("desc"),
};
static const struct slc_schema position_element_schema =
    SLC_SCHEMA(T, "nfp-position-element", id_item_fields);
#undef T

#define T struct slc_vnffgd
static const struct slc_field vnffgd_fields[] = {
    F_STR_REQ(T, "id", id),
    F_STR(T, "description", description),
    F_STRS(T, "vnf-profile-id", vnf_profiles, "unique"),
    F_STRS(T, "pnf-profile-id", pnf_profiles, "unique"),
    F_LIST(T, "nfp-position-element", position_elements,
           position_element_schema, "id"),
    F_LIST(T, "nfpd", nfpds, nfpd_schema, "id"),
    F_IGNORE("nested-ns-profile-id"),
    F_IGNORE("virtual-link-profile-id"),
    F_IGNORE("cpd-pool"),
};
static const struct slc_schema vnffgd_schema =
    SLC_SCHEMA(T, "vnffgd", vnffgd_fields);
#undef T

#define T struct slc_nsd
static const struct slc_field nsd_fields[] = {
    F_STR_REQ(T, "id", id),
    F_STR(T, "name", name),
    F_STR(T, "designer", designer),
    F_STR(T, "version", version),
    F_STR(T, "description", description),
    F_STRS(T, "vnfd-id", vnfd_ids, "unique"),
    F_STRS(T, "pnfd-id", pnfd_ids, "unique"),
    F_STRS(T, "nested-nsd-id", nested_nsd_ids, "unique"),
    F_LIST(T, "sapd", sapds, sapd_schema, "id"),
    F_LIST(T, "virtual-link-desc", vlds, ns_vld_schema, "id"),
    F_LIST(T, "df", dfs, ns_df_schema, "id"),
    F_LIST(T, "vnffgd", vnffgds, vnffgd_schema, "id"),
    F_IGNORE("invariant-id"),
    F_IGNORE("monitored-info"),
    F_IGNORE("autoscale-rule"),
    F_IGNORE("lifecycle-management-script"),
    F_IGNORE("security-group-rule"),
    F_IGNORE("ns-configuration"),
    F_IGNORE("sapd-configuration"),
};
const struct slc_schema slc_nsd_schema = SLC_SCHEMA(T, "nsd", nsd_fields);
#undef T

/* ------------------------------------------------------------ lookups */

const struct slc_ns_vld *
slc_nsd_find_vld(const struct slc_nsd *n, const char *id)
{
    return SLC_FIND_BY_ID(n->vlds, n->n_vlds, id);
}

const struct slc_sapd *
slc_nsd_find_sapd(const struct slc_nsd *n, const char *id)
{
    return SLC_FIND_BY_ID(n->sapds, n->n_sapds, id);
}

const struct slc_vnf_profile *
slc_nsd_find_vnf_profile(const struct slc_nsd *n, const char *id)
{
    for (size_t d = 0; id && d < n->n_dfs; d++) {
        const struct slc_ns_df *df = &n->dfs[d];

        for (size_t i = 0; i < df->n_vnf_profiles; i++) {
            if (df->vnf_profiles[i].id &&
                !strcmp(df->vnf_profiles[i].id, id)) {
                return &df->vnf_profiles[i];
            }
        }
    }
    return NULL;
}

bool
slc_str_in(const char *id, const char *const *strs, size_t n)
{
    for (size_t i = 0; id && i < n; i++) {
        if (strs[i] && !strcmp(strs[i], id)) {
            return true;
        }
    }
    return false;
}

/* The VL a virtual-link-profile-id designates: OSM uses the VL id itself;
 * SOL006 proper names a df virtual-link-profile.  NULL when neither. */
static const struct slc_ns_vld *
resolve_vl(const struct slc_nsd *n, const struct slc_ns_df *df,
           const char *id)
{
    const struct slc_ns_vld *vld = slc_nsd_find_vld(n, id);

    for (size_t i = 0; !vld && id && i < df->n_vl_profiles; i++) {
        if (df->vl_profiles[i].id && !strcmp(df->vl_profiles[i].id, id)) {
            vld = slc_nsd_find_vld(n, df->vl_profiles[i].vld_id);
        }
    }
    return vld;
}

/* ------------------------------------------------------------- checks */

static void
check_ip(struct slc_parse *p, const struct slc_node *node, const char *key,
         const char *text)
{
    struct slc_ip_prefix prefix;
    struct slc_error err;

    if (text && slc_ip_prefix_parse(text, &prefix, &err)) {
        slc_parse_error(p, node, key, "%s", err.msg);
    }
}

/* Checks one profile's virtual-link-connectivity; 'owner' is the profile
 * id that every constituent-base-element-id must repeat. */
static void
check_vlcs(struct slc_parse *p, const struct slc_nsd *n,
           const struct slc_ns_df *df, const char *owner,
           const struct slc_vl_connectivity *vlcs, size_t n_vlcs)
{
    for (size_t i = 0; i < n_vlcs; i++) {
        const struct slc_vl_connectivity *c = &vlcs[i];

        if (c->vl_profile && !resolve_vl(n, df, c->vl_profile)) {
            slc_parse_error(p, &c->node, "virtual-link-profile-id",
                            "'%s' names no virtual-link-desc (nor "
                            "virtual-link-profile) of this NSD",
                            c->vl_profile);
        }
        for (size_t j = 0; j < c->n_cpds; j++) {
            const struct slc_cpd_ref *r = &c->cpds[j];

            if (r->element && owner && strcmp(r->element, owner)) {
                slc_parse_error(p, &r->node, "constituent-base-element-id",
                                "'%s' must name its own profile '%s'",
                                r->element, owner);
            }
            check_ip(p, &r->node, "ip-address", r->ip_address);
        }
    }
}

/* A connection point of a profile may sit on one VL only, and a fixed
 * IP address may be used once per VL. */
static void
check_cp_uniqueness(struct slc_parse *p, const struct slc_ns_df *df)
{
    for (size_t a = 0; a < df->n_vnf_profiles; a++) {
        const struct slc_vnf_profile *pa = &df->vnf_profiles[a];

        for (size_t i = 0; i < pa->n_vlcs; i++) {
            for (size_t j = 0; j < pa->vlcs[i].n_cpds; j++) {
                const struct slc_cpd_ref *r = &pa->vlcs[i].cpds[j];

                for (size_t k = 0; k < i; k++) {
                    for (size_t m = 0; m < pa->vlcs[k].n_cpds; m++) {
                        const struct slc_cpd_ref *o = &pa->vlcs[k].cpds[m];

                        if (r->cpd && o->cpd && !strcmp(r->cpd, o->cpd)) {
                            slc_parse_error(
                                p, &r->node, "constituent-cpd-id",
                                "'%s' of '%s' is already on "
                                "virtual link '%s'",
                                r->cpd, pa->id ? pa->id : "",
                                pa->vlcs[k].vl_profile
                                    ? pa->vlcs[k].vl_profile
                                    : "");
                        }
                    }
                }
            }
        }
    }
}

/* Fixed IP addresses must be unique on each VL across all profiles. */
static void
check_fixed_ips(struct slc_parse *p, const struct slc_nsd *n,
                const struct slc_ns_df *df)
{
    const struct slc_cpd_ref *seen[256];
    const char *seen_vl[256];
    size_t n_seen = 0;

    for (size_t a = 0; a < df->n_vnf_profiles; a++) {
        const struct slc_vnf_profile *pa = &df->vnf_profiles[a];

        for (size_t i = 0; i < pa->n_vlcs; i++) {
            const char *vl = pa->vlcs[i].vl_profile;

            for (size_t j = 0; vl && j < pa->vlcs[i].n_cpds; j++) {
                const struct slc_cpd_ref *r = &pa->vlcs[i].cpds[j];

                if (!r->ip_address) {
                    continue;
                }
                for (size_t k = 0; k < n_seen; k++) {
                    if (!strcmp(seen_vl[k], vl) &&
                        !strcmp(seen[k]->ip_address, r->ip_address)) {
                        slc_parse_error(p, &r->node, "ip-address",
                                        "'%s' is already given to %s on "
                                        "virtual link '%s'",
                                        r->ip_address, seen[k]->node.path,
                                        vl);
                        break;
                    }
                }
                if (n_seen < SLC_ARRAY_LEN(seen)) {
                    seen_vl[n_seen] = vl;
                    seen[n_seen++] = r;
                }
            }
        }
    }
}

static void
check_df(struct slc_parse *p, const struct slc_nsd *n,
         const struct slc_ns_df *df)
{
    for (size_t i = 0; i < df->n_vnf_profiles; i++) {
        const struct slc_vnf_profile *vp = &df->vnf_profiles[i];

        if (vp->vnfd_id &&
            !slc_str_in(vp->vnfd_id, n->vnfd_ids, n->n_vnfd_ids)) {
            slc_parse_error(p, &vp->node, "vnfd-id",
                            "'%s' is not listed in the NSD's vnfd-id",
                            vp->vnfd_id);
        }
        if (vp->max_instances && vp->min_instances > vp->max_instances) {
            slc_parse_error(p, &vp->node, "max-number-of-instances",
                            "%llu is less than min-number-of-instances "
                            "%llu",
                            (unsigned long long)vp->max_instances,
                            (unsigned long long)vp->min_instances);
        }
        check_vlcs(p, n, df, vp->id, vp->vlcs, vp->n_vlcs);
    }
    for (size_t i = 0; i < df->n_pnf_profiles; i++) {
        const struct slc_pnf_profile *pp = &df->pnf_profiles[i];

        if (pp->pnfd_id &&
            !slc_str_in(pp->pnfd_id, n->pnfd_ids, n->n_pnfd_ids)) {
            slc_parse_error(p, &pp->node, "pnfd-id",
                            "'%s' is not listed in the NSD's pnfd-id",
                            pp->pnfd_id);
        }
        if (slc_nsd_find_vnf_profile(n, pp->id)) {
            slc_parse_error(p, &pp->node, "id",
                            "'%s' is also a vnf-profile id", pp->id);
        }
        check_vlcs(p, n, df, pp->id, pp->vlcs, pp->n_vlcs);
    }
    for (size_t i = 0; i < df->n_vl_profiles; i++) {
        const struct slc_ns_vl_profile *vl = &df->vl_profiles[i];
        const struct slc_ns_vld *vld = slc_nsd_find_vld(n, vl->vld_id);

        if (vl->vld_id && !vld) {
            slc_parse_error(p, &vl->node, "virtual-link-desc-id",
                            "'%s' names no virtual-link-desc of this NSD",
                            vl->vld_id);
        } else if (vld && vld->mgmt_network && vl->protocol) {
            slc_parse_error(p, &vl->node, "virtual-link-protocol-data",
                            "not allowed on management network '%s'",
                            vld->id);
        }
        if (vl->protocol && vl->protocol->l3) {
            check_ip(p, &vl->protocol->l3->node, "cidr",
                     vl->protocol->l3->cidr);
            check_ip(p, &vl->protocol->l3->node, "gateway-ip",
                     vl->protocol->l3->gateway);
        }
    }
    check_cp_uniqueness(p, df);
    check_fixed_ips(p, n, df);
}

static void
check_sapd(struct slc_parse *p, const struct slc_nsd *n,
           const struct slc_sapd *s)
{
    int targets = (s->vld != NULL) + (s->assoc_cpd != NULL) +
                  (s->vnf != NULL) + (s->pnf != NULL);

    if (!targets) {
        slc_parse_error(p, &s->node, NULL,
                        "sapd '%s' is attached to nothing: give "
                        "virtual-link-desc, associated-cpd-id, vnf or pnf",
                        s->id ? s->id : "");
    } else if (targets > 1) {
        slc_parse_error(p, &s->node, NULL,
                        "give only one of virtual-link-desc, "
                        "associated-cpd-id, vnf and pnf");
    }
    if (s->vld && !slc_nsd_find_vld(n, s->vld)) {
        slc_parse_error(p, &s->node, "virtual-link-desc",
                        "'%s' names no virtual-link-desc of this NSD",
                        s->vld);
    }
    if (s->vnf && s->vnf->desc_id &&
        !slc_str_in(s->vnf->desc_id, n->vnfd_ids, n->n_vnfd_ids)) {
        slc_parse_error(p, &s->vnf->node, "vnfd-id",
                        "'%s' is not listed in the NSD's vnfd-id",
                        s->vnf->desc_id);
    }
    if (s->pnf && s->pnf->desc_id &&
        !slc_str_in(s->pnf->desc_id, n->pnfd_ids, n->n_pnfd_ids)) {
        slc_parse_error(p, &s->pnf->node, "pnfd-id",
                        "'%s' is not listed in the NSD's pnfd-id",
                        s->pnf->desc_id);
    }
}

static void
check_match(struct slc_parse *p, const struct slc_vnffgd *fg,
            const struct slc_match *m)
{
    struct slc_ip_prefix src, dst;
    struct slc_error err;
    bool src_ok = false, dst_ok = false;

    if (m->element &&
        !slc_str_in(m->element, fg->vnf_profiles, fg->n_vnf_profiles)) {
        slc_parse_error(p, &m->node, "constituent-base-element-id",
                        "'%s' is not in the vnffgd's vnf-profile-id",
                        m->element);
    }
    if (m->src_ip) {
        src_ok = !slc_ip_prefix_parse(m->src_ip, &src, &err);
        if (!src_ok) {
            slc_parse_error(p, &m->node, "source-ip-address", "%s", err.msg);
        }
    }
    if (m->dst_ip) {
        dst_ok = !slc_ip_prefix_parse(m->dst_ip, &dst, &err);
        if (!dst_ok) {
            slc_parse_error(p, &m->node, "destination-ip-address", "%s",
                            err.msg);
        }
    }
    if (src_ok && dst_ok && src.len == (src.family == AF_INET ? 32 : 128) &&
        !memcmp(&src.addr, &dst.addr, sizeof src.addr) &&
        src.len == dst.len) {
        slc_parse_error(p, &m->node, "destination-ip-address",
                        "'%s' equals the source address", m->dst_ip);
    }
    if (src_ok && dst_ok && src.family != dst.family) {
        slc_parse_error(p, &m->node, "destination-ip-address",
                        "'%s' and source '%s' are of different IP versions",
                        m->dst_ip, m->src_ip);
    }
    if ((m->src_port || m->dst_port) &&
        !slc_ip_proto_has_ports((unsigned)m->ip_proto)) {
        slc_parse_error(p, &m->node,
                        m->dst_port ? "destination-port" : "source-port",
                        "ports need ip-proto 6 (tcp), 17 (udp) or 132 "
                        "(sctp), not %llu",
                        (unsigned long long)m->ip_proto);
    }
}

/* A chain must not visit the same SF port twice (a forwarding loop), and
 * hop orders must be distinct so the order is well defined. */
static void
check_chain(struct slc_parse *p, const struct slc_vnffgd *fg,
            const struct slc_position_desc *pd)
{
    const struct slc_cp_element *hops[128];
    size_t n_hops = 0;

    for (size_t i = 0; i < pd->n_cp_profiles; i++) {
        const struct slc_cp_profile *cp = &pd->cp_profiles[i];

        if (!cp->n_elements) {
            slc_parse_error(p, &cp->node, NULL,
                            "cp-profile '%s' has no "
                            "constituent-profile-elements",
                            cp->id ? cp->id : "");
        }
        for (size_t j = 0; j < cp->n_elements; j++) {
            const struct slc_cp_element *e = &cp->elements[j];

            if (e->element && !slc_str_in(e->element, fg->vnf_profiles,
                                          fg->n_vnf_profiles)) {
                slc_parse_error(p, &e->node, "constituent-base-element-id",
                                "'%s' is not in the vnffgd's "
                                "vnf-profile-id",
                                e->element);
            }
            for (size_t k = 0; k < n_hops; k++) {
                const struct slc_cp_element *o = hops[k];

                if (e->element && o->element && e->ingress_cpd &&
                    o->ingress_cpd && !strcmp(e->element, o->element) &&
                    !strcmp(e->ingress_cpd, o->ingress_cpd)) {
                    slc_parse_error(p, &e->node, "ingress-constituent-cpd-id",
                                    "the chain enters '%s' of '%s' twice "
                                    "(also at %s): a forwarding loop",
                                    e->ingress_cpd, e->element,
                                    o->node.path);
                } else if (e->order == o->order) {
                    slc_parse_error(p, &e->node, "order",
                                    "order %llu is also used by %s",
                                    (unsigned long long)e->order,
                                    o->node.path);
                }
            }
            if (n_hops < SLC_ARRAY_LEN(hops)) {
                hops[n_hops++] = e;
            }
        }
    }
}

static void
check_vnffgd(struct slc_parse *p, const struct slc_nsd *n,
             const struct slc_vnffgd *fg)
{
    for (size_t i = 0; i < fg->n_vnf_profiles; i++) {
        if (fg->vnf_profiles[i] &&
            !slc_nsd_find_vnf_profile(n, fg->vnf_profiles[i])) {
            slc_parse_error(p, &fg->node, "vnf-profile-id",
                            "'%s' names no vnf-profile of this NSD",
                            fg->vnf_profiles[i]);
        }
    }
    for (size_t i = 0; i < fg->n_nfpds; i++) {
        const struct slc_nfpd *fp = &fg->nfpds[i];

        if (!fp->n_positions) {
            slc_parse_error(p, &fp->node, NULL,
                            "nfpd '%s' has no position-desc-id",
                            fp->id ? fp->id : "");
        }
        for (size_t j = 0; j < fp->n_positions; j++) {
            const struct slc_position_desc *pd = &fp->positions[j];

            for (size_t k = 0; k < pd->n_position_elements; k++) {
                bool found = false;

                for (size_t m = 0; m < fg->n_position_elements; m++) {
                    const char *id = fg->position_elements[m].id;

                    found |= id && pd->position_elements[k] &&
                             !strcmp(id, pd->position_elements[k]);
                }
                if (!found && pd->position_elements[k]) {
                    slc_parse_error(p, &pd->node, "nfp-position-element-id",
                                    "'%s' names no nfp-position-element "
                                    "of vnffgd '%s'",
                                    pd->position_elements[k],
                                    fg->id ? fg->id : "");
                }
            }
            check_chain(p, fg, pd);
            for (size_t k = 0; k < pd->n_matches; k++) {
                check_match(p, fg, &pd->matches[k]);
            }
        }
    }
}

void
slc_nsd_validate(struct slc_parse *p, const struct slc_nsd *n)
{
    if (!n->n_dfs) {
        slc_parse_error(p, &n->node, "df",
                        "an NSD needs at least one deployment flavour (df)");
    }
    if (n->id && slc_str_in(n->id, n->nested_nsd_ids, n->n_nested_nsd_ids)) {
        slc_parse_error(p, &n->node, "nested-nsd-id",
                        "'%s' nests the NSD in itself (a cycle)", n->id);
    }
    for (size_t i = 0; i < n->n_vnfd_ids; i++) {
        bool used = false;

        for (size_t d = 0; d < n->n_dfs; d++) {
            for (size_t j = 0; j < n->dfs[d].n_vnf_profiles; j++) {
                const char *v = n->dfs[d].vnf_profiles[j].vnfd_id;

                used |= v && n->vnfd_ids[i] && !strcmp(v, n->vnfd_ids[i]);
            }
        }
        if (!used && n->vnfd_ids[i]) {
            slc_parse_warning(p, &n->node, "vnfd-id",
                              "'%s' is listed but no vnf-profile uses it",
                              n->vnfd_ids[i]);
        }
    }
    for (size_t i = 0; i < n->n_sapds; i++) {
        check_sapd(p, n, &n->sapds[i]);
    }
    for (size_t i = 0; i < n->n_dfs; i++) {
        check_df(p, n, &n->dfs[i]);
    }
    for (size_t i = 0; i < n->n_vnffgds; i++) {
        check_vnffgd(p, n, &n->vnffgds[i]);
    }
}

/* ---------------------------------------------------- cross references */

/* Checks that 'cpd' is an ext-cpd of the VNFD behind vnf-profile
 * 'profile'; notes the VNFD as missing when the set lacks it. */
static void
check_vnf_cpd(struct slc_parse *p, const struct slc_nsd *n,
              const struct slc_model_set *set, json_t *missing,
              const struct slc_node *node, const char *key,
              const char *profile, const char *cpd)
{
    const struct slc_vnf_profile *vp = slc_nsd_find_vnf_profile(n, profile);
    const struct slc_descriptor *d;

    if (!vp || !vp->vnfd_id || !cpd) {
        return;
    }
    d = slc_model_set_find(set, SLC_DESC_VNFD, vp->vnfd_id);
    if (!d) {
        slc_model_note_missing(missing, SLC_DESC_VNFD, vp->vnfd_id,
                               vp->node.path);
        return;
    }
    if (!slc_vnfd_find_ext_cpd(d->u.vnfd, cpd)) {
        slc_parse_error(p, node, key,
                        "'%s' is not an ext-cpd of vnfd '%s' (used by "
                        "vnf-profile '%s')",
                        cpd, vp->vnfd_id, profile);
    }
}

static bool
pnfd_has_cpd(const struct slc_pnfd *d, const char *cpd)
{
    for (size_t i = 0; cpd && i < d->n_ext_cpds; i++) {
        if (d->ext_cpds[i].id && !strcmp(d->ext_cpds[i].id, cpd)) {
            return true;
        }
    }
    return false;
}

static void
check_pnf_refs(struct slc_parse *p, const struct slc_pnf_profile *pp,
               const struct slc_model_set *set, json_t *missing)
{
    const struct slc_descriptor *d;

    if (!pp->pnfd_id) {
        return;
    }
    d = slc_model_set_find(set, SLC_DESC_PNFD, pp->pnfd_id);
    if (!d) {
        slc_model_note_missing(missing, SLC_DESC_PNFD, pp->pnfd_id,
                               pp->node.path);
        return;
    }
    for (size_t i = 0; i < pp->n_vlcs; i++) {
        for (size_t j = 0; j < pp->vlcs[i].n_cpds; j++) {
            const struct slc_cpd_ref *r = &pp->vlcs[i].cpds[j];

            if (r->cpd && !pnfd_has_cpd(d->u.pnfd, r->cpd)) {
                slc_parse_error(p, &r->node, "constituent-cpd-id",
                                "'%s' is not an ext-cpd of pnfd '%s'",
                                r->cpd, pp->pnfd_id);
            }
        }
    }
}

static void
check_chain_refs(struct slc_parse *p, const struct slc_nsd *n,
                 const struct slc_vnffgd *fg,
                 const struct slc_model_set *set, json_t *missing)
{
    for (size_t i = 0; i < fg->n_nfpds; i++) {
        for (size_t j = 0; j < fg->nfpds[i].n_positions; j++) {
            const struct slc_position_desc *pd = &fg->nfpds[i].positions[j];

            for (size_t k = 0; k < pd->n_cp_profiles; k++) {
                const struct slc_cp_profile *cp = &pd->cp_profiles[k];

                for (size_t m = 0; m < cp->n_elements; m++) {
                    const struct slc_cp_element *e = &cp->elements[m];

                    check_vnf_cpd(p, n, set, missing, &e->node,
                                  "ingress-constituent-cpd-id", e->element,
                                  e->ingress_cpd);
                    check_vnf_cpd(p, n, set, missing, &e->node,
                                  "egress-constituent-cpd-id", e->element,
                                  e->egress_cpd);
                }
            }
            for (size_t k = 0; k < pd->n_matches; k++) {
                const struct slc_match *mt = &pd->matches[k];

                check_vnf_cpd(p, n, set, missing, &mt->node,
                              "constituent-cpd-id", mt->element, mt->cpd);
            }
        }
    }
}

void
slc_nsd_check_refs(struct slc_parse *p, const struct slc_nsd *n,
                   const struct slc_model_set *set, json_t *missing)
{
    for (size_t i = 0; i < n->n_vnfd_ids; i++) {
        if (n->vnfd_ids[i] &&
            !slc_model_set_find(set, SLC_DESC_VNFD, n->vnfd_ids[i])) {
            slc_model_note_missing(missing, SLC_DESC_VNFD, n->vnfd_ids[i],
                                   n->node.path);
        }
    }
    for (size_t d = 0; d < n->n_dfs; d++) {
        const struct slc_ns_df *df = &n->dfs[d];

        for (size_t i = 0; i < df->n_vnf_profiles; i++) {
            const struct slc_vnf_profile *vp = &df->vnf_profiles[i];

            for (size_t j = 0; j < vp->n_vlcs; j++) {
                for (size_t k = 0; k < vp->vlcs[j].n_cpds; k++) {
                    const struct slc_cpd_ref *r = &vp->vlcs[j].cpds[k];

                    check_vnf_cpd(p, n, set, missing, &r->node,
                                  "constituent-cpd-id", vp->id, r->cpd);
                }
            }
        }
        for (size_t i = 0; i < df->n_pnf_profiles; i++) {
            check_pnf_refs(p, &df->pnf_profiles[i], set, missing);
        }
    }
    for (size_t i = 0; i < n->n_vnffgds; i++) {
        check_chain_refs(p, n, &n->vnffgds[i], set, missing);
    }
}

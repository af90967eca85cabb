/* NST (OSM's nst.yang): the field tables, the checks of one NST on its
 * own, and the checks of its references to the NSDs of its subnets
 * (nss-connection-point-ref must name a sapd of the subnet's NSD). */
#include <ctype.h>
#include <string.h>

#include "model-internal.h"

static const struct slc_enum_name slice_types[] = {
    {"eMBB", SLC_SST_EMBB},
    {"URLLC", SLC_SST_URLLC},
    {"mMTC", SLC_SST_MMTC},
    {NULL, 0},
};

static const struct slc_enum_name resource_types[] = {
    {"delay-critical-GBR", SLC_QOS_DELAY_CRITICAL_GBR},
    {"GBR", SLC_QOS_GBR},
    {"non-GBR", SLC_QOS_NON_GBR},
    {NULL, 0},
};

static const struct slc_enum_name vld_types[] = {
    {"ELAN", SLC_VLD_ELAN},
    {"ELINE", SLC_VLD_ELINE},
    {NULL, 0},
};

#define T struct slc_snssai
static const struct slc_field snssai_fields[] = {
    {.key = "slice-service-type",
     .type = SLC_FT_ENUM,
     .off = offsetof(T, sst),
     .enums = slice_types,
     .required = true},
    F_STR(T, "slice-differentiator", sd),
};
static const struct slc_schema snssai_schema =
    SLC_SCHEMA(T, "SNSSAI-identifier", snssai_fields);
#undef T

#define T struct slc_qos
static const struct slc_field qos_fields[] = {
    {.key = "id",
     .type = SLC_FT_UINT,
     .off = offsetof(T, id),
     .max = 65535,
     .required = true},
    F_ENUM(T, "resource-type", resource_type, resource_types,
           SLC_QOS_UNSET),
    F_UINT(T, "priority-level", priority_level, 0, 65535),
    F_UINT(T, "packet-delay-budget", packet_delay_budget, 0, 65535),
    F_UINT(T, "packet-error-rate", packet_error_rate, 0, 65535),
    F_UINT(T, "default-max-data-burst", default_max_data_burst, 0, 65535),
};
static const struct slc_schema qos_schema =
    SLC_SCHEMA(T, "quality-of-service", qos_fields);
#undef T

#define T struct slc_nss
static const struct slc_field nss_fields[] = {
    F_STR_REQ(T, "id", id),
    F_STR(T, "description", description),
    F_BOOL(T, "is-shared-nss", is_shared),
    F_STR_REQ(T, "nsd-ref", nsd_ref),
    F_JSON(T, "instantiation-parameters", inst_params),
};
static const struct slc_schema nss_schema =
    SLC_SCHEMA(T, "netslice-subnet", nss_fields);
#undef T

#define T struct slc_nss_cp_ref
static const struct slc_field nss_cp_ref_fields[] = {
    F_STR_REQ(T, "nss-ref", nss_ref),
    F_STR_REQ(T, "nsd-connection-point-ref", nsd_cp_ref),
    F_STR(T, "ip-address", ip_address),
};
static const struct slc_schema nss_cp_ref_schema =
    SLC_SCHEMA(T, "nss-connection-point-ref", nss_cp_ref_fields);
#undef T

#define T struct slc_netslice_vld
static const struct slc_field nsvld_fields[] = {
    F_STR_REQ(T, "id", id),
    F_STR(T, "name", name),
    F_STR(T, "short-name", short_name),
    F_STR(T, "vendor", vendor),
    F_STR(T, "description", description),
    F_STR(T, "version", version),
    F_ENUM(T, "type", type, vld_types, SLC_VLD_ELAN),
    F_UINT(T, "root-bandwidth", root_bandwidth, 0, 0),
    F_UINT(T, "leaf-bandwidth", leaf_bandwidth, 0, 0),
    F_BOOL(T, "mgmt-network", mgmt_network),
    F_STRUCT(T, "provider-network", provider, slc_provider_net_schema),
    F_LIST(T, "nss-connection-point-ref", cp_refs, nss_cp_ref_schema, NULL),
};
static const struct slc_schema nsvld_schema =
    SLC_SCHEMA(T, "netslice-vld", nsvld_fields);
#undef T

#define T struct slc_nst
static const struct slc_field nst_fields[] = {
    F_STR_REQ(T, "id", id),
    F_STR_REQ(T, "name", name),
    F_STR(T, "description", description),
    {.key = "SNSSAI-identifier",
     .type = SLC_FT_STRUCT,
     .off = offsetof(T, snssai),
     .sub = &snssai_schema,
     .required = true},
    {.key = "quality-of-service",
     .type = SLC_FT_STRUCT,
     .off = offsetof(T, qos),
     .sub = &qos_schema,
     .required = true},
    F_LIST(T, "netslice-subnet", subnets, nss_schema, "id"),
    F_LIST(T, "netslice-vld", vlds, nsvld_schema, "id"),
    F_IGNORE("netslice-connection-point"),
    F_IGNORE("netslicefgd"),
};
const struct slc_schema slc_nst_schema = SLC_SCHEMA(T, "nst", nst_fields);
#undef T

const struct slc_nss *
slc_nst_find_subnet(const struct slc_nst *t, const char *id)
{
    return SLC_FIND_BY_ID(t->subnets, t->n_subnets, id);
}

/* 3GPP TS 23.003: the slice differentiator is 24 bits, 6 hex digits. */
static bool
sd_is_valid(const char *sd)
{
    if (strlen(sd) != 6) {
        return false;
    }
    for (; *sd; sd++) {
        if (!isxdigit((unsigned char)*sd)) {
            return false;
        }
    }
    return true;
}

static void
check_vld(struct slc_parse *p, const struct slc_nst *t,
          const struct slc_netslice_vld *vld)
{
    for (size_t i = 0; i < vld->n_cp_refs; i++) {
        const struct slc_nss_cp_ref *r = &vld->cp_refs[i];

        if (r->nss_ref && !slc_nst_find_subnet(t, r->nss_ref)) {
            slc_parse_error(p, &r->node, "nss-ref",
                            "'%s' names no netslice-subnet of this NST",
                            r->nss_ref);
        }
        for (size_t j = 0; j < i; j++) {
            const struct slc_nss_cp_ref *o = &vld->cp_refs[j];

            if (r->nss_ref && o->nss_ref && r->nsd_cp_ref &&
                o->nsd_cp_ref && !strcmp(r->nss_ref, o->nss_ref) &&
                !strcmp(r->nsd_cp_ref, o->nsd_cp_ref)) {
                slc_parse_error(p, &r->node, NULL,
                                "'%s' of subnet '%s' is listed twice",
                                r->nsd_cp_ref, r->nss_ref);
            }
        }
    }
    if (vld->type == SLC_VLD_ELINE && vld->n_cp_refs != 2) {
        slc_parse_error(p, &vld->node, "nss-connection-point-ref",
                        "an ELINE joins exactly 2 connection points, not "
                        "%zu",
                        vld->n_cp_refs);
    }
}

/* A subnet's connection point may join one slice network only. */
static void
check_cp_on_one_vld(struct slc_parse *p, const struct slc_nst *t)
{
    for (size_t a = 0; a < t->n_vlds; a++) {
        for (size_t i = 0; i < t->vlds[a].n_cp_refs; i++) {
            const struct slc_nss_cp_ref *r = &t->vlds[a].cp_refs[i];

            for (size_t b = 0; b < a; b++) {
                for (size_t j = 0; j < t->vlds[b].n_cp_refs; j++) {
                    const struct slc_nss_cp_ref *o = &t->vlds[b].cp_refs[j];

                    if (r->nss_ref && o->nss_ref && r->nsd_cp_ref &&
                        o->nsd_cp_ref && !strcmp(r->nss_ref, o->nss_ref) &&
                        !strcmp(r->nsd_cp_ref, o->nsd_cp_ref)) {
                        slc_parse_error(p, &r->node,
                                        "nsd-connection-point-ref",
                                        "'%s' of subnet '%s' is already on "
                                        "netslice-vld '%s'",
                                        r->nsd_cp_ref, r->nss_ref,
                                        t->vlds[b].id ? t->vlds[b].id : "");
                    }
                }
            }
        }
    }
}

void
slc_nst_validate(struct slc_parse *p, const struct slc_nst *t)
{
    size_t mgmt = 0;

    if (!t->n_subnets) {
        slc_parse_error(p, &t->node, "netslice-subnet",
                        "an NST needs at least one netslice-subnet");
    }
    if (t->snssai && t->snssai->sd && !sd_is_valid(t->snssai->sd)) {
        slc_parse_error(p, &t->snssai->node, "slice-differentiator",
                        "'%s' is not 6 hexadecimal digits (24 bits)",
                        t->snssai->sd);
    }
    for (size_t i = 0; i < t->n_subnets; i++) {
        const struct slc_nss *s = &t->subnets[i];

        if (s->inst_params && !json_is_object(s->inst_params)) {
            slc_parse_error(p, &s->node, "instantiation-parameters",
                            "expected a mapping");
        }
    }
    for (size_t i = 0; i < t->n_vlds; i++) {
        check_vld(p, t, &t->vlds[i]);
        mgmt += t->vlds[i].mgmt_network;
    }
    if (mgmt > 1) {
        slc_parse_warning(p, &t->node, "netslice-vld",
                          "%zu netslice-vlds are management networks", mgmt);
    }
    check_cp_on_one_vld(p, t);
}

void
slc_nst_check_refs(struct slc_parse *p, const struct slc_nst *t,
                   const struct slc_model_set *set, json_t *missing)
{
    for (size_t i = 0; i < t->n_subnets; i++) {
        const struct slc_nss *s = &t->subnets[i];

        if (s->nsd_ref && !slc_model_set_find(set, SLC_DESC_NSD, s->nsd_ref)) {
            slc_model_note_missing(missing, SLC_DESC_NSD, s->nsd_ref,
                                   s->node.path);
        }
    }
    for (size_t i = 0; i < t->n_vlds; i++) {
        for (size_t j = 0; j < t->vlds[i].n_cp_refs; j++) {
            const struct slc_nss_cp_ref *r = &t->vlds[i].cp_refs[j];
            const struct slc_nss *s = slc_nst_find_subnet(t, r->nss_ref);
            const struct slc_descriptor *d =
                s ? slc_model_set_find(set, SLC_DESC_NSD, s->nsd_ref) : NULL;

            if (d && r->nsd_cp_ref &&
                !slc_nsd_find_sapd(d->u.nsd, r->nsd_cp_ref)) {
                slc_parse_error(p, &r->node, "nsd-connection-point-ref",
                                "'%s' is not a sapd of nsd '%s' (subnet "
                                "'%s')",
                                r->nsd_cp_ref, s->nsd_ref, s->id);
            }
        }
    }
}

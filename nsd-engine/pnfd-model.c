/* PNFD (ETSI SOL006): a physical network function with its external
 * connection points.  OSM has no PNFD endpoint and models PNFs as VNFDs
 * whose VDUs carry pdu-type; both forms are accepted (descriptors.md
 * section 6). */
#include <string.h>

#include "model-internal.h"

#define T struct slc_pnf_ext_cpd
static const struct slc_field pnf_ext_cpd_fields[] = {
    F_STR_REQ(T, "id", id),
    F_STR(T, "description", description),
    F_STR(T, "role", role),
    F_STRS(T, "layer-protocol", layer_protocols, "unique"),
    F_IGNORE("protocol"),
    F_IGNORE("trunk-mode"),
    F_IGNORE("security-group-rule-id"),
};
static const struct slc_schema pnf_ext_cpd_schema =
    SLC_SCHEMA(T, "ext-cpd", pnf_ext_cpd_fields);
#undef T

#define T struct slc_pnfd
static const struct slc_field pnfd_fields[] = {
    F_STR_REQ(T, "id", id),
    F_STR(T, "name", name),
    F_STR(T, "provider", provider),
    F_STR(T, "version", version),
    F_STR(T, "function-description", function_description),
    F_STR(T, "description", description),
    F_STR(T, "geographical-location-info", geo_location),
    F_LIST(T, "ext-cpd", ext_cpds, pnf_ext_cpd_schema, "id"),
    F_IGNORE("invariant-id"),
    F_IGNORE("security"),
    F_IGNORE("df"),
    F_IGNORE("security-group-rule"),
};
const struct slc_schema slc_pnfd_schema = SLC_SCHEMA(T, "pnfd", pnfd_fields);
#undef T

void
slc_pnfd_validate(struct slc_parse *p, const struct slc_pnfd *d)
{
    if (!d->n_ext_cpds) {
        slc_parse_error(p, &d->node, "ext-cpd",
                        "a PNFD needs at least one ext-cpd to connect to");
    }
}

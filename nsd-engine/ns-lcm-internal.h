/* What ns-records.c and ns-lcm.c share: JSON lookups on records and
 * descriptors, and making a VDU record (instantiation and scale-out both
 * do).  Not for use outside nsd-engine/. */
#ifndef SLC_NS_LCM_INTERNAL_H
#define SLC_NS_LCM_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>

#include "ns-lcm.h"

/* A new VDU record (new reference) for instance 'count_index' of 'vdu' of
 * VNF 'member'; 'cp_vl' maps "<member>/<ext-cpd>" to NS VL ids. */
json_t *slc_ns_make_vdur(const json_t *cp_vl, const json_t *vnfd,
                         const json_t *vdu, const char *member,
                         json_int_t count_index, const char *flavor_id,
                         const char *image_id);

#endif

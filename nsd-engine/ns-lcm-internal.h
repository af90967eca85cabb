/* What ns-records.c and ns-lcm.c share: JSON lookups on records and
 * descriptors, and making a VDU record (instantiation and scale-out both
 * do).  Not for use outside nsd-engine/. */
#ifndef SLC_NS_LCM_INTERNAL_H
#define SLC_NS_LCM_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>

#include "slc-error.h"
#include "slc-store.h"

/* The string member 'key' of 'o', or NULL (borrowed). */
const char *slc_ns_str(const json_t *o, const char *key);
/* The item of 'list' whose string member 'key' equals 'value' (borrowed),
 * or NULL. */
json_t *slc_ns_find(const json_t *list, const char *key, const char *value);
/* True when 'list' holds the string 'value'. */
bool slc_ns_has(const json_t *list, const char *value);
/* A number that OSM files may also write as a string; 0 otherwise. */
double slc_ns_number(const json_t *v);
/* Reads record 'key' of 'coll' by _id, else by name; SLC_ENOTFOUND names
 * 'what' and the key. */
int slc_ns_get_record(struct slc_store *st, const char *coll,
                      const char *what, const char *key,
                      struct slc_record *out, struct slc_error *err);
/* A new VDU record (new reference) for instance 'count_index' of 'vdu' of
 * VNF 'member'; 'cp_vl' maps "<member>/<ext-cpd>" to NS VL ids. */
json_t *slc_ns_make_vdur(const json_t *cp_vl, const json_t *vnfd,
                         const json_t *vdu, const char *member,
                         json_int_t count_index, const char *flavor_id,
                         const char *image_id);
/* The VNF records of NS 'nsr_id' as a new array. */
int slc_ns_load_vnfrs(struct slc_store *st, const char *nsr_id,
                      json_t **out, struct slc_error *err);

#endif

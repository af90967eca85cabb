/* Internal interfaces between the model files of nsd-engine. */
#ifndef SLC_MODEL_INTERNAL_H
#define SLC_MODEL_INTERNAL_H

#include "model.h"
#include "slc-schema.h"


/* Index of the first of the 'n' structures at 'items' (each 'size' bytes)
 * whose string member at offset 'id_off' equals 'id'; 'n' when none or
 * when 'id' is NULL.  The typed lookups of model.h are built on it. */
size_t slc_index_by_id(const void *items, size_t n, size_t size,
                       size_t id_off, const char *id);

/* &arr[i] of the element of array 'arr' (n elements) with member id ==
 * 'key', or NULL: an expression, no control flow. */
#define SLC_FIND_BY_ID(arr, n, key)                                          \
    slc_find_or_null((arr), (n),                                             \
                     slc_index_by_id((arr), (n), sizeof *(arr),              \
                                     offsetof(__typeof__(*(arr)), id),       \
                                     (key)),                                 \
                     sizeof *(arr))

static inline const void *
slc_find_or_null(const void *items, size_t n, size_t i, size_t size)
{
    return i < n ? (const char *)items + i * size : NULL;
}

/* Shared tables. */
extern const struct slc_schema slc_provider_net_schema;
extern const struct slc_schema slc_vl_protocol_schema;

/* Top-level schemas, one per kind. */
extern const struct slc_schema slc_vnfd_schema;
extern const struct slc_schema slc_nsd_schema;
extern const struct slc_schema slc_pnfd_schema;
extern const struct slc_schema slc_nst_schema;

/* Checks of one descriptor on its own (ids, internal references, EPA). */
void slc_vnfd_validate(struct slc_parse *p, const struct slc_vnfd *v);
void slc_nsd_validate(struct slc_parse *p, const struct slc_nsd *n);
void slc_pnfd_validate(struct slc_parse *p, const struct slc_pnfd *d);
void slc_nst_validate(struct slc_parse *p, const struct slc_nst *t);

/* Checks that every script execution environment of 'v' names a file of
 * 'scripts' (the package's scripts/, {name: text}): an error for a
 * package, a warning for a bare descriptor ('scripts' NULL). */
void slc_vnfd_check_scripts(struct slc_parse *p, const struct slc_vnfd *v,
                            const json_t *scripts);

/* Checks of references to other descriptors (see slc_model_check_refs). */
void slc_nsd_check_refs(struct slc_parse *p, const struct slc_nsd *n,
                        const struct slc_model_set *set, json_t *missing);
void slc_nst_check_refs(struct slc_parse *p, const struct slc_nst *t,
                        const struct slc_model_set *set, json_t *missing);

/* Notes a reference to a descriptor absent from the set. */
void slc_model_note_missing(json_t *missing, enum slc_desc_kind kind,
                            const char *id, const char *path);

/* True when 'id' is non-NULL and equals one of the 'n' strings. */
bool slc_str_in(const char *id, const char *const *strs, size_t n);

/* Converts the pre-SOL006 OSM IM into SOL006 JSON (new references), giving
 * new values the positions of the old ones.  NULL on allocation failure;
 * structural problems go to p->diags. */
json_t *slc_im_vnfd_to_sol006(struct slc_parse *p, json_t *old,
                              const char *path);
json_t *slc_im_nsd_to_sol006(struct slc_parse *p, json_t *old,
                             const char *path);

#endif

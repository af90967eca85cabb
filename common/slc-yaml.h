/* YAML (and JSON) loading over libyaml into jansson values that remember
 * where every node came from.
 *
 * Descriptors are YAML; error messages must say file:line:column.  jansson
 * values carry no position, so the loaded document keeps a side table from
 * each value to its source position.  Objects, arrays, strings and numbers
 * are keyed by their own address; the singletons true, false and null are
 * keyed by their parent and key or index.  Plain scalars are resolved with
 * the YAML 1.2 core schema (so 'vpci: 0000:00:0a.0' stays a string); the
 * written text of numbers is kept, so 'version: 1.10' can be read back as
 * "1.10".  Limits on size, depth and node count (aliases included) keep
 * hostile input from exhausting memory or the stack. */
#ifndef SLC_YAML_H
#define SLC_YAML_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "slc-diag.h"

struct slc_yaml_limits {
    size_t max_size;   /* bytes of input */
    unsigned max_depth; /* nesting of mappings and sequences */
    size_t max_nodes;  /* values, counting each alias expansion in full */
};

#define SLC_YAML_MAX_SIZE_DEFAULT (4u << 20)
#define SLC_YAML_MAX_DEPTH_DEFAULT 64
#define SLC_YAML_MAX_NODES_DEFAULT 1000000

struct slc_yaml_doc;

/* Parses 'size' bytes at 'buf' (one YAML document, or JSON) named 'name' in
 * messages.  'limits' may be NULL for the defaults.  On success returns 0
 * and a document in '*docp' (free with slc_yaml_free()).  On failure adds
 * an error with its position to 'diags' and returns SLC_EINVALID (or
 * SLC_ETOOBIG, SLC_ENOMEM); '*docp' is NULL. */
int slc_yaml_load(const char *buf, size_t size, const char *name,
                  const struct slc_yaml_limits *limits,
                  struct slc_yaml_doc **docp, struct slc_diags *diags);

/* Reads the file at 'path' (at most limits->max_size bytes) and loads it
 * as slc_yaml_load() does, naming it by 'path'.  SLC_EIO if unreadable. */
int slc_yaml_load_file(const char *path, const struct slc_yaml_limits *limits,
                       struct slc_yaml_doc **docp, struct slc_diags *diags);

/* Frees the document and its values.  Accepts NULL. */
void slc_yaml_free(struct slc_yaml_doc *doc);

/* The root value (borrowed; lives as long as the document). */
json_t *slc_yaml_root(const struct slc_yaml_doc *doc);

/* Position of 'node'; {0, 0} when unknown (e.g. a value made later, or a
 * true/false/null singleton: use the member forms for those). */
struct slc_pos slc_yaml_pos(const struct slc_yaml_doc *doc,
                            const json_t *node);

/* Position of member 'key' of object 'obj' (of the key itself when the
 * member is absent), falling back to the object's position. */
struct slc_pos slc_yaml_member_pos(const struct slc_yaml_doc *doc,
                                   const json_t *obj, const char *key);

/* Position of element 'index' of array 'arr', falling back to the array. */
struct slc_pos slc_yaml_index_pos(const struct slc_yaml_doc *doc,
                                  const json_t *arr, size_t index);

/* Gives 'node' (made after loading, e.g. by a format translation) the
 * position of 'src'.  Ignored for singletons and on allocation failure. */
void slc_yaml_mark_like(struct slc_yaml_doc *doc, const json_t *node,
                        const json_t *src);

/* The text a number was written with when it differs from jansson's
 * rendering ("1.10", "007"), else NULL.  Borrowed. */
const char *slc_yaml_raw(const struct slc_yaml_doc *doc, const json_t *node);

/* True when the plain (unquoted) scalar 's' reads as a string under the
 * YAML 1.2 core schema, i.e. it is not null, a boolean or a number. */
bool slc_yaml_plain_is_string(const char *s);

/* Writes 'value' as one YAML document.  Returns a NUL-terminated buffer
 * (caller frees) and its length in '*size' (may be NULL), or NULL when
 * out of memory. */
char *slc_yaml_dump(const json_t *value, size_t *size);

#endif

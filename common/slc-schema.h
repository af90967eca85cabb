/* Table-driven conversion of YAML/JSON trees into C structures.
 *
 * Each input section (a descriptor's VDU, a host of an inventory) is
 * described once, as a table of fields (key, type, offset, bounds, enum
 * names, unique key of list items); this walker reads a jansson object
 * against such a table, converts values (accepting the quirks of real OSM
 * files: numbers and booleans written as strings), reports every problem
 * with its path and file:line:column, and allocates the structures in an
 * arena.  Semantic checks are separate functions that walk the structures.
 * Users: nsd-engine's *-model.c, vim-drivers' host inventories, sdn-drivers'
 * port mappings. */
#ifndef SLC_SCHEMA_H
#define SLC_SCHEMA_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "slc-arena.h"
#include "slc-diag.h"
#include "slc-yaml.h"

/* Every parsed structure starts with this: where it came from. */
struct slc_node {
    json_t *json;     /* the source object (borrowed from the document) */
    const char *path; /* "vnfd[0].vdu[1]" */
};

enum slc_field_type {
    SLC_FT_STRING,  /* const char *; numbers are taken as written */
    SLC_FT_UINT,    /* uint64_t; digits in a string are accepted */
    SLC_FT_DECIMAL, /* double; numeric strings are accepted */
    SLC_FT_BOOL,    /* bool; "true"/"false" strings are accepted */
    SLC_FT_ENUM,    /* int, from the field's enum table */
    SLC_FT_STRUCT,  /* pointer to a sub-structure, NULL when absent */
    SLC_FT_LIST,    /* array of sub-structures + size_t count */
    SLC_FT_STRINGS, /* const char ** + size_t count */
    SLC_FT_UINTS,   /* uint64_t * + size_t count, bounds as for UINT */
    SLC_FT_JSON,    /* const json_t *, any shape, borrowed from the doc */
    SLC_FT_IGNORE,  /* known field that we do not model */
};

#define SLC_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

struct slc_enum_name {
    const char *name;
    int value;
};

struct slc_schema;

struct slc_field {
    const char *key;
    enum slc_field_type type;
    bool required;
    size_t off;     /* offset of the member */
    size_t len_off; /* LIST and STRINGS: offset of the size_t count */
    const struct slc_schema *sub;         /* STRUCT and LIST */
    const struct slc_enum_name *enums;    /* ENUM, ends with {NULL} */
    uint64_t max;                         /* UINT: upper bound, 0 = none */
    uint64_t min;                         /* UINT: lower bound */
    int def;                              /* ENUM: value when absent */
    const char *item_key; /* LIST: member whose value must be unique;
                             STRINGS: non-NULL = values must be unique */
};

struct slc_schema {
    const char *name; /* for messages: "virtual-compute-desc" */
    size_t size;      /* of the C structure, which starts with slc_node */
    const struct slc_field *fields;
    size_t n_fields;
};

#define SLC_SCHEMA(type, name_, fields_)                                     \
    {                                                                        \
        .name = name_, .size = sizeof(type), .fields = fields_,              \
        .n_fields = sizeof fields_ / sizeof fields_[0],                      \
    }

/* Field table shorthands.  T is the C structure type. */
#define F_STR(T, k, m) {.key = k, .type = SLC_FT_STRING, .off = offsetof(T, m)}
#define F_STR_REQ(T, k, m)                                                   \
    {.key = k, .type = SLC_FT_STRING, .off = offsetof(T, m), .required = true}
#define F_UINT(T, k, m, lo, hi)                                              \
    {.key = k, .type = SLC_FT_UINT, .off = offsetof(T, m), .min = lo,        \
     .max = hi}
#define F_DEC(T, k, m) {.key = k, .type = SLC_FT_DECIMAL, .off = offsetof(T, m)}
#define F_BOOL(T, k, m) {.key = k, .type = SLC_FT_BOOL, .off = offsetof(T, m)}
#define F_ENUM(T, k, m, names, d)                                            \
    {.key = k, .type = SLC_FT_ENUM, .off = offsetof(T, m), .enums = names,   \
     .def = d}
#define F_STRUCT(T, k, m, s)                                                 \
    {.key = k, .type = SLC_FT_STRUCT, .off = offsetof(T, m), .sub = &s}
#define F_LIST(T, k, m, s, ik)                                               \
    {.key = k, .type = SLC_FT_LIST, .off = offsetof(T, m),                   \
     .len_off = offsetof(T, n_##m), .sub = &s, .item_key = ik}
#define F_STRS(T, k, m, uniq)                                                \
    {.key = k, .type = SLC_FT_STRINGS, .off = offsetof(T, m),                \
     .len_off = offsetof(T, n_##m), .item_key = uniq}
#define F_UINTS(T, k, m, lo, hi)                                             \
    {.key = k, .type = SLC_FT_UINTS, .off = offsetof(T, m),                  \
     .len_off = offsetof(T, n_##m), .min = lo, .max = hi}
#define F_JSON(T, k, m) {.key = k, .type = SLC_FT_JSON, .off = offsetof(T, m)}
#define F_IGNORE(k) {.key = k, .type = SLC_FT_IGNORE}

/* What the walker needs: where to allocate, where to report. */
struct slc_parse {
    struct slc_arena *arena;
    struct slc_yaml_doc *doc; /* positions; may be NULL (stored JSON) */
    struct slc_diags *diags;
    const char *file;         /* source name for messages */
    const char *subject;      /* "vnfd 'x'" for messages */
};

/* Parses object 'obj' at 'path' against 'schema' into 'out' (zeroed,
 * schema->size bytes).  Problems go to p->diags; returns false only when
 * out of memory.  Absent members keep their defaults (0, NULL, enum def). */
bool slc_schema_parse(struct slc_parse *p, const struct slc_schema *schema,
                      json_t *obj, const char *path, void *out);

/* Allocates a structure of 'schema' and parses 'obj' into it; NULL when
 * out of memory. */
void *slc_schema_new(struct slc_parse *p, const struct slc_schema *schema,
                     json_t *obj, const char *path);

/* Reports an error about member 'key' (may be NULL: the node itself) of
 * the structure whose node is 'node'. */
void slc_parse_error(struct slc_parse *p, const struct slc_node *node,
                     const char *key, const char *fmt, ...) SLC_PRINTF(4, 5);
void slc_parse_warning(struct slc_parse *p, const struct slc_node *node,
                       const char *key, const char *fmt, ...)
    SLC_PRINTF(4, 5);

/* True for a PCI address dddd:bb:ss.f (hex; slot < 32, function < 8). */
bool slc_pci_address_is_valid(const char *s);

/* Name of 'value' in enum table 'names', or "?" */
const char *slc_enum_to_name(const struct slc_enum_name *names, int value);

#endif

/* The schema walker: jansson objects to C structures.  See slc-schema.h. */
#include "slc-schema.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Quotes a value for messages: strings in quotes, others as JSON, cut. */
static void
describe(const json_t *v, char *buf, size_t size)
{
    char *dumped;

    if (json_is_string(v)) {
        snprintf(buf, size, "'%.80s'", json_string_value(v));
        return;
    }
    if (json_is_object(v)) {
        snprintf(buf, size, "a mapping");
        return;
    }
    if (json_is_array(v)) {
        snprintf(buf, size, "a list");
        return;
    }
    dumped = json_dumps(v, JSON_ENCODE_ANY);
    snprintf(buf, size, "%.80s", dumped ? dumped : "?");
    free(dumped);
}

static struct slc_pos
member_pos(const struct slc_parse *p, const json_t *obj, const char *key)
{
    struct slc_pos none = {0, 0};

    if (!p->doc) {
        return none;
    }
    return key ? slc_yaml_member_pos(p->doc, obj, key)
               : slc_yaml_pos(p->doc, obj);
}

static void
vreport(struct slc_parse *p, enum slc_diag_severity sev, const json_t *obj,
        const char *path, const char *key, const char *fmt, va_list ap)
    SLC_PRINTF(6, 0);

static void
vreport(struct slc_parse *p, enum slc_diag_severity sev, const json_t *obj,
        const char *path, const char *key, const char *fmt, va_list ap)
{
    char msg[768];
    char *full = NULL;

    vsnprintf(msg, sizeof msg, fmt, ap);
    if (key && asprintf(&full, "%s.%s", path, key) < 0) {
        full = NULL;
    }
    slc_diags_add(p->diags, sev, p->file, member_pos(p, obj, key),
                  p->subject, full ? full : path, "%s", msg);
    free(full);
}

static void
report(struct slc_parse *p, enum slc_diag_severity sev, const json_t *obj,
       const char *path, const char *key, const char *fmt, ...)
    SLC_PRINTF(6, 7);

static void
report(struct slc_parse *p, enum slc_diag_severity sev, const json_t *obj,
       const char *path, const char *key, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport(p, sev, obj, path, key, fmt, ap);
    va_end(ap);
}

void
slc_parse_error(struct slc_parse *p, const struct slc_node *node,
                const char *key, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport(p, SLC_DIAG_ERROR, node->json, node->path, key, fmt, ap);
    va_end(ap);
}

void
slc_parse_warning(struct slc_parse *p, const struct slc_node *node,
                  const char *key, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport(p, SLC_DIAG_WARNING, node->json, node->path, key, fmt, ap);
    va_end(ap);
}

const char *
slc_enum_to_name(const struct slc_enum_name *names, int value)
{
    for (; names->name; names++) {
        if (names->value == value) {
            return names->name;
        }
    }
    return "?";
}

/* Text of a scalar that a string field accepts: strings, and numbers as
 * they were written.  NULL for other values. */
static const char *
scalar_text(struct slc_parse *p, const json_t *v)
{
    const char *raw;

    if (json_is_string(v)) {
        return json_string_value(v);
    }
    if (!json_is_number(v)) {
        return NULL;
    }
    raw = p->doc ? slc_yaml_raw(p->doc, v) : NULL;
    if (raw) {
        return slc_arena_strdup(p->arena, raw);
    }
    if (json_is_integer(v)) {
        return slc_arena_printf(p->arena, "%" JSON_INTEGER_FORMAT,
                                json_integer_value(v));
    }
    char *dumped = json_dumps(v, JSON_ENCODE_ANY);
    const char *s = dumped ? slc_arena_strdup(p->arena, dumped) : NULL;
    free(dumped);
    return s;
}

/* Stores a number given where text is expected as a JSON string, so that
 * the stored descriptor keeps what was written ("1.10", not 1.1). */
static void
normalise_to_string(struct slc_parse *p, json_t *obj, const char *key,
                    json_t *v, const char *text)
{
    json_t *s;

    if (json_is_string(v) || !(s = json_string(text))) {
        return;
    }
    if (p->doc) {
        slc_yaml_mark_like(p->doc, s, v);
    }
    json_object_set_new(obj, key, s);
}

static bool
parse_uint(const json_t *v, uint64_t *out)
{
    const char *s;
    char *end;

    if (json_is_integer(v)) {
        if (json_integer_value(v) < 0) {
            return false;
        }
        *out = (uint64_t)json_integer_value(v);
        return true;
    }
    s = json_string_value(v);
    if (!s || !*s || strspn(s, "0123456789") != strlen(s)) {
        return false;
    }
    errno = 0;
    *out = strtoull(s, &end, 10);
    return errno == 0 && !*end;
}

static bool
parse_decimal(const json_t *v, double *out)
{
    const char *s;
    char *end;

    if (json_is_number(v)) {
        *out = json_number_value(v);
        return true;
    }
    s = json_string_value(v);
    if (!s || !*s) {
        return false;
    }
    errno = 0;
    *out = strtod(s, &end);
    return errno == 0 && !*end;
}

static bool
parse_bool(const json_t *v, bool *out)
{
    const char *s = json_string_value(v);

    if (json_is_boolean(v)) {
        *out = json_is_true(v);
        return true;
    }
    if (s && (!strcasecmp(s, "true") || !strcasecmp(s, "false"))) {
        *out = !strcasecmp(s, "true");
        return true;
    }
    return false;
}

static const char *
enum_list(const struct slc_enum_name *names, char *buf, size_t size)
{
    size_t n = 0;

    buf[0] = '\0';
    for (; names->name && n < size; names++) {
        n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? ", " : "",
                              names->name);
    }
    return buf;
}

/* "base.key" or "base.key[index]" (index SIZE_MAX: none), built without
 * printf: paths are made for every structure parsed. */
static char *
path_join(struct slc_arena *a, const char *base, const char *key,
          size_t index)
{
    size_t blen = strlen(base), klen = strlen(key);
    char digits[24], *p, *out;
    size_t dlen = 0;

    if (index != SIZE_MAX) {
        size_t v = index;

        do {
            digits[sizeof digits - 1 - dlen++] = (char)('0' + v % 10);
            v /= 10;
        } while (v);
    }
    out = slc_arena_alloc(a, blen + klen + dlen + 4);
    if (!out) {
        return NULL;
    }
    p = out;
    memcpy(p, base, blen);
    p += blen;
    *p++ = '.';
    memcpy(p, key, klen);
    p += klen;
    if (dlen) {
        *p++ = '[';
        memcpy(p, digits + sizeof digits - dlen, dlen);
        p += dlen;
        *p++ = ']';
    }
    *p = '\0';
    return out;
}

static bool parse_list(struct slc_parse *p, const struct slc_field *f,
                       json_t *obj, json_t *v, const char *path, char *out);

static bool
parse_strings(struct slc_parse *p, const struct slc_field *f, json_t *obj,
              json_t *v, const char *path, char *out)
{
    size_t n = json_array_size(v);
    const char **items;
    char where[512];

    if (!json_is_array(v)) {
        char what[100];

        describe(v, what, sizeof what);
        report(p, SLC_DIAG_ERROR, obj, path, f->key,
               "expected a list of strings, got %s", what);
        return true;
    }
    items = slc_arena_calloc(p->arena, n ? n : 1, sizeof *items);
    if (!items) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *item = json_array_get(v, i);
        const char *text = scalar_text(p, item);

        snprintf(where, sizeof where, "%s.%s[%zu]", path, f->key, i);
        if (!text) {
            char what[100];

            describe(item, what, sizeof what);
            slc_diags_add(p->diags, SLC_DIAG_ERROR, p->file,
                          p->doc ? slc_yaml_index_pos(p->doc, v, i)
                                 : (struct slc_pos){0, 0},
                          p->subject, where, "expected a string, got %s",
                          what);
            continue;
        }
        for (size_t j = 0; f->item_key && j < i; j++) {
            if (items[j] && !strcmp(items[j], text)) {
                slc_diags_add(p->diags, SLC_DIAG_ERROR, p->file,
                              p->doc ? slc_yaml_index_pos(p->doc, v, i)
                                     : (struct slc_pos){0, 0},
                              p->subject, where, "duplicate value '%s'",
                              text);
            }
        }
        items[i] = text;
    }
    memcpy(out + f->off, &items, sizeof items);
    memcpy(out + f->len_off, &n, sizeof n);
    return true;
}

static bool
parse_uints(struct slc_parse *p, const struct slc_field *f, json_t *obj,
            json_t *v, const char *path, char *out)
{
    size_t n = json_array_size(v);
    uint64_t *items;
    char what[100];

    if (!json_is_array(v)) {
        describe(v, what, sizeof what);
        report(p, SLC_DIAG_ERROR, obj, path, f->key,
               "expected a list of integers, got %s", what);
        return true;
    }
    items = slc_arena_calloc(p->arena, n ? n : 1, sizeof *items);
    if (!items) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *item = json_array_get(v, i);
        struct slc_pos pos = p->doc ? slc_yaml_index_pos(p->doc, v, i)
                                    : (struct slc_pos){0, 0};

        if (!parse_uint(item, &items[i]) || items[i] < f->min ||
            (f->max && items[i] > f->max)) {
            describe(item, what, sizeof what);
            slc_diags_add(p->diags, SLC_DIAG_ERROR, p->file, pos, p->subject,
                          path, "%s[%zu]: expected an integer in %" PRIu64
                                "..%" PRIu64 ", got %s",
                          f->key, i, f->min, f->max ? f->max : UINT64_MAX,
                          what);
        }
    }
    memcpy(out + f->off, &items, sizeof items);
    memcpy(out + f->len_off, &n, sizeof n);
    return true;
}

bool
slc_pci_address_is_valid(const char *s)
{
    unsigned dom, bus, slot, fn;
    char tail;

    return strlen(s) == 12 &&
           sscanf(s, "%4x:%2x:%2x.%1x%c", &dom, &bus, &slot, &fn, &tail) ==
               4 &&
           slot < 32 && fn < 8;
}

/* Parses one field 'f' whose value 'v' is present in 'obj'. */
static bool
parse_field(struct slc_parse *p, const struct slc_field *f, json_t *obj,
            json_t *v, const char *path, char *out)
{
    char what[100], allowed[400];
    const char *text;
    uint64_t u;
    double d;
    bool b;

    switch (f->type) {
    case SLC_FT_IGNORE:
        return true;
    case SLC_FT_JSON:
        memcpy(out + f->off, &v, sizeof v);
        return true;
    case SLC_FT_STRING:
        text = scalar_text(p, v);
        if (!text) {
            if (json_is_number(v)) {
                return false; /* allocation failed */
            }
            describe(v, what, sizeof what);
            report(p, SLC_DIAG_ERROR, obj, path, f->key,
                   "expected a string, got %s", what);
            return true;
        }
        if (f->required && !*text) {
            report(p, SLC_DIAG_ERROR, obj, path, f->key,
                   "must not be empty");
        }
        normalise_to_string(p, obj, f->key, v, text);
        memcpy(out + f->off, &text, sizeof text);
        return true;
    case SLC_FT_UINT:
        if (!parse_uint(v, &u)) {
            describe(v, what, sizeof what);
            report(p, SLC_DIAG_ERROR, obj, path, f->key,
                   "expected a non-negative integer, got %s", what);
        } else if (u < f->min || (f->max && u > f->max)) {
            report(p, SLC_DIAG_ERROR, obj, path, f->key,
                   "value %" PRIu64 " is out of range %" PRIu64
                   "..%" PRIu64,
                   u, f->min, f->max ? f->max : UINT64_MAX);
        } else {
            memcpy(out + f->off, &u, sizeof u);
        }
        return true;
    case SLC_FT_DECIMAL:
        if (!parse_decimal(v, &d) || d < 0) {
            describe(v, what, sizeof what);
            report(p, SLC_DIAG_ERROR, obj, path, f->key,
                   "expected a non-negative number, got %s", what);
        } else {
            memcpy(out + f->off, &d, sizeof d);
        }
        return true;
    case SLC_FT_BOOL:
        if (!parse_bool(v, &b)) {
            describe(v, what, sizeof what);
            report(p, SLC_DIAG_ERROR, obj, path, f->key,
                   "expected true or false, got %s", what);
        } else {
            memcpy(out + f->off, &b, sizeof b);
        }
        return true;
    case SLC_FT_ENUM:
        text = json_string_value(v);
        for (const struct slc_enum_name *e = f->enums; text && e->name;
             e++) {
            if (!strcmp(e->name, text)) {
                memcpy(out + f->off, &e->value, sizeof e->value);
                return true;
            }
        }
        describe(v, what, sizeof what);
        report(p, SLC_DIAG_ERROR, obj, path, f->key,
               "%s is not one of %s", what,
               enum_list(f->enums, allowed, sizeof allowed));
        return true;
    case SLC_FT_STRUCT: {
        char *sub_path;
        void *sub;

        if (!json_is_object(v)) {
            describe(v, what, sizeof what);
            report(p, SLC_DIAG_ERROR, obj, path, f->key,
                   "expected a mapping, got %s", what);
            return true;
        }
        sub_path = path_join(p->arena, path, f->key, SIZE_MAX);
        sub = sub_path ? slc_schema_new(p, f->sub, v, sub_path) : NULL;
        if (!sub) {
            return false;
        }
        memcpy(out + f->off, &sub, sizeof sub);
        return true;
    }
    case SLC_FT_LIST:
        return parse_list(p, f, obj, v, path, out);
    case SLC_FT_STRINGS:
        return parse_strings(p, f, obj, v, path, out);
    case SLC_FT_UINTS:
        return parse_uints(p, f, obj, v, path, out);
    }
    return true;
}

/* Value of the unique key member of a list item, for duplicate checks. */
static const char *
item_key_text(struct slc_parse *p, const json_t *item, const char *key)
{
    const json_t *v = json_object_get(item, key);

    return v ? scalar_text(p, v) : NULL;
}

static bool
parse_list(struct slc_parse *p, const struct slc_field *f, json_t *obj,
           json_t *v, const char *path, char *out)
{
    size_t n = json_array_size(v);
    char *items;
    char what[100];

    if (!json_is_array(v)) {
        describe(v, what, sizeof what);
        report(p, SLC_DIAG_ERROR, obj, path, f->key,
               "expected a list, got %s", what);
        return true;
    }
    items = slc_arena_calloc(p->arena, n ? n : 1, f->sub->size);
    if (!items) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *item = json_array_get(v, i);
        char *item_path = path_join(p->arena, path, f->key, i);

        if (!item_path) {
            return false;
        }
        if (!json_is_object(item)) {
            describe(item, what, sizeof what);
            slc_diags_add(p->diags, SLC_DIAG_ERROR, p->file,
                          p->doc ? slc_yaml_index_pos(p->doc, v, i)
                                 : (struct slc_pos){0, 0},
                          p->subject, item_path,
                          "expected a mapping, got %s", what);
            continue;
        }
        if (!slc_schema_parse(p, f->sub, item, item_path,
                              items + i * f->sub->size)) {
            return false;
        }
        const char *key = f->item_key ? item_key_text(p, item, f->item_key)
                                      : NULL;
        for (size_t j = 0; key && j < i; j++) {
            const char *other =
                item_key_text(p, json_array_get(v, j), f->item_key);

            if (other && !strcmp(other, key)) {
                report(p, SLC_DIAG_ERROR, item, item_path, f->item_key,
                       "duplicate %s '%s' (also at %s.%s[%zu])",
                       f->item_key, key, path, f->key, j);
                break;
            }
        }
    }
    memcpy(out + f->off, &items, sizeof items);
    memcpy(out + f->len_off, &n, sizeof n);
    return true;
}

static const struct slc_field *
find_field(const struct slc_schema *schema, const char *key)
{
    for (size_t i = 0; i < schema->n_fields; i++) {
        if (!strcmp(schema->fields[i].key, key)) {
            return &schema->fields[i];
        }
    }
    return NULL;
}

bool
slc_schema_parse(struct slc_parse *p, const struct slc_schema *schema,
                 json_t *obj, const char *path, void *out)
{
    struct slc_node *node = out;
    char *base = out;
    const char *key;
    json_t *v;

    node->json = obj;
    node->path = path;
    for (size_t i = 0; i < schema->n_fields; i++) {
        const struct slc_field *f = &schema->fields[i];

        if (f->type == SLC_FT_ENUM) {
            memcpy(base + f->off, &f->def, sizeof f->def);
        }
        v = json_object_get(obj, f->key);
        if (!v || json_is_null(v)) {
            if (f->required) {
                report(p, SLC_DIAG_ERROR, obj, path, NULL,
                       "missing required field '%s'", f->key);
            }
            continue;
        }
        if (!parse_field(p, f, obj, v, path, base)) {
            return false;
        }
    }
    json_object_foreach(obj, key, v)
    {
        if (!find_field(schema, key) && key[0] != '_') {
            report(p, SLC_DIAG_WARNING, obj, path, key,
                   "unknown field in %s, ignored", schema->name);
        }
    }
    return true;
}

void *
slc_schema_new(struct slc_parse *p, const struct slc_schema *schema,
               json_t *obj, const char *path)
{
    void *out = slc_arena_alloc(p->arena, schema->size);

    if (!out || !slc_schema_parse(p, schema, obj, path, out)) {
        return NULL;
    }
    return out;
}

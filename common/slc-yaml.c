/* YAML to jansson with source positions.  See slc-yaml.h.
 *
 * Neighbours: slc-diag (errors), nsd-engine's model parser (the main user).
 * libyaml's event parser drives a recursive builder whose depth is bounded
 * by the limits, so the C stack stays small whatever the input. */
#include "slc-yaml.h"

#include "slc-file.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* Position table: open addressing on (node, member).  'member' is 0 for
 * the node's own position, else a hash of the key (objects) or the index
 * (arrays) under which a true/false/null singleton sits in 'node'. */
struct mark {
    const void *node; /* NULL: free slot */
    uint64_t member;
    uint32_t line, col;
};

struct marks {
    struct mark *slots;
    size_t cap; /* power of two */
    size_t len;
};

struct slc_yaml_doc {
    char *name;
    json_t *root;
    struct marks marks;
    json_t *raws; /* "%p" -> written text of a number */
};

/* Parser state while building one document. */
struct builder {
    yaml_parser_t parser;
    const char *input; /* for positions of reader errors */
    size_t input_size;
    struct slc_yaml_doc *doc;
    const struct slc_yaml_limits *limits;
    json_t *anchors; /* name -> [node, node count] */
    size_t nodes;
    struct slc_diags *diags;
    int rc; /* first failure code */
};

#define KEY_SIZE 48

static uint64_t
hash_key(const char *key)
{
    uint64_t h = 14695981039346656037ULL; /* FNV-1a */

    for (; *key; key++) {
        h = (h ^ (unsigned char)*key) * 1099511628211ULL;
    }
    return h | 1; /* never 0, which means "the node itself" */
}

static uint64_t
hash_index(size_t index)
{
    return ((uint64_t)index << 1) | 0x8000000000000000ULL;
}

static size_t
slot_of(const struct marks *m, const void *node, uint64_t member)
{
    uint64_t h = ((uint64_t)(uintptr_t)node >> 4) * 0x9E3779B97F4A7C15ULL ^
                 member * 0xC2B2AE3D27D4EB4FULL;

    return (size_t)(h ^ (h >> 29)) & (m->cap - 1);
}

static struct mark *
marks_find(const struct marks *m, const void *node, uint64_t member)
{
    if (!m->cap) {
        return NULL;
    }
    for (size_t i = slot_of(m, node, member);; i = (i + 1) & (m->cap - 1)) {
        struct mark *e = &m->slots[i];

        if (!e->node) {
            return NULL;
        }
        if (e->node == node && e->member == member) {
            return e;
        }
    }
}

static bool
marks_put(struct marks *m, const void *node, uint64_t member, uint32_t line,
          uint32_t col)
{
    struct mark *e;

    if ((m->len + 1) * 4 > m->cap * 3) {
        struct marks bigger = {.cap = m->cap ? m->cap * 2 : 256};

        bigger.slots = calloc(bigger.cap, sizeof *bigger.slots);
        if (!bigger.slots) {
            return false;
        }
        for (size_t i = 0; i < m->cap; i++) {
            if (m->slots[i].node) {
                size_t j = slot_of(&bigger, m->slots[i].node,
                                   m->slots[i].member);

                while (bigger.slots[j].node) {
                    j = (j + 1) & (bigger.cap - 1);
                }
                bigger.slots[j] = m->slots[i];
            }
        }
        bigger.len = m->len;
        free(m->slots);
        *m = bigger;
    }
    for (size_t i = slot_of(m, node, member);; i = (i + 1) & (m->cap - 1)) {
        e = &m->slots[i];
        if (!e->node || (e->node == node && e->member == member)) {
            break;
        }
    }
    if (!e->node) {
        m->len++;
    }
    e->node = node;
    e->member = member;
    e->line = line;
    e->col = col;
    return true;
}

static struct slc_pos
mark_pos(const struct mark *e)
{
    struct slc_pos pos = {0, 0};

    if (e) {
        pos.line = e->line;
        pos.col = e->col;
    }
    return pos;
}

static struct slc_pos
mark_to_pos(yaml_mark_t mark)
{
    struct slc_pos pos = {(unsigned)mark.line + 1, (unsigned)mark.column + 1};
    return pos;
}

static bool
is_singleton(const json_t *v)
{
    return json_is_true(v) || json_is_false(v) || json_is_null(v);
}

static void
node_key(char key[KEY_SIZE], const json_t *node)
{
    snprintf(key, KEY_SIZE, "%p", (const void *)node);
}

static int
fail(struct builder *b, int rc, yaml_mark_t mark, const char *fmt, ...)
    SLC_PRINTF(4, 5);

static int
fail(struct builder *b, int rc, yaml_mark_t mark, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!b->rc) {
        b->rc = rc;
        slc_diags_add(b->diags, SLC_DIAG_ERROR, b->doc->name,
                      mark_to_pos(mark), NULL, NULL, "%s", msg);
    }
    return rc;
}

static int
fail_syntax(struct builder *b)
{
    const yaml_parser_t *p = &b->parser;

    if (p->error == YAML_MEMORY_ERROR) {
        return fail(b, SLC_ENOMEM, p->problem_mark, "out of memory");
    }
    if (p->error == YAML_READER_ERROR) {
        /* libyaml gives reader errors a byte offset, not a mark. */
        yaml_mark_t mark = {0, 0, 0};

        for (size_t i = 0; i < p->problem_offset && i < b->input_size; i++) {
            if (b->input[i] == '\n') {
                mark.line++;
                mark.column = 0;
            } else if (((unsigned char)b->input[i] & 0xc0) != 0x80) {
                mark.column++;
            }
        }
        return fail(b, SLC_EINVALID, mark,
                    "not text: %s (byte 0x%02x at offset %zu)",
                    p->problem ? p->problem : "bad input",
                    (unsigned)(p->problem_value & 0xff), p->problem_offset);
    }
    if (p->context) {
        return fail(b, SLC_EINVALID, p->problem_mark,
                    "YAML syntax: %s %s (line %zu, column %zu)",
                    p->problem ? p->problem : "error", p->context,
                    p->context_mark.line + 1, p->context_mark.column + 1);
    }
    return fail(b, SLC_EINVALID, p->problem_mark, "YAML syntax: %s",
                p->problem ? p->problem : "error");
}

/* Records the position of a value: by its own address, or for singletons
 * by its parent and key (or index). */
/* Records the position of a value: by its own address, or for singletons
 * by its parent and key (or index). */
static int
record_mark(struct builder *b, const json_t *node, const json_t *parent,
            const char *key, size_t index, yaml_mark_t mark)
{
    const void *owner = node;
    uint64_t member = 0;

    if (is_singleton(node)) {
        if (!parent) {
            return 0;
        }
        owner = parent;
        member = key ? hash_key(key) : hash_index(index);
    }
    if (!marks_put(&b->doc->marks, owner, member, (uint32_t)mark.line + 1,
                   (uint32_t)mark.column + 1)) {
        return fail(b, SLC_ENOMEM, mark, "out of memory");
    }
    return 0;
}

static bool
matches_any(const char *s, const char *const *words)
{
    for (; *words; words++) {
        if (!strcmp(s, *words)) {
            return true;
        }
    }
    return false;
}

/* YAML 1.2 core schema integer: [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+ */
static bool
parse_int(const char *s, json_int_t *out)
{
    const char *digits = s;
    int base = 10;
    char *end;
    long long v;

    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
        base = s[1] == 'x' ? 16 : 8;
        digits = s + 2;
    } else if (*s == '-' || *s == '+') {
        digits = s + 1;
    }
    if (!*digits) {
        return false;
    }
    for (const char *p = digits; *p; p++) {
        bool ok = base == 16   ? (*p >= '0' && *p <= '9') ||
                                   (*p >= 'a' && *p <= 'f') ||
                                   (*p >= 'A' && *p <= 'F')
                  : base == 8 ? *p >= '0' && *p <= '7'
                              : *p >= '0' && *p <= '9';
        if (!ok) {
            return false;
        }
    }
    errno = 0;
    v = strtoll(base == 10 ? s : digits, &end, base);
    if (errno == ERANGE || *end) {
        return false;
    }
    *out = (json_int_t)v;
    return true;
}

/* YAML 1.2 core schema float, finite values only (jansson has no inf/nan):
 * [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static bool
parse_float(const char *s, double *out)
{
    const char *p = s;
    bool digits = false;
    char *end;

    if (*p == '-' || *p == '+') {
        p++;
    }
    while (*p >= '0' && *p <= '9') {
        p++;
        digits = true;
    }
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9') {
            p++;
            digits = true;
        }
    }
    if (!digits) {
        return false;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '-' || *p == '+') {
            p++;
        }
        if (!(*p >= '0' && *p <= '9')) {
            return false;
        }
        while (*p >= '0' && *p <= '9') {
            p++;
        }
    }
    if (*p) {
        return false;
    }
    *out = strtod(s, &end);
    return *end == '\0' && isfinite(*out);
}

static const char *const null_words[] = {"", "~", "null", "Null", "NULL",
                                         NULL};
static const char *const true_words[] = {"true", "True", "TRUE", NULL};
static const char *const false_words[] = {"false", "False", "FALSE", NULL};

#define TAG_PREFIX "tag:yaml.org,2002:"

static const char *const core_tags[] = {"str", "null", "bool", "int",
                                        "float", NULL};

/* Resolves a scalar to a jansson value following its tag or, for plain
 * scalars, the core schema.  Returns NULL (after reporting) on a bad tag. */
static json_t *
resolve_scalar(struct builder *b, const yaml_event_t *ev)
{
    const char *text = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    const char *tag = (const char *)ev->data.scalar.tag;
    bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    json_int_t i;
    double d;

    if (strlen(text) != len) {
        fail(b, SLC_EINVALID, ev->start_mark,
             "scalar contains a NUL character");
        return NULL;
    }
    if (tag && strcmp(tag, "!")) {
        if (strncmp(tag, TAG_PREFIX, strlen(TAG_PREFIX))) {
            fail(b, SLC_EINVALID, ev->start_mark,
                 "unsupported YAML tag '%s'", tag);
            return NULL;
        }
        tag += strlen(TAG_PREFIX);
        if (!matches_any(tag, core_tags)) {
            fail(b, SLC_EINVALID, ev->start_mark,
                 "unsupported YAML tag '!!%s'", tag);
            return NULL;
        }
        if (!strcmp(tag, "str")) {
            return json_stringn(text, len);
        }
        if (!strcmp(tag, "null") && matches_any(text, null_words)) {
            return json_null();
        }
        if (!strcmp(tag, "bool") && matches_any(text, true_words)) {
            return json_true();
        }
        if (!strcmp(tag, "bool") && matches_any(text, false_words)) {
            return json_false();
        }
        if (!strcmp(tag, "int") && parse_int(text, &i)) {
            return json_integer(i);
        }
        if (!strcmp(tag, "float") && parse_float(text, &d)) {
            return json_real(d);
        }
        fail(b, SLC_EINVALID, ev->start_mark,
             "'%.64s' is not a valid !!%s", text, tag);
        return NULL;
    }
    if (!plain || tag) {
        return json_stringn(text, len);
    }
    if (matches_any(text, null_words)) {
        return json_null();
    }
    if (matches_any(text, true_words)) {
        return json_true();
    }
    if (matches_any(text, false_words)) {
        return json_false();
    }
    if (parse_int(text, &i)) {
        return json_integer(i);
    }
    if (parse_float(text, &d)) {
        return json_real(d);
    }
    return json_stringn(text, len);
}

bool
slc_yaml_plain_is_string(const char *s)
{
    json_int_t i;
    double d;

    return !matches_any(s, null_words) && !matches_any(s, true_words) &&
           !matches_any(s, false_words) && !parse_int(s, &i) &&
           !parse_float(s, &d);
}

/* Keeps the written text of a number when jansson would print it
 * differently, so that 'version: 1.10' is not read back as "1.1". */
static int
record_raw(struct builder *b, const json_t *v, const yaml_event_t *ev)
{
    char canon[64], key[KEY_SIZE];
    const char *text = (const char *)ev->data.scalar.value;

    if (json_is_integer(v)) {
        snprintf(canon, sizeof canon, "%" JSON_INTEGER_FORMAT,
                 json_integer_value(v));
    } else if (json_is_real(v)) {
        char *dumped = json_dumps(v, JSON_ENCODE_ANY);

        snprintf(canon, sizeof canon, "%s", dumped ? dumped : "");
        free(dumped);
    } else {
        return 0;
    }
    if (!strcmp(canon, text)) {
        return 0;
    }
    node_key(key, v);
    if (json_object_set_new(b->doc->raws, key, json_string(text))) {
        return fail(b, SLC_ENOMEM, ev->start_mark, "out of memory");
    }
    return 0;
}

static int build_node(struct builder *b, yaml_event_t *ev, unsigned depth,
                      json_t **out);

static int
next_event(struct builder *b, yaml_event_t *ev)
{
    if (!yaml_parser_parse(&b->parser, ev)) {
        return fail_syntax(b);
    }
    return 0;
}

static int
count_node(struct builder *b, size_t n, yaml_mark_t mark)
{
    b->nodes += n;
    if (b->nodes > b->limits->max_nodes) {
        return fail(b, SLC_ETOOBIG, mark,
                    "document has more than %zu values (aliases count in "
                    "full)",
                    b->limits->max_nodes);
    }
    return 0;
}

static int
remember_anchor(struct builder *b, const yaml_char_t *anchor, json_t *node,
                size_t count, yaml_mark_t mark)
{
    json_t *entry;

    if (!anchor) {
        return 0;
    }
    entry = json_pack("[Oi]", node, (json_int_t)count);
    if (!entry ||
        json_object_set_new(b->anchors, (const char *)anchor, entry)) {
        return fail(b, SLC_ENOMEM, mark, "out of memory");
    }
    return 0;
}

static int
build_sequence(struct builder *b, yaml_event_t *start, unsigned depth,
               json_t *arr)
{
    for (size_t index = 0;; index++) {
        yaml_event_t ev;
        json_t *item = NULL;
        yaml_mark_t mark;
        int rc;

        if ((rc = next_event(b, &ev))) {
            return rc;
        }
        if (ev.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&ev);
            return 0;
        }
        mark = ev.start_mark;
        rc = build_node(b, &ev, depth + 1, &item);
        yaml_event_delete(&ev);
        if (rc) {
            return rc;
        }
        if (json_array_append_new(arr, item)) {
            return fail(b, SLC_ENOMEM, mark, "out of memory");
        }
        if ((rc = record_mark(b, item, arr, NULL, index, mark))) {
            return rc;
        }
    }
}

static int
build_mapping(struct builder *b, yaml_event_t *start, unsigned depth,
              json_t *obj)
{
    for (;;) {
        yaml_event_t kev, vev;
        json_t *value = NULL;
        yaml_mark_t vmark;
        const char *key;
        size_t key_len;
        int rc;

        if ((rc = next_event(b, &kev))) {
            return rc;
        }
        if (kev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&kev);
            return 0;
        }
        if (kev.type != YAML_SCALAR_EVENT) {
            rc = fail(b, SLC_EINVALID, kev.start_mark,
                      "mapping keys must be plain text, not %s",
                      kev.type == YAML_ALIAS_EVENT ? "an alias"
                                                   : "a collection");
            yaml_event_delete(&kev);
            return rc;
        }
        /* libyaml's scalar values are NUL-terminated: no copy needed. */
        key = (const char *)kev.data.scalar.value;
        key_len = kev.data.scalar.length;
        if (!strcmp(key, "<<") &&
            kev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
            rc = fail(b, SLC_EINVALID, kev.start_mark,
                      "YAML merge keys ('<<') are not supported");
        } else if (strlen(key) != key_len) {
            rc = fail(b, SLC_EINVALID, kev.start_mark,
                      "mapping key contains a NUL character");
        } else if (json_object_getn(obj, key, key_len)) {
            rc = fail(b, SLC_EINVALID, kev.start_mark,
                      "duplicate key '%.128s' in mapping", key);
        } else {
            rc = next_event(b, &vev);
        }
        if (!rc) {
            vmark = vev.start_mark;
            rc = build_node(b, &vev, depth + 1, &value);
            yaml_event_delete(&vev);
        }
        if (!rc && json_object_setn_new_nocheck(obj, key, key_len, value)) {
            rc = fail(b, SLC_ENOMEM, vmark, "out of memory");
        }
        if (!rc) {
            rc = record_mark(b, value, obj, key, 0, vmark);
        }
        yaml_event_delete(&kev);
        if (rc) {
            return rc;
        }
    }
}

static int
build_collection(struct builder *b, yaml_event_t *ev, unsigned depth,
                 json_t **out)
{
    bool seq = ev->type == YAML_SEQUENCE_START_EVENT;
    const yaml_char_t *anchor =
        seq ? ev->data.sequence_start.anchor : ev->data.mapping_start.anchor;
    size_t before = b->nodes;
    json_t *node;
    int rc;

    if (depth >= b->limits->max_depth) {
        return fail(b, SLC_ETOOBIG, ev->start_mark,
                    "nesting deeper than %u levels", b->limits->max_depth);
    }
    node = seq ? json_array() : json_object();
    if (!node) {
        return fail(b, SLC_ENOMEM, ev->start_mark, "out of memory");
    }
    rc = seq ? build_sequence(b, ev, depth, node)
             : build_mapping(b, ev, depth, node);
    if (!rc) {
        rc = remember_anchor(b, anchor, node, b->nodes - before + 1,
                             ev->start_mark);
    }
    if (rc) {
        json_decref(node);
        return rc;
    }
    *out = node;
    return 0;
}

/* Builds the value that starts with event 'ev' (consumed by the caller). */
static int
build_node(struct builder *b, yaml_event_t *ev, unsigned depth, json_t **out)
{
    json_t *entry, *node;
    int rc;

    if ((rc = count_node(b, 1, ev->start_mark))) {
        return rc;
    }
    switch (ev->type) {
    case YAML_ALIAS_EVENT:
        entry = json_object_get(b->anchors,
                                (const char *)ev->data.alias.anchor);
        if (!entry) {
            return fail(b, SLC_EINVALID, ev->start_mark,
                        "alias '*%s' names no anchor defined before it",
                        ev->data.alias.anchor);
        }
        rc = count_node(
            b, (size_t)json_integer_value(json_array_get(entry, 1)) - 1,
            ev->start_mark);
        if (rc) {
            return rc;
        }
        *out = json_incref(json_array_get(entry, 0));
        return 0;
    case YAML_SCALAR_EVENT:
        node = resolve_scalar(b, ev);
        if (!node) {
            return b->rc ? b->rc : fail(b, SLC_ENOMEM, ev->start_mark,
                                        "out of memory");
        }
        rc = record_raw(b, node, ev);
        if (!rc) {
            rc = remember_anchor(b, ev->data.scalar.anchor, node, 1,
                                 ev->start_mark);
        }
        if (rc) {
            json_decref(node);
            return rc;
        }
        *out = node;
        return 0;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
        return build_collection(b, ev, depth, out);
    default:
        return fail(b, SLC_EINVALID, ev->start_mark,
                    "unexpected YAML event %d", (int)ev->type);
    }
}

/* Expects an event of 'type' next; reports 'what' otherwise. */
static int
expect_event(struct builder *b, yaml_event_type_t type, const char *what,
             yaml_event_t *ev)
{
    int rc = next_event(b, ev);

    if (rc) {
        return rc;
    }
    if (ev->type != type) {
        rc = fail(b, SLC_EINVALID, ev->start_mark, "%s", what);
        yaml_event_delete(ev);
    }
    return rc;
}

static int
build_document(struct builder *b)
{
    yaml_event_t ev;
    yaml_mark_t mark;
    int rc;

    if ((rc = expect_event(b, YAML_STREAM_START_EVENT, "no YAML stream",
                           &ev))) {
        return rc;
    }
    yaml_event_delete(&ev);
    if ((rc = next_event(b, &ev))) {
        return rc;
    }
    if (ev.type == YAML_STREAM_END_EVENT) {
        mark = ev.start_mark;
        yaml_event_delete(&ev);
        return fail(b, SLC_EINVALID, mark,
                    "empty input: no YAML or JSON document");
    }
    yaml_event_delete(&ev); /* DOCUMENT-START */
    if ((rc = next_event(b, &ev))) {
        return rc;
    }
    mark = ev.start_mark;
    rc = build_node(b, &ev, 0, &b->doc->root);
    yaml_event_delete(&ev);
    if (!rc) {
        rc = record_mark(b, b->doc->root, NULL, NULL, 0, mark);
    }
    if (rc) {
        return rc;
    }
    if ((rc = expect_event(b, YAML_DOCUMENT_END_EVENT, "document not ended",
                           &ev))) {
        return rc;
    }
    yaml_event_delete(&ev);
    if ((rc = expect_event(b, YAML_STREAM_END_EVENT,
                           "more than one YAML document in the input; "
                           "put each descriptor in its own file",
                           &ev))) {
        return rc;
    }
    yaml_event_delete(&ev);
    return 0;
}

static const struct slc_yaml_limits default_limits = {
    .max_size = SLC_YAML_MAX_SIZE_DEFAULT,
    .max_depth = SLC_YAML_MAX_DEPTH_DEFAULT,
    .max_nodes = SLC_YAML_MAX_NODES_DEFAULT,
};

int
slc_yaml_load(const char *buf, size_t size, const char *name,
              const struct slc_yaml_limits *limits,
              struct slc_yaml_doc **docp, struct slc_diags *diags)
{
    struct builder b = {
        .limits = limits ? limits : &default_limits,
        .diags = diags,
    };
    struct slc_pos nowhere = {0, 0};
    int rc;

    *docp = NULL;
    if (size > b.limits->max_size) {
        slc_diags_add(diags, SLC_DIAG_ERROR, name, nowhere, NULL, NULL,
                      "input of %zu bytes is larger than the limit of %zu "
                      "bytes",
                      size, b.limits->max_size);
        return SLC_ETOOBIG;
    }
    b.doc = calloc(1, sizeof *b.doc);
    if (!b.doc || !(b.doc->name = strdup(name ? name : "<input>")) ||
        !(b.doc->raws = json_object()) ||
        !(b.anchors = json_object()) || !yaml_parser_initialize(&b.parser)) {
        slc_yaml_free(b.doc);
        json_decref(b.anchors);
        slc_diags_add(diags, SLC_DIAG_ERROR, name, nowhere, NULL, NULL,
                      "out of memory");
        return SLC_ENOMEM;
    }
    b.input = buf;
    b.input_size = size;
    yaml_parser_set_input_string(&b.parser, (const unsigned char *)buf, size);
    rc = build_document(&b);
    yaml_parser_delete(&b.parser);
    json_decref(b.anchors);
    if (rc) {
        slc_yaml_free(b.doc);
        return rc;
    }
    *docp = b.doc;
    return 0;
}

int
slc_yaml_load_file(const char *path, const struct slc_yaml_limits *limits,
                   struct slc_yaml_doc **docp, struct slc_diags *diags)
{
    size_t max = (limits ? limits : &default_limits)->max_size;
    struct slc_error err;
    size_t size;
    char *buf;
    int rc;

    *docp = NULL;
    rc = slc_read_file(path, max, &buf, &size, &err);
    if (rc) {
        slc_diags_add(diags, SLC_DIAG_ERROR, path, (struct slc_pos){0, 0},
                      NULL, NULL, "%s", err.msg);
        return rc;
    }
    rc = slc_yaml_load(buf, size, path, limits, docp, diags);
    free(buf);
    return rc;
}

void
slc_yaml_free(struct slc_yaml_doc *doc)
{
    if (!doc) {
        return;
    }
    json_decref(doc->root);
    free(doc->marks.slots);
    json_decref(doc->raws);
    free(doc->name);
    free(doc);
}

json_t *
slc_yaml_root(const struct slc_yaml_doc *doc)
{
    return doc->root;
}

struct slc_pos
slc_yaml_pos(const struct slc_yaml_doc *doc, const json_t *node)
{
    struct slc_pos none = {0, 0};

    if (!node || is_singleton(node)) {
        return none;
    }
    return mark_pos(marks_find(&doc->marks, node, 0));
}

/* Position of a member value: its own, else (singletons) under its
 * parent, else the parent's. */
static struct slc_pos
member_pos(const struct slc_yaml_doc *doc, const json_t *parent,
           const json_t *value, uint64_t member)
{
    const struct mark *e = NULL;

    if (value && !is_singleton(value)) {
        e = marks_find(&doc->marks, value, 0);
    } else if (value) {
        e = marks_find(&doc->marks, parent, member);
    }
    return e ? mark_pos(e) : slc_yaml_pos(doc, parent);
}

struct slc_pos
slc_yaml_member_pos(const struct slc_yaml_doc *doc, const json_t *obj,
                    const char *key)
{
    return member_pos(doc, obj, json_object_get(obj, key), hash_key(key));
}

struct slc_pos
slc_yaml_index_pos(const struct slc_yaml_doc *doc, const json_t *arr,
                   size_t index)
{
    return member_pos(doc, arr, json_array_get(arr, index),
                      hash_index(index));
}

void
slc_yaml_mark_like(struct slc_yaml_doc *doc, const json_t *node,
                   const json_t *src)
{
    const struct mark *e;

    if (!node || is_singleton(node) || !src || is_singleton(src)) {
        return;
    }
    e = marks_find(&doc->marks, src, 0);
    if (e) {
        marks_put(&doc->marks, node, 0, e->line, e->col);
    }
}

const char *
slc_yaml_raw(const struct slc_yaml_doc *doc, const json_t *node)
{
    char key[KEY_SIZE];

    if (!json_is_number(node)) {
        return NULL;
    }
    node_key(key, node);
    return json_string_value(json_object_get(doc->raws, key));
}

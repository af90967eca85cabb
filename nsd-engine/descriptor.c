/* Descriptor files: recognising the format, splitting a file into its
 * descriptors, running each through its schema and checks, and checking
 * references between descriptors.
 *
 * Recognised envelopes (descriptors.md section 1):
 *   vnfd: {...}               SOL006 VNFD (also etsi-nfv-vnfd:vnfd)
 *   nsd: {nsd: [...]}         SOL006 NSD  (also etsi-nfv-nsd:nsd)
 *   pnfd: {...}               SOL006 PNFD (also etsi-nfv-pnfd:pnfd)
 *   nst: [...]                OSM NST     (also nst:nst)
 *   vnfd-catalog: {vnfd: []}  old OSM IM, converted (also vnfd:...)
 *   nsd-catalog: {nsd: []}    old OSM IM, converted (also nsd:...) */
#include <stdlib.h>
#include <string.h>

#include "model-internal.h"

enum envelope {
    ENV_OBJECT,  /* key: {descriptor} */
    ENV_WRAPPED, /* key: {inner: [descriptors]} */
    ENV_LIST,    /* key: [descriptors] */
};

struct format {
    const char *key;
    enum slc_desc_kind kind;
    enum envelope envelope;
    bool old_im;
    const char *name;
};

static const struct format formats[] = {
    {"vnfd", SLC_DESC_VNFD, ENV_OBJECT, false, "SOL006"},
    {"etsi-nfv-vnfd:vnfd", SLC_DESC_VNFD, ENV_OBJECT, false, "SOL006"},
    {"nsd", SLC_DESC_NSD, ENV_WRAPPED, false, "SOL006"},
    {"etsi-nfv-nsd:nsd", SLC_DESC_NSD, ENV_WRAPPED, false, "SOL006"},
    {"pnfd", SLC_DESC_PNFD, ENV_OBJECT, false, "SOL006"},
    {"etsi-nfv-pnfd:pnfd", SLC_DESC_PNFD, ENV_OBJECT, false, "SOL006"},
    {"nst", SLC_DESC_NST, ENV_LIST, false, "OSM NST"},
    {"nst:nst", SLC_DESC_NST, ENV_LIST, false, "OSM NST"},
    {"vnfd-catalog", SLC_DESC_VNFD, ENV_WRAPPED, true,
     "OSM IM (vnfd-catalog)"},
    {"vnfd:vnfd-catalog", SLC_DESC_VNFD, ENV_WRAPPED, true,
     "OSM IM (vnfd-catalog)"},
    {"nsd-catalog", SLC_DESC_NSD, ENV_WRAPPED, true, "OSM IM (nsd-catalog)"},
    {"nsd:nsd-catalog", SLC_DESC_NSD, ENV_WRAPPED, true,
     "OSM IM (nsd-catalog)"},
};

/* Formats we recognise but do not take, with what to do instead. */
static const struct {
    const char *key;
    const char *what;
} foreign_formats[] = {
    {"tosca_definitions_version",
     "a TOSCA (SOL001) template; slicer reads SOL006 YAML descriptors"},
    {"host-data", "an OpenVIM compute host; hosts belong in a VIM "
                  "account's host inventory, not in the catalogue"},
    {"flavor", "an OpenVIM flavor; EPA belongs in a VNFD's "
               "virtual-compute-desc"},
    {"netslice-subnet", "an NST without its 'nst: [...]' envelope"},
    {"vdu", "a VNFD without its 'vnfd:' envelope"},
};

static const char *const kind_names[SLC_DESC_KINDS] = {
    [SLC_DESC_VNFD] = "vnfd",
    [SLC_DESC_NSD] = "nsd",
    [SLC_DESC_PNFD] = "pnfd",
    [SLC_DESC_NST] = "nst",
};

static const char *const collections[SLC_DESC_KINDS] = {
    [SLC_DESC_VNFD] = "vnfds",
    [SLC_DESC_NSD] = "nsds",
    [SLC_DESC_PNFD] = "pnfds",
    [SLC_DESC_NST] = "nsts",
};

static const struct slc_schema *const schemas[SLC_DESC_KINDS] = {
    [SLC_DESC_VNFD] = &slc_vnfd_schema,
    [SLC_DESC_NSD] = &slc_nsd_schema,
    [SLC_DESC_PNFD] = &slc_pnfd_schema,
    [SLC_DESC_NST] = &slc_nst_schema,
};

const char *
slc_desc_kind_name(enum slc_desc_kind kind)
{
    return kind < SLC_DESC_KINDS ? kind_names[kind] : "?";
}

int
slc_desc_kind_from_name(const char *name)
{
    for (int i = 0; i < SLC_DESC_KINDS; i++) {
        if (!strcmp(name, kind_names[i])) {
            return i;
        }
    }
    return -1;
}

const char *
slc_desc_collection(enum slc_desc_kind kind)
{
    return kind < SLC_DESC_KINDS ? collections[kind] : "?";
}

static void
file_error(struct slc_model_file *f, struct slc_diags *diags,
           const json_t *node, const char *fmt, ...) SLC_PRINTF(4, 5);

static void
file_error(struct slc_model_file *f, struct slc_diags *diags,
           const json_t *node, const char *fmt, ...)
{
    struct slc_pos pos = {0, 0};
    char msg[768];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (f->doc) {
        pos = slc_yaml_pos(f->doc, node);
    }
    slc_diags_add(diags, SLC_DIAG_ERROR, f->name, pos, NULL, NULL, "%s", msg);
}

static struct slc_parse
parse_ctx(struct slc_model_file *f, struct slc_diags *diags,
          const char *subject)
{
    struct slc_parse p = {
        .arena = &f->arena,
        .doc = f->doc,
        .diags = diags,
        .file = f->name,
        .subject = subject,
    };
    return p;
}

static void
validate(struct slc_parse *p, struct slc_descriptor *d)
{
    switch (d->kind) {
    case SLC_DESC_VNFD:
        slc_vnfd_validate(p, d->u.vnfd);
        break;
    case SLC_DESC_NSD:
        slc_nsd_validate(p, d->u.nsd);
        break;
    case SLC_DESC_PNFD:
        slc_pnfd_validate(p, d->u.pnfd);
        break;
    case SLC_DESC_NST:
        slc_nst_validate(p, d->u.nst);
        break;
    }
}

/* Parses and checks descriptor 'obj' (SOL006 form) as the next one of
 * the file.  Returns false only when out of memory. */
static bool
add_descriptor(struct slc_model_file *f, struct slc_diags *diags,
               enum slc_desc_kind kind, json_t *obj, const char *format)
{
    struct slc_descriptor *d = &f->descs[f->n_descs];
    const json_t *idv = json_object_get(obj, "id");
    char *path;
    void *model;

    d->kind = kind;
    d->index = f->n_descs;
    d->format = format;
    d->json = obj;
    d->file = f;
    d->id = json_is_string(idv) ? json_string_value(idv) : "";
    path = slc_arena_printf(&f->arena, "%s[%zu]", kind_names[kind],
                            d->index);
    d->subject = *d->id ? slc_arena_printf(&f->arena, "%s '%s'",
                                           kind_names[kind], d->id)
                        : slc_arena_printf(&f->arena, "%s #%zu",
                                           kind_names[kind], d->index);
    if (!path || !d->subject) {
        return false;
    }
    struct slc_parse p = parse_ctx(f, diags, d->subject);
    if (!json_is_object(obj)) {
        file_error(f, diags, obj, "%s: expected a mapping", path);
        return true;
    }
    model = slc_schema_new(&p, schemas[kind], obj, path);
    if (!model) {
        return false;
    }
    d->u.vnfd = model; /* the union's members are all pointers */
    switch (kind) {
    case SLC_DESC_VNFD:
        d->u.vnfd = model;
        d->id = d->u.vnfd->id ? d->u.vnfd->id : "";
        break;
    case SLC_DESC_NSD:
        d->u.nsd = model;
        d->id = d->u.nsd->id ? d->u.nsd->id : "";
        break;
    case SLC_DESC_PNFD:
        d->u.pnfd = model;
        d->id = d->u.pnfd->id ? d->u.pnfd->id : "";
        break;
    case SLC_DESC_NST:
        d->u.nst = model;
        d->id = d->u.nst->id ? d->u.nst->id : "";
        break;
    }
    f->n_descs++;
    validate(&p, d);
    return true;
}

/* The descriptors inside an envelope, as an array (new reference), or
 * NULL after reporting what is wrong with the envelope. */
static json_t *
unwrap(struct slc_model_file *f, struct slc_diags *diags,
       const struct format *fmt, json_t *value)
{
    const char *inner = kind_names[fmt->kind];
    json_t *list;

    switch (fmt->envelope) {
    case ENV_OBJECT:
        if (!json_is_object(value)) {
            file_error(f, diags, value,
                       "'%s' must be a mapping holding one descriptor",
                       fmt->key);
            return NULL;
        }
        return json_pack("[O]", value);
    case ENV_LIST:
        if (!json_is_array(value) || !json_array_size(value)) {
            file_error(f, diags, value,
                       "'%s' must be a non-empty list of descriptors",
                       fmt->key);
            return NULL;
        }
        return json_incref(value);
    case ENV_WRAPPED:
        list = json_object_get(value, inner);
        if (!list && fmt->old_im) {
            char prefixed[32];

            snprintf(prefixed, sizeof prefixed, "%s:%s", inner, inner);
            list = json_object_get(value, prefixed);
        }
        if (!json_is_array(list) || !json_array_size(list)) {
            file_error(f, diags, value,
                       "'%s' must hold '%s: [ ... ]', a non-empty list of "
                       "descriptors",
                       fmt->key, inner);
            return NULL;
        }
        return json_incref(list);
    }
    return NULL;
}

static bool
has_format_key(const json_t *root)
{
    for (size_t i = 0; i < SLC_ARRAY_LEN(formats); i++) {
        if (json_object_get(root, formats[i].key)) {
            return true;
        }
    }
    return false;
}

/* Finds the envelope of a file's root; reports when there is none. */
static const struct format *
recognise(struct slc_model_file *f, struct slc_diags *diags, json_t *root,
          json_t **value)
{
    const struct format *found = NULL;
    const char *key;
    json_t *v;

    if (!json_is_object(root)) {
        file_error(f, diags, root,
                   "not a descriptor: expected a mapping at the top level "
                   "(vnfd, nsd, pnfd, nst, vnfd-catalog or nsd-catalog)");
        return NULL;
    }
    /* A foreign format first: its other keys would only be "unknown". */
    for (size_t i = 0; i < SLC_ARRAY_LEN(foreign_formats); i++) {
        v = json_object_get(root, foreign_formats[i].key);
        if (v && !has_format_key(root)) {
            file_error(f, diags, v, "not a descriptor: this is %s",
                       foreign_formats[i].what);
            return NULL;
        }
    }
    json_object_foreach(root, key, v)
    {
        const struct format *match = NULL;

        for (size_t i = 0; i < SLC_ARRAY_LEN(formats); i++) {
            if (!strcmp(formats[i].key, key)) {
                match = &formats[i];
            }
        }
        if (match && found) {
            file_error(f, diags, v,
                       "holds both '%s' and '%s': put one kind of "
                       "descriptor per file",
                       found->key, key);
            return NULL;
        }
        if (match) {
            found = match;
            *value = v;
            continue;
        }
        file_error(f, diags, v,
                   "unknown top-level key '%.64s': expected vnfd, nsd, "
                   "pnfd or nst (SOL006 / OSM), or vnfd-catalog or "
                   "nsd-catalog (OSM IM before Release NINE)",
                   key);
        return NULL;
    }
    if (!found) {
        file_error(f, diags, root, "not a descriptor: the mapping is empty");
    }
    return found;
}

static int
load_root(struct slc_model_file *f, struct slc_diags *diags)
{
    const struct format *fmt;
    json_t *value = NULL, *list, *item;
    size_t i;

    fmt = recognise(f, diags, f->root, &value);
    if (!fmt || !(list = unwrap(f, diags, fmt, value))) {
        return SLC_EINVALID;
    }
    f->descs = slc_arena_calloc(&f->arena, json_array_size(list),
                                sizeof *f->descs);
    f->converted = json_array();
    if (!f->descs || !f->converted) {
        json_decref(list);
        return SLC_ENOMEM;
    }
    if (fmt->old_im) {
        slc_diags_add(diags, SLC_DIAG_WARNING, f->name,
                      f->doc ? slc_yaml_member_pos(f->doc, f->root, fmt->key)
                             : (struct slc_pos){0, 0},
                      NULL, NULL,
                      "'%s' is the OSM information model of Release EIGHT "
                      "and earlier; converted to SOL006",
                      fmt->key);
    }
    json_array_foreach(list, i, item)
    {
        json_t *sol006 = item;
        bool ok;

        if (fmt->old_im && json_is_object(item)) {
            const char *id = json_string_value(json_object_get(item, "id"));
            struct slc_parse p = parse_ctx(
                f, diags,
                id ? slc_arena_printf(&f->arena, "%s '%s'",
                                      kind_names[fmt->kind], id)
                   : NULL);
            char path[32];

            snprintf(path, sizeof path, "%s[%zu]", kind_names[fmt->kind], i);
            sol006 = fmt->kind == SLC_DESC_VNFD
                         ? slc_im_vnfd_to_sol006(&p, item, path)
                         : slc_im_nsd_to_sol006(&p, item, path);
            if (!sol006 || json_array_append_new(f->converted, sol006)) {
                json_decref(list);
                return SLC_ENOMEM;
            }
        }
        ok = add_descriptor(f, diags, fmt->kind, sol006, fmt->name);
        if (!ok) {
            json_decref(list);
            return SLC_ENOMEM;
        }
    }
    json_decref(list);
    return 0;
}

static struct slc_model_file *
file_new(const char *name)
{
    struct slc_model_file *f = calloc(1, sizeof *f);

    if (f && !(f->name = slc_arena_strdup(&f->arena, name))) {
        free(f);
        return NULL;
    }
    return f;
}

/* Finishes loading: 'rc' and 'f->doc' come from the YAML loader. */
static int
finish_load(struct slc_model_file *f, int rc, struct slc_model_file **out,
            struct slc_diags *diags)
{
    if (!rc) {
        f->root = json_incref(slc_yaml_root(f->doc));
        rc = load_root(f, diags);
    }
    if (rc) {
        slc_model_file_free(f);
        return rc;
    }
    *out = f;
    return 0;
}

int
slc_model_load(const char *buf, size_t size, const char *name,
               struct slc_model_file **out, struct slc_diags *diags)
{
    struct slc_model_file *f = file_new(name ? name : "<input>");

    *out = NULL;
    if (!f) {
        return SLC_ENOMEM;
    }
    return finish_load(f,
                       slc_yaml_load(buf, size, f->name, NULL, &f->doc,
                                     diags),
                       out, diags);
}

int
slc_model_load_file(const char *path, struct slc_model_file **out,
                    struct slc_diags *diags)
{
    struct slc_model_file *f = file_new(path);

    *out = NULL;
    if (!f) {
        return SLC_ENOMEM;
    }
    return finish_load(f, slc_yaml_load_file(path, NULL, &f->doc, diags),
                       out, diags);
}

int
slc_model_from_json(enum slc_desc_kind kind, json_t *json, const char *name,
                    struct slc_model_file **out, struct slc_diags *diags)
{
    struct slc_model_file *f = file_new(name ? name : "<stored>");

    *out = NULL;
    if (!f || !(f->descs = slc_arena_calloc(&f->arena, 1, sizeof *f->descs))) {
        slc_model_file_free(f);
        return SLC_ENOMEM;
    }
    f->root = json_incref(json);
    if (!add_descriptor(f, diags, kind, json, "SOL006")) {
        slc_model_file_free(f);
        return SLC_ENOMEM;
    }
    *out = f;
    return 0;
}

void
slc_model_file_free(struct slc_model_file *f)
{
    if (!f) {
        return;
    }
    json_decref(f->converted);
    json_decref(f->root);
    slc_yaml_free(f->doc);
    slc_arena_free(&f->arena);
    free(f);
}

size_t
slc_index_by_id(const void *items, size_t n, size_t size, size_t id_off,
                const char *id)
{
    for (size_t i = 0; id && i < n; i++) {
        const char *v;

        memcpy(&v, (const char *)items + i * size + id_off, sizeof v);
        if (v && !strcmp(v, id)) {
            return i;
        }
    }
    return n;
}

/* ------------------------------------------------------------- sets */

int
slc_model_set_add(struct slc_model_set *set, const struct slc_descriptor *d)
{
    if (set->len == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 16;
        const struct slc_descriptor **items =
            realloc(set->items, cap * sizeof *items);

        if (!items) {
            return SLC_ENOMEM;
        }
        set->items = items;
        set->cap = cap;
    }
    set->items[set->len++] = d;
    return 0;
}

void
slc_model_set_clear(struct slc_model_set *set)
{
    free(set->items);
    memset(set, 0, sizeof *set);
}

const struct slc_descriptor *
slc_model_set_find(const struct slc_model_set *set, enum slc_desc_kind kind,
                   const char *id)
{
    for (size_t i = 0; set && id && i < set->len; i++) {
        if (set->items[i]->kind == kind && !strcmp(set->items[i]->id, id)) {
            return set->items[i];
        }
    }
    return NULL;
}

void
slc_model_note_missing(json_t *missing, enum slc_desc_kind kind,
                       const char *id, const char *path)
{
    json_t *m;
    size_t i;

    if (!missing) {
        return;
    }
    json_array_foreach(missing, i, m)
    {
        if (!strcmp(json_string_value(json_object_get(m, "kind")),
                    kind_names[kind]) &&
            !strcmp(json_string_value(json_object_get(m, "id")), id)) {
            return;
        }
    }
    json_array_append_new(missing, json_pack("{ssssss}", "kind",
                                             kind_names[kind], "id", id,
                                             "path", path));
}

void
slc_model_check_refs(const struct slc_descriptor *d,
                     const struct slc_model_set *set, json_t *missing,
                     struct slc_diags *diags)
{
    struct slc_parse p = parse_ctx(d->file, diags, d->subject);

    if (d->kind == SLC_DESC_NSD) {
        slc_nsd_check_refs(&p, d->u.nsd, set, missing);
    } else if (d->kind == SLC_DESC_NST) {
        slc_nst_check_refs(&p, d->u.nst, set, missing);
    }
}

void
slc_model_check_scripts(const struct slc_descriptor *d,
                        const json_t *scripts, struct slc_diags *diags)
{
    struct slc_parse p = parse_ctx(d->file, diags, d->subject);

    if (d->kind == SLC_DESC_VNFD) {
        slc_vnfd_check_scripts(&p, d->u.vnfd, scripts);
    }
}

static void
add_link(json_t *links, enum slc_desc_kind kind, const char *id)
{
    json_t *l;
    size_t i;

    if (!id) {
        return;
    }
    json_array_foreach(links, i, l)
    {
        if (!strcmp(json_string_value(json_array_get(l, 0)),
                    collections[kind]) &&
            !strcmp(json_string_value(json_array_get(l, 1)), id)) {
            return;
        }
    }
    json_array_append_new(links, json_pack("[ss]", collections[kind], id));
}

json_t *
slc_descriptor_links(const struct slc_descriptor *d)
{
    json_t *links = json_array();

    if (!links) {
        return NULL;
    }
    if (d->kind == SLC_DESC_NSD) {
        for (size_t i = 0; i < d->u.nsd->n_vnfd_ids; i++) {
            add_link(links, SLC_DESC_VNFD, d->u.nsd->vnfd_ids[i]);
        }
        for (size_t i = 0; i < d->u.nsd->n_pnfd_ids; i++) {
            add_link(links, SLC_DESC_PNFD, d->u.nsd->pnfd_ids[i]);
        }
    } else if (d->kind == SLC_DESC_NST) {
        for (size_t i = 0; i < d->u.nst->n_subnets; i++) {
            add_link(links, SLC_DESC_NSD, d->u.nst->subnets[i].nsd_ref);
        }
    }
    return links;
}

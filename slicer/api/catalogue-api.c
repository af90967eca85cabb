/* /osm/vnfpkgm/v1, /osm/nsd/v1 and /osm/nst/v1: descriptors
 * (the "_content" one-step form and SOL005's two-step form: create an empty
 * package, then upload its content) over nsd-engine's catalogue.  Bodies
 * are a descriptor (YAML/JSON) or an OSM package (tar.gz, zip), whole
 * (Content-Range covering all of it) and checked against Content-File-MD5
 * when the client sends one.  PDUs are in admin-api.c (infrastructure). */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "package.h"
#include "rest-internal.h"
#include "slc-id.h"
#include "slc-log.h"
#include "slc-yaml.h"


/* One family of descriptor endpoints. */
struct family {
    enum slc_desc_kind kind;
    unsigned kinds;            /* kinds accepted on upload */
    const char *content_base;  /* ".../ns_descriptors_content" */
    const char *info_base;     /* ".../ns_descriptors" */
    const char *drafts;        /* collection of empty SOL005 packages */
    const char *const *states; /* SOL005 names of the three states */
    const char *content_item;  /* "nsd_content" */
    const char *file_item;     /* "nsd" */
};

/* SOL005 names of _admin's onboardingState, operationalState, usageState. */
static const char *const plain_states[] = {
    "onboardingState", "operationalState", "usageState"};
static const char *const nsd_states[] = {
    "nsdOnboardingState", "nsdOperationalState", "nsdUsageState"};

static const struct family vnf_family = {
    SLC_DESC_VNFD, 1u << SLC_DESC_VNFD | 1u << SLC_DESC_PNFD,
    "/osm/vnfpkgm/v1/vnf_packages_content", "/osm/vnfpkgm/v1/vnf_packages",
    "vnfd_drafts", plain_states, "package_content", "vnfd",
};
static const struct family ns_family = {
    SLC_DESC_NSD, 1u << SLC_DESC_NSD,
    "/osm/nsd/v1/ns_descriptors_content", "/osm/nsd/v1/ns_descriptors",
    "nsd_drafts", nsd_states, "nsd_content", "nsd",
};
static const struct family nst_family = {
    SLC_DESC_NST, 1u << SLC_DESC_NST,
    "/osm/nst/v1/netslice_templates_content",
    "/osm/nst/v1/netslice_templates", "nst_drafts", plain_states,
    "nst_content", "nst",
};

static bool
is_package_type(const char *type)
{
    static const char *const types[] = {
        "application/gzip", "application/x-gzip", "application/zip",
        "application/binary", "application/octet-stream",
        "application/x-tar", NULL,
    };

    for (size_t i = 0; type && types[i]; i++) {
        if (!strncasecmp(type, types[i], strlen(types[i]))) {
            return true;
        }
    }
    return false;
}

/* Content-Range (OSM's chunked upload): only a range that is the whole
 * body is taken; parts of a package are refused with 416, as OSM refuses a
 * range it cannot use. */
static int
check_range(struct slc_call *c)
{
    const char *range = slc_http_header(c->req, "Content-Range");
    unsigned long long start, end, total;
    int used = 0;

    if (!range) {
        return 0;
    }
    if (sscanf(range, "bytes %llu-%llu/%llu%n", &start, &end, &total,
               &used) != 3 ||
        range[used] || start > end || end >= total) {
        return slc_rest_fail(c, 416, SLC_EINVALID,
                             "invalid Content-Range header '%s': expected "
                             "'bytes start-end/total'",
                             range);
    }
    if (start || end + 1 != total || total != c->req->body_size) {
        return slc_rest_fail(c, 416, SLC_EUNSUPPORTED,
                             "Content-Range '%s': uploads in parts are not "
                             "supported; send the whole package (bytes "
                             "0-%zu/%zu for this body)",
                             range, c->req->body_size - 1,
                             c->req->body_size);
    }
    return 0;
}

/* Content-File-MD5: the body must have that digest (409 otherwise, as
 * OSM answers a mismatch). */
static int
check_md5(struct slc_call *c)
{
    const char *want = slc_http_header(c->req, "Content-File-MD5");
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    char got[2 * EVP_MAX_MD_SIZE + 1];

    if (!want) {
        return 0;
    }
    if (!EVP_Digest(c->req->body, c->req->body_size, md, &n, EVP_md5(),
                    NULL)) {
        return slc_error_set(&c->err, SLC_ENOMEM, "cannot compute MD5");
    }
    for (unsigned int i = 0; i < n; i++) {
        snprintf(got + 2 * i, 3, "%02x", md[i]);
    }
    if (strcasecmp(want, got)) {
        return slc_rest_fail(c, 409, SLC_ECONFLICT,
                             "MD5 mismatch: Content-File-MD5 is '%.64s', "
                             "the body's MD5 is '%s'",
                             want, got);
    }
    return 0;
}

/* The descriptor text of the request: the body itself, or the descriptor
 * file of a package (whose scripts/ go to '*scripts', a new reference;
 * NULL for a bare descriptor).  '*owned' is set when the text must be
 * freed. */
static int
upload_text(struct slc_call *c, const char **text, size_t *size,
            char **owned, char name[256], json_t **scripts)
{
    const char *type = c->req->content_type;
    const char *fname = slc_http_header(c->req, "Content-Filename");
    int rc;

    *owned = NULL;
    if (scripts) {
        *scripts = NULL;
    }
    snprintf(name, 256, "%s", fname ? fname : "request body");
    if (!c->req->body || !c->req->body_size) {
        return slc_rest_fail(c, 400, SLC_EINVALID,
                             "%s %s needs a descriptor or a package in the "
                             "body",
                             c->req->method, c->req->path);
    }
    if ((rc = check_range(c)) || (rc = check_md5(c))) {
        return rc;
    }
    if (is_package_type(type)) {
        char *path;

        rc = slc_package_descriptor(c->req->body, c->req->body_size,
                                        SLC_YAML_MAX_SIZE_DEFAULT, owned,
                                        size, &path, &c->err);

        if (!rc && scripts) {
            rc = slc_package_scripts(c->req->body, c->req->body_size,
                                     scripts, &c->err);
            if (rc) {
                free(path);
                free(*owned);
                *owned = NULL;
            }
        }
        if (rc) {
            c->status = rc == SLC_EINVALID ? 422 : 0;
            return rc;
        }
        snprintf(name, 256, "%s:%s", fname ? fname : "package", path);
        free(path);
        *text = *owned;
        return 0;
    }
    if (!slc_rest_is_text_type(type)) {
        return slc_rest_fail(c, 415, SLC_EINVALID,
                             "Content-Type '%s' is not supported: send a "
                             "descriptor (application/yaml, "
                             "application/json) or a package "
                             "(application/gzip, application/zip)",
                             type);
    }
    *text = c->req->body;
    *size = c->req->body_size;
    return 0;
}

/* Reports validation problems: every diagnostic, one per line. */
static int
invalid(struct slc_call *c, int rc, const struct slc_diags *diags)
{
    if (rc == SLC_EINVALID && slc_diags_has_errors(diags)) {
        slc_diags_to_error(diags, SLC_EINVALID, &c->err);
        c->status = 422;
    }
    return rc;
}

static int
onboard(struct slc_call *c, const struct family *f, const char *uuid,
        const char *draft_coll, const json_t *user_data, char id[64])
{
    struct slc_diags diags = SLC_DIAGS_INIT;
    struct slc_onboard_opts opts = {
        .project = c->who.project_id,
        .kinds = f->kinds,
        .uuid = uuid,
        .draft_coll = draft_coll,
        .user_data = user_data,
        .single = true,
    };
    const char *text;
    size_t size;
    char *owned, name[256];
    json_t *created = NULL, *scripts = NULL;
    int rc = upload_text(c, &text, &size, &owned, name, &scripts);

    opts.scripts = scripts;
    if (!rc) {
        rc = slc_catalogue_onboard(c->api->st, text, size, name, &opts,
                                   &created, &diags, &c->err);
        rc = invalid(c, rc, &diags);
    }
    if (!rc) {
        snprintf(id, 64, "%s",
                 json_string_value(json_object_get(
                     json_array_get(created, 0), "_id")));
    }
    json_decref(created);
    json_decref(scripts);
    slc_diags_clear(&diags);
    free(owned);
    return rc;
}

/* A descriptor the caller may see, by _id or descriptor id; its kind goes
 * to '*kind' (may be NULL): the VNF package endpoints also hold PNFDs. */
static int
get_desc_kind(struct slc_call *c, const struct family *f, const char *key,
              struct slc_record *rec, enum slc_desc_kind *kind)
{
    enum slc_desc_kind k = f->kind;
    struct slc_scope sc = slc_rest_scope(c);
    int rc = slc_catalogue_get(c->api->st, k, key, &sc, rec, &c->err);

    if (rc == SLC_ENOTFOUND && f->kind == SLC_DESC_VNFD) {
        k = SLC_DESC_PNFD;
        rc = slc_catalogue_get(c->api->st, k, key, &sc, rec, &c->err);
    }
    if (kind) {
        *kind = k;
    }
    if (rc == SLC_ENOTFOUND) {
        return slc_rest_fail(c, 404, rc, "%s '%s' not found",
                             slc_desc_kind_name(f->kind), key);
    }
    return rc;
}

static int
get_desc(struct slc_call *c, const struct family *f, const char *key,
         struct slc_record *rec)
{
    return get_desc_kind(c, f, key, rec, NULL);
}

static int
check_write(struct slc_call *c, const json_t *doc, const char *what,
            const char *key)
{
    if (!slc_auth_can_write(&c->who, doc)) {
        return slc_rest_fail(c, 403, SLC_EDENIED,
                             "%s '%s' belongs to another project", what, key);
    }
    return 0;
}

/* The SOL005 view: the stored document plus state names and links. */
static json_t *
sol005_view(const struct family *f, const json_t *doc)
{
    json_t *v = json_deep_copy(doc);
    const json_t *admin = json_object_get(doc, "_admin");
    const char *id = json_string_value(json_object_get(doc, "_id"));
    char link[512], content[600];

    for (size_t i = 0; i < 3; i++) {
        json_object_set(v, f->states[i],
                        json_object_get(admin, plain_states[i]));
    }
    if (json_object_get(admin, "userDefinedData")) {
        json_object_set(v, "userDefinedData",
                        json_object_get(admin, "userDefinedData"));
    }
    snprintf(link, sizeof link, "%s/%s", f->info_base, id);
    snprintf(content, sizeof content, "%s/%s", link, f->content_item);
    json_object_set_new(v, "_links",
                        json_pack("{s{ss}s{ss}}", "self", "href", link,
                                  f->content_item, "href", content));
    return v;
}

/* ---- one-step "_content" endpoints ---- */

static int
content_create(struct slc_call *c, const struct family *f)
{
    char id[64];
    int rc = onboard(c, f, NULL, NULL, NULL, id);

    if (!rc) {
        slc_rest_created(c, f->content_base, id, NULL);
    }
    return rc;
}

struct desc_list {
    struct slc_call *c;
    const struct family *f;
    bool sol005;
    json_t *out;
};

static int
desc_visit(const char *coll, const struct slc_record *rec, void *arg)
{
    struct desc_list *l = arg;

    if (slc_auth_can_read(&l->c->who, rec->doc) &&
        slc_rest_filter_match(l->c->req->query, rec->doc)) {
        json_array_append_new(l->out, l->sol005 ? sol005_view(l->f, rec->doc)
                                                : json_incref(rec->doc));
    }
    return 0;
}

static int
list_family(struct slc_call *c, const struct family *f, bool sol005)
{
    struct desc_list l = {.c = c, .f = f, .sol005 = sol005,
                          .out = json_array()};
    int rc = slc_store_list(c->api->st, slc_desc_collection(f->kind), NULL,
                            desc_visit, &l, &c->err);

    if (!rc && f->kind == SLC_DESC_VNFD) {
        rc = slc_store_list(c->api->st, slc_desc_collection(SLC_DESC_PNFD),
                            NULL, desc_visit, &l, &c->err);
    }
    if (!rc && sol005) {
        rc = slc_store_list(c->api->st, f->drafts, NULL, desc_visit, &l,
                            &c->err);
    }
    if (rc) {
        json_decref(l.out);
        return rc;
    }
    slc_rest_reply(c, 200, l.out);
    return 0;
}

static int
content_list(struct slc_call *c, const struct family *f)
{
    return list_family(c, f, false);
}

static int
content_show(struct slc_call *c, const struct family *f)
{
    struct slc_record rec;
    int rc = get_desc(c, f, c->params[0], &rec);

    if (!rc) {
        slc_rest_reply(c, 200, json_incref(rec.doc));
        slc_record_clear(&rec);
    }
    return rc;
}

static int
update(struct slc_call *c, const struct family *f, const char *key)
{
    struct slc_diags diags = SLC_DIAGS_INIT;
    struct slc_record rec;
    const char *text;
    size_t size;
    char *owned = NULL, name[256];
    enum slc_desc_kind kind;
    int rc = get_desc_kind(c, f, key, &rec, &kind);

    rc = rc ? rc : check_write(c, rec.doc, slc_desc_kind_name(f->kind), key);
    rc = rc ? rc : upload_text(c, &text, &size, &owned, name, NULL);
    if (!rc) {
        rc = slc_catalogue_update(c->api->st, kind, rec.id, text, size, name,
                                  &diags, &c->err);
        rc = invalid(c, rc, &diags);
    }
    if (!rc) {
        slc_rest_reply(c, 204, NULL);
    }
    free(owned);
    slc_diags_clear(&diags);
    slc_record_clear(&rec);
    return rc;
}

static int
content_put(struct slc_call *c, const struct family *f)
{
    return update(c, f, c->params[0]);
}

static int
delete_desc(struct slc_call *c, const struct family *f)
{
    struct slc_record rec;
    int rc = slc_store_get(c->api->st, f->drafts, c->params[0], &rec, &c->err);

    if (!rc) { /* an empty SOL005 package */
        rc = check_write(c, rec.doc, slc_desc_kind_name(f->kind), rec.id);
        rc = rc ? rc : slc_store_del(c->api->st, f->drafts, rec.id, rec.rev,
                                     &c->err);
    } else if (rc == SLC_ENOTFOUND) {
        enum slc_desc_kind kind;

        rc = get_desc_kind(c, f, c->params[0], &rec, &kind);
        rc = rc ? rc : check_write(c, rec.doc, slc_desc_kind_name(kind),
                                   c->params[0]);
        rc = rc ? rc : slc_catalogue_delete(c->api->st, kind, rec.id, &c->err);
    }
    if (!rc) {
        slc_rest_reply(c, 204, NULL);
    }
    slc_record_clear(&rec);
    return rc;
}

/* ---- two-step SOL005 endpoints ---- */

static const struct slc_body_field info_fields[] = {
    {"userDefinedData", SLC_BT_OBJ | SLC_BT_NULL, false},
    {NULL},
};

static int
info_create(struct slc_call *c, const struct family *f)
{
    json_t *body = NULL, *doc;
    char id[SLC_UUID_STR_SIZE];
    double now = slc_rest_now(c);
    int rc = 0;

    if (c->req->body_size) {
        rc = slc_rest_body(c, &body);
        rc = rc ? rc : slc_rest_check_body(c, body, "package info",
                                           info_fields);
    }
    if (rc) {
        json_decref(body);
        return rc;
    }
    if (slc_uuid7(id)) {
        json_decref(body);
        return slc_error_set(&c->err, SLC_EIO, "no random source");
    }
    doc = json_pack("{ss s{sf sf ss ss ss sO*}}", "_id", id, "_admin",
                    "created", now, "modified", now, "onboardingState",
                    "CREATED", "operationalState", "DISABLED", "usageState",
                    "NOT_IN_USE", "userDefinedData",
                    json_object_get(body, "userDefinedData"));
    slc_auth_set_owner(&c->who, doc);
    {
        struct slc_record rec = {.id = id, .doc = doc};

        rc = slc_store_put(c->api->st, f->drafts, &rec, NULL, SLC_REV_NEW,
                           NULL, &c->err);
    }
    json_decref(doc);
    json_decref(body);
    if (!rc) {
        slc_rest_created(c, f->info_base, id, NULL);
    }
    return rc;
}

static int
info_list(struct slc_call *c, const struct family *f)
{
    return list_family(c, f, true);
}

static int
info_show(struct slc_call *c, const struct family *f)
{
    struct slc_record rec;
    int rc = slc_rest_get_visible(c, f->drafts, "package", c->params[0],
                                  &rec);

    if (rc == SLC_ENOTFOUND) {
        c->status = 0;
        rc = get_desc(c, f, c->params[0], &rec);
    }
    if (!rc) {
        slc_rest_reply(c, 200, sol005_view(f, rec.doc));
        slc_record_clear(&rec);
    }
    return rc;
}

static int
info_content_put(struct slc_call *c, const struct family *f)
{
    struct slc_record draft;
    char id[64];
    int rc = slc_rest_get_visible(c, f->drafts, "package", c->params[0],
                                  &draft);

    if (rc == SLC_ENOTFOUND) { /* already onboarded: replace it */
        c->status = 0;
        return update(c, f, c->params[0]);
    }
    rc = rc ? rc : check_write(c, draft.doc, "package", draft.id);
    if (!rc) {
        rc = onboard(c, f, draft.id, f->drafts,
                     json_object_get(json_object_get(draft.doc, "_admin"),
                                     "userDefinedData"),
                     id);
    }
    if (!rc) {
        slc_rest_reply(c, 204, NULL);
    }
    slc_record_clear(&draft);
    return rc;
}

/* The descriptor alone, in its SOL006 envelope. */
static int
info_content_get(struct slc_call *c, const struct family *f)
{
    struct slc_record rec;
    json_t *d;
    enum slc_desc_kind kind;
    int rc = get_desc_kind(c, f, c->params[0], &rec, &kind);

    if (rc) {
        return rc;
    }
    d = json_deep_copy(rec.doc);
    json_object_del(d, "_id");
    json_object_del(d, "_admin");
    switch (f->kind) {
    case SLC_DESC_NSD:
        d = json_pack("{s{s[o]}}", "nsd", "nsd", d);
        break;
    case SLC_DESC_NST:
        d = json_pack("{s[o]}", "nst", d);
        break;
    default:
        d = json_pack("{so}", slc_desc_kind_name(kind), d);
        break;
    }
    slc_record_clear(&rec);
    slc_rest_reply(c, 200, d);
    return 0;
}

static const struct slc_body_field patch_fields[] = {
    {"userDefinedData", SLC_BT_OBJ | SLC_BT_NULL, false},
    {"operationalState", SLC_BT_STR, false},
    {"nsdOperationalState", SLC_BT_STR, false},
    {NULL},
};

static int
info_patch(struct slc_call *c, const struct family *f)
{
    struct slc_record rec;
    json_t *body = NULL, *admin;
    const char *state;
    enum slc_desc_kind kind;
    int rc = get_desc_kind(c, f, c->params[0], &rec, &kind);

    rc = rc ? rc : check_write(c, rec.doc, slc_desc_kind_name(f->kind),
                               c->params[0]);
    rc = rc ? rc : slc_rest_body(c, &body);
    rc = rc ? rc : slc_rest_check_body(c, body, "package info", patch_fields);
    if (rc) {
        json_decref(body);
        slc_record_clear(&rec);
        return rc;
    }
    state = json_string_value(json_object_get(body, "nsdOperationalState"));
    if (!state) {
        state = json_string_value(json_object_get(body, "operationalState"));
    }
    if (state && strcmp(state, "ENABLED") && strcmp(state, "DISABLED")) {
        rc = slc_rest_fail(c, 422, SLC_EINVALID,
                           "package info: operationalState '%s' must be "
                           "ENABLED or DISABLED",
                           state);
    }
    if (!rc) {
        admin = json_object_get(rec.doc, "_admin");
        if (state) {
            json_object_set_new(admin, "operationalState",
                                json_string(state));
        }
        if (json_object_get(body, "userDefinedData")) {
            json_object_set(admin, "userDefinedData",
                            json_object_get(body, "userDefinedData"));
        }
        json_object_set_new(admin, "modified",
                            json_real(slc_rest_now(c)));
        /* Only _admin changes: NULL links keep the references. */
        rc = slc_store_put(c->api->st, slc_desc_collection(kind), &rec, NULL,
                           rec.rev, NULL, &c->err);
    }
    if (!rc) {
        slc_rest_reply(c, 204, NULL);
    }
    json_decref(body);
    slc_record_clear(&rec);
    return rc;
}

static int
not_implemented(struct slc_call *c)
{
    return slc_rest_fail(c, 501, SLC_EUNSUPPORTED,
                         "%s %s is not implemented (as in OSM)",
                         c->req->method, c->req->path);
}

#define FAMILY_HANDLERS(fam, f)                                              \
    static int fam##_content_create(struct slc_call *c)                      \
    {                                                                        \
        return content_create(c, &f);                                        \
    }                                                                        \
    static int fam##_content_list(struct slc_call *c)                        \
    {                                                                        \
        return content_list(c, &f);                                          \
    }                                                                        \
    static int fam##_content_show(struct slc_call *c)                        \
    {                                                                        \
        return content_show(c, &f);                                          \
    }                                                                        \
    static int fam##_content_put(struct slc_call *c)                         \
    {                                                                        \
        return content_put(c, &f);                                           \
    }                                                                        \
    static int fam##_delete(struct slc_call *c)                              \
    {                                                                        \
        return delete_desc(c, &f);                                           \
    }                                                                        \
    static int fam##_info_create(struct slc_call *c)                         \
    {                                                                        \
        return info_create(c, &f);                                           \
    }                                                                        \
    static int fam##_info_list(struct slc_call *c)                           \
    {                                                                        \
        return info_list(c, &f);                                             \
    }                                                                        \
    static int fam##_info_show(struct slc_call *c)                           \
    {                                                                        \
        return info_show(c, &f);                                             \
    }                                                                        \
    static int fam##_info_patch(struct slc_call *c)                          \
    {                                                                        \
        return info_patch(c, &f);                                            \
    }                                                                        \
    static int fam##_info_content_put(struct slc_call *c)                    \
    {                                                                        \
        return info_content_put(c, &f);                                      \
    }                                                                        \
    static int fam##_info_content_get(struct slc_call *c)                    \
    {                                                                        \
        return info_content_get(c, &f);                                      \
    }

FAMILY_HANDLERS(vnf, vnf_family)
FAMILY_HANDLERS(ns, ns_family)
FAMILY_HANDLERS(nst, nst_family)

/* 'perm' is the family's node of OSM's permission tree (nsd_content is
 * "nsds:id:content:", nsd "nsds:id:nsd:"). */
#define FAMILY_ROUTES(fam, content, info, citem, fitem, perm)                \
    {"POST", content, fam##_content_create, perm ":content:"},              \
    {"GET", content, fam##_content_list, perm ":"},                          \
    {"GET", content "/{id}", fam##_content_show, perm ":id:"},               \
    {"PUT", content "/{id}", fam##_content_put, perm ":id:"},                \
    {"DELETE", content "/{id}", fam##_delete, perm ":id:"},                  \
    {"POST", info, fam##_info_create, perm ":"},                             \
    {"GET", info, fam##_info_list, perm ":"},                                \
    {"GET", info "/{id}", fam##_info_show, perm ":id:"},                     \
    {"PATCH", info "/{id}", fam##_info_patch, perm ":id:"},                  \
    {"DELETE", info "/{id}", fam##_delete, perm ":id:"},                     \
    {"PUT", info "/{id}/" citem, fam##_info_content_put,                     \
     perm ":id:content:"},                                                   \
    {"GET", info "/{id}/" citem, fam##_info_content_get,                     \
     perm ":id:content:"},                                                   \
    {"GET", info "/{id}/" fitem, fam##_info_content_get,                     \
     perm ":id:" fitem ":"}

const struct slc_route slc_catalogue_routes[] = {
    FAMILY_ROUTES(vnf, "/osm/vnfpkgm/v1/vnf_packages_content",
                  "/osm/vnfpkgm/v1/vnf_packages", "package_content", "vnfd",
                  "vnfds"),
    FAMILY_ROUTES(ns, "/osm/nsd/v1/ns_descriptors_content",
                  "/osm/nsd/v1/ns_descriptors", "nsd_content", "nsd",
                  "nsds"),
    FAMILY_ROUTES(nst, "/osm/nst/v1/netslice_templates_content",
                  "/osm/nst/v1/netslice_templates", "nst_content", "nst",
                  "slice_templates"),
    {"GET", "/osm/nsd/v1/pnf_descriptors", not_implemented, "pnfds:"},
    {"POST", "/osm/nsd/v1/pnf_descriptors", not_implemented, "pnfds:"},
    {"GET", "/osm/nsd/v1/subscriptions", not_implemented,
     "nsd_subscriptions:"},
    {"POST", "/osm/nsd/v1/subscriptions", not_implemented,
     "nsd_subscriptions:"},
    {"GET", "/osm/nst/v1/subscriptions", not_implemented,
     "nst_subscriptions:"},
    {"POST", "/osm/nst/v1/subscriptions", not_implemented,
     "nst_subscriptions:"},
    {NULL},
};

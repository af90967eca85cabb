/* The descriptor catalogue over the store.  See catalogue.h.
 *
 * Neighbours: descriptor.c (loading and checks), common/slc-store (the
 * records and links).  Referenced descriptors are read back from the store
 * and parsed again to check references against them; a catalogue is small
 * and onboarding rare, so no cache is kept. */
#include "catalogue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "slc-id.h"
#include "slc-json.h"
#include "slc-log.h"

SLC_LOG_MODULE(catalogue);

/* Descriptors read back from the store to resolve references. */
struct resolver {
    struct slc_model_set set;
    struct slc_model_file **files;
    size_t n_files;
};

static void
resolver_clear(struct resolver *r)
{
    for (size_t i = 0; i < r->n_files; i++) {
        slc_model_file_free(r->files[i]);
    }
    free(r->files);
    slc_model_set_clear(&r->set);
    memset(r, 0, sizeof *r);
}

static int
kind_of_collection(const char *coll)
{
    for (int k = 0; k < SLC_DESC_KINDS; k++) {
        if (!strcmp(coll, slc_desc_collection((enum slc_desc_kind)k))) {
            return k;
        }
    }
    return -1;
}

/* Parses a stored descriptor document into the resolver's set. */
static int
resolver_add_doc(struct resolver *r, enum slc_desc_kind kind, json_t *doc,
                 const char *name, struct slc_error *err)
{
    struct slc_diags diags = SLC_DIAGS_INIT;
    struct slc_model_file *f, **files;
    int rc;

    rc = slc_model_from_json(kind, doc, name, &f, &diags);
    slc_diags_clear(&diags); /* it was valid when stored */
    if (rc) {
        return slc_error_set(err, rc, "%s '%s': cannot parse stored copy",
                             slc_desc_kind_name(kind), name);
    }
    files = realloc(r->files, (r->n_files + 1) * sizeof *files);
    if (!files) {
        slc_model_file_free(f);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    r->files = files;
    r->files[r->n_files++] = f;
    if (slc_model_set_add(&r->set, &f->descs[0])) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    return 0;
}

/* Reads into the set whatever 'd' references that the set lacks and the
 * store has. */
static int
resolver_load_refs(struct resolver *r, struct slc_store *st,
                   const struct slc_descriptor *d, const struct slc_scope *sc,
                   struct slc_error *err)
{
    json_t *links = slc_descriptor_links(d), *link;
    size_t i;
    int rc = 0;

    if (!links) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    json_array_foreach(links, i, link)
    {
        const char *coll = json_string_value(json_array_get(link, 0));
        const char *id = json_string_value(json_array_get(link, 1));
        int kind = kind_of_collection(coll);
        struct slc_record rec;

        if (kind < 0 ||
            slc_model_set_find(&r->set, (enum slc_desc_kind)kind, id)) {
            continue;
        }
        rc = slc_store_find_in(st, coll, id, sc, &rec, err);
        if (rc == SLC_ENOTFOUND) {
            rc = 0;
            continue; /* reported as missing by the reference check */
        }
        if (!rc) {
            rc = resolver_add_doc(r, (enum slc_desc_kind)kind, rec.doc, id,
                                  err);
            slc_record_clear(&rec);
        }
        if (rc) {
            break;
        }
    }
    json_decref(links);
    return rc;
}

/* Checks the references of 'd' against what scope 'sc' sees in the store
 * (its project's descriptors and those shared with it); missing
 * descriptors are SLC_ECONFLICT listing them, bad references
 * SLC_EINVALID. */
static int
check_refs(struct slc_store *st, const struct slc_descriptor *d,
           const struct slc_scope *sc, struct resolver *r,
           struct slc_diags *diags, struct slc_error *err)
{
    json_t *missing = json_array(), *m;
    char list[600] = "";
    size_t i, n = 0;
    int rc;

    if (!missing) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    rc = resolver_load_refs(r, st, d, sc, err);
    if (!rc) {
        slc_model_check_refs(d, &r->set, missing, diags);
    }
    json_array_foreach(missing, i, m)
    {
        if (n < sizeof list) {
            n += (size_t)snprintf(
                list + n, sizeof list - n, "%s%s '%s'", i ? ", " : "",
                json_string_value(json_object_get(m, "kind")),
                json_string_value(json_object_get(m, "id")));
        }
    }
    if (!rc && json_array_size(missing)) {
        rc = slc_error_set(err, SLC_ECONFLICT,
                           "%s references descriptors that are not "
                           "onboarded: %s",
                           d->subject, list);
    } else if (!rc && slc_diags_has_errors(diags)) {
        rc = slc_diags_to_error(diags, SLC_EINVALID, err);
    }
    json_decref(missing);
    return rc;
}

/* A creation time kept from an older document: a number as it is, an ISO
 * string (what slicer wrote before) as epoch seconds; NULL if neither. */
static json_t *
kept_time(const json_t *t)
{
    struct tm tm = {0};
    const char *end;

    if (json_is_number(t)) {
        return json_real(json_number_value(t));
    }
    end = json_is_string(t) ? strptime(json_string_value(t),
                                       "%Y-%m-%dT%H:%M:%SZ", &tm)
                            : NULL;
    return end && !*end ? json_real((double)timegm(&tm)) : NULL;
}

/* The stored document: the SOL006 descriptor, "_id" and "_admin".  'old'
 * (may be NULL) is the previous document, whose creation time is kept. */
static json_t *
make_doc(const struct slc_descriptor *d, const char *uuid, const json_t *old,
         const struct slc_onboard_opts *opts)
{
    json_t *doc = json_deep_copy(d->json);
    json_t *created =
        kept_time(json_object_get(json_object_get(old, "_admin"), "created"));
    double now = slc_json_epoch_now();

    if (!doc) {
        json_decref(created);
        return NULL;
    }
    json_object_del(doc, "_admin");
    json_object_set_new(doc, "_id", json_string(uuid));
    /* OSM's clients name a VNF package by "name": a SOL006 VNFD has only
     * "product-name" (an old-IM one's "name" went there when converted) */
    if (!json_object_get(doc, "name") &&
        json_is_string(json_object_get(doc, "product-name"))) {
        json_object_set(doc, "name", json_object_get(doc, "product-name"));
    }
    json_object_set_new(
        doc, "_admin",
        json_pack("{sosfsssssssssb}", "created",
                  created ? created : json_real(now),
                  "modified", now, "onboardingState", "ONBOARDED",
                  "operationalState", "ENABLED", "usageState", "NOT_IN_USE",
                  "format", d->format, "converted",
                  strcmp(d->format, "SOL006") &&
                      strcmp(d->format, "OSM NST")));
    {
        json_t *admin = json_object_get(doc, "_admin");
        const json_t *old_admin = json_object_get(old, "_admin");
        static const char *const kept[] = {"projects_read", "projects_write",
                                           "userDefinedData",
                                           "operationalState", "scripts",
                                           NULL};

        for (size_t i = 0; kept[i]; i++) {
            json_t *v = json_object_get(old_admin, kept[i]);

            if (v) {
                json_object_set(admin, kept[i], v);
            }
        }
        if (opts && opts->project) {
            json_object_set_new(admin, "projects_read",
                                json_pack("[s]", opts->project));
            json_object_set_new(admin, "projects_write",
                                json_pack("[s]", opts->project));
        }
        if (opts && json_object_size(opts->scripts)) {
            json_object_set(admin, "scripts", (json_t *)opts->scripts);
        }
        if (opts && opts->user_data) {
            json_object_set(admin, "userDefinedData",
                            (json_t *)opts->user_data);
        }
    }
    return doc;
}

static int
store_descriptor(struct slc_store *st, const struct slc_descriptor *d,
                 const char *uuid, const json_t *old, int64_t expected_rev,
                 const struct slc_onboard_opts *opts, struct slc_error *err)
{
    json_t *doc = make_doc(d, uuid, old, opts);
    json_t *links = slc_descriptor_links(d);
    struct slc_record rec = {
        .id = (char *)uuid,
        .name = (char *)d->id,
        .doc = doc,
    };
    int rc;

    if (!doc || !links) {
        rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
    } else {
        rc = slc_store_put(st, slc_desc_collection(d->kind), &rec, links,
                           expected_rev, NULL, err);
    }
    json_decref(doc);
    json_decref(links);
    return rc;
}

/* SLC_EEXISTS when a descriptor of that kind and id is stored in the
 * scope's project (other than record 'except', which may be NULL): ids
 * are unique per project, as OSM's. */
static int
check_unique(struct slc_store *st, const struct slc_descriptor *d,
             const struct slc_scope *sc, const char *except,
             struct slc_error *err)
{
    struct slc_record rec;
    int rc = slc_store_find_home(st, slc_desc_collection(d->kind), d->id, sc,
                                 &rec, err);

    if (rc == SLC_ENOTFOUND) {
        return 0;
    }
    if (!rc && except && !strcmp(rec.id, except)) {
        slc_record_clear(&rec);
        return 0;
    }
    if (!rc) {
        rc = slc_error_set(err, SLC_EEXISTS,
                           "%s is already onboarded (_id %s)", d->subject,
                           rec.id);
        slc_record_clear(&rec);
    }
    return rc;
}

/* The script execution environments of 'd' against the files of its
 * package's scripts/ folder. */
static int
check_scripts(const struct slc_descriptor *d, const json_t *scripts,
              struct slc_diags *diags, struct slc_error *err)
{
    slc_model_check_scripts(d, scripts, diags);
    return slc_diags_has_errors(diags)
               ? slc_diags_to_error(diags, SLC_EINVALID, err)
               : 0;
}

/* Loads and validates input that must be good to store. */
static int
load_valid(const char *buf, size_t size, const char *name,
           struct slc_model_file **fp, struct slc_diags *diags,
           struct slc_error *err)
{
    int rc = slc_model_load(buf, size, name, fp, diags);

    if (!rc && slc_diags_has_errors(diags)) {
        rc = SLC_EINVALID;
        slc_model_file_free(*fp);
        *fp = NULL;
    }
    if (rc) {
        return slc_diags_to_error(diags, rc == SLC_ENOMEM ? rc : SLC_EINVALID,
                                  err);
    }
    return 0;
}

static int
onboard_all(struct slc_store *st, struct slc_model_file *f,
            const struct slc_onboard_opts *opts, json_t *created,
            struct slc_diags *diags, struct slc_error *err)
{
    struct slc_scope sc = {.project = opts ? opts->project : NULL};
    struct resolver r = {0};
    int rc = 0;

    if (opts && (opts->uuid || opts->single) && f->n_descs != 1) {
        return slc_error_set(err, SLC_EINVALID,
                             "%s: expected exactly one descriptor, the input "
                             "holds %zu",
                             f->name, f->n_descs);
    }
    for (size_t i = 0; opts && opts->kinds && i < f->n_descs; i++) {
        if (!(opts->kinds & 1u << f->descs[i].kind)) {
            return slc_error_set(err, SLC_EINVALID,
                                 "%s: %s does not belong here (a %s)",
                                 f->name, f->descs[i].subject,
                                 slc_desc_kind_name(f->descs[i].kind));
        }
    }
    if (opts && opts->draft_coll) {
        rc = slc_store_del(st, opts->draft_coll, opts->uuid, SLC_REV_ANY,
                           err);
    }

    for (size_t i = 0; !rc && i < f->n_descs; i++) {
        rc = slc_model_set_add(&r.set, &f->descs[i]);
    }
    for (size_t i = 0; !rc && i < f->n_descs; i++) {
        const struct slc_descriptor *d = &f->descs[i];
        char uuid[SLC_UUID_STR_SIZE];

        rc = check_unique(st, d, &sc, NULL, err);
        for (size_t j = 0; !rc && j < i; j++) {
            if (!strcmp(f->descs[j].id, d->id)) {
                rc = slc_error_set(err, SLC_EEXISTS,
                                   "%s is given twice in the input",
                                   d->subject);
            }
        }
        if (!rc) {
            rc = check_refs(st, d, &sc, &r, diags, err);
        }
        if (!rc) {
            rc = check_scripts(d, opts ? opts->scripts : NULL, diags, err);
        }
        if (!rc && opts && opts->uuid) {
            snprintf(uuid, sizeof uuid, "%s", opts->uuid);
        } else if (!rc && slc_uuid7(uuid)) {
            rc = slc_error_set(err, SLC_EIO, "no random source for ids");
        }
        if (!rc) {
            rc = store_descriptor(st, d, uuid, NULL, SLC_REV_NEW, opts, err);
        }
        if (!rc && created) {
            json_array_append_new(created,
                                  json_pack("{ssssss}", "kind",
                                            slc_desc_kind_name(d->kind), "id",
                                            d->id, "_id", uuid));
        }
    }
    resolver_clear(&r);
    return rc;
}

int
slc_catalogue_onboard(struct slc_store *st, const char *buf, size_t size,
                      const char *name, const struct slc_onboard_opts *opts,
                      json_t **created,
                      struct slc_diags *diags, struct slc_error *err)
{
    struct slc_model_file *f;
    json_t *ids = json_array();
    int rc;

    if (created) {
        *created = NULL;
    }
    if (!ids) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    rc = load_valid(buf, size, name, &f, diags, err);
    if (!rc && !(rc = slc_store_begin(st, err))) {
        rc = onboard_all(st, f, opts, ids, diags, err);
        if (!rc) {
            rc = slc_store_commit(st, err);
        } else {
            slc_store_rollback(st);
        }
    }
    slc_model_file_free(f);
    if (!rc) {
        json_t *d;
        size_t i;

        json_array_foreach(ids, i, d)
        {
            SLC_INFO("%s '%s': onboarded as %s",
                     json_string_value(json_object_get(d, "kind")),
                     json_string_value(json_object_get(d, "id")),
                     json_string_value(json_object_get(d, "_id")));
        }
    }
    if (!rc && created) {
        *created = ids;
    } else {
        json_decref(ids);
    }
    return rc;
}

static int
summarise(const char *coll, const struct slc_record *rec, void *arg)
{
    json_t *list = arg;
    const json_t *doc = rec->doc;
    const json_t *admin = json_object_get(doc, "_admin");
    const json_t *name = json_object_get(doc, "name");

    if (!name) {
        name = json_object_get(doc, "product-name");
    }
    return json_array_append_new(
               list,
               json_pack("{sssssOsOsOsI}", "_id", rec->id, "id",
                         rec->name ? rec->name : "", "name",
                         name ? name : json_null(), "version",
                         json_object_get(doc, "version")
                             ? json_object_get(doc, "version")
                             : json_null(),
                         "format",
                         json_object_get(admin, "format")
                             ? json_object_get(admin, "format")
                             : json_null(),
                         "rev", (json_int_t)rec->rev))
               ? SLC_ENOMEM
               : 0;
}

int
slc_catalogue_list(struct slc_store *st, enum slc_desc_kind kind,
                   json_t **out, struct slc_error *err)
{
    json_t *list = json_array();
    int rc;

    *out = NULL;
    if (!list) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    rc = slc_store_list(st, slc_desc_collection(kind), NULL, summarise, list,
                        err);
    if (rc == SLC_ENOMEM) {
        rc = slc_error_set(err, rc, "out of memory");
    }
    if (rc) {
        json_decref(list);
        return rc;
    }
    *out = list;
    return 0;
}

int
slc_catalogue_get(struct slc_store *st, enum slc_desc_kind kind,
                  const char *key, const struct slc_scope *sc,
                  struct slc_record *out, struct slc_error *err)
{
    const char *coll = slc_desc_collection(kind);
    int rc = slc_store_find_in(st, coll, key, sc, out, err);

    if (rc == SLC_ENOTFOUND) {
        rc = slc_error_set(err, SLC_ENOTFOUND, "%s '%s' not found",
                           slc_desc_kind_name(kind), key);
    }
    return rc;
}

/* Collects "nsd 'x' (_id)" names of referrers into a string: those whose
 * reference by name means record 'target' of 'target_coll' (the same name
 * in another project is another descriptor). */
struct users {
    struct slc_store *st;
    const char *target_coll, *target_name, *target;
    char text[600];
    size_t len, count;
};

/* Whether referrer 'rec' names record 'target' of 'coll' by 'name'. */
static bool
refers_to(struct slc_store *st, const struct slc_record *rec,
          const char *coll, const char *name, const char *target)
{
    struct slc_scope sc = slc_scope_of(rec->doc);
    struct slc_record found;
    struct slc_error err = {0};
    bool same = false;

    if (!slc_store_find_in(st, coll, name, &sc, &found, &err)) {
        same = !strcmp(found.id, target);
        slc_record_clear(&found);
    }
    return same;
}

static int
collect_user(const char *coll, const struct slc_record *rec, void *arg)
{
    struct users *u = arg;
    int kind = kind_of_collection(coll);

    if (!refers_to(u->st, rec, u->target_coll, u->target_name,
                            u->target)) {
        return 0;
    }

    if (u->len < sizeof u->text) {
        u->len += (size_t)snprintf(
            u->text + u->len, sizeof u->text - u->len, "%s%s '%s' (_id %s)",
            u->count ? ", " : "",
            kind >= 0 ? slc_desc_kind_name((enum slc_desc_kind)kind) : coll,
            rec->name ? rec->name : "", rec->id);
    }
    u->count++;
    return 0;
}

int
slc_catalogue_delete(struct slc_store *st, enum slc_desc_kind kind,
                     const char *key, struct slc_error *err)
{
    struct users users = {.st = st, .target_coll = slc_desc_collection(kind)};
    struct slc_record rec;
    int rc;

    if ((rc = slc_store_begin(st, err))) {
        return rc;
    }
    rc = slc_catalogue_get(st, kind, key, NULL, &rec, err);
    if (!rc) {
        users.target_name = rec.name;
        users.target = rec.id;
        rc = slc_store_referrers(st, slc_desc_collection(kind), rec.name,
                                 collect_user, &users, err);
    }
    if (!rc && users.count) {
        rc = slc_error_set(err, SLC_ECONFLICT,
                           "%s '%s' is in use by %s",
                           slc_desc_kind_name(kind), rec.name, users.text);
    }
    if (!rc) {
        rc = slc_store_del(st, slc_desc_collection(kind), rec.id, rec.rev,
                           err);
    }
    if (!rc) {
        rc = slc_store_commit(st, err);
    } else {
        slc_store_rollback(st);
    }
    if (!rc) {
        SLC_INFO("%s '%s': deleted (_id %s)", slc_desc_kind_name(kind),
                 rec.name, rec.id);
    }
    slc_record_clear(&rec);
    return rc;
}

/* Re-checks one user of the updated descriptor against its new form. */
struct recheck {
    struct slc_store *st;
    const struct slc_descriptor *updated;
    const char *target;       /* the updated record's _id */
    struct slc_error *err;
    int rc;
};

static int
recheck_user(const char *coll, const struct slc_record *rec, void *arg)
{
    struct recheck *c = arg;
    struct slc_diags diags = SLC_DIAGS_INIT;
    struct resolver r = {0};
    int kind = kind_of_collection(coll);
    int rc;

    if (kind < 0 || !refers_to(c->st, rec, slc_desc_collection(
                                              c->updated->kind),
                               c->updated->id, c->target)) {
        return 0;
    }
    rc = slc_model_set_add(&r.set, c->updated);
    if (!rc) {
        rc = resolver_add_doc(&r, (enum slc_desc_kind)kind, rec->doc,
                              rec->name ? rec->name : rec->id, c->err);
    }
    if (!rc) {
        /* The user is the last entry; resolve the rest from the store. */
        const struct slc_descriptor *user = r.set.items[r.set.len - 1];

        struct slc_scope sc = slc_scope_of(rec->doc);

        rc = check_refs(c->st, user, &sc, &r, &diags, c->err);
        if (rc == SLC_EINVALID || rc == SLC_ECONFLICT) {
            rc = slc_error_prefix(c->err,
                                  "the change would break %s (_id %s)",
                                  user->subject, rec->id);
            c->err->code = rc = SLC_ECONFLICT;
        }
    }
    slc_diags_clear(&diags);
    resolver_clear(&r);
    c->rc = rc;
    return rc;
}

static int
update_one(struct slc_store *st, const struct slc_record *old,
           const struct slc_descriptor *d, struct slc_diags *diags,
           struct slc_error *err)
{
    struct recheck recheck = {.st = st, .updated = d, .target = old->id,
                              .err = err};
    struct users users = {.st = st,
                          .target_coll = slc_desc_collection(d->kind),
                          .target_name = old->name, .target = old->id};
    struct slc_scope sc = slc_scope_of(old->doc);
    struct resolver r = {0};
    int rc;

    rc = check_unique(st, d, &sc, old->id, err);
    if (!rc && strcmp(old->name, d->id)) {
        rc = slc_store_referrers(st, slc_desc_collection(d->kind), old->name,
                                 collect_user, &users, err);
        if (!rc && users.count) {
            rc = slc_error_set(err, SLC_ECONFLICT,
                               "cannot rename %s '%s' to '%s': in use by %s",
                               slc_desc_kind_name(d->kind), old->name,
                               d->id, users.text);
        }
    }
    if (!rc) {
        rc = slc_model_set_add(&r.set, d);
    }
    if (!rc) {
        rc = check_refs(st, d, &sc, &r, diags, err);
    }
    if (!rc) {
        /* an update is a descriptor: it keeps the package's scripts */
        rc = check_scripts(d,
                           json_object_get(json_object_get(old->doc,
                                                           "_admin"),
                                           "scripts"),
                           diags, err);
    }
    if (!rc) {
        rc = slc_store_referrers(st, slc_desc_collection(d->kind), d->id,
                                 recheck_user, &recheck, err);
    }
    if (!rc) {
        rc = store_descriptor(st, d, old->id, old->doc, old->rev, NULL, err);
    }
    resolver_clear(&r);
    return rc;
}

int
slc_catalogue_update(struct slc_store *st, enum slc_desc_kind kind,
                     const char *key, const char *buf, size_t size,
                     const char *name, struct slc_diags *diags,
                     struct slc_error *err)
{
    struct slc_model_file *f = NULL;
    struct slc_record old = {0};
    int rc;

    rc = load_valid(buf, size, name, &f, diags, err);
    if (!rc && (f->n_descs != 1 || f->descs[0].kind != kind)) {
        rc = slc_error_set(err, SLC_EINVALID,
                           "%s: an update takes exactly one %s, the input "
                           "holds %zu %s",
                           name, slc_desc_kind_name(kind), f->n_descs,
                           slc_desc_kind_name(f->descs[0].kind));
    }
    if (!rc && !(rc = slc_store_begin(st, err))) {
        rc = slc_catalogue_get(st, kind, key, NULL, &old, err);
        if (!rc) {
            rc = update_one(st, &old, &f->descs[0], diags, err);
        }
        if (!rc) {
            rc = slc_store_commit(st, err);
        } else {
            slc_store_rollback(st);
        }
    }
    if (!rc) {
        SLC_INFO("%s '%s': updated (_id %s)", slc_desc_kind_name(kind),
                 f->descs[0].id, old.id);
    }
    slc_record_clear(&old);
    slc_model_file_free(f);
    return rc;
}

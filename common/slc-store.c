/* Store front end: backend selection by location, and call wrappers.
 * The backends live in store-*.c. */
#include "slc-doc-cache.h"
#include "slc-json.h"
#include "slc-metrics.h"
#include "slc-store.h"

#include <stdlib.h>
#include <string.h>

/* Known backends.  Selected by the location's scheme, never by editing
 * source elsewhere. */
static const struct slc_store_class *const backends[] = {
    &slc_store_sqlite_class,
    &slc_store_etcd_class,
};

void
slc_record_clear(struct slc_record *rec)
{
    if (!rec) {
        return;
    }
    free(rec->id);
    free(rec->name);
    json_decref(rec->doc);
    memset(rec, 0, sizeof *rec);
}

void
slc_record_text_clear(struct slc_record_text *rt)
{
    if (!rt) {
        return;
    }
    free(rt->id);
    free(rt->name);
    free(rt->text);
    json_decref(rt->readers);
    memset(rt, 0, sizeof *rt);
}

int
slc_store_open(const char *location, struct slc_store **out,
               struct slc_error *err)
{
    const char *path = location;
    size_t scheme_len = strspn(location, "abcdefghijklmnopqrstuvwxyz0123456789");

    *out = NULL;
    /* "scheme:rest" names a backend; anything else is a SQLite path. */
    if (scheme_len && location[scheme_len] == ':') {
        path = location + scheme_len + 1;
    } else {
        scheme_len = 0;
    }
    for (size_t i = 0; i < sizeof backends / sizeof backends[0]; i++) {
        const struct slc_store_class *c = backends[i];

        if (scheme_len ? strlen(c->type) == scheme_len &&
                             !strncmp(c->type, location, scheme_len)
                       : i == 0) {
            if (c->version != SLC_STORE_CLASS_VERSION) {
                return slc_error_set(err, SLC_EUNSUPPORTED,
                                     "store backend '%s' has interface "
                                     "version %u, expected %u",
                                     c->type, c->version,
                                     SLC_STORE_CLASS_VERSION);
            }
            return c->open(path, out, err);
        }
    }
    return slc_error_set(err, SLC_EUNSUPPORTED,
                         "store '%s': unknown backend '%.*s' (known: sqlite, etcd)",
                         location, (int)scheme_len, location);
}

int
slc_store_check(struct slc_store *st, struct slc_error *err)
{
    return st->class->check && st->depth ? st->class->check(st, err) : 0;
}

bool
slc_store_raced(const struct slc_error *err)
{
    return err->code == SLC_ECONFLICT &&
           strstr(err->msg, SLC_STORE_RACED_TEXT) != NULL;
}

bool
slc_store_again(struct slc_store *st, struct slc_error *err)
{
    struct slc_error cerr = {0};

    if (slc_store_raced(err)) {
        return true;
    }
    if (slc_store_check(st, &cerr) == SLC_ECONFLICT &&
        slc_store_raced(&cerr)) {
        *err = cerr;
        return true;
    }
    return false;
}

void
slc_store_close(struct slc_store *st)
{
    if (st) {
        slc_doc_cache_free(st->docs);
        st->class->close(st);
    }
}

bool
slc_store_share_reads(struct slc_store *st, void (*held)(void *arg),
                      void *arg)
{
    if (!st->class->share_reads) {
        return false;
    }
    st->class->share_reads(st, held, arg);
    return true;
}

void
slc_store_end_reads(struct slc_store *st)
{
    if (st->class->end_reads) {
        st->class->end_reads(st);
    }
}

int
slc_store_cache_docs(struct slc_store *st, const char *const *colls,
                     struct slc_error *err)
{
    struct slc_doc_cache *c = slc_doc_cache_new(colls);

    if (!c) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    slc_doc_cache_free(st->docs);
    st->docs = c;
    return 0;
}

int
slc_store_begin(struct slc_store *st, struct slc_error *err)
{
    int rc = st->depth ? 0 : st->class->begin(st, err);

    if (!rc && !st->depth++) {
        st->began = slc_metrics_now();
    }
    return rc;
}

int
slc_store_commit(struct slc_store *st, struct slc_error *err)
{
    if (st->depth > 1) {
        st->depth--;
        return 0;
    }
    if (!st->depth) {
        return st->class->commit(st, err); /* the backend's error */
    }
    st->depth = 0;
    st->marked = false;
    slc_metrics_observe("slicer_store_transaction_duration_seconds",
                        slc_metrics_now() - st->began);
    if (st->doomed) {
        st->doomed = false;
        st->class->rollback(st);
        return slc_error_set(err, SLC_ECONFLICT,
                             "the transaction was abandoned by a part of "
                             "it that failed");
    }
    return st->class->commit(st, err);
}

void
slc_store_rollback(struct slc_store *st)
{
    if (st->depth > 1) {
        st->depth--;
        st->doomed = true;
        return;
    }
    if (st->depth) {
        slc_metrics_observe("slicer_store_transaction_duration_seconds",
                            slc_metrics_now() - st->began);
    }
    st->depth = 0;
    st->doomed = false;
    st->marked = false;
    st->class->rollback(st);
}

int
slc_store_mark(struct slc_store *st, struct slc_error *err)
{
    int rc;

    if (!st->depth || st->marked) {
        return slc_error_set(err, SLC_EINVALID,
                             "store: a mark needs a transaction without "
                             "one");
    }
    if (!st->class->mark) {
        return slc_error_set(err, SLC_EUNSUPPORTED,
                             "store %s: no marks in a transaction",
                             st->class->type);
    }
    if (!(rc = st->class->mark(st, err))) {
        st->marked = true;
        st->doomed_at_mark = st->doomed;
    }
    return rc;
}

void
slc_store_undo_to_mark(struct slc_store *st)
{
    if (st->marked && st->depth) {
        st->class->undo_to_mark(st);
        st->doomed = st->doomed_at_mark;
    }
    st->marked = false;
}

int
slc_store_get(struct slc_store *st, const char *coll, const char *id,
              struct slc_record *out, struct slc_error *err)
{
    return st->class->get(st, coll, id, out, err);
}

int
slc_store_get_shared(struct slc_store *st, const char *coll, const char *id,
                     struct slc_record *out, struct slc_error *err)
{
    int rc;

    st->share_doc = true;
    rc = st->class->get(st, coll, id, out, err);
    st->share_doc = false;
    return rc;
}

int
slc_store_get_kept(struct slc_store *st, const char *coll, const char *id,
                   struct slc_record *kept, struct slc_record *out,
                   struct slc_error *err)
{
    int64_t rev = 0;

    /* a document someone else also holds may change under the caller */
    if (kept->doc && kept->doc->refcount == 1 && kept->id &&
        !strcmp(kept->id, id) && st->class->rev &&
        !st->class->rev(st, coll, id, &rev, err) && rev == kept->rev) {
        *out = *kept;
        memset(kept, 0, sizeof *kept);
        return 0;
    }
    slc_record_clear(kept);
    return slc_store_get(st, coll, id, out, err);
}

int
slc_store_get_text(struct slc_store *st, const char *coll, const char *id,
                   struct slc_record_text *out, struct slc_error *err)
{
    struct slc_record rec;
    int rc;

    if (st->class->get_text) {
        return st->class->get_text(st, coll, id, out, err);
    }
    memset(out, 0, sizeof *out);
    if ((rc = st->class->get(st, coll, id, &rec, err))) {
        return rc;
    }
    out->text = slc_json_text(rec.doc, &out->len);
    out->readers = json_incref(json_object_get(
        json_object_get(rec.doc, "_admin"), "projects_read"));
    out->id = rec.id;
    out->name = rec.name;
    out->rev = rec.rev;
    rec.id = rec.name = NULL;
    slc_record_clear(&rec);
    if (!out->text) {
        slc_record_text_clear(out);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    return 0;
}

int
slc_store_put(struct slc_store *st, const char *coll,
              const struct slc_record *rec, const json_t *links,
              int64_t expected_rev, int64_t *new_rev, struct slc_error *err)
{
    if (!rec->id || !rec->id[0] || !rec->doc) {
        return slc_error_set(err, SLC_EINVALID,
                             "%s: a record needs an id and a document",
                             coll);
    }
    if (expected_rev < SLC_REV_ANY) {
        return slc_error_set(err, SLC_EINVALID,
                             "%s '%s': bad expected revision %lld", coll,
                             rec->id, (long long)expected_rev);
    }
    return st->class->put(st, coll, rec, links, expected_rev, new_rev, err);
}

int
slc_store_del(struct slc_store *st, const char *coll, const char *id,
              int64_t expected_rev, struct slc_error *err)
{
    return st->class->del(st, coll, id, expected_rev, err);
}

int
slc_store_list(struct slc_store *st, const char *coll, const char *name,
               slc_store_visit_fn visit, void *arg, struct slc_error *err)
{
    return st->class->list(st, coll, name, visit, arg, err);
}

int
slc_store_referrers(struct slc_store *st, const char *to_coll,
                    const char *to_name, slc_store_visit_fn visit, void *arg,
                    struct slc_error *err)
{
    return st->class->referrers(st, to_coll, to_name, visit, arg, err);
}

/* Skips the records up to position 'after' for a backend without
 * list_after. */
struct skip {
    int64_t after;
    slc_store_visit_fn visit;
    void *arg;
};

static int
skip_visit(const char *coll, const struct slc_record *rec, void *arg)
{
    struct skip *k = arg;

    return rec->pos > k->after ? k->visit(coll, rec, k->arg) : 0;
}

int
slc_store_list_after(struct slc_store *st, const char *coll, int64_t after,
                     slc_store_visit_fn visit, void *arg,
                     struct slc_error *err)
{
    struct skip k = {after, visit, arg};

    if (st->class->list_after) {
        return st->class->list_after(st, coll, after, visit, arg, err);
    }
    return st->class->list(st, coll, NULL, skip_visit, &k, err);
}

int
slc_store_list_after_text(struct slc_store *st, const char *coll,
                          int64_t after, slc_store_text_fn visit, void *arg,
                          struct slc_error *err)
{
    if (!st->class->list_after_text) {
        return slc_error_set(err, SLC_EUNSUPPORTED,
                             "store %s: no list as text", st->class->type);
    }
    return st->class->list_after_text(st, coll, after, visit, arg, err);
}

struct relink {
    bool (*needs)(const json_t *doc);
    json_t *ids;
};

static int
relink_visit(const char *coll, const struct slc_record *rec, void *arg)
{
    struct relink *r = arg;

    (void)coll;
    if (r->needs(rec->doc)) {
        json_array_append_new(r->ids, json_string(rec->id));
    }
    return 0;
}

int
slc_store_relink(struct slc_store *st, const char *coll,
                 bool (*needs)(const json_t *doc),
                 json_t *(*relink)(json_t *doc), struct slc_error *err)
{
    struct relink r = {needs, json_array()};
    const json_t *id;
    size_t i;
    int rc = r.ids ? slc_store_list(st, coll, NULL, relink_visit, &r, err)
                   : slc_error_set(err, SLC_ENOMEM, "out of memory");

    json_array_foreach(r.ids, i, id)
    {
        struct slc_record rec = {0};
        json_t *links = NULL;

        rc = rc ? rc
                : slc_store_get(st, coll, json_string_value(id), &rec, err);
        if (!rc && !(links = relink(rec.doc))) {
            rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
        }
        rc = rc ? rc
                : slc_store_put(st, coll, &rec, links, rec.rev, NULL, err);
        json_decref(links);
        slc_record_clear(&rec);
    }
    json_decref(r.ids);
    return rc;
}

/* Copies the first record visited into the caller's record. */
static int
take_first(const char *coll, const struct slc_record *rec, void *arg)
{
    struct slc_record *out = arg;

    out->id = strdup(rec->id);
    out->name = rec->name ? strdup(rec->name) : NULL;
    out->rev = rec->rev;
    out->doc = json_incref(rec->doc);
    return out->id ? 1 : SLC_ENOMEM;
}

int
slc_store_find(struct slc_store *st, const char *coll, const char *name,
               struct slc_record *out, struct slc_error *err)
{
    int rc;

    memset(out, 0, sizeof *out);
    rc = slc_store_list(st, coll, name, take_first, out, err);
    if (rc == 1) {
        return 0;
    }
    if (rc == 0) {
        return slc_error_set(err, SLC_ENOTFOUND, "%s '%s' not found", coll,
                             name);
    }
    slc_record_clear(out);
    return rc == SLC_ENOMEM ? slc_error_set(err, rc, "out of memory") : rc;
}

/* ---- scopes ---- */

/* Whether project list 'list' names 'project', or "ANY" when 'any'. */
static bool
lists(const json_t *list, const char *project, bool any)
{
    const json_t *v;
    size_t i;

    json_array_foreach(list, i, v)
    {
        const char *p = json_string_value(v);

        if (p && ((project && !strcmp(p, project)) ||
                  (any && !strcmp(p, "ANY")))) {
            return true;
        }
    }
    return false;
}

static const json_t *
readers(const json_t *doc)
{
    return json_object_get(json_object_get(doc, "_admin"), "projects_read");
}

struct slc_scope
slc_scope_of(const json_t *doc)
{
    const json_t *p;
    size_t i;

    json_array_foreach(readers(doc), i, p)
    {
        if (json_is_string(p) && strcmp(json_string_value(p), "ANY")) {
            return (struct slc_scope){.project = json_string_value(p)};
        }
    }
    return (struct slc_scope){0};
}
bool
slc_scope_in(const struct slc_scope *sc, const json_t *list)
{
    return !sc || !sc->project || sc->all || lists(list, sc->project, true);
}

bool
slc_scope_reads(const struct slc_scope *sc, const json_t *doc)
{
    return slc_scope_in(sc, readers(doc));
}

bool
slc_scope_home(const struct slc_scope *sc, const json_t *doc)
{
    return sc && sc->project && lists(readers(doc), sc->project, false);
}

/* The best record named as searched: at home first, else readable. */
struct pick {
    const struct slc_scope *sc;
    bool home_only;
    struct slc_record *out;
    bool home;
};

static int
pick_visit(const char *coll, const struct slc_record *rec, void *arg)
{
    struct pick *p = arg;
    bool home = slc_scope_home(p->sc, rec->doc) ||
                (p->home_only && (!p->sc || !p->sc->project));

    if (p->home_only ? !home : (!slc_scope_reads(p->sc, rec->doc) ||
                                (p->out->id && (p->home || !home)))) {
        return 0;
    }
    slc_record_clear(p->out);
    if (take_first(coll, rec, p->out) != 1) {
        return SLC_ENOMEM;
    }
    p->home = home;
    return home ? 1 : 0; /* nothing beats a record at home */
}

static int
find_picked(struct slc_store *st, const char *coll, const char *name,
            struct pick *p, struct slc_error *err)
{
    int rc;

    memset(p->out, 0, sizeof *p->out);
    rc = slc_store_list(st, coll, name, pick_visit, p, err);
    if (rc < 0) {
        slc_record_clear(p->out);
        return rc == SLC_ENOMEM ? slc_error_set(err, rc, "out of memory")
                                : rc;
    }
    if (!p->out->id) {
        return slc_error_set(err, SLC_ENOTFOUND, "%s '%s' not found", coll,
                             name);
    }
    return 0;
}

int
slc_store_find_in(struct slc_store *st, const char *coll, const char *key,
                  const struct slc_scope *sc, struct slc_record *out,
                  struct slc_error *err)
{
    struct pick p = {.sc = sc, .out = out};
    int rc = slc_store_get(st, coll, key, out, err);

    if (!rc && slc_scope_reads(sc, out->doc)) {
        return 0;
    }
    if (!rc) {
        slc_record_clear(out);
    } else if (rc != SLC_ENOTFOUND) {
        return rc;
    }
    return find_picked(st, coll, key, &p, err);
}

int
slc_store_find_in_shared(struct slc_store *st, const char *coll,
                         const char *key, const struct slc_scope *sc,
                         struct slc_record *out, struct slc_error *err)
{
    int rc;

    st->share_doc = true;
    rc = slc_store_find_in(st, coll, key, sc, out, err);
    st->share_doc = false;
    return rc;
}

int
slc_store_find_home(struct slc_store *st, const char *coll, const char *name,
                    const struct slc_scope *sc, struct slc_record *out,
                    struct slc_error *err)
{
    struct pick p = {.sc = sc, .home_only = true, .out = out};

    return find_picked(st, coll, name, &p, err);
}

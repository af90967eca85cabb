/* Unit tests of the store: records, revisions, links, transactions,
 * persistence across reopen, and two processes writing at once.
 *
 * They run on SQLite, and on etcd when SLICER_TEST_ETCD names a member
 * (HOST:PORT; tests/common/store-etcd.sh starts one): each test then has
 * a prefix of its own.  What only one backend does (SQLite's schema
 * upgrade; etcd's optimistic commit, its limits, its members) is tested
 * on that one. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "slc-doc-cache.h"
#include "slc-etcd.h"
#include "slc-store.h"

struct fixture {
    char dir[64];
    char path[160];   /* the store's location */
    const char *etcd; /* the etcd member, NULL on SQLite */
    struct slc_store *st;
};

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    static int n;
    struct slc_error err;

    strcpy(f->dir, "/tmp/slicer-store-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    f->etcd = getenv("SLICER_TEST_ETCD");
    if (f->etcd) {
        snprintf(f->path, sizeof f->path, "etcd://%s/t%d-%d", f->etcd,
                 (int)getpid(), n++);
    } else {
        snprintf(f->path, sizeof f->path, "%s/store.db", f->dir);
    }
    assert_int_equal(slc_store_open(f->path, &f->st, &err), 0);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[200];

    slc_store_close(f->st);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static int
put(struct slc_store *st, const char *id, const char *name, json_t *doc,
    int64_t expected, int64_t *rev)
{
    struct slc_record rec = {.id = (char *)id, .name = (char *)name,
                             .doc = doc};
    struct slc_error err;
    int rc = slc_store_put(st, "things", &rec, NULL, expected, rev, &err);

    json_decref(doc);
    return rc;
}

static void
test_put_get_and_revisions(void **state)
{
    struct fixture *f = *state;
    struct slc_record rec;
    struct slc_error err;
    int64_t rev = 0;

    assert_int_equal(put(f->st, "id1", "one", json_pack("{si}", "v", 1),
                         SLC_REV_NEW, &rev),
                     0);
    assert_int_equal(rev, 1);
    assert_int_equal(put(f->st, "id1", "one", json_pack("{si}", "v", 9),
                         SLC_REV_NEW, NULL),
                     SLC_EEXISTS);
    assert_int_equal(put(f->st, "id1", "one", json_pack("{si}", "v", 2), 1,
                         &rev),
                     0);
    assert_int_equal(rev, 2);
    /* A writer still holding revision 1 must not overwrite revision 2. */
    assert_int_equal(put(f->st, "id1", "one", json_pack("{si}", "v", 3), 1,
                         NULL),
                     SLC_ECONFLICT);
    assert_int_equal(put(f->st, "nope", "x", json_pack("{}"), 4, NULL),
                     SLC_ENOTFOUND);
    assert_int_equal(slc_store_get(f->st, "things", "id1", &rec, &err), 0);
    assert_int_equal(rec.rev, 2);
    assert_string_equal(rec.name, "one");
    assert_int_equal(json_integer_value(json_object_get(rec.doc, "v")), 2);
    slc_record_clear(&rec);
    assert_int_equal(put(f->st, "id1", "uno", json_pack("{si}", "v", 4),
                         SLC_REV_ANY, &rev),
                     0);
    assert_int_equal(rev, 3);
    assert_int_equal(slc_store_find(f->st, "things", "uno", &rec, &err), 0);
    assert_string_equal(rec.id, "id1");
    slc_record_clear(&rec);
    assert_int_equal(slc_store_find(f->st, "things", "one", &rec, &err),
                     SLC_ENOTFOUND);
    assert_int_equal(slc_store_get(f->st, "other", "id1", &rec, &err),
                     SLC_ENOTFOUND);
    /* a new name at the expected revision; a stale one, same name or new */
    assert_int_equal(put(f->st, "id1", "eins", json_pack("{si}", "v", 5), 3,
                         &rev),
                     0);
    assert_int_equal(rev, 4);
    assert_int_equal(put(f->st, "id1", "un", json_pack("{si}", "v", 6), 3,
                         NULL),
                     SLC_ECONFLICT);
    assert_int_equal(put(f->st, "id1", "eins", json_pack("{si}", "v", 6), 3,
                         NULL),
                     SLC_ECONFLICT);
    assert_int_equal(slc_store_find(f->st, "things", "eins", &rec, &err), 0);
    assert_int_equal(rec.rev, 4);
    assert_int_equal(json_integer_value(json_object_get(rec.doc, "v")), 5);
    slc_record_clear(&rec);
    assert_int_equal(slc_store_find(f->st, "things", "uno", &rec, &err),
                     SLC_ENOTFOUND);
    /* no name, then one */
    assert_int_equal(put(f->st, "id2", NULL, json_pack("{si}", "v", 1),
                         SLC_REV_NEW, NULL),
                     0);
    assert_int_equal(put(f->st, "id2", NULL, json_pack("{si}", "v", 2), 1,
                         &rev),
                     0);
    assert_int_equal(rev, 2);
    assert_int_equal(put(f->st, "id2", "two", json_pack("{si}", "v", 3), 2,
                         &rev),
                     0);
    assert_int_equal(slc_store_find(f->st, "things", "two", &rec, &err), 0);
    assert_string_equal(rec.id, "id2");
    assert_int_equal(rec.rev, 3);
    slc_record_clear(&rec);
}

/* The first project that may read record 'id' of "things", as
 * slc_store_get_text gives it ("(none)" when none). */
static const char *
first_project(struct slc_store *st, const char *id)
{
    static char first[64];
    struct slc_record_text rt;
    struct slc_error err;

    assert_int_equal(slc_store_get_text(st, "things", id, &rt, &err), 0);
    snprintf(first, sizeof first, "%s",
             json_string_value(json_array_get(rt.readers, 0)) ?: "(none)");
    slc_record_text_clear(&rt);
    return first;
}

/* A document read as text comes back as stored, with its readers
 * parsed; a document without readers and an absent record say so. */
static void
test_get_text(void **state)
{
    static const struct {
        const char *name;
        int64_t rev;
        const char *project; /* NULL: a document without projects */
    } writes[] = {{"tee", 1, "p3"},
                  {"tea", 2, "p4"},
                  {"tea", SLC_REV_ANY, "p5"},
                  {"tea", SLC_REV_ANY, NULL}};
    struct fixture *f = *state;
    struct slc_record_text rt;
    struct slc_error err;
    json_t *doc;

    assert_int_equal(put(f->st, "t1", "tee",
                         json_pack("{si s{s[ss]}}", "v", 7, "_admin",
                                   "projects_read", "p1", "p2"),
                         SLC_REV_NEW, NULL),
                     0);
    assert_int_equal(slc_store_get_text(f->st, "things", "t1", &rt, &err),
                     0);
    assert_string_equal(rt.id, "t1");
    assert_string_equal(rt.name, "tee");
    assert_int_equal(rt.rev, 1);
    assert_int_equal(rt.len, strlen(rt.text));
    doc = json_loads(rt.text, 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(doc, "v")), 7);
    json_decref(doc);
    assert_int_equal(json_array_size(rt.readers), 2);
    assert_string_equal(json_string_value(json_array_get(rt.readers, 1)),
                        "p2");
    slc_record_text_clear(&rt);
    assert_int_equal(slc_store_get_text(f->st, "things", "t2", &rt, &err),
                     SLC_ENOTFOUND);
    assert_non_null(strstr(err.msg, "things 't2' not found"));
    /* the projects follow every kind of write: an update under the same
     * name, one under a new name, an overwrite, and none at all */
    for (size_t i = 0; i < sizeof writes / sizeof writes[0]; i++) {
        const char *p = writes[i].project;

        assert_int_equal(put(f->st, "t1", writes[i].name,
                             p ? json_pack("{s{s[s]}}", "_admin",
                                           "projects_read", p)
                               : json_pack("{si}", "v", 8),
                             writes[i].rev, NULL),
                         0);
        assert_string_equal(first_project(f->st, "t1"), p ?: "(none)");
    }
}

static void
test_delete_checks_revision(void **state)
{
    struct fixture *f = *state;
    struct slc_record rec;
    struct slc_error err;

    assert_int_equal(put(f->st, "d", "d", json_pack("{}"), SLC_REV_NEW, NULL),
                     0);
    assert_int_equal(slc_store_del(f->st, "things", "d", 7, &err),
                     SLC_ECONFLICT);
    assert_int_equal(slc_store_del(f->st, "things", "d", 1, &err), 0);
    assert_int_equal(slc_store_get(f->st, "things", "d", &rec, &err),
                     SLC_ENOTFOUND);
    assert_int_equal(slc_store_del(f->st, "things", "d", SLC_REV_ANY, &err),
                     SLC_ENOTFOUND);
}

static int
count(const char *coll, const struct slc_record *rec, void *arg)
{
    json_t *names = arg;

    json_array_append_new(names, json_sprintf("%s/%s", coll, rec->name));
    return 0;
}

static void
test_links_and_referrers(void **state)
{
    struct fixture *f = *state;
    struct slc_record nsd = {.id = "n1", .name = "ns-a",
                             .doc = json_pack("{}")};
    json_t *links = json_pack("[[ss][ss]]", "vnfds", "v1", "vnfds", "v2");
    json_t *names = json_array();
    struct slc_error err;

    assert_int_equal(slc_store_put(f->st, "nsds", &nsd, links, SLC_REV_NEW,
                                   NULL, &err),
                     0);
    assert_int_equal(
        slc_store_referrers(f->st, "vnfds", "v2", count, names, &err), 0);
    assert_int_equal(json_array_size(names), 1);
    assert_string_equal(json_string_value(json_array_get(names, 0)),
                        "nsds/ns-a");
    /* Rewriting the record replaces its links. */
    json_decref(links);
    links = json_pack("[[ss]]", "vnfds", "v1");
    assert_int_equal(slc_store_put(f->st, "nsds", &nsd, links, 1, NULL, &err),
                     0);
    json_array_clear(names);
    assert_int_equal(
        slc_store_referrers(f->st, "vnfds", "v2", count, names, &err), 0);
    assert_int_equal(json_array_size(names), 0);
    /* Deleting it drops them. */
    assert_int_equal(slc_store_del(f->st, "nsds", "n1", SLC_REV_ANY, &err),
                     0);
    assert_int_equal(
        slc_store_referrers(f->st, "vnfds", "v1", count, names, &err), 0);
    assert_int_equal(json_array_size(names), 0);
    json_decref(links);
    json_decref(names);
    json_decref(nsd.doc);
}

static void
test_transaction_rollback_leaves_nothing(void **state)
{
    struct fixture *f = *state;
    json_t *names = json_array();
    struct slc_error err;

    assert_int_equal(slc_store_begin(f->st, &err), 0);
    assert_int_equal(put(f->st, "a", "a", json_pack("{}"), SLC_REV_NEW, NULL),
                     0);
    assert_int_equal(put(f->st, "b", "b", json_pack("{}"), SLC_REV_NEW, NULL),
                     0);
    /* A failing step inside the transaction keeps the earlier ones. */
    assert_int_equal(put(f->st, "a", "a", json_pack("{}"), SLC_REV_NEW, NULL),
                     SLC_EEXISTS);
    slc_store_rollback(f->st);
    assert_int_equal(slc_store_list(f->st, "things", NULL, count, names, &err),
                     0);
    assert_int_equal(json_array_size(names), 0);

    assert_int_equal(slc_store_begin(f->st, &err), 0);
    assert_int_equal(put(f->st, "a", "a", json_pack("{}"), SLC_REV_NEW, NULL),
                     0);
    assert_int_equal(slc_store_commit(f->st, &err), 0);
    assert_int_equal(slc_store_list(f->st, "things", NULL, count, names, &err),
                     0);
    assert_int_equal(json_array_size(names), 1);
    json_decref(names);
}

/* An inner transaction joins the outer one: its commit writes nothing on
 * its own, and its rollback fails the outer commit. */
static void
test_nested_transactions(void **state)
{
    struct fixture *f = *state;
    json_t *names = json_array();
    struct slc_error err;

    assert_int_equal(slc_store_begin(f->st, &err), 0);
    assert_int_equal(put(f->st, "a", "a", json_pack("{}"), SLC_REV_NEW, NULL),
                     0);
    assert_int_equal(slc_store_begin(f->st, &err), 0);
    assert_int_equal(put(f->st, "b", "b", json_pack("{}"), SLC_REV_NEW, NULL),
                     0);
    assert_int_equal(slc_store_commit(f->st, &err), 0);
    slc_store_rollback(f->st);
    assert_int_equal(slc_store_list(f->st, "things", NULL, count, names, &err),
                     0);
    assert_int_equal(json_array_size(names), 0);

    assert_int_equal(slc_store_begin(f->st, &err), 0);
    assert_int_equal(put(f->st, "a", "a", json_pack("{}"), SLC_REV_NEW, NULL),
                     0);
    assert_int_equal(slc_store_begin(f->st, &err), 0);
    assert_int_equal(put(f->st, "b", "b", json_pack("{}"), SLC_REV_NEW, NULL),
                     0);
    slc_store_rollback(f->st);
    assert_int_equal(slc_store_commit(f->st, &err), SLC_ECONFLICT);
    assert_non_null(strstr(err.msg, "abandoned"));
    assert_int_equal(slc_store_list(f->st, "things", NULL, count, names, &err),
                     0);
    assert_int_equal(json_array_size(names), 0);

    assert_int_equal(slc_store_begin(f->st, &err), 0);
    assert_int_equal(slc_store_begin(f->st, &err), 0);
    assert_int_equal(put(f->st, "c", "c", json_pack("{}"), SLC_REV_NEW, NULL),
                     0);
    assert_int_equal(slc_store_commit(f->st, &err), 0);
    assert_int_equal(slc_store_commit(f->st, &err), 0);
    assert_int_equal(slc_store_list(f->st, "things", NULL, count, names, &err),
                     0);
    assert_int_equal(json_array_size(names), 1);
    json_decref(names);
}

/* A mark undoes what came after it, a failed inner part included, and
 * keeps what came before. */
static void
test_undo_to_mark(void **state)
{
    struct fixture *f = *state;
    json_t *names = json_array();
    struct slc_record rec;
    struct slc_error err;

    assert_int_equal(slc_store_mark(f->st, &err), SLC_EINVALID);
    assert_int_equal(slc_store_begin(f->st, &err), 0);
    assert_int_equal(put(f->st, "a", "a", json_pack("{si}", "v", 1),
                         SLC_REV_NEW, NULL),
                     0);
    assert_int_equal(slc_store_mark(f->st, &err), 0);
    assert_int_equal(slc_store_mark(f->st, &err), SLC_EINVALID);
    assert_int_equal(put(f->st, "b", "b", json_pack("{}"), SLC_REV_NEW, NULL),
                     0);
    assert_int_equal(put(f->st, "a", "a", json_pack("{si}", "v", 2), 1, NULL),
                     0);
    /* an inner transaction that fails dooms only what the mark undoes */
    assert_int_equal(slc_store_begin(f->st, &err), 0);
    slc_store_rollback(f->st);
    slc_store_undo_to_mark(f->st);
    assert_int_equal(put(f->st, "c", "c", json_pack("{}"), SLC_REV_NEW, NULL),
                     0);
    assert_int_equal(slc_store_commit(f->st, &err), 0);
    assert_int_equal(slc_store_list(f->st, "things", NULL, count, names, &err),
                     0);
    assert_int_equal(json_array_size(names), 2);
    assert_string_equal(json_string_value(json_array_get(names, 0)),
                        "things/a");
    assert_string_equal(json_string_value(json_array_get(names, 1)),
                        "things/c");
    assert_int_equal(slc_store_get(f->st, "things", "a", &rec, &err), 0);
    assert_int_equal(rec.rev, 1);
    assert_int_equal(json_integer_value(json_object_get(rec.doc, "v")), 1);
    slc_record_clear(&rec);
    json_decref(names);
}

/* A record its writer kept: 'doc' (taken) at revision 'rev'. */
static struct slc_record
kept(const char *id, json_t *doc, int64_t rev)
{
    return (struct slc_record){.id = strdup(id), .rev = rev, .doc = doc};
}

/* slc_store_get_kept gives back what the caller kept while the store holds
 * that revision, and what is stored once another writer changed it, or
 * when someone else holds the kept document. */
/* A list's visitor: the value of "v" of the one record it sees. */
static int
take_v(const char *coll, const struct slc_record *rec, void *arg)
{
    (void)coll;
    *(json_int_t *)arg = json_integer_value(json_object_get(rec->doc, "v"));
    return 0;
}

/* The value of "v" of record 'id' of 'coll', read with slc_store_get;
 * the reader then changes its tree, which no later reader may see. */
static json_int_t
read_v(struct slc_store *st, const char *coll, const char *id)
{
    struct slc_record rec;
    struct slc_error err;
    json_int_t v;

    assert_int_equal(slc_store_get(st, coll, id, &rec, &err), 0);
    v = json_integer_value(json_object_get(rec.doc, "v"));
    json_object_set_new(rec.doc, "v", json_integer(-1));
    slc_record_clear(&rec);
    return v;
}

/* Writes 'rec' of 'coll' with the document {"v": v}; the store's answer. */
static int
put_v(struct slc_store *st, const char *coll, struct slc_record *rec,
      json_int_t v, int64_t expected)
{
    struct slc_error err;
    int rc;

    rec->doc = json_pack("{sI}", "v", v);
    rc = slc_store_put(st, coll, rec, NULL, expected, NULL, &err);
    json_decref(rec->doc);
    rec->doc = NULL;
    return rc;
}

/* The same write, in a transaction that rolls back. */
static void
put_v_rolled_back(struct slc_store *st, const char *coll,
                  struct slc_record *rec, json_int_t v)
{
    struct slc_error err;

    assert_int_equal(slc_store_begin(st, &err), 0);
    assert_int_equal(put_v(st, coll, rec, v, SLC_REV_ANY), 0);
    slc_store_rollback(st);
}

/* Documents are parsed once per change (slc-doc-cache.h): readers get
 * trees of their own, and a write (by this handle or another), a write
 * rolled back, a reader's change or a record made again under the same id
 * is never hidden. */
static void
test_cached_docs(void **state)
{
    struct fixture *f = *state;
    static const char *const colls[] = {"things", NULL};
    struct slc_record rec = {.id = "o", .name = "on"};
    struct slc_store *other;
    struct slc_error err;
    size_t hits, misses;
    json_int_t v = 0;

    /* read-mostly: each reader copies the kept tree */
    assert_int_equal(slc_store_cache_docs(f->st, colls, &err), 0);
    assert_int_equal(put(f->st, "k", "kn", json_pack("{si}", "v", 1),
                         SLC_REV_NEW, NULL),
                     0);
    assert_int_equal(read_v(f->st, "things", "k"), 1);
    assert_int_equal(read_v(f->st, "things", "k"), 1);
    assert_int_equal(slc_store_list(f->st, "things", "kn", take_v, &v, &err),
                     0);
    assert_int_equal(v, 1);
    assert_int_equal(put(f->st, "k", "kn", json_pack("{si}", "v", 2),
                         SLC_REV_ANY, NULL),
                     0);
    assert_int_equal(read_v(f->st, "things", "k"), 2);
    /* deleted and made again under the same id, at revision 1 again */
    assert_int_equal(slc_store_del(f->st, "things", "k", SLC_REV_ANY, &err),
                     0);
    assert_int_equal(put(f->st, "k", "kn", json_pack("{si}", "v", 3),
                         SLC_REV_NEW, NULL),
                     0);
    assert_int_equal(read_v(f->st, "things", "k"), 3);

    /* a collection the cache does not keep: parsed at every read */
    assert_int_equal(put_v(f->st, "others", &rec, 1, SLC_REV_NEW), 0);
    assert_int_equal(read_v(f->st, "others", "o"), 1);
    assert_int_equal(read_v(f->st, "others", "o"), 1);
    /* a write that rolled back */
    put_v_rolled_back(f->st, "others", &rec, 5);
    assert_int_equal(read_v(f->st, "others", "o"), 1);

    if (f->etcd) { /* etcd does not parse through the cache */
        return;
    }
    slc_doc_cache_counts(f->st->docs, &hits, &misses);
    assert_int_equal(hits, 5); /* things: 1 1 list 2 3 (kept when written) */
    assert_int_equal(misses, 0);

    /* another writer's change */
    assert_int_equal(slc_store_open(f->path, &other, &err), 0);
    assert_int_equal(put(other, "k", "kn", json_pack("{si}", "v", 4),
                         SLC_REV_ANY, NULL),
                     0);
    slc_store_close(other);
    assert_int_equal(read_v(f->st, "things", "k"), 4);
    assert_int_equal(read_v(f->st, "things", "k"), 4);
    slc_doc_cache_counts(f->st->docs, &hits, &misses);
    assert_int_equal(hits, 6);
    assert_int_equal(misses, 1);

    /* written to be read back: kept for the next reader only, as it was
     * written (the writer's later change, the reader's own change and a
     * rolled back rewrite reach nobody) */
    rec = (struct slc_record){.id = "r", .name = "rn", .reread = true};
    rec.doc = json_pack("{si}", "v", 7);
    assert_int_equal(slc_store_put(f->st, "others", &rec, NULL, SLC_REV_NEW,
                                   NULL, &err),
                     0);
    json_object_set_new(rec.doc, "v", json_integer(8));
    json_decref(rec.doc);
    assert_int_equal(read_v(f->st, "others", "r"), 7); /* changes it */
    slc_doc_cache_counts(f->st->docs, &hits, &misses);
    assert_int_equal(hits, 7);
    assert_int_equal(read_v(f->st, "others", "r"), 7); /* parsed */
    put_v_rolled_back(f->st, "others", &rec, 9);
    assert_int_equal(read_v(f->st, "others", "r"), 7);
    /* and written again by another handle after its write here */
    assert_int_equal(put_v(f->st, "others", &rec, 10, SLC_REV_ANY), 0);
    assert_int_equal(slc_store_open(f->path, &other, &err), 0);
    rec.reread = false;
    assert_int_equal(put_v(other, "others", &rec, 11, SLC_REV_ANY), 0);
    slc_store_close(other);
    assert_int_equal(read_v(f->st, "others", "r"), 11);
    slc_doc_cache_counts(f->st->docs, &hits, &misses);
    assert_int_equal(hits, 7);
}

/* The sanitizer builds check every tree the cache hands out against its
 * text (slc-doc-cache.c). */
#if defined(__SANITIZE_ADDRESS__)
#define CHECKS_SHARED 1
#endif

/* A writer done with its tree gives it (slc_record.give): its next reader
 * gets that very tree, and then the text's parse; a writer that changes
 * what it gave is caught in the sanitizer builds. */
static void
test_given_docs(void **state)
{
    struct fixture *f = *state;
    struct slc_record rec = {.id = "g", .name = "gn", .reread = true,
                             .give = true},
                      got = {0};
    struct slc_error err;
    static const char *const colls[] = {"things", NULL};
    json_t *given = json_pack("{si}", "v", 1);
    pid_t pid;
    int status;

    assert_int_equal(slc_store_cache_docs(f->st, colls, &err), 0);
    rec.doc = given;
    assert_int_equal(slc_store_put(f->st, "others", &rec, NULL, SLC_REV_NEW,
                                   NULL, &err),
                     0);
    json_decref(rec.doc); /* the writer is done with it */
    assert_int_equal(slc_store_get(f->st, "others", "g", &got, &err), 0);
    assert_int_equal(json_integer_value(json_object_get(got.doc, "v")), 1);
    if (!f->etcd) {
        assert_ptr_equal(got.doc, given); /* no copy */
    }
    json_object_set_new(got.doc, "v", json_integer(-1)); /* the reader's */
    slc_record_clear(&got);
    assert_int_equal(read_v(f->st, "others", "g"), 1); /* parsed */

#ifdef CHECKS_SHARED
    if (f->etcd) {
        return;
    }
    /* a writer that breaks its promise: its reader's process aborts,
     * naming the record (in a child, on a store of its own) */
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct slc_store *own;
        char path[600];

        snprintf(path, sizeof path, "%s.child", f->path);
        if (slc_store_open(path, &own, &err) ||
            slc_store_cache_docs(own, colls, &err)) {
            _exit(2);
        }
        rec.doc = json_pack("{si}", "v", 1);
        if (slc_store_put(own, "others", &rec, NULL, SLC_REV_NEW, NULL,
                          &err)) {
            _exit(3);
        }
        json_object_set_new(rec.doc, "v", json_integer(2)); /* broken */
        slc_store_get(own, "others", "g", &got, &err);
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);
#else
    (void)pid;
    (void)status;
#endif
}

/* Readers who only read share the kept tree (slc_store_get_shared); a
 * write gives the next reader a new one and leaves theirs as it was. */
static void
test_shared_docs(void **state)
{
    struct fixture *f = *state;
    static const char *const colls[] = {"things", NULL};
    struct slc_record a = {0}, b = {0}, c = {0};
    struct slc_error err;

    assert_int_equal(slc_store_cache_docs(f->st, colls, &err), 0);
    assert_int_equal(put(f->st, "k", "kn", json_pack("{si}", "v", 1),
                         SLC_REV_NEW, NULL),
                     0);
    assert_int_equal(slc_store_get_shared(f->st, "things", "k", &a, &err),
                     0);
    assert_int_equal(slc_store_get_shared(f->st, "things", "k", &b, &err),
                     0);
    assert_int_equal(slc_store_get(f->st, "things", "k", &c, &err), 0);
    assert_int_equal(json_integer_value(json_object_get(a.doc, "v")), 1);
    assert_true(json_equal(a.doc, c.doc));
    if (!f->etcd) { /* etcd does not parse through the cache */
        assert_ptr_equal(a.doc, b.doc);
    }
    assert_ptr_not_equal(a.doc, c.doc); /* a copy of its own */
    slc_record_clear(&b);
    slc_record_clear(&c);

    assert_int_equal(put(f->st, "k", "kn", json_pack("{si}", "v", 2),
                         SLC_REV_ANY, NULL),
                     0);
    assert_int_equal(slc_store_get_shared(f->st, "things", "k", &b, &err),
                     0);
    assert_int_equal(json_integer_value(json_object_get(b.doc, "v")), 2);
    assert_int_equal(json_integer_value(json_object_get(a.doc, "v")), 1);
    slc_record_clear(&a);
    slc_record_clear(&b);
    /* not a read-mostly collection: a tree of its own all the same */
    c = (struct slc_record){.id = "o", .name = "on"};
    assert_int_equal(put_v(f->st, "others", &c, 3, SLC_REV_NEW), 0);
    assert_int_equal(slc_store_get_shared(f->st, "others", "o", &a, &err),
                     0);
    assert_int_equal(slc_store_get_shared(f->st, "others", "o", &b, &err),
                     0);
    assert_true(json_equal(a.doc, b.doc));
    assert_ptr_not_equal(a.doc, b.doc);
    slc_record_clear(&a);
    slc_record_clear(&b);
    assert_int_equal(slc_store_get_shared(f->st, "things", "none", &a, &err),
                     SLC_ENOTFOUND);
}

static void
test_get_kept(void **state)
{
    struct fixture *f = *state;
    struct slc_record k, rec;
    struct slc_error err;
    int64_t rev = 0, rev2 = 0;
    json_t *doc = json_pack("{si}", "v", 1);

    assert_int_equal(put(f->st, "k", "k", json_incref(doc), SLC_REV_NEW,
                         &rev),
                     0);
    k = kept("k", doc, rev);
    assert_int_equal(slc_store_get_kept(f->st, "things", "k", &k, &rec, &err),
                     0);
    assert_null(k.doc);
    assert_int_equal(rec.rev, rev);
    assert_int_equal(json_integer_value(json_object_get(rec.doc, "v")), 1);
    if (!f->etcd) {
        assert_ptr_equal(rec.doc, doc); /* not read again */
    }
    slc_record_clear(&rec);

    /* another writer changed it: what is stored */
    doc = json_pack("{si}", "v", 1);
    k = kept("k", doc, rev);
    assert_int_equal(put(f->st, "k", "k", json_pack("{si}", "v", 2), rev,
                         &rev2),
                     0);
    assert_int_equal(slc_store_get_kept(f->st, "things", "k", &k, &rec, &err),
                     0);
    assert_int_equal(rec.rev, rev2);
    assert_int_equal(json_integer_value(json_object_get(rec.doc, "v")), 2);
    slc_record_clear(&rec);

    /* someone else holds the kept document: read, not shared */
    doc = json_pack("{si}", "v", 2);
    k = kept("k", json_incref(doc), rev2);
    assert_int_equal(slc_store_get_kept(f->st, "things", "k", &k, &rec, &err),
                     0);
    assert_ptr_not_equal(rec.doc, doc);
    assert_true(json_equal(rec.doc, doc));
    assert_int_equal(doc->refcount, 1);
    json_decref(doc);
    slc_record_clear(&rec);

    /* kept for another record, or gone */
    k = kept("other", json_pack("{si}", "v", 9), rev2);
    assert_int_equal(slc_store_get_kept(f->st, "things", "k", &k, &rec, &err),
                     0);
    assert_int_equal(json_integer_value(json_object_get(rec.doc, "v")), 2);
    slc_record_clear(&rec);
    assert_int_equal(slc_store_del(f->st, "things", "k", rev2, &err), 0);
    k = kept("k", json_pack("{si}", "v", 2), rev2);
    assert_int_equal(slc_store_get_kept(f->st, "things", "k", &k, &rec, &err),
                     SLC_ENOTFOUND);
    assert_null(k.doc);
    assert_null(k.id);
}

static void
test_reopen_keeps_everything_in_order(void **state)
{
    struct fixture *f = *state;
    json_t *names = json_array();
    struct slc_error err;
    char id[16];

    for (int i = 0; i < 50; i++) {
        snprintf(id, sizeof id, "r%02d", 49 - i);
        assert_int_equal(put(f->st, id, id, json_pack("{si}", "i", i),
                             SLC_REV_NEW, NULL),
                         0);
    }
    slc_store_close(f->st);
    assert_int_equal(slc_store_open(f->path, &f->st, &err), 0);
    assert_int_equal(slc_store_list(f->st, "things", NULL, count, names, &err),
                     0);
    assert_int_equal(json_array_size(names), 50);
    /* Creation order, not id order. */
    assert_string_equal(json_string_value(json_array_get(names, 0)),
                        "things/r49");
    assert_string_equal(json_string_value(json_array_get(names, 49)),
                        "things/r00");
    json_decref(names);
}

static void
test_newer_schema_is_refused(void **state)
{
    struct fixture *f = *state;
    struct slc_store *st;
    struct slc_error err;
    sqlite3 *db;

    slc_store_close(f->st);
    f->st = NULL;
    if (f->etcd) {
        struct slc_etcd *e;
        json_t *req, *reply;
        char key[200];

        snprintf(key, sizeof key, "/%s/schema", strrchr(f->path, '/') + 1);
        assert_int_equal(slc_etcd_new(f->etcd, 2000, &e, &err), 0);
        req = json_pack("{so so}", "key", slc_etcd_b64(key, strlen(key)),
                        "value", slc_etcd_b64("99", 2));
        assert_int_equal(
            slc_etcd_call(e, "/v3/kv/put", req, false, &reply, &err), 0);
        json_decref(req);
        json_decref(reply);
        slc_etcd_free(e);
        assert_int_equal(slc_store_open(f->path, &st, &err),
                         SLC_EUNSUPPORTED);
        assert_non_null(strstr(err.msg, "schema version 99"));
        /* locations it cannot use, named */
        assert_int_equal(slc_store_open("etcd://127.0.0.1:2379", &st, &err),
                         SLC_EINVALID);
        assert_non_null(strstr(err.msg, "prefix is missing"));
        assert_int_equal(
            slc_store_open("etcd://127.0.0.1/x", &st, &err), SLC_EINVALID);
        assert_non_null(strstr(err.msg, "'127.0.0.1' is not HOST:PORT"));
        assert_int_equal(slc_store_open("etcd://127.0.0.1:1/x?max_txn_ops=2",
                                        &st, &err),
                         SLC_EINVALID);
        assert_non_null(strstr(err.msg, "bad option 'max_txn_ops=2'"));
        assert_int_equal(slc_store_open("etcd://127.0.0.1:1/x", &st, &err),
                         SLC_EIO);
        return;
    }
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL,
                                  NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(slc_store_open(f->path, &st, &err), SLC_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, "schema version 99 is newer"));
    assert_int_equal(slc_store_open("zk://127.0.0.1:2181", &st, &err),
                     SLC_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, "unknown backend 'zk'"));
    assert_int_equal(slc_store_open("/nonexistent-dir/x.db", &st, &err),
                     SLC_EIO);
}

/* A version 1 store (no index on seq alone) is upgraded in place on open
 * and keeps its records. */
static void
test_schema_1_is_upgraded(void **state)
{
    struct fixture *f = *state;
    struct slc_store *st;
    struct slc_record rec;
    struct slc_error err;
    sqlite3 *db;
    sqlite3_stmt *stmt;

    if (f->etcd) {
        skip(); /* SQLite's own schema history */
    }
    slc_store_close(f->st);
    f->st = NULL;
    unlink(f->path);
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(db,
                     "CREATE TABLE records (coll TEXT NOT NULL, id TEXT NOT "
                     "NULL, name TEXT, rev INTEGER NOT NULL, doc TEXT NOT "
                     "NULL, seq INTEGER NOT NULL, PRIMARY KEY (coll, id));"
                     "CREATE INDEX records_name ON records (coll, name, seq);"
                     "CREATE INDEX records_seq ON records (coll, seq);"
                     "CREATE TABLE links (from_coll TEXT NOT NULL, from_id "
                     "TEXT NOT NULL, to_coll TEXT NOT NULL, to_name TEXT NOT "
                     "NULL, PRIMARY KEY (from_coll, from_id, to_coll, "
                     "to_name));"
                     "CREATE INDEX links_to ON links (to_coll, to_name);"
                     "INSERT INTO records VALUES ('things', 'old', 'o', 3, "
                     "'{\"v\":1,\"_admin\":{\"projects_read\":[\"p1\"]}}', "
                     "1);"
                     "PRAGMA user_version = 1;",
                     NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(slc_store_open(f->path, &st, &err), 0);
    assert_int_equal(slc_store_get(st, "things", "old", &rec, &err), 0);
    assert_int_equal(rec.rev, 3);
    slc_record_clear(&rec);
    /* version 3 took the projects out of the documents already there */
    assert_string_equal(first_project(st, "old"), "p1");
    assert_int_equal(put(st, "new", "n", json_pack("{}"), SLC_REV_NEW, NULL),
                     0);
    assert_string_equal(first_project(st, "new"), "(none)");
    slc_store_close(st);
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt,
                                        NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(stmt, 0), 3);
    sqlite3_finalize(stmt);
    assert_int_equal(
        sqlite3_prepare_v2(db,
                           "SELECT seq FROM records WHERE id = 'new' AND "
                           "EXISTS (SELECT 1 FROM sqlite_master WHERE name "
                           "= 'records_seq_all')",
                           -1, &stmt, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(stmt, 0), 2);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
}

/* One writer process: 'n' read-modify-write increments of one counter,
 * retrying when the other process got there first. */
static int
increment(const char *path, int n)
{
    struct slc_store *st;
    struct slc_error err;
    int conflicts = 0;

    if (slc_store_open(path, &st, &err)) {
        return 100;
    }
    for (int i = 0; i < n;) {
        struct slc_record rec;
        json_int_t v;
        int rc = slc_store_get(st, "things", "counter", &rec, &err);

        if (rc) {
            return 101;
        }
        v = json_integer_value(json_object_get(rec.doc, "v"));
        json_object_set_new(rec.doc, "v", json_integer(v + 1));
        rc = slc_store_put(st, "things", &rec, NULL, rec.rev, NULL, &err);
        slc_record_clear(&rec);
        if (rc == SLC_ECONFLICT || rc == SLC_EBUSY) {
            conflicts++;
            continue;
        }
        if (rc) {
            return 102;
        }
        i++;
    }
    slc_store_close(st);
    return conflicts > 0 ? 0 : 1; /* 1 = never raced, still correct */
}

static void
test_two_processes_writing_do_not_corrupt(void **state)
{
    struct fixture *f = *state;
    enum { N = 300 };
    struct slc_record rec;
    struct slc_error err;
    pid_t pids[2];
    sqlite3 *db;
    sqlite3_stmt *stmt;

    assert_int_equal(put(f->st, "counter", "c", json_pack("{si}", "v", 0),
                         SLC_REV_NEW, NULL),
                     0);
    for (int i = 0; i < 2; i++) {
        pids[i] = fork();
        assert_true(pids[i] >= 0);
        if (pids[i] == 0) {
            _exit(increment(f->path, N));
        }
    }
    for (int i = 0; i < 2; i++) {
        int status;

        assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
        assert_true(WIFEXITED(status));
        assert_true(WEXITSTATUS(status) <= 1);
    }
    /* Every increment landed exactly once. */
    assert_int_equal(slc_store_get(f->st, "things", "counter", &rec, &err),
                     0);
    assert_int_equal(json_integer_value(json_object_get(rec.doc, "v")),
                     2 * N);
    assert_int_equal(rec.rev, 2 * N + 1);
    slc_record_clear(&rec);
    if (f->etcd) {
        return;
    }
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1,
                                        &stmt, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(stmt, 0), "ok");
    sqlite3_finalize(stmt);
    sqlite3_close(db);
}

/* Inside a transaction, reads see its own writes: gets, lists by name and
 * referrers; a rollback leaves nothing of them. */
static void
test_transaction_sees_its_writes(void **state)
{
    struct fixture *f = *state;
    struct slc_record rec, linked = {.id = "l1", .name = "user",
                                     .doc = json_pack("{}")};
    json_t *names = json_array();
    json_t *links = json_pack("[[ss]]", "vnfds", "v9");
    struct slc_error err;
    int64_t rev = 0;

    assert_int_equal(put(f->st, "old", "keep", json_pack("{}"), SLC_REV_NEW,
                         NULL),
                     0);
    assert_int_equal(slc_store_begin(f->st, &err), 0);
    assert_int_equal(put(f->st, "a", "same", json_pack("{si}", "v", 1),
                         SLC_REV_NEW, &rev),
                     0);
    assert_int_equal(put(f->st, "a", "same", json_pack("{si}", "v", 2), rev,
                         &rev),
                     0);
    assert_int_equal(rev, 2); /* two writes, two revisions */
    assert_int_equal(put(f->st, "b", "same", json_pack("{}"), SLC_REV_NEW,
                         NULL),
                     0);
    assert_int_equal(slc_store_del(f->st, "things", "old", 1, &err), 0);
    assert_int_equal(slc_store_get(f->st, "things", "a", &rec, &err), 0);
    assert_int_equal(json_integer_value(json_object_get(rec.doc, "v")), 2);
    slc_record_clear(&rec);
    assert_int_equal(slc_store_get(f->st, "things", "old", &rec, &err),
                     SLC_ENOTFOUND);
    assert_int_equal(slc_store_list(f->st, "things", "same", count, names,
                                    &err),
                     0);
    assert_int_equal(json_array_size(names), 2);
    assert_string_equal(json_string_value(json_array_get(names, 0)),
                        "things/same");
    json_array_clear(names);
    assert_int_equal(slc_store_list(f->st, "things", NULL, count, names,
                                    &err),
                     0);
    assert_int_equal(json_array_size(names), 2); /* a, b; old deleted */
    json_array_clear(names);
    assert_int_equal(slc_store_put(f->st, "nsds", &linked, links, SLC_REV_NEW,
                                   NULL, &err),
                     0);
    assert_int_equal(
        slc_store_referrers(f->st, "vnfds", "v9", count, names, &err), 0);
    assert_int_equal(json_array_size(names), 1);
    json_array_clear(names);
    slc_store_rollback(f->st);
    assert_int_equal(
        slc_store_referrers(f->st, "vnfds", "v9", count, names, &err), 0);
    assert_int_equal(slc_store_list(f->st, "things", NULL, count, names,
                                    &err),
                     0);
    assert_int_equal(json_array_size(names), 1);
    assert_string_equal(json_string_value(json_array_get(names, 0)),
                        "things/keep");
    json_decref(names);
    json_decref(links);
    json_decref(linked.doc);
}

/* Ids and names with the characters a key is made of stay apart. */
static void
test_ids_and_names_with_slashes(void **state)
{
    struct fixture *f = *state;
    json_t *names = json_array();
    struct slc_record rec;
    struct slc_error err;

    assert_int_equal(put(f->st, "a/b%2F", "x/y", json_pack("{si}", "v", 1),
                         SLC_REV_NEW, NULL),
                     0);
    assert_int_equal(put(f->st, "a", "x", json_pack("{si}", "v", 2),
                         SLC_REV_NEW, NULL),
                     0);
    assert_int_equal(slc_store_get(f->st, "things", "a/b%2F", &rec, &err),
                     0);
    assert_int_equal(json_integer_value(json_object_get(rec.doc, "v")), 1);
    slc_record_clear(&rec);
    assert_int_equal(slc_store_find(f->st, "things", "x/y", &rec, &err), 0);
    assert_string_equal(rec.id, "a/b%2F");
    slc_record_clear(&rec);
    assert_int_equal(slc_store_list(f->st, "things", "x", count, names,
                                    &err),
                     0);
    assert_int_equal(json_array_size(names), 1);
    json_decref(names);
}

/* etcd: a transaction whose read another writer changed before it
 * committed writes nothing (SQLite makes the other writer wait). */
static void
test_stale_read_is_a_conflict(void **state)
{
    struct fixture *f = *state;
    struct slc_store *other;
    struct slc_record rec;
    struct slc_error err;

    if (!f->etcd) {
        skip();
    }
    assert_int_equal(put(f->st, "x", "x", json_pack("{si}", "v", 1),
                         SLC_REV_NEW, NULL),
                     0);
    assert_int_equal(slc_store_open(f->path, &other, &err), 0);
    assert_int_equal(slc_store_begin(f->st, &err), 0);
    assert_int_equal(slc_store_get(f->st, "things", "x", &rec, &err), 0);
    slc_record_clear(&rec);
    assert_int_equal(put(other, "x", "x", json_pack("{si}", "v", 2), 1,
                         NULL),
                     0);
    assert_int_equal(put(f->st, "y", "y", json_pack("{}"), SLC_REV_NEW,
                         NULL),
                     0);
    assert_int_equal(slc_store_commit(f->st, &err), SLC_ECONFLICT);
    assert_non_null(strstr(err.msg, "changed by another writer"));
    assert_int_equal(slc_store_get(f->st, "things", "y", &rec, &err),
                     SLC_ENOTFOUND);
    /* and the same again without the other writer goes through */
    assert_int_equal(slc_store_begin(f->st, &err), 0);
    assert_int_equal(slc_store_get(f->st, "things", "x", &rec, &err), 0);
    assert_int_equal(rec.rev, 2);
    slc_record_clear(&rec);
    assert_int_equal(put(f->st, "y", "y", json_pack("{}"), SLC_REV_NEW,
                         NULL),
                     0);
    assert_int_equal(slc_store_commit(f->st, &err), 0);
    slc_store_close(other);
}

/* etcd: a name found free in a transaction and taken by another writer
 * before it commits, or a referrer added meanwhile, is a conflict. */
static void
test_name_taken_meanwhile_is_a_conflict(void **state)
{
    struct fixture *f = *state;
    struct slc_record nsd = {.id = "n2", .name = "n",
                             .doc = json_pack("{}")};
    json_t *links = json_pack("[[ss]]", "vnfds", "v1");
    json_t *names = json_array();
    struct slc_store *other;
    struct slc_error err;

    if (!f->etcd) {
        json_decref(nsd.doc);
        json_decref(links);
        json_decref(names);
        skip();
    }
    assert_int_equal(slc_store_open(f->path, &other, &err), 0);
    assert_int_equal(slc_store_begin(f->st, &err), 0);
    assert_int_equal(slc_store_list(f->st, "things", "web", count, names,
                                    &err),
                     0);
    assert_int_equal(json_array_size(names), 0);
    assert_int_equal(put(other, "o1", "web", json_pack("{}"), SLC_REV_NEW,
                         NULL),
                     0);
    assert_int_equal(put(f->st, "m1", "web", json_pack("{}"), SLC_REV_NEW,
                         NULL),
                     0);
    assert_int_equal(slc_store_commit(f->st, &err), SLC_ECONFLICT);
    /* a descriptor checked unused while someone starts using it */
    assert_int_equal(slc_store_begin(f->st, &err), 0);
    assert_int_equal(
        slc_store_referrers(f->st, "vnfds", "v1", count, names, &err), 0);
    assert_int_equal(json_array_size(names), 0);
    assert_int_equal(slc_store_put(other, "nsds", &nsd, links, SLC_REV_NEW,
                                   NULL, &err),
                     0);
    assert_int_equal(put(f->st, "gone", "v1", json_pack("{}"), SLC_REV_NEW,
                         NULL),
                     0);
    assert_int_equal(slc_store_commit(f->st, &err), SLC_ECONFLICT);
    slc_store_close(other);
    json_decref(nsd.doc);
    json_decref(links);
    json_decref(names);
}

/* etcd: a transaction past max_txn_ops is refused whole, named. */
static void
test_too_big_transaction_writes_nothing(void **state)
{
    struct fixture *f = *state;
    json_t *names = json_array();
    struct slc_error err;
    char id[16];

    if (!f->etcd) {
        json_decref(names);
        skip();
    }
    assert_int_equal(slc_store_begin(f->st, &err), 0);
    for (int i = 0; i < 100; i++) {
        snprintf(id, sizeof id, "r%d", i);
        assert_int_equal(put(f->st, id, id, json_pack("{}"), SLC_REV_NEW,
                             NULL),
                         0);
    }
    assert_int_equal(slc_store_commit(f->st, &err), SLC_EINVALID);
    assert_non_null(strstr(err.msg, "more than etcd's limit of 128"));
    assert_int_equal(slc_store_list(f->st, "things", NULL, count, names,
                                    &err),
                     0);
    assert_int_equal(json_array_size(names), 0);
    json_decref(names);
}

/* etcd: a member that does not answer is passed over. */
static void
test_a_dead_member_is_passed_over(void **state)
{
    struct fixture *f = *state;
    struct slc_store *st;
    struct slc_record rec;
    struct slc_error err;
    char loc[200];

    if (!f->etcd) {
        skip();
    }
    assert_int_equal(put(f->st, "x", "x", json_pack("{}"), SLC_REV_NEW,
                         NULL),
                     0);
    snprintf(loc, sizeof loc, "etcd://127.0.0.1:1,%s", f->path + 7);
    assert_int_equal(slc_store_open(loc, &st, &err), 0);
    assert_int_equal(slc_store_get(st, "things", "x", &rec, &err), 0);
    slc_record_clear(&rec);
    assert_int_equal(put(st, "y", "y", json_pack("{}"), SLC_REV_NEW, NULL),
                     0);
    slc_store_close(st);
}

static void
count_held(void *arg)
{
    (*(int *)arg)++;
}

/* A list's visitor that writes a record of its own for each it visits. */
static int
write_for_each(const char *coll, const struct slc_record *rec, void *arg)
{
    char id[128];

    (void)coll;
    snprintf(id, sizeof id, "seen-%s", rec->id);
    return strncmp(rec->id, "seen-", 5)
               ? put(arg, id, NULL, json_pack("{si}", "v", 1), SLC_REV_ANY,
                     NULL)
               : 0;
}

/* Another handle's write: record "a" of "things" to {"v": v}. */
static int
set_a(struct slc_store *st, json_int_t v)
{
    return put(st, "a", "a", json_pack("{sI}", "v", v), SLC_REV_ANY, NULL);
}

/* Shared reads (slicerd: the requests one turn of its loop serves read one
 * snapshot): they see what was stored when the snapshot was taken until
 * it ends; this handle's writes, its transactions and a list's writing
 * visitor work while one is held and see the newest; a reader who never
 * pauses still sees others' writes soon.  etcd has none to share. */
static void
test_shared_reads(void **state)
{
    struct fixture *f = *state;
    struct slc_store *other;
    struct slc_error err;
    int held = 0, seen = 0;

    assert_int_equal(slc_store_open(f->path, &other, &err), 0);
    assert_int_equal(put(f->st, "a", "a", json_pack("{si}", "v", 1),
                         SLC_REV_NEW, NULL),
                     0);
    if (f->etcd) {
        assert_false(slc_store_share_reads(f->st, count_held, &held));
        assert_int_equal(set_a(other, 2), 0);
        assert_int_equal(read_v(f->st, "things", "a"), 2);
        assert_int_equal(held, 0);
        slc_store_close(other);
        return;
    }
    assert_true(slc_store_share_reads(f->st, count_held, &held));
    assert_int_equal(read_v(f->st, "things", "a"), 1);
    assert_int_equal(held, 1);
    /* another writer: unseen until the snapshot ends */
    assert_int_equal(set_a(other, 2), 0);
    assert_int_equal(read_v(f->st, "things", "a"), 1);
    assert_int_equal(held, 1);
    slc_store_end_reads(f->st);
    assert_int_equal(read_v(f->st, "things", "a"), 2);
    assert_int_equal(held, 2);

    /* this handle's write ends it first, and then sees the newest */
    assert_int_equal(set_a(other, 3), 0);
    assert_int_equal(read_v(f->st, "things", "a"), 2);
    assert_int_equal(put(f->st, "b", "b", json_pack("{si}", "v", 1),
                         SLC_REV_NEW, NULL),
                     0);
    assert_int_equal(read_v(f->st, "things", "a"), 3);
    assert_int_equal(read_v(f->st, "things", "b"), 1);

    /* so does a transaction */
    assert_int_equal(slc_store_begin(f->st, &err), 0);
    assert_int_equal(put(f->st, "b", "b", json_pack("{si}", "v", 2), 1,
                         NULL),
                     0);
    assert_int_equal(slc_store_commit(f->st, &err), 0);
    assert_int_equal(read_v(other, "things", "b"), 2);

    /* a visitor writing while the list reads in the snapshot */
    assert_int_equal(slc_store_list(f->st, "things", NULL, write_for_each,
                                     f->st, &err),
                     0);
    assert_int_equal(read_v(other, "things", "seen-a"), 1);
    assert_int_equal(read_v(other, "things", "seen-b"), 1);

    /* a reader who never pauses sees another's write within a bounded
     * number of reads */
    assert_int_equal(read_v(f->st, "things", "a"), 3);
    held = 0;
    assert_int_equal(set_a(other, 4), 0);
    for (int i = 0; i < 1000 && !seen; i++) {
        seen = read_v(f->st, "things", "a") == 4;
    }
    assert_true(seen);
    assert_int_equal(held, 1);

    /* no more sharing: each read is its own again */
    assert_int_equal(read_v(f->st, "things", "a"), 4);
    assert_true(slc_store_share_reads(f->st, NULL, NULL));
    assert_int_equal(set_a(other, 5), 0);
    assert_int_equal(read_v(f->st, "things", "a"), 5);
    assert_int_equal(held, 1);
    slc_store_close(other);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_put_get_and_revisions, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_get_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_checks_revision, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_links_and_referrers, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_transaction_rollback_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_undo_to_mark, setup, teardown),
        cmocka_unit_test_setup_teardown(test_get_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cached_docs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_given_docs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shared_docs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nested_transactions, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_reopen_keeps_everything_in_order,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_newer_schema_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_schema_1_is_upgraded, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_two_processes_writing_do_not_corrupt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transaction_sees_its_writes,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_ids_and_names_with_slashes,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_read_is_a_conflict, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_name_taken_meanwhile_is_a_conflict, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_too_big_transaction_writes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_dead_member_is_passed_over,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_shared_reads, setup, teardown),
    };
    return cmocka_run_group_tests_name(
        getenv("SLICER_TEST_ETCD") ? "store on etcd" : "store", tests, NULL,
        NULL);
}

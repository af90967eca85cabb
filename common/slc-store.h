/* The store: collections of JSON documents with an indexed id and name,
 * revisions for optimistic concurrency, transactions, and links between
 * documents (who references whom), behind a narrow backend interface.
 *
 * Backends: "sqlite" (one file in WAL mode, the default) and "etcd"
 * (etcd://HOST:PORT[,...]/PREFIX, store-etcd.c).  The interface is
 * small on purpose so that a key-value backend can implement it:
 * documents are opaque JSON, queries are by id, by name, by collection and
 * by link target.
 *
 * Revisions: every write returns the record's new revision (1 on create).
 * A write names the revision it expects:
 *   SLC_REV_NEW  the record must not exist (SLC_EEXISTS otherwise);
 *   SLC_REV_ANY  create or overwrite, whatever is there;
 *   n > 0        the record must be at revision n (SLC_ECONFLICT if it moved
 *                on, SLC_ENOTFOUND if it is gone). */
#ifndef SLC_STORE_H
#define SLC_STORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "slc-error.h"

#define SLC_REV_NEW 0
/* What an optimistic backend's commit says when another writer got there
 * first (slc_store_raced). */
#define SLC_STORE_RACED_TEXT "were changed by another writer"
#define SLC_REV_ANY (-1)

struct slc_record {
    char *id;     /* unique in its collection (a UUID for most records) */
    char *name;   /* indexed, not unique (a descriptor id, an NS name) */
    int64_t rev;  /* revision, >= 1 once stored */
    json_t *doc;  /* the document; owned by the record */
    int64_t pos;  /* its place in creation order, set by list and
                     referrers (> 0, increasing; the backend's own) */
    bool reread;  /* to slc_store_put: the writer will read it back soon
                     (the store may keep a copy of the tree for that
                     reader, slc-doc-cache.h) */
    bool give;    /* with reread: the store may keep 'doc' itself instead
                     of a copy, and hand it to that reader; the writer
                     promises not to change it after the put, nor to read
                     it once that reader may have it */
};

/* Frees what a record owns and zeroes it.  Accepts NULL. */
void slc_record_clear(struct slc_record *rec);

/* A record as its stored text, for replies that pass a document through
 * unchanged: parsing and re-serialising it is most of the cost of a read. */
struct slc_record_text {
    char *id;
    char *name;
    int64_t rev;
    char *text;   /* the document as compact JSON, NUL-terminated */
    size_t len;
    json_t *readers; /* the projects that may read it (its
                        _admin.projects_read), parsed; NULL when absent */
    int64_t pos;  /* its place in creation order (list_after_text) */
};

/* Called once per record by list_after_text, as list's visitor. */
typedef int (*slc_store_text_fn)(const char *coll,
                                 const struct slc_record_text *rt,
                                 void *arg);

/* Frees what a record text owns and zeroes it.  Accepts NULL. */
void slc_record_text_clear(struct slc_record_text *rt);

/* Called once per record by list and referrers; 'coll' is the record's
 * collection.  The record is borrowed for the call.  Returning non-zero
 * stops the walk and becomes the walk's return value. */
typedef int (*slc_store_visit_fn)(const char *coll,
                                  const struct slc_record *rec, void *arg);

struct slc_store;
struct slc_doc_cache;

#define SLC_STORE_CLASS_VERSION 1

/* A backend.  Every operation returns 0 or an SLC_E* code with a message
 * in 'err'; none may be NULL.  A single operation outside begin/commit is
 * atomic on its own. */
struct slc_store_class {
    unsigned version; /* SLC_STORE_CLASS_VERSION */
    const char *type; /* "sqlite" */

    /* Opens (creating if needed, with its schema) the store at 'location'
     * and returns it in '*out'. */
    int (*open)(const char *location, struct slc_store **out,
                struct slc_error *err);
    /* Closes the store; rolls back an open transaction. */
    void (*close)(struct slc_store *st);

    /* Starts a write transaction; SLC_EBUSY if one is already open on this
     * handle.  May wait for other writers (other processes: SQLite), or
     * take no lock and check at commit instead (etcd). */
    int (*begin)(struct slc_store *st, struct slc_error *err);
    /* Writes the transaction whole or not at all.  SLC_ECONFLICT when
     * another writer changed what it read (optimistic backends). */
    int (*commit)(struct slc_store *st, struct slc_error *err);
    /* Abandons the transaction; harmless when none is open. */
    void (*rollback)(struct slc_store *st);

    /* Reads record 'id' into 'out' (caller clears it). */
    int (*get)(struct slc_store *st, const char *coll, const char *id,
               struct slc_record *out, struct slc_error *err);
    /* Writes 'rec' (id, name, doc; rev ignored) expecting 'expected_rev'
     * (both checked by the front end: an id, a document, a revision of
     * SLC_REV_ANY or more);
     * 'links' is an array of [collection, name] pairs this record
     * references, replacing the previous ones; NULL keeps them.  The new revision
     * goes to '*new_rev' (may be NULL). */
    int (*put)(struct slc_store *st, const char *coll,
               const struct slc_record *rec, const json_t *links,
               int64_t expected_rev, int64_t *new_rev,
               struct slc_error *err);
    /* Optional.  Reads record 'id' as text into 'out' (caller clears it),
     * with its readers parsed (a reply checks them before it passes the
     * text on).  Without it the store serialises what get() returns. */
    int (*get_text)(struct slc_store *st, const char *coll, const char *id,
                    struct slc_record_text *out, struct slc_error *err);
    /* Deletes record 'id' (and its links) expecting 'expected_rev'. */
    int (*del)(struct slc_store *st, const char *coll, const char *id,
               int64_t expected_rev, struct slc_error *err);
    /* Visits the records of 'coll' in creation order, only those named
     * 'name' when it is not NULL. */
    int (*list)(struct slc_store *st, const char *coll, const char *name,
                slc_store_visit_fn visit, void *arg, struct slc_error *err);
    /* Visits the records that link to (to_coll, to_name). */
    int (*referrers)(struct slc_store *st, const char *to_coll,
                     const char *to_name, slc_store_visit_fn visit,
                     void *arg, struct slc_error *err);
    /* Optional.  Visits the records of 'coll' after position 'after' (a
     * record's pos; 0: from the first), in creation order, reading no
     * more than the visitor takes (it returns non-zero to stop).
     * Without it the store lists them all and skips. */
    int (*list_after)(struct slc_store *st, const char *coll, int64_t after,
                      slc_store_visit_fn visit, void *arg,
                      struct slc_error *err);
    /* Optional.  Whether what the open transaction read is still what is
     * stored: SLC_ECONFLICT (raced, as slc_store_raced() says) when
     * another writer changed it since.  Writes nothing.  Without it (a
     * backend that locks): always 0. */
    int (*check)(struct slc_store *st, struct slc_error *err);
    /* Optional.  As list_after, each record as get_text() gives it, for
     * replies that pass documents through unchanged. */
    int (*list_after_text)(struct slc_store *st, const char *coll,
                           int64_t after, slc_store_text_fn visit,
                           void *arg, struct slc_error *err);
    /* Optional.  Marks the open transaction (one mark at a time);
     * undo_to_mark() then undoes what was written since the mark, and
     * only that, and drops the mark.  Without them: SLC_EUNSUPPORTED. */
    int (*mark)(struct slc_store *st, struct slc_error *err);
    void (*undo_to_mark)(struct slc_store *st);
    /* Optional.  The revision of record 'id' (SLC_ENOTFOUND when there is
     * none), read as get() reads it, without its document.  Only for a
     * backend whose transactions need no record of what they read (one
     * that locks).  Without it, slc_store_get_kept() reads the record. */
    int (*rev)(struct slc_store *st, const char *coll, const char *id,
               int64_t *rev, struct slc_error *err);
    /* Optional, both or neither.  share_reads() lets the reads made
     * outside a transaction share one snapshot of the store until
     * end_reads(); 'held' (with 'arg') is called each time one is taken,
     * so that the caller ends it soon.  Writes end it first themselves. */
    void (*share_reads)(struct slc_store *st, void (*held)(void *arg),
                        void *arg);
    void (*end_reads)(struct slc_store *st);
};

/* Every store handle starts with this (zeroed by the backend's open). */
struct slc_store {
    const struct slc_store_class *class;
    unsigned depth; /* open begin() calls; only the outermost reaches the
                       backend */
    bool doomed;    /* an inner transaction rolled back */
    bool marked;    /* slc_store_mark() holds a mark */
    bool doomed_at_mark; /* 'doomed' when it was taken */
    double began;   /* when the outermost begin() was (metrics) */
    struct slc_doc_cache *docs; /* slc_store_cache_docs(); NULL: none.
                                   Backends parse through it. */
    bool share_doc; /* during slc_store_get_shared() */
};

/* The SQLite backend. */
extern const struct slc_store_class slc_store_sqlite_class;
/* The etcd backend (store-etcd.c): several slicerd on one etcd cluster. */
extern const struct slc_store_class slc_store_etcd_class;
/* Its layout, for those who watch its keys: the key prefix of the
 * records of 'coll' under store prefix 'prefix' ("/PREFIX"), and the
 * record id a record key ends with; new strings, NULL when out of
 * memory. */
char *slc_store_etcd_coll_key(const char *prefix, const char *coll);
char *slc_store_etcd_key_id(const char *key);

/* Lets reads made outside a transaction share one snapshot until
 * slc_store_end_reads(), for a caller that reads in bursts (slicerd: the
 * requests one turn of its loop serves).  SQLite takes one read
 * transaction for a burst instead of one per read, and each costs two
 * system calls (its lock and unlock).  'held' is called whenever a
 * snapshot is taken; the caller should end it once the burst is over, as
 * another process's writes stay unseen until then (this process's own
 * writes end it first).  Returns false, and changes nothing, for a backend
 * without snapshots to share (etcd). */
bool slc_store_share_reads(struct slc_store *st, void (*held)(void *arg),
                           void *arg);
void slc_store_end_reads(struct slc_store *st);

/* Opens a store from a location: "sqlite:PATH" or a plain PATH (SQLite),
 * "etcd://HOST:PORT[,HOST:PORT...]/PREFIX" (etcd).
 * Unknown schemes are SLC_EUNSUPPORTED naming the scheme. */
int slc_store_open(const char *location, struct slc_store **out,
                   struct slc_error *err);

/* Whether the open transaction's reads are still current (0), or
 * another writer changed them (SLC_ECONFLICT, raced): an error found on
 * stale reads is no error, and the work should run again on what is
 * stored now.  Call it before the rollback. */
int slc_store_check(struct slc_store *st, struct slc_error *err);

/* Whether 'err' (SLC_ECONFLICT) says an optimistic commit met another
 * writer (etcd): nothing was written, and doing the same again on what is
 * stored now may well succeed.  A stale revision a client named is not
 * that. */
bool slc_store_raced(const struct slc_error *err);

/* Whether work that failed with 'err' met another writer and should run
 * again on what is stored now (nothing it did was written): its commit
 * raced (slc_store_raced), or, its transaction still open, what it read
 * has changed since (slc_store_check: an error found on stale reads is no
 * error).  'err' then says which.  Call it before the rollback. */
bool slc_store_again(struct slc_store *st, struct slc_error *err);

/* For a store an older slicer wrote: writes again, with its links, each
 * record of 'coll' that 'needs' says lacks them (its document borrowed).
 * 'relink' gives the links (a new array) and marks the document (taken
 * for the write) so that 'needs' is false for it from then on. */
int slc_store_relink(struct slc_store *st, const char *coll,
                     bool (*needs)(const json_t *doc),
                     json_t *(*relink)(json_t *doc), struct slc_error *err);

/* Closes 'st'.  Accepts NULL. */
void slc_store_close(struct slc_store *st);

/* Transactions nest: a begin() inside an open transaction joins it, and
 * only the outermost commit() writes.  An inner rollback() cannot undo
 * the inner part alone, so it dooms the whole: the outermost commit()
 * then rolls back and fails with SLC_ECONFLICT.  This lets a function
 * that is one transaction on its own (creating an NS) be part of a larger
 * one (creating a slice of NSs). */
/* Keeps the parsed documents of collections 'colls' (NULL-terminated)
 * that are read again with the same text (slc-doc-cache.h): for records
 * read on every operation and seldom written (descriptors, accounts).
 * Replaces an earlier list.  Backends that do not parse through it
 * ignore it. */
int slc_store_cache_docs(struct slc_store *st, const char *const *colls,
                         struct slc_error *err);
int slc_store_begin(struct slc_store *st, struct slc_error *err);
int slc_store_commit(struct slc_store *st, struct slc_error *err);
void slc_store_rollback(struct slc_store *st);
int slc_store_get(struct slc_store *st, const char *coll, const char *id,
                  struct slc_record *out, struct slc_error *err);
/* As slc_store_get, for a caller that only reads the document: a
 * read-mostly record's (slc_store_cache_docs) may be the tree the cache
 * keeps, shared instead of copied.  The caller must not change out->doc
 * (json_deep_copy it to); slc_record_clear() as usual. */
int slc_store_get_shared(struct slc_store *st, const char *coll,
                         const char *id, struct slc_record *out,
                         struct slc_error *err);
/* As slc_store_get, for a record the caller wrote before and kept
 * ('kept': its id, the revision the write gave and the document written,
 * held by nobody else): when the store still holds that revision, 'kept'
 * moves to 'out' without being read again.  'kept' is cleared either
 * way. */
int slc_store_get_kept(struct slc_store *st, const char *coll,
                       const char *id, struct slc_record *kept,
                       struct slc_record *out, struct slc_error *err);
int slc_store_get_text(struct slc_store *st, const char *coll,
                       const char *id, struct slc_record_text *out,
                       struct slc_error *err);
int slc_store_put(struct slc_store *st, const char *coll,
                  const struct slc_record *rec, const json_t *links,
                  int64_t expected_rev, int64_t *new_rev,
                  struct slc_error *err);
int slc_store_del(struct slc_store *st, const char *coll, const char *id,
                  int64_t expected_rev, struct slc_error *err);
int slc_store_list(struct slc_store *st, const char *coll, const char *name,
                   slc_store_visit_fn visit, void *arg,
                   struct slc_error *err);
int slc_store_referrers(struct slc_store *st, const char *to_coll,
                        const char *to_name, slc_store_visit_fn visit,
                        void *arg, struct slc_error *err);
/* A try inside a transaction: slc_store_mark() marks the open
 * transaction, and slc_store_undo_to_mark() undoes everything written
 * since (inner transactions that failed included), keeping what came
 * before.  One mark at a time.  SLC_EINVALID outside a transaction or
 * with a mark held, SLC_EUNSUPPORTED from a backend without marks: the
 * caller then tries in a transaction of its own.  SQLite: a savepoint;
 * etcd: a copy of the transaction's writes (what was first read after
 * the mark is no longer compared at commit). */
int slc_store_mark(struct slc_store *st, struct slc_error *err);
void slc_store_undo_to_mark(struct slc_store *st);
/* Visits the records of 'coll' created after the one at position 'after'
 * (0: all), in creation order, until the visitor returns non-zero: a
 * page of a long list, started where the last one ended even when that
 * record went meanwhile. */
int slc_store_list_after(struct slc_store *st, const char *coll,
                         int64_t after, slc_store_visit_fn visit, void *arg,
                         struct slc_error *err);
/* The same, each record as text with its readers parsed (as
 * slc_store_get_text gives it); SLC_EUNSUPPORTED when the backend cannot
 * (the caller lists documents instead). */
int slc_store_list_after_text(struct slc_store *st, const char *coll,
                              int64_t after, slc_store_text_fn visit,
                              void *arg, struct slc_error *err);

/* Which records a request may name, as OSM shares them between projects:
 * a record's _admin.projects_read lists the projects that may read it
 * ("ANY": every one).  A scope is the project a request acts for; 'all'
 * (a system admin) reads every project's records but prefers its own
 * project's when a name is in several.  A NULL scope, or one without a
 * project, is the daemon itself: it reads everything.  Names are unique
 * within a project, not across projects. */
struct slc_scope {
    const char *project;      /* a project's _id, or NULL */
    bool all;
};

/* The scope a stored record lives in: the first project (not "ANY") that
 * reads 'doc' (borrowed from it), seeing only that project's records and
 * those shared with it.  No project (everything) when it names none. */
struct slc_scope slc_scope_of(const json_t *doc);
/* Whether a project list (a record's _admin.projects_read or
 * projects_write) admits scope 'sc'. */
bool slc_scope_in(const struct slc_scope *sc, const json_t *list);
/* Whether scope 'sc' may read record document 'doc'. */
bool slc_scope_reads(const struct slc_scope *sc, const json_t *doc);
/* Whether 'doc' is at home in the scope's project: its projects_read
 * names that project itself (not only "ANY").  False without a project. */
bool slc_scope_home(const struct slc_scope *sc, const json_t *doc);

/* Reads the record of 'coll' that 'key' names for scope 'sc': the one
 * whose _id it is, or among those named 'key', the first at home in the
 * scope's project, else the first the scope reads.  A record the scope
 * may not read is SLC_ENOTFOUND, as if it did not exist ('err' names
 * 'coll' and 'key'). */
int slc_store_find_in(struct slc_store *st, const char *coll,
                      const char *key, const struct slc_scope *sc,
                      struct slc_record *out, struct slc_error *err);
/* As slc_store_find_in, for a caller that only reads the document (as
 * slc_store_get_shared). */
int slc_store_find_in_shared(struct slc_store *st, const char *coll,
                             const char *key, const struct slc_scope *sc,
                             struct slc_record *out, struct slc_error *err);
/* Reads the record of 'coll' named 'name' that is at home in the scope's
 * project (a name taken there), or SLC_ENOTFOUND.  Without a project in
 * the scope, any record of that name. */
int slc_store_find_home(struct slc_store *st, const char *coll,
                        const char *name, const struct slc_scope *sc,
                        struct slc_record *out, struct slc_error *err);

/* Reads the first record (in creation order) of 'coll' named 'name'. */
int slc_store_find(struct slc_store *st, const char *coll, const char *name,
                   struct slc_record *out, struct slc_error *err);

#endif

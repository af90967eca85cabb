/* SQLite store backend: one database file in WAL mode.
 *
 * Schema (version 3, in PRAGMA user_version):
 *   records(coll, id, name, rev, doc, seq, projects)
 *                                           primary key (coll, id),
 *                                           index (coll, name), (coll, seq),
 *                                           (seq)
 *   links(from_coll, from_id, to_coll, to_name)  index (to_coll, to_name)
 * Version 2 adds the index on seq alone: a new record's seq is MAX(seq) + 1
 * over all collections, which without it is a scan of the whole table.
 * Version 3 adds 'projects', the document's _admin.projects_read as JSON
 * (NULL when it has none), written with the document: a GET checks it
 * before it answers with the stored text, and SQLite's "doc -> path"
 * parsed the whole document for it (half of a GET's instructions).
 * Statements are prepared once and kept (they are most of the cost of a
 * read otherwise).
 * Reads outside a transaction are each a read transaction of their own
 * (a lock and an unlock of the WAL index: two system calls), unless the
 * caller shares them (share_reads): they then read one snapshot, taken at
 * the first and ended by the caller or by this handle's next write.
 * Writers take the database lock up front (BEGIN IMMEDIATE) and wait up to
 * a busy timeout for other processes, so concurrent writers serialise
 * instead of failing half-way.  Revisions are checked in the same statement
 * that writes, so a stale write can never overwrite a newer one. */
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slc-doc-cache.h"
#include "slc-json.h"
#include "slc-log.h"
#include "slc-store.h"

SLC_LOG_MODULE(store);

#define SCHEMA_VERSION 3
#define BUSY_TIMEOUT_MS 10000
#define MAX_CACHED 32
/* Reads in one shared snapshot before it is taken afresh, so that a
 * caller who keeps reading without a pause still sees other processes'
 * writes soon. */
#define MAX_SHARED_READS 64

/* A prepared statement kept for reuse, keyed by its SQL text's address
 * (every statement here is a string literal).  'busy' while a caller holds
 * it: a nested use (a list's visitor reading the store) prepares its own. */
struct cached_stmt {
    const char *sql;
    sqlite3_stmt *stmt;
    bool busy;
};

struct sqlite_store {
    struct slc_store up; /* must be first */
    sqlite3 *db;
    char *path;
    bool in_txn;
    struct cached_stmt cache[MAX_CACHED];
    size_t n_cached;
    /* share_reads(): whom to tell when a snapshot is taken, whether one
     * is held (an open read transaction), and how many reads it served */
    void (*held)(void *arg);
    void *held_arg;
    bool reading;
    unsigned reads;
};

static const char *const schema_v1[] = {
    "CREATE TABLE records ("
    " coll TEXT NOT NULL, id TEXT NOT NULL, name TEXT,"
    " rev INTEGER NOT NULL, doc TEXT NOT NULL,"
    " seq INTEGER NOT NULL,"
    " PRIMARY KEY (coll, id))",
    "CREATE INDEX records_name ON records (coll, name, seq)",
    "CREATE INDEX records_seq ON records (coll, seq)",
    "CREATE TABLE links ("
    " from_coll TEXT NOT NULL, from_id TEXT NOT NULL,"
    " to_coll TEXT NOT NULL, to_name TEXT NOT NULL,"
    " PRIMARY KEY (from_coll, from_id, to_coll, to_name))",
    "CREATE INDEX links_to ON links (to_coll, to_name)",
    "PRAGMA user_version = 1",
};

static const char *const schema_v2[] = {
    "CREATE INDEX records_seq_all ON records (seq)",
    "PRAGMA user_version = 2",
};

static const char *const schema_v3[] = {
    "ALTER TABLE records ADD COLUMN projects TEXT",
    "UPDATE records SET projects = doc -> '$._admin.projects_read'",
    "PRAGMA user_version = 3",
};

/* The statements that bring a store to each version, in order: the
 * statements at index k make version k + 1. */
static const struct {
    const char *const *sql;
    size_t n;
} schema_steps[] = {
#define STEP(a) {a, sizeof a / sizeof a[0]}
    STEP(schema_v1),
    STEP(schema_v2),
    STEP(schema_v3),
#undef STEP
};

static struct sqlite_store *
sqlite_store_cast(struct slc_store *st)
{
    return (struct sqlite_store *)st;
}

static int
db_error(struct sqlite_store *s, struct slc_error *err, const char *what)
{
    int ec = sqlite3_errcode(s->db);
    int code = ec == SQLITE_BUSY || ec == SQLITE_LOCKED ? SLC_EBUSY
               : ec == SQLITE_NOMEM                     ? SLC_ENOMEM
                                                        : SLC_EIO;

    return slc_error_set(err, code, "store '%s': %s: %s", s->path, what,
                         sqlite3_errmsg(s->db));
}

static int
exec_sql(struct sqlite_store *s, const char *sql, struct slc_error *err)
{
    if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
        return db_error(s, err, sql);
    }
    return 0;
}

/* Prepares 'sql' (or takes it from the cache) and binds the
 * NULL-terminated text arguments in order.  Give it back with done(). */
static int
prepare(struct sqlite_store *s, const char *sql, sqlite3_stmt **stmt,
        struct slc_error *err, ...)
{
    struct cached_stmt *c = NULL;
    va_list ap;
    int i = 1;

    for (size_t k = 0; k < s->n_cached && !c; k++) {
        if (s->cache[k].sql == sql) {
            c = &s->cache[k];
        }
    }
    if (c && !c->busy) {
        *stmt = c->stmt;
        c->busy = true;
    } else if (!c && s->n_cached < MAX_CACHED) {
        if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
                               stmt, NULL) != SQLITE_OK) {
            return db_error(s, err, "prepare");
        }
        s->cache[s->n_cached++] = (struct cached_stmt){
            .sql = sql, .stmt = *stmt, .busy = true};
    } else if (sqlite3_prepare_v2(s->db, sql, -1, stmt, NULL) != SQLITE_OK) {
        return db_error(s, err, "prepare");
    }
    va_start(ap, err);
    for (const char *arg; (arg = va_arg(ap, const char *)); i++) {
        sqlite3_bind_text(*stmt, i, arg, -1, SQLITE_STATIC);
    }
    va_end(ap);
    return 0;
}

/* Gives back a statement from prepare(): resets a cached one, finalizes
 * any other. */
static void
done(struct sqlite_store *s, sqlite3_stmt *stmt)
{
    for (size_t k = 0; k < s->n_cached; k++) {
        if (s->cache[k].stmt == stmt) {
            sqlite3_reset(stmt);
            sqlite3_clear_bindings(stmt);
            s->cache[k].busy = false;
            return;
        }
    }
    sqlite3_finalize(stmt);
}

/* Runs one statement that returns no rows, prepared once: for the
 * transaction statements every write runs. */
static int
step_sql(struct sqlite_store *s, const char *sql, struct slc_error *err)
{
    sqlite3_stmt *stmt;
    int rc = prepare(s, sql, &stmt, err, NULL);

    if (!rc) {
        rc = sqlite3_step(stmt) == SQLITE_DONE ? 0 : db_error(s, err, sql);
        done(s, stmt);
    }
    return rc;
}

/* Ends the shared snapshot, if one is held. */
static void
end_snapshot(struct sqlite_store *s)
{
    if (s->reading) {
        s->reading = false;
        if (step_sql(s, "COMMIT", NULL)) {
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        }
    }
}

/* Before a read outside a transaction, when reads are shared: in the
 * snapshot held, or a new one.  Without one (BEGIN failed) the read is a
 * transaction of its own, as when reads are not shared. */
static void
read_snapshot(struct sqlite_store *s)
{
    if (!s->held) {
        return;
    }
    if (s->reading) {
        if (++s->reads < MAX_SHARED_READS) {
            return;
        }
        end_snapshot(s);
    }
    if (!sqlite3_get_autocommit(s->db) || step_sql(s, "BEGIN", NULL)) {
        return; /* inside a write, or no snapshot: read on */
    }
    s->reading = true;
    s->reads = 0;
    s->held(s->held_arg);
}

static void
sqlite_share_reads(struct slc_store *st, void (*held)(void *arg), void *arg)
{
    struct sqlite_store *s = sqlite_store_cast(st);

    end_snapshot(s);
    s->held = held;
    s->held_arg = arg;
}

static void
sqlite_end_reads(struct slc_store *st)
{
    end_snapshot(sqlite_store_cast(st));
}

static int
create_schema(struct sqlite_store *s, struct slc_error *err)
{
    int version = -1, rc;
    sqlite3_stmt *stmt;

    if ((rc = exec_sql(s, "BEGIN IMMEDIATE", err))) {
        return rc;
    }
    if ((rc = prepare(s, "PRAGMA user_version", &stmt, err, NULL))) {
        goto out;
    }
    if (sqlite3_step(stmt) == SQLITE_ROW) {
        version = sqlite3_column_int(stmt, 0);
    }
    done(s, stmt);
    if (version > SCHEMA_VERSION) {
        rc = slc_error_set(err, SLC_EUNSUPPORTED,
                           "store '%s': schema version %d is newer than "
                           "this slicer understands (%d)",
                           s->path, version, SCHEMA_VERSION);
        goto out;
    }
    if (version <= 0) {
        SLC_INFO("store '%s': creating schema version %d", s->path,
                 SCHEMA_VERSION);
    } else if (version < SCHEMA_VERSION) {
        SLC_INFO("store '%s': upgrading schema %d to %d", s->path, version,
                 SCHEMA_VERSION);
    }
    for (int v = version < 0 ? 0 : version; v < SCHEMA_VERSION; v++) {
        for (size_t i = 0; i < schema_steps[v].n; i++) {
            if ((rc = exec_sql(s, schema_steps[v].sql[i], err))) {
                goto out;
            }
        }
    }
    return exec_sql(s, "COMMIT", err);
out:
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

static void sqlite_close(struct slc_store *st);

static int
sqlite_open(const char *location, struct slc_store **out,
            struct slc_error *err)
{
    struct sqlite_store *s = calloc(1, sizeof *s);
    int rc;

    if (!s || !(s->path = strdup(location))) {
        free(s);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    s->up.class = &slc_store_sqlite_class;
    if (sqlite3_open_v2(location, &s->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                            SQLITE_OPEN_NOMUTEX,
                        NULL) != SQLITE_OK) {
        rc = s->db ? db_error(s, err, "open")
                   : slc_error_set(err, SLC_ENOMEM, "out of memory");
        sqlite_close(&s->up);
        return rc;
    }
    sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
    /* The write-ahead log may hold 10,000 pages (40 MB) before a commit
     * copies them into the database (SQLite's default is 1,000, 4 MB).
     * Each checkpoint writes the newest version of every page in the log
     * and syncs, in the commit that crossed the mark; operations rewrite
     * the same pages over and over, so a longer log folds more of those
     * rewrites into one copy: 1,000 concurrent slices wrote 14% fewer
     * bytes to disk and went 5% faster (bench-slice, vmstat).  What a
     * savepoint must be able to undo stays in memory: a slice request's
     * transaction outgrew SQLite's 64 KB and spilled it into a file made
     * and unlinked in /var/tmp. */
    if ((rc = exec_sql(s, "PRAGMA journal_mode = WAL", err)) ||
        (rc = exec_sql(s, "PRAGMA synchronous = NORMAL", err)) ||
        (rc = exec_sql(s, "PRAGMA wal_autocheckpoint = 10000", err)) ||
        (rc = exec_sql(s, "PRAGMA temp_store = MEMORY", err)) ||
        (rc = exec_sql(s, "PRAGMA foreign_keys = ON", err)) ||
        (rc = create_schema(s, err))) {
        sqlite_close(&s->up);
        return rc;
    }
    *out = &s->up;
    return 0;
}

static void
sqlite_close(struct slc_store *st)
{
    struct sqlite_store *s = sqlite_store_cast(st);

    end_snapshot(s); /* none without a database */
    for (size_t k = 0; k < s->n_cached; k++) {
        sqlite3_finalize(s->cache[k].stmt);
    }
    if (s->db) {
        if (s->in_txn) {
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        }
        sqlite3_close_v2(s->db);
    }
    free(s->path);
    free(s);
}

static int
sqlite_begin(struct slc_store *st, struct slc_error *err)
{
    struct sqlite_store *s = sqlite_store_cast(st);
    int rc;

    if (s->in_txn) {
        return slc_error_set(err, SLC_EBUSY,
                             "store '%s': a transaction is already open",
                             s->path);
    }
    end_snapshot(s);
    if ((rc = step_sql(s, "BEGIN IMMEDIATE", err))) {
        return rc;
    }
    s->in_txn = true;
    return 0;
}

static int
sqlite_commit(struct slc_store *st, struct slc_error *err)
{
    struct sqlite_store *s = sqlite_store_cast(st);
    int rc;

    if (!s->in_txn) {
        return slc_error_set(err, SLC_EINVALID,
                             "store '%s': commit without a transaction",
                             s->path);
    }
    rc = step_sql(s, "COMMIT", err);
    if (rc) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    }
    s->in_txn = false;
    return rc;
}

static void
sqlite_rollback(struct slc_store *st)
{
    struct sqlite_store *s = sqlite_store_cast(st);

    if (s->in_txn) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        s->in_txn = false;
    }
}

/* Fills 'rec' from a row of (id, name, rev, doc) of collection 'coll'
 * starting at column 'c'. */
static int
row_to_record(struct sqlite_store *s, sqlite3_stmt *stmt, const char *coll,
              int c, struct slc_record *rec, struct slc_error *err)
{
    const char *name = (const char *)sqlite3_column_text(stmt, c + 1);
    const char *text = (const char *)sqlite3_column_text(stmt, c + 3);
    size_t len = (size_t)sqlite3_column_bytes(stmt, c + 3);
    json_error_t jerr;

    memset(rec, 0, sizeof *rec);
    rec->id = strdup((const char *)sqlite3_column_text(stmt, c));
    rec->name = name ? strdup(name) : NULL;
    rec->rev = sqlite3_column_int64(stmt, c + 2);
    if (rec->id) {
        rec->doc = slc_doc_cache_load(s->up.docs, coll, rec->id,
                                      text ? text : "", text ? len : 0,
                                      s->up.share_doc, &jerr);
    }
    if (!rec->id || (name && !rec->name)) {
        slc_record_clear(rec);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    if (!rec->doc) {
        int rc = slc_error_set(err, SLC_EIO,
                               "store '%s': record '%s' holds bad JSON: %s",
                               s->path, rec->id, jerr.text);
        slc_record_clear(rec);
        return rc;
    }
    return 0;
}

static int
sqlite_get(struct slc_store *st, const char *coll, const char *id,
           struct slc_record *out, struct slc_error *err)
{
    struct sqlite_store *s = sqlite_store_cast(st);
    sqlite3_stmt *stmt;
    int rc, step;

    memset(out, 0, sizeof *out);
    read_snapshot(s);
    rc = prepare(s,
                 "SELECT id, name, rev, doc FROM records"
                 " WHERE coll = ?1 AND id = ?2",
                 &stmt, err, coll, id, NULL);
    if (rc) {
        return rc;
    }
    step = sqlite3_step(stmt);
    if (step == SQLITE_ROW) {
        rc = row_to_record(s, stmt, coll, 0, out, err);
    } else if (step == SQLITE_DONE) {
        rc = slc_error_set(err, SLC_ENOTFOUND, "%s '%s' not found", coll,
                           id);
    } else {
        rc = db_error(s, err, "get");
    }
    done(s, stmt);
    return rc;
}

static int
sqlite_get_text(struct slc_store *st, const char *coll, const char *id,
                struct slc_record_text *out, struct slc_error *err)
{
    struct sqlite_store *s = sqlite_store_cast(st);
    sqlite3_stmt *stmt;
    int rc, step;

    memset(out, 0, sizeof *out);
    read_snapshot(s);
    rc = prepare(s,
                 "SELECT id, name, rev, doc, projects"
                 " FROM records WHERE coll = ?1 AND id = ?2",
                 &stmt, err, coll, id, NULL);
    if (rc) {
        return rc;
    }
    step = sqlite3_step(stmt);
    if (step == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(stmt, 1);
        const char *readers = (const char *)sqlite3_column_text(stmt, 4);
        const char *text = (const char *)sqlite3_column_text(stmt, 3);

        out->id = strdup(id);
        out->name = name ? strdup(name) : NULL;
        out->rev = sqlite3_column_int64(stmt, 2);
        out->len = (size_t)sqlite3_column_bytes(stmt, 3);
        out->text = text ? strndup(text, out->len) : NULL;
        out->readers = readers ? json_loads(readers, JSON_DECODE_ANY, NULL)
                               : NULL;
        if (!out->id || (name && !out->name) || !out->text ||
            (readers && !out->readers)) {
            slc_record_text_clear(out);
            rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
        }
    } else if (step == SQLITE_DONE) {
        rc = slc_error_set(err, SLC_ENOTFOUND, "%s '%s' not found", coll,
                           id);
    } else {
        rc = db_error(s, err, "get");
    }
    done(s, stmt);
    return rc;
}

/* Runs a statement that returns no rows; stores sqlite3_changes(). */
static int
run(struct sqlite_store *s, sqlite3_stmt *stmt, int *changes,
    struct slc_error *err, const char *what)
{
    int step = sqlite3_step(stmt);
    int rc = step == SQLITE_DONE ? 0 : db_error(s, err, what);

    if (!rc && changes) {
        *changes = sqlite3_changes(s->db);
    }
    done(s, stmt);
    return rc;
}

/* Reads the current revision of a record; 0 when absent. */
static int
current_rev(struct sqlite_store *s, const char *coll, const char *id,
            int64_t *rev, struct slc_error *err)
{
    sqlite3_stmt *stmt;
    int rc, step;

    rc = prepare(s, "SELECT rev FROM records WHERE coll = ?1 AND id = ?2",
                 &stmt, err, coll, id, NULL);
    if (rc) {
        return rc;
    }
    step = sqlite3_step(stmt);
    *rev = step == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
    done(s, stmt);
    return step == SQLITE_ROW || step == SQLITE_DONE
               ? 0
               : db_error(s, err, "read revision");
}

static int
sqlite_rev(struct slc_store *st, const char *coll, const char *id,
           int64_t *rev, struct slc_error *err)
{
    struct sqlite_store *s = sqlite_store_cast(st);
    int rc;

    read_snapshot(s);
    rc = current_rev(s, coll, id, rev, err);
    if (!rc && !*rev) {
        rc = slc_error_set(err, SLC_ENOTFOUND, "%s '%s' not found", coll,
                           id);
    }
    return rc;
}

static int
revision_error(struct sqlite_store *s, const char *coll, const char *id,
               int64_t expected_rev, struct slc_error *err)
{
    int64_t rev;
    int rc = current_rev(s, coll, id, &rev, err);

    if (rc) {
        return rc;
    }
    if (!rev) {
        return slc_error_set(err, SLC_ENOTFOUND, "%s '%s' not found", coll,
                             id);
    }
    if (expected_rev == SLC_REV_NEW) {
        return slc_error_set(err, SLC_EEXISTS, "%s '%s' already exists",
                             coll, id);
    }
    return slc_error_set(err, SLC_ECONFLICT,
                         "%s '%s' was modified concurrently (revision %lld, "
                         "expected %lld)",
                         coll, id, (long long)rev, (long long)expected_rev);
}

static int
write_links(struct sqlite_store *s, const char *coll, const char *id,
            const json_t *links, struct slc_error *err)
{
    sqlite3_stmt *stmt;
    size_t i;
    json_t *link;
    int rc;

    rc = prepare(s, "DELETE FROM links WHERE from_coll = ?1 AND from_id = ?2",
                 &stmt, err, coll, id, NULL);
    if (rc || (rc = run(s, stmt, NULL, err, "delete links"))) {
        return rc;
    }
    json_array_foreach(links, i, link)
    {
        const char *to_coll = json_string_value(json_array_get(link, 0));
        const char *to_name = json_string_value(json_array_get(link, 1));

        if (!to_coll || !to_name) {
            return slc_error_set(err, SLC_EINVALID,
                                 "%s '%s': link %zu is not a "
                                 "[collection, name] pair",
                                 coll, id, i);
        }
        rc = prepare(s,
                     "INSERT OR IGNORE INTO links VALUES (?1, ?2, ?3, ?4)",
                     &stmt, err, coll, id, to_coll, to_name, NULL);
        if (rc || (rc = run(s, stmt, NULL, err, "insert link"))) {
            return rc;
        }
    }
    return 0;
}

/* Runs one of write_record's statements: ?1 coll, ?2 id, ?3 name, ?4 the
 * document, ?5 the expected revision (NULL: any), ?6 the projects that may
 * read it; '*new_rev' gets the revision written, 0 when no row was. */
static int
write_with(struct sqlite_store *s, const char *sql, const char *coll,
           const struct slc_record *rec, const char *text,
           const char *projects, int64_t expected_rev, int64_t *new_rev,
           struct slc_error *err)
{
    sqlite3_stmt *stmt;
    int rc = prepare(s, sql, &stmt, err, coll, rec->id, NULL), step;

    *new_rev = 0;
    if (rc) {
        return rc;
    }
    if (rec->name) {
        sqlite3_bind_text(stmt, 3, rec->name, -1, SQLITE_STATIC);
    }
    sqlite3_bind_text(stmt, 4, text, -1, SQLITE_STATIC);
    if (expected_rev > 0) {
        sqlite3_bind_int64(stmt, 5, expected_rev);
    }
    if (projects) {
        sqlite3_bind_text(stmt, 6, projects, -1, SQLITE_STATIC);
    }
    /* The new revision comes back as a row; no row = nothing written. */
    step = sqlite3_step(stmt);
    if (step == SQLITE_ROW) {
        *new_rev = sqlite3_column_int64(stmt, 0);
        step = sqlite3_step(stmt);
    }
    rc = step == SQLITE_DONE ? 0 : db_error(s, err, "write");
    done(s, stmt);
    return rc;
}

static int
write_record(struct sqlite_store *s, const char *coll,
             const struct slc_record *rec, const char *text,
             const char *projects, int64_t expected_rev, int64_t *new_rev,
             struct slc_error *err)
{
    const char *sql;
    int rc;

    if (expected_rev != SLC_REV_NEW) {
        /* An update that names 'name' rewrites its index entry even when
         * the name is the same, and that is most updates: 4 more pages
         * in the log per write.  So first the update that leaves it out,
         * for a record whose name has not changed. */
        rc = write_with(s,
                        "UPDATE records SET doc = ?4, projects = ?6,"
                        " rev = rev + 1"
                        " WHERE coll = ?1 AND id = ?2 AND name IS ?3"
                        " AND (?5 IS NULL OR rev = ?5) RETURNING rev",
                        coll, rec, text, projects, expected_rev, new_rev,
                        err);
        if (rc || *new_rev) {
            return rc;
        }
        /* a new name, a new record, or a stale revision: below */
    }
    if (expected_rev == SLC_REV_NEW) {
        sql = "INSERT OR IGNORE INTO records"
              " (coll, id, name, rev, doc, seq, projects)"
              " VALUES (?1, ?2, ?3, 1, ?4,"
              " (SELECT IFNULL(MAX(seq), 0) + 1 FROM records), ?6)"
              " RETURNING rev";
    } else if (expected_rev == SLC_REV_ANY) {
        sql = "INSERT INTO records (coll, id, name, rev, doc, seq, projects)"
              " VALUES (?1, ?2, ?3, 1, ?4,"
              " (SELECT IFNULL(MAX(seq), 0) + 1 FROM records), ?6)"
              " ON CONFLICT (coll, id) DO UPDATE"
              " SET name = excluded.name, doc = excluded.doc,"
              " projects = excluded.projects, rev = rev + 1 RETURNING rev";
    } else {
        sql = "UPDATE records SET name = ?3, doc = ?4, projects = ?6,"
              " rev = rev + 1"
              " WHERE coll = ?1 AND id = ?2 AND rev = ?5 RETURNING rev";
    }
    rc = write_with(s, sql, coll, rec, text, projects, expected_rev, new_rev,
                    err);
    if (!rc && !*new_rev) {
        rc = revision_error(s, coll, rec->id, expected_rev, err);
    }
    return rc;
}

/* Makes one operation atomic: a savepoint inside the caller's transaction,
 * else a transaction of its own that takes the write lock up front (a
 * deferred one could fail with SQLITE_BUSY_SNAPSHOT instead of waiting). */
static int
op_begin(struct sqlite_store *s, struct slc_error *err)
{
    end_snapshot(s); /* harmless inside a transaction: none is held */
    return step_sql(s, s->in_txn ? "SAVEPOINT op" : "BEGIN IMMEDIATE", err);
}

static int
op_end(struct sqlite_store *s, int rc, struct slc_error *err)
{
    if (rc) {
        sqlite3_exec(s->db,
                     s->in_txn ? "ROLLBACK TO op; RELEASE op" : "ROLLBACK",
                     NULL, NULL, NULL);
        return rc;
    }
    rc = step_sql(s, s->in_txn ? "RELEASE op" : "COMMIT", err);
    if (rc && !s->in_txn) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    }
    return rc;
}

static int
sqlite_put(struct slc_store *st, const char *coll,
           const struct slc_record *rec, const json_t *links,
           int64_t expected_rev, int64_t *new_rev, struct slc_error *err)
{
    struct sqlite_store *s = sqlite_store_cast(st);
    const json_t *read_by = json_object_get(
        json_object_get(rec->doc, "_admin"), "projects_read");
    int64_t rev = 0;
    char *text, *projects = NULL;
    size_t len = 0;
    int rc;

    text = slc_json_text(rec->doc, &len);
    if (read_by) {
        projects = slc_json_text(read_by, NULL);
    }
    if (!text || (read_by && !projects)) {
        free(text);
        free(projects);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    if (s->in_txn && !links) {
        /* one statement (write_record's first changes nothing when the
         * second runs), atomic by itself: no savepoint around it, which
         * were two more statements for most writes */
        rc = write_record(s, coll, rec, text, projects, expected_rev, &rev,
                          err);
    } else if (!(rc = op_begin(s, err))) {
        rc = write_record(s, coll, rec, text, projects, expected_rev, &rev,
                          err);
        if (!rc && links) {
            rc = write_links(s, coll, rec->id, links, err);
        }
        rc = op_end(s, rc, err);
    }
    if (!rc && rec->reread) { /* its next reader need not parse it */
        slc_doc_cache_wrote_once(s->up.docs, coll, rec->id, text, len,
                                 rec->doc, rec->give);
    } else if (!rc) {
        slc_doc_cache_wrote(s->up.docs, coll, rec->id, text, len, rec->doc);
    } else {
        free(text);
    }
    free(projects);
    if (!rc && new_rev) {
        *new_rev = rev;
    }
    return rc;
}

static int
sqlite_del(struct slc_store *st, const char *coll, const char *id,
           int64_t expected_rev, struct slc_error *err)
{
    struct sqlite_store *s = sqlite_store_cast(st);
    sqlite3_stmt *stmt;
    int changes = 0, rc;
    int64_t rev;

    if ((rc = op_begin(s, err))) {
        return rc;
    }
    rc = prepare(s,
                 "DELETE FROM records WHERE coll = ?1 AND id = ?2"
                 " AND (?3 <= 0 OR rev = ?3)",
                 &stmt, err, coll, id, NULL);
    if (!rc) {
        sqlite3_bind_int64(stmt, 3, expected_rev);
        rc = run(s, stmt, &changes, err, "delete");
    }
    if (!rc && !changes && !(rc = current_rev(s, coll, id, &rev, err))) {
        rc = rev ? slc_error_set(err, SLC_ECONFLICT,
                                 "%s '%s' was modified concurrently "
                                 "(revision %lld, expected %lld)",
                                 coll, id, (long long)rev,
                                 (long long)expected_rev)
                 : slc_error_set(err, SLC_ENOTFOUND, "%s '%s' not found",
                                 coll, id);
    }
    if (!rc) {
        rc = write_links(s, coll, id, NULL, err);
    }
    return op_end(s, rc, err);
}

/* Steps through rows of (coll, id, name, rev, doc, seq) calling
 * 'visit'. */
static int
visit_rows(struct sqlite_store *s, sqlite3_stmt *stmt,
           slc_store_visit_fn visit, void *arg, struct slc_error *err)
{
    int step, rc = 0;

    while (!rc && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        struct slc_record rec;

        rc = row_to_record(s, stmt,
                           (const char *)sqlite3_column_text(stmt, 0), 1,
                           &rec, err);
        if (!rc) {
            rec.pos = sqlite3_column_int64(stmt, 5);
            rc = visit((const char *)sqlite3_column_text(stmt, 0), &rec,
                       arg);
            slc_record_clear(&rec);
        }
    }
    if (!rc && step != SQLITE_DONE) {
        rc = db_error(s, err, "read");
    }
    done(s, stmt);
    return rc;
}

static int
sqlite_list(struct slc_store *st, const char *coll, const char *name,
            slc_store_visit_fn visit, void *arg, struct slc_error *err)
{
    struct sqlite_store *s = sqlite_store_cast(st);
    sqlite3_stmt *stmt;
    int rc;

    read_snapshot(s);
    if (name) {
        rc = prepare(s,
                     "SELECT coll, id, name, rev, doc, seq FROM records"
                     " WHERE coll = ?1 AND name = ?2 ORDER BY seq",
                     &stmt, err, coll, name, NULL);
    } else {
        rc = prepare(s,
                     "SELECT coll, id, name, rev, doc, seq FROM records"
                     " WHERE coll = ?1 ORDER BY seq",
                     &stmt, err, coll, NULL);
    }
    return rc ? rc : visit_rows(s, stmt, visit, arg, err);
}

static int
sqlite_referrers(struct slc_store *st, const char *to_coll,
                 const char *to_name, slc_store_visit_fn visit, void *arg,
                 struct slc_error *err)
{
    struct sqlite_store *s = sqlite_store_cast(st);
    sqlite3_stmt *stmt;
    int rc;

    read_snapshot(s);
    rc = prepare(s,
                 "SELECT r.coll, r.id, r.name, r.rev, r.doc, r.seq"
                 " FROM links l JOIN records r"
                 " ON r.coll = l.from_coll AND r.id = l.from_id"
                 " WHERE l.to_coll = ?1 AND l.to_name = ?2 ORDER BY r.seq",
                 &stmt, err, to_coll, to_name, NULL);
    return rc ? rc : visit_rows(s, stmt, visit, arg, err);
}

static int
sqlite_list_after(struct slc_store *st, const char *coll, int64_t after,
                  slc_store_visit_fn visit, void *arg, struct slc_error *err)
{
    struct sqlite_store *s = sqlite_store_cast(st);
    sqlite3_stmt *stmt;
    int rc;

    read_snapshot(s);
    rc = prepare(s,
                 "SELECT coll, id, name, rev, doc, seq FROM records"
                 " WHERE coll = ?1 AND seq > ?2 ORDER BY seq",
                 &stmt, err, coll, NULL);
    if (rc) {
        return rc;
    }
    sqlite3_bind_int64(stmt, 2, after);
    return visit_rows(s, stmt, visit, arg, err);
}

static int
sqlite_list_after_text(struct slc_store *st, const char *coll,
                       int64_t after, slc_store_text_fn visit, void *arg,
                       struct slc_error *err)
{
    struct sqlite_store *s = sqlite_store_cast(st);
    sqlite3_stmt *stmt;
    int rc, step;

    read_snapshot(s);
    rc = prepare(s,
                 "SELECT id, name, rev, doc, projects, seq"
                 " FROM records WHERE coll = ?1 AND seq > ?2 ORDER BY seq",
                 &stmt, err, coll, NULL);
    if (rc) {
        return rc;
    }
    sqlite3_bind_int64(stmt, 2, after);
    while (!rc && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *readers = (const char *)sqlite3_column_text(stmt, 4);
        struct slc_record_text rt = {
            .id = (char *)sqlite3_column_text(stmt, 0),
            .name = (char *)sqlite3_column_text(stmt, 1),
            .rev = sqlite3_column_int64(stmt, 2),
            .text = (char *)sqlite3_column_text(stmt, 3),
            .len = (size_t)sqlite3_column_bytes(stmt, 3),
            .readers = readers ? json_loads(readers, JSON_DECODE_ANY, NULL)
                               : NULL,
            .pos = sqlite3_column_int64(stmt, 5),
        };

        /* borrowed from the row for the call */
        rc = visit(coll, &rt, arg);
        json_decref(rt.readers);
    }
    if (!rc && step != SQLITE_DONE) {
        rc = db_error(s, err, "read");
    }
    done(s, stmt);
    return rc;
}

/* A mark is a savepoint of its own name (puts use "op" inside it). */
static int
sqlite_mark(struct slc_store *st, struct slc_error *err)
{
    return step_sql(sqlite_store_cast(st), "SAVEPOINT mark", err);
}

static void
sqlite_undo_to_mark(struct slc_store *st)
{
    sqlite3_exec(sqlite_store_cast(st)->db, "ROLLBACK TO mark; RELEASE mark",
                 NULL, NULL, NULL);
}

const struct slc_store_class slc_store_sqlite_class = {
    .version = SLC_STORE_CLASS_VERSION,
    .type = "sqlite",
    .open = sqlite_open,
    .close = sqlite_close,
    .begin = sqlite_begin,
    .commit = sqlite_commit,
    .rollback = sqlite_rollback,
    .get = sqlite_get,
    .get_text = sqlite_get_text,
    .put = sqlite_put,
    .del = sqlite_del,
    .list = sqlite_list,
    .referrers = sqlite_referrers,
    .list_after = sqlite_list_after,
    .list_after_text = sqlite_list_after_text,
    .mark = sqlite_mark,
    .undo_to_mark = sqlite_undo_to_mark,
    .rev = sqlite_rev,
    .share_reads = sqlite_share_reads,
    .end_reads = sqlite_end_reads,
};

/* etcd store backend: the store's records as etcd v3 keys, through the
 * JSON gateway (slc-etcd.c).
 *
 * Location: etcd://HOST:PORT[,HOST:PORT...]/PREFIX[?max_txn_ops=N]
 *
 * Keys, under "/PREFIX" (each part percent-encoded, so a '/' in an id or a
 * name cannot make another key):
 *   /PREFIX/schema                       "1"
 *   /PREFIX/r/COLL/ID                    the record: {"i": id, "n": name,
 *                                        "r": rev, "o": ordinal,
 *                                        "l": links, "d": document}
 *   /PREFIX/n/COLL/NAME/ID               "" (the name index)
 *   /PREFIX/l/TO_COLL/TO_NAME/COLL/ID    "" (who links to whom)
 * A record and its index keys are always written in one etcd transaction.
 *
 * Revisions.  The record's revision is its own counter ("r", 1 on create),
 * as with SQLite, so that a transaction that writes a record twice gives
 * it two revisions.  Concurrency is etcd's: every record a transaction
 * reads or writes is compared at commit with the mod_revision it had when
 * the transaction first read it (absent: create_revision 0), so a write
 * based on a stale read is a conflict.  A put names the revision it
 * expects and is checked at once against what the transaction sees.
 *
 * Transactions are optimistic: begin() takes no lock; the writes are kept
 * in the handle (reads in the transaction see them) and sent as one
 * /v3/kv/txn at commit.  When another writer changed something the
 * transaction read, the commit writes nothing and fails with SLC_ECONFLICT
 * (SQLite would have made the writer wait instead).  A list by name and
 * the referrers of a record are guarded too: a record of that name, or a
 * referrer, created meanwhile is a conflict (so that a name checked free,
 * or a descriptor checked unused, stays so).  A list of a whole collection
 * is not guarded.
 *
 * Limits.  etcd refuses a transaction of more than --max-txn-ops (128 by
 * default) compares or more than that many writes, and a request larger
 * than --max-request-bytes (1.5 MiB by default).  A record write is one
 * put plus one per new name or link; a record read is one compare.  A
 * commit that would pass max_txn_ops (the location's, 128 unless given)
 * is refused before it is sent, and one etcd refuses is reported as it
 * said; both are SLC_EINVALID and write nothing.
 *
 * Order.  Lists are in creation order: etcd's create_revision, then the
 * ordinal of the record within the transaction that created it. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slc-etcd.h"
#include "slc-json.h"
#include "slc-log.h"
#include "slc-store.h"

SLC_LOG_MODULE(store);

#define SCHEMA_VERSION 1
#define PAGE 1000

/* A record the open transaction has read or written. */
struct entry {
    char *coll;
    char *id;
    /* as it was when first read */
    bool was;             /* it existed */
    int64_t base_mod;     /* its mod_revision (0 when absent) */
    int64_t base_create;  /* its create_revision */
    char *old_name;
    json_t *old_links;
    /* as the transaction leaves it */
    bool written;
    bool is;              /* it exists */
    char *name;
    char *text;           /* the document as JSON */
    json_t *links;
    int64_t rev;
    unsigned ordinal;
};

struct etcd_store {
    struct slc_store up; /* must be first */
    struct slc_etcd *etcd;
    char *location;
    char *prefix;        /* "/PREFIX" */
    unsigned max_ops;
    bool in_txn;
    struct entry *entries;
    size_t n_entries, cap;
    json_t *guards;      /* range compares of lists in the transaction */
    unsigned n_created;
    struct mark *mark;   /* slc_store_mark()'s, or NULL */
};

/* What a mark restores: the writes of the entries the transaction had
 * then, and how many there were (those seen after it are dropped, reads
 * included, as a transaction of their own would have). */
struct mark {
    size_t n_entries, n_guards;
    unsigned n_created;
    struct entry *saved; /* copies: written, is, name, text, links, rev,
                            ordinal */
};

/* A record read from etcd, or from the transaction. */
struct stored {
    char *coll;
    char *id;
    char *name;
    int64_t rev;
    json_t *doc;
    json_t *links;
    int64_t create;
    unsigned ordinal;
};

static struct etcd_store *
etcd_store_cast(struct slc_store *st)
{
    return (struct etcd_store *)st;
}

static void
stored_clear(struct stored *r)
{
    free(r->coll);
    free(r->id);
    free(r->name);
    json_decref(r->doc);
    json_decref(r->links);
    memset(r, 0, sizeof *r);
}

static void
entry_clear(struct entry *en)
{
    free(en->coll);
    free(en->id);
    free(en->old_name);
    json_decref(en->old_links);
    free(en->name);
    free(en->text);
    json_decref(en->links);
}

static void mark_free(struct etcd_store *s);

static void
txn_reset(struct etcd_store *s)
{
    mark_free(s);
    for (size_t i = 0; i < s->n_entries; i++) {
        entry_clear(&s->entries[i]);
    }
    s->n_entries = 0;
    json_array_clear(s->guards);
    s->n_created = 0;
    s->in_txn = false;
}

static int
oom(struct slc_error *err)
{
    return slc_error_set(err, SLC_ENOMEM, "out of memory");
}

/* ---- keys ---- */

/* Appends 'part' to 'buf' percent-encoded ('/', '%' and control bytes),
 * then a '/' unless 'last'. */
static void
put_part(char **buf, size_t *len, size_t *cap, const char *part, bool last)
{
    size_t need = *len + 3 * strlen(part) + 2;

    if (need > *cap) {
        char *b = realloc(*buf, need * 2);

        if (!b) {
            free(*buf);
            *buf = NULL;
            return;
        }
        *buf = b;
        *cap = need * 2;
    }
    for (const unsigned char *p = (const unsigned char *)part; *p; p++) {
        if (*p == '/' || *p == '%' || *p < 0x20) {
            *len += (size_t)sprintf(*buf + *len, "%%%02X", *p);
        } else {
            (*buf)[(*len)++] = (char)*p;
        }
    }
    if (!last) {
        (*buf)[(*len)++] = '/';
    }
    (*buf)[*len] = '\0';
}

/* "/PREFIX/KIND/PART/PART..." of the NULL-ended parts; with 'open', a
 * trailing '/' (a prefix for a range).  NULL when out of memory. */
static char *
make_key(const struct etcd_store *s, const char *kind, bool open, ...)
{
    size_t cap = 128, len;
    char *buf = malloc(cap);
    const char *part;
    va_list ap;

    if (!buf) {
        return NULL;
    }
    len = (size_t)snprintf(buf, cap, "%s/%s/", s->prefix, kind);
    va_start(ap, open);
    part = va_arg(ap, const char *);
    while (part && buf) {
        const char *next = va_arg(ap, const char *);

        put_part(&buf, &len, &cap, part, !next && !open);
        part = next;
    }
    va_end(ap);
    return buf;
}

/* The last 'n' parts of 'key', decoded, into 'parts' (each malloc'd). */
static int
last_parts(const char *key, size_t n, char **parts)
{
    const char *end = key + strlen(key);

    for (size_t i = n; i-- > 0;) {
        const char *start = end;
        char *out, *o;

        while (start > key && start[-1] != '/') {
            start--;
        }
        out = o = malloc((size_t)(end - start) + 1);
        if (!out) {
            return SLC_ENOMEM;
        }
        for (const char *p = start; p < end; p++) {
            unsigned v;

            if (*p == '%' && end - p >= 3 && sscanf(p + 1, "%2X", &v) == 1) {
                *o++ = (char)v;
                p += 2;
            } else {
                *o++ = *p;
            }
        }
        *o = '\0';
        parts[i] = out;
        end = start > key ? start - 1 : start;
    }
    return 0;
}

static json_t *
b64s(const char *text)
{
    return slc_etcd_b64(text, strlen(text));
}

/* ---- reading from etcd ---- */

/* Parses a kv of etcd's answer (a record key) into 'out'. */
static int
parse_kv(struct etcd_store *s, const json_t *kv, struct stored *out,
         struct slc_error *err)
{
    const char *v64 = json_string_value(json_object_get(kv, "value"));
    size_t size;
    char *text = slc_etcd_unb64(v64 ? v64 : "", &size);
    json_error_t jerr;
    json_t *env;

    memset(out, 0, sizeof *out);
    env = text ? json_loadb(text, size, 0, &jerr) : NULL;
    free(text);
    if (!env || !json_string_value(json_object_get(env, "i")) ||
        !json_object_get(env, "d")) {
        json_decref(env);
        return slc_error_set(err, SLC_EIO,
                             "store '%s': a record holds bad JSON",
                             s->location);
    }
    out->id = strdup(json_string_value(json_object_get(env, "i")));
    if (json_string_value(json_object_get(env, "n"))) {
        out->name = strdup(json_string_value(json_object_get(env, "n")));
    }
    out->rev = json_integer_value(json_object_get(env, "r"));
    out->ordinal = (unsigned)json_integer_value(json_object_get(env, "o"));
    out->doc = json_incref(json_object_get(env, "d"));
    out->links = json_incref(json_object_get(env, "l"));
    out->create = slc_etcd_int(json_object_get(kv, "create_revision"));
    json_decref(env);
    if (!out->id) {
        stored_clear(out);
        return oom(err);
    }
    return 0;
}

/* Reads one key: its kv (a new reference) in '*kv', NULL when absent. */
static int
fetch_kv(struct etcd_store *s, const char *key, json_t **kv,
         struct slc_error *err)
{
    json_t *req = json_pack("{so}", "key", b64s(key));
    json_t *reply = NULL;
    int rc = req ? slc_etcd_call(s->etcd, "/v3/kv/range", req, true, &reply,
                                 err)
                 : oom(err);

    json_decref(req);
    *kv = rc ? NULL
             : json_incref(json_array_get(json_object_get(reply, "kvs"), 0));
    json_decref(reply);
    return rc;
}

/* Every kv under 'prefix' (a new array in '*kvs'), read in pages at one
 * revision (in '*rev'). */
static int
fetch_prefix(struct etcd_store *s, const char *prefix, bool keys_only,
             json_t **kvs, int64_t *rev, struct slc_error *err)
{
    json_t *start = b64s(prefix), *end = slc_etcd_prefix_end(prefix);
    int rc = 0;

    *kvs = json_array();
    *rev = 0;
    if (!start || !end || !*kvs) {
        json_decref(start);
        json_decref(end);
        return oom(err);
    }
    for (;;) {
        json_t *req = json_pack("{sO sO si sb}", "key", start, "range_end",
                                end, "limit", PAGE, "keys_only", keys_only);
        json_t *reply = NULL, *page;
        const json_t *last;
        const char *last64;
        char *lastkey;
        size_t size;

        if (req && *rev) {
            json_object_set_new(req, "revision", json_integer(*rev));
        }
        rc = req ? slc_etcd_call(s->etcd, "/v3/kv/range", req, true, &reply,
                                 err)
                 : oom(err);
        json_decref(req);
        if (rc) {
            break;
        }
        if (!*rev) {
            *rev = slc_etcd_int(json_object_get(
                json_object_get(reply, "header"), "revision"));
        }
        page = json_object_get(reply, "kvs");
        json_array_extend(*kvs, page);
        last = json_array_get(page, json_array_size(page) - 1);
        if (!json_is_true(json_object_get(reply, "more")) || !last) {
            json_decref(reply);
            break;
        }
        /* the next page starts just after the last key */
        last64 = json_string_value(json_object_get(last, "key"));
        lastkey = slc_etcd_unb64(last64 ? last64 : "", &size);
        json_decref(reply);
        json_decref(start);
        start = lastkey ? slc_etcd_b64(lastkey, size + 1) : NULL;
        free(lastkey);
        if (!start) {
            rc = oom(err);
            break;
        }
    }
    json_decref(start);
    json_decref(end);
    if (rc) {
        json_decref(*kvs);
        *kvs = NULL;
    }
    return rc;
}

/* Reads the records of 'keys' (an array of key strings) in transactions
 * of range requests, at most max_ops each; appends the found ones to
 * 'out' (an array of kvs). */
static int
fetch_many(struct etcd_store *s, const json_t *keys, json_t *out,
           struct slc_error *err)
{
    size_t n = json_array_size(keys);
    int rc = 0;

    for (size_t i = 0; !rc && i < n; i += s->max_ops) {
        json_t *ops = json_array(), *reply = NULL, *req;
        const json_t *r;
        size_t k;

        for (k = i; ops && k < n && k < i + s->max_ops; k++) {
            json_array_append_new(
                ops, json_pack("{s{so}}", "request_range", "key",
                               b64s(json_string_value(
                                   json_array_get(keys, k)))));
        }
        req = ops ? json_pack("{so}", "success", ops) : NULL;
        rc = req ? slc_etcd_call(s->etcd, "/v3/kv/txn", req, true, &reply,
                                 err)
                 : oom(err);
        json_decref(req);
        json_array_foreach(json_object_get(reply, "responses"), k, r)
        {
            json_array_extend(out, json_object_get(
                                       json_object_get(r, "response_range"),
                                       "kvs"));
        }
        json_decref(reply);
    }
    return rc;
}

/* ---- the transaction's view ---- */

static struct entry *
find_entry(struct etcd_store *s, const char *coll, const char *id)
{
    for (size_t i = 0; i < s->n_entries; i++) {
        if (!strcmp(s->entries[i].id, id) &&
            !strcmp(s->entries[i].coll, coll)) {
            return &s->entries[i];
        }
    }
    return NULL;
}

/* The entry of (coll, id), read from etcd when the transaction has not
 * seen it yet. */
static int
load_entry(struct etcd_store *s, const char *coll, const char *id,
           struct entry **out, struct slc_error *err)
{
    struct entry *en = find_entry(s, coll, id);
    struct stored r = {0};
    json_t *kv = NULL;
    char *key;
    int rc;

    if ((*out = en)) {
        return 0;
    }
    if (s->n_entries == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 16;
        struct entry *e = realloc(s->entries, cap * sizeof *e);

        if (!e) {
            return oom(err);
        }
        s->entries = e;
        s->cap = cap;
    }
    if (!(key = make_key(s, "r", false, coll, id, NULL))) {
        return oom(err);
    }
    rc = fetch_kv(s, key, &kv, err);
    free(key);
    if (!rc && kv) {
        rc = parse_kv(s, kv, &r, err);
    }
    if (rc) {
        json_decref(kv);
        return rc;
    }
    en = &s->entries[s->n_entries];
    *en = (struct entry){
        .coll = strdup(coll), .id = strdup(id), .was = kv != NULL,
        .base_mod = slc_etcd_int(json_object_get(kv, "mod_revision")),
        .base_create = r.create, .old_name = r.name,
        .old_links = r.links, .is = kv != NULL, .rev = r.rev};
    json_decref(kv);
    if (r.doc) {
        en->text = slc_json_text(r.doc, NULL);
    }
    en->name = r.name ? strdup(r.name) : NULL;
    en->links = json_incref(r.links);
    r.name = NULL;
    r.links = NULL;
    stored_clear(&r);
    if (!en->coll || !en->id || (en->was && !en->text) ||
        (en->old_name && !en->name)) {
        entry_clear(en);
        return oom(err);
    }
    s->n_entries++;
    *out = en;
    return 0;
}

/* The entry's record as the transaction sees it (it exists). */
static int
entry_record(const struct entry *en, struct slc_record *out,
             struct slc_error *err)
{
    json_error_t jerr;

    out->id = strdup(en->id);
    out->name = en->name ? strdup(en->name) : NULL;
    out->rev = en->rev;
    out->doc = json_loads(en->text, JSON_DECODE_ANY, &jerr);
    if (!out->id || (en->name && !out->name) || !out->doc) {
        slc_record_clear(out);
        return oom(err);
    }
    return 0;
}

/* ---- open, close, transactions ---- */

static void etcd_close(struct slc_store *st);
static int etcd_commit(struct slc_store *st, struct slc_error *err);

/* Checks the schema key, writing it on a store not used before. */
static int
check_schema(struct etcd_store *s, struct slc_error *err)
{
    char *key = NULL;
    json_t *req, *reply = NULL;
    const json_t *kv = NULL;
    int rc, version = 0;

    if (asprintf(&key, "%s/schema", s->prefix) < 0) {
        return oom(err);
    }
    req = json_pack("{s[{so ss ss ss}] s[{s{so so}}] s[{s{so}}]}",
                    "compare", "key", b64s(key), "target", "CREATE",
                    "result", "EQUAL", "create_revision", "0", "success",
                    "request_put", "key", b64s(key), "value", b64s("1"),
                    "failure", "request_range", "key", b64s(key));
    rc = req ? slc_etcd_call(s->etcd, "/v3/kv/txn", req, true, &reply, err)
             : oom(err);
    json_decref(req);
    free(key);
    if (!rc && !json_is_true(json_object_get(reply, "succeeded"))) {
        const char *v64;
        char *v;
        size_t size;

        kv = slc_etcd_txn_kv(reply, 0);
        v64 = json_string_value(json_object_get(kv, "value"));
        v = slc_etcd_unb64(v64 ? v64 : "", &size);
        version = v ? atoi(v) : 0;
        free(v);
        if (version != SCHEMA_VERSION) {
            rc = slc_error_set(err, SLC_EUNSUPPORTED,
                               "store '%s': schema version %d, this slicer "
                               "understands %d",
                               s->location, version, SCHEMA_VERSION);
        }
    } else if (!rc) {
        SLC_INFO("store '%s': creating schema version %d", s->location,
                 SCHEMA_VERSION);
    }
    json_decref(reply);
    return rc;
}

static int
etcd_open(const char *location, struct slc_store **out,
          struct slc_error *err)
{
    struct etcd_store *s = calloc(1, sizeof *s);
    char *members = NULL;
    int rc;

    if (!s) {
        return oom(err);
    }
    s->up.class = &slc_store_etcd_class;
    s->guards = json_array();
    if (asprintf(&s->location, "etcd:%s", location) < 0) {
        s->location = NULL;
    }
    if (!s->guards || !s->location) {
        etcd_close(&s->up);
        return oom(err);
    }
    rc = slc_etcd_location(location, &members, &s->prefix, &s->max_ops,
                           err);
    rc = rc ? rc : slc_etcd_new(members, 5000, &s->etcd, err);
    rc = rc ? rc : check_schema(s, err);
    free(members);
    if (rc) {
        etcd_close(&s->up);
        return rc;
    }
    *out = &s->up;
    return 0;
}

static void
etcd_close(struct slc_store *st)
{
    struct etcd_store *s = etcd_store_cast(st);

    txn_reset(s);
    free(s->entries);
    json_decref(s->guards);
    slc_etcd_free(s->etcd);
    free(s->location);
    free(s->prefix);
    free(s);
}

static int
etcd_begin(struct slc_store *st, struct slc_error *err)
{
    struct etcd_store *s = etcd_store_cast(st);

    if (s->in_txn) {
        return slc_error_set(err, SLC_EBUSY,
                             "store '%s': a transaction is already open",
                             s->location);
    }
    s->in_txn = true;
    return 0;
}

static void
etcd_rollback(struct slc_store *st)
{
    txn_reset(etcd_store_cast(st));
}

static bool
same_name(const char *a, const char *b)
{
    return a ? b && !strcmp(a, b) : !b;
}

/* Whether links array 'links' has the pair (coll, name). */
static bool
has_link(const json_t *links, const char *coll, const char *name)
{
    const json_t *l;
    size_t i;

    json_array_foreach(links, i, l)
    {
        if (!strcmp(json_string_value(json_array_get(l, 0)) ?: "", coll) &&
            !strcmp(json_string_value(json_array_get(l, 1)) ?: "", name)) {
            return true;
        }
    }
    return false;
}

static void
add_op(json_t *ops, const char *kind, char *key, const char *value)
{
    if (!key) {
        return;
    }
    if (!strcmp(kind, "put")) {
        json_array_append_new(ops, json_pack("{s{so so}}", "request_put",
                                             "key", b64s(key), "value",
                                             b64s(value)));
    } else {
        json_array_append_new(ops, json_pack("{s{so}}",
                                             "request_delete_range", "key",
                                             b64s(key)));
    }
    free(key);
}

/* The link keys of 'from' that are in 'a' and not in 'b', as 'kind'. */
static void
link_ops(struct etcd_store *s, const struct entry *en, const json_t *a,
         const json_t *b, const char *kind, json_t *ops)
{
    const json_t *l;
    size_t i;

    json_array_foreach(a, i, l)
    {
        const char *tc = json_string_value(json_array_get(l, 0));
        const char *tn = json_string_value(json_array_get(l, 1));
        bool dup = false;

        for (size_t k = 0; k < i && !dup; k++) {
            const json_t *p = json_array_get(a, k);

            dup = !strcmp(json_string_value(json_array_get(p, 0)), tc) &&
                  !strcmp(json_string_value(json_array_get(p, 1)), tn);
        }
        if (!dup && !has_link(b, tc, tn)) {
            add_op(ops, kind,
                   make_key(s, "l", false, tc, tn, en->coll, en->id, NULL),
                   "");
        }
    }
}

/* The etcd writes that take the entry from what it was to what it is. */
static int
entry_ops(struct etcd_store *s, const struct entry *en, json_t *ops)
{
    const json_t *none = NULL;

    if (en->is) {
        json_t *doc = json_loads(en->text, JSON_DECODE_ANY, NULL);
        json_t *env = doc ? json_pack("{ss ss* sI si sO* so}", "i", en->id,
                                      "n", en->name, "r", (json_int_t)en->rev,
                                      "o", (int)en->ordinal, "l", en->links,
                                      "d", doc)
                          : NULL;
        char *text = slc_json_text(env, NULL);

        json_decref(env);
        if (!text) {
            return SLC_ENOMEM;
        }
        add_op(ops, "put", make_key(s, "r", false, en->coll, en->id, NULL),
               text);
        free(text);
        if (en->name && (!en->was || !same_name(en->name, en->old_name))) {
            add_op(ops, "put",
                   make_key(s, "n", false, en->coll, en->name, en->id, NULL),
                   "");
        }
    } else if (en->was) {
        add_op(ops, "delete",
               make_key(s, "r", false, en->coll, en->id, NULL), "");
    }
    if (en->was && en->old_name &&
        (!en->is || !same_name(en->name, en->old_name))) {
        add_op(ops, "delete",
               make_key(s, "n", false, en->coll, en->old_name, en->id, NULL),
               "");
    }
    link_ops(s, en, en->is ? en->links : none,
             en->was ? en->old_links : none, "put", ops);
    link_ops(s, en, en->was ? en->old_links : none,
             en->is ? en->links : none, "delete", ops);
    return 0;
}

/* The compares of the open transaction (a new array): every record it
 * read or wrote unchanged, and the guards of its lists. */
static json_t *
txn_compares(struct etcd_store *s)
{
    json_t *compares = json_copy(s->guards);

    for (size_t i = 0; compares && i < s->n_entries; i++) {
        const struct entry *en = &s->entries[i];
        char *key = make_key(s, "r", false, en->coll, en->id, NULL);

        if (!key) {
            json_decref(compares);
            return NULL;
        }
        json_array_append_new(
            compares,
            en->was ? json_pack("{so ss ss sI}", "key", b64s(key), "target",
                                "MOD", "result", "EQUAL", "mod_revision",
                                (json_int_t)en->base_mod)
                    : json_pack("{so ss ss ss}", "key", b64s(key), "target",
                                "CREATE", "result", "EQUAL",
                                "create_revision", "0"));
        free(key);
    }
    return compares;
}

static int
etcd_check(struct slc_store *st, struct slc_error *err)
{
    struct etcd_store *s = etcd_store_cast(st);
    json_t *compares = s->in_txn ? txn_compares(s) : NULL;
    json_t *req = compares ? json_pack("{so}", "compare", compares) : NULL;
    json_t *reply = NULL;
    int rc;

    if (!s->in_txn || (!s->n_entries && !json_array_size(s->guards))) {
        json_decref(req);
        return 0;
    }
    rc = req ? slc_etcd_call(s->etcd, "/v3/kv/txn", req, true, &reply, err)
             : slc_error_set(err, SLC_ENOMEM, "out of memory");
    if (!rc && !json_is_true(json_object_get(reply, "succeeded"))) {
        rc = slc_error_set(err, SLC_ECONFLICT,
                           "store '%s': records this transaction read "
                           SLC_STORE_RACED_TEXT,
                           s->location);
    }
    json_decref(req);
    json_decref(reply);
    return rc;
}

static int
etcd_commit(struct slc_store *st, struct slc_error *err)
{
    struct etcd_store *s = etcd_store_cast(st);
    json_t *compares = s->in_txn ? txn_compares(s) : NULL;
    json_t *ops = json_array();
    json_t *req = NULL, *reply = NULL;
    int rc = 0;

    if (!s->in_txn) {
        json_decref(compares);
        json_decref(ops);
        return slc_error_set(err, SLC_EINVALID,
                             "store '%s': commit without a transaction",
                             s->location);
    }
    for (size_t i = 0; !rc && compares && ops && i < s->n_entries; i++) {
        if (s->entries[i].written) {
            rc = entry_ops(s, &s->entries[i], ops);
        }
    }
    if (rc || !compares || !ops) {
        rc = oom(err);
    } else if (!json_array_size(ops)) {
        rc = 0; /* read only: nothing to write, nothing to check */
    } else if (json_array_size(compares) > s->max_ops ||
               json_array_size(ops) > s->max_ops) {
        rc = slc_error_set(err, SLC_EINVALID,
                           "store '%s': the transaction has %zu compares "
                           "and %zu writes, more than etcd's limit of %u "
                           "(max_txn_ops); nothing was written",
                           s->location, json_array_size(compares),
                           json_array_size(ops), s->max_ops);
    } else {
        req = json_pack("{sO sO}", "compare", compares, "success", ops);
        rc = req ? slc_etcd_call(s->etcd, "/v3/kv/txn", req, false, &reply,
                                 err)
                 : oom(err);
        if (!rc && !json_is_true(json_object_get(reply, "succeeded"))) {
            rc = slc_error_set(err, SLC_ECONFLICT,
                               "store '%s': records this transaction read "
                               SLC_STORE_RACED_TEXT "; nothing was written",
                               s->location);
        }
    }
    json_decref(req);
    json_decref(reply);
    json_decref(compares);
    json_decref(ops);
    txn_reset(s);
    return rc;
}

/* A write outside a transaction is one of its own: own_txn_begin()
 * opens it (true when it did), own_txn_end() commits it, or drops it on
 * an error. */
static bool
own_txn_begin(struct etcd_store *s)
{
    bool own = !s->in_txn;

    s->in_txn = true;
    return own;
}

static int
own_txn_end(struct etcd_store *s, bool own, int rc, struct slc_error *err)
{
    if (!own) {
        return rc;
    }
    if (rc) {
        txn_reset(s);
        return rc;
    }
    return etcd_commit(&s->up, err);
}

/* ---- reads and writes ---- */

static int
etcd_get(struct slc_store *st, const char *coll, const char *id,
         struct slc_record *out, struct slc_error *err)
{
    struct etcd_store *s = etcd_store_cast(st);
    struct stored r;
    struct entry *en;
    json_t *kv = NULL;
    char *key;
    int rc;

    memset(out, 0, sizeof *out);
    if (s->in_txn) {
        if ((rc = load_entry(s, coll, id, &en, err))) {
            return rc;
        }
        return en->is ? entry_record(en, out, err)
                      : slc_error_set(err, SLC_ENOTFOUND,
                                      "%s '%s' not found", coll, id);
    }
    if (!(key = make_key(s, "r", false, coll, id, NULL))) {
        return oom(err);
    }
    rc = fetch_kv(s, key, &kv, err);
    free(key);
    if (!rc && !kv) {
        return slc_error_set(err, SLC_ENOTFOUND, "%s '%s' not found", coll,
                             id);
    }
    if (!rc && !(rc = parse_kv(s, kv, &r, err))) {
        out->id = r.id;
        out->name = r.name;
        out->rev = r.rev;
        out->doc = r.doc;
        r.id = r.name = NULL;
        r.doc = NULL;
        stored_clear(&r);
    }
    json_decref(kv);
    return rc;
}

static int
check_expected(const struct entry *en, int64_t expected_rev,
               struct slc_error *err)
{
    if (expected_rev == SLC_REV_NEW && en->is) {
        return slc_error_set(err, SLC_EEXISTS, "%s '%s' already exists",
                             en->coll, en->id);
    }
    if (expected_rev > 0 && !en->is) {
        return slc_error_set(err, SLC_ENOTFOUND, "%s '%s' not found",
                             en->coll, en->id);
    }
    if (expected_rev > 0 && en->rev != expected_rev) {
        return slc_error_set(err, SLC_ECONFLICT,
                             "%s '%s' was modified concurrently (revision "
                             "%lld, expected %lld)",
                             en->coll, en->id, (long long)en->rev,
                             (long long)expected_rev);
    }
    return 0;
}

static int
etcd_put(struct slc_store *st, const char *coll,
         const struct slc_record *rec, const json_t *links,
         int64_t expected_rev, int64_t *new_rev, struct slc_error *err)
{
    struct etcd_store *s = etcd_store_cast(st);
    struct entry *en;
    char *text, *name;
    json_t *l;
    bool own;
    int rc;

    own = own_txn_begin(s);
    rc = load_entry(s, coll, rec->id, &en, err);
    rc = rc ? rc : check_expected(en, expected_rev, err);
    if (!rc) {
        text = slc_json_text(rec->doc, NULL);
        name = rec->name ? strdup(rec->name) : NULL;
        l = links ? json_deep_copy(links) : json_incref(en->links);
        if (!text || (rec->name && !name) || (links && !l)) {
            free(text);
            free(name);
            json_decref(l);
            rc = oom(err);
        } else {
            if (!en->is) {
                en->rev = 0;
                en->ordinal = s->n_created++;
            }
            free(en->text);
            free(en->name);
            json_decref(en->links);
            en->text = text;
            en->name = name;
            en->links = l;
            en->rev++;
            en->is = en->written = true;
            if (new_rev) {
                *new_rev = en->rev;
            }
        }
    }
    return own_txn_end(s, own, rc, err);
}

static int
etcd_del(struct slc_store *st, const char *coll, const char *id,
         int64_t expected_rev, struct slc_error *err)
{
    struct etcd_store *s = etcd_store_cast(st);
    struct entry *en;
    bool own = own_txn_begin(s);
    int rc;

    rc = load_entry(s, coll, id, &en, err);
    if (!rc && !en->is) {
        rc = slc_error_set(err, SLC_ENOTFOUND, "%s '%s' not found", coll,
                           id);
    }
    rc = rc ? rc : check_expected(en, expected_rev, err);
    if (!rc) {
        en->is = false;
        en->written = true;
    }
    return own_txn_end(s, own, rc, err);
}

/* ---- lists ---- */

static int
by_creation(const void *a, const void *b)
{
    const struct stored *x = a, *y = b;

    if (x->create != y->create) {
        return x->create < y->create ? -1 : 1;
    }
    return x->ordinal < y->ordinal ? -1 : x->ordinal > y->ordinal;
}

/* What a list gathers. */
struct gathered {
    struct stored *recs;
    size_t n, cap;
};

static void
gathered_clear(struct gathered *g)
{
    for (size_t i = 0; i < g->n; i++) {
        stored_clear(&g->recs[i]);
    }
    free(g->recs);
}

/* A new zeroed record of 'coll' at the end of 'g'; NULL when out of
 * memory. */
static struct stored *
gathered_add(struct gathered *g, const char *coll)
{
    struct stored *r;

    if (g->n == g->cap) {
        size_t cap = g->cap ? 2 * g->cap : 64;

        if (!(r = realloc(g->recs, cap * sizeof *r))) {
            return NULL;
        }
        g->recs = r;
        g->cap = cap;
    }
    r = &g->recs[g->n];
    memset(r, 0, sizeof *r);
    if (!(r->coll = strdup(coll))) {
        return NULL;
    }
    g->n++;
    return r;
}

/* Parses record kvs into 'g', all of collection 'coll' or, when NULL,
 * of the collection their key names. */
static int
gather_kvs(struct etcd_store *s, const json_t *kvs, const char *coll,
           struct gathered *g, struct slc_error *err)
{
    const json_t *kv;
    size_t i;
    int rc = 0;

    json_array_foreach(kvs, i, kv)
    {
        char *parts[2] = {NULL, NULL};
        const char *k64 = json_string_value(json_object_get(kv, "key"));
        size_t size;
        char *key = coll ? NULL : slc_etcd_unb64(k64 ? k64 : "", &size);
        struct stored *r;

        if (!coll && (!key || last_parts(key, 2, parts))) {
            free(key);
            free(parts[0]);
            free(parts[1]);
            return oom(err);
        }
        free(key);
        r = gathered_add(g, coll ? coll : parts[0]);
        free(parts[0]);
        free(parts[1]);
        if (!r) {
            return oom(err);
        }
        char *c = r->coll;

        rc = parse_kv(s, kv, r, err);
        r->coll = c;
        if (rc) {
            return rc;
        }
    }
    return 0;
}

/* Reads the record keys that the index keys under 'prefix' name (their
 * last two parts: collection and id; 'coll' when only the id). */
static int
gather_index(struct etcd_store *s, const char *prefix, const char *coll,
             struct gathered *g, int64_t *rev, struct slc_error *err)
{
    json_t *kvs = NULL, *keys = json_array(), *recs = json_array();
    const json_t *kv;
    size_t i;
    int rc = keys && recs ? fetch_prefix(s, prefix, true, &kvs, rev, err)
                          : oom(err);

    json_array_foreach(kvs, i, kv)
    {
        const char *k64 = json_string_value(json_object_get(kv, "key"));
        char *parts[2] = {NULL, NULL}, *key, *rkey;
        size_t size;

        if (rc) {
            break;
        }
        key = slc_etcd_unb64(k64 ? k64 : "", &size);
        if (!key || last_parts(key, 2, parts)) {
            rc = oom(err);
        } else {
            rkey = make_key(s, "r", false, coll ? coll : parts[0], parts[1],
                            NULL);
            json_array_append_new(keys, rkey ? json_string(rkey) : NULL);
            free(rkey);
        }
        free(key);
        free(parts[0]);
        free(parts[1]);
    }
    rc = rc ? rc : fetch_many(s, keys, recs, err);
    rc = rc ? rc : gather_kvs(s, recs, NULL, g, err);
    json_decref(kvs);
    json_decref(keys);
    json_decref(recs);
    return rc;
}

/* Guards the range under 'prefix' until commit: no key created there
 * after revision 'rev'. */
static void
guard(struct etcd_store *s, const char *prefix, int64_t rev)
{
    json_t *end = slc_etcd_prefix_end(prefix);

    if (s->in_txn && end) {
        json_array_append_new(s->guards,
                              json_pack("{so so ss ss sI}", "key",
                                        b64s(prefix), "range_end", end,
                                        "target", "CREATE", "result", "LESS",
                                        "create_revision",
                                        (json_int_t)rev + 1));
    } else {
        json_decref(end);
    }
}

/* Puts the transaction's writes over what was read: 'match' says whether
 * an entry as it is belongs in the list. */
static int
overlay(struct etcd_store *s, struct gathered *g,
        bool (*match)(const struct entry *, const void *), const void *arg,
        struct slc_error *err)
{
    for (size_t i = 0; i < s->n_entries; i++) {
        const struct entry *en = &s->entries[i];
        struct stored *r = NULL;
        size_t k;

        if (!en->written) {
            continue;
        }
        for (k = 0; k < g->n && !r; k++) {
            if (!strcmp(g->recs[k].id, en->id) &&
                !strcmp(g->recs[k].coll, en->coll)) {
                r = &g->recs[k];
            }
        }
        if (r && (!en->is || !match(en, arg))) {
            k--;
            stored_clear(r);
            memmove(&g->recs[k], &g->recs[k + 1],
                    (g->n - k - 1) * sizeof *g->recs);
            g->n--;
            continue;
        }
        if (!en->is || !match(en, arg)) {
            continue;
        }
        if (!r) {
            if (!(r = gathered_add(g, en->coll))) {
                return oom(err);
            }
            r->create = en->was ? en->base_create : INT64_MAX;
            r->ordinal = en->ordinal;
        } else {
            free(r->id);
            free(r->name);
            json_decref(r->doc);
        }
        r->id = strdup(en->id);
        r->name = en->name ? strdup(en->name) : NULL;
        r->rev = en->rev;
        r->doc = json_loads(en->text, JSON_DECODE_ANY, NULL);
        if (!r->id || (en->name && !r->name) || !r->doc) {
            return oom(err);
        }
    }
    return 0;
}

static int
visit_all(struct gathered *g, slc_store_visit_fn visit, void *arg)
{
    int rc = 0;

    if (g->n) {
        qsort(g->recs, g->n, sizeof *g->recs, by_creation);
    }
    for (size_t i = 0; !rc && i < g->n; i++) {
        /* created in the open transaction: after everything stored */
        int64_t create = g->recs[i].create == INT64_MAX
                             ? INT64_MAX / 65536
                             : g->recs[i].create;
        struct slc_record rec = {.id = g->recs[i].id,
                                 .name = g->recs[i].name,
                                 .rev = g->recs[i].rev,
                                 .doc = g->recs[i].doc,
                                 .pos = create * 65536 +
                                        (g->recs[i].ordinal & 0xffff)};

        rc = visit(g->recs[i].coll, &rec, arg);
    }
    return rc;
}

struct list_match {
    const char *coll;
    const char *name;
};

static bool
list_matches(const struct entry *en, const void *arg)
{
    const struct list_match *m = arg;

    return !strcmp(en->coll, m->coll) &&
           (!m->name || (en->name && !strcmp(en->name, m->name)));
}

static int
etcd_list(struct slc_store *st, const char *coll, const char *name,
          slc_store_visit_fn visit, void *arg, struct slc_error *err)
{
    struct etcd_store *s = etcd_store_cast(st);
    struct list_match m = {.coll = coll, .name = name};
    struct gathered g = {0};
    json_t *kvs = NULL;
    int64_t rev = 0;
    char *prefix = name ? make_key(s, "n", true, coll, name, NULL)
                        : make_key(s, "r", true, coll, NULL);
    int rc;

    if (!prefix) {
        return oom(err);
    }
    if (name) {
        rc = gather_index(s, prefix, coll, &g, &rev, err);
        if (!rc) {
            guard(s, prefix, rev);
        }
    } else {
        rc = fetch_prefix(s, prefix, false, &kvs, &rev, err);
        rc = rc ? rc : gather_kvs(s, kvs, coll, &g, err);
        json_decref(kvs);
    }
    free(prefix);
    rc = rc ? rc : overlay(s, &g, list_matches, &m, err);
    rc = rc ? rc : visit_all(&g, visit, arg);
    gathered_clear(&g);
    return rc;
}

static bool
links_to(const struct entry *en, const void *arg)
{
    const struct list_match *m = arg;

    return has_link(en->links, m->coll, m->name);
}

static int
etcd_referrers(struct slc_store *st, const char *to_coll,
               const char *to_name, slc_store_visit_fn visit, void *arg,
               struct slc_error *err)
{
    struct etcd_store *s = etcd_store_cast(st);
    struct list_match m = {.coll = to_coll, .name = to_name};
    struct gathered g = {0};
    int64_t rev = 0;
    char *prefix = make_key(s, "l", true, to_coll, to_name, NULL);
    int rc;

    if (!prefix) {
        return oom(err);
    }
    rc = gather_index(s, prefix, NULL, &g, &rev, err);
    if (!rc) {
        guard(s, prefix, rev);
    }
    free(prefix);
    rc = rc ? rc : overlay(s, &g, links_to, &m, err);
    rc = rc ? rc : visit_all(&g, visit, arg);
    gathered_clear(&g);
    return rc;
}

/* ---- the key layout, for watchers ---- */

char *
slc_store_etcd_coll_key(const char *prefix, const char *coll)
{
    struct etcd_store s = {.prefix = (char *)prefix};

    return make_key(&s, "r", true, coll, NULL);
}

char *
slc_store_etcd_key_id(const char *key)
{
    char *id = NULL;

    return last_parts(key, 1, &id) ? NULL : id;
}

/* ---- marks ---- */

static void
mark_free(struct etcd_store *s)
{
    struct mark *m = s->mark;

    if (!m) {
        return;
    }
    for (size_t i = 0; i < m->n_entries; i++) {
        free(m->saved[i].name);
        free(m->saved[i].text);
        json_decref(m->saved[i].links);
    }
    free(m->saved);
    free(m);
    s->mark = NULL;
}

static int
etcd_mark(struct slc_store *st, struct slc_error *err)
{
    struct etcd_store *s = etcd_store_cast(st);
    struct mark *m = calloc(1, sizeof *m);

    if (!m || !(m->saved = calloc(s->n_entries ? s->n_entries : 1,
                                  sizeof *m->saved))) {
        free(m);
        return oom(err);
    }
    mark_free(s);
    s->mark = m;
    m->n_guards = json_array_size(s->guards);
    m->n_created = s->n_created;
    for (; m->n_entries < s->n_entries; m->n_entries++) {
        const struct entry *en = &s->entries[m->n_entries];
        struct entry *sv = &m->saved[m->n_entries];

        *sv = (struct entry){.written = en->written, .is = en->is,
                             .rev = en->rev, .ordinal = en->ordinal,
                             .name = en->name ? strdup(en->name) : NULL,
                             .text = en->text ? strdup(en->text) : NULL,
                             .links = json_incref(en->links)};
        if ((en->name && !sv->name) || (en->text && !sv->text)) {
            m->n_entries++;
            mark_free(s);
            return oom(err);
        }
    }
    return 0;
}

static void
etcd_undo_to_mark(struct slc_store *st)
{
    struct etcd_store *s = etcd_store_cast(st);
    struct mark *m = s->mark;

    if (!m) {
        return;
    }
    while (s->n_entries > m->n_entries) {
        entry_clear(&s->entries[--s->n_entries]);
    }
    for (size_t i = 0; i < m->n_entries; i++) {
        struct entry *en = &s->entries[i], *sv = &m->saved[i];

        free(en->name);
        free(en->text);
        json_decref(en->links);
        en->written = sv->written;
        en->is = sv->is;
        en->rev = sv->rev;
        en->ordinal = sv->ordinal;
        en->name = sv->name;
        en->text = sv->text;
        en->links = sv->links;
        *sv = (struct entry){0};
    }
    while (json_array_size(s->guards) > m->n_guards) {
        json_array_remove(s->guards, json_array_size(s->guards) - 1);
    }
    s->n_created = m->n_created;
    mark_free(s);
}

const struct slc_store_class slc_store_etcd_class = {
    .version = SLC_STORE_CLASS_VERSION,
    .type = "etcd",
    .open = etcd_open,
    .close = etcd_close,
    .begin = etcd_begin,
    .commit = etcd_commit,
    .rollback = etcd_rollback,
    .get = etcd_get,
    .put = etcd_put,
    .del = etcd_del,
    .list = etcd_list,
    .referrers = etcd_referrers,
    .check = etcd_check,
    .mark = etcd_mark,
    .undo_to_mark = etcd_undo_to_mark,
};

/* A VIM account's resource table in etcd (vim-shared.h).
 *
 * Readers keep a copy of the table and the mod_revision of the version
 * key they saw with it.  A sync reads that one key; only when it moved
 * (another instance wrote) are the records read again, all of them and
 * the version key in one transaction, so that the copy and its version
 * agree.  A write puts its records and the version key in one
 * transaction whose success branch is taken only when the version is
 * still the one this handle saw: then the copy plus this write is the
 * table at the new revision.  Its failure branch writes the same, so a
 * write is never lost, and the next sync reads everything again. */
#include "vim-shared.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "slc-etcd.h"

#define LOCK_TTL_S 2
#define WAIT_MS 5000
/* records per etcd transaction, under etcd's default of 128 operations */
#define WRITES_PER_TXN 100

struct vim_shared {
    struct slc_etcd *etcd;
    char *prefix;           /* /PREFIX/vim-state/ACCOUNT/ */
    char *records;          /* ... r/ */
    char *version;
    char *lock;
    int64_t seen;           /* the version's mod_revision of the copy */
    bool loaded;            /* a copy was read since the last lost race */
    int64_t lease;
};

static json_t *
b64s(const char *s)
{
    return slc_etcd_b64(s, strlen(s));
}

int
vim_shared_open(const char *location, const char *account,
                struct vim_shared **out, struct slc_error *err)
{
    struct vim_shared *h = calloc(1, sizeof *h);
    char *members = NULL, *prefix = NULL;
    unsigned max_ops;
    int rc;

    *out = NULL;
    if (!h) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    rc = slc_etcd_location(location + strlen("etcd:"), &members, &prefix,
                           &max_ops, err);
    if (!rc && (asprintf(&h->prefix, "%s/vim-state/%s/", prefix, account) <
                    0 ||
                asprintf(&h->records, "%sr/", h->prefix) < 0 ||
                asprintf(&h->version, "%sversion", h->prefix) < 0 ||
                asprintf(&h->lock, "%slock", h->prefix) < 0)) {
        rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    rc = rc ? rc : slc_etcd_new(members, 2000, &h->etcd, err);
    free(members);
    free(prefix);
    if (rc) {
        vim_shared_close(h);
        return rc;
    }
    *out = h;
    return 0;
}

void
vim_shared_close(struct vim_shared *h)
{
    if (!h) {
        return;
    }
    slc_etcd_free(h->etcd);
    free(h->prefix);
    free(h->records);
    free(h->version);
    free(h->lock);
    free(h);
}

const char *
vim_shared_prefix(const struct vim_shared *h)
{
    return h->prefix;
}

static int
call(struct vim_shared *h, const char *path, json_t *req, bool idempotent,
     json_t **reply, struct slc_error *err)
{
    int rc;

    *reply = NULL;
    if (!req) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    rc = slc_etcd_call(h->etcd, path, req, idempotent, reply, err);
    json_decref(req);
    return rc ? slc_error_prefix(err, "its shared resource table") : 0;
}

static int64_t
mod_revision(const json_t *kvs)
{
    return slc_etcd_int(json_object_get(json_array_get(kvs, 0),
                                        "mod_revision"));
}

/* Reads every record and the version together. */
static int
reload(struct vim_shared *h, json_t **table, struct slc_error *err)
{
    json_t *reply, *fresh;
    const json_t *kv;
    size_t i, plen = strlen(h->records);
    int rc = call(h, "/v3/kv/txn",
                  json_pack("{s[{s{so}}{s{so so}}]}", "success",
                            "request_range", "key", b64s(h->version),
                            "request_range", "key", b64s(h->records),
                            "range_end", slc_etcd_prefix_end(h->records)),
                  true, &reply, err);

    if (rc) {
        return rc;
    }
    fresh = json_object();
    json_array_foreach(
        json_object_get(json_object_get(json_array_get(
                                            json_object_get(reply,
                                                            "responses"),
                                            1),
                                        "response_range"),
                        "kvs"),
        i, kv)
    {
        size_t klen, vlen;
        char *key = slc_etcd_unb64(json_string_value(json_object_get(kv,
                                                                     "key")),
                                   &klen);
        char *text = slc_etcd_unb64(
            json_string_value(json_object_get(kv, "value")) ?: "", &vlen);
        json_t *rec = text ? json_loadb(text, vlen, 0, NULL) : NULL;

        if (key && klen > plen && rec) {
            json_object_set_new(fresh, key + plen, rec);
        } else {
            json_decref(rec);
        }
        free(key);
        free(text);
    }
    h->seen = slc_etcd_int(json_object_get(slc_etcd_txn_kv(reply, 0),
                                           "mod_revision"));
    h->loaded = true;
    json_decref(reply);
    json_decref(*table);
    *table = fresh;
    return 0;
}

int
vim_shared_sync(struct vim_shared *h, json_t **table, bool *reloaded,
                struct slc_error *err)
{
    json_t *reply;
    int64_t now;
    int rc;

    *reloaded = false;
    if (h->loaded) {
        rc = call(h, "/v3/kv/range", json_pack("{so}", "key",
                                               b64s(h->version)),
                  true, &reply, err);
        if (rc) {
            return rc;
        }
        now = mod_revision(json_object_get(reply, "kvs"));
        json_decref(reply);
        if (now == h->seen) {
            return 0;
        }
    }
    *reloaded = true;
    return reload(h, table, err);
}

/* One transaction of at most WRITES_PER_TXN records from 'it' on. */
static int
write_some(struct vim_shared *h, const json_t *writes, void **it,
           struct slc_error *err)
{
    json_t *ops = json_array(), *reply;
    int rc;

    for (int n = 0; *it && n < WRITES_PER_TXN;
         n++, *it = json_object_iter_next((json_t *)writes, *it)) {
        const char *id = json_object_iter_key(*it);
        const json_t *rec = json_object_iter_value(*it);
        char *key = NULL, *text = NULL;

        if (asprintf(&key, "%s%s", h->records, id) < 0 ||
            (!json_is_null(rec) &&
             !(text = json_dumps(rec, JSON_COMPACT)))) {
            free(key);
            json_decref(ops);
            return slc_error_set(err, SLC_ENOMEM, "out of memory");
        }
        json_array_append_new(
            ops, text ? json_pack("{s{so so}}", "request_put", "key",
                                  b64s(key), "value", b64s(text))
                      : json_pack("{s{so}}", "request_delete_range", "key",
                                  b64s(key)));
        free(key);
        free(text);
    }
    json_array_append_new(ops, json_pack("{s{so so}}", "request_put", "key",
                                         b64s(h->version), "value",
                                         b64s("1")));
    rc = call(h, "/v3/kv/txn",
              json_pack("{s[{so ss ss sI}] sO so}", "compare", "key",
                        b64s(h->version), "target", "MOD", "result",
                        "EQUAL", "mod_revision", (json_int_t)h->seen,
                        "success", ops, "failure", ops),
              false, &reply, err);
    if (rc) {
        h->loaded = false; /* it may have gone in: read it back */
        return rc;
    }
    if (json_is_true(json_object_get(reply, "succeeded")) && h->loaded) {
        h->seen = slc_etcd_int(json_object_get(json_object_get(reply,
                                                               "header"),
                                               "revision"));
    } else {
        h->loaded = false; /* another instance wrote in between */
    }
    json_decref(reply);
    return 0;
}

int
vim_shared_write(struct vim_shared *h, const json_t *writes,
                 struct slc_error *err)
{
    void *it = json_object_iter((json_t *)writes);
    int rc = 0;

    while (it && !rc) {
        rc = write_some(h, writes, &it, err);
    }
    return rc;
}

static void
sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = 0, .tv_nsec = ms * 1000000};

    nanosleep(&ts, NULL);
}

int
vim_shared_lock(struct vim_shared *h, json_t **table, bool *reloaded,
                struct slc_error *err)
{
    json_t *reply;
    int rc = call(h, "/v3/lease/grant", json_pack("{si}", "TTL", LOCK_TTL_S),
                  true, &reply, err);

    *reloaded = false;
    if (rc) {
        return rc;
    }
    h->lease = slc_etcd_int(json_object_get(reply, "ID"));
    json_decref(reply);
    for (int waited = 0; waited < WAIT_MS; waited++) {
        bool got;

        rc = call(h, "/v3/kv/txn",
                  json_pack("{s[{so ss ss ss}] s[{s{so so sI}}]}", "compare",
                            "key", b64s(h->lock), "target", "CREATE",
                            "result", "EQUAL", "create_revision", "0",
                            "success", "request_put", "key", b64s(h->lock),
                            "value", b64s("locked"), "lease",
                            (json_int_t)h->lease),
                  false, &reply, err);
        got = !rc && json_is_true(json_object_get(reply, "succeeded"));
        json_decref(reply);
        if (rc) {
            return rc;
        }
        if (got) {
            rc = vim_shared_sync(h, table, reloaded, err);
            if (rc) {
                vim_shared_unlock(h);
            }
            return rc;
        }
        sleep_ms(1);
    }
    return slc_error_set(err, SLC_ETIMEOUT,
                         "its shared resource table stayed locked for %d ms",
                         WAIT_MS);
}

void
vim_shared_unlock(struct vim_shared *h)
{
    json_t *reply;

    if (!call(h, "/v3/kv/deleterange", json_pack("{so}", "key",
                                                 b64s(h->lock)),
              false, &reply, NULL)) {
        json_decref(reply);
    }
    if (!call(h, "/v3/lease/revoke",
              json_pack("{sI}", "ID", (json_int_t)h->lease), false, &reply,
              NULL)) {
        json_decref(reply);
    }
}

int
vim_shared_once(struct vim_shared *h, const char *what, bool *first,
                struct slc_error *err)
{
    char *key = NULL;
    json_t *reply;
    int rc;

    *first = false;
    if (asprintf(&key, "%sonce/%s", h->prefix, what) < 0) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    rc = call(h, "/v3/kv/txn",
              json_pack("{s[{so ss ss ss}] s[{s{so so}}]}", "compare", "key",
                        b64s(key), "target", "CREATE", "result", "EQUAL",
                        "create_revision", "0", "success", "request_put",
                        "key", b64s(key), "value", b64s("1")),
              false, &reply, err);
    free(key);
    if (!rc) {
        *first = json_is_true(json_object_get(reply, "succeeded"));
        json_decref(reply);
    }
    return rc;
}

void
vim_shared_forget_once(struct vim_shared *h, const char *what)
{
    char *key = NULL;
    json_t *reply;

    if (asprintf(&key, "%sonce/%s", h->prefix, what) < 0) {
        return;
    }
    if (!call(h, "/v3/kv/deleterange",
              json_pack("{so so}", "key", b64s(key), "range_end",
                        slc_etcd_prefix_end(key)),
              false, &reply, NULL)) {
        json_decref(reply);
    }
    free(key);
}

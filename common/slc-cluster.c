/* Cluster membership and operation claims on etcd (see slc-cluster.h).
 * Calls are synchronous (slc-etcd.c), made from the loop's timers and
 * from the daemon's own calls; each is one request to a member. */
#include "slc-cluster.h"

#include <event2/event.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "slc-etcd.h"
#include "slc-http-client.h"
#include "slc-log.h"
#include "slc-store.h"

SLC_LOG_MODULE(cluster);

#define SCAN_MS 500
#define REWATCH_MS 200

/* A watch of one collection's records. */
struct watch {
    struct slc_cluster *c;
    char *coll;
    char *key;              /* its records' key prefix */
    bool raw;               /* keys, not records: an id is what follows */
    slc_cluster_change_fn fn;
    void *arg;
    int64_t next_rev;       /* where to start again; 0: from now */
    struct event *again;
    /* changes read, handed over from the loop (not from inside the HTTP
     * client's callback, where a handler could not start a request) */
    json_t *changes;        /* [[id, deleted]] */
    struct event *deliver;
    struct watch *next;
};

struct slc_cluster {
    struct slc_cluster_params p;
    struct slc_etcd *etcd;
    char *prefix;          /* "/PREFIX/cluster" */
    char *instance;
    char *alive_key;
    _Atomic int64_t lease;
    unsigned ttl_s;
    /* The lease is renewed by a thread of its own, with a client of its
     * own: a loop busy with a long run of store calls (a burst of slice
     * requests on etcd) must not let it expire.  The thread only renews
     * and says when etcd let it expire anyway; the loop joins again. */
    struct slc_etcd *keeper_etcd;
    pthread_t keeper;
    bool keeper_started;
    atomic_bool stop;
    atomic_bool expired;
    json_t *held;          /* "COLL/ID" -> true: claims this instance holds */
    json_t *was_alive;     /* the instances alive at the last scan */
    struct event *renew;
    struct event *scan;
    char *store_prefix;    /* "/PREFIX" */
    struct watch *watches;
};

static json_t *
b64s(const char *s)
{
    return slc_etcd_b64(s, strlen(s));
}

/* The claim key of (coll, id); NULL when out of memory.  Collections and
 * ids here are the daemon's own (no '/'). */
static char *
claim_key(const struct slc_cluster *c, const char *coll, const char *id)
{
    char *k = NULL;

    return asprintf(&k, "%s/claims/%s/%s", c->prefix, coll, id) < 0 ? NULL
                                                                    : k;
}

static char *
alive_key(const struct slc_cluster *c, const char *instance)
{
    char *k = NULL;

    return asprintf(&k, "%s/alive/%s", c->prefix, instance) < 0 ? NULL : k;
}

/* The value of kv (base64) as a new string; NULL when none. */
static char *
kv_value(const json_t *kv)
{
    const char *v = json_string_value(json_object_get(kv, "value"));
    size_t size;

    return v ? slc_etcd_unb64(v, &size) : NULL;
}

static char *
kv_key(const json_t *kv)
{
    const char *k = json_string_value(json_object_get(kv, "key"));
    size_t size;

    return k ? slc_etcd_unb64(k, &size) : NULL;
}

/* Takes a new lease and puts this instance's alive key under it, unless
 * a live instance has the same name. */
static int
join(struct slc_cluster *c, struct slc_error *err)
{
    json_t *req = json_pack("{si}", "TTL", (int)c->ttl_s), *reply = NULL;
    int rc = slc_etcd_call(c->etcd, "/v3/lease/grant", req, true, &reply,
                           err);

    json_decref(req);
    if (rc) {
        return rc;
    }
    c->lease = slc_etcd_int(json_object_get(reply, "ID"));
    json_decref(reply);
    req = json_pack(
        "{s[{so ss ss ss}] s[{s{so so sI}}]}", "compare", "key",
        b64s(c->alive_key), "target", "CREATE", "result", "EQUAL",
        "create_revision", "0", "success", "request_put", "key",
        b64s(c->alive_key), "value", b64s(c->instance), "lease",
        (json_int_t)c->lease);
    rc = slc_etcd_call(c->etcd, "/v3/kv/txn", req, false, &reply, err);
    json_decref(req);
    if (!rc && !json_is_true(json_object_get(reply, "succeeded"))) {
        rc = slc_error_set(err, SLC_EEXISTS,
                           "cluster: an instance named '%s' is alive "
                           "already (instance: must be unique)",
                           c->instance);
    }
    json_decref(reply);
    return rc;
}

/* The keeper thread: renews the lease every third of its time to live,
 * whatever the loop is doing. */
static void *
keep(void *arg)
{
    struct slc_cluster *c = arg;
    long period_ms = (long)c->ttl_s * 1000 / 3;

    while (!atomic_load(&c->stop)) {
        json_t *req = json_pack("{sI}", "ID",
                                (json_int_t)atomic_load(&c->lease));
        json_t *reply = NULL;
        struct slc_error err = {0};

        if (!atomic_load(&c->expired) && req &&
            !slc_etcd_call(c->keeper_etcd, "/v3/lease/keepalive", req, true,
                           &reply, &err) &&
            slc_etcd_int(json_object_get(json_object_get(reply, "result"),
                                         "TTL")) <= 0) {
            atomic_store(&c->expired, true);
        }
        json_decref(req);
        json_decref(reply);
        for (long waited = 0; waited < period_ms && !atomic_load(&c->stop);
             waited += 50) {
            struct timespec ts = {0, 50 * 1000000L};

            nanosleep(&ts, NULL);
        }
    }
    return NULL;
}

/* The loop's side: joins again when the keeper found the lease gone. */
static void
on_renew(evutil_socket_t fd, short what, void *arg)
{
    struct slc_cluster *c = arg;
    struct slc_error err = {0};

    (void)fd;
    (void)what;
    if (!atomic_load(&c->expired)) {
        return;
    }
    /* the cluster took this instance for dead: its claims may be someone
     * else's now; the daemon's operations find that out when they next
     * claim */
    SLC_ERR("cluster: instance %s: its lease expired; joining again",
            c->instance);
    json_object_clear(c->held);
    if (join(c, &err)) {
        SLC_WARN("cluster: instance %s: joining again: %s", c->instance,
                 err.msg);
    } else {
        atomic_store(&c->expired, false);
    }
}

/* Takes the claim of dead instance 'owner' on 'key' (seen at mod
 * revision 'mod'): only while the claim is unchanged and the owner is
 * still not alive. */
static bool
take_over(struct slc_cluster *c, const char *key, int64_t mod,
          const char *owner)
{
    char *alive = alive_key(c, owner);
    json_t *req = alive ? json_pack(
                              "{s[{so ss ss sI}{so ss ss ss}] s[{s{so so}}]}",
                              "compare", "key", b64s(key), "target", "MOD",
                              "result", "EQUAL", "mod_revision",
                              (json_int_t)mod, "key", b64s(alive), "target",
                              "CREATE", "result", "EQUAL", "create_revision",
                              "0", "success", "request_put", "key",
                              b64s(key), "value", b64s(c->instance))
                        : NULL;
    json_t *reply = NULL;
    struct slc_error err = {0};
    bool won = false;

    if (req && !slc_etcd_call(c->etcd, "/v3/kv/txn", req, false, &reply,
                              &err)) {
        won = json_is_true(json_object_get(reply, "succeeded"));
    } else if (req) {
        SLC_WARN("cluster: taking over %s: %s", key, err.msg);
    }
    json_decref(req);
    json_decref(reply);
    free(alive);
    return won;
}

/* Every kv under 'prefix/' (a new array), NULL on an error (logged). */
static json_t *
range(struct slc_cluster *c, const char *what)
{
    char *from = NULL;
    json_t *req, *reply = NULL, *kvs;
    struct slc_error err = {0};

    if (asprintf(&from, "%s/%s/", c->prefix, what) < 0) {
        return NULL;
    }
    req = json_pack("{so so}", "key", b64s(from), "range_end",
                    slc_etcd_prefix_end(from));
    free(from);
    if (!req || slc_etcd_call(c->etcd, "/v3/kv/range", req, true, &reply,
                              &err)) {
        if (req) {
            SLC_WARN("cluster: reading %s: %s", what, err.msg);
        }
        json_decref(req);
        return NULL;
    }
    json_decref(req);
    kvs = json_incref(json_object_get(reply, "kvs"));
    json_decref(reply);
    return kvs ? kvs : json_array();
}

/* Whether an instance of 'before' (NULL at the first look) is not in
 * 'now'. */
static bool
someone_went(const json_t *before, const json_t *now)
{
    const char *name;
    const json_t *v;

    json_object_foreach((json_t *)before, name, v)
    {
        if (!json_object_get(now, name)) {
            return true;
        }
    }
    return false;
}

static void
on_scan(evutil_socket_t fd, short what, void *arg)
{
    struct slc_cluster *c = arg;
    json_t *claims = range(c, "claims"), *alive = range(c, "alive");
    json_t *live = json_object();
    const json_t *kv;
    size_t i, n = strlen(c->prefix) + strlen("/claims/");
    bool looked;

    (void)fd;
    (void)what;
    json_array_foreach(alive, i, kv)
    {
        char *v = kv_value(kv);

        if (v) {
            json_object_set_new(live, v, json_true());
        }
        free(v);
    }
    json_array_foreach(claims, i, kv)
    {
        char *owner = kv_value(kv), *key = kv_key(kv);
        char *slash = key && strlen(key) > n ? strchr(key + n, '/') : NULL;

        if (alive && owner && slash &&
            !json_object_get(live, owner) &&
            take_over(c, key, slc_etcd_int(json_object_get(kv,
                                                           "mod_revision")),
                      owner)) {
            *slash = '\0';
            SLC_WARN("cluster: instance %s took over %s/%s from %s, which "
                     "is gone",
                     c->instance, key + n, slash + 1, owner);
            *slash = '/';
            json_object_set_new(c->held, key + n, json_true());
            *slash = '\0';
            c->p.orphan(c->p.arg, key + n, slash + 1);
        }
        free(owner);
        free(key);
    }
    looked = alive != NULL;
    json_decref(claims);
    json_decref(alive);
    if (looked && someone_went(c->was_alive, live) && c->p.gone) {
        SLC_WARN("cluster: an instance is gone; looking for operations "
                 "it stored without claiming them");
        c->p.gone(c->p.arg);
    }
    if (looked) {
        json_decref(c->was_alive);
        c->was_alive = live;
    } else {
        json_decref(live);
    }
}

int
slc_cluster_new(const struct slc_cluster_params *p, struct slc_cluster **out,
                struct slc_error *err)
{
    struct slc_cluster *c;
    char *members = NULL, *prefix = NULL;
    unsigned max_ops;
    int rc;

    *out = NULL;
    if (strncmp(p->store, "etcd:", 5)) {
        return 0;
    }
    if (!p->instance || !p->instance[0] ||
        strcspn(p->instance, "/ \t") != strlen(p->instance)) {
        return slc_error_set(err, SLC_EINVALID,
                             "instance: '%s' is not a name (no '/' or "
                             "blank)",
                             p->instance ? p->instance : "");
    }
    if ((rc = slc_etcd_location(p->store + 5, &members, &prefix, &max_ops,
                                err))) {
        return rc;
    }
    c = calloc(1, sizeof *c);
    if (c) {
        c->p = *p;
        c->ttl_s = p->ttl_s ? p->ttl_s : 3;
        c->held = json_object();
        c->instance = strdup(p->instance);
        if (asprintf(&c->prefix, "%s/cluster", prefix) < 0) {
            c->prefix = NULL;
        }
        c->store_prefix = prefix;
        prefix = NULL;
    }
    free(prefix);
    if (!c || !c->held || !c->instance || !c->prefix || !c->store_prefix ||
        !(c->alive_key = alive_key(c, c->instance))) {
        free(members);
        slc_cluster_free(c);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    rc = slc_etcd_new(members, 2000, &c->etcd, err);
    rc = rc ? rc : slc_etcd_new(members, 1000, &c->keeper_etcd, err);
    free(members);
    rc = rc ? rc : join(c, err);
    if (!rc && pthread_create(&c->keeper, NULL, keep, c)) {
        rc = slc_error_set(err, SLC_ENOMEM,
                           "cluster: cannot start the lease's keeper");
    }
    c->keeper_started = !rc;
    if (!rc) {
        struct timeval renew = {.tv_sec = 0,
                                .tv_usec = (long)c->ttl_s * 1000000 / 3};
        struct timeval scan = {.tv_sec = 0, .tv_usec = SCAN_MS * 1000};

        if (renew.tv_usec >= 1000000) {
            renew.tv_sec = renew.tv_usec / 1000000;
            renew.tv_usec %= 1000000;
        }
        c->renew = event_new(p->base, -1, EV_PERSIST, on_renew, c);
        c->scan = event_new(p->base, -1, EV_PERSIST, on_scan, c);
        if (!c->renew || !c->scan) {
            rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
        } else {
            event_add(c->renew, &renew);
            event_add(c->scan, &scan);
        }
    }
    if (rc) {
        slc_cluster_free(c);
        return rc;
    }
    SLC_INFO("cluster: instance %s joined (lease %lld, %u s)", c->instance,
             (long long)c->lease, c->ttl_s);
    *out = c;
    return 0;
}

void
slc_cluster_free(struct slc_cluster *c)
{
    if (!c) {
        return;
    }
    if (c->keeper_started) {
        atomic_store(&c->stop, true);
        pthread_join(c->keeper, NULL);
    }
    if (c->renew) {
        event_free(c->renew);
    }
    if (c->scan) {
        event_free(c->scan);
    }
    if (c->etcd && c->lease) {
        json_t *req = json_pack("{sI}", "ID", (json_int_t)c->lease);
        json_t *reply = NULL;
        struct slc_error err = {0};

        if (slc_etcd_call(c->etcd, "/v3/lease/revoke", req, false, &reply,
                          &err)) {
            SLC_WARN("cluster: leaving: %s", err.msg);
        }
        json_decref(req);
        json_decref(reply);
    }
    while (c->watches) {
        struct watch *w = c->watches;

        c->watches = w->next;
        if (w->again) {
            event_free(w->again);
        }
        if (w->deliver) {
            event_free(w->deliver);
        }
        json_decref(w->changes);
        free(w->coll);
        free(w->key);
        free(w);
    }
    slc_etcd_free(c->etcd);
    slc_etcd_free(c->keeper_etcd);
    json_decref(c->held);
    json_decref(c->was_alive);
    free(c->store_prefix);
    free(c->prefix);
    free(c->instance);
    free(c->alive_key);
    free(c);
}

int
slc_cluster_claim(struct slc_cluster *c, const char *coll, const char *id,
                  struct slc_error *err)
{
    char *key, *held = NULL, *owner = NULL;
    json_t *req, *reply = NULL;
    const json_t *kv;
    int rc;

    if (!c) {
        return 0;
    }
    if (asprintf(&held, "%s/%s", coll, id) < 0) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    if (json_object_get(c->held, held)) {
        free(held);
        return 0;
    }
    if (!(key = claim_key(c, coll, id))) {
        free(held);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    /* new, or already this instance's (a restart under the same name),
     * or a dead instance's */
    req = json_pack("{s[{so ss ss ss}] s[{s{so so}}] s[{s{so}}]}",
                    "compare", "key", b64s(key), "target", "CREATE",
                    "result", "EQUAL", "create_revision", "0", "success",
                    "request_put", "key", b64s(key), "value",
                    b64s(c->instance), "failure", "request_range", "key",
                    b64s(key));
    rc = slc_etcd_call(c->etcd, "/v3/kv/txn", req, false, &reply, err);
    json_decref(req);
    if (!rc && !json_is_true(json_object_get(reply, "succeeded"))) {
        char *alive;
        json_t *akv = NULL;

        kv = slc_etcd_txn_kv(reply, 0);
        owner = kv_value(kv);
        if (owner && strcmp(owner, c->instance)) {
            json_t *areq, *areply = NULL;

            alive = alive_key(c, owner);
            areq = alive ? json_pack("{so}", "key", b64s(alive)) : NULL;
            rc = areq ? slc_etcd_call(c->etcd, "/v3/kv/range", areq, true,
                                      &areply, err)
                      : slc_error_set(err, SLC_ENOMEM, "out of memory");
            akv = json_array_get(json_object_get(areply, "kvs"), 0);
            if (!rc && akv) {
                rc = slc_error_set(err, SLC_EBUSY,
                                   "%s '%s' is run by instance %s", coll, id,
                                   owner);
            } else if (!rc &&
                       !take_over(c, key,
                                  slc_etcd_int(json_object_get(
                                      kv, "mod_revision")),
                                  owner)) {
                rc = slc_error_set(err, SLC_EBUSY,
                                   "%s '%s' was just taken by another "
                                   "instance",
                                   coll, id);
            }
            json_decref(areq);
            json_decref(areply);
            free(alive);
        }
    }
    json_decref(reply);
    if (!rc) {
        json_object_set_new(c->held, held, json_true());
    }
    free(owner);
    free(held);
    free(key);
    return rc;
}

void
slc_cluster_release(struct slc_cluster *c, const char *coll, const char *id)
{
    char *key, *held = NULL;
    json_t *req, *reply = NULL;
    struct slc_error err = {0};

    if (!c || asprintf(&held, "%s/%s", coll, id) < 0) {
        return;
    }
    if (!json_object_get(c->held, held) || !(key = claim_key(c, coll, id))) {
        free(held);
        return;
    }
    json_object_del(c->held, held);
    /* only while it is still this instance's */
    req = json_pack("{s[{so ss ss so}] s[{s{so}}]}", "compare", "key",
                    b64s(key), "target", "VALUE", "result", "EQUAL", "value",
                    b64s(c->instance), "success", "request_delete_range",
                    "key", b64s(key));
    if (slc_etcd_call(c->etcd, "/v3/kv/txn", req, false, &reply, &err)) {
        SLC_WARN("cluster: releasing %s: %s", held, err.msg);
    }
    json_decref(req);
    json_decref(reply);
    free(held);
    free(key);
}

bool
slc_cluster_alone(struct slc_cluster *c)
{
    json_t *alive;
    bool alone;

    if (!c) {
        return true;
    }
    alive = range(c, "alive");
    alone = alive && json_array_size(alive) <= 1;
    json_decref(alive);
    return alone;
}

/* ---- watches ---- */

static void watch_start(struct watch *w);

/* One line of a watch's stream: {"result": {"header", "events": [...]}}.
 * A watch started from a revision etcd has compacted away is cancelled
 * at once ({"canceled": true, "compact_revision": N}): what changed in
 * between is lost, so the handler is told to read the collection whole
 * (a change without an id), and the watch starts again from N.  Returns
 * false to end the stream (it is then opened again). */
static bool
on_watch_line(void *arg, const char *line, size_t len)
{
    struct watch *w = arg;
    json_t *msg;

    if (!w->fn) {
        return false; /* let go */
    }
    msg = json_loadb(line, len, 0, NULL);
    const json_t *result = json_object_get(msg, "result"), *ev;
    int64_t compacted = slc_etcd_int(json_object_get(result,
                                                     "compact_revision"));
    size_t i;

    if (compacted > 0 || json_is_true(json_object_get(result, "canceled"))) {
        SLC_WARN("cluster: watch of %s cancelled (%s); reading it whole "
                 "and watching again from revision %lld",
                 w->coll,
                 compacted > 0 ? "its revisions were compacted"
                               : json_string_value(json_object_get(
                                     result, "cancel_reason")) ?: "no reason",
                 (long long)(compacted > 0 ? compacted : w->next_rev));
        if (compacted > 0) {
            w->next_rev = compacted;
        }
        json_array_append_new(w->changes, json_pack("[nb]", false));
        event_active(w->deliver, 0, 0);
        json_decref(msg);
        return false;
    }

    json_array_foreach(json_object_get(result, "events"), i, ev)
    {
        const json_t *kv = json_object_get(ev, "kv");
        char *key = kv_key(kv);
        char *id = !key            ? NULL
                   : !w->raw       ? slc_store_etcd_key_id(key)
                   : !strncmp(key, w->key, strlen(w->key))
                       ? strdup(key + strlen(w->key))
                       : NULL;
        int64_t mod = slc_etcd_int(json_object_get(kv, "mod_revision"));

        if (id) {
            json_array_append_new(
                w->changes,
                json_pack("[sb]", id,
                          !strcmp(json_string_value(
                                      json_object_get(ev, "type")) ?: "",
                                  "DELETE")));
            event_active(w->deliver, 0, 0);
        }
        if (mod >= w->next_rev) {
            w->next_rev = mod + 1;
        }
        free(id);
        free(key);
    }
    if (!w->next_rev && json_object_get(result, "header")) {
        /* created: changes from the next revision on */
        w->next_rev = slc_etcd_int(json_object_get(
                          json_object_get(result, "header"), "revision")) +
                      1;
    }
    json_decref(msg);
    return true;
}

static void
on_watch_deliver(evutil_socket_t fd, short what, void *arg)
{
    struct watch *w = arg;
    json_t *changes = w->changes;
    const json_t *ch;
    size_t i;

    (void)fd;
    (void)what;
    w->changes = json_array();
    json_array_foreach(changes, i, ch)
    {
        if (!w->fn) {
            break;
        }
        w->fn(w->arg, w->coll, json_string_value(json_array_get(ch, 0)),
              json_is_true(json_array_get(ch, 1)));
    }
    json_decref(changes);
}

static void
on_watch_end(void *arg, const struct slc_http_reply *r)
{
    struct watch *w = arg;
    struct timeval tv = {0, REWATCH_MS * 1000};

    if (!w->fn) {
        return;
    }
    SLC_WARN("cluster: watch of %s ended (%s); again from revision %lld",
             w->coll, r->error ? r->error : "closed",
             (long long)w->next_rev);
    event_add(w->again, &tv);
}

static void
on_watch_again(evutil_socket_t fd, short what, void *arg)
{
    struct watch *w = arg;
    json_t *req = json_pack("{}"), *reply = NULL;

    (void)fd;
    (void)what;
    /* a cheap call finds a member that answers */
    if (req) {
        slc_etcd_call(w->c->etcd, "/v3/maintenance/status", req, true,
                      &reply, NULL);
    }
    json_decref(req);
    json_decref(reply);
    watch_start(w);
}

static void
watch_start(struct watch *w)
{
    char url[300];
    json_t *create = json_pack("{so so}", "key", b64s(w->key), "range_end",
                               slc_etcd_prefix_end(w->key));
    json_t *body;
    char *text;
    struct slc_error err = {0};

    if (create && w->next_rev) {
        json_object_set_new(create, "start_revision",
                            json_integer(w->next_rev));
    }
    body = create ? json_pack("{so}", "create_request", create) : NULL;
    text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    snprintf(url, sizeof url, "http://%s/v3/watch",
             slc_etcd_member(w->c->etcd));
    if (!text ||
        slc_http_client_start(
            w->c->p.http,
            &(struct slc_http_call){.method = "POST",
                                    .url = url,
                                    .body = text,
                                    .body_size = strlen(text),
                                    .timeout_ms = 7L * 24 * 3600 * 1000,
                                    .on_line = on_watch_line},
            on_watch_end, w, &err)) {
        struct timeval tv = {0, REWATCH_MS * 1000};

        SLC_WARN("cluster: watch of %s: %s", w->coll,
                 text ? err.msg : "out of memory");
        event_add(w->again, &tv);
    }
    free(text);
}

static int
add_watch(struct slc_cluster *c, const char *coll, const char *raw_prefix,
          slc_cluster_change_fn fn, void *arg, struct watch **out,
          struct slc_error *err)
{
    struct watch *w;

    if (out) {
        *out = NULL;
    }
    if (!c) {
        return 0;
    }
    if (!c->p.http) {
        return slc_error_set(err, SLC_EINVALID,
                             "cluster: watching %s needs an HTTP client",
                             coll);
    }
    w = calloc(1, sizeof *w);
    if (!w || !(w->coll = strdup(coll)) ||
        !(w->key = raw_prefix ? strdup(raw_prefix)
                              : slc_store_etcd_coll_key(c->store_prefix,
                                                        coll)) ||
        !(w->again = evtimer_new(c->p.base, on_watch_again, w)) ||
        !(w->deliver = event_new(c->p.base, -1, 0, on_watch_deliver, w)) ||
        !(w->changes = json_array())) {
        if (w) {
            free(w->coll);
            free(w->key);
            if (w->again) {
                event_free(w->again);
            }
            if (w->deliver) {
                event_free(w->deliver);
            }
        }
        free(w);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    w->c = c;
    w->raw = raw_prefix != NULL;
    w->fn = fn;
    w->arg = arg;
    w->next = c->watches;
    c->watches = w;
    watch_start(w);
    if (out) {
        *out = w;
    }
    return 0;
}

int
slc_cluster_watch(struct slc_cluster *c, const char *coll,
                  slc_cluster_change_fn fn, void *arg,
                  struct slc_error *err)
{
    return add_watch(c, coll, NULL, fn, arg, NULL, err);
}

int
slc_cluster_watch_keys(struct slc_cluster *c, const char *what,
                       const char *prefix, slc_cluster_change_fn fn,
                       void *arg, struct slc_cluster_watch **out,
                       struct slc_error *err)
{
    return add_watch(c, what, prefix, fn, arg, (struct watch **)out, err);
}

void
slc_cluster_unwatch(struct slc_cluster_watch *handle)
{
    struct watch *w = (struct watch *)handle;

    if (w) {
        /* its stream ends at its next line; the rest goes with the
         * cluster (the HTTP client cannot stop a transfer) */
        w->fn = NULL;
        event_del(w->again);
        event_del(w->deliver);
    }
}

/* The sim VIM's cloud shared by several slicerd (vim-sim.c): its
 * resources, counters and capacity in use live in etcd, under
 * /PREFIX/vim-state/ACCOUNT/, instead of in one process, so that any
 * instance sees what another made, and what a dead one made survives it.
 *
 * Each call of the driver runs under a lock: a key put only if absent,
 * under a lease of its own (2 s), read together with the state in one
 * etcd transaction; the state is written back and the lock deleted in
 * another.  A lock whose holder died goes with its lease.  A waiter
 * retries every millisecond, up to 5 s: the sim is a test VIM, and a call
 * holds the lock for two round trips on loopback. */
#include "sim-shared.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "slc-etcd.h"

#define LOCK_TTL_S 2
#define WAIT_MS 5000

struct sim_shared {
    struct slc_etcd *etcd;
    char *lock_key;
    char *state_key;
    int64_t lease;
};

static json_t *
b64s(const char *s)
{
    return slc_etcd_b64(s, strlen(s));
}

int
slc_sim_shared_open(const char *location, const char *account,
                    struct sim_shared **out, struct slc_error *err)
{
    struct sim_shared *h = calloc(1, sizeof *h);
    char *members = NULL, *prefix = NULL;
    unsigned max_ops;
    int rc;

    *out = NULL;
    if (!h) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    rc = slc_etcd_location(location + strlen("etcd:"), &members, &prefix,
                           &max_ops, err);
    if (!rc && (asprintf(&h->lock_key, "%s/vim-state/%s/lock", prefix,
                         account) < 0 ||
                asprintf(&h->state_key, "%s/vim-state/%s/state", prefix,
                         account) < 0)) {
        rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    rc = rc ? rc : slc_etcd_new(members, 2000, &h->etcd, err);
    free(members);
    free(prefix);
    if (rc) {
        slc_sim_shared_close(h);
        return rc;
    }
    *out = h;
    return 0;
}

void
slc_sim_shared_close(struct sim_shared *h)
{
    if (!h) {
        return;
    }
    slc_etcd_free(h->etcd);
    free(h->lock_key);
    free(h->state_key);
    free(h);
}

static void
sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = 0, .tv_nsec = ms * 1000000};

    nanosleep(&ts, NULL);
}

int
slc_sim_shared_lock(struct sim_shared *h, json_t **state,
                    struct slc_error *err)
{
    json_t *req = json_pack("{si}", "TTL", LOCK_TTL_S), *reply = NULL;
    int rc = slc_etcd_call(h->etcd, "/v3/lease/grant", req, true, &reply,
                           err);

    *state = NULL;
    json_decref(req);
    if (rc) {
        return slc_error_prefix(err, "sim: its shared state");
    }
    h->lease = slc_etcd_int(json_object_get(reply, "ID"));
    json_decref(reply);
    for (int waited = 0; waited < WAIT_MS; waited++) {
        const json_t *kv;
        const char *v64;

        req = json_pack("{s[{so ss ss ss}] s[{s{so so sI}}{s{so}}]}",
                        "compare", "key", b64s(h->lock_key), "target",
                        "CREATE", "result", "EQUAL", "create_revision", "0",
                        "success", "request_put", "key", b64s(h->lock_key),
                        "value", b64s("locked"), "lease",
                        (json_int_t)h->lease, "request_range", "key",
                        b64s(h->state_key));
        rc = slc_etcd_call(h->etcd, "/v3/kv/txn", req, false, &reply, err);
        json_decref(req);
        if (rc) {
            return slc_error_prefix(err, "sim: its shared state");
        }
        if (!json_is_true(json_object_get(reply, "succeeded"))) {
            json_decref(reply);
            sleep_ms(1);
            continue;
        }
        kv = slc_etcd_txn_kv(reply, 1);
        v64 = json_string_value(json_object_get(kv, "value"));
        if (v64) {
            size_t size;
            char *text = slc_etcd_unb64(v64, &size);

            *state = text ? json_loadb(text, size, 0, NULL) : NULL;
            free(text);
        }
        json_decref(reply);
        if (!*state) {
            *state = json_object(); /* a cloud nobody used yet */
        }
        return 0;
    }
    return slc_error_set(err, SLC_ETIMEOUT,
                         "sim: its shared state stayed locked for %d ms",
                         WAIT_MS);
}

int
slc_sim_shared_unlock(struct sim_shared *h, const json_t *state,
                      struct slc_error *err)
{
    char *text = state ? json_dumps(state, JSON_COMPACT) : NULL;
    json_t *ops = json_array(), *req, *reply = NULL;
    int rc;

    if (text) {
        json_array_append_new(ops, json_pack("{s{so so}}", "request_put",
                                             "key", b64s(h->state_key),
                                             "value", b64s(text)));
    }
    json_array_append_new(ops, json_pack("{s{so}}", "request_delete_range",
                                         "key", b64s(h->lock_key)));
    free(text);
    req = json_pack("{so}", "success", ops);
    rc = slc_etcd_call(h->etcd, "/v3/kv/txn", req, false, &reply, err);
    json_decref(req);
    json_decref(reply);
    req = json_pack("{sI}", "ID", (json_int_t)h->lease);
    if (!slc_etcd_call(h->etcd, "/v3/lease/revoke", req, false, &reply,
                       NULL)) {
        json_decref(reply);
    }
    json_decref(req);
    return rc ? slc_error_prefix(err, "sim: saving its shared state") : 0;
}

/* JSON-RPC sessions with Open vSwitch daemons (see ovsdb.h).
 *
 * The socket is non-blocking.  Outgoing messages are queued in 'out' and
 * written when the socket takes them; incoming bytes collect in 'in' and
 * are cut into messages by a scanner that follows JSON strings and
 * nesting (the protocol has no framing), then parsed by jansson.  The
 * scanner keeps its state between reads, so a long reply arriving in many
 * pieces is scanned once. */
#include <errno.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "ovsdb.h"
#include "stream.h"
#include "slc-log.h"

SLC_LOG_MODULE(ovsdb);

#define MAX_MESSAGE (64u << 20) /* a whole-database reply stays far below */

enum call_kind {
    CALL_PLAIN,
    CALL_TRANSACT,  /* check per-operation errors */
    CALL_APPLIED,   /* ... then wait for cur_cfg */
    CALL_MONITOR,   /* internal: follows cur_cfg */
};

struct call {
    uint64_t id;
    enum call_kind kind;
    slc_ovsdb_reply_fn cb;
    void *arg;
    size_t n_ops;         /* the caller's operations in a transaction */
    int64_t cfg;          /* CALL_APPLIED: the next_cfg to wait for */
    json_t *result;       /* CALL_APPLIED: kept until applied */
    struct call *next;
};

struct slc_ovsdb {
    struct event_base *base;
    char *target;
    int fd;
    struct event *rd, *wr, *later;
    char *in;
    size_t in_len, in_cap;
    size_t scan, start;   /* scanner position and message start */
    int depth;
    bool in_str, esc;
    char *out;
    size_t out_len, out_cap;
    uint64_t next_id;
    struct call *calls;   /* sent, reply not yet received */
    struct call *waiting; /* transactions waiting for cur_cfg */
    struct call *failed;  /* to be failed from the loop */
    int64_t cur_cfg;
    bool monitoring;
    char lost[200];       /* why the connection went away, "" while up */
};

/* ---- value notation ---- */

json_t *
slc_ovsdb_map(json_t *object)
{
    json_t *pairs = json_array();
    const char *k;
    json_t *v;

    json_object_foreach(object, k, v)
    {
        json_array_append_new(pairs, json_pack("[sO]", k, v));
    }
    json_decref(object);
    return json_pack("[so]", "map", pairs);
}

json_t *
slc_ovsdb_named(const char *name)
{
    return json_pack("[ss]", "named-uuid", name);
}

json_t *
slc_ovsdb_map_get(const json_t *map)
{
    json_t *o = json_object();
    const json_t *pair;
    size_t i;

    if (json_is_array(map) && json_array_size(map) == 2 &&
        !strcmp(json_string_value(json_array_get(map, 0)) ?: "", "map")) {
        json_array_foreach(json_array_get(map, 1), i, pair)
        {
            const char *k = json_string_value(json_array_get(pair, 0));

            if (k) {
                json_object_set(o, k, json_array_get(pair, 1));
            }
        }
    }
    return o;
}

json_t *
slc_ovsdb_set_get(const json_t *set)
{
    const char *tag = json_string_value(json_array_get(set, 0));

    if (json_is_array(set) && tag && !strcmp(tag, "set")) {
        return json_deep_copy(json_array_get(set, 1));
    }
    return json_pack("[O]", set);
}

/* ---- connection ---- */

static void on_readable(evutil_socket_t fd, short what, void *arg);
static void on_writable(evutil_socket_t fd, short what, void *arg);
static void on_later(evutil_socket_t fd, short what, void *arg);

int
slc_ovsdb_connect(struct event_base *base, const char *target,
                  struct slc_ovsdb **out, struct slc_error *err)
{
    struct slc_ovsdb *db = calloc(1, sizeof *db);
    int fd;

    *out = NULL;
    if (!db || !(db->target = strdup(target))) {
        free(db);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    fd = slc_stream_socket(target, err);
    if (fd < 0) {
        free(db->target);
        free(db);
        return fd;
    }
    db->fd = fd;
    db->base = base;
    db->cur_cfg = -1;
    if (base) {
        db->rd = event_new(base, fd, EV_READ | EV_PERSIST, on_readable, db);
        db->wr = event_new(base, fd, EV_WRITE, on_writable, db);
        db->later = event_new(base, -1, 0, on_later, db);
        if (!db->rd || !db->wr || !db->later) {
            slc_ovsdb_close(db);
            return slc_error_set(err, SLC_ENOMEM, "out of memory");
        }
        event_add(db->rd, NULL);
    }
    *out = db;
    return 0;
}

static void
free_calls(struct call *c)
{
    while (c) {
        struct call *next = c->next;

        json_decref(c->result);
        free(c);
        c = next;
    }
}

void
slc_ovsdb_close(struct slc_ovsdb *db)
{
    if (!db) {
        return;
    }
    if (db->rd) {
        event_free(db->rd);
    }
    if (db->wr) {
        event_free(db->wr);
    }
    if (db->later) {
        event_free(db->later);
    }
    if (db->fd >= 0) {
        close(db->fd);
    }
    free_calls(db->calls);
    free_calls(db->waiting);
    free_calls(db->failed);
    free(db->in);
    free(db->out);
    free(db->target);
    free(db);
}

bool
slc_ovsdb_connected(const struct slc_ovsdb *db)
{
    return db && !db->lost[0];
}

/* The connection is gone: every call in flight fails, from the loop. */
static void
lose(struct slc_ovsdb *db, const char *why)
{
    struct call **tail = &db->failed;

    if (db->lost[0]) {
        return;
    }
    snprintf(db->lost, sizeof db->lost, "ovsdb '%s': %s", db->target, why);
    SLC_WARN("%s", db->lost);
    if (db->rd) {
        event_del(db->rd);
        event_del(db->wr);
    }
    while (*tail) {
        tail = &(*tail)->next;
    }
    *tail = db->calls;
    tail = &db->calls;
    while (*tail) {
        tail = &(*tail)->next;
    }
    *tail = db->waiting;
    db->calls = db->waiting = NULL;
    db->monitoring = false;
    if (db->later) {
        event_active(db->later, 0, 0);
    }
}

static void
on_later(evutil_socket_t fd, short what, void *arg)
{
    struct slc_ovsdb *db = arg;
    struct call *c;

    while ((c = db->failed)) {
        db->failed = c->next;
        if (c->cb) {
            c->cb(c->arg, SLC_EIO, NULL, db->lost);
        }
        json_decref(c->result);
        free(c);
    }
}

/* ---- output ---- */

static int
flush_out(struct slc_ovsdb *db)
{
    while (db->out_len) {
        ssize_t n = send(db->fd, db->out, db->out_len, MSG_NOSIGNAL);

        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) {
                break;
            }
            lose(db, strerror(errno));
            return SLC_EIO;
        }
        memmove(db->out, db->out + n, db->out_len - (size_t)n);
        db->out_len -= (size_t)n;
    }
    if (db->out_len && db->wr) {
        event_add(db->wr, NULL);
    }
    return 0;
}

static void
on_writable(evutil_socket_t fd, short what, void *arg)
{
    flush_out(arg);
}

static int
send_json(struct slc_ovsdb *db, json_t *msg, struct slc_error *err)
{
    char *text = json_dumps(msg, JSON_COMPACT);
    size_t len = text ? strlen(text) : 0;

    json_decref(msg);
    if (!text) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    if (db->out_len + len > db->out_cap) {
        size_t cap = (db->out_len + len) * 2;
        char *p = realloc(db->out, cap);

        if (!p) {
            free(text);
            return slc_error_set(err, SLC_ENOMEM, "out of memory");
        }
        db->out = p;
        db->out_cap = cap;
    }
    memcpy(db->out + db->out_len, text, len);
    db->out_len += len;
    free(text);
    if (flush_out(db)) {
        return slc_error_set(err, SLC_EIO, "%s", db->lost);
    }
    return 0;
}

/* ---- input ---- */

static struct call *
take_call(struct call **list, uint64_t id)
{
    for (struct call **cp = list; *cp; cp = &(*cp)->next) {
        struct call *c = *cp;

        if (c->id == id) {
            *cp = c->next;
            c->next = NULL;
            return c;
        }
    }
    return NULL;
}

/* Completes the transactions that cur_cfg has caught up with. */
static void
release_applied(struct slc_ovsdb *db)
{
    struct call **cp = &db->waiting;

    while (*cp) {
        struct call *c = *cp;

        if (db->cur_cfg < c->cfg) {
            cp = &c->next;
            continue;
        }
        *cp = c->next;
        if (c->cb) {
            c->cb(c->arg, 0, c->result, NULL);
        }
        json_decref(c->result);
        free(c);
    }
}

/* Follows Open_vSwitch.cur_cfg in a monitor reply or update. */
static void
track_cfg(struct slc_ovsdb *db, const json_t *updates)
{
    const json_t *rows = json_object_get(updates, "Open_vSwitch");
    const char *uuid;
    const json_t *row;

    json_object_foreach((json_t *)rows, uuid, row)
    {
        const json_t *cfg =
            json_object_get(json_object_get(row, "new"), "cur_cfg");

        if (json_is_integer(cfg)) {
            db->cur_cfg = json_integer_value(cfg);
        }
    }
    release_applied(db);
}

/* The first failed operation of a transaction's result, as text. */
static bool
transact_error(const json_t *result, size_t n_ops, char *msg, size_t size)
{
    const json_t *r;
    size_t i;

    if (!json_is_array(result)) {
        snprintf(msg, size, "transaction result is not an array");
        return true;
    }
    json_array_foreach(result, i, r)
    {
        const char *e = json_string_value(json_object_get(r, "error"));
        const char *d = json_string_value(json_object_get(r, "details"));

        if (e) {
            if (i < n_ops) {
                snprintf(msg, size, "operation %zu: %s%s%s", i, e,
                         d ? ": " : "", d ? d : "");
            } else {
                snprintf(msg, size, "%s%s%s", e, d ? ": " : "", d ? d : "");
            }
            return true;
        }
    }
    return false;
}

static void
complete(struct slc_ovsdb *db, struct call *c, const json_t *result,
         const json_t *error)
{
    char msg[600];

    if (!json_is_null(error) && error) {
        const char *e = json_string_value(error);
        const char *d =
            json_string_value(json_object_get(error, "details"));
        char *dump = e ? NULL : json_dumps(error, JSON_COMPACT);

        snprintf(msg, sizeof msg, "%s%s%s", e ? e : dump ? dump : "error",
                 d ? ": " : "", d ? d : "");
        free(dump);
        if (c->cb) {
            c->cb(c->arg, SLC_EIO, NULL, msg);
        }
    } else if (c->kind == CALL_MONITOR) {
        db->monitoring = true;
        track_cfg(db, result);
    } else if (c->kind != CALL_PLAIN &&
               transact_error(result, c->n_ops, msg, sizeof msg)) {
        if (c->cb) {
            c->cb(c->arg, SLC_EINVALID, NULL, msg);
        }
    } else if (c->kind == CALL_APPLIED) {
        const json_t *sel = json_array_get(result, c->n_ops + 1);
        const json_t *cfg = json_object_get(
            json_array_get(json_object_get(sel, "rows"), 0), "next_cfg");

        c->cfg = json_integer_value(cfg);
        c->result = json_deep_copy(result);
        json_array_remove(c->result, c->n_ops + 1);
        json_array_remove(c->result, c->n_ops);
        c->next = db->waiting;
        db->waiting = c;
        release_applied(db);
        return;
    } else if (c->cb) {
        c->cb(c->arg, 0, result, NULL);
    }
    json_decref(c->result);
    free(c);
}

static void
handle(struct slc_ovsdb *db, json_t *msg)
{
    const json_t *id = json_object_get(msg, "id");
    const char *method = json_string_value(json_object_get(msg, "method"));

    if (method) {
        if (!strcmp(method, "echo") && id && !json_is_null(id)) {
            send_json(db,
                      json_pack("{sO sn sO}", "result",
                                json_object_get(msg, "params"), "error",
                                "id", id),
                      &(struct slc_error){0});
        } else if (!strcmp(method, "update")) {
            track_cfg(db, json_array_get(json_object_get(msg, "params"), 1));
        }
        return;
    }
    if (json_is_integer(id)) {
        struct call *c = take_call(&db->calls, (uint64_t)json_integer_value(id));

        if (c) {
            complete(db, c, json_object_get(msg, "result"),
                     json_object_get(msg, "error"));
        }
    }
}

/* Cuts complete messages off 'in' and handles them. */
static void
parse_input(struct slc_ovsdb *db)
{
    while (db->scan < db->in_len) {
        char ch = db->in[db->scan++];

        if (db->in_str) {
            if (db->esc) {
                db->esc = false;
            } else if (ch == '\\') {
                db->esc = true;
            } else if (ch == '"') {
                db->in_str = false;
            }
            continue;
        }
        if (ch == '"') {
            db->in_str = true;
        } else if (ch == '{' || ch == '[') {
            if (db->depth++ == 0) {
                db->start = db->scan - 1;
            }
        } else if ((ch == '}' || ch == ']') && db->depth > 0 &&
                   --db->depth == 0) {
            json_error_t je;
            json_t *msg = json_loadb(db->in + db->start,
                                     db->scan - db->start, 0, &je);

            if (!msg) {
                lose(db, je.text);
                return;
            }
            memmove(db->in, db->in + db->scan, db->in_len - db->scan);
            db->in_len -= db->scan;
            db->scan = 0;
            handle(db, msg);
            json_decref(msg);
            if (db->lost[0]) {
                return;
            }
        }
    }
}

/* Reads what the socket has.  0, or SLC_EIO when the connection is lost. */
static int
read_input(struct slc_ovsdb *db)
{
    for (;;) {
        ssize_t n;

        if (db->in_cap - db->in_len < 4096) {
            size_t cap = db->in_cap ? db->in_cap * 2 : 16384;
            char *p;

            if (cap > MAX_MESSAGE) {
                lose(db, "message too long");
                return SLC_EIO;
            }
            p = realloc(db->in, cap);
            if (!p) {
                lose(db, "out of memory");
                return SLC_EIO;
            }
            db->in = p;
            db->in_cap = cap;
        }
        n = recv(db->fd, db->in + db->in_len, db->in_cap - db->in_len, 0);
        if (n == 0) {
            lose(db, "connection closed");
            return SLC_EIO;
        }
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) {
                return 0;
            }
            lose(db, strerror(errno));
            return SLC_EIO;
        }
        db->in_len += (size_t)n;
        parse_input(db);
        if (db->lost[0]) {
            return SLC_EIO;
        }
    }
}

static void
on_readable(evutil_socket_t fd, short what, void *arg)
{
    read_input(arg);
}

/* ---- calls ---- */

static int
send_call(struct slc_ovsdb *db, const char *method, json_t *params,
          enum call_kind kind, size_t n_ops, slc_ovsdb_reply_fn cb,
          void *arg, uint64_t *id, struct slc_error *err)
{
    struct call *c;
    int rc;

    if (db->lost[0]) {
        json_decref(params);
        return slc_error_set(err, SLC_EIO, "%s", db->lost);
    }
    c = calloc(1, sizeof *c);
    if (!c) {
        json_decref(params);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    *c = (struct call){.id = ++db->next_id, .kind = kind, .cb = cb,
                       .arg = arg, .n_ops = n_ops};
    rc = send_json(db,
                   json_pack("{ss so sI}", "method", method, "params",
                             params ? params : json_array(), "id",
                             (json_int_t)c->id),
                   err);
    if (rc) {
        free(c);
        return rc;
    }
    c->next = db->calls;
    db->calls = c;
    if (id) {
        *id = c->id;
    }
    return 0;
}

int
slc_ovsdb_call(struct slc_ovsdb *db, const char *method, json_t *params,
               slc_ovsdb_reply_fn cb, void *arg, struct slc_error *err)
{
    return send_call(db, method, params, CALL_PLAIN, 0, cb, arg, NULL, err);
}

/* Wraps 'ops' into transact params, with the next_cfg bump when the
 * caller waits for ovs-vswitchd; starts following cur_cfg first. */
static int
prepare_transact(struct slc_ovsdb *db, json_t *ops, bool applied,
                 json_t **params, struct slc_error *err)
{
    int rc = 0;

    if (!json_is_array(ops)) {
        json_decref(ops);
        return slc_error_set(err, SLC_EINVALID, "ovsdb: ops not an array");
    }
    if (applied && !db->monitoring) {
        rc = send_call(
            db, "monitor",
            json_pack("[ss {s{s[s]}}]", "Open_vSwitch", "slicer-cfg",
                      "Open_vSwitch", "columns", "cur_cfg"),
            CALL_MONITOR, 0, NULL, NULL, NULL, err);
        db->monitoring = !rc;
    }
    if (rc) {
        json_decref(ops);
        return rc;
    }
    if (applied) {
        json_array_append_new(
            ops, json_pack("{ss ss s[] s[[ssi]]}", "op", "mutate", "table",
                           "Open_vSwitch", "where", "mutations", "next_cfg",
                           "+=", 1));
        json_array_append_new(
            ops, json_pack("{ss ss s[] s[s]}", "op", "select", "table",
                           "Open_vSwitch", "where", "columns", "next_cfg"));
    }
    *params = json_pack("[s]", "Open_vSwitch");
    json_array_extend(*params, ops);
    json_decref(ops);
    return 0;
}

int
slc_ovsdb_transact(struct slc_ovsdb *db, json_t *ops, bool applied,
                   slc_ovsdb_reply_fn cb, void *arg, struct slc_error *err)
{
    size_t n_ops = json_array_size(ops);
    json_t *params = NULL;
    int rc = prepare_transact(db, ops, applied, &params, err);

    return rc ? rc
              : send_call(db, "transact", params,
                          applied ? CALL_APPLIED : CALL_TRANSACT, n_ops, cb,
                          arg, NULL, err);
}

/* ---- synchronous calls ---- */

struct sync_wait {
    bool done;
    int rc;
    json_t *result;
    char msg[600];
};

static void
on_sync_reply(void *arg, int rc, const json_t *result, const char *msg)
{
    struct sync_wait *w = arg;

    w->done = true;
    w->rc = rc;
    w->result = result ? json_deep_copy(result) : NULL;
    snprintf(w->msg, sizeof w->msg, "%s", msg ? msg : "");
}

static double
mono_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Drives the socket until 'w' is done or the time is up. */
static int
wait_sync(struct slc_ovsdb *db, struct sync_wait *w, const char *what,
          double timeout, json_t **result, struct slc_error *err)
{
    double end = mono_now() + timeout;

    while (!w->done && !db->lost[0]) {
        struct pollfd p = {.fd = db->fd,
                           .events = POLLIN | (db->out_len ? POLLOUT : 0)};
        double left = end - mono_now();

        if (left <= 0) {
            return slc_error_set(err, SLC_ETIMEOUT,
                                 "ovsdb '%s': %s: no reply in %.1f s",
                                 db->target, what, timeout);
        }
        if (poll(&p, 1, (int)(left * 1000) + 1) < 0 && errno != EINTR) {
            return slc_error_set(err, SLC_EIO, "ovsdb: poll: %s",
                                 strerror(errno));
        }
        if (p.revents & POLLOUT) {
            flush_out(db);
        }
        if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
            read_input(db);
        }
    }
    if (!w->done) {
        on_later(-1, 0, db);
        if (!w->done) {
            return slc_error_set(err, SLC_EIO, "%s", db->lost);
        }
    }
    if (w->rc) {
        json_decref(w->result);
        return slc_error_set(err, w->rc, "ovsdb '%s': %s: %s", db->target,
                             what, w->msg);
    }
    if (result) {
        *result = w->result;
    } else {
        json_decref(w->result);
    }
    return 0;
}

int
slc_ovsdb_call_sync(struct slc_ovsdb *db, const char *method,
                    json_t *params, double timeout, json_t **result,
                    struct slc_error *err)
{
    struct sync_wait w = {0};
    int rc = slc_ovsdb_call(db, method, params, on_sync_reply, &w, err);

    return rc ? rc : wait_sync(db, &w, method, timeout, result, err);
}

int
slc_ovsdb_transact_sync(struct slc_ovsdb *db, json_t *ops, bool applied,
                        double timeout, json_t **result,
                        struct slc_error *err)
{
    struct sync_wait w = {0};
    int rc = slc_ovsdb_transact(db, ops, applied, on_sync_reply, &w, err);

    return rc ? rc : wait_sync(db, &w, "transact", timeout, result, err);
}

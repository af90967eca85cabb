/* JSON-RPC sessions with Open vSwitch daemons (see ovsdb.h).
 *
 * The socket is non-blocking.  Outgoing messages are queued in 'out' and
 * written when the socket takes them; incoming bytes collect in 'in' and
 * are cut into messages by ovsdb-proto.c, then parsed by jansson.
 *
 * Monitors are kept for the session's life and sent again after every
 * reconnect; following Open_vSwitch.cur_cfg (for transactions that wait
 * until ovs-vswitchd applied them) is one of them, made on first need.
 * Every callback to a caller runs from the loop: a failure detected inside
 * a call is queued and delivered by the 'later' event. */
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
#include "ovsdb-proto.h"
#include "stream.h"
#include "slc-log.h"

SLC_LOG_MODULE(ovsdb);

#define MAX_MESSAGE (64u << 20) /* a whole-database reply stays far below */
#define BACKOFF_MIN_MS 100u
#define BACKOFF_MAX_MS 8000u

enum call_kind {
    CALL_PLAIN,
    CALL_TRANSACT,  /* check per-operation errors */
    CALL_APPLIED,   /* ... then wait for cur_cfg */
    CALL_MONITOR,   /* a monitor's initial rows */
};

struct monitor {
    unsigned id;          /* the monitor id is "slicer-<id>" */
    json_t *tables;       /* {TABLE: [COLUMN, ...]} */
    struct slc_ovsdb_monitor_ops ops;
    void *arg;
    struct monitor *next;
};

struct call {
    uint64_t id;
    enum call_kind kind;
    slc_ovsdb_reply_fn cb;
    void *arg;
    size_t n_ops;         /* the caller's operations in a transaction */
    int64_t cfg;          /* CALL_APPLIED: the next_cfg to wait for */
    json_t *result;       /* CALL_APPLIED: kept until applied */
    struct monitor *mon;  /* CALL_MONITOR */
    struct call *next;
};

struct slc_ovsdb {
    struct event_base *base;
    char *target;
    int fd;
    struct event *rd, *wr, *later, *retry;
    char *in;
    size_t in_len, in_cap;
    struct slc_jsonrpc_scan scan;
    char *out;
    size_t out_len, out_cap;
    uint64_t next_id;
    struct call *calls;   /* sent, reply not yet received */
    struct call *waiting; /* transactions waiting for cur_cfg */
    struct call *failed;  /* to be failed from the loop */
    struct monitor *monitors;
    unsigned next_monitor;
    int64_t cur_cfg;
    bool following_cfg;   /* the cur_cfg monitor exists */
    bool reset_pending;   /* monitors to be told of a loss, from the loop */
    unsigned backoff_ms, connects;
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
static void on_retry(evutil_socket_t fd, short what, void *arg);
static int send_monitor(struct slc_ovsdb *db, struct monitor *m,
                        struct slc_error *err);

/* Takes connected socket 'fd' into use. */
static int
attach(struct slc_ovsdb *db, int fd)
{
    db->fd = fd;
    db->in_len = db->out_len = 0;
    db->scan = (struct slc_jsonrpc_scan){0};
    if (db->base) {
        db->rd = event_new(db->base, fd, EV_READ | EV_PERSIST, on_readable,
                           db);
        db->wr = event_new(db->base, fd, EV_WRITE, on_writable, db);
        if (!db->rd || !db->wr) {
            return SLC_ENOMEM;
        }
        event_add(db->rd, NULL);
    }
    db->connects++;
    db->lost[0] = '\0';
    return 0;
}

static void
detach(struct slc_ovsdb *db)
{
    if (db->rd) {
        event_free(db->rd);
        db->rd = NULL;
    }
    if (db->wr) {
        event_free(db->wr);
        db->wr = NULL;
    }
    if (db->fd >= 0) {
        close(db->fd);
        db->fd = -1;
    }
}

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
    db->fd = -1;
    db->base = base;
    db->cur_cfg = -1;
    db->backoff_ms = BACKOFF_MIN_MS;
    fd = slc_stream_socket(target, err);
    if (fd < 0) {
        free(db->target);
        free(db);
        return fd;
    }
    if (base) {
        db->later = event_new(base, -1, 0, on_later, db);
        db->retry = evtimer_new(base, on_retry, db);
    }
    if (attach(db, fd) || (base && (!db->later || !db->retry))) {
        slc_ovsdb_close(db);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
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
    detach(db);
    if (db->later) {
        event_free(db->later);
    }
    if (db->retry) {
        event_free(db->retry);
    }
    free_calls(db->calls);
    free_calls(db->waiting);
    free_calls(db->failed);
    while (db->monitors) {
        struct monitor *m = db->monitors;

        db->monitors = m->next;
        json_decref(m->tables);
        free(m);
    }
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

unsigned
slc_ovsdb_connects(const struct slc_ovsdb *db)
{
    return db->connects;
}

/* The connection is gone: every call in flight fails and the monitors
 * are reset, from the loop; with a loop, a reconnect is scheduled. */
static void
lose(struct slc_ovsdb *db, const char *why)
{
    struct call **tail = &db->failed;

    if (db->lost[0]) {
        return;
    }
    snprintf(db->lost, sizeof db->lost, "ovsdb '%s': %s", db->target, why);
    SLC_WARN("%s%s", db->lost, db->base ? ", reconnecting" : "");
    if (db->base) {
        struct timeval tv = {db->backoff_ms / 1000,
                             (db->backoff_ms % 1000) * 1000};

        detach(db);
        evtimer_add(db->retry, &tv);
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
    db->reset_pending = db->monitors != NULL;
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
    if (db->reset_pending) {
        db->reset_pending = false;
        for (struct monitor *m = db->monitors; m; m = m->next) {
            if (m->ops.reset) {
                m->ops.reset(m->arg, db->lost);
            }
        }
    }
}

static void
on_retry(evutil_socket_t fd, short what, void *arg)
{
    struct slc_ovsdb *db = arg;
    struct slc_error err = {0};
    int sock = slc_stream_socket(db->target, &err);

    if (sock < 0 || attach(db, sock)) {
        struct timeval tv;

        if (sock >= 0) {
            detach(db);
        }
        db->backoff_ms = db->backoff_ms * 2 > BACKOFF_MAX_MS
                             ? BACKOFF_MAX_MS
                             : db->backoff_ms * 2;
        tv = (struct timeval){db->backoff_ms / 1000,
                              (db->backoff_ms % 1000) * 1000};
        evtimer_add(db->retry, &tv);
        return;
    }
    db->backoff_ms = BACKOFF_MIN_MS;
    SLC_INFO("ovsdb '%s': connected again", db->target);
    for (struct monitor *m = db->monitors; m && !db->lost[0]; m = m->next) {
        send_monitor(db, m, &err);
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

/* The cur_cfg monitor's rows: transactions it has caught up with end. */
static void
on_cfg_row(void *arg, const char *table, const char *uuid, const json_t *old,
           const json_t *new)
{
    struct slc_ovsdb *db = arg;
    const json_t *cfg = json_object_get(new, "cur_cfg");

    if (json_is_integer(cfg)) {
        db->cur_cfg = json_integer_value(cfg);
        release_applied(db);
    }
}

static struct monitor *
find_monitor(struct slc_ovsdb *db, const json_t *id)
{
    const char *text = json_string_value(id);
    unsigned n;
    char extra;

    if (!text || sscanf(text, "slicer-%u%c", &n, &extra) != 1) {
        return NULL;
    }
    for (struct monitor *m = db->monitors; m; m = m->next) {
        if (m->id == n) {
            return m;
        }
    }
    return NULL;
}

/* Rows of monitor 'm' from a reply or an update notification. */
static void
monitor_rows(struct monitor *m, const json_t *updates)
{
    char why[300];

    if (slc_ovsdb_updates_foreach(updates, m->ops.row, m->arg, why,
                                  sizeof why) < 0) {
        SLC_WARN("ovsdb monitor slicer-%u: %s", m->id, why);
    }
}

static void
complete(struct slc_ovsdb *db, struct call *c, const json_t *result,
         const json_t *error)
{
    char msg[600];

    if (error) {
        slc_jsonrpc_error_text(error, msg, sizeof msg);
        if (c->kind == CALL_MONITOR) {
            SLC_WARN("ovsdb '%s': monitor slicer-%u refused: %s", db->target,
                     c->mon->id, msg);
            if (c->mon->ops.reset) {
                c->mon->ops.reset(c->mon->arg, msg);
            }
        } else if (c->cb) {
            c->cb(c->arg, SLC_EIO, NULL, msg);
        }
    } else if (c->kind == CALL_MONITOR) {
        monitor_rows(c->mon, result);
        if (c->mon->ops.synced) {
            c->mon->ops.synced(c->mon->arg);
        }
    } else if (c->kind != CALL_PLAIN &&
               slc_ovsdb_result_error(result, c->n_ops, msg, sizeof msg)) {
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

static int send_json(struct slc_ovsdb *db, json_t *msg,
                     struct slc_error *err);

static void
handle(struct slc_ovsdb *db, const json_t *msg)
{
    struct slc_jsonrpc_msg m;
    char why[200];
    struct call *c;

    if (slc_jsonrpc_decode(msg, &m, why, sizeof why)) {
        SLC_WARN("ovsdb '%s': %s; ignored", db->target, why);
        return;
    }
    switch (m.kind) {
    case SLC_JSONRPC_REQUEST:
        if (!strcmp(m.method, "echo")) {
            send_json(db, slc_jsonrpc_reply(json_deep_copy(m.params), m.id),
                      &(struct slc_error){0});
        }
        break;
    case SLC_JSONRPC_NOTIFY:
        if (!strcmp(m.method, "update")) {
            struct monitor *mon = find_monitor(db, json_array_get(m.params, 0));

            if (mon) {
                monitor_rows(mon, json_array_get(m.params, 1));
            }
        }
        break;
    case SLC_JSONRPC_REPLY:
    case SLC_JSONRPC_ERROR:
        if (json_is_integer(m.id) &&
            (c = take_call(&db->calls, (uint64_t)json_integer_value(m.id)))) {
            complete(db, c, m.result, m.error);
        }
        break;
    }
}

/* Cuts complete messages off 'in' and handles them. */
static void
parse_input(struct slc_ovsdb *db)
{
    size_t start, end;

    while ((end = slc_jsonrpc_cut(&db->scan, db->in, db->in_len, &start))) {
        json_error_t je;
        json_t *msg;

        if (end == (size_t)-1) {
            lose(db, "bytes outside a JSON-RPC message");
            return;
        }
        msg = json_loadb(db->in + start, end - start, 0, &je);
        if (!msg) {
            lose(db, je.text);
            return;
        }
        memmove(db->in, db->in + end, db->in_len - end);
        db->in_len -= end;
        handle(db, msg);
        json_decref(msg);
        if (db->lost[0]) {
            return;
        }
    }
}

/* Reads what the socket has.  0, or SLC_EIO when the connection is lost. */
static int
read_input(struct slc_ovsdb *db)
{
    while (!db->lost[0]) {
        ssize_t n;

        if (db->in_cap - db->in_len < 4096) {
            size_t cap = db->in_cap ? db->in_cap * 2 : 16384;
            char *p;

            if (cap > MAX_MESSAGE) {
                lose(db, "message too long");
                break;
            }
            p = realloc(db->in, cap);
            if (!p) {
                lose(db, "out of memory");
                break;
            }
            db->in = p;
            db->in_cap = cap;
        }
        n = recv(db->fd, db->in + db->in_len, db->in_cap - db->in_len, 0);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            return 0;
        }
        if (n <= 0) {
            lose(db, n ? strerror(errno) : "connection closed");
            break;
        }
        db->in_len += (size_t)n;
        parse_input(db);
    }
    return SLC_EIO;
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
    json_t *jid;
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
    jid = json_integer((json_int_t)c->id);
    rc = send_json(db, slc_jsonrpc_request(method, params, jid), err);
    json_decref(jid);
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

/* Sends monitor 'm' (again). */
static int
send_monitor(struct slc_ovsdb *db, struct monitor *m, struct slc_error *err)
{
    char id[32];
    json_t *jid;
    struct call *c;
    int rc;

    snprintf(id, sizeof id, "slicer-%u", m->id);
    jid = json_string(id);
    rc = send_call(db, "monitor",
                   slc_ovsdb_monitor_params("Open_vSwitch", jid,
                                            json_deep_copy(m->tables)),
                   CALL_MONITOR, 0, NULL, NULL, NULL, err);
    json_decref(jid);
    if (!rc) {
        c = db->calls; /* send_call puts the new call first */
        c->mon = m;
    }
    return rc;
}

int
slc_ovsdb_monitor(struct slc_ovsdb *db, json_t *tables,
                  const struct slc_ovsdb_monitor_ops *ops, void *arg,
                  struct slc_error *err)
{
    struct monitor *m;
    int rc;

    if (!db->base || !json_is_object(tables)) {
        json_decref(tables);
        return slc_error_set(err, SLC_EINVALID,
                             "ovsdb: a monitor needs an event loop and "
                             "{TABLE: [COLUMN, ...]}");
    }
    m = calloc(1, sizeof *m);
    if (!m) {
        json_decref(tables);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    *m = (struct monitor){.id = ++db->next_monitor, .tables = tables,
                          .ops = *ops, .arg = arg, .next = db->monitors};
    db->monitors = m;
    /* down now: sent on reconnect */
    rc = db->lost[0] ? 0 : send_monitor(db, m, err);
    if (rc) {
        db->monitors = m->next;
        json_decref(m->tables);
        free(m);
    }
    return rc;
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
    if (applied && !db->following_cfg) {
        static const struct slc_ovsdb_monitor_ops cfg_ops = {
            .row = on_cfg_row};
        struct monitor *m = calloc(1, sizeof *m);

        if (!m || db->lost[0]) {
            free(m);
            json_decref(ops);
            return m ? slc_error_set(err, SLC_EIO, "%s", db->lost)
                     : slc_error_set(err, SLC_ENOMEM, "out of memory");
        }
        /* not slc_ovsdb_monitor: synchronous sessions need it too */
        *m = (struct monitor){.id = ++db->next_monitor,
                              .tables = json_pack("{s[s]}", "Open_vSwitch",
                                                  "cur_cfg"),
                              .ops = cfg_ops, .arg = db,
                              .next = db->monitors};
        db->monitors = m;
        rc = send_monitor(db, m, err);
        db->following_cfg = !rc;
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
    *params = slc_ovsdb_transact_params("Open_vSwitch", ops);
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

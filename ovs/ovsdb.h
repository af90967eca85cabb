/* A JSON-RPC 1.0 session with an Open vSwitch daemon (RFC 7047): OVSDB
 * transactions and monitors on ovsdb-server, and unixctl commands on the
 * control sockets of ovs-vswitchd and ovsdb-server, which speak the same
 * protocol.  Messages are JSON objects back to back on a unix or TCP
 * socket, with no framing; replies are matched to requests by id, echo
 * requests are answered, and the session follows Open_vSwitch.cur_cfg so
 * that a transaction can complete only once ovs-vswitchd has applied it.
 *
 * Two ways to call: asynchronously on the event loop (the callback always
 * runs later, from the loop) or synchronously, blocking up to a timeout,
 * for start-up and shutdown when nothing asynchronous is pending.
 *
 * Neighbours: ovsdb-proto.h (the messages, without I/O), ovs-switch.c
 * (starts private switches), the netns VIM driver and the ovs SDN driver
 * (users). */
#ifndef SLC_OVSDB_H
#define SLC_OVSDB_H

#include <jansson.h>
#include <stdbool.h>

#include "slc-error.h"

struct event_base;
struct slc_ovsdb;

/* The outcome of a call: rc 0 and the result, or an SLC_E* code and a
 * message (the server's error, the first failed operation of a
 * transaction, a lost connection).  Borrowed for the callback. */
typedef void (*slc_ovsdb_reply_fn)(void *arg, int rc, const json_t *result,
                                   const char *msg);

/* Connects to 'target': "unix:/path" or "tcp:IP:PORT"; the first
 * connection must succeed now.  'base' may be NULL for a session used
 * only synchronously.  With a loop, a lost connection is made again with
 * a doubling back-off (0.1 s to 8 s) and the monitors are sent again;
 * calls made while it is down fail with SLC_EIO. */
int slc_ovsdb_connect(struct event_base *base, const char *target,
                      struct slc_ovsdb **out, struct slc_error *err);
/* Closes the session; pending callbacks are dropped.  Accepts NULL. */
void slc_ovsdb_close(struct slc_ovsdb *db);

/* Sends request 'method' with 'params' (stolen).  SLC_EIO when the
 * connection is lost (then no callback follows). */
int slc_ovsdb_call(struct slc_ovsdb *db, const char *method, json_t *params,
                   slc_ovsdb_reply_fn cb, void *arg, struct slc_error *err);
/* The same, blocking for at most 'timeout' seconds; the result (a new
 * reference) goes to '*result' when 'result' is not NULL.  SLC_EBUSY while
 * asynchronous calls are pending. */
int slc_ovsdb_call_sync(struct slc_ovsdb *db, const char *method,
                        json_t *params, double timeout, json_t **result,
                        struct slc_error *err);

/* Runs the OVSDB operations 'ops' (an array, stolen) on database
 * "Open_vSwitch" as one transaction.  With 'applied', the reply waits until
 * ovs-vswitchd has applied the transaction (next_cfg / cur_cfg).  The
 * result is the array of per-operation results; an operation's error fails
 * the call with its text. */
int slc_ovsdb_transact(struct slc_ovsdb *db, json_t *ops, bool applied,
                       slc_ovsdb_reply_fn cb, void *arg,
                       struct slc_error *err);
int slc_ovsdb_transact_sync(struct slc_ovsdb *db, json_t *ops, bool applied,
                            double timeout, json_t **result,
                            struct slc_error *err);

/* True while the connection is up. */
bool slc_ovsdb_connected(const struct slc_ovsdb *db);

/* What a monitor tells its owner, always from the loop. */
struct slc_ovsdb_monitor_ops {
    /* A row changed (ovsdb-proto.h); the initial rows come as new. */
    void (*row)(void *arg, const char *table, const char *uuid,
                const json_t *old, const json_t *new);
    /* The initial rows are all in, after the first connect and after
     * every reconnect: from now on the owner's copy is whole.  May be
     * NULL. */
    void (*synced)(void *arg);
    /* The connection was lost, or the server refused the monitor: forget
     * the rows; after a reconnect they come again as new ones.  May be
     * NULL. */
    void (*reset)(void *arg, const char *why);
};

/* Monitors the columns of tables 'tables' ({TABLE: [COLUMN, ...]},
 * stolen) of database Open_vSwitch for the session's life, and again
 * after every reconnect.  Needs an event loop. */
int slc_ovsdb_monitor(struct slc_ovsdb *db, json_t *tables,
                      const struct slc_ovsdb_monitor_ops *ops, void *arg,
                      struct slc_error *err);

/* Connections made so far (1 after the first; more after reconnects). */
unsigned slc_ovsdb_connects(const struct slc_ovsdb *db);

/* OVSDB value notation helpers (new references). */
json_t *slc_ovsdb_map(json_t *object);           /* {k: v} -> ["map", ...] */
json_t *slc_ovsdb_named(const char *name);       /* ["named-uuid", name] */
/* A map column's value from a row as a JSON object (new reference). */
json_t *slc_ovsdb_map_get(const json_t *map);
/* A set column's elements as a JSON array (new reference); a bare atom is
 * a set of one. */
json_t *slc_ovsdb_set_get(const json_t *set);

#endif

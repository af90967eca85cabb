/* The OVSDB wire protocol without I/O (RFC 7047): cutting the JSON-RPC 1.0
 * messages that Open vSwitch daemons send back to back with no framing,
 * telling requests, notifications and replies apart, and the OVSDB shapes
 * slicer speaks: transact and monitor requests, the errors of a
 * transaction's result, and the table-updates of monitor replies and
 * "update" notifications.  ovsdb.c runs sessions with these; the codec
 * tests feed them captures of real Open vSwitch messages.
 *
 * Neighbours: ovsdb.h (sessions), stream.h (the socket helper). */
#ifndef SLC_OVSDB_PROTO_H
#define SLC_OVSDB_PROTO_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* ---- JSON-RPC framing ---- */

/* Where a cut stopped: scanning resumes there when more bytes arrive, so
 * a long message arriving in many pieces is scanned once.  Zero it to
 * start. */
struct slc_jsonrpc_scan {
    size_t pos;
    int depth;
    bool in_str, esc;
};

/* Looks for the first complete message in 'buf[0, len)' (the bytes not
 * consumed yet; 'sc' remembers how far earlier calls got in them).
 * Returns its end: the caller parses 'buf[*start, end)' and consumes
 * 'end' bytes, and 'sc' is ready for what follows.  0 while the message
 * is incomplete; (size_t)-1 for bytes that cannot begin a message (the
 * protocol only sends objects; whitespace between them is skipped). */
size_t slc_jsonrpc_cut(struct slc_jsonrpc_scan *sc, const char *buf,
                       size_t len, size_t *start);

/* ---- JSON-RPC messages ---- */

enum slc_jsonrpc_kind {
    SLC_JSONRPC_REQUEST,  /* method, params, id */
    SLC_JSONRPC_NOTIFY,   /* method, params; id null or absent */
    SLC_JSONRPC_REPLY,    /* result, id */
    SLC_JSONRPC_ERROR,    /* error (not null), id */
};

/* A decoded message; the pointers are borrowed from the message. */
struct slc_jsonrpc_msg {
    enum slc_jsonrpc_kind kind;
    const char *method;
    const json_t *params, *result, *error, *id;
};

/* Decodes 'msg'.  Returns 0, or -1 with the reason in 'why' for what is
 * not a JSON-RPC 1.0 message (RFC 7047 section 4.1). */
int slc_jsonrpc_decode(const json_t *msg, struct slc_jsonrpc_msg *out,
                       char *why, size_t size);

/* New messages; 'params' and 'result' are stolen, 'id' is not. */
json_t *slc_jsonrpc_request(const char *method, json_t *params,
                            const json_t *id);
json_t *slc_jsonrpc_reply(json_t *result, const json_t *id);

/* An error of a reply or of a transaction operation, as text: "error:
 * details" ({"error": E, "details": D}), or the JSON itself. */
void slc_jsonrpc_error_text(const json_t *error, char *out, size_t size);

/* ---- OVSDB ---- */

/* "transact" params: database 'db', then the operations (stolen). */
json_t *slc_ovsdb_transact_params(const char *db, json_t *ops);

/* The first error of transaction result 'result' whose request had
 * 'n_ops' operations, into 'msg' ("operation I: error: details", or
 * without the index for an error past them, such as a constraint checked
 * at commit).  False when every operation succeeded. */
bool slc_ovsdb_result_error(const json_t *result, size_t n_ops, char *msg,
                            size_t size);

/* "monitor" params: database 'db', monitor id 'monitor_id' (not stolen),
 * and for each table of 'tables' ({TABLE: [COLUMN, ...]}, stolen) its
 * columns, with initial, insert, delete and modify reported (the
 * default). */
json_t *slc_ovsdb_monitor_params(const char *db, const json_t *monitor_id,
                                 json_t *tables);

/* Called per row of a table-updates object: 'old' NULL for a row that
 * is new (or initial), 'new' NULL for a deleted row; for a modified row
 * 'new' has every monitored column and 'old' those that changed. */
typedef void (*slc_ovsdb_row_fn)(void *arg, const char *table,
                                 const char *uuid, const json_t *old,
                                 const json_t *new);

/* Walks 'updates' (a monitor reply's result, or the second param of an
 * "update" notification).  Returns the number of rows, or -1 with the
 * reason in 'why' when it is not a table-updates object (RFC 7047
 * section 4.1.6); then no row was reported. */
int slc_ovsdb_updates_foreach(const json_t *updates, slc_ovsdb_row_fn fn,
                              void *arg, char *why, size_t size);

#endif

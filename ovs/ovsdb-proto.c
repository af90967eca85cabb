/* The OVSDB wire protocol without I/O (see ovsdb-proto.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ovsdb-proto.h"

/* ---- framing ---- */

size_t
slc_jsonrpc_cut(struct slc_jsonrpc_scan *sc, const char *buf, size_t len,
                size_t *start)
{
    /* Outside a message only whitespace may come: a message starts at
     * the first '{' or '[' after it, so 'start' is found again cheaply. */
    while (sc->pos < len) {
        char ch = buf[sc->pos++];

        if (sc->in_str) {
            if (sc->esc) {
                sc->esc = false;
            } else if (ch == '\\') {
                sc->esc = true;
            } else if (ch == '"') {
                sc->in_str = false;
            }
            continue;
        }
        if (sc->depth == 0 && ch != '{' && ch != '[') {
            if (ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n') {
                return (size_t)-1;
            }
            continue;
        }
        if (ch == '"') {
            sc->in_str = true;
        } else if (ch == '{' || ch == '[') {
            sc->depth++;
        } else if ((ch == '}' || ch == ']') && --sc->depth == 0) {
            size_t end = sc->pos;

            for (*start = 0; *start < end && buf[*start] != '{' &&
                             buf[*start] != '[';
                 ++*start) {
            }
            *sc = (struct slc_jsonrpc_scan){0};
            return end;
        }
    }
    return 0;
}

/* ---- messages ---- */

int
slc_jsonrpc_decode(const json_t *msg, struct slc_jsonrpc_msg *out,
                   char *why, size_t size)
{
    const json_t *method = json_object_get(msg, "method");
    const json_t *id = json_object_get(msg, "id");

    *out = (struct slc_jsonrpc_msg){.id = id};
    if (!json_is_object(msg)) {
        snprintf(why, size, "a JSON-RPC message is an object");
        return -1;
    }
    if (method) {
        out->params = json_object_get(msg, "params");
        if (!json_is_string(method) || !json_is_array(out->params)) {
            snprintf(why, size, "a request needs a string \"method\" and an "
                     "array \"params\"");
            return -1;
        }
        out->method = json_string_value(method);
        out->kind = !id || json_is_null(id) ? SLC_JSONRPC_NOTIFY
                                            : SLC_JSONRPC_REQUEST;
        return 0;
    }
    if (!id) {
        snprintf(why, size, "a reply needs an \"id\"");
        return -1;
    }
    out->error = json_object_get(msg, "error");
    out->result = json_object_get(msg, "result");
    if (out->error && !json_is_null(out->error)) {
        out->kind = SLC_JSONRPC_ERROR;
        return 0;
    }
    if (!out->result) {
        snprintf(why, size, "a reply needs a \"result\" or an \"error\"");
        return -1;
    }
    out->error = NULL;
    out->kind = SLC_JSONRPC_REPLY;
    return 0;
}

json_t *
slc_jsonrpc_request(const char *method, json_t *params, const json_t *id)
{
    /* in Open vSwitch's order, so that captures compare byte for byte */
    return json_pack("{sO ss so}", "id", id, "method", method, "params",
                     params ? params : json_array());
}

json_t *
slc_jsonrpc_reply(json_t *result, const json_t *id)
{
    return json_pack("{sO so sn}", "id", id, "result",
                     result ? result : json_null(), "error");
}

void
slc_jsonrpc_error_text(const json_t *error, char *out, size_t size)
{
    const char *e = json_string_value(error);
    const char *d;
    char *dump;

    if (e) {
        snprintf(out, size, "%s", e);
        return;
    }
    e = json_string_value(json_object_get(error, "error"));
    d = json_string_value(json_object_get(error, "details"));
    if (e) {
        snprintf(out, size, "%s%s%s", e, d ? ": " : "", d ? d : "");
        return;
    }
    dump = json_dumps(error, JSON_COMPACT | JSON_ENCODE_ANY);
    snprintf(out, size, "%s", dump ? dump : "error");
    free(dump);
}

/* ---- OVSDB ---- */

json_t *
slc_ovsdb_transact_params(const char *db, json_t *ops)
{
    json_t *params = json_pack("[s]", db);

    json_array_extend(params, ops);
    json_decref(ops);
    return params;
}

bool
slc_ovsdb_result_error(const json_t *result, size_t n_ops, char *msg,
                       size_t size)
{
    const json_t *r;
    size_t i;

    if (!json_is_array(result)) {
        snprintf(msg, size, "transaction result is not an array");
        return true;
    }
    json_array_foreach(result, i, r)
    {
        char text[500];

        if (!json_object_get(r, "error")) {
            continue;
        }
        slc_jsonrpc_error_text(r, text, sizeof text);
        if (i < n_ops) {
            snprintf(msg, size, "operation %zu: %s", i, text);
        } else {
            snprintf(msg, size, "%s", text);
        }
        return true;
    }
    return false;
}

json_t *
slc_ovsdb_monitor_params(const char *db, const json_t *monitor_id,
                         json_t *tables)
{
    json_t *requests = json_object();
    const char *table;
    json_t *columns;

    json_object_foreach(tables, table, columns)
    {
        json_object_set_new(requests, table,
                            json_pack("[{sO}]", "columns", columns));
    }
    json_decref(tables);
    return json_pack("[sOo]", db, monitor_id, requests);
}

int
slc_ovsdb_updates_foreach(const json_t *updates, slc_ovsdb_row_fn fn,
                          void *arg, char *why, size_t size)
{
    const char *table, *uuid;
    const json_t *rows, *row;
    int n = 0;

    /* check the whole shape first: all rows or none */
    if (!json_is_object(updates)) {
        snprintf(why, size, "table-updates is not an object");
        return -1;
    }
    json_object_foreach((json_t *)updates, table, rows)
    {
        if (!json_is_object(rows)) {
            snprintf(why, size, "table-updates: table %s: not an object",
                     table);
            return -1;
        }
        json_object_foreach((json_t *)rows, uuid, row)
        {
            const json_t *old = json_object_get(row, "old");
            const json_t *new = json_object_get(row, "new");

            if (!json_is_object(row) || (!old && !new) ||
                (old && !json_is_object(old)) ||
                (new && !json_is_object(new))) {
                snprintf(why, size, "table-updates: table %s: row %s: "
                         "expected {\"old\": ROW, \"new\": ROW}",
                         table, uuid);
                return -1;
            }
        }
    }
    json_object_foreach((json_t *)updates, table, rows)
    {
        json_object_foreach((json_t *)rows, uuid, row)
        {
            fn(arg, table, uuid, json_object_get(row, "old"),
               json_object_get(row, "new"));
            n++;
        }
    }
    return n;
}

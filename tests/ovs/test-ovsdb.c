/* Unit tests of the OVSDB codec (ovsdb-proto.h) against byte captures of
 * real Open vSwitch 3.1 sessions between ovsdb-client and ovsdb-server
 * (tests/ovs/captures/ovsdb-*.hex, made by capture-ovsdb.sh):
 * - the messages are cut out of the byte streams exactly, whether the
 *   bytes arrive at once or one at a time;
 * - our transact and monitor requests for the same operations equal what
 *   ovsdb-client sent, and our answer to the server's echo equals
 *   ovsdb-client's byte for byte;
 * - replies, per-operation and commit errors, a refused request, and the
 *   monitor's initial rows and update notifications decode to what
 *   happened on the switch (a port added, its ofport changed, removed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ovsdb-proto.h"

#define CAPTURES SLC_SOURCE_DIR "/tests/ovs/captures/"
#define MAX_MSGS 32

struct capture {
    char *msg[MAX_MSGS];
    size_t len[MAX_MSGS];
    char dir[MAX_MSGS];
    size_t n;
};

static void
load(const char *name, struct capture *c)
{
    char path[512], *line = NULL;
    size_t cap = 0;
    ssize_t got;
    FILE *f;

    snprintf(path, sizeof path, CAPTURES "%s.hex", name);
    f = fopen(path, "r");
    assert_non_null(f);
    *c = (struct capture){0};
    while ((got = getline(&line, &cap, f)) > 0) {
        size_t n = strcspn(line + 2, "\n") / 2;
        char *m;

        if (line[0] == '#') {
            continue;
        }
        assert_true(c->n < MAX_MSGS);
        m = malloc(n + 1);
        for (size_t i = 0; i < n; i++) {
            unsigned v;

            assert_int_equal(sscanf(line + 2 + 2 * i, "%2x", &v), 1);
            m[i] = (char)v;
        }
        m[n] = '\0';
        c->dir[c->n] = line[0];
        c->msg[c->n] = m;
        c->len[c->n++] = n;
    }
    free(line);
    fclose(f);
}

static void
unload(struct capture *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->msg[i]);
    }
}

/* Message 'i' parsed. */
static json_t *
parsed(const struct capture *c, size_t i)
{
    json_error_t je;
    json_t *j = json_loadb(c->msg[i], c->len[i], 0, &je);

    if (!j) {
        fail_msg("message %zu: %s", i, je.text);
    }
    return j;
}

/* The k-th message sent in direction 'dir'. */
static size_t
nth(const struct capture *c, char dir, int k)
{
    for (size_t i = 0; i < c->n; i++) {
        if (c->dir[i] == dir && k-- == 0) {
            return i;
        }
    }
    fail_msg("no message %d from '%c'", k, dir);
    return 0;
}

static void
assert_json_equal(const json_t *a, const json_t *b)
{
    if (!json_equal(a, b)) {
        char *x = json_dumps(a, JSON_COMPACT | JSON_ENCODE_ANY);
        char *y = json_dumps(b, JSON_COMPACT | JSON_ENCODE_ANY);

        fail_msg("%s\n!=\n%s", x, y);
    }
}

/* ---- cutting ---- */

/* Feeds the messages of one direction, with 'gap' between them, in
 * pieces of 'piece' bytes, and checks every message comes out whole. */
static void
cut_stream(const struct capture *c, char dir, const char *gap, size_t piece)
{
    struct slc_jsonrpc_scan sc = {0};
    size_t total = 0, have = 0, fed = 0, got = 0, want = 0;
    char *stream, *buf;

    for (size_t i = 0; i < c->n; i++) {
        total += c->len[i] + strlen(gap);
    }
    stream = malloc(total + 1);
    buf = malloc(total + 1);
    total = 0;
    for (size_t i = 0; i < c->n; i++) {
        if (c->dir[i] == dir) {
            memcpy(stream + total, gap, strlen(gap));
            total += strlen(gap);
            memcpy(stream + total, c->msg[i], c->len[i]);
            total += c->len[i];
        }
    }
    while (fed < total) {
        size_t n = total - fed < piece ? total - fed : piece;
        size_t start, end;

        memcpy(buf + have, stream + fed, n);
        have += n;
        fed += n;
        while ((end = slc_jsonrpc_cut(&sc, buf, have, &start))) {
            assert_int_not_equal(end, (size_t)-1);
            while (c->dir[want] != dir) {
                want++;
            }
            assert_int_equal(end - start, c->len[want]);
            assert_memory_equal(buf + start, c->msg[want], c->len[want]);
            memmove(buf, buf + end, have - end);
            have -= end;
            want++;
            got++;
        }
    }
    for (; want < c->n; want++) {
        assert_true(c->dir[want] != dir);
    }
    assert_true(got > 0);
    free(stream);
    free(buf);
}

static void
test_cut_captures(void **state)
{
    const char *names[] = {"ovsdb-select", "ovsdb-op-error", "ovsdb-bad-table",
                           "ovsdb-bad-db", "ovsdb-monitor"};

    for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
        struct capture c;

        load(names[k], &c);
        for (const char *d = "cs"; *d; d++) {
            cut_stream(&c, *d, "", 1 << 20);
            cut_stream(&c, *d, "", 1);
            cut_stream(&c, *d, "\n ", 7);
        }
        unload(&c);
    }
}

static void
test_cut_edges(void **state)
{
    struct slc_jsonrpc_scan sc = {0};
    const char *tricky = "{\"a\":\"}{\\\"]\",\"b\":[1,{}]}";
    size_t start = 99;

    /* braces and escaped quotes inside strings do not end a message */
    assert_int_equal(slc_jsonrpc_cut(&sc, tricky, strlen(tricky), &start),
                     strlen(tricky));
    assert_int_equal(start, 0);
    /* incomplete: 0, and the rest is scanned later */
    sc = (struct slc_jsonrpc_scan){0};
    assert_int_equal(slc_jsonrpc_cut(&sc, tricky, 10, &start), 0);
    assert_int_equal(slc_jsonrpc_cut(&sc, tricky, strlen(tricky), &start),
                     strlen(tricky));
    /* anything but whitespace between messages is an error */
    sc = (struct slc_jsonrpc_scan){0};
    assert_int_equal(slc_jsonrpc_cut(&sc, " x{}", 4, &start), (size_t)-1);
    sc = (struct slc_jsonrpc_scan){0};
    assert_int_equal(slc_jsonrpc_cut(&sc, "}", 1, &start), (size_t)-1);
}

/* ---- messages ---- */

static void
test_decode_shapes(void **state)
{
    struct slc_jsonrpc_msg m;
    char why[200];
    json_t *j;

    j = json_loads("{\"method\":\"echo\",\"params\":[],\"id\":\"x\"}", 0, NULL);
    assert_int_equal(slc_jsonrpc_decode(j, &m, why, sizeof why), 0);
    assert_int_equal(m.kind, SLC_JSONRPC_REQUEST);
    json_decref(j);
    j = json_loads("{\"method\":\"update\",\"params\":{}}", 0, NULL);
    assert_int_equal(slc_jsonrpc_decode(j, &m, why, sizeof why), -1);
    assert_string_equal(why, "a request needs a string \"method\" and an "
                             "array \"params\"");
    json_decref(j);
    j = json_loads("{\"result\":1}", 0, NULL);
    assert_int_equal(slc_jsonrpc_decode(j, &m, why, sizeof why), -1);
    assert_string_equal(why, "a reply needs an \"id\"");
    json_decref(j);
    j = json_loads("{\"id\":3,\"error\":null}", 0, NULL);
    assert_int_equal(slc_jsonrpc_decode(j, &m, why, sizeof why), -1);
    json_decref(j);
    j = json_loads("[1]", 0, NULL);
    assert_int_equal(slc_jsonrpc_decode(j, &m, why, sizeof why), -1);
    json_decref(j);
}

/* Our request for 'ops' equals the capture's first client message. */
static void
check_transact_request(const struct capture *c, const char *ops_text)
{
    json_t *ops = json_loads(ops_text, 0, NULL);
    json_t *id = json_integer(0);
    json_t *ours = slc_jsonrpc_request(
        "transact", slc_ovsdb_transact_params("Open_vSwitch", ops), id);
    json_t *theirs = parsed(c, nth(c, 'c', 0));

    assert_non_null(ops);
    assert_json_equal(ours, theirs);
    json_decref(ours);
    json_decref(theirs);
    json_decref(id);
}

/* The capture's first server message, decoded. */
static json_t *
server_reply(const struct capture *c, struct slc_jsonrpc_msg *m)
{
    json_t *j = parsed(c, nth(c, 's', 0));
    char why[200];

    assert_int_equal(slc_jsonrpc_decode(j, m, why, sizeof why), 0);
    assert_int_equal(json_integer_value(m->id), 0);
    return j;
}

static void
test_select(void **state)
{
    struct capture c;
    struct slc_jsonrpc_msg m;
    const json_t *row;
    json_t *reply, *ports = json_object();
    char msg[600];
    size_t i;

    load("ovsdb-select", &c);
    check_transact_request(&c, "[{\"op\":\"select\",\"table\":\"Interface\","
                               "\"where\":[],\"columns\":[\"name\","
                               "\"ofport\"]}]");
    reply = server_reply(&c, &m);
    assert_int_equal(m.kind, SLC_JSONRPC_REPLY);
    assert_false(slc_ovsdb_result_error(m.result, 1, msg, sizeof msg));
    json_array_foreach(json_object_get(json_array_get(m.result, 0), "rows"),
                       i, row)
    {
        json_object_set(ports, json_string_value(json_object_get(row, "name")),
                        json_object_get(row, "ofport"));
    }
    assert_int_equal(json_object_size(ports), 2);
    assert_int_equal(json_integer_value(json_object_get(ports, "p1")), 1);
    assert_int_equal(json_integer_value(json_object_get(ports, "br0")),
                     65534);
    json_decref(ports);
    json_decref(reply);
    unload(&c);
}

static void
test_commit_error(void **state)
{
    const char *want = "constraint violation: Transaction causes multiple "
                       "rows in \"Bridge\" table to have identical values "
                       "(br9)";
    struct capture c;
    struct slc_jsonrpc_msg m;
    json_t *reply;
    char msg[600];

    load("ovsdb-op-error", &c);
    check_transact_request(
        &c, "[{\"op\":\"insert\",\"table\":\"Bridge\",\"row\":{\"name\":"
            "\"br9\"},\"uuid-name\":\"b\"},{\"op\":\"mutate\",\"table\":"
            "\"Open_vSwitch\",\"where\":[],\"mutations\":[[\"bridges\","
            "\"insert\",[\"named-uuid\",\"b\"]]]},{\"op\":\"insert\","
            "\"table\":\"Bridge\",\"row\":{\"name\":\"br9\",\"datapath_type\":"
            "\"dummy\"},\"uuid-name\":\"c\"},{\"op\":\"mutate\",\"table\":"
            "\"Open_vSwitch\",\"where\":[],\"mutations\":[[\"bridges\","
            "\"insert\",[\"named-uuid\",\"c\"]]]}]");
    reply = server_reply(&c, &m);
    assert_int_equal(m.kind, SLC_JSONRPC_REPLY);
    /* every operation passed; the commit failed: an error after them */
    assert_int_equal(json_array_size(m.result), 5);
    assert_true(slc_ovsdb_result_error(m.result, 4, msg, sizeof msg));
    assert_true(strncmp(msg, want, strlen(want)) == 0);
    json_decref(reply);
    unload(&c);
}

static void
test_operation_error(void **state)
{
    struct capture c;
    struct slc_jsonrpc_msg m;
    json_t *reply;
    char msg[600];

    load("ovsdb-bad-table", &c);
    check_transact_request(&c, "[{\"op\":\"select\",\"table\":"
                               "\"NoSuchTable\",\"where\":[]}]");
    reply = server_reply(&c, &m);
    assert_true(slc_ovsdb_result_error(m.result, 1, msg, sizeof msg));
    assert_string_equal(msg, "operation 0: syntax error: Parsing ovsdb "
                             "operation 1 of 1 failed: No table named "
                             "NoSuchTable.");
    json_decref(reply);
    unload(&c);
}

static void
test_request_error(void **state)
{
    struct capture c;
    struct slc_jsonrpc_msg m;
    json_t *reply;
    char msg[600];

    load("ovsdb-bad-db", &c);
    reply = server_reply(&c, &m);
    /* Open vSwitch leaves "result" out of an error reply */
    assert_int_equal(m.kind, SLC_JSONRPC_ERROR);
    slc_jsonrpc_error_text(m.error, msg, sizeof msg);
    assert_string_equal(msg, "unknown database: transact request specifies "
                             "unknown database NoSuchDb");
    json_decref(reply);
    unload(&c);
}

/* ---- monitor ---- */

/* A port table kept from monitor rows, as the ovs SDN driver keeps it:
 * name -> ofport for the rows that have one. */
struct ports {
    json_t *by_uuid; /* uuid -> row */
    int rows, inserts, modifies, deletes;
};

static void
on_row(void *arg, const char *table, const char *uuid, const json_t *old,
       const json_t *new)
{
    struct ports *p = arg;

    assert_string_equal(table, "Interface");
    p->rows++;
    if (!new) {
        p->deletes++;
        json_object_del(p->by_uuid, uuid);
        return;
    }
    p->inserts += !old;
    p->modifies += !!old;
    json_object_set(p->by_uuid, uuid, (json_t *)new);
}

static long
ofport_of(const struct ports *p, const char *name)
{
    const char *uuid;
    const json_t *row;

    json_object_foreach(p->by_uuid, uuid, row)
    {
        if (!strcmp(json_string_value(json_object_get(row, "name")), name)) {
            const json_t *no = json_object_get(row, "ofport");

            return json_is_integer(no) ? (long)json_integer_value(no) : -2;
        }
    }
    return -1;
}

/* Decodes update notification 'k' of the capture into 'p'. */
static void
apply_update(const struct capture *c, int k, struct ports *p)
{
    json_t *j = parsed(c, nth(c, 's', 4 + k));
    struct slc_jsonrpc_msg m;
    char why[200];

    assert_int_equal(slc_jsonrpc_decode(j, &m, why, sizeof why), 0);
    assert_int_equal(m.kind, SLC_JSONRPC_NOTIFY);
    assert_string_equal(m.method, "update");
    assert_true(json_is_null(json_array_get(m.params, 0))); /* monitor id */
    assert_int_equal(slc_ovsdb_updates_foreach(json_array_get(m.params, 1),
                                               on_row, p, why, sizeof why),
                     1);
    json_decref(j);
}

static void
test_monitor(void **state)
{
    struct capture c;
    struct slc_jsonrpc_msg m;
    struct ports p = {.by_uuid = json_object()};
    json_t *ours, *theirs, *reply, *null = json_null();
    char why[200];
    size_t req;

    load("ovsdb-monitor", &c);
    /* ovsdb-client asks list_dbs, get_schema, set_db_change_aware first */
    req = nth(&c, 'c', 3);
    theirs = parsed(&c, req);
    ours = slc_jsonrpc_request(
        "monitor",
        slc_ovsdb_monitor_params(
            "Open_vSwitch", null,
            json_pack("{s[ss]}", "Interface", "name", "ofport")),
        json_object_get(theirs, "id"));
    assert_json_equal(ours, theirs);
    json_decref(ours);
    json_decref(theirs);

    /* initial rows: the bridge's internal port and p1 */
    reply = parsed(&c, nth(&c, 's', 3));
    assert_int_equal(slc_jsonrpc_decode(reply, &m, why, sizeof why), 0);
    assert_int_equal(m.kind, SLC_JSONRPC_REPLY);
    assert_int_equal(slc_ovsdb_updates_foreach(m.result, on_row, &p, why,
                                               sizeof why),
                     2);
    assert_int_equal(p.inserts, 2);
    assert_int_equal(ofport_of(&p, "br0"), 65534);
    assert_int_equal(ofport_of(&p, "p1"), 1);
    json_decref(reply);

    /* p9 added: first with no ofport yet (an empty set), then 9 */
    apply_update(&c, 0, &p);
    assert_int_equal(ofport_of(&p, "p9"), -2);
    apply_update(&c, 1, &p);
    assert_int_equal(ofport_of(&p, "p9"), 9);
    /* its ofport_request changed: 19 */
    apply_update(&c, 2, &p);
    assert_int_equal(ofport_of(&p, "p9"), 19);
    assert_int_equal(p.modifies, 2);
    /* removed */
    apply_update(&c, 3, &p);
    assert_int_equal(ofport_of(&p, "p9"), -1);
    assert_int_equal(p.deletes, 1);
    assert_int_equal(json_object_size(p.by_uuid), 2);
    json_decref(p.by_uuid);
    unload(&c);
}

static void
test_echo(void **state)
{
    struct capture c;
    struct slc_jsonrpc_msg m;
    json_t *probe, *answer;
    char why[200], *text;
    size_t i;

    load("ovsdb-monitor", &c);
    /* the server's inactivity probe, then ovsdb-client's answer */
    i = nth(&c, 's', 8);
    probe = parsed(&c, i);
    assert_int_equal(slc_jsonrpc_decode(probe, &m, why, sizeof why), 0);
    assert_int_equal(m.kind, SLC_JSONRPC_REQUEST);
    assert_string_equal(m.method, "echo");
    assert_int_equal(c.dir[i + 1], 'c');
    answer = slc_jsonrpc_reply(json_deep_copy(m.params), m.id);
    text = json_dumps(answer, JSON_COMPACT);
    assert_int_equal(strlen(text), c.len[i + 1]);
    assert_memory_equal(text, c.msg[i + 1], c.len[i + 1]);
    free(text);
    json_decref(answer);
    json_decref(probe);
    unload(&c);
}

static void
test_bad_updates(void **state)
{
    struct ports p = {.by_uuid = json_object()};
    char why[200];
    json_t *u = json_loads("{\"Interface\":{\"u1\":{\"new\":{\"name\":\"a\"}},"
                           "\"u2\":{\"new\":3}}}",
                           0, NULL);

    /* one bad row: nothing is reported */
    assert_int_equal(slc_ovsdb_updates_foreach(u, on_row, &p, why, sizeof why),
                     -1);
    assert_int_equal(p.rows, 0);
    assert_string_equal(why, "table-updates: table Interface: row u2: "
                             "expected {\"old\": ROW, \"new\": ROW}");
    json_decref(u);
    json_decref(p.by_uuid);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cut_captures),
        cmocka_unit_test(test_cut_edges),
        cmocka_unit_test(test_decode_shapes),
        cmocka_unit_test(test_select),
        cmocka_unit_test(test_commit_error),
        cmocka_unit_test(test_operation_error),
        cmocka_unit_test(test_request_error),
        cmocka_unit_test(test_monitor),
        cmocka_unit_test(test_echo),
        cmocka_unit_test(test_bad_updates),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

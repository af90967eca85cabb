/* Unit tests of the YAML loader: values, source positions, limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "slc-yaml.h"

static struct slc_yaml_doc *
load_ok(const char *text)
{
    struct slc_diags diags = SLC_DIAGS_INIT;
    struct slc_yaml_doc *doc;
    int rc = slc_yaml_load(text, strlen(text), "t.yaml", NULL, &doc, &diags);

    if (rc) {
        slc_diags_print(&diags, stderr);
    }
    assert_int_equal(rc, 0);
    assert_int_equal(diags.n_errors, 0);
    slc_diags_clear(&diags);
    return doc;
}

/* Loads text that must fail; returns the first message, "L:C: msg". */
static void
expect_error(const char *text, size_t size, const struct slc_yaml_limits *lim,
             int code, unsigned line, unsigned col, const char *needle)
{
    struct slc_diags diags = SLC_DIAGS_INIT;
    struct slc_yaml_doc *doc = NULL;
    int rc = slc_yaml_load(text, size, "t.yaml", lim, &doc, &diags);

    assert_int_equal(rc, code);
    assert_null(doc);
    assert_int_equal(diags.n_errors, 1);
    if (!strstr(diags.items[0].msg, needle)) {
        fail_msg("'%s' does not contain '%s'", diags.items[0].msg, needle);
    }
    assert_int_equal(diags.items[0].pos.line, line);
    assert_int_equal(diags.items[0].pos.col, col);
    slc_diags_clear(&diags);
}

static void
test_scalars_resolve_like_osm_files(void **state)
{
    struct slc_yaml_doc *doc = load_ok(
        "vpci: 0000:00:0a.0\n"
        "version: 1.10\n"
        "count: '1'\n"
        "n: 17\n"
        "hex: 0x1f\n"
        "real: 2.5\n"
        "yes_is_text: yes\n"
        "t: true\n"
        "f: False\n"
        "nothing: ~\n"
        "forced: !!str 12\n");
    json_t *root = slc_yaml_root(doc);

    assert_string_equal(json_string_value(json_object_get(root, "vpci")),
                        "0000:00:0a.0");
    assert_true(json_is_real(json_object_get(root, "version")));
    assert_string_equal(slc_yaml_raw(doc, json_object_get(root, "version")),
                        "1.10");
    assert_string_equal(json_string_value(json_object_get(root, "count")),
                        "1");
    assert_int_equal(json_integer_value(json_object_get(root, "n")), 17);
    assert_int_equal(json_integer_value(json_object_get(root, "hex")), 31);
    assert_null(slc_yaml_raw(doc, json_object_get(root, "n")));
    assert_true(json_is_real(json_object_get(root, "real")));
    assert_string_equal(
        json_string_value(json_object_get(root, "yes_is_text")), "yes");
    assert_true(json_is_true(json_object_get(root, "t")));
    assert_true(json_is_false(json_object_get(root, "f")));
    assert_true(json_is_null(json_object_get(root, "nothing")));
    assert_string_equal(json_string_value(json_object_get(root, "forced")),
                        "12");
    slc_yaml_free(doc);
}

static void
test_positions_of_every_kind_of_node(void **state)
{
    struct slc_yaml_doc *doc = load_ok("a:\n"
                                       "  - x: 1\n"
                                       "    flag: true\n"
                                       "  - [yes, null]\n"
                                       "b: text\n");
    json_t *root = slc_yaml_root(doc);
    json_t *a = json_object_get(root, "a");
    json_t *first = json_array_get(a, 0);
    json_t *second = json_array_get(a, 1);
    struct slc_pos pos;

    pos = slc_yaml_pos(doc, a);
    assert_int_equal(pos.line, 2);
    assert_int_equal(pos.col, 3);
    pos = slc_yaml_member_pos(doc, first, "x");
    assert_int_equal(pos.line, 2);
    assert_int_equal(pos.col, 8);
    /* A singleton is found through its parent and key. */
    pos = slc_yaml_member_pos(doc, first, "flag");
    assert_int_equal(pos.line, 3);
    assert_int_equal(pos.col, 11);
    pos = slc_yaml_index_pos(doc, second, 1);
    assert_int_equal(pos.line, 4);
    assert_int_equal(pos.col, 11);
    pos = slc_yaml_member_pos(doc, root, "b");
    assert_int_equal(pos.line, 5);
    assert_int_equal(pos.col, 4);
    /* An absent member falls back to its object. */
    pos = slc_yaml_member_pos(doc, first, "absent");
    assert_int_equal(pos.line, 2);
    assert_int_equal(pos.col, 5);
    slc_yaml_free(doc);
}

static void
test_json_input_with_positions(void **state)
{
    struct slc_yaml_doc *doc =
        load_ok("{\"vnfd\": {\"id\": \"x\",\n  \"vdu\": [{\"id\": 7}]}}");
    json_t *vdu =
        json_object_get(json_object_get(slc_yaml_root(doc), "vnfd"), "vdu");
    struct slc_pos pos = slc_yaml_pos(doc, json_array_get(vdu, 0));

    assert_int_equal(pos.line, 2);
    assert_int_equal(pos.col, 11);
    slc_yaml_free(doc);
}

static void
test_aliases_share_and_count(void **state)
{
    struct slc_yaml_limits lim = {.max_size = 1 << 20, .max_depth = 64,
                                  .max_nodes = 40};
    struct slc_yaml_doc *doc = load_ok("base: &b {x: 1, y: 2}\n"
                                       "copy: *b\n");
    json_t *root = slc_yaml_root(doc);

    assert_ptr_equal(json_object_get(root, "base"),
                     json_object_get(root, "copy"));
    slc_yaml_free(doc);

    /* A "billion laughs" document: each level doubles the expansion. */
    const char *bomb = "a: &a [x, x, x, x, x, x]\n"
                       "b: &b [*a, *a, *a, *a, *a, *a]\n"
                       "c: &c [*b, *b, *b, *b, *b, *b]\n";
    /* 8 values for the root and 'a', 1 for 'b', then 7 per '*a': the
     * fifth '*a' passes 40. */
    expect_error(bomb, strlen(bomb), &lim, SLC_ETOOBIG, 2, 24,
                 "more than 40 values");
}

static void
test_syntax_errors_have_positions(void **state)
{
    const char *dup = "a: 1\nb: 2\na: 3\n";
    const char *indent = "a:\n  b: 1\n   c: 2\n";
    const char *tab = "a:\n\tb: 1\n";

    expect_error(dup, strlen(dup), NULL, SLC_EINVALID, 3, 1,
                 "duplicate key 'a'");
    expect_error(indent, strlen(indent), NULL, SLC_EINVALID, 3, 5,
                 "YAML syntax");
    expect_error(tab, strlen(tab), NULL, SLC_EINVALID, 2, 1, "YAML syntax");
    expect_error("", 0, NULL, SLC_EINVALID, 1, 1, "empty input");
}

static void
test_limits(void **state)
{
    struct slc_yaml_limits lim = {.max_size = 64, .max_depth = 4,
                                  .max_nodes = 1000};
    char big[100];
    const char *deep = "a: {b: {c: {d: {e: 1}}}}\n";

    memset(big, 'x', sizeof big);
    expect_error(big, sizeof big, &lim, SLC_ETOOBIG, 0, 0,
                 "larger than the limit of 64 bytes");
    expect_error(deep, strlen(deep), &lim, SLC_ETOOBIG, 1, 16,
                 "nesting deeper than 4 levels");
}

static void
test_binary_input_is_refused(void **state)
{
    static const char nul[] = "vnfd:\n  id: a\0b\n";
    static const char latin1[] = "id: caf\xe9\n";

    expect_error(nul, sizeof nul - 1, NULL, SLC_EINVALID, 2, 8,
                 "control characters are not allowed (byte 0x00");
    expect_error(latin1, sizeof latin1 - 1, NULL, SLC_EINVALID, 1, 8,
                 "UTF-8");
}

static void
test_load_file_reports_missing_file(void **state)
{
    struct slc_diags diags = SLC_DIAGS_INIT;
    struct slc_yaml_doc *doc;

    assert_int_equal(slc_yaml_load_file("/nonexistent/x.yaml", NULL, &doc,
                                        &diags),
                     SLC_EIO);
    assert_non_null(strstr(diags.items[0].msg, "cannot open"));
    slc_diags_clear(&diags);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scalars_resolve_like_osm_files),
        cmocka_unit_test(test_positions_of_every_kind_of_node),
        cmocka_unit_test(test_json_input_with_positions),
        cmocka_unit_test(test_aliases_share_and_count),
        cmocka_unit_test(test_syntax_errors_have_positions),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_binary_input_is_refused),
        cmocka_unit_test(test_load_file_reports_missing_file),
    };
    return cmocka_run_group_tests_name("yaml", tests, NULL, NULL);
}

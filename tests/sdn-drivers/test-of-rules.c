/* Unit tests of OSM's openflow rule computation (sdn-drivers/of-rules.h):
 * golden rule lists for an ELINE of a VF and a passthrough NIC, an ELAN
 * of three points with MACs, two VFs of one NIC (hairpin), MAC-less
 * destinations merged, points sharing a port and a VLAN, and the
 * refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "of-rules.h"

/* Checks that the rules of 'pts' are the JSON 'golden'. */
static void
expect_rules(const char *type, const struct slc_sdn_endpoint *pts, size_t n,
             const char *golden)
{
    struct slc_error err = {0};
    json_error_t jerr;
    json_t *want = json_loads(golden, 0, &jerr);
    json_t *got = NULL, *none = json_array();
    int rc = slc_of_rules("s", type, pts, n, false, &got, &err);

    if (!want) {
        fail_msg("golden: %s at %d", jerr.text, jerr.position);
    }
    if (rc) {
        fail_msg("rc %d: %s", rc, err.msg);
    }
    if (!json_equal(json_object_get(got, "rules"), want) ||
        !json_equal(json_object_get(got, "groups"), none)) {
        char *g = json_dumps(got, JSON_INDENT(1));

        print_error("got: %s\n", g);
        free(g);
        fail_msg("rules differ from the golden list");
    }
    json_decref(want);
    json_decref(got);
    json_decref(none);
}

static void
test_eline_vf_passthrough(void **state)
{
    const struct slc_sdn_endpoint pts[] = {
        {.id = "compute-1:0000:3b:02.0", .encapsulation = "dot1q",
         .vlan = 101, .mac = "fa:16:3e:00:00:01", .switch_dpid = "br-fabric",
         .switch_port = "1"},
        {.id = "compute-1:0000:af:00.1", .mac = "fa:16:3e:00:00:02",
         .switch_port = "4"},
    };

    /* 2 points: no MAC match even when the points have MACs */
    expect_rules(
        "ELINE", pts, 2,
        "[{\"name\": \"s.0\", \"priority\": 995,"
        "  \"match\": {\"in_port\": \"1\", \"vlan\": 101},"
        "  \"actions\": [{\"pop_vlan\": null}, {\"output\": \"4\"}]},"
        " {\"name\": \"s.1\", \"priority\": 995,"
        "  \"match\": {\"in_port\": \"4\"},"
        "  \"actions\": [{\"push_vlan\": 101}, {\"output\": \"1\"}]}]");
}

static void
test_elan_three_with_macs(void **state)
{
    const struct slc_sdn_endpoint pts[] = {
        {.id = "a", .vlan = 101, .mac = "02:00:00:00:00:01",
         .switch_port = "1"},
        {.id = "b", .mac = "02:00:00:00:00:02", .switch_port = "2"},
        {.id = "c", .vlan = 102, .mac = "02:00:00:00:00:03",
         .switch_port = "3"},
    };
    struct slc_error err = {0};
    json_t *prog, *r;
    size_t i, unicast = 0, broadcast = 0;

    expect_rules(
        "ELAN", pts, 3,
        "[{\"name\": \"s.0\", \"priority\": 1000, \"match\": {\"in_port\": "
        "\"1\", \"vlan\": 101, \"eth_dst\": \"02:00:00:00:00:02\"},"
        "  \"actions\": [{\"pop_vlan\": null}, {\"output\": \"2\"}]},"
        " {\"name\": \"s.1\", \"priority\": 1000, \"match\": {\"in_port\": "
        "\"1\", \"vlan\": 101, \"eth_dst\": \"02:00:00:00:00:03\"},"
        "  \"actions\": [{\"set_vlan\": 102}, {\"output\": \"3\"}]},"
        " {\"name\": \"s.2\", \"priority\": 1000, \"match\": {\"in_port\": "
        "\"1\", \"vlan\": 101, \"eth_dst\": \"ff:ff:ff:ff:ff:ff\"},"
        "  \"actions\": [{\"pop_vlan\": null}, {\"output\": \"2\"},"
        "                {\"push_vlan\": 102}, {\"output\": \"3\"}]},"
        " {\"name\": \"s.3\", \"priority\": 1000, \"match\": {\"in_port\": "
        "\"2\", \"eth_dst\": \"02:00:00:00:00:01\"},"
        "  \"actions\": [{\"push_vlan\": 101}, {\"output\": \"1\"}]},"
        " {\"name\": \"s.4\", \"priority\": 1000, \"match\": {\"in_port\": "
        "\"2\", \"eth_dst\": \"02:00:00:00:00:03\"},"
        "  \"actions\": [{\"push_vlan\": 102}, {\"output\": \"3\"}]},"
        " {\"name\": \"s.5\", \"priority\": 1000, \"match\": {\"in_port\": "
        "\"2\", \"eth_dst\": \"ff:ff:ff:ff:ff:ff\"},"
        "  \"actions\": [{\"push_vlan\": 101}, {\"output\": \"1\"},"
        "                {\"set_vlan\": 102}, {\"output\": \"3\"}]},"
        " {\"name\": \"s.6\", \"priority\": 1000, \"match\": {\"in_port\": "
        "\"3\", \"vlan\": 102, \"eth_dst\": \"02:00:00:00:00:01\"},"
        "  \"actions\": [{\"set_vlan\": 101}, {\"output\": \"1\"}]},"
        " {\"name\": \"s.7\", \"priority\": 1000, \"match\": {\"in_port\": "
        "\"3\", \"vlan\": 102, \"eth_dst\": \"02:00:00:00:00:02\"},"
        "  \"actions\": [{\"pop_vlan\": null}, {\"output\": \"2\"}]},"
        " {\"name\": \"s.8\", \"priority\": 1000, \"match\": {\"in_port\": "
        "\"3\", \"vlan\": 102, \"eth_dst\": \"ff:ff:ff:ff:ff:ff\"},"
        "  \"actions\": [{\"pop_vlan\": null}, {\"output\": \"2\"},"
        "                {\"push_vlan\": 101}, {\"output\": \"1\"}]}]");

    assert_int_equal(slc_of_rules("s", "ELAN", pts, 3, false, &prog, &err),
                     0);
    json_array_foreach(json_object_get(prog, "rules"), i, r)
    {
        const char *dst = json_string_value(
            json_object_get(json_object_get(r, "match"), "eth_dst"));

        assert_int_equal(json_integer_value(json_object_get(r, "priority")),
                         1000);
        broadcast += dst && !strcmp(dst, "ff:ff:ff:ff:ff:ff");
        unicast += dst && strcmp(dst, "ff:ff:ff:ff:ff:ff");
    }
    assert_int_equal(unicast, 6);
    assert_int_equal(broadcast, 3);
    json_decref(prog);
}

/* Two VFs of one NIC: same switch port, other VLANs. */
static void
test_hairpin(void **state)
{
    const struct slc_sdn_endpoint pts[] = {
        {.id = "vf0", .encapsulation = "dot1q", .vlan = 101,
         .switch_port = "1"},
        {.id = "vf1", .encapsulation = "dot1q", .vlan = 102,
         .switch_port = "1"},
    };

    expect_rules("ELINE", pts, 2,
                 "[{\"name\": \"s.0\", \"priority\": 995,"
                 "  \"match\": {\"in_port\": \"1\", \"vlan\": 101},"
                 "  \"actions\": [{\"set_vlan\": 102},"
                 "                {\"output\": \"IN_PORT\"}]},"
                 " {\"name\": \"s.1\", \"priority\": 995,"
                 "  \"match\": {\"in_port\": \"1\", \"vlan\": 102},"
                 "  \"actions\": [{\"set_vlan\": 101},"
                 "                {\"output\": \"IN_PORT\"}]}]");
}

/* A VF, a VIM network's uplink and an external point, the last two
 * without MAC: the VF's rules to both have the same match and become one
 * (our rule), which OSM's merge then joins with its broadcast rule. */
static void
test_macless_destinations_merged(void **state)
{
    const struct slc_sdn_endpoint pts[] = {
        {.id = "vf", .vlan = 101, .mac = "02:00:00:00:00:01",
         .switch_port = "1"},
        {.id = "vim-network:n1", .vlan = 7, .switch_port = "fabric-to-int"},
        {.id = "external-0", .vlan = 300, .switch_port = "9"},
    };

    expect_rules(
        "ELAN", pts, 3,
        "[{\"name\": \"s.0\", \"priority\": 995,"
        "  \"match\": {\"in_port\": \"1\", \"vlan\": 101},"
        "  \"actions\": [{\"set_vlan\": 7}, {\"output\": \"fabric-to-int\"},"
        "                {\"set_vlan\": 300}, {\"output\": \"9\"}]},"
        " {\"name\": \"s.1\", \"priority\": 1000, \"match\": {\"in_port\": "
        "\"fabric-to-int\", \"vlan\": 7, \"eth_dst\": \"02:00:00:00:00:01\"},"
        "  \"actions\": [{\"set_vlan\": 101}, {\"output\": \"1\"}]},"
        " {\"name\": \"s.2\", \"priority\": 995, \"match\": {\"in_port\": "
        "\"fabric-to-int\", \"vlan\": 7},"
        "  \"actions\": [{\"set_vlan\": 300}, {\"output\": \"9\"}]},"
        " {\"name\": \"s.3\", \"priority\": 1000, \"match\": {\"in_port\": "
        "\"fabric-to-int\", \"vlan\": 7, \"eth_dst\": \"ff:ff:ff:ff:ff:ff\"},"
        "  \"actions\": [{\"set_vlan\": 101}, {\"output\": \"1\"},"
        "                {\"set_vlan\": 300}, {\"output\": \"9\"}]},"
        " {\"name\": \"s.4\", \"priority\": 1000, \"match\": {\"in_port\": "
        "\"9\", \"vlan\": 300, \"eth_dst\": \"02:00:00:00:00:01\"},"
        "  \"actions\": [{\"set_vlan\": 101}, {\"output\": \"1\"}]},"
        " {\"name\": \"s.5\", \"priority\": 995, \"match\": {\"in_port\": "
        "\"9\", \"vlan\": 300},"
        "  \"actions\": [{\"set_vlan\": 7}, {\"output\": \"fabric-to-int\"}]},"
        " {\"name\": \"s.6\", \"priority\": 1000, \"match\": {\"in_port\": "
        "\"9\", \"vlan\": 300, \"eth_dst\": \"ff:ff:ff:ff:ff:ff\"},"
        "  \"actions\": [{\"set_vlan\": 7}, {\"output\": \"fabric-to-int\"},"
        "                {\"set_vlan\": 101}, {\"output\": \"1\"}]}]");
}

/* Untagged points without MACs: one flooding rule per source; two points
 * on one port and VLAN share their rules and never reach each other. */
static void
test_untagged_flood_and_shared_port(void **state)
{
    const struct slc_sdn_endpoint three[] = {
        {.id = "a", .switch_port = "a"},
        {.id = "b", .switch_port = "b"},
        {.id = "c", .switch_port = "c"},
    };
    const struct slc_sdn_endpoint shared[] = {
        {.id = "p1", .mac = "02:00:00:00:00:01", .switch_port = "1"},
        {.id = "p1-bis", .mac = "02:00:00:00:00:02", .switch_port = "1"},
        {.id = "p2", .switch_port = "2"},
    };

    expect_rules(
        "ELAN", three, 3,
        "[{\"name\": \"s.0\", \"priority\": 995,"
        "  \"match\": {\"in_port\": \"a\"},"
        "  \"actions\": [{\"output\": \"b\"}, {\"output\": \"c\"}]},"
        " {\"name\": \"s.1\", \"priority\": 995,"
        "  \"match\": {\"in_port\": \"b\"},"
        "  \"actions\": [{\"output\": \"a\"}, {\"output\": \"c\"}]},"
        " {\"name\": \"s.2\", \"priority\": 995,"
        "  \"match\": {\"in_port\": \"c\"},"
        "  \"actions\": [{\"output\": \"a\"}, {\"output\": \"b\"}]}]");
    /* p2 reaches both MACs through port 1 with one output: merged */
    expect_rules("ELAN", shared, 3,
                 "[{\"name\": \"s.0\", \"priority\": 995,"
                 "  \"match\": {\"in_port\": \"1\"},"
                 "  \"actions\": [{\"output\": \"2\"}]},"
                 " {\"name\": \"s.1\", \"priority\": 995,"
                 "  \"match\": {\"in_port\": \"2\"},"
                 "  \"actions\": [{\"output\": \"1\"}]}]");
}

/* Calls slc_of_rules() expecting a refusal; returns its message. */
static const char *
refused(const char *type, const struct slc_sdn_endpoint *pts, size_t n,
        bool same_vlan_only, int code)
{
    static struct slc_error err;
    json_t *prog = (json_t *)1;

    assert_int_equal(slc_of_rules("s", type, pts, n, same_vlan_only, &prog,
                                  &err),
                     code);
    assert_null(prog);
    return err.msg;
}

static void
test_refusals(void **state)
{
    const struct slc_sdn_endpoint three[] = {
        {.id = "a", .vlan = 101, .switch_port = "1"},
        {.id = "b", .vlan = 101, .switch_port = "2"},
        {.id = "c", .vlan = 102, .switch_port = "3"},
    };
    const struct slc_sdn_endpoint portless[] = {
        {.id = "a", .switch_port = "1"},
        {.id = "compute-1:0000:3b:02.0", .vlan = 5},
    };
    const struct slc_sdn_endpoint bad[] = {
        {.id = "a", .switch_port = "1", .mac = "02:00:00:00:00"},
        {.id = "b", .switch_port = "2", .vlan = 4096},
    };
    struct slc_error err = {0};
    json_t *prog;

    assert_string_equal(refused("ELINE", three, 3, false, SLC_EINVALID),
                        "an ELINE joins exactly 2 points, not 3");
    assert_string_equal(refused("ETREE", three, 3, false, SLC_EUNSUPPORTED),
                        "service type 'ETREE': openflow rules join ELINE "
                        "and ELAN only");
    assert_non_null(strstr(refused("L3", three, 2, false, SLC_EUNSUPPORTED),
                           "'L3'"));
    assert_string_equal(refused("ELAN", portless, 2, false, SLC_EINVALID),
                        "point compute-1:0000:3b:02.0: no switch_port");
    assert_string_equal(refused("ELAN", bad, 1, false, SLC_EINVALID),
                        "point a: mac '02:00:00:00:00' is not a MAC address");
    assert_string_equal(refused("ELAN", bad + 1, 1, false, SLC_EINVALID),
                        "point b: vlan 4096 is not 1..4095");
    assert_string_equal(refused("ELAN", three, 3, true, SLC_EINVALID),
                        "points a (vlan 101) and c (vlan 102): different "
                        "VLANs cannot be joined with "
                        "of_controller_nets_with_same_vlan");
    /* the same VLAN everywhere is fine under that flag */
    assert_int_equal(slc_of_rules("s", "ELAN", three, 2, true, &prog, &err),
                     0);
    assert_int_equal(json_array_size(json_object_get(prog, "rules")), 2);
    json_decref(prog);
    /* fewer than 2 points: nothing to join */
    assert_int_equal(slc_of_rules("s", "ELAN", three, 1, false, &prog, &err),
                     0);
    assert_int_equal(json_array_size(json_object_get(prog, "rules")), 0);
    json_decref(prog);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eline_vf_passthrough),
        cmocka_unit_test(test_elan_three_with_macs),
        cmocka_unit_test(test_hairpin),
        cmocka_unit_test(test_macless_destinations_merged),
        cmocka_unit_test(test_untagged_flood_and_shared_port),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests_name("of-rules", tests, NULL, NULL);
}

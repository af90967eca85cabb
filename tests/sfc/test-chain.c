/* Unit tests of chain rendering: each chain's forwarding program, as
 * text in ovs-ofctl's syntax, must equal its golden file in
 * tests/sfc/golden/.  SLC_UPDATE_GOLDEN=1 rewrites the files instead (then
 * read the diff before committing). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sfc-chain.h"

#define GOLDEN SLC_SOURCE_DIR "/tests/sfc/golden/"

/* One switch's program as lines "[fabric ]path from->to: rule", then
 * its groups. */
static void
part_text(FILE *f, const json_t *prog, const char *prefix)
{
    const json_t *r, *g, *b;
    size_t i, k;

    json_array_foreach(json_object_get(prog, "rules"), i, r)
    {
        char *t = slc_sfc_rule_text(r);
        const char *leg = json_string_value(json_object_get(r, "leg"));

        fprintf(f, "%s%s %s->%s%s%s: %s\n", prefix,
                json_string_value(json_object_get(r, "path")),
                json_string_value(json_object_get(r, "from")),
                json_string_value(json_object_get(r, "to")), leg ? " via " : "",
                leg ? leg : "", t);
        free(t);
    }
    json_array_foreach(json_object_get(prog, "groups"), i, g)
    {
        char *ports = json_dumps(json_object_get(g, "ports"), JSON_COMPACT);

        fprintf(f, "%sgroup %lld select %s\n", prefix,
                (long long)json_integer_value(json_object_get(g, "id")),
                ports ? ports : "");
        free(ports);
        json_array_foreach(json_object_get(g, "buckets"), k, b)
        {
            json_t *rule = json_pack("{si s{} sO}", "priority", 0, "match",
                                     "actions", b);
            char *t = slc_sfc_rule_text(rule);

            fprintf(f, "%s  bucket %s\n", prefix, strstr(t, "actions="));
            free(t);
            json_decref(rule);
        }
    }
}

/* The programs of both switches: the VIM's as it always was, the
 * fabric's lines prefixed "fabric ". */
static char *
program_text(const json_t *prog)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);

    part_text(f, json_object_get(prog, "vim"), "");
    part_text(f, json_object_get(prog, "fabric"), "fabric ");
    fclose(f);
    return out;
}

static void
check_golden(const char *name, const struct slc_sfc_chain *c)
{
    char path[512], *text, *want;
    struct slc_error err = {0};
    json_t *prog = slc_sfc_render(c, &err);
    FILE *f;
    long n;

    if (!prog) {
        fail_msg("%s: %s", name, err.msg);
    }
    text = program_text(prog);
    json_decref(prog);
    snprintf(path, sizeof path, GOLDEN "%s.txt", name);
    if (getenv("SLC_UPDATE_GOLDEN")) {
        f = fopen(path, "w");
        assert_non_null(f);
        fputs(text, f);
        fclose(f);
    }
    f = fopen(path, "r");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    want = calloc(1, (size_t)n + 1);
    assert_int_equal(fread(want, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    if (strcmp(text, want)) {
        fprintf(stderr, "%s differs from %s:\n%s", name, path, text);
    }
    assert_string_equal(text, want);
    free(text);
    free(want);
}

/* The SFC demo: client -> firewall -> monitor -> server, TCP to port 80. */
static const struct slc_sfc_sfi fw = {{"fw-in"}, {"fw-out"}};
static const struct slc_sfc_sfi mon = {{"mon-in"}, {"mon-out"}};
static const struct slc_sfc_sfi mon2 = {{"mon2-in"}, {"mon2-out"}};
static const struct slc_sfc_port client = {"client"};
static const struct slc_sfc_hop demo_hops[] = {
    {"firewall-hop", &fw, 1},
    {"monitor-hop", &mon, 1},
};
static const struct slc_sfc_match web = {"tcp-80", 6, "10.10.0.10",
                                         "10.10.0.20", 0, 80};

static struct slc_sfc_chain
demo(enum slc_sfc_encap encap)
{
    return (struct slc_sfc_chain){
        .id = "web-path", .encap = encap, .path_id = 100, .tag_base = 100,
        .sources = &client, .n_sources = 1, .destination = {"server"},
        .matches = &web,
        .n_matches = 1, .hops = demo_hops, .n_hops = 2};
}

static void
test_vlan(void **state)
{
    struct slc_sfc_chain c = demo(SLC_SFC_VLAN);

    check_golden("vlan-two-hops", &c);
}

static void
test_mpls(void **state)
{
    struct slc_sfc_chain c = demo(SLC_SFC_MPLS);

    check_golden("mpls-two-hops", &c);
}

static void
test_nsh(void **state)
{
    struct slc_sfc_chain c = demo(SLC_SFC_NSH);

    check_golden("nsh-two-hops", &c);
}

static void
test_symmetric(void **state)
{
    struct slc_sfc_chain c = demo(SLC_SFC_VLAN);

    c.symmetric = true;
    check_golden("vlan-symmetric", &c);
    c.encap = SLC_SFC_NSH;
    check_golden("nsh-symmetric", &c);
}

static void
test_load_balanced(void **state)
{
    const struct slc_sfc_sfi mons[] = {mon, mon2};
    const struct slc_sfc_hop hops[] = {{"firewall-hop", &fw, 1},
                                       {"monitor-hop", mons, 2}};
    struct slc_sfc_chain c = demo(SLC_SFC_VLAN);

    c.hops = hops;
    check_golden("vlan-load-balanced", &c);
}

static void
test_prefixes_and_normal(void **state)
{
    /* two matches, a destination prefix naming no single port: delivered
     * back onto the link as from the source; a single-armed SF */
    const struct slc_sfc_match ms[] = {
        {"udp-dns", 17, NULL, "10.10.0.0/24", 0, 53},
        {"icmp", 1, "10.10.0.10", NULL, 0, 0},
    };
    const struct slc_sfc_sfi one = {{"mon-in"}, {"mon-in"}};
    const struct slc_sfc_hop hop = {"monitor-hop", &one, 1};
    struct slc_sfc_chain c = {.id = "any", .encap = SLC_SFC_VLAN,
                              .tag_base = 7, .sources = &client,
                              .n_sources = 1,
                              .matches = ms, .n_matches = 2, .hops = &hop,
                              .n_hops = 1};

    check_golden("vlan-normal-delivery", &c);
    c.n_matches = 0;
    check_golden("vlan-all-ip", &c);
}

static void
test_ipv6(void **state)
{
    const struct slc_sfc_match m = {"v6", 17, "2001:db8::10", "2001:db8::/64",
                                    0, 53};
    struct slc_sfc_chain c = demo(SLC_SFC_MPLS);

    c.matches = &m;
    check_golden("mpls-ipv6", &c);
}

/* A chain across the switches: the firewall's ports are SR-IOV VFs on
 * the fabric (NIC on fabric port 3, VFs in VLANs 101 and 102), the
 * monitor virtio on the VIM's switch; the trunk joins them. */
static const struct slc_sfc_sfi vf_fw = {{"3", 101, true}, {"3", 102, true}};
static const struct slc_sfc_sfi vf_fw2 = {{"4", 201, true},
                                          {"4", 202, true}};

static struct slc_sfc_chain
across(enum slc_sfc_encap encap, const struct slc_sfc_hop *hops)
{
    struct slc_sfc_chain c = demo(encap);

    c.hops = hops;
    c.trunk[SLC_SFC_VIM] = "int-to-fabric";
    c.trunk[SLC_SFC_FABRIC] = "fabric-to-int";
    c.symmetric = true;
    return c;
}

static void
test_fabric(void **state)
{
    const struct slc_sfc_hop hops[] = {{"firewall-hop", &vf_fw, 1},
                                       {"monitor-hop", &mon, 1}};
    const struct slc_sfc_sfi fws[] = {vf_fw, vf_fw2};
    const struct slc_sfc_hop two[] = {{"firewall-hop", fws, 2},
                                      {"monitor-hop", &mon, 1}};
    struct slc_sfc_chain c = across(SLC_SFC_VLAN, hops);

    check_golden("fabric-vlan-mixed", &c);
    c.encap = SLC_SFC_MPLS;
    check_golden("fabric-mpls-mixed", &c);
    c.encap = SLC_SFC_NSH;
    check_golden("fabric-nsh-mixed", &c);
    c = across(SLC_SFC_VLAN, two);
    c.symmetric = false;
    check_golden("fabric-vlan-two-instances", &c);
}

/* Everything on the fabric: a VF source, the hop, a NIC destination
 * (untagged): one program, no trunk needed. */
static void
test_fabric_only(void **state)
{
    const struct slc_sfc_port ue = {"1", 300, true};
    const struct slc_sfc_hop hop = {"firewall-hop", &vf_fw, 1};
    struct slc_sfc_chain c = demo(SLC_SFC_VLAN);

    c.sources = &ue;
    c.destination = (struct slc_sfc_port){"5", 0, true};
    c.hops = &hop;
    c.n_hops = 1;
    check_golden("fabric-only", &c);
}

/* A firewall that reads no label nor NSH header gets the packets as
 * classified in an MPLS or NSH chain: the switch takes the encapsulation
 * off before it and puts it back on what returns (known by its port and
 * the 5-tuple); the monitor, which reads them, keeps them. */
static void
test_plain(void **state)
{
    const struct slc_sfc_hop hops[] = {{"firewall-hop", &fw, 1, true},
                                       {"monitor-hop", &mon, 1}};
    struct slc_sfc_chain c = demo(SLC_SFC_MPLS);

    c.hops = hops;
    check_golden("mpls-plain-firewall", &c);
    c.encap = SLC_SFC_NSH;
    c.symmetric = true;
    check_golden("nsh-plain-firewall", &c);
}

/* A source VNF with two instances: classified at both; the reverse path
 * back onto the link as from the destination, where learning finds the
 * instance. */
static void
test_sources(void **state)
{
    const struct slc_sfc_port clients[] = {{"client"}, {"client2"}};
    struct slc_sfc_chain c = demo(SLC_SFC_VLAN);

    c.sources = clients;
    c.n_sources = 2;
    c.symmetric = true;
    check_golden("vlan-two-sources", &c);
}

/* Port references resolved by a table: {"ref": "x"} -> "x-port". */
static bool
port_of(void *arg, const json_t *ref, struct slc_sfc_port *out)
{
    out->name = json_string_value(json_object_get(
        arg, json_string_value(json_object_get(ref, "ref"))));
    return out->name != NULL;
}

/* The JSON form the engine stores renders as the struct form does, and a
 * port that does not resolve is an error naming the chain. */
static void
test_json_form(void **state)
{
    json_t *ports = json_pack("{ss ss ss ss ss ss ss ss}", "c", "client", "s",
                              "server", "fi", "fw-in", "fo", "fw-out", "mi",
                              "mon-in", "mo", "mon-out", "m2i", "mon2-in",
                              "m2o", "mon2-out");
    json_t *chain = json_pack(
        "{ss ss sb si si s{ss} s{ss} s[{ss si ss ss si}] s[{ss s[{s{ss} "
        "s{ss}}]} {ss s[{s{ss} s{ss}} {s{ss} s{ss}}]}]}",
        "id", "web-path", "encapsulation", "vlan", "symmetric", 0, "path_id",
        100, "tag_base", 100, "source", "ref", "c", "destination", "ref", "s",
        "matches", "id", "tcp-80", "ip_proto", 6, "src", "10.10.0.10", "dst",
        "10.10.0.20", "dst_port", 80, "hops", "id", "firewall-hop", "sfis",
        "ingress", "ref", "fi", "egress", "ref", "fo", "id", "monitor-hop",
        "sfis", "ingress", "ref", "mi", "egress", "ref", "mo", "ingress",
        "ref", "m2i", "egress", "ref", "m2o");
    const struct slc_sfc_sfi mons[] = {mon, mon2};
    const struct slc_sfc_hop hops[] = {{"firewall-hop", &fw, 1},
                                       {"monitor-hop", mons, 2}};
    struct slc_sfc_chain c = demo(SLC_SFC_VLAN);
    struct slc_error err = {0};
    json_t *a, *b;

    c.hops = hops;
    assert_non_null(chain);
    a = slc_sfc_render_json(chain, port_of, ports, &err);
    b = slc_sfc_render(&c, &err);
    assert_non_null(a);
    assert_true(json_equal(a, b));
    json_decref(a);
    json_decref(b);
    json_object_del(ports, "fo");
    assert_null(slc_sfc_render_json(chain, port_of, ports, &err));
    assert_non_null(strstr(err.msg, "hop 'firewall-hop' has an instance "
                                    "without a switch port"));
    json_object_set_new(chain, "encapsulation", json_string("vxlan"));
    assert_null(slc_sfc_render_json(chain, port_of, ports, &err));
    assert_string_equal(err.msg, "chain 'web-path': encapsulation 'vxlan' is "
                                 "not vlan, mpls or nsh");
    json_decref(chain);
    json_decref(ports);
}

static void
expect_error(const struct slc_sfc_chain *c, const char *text)
{
    struct slc_error err = {0};
    json_t *prog = slc_sfc_render(c, &err);

    assert_null(prog);
    assert_int_equal(err.code, SLC_EINVALID);
    if (!strstr(err.msg, text)) {
        fail_msg("error '%s' does not say '%s'", err.msg, text);
    }
}

static void
test_errors(void **state)
{
    const struct slc_sfc_match bad_ports = {"m", 1, NULL, NULL, 0, 80};
    const struct slc_sfc_match bad_prefix = {"m", 6, "10.0.0.1/24", NULL, 0,
                                             0};
    const struct slc_sfc_match mixed = {"m", 6, "10.0.0.1", "2001:db8::1", 0,
                                        0};
    const struct slc_sfc_hop empty = {"empty-hop", NULL, 0};
    struct slc_sfc_chain c = demo(SLC_SFC_VLAN);

    c.matches = &bad_ports;
    expect_error(&c, "match 'm' has ports but ip-proto 1");
    c.matches = &bad_prefix;
    expect_error(&c, "chain 'web-path': source address");
    c.matches = &mixed;
    expect_error(&c, "mixes IPv4 and IPv6");
    c = demo(SLC_SFC_VLAN);
    c.n_hops = 0;
    expect_error(&c, "chain 'web-path' has no hop");
    c.hops = &empty;
    c.n_hops = 1;
    expect_error(&c, "hop 'empty-hop' has no service function instance");
    c = demo(SLC_SFC_VLAN);
    c.tag_base = 4094;
    expect_error(&c, "tags 4094..4095 out of range 1..4094");
    c = demo(SLC_SFC_VLAN);
    c.symmetric = true;
    c.destination.name = NULL;
    expect_error(&c, "symmetric but has no destination");
    {
        const struct slc_sfc_sfi half = {{"3", 101, true}, {"fw-out"}};
        const struct slc_sfc_hop hops[] = {{"firewall-hop", &half, 1}};
        const struct slc_sfc_sfi one = {{"3", 101, true}, {"3", 101, true}};
        const struct slc_sfc_hop single[] = {{"firewall-hop", &one, 1}};
        const struct slc_sfc_hop fab[] = {{"firewall-hop", &vf_fw, 1}};
        const struct slc_sfc_port clients[] = {{"client"}, {"client2"}};

        c = across(SLC_SFC_VLAN, hops);
        c.n_hops = 1;
        expect_error(&c, "hop 'firewall-hop' has connection points on the "
                         "fabric (SR-IOV, passthrough) and on the VIM's "
                         "switch");
        c = across(SLC_SFC_VLAN, fab);
        c.n_hops = 1;
        c.trunk[SLC_SFC_FABRIC] = NULL;
        expect_error(&c, "spans the VIM's switch and the fabric, and no "
                         "trunk joins them");
        c = across(SLC_SFC_VLAN, single);
        c.n_hops = 1;
        c.n_matches = 0;
        expect_error(&c, "what returns from 'firewall-hop' (forward) and "
                         "from 'firewall-hop' (reverse) looks alike");
        c.encap = SLC_SFC_MPLS;
        json_decref(slc_sfc_render(&c, &(struct slc_error){0}));
        c = demo(SLC_SFC_VLAN);
        c.sources = clients;
        c.n_sources = 2;
        c.destination.name = NULL;
        expect_error(&c, "its source has 2 instances and its classifier "
                         "names no destination");
    }
    assert_int_equal(slc_sfc_encap_parse("nsh"), SLC_SFC_NSH);
    assert_int_equal(slc_sfc_encap_parse("vxlan"), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vlan),
        cmocka_unit_test(test_mpls),
        cmocka_unit_test(test_nsh),
        cmocka_unit_test(test_symmetric),
        cmocka_unit_test(test_load_balanced),
        cmocka_unit_test(test_prefixes_and_normal),
        cmocka_unit_test(test_ipv6),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_json_form),
        cmocka_unit_test(test_fabric),
        cmocka_unit_test(test_fabric_only),
        cmocka_unit_test(test_sources),
        cmocka_unit_test(test_plain),
    };
    return cmocka_run_group_tests_name("sfc-chain", tests, NULL, NULL);
}

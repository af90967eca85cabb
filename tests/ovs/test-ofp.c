/* Unit tests of the OpenFlow 1.3 codec against byte captures of real
 * Open vSwitch 3.1 sessions (tests/ovs/captures/, made by
 * capture-ofp.sh): our encoding of the same flows, groups, bundles and
 * requests must equal what ovs-ofctl sent byte for byte, and what the
 * switch answered (flow statistics, errors, bundle replies) must decode
 * to what was installed. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ofp.h"

#define CAPTURES SLC_SOURCE_DIR "/tests/ovs/captures/"

struct capture {
    uint8_t *msg[32];
    size_t len[32];
    char dir[32];
    size_t n;
};

static void
load(const char *name, struct capture *c)
{
    char path[512], line[16384];
    FILE *f;

    snprintf(path, sizeof path, CAPTURES "%s.hex", name);
    f = fopen(path, "r");
    assert_non_null(f);
    *c = (struct capture){0};
    while (fgets(line, sizeof line, f)) {
        size_t n = strcspn(line + 2, "\n") / 2;
        uint8_t *m;

        if (line[0] == '#') {
            continue;
        }
        assert_true(c->n < 32);
        m = malloc(n);
        for (size_t i = 0; i < n; i++) {
            unsigned v;

            assert_int_equal(sscanf(line + 2 + 2 * i, "%2x", &v), 1);
            m[i] = (uint8_t)v;
        }
        c->dir[c->n] = line[0];
        c->msg[c->n] = m;
        c->len[c->n++] = n;
    }
    fclose(f);
}

static void
unload(struct capture *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->msg[i]);
    }
}

/* The k-th message of 'type' sent in direction 'dir'. */
static size_t
find(const struct capture *c, char dir, uint8_t type, int k)
{
    for (size_t i = 0; i < c->n; i++) {
        if (c->dir[i] == dir && c->msg[i][1] == type && k-- == 0) {
            return i;
        }
    }
    fail_msg("no message of type %u", type);
    return 0;
}

static uint32_t
xid_of(const uint8_t *m)
{
    return (uint32_t)m[4] << 24 | (uint32_t)m[5] << 16 | (uint32_t)m[6] << 8 |
           m[7];
}

static void
assert_bytes(const struct slc_ofp_buf *b, const uint8_t *want, size_t n)
{
    assert_false(b->oom);
    if (b->len != n || memcmp(b->data, want, n)) {
        char got[4096] = "", exp[4096] = "";

        for (size_t i = 0; i < b->len && i < 2000; i++) {
            sprintf(got + 2 * i, "%02x", b->data[i]);
        }
        for (size_t i = 0; i < n && i < 2000; i++) {
            sprintf(exp + 2 * i, "%02x", want[i]);
        }
        fail_msg("encoding differs\n got  %s\n want %s", got, exp);
    }
}

static struct in_addr
ip4(const char *s)
{
    struct in_addr a;

    assert_int_equal(inet_pton(AF_INET, s, &a), 1);
    return a;
}

/* The flows capture-ofp.sh installs, in its order (cookie low bits 1..10). */
static const struct slc_of_action vlan_cls_a[] = {
    {.type = SLC_OFA_PUSH_VLAN, .u.ethertype = 0x8100},
    {.type = SLC_OFA_SET_VLAN_VID, .u.vid = 100},
    {.type = SLC_OFA_OUTPUT, .u.port = 2},
};
static const struct slc_of_action vlan_hop_a[] = {
    {.type = SLC_OFA_POP_VLAN},
    {.type = SLC_OFA_OUTPUT, .u.port = 3},
};
static const struct slc_of_action vlan_next_a[] = {
    {.type = SLC_OFA_SET_VLAN_VID, .u.vid = 101},
    {.type = SLC_OFA_OUTPUT, .u.port = 5},
};
static const struct slc_of_action mpls_push_a[] = {
    {.type = SLC_OFA_PUSH_MPLS, .u.ethertype = 0x8847},
    {.type = SLC_OFA_SET_MPLS_LABEL, .u.label = 42},
    {.type = SLC_OFA_OUTPUT, .u.port = 2},
};
static const struct slc_of_action mpls_pop_a[] = {
    {.type = SLC_OFA_POP_MPLS, .u.ethertype = 0x0800},
    {.type = SLC_OFA_OUTPUT, .u.port = 3},
};
static const struct slc_of_action nsh_cls_a[] = {
    {.type = SLC_OFA_ENCAP_NSH},
    {.type = SLC_OFA_SET_NSH_SPI, .u.spi = 0x64},
    {.type = SLC_OFA_SET_NSH_SI, .u.si = 255},
    {.type = SLC_OFA_ENCAP_ETHERNET},
    {.type = SLC_OFA_SET_ETH_DST, .u.mac = {2, 0, 0, 0, 0x0a, 2}},
    {.type = SLC_OFA_OUTPUT, .u.port = 2},
};
static const struct slc_of_action nsh_hop_a[] = {
    {.type = SLC_OFA_SET_NSH_SI, .u.si = 254},
    {.type = SLC_OFA_OUTPUT, .u.port = 5},
};
static const struct slc_of_action nsh_last_a[] = {
    {.type = SLC_OFA_DEC_NSH_TTL},
    {.type = SLC_OFA_DECAP},
    {.type = SLC_OFA_DECAP},
    {.type = SLC_OFA_OUTPUT, .u.port = 3},
};
static const struct slc_of_action reenter_a[] = {
    {.type = SLC_OFA_POP_VLAN},
    {.type = SLC_OFA_SET_IN_PORT, .u.port = 1},
    {.type = SLC_OFA_OUTPUT, .u.port = SLC_OFPP_NORMAL},
};
static const struct slc_of_action group_a[] = {
    {.type = SLC_OFA_GROUP, .u.group = 7},
};

#define N(a) (sizeof(a) / sizeof(a)[0])
#define C(n) (0x5c0000010000ull + (n))

static void
flows(struct slc_of_flow f[11])
{
    struct slc_of_match m;

    /* vlan-classifier */
    m = (struct slc_of_match){
        .fields = SLC_OFM_IN_PORT | SLC_OFM_ETH_TYPE | SLC_OFM_IPV4_SRC |
                  SLC_OFM_IPV4_DST | SLC_OFM_IP_PROTO | SLC_OFM_TP_DST,
        .in_port = 1, .eth_type = 0x0800, .ipv4_src = ip4("10.10.0.10"),
        .ipv4_src_len = 32, .ipv4_dst = ip4("10.10.0.20"), .ipv4_dst_len = 32,
        .ip_proto = 6, .tp_dst = 80};
    f[0] = (struct slc_of_flow){C(1), 0, 200, m, vlan_cls_a, N(vlan_cls_a)};
    m = (struct slc_of_match){.fields = SLC_OFM_IN_PORT | SLC_OFM_VLAN_VID,
                              .in_port = 4, .vlan_vid = 100};
    f[1] = (struct slc_of_flow){C(2), 0, 200, m, vlan_hop_a, N(vlan_hop_a)};
    m.fields |= SLC_OFM_ETH_DST;
    memcpy(m.eth_dst, (uint8_t[]){0xfa, 0x16, 0x3e, 0, 0, 1}, 6);
    f[2] = (struct slc_of_flow){C(3), 0, 200, m, vlan_next_a, N(vlan_next_a)};
    m = (struct slc_of_match){
        .fields = SLC_OFM_IN_PORT | SLC_OFM_ETH_TYPE | SLC_OFM_IPV4_DST |
                  SLC_OFM_IP_PROTO | SLC_OFM_TP_SRC,
        .in_port = 1, .eth_type = 0x0800, .ipv4_dst = ip4("10.10.0.0"),
        .ipv4_dst_len = 24, .ip_proto = 17, .tp_src = 53};
    f[3] = (struct slc_of_flow){C(4), 0, 200, m, mpls_push_a, N(mpls_push_a)};
    m = (struct slc_of_match){
        .fields = SLC_OFM_IN_PORT | SLC_OFM_ETH_TYPE | SLC_OFM_MPLS_LABEL,
        .in_port = 4, .eth_type = 0x8847, .mpls_label = 42};
    f[4] = (struct slc_of_flow){C(5), 0, 200, m, mpls_pop_a, N(mpls_pop_a)};
    m = (struct slc_of_match){
        .fields = SLC_OFM_IN_PORT | SLC_OFM_ETH_TYPE | SLC_OFM_IP_PROTO |
                  SLC_OFM_TP_DST,
        .in_port = 1, .eth_type = 0x0800, .ip_proto = 6, .tp_dst = 8080};
    f[5] = (struct slc_of_flow){C(6), 0, 200, m, nsh_cls_a, N(nsh_cls_a)};
    m = (struct slc_of_match){
        .fields = SLC_OFM_IN_PORT | SLC_OFM_ETH_TYPE | SLC_OFM_NSH_SPI |
                  SLC_OFM_NSH_SI,
        .in_port = 4, .eth_type = 0x894f, .nsh_spi = 0x64, .nsh_si = 255};
    f[6] = (struct slc_of_flow){C(7), 0, 200, m, nsh_hop_a, N(nsh_hop_a)};
    m.nsh_si = 254;
    f[7] = (struct slc_of_flow){C(8), 0, 200, m, nsh_last_a, N(nsh_last_a)};
    m = (struct slc_of_match){
        .fields = SLC_OFM_IN_PORT | SLC_OFM_ETH_TYPE | SLC_OFM_IP_PROTO,
        .in_port = 1, .eth_type = 0x0800, .ip_proto = 1};
    f[8] = (struct slc_of_flow){C(9), 0, 200, m, group_a, N(group_a)};
    m = (struct slc_of_match){
        .fields = SLC_OFM_IN_PORT | SLC_OFM_ETH_TYPE | SLC_OFM_IPV6_DST,
        .in_port = 3, .eth_type = 0x86dd, .ipv6_dst_len = 32};
    assert_int_equal(inet_pton(AF_INET6, "2001:db8::", &m.ipv6_dst), 1);
    f[9] = (struct slc_of_flow){C(10), 0, 100, m, NULL, 0};
    m = (struct slc_of_match){.fields = SLC_OFM_IN_PORT | SLC_OFM_VLAN_VID,
                              .in_port = 4, .vlan_vid = 100};
    f[10] = (struct slc_of_flow){C(11), 0, 210, m, reenter_a, N(reenter_a)};
}

static const char *const flow_captures[11] = {
    "vlan-classifier", "vlan-hop", "vlan-next", "mpls-push", "mpls-pop",
    "nsh-classifier", "nsh-hop", "nsh-last", "group-flow", "drop-flow",
    "reenter",
};

static void
test_flow_mods(void **state)
{
    struct slc_of_flow f[11];

    flows(f);
    for (int i = 0; i < 11; i++) {
        struct capture c;
        struct slc_ofp_buf b = {0};
        size_t k;

        load(flow_captures[i], &c);
        k = find(&c, 'c', SLC_OFPT_FLOW_MOD, 0);
        slc_ofp_flow_mod(&b, xid_of(c.msg[k]), SLC_OFPFC_ADD, &f[i]);
        assert_bytes(&b, c.msg[k], c.len[k]);
        slc_ofp_buf_free(&b);
        unload(&c);
    }
}

static void
test_session_messages(void **state)
{
    struct capture c;
    struct slc_ofp_buf b = {0};
    uint32_t ports[] = {2, 5};
    size_t k;

    load("group-add", &c);
    k = find(&c, 'c', SLC_OFPT_HELLO, 0);
    slc_ofp_hello(&b, xid_of(c.msg[k]));
    assert_bytes(&b, c.msg[k], c.len[k]);
    k = find(&c, 's', SLC_OFPT_HELLO, 0);
    assert_int_equal(slc_ofp_hello_version(c.msg[k], c.len[k]), 4);
    slc_ofp_buf_clear(&b);
    k = find(&c, 'c', SLC_OFPT_GROUP_MOD, 0);
    slc_ofp_group_mod(&b, xid_of(c.msg[k]), 0, 7, ports, 2);
    assert_bytes(&b, c.msg[k], c.len[k]);
    slc_ofp_buf_clear(&b);
    k = find(&c, 'c', SLC_OFPT_BARRIER_REQUEST, 0);
    slc_ofp_simple(&b, SLC_OFPT_BARRIER_REQUEST, xid_of(c.msg[k]));
    assert_bytes(&b, c.msg[k], c.len[k]);
    unload(&c);

    load("del-cookie", &c);
    slc_ofp_buf_clear(&b);
    k = find(&c, 'c', SLC_OFPT_FLOW_MOD, 0);
    slc_ofp_flow_delete_cookie(&b, xid_of(c.msg[k]), 0x5c0000010000ull,
                               0xffffffff0000ull);
    assert_bytes(&b, c.msg[k], c.len[k]);
    unload(&c);

    load("dump-cookie", &c);
    slc_ofp_buf_clear(&b);
    k = find(&c, 'c', SLC_OFPT_MULTIPART_REQUEST, 0);
    slc_ofp_flow_stats_request(&b, xid_of(c.msg[k]), 0x5c0000010000ull,
                               0xffffffff0000ull);
    assert_bytes(&b, c.msg[k], c.len[k]);
    unload(&c);
    slc_ofp_buf_free(&b);
}

static void
test_flow_stats(void **state)
{
    struct slc_of_flow f[11];
    struct slc_ofp_flow_stats st;
    struct capture c;
    size_t k, pos = 0;
    bool more = true;
    int n = 0, rc;

    flows(f);
    load("dump-cookie", &c);
    k = find(&c, 's', SLC_OFPT_MULTIPART_REPLY, 0);
    while ((rc = slc_ofp_flow_stats_next(c.msg[k], c.len[k], &pos, &st,
                                         &more)) == 1) {
        assert_true(n < 11);
        /* the switch lists them in its own order: find by cookie */
        for (int i = 0; i < 11; i++) {
            if (f[i].cookie == st.cookie) {
                assert_true(slc_ofp_match_equal(&st.match, &f[i].match));
                assert_int_equal(st.priority, f[i].priority);
                n++;
            }
        }
        assert_int_equal(st.packets, 0);
    }
    assert_int_equal(rc, 0);
    assert_int_equal(n, 11);
    assert_false(more);
    /* a cut reply is malformed, not read past its end */
    pos = 0;
    assert_int_equal(slc_ofp_flow_stats_next(c.msg[k], 100, &pos, &st, &more),
                     SLC_EINVALID);
    unload(&c);
    /* two matches that differ only in a prefix length are different */
    f[3].match.ipv4_dst_len = 16;
    assert_false(slc_ofp_match_equal(&f[3].match, &f[4].match));
}

static void
test_errors(void **state)
{
    struct capture c;
    char text[256];
    uint16_t type, code;
    uint32_t xid;
    size_t k;

    load("error-bad-group", &c);
    k = find(&c, 's', SLC_OFPT_ERROR, 0);
    assert_int_equal(slc_ofp_error_decode(c.msg[k], c.len[k], &type, &code,
                                          &xid),
                     0);
    assert_int_equal(type, 2);
    assert_int_equal(code, 9);
    assert_int_equal(xid, 6);
    slc_ofp_error_text(c.msg[k], c.len[k], text, sizeof text);
    assert_string_equal(text, "OFPBAC_BAD_OUT_GROUP: bad action: group does "
                              "not exist (in reply to FLOW_MOD xid 6)");
    unload(&c);

    load("bundle-bad", &c);
    k = find(&c, 's', SLC_OFPT_ERROR, 0);
    slc_ofp_error_decode(c.msg[k], c.len[k], &type, &code, &xid);
    assert_int_equal(xid, 7); /* the second bundled flow */
    slc_ofp_error_text(c.msg[k], c.len[k], text, sizeof text);
    assert_string_equal(text, "OFPBAC_BAD_OUT_GROUP: bad action: group does "
                              "not exist (in reply to bundle message xid 7)");
    k = find(&c, 's', SLC_OFPT_ERROR, 1);
    slc_ofp_error_text(c.msg[k], c.len[k], text, sizeof text);
    assert_string_equal(text,
                        "ONFBFC_MSG_FAILED: a bundled message failed; nothing "
                        "was committed (in reply to bundle control xid 10)");
    unload(&c);
    /* short or foreign messages are refused, never read past their end */
    assert_int_equal(slc_ofp_error_decode((const uint8_t *)"\4\1\0\10abcd", 8,
                                          &type, &code, &xid),
                     SLC_EINVALID);
    slc_ofp_error_text((const uint8_t *)"\4\1\0\10abcd", 8, text, sizeof text);
    assert_string_equal(text, "malformed OpenFlow error message");
}

static void
test_bundles(void **state)
{
    struct slc_of_flow f = {.cookie = 0x5c0000020001ull, .priority = 200};
    static const struct slc_of_action out2[] = {
        {.type = SLC_OFA_OUTPUT, .u.port = 2}};
    struct slc_ofp_buf b = {0}, inner = {0};
    struct capture c;
    uint32_t id;
    uint16_t type;
    size_t k;

    load("bundle-ok", &c);
    k = find(&c, 'c', SLC_OFPT_EXPERIMENTER, 0);
    slc_ofp_bundle_control(&b, xid_of(c.msg[k]), 0, SLC_OFPBCT_OPEN_REQUEST,
                           SLC_OFPBF_ATOMIC | SLC_OFPBF_ORDERED);
    assert_bytes(&b, c.msg[k], c.len[k]);
    k = find(&c, 's', SLC_OFPT_EXPERIMENTER, 0);
    assert_int_equal(slc_ofp_bundle_reply(c.msg[k], c.len[k], &id, &type), 0);
    assert_int_equal(type, SLC_OFPBCT_OPEN_REPLY);
    /* the first bundled flow: in_port=1,tcp,tp_dst=80 actions=output:2 */
    f.match = (struct slc_of_match){
        .fields = SLC_OFM_IN_PORT | SLC_OFM_ETH_TYPE | SLC_OFM_IP_PROTO |
                  SLC_OFM_TP_DST,
        .in_port = 1, .eth_type = 0x0800, .ip_proto = 6, .tp_dst = 80};
    f.actions = out2;
    f.n_actions = 1;
    slc_ofp_flow_mod(&inner, 0, SLC_OFPFC_ADD, &f);
    slc_ofp_buf_clear(&b);
    k = find(&c, 'c', SLC_OFPT_EXPERIMENTER, 1);
    slc_ofp_bundle_add(&b, xid_of(c.msg[k]), 0,
                       SLC_OFPBF_ATOMIC | SLC_OFPBF_ORDERED, inner.data,
                       inner.len);
    assert_bytes(&b, c.msg[k], c.len[k]);
    slc_ofp_buf_clear(&b);
    k = find(&c, 'c', SLC_OFPT_EXPERIMENTER, 3);
    slc_ofp_bundle_control(&b, xid_of(c.msg[k]), 0, SLC_OFPBCT_COMMIT_REQUEST,
                           SLC_OFPBF_ATOMIC | SLC_OFPBF_ORDERED);
    assert_bytes(&b, c.msg[k], c.len[k]);
    k = find(&c, 's', SLC_OFPT_EXPERIMENTER, 1);
    assert_int_equal(slc_ofp_bundle_reply(c.msg[k], c.len[k], &id, &type), 0);
    assert_int_equal(type, SLC_OFPBCT_COMMIT_REPLY);
    unload(&c);
    slc_ofp_buf_free(&b);
    slc_ofp_buf_free(&inner);
}

static void
test_headers(void **state)
{
    struct slc_ofp_header h;
    const uint8_t echo[] = {4, 2, 0, 12, 0, 0, 0, 9, 'p', 'i', 'n', 'g'};
    struct slc_ofp_buf b = {0};

    assert_int_equal(slc_ofp_header(echo, 7, &h), 1);
    assert_int_equal(slc_ofp_header(echo, 11, &h), 1);
    assert_int_equal(slc_ofp_header(echo, 12, &h), 0);
    assert_int_equal(h.type, SLC_OFPT_ECHO_REQUEST);
    assert_int_equal(h.xid, 9);
    assert_int_equal(slc_ofp_header((const uint8_t *)"\4\2\0\4\0\0\0\0", 8,
                                    &h),
                     SLC_EINVALID);
    slc_ofp_echo_reply(&b, echo, sizeof echo);
    assert_int_equal(b.len, 12);
    assert_int_equal(b.data[1], SLC_OFPT_ECHO_REPLY);
    assert_memory_equal(b.data + 4, echo + 4, 8);
    slc_ofp_buf_free(&b);
    /* a HELLO of 1.0 alone has nothing in common with us */
    assert_int_equal(slc_ofp_hello_version(
                         (const uint8_t *)"\1\0\0\10\0\0\0\1", 8),
                     0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flow_mods),
        cmocka_unit_test(test_session_messages),
        cmocka_unit_test(test_flow_stats),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_bundles),
        cmocka_unit_test(test_headers),
    };
    return cmocka_run_group_tests_name("ovs-ofp", tests, NULL, NULL);
}

/* Encoding a forwarding program (or a connectivity service, which the
 * ovs driver installs as one) into the OpenFlow 1.3 messages that replace
 * it on the switch in one bundle (see sdn-ovs.c's top comment for the
 * cookies and group numbers).  Neighbours: sdn-ovs.c, ovs/ofp.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "of-rules.h"
#include "sdn-ovs-encode.h"
#include "sdn.h"
#include "sfc-match.h"
static int
parse_mac(const char *s, uint8_t mac[6])
{
    unsigned v[6];
    char extra;

    if (!s || sscanf(s, "%x:%x:%x:%x:%x:%x%c", &v[0], &v[1], &v[2], &v[3],
                     &v[4], &v[5], &extra) != 6) {
        return -1;
    }
    for (int i = 0; i < 6; i++) {
        if (v[i] > 255) {
            return -1;
        }
        mac[i] = (uint8_t)v[i];
    }
    return 0;
}

/* 's' as an OpenFlow port number that a port of the switch has, else 0. */
static uint32_t
port_number(const json_t *ports, const char *s)
{
    uint32_t n = slc_of_port_number(s);
    const char *name;
    const json_t *no;

    json_object_foreach((json_t *)ports, name, no)
    {
        if (n && json_integer_value(no) == (json_int_t)n) {
            return n;
        }
    }
    return 0;
}

/* The OpenFlow number of a program's port: "NORMAL", "IN_PORT", a port
 * name of the switch, or else a port number the switch has. */
static int
port_no(struct slc_ovs_encoder *e, const json_t *name, uint32_t *out)
{
    const char *s = json_string_value(name);
    json_int_t n;

    if (s && !strcmp(s, "NORMAL")) {
        *out = SLC_OFPP_NORMAL;
        return 0;
    }
    if (s && !strcmp(s, "IN_PORT")) {
        *out = SLC_OFPP_IN_PORT;
        return 0;
    }
    n = json_integer_value(json_object_get(e->ports, s ? s : ""));
    if (s && (n <= 0 || n >= 0xff00) && (*out = port_number(e->ports, s))) {
        return 0;
    }
    if (!s || n <= 0 || n >= 0xff00) {
        e->missing_port = true;
        snprintf(e->error, sizeof e->error,
                 "%s: port '%s' is not on the switch", e->what,
                 s ? s : "(not a name)");
        return -1;
    }
    json_object_set_new(e->used, s, json_integer(n));
    *out = (uint32_t)n;
    return 0;
}

static int
prefix_of(struct slc_ovs_encoder *e, const char *text, struct slc_of_match *m,
          bool src)
{
    struct slc_ip_prefix p;
    struct slc_error err = {0};

    if (slc_ip_prefix_parse(text, &p, &err)) {
        snprintf(e->error, sizeof e->error, "%s: %s", e->what, err.msg);
        return -1;
    }
    if (p.family == AF_INET) {
        m->fields |= src ? SLC_OFM_IPV4_SRC : SLC_OFM_IPV4_DST;
        *(src ? &m->ipv4_src : &m->ipv4_dst) = p.addr.v4;
        *(src ? &m->ipv4_src_len : &m->ipv4_dst_len) = p.len;
    } else {
        m->fields |= src ? SLC_OFM_IPV6_SRC : SLC_OFM_IPV6_DST;
        *(src ? &m->ipv6_src : &m->ipv6_dst) = p.addr.v6;
        *(src ? &m->ipv6_src_len : &m->ipv6_dst_len) = p.len;
    }
    return 0;
}

static int
encode_match(struct slc_ovs_encoder *e, const json_t *j, struct slc_of_match *m)
{
    const json_t *v;

    *m = (struct slc_of_match){0};
    if ((v = json_object_get(j, "in_port"))) {
        m->fields |= SLC_OFM_IN_PORT;
        if (port_no(e, v, &m->in_port)) {
            return -1;
        }
    }
#define INT_FIELD(key, bit, field)                                          \
    if ((v = json_object_get(j, key))) {                                    \
        m->fields |= bit;                                                   \
        m->field = (__typeof__(m->field))json_integer_value(v);             \
    }
    INT_FIELD("eth_type", SLC_OFM_ETH_TYPE, eth_type)
    INT_FIELD("vlan", SLC_OFM_VLAN_VID, vlan_vid)
    INT_FIELD("mpls_label", SLC_OFM_MPLS_LABEL, mpls_label)
    INT_FIELD("ip_proto", SLC_OFM_IP_PROTO, ip_proto)
    INT_FIELD("tp_src", SLC_OFM_TP_SRC, tp_src)
    INT_FIELD("tp_dst", SLC_OFM_TP_DST, tp_dst)
    INT_FIELD("nsh_spi", SLC_OFM_NSH_SPI, nsh_spi)
    INT_FIELD("nsh_si", SLC_OFM_NSH_SI, nsh_si)
#undef INT_FIELD
    if ((v = json_object_get(j, "eth_dst"))) {
        m->fields |= SLC_OFM_ETH_DST;
        if (parse_mac(json_string_value(v), m->eth_dst)) {
            snprintf(e->error, sizeof e->error, "%s: bad eth_dst",
                     e->what);
            return -1;
        }
    }
    if ((v = json_object_get(j, "nw_src")) &&
        prefix_of(e, json_string_value(v) ?: "", m, true)) {
        return -1;
    }
    if ((v = json_object_get(j, "nw_dst")) &&
        prefix_of(e, json_string_value(v) ?: "", m, false)) {
        return -1;
    }
    return 0;
}

static int
encode_action(struct slc_ovs_encoder *e, const char *op, const json_t *v,
              struct slc_of_action *a, size_t *n)
{
    uint32_t num = (uint32_t)json_integer_value(v);

#define ONE(t, f, val)                                                      \
    a[(*n)++] = (struct slc_of_action){.type = t, .u.f = val}
    if (!strcmp(op, "output") || !strcmp(op, "set_in_port")) {
        uint32_t port;

        if (port_no(e, v, &port)) {
            return -1;
        }
        ONE(op[0] == 'o' ? SLC_OFA_OUTPUT : SLC_OFA_SET_IN_PORT, port, port);
    } else if (!strcmp(op, "group")) {
        ONE(SLC_OFA_GROUP, group, e->id << 8 | (num & 0xff));
    } else if (!strcmp(op, "push_vlan")) {
        ONE(SLC_OFA_PUSH_VLAN, ethertype, 0x8100);
        ONE(SLC_OFA_SET_VLAN_VID, vid, (uint16_t)num);
    } else if (!strcmp(op, "set_vlan")) {
        ONE(SLC_OFA_SET_VLAN_VID, vid, (uint16_t)num);
    } else if (!strcmp(op, "pop_vlan")) {
        ONE(SLC_OFA_POP_VLAN, port, 0);
    } else if (!strcmp(op, "push_mpls")) {
        ONE(SLC_OFA_PUSH_MPLS, ethertype, 0x8847);
        ONE(SLC_OFA_SET_MPLS_LABEL, label, num);
    } else if (!strcmp(op, "set_mpls")) {
        ONE(SLC_OFA_SET_MPLS_LABEL, label, num);
    } else if (!strcmp(op, "pop_mpls")) {
        ONE(SLC_OFA_POP_MPLS, ethertype, (uint16_t)num);
    } else if (!strcmp(op, "encap_nsh")) {
        ONE(SLC_OFA_ENCAP_NSH, port, 0);
    } else if (!strcmp(op, "encap_eth")) {
        ONE(SLC_OFA_ENCAP_ETHERNET, port, 0);
    } else if (!strcmp(op, "decap")) {
        ONE(SLC_OFA_DECAP, port, 0);
    } else if (!strcmp(op, "dec_nsh_ttl")) {
        ONE(SLC_OFA_DEC_NSH_TTL, port, 0);
    } else if (!strcmp(op, "set_nsh_spi")) {
        ONE(SLC_OFA_SET_NSH_SPI, spi, num);
    } else if (!strcmp(op, "set_nsh_si")) {
        ONE(SLC_OFA_SET_NSH_SI, si, (uint8_t)num);
    } else if (!strcmp(op, "set_eth_src") || !strcmp(op, "set_eth_dst")) {
        a[*n] = (struct slc_of_action){.type = op[4] == 'e' && op[8] == 's'
                                                   ? SLC_OFA_SET_ETH_SRC
                                                   : SLC_OFA_SET_ETH_DST};
        if (parse_mac(json_string_value(v), a[*n].u.mac)) {
            snprintf(e->error, sizeof e->error, "%s: bad %s", e->what,
                     op);
            return -1;
        }
        (*n)++;
    } else {
        snprintf(e->error, sizeof e->error, "%s: unknown action '%s'",
                 e->what, op);
        return -1;
    }
#undef ONE
    return 0;
}

/* A list of program actions into 'acts' (room for 64). */
static int
encode_actions(struct slc_ovs_encoder *e, const json_t *list, const char *where,
               struct slc_of_action *acts, size_t *n)
{
    const json_t *a;
    size_t k;

    *n = 0;
    json_array_foreach(list, k, a)
    {
        const char *key = json_object_iter_key(json_object_iter((json_t *)a));

        if (*n + 2 > 64 || !key ||
            encode_action(e, key, json_object_get(a, key), acts, n)) {
            if (!e->error[0]) {
                snprintf(e->error, sizeof e->error, "%s: %s: bad action",
                         e->what, where);
            }
            return -1;
        }
    }
    return 0;
}

/* Group i of a program: a bucket per port, or per action list. */
static int
encode_group(struct slc_ovs_encoder *e, const json_t *g, size_t i,
             struct slc_ofp_buf *b)
{
    const json_t *ports = json_object_get(g, "ports");
    const json_t *buckets = json_object_get(g, "buckets");
    size_t n = json_array_size(ports ? ports : buckets), k;
    uint32_t id = e->id << 8 |
                  (uint32_t)(json_integer_value(json_object_get(g, "id")) &
                             0xff);
    struct slc_of_action (*acts)[64];
    struct slc_of_bucket bk[64];
    const json_t *p;

    if (n > 64 || !n) {
        snprintf(e->error, sizeof e->error,
                 "%s: group %zu has no bucket or too many", e->what, i + 1);
        return -1;
    }
    if (!(acts = calloc(n, sizeof *acts))) {
        snprintf(e->error, sizeof e->error, "out of memory");
        return -1;
    }
    json_array_foreach(ports ? ports : buckets, k, p)
    {
        char where[40];

        snprintf(where, sizeof where, "group %zu", i + 1);
        bk[k] = (struct slc_of_bucket){acts[k], 1};
        acts[k][0].type = SLC_OFA_OUTPUT;
        if (ports ? port_no(e, p, &acts[k][0].u.port)
                  : encode_actions(e, p, where, acts[k], &bk[k].n_actions)) {
            free(acts);
            return -1;
        }
    }
    slc_ofp_group_mod_buckets(b, 0, 0, id, bk, n);
    free(acts);
    return 0;
}

int
slc_ovs_encode_program(struct slc_ovs_encoder *e, const json_t *prog,
                       size_t old_groups, struct slc_ofp_buf *b)
{
    uint64_t cookie = COOKIE_TAG | (uint64_t)e->id << 16;
    const json_t *rules = json_object_get(prog, "rules");
    const json_t *groups = json_object_get(prog, "groups");
    const json_t *r, *g;
    size_t i;

    slc_ofp_flow_delete_cookie(b, 0, cookie, COOKIE_PROGRAM);
    for (size_t k = 1; k <= old_groups; k++) {
        slc_ofp_group_mod(b, 0, 2, e->id << 8 | (uint32_t)k, NULL, 0);
    }
    if (!prog) {
        return 0;
    }
    if (json_array_size(rules) > 0xffff || json_array_size(groups) > 0xff) {
        snprintf(e->error, sizeof e->error,
                 "%s: too many rules or groups", e->what);
        return -1;
    }
    if (json_array_size(groups) && e->id > SLC_SDN_PROGRAM_MAX) {
        snprintf(e->error, sizeof e->error, "%s: groups are for programs "
                 "1..%u only", e->what, SLC_SDN_PROGRAM_MAX);
        return -1;
    }
    e->n_rules = json_array_size(rules);
    e->n_groups = json_array_size(groups);
    e->matches = calloc(e->n_rules + 1, sizeof *e->matches);
    e->priorities = calloc(e->n_rules + 1, sizeof *e->priorities);
    if (!e->matches || !e->priorities) {
        snprintf(e->error, sizeof e->error, "out of memory");
        return -1;
    }
    json_array_foreach(groups, i, g)
    {
        if (encode_group(e, g, i, b)) {
            return -1;
        }
    }
    json_array_foreach(rules, i, r)
    {
        struct slc_of_action acts[64];
        size_t n = 0;
        char where[40];
        struct slc_of_flow f = {
            .cookie = cookie | i,
            .priority = (uint16_t)json_integer_value(
                json_object_get(r, "priority")),
            .actions = acts};

        if (encode_match(e, json_object_get(r, "match"), &f.match)) {
            return -1;
        }
        snprintf(where, sizeof where, "rule %zu", i);
        if (encode_actions(e, json_object_get(r, "actions"), where, acts,
                           &n)) {
            return -1;
        }
        f.n_actions = n;
        e->matches[i] = f.match;
        e->priorities[i] = f.priority;
        slc_ofp_flow_mod(b, 0, SLC_OFPFC_ADD, &f);
    }
    return 0;
}

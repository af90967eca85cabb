/* OpenFlow 1.3 encoding and decoding (see ofp.h).  Layouts are in
 * sdn-sfc-ovs.md section 5 and the OpenFlow 1.3.5 specification; every
 * multi-byte field is big-endian. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofp.h"

#define OFPVID_PRESENT 0x1000
#define NX_VENDOR 0x00002320u
#define ONF_VENDOR 0x4f4e4600u
#define NSH_EXPERIMENTER 0x005ad650u
#define ONF_BUNDLE_CONTROL 2300
#define ONF_BUNDLE_ADD 2301
#define NXAST_ENCAP 46
#define NXAST_DECAP 47
#define NXAST_DEC_NSH_TTL 48
#define OFPAT_OUTPUT 0
#define OFPAT_PUSH_VLAN 17
#define OFPAT_POP_VLAN 18
#define OFPAT_PUSH_MPLS 19
#define OFPAT_POP_MPLS 20
#define OFPAT_GROUP 22
#define OFPAT_SET_FIELD 25
#define OFPAT_EXPERIMENTER 0xffff
#define OFPIT_APPLY_ACTIONS 4
#define OFPMP_FLOW 1

/* OXM headers, class 0x8000 (OpenFlow basic): class | field << 1 |
 * hasmask | length */
#define OXM(field, len) (0x80000000u | (uint32_t)(field) << 9 | (len))
#define OXM_W(field, len) (OXM(field, (len) * 2) | 0x100u)
enum {
    OXM_IN_PORT = 0, OXM_ETH_DST = 3, OXM_ETH_SRC = 4, OXM_ETH_TYPE = 5,
    OXM_VLAN_VID = 6, OXM_IP_PROTO = 10, OXM_IPV4_SRC = 11,
    OXM_IPV4_DST = 12, OXM_TCP_SRC = 13, OXM_TCP_DST = 14,
    OXM_UDP_SRC = 15, OXM_UDP_DST = 16, OXM_SCTP_SRC = 17,
    OXM_SCTP_DST = 18, OXM_IPV6_SRC = 26, OXM_IPV6_DST = 27,
    OXM_MPLS_LABEL = 34,
};
/* NSH fields: experimenter class 0xffff, the length counts the 4-byte
 * experimenter id */
#define NSH_OXM(field, len) (0xffff0000u | (uint32_t)(field) << 9 | ((len) + 4))
enum { NSH_SPI = 4, NSH_SI = 5 };

/* ---- buffer ---- */

void
slc_ofp_buf_free(struct slc_ofp_buf *b)
{
    free(b->data);
    *b = (struct slc_ofp_buf){0};
}

void
slc_ofp_buf_clear(struct slc_ofp_buf *b)
{
    b->len = 0;
    b->oom = false;
}

static uint8_t *
put(struct slc_ofp_buf *b, size_t n)
{
    if (b->oom) {
        return NULL;
    }
    if (b->cap - b->len < n) {
        size_t cap = b->cap ? b->cap : 256;
        uint8_t *p;

        while (cap - b->len < n) {
            cap *= 2;
        }
        p = realloc(b->data, cap);
        if (!p) {
            b->oom = true;
            return NULL;
        }
        b->data = p;
        b->cap = cap;
    }
    memset(b->data + b->len, 0, n);
    b->len += n;
    return b->data + b->len - n;
}

static void
put8(struct slc_ofp_buf *b, uint8_t v)
{
    uint8_t *p = put(b, 1);

    if (p) {
        p[0] = v;
    }
}

static void
put16(struct slc_ofp_buf *b, uint16_t v)
{
    uint8_t *p = put(b, 2);

    if (p) {
        p[0] = (uint8_t)(v >> 8);
        p[1] = (uint8_t)v;
    }
}

static void
put32(struct slc_ofp_buf *b, uint32_t v)
{
    put16(b, (uint16_t)(v >> 16));
    put16(b, (uint16_t)v);
}

static void
put64(struct slc_ofp_buf *b, uint64_t v)
{
    put32(b, (uint32_t)(v >> 32));
    put32(b, (uint32_t)v);
}

static void
put_bytes(struct slc_ofp_buf *b, const void *data, size_t n)
{
    uint8_t *p = put(b, n);

    if (p) {
        memcpy(p, data, n);
    }
}

static void
pad_to(struct slc_ofp_buf *b, size_t start, size_t align)
{
    size_t n = (b->len - start) % align;

    if (n) {
        put(b, align - n);
    }
}

static void
set16(struct slc_ofp_buf *b, size_t at, uint16_t v)
{
    if (!b->oom) {
        b->data[at] = (uint8_t)(v >> 8);
        b->data[at + 1] = (uint8_t)v;
    }
}

static uint16_t
get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
get32(const uint8_t *p)
{
    return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static uint64_t
get64(const uint8_t *p)
{
    return (uint64_t)get32(p) << 32 | get32(p + 4);
}

/* Starts a message; returns its offset for end_msg(). */
static size_t
begin_msg(struct slc_ofp_buf *b, enum slc_ofp_type type, uint32_t xid)
{
    size_t at = b->len;

    put8(b, SLC_OFP_VERSION);
    put8(b, (uint8_t)type);
    put16(b, 0);
    put32(b, xid);
    return at;
}

static void
end_msg(struct slc_ofp_buf *b, size_t at)
{
    set16(b, at + 2, (uint16_t)(b->len - at));
}

/* ---- simple messages ---- */

void
slc_ofp_hello(struct slc_ofp_buf *b, uint32_t xid)
{
    size_t at = begin_msg(b, SLC_OFPT_HELLO, xid);

    put16(b, 1);                   /* OFPHET_VERSIONBITMAP */
    put16(b, 8);
    put32(b, 1u << SLC_OFP_VERSION);
    end_msg(b, at);
}

void
slc_ofp_simple(struct slc_ofp_buf *b, enum slc_ofp_type type, uint32_t xid)
{
    end_msg(b, begin_msg(b, type, xid));
}

void
slc_ofp_echo_reply(struct slc_ofp_buf *b, const uint8_t *req, size_t len)
{
    size_t at = begin_msg(b, SLC_OFPT_ECHO_REPLY, len >= 8 ? get32(req + 4) : 0);

    if (len > 8) {
        put_bytes(b, req + 8, len - 8);
    }
    end_msg(b, at);
}

/* ---- matches ---- */

static void
oxm(struct slc_ofp_buf *b, uint32_t header, const void *value,
    const void *mask)
{
    size_t n = header & 0xff;

    put32(b, header);
    if (mask) {
        put_bytes(b, value, n / 2);
        put_bytes(b, mask, n / 2);
    } else {
        put_bytes(b, value, n);
    }
}

static void
oxm16(struct slc_ofp_buf *b, uint32_t header, uint16_t v)
{
    uint8_t x[2] = {(uint8_t)(v >> 8), (uint8_t)v};

    oxm(b, header, x, NULL);
}

static void
oxm32(struct slc_ofp_buf *b, uint32_t header, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8),
                    (uint8_t)v};

    oxm(b, header, x, NULL);
}

static void
prefix_mask(uint8_t *mask, size_t bytes, unsigned len)
{
    for (size_t i = 0; i < bytes; i++) {
        unsigned bits = len > i * 8 ? len - (unsigned)i * 8 : 0;

        mask[i] = bits >= 8 ? 0xff : (uint8_t)(0xff00u >> bits);
    }
}

static void
oxm_prefix(struct slc_ofp_buf *b, unsigned field, const void *addr,
           size_t bytes, unsigned len)
{
    uint8_t mask[16], value[16];

    if (len >= bytes * 8) {
        oxm(b, OXM(field, bytes), addr, NULL);
        return;
    }
    prefix_mask(mask, bytes, len);
    memcpy(value, addr, bytes);
    for (size_t i = 0; i < bytes; i++) {
        value[i] &= mask[i];
    }
    oxm(b, OXM_W(field, bytes), value, mask);
}

static void
oxm_nsh(struct slc_ofp_buf *b, unsigned field, uint32_t v, size_t bytes)
{
    put32(b, NSH_OXM(field, bytes));
    put32(b, NSH_EXPERIMENTER);
    if (bytes == 4) {
        put32(b, v);
    } else {
        put8(b, (uint8_t)v);
    }
}

static unsigned
port_field(uint8_t ip_proto, bool dst)
{
    switch (ip_proto) {
    case 17:
        return dst ? OXM_UDP_DST : OXM_UDP_SRC;
    case 132:
        return dst ? OXM_SCTP_DST : OXM_SCTP_SRC;
    default:
        return dst ? OXM_TCP_DST : OXM_TCP_SRC;
    }
}

/* The OXM fields of 'm', in Open vSwitch's order. */
static void
put_oxms(struct slc_ofp_buf *b, const struct slc_of_match *m)
{
    uint32_t f = m->fields;

    if (f & SLC_OFM_IN_PORT) {
        oxm32(b, OXM(OXM_IN_PORT, 4), m->in_port);
    }
    if (f & SLC_OFM_ETH_SRC) {
        oxm(b, OXM(OXM_ETH_SRC, 6), m->eth_src, NULL);
    }
    if (f & SLC_OFM_ETH_DST) {
        oxm(b, OXM(OXM_ETH_DST, 6), m->eth_dst, NULL);
    }
    if (f & SLC_OFM_ETH_TYPE) {
        oxm16(b, OXM(OXM_ETH_TYPE, 2), m->eth_type);
    }
    if (f & SLC_OFM_VLAN_VID) {
        /* VID 0: no tag (OFPVID_NONE); priority-tagged frames are never
         * matched */
        oxm16(b, OXM(OXM_VLAN_VID, 2),
              (uint16_t)(m->vlan_vid ? m->vlan_vid | OFPVID_PRESENT : 0));
    }
    if (f & SLC_OFM_MPLS_LABEL) {
        oxm32(b, OXM(OXM_MPLS_LABEL, 4), m->mpls_label);
    }
    if (f & SLC_OFM_NSH_SPI) {
        oxm_nsh(b, NSH_SPI, m->nsh_spi, 4);
    }
    if (f & SLC_OFM_NSH_SI) {
        oxm_nsh(b, NSH_SI, m->nsh_si, 1);
    }
    if (f & SLC_OFM_IPV4_SRC) {
        oxm_prefix(b, OXM_IPV4_SRC, &m->ipv4_src, 4, m->ipv4_src_len);
    }
    if (f & SLC_OFM_IPV4_DST) {
        oxm_prefix(b, OXM_IPV4_DST, &m->ipv4_dst, 4, m->ipv4_dst_len);
    }
    if (f & SLC_OFM_IPV6_SRC) {
        oxm_prefix(b, OXM_IPV6_SRC, &m->ipv6_src, 16, m->ipv6_src_len);
    }
    if (f & SLC_OFM_IPV6_DST) {
        oxm_prefix(b, OXM_IPV6_DST, &m->ipv6_dst, 16, m->ipv6_dst_len);
    }
    if (f & SLC_OFM_IP_PROTO) {
        uint8_t p = m->ip_proto;

        oxm(b, OXM(OXM_IP_PROTO, 1), &p, NULL);
    }
    if (f & SLC_OFM_TP_SRC) {
        oxm16(b, OXM(port_field(m->ip_proto, false), 2), m->tp_src);
    }
    if (f & SLC_OFM_TP_DST) {
        oxm16(b, OXM(port_field(m->ip_proto, true), 2), m->tp_dst);
    }
}

static void
put_match(struct slc_ofp_buf *b, const struct slc_of_match *m)
{
    size_t at = b->len;

    put16(b, 1);                   /* OFPMT_OXM */
    put16(b, 0);
    put_oxms(b, m);
    set16(b, at + 2, (uint16_t)(b->len - at));
    pad_to(b, at, 8);
}

/* ---- actions ---- */

static void
act_header(struct slc_ofp_buf *b, uint16_t type, uint16_t len)
{
    put16(b, type);
    put16(b, len);
}

static void
act_nx(struct slc_ofp_buf *b, uint16_t len, uint16_t subtype)
{
    act_header(b, OFPAT_EXPERIMENTER, len);
    put32(b, NX_VENDOR);
    put16(b, subtype);
}

static void
act_set_field(struct slc_ofp_buf *b, void (*field)(struct slc_ofp_buf *,
                                                   const struct slc_of_action *),
              const struct slc_of_action *a)
{
    size_t at = b->len;

    act_header(b, OFPAT_SET_FIELD, 0);
    field(b, a);
    pad_to(b, at, 8);
    set16(b, at + 2, (uint16_t)(b->len - at));
}

static void
sf_vlan(struct slc_ofp_buf *b, const struct slc_of_action *a)
{
    oxm16(b, OXM(OXM_VLAN_VID, 2), (uint16_t)(a->u.vid | OFPVID_PRESENT));
}

static void
sf_mpls(struct slc_ofp_buf *b, const struct slc_of_action *a)
{
    oxm32(b, OXM(OXM_MPLS_LABEL, 4), a->u.label);
}

static void
sf_eth_dst(struct slc_ofp_buf *b, const struct slc_of_action *a)
{
    oxm(b, OXM(OXM_ETH_DST, 6), a->u.mac, NULL);
}

static void
sf_eth_src(struct slc_ofp_buf *b, const struct slc_of_action *a)
{
    oxm(b, OXM(OXM_ETH_SRC, 6), a->u.mac, NULL);
}

static void
sf_in_port(struct slc_ofp_buf *b, const struct slc_of_action *a)
{
    /* Open vSwitch writes in_port as NXM_OF_IN_PORT (class 0, 16 bits) */
    oxm16(b, 0x00000002u, (uint16_t)a->u.port);
}

static void
sf_spi(struct slc_ofp_buf *b, const struct slc_of_action *a)
{
    oxm_nsh(b, NSH_SPI, a->u.spi, 4);
}

static void
sf_si(struct slc_ofp_buf *b, const struct slc_of_action *a)
{
    oxm_nsh(b, NSH_SI, a->u.si, 1);
}

static void
put_action(struct slc_ofp_buf *b, const struct slc_of_action *a)
{
    switch (a->type) {
    case SLC_OFA_OUTPUT:
        act_header(b, OFPAT_OUTPUT, 16);
        put32(b, a->u.port);
        put16(b, a->u.port == SLC_OFPP_CONTROLLER ? 0xffff : 0);
        put(b, 6);
        break;
    case SLC_OFA_GROUP:
        act_header(b, OFPAT_GROUP, 8);
        put32(b, a->u.group);
        break;
    case SLC_OFA_PUSH_VLAN:
    case SLC_OFA_PUSH_MPLS:
    case SLC_OFA_POP_MPLS:
        act_header(b, a->type == SLC_OFA_PUSH_VLAN   ? OFPAT_PUSH_VLAN
                      : a->type == SLC_OFA_PUSH_MPLS ? OFPAT_PUSH_MPLS
                                                     : OFPAT_POP_MPLS,
                   8);
        put16(b, a->u.ethertype);
        put(b, 2);
        break;
    case SLC_OFA_POP_VLAN:
        act_header(b, OFPAT_POP_VLAN, 8);
        put(b, 4);
        break;
    case SLC_OFA_SET_VLAN_VID:
        act_set_field(b, sf_vlan, a);
        break;
    case SLC_OFA_SET_MPLS_LABEL:
        act_set_field(b, sf_mpls, a);
        break;
    case SLC_OFA_SET_ETH_DST:
        act_set_field(b, sf_eth_dst, a);
        break;
    case SLC_OFA_SET_ETH_SRC:
        act_set_field(b, sf_eth_src, a);
        break;
    case SLC_OFA_SET_IN_PORT:
        act_set_field(b, sf_in_port, a);
        break;
    case SLC_OFA_SET_NSH_SPI:
        act_set_field(b, sf_spi, a);
        break;
    case SLC_OFA_SET_NSH_SI:
        act_set_field(b, sf_si, a);
        break;
    case SLC_OFA_ENCAP_NSH:
        act_nx(b, 24, NXAST_ENCAP);
        put16(b, 0);               /* hdr_size */
        put32(b, 0x0001894f);      /* packet type (1, NSH) */
        put16(b, 0x0004);          /* property class NSH */
        put8(b, 1);                /* MD_TYPE */
        put8(b, 5);
        put8(b, 1);                /* MD type 1 */
        put(b, 3);
        break;
    case SLC_OFA_ENCAP_ETHERNET:
        act_nx(b, 16, NXAST_ENCAP);
        put16(b, 0);
        put32(b, 0);               /* packet type (0, 0): Ethernet */
        break;
    case SLC_OFA_DECAP:
        act_nx(b, 16, NXAST_DECAP);
        put16(b, 0);
        put32(b, 0x0000fffe);      /* the next protocol says */
        break;
    case SLC_OFA_DEC_NSH_TTL:
        act_nx(b, 16, NXAST_DEC_NSH_TTL);
        put(b, 6);
        break;
    }
}

/* ---- flow and group mods ---- */

static void
flow_mod_head(struct slc_ofp_buf *b, uint64_t cookie, uint64_t mask,
              uint8_t table, enum slc_ofp_flow_cmd cmd, uint16_t priority)
{
    put64(b, cookie);
    put64(b, mask);
    put8(b, table);
    put8(b, (uint8_t)cmd);
    put16(b, 0);                   /* idle timeout */
    put16(b, 0);                   /* hard timeout */
    put16(b, priority);
    put32(b, 0xffffffffu);         /* buffer id: none */
    put32(b, SLC_OFPP_ANY);
    put32(b, SLC_OFPG_ANY);
    put16(b, 0);                   /* flags */
    put(b, 2);
}

void
slc_ofp_flow_mod(struct slc_ofp_buf *b, uint32_t xid,
                 enum slc_ofp_flow_cmd cmd, const struct slc_of_flow *f)
{
    size_t at = begin_msg(b, SLC_OFPT_FLOW_MOD, xid);

    flow_mod_head(b, f->cookie, 0, f->table, cmd, f->priority);
    put_match(b, &f->match);
    if (f->n_actions && cmd != SLC_OFPFC_DELETE_STRICT) {
        size_t in = b->len;

        put16(b, OFPIT_APPLY_ACTIONS);
        put16(b, 0);
        put(b, 4);
        for (size_t i = 0; i < f->n_actions; i++) {
            put_action(b, &f->actions[i]);
        }
        set16(b, in + 2, (uint16_t)(b->len - in));
    }
    end_msg(b, at);
}

void
slc_ofp_flow_delete_cookie(struct slc_ofp_buf *b, uint32_t xid,
                           uint64_t cookie, uint64_t mask)
{
    size_t at = begin_msg(b, SLC_OFPT_FLOW_MOD, xid);
    struct slc_of_match any = {0};

    flow_mod_head(b, cookie, mask, SLC_OFPTT_ALL, SLC_OFPFC_DELETE, 0x8000);
    put_match(b, &any);
    end_msg(b, at);
}

void
slc_ofp_group_mod(struct slc_ofp_buf *b, uint32_t xid, unsigned cmd,
                  uint32_t group_id, const uint32_t *ports, size_t n_ports)
{
    struct slc_of_action outs[64];
    struct slc_of_bucket bk[64];

    n_ports = n_ports > 64 ? 64 : n_ports;
    for (size_t i = 0; i < n_ports; i++) {
        outs[i] = (struct slc_of_action){.type = SLC_OFA_OUTPUT,
                                         .u.port = ports[i]};
        bk[i] = (struct slc_of_bucket){&outs[i], 1};
    }
    slc_ofp_group_mod_buckets(b, xid, cmd, group_id, bk, n_ports);
}

void
slc_ofp_group_mod_buckets(struct slc_ofp_buf *b, uint32_t xid, unsigned cmd,
                          uint32_t group_id, const struct slc_of_bucket *bk,
                          size_t n_buckets)
{
    size_t at = begin_msg(b, SLC_OFPT_GROUP_MOD, xid);

    put16(b, (uint16_t)cmd);
    put8(b, 1);                    /* OFPGT_SELECT */
    put8(b, 0);
    put32(b, group_id);
    for (size_t i = 0; cmd != 2 && i < n_buckets; i++) {
        size_t start = b->len;

        put16(b, 0);               /* bucket length, below */
        put16(b, 1);               /* weight */
        put32(b, SLC_OFPP_ANY);    /* watch port */
        put32(b, SLC_OFPG_ANY);    /* watch group */
        put(b, 4);
        for (size_t k = 0; k < bk[i].n_actions; k++) {
            put_action(b, &bk[i].actions[k]);
        }
        set16(b, start, (uint16_t)(b->len - start));
    }
    end_msg(b, at);
}

void
slc_ofp_flow_stats_request(struct slc_ofp_buf *b, uint32_t xid,
                           uint64_t cookie, uint64_t mask)
{
    size_t at = begin_msg(b, SLC_OFPT_MULTIPART_REQUEST, xid);
    struct slc_of_match any = {0};

    put16(b, OFPMP_FLOW);
    put16(b, 0);
    put(b, 4);
    put8(b, SLC_OFPTT_ALL);
    put(b, 3);
    put32(b, SLC_OFPP_ANY);
    put32(b, SLC_OFPG_ANY);
    put(b, 4);
    put64(b, cookie);
    put64(b, mask);
    put_match(b, &any);
    end_msg(b, at);
}

void
slc_ofp_bundle_control(struct slc_ofp_buf *b, uint32_t xid,
                       uint32_t bundle_id, enum slc_ofp_bundle_type type,
                       uint16_t flags)
{
    size_t at = begin_msg(b, SLC_OFPT_EXPERIMENTER, xid);

    put32(b, ONF_VENDOR);
    put32(b, ONF_BUNDLE_CONTROL);
    put32(b, bundle_id);
    put16(b, (uint16_t)type);
    put16(b, flags);
    end_msg(b, at);
}

void
slc_ofp_copy(struct slc_ofp_buf *b, uint32_t xid, const uint8_t *msg,
             size_t len)
{
    uint8_t *p = put(b, len);

    if (p) {
        memcpy(p, msg, len);
        if (len >= 8) {
            p[4] = (uint8_t)(xid >> 24);
            p[5] = (uint8_t)(xid >> 16);
            p[6] = (uint8_t)(xid >> 8);
            p[7] = (uint8_t)xid;
        }
    }
}

void
slc_ofp_bundle_add(struct slc_ofp_buf *b, uint32_t xid, uint32_t bundle_id,
                   uint16_t flags, const uint8_t *msg, size_t len)
{
    size_t at = begin_msg(b, SLC_OFPT_EXPERIMENTER, xid);

    put32(b, ONF_VENDOR);
    put32(b, ONF_BUNDLE_ADD);
    put32(b, bundle_id);
    put16(b, 0);
    put16(b, flags);
    slc_ofp_copy(b, xid, msg, len);
    end_msg(b, at);
}

/* ---- decoding ---- */

int
slc_ofp_header(const uint8_t *data, size_t len, struct slc_ofp_header *h)
{
    if (len < 8) {
        return 1;
    }
    *h = (struct slc_ofp_header){.version = data[0], .type = data[1],
                                 .length = get16(data + 2),
                                 .xid = get32(data + 4)};
    if (h->length < 8) {
        return SLC_EINVALID;
    }
    return len < h->length ? 1 : 0;
}

uint8_t
slc_ofp_hello_version(const uint8_t *msg, size_t len)
{
    size_t pos = 8;
    bool bitmap = false;

    if (len < 8) {
        return 0;
    }
    while (pos + 4 <= len) {
        uint16_t type = get16(msg + pos), elen = get16(msg + pos + 2);

        if (elen < 4 || pos + elen > len) {
            break;
        }
        if (type == 1 && elen >= 8) {
            bitmap = true;
            if (get32(msg + pos + 4) & (1u << SLC_OFP_VERSION)) {
                return SLC_OFP_VERSION;
            }
        }
        pos += (elen + 7u) & ~7u;
    }
    return !bitmap && msg[0] >= SLC_OFP_VERSION ? SLC_OFP_VERSION : 0;
}

int
slc_ofp_features_dpid(const uint8_t *msg, size_t len, uint64_t *dpid)
{
    if (len < 32 || msg[1] != SLC_OFPT_FEATURES_REPLY) {
        return SLC_EINVALID;
    }
    *dpid = get64(msg + 8);
    return 0;
}

struct error_name {
    uint16_t type, code;
    const char *name, *text;
};

static const struct error_name error_types[] = {
    {0, 0, "OFPET_HELLO_FAILED", "hello failed"},
    {1, 0, "OFPET_BAD_REQUEST", "bad request"},
    {2, 0, "OFPET_BAD_ACTION", "bad action"},
    {3, 0, "OFPET_BAD_INSTRUCTION", "bad instruction"},
    {4, 0, "OFPET_BAD_MATCH", "bad match"},
    {5, 0, "OFPET_FLOW_MOD_FAILED", "flow mod failed"},
    {6, 0, "OFPET_GROUP_MOD_FAILED", "group mod failed"},
    {7, 0, "OFPET_PORT_MOD_FAILED", "port mod failed"},
    {8, 0, "OFPET_TABLE_MOD_FAILED", "table mod failed"},
    {9, 0, "OFPET_QUEUE_OP_FAILED", "queue operation failed"},
    {10, 0, "OFPET_SWITCH_CONFIG_FAILED", "switch config failed"},
    {11, 0, "OFPET_ROLE_REQUEST_FAILED", "role request failed"},
    {12, 0, "OFPET_METER_MOD_FAILED", "meter mod failed"},
    {13, 0, "OFPET_TABLE_FEATURES_FAILED", "table features failed"},
};

static const struct error_name error_codes[] = {
    {0, 0, "OFPHFC_INCOMPATIBLE", "no common OpenFlow version"},
    {0, 1, "OFPHFC_EPERM", "permissions error"},
    {1, 0, "OFPBRC_BAD_VERSION", "OpenFlow version not supported"},
    {1, 1, "OFPBRC_BAD_TYPE", "message type not supported"},
    {1, 2, "OFPBRC_BAD_MULTIPART", "multipart type not supported"},
    {1, 3, "OFPBRC_BAD_EXPERIMENTER", "experimenter id not supported"},
    {1, 4, "OFPBRC_BAD_EXP_TYPE", "experimenter type not supported"},
    {1, 5, "OFPBRC_EPERM", "permissions error"},
    {1, 6, "OFPBRC_BAD_LEN", "wrong request length"},
    {1, 9, "OFPBRC_BAD_TABLE_ID", "table does not exist"},
    {1, 10, "OFPBRC_IS_SLAVE", "the controller is a slave"},
    {1, 11, "OFPBRC_BAD_PORT", "invalid port"},
    {2, 0, "OFPBAC_BAD_TYPE", "unknown action type"},
    {2, 1, "OFPBAC_BAD_LEN", "wrong action length"},
    {2, 2, "OFPBAC_BAD_EXPERIMENTER", "unknown experimenter id"},
    {2, 3, "OFPBAC_BAD_EXP_TYPE", "unknown experimenter action"},
    {2, 4, "OFPBAC_BAD_OUT_PORT", "output port does not exist"},
    {2, 5, "OFPBAC_BAD_ARGUMENT", "bad action argument"},
    {2, 6, "OFPBAC_EPERM", "permissions error"},
    {2, 7, "OFPBAC_TOO_MANY", "too many actions"},
    {2, 9, "OFPBAC_BAD_OUT_GROUP", "group does not exist"},
    {2, 10, "OFPBAC_MATCH_INCONSISTENT",
     "action does not apply to what the match selects"},
    {2, 11, "OFPBAC_UNSUPPORTED_ORDER", "action order not supported"},
    {2, 12, "OFPBAC_BAD_TAG", "bad tag"},
    {2, 13, "OFPBAC_BAD_SET_TYPE", "set-field of an unsupported field"},
    {2, 14, "OFPBAC_BAD_SET_LEN", "set-field of a wrong length"},
    {2, 15, "OFPBAC_BAD_SET_ARGUMENT", "bad set-field value"},
    {3, 0, "OFPBIC_UNKNOWN_INST", "unknown instruction"},
    {3, 1, "OFPBIC_UNSUP_INST", "instruction not supported"},
    {3, 2, "OFPBIC_BAD_TABLE_ID", "goto to a table that does not exist"},
    {3, 7, "OFPBIC_BAD_LEN", "wrong instruction length"},
    {4, 0, "OFPBMC_BAD_TYPE", "match type not supported"},
    {4, 1, "OFPBMC_BAD_LEN", "wrong match length"},
    {4, 2, "OFPBMC_BAD_TAG", "bad tag"},
    {4, 3, "OFPBMC_BAD_DL_ADDR_MASK", "Ethernet address mask not supported"},
    {4, 4, "OFPBMC_BAD_NW_ADDR_MASK", "network address mask not supported"},
    {4, 5, "OFPBMC_BAD_WILDCARDS", "wildcards not supported"},
    {4, 6, "OFPBMC_BAD_FIELD", "field not supported"},
    {4, 7, "OFPBMC_BAD_VALUE", "bad field value"},
    {4, 8, "OFPBMC_BAD_MASK", "bad mask"},
    {4, 9, "OFPBMC_BAD_PREREQ", "a field's prerequisite is missing"},
    {4, 10, "OFPBMC_DUP_FIELD", "a field appears twice"},
    {5, 0, "OFPFMFC_UNKNOWN", "unspecified error"},
    {5, 1, "OFPFMFC_TABLE_FULL", "flow table full"},
    {5, 2, "OFPFMFC_BAD_TABLE_ID", "table does not exist"},
    {5, 3, "OFPFMFC_OVERLAP", "overlapping flow"},
    {5, 4, "OFPFMFC_EPERM", "permissions error"},
    {5, 5, "OFPFMFC_BAD_TIMEOUT", "timeout not supported"},
    {5, 6, "OFPFMFC_BAD_COMMAND", "unknown command"},
    {5, 7, "OFPFMFC_BAD_FLAGS", "flags not supported"},
    {6, 0, "OFPGMFC_GROUP_EXISTS", "group already exists"},
    {6, 1, "OFPGMFC_INVALID_GROUP", "invalid group"},
    {6, 3, "OFPGMFC_OUT_OF_GROUPS", "group table full"},
    {6, 4, "OFPGMFC_OUT_OF_BUCKETS", "too many buckets"},
    {6, 7, "OFPGMFC_LOOP", "group loop"},
    {6, 8, "OFPGMFC_UNKNOWN_GROUP", "group does not exist"},
    {6, 10, "OFPGMFC_BAD_TYPE", "group type not supported"},
    {6, 12, "OFPGMFC_BAD_BUCKET", "bad bucket"},
};

/* ONF extension errors (type 0xffff, experimenter ONF) of bundles. */
static const struct error_name bundle_errors[] = {
    {0xffff, 2300, "ONFBFC_UNKNOWN", "bundle failed"},
    {0xffff, 2301, "ONFBFC_EPERM", "bundle: permissions error"},
    {0xffff, 2302, "ONFBFC_BAD_ID", "bundle id does not exist"},
    {0xffff, 2303, "ONFBFC_BUNDLE_EXIST", "bundle id already in use"},
    {0xffff, 2304, "ONFBFC_BUNDLE_CLOSED", "bundle already closed"},
    {0xffff, 2305, "ONFBFC_OUT_OF_BUNDLES", "too many bundles"},
    {0xffff, 2306, "ONFBFC_BAD_TYPE", "bundle control type not supported"},
    {0xffff, 2307, "ONFBFC_BAD_FLAGS", "bundle flags not supported"},
    {0xffff, 2308, "ONFBFC_MSG_BAD_LEN", "bundled message of a wrong length"},
    {0xffff, 2309, "ONFBFC_MSG_BAD_XID", "bundled message of another xid"},
    {0xffff, 2310, "ONFBFC_MSG_UNSUP", "message not supported in a bundle"},
    {0xffff, 2311, "ONFBFC_MSG_CONFLICT", "bundled messages conflict"},
    {0xffff, 2312, "ONFBFC_MSG_TOO_MANY", "too many messages in the bundle"},
    {0xffff, 2313, "ONFBFC_MSG_FAILED",
     "a bundled message failed; nothing was committed"},
    {0xffff, 2314, "ONFBFC_TIMEOUT", "bundle timed out"},
    {0xffff, 2315, "ONFBFC_BUNDLE_IN_PROGRESS", "bundle in progress"},
};

static const struct error_name *
find_error(const struct error_name *t, size_t n, uint16_t type,
           uint16_t code)
{
    for (size_t i = 0; i < n; i++) {
        if (t[i].type == type && t[i].code == code) {
            return &t[i];
        }
    }
    return NULL;
}

const char *
slc_ofp_type_name(unsigned type)
{
    static const char *const names[] = {
        "HELLO", "ERROR", "ECHO_REQUEST", "ECHO_REPLY", "EXPERIMENTER",
        "FEATURES_REQUEST", "FEATURES_REPLY", "GET_CONFIG_REQUEST",
        "GET_CONFIG_REPLY", "SET_CONFIG", "PACKET_IN", "FLOW_REMOVED",
        "PORT_STATUS", "PACKET_OUT", "FLOW_MOD", "GROUP_MOD", "PORT_MOD",
        "TABLE_MOD", "MULTIPART_REQUEST", "MULTIPART_REPLY",
        "BARRIER_REQUEST", "BARRIER_REPLY",
    };

    return type < sizeof names / sizeof names[0] ? names[type] : "UNKNOWN";
}

/* Where the failed request is copied in an ERROR, and its type. */
static size_t
error_data(const uint8_t *msg, size_t len, uint16_t type)
{
    size_t at = type == 0xffff ? 16 : 12;

    return len >= at ? at : len;
}

int
slc_ofp_error_decode(const uint8_t *msg, size_t len, uint16_t *type,
                     uint16_t *code, uint32_t *req_xid)
{
    size_t at;

    if (len < 12 || msg[1] != SLC_OFPT_ERROR) {
        return SLC_EINVALID;
    }
    *type = get16(msg + 8);
    *code = get16(msg + 10);
    if (*type == 0xffff && len < 16) {
        return SLC_EINVALID;
    }
    at = error_data(msg, len, *type);
    *req_xid = len >= at + 8 ? get32(msg + at + 4) : get32(msg + 4);
    return 0;
}

void
slc_ofp_error_text(const uint8_t *msg, size_t len, char *out, size_t size)
{
    uint16_t type, code;
    uint32_t xid;
    const struct error_name *t, *c;
    char req[80] = "";
    size_t at;

    if (slc_ofp_error_decode(msg, len, &type, &code, &xid)) {
        snprintf(out, size, "malformed OpenFlow error message");
        return;
    }
    at = error_data(msg, len, type);
    if (len >= at + 8) {
        const uint8_t *r = msg + at;
        bool bundled = r[1] == SLC_OFPT_EXPERIMENTER && len >= at + 16 &&
                       get32(r + 8) == ONF_VENDOR;

        snprintf(req, sizeof req, " (in reply to %s%s xid %u)",
                 bundled ? "bundle " : slc_ofp_type_name(r[1]),
                 bundled ? (get32(r + 12) == ONF_BUNDLE_ADD ? "message"
                                                            : "control")
                         : "",
                 xid);
    }
    if (type == 0xffff) {
        code = get16(msg + 10);
        c = get32(msg + 12) == ONF_VENDOR
                ? find_error(bundle_errors,
                             sizeof bundle_errors / sizeof bundle_errors[0],
                             type, code)
                : NULL;
        if (c) {
            snprintf(out, size, "%s: %s%s", c->name, c->text, req);
        } else {
            snprintf(out, size,
                     "experimenter error %u of experimenter 0x%08x%s", code,
                     len >= 16 ? get32(msg + 12) : 0, req);
        }
        return;
    }
    t = find_error(error_types, sizeof error_types / sizeof error_types[0],
                   type, 0);
    c = find_error(error_codes, sizeof error_codes / sizeof error_codes[0],
                   type, code);
    if (c) {
        snprintf(out, size, "%s: %s: %s%s", c->name, t->text, c->text, req);
    } else if (t) {
        snprintf(out, size, "%s code %u: %s%s", t->name, code, t->text, req);
    } else {
        snprintf(out, size, "OpenFlow error type %u code %u%s", type, code,
                 req);
    }
}

int
slc_ofp_bundle_reply(const uint8_t *msg, size_t len, uint32_t *bundle_id,
                     uint16_t *type)
{
    if (len < 24 || msg[1] != SLC_OFPT_EXPERIMENTER ||
        get32(msg + 8) != ONF_VENDOR || get32(msg + 12) != ONF_BUNDLE_CONTROL) {
        return SLC_EINVALID;
    }
    *bundle_id = get32(msg + 16);
    *type = get16(msg + 20);
    return 0;
}

static unsigned
mask_len(const uint8_t *mask, size_t bytes, bool *ok)
{
    unsigned len = 0;
    size_t i = 0;

    while (i < bytes && mask[i] == 0xff) {
        len += 8;
        i++;
    }
    if (i < bytes) {
        uint8_t m = mask[i];

        while (m & 0x80) {
            len++;
            m = (uint8_t)(m << 1);
        }
        *ok = *ok && !m;
        while (++i < bytes) {
            *ok = *ok && !mask[i];
        }
    }
    return len;
}

int
slc_ofp_match_decode(const uint8_t *p, size_t len, struct slc_of_match *m)
{
    size_t pos = 0;

    *m = (struct slc_of_match){0};
    while (pos + 4 <= len) {
        uint32_t h = get32(p + pos);
        size_t n = h & 0xff;
        const uint8_t *v = p + pos + 4;
        bool ok = true, masked = h & 0x100;
        unsigned field = (h >> 9) & 0x7f;

        if (pos + 4 + n > len) {
            return SLC_EINVALID;
        }
        if ((h >> 16) == 0xffff) {
            if (n < 5 || get32(v) != NSH_EXPERIMENTER || masked) {
                return SLC_EINVALID;
            }
            if (field == NSH_SPI && n == 8) {
                m->fields |= SLC_OFM_NSH_SPI;
                m->nsh_spi = get32(v + 4);
            } else if (field == NSH_SI && n == 5) {
                m->fields |= SLC_OFM_NSH_SI;
                m->nsh_si = v[4];
            } else {
                return SLC_EINVALID;
            }
        } else if ((h >> 16) != 0x8000) {
            return SLC_EINVALID;
        } else if (h == OXM(OXM_IN_PORT, 4)) {
            m->fields |= SLC_OFM_IN_PORT;
            m->in_port = get32(v);
        } else if (h == OXM(OXM_ETH_DST, 6)) {
            m->fields |= SLC_OFM_ETH_DST;
            memcpy(m->eth_dst, v, 6);
        } else if (h == OXM(OXM_ETH_SRC, 6)) {
            m->fields |= SLC_OFM_ETH_SRC;
            memcpy(m->eth_src, v, 6);
        } else if (h == OXM(OXM_ETH_TYPE, 2)) {
            m->fields |= SLC_OFM_ETH_TYPE;
            m->eth_type = get16(v);
        } else if (h == OXM(OXM_VLAN_VID, 2)) {
            m->fields |= SLC_OFM_VLAN_VID;
            m->vlan_vid = get16(v) & OFPVID_PRESENT ? get16(v) & 0xfff : 0;
        } else if (h == OXM(OXM_MPLS_LABEL, 4)) {
            m->fields |= SLC_OFM_MPLS_LABEL;
            m->mpls_label = get32(v);
        } else if (h == OXM(OXM_IP_PROTO, 1)) {
            m->fields |= SLC_OFM_IP_PROTO;
            m->ip_proto = v[0];
        } else if (field == OXM_IPV4_SRC || field == OXM_IPV4_DST) {
            bool src = field == OXM_IPV4_SRC;

            if (n != (masked ? 8u : 4u)) {
                return SLC_EINVALID;
            }
            m->fields |= src ? SLC_OFM_IPV4_SRC : SLC_OFM_IPV4_DST;
            memcpy(src ? &m->ipv4_src : &m->ipv4_dst, v, 4);
            *(src ? &m->ipv4_src_len : &m->ipv4_dst_len) =
                masked ? mask_len(v + 4, 4, &ok) : 32;
        } else if (field == OXM_IPV6_SRC || field == OXM_IPV6_DST) {
            bool src = field == OXM_IPV6_SRC;

            if (n != (masked ? 32u : 16u)) {
                return SLC_EINVALID;
            }
            m->fields |= src ? SLC_OFM_IPV6_SRC : SLC_OFM_IPV6_DST;
            memcpy(src ? &m->ipv6_src : &m->ipv6_dst, v, 16);
            *(src ? &m->ipv6_src_len : &m->ipv6_dst_len) =
                masked ? mask_len(v + 16, 16, &ok) : 128;
        } else if (n == 2 && !masked &&
                   (field == OXM_TCP_SRC || field == OXM_UDP_SRC ||
                    field == OXM_SCTP_SRC)) {
            m->fields |= SLC_OFM_TP_SRC;
            m->tp_src = get16(v);
        } else if (n == 2 && !masked &&
                   (field == OXM_TCP_DST || field == OXM_UDP_DST ||
                    field == OXM_SCTP_DST)) {
            m->fields |= SLC_OFM_TP_DST;
            m->tp_dst = get16(v);
        } else {
            return SLC_EINVALID;
        }
        if (!ok) {
            return SLC_EINVALID;
        }
        pos += 4 + n;
    }
    return pos == len ? 0 : SLC_EINVALID;
}

bool
slc_ofp_match_equal(const struct slc_of_match *a, const struct slc_of_match *b)
{
    struct slc_ofp_buf x = {0}, y = {0};
    bool eq;

    /* the canonical encoding says it all: same fields, same order */
    put_oxms(&x, a);
    put_oxms(&y, b);
    eq = !x.oom && !y.oom && x.len == y.len &&
         (!x.len || !memcmp(x.data, y.data, x.len));
    slc_ofp_buf_free(&x);
    slc_ofp_buf_free(&y);
    return eq;
}

int
slc_ofp_flow_stats_next(const uint8_t *msg, size_t len, size_t *pos,
                        struct slc_ofp_flow_stats *st, bool *more)
{
    size_t at, n, mlen;

    if (len < 16 || msg[1] != SLC_OFPT_MULTIPART_REPLY ||
        get16(msg + 8) != OFPMP_FLOW) {
        return SLC_EINVALID;
    }
    *more = get16(msg + 10) & 1;
    at = *pos ? *pos : 16;
    if (at >= len) {
        return 0;
    }
    if (at + 56 > len) {
        return SLC_EINVALID;
    }
    n = get16(msg + at);
    if (n < 56 || at + n > len) {
        return SLC_EINVALID;
    }
    mlen = get16(msg + at + 50);
    if (get16(msg + at + 48) != 1 || mlen < 4 || 48 + mlen > n) {
        return SLC_EINVALID;
    }
    *st = (struct slc_ofp_flow_stats){
        .table = msg[at + 2],
        .priority = get16(msg + at + 12),
        .cookie = get64(msg + at + 24),
        .packets = get64(msg + at + 32),
        .bytes = get64(msg + at + 40),
    };
    if (slc_ofp_match_decode(msg + at + 52, mlen - 4, &st->match)) {
        return SLC_EINVALID;
    }
    *pos = at + n;
    return 1;
}

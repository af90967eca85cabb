/* OpenFlow 1.3 messages, encoded and decoded (sdn-sfc-ovs.md section 5):
 * what the ovs SDN driver says to a bridge.  HELLO, ECHO, FEATURES,
 * BARRIER, FLOW_MOD (OXM matches, apply-actions with the Nicira
 * extensions for NSH: encap, decap, dec_nsh_ttl, set_field nsh_spi /
 * nsh_si), GROUP_MOD (select groups), the ONF bundle extension that Open
 * vSwitch implements for OpenFlow 1.3 (BUNDLE_CONTROL, BUNDLE_ADD_MESSAGE),
 * flow statistics, and ERROR decoded to a readable sentence.
 *
 * Pure functions on byte buffers: no sockets here (ofconn.h speaks).
 * Encoders append to a slc_ofp_buf; decoders check every length before
 * reading and return SLC_EINVALID for a short or malformed message.
 *
 * The encoding follows what ovs-ofctl sends byte for byte (fields in Open
 * vSwitch's order, the same padding), which tests/ovs/test-ofp.c checks
 * against captures of real Open vSwitch sessions. */
#ifndef SLC_OFP_H
#define SLC_OFP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "slc-error.h"

#define SLC_OFP_VERSION 0x04 /* OpenFlow 1.3 */

enum slc_ofp_type {
    SLC_OFPT_HELLO = 0,
    SLC_OFPT_ERROR = 1,
    SLC_OFPT_ECHO_REQUEST = 2,
    SLC_OFPT_ECHO_REPLY = 3,
    SLC_OFPT_EXPERIMENTER = 4,
    SLC_OFPT_FEATURES_REQUEST = 5,
    SLC_OFPT_FEATURES_REPLY = 6,
    SLC_OFPT_FLOW_REMOVED = 11,
    SLC_OFPT_PORT_STATUS = 12,
    SLC_OFPT_FLOW_MOD = 14,
    SLC_OFPT_GROUP_MOD = 15,
    SLC_OFPT_MULTIPART_REQUEST = 18,
    SLC_OFPT_MULTIPART_REPLY = 19,
    SLC_OFPT_BARRIER_REQUEST = 20,
    SLC_OFPT_BARRIER_REPLY = 21,
};

enum slc_ofp_flow_cmd {
    SLC_OFPFC_ADD = 0,
    SLC_OFPFC_MODIFY = 1,
    SLC_OFPFC_MODIFY_STRICT = 2,
    SLC_OFPFC_DELETE = 3,
    SLC_OFPFC_DELETE_STRICT = 4,
};

/* ONF bundle control types (sdn-sfc-ovs.md section 5.6). */
enum slc_ofp_bundle_type {
    SLC_OFPBCT_OPEN_REQUEST = 0,
    SLC_OFPBCT_OPEN_REPLY = 1,
    SLC_OFPBCT_CLOSE_REQUEST = 2,
    SLC_OFPBCT_CLOSE_REPLY = 3,
    SLC_OFPBCT_COMMIT_REQUEST = 4,
    SLC_OFPBCT_COMMIT_REPLY = 5,
    SLC_OFPBCT_DISCARD_REQUEST = 6,
    SLC_OFPBCT_DISCARD_REPLY = 7,
};
#define SLC_OFPBF_ATOMIC 1
#define SLC_OFPBF_ORDERED 2

#define SLC_OFPP_IN_PORT 0xfffffff8u
#define SLC_OFPP_NORMAL 0xfffffffau
#define SLC_OFPP_CONTROLLER 0xfffffffdu
#define SLC_OFPP_LOCAL 0xfffffffeu
#define SLC_OFPP_ANY 0xffffffffu
#define SLC_OFPG_ANY 0xffffffffu
#define SLC_OFPTT_ALL 0xff

/* A growing byte buffer.  After an allocation failure 'oom' stays set
 * and appends are ignored, so encoders need not check each step. */
struct slc_ofp_buf {
    uint8_t *data;
    size_t len, cap;
    bool oom;
};

void slc_ofp_buf_free(struct slc_ofp_buf *b);
void slc_ofp_buf_clear(struct slc_ofp_buf *b);

/* ---- matches ---- */

/* Which fields a match has (bits of slc_of_match.fields). */
enum {
    SLC_OFM_IN_PORT = 1u << 0,
    SLC_OFM_ETH_DST = 1u << 1,
    SLC_OFM_ETH_SRC = 1u << 2,
    SLC_OFM_ETH_TYPE = 1u << 3,
    SLC_OFM_VLAN_VID = 1u << 4,   /* a tag with this VID */
    SLC_OFM_MPLS_LABEL = 1u << 5,
    SLC_OFM_IPV4_SRC = 1u << 6,
    SLC_OFM_IPV4_DST = 1u << 7,
    SLC_OFM_IPV6_SRC = 1u << 8,
    SLC_OFM_IPV6_DST = 1u << 9,
    SLC_OFM_IP_PROTO = 1u << 10,
    SLC_OFM_TP_SRC = 1u << 11,    /* TCP, UDP or SCTP by ip_proto */
    SLC_OFM_TP_DST = 1u << 12,
    SLC_OFM_NSH_SPI = 1u << 13,
    SLC_OFM_NSH_SI = 1u << 14,
};

struct slc_of_match {
    uint32_t fields;
    uint32_t in_port;
    uint8_t eth_dst[6], eth_src[6];
    uint16_t eth_type;
    uint16_t vlan_vid;        /* 1..4095, without OFPVID_PRESENT; 0:
                                 untagged frames only */
    uint32_t mpls_label;
    struct in_addr ipv4_src, ipv4_dst;
    unsigned ipv4_src_len, ipv4_dst_len;   /* prefix lengths, 1..32 */
    struct in6_addr ipv6_src, ipv6_dst;
    unsigned ipv6_src_len, ipv6_dst_len;   /* 1..128 */
    uint8_t ip_proto;
    uint16_t tp_src, tp_dst;
    uint32_t nsh_spi;         /* 24 bits */
    uint8_t nsh_si;
};

/* ---- actions ---- */

enum slc_of_action_type {
    SLC_OFA_OUTPUT,           /* port */
    SLC_OFA_GROUP,            /* group */
    SLC_OFA_PUSH_VLAN,        /* ethertype (0x8100) */
    SLC_OFA_POP_VLAN,
    SLC_OFA_SET_VLAN_VID,     /* vid */
    SLC_OFA_PUSH_MPLS,        /* ethertype (0x8847) */
    SLC_OFA_POP_MPLS,         /* ethertype of what is inside */
    SLC_OFA_SET_MPLS_LABEL,   /* label */
    SLC_OFA_SET_ETH_DST,      /* mac */
    SLC_OFA_SET_ETH_SRC,      /* mac */
    SLC_OFA_ENCAP_NSH,        /* Nicira encap(nsh(md_type=1)) */
    SLC_OFA_ENCAP_ETHERNET,   /* Nicira encap(ethernet) */
    SLC_OFA_DECAP,            /* Nicira decap() */
    SLC_OFA_SET_NSH_SPI,      /* spi */
    SLC_OFA_SET_NSH_SI,       /* si */
    SLC_OFA_DEC_NSH_TTL,      /* Nicira dec_nsh_ttl */
    SLC_OFA_SET_IN_PORT,      /* port: as if received there (OVS) */
};

struct slc_of_action {
    enum slc_of_action_type type;
    union {
        uint32_t port;
        uint32_t group;
        uint16_t ethertype;
        uint16_t vid;
        uint32_t label;
        uint8_t mac[6];
        uint32_t spi;
        uint8_t si;
    } u;
};

/* A flow entry.  No actions = drop. */
struct slc_of_flow {
    uint64_t cookie;
    uint8_t table;
    uint16_t priority;
    struct slc_of_match match;
    const struct slc_of_action *actions;
    size_t n_actions;
};

/* ---- encoders: append one message with transaction id 'xid' ---- */

/* HELLO with a version bitmap of OpenFlow 1.3 alone. */
void slc_ofp_hello(struct slc_ofp_buf *b, uint32_t xid);
void slc_ofp_simple(struct slc_ofp_buf *b, enum slc_ofp_type type,
                    uint32_t xid);
/* ECHO_REPLY to the ECHO_REQUEST 'req' (its xid and payload). */
void slc_ofp_echo_reply(struct slc_ofp_buf *b, const uint8_t *req,
                        size_t len);
/* A copy of message 'msg' with its xid set to 'xid'. */
void slc_ofp_copy(struct slc_ofp_buf *b, uint32_t xid, const uint8_t *msg,
                  size_t len);
/* FLOW_MOD ADD / MODIFY* / DELETE_STRICT of 'f'. */
void slc_ofp_flow_mod(struct slc_ofp_buf *b, uint32_t xid,
                      enum slc_ofp_flow_cmd cmd, const struct slc_of_flow *f);
/* FLOW_MOD DELETE of every flow, in every table, whose cookie equals
 * 'cookie' under 'mask'. */
void slc_ofp_flow_delete_cookie(struct slc_ofp_buf *b, uint32_t xid,
                                uint64_t cookie, uint64_t mask);
/* GROUP_MOD of a select group with one bucket per port (load balancing
 * by the datapath's flow hash; 64 at most).  'cmd': 0 ADD, 1 MODIFY, 2
 * DELETE. */
void slc_ofp_group_mod(struct slc_ofp_buf *b, uint32_t xid, unsigned cmd,
                       uint32_t group_id, const uint32_t *ports,
                       size_t n_ports);
/* One bucket of a group: its actions. */
struct slc_of_bucket {
    const struct slc_of_action *actions;
    size_t n_actions;
};
/* GROUP_MOD of a select group whose buckets run their own actions. */
void slc_ofp_group_mod_buckets(struct slc_ofp_buf *b, uint32_t xid,
                               unsigned cmd, uint32_t group_id,
                               const struct slc_of_bucket *buckets,
                               size_t n_buckets);
/* MULTIPART_REQUEST FLOW of every table, for flows whose cookie equals
 * 'cookie' under 'mask'. */
void slc_ofp_flow_stats_request(struct slc_ofp_buf *b, uint32_t xid,
                                uint64_t cookie, uint64_t mask);
void slc_ofp_bundle_control(struct slc_ofp_buf *b, uint32_t xid,
                            uint32_t bundle_id,
                            enum slc_ofp_bundle_type type, uint16_t flags);
/* BUNDLE_ADD_MESSAGE carrying 'msg' (a whole message; its xid is set to
 * 'xid', as the extension requires). */
void slc_ofp_bundle_add(struct slc_ofp_buf *b, uint32_t xid,
                        uint32_t bundle_id, uint16_t flags,
                        const uint8_t *msg, size_t len);

/* ---- decoders ---- */

struct slc_ofp_header {
    uint8_t version, type;
    uint16_t length;
    uint32_t xid;
};

/* The header of the message at 'data': 0 when 'len' holds all of the
 * message, 1 when more bytes are needed, SLC_EINVALID for a length below
 * 8. */
int slc_ofp_header(const uint8_t *data, size_t len,
                   struct slc_ofp_header *h);

/* The highest version both sides speak, from a received HELLO: 0x04 when
 * the peer offers 1.3 (bitmap or header version), else 0. */
uint8_t slc_ofp_hello_version(const uint8_t *msg, size_t len);

/* FEATURES_REPLY's datapath id. */
int slc_ofp_features_dpid(const uint8_t *msg, size_t len, uint64_t *dpid);

/* An ERROR (or an error-like reply) as a sentence, e.g.
 * "OFPBAC_BAD_OUT_GROUP: bad action: group does not exist (in reply to
 * FLOW_MOD xid 6)".  Always NUL-terminates 'out'. */
void slc_ofp_error_text(const uint8_t *msg, size_t len, char *out,
                        size_t size);
/* The error's type and code, and the xid of the request it answers (the
 * message the error carries; for a bundled message, the embedded xid). */
int slc_ofp_error_decode(const uint8_t *msg, size_t len, uint16_t *type,
                         uint16_t *code, uint32_t *req_xid);

/* For an EXPERIMENTER message of the ONF bundle extension: its control
 * type.  SLC_EINVALID when it is not a bundle control. */
int slc_ofp_bundle_reply(const uint8_t *msg, size_t len,
                         uint32_t *bundle_id, uint16_t *type);

/* One entry of a flow statistics reply. */
struct slc_ofp_flow_stats {
    uint8_t table;
    uint16_t priority;
    uint64_t cookie;
    uint64_t packets, bytes;
    struct slc_of_match match;
};

/* Walks a MULTIPART_REPLY FLOW: '*pos' starts at 0; returns 1 with the
 * next entry in '*st', 0 at the end, SLC_EINVALID when malformed.
 * '*more' says whether the reply continues in another message. */
int slc_ofp_flow_stats_next(const uint8_t *msg, size_t len, size_t *pos,
                            struct slc_ofp_flow_stats *st, bool *more);

/* Decodes an OXM match (the bytes after its type and length). */
int slc_ofp_match_decode(const uint8_t *oxm, size_t len,
                         struct slc_of_match *m);
/* True when the two matches select the same packets. */
bool slc_ofp_match_equal(const struct slc_of_match *a,
                         const struct slc_of_match *b);

/* A message type's name ("FLOW_MOD"). */
const char *slc_ofp_type_name(unsigned type);

#endif

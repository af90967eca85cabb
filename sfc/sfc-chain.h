/* Service function chains rendered into forwarding programs
 * (sdn-sfc-ovs.md section 3, DESIGN.md "SFC").
 *
 * A chain is a classifier (matches at a source switch port), an ordered
 * list of hops, each one or more service function instances (SFIs: an
 * ingress and an egress switch port; equal for a single-armed SF), and a
 * destination.  Rendering turns it into a forwarding program: a JSON
 * document of rules (match, actions) and select groups that name switch
 * ports, independent of OpenFlow's encoding, which an SDN driver installs
 * all-or-nothing under one cookie.
 *
 * Encapsulations:
 * - "vlan" / "mpls": port steering for NSH-unaware, transparent SFs.  The
 *   classifier tags the packet with the first hop's tag and sends it to
 *   that hop's ingress; what returns from a hop's egress with that tag is
 *   re-tagged and sent on; after the last hop the tag is removed and the
 *   packet delivered.  One tag per (chain, direction, hop).
 * - "nsh": NSH MD type 1, SPI = the path id, SI from 255 down.  An SF may
 *   decrement the SI (NSH-aware) or not (then the forwarder does): both
 *   are accepted on return.
 * Delivery: to the destination port when the chain has one, else back
 * onto the virtual link as if the packet came from the source port
 * (Open vSwitch's NORMAL switching in the link's segment).  Traffic the
 * classifier does not select is not touched.
 *
 * Several SFIs in one hop share its traffic by flow hash (a select group).
 * A symmetric chain also steers the reverse 5-tuple from the destination
 * through the hops in reverse order, egress to ingress.
 *
 * Program format (what the SDN drivers read, sdn.h):
 *   {"rules": [{"priority": P, "path": "forward"|"reverse",
 *               "from": "classifier"|HOP, "to": HOP|"destination",
 *               "match": {"in_port": PORT, "eth_type": N, "vlan": N (0:
 *                         untagged frames only),
 *                         "mpls_label": N, "ip_proto": N, "nw_src": PREFIX,
 *                         "nw_dst": PREFIX, "tp_src": N, "tp_dst": N,
 *                         "nsh_spi": N, "nsh_si": N},
 *               "actions": [{"push_vlan": VID} | {"set_vlan": VID} |
 *                           {"pop_vlan": null} | {"push_mpls": LABEL} |
 *                           {"set_mpls": LABEL} | {"pop_mpls": ETHERTYPE} |
 *                           {"encap_nsh": null} | {"set_nsh_spi": N} |
 *                           {"set_nsh_si": N} | {"encap_eth": null} |
 *                           {"set_eth_src": MAC} | {"set_eth_dst": MAC} |
 *                           {"decap": null} | {"dec_nsh_ttl": null} |
 *                           {"set_in_port": PORT} | {"output": PORT} |
 *                           {"group": N}, ...]}, ...],
 *    "groups": [{"id": N, "ports": [PORT, ...]}
 *               | {"id": N, "buckets": [[ACTION, ...], ...]}, ...]}
 *   where PORT is a switch port name, "NORMAL", "IN_PORT" or a decimal
 *   OpenFlow port number; a rule may carry a "name" (ignored) and "leg":
 *   "trunk" (it only sends onto the trunk, slc_sfc_render()).  A group
 *   is a select group (one bucket per instance, chosen by flow hash): with
 *   "ports" each bucket outputs to one port, with "buckets" each bucket
 *   runs its own actions (any above but "group"), e.g. set_vlan then
 *   output: how a hop of SR-IOV instances, each behind its own VLAN on
 *   the fabric, is entered.  Group ids are 1..255 within a program. */
#ifndef SLC_SFC_CHAIN_H
#define SLC_SFC_CHAIN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "slc-error.h"

enum slc_sfc_encap { SLC_SFC_VLAN, SLC_SFC_MPLS, SLC_SFC_NSH };

/* The two switches a chain may span: the VIM's own (integration) switch,
 * where virtio ports are, and the fabric, where SR-IOV VFs and
 * passthrough NICs leave their hosts; a trunk joins them. */
enum slc_sfc_switch { SLC_SFC_VIM, SLC_SFC_FABRIC };

/* Where a connection point meets a switch. */
struct slc_sfc_port {
    const char *name;      /* a switch port name or a decimal OpenFlow
                              port number; NULL: none */
    unsigned vlan;         /* fabric: the VLAN its NIC tags a VF's frames
                              with on that port (0: untagged, a whole NIC) */
    bool fabric;           /* on the fabric, else on the VIM's switch */
};

struct slc_sfc_sfi {
    struct slc_sfc_port ingress, egress;  /* equal for a single-armed SF;
                                             both on one switch */
};

struct slc_sfc_hop {
    const char *id;
    const struct slc_sfc_sfi *sfis;   /* all on one switch */
    size_t n_sfis;
    bool plain;            /* its SF reads none of the chain's
                              encapsulation: the packet goes in as
                              classified and is tagged again on return,
                              told apart by its port and the classifier's
                              5-tuple (what a VF hop with "vlan" always
                              gets) */
};

/* One classifier rule; 0 / NULL fields match anything. */
struct slc_sfc_match {
    const char *id;
    unsigned ip_proto;
    const char *src, *dst;         /* address or prefix */
    unsigned src_port, dst_port;
};

struct slc_sfc_chain {
    const char *id;
    enum slc_sfc_encap encap;
    bool symmetric;
    uint32_t path_id;      /* NSH SPI; the reverse path uses path_id + 1 */
    uint32_t tag_base;     /* VLAN ids / MPLS labels tag_base.. (2n when
                            * symmetric) */
    const struct slc_sfc_port *sources; /* the classifier's ports: every
                                           instance of the source VNF */
    size_t n_sources;
    struct slc_sfc_port destination;   /* name NULL: back onto the link as
                                          from the source */
    const char *trunk[2];  /* the trunk's port on each switch (by enum
                              slc_sfc_switch); needed when the chain spans
                              both */
    const struct slc_sfc_match *matches;
    size_t n_matches;      /* 0: all IP traffic from the source */
    const struct slc_sfc_hop *hops;
    size_t n_hops;
};

/* The tags a chain of 'n_hops' uses. */
unsigned slc_sfc_tags_needed(size_t n_hops, bool symmetric);

/* Renders 'c' into one program per switch it uses:
 *   {"vim": PROGRAM, "fabric": PROGRAM}   (a switch it does not use is
 *                                          absent)
 * NULL with SLC_EINVALID naming the chain and the problem (no hop, a bad
 * prefix, ports without TCP/UDP/SCTP, a tag out of range, a symmetric
 * chain without a destination, a hop across both switches, a chain across
 * both without a trunk, two rules of one switch that match the same
 * packets).
 *
 * Across the switches (DESIGN.md "SFC"): a hop of VFs or NICs is on the
 * fabric, entered on its NIC's port in the VF's VLAN and recognised on
 * return by the egress VF's VLAN.  With "vlan" the VF's VLAN replaces the
 * hop's tag (the NIC strips it: the SF sees the packet as sent, so any
 * SF can read it), and what returns is told apart by the classifier's
 * 5-tuple (two chains, or two directions of a single-armed SF, whose
 * returns look alike are refused); with "mpls" and "nsh" the VF's VLAN
 * goes on top and the SF sees the label or header.  On the trunk the
 * packet carries the label of the hop it goes to (MPLS, untagged: a VIM
 * network's VLAN on the trunk is never mistaken for a chain), or its NSH
 * header; a packet done with its last hop crosses with that hop's label
 * (NSH: SI 255 - n) to be delivered.  Rules that only send a packet onto
 * the trunk have "leg": "trunk": the rule on the other switch that takes
 * it into the hop counts it.  Priorities: 300 / 310 on the VIM's switch,
 * 40300 / 40310 on the fabric (above the connectivity services of SDN
 * assist, which carry the same VFs' other traffic). */
json_t *slc_sfc_render(const struct slc_sfc_chain *c, struct slc_error *err);

/* A chain as a JSON document (how the NS engine stores it in a step):
 *   {"id": S, "encapsulation": "vlan"|"mpls"|"nsh", "symmetric": B,
 *    "path_id": N, "tag_base": N, "sources": [PORT, ...] (or "source":
 *    PORT), "destination": PORT|null, "trunk": {"vim": S, "fabric": S},
 *    "matches": [{"id": S, "ip_proto": N, "src": PREFIX, "dst": PREFIX,
 *                 "src_port": N, "dst_port": N}, ...],
 *    "hops": [{"id": S, "plain": B, "sfis": [{"ingress": PORT,
 *              "egress": PORT}, ...]}, ...]}
 * where PORT is a port name on the VIM's switch, {"name": S, "vlan": N,
 * "fabric": true} on the fabric, or anything else, which 'port' resolves
 * into 'out' (returning false when it cannot: the render then fails
 * naming the chain).  Renders it as slc_sfc_render() does. */
typedef bool (*slc_sfc_port_fn)(void *arg, const json_t *ref,
                                struct slc_sfc_port *out);
json_t *slc_sfc_render_json(const json_t *chain, slc_sfc_port_fn port,
                            void *arg, struct slc_error *err);

/* "vlan", "mpls", "nsh" <-> enum; -1 for an unknown name. */
const char *slc_sfc_encap_name(enum slc_sfc_encap e);
int slc_sfc_encap_parse(const char *name);

/* One rule of a program as text in ovs-ofctl's syntax with port names,
 * e.g. "priority=300,in_port=sv1,tcp,nw_dst=10.0.0.3,tp_dst=80
 * actions=push_vlan:0x8100,set_field:4196->vlan_vid,output:sv2".
 * Returns a new string. */
char *slc_sfc_rule_text(const json_t *rule);

#endif

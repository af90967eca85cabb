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
 *               "match": {"in_port": PORT, "eth_type": N, "vlan": N,
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
 *    "groups": [{"id": N, "ports": [PORT, ...]}, ...]}
 *   where PORT is a switch port name, "NORMAL", "IN_PORT" or a decimal
 *   OpenFlow port number; a rule may carry a "name" (ignored). */
#ifndef SLC_SFC_CHAIN_H
#define SLC_SFC_CHAIN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "slc-error.h"

enum slc_sfc_encap { SLC_SFC_VLAN, SLC_SFC_MPLS, SLC_SFC_NSH };

struct slc_sfc_sfi {
    const char *ingress, *egress;  /* switch port names */
};

struct slc_sfc_hop {
    const char *id;
    const struct slc_sfc_sfi *sfis;
    size_t n_sfis;
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
    const char *source;    /* the classifier's source port */
    const char *destination; /* NULL: back onto the link as from source */
    const struct slc_sfc_match *matches;
    size_t n_matches;      /* 0: all IP traffic from the source */
    const struct slc_sfc_hop *hops;
    size_t n_hops;
};

/* The tags a chain of 'n_hops' uses. */
unsigned slc_sfc_tags_needed(size_t n_hops, bool symmetric);

/* Renders 'c' into a new program.  NULL with SLC_EINVALID naming the
 * chain and the problem (no hop, a bad prefix, ports without TCP/UDP/SCTP,
 * a tag out of range, a symmetric chain without a destination). */
json_t *slc_sfc_render(const struct slc_sfc_chain *c, struct slc_error *err);

/* A chain as a JSON document (how the NS engine stores it in a step):
 *   {"id": S, "encapsulation": "vlan"|"mpls"|"nsh", "symmetric": B,
 *    "path_id": N, "tag_base": N, "source": PORT, "destination": PORT|null,
 *    "matches": [{"id": S, "ip_proto": N, "src": PREFIX, "dst": PREFIX,
 *                 "src_port": N, "dst_port": N}, ...],
 *    "hops": [{"id": S, "sfis": [{"ingress": PORT, "egress": PORT}, ...]},
 *             ...]}
 * where PORT is whatever 'port' turns into a switch port name (NULL when it
 * cannot: the render then fails naming the chain).  Renders it as
 * slc_sfc_render() does. */
typedef const char *(*slc_sfc_port_fn)(void *arg, const json_t *port);
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

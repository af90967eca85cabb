/* OSM's rule computation for connectivity services on an OpenFlow switch
 * (sdn-sfc-ovs.md 1.4, RO's openflow_conn.py _compute_net_flows), shared
 * by the drivers that program flows themselves (ovs; later onosof, odlof,
 * floodlightof).  Pure: no I/O, no state.
 *
 * For every ordered pair (source, destination) of points, except two
 * points on the same switch port with the same VLAN, one rule matches
 * in_port = source's switch_port (and vlan = its VLAN when it is tagged);
 * with more than 2 points and a destination MAC it also matches eth_dst,
 * at priority 1000, else it has priority 995.  Its actions turn the
 * source's VLAN into the destination's (push_vlan, set_vlan, pop_vlan or
 * nothing), then output to the destination's port, or to "IN_PORT" when
 * that is the source's own port (two VFs of one NIC).  With more than 2
 * points, each source also has a broadcast rule (eth_dst
 * ff:ff:ff:ff:ff:ff, priority 1000) outputting to every other point,
 * outputs sorted by VLAN (untagged first) then port, with a VLAN action
 * wherever the VLAN changes.  Finally the rules of one (in_port, vlan)
 * are merged into one rule without eth_dst at priority 995 when they all
 * have the same actions.
 *
 * Our rules, where OSM differs:
 * - rules with the same match (one source with several MAC-less
 *   destinations, e.g. a VIM network's uplink and an external point) are
 *   merged into one rule outputting to all of them, sorted as a broadcast
 *   rule's.  OSM emits one flow per destination with the same match, and
 *   the second replaces the first on the switch;
 * - a 2-point service never matches MACs nor has a broadcast rule (OSM
 *   counts each point twice, so its "2 points" case never happens);
 * - 'same_vlan_only' (OSM's of_controller_nets_with_same_vlan) refuses
 *   points of different VLANs in any service, not only in ELANs of more
 *   than 2 points.
 * A point is tagged when its vlan is not 0, whatever its encapsulation. */
#ifndef SLC_OF_RULES_H
#define SLC_OF_RULES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sdn.h"
#include "slc-error.h"

/* Rules joining 'pts' as OSM's openflow connectors compute them, as a
 * forwarding program in sfc/sfc-chain.h's format: {"rules": [...],
 * "groups": []}, each rule also carrying "name": "<net_id>.<n>" (n from 0
 * in rule order).  Match keys: "in_port" (the point's switch_port
 * string), "vlan", "eth_dst"; actions {"push_vlan": V}, {"set_vlan": V},
 * {"pop_vlan": null} and {"output": PORT} where PORT is a switch_port or
 * "IN_PORT".  Rules come by source, in the order of 'pts'.
 *
 * 'type' "ELINE" joins exactly 2 points, "ELAN" any number (fewer than 2:
 * no rule).  Returns 0 with a new program in '*program' (the caller owns
 * it), or, with '*program' NULL and 'err' set: SLC_EUNSUPPORTED for
 * another type, SLC_EINVALID for an ELINE of another number of points, a
 * point without switch_port, a bad VLAN or MAC, or mixed VLANs under
 * 'same_vlan_only' (naming the points); SLC_ENOMEM. */
int slc_of_rules(const char *net_id, const char *type,
                 const struct slc_sdn_endpoint *pts, size_t n,
                 bool same_vlan_only, json_t **program,
                 struct slc_error *err);

/* A switch_dpid as an OpenFlow datapath id: 16 hex digits, with or
 * without colons between the bytes ("00:00:5a:fa:3f:33:62:40").  0, or
 * SLC_EINVALID when 's' is not one (a switch name, say). */
int slc_of_dpid_parse(const char *s, uint64_t *dpid);

/* A switch_port that is a decimal OpenFlow port number, 1..0xfeff, as
 * that number; else 0 (a port name).  Whether a port of that number
 * exists is the driver's question. */
uint32_t slc_of_port_number(const char *s);

#endif

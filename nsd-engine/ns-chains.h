/* Service function chains of an NS: the NSD's VNFFGs (vnffgd/nfpd, in
 * OSM's dialect) planned as engine steps of kind "chain" (engine.h), one
 * per nfpd, installed on the switch of the NS's VIM after the ports they
 * name exist and removed before them; their records in the NSR
 * ("vnffgr"); and the per-switch numbering they need.
 *
 * - Classifier: the match-attributes of an nfpd's position, at the switch
 *   port of the connection point they name (the first VDU instance's);
 *   several match-attributes are several classifier rules of one chain.
 * - Hops: the cp-profiles, ordered by their elements' "order"; each
 *   element's VNF instances (every VDU instance with the ingress and
 *   egress connection points) share its hop by flow hash.
 * - Destination: the connection point whose ip-address is the classifier's
 *   destination address (a host address); else the packet goes back onto
 *   the virtual link after the last hop.
 * - Encapsulation and symmetry: OSM's nfpd has no field for them.  They
 *   come from the instantiation's additionalParamsForNs:
 *     {"sfc": {"encapsulation": "vlan"|"mpls"|"nsh", "symmetric": B,
 *              "paths": {NFPD-ID: {"encapsulation": ..., "symmetric": B}}}}
 *   An SF VNF may ask for an encapsulation (an NSH-aware one for nsh)
 *   through additionalParamsForVnf[{"member-vnf-index": M,
 *   "additionalParams": {"sfc": {"encapsulation": ...}}}]; the chains
 *   through it take it unless their path entry says otherwise, and SF
 *   VNFs of one path asking for different ones are refused.
 *   Precedence: path entry, SF VNFs, NS; default vlan, not symmetric.
 *
 * Numbering: program ids (NSH path ids are twice that, the reverse path
 * one more) and tags (VLAN ids or MPLS labels 100..4094) are unique per
 * VIM account (one switch), recorded in collection "sfc_paths" (name =
 * VIM account id) in the operation's transaction and given back when the
 * chain's resource is gone. */
#ifndef SLC_NS_CHAINS_H
#define SLC_NS_CHAINS_H

#include <jansson.h>
#include <stdint.h>

#include "slc-error.h"
#include "slc-store.h"

/* Checks the chain parameters of an instantiation (bad encapsulation:
 * SLC_EINVALID naming the field and value; SF VNFs of one path asking for
 * different encapsulations: SLC_EINVALID naming both) and that no two nfpds classify
 * the same traffic at the same port (SLC_EINVALID naming both). */
int slc_ns_check_chains(const json_t *nsr, const json_t *params,
                        struct slc_error *err);

/* Appends to 'steps' (which already holds the port steps of the plan) one
 * chain step per nfpd of NS 'nsr' (updated: its "vnffgr" list), depending
 * on the port steps it names; numbers are taken from the store.
 * SLC_EINVALID when an nfpd names a connection point without a port, or
 * the switch has no tags left. */
int slc_ns_plan_chains(struct slc_store *st, json_t *nsr,
                       const json_t *vnfrs, const json_t *vnfds,
                       const json_t *params, json_t *steps,
                       struct slc_error *err);

/* After a scale of NS 'nsr' whose VNF instances are now 'vnfrs' (the
 * VDUs added by the plan in 'steps' included, those it removes left
 * out): appends a step installing again, with the instances it has now,
 * every chain whose hops change, its index to 'changed'.  Undoing such a
 * step installs the chain as it was ("previous" in its spec). */
int slc_ns_replan_chains(struct slc_store *st, json_t *nsr,
                         const json_t *vnfrs, const json_t *vnfds,
                         json_t *steps, json_t *changed,
                         struct slc_error *err);

/* A chain step ended (create DONE, or delete DONE): its NSR record. */
void slc_ns_chain_created(json_t *nsr, const json_t *step);
void slc_ns_chain_deleted(json_t *nsr, const json_t *step);

/* The program a chain of NS 'nsr' installed (its resource's
 * spec.program, or its fabric_program when it has only that; borrowed),
 * with its VIM account and program id; NULL when chain 'vnffgr' is not
 * installed. */
const json_t *slc_ns_chain_program(const json_t *nsr, const json_t *vnffgr,
                                   const char **vim, uint32_t *program_id);

/* Both programs a chain installed: the VIM switch's (returned, NULL when
 * it has none) and the fabric's (into '*fabric', NULL when none). */
const json_t *slc_ns_chain_programs(const json_t *nsr, const json_t *vnffgr,
                                    const char **vim, uint32_t *program_id,
                                    const json_t **fabric);
/* What "GET .../ns_instances/{id}/chains" shows of chain 'vnffgr': its
 * record with, per hop, the packets and bytes the switch steered into it
 * ({"forward": {packets, bytes}} and, when symmetric, "reverse"), and in
 * "delivered" the same for what left the last hop, summed from 'counters'
 * (the program's rules' counters, sdn.h) by the rules' "to", leaving out
 * the rules that only send onto the trunk (the other switch's rule counts
 * those packets into the hop).  For a chain on both switches 'program'
 * and 'counters' are the two joined.  A new object; 'counters' may be NULL
 * (then only the record, with "counters-error" when 'error' is set). */
json_t *slc_ns_chain_report(const json_t *vnffgr, const json_t *program,
                            const json_t *counters, const char *error);

/* Links each stored path to its NS (a store of an older slicer kept
 * them unlinked), so that releasing an NS's paths finds them without a
 * scan.  Once, at start. */
int slc_ns_link_chains(struct slc_store *st, struct slc_error *err);

/* Gives back the numbers of NS 'nsr_id''s chains that have no resource in
 * 'resources' any more. */
int slc_ns_release_chains(struct slc_store *st, const char *nsr_id,
                          const json_t *resources, struct slc_error *err);

#endif

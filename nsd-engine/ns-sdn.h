/* SDN assist of an NS (OSM Release SIX; sdn-sfc-ovs.md section 1.5): every
 * NS VL and VNF-internal VL with an SR-IOV, PCI-PASSTHROUGH or PDU
 * interface becomes a connectivity service on the SDN controller that the
 * NS's VIM account names (config "sdn-controller"), planned as an engine
 * step of kind "sdn" (engine.h) once the VL's ports and computes exist:
 *
 * - points: the VL's SR-IOV and passthrough interfaces, its PDU
 *   interfaces, the VIM network's uplink to the fabric when the VL also
 *   has virtio interfaces (so both kinds reach each other), and the
 *   instantiation's vld[].provider-network.sdn-ports;
 * - type: the VL's "type" when the NSD gives one, else ELINE for two
 *   points and ELAN for more; a VL with fewer than two points needs no
 *   service (OSM reports it ACTIVE without asking the controller);
 * - records (OSM's names, NG-RO's VimInteractionSdnNet): the VL gets
 *   "pci-interfaces": true and vim_info["sdn:<controller _id>"] with the
 *   service's vim_id, vim_status, created_items (its conn_info),
 *   connected_ports and vim_details.
 *
 * Point ids are stable across scaling: "vnfrs:<vnfr>:vdur.<vdur
 * _id>.interfaces.<k>" (OSM numbers VDU records by position instead),
 * "uplink:<VL>" and "external-<i>" (or the sdn-port's own id). */
#ifndef SLC_NS_SDN_H
#define SLC_NS_SDN_H

#include <jansson.h>
#include <stddef.h>

#include "slc-error.h"
#include "slc-store.h"

/* Appends to 'steps' (holding the plan's port and compute steps) a
 * service step per VL of NS 'nsr' (updated: pci-interfaces and the
 * service's planned vim_info) that SDN assist must join; nothing when the
 * NS's VIM account names no sdn-controller. */
int slc_ns_plan_sdn(struct slc_store *st, json_t *nsr, const json_t *vnfrs,
                    const json_t *params, json_t *steps,
                    struct slc_error *err);
/* After a scale of NS 'nsr' whose VNF instances are now 'vnfrs' (the
 * plan's new VDUs in, the removed ones out): appends a step editing each
 * service whose points change (undone by making it as it was), making
 * one a VL now needs, or deleting one left with fewer than two points;
 * their indices to 'changed' (what the plan's deletes must wait for). */
int slc_ns_replan_sdn(struct slc_store *st, json_t *nsr, const json_t *vnfrs,
                      json_t *steps, json_t *changed, struct slc_error *err);
/* Checks item i of an instantiation's vld[] for its provider-network
 * (OSM: physical-network, network-type "vlan", segmentation-id 1..4094,
 * sdn-ports[] of connection points with a switch_port): SLC_EINVALID
 * naming the VL, the member and the bad value. */
int slc_ns_check_provider_network(const json_t *v, size_t i,
                                  struct slc_error *err);
/* The compute step (its index in 'steps') whose ports include port step
 * k, or -1. */
json_int_t slc_ns_compute_of(const json_t *steps, size_t k);
/* Makes each primitive step of 'steps' that waits for a compute also wait
 * for the services joining that compute's ports: day-1 runs on a
 * connected data plane. */
void slc_ns_sdn_gate(json_t *steps);
/* What a DONE create or delete of a service step 's' made or removed,
 * into the VL's vim_info. */
void slc_ns_sdn_created(json_t *nsr, json_t *vnfrs, const json_t *s);
void slc_ns_sdn_deleted(json_t *nsr, json_t *vnfrs, const json_t *s);

#endif

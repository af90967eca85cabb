/* What ns-records.c and ns-lcm.c share: JSON lookups on records and
 * descriptors, and making a VDU record (instantiation and scale-out both
 * do).  Not for use outside nsd-engine/. */
#ifndef SLC_NS_LCM_INTERNAL_H
#define SLC_NS_LCM_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>

#include "ns-lcm.h"

/* A new VDU record (new reference) for instance 'count_index' of 'vdu' of
 * VNF 'member'; 'cp_vl' maps "<member>/<ext-cpd>" to NS VL ids. */
json_t *slc_ns_make_vdur(const json_t *cp_vl, const json_t *vnfd,
                         const json_t *vdu, const char *member,
                         json_int_t count_index, const char *flavor_id,
                         const char *image_id);

/* ---- plans (ns-lcm.c, ns-heal.c) ---- */

/* A plan being made: the steps of an operation (engine.h). */
struct ns_plan {
    json_t *steps;
    const char *nsr_id;
    const char *vim;
    const char *ns_name;
    const json_t *params; /* the instantiation's, or NULL */
    json_t *placed;       /* VDU record _id -> {compute, ip}: its steps */
};

/* Appends the port and compute steps of VDU instance 'vdur' of 'vnfr'
 * (a PDU's binding for a physical one); 'ns_nets' and 'vnf_nets' map VL
 * ids to a network step index or VIM id.  Records what it planned in
 * pl->placed. */
void slc_ns_plan_vdur(struct ns_plan *pl, const json_t *nsr,
                      const json_t *vnfr, const json_t *vdur,
                      const json_t *ns_nets, const json_t *vnf_nets);
/* Deletes of 'resources' (those of one VDU instance when 'prefix' is not
 * NULL): chains first, then computes, their ports, then networks. */
void slc_ns_plan_deletes(struct ns_plan *pl, const json_t *resources,
                         const char *prefix);
/* The networks already deployed: VL id -> VIM id, for the NS ('vnfr_id'
 * NULL) or for one VNF's internal VLs (new object). */
json_t *slc_ns_deployed_nets(const json_t *nsr, const char *vnfr_id);
/* The resources an NS has on its VIMs ("_admin.deployed.resources"). */
const json_t *slc_ns_deployed_resources(const json_t *nsr);
/* The heal of the VDU instances OSM's heal body 'params' names
 * (ns-heal.c); what it heals goes to op_admin.healed_vdur. */
int slc_ns_plan_heal(struct ns_plan *pl, struct slc_store *st, json_t *nsr,
                     const json_t *vnfrs, const json_t *vnfds,
                     const json_t *params, json_t *op_admin,
                     struct slc_error *err);

/* A plan step (engine.h) as a new JSON object, PENDING; 'spec', 'deps'
 * and 'for_' are stolen (NULL: empty). */
json_t *slc_ns_new_step(const char *action, const char *kind,
                        const char *vim, const char *tag, const char *name,
                        json_t *spec, json_t *deps, json_t *for_);

/* ---- primitives (ns-primitives.c) ---- */

/* The VNFD documents of 'vnfrs' by _id (a new object; PNFs have none).
 * The documents are the store's shared ones (slc_store_get_shared): read
 * them, do not change them. */
int slc_ns_load_vnfds(struct slc_store *st, const json_t *vnfrs,
                      json_t **out, struct slc_error *err);
/* The day1-2 entry of 'vnfd' whose id is 'id' (the VNFD's id: VNF level;
 * a VDU's id: that VDU's), or NULL. */
const json_t *slc_ns_day12(const json_t *vnfd, const char *id);
/* The VDU instance a VNF-level primitive runs in: instance 0 of the VDU
 * with the management interface, else the first VDU instance. */
const json_t *slc_ns_mgmt_vdur(const json_t *vnfd, const json_t *vnfr);
/* Appends the day-1 steps of an instantiation to 'steps': each VDU's
 * initial-config-primitives in seq order once its compute is up, then the
 * VNF's once all its VDUs' are.  'placed' maps a VDU record's _id to
 * {compute: k, ip: k} (the plan's compute step and the port step whose
 * address is its management address).  SLC_EINVALID for a parameter
 * the instantiation does not give, SLC_EUNSUPPORTED for a Juju or Helm
 * environment: nothing is planned then. */
int slc_ns_plan_day1(const json_t *vnfds, const json_t *nsr,
                     const json_t *vnfrs, const json_t *params,
                     const json_t *placed, json_t *steps,
                     struct slc_error *err);
/* Appends the terminate-config-primitives of every deployed VNF to
 * 'steps' (VNF level, then each VDU's), their last step indices to
 * 'runs' (what the deletes wait for). */
int slc_ns_plan_terminate_primitives(const json_t *vnfds, const json_t *nsr,
                                     const json_t *vnfrs, json_t *steps,
                                     json_t *runs, struct slc_error *err);
/* Appends the steps of a day-2 action 'req' (OSM's ns_action body:
 * primitive, primitive_params, member_vnf_index, vdu_id, vdu_count_index,
 * timeout_ns_action): one VNF or VDU config-primitive, or, without
 * member_vnf_index, the VNF primitives of NS primitive 'primitive' of
 * 'nsd' (ns-configuration.config-primitive[].vnf-primitive-group) in
 * order.  SLC_EINVALID for an unknown primitive, VNF or VDU instance, an
 * unknown or missing mandatory parameter or one of the wrong type;
 * SLC_EUNSUPPORTED for an environment slicer does not run. */
int slc_ns_plan_action(const json_t *vnfds, const json_t *nsd,
                       const json_t *nsr, const json_t *vnfrs,
                       const json_t *req, json_t *steps,
                       struct slc_error *err);

#endif

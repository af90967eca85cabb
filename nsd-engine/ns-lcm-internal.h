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

/* A plan step (engine.h) as a new JSON object, PENDING; 'spec', 'deps'
 * and 'for_' are stolen (NULL: empty). */
json_t *slc_ns_new_step(const char *action, const char *kind,
                        const char *vim, const char *tag, const char *name,
                        json_t *spec, json_t *deps, json_t *for_);

/* ---- primitives (ns-primitives.c) ---- */

/* The VNFD documents of 'vnfrs' by _id (a new object; PNFs have none). */
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

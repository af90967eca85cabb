/* What the onosof driver's files share (sdn-onosof.c: the driver;
 * sdn-onosof-json.c: ONOS's JSON of its flows and groups).  Not for use
 * outside them. */
#ifndef SLC_SDN_ONOSOF_INTERNAL_H
#define SLC_SDN_ONOSOF_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sdn-rest-driver.h"

#define ONOSOF_APP_ID "slicer"
#define COOKIE_TAG "0x51ce"

/* The group id of one of the driver's appCookies, else 0. */
uint32_t onosof_cookie_group(const char *s);
/* An integer, or the number a text starts with (Jackson's asLong; "0x"
 * hex for an ethernet type). */
long long onosof_as_long(const json_t *v);
/* The flows of a GET flows/<id> reply (NULL: none) by key: key ->
 * {"id": ID, "treatment": T}; and into 'ids' (an object, may be NULL) id
 * -> {"state", "packets", "bytes"}. */
json_t *onosof_index_flows(const json_t *body, json_t *ids);
/* Flow 'id' of 'ids' (as onosof_index_flows() fills it) is on the switch:
 * ONOS says ADDED (PENDING_ADD: it is (re)installing it). */
bool onosof_flow_live(const json_t *ids, const char *id);
/* The id of the flow of 'index' that is 'flow' (same key; same treatment
 * when 'exact'), or NULL. */
const char *onosof_find_flow(const json_t *index, const json_t *flow,
                             bool exact);
/* The flows/<id> body of a rule (of program 'program', or a service's:
 * 0); NULL with '*bad_port' set when the device lacks one of its ports. */
json_t *onosof_rule_flow(const json_t *rule, uint32_t program,
                         const json_t *ports, const char **bad_port);
/* A service's rule 'n' as a flow (slc_sdn_rest_build_flows's callback). */
json_t *onosof_flow_of(struct slc_sdn_rest_op *op, size_t n,
                       const json_t *rule, const json_t *ports,
                       const char **bad_port);
/* The groups/<id> body of group 'g' of the checked program 'program';
 * NULL with '*bad_port' set when the device lacks one of its ports. */
json_t *onosof_group_body(const json_t *g, uint32_t program,
                          const json_t *ports, const char **bad_port);

#endif

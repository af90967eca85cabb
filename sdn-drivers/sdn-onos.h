/* What the two ONOS drivers share: ONOS's device ids, the device of a
 * controller's list, port names.  Not for use outside sdn-drivers/. */
#ifndef SLC_SDN_ONOS_H
#define SLC_SDN_ONOS_H

#include <jansson.h>
#include <stdint.h>

#include "sdn-rest-driver.h"

/* "of:<16 hex digits>" of 'dpid' into 'buf'; returns 'buf'. */
const char *slc_sdn_onos_device(uint64_t dpid, char *buf, size_t size);
/* The device of a GET /onos/v1/devices reply 'body': the one of dpid
 * '*configured' (NULL: none configured) when it is listed, else the only
 * device, whose dpid goes into '*dpid'.  0, or fails 'op' and returns
 * an SLC_E* code. */
int slc_sdn_onos_pick(struct slc_sdn_rest_op *op, const json_t *body,
                           const uint64_t *configured, uint64_t *dpid);
/* The number (text) of switch_port 's' in the "ports" of a GET
 * /onos/v1/devices/<id>/ports reply: a port name (annotations.portName),
 * or a decimal number the device has; NULL when none.  Borrowed. */
const char *slc_sdn_onos_port(const json_t *ports, const char *s);

#endif

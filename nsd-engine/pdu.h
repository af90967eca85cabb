/* Physical deployment units (PDUs): binding the VDUs that are physical
 * devices (VNFD vdu "pdu-type", and the PNFs of an NSD's pnf-profile) to
 * PDUs registered through /osm/pdu/v1/pdu_descriptors, as OSM's NBI does
 * (_look_for_pdu), and giving them back. */
#ifndef SLC_PDU_H
#define SLC_PDU_H

#include <jansson.h>

#include "slc-error.h"
#include "slc-store.h"

/* Binds every VDU record of 'vnfrs' that has a "pdu-type" and no "pdu-id"
 * to a PDU that scope 'sc' (the NS's project) may use and that is usable
 * from VIM account 'vim_id': same type, listed for that
 * account, ENABLED and NOT_IN_USE, with an interface of each of the VDU's
 * interface names (the first such PDU by name).  The VDU gets "pdu-id"
 * and its interfaces the PDU interface's address, MAC, name (compute_node)
 * and switch port; the PDU gets usageState IN_USE and _admin.usage.  All
 * or nothing, inside the caller's transaction: when a VDU finds no PDU,
 * nothing is changed and the error (SLC_EBUSY) is OSM's "No PDU of
 * type=... found ...". */
int slc_pdu_bind(struct slc_store *st, const struct slc_scope *sc,
                 const char *vim_id, const char *nsr_id, json_t *vnfrs,
                 struct slc_error *err);

/* Gives back the PDUs bound to NS 'nsr_id' (usageState NOT_IN_USE) and,
 * when 'vnfrs' is not NULL, clears the binding from its VDU records. */
int slc_pdu_release(struct slc_store *st, const char *nsr_id, json_t *vnfrs,
                    struct slc_error *err);

#endif

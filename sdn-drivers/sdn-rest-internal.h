/* What sdn-rest-driver.c and sdn-rest-program.c (its forwarding
 * programs) share.  Not for use elsewhere. */
#ifndef SLC_SDN_REST_INTERNAL_H
#define SLC_SDN_REST_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sdn-rest-driver.h"

/* The driver of an instance (its first member). */
struct slc_sdn_rest_driver *slc_sdn_rest_drv_of(struct slc_sdn *sdn);
/* A new operation of the driver's op_size, or NULL with 'err' set; frees
 * one; queues one (it runs when those before it are done). */
struct slc_sdn_rest_op *slc_sdn_rest_new_op(struct slc_sdn_rest_driver *drv,
                                            enum slc_sdn_rest_kind kind,
                                            uint64_t token,
                                            const char *service_id,
                                            struct slc_error *err);
void slc_sdn_rest_free_op(struct slc_sdn_rest_op *op);
void slc_sdn_rest_submit(struct slc_sdn_rest_op *op);
/* The key a kept program has among the kept entries. */
void slc_sdn_rest_program_key(uint32_t id, char *buf, size_t size);
/* Whether 's' is in the NULL-terminated 'list'. */
bool slc_sdn_rest_listed(const char *const *list, const char *s);

#endif

/* What sdn-ovs.c asks of sdn-ovs-encode.c: a program as OpenFlow
 * messages.  Not for use elsewhere. */
#ifndef SLC_SDN_OVS_ENCODE_H
#define SLC_SDN_OVS_ENCODE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ofp.h"

#define COOKIE_TAG (0x51ceull << 48)
#define COOKIE_ALL (0xffffull << 48)
#define COOKIE_PROGRAM (~0xffffull)

struct slc_ovs_encoder {
    uint32_t id;
    char what[40];            /* "program N" or "service ovs-..." */
    const json_t *ports;      /* name -> ofport */
    json_t *used;             /* the names it looked up, with their number */
    bool missing_port;        /* a name the switch has no number for */
    char error[300];
    /* what it encoded, for audits (the caller frees the arrays) */
    size_t n_rules, n_groups;
    struct slc_of_match *matches;
    uint16_t *priorities;
};

/* Appends to 'b' the messages that replace program e->id by 'prog' (NULL:
 * only remove), deleting 'old_groups' groups first.  0, or -1 with
 * e->error (and e->missing_port when a port has no number yet). */
int slc_ovs_encode_program(struct slc_ovs_encoder *e, const json_t *prog,
                           size_t old_groups, struct slc_ofp_buf *b);

#endif

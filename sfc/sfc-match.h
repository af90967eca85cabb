/* Classifier matches of service function chains: the 5-tuple a chain's
 * classifier selects traffic by (descriptors.md section 7, sdn-sfc-ovs.md
 * section 3).  Parsed and checked here once, so that the descriptor checks
 * and, later, the OpenFlow rendering agree on what a match means. */
#ifndef SLC_SFC_MATCH_H
#define SLC_SFC_MATCH_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "slc-error.h"

struct slc_ip_prefix {
    int family; /* AF_INET or AF_INET6 */
    union {
        struct in_addr v4;
        struct in6_addr v6;
    } addr;
    unsigned len; /* prefix length; 32/128 when the text gave none */
};

/* Parses "10.0.0.1", "10.0.0.0/24", "2001:db8::/32".  Host bits beyond the
 * prefix must be zero.  SLC_EINVALID with a message naming the text. */
int slc_ip_prefix_parse(const char *text, struct slc_ip_prefix *out,
                        struct slc_error *err);

/* True when the two prefixes share an address. */
bool slc_ip_prefix_overlap(const struct slc_ip_prefix *a,
                           const struct slc_ip_prefix *b);

/* IP protocol numbers a classifier may name: any (0) or 1..255.  Ports are
 * meaningful only with TCP (6), UDP (17) and SCTP (132). */
bool slc_ip_proto_has_ports(unsigned proto);

#endif

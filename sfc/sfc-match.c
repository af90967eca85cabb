/* Classifier match parsing.  See sfc-match.h. */
#include "sfc-match.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool
host_bits_zero(const uint8_t *bytes, unsigned size, unsigned len)
{
    for (unsigned bit = len; bit < size * 8; bit++) {
        if (bytes[bit / 8] & (0x80 >> (bit % 8))) {
            return false;
        }
    }
    return true;
}

int
slc_ip_prefix_parse(const char *text, struct slc_ip_prefix *out,
                    struct slc_error *err)
{
    char addr[INET6_ADDRSTRLEN + 1];
    const char *slash = strchr(text, '/');
    size_t alen = slash ? (size_t)(slash - text) : strlen(text);
    unsigned max;

    memset(out, 0, sizeof *out);
    if (alen >= sizeof addr) {
        return slc_error_set(err, SLC_EINVALID,
                             "'%.64s' is not an IP address", text);
    }
    memcpy(addr, text, alen);
    addr[alen] = '\0';
    if (inet_pton(AF_INET, addr, &out->addr.v4) == 1) {
        out->family = AF_INET;
        max = 32;
    } else if (inet_pton(AF_INET6, addr, &out->addr.v6) == 1) {
        out->family = AF_INET6;
        max = 128;
    } else {
        return slc_error_set(err, SLC_EINVALID,
                             "'%.64s' is not an IP address", text);
    }
    out->len = max;
    if (slash) {
        char *end;
        unsigned long len = strtoul(slash + 1, &end, 10);

        if (!slash[1] || *end || len > max) {
            return slc_error_set(err, SLC_EINVALID,
                                 "'%.64s': prefix length must be 0..%u",
                                 text, max);
        }
        out->len = (unsigned)len;
    }
    if (!host_bits_zero((const uint8_t *)&out->addr, max / 8, out->len)) {
        return slc_error_set(err, SLC_EINVALID,
                             "'%.64s': address has bits set beyond the "
                             "/%u prefix",
                             text, out->len);
    }
    return 0;
}

bool
slc_ip_prefix_overlap(const struct slc_ip_prefix *a,
                      const struct slc_ip_prefix *b)
{
    const uint8_t *x = (const uint8_t *)&a->addr;
    const uint8_t *y = (const uint8_t *)&b->addr;
    unsigned len = a->len < b->len ? a->len : b->len;

    if (a->family != b->family) {
        return false;
    }
    for (unsigned bit = 0; bit < len; bit++) {
        uint8_t m = (uint8_t)(0x80 >> (bit % 8));

        if ((x[bit / 8] & m) != (y[bit / 8] & m)) {
            return false;
        }
    }
    return true;
}

bool
slc_ip_proto_has_ports(unsigned proto)
{
    return proto == 6 || proto == 17 || proto == 132;
}

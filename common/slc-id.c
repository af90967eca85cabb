/* UUID v4 generation (RFC 9562 section 5.4) from getrandom(2). */
#include "slc-id.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "slc-error.h"

int
slc_random_bytes(void *buf, size_t size)
{
    size_t got = 0;

    while (got < size) {
        ssize_t n = getrandom((uint8_t *)buf + got, size - got, 0);

        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return SLC_EIO;
        }
        got += (size_t)n;
    }
    return 0;
}

int
slc_random_hex(char *out, size_t n_bytes)
{
    uint8_t b[64];

    if (n_bytes > sizeof b || slc_random_bytes(b, n_bytes)) {
        return SLC_EIO;
    }
    for (size_t i = 0; i < n_bytes; i++) {
        snprintf(out + 2 * i, 3, "%02x", b[i]);
    }
    return 0;
}

int
slc_uuid4(char out[SLC_UUID_STR_SIZE])
{
    uint8_t b[16];

    if (slc_random_bytes(b, sizeof b)) {
        return SLC_EIO;
    }
    b[6] = (uint8_t)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (uint8_t)((b[8] & 0x3f) | 0x80); /* variant 10 */
    snprintf(out, SLC_UUID_STR_SIZE,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
             "%02x%02x%02x%02x%02x%02x",
             b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9],
             b[10], b[11], b[12], b[13], b[14], b[15]);
    return 0;
}

bool
slc_uuid_is_valid(const char *s)
{
    static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";

    if (strlen(s) != sizeof shape - 1) {
        return false;
    }
    for (size_t i = 0; shape[i]; i++) {
        if (shape[i] == '-' ? s[i] != '-'
                            : !isxdigit((unsigned char)s[i])) {
            return false;
        }
    }
    return true;
}

uint64_t
slc_fnv1a64(uint64_t hash, const char *s)
{
    for (; *s; s++) {
        hash = (hash ^ (unsigned char)*s) * 1099511628211ULL;
    }
    return hash;
}

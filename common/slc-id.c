/* UUIDs v4 and v7 (RFC 9562 sections 5.4 and 5.7) from getrandom(2). */
#include "slc-id.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

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

/* Randomness drawn ahead for UUIDs, which are names, not secrets (those
 * take slc_random_bytes each time): one getrandom(2) per 32 UUIDs instead
 * of one each.  Per thread, and dropped in a forked child so that parent
 * and child never hand out the same bytes. */
static _Thread_local uint8_t pool[512];
static _Thread_local size_t pool_left;
static pthread_once_t pool_once = PTHREAD_ONCE_INIT;

static void
drop_pool(void)
{
    pool_left = 0;
}

static void
watch_forks(void)
{
    pthread_atfork(NULL, NULL, drop_pool);
}

/* 16 random bytes from the pool, or NULL when the kernel gave none. */
static const uint8_t *
pool_take(void)
{
    pthread_once(&pool_once, watch_forks);
    if (pool_left < 16) {
        if (slc_random_bytes(pool, sizeof pool)) {
            return NULL;
        }
        pool_left = sizeof pool;
    }
    pool_left -= 16;
    return pool + pool_left;
}

/* 'b' with its version and variant as the UUID text 'out'. */
static void
uuid_text(const uint8_t b[16], int version, char out[SLC_UUID_STR_SIZE])
{
    static const char hex[] = "0123456789abcdef";
    char *o = out;

    for (int i = 0; i < 16; i++) {
        uint8_t x = b[i];

        if (i == 6) {
            x = (uint8_t)((x & 0x0f) | version << 4);
        } else if (i == 8) {
            x = (uint8_t)((x & 0x3f) | 0x80); /* variant 10 */
        }
        if (i == 4 || i == 6 || i == 8 || i == 10) {
            *o++ = '-';
        }
        *o++ = hex[x >> 4];
        *o++ = hex[x & 15];
    }
    *o = '\0';
}

int
slc_uuid4(char out[SLC_UUID_STR_SIZE])
{
    const uint8_t *b = pool_take();

    if (!b) {
        return SLC_EIO;
    }
    uuid_text(b, 4, out);
    return 0;
}

int
slc_uuid7(char out[SLC_UUID_STR_SIZE])
{
    const uint8_t *rnd = pool_take();
    struct timespec ts;
    uint64_t ms;
    unsigned frac;
    uint8_t b[16];

    if (!rnd) {
        return SLC_EIO;
    }
    clock_gettime(CLOCK_REALTIME, &ts);
    ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
    /* the rest of the millisecond in 4096ths */
    frac = (unsigned)((uint64_t)(ts.tv_nsec % 1000000) * 4096 / 1000000);
    memcpy(b, rnd, sizeof b);
    for (int i = 0; i < 6; i++) {
        b[i] = (uint8_t)(ms >> (40 - 8 * i));
    }
    b[6] = (uint8_t)(frac >> 8); /* its high nibble becomes the version */
    b[7] = (uint8_t)frac;
    uuid_text(b, 7, out);
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

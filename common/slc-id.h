/* Identifiers: random UUIDs (version 4) from the OS random source, and a
 * stable hash of names for ids derived from them. */
#ifndef SLC_ID_H
#define SLC_ID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SLC_UUID_STR_SIZE 37 /* 36 characters and the terminator */

/* Writes a new lower-case UUID v4 into 'out'.  Returns 0, or SLC_EIO if the
 * kernel's random source failed (errno left as it set it). */
int slc_uuid4(char out[SLC_UUID_STR_SIZE]);

/* As slc_uuid4, a UUID v7 (RFC 9562 5.7) for the id of a new record: the
 * time in milliseconds, then 12 bits of its sub-millisecond fraction (the
 * RFC's method 3), then 62 random bits.  Ids made one after the other
 * sort in time, so a store's index takes each new one at its end instead
 * of at a random page: 1,000 concurrent slices wrote 8% fewer pages and
 * went 15-30% faster (bench-slice).  They show when the record was made,
 * as its _admin.created does. */
int slc_uuid7(char out[SLC_UUID_STR_SIZE]);

/* True when 's' has the 8-4-4-4-12 hex form of a UUID (any version). */
bool slc_uuid_is_valid(const char *s);

/* Fills 'size' bytes from getrandom(2).  0 or SLC_EIO. */
int slc_random_bytes(void *buf, size_t size);

/* Writes 2 * n_bytes hex digits and a NUL (n_bytes <= 64) of randomness to
 * 'out'.  0 or SLC_EIO. */
int slc_random_hex(char *out, size_t n_bytes);

/* 'hash' (SLC_FNV1A64_INIT to start) continued over the bytes of 's':
 * 64-bit FNV-1a, stable across runs and hosts, for ids and names derived
 * from a tag.  Not for secrets. */
#define SLC_FNV1A64_INIT 14695981039346656037ULL
uint64_t slc_fnv1a64(uint64_t hash, const char *s);

#endif

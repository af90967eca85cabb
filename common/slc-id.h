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

/* A bump allocator: many small allocations freed at once.
 *
 * Parsed descriptors live in one arena each, so that a model with hundreds
 * of strings and structs is built with a handful of malloc() calls and freed
 * with one call. */
#ifndef SLC_ARENA_H
#define SLC_ARENA_H

#include <stddef.h>

#include "slc-error.h"

struct slc_arena_chunk;

struct slc_arena {
    struct slc_arena_chunk *head; /* newest chunk, NULL when empty */
};

#define SLC_ARENA_INIT {NULL}

/* Returns 'size' zeroed bytes aligned for any type, or NULL when out of
 * memory.  The memory belongs to the arena. */
void *slc_arena_alloc(struct slc_arena *a, size_t size);

/* Like slc_arena_alloc() for 'n' elements of 'size' bytes (overflow-safe). */
void *slc_arena_calloc(struct slc_arena *a, size_t n, size_t size);

/* Copies 's' into the arena; NULL when out of memory. */
char *slc_arena_strdup(struct slc_arena *a, const char *s);

/* Formats into the arena; NULL when out of memory. */
char *slc_arena_printf(struct slc_arena *a, const char *fmt, ...)
    SLC_PRINTF(2, 3);

/* Frees everything allocated from 'a'; 'a' may be reused.  Accepts NULL. */
void slc_arena_free(struct slc_arena *a);

#endif

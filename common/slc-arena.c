/* Bump allocator.  See slc-arena.h. */
#include "slc-arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_MIN 8192
#define ALIGN _Alignof(max_align_t)

struct slc_arena_chunk {
    struct slc_arena_chunk *next;
    size_t size; /* usable bytes in data */
    size_t used;
    _Alignas(max_align_t) unsigned char data[];
};

void *
slc_arena_alloc(struct slc_arena *a, size_t size)
{
    struct slc_arena_chunk *c = a->head;
    size_t rounded = (size + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    void *p;

    if (rounded < size) {
        return NULL;
    }
    if (!c || c->size - c->used < rounded) {
        size_t want = rounded > CHUNK_MIN ? rounded : CHUNK_MIN;

        if (c && c->size < 1u << 20 && want < c->size * 2) {
            want = c->size * 2;
        }
        c = malloc(sizeof *c + want);
        if (!c) {
            return NULL;
        }
        c->next = a->head;
        c->size = want;
        c->used = 0;
        a->head = c;
    }
    p = c->data + c->used;
    c->used += rounded;
    memset(p, 0, size);
    return p;
}

void *
slc_arena_calloc(struct slc_arena *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) {
        return NULL;
    }
    return slc_arena_alloc(a, n * size);
}

char *
slc_arena_strdup(struct slc_arena *a, const char *s)
{
    size_t len = strlen(s);
    char *p = slc_arena_alloc(a, len + 1);

    if (p) {
        memcpy(p, s, len + 1);
    }
    return p;
}

char *
slc_arena_printf(struct slc_arena *a, const char *fmt, ...)
{
    va_list ap;
    char *p;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return NULL;
    }
    p = slc_arena_alloc(a, (size_t)n + 1);
    if (p) {
        va_start(ap, fmt);
        vsnprintf(p, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    return p;
}

void
slc_arena_free(struct slc_arena *a)
{
    if (!a) {
        return;
    }
    while (a->head) {
        struct slc_arena_chunk *next = a->head->next;

        free(a->head);
        a->head = next;
    }
}

/* Parsed documents kept by their text (slc-doc-cache.h).
 *
 * A fixed table of SLOTS entries, each record hashed to one slot (a
 * record that collides with another replaces it).  The catalogue a daemon
 * reads on every operation is a few dozen records, well under SLOTS. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slc-doc-cache.h"

#define SLOTS 256

struct slot {
    const char *coll; /* one of the cache's own strings; NULL: empty */
    char *id;
    char *text;
    size_t len;
    json_t *doc;
};

struct slc_doc_cache {
    char **colls; /* NULL-terminated */
    struct slot slots[SLOTS];
    size_t hits, misses;
};

struct slc_doc_cache *
slc_doc_cache_new(const char *const *colls)
{
    struct slc_doc_cache *c = calloc(1, sizeof *c);
    size_t n = 0;

    while (colls && colls[n]) {
        n++;
    }
    if (c && !(c->colls = calloc(n + 1, sizeof *c->colls))) {
        free(c);
        return NULL;
    }
    for (size_t i = 0; c && i < n; i++) {
        if (!(c->colls[i] = strdup(colls[i]))) {
            slc_doc_cache_free(c);
            return NULL;
        }
    }
    return c;
}

static void
slot_clear(struct slot *s)
{
    free(s->id);
    free(s->text);
    json_decref(s->doc);
    memset(s, 0, sizeof *s);
}

void
slc_doc_cache_free(struct slc_doc_cache *c)
{
    if (!c) {
        return;
    }
    for (size_t i = 0; i < SLOTS; i++) {
        slot_clear(&c->slots[i]);
    }
    for (size_t i = 0; c->colls[i]; i++) {
        free(c->colls[i]);
    }
    free(c->colls);
    free(c);
}

/* The cache's own copy of 'coll' when it keeps that collection. */
static const char *
kept_coll(const struct slc_doc_cache *c, const char *coll)
{
    for (size_t i = 0; c->colls[i]; i++) {
        if (!strcmp(c->colls[i], coll)) {
            return c->colls[i];
        }
    }
    return NULL;
}

/* FNV-1a over the collection and the id. */
static size_t
slot_of(const char *coll, const char *id)
{
    uint32_t h = 2166136261u;

    for (const char *p = coll; *p; p++) {
        h = (h ^ (unsigned char)*p) * 16777619u;
    }
    h = (h ^ '/') * 16777619u;
    for (const char *p = id; *p; p++) {
        h = (h ^ (unsigned char)*p) * 16777619u;
    }
    return h % SLOTS;
}

json_t *
slc_doc_cache_load(struct slc_doc_cache *c, const char *coll,
                   const char *id, const char *text, size_t len,
                   size_t flags, json_error_t *jerr)
{
    const char *own = c && coll && id ? kept_coll(c, coll) : NULL;
    struct slot *s = own ? &c->slots[slot_of(coll, id)] : NULL;
    json_t *doc;

    if (s && s->coll == own && s->len == len && !strcmp(s->id, id) &&
        !memcmp(s->text, text, len)) {
        c->hits++;
        doc = json_deep_copy(s->doc);
        if (!doc) {
            snprintf(jerr->text, sizeof jerr->text, "out of memory");
        }
        return doc;
    }
    doc = json_loadb(text, len, flags, jerr);
    if (!s || !doc) {
        return doc;
    }
    c->misses++;
    slot_clear(s);
    s->id = strdup(id);
    s->text = malloc(len ? len : 1);
    s->doc = json_deep_copy(doc);
    if (!s->id || !s->text || !s->doc) {
        slot_clear(s); /* only the cache loses: the reader has its tree */
        return doc;
    }
    memcpy(s->text, text, len);
    s->len = len;
    s->coll = own;
    return doc;
}

void
slc_doc_cache_counts(const struct slc_doc_cache *c, size_t *hits,
                     size_t *misses)
{
    *hits = c ? c->hits : 0;
    *misses = c ? c->misses : 0;
}

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
#include "slc-json.h"

#define SLOTS 256
#define ONCE_SLOTS 64 /* records written to be read back once */

struct slot {
    char *coll;
    char *id;
    char *text;
    size_t len;
    json_t *doc;
};

struct slc_doc_cache {
    char **colls; /* NULL-terminated */
    struct slot slots[SLOTS];
    struct slot once[ONCE_SLOTS];
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
    free(s->coll);
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
    for (size_t i = 0; i < ONCE_SLOTS; i++) {
        slot_clear(&c->once[i]);
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
static uint32_t
hash_of(const char *coll, const char *id)
{
    uint32_t h = 2166136261u;

    for (const char *p = coll; *p; p++) {
        h = (h ^ (unsigned char)*p) * 16777619u;
    }
    h = (h ^ '/') * 16777619u;
    for (const char *p = id; *p; p++) {
        h = (h ^ (unsigned char)*p) * 16777619u;
    }
    return h;
}

/* The slot of record 'id' of 'coll'; NULL when the cache does not keep
 * that collection. */
static struct slot *
slot_of(struct slc_doc_cache *c, const char *coll, const char *id)
{
    return c && coll && id && kept_coll(c, coll)
               ? &c->slots[hash_of(coll, id) % SLOTS]
               : NULL;
}

/* The one-time slot of record 'id' of 'coll' (slc_doc_cache_wrote_once). */
static struct slot *
once_of(struct slc_doc_cache *c, const char *coll, const char *id)
{
    return &c->once[hash_of(coll, id) % ONCE_SLOTS];
}

/* Whether slot 's' holds record 'id' of 'coll' as 'text' (an empty slot
 * has no document). */
static bool
holds(const struct slot *s, const char *coll, const char *id,
      const char *text, size_t len)
{
    return s->doc && s->len == len && !strcmp(s->coll, coll) &&
           !strcmp(s->id, id) && !memcmp(s->text, text, len);
}

/* The sanitizer builds (the tests) check that no reader changed a
 * document it was given shared (slc_doc_cache_load 'shared'). */
#if defined(__SANITIZE_ADDRESS__)
#define CHECK_SHARED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CHECK_SHARED 1
#endif
#endif

static void
check_unchanged(const struct slot *s)
{
#ifdef CHECK_SHARED
    json_error_t jerr;
    json_t *stored = slc_json_load(s->text, s->len, &jerr);

    if (stored && !json_equal(stored, s->doc)) {
        fprintf(stderr, "doc cache: %s '%s' was changed by a reader it was "
                        "given shared, or by the writer that gave it\n",
                s->coll, s->id);
        abort();
    }
    json_decref(stored);
#else
    (void)s;
#endif
}

/* Keeps 'text' (taken) and 'doc' (a reference taken) in slot 's'. */
static void
slot_fill(struct slot *s, const char *coll, const char *id, char *text,
          size_t len, json_t *doc)
{
    slot_clear(s);
    s->coll = strdup(coll);
    s->id = strdup(id);
    s->text = text;
    s->len = len;
    s->doc = doc;
    if (!s->coll || !s->id || !s->doc) {
        slot_clear(s); /* only the cache loses */
    }
}

json_t *
slc_doc_cache_load(struct slc_doc_cache *c, const char *coll,
                   const char *id, const char *text, size_t len,
                   bool shared, json_error_t *jerr)
{
    struct slot *s = slot_of(c, coll, id);
    struct slot *o = c && coll && id ? once_of(c, coll, id) : NULL;
    json_t *doc;
    char *own;

    if (o && holds(o, coll, id, text, len)) {
        /* kept for one reader: this one (its writer may have given its
         * own tree: the sanitizer builds check it kept its promise) */
        c->hits++;
        check_unchanged(o);
        doc = o->doc;
        o->doc = NULL;
        slot_clear(o);
        return doc;
    }
    if (s && holds(s, coll, id, text, len)) {
        c->hits++;
        check_unchanged(s);
        if (!(doc = shared ? json_incref(s->doc) : json_deep_copy(s->doc))) {
            snprintf(jerr->text, sizeof jerr->text, "out of memory");
        }
        return doc;
    }
    doc = slc_json_load(text, len, jerr);
    if (s && doc) {
        c->misses++;
        if ((own = malloc(len ? len : 1))) {
            memcpy(own, text, len);
            slot_fill(s, coll, id, own, len,
                      shared ? json_incref(doc) : json_deep_copy(doc));
        }
    }
    return doc;
}

void
slc_doc_cache_wrote(struct slc_doc_cache *c, const char *coll,
                    const char *id, char *text, size_t len,
                    const json_t *doc)
{
    struct slot *s = slot_of(c, coll, id);

    if (!s) {
        free(text);
        return;
    }
    slot_fill(s, coll, id, text, len, json_deep_copy(doc));
}

void
slc_doc_cache_wrote_once(struct slc_doc_cache *c, const char *coll,
                         const char *id, char *text, size_t len,
                         const json_t *doc, bool as_is)
{
    if (!c || slot_of(c, coll, id)) {
        /* a read-mostly record is kept for every reader anyway */
        slc_doc_cache_wrote(c, coll, id, text, len, doc);
        return;
    }
    slot_fill(once_of(c, coll, id), coll, id, text, len,
              as_is ? json_incref((json_t *)doc) : json_deep_copy(doc));
}

void
slc_doc_cache_counts(const struct slc_doc_cache *c, size_t *hits,
                     size_t *misses)
{
    *hits = c ? c->hits : 0;
    *misses = c ? c->misses : 0;
}

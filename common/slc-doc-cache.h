/* Parsed documents kept by their text, for records that are read again and
 * again unchanged (descriptors, accounts, roles).
 *
 * jansson parses a document at about 15 ns a byte and copies a parsed one
 * four to five times faster; yajl's parser (slc_json_load, used here) is
 * about 2.5 times faster than jansson's, and copying still wins.  A store
 * backend hands here each record's text when it reads one, and the text
 * and the document when it writes one.  For a collection the cache keeps, the tree is kept with its text,
 * and a reader whose stored text is the same gets a copy of it.  Validity
 * is the text itself, compared byte for byte, so nothing depends on
 * revisions, on transactions that rolled back or on who wrote the record.
 * Readers get a tree of their own and may change it, but for those that
 * only read and say so (slc_store_get_shared), who share the cache's.
 *
 * Only for read-mostly collections: a copy at every write of the records
 * operations write (NSRs, operations) cost more than the parses it saved
 * (callgrind, bench-slice: +300M Ir of copies for -161M of parsing).
 * A writer that will read a record back soon says so (slc_record.reread),
 * and that one record is kept for its next reader only. */
#ifndef SLC_DOC_CACHE_H
#define SLC_DOC_CACHE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct slc_doc_cache;

/* A cache for the collections named in 'colls' (NULL-terminated; the
 * strings are copied).  NULL when out of memory. */
struct slc_doc_cache *slc_doc_cache_new(const char *const *colls);
/* Accepts NULL. */
void slc_doc_cache_free(struct slc_doc_cache *c);

/* The document 'text' ('len' bytes) of record 'id' of 'coll', as a new
 * tree the caller owns (read by slc_json_load).  With 'shared', a
 * read-mostly record's tree may be the cache's own, for a caller that
 * will not change it (slc_store_get_shared); the sanitizer builds check
 * that none did.  'c' may be NULL (parse only).  NULL with 'jerr' filled
 * when the text is not a JSON object or array, or out of memory. */
json_t *slc_doc_cache_load(struct slc_doc_cache *c, const char *coll,
                           const char *id, const char *text, size_t len,
                           bool shared, json_error_t *jerr);

/* Record 'id' of 'coll' was written (its transaction may still roll
 * back) as 'text' ('len' bytes, taken: kept or freed here) from 'doc'
 * (copied when kept).  'c' may be NULL. */
void slc_doc_cache_wrote(struct slc_doc_cache *c, const char *coll,
                         const char *id, char *text, size_t len,
                         const json_t *doc);

/* As slc_doc_cache_wrote, for a record its writer will read back soon (a
 * new NS's records, read again by the operation that follows): a copy of
 * 'doc' is kept for the next reader of that text, whatever the collection,
 * and handed to that one reader (copying a tree costs about a fifth of
 * parsing its text).  With 'as_is', 'doc' itself (a reference) instead
 * of a copy, for a writer that is done with it (slc_record.give).  A few
 * such records are kept at a time, apart from the read-mostly ones. */
void slc_doc_cache_wrote_once(struct slc_doc_cache *c, const char *coll,
                              const char *id, char *text, size_t len,
                              const json_t *doc, bool as_is);

/* Hits and misses so far (for tests and benchmarks). */
void slc_doc_cache_counts(const struct slc_doc_cache *c, size_t *hits,
                          size_t *misses);

#endif

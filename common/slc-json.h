/* Documents as compact JSON text, written by yajl's generator.
 *
 * jansson's json_dumps costs about 100 instructions a byte: it checks
 * the UTF-8 of every string one character at a time and, for each object
 * and array, prints the container's address into a hashtable to detect
 * loops.  On the concurrent slice round that was 44% of slicerd's
 * instructions (callgrind, bench-slice), nearly all of it writing
 * records.  yajl's generator escapes a string in one pass.  jansson
 * still holds every document; this only writes one out.
 *
 * The text is what json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) gives:
 * the same key order, separators, number formats and escapes, bar two
 * forms of reals, which read back as the same double all the same: a real
 * in whole millionths is written with no more digits than it needs
 * ("1796455144.673459" where jansson writes "1796455144.6734589"), and
 * exponents keep printf's form ("1e+300" where jansson writes "1e300").
 * A value yajl refuses (deeper than its 128 levels, a loop) is handed to
 * json_dumps instead, so what can be written is the same as before. */
#ifndef SLC_JSON_H
#define SLC_JSON_H

#include <jansson.h>
#include <stddef.h>

/* 'v' as compact JSON text, NUL-terminated, for the caller to free();
 * its length in '*len' when 'len' is not NULL (0 without text).  NULL
 * when 'v' is NULL, cannot be written (a loop), or out of memory. */
char *slc_json_text(const json_t *v, size_t *len);

/* The object or array 'text' ('len' bytes) holds, read with yajl's
 * parser, as json_loadb(text, len, 0, jerr) reads it.  NULL with 'jerr'
 * filled (its text and position; 'jerr' may be NULL) when it is not JSON,
 * nests deeper than 2048, holds a \u0000 or a number out of range, or out
 * of memory. */
json_t *slc_json_load(const char *text, size_t len, json_error_t *jerr);

/* Now, in epoch seconds in whole microseconds: the times records hold
 * (OSM's form), which slc_json_text writes exactly with few instructions. */
double slc_json_epoch_now(void);

#endif

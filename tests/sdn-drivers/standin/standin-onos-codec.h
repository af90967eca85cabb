/* ONOS's JSON codecs as the ONOS stand-in decodes flow rules and group
 * buckets with them (standin-onos-codec.c), shared with standin-onos.c,
 * which serves the REST API.  Not for use elsewhere. */
#ifndef SLC_STANDIN_ONOS_CODEC_H
#define SLC_STANDIN_ONOS_CODEC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "standin.h"

/* A decoding: the switch flow it builds, and where its error goes. */
struct decode {
    struct standin_flow *flow;
    char *err;
    size_t errsize;
};

/* Jackson's asLong() (numbers, numeric text, else 0), asBoolean(), and
 * asText() for the scalar members ONOS reads as text. */
long long onos_as_long(const json_t *v);
bool onos_as_bool(const json_t *v);
const char *onos_as_text(const json_t *v, char *buf, size_t size);
/* Writes ONOS's error text into d->err; -1. */
int onos_fail(struct decode *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* One treatment instruction into d->flow, its ONOS encoding appended to
 * 'out'; -1 with the error. */
int onos_decode_instruction(const json_t *i, struct decode *d, json_t *out);
/* Decodes selector and treatment of a flow rule body into flow, and their
 * ONOS encodings into *selector and *treatment (new references). */
int onos_decode_match_actions(const json_t *body, struct standin_flow *flow,
                              json_t **selector, json_t **treatment,
                              char *err, size_t errsize);

#endif

/* Writing jansson values as YAML, for REST clients that ask for YAML (OSM's
 * NBI answers in YAML by default).
 *
 * The reader side is slc-yaml.c.  Strings that a YAML reader would take for
 * something else (numbers, booleans, null, YAML 1.1's yes/no/on/off) are
 * written quoted, so that what a client reads back is what we stored. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "slc-yaml.h"

struct out {
    char *buf;
    size_t len, cap;
    bool failed;
};

static int
write_cb(void *data, unsigned char *bytes, size_t size)
{
    struct out *o = data;

    if (o->len + size + 1 > o->cap) {
        size_t cap = o->cap ? o->cap : 4096;
        char *nb;

        while (cap < o->len + size + 1) {
            cap *= 2;
        }
        nb = realloc(o->buf, cap);
        if (!nb) {
            o->failed = true;
            return 0;
        }
        o->buf = nb;
        o->cap = cap;
    }
    memcpy(o->buf + o->len, bytes, size);
    o->len += size;
    o->buf[o->len] = '\0';
    return 1;
}

static const char *const yaml11_words[] = {
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
    "on", "On", "ON", "off", "Off", "OFF", NULL,
};

/* True when the plain text 's' could be read back as something other than
 * a string, by a YAML 1.2 or a YAML 1.1 reader. */
static bool
needs_quotes(const char *s)
{
    if (!slc_yaml_plain_is_string(s)) {
        return true;
    }
    for (size_t i = 0; yaml11_words[i]; i++) {
        if (!strcmp(s, yaml11_words[i])) {
            return true;
        }
    }
    /* YAML 1.1 also reads 1_000, 0x1F, 1:20 (base 60) and .inf as numbers:
     * quote anything that starts like a number. */
    return strchr("0123456789+-.", s[0]) != NULL;
}

static int
emit_scalar(yaml_emitter_t *em, const char *text, size_t len, bool is_str)
{
    yaml_event_t ev;
    bool quote = is_str && needs_quotes(text);

    if (!yaml_scalar_event_initialize(&ev, NULL, NULL,
                                      (yaml_char_t *)text, (int)len,
                                      !quote, quote,
                                      quote ? YAML_SINGLE_QUOTED_SCALAR_STYLE
                                            : YAML_ANY_SCALAR_STYLE)) {
        return -1;
    }
    return yaml_emitter_emit(em, &ev) ? 0 : -1;
}

static int
emit_value(yaml_emitter_t *em, const json_t *v, int depth)
{
    yaml_event_t ev;
    char num[64];

    if (depth > 256) {
        return -1;
    }
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *key;
        json_t *member;

        if (!yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
                                                 YAML_ANY_MAPPING_STYLE) ||
            !yaml_emitter_emit(em, &ev)) {
            return -1;
        }
        json_object_foreach((json_t *)v, key, member)
        {
            if (emit_scalar(em, key, strlen(key), true) ||
                emit_value(em, member, depth + 1)) {
                return -1;
            }
        }
        yaml_mapping_end_event_initialize(&ev);
        return yaml_emitter_emit(em, &ev) ? 0 : -1;
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *item;

        if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
                                                  YAML_ANY_SEQUENCE_STYLE) ||
            !yaml_emitter_emit(em, &ev)) {
            return -1;
        }
        json_array_foreach((json_t *)v, i, item)
        {
            if (emit_value(em, item, depth + 1)) {
                return -1;
            }
        }
        yaml_sequence_end_event_initialize(&ev);
        return yaml_emitter_emit(em, &ev) ? 0 : -1;
    }
    case JSON_STRING:
        return emit_scalar(em, json_string_value(v), json_string_length(v),
                           true);
    case JSON_INTEGER:
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT,
                 json_integer_value(v));
        return emit_scalar(em, num, strlen(num), false);
    case JSON_REAL:
        snprintf(num, sizeof num, "%.17g", json_real_value(v));
        if (!strpbrk(num, ".e")) {
            strcat(num, ".0");
        }
        return emit_scalar(em, num, strlen(num), false);
    case JSON_TRUE:
        return emit_scalar(em, "true", 4, false);
    case JSON_FALSE:
        return emit_scalar(em, "false", 5, false);
    case JSON_NULL:
    default:
        return emit_scalar(em, "null", 4, false);
    }
}

char *
slc_yaml_dump(const json_t *value, size_t *size)
{
    yaml_emitter_t em;
    yaml_event_t ev;
    struct out o = {0};
    int rc = -1;

    if (!yaml_emitter_initialize(&em)) {
        return NULL;
    }
    yaml_emitter_set_output(&em, write_cb, &o);
    yaml_emitter_set_unicode(&em, 1);
    yaml_emitter_set_width(&em, -1);
    yaml_emitter_set_indent(&em, 2);
    if (yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) &&
        yaml_emitter_emit(&em, &ev) &&
        yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) &&
        yaml_emitter_emit(&em, &ev) && !emit_value(&em, value, 0) &&
        yaml_document_end_event_initialize(&ev, 1) &&
        yaml_emitter_emit(&em, &ev) && yaml_stream_end_event_initialize(&ev) &&
        yaml_emitter_emit(&em, &ev)) {
        rc = 0;
    }
    yaml_emitter_delete(&em);
    if (rc || o.failed || !o.buf) {
        free(o.buf);
        return NULL;
    }
    if (size) {
        *size = o.len;
    }
    return o.buf;
}

/* Documents as compact JSON text (slc-json.h). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "slc-json.h"

/* The text being written: yajl's print callback appends to it. */
struct out {
    char *buf;
    size_t len, cap;
    bool oom;
};

/* Makes room in 'o' for 'n' more bytes and the final NUL. */
static bool
grow(struct out *o, size_t n)
{
    size_t cap = o->cap ? o->cap : 1024;
    char *buf;

    while (o->len + n + 1 > cap) {
        cap *= 2;
    }
    if (o->oom || !(buf = realloc(o->buf, cap))) {
        o->oom = true;
        return false;
    }
    o->buf = buf;
    o->cap = cap;
    return true;
}

static void
append(void *ctx, const char *s, size_t n)
{
    struct out *o = ctx;

    if (o->cap - o->len <= n && !grow(o, n)) {
        return;
    }
    if (n == 1) { /* a quote, a comma, a colon: most calls */
        o->buf[o->len++] = *s;
    } else {
        memcpy(o->buf + o->len, s, n);
        o->len += n;
    }
}

/* A real as jansson writes it: 17 significant digits, and a '.0' when
 * that reads as an integer, so that it is read back as a real. */
static yajl_gen_status
put_real(yajl_gen g, double d)
{
    char text[40];
    int n = snprintf(text, sizeof text - 2, "%.17g", d);

    if (n < 0 || (size_t)n >= sizeof text - 2) {
        return yajl_gen_invalid_number;
    }
    if (!strpbrk(text, ".eE")) {
        memcpy(text + n, ".0", 3);
        n += 2;
    }
    return yajl_gen_number(g, text, (size_t)n);
}

static yajl_gen_status
put_value(yajl_gen g, const json_t *v)
{
    yajl_gen_status rc;

    switch (json_typeof(v)) {
    case JSON_OBJECT:
        rc = yajl_gen_map_open(g);
        for (void *it = json_object_iter((json_t *)v);
             !rc && it; it = json_object_iter_next((json_t *)v, it)) {
            rc = yajl_gen_string(
                g, (const unsigned char *)json_object_iter_key(it),
                json_object_iter_key_len(it));
            rc = rc ? rc : put_value(g, json_object_iter_value(it));
        }
        return rc ? rc : yajl_gen_map_close(g);
    case JSON_ARRAY:
        rc = yajl_gen_array_open(g);
        for (size_t i = 0; !rc && i < json_array_size(v); i++) {
            rc = put_value(g, json_array_get(v, i));
        }
        return rc ? rc : yajl_gen_array_close(g);
    case JSON_STRING:
        return yajl_gen_string(
            g, (const unsigned char *)json_string_value(v),
            json_string_length(v));
    case JSON_INTEGER:
        return yajl_gen_integer(g, json_integer_value(v));
    case JSON_REAL:
        return put_real(g, json_real_value(v));
    case JSON_TRUE:
        return yajl_gen_bool(g, 1);
    case JSON_FALSE:
        return yajl_gen_bool(g, 0);
    case JSON_NULL:
    default:
        return yajl_gen_null(g);
    }
}

char *
slc_json_text(const json_t *v, size_t *len)
{
    struct out o = {0};
    yajl_gen g;
    yajl_gen_status rc = yajl_gen_in_error_state;
    char *text;

    if (!v) {
        return NULL;
    }
    /* not yajl_gen_validate_utf8: jansson checks every string it is
     * given but those given with *_nocheck, and ours are text it wrote
     * (vim-sim) or libyaml checked (slc-yaml) */
    if ((g = yajl_gen_alloc(NULL))) {
        yajl_gen_config(g, yajl_gen_print_callback, append, &o);
        rc = put_value(g, v);
        yajl_gen_free(g);
    }
    if (!rc && !o.oom && o.buf) {
        o.buf[o.len] = '\0';
        if (len) {
            *len = o.len;
        }
        return o.buf;
    }
    free(o.buf);
    if (o.oom || !g) {
        return NULL;
    }
    /* too deep for yajl, a loop or not UTF-8: jansson decides */
    if ((text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY)) && len) {
        *len = strlen(text);
    }
    return text;
}

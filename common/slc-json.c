/* Documents as compact JSON text (slc-json.h). */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>

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

/* 'd' in whole millionths as decimal text ("1796455144.673459", "2.5",
 * "3.0") into 'text' (at least 24 bytes), when that text reads back as
 * 'd' exactly; 0 otherwise.  Exact because, u being the whole number
 * nearest d * 10^6 and below 2^53, u and 10^6 are exact doubles and
 * u / 10^6 is the double nearest the decimal value u / 10^6: the very
 * double strtod gives for the text; so when that double is 'd', the text
 * reads back as 'd'.  The epoch timestamps of every record are such
 * values (slc_json_epoch_now), and printf's exact "%.17g" costs about
 * 4,000 instructions each: 4% of slicerd's on the concurrent round. */
static int
millionths(double d, char text[24])
{
    double scaled = d * 1e6;
    char digits[24], *o = text;
    unsigned long long u, v;
    int n = 0, zeros = 0;
    long long signed_u;

    if (!(scaled > -9007199254740991.0 && scaled < 9007199254740991.0)) {
        return 0; /* too large for exact integers, or not a number */
    }
    signed_u = (long long)(scaled + (scaled < 0 ? -0.5 : 0.5));
    if ((double)signed_u / 1e6 != d || (signed_u == 0 && signbit(d))) {
        return 0;
    }
    /* the digits of |u|, last first, at least seven (0.000001): the
     * first six are the fraction's */
    u = (unsigned long long)(signed_u < 0 ? -signed_u : signed_u);
    for (v = u; v || n < 7; v /= 10) {
        digits[n++] = (char)('0' + v % 10);
    }
    while (zeros < 6 && digits[zeros] == '0') {
        zeros++; /* the fraction's trailing zeros: not written */
    }
    if (signed_u < 0) {
        *o++ = '-';
    }
    for (int k = n - 1; k >= 6; k--) {
        *o++ = digits[k];
    }
    *o++ = '.';
    if (zeros == 6) {
        *o++ = '0'; /* a whole number stays a real */
    }
    for (int k = 5; k >= zeros; k--) {
        *o++ = digits[k];
    }
    *o = '\0';
    return (int)(o - text);
}

/* A real read back as the same double and as a real: in millionths when
 * that is exact, else as jansson writes it (17 significant digits, and a
 * '.0' when that reads as an integer). */
static yajl_gen_status
put_real(yajl_gen g, double d)
{
    char text[40];
    int n = millionths(d, text);

    if (n) {
        return yajl_gen_number(g, text, (size_t)n);
    }
    n = snprintf(text, sizeof text - 2, "%.17g", d);
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

    if (len) {
        *len = 0;
    }
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
    /* too deep for yajl, or a loop: jansson decides */
    if ((text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY)) && len) {
        *len = strlen(text);
    }
    return text;
}

/* A document being read: the containers open, the key of the next
 * member. */
struct in {
    json_t *root;
    json_t **open;
    size_t n_open, cap_open;
    char *key;
    size_t key_len, key_cap;
    const char *why; /* what failed, when a callback did */
};

/* Adds 'v' (taken) where the text has it; 0 stops the parse. */
static int
add(struct in *in, json_t *v)
{
    json_t *top = in->n_open ? in->open[in->n_open - 1] : NULL;

    if (!v) {
        in->why = "out of memory";
        return 0;
    }
    if (!top) {
        in->root = v;
    } else if (json_is_object(top)) {
        if (json_object_setn_new_nocheck(top, in->key, in->key_len, v)) {
            in->why = "out of memory";
            return 0;
        }
    } else if (json_array_append_new(top, v)) {
        in->why = "out of memory";
        return 0;
    }
    return 1;
}

static int
on_null(void *ctx)
{
    return add(ctx, json_null());
}

static int
on_bool(void *ctx, int b)
{
    return add(ctx, json_boolean(b));
}

static int
on_integer(void *ctx, long long i)
{
    return add(ctx, json_integer(i));
}

static int
on_double(void *ctx, double d)
{
    return add(ctx, json_real(d));
}

static int
on_string(void *ctx, const unsigned char *s, size_t n)
{
    struct in *in = ctx;

    if (memchr(s, '\0', n)) {
        in->why = "\\u0000 is not allowed without JSON_ALLOW_NUL";
        return 0;
    }
    return add(in, json_stringn_nocheck((const char *)s, n));
}

static int
on_key(void *ctx, const unsigned char *s, size_t n)
{
    struct in *in = ctx;

    if (n + 1 > in->key_cap) {
        char *key = realloc(in->key, n + 64);

        if (!key) {
            in->why = "out of memory";
            return 0;
        }
        in->key = key;
        in->key_cap = n + 64;
    }
    memcpy(in->key, s, n);
    in->key[n] = '\0';
    in->key_len = n;
    return 1;
}

/* Opens container 'c' (taken) where the text has it. */
static int
open_container(struct in *in, json_t *c)
{
    if (in->n_open == in->cap_open) {
        size_t cap = in->cap_open ? 2 * in->cap_open : 16;
        json_t **open = cap <= 2048 ? realloc(in->open, cap * sizeof *open)
                                    : NULL;

        if (!open) {
            json_decref(c);
            in->why = cap > 2048 ? "maximum parsing depth reached"
                                 : "out of memory";
            return 0;
        }
        in->open = open;
        in->cap_open = cap;
    }
    if (!add(in, json_incref(c))) {
        json_decref(c);
        return 0;
    }
    in->open[in->n_open++] = c;
    json_decref(c); /* its container holds it */
    return 1;
}

static int
on_start_map(void *ctx)
{
    return open_container(ctx, json_object());
}

static int
on_start_array(void *ctx)
{
    return open_container(ctx, json_array());
}

static int
on_end(void *ctx)
{
    ((struct in *)ctx)->n_open--;
    return 1;
}

json_t *
slc_json_load(const char *text, size_t len, json_error_t *jerr)
{
    static const yajl_callbacks cb = {
        .yajl_null = on_null,
        .yajl_boolean = on_bool,
        .yajl_integer = on_integer,
        .yajl_double = on_double,
        .yajl_string = on_string,
        .yajl_start_map = on_start_map,
        .yajl_map_key = on_key,
        .yajl_end_map = on_end,
        .yajl_start_array = on_start_array,
        .yajl_end_array = on_end,
    };
    struct in in = {0};
    yajl_handle h = yajl_alloc(&cb, NULL, &in);
    yajl_status st = yajl_status_error;
    json_error_t ignored;

    jerr = jerr ? jerr : &ignored;
    if (h) {
        st = yajl_parse(h, (const unsigned char *)text, len);
        st = st == yajl_status_ok ? yajl_complete_parse(h) : st;
    }
    if (st == yajl_status_ok && !json_is_object(in.root) &&
        !json_is_array(in.root)) {
        in.why = "'[' or '{' expected";
        st = yajl_status_error;
    }
    if (st != yajl_status_ok) {
        memset(jerr, 0, sizeof *jerr);
        jerr->position = h ? (int)yajl_get_bytes_consumed(h) : 0;
        if (in.why || !h) {
            snprintf(jerr->text, sizeof jerr->text, "%s",
                     in.why ? in.why : "out of memory");
        } else {
            unsigned char *msg = yajl_get_error(
                h, 0, (const unsigned char *)text, len);

            snprintf(jerr->text, sizeof jerr->text, "%s",
                     msg ? (const char *)msg : "not JSON");
            yajl_free_error(h, msg);
        }
        json_decref(in.root);
        in.root = NULL;
    }
    if (h) {
        yajl_free(h);
    }
    free(in.open);
    free(in.key);
    return in.root;
}

double
slc_json_epoch_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)((long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000) / 1e6;
}

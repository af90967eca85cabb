/* slicerd's HTTP server: bytes to requests, through http-parser, with
 * the edge's refusals.  See http-server.h and http-server-internal.h. */
#include <event2/buffer.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http-server-internal.h"
#include "slc-log.h"

/* --- parsing */

/* 'byte' as a message shows it. */
static void
show_byte(char *buf, size_t size, unsigned char byte)
{
    if (byte == 0) {
        snprintf(buf, size, "NUL");
    } else if (byte > 0x20 && byte < 0x7f) {
        snprintf(buf, size, "'%c'", byte);
    } else {
        snprintf(buf, size, "0x%02x", byte);
    }
}

/* Copies at most 'size' - 1 characters of client text for a message,
 * non-printable and non-ASCII bytes as '?' (details must be UTF-8). */
static void
printable(char *dst, size_t size, const char *src)
{
    size_t i;

    for (i = 0; src[i] && i + 1 < size; i++) {
        unsigned char c = (unsigned char)src[i];

        dst[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
    }
    dst[i] = '\0';
}


/* The request being parsed on 'hp' (made at its first byte). */
static struct slc_http_deferred *
req_of(http_parser *hp)
{
    return ((struct slc_http_conn *)hp->data)->req;
}

/* Refuses the request from inside a parser callback: the callback
 * returns what this does, which stops the parser. */
SLC_PRINTF(3, 4)
static int
refuse_in(http_parser *hp, unsigned status, const char *fmt, ...)
{
    struct slc_http_conn *c = hp->data;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(c->refusal_detail, sizeof c->refusal_detail, fmt, ap);
    va_end(ap);
    c->refusal = status;
    return -1;
}

static bool
append(char **s, size_t *len, const char *at, size_t n)
{
    char *ns = realloc(*s, *len + n + 1);

    if (!ns) {
        return false;
    }
    memcpy(ns + *len, at, n);
    *len += n;
    ns[*len] = '\0';
    *s = ns;
    return true;
}

static int
on_message_begin(http_parser *hp)
{
    struct slc_http_conn *c = hp->data;

    c->req = calloc(1, sizeof *c->req);
    if (!c->req) {
        return refuse_in(hp, 503, "out of memory");
    }
    c->req->srv = c->srv;
    c->req->conn = c;
    return 0;
}

static int
on_url(http_parser *hp, const char *at, size_t n)
{
    struct slc_http_deferred *p = req_of(hp);

    if (p->target_len + n > MAX_TARGET) {
        return refuse_in(hp, 414,
                         "the request target is longer than "
                         STR(MAX_TARGET) " bytes");
    }
    return append(&p->target, &p->target_len, at, n)
               ? 0
               : refuse_in(hp, 503, "out of memory");
}

static int
header_bytes(http_parser *hp, size_t n)
{
    struct slc_http_deferred *p = req_of(hp);

    p->header_bytes += n;
    if (p->header_bytes > MAX_HEADER_BYTES) {
        return refuse_in(hp, 431,
                         "the header lines have more than "
                         STR(MAX_HEADER_BYTES) " bytes");
    }
    return 0;
}

static int
on_header_field(http_parser *hp, const char *at, size_t n)
{
    struct slc_http_deferred *p = req_of(hp);
    struct header *h;

    if (header_bytes(hp, n)) {
        return -1;
    }
    if (p->in_value || !p->n_headers) {
        struct header *nh;

        if (p->n_headers == MAX_HEADERS) {
            return refuse_in(hp, 431,
                             "the request has more than " STR(MAX_HEADERS)
                             " header lines");
        }
        nh = realloc(p->headers, (p->n_headers + 1) * sizeof *nh);
        if (!nh) {
            return refuse_in(hp, 503, "out of memory");
        }
        p->headers = nh;
        p->headers[p->n_headers++] = (struct header){0};
        p->in_value = false;
    }
    h = &p->headers[p->n_headers - 1];
    if (!append(&h->name, &h->name_len, at, n)) {
        return refuse_in(hp, 503, "out of memory");
    }
    return 0;
}

static int
on_header_value(http_parser *hp, const char *at, size_t n)
{
    struct slc_http_deferred *p = req_of(hp);
    struct header *h = &p->headers[p->n_headers - 1];

    if (header_bytes(hp, n)) {
        return -1;
    }
    if (!p->in_value) {
        /* the name is whole: count what frames the body */
        p->in_value = true;
        p->content_lengths += !strcasecmp(h->name, "Content-Length");
        p->transfer_encodings += !strcasecmp(h->name, "Transfer-Encoding");
    }
    if (!append(&h->value, &h->value_len, at, n)) {
        return refuse_in(hp, 503, "out of memory");
    }
    return 0;
}

/* A header with an empty value gets no value callback. */
static void
finish_headers(struct slc_http_deferred *p)
{
    for (size_t i = 0; i < p->n_headers; i++) {
        if (!p->headers[i].value) {
            p->headers[i].value = strdup("");
            p->content_lengths +=
                !strcasecmp(p->headers[i].name, "Content-Length");
            p->transfer_encodings +=
                !strcasecmp(p->headers[i].name, "Transfer-Encoding");
        }
    }
}

/* The first byte of header name 'name' that is not a token character
 * (RFC 9110 5.6.2), or NULL.  http-parser lets spaces through, and
 * "Content-Length : 1" is a Content-Length to it but may not be one to a
 * proxy in front. */
static const char *
bad_name_byte(const char *name)
{
    static const char extra[] = "!#$%&'*+-.^_`|~";

    for (const char *n = name; *n; n++) {
        unsigned char ch = (unsigned char)*n;

        if (!(ch >= '0' && ch <= '9') && !(ch >= 'a' && ch <= 'z') &&
            !(ch >= 'A' && ch <= 'Z') && !strchr(extra, ch)) {
            return n;
        }
    }
    return *name ? NULL : name;
}

/* Why the edge refuses a target (NULL: it does not). */
static const char *
target_refusal(const struct slc_http_deferred *p)
{
    size_t args = 0;
    const char *q = strchr(p->target, '?');

    if (strstr(p->target, "%00")) {
        return "the request target has %00 (NUL)";
    }
    if (q && q[1]) {
        args = 1;
        for (const char *a = q; *a; a++) {
            args += *a == '&';
        }
    }
    if (args > MAX_QUERY_ARGS) {
        return "the request target has more than " STR(MAX_QUERY_ARGS)
               " query parameters";
    }
    return NULL;
}

static int
on_headers_complete(http_parser *hp)
{
    struct slc_http_conn *c = hp->data;
    struct slc_http_deferred *p = c->req;
    const char *why, *expect;

    finish_headers(p);
    for (size_t i = 0; i < p->n_headers; i++) {
        const char *bad = bad_name_byte(p->headers[i].name);
        char name[48], shown[16];

        if (bad) {
            printable(name, sizeof name, p->headers[i].name);
            show_byte(shown, sizeof shown, (unsigned char)*bad);
            return refuse_in(hp, 400,
                             *bad == ' ' || *bad == '\t'
                                 ? "header name '%s' has white space (none "
                                   "is allowed before the colon)"
                                 : "header name '%s' has byte %s, not "
                                   "allowed in a name",
                             name, shown);
        }
    }
    if (hp->http_major == 0) {
        return refuse_in(hp, 400,
                         "the request line has no HTTP version "
                         "(HTTP/0.9 is not served)");
    }
    if (hp->http_major != 1) {
        return refuse_in(hp, 505,
                         "HTTP/%u.%u is not served: send HTTP/1.1",
                         hp->http_major, hp->http_minor);
    }
    why = p->target ? target_refusal(p) : "the request has no target";
    if (why) {
        return refuse_in(hp, 400, "%s", why);
    }
    if (p->content_lengths && p->transfer_encodings) {
        return refuse_in(hp, 400,
                         "Content-Length and Transfer-Encoding together: "
                         "the body's length is ambiguous");
    }
    if (p->content_lengths > 1) {
        return refuse_in(hp, 400,
                         "%u Content-Length headers: the body's length is "
                         "ambiguous",
                         p->content_lengths);
    }
    if (p->transfer_encodings) {
        return refuse_in(hp, 411,
                         "Transfer-Encoding is not accepted: send the body "
                         "with a Content-Length");
    }
    if (hp->http_minor >= 1 && !slc_http_header_of(p, "Host")) {
        return refuse_in(hp, 400, "an HTTP/1.1 request without a Host "
                                  "header");
    }
    if (p->content_lengths && hp->content_length > c->srv->body_limit) {
        return refuse_in(hp, 413,
                         "request body of %llu bytes is larger than the "
                         "limit of %zu bytes",
                         (unsigned long long)hp->content_length,
                         c->srv->body_limit);
    }
    if (hp->upgrade && hp->method != HTTP_CONNECT) {
        /* the protocol is not switched: the request is answered as a
         * plain one, and the connection closed after it */
        hp->upgrade = 0;
        p->must_close = true;
    }
    expect = slc_http_header_of(p, "Expect");
    if (expect && strcasecmp(expect, "100-continue")) {
        return refuse_in(hp, 417, "Expect '%.60s' is not supported",
                         expect);
    }
    if (expect && hp->http_minor >= 1 && p->content_lengths &&
        hp->content_length) {
        evbuffer_add_printf(bufferevent_get_output(c->bev),
                            "HTTP/1.1 100 Continue\r\n\r\n");
    }
    if (p->content_lengths && hp->content_length) {
        p->cap = (size_t)hp->content_length + 1;
        p->body = malloc(p->cap);
        if (!p->body) {
            return refuse_in(hp, 503, "out of memory");
        }
    }
    p->head = hp->method == HTTP_HEAD;
    p->http10 = hp->http_minor == 0;
    return 0;
}

static int
on_body(http_parser *hp, const char *at, size_t n)
{
    struct slc_http_deferred *p = req_of(hp);

    /* the length was checked against the limit and the buffer made for
     * it; http-parser gives no more than Content-Length */
    if (!p->body || p->size + n >= p->cap) {
        return refuse_in(hp, 400, "the body is longer than its "
                                  "Content-Length");
    }
    memcpy(p->body + p->size, at, n);
    p->size += n;
    p->body[p->size] = '\0';
    return 0;
}

static int
on_message_complete(http_parser *hp)
{
    struct slc_http_deferred *p = req_of(hp);

    p->keep_alive = !p->must_close && !hp->upgrade &&
                    http_should_keep_alive(hp);
    /* one request at a time: the rest waits in the input buffer */
    http_parser_pause(hp, 1);
    return 0;
}

static const http_parser_settings parser_settings = {
    .on_message_begin = on_message_begin,
    .on_url = on_url,
    .on_header_field = on_header_field,
    .on_header_value = on_header_value,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
};

/* The status and detail for a request http-parser stopped at, 'bad'
 * pointing at the byte it stopped at (NULL when unknown). */
static unsigned
parse_error(const struct slc_http_conn *c, enum http_errno e,
            const unsigned char *bad, char *detail, size_t size)
{
    const struct slc_http_deferred *p = c->req;
    const char *what;
    unsigned status = 400;
    char shown[16];

    switch (e) {
    case HPE_INVALID_METHOD:
        what = "the request line does not start with a known method";
        break;
    case HPE_INVALID_URL:
        what = "the request target has a byte not allowed in a URL";
        break;
    case HPE_INVALID_CONSTANT:
    case HPE_INVALID_VERSION:
        what = "the request line is not METHOD TARGET HTTP/1.1 (a space "
               "in the target, or a bad version)";
        break;
    case HPE_INVALID_HEADER_TOKEN:
        what = "a header line is not NAME: VALUE (no colon, or white space "
               "or a control character in the name)";
        break;
    case HPE_LF_EXPECTED:
        what = "a line of the request does not end in CRLF";
        break;
    case HPE_INVALID_CONTENT_LENGTH:
        what = "Content-Length is not a number of bytes (digits, less "
               "than 2^64)";
        break;
    case HPE_UNEXPECTED_CONTENT_LENGTH:
        if (p && p->transfer_encodings) {
            what = "Content-Length and Transfer-Encoding together: the "
                   "body's length is ambiguous";
        } else {
            what = "several Content-Length headers: the body's length "
                   "is ambiguous";
        }
        bad = NULL;
        break;
    case HPE_HEADER_OVERFLOW:
        status = 431;
        what = "the request line and headers are too large";
        bad = NULL;
        break;
    default:
        what = http_errno_description(e);
        break;
    }
    if (bad) {
        show_byte(shown, sizeof shown, *bad);
        snprintf(detail, size, "%s: byte %s", what, shown);
    } else {
        snprintf(detail, size, "%s", what);
    }
    return status;
}

/* Runs the parser over what 'c' has received, until a request is whole
 * (then to the handler), the input is used up, or the request is
 * refused. */

void
slc_http_feed(struct slc_http_conn *c)
{
    struct evbuffer *in = bufferevent_get_input(c->bev);

    while (c->state == READING && evbuffer_get_length(in)) {
        struct evbuffer_iovec v;
        size_t done;
        enum http_errno e;

        if (evbuffer_peek(in, -1, NULL, &v, 1) < 1 || !v.iov_len) {
            break;
        }
        done = http_parser_execute(&c->parser, &parser_settings,
                                   v.iov_base, v.iov_len);
        e = HTTP_PARSER_ERRNO(&c->parser);
        if (e == HPE_PAUSED) {
            evbuffer_drain(in, done);
            slc_http_dispatch(c);
            return;
        }
        if (e != HPE_OK) {
            char detail[300];
            unsigned status;

            if (c->refusal) {
                slc_http_refuse(c, c->refusal, c->refusal_detail);
                return;
            }
            status = parse_error(
                c, e,
                done < v.iov_len ? (unsigned char *)v.iov_base + done : NULL,
                detail, sizeof detail);
            slc_http_refuse(c, status, detail);
            return;
        }
        if (done < v.iov_len) {
            /* http-parser stops without an error only at a protocol
             * switch (CONNECT): none is served */
            slc_http_refuse(c, 405, "CONNECT is not served");
            return;
        }
        evbuffer_drain(in, done);
    }
}

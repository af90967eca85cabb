/* The REST plumbing of SDN drivers (sdn-rest.h): a call is an HTTP
 * request on the instance's own slc_http_client plus a small record
 * (method, path, the driver's callback) kept on a list, so that freeing
 * the instance, which abandons the requests, frees the records too.
 *
 * The HTTP client reports a transport failure as curl's text only; a
 * timeout is recognised by that text ("timed out", "Timeout"). */
#include "sdn-rest.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slc-http-client.h"
#include "slc-log.h"

SLC_LOG_MODULE(sdn_rest);

#define BODY_QUOTE 200        /* bytes of a refusal's body in a message */
#define MAX_REPLY (16u << 20)

struct call {
    struct slc_sdn_rest *rest;
    char *method, *path;
    slc_sdn_rest_fn done;
    void *arg;
    struct call *next, **prevp;
};

struct slc_sdn_rest {
    struct slc_http_client *http;
    char *url, *label;
    char *auth;               /* "Authorization: Basic ...", or NULL */
    const char *headers[4];
    struct call *calls;
};

static void
base64(const unsigned char *in, size_t len, char *out)
{
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                 "abcdefghijklmnopqrstuvwxyz0123456789+/";

    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned)in[i] << 16;

        v |= i + 1 < len ? (unsigned)in[i + 1] << 8 : 0;
        v |= i + 2 < len ? in[i + 2] : 0;
        *out++ = digits[v >> 18 & 63];
        *out++ = digits[v >> 12 & 63];
        *out++ = i + 1 < len ? digits[v >> 6 & 63] : '=';
        *out++ = i + 2 < len ? digits[v & 63] : '=';
    }
    *out = '\0';
}

/* Overwrites a secret before it is freed. */
static void
wipe_free(char *s)
{
    if (s) {
        explicit_bzero(s, strlen(s));
        free(s);
    }
}

/* "Authorization: Basic base64(user:password)" into r->auth. */
static int
build_auth(struct slc_sdn_rest *r, const char *user, const char *password)
{
    size_t ulen = strlen(user), plen = strlen(password);
    size_t len = ulen + 1 + plen;
    char *plain = malloc(len + 1);
    static const char prefix[] = "Authorization: Basic ";

    r->auth = malloc(sizeof prefix + (len + 2) / 3 * 4);
    if (!plain || !r->auth) {
        free(plain);
        return -1;
    }
    memcpy(plain, user, ulen);
    plain[ulen] = ':';
    memcpy(plain + ulen + 1, password, plen + 1);
    memcpy(r->auth, prefix, sizeof prefix);
    base64((const unsigned char *)plain, len, r->auth + sizeof prefix - 1);
    wipe_free(plain);
    return 0;
}

/* A base URL the calls can append a path to: http(s)://, an authority
 * without credentials, no '/' at the end. */
/* 'url' for a message: "(with credentials)" rather than a password. */
static const char *
shown_url(const char *url)
{
    return !url ? "" : strchr(url, '@') ? "(with credentials)" : url;
}

static bool
good_url(const char *url)
{
    const char *auth = !strncmp(url, "http://", 7)    ? url + 7
                       : !strncmp(url, "https://", 8) ? url + 8
                                                      : NULL;
    size_t host = auth ? strcspn(auth, "/") : 0;

    return auth && host && !memchr(auth, '@', host) &&
           !strpbrk(url, " \t\r\n") && url[strlen(url) - 1] != '/';
}

int
slc_sdn_rest_new(const struct slc_sdn_rest_params *p,
                 struct slc_sdn_rest **out, struct slc_error *err)
{
    struct slc_sdn_rest *r;
    long timeout = p->timeout_ms > 0 ? p->timeout_ms : 5000;
    size_t n = 0;
    int rc;

    *out = NULL;
    if (!p->url || !good_url(p->url)) {
        return slc_error_set(err, SLC_EINVALID,
                             "url '%s' is not http(s)://HOST[:PORT][/PATH] "
                             "without credentials nor a final '/'",
                             shown_url(p->url));
    }
    if (!(r = calloc(1, sizeof *r))) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    r->url = strdup(p->url);
    r->label = strdup(p->label ? p->label : p->url);
    if (!r->url || !r->label ||
        (p->user && p->password && build_auth(r, p->user, p->password))) {
        slc_sdn_rest_free(r);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    rc = slc_http_client_new(p->base, timeout, MAX_REPLY, &r->http, err);
    if (rc) {
        slc_sdn_rest_free(r);
        return rc;
    }
    r->headers[n++] = "Content-Type: application/json";
    r->headers[n++] = "Accept: application/json";
    if (r->auth) {
        r->headers[n++] = r->auth;
    }
    *out = r;
    return 0;
}

static void
unlink_call(struct call *c)
{
    if (c->prevp) {
        *c->prevp = c->next;
        if (c->next) {
            c->next->prevp = c->prevp;
        }
        c->prevp = NULL;
    }
}

static void
free_call(struct call *c)
{
    unlink_call(c);
    free(c->method);
    free(c->path);
    free(c);
}

void
slc_sdn_rest_free(struct slc_sdn_rest *r)
{
    if (!r) {
        return;
    }
    slc_http_client_free(r->http);  /* no callback runs after this */
    while (r->calls) {
        free_call(r->calls);
    }
    wipe_free(r->auth);
    free(r->url);
    free(r->label);
    free(r);
}

/* The first BODY_QUOTE bytes of 'body' on one line (control characters
 * become spaces, trailing ones go), valid UTF-8. */
static void
quote_body(const char *body, char *out, size_t size)
{
    size_t n = 0;

    for (; body[n] && n < BODY_QUOTE && n + 1 < size; n++) {
        unsigned char ch = (unsigned char)body[n];

        out[n] = ch < 0x20 || ch == 0x7f ? ' ' : (char)ch;
    }
    while (n && out[n - 1] == ' ') {
        n--;
    }
    out[n] = '\0';
    slc_utf8_scrub(out);  /* a sequence cut at the end becomes '?' */
}

static bool
timed_out(const char *error)
{
    return strstr(error, "timed out") || strcasestr(error, "timeout");
}

static void
on_reply(void *arg, const struct slc_http_reply *reply)
{
    struct call *c = arg;
    struct slc_sdn_rest *r = c->rest;
    char msg[BODY_QUOTE + 600], quote[BODY_QUOTE + 1];
    json_t *body = NULL;
    int rc;

    unlink_call(c);
    if (reply->error) {
        rc = timed_out(reply->error) ? SLC_ETIMEOUT : SLC_EIO;
        snprintf(msg, sizeof msg, "%s %s%s: %s", c->method, r->url, c->path,
                 reply->error);
    } else {
        rc = slc_http_status_code(reply->status);
        quote_body(reply->body, quote, sizeof quote);
        snprintf(msg, sizeof msg, "%s %s: %ld%s%s", c->method, c->path,
                 reply->status, quote[0] ? " " : "", quote);
    }
    if (reply->body_size) {
        body = json_loadb(reply->body, reply->body_size, JSON_DECODE_ANY,
                          NULL);
    }
    if (rc) {
        SLC_DEBUG("%s: %s", r->label, msg);
    }
    c->done(c->arg, rc, rc ? msg : NULL, body, reply->error ? 0
                                                           : reply->status);
    json_decref(body);
    free_call(c);
}

int
slc_sdn_rest_call(struct slc_sdn_rest *r, const char *method,
                  const char *path, json_t *body, slc_sdn_rest_fn done,
                  void *arg, struct slc_error *err)
{
    struct call *c = calloc(1, sizeof *c);
    char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    char *url = NULL;
    int rc = 0;

    json_decref(body);
    if (c) {
        c->rest = r;
        c->done = done;
        c->arg = arg;
        c->method = strdup(method);
        c->path = strdup(path);
    }
    if (!c || !c->method || !c->path || (body && !text) ||
        asprintf(&url, "%s%s", r->url, path) < 0) {
        url = NULL;
        rc = slc_error_set(err, SLC_ENOMEM, "%s %s: out of memory", method,
                           path);
    }
    if (!rc) {
        rc = slc_http_client_start(
            r->http,
            &(struct slc_http_call){.method = method, .url = url,
                                    .headers = r->headers, .body = text,
                                    .body_size = text ? strlen(text) : 0},
            on_reply, c, err);
    }
    free(url);
    free(text);
    if (rc) {
        if (c) {
            free_call(c);  /* not on the list yet */
        }
        return rc;
    }
    c->next = r->calls;
    if (c->next) {
        c->next->prevp = &c->next;
    }
    c->prevp = &r->calls;
    r->calls = c;
    return 0;
}

int
slc_sdn_rest_check_url(const char *type, const char *url,
                       struct slc_error *err)
{
    const char *host = url && !strncmp(url, "http://", 7) ? url + 7 : NULL;
    const char *colon = host ? strrchr(host, ':') : NULL;
    size_t len = colon ? (size_t)(colon - host) : 0;
    unsigned long port = 0;
    char *end = NULL;
    bool ok = len && strcspn(host, "/@?#% \t\r\n") == strlen(host);

    /* an IPv6 address in brackets, else no ':' in the host */
    ok = ok && (host[0] == '[' ? colon[-1] == ']' && len > 2
                               : !memchr(host, ':', len));
    if (ok && colon[1] >= '0' && colon[1] <= '9' && strlen(colon) <= 6) {
        port = strtoul(colon + 1, &end, 10);
    }
    if (!ok || !port || port > 65535 || *end) {
        return slc_error_set(err, SLC_EINVALID, "sdn controller of type %s: "
                             "url '%s' is not http://HOST:PORT", type,
                             shown_url(url));
    }
    return 0;
}

int
slc_sdn_rest_check_ints(const char *type, const json_t *config,
                        const struct slc_sdn_rest_int *keys, size_t n,
                        struct slc_error *err)
{
    for (size_t i = 0; i < n; i++) {
        const json_t *v = json_object_get(config, keys[i].key);

        if (v && (!json_is_integer(v) || json_integer_value(v) < keys[i].min ||
                  json_integer_value(v) > keys[i].max)) {
            return slc_error_set(err, SLC_EINVALID,
                                 "sdn controller of type %s: config.%s must "
                                 "be %" JSON_INTEGER_FORMAT
                                 "..%" JSON_INTEGER_FORMAT " %s",
                                 type, keys[i].key, keys[i].min, keys[i].max,
                                 keys[i].unit);
        }
    }
    return 0;
}

uint32_t
slc_sdn_rest_service_id(const char *prefix, const char *tag, char *buf,
                        size_t size)
{
    uint32_t h = 2166136261u;

    for (; tag && *tag; tag++) {
        h = (h ^ (unsigned char)*tag) * 16777619u;
    }
    h = 0x80000000u | (h & 0x7fffffffu);
    snprintf(buf, size, "%s-%08x", prefix, h);
    return h;
}

int
slc_sdn_rest_parse_service_id(const char *prefix, const char *service_id,
                              uint32_t *id, struct slc_error *err)
{
    size_t len = strlen(prefix);
    const char *hex = service_id && strlen(service_id) == len + 9
                          ? service_id + len + 1
                          : NULL;

    if (!hex || strncmp(service_id, prefix, len) || hex[-1] != '-' ||
        strspn(hex, "0123456789abcdef") != 8 || !strchr("89abcdef", *hex)) {
        return slc_error_set(err, SLC_ENOTFOUND, "no such service '%s'",
                             service_id ? service_id : "");
    }
    *id = (uint32_t)strtoul(hex, NULL, 16);
    return 0;
}

const char *
slc_sdn_rest_url(const struct slc_sdn_rest *r)
{
    return r->url;
}

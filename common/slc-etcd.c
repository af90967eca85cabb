/* etcd v3 JSON gateway client: libcurl's easy interface, one handle kept
 * for connection reuse, members tried in turn (see slc-etcd.h). */
#include "slc-etcd.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slc-json.h"
#include "slc-log.h"

SLC_LOG_MODULE(etcd);

#define MAX_MEMBERS 16

struct slc_etcd {
    CURL *curl;
    struct curl_slist *headers;
    char *members[MAX_MEMBERS];
    size_t n_members;
    size_t current;  /* the member that last answered */
    long timeout_ms;
    char *buf;       /* the answer being received */
    size_t size, cap;
};

int
slc_etcd_new(const char *endpoints, long timeout_ms, struct slc_etcd **out,
             struct slc_error *err)
{
    struct slc_etcd *e = calloc(1, sizeof *e);
    const char *p = endpoints;

    *out = NULL;
    if (!e) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    while (*p) {
        size_t n = strcspn(p, ",");
        const char *colon = memchr(p, ':', n);

        if (!n || !colon || colon == p || colon + 1 == p + n ||
            strspn(colon + 1, "0123456789") != (size_t)(p + n - colon - 1)) {
            slc_etcd_free(e);
            return slc_error_set(err, SLC_EINVALID,
                                 "etcd members '%s': '%.*s' is not "
                                 "HOST:PORT",
                                 endpoints, (int)n, p);
        }
        if (e->n_members == MAX_MEMBERS) {
            slc_etcd_free(e);
            return slc_error_set(err, SLC_EINVALID,
                                 "etcd members '%s': more than %d",
                                 endpoints, MAX_MEMBERS);
        }
        if (!(e->members[e->n_members++] = strndup(p, n))) {
            slc_etcd_free(e);
            return slc_error_set(err, SLC_ENOMEM, "out of memory");
        }
        p += n + (p[n] == ',');
    }
    if (!e->n_members) {
        slc_etcd_free(e);
        return slc_error_set(err, SLC_EINVALID, "etcd: no member named");
    }
    e->timeout_ms = timeout_ms > 0 ? timeout_ms : 5000;
    e->curl = curl_easy_init();
    e->headers = curl_slist_append(NULL, "Content-Type: application/json");
    if (!e->curl || !e->headers) {
        slc_etcd_free(e);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    *out = e;
    return 0;
}

void
slc_etcd_free(struct slc_etcd *e)
{
    if (!e) {
        return;
    }
    if (e->curl) {
        curl_easy_cleanup(e->curl);
    }
    curl_slist_free_all(e->headers);
    for (size_t i = 0; i < e->n_members; i++) {
        free(e->members[i]);
    }
    free(e->buf);
    free(e);
}

const char *
slc_etcd_member(const struct slc_etcd *e)
{
    return e->members[e->current];
}

static size_t
on_data(char *data, size_t one, size_t n, void *arg)
{
    struct slc_etcd *e = arg;

    if (e->size + n + 1 > e->cap) {
        size_t cap = (e->size + n + 1) * 2;
        char *buf = realloc(e->buf, cap);

        if (!buf) {
            return 0; /* curl fails the transfer */
        }
        e->buf = buf;
        e->cap = cap;
    }
    memcpy(e->buf + e->size, data, n * one);
    e->size += n * one;
    e->buf[e->size] = '\0';
    return n * one;
}

/* One POST to member 'm'; the transport's result, the status in
 * '*status'. */
static CURLcode
post(struct slc_etcd *e, size_t m, const char *path, const char *body,
     long *status)
{
    char url[300];
    CURLcode cc;

    snprintf(url, sizeof url, "http://%s%s", e->members[m], path);
    e->size = 0;
    curl_easy_reset(e->curl);
    curl_easy_setopt(e->curl, CURLOPT_URL, url);
    curl_easy_setopt(e->curl, CURLOPT_HTTPHEADER, e->headers);
    curl_easy_setopt(e->curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(e->curl, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(e->curl, CURLOPT_WRITEDATA, e);
    curl_easy_setopt(e->curl, CURLOPT_TIMEOUT_MS, e->timeout_ms);
    curl_easy_setopt(e->curl, CURLOPT_CONNECTTIMEOUT_MS,
                     e->timeout_ms < 1000 ? e->timeout_ms : 1000);
    curl_easy_setopt(e->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e->curl, CURLOPT_PROTOCOLS_STR, "http");
    cc = curl_easy_perform(e->curl);
    *status = 0;
    if (cc == CURLE_OK) {
        curl_easy_getinfo(e->curl, CURLINFO_RESPONSE_CODE, status);
    }
    return cc;
}

int
slc_etcd_call(struct slc_etcd *e, const char *path, const json_t *req,
              bool idempotent, json_t **reply, struct slc_error *err)
{
    char *body = slc_json_text(req, NULL);
    const char *why = "no member";
    json_error_t jerr;
    long status = 0;
    int rc;

    *reply = NULL;
    if (!body) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    for (size_t tries = 0; tries < e->n_members; tries++) {
        size_t m = (e->current + tries) % e->n_members;
        CURLcode cc = post(e, m, path, body, &status);

        if (cc == CURLE_OK && status != 503) {
            if (m != e->current) {
                SLC_WARN("etcd: now talking to member %s", e->members[m]);
            }
            e->current = m;
            break;
        }
        why = cc == CURLE_OK ? "unavailable (503)" : curl_easy_strerror(cc);
        status = 0;
        /* a write that may have been sent is not sent again: it might
         * have been applied */
        if (!idempotent && cc != CURLE_COULDNT_CONNECT && cc != CURLE_OK) {
            tries = e->n_members;
        }
        SLC_WARN("etcd: member %s: %s %s: %s", e->members[m], path,
                 idempotent ? "" : "(a write, not resent)", why);
    }
    free(body);
    if (!status) {
        return slc_error_set(err, SLC_EIO, "etcd %s: %s", path, why);
    }
    *reply = json_loadb(e->buf ? e->buf : "", e->size, 0, &jerr);
    if (status != 200) {
        const char *msg = json_string_value(json_object_get(*reply, "message"))
                              ?: json_string_value(
                                     json_object_get(*reply, "error"))
                              ?: "no message";

        rc = status == 400 ||
                     strstr(msg, "too large") || strstr(msg, "too many")
                 ? SLC_EINVALID
                 : SLC_EIO;
        rc = slc_error_set(err, rc, "etcd %s (member %s): HTTP %ld: %s",
                           path, e->members[e->current], status, msg);
        json_decref(*reply);
        *reply = NULL;
        return rc;
    }
    if (!*reply) {
        return slc_error_set(err, SLC_EIO, "etcd %s: bad JSON answer: %s",
                             path, jerr.text);
    }
    return 0;
}

int
slc_etcd_location(const char *location, char **members, char **prefix,
                  unsigned *max_ops, struct slc_error *err)
{
    const char *p = location, *slash, *q, *end_of_prefix;
    char *end;
    long n;

    *members = *prefix = NULL;
    if (strncmp(p, "//", 2)) {
        return slc_error_set(err, SLC_EINVALID,
                             "store 'etcd:%s': expected "
                             "etcd://HOST:PORT[,HOST:PORT...]/PREFIX",
                             location);
    }
    p += 2;
    slash = strchr(p, '/');
    q = slash ? strchr(slash, '?') : NULL;
    end_of_prefix = q ? q : slash ? slash + strlen(slash) : NULL;
    if (!slash || end_of_prefix == slash + 1 ||
        strcspn(slash + 1, "/?") != (size_t)(end_of_prefix - slash - 1)) {
        return slc_error_set(err, SLC_EINVALID,
                             "store 'etcd:%s': the prefix is missing or has "
                             "a '/' (etcd://HOST:PORT/PREFIX)",
                             location);
    }
    *max_ops = 128;
    if (q) {
        if (strncmp(q, "?max_txn_ops=", 13) ||
            (n = strtol(q + 13, &end, 10)) < 16 || n > 100000 || *end) {
            return slc_error_set(err, SLC_EINVALID,
                                 "store 'etcd:%s': bad option '%s' (known: "
                                 "max_txn_ops=16..100000)",
                                 location, q + 1);
        }
        *max_ops = (unsigned)n;
    }
    *members = strndup(p, (size_t)(slash - p));
    if (asprintf(prefix, "/%.*s", (int)(end_of_prefix - slash - 1),
                 slash + 1) < 0) {
        *prefix = NULL;
    }
    if (!*members || !*prefix) {
        free(*members);
        free(*prefix);
        *members = *prefix = NULL;
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    return 0;
}

json_t *
slc_etcd_b64(const void *data, size_t size)
{
    char *out = malloc(4 * ((size + 2) / 3) + 1);
    json_t *s;

    if (!out) {
        return NULL;
    }
    EVP_EncodeBlock((unsigned char *)out, data, (int)size);
    s = json_string(out);
    free(out);
    return s;
}

char *
slc_etcd_unb64(const char *text, size_t *size)
{
    size_t len = strlen(text), pad = 0;
    unsigned char *out;
    int n;

    if (len % 4) {
        return NULL;
    }
    out = malloc(len / 4 * 3 + 1);
    if (!out) {
        return NULL;
    }
    n = len ? EVP_DecodeBlock(out, (const unsigned char *)text, (int)len)
            : 0;
    if (n < 0) {
        free(out);
        return NULL;
    }
    /* EVP_DecodeBlock counts the padding as zero bytes */
    while (pad < 2 && len > pad && text[len - 1 - pad] == '=') {
        pad++;
    }
    *size = (size_t)n - pad;
    out[*size] = '\0';
    return (char *)out;
}

json_t *
slc_etcd_prefix_end(const char *prefix)
{
    size_t n = strlen(prefix);
    char *end = strdup(prefix);
    json_t *s;

    if (!end) {
        return NULL;
    }
    /* the last byte that can be incremented, the rest dropped */
    while (n && (unsigned char)end[n - 1] == 0xff) {
        n--;
    }
    if (!n) {
        free(end);
        return slc_etcd_b64("\0", 1); /* every key */
    }
    end[n - 1]++;
    s = slc_etcd_b64(end, n);
    free(end);
    return s;
}

const json_t *
slc_etcd_txn_kv(const json_t *reply, size_t i)
{
    const json_t *r = json_array_get(json_object_get(reply, "responses"), i);

    return json_array_get(
        json_object_get(json_object_get(r, "response_range"), "kvs"), 0);
}

int64_t
slc_etcd_int(const json_t *v)
{
    if (json_is_integer(v)) {
        return json_integer_value(v);
    }
    return json_is_string(v) ? strtoll(json_string_value(v), NULL, 10) : 0;
}

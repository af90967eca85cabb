/* slicectl's HTTP client over libcurl (see rest-client.h). */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rest-client.h"

struct buf {
    char *data;
    size_t len;
};

static size_t
on_data(char *ptr, size_t size, size_t n, void *arg)
{
    struct buf *b = arg;
    size_t add = size * n;
    char *nd = realloc(b->data, b->len + add + 1);

    if (!nd) {
        return 0;
    }
    memcpy(nd + b->len, ptr, add);
    b->data = nd;
    b->len += add;
    b->data[b->len] = '\0';
    return add;
}

int
slc_client_init(struct slc_client *c, const char *base, const char *token,
                struct slc_error *err)
{
    *c = (struct slc_client){.base = base, .token = token};
    curl_global_init(CURL_GLOBAL_DEFAULT);
    c->curl = curl_easy_init();
    return c->curl ? 0 : slc_error_set(err, SLC_ENOMEM, "out of memory");
}

void
slc_client_fini(struct slc_client *c)
{
    if (c->curl) {
        curl_easy_cleanup(c->curl);
    }
    c->curl = NULL;
    curl_global_cleanup();
}

/* A Link header's rel="next" URI (SOL013 paging) into 'arg' (2 KB). */
static size_t
on_header(char *line, size_t one, size_t n, void *arg)
{
    char *next = arg;
    const char *lt, *gt;

    (void)one;
    if (n > 5 && !strncasecmp(line, "Link:", 5) &&
        (lt = memchr(line, '<', n)) && (gt = memchr(lt, '>', n - (size_t)(lt - line))) &&
        memmem(gt, n - (size_t)(gt - line), "rel=\"next\"", 10) &&
        (size_t)(gt - lt - 1) < 2048) {
        snprintf(next, 2048, "%.*s", (int)(gt - lt - 1), lt + 1);
    }
    return n;
}

static int request_once(struct slc_client *c, const char *method,
                        const char *url, const char *content_type,
                        const char *body, size_t size, long *status,
                        json_t **reply, char *next, struct slc_error *err);

int
slc_client_request(struct slc_client *c, const char *method,
                   const char *path, const char *content_type,
                   const char *body, size_t size, long *status,
                   json_t **reply, struct slc_error *err)
{
    char url[2048], next[2048] = "";
    int rc;

    snprintf(url, sizeof url, "%s%s", c->base, path);
    rc = request_once(c, method, url, content_type, body, size, status,
                      reply, next, err);
    /* a list in pages: the rest of them, one after the other */
    while (!rc && next[0] && *status == 200 && json_is_array(*reply)) {
        const char *host = strstr(c->base, "://");
        const char *slash = host ? strchr(host + 3, '/') : NULL;
        json_t *page = NULL;
        long st = 0;

        snprintf(url, sizeof url, "%.*s%s",
                 slash ? (int)(slash - c->base) : (int)strlen(c->base),
                 c->base, next);
        next[0] = '\0';
        rc = request_once(c, "GET", url, NULL, NULL, 0, &st, &page, next,
                          err);
        if (!rc && (st != 200 || !json_is_array(page))) {
            json_decref(*reply);
            *reply = page;
            *status = st;
            break;
        }
        if (!rc) {
            json_array_extend(*reply, page);
        }
        json_decref(page);
    }
    return rc;
}

static int
request_once(struct slc_client *c, const char *method, const char *url,
             const char *content_type, const char *body, size_t size,
             long *status, json_t **reply, char *next,
             struct slc_error *err)
{
    CURL *h = c->curl;
    struct curl_slist *headers = NULL;
    struct buf b = {0};
    char auth[512], type[128];
    CURLcode cc;

    *reply = NULL;
    *status = 0;
    curl_easy_reset(h);
    headers = curl_slist_append(headers, "Accept: application/json");
    if (c->token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", c->token);
        headers = curl_slist_append(headers, auth);
    }
    if (body) {
        snprintf(type, sizeof type, "Content-Type: %s",
                 content_type ? content_type : "application/json");
        headers = curl_slist_append(headers, type);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)size);
    }
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, next);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 120L);
    if (c->cacert) {
        curl_easy_setopt(h, CURLOPT_CAINFO, c->cacert);
    }
    cc = curl_easy_perform(h);
    curl_slist_free_all(headers);
    if (cc == CURLE_PEER_FAILED_VERIFICATION || cc == CURLE_SSL_CACERT_BADFILE) {
        free(b.data);
        return slc_error_set(err, SLC_EIO,
                             "%s %s: %s: slicerd's certificate is not "
                             "trusted%s%s (give its certificate with "
                             "--cacert FILE or $SLICER_CACERT; a local "
                             "slicerd's is STATE_DIR/tls/cert.pem, found "
                             "through $SLICER_STATE_DIR)",
                             method, url, curl_easy_strerror(cc),
                             c->cacert ? " by " : "",
                             c->cacert ? c->cacert : "");
    }
    if (cc != CURLE_OK) {
        free(b.data);
        return slc_error_set(err, SLC_EIO, "%s %s: %s", method, url,
                             curl_easy_strerror(cc));
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
    if (b.len) {
        *reply = json_loadb(b.data, b.len, 0, NULL);
        if (!*reply) {
            *reply = json_pack("{ss}", "detail", b.data);
        }
    }
    free(b.data);
    return 0;
}

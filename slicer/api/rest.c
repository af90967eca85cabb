/* Dispatch of REST requests: route matching (404 for unknown paths, 405 for
 * a known path with another method or a version other than v1), the token
 * and role checks, the error table, and helpers shared by the API modules.
 * See rest-internal.h. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "notify.h"
#include "rest-internal.h"
#include "slc-diag.h"
#include "slc-http-client.h"
#include "slc-id.h"
#include "slc-log.h"
#include "slc-yaml.h"

SLC_LOG_MODULE(rest);

#define MAX_SEGMENTS 12

/* SLC_E* -> HTTP status, in one place. */
static const struct {
    int code;
    unsigned status;
} error_statuses[] = {
    {SLC_ENOTFOUND, 404},        {SLC_EEXISTS, 409},
    {SLC_EINVALID, 422},         {SLC_ECONFLICT, 409},
    {SLC_EBUSY, 409},            {SLC_EUNSUPPORTED, 422},
    {SLC_ETIMEOUT, 504},         {SLC_EIO, 500},
    {SLC_ENOMEM, 500},           {SLC_ETOOBIG, 413},
    {SLC_EDENIED, 403},          {SLC_EUNAUTHENTICATED, 401},
};

static unsigned
status_of(int code)
{
    for (size_t i = 0; i < sizeof error_statuses / sizeof error_statuses[0];
         i++) {
        if (error_statuses[i].code == code) {
            return error_statuses[i].status;
        }
    }
    return 500;
}

int
slc_rest_fail(struct slc_call *c, unsigned status, int code,
              const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(c->err.msg, sizeof c->err.msg, fmt, ap);
    va_end(ap);
    c->err.code = code;
    c->status = status;
    return code;
}

double
slc_rest_now(const struct slc_call *c)
{
    return c->api->now();
}

static bool
media_is(const char *type, const char *want)
{
    size_t n = strlen(want);

    return type && !strncasecmp(type, want, n) &&
           (type[n] == '\0' || type[n] == ';' || type[n] == ' ');
}

bool
slc_rest_is_text_type(const char *type)
{
    static const char *const types[] = {
        "application/json", "application/yaml", "application/x-yaml",
        "text/yaml", "text/x-yaml", "text/plain", NULL,
    };

    for (size_t i = 0; type && types[i]; i++) {
        if (media_is(type, types[i])) {
            return true;
        }
    }
    return !type;
}

int
slc_rest_body(struct slc_call *c, json_t **out)
{
    const char *type = c->req->content_type;
    struct slc_diags diags = SLC_DIAGS_INIT;
    struct slc_yaml_doc *doc = NULL;
    int rc;

    *out = NULL;
    if (!slc_rest_is_text_type(type)) {
        return slc_rest_fail(c, 415, SLC_EINVALID,
                             "Content-Type '%s' is not supported here: send "
                             "application/json or application/yaml",
                             type);
    }
    if (!c->req->body || !c->req->body_size) {
        return slc_rest_fail(c, 400, SLC_EINVALID,
                             "%s %s needs a request body", c->req->method,
                             c->req->path);
    }
    rc = slc_yaml_load(c->req->body, c->req->body_size, "request body", NULL,
                       &doc, &diags);
    if (rc) {
        char msg[512] = "bad request body";

        if (diags.len) {
            slc_diag_format(&diags.items[0], msg, sizeof msg);
        }
        slc_diags_clear(&diags);
        return slc_rest_fail(c, rc == SLC_ETOOBIG ? 413 : 400, rc, "%s",
                             msg);
    }
    *out = json_incref(slc_yaml_root(doc));
    slc_yaml_free(doc);
    if (!json_is_object(*out)) {
        json_decref(*out);
        *out = NULL;
        return slc_rest_fail(c, 400, SLC_EINVALID,
                             "request body: expected a JSON or YAML object");
    }
    rc = slc_rest_check_provider(c, *out);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* The first member of 'v' (at any depth) that asks for a provider
 * network, or NULL. */
static const char *
provider_key(const json_t *v, int depth)
{
    static const char *const keys[] = {"provider-network", "epTransport",
                                       "transportEndpoints", NULL};
    const char *k, *found = NULL;
    const json_t *m;
    size_t i;

    if (depth > 32) {
        return NULL;
    }
    json_object_foreach((json_t *)v, k, m)
    {
        for (const char *const *p = keys; !found && *p; p++) {
            found = !strcmp(k, *p) && !json_is_null(m) ? *p : NULL;
        }
        found = found ? found : provider_key(m, depth + 1);
        if (found) {
            return found;
        }
    }
    json_array_foreach(v, i, m)
    {
        if ((found = provider_key(m, depth + 1))) {
            return found;
        }
    }
    return NULL;
}

int
slc_rest_check_provider(struct slc_call *c, const json_t *body)
{
    const char *k = c->who.admin ? NULL : provider_key(body, 0);

    return k ? slc_rest_fail(c, 403, SLC_EDENIED,
                             "'%s' asks for a provider network on the "
                             "host's physical networks: only a system "
                             "admin may (as Neutron keeps its provider "
                             "attributes to admins)",
                             k)
             : 0;
}

static const char *scalar_text(const json_t *v, char buf[64]);

static const char *
type_name(json_type t)
{
    static const char *const names[] = {
        [JSON_OBJECT] = "an object", [JSON_ARRAY] = "a list",
        [JSON_STRING] = "a string",  [JSON_INTEGER] = "an integer",
        [JSON_REAL] = "a number",    [JSON_TRUE] = "a boolean",
        [JSON_FALSE] = "a boolean",  [JSON_NULL] = "null",
    };

    return names[t];
}

/* The bounds and allowed values of field 'f' (422 naming the value). */
static int
check_value(struct slc_call *c, const char *what,
            const struct slc_body_field *f, const json_t *v)
{
    const char *s = json_string_value(v);
    char allowed[256] = "";
    size_t len = 0;

    if (json_is_integer(v) && f->max > f->min &&
        (json_integer_value(v) < f->min || json_integer_value(v) > f->max)) {
        return slc_rest_fail(c, 422, SLC_EINVALID,
                             "%s: field '%s' is %" JSON_INTEGER_FORMAT
                             ", out of range %" PRId64 "..%" PRId64,
                             what, f->key, json_integer_value(v), f->min,
                             f->max);
    }
    if (!s || !f->values) {
        return 0;
    }
    for (const char *const *a = f->values; *a; a++) {
        if (!strcmp(*a, s)) {
            return 0;
        }
        len += (size_t)snprintf(allowed + len, sizeof allowed - len, "%s%s",
                                a == f->values ? "" : ", ", *a);
        len = len < sizeof allowed ? len : sizeof allowed - 1;
    }
    return slc_rest_fail(c, 422, SLC_EINVALID,
                         "%s: field '%s' is '%.64s', expected one of: %s",
                         what, f->key, s, allowed);
}

int
slc_rest_check_members(struct slc_call *c, const json_t *body,
                       const char *what, const struct slc_body_field *fields)
{
    const char *key;
    const json_t *v;

    json_object_foreach((json_t *)body, key, v)
    {
        const struct slc_body_field *f = fields;

        while (f->key && strcmp(f->key, key)) {
            f++;
        }
        if (!f->key) {
            return slc_rest_fail(c, 422, SLC_EINVALID,
                                 "%s: unknown field '%s'", what, key);
        }
        if (!(f->types & SLC_BT(json_typeof(v)))) {
            char buf[64];
            const char *text = scalar_text(v, buf);

            return slc_rest_fail(c, 422, SLC_EINVALID,
                                 "%s: field '%s' must not be %s%s%.64s%s",
                                 what, key, type_name(json_typeof(v)),
                                 text ? " ('" : "", text ? text : "",
                                 text ? "')" : "");
        }
        if (check_value(c, what, f, v)) {
            return c->err.code;
        }
    }
    return 0;
}

int
slc_rest_check_body(struct slc_call *c, const json_t *body, const char *what,
                    const struct slc_body_field *fields)
{
    int rc = slc_rest_check_members(c, body, what, fields);

    for (const struct slc_body_field *f = fields; !rc && f->key; f++) {
        if (f->required && !json_object_get(body, f->key)) {
            rc = slc_rest_fail(c, 422, SLC_EINVALID,
                               "%s: field '%s' is required", what, f->key);
        }
    }
    return rc;
}

void
slc_rest_reply(struct slc_call *c, unsigned status, json_t *body)
{
    json_decref(c->resp->body);
    c->resp->status = status;
    c->resp->body = body;
}

void
slc_rest_created(struct slc_call *c, const char *base, const char *id,
                 json_t *extra)
{
    json_t *body = json_pack("{ssss}", "id", id, "_id", id);

    if (extra) {
        json_object_update(body, extra);
        json_decref(extra);
    }
    snprintf(c->resp->location, sizeof c->resp->location, "%s/%s", base, id);
    slc_rest_reply(c, 201, body);
}

bool
slc_rest_flag(const struct slc_call *c, const char *word)
{
    return json_object_get(c->req->query, word) != NULL;
}

/* Query keys that are not filters. */
static const char *const admin_words[] = {
    "FORCE", "ADMIN", "PUBLIC", "SET_PROJECT", "METHOD", "fields",
    "all_fields", "exclude_fields", "exclude_default", "vcaStatusRefresh",
    "nextpage_opaque_marker", NULL,
};

static const char *const filter_ops[] = {
    "eq", "neq", "ne", "gt", "lt", "gte", "lte", "cont", "ncont", NULL,
};

/* The text of a scalar for comparisons; NULL for containers. */
static const char *
scalar_text(const json_t *v, char buf[64])
{
    switch (json_typeof(v)) {
    case JSON_STRING:
        return json_string_value(v);
    case JSON_INTEGER:
        snprintf(buf, 64, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return buf;
    case JSON_REAL:
        snprintf(buf, 64, "%g", json_real_value(v));
        return buf;
    case JSON_TRUE:
        return "true";
    case JSON_FALSE:
        return "false";
    case JSON_NULL:
        return "null";
    default:
        return NULL;
    }
}

static bool
compare_one(const char *have, const char *op, const char *want)
{
    char *e1, *e2;
    double a = strtod(have, &e1), b = strtod(want, &e2);
    bool numeric = *have && *want && !*e1 && !*e2;
    int cmp = numeric ? (a > b) - (a < b) : strcmp(have, want);

    if (!strcmp(op, "eq")) {
        return !strcmp(have, want);
    }
    if (!strcmp(op, "cont")) {
        return strstr(have, want) != NULL;
    }
    if (!strcmp(op, "gt")) {
        return cmp > 0;
    }
    if (!strcmp(op, "lt")) {
        return cmp < 0;
    }
    if (!strcmp(op, "gte")) {
        return cmp >= 0;
    }
    return cmp <= 0; /* lte */
}

/* True when some value at 'path' (segments separated by '.') of 'node'
 * matches one of the comma-separated 'wants' under 'op' (a positive op:
 * eq, cont, gt, ...). */
static bool
path_matches(const json_t *node, const char *path, const char *op,
             const char *wants)
{
    const char *dot;
    char seg[256], buf[64];
    size_t len;

    if (!*path) {
        const char *have = scalar_text(node, buf);
        const char *w = wants;

        if (json_is_array(node)) {
            size_t i;
            const json_t *item;

            json_array_foreach(node, i, item)
            {
                if (path_matches(item, "", op, wants)) {
                    return true;
                }
            }
            return false;
        }
        while (have) {
            const char *comma = strchr(w, ',');
            size_t n = comma ? (size_t)(comma - w) : strlen(w);
            char one[256];

            snprintf(one, sizeof one, "%.*s", (int)n, w);
            if (compare_one(have, op, one)) {
                return true;
            }
            if (!comma) {
                break;
            }
            w = comma + 1;
        }
        return false;
    }
    dot = strchr(path, '.');
    len = dot ? (size_t)(dot - path) : strlen(path);
    snprintf(seg, sizeof seg, "%.*s", (int)len, path);
    if (json_is_array(node)) {
        size_t i;
        const json_t *item;
        char *end;
        unsigned long idx = strtoul(seg, &end, 10);

        if (*seg && !*end) {
            return path_matches(json_array_get(node, idx),
                                dot ? dot + 1 : "", op, wants);
        }
        json_array_foreach(node, i, item)
        {
            if (path_matches(item, strcmp(seg, "ANYINDEX") ? path
                                                           : dot ? dot + 1
                                                                 : "",
                             op, wants)) {
                return true;
            }
        }
        return false;
    }
    if (!json_is_object(node)) {
        return false;
    }
    node = json_object_get(node, seg);
    return node && path_matches(node, dot ? dot + 1 : "", op, wants);
}

bool
slc_rest_filter_match(const json_t *query, const json_t *doc)
{
    const char *key;
    const json_t *v;

    json_object_foreach((json_t *)query, key, v)
    {
        char path[512], op[8] = "eq";
        const char *last = strrchr(key, '.');
        bool is_admin = false, negate;

        for (size_t i = 0; admin_words[i]; i++) {
            is_admin |= !strcmp(key, admin_words[i]);
        }
        if (is_admin || !json_is_string(v)) {
            continue;
        }
        snprintf(path, sizeof path, "%s", key);
        for (size_t i = 0; last && filter_ops[i]; i++) {
            if (!strcmp(last + 1, filter_ops[i])) {
                snprintf(op, sizeof op, "%s", filter_ops[i]);
                path[last - key] = '\0';
            }
        }
        negate = !strcmp(op, "neq") || !strcmp(op, "ne") ||
                 !strcmp(op, "ncont");
        if (negate) {
            snprintf(op, sizeof op, "%s", strcmp(op, "ncont") ? "eq" : "cont");
        }
        if (path_matches(doc, path, op, json_string_value(v)) == negate) {
            return false;
        }
    }
    return true;
}

int
slc_rest_get_visible(struct slc_call *c, const char *coll, const char *what,
                     const char *id, struct slc_record *out)
{
    int rc = slc_store_get(c->api->st, coll, id, out, &c->err);

    if (!rc && !slc_auth_can_read(&c->who, out->doc)) {
        slc_record_clear(out);
        rc = SLC_ENOTFOUND;
    }
    if (rc == SLC_ENOTFOUND) {
        return slc_rest_fail(c, 404, rc, "%s '%s' not found", what, id);
    }
    return rc;
}

int
slc_rest_show_stored(struct slc_call *c, const char *coll, const char *what,
                     const char *id)
{
    struct slc_record_text rt;
    int rc = slc_store_get_text(c->api->st, coll, id, &rt, &c->err);

    if (!rc && !slc_auth_in_projects(&c->who, rt.readers)) {
        slc_record_text_clear(&rt);
        rc = SLC_ENOTFOUND;
    }
    if (rc == SLC_ENOTFOUND) {
        return slc_rest_fail(c, 404, rc, "%s '%s' not found", what, id);
    }
    if (!rc) {
        json_decref(c->resp->body);
        c->resp->body = NULL;
        c->resp->status = 200;
        c->resp->json_text = rt.text;
        c->resp->json_len = rt.len;
        rt.text = NULL;
        slc_record_text_clear(&rt);
    }
    return rc;
}

struct list_walk {
    struct slc_call *c;
    json_t *out;
    json_t *(*project)(const json_t *doc);
    bool scoped;              /* only the caller's project's records */
    size_t page;              /* records a page holds; 0: all at once */
    int64_t last;             /* the position of the last one taken */
    bool more;                /* a record follows the page */
};

static int
list_visit(const char *coll, const struct slc_record *rec, void *arg)
{
    struct list_walk *w = arg;
    json_t *item;

    if ((w->scoped && !slc_auth_can_read(&w->c->who, rec->doc)) ||
        !slc_rest_filter_match(w->c->req->query, rec->doc)) {
        return 0;
    }
    if (w->page && json_array_size(w->out) == w->page) {
        w->more = true;
        return 1; /* the page is full, and another follows */
    }
    item = w->project ? w->project(rec->doc) : json_incref(rec->doc);
    if (item) {
        json_array_append_new(w->out, item);
    }
    w->last = rec->pos;
    return 0;
}

/* The request's URI again, with 'marker' for its nextpage_opaque_marker,
 * into the reply's Link header. */
static void
link_next(struct slc_call *c, int64_t marker)
{
    struct slc_http_response *resp = c->resp;
    size_t len = (size_t)snprintf(resp->next, sizeof resp->next, "%s?",
                                  c->req->path);
    const char *key;
    const json_t *v;

    json_object_foreach(c->req->query, key, v)
    {
        char *k = strcmp(key, "nextpage_opaque_marker")
                      ? slc_http_escape(key)
                      : NULL;
        char *val = k && json_is_string(v)
                        ? slc_http_escape(json_string_value(v))
                        : NULL;

        if (k && len < sizeof resp->next) {
            len += (size_t)snprintf(resp->next + len, sizeof resp->next - len,
                                    "%s%s%s&", k, val ? "=" : "",
                                    val ? val : "");
        }
        free(k);
        free(val);
    }
    if (len < sizeof resp->next) {
        snprintf(resp->next + len, sizeof resp->next - len,
                 "nextpage_opaque_marker=%" PRId64, marker);
    }
    if (len >= sizeof resp->next) {
        resp->next[0] = '\0'; /* a query too long to repeat */
    }
}

/* The position a page starts after: the request's nextpage_opaque_marker
 * (a record's position), 0 without one; a 400 for one this server never
 * gave. */
static int
page_after(struct slc_call *c, int64_t *after)
{
    const char *marker = json_string_value(
        json_object_get(c->req->query, "nextpage_opaque_marker"));
    char *end;

    *after = 0;
    if (!marker) {
        return 0;
    }
    *after = strtoll(marker, &end, 10);
    if (!marker[0] || *end || *after <= 0) {
        return slc_rest_fail(c, 400, SLC_EINVALID,
                             "nextpage_opaque_marker '%.64s' is not one this "
                             "server gave",
                             marker);
    }
    return 0;
}

static int
list_walk(struct list_walk *w, const char *coll, json_t **out)
{
    struct slc_call *c = w->c;
    int64_t after;
    int rc;

    if (!w->out) {
        return slc_error_set(&c->err, SLC_ENOMEM, "out of memory");
    }
    if ((rc = page_after(c, &after))) {
        json_decref(w->out);
        return rc;
    }
    w->page = c->api->page_size;
    rc = slc_store_list_after(c->api->st, coll, after, list_visit, w,
                              &c->err);
    if (rc < 0) {
        json_decref(w->out);
        return rc;
    }
    if (w->more) {
        link_next(c, w->last);
    }
    *out = w->out;
    return 0;
}

int
slc_rest_list(struct slc_call *c, const char *coll,
              json_t *(*project)(const json_t *doc), json_t **out)
{
    struct list_walk w = {
        .c = c, .out = json_array(), .project = project, .scoped = true,
    };

    return list_walk(&w, coll, out);
}

/* Whether the request's query filters (beyond the words of
 * admin_words). */
static bool
has_filters(const json_t *query)
{
    const char *key;
    const json_t *v;

    json_object_foreach((json_t *)query, key, v)
    {
        bool admin = false;

        for (size_t i = 0; admin_words[i]; i++) {
            admin |= !strcmp(key, admin_words[i]);
        }
        if (!admin && json_is_string(v)) {
            return true;
        }
    }
    return false;
}

/* A list page written as the stored documents' text, comma by comma. */
struct text_walk {
    struct slc_call *c;
    char *buf;
    size_t len, cap;
    size_t n, page;
    int64_t last;
    bool more;
};

static int
text_visit(const char *coll, const struct slc_record_text *rt, void *arg)
{
    struct text_walk *w = arg;

    (void)coll;
    if (!slc_auth_in_projects(&w->c->who, rt->readers)) {
        return 0;
    }
    if (w->page && w->n == w->page) {
        w->more = true;
        return 1;
    }
    if (w->len + rt->len + 3 > w->cap) {
        size_t cap = (w->len + rt->len + 3) * 2;
        char *b = realloc(w->buf, cap);

        if (!b) {
            return SLC_ENOMEM;
        }
        w->buf = b;
        w->cap = cap;
    }
    w->buf[w->len++] = w->n ? ',' : '[';
    memcpy(w->buf + w->len, rt->text, rt->len);
    w->len += rt->len;
    w->n++;
    w->last = rt->pos;
    return 0;
}

/* The list as the documents' text, when nothing needs them parsed (no
 * filter, no projection): SLC_EUNSUPPORTED when the store cannot. */
static int
reply_list_text(struct slc_call *c, const char *coll, int64_t after)
{
    struct text_walk w = {.c = c, .page = c->api->page_size};
    int rc = slc_store_list_after_text(c->api->st, coll, after, text_visit,
                                       &w, &c->err);

    if (rc < 0) {
        free(w.buf);
        return rc;
    }
    if (!w.buf && !(w.buf = malloc(3))) {
        return slc_error_set(&c->err, SLC_ENOMEM, "out of memory");
    }
    if (!w.n) {
        w.buf[w.len++] = '[';
    }
    w.buf[w.len++] = ']';
    w.buf[w.len] = '\0';
    if (w.more) {
        link_next(c, w.last);
    }
    json_decref(c->resp->body);
    c->resp->body = NULL;
    c->resp->status = 200;
    c->resp->json_text = w.buf;
    c->resp->json_len = w.len;
    return 0;
}

int
slc_rest_reply_list(struct slc_call *c, const char *coll,
                    json_t *(*project)(const json_t *doc))
{
    json_t *out;
    int rc;

    if (!project && !has_filters(c->req->query)) {
        int64_t after;

        if ((rc = page_after(c, &after))) {
            return rc;
        }
        rc = reply_list_text(c, coll, after);
        if (rc != SLC_EUNSUPPORTED) {
            return rc;
        }
        c->err = (struct slc_error){0};
    }
    rc = slc_rest_list(c, coll, project, &out);

    if (!rc) {
        slc_rest_reply(c, 200, out);
    }
    return rc;
}

int
slc_rest_list_all(struct slc_call *c, const char *coll, json_t **out)
{
    struct list_walk w = {.c = c, .out = json_array()};

    return list_walk(&w, coll, out);
}

/* Splits 'path' into at most MAX_SEGMENTS segments (in 'buf'). */
static size_t
split_path(const char *path, char *buf, size_t size,
           const char *segs[MAX_SEGMENTS])
{
    size_t n = 0;
    char *save, *tok;

    snprintf(buf, size, "%s", path);
    for (tok = strtok_r(buf, "/", &save); tok && n < MAX_SEGMENTS;
         tok = strtok_r(NULL, "/", &save)) {
        segs[n++] = tok;
    }
    return tok ? MAX_SEGMENTS + 1 : n;
}

/* Matches 'pattern' against the segments of the request path, walking the
 * pattern in place (this runs for every route of every request); fills
 * the {params}. */
static bool
route_matches(const char *pattern, const char *const *segs, size_t n,
              const char **params, size_t *n_params)
{
    const char *p = pattern;
    size_t i = 0;

    *n_params = 0;
    while (*p == '/') {
        p++;
    }
    for (; *p; i++) {
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);

        if (i == n) {
            return false;
        }
        if (*p == '{') {
            if (*n_params < SLC_REST_MAX_PARAMS) {
                params[(*n_params)++] = segs[i];
            }
        } else if (strlen(segs[i]) != len || strncmp(p, segs[i], len)) {
            return false;
        }
        p += len;
        while (*p == '/') {
            p++;
        }
    }
    return i == n;
}

static const struct slc_route *const route_tables[] = {
    slc_identity_routes,
    slc_infra_routes,
    slc_catalogue_routes,
    slc_nslcm_routes,
    slc_nsilcm_routes,
    slc_nsmf_routes,
    slc_subscription_routes,
    slc_provmns_routes,
    slc_onap_nssmf_routes,
    slc_metrics_routes,
    slc_openapi_routes,
    slc_ui_routes,
};

static const char *const main_topics[] = {
    "admin", "vnfpkgm", "nsd", "nslcm", "pdu", "nst", "nsilcm", NULL,
};

/* Finds the route; 404/405 otherwise (with the message in 'c'). */
static const struct slc_route *
find_route(struct slc_call *c, const char *method, const char *path)
{
    const char *segs[MAX_SEGMENTS];
    size_t n = split_path(path, c->path_buf, sizeof c->path_buf, segs);
    bool path_known = false;
    bool topic_known = false;

    if (n >= 2 && !strcmp(segs[0], "osm")) {
        for (size_t i = 0; main_topics[i]; i++) {
            topic_known |= !strcmp(segs[1], main_topics[i]);
        }
    }
    if (topic_known && n >= 3 && strcmp(segs[2], "v1")) {
        slc_rest_fail(c, 405, SLC_EUNSUPPORTED,
                      "API version '%s' is not supported: use v1", segs[2]);
        return NULL;
    }
    for (size_t t = 0; n <= MAX_SEGMENTS &&
                       t < sizeof route_tables / sizeof route_tables[0];
         t++) {
        for (const struct slc_route *r = route_tables[t]; r->method; r++) {
            const char *params[SLC_REST_MAX_PARAMS];
            size_t np;

            if (!route_matches(r->pattern, segs, n, params, &np)) {
                continue;
            }
            path_known = true;
            if (strcmp(r->method, method)) {
                continue;
            }
            memcpy(c->params, params, sizeof params);
            c->n_params = np;
            return r;
        }
    }
    if (path_known) {
        slc_rest_fail(c, 405, SLC_EUNSUPPORTED,
                      "method %s is not allowed on %s", method, path);
    } else {
        slc_rest_fail(c, 404, SLC_ENOTFOUND, "no such URL: %s", path);
    }
    return NULL;
}

/* The operation of 'r' for 'method' into 'buf': "nsds:id:" + "get". */
static const char *
operation_of(const struct slc_route *r, const char *method, char *buf,
             size_t size)
{
    size_t n = (size_t)snprintf(buf, size, "%s", r->permission);

    for (const char *m = method; *m && n + 1 < size; m++) {
        buf[n++] = (char)(*m >= 'A' && *m <= 'Z' ? *m - 'A' + 'a' : *m);
    }
    buf[n < size ? n : size - 1] = '\0';
    return buf;
}

bool
slc_rest_may(const struct slc_call *c, const char *operation)
{
    return slc_auth_allows(c->api->tokens, &c->who, operation);
}

static int
authorize(struct slc_call *c, const struct slc_route *r)
{
    char op[128], names[256], bearer[220];
    const char *auth = c->req->authorization, *x_token;
    int rc;

    if (r->permission == SLC_ROUTE_PUBLIC) {
        return 0;
    }
    /* ONAP's NSSMF clients send their token as X-Auth-Token */
    x_token = slc_http_header(c->req, "X-Auth-Token");
    if (!auth && x_token) {
        snprintf(bearer, sizeof bearer, "Bearer %.200s", x_token);
        auth = bearer;
    }
    rc = slc_auth_check(c->api->st, c->api->tokens, auth, slc_rest_now(c),
                        &c->who, &c->err);
    if (rc) {
        return rc;
    }
    operation_of(r, r->method, op, sizeof op);
    if (!slc_rest_may(c, op)) {
        return slc_rest_fail(
            c, 403, SLC_EDENIED,
            "user '%s' (role %s in project '%s') may not %s %s: no role "
            "allows '%s'",
            c->who.username,
            slc_auth_role_names(c->api->tokens, &c->who, names,
                                sizeof names),
            c->who.project_name, r->method, c->req->path, op);
    }
    return 0;
}

/* Whether 'key' is 'op' or one of its nodes ("nsds", "nsds:id"). */
static bool
is_node_of(const char *key, const char *op)
{
    size_t n = strlen(key);

    return !strncmp(key, op, n) && (op[n] == '\0' || op[n] == ':');
}

bool
slc_rest_known_permission(const char *key)
{
    char op[128];

    if (!strcmp(key, "default") || !strcmp(key, "admin")) {
        return true;
    }
    for (size_t t = 0; t < sizeof route_tables / sizeof route_tables[0];
         t++) {
        for (const struct slc_route *r = route_tables[t]; r->method; r++) {
            if (r->permission &&
                is_node_of(key, operation_of(r, r->method, op, sizeof op))) {
                return true;
            }
        }
    }
    return false;
}

json_t *
slc_rest_route_list(void)
{
    json_t *list = json_array();

    for (size_t t = 0; t < sizeof route_tables / sizeof route_tables[0];
         t++) {
        for (const struct slc_route *r = route_tables[t]; r->method; r++) {
            json_array_append_new(list,
                                  json_pack("{ss ss sb}", "method", r->method,
                                            "path", r->pattern, "public",
                                            r->permission == NULL));
        }
    }
    return list;
}

json_t *
slc_rest_read_only_permissions(void)
{
    json_t *perms = json_pack("{sbsbsb}", "default", 0, "admin", 0,
                              "tokens", 1);
    char op[128];

    for (size_t t = 0; t < sizeof route_tables / sizeof route_tables[0];
         t++) {
        for (const struct slc_route *r = route_tables[t]; r->method; r++) {
            if (r->permission && !strcmp(r->method, "GET")) {
                json_object_set_new(
                    perms, operation_of(r, r->method, op, sizeof op),
                    json_true());
            }
        }
    }
    return perms;
}

void
slc_rest_handle(void *ctx, const struct slc_http_request *req,
                struct slc_http_response *resp)
{
    struct slc_call c = {.api = ctx, .req = req, .resp = resp};
    const json_t *override = json_object_get(req->query, "METHOD");
    const char *method = json_string_value(override) ? json_string_value(
                                                           override)
                                                     : req->method;
    const struct slc_route *r = find_route(&c, method, req->path);
    int rc = r ? authorize(&c, r) : c.err.code;

    resp->route = r ? r->pattern : NULL;

    /* on an optimistic store (etcd) another instance may have written
     * what the request read: nothing was written, so it runs again */
    for (int tries = 0; !rc; tries++) {
        rc = r->handler(&c);
        if (!rc || tries == 4 || !slc_store_again(c.api->st, &c.err)) {
            break;
        }
        SLC_INFO("%s %s: %s; again", method, req->path, c.err.msg);
        c.err = (struct slc_error){0};
        c.status = 0;
        rc = 0;
    }
    if (rc) {
        unsigned status = c.status ? c.status : status_of(rc);

        if (status >= 500) {
            SLC_ERR("%s %s: %s", method, req->path, c.err.msg);
        } else {
            SLC_DEBUG("%s %s: %u %s", method, req->path, status, c.err.msg);
        }
        slc_utf8_scrub(c.err.msg); /* it may quote the client's bytes */
        if (slc_provmns_path(req->path)) {
            slc_provmns_error(resp, status, c.err.msg);
        } else {
            slc_http_error(resp, status, c.err.msg);
        }
    }
}

void
slc_rest_tell_identifier(struct slc_call *c, const char *coll,
                         const char *id, bool created)
{
    enum slc_notify_api api =
        strcmp(coll, "nsis") ? SLC_NOTIFY_NSLCM : SLC_NOTIFY_NSILCM;
    struct slc_record rec = {0};
    struct slc_error err = {0};

    if (slc_notify_listens(c->api->notifier, api) &&
        !slc_store_get(c->api->st, coll, id, &rec, &err)) {
        slc_notify_identifier(c->api->notifier, api, created, rec.doc);
    }
    slc_record_clear(&rec);
}

int
slc_rest_lcm_error(struct slc_call *c, int rc)
{
    c->status = rc == SLC_EBUSY || rc == SLC_ECONFLICT ? 409
                : rc == SLC_ENOTFOUND                  ? 404
                : rc == SLC_EINVALID                   ? 422
                                                       : 0;
    return rc;
}

/* ---- records of the admin APIs (identity-api.c, infra-api.c) ---- */

json_t *
slc_rest_stamp(const struct slc_call *c)
{
    double now = slc_rest_now(c);

    return json_pack("{sfsf}", "created", now, "modified", now);
}

void
slc_rest_touch(const struct slc_call *c, json_t *doc)
{
    json_object_set_new(json_object_get(doc, "_admin"), "modified",
                        json_real(slc_rest_now(c)));
}

int
slc_rest_check_name(struct slc_call *c, const char *what, const char *name)
{
    if (!name || !*name || strlen(name) > 255 || strpbrk(name, ",;()'\"")) {
        return slc_rest_fail(c, 422, SLC_EINVALID,
                             "%s: name '%.64s' must have 1 to 255 characters "
                             "and none of , ; ( ) ' \"",
                             what, name ? name : "");
    }
    return 0;
}

int
slc_rest_create_named(struct slc_call *c, const char *coll, const char *what,
             const char *name, json_t *doc, char id[SLC_UUID_STR_SIZE])
{
    struct slc_record rec = {.id = id, .name = (char *)name, .doc = doc};
    struct slc_record old;
    int rc;

    if (slc_uuid7(id)) {
        return slc_error_set(&c->err, SLC_EIO, "no random source");
    }
    json_object_set_new(doc, "_id", json_string(id));
    if ((rc = slc_store_begin(c->api->st, &c->err))) {
        return rc;
    }
    {
        /* names are unique within the project that owns the record (all
         * records of a collection without projects: users, projects) */
        struct slc_scope home = slc_scope_of(doc);

        rc = slc_store_find_home(c->api->st, coll, name, &home, &old,
                                 &c->err);
    }
    if (!rc) {
        slc_record_clear(&old);
        rc = slc_rest_fail(c, 409, SLC_EEXISTS,
                           "%s '%s' already exists", what, name);
    } else if (rc == SLC_ENOTFOUND) {
        rc = slc_store_put(c->api->st, coll, &rec, NULL, SLC_REV_NEW, NULL,
                           &c->err);
    }
    rc = rc ? rc : slc_store_commit(c->api->st, &c->err);
    if (rc) {
        slc_store_rollback(c->api->st);
    }
    return rc;
}

struct slc_scope
slc_rest_scope(const struct slc_call *c)
{
    return (struct slc_scope){.project = c->who.project_id,
                              .all = c->who.admin};
}

int
slc_rest_get_in_scope(struct slc_call *c, const char *coll, const char *what,
                      const char *key, struct slc_record *out)
{
    struct slc_scope sc = slc_rest_scope(c);
    int rc = slc_store_find_in(c->api->st, coll, key, &sc, out, &c->err);

    if (rc == SLC_ENOTFOUND) {
        return slc_rest_fail(c, 404, rc, "%s '%s' not found", what, key);
    }
    return rc;
}

int
slc_rest_get_by_key(struct slc_call *c, const char *coll, const char *what,
           const char *key, struct slc_record *out)
{
    int rc = slc_store_get(c->api->st, coll, key, out, &c->err);

    if (rc == SLC_ENOTFOUND) {
        rc = slc_store_find(c->api->st, coll, key, out, &c->err);
    }
    if (rc == SLC_ENOTFOUND) {
        return slc_rest_fail(c, 404, rc, "%s '%s' not found", what, key);
    }
    return rc;
}

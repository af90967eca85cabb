/* A session with an OpenStack cloud (see openstack-api.h).
 *
 * One token at a time: a call that finds none (or one about to expire)
 * joins the queue of calls waiting for it and, when it is the first,
 * starts the password authentication.  When Keystone answers, the queue
 * is sent with the new token or failed with Keystone's words.  A service
 * answering 401 (a token revoked or expired early) sends its call back to
 * the queue once. */
#include "openstack-api.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "slc-http-client.h"
#include "slc-log.h"

SLC_LOG_MODULE(openstack_api);

/* A token is renewed when it has less than this left. */
#define RENEW_MARGIN_S 120

struct call {
    struct slc_os_session *s;
    enum slc_os_service svc;
    char *method, *path, *body;
    slc_os_fn done;
    void *arg;
    bool retried;           /* sent again after a 401 once already */
    bool auth;              /* the authentication itself */
    unsigned gen;           /* the token it was sent with */
    struct call *next;      /* in the queue waiting for a token */
    struct call *sent_next; /* in the session's calls in flight */
};

struct slc_os_session {
    struct slc_http_client *http;
    char *auth_url, *auth_body, *label;
    char *region, *interface, *ca_file;
    bool insecure;
    long timeout_ms;
    char *token;
    unsigned gen; /* counts the tokens taken */
    time_t expires;
    char *endpoints[SLC_OS_N_SERVICES];
    bool authenticating;
    struct call *waiting, **waiting_tail;
    struct call *sent; /* in flight: freed with the session */
};

static const char *const service_names[] = {
#define SLC_OS_SERVICE_NAME(name, text) text,
    SLC_OS_SERVICES(SLC_OS_SERVICE_NAME)
#undef SLC_OS_SERVICE_NAME
};

static void
call_free(struct call *c)
{
    if (c) {
        free(c->method);
        free(c->path);
        free(c->body);
        free(c);
    }
}

static char *
dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* {"name": n} or {"id": i} of a domain ("Default" when neither). */
static json_t *
domain(const char *name, const char *id)
{
    return id ? json_pack("{ss}", "id", id)
              : json_pack("{ss}", "name", name ? name : "Default");
}

int
slc_os_session_new(const struct slc_os_params *p, struct slc_os_session **out,
                   struct slc_error *err)
{
    struct slc_os_session *s;
    json_t *scope, *body;
    int rc;

    *out = NULL;
    if (!p->auth_url || (strncmp(p->auth_url, "http://", 7) &&
                         strncmp(p->auth_url, "https://", 8))) {
        return slc_error_set(err, SLC_EINVALID,
                             "vim_url '%s': expected Keystone's "
                             "http(s)://HOST:PORT/v3",
                             p->auth_url ? p->auth_url : "");
    }
    if (!p->user || !p->password || (!p->project && !p->project_id)) {
        return slc_error_set(err, SLC_EINVALID,
                             "an OpenStack account needs vim_user, "
                             "vim_password and vim_tenant_name (or "
                             "vim_tenant_id)");
    }
    if (!(s = calloc(1, sizeof *s))) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    s->waiting_tail = &s->waiting;
    s->timeout_ms = p->timeout_ms > 0 ? p->timeout_ms : 30000;
    s->insecure = p->insecure;
    scope =
        p->project_id
            ? json_pack("{s{ss}}", "project", "id", p->project_id)
            : json_pack("{s{ss so}}", "project", "name", p->project, "domain",
                        domain(p->project_domain, p->project_domain_id));
    body =
        json_pack("{s{s{s[s] s{s{ss so ss}}} so}}", "auth", "identity",
                  "methods", "password", "password", "user", "name", p->user,
                  "domain", domain(p->user_domain, p->user_domain_id),
                  "password", p->password, "scope", scope);
    s->auth_body = body ? json_dumps(body, JSON_COMPACT) : NULL;
    json_decref(body);
    s->auth_url = strdup(p->auth_url);
    s->label = strdup(p->label ? p->label : "openstack");
    s->region = dup_or_null(p->region);
    s->interface = strdup(p->interface ? p->interface : "public");
    s->ca_file = dup_or_null(p->ca_file);
    /* trailing slashes would double in the URLs built on it */
    while (s->auth_url && strlen(s->auth_url) > 8 &&
           s->auth_url[strlen(s->auth_url) - 1] == '/') {
        s->auth_url[strlen(s->auth_url) - 1] = '\0';
    }
    if (!s->auth_body || !s->auth_url || !s->label || !s->interface ||
        (p->region && !s->region) || (p->ca_file && !s->ca_file)) {
        slc_os_session_free(s);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    rc = slc_http_client_new(p->base, s->timeout_ms, 64u << 20, &s->http, err);
    if (rc) {
        slc_os_session_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

static void
forget_token(struct slc_os_session *s)
{
    free(s->token);
    s->token = NULL;
    for (size_t i = 0; i < SLC_OS_N_SERVICES; i++) {
        free(s->endpoints[i]);
        s->endpoints[i] = NULL;
    }
}

void
slc_os_session_free(struct slc_os_session *s)
{
    if (!s) {
        return;
    }
    /* abandons the requests in flight without their callbacks */
    slc_http_client_free(s->http);
    while (s->sent) {
        struct call *c = s->sent;

        s->sent = c->sent_next;
        call_free(c);
    }
    while (s->waiting) {
        struct call *c = s->waiting;

        s->waiting = c->next;
        call_free(c);
    }
    forget_token(s);
    if (s->auth_body) {
        /* the password is in it */
        memset(s->auth_body, 0, strlen(s->auth_body));
    }
    free(s->auth_body);
    free(s->auth_url);
    free(s->label);
    free(s->region);
    free(s->interface);
    free(s->ca_file);
    free(s);
}

/* The "message" of an OpenStack error body: Nova's {"badRequest":
 * {"message"}}, Neutron's {"NeutronError": {"message"}}, Keystone's
 * {"error": {"message"}}.  Anything else is not quoted: the URL is the
 * account's, and what some other server at it says is not for the
 * caller to read. */
static void
error_text(const char *raw, const json_t *body, char *buf, size_t size)
{
    const char *k;
    const json_t *v;

    json_object_foreach((json_t *)body, k, v)
    {
        const char *m = json_string_value(json_object_get(v, "message"));

        if (m) {
            snprintf(buf, size, "%s", m);
            goto trim;
        }
    }
    if (json_is_string(json_object_get(body, "message"))) {
        snprintf(buf, size, "%s",
                 json_string_value(json_object_get(body, "message")));
    } else {
        snprintf(buf, size,
                 "(a reply of %zu bytes that is not an "
                 "OpenStack error)",
                 raw ? strlen(raw) : 0);
    }
trim:
    for (char *p = buf; *p; p++) {
        *p = *p == '\n' || *p == '\r' || *p == '\t' ? ' ' : *p;
    }
    for (size_t n = strlen(buf); n && isspace((unsigned char)buf[n - 1]);) {
        buf[--n] = '\0';
    }
}

/* The URL path of 'url' (what messages show of it). */
static const char *
path_of(const char *url)
{
    const char *p = strstr(url, "://");
    const char *slash = p ? strchr(p + 3, '/') : NULL;

    return slash ? slash : "/";
}

static void on_reply(void *arg, const struct slc_http_reply *r);
static int start_auth(struct slc_os_session *s, slc_os_fn done, void *arg,
                      struct slc_error *err);

/* Sends 'c' now (the session has a token, or 'c' is the authentication).
 * On failure 'c' is not freed. */
static int
send_call(struct call *c, struct slc_error *err)
{
    struct slc_os_session *s = c->s;
    char url[4096], auth[4200];
    const char *headers[5] = {"Content-Type: application/json",
                              "Accept: application/json"};
    size_t n = 2;
    const char *base = c->auth ? s->auth_url : s->endpoints[c->svc];
    int len = snprintf(url, sizeof url, "%s%s", base ? base : "", c->path);

    if (!base || len < 0 || (size_t)len >= sizeof url) {
        return slc_error_set(err, SLC_EINVALID, "%s: %s %s: URL too long",
                             s->label, service_names[c->svc], c->path);
    }
    if (!c->auth) {
        snprintf(auth, sizeof auth, "X-Auth-Token: %s", s->token);
        headers[n++] = auth;
        c->gen = s->gen;
    }
    if (c->svc == SLC_OS_COMPUTE) {
        headers[n++] =
            "OpenStack-API-Version: compute " SLC_OS_COMPUTE_MICROVERSION;
    }
    headers[n] = NULL;
    {
        struct slc_http_call hc = {
            .method = c->method,
            .url = url,
            .headers = headers,
            .body = c->body,
            .body_size = c->body ? strlen(c->body) : 0,
            .timeout_ms = s->timeout_ms,
            .insecure = s->insecure,
            .ca_file = s->ca_file,
        };
        int rc = slc_http_client_start(s->http, &hc, on_reply, c, err);

        memset(auth, 0, sizeof auth);
        if (!rc) {
            c->sent_next = s->sent;
            s->sent = c;
        }
        return rc;
    }
}

/* The endpoint of service type 'type' in 'catalog' for the session's
 * region and interface, as a new string, or NULL. */
static char *
endpoint_of(const struct slc_os_session *s, const json_t *catalog,
            const char *type)
{
    const json_t *svc, *ep;
    size_t i, j;

    json_array_foreach(catalog, i, svc)
    {
        if (strcmp(json_string_value(json_object_get(svc, "type")) ?: "",
                   type)) {
            continue;
        }
        json_array_foreach(json_object_get(svc, "endpoints"), j, ep)
        {
            const char *region =
                json_string_value(json_object_get(ep, "region_id"))
                    ?: json_string_value(json_object_get(ep, "region"));
            const char *url = json_string_value(json_object_get(ep, "url"));

            if (!url ||
                strcmp(json_string_value(json_object_get(ep, "interface"))
                           ?: "",
                       s->interface) ||
                (s->region && strcmp(region ? region : "", s->region))) {
                continue;
            }
            return strdup(url);
        }
    }
    return NULL;
}

/* 'url' without trailing slashes and with 'suffix' when it does not end
 * with it already (Neutron's catalog URL lacks its "/v2.0"). */
static char *
with_suffix(char *url, const char *suffix)
{
    size_t n = strlen(url);
    char *out;

    while (n > 8 && url[n - 1] == '/') {
        url[--n] = '\0';
    }
    if (!suffix ||
        (n >= strlen(suffix) && !strcmp(url + n - strlen(suffix), suffix))) {
        return url;
    }
    out = malloc(n + strlen(suffix) + 1);
    if (out) {
        memcpy(out, url, n);
        strcpy(out + n, suffix);
    }
    free(url);
    return out;
}

/* An ISO 8601 UTC time ("2026-12-03T18:45:34.000000Z") as time_t; 0 when
 * it does not parse. */
static time_t
parse_time(const char *iso)
{
    struct tm tm = {0};

    if (!iso || !strptime(iso, "%Y-%m-%dT%H:%M:%S", &tm)) {
        return 0;
    }
    return timegm(&tm);
}

/* Takes the token and the catalog from Keystone's reply; 0, or why not
 * in 'msg'. */
static int
take_token(struct slc_os_session *s, const struct slc_http_reply *r,
           json_t *body, char *msg, size_t size)
{
    static const char *const suffixes[SLC_OS_N_SERVICES] = {
        [SLC_OS_NETWORK] = "/v2.0",
        [SLC_OS_IMAGE] = "/v2",
    };
    const char *token = slc_http_reply_header(r, "X-Subject-Token");
    const json_t *t = json_object_get(body, "token");
    const json_t *catalog = json_object_get(t, "catalog");

    forget_token(s);
    if (!token || !*token) {
        snprintf(msg, size, "Keystone answered without X-Subject-Token");
        return SLC_EIO;
    }
    s->token = strdup(token);
    s->gen++;
    s->expires =
        parse_time(json_string_value(json_object_get(t, "expires_at")));
    s->endpoints[SLC_OS_IDENTITY] = strdup(s->auth_url);
    for (int i = SLC_OS_COMPUTE; i < SLC_OS_N_SERVICES; i++) {
        char *url = endpoint_of(s, catalog, service_names[i]);

        if (!url) {
            snprintf(msg, size,
                     "the catalog has no %s endpoint for interface '%s'%s%s",
                     service_names[i], s->interface,
                     s->region ? " in region " : "",
                     s->region ? s->region : "");
            forget_token(s);
            return SLC_EUNSUPPORTED;
        }
        s->endpoints[i] = with_suffix(url, suffixes[i]);
    }
    for (size_t i = 0; i < SLC_OS_N_SERVICES; i++) {
        if (!s->endpoints[i] || !s->token) {
            forget_token(s);
            snprintf(msg, size, "out of memory");
            return SLC_ENOMEM;
        }
    }
    SLC_INFO("%s: token taken (catalog: compute %s, network %s, image %s)",
             s->label, s->endpoints[SLC_OS_COMPUTE],
             s->endpoints[SLC_OS_NETWORK], s->endpoints[SLC_OS_IMAGE]);
    return 0;
}

/* Sends or fails the calls waiting for a token. */
static void
flush_waiting(struct slc_os_session *s, int rc, const char *msg)
{
    struct call *list = s->waiting;

    s->waiting = NULL;
    s->waiting_tail = &s->waiting;
    while (list) {
        struct call *c = list;
        struct slc_error err = {0};

        list = c->next;
        c->next = NULL;
        if (!rc && !send_call(c, &err)) {
            continue;
        }
        c->done(c->arg, rc ? rc : err.code, rc ? msg : err.msg, NULL, 0);
        call_free(c);
    }
}

static void
auth_done(struct slc_os_session *s, struct call *c,
          const struct slc_http_reply *r, json_t *body)
{
    char msg[1024];
    int rc;

    s->authenticating = false;
    if (r->error) {
        snprintf(msg, sizeof msg, "Keystone %s: %s", s->auth_url, r->error);
        rc = strstr(r->error, "imed out") ? SLC_ETIMEOUT : SLC_EIO;
    } else if (r->status < 200 || r->status > 299) {
        char text[600];

        error_text(r->body, body, text, sizeof text);
        snprintf(msg, sizeof msg, "Keystone POST %s/auth/tokens: %ld %s",
                 path_of(s->auth_url), r->status, text);
        rc = slc_http_status_code(r->status);
        rc = rc == SLC_ENOTFOUND ? SLC_EINVALID : rc;
    } else {
        rc = take_token(s, r, body, msg, sizeof msg);
    }
    if (rc) {
        SLC_WARN_RL("%s: authentication failed: %s", s->label, msg);
    }
    if (c->done) {
        /* slc_os_authenticate()'s caller */
        c->done(c->arg, rc, rc ? msg : NULL, NULL, r->status);
    }
    flush_waiting(s, rc, msg);
}

static void
on_reply(void *arg, const struct slc_http_reply *r)
{
    struct call *c = arg;
    struct slc_os_session *s = c->s;
    json_t *body = r->body_size ? json_loads(r->body, 0, NULL) : NULL;
    char msg[1200], text[800];
    int rc = 0;

    for (struct call **p = &s->sent; *p; p = &(*p)->sent_next) {
        if (*p == c) {
            *p = c->sent_next;
            break;
        }
    }

    if (c->auth) {
        auth_done(s, c, r, body);
        json_decref(body);
        call_free(c);
        return;
    }
    if (r->status == 401 && !r->error && !c->retried) {
        struct slc_error err = {0};

        /* the token went stale: fetch another (unless a call that came
         * back before this one did already) and send this again */
        c->retried = true;
        if (s->token && c->gen == s->gen) {
            forget_token(s);
        }
        if (s->token) {
            if (send_call(c, &err)) {
                c->done(c->arg, err.code, err.msg, NULL, 0);
                call_free(c);
            }
            json_decref(body);
            return;
        }
        *s->waiting_tail = c;
        s->waiting_tail = &c->next;
        if (!s->authenticating && start_auth(s, NULL, NULL, &err)) {
            flush_waiting(s, err.code, err.msg);
        }
        json_decref(body);
        return;
    }
    if (r->error) {
        snprintf(msg, sizeof msg, "%s %s %s: %s", service_names[c->svc],
                 c->method, c->path, r->error);
        rc = strstr(r->error, "imed out") ? SLC_ETIMEOUT : SLC_EIO;
    } else if (r->status < 200 || r->status > 299) {
        error_text(r->body, body, text, sizeof text);
        snprintf(msg, sizeof msg, "%s %s %s: %ld %s", service_names[c->svc],
                 c->method, c->path, r->status, text);
        rc = slc_http_status_code(r->status);
    }
    c->done(c->arg, rc, rc ? msg : NULL, body, r->status);
    json_decref(body);
    call_free(c);
}

static struct call *
new_call(struct slc_os_session *s, enum slc_os_service svc, const char *method,
         const char *path, json_t *body, slc_os_fn done, void *arg)
{
    struct call *c = calloc(1, sizeof *c);

    if (!c) {
        json_decref(body);
        return NULL;
    }
    *c = (struct call){.s = s, .svc = svc, .done = done, .arg = arg};
    c->method = strdup(method);
    c->path = strdup(path);
    c->body = body ? json_dumps(body, JSON_COMPACT) : NULL;
    if (!c->method || !c->path || (body && !c->body)) {
        call_free(c);
        c = NULL;
    }
    json_decref(body);
    return c;
}

/* Starts the password authentication; 'done' (may be NULL) gets its
 * outcome. */
static int
start_auth(struct slc_os_session *s, slc_os_fn done, void *arg,
           struct slc_error *err)
{
    struct call *c =
        new_call(s, SLC_OS_IDENTITY, "POST", "/auth/tokens", NULL, done, arg);
    int rc;

    if (!c || !(c->body = strdup(s->auth_body))) {
        call_free(c);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    c->auth = true;
    rc = send_call(c, err);
    if (rc) {
        call_free(c);
        return rc;
    }
    s->authenticating = true;
    return 0;
}

int
slc_os_authenticate(struct slc_os_session *s, slc_os_fn done, void *arg,
                    struct slc_error *err)
{
    if (s->authenticating) {
        return slc_error_set(err, SLC_EBUSY, "%s: already authenticating",
                             s->label);
    }
    return start_auth(s, done, arg, err);
}

int
slc_os_call(struct slc_os_session *s, enum slc_os_service svc,
            const char *method, const char *path, json_t *body, slc_os_fn done,
            void *arg, struct slc_error *err)
{
    struct call *c = new_call(s, svc, method, path, body, done, arg);

    if (!c) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    if (s->token &&
        (!s->expires || time(NULL) < s->expires - RENEW_MARGIN_S)) {
        int rc = send_call(c, err);

        if (rc) {
            call_free(c);
        }
        return rc;
    }
    *s->waiting_tail = c;
    s->waiting_tail = &c->next;
    if (!s->authenticating) {
        int rc = start_auth(s, NULL, NULL, err);

        if (rc) {
            /* take it back: this call fails here, not later */
            struct call **p = &s->waiting;

            while (*p && *p != c) {
                p = &(*p)->next;
            }
            *p = c->next;
            if (s->waiting_tail == &c->next) {
                s->waiting_tail = p;
            }
            call_free(c);
            return rc;
        }
    }
    return 0;
}

bool
slc_os_session_authenticated(const struct slc_os_session *s)
{
    return s->token != NULL;
}

bool
slc_os_path(char *buf, size_t size, const char *path, const char *value)
{
    char *escaped = slc_http_escape(value);
    int n = escaped ? snprintf(buf, size, "%s%s", path, escaped) : -1;

    free(escaped);
    return n >= 0 && (size_t)n < size;
}

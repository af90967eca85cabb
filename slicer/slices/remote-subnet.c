/* Slice subnets that an external NSSMF provides (slice-managers.md §8 "as
 * NSMF"; slice-internal.h): each allocation or deallocation is a stored
 * operation (collection "nssi_remote_ops") that a slice operation awaits
 * like an NS operation, driven here over HTTP from the loop:
 *
 *   3gpp  allocate:   POST {url}/NSSProvMnS/v1/SliceProfiles (the profile
 *                     id is the NSI's and subnet's: a retry is the same
 *                     allocation), then GET the NSSI's MOI until it is
 *                     ENABLED with the profile on it;
 *         deallocate: DELETE .../SliceProfiles/{id}?networkSliceSubnetDN=
 *                     (Rel-16's DELETE when the NSSI was never learnt);
 *   onap  allocate:   POST {url}/api/rest/provMns/v1/NSS/SliceProfiles
 *                     (ONAP's AllocateCnNssi, with its token login),
 *                     then GET .../NSS/jobs/{jobId} until finished;
 *         deallocate: DELETE .../NSS/SliceProfiles/{id} with ONAP's
 *                     DeAllocateNssi body, then its job;
 *   osm   allocate:   the subnet's NSD as an NS through OSM's NBI (found
 *                     by name first, so a retry does not make a second),
 *                     then GET it until it runs;
 *         deallocate: DELETE .../ns_instances_content/{id}, then GET it
 *                     until it is gone.
 *
 * The remote handle (profile id, NSSI, NS id) is stored as soon as it is
 * known, before waiting; a restarted daemon goes on from it.  A refusal
 * (4xx) fails the operation with the remote's words; silence, 5xx and
 * connection errors are retried every poll interval until the
 * operation's deadline. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/event.h>

#include "ns-lcm.h"
#include "slc-http-client.h"
#include "slc-id.h"
#include "slc-log.h"
#include "slice-internal.h"

SLC_LOG_MODULE(remote_subnet);

#define RCOLL "nssi_remote_ops"

const char slc_remote_collection[] = RCOLL;

static const char *
str(const json_t *o, const char *key)
{
    return slc_ns_str(o, key);
}

static bool
is(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

/* One remote operation being driven: a timer for its next step, and
 * whether a request of it is in flight. */
struct slc_remote {
    struct slc_slicer *s;
    char id[SLC_UUID_STR_SIZE];
    struct event *timer;
    bool busy;
    int auth_tries;
    struct slc_remote *next;
};

static void step(struct slc_remote *r);

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    step(arg);
}

/* The driver of operation 'id', made when missing. */
static struct slc_remote *
driver(struct slc_slicer *s, const char *id)
{
    struct slc_remote *r;

    for (r = s->remotes; r; r = r->next) {
        if (!strcmp(r->id, id)) {
            return r;
        }
    }
    r = calloc(1, sizeof *r);
    if (!r) {
        return NULL;
    }
    r->s = s;
    snprintf(r->id, sizeof r->id, "%s", id);
    r->timer = evtimer_new(s->p.base, on_timer, r);
    if (!r->timer) {
        free(r);
        return NULL;
    }
    r->next = s->remotes;
    s->remotes = r;
    return r;
}

static void
drop(struct slc_remote *r)
{
    struct slc_remote **p = &r->s->remotes;

    while (*p && *p != r) {
        p = &(*p)->next;
    }
    if (*p) {
        *p = r->next;
    }
    event_free(r->timer);
    free(r);
}

void
slc_remote_free_all(struct slc_slicer *s)
{
    while (s->remotes) {
        drop(s->remotes);
    }
}

static void
later(struct slc_remote *r, double seconds)
{
    struct timeval tv = {.tv_sec = (time_t)seconds,
                         .tv_usec = (suseconds_t)((seconds - (double)(time_t)
                                                                 seconds) *
                                                  1e6)};

    evtimer_add(r->timer, &tv);
}

void
slc_remote_start(struct slc_slicer *s, const char *op_id)
{
    struct slc_error err = {0};
    struct slc_remote *r;

    if (slc_cluster_claim(s->p.cluster, RCOLL, op_id, &err)) {
        /* another instance drives it */
        SLC_DEBUG("remote subnet operation %s: %s", op_id, err.msg);
        return;
    }
    r = driver(s, op_id);

    if (r && !r->busy) {
        later(r, 0);
    }
}

/* ---- records ---- */

struct ctx {
    struct slc_remote *r;
    struct slc_record op, account;
    char url[1024];
};

static void
ctx_clear(struct ctx *x)
{
    slc_record_clear(&x->op);
    slc_record_clear(&x->account);
}

/* Stores the operation (its handle or state changed). */
static int
save(struct ctx *x, struct slc_error *err)
{
    int rc = slc_store_put(x->r->s->p.st, RCOLL, &x->op, NULL, SLC_REV_ANY,
                           &x->op.rev, err);

    if (rc) {
        SLC_ERR("remote subnet operation %s: cannot store it: %s", x->op.id,
                err->msg);
    }
    return rc;
}

/* Ends the operation in 'state' and tells the slice manager. */
static void
finish(struct ctx *x, const char *state, const char *detail)
{
    struct slc_error err = {0};
    struct slc_slicer *s = x->r->s;

    json_object_set_new(x->op.doc, "operationState", json_string(state));
    json_object_set_new(x->op.doc, "detailed-status", json_string(detail));
    json_object_set_new(x->op.doc, "statusEnteredTime",
                        json_real(s->p.now()));
    if (!is(state, "COMPLETED")) {
        json_object_set_new(x->op.doc, "errorMessage", json_string(detail));
    }
    SLC_INFO("remote subnet '%s' of nsi %s: %s %s: %s",
             str(x->op.doc, "nss-id"), str(x->op.doc, "netsliceInstanceId"),
             str(x->op.doc, "lcmOperationType"), state, detail);
    if (!save(x, &err)) {
        slc_cluster_release(s->p.cluster, RCOLL, x->op.id);
        if (s->p.state_changed) {
            s->p.state_changed(s->p.state_arg, x->op.doc);
        }
    }
}

/* ---- HTTP ---- */

/* The scheme://host:port of 'url' into 'out'. */
static void
origin_of(const char *url, char *out, size_t size)
{
    const char *host = strstr(url, "://");
    const char *slash = host ? strchr(host + 3, '/') : NULL;

    snprintf(out, size, "%.*s", slash ? (int)(slash - url) : (int)strlen(url),
             url);
}

static void on_reply(void *arg, const struct slc_http_reply *reply);

/* What a step asked, for its reply. */
struct call {
    struct slc_remote *r;
    char what[32];             /* "token", "post", "get", "delete", ... */
};

/* Starts a request of operation 'x' to 'url'. */
static int
request(struct ctx *x, const char *what, const char *method, const char *url,
     const json_t *body)
{
    struct slc_slicer *s = x->r->s;
    const char *token = str(s->remote_tokens, x->account.id);
    char auth[600] = "";
    const char *headers[4] = {"Accept: application/json",
                              "Content-Type: application/json", NULL, NULL};
    char *text = body ? json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY)
                      : NULL;
    struct call *c = calloc(1, sizeof *c);
    struct slc_error err = {0};
    /* no answer past the deadline: it is the deadline's failure */
    double left = json_number_value(json_object_get(x->op.doc, "deadline")) -
                  s->p.now();
    long timeout_ms = left < 1 ? 1000 : left > 30 ? 30000 : (long)(left * 1000);
    int rc;

    if (token && !is(what, "token")) {
        snprintf(auth, sizeof auth, "%s%s",
                 is(str(x->account.doc, "dialect"), "onap")
                     ? "X-Auth-Token: "
                     : "Authorization: Bearer ",
                 token);
        headers[2] = auth;
    }
    if (!c || (body && !text)) {
        free(c);
        free(text);
        return SLC_ENOMEM;
    }
    c->r = x->r;
    snprintf(c->what, sizeof c->what, "%s", what);
    rc = slc_http_client_start(
        s->p.http,
        &(struct slc_http_call){
            .method = method,
            .url = url,
            .headers = headers,
            .body = text,
            .body_size = text ? strlen(text) : 0,
            .timeout_ms = timeout_ms,
            .insecure = json_is_true(json_object_get(x->account.doc,
                                                     "insecure")),
            .ca_file = str(x->account.doc, "ca_file"),
        },
        on_reply, c, &err);
    free(text);
    if (rc) {
        free(c);
        SLC_WARN("remote subnet operation %s: %s", x->op.id, err.msg);
        return rc;
    }
    x->r->busy = true;
    return 0;
}

/* The remote's own words from an error body. */
static void
reason_of(const struct slc_http_reply *reply, char *out, size_t size)
{
    json_t *b = json_loads(reply->body, 0, NULL);
    const char *why = str(b, "reason")
                          ?: str(json_object_get(b, "error"), "errorInfo")
                          ?: str(b, "detail");

    if (reply->error) {
        snprintf(out, size, "%s", reply->error);
    } else {
        snprintf(out, size, "HTTP %ld%s%.400s", reply->status,
                 why ? ": " : "", why ? why : "");
    }
    json_decref(b);
}

/* ---- the steps ---- */

/* The wait between two looks at a remote subnet: the account's, ten
 * times longer once a notification of the NSSMF has arrived (proof that
 * they reach slicer; polling stays as a safety net). */
static double
poll_interval(const struct ctx *x)
{
    json_int_t ms = json_integer_value(json_object_get(x->account.doc,
                                                       "poll_interval_ms"));
    double t = ms > 0 ? (double)ms / 1000.0 : 1.0;

    return json_is_string(json_object_get(x->r->s->remote_subscribed,
                                          x->account.id))
               ? 10 * t
               : t;
}

/* Subscribes to the NSSMF's notifications on the SubNetwork of the
 * NSSI ('h' has its href): one NtfSubscriptionControl per account,
 * named after it, replaced by every daemon start. */
static int
subscribe(struct ctx *x, const json_t *h)
{
    const char *href = str(h, "href");
    const char *nss = strstr(href, "/NetworkSliceSubnet=");
    char full[1400];
    json_t *body;
    int rc;

    snprintf(full, sizeof full, "%.*s/NtfSubscriptionControl=slicer-%.8s",
             (int)(nss - href), href, x->account.id);
    body = json_pack(
        "{s{so s[ss]}}", "attributes", "notificationRecipientAddress",
        json_sprintf("%s/nsmf/v1/nssmf_notifications/%s",
                     x->r->s->p.public_url, x->account.id),
        "notificationTypes", "notifyMOIAttributeValueChanges",
        "notifyMOIDeletion");
    rc = request(x, "subscribe", "PUT", full, body);
    json_decref(body);
    return rc;
}

/* The 3GPP dialect's next request. */
static int
step_3gpp(struct ctx *x)
{
    const json_t *h = json_object_get(x->op.doc, "handle");
    const char *url = str(x->account.doc, "url");
    const char *pid = str(h, "sliceProfileId");
    char full[1400], origin[512];
    char *esc;

    origin_of(url, origin, sizeof origin);
    if (is(str(x->op.doc, "lcmOperationType"), "allocate")) {
        if (!str(h, "href")) {
            snprintf(full, sizeof full, "%s/NSSProvMnS/v1/SliceProfiles",
                     url);
            return request(x, "post", "POST", full,
                        json_object_get(x->op.doc, "profile"));
        }
        if (!json_object_get(x->r->s->remote_subscribed, x->account.id) &&
            x->r->s->p.public_url && *x->r->s->p.public_url) {
            return subscribe(x, h);
        }
        return request(x, "get", "GET", str(h, "href"), NULL);
    }
    esc = slc_http_escape(pid ? pid : "");
    if (str(h, "nssiDN")) {
        char *dn = slc_http_escape(str(h, "nssiDN"));

        snprintf(full, sizeof full,
                 "%s/NSSProvMnS/v1/SliceProfiles/%s?networkSliceSubnetDN=%s",
                 url, esc ? esc : "", dn ? dn : "");
        free(dn);
    } else {
        snprintf(full, sizeof full, "%s/ObjectManagement/NSS/SliceProfiles/%s",
                 origin, esc ? esc : "");
    }
    free(esc);
    return request(x, "delete", "DELETE", full, NULL);
}

/* The OSM dialect's next request. */
static int
step_osm(struct ctx *x)
{
    const json_t *h = json_object_get(x->op.doc, "handle");
    const char *url = str(x->account.doc, "url");
    const char *ns = str(h, "nsInstanceId");
    char full[1400];

    if (!ns && !json_is_true(json_object_get(h, "looked"))) {
        char *name = slc_http_escape(str(h, "nsName") ?: "");

        snprintf(full, sizeof full, "%s/nslcm/v1/ns_instances?name=%s", url,
                 name ? name : "");
        free(name);
        return request(x, "find", "GET", full, NULL);
    }
    if (is(str(x->op.doc, "lcmOperationType"), "allocate")) {
        if (!ns) {
            snprintf(full, sizeof full, "%s/nslcm/v1/ns_instances_content",
                     url);
            return request(x, "post", "POST", full,
                        json_object_get(x->op.doc, "request"));
        }
        snprintf(full, sizeof full, "%s/nslcm/v1/ns_instances/%s", url, ns);
        return request(x, "get", "GET", full, NULL);
    }
    if (!ns) {
        finish(x, "COMPLETED", "the remote NS does not exist");
        return 0;
    }
    snprintf(full, sizeof full, "%s/nslcm/v1/ns_instances%s/%s", url,
             json_is_true(json_object_get(h, "deleting")) ? "" : "_content",
             ns);
    return request(x, json_is_true(json_object_get(h, "deleting")) ? "get"
                                                                : "delete",
                json_is_true(json_object_get(h, "deleting")) ? "GET"
                                                             : "DELETE",
                full, NULL);
}

/* The ONAP dialect's next request: the allocation or deallocation, then
 * its job. */
static int
step_onap(struct ctx *x)
{
    const json_t *h = json_object_get(x->op.doc, "handle");
    const char *url = str(x->account.doc, "url");
    bool alloc = is(str(x->op.doc, "lcmOperationType"), "allocate");
    const char *job = str(h, alloc ? "jobId" : "deallocJobId");
    char full[1400];

    if (job) {
        char *esc = slc_http_escape(job);

        snprintf(full, sizeof full, "%s/api/rest/provMns/v1/NSS/jobs/%s",
                 url, esc ? esc : "");
        free(esc);
        return request(x, "job", "GET", full, NULL);
    }
    if (alloc) {
        snprintf(full, sizeof full,
                 "%s/api/rest/provMns/v1/NSS/SliceProfiles", url);
        return request(x, "post", "POST", full,
                       json_object_get(x->op.doc, "request"));
    } else {
        char *esc = slc_http_escape(str(h, "sliceProfileId") ?: "");
        json_t *body = json_pack(
            "{sO sO* sO sO}", "nsiId",
            json_object_get(x->op.doc, "netsliceInstanceId"), "nssiId",
            json_object_get(h, "nssiId"), "snssaiList",
            json_object_get(json_object_get(json_object_get(x->op.doc,
                                                            "request"),
                                            "sliceProfile"),
                            "snssaiList"),
            "sliceProfileId", json_object_get(h, "sliceProfileId"));
        int rc;

        snprintf(full, sizeof full,
                 "%s/api/rest/provMns/v1/NSS/SliceProfiles/%s", url,
                 esc ? esc : "");
        free(esc);
        rc = request(x, "delete", "DELETE", full, body);
        json_decref(body);
        return rc;
    }
}

/* Reads operation and account of 'r' into 'x'; false when there is
 * nothing (more) to do. */
static bool
load(struct slc_remote *r, struct ctx *x)
{
    struct slc_error err = {0};
    struct slc_store *st = r->s->p.st;

    x->r = r;
    if (slc_store_get(st, RCOLL, r->id, &x->op, &err)) {
        return false;
    }
    if (!is(str(x->op.doc, "operationState"), "PROCESSING")) {
        return false;
    }
    if (slc_store_get(st, "nssmf_accounts", str(x->op.doc, "account") ?: "",
                      &x->account, &err)) {
        finish(x, "FAILED", "its NSSMF account is gone");
        return false;
    }
    return true;
}

static void
step(struct slc_remote *r)
{
    struct ctx x = {0};
    int rc = 0;

    if (r->busy) {
        return;
    }
    if (!load(r, &x)) {
        ctx_clear(&x);
        drop(r);
        return;
    }
    if (r->s->p.now() >
        json_number_value(json_object_get(x.op.doc, "deadline"))) {
        char why[600];

        snprintf(why, sizeof why,
                 "NSSMF account '%s' did not finish the %s of subnet '%s' "
                 "before the slice's deadline%s%s",
                 x.account.name ? x.account.name : "",
                 str(x.op.doc, "lcmOperationType"), str(x.op.doc, "nss-id"),
                 str(x.op.doc, "lastError") ? "; last: " : "",
                 str(x.op.doc, "lastError") ?: "");
        finish(&x, "FAILED", why);
        ctx_clear(&x);
        drop(r);
        return;
    }
    if (str(x.account.doc, "username") &&
        !str(r->s->remote_tokens, x.account.id)) {
        char full[1100], origin[512];
        const char *url = str(x.account.doc, "url");
        json_t *body = json_pack("{ss ss*}", "username",
                                 str(x.account.doc, "username"), "password",
                                 str(x.account.doc, "password"));

        if (str(x.account.doc, "project")) {
            json_object_set_new(body, "project_id",
                                json_string(str(x.account.doc, "project")));
        }
        origin_of(url, origin, sizeof origin);
        snprintf(full, sizeof full, "%s/osm/admin/v1/tokens", origin);
        if (is(str(x.op.doc, "dialect"), "onap")) {
            /* ONAP's NSSMF login (slice-managers.md §5.1) */
            json_decref(body);
            body = json_pack("{ss ss ss*}", "grantType", "password",
                             "userName", str(x.account.doc, "username"),
                             "value", str(x.account.doc, "password"));
            snprintf(full, sizeof full,
                     "%s/api/rest/securityManagement/v1/oauth/token",
                     origin);
        }
        rc = request(&x, "token", "POST", full, body);
        json_decref(body);
    } else if (is(str(x.op.doc, "dialect"), "onap")) {
        rc = step_onap(&x);
    } else if (is(str(x.op.doc, "dialect"), "osm")) {
        rc = step_osm(&x);
    } else {
        rc = step_3gpp(&x);
    }
    if (rc) {
        later(r, poll_interval(&x));
    }
    ctx_clear(&x);
}

/* Notes a transient failure and tries again after the poll interval. */
static void
retry(struct ctx *x, const char *why)
{
    struct slc_error err = {0};

    if (!is(str(x->op.doc, "lastError"), why)) {
        SLC_WARN("remote subnet '%s' of nsi %s: %s; trying again",
                 str(x->op.doc, "nss-id"),
                 str(x->op.doc, "netsliceInstanceId"), why);
        json_object_set_new(x->op.doc, "lastError", json_string(why));
        save(x, &err);
    }
    later(x->r, poll_interval(x));
}

/* A reply no step expected: a refusal (a 4xx, but for a timeout or a
 * rate limit) fails the operation with the NSSMF's words; anything else
 * (5xx, no answer) is tried again until the deadline. */
static void
refused_or_retry(struct ctx *x, const struct slc_http_reply *rp)
{
    char why[600];

    reason_of(rp, why, sizeof why);
    if (rp->status >= 400 && rp->status < 500 && rp->status != 408 &&
        rp->status != 429) {
        finish(x, "FAILED", why);
    } else {
        retry(x, why);
    }
}

/* The NSSI id and DN in a Rel-18 answer, the profile's URI
 * ".../SubNetwork=a/NetworkSliceSubnet=b/SliceProfile=c". */
static bool
parse_profile_uri(const char *uri, json_t *handle)
{
    const char *sn = uri ? strstr(uri, "/SubNetwork=") : NULL;
    const char *nss = sn ? strstr(sn, "/NetworkSliceSubnet=") : NULL;
    const char *sp = nss ? strstr(nss, "/SliceProfile=") : NULL;
    char dn[512], id[256];

    if (!sp) {
        return false;
    }
    snprintf(id, sizeof id, "%.*s",
             (int)(sp - nss - strlen("/NetworkSliceSubnet=")),
             nss + strlen("/NetworkSliceSubnet="));
    snprintf(dn, sizeof dn, "%.*s,NetworkSliceSubnet=%s",
             (int)(nss - sn - 1), sn + 1, id);
    json_object_set_new(handle, "nssiId", json_string(id));
    json_object_set_new(handle, "nssiDN", json_string(dn));
    json_object_set_new(handle, "href",
                        json_sprintf("%.*s", (int)(sp - uri), uri));
    return true;
}

/* Whether the NSSI MOI 'moi' holds profile 'pid'. */
static bool
has_profile(const json_t *moi, const char *pid)
{
    const json_t *p;
    size_t i;

    json_array_foreach(json_object_get(json_object_get(moi, "attributes"),
                                       "sliceProfileList"),
                       i, p)
    {
        if (is(str(p, "sliceProfileId"), pid)) {
            return true;
        }
    }
    return false;
}

static void
reply_3gpp(struct ctx *x, const char *what, const struct slc_http_reply *rp,
           json_t *body)
{
    json_t *h = json_object_get(x->op.doc, "handle");
    struct slc_error err = {0};

    if (is(what, "post") && rp->status == 201 &&
        parse_profile_uri(json_string_value(body), h)) {
        save(x, &err);
        later(x->r, 0);
    } else if (is(what, "get") && rp->status == 200) {
        const json_t *a = json_object_get(body, "attributes");

        if (!has_profile(body, str(h, "sliceProfileId"))) {
            finish(x, "FAILED", "the NSSMF's subnet no longer has the slice "
                                "profile (its allocation failed)");
        } else if (is(str(a, "operationalState"), "ENABLED")) {
            json_object_set(h, "operationalState",
                            json_object_get(a, "operationalState"));
            finish(x, "COMPLETED", "the remote subnet is ENABLED");
        } else {
            later(x->r, poll_interval(x));
        }
    } else if (is(what, "get") && rp->status == 404) {
        finish(x, "FAILED", "the NSSMF dropped the subnet (its allocation "
                            "failed)");
    } else if (is(what, "delete") && (rp->status == 204 ||
                                      rp->status == 200 ||
                                      rp->status == 404)) {
        finish(x, "COMPLETED", "the remote slice profile is deallocated");
    } else {
        refused_or_retry(x, rp);
    }
}

static void
reply_osm(struct ctx *x, const char *what, const struct slc_http_reply *rp,
          json_t *body)
{
    json_t *h = json_object_get(x->op.doc, "handle");
    bool alloc = is(str(x->op.doc, "lcmOperationType"), "allocate");
    struct slc_error err = {0};
    char why[600];

    if (is(what, "find") && rp->status == 200) {
        json_object_set_new(h, "looked", json_true());
        if (str(json_array_get(body, 0), "_id")) {
            json_object_set(h, "nsInstanceId",
                            json_object_get(json_array_get(body, 0), "_id"));
        }
        save(x, &err);
        later(x->r, 0);
    } else if (is(what, "post") && rp->status / 100 == 2 && str(body, "id")) {
        json_object_set(h, "nsInstanceId", json_object_get(body, "id"));
        save(x, &err);
        later(x->r, 0);
    } else if (is(what, "get") && rp->status == 200 && alloc) {
        const char *state = str(body, "nsState");
        const char *op = str(body, "operational-status");

        if (is(state, "READY") || is(op, "running")) {
            finish(x, "COMPLETED", "the remote NS runs");
        } else if (is(state, "BROKEN") || is(op, "failed") ||
                   is(state, "NOT_INSTANTIATED")) {
            snprintf(why, sizeof why, "the remote NS failed: %.400s",
                     str(body, "detailed-status") ?: state);
            finish(x, "FAILED", why);
        } else {
            later(x->r, poll_interval(x));
        }
    } else if (is(what, "get") && rp->status == 404) {
        if (alloc) {
            finish(x, "FAILED", "the remote NS is gone");
        } else {
            finish(x, "COMPLETED", "the remote NS is terminated and deleted");
        }
    } else if (is(what, "get") && rp->status == 200) {
        later(x->r, poll_interval(x)); /* still terminating */
    } else if (is(what, "delete") &&
               (rp->status / 100 == 2 || rp->status == 404)) {
        json_object_set_new(h, "deleting", json_true());
        save(x, &err);
        later(x->r, rp->status == 404 ? 0 : poll_interval(x));
    } else {
        refused_or_retry(x, rp);
    }
}

static void
reply_onap(struct ctx *x, const char *what, const struct slc_http_reply *rp,
           json_t *body)
{
    json_t *h = json_object_get(x->op.doc, "handle");
    bool alloc = is(str(x->op.doc, "lcmOperationType"), "allocate");
    const json_t *rd = json_object_get(body, "responseDescriptor");
    struct slc_error err = {0};
    char why[600];

    if ((is(what, "post") || is(what, "delete")) && rp->status / 100 == 2 &&
        str(body, "jobId")) {
        /* the handle first: a restart follows the same job */
        json_object_set(h, alloc ? "jobId" : "deallocJobId",
                        json_object_get(body, "jobId"));
        if (str(body, "nssiId")) {
            json_object_set(h, "nssiId", json_object_get(body, "nssiId"));
        }
        save(x, &err);
        later(x->r, 0);
    } else if (is(what, "delete") && rp->status == 404) {
        finish(x, "COMPLETED", "the remote slice profile is gone");
    } else if (is(what, "job") && rp->status == 200) {
        const char *st = str(rd, "status") ?: "";

        if (!strcasecmp(st, "finished") &&
            json_integer_value(json_object_get(rd, "progress")) == 100) {
            if (str(rd, "nssiId")) {
                json_object_set(h, "nssiId", json_object_get(rd, "nssiId"));
            }
            finish(x, "COMPLETED",
                   alloc ? "the remote subnet is allocated (ONAP job "
                           "finished)"
                         : "the remote slice profile is deallocated");
        } else if (!strcasecmp(st, "error") || !strcasecmp(st, "failed")) {
            snprintf(why, sizeof why, "the NSSMF's job failed: %.400s",
                     str(rd, "statusDescription") ?: st);
            finish(x, "FAILED", why);
        } else {
            later(x->r, poll_interval(x));
        }
    } else {
        refused_or_retry(x, rp);
    }
}

static void
on_reply(void *arg, const struct slc_http_reply *rp)
{
    struct call *c = arg;
    struct slc_remote *r = c->r;
    struct ctx x = {0};
    json_t *body = json_loads(rp->body, JSON_DECODE_ANY, NULL);

    r->busy = false;
    if (!load(r, &x)) {
        ctx_clear(&x);
        json_decref(body);
        free(c);
        drop(r);
        return;
    }
    if (rp->status == 401 && r->auth_tries++ < 3) {
        /* a stale token: log in again */
        json_object_del(r->s->remote_tokens, x.account.id);
        later(r, 0);
    } else if (is(c->what, "token")) {
        const char *t = str(body, "id") ?: str(body, "accessToken");

        if (rp->status / 100 == 2 && t) {
            json_object_set_new(r->s->remote_tokens, x.account.id,
                                json_string(t));
            later(r, 0);
        } else {
            refused_or_retry(&x, rp);
        }
    } else if (is(c->what, "subscribe")) {
        /* notifications or not, polling goes on (less often with them) */
        json_object_set_new(r->s->remote_subscribed, x.account.id,
                            json_boolean(rp->status / 100 == 2));
        /* true: subscribed; "heard" once a notification arrived */
        if (rp->status / 100 != 2) {
            SLC_WARN("nssmf account '%s': no notifications (%s); polling",
                     x.account.name ? x.account.name : x.account.id,
                     rp->error ? rp->error : "refused");
        }
        later(r, 0);
    } else if (rp->error) {
        retry(&x, rp->error);
    } else if (is(str(x.op.doc, "dialect"), "onap")) {
        reply_onap(&x, c->what, rp, body);
    } else if (is(str(x.op.doc, "dialect"), "osm")) {
        reply_osm(&x, c->what, rp, body);
    } else {
        reply_3gpp(&x, c->what, rp, body);
    }
    if (rp->status != 401) {
        r->auth_tries = 0;
    }
    if (!is(str(x.op.doc, "operationState"), "PROCESSING")) {
        ctx_clear(&x);
        json_decref(body);
        free(c);
        drop(r);
        return;
    }
    ctx_clear(&x);
    json_decref(body);
    free(c);
}

/* ---- making operations ---- */

/* The SliceProfile of subnet 'e' of slice 'nsi' (slice-managers.md §8
 * "as NSMF" 2): the slice's S-NSSAI and delay budget, sharing from
 * is-shared-nss. */
static json_t *
profile_of(const json_t *nsi, const json_t *e, const char *pid,
           const json_t *account)
{
    const json_t *nst = json_object_get(nsi, "network-slice-template");
    const json_t *sn = json_object_get(nst, "SNSSAI-identifier");
    double pdb = slc_ns_number(json_object_get(
        json_object_get(nst, "quality-of-service"), "packet-delay-budget"));
    const char *plmn = str(account, "plmn") ?: "001-01";
    char mcc[8] = "001", mnc[8] = "01";
    json_t *snssai = json_pack("{si}", "sst",
                               slc_sst_of(str(sn, "slice-service-type")));
    json_t *cn = json_pack("{ss}", "resourceSharingLevel",
                           json_is_true(json_object_get(e, "shared"))
                               ? "SHARED"
                               : "NON_SHARED");

    sscanf(plmn, "%3[0-9]-%3[0-9]", mcc, mnc);
    if (str(sn, "slice-differentiator")) {
        json_object_set_new(snssai, "sd",
                            json_string(str(sn, "slice-differentiator")));
    }
    if (pdb > 0) {
        json_object_set_new(cn, "dLLatency", json_real(pdb));
        json_object_set_new(cn, "uLLatency", json_real(pdb));
    }
    return json_pack("{ss s[{s{ss ss} so}] so}", "sliceProfileId", pid,
                     "plmnInfoList", "plmnId", "mcc", mcc, "mnc", mnc,
                     "snssai", snssai, "cNSliceSubnetProfile", cn);
}

/* ONAP's AllocateCnNssi for subnet 'e' (slice-managers.md §5.3): the
 * profile in ONAP's strings, the slice it is for in nsiInfo. */
static json_t *
onap_request(const json_t *nsi, const json_t *e, const char *pid,
             const json_t *account)
{
    json_t *p = profile_of(nsi, e, pid, account);
    const json_t *info = json_array_get(json_object_get(p, "plmnInfoList"),
                                        0);
    const json_t *sn = json_object_get(info, "snssai");
    const json_t *plmn = json_object_get(info, "plmnId");
    const json_t *cn = json_object_get(p, "cNSliceSubnetProfile");
    json_t *snssai = str(sn, "sd")
                         ? json_sprintf("%03d-%s",
                                        (int)json_integer_value(
                                            json_object_get(sn, "sst")),
                                        str(sn, "sd"))
                         : json_sprintf("%03d", (int)json_integer_value(
                                                    json_object_get(sn,
                                                                    "sst")));
    json_t *out = json_pack(
        "{ss s{ss s[o] s[o] si si ss ss s{}} s{sO sO}}", "nssiName",
        str(e, "nss-id"), "sliceProfile", "sliceProfileId", pid,
        "snssaiList", snssai, "pLMNIdList",
        json_sprintf("%s-%s", str(plmn, "mcc"), str(plmn, "mnc")),
        "maxNumberofUEs", 0, "latency",
        (int)json_number_value(json_object_get(cn, "dLLatency")),
        "uEMobilityLevel", "stationary", "resourceSharingLevel",
        json_is_true(json_object_get(e, "shared")) ? "shared" : "non-shared",
        "perfReq", "nsiInfo", "nsiId", json_object_get(nsi, "_id"),
        "nsiName", json_object_get(nsi, "name"));

    json_decref(p);
    return out;
}

int
slc_remote_op_new(struct slc_slicer *s, const json_t *nsi, json_t *e,
                  const char *type, double deadline, char op_id[40],
                  struct slc_error *err)
{
    struct slc_store *st = s->p.st;
    struct slc_record account = {0};
    const json_t *admin = json_object_get(nsi, "_admin");
    json_t *handle = json_deep_copy(json_object_get(e, "handle"));
    json_t *eps = NULL, *vld = NULL;
    char pid[128];
    int rc = slc_store_get(st, "nssmf_accounts", str(e, "account") ?: "",
                           &account, err);

    if (!rc && is(type, "allocate")) {
        /* the links across domains that reach this subnet */
        rc = slc_ep_for_subnet(st, nsi, str(e, "nss-id"), &eps, err);
        if (!rc && json_array_size(eps) &&
            is(str(account.doc, "dialect"), "osm")) {
            rc = slc_ep_ns_vld(st, str(e, "nsd-id"), eps, NULL, &vld, err);
        }
        if (rc) {
            slc_error_prefix(err, "subnet '%s'", str(e, "nss-id"));
        }
    }

    if (rc == SLC_ENOTFOUND) {
        rc = slc_error_set(err, SLC_ENOTFOUND,
                           "subnet '%s': its NSSMF account is gone",
                           str(e, "nss-id"));
    }
    if (!rc && slc_uuid7(op_id)) {
        rc = slc_error_set(err, SLC_EIO, "no random source");
    }
    if (!rc) {
        struct slc_record rec = {.id = op_id,
                                 .name = (char *)str(nsi, "_id")};
        const char *dialect = str(account.doc, "dialect");

        if (!json_is_object(handle)) {
            json_decref(handle);
            handle = json_object();
        }
        snprintf(pid, sizeof pid, "%s.%s", str(nsi, "_id"), str(e, "nss-id"));
        if (!str(handle, "sliceProfileId")) {
            json_object_set_new(handle, "sliceProfileId", json_string(pid));
        }
        if (!str(handle, "nsName")) {
            json_object_set_new(handle, "nsName",
                                json_sprintf("%.8s.%s", str(nsi, "_id"),
                                             str(e, "nss-id")));
        }
        json_object_del(handle, "looked");
        json_object_del(handle, "deleting");
        rec.doc = json_pack(
            "{ss ss ss ss ss ss ss ss sO sf sf s{ss sO sO}}", "_id", op_id,
            "id", op_id, "operationState", "PROCESSING", "lcmOperationType",
            type, "netsliceInstanceId", str(nsi, "_id"), "nss-id",
            str(e, "nss-id"), "account", account.id, "dialect", dialect,
            "handle", handle, "startTime", s->p.now(), "deadline", deadline,
            "_admin", "collection", RCOLL, "projects_read",
            json_object_get(admin, "projects_read"), "projects_write",
            json_object_get(admin, "projects_write"));
        if (is(dialect, "onap")) {
            json_t *req = onap_request(nsi, e, str(handle, "sliceProfileId"),
                                       account.doc);
            const json_t *ep = json_array_get(eps, 0);

            if (ep) {
                /* ONAP takes one endpoint, without its connection point */
                json_object_set_new(
                    req, "endPoint",
                    json_pack("{sO sO sO}", "ipAddress",
                              json_object_get(ep, "ipAddress"),
                              "logicInterfaceId",
                              json_object_get(json_object_get(
                                                  ep, "logicalInterfaceInfo"),
                                              "logicalInterfaceId"),
                              "nextHopInfo",
                              json_object_get(ep, "nextHopInfo")));
            }
            json_object_set_new(rec.doc, "request", req);
        } else if (is(dialect, "osm")) {
            json_object_set_new(
                rec.doc, "request",
                json_pack("{sO ss sO ss}", "nsName",
                          json_object_get(handle, "nsName"), "nsdId",
                          str(e, "nsd-id"), "vimAccountId",
                          json_object_get(account.doc, "vim_account"),
                          "nsDescription", "a subnet of a slice of another "
                                           "slicer"));
            if (vld) {
                json_object_set(json_object_get(rec.doc, "request"), "vld",
                                vld);
            }
        } else {
            json_t *p = profile_of(nsi, e, str(handle, "sliceProfileId"),
                                   account.doc);

            if (json_array_size(eps)) {
                json_object_set(p, "epTransport", eps);
            }
            json_object_set_new(rec.doc, "profile", p);
        }
        rc = slc_store_put(st, RCOLL, &rec, NULL, SLC_REV_NEW, NULL, err);
        json_decref(rec.doc);
    }
    if (!rc) {
        json_object_set_new(e, "state",
                            json_string(is(type, "allocate") ? "ALLOCATING"
                                                             : "DEALLOCATING"));
        json_object_set_new(e, "op", json_string(op_id));
        json_object_set(e, "handle", handle);
    }
    json_decref(handle);
    json_decref(eps);
    json_decref(vld);
    slc_record_clear(&account);
    return rc;
}

struct running {
    const char *account; /* or NULL: any */
    json_t *ids;
};

static int
collect_running(const char *coll, const struct slc_record *rec, void *arg)
{
    struct running *run = arg;

    if (is(str(rec->doc, "operationState"), "PROCESSING") &&
        (!run->account || is(str(rec->doc, "account"), run->account))) {
        json_array_append_new(run->ids, json_string(rec->id));
    }
    return 0;
}

int
slc_remote_notified(struct slc_slicer *s, const char *account_id,
                    struct slc_error *err)
{
    struct slc_record acc = {0};
    struct running run = {.account = account_id, .ids = json_array()};
    const json_t *v;
    size_t i;
    int rc = slc_store_get(s->p.st, "nssmf_accounts", account_id, &acc, err);

    rc = rc ? rc : slc_store_list(s->p.st, RCOLL, NULL, collect_running,
                                  &run, err);
    if (!rc) {
        json_object_set_new(s->remote_subscribed, acc.id,
                            json_string("heard"));
        SLC_INFO("nssmf account '%s' notified: looking at its %zu subnets "
                 "being allocated or deallocated",
                 acc.name ? acc.name : acc.id, json_array_size(run.ids));
    }
    json_array_foreach(run.ids, i, v)
    {
        struct slc_remote *r = driver(s, json_string_value(v));

        if (r && !r->busy) {
            evtimer_del(r->timer);
            later(r, 0);
        }
    }
    json_decref(run.ids);
    slc_record_clear(&acc);
    return rc;
}

int
slc_remote_recover(struct slc_slicer *s, struct slc_error *err)
{
    struct running run = {.ids = json_array()};
    json_t *ids = run.ids;
    const json_t *v;
    size_t i;
    int rc = slc_store_list(s->p.st, RCOLL, NULL, collect_running, &run,
                            err);

    json_array_foreach(ids, i, v)
    {
        SLC_INFO("recovery: following remote subnet operation %s",
                 json_string_value(v));
        slc_remote_start(s, json_string_value(v));
    }
    json_decref(ids);
    return rc;
}

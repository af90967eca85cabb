/* ONAP's external NSSMF API (the China Mobile "provMns" job API that SO's
 * NSSMF adapter calls; slice-managers.md §5): slicer serves as ONAP's
 * core NSSMF.  A token login of ONAP's own shape, then allocation,
 * modification, deallocation, termination, activation and deactivation
 * of NSSIs, each answered 202 with a job that ONAP polls.  Everything is
 * the NSSI core's (slices/nssi.h), so an NSSI made here is the one the
 * 3GPP dialects show; this file only translates.
 *
 * ONAP parses replies with a default Jackson ObjectMapper, which fails on
 * unknown keys: every reply is built here with exactly the keys §5.1 and
 * §5.3 allow, nulls omitted.  ONAP keeps only the status of an error, and
 * its contract has no 422: a bad body is 400. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nssi.h"
#include "rest-internal.h"
#include "slc-id.h"
#include "slc-log.h"

SLC_LOG_MODULE(onap_nssmf);

#define TOKEN "/api/rest/securityManagement/v1/oauth/token"
#define NSS "/api/rest/provMns/v1/NSS"

static const char *
str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* A member of an ONAP body: SO's beans send "" as readily as nothing. */
static const char *
text(const json_t *o, const char *key)
{
    const char *v = str(o, key);

    return v && *v ? v : NULL;
}

static bool
is(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

/* Maps an error of the NSSI core onto ONAP's statuses: a bad body or
 * profile is 400, what cannot be done (no NST serves it, it does not fit,
 * its S-NSSAI is held) 409.  Returns 'rc'. */
static int
onap_error(struct slc_call *c, int rc)
{
    if (rc == SLC_EINVALID || rc == SLC_EUNSUPPORTED) {
        c->status = 400;
    } else if (rc == SLC_ENOTFOUND) {
        c->status = 404;
    } else if (rc == SLC_ECONFLICT || rc == SLC_EEXISTS || rc == SLC_EBUSY) {
        c->status = 409;
    }
    return rc;
}

/* Replies 'status' with 'body' (stolen) as JSON whatever the Accept. */
static void
onap_reply(struct slc_call *c, unsigned status, json_t *body)
{
    c->resp->force_json = true;
    slc_rest_reply(c, status, body);
}

/* Replies 202 {nssiId?, jobId}. */
static void
reply_job(struct slc_call *c, const char *nssi_id, const char *job_id)
{
    onap_reply(c, 202,
               json_pack("{ss* ss}", "nssiId", nssi_id, "jobId", job_id));
}

/* Parses the body into '*out' (new reference) and checks it against
 * 'fields': 400 naming the member.  With 'optional', no body is an empty
 * object. */
static int
onap_body(struct slc_call *c, const char *what,
          const struct slc_body_field *fields, bool optional, json_t **out)
{
    int rc;

    if (optional && (!c->req->body || !c->req->body_size)) {
        *out = json_object();
        return 0;
    }
    rc = slc_rest_body(c, out);
    rc = rc ? rc : slc_rest_check_body(c, *out, what, fields);
    if (rc == SLC_EINVALID && c->status == 422) {
        c->status = 400;
    }
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* ---- token ---- */

static const char *const grant_types[] = {"password", NULL};

static const struct slc_body_field token_fields[] = {
    {"grantType", SLC_BT_STR, true, 0, 0, grant_types},
    {"userName", SLC_BT_STR, true},
    {"value", SLC_BT_STR, true},
    {NULL},
};

/* POST .../oauth/token: a token of the user's default project, which
 * ONAP then sends as X-Auth-Token. */
static int
token_create(struct slc_call *c)
{
    json_t *body, *token = NULL;
    int rc = onap_body(c, "token request", token_fields, false, &body);

    if (!rc) {
        rc = slc_auth_login(c->api->st, c->api->tokens, str(body, "userName"),
                            str(body, "value"), NULL, slc_rest_now(c),
                            (unsigned)c->api->token_ttl, c->req->remote_host,
                            c->req->remote_port, &token, &c->err);
    }
    if (!rc) {
        onap_reply(c, 200,
                   json_pack("{sO sI}", "accessToken",
                             json_object_get(token, "_id"), "expires",
                             (json_int_t)c->api->token_ttl));
    }
    json_decref(token);
    json_decref(body);
    return rc;
}

/* ---- jobs ---- */

/* Records a job that is already over, for a request that had nothing
 * left to do (a profile already gone, a state already set), so that ONAP
 * still gets a job to poll; it belongs to the caller's project.  Its id
 * goes to 'job_id'. */
static int
finished_job(struct slc_call *c, const char *nssi_id, const char *profile,
             const char *kind, const char *desc,
             char job_id[SLC_UUID_STR_SIZE])
{
    struct slc_record rec = {.id = job_id, .name = (char *)(nssi_id ?: "")};
    int rc;

    if (slc_uuid7(job_id)) {
        return slc_error_set(&c->err, SLC_EIO, "no random source");
    }
    rec.doc =
        json_pack("{ss ss ss ss* ss* ss si ss si s[{ss si ss si}] s{sf}}",
                  "_id", job_id, "id", job_id, "kind", kind, "nssiId", nssi_id,
                  "sliceProfileId", profile, "status", "finished", "progress",
                  100, "statusDescription", desc, "responseId", 1, "history",
                  "status", "finished", "progress", 100, "statusDescription",
                  desc, "responseId", 1, "_admin", "created", slc_rest_now(c));
    if (!rec.doc) {
        return slc_error_set(&c->err, SLC_ENOMEM, "out of memory");
    }
    slc_auth_set_owner(&c->who, rec.doc);
    rc = slc_store_put(c->api->st, SLC_NSSI_JOBS, &rec, NULL, SLC_REV_NEW,
                       NULL, &c->err);
    json_decref(rec.doc);
    return rc;
}

/* A job's status as ONAP's JobStatus enum has it (started, processing,
 * finished, error; anything else makes SO's adapter throw). */
static const char *
onap_status(const char *status)
{
    static const char *const known[] = {"started", "processing", "finished",
                                        "error", NULL};

    for (const char *const *k = known; status && *k; k++) {
        if (!strcasecmp(status, *k)) {
            return *k;
        }
    }
    if (status && (!strcasecmp(status, "failed") ||
                   !strcasecmp(status, "FAILED_TEMP"))) {
        return "error";
    }
    return "processing";
}

/* One state of a job, {progress, status, statusDescription?,
 * responseId} (new reference). */
static json_t *
job_state(const json_t *j, json_int_t response_id)
{
    const json_t *p = json_object_get(j, "progress");
    char id[24];

    snprintf(id, sizeof id, "%" JSON_INTEGER_FORMAT, response_id);
    return json_pack(
        "{sI ss ss* ss}", "progress",
        (json_int_t)(json_is_number(p) ? json_number_value(p) : 0), "status",
        onap_status(str(j, "status")), "statusDescription",
        str(j, "statusDescription"), "responseId", id);
}

/* A responseId as a number, stored as one or as a string. */
static json_int_t
response_id(const json_t *j, json_int_t dflt)
{
    const json_t *v = json_object_get(j, "responseId");

    return json_is_integer(v)  ? json_integer_value(v)
           : json_is_string(v) ? strtoll(json_string_value(v), NULL, 10)
                               : dflt;
}

/* {responseDescriptor} of job record 'job' (new reference): its state,
 * its NSSI, and the states before it. */
static json_t *
job_status(const json_t *job)
{
    const json_t *history = json_object_get(job, "history");
    size_t n = json_array_size(history);
    json_int_t id = response_id(job, (json_int_t)n + 1);
    json_t *d = job_state(job, id), *earlier = json_array();
    const json_t *h;
    size_t i;

    json_array_foreach(history, i, h)
    {
        json_int_t hid = response_id(h, (json_int_t)i + 1);

        if (hid != id) {
            json_array_append_new(earlier, job_state(h, hid));
        }
    }
    if (str(job, "nssiId")) {
        json_object_set(d, "nssiId", json_object_get(job, "nssiId"));
    }
    if (json_array_size(earlier)) {
        json_object_set_new(d, "responseHistoryList", earlier);
    } else {
        json_decref(earlier);
    }
    return json_pack("{so}", "responseDescriptor", d);
}

/* GET /NSS/jobs/{jobId}: 404 for an unknown job or another project's. */
static int
job_show(struct slc_call *c)
{
    struct slc_record rec;
    int rc = slc_rest_get_visible(c, SLC_NSSI_JOBS, "job", c->params[0], &rec);

    if (!rc) {
        onap_reply(c, 200, job_status(rec.doc));
        slc_record_clear(&rec);
    }
    return rc;
}

/* ---- reading NSSIs ---- */

/* The job that follows profile 'profile' of NSSI record 'nssi'. */
static const char *
profile_job(const json_t *nssi, const char *profile)
{
    return str(json_object_get(json_object_get(nssi, "profiles"), profile),
               "job");
}

static int
get_nssi(struct slc_call *c, const char *id, struct slc_record *out)
{
    return slc_rest_get_in_scope(c, SLC_NSSI_COLL, "NSSI", id, out);
}

/* The NSSI of the caller's scope that has profile 'profile' (and
 * 'nsi_ref', when not NULL): 404 otherwise. */
static int
find_profile(struct slc_call *c, const char *profile, const char *nsi_ref,
             struct slc_record *out)
{
    struct slc_scope sc = slc_rest_scope(c);

    return onap_error(c, slc_nssi_find_profile(c->api->slicer, profile,
                                               nsi_ref, &sc, out, &c->err));
}

/* {nsInstanceId, nsInstanceName, nsState} of the slice instance of an
 * NSSI, from its attributes' nsInfo (new reference). */
static json_t *
ns_info(const json_t *attrs, const json_t *nsi)
{
    const json_t *ns = json_object_get(attrs, "nsInfo");

    return json_pack(
        "{sO* sO* sO*}", "nsInstanceId", json_object_get(ns, "nsInstanceId"),
        "nsInstanceName", json_object_get(ns, "nsName"), "nsState",
        json_object_get(json_object_get(nsi, "_admin"), "nsiState"));
}

/* {nssiInfo} of NSSI record 'nssi' (new reference).  Its slice may be
 * another project's (slice-request.c shares a shareable S-NSSAI's slice
 * across projects): its template and state show only to who reads it. */
static json_t *
nssi_info(struct slc_call *c, const json_t *nssi)
{
    json_t *attrs = slc_nssi_attributes(c->api->slicer, nssi);
    struct slc_record nsi = {0};
    struct slc_error err = {0};
    const json_t *mf = json_object_get(attrs, "managedFunctionRefList");
    const json_t *profiles = json_object_get(nssi, "sliceProfileList");
    json_t *info;
    struct slc_scope sc = slc_rest_scope(c);
    bool have = !slc_store_get(c->api->st, "nsis", str(nssi, "nsiId") ?: "",
                               &nsi, &err) &&
                slc_scope_reads(&sc, nsi.doc);

    info = json_pack(
        "{ss* ss* sO* ss s{so so so}}", "nssiId", str(nssi, "id"), "nssiName",
        str(attrs, "userLabel") ?: str(nssi, "id"), "nsstId",
        have ? json_object_get(nsi.doc, "nst-ref") : NULL, "nssiState",
        is(str(attrs, "operationalState"), "ENABLED") ? "enabled" : "disabled",
        "networkSliceSubnet", "mfIdList",
        json_is_array(mf) ? json_deep_copy(mf) : json_array(), "nsInfo",
        ns_info(attrs, have ? nsi.doc : NULL), "sliceProfileList",
        json_is_array(profiles) ? json_deep_copy(profiles) : json_array());
    slc_record_clear(&nsi);
    json_decref(attrs);
    return json_pack("{so}", "nssiInfo", info);
}

/* GET /NSS/nssi/{nssiId}. */
static int
nssi_show(struct slc_call *c)
{
    struct slc_record rec;
    int rc = get_nssi(c, c->params[0], &rec);

    if (!rc) {
        onap_reply(c, 200, nssi_info(c, rec.doc));
        slc_record_clear(&rec);
    }
    return rc;
}

/* GET /NSS/SliceProfiles/{id}: the simulator takes an NSSI id there; a
 * slice profile id names the NSSI that has it. */
static int
profile_show(struct slc_call *c)
{
    struct slc_record rec;
    int rc = get_nssi(c, c->params[0], &rec);

    if (rc == SLC_ENOTFOUND) {
        c->status = 0;
        rc = find_profile(c, c->params[0], NULL, &rec);
    }
    if (rc == SLC_ENOTFOUND) {
        rc = slc_rest_fail(c, 404, rc,
                           "no NSSI and no slice profile '%s' found",
                           c->params[0]);
    }
    if (!rc) {
        onap_reply(c, 200, nssi_info(c, rec.doc));
        slc_record_clear(&rec);
    }
    return rc;
}

/* ---- allocation and modification ---- */

/* AllocateCnNssi (§5.3); nsiId at the top too, as some NSMFs send it. */
static const struct slc_body_field alloc_fields[] = {
    {"nsstId", SLC_BT_STR | SLC_BT_NULL, false},
    {"flavorId", SLC_BT_STR | SLC_BT_NULL, false},
    {"nssiId", SLC_BT_STR | SLC_BT_NULL, false},
    {"nssiName", SLC_BT_STR | SLC_BT_NULL, false},
    {"sliceProfile", SLC_BT_OBJ, true},
    {"scriptName", SLC_BT_STR | SLC_BT_NULL, false},
    {"extension", SLC_BT_OBJ | SLC_BT_NULL, false},
    {"nsiInfo", SLC_BT_OBJ | SLC_BT_NULL, false},
    {"endPoint", SLC_BT_OBJ | SLC_BT_NULL, false},
    {"nsiId", SLC_BT_STR | SLC_BT_NULL, false},
    {NULL},
};

/* Reads an AllocateCnNssi body into '*body' (new reference): 400 naming
 * a bad member, or a slice profile without a sliceProfileId. */
static int
alloc_body(struct slc_call *c, const char *what, json_t **body)
{
    int rc = onap_body(c, what, alloc_fields, false, body);
    const json_t *p = rc ? NULL : json_object_get(*body, "sliceProfile");

    if (!rc && !json_is_string(json_object_get(p, "sliceProfileId"))) {
        rc = slc_rest_fail(c, 400, SLC_EINVALID,
                           "%s: field 'sliceProfile.sliceProfileId' (a "
                           "string) is required",
                           what);
        json_decref(*body);
        *body = NULL;
    }
    return rc;
}

/* ONAP's NSI id: the idempotency key of an allocation, with the
 * sliceProfileId. */
static const char *
nsi_ref(const json_t *body)
{
    return text(json_object_get(body, "nsiInfo"), "nsiId")
               ?: text(body, "nsiId");
}

/* The profile 'pid' of NSSI record 'nssi' as stored, or NULL. */
static const json_t *
stored_profile(const json_t *nssi, const char *pid)
{
    const json_t *p;
    size_t i;

    json_array_foreach(json_object_get(nssi, "sliceProfileList"), i, p)
    {
        if (is(str(p, "sliceProfileId"), pid)) {
            return p;
        }
    }
    return NULL;
}

/* Puts 'profile' on NSSI 'rec' through modifyMOIAttributes of its
 * sliceProfileList (TS 28.531 7.7): a new sliceProfileId is appended and
 * allocated on that NSSI, an identical one left as it is (a retry: the
 * first job).  A known one with other values is asked for too, and
 * refused (409) unless the NSSI then has it.  The id of the job that
 * follows it goes to 'job_id'. */
static int
put_profile(struct slc_call *c, const struct slc_record *rec,
            const json_t *profile, char job_id[SLC_UUID_STR_SIZE])
{
    struct slc_scope sc = slc_rest_scope(c);
    const char *pid = str(profile, "sliceProfileId");
    const char *id = str(rec->doc, "id") ?: rec->id;
    const json_t *old = json_object_get(rec->doc, "sliceProfileList");
    json_t *list = json_is_array(old) ? json_deep_copy(old) : json_array();
    json_t *attrs, *job = NULL, *p;
    struct slc_record now = {0};
    bool known = false;
    size_t i;
    int rc;

    json_array_foreach(list, i, p)
    {
        if (is(str(p, "sliceProfileId"), pid)) {
            known = true;
            if (json_equal(p, (json_t *)profile) &&
                profile_job(rec->doc, pid)) {
                /* a retry: the job of the first request */
                snprintf(job_id, SLC_UUID_STR_SIZE, "%s",
                         profile_job(rec->doc, pid));
                json_decref(list);
                return 0;
            }
            json_array_set_new(list, i, json_deep_copy(profile));
            break;
        }
    }
    if (!known) {
        json_array_append_new(list, json_deep_copy(profile));
    }
    attrs = json_pack("{so}", "sliceProfileList", list);
    rc = onap_error(
        c, slc_nssi_modify(c->api->slicer, id, attrs, &sc, &job, &c->err));
    json_decref(attrs);
    rc = rc ? rc : get_nssi(c, id, &now);
    if (!rc && known &&
        !json_equal(stored_profile(now.doc, pid), (json_t *)profile)) {
        /* the core allocates new profiles and removes missing ones; it
         * does not change one in place */
        rc = slc_rest_fail(c, 409, SLC_ECONFLICT,
                           "NSSI '%s': slice profile '%s' is allocated and "
                           "cannot be changed in place: deallocate it and "
                           "allocate the new one",
                           id, pid);
    }
    if (!rc && job) {
        snprintf(job_id, SLC_UUID_STR_SIZE, "%s", str(job, "_id") ?: "");
    } else if (!rc && !known) {
        /* the new profile's allocation job */
        snprintf(job_id, SLC_UUID_STR_SIZE, "%s",
                 profile_job(now.doc, pid) ?: "");
    }
    if (!rc && !*job_id) {
        rc = finished_job(c, id, pid, "modify", "slice profile modified",
                          job_id);
    }
    slc_record_clear(&now);
    json_decref(job);
    return rc;
}

/* POST /NSS/SliceProfiles: allocates the body's sliceProfile on a new
 * NSSI or one that shares it, or, when the NSMF names an NSSI (nssiId:
 * ONAP's reuse case), on that one.  202 {nssiId, jobId}; the same
 * sliceProfileId and nsiId again answer the first allocation's.
 *
 * An infeasible request (no NST serves it, it does not fit, its S-NSSAI
 * is held unshared) is refused by the core before anything is made, and
 * then there is no job to show ONAP: it is answered 400 (a bad body or
 * profile) or 409 (it cannot be done), with the reason.  Only when the
 * core made a job and then failed would a 202 carry that job (its status
 * error); a failure later, while the slice instantiates, is the job's
 * error with its statusDescription (slice-managers.md §8.6). */
static int
nssi_allocate(struct slc_call *c)
{
    struct slc_scope sc = slc_rest_scope(c);
    json_t *body, *nssi = NULL, *job = NULL, *attrs = NULL;
    const json_t *profile;
    struct slc_record rec = {0};
    char job_id[SLC_UUID_STR_SIZE] = "";
    bool existed = false;
    int rc = alloc_body(c, "allocate request", &body);

    if (rc) {
        return rc;
    }
    profile = json_object_get(body, "sliceProfile");
    if (text(body, "nssiId")) {
        rc = get_nssi(c, text(body, "nssiId"), &rec);
        rc = rc ? rc : put_profile(c, &rec, profile, job_id);
        if (!rc) {
            reply_job(c, str(rec.doc, "id") ?: rec.id, job_id);
        }
        slc_record_clear(&rec);
        json_decref(body);
        return rc;
    }
    if (text(body, "nssiName")) {
        attrs =
            json_pack("{sO}", "userLabel", json_object_get(body, "nssiName"));
    }
    rc = onap_error(c, slc_nssi_allocate(c->api->slicer,
                                         &(struct slc_nssi_alloc){
                                             .profile = profile,
                                             .nsi_ref = nsi_ref(body),
                                             .attributes = attrs,
                                         },
                                         &sc, &nssi, &job, &existed, &c->err));
    if (job || (!rc && nssi)) {
        const char *pid = str(profile, "sliceProfileId");

        if (rc) {
            SLC_INFO_RL("slice profile '%s': allocation failed with a job: "
                        "%s",
                        pid, c->err.msg);
            rc = 0;
        }
        reply_job(c, nssi ? str(nssi, "id") : str(job, "nssiId"),
                  job ? str(job, "_id") : profile_job(nssi, pid) ?: "");
    }
    json_decref(attrs);
    json_decref(nssi);
    json_decref(job);
    json_decref(body);
    return rc;
}

/* The sliceProfile of an AllocateCnNssi body (borrowed), checked against
 * the path's sliceProfileId: 400 when they differ. */
static int
path_profile(struct slc_call *c, const json_t *body, const char *pid)
{
    const char *have =
        str(json_object_get(body, "sliceProfile"), "sliceProfileId");

    if (pid && !is(have, pid)) {
        return slc_rest_fail(c, 400, SLC_EINVALID,
                             "modify request: sliceProfile.sliceProfileId "
                             "'%.64s' differs from the path's '%.64s'",
                             have ? have : "", pid);
    }
    return 0;
}

/* PUT /NSS/nssi/{nssiId}: adds the body's sliceProfile to the NSSI or
 * changes one it has.  202 {jobId}. */
static int
nssi_modify(struct slc_call *c)
{
    struct slc_record rec = {0};
    json_t *body;
    char job_id[SLC_UUID_STR_SIZE] = "";
    int rc = alloc_body(c, "modify request", &body);

    if (!rc && text(body, "nssiId") &&
        !is(text(body, "nssiId"), c->params[0])) {
        rc = slc_rest_fail(c, 400, SLC_EINVALID,
                           "modify request: nssiId '%.64s' differs from the "
                           "path's '%.64s'",
                           text(body, "nssiId"), c->params[0]);
    }
    rc = rc ? rc : get_nssi(c, c->params[0], &rec);
    rc = rc ? rc
            : put_profile(c, &rec, json_object_get(body, "sliceProfile"),
                          job_id);
    if (!rc) {
        reply_job(c, NULL, job_id);
    }
    slc_record_clear(&rec);
    json_decref(body);
    return rc;
}

/* PUT /NSS/SliceProfiles/{sliceProfileId} (the simulator's): changes
 * that profile on the NSSI that has it.  202 {jobId}. */
static int
profile_modify(struct slc_call *c)
{
    struct slc_record rec = {0};
    json_t *body;
    char job_id[SLC_UUID_STR_SIZE] = "";
    int rc = alloc_body(c, "modify request", &body);

    rc = rc ? rc : path_profile(c, body, c->params[0]);
    if (!rc && text(body, "nssiId")) {
        rc = get_nssi(c, text(body, "nssiId"), &rec);
    } else if (!rc) {
        /* a profile added by PUT nssi has no nsiId of its own */
        rc = find_profile(c, c->params[0], nsi_ref(body), &rec);
        if (rc == SLC_ENOTFOUND && nsi_ref(body)) {
            rc = find_profile(c, c->params[0], NULL, &rec);
        }
    }
    rc = rc ? rc
            : put_profile(c, &rec, json_object_get(body, "sliceProfile"),
                          job_id);
    if (!rc) {
        reply_job(c, NULL, job_id);
    }
    slc_record_clear(&rec);
    json_decref(body);
    return rc;
}

/* ---- deallocation and termination ---- */

static const struct slc_body_field dealloc_fields[] = {
    {"nsiId", SLC_BT_STR | SLC_BT_NULL, false},
    {"nssiId", SLC_BT_STR | SLC_BT_NULL, false},
    {"snssaiList", SLC_BT_ARR | SLC_BT_NULL, false},
    {"sliceProfileId", SLC_BT_STR | SLC_BT_NULL, false},
    {"scriptName", SLC_BT_STR | SLC_BT_NULL, false},
    {"extension", SLC_BT_OBJ | SLC_BT_NULL, false},
    {"terminateNssiOption", SLC_BT_INT | SLC_BT_NULL, false},
    {NULL},
};

/* A walk over the jobs of one NSSI. */
struct job_walk {
    const struct slc_call *c;
    const json_t *skip;            /* ids not to consider, or NULL */
    const char *profile;           /* only this profile's, or NULL */
    json_t *ids;                   /* the ids seen (when collecting) */
    char found[SLC_UUID_STR_SIZE]; /* the choice: processing first */
    bool found_processing;
};

static int
job_visit(const char *coll, const struct slc_record *rec, void *arg)
{
    struct job_walk *w = arg;
    const char *kind = str(rec->doc, "kind");
    bool processing = !is(str(rec->doc, "status"), "finished") &&
                      !is(str(rec->doc, "status"), "error");

    if (!slc_auth_can_read(&w->c->who, rec->doc) ||
        (w->skip && json_object_get(w->skip, rec->id)) ||
        (w->profile && !is(str(rec->doc, "sliceProfileId"), w->profile))) {
        return 0;
    }
    if (w->ids) {
        json_object_set_new(w->ids, rec->id, json_true());
        return 0;
    }
    if (w->profile && !is(kind, "deallocate") && !is(kind, "terminate")) {
        return 0;
    }
    if (processing || !w->found_processing) {
        snprintf(w->found, sizeof w->found, "%s", rec->id);
        w->found_processing |= processing;
    }
    return 0;
}

/* DELETE /NSS/SliceProfiles/{sliceProfileId}, with an optional
 * DeAllocateNssi body whose nssiId narrows it: 202 {jobId}.  A profile
 * that is not there (already deallocated: we cannot tell it from one
 * that never was) answers the deallocation still running for it, else a
 * job already finished (slice-managers.md §8.2). */
static int
profile_deallocate(struct slc_call *c)
{
    struct slc_scope sc = slc_rest_scope(c);
    const char *pid = c->params[0], *nssi_id;
    json_t *body, *job = NULL;
    char job_id[SLC_UUID_STR_SIZE] = "";
    int rc = onap_body(c, "deallocate request", dealloc_fields, true, &body);

    if (rc) {
        return rc;
    }
    nssi_id = text(body, "nssiId");
    if (text(body, "sliceProfileId") &&
        !is(text(body, "sliceProfileId"), pid)) {
        rc = slc_rest_fail(c, 400, SLC_EINVALID,
                           "deallocate request: sliceProfileId '%.64s' "
                           "differs from the path's '%.64s'",
                           text(body, "sliceProfileId"), pid);
    }
    rc = rc ? rc
            : slc_nssi_deallocate(c->api->slicer, nssi_id, pid, &sc, &job,
                                  &c->err);
    if (rc == SLC_ENOTFOUND) {
        struct job_walk w = {.c = c, .profile = pid};

        rc = slc_store_list(c->api->st, SLC_NSSI_JOBS, nssi_id, job_visit, &w,
                            &c->err);
        if (!rc && w.found_processing) {
            snprintf(job_id, sizeof job_id, "%s", w.found);
        } else if (!rc) {
            rc = finished_job(c, nssi_id, pid, "deallocate",
                              "the slice profile is not allocated: nothing "
                              "to do",
                              job_id);
        }
    } else if (!rc) {
        snprintf(job_id, sizeof job_id, "%s", str(job, "_id") ?: "");
        if (!*job_id) {
            rc = finished_job(c, nssi_id, pid, "deallocate", "done", job_id);
        }
    }
    if (!rc) {
        reply_job(c, NULL, job_id);
    }
    json_decref(job);
    json_decref(body);
    return onap_error(c, rc);
}

/* DELETE /NSS/nssi/{nssiId} (the simulator's terminate): every profile
 * of the NSSI is deallocated and the NSSI goes.  202 {jobId}: the job
 * that terminates its slice while that runs, else the last one the
 * termination made.  An unknown NSSI is 404 (a client treats it as
 * done); any body is ignored. */
static int
nssi_terminate(struct slc_call *c)
{
    struct slc_scope sc = slc_rest_scope(c);
    struct slc_record rec = {0};
    struct job_walk before = {.c = c, .ids = json_object()}, after = {.c = c};
    char job_id[SLC_UUID_STR_SIZE] = "", id[256];
    int rc = get_nssi(c, c->params[0], &rec);

    if (!rc) {
        snprintf(id, sizeof id, "%s", str(rec.doc, "id") ?: rec.id);
        rc = slc_store_list(c->api->st, SLC_NSSI_JOBS, id, job_visit, &before,
                            &c->err);
    }
    rc = rc ? rc
            : onap_error(c, slc_nssi_delete(c->api->slicer, id, &sc, &c->err));
    if (!rc) {
        after.skip = before.ids;
        rc = slc_store_list(c->api->st, SLC_NSSI_JOBS, id, job_visit, &after,
                            &c->err);
        snprintf(job_id, sizeof job_id, "%s", after.found);
    }
    if (!rc && !*job_id) {
        rc = finished_job(c, id, NULL, "terminate", "done", job_id);
    }
    if (!rc) {
        reply_job(c, NULL, job_id);
    }
    json_decref(before.ids);
    slc_record_clear(&rec);
    return rc;
}

/* ---- activation and deactivation ---- */

static const struct slc_body_field actdeact_fields[] = {
    {"nsiId", SLC_BT_STR | SLC_BT_NULL, false},
    {"nssiId", SLC_BT_STR | SLC_BT_NULL, false},
    {"sliceProfileId", SLC_BT_STR | SLC_BT_NULL, false},
    {"snssaiList", SLC_BT_ARR | SLC_BT_NULL, false},
    {NULL},
};

/* An S-NSSAI as ONAP writes it ("001-100001": SST-SD, or "1": SST), as
 * "sst-sd" in lower case ("1-100001", "1") into 'out'.  False when 's' is
 * not one. */
static bool
snssai_text_key(const char *s, char out[32])
{
    const char *dash = strchr(s, '-'), *sd = dash ? dash + 1 : NULL;
    size_t n = dash ? (size_t)(dash - s) : strlen(s);
    long sst;

    if (n < 1 || n > 3 || strspn(s, "0123456789") != n ||
        (sd &&
         (strlen(sd) != 6 || strspn(sd, "0123456789abcdefABCDEF") != 6))) {
        return false;
    }
    sst = strtol(s, NULL, 10);
    if (sst > 255) {
        return false;
    }
    snprintf(out, 32, "%ld%s%s", sst, sd ? "-" : "", sd ? sd : "");
    for (char *p = out; *p; p++) {
        *p = (char)tolower((unsigned char)*p);
    }
    return true;
}

/* The same for an S-NSSAI in JSON: ONAP's string or 3GPP's {sst, sd}. */
static bool
snssai_key(const json_t *v, char out[32])
{
    const json_t *sst = json_object_get(v, "sst");
    const char *sd = str(v, "sd");
    char text[32];

    if (json_is_string(v)) {
        return snssai_text_key(json_string_value(v), out);
    }
    if (!json_is_integer(sst) || json_integer_value(sst) < 0 ||
        json_integer_value(sst) > 255 || (sd && strlen(sd) != 6)) {
        return false;
    }
    snprintf(text, sizeof text, "%" JSON_INTEGER_FORMAT "%s%s",
             json_integer_value(sst), sd ? "-" : "", sd ? sd : "");
    return snssai_text_key(text, out);
}

/* Whether one profile of NSSI 'nssi' has S-NSSAI 'key' (snssai_key()),
 * in any of the shapes of slice-managers.md §2.2. */
static bool
nssi_serves(const json_t *nssi, const char *key)
{
    static const char *const lists[] = {"snssaiList", "sNSSAIList", NULL};
    const json_t *p, *v;
    size_t i, j;
    char have[32];

    json_array_foreach(json_object_get(nssi, "sliceProfileList"), i, p)
    {
        for (const char *const *l = lists; *l; l++) {
            json_array_foreach(json_object_get(p, *l), j, v)
            {
                if (snssai_key(v, have) && is(have, key)) {
                    return true;
                }
            }
        }
        json_array_foreach(json_object_get(p, "plmnInfoList"), j, v)
        {
            if (snssai_key(json_object_get(v, "snssai"), have) &&
                is(have, key)) {
                return true;
            }
        }
    }
    return false;
}

/* PUT /NSS/{snssai}/activation and /deactivation: the administrative
 * state of the NSSI that the body's nssiId (else its sliceProfileId and
 * nsiId) names, which must serve that S-NSSAI.  202 {jobId}; a state
 * already set answers a finished job. */
static int
set_admin_state(struct slc_call *c, const char *state, const char *kind)
{
    struct slc_scope sc = slc_rest_scope(c);
    struct slc_record rec = {0};
    json_t *body, *attrs, *job = NULL;
    char job_id[SLC_UUID_STR_SIZE] = "", key[32];
    const char *id = NULL;
    int rc = onap_body(c, "activation request", actdeact_fields, false, &body);

    if (rc) {
        return rc;
    }
    if (!snssai_text_key(c->params[0], key)) {
        rc = slc_rest_fail(c, 400, SLC_EINVALID,
                           "S-NSSAI '%.64s' of the path is not SST-SD "
                           "(\"001-100001\")",
                           c->params[0]);
    } else if (text(body, "nssiId")) {
        rc = get_nssi(c, text(body, "nssiId"), &rec);
    } else if (text(body, "sliceProfileId")) {
        rc = find_profile(c, text(body, "sliceProfileId"), text(body, "nsiId"),
                          &rec);
    } else {
        rc = slc_rest_fail(c, 400, SLC_EINVALID,
                           "activation request: nssiId or sliceProfileId is "
                           "required");
    }
    if (!rc && !nssi_serves(rec.doc, key)) {
        rc = slc_rest_fail(c, 404, SLC_ENOTFOUND,
                           "NSSI '%s' does not serve S-NSSAI '%.64s'", rec.id,
                           c->params[0]);
    }
    if (!rc) {
        id = str(rec.doc, "id") ?: rec.id;
        attrs = json_pack("{ss}", "administrativeState", state);
        rc = onap_error(
            c, slc_nssi_modify(c->api->slicer, id, attrs, &sc, &job, &c->err));
        json_decref(attrs);
    }
    if (!rc && job) {
        snprintf(job_id, sizeof job_id, "%s", str(job, "_id") ?: "");
    } else if (!rc) {
        rc = finished_job(c, id, text(body, "sliceProfileId"), kind,
                          "the administrative state was already set", job_id);
    }
    if (!rc) {
        reply_job(c, NULL, job_id);
    }
    json_decref(job);
    slc_record_clear(&rec);
    json_decref(body);
    return rc;
}

static int
nssi_activate(struct slc_call *c)
{
    return set_admin_state(c, "UNLOCKED", "activate");
}

static int
nssi_deactivate(struct slc_call *c)
{
    return set_admin_state(c, "LOCKED", "deactivate");
}

/* Literal paths before {snssai}: "/NSS/nssi/activation" is an NSSI. */
const struct slc_route slc_onap_nssmf_routes[] = {
    {"POST", TOKEN, token_create, SLC_ROUTE_PUBLIC},
    {"POST", NSS "/SliceProfiles", nssi_allocate, "nssis:"},
    {"GET", NSS "/SliceProfiles/{id}", profile_show, "nssis:id:"},
    {"PUT", NSS "/SliceProfiles/{id}", profile_modify, "nssis:id:"},
    {"DELETE", NSS "/SliceProfiles/{id}", profile_deallocate, "nssis:id:"},
    {"GET", NSS "/nssi/{id}", nssi_show, "nssis:id:"},
    {"PUT", NSS "/nssi/{id}", nssi_modify, "nssis:id:"},
    {"DELETE", NSS "/nssi/{id}", nssi_terminate, "nssis:id:"},
    {"GET", NSS "/jobs/{id}", job_show, "nssi_jobs:id:"},
    {"PUT", NSS "/{snssai}/activation", nssi_activate, "nssis:id:activation:"},
    {"PUT", NSS "/{snssai}/deactivation", nssi_deactivate,
     "nssis:id:deactivation:"},
    {NULL},
};

/* Network slice subnet instances served to an NSMF (nssi.h): slice
 * profiles in any dialect's shape become slice requests, grouped into
 * NSSI records that follow their slices' state (profiles are read by
 * nssi-profile.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/event.h>

#include "nssi.h"
#include "ns-lcm.h"
#include "slc-id.h"
#include "slc-log.h"
#include "slice-internal.h"

SLC_LOG_MODULE(nssi);

/* Slice requests made for NSSI profiles are named NSSP_PREFIX + a key of
 * their own, so that recovery can find one whose NSSI was never
 * written. */
#define NSSP_PREFIX "nssp-"

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

/* Tells the daemon of a change of 'rec' (old and new attributes, either
 * may be NULL). */
static void
tell(struct slc_slicer *s, const json_t *rec, const json_t *old_attrs,
     const json_t *new_attrs)
{
    if (s->p.nssi_event) {
        s->p.nssi_event(s->p.nssi_arg, rec, old_attrs, new_attrs);
    }
}

/* ---- lookups ---- */

struct find {
    const char *profile, *nsi_ref, *nsi;
    const struct slc_scope *sc;
    json_t *found;
};

static int
find_visit(const char *coll, const struct slc_record *rec, void *arg)
{
    struct find *f = arg;
    const json_t *e;

    if (f->found || !slc_scope_reads(f->sc, rec->doc)) {
        return 0;
    }
    if (f->nsi) {
        if (is(str(rec->doc, "nsiId"), f->nsi)) {
            f->found = json_incref(rec->doc);
        }
        return 0;
    }
    e = json_object_get(json_object_get(rec->doc, "profiles"), f->profile);
    if (e && (!f->nsi_ref || is(str(e, "nsiRef"), f->nsi_ref))) {
        f->found = json_incref(rec->doc);
    }
    return 0;
}

static int
find(struct slc_slicer *s, struct find *f, struct slc_record *out,
     struct slc_error *err)
{
    int rc = slc_store_list(s->p.st, SLC_NSSI_COLL, NULL, find_visit, f,
                            err);

    if (!rc && !f->found) {
        rc = slc_error_set(err, SLC_ENOTFOUND,
                           "no network slice subnet has slice profile "
                           "'%.64s'",
                           f->profile ? f->profile : "");
    }
    if (!rc) {
        rc = slc_store_get(s->p.st, SLC_NSSI_COLL, str(f->found, "_id"), out,
                           err);
    }
    json_decref(f->found);
    f->found = NULL;
    return rc;
}

int
slc_nssi_find_profile(struct slc_slicer *s, const char *profile_id,
                      const char *nsi_ref, const struct slc_scope *sc,
                      struct slc_record *out, struct slc_error *err)
{
    struct find f = {.profile = profile_id, .nsi_ref = nsi_ref, .sc = sc};

    return find(s, &f, out, err);
}

struct only {
    const struct slc_scope *sc;
    size_t n;
    char id[40];
};

static int
only_visit(const char *coll, const struct slc_record *rec, void *arg)
{
    struct only *o = arg;

    /* a system admin's scope reads every project: count its own */
    if (o->sc && o->sc->project ? slc_scope_home(o->sc, rec->doc)
                                : slc_scope_reads(o->sc, rec->doc)) {
        o->n++;
        snprintf(o->id, sizeof o->id, "%s", rec->id);
    }
    return 0;
}

int
slc_default_vim_account(struct slc_slicer *s, const char *asked,
                        const struct slc_scope *sc, char out[64],
                        struct slc_error *err)
{
    struct only o = {.sc = sc};
    int rc;

    asked = asked ? asked : s->p.default_vim_account;
    if (asked) {
        snprintf(out, 64, "%s", asked);
        return 0;
    }
    rc = slc_store_list(s->p.st, "vim_accounts", NULL, only_visit, &o, err);
    if (!rc && o.n != 1) {
        rc = slc_error_set(err, SLC_ECONFLICT,
                           "no VIM account for the slice: the project has "
                           "%zu; configure nssmf_vim_account",
                           o.n);
    }
    snprintf(out, 64, "%s", o.id);
    return rc;
}

/* ---- attributes ---- */

static const char *
op_state_of(const json_t *nsi)
{
    const json_t *admin = json_object_get(nsi, "_admin");

    return nsi && is(str(admin, "nsiState"), "INSTANTIATED") &&
                   is(str(nsi, "operational-status"), "running") &&
                   !str(admin, "nsilcmop")
               ? "ENABLED"
               : "DISABLED";
}

json_t *
slc_nssi_attributes(struct slc_slicer *s, const json_t *nssi)
{
    struct slc_record nsi = {0};
    struct slc_error err = {0};
    json_t *a = json_object(), *mf = json_array(), *out;
    const json_t *e;
    size_t i;
    bool have = !slc_store_get(s->p.st, "nsis", str(nssi, "nsiId") ?: "",
                               &nsi, &err);

    json_object_set_new(a, "operationalState",
                        json_string(op_state_of(have ? nsi.doc : NULL)));
    json_object_set(a, "administrativeState",
                    json_object_get(nssi, "administrativeState"));
    json_object_set(a, "networkSliceSubnetType",
                    json_object_get(nssi, "networkSliceSubnetType"));
    json_object_set(a, "sliceProfileList",
                    json_object_get(nssi, "sliceProfileList"));
    json_array_foreach(json_object_get(json_object_get(nsi.doc, "_admin"),
                                       "nsrs-detailed-list"),
                       i, e)
    {
        struct slc_record nsr = {0};
        const json_t *v;
        size_t j;

        if (!slc_store_get(s->p.st, "nsrs", str(e, "nsrId") ?: "", &nsr,
                           &err)) {
            json_array_foreach(json_object_get(nsr.doc,
                                               "constituent-vnfr-ref"),
                               j, v)
            {
                json_array_append(mf, (json_t *)v);
            }
        }
        slc_record_clear(&nsr);
    }
    json_object_set_new(a, "managedFunctionRefList", mf);
    json_object_set_new(
        a, "nsInfo",
        json_pack("{sO* sO* ss}", "nsInstanceId",
                  json_object_get(nssi, "nsiId"), "nsName",
                  have ? json_object_get(nsi.doc, "name") : NULL,
                  "description",
                  "the network slice instance of this subnet"));
    for (const char *const *k = (const char *const[]){"priorityLabel",
                                                      "userLabel", NULL};
         *k; k++) {
        if (json_object_get(nssi, *k)) {
            json_object_set(a, *k, json_object_get(nssi, *k));
        }
    }
    slc_record_clear(&nsi);
    out = json_deep_copy(a); /* nothing shared with 'nssi' */
    json_decref(a);
    return out;
}

/* ---- jobs ---- */

/* A new job record of NSSI 'nssi_id' for 'sc' (new reference). */
static json_t *
new_job(struct slc_slicer *s, const char *kind, const char *nssi_id,
        const char *profile, const char *op_id, const json_t *projects)
{
    char id[SLC_UUID_STR_SIZE];
    bool done = !op_id || !*op_id;
    const char *status = done ? "finished" : "processing";
    const char *desc = done ? "done" : "the slice operation runs";

    if (slc_uuid7(id)) {
        return NULL;
    }
    return json_pack(
        "{ss ss ss ss ss* ss* ss si ss si s[{ss si ss si}]"
        " s{sO sO sf}}",
        "_id", id, "id", id, "kind", kind, "nssiId", nssi_id,
        "sliceProfileId", profile, "nsilcmopId", done ? NULL : op_id,
        "status", status, "progress", done ? 100 : 10, "statusDescription",
        desc, "responseId", 1, "history", "status", status, "progress",
        done ? 100 : 10, "statusDescription", desc, "responseId", 1,
        "_admin", "projects_read", projects, "projects_write", projects,
        "created", s->p.now());
}

/* A job links to its slice operation, an NSSI to its slice: the ones a
 * slice operation's end concerns are found without a scan (track()). */
static json_t *
links_to(const char *coll, const char *id)
{
    return id ? json_pack("[[ss]]", coll, id) : NULL;
}

static int
put_job(struct slc_slicer *s, json_t *job, struct slc_error *err)
{
    struct slc_record r = {.id = (char *)str(job, "_id"),
                           .name = (char *)str(job, "nssiId"), .doc = job};
    json_t *links = links_to("nsilcmops", str(job, "nsilcmopId"));
    int rc;

    json_object_set_new(json_object_get(job, "_admin"), "linked",
                        json_true());
    rc = slc_store_put(s->p.st, SLC_NSSI_JOBS, &r, links, SLC_REV_ANY, NULL,
                       err);
    json_decref(links);
    return rc;
}

/* Moves job 'job' to 'status' (a new history entry). */
static void
job_set(json_t *job, const char *status, int progress, const char *desc)
{
    json_int_t n = json_integer_value(json_object_get(job, "responseId")) + 1;

    json_object_set_new(job, "status", json_string(status));
    json_object_set_new(job, "progress", json_integer(progress));
    json_object_set_new(job, "statusDescription", json_string(desc));
    json_object_set_new(job, "responseId", json_integer(n));
    json_array_append_new(json_object_get(job, "history"),
                          json_pack("{ss si ss sI}", "status", status,
                                    "progress", progress, "statusDescription",
                                    desc, "responseId", n));
}

/* ---- allocation ---- */

/* The rule of the daemon's table for a profile of subnet 'type' (the
 * first whose given members all match): its NST and capacity; NULL. */
static const json_t *
template_of(const struct slc_slicer *s, const char *type,
            const struct slc_want *w)
{
    const json_t *rule;
    size_t i;

    json_array_foreach(s->p.nssmf_templates, i, rule)
    {
        const json_t *sst = json_object_get(rule, "sst");
        const char *t = str(rule, "subnet_type"), *sd = str(rule, "sd");

        if ((!t || is(t, type)) &&
            (!sst || json_integer_value(sst) == w->sst) &&
            (!sd || !strcasecmp(sd, w->sd))) {
            return rule;
        }
    }
    return NULL;
}

/* TS 28.531 7.3: an NSSI takes a profile only while the UEs of all its
 * profiles (maxNumberofUEs) fit what its template serves (the table's
 * max_ues; no bound without one).  'doc' is the NSSI, NULL for a new
 * one. */
static int
check_capacity(const json_t *rule, const json_t *doc, const struct slc_want *w,
               struct slc_error *err)
{
    json_int_t cap = json_integer_value(json_object_get(rule, "max_ues"));
    double used = 0;
    const json_t *p;
    size_t i;

    if (!cap) {
        return 0;
    }
    json_array_foreach(json_object_get(doc, "sliceProfileList"), i, p)
    {
        struct slc_want o;
        struct slc_error e = {0};

        if (!slc_read_profile(p, false, &o, &e) && o.max_ues) {
            used += json_number_value(o.max_ues);
        }
    }
    if (w->max_ues && used + json_number_value(w->max_ues) > (double)cap) {
        return doc ? slc_error_set(err, SLC_ECONFLICT,
                                   "slice profile '%.64s': maxNumberofUEs "
                                   "%g does not fit NetworkSliceSubnet '%s' "
                                   "(nst %s serves at most %lld UEs, its "
                                   "profiles have %g)",
                                   w->id, json_number_value(w->max_ues),
                                   str(doc, "_id"), str(rule, "nst"),
                                   (long long)cap, used)
                   : slc_error_set(err, SLC_ECONFLICT,
                                   "slice profile '%.64s': maxNumberofUEs "
                                   "%g is more than nst %s serves (%lld "
                                   "UEs)",
                                   w->id, json_number_value(w->max_ues),
                                   str(rule, "nst"), (long long)cap);
    }
    return 0;
}

static bool
valid_id(const char *id)
{
    size_t n = id ? strlen(id) : 0;

    return n > 0 && n <= 64 &&
           strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                      "0123456789._-") == n;
}

static bool
valid_admin(const char *state, bool creation)
{
    return is(state, "LOCKED") || is(state, "UNLOCKED") ||
           (!creation && is(state, "SHUTTINGDOWN"));
}

/* Every profile on NSSI 'doc' is shared. */
static bool
all_shared(const json_t *doc)
{
    const json_t *p;
    size_t i;

    json_array_foreach(json_object_get(doc, "sliceProfileList"), i, p)
    {
        struct slc_want w;
        struct slc_error err = {0};

        if (slc_read_profile(p, false, &w, &err) || !w.shared) {
            return false;
        }
    }
    return true;
}

/* The job of profile 'profile' of 'nssi' (new reference, or NULL). */
static json_t *
profile_job(struct slc_slicer *s, const json_t *nssi, const char *profile)
{
    struct slc_record r = {0};
    struct slc_error err = {0};
    json_t *out = NULL;
    const char *id = str(json_object_get(json_object_get(nssi, "profiles"),
                                         profile),
                         "job");

    if (id && !slc_store_get(s->p.st, SLC_NSSI_JOBS, id, &r, &err)) {
        out = json_incref(r.doc);
    }
    slc_record_clear(&r);
    return out;
}

/* The operation running on the slice of request 'req' (one that reused a
 * slice being instantiated), or NULL. */
static const char *
running_op(struct slc_slicer *s, const json_t *req, char op[40])
{
    struct slc_record nsi = {0};
    struct slc_error err = {0};

    op[0] = '\0';
    if (!slc_store_get(s->p.st, "nsis", str(req, "nsiId") ?: "", &nsi,
                       &err)) {
        snprintf(op, 40, "%s",
                 str(json_object_get(nsi.doc, "_admin"), "nsilcmop") ?: "");
    }
    slc_record_clear(&nsi);
    return *op ? op : NULL;
}

/* Stores 'doc' (new or changed NSSI) with 'job' in one transaction. */
static int
store_nssi(struct slc_slicer *s, json_t *doc, json_t *job,
           struct slc_error *err)
{
    struct slc_record r = {.id = (char *)str(doc, "_id"),
                           .name = (char *)str(doc, "_id"), .doc = doc};
    int rc = slc_store_begin(s->p.st, err);

    json_object_set_new(json_object_get(doc, "_admin"), "modified",
                        json_real(s->p.now()));
    json_t *links = links_to("nsis", str(doc, "nsiId"));

    json_object_set_new(json_object_get(doc, "_admin"), "linked",
                        json_true());
    rc = rc ? rc
            : slc_store_put(s->p.st, SLC_NSSI_COLL, &r, links, SLC_REV_ANY,
                            NULL, err);
    json_decref(links);
    rc = rc || !job ? rc : put_job(s, job, err);
    rc = rc ? rc : slc_store_commit(s->p.st, err);
    if (rc) {
        slc_store_rollback(s->p.st);
    }
    return rc;
}

int
slc_nssi_allocate(struct slc_slicer *s, const struct slc_nssi_alloc *a,
                  const struct slc_scope *sc, json_t **nssi, json_t **job,
                  bool *existed, struct slc_error *err)
{
    struct slc_want w;
    struct slc_record old = {0}, target = {0};
    struct find f = {.sc = sc};
    json_t *req = NULL, *body = NULL, *doc = NULL, *j = NULL, *before = NULL;
    const char *type = a->subnet_type ? a->subnet_type : "CN_SLICESUBNET";
    const char *admin = a->admin_state ? a->admin_state : "LOCKED";
    char vim[64], key[SLC_UUID_STR_SIZE], name[64], id[SLC_UUID_STR_SIZE];
    char op_buf[40];
    const char *nst;
    const json_t *rule;
    bool joined = false;
    int rc = slc_read_profile(a->profile, false, &w, err);

    rc = rc ? rc : slc_ep_check(json_object_get(a->profile, "epTransport"),
                                err);
    *existed = false;
    if (!rc && a->id && !valid_id(a->id)) {
        rc = slc_error_set(err, SLC_EINVALID,
                           "NetworkSliceSubnet id '%.64s' must have 1 to 64 "
                           "letters, digits, '.', '_' or '-'",
                           a->id);
    }
    if (!rc && !is(type, "CN_SLICESUBNET") && !is(type, "TOP_SLICESUBNET") &&
        !is(type, "RAN_SLICESUBNET")) {
        rc = slc_error_set(err, SLC_EINVALID,
                           "networkSliceSubnetType '%.64s' must be "
                           "TOP_SLICESUBNET, CN_SLICESUBNET or "
                           "RAN_SLICESUBNET",
                           type);
    }
    if (!rc && !valid_admin(admin, true)) {
        rc = slc_error_set(err, SLC_EINVALID,
                           "administrativeState '%.64s' must be LOCKED or "
                           "UNLOCKED",
                           admin);
    }
    if (rc) {
        return rc;
    }
    /* the same profile again: the first result */
    if (!slc_nssi_find_profile(s, w.id, a->nsi_ref, sc, &old, err)) {
        if (a->id && !is(old.id, a->id)) {
            rc = slc_error_set(err, SLC_ECONFLICT,
                               "slice profile '%.64s' is already on "
                               "NetworkSliceSubnet '%s'",
                               w.id, old.id);
        } else {
            *existed = true;
            if (nssi) {
                *nssi = json_incref(old.doc);
            }
            if (job) {
                *job = profile_job(s, old.doc, w.id);
            }
        }
        slc_record_clear(&old);
        return rc;
    }
    if (a->id && slc_store_get(s->p.st, SLC_NSSI_COLL, a->id, &old, err) !=
                     SLC_ENOTFOUND) {
        slc_record_clear(&old);
        return slc_error_set(err, SLC_EEXISTS,
                             "NetworkSliceSubnet '%s' exists", a->id);
    }
    rc = slc_default_vim_account(s, a->vim_account, sc, vim, err);
    if (!rc && (slc_uuid4(key) || slc_uuid7(id))) {
        rc = slc_error_set(err, SLC_EIO, "no random source");
    }
    if (rc) {
        return rc;
    }
    rule = template_of(s, type, &w);
    nst = str(rule, "nst");
    rc = check_capacity(rule, NULL, &w, err);
    if (rc) {
        return rc;
    }
    snprintf(name, sizeof name, NSSP_PREFIX "%s", key);
    body = json_pack("{ss ss so}", "name", name, "vimAccountId", vim,
                     "serviceProfile", slc_want_service_profile(&w));
    if (nst) {
        json_object_set_new(body, "nstId", json_string(nst));
    }
    if (json_array_size(json_object_get(a->profile, "epTransport"))) {
        /* the NSMF's links to this domain (transport-ep.c) */
        json_object_set(body, "transportEndpoints",
                        json_object_get(a->profile, "epTransport"));
    }
    rc = slc_slice_request(s, body, sc, &req, err);
    json_decref(body);
    if (rc) {
        return slc_error_prefix(err, "slice profile '%.64s'", w.id);
    }
    /* a reused slice: the NSSI that has it takes the profile */
    f.nsi = str(req, "nsiId");
    if (is(str(json_object_get(req, "decision"), "action"), "reused") &&
        !find(s, &f, &target, err)) {
        if (a->id) {
            rc = slc_error_set(err, SLC_ECONFLICT,
                               "slice profile '%.64s' shares the slice of "
                               "NetworkSliceSubnet '%s' (S-NSSAI %d%s%s): "
                               "add the profile to that one",
                               w.id, target.id, w.sst, *w.sd ? "-" : "",
                               w.sd);
        } else if (is(str(target.doc, "administrativeState"),
                      "SHUTTINGDOWN") ||
                   !all_shared(target.doc)) {
            rc = slc_error_set(err, SLC_ECONFLICT,
                               "slice profile '%.64s': NetworkSliceSubnet "
                               "'%s' serves S-NSSAI %d%s%s but takes no new "
                               "profile (%s)",
                               w.id, target.id, w.sst, *w.sd ? "-" : "",
                               w.sd,
                               is(str(target.doc, "administrativeState"),
                                  "SHUTTINGDOWN")
                                   ? "SHUTTINGDOWN"
                                   : "one of its profiles is not shared");
        } else if (!(rc = check_capacity(rule, target.doc, &w, err))) {
            joined = true;
            doc = json_incref(target.doc);
            before = slc_nssi_attributes(s, doc);
        }
    }
    if (!rc && !doc) {
        const char *project = sc ? sc->project : NULL;

        doc = json_pack("{ss ss ss ss ss s[] sO so s{s[s?] s[s?] sf}}",
                        "_id", a->id ? a->id : id, "id", a->id ? a->id : id,
                        "networkSliceSubnetType", type, "administrativeState",
                        admin, "operationalState", "DISABLED",
                        "sliceProfileList", "nsiId",
                        json_object_get(req, "nsiId"), "profiles",
                        json_object(), "_admin", "projects_read", project,
                        "projects_write", project, "created", s->p.now());
        for (const char *const *k = (const char *const[]){"priorityLabel",
                                                          "userLabel", NULL};
             *k; k++) {
            if (json_object_get(a->attributes, *k)) {
                json_object_set(doc, *k, json_object_get(a->attributes, *k));
            }
        }
    }
    if (!rc) {
        j = new_job(s, "allocate", str(doc, "_id"), w.id,
                    str(req, "nsilcmopId") ?: running_op(s, req, op_buf),
                    json_object_get(json_object_get(doc, "_admin"),
                                    "projects_read"));
        if (!j) {
            rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
        }
    }
    if (!rc) {
        json_array_append(json_object_get(doc, "sliceProfileList"),
                          (json_t *)a->profile);
        json_object_set_new(json_object_get(doc, "profiles"), w.id,
                            json_pack("{sO ss ss*}", "request",
                                      json_object_get(req, "_id"), "job",
                                      str(j, "_id"), "nsiRef", a->nsi_ref));
        rc = store_nssi(s, doc, j, err);
    }
    if (rc) {
        char op_id[40];

        slc_slice_request_delete(s, str(req, "_id") ?: "", op_id, NULL);
    } else {
        json_t *after = slc_nssi_attributes(s, doc);

        SLC_INFO("nssi '%s': slice profile '%s' (S-NSSAI %d%s%s) %s nsi %s",
                 str(doc, "_id"), w.id, w.sst, *w.sd ? "-" : "", w.sd,
                 joined ? "joins" : "allocated on", str(doc, "nsiId"));
        tell(s, doc, before, after);
        json_decref(after);
        if (nssi) {
            *nssi = json_incref(doc);
        }
        if (job) {
            *job = json_incref(j);
        }
    }
    json_decref(before);
    json_decref(j);
    json_decref(doc);
    json_decref(req);
    slc_record_clear(&target);
    return rc;
}

/* ---- deallocation ---- */

/* Takes profile 'profile' off NSSI 'rec' (just read): its slice request
 * is deallocated and the NSSI stored, or deleted with its last profile.
 * A job of 'kind' goes to '*job' when not NULL. */
static int
drop_profile(struct slc_slicer *s, struct slc_record *rec,
             const char *profile, const char *kind, json_t **job,
             struct slc_error *err)
{
    json_t *profiles = json_object_get(rec->doc, "profiles");
    const char *req = str(json_object_get(profiles, profile), "request");
    json_t *before = slc_nssi_attributes(s, rec->doc), *list, *j;
    const json_t *p;
    char op_id[40] = "";
    size_t i;
    int rc = req ? slc_slice_request_delete(s, req, op_id, err) : 0;

    if (rc == SLC_ENOTFOUND) {
        rc = 0; /* already gone (a restart in the middle) */
    }
    if (rc) {
        json_decref(before);
        return rc;
    }
    list = json_object_get(rec->doc, "sliceProfileList");
    json_array_foreach(list, i, p)
    {
        if (is(str(p, "sliceProfileId"), profile)) {
            json_array_remove(list, i);
            break;
        }
    }
    json_object_del(profiles, profile);
    j = new_job(s, kind, rec->id, profile, op_id,
                json_object_get(json_object_get(rec->doc, "_admin"),
                                "projects_read"));
    if (!json_array_size(list)) {
        rc = slc_store_begin(s->p.st, err);
        rc = rc ? rc
                : slc_store_del(s->p.st, SLC_NSSI_COLL, rec->id, SLC_REV_ANY,
                                err);
        rc = rc || !j ? rc : put_job(s, j, err);
        rc = rc ? rc : slc_store_commit(s->p.st, err);
        if (rc) {
            slc_store_rollback(s->p.st);
        } else {
            SLC_INFO("nssi '%s': last slice profile '%s' deallocated, "
                     "nssi deleted",
                     rec->id, profile);
            tell(s, rec->doc, before, NULL);
        }
    } else {
        rc = store_nssi(s, rec->doc, j, err);
        if (!rc) {
            json_t *after = slc_nssi_attributes(s, rec->doc);

            SLC_INFO("nssi '%s': slice profile '%s' deallocated", rec->id,
                     profile);
            tell(s, rec->doc, before, after);
            json_decref(after);
        }
    }
    if (!rc && job) {
        *job = json_incref(j);
    }
    json_decref(j);
    json_decref(before);
    return rc;
}

int
slc_nssi_deallocate(struct slc_slicer *s, const char *nssi_id,
                    const char *profile_id, const struct slc_scope *sc,
                    json_t **job, struct slc_error *err)
{
    struct slc_record rec = {0};
    int rc = slc_nssi_find_profile(s, profile_id, NULL, sc, &rec, err);

    if (!rc && nssi_id && !is(rec.id, nssi_id)) {
        rc = slc_error_set(err, SLC_ENOTFOUND,
                           "NetworkSliceSubnet '%.64s' has no slice profile "
                           "'%.64s'",
                           nssi_id, profile_id);
    }
    rc = rc ? rc : drop_profile(s, &rec, profile_id, "deallocate", job, err);
    slc_record_clear(&rec);
    return rc;
}

/* Reads NSSI 'id' of scope 'sc'. */
static int
get_nssi(struct slc_slicer *s, const char *id, const struct slc_scope *sc,
         struct slc_record *rec, struct slc_error *err)
{
    int rc = slc_store_get(s->p.st, SLC_NSSI_COLL, id, rec, err);

    if (rc == SLC_ENOTFOUND || (!rc && !slc_scope_reads(sc, rec->doc))) {
        slc_record_clear(rec);
        return slc_error_set(err, SLC_ENOTFOUND,
                             "NetworkSliceSubnet '%.64s' not found", id);
    }
    return rc;
}

int
slc_nssi_delete(struct slc_slicer *s, const char *id,
                const struct slc_scope *sc, struct slc_error *err)
{
    struct slc_record rec = {0};
    json_t *profiles = json_array();
    const char *k;
    const json_t *v;
    size_t i;
    int rc = get_nssi(s, id, sc, &rec, err);

    /* the ids copied: each drop deletes its key from the record */
    json_object_foreach(json_object_get(rec.doc, "profiles"), k, v)
    {
        json_array_append_new(profiles, json_string(k));
    }
    if (!rc && !json_array_size(profiles)) {
        /* a record without profiles (cannot normally happen) */
        rc = slc_store_del(s->p.st, SLC_NSSI_COLL, id, SLC_REV_ANY, err);
    }
    json_array_foreach(profiles, i, v)
    {
        rc = rc ? rc
                : drop_profile(s, &rec, json_string_value(v), "terminate",
                               NULL, err);
    }
    json_decref(profiles);
    slc_record_clear(&rec);
    return rc;
}

/* ---- modification ---- */

static bool
has_profile(const json_t *list, const char *id)
{
    const json_t *p;
    size_t i;

    json_array_foreach(list, i, p)
    {
        if (is(str(p, "sliceProfileId"), id)) {
            return true;
        }
    }
    return false;
}

int
slc_nssi_modify(struct slc_slicer *s, const char *id, const json_t *attrs,
                const struct slc_scope *sc, json_t **job,
                struct slc_error *err)
{
    static const char *const writable[] = {
        "administrativeState", "priorityLabel", "userLabel",
        "sliceProfileList", NULL};
    static const char *const read_only[] = {
        "operationalState", "networkSliceSubnetType", "nsInfo",
        "managedFunctionRefList", NULL};
    struct slc_record rec = {0};
    const json_t *v, *list = json_object_get(attrs, "sliceProfileList");
    json_t *cur = NULL, *before = NULL;
    const char *k, *state = str(attrs, "administrativeState");
    size_t i;
    int rc = get_nssi(s, id, sc, &rec, err);

    if (!rc) {
        cur = slc_nssi_attributes(s, rec.doc);
    }
    json_object_foreach((json_t *)attrs, k, v)
    {
        size_t w = 0, r = 0;

        while (writable[w] && strcmp(writable[w], k)) {
            w++;
        }
        while (read_only[r] && strcmp(read_only[r], k)) {
            r++;
        }
        if (rc) {
            break;
        }
        if (read_only[r] && !json_equal((json_t *)v,
                                        json_object_get(cur, k))) {
            rc = slc_error_set(err, SLC_EINVALID,
                               "NetworkSliceSubnet '%s': %s is read-only",
                               id, k);
        } else if (!writable[w] && !read_only[r]) {
            rc = slc_error_set(err, SLC_EINVALID,
                               "NetworkSliceSubnet '%s': unknown attribute "
                               "'%.64s'",
                               id, k);
        }
    }
    if (!rc && json_object_get(attrs, "administrativeState") &&
        !valid_admin(state, false)) {
        rc = slc_error_set(err, SLC_EINVALID,
                           "NetworkSliceSubnet '%s': administrativeState "
                           "'%.64s' must be LOCKED, UNLOCKED or "
                           "SHUTTINGDOWN",
                           id, state ? state : "?");
    }
    if (!rc && (v = json_object_get(attrs, "priorityLabel")) &&
        (!json_is_integer(v) || json_integer_value(v) < 0)) {
        rc = slc_error_set(err, SLC_EINVALID,
                           "NetworkSliceSubnet '%s': priorityLabel must be "
                           "an integer >= 0",
                           id);
    }
    if (!rc && (v = json_object_get(attrs, "userLabel")) &&
        !json_is_string(v)) {
        rc = slc_error_set(err, SLC_EINVALID,
                           "NetworkSliceSubnet '%s': userLabel must be a "
                           "string",
                           id);
    }
    if (!rc && list && (!json_is_array(list) || !json_array_size(list))) {
        rc = slc_error_set(err, SLC_EINVALID,
                           "NetworkSliceSubnet '%s': sliceProfileList must "
                           "be a list of one or more slice profiles "
                           "(deleteMOI removes the last)",
                           id);
    }
    json_array_foreach(list, i, v)
    {
        struct slc_want w;

        rc = rc ? rc : slc_read_profile(v, false, &w, err);
    }
    /* new profiles join this NSSI's slice */
    json_array_foreach(list, i, v)
    {
        const char *pid = str(v, "sliceProfileId");
        struct slc_nssi_alloc a = {.profile = v};
        json_t *got = NULL, *j = NULL;
        bool existed;

        if (rc || has_profile(json_object_get(rec.doc, "sliceProfileList"),
                              pid)) {
            continue;
        }
        rc = slc_nssi_allocate(s, &a, sc, &got, job ? &j : NULL, &existed,
                               err);
        if (!rc && job) {
            json_decref(*job);
            *job = j; /* the last one made */
        } else {
            json_decref(j);
        }
        j = NULL;
        if (!rc && !is(str(got, "_id"), id)) {
            char nssi_id[80];

            snprintf(nssi_id, sizeof nssi_id, "%s", str(got, "_id") ?: "");
            slc_nssi_deallocate(s, nssi_id, pid, sc, NULL, NULL);
            rc = slc_error_set(err, SLC_ECONFLICT,
                               "NetworkSliceSubnet '%s': slice profile "
                               "'%.64s' cannot join it: its S-NSSAI and "
                               "sharing lead to %s",
                               id, pid,
                               existed ? "another subnet" : "a slice of its own");
        }
        json_decref(got);
    }
    /* missing ones go */
    if (!rc && list) {
        json_t *gone = json_array();
        const json_t *p;

        slc_record_clear(&rec);
        rc = get_nssi(s, id, sc, &rec, err);
        json_array_foreach(json_object_get(rec.doc, "sliceProfileList"), i,
                           p)
        {
            if (!has_profile(list, str(p, "sliceProfileId"))) {
                json_array_append(gone, json_object_get(p, "sliceProfileId"));
            }
        }
        json_array_foreach(gone, i, p)
        {
            json_t *j = NULL;

            rc = rc ? rc
                    : slc_nssi_deallocate(s, id, json_string_value(p), sc,
                                          job ? &j : NULL, err);
            if (j) {
                json_decref(*job);
                *job = j;
            }
        }
        json_decref(gone);
    }
    if (!rc) {
        slc_record_clear(&rec);
        rc = get_nssi(s, id, sc, &rec, err);
    }
    if (!rc && (state || json_object_get(attrs, "priorityLabel") ||
                json_object_get(attrs, "userLabel"))) {
        json_t *j = NULL, *after;
        bool change = state && !is(state, str(rec.doc, "administrativeState"));

        before = slc_nssi_attributes(s, rec.doc);
        for (const char *const *key = writable; *key; key++) {
            if (strcmp(*key, "sliceProfileList") &&
                json_object_get(attrs, *key)) {
                json_object_set(rec.doc, *key, json_object_get(attrs, *key));
            }
        }
        if (state) {
            j = new_job(s, is(state, "UNLOCKED") ? "activate" : "deactivate",
                        id, NULL, NULL,
                        json_object_get(json_object_get(rec.doc, "_admin"),
                                        "projects_read"));
        }
        rc = store_nssi(s, rec.doc, j, err);
        after = slc_nssi_attributes(s, rec.doc);
        if (!rc && !json_equal(before, after)) {
            if (change) {
                SLC_INFO("nssi '%s': administrativeState %s", id, state);
            }
            tell(s, rec.doc, before, after);
        }
        if (!rc && j && job) {
            json_decref(*job);
            *job = json_incref(j);
        }
        json_decref(after);
        json_decref(j);
    }
    json_decref(before);
    json_decref(cur);
    slc_record_clear(&rec);
    return rc;
}

/* ---- following the slices ---- */

struct track {
    struct slc_slicer *s;
    const char *nsi, *op;
    json_t *nssis; /* ids */
    json_t *jobs;  /* ids */
};

static int
track_nssi(const char *coll, const struct slc_record *rec, void *arg)
{
    struct track *t = arg;

    if (is(coll, SLC_NSSI_COLL) &&
        (!t->nsi || is(str(rec->doc, "nsiId"), t->nsi))) {
        json_array_append_new(t->nssis, json_string(rec->id));
    }
    return 0;
}

static int
track_job(const char *coll, const struct slc_record *rec, void *arg)
{
    struct track *t = arg;

    if (is(coll, SLC_NSSI_JOBS) && is(str(rec->doc, "status"), "processing") &&
        (!t->op || is(str(rec->doc, "nsilcmopId"), t->op))) {
        json_array_append_new(t->jobs, json_string(rec->id));
    }
    return 0;
}

/* Brings NSSI 'id' up to date: its operationalState, and profiles whose
 * slice request is gone. */
static void
refresh_nssi(struct slc_slicer *s, const char *id)
{
    struct slc_record rec = {0};
    struct slc_error err = {0};
    json_t *attrs;
    const char *k;
    json_t *v;
    void *tmp;

    if (slc_store_get(s->p.st, SLC_NSSI_COLL, id, &rec, &err)) {
        return;
    }
    json_object_foreach_safe(json_object_get(rec.doc, "profiles"), tmp, k, v)
    {
        struct slc_record req = {0};

        if (slc_store_get(s->p.st, "slice_requests", str(v, "request") ?: "",
                          &req, &err) == SLC_ENOTFOUND) {
            char profile[160];

            snprintf(profile, sizeof profile, "%s", k);
            SLC_WARN("nssi '%s': slice profile '%s' lost its slice request; "
                     "dropped",
                     id, profile);
            drop_profile(s, &rec, profile, "deallocate", NULL, &err);
            slc_record_clear(&rec);
            slc_record_clear(&req);
            return; /* refreshed again by the drop's own change */
        }
        slc_record_clear(&req);
    }
    attrs = slc_nssi_attributes(s, rec.doc);
    if (!is(str(attrs, "operationalState"),
            str(rec.doc, "operationalState"))) {
        json_t *before = json_deep_copy(attrs);

        json_object_set(before, "operationalState",
                        json_object_get(rec.doc, "operationalState"));
        json_object_set(rec.doc, "operationalState",
                        json_object_get(attrs, "operationalState"));
        if (!store_nssi(s, rec.doc, NULL, &err)) {
            SLC_INFO("nssi '%s': operationalState %s", id,
                     str(attrs, "operationalState"));
            tell(s, rec.doc, before, attrs);
        }
        json_decref(before);
    }
    json_decref(attrs);
    slc_record_clear(&rec);
}

/* Ends job 'id' as its operation ended ('op' may be NULL: read it). */
static void
refresh_job(struct slc_slicer *s, const char *id)
{
    struct slc_record job = {0}, op = {0}, nssi = {0};
    struct slc_error err = {0};
    const char *state;
    int orc;

    if (slc_store_get(s->p.st, SLC_NSSI_JOBS, id, &job, &err)) {
        return;
    }
    orc = slc_store_get(s->p.st, "nsilcmops",
                        str(job.doc, "nsilcmopId") ?: "", &op, &err);
    state = orc ? "FAILED" : str(op.doc, "operationState");
    if (is(state, "COMPLETED")) {
        job_set(job.doc, "finished", 100, "done");
        put_job(s, job.doc, &err);
    } else if (state && strcmp(state, "PROCESSING") &&
               strcmp(state, "ROLLING_BACK")) {
        char desc[512];

        snprintf(desc, sizeof desc, "%s: %s",
                 str(job.doc, "kind"),
                 orc ? "the slice operation is gone"
                     : str(op.doc, "detailed-status") ?: state);
        job_set(job.doc, "error", 100, desc);
        put_job(s, job.doc, &err);
        /* a failed allocation leaves no profile behind (slice-managers.md
         * §8.6) */
        if (is(str(job.doc, "kind"), "allocate") &&
            !slc_store_get(s->p.st, SLC_NSSI_COLL,
                           str(job.doc, "nssiId") ?: "", &nssi, &err) &&
            json_object_get(json_object_get(nssi.doc, "profiles"),
                            str(job.doc, "sliceProfileId") ?: "")) {
            SLC_WARN("nssi '%s': allocation of slice profile '%s' failed: "
                     "%s",
                     nssi.id, str(job.doc, "sliceProfileId"), desc);
            drop_profile(s, &nssi, str(job.doc, "sliceProfileId"),
                         "deallocate", NULL, &err);
        }
    }
    slc_record_clear(&nssi);
    slc_record_clear(&op);
    slc_record_clear(&job);
}

static bool
unlinked(const json_t *doc)
{
    return !json_is_true(json_object_get(json_object_get(doc, "_admin"),
                                         "linked"));
}

/* An older store's NSSIs and jobs, given their links (links_to). */
static json_t *
relink(json_t *doc, const char *to, const char *member)
{
    if (!json_is_object(json_object_get(doc, "_admin"))) {
        json_object_set_new(doc, "_admin", json_object());
    }
    json_object_set_new(json_object_get(doc, "_admin"), "linked",
                        json_true());
    return str(doc, member) ? links_to(to, str(doc, member)) : json_array();
}

static json_t *
nssi_relink(json_t *doc)
{
    return relink(doc, "nsis", "nsiId");
}

static json_t *
job_relink(json_t *doc)
{
    return relink(doc, "nsilcmops", "nsilcmopId");
}

static void
track(struct slc_slicer *s, const char *nsi, const char *op)
{
    struct track t = {.s = s, .nsi = nsi, .op = op, .nssis = json_array(),
                      .jobs = json_array()};
    struct slc_error err = {0};
    const json_t *v;
    size_t i;

    if (op) {
        slc_store_referrers(s->p.st, "nsilcmops", op, track_job, &t, &err);
    } else {
        slc_store_list(s->p.st, SLC_NSSI_JOBS, NULL, track_job, &t, &err);
    }
    json_array_foreach(t.jobs, i, v)
    {
        refresh_job(s, json_string_value(v));
    }
    if (nsi) {
        slc_store_referrers(s->p.st, "nsis", nsi, track_nssi, &t, &err);
    } else {
        slc_store_list(s->p.st, SLC_NSSI_COLL, NULL, track_nssi, &t, &err);
    }
    json_array_foreach(t.nssis, i, v)
    {
        refresh_nssi(s, json_string_value(v));
    }
    json_decref(t.nssis);
    json_decref(t.jobs);
}

/* Called from the state hook, in the middle of the slice manager's
 * work: what follows (deleting a failed slice) waits for the loop. */
void
slc_nssi_track(struct slc_slicer *s, const json_t *op)
{
    const char *coll = str(json_object_get(op, "_admin"), "collection");

    if (!s || !is(coll, "nsilcmops") ||
        is(str(op, "operationState"), "PROCESSING")) {
        return;
    }
    json_array_append_new(s->nssi_ops,
                          json_pack("[ss]",
                                    str(op, "netsliceInstanceId") ?: "",
                                    str(op, "_id") ?: ""));
    event_active(s->nssi_kick, 0, 0);
}

void
slc_nssi_on_kick(int fd, short what, void *arg)
{
    struct slc_slicer *s = arg;
    json_t *ops = s->nssi_ops;
    const json_t *v;
    size_t i;

    (void)fd;
    (void)what;
    s->nssi_ops = json_array();
    json_array_foreach(ops, i, v)
    {
        track(s, json_string_value(json_array_get(v, 0)),
              json_string_value(json_array_get(v, 1)));
    }
    json_decref(ops);
}

/* Slice requests made for a profile whose NSSI was never stored (a
 * restart between the two). */
struct orphans {
    struct slc_slicer *s;
    json_t *requests; /* ids referenced by NSSIs */
    json_t *found;
};

static int
collect_requests(const char *coll, const struct slc_record *rec, void *arg)
{
    struct orphans *o = arg;
    const char *k;
    const json_t *v;

    json_object_foreach(json_object_get(rec->doc, "profiles"), k, v)
    {
        json_object_set_new(o->requests, str(v, "request") ?: "",
                            json_true());
    }
    return 0;
}

static int
collect_orphans(const char *coll, const struct slc_record *rec, void *arg)
{
    struct orphans *o = arg;

    if (rec->name && !strncmp(rec->name, NSSP_PREFIX, strlen(NSSP_PREFIX)) &&
        !json_object_get(o->requests, rec->id)) {
        json_array_append_new(o->found, json_string(rec->id));
    }
    return 0;
}

int
slc_nssi_reconcile(struct slc_slicer *s, struct slc_error *err)
{
    struct orphans o = {.s = s, .requests = json_object(),
                        .found = json_array()};
    const json_t *v;
    size_t i;
    int rc = slc_store_list(s->p.st, SLC_NSSI_COLL, NULL, collect_requests,
                            &o, err);

    rc = rc ? rc
            : slc_store_list(s->p.st, "slice_requests", NULL,
                             collect_orphans, &o, err);
    json_array_foreach(o.found, i, v)
    {
        char op_id[40];
        struct slc_error e = {0};

        SLC_WARN("recovery: slice request %s of an NSSI profile that was "
                 "never stored: deallocated",
                 json_string_value(v));
        if (slc_slice_request_delete(s, json_string_value(v), op_id, &e)) {
            SLC_ERR("recovery: slice request %s: %s", json_string_value(v),
                    e.msg);
        }
    }
    json_decref(o.requests);
    json_decref(o.found);
    rc = rc ? rc
            : slc_store_relink(s->p.st, SLC_NSSI_COLL, unlinked, nssi_relink,
                               err);
    rc = rc ? rc
            : slc_store_relink(s->p.st, SLC_NSSI_JOBS, unlinked, job_relink,
                               err);
    if (!rc) {
        track(s, NULL, NULL);
    }
    return rc;
}

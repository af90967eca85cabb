/* 5G slice requests by service profile (our API, /nsmf/v1/slice_requests;
 * see slice.h): a 3GPP TS 28.541 ServiceProfile subset becomes a slice
 * instance, as TS 28.531's allocateNsi does it:
 *   1. the NST is chosen: its slice-service-type is the SST (TS 23.501:
 *      eMBB 1, URLLC 2, mMTC 3), its delay budget meets the latency bound,
 *      its slice differentiator is the SD when both have one; candidates
 *      are ranked (SD match, then the largest budget that still meets the
 *      bound: the least over-provisioned), and every rejection says why;
 *   2. admission: a shareable slice with the same S-NSSAI is reused; an
 *      S-NSSAI held by a slice that is not shareable is refused (409); a
 *      new slice is tried first in a transaction that is rolled back
 *      (placement and PDU binding of every NS, and the VIM's free vCPUs
 *      and memory), so a slice that does not fit is refused (409) before
 *      anything is made;
 *   3. the slice is created and instantiated.
 * The request record ("slice_requests") keeps the profile, the chosen NST
 * and the decision trail. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "ns-lcm.h"
#include "slc-id.h"
#include "slc-log.h"
#include "slice-internal.h"

SLC_LOG_MODULE(slice_request);

static const char *
str(const json_t *o, const char *key)
{
    return slc_ns_str(o, key);
}

/* TS 23.501 Table 5.7.4-1: the packet delay budget (ms) of standardized
 * 5QIs, for NSTs that give a 5QI without a budget. */
static double
pdb_of_5qi(json_int_t qi)
{
    static const struct {
        int qi, pdb;
    } table[] = {
        {1, 100}, {2, 150}, {3, 50},  {4, 300}, {65, 75}, {66, 100},
        {67, 100}, {71, 150}, {72, 300}, {73, 300}, {74, 500}, {76, 500},
        {5, 100}, {6, 300},  {7, 100}, {8, 300}, {9, 300}, {69, 60},
        {70, 200}, {79, 50}, {80, 10}, {82, 10}, {83, 10}, {84, 30},
        {85, 5},  {86, 5},   {87, 5},  {88, 10}, {89, 15}, {90, 20},
    };

    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (table[i].qi == qi) {
            return table[i].pdb;
        }
    }
    return 0;
}

int
slc_sst_of(const char *type)
{
    static const char *const names[] = {NULL, "eMBB", "URLLC", "mMTC"};

    for (int i = 1; type && i < 4; i++) {
        if (!strcasecmp(type, names[i])) {
            return i;
        }
    }
    return type ? atoi(type) : 0;
}

/* The profile as the request gives it, checked (422 naming the field). */
struct profile {
    int sst;
    const char *sd;      /* 6 hex digits, or NULL */
    double latency;      /* ms, 0 = no bound */
    bool shared;
};

static bool
is_number(const json_t *v)
{
    return json_is_number(v) && json_number_value(v) >= 0;
}

static int
check_profile(const json_t *p, struct profile *out, struct slc_error *err)
{
    static const char *const known[] = {
        "sNSSAIList", "sST", "latency", "dLThptPerSlice", "uLThptPerSlice",
        "maxNumberofUEs", "availability", "activityFactor", "coverageArea",
        "resourceSharingLevel", "uEMobilityLevel", "plmnInfoList", NULL};
    const json_t *list = json_object_get(p, "sNSSAIList");
    const json_t *first = json_array_get(list, 0);
    const char *k;
    const json_t *v;

    memset(out, 0, sizeof *out);
    if (!json_is_object(p)) {
        return slc_error_set(err, SLC_EINVALID,
                             "slice request: serviceProfile must be an "
                             "object");
    }
    json_object_foreach((json_t *)p, k, v)
    {
        size_t i = 0;

        while (known[i] && strcmp(known[i], k)) {
            i++;
        }
        if (!known[i]) {
            return slc_error_set(err, SLC_EINVALID,
                                 "slice request: serviceProfile: unknown "
                                 "member '%s'",
                                 k);
        }
    }
    if (list && (!json_is_array(list) || !json_is_object(first) ||
                 !json_is_integer(json_object_get(first, "sst")))) {
        return slc_error_set(err, SLC_EINVALID,
                             "slice request: serviceProfile.sNSSAIList must "
                             "be a list of {sst, sd}");
    }
    out->sst = (int)json_integer_value(first ? json_object_get(first, "sst")
                                             : json_object_get(p, "sST"));
    if (first && json_object_get(p, "sST") &&
        json_integer_value(json_object_get(p, "sST")) != out->sst) {
        return slc_error_set(err, SLC_EINVALID,
                             "slice request: serviceProfile.sST %" JSON_INTEGER_FORMAT
                             " differs from sNSSAIList[0].sst %d",
                             json_integer_value(json_object_get(p, "sST")),
                             out->sst);
    }
    if (out->sst < 1 || out->sst > 255) {
        return slc_error_set(err, SLC_EINVALID,
                             "slice request: serviceProfile: sST must be an "
                             "integer 1..255 (eMBB 1, URLLC 2, mMTC 3), "
                             "got %d",
                             out->sst);
    }
    out->sd = str(first, "sd");
    if (json_object_get(first, "sd") &&
        (!out->sd || strlen(out->sd) != 6 ||
         strspn(out->sd, "0123456789abcdefABCDEF") != 6)) {
        return slc_error_set(err, SLC_EINVALID,
                             "slice request: serviceProfile.sNSSAIList[0].sd "
                             "'%s' must be 6 hexadecimal digits",
                             out->sd ? out->sd : "");
    }
    v = json_object_get(p, "latency");
    if (v && (!is_number(v) || json_number_value(v) <= 0)) {
        return slc_error_set(err, SLC_EINVALID,
                             "slice request: serviceProfile.latency must be "
                             "a positive number of milliseconds");
    }
    out->latency = json_number_value(v);
    for (const char *const *n = (const char *const[]){"maxNumberofUEs",
                                                      "availability",
                                                      "activityFactor", NULL};
         *n; n++) {
        v = json_object_get(p, *n);
        if (v && !is_number(v)) {
            return slc_error_set(err, SLC_EINVALID,
                                 "slice request: serviceProfile.%s must be "
                                 "a number >= 0",
                                 *n);
        }
    }
    for (const char *const *t = (const char *const[]){"dLThptPerSlice",
                                                      "uLThptPerSlice", NULL};
         *t; t++) {
        v = json_object_get(p, *t);
        if (v && !is_number(v) && !json_is_object(v)) {
            return slc_error_set(err, SLC_EINVALID,
                                 "slice request: serviceProfile.%s must be "
                                 "Mbit/s or {guaThpt, maxThpt}",
                                 *t);
        }
    }
    k = str(p, "resourceSharingLevel");
    if (json_object_get(p, "resourceSharingLevel") &&
        (!k || (strcmp(k, "shared") && strcmp(k, "non-shared")))) {
        return slc_error_set(err, SLC_EINVALID,
                             "slice request: serviceProfile."
                             "resourceSharingLevel '%s' must be shared or "
                             "non-shared",
                             k ? k : "");
    }
    out->shared = k && !strcmp(k, "shared");
    return 0;
}

/* ---- NST selection ---- */

struct select {
    const struct profile *want;
    const char *nst;    /* the NST the request names (name or id), or NULL */
    const struct slc_scope *sc;
    json_t *candidates; /* [{nst, _id, accepted, reason, rank}] */
};

static int
judge_nst(const char *coll, const struct slc_record *rec, void *arg)
{
    struct select *sel = arg;
    const json_t *id = json_object_get(rec->doc, "SNSSAI-identifier");
    const json_t *qos = json_object_get(rec->doc, "quality-of-service");
    const char *type = str(id, "slice-service-type");
    const char *sd = str(id, "slice-differentiator");
    double pdb = slc_ns_number(json_object_get(qos, "packet-delay-budget"));
    char reason[256] = "";
    double rank = 0;

    if (!pdb) {
        pdb = pdb_of_5qi(json_integer_value(json_object_get(qos, "id")));
    }
    if (!slc_scope_reads(sel->sc, rec->doc)) {
        return 0; /* not visible to the requester */
    }
    if (sel->nst && strcmp(sel->nst, rec->name ? rec->name : "") &&
        strcmp(sel->nst, rec->id)) {
        snprintf(reason, sizeof reason, "the request names nst %s",
                 sel->nst);
    } else if (slc_sst_of(type) != sel->want->sst) {
        snprintf(reason, sizeof reason,
                 "slice-service-type %s is SST %d, not %d", type ? type : "?",
                 slc_sst_of(type), sel->want->sst);
    } else if (sel->want->sd && sd && strcasecmp(sd, sel->want->sd)) {
        snprintf(reason, sizeof reason, "slice-differentiator %s is not %s",
                 sd, sel->want->sd);
    } else if (sel->want->latency && !pdb) {
        snprintf(reason, sizeof reason,
                 "quality-of-service gives no packet-delay-budget to meet "
                 "%g ms",
                 sel->want->latency);
    } else if (sel->want->latency && pdb > sel->want->latency) {
        snprintf(reason, sizeof reason,
                 "packet-delay-budget %g ms exceeds the latency bound %g ms",
                 pdb, sel->want->latency);
    } else if (!strcmp(str(json_object_get(rec->doc, "_admin"),
                           "operationalState") ?: "",
                       "DISABLED")) {
        snprintf(reason, sizeof reason, "the NST is DISABLED");
    } else {
        /* SD match first, then the least over-provisioned budget */
        rank = (sel->want->sd && sd ? 1e6 : 0) + pdb;
    }
    json_array_append_new(
        sel->candidates,
        json_pack("{ss ss sb ss* sf sf}", "nst", rec->name, "_id", rec->id,
                  "accepted", !*reason, "reason", *reason ? reason : NULL,
                  "packet-delay-budget", pdb, "rank", rank));
    return 0;
}

static int
by_rank(const void *a, const void *b)
{
    const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    double rx = json_is_true(json_object_get(x, "accepted"))
                    ? json_real_value(json_object_get(x, "rank"))
                    : -1;
    double ry = json_is_true(json_object_get(y, "accepted"))
                    ? json_real_value(json_object_get(y, "rank"))
                    : -1;

    return rx < ry ? 1 : rx > ry ? -1 : strcmp(str(x, "nst"), str(y, "nst"));
}

/* Ranks the candidates, best first. */
static json_t *
ranked(json_t *candidates)
{
    size_t n = json_array_size(candidates);
    json_t **items = calloc(n ? n : 1, sizeof *items);
    json_t *out = json_array();

    for (size_t i = 0; items && i < n; i++) {
        items[i] = json_array_get(candidates, i);
    }
    if (items) {
        qsort(items, n, sizeof *items, by_rank);
        for (size_t i = 0; i < n; i++) {
            json_array_append(out, items[i]);
        }
    }
    free(items);
    return out;
}

/* The rejection reasons as one line. */
static void
reasons(const json_t *candidates, char *buf, size_t size)
{
    const json_t *c;
    size_t i, len = 0;

    buf[0] = '\0';
    json_array_foreach(candidates, i, c)
    {
        if (len < size) {
            len += (size_t)snprintf(buf + len, size - len, "%s%s: %s",
                                    len ? "; " : "", str(c, "nst"),
                                    str(c, "reason") ?: "accepted");
        }
    }
}

/* ---- admission ---- */

struct holder {
    const struct profile *want;
    const char *vim;
    json_t *found; /* the request record holding the S-NSSAI */
};

/* The key requests of S-NSSAI (sst, sd) link to ("snssai"), as a new
 * string: SDs compare without case. */
static char *
snssai_key(json_int_t sst, const char *sd)
{
    char *k = NULL;

    if (asprintf(&k, "%" JSON_INTEGER_FORMAT "%s%s", sst, sd ? "-" : "",
                 sd ? sd : "") < 0) {
        return NULL;
    }
    for (char *p = k; *p; p++) {
        *p = (char)tolower((unsigned char)*p);
    }
    return k;
}

json_t *
slc_request_links(const json_t *req)
{
    const json_t *sn = json_object_get(req, "s-nssai");
    char *k = snssai_key(json_integer_value(json_object_get(sn, "sst")),
                         str(sn, "sd"));
    json_t *links = k ? json_pack("[[ss]]", "snssai", k) : NULL;

    if (links && str(req, "nsiId") && *str(req, "nsiId")) {
        json_array_append_new(links, json_pack("[ss]", "nsis",
                                               str(req, "nsiId")));
    }
    free(k);
    return links;
}

static int
find_holder(const char *coll, const struct slc_record *rec, void *arg)
{
    struct holder *h = arg;
    const json_t *sn = json_object_get(rec->doc, "s-nssai");
    const char *sd = str(sn, "sd");

    if (!h->found && !strcmp(coll, "slice_requests") &&
        json_integer_value(json_object_get(sn, "sst")) == h->want->sst &&
        (sd && h->want->sd ? !strcasecmp(sd, h->want->sd)
                           : !sd && !h->want->sd)) {
        h->found = json_incref(rec->doc);
    }
    return 0;
}

/* vCPUs and memory the compute steps of 'op' ask. */
static void
add_demand(const json_t *op, json_int_t *vcpus, json_int_t *ram)
{
    const json_t *s;
    size_t i;

    json_array_foreach(json_object_get(json_object_get(op, "_admin"), "steps"),
                       i, s)
    {
        const json_t *spec = json_object_get(s, "spec");

        if (!strcmp(str(s, "kind") ?: "", "compute")) {
            *vcpus += (json_int_t)slc_ns_number(json_object_get(spec, "vcpus"));
            *ram += (json_int_t)slc_ns_number(
                json_object_get(spec, "memory_mb"));
        }
    }
}

/* Tries the whole slice: the NSI, its NSs and each instantiation's plan
 * (placement, PDU binding), then the VIM's capacity.  A reason goes to
 * 'why' when it does not fit.  The plans are undone (their operations
 * are made for real once the slice's networks exist); the NSI and its
 * NSs stay, in a transaction left open, when the store can undo the
 * plans alone (a mark): '*kept' then, 'nsi_id' is the NSI, and the
 * caller commits or rolls back.  Otherwise everything is rolled back,
 * and the caller creates the NSI again. */
static int
dry_run(struct slc_slicer *s, const json_t *nsi_req,
        const struct slc_scope *sc, char nsi_id[40], bool *kept, char *why,
        size_t why_size, struct slc_error *err)
{
    struct slc_store *st = s->p.st;
    struct slc_error merr = {0};
    json_int_t vcpus = 0, ram = 0;
    json_t *made = NULL; /* the NSI and its NSs as stored */
    const json_t *nsi, *e;
    size_t i;
    int rc = slc_store_begin(st, err);

    *why = '\0';
    *kept = false;
    rc = rc ? rc : slc_nsi_create(s, nsi_req, sc, nsi_id, &made, err);
    *kept = !rc && !slc_store_mark(st, &merr);
    nsi = json_object_get(made, "nsi");
    json_array_foreach(json_object_get(json_object_get(nsi, "_admin"),
                                       "nsrs-detailed-list"),
                       i, e)
    {
        /* tried, not written: the record as made will do */
        struct slc_record nsr = {
            .id = (char *)str(e, "nsrId"),
            .doc = json_object_get(json_object_get(made, "nsrs"),
                                   str(e, "nss-id")),
        }, op = {0};
        json_t *context = NULL;
        int orc;

        if (rc || *why) {
            break;
        }
        if (!nsr.id || !nsr.doc) {
            rc = slc_error_set(err, SLC_EIO, "nsi %s: subnet '%s' has no NS",
                               nsi_id, str(e, "nss-id"));
        }
        if (!rc && !str(json_object_get(nsr.doc, "_admin"), "nslcmop") &&
            strcmp(str(json_object_get(nsr.doc, "_admin"), "nsState") ?: "",
                   "INSTANTIATED")) {
            orc = slc_ns_op_try(st, &nsr, "instantiate",
                                json_object_get(nsr.doc,
                                                "instantiate_params"),
                                s->p.now(), 60, &op, &context, err);
            if (orc == SLC_EBUSY || orc == SLC_ECONFLICT ||
                orc == SLC_EINVALID) {
                snprintf(why, why_size, "subnet '%s': %s", str(e, "nss-id"),
                         err->msg);
            } else if (orc) {
                rc = orc;
            } else if (str(json_object_get(op.doc, "_admin"), "refused")) {
                snprintf(why, why_size, "subnet '%s': %s", str(e, "nss-id"),
                         str(json_object_get(op.doc, "_admin"), "refused"));
            } else {
                add_demand(op.doc, &vcpus, &ram);
            }
        }
        json_decref(context);
        slc_record_clear(&op);
    }
    if (*kept && !rc) {
        slc_store_undo_to_mark(st); /* the plans were a try */
    } else {
        slc_store_rollback(st); /* all of it was */
        *kept = false;
    }
    if (!rc && !*why) {
        json_t *desc = NULL;
        struct slc_error derr = {0};

        if (!slc_engine_vim_capacity(s->p.engine, str(nsi, "datacenter"),
                                     &desc, &derr)) {
            const json_t *cap = desc;
            json_int_t fv = json_integer_value(json_object_get(
                                json_object_get(cap, "vcpus"), "total")) -
                            json_integer_value(json_object_get(
                                json_object_get(cap, "vcpus"), "used"));
            json_int_t fr = json_integer_value(json_object_get(
                                json_object_get(cap, "ram_mb"), "total")) -
                            json_integer_value(json_object_get(
                                json_object_get(cap, "ram_mb"), "used"));

            if (json_object_get(cap, "vcpus") && (vcpus > fv || ram > fr)) {
                snprintf(why, why_size,
                         "the slice needs %" JSON_INTEGER_FORMAT
                         " vCPUs and %" JSON_INTEGER_FORMAT
                         " MB; VIM account '%s' has %" JSON_INTEGER_FORMAT
                         " vCPUs and %" JSON_INTEGER_FORMAT " MB free",
                         vcpus, ram, str(nsi_req, "vimAccountId"), fv, fr);
            }
        }
        json_decref(desc);
    }
    json_decref(made);
    return rc;
}

/* ---- the request ---- */

static json_t *
new_request(const char *id, const char *name, const json_t *body,
            const struct profile *want, const char *project, double now)
{
    return json_pack("{ss ss ss sO sO s{si ss*} sb s{} s{s[s] s[s] sf}}",
                     "_id", id, "id", id, "name", name, "serviceProfile",
                     json_object_get(body, "serviceProfile"), "vimAccountId",
                     json_object_get(body, "vimAccountId"), "s-nssai", "sst",
                     want->sst, "sd", want->sd, "shared", want->shared,
                     "decision", "_admin", "projects_read", project,
                     "projects_write", project, "created", now);
}

int
slc_slice_request(struct slc_slicer *s, const json_t *body,
                  const struct slc_scope *sc, json_t **out,
                  struct slc_error *err)
{
    struct slc_store *st = s->p.st;
    const json_t *profile = json_object_get(body, "serviceProfile");
    struct profile want;
    const char *project = sc ? sc->project : NULL;
    struct select sel = {.want = &want, .sc = sc,
                         .nst = str(body, "nstId"),
                         .candidates = json_array()};
    struct holder h = {.want = &want};
    json_t *list = NULL, *rec = NULL, *decision;
    const json_t *best;
    char id[40], name[64], why[1024], nsi_id[40] = "", op_id[40] = "";
    const json_t *eps = json_object_get(body, "transportEndpoints");
    json_t *items = NULL;
    bool kept = false; /* the admission's NSI, in a transaction open */
    int rc = check_profile(profile, &want, err);

    rc = rc ? rc : slc_ep_check(eps, err);
    if (rc == SLC_EINVALID && eps && !strncmp(err->msg, "epTransport", 11)) {
        /* the request's name of the list */
        char msg[SLC_ERROR_MSG_SIZE];

        snprintf(msg, sizeof msg, "slice request: transportEndpoints%s",
                 err->msg + 11);
        slc_error_set(err, SLC_EINVALID, "%s", msg);
    }

    rc = rc ? rc : slc_store_list(st, "nsts", NULL, judge_nst, &sel, err);
    if (!rc) {
        list = ranked(sel.candidates);
        best = json_array_get(list, 0);
        if (!json_is_true(json_object_get(best, "accepted"))) {
            reasons(list, why, sizeof why);
            rc = slc_error_set(err, SLC_ECONFLICT,
                               "slice request: no NST serves SST %d%s%s "
                               "within %g ms: %s",
                               want.sst, want.sd ? " SD " : "",
                               want.sd ? want.sd : "", want.latency,
                               *why ? why : "no NST is onboarded");
        }
    }
    if (!rc && slc_uuid7(id)) {
        rc = slc_error_set(err, SLC_EIO, "no random source");
    }
    if (!rc) {
        snprintf(name, sizeof name, "%s",
                 str(body, "name") ? str(body, "name") : "");
        if (!*name) {
            snprintf(name, sizeof name, "slice-%.8s", id);
        }
        char *key = snssai_key(want.sst, want.sd);

        /* the requests of that S-NSSAI link to it */
        rc = key ? slc_store_referrers(st, "snssai", key, find_holder, &h,
                                       err)
                 : slc_error_set(err, SLC_ENOMEM, "out of memory");
        free(key);
    }
    best = json_array_get(list, 0);
    decision = json_pack("{sO* sO}", "selected-nst", json_object_get(best, "nst"),
                         "candidates", list);
    if (!rc && h.found && !json_equal(json_object_get(h.found,
                                                      "transportEndpoints")
                                          ?: json_null(),
                                      (json_t *)(eps ? eps : json_null()))) {
        /* its subnets are on the holder's links to the other domain */
        rc = slc_error_set(err, SLC_ECONFLICT,
                           "slice request: S-NSSAI %d%s%s is allocated to "
                           "request '%s' with other transport endpoints",
                           want.sst, want.sd ? "-" : "",
                           want.sd ? want.sd : "", str(h.found, "name"));
    }
    if (!rc && h.found) {
        bool fits = want.shared && json_is_true(json_object_get(h.found,
                                                                "shared")) &&
                    !strcmp(str(json_object_get(h.found, "decision"),
                                "selected-nst") ?: "",
                            str(best, "nst"));

        if (!slc_scope_reads(sc, h.found)) {
            /* the network has one slice per S-NSSAI, whoever owns it, and
             * a project never shares another's; the owner's records stay
             * out of the answer */
            rc = slc_error_set(err, SLC_ECONFLICT,
                               "slice request: S-NSSAI %d%s%s is allocated "
                               "to a slice of another project",
                               want.sst, want.sd ? "-" : "",
                               want.sd ? want.sd : "");
        } else if (!fits) {
            rc = slc_error_set(
                err, SLC_ECONFLICT,
                "slice request: S-NSSAI %d%s%s is allocated to request '%s' "
                "(NSI %s), which %s",
                want.sst, want.sd ? "-" : "", want.sd ? want.sd : "",
                str(h.found, "name"), str(h.found, "nsiId"),
                !want.shared || !json_is_true(json_object_get(h.found,
                                                              "shared"))
                    ? "is not shareable"
                    : "runs another NST");
        } else {
            snprintf(nsi_id, sizeof nsi_id, "%s", str(h.found, "nsiId"));
            json_object_set_new(decision, "action", json_string("reused"));
            json_object_set_new(decision, "reason",
                                json_sprintf("shares the NSI of request '%s' "
                                             "(TS 28.531 allocateNsi)",
                                             str(h.found, "name")));
        }
    }
    if (!rc && !*nsi_id) {
        json_t *nsi_req = json_pack(
            "{ss ss sO ss}", "nsiName", name, "nstId", str(best, "_id"),
            "vimAccountId", json_object_get(body, "vimAccountId"),
            "nsiDescription", "allocated by a slice request");
        struct slc_record nst = {0};

        if (json_array_size(eps)) {
            /* each endpoint's subnet NS on its link */
            rc = slc_ns_get_record(st, "nsts", "nst", str(best, "_id"), sc,
                                   &nst, err);
            rc = rc ? rc : slc_ep_subnets(st, nst.doc, eps, sc, &items, err);
            if (rc) {
                slc_error_prefix(err, "slice request: transportEndpoints");
            } else {
                json_object_set(nsi_req, "netslice-subnet", items);
            }
            slc_record_clear(&nst);
        }

        rc = rc ? rc
                : dry_run(s, nsi_req, sc, nsi_id, &kept, why, sizeof why,
                          err);
        if (!rc && *why) {
            rc = slc_error_set(err, SLC_ECONFLICT,
                               "slice request: not admitted: %s", why);
        }
        if (!kept) {
            nsi_id[0] = '\0';
        }
        rc = rc || kept ? rc
                        : slc_nsi_create(s, nsi_req, sc, nsi_id, NULL, err);
        rc = rc ? rc
                : slc_nsi_op_start(s, nsi_id, "instantiate", nsi_req, op_id,
                                   err);
        if (rc && kept) {
            slc_store_rollback(st);
            kept = false;
        } else if (rc && *nsi_id) {
            slc_nsi_delete(s, nsi_id, true, NULL);
        }
        json_object_set_new(decision, "action", json_string("created"));
        json_object_set_new(decision, "admission",
                            json_string("fits: placement, PDUs and VIM "
                                        "capacity checked"));
        json_decref(nsi_req);
    }
    if (!rc) {
        struct slc_record r = {.id = id, .name = name};

        rec = new_request(id, name, body, &want, project, s->p.now());
        if (eps) {
            json_object_set(rec, "transportEndpoints", (json_t *)eps);
        }
        json_object_set_new(rec, "nsiId", json_string(nsi_id));
        json_object_set_new(rec, "nsilcmopId",
                            *op_id ? json_string(op_id) : json_null());
        json_t *links;

        json_object_set(rec, "decision", decision);
        json_object_set_new(json_object_get(rec, "_admin"), "linked",
                            json_true());
        links = slc_request_links(rec);
        r.doc = rec;
        rc = slc_store_put(st, "slice_requests", &r, links, SLC_REV_NEW, NULL,
                           err);
        json_decref(links);
    }
    if (kept) {
        /* the NSI, its operation and the request, all or nothing */
        rc = rc ? rc : slc_store_commit(st, err);
        if (rc) {
            slc_store_rollback(st);
        }
    }
    if (!rc) {
        SLC_INFO("slice request '%s': SST %d -> nst '%s', %s nsi %s", name,
                 want.sst, str(best, "nst"),
                 str(decision, "action"), nsi_id);
        *out = json_incref(rec);
    }
    json_decref(rec);
    json_decref(decision);
    json_decref(list);
    json_decref(items);
    json_decref(h.found);
    json_decref(sel.candidates);
    return rc;
}

struct users {
    const char *nsi, *self;
    size_t n;
};

static int
count_users(const char *coll, const struct slc_record *rec, void *arg)
{
    struct users *u = arg;

    u->n += !strcmp(coll, "slice_requests") && strcmp(rec->id, u->self) &&
            !strcmp(str(rec->doc, "nsiId") ?: "", u->nsi);
    return 0;
}

int
slc_slice_request_delete(struct slc_slicer *s, const char *id,
                         char op_id[40], struct slc_error *err)
{
    struct slc_store *st = s->p.st;
    struct slc_record req = {0}, nsi = {0};
    struct users u = {.self = id};
    int rc = slc_store_get(st, "slice_requests", id, &req, err);

    op_id[0] = '\0';
    if (rc == SLC_ENOTFOUND) {
        return slc_error_set(err, rc, "slice request '%s' not found", id);
    }
    u.nsi = str(req.doc, "nsiId") ?: "";
    rc = rc ? rc
            : slc_store_referrers(st, "nsis", u.nsi, count_users, &u, err);
    if (!rc && !u.n) {
        int grc = slc_store_get(st, "nsis", u.nsi, &nsi, err);

        if (grc == SLC_ENOTFOUND) {
            grc = 0;
        } else if (!grc && !strcmp(str(json_object_get(nsi.doc, "_admin"),
                                       "nsiState") ?: "",
                                   "INSTANTIATED")) {
            json_t *p = json_pack("{sb}", "autoremove", 1);

            grc = slc_nsi_op_start(s, nsi.id, "terminate", p, op_id, err);
            json_decref(p);
        } else if (!grc) {
            grc = slc_nsi_delete(s, nsi.id, false, err);
        }
        rc = grc;
    }
    rc = rc ? rc : slc_store_del(st, "slice_requests", id, req.rev, err);
    if (!rc) {
        SLC_INFO("slice request '%s': deallocated%s%s", req.name,
                 *op_id ? ", terminating nsi " : "", *op_id ? u.nsi : "");
    }
    slc_record_clear(&req);
    slc_record_clear(&nsi);
    return rc;
}

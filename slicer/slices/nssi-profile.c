/* Slice profiles and service profiles in every shape the slice
 * managers send (slice-managers.md §2.2, §2.5, §5.3): Rel-16 flat,
 * Rel-17+ nested, ONAP's strings, every enum spelling; read into what
 * nssi.c and the 3GPP API act on. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ns-lcm.h"
#include "nssi.h"
#include "slice-internal.h"

static const char *
str(const json_t *o, const char *key)
{
    return slc_ns_str(o, key);
}

/* The nested form's profile object (Rel-17+), or NULL. */
static const json_t *
nested(const json_t *p)
{
    static const char *const keys[] = {"cNSliceSubnetProfile",
                                       "topSliceSubnetProfile",
                                       "rANSliceSubnetProfile",
                                       "RANSliceSubnetProfile", NULL};

    for (const char *const *k = keys; *k; k++) {
        if (json_is_object(json_object_get(p, *k))) {
            return json_object_get(p, *k);
        }
    }
    return NULL;
}

/* Member 'key' of the profile, flat or in its nested object. */
static const json_t *
member(const json_t *p, const char *key)
{
    const json_t *v = json_object_get(p, key);

    return v ? v : json_object_get(nested(p), key);
}

static int bad(struct slc_error *err, const struct slc_want *w, const char *fmt,
               ...) SLC_PRINTF(3, 4);

static int
bad(struct slc_error *err, const struct slc_want *w, const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return slc_error_set(err, SLC_EINVALID, "profile '%.64s': %s",
                         w->id ? w->id : "", msg);
}

/* An S-NSSAI given as {sst, sd}, "SST-SD" or "SST" (ONAP's strings). */
static int
parse_snssai(const json_t *v, const char *where, struct slc_want *w,
             struct slc_error *err)
{
    char text[64] = "", *end = NULL;
    const char *sd = NULL;
    long sst = -1;

    if (json_is_object(v)) {
        const json_t *t = json_object_get(v, "sst");

        sst = json_is_integer(t) ? (long)json_integer_value(t)
              : json_is_string(t) ? strtol(json_string_value(t), &end, 10)
                                  : -1;
        if (json_is_string(t) && (!end || *end || end == json_string_value(t))) {
            sst = -1;
        }
        sd = str(v, "sd");
        if (json_object_get(v, "sd") && !sd) {
            return bad(err, w, "%s.sd must be a string of 6 hexadecimal "
                               "digits%s", where, "");
        }
    } else if (json_is_string(v)) {
        char *dash;

        snprintf(text, sizeof text, "%s", json_string_value(v));
        dash = strchr(text, '-');
        if (dash) {
            *dash = '\0';
            sd = dash + 1;
        }
        sst = strtol(text, &end, 10);
        if (!*text || *end) {
            sst = -1;
        }
    }
    if (sst < 0 || sst > 255) {
        char shown[80];

        snprintf(shown, sizeof shown, "%s", json_is_string(v)
                                                ? json_string_value(v)
                                                : "a non-S-NSSAI value");
        return bad(err, w, "%s '%s' is not an S-NSSAI ({sst: 0..255, sd} "
                           "or \"SST-SD\")",
                   where, shown);
    }
    if (sd && (strlen(sd) != 6 || strspn(sd, "0123456789abcdefABCDEF") != 6)) {
        return bad(err, w, "%s: sd '%s' must be 6 hexadecimal digits",
                   where, sd);
    }
    w->sst = (int)sst;
    snprintf(w->sd, sizeof w->sd, "%s", sd ? sd : "");
    return 0;
}

/* A PLMN as {mcc, mnc} or "MCC-MNC". */
static int
check_plmn(const json_t *v, const char *where, struct slc_want *w,
           struct slc_error *err)
{
    char text[64] = "";
    const char *mcc = NULL, *mnc = NULL;

    if (json_is_object(v)) {
        mcc = str(v, "mcc");
        mnc = str(v, "mnc");
    } else if (json_is_string(v)) {
        char *dash;

        snprintf(text, sizeof text, "%s", json_string_value(v));
        dash = strchr(text, '-');
        if (dash) {
            *dash = '\0';
            mcc = text;
            mnc = dash + 1;
        }
    }
    if (!mcc || !mnc || strlen(mcc) != 3 || strspn(mcc, "0123456789") != 3 ||
        strlen(mnc) < 2 || strlen(mnc) > 3 ||
        strspn(mnc, "0123456789") != strlen(mnc)) {
        return bad(err, w, "%s '%s' is not a PLMN ({mcc: 3 digits, mnc: 2 "
                           "or 3 digits} or \"MCC-MNC\")",
                   where, json_is_string(v) ? json_string_value(v) : "?");
    }
    return 0;
}

int
slc_read_profile(const json_t *p, bool service, struct slc_want *w,
                 struct slc_error *err)
{
    const char *id_key = service ? "serviceProfileId" : "sliceProfileId";
    const json_t *plmn_info = json_object_get(p, "plmnInfoList");
    const json_t *snssai = NULL, *plmn = NULL, *v;
    const char *share, *where_s = "", *where_p = "";
    int rc;

    memset(w, 0, sizeof *w);
    w->id = str(p, id_key);
    if (!json_is_object(p)) {
        return slc_error_set(err, SLC_EINVALID, "the %s must be an object",
                             service ? "service profile" : "slice profile");
    }
    if (!w->id || !*w->id || strlen(w->id) > 128) {
        return slc_error_set(err, SLC_EINVALID,
                             "%s: %s must be a string of 1 to 128 "
                             "characters",
                             service ? "service profile" : "slice profile",
                             id_key);
    }
    if (json_array_size(plmn_info)) {
        snssai = json_object_get(json_array_get(plmn_info, 0), "snssai");
        plmn = json_object_get(json_array_get(plmn_info, 0), "plmnId");
        where_s = "plmnInfoList[0].snssai";
        where_p = "plmnInfoList[0].plmnId";
    }
    for (const char *const *k = (const char *const[]){"sNSSAIList",
                                                      "snssaiList", NULL};
         !snssai && *k; k++) {
        snssai = json_array_get(json_object_get(p, *k), 0);
        where_s = *k;
    }
    for (const char *const *k = (const char *const[]){"pLMNIdList",
                                                      "plmnIdList", NULL};
         !plmn && *k; k++) {
        plmn = json_array_get(json_object_get(p, *k), 0);
        where_p = *k;
    }
    if (!snssai) {
        return bad(err, w, "%s%s", "no S-NSSAI: give plmnInfoList[].snssai "
                                   "or sNSSAIList",
                   "");
    }
    if (!plmn) {
        return bad(err, w, "%s%s", "no PLMN: give plmnInfoList[].plmnId "
                                   "or pLMNIdList",
                   "");
    }
    rc = parse_snssai(snssai, where_s, w, err);
    rc = rc ? rc : check_plmn(plmn, where_p, w, err);
    if (rc) {
        return rc;
    }
    v = member(p, "latency");
    for (const char *const *k = (const char *const[]){"dLLatency",
                                                      "uLLatency", NULL};
         *k; k++) {
        const json_t *l = member(p, *k);

        if (l && (!v || (json_is_number(l) && json_is_number(v) &&
                         json_number_value(l) < json_number_value(v)))) {
            v = l;
        }
    }
    if (v && (!json_is_number(v) || json_number_value(v) < 0)) {
        return bad(err, w, "%s%s must be a number of milliseconds >= 0",
                   "latency", "");
    }
    w->latency = json_number_value(v);
    w->max_ues = (json_t *)member(p, "maxNumberofUEs");
    if (w->max_ues &&
        (!json_is_number(w->max_ues) || json_number_value(w->max_ues) < 0)) {
        return bad(err, w, "%s%s must be a number >= 0", "maxNumberofUEs",
                   "");
    }
    v = member(p, service ? "networkSliceSharingIndicator"
                          : "resourceSharingLevel");
    v = v ? v : member(p, "resourceSharingLevel");
    share = json_string_value(v);
    if (v && !share) {
        return bad(err, w, "resourceSharingLevel must be %s%s",
                   "SHARED or NON_SHARED", "");
    }
    if (share && !strcasecmp(share, "shared")) {
        w->shared = true;
    } else if (share && strcasecmp(share, "non_shared") &&
               strcasecmp(share, "non-shared") &&
               strcasecmp(share, "not_shared")) {
        return bad(err, w, "resourceSharingLevel '%s' must be %s",
                   share, "SHARED or NON_SHARED");
    }
    v = member(p, "uEMobilityLevel");
    v = v ? v : member(p, "ueMobilityLevel");
    w->mobility = json_string_value(v);
    if (v) {
        static const char *const levels[] = {
            "STATIONARY", "NOMADIC", "RESTRICTED_MOBILITY", "FULL_MOBILITY",
            "FULLY_MOBILITY", "stationary", "nomadic", "restricted mobility",
            "fully mobility", NULL};
        size_t i = 0;

        while (w->mobility && levels[i] && strcmp(levels[i], w->mobility)) {
            i++;
        }
        if (!w->mobility || !levels[i]) {
            return bad(err, w, "uEMobilityLevel '%s' must be %s",
                       w->mobility ? w->mobility : "?",
                       "STATIONARY, NOMADIC, RESTRICTED_MOBILITY or "
                       "FULL_MOBILITY");
        }
    }
    return 0;
}

/* The slice request's serviceProfile for 'w' (new reference). */
json_t *
slc_want_service_profile(const struct slc_want *w)
{
    json_t *sp = json_pack("{s[{si}] ss}", "sNSSAIList", "sst", w->sst,
                           "resourceSharingLevel",
                           w->shared ? "shared" : "non-shared");

    if (*w->sd) {
        json_object_set_new(json_array_get(json_object_get(sp, "sNSSAIList"),
                                           0),
                            "sd", json_string(w->sd));
    }
    if (w->latency > 0) {
        json_object_set_new(sp, "latency", json_real(w->latency));
    }
    if (w->max_ues) {
        json_object_set(sp, "maxNumberofUEs", w->max_ues);
    }
    return sp;
}

int
slc_profile_to_request(const json_t *profile, bool service, json_t **sp,
                       const char **id, struct slc_error *err)
{
    struct slc_want w;
    int rc = slc_read_profile(profile, service, &w, err);

    if (!rc) {
        *sp = slc_want_service_profile(&w);
        *id = w.id;
    }
    return rc;
}


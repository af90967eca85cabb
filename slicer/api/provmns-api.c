/* The 3GPP management APIs slicerd serves (slice-managers.md §3, §4):
 * - the generic provisioning MnS (TS 28.532) on the slice NRM: the
 *   SubNetwork that holds slicer's MOIs, NetworkSliceSubnet MOIs (the
 *   NSSIs of nssi.h: create by PUT, read with scope, modify by PATCH in
 *   merge-patch or JSON-patch form, delete), NtfSubscriptionControl MOIs
 *   (notify.h) and NetworkSlice MOIs (read-only views of the slices of
 *   ServiceProfiles);
 * - slice subnet provisioning (TS 28.531): SliceProfiles in their Rel-16
 *   (ObjectManagement/NSS) and Rel-18 (NSSProvMnS) forms;
 * - slice provisioning, the NSMF side: ServiceProfiles in both forms,
 *   the standard path to what /nsmf/v1/slice_requests does.
 * Errors have 3GPP's shape (slc_provmns_error): 400 for a bad attribute,
 * 404 for no such MOI, 409 for a state conflict. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "notify.h"
#include "nssi.h"
#include "rest-internal.h"
#include "slice.h"

#define ROOT "/3GPPManagement"
#define PROV ROOT "/ProvMnS/v1"
#define NSSPROV ROOT "/NSSProvMnS/v1"
#define NSPROV ROOT "/NSProvMnS/v1"
#define R16_NSS "/ObjectManagement/NSS/SliceProfiles"
#define R16_NS "/ObjectManagement/NS/ServiceProfiles"

#define NSS "NetworkSliceSubnet"
#define NTF "NtfSubscriptionControl"
#define EPT "EP_Transport"

static const char *
str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

bool
slc_provmns_path(const char *path)
{
    return !strncmp(path, ROOT "/", strlen(ROOT "/")) ||
           !strncmp(path, "/ObjectManagement/", strlen("/ObjectManagement/"));
}

void
slc_provmns_error(struct slc_http_response *resp, unsigned status,
                  const char *detail)
{
    const char *type = status == 400   ? "VALIDATION_ERROR"
                       : status == 401 ? "UNAUTHORIZED"
                       : status == 403 ? "FORBIDDEN"
                       : status == 404 ? "NOT_FOUND"
                       : status == 409 ? "CONFLICT"
                       : status < 500  ? "BAD_REQUEST"
                                       : "INTERNAL_ERROR";

    slc_http_error(resp, status, detail);
    json_decref(resp->body);
    resp->body = json_pack("{si ss ss ss s{ss}}", "status", (int)status,
                           "type", type, "title",
                           slc_http_status_name(status), "reason", detail,
                           "error", "errorInfo", detail);
}

/* Maps a lower layer's error onto 3GPP's statuses. */
static int
fail(struct slc_call *c, int rc)
{
    c->status = rc == SLC_EINVALID                             ? 400
                : rc == SLC_ENOTFOUND                          ? 404
                : rc == SLC_ECONFLICT || rc == SLC_EBUSY ||
                        rc == SLC_EEXISTS                      ? 409
                                                               : 0;
    return rc;
}

/* The body as JSON: any JSON media type (the patch types included). */
static int
json_body(struct slc_call *c, json_t **out)
{
    const char *type = c->req->content_type;
    json_error_t jerr;

    *out = NULL;
    if (type && !strstr(type, "json")) {
        return slc_rest_fail(c, 415, SLC_EUNSUPPORTED,
                             "media type '%.64s' is not JSON", type);
    }
    if (!c->req->body) {
        return slc_rest_fail(c, 400, SLC_EINVALID, "the body is empty");
    }
    *out = json_loadb(c->req->body, c->req->body_size, JSON_REJECT_DUPLICATES,
                      &jerr);
    if (!*out) {
        return slc_rest_fail(c, 400, SLC_EINVALID,
                             "the body is not JSON: line %d column %d: %s",
                             jerr.line, jerr.column, jerr.text);
    }
    if (slc_rest_check_provider(c, *out)) {
        json_decref(*out);
        *out = NULL;
        return c->err.code;
    }
    return 0;
}

/* ---- names ---- */

/* The DN of MOI 'cls'='id' in slicer's SubNetwork. */
static json_t *
dn_of(const struct slc_call *c, const char *cls, const char *id)
{
    return json_sprintf("SubNetwork=%s,%s=%s", c->api->subnetwork, cls, id);
}

/* The URI of MOI 'cls'='id' (absolute when the daemon knows its URL). */
static json_t *
href_of(const struct slc_api *api, const char *cls, const char *id)
{
    return json_sprintf("%s" PROV "/SubNetwork=%s/%s=%s",
                        api->public_url ? api->public_url : "",
                        api->subnetwork, cls, id);
}

/* Splits the RDN 'seg' ("Class=id") into 'cls' and '*id'. */
static int
rdn(struct slc_call *c, const char *seg, char cls[64], const char **id)
{
    const char *eq = strchr(seg, '=');

    if (!eq || eq == seg || (size_t)(eq - seg) >= 64 || !eq[1]) {
        return slc_rest_fail(c, 404, SLC_ENOTFOUND,
                             "'%.64s' is not an RDN (Class=id)", seg);
    }
    snprintf(cls, 64, "%.*s", (int)(eq - seg), seg);
    *id = eq + 1;
    return 0;
}

/* Checks that path segment 'seg' is slicer's SubNetwork. */
static int
check_subnetwork(struct slc_call *c, const char *seg)
{
    char cls[64];
    const char *id = NULL;
    int rc = rdn(c, seg, cls, &id);

    if (!rc && (strcmp(cls, "SubNetwork") || strcmp(id, c->api->subnetwork))) {
        rc = slc_rest_fail(c, 404, SLC_ENOTFOUND,
                           "no MOI %.64s: slicer's MOIs are in "
                           "SubNetwork=%s",
                           seg, c->api->subnetwork);
    }
    return rc;
}

/* Reads the NSSI named by a DN ("SubNetwork=x,NetworkSliceSubnet=y"). */
static const char *
nssi_of_dn(const struct slc_call *c, const char *dn)
{
    char prefix[160];
    size_t n = (size_t)snprintf(prefix, sizeof prefix,
                                "SubNetwork=%s," NSS "=", c->api->subnetwork);

    return dn && !strncmp(dn, prefix, n) && dn[n] ? dn + n : NULL;
}

/* ---- views ---- */

static json_t *
resource(const struct slc_call *c, const char *cls, const char *id,
         json_t *attrs)
{
    return json_pack("{ss ss so so}", "id", id, "objectClass", cls,
                     "objectInstance", dn_of(c, cls, id), "attributes",
                     attrs);
}

/* Keeps the attributes the query's 'attributes' list names. */
static json_t *
select_attributes(const struct slc_call *c, json_t *res)
{
    const char *want = json_string_value(json_object_get(c->req->query,
                                                         "attributes"));
    json_t *attrs = json_object_get(res, "attributes");
    const char *k;
    json_t *v;
    void *tmp;

    if (!want) {
        return res;
    }
    json_object_foreach_safe(attrs, tmp, k, v)
    {
        const char *at = strstr(want, k);
        size_t n = strlen(k);

        while (at && !((at == want || at[-1] == ',') &&
                       (at[n] == ',' || !at[n]))) {
            at = strstr(at + 1, k);
        }
        if (!at) {
            json_object_del(attrs, k);
        }
    }
    return res;
}

/* The transport endpoints of an NSSI: each profile's epTransport (links
 * from the NSMF's domain, transport-ep.c), as read-only EP_Transport MOIs
 * named "<nssi>.<endpoint id>". */
static json_t *
nssi_resource(struct slc_call *c, const json_t *rec)
{
    json_t *attrs = slc_nssi_attributes(c->api->slicer, rec);
    json_t *refs = json_array();
    const json_t *p, *ep;
    size_t i, j;

    json_array_foreach(json_object_get(attrs, "sliceProfileList"), i, p)
    {
        json_array_foreach(json_object_get(p, "epTransport"), j, ep)
        {
            char id[200];

            snprintf(id, sizeof id, "%s.%s", str(rec, "_id"),
                     str(ep, "id") ? str(ep, "id") : "");
            json_array_append_new(refs, dn_of(c, EPT, id));
        }
    }
    json_object_set_new(attrs, "epTransportRefList", refs);
    return resource(c, NSS, str(rec, "_id"), attrs);
}

/* GET of EP_Transport "<nssi>.<endpoint id>". */
static int
ep_get(struct slc_call *c, const char *id, json_t **out)
{
    for (const char *dot = strchr(id, '.'); dot; dot = strchr(dot + 1, '.')) {
        char nssi[200];
        struct slc_record rec = {0};
        const json_t *p, *ep;
        size_t i, j;

        snprintf(nssi, sizeof nssi, "%.*s", (int)(dot - id), id);
        if (slc_rest_get_visible(c, SLC_NSSI_COLL, NSS, nssi, &rec)) {
            continue;
        }
        json_array_foreach(json_object_get(rec.doc, "sliceProfileList"), i,
                           p)
        {
            json_array_foreach(json_object_get(p, "epTransport"), j, ep)
            {
                if (!*out && !strcmp(str(ep, "id") ?: "", dot + 1)) {
                    json_t *a = json_deep_copy(ep);

                    json_object_del(a, "id");
                    *out = resource(c, EPT, id, a);
                }
            }
        }
        slc_record_clear(&rec);
        if (*out) {
            return 0;
        }
    }
    return slc_rest_fail(c, 404, SLC_ENOTFOUND,
                         "no EP_Transport '%.128s' (an endpoint of a slice "
                         "profile: <NetworkSliceSubnet id>.<endpoint id>)",
                         id);
}

static json_t *
ntf_resource(struct slc_call *c, const json_t *rec)
{
    return resource(c, NTF, str(rec, "_id"),
                    json_deep_copy(json_object_get(rec, "attributes")));
}

struct by_nsi {
    const char *nsi;
    const struct slc_scope *sc;
    json_t *profiles;
    const char *nssi;
    json_t *keep;
};

static int
requests_of_nsi(const char *coll, const struct slc_record *rec, void *arg)
{
    struct by_nsi *b = arg;

    if (slc_scope_reads(b->sc, rec->doc) &&
        !strcmp(str(rec->doc, "nsiId") ?: "", b->nsi)) {
        json_t *p = json_deep_copy(json_object_get(rec->doc,
                                                   "serviceProfile"));

        json_object_set_new(p, "serviceProfileId",
                            json_string(rec->name ? rec->name : ""));
        json_array_append_new(b->profiles, p);
    }
    return 0;
}

static int
nssi_of_nsi(const char *coll, const struct slc_record *rec, void *arg)
{
    struct by_nsi *b = arg;

    if (!b->keep && !strcmp(str(rec->doc, "nsiId") ?: "", b->nsi)) {
        b->keep = json_string(rec->id);
    }
    return 0;
}

/* The NetworkSlice MOI of NSI 'nsi' (TS 28.541 NetworkSlice). */
static int
network_slice(struct slc_call *c, const char *nsi_id, json_t **out)
{
    struct slc_scope sc = slc_rest_scope(c);
    struct slc_record nsi = {0};
    struct by_nsi b = {.nsi = nsi_id, .sc = &sc, .profiles = json_array()};
    const json_t *admin;
    int rc = slc_rest_get_visible(c, "nsis", "NetworkSlice", nsi_id, &nsi);

    rc = rc ? rc
            : slc_store_list(c->api->st, "slice_requests", NULL,
                             requests_of_nsi, &b, &c->err);
    rc = rc ? rc
            : slc_store_list(c->api->st, SLC_NSSI_COLL, NULL, nssi_of_nsi,
                             &b, &c->err);
    if (!rc) {
        admin = json_object_get(nsi.doc, "_admin");
        *out = resource(
            c, "NetworkSlice", nsi.id,
            json_pack("{ss ss so so*}", "operationalState",
                      !strcmp(str(admin, "nsiState") ?: "", "INSTANTIATED") &&
                              !strcmp(str(nsi.doc, "operational-status") ?: "",
                                      "running")
                          ? "ENABLED"
                          : "DISABLED",
                      "administrativeState", "UNLOCKED", "serviceProfileList",
                      b.profiles,
                      "networkSliceSubnetRef",
                      b.keep ? dn_of(c, NSS, json_string_value(b.keep))
                             : NULL));
        b.profiles = NULL;
    }
    json_decref(b.profiles);
    json_decref(b.keep);
    slc_record_clear(&nsi);
    return rc;
}

/* ---- the SubNetwork ---- */

struct children {
    struct slc_call *c;
    struct slc_scope sc;
    json_t *list;
    bool ntf;
};

static int
collect_child(const char *coll, const struct slc_record *rec, void *arg)
{
    struct children *ch = arg;

    if (slc_scope_reads(&ch->sc, rec->doc)) {
        json_array_append_new(ch->list,
                              select_attributes(ch->c,
                                                ch->ntf ? ntf_resource(ch->c,
                                                                       rec->doc)
                                                        : nssi_resource(
                                                              ch->c,
                                                              rec->doc)));
    }
    return 0;
}

/* GET .../SubNetwork=x with scope: the MOIs below it. */
static int
subnetwork_get(struct slc_call *c)
{
    const char *scope = json_string_value(json_object_get(c->req->query,
                                                          "scopeType"));
    const char *level = json_string_value(json_object_get(c->req->query,
                                                          "scopeLevel"));
    json_t *out;
    bool children;
    int rc = check_subnetwork(c, c->params[0]);

    if (!rc && scope && strcmp(scope, "BASE_ONLY") &&
        strcmp(scope, "BASE_NTH_LEVEL") && strcmp(scope, "BASE_SUBTREE") &&
        strcmp(scope, "BASE_ALL")) {
        rc = slc_rest_fail(c, 400, SLC_EINVALID,
                           "scopeType '%.64s' must be BASE_ONLY, "
                           "BASE_NTH_LEVEL, BASE_SUBTREE or BASE_ALL",
                           scope);
    }
    if (rc) {
        return rc;
    }
    /* the MOIs are one level below: BASE_NTH_LEVEL 1, a subtree of 1 or
     * more, or all */
    children = scope && (!strcmp(scope, "BASE_ALL") ||
                         (strcmp(scope, "BASE_ONLY") &&
                          (!level || atoi(level) >= 1)));
    out = json_pack("{ss ss so s{}}", "id", c->api->subnetwork, "objectClass",
                    "SubNetwork", "objectInstance",
                    json_sprintf("SubNetwork=%s", c->api->subnetwork),
                    "attributes");
    if (children) {
        struct children ch = {.c = c, .sc = slc_rest_scope(c),
                              .list = json_array()};

        rc = slc_store_list(c->api->st, SLC_NSSI_COLL, NULL, collect_child,
                            &ch, &c->err);
        json_object_set_new(out, NSS, ch.list);
        ch.list = json_array();
        ch.ntf = true;
        rc = rc ? rc
                : slc_store_list(c->api->st,
                                 slc_notify_collection(SLC_NOTIFY_PROVMNS),
                                 NULL, collect_child, &ch, &c->err);
        json_object_set_new(out, NTF, ch.list);
    }
    if (rc) {
        json_decref(out);
        return rc;
    }
    slc_rest_reply(c, 200, out);
    return 0;
}

/* ---- NetworkSliceSubnet ---- */

/* What a createMOI may give, and what it may not (slicer's own). */
static const char *const create_attrs[] = {
    "networkSliceSubnetType", "administrativeState", "sliceProfileList",
    "priorityLabel", "userLabel", NULL};
static const char *const read_only_attrs[] = {
    "operationalState", "nsInfo", "managedFunctionRefList",
    "epTransportRefList", NULL};

static bool
listed(const char *const *list, const char *key)
{
    while (*list && strcmp(*list, key)) {
        list++;
    }
    return *list != NULL;
}

/* The Resource's attributes: {id?, attributes} with 'id' matching. */
static int
resource_attrs(struct slc_call *c, const json_t *body, const char *id,
               const json_t **attrs)
{
    const char *k;
    const json_t *v;

    *attrs = json_object_get(body, "attributes");
    if (!json_is_object(body) || !json_is_object(*attrs)) {
        return slc_rest_fail(c, 400, SLC_EINVALID,
                             "the body must be a Resource: {id, attributes: "
                             "{...}}");
    }
    if (json_object_get(body, "id") && strcmp(str(body, "id") ?: "", id)) {
        return slc_rest_fail(c, 400, SLC_EINVALID,
                             "the Resource's id '%.64s' is not the URI's "
                             "'%.64s'",
                             str(body, "id") ?: "(not a string)", id);
    }
    json_object_foreach((json_t *)body, k, v)
    {
        if (strcmp(k, "id") && strcmp(k, "attributes") &&
            strcmp(k, "objectClass") && strcmp(k, "objectInstance")) {
            return slc_rest_fail(c, 400, SLC_EINVALID,
                                 "unknown Resource member '%.64s'", k);
        }
    }
    return 0;
}

/* Creates NSSI 'id' with the attributes of a PUT: the first profile makes
 * it, the others join it; a failure removes it again. */
static int
nssi_create(struct slc_call *c, const char *id, const json_t *attrs,
            struct slc_scope *sc, json_t **rec)
{
    const json_t *list = json_object_get(attrs, "sliceProfileList");
    struct slc_nssi_alloc a = {
        .id = id,
        .profile = json_array_get(list, 0),
        .subnet_type = str(attrs, "networkSliceSubnetType"),
        .admin_state = str(attrs, "administrativeState"),
        .attributes = attrs,
    };
    const char *k;
    const json_t *v;
    bool existed;
    int rc = 0;

    json_object_foreach((json_t *)attrs, k, v)
    {
        if (!listed(create_attrs, k)) {
            return slc_rest_fail(c, 400, SLC_EINVALID,
                                 "NetworkSliceSubnet '%s': %s attribute "
                                 "'%.64s'",
                                 id,
                                 listed(read_only_attrs, k) ? "read-only"
                                                            : "unknown",
                                 k);
        }
    }
    if (!json_is_array(list) || !json_array_size(list)) {
        return slc_rest_fail(c, 400, SLC_EINVALID,
                             "NetworkSliceSubnet '%s': sliceProfileList must "
                             "have one slice profile or more",
                             id);
    }
    if (json_object_get(attrs, "networkSliceSubnetType") && !a.subnet_type) {
        return slc_rest_fail(c, 400, SLC_EINVALID,
                             "NetworkSliceSubnet '%s': networkSliceSubnetType "
                             "must be a string",
                             id);
    }
    rc = slc_nssi_allocate(c->api->slicer, &a, sc, rec, NULL, &existed,
                           &c->err);
    if (!rc && json_array_size(list) > 1) {
        json_t *more = json_pack("{sO}", "sliceProfileList", list);

        rc = slc_nssi_modify(c->api->slicer, id, more, sc, NULL, &c->err);
        json_decref(more);
        if (rc) {
            struct slc_error ignored = {0};

            slc_nssi_delete(c->api->slicer, id, sc, &ignored);
        }
    }
    return fail(c, rc);
}

static int
nssi_put(struct slc_call *c, const char *id, const json_t *attrs)
{
    struct slc_scope sc = slc_rest_scope(c);
    struct slc_record old = {0};
    json_t *rec = NULL;
    bool exists = !slc_store_get(c->api->st, SLC_NSSI_COLL, id, &old,
                                 &c->err);
    int rc = 0;

    if (exists && !slc_scope_reads(&sc, old.doc)) {
        rc = slc_rest_fail(c, 409, SLC_EEXISTS,
                           "NetworkSliceSubnet '%.64s' exists", id);
    } else if (exists) {
        /* a PUT on an existing MOI replaces its writable attributes */
        json_t *w = json_deep_copy(attrs);

        rc = fail(c, slc_nssi_modify(c->api->slicer, id, w, &sc, NULL,
                                     &c->err));
        json_decref(w);
    } else {
        rc = nssi_create(c, id, attrs, &sc, &rec);
    }
    slc_record_clear(&old);
    if (!rc) {
        rc = slc_store_get(c->api->st, SLC_NSSI_COLL, id, &old, &c->err);
        if (!rc && !exists) {
            json_t *href = href_of(c->api, NSS, id);

            snprintf(c->resp->location, sizeof c->resp->location, "%s",
                     json_string_value(href));
            json_decref(href);
        }
        if (!rc) {
            slc_rest_reply(c, exists ? 200 : 201, nssi_resource(c, old.doc));
        }
    }
    json_decref(rec);
    slc_record_clear(&old);
    return rc;
}

/* JSON-patch (RFC 6902) operations on /attributes/... as the attribute
 * values they give ('cur' holds the current ones). */
static int
json_patch_attrs(struct slc_call *c, const json_t *ops, const json_t *cur,
                 json_t **out)
{
    const json_t *op;
    size_t i;

    *out = json_object();
    json_array_foreach(ops, i, op)
    {
        const char *o = str(op, "op") ?: "", *path = str(op, "path") ?: "";
        const json_t *value = json_object_get(op, "value");
        char name[64] = "";
        const char *rest;
        json_t *list;

        if (strncmp(path, "/attributes/", 12) ||
            sscanf(path + 12, "%63[^/]", name) != 1) {
            json_decref(*out);
            *out = NULL;
            return slc_rest_fail(c, 400, SLC_EINVALID,
                                 "patch operation %zu: path '%.64s' must be "
                                 "/attributes/<name>[/...]",
                                 i, path);
        }
        rest = path + 12 + strlen(name);
        if (!json_object_get(*out, name)) {
            json_object_set_new(*out, name,
                                json_deep_copy(json_object_get(cur, name)));
        }
        list = json_object_get(*out, name);
        if (!*rest && (!strcmp(o, "replace") || !strcmp(o, "add")) && value) {
            json_object_set(*out, name, (json_t *)value);
        } else if (!strcmp(rest, "/-") && !strcmp(o, "add") &&
                   json_is_array(list) && value) {
            json_array_append(list, (json_t *)value);
        } else if (!strcmp(o, "remove") && json_is_array(list) && *rest &&
                   strspn(rest + 1, "0123456789") == strlen(rest + 1) &&
                   rest[1] &&
                   !json_array_remove(list, (size_t)atoi(rest + 1))) {
            continue;
        } else {
            json_decref(*out);
            *out = NULL;
            return slc_rest_fail(c, 400, SLC_EINVALID,
                                 "patch operation %zu: '%.16s' on '%.64s' is "
                                 "not supported (replace or add of an "
                                 "attribute, add to or remove from a list)",
                                 i, o, path);
        }
    }
    return 0;
}

static int
nssi_patch(struct slc_call *c, const char *id, const json_t *body)
{
    struct slc_scope sc = slc_rest_scope(c);
    struct slc_record rec = {0};
    const char *type = c->req->content_type ? c->req->content_type : "";
    json_t *attrs = NULL, *cur = NULL;
    int rc = slc_rest_get_visible(c, SLC_NSSI_COLL, "NetworkSliceSubnet", id,
                                  &rec);

    if (!rc && strstr(type, "json-patch")) {
        cur = slc_nssi_attributes(c->api->slicer, rec.doc);
        rc = json_is_array(body)
                 ? json_patch_attrs(c, body, cur, &attrs)
                 : slc_rest_fail(c, 400, SLC_EINVALID,
                                 "a JSON patch is a list of operations");
    } else if (!rc) {
        const json_t *a;

        rc = resource_attrs(c, body, id, &a);
        attrs = rc ? NULL : json_incref((json_t *)a);
    }
    rc = rc ? rc
            : fail(c, slc_nssi_modify(c->api->slicer, id, attrs, &sc, NULL,
                                      &c->err));
    slc_record_clear(&rec);
    rc = rc ? rc : slc_store_get(c->api->st, SLC_NSSI_COLL, id, &rec, &c->err);
    if (!rc) {
        slc_rest_reply(c, 200, nssi_resource(c, rec.doc));
    }
    json_decref(attrs);
    json_decref(cur);
    slc_record_clear(&rec);
    return rc;
}

/* ---- MOIs in the SubNetwork ---- */

/* The class and id of the MOI the path names. */
static int
moi_of(struct slc_call *c, char cls[64], const char **id)
{
    int rc = check_subnetwork(c, c->params[0]);

    rc = rc ? rc : rdn(c, c->params[1], cls, id);
    if (!rc && !strcmp(cls, EPT) && strcmp(c->req->method, "GET")) {
        rc = slc_rest_fail(c, 409, SLC_ECONFLICT,
                           "EP_Transport MOIs are read-only here: they come "
                           "with the epTransport of the slice profiles");
    } else if (!rc && strcmp(cls, NSS) && strcmp(cls, NTF) &&
               strcmp(cls, "NetworkSlice") && strcmp(cls, EPT)) {
        rc = slc_rest_fail(c, 404, SLC_ENOTFOUND,
                           "slicer has no MOIs of class %s (it has "
                           "NetworkSliceSubnet, NetworkSlice, EP_Transport "
                           "and NtfSubscriptionControl)",
                           cls);
    }
    return rc;
}

static int
get_ntf(struct slc_call *c, const char *id, struct slc_record *rec)
{
    return slc_rest_get_visible(c, slc_notify_collection(SLC_NOTIFY_PROVMNS),
                                NTF, id, rec);
}

static int
moi_get(struct slc_call *c)
{
    char cls[64];
    const char *id;
    struct slc_record rec = {0};
    json_t *out = NULL;
    int rc = moi_of(c, cls, &id);

    if (!rc && !strcmp(cls, NSS)) {
        rc = slc_rest_get_visible(c, SLC_NSSI_COLL, NSS, id, &rec);
        out = rc ? NULL : nssi_resource(c, rec.doc);
    } else if (!rc && !strcmp(cls, NTF)) {
        rc = get_ntf(c, id, &rec);
        out = rc ? NULL : ntf_resource(c, rec.doc);
    } else if (!rc && !strcmp(cls, EPT)) {
        rc = ep_get(c, id, &out);
    } else if (!rc) {
        rc = network_slice(c, id, &out);
    }
    if (!rc) {
        slc_rest_reply(c, 200, select_attributes(c, out));
    }
    slc_record_clear(&rec);
    return rc;
}

static int
moi_put(struct slc_call *c)
{
    char cls[64];
    const char *id;
    const json_t *attrs;
    json_t *body = NULL, *rec = NULL;
    bool created;
    int rc = moi_of(c, cls, &id);

    rc = rc ? rc : json_body(c, &body);
    rc = rc ? rc : resource_attrs(c, body, id, &attrs);
    if (!rc && !strcmp(cls, "NetworkSlice")) {
        rc = slc_rest_fail(c, 405, SLC_EUNSUPPORTED,
                           "NetworkSlice MOIs are made by ServiceProfiles "
                           "(" NSPROV "/ServiceProfiles)");
    } else if (!rc && !strcmp(cls, NSS)) {
        rc = nssi_put(c, id, attrs);
    } else if (!rc) {
        struct slc_scope sc = slc_rest_scope(c);

        rc = fail(c, slc_subscribe_moi(c->api->notifier, id, attrs,
                                       sc.project ? sc.project : "",
                                       &created, &rec, &c->err));
        if (!rc) {
            slc_rest_reply(c, created ? 201 : 200, ntf_resource(c, rec));
        }
    }
    json_decref(rec);
    json_decref(body);
    return rc;
}

static int
moi_patch(struct slc_call *c)
{
    char cls[64];
    const char *id;
    json_t *body = NULL;
    int rc = moi_of(c, cls, &id);

    rc = rc ? rc : json_body(c, &body);
    if (!rc && strcmp(cls, NSS)) {
        rc = slc_rest_fail(c, 405, SLC_EUNSUPPORTED,
                           "%s MOIs are replaced by PUT, not patched", cls);
    }
    rc = rc ? rc : nssi_patch(c, id, body);
    json_decref(body);
    return rc;
}

static int
moi_delete(struct slc_call *c)
{
    char cls[64];
    const char *id;
    struct slc_scope sc = slc_rest_scope(c);
    struct slc_record rec = {0};
    int rc = moi_of(c, cls, &id);

    if (!rc && !strcmp(cls, NSS)) {
        rc = fail(c, slc_nssi_delete(c->api->slicer, id, &sc, &c->err));
    } else if (!rc && !strcmp(cls, NTF)) {
        rc = get_ntf(c, id, &rec);
        rc = rc ? rc
                : fail(c, slc_unsubscribe(c->api->notifier, id, &c->err));
    } else if (!rc) {
        rc = slc_rest_fail(c, 405, SLC_EUNSUPPORTED,
                           "a NetworkSlice goes with its last ServiceProfile "
                           "(DELETE " NSPROV "/ServiceProfiles/{id})");
    }
    if (!rc) {
        slc_rest_reply(c, 204, NULL);
    }
    slc_record_clear(&rec);
    return rc;
}

/* ---- SliceProfiles (TS 28.531) ---- */

/* Allocates the SliceProfile 'profile'; the NSSI record goes to '*nssi'. */
static int
allocate_profile(struct slc_call *c, const json_t *profile, json_t **nssi)
{
    struct slc_scope sc = slc_rest_scope(c);
    struct slc_nssi_alloc a = {.profile = profile};
    bool existed;

    return fail(c, slc_nssi_allocate(c->api->slicer, &a, &sc, nssi, NULL,
                                     &existed, &c->err));
}

/* Rel-16: POST {attributeListIn: SliceProfile} -> 200 {href,
 * attributeListOut}. */
static int
r16_allocate(struct slc_call *c)
{
    json_t *body = NULL, *nssi = NULL;
    const json_t *in;
    int rc = json_body(c, &body);

    in = json_object_get(body, "attributeListIn");
    if (!rc && (!json_is_object(body) || !json_is_object(in) ||
                json_object_size(body) != 1)) {
        rc = slc_rest_fail(c, 400, SLC_EINVALID,
                           "the body must be {\"attributeListIn\": "
                           "SliceProfile}");
    }
    rc = rc ? rc : allocate_profile(c, in, &nssi);
    if (!rc) {
        json_t *attrs = slc_nssi_attributes(c->api->slicer, nssi);

        json_object_set_new(attrs, "nSSId", json_string(str(nssi, "_id")));
        slc_rest_reply(c, 200,
                       json_pack("{so so}", "href",
                                 href_of(c->api, NSS, str(nssi, "_id")),
                                 "attributeListOut", attrs));
    }
    json_decref(nssi);
    json_decref(body);
    return rc;
}

/* Deallocates profile 'id' (of NSSI 'nssi_id' when not NULL): 204, also
 * when it is already gone (slice-managers.md §8.2). */
static int
deallocate_profile(struct slc_call *c, const char *nssi_id, const char *id)
{
    struct slc_scope sc = slc_rest_scope(c);
    int rc = slc_nssi_deallocate(c->api->slicer, nssi_id, id, &sc, NULL,
                                 &c->err);

    if (rc == SLC_ENOTFOUND) {
        rc = 0;
    }
    if (!rc) {
        slc_rest_reply(c, 204, NULL);
    }
    return fail(c, rc);
}

/* Rel-16: DELETE .../SliceProfiles/{id}, ONAP's body {nSSId} optional. */
static int
r16_deallocate(struct slc_call *c)
{
    json_t *body = NULL;
    int rc = c->req->body ? json_body(c, &body) : 0;

    rc = rc ? rc
            : deallocate_profile(c, str(body, "nSSId"), c->params[0]);
    json_decref(body);
    return rc;
}

/* The URI of profile 'profile' of MOI 'cls'='id' (Rel-18's answer). */
static json_t *
profile_uri(const struct slc_api *api, const char *cls, const char *id,
            const char *kind, const char *profile)
{
    json_t *moi = href_of(api, cls, id);
    json_t *uri = json_sprintf("%s/%s=%s", json_string_value(moi), kind,
                               profile);

    json_decref(moi);
    return uri;
}

/* Rel-18: POST SliceProfile -> 201, the profile's URI as a JSON string. */
static int
r18_allocate(struct slc_call *c)
{
    json_t *body = NULL, *nssi = NULL;
    int rc = json_body(c, &body);

    rc = rc ? rc : allocate_profile(c, body, &nssi);
    if (!rc) {
        json_t *uri = profile_uri(c->api, NSS, str(nssi, "_id"),
                                  "SliceProfile",
                                  str(body, "sliceProfileId"));

        snprintf(c->resp->location, sizeof c->resp->location, "%s",
                 json_string_value(uri));
        slc_rest_reply(c, 201, uri);
    }
    json_decref(nssi);
    json_decref(body);
    return rc;
}

/* Rel-18: DELETE .../SliceProfiles/{id}?networkSliceSubnetDN=DN. */
static int
r18_deallocate(struct slc_call *c)
{
    const char *dn = json_string_value(json_object_get(
        c->req->query, "networkSliceSubnetDN"));
    const char *nssi = nssi_of_dn(c, dn);

    if (!nssi) {
        return slc_rest_fail(c, 400, SLC_EINVALID,
                             "the query needs networkSliceSubnetDN=SubNetwork"
                             "=%s,NetworkSliceSubnet=<id>, got '%.128s'",
                             c->api->subnetwork, dn ? dn : "");
    }
    return deallocate_profile(c, nssi, c->params[0]);
}

/* ---- ServiceProfiles: the NSMF side ---- */

/* Finds the slice request that serviceProfile 'id' made. */
static int
find_request(struct slc_call *c, const char *id, struct slc_record *rec)
{
    struct slc_scope sc = slc_rest_scope(c);
    int rc = slc_store_find_in(c->api->st, "slice_requests", id, &sc, rec,
                               &c->err);

    return rc == SLC_ENOTFOUND
               ? slc_rest_fail(c, 404, SLC_ENOTFOUND,
                               "no ServiceProfile '%.64s'", id)
               : rc;
}

/* allocateNsi: ServiceProfile 'profile' becomes a slice request (its
 * name is the serviceProfileId); the same profile again returns the
 * first request. */
static int
allocate_service(struct slc_call *c, const json_t *profile, json_t **req)
{
    struct slc_scope sc = slc_rest_scope(c);
    struct slc_record old = {0};
    json_t *sp = NULL, *body;
    const char *id;
    char vim[64];
    int rc = fail(c, slc_profile_to_request(profile, true, &sp, &id,
                                            &c->err));

    if (!rc && (strlen(id) > 63 || strpbrk(id, ",;()'\" /"))) {
        rc = slc_rest_fail(c, 400, SLC_EINVALID,
                           "serviceProfileId '%.64s' must have 1 to 63 "
                           "characters and none of , ; ( ) ' \" / or space",
                           id);
    }
    if (!rc && !slc_store_find_in(c->api->st, "slice_requests", id, &sc,
                                  &old, &c->err)) {
        *req = json_incref(old.doc);
        slc_record_clear(&old);
        json_decref(sp);
        return 0;
    }
    rc = rc ? rc
            : fail(c, slc_default_vim_account(c->api->slicer,
                                              str(profile, "vimAccountId"),
                                              &sc, vim, &c->err));
    if (!rc) {
        body = json_pack("{ss ss sO}", "name", id, "vimAccountId", vim,
                         "serviceProfile", sp);
        rc = fail(c, slc_slice_request(c->api->slicer, body, &sc, req,
                                       &c->err));
        json_decref(body);
    }
    json_decref(sp);
    return rc;
}

static int
r16_service(struct slc_call *c)
{
    json_t *body = NULL, *req = NULL;
    const json_t *in;
    int rc = json_body(c, &body);

    in = json_object_get(body, "attributeListIn");
    if (!rc && (!json_is_object(in) || json_object_size(body) != 1)) {
        rc = slc_rest_fail(c, 400, SLC_EINVALID,
                           "the body must be {\"attributeListIn\": "
                           "ServiceProfile}");
    }
    rc = rc ? rc : allocate_service(c, in, &req);
    if (!rc) {
        slc_rest_reply(c, 200,
                       json_pack("{so s{sO sO}}", "href",
                                 href_of(c->api, "NetworkSlice",
                                         str(req, "nsiId")),
                                 "attributeListOut", "nSId",
                                 json_object_get(req, "nsiId"),
                                 "serviceProfileId",
                                 json_object_get(req, "name")));
    }
    json_decref(req);
    json_decref(body);
    return rc;
}

static int
r18_service(struct slc_call *c)
{
    json_t *body = NULL, *req = NULL;
    int rc = json_body(c, &body);

    rc = rc ? rc : allocate_service(c, body, &req);
    if (!rc) {
        json_t *uri = profile_uri(c->api, "NetworkSlice", str(req, "nsiId"),
                                  "ServiceProfile", str(req, "name"));

        snprintf(c->resp->location, sizeof c->resp->location, "%s",
                 json_string_value(uri));
        slc_rest_reply(c, 201, uri);
    }
    json_decref(req);
    json_decref(body);
    return rc;
}

/* deallocateNsi: the slice goes with its last request; 204, also when
 * the profile is already gone. */
static int
deallocate_service(struct slc_call *c, const char *nsi)
{
    struct slc_record rec = {0};
    char op_id[40];
    int rc = find_request(c, c->params[0], &rec);

    if (rc == SLC_ENOTFOUND) {
        slc_rest_reply(c, 204, NULL);
        return 0;
    }
    if (!rc && nsi && strcmp(nsi, str(rec.doc, "nsiId") ?: "")) {
        rc = slc_rest_fail(c, 404, SLC_ENOTFOUND,
                           "NetworkSlice '%.64s' has no ServiceProfile "
                           "'%.64s'",
                           nsi, c->params[0]);
    }
    rc = rc ? rc
            : fail(c, slc_slice_request_delete(c->api->slicer, rec.id, op_id,
                                               &c->err));
    if (!rc) {
        slc_rest_reply(c, 204, NULL);
    }
    slc_record_clear(&rec);
    return rc;
}

static int
r16_service_delete(struct slc_call *c)
{
    return deallocate_service(c, NULL);
}

static int
r18_service_delete(struct slc_call *c)
{
    const char *dn = json_string_value(json_object_get(c->req->query,
                                                       "networkSliceDN"));
    char prefix[160];
    size_t n = (size_t)snprintf(prefix, sizeof prefix,
                                "SubNetwork=%s,NetworkSlice=",
                                c->api->subnetwork);

    if (!dn || strncmp(dn, prefix, n) || !dn[n]) {
        return slc_rest_fail(c, 400, SLC_EINVALID,
                             "the query needs networkSliceDN=SubNetwork=%s,"
                             "NetworkSlice=<id>, got '%.128s'",
                             c->api->subnetwork, dn ? dn : "");
    }
    return deallocate_service(c, dn + n);
}

/* ---- notifications ---- */

/* The attributes of 'a' that differ from 'b' ('b' may be NULL). */
static json_t *
changed(const json_t *a, const json_t *b)
{
    json_t *out = json_object();
    const char *k;
    json_t *v;

    json_object_foreach((json_t *)a, k, v)
    {
        if (!json_equal(v, json_object_get(b, k))) {
            json_object_set(out, k, v);
        }
    }
    return out;
}

void
slc_provmns_nssi_event(void *ctx, const json_t *rec, const json_t *old_attrs,
                       const json_t *new_attrs)
{
    struct slc_api *api = ctx;
    const char *id = str(rec, "_id");
    char when[32];
    time_t t;
    struct tm tm;
    json_t *body;

    if (!id || !api->notifier) {
        return;
    }
    t = (time_t)api->now();
    gmtime_r(&t, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    body = json_pack("{so ss ss ss}", "href", href_of(api, NSS, id),
                     "eventTime", when, "systemDN", api->system_dn,
                     "sourceIndicator", "MANAGEMENT_OPERATION");
    if (!old_attrs || !new_attrs) {
        json_object_set_new(body, "notificationType",
                            json_string(old_attrs ? "notifyMOIDeletion"
                                                  : "notifyMOICreation"));
        json_object_set(body, "attributeList",
                        (json_t *)(old_attrs ? old_attrs : new_attrs));
    } else {
        json_t *now = changed(new_attrs, old_attrs);
        json_t *was = changed(old_attrs, new_attrs);

        json_object_set_new(body, "notificationType",
                            json_string("notifyMOIAttributeValueChanges"));
        json_object_set_new(body, "attributeListValueChanges",
                            json_pack("[oo]", now, was));
        if (!json_object_size(now) && !json_object_size(was)) {
            json_decref(body);
            return;
        }
    }
    slc_notify_moi(api->notifier, body,
                   json_object_get(json_object_get(rec, "_admin"),
                                   "projects_read"));
    json_decref(body);
}

const struct slc_route slc_provmns_routes[] = {
    {"GET", PROV "/{subnetwork}", subnetwork_get, "nssis:"},
    {"GET", PROV "/{subnetwork}/{moi}", moi_get, "nssis:id:"},
    {"PUT", PROV "/{subnetwork}/{moi}", moi_put, "nssis:id:"},
    {"PATCH", PROV "/{subnetwork}/{moi}", moi_patch, "nssis:id:"},
    {"DELETE", PROV "/{subnetwork}/{moi}", moi_delete, "nssis:id:"},
    {"POST", R16_NSS, r16_allocate, "nssis:"},
    {"DELETE", R16_NSS "/{id}", r16_deallocate, "nssis:id:"},
    {"POST", NSSPROV "/SliceProfiles", r18_allocate, "nssis:"},
    {"DELETE", NSSPROV "/SliceProfiles/{id}", r18_deallocate, "nssis:id:"},
    {"POST", R16_NS, r16_service, "slice_requests:"},
    {"DELETE", R16_NS "/{id}", r16_service_delete, "slice_requests:id:"},
    {"POST", NSPROV "/ServiceProfiles", r18_service, "slice_requests:"},
    {"DELETE", NSPROV "/ServiceProfiles/{id}", r18_service_delete,
     "slice_requests:id:"},
    {NULL},
};

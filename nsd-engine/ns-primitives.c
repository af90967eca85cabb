/* Primitives in NS plans (see ns-lcm-internal.h): day-1
 * (initial-config-primitive, after a VNF's VDUs are up), day-2 (the
 * "action" operation: config-primitive of a VNF or VDU, or an NS-level
 * primitive made of VNF primitives) and terminate-config-primitive (before
 * a VNF goes).  Each primitive becomes one engine step of kind
 * "primitive" (engine.h), its spec carrying what the VIM runs: the
 * script's text from the VNF package, its arguments and environment.
 *
 * A primitive is invoked as
 *   SCRIPT PRIMITIVE NAME=VALUE...
 * with the environment SLICER_PRIMITIVE, SLICER_NS_ID, SLICER_NS_NAME,
 * SLICER_VNF_MEMBER_INDEX, SLICER_VDU_ID, SLICER_VDU_COUNT_INDEX,
 * SLICER_MGMT_IP and SLICER_PARAM_<NAME> (upper case, other characters
 * '_') for each parameter, PATH and HOME.  Values "<rw_mgmt_ip>" and
 * "<name>" of the descriptor are OSM's substitutions: the VDU's management
 * address, and the instantiation's additionalParamsForVnf[]
 * .additionalParams (else additionalParamsForNs) member 'name'. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ns-lcm-internal.h"


/* What a primitive step is made from. */
struct prim_call {
    const json_t *nsr;
    const json_t *vnfd;       /* the VNF's VNFD document */
    const json_t *vnfr;
    const json_t *vdur;       /* the VDU instance it runs in */
    const json_t *params;     /* instantiation parameters, may be NULL */
    const char *kind;         /* "initial", "config", "terminate" */
    json_t *compute;          /* {"step": k} or the compute's VIM id */
    json_t *mgmt_ip;          /* {"step": k, "info": "ip_address"}, a
                                 string, or NULL */
};

json_t *
slc_ns_new_step(const char *action, const char *kind, const char *vim,
                const char *tag, const char *name, json_t *spec, json_t *deps,
                json_t *for_)
{
    return json_pack("{ss ss ss ss ss ss so so so}", "action", action, "kind",
                     kind, "vim", vim, "tag", tag, "name", name, "state",
                     "PENDING", "spec", spec ? spec : json_object(), "deps",
                     deps ? deps : json_array(), "for",
                     for_ ? for_ : json_object());
}

const json_t *
slc_ns_day12(const json_t *vnfd, const char *id)
{
    const json_t *df, *d;
    size_t i, j;

    json_array_foreach(json_object_get(vnfd, "df"), i, df)
    {
        json_array_foreach(
            json_object_get(
                json_object_get(json_object_get(df,
                                                "lcm-operations-"
                                                "configuration"),
                                "operate-vnf-op-config"),
                "day1-2"),
            j, d)
        {
            if (!strcmp(slc_ns_str(d, "id") ?: "", id ? id : "")) {
                return d;
            }
        }
    }
    return NULL;
}

const json_t *
slc_ns_mgmt_vdur(const json_t *vnfd, const json_t *vnfr)
{
    const json_t *vdur, *iface;
    size_t i, j;

    json_array_foreach(json_object_get(vnfr, "vdur"), i, vdur)
    {
        json_array_foreach(json_object_get(vdur, "interfaces"), j, iface)
        {
            if (json_is_true(json_object_get(iface, "mgmt-vnf")) &&
                json_integer_value(json_object_get(vdur, "count-index")) ==
                    0) {
                return vdur;
            }
        }
    }
    (void)vnfd;
    return json_array_get(json_object_get(vnfr, "vdur"), 0);
}

int
slc_ns_load_vnfds(struct slc_store *st, const json_t *vnfrs, json_t **out,
                  struct slc_error *err)
{
    const json_t *vnfr;
    size_t i;
    int rc = 0;

    *out = json_object();
    json_array_foreach(vnfrs, i, vnfr)
    {
        const char *id = slc_ns_str(vnfr, "vnfd-id");
        struct slc_record rec = {0};

        if (!id || json_object_get(*out, id)) {
            continue;
        }
        rc = slc_store_get_shared(st, "vnfds", id, &rec, err);
        if (rc == SLC_ENOTFOUND) {
            rc = 0; /* a PNF's, or gone: it has no primitive */
            continue;
        }
        if (rc) {
            break;
        }
        json_object_set(*out, id, rec.doc);
        slc_record_clear(&rec);
    }
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* The additional parameter 'name' the instantiation gives VNF 'member'
 * (additionalParamsForVnf[].additionalParams), else the NS
 * (additionalParamsForNs); NULL when neither does. */
static const json_t *
additional(const json_t *params, const char *member, const char *name)
{
    const json_t *v;
    size_t i;

    json_array_foreach(json_object_get(params, "additionalParamsForVnf"), i,
                       v)
    {
        if (!strcmp(slc_ns_str(v, "member-vnf-index") ?: "", member) &&
            json_object_get(json_object_get(v, "additionalParams"), name)) {
            return json_object_get(json_object_get(v, "additionalParams"),
                                   name);
        }
    }
    return json_object_get(json_object_get(params, "additionalParamsForNs"),
                           name);
}

/* A parameter value as text, or NULL when it is no scalar. */
static json_t *
as_text(const json_t *v)
{
    if (json_is_string(v)) {
        return json_incref((json_t *)v);
    }
    if (json_is_integer(v)) {
        return json_sprintf("%" JSON_INTEGER_FORMAT, json_integer_value(v));
    }
    if (json_is_real(v)) {
        return json_sprintf("%g", json_real_value(v));
    }
    if (json_is_boolean(v)) {
        return json_string(json_is_true(v) ? "true" : "false");
    }
    return NULL;
}

/* Whether 'v' is a value of data-type 'type' (STRING, INTEGER, BOOLEAN;
 * OSM files also write numbers and booleans as strings). */
static bool
of_type(const json_t *v, const char *type)
{
    const char *s = json_string_value(v);

    if (!strcmp(type, "INTEGER")) {
        if (json_is_integer(v)) {
            return true;
        }
        if (!s || !*s) {
            return false;
        }
        s += *s == '-';
        return *s && strspn(s, "0123456789") == strlen(s);
    }
    if (!strcmp(type, "BOOLEAN")) {
        return json_is_boolean(v) ||
               (s && (!strcmp(s, "true") || !strcmp(s, "false")));
    }
    return json_is_string(v) || json_is_number(v) || json_is_boolean(v);
}

/* The environment name of parameter 'name': SLICER_PARAM_<NAME>. */
static void
env_name(const char *name, char *out, size_t size)
{
    size_t n = (size_t)snprintf(out, size, "SLICER_PARAM_");

    for (const char *p = name; *p && n + 1 < size; p++) {
        out[n++] = isalnum((unsigned char)*p) ? (char)toupper((unsigned char)*p)
                                              : '_';
    }
    out[n] = '\0';
}

/* The value of parameter 'param' of a day-1 or terminate primitive: the
 * descriptor's, with OSM's substitutions.  A new reference (text, or the
 * management address reference), or NULL with 'err' set. */
static json_t *
descriptor_value(const struct prim_call *x, const char *prim,
                 const json_t *param, struct slc_error *err)
{
    const json_t *v = json_object_get(param, "value");
    const char *s = json_string_value(v);
    const char *member = slc_ns_str(x->vnfr, "member-vnf-index-ref");
    json_t *given;
    char name[256];
    size_t len = s ? strlen(s) : 0;

    if (!v) {
        return json_string("");
    }
    if (!s || len < 3 || s[0] != '<' || s[len - 1] != '>') {
        json_t *t = as_text(v);

        if (!t) {
            slc_error_set(err, SLC_EINVALID,
                          "vnf '%s': primitive '%s': parameter '%s' must be "
                          "a scalar",
                          member, prim, slc_ns_str(param, "name"));
        }
        return t;
    }
    snprintf(name, sizeof name, "%.*s", (int)(len - 2), s + 1);
    if (!strcmp(name, "rw_mgmt_ip")) {
        if (!x->mgmt_ip) {
            slc_error_set(err, SLC_EINVALID,
                          "vnf '%s': primitive '%s': parameter '%s' takes "
                          "<rw_mgmt_ip> but its VDU has no address",
                          member, prim, slc_ns_str(param, "name"));
        }
        return x->mgmt_ip ? json_incref(x->mgmt_ip) : NULL;
    }
    given = as_text(additional(x->params, member, name));
    if (!given) {
        slc_error_set(err, SLC_EINVALID,
                      "vnf '%s': primitive '%s': parameter '%s' takes <%s>, "
                      "which the instantiation does not give (give "
                      "additionalParamsForVnf[].additionalParams.%s for "
                      "member-vnf-index '%s', or additionalParamsForNs.%s)",
                      member, prim, slc_ns_str(param, "name"), name, name,
                      member, name);
        return NULL;
    }
    return given;
}

/* The value of parameter 'param' of a day-2 primitive: the request's, else
 * the descriptor's default, checked against its data-type.  NULL for
 * an absent optional parameter (no error) or with 'err' set. */
static json_t *
request_value(const struct prim_call *x, const char *prim,
              const json_t *param, const json_t *given,
              struct slc_error *err)
{
    const char *pname = slc_ns_str(param, "name");
    const char *type = slc_ns_str(param, "data-type") ?: "STRING";
    const json_t *v = json_object_get(given, pname);

    err->code = 0;
    if (!v) {
        v = json_object_get(param, "default-value");
        if (json_is_string(v) && !strcmp(json_string_value(v),
                                         "<rw_mgmt_ip>")) {
            return x->mgmt_ip ? json_incref(x->mgmt_ip) : json_string("");
        }
    }
    if (!v || json_is_null(v)) {
        if (json_is_true(json_object_get(param, "mandatory")) ||
            !strcmp(slc_ns_str(param, "mandatory") ?: "", "true")) {
            slc_error_set(err, SLC_EINVALID,
                          "primitive '%s': parameter '%s' is mandatory",
                          prim, pname);
        }
        return NULL;
    }
    if (!of_type(v, type)) {
        char *shown = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

        slc_error_set(err, SLC_EINVALID,
                      "primitive '%s': parameter '%s' is %.64s, not of data-type %s",
                      prim, pname, shown ? shown : "?", type);
        free(shown);
        return NULL;
    }
    return as_text(v);
}

/* Builds the step spec of primitive 'prim' (a primitive of day1-2 entry
 * 'd') for call 'x', with the day-2 request's 'given' parameters (NULL for
 * day 1 and terminate).  A new reference, or NULL with 'err' set. */
static json_t *
primitive_spec(const struct prim_call *x, const json_t *d, const json_t *prim,
               const json_t *given, unsigned timeout, struct slc_error *err)
{
    const char *member = slc_ns_str(x->vnfr, "member-vnf-index-ref");
    const char *name = slc_ns_str(prim, "name");
    const char *ref = slc_ns_str(prim, "execution-environment-ref");
    const json_t *ees = json_object_get(d, "execution-environment-list");
    const json_t *ee = ref ? slc_ns_find(ees, "id", ref)
                       : json_array_size(ees) == 1 ? json_array_get(ees, 0)
                                                   : NULL;
    const char *file = slc_ns_str(json_object_get(ee, "script"), "file");
    const json_t *script = json_object_get(
        json_object_get(json_object_get(x->vnfd, "_admin"), "scripts"),
        file ? file : "");
    const json_t *param;
    json_t *args, *env, *key;
    char ename[300];
    size_t i;

    if (!ee) {
        slc_error_set(err, SLC_EINVALID,
                      "vnf '%s': primitive '%s' has no execution environment",
                      member, name);
        return NULL;
    }
    if (!file) {
        slc_error_set(err, SLC_EUNSUPPORTED,
                      "vnf '%s': primitive '%s' runs in %s execution "
                      "environment '%s', which slicer does not run (it "
                      "runs 'script' environments: a file of the "
                      "package's scripts/)",
                      member, name,
                      json_object_get(ee, "juju")         ? "Juju charm"
                      : json_object_get(ee, "helm-chart") ? "Helm chart"
                                                          : "the",
                      slc_ns_str(ee, "id"));
        return NULL;
    }
    if (!json_is_string(script)) {
        slc_error_set(err, SLC_EINVALID,
                      "vnf '%s': primitive '%s': script '%s' is not in the "
                      "VNF package",
                      member, name, file);
        return NULL;
    }
    if (given) {
        const char *k;
        const json_t *v;

        json_object_foreach((json_t *)given, k, v)
        {
            if (!slc_ns_find(json_object_get(prim, "parameter"), "name", k)) {
                char known[512] = "";
                size_t n = 0;

                json_array_foreach(json_object_get(prim, "parameter"), i,
                                   param)
                {
                    n += (size_t)snprintf(known + n, n < sizeof known
                                                         ? sizeof known - n
                                                         : 0,
                                          "%s%s", i ? ", " : "",
                                          slc_ns_str(param, "name"));
                    if (n >= sizeof known) {
                        break;
                    }
                }
                slc_error_set(err, SLC_EINVALID,
                              "primitive '%s' has no parameter '%s' (it "
                              "has: %s)",
                              name, k, *known ? known : "none");
                return NULL;
            }
        }
    }
    args = json_pack("[s]", slc_ns_str(prim, "execution-environment-"
                                             "primitive")
                                ?: name);
    env = json_pack(
        "{ss ss ss ss ss ss ss ss ss}", "PATH",
        "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME",
        "/", "SLICER_PRIMITIVE", name, "SLICER_NS_ID",
        slc_ns_str(x->nsr, "_id") ?: "", "SLICER_NS_NAME",
        slc_ns_str(x->nsr, "name") ?: "", "SLICER_VNF_MEMBER_INDEX", member,
        "SLICER_VDU_ID", slc_ns_str(x->vdur, "vdu-id-ref") ?: "",
        "SLICER_VDU_COUNT_INDEX", "", "SLICER_MGMT_IP", "");
    json_object_set_new(env, "SLICER_VDU_COUNT_INDEX",
                        json_sprintf("%" JSON_INTEGER_FORMAT,
                                     json_integer_value(json_object_get(
                                         x->vdur, "count-index"))));
    if (x->mgmt_ip) {
        json_object_set(env, "SLICER_MGMT_IP", x->mgmt_ip);
    }
    json_array_foreach(json_object_get(prim, "parameter"), i, param)
    {
        const char *pname = slc_ns_str(param, "name") ?: "";
        json_t *v = given || !strcmp(x->kind, "config")
                        ? request_value(x, name, param, given, err)
                        : descriptor_value(x, name, param, err);

        if (!v && err->code) {
            json_decref(args);
            json_decref(env);
            return NULL;
        }
        if (!v) {
            continue;
        }
        env_name(pname, ename, sizeof ename);
        json_object_set(env, ename, v);
        if (json_is_string(v)) {
            json_array_append_new(args, json_sprintf("%s=%s", pname,
                                                     json_string_value(v)));
        } else {
            /* the address of a port this plan makes: "name=" + it */
            json_t *at = json_deep_copy(v);

            json_object_set_new(at, "prefix", json_sprintf("%s=", pname));
            json_array_append_new(args, at);
        }
        json_decref(v);
    }
    key = json_pack("{sO ss sO ss so so si}", "compute", x->compute,
                    "primitive", name, "script", script, "kind", x->kind,
                    "args", args, "env", env, "timeout",
                    (int)(timeout ? timeout : 600));
    return key;
}

/* Appends the steps of primitives 'prims' in seq order, each after the
 * one before and the first after 'deps' (stolen); the index of the last
 * goes to '*last' (unchanged when there is none). */
static int
add_sequence(const struct prim_call *x, const json_t *d, const json_t *prims,
             const json_t *given, unsigned timeout, json_t *deps,
             json_t *steps, size_t *last, struct slc_error *err)
{
    size_t n = json_array_size(prims), done = 0;
    bool *used = calloc(n ? n : 1, sizeof *used);
    int rc = 0;

    if (!used) {
        json_decref(deps);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    while (!rc && done < n) {
        size_t best = n;
        double best_seq = 0;
        const json_t *prim;
        json_t *spec;
        char tag[700], name[700];

        for (size_t i = 0; i < n; i++) {
            double seq = slc_ns_number(
                json_object_get(json_array_get(prims, i), "seq"));

            if (!used[i] && (best == n || seq < best_seq)) {
                best = i;
                best_seq = seq;
            }
        }
        used[best] = true;
        done++;
        prim = json_array_get(prims, best);
        spec = primitive_spec(x, d, prim, given, timeout, err);
        if (!spec) {
            rc = err->code ? err->code : SLC_EINVALID;
            break;
        }
        snprintf(tag, sizeof tag, "nsr:%s:vnf:%s:vdu:%s:%" JSON_INTEGER_FORMAT
                 ":%s:%s",
                 slc_ns_str(x->nsr, "_id"),
                 slc_ns_str(x->vnfr, "member-vnf-index-ref"),
                 slc_ns_str(x->vdur, "vdu-id-ref"),
                 json_integer_value(json_object_get(x->vdur, "count-index")),
                 x->kind, slc_ns_str(prim, "name"));
        snprintf(name, sizeof name, "%s %s-%s-%" JSON_INTEGER_FORMAT " %s",
                 x->kind, slc_ns_str(x->vnfr, "member-vnf-index-ref"),
                 slc_ns_str(x->vdur, "vdu-id-ref"),
                 json_integer_value(json_object_get(x->vdur, "count-index")),
                 slc_ns_str(prim, "name"));
        json_array_append_new(
            steps,
            slc_ns_new_step("run", "primitive",
                            slc_ns_str(x->vnfr, "vim-account-id"), tag, name,
                            spec, deps,
                            json_pack("{ss ss ss ss sO sO}", "what",
                                      "primitive", "vnfr",
                                      slc_ns_str(x->vnfr, "_id"), "vdur",
                                      slc_ns_str(x->vdur, "_id"), "primitive",
                                      slc_ns_str(prim, "name"),
                                      "member_vnf_index",
                                      json_object_get(x->vnfr,
                                                      "member-vnf-index-ref"),
                                      "vdu_count_index",
                                      json_object_get(x->vdur,
                                                      "count-index"))));
        *last = json_array_size(steps) - 1;
        deps = json_pack("[I]", (json_int_t)*last);
    }
    json_decref(deps);
    free(used);
    return rc;
}

/* The management address of VDU instance 'vdur' for a plan that made it
 * ('placed' maps its _id to {compute, ip}: step references) or for one
 * that runs on it (its recorded ip-address). */
static void
locate(struct prim_call *x, const json_t *placed)
{
    const json_t *p = json_object_get(placed, slc_ns_str(x->vdur, "_id"));

    if (p) {
        x->compute = json_pack("{sO}", "step", json_object_get(p, "compute"));
        x->mgmt_ip = json_is_integer(json_object_get(p, "ip"))
                         ? json_pack("{sOss}", "step",
                                     json_object_get(p, "ip"), "info",
                                     "ip_address")
                         : NULL;
    } else {
        x->compute = json_incref(json_object_get(x->vdur, "vim-id"));
        x->mgmt_ip = json_is_string(json_object_get(x->vdur, "ip-address"))
                         ? json_incref(json_object_get(x->vdur, "ip-address"))
                         : NULL;
    }
}

static void
release(struct prim_call *x)
{
    json_decref(x->compute);
    json_decref(x->mgmt_ip);
    x->compute = x->mgmt_ip = NULL;
}

/* The step indices of 'placed' whose VDU belongs to 'vnfr': what a
 * VNF-level primitive waits for. */
static json_t *
vnf_computes(const json_t *vnfr, const json_t *placed)
{
    json_t *deps = json_array();
    const json_t *vdur;
    size_t i;

    json_array_foreach(json_object_get(vnfr, "vdur"), i, vdur)
    {
        const json_t *p = json_object_get(placed, slc_ns_str(vdur, "_id"));

        if (p) {
            json_array_append(deps, json_object_get(p, "compute"));
        }
    }
    return deps;
}

int
slc_ns_plan_day1(const json_t *vnfds, const json_t *nsr, const json_t *vnfrs,
                 const json_t *params, const json_t *placed, json_t *steps,
                 struct slc_error *err)
{
    const json_t *vnfr;
    size_t i;
    int rc = 0;

    json_array_foreach(vnfrs, i, vnfr)
    {
        const json_t *vnfd = json_object_get(vnfds,
                                             slc_ns_str(vnfr, "vnfd-id") ?: "");
        json_t *after = json_array();
        const json_t *vdur;
        size_t j, last;

        /* VDU level first, each after its VDU; the VNF's after all */
        json_array_foreach(vnfd ? json_object_get(vnfr, "vdur") : NULL, j,
                           vdur)
        {
            const json_t *d = slc_ns_day12(vnfd, slc_ns_str(vdur,
                                                           "vdu-id-ref"));
            const json_t *p = json_object_get(placed,
                                              slc_ns_str(vdur, "_id"));
            struct prim_call x = {nsr, vnfd, vnfr, vdur, params, "initial"};

            if (!d || !p || rc) {
                continue;
            }
            locate(&x, placed);
            last = SIZE_MAX;
            rc = add_sequence(&x, d,
                              json_object_get(d, "initial-config-primitive"),
                              NULL, 0,
                              json_pack("[O]", json_object_get(p, "compute")),
                              steps, &last, err);
            if (last != SIZE_MAX) {
                json_array_append_new(after, json_integer((json_int_t)last));
            }
            release(&x);
        }
        if (!rc && vnfd &&
            slc_ns_day12(vnfd, slc_ns_str(vnfd, "id")) &&
            slc_ns_mgmt_vdur(vnfd, vnfr)) {
            struct prim_call x = {nsr, vnfd, vnfr,
                                  slc_ns_mgmt_vdur(vnfd, vnfr), params,
                                  "initial"};
            const json_t *d = slc_ns_day12(vnfd, slc_ns_str(vnfd, "id"));
            json_t *deps = vnf_computes(vnfr, placed);

            json_array_extend(deps, after);
            locate(&x, placed);
            last = SIZE_MAX;
            rc = json_object_get(placed, slc_ns_str(x.vdur, "_id"))
                     ? add_sequence(&x, d,
                                    json_object_get(d,
                                                    "initial-config-"
                                                    "primitive"),
                                    NULL, 0, deps, steps, &last, err)
                     : (json_decref(deps), 0);
            release(&x);
        }
        json_decref(after);
        if (rc) {
            break;
        }
    }
    return rc;
}

int
slc_ns_plan_terminate_primitives(const json_t *vnfds, const json_t *nsr,
                                 const json_t *vnfrs, json_t *steps,
                                 json_t *runs, struct slc_error *err)
{
    const json_t *params = json_object_get(nsr, "instantiate_params");
    const json_t *vnfr;
    size_t i;
    int rc = 0;

    json_array_foreach(vnfrs, i, vnfr)
    {
        const json_t *vnfd = json_object_get(vnfds,
                                             slc_ns_str(vnfr, "vnfd-id") ?: "");
        size_t j, last = SIZE_MAX, prev = SIZE_MAX;

        if (!vnfd) {
            continue;
        }
        /* the VNF's first, then each VDU's (the reverse of day 1) */
        for (j = 0; !rc && j <= json_array_size(json_object_get(vnfr, "vdur"));
             j++) {
            const json_t *vdur =
                j == 0 ? slc_ns_mgmt_vdur(vnfd, vnfr)
                       : json_array_get(json_object_get(vnfr, "vdur"), j - 1);
            const json_t *d =
                j == 0 ? slc_ns_day12(vnfd, slc_ns_str(vnfd, "id"))
                       : slc_ns_day12(vnfd, slc_ns_str(vdur, "vdu-id-ref"));
            struct prim_call x = {nsr, vnfd, vnfr, vdur, params,
                                  "terminate"};

            if (!d || !slc_ns_str(vdur, "vim-id")) {
                continue;
            }
            locate(&x, NULL);
            rc = add_sequence(&x, d,
                              json_object_get(d,
                                              "terminate-config-primitive"),
                              NULL, 0,
                              prev == SIZE_MAX
                                  ? NULL
                                  : json_pack("[I]", (json_int_t)prev),
                              steps, &last, err);
            if (last != SIZE_MAX && last != prev) {
                json_array_append_new(runs, json_integer((json_int_t)last));
                prev = last; /* the next sequence after this one */
            }
            release(&x);
        }
        if (rc) {
            break;
        }
    }
    return rc;
}

/* The VNF record of member 'member', or NULL. */
static const json_t *
member_vnfr(const json_t *vnfrs, const char *member)
{
    return slc_ns_find(vnfrs, "member-vnf-index-ref", member);
}

/* One VNF primitive of a day-2 action: 'vdu_id' NULL for a VNF-level
 * one. */
static int
plan_vnf_action(const json_t *vnfds, const json_t *nsr, const json_t *vnfr,
                const char *primitive, const char *vdu_id,
                json_int_t count_index, const json_t *given,
                unsigned timeout, json_t *deps, json_t *steps, size_t *last,
                struct slc_error *err)
{
    const char *member = slc_ns_str(vnfr, "member-vnf-index-ref");
    const json_t *vnfd = json_object_get(vnfds,
                                         slc_ns_str(vnfr, "vnfd-id") ?: "");
    const json_t *d = slc_ns_day12(vnfd, vdu_id ? vdu_id
                                                : slc_ns_str(vnfd, "id"));
    const json_t *prim = slc_ns_find(json_object_get(d, "config-primitive"),
                                     "name", primitive);
    const json_t *vdur = NULL, *v;
    json_t *one;
    size_t i;
    int rc;

    if (!prim) {
        json_decref(deps);
        return slc_error_set(err, SLC_EINVALID,
                             "vnf '%s'%s%s%s has no config-primitive '%s'",
                             member, vdu_id ? " vdu '" : "",
                             vdu_id ? vdu_id : "", vdu_id ? "'" : "",
                             primitive);
    }
    if (vdu_id) {
        json_array_foreach(json_object_get(vnfr, "vdur"), i, v)
        {
            if (!strcmp(slc_ns_str(v, "vdu-id-ref") ?: "", vdu_id) &&
                json_integer_value(json_object_get(v, "count-index")) ==
                    count_index) {
                vdur = v;
            }
        }
    } else {
        vdur = slc_ns_mgmt_vdur(vnfd, vnfr);
    }
    if (!vdur || !slc_ns_str(vdur, "vim-id")) {
        json_decref(deps);
        return slc_error_set(err, SLC_EINVALID,
                             "vnf '%s' has no running instance %" JSON_INTEGER_FORMAT
                             " of vdu '%s'",
                             member, count_index,
                             vdu_id ? vdu_id : slc_ns_str(vdur, "vdu-id-ref")
                                                   ?: "?");
    }
    {
        struct prim_call x = {nsr, vnfd, vnfr, vdur, NULL, "config"};
        json_t *none = json_object();

        locate(&x, NULL);
        one = json_pack("[O]", prim);
        rc = add_sequence(&x, d, one, given ? given : none, timeout, deps,
                          steps, last, err);
        json_decref(one);
        json_decref(none);
        release(&x);
    }
    return rc;
}

/* The parameters of VNF primitive 'vprim' from the NS primitive's: those
 * the VNF primitive declares (a new object). */
static json_t *
passed_params(const json_t *vnfds, const json_t *vnfr, const char *vprim,
              const json_t *given)
{
    const json_t *vnfd = json_object_get(vnfds,
                                         slc_ns_str(vnfr, "vnfd-id") ?: "");
    const json_t *d = slc_ns_day12(vnfd, slc_ns_str(vnfd, "id"));
    const json_t *prim = slc_ns_find(json_object_get(d, "config-primitive"),
                                     "name", vprim);
    json_t *out = json_object();
    const char *k;
    const json_t *v;

    json_object_foreach((json_t *)given, k, v)
    {
        if (slc_ns_find(json_object_get(prim, "parameter"), "name", k)) {
            json_object_set(out, k, (json_t *)v);
        }
    }
    return out;
}

int
slc_ns_plan_action(const json_t *vnfds, const json_t *nsd, const json_t *nsr,
                   const json_t *vnfrs, const json_t *req, json_t *steps,
                   struct slc_error *err)
{
    const char *primitive = slc_ns_str(req, "primitive");
    const char *member = slc_ns_str(req, "member_vnf_index");
    const char *vdu_id = slc_ns_str(req, "vdu_id");
    const json_t *given = json_object_get(req, "primitive_params");
    unsigned timeout = (unsigned)json_integer_value(
        json_object_get(req, "timeout_ns_action"));
    const json_t *nsprim, *group, *p;
    size_t i, j, last = SIZE_MAX;
    int rc = 0;

    if (member) {
        const json_t *vnfr = member_vnfr(vnfrs, member);

        if (!vnfr) {
            return slc_error_set(err, SLC_EINVALID,
                                 "ns '%s' has no member-vnf-index '%s'",
                                 slc_ns_str(nsr, "name"), member);
        }
        return plan_vnf_action(
            vnfds, nsr, vnfr, primitive, vdu_id,
            json_integer_value(json_object_get(req, "vdu_count_index")),
            given, timeout, NULL, steps, &last, err);
    }
    /* NS level: the NSD's ns-configuration.config-primitive[], each a
     * group of VNF primitives run in order (OSM's vnf-primitive-group) */
    nsprim = slc_ns_find(
        json_object_get(json_object_get(nsd, "ns-configuration"),
                        "config-primitive"),
        "name", primitive);
    if (!nsprim) {
        return slc_error_set(err, SLC_EINVALID,
                             "ns '%s' has no NS primitive '%s' (give "
                             "member_vnf_index for a VNF's)",
                             slc_ns_str(nsr, "name"), primitive);
    }
    if (!json_array_size(json_object_get(nsprim, "vnf-primitive-group"))) {
        return slc_error_set(err, SLC_EUNSUPPORTED,
                             "NS primitive '%s' runs in an execution "
                             "environment of its own, which slicer does not "
                             "run (it runs NS primitives made of VNF "
                             "primitives: vnf-primitive-group)",
                             primitive);
    }
    json_array_foreach(json_object_get(nsprim, "vnf-primitive-group"), i,
                       group)
    {
        const json_t *vnfr = member_vnfr(
            vnfrs, slc_ns_str(group, "member-vnf-index-ref") ?: "");

        if (!vnfr) {
            return slc_error_set(err, SLC_EINVALID,
                                 "NS primitive '%s': no member-vnf-index "
                                 "'%s'",
                                 primitive,
                                 slc_ns_str(group, "member-vnf-index-ref")
                                     ?: "");
        }
        json_array_foreach(json_object_get(group, "primitive"), j, p)
        {
            json_t *passed = passed_params(vnfds, vnfr, slc_ns_str(p, "name"),
                                           given);

            rc = plan_vnf_action(
                vnfds, nsr, vnfr, slc_ns_str(p, "name") ?: "", NULL, 0,
                passed, timeout,
                last == SIZE_MAX ? NULL : json_pack("[I]", (json_int_t)last),
                steps, &last, err);
            json_decref(passed);
            if (rc) {
                return rc;
            }
        }
    }
    return 0;
}

/* Service function chains of an NS (see ns-chains.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ns-chains.h"
#include "ns-lcm.h"
#include "ns-sdn.h"
#include "sdn.h"
#include "sfc-chain.h"
#include "sfc-match.h"
#include "slc-log.h"

SLC_LOG_MODULE(ns_chains);

#define TAG_FIRST 100u
#define TAG_LAST 4094u
#define PATHS "sfc_paths"

/* ---- parameters ---- */

static int
bad_encap(const json_t *e, const char *where, struct slc_error *err)
{
    char *text = json_dumps(e, JSON_ENCODE_ANY);
    int rc = slc_error_set(err, SLC_EINVALID,
                           "ns instance: %s.encapsulation: %s is not "
                           "\"vlan\", \"mpls\" or \"nsh\"",
                           where, text ? text : "?");

    free(text);
    return rc;
}

/* The encapsulation VNF 'member' asks for through
 * additionalParamsForVnf[].additionalParams.sfc.encapsulation into
 * '*asked' (NULL when it asks none); SLC_EINVALID for a bad value. */
static int
member_encap(const json_t *params, const char *member, const char **asked,
             struct slc_error *err)
{
    const json_t *v;
    size_t j;

    *asked = NULL;
    json_array_foreach(json_object_get(params, "additionalParamsForVnf"), j, v)
    {
        const json_t *e = json_object_get(
            json_object_get(json_object_get(v, "additionalParams"), "sfc"),
            "encapsulation");
        char where[300];

        if (!e || strcmp(slc_ns_str(v, "member-vnf-index") ?: "", member)) {
            continue;
        }
        snprintf(where, sizeof where,
                 "additionalParamsForVnf[%zu].additionalParams.sfc", j);
        if (!json_is_string(e) ||
            slc_sfc_encap_parse(json_string_value(e)) < 0) {
            return bad_encap(e, where, err);
        }
        *asked = json_string_value(e);
    }
    return 0;
}

/* The encapsulation that the SF VNFs of position 'pos' ask for, into
 * '*encap' (unchanged when none asks); SLC_EINVALID for a bad value or two
 * VNFs asking for different ones. */
static int
vnf_encap(const json_t *params, const char *nfpd, const json_t *pos,
          const char **encap, struct slc_error *err)
{
    const char *asked = NULL, *by = NULL, *mine;
    const json_t *prof, *el;
    size_t i, k;
    int rc;

    json_array_foreach(json_object_get(pos, "cp-profile-id"), i, prof)
    {
        json_array_foreach(json_object_get(prof, "constituent-profile-elements"),
                           k, el)
        {
            const char *member = slc_ns_str(el, "constituent-base-element-id");

            if (!member) {
                continue;
            }
            if ((rc = member_encap(params, member, &mine, err))) {
                return rc;
            }
            if (mine && asked && strcmp(asked, mine)) {
                return slc_error_set(
                    err, SLC_EINVALID,
                    "ns instance: nfpd '%s': vnf %s asks for encapsulation "
                    "\"%s\" and vnf %s for \"%s\" (additionalParamsForVnf[]."
                    "additionalParams.sfc.encapsulation); one path has one "
                    "encapsulation: set "
                    "additionalParamsForNs.sfc.paths.%s.encapsulation",
                    nfpd, by, asked, member, mine, nfpd);
            }
            if (mine) {
                asked = mine;
                by = member;
            }
        }
    }
    *encap = asked ? asked : *encap;
    return 0;
}

/* The encapsulation and symmetry of nfpd 'nfpd' at position 'pos' (see
 * ns-chains.h): the path's entry, else its SF VNFs', else the NS's, else
 * vlan and not symmetric. */
static int
chain_options(const json_t *params, const char *nfpd, const json_t *pos,
              const char **encap, bool *symmetric, struct slc_error *err)
{
    const json_t *sfc = json_object_get(
        json_object_get(params, "additionalParamsForNs"), "sfc");
    const json_t *path = json_object_get(json_object_get(sfc, "paths"), nfpd);
    const json_t *levels[2] = {sfc, path};

    *encap = "vlan";
    *symmetric = false;
    for (int k = 0; k < 2; k++) {
        const json_t *e = json_object_get(levels[k], "encapsulation");
        const json_t *s = json_object_get(levels[k], "symmetric");
        char where[300];
        int rc;

        snprintf(where, sizeof where, "additionalParamsForNs.sfc%s%s",
                 k ? ".paths." : "", k ? nfpd : "");
        if (e && (!json_is_string(e) ||
                  slc_sfc_encap_parse(json_string_value(e)) < 0)) {
            return bad_encap(e, where, err);
        }
        if (s && !json_is_boolean(s)) {
            return slc_error_set(err, SLC_EINVALID,
                                 "ns instance: %s.symmetric must be true or "
                                 "false",
                                 where);
        }
        if (k == 1 && !e && (rc = vnf_encap(params, nfpd, pos, encap, err))) {
            return rc;
        }
        *encap = e ? json_string_value(e) : *encap;
        *symmetric = s ? json_is_true(s) : *symmetric;
    }
    return 0;
}

/* Calls 'fn' for every position-desc of every nfpd of the NS. */
typedef int (*position_fn)(void *arg, const json_t *fg, const json_t *nfpd,
                           const json_t *pos, struct slc_error *err);

static int
each_position(const json_t *nsr, position_fn fn, void *arg,
              struct slc_error *err)
{
    const json_t *fg, *fp, *pos;
    size_t i, j, k;
    int rc = 0;

    json_array_foreach(json_object_get(json_object_get(nsr, "nsd"), "vnffgd"),
                       i, fg)
    {
        json_array_foreach(json_object_get(fg, "nfpd"), j, fp)
        {
            json_array_foreach(json_object_get(fp, "position-desc-id"), k,
                               pos)
            {
                if ((rc = fn(arg, fg, fp, pos, err))) {
                    return rc;
                }
            }
        }
    }
    return 0;
}

/* The classifier source of a position: "member/cpd" of its first match. */
static void
source_of(const json_t *pos, char *out, size_t size)
{
    const json_t *m = json_array_get(json_object_get(pos, "match-attributes"),
                                     0);

    snprintf(out, size, "%s/%s",
             slc_ns_str(m, "constituent-base-element-id") ?: "",
             slc_ns_str(m, "constituent-cpd-id") ?: "");
}

/* A match as a comparable key: what a classifier rule selects. */
static json_t *
match_key(const char *source, const json_t *m)
{
    return json_pack("[s I s s I I]", source,
                     (json_int_t)slc_ns_number(json_object_get(m, "ip-proto")),
                     slc_ns_str(m, "source-ip-address") ?: "",
                     slc_ns_str(m, "destination-ip-address") ?: "",
                     (json_int_t)slc_ns_number(json_object_get(m,
                                                               "source-port")),
                     (json_int_t)slc_ns_number(
                         json_object_get(m, "destination-port")));
}

struct check {
    const json_t *params;
    json_t *seen; /* [[key, nfpd id]] */
};

static int
check_position(void *arg, const json_t *fg, const json_t *nfpd,
               const json_t *pos, struct slc_error *err)
{
    struct check *c = arg;
    const char *id = slc_ns_str(nfpd, "id") ?: "?";
    const char *encap;
    bool symmetric;
    char source[512];
    const json_t *m, *seen;
    size_t i, k;
    int rc = chain_options(c->params, id, pos, &encap, &symmetric, err);

    source_of(pos, source, sizeof source);
    json_array_foreach(json_object_get(pos, "match-attributes"), i, m)
    {
        json_t *key = match_key(source, m);

        json_array_foreach(c->seen, k, seen)
        {
            if (!rc && json_equal(json_array_get(seen, 0), key) &&
                strcmp(json_string_value(json_array_get(seen, 1)), id)) {
                rc = slc_error_set(
                    err, SLC_EINVALID,
                    "ns instance: nfpd '%s' and nfpd '%s' classify the same "
                    "traffic (match-attributes '%s') at connection point %s: "
                    "a packet can take only one of them",
                    json_string_value(json_array_get(seen, 1)), id,
                    slc_ns_str(m, "id") ?: "?", source);
            }
        }
        json_array_append_new(c->seen, json_pack("[os]", key, id));
    }
    return rc;
}

int
slc_ns_check_chains(const json_t *nsr, const json_t *params,
                    struct slc_error *err)
{
    struct check c = {.params = params, .seen = json_array()};
    int rc = each_position(nsr, check_position, &c, err);

    json_decref(c.seen);
    return rc;
}

/* ---- numbering ---- */

struct used {
    const char *vim, *sdn;
    json_t *ids;  /* [program id] */
    json_t *tags; /* [[base, count]] */
};

/* Program ids are unique per switch: among the chains of the VIM
 * account, and of every account whose fabric is the same SDN controller.
 * Tags are per VIM account (the fabric's rules match the account's own
 * trunk and VFs). */
static int
collect_used(const char *coll, const struct slc_record *rec, void *arg)
{
    struct used *u = arg;
    bool same_vim = !strcmp(slc_ns_str(rec->doc, "vim-account-id") ?: "",
                            u->vim);

    if (!same_vim &&
        (!u->sdn || strcmp(slc_ns_str(rec->doc, "sdn-id") ?: "", u->sdn))) {
        return 0;
    }
    json_array_append(u->ids, json_object_get(rec->doc, "program-id"));
    if (!same_vim) {
        return 0;
    }
    json_array_append_new(u->tags,
                          json_pack("[OO]", json_object_get(rec->doc,
                                                            "tag-base"),
                                    json_object_get(rec->doc, "tags")));
    return 0;
}

static bool
id_used(const json_t *ids, json_int_t id)
{
    const json_t *v;
    size_t i;

    json_array_foreach(ids, i, v)
    {
        if (json_integer_value(v) == id) {
            return true;
        }
    }
    return false;
}

/* The first tag from which 'n' tags are free, or 0. */
static unsigned
free_tags(const json_t *tags, unsigned n)
{
    unsigned base = TAG_FIRST;
    bool moved = true;

    while (moved && base + n - 1 <= TAG_LAST) {
        const json_t *t;
        size_t i;

        moved = false;
        json_array_foreach(tags, i, t)
        {
            unsigned b = (unsigned)json_integer_value(json_array_get(t, 0));
            unsigned c = (unsigned)json_integer_value(json_array_get(t, 1));

            if (base < b + c && b < base + n) {
                base = b + c;
                moved = true;
            }
        }
    }
    return base + n - 1 <= TAG_LAST ? base : 0;
}

/* Takes a program id and 'n_tags' tags on VIM account 'vim' for chain
 * 'nfpd' of NS 'nsr_id'. */
static int
allocate(struct slc_store *st, const char *vim, const char *nsr_id,
         const char *nfpd, unsigned n_tags, uint32_t *id, uint32_t *tag_base,
         struct slc_error *err)
{
    struct slc_record acc = {0};
    struct used u = {vim, NULL, json_array(), json_array()};
    char rec_id[128];
    json_int_t next = 1;
    int rc = slc_store_get_shared(st, "vim_accounts", vim, &acc, err);

    rc = rc == SLC_ENOTFOUND ? 0 : rc;
    u.sdn = slc_ns_str(json_object_get(acc.doc, "config"), "sdn-controller");
    rc = rc ? rc : slc_store_list(st, PATHS, NULL, collect_used, &u, err);

    while (!rc && id_used(u.ids, next)) {
        next++;
    }
    *tag_base = rc ? 0 : free_tags(u.tags, n_tags);
    if (!rc && (!*tag_base || next > SLC_SDN_PROGRAM_MAX)) {
        rc = slc_error_set(err, SLC_EINVALID,
                           "nfpd '%s': the switch of vim account %s has no "
                           "%u free tags (%u..%u) or path ids left",
                           nfpd, vim, n_tags, TAG_FIRST, TAG_LAST);
    }
    if (!rc) {
        struct slc_record rec = {
            .id = rec_id,
            .name = (char *)vim,
            .doc = json_pack("{ss sI sI si ss ss ss* sb}", "vim-account-id",
                             vim, "program-id", next, "tag-base",
                             (json_int_t)*tag_base, "tags", (int)n_tags,
                             "nsr-id", nsr_id, "nfpd-id", nfpd, "sdn-id",
                             u.sdn, "linked", 1),
        };

        json_t *links = json_pack("[[ss]]", "nsrs", nsr_id);

        snprintf(rec_id, sizeof rec_id, "%s:%" JSON_INTEGER_FORMAT, vim, next);
        /* found again by its NS (slc_ns_release_chains), not by a scan */
        rc = slc_store_put(st, PATHS, &rec, links, SLC_REV_NEW, NULL, err);
        json_decref(links);
        json_decref(rec.doc);
        *id = (uint32_t)next;
    }
    json_decref(u.ids);
    json_decref(u.tags);
    slc_record_clear(&acc);
    return rc;
}

struct release {
    const char *nsr_id;
    const json_t *resources;
    json_t *gone; /* [[id, rev]] */
};

static int
collect_gone(const char *coll, const struct slc_record *rec, void *arg)
{
    struct release *r = arg;
    const json_t *res;
    size_t i;

    if (strcmp(coll, PATHS) ||
        strcmp(slc_ns_str(rec->doc, "nsr-id") ?: "", r->nsr_id)) {
        return 0;
    }
    json_array_foreach(r->resources, i, res)
    {
        const json_t *spec = json_object_get(res, "spec");

        if (!strcmp(slc_ns_str(res, "kind") ?: "", "chain") &&
            json_equal(json_object_get(spec, "program_id"),
                       json_object_get(rec->doc, "program-id")) &&
            !strcmp(slc_ns_str(res, "vim") ?: "",
                    slc_ns_str(rec->doc, "vim-account-id") ?: "")) {
            return 0;
        }
    }
    json_array_append_new(r->gone, json_pack("[sI]", rec->id,
                                             (json_int_t)rec->rev));
    return 0;
}

int
slc_ns_release_chains(struct slc_store *st, const char *nsr_id,
                      const json_t *resources, struct slc_error *err)
{
    struct release r = {nsr_id, resources, json_array()};
    const json_t *g;
    size_t i;
    int rc = slc_store_referrers(st, "nsrs", nsr_id, collect_gone, &r, err);

    json_array_foreach(r.gone, i, g)
    {
        rc = rc ? rc
                : slc_store_del(st, PATHS,
                                json_string_value(json_array_get(g, 0)),
                                json_integer_value(json_array_get(g, 1)),
                                err);
    }
    json_decref(r.gone);
    return rc;
}

static bool
path_unlinked(const json_t *doc)
{
    return !json_is_true(json_object_get(doc, "linked"));
}

static json_t *
path_links(json_t *doc)
{
    json_object_set_new(doc, "linked", json_true());
    return json_pack("[[ss]]", "nsrs", slc_ns_str(doc, "nsr-id") ?: "");
}

int
slc_ns_link_chains(struct slc_store *st, struct slc_error *err)
{
    return slc_store_relink(st, PATHS, path_unlinked, path_links, err);
}

/* ---- plans ---- */

struct plan {
    struct slc_store *st;
    json_t *nsr;
    const json_t *vnfrs, *vnfds, *params;
    json_t *steps;
    json_t *deps;    /* of the chain being planned */
    json_t *changed; /* replan: indices of the chain steps added */
};

/* Whether an interface leaves its host on the fabric (a VF, a whole NIC):
 * its type, or NULL for a virtio one (on the VIM's switch). */
static const char *
device_kind(const json_t *iface)
{
    const char *type = slc_ns_str(iface, "type") ?: "VIRTIO";

    return !strcmp(type, "SR-IOV") || !strcmp(type, "PCI-PASSTHROUGH")
               ? type
               : NULL;
}

/* Appends to 'out' the switch port of connection point 'cpd' of every VDU
 * instance of VNF 'member': {"step": k} for a port this plan makes, the
 * name for one that exists; a VF's or a NIC's also says its "kind", and
 * for one that exists what the VIM reported ("known"), which the engine
 * turns into its fabric port (the account's sdn-port-mapping) once it is
 * known.  Returns how many. */
static size_t
cp_ports(struct plan *pl, const char *member, const char *cpd, json_t *out)
{
    const json_t *vnfr = slc_ns_find(pl->vnfrs, "member-vnf-index-ref",
                                     member);
    const json_t *vdur, *iface, *s;
    size_t n = 0, i, j, k;

    json_array_foreach(json_object_get(vnfr, "vdur"), i, vdur)
    {
        json_array_foreach(json_object_get(vdur, "interfaces"), j, iface)
        {
            const char *kind = device_kind(iface);
            json_t *ref = NULL;

            if (strcmp(slc_ns_str(iface, "external-connection-point-ref")
                           ?: "",
                       cpd)) {
                continue;
            }
            json_array_foreach(pl->steps, k, s)
            {
                const json_t *f = json_object_get(s, "for");
                json_int_t compute;

                if (!ref && !strcmp(slc_ns_str(s, "kind"), "port") &&
                    !strcmp(slc_ns_str(s, "action") ?: "", "create") &&
                    !strcmp(slc_ns_str(f, "what") ?: "", "interface") &&
                    !strcmp(slc_ns_str(f, "vdur") ?: "",
                            slc_ns_str(vdur, "_id") ?: "") &&
                    json_integer_value(json_object_get(f, "index")) ==
                        (json_int_t)j) {
                    ref = json_pack("{sI ss*}", "step", (json_int_t)k,
                                    "kind", kind);
                    json_array_append_new(pl->deps,
                                          json_integer((json_int_t)k));
                    /* a VIM may tell where a VF landed only once its VM
                     * is up */
                    compute = kind ? slc_ns_compute_of(pl->steps, k) : -1;
                    if (compute >= 0) {
                        json_array_append_new(pl->deps,
                                              json_integer(compute));
                    }
                }
            }
            if (!ref && kind && slc_ns_str(iface, "vim-interface-id")) {
                ref = json_pack(
                    "{ss s{sO* sO* sO* sO* sO* sO*}}", "kind", kind, "known",
                    "compute_node", json_object_get(iface, "compute_node"),
                    "host", json_object_get(iface, "compute_node"), "pci",
                    json_object_get(iface, "pci"), "vlan",
                    json_object_get(iface, "vlan"), "mac_address",
                    json_object_get(iface, "mac-address"), "fabric_port",
                    json_object_get(iface, "switch_port"));
            }
            if (!ref && slc_ns_str(iface, "vim-switch-port")) {
                ref = json_string(slc_ns_str(iface, "vim-switch-port"));
            }
            if (ref) {
                json_array_append_new(out, ref);
                n++;
            }
        }
    }
    return n;
}

/* The switches a chain's ports are on: "vim" (virtio), "fabric" (VFs,
 * NICs), as a new array. */
static json_t *
switches_of(const json_t *chain)
{
    bool on[2] = {false, false};
    const json_t *hop, *sfi, *src;
    size_t i, k;

#define SEE(ref) on[json_object_get(ref, "kind") != NULL] = true
    json_array_foreach(json_object_get(chain, "sources"), i, src)
    {
        SEE(src);
    }
    if (!json_is_null(json_object_get(chain, "destination"))) {
        SEE(json_object_get(chain, "destination"));
    }
    json_array_foreach(json_object_get(chain, "hops"), i, hop)
    {
        json_array_foreach(json_object_get(hop, "sfis"), k, sfi)
        {
            SEE(json_object_get(sfi, "ingress"));
            SEE(json_object_get(sfi, "egress"));
        }
    }
#undef SEE
    {
        json_t *out = json_array();

        for (int w = 0; w < 2; w++) {
            if (on[w]) {
                json_array_append_new(out, json_string(w ? "fabric" : "vim"));
            }
        }
        return out;
    }
}

/* The connection point whose fixed address is 'ip': "member"/"cpd". */
static bool
cp_with_ip(const struct plan *pl, const char *ip, const char **member,
           const char **cpd)
{
    const json_t *lists[2] = {json_object_get(pl->nsr, "vld"),
                              json_object_get(pl->params, "vld")};

    for (int l = 0; l < 2; l++) {
        const json_t *vl, *ref;
        size_t i, k;

        json_array_foreach(lists[l], i, vl)
        {
            json_array_foreach(json_object_get(vl,
                                               "vnfd-connection-point-ref"),
                               k, ref)
            {
                if (!strcmp(slc_ns_str(ref, "ip-address") ?: "", ip)) {
                    *member = slc_ns_str(ref, "member-vnf-index-ref");
                    *cpd = slc_ns_str(ref, "vnfd-connection-point-ref");
                    return *member && *cpd;
                }
            }
        }
    }
    return false;
}

/* The destination port of a chain whose matches all go to one host
 * address that a connection point of the NS has; else JSON null. */
static json_t *
destination(struct plan *pl, const json_t *matches)
{
    const char *dst = NULL, *member, *cpd;
    struct slc_ip_prefix pfx;
    const json_t *m;
    json_t *ports;
    size_t i;

    json_array_foreach(matches, i, m)
    {
        const char *d = slc_ns_str(m, "destination-ip-address");

        if (!d || (dst && strcmp(dst, d))) {
            return json_null();
        }
        dst = d;
    }
    if (!dst ||
        slc_ip_prefix_parse(dst, &pfx, &(struct slc_error){0}) ||
        pfx.len != (pfx.family == AF_INET ? 32u : 128u) ||
        !cp_with_ip(pl, dst, &member, &cpd)) {
        return json_null();
    }
    ports = json_array();
    cp_ports(pl, member, cpd, ports);
    {
        json_t *first = json_incref(json_array_get(ports, 0));

        json_decref(ports);
        return first ? first : json_null();
    }
}

#define PARSES_KEY "slicer.sfc.parses"

/* What SF VNF 'member' says it reads of a packet (its VNFD's
 * configurable-properties, additional-configurable-property
 * "slicer.sfc.parses": a comma-separated list of "none" (plain packets),
 * "vlan", "mpls", "nsh"), as bits 1 << enum slc_sfc_encap and 8 for
 * "none"; everything when it says nothing.  -1 for a bad value. */
static int
parses_of(const struct plan *pl, const char *member, const char **vnfd_id,
          struct slc_error *err)
{
    const json_t *vnfr = slc_ns_find(pl->vnfrs, "member-vnf-index-ref",
                                     member);
    const json_t *vnfd = json_object_get(pl->vnfds,
                                         slc_ns_str(vnfr, "vnfd-id") ?: "");
    const json_t *prop;
    size_t i;

    *vnfd_id = slc_ns_str(vnfd, "id") ?: slc_ns_str(vnfr, "vnfd-ref") ?: "?";
    json_array_foreach(
        json_object_get(json_object_get(vnfd, "configurable-properties"),
                        "additional-configurable-property"),
        i, prop)
    {
        const char *value = slc_ns_str(prop, "value") ?: "";
        char buf[128], *save = NULL, *tok;
        int bits = 0;

        if (strcmp(slc_ns_str(prop, "key") ?: "", PARSES_KEY)) {
            continue;
        }
        snprintf(buf, sizeof buf, "%s", value);
        for (tok = strtok_r(buf, ", ", &save); tok;
             tok = strtok_r(NULL, ", ", &save)) {
            int e = slc_sfc_encap_parse(tok);

            if (e < 0 && strcmp(tok, "none")) {
                slc_error_set(err, SLC_EINVALID,
                              "vnfd '%s': configurable-properties."
                              "additional-configurable-property '%s': "
                              "'%s' is not none, vlan, mpls or nsh",
                              *vnfd_id, PARSES_KEY, tok);
                return -1;
            }
            bits |= e < 0 ? 8 : 1 << e;
        }
        return bits;
    }
    return 15;
}

/* Whether hop element 'el' (VNF 'member', its ingress on the fabric or
 * not) needs the packet plain (1), tagged (0) or either (2) in a chain
 * of 'encap'; -1 with a 422 naming the SF and the encapsulation when it
 * reads neither what the chain puts on the wire nor plain packets. */
static int
element_needs(const struct plan *pl, const char *nfpd, const char *member,
              bool fabric, const char *encap, struct slc_error *err)
{
    const char *vnfd;
    int bits = parses_of(pl, member, &vnfd, err);
    int e = slc_sfc_encap_parse(encap);
    bool tagged = e >= 0 && (bits & 1 << e), plain = bits & 8;

    if (bits < 0) {
        return -1;
    }
    if (fabric && e == SLC_SFC_VLAN) {
        tagged = false; /* a VF's VLAN takes the tag's place */
    }
    if (!tagged && !plain) {
        slc_error_set(err, SLC_EINVALID,
                      "ns instance: nfpd '%s': vnf %s (vnfd '%s') cannot "
                      "read %s%s: its VNFD says it reads only what %s "
                      "lists; choose an encapsulation it reads "
                      "(additionalParamsForNs.sfc.paths.%s.encapsulation)",
                      nfpd, member, vnfd,
                      fabric && e == SLC_SFC_VLAN ? "plain packets" : encap,
                      fabric && e == SLC_SFC_VLAN
                          ? " (vlan steering takes the tag off before a VF)"
                          : "",
                      PARSES_KEY, nfpd);
        return -1;
    }
    return tagged && plain ? 2 : plain;
}

/* The hops of a position: its cp-profiles in the order of their elements,
 * each element's instances as the hop's SFIs. */
static int
hops_of(struct plan *pl, const char *nfpd, const char *encap,
        const json_t *pos, json_t *hops, struct slc_error *err)
{
    const json_t *prof, *el;
    json_t *order = json_array();
    size_t i, k;
    int rc = 0;

    json_array_foreach(json_object_get(pos, "cp-profile-id"), i, prof)
    {
        json_t *sfis = json_array();
        double first = 1e18;
        bool needs[3] = {false, false, false}; /* tagged, plain, either */

        json_array_foreach(json_object_get(prof, "constituent-profile-elements"),
                           k, el)
        {
            const char *member = slc_ns_str(el, "constituent-base-element-id");
            const char *in = slc_ns_str(el, "ingress-constituent-cpd-id");
            const char *out = slc_ns_str(el, "egress-constituent-cpd-id");
            json_t *ins = json_array(), *outs = json_array();
            size_t n_in = cp_ports(pl, member ?: "", in ?: "", ins);
            size_t n_out = cp_ports(pl, member ?: "", out ?: "", outs);
            double o = slc_ns_number(json_object_get(el, "order"));

            first = o < first ? o : first;
            if (!rc && (!n_in || n_in != n_out)) {
                rc = slc_error_set(err, SLC_EINVALID,
                                   "nfpd '%s': cp-profile '%s': element '%s' "
                                   "(vnf %s, ingress %s, egress %s) has no "
                                   "port on the switch",
                                   nfpd, slc_ns_str(prof, "id") ?: "?",
                                   slc_ns_str(el, "id") ?: "?", member ?: "?",
                                   in ?: "?", out ?: "?");
            }
            if (!rc && n_in) {
                int need = element_needs(
                    pl, nfpd, member ?: "",
                    json_object_get(json_array_get(ins, 0), "kind") != NULL,
                    encap, err);

                rc = need < 0 ? err->code : 0;
                needs[need < 0 ? 2 : need] = true;
                if (!rc && needs[0] && needs[1]) {
                    rc = slc_error_set(
                        err, SLC_EINVALID,
                        "ns instance: nfpd '%s': cp-profile '%s' mixes SFs "
                        "that read only %s and SFs that read only plain "
                        "packets (their VNFDs' %s)",
                        nfpd, slc_ns_str(prof, "id") ?: "?", encap,
                        PARSES_KEY);
                }
            }
            for (size_t s = 0; s < n_in && s < n_out; s++) {
                json_array_append_new(
                    sfis, json_pack("{sO sO ss ss ss}", "ingress",
                                    json_array_get(ins, s), "egress",
                                    json_array_get(outs, s), "vnf", member,
                                    "ingress-cp", in, "egress-cp", out));
            }
            json_decref(ins);
            json_decref(outs);
        }
        /* insertion by order: stable for equal orders */
        for (k = 0; k < json_array_size(order) &&
                    json_real_value(json_array_get(order, k)) <= first;
             k++) {
        }
        json_array_insert_new(order, k, json_real(first));
        json_array_insert_new(hops, k,
                              json_pack("{sO so}", "id",
                                        json_object_get(prof, "id"), "sfis",
                                        sfis));
        if (needs[1]) {
            json_object_set_new(json_array_get(hops, k), "plain",
                                json_true());
        }
    }
    json_decref(order);
    return rc;
}

static int
plan_position(void *arg, const json_t *fg, const json_t *nfpd,
              const json_t *pos, struct slc_error *err)
{
    struct plan *pl = arg;
    const char *id = slc_ns_str(nfpd, "id") ?: "?";
    const char *vim = slc_ns_str(pl->nsr, "datacenter");
    const json_t *ms = json_object_get(pos, "match-attributes");
    const json_t *m0 = json_array_get(ms, 0), *m;
    json_t *matches = json_array(), *hops = json_array(), *src = json_array();
    json_t *chain = NULL, *spec, *step;
    const char *encap;
    bool symmetric;
    uint32_t program_id = 0, tag_base = 0;
    char tag[512], name[512];
    size_t i;
    int rc = chain_options(pl->params, id, pos, &encap, &symmetric, err);

    pl->deps = json_array();
    json_array_foreach(ms, i, m)
    {
        json_array_append_new(
            matches,
            json_pack("{sO* sI ss* ss* sI sI}", "id", json_object_get(m, "id"),
                      "ip_proto",
                      (json_int_t)slc_ns_number(json_object_get(m, "ip-proto")),
                      "src", slc_ns_str(m, "source-ip-address"), "dst",
                      slc_ns_str(m, "destination-ip-address"), "src_port",
                      (json_int_t)slc_ns_number(json_object_get(m,
                                                                "source-port")),
                      "dst_port",
                      (json_int_t)slc_ns_number(
                          json_object_get(m, "destination-port"))));
    }
    if (!rc && !cp_ports(pl, slc_ns_str(m0, "constituent-base-element-id") ?: "",
                         slc_ns_str(m0, "constituent-cpd-id") ?: "", src)) {
        rc = slc_error_set(err, SLC_EINVALID,
                           "nfpd '%s': the classifier's connection point %s "
                           "of vnf %s has no port on the switch",
                           id, slc_ns_str(m0, "constituent-cpd-id") ?: "?",
                           slc_ns_str(m0, "constituent-base-element-id")
                               ?: "?");
    }
    rc = rc ? rc : hops_of(pl, id, encap, pos, hops, err);
    rc = rc ? rc
            : allocate(pl->st, vim, slc_ns_str(pl->nsr, "_id"), id,
                       slc_sfc_tags_needed(json_array_size(hops), symmetric),
                       &program_id, &tag_base, err);
    if (!rc) {
        chain = json_pack("{ss ss sb sI sI sO so so so}", "id", id,
                          "encapsulation", encap, "symmetric", symmetric,
                          "path_id", (json_int_t)program_id * 2, "tag_base",
                          (json_int_t)tag_base, "sources", src,
                          "destination", destination(pl, ms), "matches",
                          json_incref(matches), "hops", json_incref(hops));
        spec = json_pack("{sI so so}", "program_id", (json_int_t)program_id,
                         "switches", switches_of(chain), "chain", chain);
        snprintf(tag, sizeof tag, "nsr:%s:chain:%s",
                 slc_ns_str(pl->nsr, "_id"), id);
        snprintf(name, sizeof name, "%s-%s", slc_ns_str(pl->nsr, "name"), id);
        step = json_pack("{ss ss ss ss ss ss so sO s{ss ss}}", "action",
                         "create", "kind", "chain", "vim", vim, "tag", tag,
                         "name", name, "state", "PENDING", "spec", spec,
                         "deps", pl->deps, "for", "what", "chain", "nfpd", id);
        json_array_append_new(pl->steps, step);
        json_array_append_new(
            json_object_get(pl->nsr, "vnffgr"),
            json_pack("{ss sO ss sI sb sI sI so so ss ss ss}", "id", id,
                      "vnffgd-id-ref", json_object_get(fg, "id"),
                      "encapsulation", encap, "program-id",
                      (json_int_t)program_id, "symmetric", symmetric,
                      "path-id", (json_int_t)program_id * 2, "tag-base",
                      (json_int_t)tag_base, "matches", json_incref(matches),
                      "hops", json_incref(hops), "status", "BUILD",
                      "source-vnf",
                      slc_ns_str(m0, "constituent-base-element-id"),
                      "source-cp", slc_ns_str(m0, "constituent-cpd-id")));
        SLC_DEBUG("ns %s: chain %s: program %u, tags from %u",
                  slc_ns_str(pl->nsr, "name"), id, program_id, tag_base);
    }
    json_decref(pl->deps);
    json_decref(matches);
    json_decref(hops);
    json_decref(src);
    return rc;
}

int
slc_ns_plan_chains(struct slc_store *st, json_t *nsr, const json_t *vnfrs,
                   const json_t *vnfds, const json_t *params, json_t *steps,
                   struct slc_error *err)
{
    struct plan pl = {st, nsr, vnfrs, vnfds, params, steps, NULL, NULL};

    json_object_set_new(nsr, "vnffgr", json_array());
    return each_position(nsr, plan_position, &pl, err);
}

/* The switches of a chain that was on 'before' (NULL: br-int alone) and
 * is 'chain' now: both, so that an install clears a switch it leaves. */
static json_t *
switches_since(const json_t *before, const json_t *chain)
{
    json_t *all = before ? json_deep_copy(before) : json_pack("[s]", "vim");
    json_t *now = switches_of(chain), *v;
    size_t k;

    json_array_foreach(now, k, v)
    {
        const json_t *w;
        size_t j;
        bool known = false;

        json_array_foreach(all, j, w)
        {
            known |= json_equal(w, v);
        }
        if (!known) {
            json_array_append(all, v);
        }
    }
    json_decref(now);
    return all;
}

/* What a chain's port reference designates, as a comparable text: the
 * port's name on the VIM's switch, a VF's or NIC's host and PCI address
 * (resolved, or as the VIM reported it), or a port not made yet. */
static void
port_key(const json_t *ref, char *out, size_t size)
{
    const json_t *known = json_object_get(ref, "known");

    if (json_is_string(ref)) {
        snprintf(out, size, "vim:%s", json_string_value(ref));
    } else if (known || json_object_get(ref, "fabric")) {
        const json_t *f = known ? known : ref;

        snprintf(out, size, "dev:%s:%s",
                 slc_ns_str(f, "compute_node") ?: "",
                 slc_ns_str(f, "pci") ?: "");
    } else {
        snprintf(out, size, "new:%" JSON_INTEGER_FORMAT,
                 json_integer_value(json_object_get(ref, "step")));
    }
}

/* Whether two lists of hops (or of sources) designate the same ports. */
static bool
same_ports(const json_t *a, const json_t *b)
{
    static const char *const ends[] = {"ingress", "egress"};
    const json_t *x;
    size_t i;

    if (json_array_size(a) != json_array_size(b)) {
        return false;
    }
    json_array_foreach(a, i, x)
    {
        const json_t *y = json_array_get(b, i);
        char kx[600], ky[600];

        if (json_is_object(x) && json_object_get(x, "sfis")) {
            const json_t *sx = json_object_get(x, "sfis"), *fx;
            const json_t *sy = json_object_get(y, "sfis");
            size_t k;

            if (!json_equal(json_object_get(x, "id"),
                            json_object_get(y, "id")) ||
                json_array_size(sx) != json_array_size(sy)) {
                return false;
            }
            json_array_foreach(sx, k, fx)
            {
                for (int d = 0; d < 2; d++) {
                    port_key(json_object_get(fx, ends[d]), kx, sizeof kx);
                    port_key(json_object_get(json_array_get(sy, k), ends[d]),
                             ky, sizeof ky);
                    if (strcmp(kx, ky) || !strncmp(kx, "new:", 4)) {
                        return false;
                    }
                }
            }
            continue;
        }
        port_key(x, kx, sizeof kx);
        port_key(y, ky, sizeof ky);
        if (strcmp(kx, ky) || !strncmp(kx, "new:", 4)) {
            return false;
        }
    }
    return true;
}

/* A chain of the NS changes with a scale of one of its VNFs: the same
 * program is installed again with the hops it has now. */
static int
replan_position(void *arg, const json_t *fg, const json_t *nfpd,
                const json_t *pos, struct slc_error *err)
{
    struct plan *pl = arg;
    const char *id = slc_ns_str(nfpd, "id") ?: "?";
    const json_t *g = slc_ns_find(json_object_get(pl->nsr, "vnffgr"), "id",
                                  id);
    const char *vim;
    uint32_t program_id;
    const json_t *prog = slc_ns_chain_program(pl->nsr, g, &vim, &program_id);
    const json_t *r = NULL, *res;
    json_t *hops = json_array(), *sources, *chain, *step;
    size_t i;
    int rc;

    json_array_foreach(
        json_object_get(json_object_get(json_object_get(pl->nsr, "_admin"),
                                        "deployed"),
                        "resources"),
        i, res)
    {
        if (!strcmp(slc_ns_str(res, "kind") ?: "", "chain") &&
            !strcmp(slc_ns_str(json_object_get(res, "for"), "nfpd") ?: "",
                    id)) {
            r = res;
        }
    }
    if (!prog || !r) {
        json_decref(hops);
        return 0; /* not installed: nothing to change */
    }
    sources = json_array();
    pl->deps = json_array();
    rc = hops_of(pl, id,
                 slc_ns_str(json_object_get(json_object_get(r, "spec"),
                                            "chain"),
                            "encapsulation") ?: "vlan",
                 pos, hops, err);
    {
        const json_t *m0 = json_array_get(
            json_object_get(pos, "match-attributes"), 0);

        cp_ports(pl, slc_ns_str(m0, "constituent-base-element-id") ?: "",
                 slc_ns_str(m0, "constituent-cpd-id") ?: "", sources);
    }
    chain = json_deep_copy(json_object_get(json_object_get(r, "spec"),
                                           "chain"));
    if (!json_object_get(chain, "sources")) {
        /* stored before chains had several sources */
        json_object_set_new(chain, "sources",
                            json_pack("[O]", json_object_get(chain,
                                                             "source")));
    }
    if (!rc && json_array_size(sources) &&
        (!same_ports(json_object_get(chain, "hops"), hops) ||
         !same_ports(json_object_get(chain, "sources"), sources))) {
        json_t *previous = json_deep_copy(chain), *switches;

        json_object_set(chain, "hops", hops);
        json_object_set(chain, "sources", sources);
        json_object_del(chain, "source");
        switches = switches_since(
            json_object_get(json_object_get(r, "spec"), "switches"), chain);
        step = json_pack("{ss ss ss sO sO ss s{sI so so so} sO sO}", "action",
                         "create", "kind", "chain", "vim", vim, "tag",
                         json_object_get(r, "tag"),
                         "name", json_object_get(r, "name"), "state",
                         "PENDING", "spec", "program_id",
                         (json_int_t)program_id, "switches", switches,
                         "chain", json_incref(chain), "previous", previous,
                         "deps", pl->deps, "for",
                         json_object_get(r, "for"));
        json_array_append_new(pl->steps, step);
        json_array_append_new(pl->changed,
                              json_integer((json_int_t)json_array_size(
                                               pl->steps) -
                                           1));
    }
    json_decref(sources);
    json_decref(chain);
    json_decref(pl->deps);
    json_decref(hops);
    return rc;
}

int
slc_ns_replan_chains(struct slc_store *st, json_t *nsr, const json_t *vnfrs,
                     const json_t *vnfds, json_t *steps, json_t *changed,
                     struct slc_error *err)
{
    struct plan pl = {st, nsr, vnfrs, vnfds, NULL, steps, NULL, changed};

    return each_position(nsr, replan_position, &pl, err);
}

/* ---- records ---- */

static json_t *
vnffgr_of(json_t *nsr, const json_t *step)
{
    return slc_ns_find(json_object_get(nsr, "vnffgr"), "id",
                       slc_ns_str(json_object_get(step, "for"), "nfpd") ?: "");
}

void
slc_ns_chain_created(json_t *nsr, const json_t *step)
{
    json_t *r = vnffgr_of(nsr, step);
    const json_t *chain = json_object_get(json_object_get(step, "spec"),
                                          "chain");

    json_object_set_new(r, "status", json_string("ACTIVE"));
    /* the switch ports, now that they are known */
    json_object_set(r, "hops", json_object_get(chain, "hops"));
    json_object_set(r, "sources", json_object_get(chain, "sources"));
    json_object_set(r, "destination", json_object_get(chain, "destination"));
}

void
slc_ns_chain_deleted(json_t *nsr, const json_t *step)
{
    json_object_set_new(vnffgr_of(nsr, step), "status",
                        json_string("TERMINATED"));
}

const json_t *
slc_ns_chain_program(const json_t *nsr, const json_t *vnffgr,
                     const char **vim, uint32_t *program_id)
{
    const json_t *fabric;

    return slc_ns_chain_programs(nsr, vnffgr, vim, program_id, &fabric)
               ?: fabric;
}

const json_t *
slc_ns_chain_programs(const json_t *nsr, const json_t *vnffgr,
                      const char **vim, uint32_t *program_id,
                      const json_t **fabric)
{
    const json_t *r;
    size_t i;

    *fabric = NULL;
    json_array_foreach(
        json_object_get(json_object_get(json_object_get(nsr, "_admin"),
                                        "deployed"),
                        "resources"),
        i, r)
    {
        const json_t *spec = json_object_get(r, "spec");

        if (!strcmp(slc_ns_str(r, "kind") ?: "", "chain") &&
            !strcmp(slc_ns_str(json_object_get(r, "for"), "nfpd") ?: "",
                    slc_ns_str(vnffgr, "id") ?: "") &&
            (json_object_get(spec, "program") ||
             json_object_get(spec, "fabric_program"))) {
            *vim = slc_ns_str(r, "vim");
            *program_id = (uint32_t)json_integer_value(
                json_object_get(spec, "program_id"));
            *fabric = json_object_get(spec, "fabric_program");
            return json_object_get(spec, "program");
        }
    }
    return NULL;
}

/* Adds rule counters 'c' into sums[to][path] of 'report'. */
static void
add_counts(json_t *sums, const char *to, const char *path, const json_t *c)
{
    json_t *hop = json_object_get(sums, to), *p;

    if (!hop) {
        hop = json_object();
        json_object_set_new(sums, to, hop);
    }
    p = json_object_get(hop, path);
    if (!p) {
        p = json_pack("{sI sI}", "packets", (json_int_t)0, "bytes",
                      (json_int_t)0);
        json_object_set_new(hop, path, p);
    }
    for (int k = 0; k < 2; k++) {
        const char *key = k ? "bytes" : "packets";

        json_object_set_new(
            p, key,
            json_integer(json_integer_value(json_object_get(p, key)) +
                         json_integer_value(json_object_get(c, key))));
    }
}

json_t *
slc_ns_chain_report(const json_t *vnffgr, const json_t *program,
                    const json_t *counters, const char *error)
{
    json_t *out = json_deep_copy(vnffgr), *sums = json_object(), *hop;
    const json_t *rule;
    size_t i, missing = 0;

    if (!out || !sums) {
        json_decref(out);
        json_decref(sums);
        return NULL;
    }
    if (error) {
        json_object_set_new(out, "counters-error", json_string(error));
    }
    json_array_foreach(json_object_get(program, "rules"), i, rule)
    {
        const json_t *c = json_array_get(json_object_get(counters, "rules"),
                                         i);

        if (!counters) {
            break;
        }
        if (!json_is_object(c)) {
            missing++; /* not on the switch */
            continue;
        }
        if (slc_ns_str(rule, "leg")) {
            continue; /* counted where it arrives */
        }
        add_counts(sums, slc_ns_str(rule, "to") ?: "?",
                   slc_ns_str(rule, "path") ?: "forward", c);
    }
    if (counters) {
        json_array_foreach(json_object_get(out, "hops"), i, hop)
        {
            json_object_update(hop, json_object_get(sums,
                                                    slc_ns_str(hop, "id")
                                                        ?: ""));
        }
        json_object_set(out, "delivered",
                        json_object_get(sums, "destination")
                            ?: json_object());
        json_object_set_new(out, "rules-missing",
                            json_integer((json_int_t)missing));
    }
    json_decref(sums);
    return out;
}

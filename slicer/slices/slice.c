/* Slice records (see slice.h): creating a slice instance from its NST,
 * with its NSs (new, or shared with another slice) and its slice
 * networks, and deleting it; the slice manager's life and the engine's
 * hooks into it (an operation's end, a takeover, recovery).  The
 * operations are in slice-op.c. */
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "ns-lcm.h"
#include "slc-driver.h"
#include "slc-id.h"
#include "slc-log.h"
#include "slice-internal.h"

SLC_LOG_MODULE(slice);

static const char *
str(const json_t *o, const char *key)
{
    return slc_ns_str(o, key);
}

json_t *
slc_slice_admin(const json_t *doc)
{
    return json_object_get(doc, "_admin");
}

/* OSM NSTs write booleans as strings too ('true'). */
static bool
truthy(const json_t *v)
{
    return json_is_true(v) ||
           (json_is_string(v) && !strcmp(json_string_value(v), "true"));
}

bool
slc_nsi_live(const json_t *nsi)
{
    const char *cur = str(nsi, "currentOperation") ?: "IDLE";

    if (!strcmp(cur, "INSTANTIATING")) {
        return true;
    }
    return strcmp(cur, "TERMINATING") &&
           !strcmp(str(slc_slice_admin(nsi), "nsiState") ?: "",
                   "INSTANTIATED");
}

int
slc_slice_other_live(struct slc_store *st, const json_t *users,
                     const char *self, bool *out, struct slc_error *err)
{
    const json_t *u;
    size_t i;

    *out = false;
    json_array_foreach(users, i, u)
    {
        struct slc_record rec;
        int rc;

        if (!strcmp(json_string_value(u) ?: "", self)) {
            continue;
        }
        rc = slc_store_get(st, "nsis", json_string_value(u), &rec, err);
        if (rc == SLC_ENOTFOUND) {
            continue;
        }
        if (rc) {
            return rc;
        }
        *out |= slc_nsi_live(rec.doc);
        slc_record_clear(&rec);
        if (*out) {
            break;
        }
    }
    return 0;
}

void
slc_slice_drop_user(json_t *users, const char *nsi_id)
{
    for (size_t i = json_array_size(users); i-- > 0;) {
        if (!strcmp(json_string_value(json_array_get(users, i)) ?: "",
                    nsi_id)) {
            json_array_remove(users, i);
        }
    }
}

/* Reads 'id' of 'coll', applies 'change' to it and writes it back. */
static int
update(struct slc_store *st, const char *coll, const char *id,
       void (*change)(json_t *doc, const void *arg), const void *arg,
       struct slc_error *err)
{
    struct slc_record rec;
    int rc = slc_store_get(st, coll, id, &rec, err);

    if (!rc) {
        change(rec.doc, arg);
        rc = slc_store_put(st, coll, &rec, NULL, rec.rev, NULL, err);
        slc_record_clear(&rec);
    }
    return rc;
}

static void
add_ns_user(json_t *nsr, const void *nsi_id)
{
    json_t *admin = slc_slice_admin(nsr);
    json_t *users = json_object_get(admin, "netslice-users");

    if (!users) {
        users = json_array();
        json_object_set_new(admin, "netslice-users", users);
    }
    if (!slc_ns_has(users, nsi_id)) {
        json_array_append_new(users, json_string(nsi_id));
    }
}

static void
add_net_user(json_t *net, const void *nsi_id)
{
    json_t *users = json_object_get(net, "users");

    if (!slc_ns_has(users, nsi_id)) {
        json_array_append_new(users, json_string(nsi_id));
    }
}

static void
set_usage(json_t *nst, const void *state)
{
    json_object_set_new(slc_slice_admin(nst), "usageState",
                        json_string(state));
}

/* ---- creation ---- */

struct build {
    struct slc_store *st;
    const json_t *req;
    const struct slc_scope *sc; /* what the request may name */
    const char *project;        /* sc's: the slice's owner */
    const char *nsi_id;
    json_t *nsi;
    json_t *subnet_nsr;  /* subnet id -> NSR document */
    json_t *reused_from; /* subnet id -> NSI id the shared NS came from */
    double now;
    struct slc_error *err;
};

struct shared_find {
    const struct slc_scope *sc;
    const char *self, *nsd_ref, *subnet, *vim;
    json_t *found; /* the NSI document */
};

/* The key under which slices sharing subnet 'nss' of NSD 'nsd' on VIM
 * account 'vim' link to it ("nsi-shared"), as a new string. */
static char *
shared_key(const char *vim, const char *nsd, const char *nss)
{
    char *k = NULL;

    return asprintf(&k, "%s|%s|%s", vim, nsd, nss) < 0 ? NULL : k;
}

json_t *
slc_slice_links(const json_t *nsi)
{
    const json_t *admin = json_object_get(nsi, "_admin"), *e;
    json_t *links = json_pack("[[ss][ss]]", "nsts", str(nsi, "nst-ref") ?: "",
                              "nst-id", str(admin, "nst-id") ?: "");
    size_t i;

    json_array_foreach(json_object_get(admin, "nsrs-detailed-list"), i, e)
    {
        char *k = json_is_true(json_object_get(e, "shared"))
                      ? shared_key(str(nsi, "datacenter") ?: "",
                                   str(e, "nsd-id") ?: "",
                                   str(e, "nss-id") ?: "")
                      : NULL;

        if (k) {
            json_array_append_new(links, json_pack("[ss]", "nsi-shared", k));
        }
        free(k);
    }
    return links;
}

static int
find_shared(const char *coll, const struct slc_record *rec, void *arg)
{
    struct shared_find *f = arg;
    const json_t *e;
    size_t i;

    if (f->found || strcmp(coll, "nsis") || !strcmp(rec->id, f->self) ||
        strcmp(str(rec->doc, "datacenter") ?: "", f->vim) ||
        (f->sc && f->sc->project && !slc_scope_home(f->sc, rec->doc))) {
        return 0; /* shared within one VIM account and project only */
    }
    json_array_foreach(
        json_object_get(slc_slice_admin(rec->doc), "nsrs-detailed-list"), i,
        e)
    {
        if (json_is_true(json_object_get(e, "shared")) &&
            !strcmp(str(e, "nsd-id") ?: "", f->nsd_ref) &&
            !strcmp(str(e, "nss-id") ?: "", f->subnet)) {
            f->found = json_incref(rec->doc);
            return 0;
        }
    }
    return 0;
}

/* The NS create request of subnet 'sub' (osm-nbi.md §5.1): the NST's
 * instantiation-parameters, under the slice's name, NSD and VIM account
 * (the NST may name its own), overlaid by the request's item of the same
 * subnet id. */
static json_t *
subnet_request(const struct build *b, const json_t *sub)
{
    const json_t *ip = json_object_get(sub, "instantiation-parameters");
    const json_t *over = slc_ns_find(json_object_get(b->req, "netslice-subnet"),
                                     "id", str(sub, "id"));
    json_t *r = json_is_object(ip) ? json_deep_copy(ip) : json_object();
    const char *k;
    json_t *v;

    json_object_set_new(r, "nsName", json_sprintf("%s.%s",
                                                  str(b->req, "nsiName"),
                                                  str(sub, "id")));
    json_object_set_new(r, "nsdId", json_string(str(sub, "nsd-ref")));
    if (!str(r, "vimAccountId")) {
        json_object_set_new(r, "vimAccountId",
                            json_string(str(b->req, "vimAccountId")));
    }
    json_object_set_new(r, "nsDescription",
                        str(sub, "description")
                            ? json_string(str(sub, "description"))
                            : json_null());
    if (json_object_get(b->req, "ssh_keys")) {
        json_object_set(r, "ssh_keys", json_object_get(b->req, "ssh_keys"));
    }
    json_object_foreach((json_t *)over, k, v)
    {
        if (strcmp(k, "id")) {
            json_object_set(r, k, v);
        }
    }
    json_object_set_new(r, "netsliceInstanceId", json_string(b->nsi_id));
    return r;
}

/* A subnet that an external NSSMF provides: no NS here, an entry of
 * _admin.remote-subnets that the slice's operations allocate and
 * deallocate there (remote-subnet.c). */
static int
add_remote_subnet(struct build *b, const json_t *sub)
{
    const char *id = str(sub, "id");
    const char *key = str(slc_ns_find(json_object_get(b->req,
                                                      "netslice-subnet"),
                                      "id", id),
                          "nssmfAccountId");
    json_t *admin = slc_slice_admin(b->nsi);
    struct slc_record acc = {0};
    int rc = slc_ns_get_record(b->st, "nssmf_accounts", "nssmf account", key,
                               b->sc, &acc, b->err);

    if (rc) {
        return slc_error_prefix(b->err, "netslice-subnet '%s'", id);
    }
    if (!json_is_array(json_object_get(admin, "remote-subnets"))) {
        json_object_set_new(admin, "remote-subnets", json_array());
    }
    json_array_append_new(
        json_object_get(admin, "remote-subnets"),
        json_pack("{ss ss sb ss ss* ss ss sn sn}", "nss-id", id, "nsd-id",
                  str(sub, "nsd-ref"), "shared",
                  truthy(json_object_get(sub, "is-shared-nss")), "account",
                  acc.id, "account-name", acc.name, "dialect",
                  str(acc.doc, "dialect"), "state", "NOT_ALLOCATED",
                  "handle", "op"));
    SLC_INFO("nsi '%s': subnet '%s' is provided by nssmf account '%s' (%s)",
             str(b->req, "nsiName"), id, acc.name ? acc.name : acc.id,
             str(acc.doc, "dialect"));
    slc_record_clear(&acc);
    return 0;
}

/* Instantiation parameters that ask for a provider network (a vld item's
 * provider-network). */
static bool
has_provider(const json_t *params)
{
    const json_t *v;
    size_t i;

    json_array_foreach(json_object_get(params, "vld"), i, v)
    {
        if (json_object_get(v, "provider-network")) {
            return true;
        }
    }
    return false;
}

static int
add_subnet(struct build *b, const json_t *sub)
{
    const char *id = str(sub, "id"), *nsd_ref = str(sub, "nsd-ref");
    bool shared = truthy(json_object_get(sub, "is-shared-nss"));
    json_t *admin = slc_slice_admin(b->nsi);
    struct shared_find f = {.sc = b->sc, .self = b->nsi_id,
                            .nsd_ref = nsd_ref ?: "",
                            .subnet = id ?: "",
                            .vim = str(b->nsi, "datacenter") ?: ""};
    struct slc_record nsr = {0};
    char nsr_id[40] = "";
    json_t *params = NULL;
    int rc = 0;

    if (!id || !nsd_ref) {
        return slc_error_set(b->err, SLC_EINVALID,
                             "nst: a netslice-subnet lacks its id or "
                             "nsd-ref");
    }
    if (str(slc_ns_find(json_object_get(b->req, "netslice-subnet"), "id",
                        id),
            "nssmfAccountId")) {
        return add_remote_subnet(b, sub);
    }
    if (shared && !json_object_get(
                      slc_ns_find(json_object_get(b->req, "netslice-subnet"),
                                  "id", id),
                      "vld")) {
        /* (a subnet with virtual links of its own, such as those on a
         * link to another domain, is this slice's alone) */
        char *key = shared_key(f.vim, f.nsd_ref, f.subnet);

        /* the slices that share such a subnet link to it */
        rc = key ? slc_store_referrers(b->st, "nsi-shared", key, find_shared,
                                       &f, b->err)
                 : slc_error_set(b->err, SLC_ENOMEM, "out of memory");
        free(key);
    }
    if (!rc && f.found) {
        const json_t *e = slc_ns_find(
            json_object_get(slc_slice_admin(f.found), "nsrs-detailed-list"),
            "nss-id", id);

        snprintf(nsr_id, sizeof nsr_id, "%s", str(e, "nsrId") ?: "");
        params = json_deep_copy(slc_ns_find(
            json_object_get(slc_slice_admin(f.found), "netslice-subnet"),
            "nss-id", id));
        json_object_set_new(b->reused_from, id,
                            json_string(str(f.found, "_id")));
        SLC_INFO("nsi '%s': subnet '%s' shares ns %s of nsi '%s'",
                 str(b->req, "nsiName"), id, nsr_id, str(f.found, "name"));
    } else if (!rc) {
        params = subnet_request(b, sub);
        if (b->sc && !b->sc->all &&
            has_provider(json_object_get(sub, "instantiation-parameters"))) {
            /* (the request's own are checked at the API) */
            json_decref(params);
            return slc_error_set(b->err, SLC_EDENIED,
                                 "netslice-subnet '%s': the nst's "
                                 "instantiation-parameters ask for a "
                                 "provider network: only a system admin "
                                 "may put NSs on the host's physical "
                                 "networks",
                                 id);
        }
        /* made with this slice as its user, and kept as made */
        rc = slc_ns_create(b->st, params, b->sc, b->now, b->nsi_id, nsr_id,
                           &nsr, b->err);
        if (rc) {
            slc_error_prefix(b->err, "netslice-subnet '%s'", id);
        }
        json_object_set_new(params, "nss-id", json_string(id));
    }
    if (!rc && f.found) {
        rc = update(b->st, "nsrs", nsr_id, add_ns_user, b->nsi_id, b->err);
        rc = rc ? rc : slc_store_get(b->st, "nsrs", nsr_id, &nsr, b->err);
    }
    json_decref(f.found);
    if (!rc) {
        json_object_set(b->subnet_nsr, id, nsr.doc);
        json_array_append_new(json_object_get(admin, "netslice-subnet"),
                              json_incref(params));
        json_array_append_new(
            json_object_get(admin, "nsrs-detailed-list"),
            json_pack("{ss sb ss ss sn sn sn sb s{}}", "nsrId", nsr_id,
                      "shared", shared, "nsd-id", nsd_ref, "nss-id", id,
                      "nslcmop_instantiate", "status", "detailed-status",
                      "instantiated", 0, "vld-map"));
        json_array_append_new(json_object_get(b->nsi, "nsr-ref-list"),
                              json_pack("{ss}", "nsr-ref", nsr_id));
    }
    json_decref(params);
    slc_record_clear(&nsr);
    return rc;
}

const char *
slc_slice_sapd_vl(const json_t *nsd, const char *cp)
{
    return str(slc_ns_find(json_object_get(nsd, "sapd"), "id", cp),
               "virtual-link-desc");
}

/* The network of netslice-vld 'vld' that slice 'from' has, or NULL. */
static int
network_of(struct slc_store *st, const char *from, const char *vld,
           char net_id[40], struct slc_error *err)
{
    struct slc_record rec;
    int rc = slc_store_get(st, "nsis", from, &rec, err);

    if (!rc) {
        const json_t *v = slc_ns_find(
            json_object_get(slc_slice_admin(rec.doc), "netslice-vld"), "name",
            vld);

        snprintf(net_id, 40, "%s", str(v, "network") ?: "");
        slc_record_clear(&rec);
    }
    return rc == SLC_ENOTFOUND ? 0 : rc;
}

/* The transport of a netslice-vld reaching remote subnet reference 'ref'
 * (transport-ep.c), or NULL when its NSSMF account names no physical
 * network. */
static int
remote_transport(struct build *b, const json_t *ref, json_t **out)
{
    const char *sub = str(ref, "nss-ref");
    const json_t *e = slc_ns_find(json_object_get(slc_slice_admin(b->nsi),
                                                  "remote-subnets"),
                                  "nss-id", sub);
    struct slc_record acc = {0};
    int rc = slc_store_get(b->st, "nssmf_accounts", str(e, "account") ?: "",
                           &acc, b->err);

    *out = NULL;
    if (!rc && str(acc.doc, "physical_network")) {
        rc = slc_ep_transport(b->st, acc.doc, sub,
                              str(ref, "nsd-connection-point-ref") ?: "", out,
                              b->err);
    }
    slc_record_clear(&acc);
    return rc;
}

static int
add_network(struct build *b, const json_t *vld)
{
    const char *name = str(vld, "name") ?: str(vld, "id");
    const json_t *refs = json_object_get(vld, "nss-connection-point-ref");
    const json_t *asked = slc_ns_find(json_object_get(b->req, "netslice-vld"),
                                      "name", name ?: "");
    json_t *admin = slc_slice_admin(b->nsi), *item;
    const char *vim = NULL, *reuse_from = NULL;
    const json_t *vl_ip = NULL; /* the first mapped VL's ip-profile */
    const json_t *remote = NULL; /* a remote subnet's reference */
    json_t *transport = NULL;
    char net_id[40] = "";
    const json_t *ref;
    size_t i;
    int rc = 0;

    if (!name) {
        return slc_error_set(b->err, SLC_EINVALID,
                             "nst: a netslice-vld lacks its name");
    }
    json_array_foreach(refs, i, ref)
    {
        const char *sub = str(ref, "nss-ref") ?: "";
        const char *cp = str(ref, "nsd-connection-point-ref") ?: "";
        const json_t *nsr = json_object_get(b->subnet_nsr, sub);
        const char *v = str(nsr, "datacenter");
        const char *vl = slc_slice_sapd_vl(json_object_get(nsr, "nsd"), cp);
        json_t *entry;

        if (!nsr && slc_ns_find(json_object_get(admin, "remote-subnets"),
                                "nss-id", sub)) {
            if (remote && strcmp(str(remote, "nss-ref") ?: "", sub)) {
                return slc_error_set(b->err, SLC_EINVALID,
                                     "netslice-vld '%s' joins two subnets "
                                     "of external NSSMFs ('%s', '%s'): one "
                                     "link across domains per "
                                     "netslice-vld",
                                     name, str(remote, "nss-ref"), sub);
            }
            remote = ref; /* in another domain: see below */
            continue;
        }
        if (!nsr) {
            return slc_error_set(b->err, SLC_EINVALID,
                                 "netslice-vld '%s': nss-ref '%s' is not a "
                                 "netslice-subnet of the nst",
                                 name, sub);
        }
        if (!vl) {
            return slc_error_set(b->err, SLC_EINVALID,
                                 "netslice-vld '%s': nsd '%s' of subnet "
                                 "'%s' has no sapd '%s' with a "
                                 "virtual-link-desc",
                                 name, str(json_object_get(nsr, "nsd"), "id"),
                                 sub, cp);
        }
        if (vim && strcmp(vim, v)) {
            return slc_error_set(b->err, SLC_EINVALID,
                                 "netslice-vld '%s' joins subnets on VIM "
                                 "accounts %s and %s: one network cannot "
                                 "span two VIMs (that needs a WIM)",
                                 name, vim, v);
        }
        vim = v;
        reuse_from = reuse_from ?: str(b->reused_from, sub);
        vl_ip = vl_ip ?: json_object_get(
                             slc_ns_find(json_object_get(nsr, "vld"), "id",
                                         vl),
                             "ip-profile");
        entry = slc_ns_find(json_object_get(admin, "nsrs-detailed-list"),
                            "nss-id", sub);
        json_object_set_new(json_object_get(entry, "vld-map"), vl,
                            json_string(name));
    }
    if (remote && vim && !truthy(json_object_get(vld, "mgmt-network"))) {
        /* a local and a remote subnet: a link across the domains when the
         * NSSMF account names the physical network that reaches it, else
         * the remote part is not carried (control plane only).  A
         * management network stays in each domain: each manager reaches
         * its own VDUs. */
        int rc2 = remote_transport(b, remote, &transport);

        if (rc2) {
            return slc_error_prefix(b->err, "netslice-vld '%s'", name);
        }
    }
    vim = vim ?: str(b->nsi, "datacenter");
    if (reuse_from && !transport) {
        rc = network_of(b->st, reuse_from, name, net_id, b->err);
    }
    if (!rc && *net_id) {
        rc = update(b->st, "slice_networks", net_id, add_net_user, b->nsi_id,
                    b->err);
    } else if (!rc) {
        const json_t *ip = json_object_get(asked, "ip-profile") ?: vl_ip;
        json_t *doc;
        struct slc_record rec = {.id = net_id, .name = (char *)b->nsi_id};

        if (slc_uuid7(net_id)) {
            return slc_error_set(b->err, SLC_EIO, "no random source");
        }
        doc = json_pack("{ss ss ss ss sb ss sn sn s[s] ss s{s{s[]} sf}}", "_id",
                        net_id, "vld", name, "nsi-name",
                        str(b->req, "nsiName"), "type",
                        str(vld, "type") ?: "ELAN", "mgmt",
                        truthy(json_object_get(vld, "mgmt-network")), "vim",
                        vim, "vim_id", "busy_op", "users", b->nsi_id, "nsi",
                        b->nsi_id, "_admin", "deployed", "resources",
                        "created", b->now);
        if (ip) {
            json_object_set(doc, "ip-profile", (json_t *)ip);
        }
        if (transport) {
            json_object_set(doc, "ip-profile",
                            json_object_get(transport, "ip-profile"));
            json_object_set(doc, "physnet",
                            json_object_get(transport, "physnet"));
            json_object_set(doc, "transport", transport);
        }
        rec.doc = doc;
        rc = slc_store_put(b->st, "slice_networks", &rec, NULL, SLC_REV_NEW,
                           NULL, b->err);
        json_decref(doc);
    }
    if (rc) {
        json_decref(transport);
        return rc;
    }
    item = json_deep_copy(vld);
    if (transport) {
        json_object_set_new(item, "transport",
                            json_pack("{sO sO}", "nss-id",
                                      json_object_get(transport, "nss-id"),
                                      "cidr",
                                      json_object_get(transport, "cidr")));
    }
    json_decref(transport);
    json_object_set_new(item, "shared-nsrs-list", json_array());
    json_object_set_new(item, "vimAccountId", json_string(vim));
    json_object_set_new(item, "network", json_string(net_id));
    json_array_append_new(json_object_get(admin, "netslice-vld"), item);
    json_array_append_new(
        json_object_get(json_object_get(admin, "deployed"), "RO"),
        json_pack("{ss so}", "vld_id", name, "netslice_scenario_id",
                  json_sprintf("nsir:%s:vld.%s", b->nsi_id, name)));
    return 0;
}

/* The request's subnet ids and netslice-vld names must be the NST's. */
static int
check_request(const json_t *nst, const json_t *req, struct slc_error *err)
{
    const json_t *v;
    size_t i;

    json_array_foreach(json_object_get(req, "netslice-subnet"), i, v)
    {
        if (!slc_ns_find(json_object_get(nst, "netslice-subnet"), "id",
                         str(v, "id") ?: "")) {
            return slc_error_set(err, SLC_EINVALID,
                                 "netslice-subnet[%zu]: id '%s' is not a "
                                 "netslice-subnet of nst '%s'",
                                 i, str(v, "id") ?: "", str(nst, "id"));
        }
    }
    json_array_foreach(json_object_get(req, "netslice-vld"), i, v)
    {
        if (!slc_ns_find(json_object_get(nst, "netslice-vld"), "name",
                         str(v, "name") ?: "") &&
            !slc_ns_find(json_object_get(nst, "netslice-vld"), "id",
                         str(v, "name") ?: "")) {
            return slc_error_set(err, SLC_EINVALID,
                                 "netslice-vld[%zu]: name '%s' is not a "
                                 "netslice-vld of nst '%s'",
                                 i, str(v, "name") ?: "", str(nst, "id"));
        }
    }
    return 0;
}

static json_t *
new_nsi(const json_t *req, const char *id, const struct slc_record *nst,
        const char *vim_id, const char *project, double now)
{
    json_t *copy = json_deep_copy(nst->doc);

    json_object_del(copy, "_admin");
    json_object_del(copy, "_id");
    return json_pack(
        "{ss ss sO sO* ss ss sO so s[] s[] sO* ss ss ss ss"
        " s{ss ss s[] s[] s[] s{s[]} sn s[s] s[s] sf sf}}",
        "_id", id, "id", id, "name", json_object_get(req, "nsiName"),
        "description", json_object_get(req, "nsiDescription"), "datacenter",
        vim_id, "nst-ref", slc_ns_str(nst->doc, "id"),
        "instantiation_parameters", req, "network-slice-template", copy,
        "nsr-ref-list", "vlr-list", "additionalParamsForNsi",
        json_object_get(req, "additionalParamsForNsi"), "operational-status",
        "init", "config-status", "init", "detailed-status", "created",
        "currentOperation", "IDLE", "_admin", "nsiState", "NOT_INSTANTIATED",
        "nst-id", nst->id, "netslice-subnet", "netslice-vld",
        "nsrs-detailed-list", "deployed", "RO", "nsilcmop", "projects_read",
        project, "projects_write", project, "created", now, "modified", now);
}

int
slc_nsi_create(struct slc_slicer *s, const json_t *req,
               const struct slc_scope *sc, char nsi_id[40], json_t **made,
               struct slc_error *err)
{
    struct slc_store *st = s->p.st;
    struct slc_record nst = {0}, vim = {0};
    const char *project = sc ? sc->project : NULL;
    struct build b = {.st = st, .req = req, .sc = sc, .project = project,
                      .nsi_id = nsi_id, .now = s->p.now(), .err = err,
                      .subnet_nsr = json_object(),
                      .reused_from = json_object()};
    const json_t *v;
    size_t i;
    int rc = slc_store_begin(st, err);

    if (made) {
        *made = NULL;
    }
    rc = rc ? rc
            : slc_ns_get_record(st, "nsts", "nst", str(req, "nstId"), sc,
                                &nst, err);
    if (!rc && !strcmp(str(slc_slice_admin(nst.doc), "operationalState") ?: "",
                       "DISABLED")) {
        rc = slc_error_set(err, SLC_ECONFLICT, "nst '%s' is DISABLED",
                           nst.name);
    }
    rc = rc ? rc
            : slc_ns_get_record(st, "vim_accounts", "vim account",
                                str(req, "vimAccountId"), sc, &vim, err);
    rc = rc ? rc : check_request(nst.doc, req, err);
    if (!rc && slc_uuid7(nsi_id)) {
        rc = slc_error_set(err, SLC_EIO, "no random source");
    }
    if (!rc) {
        b.nsi = new_nsi(req, nsi_id, &nst, vim.id, project, b.now);
    }
    json_array_foreach(json_object_get(nst.doc, "netslice-subnet"), i, v)
    {
        rc = rc ? rc : add_subnet(&b, v);
    }
    json_array_foreach(json_object_get(nst.doc, "netslice-vld"), i, v)
    {
        rc = rc ? rc : add_network(&b, v);
    }
    if (!rc) {
        /* read back by its operation, the tree itself: the caller's
         * 'made' only reads it, and is dropped before that */
        struct slc_record rec = {.id = nsi_id,
                                 .name = (char *)str(req, "nsiName"),
                                 .doc = b.nsi,
                                 .reread = true,
                                 .give = true};
        json_t *links = slc_slice_links(b.nsi);

        json_object_set_new(slc_slice_admin(b.nsi), "linked", json_true());
        /* written only when it changes: every slice of a template would
         * otherwise rewrite it, and concurrent creations on several
         * instances conflict on it (the read alone is checked at commit) */
        if (strcmp(str(slc_slice_admin(nst.doc), "usageState") ?: "",
                   "IN_USE")) {
            set_usage(nst.doc, "IN_USE");
            rc = slc_store_put(st, "nsts", &nst, NULL, nst.rev, NULL, err);
        }
        rc = rc ? rc
                : slc_store_put(st, "nsis", &rec, links, SLC_REV_NEW, NULL,
                                err);
        json_decref(links);
    }
    if (!rc && made &&
        !(*made = json_pack("{sO sO}", "nsi", b.nsi, "nsrs", b.subnet_nsr))) {
        rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    rc = rc ? rc : slc_store_commit(st, err);
    if (rc) {
        slc_store_rollback(st);
        if (made) {
            json_decref(*made);
            *made = NULL;
        }
    } else {
        SLC_INFO("nsi '%s' (%s): created from nst '%s' with %zu subnets",
                 str(req, "nsiName"), nsi_id, nst.name,
                 json_array_size(json_object_get(nst.doc, "netslice-subnet")));
    }
    json_decref(b.nsi);
    json_decref(b.subnet_nsr);
    json_decref(b.reused_from);
    slc_record_clear(&nst);
    slc_record_clear(&vim);
    return rc;
}

/* ---- deletion ---- */

struct ids {
    json_t *list;
    const char *except;
};

static int
collect_id(const char *coll, const struct slc_record *rec, void *arg)
{
    struct ids *ids = arg;

    if (!ids->except || strcmp(rec->id, ids->except)) {
        json_array_append_new(ids->list, json_string(rec->id));
    }
    return 0;
}

struct nst_users {
    const char *nst_id, *self;
    size_t count;
};

static int
count_nst_user(const char *coll, const struct slc_record *rec, void *arg)
{
    struct nst_users *u = arg;

    u->count += !strcmp(coll, "nsis") && strcmp(rec->id, u->self) &&
                !strcmp(str(slc_slice_admin(rec->doc), "nst-id") ?: "",
                        u->nst_id);
    return 0;
}

/* Drops slice 'nsi_id' from the users of NS 'nsr_id'; deletes the NS when
 * it was the last. */
static int
release_ns(struct slc_store *st, const char *nsr_id, const char *nsi_id,
           bool force, struct slc_error *err)
{
    struct slc_record nsr;
    json_t *users;
    int rc = slc_store_get(st, "nsrs", nsr_id, &nsr, err);

    if (rc == SLC_ENOTFOUND) {
        return 0;
    }
    users = json_object_get(slc_slice_admin(nsr.doc), "netslice-users");
    slc_slice_drop_user(users, nsi_id);
    if (json_array_size(users)) {
        rc = slc_store_put(st, "nsrs", &nsr, NULL, nsr.rev, NULL, err);
    } else {
        rc = slc_ns_delete(st, nsr_id, force, err);
    }
    slc_record_clear(&nsr);
    return rc;
}

static int
release_network(struct slc_store *st, const char *net_id, const char *nsi_id,
                bool force, struct slc_error *err)
{
    struct slc_record net;
    json_t *users;
    int rc = slc_store_get(st, "slice_networks", net_id, &net, err);

    if (rc == SLC_ENOTFOUND) {
        return 0;
    }
    users = json_object_get(net.doc, "users");
    slc_slice_drop_user(users, nsi_id);
    if (json_array_size(users)) {
        rc = slc_store_put(st, "slice_networks", &net, NULL, net.rev, NULL,
                           err);
    } else if (str(net.doc, "vim_id") && !force) {
        rc = slc_error_set(err, SLC_ECONFLICT,
                           "slice network '%s' still exists on the VIM",
                           str(net.doc, "vld"));
    } else {
        if (str(net.doc, "vim_id")) {
            SLC_WARN("slice network '%s' (%s): forgotten while it exists "
                     "on the VIM (FORCE); the next recovery deletes it",
                     str(net.doc, "vld"), str(net.doc, "vim_id"));
        }
        rc = slc_store_del(st, "slice_networks", net_id, net.rev, err);
    }
    slc_record_clear(&net);
    return rc;
}

int
slc_slice_remove(struct slc_slicer *s, struct slc_record *nsi, bool force,
                 const char *keep_op, struct slc_error *err)
{
    struct slc_store *st = s->p.st;
    json_t *admin = slc_slice_admin(nsi->doc);
    struct ids ops = {.list = json_array(), .except = keep_op};
    struct nst_users u = {.nst_id = str(admin, "nst-id") ?: "",
                          .self = nsi->id};
    const json_t *v;
    size_t i;
    int rc = 0;

    if (!force && str(admin, "nsilcmop") &&
        (!keep_op || strcmp(str(admin, "nsilcmop"), keep_op))) {
        rc = slc_error_set(err, SLC_EBUSY,
                           "nsi '%s' has operation %s in progress", nsi->name,
                           str(admin, "nsilcmop"));
    }
    if (!rc && !force &&
        !strcmp(str(admin, "nsiState") ?: "", "INSTANTIATED")) {
        rc = slc_error_set(err, SLC_ECONFLICT,
                           "nsi '%s' is instantiated: terminate it first",
                           nsi->name);
    }
    json_array_foreach(json_object_get(admin, "nsrs-detailed-list"), i, v)
    {
        rc = rc ? rc : release_ns(st, str(v, "nsrId"), nsi->id, force, err);
    }
    json_array_foreach(json_object_get(admin, "netslice-vld"), i, v)
    {
        rc = rc ? rc
                : release_network(st, str(v, "network"), nsi->id, force, err);
    }
    rc = rc ? rc
            : slc_store_list(st, "nsilcmops", nsi->id, collect_id, &ops, err);
    json_array_foreach(ops.list, i, v)
    {
        rc = rc ? rc
                : slc_store_del(st, "nsilcmops", json_string_value(v),
                                SLC_REV_ANY, err);
    }
    rc = rc ? rc : slc_store_del(st, "nsis", nsi->id, SLC_REV_ANY, err);
    rc = rc ? rc
            : slc_store_referrers(st, "nst-id", u.nst_id, count_nst_user, &u,
                                  err);
    if (!rc && !u.count) {
        rc = update(st, "nsts", u.nst_id, set_usage, "NOT_IN_USE", err);
        rc = rc == SLC_ENOTFOUND ? 0 : rc;
    }
    json_decref(ops.list);
    return rc;
}

int
slc_nsi_delete(struct slc_slicer *s, const char *nsi_id, bool force,
               struct slc_error *err)
{
    struct slc_record nsi = {0};
    int rc = slc_store_begin(s->p.st, err);

    rc = rc ? rc : slc_store_get(s->p.st, "nsis", nsi_id, &nsi, err);
    if (rc == SLC_ENOTFOUND) {
        slc_error_set(err, rc, "nsi '%s' not found", nsi_id);
    }
    rc = rc ? rc : slc_slice_remove(s, &nsi, force, NULL, err);
    rc = rc ? rc : slc_store_commit(s->p.st, err);
    if (rc) {
        slc_store_rollback(s->p.st);
    } else {
        SLC_INFO("nsi '%s' (%s): deleted%s", nsi.name, nsi_id,
                 force ? " (FORCE)" : "");
    }
    slc_record_clear(&nsi);
    return rc;
}

/* ---- the slice manager ---- */

static void
on_kick(evutil_socket_t fd, short what, void *arg);

/* Kicks every slice operation that waits for a child. */
static void
on_rewait(evutil_socket_t fd, short what, void *arg)
{
    struct slc_slicer *s = arg;
    json_t *seen = json_object();
    const char *child;
    const json_t *list, *v;
    size_t i;

    (void)fd;
    (void)what;
    json_object_foreach(s->waiting, child, list)
    {
        json_array_foreach(list, i, v)
        {
            if (!json_object_get(seen, json_string_value(v))) {
                json_object_set_new(seen, json_string_value(v),
                                    json_true());
                slc_slice_kick(s, json_string_value(v));
            }
        }
    }
    json_decref(seen);
}

int
slc_slicer_new(const struct slc_slicer_params *p, struct slc_slicer **out,
               struct slc_error *err)
{
    struct slc_slicer *s = calloc(1, sizeof *s);

    if (s) {
        s->p = *p;
        s->waiting = json_object();
        s->ended = json_object();
        s->kicks = json_object();
        s->kick = event_new(p->base, -1, 0, on_kick, s);
        s->nssi_ops = json_array();
        s->remote_tokens = json_object();
        s->remote_subscribed = json_object();
        s->nssi_kick = event_new(p->base, -1, 0, slc_nssi_on_kick, s);
    }
    if (!s || !s->waiting || !s->ended || !s->kicks || !s->kick || !s->nssi_ops ||
        !s->nssi_kick || !s->remote_tokens || !s->remote_subscribed ||
        event_priority_set(s->kick, SLC_PRIO_WORK) ||
        event_priority_set(s->nssi_kick, SLC_PRIO_WORK)) {
        slc_slicer_free(s);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    if (s->p.op_timeout <= 0) {
        s->p.op_timeout = 7200; /* OSM's timeout_nsi_deploy */
    }
    if (p->cluster) {
        struct timeval second = {1, 0};

        s->rewait = event_new(p->base, -1, EV_PERSIST, on_rewait, s);
        if (!s->rewait || event_add(s->rewait, &second)) {
            slc_slicer_free(s);
            return slc_error_set(err, SLC_ENOMEM, "out of memory");
        }
    }
    *out = s;
    return 0;
}

void
slc_slicer_free(struct slc_slicer *s)
{
    if (!s) {
        return;
    }
    if (s->kick) {
        event_free(s->kick);
    }
    if (s->rewait) {
        event_free(s->rewait);
    }
    if (s->nssi_kick) {
        event_free(s->nssi_kick);
    }
    for (size_t i = 0; i < SLC_SLICE_KEPT; i++) {
        slc_record_clear(&s->kept[i].op);
        slc_record_clear(&s->kept[i].nsi);
    }
    slc_remote_free_all(s);
    json_decref(s->remote_tokens);
    json_decref(s->remote_subscribed);
    json_decref(s->nssi_ops);
    json_decref(s->waiting);
    json_decref(s->ended);
    json_decref(s->kicks);
    free(s);
}

void
slc_slice_kick(struct slc_slicer *s, const char *op_id)
{
    /* kicked twice before it ran: one advance sees both reasons */
    json_object_set_new(s->kicks, op_id, json_true());
    event_active(s->kick, 0, 0);
}

static void
on_kick(evutil_socket_t fd, short what, void *arg)
{
    struct slc_slicer *s = arg;
    json_t *kicks = s->kicks;
    const char *op_id;
    const json_t *v;

    s->kicks = json_object();
    json_object_foreach(kicks, op_id, v)
    {
        slc_slice_advance(s, op_id);
    }
    json_decref(kicks);
}

/* ---- engine hooks ---- */

/* Applies an ended slice network operation to its slice networks. */
static int
finish_net_op(struct slc_store *st, const json_t *op, struct slc_error *err)
{
    const json_t *s;
    size_t i;
    int rc = 0;

    json_array_foreach(json_object_get(slc_slice_admin(op), "steps"), i, s)
    {
        const char *net_id = str(json_object_get(s, "for"), "network");
        struct slc_record net;
        json_t *one, *res;
        int grc;

        if (rc || !net_id) {
            continue;
        }
        grc = slc_store_get(st, "slice_networks", net_id, &net, err);
        if (grc == SLC_ENOTFOUND) {
            SLC_WARN("slice network %s went away during its operation",
                     net_id);
            continue;
        }
        if ((rc = grc)) {
            continue;
        }
        one = json_pack("[O]", s);
        res = json_object_get(
            json_object_get(slc_slice_admin(net.doc), "deployed"),
            "resources");
        slc_engine_update_resources(res, one);
        json_decref(one);
        json_object_set_new(net.doc, "vim_id",
                            json_array_size(res)
                                ? json_incref(json_object_get(
                                      json_array_get(res, 0), "vim_id"))
                                : json_null());
        if (json_is_integer(json_object_get(json_object_get(s, "info"),
                                            "vlan")) &&
            json_array_size(res)) {
            /* its VLAN, for the endpoint of a link across domains */
            json_object_set(net.doc, "vlan",
                            json_object_get(json_object_get(s, "info"),
                                            "vlan"));
        }
        json_object_set_new(net.doc, "busy_op", json_null());
        rc = slc_store_put(st, "slice_networks", &net, NULL, net.rev, NULL,
                           err);
        slc_record_clear(&net);
    }
    return rc;
}

int
slc_slicer_finish(struct slc_store *st, json_t *op, json_t *context,
                  double now, struct slc_error *err)
{
    if (!strcmp(slc_engine_op_collection(op), "slice_net_ops")) {
        return finish_net_op(st, op, err);
    }
    return slc_ns_op_finish(st, op, context, now, err);
}

void
slc_slicer_op_state(void *arg, const json_t *op)
{
    struct slc_slicer *s = arg;
    const char *id = str(op, "_id");
    json_t *list = id ? json_object_get(s->waiting, id) : NULL, *told;
    const json_t *w;
    size_t i;

    if (!list || !slc_slice_op_final(str(op, "operationState"))) {
        return;
    }
    if (json_object_size(s->ended) > 10000) {
        /* ends no slice operation came for (it was deleted): a memo,
         * the store still has them */
        json_object_clear(s->ended);
    }
    /* what the advance reads of it: its fields but its progress
     * (_admin, with every step) and its request */
    told = json_copy((json_t *)op);
    json_object_del(told, "_admin");
    json_object_del(told, "operationParams");
    json_object_set_new(s->ended, id, json_deep_copy(told));
    json_decref(told);
    json_array_foreach(list, i, w)
    {
        slc_slice_kick(s, json_string_value(w));
    }
    json_object_del(s->waiting, id);
}

static int
collect_unfinished(const char *coll, const struct slc_record *rec, void *arg)
{
    if (!slc_slice_op_final(str(rec->doc, "operationState"))) {
        json_array_append_new(arg, json_string(rec->id));
    }
    return 0;
}

/* Kicks every unfinished slice operation (its advance claims it first, so
 * one held by a live instance is left to it); 'tell': logs each. */
static int
kick_unfinished(struct slc_slicer *s, bool tell, struct slc_error *err)
{
    json_t *ids = json_array();
    const json_t *id;
    size_t i;
    int rc = ids ? slc_store_list(s->p.st, "nsilcmops", NULL,
                                  collect_unfinished, ids, err)
                 : slc_error_set(err, SLC_ENOMEM, "out of memory");

    json_array_foreach(ids, i, id)
    {
        if (rc) {
            break;
        }
        if (tell) {
            SLC_INFO("recovery: resuming nsi operation %s",
                     json_string_value(id));
        }
        slc_slice_kick(s, json_string_value(id));
    }
    json_decref(ids);
    return rc;
}

void
slc_slicer_resume_unclaimed(struct slc_slicer *s)
{
    struct slc_error err = {0};

    if (kick_unfinished(s, false, &err)) {
        SLC_WARN("looking for unclaimed nsi operations: %s", err.msg);
    }
}

bool
slc_slicer_resume(struct slc_slicer *s, const char *coll, const char *op_id)
{
    if (!strcmp(coll, "nsilcmops")) {
        SLC_INFO("resuming nsi operation %s taken over", op_id);
        slc_slice_kick(s, op_id);
        return true;
    }
    if (!strcmp(coll, slc_remote_collection)) {
        SLC_INFO("resuming remote subnet operation %s taken over", op_id);
        slc_remote_start(s, op_id);
        return true;
    }
    return false;
}

static bool
unlinked(const json_t *doc)
{
    return !json_is_true(json_object_get(json_object_get(doc, "_admin"),
                                         "linked"));
}

static json_t *
nsi_relink(json_t *doc)
{
    json_object_set_new(slc_slice_admin(doc), "linked", json_true());
    return slc_slice_links(doc);
}

static json_t *
request_relink(json_t *doc)
{
    json_object_set_new(slc_slice_admin(doc), "linked", json_true());
    return slc_request_links(doc);
}

int
slc_slicer_recover(struct slc_slicer *s, struct slc_error *err)
{
    /* the links of an older store's slices and requests (slc_slice_links,
     * slc_request_links) */
    int rc = slc_store_relink(s->p.st, "nsis", unlinked, nsi_relink, err);

    rc = rc ? rc
            : slc_store_relink(s->p.st, "slice_requests", unlinked,
                               request_relink, err);

    rc = rc ? rc : kick_unfinished(s, true, err);
    return rc ? rc : slc_remote_recover(s, err);
}

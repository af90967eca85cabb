/* NS and VNF records and their lifecycle operations (see ns-lcm.h).
 *
 * Records follow OSM's shapes (osm-nbi.md section 4.2) so that OSM clients
 * read them unchanged.  Plans are lists of engine steps ("_admin.steps" of
 * the operation); each step says which record part it serves ("for"), so
 * that slc_ns_op_finish() can write VIM ids, addresses and states back. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "ns-lcm.h"
#include "slc-id.h"
#include "slc-log.h"

SLC_LOG_MODULE(ns_lcm);

static const char *
sget(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static json_t *
find_by(const json_t *list, const char *key, const char *value)
{
    size_t i;
    json_t *item;

    json_array_foreach(list, i, item)
    {
        const char *v = sget(item, key);

        if (v && value && !strcmp(v, value)) {
            return item;
        }
    }
    return NULL;
}

static bool
find_by_value(const json_t *list, const char *value)
{
    size_t i;
    json_t *item;

    json_array_foreach(list, i, item)
    {
        if (json_is_string(item) && !strcmp(json_string_value(item), value)) {
            return true;
        }
    }
    return false;
}

/* Reads a record by _id, or by name when 'by_name' and no _id matches. */
static int
get_key(struct slc_store *st, const char *coll, const char *what,
        const char *key, struct slc_record *out, struct slc_error *err)
{
    int rc = slc_store_get(st, coll, key, out, err);

    if (rc == SLC_ENOTFOUND) {
        rc = slc_store_find(st, coll, key, out, err);
    }
    if (rc == SLC_ENOTFOUND) {
        return slc_error_set(err, SLC_ENOTFOUND, "%s '%s' not found", what,
                             key);
    }
    return rc;
}

/* ---- records ---- */

struct build {
    struct slc_store *st;
    const json_t *req;
    json_t *nsr;
    json_t *vnfrs;            /* [VNFR docs] */
    json_t *links;
    json_t *cp_vl;            /* "<member>/<ext-cpd>" -> NS VL id */
    struct slc_error *err;
};

static const char *
vl_of_profile(const json_t *df, const char *profile)
{
    const json_t *p = find_by(json_object_get(df, "virtual-link-profile"),
                              "id", profile);

    return p ? sget(p, "virtual-link-desc-id") : profile;
}

static json_int_t
vdu_count(const json_t *vnfd, const char *vdu)
{
    const json_t *df = json_array_get(json_object_get(vnfd, "df"), 0);
    const json_t *lvl = json_array_get(
        json_object_get(df, "instantiation-level"), 0);
    const json_t *vl = find_by(json_object_get(lvl, "vdu-level"), "vdu-id",
                               vdu);
    const json_t *prof = find_by(json_object_get(df, "vdu-profile"), "id",
                                 vdu);
    json_int_t n = 1;

    if (vl && json_is_integer(json_object_get(vl, "number-of-instances"))) {
        n = json_integer_value(json_object_get(vl, "number-of-instances"));
    } else if (json_is_integer(
                   json_object_get(prof, "min-number-of-instances"))) {
        n = json_integer_value(
            json_object_get(prof, "min-number-of-instances"));
    }
    return n < 0 ? 0 : n > 1000 ? 1000 : n;
}

static double
number_of(const json_t *v)
{
    if (json_is_string(v)) {
        return strtod(json_string_value(v), NULL);
    }
    return json_number_value(v);
}

/* The NSR flavor of a VDU: vCPUs, memory, storage and guest EPA. */
static json_t *
make_flavor(const json_t *vnfd, const json_t *vdu, const char *member,
            size_t index)
{
    const json_t *vcd = find_by(json_object_get(vnfd,
                                                "virtual-compute-desc"),
                                "id", sget(vdu, "virtual-compute-desc"));
    const json_t *vcpu = json_object_get(vcd, "virtual-cpu");
    const json_t *vmem = json_object_get(vcd, "virtual-memory");
    double cpus = number_of(json_object_get(vcpu, "num-virtual-cpu"));
    double mem_gb = number_of(json_object_get(vmem, "size"));
    double disk = 0;
    const json_t *sid;
    size_t i;
    char id[24], name[256];

    json_array_foreach(json_object_get(vdu, "virtual-storage-desc"), i, sid)
    {
        const json_t *vsd = find_by(json_object_get(vnfd,
                                                    "virtual-storage-desc"),
                                    "id", json_string_value(sid));

        disk += number_of(json_object_get(vsd, "size-of-storage"));
    }
    snprintf(id, sizeof id, "%zu", index);
    snprintf(name, sizeof name, "%s-%s-flv", sget(vdu, "id"), member);
    return json_pack("{ss ss sI sI sI s{sO* sO*}}", "id", id, "name", name,
                     "vcpu-count", (json_int_t)(cpus >= 1 ? cpus : 1),
                     "memory-mb",
                     (json_int_t)(mem_gb > 0 ? mem_gb * 1024 : 512),
                     "storage-gb", (json_int_t)disk, "guest-epa",
                     "virtual-cpu", vcpu, "virtual-memory", vmem);
}

/* The external CP (if any) that exposes int-cpd 'cpd' of 'vdu'. */
static const json_t *
ext_cpd_of(const json_t *vnfd, const char *vdu, const char *cpd)
{
    size_t i;
    const json_t *e;

    json_array_foreach(json_object_get(vnfd, "ext-cpd"), i, e)
    {
        const json_t *ic = json_object_get(e, "int-cpd");

        if (ic && !strcmp(sget(ic, "vdu-id") ?: "", vdu) &&
            !strcmp(sget(ic, "cpd") ?: "", cpd)) {
            return e;
        }
    }
    return NULL;
}

static json_t *
make_vdur(struct build *b, const json_t *vnfd, const json_t *vdu,
          const char *member, json_int_t count_index, const char *flavor_id,
          const char *image_id)
{
    char id[SLC_UUID_STR_SIZE], key[512];
    json_t *ifaces = json_array();
    const json_t *c;
    size_t i;

    if (slc_uuid4(id)) {
        json_decref(ifaces);
        return NULL;
    }
    json_array_foreach(json_object_get(vdu, "int-cpd"), i, c)
    {
        const json_t *vnir;
        size_t k;

        json_array_foreach(
            json_object_get(c, "virtual-network-interface-requirement"), k,
            vnir)
        {
            const json_t *vi = json_object_get(vnir, "virtual-interface");
            const json_t *ext = ext_cpd_of(vnfd, sget(vdu, "id"),
                                           sget(c, "id"));
            json_t *iface = json_pack(
                "{ss sO* ss s{} s{}}", "name", sget(vnir, "name"),
                "position", json_object_get(vnir, "position"), "type",
                sget(vi, "type") ? sget(vi, "type") : "VIRTIO",
                "mac-address", "ip-address");

            json_object_set_new(iface, "mac-address", json_null());
            json_object_set_new(iface, "ip-address", json_null());
            if (sget(c, "int-virtual-link-desc")) {
                json_object_set_new(iface, "vnf-vld-id",
                                    json_string(sget(
                                        c, "int-virtual-link-desc")));
                json_object_set_new(iface, "internal-connection-point-ref",
                                    json_string(sget(c, "id")));
            } else if (ext) {
                const char *vl;

                snprintf(key, sizeof key, "%s/%s", member, sget(ext, "id"));
                vl = json_string_value(json_object_get(b->cp_vl, key));
                json_object_set_new(iface, "external-connection-point-ref",
                                    json_string(sget(ext, "id")));
                if (vl) {
                    json_object_set_new(iface, "ns-vld-id", json_string(vl));
                }
                if (sget(vnfd, "mgmt-cp") &&
                    !strcmp(sget(vnfd, "mgmt-cp"), sget(ext, "id"))) {
                    json_object_set_new(iface, "mgmt-vnf", json_true());
                    json_object_set_new(iface, "mgmt-interface",
                                        json_true());
                }
            }
            json_array_append_new(ifaces, iface);
        }
    }
    return json_pack("{ss ss ss ss sI sn sn sn ss ss so}", "_id", id, "id",
                     id, "vdu-id-ref", sget(vdu, "id"), "vdu-name",
                     sget(vdu, "name") ? sget(vdu, "name") : sget(vdu, "id"),
                     "count-index", count_index, "ip-address", "status",
                     "vim-id", "ns-flavor-id", flavor_id, "ns-image-id",
                     image_id, "interfaces", ifaces);
}

static int
build_vnfr(struct build *b, const json_t *profile, const char *nsr_id,
           const char *vim, const char *project, double now)
{
    const char *member = sget(profile, "id");
    json_t *flavors = json_object_get(b->nsr, "flavor");
    json_t *images = json_object_get(b->nsr, "image");
    struct slc_record vnfd_rec;
    json_t *vnfd, *vnfr, *vdurs, *cps, *vlds;
    const json_t *x;
    char id[SLC_UUID_STR_SIZE];
    size_t i;
    int rc = slc_store_find(b->st, "vnfds", sget(profile, "vnfd-id"),
                            &vnfd_rec, b->err);

    if (rc) {
        return rc == SLC_ENOTFOUND
                   ? slc_error_set(b->err, SLC_ECONFLICT,
                                   "vnfd '%s' (vnf-profile '%s') is not "
                                   "onboarded",
                                   sget(profile, "vnfd-id"), member)
                   : rc;
    }
    vnfd = vnfd_rec.doc;
    if (slc_uuid4(id)) {
        slc_record_clear(&vnfd_rec);
        return slc_error_set(b->err, SLC_EIO, "no random source");
    }
    vdurs = json_array();
    cps = json_array();
    vlds = json_array();
    json_array_foreach(json_object_get(vnfd, "ext-cpd"), i, x)
    {
        json_array_append_new(
            cps, json_pack("{ss ss ss ss*}", "name", sget(x, "id"), "id",
                           sget(x, "id"), "connection-point-id",
                           sget(x, "id"), "connection-point-vdu-id",
                           sget(json_object_get(x, "int-cpd"), "vdu-id")));
    }
    json_array_foreach(json_object_get(vnfd, "int-virtual-link-desc"), i, x)
    {
        json_t *vl = json_deep_copy(x);

        json_object_set_new(vl, "name", json_string(sget(x, "id")));
        json_array_append_new(vlds, vl);
    }
    json_array_foreach(json_object_get(vnfd, "vdu"), i, x)
    {
        json_int_t n = vdu_count(vnfd, sget(x, "id"));
        json_t *flavor = make_flavor(vnfd, x, member,
                                     json_array_size(flavors));
        const json_t *swi = find_by(json_object_get(vnfd, "sw-image-desc"),
                                    "id", sget(x, "sw-image-desc"));
        char image_id[24];

        snprintf(image_id, sizeof image_id, "%zu", json_array_size(images));
        json_array_append_new(
            images, json_pack("{ss ss ss*}", "id", image_id, "image",
                              sget(swi, "image") ? sget(swi, "image")
                                                 : sget(x, "sw-image-desc")
                                                       ?: "",
                              "name", sget(swi, "name")));
        for (json_int_t k = 0; k < n; k++) {
            json_array_append_new(vdurs, make_vdur(b, vnfd, x, member, k,
                                                   sget(flavor, "id"),
                                                   image_id));
        }
        json_array_append_new(flavors, flavor);
    }
    vnfr = json_pack(
        "{ss ss ss ss ss ss ss sn so so so sf s{ss s[s] s[s] s[]}}", "_id",
        id, "id", id, "nsr-id-ref", nsr_id, "member-vnf-index-ref", member,
        "vnfd-ref", sget(vnfd, "id"), "vnfd-id", vnfd_rec.id,
        "vim-account-id", vim, "ip-address", "connection-point", cps, "vld",
        vlds, "vdur", vdurs, "created-time", now, "_admin", "nsState",
        "NOT_INSTANTIATED", "projects_read", project, "projects_write",
        project, "scaling-group");
    json_array_append_new(b->vnfrs, vnfr);
    json_array_append_new(json_object_get(b->nsr, "constituent-vnfr-ref"),
                          json_string(id));
    if (!find_by_value(json_object_get(b->nsr, "vnfd-id"), vnfd_rec.id)) {
        json_array_append_new(json_object_get(b->nsr, "vnfd-id"),
                              json_string(vnfd_rec.id));
        json_array_append_new(b->links,
                              json_pack("[ss]", "vnfds", sget(vnfd, "id")));
    }
    slc_record_clear(&vnfd_rec);
    return 0;
}

/* Fills the NSR's VLs and the CP -> VL map from the vnf-profiles. */
static void
map_connectivity(struct build *b, const json_t *nsd, const json_t *df)
{
    json_t *vlds = json_object_get(b->nsr, "vld");
    const json_t *vl, *p;
    size_t i, j, k;

    json_array_foreach(json_object_get(nsd, "virtual-link-desc"), i, vl)
    {
        json_t *copy = json_deep_copy(vl);

        json_object_set_new(copy, "name", json_string(sget(vl, "id")));
        json_object_set_new(copy, "vnfd-connection-point-ref", json_array());
        json_object_set_new(copy, "vim-id", json_null());
        json_object_set_new(copy, "status", json_null());
        json_array_append_new(vlds, copy);
    }
    json_array_foreach(json_object_get(df, "vnf-profile"), i, p)
    {
        const json_t *vlc;

        json_array_foreach(json_object_get(p, "virtual-link-connectivity"), j,
                           vlc)
        {
            const char *vlid = vl_of_profile(
                df, sget(vlc, "virtual-link-profile-id"));
            json_t *nsvl = find_by(vlds, "id", vlid);
            const json_t *cc;

            json_array_foreach(json_object_get(vlc, "constituent-cpd-id"), k,
                               cc)
            {
                char key[512];

                if (!nsvl || strcmp(sget(cc, "constituent-base-element-id")
                                        ?: "",
                                    sget(p, "id"))) {
                    continue;
                }
                json_array_append_new(
                    json_object_get(nsvl, "vnfd-connection-point-ref"),
                    json_pack("{ss ss ss}", "member-vnf-index-ref",
                              sget(p, "id"), "vnfd-connection-point-ref",
                              sget(cc, "constituent-cpd-id"), "vnfd-id-ref",
                              sget(p, "vnfd-id")));
                snprintf(key, sizeof key, "%s/%s", sget(p, "id"),
                         sget(cc, "constituent-cpd-id"));
                json_object_set_new(b->cp_vl, key, json_string(vlid));
            }
        }
    }
}

static int
store_records(struct slc_store *st, const json_t *nsr, const json_t *vnfrs,
              const json_t *links, struct slc_error *err)
{
    struct slc_record rec = {
        .id = (char *)sget(nsr, "_id"),
        .name = (char *)sget(nsr, "name"),
        .doc = (json_t *)nsr,
    };
    const json_t *v;
    size_t i;
    int rc = slc_store_put(st, "nsrs", &rec, links, SLC_REV_NEW, NULL, err);

    json_array_foreach(vnfrs, i, v)
    {
        struct slc_record vr = {
            .id = (char *)sget(v, "_id"),
            .name = (char *)sget(v, "nsr-id-ref"),
            .doc = (json_t *)v,
        };

        rc = rc ? rc : slc_store_put(st, "vnfrs", &vr, NULL, SLC_REV_NEW,
                                     NULL, err);
    }
    return rc;
}

/* The NSR of a new NS, with OSM's initial values (osm-nbi.md 4.2). */
static json_t *
new_nsr(const json_t *req, const char *id, json_t *nsd, const char *nsd_id,
        const char *vim_id, const char *project, double now)
{
    const char *name = sget(req, "nsName");
    json_t *nsr = json_object();
    static const char *const nulls[] = {
        "currentOperationID", "errorDescription", "errorDetail",
        "deploymentStatus", "configurationStatus", "vcaStatus",
        "orchestration-progress", NULL,
    };
    static const char *const lists[] = {
        "constituent-vnfr-ref", "vnfd-id", "vld", "flavor", "image",
        "vnffgd", NULL,
    };

    if (!nsr) {
        json_decref(nsd);
        return NULL;
    }
    json_object_set_new(nsr, "_id", json_string(id));
    json_object_set_new(nsr, "id", json_string(id));
    json_object_set_new(nsr, "ns-instance-config-ref", json_string(id));
    json_object_set_new(nsr, "name", json_string(name));
    json_object_set_new(nsr, "name-ref", json_string(name));
    json_object_set_new(nsr, "short-name", json_string(name));
    json_object_set(nsr, "description",
                    json_object_get(req, "nsDescription") ?: json_null());
    json_object_set_new(nsr, "admin-status", json_string("ENABLED"));
    json_object_set_new(nsr, "nsState", json_string("NOT_INSTANTIATED"));
    json_object_set_new(nsr, "currentOperation", json_string("IDLE"));
    json_object_set_new(nsr, "operational-status", json_string("init"));
    json_object_set_new(nsr, "config-status", json_string("init"));
    json_object_set_new(nsr, "detailed-status", json_string("scheduled"));
    for (size_t i = 0; nulls[i]; i++) {
        json_object_set_new(nsr, nulls[i], json_null());
    }
    for (size_t i = 0; lists[i]; i++) {
        json_object_set_new(nsr, lists[i], json_array());
    }
    json_object_set_new(nsr, "nsd-ref", json_string(sget(nsd, "id")));
    json_object_set_new(nsr, "nsd-id", json_string(nsd_id));
    json_object_set_new(nsr, "nsd-name-ref",
                        json_string(sget(nsd, "name") ?: sget(nsd, "id")));
    json_object_set_new(nsr, "nsd", nsd);
    json_object_set_new(nsr, "datacenter", json_string(vim_id));
    json_object_set_new(nsr, "resource-orchestrator", json_string("slicer"));
    json_object_set_new(nsr, "instantiate_params", json_deep_copy(req));
    json_object_set_new(nsr, "create-time", json_real(now));
    json_object_set_new(
        nsr, "_admin",
        json_pack("{ss s{s[]} sn s[s] s[s] sf sf}", "nsState",
                  "NOT_INSTANTIATED", "deployed", "resources", "nslcmop",
                  "projects_read", project, "projects_write", project,
                  "created", now, "modified", now));
    return nsr;
}

int
slc_ns_create(struct slc_store *st, const json_t *req, const char *project,
              double now, char nsr_id[40], struct slc_error *err)
{
    struct slc_record nsd_rec = {0}, vim_rec = {0};
    struct build b = {.st = st, .req = req, .err = err};
    const json_t *df, *p;
    json_t *nsd;
    size_t i;
    int rc;

    if ((rc = slc_store_begin(st, err))) {
        return rc;
    }
    rc = get_key(st, "nsds", "nsd", sget(req, "nsdId"), &nsd_rec, err);
    if (!rc && !strcmp(sget(json_object_get(nsd_rec.doc, "_admin"),
                            "operationalState") ?: "",
                       "DISABLED")) {
        rc = slc_error_set(err, SLC_ECONFLICT, "nsd '%s' is DISABLED",
                           nsd_rec.name);
    }
    rc = rc ? rc : get_key(st, "vim_accounts", "vim account",
                           sget(req, "vimAccountId"), &vim_rec, err);
    if (!rc && slc_uuid4(nsr_id)) {
        rc = slc_error_set(err, SLC_EIO, "no random source");
    }
    if (rc) {
        slc_store_rollback(st);
        slc_record_clear(&nsd_rec);
        slc_record_clear(&vim_rec);
        return rc;
    }
    nsd = json_deep_copy(nsd_rec.doc);
    json_object_del(nsd, "_admin");
    df = json_array_get(json_object_get(nsd, "df"), 0);
    b.vnfrs = json_array();
    b.cp_vl = json_object();
    b.links = json_pack("[[ss]]", "nsds", nsd_rec.name);
    b.nsr = new_nsr(req, nsr_id, nsd, nsd_rec.id, vim_rec.id, project,
                    now);
    if (!b.vnfrs || !b.cp_vl || !b.links || !b.nsr) {
        rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    if (!rc) {
        map_connectivity(&b, nsd, df);
    }
    json_array_foreach(json_object_get(df, "vnf-profile"), i, p)
    {
        rc = rc ? rc : build_vnfr(&b, p, nsr_id, vim_rec.id, project, now);
    }
    {
        const json_t *fg;
        size_t k;

        json_array_foreach(json_object_get(nsd, "vnffgd"), k, fg)
        {
            json_array_append_new(json_object_get(b.nsr, "vnffgd"),
                                  json_pack("{sO* sO*}", "id",
                                            json_object_get(fg, "id"),
                                            "nfpd",
                                            json_object_get(fg, "nfpd")));
        }
    }
    rc = rc ? rc : store_records(st, b.nsr, b.vnfrs, b.links, err);
    rc = rc ? rc : slc_store_commit(st, err);
    if (rc) {
        slc_store_rollback(st);
    } else {
        SLC_INFO("ns '%s' created (%s) from nsd '%s' with %zu vnfs",
                 sget(req, "nsName"), nsr_id, nsd_rec.name,
                 json_array_size(b.vnfrs));
    }
    json_decref(b.nsr);
    json_decref(b.vnfrs);
    json_decref(b.cp_vl);
    json_decref(b.links);
    slc_record_clear(&nsd_rec);
    slc_record_clear(&vim_rec);
    return rc;
}

/* ---- plans ---- */

struct plan {
    json_t *steps;
    const char *nsr_id;
    const char *vim;
    const char *ns_name;
};

/* Appends a step and returns its index. */
static size_t
add_step(struct plan *pl, const char *action, const char *kind,
         const char *vim, const char *tag, const char *name, json_t *spec,
         json_t *deps, json_t *for_)
{
    json_array_append_new(
        pl->steps,
        json_pack("{ss ss ss ss ss ss so so so}", "action", action, "kind",
                  kind, "vim", vim, "tag", tag, "name", name, "state",
                  "PENDING", "spec", spec ? spec : json_object(), "deps",
                  deps ? deps : json_array(), "for",
                  for_ ? for_ : json_object()));
    return json_array_size(pl->steps) - 1;
}

static const char *
vnic_of(const char *iface_type)
{
    if (iface_type && !strcmp(iface_type, "SR-IOV")) {
        return "direct";
    }
    if (iface_type && !strcmp(iface_type, "PCI-PASSTHROUGH")) {
        return "direct-physical";
    }
    return "normal";
}

/* The steps creating one VDU instance (its ports, then its compute) on
 * networks given by 'nets' (VL id -> step index or VIM id). */
static void
plan_vdur(struct plan *pl, const json_t *nsr, const json_t *vnfr,
          const json_t *vdur, const json_t *ns_nets, const json_t *vnf_nets)
{
    const char *member = sget(vnfr, "member-vnf-index-ref");
    const char *vim = sget(vnfr, "vim-account-id");
    const json_t *flavor = find_by(json_object_get(nsr, "flavor"), "id",
                                   sget(vdur, "ns-flavor-id"));
    const json_t *image = find_by(json_object_get(nsr, "image"), "id",
                                  sget(vdur, "ns-image-id"));
    json_t *ports = json_array(), *deps = json_array();
    char base[512], tag[700], name[700];
    const json_t *iface;
    size_t i;

    snprintf(base, sizeof base, "nsr:%s:vnf:%s:vdu:%s:%" JSON_INTEGER_FORMAT,
             pl->nsr_id, member, sget(vdur, "vdu-id-ref"),
             json_integer_value(json_object_get(vdur, "count-index")));
    json_array_foreach(json_object_get(vdur, "interfaces"), i, iface)
    {
        const json_t *net = sget(iface, "ns-vld-id")
                                ? json_object_get(ns_nets,
                                                  sget(iface, "ns-vld-id"))
                                : json_object_get(vnf_nets,
                                                  sget(iface, "vnf-vld-id")
                                                      ?: "");
        json_t *netref;
        size_t k;

        if (!net) {
            continue; /* not connected to any VL */
        }
        netref = json_is_integer(net)
                     ? json_pack("{sO}", "step", net)
                     : json_incref((json_t *)net);
        snprintf(tag, sizeof tag, "%s:if:%s", base, sget(iface, "name"));
        snprintf(name, sizeof name, "%s-%s-%s-%" JSON_INTEGER_FORMAT "-%s",
                 pl->ns_name, member, sget(vdur, "vdu-id-ref"),
                 json_integer_value(json_object_get(vdur, "count-index")),
                 sget(iface, "name"));
        k = add_step(pl, "create", "port", vim, tag, name,
                     json_pack("{so ss}", "network", netref, "vnic_type",
                               vnic_of(sget(iface, "type"))),
                     json_is_integer(net) ? json_pack("[O]", net) : NULL,
                     json_pack("{ss ss sI}", "what", "interface", "vdur",
                               sget(vdur, "_id"), "index", (json_int_t)i));
        json_array_append_new(ports, json_pack("{sI}", "step", (json_int_t)k));
        json_array_append_new(deps, json_integer((json_int_t)k));
    }
    snprintf(name, sizeof name, "%s-%s-%s-%" JSON_INTEGER_FORMAT,
             pl->ns_name, member, sget(vdur, "vdu-id-ref"),
             json_integer_value(json_object_get(vdur, "count-index")));
    add_step(pl, "create", "compute", vim, base, name,
             json_pack("{ss sO sO sO so sO*}", "image",
                       sget(image, "image") ?: "", "vcpus",
                       json_object_get(flavor, "vcpu-count"), "memory_mb",
                       json_object_get(flavor, "memory-mb"), "disk_gb",
                       json_object_get(flavor, "storage-gb"), "ports", ports,
                       "epa", json_object_get(flavor, "guest-epa")),
             deps,
             json_pack("{ss ss ss}", "what", "vdur", "vnfr",
                       sget(vnfr, "_id"), "vdur", sget(vdur, "_id")));
}

/* The request's ip-profile subnet of NS VL 'vl', or NULL. */
static const char *
requested_cidr(const json_t *params, const char *vl)
{
    const json_t *v = find_by(json_object_get(params, "vld"), "name", vl);

    return sget(json_object_get(v, "ip-profile"), "subnet-address");
}

static void
plan_instantiate(struct plan *pl, const json_t *nsr, const json_t *vnfrs,
                 const json_t *params)
{
    json_t *ns_nets = json_object();
    const json_t *vl, *vnfr;
    char tag[512], name[512];
    size_t i;

    json_array_foreach(json_object_get(nsr, "vld"), i, vl)
    {
        size_t k;

        snprintf(tag, sizeof tag, "nsr:%s:vld:%s", pl->nsr_id,
                 sget(vl, "id"));
        snprintf(name, sizeof name, "%s-%s", pl->ns_name, sget(vl, "id"));
        k = add_step(pl, "create", "network", pl->vim, tag, name,
                     json_pack("{ss ss*}", "type", "ELAN", "cidr",
                               requested_cidr(params, sget(vl, "id"))),
                     NULL,
                     json_pack("{ss ss}", "what", "vld", "vld",
                               sget(vl, "id")));
        json_object_set_new(ns_nets, sget(vl, "id"),
                            json_integer((json_int_t)k));
    }
    json_array_foreach(vnfrs, i, vnfr)
    {
        json_t *vnf_nets = json_object();
        const json_t *ivl, *vdur;
        size_t j;

        json_array_foreach(json_object_get(vnfr, "vld"), j, ivl)
        {
            size_t k;

            snprintf(tag, sizeof tag, "nsr:%s:vnf:%s:vld:%s", pl->nsr_id,
                     sget(vnfr, "member-vnf-index-ref"), sget(ivl, "id"));
            snprintf(name, sizeof name, "%s-%s-%s", pl->ns_name,
                     sget(vnfr, "member-vnf-index-ref"), sget(ivl, "id"));
            k = add_step(pl, "create", "network",
                         sget(vnfr, "vim-account-id"), tag, name,
                         json_pack("{ss}", "type", "ELAN"), NULL,
                         json_pack("{ss ss ss}", "what", "vnf-vld", "vnfr",
                                   sget(vnfr, "_id"), "vld",
                                   sget(ivl, "id")));
            json_object_set_new(vnf_nets, sget(ivl, "id"),
                                json_integer((json_int_t)k));
        }
        json_array_foreach(json_object_get(vnfr, "vdur"), j, vdur)
        {
            plan_vdur(pl, nsr, vnfr, vdur, ns_nets, vnf_nets);
        }
        json_decref(vnf_nets);
    }
    json_decref(ns_nets);
}

/* True when resource tag 'tag' belongs to VDU instance 'prefix'. */
static bool
tag_under(const char *tag, const char *prefix)
{
    size_t n = strlen(prefix);

    return !strncmp(tag, prefix, n) && (tag[n] == '\0' || tag[n] == ':');
}

static int
kind_rank(const char *kind)
{
    return !strcmp(kind, "compute") ? 0 : !strcmp(kind, "port") ? 1 : 2;
}

/* Deletes of 'resources' (those of one VDU instance when 'prefix' is not
 * NULL): computes first, then their ports, then networks. */
static void
plan_deletes(struct plan *pl, const json_t *resources, const char *prefix)
{
    json_t *by_rank[3] = {json_array(), json_array(), json_array()};
    const json_t *r;
    size_t i;

    for (int rank = 0; rank < 3; rank++) {
        json_array_foreach(resources, i, r)
        {
            size_t k;

            if (kind_rank(sget(r, "kind")) != rank ||
                (prefix && !tag_under(sget(r, "tag"), prefix))) {
                continue;
            }
            k = add_step(pl, "delete", sget(r, "kind"), sget(r, "vim"),
                         sget(r, "tag"), sget(r, "name") ?: "",
                         json_deep_copy(json_object_get(r, "spec")),
                         rank ? json_deep_copy(by_rank[rank - 1]) : NULL,
                         json_deep_copy(json_object_get(r, "for")));
            json_object_set_new(json_array_get(pl->steps, k), "vim_id",
                                json_string(sget(r, "vim_id")));
            json_array_append_new(by_rank[rank], json_integer((json_int_t)k));
        }
    }
    for (int rank = 0; rank < 3; rank++) {
        json_decref(by_rank[rank]);
    }
}

struct vnfr_list {
    json_t *docs;
};

static int
collect_vnfr(const char *coll, const struct slc_record *rec, void *arg)
{
    json_array_append(((struct vnfr_list *)arg)->docs, rec->doc);
    return 0;
}

static int
load_vnfrs(struct slc_store *st, const char *nsr_id, json_t **out,
           struct slc_error *err)
{
    struct vnfr_list l = {.docs = json_array()};
    int rc = slc_store_list(st, "vnfrs", nsr_id, collect_vnfr, &l, err);

    if (rc) {
        json_decref(l.docs);
        return rc;
    }
    *out = l.docs;
    return 0;
}

/* The networks already deployed: VL id -> VIM id, for the NS or for one
 * VNF's internal VLs. */
static json_t *
deployed_nets(const json_t *nsr, const char *vnfr_id)
{
    json_t *nets = json_object();
    const json_t *r;
    size_t i;

    json_array_foreach(json_object_get(json_object_get(json_object_get(
                                           nsr, "_admin"),
                                           "deployed"),
                                       "resources"),
                       i, r)
    {
        const json_t *f = json_object_get(r, "for");
        const char *what = sget(f, "what");

        if (!what || strcmp(sget(r, "kind"), "network")) {
            continue;
        }
        if (vnfr_id ? !strcmp(what, "vnf-vld") &&
                          !strcmp(sget(f, "vnfr") ?: "", vnfr_id)
                    : !strcmp(what, "vld")) {
            json_object_set_new(nets, sget(f, "vld"),
                                json_string(sget(r, "vim_id")));
        }
    }
    return nets;
}

static int
plan_scale(struct slc_store *st, struct plan *pl, const json_t *nsr,
           const json_t *vnfrs, const json_t *params, json_t *op_admin,
           struct slc_error *err)
{
    const json_t *data = json_object_get(params, "scaleVnfData");
    const json_t *step = json_object_get(data, "scaleByStepData");
    const char *type = sget(data, "scaleVnfType");
    const char *aspect_id = sget(step, "scaling-group-descriptor");
    const char *member = sget(step, "member-vnf-index");
    const json_t *vnfr = find_by(vnfrs, "member-vnf-index-ref", member);
    const json_t *aspect, *sg, *delta;
    struct slc_record vnfd = {0};
    json_int_t nb, max;
    bool out = type && !strcmp(type, "SCALE_OUT");
    size_t i;
    int rc;

    if (!vnfr) {
        return slc_error_set(err, SLC_EINVALID,
                             "scale: member-vnf-index '%s' is not a vnf of "
                             "ns '%s'",
                             member ? member : "", pl->ns_name);
    }
    rc = slc_store_find(st, "vnfds", sget(vnfr, "vnfd-ref"), &vnfd, err);
    if (rc) {
        return slc_error_prefix(err, "scale: vnfd '%s'",
                                sget(vnfr, "vnfd-ref"));
    }
    aspect = find_by(json_object_get(json_array_get(json_object_get(vnfd.doc,
                                                                    "df"),
                                                    0),
                                     "scaling-aspect"),
                     "id", aspect_id);
    if (!aspect) {
        slc_record_clear(&vnfd);
        return slc_error_set(err, SLC_EINVALID,
                             "scale: vnfd '%s' has no scaling-aspect '%s'",
                             sget(vnfr, "vnfd-ref"),
                             aspect_id ? aspect_id : "");
    }
    max = (json_int_t)number_of(json_object_get(aspect, "max-scale-level"));
    sg = find_by(json_object_get(json_object_get(vnfr, "_admin"),
                                 "scaling-group"),
                 "name", aspect_id);
    nb = json_integer_value(json_object_get(sg, "nb-scale-op"));
    if (out && nb + 1 > (max > 0 ? max : 1)) {
        rc = slc_error_set(err, SLC_ECONFLICT,
                           "scale: scaling group '%s' of vnf '%s' is at its "
                           "maximum level (%" JSON_INTEGER_FORMAT ")",
                           aspect_id, member, max > 0 ? max : 1);
    } else if (!out && nb <= 0) {
        rc = slc_error_set(err, SLC_ECONFLICT,
                           "scale: scaling group '%s' of vnf '%s' has "
                           "nothing to scale in",
                           aspect_id, member);
    }
    json_object_set_new(op_admin, "scale",
                        json_pack("{ss ss ss sb}", "vnfr", sget(vnfr, "_id"),
                                  "aspect", aspect_id, "member", member,
                                  "out", out));
    json_array_foreach(json_object_get(json_array_get(json_object_get(
                                           json_object_get(
                                               aspect, "aspect-delta-details"),
                                           "deltas"),
                                       0),
                       "vdu-delta"),
                       i, delta)
    {
        json_int_t n = (json_int_t)number_of(
            json_object_get(delta, "number-of-instances"));
        const json_t *vdu = find_by(json_object_get(vnfd.doc, "vdu"), "id",
                                    sget(delta, "id"));
        const json_t *vdurs = json_object_get(vnfr, "vdur");

        if (rc || !vdu) {
            continue;
        }
        for (json_int_t k = 0; k < (n > 0 ? n : 1); k++) {
            const json_t *v, *last = NULL;
            json_int_t top = -1;
            size_t j;

            json_array_foreach(vdurs, j, v)
            {
                json_int_t ci =
                    json_integer_value(json_object_get(v, "count-index"));

                if (!strcmp(sget(v, "vdu-id-ref"), sget(vdu, "id")) &&
                    ci > top && !find_by_value(json_object_get(
                                                   op_admin, "removed_vdur"),
                                               sget(v, "_id"))) {
                    top = ci;
                    last = v;
                }
            }
            if (out) {
                struct build b = {.st = st, .cp_vl = json_object()};
                json_t *ns_nets = deployed_nets(nsr, NULL);
                json_t *vnf_nets = deployed_nets(nsr, sget(vnfr, "_id"));
                json_t *added = json_object_get(op_admin, "new_vdur");
                json_int_t next = top + 1 + (json_int_t)json_array_size(added);
                const json_t *vl, *cp;
                json_t *nv;
                size_t a, c;

                json_array_foreach(json_object_get(nsr, "vld"), a, vl)
                {
                    json_array_foreach(
                        json_object_get(vl, "vnfd-connection-point-ref"), c,
                        cp)
                    {
                        char key[512];

                        snprintf(key, sizeof key, "%s/%s",
                                 sget(cp, "member-vnf-index-ref"),
                                 sget(cp, "vnfd-connection-point-ref"));
                        json_object_set_new(b.cp_vl, key,
                                            json_string(sget(vl, "id")));
                    }
                }
                nv = make_vdur(&b, vnfd.doc, vdu, member, next,
                               last ? sget(last, "ns-flavor-id") : "0",
                               last ? sget(last, "ns-image-id") : "0");
                plan_vdur(pl, nsr, vnfr, nv, ns_nets, vnf_nets);
                json_array_append_new(added, nv);
                json_decref(ns_nets);
                json_decref(vnf_nets);
                json_decref(b.cp_vl);
            } else if (last) {
                char prefix[512];

                snprintf(prefix, sizeof prefix,
                         "nsr:%s:vnf:%s:vdu:%s:%" JSON_INTEGER_FORMAT,
                         pl->nsr_id, member, sget(last, "vdu-id-ref"), top);
                plan_deletes(pl,
                             json_object_get(json_object_get(
                                                 json_object_get(nsr,
                                                                 "_admin"),
                                                 "deployed"),
                                             "resources"),
                             prefix);
                json_array_append_new(json_object_get(op_admin,
                                                      "removed_vdur"),
                                      json_string(sget(last, "_id")));
            }
        }
    }
    slc_record_clear(&vnfd);
    return rc;
}

static int
check_state(const json_t *nsr, const char *type, struct slc_error *err)
{
    const json_t *admin = json_object_get(nsr, "_admin");
    const char *busy = sget(admin, "nslcmop");
    bool inst = !strcmp(sget(admin, "nsState") ?: "", "INSTANTIATED");

    if (busy) {
        return slc_error_set(err, SLC_EBUSY,
                             "ns '%s' has operation %s (%s) in progress",
                             sget(nsr, "name"), busy,
                             sget(nsr, "currentOperation"));
    }
    if (!strcmp(type, "instantiate") && inst) {
        return slc_error_set(err, SLC_ECONFLICT,
                             "ns '%s' is already instantiated",
                             sget(nsr, "name"));
    }
    if (strcmp(type, "instantiate") && !inst) {
        return slc_error_set(err, SLC_ECONFLICT,
                             "ns '%s' is not instantiated: cannot %s it",
                             sget(nsr, "name"), type);
    }
    return 0;
}

static const struct {
    const char *type, *current, *opstatus, *nsstate;
} op_marks[] = {
    {"instantiate", "INSTANTIATING", "init", "BUILDING"},
    {"terminate", "TERMINATING", "terminating", "TERMINATING"},
    {"scale", "SCALING", "scaling", NULL},
};

int
slc_ns_op_create(struct slc_store *st, const char *nsr_id, const char *type,
                 const json_t *params, double now, double timeout,
                 char op_id[40], struct slc_error *err)
{
    struct slc_record nsr = {0};
    json_t *vnfrs = NULL, *op = NULL, *admin, *op_params;
    struct plan pl = {.nsr_id = nsr_id, .steps = json_array()};
    size_t m = 0;
    int rc;

    while (m < 3 && strcmp(op_marks[m].type, type)) {
        m++;
    }
    if (m == 3) {
        json_decref(pl.steps);
        return slc_error_set(err, SLC_EINVALID, "unknown operation '%s'",
                             type);
    }
    if ((rc = slc_store_begin(st, err))) {
        json_decref(pl.steps);
        return rc;
    }
    rc = get_key(st, "nsrs", "ns", nsr_id, &nsr, err);
    rc = rc ? rc : check_state(nsr.doc, type, err);
    rc = rc ? rc : load_vnfrs(st, nsr.id, &vnfrs, err);
    if (!rc && slc_uuid4(op_id)) {
        rc = slc_error_set(err, SLC_EIO, "no random source");
    }
    if (!rc) {
        pl.nsr_id = nsr.id;
        pl.vim = sget(nsr.doc, "datacenter");
        pl.ns_name = sget(nsr.doc, "name");
        admin = json_pack("{sf sf sO sO s[] s[] sf}", "created", now,
                          "modified", now, "projects_read",
                          json_object_get(json_object_get(nsr.doc, "_admin"),
                                          "projects_read"),
                          "projects_write",
                          json_object_get(json_object_get(nsr.doc, "_admin"),
                                          "projects_write"),
                          "new_vdur", "removed_vdur", "deadline",
                          now + timeout);
        if (!strcmp(type, "instantiate")) {
            plan_instantiate(&pl, nsr.doc, vnfrs, params);
        } else if (!strcmp(type, "terminate")) {
            plan_deletes(&pl,
                         json_object_get(json_object_get(
                                             json_object_get(nsr.doc,
                                                             "_admin"),
                                             "deployed"),
                                         "resources"),
                         NULL);
        } else {
            rc = plan_scale(st, &pl, nsr.doc, vnfrs, params, admin, err);
        }
        json_object_set(admin, "steps", pl.steps);
        op_params = json_deep_copy(params);
        json_object_set_new(op_params, "lcmOperationType", json_string(type));
        json_object_set_new(op_params, "nsInstanceId", json_string(nsr.id));
        op = json_pack(
            "{ss ss ss si ss sn sn sf ss ss sf sb so sb s{ss ss} ss so}",
            "_id", op_id, "id", op_id, "operationState", "PROCESSING",
            "queuePosition", 0, "stage", "", "errorMessage", "detailedStatus",
            "statusEnteredTime", now, "nsInstanceId", nsr.id,
            "lcmOperationType", type, "startTime", now,
            "isAutomaticInvocation", 0, "operationParams", op_params,
            "isCancelPending", 0, "links", "self", "", "nsInstance", "",
            "detailed-status", "processing", "_admin", admin);
    }
    if (!rc) {
        char link[256];
        json_t *nadmin = json_object_get(nsr.doc, "_admin");
        struct slc_record orec = {.id = op_id, .name = nsr.id, .doc = op};

        snprintf(link, sizeof link, "/osm/nslcm/v1/ns_lcm_op_occs/%s", op_id);
        json_object_set_new(json_object_get(op, "links"), "self",
                            json_string(link));
        snprintf(link, sizeof link, "/osm/nslcm/v1/ns_instances/%s", nsr.id);
        json_object_set_new(json_object_get(op, "links"), "nsInstance",
                            json_string(link));
        json_object_set_new(nsr.doc, "currentOperation",
                            json_string(op_marks[m].current));
        json_object_set_new(nsr.doc, "currentOperationID",
                            json_string(op_id));
        json_object_set_new(nsr.doc, "operational-status",
                            json_string(op_marks[m].opstatus));
        if (op_marks[m].nsstate) {
            json_object_set_new(nsr.doc, "nsState",
                                json_string(op_marks[m].nsstate));
        }
        if (!strcmp(type, "terminate")) {
            json_object_set_new(nsr.doc, "config-status",
                                json_string("terminating"));
        }
        json_object_set_new(nsr.doc, "detailed-status",
                            json_string("processing"));
        json_object_set_new(nadmin, "nslcmop", json_string(op_id));
        json_object_set_new(nadmin, "modified", json_real(now));
        rc = slc_store_put(st, "nslcmops", &orec, NULL, SLC_REV_NEW, NULL,
                           err);
        rc = rc ? rc : slc_store_put(st, "nsrs", &nsr, NULL, nsr.rev, NULL,
                                     err);
    }
    rc = rc ? rc : slc_store_commit(st, err);
    if (rc) {
        slc_store_rollback(st);
    } else {
        SLC_INFO("ns '%s': %s operation %s with %zu steps", pl.ns_name, type,
                 op_id, json_array_size(pl.steps));
    }
    json_decref(op);
    json_decref(vnfrs);
    json_decref(pl.steps);
    slc_record_clear(&nsr);
    return rc;
}

/* ---- outcomes ---- */

static json_t *
find_vdur(json_t *vnfrs, const char *vdur_id, json_t **vnfr_out)
{
    size_t i;
    json_t *vnfr;

    json_array_foreach(vnfrs, i, vnfr)
    {
        json_t *v = find_by(json_object_get(vnfr, "vdur"), "_id", vdur_id);

        if (v) {
            *vnfr_out = vnfr;
            return v;
        }
    }
    return NULL;
}

/* Writes what a DONE create step made into the records. */
static void
apply_created(json_t *nsr, json_t *vnfrs, const json_t *s)
{
    const json_t *f = json_object_get(s, "for");
    const char *what = sget(f, "what") ?: "";
    const char *vim_id = sget(s, "vim_id");
    json_t *vnfr = NULL, *vdur;

    if (!strcmp(what, "vld")) {
        json_t *vl = find_by(json_object_get(nsr, "vld"), "id",
                             sget(f, "vld"));

        json_object_set_new(vl, "vim-id", json_string(vim_id));
        json_object_set_new(vl, "status", json_string("ACTIVE"));
    } else if (!strcmp(what, "vnf-vld")) {
        vnfr = find_by(vnfrs, "_id", sget(f, "vnfr"));
        json_object_set_new(find_by(json_object_get(vnfr, "vld"), "id",
                                    sget(f, "vld")),
                            "vim-id", json_string(vim_id));
    } else if (!strcmp(what, "vdur")) {
        vdur = find_vdur(vnfrs, sget(f, "vdur"), &vnfr);
        json_object_set_new(vdur, "vim-id", json_string(vim_id));
        json_object_set_new(vdur, "status", json_string("ACTIVE"));
        json_object_set_new(vdur, "vim-info",
                            json_incref(json_object_get(s, "info")));
    } else if (!strcmp(what, "interface")) {
        const json_t *info = json_object_get(s, "info");
        json_t *iface;

        vdur = find_vdur(vnfrs, sget(f, "vdur"), &vnfr);
        iface = json_array_get(json_object_get(vdur, "interfaces"),
                               (size_t)json_integer_value(
                                   json_object_get(f, "index")));
        json_object_set_new(iface, "vim-interface-id", json_string(vim_id));
        json_object_set(iface, "mac-address",
                        json_object_get(info, "mac_address") ?: json_null());
        json_object_set(iface, "ip-address",
                        json_object_get(info, "ip_address") ?: json_null());
        if (json_is_true(json_object_get(iface, "mgmt-interface")) ||
            !json_is_string(json_object_get(vdur, "ip-address"))) {
            json_object_set(vdur, "ip-address",
                            json_object_get(iface, "ip-address"));
        }
        if (json_is_true(json_object_get(iface, "mgmt-vnf"))) {
            json_object_set(vnfr, "ip-address",
                            json_object_get(iface, "ip-address"));
        }
    }
}

/* Clears what a DONE delete step removed from the records. */
static void
apply_deleted(json_t *nsr, json_t *vnfrs, const json_t *s)
{
    const json_t *f = json_object_get(s, "for");
    const char *what = sget(f, "what") ?: "";
    json_t *vnfr = NULL, *vdur;

    if (!strcmp(what, "vld")) {
        json_t *vl = find_by(json_object_get(nsr, "vld"), "id",
                             sget(f, "vld"));

        json_object_set_new(vl, "vim-id", json_null());
        json_object_set_new(vl, "status", json_null());
    } else if (!strcmp(what, "vdur")) {
        vdur = find_vdur(vnfrs, sget(f, "vdur"), &vnfr);
        json_object_set_new(vdur, "vim-id", json_null());
        json_object_set_new(vdur, "status", json_null());
        json_object_del(vdur, "vim-info");
    }
}

/* Updates the resource list of the NS from the steps: creates that exist
 * are added (even after a failed undo: they must be deleted later),
 * deletes that happened are removed. */
static void
update_resources(json_t *resources, const json_t *steps)
{
    const json_t *s;
    size_t i;

    json_array_foreach(steps, i, s)
    {
        const char *state = sget(s, "state");
        const char *vim_id = sget(s, "vim_id");
        bool create = !strcmp(sget(s, "action"), "create");

        if (!vim_id) {
            continue;
        }
        if (create && (!strcmp(state, "DONE") ||
                       (!strcmp(state, "FAILED") &&
                        json_object_get(s, "vim_id")))) {
            json_array_append_new(
                resources,
                json_pack("{sO sO sO sO sO sO* sO*}", "kind",
                          json_object_get(s, "kind"), "vim",
                          json_object_get(s, "vim"), "vim_id",
                          json_object_get(s, "vim_id"), "tag",
                          json_object_get(s, "tag"), "name",
                          json_object_get(s, "name"), "spec",
                          json_object_get(s, "spec"), "for",
                          json_object_get(s, "for")));
        } else if (!create && !strcmp(state, "DONE")) {
            size_t j;
            json_t *r;

            json_array_foreach(resources, j, r)
            {
                if (!strcmp(sget(r, "vim_id") ?: "", vim_id)) {
                    json_array_remove(resources, j);
                    break;
                }
            }
        }
    }
}

static void
set_vnfrs_state(json_t *vnfrs, const char *state)
{
    size_t i;
    json_t *v;

    json_array_foreach(vnfrs, i, v)
    {
        json_object_set_new(json_object_get(v, "_admin"), "nsState",
                            json_string(state));
    }
}

static void
finish_scale(json_t *nsr, json_t *vnfrs, const json_t *op_admin, bool ok)
{
    const json_t *sc = json_object_get(op_admin, "scale");
    json_t *vnfr = find_by(vnfrs, "_id", sget(sc, "vnfr"));
    json_t *groups = json_object_get(json_object_get(vnfr, "_admin"),
                                     "scaling-group");
    json_t *g = find_by(groups, "name", sget(sc, "aspect"));
    bool out = json_is_true(json_object_get(sc, "out"));
    const json_t *x;
    size_t i;

    if (!ok || !vnfr) {
        return;
    }
    if (!g) {
        g = json_pack("{ss si}", "name", sget(sc, "aspect"), "nb-scale-op",
                      0);
        json_array_append_new(groups, g);
    }
    json_object_set_new(
        g, "nb-scale-op",
        json_integer(json_integer_value(json_object_get(g, "nb-scale-op")) +
                     (out ? 1 : -1)));
    json_array_foreach(json_object_get(op_admin, "removed_vdur"), i, x)
    {
        size_t j;
        json_t *v;

        json_array_foreach(json_object_get(vnfr, "vdur"), j, v)
        {
            if (!strcmp(sget(v, "_id"), json_string_value(x))) {
                json_array_remove(json_object_get(vnfr, "vdur"), j);
                break;
            }
        }
    }
}

static int
store_outcome(struct slc_store *st, struct slc_record *nsr, json_t *vnfrs,
              bool remove, struct slc_error *err)
{
    json_t *v;
    size_t i;
    int rc = remove ? slc_store_del(st, "nsrs", nsr->id, nsr->rev, err)
                    : slc_store_put(st, "nsrs", nsr, NULL, nsr->rev, NULL,
                                    err);

    json_array_foreach(vnfrs, i, v)
    {
        struct slc_record vr = {
            .id = (char *)sget(v, "_id"),
            .name = nsr->id,
            .doc = v,
        };

        if (rc) {
            break;
        }
        rc = remove ? slc_store_del(st, "vnfrs", vr.id, SLC_REV_ANY, err)
                    : slc_store_put(st, "vnfrs", &vr, NULL, SLC_REV_ANY,
                                    NULL, err);
    }
    return rc;
}

int
slc_ns_op_finish(struct slc_store *st, json_t *op, double now,
                 struct slc_error *err)
{
    const char *type = sget(op, "lcmOperationType");
    const char *state = sget(op, "operationState");
    json_t *op_admin = json_object_get(op, "_admin");
    const json_t *steps = json_object_get(op_admin, "steps");
    bool ok = !strcmp(state, "COMPLETED");
    bool remove = false;
    struct slc_record nsr = {0};
    json_t *vnfrs = NULL, *nadmin, *resources;
    const json_t *s;
    size_t i;
    int rc = slc_store_get(st, "nsrs", sget(op, "nsInstanceId"), &nsr, err);

    rc = rc ? rc : load_vnfrs(st, nsr.id, &vnfrs, err);
    if (rc) {
        slc_record_clear(&nsr);
        return rc == SLC_ENOTFOUND ? 0 : rc; /* the NS went away (FORCE) */
    }
    nadmin = json_object_get(nsr.doc, "_admin");
    resources = json_object_get(json_object_get(nadmin, "deployed"),
                                "resources");
    if (!strcmp(type, "scale") && ok) {
        const json_t *sc = json_object_get(op_admin, "scale");
        json_t *vnfr = find_by(vnfrs, "_id", sget(sc, "vnfr"));

        json_array_foreach(json_object_get(op_admin, "new_vdur"), i, s)
        {
            json_array_append(json_object_get(vnfr, "vdur"), (json_t *)s);
        }
    }
    update_resources(resources, steps);
    json_array_foreach(steps, i, s)
    {
        if (ok && !strcmp(sget(s, "action"), "create")) {
            apply_created(nsr.doc, vnfrs, s);
        } else if (!strcmp(sget(s, "action"), "delete") &&
                   !strcmp(sget(s, "state"), "DONE")) {
            apply_deleted(nsr.doc, vnfrs, s);
        }
    }
    if (!strcmp(type, "scale")) {
        finish_scale(nsr.doc, vnfrs, op_admin, ok);
    }
    json_object_set_new(nsr.doc, "detailed-status",
                        json_string(ok ? "done" : sget(op, "errorMessage")
                                                      ?: state));
    json_object_set_new(nsr.doc, "errorDescription",
                        ok ? json_null()
                           : json_sprintf("%s: %s", type, state));
    json_object_set(nsr.doc, "errorDetail",
                    ok ? json_null() : json_object_get(op, "errorMessage"));
    if (!strcmp(type, "instantiate")) {
        bool left = json_array_size(resources) > 0;

        json_object_set_new(nsr.doc, "nsState",
                            json_string(ok ? "READY"
                                           : left ? "BROKEN"
                                                  : "NOT_INSTANTIATED"));
        json_object_set_new(nsr.doc, "operational-status",
                            json_string(ok ? "running" : "failed"));
        json_object_set_new(nsr.doc, "config-status",
                            json_string(ok ? "configured" : "failed"));
        json_object_set_new(nadmin, "nsState",
                            json_string(ok || left ? "INSTANTIATED"
                                                   : "NOT_INSTANTIATED"));
        set_vnfrs_state(vnfrs, ok || left ? "INSTANTIATED"
                                          : "NOT_INSTANTIATED");
    } else if (!strcmp(type, "terminate")) {
        json_object_set_new(nsr.doc, "nsState",
                            json_string(ok ? "NOT_INSTANTIATED" : "BROKEN"));
        json_object_set_new(nsr.doc, "operational-status",
                            json_string(ok ? "terminated" : "failed"));
        json_object_set_new(nsr.doc, "config-status",
                            json_string(ok ? "terminated" : "failed"));
        if (ok) {
            json_object_set_new(nadmin, "nsState",
                                json_string("NOT_INSTANTIATED"));
            set_vnfrs_state(vnfrs, "NOT_INSTANTIATED");
            remove = json_is_true(json_object_get(
                json_object_get(op, "operationParams"), "autoremove"));
        }
    } else {
        json_object_set_new(nsr.doc, "nsState",
                            json_string(!strcmp(state, "FAILED") ? "DEGRADED"
                                                                 : "READY"));
        json_object_set_new(nsr.doc, "operational-status",
                            json_string("running"));
    }
    json_object_set_new(nsr.doc, "currentOperation", json_string("IDLE"));
    json_object_set_new(nsr.doc, "currentOperationID", json_null());
    json_object_set_new(nadmin, "nslcmop", json_null());
    json_object_set_new(nadmin, "modified", json_real(now));
    rc = store_outcome(st, &nsr, vnfrs, remove, err);
    json_decref(vnfrs);
    slc_record_clear(&nsr);
    return rc;
}

static int
collect_ids(const char *coll, const struct slc_record *rec, void *arg)
{
    json_array_append_new(arg, json_string(rec->id));
    return 0;
}

int
slc_ns_delete(struct slc_store *st, const char *nsr_id, bool force,
              struct slc_error *err)
{
    struct slc_record nsr = {0};
    json_t *ids = json_array();
    const json_t *id;
    size_t i;
    int rc = slc_store_begin(st, err);

    rc = rc ? rc : get_key(st, "nsrs", "ns", nsr_id, &nsr, err);
    if (!rc && !force) {
        const json_t *admin = json_object_get(nsr.doc, "_admin");

        if (sget(admin, "nslcmop")) {
            rc = slc_error_set(err, SLC_EBUSY,
                               "ns '%s' has operation %s in progress",
                               nsr.name, sget(admin, "nslcmop"));
        } else if (!strcmp(sget(admin, "nsState") ?: "", "INSTANTIATED")) {
            rc = slc_error_set(err, SLC_ECONFLICT,
                               "ns '%s' is instantiated: terminate it first",
                               nsr.name);
        }
    }
    rc = rc ? rc : slc_store_list(st, "vnfrs", nsr.id, collect_ids, ids, err);
    json_array_foreach(ids, i, id)
    {
        rc = rc ? rc : slc_store_del(st, "vnfrs", json_string_value(id),
                                     SLC_REV_ANY, err);
    }
    json_array_clear(ids);
    rc = rc ? rc : slc_store_list(st, "nslcmops", nsr.id, collect_ids, ids,
                                  err);
    json_array_foreach(ids, i, id)
    {
        rc = rc ? rc : slc_store_del(st, "nslcmops", json_string_value(id),
                                     SLC_REV_ANY, err);
    }
    rc = rc ? rc : slc_store_del(st, "nsrs", nsr.id, nsr.rev, err);
    rc = rc ? rc : slc_store_commit(st, err);
    if (rc) {
        slc_store_rollback(st);
    } else {
        SLC_INFO("ns '%s' deleted (%s)", nsr.name, nsr.id);
    }
    json_decref(ids);
    slc_record_clear(&nsr);
    return rc;
}

/* NS and VNF records: building them from an NSD and its VNFDs as OSM
 * shapes them (osm-nbi.md section 4.2), storing and deleting them.
 * Operations on them are in ns-lcm.c; the JSON helpers both use are
 * here too (ns-lcm-internal.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ns-lcm-internal.h"
#include "ns-lcm.h"
#include "pdu.h"
#include "placement.h"
#include "slc-id.h"
#include "slc-log.h"

SLC_LOG_MODULE(ns_records);

const char *
slc_ns_str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

json_t *
slc_ns_find(const json_t *list, const char *key, const char *value)
{
    size_t i;
    json_t *item;

    json_array_foreach(list, i, item)
    {
        const char *v = slc_ns_str(item, key);

        if (v && value && !strcmp(v, value)) {
            return item;
        }
    }
    return NULL;
}

bool
slc_ns_has(const json_t *list, const char *value)
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

/* 'rc' of a read of 'key', its SLC_ENOTFOUND naming 'what'. */
static int
found(int rc, const char *what, const char *key, struct slc_error *err)
{
    return rc == SLC_ENOTFOUND ? slc_error_set(err, SLC_ENOTFOUND,
                                               "%s '%s' not found", what, key)
                               : rc;
}

int
slc_ns_get_record(struct slc_store *st, const char *coll, const char *what,
                  const char *key, const struct slc_scope *sc,
                  struct slc_record *out, struct slc_error *err)
{
    return found(slc_store_find_in(st, coll, key, sc, out, err), what, key,
                 err);
}

int
slc_ns_get_shared(struct slc_store *st, const char *coll, const char *what,
                  const char *key, const struct slc_scope *sc,
                  struct slc_record *out, struct slc_error *err)
{
    return found(slc_store_find_in_shared(st, coll, key, sc, out, err), what,
                 key, err);
}

/* ---- records ---- */

struct build {
    struct slc_store *st;
    const struct slc_scope *sc; /* what the request may name */
    const json_t *req;
    json_t *nsr;
    json_t *vnfrs; /* [VNFR docs] */
    json_t *links;
    json_t *cp_vl; /* "<member>/<ext-cpd>" -> NS VL id */
    struct slc_error *err;
};

static const char *
vl_of_profile(const json_t *df, const char *profile)
{
    const json_t *p = slc_ns_find(json_object_get(df, "virtual-link-profile"),
                                  "id", profile);

    return p ? slc_ns_str(p, "virtual-link-desc-id") : profile;
}

static json_int_t
vdu_count(const json_t *vnfd, const char *vdu)
{
    const json_t *df = json_array_get(json_object_get(vnfd, "df"), 0);
    const json_t *lvl =
        json_array_get(json_object_get(df, "instantiation-level"), 0);
    const json_t *vl =
        slc_ns_find(json_object_get(lvl, "vdu-level"), "vdu-id", vdu);
    const json_t *prof =
        slc_ns_find(json_object_get(df, "vdu-profile"), "id", vdu);
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

double
slc_ns_number(const json_t *v)
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
    const json_t *vcd =
        slc_ns_find(json_object_get(vnfd, "virtual-compute-desc"), "id",
                    slc_ns_str(vdu, "virtual-compute-desc"));
    const json_t *vcpu = json_object_get(vcd, "virtual-cpu");
    const json_t *vmem = json_object_get(vcd, "virtual-memory");
    double cpus = slc_ns_number(json_object_get(vcpu, "num-virtual-cpu"));
    double mem_gb = slc_ns_number(json_object_get(vmem, "size"));
    double disk = 0;
    const json_t *sid;
    size_t i;
    char id[24], name[256];

    json_array_foreach(json_object_get(vdu, "virtual-storage-desc"), i, sid)
    {
        const json_t *vsd =
            slc_ns_find(json_object_get(vnfd, "virtual-storage-desc"), "id",
                        json_string_value(sid));

        disk += slc_ns_number(json_object_get(vsd, "size-of-storage"));
    }
    snprintf(id, sizeof id, "%zu", index);
    snprintf(name, sizeof name, "%s-%s-flv", slc_ns_str(vdu, "id"), member);
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

        if (ic && !strcmp(slc_ns_str(ic, "vdu-id") ?: "", vdu) &&
            !strcmp(slc_ns_str(ic, "cpd") ?: "", cpd)) {
            return e;
        }
    }
    return NULL;
}

json_t *
slc_ns_make_vdur(const json_t *cp_vl, const json_t *vnfd, const json_t *vdu,
                 const char *member, json_int_t count_index,
                 const char *flavor_id, const char *image_id)
{
    char id[SLC_UUID_STR_SIZE], key[512];
    json_t *ifaces = json_array();
    const json_t *c;
    size_t i;

    if (slc_uuid7(id)) {
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
            const json_t *ext =
                ext_cpd_of(vnfd, slc_ns_str(vdu, "id"), slc_ns_str(c, "id"));
            json_t *iface = json_pack(
                "{ss sO* ss sn sn}", "name", slc_ns_str(vnir, "name"),
                "position", json_object_get(vnir, "position"), "type",
                slc_ns_str(vi, "type") ? slc_ns_str(vi, "type") : "VIRTIO",
                "mac-address", "ip-address");

            if (slc_ns_str(c, "int-virtual-link-desc")) {
                json_object_set_new(
                    iface, "vnf-vld-id",
                    json_string(slc_ns_str(c, "int-virtual-link-desc")));
                json_object_set_new(iface, "internal-connection-point-ref",
                                    json_string(slc_ns_str(c, "id")));
            } else if (ext) {
                const char *vl;

                snprintf(key, sizeof key, "%s/%s", member,
                         slc_ns_str(ext, "id"));
                vl = json_string_value(json_object_get(cp_vl, key));
                json_object_set_new(iface, "external-connection-point-ref",
                                    json_string(slc_ns_str(ext, "id")));
                if (vl) {
                    json_object_set_new(iface, "ns-vld-id", json_string(vl));
                }
                if (slc_ns_str(vnfd, "mgmt-cp") &&
                    !strcmp(slc_ns_str(vnfd, "mgmt-cp"),
                            slc_ns_str(ext, "id"))) {
                    json_object_set_new(iface, "mgmt-vnf", json_true());
                    json_object_set_new(iface, "mgmt-interface", json_true());
                }
            }
            json_array_append_new(ifaces, iface);
        }
    }
    /* the VDU's inline cloud-init: what a VIM that boots images passes
     * to its instances as user data (cloud-init-file is not kept: a
     * package keeps only its scripts/ folder) */
    return json_pack("{ss ss ss ss sI sn sn sn ss? ss? ss* so ss*}", "_id",
                     id, "id", id, "vdu-id-ref", slc_ns_str(vdu, "id"),
                     "vdu-name",
                     slc_ns_str(vdu, "name") ? slc_ns_str(vdu, "name")
                                             : slc_ns_str(vdu, "id"),
                     "count-index", count_index, "ip-address", "status",
                     "vim-id", "ns-flavor-id", flavor_id, "ns-image-id",
                     image_id, "pdu-type", slc_ns_str(vdu, "pdu-type"),
                     "interfaces", ifaces, "cloud-init",
                     slc_ns_str(vdu, "cloud-init"));
}

/* A VNF record's _admin.created and .modified, epoch seconds as in every
 * OSM record (osmclient's "vnf-list --long" reads both). */
static void
stamp(json_t *vnfr, double now)
{
    json_t *admin = json_object_get(vnfr, "_admin");

    json_object_set_new(admin, "created", json_real(now));
    json_object_set_new(admin, "modified", json_real(now));
}

static int
build_vnfr(struct build *b, const json_t *profile, const char *nsr_id,
           const char *vim, const char *project, double now)
{
    const char *member = slc_ns_str(profile, "id");
    json_t *flavors = json_object_get(b->nsr, "flavor");
    json_t *images = json_object_get(b->nsr, "image");
    struct slc_record vnfd_rec;
    json_t *vnfd, *vnfr, *vdurs, *cps, *vlds;
    const json_t *x;
    char id[SLC_UUID_STR_SIZE];
    size_t i;
    int rc = slc_store_find_in_shared(b->st, "vnfds",
                                      slc_ns_str(profile, "vnfd-id"), b->sc,
                                      &vnfd_rec, b->err);

    if (rc) {
        return rc == SLC_ENOTFOUND
                   ? slc_error_set(b->err, SLC_ECONFLICT,
                                   "vnfd '%s' (vnf-profile '%s') is not "
                                   "onboarded",
                                   slc_ns_str(profile, "vnfd-id"), member)
                   : rc;
    }
    vnfd = vnfd_rec.doc;
    if (slc_uuid7(id)) {
        slc_record_clear(&vnfd_rec);
        return slc_error_set(b->err, SLC_EIO, "no random source");
    }
    vdurs = json_array();
    cps = json_array();
    vlds = json_array();
    json_array_foreach(json_object_get(vnfd, "ext-cpd"), i, x)
    {
        json_array_append_new(
            cps,
            json_pack("{ss ss ss ss*}", "name", slc_ns_str(x, "id"), "id",
                      slc_ns_str(x, "id"), "connection-point-id",
                      slc_ns_str(x, "id"), "connection-point-vdu-id",
                      slc_ns_str(json_object_get(x, "int-cpd"), "vdu-id")));
    }
    json_array_foreach(json_object_get(vnfd, "int-virtual-link-desc"), i, x)
    {
        json_t *vl = json_deep_copy(x);

        json_object_set_new(vl, "name", json_string(slc_ns_str(x, "id")));
        json_array_append_new(vlds, vl);
    }
    json_array_foreach(json_object_get(vnfd, "vdu"), i, x)
    {
        json_int_t n = vdu_count(vnfd, slc_ns_str(x, "id"));
        json_t *flavor =
            make_flavor(vnfd, x, member, json_array_size(flavors));
        const json_t *swi = slc_ns_find(json_object_get(vnfd, "sw-image-desc"),
                                        "id", slc_ns_str(x, "sw-image-desc"));
        char image_id[24];

        if (slc_ns_str(x, "pdu-type")) {
            /* a physical device: no flavor, no image, one instance */
            json_decref(flavor);
            json_array_append_new(vdurs, slc_ns_make_vdur(b->cp_vl, vnfd, x,
                                                          member, 0, NULL,
                                                          NULL));
            continue;
        }
        snprintf(image_id, sizeof image_id, "%zu", json_array_size(images));
        json_array_append_new(
            images, json_pack("{ss ss ss*}", "id", image_id, "image",
                              slc_ns_str(swi, "image") ? slc_ns_str(swi, "image")
                                                 : slc_ns_str(x, "sw-image-desc")
                                                       ?: "",
                              "name", slc_ns_str(swi, "name")));
        for (json_int_t k = 0; k < n; k++) {
            json_array_append_new(
                vdurs, slc_ns_make_vdur(b->cp_vl, vnfd, x, member, k,
                                        slc_ns_str(flavor, "id"), image_id));
        }
        json_array_append_new(flavors, flavor);
    }
    vnfr = json_pack(
        "{ss ss ss ss ss ss ss sn so so so sf s{ss s[s] s[s] s[]}}", "_id", id,
        "id", id, "nsr-id-ref", nsr_id, "member-vnf-index-ref", member,
        "vnfd-ref", slc_ns_str(vnfd, "id"), "vnfd-id", vnfd_rec.id,
        "vim-account-id", vim, "ip-address", "connection-point", cps, "vld",
        vlds, "vdur", vdurs, "created-time", now, "_admin", "nsState",
        "NOT_INSTANTIATED", "projects_read", project, "projects_write",
        project, "scaling-group");
    stamp(vnfr, now);
    json_array_append_new(b->vnfrs, vnfr);
    json_array_append_new(json_object_get(b->nsr, "constituent-vnfr-ref"),
                          json_string(id));
    if (!slc_ns_has(json_object_get(b->nsr, "vnfd-id"), vnfd_rec.id)) {
        json_array_append_new(json_object_get(b->nsr, "vnfd-id"),
                              json_string(vnfd_rec.id));
        json_array_append_new(
            b->links, json_pack("[ss]", "vnfds", slc_ns_str(vnfd, "id")));
    }
    slc_record_clear(&vnfd_rec);
    return 0;
}

static const char *const profile_lists[] = {"vnf-profile", "pnf-profile",
                                            NULL};

static void connect_profiles(struct build *b, const json_t *df, json_t *vlds,
                             const json_t *profiles);

/* The VNF record of a PNF (pnf-profile 'profile'): OSM has no PNF
 * records, so a PNF is shown as OSM shows a PNF made of a VNFD with a
 * pdu-type VDU: one VDU record whose pdu-type is the PNFD id and whose
 * interfaces are the PNFD's external CPs.  Binding it to a PDU of that
 * type happens at instantiation (pdu.h). */
static int
build_pnfr(struct build *b, const json_t *profile, const char *nsr_id,
           const char *vim, const char *project, double now)
{
    const char *member = slc_ns_str(profile, "id");
    struct slc_record pnfd_rec;
    json_t *cps, *ifaces, *vdur, *vnfr;
    const json_t *x;
    char id[SLC_UUID_STR_SIZE], vdur_id[SLC_UUID_STR_SIZE], key[512];
    size_t i;
    int rc = slc_store_find_in(b->st, "pnfds",
                               slc_ns_str(profile, "pnfd-id"), b->sc,
                               &pnfd_rec, b->err);

    if (rc) {
        return rc == SLC_ENOTFOUND
                   ? slc_error_set(b->err, SLC_ECONFLICT,
                                   "pnfd '%s' (pnf-profile '%s') is not "
                                   "onboarded",
                                   slc_ns_str(profile, "pnfd-id"), member)
                   : rc;
    }
    if (slc_uuid7(id) || slc_uuid7(vdur_id)) {
        slc_record_clear(&pnfd_rec);
        return slc_error_set(b->err, SLC_EIO, "no random source");
    }
    cps = json_array();
    ifaces = json_array();
    json_array_foreach(json_object_get(pnfd_rec.doc, "ext-cpd"), i, x)
    {
        const char *vl;

        snprintf(key, sizeof key, "%s/%s", member, slc_ns_str(x, "id"));
        vl = json_string_value(json_object_get(b->cp_vl, key));
        json_array_append_new(
            cps, json_pack("{ss ss ss ss}", "name", slc_ns_str(x, "id"), "id",
                           slc_ns_str(x, "id"), "connection-point-id",
                           slc_ns_str(x, "id"), "connection-point-vdu-id",
                           pnfd_rec.name));
        json_array_append_new(
            ifaces, json_pack("{ss sI sn sn ss ss*}", "name",
                              slc_ns_str(x, "id"), "position", (json_int_t)i,
                              "mac-address",
                              "ip-address", "external-connection-point-ref",
                              slc_ns_str(x, "id"), "ns-vld-id", vl));
    }
    vdur = json_pack("{ss ss ss ss si sn sn sn ss so}", "_id", vdur_id, "id",
                     vdur_id, "vdu-id-ref", pnfd_rec.name, "vdu-name",
                     slc_ns_str(pnfd_rec.doc, "name") ?: pnfd_rec.name,
                     "count-index", 0, "ip-address", "status", "vim-id",
                     "pdu-type", pnfd_rec.name, "interfaces", ifaces);
    vnfr = json_pack(
        "{ss ss ss ss ss sn ss ss sn so s[] s[o] sf s{ss s[s] s[s] s[]}}",
        "_id", id, "id", id, "nsr-id-ref", nsr_id, "member-vnf-index-ref",
        member, "vnfd-ref", pnfd_rec.name, "vnfd-id", "pnfd-id", pnfd_rec.id,
        "vim-account-id", vim, "ip-address", "connection-point", cps, "vld",
        "vdur", vdur, "created-time", now, "_admin", "nsState",
        "NOT_INSTANTIATED", "projects_read", project, "projects_write",
        project, "scaling-group");
    stamp(vnfr, now);
    json_array_append_new(b->vnfrs, vnfr);
    json_array_append_new(json_object_get(b->nsr, "constituent-vnfr-ref"),
                          json_string(id));
    json_array_foreach(b->links, i, x)
    {
        if (!strcmp(json_string_value(json_array_get(x, 0)), "pnfds") &&
            !strcmp(json_string_value(json_array_get(x, 1)), pnfd_rec.name)) {
            break;
        }
    }
    if (i == json_array_size(b->links)) {
        json_array_append_new(b->links,
                              json_pack("[ss]", "pnfds", pnfd_rec.name));
    }
    slc_record_clear(&pnfd_rec);
    return 0;
}

/* Fills the NSR's VLs and the CP -> VL map from the vnf- and
 * pnf-profiles. */
static void
map_connectivity(struct build *b, const json_t *nsd, const json_t *df)
{
    json_t *vlds = json_object_get(b->nsr, "vld");
    const json_t *vl;
    size_t i;

    json_array_foreach(json_object_get(nsd, "virtual-link-desc"), i, vl)
    {
        json_t *copy = json_deep_copy(vl);

        const json_t *l3 = NULL, *prof;
        size_t m;

        json_array_foreach(json_object_get(df, "virtual-link-profile"), m,
                           prof)
        {
            if (!strcmp(slc_ns_str(prof, "virtual-link-desc-id") ?: "",
                        slc_ns_str(vl, "id"))) {
                l3 = json_object_get(
                    json_object_get(prof, "virtual-link-protocol-data"),
                    "l3-protocol-data");
            }
        }
        if (slc_ns_str(l3, "cidr")) {
            /* OSM's NSR shape of a subnet */
            json_object_set_new(
                copy, "ip-profile",
                json_pack("{ss* ss ss*}", "ip-version",
                          slc_ns_str(l3, "ip-version"), "subnet-address",
                          slc_ns_str(l3, "cidr"), "gateway-address",
                          slc_ns_str(l3, "gateway-ip")));
        }
        json_object_set_new(copy, "name", json_string(slc_ns_str(vl, "id")));
        json_object_set_new(copy, "vnfd-connection-point-ref", json_array());
        json_object_set_new(copy, "vim-id", json_null());
        json_object_set_new(copy, "status", json_null());
        json_array_append_new(vlds, copy);
    }
    for (const char *const *list = profile_lists; *list; list++) {
        connect_profiles(b, df, vlds, json_object_get(df, *list));
    }
}

/* Adds the connection points of the vnf- or pnf-profiles 'profiles' to the
 * NSR's VLs and to the CP -> VL map. */
static void
connect_profiles(struct build *b, const json_t *df, json_t *vlds,
                 const json_t *profiles)
{
    const json_t *p;
    size_t i, j, k;

    json_array_foreach(profiles, i, p)
    {
        const json_t *vlc;

        json_array_foreach(json_object_get(p, "virtual-link-connectivity"), j,
                           vlc)
        {
            const char *vlid =
                vl_of_profile(df, slc_ns_str(vlc, "virtual-link-profile-id"));
            json_t *nsvl = slc_ns_find(vlds, "id", vlid);
            const json_t *cc;

            json_array_foreach(json_object_get(vlc, "constituent-cpd-id"), k,
                               cc)
            {
                char key[512];

                if (!nsvl ||
                    strcmp(slc_ns_str(cc, "constituent-base-element-id") ?: "",
                           slc_ns_str(p, "id"))) {
                    continue;
                }
                json_array_append_new(
                    json_object_get(nsvl, "vnfd-connection-point-ref"),
                    json_pack("{ss ss ss ss*}", "member-vnf-index-ref",
                              slc_ns_str(p, "id"), "vnfd-connection-point-ref",
                              slc_ns_str(cc, "constituent-cpd-id"),
                              "vnfd-id-ref",
                              slc_ns_str(p, "vnfd-id")
                                  ?: slc_ns_str(p, "pnfd-id"),
                              "ip-address", slc_ns_str(cc, "ip-address")));
                snprintf(key, sizeof key, "%s/%s", slc_ns_str(p, "id"),
                         slc_ns_str(cc, "constituent-cpd-id"));
                json_object_set_new(b->cp_vl, key, json_string(vlid));
            }
        }
    }
}

/* 'for_slice': an NS a slice makes, whose record the slice only reads as
 * made (slc_ns_op_try), and its instantiation reads back one advance
 * later: that reader may have the very tree.  Any other NS's record
 * 'handed' to the caller goes as made to its first operation
 * (ns_instances_content), which does not read it back; otherwise a later
 * request reads it back: a copy for it. */
static int
store_records(struct slc_store *st, const json_t *nsr, const json_t *vnfrs,
              const json_t *links, bool for_slice, bool handed,
              int64_t *nsr_rev, struct slc_error *err)
{
    struct slc_record rec = {
        .id = (char *)slc_ns_str(nsr, "_id"),
        .name = (char *)slc_ns_str(nsr, "name"),
        .doc = (json_t *)nsr,
        .reread = for_slice || !handed,
        .give = for_slice,
    };
    const json_t *v;
    size_t i;
    int rc = slc_store_put(st, "nsrs", &rec, links, SLC_REV_NEW, nsr_rev,
                           err);

    json_array_foreach(vnfrs, i, v)
    {
        struct slc_record vr = {
            .id = (char *)slc_ns_str(v, "_id"),
            .name = (char *)slc_ns_str(v, "nsr-id-ref"),
            .doc = (json_t *)v,
            .reread = true,
            .give = true, /* the caller only drops them after this */
        };

        rc =
            rc ? rc
               : slc_store_put(st, "vnfrs", &vr, NULL, SLC_REV_NEW, NULL, err);
    }
    return rc;
}

/* The NSR of a new NS, with OSM's initial values (osm-nbi.md 4.2). */
static json_t *
new_nsr(const json_t *req, const char *id, json_t *nsd, const char *nsd_id,
        const char *vim_id, const char *project, double now)
{
    const char *name = slc_ns_str(req, "nsName");
    json_t *nsr = json_object();
    static const char *const nulls[] = {
        "currentOperationID",
        "errorDescription",
        "errorDetail",
        "deploymentStatus",
        "configurationStatus",
        "vcaStatus",
        "orchestration-progress",
        NULL,
    };
    static const char *const lists[] = {
        "constituent-vnfr-ref",
        "vnfd-id",
        "vld",
        "flavor",
        "image",
        "vnffgd",
        NULL,
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
    json_object_set_new(nsr, "nsd-ref", json_string(slc_ns_str(nsd, "id")));
    json_object_set_new(nsr, "nsd-id", json_string(nsd_id));
    json_object_set_new(
        nsr, "nsd-name-ref",
        json_string(slc_ns_str(nsd, "name") ?: slc_ns_str(nsd, "id")));
    json_object_set_new(nsr, "nsd", nsd);
    json_object_set_new(nsr, "datacenter", json_string(vim_id));
    json_object_set_new(nsr, "resource-orchestrator", json_string("slicer"));
    json_object_set_new(nsr, "instantiate_params", json_deep_copy(req));
    json_object_set_new(nsr, "create-time", json_real(now));
    json_object_set_new(nsr, "_admin",
                        json_pack("{ss s{s[]} sn s[s] s[s] sf sf}", "nsState",
                                  "NOT_INSTANTIATED", "deployed", "resources",
                                  "nslcmop", "projects_read", project,
                                  "projects_write", project, "created", now,
                                  "modified", now));
    return nsr;
}

int
slc_ns_create(struct slc_store *st, const json_t *req,
              const struct slc_scope *sc, double now, const char *nsi_user,
              char nsr_id[40], struct slc_record *out, struct slc_error *err)
{
    struct slc_record nsd_rec = {0}, vim_rec = {0};
    int64_t nsr_rev = 0;
    struct build b = {.st = st, .sc = sc, .req = req, .err = err};
    const char *project = sc ? sc->project : NULL;
    const json_t *df, *p;
    json_t *nsd;
    size_t i;
    int rc;

    if (out) {
        memset(out, 0, sizeof *out);
    }
    if ((rc = slc_store_begin(st, err))) {
        return rc;
    }
    rc = slc_ns_get_shared(st, "nsds", "nsd", slc_ns_str(req, "nsdId"), sc,
                           &nsd_rec, err);
    if (!rc && !strcmp(slc_ns_str(json_object_get(nsd_rec.doc, "_admin"),
                                  "operationalState")
                           ?: "",
                       "DISABLED")) {
        rc = slc_error_set(err, SLC_ECONFLICT, "nsd '%s' is DISABLED",
                           nsd_rec.name);
    }
    rc =
        rc ? rc
           : slc_ns_get_shared(st, "vim_accounts", "vim account",
                               slc_ns_str(req, "vimAccountId"), sc, &vim_rec,
                               err);
    if (!rc && slc_uuid7(nsr_id)) {
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
    b.nsr = new_nsr(req, nsr_id, nsd, nsd_rec.id, vim_rec.id, project, now);
    if (!b.vnfrs || !b.cp_vl || !b.links || !b.nsr) {
        rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
    } else if (nsi_user) {
        json_object_set_new(json_object_get(b.nsr, "_admin"),
                            "netslice-users", json_pack("[s]", nsi_user));
    }
    if (!rc) {
        map_connectivity(&b, nsd, df);
    }
    json_array_foreach(json_object_get(df, "vnf-profile"), i, p)
    {
        rc = rc ? rc : build_vnfr(&b, p, nsr_id, vim_rec.id, project, now);
    }
    json_array_foreach(json_object_get(df, "pnf-profile"), i, p)
    {
        rc = rc ? rc : build_pnfr(&b, p, nsr_id, vim_rec.id, project, now);
    }
    {
        const json_t *fg;
        size_t k;

        json_array_foreach(json_object_get(nsd, "vnffgd"), k, fg)
        {
            json_array_append_new(json_object_get(b.nsr, "vnffgd"),
                                  json_pack("{sO* sO*}", "id",
                                            json_object_get(fg, "id"), "nfpd",
                                            json_object_get(fg, "nfpd")));
        }
    }
    rc = rc ? rc
            : store_records(st, b.nsr, b.vnfrs, b.links, nsi_user != NULL,
                            out != NULL, &nsr_rev, err);
    if (!rc && out) {
        const char *name = slc_ns_str(b.nsr, "name");

        *out = (struct slc_record){.id = strdup(nsr_id),
                                   .name = name ? strdup(name) : NULL,
                                   .rev = nsr_rev,
                                   .doc = json_incref(b.nsr)};
        if (!out->id || (name && !out->name)) {
            rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
        }
    }
    rc = rc ? rc : slc_store_commit(st, err);
    if (rc) {
        slc_store_rollback(st);
        if (out) {
            slc_record_clear(out);
        }
    } else {
        SLC_INFO("ns '%s' created (%s) from nsd '%s' with %zu vnfs",
                 slc_ns_str(req, "nsName"), nsr_id, nsd_rec.name,
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

static int
collect_vnfr(const char *coll, const struct slc_record *rec, void *arg)
{
    json_array_append(arg, rec->doc);
    return 0;
}

int
slc_ns_load_vnfrs(struct slc_store *st, const char *nsr_id, json_t **out,
                  struct slc_error *err)
{
    json_t *docs = json_array();
    int rc = slc_store_list(st, "vnfrs", nsr_id, collect_vnfr, docs, err);

    if (rc) {
        json_decref(docs);
        return rc;
    }
    *out = docs;
    return 0;
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

    rc = rc ? rc
            : slc_ns_get_record(st, "nsrs", "ns", nsr_id, NULL, &nsr, err);
    if (!rc && !force) {
        const json_t *admin = json_object_get(nsr.doc, "_admin");

        if (slc_ns_str(admin, "nslcmop")) {
            rc = slc_error_set(err, SLC_EBUSY,
                               "ns '%s' has operation %s in progress",
                               nsr.name, slc_ns_str(admin, "nslcmop"));
        } else if (!strcmp(slc_ns_str(admin, "nsState") ?: "",
                           "INSTANTIATED")) {
            rc = slc_error_set(err, SLC_ECONFLICT,
                               "ns '%s' is instantiated: terminate it first",
                               nsr.name);
        }
    }
    /* a FORCE delete gives back what the NS held */
    rc = rc ? rc : slc_pdu_release(st, nsr.id, NULL, err);
    rc = rc ? rc
            : slc_place_release(st, slc_ns_str(nsr.doc, "datacenter"), nsr.id,
                                NULL, NULL, err);
    rc = rc ? rc : slc_store_list(st, "vnfrs", nsr.id, collect_ids, ids, err);
    json_array_foreach(ids, i, id)
    {
        rc = rc ? rc
                : slc_store_del(st, "vnfrs", json_string_value(id),
                                SLC_REV_ANY, err);
    }
    json_array_clear(ids);
    rc = rc ? rc
            : slc_store_list(st, "nslcmops", nsr.id, collect_ids, ids, err);
    json_array_foreach(ids, i, id)
    {
        rc = rc ? rc
                : slc_store_del(st, "nslcmops", json_string_value(id),
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

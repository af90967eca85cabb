/* The pre-SOL006 OSM information model (vnfd-catalog / nsd-catalog, OSM
 * Release EIGHT and earlier) converted into SOL006 JSON, following the
 * mapping of descriptors.md section 5, so that one parser and one set of
 * checks serve both.  New values get the source positions of the values
 * they come from, so messages about a converted descriptor still point
 * into the original file.  Problems only visible in the old form (an
 * interface naming a connection point that does not exist) are reported
 * here, with old-form paths. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model-internal.h"

/* A new object that reports the position of 'src'. */
static json_t *
obj_like(struct slc_parse *p, const json_t *src)
{
    json_t *o = json_object();

    if (o && p->doc) {
        slc_yaml_mark_like(p->doc, o, src);
    }
    return o;
}

static json_t *
arr_like(struct slc_parse *p, const json_t *src)
{
    json_t *a = json_array();

    if (a && p->doc) {
        slc_yaml_mark_like(p->doc, a, src);
    }
    return a;
}

/* A string value for 'v': itself when a string, its text when a number
 * (member-vnf-index: 1 becomes "1"), else NULL.  New reference. */
static json_t *
text_of(struct slc_parse *p, json_t *v)
{
    const char *raw;
    json_t *s;
    char buf[64];

    if (json_is_string(v)) {
        return json_incref(v);
    }
    if (!json_is_number(v)) {
        return NULL;
    }
    raw = p->doc ? slc_yaml_raw(p->doc, v) : NULL;
    if (!raw && json_is_integer(v)) {
        snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT,
                 json_integer_value(v));
        raw = buf;
    } else if (!raw) {
        snprintf(buf, sizeof buf, "%g", json_real_value(v));
        raw = buf;
    }
    s = json_string(raw);
    if (s && p->doc) {
        slc_yaml_mark_like(p->doc, s, v);
    }
    return s;
}

/* Copies member 'from' of 'src' to member 'to' of 'dst' when present. */
static void
copy(json_t *dst, const char *to, json_t *src, const char *from)
{
    json_t *v = json_object_get(src, from);

    if (v) {
        json_object_set(dst, to, v);
    }
}

static const char *
str(json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static void
old_error(struct slc_parse *p, json_t *obj, const char *path, const char *key,
          const char *fmt, ...) SLC_PRINTF(5, 6);

static void
old_error(struct slc_parse *p, json_t *obj, const char *path, const char *key,
          const char *fmt, ...)
{
    struct slc_node node = {.json = obj, .path = path};
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    slc_parse_error(p, &node, key, "%s", msg);
}

/* guest-epa -> virtual-cpu / virtual-memory of a compute descriptor. */
static void
convert_guest_epa(struct slc_parse *p, json_t *epa, json_t *vcpu,
                  json_t *vmem)
{
    const char *pin = str(epa, "cpu-pinning-policy");
    json_t *pinning = NULL;

    if (!epa) {
        return;
    }
    if (pin && strcmp(pin, "ANY")) {
        pinning = obj_like(p, json_object_get(epa, "cpu-pinning-policy"));
        json_object_set_new(pinning, "policy",
                            json_string(!strcmp(pin, "DEDICATED")
                                            ? "static"
                                            : "dynamic"));
    }
    if (json_object_get(epa, "cpu-thread-pinning-policy")) {
        if (!pinning) {
            pinning = obj_like(p, epa);
        }
        copy(pinning, "thread-policy", epa, "cpu-thread-pinning-policy");
    }
    if (pinning) {
        json_object_set_new(vcpu, "pinning", pinning);
    }
    copy(vcpu, "cpu-quota", epa, "cpu-quota");
    copy(vmem, "mempage-size", epa, "mempage-size");
    copy(vmem, "mem-quota", epa, "mem-quota");
    if (json_object_get(epa, "numa-node-policy")) {
        json_object_set_new(vmem, "numa-enabled", json_true());
        copy(vmem, "numa-node-policy", epa, "numa-node-policy");
    }
}

/* vm-flavor + guest-epa -> one virtual-compute-desc and storage desc. */
static void
convert_flavor(struct slc_parse *p, json_t *vdu, const char *vdu_id,
               json_t *out_vdu, json_t *vcds, json_t *vsds)
{
    json_t *flavor = json_object_get(vdu, "vm-flavor");
    json_t *vcd = obj_like(p, flavor ? flavor : vdu);
    json_t *vcpu = obj_like(p, flavor ? flavor : vdu);
    json_t *vmem = obj_like(p, flavor ? flavor : vdu);
    json_t *mem = json_object_get(flavor, "memory-mb");
    json_t *gb = json_object_get(flavor, "storage-gb");
    char id[300];

    snprintf(id, sizeof id, "%s-compute", vdu_id);
    json_object_set_new(vcd, "id", json_string(id));
    copy(vcpu, "num-virtual-cpu", flavor, "vcpu-count");
    if (mem) {
        json_t *mb = text_of(p, mem);
        double size = mb ? strtod(json_string_value(mb), NULL) / 1024 : 0;

        json_decref(mb);
        json_object_set_new(vmem, "size", json_real(size));
    }
    convert_guest_epa(p, json_object_get(vdu, "guest-epa"), vcpu, vmem);
    json_object_set_new(vcd, "virtual-cpu", vcpu);
    json_object_set_new(vcd, "virtual-memory", vmem);
    json_array_append_new(vcds, vcd);
    json_object_set_new(out_vdu, "virtual-compute-desc", json_string(id));
    if (gb) {
        json_t *vsd = obj_like(p, gb);
        json_t *list = json_array();

        snprintf(id, sizeof id, "%s-storage", vdu_id);
        json_object_set_new(vsd, "id", json_string(id));
        json_object_set(vsd, "size-of-storage", gb);
        json_array_append_new(vsds, vsd);
        json_array_append_new(list, json_string(id));
        json_object_set_new(out_vdu, "virtual-storage-desc", list);
    }
}

/* vdu.image -> a shared sw-image-desc named after the image. */
static void
convert_image(struct slc_parse *p, json_t *vdu, json_t *out_vdu,
              json_t *images)
{
    json_t *image = json_object_get(vdu, "image");
    json_t *img, *name = text_of(p, image);
    size_t i;

    if (!name) {
        return;
    }
    json_object_set(out_vdu, "sw-image-desc", name);
    json_array_foreach(images, i, img)
    {
        if (json_equal(json_object_get(img, "id"), name)) {
            json_decref(name);
            return;
        }
    }
    img = obj_like(p, image);
    json_object_set(img, "id", name);
    json_object_set(img, "name", name);
    json_object_set_new(img, "image", name);
    copy(img, "checksum", vdu, "image-checksum");
    json_array_append_new(images, img);
}

/* The internal VL an internal connection point is on, or NULL. */
static json_t *
internal_vld_of(json_t *old, const char *icp)
{
    json_t *vld, *ref;
    size_t i, j;

    json_array_foreach(json_object_get(old, "internal-vld"), i, vld)
    {
        json_array_foreach(json_object_get(vld, "internal-connection-point"),
                           j, ref)
        {
            const char *id = str(ref, "id-ref");

            if (id && icp && !strcmp(id, icp)) {
                return json_object_get(vld, "id");
            }
        }
    }
    return NULL;
}

static bool
has_connection_point(json_t *old, const char *name)
{
    json_t *cp;
    size_t i;

    json_array_foreach(json_object_get(old, "connection-point"), i, cp)
    {
        if (name && str(cp, "name") && !strcmp(str(cp, "name"), name)) {
            return true;
        }
    }
    return false;
}

/* One interface -> one int-cpd (+ the ext-cpd's int-cpd link). */
static void
convert_interface(struct slc_parse *p, json_t *old, json_t *ifc,
                  const char *path, const char *vdu_id, json_t *cpds,
                  json_t *ext_links)
{
    const char *type = str(ifc, "type");
    const char *ecp = str(ifc, "external-connection-point-ref");
    const char *icp = str(ifc, "internal-connection-point-ref");
    json_t *cpd = obj_like(p, ifc);
    json_t *vnir = obj_like(p, ifc);
    json_t *vnirs = arr_like(p, ifc);
    char id[300];

    if (ecp && (!type || !strcmp(type, "EXTERNAL"))) {
        if (!has_connection_point(old, ecp)) {
            old_error(p, ifc, path, "external-connection-point-ref",
                      "'%s' names no connection-point of this VNFD", ecp);
        }
        snprintf(id, sizeof id, "%s-int", ecp);
        json_object_set_new(
            ext_links, ecp,
            json_pack("{ssss}", "vdu-id", vdu_id, "cpd", id));
    } else if (icp) {
        json_t *vld = internal_vld_of(old, icp);

        snprintf(id, sizeof id, "%s", icp);
        if (vld) {
            json_object_set(cpd, "int-virtual-link-desc", vld);
        } else {
            old_error(p, ifc, path, "internal-connection-point-ref",
                      "'%s' is on no internal-vld", icp);
        }
    } else {
        old_error(p, ifc, path, NULL,
                  "interface '%s' has neither external- nor "
                  "internal-connection-point-ref",
                  str(ifc, "name") ? str(ifc, "name") : "");
        snprintf(id, sizeof id, "%s-int",
                 str(ifc, "name") ? str(ifc, "name") : "if");
    }
    json_object_set_new(cpd, "id", json_string(id));
    copy(vnir, "name", ifc, "name");
    copy(vnir, "position", ifc, "position");
    copy(vnir, "mac-address", ifc, "mac-address");
    copy(vnir, "virtual-interface", ifc, "virtual-interface");
    json_array_append_new(vnirs, vnir);
    json_object_set_new(cpd, "virtual-network-interface-requirement",
                        vnirs);
    copy(cpd, "port-security-enabled", ifc, "port-security-enabled");
    json_array_append_new(cpds, cpd);
}

static void
convert_vdu(struct slc_parse *p, json_t *old, json_t *vdu, const char *path,
            json_t *out, json_t *ext_links, json_t *df_levels,
            json_t *df_profiles)
{
    json_t *out_vdu = obj_like(p, vdu);
    json_t *cpds = arr_like(p, json_object_get(vdu, "interface"));
    json_t *idv = text_of(p, json_object_get(vdu, "id"));
    const char *vdu_id = idv ? json_string_value(idv) : "";
    json_t *count = json_object_get(vdu, "count");
    json_t *ifc;
    char ipath[512];
    size_t i;

    if (idv) {
        json_object_set(out_vdu, "id", idv);
    }
    copy(out_vdu, "name", vdu, "name");
    copy(out_vdu, "description", vdu, "description");
    copy(out_vdu, "cloud-init-file", vdu, "cloud-init-file");
    copy(out_vdu, "cloud-init", vdu, "cloud-init");
    copy(out_vdu, "pdu-type", vdu, "pdu-type");
    copy(out_vdu, "supplemental-boot-data", vdu, "supplemental-boot-data");
    copy(out_vdu, "monitoring-parameter", vdu, "monitoring-param");
    copy(out_vdu, "host-epa", vdu, "host-epa");
    if (json_object_get(vdu, "hypervisor-epa")) {
        struct slc_node node = {.json = vdu, .path = path};

        slc_parse_warning(p, &node, "hypervisor-epa",
                          "has no SOL006 equivalent, ignored");
    }
    convert_image(p, vdu, out_vdu, json_object_get(out, "sw-image-desc"));
    convert_flavor(p, vdu, vdu_id, out_vdu,
                   json_object_get(out, "virtual-compute-desc"),
                   json_object_get(out, "virtual-storage-desc"));
    json_array_foreach(json_object_get(vdu, "interface"), i, ifc)
    {
        snprintf(ipath, sizeof ipath, "%s.interface[%zu]", path, i);
        convert_interface(p, old, ifc, ipath, vdu_id, cpds, ext_links);
    }
    json_object_set_new(out_vdu, "int-cpd", cpds);
    json_array_append_new(json_object_get(out, "vdu"), out_vdu);
    json_t *idval = idv ? json_incref(idv) : json_string("");
    json_t *cnt = count ? json_incref(count) : json_integer(1);

    json_array_append_new(df_levels,
                          json_pack("{sOsO}", "vdu-id", idval,
                                    "number-of-instances", cnt));
    json_array_append_new(df_profiles,
                          json_pack("{sOsO}", "id", idval,
                                    "min-number-of-instances", cnt));
    json_decref(idval);
    json_decref(cnt);
    json_decref(idv);
}

json_t *
slc_im_vnfd_to_sol006(struct slc_parse *p, json_t *old, const char *path)
{
    json_t *out = obj_like(p, old);
    json_t *ext_links = json_object(); /* ext cp name -> int-cpd ref */
    json_t *levels = json_array(), *profiles = json_array();
    json_t *ext = arr_like(p, json_object_get(old, "connection-point"));
    json_t *vdu, *cp, *vld;
    char vpath[512];
    size_t i;

    if (!out || !ext_links || !levels || !profiles || !ext) {
        goto oom;
    }
    copy(out, "id", old, "id");
    copy(out, "product-name", old, "name");
    copy(out, "provider", old, "vendor");
    copy(out, "version", old, "version");
    copy(out, "description", old, "description");
    copy(out, "mgmt-cp", json_object_get(old, "mgmt-interface"), "cp");
    json_object_set_new(out, "vdu", arr_like(p, json_object_get(old, "vdu")));
    json_object_set_new(out, "sw-image-desc", json_array());
    json_object_set_new(out, "virtual-compute-desc", json_array());
    json_object_set_new(out, "virtual-storage-desc", json_array());
    json_array_foreach(json_object_get(old, "vdu"), i, vdu)
    {
        snprintf(vpath, sizeof vpath, "%s.vdu[%zu]", path, i);
        convert_vdu(p, old, vdu, vpath, out, ext_links, levels, profiles);
    }
    json_array_foreach(json_object_get(old, "connection-point"), i, cp)
    {
        json_t *e = obj_like(p, cp);
        json_t *link = json_object_get(ext_links, str(cp, "name") ? str(cp, "name") : "");

        copy(e, "id", cp, "name");
        if (link) {
            json_object_set(e, "int-cpd", link);
        }
        json_array_append_new(ext, e);
    }
    json_object_set_new(out, "ext-cpd", ext);
    ext = NULL;
    if (json_object_get(old, "internal-vld")) {
        json_t *vlds = arr_like(p, json_object_get(old, "internal-vld"));

        json_array_foreach(json_object_get(old, "internal-vld"), i, vld)
        {
            json_t *v = obj_like(p, vld);

            copy(v, "id", vld, "id");
            copy(v, "description", vld, "description");
            copy(v, "provider-network", vld, "provider-network");
            json_array_append_new(vlds, v);
        }
        json_object_set_new(out, "int-virtual-link-desc", vlds);
    }
    json_object_set_new(
        out, "df",
        json_pack("[{sss[{sssO}]sO}]", "id", "default-df",
                  "instantiation-level", "id", "default-instantiation-level",
                  "vdu-level", levels, "vdu-profile", profiles));
    json_decref(levels);
    json_decref(profiles);
    json_decref(ext_links);
    return out;
oom:
    json_decref(out);
    json_decref(ext_links);
    json_decref(levels);
    json_decref(profiles);
    json_decref(ext);
    return NULL;
}

/* The vnf-profile for member index 'idx', created on first use. */
static json_t *
profile_for(struct slc_parse *p, json_t *profiles, json_t *idx,
            json_t *vnfd_ref, json_t *src)
{
    json_t *vp;
    size_t i;

    json_array_foreach(profiles, i, vp)
    {
        if (json_equal(json_object_get(vp, "id"), idx)) {
            return vp;
        }
    }
    vp = obj_like(p, src);
    json_object_set(vp, "id", idx);
    if (vnfd_ref) {
        json_object_set(vp, "vnfd-id", vnfd_ref);
    }
    json_object_set_new(vp, "virtual-link-connectivity", json_array());
    json_array_append_new(profiles, vp);
    return vp;
}

/* One old vld: the VL itself and the profiles' connectivity to it. */
static void
convert_vld(struct slc_parse *p, json_t *old, json_t *vld, const char *path,
            json_t *vlds, json_t *profiles)
{
    json_t *v = obj_like(p, vld), *ref;
    size_t i;

    copy(v, "id", vld, "id");
    copy(v, "description", vld, "description");
    copy(v, "mgmt-network", vld, "mgmt-network");
    copy(v, "vim-network-name", vld, "vim-network-name");
    copy(v, "provider-network", vld, "provider-network");
    json_array_append_new(vlds, v);
    json_array_foreach(json_object_get(vld, "vnfd-connection-point-ref"), i,
                       ref)
    {
        json_t *idx = text_of(p, json_object_get(ref, "member-vnf-index-ref"));
        json_t *vp, *vlc = NULL, *c, *cpd;
        char rpath[512];
        size_t j;

        snprintf(rpath, sizeof rpath, "%s.vnfd-connection-point-ref[%zu]",
                 path, i);
        if (!idx) {
            old_error(p, ref, rpath, "member-vnf-index-ref",
                      "missing or not a string");
            continue;
        }
        vp = NULL;
        json_array_foreach(profiles, j, c)
        {
            if (json_equal(json_object_get(c, "id"), idx)) {
                vp = c;
            }
        }
        if (!vp) {
            old_error(p, ref, rpath, "member-vnf-index-ref",
                      "'%s' names no constituent-vnfd of this NSD",
                      json_string_value(idx));
            json_decref(idx);
            continue;
        }
        if (str(ref, "vnfd-id-ref") && str(vp, "vnfd-id") &&
            strcmp(str(ref, "vnfd-id-ref"), str(vp, "vnfd-id"))) {
            old_error(p, ref, rpath, "vnfd-id-ref",
                      "'%s', but member '%s' is vnfd '%s'",
                      str(ref, "vnfd-id-ref"), json_string_value(idx),
                      str(vp, "vnfd-id"));
        }
        json_array_foreach(json_object_get(vp, "virtual-link-connectivity"), j,
                           c)
        {
            if (json_equal(json_object_get(c, "virtual-link-profile-id"),
                           json_object_get(vld, "id"))) {
                vlc = c;
            }
        }
        if (!vlc) {
            vlc = obj_like(p, ref);
            copy(vlc, "virtual-link-profile-id", vld, "id");
            json_object_set_new(vlc, "constituent-cpd-id", json_array());
            json_array_append_new(
                json_object_get(vp, "virtual-link-connectivity"), vlc);
        }
        cpd = obj_like(p, ref);
        json_object_set(cpd, "constituent-base-element-id", idx);
        copy(cpd, "constituent-cpd-id", ref, "vnfd-connection-point-ref");
        copy(cpd, "ip-address", ref, "ip-address");
        json_array_append_new(json_object_get(vlc, "constituent-cpd-id"),
                              cpd);
        json_decref(idx);
    }
}

json_t *
slc_im_nsd_to_sol006(struct slc_parse *p, json_t *old, const char *path)
{
    json_t *out = obj_like(p, old);
    json_t *vnfd_ids = json_array(), *profiles = json_array();
    json_t *vlds = json_array(), *sapds = json_array();
    json_t *c, *vld, *cp;
    char vpath[512];
    size_t i;

    if (!out || !vnfd_ids || !profiles || !vlds || !sapds) {
        json_decref(out);
        json_decref(vnfd_ids);
        json_decref(profiles);
        json_decref(vlds);
        json_decref(sapds);
        return NULL;
    }
    copy(out, "id", old, "id");
    copy(out, "name", old, "name");
    copy(out, "designer", old, "vendor");
    copy(out, "version", old, "version");
    copy(out, "description", old, "description");
    json_array_foreach(json_object_get(old, "constituent-vnfd"), i, c)
    {
        json_t *idx = text_of(p, json_object_get(c, "member-vnf-index"));
        json_t *ref = json_object_get(c, "vnfd-id-ref");
        json_t *id;
        size_t j;
        bool listed = false;

        snprintf(vpath, sizeof vpath, "%s.constituent-vnfd[%zu]", path, i);
        if (!idx) {
            old_error(p, c, vpath, "member-vnf-index",
                      "missing or not a string");
            continue;
        }
        profile_for(p, profiles, idx, ref, c);
        json_array_foreach(vnfd_ids, j, id)
        {
            listed |= json_equal(id, ref);
        }
        if (ref && !listed) {
            json_array_append(vnfd_ids, ref);
        }
        json_decref(idx);
    }
    json_array_foreach(json_object_get(old, "vld"), i, vld)
    {
        snprintf(vpath, sizeof vpath, "%s.vld[%zu]", path, i);
        convert_vld(p, old, vld, vpath, vlds, profiles);
    }
    json_array_foreach(json_object_get(old, "connection-point"), i, cp)
    {
        json_t *s = obj_like(p, cp);

        copy(s, "id", cp, "name");
        copy(s, "virtual-link-desc", cp, "vld-id-ref");
        json_array_append_new(sapds, s);
    }
    if (json_object_get(old, "vnffgd")) {
        struct slc_node node = {.json = old, .path = path};

        slc_parse_warning(p, &node, "vnffgd",
                          "the pre-SOL006 VNFFG (rsp/classifier) is not "
                          "converted; write it in the SOL006 form");
    }
    json_object_set_new(out, "vnfd-id", vnfd_ids);
    json_object_set_new(out, "virtual-link-desc", vlds);
    json_object_set_new(out, "sapd", sapds);
    json_object_set_new(out, "df",
                        json_pack("[{sssO}]", "id", "default-df",
                                  "vnf-profile", profiles));
    json_decref(profiles);
    return out;
}

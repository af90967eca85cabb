/* The onos_vpls SDN driver: connectivity services (SDN assist) as VPLSs
 * of ONOS's VPLS application, written into ONOS's network configuration
 * over REST the way OSM's onos_vpls connector does (sdn-sfc-ovs.md 2.1).
 * REST plumbing is sdn-rest.h's; the operation queue, the kept services,
 * audits and config sdn-rest-driver.h's; the sibling sdn-onosof.c programs
 * flows of the same controller instead.
 *
 * Controller record: url "http(s)://HOST:PORT" (the calls go to
 * <url>/onos/v1/...), user and password as HTTP Basic credentials
 * (ONOS's default karaf/karaf); config = {dpid (the switch: 16 hex
 * digits, colons allowed; default: the controller's only device),
 * audit_interval_ms (default 5000, 0 = none), timeout_ms (each request,
 * default 5000)}.
 *
 * A service is the VPLS called "slicer-%08x" of 0x80000000 | FNV-1a(tag)
 * & 0x7fffffff (OSM names it with a new uuid4; ours comes from the tag so
 * that a create with a known tag finds its VPLS again); that name is the
 * service id.  Each point becomes the interface named after its
 * service_endpoint_id under ports["of:<dpid>/<port number>"] (a
 * switch_port that is a port name is translated through the device's
 * annotations.portName), with "vlan" when the point is tagged; the
 * vplsList entry lists them, encapsulation VLAN when a point is dot1q,
 * else NONE.  conn_info = {"interfaces": [names]}.  ELINE (2 points) and
 * ELAN only.
 *
 * A create or an edit ("make it so"): GET network/configuration; remove
 * the VPLS's entry and the interfaces it had (those of its entry, of the
 * stored conn_info and of the new points, unless another VPLS lists
 * them: then the create is refused as a conflict); add the new
 * interfaces, POST the document (without the VPLS application's part,
 * unlike OSM, so that the VPLSs do not change before step 2); add the
 * entry, drop vpls.lastUpdateTime (with it ONOS takes the configuration
 * for its own write-back and ignores it), POST the whole document.  On a
 * failure the original document is posted back.  ONOS merges a POST per
 * subject and key, so a port subject cannot be removed by a POST: the
 * rollback posts the ports that were new with an empty interface list.
 * A delete removes the entry and the interfaces the same way in one POST;
 * a name that neither has an entry nor an interface is SLC_ENOTFOUND.  A
 * status is ACTIVE while the entry exists.  check_credentials is a GET
 * network/configuration.
 *
 * Operations run one at a time, in order, each a read-modify-write of
 * the whole configuration, so two never interleave.  The driver keeps
 * every service it made; each audit interval it reads the configuration
 * and makes again those whose entry or interfaces vanished (ONOS
 * restarted without them, someone removed them). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "of-rules.h"
#include "sdn-onos.h"
#include "sdn-rest-driver.h"

#define TYPE "onos_vpls"
#define PREFIX "slicer"
#define VPLS_APP "org.onosproject.vpls"
#define NETCFG "/onos/v1/network/configuration"

/* The steps of an operation, one HTTP call each. */
enum step {
    S_DEVICES,                /* GET devices: the default device */
    S_PORTS,                  /* GET devices/<id>/ports: port names */
    S_READ,                   /* GET network/configuration */
    S_POST_IFACES,            /* POST it with the new interfaces */
    S_POST_VPLS,              /* POST it with the vplsList entries */
    S_ROLLBACK,               /* POST the original back */
    S_POST_DELETE,            /* POST it without the service */
};

/* A VPLS as the driver makes it ("a want"): {"encapsulation": E,
 * "interfaces": [{"port": "of:<dpid>/<n>", "name": N, "vlan": "V"?}]}.
 * The VPLS's name is the operation's service id ("" for none).  The
 * services kept are VPLS name -> want: those made. */
struct op {
    struct slc_sdn_rest_op up;    /* first: the shared part */
    enum step step;
    uint64_t dpid;            /* a put: the switch */
    json_t *points;           /* a put: [{name, port, vlan, dpid?}] */
    json_t *forget;           /* interface names to remove too: the
                                 stored conn_info's, the kept ones */
    json_t *wants;            /* VPLS name -> want: what to (re)make */
    json_t *orig;             /* the configuration as read */
    json_t *doc;              /* the configuration as posted */
};

static struct op *
op_of(struct slc_sdn_rest_op *o)
{
    return (struct op *)o;
}

/* ---- the network configuration ---- */

/* parent[key], made (an empty array when 'array', else object) when it
 * is missing or of another type; NULL when it cannot be made. */
static json_t *
member(json_t *parent, const char *key, bool array)
{
    json_t *v = json_object_get(parent, key);

    if (array ? !json_is_array(v) : !json_is_object(v)) {
        v = array ? json_array() : json_object();
        if (json_object_set_new(parent, key, v)) {
            return NULL;
        }
    }
    return v;
}

/* apps[VPLS_APP].vpls, made when 'make'; else NULL when missing. */
static json_t *
vpls_config(json_t *doc, bool make)
{
    const char *path[] = {"apps", VPLS_APP, "vpls"};
    json_t *o = doc;

    for (size_t i = 0; o && i < sizeof path / sizeof path[0]; i++) {
        json_t *next = make ? member(o, path[i], false)
                            : json_object_get(o, path[i]);

        o = json_is_object(next) ? next : NULL;
    }
    return o;
}

/* The vplsList, made when 'make'. */
static json_t *
vpls_list(json_t *doc, bool make)
{
    json_t *cfg = vpls_config(doc, make);
    json_t *list = make ? member(cfg, "vplsList", true)
                        : json_object_get(cfg, "vplsList");

    return json_is_array(list) ? list : NULL;
}

/* The vplsList entry called 'name' and its index, or NULL. */
static json_t *
find_entry(json_t *doc, const char *name, size_t *index)
{
    json_t *list = vpls_list(doc, false), *e;
    size_t i;

    json_array_foreach(list, i, e)
    {
        const char *n = json_string_value(json_object_get(e, "name"));

        if (n && !strcmp(n, name)) {
            if (index) {
                *index = i;
            }
            return e;
        }
    }
    return NULL;
}

/* The name of a VPLS other than 'name' that lists interface 'iface', or
 * NULL. */
static const char *
other_user(json_t *doc, const char *name, const char *iface)
{
    json_t *list = vpls_list(doc, false), *e, *n;
    size_t i, j;

    json_array_foreach(list, i, e)
    {
        const char *en = json_string_value(json_object_get(e, "name"));

        if (!en || !strcmp(en, name)) {
            continue;
        }
        json_array_foreach(json_object_get(e, "interfaces"), j, n)
        {
            if (json_is_string(n) && !strcmp(json_string_value(n), iface)) {
                return en;
            }
        }
    }
    return NULL;
}

/* Adds the strings of 'names' (an array, may be NULL) to the set 'set'. */
static void
add_names(json_t *set, const json_t *names)
{
    size_t i;
    json_t *n;

    json_array_foreach(names, i, n)
    {
        if (json_is_string(n)) {
            json_object_set_new(set, json_string_value(n), json_true());
        }
    }
}

/* The names of a want's interfaces, as a new array. */
static json_t *
want_names(const json_t *want)
{
    json_t *names = json_array(), *f;
    size_t i;

    json_array_foreach(json_object_get(want, "interfaces"), i, f)
    {
        json_array_append(names, json_object_get(f, "name"));
    }
    return names;
}

/* Removes from every port of 'doc' the interfaces named in 'set' that no
 * VPLS but 'name' lists; a port keeps an empty list, which a POST merges
 * as "no interface".  Returns how many it removed. */
static size_t
remove_interfaces(json_t *doc, const char *name, const json_t *set)
{
    json_t *ports = json_object_get(doc, "ports"), *cfg;
    const char *key;
    size_t removed = 0;

    json_object_foreach(ports, key, cfg)
    {
        json_t *list = json_object_get(cfg, "interfaces");

        for (size_t i = 0; i < json_array_size(list);) {
            const char *n = json_string_value(
                json_object_get(json_array_get(list, i), "name"));

            if (n && json_object_get(set, n) && !other_user(doc, name, n)) {
                json_array_remove(list, i);
                removed++;
            } else {
                i++;
            }
        }
    }
    return removed;
}

/* Whether interface 'f' of a want is in 'doc' as the want has it. */
static bool
has_interface(json_t *doc, const json_t *f)
{
    const char *port = json_string_value(json_object_get(f, "port"));
    const char *name = json_string_value(json_object_get(f, "name"));
    const json_t *vlan = json_object_get(f, "vlan");
    json_t *list = json_object_get(
        json_object_get(json_object_get(doc, "ports"), port ? port : ""),
        "interfaces");
    json_t *g;
    size_t i;

    json_array_foreach(list, i, g)
    {
        const char *n = json_string_value(json_object_get(g, "name"));
        const json_t *gv = json_object_get(g, "vlan");

        if (n && name && !strcmp(n, name) &&
            (vlan ? gv && json_equal(vlan, gv) : !gv)) {
            return true;
        }
    }
    return false;
}

/* Whether 'doc' has VPLS 'name' as 'want' describes it. */
static bool
is_made(json_t *doc, const char *name, const json_t *want)
{
    json_t *entry = find_entry(doc, name, NULL);
    json_t *names = want_names(want);
    const json_t *have = json_object_get(entry, "interfaces");
    bool ok = entry && json_array_size(have) == json_array_size(names);
    size_t i;
    json_t *n, *f;

    json_array_foreach(names, i, n)
    {
        bool found = false;
        size_t j;
        json_t *h;

        json_array_foreach(have, j, h)
        {
            found = found || json_equal(h, n);
        }
        ok = ok && found;
    }
    json_array_foreach(json_object_get(want, "interfaces"), i, f)
    {
        ok = ok && has_interface(doc, f);
    }
    json_decref(names);
    return ok;
}

/* Appends the strings of 'names' (an array, may be NULL) to 'list'. */
static void
add_names_array(json_t *list, const json_t *names)
{
    size_t i;
    json_t *n;

    json_array_foreach(names, i, n)
    {
        if (json_is_string(n)) {
            json_array_append(list, n);
        }
    }
}

/* Takes VPLS 'name' out of op->doc: its entry and the interfaces of the
 * entry, of 'extra' (a set, may be NULL) and of op->forget.  Whether
 * there was anything to take out. */
static bool
take_out(struct op *op, const char *name, const json_t *extra)
{
    json_t *set = json_object();
    size_t index, removed;
    json_t *entry = find_entry(op->doc, name, &index);
    const char *n;
    json_t *t;

    add_names(set, json_object_get(entry, "interfaces"));
    add_names(set, op->forget);
    json_object_foreach((json_t *)extra, n, t)
    {
        json_object_set(set, n, t);
    }
    if (entry) {
        json_array_remove(vpls_list(op->doc, false), index);
    }
    removed = remove_interfaces(op->doc, name, set);
    json_decref(set);
    return entry || removed;
}

/* Puts every VPLS of op->wants into op->doc without its entry (step 1):
 * its old entry and interfaces out, its new interfaces in.  0, or
 * SLC_ECONFLICT when another VPLS lists one of the new interfaces. */
static int
put_interfaces(struct op *op, char *msg, size_t size)
{
    const char *name;
    json_t *want;

    json_object_foreach(op->wants, name, want)
    {
        json_t *names = want_names(want), *set = json_object(), *n, *f;
        size_t i;

        add_names(set, names);
        json_array_foreach(names, i, n)
        {
            const char *other = other_user(op->doc, name,
                                           json_string_value(n));

            if (other) {
                snprintf(msg, size, "interface '%s' is in VPLS '%s'",
                         json_string_value(n), other);
                json_decref(names);
                json_decref(set);
                return SLC_ECONFLICT;
            }
        }
        take_out(op, name, set);
        json_array_foreach(json_object_get(want, "interfaces"), i, f)
        {
            const char *port = json_string_value(json_object_get(f, "port"));
            json_t *list = member(member(member(op->doc, "ports", false),
                                         port, false),
                                  "interfaces", true);
            json_t *iface;

            iface = json_pack("{sO}", "name", json_object_get(f, "name"));
            if (json_object_get(f, "vlan")) {
                json_object_set(iface, "vlan", json_object_get(f, "vlan"));
            }
            json_array_append_new(list, iface);
        }
        json_decref(names);
        json_decref(set);
    }
    return 0;
}

/* Adds the vplsList entries of op->wants to op->doc (step 2) and drops
 * lastUpdateTime, so that ONOS applies them. */
static void
put_entries(struct op *op)
{
    json_t *list = vpls_list(op->doc, true), *want;
    const char *name;

    json_object_foreach(op->wants, name, want)
    {
        json_array_append_new(
            list, json_pack("{ss so sO}", "name", name, "interfaces",
                            want_names(want), "encapsulation",
                            json_object_get(want, "encapsulation")));
    }
    json_object_del(vpls_config(op->doc, true), "lastUpdateTime");
}

/* The original document, plus an empty interface list for every port
 * whose interfaces it did not configure (a POST cannot remove them). */
static json_t *
rollback_doc(const struct op *op)
{
    json_t *doc = json_deep_copy(op->orig);
    json_t *ports = member(doc, "ports", false), *cfg;
    const char *key;

    json_object_foreach(json_object_get(op->doc, "ports"), key, cfg)
    {
        json_t *old = json_object_get(ports, key);

        if (!json_is_object(old)) {
            json_object_set_new(ports, key, json_pack("{s[]}", "interfaces"));
        } else if (!json_object_get(old, "interfaces")) {
            json_object_set_new(old, "interfaces", json_array());
        }
    }
    return doc;
}

/* A copy of 'doc' without the VPLS application's configuration: step 1
 * leaves the VPLSs alone (a vpls configuration without lastUpdateTime,
 * as ONOS keeps it after a POST that changed nothing, would be applied
 * without the service's entry and drop the VPLS until step 2). */
static json_t *
without_vpls(const json_t *doc)
{
    json_t *copy = json_deep_copy(doc);

    json_object_del(json_object_get(copy, "apps"), VPLS_APP);
    return copy;
}

/* ---- the steps ---- */

static void
run(struct op *op)
{
    char path[128], dev[32];

    slc_sdn_onos_device(op->dpid, dev, sizeof dev);
    switch (op->step) {
    case S_DEVICES:
        slc_sdn_rest_request(&op->up, "GET", "/onos/v1/devices", NULL);
        break;
    case S_PORTS:
        snprintf(path, sizeof path, "/onos/v1/devices/%s/ports", dev);
        slc_sdn_rest_request(&op->up, "GET", path, NULL);
        break;
    case S_READ:
        slc_sdn_rest_request(&op->up, "GET", NETCFG, NULL);
        break;
    case S_POST_IFACES:
        slc_sdn_rest_request(&op->up, "POST", NETCFG, without_vpls(op->doc));
        break;
    case S_POST_VPLS:
    case S_POST_DELETE:
        slc_sdn_rest_request(&op->up, "POST", NETCFG, json_incref(op->doc));
        break;
    case S_ROLLBACK:
        slc_sdn_rest_request(&op->up, "POST", NETCFG, rollback_doc(op));
        break;
    }
}

/* Posts the original configuration back, then fails with 'msg'. */
static void
rollback(struct op *op, int rc, const char *msg)
{
    op->up.error_rc = rc;
    if (!(op->up.error = strdup(msg))) {
        slc_sdn_rest_fail(&op->up, SLC_ENOMEM, "out of memory");
        return;
    }
    op->step = S_ROLLBACK;
    run(op);
}

static void
got_devices(struct op *op, json_t *body)
{
    if (!slc_sdn_onos_pick(&op->up, body, NULL, &op->dpid)) {
        op->step = S_PORTS;
        run(op);
    }
}

/* The want of op->points on the device whose ports are 'body'. */
static void
got_ports(struct op *op, json_t *body)
{
    const json_t *ports = json_object_get(body, "ports");
    json_t *ifaces = json_array(), *p;
    bool tagged = false;
    char dev[32], key[64], vlan[8];
    size_t i;

    slc_sdn_onos_device(op->dpid, dev, sizeof dev);
    if (!json_is_array(ports)) {
        json_decref(ifaces);
        slc_sdn_rest_fail(&op->up, SLC_EIO, "GET devices/%s/ports: the "
                          "reply has no port list", dev);
        return;
    }
    json_array_foreach(op->points, i, p)
    {
        const char *name = json_string_value(json_object_get(p, "name"));
        const char *port = json_string_value(json_object_get(p, "port"));
        const char *dpid = json_string_value(json_object_get(p, "dpid"));
        json_int_t tag = json_integer_value(json_object_get(p, "vlan"));
        const char *no = slc_sdn_onos_port(ports, port);
        uint64_t named;
        json_t *f;

        if (dpid && !slc_of_dpid_parse(dpid, &named) && named != op->dpid) {
            slc_sdn_rest_fail(&op->up, SLC_EINVALID, "point %s: switch "
                              "0x%016" PRIx64 " is not device %s", name,
                              named, dev);
        } else if (!no) {
            slc_sdn_rest_fail(&op->up, SLC_EINVALID, "point %s: device %s "
                              "has no port '%s'", name, dev, port);
        } else {
            snprintf(key, sizeof key, "%s/%s", dev, no);
            f = json_pack("{ss ss}", "port", key, "name", name);
            if (tag) {
                snprintf(vlan, sizeof vlan, "%d", (int)tag);
                json_object_set_new(f, "vlan", json_string(vlan));
            }
            tagged = tagged || json_is_true(json_object_get(p, "dot1q"));
            json_array_append_new(ifaces, f);
            continue;
        }
        json_decref(ifaces);
        return;
    }
    op->wants = json_pack("{s{ss so}}", op->up.service_id, "encapsulation",
                          tagged ? "VLAN" : "NONE", "interfaces", ifaces);
    op->step = S_READ;
    run(op);
}

/* The configuration is read: what each kind of operation makes of it. */
static void
got_config(struct op *op, json_t *body)
{
    struct slc_sdn_rest_driver *drv = op->up.drv;
    char msg[300];
    const char *name;
    json_t *want;
    int rc;

    if (!json_is_object(body)) {
        slc_sdn_rest_fail(&op->up, SLC_EIO, "GET " NETCFG ": the reply is "
                          "not an object");
        return;
    }
    if (op->up.kind == SLC_SDN_REST_CHECK) {
        slc_sdn_rest_finish(&op->up, 0, NULL, NULL, NULL);
        return;
    }
    if (op->up.kind == SLC_SDN_REST_STATUS) {
        if (find_entry(body, op->up.service_id, NULL)) {
            slc_sdn_rest_finish(&op->up, 0, "ACTIVE", NULL, NULL);
        } else {
            slc_sdn_rest_fail(&op->up, SLC_ENOTFOUND, "not found in the "
                              "VPLS configuration");
        }
        return;
    }
    op->orig = json_deep_copy(body);
    op->doc = json_deep_copy(body);
    if (!op->orig || !op->doc) {
        slc_sdn_rest_fail(&op->up, SLC_ENOMEM, "out of memory");
        return;
    }
    if (op->up.kind == SLC_SDN_REST_DELETE) {
        if (!take_out(op, op->up.service_id, NULL)) {
            slc_sdn_rest_fail(&op->up, SLC_ENOTFOUND, "not found in the "
                              "VPLS configuration");
            return;
        }
        json_object_del(vpls_config(op->doc, false), "lastUpdateTime");
        op->step = S_POST_DELETE;
        run(op);
        return;
    }
    if (op->up.kind == SLC_SDN_REST_AUDIT) {
        /* only those that vanished are made again */
        op->wants = json_object();
        json_object_foreach(drv->services, name, want)
        {
            if (!is_made(body, name, want)) {
                json_object_set(op->wants, name, want);
            }
        }
        if (!json_object_size(op->wants)) {
            drv->audits++;
            slc_sdn_rest_finish(&op->up, 0, NULL, NULL, NULL);
            return;
        }
    }
    if ((rc = put_interfaces(op, msg, sizeof msg))) {
        slc_sdn_rest_fail(&op->up, rc, "%s", msg);
        return;
    }
    op->step = S_POST_IFACES;
    run(op);
}

/* Both POSTs of a create, an edit or an audit went through. */
static void
made(struct op *op)
{
    struct slc_sdn_rest_driver *drv = op->up.drv;
    const char *name;
    json_t *want;

    json_object_foreach(op->wants, name, want)
    {
        json_object_set(drv->services, name, want);
        if (op->up.kind == SLC_SDN_REST_AUDIT) {
            drv->reinstalled++;
            slc_sdn_rest_note(drv, "service %s made again: its VPLS had "
                              "vanished", name);
        }
    }
    if (op->up.kind == SLC_SDN_REST_AUDIT) {
        drv->audits++;
        slc_sdn_rest_finish(&op->up, 0, NULL, NULL, NULL);
    } else {
        want = json_object_get(op->wants, op->up.service_id);
        slc_sdn_rest_finish(&op->up, 0, NULL, NULL,
                            json_pack("{so}", "interfaces",
                                      want_names(want)));
    }
}

static void
vpls_reply(struct slc_sdn_rest_op *o, int rc, const char *msg, json_t *body,
           long status)
{
    struct op *op = op_of(o);
    char text[SLC_ERROR_MSG_SIZE], *dump = NULL;

    if (!rc && status == 207) {
        /* ONOS's partial success: some subject was refused */
        dump = json_dumps(body, JSON_COMPACT);
        snprintf(text, sizeof text, "POST " NETCFG ": 207 %.200s",
                 dump ? dump : "");
        free(dump);
        rc = SLC_EIO;
        msg = text;
    } else if (rc) {
        msg = slc_sdn_rest_refusal(msg, status, text, sizeof text);
    }
    if (op->step == S_ROLLBACK) {
        if (rc) {
            slc_sdn_rest_fail(o, o->error_rc, "%s; the rollback failed too: "
                              "%s", o->error, msg);
        } else {
            slc_sdn_rest_fail(o, o->error_rc, "%s (rolled back)", o->error);
        }
    } else if (rc && (op->step == S_POST_IFACES ||
                      op->step == S_POST_VPLS)) {
        rollback(op, rc, msg);
    } else if (rc) {
        slc_sdn_rest_fail(o, rc, "%s", msg);
    } else if (op->step == S_DEVICES) {
        got_devices(op, body);
    } else if (op->step == S_PORTS) {
        got_ports(op, body);
    } else if (op->step == S_READ) {
        got_config(op, body);
    } else if (op->step == S_POST_IFACES) {
        put_entries(op);
        op->step = S_POST_VPLS;
        run(op);
    } else if (op->step == S_POST_VPLS) {
        made(op);
    } else {
        slc_sdn_rest_finish(o, 0, NULL, NULL, NULL);   /* S_POST_DELETE */
    }
}

/* ---- the class ---- */

static void
vpls_start(struct slc_sdn_rest_op *o)
{
    struct op *op = op_of(o);

    if (o->kind != SLC_SDN_REST_PUT) {
        op->step = S_READ;
    } else {
        op->step = o->drv->have_dpid ? S_PORTS : S_DEVICES;
    }
    run(op);
}

/* The points of 'spec' as op->points; refuses what a VPLS cannot be. */
static int
take_points(struct op *op, const struct slc_sdn_service_spec *spec,
            struct slc_error *err)
{
    const char *type = spec->type ? spec->type : "(none)";
    json_t *seen = json_object();

    if (strcmp(type, "ELINE") && strcmp(type, "ELAN")) {
        json_decref(seen);
        return slc_error_set(err, SLC_EUNSUPPORTED, "service type '%s': "
                             TYPE " joins ELINE and ELAN only", type);
    }
    if (!strcmp(type, "ELINE") ? spec->n_ports != 2 : !spec->n_ports) {
        json_decref(seen);
        return slc_error_set(err, SLC_EINVALID, "an %s cannot join %zu "
                             "points", type, spec->n_ports);
    }
    op->points = json_array();
    for (size_t i = 0; i < spec->n_ports; i++) {
        const struct slc_sdn_endpoint *p = &spec->ports[i];
        char num[24];
        const char *bad = !p->id || !p->id[0] ? "no service_endpoint_id "
                                                "(the interface's name)"
                          : json_object_get(seen, p->id)
                              ? "a service_endpoint_id of another point"
                          : !p->switch_port || !p->switch_port[0]
                              ? "no switch_port"
                          : !strcmp(p->switch_port, "IN_PORT")
                              ? "switch_port IN_PORT, which is no interface"
                          : p->vlan > 4095 ? "a vlan out of 1..4095"
                                           : NULL;
        bool dot1q = p->vlan || (p->encapsulation &&
                                 !strcmp(p->encapsulation, "dot1q"));

        if (bad) {
            snprintf(num, sizeof num, "#%zu", i + 1);
            json_decref(seen);
            return slc_error_set(err, SLC_EINVALID, "point %s: %s",
                                 p->id && p->id[0] ? p->id : num, bad);
        }
        json_object_set_new(seen, p->id, json_true());
        json_array_append_new(
            op->points,
            json_pack("{ss ss sI sb ss?}", "name", p->id, "port",
                      p->switch_port, "vlan", (json_int_t)p->vlan, "dot1q",
                      dot1q, "dpid", p->switch_dpid));
    }
    json_decref(seen);
    return 0;
}

/* op->forget: the interfaces of 'conn_info' (may be NULL) and of the
 * kept service.  0, or SLC_ENOMEM. */
static int
take_forget(struct op *op, const json_t *conn_info, struct slc_error *err)
{
    json_t *kept;

    if (!(op->forget = json_array())) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    kept = want_names(json_object_get(op->up.drv->services,
                                      op->up.service_id));
    add_names_array(op->forget, json_object_get(conn_info, "interfaces"));
    add_names_array(op->forget, kept);
    json_decref(kept);
    return 0;
}

static int
vpls_take_spec(struct slc_sdn_rest_op *o,
               const struct slc_sdn_service_spec *spec,
               struct slc_error *err)
{
    struct op *op = op_of(o);
    int rc = take_points(op, spec, err);

    op->dpid = o->drv->dpid;
    return rc ? rc : take_forget(op, spec->conn_info, err);
}

/* A delete forgets the interfaces the service had too. */
static int
vpls_take_conn_info(struct slc_sdn_rest_op *o, const json_t *conn_info,
                    struct slc_error *err)
{
    return o->kind == SLC_SDN_REST_DELETE
               ? take_forget(op_of(o), conn_info, err)
               : 0;
}

static void
vpls_free_op(struct slc_sdn_rest_op *o)
{
    struct op *op = op_of(o);

    json_decref(op->points);
    json_decref(op->forget);
    json_decref(op->wants);
    json_decref(op->orig);
    json_decref(op->doc);
}

static const char *
vpls_switch_name(struct slc_sdn_rest_driver *drv, char *buf, size_t size)
{
    return drv->have_dpid ? slc_sdn_onos_device(drv->dpid, buf, size)
                          : NULL;
}

static json_t *
vpls_describe_service(const char *name, const json_t *want)
{
    return json_pack("{ss so sO}", "id", name, "interfaces",
                     want_names(want), "encapsulation",
                     json_object_get(want, "encapsulation"));
}

static const struct slc_sdn_rest_class vpls_rest = {
    .sdn = &slc_sdn_onos_vpls_class,
    .log_module = "sdn_onos_vpls",
    .prefix = PREFIX,
    .size = sizeof(struct slc_sdn_rest_driver),
    .op_size = sizeof(struct op),
    .dpid = SLC_SDN_REST_DPID_TEXT,
    .https = true,
    .service_in_errors = true,
    .switch_key = "device",
    .reinstalled_key = "remade",
    .take_spec = vpls_take_spec,
    .take_conn_info = vpls_take_conn_info,
    .start = vpls_start,
    .reply = vpls_reply,
    .free_op = vpls_free_op,
    .switch_name = vpls_switch_name,
    .describe_service = vpls_describe_service,
};

/* config.dpid is 16 hex digits (colons allowed). */
static int
vpls_check_config(const json_t *config, struct slc_error *err)
{
    return slc_sdn_rest_driver_check_config(&vpls_rest, config, err);
}

static int
vpls_open(const struct slc_sdn_params *p, struct slc_sdn **out,
          struct slc_error *err)
{
    return slc_sdn_rest_driver_open(&vpls_rest, p, out, err);
}

const struct slc_sdn_class slc_sdn_onos_vpls_class = {
    .version = SLC_SDN_CLASS_VERSION,
    .type = TYPE,
    .check_config = vpls_check_config,
    .open = vpls_open,
    SLC_SDN_REST_DRIVER_OPERATIONS,
};

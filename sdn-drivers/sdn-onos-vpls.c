/* The onos_vpls SDN driver: connectivity services (SDN assist) as VPLSs
 * of ONOS's VPLS application, written into ONOS's network configuration
 * over REST the way OSM's onos_vpls connector does (sdn-sfc-ovs.md 2.1).
 * REST plumbing is sdn-rest.h's; the sibling sdn-onosof.c programs flows
 * of the same controller instead.
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
#include <event2/event.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "of-rules.h"
#include "sdn-rest.h"
#include "sdn.h"
#include "slc-log.h"

SLC_LOG_MODULE(sdn_onos_vpls);

#define TYPE "onos_vpls"
#define PREFIX "slicer"
#define VPLS_APP "org.onosproject.vpls"
#define NETCFG "/onos/v1/network/configuration"

enum op_kind { OP_CHECK, OP_PUT, OP_DELETE, OP_STATUS, OP_AUDIT };

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
 * "interfaces": [{"port": "of:<dpid>/<n>", "name": N, "vlan": "V"?}]}. */
struct op {
    struct onos_vpls *v;
    enum op_kind kind;
    enum step step;
    bool started;
    uint64_t token;
    char name[32];            /* the VPLS (service id), or "" */
    uint64_t dpid;
    bool have_dpid;
    json_t *points;           /* OP_PUT: [{name, port, vlan, dpid?}] */
    json_t *forget;           /* interface names to remove too: the
                                 stored conn_info's, the kept ones */
    json_t *wants;            /* VPLS name -> want: what to (re)make */
    json_t *orig;             /* the configuration as read */
    json_t *doc;              /* the configuration as posted */
    int error_rc;             /* S_ROLLBACK: the failure */
    char *error;
    struct op *next_op;
};

struct onos_vpls {
    struct slc_sdn up;        /* first: the core's part */
    struct slc_sdn_rest *rest;
    bool have_dpid;           /* config.dpid */
    uint64_t dpid;
    unsigned audit_ms;
    json_t *services;         /* VPLS name -> want: those made */
    struct op *ops;           /* in order; the first runs */
    bool audit_queued;
    struct event *kick, *audit_timer;
    unsigned audits, remade;
    char last_event[300];
};


static void call(struct op *op, const char *method, const char *path,
                 json_t *body);

/* ---- helpers ---- */

static struct onos_vpls *
vpls_of(struct slc_sdn *sdn)
{
    return (struct onos_vpls *)sdn;
}

static void note(struct onos_vpls *v, const char *fmt, ...)
    SLC_PRINTF(2, 3);

/* Records an event for describe(); logs it when it is news. */
static void
note(struct onos_vpls *v, const char *fmt, ...)
{
    char text[sizeof v->last_event];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    if (strcmp(text, v->last_event)) {
        SLC_INFO("sdn '%s': %s", v->up.drv.name, text);
        snprintf(v->last_event, sizeof v->last_event, "%s", text);
    }
}

static void
free_op(struct op *op)
{
    json_decref(op->points);
    json_decref(op->forget);
    json_decref(op->wants);
    json_decref(op->orig);
    json_decref(op->doc);
    free(op->error);
    free(op);
}

/* Queues 'op'; operations start from the loop, one at a time. */
static void
submit(struct onos_vpls *v, struct op *op)
{
    struct op **opp = &v->ops;

    while (*opp) {
        opp = &(*opp)->next_op;
    }
    *opp = op;
    event_active(v->kick, 0, 0);
}

/* Ends the running operation 'op' and delivers its result (an audit has
 * no caller: its failure is an event of the driver).  'data' is taken. */
static void
finish(struct op *op, int rc, const char *status, const char *msg,
       json_t *data)
{
    struct onos_vpls *v = op->v;
    struct slc_error err = {0};

    v->ops = op->next_op;
    if (op->kind == OP_AUDIT) {
        if (rc) {
            note(v, "audit failed: %s", msg ? msg : "");
        }
        json_decref(data);
        v->audit_queued = false;
    } else if (slc_driver_post(&v->up.drv, op->token, rc, msg,
                               op->name[0] ? op->name : NULL,
                               status ? status : rc ? "ERROR" : "ACTIVE",
                               data, NULL, &err)) {
        SLC_WARN("sdn '%s': result of %s lost: %s", v->up.drv.name,
                 op->name, err.msg);
    }
    free_op(op);
    event_active(v->kick, 0, 0);
}

static void failf(struct op *op, int rc, const char *fmt, ...)
    SLC_PRINTF(3, 4);

/* Fails 'op' with a message prefixed by the service it is about. */
static void
failf(struct op *op, int rc, const char *fmt, ...)
{
    char msg[SLC_ERROR_MSG_SIZE];
    int n = 0;
    va_list ap;

    if (op->name[0] && op->kind != OP_AUDIT) {
        n = snprintf(msg, sizeof msg, "service %s: ", op->name);
    }
    va_start(ap, fmt);
    vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
    va_end(ap);
    finish(op, rc, NULL, msg, NULL);
}

/* The controller's words for a failed call: sdn-rest's message, except
 * that a 401 (Jetty's HTML page in ONOS) is said in words. */
static const char *
refusal(const char *msg, long status, char *buf, size_t size)
{
    const char *at = msg ? strstr(msg, ": 401") : NULL;

    if (status == 401 && at) {
        snprintf(buf, size, "%.*s: 401 Unauthorized (the controller refused "
                 "the user and password)", (int)(at - msg), msg);
        return buf;
    }
    return msg ? msg : "";
}

/* "of:<16 hex digits>" */
static void
device_name(uint64_t dpid, char *buf, size_t size)
{
    snprintf(buf, size, "of:%016" PRIx64, dpid);
}

/* ---- the network configuration ---- */

/* apps[VPLS_APP].vpls, made when 'make'; else NULL when missing. */
static json_t *
vpls_config(json_t *doc, bool make)
{
    const char *path[] = {"apps", VPLS_APP, "vpls"};
    json_t *o = doc;

    for (size_t i = 0; o && i < sizeof path / sizeof path[0]; i++) {
        json_t *next = json_object_get(o, path[i]);

        if (!json_is_object(next) && make) {
            next = json_object();
            json_object_set_new(o, path[i], next);
        }
        o = json_is_object(next) ? next : NULL;
    }
    return o;
}

/* The vplsList, made when 'make'. */
static json_t *
vpls_list(json_t *doc, bool make)
{
    json_t *cfg = vpls_config(doc, make);
    json_t *list = json_object_get(cfg, "vplsList");

    if (!json_is_array(list) && make) {
        list = json_array();
        json_object_set_new(cfg, "vplsList", list);
    }
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
            json_t *ports = json_object_get(op->doc, "ports");
            json_t *cfg, *list, *iface;

            if (!json_is_object(ports)) {
                ports = json_object();
                json_object_set_new(op->doc, "ports", ports);
            }
            if (!json_is_object(cfg = json_object_get(ports, port))) {
                cfg = json_object();
                json_object_set_new(ports, port, cfg);
            }
            if (!json_is_array(list = json_object_get(cfg, "interfaces"))) {
                list = json_array();
                json_object_set_new(cfg, "interfaces", list);
            }
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
    json_t *ports = json_object_get(doc, "ports"), *cfg;
    const char *key;

    if (!json_is_object(ports)) {
        ports = json_object();
        json_object_set_new(doc, "ports", ports);
    }
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

    device_name(op->dpid, dev, sizeof dev);
    switch (op->step) {
    case S_DEVICES:
        call(op, "GET", "/onos/v1/devices", NULL);
        break;
    case S_PORTS:
        snprintf(path, sizeof path, "/onos/v1/devices/%s/ports", dev);
        call(op, "GET", path, NULL);
        break;
    case S_READ:
        call(op, "GET", NETCFG, NULL);
        break;
    case S_POST_IFACES:
        call(op, "POST", NETCFG, without_vpls(op->doc));
        break;
    case S_POST_VPLS:
    case S_POST_DELETE:
        call(op, "POST", NETCFG, json_incref(op->doc));
        break;
    case S_ROLLBACK:
        call(op, "POST", NETCFG, rollback_doc(op));
        break;
    }
}

/* Posts the original configuration back, then fails with 'msg'. */
static void
rollback(struct op *op, int rc, const char *msg)
{
    op->error_rc = rc;
    if (!(op->error = strdup(msg))) {
        failf(op, SLC_ENOMEM, "out of memory");
        return;
    }
    op->step = S_ROLLBACK;
    run(op);
}

static void
got_devices(struct op *op, json_t *body)
{
    json_t *devices = json_object_get(body, "devices"), *d;
    char list[400] = "";
    size_t i, len = 0, n = json_array_size(devices);
    const char *id;

    json_array_foreach(devices, i, d)
    {
        id = json_string_value(json_object_get(d, "id"));
        if (len < sizeof list) {
            len += (size_t)snprintf(list + len, sizeof list - len, "%s%s",
                                    i ? ", " : "", id ? id : "?");
        }
    }
    id = json_string_value(json_object_get(json_array_get(devices, 0), "id"));
    if (!json_is_array(devices)) {
        failf(op, SLC_EIO, "GET /onos/v1/devices: the reply has no device "
              "list");
    } else if (n != 1) {
        failf(op, SLC_EINVALID, "the controller has %zu devices ([%s]): "
              "config.dpid must name %s", n, list,
              n ? "one of them" : "a connected one");
    } else if (!id || strncmp(id, "of:", 3) ||
               slc_of_dpid_parse(id + 3, &op->dpid)) {
        failf(op, SLC_EINVALID, "device '%s' is not an OpenFlow switch "
              "(of:<dpid>)", id ? id : "?");
    } else {
        op->have_dpid = true;
        op->step = S_PORTS;
        run(op);
    }
}

/* The number (text) of port 's' of a device's port list: a port name,
 * or a decimal number the device has; else NULL. */
static const char *
port_number(const json_t *ports, const char *s)
{
    uint32_t n = slc_of_port_number(s);
    const char *found = NULL;
    size_t i;
    json_t *p;

    json_array_foreach(ports, i, p)
    {
        const char *no = json_string_value(json_object_get(p, "port"));
        const char *name = json_string_value(json_object_get(
            json_object_get(p, "annotations"), "portName"));

        if (!no || !strcmp(no, "local")) {
            continue;
        }
        if (name && !strcmp(name, s)) {
            return no;        /* a name wins */
        }
        if (n && strtoul(no, NULL, 10) == n) {
            found = no;
        }
    }
    return found;
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

    device_name(op->dpid, dev, sizeof dev);
    if (!json_is_array(ports)) {
        json_decref(ifaces);
        failf(op, SLC_EIO, "GET devices/%s/ports: the reply has no port "
              "list", dev);
        return;
    }
    json_array_foreach(op->points, i, p)
    {
        const char *name = json_string_value(json_object_get(p, "name"));
        const char *port = json_string_value(json_object_get(p, "port"));
        const char *dpid = json_string_value(json_object_get(p, "dpid"));
        json_int_t tag = json_integer_value(json_object_get(p, "vlan"));
        const char *no = port_number(ports, port);
        uint64_t named;
        json_t *f;

        if (dpid && !slc_of_dpid_parse(dpid, &named) && named != op->dpid) {
            failf(op, SLC_EINVALID, "point %s: switch 0x%016" PRIx64 " is "
                  "not device %s", name, named, dev);
        } else if (!no) {
            failf(op, SLC_EINVALID, "point %s: device %s has no port '%s'",
                  name, dev, port);
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
    op->wants = json_pack("{s{ss so}}", op->name, "encapsulation",
                          tagged ? "VLAN" : "NONE", "interfaces", ifaces);
    op->step = S_READ;
    run(op);
}

/* The configuration is read: what each kind of operation makes of it. */
static void
got_config(struct op *op, json_t *body)
{
    struct onos_vpls *v = op->v;
    char msg[300];
    const char *name;
    json_t *want;
    int rc;

    if (!json_is_object(body)) {
        failf(op, SLC_EIO, "GET " NETCFG ": the reply is not an object");
        return;
    }
    if (op->kind == OP_CHECK) {
        finish(op, 0, NULL, NULL, NULL);
        return;
    }
    if (op->kind == OP_STATUS) {
        if (find_entry(body, op->name, NULL)) {
            finish(op, 0, "ACTIVE", NULL, NULL);
        } else {
            failf(op, SLC_ENOTFOUND, "not found in the VPLS configuration");
        }
        return;
    }
    op->orig = json_deep_copy(body);
    op->doc = json_deep_copy(body);
    if (!op->orig || !op->doc) {
        failf(op, SLC_ENOMEM, "out of memory");
        return;
    }
    if (op->kind == OP_DELETE) {
        if (!take_out(op, op->name, NULL)) {
            failf(op, SLC_ENOTFOUND, "not found in the VPLS configuration");
            return;
        }
        json_object_del(vpls_config(op->doc, false), "lastUpdateTime");
        op->step = S_POST_DELETE;
        run(op);
        return;
    }
    if (op->kind == OP_AUDIT) {
        /* only those that vanished are made again */
        op->wants = json_object();
        json_object_foreach(v->services, name, want)
        {
            if (!is_made(body, name, want)) {
                json_object_set(op->wants, name, want);
            }
        }
        if (!json_object_size(op->wants)) {
            v->audits++;
            finish(op, 0, NULL, NULL, NULL);
            return;
        }
    }
    if ((rc = put_interfaces(op, msg, sizeof msg))) {
        failf(op, rc, "%s", msg);
        return;
    }
    op->step = S_POST_IFACES;
    run(op);
}

/* Both POSTs of a create, an edit or an audit went through. */
static void
made(struct op *op)
{
    struct onos_vpls *v = op->v;
    const char *name;
    json_t *want;

    json_object_foreach(op->wants, name, want)
    {
        json_object_set(v->services, name, want);
        if (op->kind == OP_AUDIT) {
            v->remade++;
            note(v, "service %s made again: its VPLS had vanished", name);
        }
    }
    if (op->kind == OP_AUDIT) {
        v->audits++;
        finish(op, 0, NULL, NULL, NULL);
    } else {
        want = json_object_get(op->wants, op->name);
        finish(op, 0, NULL, NULL,
               json_pack("{so}", "interfaces", want_names(want)));
    }
}

static void
on_http(void *arg, int rc, const char *msg, json_t *body, long status)
{
    struct op *op = arg;
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
        msg = refusal(msg, status, text, sizeof text);
    }
    if (op->step == S_ROLLBACK) {
        if (rc) {
            failf(op, op->error_rc, "%s; the rollback failed too: %s",
                  op->error, msg);
        } else {
            failf(op, op->error_rc, "%s (rolled back)", op->error);
        }
    } else if (rc && (op->step == S_POST_IFACES ||
                      op->step == S_POST_VPLS)) {
        rollback(op, rc, msg);
    } else if (rc) {
        failf(op, rc, "%s", msg);
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
        finish(op, 0, NULL, NULL, NULL);   /* S_POST_DELETE */
    }
}

/* Starts the HTTP call of the current step; 'body' is taken. */
static void
call(struct op *op, const char *method, const char *path, json_t *body)
{
    struct slc_error err = {0};

    if (slc_sdn_rest_call(op->v->rest, method, path, body, on_http, op,
                          &err)) {
        failf(op, err.code, "%s", err.msg);
    }
}

/* ---- audits ---- */

static void
on_audit_timer(evutil_socket_t fd, short what, void *arg)
{
    struct onos_vpls *v = arg;
    struct op *op;

    (void)fd;
    (void)what;
    if (v->audit_queued || !json_object_size(v->services) ||
        !(op = calloc(1, sizeof *op))) {
        return;
    }
    *op = (struct op){.v = v, .kind = OP_AUDIT, .forget = json_array()};
    v->audit_queued = true;
    submit(v, op);
}

/* Starts the first queued operation unless it runs already. */
static void
on_kick(evutil_socket_t fd, short what, void *arg)
{
    struct op *op = ((struct onos_vpls *)arg)->ops;

    (void)fd;
    (void)what;
    if (!op || op->started) {
        return;
    }
    op->started = true;
    if (op->kind != OP_PUT) {
        op->step = S_READ;
    } else {
        op->step = op->have_dpid ? S_PORTS : S_DEVICES;
    }
    run(op);
}

/* ---- the class ---- */

static const struct slc_sdn_rest_int int_keys[] = {
    {"audit_interval_ms", 0, 86400000, "milliseconds"},
    {"timeout_ms", 1, 600000, "milliseconds"},
};

static int
vpls_check_config(const json_t *config, struct slc_error *err)
{
    const json_t *v = json_object_get(config, "dpid");
    uint64_t dpid;

    if (config && !json_is_object(config)) {
        return slc_error_set(err, SLC_EINVALID, "sdn controller of type "
                             TYPE ": config must be an object");
    }
    if (v && (!json_is_string(v) ||
              slc_of_dpid_parse(json_string_value(v), &dpid))) {
        return slc_error_set(err, SLC_EINVALID, "sdn controller of type "
                             TYPE ": config.dpid must be a datapath id "
                             "(16 hex digits, colons allowed)");
    }
    return slc_sdn_rest_check_ints(TYPE, config, int_keys,
                                   sizeof int_keys / sizeof int_keys[0],
                                   err);
}

/* "http://HOST:PORT", or the same with https. */
static int
check_url(const char *url, struct slc_error *err)
{
    char plain[300];

    if (url && !strncmp(url, "https://", 8) && !strchr(url, '@')) {
        snprintf(plain, sizeof plain, "http://%s", url + 8);
        if (!slc_sdn_rest_check_url(TYPE, plain, NULL)) {
            return 0;
        }
    }
    if (url && !strncmp(url, "http://", 7) &&
        !slc_sdn_rest_check_url(TYPE, url, NULL)) {
        return 0;
    }
    return slc_error_set(err, SLC_EINVALID, "sdn controller of type " TYPE
                         ": url '%s' is not http(s)://HOST:PORT",
                         !url ? "" : strchr(url, '@') ? "(with credentials)"
                                                      : url);
}

static void vpls_close(struct slc_sdn *sdn);

static int
vpls_open(const struct slc_sdn_params *p, struct slc_sdn **out,
          struct slc_error *err)
{
    const json_t *audit = json_object_get(p->config, "audit_interval_ms");
    const json_t *timeout = json_object_get(p->config, "timeout_ms");
    const char *dpid = json_string_value(json_object_get(p->config, "dpid"));
    struct timeval tv;
    struct onos_vpls *v;
    char label[300];
    int rc = vpls_check_config(p->config, err);

    if (rc || (rc = check_url(p->url, err))) {
        return rc;
    }
    if (!(v = calloc(1, sizeof *v))) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    if ((rc = slc_sdn_base_init(&v->up, &slc_sdn_onos_vpls_class, p, err))) {
        free(v);
        return rc;
    }
    v->have_dpid = dpid && !slc_of_dpid_parse(dpid, &v->dpid);
    v->audit_ms = audit ? (unsigned)json_integer_value(audit) : 5000;
    snprintf(label, sizeof label, "sdn '%s'", v->up.drv.name);
    rc = slc_sdn_rest_new(
        &(struct slc_sdn_rest_params){
            .base = p->base, .url = p->url, .user = p->user,
            .password = p->password, .label = label,
            .timeout_ms = timeout ? (long)json_integer_value(timeout) : 5000},
        &v->rest, err);
    v->services = json_object();
    v->kick = event_new(p->base, -1, 0, on_kick, v);
    v->audit_timer = event_new(p->base, -1, EV_PERSIST, on_audit_timer, v);
    if (!rc && (!v->services || !v->kick || !v->audit_timer)) {
        rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    if (rc) {
        vpls_close(&v->up);
        return rc;
    }
    tv = (struct timeval){v->audit_ms / 1000, v->audit_ms % 1000 * 1000};
    if (v->audit_ms) {
        event_add(v->audit_timer, &tv);
    }
    *out = &v->up;
    return 0;
}

static void
vpls_close(struct slc_sdn *sdn)
{
    struct onos_vpls *v = vpls_of(sdn);

    slc_sdn_rest_free(v->rest);   /* no HTTP callback runs after this */
    while (v->ops) {
        struct op *op = v->ops;

        v->ops = op->next_op;
        free_op(op);
    }
    json_decref(v->services);
    if (v->kick) {
        event_free(v->kick);
    }
    if (v->audit_timer) {
        event_free(v->audit_timer);
    }
    slc_sdn_base_fini(&v->up);
    free(v);
}

/* An operation about VPLS 'name' (may be NULL), or NULL on failure. */
static struct op *
new_op(struct onos_vpls *v, enum op_kind kind, uint64_t token,
       const char *name, struct slc_error *err)
{
    struct op *op = calloc(1, sizeof *op);

    if (op) {
        *op = (struct op){.v = v, .kind = kind, .token = token,
                          .have_dpid = v->have_dpid, .dpid = v->dpid,
                          .forget = json_array()};
    }
    if (!op || !op->forget) {
        free(op);
        slc_error_set(err, SLC_ENOMEM, "out of memory");
        return NULL;
    }
    snprintf(op->name, sizeof op->name, "%s", name ? name : "");
    return op;
}

static int
vpls_check_credentials(struct slc_sdn *sdn, uint64_t token,
                       struct slc_error *err)
{
    struct op *op = new_op(vpls_of(sdn), OP_CHECK, token, NULL, err);

    if (op) {
        submit(vpls_of(sdn), op);
    }
    return op ? 0 : err->code;
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

static int
put_service(struct onos_vpls *v, uint64_t token, const char *name,
            const struct slc_sdn_service_spec *spec, struct slc_error *err)
{
    struct op *op = new_op(v, OP_PUT, token, name, err);
    int rc = op ? take_points(op, spec, err) : err->code;

    if (op && rc) {
        free_op(op);
        return rc;
    }
    if (op) {
        json_t *kept = want_names(json_object_get(v->services, name));

        add_names_array(op->forget, json_object_get(spec->conn_info,
                                                    "interfaces"));
        add_names_array(op->forget, kept);
        json_decref(kept);
        submit(v, op);
    }
    return rc;
}

static int
vpls_create_service(struct slc_sdn *sdn, uint64_t token,
                    const struct slc_sdn_service_spec *spec,
                    struct slc_error *err)
{
    char name[32];

    slc_sdn_rest_service_id(PREFIX, spec->tag ? spec->tag : spec->name,
                            name, sizeof name);
    return put_service(vpls_of(sdn), token, name, spec, err);
}

static int
vpls_edit_service(struct slc_sdn *sdn, uint64_t token,
                  const char *service_id,
                  const struct slc_sdn_service_spec *spec,
                  struct slc_error *err)
{
    uint32_t id;

    return slc_sdn_rest_parse_service_id(PREFIX, service_id, &id, err)
               ? err->code
               : put_service(vpls_of(sdn), token, service_id, spec, err);
}

/* A delete or a status of VPLS 'service_id'. */
static int
service_call(struct slc_sdn *sdn, enum op_kind kind, uint64_t token,
             const char *service_id, const json_t *conn_info,
             struct slc_error *err)
{
    struct onos_vpls *v = vpls_of(sdn);
    struct op *op;
    uint32_t id;

    if (slc_sdn_rest_parse_service_id(PREFIX, service_id, &id, err) ||
        !(op = new_op(v, kind, token, service_id, err))) {
        return err->code;
    }
    if (kind == OP_DELETE) {
        json_t *kept = want_names(json_object_get(v->services, op->name));

        add_names_array(op->forget, json_object_get(conn_info,
                                                    "interfaces"));
        add_names_array(op->forget, kept);
        json_decref(kept);
        /* audits stop making it again now */
        json_object_del(v->services, op->name);
    }
    submit(v, op);
    return 0;
}

static int
vpls_delete_service(struct slc_sdn *sdn, uint64_t token,
                    const char *service_id, const json_t *conn_info,
                    struct slc_error *err)
{
    return service_call(sdn, OP_DELETE, token, service_id, conn_info, err);
}

static int
vpls_service_status(struct slc_sdn *sdn, uint64_t token,
                    const char *service_id, const json_t *conn_info,
                    struct slc_error *err)
{
    return service_call(sdn, OP_STATUS, token, service_id, conn_info, err);
}

static json_t *
vpls_describe(struct slc_sdn *sdn)
{
    struct onos_vpls *v = vpls_of(sdn);
    json_t *services = json_array(), *want;
    const char *name;
    char dev[32];

    json_object_foreach(v->services, name, want)
    {
        json_array_append_new(
            services, json_pack("{ss so sO}", "id", name, "interfaces",
                                want_names(want), "encapsulation",
                                json_object_get(want, "encapsulation")));
    }
    device_name(v->dpid, dev, sizeof dev);
    return json_pack("{ss ss? so si si ss}", "url",
                     slc_sdn_rest_url(v->rest), "device",
                     v->have_dpid ? dev : NULL, "services", services,
                     "audits", (int)v->audits, "remade", (int)v->remade,
                     "last_event", v->last_event);
}

const struct slc_sdn_class slc_sdn_onos_vpls_class = {
    .version = SLC_SDN_CLASS_VERSION,
    .type = TYPE,
    .check_config = vpls_check_config,
    .open = vpls_open,
    .close = vpls_close,
    .check_credentials = vpls_check_credentials,
    .create_service = vpls_create_service,
    .edit_service = vpls_edit_service,
    .delete_service = vpls_delete_service,
    .service_status = vpls_service_status,
    .describe = vpls_describe,
};

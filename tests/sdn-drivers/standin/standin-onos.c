/* ONOS personality of the SDN stand-in: the /onos/v1 calls of OSM's
 * onosof and onos_vpls connectors, after ONOS's web/api resources and
 * codecs (FlowsWebResource, DevicesWebResource, NetworkConfigWebResource,
 * HostsWebResource; FlowRuleCodec, Decode*CodecHelper) and the VPLS
 * application (VplsConfigManager, DistributedVplsStore).
 *
 * Flows: POST flows/<device> decodes the body as ONOS does (400 with
 * {"code":400,"message":...} on a bad member), gives the rule an id made
 * of its application and a hash of device, priority, table and selector
 * (so that the same match replaces, as in ONOS), installs it and answers
 * 201 with a Location.  Unlike ONOS, which accepts the rule and lets the
 * switch refuse it later, a rule the switch refuses is answered 400 with
 * ovs-ofctl's message.  GET flows/<device> is 404 "Device is not found"
 * while the device has no flow (ONOS's own behaviour).  A flow's
 * "packets" and "bytes" are the switch's; a rule the switch lacks (a
 * flow deleted behind the controller's back, or removed with its group)
 * is shown PENDING_ADD with no counters.  ONOS would send it again on its
 * next statistics round; the stand-in leaves that to its client.
 * Criteria: IN_PORT, ETH_DST/SRC, VLAN_VID, ETH_TYPE, IP_PROTO,
 * IPV4/IPV6_SRC/DST, TCP/UDP/SCTP_SRC/DST, MPLS_LABEL; instructions:
 * OUTPUT, GROUP, NOACTION and L2MODIFICATION VLAN_ID, VLAN_POP,
 * VLAN_PUSH, MPLS_PUSH, MPLS_LABEL, MPLS_POP, ETH_SRC, ETH_DST.
 *
 * Groups (GroupsWebResource, GroupCodec, GroupBucketCodec): POST
 * groups/<device> takes {id or groupId, appCookie "0x..", type SELECT |
 * ALL | INDIRECT, buckets [{weight (SELECT), treatment}]}, answers 201
 * with a Location and applies the group to the switch under its id (400
 * with ovs-ofctl's words when the switch refuses it); a group whose
 * appCookie is known is kept as it is, as ONOS's GroupManager does.  GET
 * groups[/<device>[/<appCookie>]] answers {"groups": [...]} (404 "Group
 * was not found" for an unknown appCookie) with the switch's counters,
 * ADDED, or PENDING_ADD when the switch lacks the group; DELETE
 * groups/<device>/<appCookie> answers 204 and removes it (the switch
 * removes the flows that send to it).
 *
 * VPLS: the network configuration is kept whole; a POST merges it per
 * subject and configuration key as ONOS does.  When the POST carries
 * apps["org.onosproject.vpls"].vpls without "lastUpdateTime" the VPLSs
 * are recomputed (with lastUpdateTime, ONOS's VplsConfigManager takes the
 * configuration for its own write-back and ignores it); then, as the VPLS
 * store does, the vpls configuration is rewritten with the VPLSs and a
 * lastUpdateTime.  Each VPLS of two or more interfaces becomes one flow
 * per interface (application org.onosproject.net.intent, priority 1100 as
 * VPLS broadcast intents): in_port and the interface's VLAN (or untagged)
 * to every other interface, with the VLAN pushed, rewritten or popped for
 * each.  ONOS also learns hosts and adds per-MAC unicast flows; the
 * stand-in has no OpenFlow channel to learn them, so unicast is flooded
 * within the VPLS like broadcast, which gives the same reachability.  On
 * one switch encapsulation VLAN and NONE give the same flows. */
#include "standin-onos-codec.h"
#include "standin.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define VPLS_APP "org.onosproject.vpls"
#define INTENT_APP "org.onosproject.net.intent"
#define VPLS_PRIORITY 1100

struct onos_flow {
    uint64_t id;
    char *app;
    int priority;
    int timeout;
    bool permanent;
    int table;
    json_t *selector;  /* as ONOS encodes it */
    json_t *treatment;
    uint64_t cookie;
    long long added_ms;
};

struct onos_group {
    uint32_t id;
    char *cookie;      /* appCookie, lower-case, "0x..." */
    char *type;        /* SELECT, ALL, INDIRECT */
    json_t *buckets;   /* as GroupBucketCodec writes them, no counters */
    long long added_ms;
};

struct onos_iface {
    char name[128];
    long port;
    int vlan; /* STANDIN_VLAN_NONE when untagged */
};

struct onos_vpls {
    char *name;
    char *encap;
    struct onos_iface *ifaces;
    size_t n_ifaces;
    uint64_t *flow_ids;
    size_t n_flow_ids;
};

struct standin_onos {
    json_t *netcfg;
    struct onos_flow *flows;
    size_t n_flows;
    struct onos_group *groups;
    size_t n_groups;
    char **apps; /* registered application names; short id = index + 1 */
    size_t n_apps;
    struct onos_vpls *vplss;
    size_t n_vplss;
};

/* Subject classes of ONOS's network configuration. */
static const char *const subject_classes[] = {
    "apps", "devices", "hosts", "links", "ports", "regions", "layouts",
};

static void
reply_error(struct standin_response *resp, unsigned int status,
            const char *message)
{
    if (status == 401) {
        /* ONOS's REST API is behind the web container's BASIC login
         * (web/api web.xml, realm karaf): Jetty's error page. */
        char page[512];

        snprintf(page, sizeof page,
                 "<html>\n<head>\n<meta http-equiv=\"Content-Type\" "
                 "content=\"text/html;charset=ISO-8859-1\"/>\n"
                 "<title>Error 401 Unauthorized</title>\n</head>\n"
                 "<body><h2>HTTP ERROR 401</h2>\n<p>Problem accessing "
                 "/onos/v1/. Reason:\n<pre>    Unauthorized</pre></p>"
                 "</body>\n</html>\n");
        standin_reply_text(resp, status, "text/html;charset=iso-8859-1",
                           page);
        return;
    }
    standin_reply_json(resp, status,
                       json_pack("{s:i, s:s}", "code", (int)status,
                                 "message", message));
}

static void
device_id(const struct standin *s, char *buf, size_t size)
{
    snprintf(buf, size, "of:%s", s->dpid);
}

static bool
is_device(const struct standin *s, const char *id)
{
    char mine[32];

    device_id(s, mine, sizeof mine);
    return !strcmp(id, mine);
}

/* --- devices */

static json_t *
device_json(const struct standin *s, const struct standin_inventory *inv)
{
    char id[32], chassis[32], last[32], channel[48];

    device_id(s, id, sizeof id);
    snprintf(chassis, sizeof chassis, "%llx",
             (unsigned long long)s->dpid_value);
    snprintf(last, sizeof last, "%lld", s->started_ms);
    snprintf(channel, sizeof channel, "127.0.0.1:%u", 6653u);
    return json_pack(
        "{s:s, s:s, s:b, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s,"
        " s:{s:s, s:s, s:s}}",
        "id", id, "type", "SWITCH", "available", 1, "role", "MASTER",
        "mfr", inv->manufacturer, "hw", inv->hardware, "sw", inv->software,
        "serial", inv->serial, "driver", "ovs", "chassisId", chassis,
        "lastUpdate", last, "humanReadableLastUpdate", "connected",
        "annotations", "channelId", channel, "managementAddress",
        "127.0.0.1", "protocol", "OF_13");
}

static json_t *
port_json(const char *dev, const struct standin_port *port)
{
    char number[24];

    if (port->number == STANDIN_PORT_LOCAL) {
        snprintf(number, sizeof number, "local");
    } else {
        snprintf(number, sizeof number, "%ld", port->number);
    }
    return json_pack("{s:s, s:s, s:b, s:s, s:i, s:{s:s, s:s, s:s}}",
                     "element", dev, "port", number, "isEnabled",
                     !port->port_down && !port->link_down, "type", "copper",
                     "portSpeed", 10000, "annotations", "adminState",
                     port->port_down ? "disabled" : "enabled", "portMac",
                     port->mac, "portName", port->name);
}

static bool
read_inventory(struct standin *s, struct standin_inventory *inv,
               struct standin_response *resp)
{
    char err[256];

    if (standin_inventory_read(s, inv, err, sizeof err) < 0) {
        reply_error(resp, 500, err);
        return false;
    }
    return true;
}

static void
get_devices(struct standin *s, const struct standin_request *req,
            struct standin_response *resp)
{
    struct standin_inventory inv;

    (void)req;
    if (read_inventory(s, &inv, resp)) {
        standin_reply_json(resp, 200,
                           json_pack("{s:[o]}", "devices",
                                     device_json(s, &inv)));
        standin_inventory_free(&inv);
    }
}

static void
get_device(struct standin *s, const struct standin_request *req,
           struct standin_response *resp)
{
    struct standin_inventory inv;

    if (!is_device(s, req->args[0])) {
        reply_error(resp, 404, "Device is not found");
    } else if (read_inventory(s, &inv, resp)) {
        standin_reply_json(resp, 200, device_json(s, &inv));
        standin_inventory_free(&inv);
    }
}

static void
get_device_ports(struct standin *s, const struct standin_request *req,
                 struct standin_response *resp)
{
    struct standin_inventory inv;
    json_t *dev, *ports;

    if (!is_device(s, req->args[0])) {
        reply_error(resp, 404, "Device is not found");
        return;
    }
    if (!read_inventory(s, &inv, resp)) {
        return;
    }
    dev = device_json(s, &inv);
    ports = json_array();
    for (size_t i = 0; i < inv.len; i++) {
        json_array_append_new(ports, port_json(req->args[0], &inv.ports[i]));
    }
    json_object_set_new(dev, "ports", ports);
    standin_reply_json(resp, 200, dev);
    standin_inventory_free(&inv);
}

/* --- flow store */

static unsigned int
app_short_id(struct standin_onos *o, const char *app)
{
    char **apps;

    for (size_t i = 0; i < o->n_apps; i++) {
        if (!strcmp(o->apps[i], app)) {
            return (unsigned int)i + 1;
        }
    }
    apps = realloc(o->apps, (o->n_apps + 1) * sizeof *apps);
    if (!apps) {
        return 0;
    }
    o->apps = apps;
    o->apps[o->n_apps] = strdup(app);
    return (unsigned int)++o->n_apps;
}

static uint32_t
fnv1a(uint32_t h, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        h = (h ^ *p) * 16777619u;
    }
    return h;
}

static struct onos_flow *
find_flow(struct standin_onos *o, uint64_t id)
{
    for (size_t i = 0; i < o->n_flows; i++) {
        if (o->flows[i].id == id) {
            return &o->flows[i];
        }
    }
    return NULL;
}

static void
flow_clear(struct onos_flow *f)
{
    free(f->app);
    json_decref(f->selector);
    json_decref(f->treatment);
}

static void
remove_flow(struct standin *s, uint64_t id)
{
    struct standin_onos *o = s->onos;
    struct onos_flow *f = find_flow(o, id);

    if (f) {
        standin_flows_remove(s, f->cookie);
        flow_clear(f);
        *f = o->flows[--o->n_flows];
    }
}

/* Adds or replaces the rule described by body (already decoded into flow,
 * selector and treatment, references stolen).  0 with the id in *id, or
 * -1 with the switch's message in err. */
static int
store_flow(struct standin *s, const char *app, const json_t *body,
           struct standin_flow *flow, json_t *selector, json_t *treatment,
           uint64_t *id, char *err, size_t errsize)
{
    struct standin_onos *o = s->onos;
    struct onos_flow nf = {0}, *old;
    char dev[32], key[64];
    char *sel_text = json_dumps(selector, JSON_COMPACT | JSON_SORT_KEYS);
    uint32_t h;

    device_id(s, dev, sizeof dev);
    snprintf(key, sizeof key, "%s|%d|%d|", dev, flow->priority, flow->table);
    h = fnv1a(fnv1a(2166136261u, key), sel_text ? sel_text : "");
    free(sel_text);
    nf.id = ((uint64_t)app_short_id(o, app) << 48) | h;
    nf.app = strdup(app);
    nf.priority = flow->priority;
    nf.table = flow->table;
    nf.permanent = onos_as_bool(json_object_get(body, "isPermanent"));
    nf.timeout = flow->idle_timeout;
    nf.selector = selector;
    nf.treatment = treatment;
    nf.cookie = standin_cookie_new(s);
    nf.added_ms = standin_now_ms();
    if (standin_flows_apply(s, nf.cookie, flow, 1, err, errsize) < 0) {
        flow_clear(&nf);
        return -1;
    }
    old = find_flow(o, nf.id);
    if (old) {
        /* Same match: the switch replaced the flow; drop the rest. */
        standin_flows_remove(s, old->cookie);
        flow_clear(old);
        *old = nf;
    } else {
        struct onos_flow *flows =
            realloc(o->flows, (o->n_flows + 1) * sizeof *flows);

        if (!flows) {
            standin_flows_remove(s, nf.cookie);
            flow_clear(&nf);
            snprintf(err, errsize, "out of memory");
            return -1;
        }
        o->flows = flows;
        o->flows[o->n_flows++] = nf;
    }
    *id = nf.id;
    return 0;
}

/* Decodes a FlowRule body as FlowRuleCodec does and stores it. */
static int
add_flow(struct standin *s, const char *app, const json_t *body,
         uint64_t *id, char *err, size_t errsize)
{
    struct standin_flow flow = {.vlan = STANDIN_VLAN_ANY};
    const json_t *priority = json_object_get(body, "priority");
    const json_t *permanent = json_object_get(body, "isPermanent");
    const json_t *table = json_object_get(body, "tableId");
    json_t *selector, *treatment;

    if (!priority) {
        snprintf(err, errsize, "priority member is required in FlowRule");
        return -1;
    }
    if (!permanent) {
        snprintf(err, errsize, "isPermanent member is required in FlowRule");
        return -1;
    }
    if (!onos_as_bool(permanent)) {
        if (!json_object_get(body, "timeout")) {
            snprintf(err, errsize,
                     "timeout member is required in FlowRule if the flow "
                     "is temporary");
            return -1;
        }
        flow.idle_timeout =
            (int)onos_as_long(json_object_get(body, "timeout"));
    }
    flow.priority = (int)onos_as_long(priority);
    flow.table = table ? (int)onos_as_long(table) : 0;
    if (onos_decode_match_actions(body, &flow, &selector, &treatment, err,
                             errsize) < 0) {
        json_decref(selector);
        json_decref(treatment);
        return -1;
    }
    return store_flow(s, app, body, &flow, selector, treatment, id, err,
                      errsize);
}

/* A flow as FlowEntryCodec writes it; 'c' its counters on the switch,
 * NULL when the switch lacks it (ONOS shows such a rule PENDING_ADD while
 * it installs it again; the stand-in leaves that to its client). */
static json_t *
flow_json(const struct standin *s, const struct onos_flow *f,
          const struct standin_counts *c)
{
    char id[24], dev[32], table[16];
    long long now = standin_now_ms();

    snprintf(id, sizeof id, "%llu", (unsigned long long)f->id);
    snprintf(table, sizeof table, "%d", f->table);
    device_id(s, dev, sizeof dev);
    return json_pack("{s:s, s:i, s:s, s:i, s:i, s:i, s:b, s:s, s:s, s:s,"
                     " s:I, s:I, s:I, s:s, s:I, s:O, s:O}",
                     "id", id, "tableId", f->table, "appId", f->app,
                     "groupId", 0, "priority", f->priority, "timeout",
                     f->timeout, "isPermanent", f->permanent, "deviceId", dev,
                     "tableName", table, "state",
                     c ? "ADDED" : "PENDING_ADD", "life",
                     (json_int_t)((now - f->added_ms) / 1000), "packets",
                     (json_int_t)(c ? c->packets : 0), "bytes",
                     (json_int_t)(c ? c->bytes : 0), "liveType", "UNKNOWN",
                     "lastSeen", (json_int_t)now, "treatment", f->treatment,
                     "selector", f->selector);
}

static void
reply_flows(struct standin *s, struct standin_response *resp,
            bool one, uint64_t id)
{
    json_t *flows = json_array();
    struct standin_counts *counts;
    size_t n;
    char err[256];

    if (standin_counts_read(s, false, &counts, &n, err, sizeof err) < 0) {
        json_decref(flows);
        reply_error(resp, 500, err);
        return;
    }
    for (size_t i = 0; i < s->onos->n_flows; i++) {
        const struct onos_flow *f = &s->onos->flows[i];

        if (!one || f->id == id) {
            json_array_append_new(
                flows, flow_json(s, f, standin_counts_find(counts, n,
                                                           f->cookie)));
        }
    }
    free(counts);
    standin_reply_json(resp, 200, json_pack("{s:o}", "flows", flows));
}

static void
get_all_flows(struct standin *s, const struct standin_request *req,
              struct standin_response *resp)
{
    (void)req;
    reply_flows(s, resp, false, 0);
}

static void
get_flows(struct standin *s, const struct standin_request *req,
          struct standin_response *resp)
{
    if (!is_device(s, req->args[0]) || s->onos->n_flows == 0) {
        reply_error(resp, 404, "Device is not found");
        return;
    }
    reply_flows(s, resp, false, 0);
}

static void
get_flow(struct standin *s, const struct standin_request *req,
         struct standin_response *resp)
{
    if (!is_device(s, req->args[0]) || s->onos->n_flows == 0) {
        reply_error(resp, 404, "Device is not found");
        return;
    }
    reply_flows(s, resp, true, strtoull(req->args[1], NULL, 10));
}

static void
post_flow(struct standin *s, const struct standin_request *req,
          struct standin_response *resp)
{
    char err[512], app[64], location[512];
    json_t *body = standin_parse_body(req, err, sizeof err);
    const json_t *dev, *appid;
    uint64_t id;

    if (!json_is_object(body)) {
        reply_error(resp, 400, body ? "Expected a JSON object" : err);
        json_decref(body);
        return;
    }
    dev = json_object_get(body, "deviceId");
    if (dev && (!json_is_string(dev) ||
                strcmp(json_string_value(dev), req->args[0]))) {
        reply_error(resp, 400, "Invalid deviceId in flow creation request");
    } else if (!is_device(s, req->args[0])) {
        /* ONOS would keep the rule pending for a device it may meet
         * later; the stand-in has one switch. */
        reply_error(resp, 404, "Device is not found");
    } else {
        appid = json_object_get(body, "appId");
        snprintf(app, sizeof app, "%s",
                 appid ? onos_as_text(appid, err, sizeof err)
                       : "org.onosproject.rest");
        if (add_flow(s, app, body, &id, err, sizeof err) < 0) {
            reply_error(resp, 400, err);
        } else {
            snprintf(location, sizeof location,
                     "http://%s/onos/v1/flows/%s/%llu",
                     *req->host ? req->host : "127.0.0.1", req->args[0],
                     (unsigned long long)id);
            resp->location = strdup(location);
            standin_reply_text(resp, 201, NULL, NULL);
        }
    }
    json_decref(body);
}

static void
delete_flow(struct standin *s, const struct standin_request *req,
            struct standin_response *resp)
{
    if (!is_device(s, req->args[0]) || s->onos->n_flows == 0) {
        reply_error(resp, 404, "Device is not found");
        return;
    }
    remove_flow(s, strtoull(req->args[1], NULL, 10));
    standin_reply_text(resp, 204, NULL, NULL);
}

/* --- groups, as GroupsWebResource and GroupCodec */

static void
group_clear(struct onos_group *g)
{
    free(g->cookie);
    free(g->type);
    json_decref(g->buckets);
}

/* The group of appCookie 'cookie' (any case), or NULL. */
static struct onos_group *
find_group(struct standin_onos *o, const char *cookie)
{
    for (size_t i = 0; i < o->n_groups; i++) {
        if (!strcasecmp(o->groups[i].cookie, cookie)) {
            return &o->groups[i];
        }
    }
    return NULL;
}

/* The flows of the store that send to group 'id'. */
static int
group_references(const struct standin_onos *o, uint32_t id)
{
    int n = 0;

    for (size_t i = 0; i < o->n_flows; i++) {
        const json_t *ins;
        size_t k;

        json_array_foreach(json_object_get(o->flows[i].treatment,
                                           "instructions"),
                           k, ins)
        {
            n += json_integer_value(json_object_get(ins, "groupId")) == id &&
                 !strcmp(json_string_value(json_object_get(ins, "type"))
                             ?: "",
                         "GROUP");
        }
    }
    return n;
}

static json_t *
group_json(const struct standin *s, const struct onos_group *g,
           const struct standin_counts *c)
{
    char dev[32];

    device_id(s, dev, sizeof dev);
    return json_pack("{s:I, s:s, s:I, s:I, s:I, s:i, s:s, s:s, s:s, s:s,"
                     " s:I, s:O}",
                     "id", (json_int_t)g->id, "state",
                     c ? "ADDED" : "PENDING_ADD", "life",
                     (json_int_t)((standin_now_ms() - g->added_ms) / 1000),
                     "packets", (json_int_t)(c ? c->packets : 0), "bytes",
                     (json_int_t)(c ? c->bytes : 0), "referenceCount",
                     group_references(s->onos, g->id), "type", g->type,
                     "deviceId", dev, "appId", "org.onosproject.rest",
                     "appCookie", g->cookie, "givenGroupId",
                     (json_int_t)g->id, "buckets", g->buckets);
}

/* GET groups, groups/<device>, groups/<device>/<appCookie>. */
static void
get_groups(struct standin *s, const struct standin_request *req,
           struct standin_response *resp)
{
    const char *dev = req->args[0], *cookie = req->args[1];
    json_t *groups = json_array();
    struct standin_counts *counts;
    size_t n;
    char err[256];

    if (cookie && strncmp(cookie, "0x", 2)) {
        json_decref(groups);
        reply_error(resp, 400, "APP_COOKIE must be a hex string starts with "
                               "0x");
        return;
    }
    if (standin_counts_read(s, true, &counts, &n, err, sizeof err) < 0) {
        json_decref(groups);
        reply_error(resp, 500, err);
        return;
    }
    for (size_t i = 0; (!dev || is_device(s, dev)) && i < s->onos->n_groups;
         i++) {
        const struct onos_group *g = &s->onos->groups[i];

        if (!cookie || !strcasecmp(cookie, g->cookie)) {
            json_array_append_new(
                groups, group_json(s, g, standin_counts_find(counts, n,
                                                             g->id)));
        }
    }
    free(counts);
    if (cookie && !json_array_size(groups)) {
        json_decref(groups);
        reply_error(resp, 404, "Group was not found");
        return;
    }
    standin_reply_json(resp, 200, json_pack("{s:o}", "groups", groups));
}

/* The buckets of a POSTed group of 'type' into 'buckets' (the switch's)
 * and 'out' (ONOS's encoding), as GroupBucketCodec decodes them. */
static int
decode_buckets(const json_t *list, const char *type,
               struct standin_flow *buckets, int *weights, json_t *out,
               struct decode *d)
{
    const json_t *b, *v;
    size_t i, k;

    json_array_foreach(list, i, b)
    {
        const json_t *instrs = json_object_get(
            json_object_get(b, "treatment"), "instructions");
        json_t *encoded = json_array();

        d->flow = &buckets[i];
        weights[i] = 1;
        if (!strcmp(type, "SELECT")) {
            if (!(v = json_object_get(b, "weight"))) {
                json_decref(encoded);
                return onos_fail(d, "weight member is required in Group");
            }
            weights[i] = (int)onos_as_long(v);
        }
        json_array_foreach(instrs, k, v)
        {
            if (onos_decode_instruction(v, d, encoded) < 0) {
                json_decref(encoded);
                return -1;
            }
        }
        json_array_append_new(
            out, json_pack("{s:s, s:i, s:i, s:i, s:{s:o, s:[]}}", "type",
                           type, "weight", weights[i], "packets", 0, "bytes",
                           0, "treatment", "instructions", encoded,
                           "deferred"));
    }
    return 0;
}

/* Decodes a POSTed group (GroupCodec.decode) into 'g' and applies it to
 * the switch; 0, or -1 with the message in 'err'. */
static int
add_group(struct standin *s, const json_t *body, struct onos_group *g,
          char *err, size_t errsize)
{
    static const char *const types[][2] = {
        {"SELECT", "select"}, {"ALL", "all"}, {"INDIRECT", "indirect"}};
    const json_t *id = json_object_get(body, "id");
    const json_t *given = json_object_get(body, "givenGroupId");
    const json_t *list = json_object_get(body, "buckets");
    const char *cookie = json_string_value(json_object_get(body,
                                                           "appCookie"));
    const char *type = json_string_value(json_object_get(body, "type"));
    const char *ovs_type = NULL;
    size_t n = json_array_size(list);
    struct standin_flow *buckets = calloc(n + 1, sizeof *buckets);
    int *weights = calloc(n + 1, sizeof *weights);
    struct decode d = {NULL, err, errsize};
    int rc = -1;

    id = id ? id : json_object_get(body, "groupId");
    for (size_t i = 0; type && i < sizeof types / sizeof types[0]; i++) {
        ovs_type = !strcmp(type, types[i][0]) ? types[i][1] : ovs_type;
    }
    if (!buckets || !weights) {
        snprintf(err, errsize, "out of memory");
    } else if (!id) {
        snprintf(err, errsize, "id member is required in Group");
    } else if (given && onos_as_long(given) != onos_as_long(id)) {
        snprintf(err, errsize, "givenGroupId must be same with id");
    } else if (!cookie) {
        snprintf(err, errsize, "appCookie member is required in Group");
    } else if (strncmp(cookie, "0x", 2)) {
        snprintf(err, errsize, "APP_COOKIE must be a hex string starts "
                               "with 0x");
    } else if (!ovs_type) {
        snprintf(err, errsize, "The requested group type %s is not valid "
                               "(or not supported by the stand-in)",
                 type ? type : "(none)");
    } else if (!json_is_array(list)) {
        snprintf(err, errsize, "buckets member is required in Group");
    } else {
        *g = (struct onos_group){.id = (uint32_t)onos_as_long(id),
                                 .cookie = strdup(cookie),
                                 .type = strdup(type),
                                 .buckets = json_array(),
                                 .added_ms = standin_now_ms()};
        for (char *p = g->cookie; p && *p; p++) {
            *p = (char)tolower((unsigned char)*p);
        }
        rc = decode_buckets(list, type, buckets, weights, g->buckets, &d);
        rc = rc ? rc
                : standin_group_apply(s, &(struct standin_group){
                                             .id = g->id,
                                             .type = ovs_type,
                                             .buckets = buckets,
                                             .weights = weights,
                                             .n_buckets = n},
                                      err, errsize);
        if (rc) {
            group_clear(g);
        }
    }
    free(buckets);
    free(weights);
    return rc;
}

/* POST groups/<device>: 201 with a Location.  As ONOS, a group whose
 * appCookie is known already is kept as it is (GroupManager ignores the
 * add); unlike ONOS, which answers first and lets the switch refuse
 * later, a group the switch refuses is answered 400. */
static void
post_group(struct standin *s, const struct standin_request *req,
           struct standin_response *resp)
{
    char err[512], location[512];
    json_t *body = standin_parse_body(req, err, sizeof err);
    const json_t *dev = json_object_get(body, "deviceId");
    const char *cookie = json_string_value(json_object_get(body,
                                                           "appCookie"));
    struct standin_onos *o = s->onos;
    struct onos_group g, *grown;

    if (!json_is_object(body)) {
        reply_error(resp, 400, body ? "Expected a JSON object" : err);
    } else if (dev && (!json_is_string(dev) ||
                       strcmp(json_string_value(dev), req->args[0]))) {
        reply_error(resp, 400, "Invalid deviceId in group creation request");
    } else if (!is_device(s, req->args[0])) {
        reply_error(resp, 404, "Device is not found");
    } else if (cookie && find_group(o, cookie)) {
        standin_log(s, "group %s exists: kept as it is", cookie);
        standin_reply_text(resp, 201, NULL, NULL);
    } else if (add_group(s, body, &g, err, sizeof err) < 0) {
        reply_error(resp, 400, err);
    } else if (!(grown = realloc(o->groups,
                                 (o->n_groups + 1) * sizeof *grown))) {
        standin_group_remove(s, g.id);
        group_clear(&g);
        reply_error(resp, 500, "out of memory");
    } else {
        o->groups = grown;
        o->groups[o->n_groups++] = g;
        snprintf(location, sizeof location,
                 "http://%s/onos/v1/groups/%s/%u",
                 *req->host ? req->host : "127.0.0.1", req->args[0],
                 (unsigned)g.id);
        resp->location = strdup(location);
        standin_reply_text(resp, 201, NULL, NULL);
    }
    json_decref(body);
}

/* DELETE groups/<device>/<appCookie>: 204, known or not (ONOS's
 * removeGroup answers nothing). */
static void
delete_group(struct standin *s, const struct standin_request *req,
             struct standin_response *resp)
{
    struct standin_onos *o = s->onos;
    struct onos_group *g;

    if (strncmp(req->args[1], "0x", 2)) {
        reply_error(resp, 400, "APP_COOKIE must be a hex string starts with "
                               "0x");
        return;
    }
    if (is_device(s, req->args[0]) && (g = find_group(o, req->args[1]))) {
        standin_group_remove(s, g->id);
        group_clear(g);
        *g = o->groups[--o->n_groups];
    }
    standin_reply_text(resp, 204, NULL, NULL);
}

/* --- hosts (none are learnt) */

static void
get_hosts(struct standin *s, const struct standin_request *req,
          struct standin_response *resp)
{
    (void)s;
    (void)req;
    standin_reply_json(resp, 200, json_pack("{s:[]}", "hosts"));
}

static void
delete_host(struct standin *s, const struct standin_request *req,
            struct standin_response *resp)
{
    (void)s;
    (void)req;
    standin_reply_text(resp, 204, NULL, NULL);
}

/* --- VPLS */

static void
vpls_clear(struct standin *s, struct onos_vpls *v)
{
    for (size_t i = 0; i < v->n_flow_ids; i++) {
        remove_flow(s, v->flow_ids[i]);
    }
    free(v->flow_ids);
    free(v->ifaces);
    free(v->name);
    free(v->encap);
    memset(v, 0, sizeof *v);
}

/* VlanId.vlanId(String) of an interface's "vlan". */
static int
iface_vlan(const json_t *v)
{
    char buf[32];
    const char *text;

    if (!v) {
        return STANDIN_VLAN_NONE;
    }
    text = onos_as_text(v, buf, sizeof buf);
    if (!*text || !strcmp(text, "None") || !strcmp(text, "-1")) {
        return STANDIN_VLAN_NONE;
    }
    return atoi(text);
}

/* Finds the interface called name in the "ports" configuration. */
static bool
resolve_iface(struct standin *s, const char *name, struct onos_iface *out)
{
    const json_t *ports = json_object_get(s->onos->netcfg, "ports");
    const char *key;
    json_t *cfg;
    char prefix[40];

    snprintf(prefix, sizeof prefix, "of:%s/", s->dpid);
    json_object_foreach((json_t *)ports, key, cfg)
    {
        size_t i;
        const json_t *ifc;
        const char *number;

        json_array_foreach(json_object_get(cfg, "interfaces"), i, ifc)
        {
            const char *n = json_string_value(json_object_get(ifc, "name"));

            if (!n || strcmp(n, name)) {
                continue;
            }
            if (strncmp(key, prefix, strlen(prefix))) {
                standin_log(s, "vpls interface %s: %s is not this switch",
                            name, key);
                return false;
            }
            /* "of:DPID/N" or "of:DPID/[name](N)" */
            number = key + strlen(prefix);
            if (*number == '[') {
                number += strcspn(number, "(");
                number += *number ? 1 : 0;
            }
            snprintf(out->name, sizeof out->name, "%s", name);
            out->port = strtol(number, NULL, 10);
            out->vlan = iface_vlan(json_object_get(ifc, "vlan"));
            return true;
        }
    }
    return false;
}

static int
iface_order(const void *a, const void *b)
{
    const struct onos_iface *x = a, *y = b;

    if (x->vlan != y->vlan) {
        return x->vlan < y->vlan ? -1 : 1;
    }
    return x->port < y->port ? -1 : (x->port > y->port);
}

/* The flow rule (ONOS JSON) from src to every other interface of v. */
static json_t *
vpls_flow_body(const struct onos_vpls *v, const struct onos_iface *src)
{
    json_t *instr = json_array();
    int tag = src->vlan;

    for (size_t i = 0; i < v->n_ifaces; i++) {
        const struct onos_iface *dst = &v->ifaces[i];
        char port[24];

        if (dst->port == src->port && dst->vlan == src->vlan) {
            continue;
        }
        if (dst->vlan == STANDIN_VLAN_NONE && tag != STANDIN_VLAN_NONE) {
            json_array_append_new(instr, json_pack("{s:s, s:s}", "type",
                                                   "L2MODIFICATION",
                                                   "subtype", "VLAN_POP"));
        } else if (dst->vlan != STANDIN_VLAN_NONE && tag != dst->vlan) {
            if (tag == STANDIN_VLAN_NONE) {
                json_array_append_new(
                    instr, json_pack("{s:s, s:s, s:s}", "type",
                                     "L2MODIFICATION", "subtype", "VLAN_PUSH",
                                     "ethernetType", "0x8100"));
            }
            json_array_append_new(instr, json_pack("{s:s, s:s, s:i}", "type",
                                                   "L2MODIFICATION",
                                                   "subtype", "VLAN_ID",
                                                   "vlanId", dst->vlan));
        }
        tag = dst->vlan;
        snprintf(port, sizeof port, "%ld", dst->port);
        json_array_append_new(
            instr,
            json_pack("{s:s, s:s}", "type", "OUTPUT", "port",
                      dst->port == src->port ? "IN_PORT" : port));
    }
    return json_pack("{s:i, s:b, s:i, s:{s:[{s:s, s:I}, {s:s, s:i}]},"
                     " s:{s:o, s:[]}}",
                     "priority", VPLS_PRIORITY, "isPermanent", 1, "tableId",
                     0, "selector", "criteria", "type", "IN_PORT", "port",
                     (json_int_t)src->port, "type", "VLAN_VID", "vlanId",
                     src->vlan == STANDIN_VLAN_NONE ? -1 : src->vlan,
                     "treatment", "instructions", instr, "deferred");
}

static void
vpls_install(struct standin *s, struct onos_vpls *v)
{
    if (v->n_ifaces < 2) {
        return;
    }
    qsort(v->ifaces, v->n_ifaces, sizeof *v->ifaces, iface_order);
    v->flow_ids = calloc(v->n_ifaces, sizeof *v->flow_ids);
    for (size_t i = 0; v->flow_ids && i < v->n_ifaces; i++) {
        json_t *body = vpls_flow_body(v, &v->ifaces[i]);
        char err[512];
        uint64_t id;

        if (add_flow(s, INTENT_APP, body, &id, err, sizeof err) < 0) {
            /* ONOS reports intent failures in its log, not to the POST. */
            standin_log(s, "vpls %s: interface %s: %s", v->name,
                        v->ifaces[i].name, err);
        } else {
            v->flow_ids[v->n_flow_ids++] = id;
        }
        json_decref(body);
    }
}

static bool
vpls_equal(const struct onos_vpls *a, const struct onos_vpls *b)
{
    if (strcmp(a->encap, b->encap) || a->n_ifaces != b->n_ifaces) {
        return false;
    }
    for (size_t i = 0; i < a->n_ifaces; i++) {
        bool found = false;

        for (size_t j = 0; j < b->n_ifaces && !found; j++) {
            found = !strcmp(a->ifaces[i].name, b->ifaces[j].name) &&
                    a->ifaces[i].port == b->ifaces[j].port &&
                    a->ifaces[i].vlan == b->ifaces[j].vlan;
        }
        if (!found) {
            return false;
        }
    }
    return true;
}

/* EncapsulationType.enumFromString: VLAN, MPLS, NONE (the default). */
static const char *
encap_name(const json_t *e)
{
    static const char *const names[] = {"VLAN", "MPLS", "NONE"};
    const char *text = json_string_value(e);

    for (size_t i = 0; text && i < 3; i++) {
        if (!strcasecmp(text, names[i])) {
            return names[i];
        }
    }
    return "NONE";
}

/* The VPLSs that vplsList describes, interfaces resolved (unknown names
 * dropped, as VplsConfigManager does). */
static struct onos_vpls *
vpls_parse(struct standin *s, const json_t *list, size_t *n)
{
    struct onos_vpls *out = calloc(json_array_size(list) + 1, sizeof *out);
    const json_t *entry;
    size_t i;

    *n = 0;
    if (!out) {
        return NULL;
    }
    json_array_foreach(list, i, entry)
    {
        const char *name = json_string_value(json_object_get(entry, "name"));
        const json_t *ifaces = json_object_get(entry, "interfaces");
        struct onos_vpls *v = &out[*n];
        size_t j;
        const json_t *ifname;

        if (!name) {
            continue;
        }
        v->name = strdup(name);
        v->encap = strdup(encap_name(json_object_get(entry, "encapsulation")));
        v->ifaces = calloc(json_array_size(ifaces) + 1, sizeof *v->ifaces);
        json_array_foreach(ifaces, j, ifname)
        {
            if (json_is_string(ifname) && v->ifaces &&
                resolve_iface(s, json_string_value(ifname),
                              &v->ifaces[v->n_ifaces])) {
                v->n_ifaces++;
            }
        }
        (*n)++;
    }
    return out;
}

/* As DistributedVplsStore.writeVplsToNetConfig. */
static void
vpls_write_back(struct standin *s)
{
    json_t *list = json_array();
    json_t *apps = json_object_get(s->onos->netcfg, "apps");

    for (size_t i = 0; i < s->onos->n_vplss; i++) {
        const struct onos_vpls *v = &s->onos->vplss[i];
        json_t *names = json_array();

        for (size_t j = 0; j < v->n_ifaces; j++) {
            json_array_append_new(names, json_string(v->ifaces[j].name));
        }
        json_array_append_new(list,
                              json_pack("{s:s, s:o, s:s}", "name", v->name,
                                        "interfaces", names, "encapsulation",
                                        v->encap));
    }
    json_object_set_new(
        apps, VPLS_APP,
        json_pack("{s:{s:o, s:I}}", "vpls", "vplsList", list,
                  "lastUpdateTime", (json_int_t)standin_now_ms()));
}

/* VplsConfigManager.reloadConfiguration. */
static void
vpls_reload(struct standin *s)
{
    struct standin_onos *o = s->onos;
    const json_t *cfg = json_object_get(
        json_object_get(json_object_get(o->netcfg, "apps"), VPLS_APP),
        "vpls");
    struct onos_vpls *next;
    size_t n_next;
    bool changed;

    if (json_object_get(cfg, "lastUpdateTime")) {
        standin_log(s, "vpls: lastUpdateTime present, change ignored");
        return;
    }
    next = vpls_parse(s, json_object_get(cfg, "vplsList"), &n_next);
    changed = n_next != o->n_vplss;
    for (size_t i = 0; i < n_next; i++) {
        bool kept = false;

        for (size_t j = 0; j < o->n_vplss && !kept; j++) {
            if (!strcmp(next[i].name, o->vplss[j].name) &&
                vpls_equal(&next[i], &o->vplss[j])) {
                /* Unchanged: keep its flows. */
                next[i].flow_ids = o->vplss[j].flow_ids;
                next[i].n_flow_ids = o->vplss[j].n_flow_ids;
                o->vplss[j].flow_ids = NULL;
                o->vplss[j].n_flow_ids = 0;
                kept = true;
            }
        }
        if (!kept) {
            changed = true;
        }
    }
    for (size_t j = 0; j < o->n_vplss; j++) {
        vpls_clear(s, &o->vplss[j]);
    }
    free(o->vplss);
    o->vplss = next;
    o->n_vplss = n_next;
    for (size_t i = 0; i < n_next; i++) {
        if (!next[i].flow_ids) {
            vpls_install(s, &next[i]);
        }
    }
    if (changed) {
        standin_log(s, "vpls: %zu VPLS applied", n_next);
        vpls_write_back(s);
    }
}

/* --- network configuration */

static bool
known_subject_class(const char *key)
{
    for (size_t i = 0; i < sizeof subject_classes / sizeof *subject_classes;
         i++) {
        if (!strcmp(key, subject_classes[i])) {
            return true;
        }
    }
    return false;
}

static void
get_netcfg(struct standin *s, const struct standin_request *req,
           struct standin_response *resp)
{
    (void)req;
    standin_reply_json(resp, 200, json_deep_copy(s->onos->netcfg));
}

/* ConnectPoint.deviceConnectPoint of a "ports" subject key. */
static int
check_port_subjects(const json_t *ports, char *err, size_t errsize)
{
    const char *key;
    json_t *v;

    json_object_foreach((json_t *)ports, key, v)
    {
        const char *slash = strrchr(key, '/');
        const char *p = slash ? slash + 1 : NULL;

        if (!slash) {
            snprintf(err, errsize,
                     "Connect point must be in \"deviceUri/portNumber\" "
                     "format");
            return -1;
        }
        if (!(*p >= '0' && *p <= '9') && *p != '[') {
            snprintf(err, errsize,
                     "No enum constant "
                     "org.onosproject.net.PortNumber.Logical.%s",
                     p);
            return -1;
        }
    }
    return 0;
}

static void
post_netcfg(struct standin *s, const struct standin_request *req,
            struct standin_response *resp)
{
    char err[512];
    json_t *body = standin_parse_body(req, err, sizeof err);
    json_t *errors = json_array();
    bool vpls_touched = false;
    const char *sk;
    json_t *sv;

    if (!json_is_object(body)) {
        reply_error(resp, 400, body ? "Expected a JSON object" : err);
        goto out;
    }
    if (check_port_subjects(json_object_get(body, "ports"), err,
                            sizeof err) < 0) {
        reply_error(resp, 400, err);
        goto out;
    }
    json_object_foreach(body, sk, sv)
    {
        json_t *cls = json_object_get(s->onos->netcfg, sk);
        const char *subject;
        json_t *cfgs;

        if (!known_subject_class(sk)) {
            snprintf(err, sizeof err, "subjectClassKey '%s' not found", sk);
            json_array_append_new(errors, json_string(err));
            continue;
        }
        if (!json_is_object(sv)) {
            snprintf(err, sizeof err, "'%s' is not a valid subject class",
                     sk);
            json_array_append_new(errors, json_string(err));
            continue;
        }
        json_object_foreach(sv, subject, cfgs)
        {
            json_t *dst = json_object_get(cls, subject);
            const char *ck;
            json_t *cv;

            if (!json_is_object(cfgs)) {
                continue;
            }
            if (!dst) {
                dst = json_object();
                json_object_set_new(cls, subject, dst);
            }
            json_object_foreach(cfgs, ck, cv)
            {
                json_object_set_new(dst, ck, json_deep_copy(cv));
                if (!strcmp(sk, "apps") && !strcmp(subject, VPLS_APP) &&
                    !strcmp(ck, "vpls")) {
                    vpls_touched = true;
                }
            }
        }
    }
    if (vpls_touched) {
        vpls_reload(s);
    }
    if (json_array_size(errors) > 0) {
        standin_reply_json(resp, 207,
                           json_pack("{s:i, s:O}", "code", 207, "message",
                                     errors));
    } else {
        standin_reply_text(resp, 200, NULL, NULL);
    }
out:
    json_decref(errors);
    json_decref(body);
}

/* --- personality */

static int
onos_init(struct standin *s)
{
    s->onos = calloc(1, sizeof *s->onos);
    if (!s->onos) {
        return -1;
    }
    s->onos->netcfg = json_object();
    for (size_t i = 0; i < sizeof subject_classes / sizeof *subject_classes;
         i++) {
        json_object_set_new(s->onos->netcfg, subject_classes[i],
                            json_object());
    }
    return 0;
}

static void
onos_fini(struct standin *s)
{
    struct standin_onos *o = s->onos;

    if (!o) {
        return;
    }
    for (size_t i = 0; i < o->n_vplss; i++) {
        free(o->vplss[i].flow_ids);
        free(o->vplss[i].ifaces);
        free(o->vplss[i].name);
        free(o->vplss[i].encap);
    }
    free(o->vplss);
    for (size_t i = 0; i < o->n_flows; i++) {
        flow_clear(&o->flows[i]);
    }
    free(o->flows);
    for (size_t i = 0; i < o->n_groups; i++) {
        group_clear(&o->groups[i]);
    }
    free(o->groups);
    for (size_t i = 0; i < o->n_apps; i++) {
        free(o->apps[i]);
    }
    free(o->apps);
    json_decref(o->netcfg);
    free(o);
    s->onos = NULL;
}

static const struct standin_route routes[] = {
    {"GET", "/onos/v1/devices", get_devices},
    {"GET", "/onos/v1/devices/*", get_device},
    {"GET", "/onos/v1/devices/*/ports", get_device_ports},
    {"GET", "/onos/v1/flows", get_all_flows},
    {"GET", "/onos/v1/flows/*", get_flows},
    {"POST", "/onos/v1/flows/*", post_flow},
    {"GET", "/onos/v1/flows/*/*", get_flow},
    {"DELETE", "/onos/v1/flows/*/*", delete_flow},
    {"GET", "/onos/v1/groups", get_groups},
    {"GET", "/onos/v1/groups/*", get_groups},
    {"POST", "/onos/v1/groups/*", post_group},
    {"GET", "/onos/v1/groups/*/*", get_groups},
    {"DELETE", "/onos/v1/groups/*/*", delete_group},
    {"GET", "/onos/v1/network/configuration", get_netcfg},
    {"POST", "/onos/v1/network/configuration", post_netcfg},
    {"GET", "/onos/v1/hosts", get_hosts},
    {"DELETE", "/onos/v1/hosts/*/*", delete_host},
};

const struct standin_personality standin_onos_personality = {
    .name = "onos",
    .realm = "karaf",
    .routes = routes,
    .n_routes = sizeof routes / sizeof routes[0],
    .init = onos_init,
    .fini = onos_fini,
    .reply_error = reply_error,
};

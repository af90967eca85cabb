/* Floodlight personality of the SDN stand-in: the REST calls of OSM's
 * floodlightof connector in its "1.X" naming (switchDPID, staticflowpusher,
 * in_port, eth_dst, eth_vlan_vid, set_vlan_vid, strip_vlan), answered as
 * Floodlight v1.2 does (ControllerSwitchesResource, StatsReplySerializer
 * port-desc, StaticFlowEntryPusherResource, ListStaticFlowEntriesResource,
 * ClearStaticFlowEntriesResource, OFFlowModSerializer).
 *
 * The static flow pusher answers 200 whatever happens, with a "status"
 * text: "Entry pushed", a warning ("... The flow has been discarded."),
 * "Entry NAME deleted" (also for a name it never had).  An entry with the
 * name of an existing one replaces it.  Floodlight pushes the entry to
 * the switch later and only logs a refusal; the stand-in tells it in the
 * status ("Error! ... The flow has been discarded.") and keeps nothing.
 * Unknown actions are logged and skipped, as Floodlight's ActionUtils
 * does.
 *
 * VLANs: set_vlan_vid and strip_vlan are OpenFlow 1.0 actions (ActionUtils
 * builds OFActionSetVlanVid and OFActionStripVlan); the stand-in gives
 * them their OpenFlow 1.0 meaning: set_vlan_vid rewrites the tag or pushes
 * one on an untagged frame, strip_vlan pops.  eth_vlan_vid is a raw VID
 * (MatchUtils, OFVlanVidMatch.ofRawVid): with the OFPVID_PRESENT bit
 * (0x1000) it is that VLAN, 0 is untagged, any other value is taken as the
 * VLAN id as on an OpenFlow 1.0 switch (OSM sends "101").
 *
 * Floodlight has no HTTP authentication (only HTTPS client certificates);
 * with --user the stand-in asks for Basic all the same. */
#include "standin.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PUSHER "/wm/staticflowpusher"
#define DPID_ERROR                                                           \
    "Invalid switch DPID string. Must be a 64-bit value in the form "        \
    "00:11:22:33:44:55:66:77."
#define DEFAULT_PRIORITY 32768

struct fl_entry {
    char *name;
    uint64_t dpid;
    json_t *row;      /* the entry's keys (lower case) and text values */
    json_t *flowmod;  /* as the list shows it */
    uint64_t cookie;  /* 0: nothing on the switch */
};

struct standin_floodlight {
    struct fl_entry *entries;
    size_t n_entries;
};

static void
reply_status(struct standin_response *resp, const char *status)
{
    char *text = NULL;

    if (asprintf(&text, "{\"status\" : \"%s\"}", status) < 0) {
        text = NULL;
    }
    standin_reply_text(resp, 200, "application/json", text);
    free(text);
}

static void
reply_error(struct standin_response *resp, unsigned int status,
            const char *message)
{
    /* Restlet's status page. */
    char page[512];

    snprintf(page, sizeof page,
             "<html>\n<head>\n   <title>Status page</title>\n</head>\n"
             "<body>\n<h3>%s</h3><p>You can get technical details <a "
             "href=\"http://www.w3.org/Protocols/rfc2616/"
             "rfc2616-sec10.html\">here</a>.<br>\n</p>\n</body>\n</html>\n",
             message);
    standin_reply_text(resp, status, "text/html;charset=UTF-8", page);
}

/* DatapathId.of(String): colon-separated hex bytes, or one hex number. */
static int
parse_dpid(const char *text, uint64_t *dpid)
{
    uint64_t v = 0;
    const char *p = text;

    if (!*p) {
        return -1;
    }
    while (*p) {
        char *end;
        unsigned long long part = strtoull(p, &end, 16);

        if (end == p || (*end && *end != ':') || *p == '-' || *p == '+') {
            return -1;
        }
        v = strchr(text, ':') ? (v << 8) | (part & 0xff) : part;
        p = *end ? end + 1 : end;
    }
    *dpid = v;
    return 0;
}

static void
dpid_string(uint64_t dpid, char *buf, size_t size)
{
    snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x:%02x:%02x",
             (unsigned)(dpid >> 56) & 0xff, (unsigned)(dpid >> 48) & 0xff,
             (unsigned)(dpid >> 40) & 0xff, (unsigned)(dpid >> 32) & 0xff,
             (unsigned)(dpid >> 24) & 0xff, (unsigned)(dpid >> 16) & 0xff,
             (unsigned)(dpid >> 8) & 0xff, (unsigned)dpid & 0xff);
}

/* --- switches and ports */

static void
get_switches(struct standin *s, const struct standin_request *req,
             struct standin_response *resp)
{
    char dpid[24];

    (void)req;
    dpid_string(s->dpid_value, dpid, sizeof dpid);
    standin_reply_json(resp, 200,
                       json_pack("[{s:s, s:I, s:s, s:s}]", "inetAddress",
                                 "/127.0.0.1:6653", "connectedSince",
                                 (json_int_t)s->started_ms,
                                 "openFlowVersion", "OF_13", "switchDPID",
                                 dpid));
}

static void
get_port_desc(struct standin *s, const struct standin_request *req,
              struct standin_response *resp)
{
    struct standin_inventory inv;
    char err[256];
    uint64_t dpid;
    json_t *ports;

    if (parse_dpid(req->args[0], &dpid) < 0) {
        standin_reply_text(resp, 400, "text/plain", DPID_ERROR);
        return;
    }
    if (dpid != s->dpid_value) {
        /* Floodlight answers nothing useful for a switch it does not
         * have; the stand-in says so. */
        reply_error(resp, 404, "Not Found");
        return;
    }
    if (standin_inventory_read(s, &inv, err, sizeof err) < 0) {
        reply_error(resp, 500, err);
        return;
    }
    ports = json_array();
    for (size_t i = 0; i < inv.len; i++) {
        const struct standin_port *p = &inv.ports[i];
        char number[24];

        if (p->number == STANDIN_PORT_LOCAL) {
            snprintf(number, sizeof number, "local");
        } else {
            snprintf(number, sizeof number, "%ld", p->number);
        }
        json_array_append_new(
            ports,
            json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:i,"
                      " s:i}",
                      "portNumber", number, "hardwareAddress", p->mac,
                      "name", p->name, "config", p->port_down ? 1 : 0,
                      "state", p->link_down ? 1 : 4, "currentFeatures", 0,
                      "advertisedFeatures", 0, "supportedFeatures", 0,
                      "peerFeatures", 0, "currSpeed", 0, "maxSpeed", 0));
    }
    standin_inventory_free(&inv);
    standin_reply_json(resp, 200, json_pack("{s:o, s:s}", "portDesc", ports,
                                            "version", "OF_13"));
}

/* --- entries */

/* A number in decimal or 0x-hex; -1 when it is not one. */
static long
parse_number(const char *text)
{
    char *end;
    long v;

    if (!text || !*text) {
        return -1;
    }
    v = strtol(text, &end, strncmp(text, "0x", 2) ? 10 : 16);
    return *end || v < 0 ? -1 : v;
}

/* StaticFlowEntries.jsonToStorageEntry: keys lower-cased, values as
 * text.  NULL when body is not an object. */
static json_t *
to_row(const json_t *body)
{
    json_t *row;
    const char *key;
    json_t *v;

    if (!json_is_object(body)) {
        return NULL;
    }
    row = json_object();
    json_object_foreach((json_t *)body, key, v)
    {
        char lower[128], text[64];
        size_t i;

        for (i = 0; key[i] && i < sizeof lower - 1; i++) {
            lower[i] = (char)tolower((unsigned char)key[i]);
        }
        lower[i] = '\0';
        if (json_is_string(v)) {
            json_object_set(row, lower, v);
            continue;
        }
        if (json_is_integer(v)) {
            snprintf(text, sizeof text, "%lld",
                     (long long)json_integer_value(v));
        } else if (json_is_boolean(v)) {
            snprintf(text, sizeof text, "%s",
                     json_is_true(v) ? "true" : "false");
        } else {
            snprintf(text, sizeof text, "%s", "");
        }
        json_object_set_new(row, lower, json_string(text));
    }
    return row;
}

static const char *
row_get(const json_t *row, const char *key)
{
    return json_string_value(json_object_get(row, key));
}

/* "output=" values, as ovs-ofctl's port text and Floodlight's own. */
static int
decode_port(const char *text, char *ovs, size_t size)
{
    static const char *const logical[][2] = {
        {"in_port", "in_port"}, {"local", "LOCAL"},     {"flood", "flood"},
        {"all", "all"},         {"controller", "controller"},
        {"normal", "normal"},
    };

    for (size_t i = 0; i < sizeof logical / sizeof logical[0]; i++) {
        if (!strcasecmp(text, logical[i][0])) {
            snprintf(ovs, size, "%s", logical[i][1]);
            return 0;
        }
    }
    if (parse_number(text) < 0) {
        return -1;
    }
    snprintf(ovs, size, "%ld", parse_number(text));
    return 0;
}

/* ActionUtils.fromString: comma-separated "key[=value]"; unknown keys
 * are logged and skipped.  Appends Floodlight's rendering to shown. */
static int
decode_actions(struct standin *s, const char *text,
               struct standin_flow *flow, char *shown, size_t size)
{
    char *copy = strdup(text ? text : ""), *save = NULL;
    int rc = 0;

    shown[0] = '\0';
    for (char *a = strtok_r(copy, ",", &save); a && rc == 0;
         a = strtok_r(NULL, ",", &save)) {
        char *value = strchr(a, '=');
        char port[24], item[64] = "";
        long n;

        if (value) {
            *value++ = '\0';
        }
        while (*a == ' ') {
            a++;
        }
        if (!strcmp(a, "output") && value &&
            decode_port(value, port, sizeof port) == 0) {
            rc = standin_flow_action(flow, STANDIN_ACT_OUTPUT, 0, port);
            snprintf(item, sizeof item, "output=%s", value);
        } else if (!strcmp(a, "strip_vlan") || !strcmp(a, "pop_vlan")) {
            rc = standin_flow_action(flow, STANDIN_ACT_POP_VLAN, 0, NULL);
            snprintf(item, sizeof item, "%s=n/a", a);
        } else if (!strcmp(a, "push_vlan") &&
                   (n = parse_number(value)) > 0) {
            rc = standin_flow_action(flow, STANDIN_ACT_PUSH_VLAN, n, NULL);
            snprintf(item, sizeof item, "push_vlan=%ld", n);
        } else if (!strcmp(a, "set_vlan_vid") &&
                   (n = parse_number(value)) >= 0 && n < 4096) {
            rc = standin_flow_action(flow, STANDIN_ACT_MOD_VID, n, NULL);
            snprintf(item, sizeof item, "set_vlan_vid=%ld", n);
        } else {
            standin_log(s, "UNEXPECTED ACTION KEY '%s' (skipped)", a);
        }
        if (item[0]) {
            size_t len = strlen(shown);

            snprintf(shown + len, size - len, "%s%s", len ? "," : "", item);
        }
    }
    free(copy);
    return rc;
}

/* Builds the flow and its listing from the row; NULL status when the
 * entry is valid, else the warning to answer. */
static const char *
decode_row(struct standin *s, const json_t *row, struct standin_flow *flow,
           json_t **flowmod)
{
    static const char *const ignored[] = {
        "switch", "name", "active", "priority", "cookie", "idle_timeout",
        "hard_timeout", "table", "actions", "instruction_apply_actions",
    };
    json_t *match = json_object();
    char shown[512], prio[16], port[24];
    const char *key;
    json_t *v;
    long n;

    json_object_foreach((json_t *)row, key, v)
    {
        const char *text = json_string_value(v);
        bool skip = false;
        int rc = 0;

        for (size_t i = 0; i < sizeof ignored / sizeof *ignored; i++) {
            skip = skip || !strcmp(key, ignored[i]);
        }
        if (skip) {
            continue;
        }
        if (!strcmp(key, "in_port") &&
            decode_port(text, port, sizeof port) == 0) {
            rc = standin_flow_match(flow, "in_port=%s", port);
        } else if (!strcmp(key, "eth_dst") || !strcmp(key, "eth_src")) {
            rc = standin_flow_match(flow, "%s=%s",
                                    key[4] == 'd' ? "dl_dst" : "dl_src",
                                    text);
        } else if (!strcmp(key, "eth_type") &&
                   (n = parse_number(text)) >= 0) {
            rc = standin_flow_match(flow, "dl_type=0x%04lx", n);
        } else if (!strcmp(key, "eth_vlan_vid") &&
                   (n = parse_number(text)) >= 0) {
            flow->vlan = n == 0 ? STANDIN_VLAN_NONE : (int)(n & 0xfff);
            snprintf(shown, sizeof shown, "0x%lx",
                     n == 0 ? 0 : (n & 0xfff) | 0x1000);
            json_object_set_new(match, key, json_string(shown));
            continue;
        } else {
            json_decref(match);
            standin_log(s, "field '%s' = '%s' not supported by the stand-in",
                        key, text);
            return "Error! Could not parse flow mod, see log for details.";
        }
        if (rc < 0) {
            json_decref(match);
            return "Error! Could not parse flow mod, see log for details.";
        }
        json_object_set(match, key, v);
    }
    n = row_get(row, "priority") ? parse_number(row_get(row, "priority"))
                                 : DEFAULT_PRIORITY;
    flow->priority = n < 0 ? DEFAULT_PRIORITY : (int)n;
    n = parse_number(row_get(row, "idle_timeout"));
    flow->idle_timeout = n > 0 ? (int)n : 0;
    n = parse_number(row_get(row, "table"));
    flow->table = n > 0 ? (int)n : 0;
    if (decode_actions(s,
                       row_get(row, "actions")
                           ? row_get(row, "actions")
                           : row_get(row, "instruction_apply_actions"),
                       flow, shown, sizeof shown) < 0) {
        json_decref(match);
        return "Error! Could not parse flow mod, see log for details.";
    }
    snprintf(prio, sizeof prio, "%d", flow->priority);
    *flowmod = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o,"
        " s:{s:{s:s}}}",
        "version", "OF_13", "command", "ADD", "cookie", "0", "priority",
        prio, "idleTimeoutSec", "0", "hardTimeoutSec", "0", "outPort", "any",
        "flags", "0", "cookieMask", "0", "outGroup", "any", "match", match,
        "instructions", "instruction_apply_actions", "actions", shown);
    return NULL;
}

static struct fl_entry *
find_entry(struct standin_floodlight *f, const char *name)
{
    for (size_t i = 0; i < f->n_entries; i++) {
        if (!strcmp(f->entries[i].name, name)) {
            return &f->entries[i];
        }
    }
    return NULL;
}

static void
drop_entry(struct standin *s, struct fl_entry *e)
{
    struct standin_floodlight *f = s->floodlight;

    if (e->cookie) {
        standin_flows_remove(s, e->cookie);
    }
    free(e->name);
    json_decref(e->row);
    json_decref(e->flowmod);
    *e = f->entries[--f->n_entries];
}

/* Stores ne, replacing the entry of the same name. */
static int
keep_entry(struct standin *s, struct fl_entry *ne)
{
    struct standin_floodlight *f = s->floodlight;
    struct fl_entry *old = find_entry(f, ne->name);
    struct fl_entry *entries;

    if (old) {
        if (old->cookie) {
            standin_flows_remove(s, old->cookie);
        }
        free(old->name);
        json_decref(old->row);
        json_decref(old->flowmod);
        *old = *ne;
        return 0;
    }
    entries = realloc(f->entries, (f->n_entries + 1) * sizeof *entries);
    if (!entries) {
        return -1;
    }
    f->entries = entries;
    f->entries[f->n_entries++] = *ne;
    return 0;
}

static void
push_entry(struct standin *s, const struct standin_request *req,
           struct standin_response *resp)
{
    struct standin_flow flow = {.vlan = STANDIN_VLAN_ANY};
    struct fl_entry ne = {0};
    char err[512], status[700];
    json_t *body = standin_parse_body(req, err, sizeof err);
    json_t *row = to_row(body);
    const char *warning, *active;

    json_decref(body);
    if (!row || !row_get(row, "name")) {
        standin_log(s, "push: %s", row ? "no name" : err);
        json_decref(row);
        reply_status(resp,
                     "Error! Could not parse flow mod, see log for details.");
        return;
    }
    if (!row_get(row, "switch")) {
        json_decref(row);
        reply_status(resp, "Warning! Must specify switch DPID in flow. "
                           "The flow has been discarded.");
        return;
    }
    if (parse_dpid(row_get(row, "switch"), &ne.dpid) < 0) {
        json_decref(row);
        reply_status(resp, "Warning! Switch DPID invalid! The flow has been "
                           "discarded.");
        return;
    }
    warning = decode_row(s, row, &flow, &ne.flowmod);
    if (warning) {
        json_decref(row);
        reply_status(resp, warning);
        return;
    }
    active = row_get(row, "active");
    if (ne.dpid == s->dpid_value && (!active || !strcmp(active, "true"))) {
        ne.cookie = standin_cookie_new(s);
        if (standin_flows_apply(s, ne.cookie, &flow, 1, err, sizeof err) <
            0) {
            snprintf(status, sizeof status,
                     "Error! The switch refused the flow: %s. The flow has "
                     "been discarded.",
                     err);
            json_decref(row);
            json_decref(ne.flowmod);
            reply_status(resp, status);
            return;
        }
    }
    ne.name = strdup(row_get(row, "name"));
    ne.row = row;
    if (keep_entry(s, &ne) < 0) {
        if (ne.cookie) {
            standin_flows_remove(s, ne.cookie);
        }
        free(ne.name);
        json_decref(ne.row);
        json_decref(ne.flowmod);
        reply_error(resp, 500, "out of memory");
        return;
    }
    reply_status(resp, "Entry pushed");
}

static void
delete_entry(struct standin *s, const struct standin_request *req,
             struct standin_response *resp)
{
    char err[256], status[300];
    json_t *body;
    const char *name;
    struct fl_entry *e;

    if (req->body_len == 0) {
        reply_status(resp, "Error! No data posted.");
        return;
    }
    body = standin_parse_body(req, err, sizeof err);
    if (!json_is_object(body)) {
        json_decref(body);
        reply_status(resp, "Error deleting entry, see log for details");
        return;
    }
    name = json_string_value(json_object_get(body, "name"));
    if (!name) {
        json_decref(body);
        reply_status(resp, "Error deleting entry, no name provided");
        return;
    }
    e = find_entry(s->floodlight, name);
    if (e) {
        drop_entry(s, e);
    }
    snprintf(status, sizeof status, "Entry %s deleted", name);
    json_decref(body);
    reply_status(resp, status);
}

static void
list_entries(struct standin *s, const struct standin_request *req,
             struct standin_response *resp)
{
    struct standin_floodlight *f = s->floodlight;
    bool all = !strcasecmp(req->args[0], "all");
    json_t *root = json_object();
    uint64_t dpid = 0;

    if (!all && parse_dpid(req->args[0], &dpid) < 0) {
        json_decref(root);
        standin_reply_text(resp, 400, "text/plain", DPID_ERROR);
        return;
    }
    if (!all) {
        json_object_set_new(root, req->args[0], json_array());
    }
    for (size_t i = 0; i < f->n_entries; i++) {
        const struct fl_entry *e = &f->entries[i];
        char key[24];
        json_t *list;

        if (!all && e->dpid != dpid) {
            continue;
        }
        dpid_string(e->dpid, key, sizeof key);
        list = json_object_get(root, all ? key : req->args[0]);
        if (!list) {
            list = json_array();
            json_object_set_new(root, key, list);
        }
        json_array_append_new(list, json_pack("{s:O}", e->name, e->flowmod));
    }
    standin_reply_json(resp, 200, root);
}

static void
clear_entries(struct standin *s, const struct standin_request *req,
              struct standin_response *resp)
{
    struct standin_floodlight *f = s->floodlight;
    bool all = !strcasecmp(req->args[0], "all");
    uint64_t dpid = 0;
    char status[128];

    if (!all && parse_dpid(req->args[0], &dpid) < 0) {
        standin_reply_text(resp, 400, "text/plain",
                           "'{\"status\":\"Could not delete flows requested! "
                           "See controller log for details.\"}'");
        return;
    }
    for (size_t i = f->n_entries; i-- > 0;) {
        if (all || f->entries[i].dpid == dpid) {
            drop_entry(s, &f->entries[i]);
        }
    }
    if (all) {
        standin_reply_text(resp, 200, "application/json",
                           "{\"status\":\"Deleted all flows.\"}");
    } else {
        snprintf(status, sizeof status,
                 "{\"status\":\"Deleted all flows for switch %s.\"}",
                 req->args[0]);
        standin_reply_text(resp, 200, "application/json", status);
    }
}

/* --- personality */

static int
floodlight_init(struct standin *s)
{
    s->floodlight = calloc(1, sizeof *s->floodlight);
    return s->floodlight ? 0 : -1;
}

static void
floodlight_fini(struct standin *s)
{
    struct standin_floodlight *f = s->floodlight;

    if (!f) {
        return;
    }
    for (size_t i = 0; i < f->n_entries; i++) {
        free(f->entries[i].name);
        json_decref(f->entries[i].row);
        json_decref(f->entries[i].flowmod);
    }
    free(f->entries);
    free(f);
    s->floodlight = NULL;
}

static const struct standin_route routes[] = {
    {"GET", "/wm/core/controller/switches/json", get_switches},
    {"GET", "/wm/core/switch/*/port-desc/json", get_port_desc},
    {"POST", PUSHER "/json", push_entry},
    {"POST", PUSHER "/json/store", push_entry},
    {"DELETE", PUSHER "/json", delete_entry},
    {"POST", PUSHER "/json/delete", delete_entry},
    {"GET", PUSHER "/list/*/json", list_entries},
    {"GET", PUSHER "/clear/*/json", clear_entries},
};

const struct standin_personality standin_floodlight_personality = {
    .name = "floodlight",
    .realm = "floodlight",
    .routes = routes,
    .n_routes = sizeof routes / sizeof routes[0],
    .init = floodlight_init,
    .fini = floodlight_fini,
    .reply_error = reply_error,
};

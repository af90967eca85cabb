/* ONOS's JSON of the onosof driver (sdn-onosof.c): rules and groups
 * encoded as ONOS's flows/<device> and groups/<device> bodies, and flows
 * read back (their keys, the index of a GET flows/<device> reply).  No
 * calls: what sdn-onosof.c sends and reads. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "of-rules.h"
#include "sdn-onos.h"
#include "sdn-onosof-internal.h"

/* The appCookie of group 'gid' (even-length hex, as ONOS's GroupKey
 * prints it back). */
static void
app_cookie(uint32_t gid, char *buf, size_t size)
{
    snprintf(buf, size, COOKIE_TAG "%08" PRIx32, gid);
}

/* The group id of one of the driver's appCookies, else 0. */
uint32_t
onosof_cookie_group(const char *s)
{
    size_t tag = strlen(COOKIE_TAG);

    return s && strlen(s) == tag + 8 && !strncasecmp(s, COOKIE_TAG, tag) &&
                   strspn(s + tag, "0123456789abcdefABCDEF") == 8
               ? (uint32_t)strtoul(s + tag, NULL, 16)
               : 0;
}

/* ---- flows as ONOS encodes them ---- */

/* An integer, or the number a text starts with (Jackson's asLong; "0x"
 * hex for an ethernet type). */
long long
onosof_as_long(const json_t *v)
{
    const char *s = json_string_value(v);

    return json_is_integer(v) ? (long long)json_integer_value(v)
           : s ? strtoll(s, NULL, strncasecmp(s, "0x", 2) ? 10 : 16)
               : 0;
}

static int
text_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* How ONOS writes the value of a criterion or an instruction. */
enum value_kind { V_NUM, V_MAC, V_TEXT };

static const struct {
    const char *type, *member;
    enum value_kind kind;
} criterion_values[] = {
    {"IN_PORT", "port", V_NUM},       {"VLAN_VID", "vlanId", V_NUM},
    {"ETH_DST", "mac", V_MAC},        {"ETH_SRC", "mac", V_MAC},
    {"ETH_TYPE", "ethType", V_NUM},   {"IP_PROTO", "protocol", V_NUM},
    {"MPLS_LABEL", "label", V_NUM},   {"IPV4_SRC", "ip", V_TEXT},
    {"IPV4_DST", "ip", V_TEXT},       {"IPV6_SRC", "ip", V_TEXT},
    {"IPV6_DST", "ip", V_TEXT},       {"TCP_SRC", "tcpPort", V_NUM},
    {"TCP_DST", "tcpPort", V_NUM},    {"UDP_SRC", "udpPort", V_NUM},
    {"UDP_DST", "udpPort", V_NUM},    {"SCTP_SRC", "sctpPort", V_NUM},
    {"SCTP_DST", "sctpPort", V_NUM},
};

/* "NAME=VALUE" of 'v' as 'kind' (a MAC in capitals, as ONOS prints it). */
static char *
value_text(const char *name, const json_t *v, enum value_kind kind)
{
    char *text = NULL;
    int n = kind == V_NUM ? asprintf(&text, "%s=%lld", name, onosof_as_long(v))
                          : asprintf(&text, "%s=%s", name,
                                     json_string_value(v) ?: "");

    for (char *p = text; n >= 0 && kind == V_MAC && *p; p++) {
        *p = (char)toupper((unsigned char)*p);
    }
    return n < 0 ? NULL : text;
}

/* One criterion as text: "IN_PORT=1", "ETH_DST=FA:16:..", "ETH_TYPE=2048"
 * (however ONOS writes the number), else its type and JSON. */
static char *
criterion_text(const json_t *c)
{
    const char *type = json_string_value(json_object_get(c, "type")) ?: "?";
    char *text = NULL, *dump;

    for (size_t i = 0;
         i < sizeof criterion_values / sizeof criterion_values[0]; i++) {
        if (!strcmp(type, criterion_values[i].type)) {
            return value_text(type,
                              json_object_get(c, criterion_values[i].member),
                              criterion_values[i].kind);
        }
    }
    dump = json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS);
    if (asprintf(&text, "%s", dump ? dump : "") < 0) {
        text = NULL;
    }
    free(dump);
    return text;
}

/* Appends 's' and a separator to 'buf' (of 'size', with 'len' used). */
static void
append(char *buf, size_t size, size_t *len, const char *s)
{
    if (*len < size) {
        *len += (size_t)snprintf(buf + *len, size - *len, "%s;", s);
    }
}

/* What identifies a flow in ONOS (its id is a hash of it): application,
 * priority, table and the criteria in any order. */
static void
flow_key(const json_t *f, char *buf, size_t size)
{
    const json_t *criteria = json_object_get(json_object_get(f, "selector"),
                                             "criteria");
    size_t n = json_array_size(criteria), len = 0, i;
    char **texts = calloc(n + 1, sizeof *texts);
    const char *app = json_string_value(json_object_get(f, "appId"));
    const json_t *c;

    len = (size_t)snprintf(buf, size, "%s|%lld|%lld|", app ? app : "",
                           onosof_as_long(json_object_get(f, "priority")),
                           onosof_as_long(json_object_get(f, "tableId")));
    json_array_foreach(criteria, i, c)
    {
        if (texts) {
            texts[i] = criterion_text(c);
        }
    }
    if (texts) {
        qsort(texts, n, sizeof *texts, text_cmp);
    }
    for (i = 0; texts && i < n; i++) {
        append(buf, size, &len, texts[i] ? texts[i] : "?");
        free(texts[i]);
    }
    free(texts);
}

/* One instruction as text: "OUTPUT=2", "GROUP=1793", "VLAN_ID=5",
 * "MPLS_LABEL=42", "ETH_DST=..", "MPLS_POP=2048", else its subtype or
 * type. */
static char *
instruction_text(const json_t *ins)
{
    const char *type = json_string_value(json_object_get(ins, "type")) ?: "?";
    const char *sub = json_string_value(json_object_get(ins, "subtype"));
    const json_t *port = json_object_get(ins, "port");
    static const struct {
        const char *name, *member;
        enum value_kind kind;
    } with_value[] = {
        {"GROUP", "groupId", V_NUM},      {"VLAN_ID", "vlanId", V_NUM},
        {"MPLS_LABEL", "label", V_NUM},   {"MPLS_POP", "ethernetType", V_NUM},
        {"ETH_SRC", "mac", V_MAC},        {"ETH_DST", "mac", V_MAC},
    };

    if (!strcmp(type, "OUTPUT")) {
        return value_text(type, port, json_is_string(port) &&
                                          !isdigit((unsigned char)*
                                                   json_string_value(port))
                                          ? V_TEXT
                                          : V_NUM);
    }
    for (size_t i = 0; i < sizeof with_value / sizeof with_value[0]; i++) {
        if (!strcmp(sub ? sub : type, with_value[i].name)) {
            return value_text(with_value[i].name,
                              json_object_get(ins, with_value[i].member),
                              with_value[i].kind);
        }
    }
    return strdup(sub ? sub : type);
}

/* What a flow does, in order: "OUTPUT=2;VLAN_POP;VLAN_ID=5;...". */
static void
flow_treatment(const json_t *f, char *buf, size_t size)
{
    const json_t *list = json_object_get(json_object_get(f, "treatment"),
                                         "instructions");
    size_t i, len = 0;
    const json_t *ins;

    buf[0] = '\0';
    json_array_foreach(list, i, ins)
    {
        char *text = instruction_text(ins);

        append(buf, size, &len, text ? text : "?");
        free(text);
    }
}

#define KEY_SIZE 512

/* The flows of a GET flows/<id> reply (NULL: none) by key: key ->
 * {"id": ID, "treatment": T}; and into 'ids' (an object, may be NULL) id
 * -> {"state", "packets", "bytes"}. */
json_t *
onosof_index_flows(const json_t *body, json_t *ids)
{
    json_t *index = json_object(), *f;
    char key[KEY_SIZE], treat[KEY_SIZE];
    size_t i;

    json_array_foreach(json_object_get(body, "flows"), i, f)
    {
        const char *id = json_string_value(json_object_get(f, "id"));

        if (!id) {
            continue;
        }
        flow_key(f, key, sizeof key);
        flow_treatment(f, treat, sizeof treat);
        json_object_set_new(index, key, json_pack("{ss ss}", "id", id,
                                                  "treatment", treat));
        if (ids) {
            json_object_set_new(
                ids, id,
                json_pack("{ss sI sI}", "state",
                          json_string_value(json_object_get(f, "state"))
                              ?: "ADDED",
                          "packets",
                          (json_int_t)onosof_as_long(json_object_get(f, "packets")),
                          "bytes",
                          (json_int_t)onosof_as_long(json_object_get(f, "bytes"))));
        }
    }
    return index;
}

/* Flow 'id' of 'ids' (as onosof_index_flows() fills it) is on the switch: ONOS
 * says ADDED (PENDING_ADD: it is (re)installing it). */
bool
onosof_flow_live(const json_t *ids, const char *id)
{
    const char *state = json_string_value(
        json_object_get(json_object_get(ids, id ? id : ""), "state"));

    return state && !strcmp(state, "ADDED");
}

/* The id of the flow of 'index' that is 'flow' (same key; same treatment
 * when 'exact'), or NULL. */
const char *
onosof_find_flow(const json_t *index, const json_t *flow, bool exact)
{
    char key[KEY_SIZE], treat[KEY_SIZE];
    const json_t *have;

    flow_key(flow, key, sizeof key);
    have = json_object_get(index, key);
    if (!have) {
        return NULL;
    }
    flow_treatment(flow, treat, sizeof treat);
    return !exact || !strcmp(json_string_value(json_object_get(
                                 have, "treatment")) ?: "", treat)
               ? json_string_value(json_object_get(have, "id"))
               : NULL;
}

/* ---- rules and groups as ONOS's JSON ---- */

static void
add_l2(json_t *out, const char *sub, const char *key, json_t *v)
{
    json_t *ins = json_pack("{ss ss}", "type", "L2MODIFICATION", "subtype",
                            sub);

    if (key) {
        json_object_set_new(ins, key, v);
    }
    json_array_append_new(out, ins);
}

/* The port of an OUTPUT: IN_PORT, NORMAL or the number of a port of the
 * device; NULL when it has none such. */
static const char *
output_port(const json_t *ports, const char *port)
{
    return !strcmp(port, "IN_PORT") || !strcmp(port, "NORMAL")
               ? port
               : slc_sdn_onos_port(ports, port);
}

/* Appends ONOS's instructions of a list of actions (a service's, or a
 * checked program's whose groups are numbered 'program' << 8 | n) to
 * 'out'; SLC_EINVALID with '*bad_port' set for a port the device lacks. */
static int
instructions(const json_t *actions, uint32_t program, const json_t *ports,
             json_t *out, const char **bad_port)
{
    size_t i;
    json_t *a, *v;
    char hex[8];

    json_array_foreach(actions, i, a)
    {
        const char *key = json_object_iter_key(json_object_iter(a));

        v = json_object_get(a, key ? key : "");
        if (!key) {
            continue;
        } else if (!strcmp(key, "push_vlan") || !strcmp(key, "set_vlan")) {
            if (key[1] == 'u') {
                add_l2(out, "VLAN_PUSH", NULL, NULL);
            }
            add_l2(out, "VLAN_ID", "vlanId", json_incref(v));
        } else if (!strcmp(key, "pop_vlan")) {
            add_l2(out, "VLAN_POP", NULL, NULL);
        } else if (!strcmp(key, "push_mpls") || !strcmp(key, "set_mpls")) {
            if (key[1] == 'u') {
                add_l2(out, "MPLS_PUSH", "ethernetType",
                       json_string("0x8847"));
            }
            add_l2(out, "MPLS_LABEL", "label", json_incref(v));
        } else if (!strcmp(key, "pop_mpls")) {
            snprintf(hex, sizeof hex, "0x%04x",
                     (unsigned)json_integer_value(v) & 0xffff);
            add_l2(out, "MPLS_POP", "ethernetType", json_string(hex));
        } else if (!strcmp(key, "set_eth_src") ||
                   !strcmp(key, "set_eth_dst")) {
            add_l2(out, key[8] == 's' ? "ETH_SRC" : "ETH_DST", "mac",
                   json_incref(v));
        } else if (!strcmp(key, "group")) {
            json_array_append_new(
                out, json_pack("{ss sI}", "type", "GROUP", "groupId",
                               (json_int_t)(program << 8 |
                                            (json_integer_value(v) & 0xff))));
        } else if (!strcmp(key, "output")) {
            const char *port = json_string_value(v) ?: "";
            const char *no = output_port(ports, port);

            if (!no) {
                *bad_port = port;
                return SLC_EINVALID;
            }
            json_array_append_new(out, json_pack("{ss ss}", "type", "OUTPUT",
                                                 "port", no));
        }
    }
    return 0;
}

static void
add_criterion(json_t *out, const char *type, const char *key, json_t *v)
{
    json_array_append_new(out, json_pack("{ss so}", "type", type, key, v));
}

/* The layer 3 and 4 criteria of a match. */
static void
l34_criteria(const json_t *m, json_t *out)
{
    static const char *const l4[][3] = {
        {"TCP_SRC", "TCP_DST", "tcpPort"},
        {"UDP_SRC", "UDP_DST", "udpPort"},
        {"SCTP_SRC", "SCTP_DST", "sctpPort"},
    };
    json_int_t proto = json_integer_value(json_object_get(m, "ip_proto"));
    int k = proto == 6 ? 0 : proto == 17 ? 1 : 2;
    const json_t *v;
    char prefix[64];

    if ((v = json_object_get(m, "ip_proto"))) {
        add_criterion(out, "IP_PROTO", "protocol", json_incref((json_t *)v));
    }
    for (int src = 1; src >= 0; src--) {
        const char *s = json_string_value(
            json_object_get(m, src ? "nw_src" : "nw_dst"));

        if (s) {
            add_criterion(out,
                          strchr(s, ':') ? (src ? "IPV6_SRC" : "IPV6_DST")
                                         : (src ? "IPV4_SRC" : "IPV4_DST"),
                          "ip",
                          json_string(slc_sdn_rest_prefix(s, prefix,
                                                          sizeof prefix)));
        }
        if ((v = json_object_get(m, src ? "tp_src" : "tp_dst"))) {
            add_criterion(out, l4[k][!src], l4[k][2],
                          json_incref((json_t *)v));
        }
    }
}

/* ONOS's criteria of a match; NULL with '*bad_port' set when the device
 * lacks its in_port. */
static json_t *
criteria_of(const json_t *m, const json_t *ports, const char **bad_port)
{
    const char *in = json_string_value(json_object_get(m, "in_port"));
    const char *in_no = in ? slc_sdn_onos_port(ports, in) : NULL;
    json_t *out = json_array();
    const json_t *v;
    char hex[8];

    if (in && !in_no) {
        *bad_port = in;
        json_decref(out);
        return NULL;
    }
    if (in_no) {
        add_criterion(out, "IN_PORT", "port",
                      json_integer(strtoll(in_no, NULL, 10)));
    }
    if ((v = json_object_get(m, "eth_type"))) {
        snprintf(hex, sizeof hex, "0x%04x",
                 (unsigned)json_integer_value(v) & 0xffff);
        add_criterion(out, "ETH_TYPE", "ethType", json_string(hex));
    }
    if ((v = json_object_get(m, "eth_dst"))) {
        add_criterion(out, "ETH_DST", "mac", json_incref((json_t *)v));
    }
    if ((v = json_object_get(m, "vlan"))) {
        /* 0: untagged only, ONOS's VlanId.NONE (-1 as a short) */
        add_criterion(out, "VLAN_VID", "vlanId",
                      json_integer_value(v) ? json_incref((json_t *)v)
                                            : json_integer(-1));
    }
    if ((v = json_object_get(m, "mpls_label"))) {
        add_criterion(out, "MPLS_LABEL", "label", json_incref((json_t *)v));
    }
    l34_criteria(m, out);
    return out;
}

/* The flows/<id> body of a rule (of program 'program', or a service's:
 * 0); NULL with '*bad_port' set when the device lacks one of its ports. */
json_t *
onosof_rule_flow(const json_t *rule, uint32_t program, const json_t *ports,
          const char **bad_port)
{
    json_t *criteria = criteria_of(json_object_get(rule, "match"), ports,
                                   bad_port);
    json_t *instr = json_array();

    if (!criteria || instructions(json_object_get(rule, "actions"), program,
                                  ports, instr, bad_port)) {
        json_decref(criteria);
        json_decref(instr);
        return NULL;
    }
    return json_pack("{si sO si ss ss s{so} s{so s[]}}", "tableId", 0,
                     "priority", json_object_get(rule, "priority"),
                     "timeout", 0, "isPermanent", "true", "appId", ONOSOF_APP_ID,
                     "selector", "criteria", criteria, "treatment",
                     "instructions", instr, "deferred");
}

/* A service's rule: slc_sdn_rest_build_flows()'s onosof_flow_of. */
json_t *
onosof_flow_of(struct slc_sdn_rest_op *op, size_t n, const json_t *rule,
        const json_t *ports, const char **bad_port)
{
    const char *in = json_string_value(json_object_get(
        json_object_get(rule, "match"), "in_port"));

    if (!in || !strcmp(in, "IN_PORT")) {
        *bad_port = in ? in : "";     /* a service's rule has its port */
        return NULL;
    }
    return onosof_rule_flow(rule, 0, ports, bad_port);
}

/* The groups/<id> body of group 'g' of the checked program 'program';
 * NULL with '*bad_port' set when the device lacks one of its ports. */
json_t *
onosof_group_body(const json_t *g, uint32_t program, const json_t *ports,
           const char **bad_port)
{
    uint32_t gid = program << 8 | (uint32_t)json_integer_value(
                                      json_object_get(g, "id"));
    json_t *buckets = slc_sdn_rest_group_buckets(g), *out = json_array();
    const json_t *b;
    char cookie[24];
    size_t i;

    json_array_foreach(buckets, i, b)
    {
        json_t *instr = json_array();

        if (instructions(b, program, ports, instr, bad_port)) {
            json_decref(instr);
            json_decref(out);
            json_decref(buckets);
            return NULL;
        }
        json_array_append_new(out, json_pack("{si s{so s[]}}", "weight", 1,
                                             "treatment", "instructions",
                                             instr, "deferred"));
    }
    json_decref(buckets);
    app_cookie(gid, cookie, sizeof cookie);
    return json_pack("{ss ss sI sI so}", "type", "SELECT", "appCookie",
                     cookie, "id", (json_int_t)gid, "groupId",
                     (json_int_t)gid, "buckets", out);
}


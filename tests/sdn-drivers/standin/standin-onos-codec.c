/* ONOS's JSON codecs for the ONOS stand-in (standin-onos-codec.h):
 * criteria, instructions and group buckets decoded as ONOS's
 * CriterionCodec, InstructionCodec and FlowRuleCodec do, into a switch
 * flow (standin.h) and ONOS's own encoding of them. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "standin-onos-codec.h"

/* Jackson's asLong(): numbers, and numeric text (else 0). */
long long
onos_as_long(const json_t *v)
{
    if (json_is_integer(v)) {
        return json_integer_value(v);
    }
    if (json_is_real(v)) {
        return (long long)json_real_value(v);
    }
    if (json_is_string(v)) {
        return strtoll(json_string_value(v), NULL, 10);
    }
    return 0;
}

bool
onos_as_bool(const json_t *v)
{
    return json_is_true(v) ||
           (json_is_string(v) && !strcmp(json_string_value(v), "true"));
}

/* Jackson's asText() for the scalar members ONOS reads as text. */
const char *
onos_as_text(const json_t *v, char *buf, size_t size)
{
    if (json_is_string(v)) {
        return json_string_value(v);
    }
    if (json_is_integer(v)) {
        snprintf(buf, size, "%lld", (long long)json_integer_value(v));
        return buf;
    }
    snprintf(buf, size, "%s", json_is_true(v) ? "true" : "");
    return buf;
}

/* MacAddress.valueOf: six hex pairs separated by ':' (or '-'); upper. */
static int
parse_mac(const char *text, char *upper)
{
    if (strlen(text) != 17) {
        return -1;
    }
    for (int i = 0; i < 17; i++) {
        char c = text[i];

        if (i % 3 == 2 ? (c != ':' && c != '-')
                       : !strchr("0123456789abcdefABCDEF", c)) {
            return -1;
        }
        upper[i] = i % 3 == 2 ? ':' : (char)(c >= 'a' ? c - 32 : c);
    }
    upper[17] = '\0';
    return 0;
}

int
onos_fail(struct decode *d, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(d->err, d->errsize, fmt, ap);
    va_end(ap);
    return -1;
}

/* VlanId.vlanId(short): -1 (0xffff) none, 4096 any, 0..4095. */
static int
vlan_from(short v, int *vlan, struct decode *d)
{
    if (v == -1) {
        *vlan = STANDIN_VLAN_NONE;
    } else if (v == 4096) {
        *vlan = STANDIN_VLAN_PRESENT;
    } else if (v < 0 || v > 4095) {
        return onos_fail(d, "value exceeds allowed maximum VLAN ID value "
                            "(4095)");
    } else {
        *vlan = v;
    }
    return 0;
}

/* The criteria of layer 3 and 4 and MPLS_LABEL, as
 * DecodeCriterionCodecHelper reads them: IP_PROTO protocol, IPV4_SRC ..
 * IPV6_DST ip (a prefix), TCP_SRC .. SCTP_DST tcpPort, udpPort,
 * sctpPort, MPLS_LABEL label. */
static int
decode_l34_criterion(const json_t *c, const char *t, struct decode *d,
                     json_t *out)
{
    static const char *const fields[][3] = {
        {"IP_PROTO", "protocol", "nw_proto"},
        {"MPLS_LABEL", "label", "mpls_label"},
        {"IPV4_SRC", "ip", "nw_src"},     {"IPV4_DST", "ip", "nw_dst"},
        {"IPV6_SRC", "ip", "ipv6_src"},   {"IPV6_DST", "ip", "ipv6_dst"},
        {"TCP_SRC", "tcpPort", "tcp_src"}, {"TCP_DST", "tcpPort", "tcp_dst"},
        {"UDP_SRC", "udpPort", "udp_src"}, {"UDP_DST", "udpPort", "udp_dst"},
        {"SCTP_SRC", "sctpPort", "sctp_src"},
        {"SCTP_DST", "sctpPort", "sctp_dst"},
    };
    char buf[64];

    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const json_t *v = json_object_get(c, fields[i][1]);
        bool ip = !strcmp(fields[i][1], "ip");

        if (strcmp(t, fields[i][0])) {
            continue;
        }
        if (!v) {
            return onos_fail(d, "%s member is required in Criterion",
                        fields[i][1]);
        }
        if (ip && !strchr(onos_as_text(v, buf, sizeof buf), '/')) {
            return onos_fail(d, "Invalid IP prefix string: %s", buf);
        }
        json_array_append_new(out,
                              ip ? json_pack("{s:s, s:s}", "type", t, "ip",
                                             onos_as_text(v, buf, sizeof buf))
                                 : json_pack("{s:s, s:I}", "type", t,
                                             fields[i][1],
                                             (json_int_t)onos_as_long(v)));
        return ip ? standin_flow_match(d->flow, "%s=%s", fields[i][2],
                                       onos_as_text(v, buf, sizeof buf))
                  : standin_flow_match(d->flow, "%s=%lld", fields[i][2],
                                       onos_as_long(v));
    }
    return onos_fail(d,
                     "Type %s is unknown (or not supported by the stand-in)",
                     t);
}

static int
decode_criterion(const json_t *c, struct decode *d, json_t *out)
{
    const json_t *type = json_object_get(c, "type");
    const char *t;
    char buf[32], mac[18];

    if (!json_is_object(c) || !type) {
        return onos_fail(d, "Type not specified");
    }
    t = onos_as_text(type, buf, sizeof buf);
    if (!strcmp(t, "IN_PORT")) {
        const json_t *port = json_object_get(c, "port");
        long long n;

        if (!port) {
            return onos_fail(d, "port member is required in Criterion");
        }
        n = onos_as_long(port);
        json_array_append_new(out, json_pack("{s:s, s:I}", "type", t,
                                             "port", (json_int_t)n));
        return standin_flow_match(d->flow, "in_port=%lld", n);
    }
    if (!strcmp(t, "ETH_DST") || !strcmp(t, "ETH_SRC")) {
        const json_t *m = json_object_get(c, "mac");

        if (!m) {
            return onos_fail(d, "mac member is required in Criterion");
        }
        if (parse_mac(onos_as_text(m, buf, sizeof buf), mac) < 0) {
            return onos_fail(d, "Specified MAC Address must contain 12 hex "
                           "digits separated pairwise by :'s.");
        }
        json_array_append_new(out,
                              json_pack("{s:s, s:s}", "type", t, "mac", mac));
        return standin_flow_match(d->flow, "%s=%s",
                                  t[4] == 'D' ? "dl_dst" : "dl_src", mac);
    }
    if (!strcmp(t, "VLAN_VID")) {
        const json_t *v = json_object_get(c, "vlanId");
        int vlan;

        if (!v) {
            return onos_fail(d, "vlanId member is required in Criterion");
        }
        if (vlan_from((short)onos_as_long(v), &vlan, d) < 0) {
            return -1;
        }
        d->flow->vlan = vlan;
        json_array_append_new(
            out, json_pack("{s:s, s:i}", "type", t, "vlanId",
                           vlan == STANDIN_VLAN_NONE
                               ? -1
                               : (vlan == STANDIN_VLAN_PRESENT ? 4096
                                                               : vlan)));
        return 0;
    }
    if (!strcmp(t, "ETH_TYPE")) {
        const json_t *e = json_object_get(c, "ethType");
        const char *text;
        long v;

        if (!e) {
            return onos_fail(d, "ethType member is required in Criterion");
        }
        text = onos_as_text(e, buf, sizeof buf);
        v = strtol(text, NULL, strncmp(text, "0x", 2) ? 10 : 16);
        snprintf(buf, sizeof buf, "0x%lx", v);
        json_array_append_new(out, json_pack("{s:s, s:s}", "type", t,
                                             "ethType", buf));
        return standin_flow_match(d->flow, "dl_type=0x%04lx", v);
    }
    return decode_l34_criterion(c, t, d, out);
}

/* PortNumber.fromString, into ovs-ofctl's port text and ONOS's own. */
static int
decode_port(const json_t *p, char *ovs, size_t size, char *onos,
            size_t onos_size, struct decode *d)
{
    static const char *const logical[][2] = {
        {"IN_PORT", "in_port"}, {"CONTROLLER", "controller"},
        {"LOCAL", "LOCAL"},     {"FLOOD", "flood"},
        {"ALL", "all"},         {"NORMAL", "normal"},
    };
    char buf[64];
    const char *text;

    if (json_is_integer(p)) {
        snprintf(ovs, size, "%lld", (long long)json_integer_value(p));
        snprintf(onos, onos_size, "%s", ovs);
        return 0;
    }
    if (!json_is_string(p)) {
        return onos_fail(d, "Port value %s is not supported",
                    onos_as_text(p, buf, sizeof buf));
    }
    text = json_string_value(p);
    if (*text >= '0' && *text <= '9') {
        snprintf(ovs, size, "%lld", strtoll(text, NULL, 10));
        snprintf(onos, onos_size, "%s", ovs);
        return 0;
    }
    if (*text == '[' && strstr(text, "](")) {
        snprintf(ovs, size, "%lld", strtoll(strstr(text, "](") + 2, NULL,
                                            10));
        snprintf(onos, onos_size, "%s", ovs);
        return 0;
    }
    for (size_t i = 0; i < sizeof logical / sizeof logical[0]; i++) {
        if (!strcmp(text, logical[i][0])) {
            snprintf(ovs, size, "%s", logical[i][1]);
            snprintf(onos, onos_size, "%s", text);
            return 0;
        }
    }
    return onos_fail(d,
                "No enum constant org.onosproject.net.PortNumber.Logical.%s",
                text);
}

/* The MPLS and MAC subtypes of decodeL2: MPLS_PUSH (always 0x8847, as
 * Instructions.pushMpls()), MPLS_LABEL label, MPLS_POP (ethernetType,
 * default IPv4), ETH_SRC and ETH_DST mac. */
static int
decode_l2_more(const json_t *i, const char *st, struct decode *d,
               json_t *out)
{
    const json_t *v;
    char buf[32], mac[18];
    long type = 0x0800;

    if (!strcmp(st, "MPLS_PUSH")) {
        json_array_append_new(out, json_pack("{s:s, s:s, s:s}", "type",
                                             "L2MODIFICATION", "subtype", st,
                                             "ethernetType", "0x8847"));
        return standin_flow_action(d->flow, STANDIN_ACT_PUSH_MPLS, 0x8847,
                                   NULL);
    }
    if (!strcmp(st, "MPLS_LABEL")) {
        if (!(v = json_object_get(i, "label"))) {
            return onos_fail(d, "label member is required in Instruction");
        }
        json_array_append_new(out, json_pack("{s:s, s:s, s:I}", "type",
                                             "L2MODIFICATION", "subtype", st,
                                             "label",
                                             (json_int_t)onos_as_long(v)));
        return standin_flow_action(d->flow, STANDIN_ACT_SET_MPLS,
                                   (long)onos_as_long(v), NULL);
    }
    if (!strcmp(st, "MPLS_POP")) {
        if ((v = json_object_get(i, "ethernetType"))) {
            const char *text = onos_as_text(v, buf, sizeof buf);

            if (strlen(text) != 6 || strncmp(text, "0x", 2) ||
                strspn(text + 2, "0123456789abcdefABCDEF") != 4) {
                return onos_fail(d, "ETHERNET_TYPE must be a four digit hex "
                               "string starting with 0x");
            }
            type = strtol(text + 2, NULL, 16);
        }
        snprintf(buf, sizeof buf, "0x%04lx", type);
        json_array_append_new(out, json_pack("{s:s, s:s, s:s}", "type",
                                             "L2MODIFICATION", "subtype", st,
                                             "ethernetType", buf));
        return standin_flow_action(d->flow, STANDIN_ACT_POP_MPLS, type, NULL);
    }
    if (!strcmp(st, "ETH_SRC") || !strcmp(st, "ETH_DST")) {
        if (!(v = json_object_get(i, "mac"))) {
            return onos_fail(d, "mac member is required in Instruction");
        }
        if (parse_mac(onos_as_text(v, buf, sizeof buf), mac) < 0) {
            return onos_fail(d, "Specified MAC Address must contain 12 hex "
                           "digits separated pairwise by :'s.");
        }
        json_array_append_new(out, json_pack("{s:s, s:s, s:s}", "type",
                                             "L2MODIFICATION", "subtype", st,
                                             "mac", mac));
        return standin_flow_action(d->flow,
                                   st[4] == 'S' ? STANDIN_ACT_SET_ETH_SRC
                                                : STANDIN_ACT_SET_ETH_DST,
                                   0, mac);
    }
    return onos_fail(d,
                "L2 Instruction subtype %s is not supported (by the "
                "stand-in)",
                st);
}

static int
decode_l2(const json_t *i, struct decode *d, json_t *out)
{
    const json_t *sub = json_object_get(i, "subtype");
    char buf[32];
    const char *st;

    if (!sub) {
        return onos_fail(d, "subtype not specified in Instruction");
    }
    st = onos_as_text(sub, buf, sizeof buf);
    if (!strcmp(st, "VLAN_ID")) {
        const json_t *v = json_object_get(i, "vlanId");
        int vlan;

        if (!v) {
            return onos_fail(d, "vlanId member is required in Instruction");
        }
        if (vlan_from((short)onos_as_long(v), &vlan, d) < 0) {
            return -1;
        }
        if (vlan < 0) {
            return onos_fail(d, "VLAN_ID %s is not supported by the stand-in",
                        "none/any");
        }
        json_array_append_new(out, json_pack("{s:s, s:s, s:i}", "type",
                                             "L2MODIFICATION", "subtype", st,
                                             "vlanId", vlan));
        return standin_flow_action(d->flow, STANDIN_ACT_SET_VID, vlan, NULL);
    }
    if (!strcmp(st, "VLAN_POP")) {
        json_array_append_new(out, json_pack("{s:s, s:s}", "type",
                                             "L2MODIFICATION", "subtype",
                                             st));
        return standin_flow_action(d->flow, STANDIN_ACT_POP_VLAN, 0, NULL);
    }
    if (!strcmp(st, "VLAN_PUSH")) {
        const json_t *e = json_object_get(i, "ethernetType");
        long tpid = 0x8100;

        if (e) {
            const char *text = onos_as_text(e, buf, sizeof buf);

            if (strlen(text) != 6 || strncmp(text, "0x", 2) ||
                strspn(text + 2, "0123456789abcdefABCDEF") != 4) {
                return onos_fail(d, "ETHERNET_TYPE must be a four digit hex "
                               "string starting with 0x");
            }
            tpid = strtol(text + 2, NULL, 16);
        }
        snprintf(buf, sizeof buf, "0x%04lx", tpid);
        json_array_append_new(out, json_pack("{s:s, s:s, s:s}", "type",
                                             "L2MODIFICATION", "subtype", st,
                                             "ethernetType", buf));
        return standin_flow_action(d->flow, STANDIN_ACT_PUSH_VLAN, tpid,
                                   NULL);
    }
    return decode_l2_more(i, st, d, out);
}

int
onos_decode_instruction(const json_t *i, struct decode *d, json_t *out)
{
    const json_t *type = json_object_get(i, "type");
    char buf[32];
    const char *t;

    if (!json_is_object(i) || !type) {
        return onos_fail(d, "type not specified in Instruction");
    }
    t = onos_as_text(type, buf, sizeof buf);
    if (!strcmp(t, "OUTPUT")) {
        const json_t *p = json_object_get(i, "port");
        char ovs[24], onos[64];

        if (!p) {
            return onos_fail(d, "port not specified in Instruction");
        }
        if (decode_port(p, ovs, sizeof ovs, onos, sizeof onos, d) < 0) {
            return -1;
        }
        json_array_append_new(
            out, json_pack("{s:s, s:s}", "type", t, "port", onos));
        return standin_flow_action(d->flow, STANDIN_ACT_OUTPUT, 0, ovs);
    }
    if (!strcmp(t, "L2MODIFICATION")) {
        return decode_l2(i, d, out);
    }
    if (!strcmp(t, "GROUP")) {
        const json_t *g = json_object_get(i, "groupId");

        if (!g) {
            return onos_fail(d, "groupId member is required in Instruction");
        }
        json_array_append_new(out, json_pack("{s:s, s:I}", "type", t,
                                             "groupId",
                                             (json_int_t)(onos_as_long(g) &
                                                          0xffffffffLL)));
        return standin_flow_action(d->flow, STANDIN_ACT_GROUP,
                                   (long)(onos_as_long(g) & 0xffffffffLL),
                                   NULL);
    }
    if (!strcmp(t, "NOACTION")) {
        json_array_append_new(out, json_pack("{s:s}", "type", t));
        return 0;
    }
    return onos_fail(d,
                "Instruction type %s is not supported (by the stand-in)", t);
}

/* Decodes selector and treatment of a flow rule body into flow, and their
 * ONOS encodings into *selector and *treatment (new references). */
int
onos_decode_match_actions(const json_t *body, struct standin_flow *flow,
                          json_t **selector, json_t **treatment, char *err,
                          size_t errsize)
{
    struct decode d = {flow, err, errsize};
    const json_t *sel = json_object_get(body, "selector");
    const json_t *tr = json_object_get(body, "treatment");
    const json_t *criteria = json_object_get(sel, "criteria");
    const json_t *instructions = json_object_get(tr, "instructions");
    const json_t *deferred = json_object_get(tr, "deferred");
    json_t *crit_out = json_array(), *inst_out = json_array();
    size_t i;
    const json_t *v;

    *selector = json_pack("{s:o}", "criteria", crit_out);
    *treatment = json_pack("{s:o, s:[]}", "instructions", inst_out,
                           "deferred");
    if (json_array_size(deferred) > 0) {
        return onos_fail(&d, "deferred instructions are not supported by the "
                        "stand-in");
    }
    json_array_foreach(criteria, i, v)
    {
        if (decode_criterion(v, &d, crit_out) < 0) {
            return -1;
        }
    }
    json_array_foreach(instructions, i, v)
    {
        if (onos_decode_instruction(v, &d, inst_out) < 0) {
            return -1;
        }
    }
    return 0;
}

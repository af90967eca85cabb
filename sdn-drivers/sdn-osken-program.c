/* The osken driver's forwarding programs (service function chains, the
 * format in sfc/sfc-chain.h) and how rules are said to ofctl_rest, for
 * programs and services alike; the encoding, ordering, refusals and
 * counters are in sdn-osken.c's top comment.  Neighbours:
 * sdn-osken-internal.h (what both files share), sdn-rest-driver.h. */
#include <event2/event.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdn-osken-internal.h"

/* ---- saying rules to ofctl_rest (services and programs) ---- */

/* How an action of sfc-chain.h's format is said to ofctl_v1_3. */
enum act_kind {
    ACT_OUTPUT,               /* OUTPUT to a port */
    ACT_SET_PORT,             /* Nicira's load of in_port */
    ACT_GROUP,                /* GROUP: one of the program's groups */
    ACT_PUSH,                 /* 'type' of 'ethertype', then SET_FIELD */
    ACT_SET,                  /* SET_FIELD 'field' to the value */
    ACT_POP_VLAN,             /* POP_VLAN */
    ACT_POP_MPLS,             /* POP_MPLS, the value is the ethertype */
    ACT_NSH,                  /* none: ofctl_v1_3 has no NSH action */
};

static const struct act_def {
    const char *name;
    enum act_kind kind;
    const char *type;         /* ACT_PUSH's */
    json_int_t ethertype;     /* ACT_PUSH's */
    const char *field;        /* the SET_FIELD's, or NULL */
    enum { V_PORT, V_INT, V_TEXT, V_ANY } value;
} act_defs[] = {
    {.name = "output", .kind = ACT_OUTPUT, .value = V_PORT},
    {.name = "set_in_port", .kind = ACT_SET_PORT, .value = V_PORT},
    {.name = "group", .kind = ACT_GROUP, .value = V_INT},
    {.name = "push_vlan", .kind = ACT_PUSH, .type = "PUSH_VLAN",
     .ethertype = 0x8100, .field = "vlan_vid", .value = V_INT},
    {.name = "set_vlan", .kind = ACT_SET, .field = "vlan_vid",
     .value = V_INT},
    {.name = "pop_vlan", .kind = ACT_POP_VLAN, .value = V_ANY},
    {.name = "push_mpls", .kind = ACT_PUSH, .type = "PUSH_MPLS",
     .ethertype = 0x8847, .field = "mpls_label", .value = V_INT},
    {.name = "set_mpls", .kind = ACT_SET, .field = "mpls_label",
     .value = V_INT},
    {.name = "pop_mpls", .kind = ACT_POP_MPLS, .value = V_INT},
    {.name = "set_eth_src", .kind = ACT_SET, .field = "eth_src",
     .value = V_TEXT},
    {.name = "set_eth_dst", .kind = ACT_SET, .field = "eth_dst",
     .value = V_TEXT},
    {.name = "encap_nsh", .kind = ACT_NSH, .value = V_ANY},
    {.name = "encap_eth", .kind = ACT_NSH, .value = V_ANY},
    {.name = "decap", .kind = ACT_NSH, .value = V_ANY},
    {.name = "dec_nsh_ttl", .kind = ACT_NSH, .value = V_ANY},
    {.name = "set_nsh_spi", .kind = ACT_NSH, .value = V_ANY},
    {.name = "set_nsh_si", .kind = ACT_NSH, .value = V_ANY},
};

/* How a match field of sfc-chain.h's format is said to ofctl_v1_3. */
enum match_kind {
    M_PORT,                   /* 'field': a port's number */
    M_VALUE,                  /* 'field': the value */
    M_PREFIX,                 /* ipv4_'field' or ipv6_'field' */
    M_L4_PORT,                /* tcp_, udp_ or sctp_'field' by ip_proto */
    M_NSH,                    /* none: ofctl_v1_3 has no NSH field */
};

static const struct match_def {
    const char *name;
    enum match_kind kind;
    const char *field;
    bool text;                /* the value is a string, else an integer */
} match_defs[] = {
    {.name = "in_port", .kind = M_PORT, .field = "in_port", .text = true},
    {.name = "eth_type", .kind = M_VALUE, .field = "eth_type"},
    {.name = "eth_dst", .kind = M_VALUE, .field = "eth_dst", .text = true},
    /* ofctl adds OFPVID_PRESENT to a decimal dl_vlan (0: say_match) */
    {.name = "vlan", .kind = M_VALUE, .field = "dl_vlan"},
    {.name = "mpls_label", .kind = M_VALUE, .field = "mpls_label"},
    {.name = "ip_proto", .kind = M_VALUE, .field = "ip_proto"},
    {.name = "nw_src", .kind = M_PREFIX, .field = "src", .text = true},
    {.name = "nw_dst", .kind = M_PREFIX, .field = "dst", .text = true},
    {.name = "tp_src", .kind = M_L4_PORT, .field = "src"},
    {.name = "tp_dst", .kind = M_L4_PORT, .field = "dst"},
    {.name = "nsh_spi", .kind = M_NSH},
    {.name = "nsh_si", .kind = M_NSH},
};

/* The action of one-key object 'a': its definition (NULL: unknown), its
 * name (or "?") and value. */
static const struct act_def *
act_def(const json_t *a, const char **name, const json_t **value)
{
    const char *key = json_object_size(a) == 1
                          ? json_object_iter_key(json_object_iter(
                                (json_t *)a))
                          : NULL;

    *name = key ? key : "?";
    *value = key ? json_object_get(a, key) : NULL;
    for (size_t i = 0; key && i < sizeof act_defs / sizeof act_defs[0];
         i++) {
        if (!strcmp(key, act_defs[i].name)) {
            return &act_defs[i];
        }
    }
    return NULL;
}

static const struct match_def *
match_def(const char *name)
{
    for (size_t i = 0; i < sizeof match_defs / sizeof match_defs[0]; i++) {
        if (!strcmp(name, match_defs[i].name)) {
            return &match_defs[i];
        }
    }
    return NULL;
}

/* ofctl's prefix of a TCP, UDP or SCTP port field, or NULL. */
static const char *
l4_prefix(const json_t *match)
{
    switch (json_integer_value(json_object_get(match, "ip_proto"))) {
    case 6:
        return "tcp";
    case 17:
        return "udp";
    case 132:
        return "sctp";
    default:
        return NULL;
    }
}


/* ofctl's match of 'm' (checked), a new object; NULL with s->bad_port
 * set when the switch lacks its in_port. */
static json_t *
say_match(struct say *s, const json_t *m)
{
    json_t *out = json_object(), *v;
    const char *key;
    char field[24];

    json_object_foreach((json_t *)m, key, v)
    {
        const struct match_def *d = match_def(key);
        const char *text = json_string_value(v);
        json_int_t no;

        switch (d ? d->kind : M_NSH) {
        case M_PORT:
            if (!(no = slc_osken_port_no(s->ports, text ?: ""))) {
                s->bad_port = text ?: "";
                json_decref(out);
                return NULL;
            }
            json_object_set_new(out, d->field, json_integer(no));
            break;
        case M_VALUE:
            if (!strcmp(key, "vlan") && !json_integer_value(v)) {
                /* untagged only: ofctl takes a hex string as the raw
                 * OXM value, OFPVID_NONE */
                json_object_set_new(out, d->field, json_string("0x0000"));
                break;
            }
            json_object_set(out, d->field, v);
            break;
        case M_PREFIX:
            snprintf(field, sizeof field, "ipv%c_%s",
                     strchr(text ?: "", ':') ? '6' : '4', d->field);
            json_object_set(out, field, v);
            break;
        case M_L4_PORT:
            snprintf(field, sizeof field, "%s_%s", l4_prefix(m) ?: "tp",
                     d->field);
            json_object_set(out, field, v);
            break;
        case M_NSH:
            break;
        }
    }
    return out;
}

static void
append_set_field(json_t *out, const struct act_def *d, const json_t *v)
{
    /* ofctl passes the value on: OFPVID_PRESENT is ours to set */
    json_t *value = !strcmp(d->field, "vlan_vid")
                        ? json_integer(OFPVID_PRESENT |
                                       json_integer_value(v))
                        : json_incref((json_t *)v);

    json_array_append_new(out, json_pack("{ss ss so}", "type", "SET_FIELD",
                                         "field", d->field, "value",
                                         value));
}

/* set_in_port: OpenFlow 1.3 cannot set in_port (Open vSwitch refuses a
 * set_field of it), Nicira's NXAST_REG_LOAD to NXM_OF_IN_PORT can, and
 * ofctl_v1_3 sends it as an EXPERIMENTER action of raw data (after the
 * experimenter id: subtype, ofs_nbits, the field's NXM header, the
 * value), base64 in JSON.  Open vSwitch shows it as
 * load:0x3->NXM_OF_IN_PORT[]. */
static json_t *
nx_load_in_port(json_int_t port)
{
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                 "abcdefghijklmnopqrstuvwxyz0123456789+/";
    uint8_t raw[18] = {0, 7, 0, 15, 0, 0, 0, 2}; /* 16 bytes, then 0s */
    char text[25];

    for (int i = 0; i < 8; i++) {
        raw[8 + i] = (uint8_t)((uint64_t)port >> (56 - 8 * i));
    }
    for (int i = 0, k = 0; i < 18; i += 3) {
        uint32_t v = (uint32_t)raw[i] << 16 | raw[i + 1] << 8 | raw[i + 2];

        for (int j = 0; j < 4; j++) {
            text[k++] = digits[v >> (18 - 6 * j) & 63];
        }
    }
    memcpy(text + 22, "==", 3); /* 16 bytes: 2 of padding */
    return json_pack("{ss si ss ss}", "type", "EXPERIMENTER", "experimenter",
                     0x2320, "data_type", "base64", "data", text);
}

/* Appends ofctl's actions of 'actions' (checked) to 'out'; -1 with
 * s->bad_port set when the switch lacks a port. */
static int
say_actions(struct say *s, const json_t *actions, json_t *out)
{
    const json_t *a, *v;
    const char *name;
    size_t i;

    json_array_foreach(actions, i, a)
    {
        const struct act_def *d = act_def(a, &name, &v);
        json_int_t no = 0;

        if (d && d->value == V_PORT &&
            !(no = slc_osken_port_no(s->ports, json_string_value(v) ?: ""))) {
            s->bad_port = json_string_value(v) ?: "";
            return -1;
        }
        switch (d ? d->kind : ACT_NSH) {
        case ACT_OUTPUT:
            json_array_append_new(out, json_pack("{ss sI}", "type", "OUTPUT",
                                                 "port", no));
            break;
        case ACT_SET_PORT:
            json_array_append_new(out, nx_load_in_port(no));
            break;
        case ACT_GROUP:
            json_array_append_new(
                out, json_pack("{ss sI}", "type", "GROUP", "group_id",
                               (json_int_t)(s->program << 8 |
                                            (json_integer_value(v) &
                                             MAX_GROUPS))));
            break;
        case ACT_PUSH:
            json_array_append_new(out, json_pack("{ss sI}", "type", d->type,
                                                 "ethertype", d->ethertype));
            append_set_field(out, d, v);
            break;
        case ACT_SET:
            append_set_field(out, d, v);
            break;
        case ACT_POP_VLAN:
            json_array_append_new(out, json_pack("{ss}", "type", "POP_VLAN"));
            break;
        case ACT_POP_MPLS:
            json_array_append_new(out, json_pack("{ss sI}", "type",
                                                 "POP_MPLS", "ethertype",
                                                 json_integer_value(v)));
            break;
        case ACT_NSH:
            break;
        }
    }
    return 0;
}

/* The flowentry/add body of 'rule' (checked) on switch 'dpid' with
 * 'cookie', in table 0; NULL with s->bad_port set when the switch lacks
 * one of its ports. */
json_t *
slc_osken_say_flow(struct say *s, uint64_t dpid, uint64_t cookie,
                   const json_t *rule)
{
    json_t *match = say_match(s, json_object_get(rule, "match"));
    json_t *actions = json_array();

    if (!match || say_actions(s, json_object_get(rule, "actions"),
                              actions)) {
        json_decref(match);
        json_decref(actions);
        return NULL;
    }
    return json_pack("{sI sI si si sI so so}", "dpid", (json_int_t)dpid,
                     "cookie", (json_int_t)cookie, "cookie_mask", 0,
                     "table_id", 0, "priority",
                     json_integer_value(json_object_get(rule, "priority")),
                     "match", match, "actions", actions);
}

/* The groupentry/add body of program group 'g' (checked): a select
 * group, each port or action list a bucket of weight 1; NULL with
 * s->bad_port set when the switch lacks one of its ports. */
static json_t *
say_group(struct say *s, uint64_t dpid, const json_t *g)
{
    const json_t *ports = json_object_get(g, "ports"), *b;
    json_t *lists = ports ? json_array()
                          : json_incref(json_object_get(g, "buckets"));
    json_t *buckets = json_array(), *actions;
    size_t i;

    json_array_foreach(ports, i, b)
    {
        json_array_append_new(lists, json_pack("[{sO}]", "output", b));
    }
    json_array_foreach(lists, i, b)
    {
        actions = json_array();
        if (say_actions(s, b, actions)) {
            json_decref(actions);
            json_decref(buckets);
            json_decref(lists);
            return NULL;
        }
        json_array_append_new(buckets, json_pack("{si so}", "weight", 1,
                                                 "actions", actions));
    }
    json_decref(lists);
    return json_pack("{sI ss sI so}", "dpid", (json_int_t)dpid, "type",
                     "SELECT", "group_id",
                     (json_int_t)(s->program << 8 |
                                  json_integer_value(
                                      json_object_get(g, "id"))),
                     "buckets", buckets);
}

/* ---- programs: checking ---- */

static int check_actions(const char *where, const json_t *actions,
                         bool bucket, struct slc_error *err);

/* A rule's place in messages, "rule 2 (fw.in)", into 'buf'. */
static const char *
rule_where(char *buf, size_t size, size_t i, const json_t *rule)
{
    const char *name = json_string_value(json_object_get(rule, "name"));

    snprintf(buf, size, "rule %zu%s%s%s", i, name ? " (" : "",
             name ? name : "", name ? ")" : "");
    return buf;
}

static int
check_match(const char *where, const json_t *m, struct slc_error *err)
{
    const char *key;
    json_t *v;

    if (m && !json_is_object(m)) {
        return slc_error_set(err, SLC_EINVALID, "%s: match must be an "
                             "object", where);
    }
    json_object_foreach((json_t *)m, key, v)
    {
        const struct match_def *d = match_def(key);

        if (!d) {
            return slc_error_set(err, SLC_EINVALID, "%s: unknown match "
                                 "field '%s'", where, key);
        }
        if (d->kind == M_NSH) {
            return slc_error_set(err, SLC_EUNSUPPORTED, "%s: match field "
                                 "'%s' cannot be said through ofctl_rest "
                                 "(ofctl_v1_3 has no NSH field)", where,
                                 key);
        }
        if (d->text ? !json_is_string(v) : !json_is_integer(v)) {
            return slc_error_set(err, SLC_EINVALID, "%s: match field '%s' "
                                 "must be %s", where, key,
                                 d->text ? "a string" : "an integer");
        }
        if (d->kind == M_L4_PORT && !l4_prefix(m)) {
            return slc_error_set(err, SLC_EINVALID, "%s: match field '%s' "
                                 "needs ip_proto 6, 17 or 132", where, key);
        }
    }
    return 0;
}

static int
check_action(const char *where, const json_t *a, bool bucket,
             struct slc_error *err)
{
    const char *name;
    const json_t *v;
    const struct act_def *d = act_def(a, &name, &v);

    if (!d) {
        return slc_error_set(err, SLC_EINVALID, "%s: unknown action '%s'",
                             where, name);
    }
    if (d->kind == ACT_NSH) {
        return slc_error_set(err, SLC_EUNSUPPORTED, "%s: action '%s' "
                             "cannot be said through ofctl_rest (ofctl_v1_3 "
                             "has no NSH action)", where, name);
    }
    if (bucket && d->kind == ACT_GROUP) {
        return slc_error_set(err, SLC_EINVALID, "%s: action 'group' in a "
                             "group's bucket", where);
    }
    /* without ports, slc_osken_port_no() knows only NORMAL and IN_PORT */
    bool bad_port = d->kind == ACT_SET_PORT && json_is_string(v) &&
                    slc_osken_port_no(NULL, json_string_value(v));

    if (d->value == V_INT   ? !json_is_integer(v)
        : d->value == V_ANY ? false
                            : !json_is_string(v) || bad_port) {
        return slc_error_set(err, SLC_EINVALID, "%s: action '%s' needs %s",
                             where, name,
                             d->value == V_INT ? "an integer"
                             : d->kind == ACT_SET_PORT
                                 ? "a port of the switch"
                                 : "a string");
    }
    return 0;
}

static int
check_actions(const char *where, const json_t *actions, bool bucket,
              struct slc_error *err)
{
    const json_t *a;
    size_t i;
    int rc;

    if (!json_is_array(actions)) {
        return slc_error_set(err, SLC_EINVALID, "%s: actions must be a "
                             "list", where);
    }
    json_array_foreach(actions, i, a)
    {
        if ((rc = check_action(where, a, bucket, err))) {
            return rc;
        }
    }
    return 0;
}

/* A group: id 1..255, and "ports" (port names) or "buckets" (action
 * lists), not empty. */
static int
check_group(uint32_t id, size_t i, const json_t *g, struct slc_error *err)
{
    const json_t *gid = json_object_get(g, "id");
    const json_t *ports = json_object_get(g, "ports");
    const json_t *buckets = json_object_get(g, "buckets"), *b;
    const json_t *list = ports ? ports : buckets;
    char where[80];
    size_t k;
    int rc;

    snprintf(where, sizeof where, "program %u: group %zu", id, i);
    if (!json_is_integer(gid) || json_integer_value(gid) < 1 ||
        json_integer_value(gid) > MAX_GROUPS) {
        return slc_error_set(err, SLC_EINVALID, "%s: id must be 1..%d",
                             where, MAX_GROUPS);
    }
    if (!ports == !buckets || !json_array_size(list)) {
        return slc_error_set(err, SLC_EINVALID, "%s: needs a list of ports "
                             "or of buckets, not empty", where);
    }
    json_array_foreach(list, k, b)
    {
        if (ports && !json_is_string(b)) {
            return slc_error_set(err, SLC_EINVALID, "%s: port %zu is not a "
                                 "string", where, k);
        }
        snprintf(where, sizeof where, "program %u: group %zu: bucket %zu",
                 id, i, k);
        if (buckets && (rc = check_actions(where, b, true, err))) {
            return rc;
        }
    }
    return 0;
}

/* 0 when ofctl_rest can say program 'id' (all but its ports, which the
 * switch tells); else SLC_EUNSUPPORTED (NSH) or SLC_EINVALID, naming the
 * program, the rule or group, and the action or field. */
static int
check_program(uint32_t id, const json_t *prog, struct slc_error *err)
{
    const json_t *rules = json_object_get(prog, "rules");
    const json_t *groups = json_object_get(prog, "groups"), *r;
    char where[160], rule[120];
    size_t i;
    int rc;

    if (!json_is_array(rules) || (groups && !json_is_array(groups))) {
        return slc_error_set(err, SLC_EINVALID, "program %u: needs a list "
                             "of rules (and of groups)", id);
    }
    if (json_array_size(rules) > MAX_RULES ||
        json_array_size(groups) > MAX_GROUPS) {
        return slc_error_set(err, SLC_EINVALID, "program %u: more than %d "
                             "rules or %d groups", id, MAX_RULES,
                             MAX_GROUPS);
    }
    json_array_foreach(groups, i, r)
    {
        if ((rc = check_group(id, i, r, err))) {
            return rc;
        }
    }
    json_array_foreach(rules, i, r)
    {
        json_int_t prio = json_integer_value(json_object_get(r, "priority"));

        snprintf(where, sizeof where, "program %u: %s", id,
                 rule_where(rule, sizeof rule, i, r));
        if (!json_is_integer(json_object_get(r, "priority")) || prio < 0 ||
            prio > 0xffff) {
            return slc_error_set(err, SLC_EINVALID, "%s: priority must be "
                                 "0..65535", where);
        }
        if ((rc = check_match(where, json_object_get(r, "match"), err)) ||
            (rc = check_actions(where, json_object_get(r, "actions"), false,
                                err))) {
            return rc;
        }
    }
    return 0;
}

/* ---- programs: the kept ones ---- */

static struct program *
find_program(struct osken *o, uint32_t id, struct program ***link)
{
    struct program **pp = &o->programs;

    while (*pp && (*pp)->id != id) {
        pp = &(*pp)->next;
    }
    if (link) {
        *link = pp;
    }
    return *pp;
}

void
slc_osken_free_program(struct program *p)
{
    if (p) {
        json_decref(p->prog);
        free(p->last);
        free(p->base);
        free(p);
    }
}

/* The counters of the rules of a /stats/flow list of program or service
 * 'n' rules into 'raw' (zeroed by the caller) and 'seen'; how many rules
 * have a flow. */
static size_t
read_rules(const json_t *flows, size_t n, struct counts *raw, bool *seen)
{
    const json_t *f;
    size_t i, have = 0;

    json_array_foreach(flows, i, f)
    {
        size_t k = (size_t)(json_integer_value(json_object_get(f, "cookie")) &
                            0xffff);

        if (k < n && !seen[k]) {
            seen[k] = true;
            have++;
            raw[k] = (struct counts){
                .packets = json_integer_value(
                    json_object_get(f, "packet_count")),
                .bytes = json_integer_value(
                    json_object_get(f, "byte_count"))};
        }
    }
    return have;
}

/* ---- programs: operations ---- */

enum prog_kind {
    PK_INSTALL,               /* install_program */
    PK_REINSTALL,             /* the driver's own: a kept program again */
    PK_REMOVE,                /* remove_program */
    PK_COUNTERS,              /* program_counters */
    PK_AUDIT,                 /* the driver's own: read the kept ones */
};

/* The steps of an operation on a program, one HTTP call each. */
enum prog_step {
    PS_SWITCHES,              /* GET /stats/switches: the default dpid */
    PS_PORTS,                 /* GET /stats/portdesc: port names */
    PS_CLEAR,                 /* delete the program's flows by cookie */
    PS_GROUPS,                /* GET /stats/groupdesc: its groups there */
    PS_DROP_GROUP,            /* delete group 'next' of 'doomed' */
    PS_ADD_GROUP,             /* add group 'next' */
    PS_ADD_FLOW,              /* add flow 'next' */
    PS_VERIFY,                /* read the flows back after adding them */
    PS_UNDO_FLOWS,            /* an add failed: delete the flows, */
    PS_UNDO_GROUP,            /* then group 'next' of those added */
    PS_READ,                  /* read the flows (counters, audit) */
};

struct prog_op {
    struct osken *o;
    enum prog_kind kind;
    enum prog_step step;
    bool started;
    bool touched;             /* the program's old flows may be gone */
    uint64_t token;
    uint32_t id;              /* the program's (audit: the one read) */
    unsigned gen;             /* PK_REINSTALL: of the program as kept */
    json_t *prog;             /* PK_INSTALL, PK_REINSTALL */
    bool have_dpid;
    uint64_t dpid;
    json_t *groups, *flows;   /* groupentry/add, flowentry/add bodies */
    json_t *doomed;           /* group ids to delete */
    size_t next;
    int error_rc;             /* what an undo fails with */
    char *error;
    struct prog_op *next_op;
};

static void prog_run(struct prog_op *op);
static void prog_add_next(struct prog_op *op);
static void prog_drop_next(struct prog_op *op);
static void prog_audit_next(struct prog_op *op);

void
slc_osken_free_prog_op(struct prog_op *op)
{
    json_decref(op->prog);
    json_decref(op->groups);
    json_decref(op->flows);
    json_decref(op->doomed);
    free(op->error);
    free(op);
}

static struct prog_op *
new_prog_op(struct osken *o, enum prog_kind kind, uint64_t token,
            uint32_t id, struct slc_error *err)
{
    struct prog_op *op = calloc(1, sizeof *op);

    if (!op) {
        slc_error_set(err, SLC_ENOMEM, "out of memory");
        return NULL;
    }
    *op = (struct prog_op){.o = o, .kind = kind, .token = token, .id = id};
    return op;
}

/* Queues 'op'; operations start from the loop, one at a time. */
static void
prog_submit(struct prog_op *op)
{
    struct prog_op **opp = &op->o->prog_ops;

    while (*opp) {
        opp = &(*opp)->next_op;
    }
    *opp = op;
    event_active(op->o->prog_kick, 0, 0);
}

/* Queues the driver's own re-install of kept program 'p'. */
static void
reinstall(struct osken *o, const struct program *p)
{
    struct prog_op *op = new_prog_op(o, PK_REINSTALL, 0, p->id, NULL);

    if (op) {
        op->gen = p->gen;
        op->prog = json_incref(p->prog);
        prog_submit(op);
    }
}

/* Ends 'op', the running operation: its result goes to the caller (an
 * internal one's failure is an event of the driver), a failed install
 * that touched the switch has the program it was replacing re-installed,
 * and the next operation starts.  'data' is taken. */
static void
prog_finish(struct prog_op *op, int rc, const char *msg, json_t *data)
{
    struct osken *o = op->o;
    struct program *p = find_program(o, op->id, NULL);
    struct slc_error err = {0};

    o->prog_ops = op->next_op;
    if (op->kind == PK_AUDIT || op->kind == PK_REINSTALL) {
        if (rc) {
            slc_sdn_rest_note(&o->up, "%s", msg ? msg : "");
        }
        json_decref(data);
        o->prog_audit_queued = o->prog_audit_queued && op->kind != PK_AUDIT;
    } else if (slc_sdn_reply(&o->up.sdn, op->token, rc, msg, NULL, data,
                             NULL, &err)) {
        slc_sdn_rest_note(&o->up, "program %u: result lost: %s", op->id,
                          err.msg);
    }
    if (rc && op->kind == PK_INSTALL && op->touched && p) {
        reinstall(o, p);
    }
    slc_osken_free_prog_op(op);
    event_active(o->prog_kick, 0, 0);
}

/* How a failure of 'op' starts, into 'buf': its length. */
static int
prog_prefix(const struct prog_op *op, char *buf, size_t size)
{
    int n = snprintf(buf, size, "%s%u%s",
                     op->kind == PK_AUDIT       ? "audit of program "
                     : op->kind == PK_REINSTALL ? "re-installing program "
                                                : "program ",
                     op->id,
                     op->kind == PK_AUDIT || op->kind == PK_REINSTALL
                         ? " failed: "
                         : ": ");

    return n > 0 && (size_t)n < size ? n : 0;
}

static void prog_fail(struct prog_op *op, int rc, const char *fmt, ...)
    SLC_PRINTF(3, 4);

/* prog_finish() with 'rc' and a message about the program. */
static void
prog_fail(struct prog_op *op, int rc, const char *fmt, ...)
{
    char msg[SLC_ERROR_MSG_SIZE];
    int n = prog_prefix(op, msg, sizeof msg);
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
    va_end(ap);
    prog_finish(op, rc, msg, NULL);
}

static void on_prog_reply(void *arg, int rc, const char *msg, json_t *body,
                          long status);

static void
prog_request(struct prog_op *op, const char *method, const char *path,
             json_t *body)
{
    struct slc_error err = {0};

    if (slc_sdn_rest_call(op->o->up.rest, method, path, body, on_prog_reply,
                          op, &err)) {
        prog_fail(op, err.code, "%s", err.msg);
    }
}

static void
prog_run(struct prog_op *op)
{
    char path[64];
    json_t *gid;

    switch (op->step) {
    case PS_SWITCHES:
        prog_request(op, "GET", "/stats/switches", NULL);
        break;
    case PS_PORTS:
    case PS_GROUPS:
        snprintf(path, sizeof path, "/stats/%s/%" PRIu64,
                 op->step == PS_PORTS ? "portdesc" : "groupdesc", op->dpid);
        prog_request(op, "GET", path, NULL);
        break;
    case PS_CLEAR:
    case PS_UNDO_FLOWS:
        op->touched = true;
        prog_request(op, "POST", "/stats/flowentry/delete",
                     slc_osken_cookie_filter(op->dpid, op->id));
        break;
    case PS_DROP_GROUP:
    case PS_UNDO_GROUP:
        gid = op->step == PS_DROP_GROUP
                  ? json_array_get(op->doomed, op->next)
                  : json_object_get(json_array_get(op->groups, op->next),
                                    "group_id");
        prog_request(op, "POST", "/stats/groupentry/delete",
                     json_pack("{sI sO}", "dpid", (json_int_t)op->dpid,
                               "group_id", gid));
        break;
    case PS_ADD_GROUP:
        prog_request(op, "POST", "/stats/groupentry/add",
                     json_incref(json_array_get(op->groups, op->next)));
        break;
    case PS_ADD_FLOW:
        /* last rule first: a program lists a path's rules from its
         * classifier on, so what takes packets out of a hop is there
         * before what steers packets into it */
        prog_request(op, "POST", "/stats/flowentry/add",
                     json_incref(json_array_get(
                         op->flows, json_array_size(op->flows) - 1 -
                                        op->next)));
        break;
    case PS_VERIFY:
    case PS_READ:
        snprintf(path, sizeof path, "/stats/flow/%" PRIu64, op->dpid);
        prog_request(op, "POST", path,
                     slc_osken_cookie_filter(op->dpid, op->id));
        break;
    }
}

/* The first step once the switch is known. */
static void
prog_switch_known(struct prog_op *op)
{
    op->o->last_dpid = op->dpid;
    op->step = op->kind == PK_REMOVE     ? PS_CLEAR
               : op->kind == PK_COUNTERS ? PS_READ
                                         : PS_PORTS;
    prog_run(op);
}

static void
prog_got_switches(struct prog_op *op, const json_t *body)
{
    char msg[600];
    int rc = slc_osken_pick_switch(&op->o->up, body, &op->dpid, msg,
                                   sizeof msg);

    if (rc) {
        prog_fail(op, rc, "%s", msg);
    } else {
        prog_switch_known(op);
    }
}

/* The bodies of the program's groups and flows with the switch's port
 * numbers; then its old flows go. */
static void
prog_got_ports(struct prog_op *op, json_t *body)
{
    const json_t *groups = json_object_get(op->prog, "groups");
    const json_t *rules = json_object_get(op->prog, "rules"), *x;
    struct say s = {.ports = slc_osken_switch_list(body), .program = op->id};
    char where[120];
    json_t *one;
    size_t i;

    if (!s.ports) {
        prog_fail(op, SLC_EIO, "GET /stats/portdesc: the reply is not a "
                  "port list");
        return;
    }
    op->groups = json_array();
    op->flows = json_array();
    json_array_foreach(groups, i, x)
    {
        if (!(one = say_group(&s, op->dpid, x))) {
            prog_fail(op, SLC_EINVALID, "group %zu: switch 0x%016" PRIx64
                      " has no port '%s'", i, op->dpid, s.bad_port);
            return;
        }
        json_array_append_new(op->groups, one);
    }
    json_array_foreach(rules, i, x)
    {
        if (!(one = slc_osken_say_flow(
                  &s, op->dpid, slc_osken_cookie_of(op->id) | i, x))) {
            prog_fail(op, SLC_EINVALID, "%s: switch 0x%016" PRIx64 " has "
                      "no port '%s'", rule_where(where, sizeof where, i, x),
                      op->dpid, s.bad_port);
            return;
        }
        json_array_append_new(op->flows, one);
    }
    op->step = PS_CLEAR;
    prog_run(op);
}

/* The program's groups on the switch: those in its range. */
static void
prog_got_groups(struct prog_op *op, json_t *body)
{
    const json_t *list = slc_osken_switch_list(body), *g;
    size_t i;

    if (!list) {
        prog_fail(op, SLC_EIO, "GET /stats/groupdesc: the reply is not a "
                  "group list");
        return;
    }
    op->doomed = json_array();
    json_array_foreach(list, i, g)
    {
        const json_t *gid = json_object_get(g, "group_id");
        json_int_t n = json_integer_value(gid);

        if (json_is_integer(gid) && n >> 8 == (json_int_t)op->id &&
            n & MAX_GROUPS) {
            json_array_append(op->doomed, (json_t *)gid);
        }
    }
    op->next = 0;
    prog_drop_next(op);
}

/* Deletes the next doomed group; once all are gone, a remove is done and
 * an install adds its groups. */
static void
prog_drop_next(struct prog_op *op)
{
    if (op->next < json_array_size(op->doomed)) {
        op->step = PS_DROP_GROUP;
        prog_run(op);
    } else if (op->kind == PK_REMOVE) {
        prog_finish(op, 0, NULL, NULL);
    } else {
        op->step = PS_ADD_GROUP;
        op->next = 0;
        prog_add_next(op);
    }
}

/* Deletes the next of the install's groups (deleting one that was not
 * added is no error), then fails with the first error. */
static void
prog_undo_next(struct prog_op *op)
{
    if (op->next < json_array_size(op->groups)) {
        op->step = PS_UNDO_GROUP;
        prog_run(op);
    } else {
        prog_finish(op, op->error_rc, op->error, NULL);
    }
}

/* The next step of the adds: a group, a flow, or reading them back. */
static void
prog_add_next(struct prog_op *op)
{
    if (op->step == PS_ADD_GROUP &&
        op->next >= json_array_size(op->groups)) {
        op->step = PS_ADD_FLOW;
        op->next = 0;
    }
    if (op->step == PS_ADD_FLOW && op->next >= json_array_size(op->flows)) {
        op->step = PS_VERIFY;
    }
    prog_run(op);
}

/* An add failed (or the flows read back are not all there): removes what
 * this install added, then fails with 'msg'. */
static void
prog_undo(struct prog_op *op, int rc, const char *msg)
{
    free(op->error);
    op->error_rc = rc;
    if (!(op->error = strdup(msg))) {
        prog_fail(op, SLC_ENOMEM, "out of memory");
        return;
    }
    op->step = PS_UNDO_FLOWS;
    prog_run(op);
}

/* Keeps the program just installed, with 'raw' the counters its flows
 * have now; the baseline carries on through a re-install and a caller's
 * install of the same program, and is reset by a new one. */
static int
keep_program(struct prog_op *op, const struct counts *raw)
{
    struct osken *o = op->o;
    size_t n = json_array_size(json_object_get(op->prog, "rules"));
    struct program *p = find_program(o, op->id, NULL);
    struct counts *last = calloc(n + 1, sizeof *last);
    struct counts *base = calloc(n + 1, sizeof *base);
    bool carry = p && p->n_rules == n &&
                 (op->kind == PK_REINSTALL || json_equal(p->prog, op->prog));

    if (!last || !base || (!p && !(p = calloc(1, sizeof *p)))) {
        free(last);
        free(base);
        return SLC_ENOMEM;
    }
    for (size_t i = 0; carry && i < n; i++) {
        base[i] = (struct counts){
            .packets = p->base[i].packets + p->last[i].packets,
            .bytes = p->base[i].bytes + p->last[i].bytes};
    }
    memcpy(last, raw, n * sizeof *last);
    if (!p->prog) {
        p->id = op->id;
        p->next = o->programs;
        o->programs = p;
    }
    free(p->last);
    free(p->base);
    json_decref(p->prog);
    p->last = last;
    p->base = base;
    p->prog = json_incref(op->prog);
    p->dpid = op->dpid;
    p->n_rules = n;
    p->n_groups = json_array_size(op->groups);
    p->gen += op->kind == PK_INSTALL;
    return 0;
}

/* The flows read back after an install or a re-install. */
static void
prog_got_verify(struct prog_op *op, const json_t *flows)
{
    size_t n = json_array_size(op->flows), have;
    struct counts *raw = calloc(n + 1, sizeof *raw);
    bool *seen = calloc(n + 1, sizeof *seen);
    char msg[160];

    if (!raw || !seen) {
        free(raw);
        free(seen);
        prog_fail(op, SLC_ENOMEM, "out of memory");
        return;
    }
    have = read_rules(flows, n, raw, seen);
    if (have < n && op->kind == PK_INSTALL) {
        snprintf(msg, sizeof msg, "program %u: %zu of %zu rules on switch "
                 "0x%016" PRIx64 " after adding them", op->id, have, n,
                 op->dpid);
        prog_undo(op, SLC_EIO, msg);
    } else if (keep_program(op, raw)) {
        prog_fail(op, SLC_ENOMEM, "out of memory");
    } else {
        if (op->kind == PK_REINSTALL) {
            op->o->up.reinstalled++;
            slc_sdn_rest_note(&op->o->up, "program %u re-installed: %zu of "
                              "%zu rules on the switch", op->id, have, n);
        }
        prog_finish(op, 0, NULL, NULL);
    }
    free(raw);
    free(seen);
}

/* The flows of a program read: its counters (program_counters), or an
 * audit's check. */
static void
prog_got_read(struct prog_op *op, const json_t *flows)
{
    struct program *p = find_program(op->o, op->id, NULL);
    size_t n = p ? p->n_rules : 0, have;
    struct counts *raw = calloc(n + 1, sizeof *raw);
    bool *seen = calloc(n + 1, sizeof *seen);
    json_t *rules = json_array();

    if (!raw || !seen || !rules) {
        free(raw);
        free(seen);
        json_decref(rules);
        prog_fail(op, SLC_ENOMEM, "out of memory");
        return;
    }
    have = read_rules(flows, n, raw, seen);
    for (size_t i = 0; i < n; i++) {
        if (seen[i]) {
            p->last[i] = raw[i];
        }
        json_array_append_new(
            rules, seen[i] ? json_pack("{sI sI}", "packets",
                                       p->base[i].packets + raw[i].packets,
                                       "bytes",
                                       p->base[i].bytes + raw[i].bytes)
                           : json_null());
    }
    free(raw);
    free(seen);
    if (op->kind == PK_AUDIT) {
        if (p && have < n) {
            slc_sdn_rest_note(&op->o->up, "program %u: %zu of %zu rules on "
                              "the switch, re-installing", op->id, have, n);
            reinstall(op->o, p);
        }
        json_decref(rules);
        prog_audit_next(op);
    } else {
        prog_finish(op, 0, NULL,
                    json_pack("{so sI}", "rules", rules, "flows_on_switch",
                              (json_int_t)json_array_size(flows)));
    }
}

/* A reply that is a step done well. */
static void
prog_step_done(struct prog_op *op, json_t *body)
{
    const json_t *flows = slc_osken_switch_list(body);

    switch (op->step) {
    case PS_SWITCHES:
        prog_got_switches(op, body);
        break;
    case PS_PORTS:
        prog_got_ports(op, body);
        break;
    case PS_CLEAR:
        op->step = PS_GROUPS;
        prog_run(op);
        break;
    case PS_GROUPS:
        prog_got_groups(op, body);
        break;
    case PS_DROP_GROUP:
        op->next++;
        prog_drop_next(op);
        break;
    case PS_UNDO_GROUP:
        op->next++;
        prog_undo_next(op);
        break;
    case PS_ADD_GROUP:
    case PS_ADD_FLOW:
        op->next++;
        prog_add_next(op);
        break;
    case PS_UNDO_FLOWS:
        op->next = 0;
        prog_undo_next(op);
        break;
    case PS_VERIFY:
    case PS_READ:
        if (!flows) {
            prog_fail(op, SLC_EIO, "POST /stats/flow: the reply is not a "
                      "flow list");
        } else if (op->step == PS_VERIFY) {
            prog_got_verify(op, flows);
        } else {
            prog_got_read(op, flows);
        }
        break;
    }
}

static void
on_prog_reply(void *arg, int rc, const char *msg, json_t *body, long status)
{
    struct prog_op *op = arg;
    char text[SLC_ERROR_MSG_SIZE];
    int n;

    /* ofctl_rest's 404 is a switch not connected, not a program */
    rc = rc == SLC_ENOTFOUND ? SLC_EIO : rc;
    if (rc && (op->step == PS_UNDO_FLOWS || op->step == PS_UNDO_GROUP)) {
        slc_sdn_rest_note(&op->o->up, "program %u: undo: %s", op->id,
                          msg ? msg : "");
        rc = 0;               /* the undo goes on; the first error stays */
    }
    if (rc && (op->step == PS_ADD_GROUP || op->step == PS_ADD_FLOW ||
               (op->step == PS_VERIFY && op->kind == PK_INSTALL))) {
        n = prog_prefix(op, text, sizeof text);
        snprintf(text + n, sizeof text - (size_t)n, "%s", msg ? msg : "");
        prog_undo(op, status == 400 ? SLC_EINVALID : rc, text);
    } else if (rc) {
        prog_fail(op, rc, "%s", msg ? msg : "");
    } else {
        prog_step_done(op, body);
    }
}

/* ---- programs: audits ---- */

/* Reads the flows of the kept program after op->id (by id, so that one
 * removed or added meanwhile is no trouble), or ends the audit. */
static void
prog_audit_next(struct prog_op *op)
{
    const struct program *next = NULL;

    for (const struct program *p = op->o->programs; p; p = p->next) {
        if (p->id > op->id && (!next || p->id < next->id)) {
            next = p;
        }
    }
    if (!next) {
        prog_finish(op, 0, NULL, NULL);
        return;
    }
    op->id = next->id;
    op->dpid = next->dpid;
    op->step = PS_READ;
    prog_run(op);
}

/* Queues an audit unless one is queued or no program is kept. */
void
slc_osken_on_prog_audit_timer(evutil_socket_t fd, short what, void *arg)
{
    struct osken *o = arg;
    struct prog_op *op;

    if (o->prog_audit_queued || !o->programs ||
        !(op = new_prog_op(o, PK_AUDIT, 0, 0, NULL))) {
        return;
    }
    o->prog_audit_queued = true;
    prog_submit(op);
}

/* Starts the first queued operation unless it runs already. */
void
slc_osken_on_prog_kick(evutil_socket_t fd, short what, void *arg)
{
    struct osken *o = arg;
    struct prog_op *op = o->prog_ops;
    struct program **link, *p;

    if (!op || op->started) {
        return;
    }
    op->started = true;
    p = find_program(o, op->id, &link);
    if (op->kind == PK_AUDIT) {
        prog_audit_next(op);
        return;
    }
    if (op->kind == PK_REINSTALL && (!p || p->gen != op->gen)) {
        prog_finish(op, 0, NULL, NULL);   /* removed or replaced since */
        return;
    }
    /* a kept program's switch; else config's, or the only one */
    op->have_dpid = p || o->up.have_dpid;
    op->dpid = p ? p->dpid : o->up.dpid;
    if (op->kind == PK_REMOVE && p) {
        *link = p->next;      /* audits stop making it again now */
        slc_osken_free_program(p);
    }
    if (op->have_dpid) {
        prog_switch_known(op);
    } else {
        op->step = PS_SWITCHES;
        prog_run(op);
    }
}

/* ---- programs: the class operations ---- */

static int
prog_call(struct slc_sdn *sdn, enum prog_kind kind, uint64_t token,
          uint32_t id, const json_t *program, struct slc_error *err)
{
    struct prog_op *op;

    if (slc_sdn_check_program_id(id, err) ||
        (program && check_program(id, program, err)) ||
        !(op = new_prog_op(
              slc_osken_of((struct slc_sdn_rest_driver *)sdn), kind, token,
              id, err))) {
        return err->code;
    }
    if (program && !(op->prog = json_deep_copy(program))) {
        slc_osken_free_prog_op(op);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    prog_submit(op);
    return 0;
}

int
slc_osken_install_program(struct slc_sdn *sdn, uint64_t token, uint32_t id,
                          const json_t *program, struct slc_error *err)
{
    if (!program) {
        return slc_error_set(err, SLC_EINVALID, "program %u: no program",
                             id);
    }
    return prog_call(sdn, PK_INSTALL, token, id, program, err);
}

int
slc_osken_remove_program(struct slc_sdn *sdn, uint64_t token, uint32_t id,
                         struct slc_error *err)
{
    return prog_call(sdn, PK_REMOVE, token, id, NULL, err);
}

int
slc_osken_program_counters(struct slc_sdn *sdn, uint64_t token, uint32_t id,
                           struct slc_error *err)
{
    return prog_call(sdn, PK_COUNTERS, token, id, NULL, err);
}

void
slc_osken_free_programs(struct osken *o)
{
    while (o->prog_ops) {
        struct prog_op *op = o->prog_ops;

        o->prog_ops = op->next_op;
        slc_osken_free_prog_op(op);
    }
    while (o->programs) {
        struct program *p = o->programs;

        o->programs = p->next;
        slc_osken_free_program(p);
    }
    if (o->prog_kick) {
        event_free(o->prog_kick);
    }
    if (o->prog_audit_timer) {
        event_free(o->prog_audit_timer);
    }
}

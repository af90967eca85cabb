/* Chain rendering (see sfc-chain.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sfc-chain.h"
#include "sfc-match.h"

#define PRIO_CLASSIFIER 300
#define PRIO_HOP 310
#define SFF_MAC_SRC "02:00:00:00:0a:01" /* outer Ethernet of NSH frames: */
#define SFF_MAC_DST "02:00:00:00:0a:02" /* neutral, never a port's own */
#define MAX_VLAN 4094
#define MAX_LABEL 1048575

unsigned
slc_sfc_tags_needed(size_t n_hops, bool symmetric)
{
    return (unsigned)n_hops * (symmetric ? 2 : 1);
}

const char *
slc_sfc_encap_name(enum slc_sfc_encap e)
{
    return e == SLC_SFC_NSH ? "nsh" : e == SLC_SFC_MPLS ? "mpls" : "vlan";
}

int
slc_sfc_encap_parse(const char *name)
{
    static const char *const names[] = {"vlan", "mpls", "nsh"};

    for (int i = 0; i < 3; i++) {
        if (name && !strcmp(name, names[i])) {
            return i;
        }
    }
    return -1;
}

/* One switch's part of the program being rendered. */
struct part {
    json_t *rules, *groups;
    int prio;                 /* added to the base priorities */
};

/* What rendering one direction needs. */
struct path {
    const struct slc_sfc_chain *c;
    struct part *parts;       /* [2], by enum slc_sfc_switch */
    bool reverse;
    uint32_t spi;
    unsigned tag0;
    int *group_of;            /* per hop: its select group, or 0 */
    bool *crossed;            /* per hop and "done" (n): the other switch
                                 takes it from the trunk already */
    int is_ipv6;
};

static const struct slc_sfc_hop *
hop_at(const struct path *p, size_t k)
{
    return &p->c->hops[p->reverse ? p->c->n_hops - 1 - k : k];
}

static enum slc_sfc_switch
sw_of(const struct slc_sfc_port *port)
{
    return port->fabric ? SLC_SFC_FABRIC : SLC_SFC_VIM;
}

static enum slc_sfc_switch
hop_sw(const struct path *p, size_t k)
{
    return sw_of(&hop_at(p, k)->sfis[0].ingress);
}

/* An SFI's entry and exit ports in this direction. */
static const struct slc_sfc_port *
entry_port(const struct path *p, const struct slc_sfc_sfi *s)
{
    return p->reverse ? &s->egress : &s->ingress;
}

static const struct slc_sfc_port *
exit_port(const struct path *p, const struct slc_sfc_sfi *s)
{
    return p->reverse ? &s->ingress : &s->egress;
}

/* Where this direction ends: the destination, or back at the source(s);
 * 'to' NULL for "onto the link" (NORMAL, as from 'as_from'). */
static enum slc_sfc_switch
delivery(const struct path *p, const struct slc_sfc_port **to,
         const struct slc_sfc_port **as_from)
{
    const struct slc_sfc_chain *c = p->c;

    *to = NULL;
    *as_from = NULL;
    if (!p->reverse && c->destination.name) {
        *to = &c->destination;
    } else if (!p->reverse) {
        *as_from = &c->sources[0];
    } else if (c->n_sources == 1) {
        *to = &c->sources[0];
    } else {
        *as_from = &c->destination;
    }
    return sw_of(*to ? *to : *as_from);
}

static json_t *
act(const char *op, json_t *arg)
{
    return json_pack("{so}", op, arg ? arg : json_null());
}

static const char *
op_of(const json_t *a)
{
    return json_object_iter_key(json_object_iter((json_t *)a));
}

/* Appends an action, folding VLAN operations into the one before: set
 * after set or push keeps one, push after pop is a set, pop after set
 * drops the set, pop after push drops both. */
static void
emit(json_t *actions, const char *op, json_t *arg)
{
    size_t n = json_array_size(actions);
    const char *last = n ? op_of(json_array_get(actions, n - 1)) : "";

    if (!strcmp(op, "set_vlan") &&
        (!strcmp(last, "set_vlan") || !strcmp(last, "push_vlan"))) {
        json_object_set_new(json_array_get(actions, n - 1), last,
                            arg ? arg : json_null());
        return;
    }
    if ((!strcmp(op, "set_mpls") &&
         (!strcmp(last, "set_mpls") || !strcmp(last, "push_mpls"))) ||
        (!strcmp(op, "set_nsh_si") && !strcmp(last, "set_nsh_si"))) {
        json_object_set_new(json_array_get(actions, n - 1), last,
                            arg ? arg : json_null());
        return;
    }
    if (!strcmp(op, "push_vlan") && !strcmp(last, "pop_vlan")) {
        json_array_set_new(actions, n - 1, act("set_vlan", arg));
        return;
    }
    if (!strcmp(op, "pop_vlan") && !strcmp(last, "push_vlan")) {
        json_array_remove(actions, n - 1);
        json_decref(arg);
        return;
    }
    if (!strcmp(op, "pop_vlan") && !strcmp(last, "set_vlan")) {
        json_array_remove(actions, n - 1);
    }
    json_array_append_new(actions, act(op, arg));
}

/* Drops an encapsulation pushed and taken off again within 'actions'
 * (a tag for a hop whose SF reads none): push_mpls .. pop_mpls,
 * encap_nsh .. decap, decap. */
static void
simplify(json_t *actions)
{
    static const char *const nsh_fields[] = {
        "set_nsh_spi", "set_nsh_si", "encap_eth", "set_eth_src",
        "set_eth_dst", "dec_nsh_ttl", NULL};

    size_t i = 0;

    while (i < json_array_size(actions)) {
        const char *op = op_of(json_array_get(actions, i));
        bool mpls = !strcmp(op, "push_mpls"), nsh = !strcmp(op, "encap_nsh");
        size_t j = i + 1, n = json_array_size(actions), drop = 0;

        for (; (mpls || nsh) && j < n; j++) {
            const char *o = op_of(json_array_get(actions, j));
            bool field = false;

            for (const char *const *f = nsh_fields; nsh && *f; f++) {
                field |= !strcmp(o, *f);
            }
            if (!(mpls ? !strcmp(o, "set_mpls") : field)) {
                break;
            }
        }
        if (mpls && j < n &&
            !strcmp(op_of(json_array_get(actions, j)), "pop_mpls")) {
            drop = j - i + 1;
        } else if (nsh && j + 1 < n &&
                   !strcmp(op_of(json_array_get(actions, j)), "decap") &&
                   !strcmp(op_of(json_array_get(actions, j + 1)), "decap")) {
            drop = j - i + 2;
        }
        if (!drop) {
            i++;
        }
        while (drop--) {
            json_array_remove(actions, i);
        }
    }
}

static json_t *
port_name(const struct slc_sfc_port *port)
{
    return json_string(port->name);
}

/* Whether hop k's SF gets the packet as classified, without the chain's
 * encapsulation: it reads none (the hop says so), or it is on the fabric
 * with "vlan" (its VF's VLAN takes the tag's place). */
static bool
plain_hop(const struct path *p, size_t k)
{
    const struct slc_sfc_hop *h = hop_at(p, k);

    return h->plain ||
           (h->sfis[0].ingress.fabric && p->c->encap == SLC_SFC_VLAN);
}

/* Takes the chain's encapsulation off a canonical packet ('last': where
 * the path ends, which also counts the NSH hop). */
static void
strip(const struct path *p, json_t *a, bool last)
{
    switch (p->c->encap) {
    case SLC_SFC_VLAN:
        emit(a, "pop_vlan", NULL);
        break;
    case SLC_SFC_MPLS:
        emit(a, "pop_mpls", json_integer(p->is_ipv6 ? 0x86dd : 0x0800));
        break;
    case SLC_SFC_NSH:
        if (last) {
            emit(a, "dec_nsh_ttl", NULL);
        }
        emit(a, "decap", NULL);
        emit(a, "decap", NULL);
        break;
    }
}

/* Sends a canonical packet (tagged for hop k) into one of its ports:
 * without the tag when the hop is plain; on the fabric in the VF's VLAN
 * (on top of the label or header, or in the tag's place). */
static void
into_port(const struct path *p, size_t k, json_t *a,
          const struct slc_sfc_port *port)
{
    if (plain_hop(p, k)) {
        strip(p, a, false);
    }
    if (port->fabric && port->vlan) {
        emit(a, "push_vlan", json_integer(port->vlan));
    }
    emit(a, "output", port_name(port));
}

/* Sends to hop k (on this switch): its one SFI's entry port, or its
 * select group. */
static void
enter(struct path *p, json_t *actions, size_t k)
{
    const struct slc_sfc_hop *h = hop_at(p, k);
    enum slc_sfc_switch sw = hop_sw(p, k);
    struct part *part = &p->parts[sw];

    if (h->n_sfis == 1) {
        into_port(p, k, actions, entry_port(p, &h->sfis[0]));
        return;
    }
    if (!p->group_of[k]) {
        json_t *group = json_pack("{si}", "id",
                                  (int)json_array_size(part->groups) + 1);
        json_t *list = json_array();
        bool buckets = false;

        for (size_t i = 0; i < h->n_sfis; i++) {
            const struct slc_sfc_port *in = entry_port(p, &h->sfis[i]);
            json_t *bucket = json_array();

            into_port(p, k, bucket, in);
            simplify(bucket);
            if (json_array_size(bucket) > 1) {
                json_array_append_new(list, bucket);
                buckets = true;
            } else {
                json_decref(bucket);
                json_array_append_new(list, port_name(in));
            }
        }
        if (buckets) {
            /* every bucket its actions (a port alone: output) */
            for (size_t i = 0; i < json_array_size(list); i++) {
                json_t *v = json_array_get(list, i);

                if (json_is_string(v)) {
                    json_array_set_new(list, i,
                                       json_pack("[{sO}]", "output", v));
                }
            }
        }
        json_object_set_new(group, buckets ? "buckets" : "ports", list);
        p->group_of[k] = (int)json_array_size(part->groups) + 1;
        json_array_append_new(part->groups, group);
    }
    emit(actions, "group", json_integer(p->group_of[k]));
}

static void
add_rule(struct path *p, enum slc_sfc_switch sw, int priority,
         const char *from, const char *to, bool trunk_leg, json_t *match,
         json_t *actions)
{
    json_t *r;

    simplify(actions);
    r = json_pack("{si ss ss ss so so}", "priority",
                          priority + p->parts[sw].prio, "path",
                          p->reverse ? "reverse" : "forward", "from", from,
                          "to", to, "match", match, "actions", actions);

    if (trunk_leg) {
        json_object_set_new(r, "leg", json_string("trunk"));
    }
    json_array_append_new(p->parts[sw].rules, r);
}

/* The tag of hop k in this direction. */
static unsigned
tag_of(const struct path *p, size_t k)
{
    return p->tag0 + (unsigned)k;
}

/* Strips the chain's encapsulation and hands the packet over where this
 * direction ends (on this switch). */
static void
deliver(struct path *p, json_t *a)
{
    const struct slc_sfc_port *to, *as_from;

    delivery(p, &to, &as_from);
    strip(p, a, true);
    if (to && to->fabric && to->vlan) {
        emit(a, "push_vlan", json_integer(to->vlan));
    }
    if (to) {
        emit(a, "output", port_name(to));
    } else {
        emit(a, "set_in_port", port_name(as_from));
        emit(a, "output", json_string("NORMAL"));
    }
}

/* The match of a packet on the trunk going to hop k (k == n: done). */
static json_t *
trunk_match(const struct path *p, enum slc_sfc_switch sw, size_t k)
{
    size_t n = p->c->n_hops;
    json_t *m = json_pack("{ss si}", "in_port", p->c->trunk[sw], "vlan", 0);

    if (p->c->encap == SLC_SFC_NSH) {
        json_object_set_new(m, "eth_type", json_integer(0x894f));
        json_object_set_new(m, "nsh_spi", json_integer(p->spi));
        json_object_set_new(m, "nsh_si", json_integer(255 - (int)k));
    } else {
        json_object_set_new(m, "eth_type", json_integer(0x8847));
        json_object_set_new(m, "mpls_label",
                            json_integer(tag_of(p, k < n ? k : n - 1)));
    }
    return m;
}

/* The switch of hop k, or (k == n) of where this direction ends. */
static enum slc_sfc_switch
target_sw(const struct path *p, size_t k)
{
    const struct slc_sfc_port *to, *as_from;

    return k < p->c->n_hops ? hop_sw(p, k) : delivery(p, &to, &as_from);
}

static const char *
target_id(const struct path *p, size_t k)
{
    return k < p->c->n_hops ? hop_at(p, k)->id : "destination";
}

/* Moves a canonical packet on switch 'sw' (tagged for hop k; for k == n,
 * done with the last hop, still tagged for it) to hop k, or to where
 * this direction ends: into it on this switch, else onto the trunk, the
 * other switch taking it from there. */
static void
advance(struct path *p, enum slc_sfc_switch sw, size_t k, json_t *a)
{
    size_t n = p->c->n_hops;
    enum slc_sfc_switch there = target_sw(p, k);
    enum slc_sfc_switch other = sw == SLC_SFC_VIM ? SLC_SFC_FABRIC
                                                  : SLC_SFC_VIM;
    json_t *b;

    if (there == sw) {
        if (k < n) {
            enter(p, a, k);
        } else {
            deliver(p, a);
        }
        return;
    }
    if (p->c->encap == SLC_SFC_VLAN) {
        emit(a, "pop_vlan", NULL);
        emit(a, "push_mpls", json_integer(tag_of(p, k < n ? k : n - 1)));
    } else if (p->c->encap == SLC_SFC_NSH && k == n) {
        emit(a, "set_nsh_si", json_integer(255 - (int)n));
    }
    emit(a, "output", json_string(p->c->trunk[sw]));
    if (p->crossed[k]) {
        return;
    }
    p->crossed[k] = true;
    b = json_array();
    if (p->c->encap == SLC_SFC_VLAN) {
        emit(b, "pop_mpls", json_integer(p->is_ipv6 ? 0x86dd : 0x0800));
        emit(b, "push_vlan", json_integer(tag_of(p, k < n ? k : n - 1)));
    }
    if (k < n) {
        enter(p, b, k);
    } else {
        deliver(p, b);
    }
    add_rule(p, other, PRIO_HOP, "trunk", target_id(p, k), false,
             trunk_match(p, other, k), b);
}

static int
prefix(const char *chain, const char *what, const char *text, int *family,
       struct slc_error *err)
{
    struct slc_ip_prefix pfx;
    struct slc_error e = {0};

    if (slc_ip_prefix_parse(text, &pfx, &e)) {
        return slc_error_set(err, SLC_EINVALID, "chain '%s': %s: %s", chain,
                             what, e.msg);
    }
    if (*family && *family != pfx.family) {
        return slc_error_set(err, SLC_EINVALID,
                             "chain '%s': %s '%s' mixes IPv4 and IPv6", chain,
                             what, text);
    }
    *family = pfx.family;
    return 0;
}

/* The 5-tuple of 'm' in this direction (NULL m: all IP) into 'j'. */
static int
tuple_match(const struct path *p, const struct slc_sfc_match *m, json_t *j,
            struct slc_error *err)
{
    const char *id = p->c->id;
    const char *src = m ? (p->reverse ? m->dst : m->src) : NULL;
    const char *dst = m ? (p->reverse ? m->src : m->dst) : NULL;
    unsigned sport = m ? (p->reverse ? m->dst_port : m->src_port) : 0;
    unsigned dport = m ? (p->reverse ? m->src_port : m->dst_port) : 0;
    int family = 0;

    if ((src && prefix(id, "source address", src, &family, err)) ||
        (dst && prefix(id, "destination address", dst, &family, err))) {
        return -1;
    }
    if (m && m->ip_proto > 255) {
        return slc_error_set(err, SLC_EINVALID,
                             "chain '%s': ip-proto %u is not an IP protocol "
                             "number",
                             id, m->ip_proto);
    }
    if ((sport || dport) && !(m && slc_ip_proto_has_ports(m->ip_proto))) {
        return slc_error_set(err, SLC_EINVALID,
                             "chain '%s': match '%s' has ports but ip-proto "
                             "%u (ports need 6 tcp, 17 udp or 132 sctp)",
                             id, m->id ? m->id : "?", m->ip_proto);
    }
    json_object_set_new(j, "eth_type",
                        json_integer(family == AF_INET6 ? 0x86dd : 0x0800));
    if (m && m->ip_proto) {
        json_object_set_new(j, "ip_proto", json_integer(m->ip_proto));
    }
    if (src) {
        json_object_set_new(j, "nw_src", json_string(src));
    }
    if (dst) {
        json_object_set_new(j, "nw_dst", json_string(dst));
    }
    if (sport) {
        json_object_set_new(j, "tp_src", json_integer(sport));
    }
    if (dport) {
        json_object_set_new(j, "tp_dst", json_integer(dport));
    }
    return 0;
}

/* A port as a match: its name, and on the fabric its VLAN (or none). */
static json_t *
at_port(const struct slc_sfc_port *port)
{
    json_t *j = json_pack("{ss}", "in_port", port->name);

    if (port->fabric) {
        json_object_set_new(j, "vlan", json_integer(port->vlan));
    }
    return j;
}

/* A packet from 'port' (an untagged one, as its VLAN came off on the
 * fabric) gets tag 'k' of the chain's encapsulation. */
static void
put_tag(const struct path *p, json_t *a, const struct slc_sfc_port *port,
        size_t k)
{
    bool tagged = port->fabric && port->vlan;

    switch (p->c->encap) {
    case SLC_SFC_VLAN:
        emit(a, tagged ? "set_vlan" : "push_vlan",
             json_integer(tag_of(p, k)));
        break;
    case SLC_SFC_MPLS:
        if (tagged) {
            emit(a, "pop_vlan", NULL);
        }
        emit(a, "push_mpls", json_integer(tag_of(p, k)));
        break;
    case SLC_SFC_NSH:
        if (tagged) {
            emit(a, "pop_vlan", NULL);
        }
        emit(a, "encap_nsh", NULL);
        emit(a, "set_nsh_spi", json_integer(p->spi));
        emit(a, "set_nsh_si", json_integer(255 - (int)k));
        emit(a, "encap_eth", NULL);
        emit(a, "set_eth_src", json_string(SFF_MAC_SRC));
        emit(a, "set_eth_dst", json_string(SFF_MAC_DST));
        break;
    }
}

/* The classifier's rules at one source port. */
static int
classifier_rules(struct path *p, const struct slc_sfc_port *src,
                 struct slc_error *err)
{
    const struct slc_sfc_chain *c = p->c;
    size_t n = c->n_matches ? c->n_matches : 1;

    for (size_t i = 0; i < n; i++) {
        const struct slc_sfc_match *m = c->n_matches ? &c->matches[i] : NULL;
        json_t *match = at_port(src), *a = json_array();
        enum slc_sfc_switch sw = sw_of(src);

        if (tuple_match(p, m, match, err)) {
            json_decref(match);
            json_decref(a);
            return -1;
        }
        p->is_ipv6 = json_integer_value(json_object_get(match, "eth_type")) ==
                     0x86dd;
        put_tag(p, a, src, 0);
        advance(p, sw, 0, a);
        add_rule(p, sw, PRIO_CLASSIFIER, "classifier", hop_at(p, 0)->id,
                 hop_sw(p, 0) != sw, match, a);
    }
    return 0;
}

/* What arrives back from SFI 's' of hop k goes on (or is delivered):
 * 'm' is the return's match, 'a' what was done to it so far, the packet
 * then tagged for hop k as the switch sent it ('si' for NSH: as sent or
 * decremented). */
static void
go_on(struct path *p, size_t k, json_t *m, json_t *a, unsigned si)
{
    const struct slc_sfc_chain *c = p->c;
    size_t n = c->n_hops;
    bool last = k + 1 == n;
    enum slc_sfc_switch sw = hop_sw(p, k);

    if (!last) {
        switch (c->encap) {
        case SLC_SFC_VLAN:
            emit(a, "set_vlan", json_integer(tag_of(p, k + 1)));
            break;
        case SLC_SFC_MPLS:
            emit(a, "set_mpls", json_integer(tag_of(p, k + 1)));
            break;
        case SLC_SFC_NSH:
            if (si == 255 - (unsigned)k) {
                emit(a, "set_nsh_si", json_integer(si - 1));
            }
            break;
        }
    }
    advance(p, sw, last ? n : k + 1, a);
    add_rule(p, sw, PRIO_HOP, hop_at(p, k)->id, target_id(p, k + 1),
             target_sw(p, k + 1) != sw, m, a);
}

static int
hop_rules(struct path *p, size_t k, const struct slc_sfc_sfi *s,
          struct slc_error *err)
{
    const struct slc_sfc_chain *c = p->c;
    const struct slc_sfc_port *out = exit_port(p, s);
    unsigned tag = tag_of(p, k);

    if (plain_hop(p, k)) {
        /* the SF saw no tag: what comes back is known by the port (the
         * VF) it comes from and the chain's 5-tuple, and tagged again */
        size_t n = c->n_matches ? c->n_matches : 1;

        for (size_t i = 0; i < n; i++) {
            json_t *m = at_port(out), *a = json_array();

            if (tuple_match(p, c->n_matches ? &c->matches[i] : NULL, m,
                            err)) {
                json_decref(m);
                json_decref(a);
                return -1;
            }
            put_tag(p, a, out, k);
            go_on(p, k, m, a, 255 - (unsigned)k);
        }
        return 0;
    }
    if (c->encap == SLC_SFC_NSH) {
        unsigned si = 255 - (unsigned)k;

        /* as sent (the SF left the index alone) and decremented */
        for (unsigned dec = 0; dec < 2; dec++) {
            json_t *m = at_port(out), *a = json_array();

            json_object_set_new(m, "eth_type", json_integer(0x894f));
            json_object_set_new(m, "nsh_spi", json_integer(p->spi));
            json_object_set_new(m, "nsh_si", json_integer(si - dec));
            if (out->fabric && out->vlan) {
                emit(a, "pop_vlan", NULL);
            }
            go_on(p, k, m, a, si - dec);
        }
        return 0;
    }
    {
        json_t *m = at_port(out), *a = json_array();

        if (c->encap == SLC_SFC_VLAN) {
            json_object_set_new(m, "vlan", json_integer(tag));
        } else {
            json_object_set_new(m, "eth_type", json_integer(0x8847));
            json_object_set_new(m, "mpls_label", json_integer(tag));
            if (out->fabric && out->vlan) {
                emit(a, "pop_vlan", NULL);
            }
        }
        go_on(p, k, m, a, 0);
    }
    return 0;
}

static int
render_path(struct path *p, struct slc_error *err)
{
    const struct slc_sfc_chain *c = p->c;

    if (p->reverse) {
        if (classifier_rules(p, &c->destination, err)) {
            return -1;
        }
    } else {
        for (size_t s = 0; s < c->n_sources; s++) {
            if (classifier_rules(p, &c->sources[s], err)) {
                return -1;
            }
        }
    }
    for (size_t k = 0; k < c->n_hops; k++) {
        const struct slc_sfc_hop *h = hop_at(p, k);

        for (size_t i = 0; i < h->n_sfis; i++) {
            if (hop_rules(p, k, &h->sfis[i], err)) {
                return -1;
            }
        }
    }
    return 0;
}

static bool
on_fabric(const struct slc_sfc_chain *c, bool *vim)
{
    bool fabric = c->destination.name && c->destination.fabric;

    *vim = c->destination.name && !c->destination.fabric;
    for (size_t s = 0; s < c->n_sources; s++) {
        fabric |= c->sources[s].fabric;
        *vim |= !c->sources[s].fabric;
    }
    for (size_t k = 0; k < c->n_hops; k++) {
        for (size_t i = 0; i < c->hops[k].n_sfis; i++) {
            fabric |= c->hops[k].sfis[i].ingress.fabric;
            *vim |= !c->hops[k].sfis[i].ingress.fabric;
        }
    }
    return fabric;
}

static int
check_hops(const struct slc_sfc_chain *c, struct slc_error *err)
{
    for (size_t k = 0; k < c->n_hops; k++) {
        const struct slc_sfc_hop *h = &c->hops[k];

        if (!h->n_sfis) {
            return slc_error_set(err, SLC_EINVALID,
                                 "chain '%s': hop '%s' has no service "
                                 "function instance",
                                 c->id, h->id);
        }
        for (size_t i = 0; i < h->n_sfis; i++) {
            const struct slc_sfc_sfi *s = &h->sfis[i];

            if (!s->ingress.name || !s->egress.name) {
                return slc_error_set(err, SLC_EINVALID,
                                     "chain '%s': hop '%s' has an instance "
                                     "without a switch port",
                                     c->id, h->id);
            }
            if (s->ingress.fabric != h->sfis[0].ingress.fabric ||
                s->egress.fabric != s->ingress.fabric) {
                return slc_error_set(
                    err, SLC_EINVALID,
                    "chain '%s': hop '%s' has connection points on the "
                    "fabric (SR-IOV, passthrough) and on the VIM's switch "
                    "(virtio): a hop's ingress and egress, in every "
                    "instance, must be of one kind",
                    c->id, h->id);
            }
        }
    }
    return 0;
}

static int
check_chain(const struct slc_sfc_chain *c, struct slc_error *err)
{
    unsigned tags = slc_sfc_tags_needed(c->n_hops, c->symmetric);
    unsigned max = c->encap == SLC_SFC_VLAN ? MAX_VLAN : MAX_LABEL;
    bool vim, fabric = on_fabric(c, &vim);

    if (!c->n_hops) {
        return slc_error_set(err, SLC_EINVALID, "chain '%s' has no hop",
                             c->id);
    }
    if (!c->n_sources) {
        return slc_error_set(err, SLC_EINVALID,
                             "chain '%s' has no source port", c->id);
    }
    for (size_t s = 0; s < c->n_sources; s++) {
        if (!c->sources[s].name) {
            return slc_error_set(err, SLC_EINVALID,
                                 "chain '%s' has a source without a switch "
                                 "port",
                                 c->id);
        }
    }
    if (check_hops(c, err)) {
        return err->code;
    }
    if (c->encap != SLC_SFC_NSH &&
        (c->tag_base < 1 || c->tag_base + tags - 1 > max)) {
        return slc_error_set(err, SLC_EINVALID,
                             "chain '%s': tags %u..%u out of range 1..%u",
                             c->id, c->tag_base, c->tag_base + tags - 1, max);
    }
    if (c->encap == SLC_SFC_NSH &&
        (c->path_id < 1 || c->path_id + c->symmetric > 0xffffff)) {
        return slc_error_set(err, SLC_EINVALID,
                             "chain '%s': path id %u out of range 1..%u",
                             c->id, c->path_id, 0xffffff);
    }
    if (c->symmetric && !c->destination.name) {
        return slc_error_set(err, SLC_EINVALID,
                             "chain '%s' is symmetric but has no destination "
                             "connection point (the classifier's destination "
                             "address names none)",
                             c->id);
    }
    if (fabric && vim && (!c->trunk[0] || !c->trunk[1])) {
        return slc_error_set(err, SLC_EINVALID,
                             "chain '%s' spans the VIM's switch and the "
                             "fabric, and no trunk joins them",
                             c->id);
    }
    if (c->n_sources > 1 && !c->destination.name) {
        return slc_error_set(err, SLC_EINVALID,
                             "chain '%s': its source has %zu instances and "
                             "its classifier names no destination "
                             "connection point: give its matches the "
                             "destination address of one",
                             c->id, c->n_sources);
    }
    if ((!c->destination.name && c->sources[0].fabric) ||
        (c->symmetric && c->n_sources > 1 && c->destination.fabric)) {
        return slc_error_set(err, SLC_EINVALID,
                             "chain '%s': delivery back onto the link (no "
                             "single port to deliver to) needs the VIM's "
                             "switch, and that end is on the fabric",
                             c->id);
    }
    return 0;
}

/* Two rules of one switch with the same priority and match: the switch
 * would keep one, and a path would lose its packets to the other. */
static int
check_overlaps(const struct slc_sfc_chain *c, const json_t *rules,
               struct slc_error *err)
{
    const json_t *a, *b;
    size_t i, k;

    json_array_foreach(rules, i, a)
    {
        for (k = i + 1; k < json_array_size(rules); k++) {
            b = json_array_get(rules, k);
            if (json_equal(json_object_get(a, "priority"),
                           json_object_get(b, "priority")) &&
                json_equal(json_object_get(a, "match"),
                           json_object_get(b, "match")) &&
                !json_equal(json_object_get(a, "actions"),
                            json_object_get(b, "actions"))) {
                return slc_error_set(
                    err, SLC_EINVALID,
                    "chain '%s': what returns from '%s' (%s) and from '%s' "
                    "(%s) looks alike: an SF that gets no tag (on the "
                    "fabric with \"vlan\", or reading none of the chain's "
                    "encapsulation) returns packets told apart only by the "
                    "classifier's addresses and ports; give the matches "
                    "addresses, or an encapsulation the SF reads",
                    c->id, json_string_value(json_object_get(a, "from")),
                    json_string_value(json_object_get(a, "path")),
                    json_string_value(json_object_get(b, "from")),
                    json_string_value(json_object_get(b, "path")));
            }
        }
    }
    return 0;
}

json_t *
slc_sfc_render(const struct slc_sfc_chain *c, struct slc_error *err)
{
    struct part parts[2] = {{json_array(), json_array(), 0},
                            {json_array(), json_array(), 40000}};
    size_t n = c->n_hops;
    int *groups = NULL;
    bool *crossed = NULL;
    json_t *out = NULL;
    bool vim;
    int rc = check_chain(c, err) ? -1 : 0;

    if (!rc) {
        groups = calloc(2 * n, sizeof *groups);
        crossed = calloc(2 * (n + 1), sizeof *crossed);
        out = json_object();
        if (!groups || !crossed || !out || !parts[0].rules ||
            !parts[1].rules || !parts[0].groups || !parts[1].groups) {
            rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
        }
    }
    if (!rc) {
        struct path fwd = {c, parts, false, c->path_id, c->tag_base, groups,
                           crossed, 0};
        struct path rev = {c, parts, true, c->path_id + 1,
                           c->tag_base + (unsigned)n, groups + n,
                           crossed + n + 1, 0};

        rc = render_path(&fwd, err);
        if (!rc && c->symmetric) {
            rc = render_path(&rev, err);
        }
    }
    for (int s = 0; !rc && s < 2; s++) {
        rc = check_overlaps(c, parts[s].rules, err);
    }
    if (!rc) {
        bool fabric = on_fabric(c, &vim);

        for (int s = 0; s < 2; s++) {
            if (s ? fabric : vim || !fabric) {
                json_object_set_new(out, s ? "fabric" : "vim",
                                    json_pack("{sOsO}", "rules",
                                              parts[s].rules, "groups",
                                              parts[s].groups));
            }
        }
    }
    for (int s = 0; s < 2; s++) {
        json_decref(parts[s].rules);
        json_decref(parts[s].groups);
    }
    free(groups);
    free(crossed);
    if (rc) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/* ---- text ---- */

struct text {
    char *buf;
    size_t len, cap;
};

static void
tprintf(struct text *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
tprintf(struct text *t, const char *fmt, ...)
{
    va_list ap;
    int n;

    for (;;) {
        size_t room = t->cap - t->len;

        va_start(ap, fmt);
        n = vsnprintf(t->buf ? t->buf + t->len : NULL, t->buf ? room : 0, fmt,
                      ap);
        va_end(ap);
        if (n < 0) {
            return;
        }
        if ((size_t)n < room && t->buf) {
            t->len += (size_t)n;
            return;
        }
        {
            size_t cap = (t->cap + (size_t)n + 64) * 2;
            char *p = realloc(t->buf, cap);

            if (!p) {
                return;
            }
            t->buf = p;
            t->cap = cap;
        }
    }
}

static json_int_t
ival(const json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static const char *
sval(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static void
match_text(struct text *t, const json_t *m)
{
    json_int_t et = ival(m, "eth_type"), proto = ival(m, "ip_proto");
    static const struct {
        json_int_t et, proto;
        const char *name;
    } shorthands[] = {
        {0x0800, 6, "tcp"},  {0x0800, 17, "udp"},   {0x0800, 1, "icmp"},
        {0x0800, 132, "sctp"}, {0x86dd, 6, "tcp6"}, {0x86dd, 17, "udp6"},
        {0x86dd, 58, "icmp6"}, {0x86dd, 132, "sctp6"}, {0x0800, 0, "ip"},
        {0x86dd, 0, "ipv6"}, {0x8847, 0, "mpls"},
    };
    bool proto_done = false;
    bool v6 = et == 0x86dd;

    if (sval(m, "in_port")) {
        tprintf(t, ",in_port=%s", sval(m, "in_port"));
    }
    if (json_object_get(m, "vlan") && ival(m, "vlan")) {
        tprintf(t, ",dl_vlan=%lld", (long long)ival(m, "vlan"));
    } else if (json_object_get(m, "vlan")) {
        tprintf(t, ",vlan_tci=0x0000/0x1fff");
    }
    if (et) {
        const char *name = NULL;

        for (size_t i = 0; i < sizeof shorthands / sizeof shorthands[0]; i++) {
            if (shorthands[i].et == et && shorthands[i].proto == proto) {
                name = shorthands[i].name;
                proto_done = true;
                break;
            }
        }
        if (!name) {
            for (size_t i = 0; i < sizeof shorthands / sizeof shorthands[0];
                 i++) {
                if (shorthands[i].et == et && !shorthands[i].proto) {
                    name = shorthands[i].name;
                    break;
                }
            }
        }
        if (name) {
            tprintf(t, ",%s", name);
        } else {
            tprintf(t, ",dl_type=0x%04llx", (long long)et);
        }
    }
    if (proto && !proto_done) {
        tprintf(t, ",nw_proto=%lld", (long long)proto);
    }
    if (json_object_get(m, "mpls_label")) {
        tprintf(t, ",mpls_label=%lld", (long long)ival(m, "mpls_label"));
    }
    if (json_object_get(m, "nsh_spi")) {
        tprintf(t, ",nsh_spi=0x%llx", (long long)ival(m, "nsh_spi"));
    }
    if (json_object_get(m, "nsh_si")) {
        tprintf(t, ",nsh_si=%lld", (long long)ival(m, "nsh_si"));
    }
    if (sval(m, "nw_src")) {
        tprintf(t, ",%s=%s", v6 ? "ipv6_src" : "nw_src", sval(m, "nw_src"));
    }
    if (sval(m, "nw_dst")) {
        tprintf(t, ",%s=%s", v6 ? "ipv6_dst" : "nw_dst", sval(m, "nw_dst"));
    }
    if (ival(m, "tp_src")) {
        tprintf(t, ",tp_src=%lld", (long long)ival(m, "tp_src"));
    }
    if (ival(m, "tp_dst")) {
        tprintf(t, ",tp_dst=%lld", (long long)ival(m, "tp_dst"));
    }
}

static void
action_text(struct text *t, const char *op, const json_t *v)
{
    long long n = (long long)json_integer_value(v);
    const char *s = json_string_value(v);

    if (!strcmp(op, "push_vlan")) {
        tprintf(t, "push_vlan:0x8100,set_field:%lld->vlan_vid", n | 0x1000);
    } else if (!strcmp(op, "set_vlan")) {
        tprintf(t, "set_field:%lld->vlan_vid", n | 0x1000);
    } else if (!strcmp(op, "push_mpls")) {
        tprintf(t, "push_mpls:0x8847,set_field:%lld->mpls_label", n);
    } else if (!strcmp(op, "set_mpls")) {
        tprintf(t, "set_field:%lld->mpls_label", n);
    } else if (!strcmp(op, "pop_mpls")) {
        tprintf(t, "pop_mpls:0x%04llx", n);
    } else if (!strcmp(op, "encap_nsh")) {
        tprintf(t, "encap(nsh(md_type=1))");
    } else if (!strcmp(op, "encap_eth")) {
        tprintf(t, "encap(ethernet)");
    } else if (!strcmp(op, "decap")) {
        tprintf(t, "decap()");
    } else if (!strcmp(op, "set_nsh_spi")) {
        tprintf(t, "set_field:0x%llx->nsh_spi", n);
    } else if (!strcmp(op, "set_nsh_si")) {
        tprintf(t, "set_field:%lld->nsh_si", n);
    } else if (!strcmp(op, "set_eth_src") || !strcmp(op, "set_eth_dst")) {
        tprintf(t, "set_field:%s->%s", s ? s : "?", op + 4);
    } else if (!strcmp(op, "set_in_port")) {
        tprintf(t, "set_field:%s->in_port", s ? s : "?");
    } else if (!strcmp(op, "output")) {
        tprintf(t, s && !strcmp(s, "NORMAL") ? "NORMAL" : "output:%s",
                s ? s : "?");
    } else if (!strcmp(op, "group")) {
        tprintf(t, "group:%lld", n);
    } else {
        tprintf(t, "%s", op); /* pop_vlan, dec_nsh_ttl */
    }
}

char *
slc_sfc_rule_text(const json_t *rule)
{
    struct text t = {0};
    const json_t *a;
    size_t i;

    tprintf(&t, "priority=%lld", (long long)ival(rule, "priority"));
    match_text(&t, json_object_get(rule, "match"));
    tprintf(&t, " actions=");
    if (!json_array_size(json_object_get(rule, "actions"))) {
        tprintf(&t, "drop");
    }
    json_array_foreach(json_object_get(rule, "actions"), i, a)
    {
        const char *op = json_object_iter_key(json_object_iter((json_t *)a));

        if (i) {
            tprintf(&t, ",");
        }
        action_text(&t, op ? op : "?",
                    op ? json_object_get(a, op) : NULL);
    }
    return t.buf;
}

/* ---- chains as JSON ---- */

/* 'v' into 'out': a name (the VIM's switch), a fabric port object, or
 * what 'port' makes of it; false when nothing names a port. */
static bool
json_port(slc_sfc_port_fn port, void *arg, const json_t *v,
          struct slc_sfc_port *out)
{
    *out = (struct slc_sfc_port){0};
    if (!v || json_is_null(v)) {
        return false;
    }
    if (json_is_string(v)) {
        out->name = json_string_value(v);
        return true;
    }
    if (json_is_true(json_object_get(v, "fabric")) && sval(v, "name")) {
        out->name = sval(v, "name");
        out->vlan = (unsigned)ival(v, "vlan");
        out->fabric = true;
        return true;
    }
    return port(arg, v, out) && out->name;
}

/* Hop 'v' into 'h', its instances into 'sfis' (room for all); returns
 * how many. */
static size_t
hop_json(const json_t *v, slc_sfc_port_fn port, void *arg,
         struct slc_sfc_hop *h, struct slc_sfc_sfi *sfis)
{
    const json_t *sfi;
    size_t k;

    *h = (struct slc_sfc_hop){.id = sval(v, "id") ?: "?",
                              .sfis = sfis,
                              .plain = json_is_true(json_object_get(v,
                                                                    "plain"))};
    json_array_foreach(json_object_get(v, "sfis"), k, sfi)
    {
        json_port(port, arg, json_object_get(sfi, "ingress"),
                  &sfis[k].ingress);
        json_port(port, arg, json_object_get(sfi, "egress"), &sfis[k].egress);
        h->n_sfis++;
    }
    return h->n_sfis;
}

json_t *
slc_sfc_render_json(const json_t *chain, slc_sfc_port_fn port, void *arg,
                    struct slc_error *err)
{
    const json_t *matches = json_object_get(chain, "matches");
    const json_t *hops = json_object_get(chain, "hops");
    const json_t *srcs = json_object_get(chain, "sources");
    const json_t *trunk = json_object_get(chain, "trunk");
    size_t n_matches = json_array_size(matches), n_hops = json_array_size(hops);
    size_t n_srcs = srcs ? json_array_size(srcs) : 1;
    size_t n_sfis = 0, used = 0;
    const char *id = sval(chain, "id") ?: "?";
    int encap = slc_sfc_encap_parse(sval(chain, "encapsulation") ?: "vlan");
    struct slc_sfc_match *m = calloc(n_matches + 1, sizeof *m);
    struct slc_sfc_hop *h = calloc(n_hops + 1, sizeof *h);
    struct slc_sfc_port *src = calloc(n_srcs + 1, sizeof *src);
    struct slc_sfc_sfi *sfis;
    const json_t *v;
    json_t *prog = NULL;
    size_t i;

    json_array_foreach(hops, i, v)
    {
        n_sfis += json_array_size(json_object_get(v, "sfis"));
    }
    sfis = calloc(n_sfis + 1, sizeof *sfis);
    if (!m || !h || !sfis || !src) {
        slc_error_set(err, SLC_ENOMEM, "out of memory");
        goto out;
    }
    if (encap < 0) {
        slc_error_set(err, SLC_EINVALID,
                      "chain '%s': encapsulation '%s' is not vlan, mpls or "
                      "nsh",
                      id, sval(chain, "encapsulation"));
        goto out;
    }
    json_array_foreach(matches, i, v)
    {
        m[i] = (struct slc_sfc_match){
            .id = sval(v, "id"),
            .ip_proto = (unsigned)ival(v, "ip_proto"),
            .src = sval(v, "src"),
            .dst = sval(v, "dst"),
            .src_port = (unsigned)ival(v, "src_port"),
            .dst_port = (unsigned)ival(v, "dst_port"),
        };
    }
    json_array_foreach(hops, i, v)
    {
        used += hop_json(v, port, arg, &h[i], sfis + used);
    }
    for (i = 0; i < n_srcs; i++) {
        if (!json_port(port, arg,
                       srcs ? json_array_get(srcs, i)
                            : json_object_get(chain, "source"),
                       &src[i])) {
            slc_error_set(err, SLC_EINVALID,
                          "chain '%s': its source has no switch port", id);
            goto out;
        }
    }
    {
        const json_t *dest = json_object_get(chain, "destination");
        struct slc_sfc_chain c = {
            .id = id,
            .encap = (enum slc_sfc_encap)encap,
            .symmetric = json_is_true(json_object_get(chain, "symmetric")),
            .path_id = (uint32_t)ival(chain, "path_id"),
            .tag_base = (uint32_t)ival(chain, "tag_base"),
            .sources = src,
            .n_sources = n_srcs,
            .trunk = {sval(trunk, "vim"), sval(trunk, "fabric")},
            .matches = m,
            .n_matches = n_matches,
            .hops = h,
            .n_hops = n_hops,
        };

        if (dest && !json_is_null(dest) &&
            !json_port(port, arg, dest, &c.destination)) {
            slc_error_set(err, SLC_EINVALID,
                          "chain '%s': its destination has no switch port",
                          id);
        } else {
            prog = slc_sfc_render(&c, err);
        }
    }
out:
    free(m);
    free(h);
    free(sfis);
    free(src);
    return prog;
}

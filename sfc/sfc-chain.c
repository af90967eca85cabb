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

/* What rendering one direction needs. */
struct path {
    const struct slc_sfc_chain *c;
    json_t *rules, *groups;
    bool reverse;
    uint32_t spi;
    unsigned tag0;
    int *group_of;            /* per hop: its select group, or 0 */
};

static const struct slc_sfc_hop *
hop_at(const struct path *p, size_t k)
{
    return &p->c->hops[p->reverse ? p->c->n_hops - 1 - k : k];
}

/* An SFI's entry and exit ports in this direction. */
static const char *
entry_port(const struct path *p, const struct slc_sfc_sfi *s)
{
    return p->reverse ? s->egress : s->ingress;
}

static const char *
exit_port(const struct path *p, const struct slc_sfc_sfi *s)
{
    return p->reverse ? s->ingress : s->egress;
}

static json_t *
act(const char *op, json_t *arg)
{
    return json_pack("{so}", op, arg ? arg : json_null());
}

/* Sends to hop k: its one SFI's entry port, or its select group. */
static void
enter(struct path *p, json_t *actions, size_t k)
{
    const struct slc_sfc_hop *h = hop_at(p, k);

    if (h->n_sfis == 1) {
        json_array_append_new(actions, act("output",
                                           json_string(entry_port(p, &h->sfis[0]))));
        return;
    }
    if (!p->group_of[k]) {
        json_t *ports = json_array();

        for (size_t i = 0; i < h->n_sfis; i++) {
            json_array_append_new(ports, json_string(entry_port(p, &h->sfis[i])));
        }
        p->group_of[k] = (int)json_array_size(p->groups) + 1;
        json_array_append_new(p->groups, json_pack("{si so}", "id",
                                                   p->group_of[k], "ports",
                                                   ports));
    }
    json_array_append_new(actions, act("group", json_integer(p->group_of[k])));
}

static void
deliver(struct path *p, json_t *actions)
{
    const char *to = p->reverse ? p->c->source : p->c->destination;

    if (to) {
        json_array_append_new(actions, act("output", json_string(to)));
    } else {
        json_array_append_new(actions, act("set_in_port",
                                           json_string(p->c->source)));
        json_array_append_new(actions, act("output", json_string("NORMAL")));
    }
}

static void
add_rule(struct path *p, int priority, const char *from, const char *to,
         json_t *match, json_t *actions)
{
    json_array_append_new(p->rules,
                          json_pack("{si ss ss ss so so}", "priority", priority,
                                    "path", p->reverse ? "reverse" : "forward",
                                    "from", from, "to", to, "match", match,
                                    "actions", actions));
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

/* The classifier match of 'm' in this direction (NULL m: all IP). */
static json_t *
classifier_match(const struct path *p, const struct slc_sfc_match *m,
                 struct slc_error *err)
{
    const char *id = p->c->id;
    json_t *j = json_pack("{ss}", "in_port",
                          p->reverse ? p->c->destination : p->c->source);
    const char *src = m ? (p->reverse ? m->dst : m->src) : NULL;
    const char *dst = m ? (p->reverse ? m->src : m->dst) : NULL;
    unsigned sport = m ? (p->reverse ? m->dst_port : m->src_port) : 0;
    unsigned dport = m ? (p->reverse ? m->src_port : m->dst_port) : 0;
    int family = 0;

    if ((src && prefix(id, "source address", src, &family, err)) ||
        (dst && prefix(id, "destination address", dst, &family, err))) {
        json_decref(j);
        return NULL;
    }
    if (m && m->ip_proto > 255) {
        json_decref(j);
        slc_error_set(err, SLC_EINVALID, "chain '%s': ip-proto %u is not an "
                      "IP protocol number", id, m->ip_proto);
        return NULL;
    }
    if ((sport || dport) && !(m && slc_ip_proto_has_ports(m->ip_proto))) {
        json_decref(j);
        slc_error_set(err, SLC_EINVALID,
                      "chain '%s': match '%s' has ports but ip-proto %u "
                      "(ports need 6 tcp, 17 udp or 132 sctp)",
                      id, m->id ? m->id : "?", m->ip_proto);
        return NULL;
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
    return j;
}

/* The actions that put a classified packet on hop 0. */
static json_t *
classify_actions(struct path *p)
{
    json_t *a = json_array();

    switch (p->c->encap) {
    case SLC_SFC_VLAN:
        json_array_append_new(a, act("push_vlan", json_integer(p->tag0)));
        break;
    case SLC_SFC_MPLS:
        json_array_append_new(a, act("push_mpls", json_integer(p->tag0)));
        break;
    case SLC_SFC_NSH:
        json_array_append_new(a, act("encap_nsh", NULL));
        json_array_append_new(a, act("set_nsh_spi", json_integer(p->spi)));
        json_array_append_new(a, act("set_nsh_si", json_integer(255)));
        json_array_append_new(a, act("encap_eth", NULL));
        json_array_append_new(a, act("set_eth_src", json_string(SFF_MAC_SRC)));
        json_array_append_new(a, act("set_eth_dst", json_string(SFF_MAC_DST)));
        break;
    }
    enter(p, a, 0);
    return a;
}

/* What arrives back from SFI 's' of hop k goes on (or is delivered). */
static void
hop_rules(struct path *p, size_t k, const struct slc_sfc_sfi *s,
          int is_ipv6)
{
    const struct slc_sfc_chain *c = p->c;
    bool last = k + 1 == c->n_hops;
    const char *from = hop_at(p, k)->id;
    const char *to = last ? "destination" : hop_at(p, k + 1)->id;
    unsigned tag = p->tag0 + (unsigned)k;
    json_t *m = json_pack("{ss}", "in_port", exit_port(p, s));
    json_t *a = json_array();

    if (c->encap == SLC_SFC_NSH) {
        unsigned si = 255 - (unsigned)k;

        /* as sent (the SF left the index alone) and decremented */
        for (int dec = 0; dec < 2; dec++) {
            json_t *mm = json_deep_copy(m), *aa = json_array();

            json_object_set_new(mm, "eth_type", json_integer(0x894f));
            json_object_set_new(mm, "nsh_spi", json_integer(p->spi));
            json_object_set_new(mm, "nsh_si", json_integer(si - (unsigned)dec));
            if (last) {
                json_array_append_new(aa, act("dec_nsh_ttl", NULL));
                json_array_append_new(aa, act("decap", NULL));
                json_array_append_new(aa, act("decap", NULL));
                deliver(p, aa);
            } else {
                if (!dec) {
                    json_array_append_new(aa, act("set_nsh_si",
                                                  json_integer(si - 1)));
                }
                enter(p, aa, k + 1);
            }
            add_rule(p, PRIO_HOP, from, to, mm, aa);
        }
        json_decref(m);
        json_decref(a);
        return;
    }
    if (c->encap == SLC_SFC_VLAN) {
        json_object_set_new(m, "vlan", json_integer(tag));
        json_array_append_new(a, last ? act("pop_vlan", NULL)
                                      : act("set_vlan", json_integer(tag + 1)));
    } else {
        json_object_set_new(m, "eth_type", json_integer(0x8847));
        json_object_set_new(m, "mpls_label", json_integer(tag));
        json_array_append_new(
            a, last ? act("pop_mpls", json_integer(is_ipv6 ? 0x86dd : 0x0800))
                    : act("set_mpls", json_integer(tag + 1)));
    }
    if (last) {
        deliver(p, a);
    } else {
        enter(p, a, k + 1);
    }
    add_rule(p, PRIO_HOP, from, to, m, a);
}

static int
render_path(struct path *p, struct slc_error *err)
{
    const struct slc_sfc_chain *c = p->c;
    size_t n = c->n_matches ? c->n_matches : 1;
    int is_ipv6 = 0;

    for (size_t i = 0; i < n; i++) {
        const struct slc_sfc_match *m = c->n_matches ? &c->matches[i] : NULL;
        json_t *match = classifier_match(p, m, err);

        if (!match) {
            return err->code;
        }
        is_ipv6 = json_integer_value(json_object_get(match, "eth_type")) ==
                  0x86dd;
        add_rule(p, PRIO_CLASSIFIER, "classifier", hop_at(p, 0)->id, match,
                 classify_actions(p));
    }
    for (size_t k = 0; k < c->n_hops; k++) {
        const struct slc_sfc_hop *h = hop_at(p, k);

        for (size_t i = 0; i < h->n_sfis; i++) {
            hop_rules(p, k, &h->sfis[i], is_ipv6);
        }
    }
    return 0;
}

static int
check_chain(const struct slc_sfc_chain *c, struct slc_error *err)
{
    unsigned tags = slc_sfc_tags_needed(c->n_hops, c->symmetric);
    unsigned max = c->encap == SLC_SFC_VLAN ? MAX_VLAN : MAX_LABEL;

    if (!c->n_hops) {
        return slc_error_set(err, SLC_EINVALID, "chain '%s' has no hop",
                             c->id);
    }
    if (!c->source) {
        return slc_error_set(err, SLC_EINVALID,
                             "chain '%s' has no source port", c->id);
    }
    for (size_t k = 0; k < c->n_hops; k++) {
        if (!c->hops[k].n_sfis) {
            return slc_error_set(err, SLC_EINVALID,
                                 "chain '%s': hop '%s' has no service "
                                 "function instance",
                                 c->id, c->hops[k].id);
        }
        for (size_t i = 0; i < c->hops[k].n_sfis; i++) {
            if (!c->hops[k].sfis[i].ingress || !c->hops[k].sfis[i].egress) {
                return slc_error_set(err, SLC_EINVALID,
                                     "chain '%s': hop '%s' has an instance "
                                     "without a switch port",
                                     c->id, c->hops[k].id);
            }
        }
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
    if (c->symmetric && !c->destination) {
        return slc_error_set(err, SLC_EINVALID,
                             "chain '%s' is symmetric but has no destination "
                             "connection point (the classifier's destination "
                             "address names none)",
                             c->id);
    }
    return 0;
}

json_t *
slc_sfc_render(const struct slc_sfc_chain *c, struct slc_error *err)
{
    json_t *prog;
    int *groups;
    int rc;

    if (check_chain(c, err)) {
        return NULL;
    }
    groups = calloc(2 * c->n_hops, sizeof *groups);
    prog = json_pack("{s[] s[]}", "rules", "groups");
    if (!groups || !prog) {
        free(groups);
        json_decref(prog);
        slc_error_set(err, SLC_ENOMEM, "out of memory");
        return NULL;
    }
    {
        struct path fwd = {c, json_object_get(prog, "rules"),
                           json_object_get(prog, "groups"), false,
                           c->path_id, c->tag_base, groups};
        struct path rev = {c, fwd.rules, fwd.groups, true, c->path_id + 1,
                           c->tag_base + (unsigned)c->n_hops,
                           groups + c->n_hops};

        rc = render_path(&fwd, err);
        if (!rc && c->symmetric) {
            rc = render_path(&rev, err);
        }
    }
    free(groups);
    if (rc) {
        json_decref(prog);
        return NULL;
    }
    return prog;
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
    if (json_object_get(m, "vlan")) {
        tprintf(t, ",dl_vlan=%lld", (long long)ival(m, "vlan"));
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

static const char *
json_port(slc_sfc_port_fn port, void *arg, const json_t *v)
{
    return v && !json_is_null(v) ? port(arg, v) : NULL;
}

json_t *
slc_sfc_render_json(const json_t *chain, slc_sfc_port_fn port, void *arg,
                    struct slc_error *err)
{
    const json_t *matches = json_object_get(chain, "matches");
    const json_t *hops = json_object_get(chain, "hops");
    size_t n_matches = json_array_size(matches), n_hops = json_array_size(hops);
    size_t n_sfis = 0, used = 0;
    const char *id = sval(chain, "id") ?: "?";
    int encap = slc_sfc_encap_parse(sval(chain, "encapsulation") ?: "vlan");
    struct slc_sfc_match *m = calloc(n_matches + 1, sizeof *m);
    struct slc_sfc_hop *h = calloc(n_hops + 1, sizeof *h);
    struct slc_sfc_sfi *sfis;
    const json_t *v;
    json_t *prog = NULL;
    size_t i;

    json_array_foreach(hops, i, v)
    {
        n_sfis += json_array_size(json_object_get(v, "sfis"));
    }
    sfis = calloc(n_sfis + 1, sizeof *sfis);
    if (!m || !h || !sfis) {
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
        const json_t *sfi;
        size_t k;

        h[i] = (struct slc_sfc_hop){.id = sval(v, "id") ?: "?",
                                    .sfis = sfis + used};
        json_array_foreach(json_object_get(v, "sfis"), k, sfi)
        {
            sfis[used++] = (struct slc_sfc_sfi){
                .ingress = json_port(port, arg, json_object_get(sfi,
                                                                "ingress")),
                .egress = json_port(port, arg, json_object_get(sfi,
                                                               "egress")),
            };
            h[i].n_sfis++;
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
            .source = json_port(port, arg, json_object_get(chain, "source")),
            .destination = json_port(port, arg, dest),
            .matches = m,
            .n_matches = n_matches,
            .hops = h,
            .n_hops = n_hops,
        };

        if (dest && !json_is_null(dest) && !c.destination) {
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
    return prog;
}

/* OSM's rule computation for connectivity services (of-rules.h): a table
 * of rules keyed by their match, filled pair by pair, then OSM's merge of
 * the rules of one (in_port, vlan) with equal actions, then the program.
 * Also how the openflow drivers read switch_dpid and switch_port. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "of-rules.h"

#define PRIO_MAC 1000         /* unicast to a MAC, broadcast */
#define PRIO_ANY 995          /* no MAC (OSM: 1000 - 5) */
#define BROADCAST "ff:ff:ff:ff:ff:ff"

/* Where a rule sends a packet: the VLAN it leaves with, and the port. */
struct out {
    unsigned vlan;
    const char *port;
};

struct rule {
    const struct slc_sdn_endpoint *src;   /* in_port and vlan */
    const char *eth_dst;      /* NULL: any */
    unsigned priority;
    struct out *outs;
    size_t n_outs;
    bool emitted;
    bool unmerged;            /* its (in_port, vlan) has other actions */
};

struct table {
    struct rule *rules;
    size_t n, cap;
    bool oom;
};

static const char *
point_name(const struct slc_sdn_endpoint *p, size_t i, char *buf,
           size_t size)
{
    if (p->id) {
        return p->id;
    }
    snprintf(buf, size, "#%zu", i + 1);
    return buf;
}

static bool
is_mac(const char *s)
{
    if (strlen(s) != 17) {
        return false;
    }
    for (size_t i = 0; i < 17; i++) {
        if (i % 3 == 2 ? s[i] != ':' : !isxdigit((unsigned char)s[i])) {
            return false;
        }
    }
    return true;
}

static const char *
vlan_text(unsigned vlan, char *buf, size_t size)
{
    if (!vlan) {
        return "untagged";
    }
    snprintf(buf, size, "vlan %u", vlan);
    return buf;
}

/* The service type, the number of points and each point. */
static int
check_points(const char *type, const struct slc_sdn_endpoint *pts,
             size_t n, bool same_vlan_only, struct slc_error *err)
{
    char a[32], b[32], va[16], vb[16];

    if (!type || (strcmp(type, "ELINE") && strcmp(type, "ELAN"))) {
        return slc_error_set(err, SLC_EUNSUPPORTED,
                             "service type '%s': openflow rules join ELINE "
                             "and ELAN only",
                             type ? type : "(none)");
    }
    if (!strcmp(type, "ELINE") && n != 2) {
        return slc_error_set(err, SLC_EINVALID,
                             "an ELINE joins exactly 2 points, not %zu", n);
    }
    for (size_t i = 0; i < n; i++) {
        const struct slc_sdn_endpoint *p = &pts[i];
        const char *name = point_name(p, i, a, sizeof a);

        if (!p->switch_port || !p->switch_port[0]) {
            return slc_error_set(err, SLC_EINVALID,
                                 "point %s: no switch_port", name);
        }
        if (p->vlan > 4095) {
            return slc_error_set(err, SLC_EINVALID,
                                 "point %s: vlan %u is not 1..4095", name,
                                 p->vlan);
        }
        if (p->mac && p->mac[0] && !is_mac(p->mac)) {
            return slc_error_set(err, SLC_EINVALID,
                                 "point %s: mac '%s' is not a MAC address",
                                 name, p->mac);
        }
        if (same_vlan_only && p->vlan != pts[0].vlan) {
            return slc_error_set(
                err, SLC_EINVALID,
                "points %s (%s) and %s (%s): different VLANs cannot be "
                "joined with of_controller_nets_with_same_vlan",
                point_name(&pts[0], 0, b, sizeof b),
                vlan_text(pts[0].vlan, va, sizeof va), name,
                vlan_text(p->vlan, vb, sizeof vb));
        }
    }
    return 0;
}

/* Whether traffic from 'src' goes to 'dst': not to itself, nor to a
 * point it shares its port and VLAN with (OSM). */
static bool
joined(const struct slc_sdn_endpoint *src, const struct slc_sdn_endpoint *dst)
{
    return src != dst && (strcmp(src->switch_port, dst->switch_port) ||
                          src->vlan != dst->vlan);
}

static struct out
out_to(const struct slc_sdn_endpoint *src, const struct slc_sdn_endpoint *dst)
{
    /* a switch does not send a packet back where it came from unless
     * told so: two VFs of one NIC share the port */
    return (struct out){dst->vlan, strcmp(src->switch_port, dst->switch_port)
                                       ? dst->switch_port
                                       : "IN_PORT"};
}

static bool
same_match(const struct rule *r, const struct slc_sdn_endpoint *src,
           const char *eth_dst, unsigned priority)
{
    return r->priority == priority && r->src->vlan == src->vlan &&
           !strcmp(r->src->switch_port, src->switch_port) &&
           (r->eth_dst && eth_dst ? !strcasecmp(r->eth_dst, eth_dst)
                                  : r->eth_dst == eth_dst);
}

/* Adds output 'o' to the rule of this match, made if needed: the rules of
 * one match are one rule (of-rules.h, our rule). */
static void
add(struct table *t, const struct slc_sdn_endpoint *src, const char *eth_dst,
    unsigned priority, struct out o)
{
    struct rule *r = NULL;
    struct out *outs;

    for (size_t i = 0; i < t->n && !r; i++) {
        if (same_match(&t->rules[i], src, eth_dst, priority)) {
            r = &t->rules[i];
        }
    }
    if (!r) {
        if (t->n == t->cap) {
            size_t cap = t->cap ? 2 * t->cap : 16;
            struct rule *rules = realloc(t->rules, cap * sizeof *rules);

            if (!rules) {
                t->oom = true;
                return;
            }
            t->rules = rules;
            t->cap = cap;
        }
        r = &t->rules[t->n++];
        *r = (struct rule){.src = src, .eth_dst = eth_dst,
                           .priority = priority};
    }
    for (size_t i = 0; i < r->n_outs; i++) {
        if (r->outs[i].vlan == o.vlan && !strcmp(r->outs[i].port, o.port)) {
            return;
        }
    }
    outs = realloc(r->outs, (r->n_outs + 1) * sizeof *outs);
    if (!outs) {
        t->oom = true;
        return;
    }
    r->outs = outs;
    r->outs[r->n_outs++] = o;
}

/* Untagged first, then by VLAN, then by port (OSM sorts (vlan, port)). */
static int
out_cmp(const void *a, const void *b)
{
    const struct out *x = a, *y = b;

    if (x->vlan != y->vlan) {
        return x->vlan < y->vlan ? -1 : 1;
    }
    return strcmp(x->port, y->port);
}

static bool
same_outs(const struct rule *a, const struct rule *b)
{
    if (a->n_outs != b->n_outs) {
        return false;
    }
    for (size_t i = 0; i < a->n_outs; i++) {
        if (out_cmp(&a->outs[i], &b->outs[i])) {
            return false;
        }
    }
    return true;
}

static json_t *
rule_json(const char *net_id, size_t index, const struct rule *r,
          const char *eth_dst, unsigned priority)
{
    json_t *match = json_pack("{ss}", "in_port", r->src->switch_port);
    json_t *actions = json_array();
    unsigned vlan = r->src->vlan;
    char name[300];

    if (r->src->vlan) {
        json_object_set_new(match, "vlan", json_integer(r->src->vlan));
    }
    if (eth_dst) {
        json_object_set_new(match, "eth_dst", json_string(eth_dst));
    }
    for (size_t i = 0; i < r->n_outs; i++) {
        const struct out *o = &r->outs[i];

        if (o->vlan != vlan && !o->vlan) {
            json_array_append_new(actions, json_pack("{sn}", "pop_vlan"));
        } else if (o->vlan != vlan) {
            json_array_append_new(actions,
                                  json_pack("{sI}",
                                            vlan ? "set_vlan" : "push_vlan",
                                            (json_int_t)o->vlan));
        }
        vlan = o->vlan;
        json_array_append_new(actions, json_pack("{ss}", "output", o->port));
    }
    snprintf(name, sizeof name, "%s.%zu", net_id, index);
    return json_pack("{ss sI so so}", "name", name, "priority",
                     (json_int_t)priority, "match", match, "actions",
                     actions);
}

/* The program of table 't', with OSM's merge: all the rules of one
 * (in_port, vlan) become one rule without eth_dst when their actions are
 * the same.  Rules keep the table's order. */
static bool
same_key(const struct rule *a, const struct rule *b)
{
    return a->src->vlan == b->src->vlan &&
           !strcmp(a->src->switch_port, b->src->switch_port);
}

/* The program of table 't', with OSM's merge: all the rules of one
 * (in_port, vlan) become one rule without eth_dst when their actions are
 * the same.  Rules keep the table's order. */
static json_t *
program_of(const char *net_id, struct table *t)
{
    json_t *rules = json_array();
    size_t index = 0;

    for (size_t i = 0; i < t->n; i++) {
        struct rule *r = &t->rules[i];
        size_t n = 1;
        bool same = true;

        if (r->emitted) {
            continue;
        }
        for (size_t j = i + 1; j < t->n && !r->unmerged; j++) {
            if (same_key(r, &t->rules[j])) {
                n++;
                same = same && same_outs(r, &t->rules[j]);
            }
        }
        for (size_t j = i; j < t->n && !r->unmerged; j++) {
            struct rule *q = &t->rules[j];

            if (same_key(r, q)) {
                q->emitted = n >= 2 && same;
                q->unmerged = !q->emitted;
            }
        }
        r->emitted = true;
        json_array_append_new(
            rules, r->unmerged
                       ? rule_json(net_id, index++, r, r->eth_dst,
                                   r->priority)
                       : rule_json(net_id, index++, r, NULL, PRIO_ANY));
    }
    return json_pack("{so s[]}", "rules", rules, "groups");
}

int
slc_of_rules(const char *net_id, const char *type,
             const struct slc_sdn_endpoint *pts, size_t n,
             bool same_vlan_only, json_t **program, struct slc_error *err)
{
    struct table t = {0};
    int rc = check_points(type, pts, n, same_vlan_only, err);

    *program = NULL;
    if (rc) {
        return rc;
    }
    for (size_t s = 0; s < n; s++) {
        for (size_t d = 0; d < n; d++) {
            const char *mac =
                n > 2 && pts[d].mac && pts[d].mac[0] ? pts[d].mac : NULL;

            if (joined(&pts[s], &pts[d])) {
                add(&t, &pts[s], mac, mac ? PRIO_MAC : PRIO_ANY,
                    out_to(&pts[s], &pts[d]));
            }
        }
        for (size_t d = 0; n > 2 && d < n; d++) {
            if (joined(&pts[s], &pts[d])) {
                add(&t, &pts[s], BROADCAST, PRIO_MAC,
                    out_to(&pts[s], &pts[d]));
            }
        }
    }
    for (size_t i = 0; i < t.n; i++) {
        qsort(t.rules[i].outs, t.rules[i].n_outs, sizeof *t.rules[i].outs,
              out_cmp);
    }
    if (!t.oom) {
        *program = program_of(net_id, &t);
    }
    for (size_t i = 0; i < t.n; i++) {
        free(t.rules[i].outs);
    }
    free(t.rules);
    return *program ? 0 : slc_error_set(err, SLC_ENOMEM, "out of memory");
}

int
slc_of_dpid_parse(const char *s, uint64_t *dpid)
{
    char hex[17];
    size_t n = 0;

    for (; *s && n < sizeof hex; s++) {
        if (*s != ':') {
            hex[n++] = *s;
        } else if (n % 2 || !n || !s[1] || s[1] == ':') {
            return SLC_EINVALID;
        }
    }
    if (*s || n != 16) {
        return SLC_EINVALID;
    }
    hex[n] = '\0';
    if (strspn(hex, "0123456789abcdefABCDEF") != 16) {
        return SLC_EINVALID;
    }
    *dpid = strtoull(hex, NULL, 16);
    return 0;
}

uint32_t
slc_of_port_number(const char *s)
{
    unsigned long n;
    char *end;

    if (!s || *s < '1' || *s > '9' || strlen(s) > 5) {
        return 0;
    }
    n = strtoul(s, &end, 10);
    return *end || n > 0xfeff ? 0 : (uint32_t)n;
}

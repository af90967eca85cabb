/* Forwarding programs of the REST SDN drivers (sdn-rest-driver.h: the
 * checks before anything is sent, the kept programs, their counters
 * carried over re-installs, the class operations); each driver says its
 * calls.  Neighbours: sdn-rest-driver.c, sdn-rest-internal.h. */
#include <event2/event.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sdn-rest-driver.h"
#include "sdn-rest-internal.h"
#include "slc-log.h"

static const char *const program_actions[] = {
    "push_vlan",   "set_vlan",   "pop_vlan",    "push_mpls",   "set_mpls",
    "pop_mpls",    "encap_nsh",  "set_nsh_spi", "set_nsh_si",  "encap_eth",
    "set_eth_src", "set_eth_dst", "decap",      "dec_nsh_ttl", "set_in_port",
    "output",      "group",      NULL,
};

/* Those whose value is text (a port, a MAC); the others' is a number. */
static const char *const text_values[] = {
    "set_eth_src", "set_eth_dst", "set_in_port", "output", "in_port",
    "eth_dst",     "nw_src",      "nw_dst",      NULL,
};

static const char *const program_matches[] = {
    "in_port", "eth_type", "eth_dst", "vlan",   "mpls_label", "ip_proto",
    "nw_src",  "nw_dst",   "tp_src",  "tp_dst", "nsh_spi",    "nsh_si",
    NULL,
};

#define MAX_PROGRAM_RULES 4096
#define MAX_BUCKETS 64

/* The value of an action or a match field is of its kind. */
static bool
value_ok(const char *key, const json_t *v)
{
    return slc_sdn_rest_listed(text_values, key) ? json_is_string(v)
           : !strcmp(key, "pop_vlan") || !strcmp(key, "encap_nsh") ||
                   !strcmp(key, "encap_eth") || !strcmp(key, "decap") ||
                   !strcmp(key, "dec_nsh_ttl")
               ? true
               : json_is_integer(v) && json_integer_value(v) >= 0;
}

/* The actions of 'where' (a rule, or a group's bucket when 'groups' is
 * NULL) of program 'id'; 'groups' marks the program's group ids. */
static int
check_actions(const struct slc_sdn_rest_class *class, uint32_t id,
              const char *where, const json_t *actions, const bool *groups,
              struct slc_error *err)
{
    const json_t *a, *v;
    size_t i;

    if (!json_is_array(actions)) {
        return slc_error_set(err, SLC_EINVALID, "program %u: %s: no "
                             "\"actions\" list", id, where);
    }
    json_array_foreach(actions, i, a)
    {
        const char *key = json_object_size(a) == 1
                              ? json_object_iter_key(
                                    json_object_iter((json_t *)a))
                              : NULL;

        v = key ? json_object_get(a, key) : NULL;
        if (!key || !slc_sdn_rest_listed(program_actions, key) ||
            !value_ok(key, v)) {
            return slc_error_set(err, SLC_EINVALID, "program %u: %s: "
                                 "action %zu is none of sfc-chain.h's, or "
                                 "its value is not of its kind", id, where,
                                 i);
        }
        if (slc_sdn_rest_listed(class->unsupported, key)) {
            return slc_error_set(err, SLC_EUNSUPPORTED, "program %u: %s: "
                                 "action %s: %s", id, where, key,
                                 class->unsupported_why);
        }
        if (!strcmp(key, "group") &&
            (!groups || json_integer_value(v) < 1 ||
             json_integer_value(v) > 255 ||
             !groups[json_integer_value(v)])) {
            return slc_error_set(err, SLC_EINVALID, "program %u: %s: group "
                                 "%" JSON_INTEGER_FORMAT " is not one of "
                                 "the program's%s", id, where,
                                 json_integer_value(v),
                                 groups ? "" : " (a bucket sends to none)");
        }
    }
    return 0;
}

static int
check_match(const struct slc_sdn_rest_class *class, uint32_t id,
            const char *where, const json_t *m, struct slc_error *err)
{
    json_int_t proto = json_integer_value(json_object_get(m, "ip_proto"));
    const char *key;
    json_t *v;

    if (m && !json_is_object(m)) {
        return slc_error_set(err, SLC_EINVALID, "program %u: %s: \"match\" "
                             "is not an object", id, where);
    }
    json_object_foreach((json_t *)m, key, v)
    {
        if (!slc_sdn_rest_listed(program_matches, key) || !value_ok(key, v)) {
            return slc_error_set(err, SLC_EINVALID, "program %u: %s: match "
                                 "field %s is none of sfc-chain.h's, or its "
                                 "value is not of its kind", id, where, key);
        }
        if (slc_sdn_rest_listed(class->unsupported, key)) {
            return slc_error_set(err, SLC_EUNSUPPORTED, "program %u: %s: "
                                 "match field %s: %s", id, where, key,
                                 class->unsupported_why);
        }
    }
    if ((json_object_get(m, "tp_src") || json_object_get(m, "tp_dst")) &&
        proto != 6 && proto != 17 && proto != 132) {
        return slc_error_set(err, SLC_EINVALID, "program %u: %s: ports need "
                             "ip_proto 6, 17 or 132", id, where);
    }
    return 0;
}

/* The groups of program 'id'; marks their ids in 'defined'. */
static int
check_groups(const struct slc_sdn_rest_class *class, uint32_t id,
             const json_t *groups, bool defined[256], struct slc_error *err)
{
    const json_t *g, *x;
    size_t i, k;

    if (groups && !json_is_array(groups)) {
        return slc_error_set(err, SLC_EINVALID, "program %u: \"groups\" is "
                             "not a list", id);
    }
    json_array_foreach(groups, i, g)
    {
        const json_t *gid = json_object_get(g, "id");
        const json_t *ports = json_object_get(g, "ports");
        const json_t *buckets = json_object_get(g, "buckets");
        json_int_t n = json_integer_value(gid);
        size_t len = json_array_size(ports ? ports : buckets);
        char where[64];
        int rc;

        if (!json_is_integer(gid) || n < 1 || n > 255 || defined[n]) {
            return slc_error_set(err, SLC_EINVALID, "program %u: group %zu: "
                                 "its id must be 1..255, unique", id, i);
        }
        defined[n] = true;
        if (!ports == !buckets || !len || len > MAX_BUCKETS) {
            return slc_error_set(err, SLC_EINVALID, "program %u: group "
                                 "%" JSON_INTEGER_FORMAT ": needs 1..%d "
                                 "\"ports\" or \"buckets\"", id, n,
                                 MAX_BUCKETS);
        }
        json_array_foreach(ports ? ports : buckets, k, x)
        {
            snprintf(where, sizeof where, "group %" JSON_INTEGER_FORMAT
                     ", bucket %zu", n, k);
            if (ports && !json_is_string(x)) {
                return slc_error_set(err, SLC_EINVALID, "program %u: %s: "
                                     "not a port", id, where);
            }
            if (buckets && (!json_array_size(x) ||
                            (rc = check_actions(class, id, where, x, NULL,
                                                err)))) {
                return json_array_size(x)
                           ? rc
                           : slc_error_set(err, SLC_EINVALID, "program %u: "
                                           "%s: no action", id, where);
            }
        }
    }
    return 0;
}

int
slc_sdn_rest_program_check(const struct slc_sdn_rest_class *class,
                           uint32_t id, const json_t *program,
                           struct slc_error *err)
{
    const json_t *rules = json_object_get(program, "rules"), *r;
    bool defined[256] = {false};
    size_t i;
    int rc;

    if ((rc = slc_sdn_check_program_id(id, err))) {
        return rc;
    }
    if (!json_is_array(rules) || json_array_size(rules) > MAX_PROGRAM_RULES) {
        return slc_error_set(err, SLC_EINVALID, "program %u: not a program "
                             "(a \"rules\" list of %d rules at most)", id,
                             MAX_PROGRAM_RULES);
    }
    if ((rc = check_groups(class, id, json_object_get(program, "groups"),
                           defined, err))) {
        return rc;
    }
    json_array_foreach(rules, i, r)
    {
        json_int_t prio = json_integer_value(json_object_get(r, "priority"));
        char where[32];

        snprintf(where, sizeof where, "rule %zu", i);
        if (!json_is_integer(json_object_get(r, "priority")) || prio < 0 ||
            prio > 65535) {
            return slc_error_set(err, SLC_EINVALID, "program %u: %s: "
                                 "priority must be 0..65535", id, where);
        }
        if ((rc = check_match(class, id, where, json_object_get(r, "match"),
                              err)) ||
            (rc = check_actions(class, id, where,
                                json_object_get(r, "actions"), defined,
                                err))) {
            return rc;
        }
    }
    return 0;
}

json_t *
slc_sdn_rest_group_buckets(const json_t *g)
{
    const json_t *ports = json_object_get(g, "ports"), *p;
    json_t *buckets;
    size_t i;

    if (!ports) {
        return json_incref(json_object_get(g, "buckets"));
    }
    buckets = json_array();
    json_array_foreach(ports, i, p)
    {
        json_array_append_new(buckets, json_pack("[{sO}]", "output", p));
    }
    return buckets;
}

const char *
slc_sdn_rest_prefix(const char *s, char *buf, size_t size)
{
    snprintf(buf, size, "%s%s", s,
             strchr(s, '/') ? "" : strchr(s, ':') ? "/128" : "/32");
    return buf;
}

/* A list of 'n' pairs [0, 0]. */
static json_t *
zero_pairs(size_t n)
{
    json_t *a = json_array();

    for (size_t i = 0; i < n; i++) {
        json_array_append_new(a, json_pack("[ii]", 0, 0));
    }
    return a;
}

json_t *
slc_sdn_rest_program_new(const struct slc_sdn_rest_op *op)
{
    size_t n = json_array_size(json_object_get(op->program, "rules"));

    return json_pack("{sO so so}", "program", op->program, "last",
                     zero_pairs(n), "base", zero_pairs(n));
}

char *
slc_sdn_rest_program_error(const struct slc_sdn_rest_op *op,
                           const char *msg)
{
    char text[SLC_ERROR_MSG_SIZE];

    snprintf(text, sizeof text, "program %u: %s", op->program_id,
             msg ? msg : "");
    return strdup(text);
}

int
slc_sdn_rest_program_keep(struct slc_sdn_rest_op *op, json_t *kept)
{
    char key[16];

    slc_sdn_rest_program_key(op->program_id, key, sizeof key);
    return kept && !json_object_set_new(op->drv->programs, key, kept)
               ? 0
               : SLC_ENOMEM;
}

static json_int_t
pair_value(const json_t *pair, size_t k)
{
    return json_integer_value(json_array_get(pair, k));
}

void
slc_sdn_rest_program_redone(json_t *kept, size_t i)
{
    json_t *last = json_array_get(json_object_get(kept, "last"), i);
    json_t *base = json_array_get(json_object_get(kept, "base"), i);

    for (size_t k = 0; last && base && k < 2; k++) {
        json_array_set_new(base, k, json_integer(pair_value(base, k) +
                                                 pair_value(last, k)));
        json_array_set_new(last, k, json_integer(0));
    }
}

void
slc_sdn_rest_program_seen(json_t *kept, size_t i, json_int_t packets,
                          json_int_t bytes)
{
    json_t *last = json_array_get(json_object_get(kept, "last"), i);

    if (!last) {
        return;
    }
    if (packets < pair_value(last, 0) || bytes < pair_value(last, 1)) {
        slc_sdn_rest_program_redone(kept, i);  /* made again meanwhile */
    }
    json_array_set_new(last, 0, json_integer(packets));
    json_array_set_new(last, 1, json_integer(bytes));
}

void
slc_sdn_rest_program_counters(struct slc_sdn_rest_op *op, json_t *raw)
{
    const json_t *prog = json_object_get(op->kept, "program");
    size_t n = json_array_size(json_object_get(prog, "rules"));
    json_t *rules = json_array();

    for (size_t i = 0; i < n; i++) {
        const json_t *r = json_array_get(raw, i), *base;
        json_int_t p = json_integer_value(json_object_get(r, "packets"));
        json_int_t b = json_integer_value(json_object_get(r, "bytes"));

        if (!json_is_object(r)) {
            json_array_append_new(rules, json_null());
            continue;
        }
        slc_sdn_rest_program_seen(op->kept, i, p, b);
        base = json_array_get(json_object_get(op->kept, "base"), i);
        json_array_append_new(rules,
                              json_pack("{sI sI}", "packets",
                                        p + pair_value(base, 0), "bytes",
                                        b + pair_value(base, 1)));
    }
    json_decref(raw);
    slc_sdn_rest_finish(op, 0, NULL, NULL, json_pack("{so}", "rules", rules));
}

/* An install (with 'program'), a remove or a counters' read. */
static int
program_call(struct slc_sdn *sdn, enum slc_sdn_rest_kind kind,
             uint64_t token, uint32_t id, const json_t *program,
             struct slc_error *err)
{
    struct slc_sdn_rest_driver *drv = slc_sdn_rest_drv_of(sdn);
    struct slc_sdn_rest_op *op;
    int rc = program ? slc_sdn_rest_program_check(drv->class, id, program,
                                                  err)
                     : slc_sdn_check_program_id(id, err);

    if (rc || !(op = slc_sdn_rest_new_op(drv, kind, token, NULL, err))) {
        return rc ? rc : err->code;
    }
    op->program_id = id;
    if (program && !(op->program = json_deep_copy(program))) {
        slc_sdn_rest_free_op(op);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    slc_sdn_rest_submit(op);
    return 0;
}

int
slc_sdn_rest_driver_install_program(struct slc_sdn *sdn, uint64_t token,
                                    uint32_t program_id,
                                    const json_t *program,
                                    struct slc_error *err)
{
    if (!program) {
        return slc_error_set(err, SLC_EINVALID, "program %u: none given",
                             program_id);
    }
    return program_call(sdn, SLC_SDN_REST_INSTALL, token, program_id,
                        program, err);
}

int
slc_sdn_rest_driver_remove_program(struct slc_sdn *sdn, uint64_t token,
                                   uint32_t program_id, struct slc_error *err)
{
    return program_call(sdn, SLC_SDN_REST_REMOVE, token, program_id, NULL,
                        err);
}

int
slc_sdn_rest_driver_program_counters(struct slc_sdn *sdn, uint64_t token,
                                     uint32_t program_id,
                                     struct slc_error *err)
{
    return program_call(sdn, SLC_SDN_REST_COUNTERS, token, program_id, NULL,
                        err);
}

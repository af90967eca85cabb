/* The sim VIM driver: an in-memory VIM for scale benchmarks and fault
 * tests.  Per VIM account it has a latency (every call completes that many
 * milliseconds later, on the event loop), a capacity (vCPUs, RAM, SR-IOV
 * VFs) and injected failures (the Nth call of a kind, or a percentage of
 * them).  Its state lives in memory: after a daemon restart the engine
 * reconciles it against the store (reconcile()).
 *
 * The account's config carries the options under "sim":
 *   sim: {latency_ms: 5, capacity: {vcpus: 64, ram_mb: 65536, vfs: 8},
 *         fail: [{call: create_compute, nth: 2}, {call: create_port,
 *                 percent: 10}, {call: create_compute, name: edge}],
 *         seed: 7, exec_ms: 200}
 * (name: every call of that kind on a resource whose name contains it; for
 * exec, a primitive whose name contains it).  Primitives (exec) succeed
 * after latency_ms + exec_ms, printing what they were asked to run, unless
 * a failure is injected (exit status 1) or exec_ms exceeds their timeout
 * (killed).
 * Unknown keys are errors.  The effect of a call happens when it is
 * submitted, its result is delivered after the latency: like a real VIM
 * that creates a server and answers later.
 *
 * A resource is kept as its compact JSON text, parsed only while it is
 * among the last used (res_get, pack_old): as a jansson tree it weighs
 * about five times its text, and a cloud of tens of thousands of them
 * was most of slicerd's memory in the 1,000-slice benchmark. */
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slc-json.h"
#include "slc-log.h"
#include "slc-schema.h"
#include "vim-shared.h"
#include "vim.h"

SLC_LOG_MODULE(vim_sim);

#define SIM_CALLS(X)                                                         \
    X(CREATE_NETWORK, "create_network")                                      \
    X(CREATE_PORT, "create_port")                                            \
    X(CREATE_COMPUTE, "create_compute")                                      \
    X(DELETE, "delete")                                                      \
    X(STATUS, "status")                                                      \
    X(FIND, "find")                                                          \
    X(EXEC, "exec")

enum sim_call {
#define SIM_CALL_ENUM(name, text) SIM_##name,
    SIM_CALLS(SIM_CALL_ENUM)
#undef SIM_CALL_ENUM
    SIM_N_CALLS
};

static const struct slc_enum_name call_names[] = {
#define SIM_CALL_NAME(name, text) {text, SIM_##name},
    SIM_CALLS(SIM_CALL_NAME)
#undef SIM_CALL_NAME
    {NULL, 0},
};

struct sim_fail {
    struct slc_node node;
    int call;
    uint64_t nth;     /* fail the nth call of that kind (1-based), 0 = off */
    uint64_t percent; /* fail that share of the calls, 0 = off */
    const char *name; /* fail calls on names containing it, NULL = off */
};

struct sim_capacity {
    struct slc_node node;
    uint64_t vcpus, ram_mb, vfs;
};

struct sim_config {
    struct slc_node node;
    uint64_t latency_ms;
    struct sim_capacity *capacity;
    struct sim_fail *fail;
    size_t n_fail;
    uint64_t seed;
    uint64_t exec_ms;
    bool local;       /* its cloud in this process even with a cluster */
};

static const struct slc_field fail_fields[] = {
    {.key = "call", .type = SLC_FT_ENUM, .required = true,
     .off = offsetof(struct sim_fail, call), .enums = call_names},
    F_UINT(struct sim_fail, "nth", nth, 1, 0),
    F_UINT(struct sim_fail, "percent", percent, 1, 100),
    F_STR(struct sim_fail, "name", name),
};
static const struct slc_schema fail_schema =
    SLC_SCHEMA(struct sim_fail, "fail", fail_fields);

static const struct slc_field capacity_fields[] = {
    F_UINT(struct sim_capacity, "vcpus", vcpus, 0, 0),
    F_UINT(struct sim_capacity, "ram_mb", ram_mb, 0, 0),
    F_UINT(struct sim_capacity, "vfs", vfs, 0, 0),
};
static const struct slc_schema capacity_schema =
    SLC_SCHEMA(struct sim_capacity, "capacity", capacity_fields);

static const struct slc_field config_fields[] = {
    F_UINT(struct sim_config, "latency_ms", latency_ms, 0, 600000),
    F_STRUCT(struct sim_config, "capacity", capacity, capacity_schema),
    F_LIST(struct sim_config, "fail", fail, fail_schema, NULL),
    F_UINT(struct sim_config, "seed", seed, 0, 0),
    F_UINT(struct sim_config, "exec_ms", exec_ms, 0, 3600000),
    F_BOOL(struct sim_config, "local", local),
};
static const struct slc_schema config_schema =
    SLC_SCHEMA(struct sim_config, "sim", config_fields);

/* Capacity when the account sets none: a generous single site. */
#define SIM_DEFAULT_VCPUS 1024
#define SIM_DEFAULT_RAM_MB (4096ull * 1024)
#define SIM_DEFAULT_VFS 256

struct sim {
    struct slc_vim up;            /* first: the core's part */
    uint64_t latency_ms;
    uint64_t exec_ms;             /* what a primitive takes on top */
    uint64_t cap[3], used[3];     /* vcpus, ram_mb, vfs */
    struct sim_fail *fails;
    size_t n_fails;
    uint64_t calls[SIM_N_CALLS];
    uint64_t rng;
    uint64_t next_id;
    json_t *res;                  /* vim_id -> resource: an object, or
                                     its JSON text (a string) */
    json_t *recent;               /* ids parsed lately, oldest first */
    struct vim_shared *shared;    /* several slicerd: the state in etcd
                                     (vim-shared.c), NULL: here */
    json_t *dirty;                /* shared: ids changed by this call */
    json_t *by_tag;               /* "kind/tag" -> vim_id */
    struct slc_arena arena;       /* the parsed config */
};

enum { CAP_VCPUS, CAP_RAM, CAP_VFS };
static const char *const cap_names[] = {"vcpus", "ram_mb", "vfs"};

static struct sim *
sim_of(struct slc_vim *vim)
{
    return (struct sim *)vim;
}

/* How many resources stay parsed between calls. */
#define SIM_PARSED_MAX 1024

/* Resource 'id' as an object (parsed if it was kept as text), or NULL. */
static json_t *
res_get(struct sim *s, const char *id)
{
    json_t *r = id ? json_object_get(s->res, id) : NULL;
    json_t *tree;

    if (!json_is_string(r)) {
        return r;
    }
    tree = slc_json_load(json_string_value(r), json_string_length(r), NULL);
    if (!tree || json_object_set_new(s->res, id, tree) ||
        json_array_append_new(s->recent, json_string(id))) {
        return NULL;
    }
    return tree;
}

/* Puts resource 'id' (taking 'r') in the table, parsed. */
static int
res_put(struct sim *s, const char *id, json_t *r)
{
    if (json_object_set_new(s->res, id, r) ||
        json_array_append_new(s->recent, json_string(id))) {
        return SLC_ENOMEM;
    }
    return 0;
}

/* Turns the resources parsed longest ago back into text, down to half
 * of SIM_PARSED_MAX.  Out of memory, they stay parsed. */
static void
pack_old(struct sim *s)
{
    size_t n = json_array_size(s->recent), drop;
    json_t *keep;

    if (n <= SIM_PARSED_MAX) {
        return;
    }
    drop = n - SIM_PARSED_MAX / 2;
    for (size_t i = 0; i < drop; i++) {
        const char *id = json_string_value(json_array_get(s->recent, i));
        json_t *r = json_object_get(s->res, id);
        char *text = json_is_object(r) ? slc_json_text(r, NULL) : NULL;

        if (text) {
            json_object_set_new(s->res, id, json_string_nocheck(text));
            free(text);
        }
    }
    keep = json_array();
    for (size_t i = drop; keep && i < n; i++) {
        json_array_append(keep, json_array_get(s->recent, i));
    }
    if (keep) {
        json_decref(s->recent);
        s->recent = keep;
    }
}

/* Parses every resource (for the calls that look at all of them). */
static void
parse_all(struct sim *s)
{
    const char *id;
    json_t *r;
    void *tmp;

    json_object_foreach_safe(s->res, tmp, id, r)
    {
        if (json_is_string(r)) {
            res_get(s, id);
        }
    }
}

/* Resource 'id' changed (or went): with the state shared, it is written
 * back at the end of the call. */
static void
touch(struct sim *s, const char *id)
{
    if (s->shared && id) {
        json_object_set_new(s->dirty, id, json_true());
    }
}

/* Parses the "sim" member of an account config; a NULL config or no
 * "sim" member gives the defaults.  Unknown keys are errors. */
static int
parse_config(const json_t *config, struct slc_arena *arena,
             struct sim_config *out, struct slc_error *err)
{
    json_t *sim = json_object_get(config, "sim");
    struct slc_diags diags = SLC_DIAGS_INIT;
    struct slc_parse p = {
        .arena = arena,
        .diags = &diags,
        .file = "vim account config",
        .subject = "sim",
    };
    int rc = 0;

    memset(out, 0, sizeof *out);
    if (!sim || json_is_null(sim)) {
        return 0;
    }
    if (!json_is_object(sim)) {
        return slc_error_set(err, SLC_EINVALID,
                             "config.sim: expected a mapping");
    }
    if (!slc_schema_parse(&p, &config_schema, sim, "config.sim", out)) {
        rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
    } else if (diags.len) {
        /* Warnings (unknown keys) are errors in configuration. */
        rc = slc_diags_to_error(&diags, SLC_EINVALID, err);
    }
    for (size_t i = 0; !rc && i < out->n_fail; i++) {
        if (!!out->fail[i].nth + !!out->fail[i].percent +
                !!out->fail[i].name !=
            1) {
            rc = slc_error_set(err, SLC_EINVALID,
                               "config.sim.fail[%zu]: give exactly one of "
                               "'nth', 'percent' and 'name'",
                               i);
        }
    }
    slc_diags_clear(&diags);
    return rc;
}

static int
sim_check_config(const json_t *config, struct slc_error *err)
{
    struct slc_arena arena = SLC_ARENA_INIT;
    struct sim_config c;
    int rc = parse_config(config, &arena, &c, err);

    slc_arena_free(&arena);
    return rc;
}

static void sim_close(struct slc_vim *vim);

static int
sim_open(const struct slc_vim_params *p, struct slc_vim **out,
         struct slc_error *err)
{
    struct sim *s = calloc(1, sizeof *s);
    struct sim_config c;
    int rc;

    if (!s) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    s->arena = (struct slc_arena)SLC_ARENA_INIT;
    rc = slc_vim_base_init(&s->up, &slc_vim_sim_class, p, err);
    if (rc) {
        free(s);
        return rc;
    }
    s->res = json_object();
    s->recent = json_array();
    s->by_tag = json_object();
    rc = parse_config(p->config, &s->arena, &c, err);
    if (!rc && (!s->res || !s->recent || !s->by_tag)) {
        rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    if (rc) {
        sim_close(&s->up);
        return rc;
    }
    for (size_t i = 0; i < c.n_fail; i++) {
        /* parsed strings borrow the account's JSON, which goes */
        if (c.fail[i].name) {
            c.fail[i].name = slc_arena_strdup(&s->arena, c.fail[i].name);
        }
    }
    s->latency_ms = c.latency_ms;
    s->exec_ms = c.exec_ms;
    s->cap[CAP_VCPUS] = c.capacity && c.capacity->vcpus ? c.capacity->vcpus
                                                        : SIM_DEFAULT_VCPUS;
    s->cap[CAP_RAM] = c.capacity && c.capacity->ram_mb ? c.capacity->ram_mb
                                                       : SIM_DEFAULT_RAM_MB;
    s->cap[CAP_VFS] = c.capacity && c.capacity->vfs ? c.capacity->vfs
                                                    : SIM_DEFAULT_VFS;
    s->fails = c.fail;
    s->n_fails = c.n_fail;
    s->rng = c.seed ? c.seed : 0x9e3779b97f4a7c15ull;
    /* every call goes to etcd: "local: true" keeps the state here when
     * only one slicerd will ever use the account */
    if (!c.local && p->shared_state && !strncmp(p->shared_state, "etcd:", 5) &&
        ((rc = vim_shared_open(p->shared_state, p->account_id, &s->shared,
                               err)) ||
         (!(s->dirty = json_object()) &&
          (rc = slc_error_set(err, SLC_ENOMEM, "out of memory"))))) {
        sim_close(&s->up);
        return rc;
    }
    *out = &s->up;
    return 0;
}

static void
sim_close(struct slc_vim *vim)
{
    struct sim *s = sim_of(vim);

    json_decref(s->res);
    json_decref(s->recent);
    json_decref(s->by_tag);
    vim_shared_close(s->shared);
    json_decref(s->dirty);
    slc_arena_free(&s->arena);
    slc_vim_base_fini(&s->up);
    free(s);
}

/* Queues the result of a call; it is delivered after the latency, from the
 * loop (never from inside the call).  Takes 'info' (may be NULL). */
static int
reply(struct sim *s, uint64_t token, int rc, const char *msg,
      const char *vim_id, const char *status, json_t *info,
      struct slc_error *err)
{
    struct timeval tv = {
        .tv_sec = (time_t)(s->latency_ms / 1000),
        .tv_usec = (suseconds_t)(s->latency_ms % 1000) * 1000,
    };

    return slc_vim_reply(&s->up, token, rc, msg, vim_id, status, info, &tv,
                         err);
}

/* xorshift64*: the same seed gives the same failures. */
static uint64_t
next_random(struct sim *s)
{
    s->rng ^= s->rng >> 12;
    s->rng ^= s->rng << 25;
    s->rng ^= s->rng >> 27;
    return s->rng * 0x2545f4914f6cdd1dull;
}

/* Counts a call and says whether an injected failure hits it. */
static bool
injected(struct sim *s, enum sim_call call, const char *name)
{
    uint64_t n = ++s->calls[call];

    for (size_t i = 0; i < s->n_fails; i++) {
        const struct sim_fail *f = &s->fails[i];

        if (f->call != (int)call) {
            continue;
        }
        if (f->nth && f->nth == n) {
            return true;
        }
        if (f->percent && next_random(s) % 100 < f->percent) {
            return true;
        }
        if (f->name && name && strstr(name, f->name)) {
            return true;
        }
    }
    return false;
}

static int
reply_injected(struct sim *s, uint64_t token, enum sim_call call,
               struct slc_error *err)
{
    char msg[128];

    snprintf(msg, sizeof msg, "vim '%s': %s: injected failure (call %llu)",
             s->up.drv.name, slc_enum_to_name(call_names, (int)call),
             (unsigned long long)s->calls[call]);
    SLC_INFO("%s", msg);
    return reply(s, token, SLC_EIO, msg, NULL, NULL, NULL, err);
}

static const char *
tag_key(char *buf, size_t size, enum slc_vim_kind kind, const char *tag)
{
    snprintf(buf, size, "%s/%s", slc_vim_kind_name(kind), tag);
    return buf;
}

/* Stores a new resource (taking 'r') under a fresh id written to 'id'. */
static int
add_resource(struct sim *s, enum slc_vim_kind kind, const char *tag,
             json_t *r, char id[64])
{
    char key[512];

    snprintf(id, 64, "sim-%s-%llu", slc_vim_kind_name(kind),
             (unsigned long long)++s->next_id);
    json_object_set_new(r, "id", json_string(id));
    json_object_set_new(r, "kind", json_string(slc_vim_kind_name(kind)));
    json_object_set_new(r, "tag", json_string(tag));
    json_object_set_new(r, "status", json_string("ACTIVE"));
    touch(s, id);
    if (res_put(s, id, r) ||
        json_object_set_new(s->by_tag, tag_key(key, sizeof key, kind, tag),
                            json_string(id))) {
        return SLC_ENOMEM;
    }
    return 0;
}

/* The lowest VLAN no network of 'physnet' has, or 0. */
static json_int_t
free_vlan(struct sim *s, const char *physnet)
{
    static const char prefix[] = "sim-network-";
    bool used[4095] = {false};
    const char *id;
    json_t *r;
    void *tmp;

    json_object_foreach_safe(s->res, tmp, id, r)
    {
        json_int_t v;

        if (strncmp(id, prefix, sizeof prefix - 1)) {
            continue;
        }
        r = res_get(s, id);
        v = json_integer_value(json_object_get(r, "vlan"));
        if (v > 0 && v < 4095 &&
            !strcmp(json_string_value(json_object_get(r, "physnet")) ?: "",
                    physnet)) {
            used[v] = true;
        }
    }
    for (json_int_t v = 1; v < 4095; v++) {
        if (!used[v]) {
            return v;
        }
    }
    return 0;
}

static int
do_create_network(struct slc_vim *vim, uint64_t token,
                   const struct slc_vim_network_spec *spec,
                   struct slc_error *err)
{
    struct sim *s = sim_of(vim);
    char id[64];
    json_int_t vlan = spec->vlan;
    json_t *r;

    if (injected(s, SIM_CREATE_NETWORK, spec->name)) {
        return reply_injected(s, token, SIM_CREATE_NETWORK, err);
    }
    if (spec->physnet && !vlan) {
        /* a provider network without a segmentation id gets a free one
         * of its physical network, as Neutron allocates it */
        vlan = free_vlan(s, spec->physnet);
    }
    r = json_pack("{ss ss ss* ss* sI ss* sI s{}}", "name", spec->name, "type",
                  spec->type ? spec->type : "ELAN", "cidr", spec->cidr,
                  "physnet", spec->physnet, "vlan", vlan,
                  "pool_start", spec->pool_start, "pool_count",
                  (json_int_t)spec->pool_count, "ports");
    if (!r || add_resource(s, SLC_VIM_NETWORK, spec->tag, r, id)) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    return reply(s, token, 0, NULL, id, "ACTIVE",
                 vlan ? json_pack("{sI}", "vlan", vlan) : NULL, err);
}

/* The next address of a network's IPv4 CIDR, or NULL. */
static json_t *
next_ip(json_t *net)
{
    const char *cidr = json_string_value(json_object_get(net, "cidr"));
    unsigned a, b, c, d, len;
    json_int_t n = json_integer_value(json_object_get(net, "next_host"));
    uint32_t base, host;
    char ip[16];

    if (!cidr || sscanf(cidr, "%u.%u.%u.%u/%u", &a, &b, &c, &d, &len) != 5 ||
        len > 30 || a > 255 || b > 255 || c > 255 || d > 255) {
        return NULL;
    }
    n = n ? n + 1 : 2; /* .1 is the gateway */
    if ((uint64_t)n >= (1ull << (32 - len)) - 1) {
        return NULL;
    }
    json_object_set_new(net, "next_host", json_integer(n));
    base = (a << 24 | b << 16 | c << 8 | d) & ~((1u << (32 - len)) - 1);
    host = base + (uint32_t)n;
    snprintf(ip, sizeof ip, "%u.%u.%u.%u", host >> 24, host >> 16 & 255,
             host >> 8 & 255, host & 255);
    return json_string(ip);
}

/* Whether port record 'r' holds a VF (SR-IOV) or a NIC (passthrough). */
static bool
uses_vf(const json_t *r)
{
    const char *vnic = json_string_value(json_object_get(r, "vnic_type"));

    return vnic && (!strcmp(vnic, "direct") ||
                    !strcmp(vnic, "direct-physical"));
}

static int
do_create_port(struct slc_vim *vim, uint64_t token,
                const struct slc_vim_port_spec *spec, struct slc_error *err)
{
    struct sim *s = sim_of(vim);
    json_t *net = res_get(s, spec->network_id);
    bool vf = spec->vnic_type == SLC_VNIC_DIRECT ||
              spec->vnic_type == SLC_VNIC_DIRECT_PHYSICAL;
    char id[64], mac[18], msg[256];
    json_t *r, *ip, *info;

    if (injected(s, SIM_CREATE_PORT, spec->name)) {
        return reply_injected(s, token, SIM_CREATE_PORT, err);
    }
    if (!net || strcmp(json_string_value(json_object_get(net, "kind")),
                       "network")) {
        snprintf(msg, sizeof msg, "vim '%s': create port '%s': network '%s' "
                 "does not exist", vim->drv.name, spec->name, spec->network_id);
        return reply(s, token, SLC_ENOTFOUND, msg, NULL, NULL, NULL, err);
    }
    if (vf && s->used[CAP_VFS] + 1 > s->cap[CAP_VFS]) {
        snprintf(msg, sizeof msg, "vim '%s': create port '%s': no SR-IOV VF "
                 "left (%llu in use)", vim->drv.name, spec->name,
                 (unsigned long long)s->used[CAP_VFS]);
        return reply(s, token, SLC_EBUSY, msg, NULL, NULL, NULL, err);
    }
    snprintf(mac, sizeof mac, "fa:16:3e:%02x:%02x:%02x",
             (unsigned)(s->next_id + 1) >> 16 & 255,
             (unsigned)(s->next_id + 1) >> 8 & 255,
             (unsigned)(s->next_id + 1) & 255);
    ip = spec->ip ? json_string(spec->ip) : next_ip(net);
    r = json_pack("{ss ss ss ss* so*}", "name", spec->name, "network_id",
                  spec->network_id, "vnic_type",
                  slc_vnic_type_name(spec->vnic_type), "mac_address",
                  spec->mac ? spec->mac : mac, "ip_address", ip);
    if (!r || add_resource(s, SLC_VIM_PORT, spec->tag, r, id)) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    s->used[CAP_VFS] += vf;
    json_object_set_new(json_object_get(net, "ports"), id, json_true());
    touch(s, spec->network_id);
    info = json_pack("{sO sO*}", "mac_address",
                     json_object_get(r, "mac_address"), "ip_address",
                     json_object_get(r, "ip_address"));
    if (spec->device) {
        /* where the device placement chose is, as a real VIM's binding
         * says (compute node, PCI, VLAN) */
        json_object_update(info, (json_t *)spec->device);
        json_object_set(info, "compute_node",
                        json_object_get(spec->device, "host"));
    }
    return reply(s, token, 0, NULL, id, "ACTIVE", info, err);
}

static int
do_create_compute(struct slc_vim *vim, uint64_t token,
                   const struct slc_vim_compute_spec *spec,
                   struct slc_error *err)
{
    struct sim *s = sim_of(vim);
    char id[64], msg[256];
    json_t *r, *ports;

    if (injected(s, SIM_CREATE_COMPUTE, spec->name)) {
        return reply_injected(s, token, SIM_CREATE_COMPUTE, err);
    }
    if (s->used[CAP_VCPUS] + spec->vcpus > s->cap[CAP_VCPUS] ||
        s->used[CAP_RAM] + spec->memory_mb > s->cap[CAP_RAM]) {
        snprintf(msg, sizeof msg, "vim '%s': create compute '%s': not enough "
                 "capacity for %u vCPU and %llu MB (in use %llu/%llu vCPU, "
                 "%llu/%llu MB)", vim->drv.name, spec->name, spec->vcpus,
                 (unsigned long long)spec->memory_mb,
                 (unsigned long long)s->used[CAP_VCPUS],
                 (unsigned long long)s->cap[CAP_VCPUS],
                 (unsigned long long)s->used[CAP_RAM],
                 (unsigned long long)s->cap[CAP_RAM]);
        return reply(s, token, SLC_EBUSY, msg, NULL, NULL, NULL, err);
    }
    for (size_t i = 0; i < spec->n_ports; i++) {
        json_t *port = res_get(s, spec->port_ids[i]);

        if (!port || json_object_get(port, "device_id")) {
            snprintf(msg, sizeof msg, "vim '%s': create compute '%s': port "
                     "'%s' %s", vim->drv.name, spec->name, spec->port_ids[i],
                     port ? "is already attached" : "does not exist");
            return reply(s, token, port ? SLC_ECONFLICT : SLC_ENOTFOUND, msg,
                         NULL, NULL, NULL, err);
        }
    }
    ports = json_array();
    r = json_pack("{ss ss ss* sI sI sI so sO*}", "name", spec->name, "image",
                  spec->image ? spec->image : "", "host", spec->host,
                  "vcpus", (json_int_t)spec->vcpus, "memory_mb",
                  (json_int_t)spec->memory_mb, "disk_gb",
                  (json_int_t)spec->disk_gb, "ports", ports, "epa",
                  spec->epa);
    if (!r || add_resource(s, SLC_VIM_COMPUTE, spec->tag, r, id)) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < spec->n_ports; i++) {
        json_array_append_new(ports, json_string(spec->port_ids[i]));
        json_object_set_new(res_get(s, spec->port_ids[i]),
                            "device_id", json_string(id));
        touch(s, spec->port_ids[i]);
    }
    s->used[CAP_VCPUS] += spec->vcpus;
    s->used[CAP_RAM] += spec->memory_mb;
    return reply(s, token, 0, NULL, id, "ACTIVE",
                 json_pack("{ss*}", "host", spec->host), err);
}

/* Frees what resource 'r' holds (capacity, attachments) and removes it. */
static void
remove_resource(struct sim *s, const char *id, json_t *r)
{
    const char *kind = json_string_value(json_object_get(r, "kind"));
    char key[512];
    size_t i;
    json_t *port;

    if (!strcmp(kind, "compute")) {
        s->used[CAP_VCPUS] -= (uint64_t)json_integer_value(
            json_object_get(r, "vcpus"));
        s->used[CAP_RAM] -= (uint64_t)json_integer_value(
            json_object_get(r, "memory_mb"));
        json_array_foreach(json_object_get(r, "ports"), i, port)
        {
            json_object_del(res_get(s, json_string_value(port)),
                            "device_id");
            touch(s, json_string_value(port));
        }
    } else if (!strcmp(kind, "port")) {
        json_t *net = res_get(
            s, json_string_value(json_object_get(r, "network_id")));

        if (uses_vf(r)) {
            s->used[CAP_VFS]--;
        }
        json_object_del(json_object_get(net, "ports"), id);
        touch(s, json_string_value(json_object_get(r, "network_id")));
    }
    snprintf(key, sizeof key, "%s/%s", kind,
             json_string_value(json_object_get(r, "tag")));
    json_object_del(s->by_tag, key);
    touch(s, id);
    json_object_del(s->res, id);
}

static int
do_delete(struct slc_vim *vim, uint64_t token, enum slc_vim_kind kind,
           const char *vim_id, struct slc_error *err)
{
    struct sim *s = sim_of(vim);
    json_t *r = res_get(s, vim_id);
    char msg[256];

    if (injected(s, SIM_DELETE, NULL)) {
        return reply_injected(s, token, SIM_DELETE, err);
    }
    if (!r || strcmp(json_string_value(json_object_get(r, "kind")),
                     slc_vim_kind_name(kind))) {
        snprintf(msg, sizeof msg, "vim '%s': %s '%s' does not exist",
                 vim->drv.name, slc_vim_kind_name(kind), vim_id);
        return reply(s, token, SLC_ENOTFOUND, msg, NULL, NULL, NULL, err);
    }
    if (kind == SLC_VIM_PORT && json_object_get(r, "device_id")) {
        snprintf(msg, sizeof msg, "vim '%s': port '%s' is attached to '%s'",
                 vim->drv.name, vim_id,
                 json_string_value(json_object_get(r, "device_id")));
        return reply(s, token, SLC_ECONFLICT, msg, NULL, NULL, NULL, err);
    }
    if (kind == SLC_VIM_NETWORK &&
        json_object_size(json_object_get(r, "ports"))) {
        snprintf(msg, sizeof msg, "vim '%s': network '%s' still has %zu "
                 "ports", vim->drv.name, vim_id,
                 json_object_size(json_object_get(r, "ports")));
        return reply(s, token, SLC_ECONFLICT, msg, NULL, NULL, NULL, err);
    }
    remove_resource(s, vim_id, r);
    return reply(s, token, 0, NULL, vim_id, "DELETED", NULL, err);
}

/* A primitive: nothing runs; its output says what would have. */
static int
do_exec(struct slc_vim *vim, uint64_t token,
         const struct slc_vim_exec_spec *spec, struct slc_error *err)
{
    struct sim *s = sim_of(vim);
    const json_t *r = res_get(s, spec->compute_id);
    uint64_t ms = s->latency_ms + s->exec_ms;
    unsigned timeout = spec->timeout_s ? spec->timeout_s : 300;
    char out[1024], msg[300];
    struct timeval tv;
    size_t len;
    int rc = 0;
    bool fails = injected(s, SIM_EXEC, spec->name);

    if (!r || strcmp(json_string_value(json_object_get(r, "kind")),
                     "compute")) {
        snprintf(msg, sizeof msg, "vim '%s': compute '%s' does not exist",
                 vim->drv.name, spec->compute_id);
        return reply(s, token, SLC_ENOTFOUND, msg, NULL, NULL, NULL, err);
    }
    len = (size_t)snprintf(out, sizeof out, "sim: %s", spec->name);
    for (size_t i = 0; spec->argv && spec->argv[i] && len < sizeof out; i++) {
        len += (size_t)snprintf(out + len, sizeof out - len, " %s",
                                spec->argv[i]);
    }
    if (ms > (uint64_t)timeout * 1000) {
        ms = (uint64_t)timeout * 1000;
        rc = SLC_ETIMEOUT;
        snprintf(msg, sizeof msg, "primitive '%s' in %s was killed at its "
                 "timeout", spec->name, spec->compute_id);
    } else if (fails) {
        rc = SLC_EIO;
        snprintf(msg, sizeof msg, "primitive '%s' in %s exited with status "
                 "1: injected failure", spec->name, spec->compute_id);
    }
    tv = (struct timeval){.tv_sec = (time_t)(ms / 1000),
                          .tv_usec = (suseconds_t)(ms % 1000) * 1000};
    return slc_vim_reply(
        &s->up, token, rc, rc ? msg : NULL, spec->compute_id, NULL,
        json_pack("{si ss ss sb sf}", "exit_status",
                  rc == SLC_ETIMEOUT ? 137 : rc ? 1 : 0, "stdout", out,
                  "stderr", rc == SLC_EIO ? "injected failure" : "",
                  "truncated", 0, "seconds", (double)ms / 1000.0),
        &tv, err);
}

static int
do_status(struct slc_vim *vim, uint64_t token, enum slc_vim_kind kind,
           const char *vim_id, struct slc_error *err)
{
    struct sim *s = sim_of(vim);
    json_t *r = res_get(s, vim_id);
    char msg[256];

    if (injected(s, SIM_STATUS, NULL)) {
        return reply_injected(s, token, SIM_STATUS, err);
    }
    if (!r) {
        snprintf(msg, sizeof msg, "vim '%s': %s '%s' does not exist",
                 vim->drv.name, slc_vim_kind_name(kind), vim_id);
        return reply(s, token, SLC_ENOTFOUND, msg, NULL, NULL, NULL, err);
    }
    return reply(s, token, 0, NULL, vim_id,
                 json_string_value(json_object_get(r, "status")),
                 json_deep_copy(r), err);
}

static int
do_find(struct slc_vim *vim, uint64_t token, enum slc_vim_kind kind,
         const char *tag, struct slc_error *err)
{
    struct sim *s = sim_of(vim);
    char key[512], msg[600];
    const char *id;

    if (injected(s, SIM_FIND, NULL)) {
        return reply_injected(s, token, SIM_FIND, err);
    }
    id = json_string_value(
        json_object_get(s->by_tag, tag_key(key, sizeof key, kind, tag)));
    if (!id) {
        snprintf(msg, sizeof msg, "vim '%s': no %s tagged '%s'", vim->drv.name,
                 slc_vim_kind_name(kind), tag);
        return reply(s, token, SLC_ENOTFOUND, msg, NULL, NULL, NULL, err);
    }
    return reply(s, token, 0, NULL, id, "ACTIVE", NULL, err);
}

/* Restores one known resource the sim has forgotten, with its old id. */
static int
restore(struct sim *s, const json_t *k)
{
    const char *id = json_string_value(json_object_get(k, "vim_id"));
    const char *kind = json_string_value(json_object_get(k, "kind"));
    const char *tag = json_string_value(json_object_get(k, "tag"));
    json_t *spec = json_object_get(k, "spec");
    json_t *r = json_is_object(spec) ? json_deep_copy(spec) : json_object();
    char key[512];
    unsigned long long n;

    if (!r) {
        return SLC_ENOMEM;
    }
    json_object_set_new(r, "id", json_string(id));
    json_object_set_new(r, "kind", json_string(kind));
    json_object_set_new(r, "tag", json_string(tag));
    json_object_set_new(r, "status", json_string("ACTIVE"));
    json_object_set_new(r, "name", json_incref(json_object_get(k, "name")));
    if (!strcmp(kind, "network")) {
        json_object_set_new(r, "ports", json_object());
    } else if (!strcmp(kind, "port")) {
        /* the spec names its network as the engine gave it (a VIM id
         * once resolved); recount() links it by network_id */
        json_object_set(r, "network_id", json_object_get(r, "network"));
    }
    touch(s, id);
    if (res_put(s, id, r) ||
        json_object_set_new(s->by_tag,
                            tag_key(key, sizeof key,
                                    (enum slc_vim_kind)
                                        slc_vim_kind_from_name(kind),
                                    tag),
                            json_string(id))) {
        return SLC_ENOMEM;
    }
    if (sscanf(id, "sim-%*[a-z]-%llu", &n) == 1 && n > s->next_id) {
        s->next_id = n;
    }
    return 0;
}

/* Re-links restored ports and computes and recounts capacity. */
static void
recount(struct sim *s)
{
    const char *id;
    json_t *r;

    parse_all(s);
    memset(s->used, 0, sizeof s->used);
    json_object_foreach(s->res, id, r)
    {
        const char *kind = json_string_value(json_object_get(r, "kind"));

        if (!strcmp(kind, "port")) {
            json_t *net = json_object_get(
                s->res, json_string_value(json_object_get(r, "network_id")));

            json_object_set_new(json_object_get(net, "ports"), id,
                                json_true());
            s->used[CAP_VFS] += uses_vf(r);
        } else if (!strcmp(kind, "compute")) {
            size_t i;
            json_t *port;

            s->used[CAP_VCPUS] += (uint64_t)json_integer_value(
                json_object_get(r, "vcpus"));
            s->used[CAP_RAM] += (uint64_t)json_integer_value(
                json_object_get(r, "memory_mb"));
            json_array_foreach(json_object_get(r, "ports"), i, port)
            {
                json_object_set_new(
                    json_object_get(s->res, json_string_value(port)),
                    "device_id", json_string(id));
            }
        }
    }
}

static int
do_reconcile(struct slc_vim *vim, json_t *known,
              struct slc_error *err)
{
    struct sim *s = sim_of(vim);
    json_t *keep = json_object();
    size_t i, restored = 0, removed = 0;
    const char *id;
    json_t *k, *r, *tmp;

    if (!keep) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    parse_all(s);
    json_array_foreach(known, i, k)
    {
        const char *vim_id = json_string_value(json_object_get(k, "vim_id"));

        if (!vim_id || slc_vim_kind_from_name(json_string_value(
                           json_object_get(k, "kind"))) < 0 ||
            !json_string_value(json_object_get(k, "tag"))) {
            continue;
        }
        json_object_set_new(keep, vim_id, json_true());
        if (!json_is_true(json_object_get(k, "uncertain")) &&
            !json_object_get(s->res, vim_id)) {
            if (restore(s, k)) {
                json_decref(keep);
                return slc_error_set(err, SLC_ENOMEM, "out of memory");
            }
            restored++;
        }
    }
    json_object_foreach_safe(s->res, tmp, id, r)
    {
        if (!json_object_get(keep, id)) {
            char key[512];

            snprintf(key, sizeof key, "%s/%s",
                     json_string_value(json_object_get(r, "kind")),
                     json_string_value(json_object_get(r, "tag")));
            SLC_INFO("vim '%s': %s '%s' (%s) is not known to the store: "
                     "deleted",
                     vim->drv.name, json_string_value(json_object_get(r, "kind")),
                     id, json_string_value(json_object_get(r, "tag")));
            json_object_del(s->by_tag, key);
            touch(s, id);
            json_object_del(s->res, id);
            removed++;
        }
    }
    json_decref(keep);
    recount(s);
    json_object_foreach(s->res, id, r)
    {
        touch(s, id); /* recounted */
    }
    SLC_INFO("vim '%s': reconciled: %zu resources restored, %zu removed, "
             "%zu held",
             vim->drv.name, restored, removed, json_object_size(s->res));
    return 0;
}

static json_t *
do_capacity(struct slc_vim *vim)
{
    struct sim *s = sim_of(vim);
    json_t *capacity = json_object();

    for (size_t i = 0; capacity && i < SLC_ARRAY_LEN(cap_names); i++) {
        json_object_set_new(capacity, cap_names[i],
                            json_pack("{sIsI}", "total", (json_int_t)s->cap[i],
                                      "used", (json_int_t)s->used[i]));
    }
    return capacity;
}

static json_t *
do_describe(struct slc_vim *vim)
{
    struct sim *s = sim_of(vim);
    json_t *out = json_object();
    json_t *resources = json_array();
    json_t *capacity = do_capacity(vim);
    json_t *calls = json_object();
    const char *id;
    json_t *r;

    if (!out || !resources || !capacity || !calls) {
        json_decref(out);
        json_decref(resources);
        json_decref(capacity);
        json_decref(calls);
        return NULL;
    }
    parse_all(s);
    json_object_foreach(s->res, id, r)
    {
        json_t *copy = json_deep_copy(r);

        json_object_del(copy, "next_host");
        json_array_append_new(resources, copy);
    }
    for (size_t i = 0; i < SIM_N_CALLS; i++) {
        json_object_set_new(calls, call_names[i].name,
                            json_integer((json_int_t)s->calls[i]));
    }
    json_object_set_new(out, "resources", resources);
    json_object_set_new(out, "capacity", capacity);
    json_object_set_new(out, "calls", calls);
    return out;
}

/* ---- several slicerd: every call on the shared state ---- */

/* The key of the counters beside the resources (not a resource id). */
#define META "~meta"

/* Takes the shared state into the driver (under its lock): read again
 * only when another instance changed it. */
static int
shared_in(struct sim *s, struct slc_error *err)
{
    bool reloaded;
    json_t *meta, *r;
    const json_t *v;
    const char *id;
    size_t i;
    int rc;

    if (!s->shared) {
        return 0;
    }
    if ((rc = vim_shared_lock(s->shared, &s->res, &reloaded, err))) {
        return slc_error_prefix(err, "vim '%s'", s->up.drv.name);
    }
    if (!reloaded) {
        return 0;
    }
    meta = json_incref(json_object_get(s->res, META));
    json_object_del(s->res, META);
    s->next_id = (uint64_t)json_integer_value(json_object_get(meta,
                                                              "next_id"));
    memset(s->used, 0, sizeof s->used);
    json_array_foreach(json_object_get(meta, "used"), i, v)
    {
        if (i < 3) {
            s->used[i] = (uint64_t)json_integer_value(v);
        }
    }
    memset(s->calls, 0, sizeof s->calls);
    json_array_foreach(json_object_get(meta, "calls"), i, v)
    {
        if (i < SIM_N_CALLS) {
            s->calls[i] = (uint64_t)json_integer_value(v);
        }
    }
    json_decref(meta);
    json_object_clear(s->by_tag);
    json_array_clear(s->recent);
    json_object_foreach(s->res, id, r)
    {
        json_array_append_new(s->recent, json_string(id)); /* parsed */
        char key[512];
        int kind = slc_vim_kind_from_name(
            json_string_value(json_object_get(r, "kind")));

        if (kind >= 0 && json_string_value(json_object_get(r, "tag"))) {
            json_object_set_new(
                s->by_tag,
                tag_key(key, sizeof key, (enum slc_vim_kind)kind,
                        json_string_value(json_object_get(r, "tag"))),
                json_string(id));
        }
    }
    return 0;
}

/* Ends every call: turns resources parsed long ago back into text, and
 * with the state shared, writes what the call changed back, with the
 * counters, and gives the lock up. */
static void
shared_out(struct sim *s)
{
    json_t *writes, *used = json_array(), *calls = json_array();
    struct slc_error err = {0};
    const char *id;
    json_t *v;

    if (!s->shared) {
        json_decref(used);
        json_decref(calls);
        pack_old(s);
        return;
    }
    for (size_t i = 0; i < 3; i++) {
        json_array_append_new(used, json_integer((json_int_t)s->used[i]));
    }
    for (size_t i = 0; i < SIM_N_CALLS; i++) {
        json_array_append_new(calls, json_integer((json_int_t)s->calls[i]));
    }
    writes = json_pack("{s{sI so so}}", META, "next_id",
                       (json_int_t)s->next_id, "used", used, "calls", calls);
    json_object_foreach(s->dirty, id, v)
    {
        json_object_set(writes, id, res_get(s, id) ?: json_null());
    }
    json_object_clear(s->dirty);
    if (!writes || vim_shared_write(s->shared, writes, &err)) {
        SLC_ERR("vim '%s': %s", s->up.drv.name,
                writes ? err.msg : "out of memory");
    }
    json_decref(writes);
    pack_old(s);
    vim_shared_unlock(s->shared);
}

static int
sim_create_network(struct slc_vim *vim, uint64_t token,
                   const struct slc_vim_network_spec *spec,
                   struct slc_error *err)
{
    int rc = shared_in(sim_of(vim), err);

    if (!rc) {
        rc = do_create_network(vim, token, spec, err);
        shared_out(sim_of(vim));
    }
    return rc;
}

static int
sim_create_port(struct slc_vim *vim, uint64_t token,
                const struct slc_vim_port_spec *spec, struct slc_error *err)
{
    int rc = shared_in(sim_of(vim), err);

    if (!rc) {
        rc = do_create_port(vim, token, spec, err);
        shared_out(sim_of(vim));
    }
    return rc;
}

static int
sim_create_compute(struct slc_vim *vim, uint64_t token,
                   const struct slc_vim_compute_spec *spec,
                   struct slc_error *err)
{
    int rc = shared_in(sim_of(vim), err);

    if (!rc) {
        rc = do_create_compute(vim, token, spec, err);
        shared_out(sim_of(vim));
    }
    return rc;
}

static int
sim_delete(struct slc_vim *vim, uint64_t token, enum slc_vim_kind kind,
           const char *vim_id, struct slc_error *err)
{
    int rc = shared_in(sim_of(vim), err);

    if (!rc) {
        rc = do_delete(vim, token, kind, vim_id, err);
        shared_out(sim_of(vim));
    }
    return rc;
}

static int
sim_exec(struct slc_vim *vim, uint64_t token,
         const struct slc_vim_exec_spec *spec, struct slc_error *err)
{
    int rc = shared_in(sim_of(vim), err);

    if (!rc) {
        rc = do_exec(vim, token, spec, err);
        shared_out(sim_of(vim));
    }
    return rc;
}

static int
sim_status(struct slc_vim *vim, uint64_t token, enum slc_vim_kind kind,
           const char *vim_id, struct slc_error *err)
{
    int rc = shared_in(sim_of(vim), err);

    if (!rc) {
        rc = do_status(vim, token, kind, vim_id, err);
        shared_out(sim_of(vim));
    }
    return rc;
}

static int
sim_find(struct slc_vim *vim, uint64_t token, enum slc_vim_kind kind,
         const char *tag, struct slc_error *err)
{
    int rc = shared_in(sim_of(vim), err);

    if (!rc) {
        rc = do_find(vim, token, kind, tag, err);
        shared_out(sim_of(vim));
    }
    return rc;
}

static int
sim_reconcile(struct slc_vim *vim, json_t *known, struct slc_error *err)
{
    int rc = shared_in(sim_of(vim), err);

    if (!rc) {
        rc = do_reconcile(vim, known, err);
        shared_out(sim_of(vim));
    }
    return rc;
}

static json_t *
sim_capacity(struct slc_vim *vim)
{
    struct slc_error err = {0};
    json_t *out = NULL;

    if (!shared_in(sim_of(vim), &err)) {
        out = do_capacity(vim);
        shared_out(sim_of(vim));
    }
    return out;
}

static json_t *
sim_describe(struct slc_vim *vim)
{
    struct slc_error err = {0};
    json_t *out = NULL;

    if (!shared_in(sim_of(vim), &err)) {
        out = do_describe(vim);
        shared_out(sim_of(vim));
    }
    return out;
}

const struct slc_vim_class slc_vim_sim_class = {
    .version = SLC_VIM_CLASS_VERSION,
    .type = "sim",
    .check_config = sim_check_config,
    .open = sim_open,
    .close = sim_close,
    .create_network = sim_create_network,
    .create_port = sim_create_port,
    .create_compute = sim_create_compute,
    .exec = sim_exec,
    .delete = sim_delete,
    .status = sim_status,
    .find = sim_find,
    .reconcile = sim_reconcile,
    .describe = sim_describe,
    .capacity = sim_capacity,
};

/* Nova flavors for VDUs: guest EPA to extra specs, flavor names and
 * matching.  See openstack-flavor.h; the rules are descriptors.md §8 and
 * §10, and Nova's checks are those of nova/virt/hardware.py (guest NUMA
 * topology, huge pages). */
#include "openstack-flavor.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slc-id.h"

/* Nova keeps vCPUs, RAM and disk in signed 32-bit database columns. */
#define NOVA_INT_MAX 2147483647u

/* A value as a message quotes it. */
#define SHOW_SIZE 80

/* An EPA value and the extra spec value it maps to (NULL: write none). */
struct epa_value {
    const char *name;
    const char *nova;
};

static const struct epa_value pinning_policies[] = {
    {"static", "dedicated"},
    {"dynamic", NULL}, /* Nova's default, 'shared' */
    {NULL, NULL},
};

static const struct epa_value thread_policies[] = {
    {"PREFER", "prefer"},
    {"ISOLATE", "isolate"},
    {"REQUIRE", "require"},
    /* Nova has no 'avoid' or 'separate' (OSM bug #7): 'isolate' keeps
     * each vCPU on a core of its own, with no sibling thread in use. */
    {"AVOID", "isolate"},
    {"SEPARATE", "isolate"},
    {NULL, NULL},
};

static const struct epa_value mempage_sizes[] = {
    {"LARGE", "large"},  {"SMALL", "small"},      {"SIZE_2MB", "2MB"},
    {"SIZE_1GB", "1GB"}, {"PREFER_LARGE", "any"}, {NULL, NULL},
};

/* Accepted and ignored: Nova always binds a guest NUMA node's memory
 * strictly to one host node, and has no extra spec to ask otherwise
 * (hw:numa_mempolicy, which OSM writes, is not one: OSM bug #8). */
static const struct epa_value mem_policies[] = {
    {"STRICT", NULL},
    {"PREFERRED", NULL},
    {NULL, NULL},
};

/* One flavor being built. */
struct build {
    const struct slc_os_flavor_req *req;
    struct slc_error *err;
    json_t *specs; /* the extra specs written so far */
};

/* What the EPA says of vCPUs. */
struct cpu_epa {
    bool has_count;
    uint64_t count;            /* num-virtual-cpu, when has_count */
    const char *policy;        /* hw:cpu_policy, or NULL */
    const char *thread_policy; /* hw:cpu_thread_policy, or NULL */
};

/* One listed NUMA node, as far as its vCPUs and memory go. */
struct numa_node {
    const json_t *vcpus; /* its 'vcpu' array, or NULL */
    uint64_t demand;     /* vCPUs its cores and threads add up to */
    bool has_memory;
    uint64_t memory_mb;
};

/* What the EPA says of NUMA nodes and of the CPU topology. */
struct numa_epa {
    uint64_t n_nodes;         /* guest NUMA nodes; 0: no NUMA topology */
    struct numa_node *listed; /* the nodes listed, 'n_listed' of them */
    size_t n_listed;
    uint64_t demand;  /* vCPUs their cores and threads add up to */
    int threads;      /* per core: 0 when no node says, -1 unknown */
    uint64_t page_mb; /* explicit huge page size in MB, 0 for none */
};

/* A vCPU placed on a node, for the coverage checks. */
struct placed_vcpu {
    uint64_t id;
    size_t node;
};

static int invalid(const struct build *b, const char *fmt, ...)
    SLC_PRINTF(2, 3);

/* Sets 'err' to SLC_EINVALID with "vdu '<vdu>': " and the message. */
static int
invalid(const struct build *b, const char *fmt, ...)
{
    char msg[SLC_ERROR_MSG_SIZE];
    va_list args;

    va_start(args, fmt);
    vsnprintf(msg, sizeof msg, fmt, args);
    va_end(args);
    return slc_error_set(b->err, SLC_EINVALID, "vdu '%s': %s",
                         b->req->vdu ? b->req->vdu : "", msg);
}

static int
no_memory(const struct build *b)
{
    return slc_error_set(b->err, SLC_ENOMEM, "vdu '%s': flavor: %s",
                         b->req->vdu ? b->req->vdu : "",
                         slc_strerror(SLC_ENOMEM));
}

/* Writes 'v' into 'buf' as a message quotes it: strings in quotes,
 * anything else as compact JSON, cut to fit. */
static const char *
show(const json_t *v, char *buf, size_t size)
{
    char *text;

    if (json_is_string(v)) {
        snprintf(buf, size, "'%.64s'", json_string_value(v));
    } else if ((text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT))) {
        snprintf(buf, size, "%.64s", text);
        free(text);
    } else {
        snprintf(buf, size, "?");
    }
    slc_utf8_scrub(buf);
    return buf;
}

/* Reads the unsigned integer 'v' (the value at EPA path 'path') into
 * '*val', accepting the decimal strings OSM descriptors also use ("4"). */
static int
read_uint(const struct build *b, const json_t *v, const char *path,
          uint64_t min, uint64_t max, uint64_t *val)
{
    char shown[SHOW_SIZE];
    bool ok = false;
    uint64_t n = 0;

    if (json_is_integer(v) && json_integer_value(v) >= 0) {
        n = (uint64_t)json_integer_value(v);
        ok = true;
    } else if (json_is_string(v)) {
        const char *s = json_string_value(v);
        char *end;

        errno = 0;
        n = strtoull(s, &end, 10);
        ok = *s >= '0' && *s <= '9' && !*end && !errno;
    }
    if (!ok || n < min || n > max) {
        return invalid(
            b, "%s: expected an integer in %" PRIu64 "..%" PRIu64 ", got %s",
            path, min, max, show(v, shown, sizeof shown));
    }
    *val = n;
    return 0;
}

/* Reads the unsigned integer 'key' of 'obj' (at 'path') as read_uint
 * does.  When absent, leaves '*val' alone and '*present' (if not NULL)
 * false. */
static int
get_uint(const struct build *b, const json_t *obj, const char *path,
         const char *key, uint64_t min, uint64_t max, uint64_t *val,
         bool *present)
{
    const json_t *v = json_object_get(obj, key);
    char full[256];

    if (present) {
        *present = v != NULL;
    }
    if (!v) {
        return 0;
    }
    snprintf(full, sizeof full, "%s.%s", path, key);
    return read_uint(b, v, full, min, max, val);
}

/* Reads the enumerated value 'key' of 'obj' (at 'path') into '*val': the
 * entry of 'values' it names, or NULL when absent. */
static int
get_enum(const struct build *b, const json_t *obj, const char *path,
         const char *key, const struct epa_value *values,
         const struct epa_value **val)
{
    const json_t *v = json_object_get(obj, key);
    char names[256] = "";
    char shown[SHOW_SIZE];
    size_t len = 0;

    *val = NULL;
    if (!v) {
        return 0;
    }
    for (const struct epa_value *e = values; e->name; e++) {
        if (json_is_string(v) && !strcmp(json_string_value(v), e->name)) {
            *val = e;
            return 0;
        }
        if (len < sizeof names) {
            len += snprintf(names + len, sizeof names - len, "%s%s",
                            e == values ? "" : ", ", e->name);
        }
    }
    return invalid(b, "%s.%s: %s is not one of %s", path, key,
                   show(v, shown, sizeof shown), names);
}

/* Reads the boolean 'key' of 'obj' (at 'path'), true or false or those as
 * strings; false when absent. */
static int
get_bool(const struct build *b, const json_t *obj, const char *path,
         const char *key, bool *val)
{
    const json_t *v = json_object_get(obj, key);
    const char *s = json_string_value(v);
    char shown[SHOW_SIZE];

    *val = json_is_true(v) || (s && !strcmp(s, "true"));
    if (v && !json_is_boolean(v) && !*val && !(s && !strcmp(s, "false"))) {
        return invalid(b, "%s.%s: expected true or false, got %s", path, key,
                       show(v, shown, sizeof shown));
    }
    return 0;
}

/* Reads the member 'key' of 'obj' (at 'path') into '*val' when it is
 * absent (NULL) or of type 'type' (JSON_OBJECT, JSON_ARRAY). */
static int
get_typed(const struct build *b, const json_t *obj, const char *path,
          const char *key, json_type type, const json_t **val)
{
    const json_t *v = json_object_get(obj, key);
    char shown[SHOW_SIZE];

    *val = v;
    if (v && json_typeof(v) != type) {
        return invalid(b, "%s%s%s: expected %s, got %s", path,
                       *path ? "." : "", key,
                       type == JSON_OBJECT ? "an object" : "a list",
                       show(v, shown, sizeof shown));
    }
    return 0;
}

static int
set_spec(const struct build *b, const char *key, const char *value)
{
    if (json_object_set_new(b->specs, key, json_string(value))) {
        return no_memory(b);
    }
    return 0;
}

static int
set_spec_uint(const struct build *b, const char *key, uint64_t value)
{
    char text[24];

    snprintf(text, sizeof text, "%" PRIu64, value);
    return set_spec(b, key, text);
}

/* ---------------------------------------------------------- virtual-cpu */

static int
read_cpu(const struct build *b, const json_t *epa, struct cpu_epa *cpu)
{
    const json_t *vcpu, *pinning = NULL;
    const struct epa_value *policy = NULL, *threads = NULL;
    int rc;

    memset(cpu, 0, sizeof *cpu);
    rc = get_typed(b, epa, "", "virtual-cpu", JSON_OBJECT, &vcpu);
    rc = rc ? rc
            : get_uint(b, vcpu, "virtual-cpu", "num-virtual-cpu", 1,
                       NOVA_INT_MAX, &cpu->count, &cpu->has_count);
    rc = rc ? rc
            : get_typed(b, vcpu, "virtual-cpu", "pinning", JSON_OBJECT,
                        &pinning);
    rc = rc ? rc
            : get_enum(b, pinning, "virtual-cpu.pinning", "policy",
                       pinning_policies, &policy);
    rc = rc ? rc
            : get_enum(b, pinning, "virtual-cpu.pinning", "thread-policy",
                       thread_policies, &threads);
    if (rc) {
        return rc;
    }
    /* Absent means dynamic (YANG default), not dedicated (OSM bug #1);
     * a thread policy only means something for pinned vCPUs. */
    cpu->policy = policy ? policy->nova : NULL;
    cpu->thread_policy = cpu->policy && threads ? threads->nova : NULL;
    return 0;
}

/* ------------------------------------------------------- virtual-memory */

/* How one node asks for its vCPUs: sets 'n->demand', adds it to
 * 'numa->demand' and what it says of threads per core to 'numa->threads'.
 */
static int
read_node_threads(const struct build *b, const json_t *node, const char *path,
                  struct numa_node *n, struct numa_epa *numa)
{
    const json_t *paired;
    uint64_t cores = 0, threads = 0, pairs = 0;
    char paired_path[160];
    int kind, rc;

    rc = get_uint(b, node, path, "num-cores", 0, NOVA_INT_MAX, &cores, NULL);
    rc = rc ? rc
            : get_uint(b, node, path, "num-threads", 0, NOVA_INT_MAX, &threads,
                       NULL);
    rc = rc ? rc
            : get_typed(b, node, path, "paired-threads", JSON_OBJECT, &paired);
    if (rc) {
        return rc;
    }
    if (paired) {
        const json_t *ids;
        bool has_num;

        snprintf(paired_path, sizeof paired_path, "%s.paired-threads", path);
        rc = get_uint(b, paired, paired_path, "num-paired-threads", 0,
                      NOVA_INT_MAX, &pairs, &has_num);
        rc = rc ? rc
                : get_typed(b, paired, paired_path, "paired-thread-ids",
                            JSON_ARRAY, &ids);
        if (rc) {
            return rc;
        }
        /* The ids name host thread pairs, which Nova does not let a
         * flavor choose; only their number counts. */
        if (!has_num) {
            pairs = json_array_size(ids);
        }
    }
    if ((cores > 0) + (threads > 0) + (paired != NULL) > 1) {
        return invalid(b,
                       "%s: gives more than one of num-cores, "
                       "num-threads and paired-threads",
                       path);
    }
    kind = cores ? 1 : paired ? 2 : threads ? -1 : 0;
    if (kind && numa->threads == 0) {
        numa->threads = kind;
    } else if (kind && numa->threads != kind) {
        numa->threads = -1;
    }
    n->demand = cores + threads + 2 * pairs;
    numa->demand += n->demand;
    return 0;
}

/* Reads the node at 'index' of the list at 'path' into 'numa->listed'. */
static int
read_node(const struct build *b, const json_t *node, const char *list_path,
          size_t index, struct numa_epa *numa)
{
    struct numa_node *n = &numa->listed[index];
    uint64_t id;
    char path[128];
    int rc;

    snprintf(path, sizeof path, "%s[%zu]", list_path, index);
    if (!json_is_object(node)) {
        char shown[SHOW_SIZE];

        return invalid(b, "%s: expected an object, got %s", path,
                       show(node, shown, sizeof shown));
    }
    /* The id is checked but not used: Nova numbers guest nodes 0..N-1, so
     * a node's number is its position.  An id of 0 is a node like any
     * other (OSM bug #4 dropped it). */
    rc = get_uint(b, node, path, "id", 0, UINT64_MAX, &id, NULL);
    rc = rc ? rc : get_typed(b, node, path, "vcpu", JSON_ARRAY, &n->vcpus);
    rc = rc ? rc
            : get_uint(b, node, path, "memory-mb", 1, NOVA_INT_MAX,
                       &n->memory_mb, &n->has_memory);
    return rc ? rc : read_node_threads(b, node, path, n, numa);
}

static int
read_numa_policy(const struct build *b, const json_t *policy,
                 struct numa_epa *numa)
{
    static const char path[] = "virtual-memory.numa-node-policy";
    static const char list_path[] = "virtual-memory.numa-node-policy.node";
    const struct epa_value *mem_policy;
    const json_t *nodes, *node;
    bool has_count;
    size_t i;
    int rc;

    rc = get_uint(b, policy, path, "node-cnt", 1, NOVA_INT_MAX, &numa->n_nodes,
                  &has_count);
    rc = rc ? rc
            : get_enum(b, policy, path, "mem-policy", mem_policies,
                       &mem_policy);
    rc = rc ? rc : get_typed(b, policy, path, "node", JSON_ARRAY, &nodes);
    if (rc) {
        return rc;
    }
    numa->n_listed = json_array_size(nodes);
    if (!has_count) {
        numa->n_nodes = numa->n_listed ? numa->n_listed : 1;
    } else if (numa->n_listed > numa->n_nodes) {
        return invalid(b, "%s: %zu nodes listed but node-cnt is %" PRIu64,
                       list_path, numa->n_listed, numa->n_nodes);
    }
    if (numa->n_listed) {
        numa->listed = calloc(numa->n_listed, sizeof *numa->listed);
        if (!numa->listed) {
            return no_memory(b);
        }
    }
    json_array_foreach(nodes, i, node)
    {
        rc = read_node(b, node, list_path, i, numa);
        if (rc) {
            return rc;
        }
    }
    return 0;
}

/* Reads virtual-memory: writes hw:mem_page_size and fills 'numa'. */
static int
read_memory(const struct build *b, const json_t *epa, struct numa_epa *numa)
{
    static const char path[] = "virtual-memory";
    const struct epa_value *page;
    const json_t *vmem, *policy = NULL;
    bool numa_enabled = false;
    int rc;

    rc = get_typed(b, epa, "", path, JSON_OBJECT, &vmem);
    rc = rc ? rc
            : get_enum(b, vmem, path, "mempage-size", mempage_sizes, &page);
    rc = rc ? rc : get_bool(b, vmem, path, "numa-enabled", &numa_enabled);
    rc = rc ? rc
            : get_typed(b, vmem, path, "numa-node-policy", JSON_OBJECT,
                        &policy);
    if (rc) {
        return rc;
    }
    if (page) {
        rc = set_spec(b, "hw:mem_page_size", page->nova);
        numa->page_mb = !strcmp(page->name, "SIZE_2MB")   ? 2
                        : !strcmp(page->name, "SIZE_1GB") ? 1024
                                                          : 0;
    }
    if (!rc && policy) {
        /* The policy decides even with numa-enabled false: OSM reads only
         * the policy (the descriptor check flags the contradiction). */
        rc = read_numa_policy(b, policy, numa);
    } else if (!rc && numa_enabled) {
        /* OSM bug #2: numa-enabled alone asks for one NUMA node. */
        numa->n_nodes = 1;
    }
    return rc;
}

/* ----------------------------------------------------------- vCPU count */

static int
count_vcpus(const struct build *b, const struct cpu_epa *cpu,
            const struct numa_epa *numa, uint64_t *vcpus)
{
    if (cpu->has_count && numa->demand && cpu->count != numa->demand) {
        return invalid(b,
                       "virtual-cpu.num-virtual-cpu is %" PRIu64
                       " but the NUMA nodes' cores and threads add up "
                       "to %" PRIu64 " vCPUs (num-cores + "
                       "2 x num-paired-threads + num-threads)",
                       cpu->count, numa->demand);
    }
    if (cpu->has_count && b->req->vcpus && cpu->count != b->req->vcpus) {
        return invalid(b,
                       "the VDU has %u vCPUs but "
                       "virtual-cpu.num-virtual-cpu is %" PRIu64,
                       b->req->vcpus, cpu->count);
    }
    if (cpu->has_count) {
        *vcpus = cpu->count;
    } else if (numa->demand) {
        /* A record defaults an absent num-virtual-cpu to 1 (OSM bug
         * #15): the NUMA nodes say how many the VDU needs. */
        *vcpus = numa->demand;
    } else {
        *vcpus = b->req->vcpus ? b->req->vcpus : 1;
    }
    if (*vcpus > NOVA_INT_MAX) {
        return invalid(b, "%" PRIu64 " vCPUs: Nova takes at most %u", *vcpus,
                       NOVA_INT_MAX);
    }
    return 0;
}

/* ----------------------------------------------------------------- NUMA */

static int
compare_placed(const void *a_, const void *b_)
{
    const struct placed_vcpu *a = a_, *b = b_;

    if (a->id != b->id) {
        return a->id < b->id ? -1 : 1;
    }
    return a->node < b->node ? -1 : a->node > b->node;
}

/* Collects the vCPU ids of node 'index' after the '*n' in 'placed',
 * and writes hw:numa_cpus.<index> as their sorted comma list. */
static int
place_node_vcpus(const struct build *b, const struct numa_node *node,
                 size_t index, uint64_t vcpus, struct placed_vcpu *placed,
                 size_t *n)
{
    size_t first = *n, i, len = 0;
    const json_t *v;
    char path[128], key[48], *list;
    int rc = 0;

    snprintf(path, sizeof path, "virtual-memory.numa-node-policy.node[%zu]",
             index);
    if (!json_array_size(node->vcpus)) {
        return invalid(b, "%s.vcpu: a NUMA node needs at least one vCPU",
                       path);
    }
    json_array_foreach(node->vcpus, i, v)
    {
        char id_path[192];
        uint64_t id = 0;

        /* {"id": 2} as SOL006 has it, or a bare 2. */
        snprintf(id_path, sizeof id_path, "%s.vcpu[%zu]%s", path, i,
                 json_is_object(v) ? ".id" : "");
        rc = read_uint(b, json_is_object(v) ? json_object_get(v, "id") : v,
                       id_path, 0, NOVA_INT_MAX, &id);
        if (!rc && id >= vcpus) {
            rc = invalid(b,
                         "%s: vCPU %" PRIu64 " does not exist: the "
                         "VDU has %" PRIu64 " vCPUs (0..%" PRIu64 ")",
                         id_path, id, vcpus, vcpus - 1);
        }
        if (rc) {
            return rc;
        }
        placed[(*n)++] = (struct placed_vcpu){.id = id, .node = index};
    }
    qsort(placed + first, *n - first, sizeof *placed, compare_placed);
    list = malloc((*n - first) * 21 + 1);
    if (!list) {
        return no_memory(b);
    }
    list[0] = '\0';
    for (i = first; i < *n; i++) {
        len += sprintf(list + len, "%s%" PRIu64, i == first ? "" : ",",
                       placed[i].id);
    }
    snprintf(key, sizeof key, "hw:numa_cpus.%zu", index);
    rc = set_spec(b, key, list);
    free(list);
    return rc;
}

/* Checks that 'placed' (sorted) holds each of 0..vcpus-1 exactly once, as
 * Nova requires of hw:numa_cpus.N. */
static int
check_coverage(const struct build *b, const struct placed_vcpu *placed,
               size_t n, uint64_t vcpus)
{
    static const char path[] = "virtual-memory.numa-node-policy.node";
    uint64_t missing = n;

    for (size_t i = 0; i + 1 < n; i++) {
        if (placed[i].id != placed[i + 1].id) {
            continue;
        }
        if (placed[i].node == placed[i + 1].node) {
            return invalid(b,
                           "%s[%zu].vcpu: vCPU %" PRIu64 " is listed "
                           "twice",
                           path, placed[i].node, placed[i].id);
        }
        return invalid(b,
                       "%s: vCPU %" PRIu64 " is on both node[%zu] and "
                       "node[%zu]",
                       path, placed[i].id, placed[i].node, placed[i + 1].node);
    }
    for (size_t i = 0; i < n; i++) {
        if (placed[i].id != i) {
            missing = i;
            break;
        }
    }
    if (missing < vcpus) {
        return invalid(b,
                       "%s: vCPU %" PRIu64 " is on no node; Nova needs "
                       "the nodes' vcpu lists to hold each of "
                       "0..%" PRIu64 " once",
                       path, missing, vcpus - 1);
    }
    return 0;
}

/* Writes hw:numa_cpus.N and hw:numa_mem.N for nodes that give their
 * vCPUs and memory, with the checks Nova makes of them. */
static int
write_numa_placement(const struct build *b, const struct numa_epa *numa,
                     uint64_t vcpus)
{
    static const char path[] = "virtual-memory.numa-node-policy.node";
    struct placed_vcpu *placed;
    size_t n_placed = 0, total = 0;
    uint64_t memory_mb = 0;
    int rc = 0;

    if (numa->n_listed != numa->n_nodes) {
        return invalid(b,
                       "%s: only %zu of the %" PRIu64 " nodes "
                       "(node-cnt) are listed; Nova needs the vCPUs and "
                       "memory of every node once one node gives them",
                       path, numa->n_listed, numa->n_nodes);
    }
    for (size_t i = 0; i < numa->n_listed; i++) {
        const struct numa_node *node = &numa->listed[i];

        if (!node->vcpus || !node->has_memory) {
            return invalid(b,
                           "%s[%zu]: gives %s but not %s; Nova needs "
                           "both on every node once one node gives "
                           "them",
                           path, i, node->vcpus ? "vcpu" : "memory-mb",
                           node->vcpus ? "memory-mb" : "vcpu");
        }
        if (node->demand && node->demand != json_array_size(node->vcpus)) {
            return invalid(b,
                           "%s[%zu]: %zu vCPUs listed but its cores and "
                           "threads make %" PRIu64,
                           path, i, json_array_size(node->vcpus),
                           node->demand);
        }
        total += json_array_size(node->vcpus);
    }
    placed = malloc((total ? total : 1) * sizeof *placed);
    if (!placed) {
        return no_memory(b);
    }
    for (size_t i = 0; !rc && i < numa->n_listed; i++) {
        char key[48];

        rc =
            place_node_vcpus(b, &numa->listed[i], i, vcpus, placed, &n_placed);
        snprintf(key, sizeof key, "hw:numa_mem.%zu", i);
        rc = rc ? rc : set_spec_uint(b, key, numa->listed[i].memory_mb);
        memory_mb += numa->listed[i].memory_mb;
    }
    if (!rc) {
        qsort(placed, n_placed, sizeof *placed, compare_placed);
        rc = check_coverage(b, placed, n_placed, vcpus);
    }
    free(placed);
    if (!rc && memory_mb != b->req->memory_mb) {
        rc = invalid(b,
                     "%s: the nodes' memory-mb add up to %" PRIu64
                     " MB but the VDU has %" PRIu64 " MB",
                     path, memory_mb, b->req->memory_mb);
    }
    return rc;
}

/* Checks that each guest NUMA node's memory is a whole number of the huge
 * pages asked for: Nova finds no host for it otherwise. */
static int
check_pages(const struct build *b, const struct numa_epa *numa, bool placed)
{
    uint64_t cells = numa->n_nodes ? numa->n_nodes : 1;

    for (uint64_t i = 0; numa->page_mb && i < cells; i++) {
        uint64_t mb =
            placed ? numa->listed[i].memory_mb : b->req->memory_mb / cells;

        if (mb % numa->page_mb) {
            return invalid(b,
                           "virtual-memory.mempage-size: guest NUMA "
                           "node %" PRIu64 " has %" PRIu64 " MB, not a "
                           "whole number of %" PRIu64 " MB pages",
                           i, mb, numa->page_mb);
        }
    }
    return 0;
}

static int
write_numa(const struct build *b, const struct numa_epa *numa, uint64_t vcpus)
{
    bool placed = false;
    int rc;

    for (size_t i = 0; i < numa->n_listed; i++) {
        placed |= numa->listed[i].vcpus || numa->listed[i].has_memory;
    }
    if (numa->n_nodes) {
        rc = set_spec_uint(b, "hw:numa_nodes", numa->n_nodes);
        if (rc) {
            return rc;
        }
    }
    if (placed) {
        rc = write_numa_placement(b, numa, vcpus);
    } else if (numa->n_nodes &&
               (vcpus % numa->n_nodes || b->req->memory_mb % numa->n_nodes)) {
        /* Nova splits vCPUs and memory evenly itself, or refuses. */
        rc = invalid(b,
                     "virtual-memory.numa-node-policy: %" PRIu64
                     " vCPUs and %" PRIu64 " MB do not split evenly "
                     "over %" PRIu64 " NUMA nodes",
                     vcpus, b->req->memory_mb, numa->n_nodes);
    } else {
        rc = 0;
    }
    return rc ? rc : check_pages(b, numa, placed);
}

/* Guest CPU topology, only when the nodes say how many threads a core
 * has: Nova reads hw:cpu_cores and hw:cpu_threads per socket and per
 * core, not as totals (OSM bug #6), so they must multiply to the vCPUs. */
static int
write_topology(const struct build *b, const struct numa_epa *numa,
               uint64_t vcpus)
{
    uint64_t sockets = numa->n_nodes ? numa->n_nodes : 1;
    uint64_t threads = numa->threads > 0 ? (uint64_t)numa->threads : 0;
    int rc;

    if (!threads || vcpus % (sockets * threads)) {
        return 0;
    }
    rc = set_spec_uint(b, "hw:cpu_sockets", sockets);
    rc = rc ? rc
            : set_spec_uint(b, "hw:cpu_cores", vcpus / (sockets * threads));
    return rc ? rc : set_spec_uint(b, "hw:cpu_threads", threads);
}

/* --------------------------------------------------------------- flavor */

static int
check_sizes(const struct build *b)
{
    if (b->req->memory_mb < 1 || b->req->memory_mb > NOVA_INT_MAX) {
        return invalid(b, "memory of %" PRIu64 " MB: Nova takes 1..%u",
                       b->req->memory_mb, NOVA_INT_MAX);
    }
    if (b->req->disk_gb > NOVA_INT_MAX) {
        return invalid(b, "disk of %" PRIu64 " GB: Nova takes 0..%u",
                       b->req->disk_gb, NOVA_INT_MAX);
    }
    return 0;
}

int
slc_os_flavor_build(const struct slc_os_flavor_req *req, json_t **out,
                    struct slc_error *err)
{
    struct build b = {.req = req, .err = err};
    struct numa_epa numa = {0};
    struct cpu_epa cpu;
    uint64_t vcpus = 0;
    char shown[SHOW_SIZE];
    int rc;

    *out = NULL;
    if (req->epa && !json_is_object(req->epa)) {
        return invalid(&b, "guest EPA: expected an object, got %s",
                       show(req->epa, shown, sizeof shown));
    }
    b.specs = json_object();
    if (!b.specs) {
        return no_memory(&b);
    }
    rc = read_cpu(&b, req->epa, &cpu);
    rc = rc ? rc : read_memory(&b, req->epa, &numa);
    rc = rc ? rc : count_vcpus(&b, &cpu, &numa, &vcpus);
    rc = rc ? rc : check_sizes(&b);
    if (!rc && cpu.policy) {
        rc = set_spec(&b, "hw:cpu_policy", cpu.policy);
    }
    if (!rc && cpu.thread_policy) {
        rc = set_spec(&b, "hw:cpu_thread_policy", cpu.thread_policy);
    }
    rc = rc ? rc : write_numa(&b, &numa, vcpus);
    rc = rc ? rc : write_topology(&b, &numa, vcpus);
    if (!rc) {
        *out = json_pack("{sIsIsIsO}", "vcpus", (json_int_t)vcpus, "ram",
                         (json_int_t)req->memory_mb, "disk",
                         (json_int_t)req->disk_gb, "extra_specs", b.specs);
        rc = *out ? 0 : no_memory(&b);
    }
    free(numa.listed);
    json_decref(b.specs);
    return rc;
}

/* ------------------------------------------------------ names, matching */

/* The text of an extra spec value: Nova's are strings; integers and
 * booleans are written as Nova would store them.  NULL for others. */
static const char *
spec_text(const json_t *v, char *buf, size_t size)
{
    if (json_is_string(v)) {
        return json_string_value(v);
    }
    if (json_is_integer(v)) {
        snprintf(buf, size, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return buf;
    }
    if (json_is_boolean(v)) {
        return json_is_true(v) ? "true" : "false";
    }
    return NULL;
}

void
slc_os_flavor_name(const json_t *flavor, char *buf, size_t size)
{
    const json_t *specs = json_object_get(flavor, "extra_specs");
    const char *prev = NULL;
    uint64_t hash = SLC_FNV1A64_INIT;

    /* "key=value;" in key order.  Picking the next key by a scan keeps
     * this free of allocation, which could fail; a flavor has a few
     * dozen specs at most. */
    for (;;) {
        const char *key, *next = NULL, *value;
        const json_t *v;
        char text[24];

        json_object_foreach((json_t *)specs, key, v)
        {
            if ((!prev || strcmp(key, prev) > 0) &&
                (!next || strcmp(key, next) < 0)) {
                next = key;
            }
        }
        if (!next) {
            break;
        }
        value = spec_text(json_object_get(specs, next), text, sizeof text);
        hash = slc_fnv1a64(hash, next);
        hash = slc_fnv1a64(hash, "=");
        hash = slc_fnv1a64(hash, value ? value : "");
        hash = slc_fnv1a64(hash, ";");
        prev = next;
    }
    snprintf(buf, size,
             "slicer-%" JSON_INTEGER_FORMAT "c%" JSON_INTEGER_FORMAT
             "m%" JSON_INTEGER_FORMAT "g-%08" PRIx32,
             json_integer_value(json_object_get(flavor, "vcpus")),
             json_integer_value(json_object_get(flavor, "ram")),
             json_integer_value(json_object_get(flavor, "disk")),
             (uint32_t)(hash ^ hash >> 32));
}

/* True for an absent ephemeral or swap size, 0, or "" (Nova's swap of 0
 * before microversion 2.75). */
static bool
is_no_size(const json_t *v)
{
    return !v || (json_is_integer(v) && json_integer_value(v) == 0) ||
           (json_is_string(v) && !*json_string_value(v));
}

static bool
specs_equal(const json_t *have, const json_t *want)
{
    const char *key;
    const json_t *w;

    if (!json_is_object(have) || !json_is_object(want) ||
        json_object_size(have) != json_object_size(want)) {
        return false;
    }
    json_object_foreach((json_t *)want, key, w)
    {
        char have_buf[24], want_buf[24];
        const char *h_text =
            spec_text(json_object_get(have, key), have_buf, sizeof have_buf);
        const char *w_text = spec_text(w, want_buf, sizeof want_buf);

        if (!h_text || !w_text || strcmp(h_text, w_text)) {
            return false;
        }
    }
    return true;
}

bool
slc_os_flavor_matches(const json_t *have, const json_t *want)
{
    static const char *const sizes[] = {"vcpus", "ram", "disk"};

    if (!json_is_object(have) || !json_is_object(want)) {
        return false;
    }
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        const json_t *h = json_object_get(have, sizes[i]);
        const json_t *w = json_object_get(want, sizes[i]);

        if (!json_is_integer(h) || !json_is_integer(w) ||
            json_integer_value(h) != json_integer_value(w)) {
            return false;
        }
    }
    return is_no_size(json_object_get(have, "OS-FLV-EXT-DATA:ephemeral")) &&
           is_no_size(json_object_get(have, "swap")) &&
           !json_is_true(json_object_get(have, "OS-FLV-DISABLED:disabled")) &&
           specs_equal(json_object_get(have, "extra_specs"),
                       json_object_get(want, "extra_specs"));
}

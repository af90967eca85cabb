/* Unit tests of the Nova flavors of VDUs: guest EPA to extra specs (the
 * template and the OSM example included), Nova's NUMA checks, flavor
 * names and matching flavors Nova lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "openstack-flavor.h"
#include "slc-yaml.h"

#ifndef SLC_SOURCE_DIR
#define SLC_SOURCE_DIR "/work/main"
#endif
#ifndef SLC_EXAMPLES_DIR
#define SLC_EXAMPLES_DIR SLC_SOURCE_DIR "/../shared/osm-examples"
#endif

/* Parses the JSON text 'text'; NULL for NULL. */
static json_t *
parse(const char *text)
{
    json_error_t error;
    json_t *v;

    if (!text) {
        return NULL;
    }
    v = json_loads(text, 0, &error);
    if (!v) {
        fail_msg("bad JSON in the test: %s: %s", error.text, text);
    }
    return v;
}

/* Builds the flavor for the guest EPA 'epa' (JSON text, or NULL) and the
 * sizes given, failing the test on an error. */
static json_t *
build_ok(unsigned vcpus, uint64_t memory_mb, uint64_t disk_gb, const char *epa)
{
    json_t *epa_json = parse(epa);
    struct slc_os_flavor_req req = {
        .vdu = "vdu1",
        .vcpus = vcpus,
        .memory_mb = memory_mb,
        .disk_gb = disk_gb,
        .epa = epa_json,
    };
    struct slc_error err = {0};
    json_t *flavor;

    if (slc_os_flavor_build(&req, &flavor, &err)) {
        fail_msg("build failed: %s", err.msg);
    }
    json_decref(epa_json);
    return flavor;
}

/* Asserts that the extra specs of 'flavor' are exactly 'want' (JSON text),
 * and releases 'flavor'. */
static void
assert_specs(json_t *flavor, const char *want)
{
    json_t *want_json = parse(want);
    const json_t *specs = json_object_get(flavor, "extra_specs");

    if (!json_equal(specs, want_json)) {
        char *have = json_dumps(specs, JSON_SORT_KEYS);

        fprintf(stderr, "have: %s\nwant: %s\n", have, want);
        free(have);
        fail_msg("extra specs differ");
    }
    json_decref(want_json);
    json_decref(flavor);
}

/* Asserts that building fails with SLC_EINVALID and a message holding
 * 'text1' and 'text2' (which may be NULL). */
static void
build_fails(unsigned vcpus, uint64_t memory_mb, const char *epa,
            const char *text1, const char *text2)
{
    json_t *epa_json = parse(epa);
    struct slc_os_flavor_req req = {
        .vdu = "vdu1",
        .vcpus = vcpus,
        .memory_mb = memory_mb,
        .disk_gb = 1,
        .epa = epa_json,
    };
    struct slc_error err = {0};
    json_t *flavor = (json_t *)1;

    assert_int_equal(slc_os_flavor_build(&req, &flavor, &err), SLC_EINVALID);
    assert_null(flavor);
    assert_int_equal(err.code, SLC_EINVALID);
    if (!strstr(err.msg, "vdu 'vdu1': ") || !strstr(err.msg, text1) ||
        (text2 && !strstr(err.msg, text2))) {
        fail_msg("message \"%s\" lacks \"%s\" or \"%s\"", err.msg, text1,
                 text2 ? text2 : "");
    }
    json_decref(epa_json);
}

/* The guest EPA of the first virtual-compute-desc of the VNFD in 'path'
 * (a new reference). */
static json_t *
load_epa(const char *path)
{
    struct slc_diags diags = SLC_DIAGS_INIT;
    struct slc_yaml_doc *doc;
    const json_t *vcd;
    json_t *epa;

    if (slc_yaml_load_file(path, NULL, &doc, &diags)) {
        slc_diags_print(&diags, stderr);
        fail_msg("cannot load %s", path);
    }
    vcd = json_array_get(
        json_object_get(json_object_get(slc_yaml_root(doc), "vnfd"),
                        "virtual-compute-desc"),
        0);
    epa =
        json_pack("{sOsO}", "virtual-cpu", json_object_get(vcd, "virtual-cpu"),
                  "virtual-memory", json_object_get(vcd, "virtual-memory"));
    assert_non_null(epa);
    slc_yaml_free(doc);
    slc_diags_clear(&diags);
    return epa;
}

static json_t *
build_loaded(const char *path, unsigned vcpus, uint64_t memory_mb)
{
    json_t *epa = load_epa(path);
    struct slc_os_flavor_req req = {
        .vdu = "vdu1",
        .vcpus = vcpus,
        .memory_mb = memory_mb,
        .disk_gb = 8,
        .epa = epa,
    };
    struct slc_error err = {0};
    json_t *flavor;

    if (slc_os_flavor_build(&req, &flavor, &err)) {
        fail_msg("%s: %s", path, err.msg);
    }
    json_decref(epa);
    return flavor;
}

static void
test_no_epa(void **state)
{
    json_t *want = parse("{\"vcpus\": 2, \"ram\": 1536, \"disk\": 10,"
                         " \"extra_specs\": {}}");
    json_t *flavor = build_ok(2, 1536, 10, NULL);

    (void)state;
    /* MiB kept as given, not rounded to GB (OSM bug #11). */
    assert_true(json_equal(flavor, want));
    json_decref(flavor);
    flavor = build_ok(2, 1536, 10, "{}");
    assert_true(json_equal(flavor, want));
    json_decref(flavor);
    json_decref(want);
    /* No count anywhere: SOL006's default of one vCPU. */
    flavor = build_ok(0, 512, 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(flavor, "vcpus")), 1);
    json_decref(flavor);
}

static void
test_dataplane_template(void **state)
{
    json_t *flavor = build_loaded(
        SLC_SOURCE_DIR "/templates/vnfd/epa_dataplane_vnfd.yaml", 4, 4096);

    (void)state;
    assert_int_equal(json_integer_value(json_object_get(flavor, "vcpus")), 4);
    assert_int_equal(json_integer_value(json_object_get(flavor, "ram")), 4096);
    assert_int_equal(json_integer_value(json_object_get(flavor, "disk")), 8);
    /* Node id 0 is kept (OSM bug #4); no hw:numa_mempolicy (bug #8); the
     * topology is 1 socket x 4 cores x 1 thread, not totals (bug #6). */
    assert_specs(flavor, "{\"hw:cpu_policy\": \"dedicated\","
                         " \"hw:cpu_thread_policy\": \"isolate\","
                         " \"hw:mem_page_size\": \"1GB\","
                         " \"hw:numa_nodes\": \"1\","
                         " \"hw:numa_cpus.0\": \"0,1,2,3\","
                         " \"hw:numa_mem.0\": \"4096\","
                         " \"hw:cpu_sockets\": \"1\","
                         " \"hw:cpu_cores\": \"4\","
                         " \"hw:cpu_threads\": \"1\"}");
}

static void
test_osm_example(void **state)
{
    /* No num-virtual-cpu, so the record says 1 vCPU; 17 paired threads
     * make 34 (OSM bug #15).  node-cnt and the node id are strings. */
    json_t *flavor =
        build_loaded(SLC_EXAMPLES_DIR "/epa_sol006.yaml", 1, 32768);

    (void)state;
    assert_int_equal(json_integer_value(json_object_get(flavor, "vcpus")), 34);
    assert_specs(flavor, "{\"hw:cpu_policy\": \"dedicated\","
                         " \"hw:cpu_thread_policy\": \"prefer\","
                         " \"hw:mem_page_size\": \"large\","
                         " \"hw:numa_nodes\": \"1\","
                         " \"hw:cpu_sockets\": \"1\","
                         " \"hw:cpu_cores\": \"17\","
                         " \"hw:cpu_threads\": \"2\"}");
}

static void
test_pinning(void **state)
{
    (void)state;
    /* Only static pins (OSM bug #1); a thread policy needs pinning. */
    assert_specs(build_ok(2, 1024, 1,
                          "{\"virtual-cpu\": {\"pinning\": {\"policy\":"
                          " \"dynamic\", \"thread-policy\": \"ISOLATE\"}}}"),
                 "{}");
    assert_specs(build_ok(2, 1024, 1, "{\"virtual-cpu\": {\"pinning\": {}}}"),
                 "{}");
    assert_specs(build_ok(2, 1024, 1,
                          "{\"virtual-cpu\": {\"pinning\": {\"policy\":"
                          " \"static\"}}}"),
                 "{\"hw:cpu_policy\": \"dedicated\"}");
    /* Nova has no 'avoid' or 'separate' (OSM bug #7). */
    assert_specs(build_ok(2, 1024, 1,
                          "{\"virtual-cpu\": {\"pinning\": {\"policy\":"
                          " \"static\", \"thread-policy\": \"AVOID\"}}}"),
                 "{\"hw:cpu_policy\": \"dedicated\","
                 " \"hw:cpu_thread_policy\": \"isolate\"}");
    assert_specs(build_ok(2, 1024, 1,
                          "{\"virtual-cpu\": {\"pinning\": {\"policy\":"
                          " \"static\", \"thread-policy\": \"SEPARATE\"}}}"),
                 "{\"hw:cpu_policy\": \"dedicated\","
                 " \"hw:cpu_thread_policy\": \"isolate\"}");
    assert_specs(build_ok(2, 1024, 1,
                          "{\"virtual-cpu\": {\"pinning\": {\"policy\":"
                          " \"static\", \"thread-policy\": \"REQUIRE\"}}}"),
                 "{\"hw:cpu_policy\": \"dedicated\","
                 " \"hw:cpu_thread_policy\": \"require\"}");
    build_fails(2, 1024,
                "{\"virtual-cpu\": {\"pinning\": {\"policy\": "
                "\"floating\"}}}",
                "virtual-cpu.pinning.policy: 'floating' is not one of "
                "static, dynamic",
                NULL);
    build_fails(2, 1024,
                "{\"virtual-cpu\": {\"pinning\": {\"policy\": \"dynamic\","
                " \"thread-policy\": \"prefer\"}}}",
                "virtual-cpu.pinning.thread-policy", "'prefer'");
    build_fails(2, 1024, "{\"virtual-cpu\": {\"pinning\": \"static\"}}",
                "virtual-cpu.pinning: expected an object", "'static'");
}

static void
test_mempage(void **state)
{
    static const char *const pages[][2] = {
        {"LARGE", "large"},  {"SMALL", "small"},      {"SIZE_2MB", "2MB"},
        {"SIZE_1GB", "1GB"}, {"PREFER_LARGE", "any"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof pages / sizeof *pages; i++) {
        char epa[128], want[128];

        snprintf(epa, sizeof epa,
                 "{\"virtual-memory\": {\"mempage-size\": \"%s\"}}",
                 pages[i][0]);
        snprintf(want, sizeof want, "{\"hw:mem_page_size\": \"%s\"}",
                 pages[i][1]);
        assert_specs(build_ok(1, 2048, 1, epa), want);
    }
    build_fails(1, 2048, "{\"virtual-memory\": {\"mempage-size\": \"HUGE\"}}",
                "virtual-memory.mempage-size: 'HUGE' is not one of", "LARGE");
    /* Nova finds no host for memory that is not whole pages. */
    build_fails(1, 1536,
                "{\"virtual-memory\": {\"mempage-size\": \"SIZE_1GB\"}}",
                "1536 MB, not a whole number of 1024 MB pages", NULL);
}

static void
test_numa_enabled(void **state)
{
    (void)state;
    /* OSM bug #2: numa-enabled alone asks for one node. */
    assert_specs(
        build_ok(2, 2048, 1, "{\"virtual-memory\": {\"numa-enabled\": true}}"),
        "{\"hw:numa_nodes\": \"1\"}");
    assert_specs(build_ok(2, 2048, 1,
                          "{\"virtual-memory\": {\"numa-enabled\":"
                          " \"true\"}}"),
                 "{\"hw:numa_nodes\": \"1\"}");
    assert_specs(build_ok(2, 2048, 1,
                          "{\"virtual-memory\": {\"numa-enabled\": false}}"),
                 "{}");
    build_fails(2, 2048, "{\"virtual-memory\": {\"numa-enabled\": \"yes\"}}",
                "virtual-memory.numa-enabled: expected true or false",
                "'yes'");
    /* Nodes without vCPUs and memory: the count only; mem-policy is never
     * written (OSM bug #8). */
    assert_specs(build_ok(4, 4096, 1,
                          "{\"virtual-memory\": {\"numa-node-policy\":"
                          " {\"node-cnt\": \"2\", \"mem-policy\":"
                          " \"PREFERRED\", \"node\": [{\"id\": 0}]}}}"),
                 "{\"hw:numa_nodes\": \"2\"}");
    build_fails(3, 4096,
                "{\"virtual-memory\": {\"numa-node-policy\":"
                " {\"node-cnt\": 2}}}",
                "3 vCPUs and 4096 MB do not split evenly over 2 NUMA nodes",
                NULL);
    build_fails(4, 4096,
                "{\"virtual-memory\": {\"numa-node-policy\":"
                " {\"mem-policy\": \"LOOSE\"}}}",
                "virtual-memory.numa-node-policy.mem-policy: 'LOOSE'",
                "STRICT, PREFERRED");
}

/* A NUMA policy of two nodes with the given vCPU lists and memory. */
static const char *
two_nodes(char *buf, size_t size, const char *cpus0, unsigned mem0,
          const char *cpus1, unsigned mem1)
{
    snprintf(buf, size,
             "{\"virtual-memory\": {\"numa-node-policy\": {\"node\": ["
             "{\"id\": 3, \"vcpu\": %s, \"memory-mb\": %u},"
             "{\"id\": 0, \"vcpu\": %s, \"memory-mb\": \"%u\"}]}}}",
             cpus0, mem0, cpus1, mem1);
    return buf;
}

static void
test_numa_nodes(void **state)
{
    char epa[512];

    (void)state;
    /* Guest nodes are numbered by position, whatever their ids; node id 0
     * is kept (OSM bug #4). */
    assert_specs(
        build_ok(4, 3072, 1,
                 two_nodes(epa, sizeof epa, "[{\"id\": 3}, {\"id\": \"2\"}]",
                           1024, "[{\"id\": 0}, {\"id\": 1}]", 2048)),
        "{\"hw:numa_nodes\": \"2\","
        " \"hw:numa_cpus.0\": \"2,3\", \"hw:numa_mem.0\": \"1024\","
        " \"hw:numa_cpus.1\": \"0,1\", \"hw:numa_mem.1\": \"2048\"}");
    assert_specs(build_ok(1, 1024, 1,
                          "{\"virtual-memory\": {\"numa-node-policy\":"
                          " {\"node-cnt\": 1, \"node\": [{\"id\": 0,"
                          " \"vcpu\": [{\"id\": 0}], \"memory-mb\": 1024}]"
                          "}}}"),
                 "{\"hw:numa_nodes\": \"1\","
                 " \"hw:numa_cpus.0\": \"0\", \"hw:numa_mem.0\": \"1024\"}");
}

static void
test_numa_errors(void **state)
{
    char epa[512];

    (void)state;
    build_fails(4, 4096,
                two_nodes(epa, sizeof epa, "[0, 1]", 1024, "[2, 3]", 2048),
                "memory-mb add up to 3072 MB", "the VDU has 4096 MB");
    build_fails(4, 3072,
                two_nodes(epa, sizeof epa, "[0, 1]", 1024, "[2]", 2048),
                "vCPU 3 is on no node", "0..3");
    build_fails(4, 3072,
                two_nodes(epa, sizeof epa, "[0, 1]", 1024, "[1, 2, 3]", 2048),
                "vCPU 1 is on both node[0] and node[1]", NULL);
    build_fails(4, 3072,
                two_nodes(epa, sizeof epa, "[0, 0, 1]", 1024, "[2, 3]", 2048),
                "node[0].vcpu: vCPU 0 is listed twice", NULL);
    build_fails(4, 3072,
                two_nodes(epa, sizeof epa, "[0, 1]", 1024,
                          "[{\"id\": 2}, {\"id\": 4}]", 2048),
                "node[1].vcpu[1].id: vCPU 4 does not exist", "(0..3)");
    build_fails(4, 3072,
                two_nodes(epa, sizeof epa, "[0, 1]", 1024, "[]", 2048),
                "node[1].vcpu: a NUMA node needs at least one vCPU", NULL);
    build_fails(4, 3072,
                two_nodes(epa, sizeof epa, "[0, 1]", 1024, "[\"x\"]", 2048),
                "node[1].vcpu[0]: expected an integer", "'x'");
    build_fails(4, 4096,
                "{\"virtual-memory\": {\"numa-node-policy\": {\"node\": ["
                "{\"id\": 0, \"vcpu\": [0, 1], \"memory-mb\": 2048},"
                "{\"id\": 1, \"vcpu\": [2, 3]}]}}}",
                "node[1]: gives vcpu but not memory-mb", NULL);
    build_fails(4, 4096,
                "{\"virtual-memory\": {\"numa-node-policy\": {\"node-cnt\":"
                " 2, \"node\": [{\"id\": 0, \"vcpu\": [0, 1, 2, 3],"
                " \"memory-mb\": 4096}]}}}",
                "only 1 of the 2 nodes (node-cnt) are listed", NULL);
    build_fails(4, 4096,
                "{\"virtual-memory\": {\"numa-node-policy\": {\"node-cnt\":"
                " 1, \"node\": [{\"id\": 0}, {\"id\": 1}]}}}",
                "2 nodes listed but node-cnt is 1", NULL);
    build_fails(4, 4096,
                "{\"virtual-memory\": {\"numa-node-policy\": {\"node-cnt\":"
                " \"two\"}}}",
                "virtual-memory.numa-node-policy.node-cnt: expected an "
                "integer",
                "'two'");
}

static void
test_vcpu_count(void **state)
{
    static const char cores6[] =
        "{\"virtual-cpu\": {\"num-virtual-cpu\": 4}, \"virtual-memory\":"
        " {\"numa-node-policy\": {\"node\": [{\"id\": 0, \"num-cores\":"
        " 6}]}}}";
    json_t *flavor;

    (void)state;
    build_fails(4, 2048, cores6, "num-virtual-cpu is 4", "add up to 6 vCPUs");
    /* No num-virtual-cpu: the nodes decide, not the record's default. */
    flavor = build_ok(1, 2048, 1,
                      "{\"virtual-memory\": {\"numa-node-policy\": {\"node\":"
                      " [{\"id\": 0, \"num-cores\": \"6\"}]}}}");
    assert_int_equal(json_integer_value(json_object_get(flavor, "vcpus")), 6);
    assert_specs(flavor, "{\"hw:numa_nodes\": \"1\", \"hw:cpu_sockets\":"
                         " \"1\", \"hw:cpu_cores\": \"6\","
                         " \"hw:cpu_threads\": \"1\"}");
    flavor = build_ok(0, 2048, 1,
                      "{\"virtual-cpu\": {\"num-virtual-cpu\":"
                      " \"3\"}}");
    assert_int_equal(json_integer_value(json_object_get(flavor, "vcpus")), 3);
    json_decref(flavor);
    build_fails(2, 2048, "{\"virtual-cpu\": {\"num-virtual-cpu\": 4}}",
                "the VDU has 2 vCPUs", "virtual-cpu.num-virtual-cpu is 4");
    build_fails(0, 2048, "{\"virtual-cpu\": {\"num-virtual-cpu\": -1}}",
                "virtual-cpu.num-virtual-cpu: expected an integer in 1..",
                "got -1");
    build_fails(0, 2048, "{\"virtual-cpu\": {\"num-virtual-cpu\": \"4x\"}}",
                "virtual-cpu.num-virtual-cpu", "'4x'");
    build_fails(1, 0, NULL, "memory of 0 MB", NULL);
    build_fails(1, 1024, "[]", "guest EPA: expected an object", NULL);
}

static void
test_topology(void **state)
{
    (void)state;
    /* Paired threads: two threads per core. */
    assert_specs(build_ok(4, 4096, 1,
                          "{\"virtual-memory\": {\"numa-node-policy\":"
                          " {\"node\": [{\"id\": 0, \"paired-threads\":"
                          " {\"num-paired-threads\": 2}}]}}}"),
                 "{\"hw:numa_nodes\": \"1\", \"hw:cpu_sockets\": \"1\","
                 " \"hw:cpu_cores\": \"2\", \"hw:cpu_threads\": \"2\"}");
    /* The pairs listed count when their number is not given. */
    assert_specs(build_ok(4, 4096, 1,
                          "{\"virtual-memory\": {\"numa-node-policy\":"
                          " {\"node\": [{\"id\": 0, \"paired-threads\":"
                          " {\"paired-thread-ids\": [{\"thread-a\": 0,"
                          " \"thread-b\": 1}, {\"thread-a\": 2,"
                          " \"thread-b\": 3}]}}]}}}"),
                 "{\"hw:numa_nodes\": \"1\", \"hw:cpu_sockets\": \"1\","
                 " \"hw:cpu_cores\": \"2\", \"hw:cpu_threads\": \"2\"}");
    /* A socket per NUMA node. */
    assert_specs(build_ok(8, 4096, 1,
                          "{\"virtual-memory\": {\"numa-node-policy\":"
                          " {\"node\": [{\"id\": 0, \"paired-threads\":"
                          " {\"num-paired-threads\": 2}}, {\"id\": 1,"
                          " \"paired-threads\": {\"num-paired-threads\":"
                          " 2}}]}}}"),
                 "{\"hw:numa_nodes\": \"2\", \"hw:cpu_sockets\": \"2\","
                 " \"hw:cpu_cores\": \"2\", \"hw:cpu_threads\": \"2\"}");
    /* num-threads: threads per core unknown, Nova chooses. */
    assert_specs(build_ok(4, 4096, 1,
                          "{\"virtual-memory\": {\"numa-node-policy\":"
                          " {\"node\": [{\"id\": 0, \"num-threads\": 4}]}}}"),
                 "{\"hw:numa_nodes\": \"1\"}");
    /* Cores on one node, pairs on the other: no one topology. */
    assert_specs(build_ok(6, 4096, 1,
                          "{\"virtual-memory\": {\"numa-node-policy\":"
                          " {\"node\": [{\"id\": 0, \"num-cores\": 2},"
                          " {\"id\": 1, \"paired-threads\":"
                          " {\"num-paired-threads\": 2}}]}}}"),
                 "{\"hw:numa_nodes\": \"2\"}");
    /* 3 pairs do not split over 2 sockets of 2-thread cores. */
    assert_specs(build_ok(6, 4096, 1,
                          "{\"virtual-memory\": {\"numa-node-policy\":"
                          " {\"node-cnt\": 2, \"node\": [{\"id\": 0,"
                          " \"paired-threads\": {\"num-paired-threads\":"
                          " 3}}]}}}"),
                 "{\"hw:numa_nodes\": \"2\"}");
    build_fails(4, 4096,
                "{\"virtual-memory\": {\"numa-node-policy\": {\"node\": ["
                "{\"id\": 0, \"num-cores\": 3, \"vcpu\": [0, 1],"
                " \"memory-mb\": 2048}, {\"id\": 1, \"num-cores\": 1,"
                " \"vcpu\": [2, 3], \"memory-mb\": 2048}]}}}",
                "node[0]: 2 vCPUs listed but its cores and threads make 3",
                NULL);
    build_fails(4, 4096,
                "{\"virtual-memory\": {\"numa-node-policy\": {\"node\": ["
                "{\"id\": 0, \"num-cores\": 2, \"num-threads\": 2}]}}}",
                "virtual-memory.numa-node-policy.node[0]: gives more than "
                "one of",
                NULL);
}

static void
test_name(void **state)
{
    static const char epa[] =
        "{\"virtual-cpu\": {\"num-virtual-cpu\": 4, \"pinning\":"
        " {\"policy\": \"static\", \"thread-policy\": \"%s\"}}}";
    json_t *a, *b, *c, *x, *y;
    char text[256], name_a[64], name_b[64], name_c[64];

    (void)state;
    snprintf(text, sizeof text, epa, "ISOLATE");
    a = build_ok(4, 4096, 8, text);
    b = build_ok(4, 4096, 8, text);
    snprintf(text, sizeof text, epa, "PREFER");
    c = build_ok(4, 4096, 8, text);
    slc_os_flavor_name(a, name_a, sizeof name_a);
    slc_os_flavor_name(b, name_b, sizeof name_b);
    slc_os_flavor_name(c, name_c, sizeof name_c);
    assert_string_equal(name_a, name_b);
    assert_string_not_equal(name_a, name_c);
    assert_int_equal(strncmp(name_a, "slicer-4c4096m8g-", 17), 0);
    assert_int_equal(strlen(name_a), 17 + 8);
    assert_true(strspn(name_a + 17, "0123456789abcdef") == 8);

    /* Key order does not matter; every byte of a value does. */
    x = parse("{\"vcpus\": 2, \"ram\": 512, \"disk\": 0, \"extra_specs\":"
              " {\"a\": \"1\", \"b\": \"2\"}}");
    y = parse("{\"vcpus\": 2, \"ram\": 512, \"disk\": 0, \"extra_specs\":"
              " {\"b\": \"2\", \"a\": \"1\"}}");
    slc_os_flavor_name(x, name_a, sizeof name_a);
    slc_os_flavor_name(y, name_b, sizeof name_b);
    assert_string_equal(name_a, name_b);
    json_object_set_new(json_object_get(y, "extra_specs"), "b",
                        json_string("3"));
    slc_os_flavor_name(y, name_b, sizeof name_b);
    assert_string_not_equal(name_a, name_b);
    /* No specs at all: a name of its own. */
    json_object_set_new(y, "extra_specs", json_object());
    slc_os_flavor_name(y, name_c, sizeof name_c);
    assert_string_not_equal(name_a, name_c);
    assert_int_equal(strncmp(name_c, "slicer-2c512m0g-", 16), 0);
    json_decref(a);
    json_decref(b);
    json_decref(c);
    json_decref(x);
    json_decref(y);
}

/* A flavor as GET /flavors/detail (microversion 2.61) lists 'want'. */
static json_t *
listed(const json_t *want)
{
    const json_t *want_specs = json_object_get(want, "extra_specs");
    json_t *have = json_deep_copy(want);
    json_t *specs = json_object();
    json_t *keys = json_array();
    const char *key;
    json_t *v;
    size_t i;

    /* The same specs, inserted in the reverse of their order. */
    json_object_foreach((json_t *)want_specs, key, v)
    {
        json_array_insert_new(keys, 0, json_string(key));
    }
    json_array_foreach(keys, i, v)
    {
        key = json_string_value(v);
        json_object_set(specs, key, json_object_get(want_specs, key));
    }
    json_decref(keys);
    json_object_set_new(have, "extra_specs", specs);
    json_object_set_new(have, "id", json_string("7e1b"));
    json_object_set_new(have, "name", json_string("slicer-x"));
    json_object_set_new(have, "OS-FLV-EXT-DATA:ephemeral", json_integer(0));
    json_object_set_new(have, "swap", json_string(""));
    json_object_set_new(have, "OS-FLV-DISABLED:disabled", json_false());
    json_object_set_new(have, "os-flavor-access:is_public", json_true());
    return have;
}

static void
test_matches(void **state)
{
    json_t *want = build_loaded(
        SLC_SOURCE_DIR "/templates/vnfd/epa_dataplane_vnfd.yaml", 4, 4096);
    json_t *have = listed(want);
    json_t *specs = json_object_get(have, "extra_specs");
    json_t *plain = build_ok(4, 4096, 8, NULL);

    (void)state;
    assert_true(slc_os_flavor_matches(have, want));
    assert_false(slc_os_flavor_matches(have, plain));
    assert_false(slc_os_flavor_matches(plain, want));

    /* A value differs, a key is missing, a key is extra. */
    json_object_set_new(specs, "hw:cpu_thread_policy", json_string("prefer"));
    assert_false(slc_os_flavor_matches(have, want));
    json_object_del(specs, "hw:cpu_thread_policy");
    assert_false(slc_os_flavor_matches(have, want));
    json_object_set_new(specs, "hw:cpu_thread_policy", json_string("isolate"));
    assert_true(slc_os_flavor_matches(have, want));
    json_object_set_new(specs, "hw:numa_mempolicy", json_string("strict"));
    assert_false(slc_os_flavor_matches(have, want));
    json_object_del(specs, "hw:numa_mempolicy");

    /* Values compare as strings. */
    json_object_set_new(specs, "hw:numa_nodes", json_integer(1));
    assert_true(slc_os_flavor_matches(have, want));

    /* Sizes, ephemeral disk, swap, disabled, unknown specs. */
    json_object_set_new(have, "ram", json_integer(4097));
    assert_false(slc_os_flavor_matches(have, want));
    json_object_set_new(have, "ram", json_integer(4096));
    json_object_set_new(have, "swap", json_integer(0));
    assert_true(slc_os_flavor_matches(have, want));
    json_object_set_new(have, "swap", json_integer(512));
    assert_false(slc_os_flavor_matches(have, want));
    json_object_set_new(have, "swap", json_string(""));
    json_object_set_new(have, "OS-FLV-EXT-DATA:ephemeral", json_integer(10));
    assert_false(slc_os_flavor_matches(have, want));
    json_object_del(have, "OS-FLV-EXT-DATA:ephemeral");
    assert_true(slc_os_flavor_matches(have, want));
    json_object_set_new(have, "OS-FLV-DISABLED:disabled", json_true());
    assert_false(slc_os_flavor_matches(have, want));
    json_object_set_new(have, "OS-FLV-DISABLED:disabled", json_false());
    json_object_del(have, "extra_specs");
    assert_false(slc_os_flavor_matches(have, want));
    assert_false(slc_os_flavor_matches(NULL, want));

    /* A plain flavor listed by Nova matches a request without EPA. */
    json_decref(have);
    have = listed(plain);
    assert_true(slc_os_flavor_matches(have, plain));
    json_decref(have);
    json_decref(plain);
    json_decref(want);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_epa),
        cmocka_unit_test(test_dataplane_template),
        cmocka_unit_test(test_osm_example),
        cmocka_unit_test(test_pinning),
        cmocka_unit_test(test_mempage),
        cmocka_unit_test(test_numa_enabled),
        cmocka_unit_test(test_numa_nodes),
        cmocka_unit_test(test_numa_errors),
        cmocka_unit_test(test_vcpu_count),
        cmocka_unit_test(test_topology),
        cmocka_unit_test(test_name),
        cmocka_unit_test(test_matches),
    };
    return cmocka_run_group_tests_name("openstack-flavor", tests, NULL, NULL);
}

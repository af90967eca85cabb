/* EPA placement on in-memory host tables: which node, cores, pages and
 * devices a VDU gets, and what an operator reads when nothing fits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "placement.h"

/* Two NUMA nodes: node 0 has 3 usable cores (core 0 is the host's), 4 x
 * 1GB pages and a NIC with 2 VFs; node 1 has 4 cores, 8 x 1GB pages, a
 * NIC with VFs and one without. */
static const char inventory[] =
    "hosts:\n"
    "  - name: h1\n"
    "    numa-nodes:\n"
    "      - id: 0\n"
    "        memory-mb: 8192\n"
    "        hugepages: [{size: 1GB, count: 4}, {size: 2MB, count: 512}]\n"
    "        cores:\n"
    "          - {id: 0, threads: [0, 8], reserved: true}\n"
    "          - {id: 1, threads: [1, 9]}\n"
    "          - {id: 2, threads: [2, 10]}\n"
    "          - {id: 3, threads: [3, 11]}\n"
    "        nics:\n"
    "          - name: a0\n"
    "            pci: '0000:01:00.0'\n"
    "            mac: '02:00:00:00:01:00'\n"
    "            fabric-port: 1\n"
    "            vfs:\n"
    "              - {pci: '0000:01:02.0', vlan: 11}\n"
    "              - {pci: '0000:01:02.1', vlan: 12}\n"
    "      - id: 1\n"
    "        memory-mb: 8192\n"
    "        hugepages: [{size: 1GB, count: 8}]\n"
    "        cores:\n"
    "          - {id: 4, threads: [4, 12]}\n"
    "          - {id: 5, threads: [5, 13]}\n"
    "          - {id: 6, threads: [6, 14]}\n"
    "          - {id: 7, threads: [7, 15]}\n"
    "        nics:\n"
    "          - name: b0\n"
    "            pci: '0000:02:00.0'\n"
    "            mac: '02:00:00:00:02:00'\n"
    "            fabric-port: 2\n"
    "            vfs:\n"
    "              - {pci: '0000:02:02.0', vlan: 21}\n"
    "          - name: b1\n"
    "            pci: '0000:02:00.1'\n"
    "            mac: '02:00:00:00:02:01'\n"
    "            fabric-port: 3\n";

struct fixture {
    struct slc_inventory *inv;
    json_t *usage;
};

static int
setup(void **state)
{
    static struct fixture f;
    struct slc_diags diags = SLC_DIAGS_INIT;

    assert_int_equal(slc_inventory_load(inventory, strlen(inventory), "inv",
                                        &f.inv, &diags),
                     0);
    slc_diags_clear(&diags);
    f.usage = json_object();
    *state = &f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    slc_inventory_free(f->inv);
    json_decref(f->usage);
    return 0;
}

static json_t *
place(struct fixture *f, const char *epa_json, unsigned vcpus,
      uint64_t mem, unsigned vfs, unsigned nics, struct slc_error *err)
{
    json_t *epa = json_loads(epa_json, 0, NULL);
    struct slc_epa_req req;
    json_t *alloc = NULL;

    assert_non_null(epa);
    assert_int_equal(slc_epa_req_parse(epa, "dp", vcpus, mem, vfs, nics, &req,
                                       err),
                     0);
    json_decref(epa);
    slc_place_vdu(&f->inv, 1, f->usage, &req, &alloc, err);
    return alloc;
}

static const char isolate_1g[] =
    "{\"virtual-cpu\": {\"pinning\": {\"policy\": \"static\", "
    "\"thread-policy\": \"ISOLATE\"}}, \"virtual-memory\": "
    "{\"mempage-size\": \"SIZE_1GB\"}}";

static void
ints_equal(const json_t *list, const int *want, size_t n)
{
    assert_int_equal(json_array_size(list), n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(json_integer_value(json_array_get(list, i)),
                         want[i]);
    }
}

/* Best fit: the fuller node 0 first; then, full, node 1; then a precise
 * refusal; usage given back makes room again. */
static void
test_fits_then_second_node_then_refused(void **state)
{
    struct fixture *f = *state;
    struct slc_error err = {0};
    json_t *a = place(f, isolate_1g, 2, 2048, 0, 0, &err);

    assert_non_null(a);
    assert_string_equal(json_string_value(json_object_get(a, "host")), "h1");
    assert_int_equal(json_integer_value(json_object_get(a, "numa")), 0);
    ints_equal(json_object_get(a, "threads"), (int[]){1, 2}, 2);
    ints_equal(json_object_get(a, "reserved_threads"), (int[]){9, 10}, 2);
    assert_string_equal(json_string_value(json_object_get(a, "page_size")),
                        "1GB");
    assert_int_equal(json_integer_value(json_object_get(a, "pages")), 2);
    json_decref(a);

    /* node 0 has one core left: 2 cores only fit on node 1 */
    a = place(f, isolate_1g, 2, 2048, 0, 0, &err);
    assert_non_null(a);
    assert_int_equal(json_integer_value(json_object_get(a, "numa")), 1);
    ints_equal(json_object_get(a, "threads"), (int[]){4, 5}, 2);
    json_decref(a);

    a = place(f, isolate_1g, 4, 4096, 0, 0, &err);
    assert_null(a);
    assert_int_equal(err.code, SLC_EBUSY);
    assert_string_equal(err.msg,
                        "vdu 'dp': no NUMA node with 4 free dedicated cores "
                        "and 4 x 1GB pages; best host 'h1' node 1 has 2 free "
                        "cores, 6 x 1GB pages");
}

/* PREFER fills a half-used core before a free one; REQUIRE takes
 * sibling pairs. */
static void
test_thread_policies(void **state)
{
    struct fixture *f = *state;
    struct slc_error err = {0};
    json_t *a;

    json_object_set_new(f->usage, "h1",
                        json_pack("{s{s{sb} sI sI sI s{}}}", "0", "threads",
                                  "1", 1, "memory_mb", (json_int_t)0,
                                  "pages_2MB", (json_int_t)0, "pages_1GB",
                                  (json_int_t)0, "pci"));
    a = place(f,
              "{\"virtual-cpu\": {\"pinning\": {\"policy\": \"static\"}}}", 1,
              512, 0, 0, &err);
    assert_non_null(a);
    ints_equal(json_object_get(a, "threads"), (int[]){9}, 1);
    json_decref(a);

    a = place(f,
              "{\"virtual-cpu\": {\"pinning\": {\"policy\": \"static\", "
              "\"thread-policy\": \"REQUIRE\"}}}",
              4, 512, 0, 0, &err);
    assert_non_null(a);
    ints_equal(json_object_get(a, "threads"), (int[]){2, 10, 3, 11}, 4);
    json_decref(a);
}

/* A passthrough NIC comes from a NIC without VFs; the VF from another
 * NIC of the same node; both report their fabric switch port. */
static void
test_devices(void **state)
{
    struct fixture *f = *state;
    struct slc_error err = {0};
    json_t *a = place(f, "{}", 1, 512, 1, 1, &err);
    const json_t *vf, *nic;

    assert_non_null(a);
    assert_int_equal(json_integer_value(json_object_get(a, "numa")), 1);
    vf = json_array_get(json_object_get(a, "vfs"), 0);
    nic = json_array_get(json_object_get(a, "nics"), 0);
    assert_string_equal(json_string_value(json_object_get(vf, "pci")),
                        "0000:02:02.0");
    assert_int_equal(json_integer_value(json_object_get(vf, "vlan")), 21);
    assert_int_equal(json_integer_value(json_object_get(vf, "fabric_port")),
                     2);
    assert_string_equal(json_string_value(json_object_get(nic, "pci")),
                        "0000:02:00.1");
    assert_int_equal(json_integer_value(json_object_get(nic, "fabric_port")),
                     3);
    json_decref(a);

    /* node 1 has no untouched NIC left: a second one does not fit */
    a = place(f, "{}", 1, 512, 0, 2, &err);
    assert_null(a);
    assert_non_null(strstr(err.msg, "2 free passthrough NICs"));
}

static void
test_bad_policy(void **state)
{
    struct slc_epa_req req;
    struct slc_error err = {0};
    json_t *epa = json_pack("{s{s{ss}}}", "virtual-cpu", "pinning",
                            "thread-policy", "SOMETIMES");

    assert_int_equal(slc_epa_req_parse(epa, "dp", 1, 512, 0, 0, &req, &err),
                     SLC_EINVALID);
    assert_non_null(strstr(err.msg, "thread-policy 'SOMETIMES'"));
    json_decref(epa);
    (void)state;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fits_then_second_node_then_refused,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_thread_policies, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_devices, setup, teardown),
        cmocka_unit_test(test_bad_policy),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

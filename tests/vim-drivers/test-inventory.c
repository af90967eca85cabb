/* Unit tests of host inventories: the templates, and each check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "host-inventory.h"

#define HOSTS SLC_SOURCE_DIR "/templates/infra/hosts"

static void
test_templates_load(void **state)
{
    struct slc_diags diags = SLC_DIAGS_INIT;
    struct slc_inventory *inv;
    const struct slc_host *h;

    assert_int_equal(slc_inventory_load_file(HOSTS "/compute-1.yaml", &inv,
                                             &diags),
                     0);
    assert_int_equal(diags.n_errors + diags.n_warnings, 0);
    h = slc_inventory_find_host(inv, "compute-1");
    assert_non_null(h);
    assert_int_equal(h->n_numas, 2);
    assert_int_equal(slc_host_numa_usable_cores(&h->numas[0]), 7);
    assert_int_equal(slc_host_numa_pages(&h->numas[0], SLC_PAGE_1GB), 32);
    assert_int_equal(slc_host_numa_pages(&h->numas[1], SLC_PAGE_2MB), 0);
    assert_int_equal(h->numas[0].nics[0].n_vfs, 8);
    assert_int_equal(h->numas[0].nics[0].fabric_port, 1);
    assert_int_equal(h->numas[0].cores[1].threads[1], 17);
    assert_null(slc_inventory_find_host(inv, "edge-1"));
    slc_inventory_free(inv);
    assert_int_equal(
        slc_inventory_load_file(HOSTS "/edge-1.yaml", &inv, &diags), 0);
    assert_int_equal(slc_host_numa_pages(&inv->hosts[0].numas[0],
                                         SLC_PAGE_1GB),
                     0);
    slc_inventory_free(inv);
    slc_diags_clear(&diags);
}

/* A small valid host with one substitution applied must fail with 'text'
 * at 'line'. */
static void
expect_error(const char *from, const char *to, unsigned line,
             const char *text)
{
    static const char base[] =
        "hosts:\n"
        "  - name: h1\n"                                           /* 2 */
        "    numa-nodes:\n"
        "      - id: 0\n"                                          /* 4 */
        "        memory-mb: 4096\n"
        "        hugepages: [{size: 1GB, count: 2}]\n"             /* 6 */
        "        cores:\n"
        "          - {id: 0, threads: [0, 4], reserved: true}\n"   /* 8 */
        "          - {id: 1, threads: [1, 5]}\n"
        "        nics:\n"                                          /* 10 */
        "          - name: eth1\n"
        "            pci: '0000:01:00.0'\n"                        /* 12 */
        "            fabric-port: 7\n"
        "            vfs:\n"                                       /* 14 */
        "              - {pci: '0000:01:02.0', vlan: 10}\n"
        "              - {pci: '0000:01:02.1', vlan: 11}\n"        /* 16 */
        "  - name: h2\n"
        "    numa-nodes:\n"                                        /* 18 */
        "      - id: 0\n"
        "        cores: [{id: 0, threads: [0]}]\n"                 /* 20 */
        "        nics: [{name: e, pci: '0000:02:00.0', fabric-port: 8}]\n";
    struct slc_diags diags = SLC_DIAGS_INIT;
    struct slc_inventory *inv;
    char text_buf[2048];
    const char *at = strstr(base, from);
    bool found = false;

    assert_non_null(at);
    snprintf(text_buf, sizeof text_buf, "%.*s%s%s", (int)(at - base), base,
             to, at + strlen(from));
    assert_int_equal(slc_inventory_load(text_buf, strlen(text_buf), "inv",
                                        &inv, &diags),
                     SLC_EINVALID);
    assert_null(inv);
    for (size_t i = 0; i < diags.len; i++) {
        found |= diags.items[i].pos.line == line &&
                 strstr(diags.items[i].msg, text) != NULL;
    }
    if (!found) {
        slc_diags_print(&diags, stderr);
        fail_msg("no error at line %u with \"%s\"", line, text);
    }
    slc_diags_clear(&diags);
}

static void
test_checks(void **state)
{
    struct slc_diags diags = SLC_DIAGS_INIT;
    struct slc_inventory *inv;

    /* The base itself is valid. */
    expect_error("threads: [1, 5]", "threads: [1, 4]", 9,
                 "hardware thread 4 also belongs to");
    expect_error("fabric-port: 8", "fabric-port: 7", 21,
                 "port 7 of the fabric switch is already cabled to "
                 "inventory.hosts[0].numa-nodes[0].nics[0]");
    expect_error("'0000:01:02.1'", "'0000:01:02.0'", 16,
                 "duplicate pci '0000:01:02.0'");
    /* PCI addresses are per host: the same one on h2 is fine. */
    expect_error("pci: '0000:01:00.0'", "pci: '0000:01:02.1'", 16,
                 "'0000:01:02.1' is also used at "
                 "inventory.hosts[0].numa-nodes[0].nics[0]");
    expect_error("vlan: 11", "vlan: 10", 16, "VLAN 10 is also used");
    expect_error("vlan: 11", "vlan: 5000", 16, "out of range 1..4094");
    expect_error("count: 2}", "count: 8}", 6,
                 "8192 MB of huge pages on a node of 4096 MB");
    expect_error("size: 1GB", "size: 4MB", 6, "'4MB' is not one of 2MB, 1GB");
    expect_error("{id: 1, threads: [1, 5]}",
                 "{id: 1, threads: [1, 5], reserved: true}", 2,
                 "host 'h1' has no core that is not reserved");
    expect_error("pci: '0000:01:00.0'", "pci: '0000:01:00'", 12,
                 "is not a PCI address");
    expect_error("  - name: h2", "  - name: h1", 17, "duplicate name 'h1'");
    expect_error("threads: [0]}", "threads: [-1]}", 20,
                 "expected an integer in 0..65535, got -1");
    assert_int_equal(slc_inventory_load("- a\n", 4, "inv", &inv, &diags),
                     SLC_EINVALID);
    assert_non_null(strstr(diags.items[0].msg, "hosts: [...]"));
    slc_diags_clear(&diags);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_templates_load),
        cmocka_unit_test(test_checks),
    };
    return cmocka_run_group_tests_name("inventory", tests, NULL, NULL);
}

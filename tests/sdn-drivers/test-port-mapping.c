/* Unit tests of SDN port mappings: patterns, lookups, and the template
 * mapping covering every NIC and VF of the template inventories. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "host-inventory.h"
#include "port-mapping.h"

#define INFRA SLC_SOURCE_DIR "/templates/infra"

static struct slc_port_mapping *
load_template(void)
{
    struct slc_diags diags = SLC_DIAGS_INIT;
    struct slc_port_mapping *m;
    char buf[8192];
    FILE *f = fopen(INFRA "/sdn/port-mapping.yaml", "rb");
    size_t n;

    assert_non_null(f);
    n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    assert_int_equal(slc_port_mapping_load(buf, n, "map", &m, &diags), 0);
    slc_diags_clear(&diags);
    return m;
}

static void
test_patterns(void **state)
{
    struct slc_error err;

    assert_true(slc_pci_pattern_match("0000:81:0[01].[0-7]", "0000:81:01.6"));
    assert_false(slc_pci_pattern_match("0000:81:0[01].[0-7]",
                                       "0000:81:02.6"));
    assert_false(slc_pci_pattern_match("0000:81:00.0", "0000:81:00.00"));
    assert_int_equal(slc_pci_pattern_check("0000:81:0[01].[0-7]", &err), 0);
    assert_int_equal(slc_pci_pattern_check("0000:81:0[01.0", &err),
                     SLC_EINVALID);
    assert_non_null(strstr(err.msg, "not closed"));
    assert_int_equal(slc_pci_pattern_check("0000:81:0[7-2].0", &err),
                     SLC_EINVALID);
    assert_non_null(strstr(err.msg, "bad range"));
    assert_int_equal(slc_pci_pattern_check("0000:81:00", &err),
                     SLC_EINVALID);
    assert_non_null(strstr(err.msg, "shorter"));
    assert_int_equal(slc_pci_pattern_check("0000-81:00.0", &err),
                     SLC_EINVALID);
    assert_non_null(strstr(err.msg, "'-' cannot stand at position 5"));
}

static void
test_lookup(void **state)
{
    struct slc_port_mapping *m = load_template();
    const struct slc_sdn_port *p;

    p = slc_port_mapping_lookup(m, "compute-1", "0000:3b:02.5");
    assert_non_null(p);
    assert_string_equal(p->switch_port, "1");
    assert_string_equal(p->switch_id, "br-fabric");
    p = slc_port_mapping_lookup(m, "compute-1", "0000:af:00.0");
    assert_string_equal(p->switch_port, "3");
    assert_null(slc_port_mapping_lookup(m, "compute-1", "0000:3b:04.0"));
    assert_null(slc_port_mapping_lookup(m, "compute-9", "0000:3b:02.5"));
    slc_port_mapping_free(m);
}

/* Every PF and VF of the template hosts is mapped, to the fabric port the
 * inventory says it is cabled to. */
static void
test_template_mapping_matches_inventories(void **state)
{
    static const char *const files[] = {INFRA "/hosts/compute-1.yaml",
                                        INFRA "/hosts/edge-1.yaml"};
    struct slc_port_mapping *m = load_template();
    size_t checked = 0;

    for (size_t f = 0; f < 2; f++) {
        struct slc_diags diags = SLC_DIAGS_INIT;
        struct slc_inventory *inv;

        assert_int_equal(slc_inventory_load_file(files[f], &inv, &diags), 0);
        for (size_t h = 0; h < inv->n_hosts; h++) {
            const struct slc_host *host = &inv->hosts[h];

            for (size_t n = 0; n < host->n_numas; n++) {
                for (size_t i = 0; i < host->numas[n].n_nics; i++) {
                    const struct slc_host_nic *nic = &host->numas[n].nics[i];
                    char port[24];

                    snprintf(port, sizeof port, "%llu",
                             (unsigned long long)nic->fabric_port);
                    for (size_t v = 0; v <= nic->n_vfs; v++) {
                        const char *pci =
                            v == nic->n_vfs ? nic->pci : nic->vfs[v].pci;
                        const struct slc_sdn_port *p =
                            slc_port_mapping_lookup(m, host->name, pci);

                        if (!p || strcmp(p->switch_port, port)) {
                            fail_msg("%s %s: not mapped to port %s",
                                     host->name, pci, port);
                        }
                        checked++;
                    }
                }
            }
        }
        slc_inventory_free(inv);
        slc_diags_clear(&diags);
    }
    assert_int_equal(checked, (1 + 8) + 1 + (1 + 4) + 1 + (1 + 4));
    slc_port_mapping_free(m);
}

static void
test_bad_mappings(void **state)
{
    struct slc_diags diags = SLC_DIAGS_INIT;
    struct slc_port_mapping *m;
    const char *no_node = "- ports: [{pci: '0000:01:00.0', switch_port: a}]\n";
    const char *bad_pci = "- compute_node: c\n"
                          "  ports:\n"
                          "    - {pci: '0000:01:0[0-.0', switch_port: a}\n";
    json_t *stored = json_pack("[{s:s, s:[{s:s, s:s}]}]", "compute_node",
                               "c", "ports", "pci", "0000:01:00.0",
                               "switch_port", "p");

    assert_int_equal(slc_port_mapping_load(no_node, strlen(no_node), "m", &m,
                                           &diags),
                     SLC_EINVALID);
    assert_non_null(strstr(diags.items[0].msg,
                           "missing required field 'compute_node'"));
    slc_diags_clear(&diags);
    assert_int_equal(slc_port_mapping_load(bad_pci, strlen(bad_pci), "m", &m,
                                           &diags),
                     SLC_EINVALID);
    assert_int_equal(diags.items[0].pos.line, 3);
    slc_diags_clear(&diags);
    assert_int_equal(slc_port_mapping_from_json(stored, "vim 'x'", &m,
                                                &diags),
                     0);
    assert_string_equal(slc_port_mapping_lookup(m, "c", "0000:01:00.0")
                            ->switch_port,
                        "p");
    slc_port_mapping_free(m);
    json_decref(stored);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_patterns),
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_template_mapping_matches_inventories),
        cmocka_unit_test(test_bad_mappings),
    };
    return cmocka_run_group_tests_name("port-mapping", tests, NULL, NULL);
}

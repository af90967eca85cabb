/* Unit tests of the information model on real inputs: every OSM example
 * in ../shared/osm-examples (SOL006 and old IM) and every template, and
 * the semantics read from them (EPA, old-IM conversion, quirks). */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model.h"

static struct slc_model_file *
load(const char *dir, const char *name, struct slc_diags *diags)
{
    struct slc_model_file *f;
    char path[512];

    snprintf(path, sizeof path, "%s/%s", dir, name);
    assert_int_equal(slc_model_load_file(path, &f, diags), 0);
    return f;
}

/* Loads a file that must have no errors. */
static struct slc_model_file *
load_clean(const char *dir, const char *name)
{
    struct slc_diags diags = SLC_DIAGS_INIT;
    struct slc_model_file *f = load(dir, name, &diags);

    if (diags.n_errors) {
        slc_diags_print(&diags, stderr);
        fail_msg("%s has errors", name);
    }
    slc_diags_clear(&diags);
    return f;
}

#define EX SLC_EXAMPLES_DIR

/* Each example: how many descriptors of which kind, and whether it is a
 * descriptor file at all. */
static const struct {
    const char *file;
    const char *kind;
    size_t n;
    const char *error; /* expected error text, NULL when valid */
} examples[] = {
    {"cirros_2net_nst_basic.yaml", "nst", 1, NULL},
    {"cirros_nst.yaml", "nst", 1, NULL},
    {"epa_im.yaml", "vnfd", 1, NULL},
    {"epa_sol006.yaml", "vnfd", 1, NULL},
    {"hackfest_basic_nsd.yaml", "nsd", 1, NULL},
    {"hackfest_basic_vnfd.yaml", "vnfd", 1, NULL},
    {"hackfest_epasriov_vnfd_im.yaml", "vnfd", 1, NULL},
    {"hackfest_multivdu_nsd.yaml", "nsd", 1, NULL},
    {"hackfest_multivdu_vnfd.yaml", "vnfd", 1, NULL},
    {"openvim_flavor_5PTh_8G_2I.yaml", NULL, 0, "this is an OpenVIM flavor"},
    {"openvim_host-example0.json", NULL, 0,
     "this is an OpenVIM compute host"},
    {"slice_basic_middle_nsd.yaml", "nsd", 1, NULL},
    {"slice_basic_middle_vnfd.yaml", "vnfd", 1, NULL},
    {"slice_basic_nsd.yaml", "nsd", 1, NULL},
    {"slice_basic_vnfd.yaml", "vnfd", 1, NULL},
    {"slice_shared_middle_nsd.yaml", "nsd", 1, NULL},
    {"slice_shared_nsd.yaml", "nsd", 1, NULL},
    {"slice_shared_nstd.yaml", "nst", 1, NULL},
    {"ubuntu_epa_virtio_vnfd_im.yaml", "vnfd", 1, NULL},
    {"vepc_nsd_sol006.yaml", "nsd", 1, NULL},
    {"vepc_sol006.yaml", "vnfd", 1, NULL},
};

static void
test_every_example_is_covered(void **state)
{
    DIR *dir = opendir(EX);
    struct dirent *e;
    size_t seen = 0;

    assert_non_null(dir);
    while ((e = readdir(dir))) {
        bool known = false;

        if (!strstr(e->d_name, ".yaml") && !strstr(e->d_name, ".json")) {
            continue;
        }
        for (size_t i = 0; i < sizeof examples / sizeof examples[0]; i++) {
            known |= !strcmp(examples[i].file, e->d_name);
        }
        if (!known) {
            fail_msg("example %s has no expectation in this test", e->d_name);
        }
        seen++;
    }
    closedir(dir);
    assert_int_equal(seen, sizeof examples / sizeof examples[0]);
}

static void
test_examples_parse_and_validate(void **state)
{
    struct slc_model_set set = {0};
    struct slc_model_file *files[sizeof examples / sizeof examples[0]];
    struct slc_diags diags = SLC_DIAGS_INIT;

    for (size_t i = 0; i < sizeof examples / sizeof examples[0]; i++) {
        struct slc_diags one = SLC_DIAGS_INIT;
        char path[512];
        int rc;

        snprintf(path, sizeof path, "%s/%s", EX, examples[i].file);
        rc = slc_model_load_file(path, &files[i], &one);
        if (examples[i].error) {
            assert_int_equal(rc, SLC_EINVALID);
            assert_int_equal(one.n_errors, 1);
            assert_non_null(strstr(one.items[0].msg, examples[i].error));
        } else {
            if (one.n_errors) {
                slc_diags_print(&one, stderr);
                fail_msg("%s has errors", examples[i].file);
            }
            assert_int_equal(files[i]->n_descs, examples[i].n);
            assert_string_equal(slc_desc_kind_name(files[i]->descs[0].kind),
                                examples[i].kind);
            assert_int_equal(slc_model_set_add(&set, &files[i]->descs[0]),
                             0);
        }
        slc_diags_clear(&one);
    }
    /* References between examples resolve where both sides are here. */
    for (size_t i = 0; i < set.len; i++) {
        slc_model_check_refs(set.items[i], &set, NULL, &diags);
    }
    if (diags.n_errors) {
        slc_diags_print(&diags, stderr);
    }
    assert_int_equal(diags.n_errors, 0);
    slc_diags_clear(&diags);
    slc_model_set_clear(&set);
    for (size_t i = 0; i < sizeof examples / sizeof examples[0]; i++) {
        slc_model_file_free(files[i]);
    }
}

static void
test_epa_sol006_semantics(void **state)
{
    struct slc_model_file *f = load_clean(EX, "epa_sol006.yaml");
    const struct slc_vnfd *v = f->descs[0].u.vnfd;
    const struct slc_vcd *vcd = slc_vnfd_find_vcd(v, "vbng34-VM-compute");
    size_t passthrough = 0;

    assert_non_null(vcd);
    /* No num-virtual-cpu: 17 paired threads give 34 vCPUs (OSM: 1). */
    assert_int_equal(slc_vcd_vcpus(vcd), 34);
    assert_int_equal(vcd->vcpu->pinning->policy, SLC_PIN_STATIC);
    assert_int_equal(vcd->vcpu->pinning->thread_policy, SLC_THREAD_PREFER);
    assert_int_equal(vcd->vmem->mempage, SLC_MEMPAGE_LARGE);
    assert_true(vcd->vmem->numa_enabled);
    assert_int_equal(vcd->vmem->numa->mem_policy, SLC_MEMPOL_STRICT);
    assert_int_equal(vcd->vmem->numa->node_cnt, 1);
    assert_int_equal(vcd->vmem->numa->nodes[0].id, 0);
    assert_int_equal(vcd->vmem->size_gb, 32);
    for (size_t i = 0; i < v->vdus[0].n_int_cpds; i++) {
        const struct slc_vif *vif = v->vdus[0].int_cpds[i].vnirs[0].vif;

        if (slc_vif_is_dataplane(vif->type)) {
            passthrough++;
            assert_int_equal(vif->type, SLC_VIF_PCI_PASSTHROUGH);
            assert_int_equal(vif->bandwidth, 10000000000ULL);
        }
    }
    assert_int_equal(passthrough, 8);
    assert_string_equal(v->version, "1.0");
    slc_model_file_free(f);
}

/* The old-IM form of the same VNF converts to the same requirements. */
static void
test_epa_im_converts_like_sol006(void **state)
{
    struct slc_model_file *f = load_clean(EX, "epa_im.yaml");
    const struct slc_vnfd *v = f->descs[0].u.vnfd;
    const struct slc_vdu *vdu = slc_vnfd_find_vdu(v, "vbng34-VM");
    const struct slc_vcd *vcd = slc_vnfd_find_vcd(v, vdu->vcd);

    assert_string_equal(f->descs[0].format, "OSM IM (vnfd-catalog)");
    assert_int_equal(slc_vcd_vcpus(vcd), 34);
    assert_int_equal(vcd->vcpu->pinning->policy, SLC_PIN_STATIC);
    assert_int_equal(vcd->vcpu->pinning->thread_policy, SLC_THREAD_PREFER);
    assert_int_equal(vcd->vmem->mempage, SLC_MEMPAGE_LARGE);
    assert_int_equal(vcd->vmem->size_gb, 32);
    assert_int_equal(v->n_ext_cpds, 9);
    assert_string_equal(v->mgmt_cp, "eth0");
    assert_string_equal(vdu->sw_image, "intel_vbng34");
    assert_non_null(vdu->host_epa);
    assert_int_equal(vdu->int_cpds[3].vnirs[0].vif->type,
                     SLC_VIF_PCI_PASSTHROUGH);
    assert_string_equal(slc_vnfd_find_ext_cpd(v, "xe2")->int_cpd->cpd,
                        vdu->int_cpds[3].id);
    assert_int_equal(v->dfs[0].inst_levels[0].vdu_levels[0].instances, 1);
    slc_model_file_free(f);
}

static void
test_epasriov_im_internal_links_and_sriov(void **state)
{
    struct slc_model_file *f =
        load_clean(EX, "hackfest_epasriov_vnfd_im.yaml");
    const struct slc_vnfd *v = f->descs[0].u.vnfd;
    const struct slc_vdu *data = slc_vnfd_find_vdu(v, "dataVM");
    const struct slc_ext_cpd *ext = slc_vnfd_find_ext_cpd(v, "vnf-data");
    const struct slc_int_cpd *cpd;

    assert_non_null(data);
    assert_non_null(ext);
    cpd = slc_vdu_find_int_cpd(data, ext->int_cpd->cpd);
    assert_non_null(cpd);
    assert_int_equal(cpd->vnirs[0].vif->type, SLC_VIF_SRIOV);
    cpd = slc_vdu_find_int_cpd(data, "dataVM-internal");
    assert_string_equal(cpd->int_vld, "internal");
    /* NUMA node id '1' (a string) is node 1, not dropped. */
    assert_int_equal(
        slc_vnfd_find_vcd(v, data->vcd)->vmem->numa->nodes[0].id, 1);
    assert_int_equal(slc_vcd_vcpus(slc_vnfd_find_vcd(v, data->vcd)), 8);
    slc_model_file_free(f);
}

static void
test_ubuntu_epa_numa_node_zero_is_kept(void **state)
{
    struct slc_model_file *f =
        load_clean(EX, "ubuntu_epa_virtio_vnfd_im.yaml");
    const struct slc_vnfd *v = f->descs[0].u.vnfd;
    const struct slc_vcd *vcd = slc_vnfd_find_vcd(v, v->vdus[0].vcd);

    /* OSM bug 4 (descriptors.md 10.2): integer node id 0 was dropped. */
    assert_int_equal(vcd->vmem->numa->n_nodes, 1);
    assert_int_equal(vcd->vmem->numa->nodes[0].id, 0);
    /* One paired thread: 2 vCPUs, although vm-flavor gives no count. */
    assert_int_equal(slc_vcd_vcpus(vcd), 2);
    assert_string_equal(
        v->vdus[0].int_cpds[0].vnirs[0].vif->vpci, "0000:00:0a.0");
    slc_model_file_free(f);
}

static void
test_old_nsd_converts_member_indexes_and_saps(void **state)
{
    struct slc_model_file *f = load_clean(EX, "slice_shared_nsd.yaml");
    const struct slc_nsd *n = f->descs[0].u.nsd;
    const struct slc_vnf_profile *vp = slc_nsd_find_vnf_profile(n, "1");

    assert_non_null(vp);
    assert_string_equal(vp->vnfd_id, "slice_hackfest_vnfd");
    assert_int_equal(vp->n_vlcs, 2);
    assert_string_equal(vp->vlcs[1].cpds[0].cpd, "eth1");
    assert_string_equal(vp->vlcs[1].cpds[0].element, "1");
    assert_string_equal(slc_nsd_find_sapd(n, "nsd_cp_data")->vld,
                        "nsd_vnfd_vld_data");
    assert_true(slc_nsd_find_vld(n, "nsd_vnfd_vld_mgmt")->mgmt_network);
    assert_false(slc_nsd_find_vld(n, "nsd_vnfd_vld_data")->mgmt_network);
    slc_model_file_free(f);
}

static void
test_nst_quirks(void **state)
{
    struct slc_model_file *f = load_clean(EX, "slice_shared_nstd.yaml");
    const struct slc_nst *t = f->descs[0].u.nst;

    assert_int_equal(t->snssai->sst, SLC_SST_EMBB);
    assert_int_equal(t->qos->id, 1);
    assert_int_equal(t->n_subnets, 3);
    assert_false(t->subnets[0].is_shared); /* 'false' as a string */
    assert_true(t->subnets[1].is_shared);  /* 'true' as a string */
    assert_true(t->vlds[0].mgmt_network);
    assert_int_equal(t->vlds[0].n_cp_refs, 3);
    slc_model_file_free(f);
    f = load_clean(EX, "cirros_nst.yaml");
    assert_string_equal(
        json_string_value(json_object_get(
            f->descs[0].u.nst->subnets[0].inst_params, "vimAccountId")),
        "Openstack_7.18");
    slc_model_file_free(f);
}

/* version: 1.0 is a YAML float; it is kept, and stored, as "1.0". */
static void
test_numbers_where_text_is_expected_keep_their_text(void **state)
{
    struct slc_model_file *f = load_clean(EX, "hackfest_basic_vnfd.yaml");

    assert_string_equal(f->descs[0].u.vnfd->version, "1.0");
    assert_string_equal(
        json_string_value(json_object_get(f->descs[0].json, "version")),
        "1.0");
    slc_model_file_free(f);
}

static void
test_quirk_duplicate_vpci_is_a_warning(void **state)
{
    struct slc_diags diags = SLC_DIAGS_INIT;
    struct slc_model_file *f = load(EX, "slice_basic_vnfd.yaml", &diags);

    assert_int_equal(diags.n_errors, 0);
    assert_int_equal(diags.n_warnings, 1);
    assert_non_null(strstr(diags.items[0].msg, "used twice"));
    assert_int_equal(diags.items[0].pos.line, 60);
    slc_diags_clear(&diags);
    slc_model_file_free(f);
}

static void
test_templates_are_clean_and_complete(void **state)
{
    static const char *const dirs[] = {"vnfd", "pnfd", "nsd", "nst"};
    struct slc_model_file *files[64];
    struct slc_diags diags = SLC_DIAGS_INIT;
    struct slc_model_set set = {0};
    json_t *missing = json_array();
    size_t n = 0;

    for (size_t d = 0; d < 4; d++) {
        char dir[512];
        DIR *h;
        struct dirent *e;

        snprintf(dir, sizeof dir, "%s/templates/%s", SLC_SOURCE_DIR, dirs[d]);
        h = opendir(dir);
        assert_non_null(h);
        while ((e = readdir(h))) {
            if (!strstr(e->d_name, ".yaml")) {
                continue;
            }
            assert_true(n < 64);
            files[n] = load(dir, e->d_name, &diags);
            assert_int_equal(slc_model_set_add(&set, &files[n]->descs[0]), 0);
            n++;
        }
        closedir(h);
    }
    assert_true(n >= 16);
    for (size_t i = 0; i < set.len; i++) {
        slc_model_check_refs(set.items[i], &set, missing, &diags);
    }
    if (diags.len) {
        slc_diags_print(&diags, stderr);
    }
    /* No error, no warning, nothing referenced that is not a template. */
    assert_int_equal(diags.n_errors + diags.n_warnings, 0);
    assert_int_equal(json_array_size(missing), 0);
    assert_non_null(slc_model_set_find(&set, SLC_DESC_NST,
                                       "slicer-embb-slice"));
    json_decref(missing);
    slc_diags_clear(&diags);
    slc_model_set_clear(&set);
    for (size_t i = 0; i < n; i++) {
        slc_model_file_free(files[i]);
    }
}

static void
test_template_semantics(void **state)
{
    char dir[512];
    struct slc_model_file *f;
    const struct slc_vcd *vcd;
    const struct slc_nsd *n;

    snprintf(dir, sizeof dir, "%s/templates", SLC_SOURCE_DIR);
    f = load_clean(dir, "vnfd/epa_dataplane_vnfd.yaml");
    vcd = &f->descs[0].u.vnfd->vcds[0];
    assert_int_equal(slc_vcd_vcpus(vcd), 4);
    assert_int_equal(vcd->vcpu->pinning->thread_policy, SLC_THREAD_ISOLATE);
    assert_int_equal(vcd->vmem->mempage, SLC_MEMPAGE_1GB);
    assert_int_equal(f->descs[0].u.vnfd->vdus[0].int_cpds[1].vnirs[0].vif->type,
                     SLC_VIF_SRIOV);
    assert_int_equal(f->descs[0].u.vnfd->vdus[0].int_cpds[2].vnirs[0].vif->type,
                     SLC_VIF_PCI_PASSTHROUGH);
    slc_model_file_free(f);

    f = load_clean(dir, "nsd/sfc_demo_nsd.yaml");
    n = f->descs[0].u.nsd;
    assert_int_equal(n->n_vnffgds, 1);
    assert_int_equal(n->vnffgds[0].nfpds[0].positions[0].n_cp_profiles, 2);
    assert_int_equal(n->vnffgds[0].nfpds[0].positions[0].matches[0].dst_port,
                     80);
    assert_int_equal(n->vnffgds[0].nfpds[0].positions[0].matches[0].ip_proto,
                     6);
    slc_model_file_free(f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_example_is_covered),
        cmocka_unit_test(test_examples_parse_and_validate),
        cmocka_unit_test(test_epa_sol006_semantics),
        cmocka_unit_test(test_epa_im_converts_like_sol006),
        cmocka_unit_test(test_epasriov_im_internal_links_and_sriov),
        cmocka_unit_test(test_ubuntu_epa_numa_node_zero_is_kept),
        cmocka_unit_test(test_old_nsd_converts_member_indexes_and_saps),
        cmocka_unit_test(test_nst_quirks),
        cmocka_unit_test(test_numbers_where_text_is_expected_keep_their_text),
        cmocka_unit_test(test_quirk_duplicate_vpci_is_a_warning),
        cmocka_unit_test(test_templates_are_clean_and_complete),
        cmocka_unit_test(test_template_semantics),
    };
    return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}

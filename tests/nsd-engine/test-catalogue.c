/* Unit tests of the catalogue over a real SQLite store: onboarding with
 * reference checks, all-or-nothing, delete and update protection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "slc-file.h"

#include "catalogue.h"
#include "slc-id.h"

#define EX SLC_EXAMPLES_DIR
#define TPL SLC_SOURCE_DIR "/templates"

struct fixture {
    char dir[64];
    struct slc_store *st;
    struct slc_error err;
    struct slc_diags diags;
};

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    char path[128];

    strcpy(f->dir, "/tmp/slicer-cat-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(path, sizeof path, "%s/catalogue.db", f->dir);
    assert_int_equal(slc_store_open(path, &f->st, &f->err), 0);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[128];

    slc_store_close(f->st);
    slc_diags_clear(&f->diags);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static char *
slurp(const char *path, size_t *size)
{
    struct slc_error err;
    char *buf = NULL;

    if (slc_read_file(path, 1 << 20, &buf, size, &err)) {
        fail_msg("%s", err.msg);
    }
    return buf;
}

static int
onboard_text(struct fixture *f, const char *text)
{
    slc_diags_clear(&f->diags);
    return slc_catalogue_onboard(f->st, text, strlen(text), "inline.yaml", NULL,
                                 NULL, &f->diags, &f->err);
}

static int
onboard(struct fixture *f, const char *dir, const char *file)
{
    char path[512];
    size_t size;
    char *buf;
    int rc;

    snprintf(path, sizeof path, "%s/%s", dir, file);
    buf = slurp(path, &size);
    slc_diags_clear(&f->diags);
    rc = slc_catalogue_onboard(f->st, buf, size, file, NULL, NULL, &f->diags,
                               &f->err);
    free(buf);
    return rc;
}

static size_t
count(struct fixture *f, enum slc_desc_kind kind)
{
    json_t *list;
    size_t n;

    assert_int_equal(slc_catalogue_list(f->st, kind, &list, &f->err), 0);
    n = json_array_size(list);
    json_decref(list);
    return n;
}

static void
onboard_templates(struct fixture *f)
{
    static const char *const files[] = {
        "vnfd/gnb_vnfd.yaml",        "vnfd/router_vnfd.yaml",
        "vnfd/core_vnfd.yaml",       "vnfd/host_vnfd.yaml",
        "vnfd/firewall_vnfd.yaml",   "vnfd/monitor_vnfd.yaml",
        "vnfd/epa_dataplane_vnfd.yaml", "pnfd/radio_unit_pnfd.yaml",
        "nsd/ran_edge_nsd.yaml",     "nsd/transport_nsd.yaml",
        "nsd/core_nsd.yaml",         "nsd/sfc_demo_nsd.yaml",
        "nsd/epa_dataplane_nsd.yaml", "nsd/ran_with_ru_nsd.yaml",
        "nst/embb_slice_nst.yaml",   "nst/urllc_slice_nst.yaml",
    };

    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        if (onboard(f, TPL, files[i])) {
            fail_msg("%s: %s", files[i], f->err.msg);
        }
    }
}

static void
test_onboard_show_list(void **state)
{
    struct fixture *f = *state;
    struct slc_record rec;
    char uuid[64];

    assert_int_equal(onboard(f, EX, "hackfest_basic_vnfd.yaml"), 0);
    assert_int_equal(onboard(f, EX, "hackfest_basic_nsd.yaml"), 0);
    assert_int_equal(count(f, SLC_DESC_VNFD), 1);
    assert_int_equal(count(f, SLC_DESC_NSD), 1);
    assert_int_equal(slc_catalogue_get(f->st, SLC_DESC_VNFD,
                                       "hackfest_basic-vnf", NULL, &rec, &f->err),
                     0);
    assert_true(slc_uuid_is_valid(rec.id));
    assert_string_equal(
        json_string_value(json_object_get(rec.doc, "_id")), rec.id);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(rec.doc, "_admin"),
                            "onboardingState")),
                        "ONBOARDED");
    assert_string_equal(
        json_string_value(json_object_get(rec.doc, "product-name")),
        "hackfest_basic-vnf");
    snprintf(uuid, sizeof uuid, "%s", rec.id);
    slc_record_clear(&rec);
    assert_int_equal(
        slc_catalogue_get(f->st, SLC_DESC_VNFD, uuid, NULL, &rec, &f->err), 0);
    assert_string_equal(rec.name, "hackfest_basic-vnf");
    slc_record_clear(&rec);
    assert_int_equal(
        slc_catalogue_get(f->st, SLC_DESC_NSD, "nope", NULL, &rec, &f->err),
        SLC_ENOTFOUND);
    assert_string_equal(f->err.msg, "nsd 'nope' not found");
}

static void
test_missing_references_are_named_and_nothing_is_stored(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(onboard(f, EX, "hackfest_multivdu_nsd.yaml"),
                     SLC_ECONFLICT);
    assert_non_null(strstr(f->err.msg, "vnfd 'hackfest_multivdu-vnf'"));
    assert_int_equal(count(f, SLC_DESC_NSD), 0);
    /* An NST needs its NSDs, all of them listed. */
    assert_int_equal(onboard(f, TPL, "nst/embb_slice_nst.yaml"),
                     SLC_ECONFLICT);
    assert_non_null(strstr(f->err.msg, "nsd 'slicer-ran-edge-ns', nsd "
                                       "'slicer-transport-ns', nsd "
                                       "'slicer-core-ns'"));
    assert_int_equal(count(f, SLC_DESC_NST), 0);
}

static void
test_duplicates_and_invalid_input(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(onboard(f, EX, "vepc_sol006.yaml"), 0);
    assert_int_equal(onboard(f, EX, "vepc_sol006.yaml"), SLC_EEXISTS);
    assert_non_null(strstr(f->err.msg, "vnfd 'vEPC_vnfd' is already"));
    assert_int_equal(onboard_text(f, "vnfd: {id: x, vdu: 3}\n"),
                     SLC_EINVALID);
    assert_true(f->diags.n_errors >= 1);
    assert_non_null(strstr(f->err.msg, "expected a list"));
    assert_int_equal(count(f, SLC_DESC_VNFD), 1);
}

static void
test_cross_reference_errors_are_invalid(void **state)
{
    struct fixture *f = *state;
    const char *bad_cp =
        "nsd:\n"
        "  nsd:\n"
        "    - id: bad-ns\n"
        "      vnfd-id: [hackfest_basic-vnf]\n"
        "      virtual-link-desc: [{id: mgmt, mgmt-network: true}]\n"
        "      df:\n"
        "        - id: d\n"
        "          vnf-profile:\n"
        "            - id: v\n"
        "              vnfd-id: hackfest_basic-vnf\n"
        "              virtual-link-connectivity:\n"
        "                - virtual-link-profile-id: mgmt\n"
        "                  constituent-cpd-id:\n"
        "                    - constituent-base-element-id: v\n"
        "                      constituent-cpd-id: eth9-ext\n";

    assert_int_equal(onboard(f, EX, "hackfest_basic_vnfd.yaml"), 0);
    assert_int_equal(onboard_text(f, bad_cp), SLC_EINVALID);
    if (!strstr(f->err.msg, "inline.yaml:15:43: error: nsd 'bad-ns'")) {
        fail_msg("%s", f->err.msg);
    }
    assert_non_null(strstr(f->err.msg,
                           "'eth9-ext' is not an ext-cpd of vnfd "
                           "'hackfest_basic-vnf'"));
    assert_int_equal(count(f, SLC_DESC_NSD), 0);
}

static void
test_delete_in_use_conflicts(void **state)
{
    struct fixture *f = *state;

    onboard_templates(f);
    assert_int_equal(slc_catalogue_delete(f->st, SLC_DESC_VNFD, "slicer-gnb",
                                          &f->err),
                     SLC_ECONFLICT);
    assert_non_null(strstr(f->err.msg, "nsd 'slicer-ran-edge-ns'"));
    assert_non_null(strstr(f->err.msg, "nsd 'slicer-ran-site-ns'"));
    assert_int_equal(slc_catalogue_delete(f->st, SLC_DESC_NSD,
                                          "slicer-core-ns", &f->err),
                     SLC_ECONFLICT);
    assert_non_null(strstr(f->err.msg, "nst 'slicer-embb-slice'"));
    assert_non_null(strstr(f->err.msg, "nst 'slicer-urllc-slice'"));
    /* Users first, then what they used. */
    assert_int_equal(slc_catalogue_delete(f->st, SLC_DESC_NST,
                                          "slicer-urllc-slice", &f->err),
                     0);
    assert_int_equal(slc_catalogue_delete(f->st, SLC_DESC_NST,
                                          "slicer-embb-slice", &f->err),
                     0);
    assert_int_equal(slc_catalogue_delete(f->st, SLC_DESC_NSD,
                                          "slicer-core-ns", &f->err),
                     0);
    assert_int_equal(slc_catalogue_delete(f->st, SLC_DESC_VNFD, "slicer-5gc",
                                          &f->err),
                     0);
    assert_int_equal(count(f, SLC_DESC_NST), 0);
    assert_int_equal(slc_catalogue_delete(f->st, SLC_DESC_VNFD, "slicer-5gc",
                                          &f->err),
                     SLC_ENOTFOUND);
}

static int
update_text(struct fixture *f, enum slc_desc_kind kind, const char *key,
            const char *text)
{
    slc_diags_clear(&f->diags);
    return slc_catalogue_update(f->st, kind, key, text, strlen(text),
                                "update.yaml", &f->diags, &f->err);
}

static void
test_update_must_not_break_users(void **state)
{
    struct fixture *f = *state;
    struct slc_record before, after;
    char path[512];
    size_t size;
    char *text, *broken, *at;

    onboard_templates(f);
    assert_int_equal(slc_catalogue_get(f->st, SLC_DESC_VNFD, "slicer-host", NULL,
                                       &before, &f->err),
                     0);
    snprintf(path, sizeof path, "%s/vnfd/host_vnfd.yaml", TPL);
    assert_int_equal(slc_read_file(path, 1 << 20, &text, &size, &f->err), 0);
    /* Renaming the data port breaks the SFC demo NSD, which uses it. */
    broken = strdup(text);
    while ((at = strstr(broken, "host-data-ext"))) {
        memcpy(at, "host-dat2-ext", 13);
    }
    assert_int_equal(update_text(f, SLC_DESC_VNFD, "slicer-host", broken),
                     SLC_ECONFLICT);
    assert_non_null(strstr(f->err.msg,
                           "the change would break nsd 'slicer-sfc-demo-ns'"));
    assert_non_null(strstr(f->err.msg, "'host-data-ext' is not an ext-cpd"));
    /* A harmless change goes through and keeps id and creation time. */
    at = strstr(text, "end host that answers");
    assert_non_null(at);
    memcpy(at, "END", 3);
    assert_int_equal(update_text(f, SLC_DESC_VNFD, before.id, text), 0);
    assert_int_equal(slc_catalogue_get(f->st, SLC_DESC_VNFD, "slicer-host", NULL,
                                       &after, &f->err),
                     0);
    assert_string_equal(after.id, before.id);
    assert_int_equal(after.rev, before.rev + 1);
    assert_true(json_equal(
        json_object_get(json_object_get(before.doc, "_admin"), "created"),
        json_object_get(json_object_get(after.doc, "_admin"), "created")));
    assert_non_null(strstr(
        json_string_value(json_object_get(after.doc, "description")), "END"));
    /* The kind must match, and an update takes one descriptor. */
    assert_int_equal(update_text(f, SLC_DESC_NSD, "slicer-sfc-demo-ns", text),
                     SLC_EINVALID);
    slc_record_clear(&before);
    slc_record_clear(&after);
    free(broken);
    free(text);
}

static void
test_old_im_is_stored_as_sol006(void **state)
{
    struct fixture *f = *state;
    struct slc_record rec;

    assert_int_equal(onboard(f, EX, "hackfest_epasriov_vnfd_im.yaml"), 0);
    assert_true(f->diags.n_warnings >= 1);
    assert_int_equal(slc_catalogue_get(f->st, SLC_DESC_VNFD,
                                       "hackfest_epasriov-vnf", NULL, &rec,
                                       &f->err),
                     0);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(rec.doc, "_admin"), "format")),
                        "OSM IM (vnfd-catalog)");
    assert_non_null(json_object_get(rec.doc, "ext-cpd"));
    assert_non_null(json_object_get(rec.doc, "df"));
    assert_null(json_object_get(rec.doc, "connection-point"));
    slc_record_clear(&rec);
    /* Old-IM NSDs whose VNFDs are absent are refused like SOL006 ones. */
    assert_int_equal(onboard(f, EX, "slice_shared_nsd.yaml"), SLC_ECONFLICT);
    assert_non_null(strstr(f->err.msg, "vnfd 'slice_hackfest_vnfd'"));
}

static void
test_file_with_several_descriptors_is_all_or_nothing(void **state)
{
    struct fixture *f = *state;
    const char *two = "nst:\n"
                      "  - id: good\n"
                      "    name: good\n"
                      "    SNSSAI-identifier: {slice-service-type: mMTC}\n"
                      "    quality-of-service: {id: 5}\n"
                      "    netslice-subnet:\n"
                      "      - {id: s, nsd-ref: hackfest_basic-ns}\n"
                      "  - id: bad\n"
                      "    name: bad\n"
                      "    SNSSAI-identifier: {slice-service-type: mMTC}\n"
                      "    quality-of-service: {id: 5}\n"
                      "    netslice-subnet:\n"
                      "      - {id: s, nsd-ref: missing-ns}\n";

    assert_int_equal(onboard(f, EX, "hackfest_basic_vnfd.yaml"), 0);
    assert_int_equal(onboard(f, EX, "hackfest_basic_nsd.yaml"), 0);
    assert_int_equal(onboard_text(f, two), SLC_ECONFLICT);
    assert_non_null(strstr(f->err.msg, "nsd 'missing-ns'"));
    assert_int_equal(count(f, SLC_DESC_NST), 0);
}

int
main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_onboard_show_list),
        T(test_missing_references_are_named_and_nothing_is_stored),
        T(test_duplicates_and_invalid_input),
        T(test_cross_reference_errors_are_invalid),
        T(test_delete_in_use_conflicts),
        T(test_update_must_not_break_users),
        T(test_old_im_is_stored_as_sol006),
        T(test_file_with_several_descriptors_is_all_or_nothing),
    };
#undef T
    return cmocka_run_group_tests_name("catalogue", tests, NULL, NULL);
}

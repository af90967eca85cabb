/* Malformed inputs, each with its specific error.
 *
 * Every file in tests/malformed/ starts with
 *     # expect: LINE:COL text
 * and must give an error at exactly that position whose message (with its
 * path) contains the text.  Inputs that cannot live in a file (binary,
 * oversize, overdeep, an alias bomb) are made here. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "slc-file.h"

#include "model.h"

#define MALFORMED_DIR SLC_SOURCE_DIR "/tests/malformed"

/* Loads 'size' bytes and asserts an error at line:col containing 'text'
 * (line 0: any position). */
static void
expect(const char *name, const char *buf, size_t size, unsigned line,
       unsigned col, const char *text)
{
    struct slc_diags diags = SLC_DIAGS_INIT;
    struct slc_model_file *f = NULL;
    bool found = false;
    char formatted[2048];

    slc_model_load(buf, size, name, &f, &diags);
    for (size_t i = 0; i < diags.len && !found; i++) {
        const struct slc_diag *d = &diags.items[i];

        slc_diag_format(d, formatted, sizeof formatted);
        found = d->severity == SLC_DIAG_ERROR && strstr(formatted, text) &&
                (!line || (d->pos.line == line && d->pos.col == col));
    }
    if (!found) {
        slc_diags_print(&diags, stderr);
        fail_msg("%s: no error at %u:%u containing \"%s\"", name, line, col,
                 text);
    }
    slc_diags_clear(&diags);
    slc_model_file_free(f);
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

static void
test_malformed_files(void **state)
{
    DIR *dir = opendir(MALFORMED_DIR);
    struct dirent *e;
    size_t n = 0;

    assert_non_null(dir);
    while ((e = readdir(dir))) {
        char path[512], text[512];
        unsigned line, col;
        size_t size;
        char *buf;

        if (!strstr(e->d_name, ".yaml")) {
            continue;
        }
        snprintf(path, sizeof path, "%s/%s", MALFORMED_DIR, e->d_name);
        buf = slurp(path, &size);
        if (sscanf(buf, "# expect: %u:%u %511[^\n]", &line, &col, text) !=
            3) {
            fail_msg("%s: first line is not '# expect: L:C text'",
                     e->d_name);
        }
        expect(e->d_name, buf, size, line, col, text);
        free(buf);
        n++;
    }
    closedir(dir);
    assert_true(n >= 70);
}

static void
test_binary_inputs(void **state)
{
    static const unsigned char elf[] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0,
                                        0,    0,   0,   0,   0, 0, 0, 0};
    static const char nul_in_value[] = "vnfd:\n  id: a\0b\n";
    unsigned char noise[4096];
    uint32_t x = 12345;

    expect("elf", (const char *)elf, sizeof elf, 1, 1, "control characters");
    expect("nul", nul_in_value, sizeof nul_in_value - 1, 2, 8,
           "control characters");
    for (size_t i = 0; i < sizeof noise; i++) {
        x = x * 1103515245u + 12345u;
        noise[i] = (unsigned char)(x >> 16);
    }
    expect("noise", (const char *)noise, sizeof noise, 0, 0, "");
}

static void
test_oversize_input(void **state)
{
    size_t size = SLC_YAML_MAX_SIZE_DEFAULT + 1;
    char *buf = malloc(size);

    memset(buf, '#', size);
    expect("big", buf, size, 0, 0, "larger than the limit of 4194304 bytes");
    free(buf);
}

static void
test_overdeep_input(void **state)
{
    size_t depth = 200, n = 0;
    char *buf = malloc(depth * 2 + 32);

    n += (size_t)sprintf(buf, "vnfd: ");
    for (size_t i = 0; i < depth; i++) {
        buf[n++] = '[';
    }
    for (size_t i = 0; i < depth; i++) {
        buf[n++] = ']';
    }
    buf[n++] = '\n';
    expect("deep", buf, n, 1, 7 + SLC_YAML_MAX_DEPTH_DEFAULT - 1,
           "nesting deeper than 64 levels");
    free(buf);
}

static void
test_alias_bomb(void **state)
{
    char buf[4096];
    size_t n = 0;

    /* Ten levels of ten-fold aliases: 10^10 values once expanded. */
    n += (size_t)sprintf(buf + n, "l0: &l0 [a, a, a, a, a, a, a, a, a, a]\n");
    for (int i = 1; i < 10; i++) {
        n += (size_t)sprintf(buf + n, "l%d: &l%d [", i, i);
        for (int j = 0; j < 10; j++) {
            n += (size_t)sprintf(buf + n, "*l%d%s", i - 1, j < 9 ? ", " : "");
        }
        n += (size_t)sprintf(buf + n, "]\n");
    }
    expect("bomb", buf, n, 0, 0, "more than 1000000 values");
}

/* Errors of one file are all reported, not only the first. */
static void
test_all_errors_are_reported(void **state)
{
    static const char text[] = "vnfd:\n"
                               "  id: multi\n"
                               "  mgmt-cp: nowhere\n"
                               "  vdu:\n"
                               "    - id: a\n"
                               "      virtual-compute-desc: none\n"
                               "    - id: a\n"
                               "  df:\n"
                               "    - id: d\n"
                               "      vdu-profile:\n"
                               "        - id: ghost\n";
    struct slc_diags diags = SLC_DIAGS_INIT;
    struct slc_model_file *f;

    assert_int_equal(slc_model_load(text, sizeof text - 1, "m.yaml", &f,
                                    &diags),
                     0);
    assert_int_equal(diags.n_errors, 4);
    slc_diags_clear(&diags);
    slc_model_file_free(f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_malformed_files),
        cmocka_unit_test(test_binary_inputs),
        cmocka_unit_test(test_oversize_input),
        cmocka_unit_test(test_overdeep_input),
        cmocka_unit_test(test_alias_bomb),
        cmocka_unit_test(test_all_errors_are_reported),
    };
    return cmocka_run_group_tests_name("malformed", tests, NULL, NULL);
}

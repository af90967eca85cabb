/* Unit tests of the small common modules: ids, errors, diagnostics,
 * arena, logging, JSON text. */
#include <dirent.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "slc-arena.h"
#include "slc-diag.h"
#include "slc-error.h"
#include "slc-id.h"
#include "slc-json.h"
#include "slc-log.h"
#include "slc-yaml.h"

static void
test_uuid4_is_random_and_well_formed(void **state)
{
    char a[SLC_UUID_STR_SIZE], b[SLC_UUID_STR_SIZE];

    assert_int_equal(slc_uuid4(a), 0);
    assert_int_equal(slc_uuid4(b), 0);
    assert_true(slc_uuid_is_valid(a));
    assert_string_not_equal(a, b);
    assert_int_equal(a[14], '4');                /* version */
    assert_non_null(strchr("89ab", a[19]));      /* variant */
    assert_false(slc_uuid_is_valid("hackfest_basic-vnf"));
    assert_false(slc_uuid_is_valid("0000000-0000-0000-0000-000000000000"));
}

/* A record's UUID v7 holds the time it was made, and ids made one after
 * the other sort in that order. */
static void
test_uuid7_sorts_in_time(void **state)
{
    char prev[SLC_UUID_STR_SIZE] = "", id[SLC_UUID_STR_SIZE], low[5] = "";
    struct timespec ts;
    unsigned long long ms;

    clock_gettime(CLOCK_REALTIME, &ts);
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(slc_uuid7(id), 0);
        assert_true(slc_uuid_is_valid(id));
        assert_int_equal(id[14], '7');           /* version */
        assert_non_null(strchr("89ab", id[19])); /* variant */
        /* the time and its fraction (15 hex digits, the version between)
         * never go back; the random rest differs */
        assert_true(strncmp(prev, id, 18) <= 0);
        assert_string_not_equal(prev, id);
        memcpy(prev, id, sizeof id);
    }
    /* the first 12 digits: the milliseconds, within a second of now */
    assert_int_equal(sscanf(id, "%8llx", &ms), 1);
    memcpy(low, id + 9, 4);
    ms = ms << 16 | strtoull(low, NULL, 16);
    assert_true(ms >= (unsigned long long)ts.tv_sec * 1000);
    assert_true(ms < ((unsigned long long)ts.tv_sec + 2) * 1000);
}

static int
by_text(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* UUIDs are drawn from randomness fetched ahead: a thousand are all
 * different, and a forked child never hands out what its parent will. */
static void
test_uuid4_unique_across_fork(void **state)
{
    enum { N = 1000 };
    char(*ids)[SLC_UUID_STR_SIZE] = calloc(2 * N, SLC_UUID_STR_SIZE);
    int fds[2];
    pid_t pid;
    int status;

    assert_non_null(ids);
    assert_int_equal(slc_uuid4(ids[0]), 0); /* the pool is filled */
    assert_int_equal(pipe(fds), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char child[SLC_UUID_STR_SIZE];

        for (int i = 0; i < N; i++) {
            if (slc_uuid4(child) ||
                write(fds[1], child, sizeof child) != sizeof child) {
                _exit(1);
            }
        }
        _exit(0);
    }
    close(fds[1]);
    for (int i = 1; i < N; i++) {
        assert_int_equal(slc_uuid4(ids[i]), 0);
        assert_true(slc_uuid_is_valid(ids[i]));
        assert_int_equal(ids[i][14], '4');
        assert_non_null(strchr("89ab", ids[i][19]));
    }
    for (int i = N; i < 2 * N; i++) {
        assert_int_equal(read(fds[0], ids[i], SLC_UUID_STR_SIZE),
                         SLC_UUID_STR_SIZE);
    }
    close(fds[0]);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    qsort(ids, 2 * N, SLC_UUID_STR_SIZE, by_text);
    for (int i = 1; i < 2 * N; i++) {
        assert_string_not_equal(ids[i - 1], ids[i]);
    }
    free(ids);
}

static void
test_error_prefixes_and_names(void **state)
{
    struct slc_error err;

    assert_int_equal(slc_error_set(&err, SLC_ENOTFOUND, "port '%s'", "p1"),
                     SLC_ENOTFOUND);
    assert_int_equal(slc_error_prefix(&err, "vim '%s'", "edge1"),
                     SLC_ENOTFOUND);
    assert_string_equal(err.msg, "vim 'edge1': port 'p1'");
    assert_string_equal(slc_errname(SLC_ECONFLICT), "CONFLICT");
    assert_string_equal(slc_strerror(SLC_ETIMEOUT), "timed out");
    assert_int_equal(slc_error_set(NULL, SLC_EIO, "x"), SLC_EIO);
}

static void
test_diagnostics_format_and_cap(void **state)
{
    struct slc_diags d = SLC_DIAGS_INIT;
    struct slc_error err;
    char line[256];

    slc_diags_add(&d, SLC_DIAG_ERROR, "f.yaml", (struct slc_pos){3, 7},
                  "vnfd 'x'", "vnfd[0].vdu[1].id", "'%s' is bad", "v");
    slc_diag_format(&d.items[0], line, sizeof line);
    assert_string_equal(line,
                        "f.yaml:3:7: error: vnfd 'x': vnfd[0].vdu[1].id: "
                        "'v' is bad");
    for (int i = 0; i < SLC_DIAGS_MAX + 20; i++) {
        slc_diags_add(&d, SLC_DIAG_WARNING, NULL, (struct slc_pos){0, 0},
                      NULL, NULL, "w%d", i);
    }
    slc_diags_add(&d, SLC_DIAG_ERROR, NULL, (struct slc_pos){0, 0}, NULL,
                  NULL, "last");
    /* Kept up to the cap, all counted. */
    assert_int_equal(d.len, SLC_DIAGS_MAX);
    assert_int_equal(d.n_warnings, SLC_DIAGS_MAX + 20);
    assert_int_equal(d.n_errors, 2);
    assert_int_equal(slc_diags_to_error(&d, SLC_EINVALID, &err),
                     SLC_EINVALID);
    assert_non_null(strstr(err.msg, "'v' is bad (and 1 more errors)"));
    slc_diags_clear(&d);
}

static void
test_arena_aligns_and_grows(void **state)
{
    struct slc_arena a = SLC_ARENA_INIT;

    for (int i = 0; i < 10000; i++) {
        double *p = slc_arena_alloc(&a, sizeof *p * (size_t)(i % 7 + 1));

        assert_non_null(p);
        assert_int_equal((uintptr_t)p % _Alignof(max_align_t), 0);
        assert_true(*p == 0.0);
        *p = i;
    }
    assert_string_equal(slc_arena_printf(&a, "%s-%d", "vdu", 3), "vdu-3");
    assert_null(slc_arena_calloc(&a, SIZE_MAX / 2, 4));
    slc_arena_free(&a);
    slc_arena_free(&a);
}

SLC_LOG_MODULE(test);

static void
test_log_levels_and_rate_limit(void **state)
{
    char *text = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&text, &size);

    slc_log_set_stream(mem);
    slc_log_set_level(SLC_LOG_WARN);
    SLC_INFO("hidden %d", 1);
    SLC_WARN("vnfd '%s': shown", "x");
    for (int i = 0; i < 100; i++) {
        SLC_WARN_RL("flood %d", i);
    }
    slc_log_set_stream(NULL);
    fclose(mem);
    assert_null(strstr(text, "hidden"));
    assert_non_null(strstr(text, "warn test: vnfd 'x': shown"));
    assert_non_null(strstr(text, "flood 9"));
    assert_null(strstr(text, "flood 10\n"));
    assert_int_equal(slc_log_level_from_name("DEBUG"), SLC_LOG_DEBUG);
    assert_int_equal(slc_log_level_from_name("loud"), -1);
    free(text);
}

/* Bytes that are not UTF-8 become '?'; valid text stays as it is. */
static void
test_utf8_scrub(void **state)
{
    char plain[] = "nsd 'x' not found", accents[] = "caf\xc3\xa9 \xe2\x82\xac";
    char bad[] = "/ns/\xff\xfe/\xc3", overlong[] = "\xc0\xaf\xe0\x80\xaf";
    char surrogate[] = "\xed\xa0\x80!", big[] = "\xf4\x90\x80\x80";

    slc_utf8_scrub(plain);
    assert_string_equal(plain, "nsd 'x' not found");
    slc_utf8_scrub(accents);
    assert_string_equal(accents, "caf\xc3\xa9 \xe2\x82\xac");
    slc_utf8_scrub(bad);
    assert_string_equal(bad, "/ns/?" "?/?"); /* split: no trigraph */
    slc_utf8_scrub(overlong);
    assert_string_equal(overlong, "?????");
    slc_utf8_scrub(surrogate);
    assert_string_equal(surrogate, "??" "?!");
    slc_utf8_scrub(big);
    assert_string_equal(big, "????");
    slc_utf8_scrub(NULL);
}

/* A copy of 'v' with every real replaced by null. */
static json_t *
without_reals(const json_t *v)
{
    json_t *copy;
    const char *key;
    const json_t *item;
    size_t i;

    if (json_is_real(v)) {
        return json_null();
    }
    if (json_is_object(v)) {
        copy = json_object();
        json_object_foreach((json_t *)v, key, item)
        {
            json_object_set_new(copy, key, without_reals(item));
        }
        return copy;
    }
    if (json_is_array(v)) {
        copy = json_array();
        json_array_foreach(v, i, item)
        {
            json_array_append_new(copy, without_reals(item));
        }
        return copy;
    }
    return json_incref((json_t *)v);
}

/* slc_json_text gives what json_dumps(COMPACT | ENCODE_ANY) gives but
 * for reals (test_json_reals), and text that reads back as the same
 * document, reals to the last bit (json_equal compares them with ==). */
static void
assert_json_text(const json_t *v)
{
    size_t len = 7;
    char *text = slc_json_text(v, &len);
    json_t *plain = without_reals(v), *back;
    char *theirs = json_dumps(plain, JSON_COMPACT | JSON_ENCODE_ANY);
    char *ours = slc_json_text(plain, NULL);

    assert_non_null(text);
    assert_int_equal(len, strlen(text));
    assert_string_equal(ours, theirs);
    free(ours);
    json_decref(plain);
    back = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
    assert_non_null(back);
    assert_true(json_equal(back, v));
    json_decref(back);
    if ((json_is_object(v) || json_is_array(v)) && !strstr(text, "u0000")) {
        json_error_t jerr;

        back = slc_json_load(text, len, &jerr);
        assert_non_null(back);
        assert_true(json_equal(back, v));
        json_decref(back);
    }
    free(theirs);
    free(text);
}

/* Every YAML document under 'dir', as loaded: how many. */
static size_t
json_text_of_templates(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    size_t n = 0;

    assert_non_null(d);
    while ((e = readdir(d))) {
        char path[PATH_MAX];
        struct slc_yaml_doc *doc = NULL;
        struct slc_diags diags = {0};

        if (e->d_name[0] == '.') {
            continue;
        }
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (e->d_type == DT_DIR) {
            n += json_text_of_templates(path);
            continue;
        }
        if (!strstr(e->d_name, ".yaml") ||
            slc_yaml_load_file(path, NULL, &doc, &diags)) {
            slc_diags_clear(&diags);
            continue;
        }
        assert_json_text(slc_yaml_root(doc));
        slc_yaml_free(doc);
        n++;
    }
    closedir(d);
    return n;
}

static void
test_json_text(void **state)
{
    json_t *a = json_array(), *b = json_array(), *deep = json_array();
    json_t *in = deep, *reals = json_pack("[f,f]", DBL_MAX, 5e-324);
    json_t *v = json_pack(
        "{s:[i,I,I,f,f,f,f,f], s:s, s:s%, s:{}, s:[], s:n, s:b, s:b,"
        " s:{s:{s:[{}]}}}",
        "numbers", 0, (json_int_t)LLONG_MIN, (json_int_t)LLONG_MAX, 1.0,
        0.5, -0.0, 1796443724.4035864, 0.1,
        "escapes", "q\"b\\s/n\nt\tc\x01\x1f\x7f caf\xc3\xa9 \xf0\x9f\x98\x80",
        "nul", "a\0b", (size_t)3, "empty object", "empty array",
        "null", "true", 1, "false", 0, "nested", "x", "y", "z");
    char *text;

    /* the key order is the document's, the reals stay reals */
    assert_json_text(v);
    text = slc_json_text(v, NULL);
    assert_non_null(strstr(text, "{\"numbers\":[0,-9223372036854775808,"
                                 "9223372036854775807,1.0,0.5,-0.0,"
                                 "1796443724.4035864,0.1],"
                                 "\"escapes\":\"q\\\"b\\\\s/n\\nt\\tc"
                                 "\\u0001\\u001F\x7f caf\xc3\xa9 \xf0\x9f\x98\x80\","
                                 "\"nul\":\"a\\u0000b\","));
    free(text);
    json_decref(v);
    v = json_string("top");
    assert_json_text(v);
    assert_json_text(json_null());
    json_decref(v);

    /* where the text differs from jansson's ("e308"), it reads back */
    text = slc_json_text(reals, NULL);
    assert_string_equal(text, "[1.7976931348623157e+308,"
                              "4.9406564584124654e-324]");
    v = json_loads(text, 0, NULL);
    assert_true(json_equal(v, reals));
    json_decref(v);
    json_decref(reals);
    free(text);

    /* deeper than yajl goes: jansson writes it */
    for (int depth = 1; depth < 300; depth++) {
        json_t *next = json_array();

        json_array_append_new(in, next);
        in = next;
    }
    json_array_append_new(in, json_integer(300));
    assert_json_text(deep);
    json_decref(deep);

    /* a loop cannot be written */
    json_array_append(a, b);
    json_array_append(b, a);
    assert_null(slc_json_text(a, NULL));
    json_array_clear(b);
    json_decref(a);
    json_decref(b);
    assert_null(slc_json_text(NULL, NULL));
    {
        size_t len = 7;

        assert_null(slc_json_text(NULL, &len));
        assert_int_equal(len, 0); /* no text, no length */
    }

    assert_true(json_text_of_templates(SLC_SOURCE_DIR "/templates") > 20);
    assert_true(json_text_of_templates(SLC_EXAMPLES_DIR) >= 10);
}

/* Text of the real 'd' alone, which reads back as 'd' exactly through
 * both parsers; the caller frees it. */
static char *
real_text(double d)
{
    json_t *v = json_pack("[f]", d), *back;
    char *text = slc_json_text(v, NULL);
    json_error_t jerr;

    assert_non_null(text);
    back = json_loads(text, 0, NULL);
    assert_true(json_is_real(json_array_get(back, 0)));
    assert_true(json_real_value(json_array_get(back, 0)) == d);
    assert_true(signbit(json_real_value(json_array_get(back, 0))) ==
                signbit(d));
    json_decref(back);
    back = slc_json_load(text, strlen(text), &jerr);
    assert_true(json_real_value(json_array_get(back, 0)) == d);
    json_decref(back);
    json_decref(v);
    return text;
}

static void
assert_real_text(double d, const char *want)
{
    char *text = real_text(d);

    assert_string_equal(text + 1, want); /* after the '[' */
    free(text);
}

/* Reals in whole millionths (every time a record holds) are written with
 * the digits they need; every other real as jansson writes it; all read
 * back as the same double. */
static void
test_json_reals(void **state)
{
    uint64_t x = 88172645463325252ULL; /* xorshift64: the same each run */
    double now = slc_json_epoch_now();
    char *text;

    assert_real_text(1796455144.673459, "1796455144.673459]");
    assert_real_text(1796455144.67, "1796455144.67]");
    assert_real_text(0.1, "0.1]");
    assert_real_text(-0.5, "-0.5]");
    assert_real_text(-1.5, "-1.5]");
    assert_real_text(3.0, "3.0]");
    assert_real_text(-3.0, "-3.0]");
    assert_real_text(100.0, "100.0]");
    assert_real_text(12.000001, "12.000001]");
    assert_real_text(-0.000001, "-0.000001]");
    assert_real_text(0.00005, "0.00005]");
    assert_real_text(0.0, "0.0]");
    assert_real_text(-0.0, "-0.0]");
    assert_real_text(9007199254.740990, "9007199254.74099]");
    /* not in millionths, or too large for them: jansson's 17 digits */
    assert_real_text(1e-7, "9.9999999999999995e-08]");
    assert_real_text(1796443724.4035864, "1796443724.4035864]");
    assert_real_text(9007199254.740993, "9007199254.7409935]");
    assert_real_text(1e300, "1.0000000000000001e+300]");
    /* now, as records hold it: six decimals at most */
    text = real_text(now);
    assert_true(strlen(strchr(text, '.')) - 2 <= 6);
    free(text);
    for (int i = 0; i < 200000; i++) {
        double d;

        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        if (i % 3 == 0) { /* a time in millionths, either sign */
            d = (double)(long long)(x % 9007199254740991ULL) / 1e6;
            d = i % 2 ? -d : d;
        } else if (i % 3 == 1) { /* any finite double */
            memcpy(&d, &x, sizeof d);
            if (!isfinite(d)) {
                continue;
            }
        } else { /* near millionths: one bit off */
            uint64_t bits;

            d = (double)(x % 1000000000000ULL) / 1e6;
            memcpy(&bits, &d, sizeof bits);
            bits++;
            memcpy(&d, &bits, sizeof d);
        }
        free(real_text(d));
    }
}

/* slc_json_load refuses what json_loadb(text, len, 0) refuses, and says
 * why. */
static void
test_json_load(void **state)
{
    static const char *const bad[] = {
        "", "not json", "\"a string\"", "42", "{\"a\":1,}", "{} trailing",
        "{\"a\":\"x\\u0000y\"}", "[99999999999999999999]", "[1e999]",
        "{\"a\":\"\xff\"}", "{\"a\"", NULL,
    };
    json_error_t jerr;
    char *deep = malloc(2 * 3000 + 1);
    const char *text;
    json_t *v;

    for (size_t i = 0; bad[i]; i++) {
        memset(&jerr, 0, sizeof jerr);
        assert_null(json_loadb(bad[i], strlen(bad[i]), 0, &jerr));
        jerr.text[0] = '\0';
        assert_null(slc_json_load(bad[i], strlen(bad[i]), &jerr));
        assert_true(jerr.text[0] != '\0');
    }
    /* too deep */
    memset(deep, '[', 3000);
    memset(deep + 3000, ']', 3000);
    deep[6000] = '\0';
    assert_null(slc_json_load(deep, 6000, &jerr));
    assert_non_null(strstr(jerr.text, "depth"));
    free(deep);
    /* the last of two equal keys wins, as in jansson; the order stays */
    text = "{\"b\":1,\"a\":[true,false,null,-2.5e3,\"\\u00e9\"],\"b\":2}";
    v = slc_json_load(text, strlen(text), &jerr);
    assert_non_null(v);
    assert_int_equal(json_integer_value(json_object_get(v, "b")), 2);
    assert_string_equal(json_object_iter_key(json_object_iter(v)), "b");
    assert_true(json_real_value(json_array_get(json_object_get(v, "a"), 3)) ==
                -2500.0);
    assert_string_equal(
        json_string_value(json_array_get(json_object_get(v, "a"), 4)),
        "\xc3\xa9");
    json_decref(v);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uuid4_is_random_and_well_formed),
        cmocka_unit_test(test_uuid4_unique_across_fork),
        cmocka_unit_test(test_uuid7_sorts_in_time),
        cmocka_unit_test(test_error_prefixes_and_names),
        cmocka_unit_test(test_diagnostics_format_and_cap),
        cmocka_unit_test(test_arena_aligns_and_grows),
        cmocka_unit_test(test_log_levels_and_rate_limit),
        cmocka_unit_test(test_utf8_scrub),
        cmocka_unit_test(test_json_text),
        cmocka_unit_test(test_json_reals),
        cmocka_unit_test(test_json_load),
    };
    return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}

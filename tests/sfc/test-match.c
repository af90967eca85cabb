/* Unit tests of classifier match parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "sfc-match.h"

static void
test_prefixes(void **state)
{
    struct slc_ip_prefix p, q;
    struct slc_error err;

    assert_int_equal(slc_ip_prefix_parse("10.0.0.1", &p, &err), 0);
    assert_int_equal(p.family, AF_INET);
    assert_int_equal(p.len, 32);
    assert_int_equal(slc_ip_prefix_parse("10.0.0.0/8", &q, &err), 0);
    assert_true(slc_ip_prefix_overlap(&p, &q));
    assert_int_equal(slc_ip_prefix_parse("2001:db8::/32", &q, &err), 0);
    assert_int_equal(q.family, AF_INET6);
    assert_false(slc_ip_prefix_overlap(&p, &q));
    assert_int_equal(slc_ip_prefix_parse("10.0.0.1/24", &p, &err),
                     SLC_EINVALID);
    assert_non_null(strstr(err.msg, "bits set beyond the /24"));
    assert_int_equal(slc_ip_prefix_parse("10.0.0.0/33", &p, &err),
                     SLC_EINVALID);
    assert_int_equal(slc_ip_prefix_parse("host.example", &p, &err),
                     SLC_EINVALID);
    assert_int_equal(slc_ip_prefix_parse("10.0.0.0/", &p, &err),
                     SLC_EINVALID);
    assert_true(slc_ip_proto_has_ports(6));
    assert_false(slc_ip_proto_has_ports(1));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prefixes),
    };
    return cmocka_run_group_tests_name("sfc-match", tests, NULL, NULL);
}

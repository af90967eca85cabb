/* Unit tests of the sim VIM driver's resources once it keeps them as text:
 * every call on a resource made long ago (parsed again from its text)
 * sees and keeps what the calls before it did. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <event2/event.h>
#include <jansson.h>

#include "slc-error.h"
#include "vim.h"

/* More than the sim keeps parsed (SIM_PARSED_MAX in vim-sim.c). */
#define PUSH_OUT 1500

struct t {
    struct event_base *base;
    struct slc_vim *vim;
    uint64_t next_token;
    bool have;        /* the result of the last call arrived */
    int rc;
    char vim_id[64];
    char msg[300];
    json_t *info;
};

static void
on_done(void *owner, const struct slc_vim_result *r)
{
    struct t *t = owner;

    t->have = true;
    t->rc = r->rc;
    snprintf(t->vim_id, sizeof t->vim_id, "%s", r->vim_id ? r->vim_id : "");
    snprintf(t->msg, sizeof t->msg, "%s", r->msg ? r->msg : "");
    json_decref(t->info);
    t->info = r->info ? json_deep_copy(r->info) : NULL;
}

/* Waits for the result of the call just submitted; returns its rc. */
static int
result(struct t *t, int submitted)
{
    assert_int_equal(submitted, 0);
    while (!t->have) {
        event_base_loop(t->base, EVLOOP_ONCE);
    }
    t->have = false;
    return t->rc;
}

static int
network(struct t *t, const char *tag, const char *physnet)
{
    struct slc_error err = {0};
    struct slc_vim_network_spec spec = {
        .name = tag, .tag = tag, .type = "ELAN", .physnet = physnet};

    return result(t, t->vim->class->create_network(t->vim, ++t->next_token,
                                                   &spec, &err));
}

static int
port(struct t *t, const char *tag, const char *net)
{
    struct slc_error err = {0};
    struct slc_vim_port_spec spec = {.name = tag, .tag = tag,
                                     .network_id = net};

    return result(t, t->vim->class->create_port(t->vim, ++t->next_token,
                                                &spec, &err));
}

static int
compute(struct t *t, const char *tag, const char *port_id)
{
    struct slc_error err = {0};
    const char *ports[] = {port_id};
    struct slc_vim_compute_spec spec = {.name = tag, .tag = tag,
                                        .image = "img", .vcpus = 2,
                                        .memory_mb = 512, .port_ids = ports,
                                        .n_ports = 1};

    return result(t, t->vim->class->create_compute(t->vim, ++t->next_token,
                                                   &spec, &err));
}

static int
delete(struct t *t, enum slc_vim_kind kind, const char *id)
{
    struct slc_error err = {0};

    return result(t, t->vim->class->delete(t->vim, ++t->next_token, kind, id,
                                           &err));
}

/* Makes PUSH_OUT new networks, so that what came before is kept as text. */
static void
push_out(struct t *t, const char *round)
{
    char tag[64];

    for (int i = 0; i < PUSH_OUT; i++) {
        snprintf(tag, sizeof tag, "filler-%s-%d", round, i);
        assert_int_equal(network(t, tag, NULL), 0);
    }
}

static int
setup(void **state)
{
    static struct t t;
    struct slc_error err = {0};
    json_t *config = json_pack("{s{s{sisisi}}}", "sim", "capacity", "vcpus",
                               100, "ram_mb", 100000, "vfs", 4);
    struct slc_vim_params p = {.account_id = "acc-1", .name = "sim-1",
                               .config = config, .done = on_done, .owner = &t};

    memset(&t, 0, sizeof t);
    t.base = event_base_new();
    p.base = t.base;
    assert_int_equal(slc_vim_sim_class.open(&p, &t.vim, &err), 0);
    json_decref(config);
    *state = &t;
    return 0;
}

static int
teardown(void **state)
{
    struct t *t = *state;

    t->vim->class->close(t->vim);
    event_base_free(t->base);
    json_decref(t->info);
    return 0;
}

static void
test_old_resources(void **state)
{
    struct t *t = *state;
    struct slc_error err = {0};
    char net[64], p0[64], c0[64];
    json_t *d, *cap;
    const json_t *r;
    size_t i;

    assert_int_equal(network(t, "net-0", NULL), 0);
    snprintf(net, sizeof net, "%s", t->vim_id);
    push_out(t, "a");

    /* a port on a network kept as text: the network learns of it */
    assert_int_equal(port(t, "port-0", net), 0);
    snprintf(p0, sizeof p0, "%s", t->vim_id);
    push_out(t, "b");
    assert_int_equal(delete(t, SLC_VIM_NETWORK, net), SLC_ECONFLICT);
    assert_non_null(strstr(t->msg, "still has 1 ports"));

    /* a compute on a port kept as text: the port is attached for good */
    assert_int_equal(compute(t, "vm-0", p0), 0);
    snprintf(c0, sizeof c0, "%s", t->vim_id);
    push_out(t, "c");
    assert_int_equal(compute(t, "vm-1", p0), SLC_ECONFLICT);
    assert_non_null(strstr(t->msg, "is already attached"));
    assert_int_equal(delete(t, SLC_VIM_PORT, p0), SLC_ECONFLICT);

    /* find by tag and status of what is kept as text */
    assert_int_equal(result(t, t->vim->class->find(t->vim, ++t->next_token,
                                                   SLC_VIM_COMPUTE, "vm-0",
                                                   &err)),
                     0);
    assert_string_equal(t->vim_id, c0);
    assert_int_equal(result(t, t->vim->class->status(t->vim, ++t->next_token,
                                                     SLC_VIM_PORT, p0,
                                                     &err)),
                     0);
    assert_string_equal(json_string_value(json_object_get(t->info,
                                                          "device_id")),
                        c0);

    /* what a delete undoes on resources kept as text stays undone */
    assert_int_equal(delete(t, SLC_VIM_COMPUTE, c0), 0);
    push_out(t, "d");
    assert_int_equal(delete(t, SLC_VIM_PORT, p0), 0);
    push_out(t, "e");
    assert_int_equal(delete(t, SLC_VIM_NETWORK, net), 0);
    assert_int_equal(delete(t, SLC_VIM_NETWORK, net), SLC_ENOTFOUND);

    /* the operator's view: every resource whole (the fillers), the
     * capacity freed */
    d = t->vim->class->describe(t->vim);
    assert_non_null(d);
    assert_int_equal(json_array_size(json_object_get(d, "resources")),
                     5 * PUSH_OUT);
    json_array_foreach(json_object_get(d, "resources"), i, r)
    {
        assert_true(json_is_object(r));
        assert_string_equal(json_string_value(json_object_get(r, "kind")),
                            "network");
    }
    json_decref(d);
    cap = t->vim->class->capacity(t->vim);
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(cap, "vcpus"), "used")),
                     0);
    json_decref(cap);
}

/* A provider network without a VLAN gets the lowest free one of its
 * physical network, also when the networks holding the others are kept
 * as text. */
static void
test_free_vlan(void **state)
{
    struct t *t = *state;
    char first[64];

    assert_int_equal(network(t, "prov-1", "phys"), 0);
    assert_int_equal(json_integer_value(json_object_get(t->info, "vlan")), 1);
    snprintf(first, sizeof first, "%s", t->vim_id);
    assert_int_equal(network(t, "prov-2", "phys"), 0);
    assert_int_equal(json_integer_value(json_object_get(t->info, "vlan")), 2);
    assert_int_equal(network(t, "other-1", "other"), 0);
    assert_int_equal(json_integer_value(json_object_get(t->info, "vlan")), 1);
    push_out(t, "v");
    assert_int_equal(network(t, "prov-3", "phys"), 0);
    assert_int_equal(json_integer_value(json_object_get(t->info, "vlan")), 3);
    assert_int_equal(delete(t, SLC_VIM_NETWORK, first), 0);
    assert_int_equal(network(t, "prov-4", "phys"), 0);
    assert_int_equal(json_integer_value(json_object_get(t->info, "vlan")), 1);
}

/* Reconcile against the store's list keeps what it knows, parsed or not,
 * and deletes the rest. */
static void
test_reconcile(void **state)
{
    struct t *t = *state;
    struct slc_error err = {0};
    json_t *known = json_array(), *d;
    char net[64];

    assert_int_equal(network(t, "kept", NULL), 0);
    snprintf(net, sizeof net, "%s", t->vim_id);
    json_array_append_new(known, json_pack("{ss ss ss}", "vim_id", net,
                                           "kind", "network", "tag", "kept"));
    push_out(t, "r");
    assert_int_equal(t->vim->class->reconcile(t->vim, known, &err), 0);
    json_decref(known);
    d = t->vim->class->describe(t->vim);
    assert_int_equal(json_array_size(json_object_get(d, "resources")), 1);
    assert_string_equal(
        json_string_value(json_object_get(
            json_array_get(json_object_get(d, "resources"), 0), "tag")),
        "kept");
    json_decref(d);
    assert_int_equal(port(t, "after", net), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_old_resources, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_vlan, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reconcile, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}

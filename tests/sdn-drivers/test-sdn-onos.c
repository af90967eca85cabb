/* The onos_vpls and onosof SDN drivers against the ONOS stand-in
 * (tests/sdn-drivers/standin/, --type onos), which answers ONOS's REST
 * API and applies the result to a real private Open vSwitch (userspace
 * datapath, bridge br0 in secure fail mode, OpenFlow 1.3 only): nothing
 * passes br0 but the stand-in's flows.  Namespaces a, b and c sit on
 * br0's ports 2, 3 and 4 (untagged); namespace vf behind an access port
 * tagged 101 of a hand-made "NIC bridge" nic1, patched to br0's port 1,
 * as an SR-IOV VF would be: its traffic reaches br0 tagged 101.
 *
 * Checked for each driver: a wrong password at check_credentials is
 * SLC_EDENIED naming the 401 without the password; OSM's dot1q point of
 * the VF (switch_port "1", vlan 101) and an untagged point given by port
 * name make an ELINE that carries pings; a second create with the same
 * tag gives the same service; an edit makes it join other points; its
 * delete stops the pings and leaves no stand-in flow; a second delete is
 * SLC_ENOTFOUND; an ELAN of three points carries pings among all; the
 * stand-in killed and restarted (its state lost, its flows removed) gets
 * the service again from the driver's audit and the pings pass.
 * onos_vpls: the VPLS entry the driver posted is applied (the stand-in,
 * as ONOS, ignores a vpls configuration posted with lastUpdateTime), and
 * a stand-in failing the second POST (--fail-post 2) makes the create
 * fail with the configuration as before (a port subject new to it stays
 * with an empty interface list: a POST merges and cannot remove one).
 * Two VPLSs cannot share an interface: the second is a conflict.
 * onosof: a VLAN is pushed then set (push_vlan + set_field on br0); a
 * create that the switch refuses halfway (table 0 limited to 3 flows)
 * fails with its words and leaves no flow; a status sees a rule removed
 * behind a driver without audits as ERROR.  Forwarding programs: one of
 * VLAN push, set and pop rules and a select group whose buckets set the
 * VLAN and output is installed (its flows and group on br0 as
 * dump-flows and dump-groups show them) and carries pings from a to the
 * VF; program_counters counts them; a flow deleted on br0 behind the
 * controller's back is put back by the audit with counters not lower
 * than before; a replace leaves only the new flows and group; a remove
 * leaves nothing; an NSH program is refused up front (SLC_EUNSUPPORTED
 * naming program, rule and action) and an install the switch refuses
 * halfway fails with its words, both leaving nothing.
 *
 * Usage: test-sdn-onos PATH/TO/STANDIN, as root in namespaces of its own
 * (meson: unshare --net --mount --pid --fork --mount-proc).  Exit 77
 * (skip) when a program it needs is missing.  The switch, the stand-in
 * and the namespaces are made in a scratch directory and removed, by pid
 * and by the names made, even on failure (KEEP_TMP=1 keeps the
 * directory). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sdn-rest.h"
#include "sdn-test-lib.h"
#include "sdn.h"

#define DPID_HEX "000000000000b0d1"
#define DEVICE "of:" DPID_HEX
#define OFCTL "ovs-ofctl -O OpenFlow13 "
/* The stand-in's flows (cookie 0x5d1c, personality 1 = ONOS). */
#define STANDIN_COOKIE "cookie=0x5d1c010000000000/0xffffff0000000000"
#define WRONG_PASSWORD "n0t-karaf"

static const char *standin;
enum { NS_A, NS_B, NS_C, NS_VF, N_NS };

/* ---- the stand-in ---- */

/* Starts the stand-in with 'fail_post' (may be NULL) as its
 * --fail-post. */
static int
start_standin(const char *fail_post)
{
    return sdn_test_standin(standin, "onos", "karaf", "karaf", fail_post);
}

/* The stand-in's flows on br0. */
static long
standin_flows(void)
{
    return sh_num(OFCTL "dump-flows br0 " STANDIN_COOKIE
                  " | grep -c cookie=");
}

static bool
has_flow(const char *text)
{
    return sh(OFCTL "--no-names dump-flows br0 " STANDIN_COOKIE
              " | grep -q -- '%s'", text) == 0;
}

/* Lines of the stand-in's log that contain 'text'. */
static long
log_count(const char *text)
{
    return sh_num("grep -c -- '%s' %s/standin-onos.log", text,
                  sdn_test.dir);
}

struct rest_outcome {
    bool done;
    int rc;
    json_t *body;
};

static void
on_rest(void *arg, int rc, const char *msg, json_t *body, long st)
{
    struct rest_outcome *o = arg;

    (void)msg;
    (void)st;
    o->done = true;
    o->rc = rc;
    o->body = json_incref(body);
}

/* The stand-in's answer to GET 'path' (a new reference), or NULL. */
static json_t *
standin_get(const char *path)
{
    struct slc_sdn_rest *r = NULL;
    struct slc_error err = {0};
    struct rest_outcome o = {0};
    char url[64];

    snprintf(url, sizeof url, "http://127.0.0.1:%d", sdn_test.rest_port);
    if (slc_sdn_rest_new(&(struct slc_sdn_rest_params){
                             .base = sdn_test.base, .url = url,
                             .user = "karaf", .password = "karaf"},
                         &r, &err) ||
        slc_sdn_rest_call(r, "GET", path, NULL, on_rest, &o, &err)) {
        slc_sdn_rest_free(r);
        return NULL;
    }
    for (int i = 0; i < 500 && !o.done; i++) {
        run_loop_ms(10);
    }
    slc_sdn_rest_free(r);
    if (o.rc) {
        json_decref(o.body);
        return NULL;
    }
    return o.body;
}

/* Until 'i' reaches point <n> (10 s at most), running the loop so that
 * the driver's audits run. */
static bool
ping_soon(int i, int n)
{
    for (int k = 0; k < 20; k++) {
        run_loop_ms(500);
        if (!no_ping(i, n)) {
            return true;
        }
    }
    return false;
}

static struct slc_sdn *
open_driver(const struct slc_sdn_class *class, const char *name,
            const char *password, json_t *config)
{
    return sdn_test_open(class, name, "karaf", password, config);
}

/* ---- the checks ---- */

/* OSM's dot1q point of the VF: nic1 tags it 101 onto br0's port 1. */
static const struct slc_sdn_endpoint vf = {
    .id = "compute-1:0000:3b:02.0", .encapsulation = "dot1q", .vlan = 101,
    .mac = "02:00:00:00:31:04", .switch_dpid = "00:00:00:00:00:00:b0:d1",
    .switch_port = "1"};
static const struct slc_sdn_endpoint pa = {
    .id = "a", .mac = "02:00:00:00:31:01", .switch_port = "va"};
static const struct slc_sdn_endpoint pb = {
    .id = "b", .mac = "02:00:00:00:31:02", .switch_port = "3"};

static void
credentials(const struct slc_sdn_class *class)
{
    struct slc_sdn *wrong = open_driver(class, "wrong", WRONG_PASSWORD,
                                        json_pack("{si}",
                                                  "audit_interval_ms", 0));
    int rc = wrong ? check_credentials(wrong) : -1;

    check(rc == SLC_EDENIED && strstr(out.msg, "401") &&
              !strstr(out.msg, WRONG_PASSWORD),
          "%s: a wrong password: SLC_EDENIED naming the 401, not the "
          "password (%s)", class->type, out.msg);
    slc_sdn_close(wrong);
}

/* The VPLS configuration shows VPLS 'name' (with lastUpdateTime, ONOS's
 * write-back after applying it). */
static bool
vpls_listed(const char *name)
{
    json_t *cfg = standin_get("/onos/v1/network/configuration");
    json_t *vpls = json_object_get(
        json_object_get(json_object_get(cfg, "apps"),
                        "org.onosproject.vpls"),
        "vpls");
    json_t *e;
    size_t i;
    bool found = false;

    json_array_foreach(json_object_get(vpls, "vplsList"), i, e)
    {
        const char *n = json_string_value(json_object_get(e, "name"));

        found = found || (n && !strcmp(n, name));
    }
    found = found && json_object_get(vpls, "lastUpdateTime");
    json_decref(cfg);
    return found;
}

/* The ELINE of the VF and a: pings, same tag, edit, delete. */
static void
eline(const struct slc_sdn_class *class, struct slc_sdn *sdn)
{
    const struct slc_sdn_endpoint two[2] = {vf, pa}, other[2] = {vf, pb};
    const char *type = class->type;
    bool vpls = class == &slc_sdn_onos_vpls_class;
    char id[64];
    struct slc_sdn_service_spec spec = {.name = id, .type = "ELINE",
                                        .ports = other, .n_ports = 2};
    json_t *ci;
    long n;

    check(no_ping(NS_VF, 1), "%s: the VF does not reach a by itself", type);
    check(!create(sdn, "eline-vf-a", "ELINE", two, 2) &&
              !strcmp(out.status, "ACTIVE"),
          "%s: ELINE of the VF (port \"1\", vlan 101) and a (port \"va\") "
          "created as %s (%s)", type, out.service, out.msg);
    snprintf(id, sizeof id, "%s", out.service);
    ci = json_incref(out.data);
    check(ping(NS_VF, 1) && ping(NS_A, 4), "%s: the VF and a ping each "
          "other across the VLAN", type);
    if (vpls) {
        check(!strncmp(id, "slicer-", 7) && strlen(id) == 15 &&
                  json_array_size(json_object_get(ci, "interfaces")) == 2,
              "%s: service id %s, conn_info names 2 interfaces", type, id);
        check(vpls_listed(id) &&
                  log_count("lastUpdateTime present") == 0,
              "%s: the VPLS was posted without lastUpdateTime and applied",
              type);
    } else {
        n = standin_flows();
        check(!strncmp(id, "onosof-", 7) &&
                  json_array_size(json_object_get(
                      ci, "installed_rules_ids")) == 2 &&
                  n == 2,
              "%s: service id %s, conn_info has 2 rule ids, 2 flows on br0 "
              "(%ld)", type, id, n);
        check(has_flow("in_port=2 actions=push_vlan:0x8100,"
                       "set_field:4197->vlan_vid,output:1") &&
                  has_flow("in_port=1,dl_vlan=101 actions=pop_vlan,"
                           "output:2"),
              "%s: towards the VF the VLAN is pushed then set; from it, "
              "popped", type);
    }
    check(!create(sdn, "eline-vf-a", "ELINE", two, 2) &&
              !strcmp(out.service, id) && json_equal(out.data, ci),
          "%s: created again with the same tag: the same service %s and "
          "conn_info (%s)", type, out.service, out.msg);
    check(!status(sdn, id, ci) && !strcmp(out.status, "ACTIVE"),
          "%s: its status is ACTIVE (%s)", type, out.msg);
    spec.conn_info = ci;
    check(!edit(sdn, id, &spec) && !strcmp(out.service, id),
          "%s: edited to join the VF and b (%s)", type, out.msg);
    if (out.data) {
        json_decref(ci);
        ci = json_incref(out.data);
    }
    check(ping(NS_VF, 2) && no_ping(NS_VF, 1), "%s: the VF pings b, not a",
          type);
    check(!delete_service(sdn, id, ci), "%s: ELINE deleted (%s)", type,
          out.msg);
    n = standin_flows();
    check(no_ping(NS_VF, 2) && n == 0, "%s: the VF no longer reaches b, no "
          "stand-in flow is left (%ld)", type, n);
    check(delete_service(sdn, id, ci) == SLC_ENOTFOUND,
          "%s: deleting it again: SLC_ENOTFOUND (%s)", type, out.msg);
    check(status(sdn, id, ci) == SLC_ENOTFOUND,
          "%s: its status: SLC_ENOTFOUND (%s)", type, out.msg);
    json_decref(ci);
}

/* An ELAN of the VF, a and b; the stand-in restarted under it. */
static void
elan_and_restart(const struct slc_sdn_class *class, struct slc_sdn *sdn)
{
    const struct slc_sdn_endpoint three[3] = {vf, pa, pb};
    const char *type = class->type;
    char id[64];
    json_t *ci, *d;
    long n;

    check(!create(sdn, "elan-vf-a-b", "ELAN", three, 3),
          "%s: ELAN of the VF, a and b created (%s)", type, out.msg);
    snprintf(id, sizeof id, "%s", out.service);
    ci = json_incref(out.data);
    check(ping(NS_VF, 1) && ping(NS_VF, 2) && ping(NS_A, 2) &&
              ping(NS_B, 4),
          "%s: the VF, a and b ping each other", type);
    check(no_ping(NS_C, 1), "%s: c is not in it", type);

    sdn_test_stop(SIGKILL);
    check(!start_standin(NULL), "%s: the stand-in killed and restarted",
          type);
    /* the audit posts the service's flows one by one: each path in turn */
    check(ping_soon(NS_VF, 1) && ping_soon(NS_A, 2) && ping_soon(NS_B, 4),
          "%s: the audit made the service again: the VF, a and b ping each "
          "other", type);
    d = sdn->class->describe(sdn);
    check(json_integer_value(json_object_get(d, "remade")) +
                  json_integer_value(json_object_get(d, "reinstalled")) >=
              1,
          "%s: describe counts it (%s)", type,
          json_string_value(json_object_get(d, "last_event")));
    json_decref(d);
    check(!delete_service(sdn, id, ci), "%s: ELAN deleted (%s)", type,
          out.msg);
    n = standin_flows();
    check(no_ping(NS_VF, 1) && n == 0, "%s: no ping, no stand-in flow "
          "left (%ld)", type, n);
    json_decref(ci);
}

/* A port subject whose only configuration is an empty interface list is
 * none: a POST can add one, not remove it. */
static void
drop_empty_ports(json_t *cfg)
{
    json_t *ports = json_object_get(cfg, "ports"), *keep = json_object();
    json_t *v;
    const char *key;

    json_object_foreach(ports, key, v)
    {
        json_t *ifaces = json_object_get(v, "interfaces");

        if (!(json_object_size(v) == 1 && json_is_array(ifaces) &&
              !json_array_size(ifaces))) {
            json_object_set(keep, key, v);
        }
    }
    json_object_set_new(cfg, "ports", keep);
}

/* --fail-post 2: the second POST of a create (the vplsList entry) is
 * refused; the driver posts the original configuration back. */
static void
vpls_rollback(void)
{
    const struct slc_sdn_endpoint two[2] = {vf, pa};
    struct slc_sdn *sdn;
    json_t *before, *after;
    int rc;

    sdn_test_stop(SIGTERM);
    if (start_standin("2")) {
        check(false, "onos_vpls: stand-in with --fail-post 2 started");
        return;
    }
    sdn = open_driver(&slc_sdn_onos_vpls_class, "vpls-rollback", "karaf",
                      json_pack("{si}", "audit_interval_ms", 0));
    before = standin_get("/onos/v1/network/configuration");
    rc = sdn ? create(sdn, "eline-rollback", "ELINE", two, 2) : -1;
    check(rc == SLC_EIO && strstr(out.msg, "POST /onos/v1/network/"
                                           "configuration: 500") &&
              strstr(out.msg, "rolled back"),
          "onos_vpls: the second POST failing, the create fails: %s",
          out.msg);
    after = standin_get("/onos/v1/network/configuration");
    drop_empty_ports(after);
    check(before && after && json_equal(before, after),
          "onos_vpls: the network configuration is as before (but for "
          "empty interface lists)");
    check(standin_flows() == 0, "onos_vpls: no stand-in flow");
    json_decref(before);
    json_decref(after);
    slc_sdn_close(sdn);
}

/* A driver without audits sees a rule removed behind it as ERROR. */
static void
onosof_partial(void)
{
    const struct slc_sdn_endpoint two[2] = {pa, pb};
    struct slc_sdn *sdn = open_driver(&slc_sdn_onosof_class, "of-partial",
                                      "karaf",
                                      json_pack("{si ss}",
                                                "audit_interval_ms", 0,
                                                "dpid", DPID_HEX));
    char id[64];
    json_t *ci;

    check(sdn && !create(sdn, "eline-partial", "ELINE", two, 2),
          "onosof: ELINE a-b made by a driver without audits (%s)",
          out.msg);
    snprintf(id, sizeof id, "%s", out.service);
    ci = json_incref(out.data);
    sh("curl -s -u karaf:karaf -X DELETE "
       "http://127.0.0.1:%d/onos/v1/flows/" DEVICE "/%s >/dev/null",
       sdn_test.rest_port,
       json_string_value(json_array_get(
           json_object_get(ci, "installed_rules_ids"), 0)));
    check(sdn && !status(sdn, id, ci) && !strcmp(out.status, "ERROR") &&
              !strcmp(out.msg, "1 of 2 rules on device " DEVICE),
          "onosof: one flow removed by hand: status %s, %s", out.status,
          out.msg);
    check(sdn && !delete_service(sdn, id, NULL) && standin_flows() == 0,
          "onosof: deleted without conn_info (%s)", out.msg);
    json_decref(ci);
    slc_sdn_close(sdn);
}

/* A rule the switch refuses halfway: the flows added are removed. */
static void
onosof_refused(struct slc_sdn *sdn)
{
    const struct slc_sdn_endpoint three[3] = {vf, pa, pb};
    int rc;

    sh("ovs-vsctl -- --id=@ft create Flow_Table flow_limit=3 "
       "overflow_policy=refuse -- set bridge br0 flow_tables:0=@ft "
       ">/dev/null");
    rc = create(sdn, "elan-refused", "ELAN", three, 3);
    check(rc == SLC_EINVALID && strstr(out.msg, "POST /onos/v1/flows/"
                                       DEVICE ": 400 {\"code\":400,") &&
              strstr(out.msg, "OFPT_FLOW_MOD"),
          "onosof: an ELAN on a table of 3 flows fails with the switch's "
          "refusal: %s", out.msg);
    sh("ovs-vsctl clear bridge br0 flow_tables");
    check(standin_flows() == 0, "onosof: the flows it added are removed");
}

/* ---- forwarding programs (onosof) ---- */

/* a reaches the VF through VLAN 101 on br0's port 1: ARP pushed and
 * tagged straight, ICMP pushed with VLAN 100 then set to 101 by a bucket
 * of a select group (both buckets lead to port 1, by number and by name);
 * what returns from the VF tagged 101 is popped to a. */
#define PROGRAM_VLAN                                                         \
    "{\"rules\": ["                                                          \
    "{\"priority\": 200, \"match\": {\"in_port\": \"va\", \"eth_type\": "    \
    "2054}, \"actions\": [{\"push_vlan\": 101}, {\"output\": \"1\"}]},"      \
    "{\"priority\": 200, \"match\": {\"in_port\": \"1\", \"vlan\": 101}, "   \
    "\"actions\": [{\"pop_vlan\": null}, {\"output\": \"va\"}]},"            \
    "{\"priority\": 300, \"match\": {\"in_port\": \"va\", \"eth_type\": "    \
    "2048, \"ip_proto\": 1, \"nw_dst\": \"10.31.0.4\"}, \"actions\": "       \
    "[{\"push_vlan\": 100}, {\"group\": 1}]}],"                              \
    "\"groups\": [{\"id\": 1, \"buckets\": [[{\"set_vlan\": 101}, "          \
    "{\"output\": \"1\"}], [{\"set_vlan\": 101}, {\"output\": \"fp1\"}]]}]}"
/* The same path, the ICMP rule through a group of ports. */
#define PROGRAM_PORTS                                                        \
    "{\"rules\": ["                                                          \
    "{\"priority\": 200, \"match\": {\"in_port\": \"va\", \"eth_type\": "    \
    "2054}, \"actions\": [{\"push_vlan\": 101}, {\"output\": \"1\"}]},"      \
    "{\"priority\": 200, \"match\": {\"in_port\": \"1\", \"vlan\": 101}, "   \
    "\"actions\": [{\"pop_vlan\": null}, {\"output\": \"va\"}]},"            \
    "{\"priority\": 300, \"match\": {\"in_port\": \"va\", \"eth_type\": "    \
    "2048}, \"actions\": [{\"push_vlan\": 101}, {\"group\": 2}]}],"          \
    "\"groups\": [{\"id\": 2, \"ports\": [\"1\"]}]}"
#define PROGRAM_NSH                                                          \
    "{\"rules\": [{\"priority\": 100, \"match\": {\"in_port\": \"va\", "     \
    "\"eth_type\": 2048}, \"actions\": [{\"encap_nsh\": null}, "             \
    "{\"set_nsh_spi\": 100}, {\"encap_eth\": null}, {\"output\": \"vb\"}]}]}"

/* Counters kept through the audit's re-install of a flow deleted behind
 * the controller's back; the program made again after a restart of the
 * controller. */
static void
program_audit(struct slc_sdn *sdn)
{
    int i;

    sdn_test_audit_keeps_counters(sdn, "onosof", STANDIN_COOKIE, NS_A);
    sdn_test_stop(SIGKILL);
    check(!start_standin(NULL), "onosof: the stand-in killed and restarted");
    for (i = 0; i < 50 && standin_flows() != 3; i++) {
        run_loop_ms(200);
    }
    check(standin_flows() == 3 && has_flow("group:1793") &&
              sdn_test_groups() == 1 && ping(NS_A, 4),
          "onosof: the audit made the program again, its group then its "
          "flows: a pings the VF");
}

/* Install, counters, audit, replace, remove of a program of VLAN rules
 * and a select group; an NSH program and a missing port refused; a
 * refused install leaves nothing. */
static void
onosof_programs(struct slc_sdn *sdn)
{
    bool ok;
    int rc;

    check(!sdn_test_program(sdn, "install", 7, PROGRAM_VLAN),
          "onosof: program 7 (VLAN push/set/pop, a select group with "
          "buckets) installed (%s)", out.msg);
    check(standin_flows() == 3 &&
              has_flow("priority=200,arp,in_port=2 actions=push_vlan:0x8100,"
                       "set_field:4197->vlan_vid,output:1") &&
              has_flow("priority=200,in_port=1,dl_vlan=101 actions=pop_vlan,"
                       "output:2") &&
              has_flow("priority=300,icmp,in_port=2,nw_dst=10.31.0.4 "
                       "actions=push_vlan:0x8100,set_field:4196->vlan_vid,"
                       "group:1793"),
          "onosof: its 3 flows on br0, the ICMP one to group 7 << 8 | 1");
    check(sdn_test_groups() == 1 &&
              sdn_test_has_group("group_id=1793,type=select,bucket=actions="
                        "set_field:4197->vlan_vid,output:1,bucket=actions="
                        "set_field:4197->vlan_vid,output:1"),
          "onosof: group 1793 on br0, select, a bucket per action list");
    check(ping(NS_A, 4), "onosof: a pings the VF through the program");
    program_audit(sdn);
    check(!sdn_test_program(sdn, "install", 7, PROGRAM_PORTS) &&
              standin_flows() == 3 && sdn_test_groups() == 1 &&
              sdn_test_has_group("group_id=1794,type=select,bucket=actions=output:1") &&
              has_flow("group:1794") && !has_flow("group:1793"),
          "onosof: program 7 replaced: its old flows and group gone, the "
          "new group of ports there (%s)", out.msg);
    ok = ping(NS_A, 4) && sdn_test_counters_reach(sdn, 7, 2, 3);
    check(ok && sdn_test_packets(2) >= 3 && sdn_test_packets(2) < 20,
          "onosof: the new program counts from 0 (%lld)", sdn_test_packets(2));
    check(!sdn_test_program(sdn, "remove", 7, NULL) && standin_flows() == 0 &&
              sdn_test_groups() == 0 && no_ping(NS_A, 4),
          "onosof: program 7 removed: no flow, no group, no ping (%s)",
          out.msg);
    check(!sdn_test_program(sdn, "remove", 7, NULL) &&
              sdn_test_program(sdn, "counters", 7, NULL) == SLC_ENOTFOUND,
          "onosof: removed again: rc 0; its counters: not found (%s)",
          out.msg);
    rc = sdn_test_program(sdn, "install", 8, PROGRAM_NSH);
    check(rc == SLC_EUNSUPPORTED && strstr(out.msg, "program 8: rule 0: "
                                           "action encap_nsh") &&
              standin_flows() == 0 && sdn_test_groups() == 0,
          "onosof: an NSH program refused up front, nothing installed: %s",
          out.msg);
    sh("ovs-vsctl -- --id=@ft create Flow_Table flow_limit=2 "
       "overflow_policy=refuse -- set bridge br0 flow_tables:0=@ft "
       ">/dev/null");
    rc = sdn_test_program(sdn, "install", 9, PROGRAM_VLAN);
    sh("ovs-vsctl clear bridge br0 flow_tables");
    check(rc == SLC_EINVALID && strstr(out.msg, "program 9: ") &&
              strstr(out.msg, "OFPT_FLOW_MOD") && standin_flows() == 0 &&
              sdn_test_groups() == 0,
          "onosof: an install refused at its third flow fails with the "
          "switch's words and leaves no flow, no group: %s", out.msg);
}

/* Two services cannot share an interface (ONOS's VPLSs cannot). */
static void
vpls_conflict(struct slc_sdn *sdn)
{
    const struct slc_sdn_endpoint one[2] = {vf, pa}, two[2] = {pa, pb};
    char id[64];
    json_t *ci;
    int rc;

    check(!create(sdn, "eline-one", "ELINE", one, 2),
          "onos_vpls: ELINE of the VF and a (%s)", out.msg);
    snprintf(id, sizeof id, "%s", out.service);
    ci = json_incref(out.data);
    rc = create(sdn, "eline-two", "ELINE", two, 2);
    check(rc == SLC_ECONFLICT && strstr(out.msg, "interface 'a' is in VPLS "
                                                 "'slicer-"),
          "onos_vpls: another ELINE of a is a conflict: %s", out.msg);
    check(ping(NS_VF, 1), "onos_vpls: the first still carries pings");
    check(!delete_service(sdn, id, ci) && standin_flows() == 0,
          "onos_vpls: deleted (%s)", out.msg);
    json_decref(ci);
}

static void
driver_checks(const struct slc_sdn_class *class)
{
    struct slc_sdn *sdn;

    printf("--- %s\n", class->type);
    if (start_standin(NULL)) {
        check(false, "%s: the stand-in starts", class->type);
        return;
    }
    credentials(class);
    sdn = open_driver(class, class->type, "karaf",
                      json_pack("{si si}", "audit_interval_ms", 300,
                                "timeout_ms", 5000));
    check(sdn && !check_credentials(sdn), "%s: check_credentials (%s)",
          class->type, out.msg);
    if (sdn) {
        eline(class, sdn);
        if (class == &slc_sdn_onosof_class) {
            onosof_refused(sdn);
            onosof_programs(sdn);
        } else {
            vpls_conflict(sdn);
        }
        elan_and_restart(class, sdn);
    }
    slc_sdn_close(sdn);
    if (class == &slc_sdn_onosof_class) {
        onosof_partial();
    } else {
        vpls_rollback();
    }
    sdn_test_stop(SIGTERM);
}

int
main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc != 2) {
        fprintf(stderr, "usage: test-sdn-onos PATH/TO/STANDIN\n");
        return 1;
    }
    standin = argv[1];
    if (access(standin, X_OK)) {
        printf("SKIP: the stand-in %s is not there\n", standin);
        return 77;
    }
    if (sh("for p in ovsdb-server ovs-vswitchd ovs-vsctl ovs-ofctl ip ping "
           "curl ethtool; do command -v $p >/dev/null 2>&1 || exit 1; done")) {
        printf("SKIP: Open vSwitch, iproute2, ping, curl or ethtool is "
               "missing\n");
        return 77;
    }
    if (sdn_test_setup(&(struct sdn_test_params){.name = "onos",
                                                 .ns_prefix = "slcn",
                                                 .subnet = 31}) ||
        sdn_test_fabric(DPID_HEX)) {
        printf("FAIL: setup\n");
        sdn_test_cleanup();
        return 1;
    }
    driver_checks(&slc_sdn_onos_vpls_class);
    driver_checks(&slc_sdn_onosof_class);
    check(log_count("runtime error") <= 0 && log_count("ERROR: Address") <= 0,
          "no sanitizer report in the stand-in's log");

    return sdn_test_finish();
}

/* The odlof and floodlightof SDN drivers against the SDN stand-in
 * (tests/sdn-drivers/standin/, the REST APIs of OpenDaylight and
 * Floodlight, which cannot run here) applying their rules to a real
 * private Open vSwitch (userspace datapath, bridge br0 in secure fail
 * mode, OpenFlow 1.3 only), with namespaces a, b and c on ports 2, 3 and
 * 4 and a hand-made "NIC bridge" nic1 (standalone, an access port tagged
 * 101 for namespace vf, patched to br0's port 1 by a trunk).  In secure
 * fail mode nothing passes br0 but the stand-in's flows.
 *
 * For each driver, against a stand-in of its personality (OpenDaylight
 * with Basic credentials admin/admin, Floodlight without): a wrong
 * password is SLC_EDENIED with the 401 and without the password (odl); a
 * wrong config.dpid names the connected switch; OSM's dot1q point of a VF
 * (port "1", vlan 101) joins an untagged port by name, with a pop and a
 * push (not OSM's set-field alone) and pings; a second create with the
 * same tag gives the same service and as many flows; its status is
 * ACTIVE; its delete stops the pings and leaves no flow, a second delete
 * is SLC_ENOTFOUND; an ELAN with MACs joins three namespaces, an edit
 * makes it join two then three again ("make it so", obsolete flows
 * deleted); the stand-in killed and restarted (it loses everything), the
 * audit puts the ELAN back and the pings pass; a create the switch
 * refuses halfway (table 0 limited to 3 flows) and a create against a
 * stand-in failing its second write (--fail-post 2) fail with the
 * controller's words and leave no flow; a driver closed with calls in
 * flight calls nobody back; no sanitizer report in the stand-in's log.
 * odlof's forwarding programs: one of VLAN push, set and pop rules and a
 * select group whose buckets set the VLAN and output is installed (its
 * flows and group on br0 as dump-flows and dump-groups show them) and
 * carries pings from a to the VF; program_counters counts them (the
 * operational flow-statistics); a flow deleted on br0 behind the
 * controller's back is put back by the audit with counters not lower
 * than before; a replace leaves only the new flows and group; a remove
 * leaves nothing; an NSH program is refused up front (SLC_EUNSUPPORTED
 * naming program, rule and action) and an install the switch refuses
 * halfway fails with its words, both leaving nothing.
 *
 *   test-sdn-odl-floodlight PATH/TO/sdn_standin
 *
 * Run as root in namespaces of its own (meson: unshare --net --mount
 * --pid --fork --mount-proc).  Exit 77 (skip) without Open vSwitch,
 * iproute2, ping or ethtool.  The switch, the stand-in and the
 * namespaces are made in a scratch directory and removed, by pid and by
 * the names made, even on failure (KEEP_TMP=1 keeps the directory). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sdn-test-lib.h"
#include "sdn.h"

#define DPID_HEX "000000000000b0d1"
#define DPID_COLONS "00:00:00:00:00:00:b0:d1"
#define OFCTL "ovs-ofctl -O OpenFlow13 "
#define WRONG_PASSWORD "not-the-Pa55word"

/* A driver and the stand-in personality it speaks to. */
struct personality {
    const char *type;         /* the stand-in's --type */
    const struct slc_sdn_class *class;
    const char *prefix;       /* of the driver's service ids */
    const char *user, *password;  /* NULL: no authentication */
    int cookie_type;          /* the stand-in's cookie byte (standin.h) */
};

static const struct personality personalities[] = {
    {.type = "odl", .class = &slc_sdn_odlof_class, .prefix = "odlof-",
     .user = "admin", .password = "admin", .cookie_type = 2},
    {.type = "floodlight", .class = &slc_sdn_floodlightof_class,
     .prefix = "floodlightof-", .cookie_type = 3},
};

static const char *standin;
enum { NS_A, NS_B, NS_C, NS_VF, N_NS };

/* The ELAN of service 'service_id' edited to join 'pts'. */
static int
edit_elan(struct slc_sdn *sdn, const char *service_id,
          const json_t *conn_info, const struct slc_sdn_endpoint *pts,
          size_t n)
{
    return edit(sdn, service_id,
                &(struct slc_sdn_service_spec){.name = "edited",
                                               .type = "ELAN", .ports = pts,
                                               .n_ports = n,
                                               .conn_info = conn_info});
}

/* br0's flows of the stand-in of personality 'p'. */
static long
standin_flows(const struct personality *p)
{
    return sh_num(OFCTL "dump-flows br0 cookie=0x5d1c%02x0000000000/"
                  "0xffffff0000000000 | grep -c cookie=", p->cookie_type);
}

static size_t
rules_of(const json_t *conn_info)
{
    return json_array_size(json_object_get(conn_info,
                                           "installed_rules_ids"));
}

/* Starts the stand-in of 'p' ('fail_post': its --fail-post, or NULL). */
static bool
start_standin(const struct personality *p, const char *fail_post)
{
    return !sdn_test_standin(standin, p->type, p->user, p->password,
                             fail_post);
}

static struct slc_sdn *
open_driver(const struct personality *p, const char *name,
            const char *password, json_t *config)
{
    return sdn_test_open(p->class, name, p->user, password, config);
}

/* ---- the checks ---- */

static const struct slc_sdn_endpoint pts[3] = {
    {.id = "a", .mac = "02:00:00:00:30:01", .switch_port = "va"},
    {.id = "b", .mac = "02:00:00:00:30:02", .switch_dpid = "br0",
     .switch_port = "3"},
    {.id = "c", .mac = "02:00:00:00:30:03", .switch_port = "vc"},
};

static void
credentials(const struct personality *p, struct slc_sdn *sdn)
{
    struct slc_sdn *wrong;
    int rc;

    if (p->user) {
        wrong = open_driver(p, "wrong-password", WRONG_PASSWORD,
                            json_pack("{si}", "audit_interval_ms", 0));
        rc = wrong ? check_credentials(wrong) : -1;
        check(rc == SLC_EDENIED && strstr(out.msg, ": 401") &&
                  !strstr(out.msg, WRONG_PASSWORD) &&
                  !strstr(out.msg, "Basic"),
              "%s: a wrong password is SLC_EDENIED, 401, and not shown: %s",
              p->type, out.msg);
        slc_sdn_close(wrong);
    }
    wrong = open_driver(p, "wrong-dpid", p->password,
                        json_pack("{ss si}", "dpid", "0000000000000bad",
                                  "audit_interval_ms", 0));
    rc = wrong ? check_credentials(wrong) : -1;
    check(rc == SLC_EINVALID && strstr(out.msg, "not connected") &&
              (strstr(out.msg, DPID_COLONS) ||
               strstr(out.msg, "openflow:45265")),
          "%s: a wrong config.dpid names the connected switch: %s", p->type,
          out.msg);
    slc_sdn_close(wrong);
    check(!check_credentials(sdn), "%s: check_credentials with the "
          "default switch (%s)", p->type, out.msg);
}

/* OSM's dot1q point of a VF: nic1 tags it 101 onto br0's port 1. */
static void
vf_eline(const struct personality *p, struct slc_sdn *sdn)
{
    const struct slc_sdn_endpoint vf[2] = {
        {.id = "compute-1:0000:3b:02.0", .encapsulation = "dot1q",
         .vlan = 101, .mac = "02:00:00:00:30:04", .switch_dpid = DPID_COLONS,
         .switch_port = "1"},
        pts[2],
    };
    char id[64];
    json_t *ci;
    long n;

    check(no_ping(NS_VF, 3), "%s: the VF does not reach c by itself",
          p->type);
    check(!create(sdn, "eline-vf-c", "ELINE", vf, 2) &&
              !strcmp(out.status, "ACTIVE") &&
              !strncmp(out.service, p->prefix, strlen(p->prefix)),
          "%s: ELINE of the VF (port \"1\", vlan 101) and c (port \"vc\") "
          "created as %s (%s)", p->type, out.service, out.msg);
    snprintf(id, sizeof id, "%s", out.service);
    ci = json_incref(out.data);
    n = standin_flows(p);
#define HAS_FLOW OFCTL "--no-names dump-flows br0 | grep -q "
    check(n == 2 && rules_of(ci) == 2 &&
              sh(HAS_FLOW "'in_port=1,dl_vlan=101 actions=pop_vlan,"
                 "output:4'") == 0 &&
              sh(HAS_FLOW "'in_port=4 actions=push_vlan:0x8100,"
                 "set_field:4197->vlan_vid,output:1'") == 0,
          "%s: 2 flows (%ld): pop VLAN 101 to c, push it back to the NIC",
          p->type, n);
    check(json_is_string(json_array_get(
              json_object_get(ci, "installed_rules_ids"), 0)) &&
              !strncmp(json_string_value(json_array_get(
                           json_object_get(ci, "installed_rules_ids"), 0)),
                       id, strlen(id)) &&
              !strcmp(json_string_value(json_object_get(ci, "status")),
                      "ACTIVE"),
          "%s: conn_info names the flows after the service", p->type);
    check(ping(NS_VF, 3), "%s: the VF pings c across the VLAN", p->type);
    check(!create(sdn, "eline-vf-c", "ELINE", vf, 2) &&
              !strcmp(out.service, id) && standin_flows(p) == 2,
          "%s: created again with the same tag: the same service %s, "
          "still 2 flows", p->type, out.service);
    check(!status(sdn, id, ci) && !strcmp(out.status, "ACTIVE"),
          "%s: its status is ACTIVE (%s %s)", p->type, out.status, out.msg);
    check(!delete_service(sdn, id, ci), "%s: ELINE deleted (%s)", p->type,
          out.msg);
    check(no_ping(NS_VF, 3), "%s: the VF no longer reaches c", p->type);
    check(standin_flows(p) == 0, "%s: no flow of the stand-in left",
          p->type);
    check(delete_service(sdn, id, ci) == SLC_ENOTFOUND,
          "%s: deleting it again: not found (%s)", p->type, out.msg);
    check(status(sdn, id, ci) == SLC_ENOTFOUND,
          "%s: its status: not found (%s)", p->type, out.msg);
    json_decref(ci);
}

static bool
elan_pings(void)
{
    return ping(NS_A, 2) && ping(NS_A, 3) && ping(NS_B, 3);
}

static void
elan_and_restart(const struct personality *p, struct slc_sdn *sdn)
{
    char id[64];
    json_t *ci;
    long n = -1;
    bool ok;

    check(!create(sdn, "elan-abc", "ELAN", pts, 3), "%s: ELAN a-b-c "
          "created (%s)", p->type, out.msg);
    snprintf(id, sizeof id, "%s", out.service);
    ci = json_incref(out.data);
    n = standin_flows(p);
    check(n == 9 && rules_of(ci) == 9, "%s: 6 unicast and 3 broadcast "
          "flows (%ld)", p->type, n);
    check(elan_pings(), "%s: a, b and c ping each other", p->type);

    ok = !edit_elan(sdn, id, ci, pts, 2) && !strcmp(out.service, id) &&
         rules_of(out.data) == 2;
    n = standin_flows(p);
    check(ok && n == 2 && ping(NS_A, 2) && no_ping(NS_A, 3),
          "%s: edited to join a and b: 2 flows (%ld), c is out (%s)",
          p->type, n, out.msg);
    ok = !edit_elan(sdn, id, out.data, pts, 3) && rules_of(out.data) == 9;
    n = standin_flows(p);
    check(ok && n == 9, "%s: edited back to a, b and c: 9 flows (%ld) "
          "(%s)", p->type, n, out.msg);

    sdn_test_stop(SIGKILL);
    check(start_standin(p, NULL), "%s: the stand-in killed and restarted",
          p->type);
    for (int i = 0; i < 50 && (n = standin_flows(p)) != 9; i++) {
        run_loop_ms(200);
    }
    check(n == 9, "%s: the audit put the ELAN's 9 flows back (%ld)", p->type,
          n);
    {
        json_t *d = NULL;

        /* the last flow is on the switch before its reply is read */
        for (int i = 0; i < 20; i++) {
            json_decref(d);
            d = sdn->class->describe(sdn);
            if (json_integer_value(json_object_get(d, "reinstalled"))) {
                break;
            }
            run_loop_ms(100);
        }
        check(json_integer_value(json_object_get(d, "reinstalled")) >= 1 &&
                  json_array_size(json_object_get(d, "services")) == 1,
              "%s: describe counts the re-install and holds 1 service "
              "(%s)", p->type,
              json_string_value(json_object_get(d, "last_event")));
        json_decref(d);
    }
    check(elan_pings(), "%s: a, b and c ping each other again", p->type);
    check(!status(sdn, id, NULL) && !strcmp(out.status, "ACTIVE"),
          "%s: its status without conn_info is ACTIVE (%s)", p->type,
          out.msg);
    check(!delete_service(sdn, id, ci) && standin_flows(p) == 0 &&
              no_ping(NS_A, 2),
          "%s: ELAN deleted, no flow left (%s)", p->type, out.msg);
    check(delete_service(sdn, id, NULL) == SLC_ENOTFOUND,
          "%s: deleting it again: not found (%s)", p->type, out.msg);
    json_decref(ci);
}

static void
refusals(const struct personality *p, struct slc_sdn *sdn)
{
    int rc;

    sh("ovs-vsctl -- --id=@ft create Flow_Table flow_limit=3 "
       "overflow_policy=refuse -- set bridge br0 flow_tables:0=@ft "
       ">/dev/null");
    rc = create(sdn, "refused", "ELAN", pts, 3);
    /* the stand-in quotes ovs-ofctl's last line: the refused FLOW_MOD */
    check(rc == SLC_EINVALID && strstr(out.msg, "OFPT_FLOW_MOD") &&
              strstr(out.msg, "ADD priority=1000"),
          "%s: an ELAN on a table of 3 flows fails with the switch's "
          "refusal: %s", p->type, out.msg);
    sh("ovs-vsctl clear bridge br0 flow_tables");
    check(standin_flows(p) == 0, "%s: and leaves no flow", p->type);

    sdn_test_stop(SIGTERM);
    check(start_standin(p, "2"), "%s: the stand-in restarted with "
          "--fail-post 2", p->type);
    rc = create(sdn, "eline-failed", "ELINE", pts, 2);
    check(rc && strstr(out.msg, "injected failure (--fail-post)"),
          "%s: a create whose second write fails fails with the "
          "controller's words: %s", p->type, out.msg);
    check(standin_flows(p) == 0, "%s: and leaves no flow", p->type);
}

/* close() drops queued and running calls: no callback comes after it,
 * and AddressSanitizer finds nothing freed twice nor leaked. */
static void
close_in_flight(const struct personality *p)
{
    struct slc_sdn *d = open_driver(p, "closer", p->password,
                                    json_pack("{si}", "audit_interval_ms",
                                              20));
    struct slc_sdn_service_spec spec = {.name = "elan-closed",
                                        .tag = "elan-closed", .type = "ELAN",
                                        .ports = pts, .n_ports = 3};
    struct slc_error err = {0};
    char id[64];

    snprintf(id, sizeof id, "%s80000001", p->prefix);
    out.done = false;
    check(d && !d->class->create_service(d, 6, &spec, &err) &&
              !d->class->service_status(d, 7, id, NULL, &err),
          "%s: a create and a status submitted (%s)", p->type, err.msg);
    run_loop_ms(30);
    slc_sdn_close(d);
    run_loop_ms(200);
    check(!out.done, "%s: closed while they ran: no callback came after",
          p->type);
}

/* ---- forwarding programs (odlof) ---- */

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
    "2048, \"ip_proto\": 1, \"nw_dst\": \"10.30.0.4\"}, \"actions\": "       \
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
#define ODL_COOKIE "cookie=0x5d1c020000000000/0xffffff0000000000"

static bool
has_flow(const char *text)
{
    return sh(OFCTL "--no-names dump-flows br0 " ODL_COOKIE
              " | grep -q -- '%s'", text) == 0;
}

/* Counters kept through the audit's re-install of a flow deleted behind
 * the controller's back; the program made again after a restart of the
 * controller. */
static void
program_audit(const struct personality *p, struct slc_sdn *sdn)
{
    int i;

    sdn_test_audit_keeps_counters(sdn, "odl", ODL_COOKIE, NS_A);
    sdn_test_stop(SIGKILL);
    check(start_standin(p, NULL), "odl: the stand-in killed and restarted");
    for (i = 0; i < 50 && standin_flows(p) != 3; i++) {
        run_loop_ms(200);
    }
    check(standin_flows(p) == 3 && has_flow("group:1793") &&
              sdn_test_groups() == 1 && ping(NS_A, 4),
          "odl: the audit made the program again, its group then its "
          "flows: a pings the VF");
}

/* Install, counters, audit, replace, remove of a program of VLAN rules
 * and a select group; an NSH program refused; a refused install leaves
 * nothing. */
static void
odl_programs(const struct personality *p, struct slc_sdn *sdn)
{
    bool ok;
    int rc;

    check(!sdn_test_program(sdn, "install", 7, PROGRAM_VLAN),
          "odl: program 7 (VLAN push/set/pop, a select group with buckets) "
          "installed (%s)", out.msg);
    check(standin_flows(p) == 3 &&
              has_flow("priority=200,arp,in_port=2 actions=push_vlan:0x8100,"
                       "set_field:4197->vlan_vid,output:1") &&
              has_flow("priority=200,in_port=1,dl_vlan=101 actions=pop_vlan,"
                       "output:2") &&
              has_flow("priority=300,icmp,in_port=2,nw_dst=10.30.0.4 "
                       "actions=push_vlan:0x8100,set_field:4196->vlan_vid,"
                       "group:1793"),
          "odl: its 3 flows on br0, the ICMP one to group 7 << 8 | 1");
    check(sdn_test_groups() == 1 &&
              sdn_test_has_group("group_id=1793,type=select,bucket=actions="
                        "set_field:4197->vlan_vid,output:1,bucket=actions="
                        "set_field:4197->vlan_vid,output:1"),
          "odl: group 1793 on br0, select, a bucket per action list");
    check(ping(NS_A, 4), "odl: a pings the VF through the program");
    program_audit(p, sdn);
    check(!sdn_test_program(sdn, "install", 7, PROGRAM_PORTS) &&
              standin_flows(p) == 3 && sdn_test_groups() == 1 &&
              sdn_test_has_group("group_id=1794,type=select,bucket=actions=output:1") &&
              has_flow("group:1794") && !has_flow("group:1793"),
          "odl: program 7 replaced: its old flows and group gone, the new "
          "group of ports there (%s)", out.msg);
    ok = ping(NS_A, 4) && sdn_test_counters_reach(sdn, 7, 2, 3);
    check(ok && sdn_test_packets(2) >= 3 && sdn_test_packets(2) < 20,
          "odl: the new program counts from 0 (%lld)", sdn_test_packets(2));
    check(!sdn_test_program(sdn, "remove", 7, NULL) && standin_flows(p) == 0 &&
              sdn_test_groups() == 0 && no_ping(NS_A, 4),
          "odl: program 7 removed: no flow, no group, no ping (%s)", out.msg);
    check(!sdn_test_program(sdn, "remove", 7, NULL) &&
              sdn_test_program(sdn, "counters", 7, NULL) == SLC_ENOTFOUND,
          "odl: removed again: rc 0; its counters: not found (%s)", out.msg);
    rc = sdn_test_program(sdn, "install", 8, PROGRAM_NSH);
    check(rc == SLC_EUNSUPPORTED && strstr(out.msg, "program 8: rule 0: "
                                           "action encap_nsh") &&
              standin_flows(p) == 0 && sdn_test_groups() == 0,
          "odl: an NSH program refused up front, nothing installed: %s",
          out.msg);
    sh("ovs-vsctl -- --id=@ft create Flow_Table flow_limit=2 "
       "overflow_policy=refuse -- set bridge br0 flow_tables:0=@ft "
       ">/dev/null");
    rc = sdn_test_program(sdn, "install", 9, PROGRAM_VLAN);
    sh("ovs-vsctl clear bridge br0 flow_tables");
    check(rc == SLC_EINVALID && strstr(out.msg, "program 9: ") &&
              strstr(out.msg, "OFPT_FLOW_MOD") && standin_flows(p) == 0 &&
              sdn_test_groups() == 0,
          "odl: an install refused at its third flow fails with the "
          "switch's words and leaves no flow, no group: %s", out.msg);
}

static void
run_personality(const struct personality *p)
{
    struct slc_sdn *sdn;

    printf("--- %s\n", p->class->type);
    if (!start_standin(p, NULL)) {
        check(false, "%s: the stand-in starts (see %s/standin-%s.log)",
              p->type, sdn_test.dir, p->type);
        return;
    }
    sdn = open_driver(p, p->class->type, p->password,
                      json_pack("{si si}", "audit_interval_ms", 300,
                                "timeout_ms", 5000));
    if (sdn) {
        credentials(p, sdn);
        vf_eline(p, sdn);
        if (p->class == &slc_sdn_odlof_class) {
            odl_programs(p, sdn);
        }
        elan_and_restart(p, sdn);
        refusals(p, sdn);
        slc_sdn_close(sdn);
    }
    sdn_test_stop(SIGTERM);
    check(start_standin(p, NULL), "%s: the stand-in started again",
          p->type);
    close_in_flight(p);
    sdn_test_stop(SIGTERM);
    sh(OFCTL "del-flows br0");
}

int
main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc != 2 || access(argv[1], X_OK)) {
        fprintf(stderr, "usage: test-sdn-odl-floodlight PATH/TO/"
                "sdn_standin\n");
        return 1;
    }
    if (getpid() != 1) {
        fprintf(stderr, "test-sdn-odl-floodlight: needs root in its own "
                "namespaces (unshare --net --mount --pid --fork "
                "--mount-proc)\n");
        return 1;
    }
    if (sh("for p in ovsdb-server ovs-vswitchd ovs-vsctl ovs-ofctl ip ping "
           "ethtool; do command -v $p >/dev/null 2>&1 || exit 1; done")) {
        printf("SKIP: Open vSwitch, iproute2, ping or ethtool is not "
               "installed\n");
        return 77;
    }
    standin = argv[1];
    if (sdn_test_setup(&(struct sdn_test_params){.name = "odlfl",
                                                 .ns_prefix = "slcd",
                                                 .subnet = 30}) ||
        sdn_test_fabric(DPID_HEX)) {
        printf("FAIL: setup\n");
        sdn_test_cleanup();
        return 1;
    }
    check(no_ping(NS_A, 2), "a and b do not meet without flows");
    for (size_t i = 0; i < sizeof personalities / sizeof *personalities;
         i++) {
        run_personality(&personalities[i]);
    }
    check(sh_num("cat %s/standin-*.log | grep -cE 'ERROR: "
                 "(Address|Leak)Sanitizer|runtime error:'",
                 sdn_test.dir) == 0,
          "no sanitizer report in the stand-in logs");

    return sdn_test_finish();
}

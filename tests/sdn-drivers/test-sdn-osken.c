/* The osken SDN driver against os-ken running our ofctl_rest app
 * (sdn-drivers/osken-app/slicer_ofctl_rest.py) as the controller of a
 * real private Open vSwitch (userspace datapath, bridge br0 in secure
 * fail mode, OpenFlow 1.3 only), with namespaces a, b and c on ports 2,
 * 3 and 4 and a hand-made "NIC bridge" nic1 (standalone, an access port
 * tagged 101 for namespace vf, patched to br0's port 1 by a trunk).  In
 * secure fail mode nothing passes br0 but the driver's flows.
 *
 * Checked: sdn-rest.h against a stub HTTP server (a url with credentials
 * refused, Basic credentials sent, 401, a 503's body quoted on one line
 * and cut at 200 bytes, a timeout); a bad config.dpid and a url without
 * a port are refused;
 * check_credentials with the default switch and with config.dpid (a
 * wrong one names the connected switches); an ELINE carries pings and
 * its flows carry its cookie, a second create with the same tag gives the
 * same service and flows, its status is ACTIVE, an edit makes it join
 * other points ("make it so"), a flow removed by hand comes back by the
 * audit, its delete stops the pings and leaves no flow, a second delete
 * is SLC_ENOTFOUND; a service missing a rule has status ERROR (a driver
 * without audits); OSM's dot1q point of a VF (port "1", vlan 101) joins
 * an untagged port; a port the switch lacks and another datapath are
 * refused; a create the switch refuses halfway (table 0 limited to 3
 * flows) fails with the switch's error and leaves none of its flows; an
 * ELAN with MACs joins three namespaces; with the controller
 * killed a create fails with curl's connect error (older curl says
 * "Connection refused", Debian 12's 7.88 "Couldn't connect to server");
 * with the controller back, the audit re-installs the ELAN's flows that
 * a switch flush removed.
 *
 * Forwarding programs: one with VLAN push, set (in a bucket) and pop,
 * select groups of buckets and of ports, set_in_port, MPLS and a TCP
 * classifier is on br0 as golden dumps of its flows (cookie: program id
 * and rule index, table 0) and groups (program id << 8 | n), carries a's
 * pings to the VF and c's to b, and program_counters counts them per
 * rule; a flow removed by hand reads null, comes back by the audit, and
 * the counters read afterwards are not lower than before; groups removed
 * by hand (and the flows to them) come back too; a new program
 * of the same id replaces flows and groups and counts from 0, the same
 * program installed again counts on; a remove leaves no flow nor group,
 * a second one is rc 0; NSH actions and match fields are refused up front
 * (SLC_EUNSUPPORTED naming the program, the rule or bucket and the
 * action), as a port the switch lacks is (SLC_EINVALID), with nothing
 * installed; a flow to a group the program lacks fails with the switch's
 * OFPBAC_BAD_OUT_GROUP and leaves no flow nor group, and when it was
 * replacing a program, that program comes back.
 *
 * A driver closed with calls of services and programs in flight calls
 * nobody back.
 *
 * Run as root in namespaces of its own (meson: unshare --net --mount
 * --pid --fork --mount-proc).  Exit 77 (skip) without osken-manager.  The
 * switch, osken-manager and the namespaces are made in a scratch
 * directory and removed, by pid and by the names made, even on failure. */
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sdn-rest.h"
#include "sdn-test-lib.h"
#include "sdn.h"

#define APP SLC_SOURCE_DIR "/sdn-drivers/osken-app/slicer_ofctl_rest.py"
#define DPID_HEX "000000000000b0c1"
#define DPID_COLONS "00:00:00:00:00:00:b0:c1"
#define OFCTL "ovs-ofctl -O OpenFlow13 "

static int of_port;
enum { NS_A, NS_B, NS_C, NS_VF, N_NS };

/* br0's flows under the cookie of the service whose conn_info is 'ci'. */
static long
service_flows(const json_t *ci)
{
    uint64_t cookie = (uint64_t)json_integer_value(
        json_object_get(ci, "cookie"));

    return sh_num(OFCTL "dump-flows br0 cookie=0x%" PRIx64
                  "/0xffffffffffff0000 | grep -c cookie=", cookie);
}

static long
slicer_flows(void)
{
    return sh_num(OFCTL "dump-flows br0 cookie=0x51ce000000000000/"
                  "0xffff000000000000 | grep -c cookie=");
}

/* ---- osken-manager ---- */

static int
start_osken(void)
{
    char listen[64], ofp[16], log[128];

    snprintf(listen, sizeof listen, "127.0.0.1:%d", sdn_test.rest_port);
    snprintf(ofp, sizeof ofp, "%d", of_port);
    snprintf(log, sizeof log, "%s/osken.log", sdn_test.dir);
    setenv("SLICER_OFCTL_LISTEN", listen, 1);
    setenv("PYTHONDONTWRITEBYTECODE", "1", 1);
    return sdn_test_spawn((const char *const[]){"osken-manager",
                                                "--ofp-listen-host",
                                                "127.0.0.1",
                                                "--ofp-tcp-listen-port",
                                                ofp, APP, NULL},
                          log);
}

/* Until the controller lists the switch (20 s at most). */
static bool
wait_switch(struct slc_sdn *checker)
{
    for (int i = 0; i < 100; i++) {
        if (!check_credentials(checker)) {
            return true;
        }
        run_loop_ms(200);
    }
    return false;
}

/* ---- the switch and the namespaces ---- */

static int
setup(void)
{
    if (sdn_test_setup(&(struct sdn_test_params){.name = "osken",
                                                 .ns_prefix = "slco",
                                                 .subnet = 30})) {
        return -1;
    }
    of_port = sdn_test_free_port();
    return of_port <= 0 || of_port == sdn_test.rest_port ||
           sdn_test_fabric(DPID_HEX) || start_osken() ||
           sh("ovs-vsctl set-controller br0 tcp:127.0.0.1:%d -- set "
              "controller br0 max_backoff=1000 connection_mode=out-of-band",
              of_port);
}

static struct slc_sdn *
open_driver(const char *name, json_t *config)
{
    return sdn_test_open(&slc_sdn_osken_class, name, NULL, NULL, config);
}

/* ---- the checks ---- */

static const struct slc_sdn_endpoint pts[3] = {
    {.id = "a", .mac = "02:00:00:00:30:01", .switch_port = "va"},
    {.id = "b", .mac = "02:00:00:00:30:02", .switch_dpid = "br0",
     .switch_port = "3"},
    {.id = "c", .mac = "02:00:00:00:30:03", .switch_port = "vc"},
};

static void
credentials(struct slc_sdn *sdn)
{
    struct slc_sdn *wrong = open_driver(
        "wrong", json_pack("{ss}", "dpid", "0000000000000bad"));
    struct slc_sdn *bad = NULL;
    struct slc_error err = {0};
    json_t *config = json_pack("{ss}", "dpid", "br0");

    check(slc_sdn_osken_class.check_config(config, &err) == SLC_EINVALID &&
              strstr(err.msg, "config.dpid"),
          "config.dpid \"br0\" is refused: %s", err.msg);
    json_decref(config);
    check(slc_sdn_osken_class.open(
              &(struct slc_sdn_params){.id = "bad", .name = "bad",
                                       .url = "http://127.0.0.1/",
                                       .base = sdn_test.base,
                                       .done = sdn_test_done},
              &bad, &err) == SLC_EINVALID &&
              strstr(err.msg, "url 'http://127.0.0.1/' is not "
                              "http://HOST:PORT"),
          "a url without a port is refused: %s", err.msg);

    check(!check_credentials(sdn), "check_credentials with the default "
          "switch (%s)", out.msg);
    check(wrong && check_credentials(wrong) == SLC_EINVALID &&
              strstr(out.msg, "dpid 0x0000000000000bad is not connected to "
                              "the controller (switches: "
                              "[0x" DPID_HEX "])"),
          "a wrong dpid is not connected: %s", out.msg);
    slc_sdn_close(wrong);
}

static void
eline(struct slc_sdn *sdn)
{
    char id[64];
    json_t *ci;
    long n;

    check(no_ping(NS_A, 2), "a and b do not meet without flows");
    check(!create(sdn, "eline-ab", "ELINE", pts, 2) &&
              !strcmp(out.status, "ACTIVE"),
          "ELINE a-b created as %s (%s)", out.service, out.msg);
    snprintf(id, sizeof id, "%s", out.service);
    ci = json_incref(out.data);
    check(strlen(id) == 14 && !strncmp(id, "osken-", 6) &&
              json_integer_value(json_object_get(ci, "rules")) == 2 &&
              json_integer_value(json_object_get(ci, "dpid")) == 0xb0c1 &&
              json_integer_value(json_object_get(ci, "cookie")) ==
                  (json_int_t)(0x51ceull << 48 |
                               strtoull(id + 6, NULL, 16) << 16),
          "conn_info gives the dpid, the service's cookie and 2 rules");
    check(service_flows(ci) == 2, "2 flows on br0 carry its cookie");
    check(ping(NS_A, 2), "a pings b through the ELINE");
    check(!create(sdn, "eline-ab", "ELINE", pts, 2) &&
              !strcmp(out.service, id) && service_flows(ci) == 2,
          "created again with the same tag: the same service %s, still 2 "
          "flows", out.service);
    check(!status(sdn, id, ci) && !strcmp(out.status, "ACTIVE"),
          "its status is ACTIVE (%s %s)", out.status, out.msg);

    {
        struct slc_sdn_service_spec spec = {.name = "eline-ab",
                                            .type = "ELINE", .ports = pts,
                                            .n_ports = 2, .conn_info = ci};
        const struct slc_sdn_endpoint ac[2] = {pts[0], pts[2]};

        spec.ports = ac;
        check(!edit(sdn, id, &spec) && !strcmp(out.service, id) &&
                  service_flows(ci) == 2 && ping(NS_A, 3) &&
                  no_ping(NS_A, 2),
              "edited to join a and c: a pings c, not b (%s)", out.msg);
        spec.ports = pts;
        check(!edit(sdn, id, &spec) && ping(NS_A, 2) && no_ping(NS_A, 3),
              "edited back to a and b (%s)", out.msg);
    }

    sh(OFCTL "--strict del-flows br0 priority=995,in_port=2");
    n = service_flows(ci);
    check(n == 1, "a flow removed by hand (%ld left)", n);
    run_loop_ms(1000);
    n = service_flows(ci);
    check(n == 2, "the audit put it back (%ld)", n);
    {
        json_t *d = sdn->class->describe(sdn);

        check(json_integer_value(json_object_get(d, "reinstalled")) >= 1 &&
                  json_array_size(json_object_get(d, "services")) == 1,
              "describe counts the re-install and holds 1 service (%s)",
              json_string_value(json_object_get(d, "last_event")));
        json_decref(d);
    }
    check(ping(NS_A, 2), "a pings b again");

    check(!delete_service(sdn, id, ci), "ELINE deleted (%s)", out.msg);
    check(no_ping(NS_A, 2), "a no longer reaches b");
    check(service_flows(ci) == 0, "no flow of its cookie is left");
    check(delete_service(sdn, id, ci) == SLC_ENOTFOUND,
          "deleting it again: not found (%s)", out.msg);
    json_decref(ci);
}

/* A driver without audits sees a service missing a rule as ERROR. */
static void
partial(struct slc_sdn *checker)
{
    char id[64];
    json_t *ci;

    check(!create(checker, "eline-partial", "ELINE", pts, 2),
          "ELINE a-b created by a driver without audits (%s)", out.msg);
    snprintf(id, sizeof id, "%s", out.service);
    ci = json_incref(out.data);
    sh(OFCTL "--strict del-flows br0 priority=995,in_port=3");
    check(!status(checker, id, ci) && !strcmp(out.status, "ERROR") &&
              !strcmp(out.msg, "1 of 2 rules on the switch"),
          "a rule removed by hand: status %s, %s", out.status, out.msg);
    check(service_flows(ci) == 1, "and nothing put it back");
    check(!delete_service(checker, id, NULL) && service_flows(ci) == 0,
          "deleted without conn_info (%s)", out.msg);
    json_decref(ci);
}

/* OSM's dot1q point of a VF: nic1 tags it 101 onto br0's port 1. */
static void
vlan_point(struct slc_sdn *sdn)
{
    const struct slc_sdn_endpoint vf[2] = {
        {.id = "compute-1:0000:3b:02.0", .encapsulation = "dot1q",
         .vlan = 101, .mac = "02:00:00:00:30:04", .switch_dpid = DPID_COLONS,
         .switch_port = "1"},
        pts[2],
    };

    check(no_ping(NS_VF, 3), "the VF does not reach c by itself");
    check(!create(sdn, "eline-vf-c", "ELINE", vf, 2),
          "ELINE of the VF (port \"1\", vlan 101) and c created (%s)",
          out.msg);
#define HAS_FLOW OFCTL "--no-names dump-flows br0 | grep -q "
    check(service_flows(out.data) == 2 &&
              sh(HAS_FLOW "'dl_vlan=101 actions=pop_vlan,output:4'") == 0 &&
              sh(HAS_FLOW "'in_port=4 actions=push_vlan:0x8100,"
                 "set_field:4197->vlan_vid,output:1'") == 0,
          "2 flows: pop VLAN 101 to c, push it back to the NIC");
    check(ping(NS_VF, 3), "the VF pings c across the VLAN");
    check(!delete_service(sdn, out.service, out.data) && no_ping(NS_VF, 3),
          "deleted (%s)", out.msg);
}

static void
refusals(struct slc_sdn *sdn)
{
    struct slc_sdn_endpoint bad[2] = {pts[0], pts[1]};
    int rc;

    bad[1].switch_port = "99";
    rc = create(sdn, "refused", "ELINE", bad, 2);
    check(rc == SLC_EINVALID &&
              !strcmp(out.msg, "point b: switch 0x" DPID_HEX " has no port "
                               "'99'"),
          "a point on port 99, which the switch lacks: %s", out.msg);
    bad[1].switch_port = "vb";
    bad[1].switch_dpid = "00:00:00:00:00:00:00:99";
    rc = create(sdn, "refused", "ELINE", bad, 2);
    check(rc == SLC_EINVALID && strstr(out.msg, "point b: switch "
                                       "0x0000000000000099 is not"),
          "a point on another datapath: %s", out.msg);
    sh("ovs-vsctl -- --id=@ft create Flow_Table flow_limit=3 "
       "overflow_policy=refuse -- set bridge br0 flow_tables:0=@ft");
    rc = create(sdn, "refused", "ELAN", pts, 3);
    check(rc == SLC_EINVALID && strstr(out.msg, "POST /stats/flowentry/add: "
                                       "400 ") &&
              strstr(out.msg, "OFPFMFC_TABLE_FULL"),
          "an ELAN on a table of 3 flows fails with the switch's error: %s",
          out.msg);
    sh("ovs-vsctl clear bridge br0 flow_tables");
    check(slicer_flows() == 0, "no slicer flow is on the switch");
}

static void
elan_and_restart(struct slc_sdn *sdn, struct slc_sdn *checker)
{
    char id[64];
    json_t *ci;
    long n = -1;
    int rc;

    check(!create(sdn, "elan-abc", "ELAN", pts, 3), "ELAN a-b-c created "
          "(%s)", out.msg);
    snprintf(id, sizeof id, "%s", out.service);
    ci = json_incref(out.data);
    n = service_flows(ci);
    check(n == 9 && json_integer_value(json_object_get(ci, "rules")) == 9,
          "6 unicast and 3 broadcast flows (%ld)", n);
    check(ping(NS_A, 2) && ping(NS_A, 3) && ping(NS_B, 3),
          "a, b and c ping each other");

    sdn_test_stop(SIGTERM);
    rc = create(sdn, "eline-down", "ELINE", pts, 2);
    check(rc == SLC_EIO && strstr(out.msg, "http://127.0.0.1:") &&
              (strstr(out.msg, "Connection refused") ||
               strstr(out.msg, "Couldn't connect to server")),
          "with the controller killed a create fails: %s", out.msg);

    sh(OFCTL "del-flows br0");
    check(service_flows(ci) == 0, "the switch flushed: no flow left");
    check(!start_osken() && wait_switch(checker), "the controller is back "
          "and lists the switch (%s)", out.msg);
    for (int i = 0; i < 50 && (n = service_flows(ci)) != 9; i++) {
        run_loop_ms(200);
    }
    check(n == 9, "the audit re-installed the ELAN's 9 flows (%ld)", n);
    check(ping(NS_A, 3) && ping(NS_C, 2), "a, b and c ping each other "
          "again");
    check(!delete_service(sdn, id, ci) && service_flows(ci) == 0,
          "ELAN deleted (%s)", out.msg);
    json_decref(ci);
}

/* ---- forwarding programs ---- */

static int
install(struct slc_sdn *sdn, uint32_t id, const char *text)
{
    struct slc_error err = {0};
    json_t *prog = json_loads(text, 0, NULL);
    int rc;

    if (!prog) {
        snprintf(out.msg, sizeof out.msg, "bad test program");
        return SLC_EINVALID;
    }
    rc = outcome(sdn->class->install_program(sdn, 8, id, prog, &err), &err);
    json_decref(prog);
    return rc;
}

static int
remove_program(struct slc_sdn *sdn, uint32_t id)
{
    struct slc_error err = {0};

    return outcome(sdn->class->remove_program(sdn, 9, id, &err), &err);
}

/* Packets counted by rule 'i' of program 'id' (-1: null or a failure). */
static long
rule_packets(struct slc_sdn *sdn, uint32_t id, size_t i)
{
    struct slc_error err = {0};
    json_t *r;

    /* the datapath's counts reach the flow table each revalidation */
    sh("ovs-appctl -t %s/ovs-vswitchd.ctl revalidator/wait", sdn_test.dir);
    if (outcome(sdn->class->program_counters(sdn, 10, id, &err), &err)) {
        return -1;
    }
    r = json_array_get(json_object_get(out.data, "rules"), i);
    return json_is_object(r)
               ? (long)json_integer_value(json_object_get(r, "packets"))
               : -1;
}

static long
program_flows(uint32_t id)
{
    return sh_num(OFCTL "dump-flows br0 cookie=0x51ce%08x0000/"
                  "0xffffffffffff0000 | grep -c cookie=", id);
}

/* The groups of br0 numbered in program 'id''s range. */
static long
program_groups(uint32_t id)
{
    return sh_num(OFCTL "dump-groups br0 | sed -n "
                  "'s/.*group_id=\\([0-9]*\\),.*/\\1/p' | "
                  "awk '$1 >= %u && $1 < %u' | wc -l",
                  id << 8, (id + 1) << 8);
}

/* What shell command 'cmd' prints (size - 1 bytes at most), into
 * 'buf'. */
static const char *
dump(char *buf, size_t size, const char *cmd)
{
    FILE *f = popen(cmd, "r");
    size_t n = f ? fread(buf, 1, size - 1, f) : 0;

    buf[n] = '\0';
    if (f) {
        pclose(f);
    }
    return buf;
}

#define PROGRAM_FLOWS(id)                                                    \
    OFCTL "--no-stats --no-names dump-flows br0 cookie=0x51ce" id            \
          "0000/0xffffffffffff0000 | sed 's/^ *//' | sort"

/* a (va, port 2) reaches the VF through nic1: VLAN 100 pushed, then set to
 * 101 by a bucket of select group 1; the VF's replies come back tagged
 * 101 on port 1 and are popped.  c (vc, 4) reaches b (vb, 3) through group
 * 2 of ports; b's replies go back by set_in_port then IN_PORT.  An MPLS
 * pair and a TCP classifier that no ping meets. */
static const char program_v1[] =
    "{\"rules\": ["
    " {\"priority\": 100, \"match\": {\"in_port\": \"va\"},"
    "  \"actions\": [{\"push_vlan\": 100}, {\"group\": 1}]},"
    " {\"priority\": 100, \"match\": {\"in_port\": \"1\", \"vlan\": 101},"
    "  \"actions\": [{\"pop_vlan\": null}, {\"output\": \"va\"}]},"
    " {\"priority\": 100, \"match\": {\"in_port\": \"vc\"},"
    "  \"actions\": [{\"group\": 2}]},"
    " {\"priority\": 100, \"match\": {\"in_port\": \"vb\"},"
    "  \"actions\": [{\"set_in_port\": \"vc\"}, {\"output\": \"IN_PORT\"}]},"
    " {\"priority\": 200, \"match\": {\"in_port\": \"vc\", \"eth_type\": 2048,"
    "   \"ip_proto\": 6, \"nw_dst\": \"10.30.0.2/32\", \"tp_dst\": 80},"
    "  \"actions\": [{\"push_mpls\": 77}, {\"output\": \"vb\"}]},"
    " {\"priority\": 200, \"match\": {\"in_port\": \"vb\","
    "   \"eth_type\": 34887, \"mpls_label\": 77},"
    "  \"actions\": [{\"pop_mpls\": 2048}, {\"output\": \"vc\"}]}],"
    " \"groups\": ["
    "  {\"id\": 1, \"buckets\": [[{\"set_vlan\": 101}, {\"output\": \"1\"}],"
    "                          [{\"set_vlan\": 101}, {\"output\": \"fp1\"}]]},"
    "  {\"id\": 2, \"ports\": [\"vb\"]}]}";

/* Only a and the VF, through a group of one bucket. */
static const char program_v2[] =
    "{\"rules\": ["
    " {\"priority\": 100, \"match\": {\"in_port\": \"va\"},"
    "  \"actions\": [{\"push_vlan\": 100}, {\"group\": 1}]},"
    " {\"priority\": 100, \"match\": {\"in_port\": \"1\", \"vlan\": 101},"
    "  \"actions\": [{\"pop_vlan\": null}, {\"output\": \"va\"}]}],"
    " \"groups\": ["
    "  {\"id\": 1,"
    "   \"buckets\": [[{\"set_vlan\": 101}, {\"output\": \"1\"}]]}]}";

/* Group 1 is fine, the second rule names group 9, which the program
 * lacks: the switch refuses that flow once the rest is there. */
static const char program_bad_group[] =
    "{\"rules\": ["
    " {\"priority\": 100, \"match\": {\"in_port\": \"va\"},"
    "  \"actions\": [{\"group\": 1}]},"
    " {\"priority\": 100, \"match\": {\"in_port\": \"vb\"},"
    "  \"actions\": [{\"group\": 9}]}],"
    " \"groups\": [{\"id\": 1, \"ports\": [\"vb\"]}]}";

static void
program_install(struct slc_sdn *sdn)
{
    char buf[2048];
    long n;

    check(no_ping(NS_A, 4) && no_ping(NS_C, 2), "a does not reach the VF "
          "nor c b without flows");
    check(!install(sdn, 1, program_v1), "program 1 installed (%s)", out.msg);
    check(!strcmp(dump(buf, sizeof buf, PROGRAM_FLOWS("00000001")),
                  "cookie=0x51ce000000010000, priority=100,in_port=2 "
                  "actions=push_vlan:0x8100,set_field:4196->vlan_vid,"
                  "group:257\n"
                  "cookie=0x51ce000000010001, priority=100,in_port=1,"
                  "dl_vlan=101 actions=pop_vlan,output:2\n"
                  "cookie=0x51ce000000010002, priority=100,in_port=4 "
                  "actions=group:258\n"
                  "cookie=0x51ce000000010003, priority=100,in_port=3 "
                  "actions=load:0x4->NXM_OF_IN_PORT[],IN_PORT\n"
                  "cookie=0x51ce000000010004, priority=200,tcp,in_port=4,"
                  "nw_dst=10.30.0.2,tp_dst=80 actions=push_mpls:0x8847,"
                  "set_field:77->mpls_label,output:3\n"
                  "cookie=0x51ce000000010005, priority=200,mpls,in_port=3,"
                  "mpls_label=77 actions=pop_mpls:0x0800,output:4\n"),
          "its 6 flows on br0, in table 0 with the rule index in the "
          "cookie:\n%s", buf);
    check(!strcmp(dump(buf, sizeof buf,
                       OFCTL "--no-names dump-groups br0 | grep group_id | "
                       "sed 's/^ *//' | sort"),
                  "group_id=257,type=select,"
                  "bucket=actions=set_field:4197->vlan_vid,output:1,"
                  "bucket=actions=set_field:4197->vlan_vid,output:1\n"
                  "group_id=258,type=select,bucket=actions=output:3\n"),
          "its 2 select groups on br0, numbered 1 << 8 | n:\n%s", buf);
    /* the pings before the install left a's neighbour entry resolving
     * on a 1 s probe timer that could outlast the pings below */
    sh("ip -n %s neigh flush all", sdn_test.ns[NS_A]);
    check(ping(NS_A, 4), "a pings the VF: VLAN pushed, set by a bucket, "
          "popped");
    check(ping(NS_C, 2), "c pings b through a group of ports, b answers by "
          "set_in_port and IN_PORT");
    check(no_ping(NS_A, 2), "a does not reach b");
    n = rule_packets(sdn, 1, 0);
    check(n >= 3, "program_counters: rule 0 counted a's pings (%ld)", n);
    check(json_array_size(json_object_get(out.data, "rules")) == 6 &&
              rule_packets(sdn, 1, 1) >= 3 && rule_packets(sdn, 1, 2) >= 3 &&
              rule_packets(sdn, 1, 3) >= 3 && rule_packets(sdn, 1, 4) == 0,
          "6 rules, those the pings took counted them, the TCP one 0");
}

/* A flow removed by hand comes back by the audit; the counters reported
 * afterwards are not lower than before. */
static void
program_audit(struct slc_sdn *sdn)
{
    long before0 = rule_packets(sdn, 1, 0), before1 = rule_packets(sdn, 1, 1);
    long after0, after1, n;
    bool done = false;
    json_t *d;

    sh(OFCTL "del-flows br0 cookie=0x51ce000000010000/-1");
    n = program_flows(1);
    check(n == 5 && rule_packets(sdn, 1, 0) == -1 &&
              json_is_null(json_array_get(json_object_get(out.data, "rules"),
                                          0)),
          "rule 0 removed by hand: 5 flows (%ld), its counters null", n);
    /* the re-install is done when it has read its flows back */
    for (int i = 0; i < 20; i++) {
        d = sdn->class->describe(sdn);
        done = strstr(json_string_value(json_object_get(d, "last_event")),
                      "program 1 re-installed") != NULL;
        json_decref(d);
        if (done) {
            break;
        }
        run_loop_ms(100);
    }
    n = program_flows(1);
    check(n == 6, "the audit re-installed it (%ld flows)", n);
    d = sdn->class->describe(sdn);
    check(done && json_array_size(json_object_get(d, "programs")) == 1,
          "describe says so and holds the program (%s)",
          json_string_value(json_object_get(d, "last_event")));
    json_decref(d);
    check(program_groups(1) == 2, "its groups are there");
    after0 = rule_packets(sdn, 1, 0);
    after1 = rule_packets(sdn, 1, 1);
    check(after0 >= before0 && after1 >= before1,
          "counters after the re-install not lower: rule 0 %ld (was %ld), "
          "rule 1 %ld (was %ld)", after0, before0, after1, before1);
    check(ping(NS_A, 4) && rule_packets(sdn, 1, 0) >= before0 + 3,
          "a pings the VF again, counted on top (%ld)",
          rule_packets(sdn, 1, 0));

    sh(OFCTL "del-groups br0");
    n = program_flows(1);
    check(n == 4, "groups deleted by hand took the flows to them (%ld "
          "left)", n);
    for (int i = 0; i < 20 && (n = program_flows(1)) != 6; i++) {
        run_loop_ms(100);
    }
    check(n == 6 && program_groups(1) == 2 && ping(NS_A, 4) &&
              ping(NS_C, 2),
          "the audit put groups and flows back (%ld flows): pings pass", n);
}

static void
program_replace(struct slc_sdn *sdn)
{
    char buf[1024];
    long before = rule_packets(sdn, 1, 0), n;

    check(!install(sdn, 1, program_v2), "program 1 replaced by 2 rules and "
          "a group of one bucket (%s)", out.msg);
    n = program_flows(1);
    check(n == 2 && program_groups(1) == 1, "2 flows (%ld), 1 group", n);
    check(!strcmp(dump(buf, sizeof buf,
                       OFCTL "--no-names dump-groups br0 | grep group_id | "
                       "sed 's/^ *//'"),
                  "group_id=257,type=select,"
                  "bucket=actions=set_field:4197->vlan_vid,output:1\n"),
          "group 257 has the new bucket:\n%s", buf);
    n = rule_packets(sdn, 1, 0);
    check(n >= 0 && n < before, "a new program counts from 0 (%ld, was "
          "%ld)", n, before);
    check(ping(NS_A, 4) && no_ping(NS_C, 2), "a pings the VF, c no longer "
          "reaches b");
    before = rule_packets(sdn, 1, 0);
    check(!install(sdn, 1, program_v2) && program_flows(1) == 2,
          "installed again unchanged (%s)", out.msg);
    n = rule_packets(sdn, 1, 0);
    check(n >= before, "the same program counts on (%ld, was %ld)", n,
          before);

    check(!remove_program(sdn, 1), "program 1 removed (%s)", out.msg);
    check(program_flows(1) == 0 && program_groups(1) == 0,
          "no flow and no group of it is left");
    check(no_ping(NS_A, 4), "a no longer reaches the VF");
    check(!remove_program(sdn, 1), "removing it again: rc 0 (%s)", out.msg);
}

static void
program_refusals(struct slc_sdn *sdn)
{
    int rc;
    long n;

    rc = install(sdn, 2, "{\"rules\": [{\"priority\": 10, \"match\": "
                 "{\"in_port\": \"va\"}, \"name\": \"classifier\", "
                 "\"actions\": [{\"encap_nsh\": null}, {\"set_nsh_spi\": 7},"
                 " {\"output\": \"vb\"}]}]}");
    check(rc == SLC_EUNSUPPORTED &&
              strstr(out.msg, "program 2: rule 0 (classifier): action "
                              "'encap_nsh' "),
          "an NSH program is refused up front: %s", out.msg);
    rc = install(sdn, 2, "{\"rules\": [{\"priority\": 10, \"match\": "
                 "{\"in_port\": \"va\", \"nsh_spi\": 7}, \"actions\": []}]}");
    check(rc == SLC_EUNSUPPORTED && strstr(out.msg, "program 2: rule 0: "
                                           "match field 'nsh_spi'"),
          "an NSH match too: %s", out.msg);
    rc = install(sdn, 2, "{\"rules\": [{\"priority\": 10, \"match\": {}, "
                 "\"actions\": [{\"output\": \"vb\"}]}], \"groups\": [{\"id\":"
                 " 1, \"buckets\": [[{\"decap\": null}, {\"output\": \"vc\"}]]"
                 "}]}");
    check(rc == SLC_EUNSUPPORTED && strstr(out.msg, "program 2: group 0: "
                                           "bucket 0: action 'decap'"),
          "and an NSH action in a bucket: %s", out.msg);
    check(program_flows(2) == 0 && program_groups(2) == 0,
          "nothing of them is on the switch");

    rc = install(sdn, 3, "{\"rules\": [{\"priority\": 10, \"match\": "
                 "{\"in_port\": \"va\"}, \"actions\": [{\"output\": \"99\"}]"
                 "}]}");
    check(rc == SLC_EINVALID &&
              !strcmp(out.msg, "program 3: rule 0: switch 0x" DPID_HEX
                      " has no port '99'"),
          "a port the switch lacks: %s", out.msg);

    rc = install(sdn, 4, program_bad_group);
    check(rc == SLC_EINVALID &&
              strstr(out.msg, "program 4: POST /stats/flowentry/add: 400 ") &&
              strstr(out.msg, "OFPBAC_BAD_OUT_GROUP"),
          "a flow to a group the program lacks fails with the switch's "
          "words: %s", out.msg);
    n = program_flows(4);
    check(n == 0 && program_groups(4) == 0, "and leaves no flow (%ld) nor "
          "group of it", n);

    /* a replace that fails: the program it replaced comes back */
    check(!install(sdn, 5, program_v2), "program 5 installed (%s)", out.msg);
    rc = install(sdn, 5, program_bad_group);
    check(rc == SLC_EINVALID && strstr(out.msg, "OFPBAC_BAD_OUT_GROUP"),
          "replacing it by a bad one fails: %s", out.msg);
    for (int i = 0; i < 20 && (n = program_flows(5)) != 2; i++) {
        run_loop_ms(100);
    }
    check(n == 2 && program_groups(5) == 1 && ping(NS_A, 4),
          "the old program is back (%ld flows): a pings the VF", n);
    check(!remove_program(sdn, 5) && slicer_flows() == 0 &&
              sh_num(OFCTL "dump-groups br0 | grep -c group_id") == 0,
          "removed: no slicer flow nor group left (%s)", out.msg);
}

static void
programs(struct slc_sdn *sdn)
{
    program_install(sdn);
    program_audit(sdn);
    program_replace(sdn);
    program_refusals(sdn);
}

/* ---- sdn-rest.h against a stub server ---- */

struct rest_outcome {
    bool done;
    int rc;
    char msg[600];
    long status;
    bool ok_body;
};

static char stub_auth[128];

/* /slow never answers, /denied is a 401, /long a 503 with a long body of
 * many lines, anything else a 200 {"ok": true}. */
static void
on_stub(struct evhttp_request *req, void *arg)
{
    const char *uri = evhttp_request_get_uri(req);
    const char *auth = evhttp_find_header(
        evhttp_request_get_input_headers(req), "Authorization");
    struct evbuffer *b = evbuffer_new();

    (void)arg;
    snprintf(stub_auth, sizeof stub_auth, "%s", auth ? auth : "");
    if (!strcmp(uri, "/denied")) {
        evhttp_send_reply(req, 401, "Unauthorized", NULL);
    } else if (!strcmp(uri, "/long")) {
        for (int i = 0; i < 30; i++) {
            evbuffer_add_printf(b, "line %02d of a long error\n", i);
        }
        evhttp_send_reply(req, 503, "Unavailable", b);
    } else if (strcmp(uri, "/slow")) {
        evbuffer_add_printf(b, "{\"ok\": true}");
        evhttp_send_reply(req, 200, "OK", b);
    }
    evbuffer_free(b);
}

static void
on_rest(void *arg, int rc, const char *msg, json_t *body, long status)
{
    struct rest_outcome *o = arg;

    *o = (struct rest_outcome){.done = true, .rc = rc, .status = status,
                               .ok_body = json_is_true(
                                   json_object_get(body, "ok"))};
    snprintf(o->msg, sizeof o->msg, "%s", msg ? msg : "");
}

static struct rest_outcome
rest(struct slc_sdn_rest *r, const char *method, const char *path)
{
    struct rest_outcome o = {0};
    struct slc_error err = {0};

    if (slc_sdn_rest_call(r, method, path,
                          strcmp(method, "GET") ? json_pack("{si}", "x", 1)
                                                : NULL,
                          on_rest, &o, &err)) {
        snprintf(o.msg, sizeof o.msg, "%s", err.msg);
        return o;
    }
    for (int i = 0; i < 500 && !o.done; i++) {
        run_loop_ms(10);
    }
    return o;
}

static void
rest_checks(void)
{
    struct evhttp *http = evhttp_new(sdn_test.base);
    struct evhttp_bound_socket *sock;
    struct slc_sdn_rest *r = NULL;
    struct slc_error err = {0};
    struct rest_outcome o;
    struct sockaddr_in a;
    socklen_t len = sizeof a;
    char url[64];

    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

    a = (struct sockaddr_in){.sin_family = AF_INET,
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    sock = NULL;
    if (http && fd >= 0 && !bind(fd, (struct sockaddr *)&a, sizeof a) &&
        !listen(fd, 16) && !getsockname(fd, (struct sockaddr *)&a, &len)) {
        sock = evhttp_accept_socket_with_handle(http, fd);
    }
    if (sock) {
        snprintf(url, sizeof url, "http://127.0.0.1:%d", ntohs(a.sin_port));
        evhttp_set_gencb(http, on_stub, NULL);
    } else if (fd >= 0) {
        close(fd);
    }
    check(slc_sdn_rest_new(&(struct slc_sdn_rest_params){
                               .base = sdn_test.base,
                               .url = "http://u:pw@h:1"},
                           &r, &err) == SLC_EINVALID &&
              !strstr(err.msg, "pw"),
          "a url with credentials is refused without showing them: %s",
          err.msg);
    if (!sock || slc_sdn_rest_new(&(struct slc_sdn_rest_params){
                                      .base = sdn_test.base, .url = url,
                                      .user = "user", .password = "s3cret",
                                      .timeout_ms = 500},
                                  &r, &err)) {
        check(false, "stub server and REST client (%s)",
              sock ? err.msg : "cannot listen");
        if (http) {
            evhttp_free(http);
        }
        return;
    }
    o = rest(r, "GET", "/fine");
    check(!o.rc && o.status == 200 && o.ok_body && !o.msg[0] &&
              !strcmp(stub_auth, "Basic dXNlcjpzM2NyZXQ="),
          "200: rc 0, the JSON body, Basic credentials sent (%s)", o.msg);
    o = rest(r, "GET", "/denied");
    check(o.rc == SLC_EDENIED && !strcmp(o.msg, "GET /denied: 401"),
          "401: SLC_EDENIED, %s", o.msg);
    o = rest(r, "POST", "/long");
    check(o.rc == SLC_EIO && o.status == 503 &&
              !strncmp(o.msg, "POST /long: 503 line 00 of a long error line "
                              "01", 44) &&
              strlen(o.msg) > strlen("POST /long: 503 ") + 190 &&
              strlen(o.msg) <= strlen("POST /long: 503 ") + 200 &&
              !strchr(o.msg, '\n') && !strstr(o.msg, "s3cret") &&
              !strstr(o.msg, "Basic"),
          "503: SLC_EIO with 200 bytes of the body on one line: %s", o.msg);
    o = rest(r, "GET", "/slow");
    check(o.rc == SLC_ETIMEOUT && !strncmp(o.msg, "GET http://127.0.0.1:",
                                           21) &&
              strstr(o.msg, "/slow: ") && strstr(o.msg, "timed out"),
          "no answer in 500 ms: SLC_ETIMEOUT, %s", o.msg);
    slc_sdn_rest_free(r);
    evhttp_free(http);
}

/* close() drops queued and running calls, of services and of programs:
 * no callback comes after it, and AddressSanitizer finds nothing freed
 * twice nor leaked. */
static void
close_in_flight(void)
{
    struct slc_sdn *d = open_driver("closer", json_pack("{si}",
                                                        "audit_interval_ms",
                                                        20));
    struct slc_sdn_service_spec spec = {.name = "elan-closed",
                                        .tag = "elan-closed", .type = "ELAN",
                                        .ports = pts, .n_ports = 3};
    struct slc_error err = {0};
    json_t *prog = json_loads(program_v1, 0, NULL);

    out.done = false;
    check(d && !d->class->create_service(d, 6, &spec, &err) &&
              !d->class->service_status(d, 7, "osken-80000001", NULL, &err),
          "a create and a status submitted (%s)", err.msg);
    check(d && !d->class->install_program(d, 11, 6, prog, &err) &&
              !d->class->program_counters(d, 12, 6, &err),
          "an install and a counters' read submitted (%s)", err.msg);
    json_decref(prog);
    run_loop_ms(30);
    out.done = false; /* what came before the close does not count */
    slc_sdn_close(d);
    run_loop_ms(200);
    check(!out.done, "closed while they ran: no callback came after");
}

int
main(void)
{
    struct slc_sdn *sdn, *checker;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (sh("command -v osken-manager >/dev/null 2>&1")) {
        printf("SKIP: osken-manager is not installed\n");
        return 77;
    }
    if (setup()) {
        printf("FAIL: setup\n");
        sdn_test_cleanup();
        return 1;
    }
    sdn = open_driver("osken-test", json_pack("{si si}", "audit_interval_ms",
                                              300, "timeout_ms", 5000));
    checker = open_driver("osken-checker",
                          json_pack("{ss si}", "dpid", DPID_COLONS,
                                    "audit_interval_ms", 0));
    if (!sdn || !checker || !wait_switch(checker)) {
        printf("FAIL: the controller does not list br0 (%s)\n", out.msg);
        sh("tail -n 20 %s/osken.log", sdn_test.dir);
        slc_sdn_close(sdn);
        slc_sdn_close(checker);
        sdn_test_cleanup();
        return 1;
    }
    rest_checks();
    credentials(sdn);
    eline(sdn);
    partial(checker);
    vlan_point(sdn);
    refusals(sdn);
    elan_and_restart(sdn, checker);
    programs(sdn);
    close_in_flight();
    check(sh_num("grep -c Traceback %s/osken.log", sdn_test.dir) == 0,
          "no Python traceback in the osken-manager log");

    slc_sdn_close(sdn);
    slc_sdn_close(checker);
    return sdn_test_finish();
}

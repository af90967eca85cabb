/* The ovs SDN driver against a real private Open vSwitch (userspace
 * datapath) with namespaces: a client and a server on one segment of
 * bridge br0 and a transparent firewall SF (a Linux bridge of two arms,
 * each arm in a VLAN of its own on br0, so NORMAL switching never loops
 * through it).  A chain steers the client's ICMP to the server through
 * the SF; the switch's counters prove the packets took the chain.
 *
 * Checked: a VLAN chain and an NSH chain carry pings end to end, and the
 * rule counters grow at the classifier and at the hop; a program that the
 * switch refuses halfway (an NSH action without an NSH match) fails with
 * the switch's decoded error and leaves no flow of it while the other
 * program stays whole; a rule removed by hand is re-installed by the
 * audit; after ovs-vswitchd is killed and restarted the driver reconnects
 * and re-installs everything; a port re-created with another OpenFlow
 * number makes the driver (through its OVSDB monitor) re-install the
 * program that uses it; after ovsdb-server is killed and restarted the
 * driver's OVSDB session reconnects and installs work again; removing the
 * programs leaves no slicer flow and plain switching still works.
 *
 * Connectivity services (SDN assist) join namespaces a, b and c, each on
 * an access port of a VLAN of its own so that NORMAL switching never
 * joins them: an ELINE carries pings while it exists and not after its
 * delete, a second create with the same tag gives the same service and
 * flows, an ELAN joins all three; a hand-made "NIC bridge" nic1 (access
 * ports tagged 101 and 102 for two VFs, patched to br0's OpenFlow port 1)
 * joins a VF, as OSM's dot1q point (switch_port "1", vlan 101), with an
 * untagged port, and two VFs of the NIC with each other (out IN_PORT);
 * points on another switch or on a port the switch lacks are refused.
 *
 * Run as root in namespaces of its own (meson: unshare --net --mount
 * --pid); it makes its namespaces and switch in a scratch directory and
 * removes them, by pid and by the names it made, even on failure. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ovs-switch.h"
#include "sdn-test-lib.h"
#include "sdn.h"
#include "sfc-chain.h"

#define OFCTL "ovs-ofctl -O OpenFlow13 "

enum { CLIENT, SERVER, FW, NS_A, NS_B, NS_C, NS_VF1, NS_VF2, N_NS };

static long
slicer_flows(void)
{
    return sh_num(OFCTL "dump-flows br0 cookie=0x51ce000000000000/"
                  "0xffff000000000000 | grep -c cookie");
}

static long
program_flows(unsigned id)
{
    return sh_num(OFCTL "dump-flows br0 cookie=0x51ce%08x0000/"
                  "0xffffffffffff0000 | grep -c cookie", id);
}

/* The client pings the server (through the chain when there is one). */
static bool
ping_server(void)
{
    return sh("ip netns exec %s ping -c 3 -i 0.2 -W 1 10.10.0.20 "
              ">/dev/null 2>&1", sdn_test.ns[CLIENT]) == 0;
}

/* veth VETH (host end on br0 with access tag TAG) into namespace NS as
 * IFNAME, with address IP/24 unless IP is NULL. */
static int
plug(const char *nsname, const char *veth, const char *ifname, int tag,
     const char *ip)
{
    int rc = sh("ip link add %s type veth peer name %s-p && "
                "ip link set %s-p netns %s && "
                "ip -n %s link set %s-p name %s && "
                "ip -n %s link set %s up && ip link set %s up && "
                "ip netns exec %s ethtool -K %s tx off >/dev/null && "
                "ovs-vsctl add-port br0 %s tag=%d",
                veth, veth, veth, nsname, nsname, veth, ifname, nsname,
                ifname, veth, nsname, ifname, veth, tag);

    if (!rc && ip) {
        rc = sh("ip -n %s addr add %s/24 dev %s", nsname, ip, ifname);
    }
    return rc;
}

/* The client, the server and the SF on br0; namespaces a, b and c of the
 * services' segment 10.20.0.0/24 each on an access port of a VLAN of its
 * own, and two VFs behind a NIC bridge. */
static int
setup(void)
{
    static const char *const names[N_NS] = {"client", "server", "fw", "a",
                                            "b", "c", "vf1", "vf2"};
    const char *fw_ns = sdn_test.ns[FW];

    if (sdn_test_setup(&(struct sdn_test_params){.name = "ovs",
                                                 .ns_prefix = "slct",
                                                 .ns_names = names,
                                                 .n_ns = N_NS,
                                                 .subnet = 20})) {
        return -1;
    }
    /* standalone: NORMAL switching for what no chain takes.  nic1 is a
     * NIC's embedded switch (its VFs are access ports), patched to br0
     * at OpenFlow port 1 by a trunk, as vim-netns builds it. */
    return sh("ovs-vsctl add-br br0 -- set bridge br0 "
              "datapath_type=netdev protocols=OpenFlow13") ||
           sh("ovs-vsctl add-br nic1 -- set bridge nic1 datapath_type=netdev "
              "-- add-port nic1 nic1-up -- set interface nic1-up type=patch "
              "options:peer=fp1 -- add-port br0 fp1 -- set interface fp1 "
              "type=patch options:peer=nic1-up ofport_request=1") ||
           plug(sdn_test.ns[CLIENT], "vclient", "eth0", 10, "10.10.0.10") ||
           plug(sdn_test.ns[SERVER], "vserver", "eth0", 10, "10.10.0.20") ||
           plug(fw_ns, "vfwin", "in", 11, NULL) ||
           plug(fw_ns, "vfwout", "out", 12, NULL) ||
           sh("ip -n %s link add sfbr type bridge && "
              "ip -n %s link set in master sfbr && "
              "ip -n %s link set out master sfbr && ip -n %s link set sfbr up",
              fw_ns, fw_ns, fw_ns, fw_ns) ||
           sdn_test_plug(NS_A, "br0", "va", 21, 0, 1) ||
           sdn_test_plug(NS_B, "br0", "vb", 22, 0, 2) ||
           sdn_test_plug(NS_C, "br0", "vc", 23, 0, 3) ||
           sdn_test_plug(NS_VF1, "nic1", "vf1", 101, 0, 4) ||
           sdn_test_plug(NS_VF2, "nic1", "vf2", 102, 0, 5);
}

static const struct slc_sfc_sfi fw = {{"vfwin"}, {"vfwout"}};
static const struct slc_sfc_port client = {"vclient"};
static const struct slc_sfc_hop hops[] = {{"firewall-hop", &fw, 1}};
static const struct slc_sfc_match icmp = {"icmp", 1, "10.10.0.10",
                                          "10.10.0.20", 0, 0};

static json_t *
chain(enum slc_sfc_encap encap, uint32_t path)
{
    struct slc_sfc_chain c = {
        .id = "icmp-path", .encap = encap, .path_id = path, .tag_base = 100,
        .sources = &client, .n_sources = 1, .destination = {"vserver"},
        .matches = &icmp,
        .n_matches = 1, .hops = hops, .n_hops = 1};
    struct slc_error err = {0};
    json_t *parts = slc_sfc_render(&c, &err);
    json_t *p = parts ? json_incref(json_object_get(parts, "vim")) : NULL;

    json_decref(parts);
    if (!p) {
        fprintf(stderr, "render: %s\n", err.msg);
        exit(1);
    }
    return p;
}

/* Kills daemon 'pid' of the switch, waits until it is gone, and forgets
 * the switch (a start adopts the other daemon and starts this one). */
static void
kill_daemon(pid_t pid)
{
    kill(pid, SIGKILL);
    /* reaped here when this test is the pid namespace's init */
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
    }
    while (kill(pid, 0) == 0) {
        usleep(20000);
    }
    slc_ovs_switch_free(sdn_test.sw);
    sdn_test.sw = NULL;
}

/* Packets counted by rule 'i' of program 'id' (-1 if unknown). */
static long
rule_packets(struct slc_sdn *sdn, uint32_t id, size_t i)
{
    struct slc_error err = {0};
    json_t *r;

    /* the datapath's counts reach the flow table each revalidation */
    sh("ovs-appctl -t %s/ovs-vswitchd.ctl revalidator/wait", sdn_test.dir);
    if (sdn->class->program_counters(sdn, 1, id, &err) || wait_done()) {
        return -1;
    }
    r = json_array_get(json_object_get(out.data, "rules"), i);
    return r ? (long)json_integer_value(json_object_get(r, "packets")) : -1;
}

/* The program id of service "ovs-XXXXXXXX". */
static unsigned
program_of(const char *service_id)
{
    return (unsigned)strtoul(service_id + 4, NULL, 16);
}

/* The bridge's datapath id as OVSDB has it, with colons. */
static void
datapath_id(char *buf, size_t size)
{
    char hex[64] = "";
    FILE *f = popen("ovs-vsctl get bridge br0 datapath_id | tr -d '\"'",
                    "r");

    if (f && !fgets(hex, sizeof hex, f)) {
        hex[0] = '\0';
    }
    if (f) {
        pclose(f);
    }
    buf[0] = '\0';
    for (int i = 0; i < 16 && hex[i] && hex[i] != '\n'; i += 2) {
        snprintf(buf + strlen(buf), size - strlen(buf), "%s%.2s",
                 i ? ":" : "", hex + i);
    }
}

static void
eline_and_elan(struct slc_sdn *sdn)
{
    const struct slc_sdn_endpoint pts[3] = {
        {.id = "a", .mac = "02:00:00:00:20:01", .switch_port = "va"},
        {.id = "b", .mac = "02:00:00:00:20:02", .switch_dpid = "br0",
         .switch_port = "vb"},
        {.id = "c", .mac = "02:00:00:00:20:03", .switch_port = "vc"},
    };
    char id[64];
    json_t *conn_info;
    long n;

    check(!ping(NS_A, 2), "a and b are in other VLANs: NORMAL does "
          "not join them");
    check(!create(sdn, "eline-ab", "ELINE", pts, 2), "ELINE a-b created as "
          "%s (%s)", out.service, out.msg);
    snprintf(id, sizeof id, "%s", out.service);
    conn_info = json_incref(out.data);
    check(strlen(id) == 12 && program_of(id) >= 0x80000000u &&
              json_integer_value(json_object_get(conn_info, "program")) ==
                  (json_int_t)program_of(id) &&
              json_integer_value(json_object_get(conn_info, "rules")) == 2,
          "its id is ovs-<32 bits>, its conn_info says program and 2 rules");
    check(program_flows(program_of(id)) == 2, "2 flows on the switch");
    check(ping(NS_A, 2), "a pings b through the ELINE");
    check(!create(sdn, "eline-ab", "ELINE", pts, 2) &&
              !strcmp(out.service, id) &&
              program_flows(program_of(id)) == 2,
          "created again with the same tag: the same service %s and still "
          "2 flows", out.service);
    check(!status(sdn, id, conn_info) && !strcmp(out.status, "ACTIVE"),
          "its status is ACTIVE (%s)", out.status);
    check(!delete_service(sdn, id, conn_info), "ELINE deleted (%s)", out.msg);
    check(program_flows(program_of(id)) == 0, "none of its flows is left");
    check(!ping(NS_A, 2), "a no longer reaches b");
    check(delete_service(sdn, id, conn_info) == SLC_ENOTFOUND,
          "deleting it again: not found (%s)", out.msg);
    json_decref(conn_info);

    check(!create(sdn, "elan-abc", "ELAN", pts, 3), "ELAN a-b-c created (%s)",
          out.msg);
    snprintf(id, sizeof id, "%s", out.service);
    n = program_flows(program_of(id));
    check(n == 9, "6 unicast and 3 broadcast flows (%ld)", n);
    check(ping(NS_A, 2) && ping(NS_A, 3) && ping(NS_B, 3),
          "a, b and c ping each other");
    check(!delete_service(sdn, id, NULL) && program_flows(program_of(id)) == 0,
          "ELAN deleted");
}

/* OSM's dot1q point of a VF: NIC bridge nic1 tags it 101 onto br0's
 * port 1. */
static void
tagged_points(struct slc_sdn *sdn)
{
    char dpid[64];
    struct slc_sdn_endpoint pts[2] = {
        {.id = "compute-1:0000:3b:02.0", .encapsulation = "dot1q",
         .vlan = 101, .mac = "02:00:00:00:20:04", .switch_port = "1"},
        {.id = "c", .mac = "02:00:00:00:20:03", .switch_port = "vc"},
    };
    const struct slc_sdn_endpoint vfs[2] = {
        pts[0],
        {.id = "compute-1:0000:3b:02.1", .encapsulation = "dot1q",
         .vlan = 102, .mac = "02:00:00:00:20:05", .switch_port = "1"},
    };
    char id[64];

    datapath_id(dpid, sizeof dpid);
    pts[0].switch_dpid = dpid;
    check(!ping(NS_VF1, 3), "the VF does not reach c by itself");
    check(!create(sdn, "eline-vf-c", "ELINE", pts, 2),
          "ELINE of the VF (switch %s, port \"1\", vlan 101) and c created "
          "(%s)", dpid, out.msg);
    snprintf(id, sizeof id, "%s", out.service);
    check(program_flows(program_of(id)) == 2, "2 flows");
    check(ping(NS_VF1, 3), "the VF pings c across the VLAN");
    check(!delete_service(sdn, id, NULL), "deleted");

    check(!ping(NS_VF1, 5), "two VFs of the NIC do not meet by "
          "themselves");
    check(!create(sdn, "eline-vfs", "ELINE", vfs, 2), "ELINE of two VFs of "
          "the NIC created (%s)", out.msg);
    snprintf(id, sizeof id, "%s", out.service);
    check(sh_num(OFCTL "--no-names dump-flows br0 cookie=0x51ce%s0000/"
                 "0xffffffffffff0000 | grep -c 'IN_PORT'", id + 4) == 2,
          "both rules send back through the NIC's port (IN_PORT)");
    check(ping(NS_VF1, 5), "the VFs ping each other");
    check(!delete_service(sdn, id, NULL), "deleted");
}

static void
refusals(struct slc_sdn *sdn)
{
    struct slc_sdn_endpoint pts[2] = {
        {.id = "a", .switch_port = "va"},
        {.id = "b", .switch_dpid = "other", .switch_port = "vb"},
    };
    int rc;

    check(!check_credentials(sdn),
          "check_credentials: the sessions are ready (%s)", out.msg);
    rc = create(sdn, "refused", "ELINE", pts, 2);
    check(rc == SLC_EINVALID && !strcmp(out.msg, "point b: switch 'other': "
                                        "this driver programs bridge 'br0'"),
          "a point on switch 'other' is refused: %s", out.msg);
    pts[1].switch_dpid = "00:00:00:00:00:00:00:99";
    rc = create(sdn, "refused", "ELINE", pts, 2);
    check(rc == SLC_EINVALID && strstr(out.msg, "this driver programs"),
          "a point on another datapath id is refused: %s", out.msg);
    pts[1].switch_dpid = NULL;
    pts[1].switch_port = "99";
    rc = create(sdn, "refused", "ELINE", pts, 2);
    check(rc == SLC_EINVALID && strstr(out.msg, "port '99' is not on the "
                                       "switch"),
          "a point on port 99, which the switch lacks, is refused: %s",
          out.msg);
    rc = create(sdn, "refused", "ETREE", pts, 2);
    check(rc == SLC_EUNSUPPORTED, "an ETREE is refused: %s", out.msg);
    check(sh_num(OFCTL "dump-flows br0 cookie=0x51ce800000000000/"
                 "0xffff800000000000 | grep -c cookie") == 0,
          "no service flow is on the switch");
}

static void
services(struct slc_sdn *sdn)
{
    eline_and_elan(sdn);
    tagged_points(sdn);
    refusals(sdn);
}

int
main(void)
{
    struct slc_sdn *sdn = NULL;
    struct slc_error err = {0};
    json_t *config, *prog, *bad;
    char url[128];
    long n;

    setvbuf(stdout, NULL, _IOLBF, 0);
    if (setup()) {
        printf("FAIL: setup\n");
        sdn_test_cleanup();
        return 1;
    }
    check(ping_server(), "client pings server by plain switching");

    snprintf(url, sizeof url, "unix:%s/db.sock", sdn_test.dir);
    config = json_pack("{ss si si}", "bridge", "br0", "audit_interval_ms",
                       300, "connect_timeout_ms", 5000);
    if (slc_sdn_ovs_class.open(
            &(struct slc_sdn_params){.id = "sdn-1", .name = "ovs-test",
                                     .url = url, .config = config,
                                     .base = sdn_test.base,
                                     .done = sdn_test_done},
            &sdn, &err)) {
        printf("FAIL: open: %s\n", err.msg);
        sdn_test_cleanup();
        return 1;
    }

    /* a VLAN chain: installed before the session is even up */
    prog = chain(SLC_SFC_VLAN, 1);
    check(!sdn->class->install_program(sdn, 1, 7, prog, &err) &&
              !wait_done(),
          "VLAN chain installed (%s)", out.msg);
    check(program_flows(7) == 2, "2 flows under the program's cookie");
    check(ping_server(), "client pings server through the chain");
    n = rule_packets(sdn, 7, 0);
    check(n >= 2, "classifier counted the pings (%ld)", n);
    n = rule_packets(sdn, 7, 1);
    check(n >= 2, "the hop's return rule counted them (%ld): they crossed "
          "the SF", n);

    /* a program the switch refuses halfway changes nothing */
    bad = json_deep_copy(prog);
    json_array_append_new(
        json_object_get(bad, "rules"),
        json_pack("{si s{ss} s[{si}{ss}]}", "priority", 5, "match", "in_port",
                  "vserver", "actions", "set_nsh_si", 3, "output", "vclient"));
    check(sdn->class->install_program(sdn, 2, 8, bad, &err) == 0 &&
              wait_done() != 0,
          "a program with an NSH action on a non-NSH match fails: %s",
          out.msg);
    check(strstr(out.msg, "OFPBAC") || strstr(out.msg, "ONFBFC"),
          "the error is the switch's, decoded");
    n = program_flows(8);
    check(n == 0, "none of its flows is on the switch (%ld)", n);
    n = program_flows(7);
    check(n == 2, "the other program is whole (%ld)", n);

    /* removed by hand: the audit puts it back */
    sh(OFCTL "del-flows br0 cookie=0x51ce000000070000/0xffffffffffffffff");
    n = program_flows(7);
    check(n == 1, "one rule removed by hand (%ld)", n);
    run_loop_ms(1000);
    check(program_flows(7) == 2, "the audit re-installed it");

    /* the switch restarts: flows are gone until the driver reconnects */
    kill_daemon(sdn_test.sw->vs_pid);
    check(!slc_ovs_switch_start(sdn_test.dir, &sdn_test.sw, &err),
          "ovs-vswitchd restarted %s", err.msg);
    run_loop_ms(2500);
    check(program_flows(7) == 2, "flows re-installed after the restart");
    check(ping_server(), "pings pass through the chain again");

    /* the server's port is re-created with another OpenFlow number */
    n = sh_num("ovs-vsctl get interface vserver ofport");
    sh("ovs-vsctl del-port br0 vserver && ovs-vsctl add-port br0 vserver "
       "tag=10 -- set interface vserver ofport_request=40");
    run_loop_ms(1000);
    check(sh_num(OFCTL "--no-names dump-flows br0 "
                 "cookie=0x51ce000000070000/0xffffffffffff0000 | "
                 "grep -c 'output:40'") == 1,
          "the program delivers to the port's new number 40 (was %ld)", n);
    check(ping_server(),
          "pings pass through the chain to the re-created port");

    /* ovsdb-server goes away and comes back */
    kill_daemon(sdn_test.sw->db_pid);
    run_loop_ms(300);
    check(!slc_ovs_switch_start(sdn_test.dir, &sdn_test.sw, &err),
          "ovsdb-server restarted %s", err.msg);
    run_loop_ms(1500);
    {
        json_t *d = sdn->class->describe(sdn);

        check(strstr(json_string_value(json_object_get(d, "last_event")),
                     "OVSDB session back") != NULL,
              "the driver's OVSDB session is back (%s)",
              json_string_value(json_object_get(d, "last_event")));
        json_decref(d);
    }

    /* NSH through the same (transparent) SF */
    json_decref(prog);
    prog = chain(SLC_SFC_NSH, 100);
    check(!sdn->class->install_program(sdn, 3, 7, prog, &err) &&
              !wait_done(),
          "the program replaced by an NSH chain (%s)", out.msg);
    check(program_flows(7) == 3, "3 NSH flows");
    check(ping_server(), "client pings server through the NSH chain");
    check(rule_packets(sdn, 7, 0) >= 2 &&
              rule_packets(sdn, 7, 1) + rule_packets(sdn, 7, 2) >= 2,
          "NSH classifier and return rules counted the pings");

    services(sdn);

    check(!sdn->class->remove_program(sdn, 7, 7, &err) && !wait_done(),
          "program removed");
    check(slicer_flows() == 0, "no slicer flow left on the switch");
    check(ping_server(), "plain switching still works");

    json_decref(prog);
    json_decref(bad);
    json_decref(config);
    slc_sdn_ovs_class.close(sdn);
    return sdn_test_finish();
}

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
 * driver's OVSDB session reconnects and installs work again; an ELINE
 * service joins two ports; removing the programs leaves no slicer flow
 * and plain switching still works.
 *
 * Run as root in namespaces of its own (meson: unshare --net --mount
 * --pid); it makes its namespaces and switch in a scratch directory and
 * removes them, by pid and by the names it made, even on failure. */
#include <errno.h>
#include <event2/event.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ovs-switch.h"
#include "sdn.h"
#include "sfc-chain.h"

static struct event_base *base;
static struct slc_ovs_switch *sw;
static char dir[64];
static int failures, checks;
static char ns[3][32];

struct outcome {
    bool done;
    int rc;
    char msg[600];
    json_t *data;
    char service[64];
};
static struct outcome out;

static void
check(bool ok, const char *fmt, ...)
{
    va_list ap;

    checks++;
    va_start(ap, fmt);
    printf("%s: ", ok ? "ok" : "FAIL");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    fflush(stdout);
    failures += !ok;
}

static int
sh(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    int st;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The output of a command, first line, as a number (-1 if none). */
static long
sh_num(const char *fmt, ...)
{
    char cmd[2048], line[256] = "";
    va_list ap;
    FILE *f;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    f = popen(cmd, "r");
    if (!f) {
        return -1;
    }
    if (!fgets(line, sizeof line, f)) {
        line[0] = '\0';
    }
    pclose(f);
    return line[0] ? strtol(line, NULL, 10) : -1;
}

static void
on_done(void *owner, const struct slc_sdn_result *r)
{
    out.done = true;
    out.rc = r->rc;
    snprintf(out.msg, sizeof out.msg, "%s", r->msg ? r->msg : "");
    snprintf(out.service, sizeof out.service, "%s",
             r->service_id ? r->service_id : "");
    json_decref(out.data);
    out.data = r->data ? json_deep_copy(r->data) : NULL;
}

/* Runs the loop until the pending call completes (10 s at most). */
static int
wait_done(void)
{
    for (int i = 0; i < 1000 && !out.done; i++) {
        struct timeval tv = {0, 10000};

        event_base_loopexit(base, &tv);
        event_base_dispatch(base);
    }
    if (!out.done) {
        snprintf(out.msg, sizeof out.msg, "no reply within 10 s");
        return SLC_ETIMEOUT;
    }
    out.done = false;
    return out.rc;
}

static void
run_loop_ms(int ms)
{
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};

    event_base_loopexit(base, &tv);
    event_base_dispatch(base);
}

#define OFCTL "ovs-ofctl -O OpenFlow13 "

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

static bool
ping(void)
{
    return sh("ip netns exec %s ping -c 3 -i 0.2 -W 1 10.10.0.20 "
              ">/dev/null 2>&1", ns[0]) == 0;
}

static void
cleanup(void)
{
    for (int i = 0; i < 3; i++) {
        if (ns[i][0]) {
            sh("ip netns del %s 2>/dev/null", ns[i]);
        }
    }
    if (sw) {
        slc_ovs_switch_stop(sw, &(struct slc_error){0});
        sw = NULL;
    }
    if (dir[0]) {
        sh("rm -rf %s", dir);
    }
}

static void
on_signal(int sig)
{
    cleanup();
    _exit(128 + sig);
}

/* veth VETH (host end on br0 with access tag TAG) into namespace NS. */
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

static int
setup(void)
{
    struct slc_error err = {0};
    const char *names[3] = {"client", "server", "fw"};

    snprintf(dir, sizeof dir, "/tmp/slicer-sdn-ovs-XXXXXX");
    if (!mkdtemp(dir)) {
        dir[0] = '\0';
        return -1;
    }
    if (slc_ovs_switch_start(dir, &sw, &err)) {
        fprintf(stderr, "switch: %s\n", err.msg);
        return -1;
    }
    setenv("OVS_RUNDIR", dir, 1);
    setenv("OVS_DBDIR", dir, 1);
    setenv("OVS_LOGDIR", dir, 1);
    for (int i = 0; i < 3; i++) {
        snprintf(ns[i], sizeof ns[i], "slct-%d-%s", (int)getpid(), names[i]);
        if (sh("ip netns add %s && ip -n %s link set lo up", ns[i], ns[i])) {
            ns[i][0] = '\0';
            return -1;
        }
    }
    /* standalone: NORMAL switching for what no chain takes */
    return sh("ip link set lo up && ovs-vsctl add-br br0 -- set bridge br0 "
              "datapath_type=netdev protocols=OpenFlow13") ||
           plug(ns[0], "vclient", "eth0", 10, "10.10.0.10") ||
           plug(ns[1], "vserver", "eth0", 10, "10.10.0.20") ||
           plug(ns[2], "vfwin", "in", 11, NULL) ||
           plug(ns[2], "vfwout", "out", 12, NULL) ||
           sh("ip -n %s link add sfbr type bridge && "
              "ip -n %s link set in master sfbr && "
              "ip -n %s link set out master sfbr && ip -n %s link set sfbr up",
              ns[2], ns[2], ns[2], ns[2]);
}

static const struct slc_sfc_sfi fw = {"vfwin", "vfwout"};
static const struct slc_sfc_hop hops[] = {{"firewall-hop", &fw, 1}};
static const struct slc_sfc_match icmp = {"icmp", 1, "10.10.0.10",
                                          "10.10.0.20", 0, 0};

static json_t *
chain(enum slc_sfc_encap encap, uint32_t path)
{
    struct slc_sfc_chain c = {
        .id = "icmp-path", .encap = encap, .path_id = path, .tag_base = 100,
        .source = "vclient", .destination = "vserver", .matches = &icmp,
        .n_matches = 1, .hops = hops, .n_hops = 1};
    struct slc_error err = {0};
    json_t *p = slc_sfc_render(&c, &err);

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
    slc_ovs_switch_free(sw);
    sw = NULL;
}

/* Packets counted by rule 'i' of program 'id' (-1 if unknown). */
static long
rule_packets(struct slc_sdn *sdn, uint32_t id, size_t i)
{
    struct slc_error err = {0};
    json_t *r;

    /* the datapath's counts reach the flow table each revalidation */
    sh("ovs-appctl -t %s/ovs-vswitchd.ctl revalidator/wait", dir);
    if (sdn->class->program_counters(sdn, 1, id, &err) || wait_done()) {
        return -1;
    }
    r = json_array_get(json_object_get(out.data, "rules"), i);
    return r ? (long)json_integer_value(json_object_get(r, "packets")) : -1;
}

int
main(int argc, char **argv)
{
    struct slc_sdn *sdn = NULL;
    struct slc_error err = {0};
    json_t *config, *prog, *bad;
    char url[128];
    long n;

    setvbuf(stdout, NULL, _IOLBF, 0);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    base = event_base_new();
    if (setup()) {
        printf("FAIL: setup\n");
        cleanup();
        return 1;
    }
    check(ping(), "client pings server by plain switching");

    snprintf(url, sizeof url, "unix:%s/db.sock", dir);
    config = json_pack("{ss si si}", "bridge", "br0", "audit_interval_ms",
                       300, "connect_timeout_ms", 5000);
    if (slc_sdn_ovs_class.open(
            &(struct slc_sdn_params){.id = "sdn-1", .name = "ovs-test",
                                     .url = url, .config = config,
                                     .base = base, .done = on_done},
            &sdn, &err)) {
        printf("FAIL: open: %s\n", err.msg);
        cleanup();
        return 1;
    }

    /* a VLAN chain: installed before the session is even up */
    prog = chain(SLC_SFC_VLAN, 1);
    check(!sdn->class->install_program(sdn, 1, 7, prog, &err) &&
              !wait_done(),
          "VLAN chain installed (%s)", out.msg);
    check(program_flows(7) == 2, "2 flows under the program's cookie");
    check(ping(), "client pings server through the chain");
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
    kill_daemon(sw->vs_pid);
    check(!slc_ovs_switch_start(dir, &sw, &err), "ovs-vswitchd restarted %s",
          err.msg);
    run_loop_ms(2500);
    check(program_flows(7) == 2, "flows re-installed after the restart");
    check(ping(), "pings pass through the chain again");

    /* the server's port is re-created with another OpenFlow number */
    n = sh_num("ovs-vsctl get interface vserver ofport");
    sh("ovs-vsctl del-port br0 vserver && ovs-vsctl add-port br0 vserver "
       "tag=10 -- set interface vserver ofport_request=40");
    run_loop_ms(1000);
    check(sh_num(OFCTL "--no-names dump-flows br0 "
                 "cookie=0x51ce000000070000/0xffffffffffff0000 | "
                 "grep -c 'output:40'") == 1,
          "the program delivers to the port's new number 40 (was %ld)", n);
    check(ping(), "pings pass through the chain to the re-created port");

    /* ovsdb-server goes away and comes back */
    kill_daemon(sw->db_pid);
    run_loop_ms(300);
    check(!slc_ovs_switch_start(dir, &sw, &err), "ovsdb-server restarted %s",
          err.msg);
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
    check(ping(), "client pings server through the NSH chain");
    check(rule_packets(sdn, 7, 0) >= 2 &&
              rule_packets(sdn, 7, 1) + rule_packets(sdn, 7, 2) >= 2,
          "NSH classifier and return rules counted the pings");

    /* an ELINE between two ports */
    {
        struct slc_sdn_endpoint eps[2] = {
            {.switch_dpid = "any", .switch_port = "vclient"},
            {.switch_dpid = "any", .switch_port = "vserver", .vlan = 0}};
        struct slc_sdn_service_spec spec = {.name = "eline", .tag = "t1",
                                            .type = "ELINE", .ports = eps,
                                            .n_ports = 2};

        check(!sdn->class->create_service(sdn, 4, &spec, &err) &&
                  !wait_done(),
              "ELINE service %s created (%s)", out.service, out.msg);
        check(!sdn->class->service_status(sdn, 5, out.service, &err) &&
                  !wait_done(),
              "its status is ACTIVE");
        check(!sdn->class->delete_service(sdn, 6, out.service, &err) &&
                  !wait_done(),
              "deleted");
    }

    check(!sdn->class->remove_program(sdn, 7, 7, &err) && !wait_done(),
          "program removed");
    check(slicer_flows() == 0, "no slicer flow left on the switch");
    check(ping(), "plain switching still works");

    json_decref(prog);
    json_decref(bad);
    json_decref(config);
    json_decref(out.data);
    slc_sdn_ovs_class.close(sdn);
    cleanup();
    event_base_free(base);
    printf("%d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}

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
 *
 *   test-sdn-odl-floodlight PATH/TO/sdn_standin
 *
 * Run as root in namespaces of its own (meson: unshare --net --mount
 * --pid --fork --mount-proc).  Exit 77 (skip) without Open vSwitch,
 * iproute2, ping or ethtool.  The switch, the stand-in and the
 * namespaces are made in a scratch directory and removed, by pid and by
 * the names made, even on failure (KEEP_TMP=1 keeps the directory). */
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ovs-switch.h"
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
static struct event_base *base;
static struct slc_ovs_switch *sw;
static char dir[64];
static int failures, checks;
static pid_t standin_pid;
static int rest_port;
enum { NS_A, NS_B, NS_C, NS_VF, N_NS };
static char ns[N_NS][32];

struct outcome {
    bool done;
    int rc;
    char msg[1200];
    json_t *data;
    char service[64];
    char status[16];
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
    (void)owner;
    out.done = true;
    out.rc = r->rc;
    snprintf(out.msg, sizeof out.msg, "%s", r->msg ? r->msg : "");
    snprintf(out.service, sizeof out.service, "%s",
             r->service_id ? r->service_id : "");
    snprintf(out.status, sizeof out.status, "%s",
             r->status ? r->status : "");
    json_decref(out.data);
    out.data = r->data ? json_deep_copy(r->data) : NULL;
}

static void
run_loop_ms(int ms)
{
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};

    event_base_loopexit(base, &tv);
    event_base_dispatch(base);
}

/* Runs the loop until the pending call completes (20 s at most). */
static int
wait_done(void)
{
    for (int i = 0; i < 2000 && !out.done; i++) {
        run_loop_ms(10);
    }
    if (!out.done) {
        snprintf(out.msg, sizeof out.msg, "no reply within 20 s");
        return SLC_ETIMEOUT;
    }
    out.done = false;
    return out.rc;
}

/* The outcome of a submitted call: its refusal, or its reply. */
static int
outcome(int rc, const struct slc_error *err)
{
    if (rc) {
        snprintf(out.msg, sizeof out.msg, "%s", err->msg);
        return rc;
    }
    return wait_done();
}

static int
check_credentials(struct slc_sdn *sdn)
{
    struct slc_error err = {0};

    return outcome(sdn->class->check_credentials(sdn, 1, &err), &err);
}

static int
create(struct slc_sdn *sdn, const char *tag, const char *type,
       const struct slc_sdn_endpoint *pts, size_t n)
{
    struct slc_sdn_service_spec spec = {.name = tag, .tag = tag,
                                        .type = type, .ports = pts,
                                        .n_ports = n};
    struct slc_error err = {0};

    return outcome(sdn->class->create_service(sdn, 2, &spec, &err), &err);
}

static int
edit(struct slc_sdn *sdn, const char *service_id, const json_t *conn_info,
     const struct slc_sdn_endpoint *pts, size_t n)
{
    struct slc_sdn_service_spec spec = {.name = "edited", .type = "ELAN",
                                        .ports = pts, .n_ports = n,
                                        .conn_info = conn_info};
    struct slc_error err = {0};

    return outcome(sdn->class->edit_service(sdn, 5, service_id, &spec,
                                            &err),
                   &err);
}

static int
status(struct slc_sdn *sdn, const char *service_id, const json_t *conn_info)
{
    struct slc_error err = {0};

    return outcome(sdn->class->service_status(sdn, 3, service_id, conn_info,
                                              &err),
                   &err);
}

static int
delete_service(struct slc_sdn *sdn, const char *service_id,
               const json_t *conn_info)
{
    struct slc_error err = {0};

    return outcome(sdn->class->delete_service(sdn, 4, service_id, conn_info,
                                              &err),
                   &err);
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

/* Namespace 'i' pings 10.30.0.<n>. */
static bool
ping(int i, int n)
{
    return sh("ip netns exec %s ping -c 3 -i 0.2 -W 1 10.30.0.%d "
              ">/dev/null 2>&1", ns[i], n) == 0;
}

static bool
no_ping(int i, int n)
{
    return sh("ip netns exec %s ping -c 1 -W 1 10.30.0.%d >/dev/null 2>&1",
              ns[i], n) != 0;
}

/* ---- the stand-in ---- */

static void
stop_standin(int sig)
{
    if (standin_pid <= 0) {
        return;
    }
    kill(standin_pid, sig);
    for (int i = 0; i < 50; i++) {
        if (waitpid(standin_pid, NULL, WNOHANG) == standin_pid) {
            standin_pid = 0;
            return;
        }
        usleep(100000);
    }
    kill(standin_pid, SIGKILL);
    while (waitpid(standin_pid, NULL, 0) < 0 && errno == EINTR) {
    }
    standin_pid = 0;
}

/* Starts the stand-in of 'p' on rest_port ('fail_post': its
 * --fail-post, or NULL) and waits until it listens (10 s at most). */
static bool
start_standin(const struct personality *p, const char *fail_post)
{
    char listen[64], port_file[128], log[128];
    const char *argv[20];
    struct stat st;
    size_t n = 0;
    pid_t pid;

    snprintf(listen, sizeof listen, "127.0.0.1:%d", rest_port);
    snprintf(port_file, sizeof port_file, "%s/port-%s", dir, p->type);
    snprintf(log, sizeof log, "%s/standin-%s.log", dir, p->type);
    unlink(port_file);
    argv[n++] = standin;
    argv[n++] = "--type";
    argv[n++] = p->type;
    argv[n++] = "--listen";
    argv[n++] = listen;
    argv[n++] = "--port-file";
    argv[n++] = port_file;
    argv[n++] = "--ovs-rundir";
    argv[n++] = dir;
    argv[n++] = "--bridge";
    argv[n++] = "br0";
    if (p->user) {
        argv[n++] = "--user";
        argv[n++] = p->user;
        argv[n++] = "--password";
        argv[n++] = p->password;
    }
    if (fail_post) {
        argv[n++] = "--fail-post";
        argv[n++] = fail_post;
    }
    argv[n] = NULL;
    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);

        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execv(standin, (char *const *)argv);
        _exit(127);
    }
    if (pid < 0) {
        return false;
    }
    standin_pid = pid;
    for (int i = 0; i < 100; i++) {
        if (!stat(port_file, &st) && st.st_size > 0) {
            return true;
        }
        if (waitpid(pid, NULL, WNOHANG) == pid) {
            standin_pid = 0;
            return false;
        }
        usleep(100000);
    }
    return false;
}

/* A TCP port of 127.0.0.1 nothing listens on. */
static int
free_port(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

    if (fd >= 0 && !bind(fd, (struct sockaddr *)&a, sizeof a) &&
        !getsockname(fd, (struct sockaddr *)&a, &len)) {
        port = ntohs(a.sin_port);
    }
    if (fd >= 0) {
        close(fd);
    }
    return port;
}

/* ---- the switch and the namespaces ---- */

static void
cleanup(void)
{
    stop_standin(SIGTERM);
    for (int i = 0; i < N_NS; i++) {
        if (ns[i][0]) {
            sh("ip netns del %s 2>/dev/null", ns[i]);
        }
    }
    if (sw) {
        slc_ovs_switch_stop(sw, &(struct slc_error){0});
        sw = NULL;
    }
    if (dir[0] && !getenv("KEEP_TMP")) {
        sh("rm -rf %s", dir);
    } else if (dir[0]) {
        printf("kept %s\n", dir);
    }
}

static void
on_signal(int sig)
{
    cleanup();
    _exit(128 + sig);
}

/* Namespace 'i': eth0 with MAC 02:00:00:00:30:<n> and 10.30.0.<n>, its
 * veth 'veth' on 'bridge' (access port 'tag' when not 0, OpenFlow port
 * 'ofport' when not 0). */
static int
plug(int i, const char *bridge, const char *veth, int tag, int ofport,
     int n)
{
    char extra[64] = "";

    if (tag) {
        snprintf(extra, sizeof extra, " tag=%d", tag);
    } else if (ofport) {
        snprintf(extra, sizeof extra, " -- set interface %s "
                 "ofport_request=%d", veth, ofport);
    }
    return sh("ip link add %s type veth peer name %s-p && "
              "ip link set %s-p netns %s && "
              "ip -n %s link set %s-p name eth0 && "
              "ip -n %s link set eth0 address 02:00:00:00:30:%02d && "
              "ip -n %s addr add 10.30.0.%d/24 dev eth0 && "
              "ip -n %s link set eth0 up && ip link set %s up && "
              "ip netns exec %s ethtool -K eth0 tx off >/dev/null && "
              "ovs-vsctl add-port %s %s%s",
              veth, veth, veth, ns[i], ns[i], veth, ns[i], n, ns[i], n,
              ns[i], veth, ns[i], bridge, veth, extra);
}

static int
setup(void)
{
    struct slc_error err = {0};
    const char *names[N_NS] = {"a", "b", "c", "vf"};

    snprintf(dir, sizeof dir, "/tmp/slicer-sdn-odlfl-XXXXXX");
    if (!mkdtemp(dir)) {
        dir[0] = '\0';
        return -1;
    }
    /* namespaces named in this mount namespace only */
    if (sh("mkdir -p /run/netns && mount -t tmpfs tmpfs /run/netns") ||
        sh("ip link set lo up")) {
        return -1;
    }
    if (slc_ovs_switch_start(dir, &sw, &err)) {
        fprintf(stderr, "switch: %s\n", err.msg);
        return -1;
    }
    setenv("OVS_RUNDIR", dir, 1);
    setenv("OVS_DBDIR", dir, 1);
    setenv("OVS_LOGDIR", dir, 1);
    for (int i = 0; i < N_NS; i++) {
        snprintf(ns[i], sizeof ns[i], "slcd-%s", names[i]);
        if (sh("ip netns add %s && ip -n %s link set lo up", ns[i], ns[i])) {
            ns[i][0] = '\0';
            return -1;
        }
    }
    rest_port = free_port();
    return rest_port <= 0 ||
           sh("ovs-vsctl add-br br0 -- set bridge br0 datapath_type=netdev "
              "protocols=OpenFlow13 fail_mode=secure "
              "other_config:datapath-id=" DPID_HEX) ||
           sh("ovs-vsctl add-br nic1 -- set bridge nic1 datapath_type=netdev "
              "-- add-port nic1 nic1-up -- set interface nic1-up type=patch "
              "options:peer=fp1 -- add-port br0 fp1 -- set interface fp1 "
              "type=patch options:peer=nic1-up ofport_request=1") ||
           plug(NS_A, "br0", "va", 0, 2, 1) ||
           plug(NS_B, "br0", "vb", 0, 3, 2) ||
           plug(NS_C, "br0", "vc", 0, 4, 3) ||
           plug(NS_VF, "nic1", "vf1", 101, 0, 4);
}

static struct slc_sdn *
open_driver(const struct personality *p, const char *name,
            const char *password, json_t *config)
{
    struct slc_sdn *sdn = NULL;
    struct slc_error err = {0};
    char url[64];

    snprintf(url, sizeof url, "http://127.0.0.1:%d", rest_port);
    if (p->class->open(
            &(struct slc_sdn_params){.id = name, .name = name, .url = url,
                                     .config = config, .base = base,
                                     .user = p->user, .password = password,
                                     .done = on_done},
            &sdn, &err)) {
        printf("FAIL: open %s: %s\n", name, err.msg);
        failures++;
    }
    json_decref(config);
    return sdn;
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

    ok = !edit(sdn, id, ci, pts, 2) && !strcmp(out.service, id) &&
         rules_of(out.data) == 2;
    n = standin_flows(p);
    check(ok && n == 2 && ping(NS_A, 2) && no_ping(NS_A, 3),
          "%s: edited to join a and b: 2 flows (%ld), c is out (%s)",
          p->type, n, out.msg);
    ok = !edit(sdn, id, out.data, pts, 3) && rules_of(out.data) == 9;
    n = standin_flows(p);
    check(ok && n == 9, "%s: edited back to a, b and c: 9 flows (%ld) "
          "(%s)", p->type, n, out.msg);

    stop_standin(SIGKILL);
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

    stop_standin(SIGTERM);
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

static void
run_personality(const struct personality *p)
{
    struct slc_sdn *sdn;

    printf("--- %s\n", p->class->type);
    if (!start_standin(p, NULL)) {
        check(false, "%s: the stand-in starts (see %s/standin-%s.log)",
              p->type, dir, p->type);
        return;
    }
    sdn = open_driver(p, p->class->type, p->password,
                      json_pack("{si si}", "audit_interval_ms", 300,
                                "timeout_ms", 5000));
    if (sdn) {
        credentials(p, sdn);
        vf_eline(p, sdn);
        elan_and_restart(p, sdn);
        refusals(p, sdn);
        slc_sdn_close(sdn);
    }
    stop_standin(SIGTERM);
    check(start_standin(p, NULL), "%s: the stand-in started again",
          p->type);
    close_in_flight(p);
    stop_standin(SIGTERM);
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
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    base = event_base_new();
    if (setup()) {
        printf("FAIL: setup\n");
        cleanup();
        return 1;
    }
    check(no_ping(NS_A, 2), "a and b do not meet without flows");
    for (size_t i = 0; i < sizeof personalities / sizeof *personalities;
         i++) {
        run_personality(&personalities[i]);
    }
    check(sh_num("cat %s/standin-*.log | grep -cE 'ERROR: "
                 "(Address|Leak)Sanitizer|runtime error:'", dir) == 0,
          "no sanitizer report in the stand-in logs");

    json_decref(out.data);
    cleanup();
    event_base_free(base);
    printf("%d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}

/* The harness of the C tests of the SDN drivers against a private Open
 * vSwitch (see sdn-test-lib.h): what test-sdn-ovs.c, test-sdn-osken.c,
 * test-sdn-onos.c and test-sdn-odl-floodlight.c all need around their
 * scenarios.  Shell commands do the plumbing (ip, ovs-vsctl) as a reader
 * would type it; the switch's daemons are ovs-switch.h's. */
#include "sdn-test-lib.h"

#include <assert.h>
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

struct sdn_test sdn_test;
struct sdn_reply out;

static int checks, failures;
static int subnet;        /* of the points' addresses and MACs */
static pid_t controller;  /* 0: none */

/* ---- checks and commands ---- */

void
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

int
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

long
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

/* ---- the switch and the namespaces ---- */

static void
on_signal(int sig)
{
    sdn_test_cleanup();
    _exit(128 + sig);
}

int
sdn_test_free_port(void)
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

int
sdn_test_setup(const struct sdn_test_params *p)
{
    static const char *const abc[] = {"a", "b", "c", "vf"};
    const char *const *names = p->ns_names ? p->ns_names : abc;
    size_t n_ns = p->ns_names ? p->n_ns : 4;
    struct slc_error err = {0};

    assert(n_ns <= SDN_TEST_MAX_NS);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    subnet = p->subnet;
    sdn_test.base = event_base_new();
    snprintf(sdn_test.dir, sizeof sdn_test.dir, "/tmp/slicer-sdn-%s-XXXXXX",
             p->name);
    if (!sdn_test.base || !mkdtemp(sdn_test.dir)) {
        sdn_test.dir[0] = '\0';
        return -1;
    }
    /* namespaces named in this mount namespace only */
    if (sh("mkdir -p /run/netns && mount -t tmpfs tmpfs /run/netns") ||
        sh("ip link set lo up")) {
        return -1;
    }
    if (slc_ovs_switch_start(sdn_test.dir, &sdn_test.sw, &err)) {
        fprintf(stderr, "switch: %s\n", err.msg);
        return -1;
    }
    setenv("OVS_RUNDIR", sdn_test.dir, 1);
    setenv("OVS_DBDIR", sdn_test.dir, 1);
    setenv("OVS_LOGDIR", sdn_test.dir, 1);
    for (size_t i = 0; i < n_ns; i++) {
        char *ns = sdn_test.ns[i];

        snprintf(ns, sizeof sdn_test.ns[i], "%s-%s", p->ns_prefix,
                 names[i]);
        if (sh("ip netns add %s && ip -n %s link set lo up", ns, ns)) {
            ns[0] = '\0';
            return -1;
        }
    }
    sdn_test.rest_port = sdn_test_free_port();
    return sdn_test.rest_port > 0 ? 0 : -1;
}

int
sdn_test_plug(int i, const char *bridge, const char *veth, int tag,
              int ofport, int n)
{
    const char *ns = sdn_test.ns[i];
    char extra[64] = "";
    int rc;

    if (tag) {
        snprintf(extra, sizeof extra, " tag=%d", tag);
    } else if (ofport) {
        snprintf(extra, sizeof extra, " -- set interface %s "
                 "ofport_request=%d", veth, ofport);
    }
    rc = sh("ip link add %s type veth peer name %s-p && "
            "ip link set %s-p netns %s && "
            "ip -n %s link set %s-p name eth0 && "
            "ip -n %s link set eth0 address 02:00:00:00:%02d:%02d && "
            "ip -n %s addr add 10.%d.0.%d/24 dev eth0 && "
            "ip -n %s link set eth0 up && ip link set %s up && "
            "ip netns exec %s ethtool -K eth0 tx off >/dev/null && "
            "ovs-vsctl add-port %s %s%s",
            veth, veth, veth, ns, ns, veth, ns, subnet, n, ns, subnet, n, ns,
            veth, ns, bridge, veth, extra);
    return rc ? -1 : 0;
}

int
sdn_test_fabric(const char *dpid_hex)
{
    bool ok =
        !sh("ovs-vsctl add-br br0 -- set bridge br0 datapath_type=netdev "
            "protocols=OpenFlow13 fail_mode=secure "
            "other_config:datapath-id=%s", dpid_hex) &&
        !sh("ovs-vsctl add-br nic1 -- set bridge nic1 datapath_type=netdev "
            "fail_mode=standalone -- add-port nic1 nic1-up -- set "
            "interface nic1-up type=patch options:peer=fp1 -- add-port br0 "
            "fp1 -- set interface fp1 type=patch options:peer=nic1-up "
            "ofport_request=1") &&
        !sdn_test_plug(0, "br0", "va", 0, 2, 1) &&
        !sdn_test_plug(1, "br0", "vb", 0, 3, 2) &&
        !sdn_test_plug(2, "br0", "vc", 0, 4, 3) &&
        !sdn_test_plug(3, "nic1", "vf1", 101, 0, 4) &&
        sh_num("ovs-vsctl get interface va ofport") == 2 &&
        sh_num("ovs-vsctl get interface fp1 ofport") == 1;

    return ok ? 0 : -1;
}

bool
ping(int i, int n)
{
    return sh("ip netns exec %s ping -c 3 -i 0.2 -W 1 10.%d.0.%d "
              ">/dev/null 2>&1", sdn_test.ns[i], subnet, n) == 0;
}

bool
no_ping(int i, int n)
{
    return sh("ip netns exec %s ping -c 1 -W 1 10.%d.0.%d >/dev/null 2>&1",
              sdn_test.ns[i], subnet, n) != 0;
}

/* ---- the controller ---- */

int
sdn_test_spawn(const char *const argv[], const char *log)
{
    pid_t pid;

    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);

        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    if (pid < 0) {
        return -1;
    }
    controller = pid;
    return 0;
}

void
sdn_test_stop(int sig)
{
    if (controller <= 0) {
        return;
    }
    kill(controller, sig);
    for (int i = 0; i < 50; i++) {
        if (waitpid(controller, NULL, WNOHANG) == controller) {
            controller = 0;
            return;
        }
        usleep(100000);
    }
    kill(controller, SIGKILL);
    while (waitpid(controller, NULL, 0) < 0 && errno == EINTR) {
    }
    controller = 0;
}

int
sdn_test_standin(const char *path, const char *type, const char *user,
                 const char *password, const char *fail_post)
{
    char listen[64], port_file[128], log[128];
    const char *argv[20];
    struct stat st;
    size_t n = 0;

    snprintf(listen, sizeof listen, "127.0.0.1:%d", sdn_test.rest_port);
    snprintf(port_file, sizeof port_file, "%s/port-%s", sdn_test.dir, type);
    snprintf(log, sizeof log, "%s/standin-%s.log", sdn_test.dir, type);
    argv[n++] = path;
    argv[n++] = "--type";
    argv[n++] = type;
    argv[n++] = "--listen";
    argv[n++] = listen;
    argv[n++] = "--port-file";
    argv[n++] = port_file;
    argv[n++] = "--ovs-rundir";
    argv[n++] = sdn_test.dir;
    argv[n++] = "--bridge";
    argv[n++] = "br0";
    if (user) {
        argv[n++] = "--user";
        argv[n++] = user;
        argv[n++] = "--password";
        argv[n++] = password;
    }
    if (fail_post) {
        argv[n++] = "--fail-post";
        argv[n++] = fail_post;
    }
    argv[n] = NULL;
    for (int attempt = 0; attempt < 5; attempt++) {
        unlink(port_file);
        if (sdn_test_spawn(argv, log)) {
            return -1;
        }
        for (int i = 0; i < 100; i++) {
            if (!stat(port_file, &st) && st.st_size > 0) {
                return 0;
            }
            if (waitpid(controller, NULL, WNOHANG) == controller) {
                controller = 0;
                break;        /* it could not listen: again */
            }
            usleep(100000);
        }
        sdn_test_stop(SIGTERM);
        sleep(1);
    }
    return -1;
}

/* ---- the loop and driver calls ---- */

void
run_loop_ms(int ms)
{
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};

    event_base_loopexit(sdn_test.base, &tv);
    event_base_dispatch(sdn_test.base);
}

void
sdn_test_done(void *owner, const struct slc_sdn_result *r)
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

int
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

int
outcome(int rc, const struct slc_error *err)
{
    if (rc) {
        snprintf(out.msg, sizeof out.msg, "%s", err->msg);
        return rc;
    }
    return wait_done();
}

struct slc_sdn *
sdn_test_open(const struct slc_sdn_class *class, const char *name,
              const char *user, const char *password, json_t *config)
{
    struct slc_sdn *sdn = NULL;
    struct slc_error err = {0};
    char url[64];

    snprintf(url, sizeof url, "http://127.0.0.1:%d", sdn_test.rest_port);
    if (class->open(&(struct slc_sdn_params){.id = name, .name = name,
                                             .url = url, .config = config,
                                             .user = user,
                                             .password = password,
                                             .base = sdn_test.base,
                                             .done = sdn_test_done},
                    &sdn, &err)) {
        printf("FAIL: open %s: %s\n", name, err.msg);
        failures++;
    }
    json_decref(config);
    return sdn;
}

int
check_credentials(struct slc_sdn *sdn)
{
    struct slc_error err = {0};

    return outcome(sdn->class->check_credentials(sdn, 1, &err), &err);
}

int
create(struct slc_sdn *sdn, const char *tag, const char *type,
       const struct slc_sdn_endpoint *pts, size_t n)
{
    struct slc_sdn_service_spec spec = {.name = tag, .tag = tag,
                                        .type = type, .ports = pts,
                                        .n_ports = n};
    struct slc_error err = {0};

    return outcome(sdn->class->create_service(sdn, 2, &spec, &err), &err);
}

int
status(struct slc_sdn *sdn, const char *service_id, const json_t *conn_info)
{
    struct slc_error err = {0};

    return outcome(sdn->class->service_status(sdn, 3, service_id, conn_info,
                                              &err),
                   &err);
}

int
delete_service(struct slc_sdn *sdn, const char *service_id,
               const json_t *conn_info)
{
    struct slc_error err = {0};

    return outcome(sdn->class->delete_service(sdn, 4, service_id, conn_info,
                                              &err),
                   &err);
}

int
edit(struct slc_sdn *sdn, const char *service_id,
     const struct slc_sdn_service_spec *spec)
{
    struct slc_error err = {0};

    return outcome(sdn->class->edit_service(sdn, 5, service_id, spec, &err),
                   &err);
}

/* ---- the end ---- */

void
sdn_test_cleanup(void)
{
    sdn_test_stop(SIGTERM);
    for (int i = 0; i < SDN_TEST_MAX_NS; i++) {
        if (sdn_test.ns[i][0]) {
            sh("ip netns del %s 2>/dev/null", sdn_test.ns[i]);
            sdn_test.ns[i][0] = '\0';
        }
    }
    if (sdn_test.sw) {
        slc_ovs_switch_stop(sdn_test.sw, &(struct slc_error){0});
        sdn_test.sw = NULL;
    }
    if (sdn_test.dir[0] && !getenv("KEEP_TMP")) {
        sh("rm -rf %s", sdn_test.dir);
    } else if (sdn_test.dir[0]) {
        printf("kept %s\n", sdn_test.dir);
    }
    sdn_test.dir[0] = '\0';
}

int
sdn_test_finish(void)
{
    json_decref(out.data);
    out.data = NULL;
    sdn_test_cleanup();
    event_base_free(sdn_test.base);
    sdn_test.base = NULL;
    printf("%d checks, %d failed\n", checks, failures);
    return failures ? 1 : 0;
}

/* ---- forwarding programs ---- */

int
sdn_test_program(struct slc_sdn *sdn, const char *what, uint32_t id,
                 const char *text)
{
    struct slc_error err = {0};
    json_t *prog = text ? json_loads(text, 0, NULL) : NULL;
    int rc = !strcmp(what, "install")
                 ? sdn->class->install_program(sdn, 8, id, prog, &err)
             : !strcmp(what, "remove")
                 ? sdn->class->remove_program(sdn, 9, id, &err)
                 : sdn->class->program_counters(sdn, 10, id, &err);

    json_decref(prog);
    return outcome(rc, &err);
}

long long
sdn_test_packets(size_t i)
{
    const json_t *r = json_array_get(json_object_get(out.data, "rules"), i);

    return r && !json_is_null(r)
               ? (long long)json_integer_value(json_object_get(r, "packets"))
               : -1;
}

bool
sdn_test_counters_reach(struct slc_sdn *sdn, uint32_t id, size_t i,
                        long long min)
{
    bool ok = false;

    for (int k = 0; k < 30; k++) {
        ok = !sdn_test_program(sdn, "counters", id, NULL);
        if (!ok || sdn_test_packets(i) >= min) {
            break;
        }
        run_loop_ms(100);
    }
    return ok;
}

long
sdn_test_groups(void)
{
    return sh_num("ovs-ofctl -O OpenFlow13 dump-groups br0 | grep -c "
                  "group_id=");
}

bool
sdn_test_has_group(const char *text)
{
    return sh("ovs-ofctl -O OpenFlow13 dump-groups br0 | grep -q -- '%s'",
              text) == 0;
}

/* Whether br0 has a flow under dump-flows filter 'cookie' showing
 * 'text'. */
static bool
has_flow_under(const char *cookie, const char *text)
{
    return sh("ovs-ofctl -O OpenFlow13 --no-names dump-flows br0 %s | "
              "grep -q -- '%s'", cookie, text) == 0;
}

void
sdn_test_audit_keeps_counters(struct slc_sdn *sdn, const char *who,
                              const char *cookie, int ns)
{
    long long before;
    bool ok;
    json_t *d;
    int i;

    ok = sdn_test_counters_reach(sdn, 7, 2, 3) &&
         sdn_test_counters_reach(sdn, 7, 1, 3);
    before = sdn_test_packets(2);
    check(ok && json_array_size(json_object_get(out.data, "rules")) == 3 &&
              before >= 3 && sdn_test_packets(1) >= 3,
          "%s: program_counters after pings: 3 rules, the ICMP rule %lld "
          "packets, the return %lld (%s)", who, before, sdn_test_packets(1),
          out.msg);
    sh("ovs-ofctl -O OpenFlow13 del-flows br0 '%s,icmp,in_port=2'", cookie);
    check(!has_flow_under(cookie, "group:1793"), "%s: the ICMP rule "
          "deleted on br0 behind the controller's back", who);
    for (i = 0; i < 50 && !has_flow_under(cookie, "group:1793"); i++) {
        run_loop_ms(200);
    }
    check(has_flow_under(cookie, "group:1793"), "%s: the audit put it back",
          who);
    ok = !sdn_test_program(sdn, "counters", 7, NULL);
    check(ok && sdn_test_packets(2) >= before,
          "%s: its counters are not lower than before (%lld >= %lld)", who,
          sdn_test_packets(2), before);
    ok = ping(ns, 4) && sdn_test_counters_reach(sdn, 7, 2, before + 3);
    check(ok && sdn_test_packets(2) >= before + 3,
          "%s: pings go on counting from there (%lld)", who,
          sdn_test_packets(2));
    d = sdn->class->describe(sdn);
    check(json_integer_value(json_object_get(d, "reinstalled")) >= 1 &&
              json_array_size(json_object_get(d, "programs")) == 1,
          "%s: describe counts the re-install, holds 1 program (%s)", who,
          json_string_value(json_object_get(d, "last_event")));
    json_decref(d);
}

/* The computes of the netns VIM (see vim-netns.c): a network namespace
 * per VDU instance, its ports moved in under their interface names, and
 * the process its image names, started as the leader of a process group,
 * pinned to the CPUs placement chose, supervised and killed by pid. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "netns-internal.h"
#include "netns-kernel.h"
#include "slc-crash.h"
#include "slc-log.h"

SLC_LOG_MODULE(vim_netns);

/* A bridge waiting for its arms to be isolated. */
struct arms {
    struct netns *n;
    char ns[64];
};

/* The start time of process 'pid' (field 22 of /proc/pid/stat), 0 when it
 * is gone: a pid is only ours while its start time is the one we saw. */
static unsigned long long
proc_start(pid_t pid)
{
    char path[64], buf[1024], *p;
    unsigned long long start = 0;
    FILE *f;

    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    f = fopen(path, "r");
    if (!f) {
        return 0;
    }
    if (fgets(buf, sizeof buf, f) && (p = strrchr(buf, ')'))) {
        /* after "pid (comm)": state is field 3, starttime field 22 */
        if (sscanf(p + 2,
                   "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u "
                   "%*d %*d %*d %*d %*d %*d %llu",
                   &start) != 1) {
            start = 0;
        }
    }
    fclose(f);
    return start;
}

/* Kills the process group of compute 'c' if its leader is still the
 * process we started. */
bool
netns_compute_alive(const json_t *c)
{
    pid_t pid = (pid_t)json_integer_value(json_object_get(c, "pid"));
    unsigned long long start =
        (unsigned long long)json_integer_value(json_object_get(c, "start"));

    return pid <= 1 || proc_start(pid) == start;
}

static void
kill_compute(json_t *c)
{
    pid_t pid = (pid_t)json_integer_value(json_object_get(c, "pid"));
    unsigned long long start =
        (unsigned long long)json_integer_value(json_object_get(c, "start"));

    if (pid > 1 && start && proc_start(pid) == start) {
        kill(-pid, SIGKILL);
        waitpid(pid, NULL, WNOHANG);
    }
    json_object_del(c, "pid");
}

void
netns_on_sigchld(evutil_socket_t fd, short what, void *arg)
{
    struct netns *n = arg;
    const char *id;
    json_t *c;
    bool changed = false;

    json_object_foreach(netns_table(n, SLC_VIM_COMPUTE), id, c)
    {
        pid_t pid = (pid_t)json_integer_value(json_object_get(c, "pid"));
        int status;

        if (pid > 1 && waitpid(pid, &status, WNOHANG) == pid) {
            char why[128];

            snprintf(why, sizeof why, "process %ld %s %d", (long)pid,
                     WIFEXITED(status) ? "exited with" : "killed by signal",
                     WIFEXITED(status) ? WEXITSTATUS(status)
                                       : WTERMSIG(status));
            SLC_WARN("vim '%s': compute %s: %s", n->up.drv.name, id, why);
            json_object_set_new(c, "exit", json_string(why));
            json_object_del(c, "pid");
            changed = true;
            netns_lost(n, id, c, why);
        }
    }
    if (changed) {
        netns_save(n, &(struct slc_error){0});
    }
    netns_reap_execs(n);
}

/* How long a built-in role may take to say it is ready (after that, a
 * role still running is taken as started). */
#define ROLE_READY_MS 10000

/* The fd on which a built-in role says it is ready (a newline, as in
 * s6's readiness notification). */
#define READY_FD "3"

/* The command an image runs (NULL: nothing), or an error. */
static int
image_command(struct netns *n, const char *image, const char *ns,
              const char *argv[7], char **role, struct slc_error *err)
{
    static const char *const roles[] = {"host", "router", "bridge",
                                        "firewall", "monitor"};
    const char *cmd;

    *role = NULL;
    argv[0] = NULL;
    if (!image || !*image || !strcmp(image, "netns:none")) {
        return 0;
    }
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
        if (!strncmp(image, "netns:", 6) && !strcmp(image + 6, roles[i])) {
            *role = (char *)roles[i];
            argv[0] = n->helper;
            argv[1] = roles[i];
            argv[2] = ns;
            argv[3] = "80";
            argv[4] = READY_FD;
            argv[5] = n->run_ids; /* it drops to them once set up */
            argv[6] = NULL;
            return 0;
        }
    }
    cmd = netns_str(n->images, image);
    if (!cmd) {
        return slc_error_set(err, SLC_ENOTFOUND,
                             "image '%s' is not a netns role (netns:host, "
                             "netns:router, netns:bridge, netns:firewall, "
                             "netns:monitor, netns:none) nor in "
                             "the image catalogue of vim account '%s'",
                             image, n->up.drv.name);
    }
    if (*cmd) {
        argv[0] = "/bin/sh";
        argv[1] = "-c";
        argv[2] = cmd;
        argv[3] = NULL;
    }
    return 0;
}

/* Maps the inventory's hardware threads onto this machine's CPUs. */
static void
cpu_set_of(const json_t *threads, cpu_set_t *set)
{
    cpu_set_t allowed;
    int cpus[CPU_SETSIZE], n_cpus = 0;
    const json_t *t;
    size_t i;

    CPU_ZERO(set);
    if (sched_getaffinity(0, sizeof allowed, &allowed)) {
        return;
    }
    for (int c = 0; c < CPU_SETSIZE; c++) {
        if (CPU_ISSET(c, &allowed)) {
            cpus[n_cpus++] = c;
        }
    }
    json_array_foreach(threads, i, t)
    {
        if (n_cpus) {
            CPU_SET(cpus[json_integer_value(t) % n_cpus], set);
        }
    }
}

/* Starts 'argv' inside namespace 'fd', as the leader of a new process
 * group, pinned to 'cpus' when it has any, with the write end of pipe
 * 'ready' (unless -1) as its fd READY_FD, as the account's user (run_as)
 * with no capability, unless it is a built-in 'role', which drops to that
 * user itself once set up.  Returns the pid or an error. */
/* Writes 'value' to sysctl file 'path' (in the caller's namespace);
 * errno or 0. */
static int
write_sysctl(const char *path, const char *value)
{
    int f = open(path, O_WRONLY | O_CLOEXEC);
    int e = f < 0 || write(f, value, strlen(value)) != (ssize_t)strlen(value)
                ? errno
                : 0;

    if (f >= 0) {
        close(f);
    }
    return e;
}

static pid_t
spawn(struct netns *n, int fd, const char *const argv[], const char *ns,
      bool forward, bool role, const cpu_set_t *cpus, int ready,
      struct slc_error *err)
{
    char log[4200];
    int pfd[2], child_errno = 0;
    pid_t pid;
    ssize_t got;

    snprintf(log, sizeof log, "%s/%s.log", n->dir, ns);
    if (pipe2(pfd, O_CLOEXEC)) {
        return slc_error_set(err, SLC_EIO, "pipe: %s", strerror(errno));
    }
    pid = fork();
    if (pid < 0) {
        close(pfd[0]);
        close(pfd[1]);
        return slc_error_set(err, SLC_EIO, "fork: %s", strerror(errno));
    }
    if (pid == 0) {
        int out = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        int null = open("/dev/null", O_RDONLY);
        sigset_t none;

        /* the status pipe out of the way of READY_FD */
        pfd[1] = fcntl(pfd[1], F_DUPFD_CLOEXEC, 10);
        if (ready >= 0 && (ready == atoi(READY_FD)
                               ? fcntl(ready, F_SETFD, 0)
                               : dup2(ready, atoi(READY_FD))) < 0) {
            child_errno = errno;
        }
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        signal(SIGPIPE, SIG_DFL);
        setpgid(0, 0);
        if (child_errno || setns(fd, CLONE_NEWNET) ||
            (CPU_COUNT(cpus) && sched_setaffinity(0, sizeof *cpus, cpus))) {
            child_errno = errno;
        }
        if (!child_errno && forward) {
            child_errno = write_sysctl("/proc/sys/net/ipv4/ip_forward", "1\n");
        }
        /* ping without privileges, as the VDU's user (its namespace's
         * own setting) */
        if (!child_errno) {
            child_errno = write_sysctl("/proc/sys/net/ipv4/ping_group_range",
                                       "0 2147483647\n");
        }
        /* its stdio, then none of the daemon's files or sockets go with
         * it */
        if (!child_errno &&
            (dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)) {
            child_errno = errno;
        }
        if (!child_errno) {
            child_errno = slc_netns_close_inherited(
                ready >= 0 ? atoi(READY_FD) : -1, pfd[1]);
        }
        /* a built-in role sets itself up first, then drops to the same
         * user (slicer-netns-role); anything else runs as it from the
         * start */
        if (!child_errno && !role) {
            child_errno = slc_netns_become(n->run_uid, n->run_gid);
        }
        if (!child_errno) {
            execvp(argv[0], (char *const *)argv);
            child_errno = errno;
        }
        if (write(pfd[1], &child_errno, sizeof child_errno) < 0) {
            _exit(126);
        }
        _exit(127);
    }
    close(pfd[1]);
    do {
        got = read(pfd[0], &child_errno, sizeof child_errno);
    } while (got < 0 && errno == EINTR);
    close(pfd[0]);
    if (got > 0) {
        waitpid(pid, NULL, 0);
        return slc_error_set(err, SLC_EIO, "cannot start '%s' in netns '%s': %s",
                             argv[0], ns, strerror(child_errno));
    }
    return pid;
}

bool
netns_valid_ifname(const char *s)
{
    size_t len = s ? strlen(s) : 0;

    if (!len || len >= 16 || !strcmp(s, "lo") || !strcmp(s, ".") ||
        !strcmp(s, "..")) {
        return false;
    }
    for (; *s; s++) {
        if (*s == '/' || *s == ':' || *s <= ' ' || *s == 127) {
            return false;
        }
    }
    return true;
}

void
netns_namespace_name(const char *name, const char *hex, char out[64])
{
    size_t k = 0;

    for (const char *s = name; *s && k < 44; s++) {
        char ch = *s;

        out[k++] = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                           (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
                           ch == '.'
                       ? ch
                       : '-';
    }
    snprintf(out + k, 64 - k, "-%s", hex);
}

/* Takes a compute down: its process, its ports back to the host under
 * their waiting names, its namespace.  Whatever is already gone is
 * skipped. */
void
netns_teardown_compute(struct netns *n, json_t *c)
{
    const char *ns = netns_str(c, "ns");
    int fd = slc_netns_open(n->netns_dir, ns, &(struct slc_error){0});
    int host = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    const json_t *pid;
    size_t i;

    /* everything that runs there, its recorded process and any a crash
     * left unrecorded; then the recorded one is reaped */
    slc_netns_kill_all(n->netns_dir, ns, 1000);
    kill_compute(c);
    json_array_foreach(json_object_get(c, "ports"), i, pid)
    {
        json_t *p = json_object_get(netns_table(n, SLC_VIM_PORT),
                                    json_string_value(pid));

        if (!p || !netns_str(p, "in_ns") || netns_str(p, "netns")) {
            continue; /* made inside: it goes with the namespace */
        }
        if (fd >= 0 && host >= 0) {
            slc_link_move(fd, netns_str(p, "in_ns"), host, netns_str(p, "peer_if"),
                          &(struct slc_error){0});
        }
        json_object_del(p, "in_ns");
        json_object_del(p, "compute");
    }
    if (host >= 0) {
        close(host);
    }
    if (fd >= 0) {
        close(fd);
    }
    slc_netns_del(n->netns_dir, ns, &(struct slc_error){0});
}

/* Moves the host end of port 'i' of 'spec' into namespace 'fd' under its
 * interface name (else eth<i>), written to 'ifname'. */
static int
move_in(struct netns *n, const struct slc_vim_compute_spec *spec, size_t i,
        int fd, char ifname[16], struct slc_error *err)
{
    json_t *p = json_object_get(netns_table(n, SLC_VIM_PORT),
                                spec->port_ids[i]);
    const char *want = netns_str(p, "ifname");
    bool taken = false;

    for (size_t j = 0; j < i && netns_valid_ifname(want); j++) {
        json_t *q = json_object_get(netns_table(n, SLC_VIM_PORT),
                                    spec->port_ids[j]);

        taken |= !strcmp(netns_str(q, "in_ns") ?: "", want);
    }
    if (netns_valid_ifname(want) && !taken) {
        snprintf(ifname, 16, "%s", want);
    } else {
        snprintf(ifname, 16, "eth%zu", i);
    }
    return slc_link_move(-1, netns_str(p, "peer_if"), fd, ifname, err);
}

/* True for the roles that bridge every interface but the first. */
static bool
bridging(const char *role)
{
    return role && (!strcmp(role, "bridge") || !strcmp(role, "firewall") ||
                    !strcmp(role, "monitor"));
}

/* The switch put the arms of bridge 'ns' in VLANs of their own: the bridge
 * may come up without looping the network's segment through itself. */
static void
on_arms_isolated(void *arg, int rc, const json_t *result, const char *msg)
{
    struct arms *a = arg;
    struct slc_error err = {0};
    int fd;

    if (rc) {
        SLC_ERR("compute %s: cannot isolate its bridge's arms (%s): the "
                "bridge stays down", a->ns, msg);
    } else if (json_object_get(netns_table(a->n, SLC_VIM_COMPUTE), a->ns)) {
        fd = slc_netns_open(a->n->netns_dir, a->ns, &err);
        if (fd < 0 || slc_link_setup(fd, "br0", NULL, &err)) {
            SLC_ERR("compute %s: bridge up: %s", a->ns, err.msg);
        }
        if (fd >= 0) {
            close(fd);
        }
    }
    free(a);
}

/* Each virtio arm of a bridging VDU gets a VLAN of its own on br-int:
 * plain switching never crosses the bridge, only chains steer into it.
 * Its bridge comes up once the switch has done it. */
static int
isolate_arms(struct netns *n, const char *ns, json_t *const *arms,
             size_t n_arms, struct slc_error *err)
{
    struct arms *a = calloc(1, sizeof *a);
    json_t *ops = json_array();

    if (!a || !ops) {
        free(a);
        json_decref(ops);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    a->n = n;
    snprintf(a->ns, sizeof a->ns, "%s", ns);
    for (size_t i = 0; i < n_arms; i++) {
        unsigned vlan;

        if (json_object_get(arms[i], "device")) {
            /* a VF or a NIC: its own VLAN on its NIC is how the fabric
             * knows it, and no plain switching reaches it on br-int */
            continue;
        }
        vlan = netns_free_vlan(n);
        json_object_set_new(arms[i], "arm_vlan", json_integer(vlan));
        json_array_append_new(
            ops, json_pack("{ss ss s[[sss]] s{si}}", "op", "update", "table",
                           "Port", "where", "name", "==",
                           netns_str(arms[i], "host_if"), "row", "tag",
                           (int)vlan));
    }
    netns_save(n, err);
    return netns_batch_transact(n, ops, on_arms_isolated, a, err);
}

static int
build_compute(struct netns *n, json_t *c, const struct slc_vim_compute_spec *spec,
              int *ready_out, struct slc_error *err)
{
    const char *ns = netns_str(c, "ns");
    const char *argv[7];
    const char *bridged[16];
    json_t *arms[16];
    size_t n_bridged = 0;
    char *role;
    cpu_set_t cpus;
    int fd, rc;

    rc = image_command(n, spec->image, ns, argv, &role, err);
    if (!rc && !json_is_true(json_object_get(c, "adopted"))) {
        rc = slc_netns_add(n->netns_dir, ns, err);
    }
    slc_crash_point("vim"); /* a namespace, its ports not in it */
    if (rc) {
        return rc;
    }
    fd = slc_netns_open(n->netns_dir, ns, err);
    if (fd < 0) {
        return fd;
    }
    for (size_t i = 0; !rc && i < spec->n_ports; i++) {
        json_t *p = json_object_get(netns_table(n, SLC_VIM_PORT), spec->port_ids[i]);
        char ifname[16], addr[40];

        if (!p || netns_str(p, "compute") ||
            (netns_str(p, "netns") && strcmp(netns_str(p, "netns"), ns))) {
            rc = slc_error_set(err, p ? SLC_ECONFLICT : SLC_ENOTFOUND,
                               "port %s %s", spec->port_ids[i],
                               p ? "belongs to another compute"
                                 : "not found");
            break;
        }
        if (netns_str(p, "netns")) {
            /* made here by the port: only to configure */
            snprintf(ifname, sizeof ifname, "%s", netns_str(p, "in_ns"));
        } else if ((rc = move_in(n, spec, i, fd, ifname, err))) {
            break;
        }
        json_object_set_new(p, "compute", json_string(ns));
        json_object_set_new(p, "in_ns", json_string(ifname));
        snprintf(addr, sizeof addr, "%s/%d", netns_str(p, "ip"),
                 (int)json_integer_value(json_object_get(p, "prefix")));
        if (bridging(role) && i > 0) {
            /* the bridge's arms carry no address of their own */
            rc = slc_link_setup(fd, ifname, NULL, err);
            if (n_bridged < 16) {
                arms[n_bridged] = p;
                bridged[n_bridged++] = netns_str(p, "in_ns");
            }
        } else {
            rc = slc_link_setup(fd, ifname, addr, err);
        }
    }
    if (!rc && n_bridged) {
        rc = slc_link_bridge(fd, "br0", bridged, n_bridged, false, err);
        rc = rc ? rc : isolate_arms(n, ns, arms, n_bridged, err);
    }
    cpu_set_of(json_object_get(spec->placement, "threads"), &cpus);
    slc_crash_point("vim"); /* its ports in it, no process */
    if (!rc && argv[0]) {
        int ready[2] = {-1, -1};
        pid_t pid;

        if (role && pipe2(ready, O_CLOEXEC | O_NONBLOCK)) {
            ready[0] = ready[1] = -1; /* the start check alone then */
        }
        pid = spawn(n, fd, argv, ns, role && !strcmp(role, "router"),
                    role != NULL, &cpus, ready[1], err);
        if (ready[1] >= 0) {
            close(ready[1]);
        }
        if (pid < 0 && ready[0] >= 0) {
            close(ready[0]);
        } else {
            *ready_out = ready[0];
        }
        if (pid < 0) {
            rc = (int)pid;
        } else {
            json_object_set_new(c, "pid", json_integer(pid));
            json_object_set_new(c, "start",
                                json_integer((json_int_t)proc_start(pid)));
        }
    }
    if (CPU_COUNT(&cpus)) {
        json_t *list = json_array();

        for (int k = 0; k < CPU_SETSIZE; k++) {
            if (CPU_ISSET(k, &cpus)) {
                json_array_append_new(list, json_integer(k));
            }
        }
        json_object_set_new(c, "cpus", list);
    }
    close(fd);
    return rc;
}

json_t *
netns_compute_info(struct netns *n, const json_t *c)
{
    json_t *info = json_pack("{sO sO sO* sO* sO*}", "netns",
                             json_object_get(c, "ns"), "host",
                             json_object_get(c, "host"), "pid",
                             json_object_get(c, "pid"), "cpus",
                             json_object_get(c, "cpus"), "role",
                             json_object_get(c, "role"));

    return info;
}

/* A compute whose process is running: it is reported once the process
 * has survived its first moments, or said it is ready (a built-in role,
 * once it serves), else as failed. */
struct start_check {
    struct netns *n;
    char *ns;                  /* the compute's vim_id */
    int ready_fd;              /* its readiness pipe (built-in roles) */
    struct event *ready;
    struct slc_pending *result;
};

static void
start_check_free(void *ctx)
{
    struct start_check *sc = ctx;

    if (sc->ready) {
        event_free(sc->ready);
    }
    if (sc->ready_fd >= 0) {
        close(sc->ready_fd);
    }
    free(sc->ns);
    free(sc);
}

/* A built-in role wrote to its readiness pipe: a newline is "ready", and
 * the compute is reported now; end of file (it exited) leaves the start
 * check to tell. */
static void
on_ready(evutil_socket_t fd, short what, void *arg)
{
    struct start_check *sc = arg;
    char buf[16];
    ssize_t got = read(fd, buf, sizeof buf);

    if (got < 0 && (errno == EAGAIN || errno == EINTR)) {
        return;
    }
    event_del(sc->ready);
    if (got > 0 && memchr(buf, '\n', (size_t)got)) {
        slc_driver_release(sc->result, NULL);
    } else {
        /* closed without a word: it exited; look again once reaped */
        slc_driver_release(sc->result, &(struct timeval){.tv_usec = 50000});
    }
}

static void check_started(struct slc_driver *drv, void *ctx,
                          struct slc_result *r);

/* How long the start check of a compute lasts at most: a built-in role
 * with a readiness pipe ('ready') is waited for longer. */
static unsigned
start_wait_ms(const struct netns *n, int ready)
{
    return ready >= 0 ? ROLE_READY_MS : n->start_check_ms;
}

/* What a compute's "starting" holds while its start is checked: the time
 * (seconds since the epoch) by which the check has ended, with a margin. */
static json_t *
starting_until(const struct netns *n, int ready)
{
    struct timespec now;

    clock_gettime(CLOCK_REALTIME, &now);
    return json_real((double)now.tv_sec + (double)now.tv_nsec / 1e9 +
                     start_wait_ms(n, ready) / 1000.0 + 2);
}

bool
netns_starting(const json_t *c)
{
    const json_t *until = json_object_get(c, "starting");
    struct timespec now;

    if (!json_is_number(until)) {
        return json_is_true(until);
    }
    clock_gettime(CLOCK_REALTIME, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9 <
           json_number_value(until);
}

/* Holds the result of compute 'ns' (its 'info' taken) for its start
 * check; 'ready' is its readiness pipe or -1 (taken). */
static int
hold_for_start(struct netns *n, uint64_t token, const char *ns, json_t *info,
               int ready, struct slc_error *err)
{
    struct start_check *sc = calloc(1, sizeof *sc);
    /* a role that will say it is ready is waited for: a filtering role
     * must not be reported before its rules are in place */
    unsigned wait_ms = start_wait_ms(n, ready);
    struct timeval deadline = {.tv_sec = wait_ms / 1000,
                               .tv_usec = wait_ms % 1000 * 1000};

    if (!sc || !(sc->ns = strdup(ns)) ||
        (ready >= 0 &&
         !(sc->ready = event_new(n->up.drv.base, ready, EV_READ | EV_PERSIST,
                                 on_ready, sc)))) {
        if (ready >= 0) {
            close(ready);
        }
        if (sc) {
            free(sc->ns);
            free(sc);
        }
        json_decref(info);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    sc->n = n;
    sc->ready_fd = ready;
    /* the compute is marked "starting" by its create (not lost while its
     * start is checked: a failed start is the create's failure) */
    sc->result = slc_driver_hold(&n->up.drv, token, ns, "ACTIVE", info,
                                 &deadline, check_started, sc,
                                 start_check_free, err);
    if (!sc->result) {
        json_object_del(json_object_get(netns_table(n, SLC_VIM_COMPUTE), ns),
                        "starting");
        return err ? err->code : SLC_ENOMEM;
    }
    if (sc->ready && event_add(sc->ready, NULL)) {
        /* no word from it then: the deadline reports it */
        SLC_WARN("vim '%s': compute %s: cannot watch its readiness",
                 n->up.drv.name, ns);
    }
    return 0;
}

int
netns_create_compute(struct slc_vim *vim, uint64_t token,
                     const struct slc_vim_compute_spec *spec,
                     struct slc_error *err)
{
    struct netns *n = netns_of(vim);
    char hex[9], ns[64], dummy[32];
    struct slc_error e = {0};
    json_t *c, *ports = json_array();
    bool adopted = false;
    int ready = -1;
    int rc = netns_new_id("", dummy, sizeof dummy, hex, err);

    if (rc) {
        json_decref(ports);
        return rc;
    }
    netns_namespace_name(spec->name, hex, ns);
    for (size_t i = 0; i < spec->n_ports; i++) {
        json_t *q = json_object_get(netns_table(n, SLC_VIM_PORT),
                                    spec->port_ids[i]);

        json_array_append_new(ports, json_string(spec->port_ids[i]));
        if (!adopted && netns_str(q, "netns") &&
            !strcmp(netns_str(q, "owner") ?: "", spec->tag)) {
            /* its ports made its namespace: the compute takes it */
            snprintf(ns, sizeof ns, "%s", netns_str(q, "netns"));
            adopted = true;
        }
    }
    c = json_pack("{ss ss ss ss* ss so ss}", "tag", spec->tag, "name",
                  spec->name, "ns", ns, "image", spec->image, "host",
                  spec->host ? spec->host : "localhost", "ports", ports,
                  "state", "BUILD");
    if (adopted) {
        json_object_set_new(c, "adopted", json_true());
    }
    json_object_set_new(netns_table(n, SLC_VIM_COMPUTE), ns, c);
    netns_index_tag(n, SLC_VIM_COMPUTE, spec->tag, ns);
    rc = netns_save(n, err);
    if (rc) {
        netns_forget(n, SLC_VIM_COMPUTE, ns);
        return rc;
    }
    if (build_compute(n, c, spec, &ready, &e)) {
        netns_teardown_compute(n, c);
        netns_forget(n, SLC_VIM_COMPUTE, ns);
        netns_save(n, err);
        return netns_reply(n, token, e.code, e.msg, NULL, NULL, err);
    }
    if (spec->image && !strncmp(spec->image, "netns:", 6)) {
        json_object_set_new(c, "role", json_string(spec->image + 6));
    }
    slc_crash_point("vim"); /* its process runs, unrecorded */
    json_object_set_new(c, "state", json_string("ACTIVE"));
    if (json_object_get(c, "pid")) {
        /* recorded so: another instance must not take a failed start
         * for a loss (nor, once the time is past, ignore a loss of a
         * compute whose checking instance died) */
        json_object_set_new(c, "starting", starting_until(n, ready));
    }
    netns_save(n, err);
    if (!json_object_get(c, "pid")) {
        return netns_reply(n, token, 0, NULL, ns, netns_compute_info(n, c), err);
    }
    /* like a VM that must boot: the compute is reported once its process
     * has survived its first moments, or said it is ready */
    return hold_for_start(n, token, ns, netns_compute_info(n, c), ready, err);
}

/* Makes 'r' the failure 'rc', 'msg'. */
static void
fail_start(struct slc_result *r, int rc, const char *msg)
{
    r->rc = rc;
    free(r->msg);
    r->msg = strdup(msg);
    free(r->status);
    r->status = strdup("ERROR");
    json_decref(r->data);
    r->data = NULL;
}

/* The last line a compute's process wrote to its log. */
static void
log_tail(struct netns *n, const char *ns, char *out, size_t size)
{
    char path[4200], line[512];
    FILE *f;

    out[0] = '\0';
    snprintf(path, sizeof path, "%s/%s.log", n->dir, ns);
    f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0]) {
            snprintf(out, size, "%s", line);
        }
    }
    if (f) {
        fclose(f);
    }
}

/* Turns the result of a compute whose process died at start into an
 * error (and takes the compute down). */
static void
check_started(struct slc_driver *drv, void *ctx, struct slc_result *r)
{
    struct start_check *sc = ctx;
    struct netns *n = sc->n;
    json_t *c = json_object_get(netns_table(n, SLC_VIM_COMPUTE), sc->ns);
    char why[700], tail[512];

    if (!c) {
        fail_start(r, SLC_ENOTFOUND, "compute vanished while starting");
        return;
    }
    json_object_del(c, "starting");
    netns_on_sigchld(-1, 0, n); /* reap it now if it is gone */
    if (!netns_str(c, "exit")) {
        netns_save(n, &(struct slc_error){0}); /* watched from now on */
        return;
    }
    log_tail(n, sc->ns, tail, sizeof tail);
    snprintf(why, sizeof why, "compute '%s': %s%s%s", netns_str(c, "name"),
             netns_str(c, "exit"), tail[0] ? ": " : "", tail);
    netns_teardown_compute(n, c);
    netns_forget(n, SLC_VIM_COMPUTE, sc->ns);
    netns_save(n, &(struct slc_error){0});
    fail_start(r, SLC_EIO, why);
}


void
netns_lost(struct netns *n, const char *id, json_t *c, const char *why)
{
    if (netns_starting(c) || json_object_get(c, "lost") || json_object_get(c, "deleting") ||
        !netns_lost_first(n, id)) {
        return;
    }
    json_object_set_new(c, "lost", json_string(why));
    slc_vim_report_lost(&n->up, SLC_VIM_COMPUTE, id, netns_str(c, "tag"),
                        why);
}

void
netns_on_namespaces(evutil_socket_t fd, short what, void *arg)
{
    struct netns *n = arg;
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    ssize_t got;

    while ((got = read(fd, buf, sizeof buf)) > 0) {
        struct slc_error err = {0};

        /* another instance may be taking the compute down */
        if (netns_sync(n, &err)) {
            SLC_WARN("%s", err.msg);
        }
        for (char *p = buf; p < buf + got;) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            json_t *c = ev->len ? json_object_get(netns_table(n,
                                                              SLC_VIM_COMPUTE),
                                                  ev->name)
                                : NULL;

            if (c && (ev->mask & IN_DELETE) &&
                !json_object_get(c, "deleting") &&
                !json_object_get(c, "lost")) {
                SLC_WARN("vim '%s': compute %s: its namespace vanished",
                         n->up.drv.name, ev->name);
                netns_lost(n, ev->name, c, "its namespace vanished");
                netns_save(n, &err);
            }
            p += sizeof *ev + ev->len;
        }
    }
}

/* Private Open vSwitch daemons (see ovs-switch.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ovs-switch.h"
#include "ovsdb.h"
#include "slc-log.h"

SLC_LOG_MODULE(ovs_switch);

#define OVS_SCHEMA "/usr/share/openvswitch/vswitch.ovsschema"
#define START_TIMEOUT 20.0

pid_t
slc_ovs_pidfile_alive(const char *path)
{
    FILE *f = fopen(path, "r");
    long pid = 0;

    if (!f) {
        return 0;
    }
    if (fscanf(f, "%ld", &pid) != 1 || pid <= 1) {
        pid = 0;
    }
    fclose(f);
    if (pid && kill((pid_t)pid, 0) && errno == ESRCH) {
        pid = 0;
    }
    return (pid_t)pid;
}

/* Runs 'argv' with the OVS_* variables pointing into 'dir' and waits for
 * it (a --detach daemon returns once it is ready). */
static int
run(const char *dir, char *const argv[], struct slc_error *err)
{
    pid_t pid = fork();
    int status;

    if (pid < 0) {
        return slc_error_set(err, SLC_EIO, "fork: %s", strerror(errno));
    }
    if (pid == 0) {
        const char *path = getenv("PATH");
        char buf[4096];
        int null = open("/dev/null", O_RDWR);

        setenv("OVS_RUNDIR", dir, 1);
        setenv("OVS_DBDIR", dir, 1);
        setenv("OVS_LOGDIR", dir, 1);
        setenv("OVS_SYSCONFDIR", dir, 1);
        snprintf(buf, sizeof buf, "%s:/usr/local/sbin:/usr/sbin:/sbin",
                 path ? path : "/usr/local/bin:/usr/bin:/bin");
        setenv("PATH", buf, 1);
        if (null >= 0) {
            dup2(null, 0);
            dup2(null, 1);
            dup2(null, 2);
        }
        execvp(argv[0], argv);
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            return slc_error_set(err, SLC_EIO, "%s: waitpid: %s", argv[0],
                                 strerror(errno));
        }
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status)) {
        return slc_error_set(err, SLC_EIO,
                             "%s failed (status %d; log in %s)%s", argv[0],
                             WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                             dir,
                             WIFEXITED(status) && WEXITSTATUS(status) == 127
                                 ? ": is openvswitch-switch installed?"
                                 : "");
    }
    return 0;
}

static char *
path_in(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);

    if (p) {
        snprintf(p, n, "%s/%s", dir, name);
    }
    return p;
}

/* Creates the root row of a new database (what "ovs-vsctl init" does). */
static int
init_db(const char *target, struct slc_error *err)
{
    struct slc_ovsdb *db;
    json_t *res = NULL;
    int rc = slc_ovsdb_connect(NULL, target, &db, err);

    if (rc) {
        return rc;
    }
    rc = slc_ovsdb_transact_sync(
        db,
        json_pack("[{ss ss s[]}]", "op", "select", "table", "Open_vSwitch",
                  "where"),
        false, 5, &res, err);
    if (!rc && !json_array_size(json_object_get(json_array_get(res, 0),
                                                 "rows"))) {
        rc = slc_ovsdb_transact_sync(
            db,
            json_pack("[{ss ss s{}}]", "op", "insert", "table",
                      "Open_vSwitch", "row"),
            false, 5, NULL, err);
    }
    json_decref(res);
    slc_ovsdb_close(db);
    return rc;
}

static void
sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000,
                          .tv_nsec = (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

int
slc_ovs_switch_start(const char *dir, struct slc_ovs_switch **out,
                     struct slc_error *err)
{
    struct slc_ovs_switch *sw = calloc(1, sizeof *sw);
    char *db_file = path_in(dir, "conf.db");
    char *db_pidf = path_in(dir, "ovsdb-server.pid");
    char *vs_pidf = path_in(dir, "ovs-vswitchd.pid");
    char *db_sock = path_in(dir, "db.sock");
    char opt[3][4200];
    int rc = 0;

    *out = NULL;
    if (!sw || !db_file || !db_pidf || !vs_pidf || !db_sock ||
        !(sw->dir = strdup(dir)) ||
        !(sw->db_target = malloc(strlen(db_sock) + 6))) {
        rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
        goto out;
    }
    sprintf(sw->db_target, "unix:%s", db_sock);
    if (mkdir(dir, 0700) && errno != EEXIST) {
        rc = slc_error_set(err, SLC_EIO, "switch directory '%s': %s", dir,
                           strerror(errno));
        goto out;
    }
    sw->db_pid = slc_ovs_pidfile_alive(db_pidf);
    sw->vs_pid = slc_ovs_pidfile_alive(vs_pidf);
    sw->adopted = sw->db_pid && sw->vs_pid;
    if (!sw->db_pid) {
        if (access(db_file, F_OK)) {
            char *argv[] = {"ovsdb-tool", "create", db_file, OVS_SCHEMA,
                            NULL};

            rc = run(dir, argv, err);
        }
        snprintf(opt[0], sizeof opt[0], "--remote=punix:%s", db_sock);
        snprintf(opt[1], sizeof opt[1], "--pidfile=%s", db_pidf);
        snprintf(opt[2], sizeof opt[2], "--unixctl=%s/ovsdb-server.ctl",
                 dir);
        if (!rc) {
            char *argv[] = {"ovsdb-server", db_file, opt[0], opt[1], opt[2],
                            "--detach", "--no-chdir", "--log-file",
                            NULL};

            rc = run(dir, argv, err);
        }
        sw->db_pid = rc ? 0 : slc_ovs_pidfile_alive(db_pidf);
        rc = rc ? rc : init_db(sw->db_target, err);
    }
    if (!rc && !sw->vs_pid) {
        snprintf(opt[0], sizeof opt[0], "unix:%s", db_sock);
        snprintf(opt[1], sizeof opt[1], "--pidfile=%s", vs_pidf);
        snprintf(opt[2], sizeof opt[2], "--unixctl=%s/ovs-vswitchd.ctl",
                 dir);
        char *argv[] = {"ovs-vswitchd", opt[0], opt[1], opt[2], "--detach",
                        "--no-chdir", "--log-file", "--disable-system-route",
                        NULL};

        rc = run(dir, argv, err);
        sw->vs_pid = rc ? 0 : slc_ovs_pidfile_alive(vs_pidf);
    }
    if (!rc && (!sw->db_pid || !sw->vs_pid)) {
        rc = slc_error_set(err, SLC_EIO,
                           "switch in '%s' did not start (see its logs)",
                           dir);
    }
    if (!rc) {
        SLC_INFO("switch in %s: ovsdb-server %ld, ovs-vswitchd %ld%s", dir,
                 (long)sw->db_pid, (long)sw->vs_pid,
                 sw->adopted ? " (adopted)" : "");
    }
out:
    free(db_file);
    free(db_pidf);
    free(vs_pidf);
    free(db_sock);
    if (rc) {
        slc_error_prefix(err, "open vswitch");
        slc_ovs_switch_stop(sw, &(struct slc_error){0});
        return rc;
    }
    *out = sw;
    return 0;
}

/* Asks the daemon behind control socket 'ctl' to exit, then waits for
 * 'pid' to be gone; SIGKILL after a few seconds. */
static int
stop_daemon(const char *dir, const char *ctl, pid_t pid, bool cleanup,
            struct slc_error *err)
{
    char target[4200];
    struct slc_ovsdb *s;
    int rc;

    if (!pid) {
        return 0;
    }
    snprintf(target, sizeof target, "unix:%s/%s", dir, ctl);
    rc = slc_ovsdb_connect(NULL, target, &s, err);
    if (!rc) {
        rc = slc_ovsdb_call_sync(
            s, "exit",
            cleanup ? json_pack("[s]", "--cleanup") : json_array(), 10, NULL,
            err);
        slc_ovsdb_close(s);
    }
    if (rc) {
        SLC_WARN("%s; sending SIGTERM to %ld", err->msg, (long)pid);
        kill(pid, SIGTERM);
    }
    for (int i = 0; i < 500; i++) {
        /* our own child when started without --detach; reap if so */
        waitpid(pid, NULL, WNOHANG);
        if (kill(pid, 0) && errno == ESRCH) {
            return 0;
        }
        sleep_ms(10);
    }
    kill(pid, SIGKILL);
    return slc_error_set(err, SLC_ETIMEOUT,
                         "%s (pid %ld) did not exit: killed", ctl,
                         (long)pid);
}

int
slc_ovs_switch_stop(struct slc_ovs_switch *sw, struct slc_error *err)
{
    int rc = 0;

    if (!sw) {
        return 0;
    }
    if (sw->dir) {
        rc = stop_daemon(sw->dir, "ovs-vswitchd.ctl", sw->vs_pid, true, err);
        rc = stop_daemon(sw->dir, "ovsdb-server.ctl", sw->db_pid, false,
                         err) ?: rc;
    }
    slc_ovs_switch_free(sw);
    return rc;
}

void
slc_ovs_switch_free(struct slc_ovs_switch *sw)
{
    if (sw) {
        free(sw->dir);
        free(sw->db_target);
        free(sw);
    }
}

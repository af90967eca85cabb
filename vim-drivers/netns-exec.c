/* Primitives on the netns VIM (see vim.h, exec): a script from a VNF
 * package run inside a VDU's network namespace, as the account's run_as
 * user with no capability, in a process group of its own, with its
 * arguments and environment, stdout and stderr captured (bounded) through
 * pipes on the loop, and the group killed at its timeout.  The program is
 * handed over in a memfd (no file of the daemon's is involved); a "#!"
 * line picks its interpreter, else /bin/sh reads it. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netns-internal.h"
#include "slc-error.h"
#include "slc-log.h"

SLC_LOG_MODULE(vim_netns);

/* A primitive running. */
struct netns_exec {
    struct netns_exec *next;
    struct netns *n;
    uint64_t token;
    char name[128];
    char compute[64];
    pid_t pid;
    int status;               /* once reaped */
    bool reaped, timed_out, truncated;
    struct event *out_ev, *err_ev, *timer;
    int out_fd, err_fd;
    char *out, *err;          /* what they wrote, NUL-terminated */
    size_t out_len, err_len;
    struct timespec started;
};

static void
exec_free(struct netns_exec *x)
{
    if (x->out_ev) {
        event_free(x->out_ev);
    }
    if (x->err_ev) {
        event_free(x->err_ev);
    }
    if (x->timer) {
        event_free(x->timer);
    }
    if (x->out_fd >= 0) {
        close(x->out_fd);
    }
    if (x->err_fd >= 0) {
        close(x->err_fd);
    }
    free(x->out);
    free(x->err);
    free(x);
}

static void
unlink_exec(struct netns_exec *x)
{
    for (struct netns_exec **p = &x->n->execs; *p; p = &(*p)->next) {
        if (*p == x) {
            *p = x->next;
            return;
        }
    }
}

/* Reads what fd has now into the buffer (bounded); false at EOF. */
static bool
drain(struct netns_exec *x, int fd, char **buf, size_t *len)
{
    char chunk[4096];

    for (;;) {
        ssize_t got = read(fd, chunk, sizeof chunk);

        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            return got < 0 && errno == EAGAIN;
        }
        if (*len < SLC_VIM_EXEC_OUTPUT_MAX) {
            size_t take = (size_t)got;

            if (*len + take > SLC_VIM_EXEC_OUTPUT_MAX) {
                take = SLC_VIM_EXEC_OUTPUT_MAX - *len;
                x->truncated = true;
            }
            memcpy(*buf + *len, chunk, take);
            *len += take;
            (*buf)[*len] = '\0';
        } else {
            x->truncated = true;
        }
    }
}

/* The last non-empty line of 's', into 'out'. */
static void
last_line(const char *s, char *out, size_t size)
{
    size_t end = strlen(s), start;

    while (end && (s[end - 1] == '\n' || s[end - 1] == '\r')) {
        end--;
    }
    start = end;
    while (start && s[start - 1] != '\n') {
        start--;
    }
    snprintf(out, size, "%.*s", (int)(end - start), s + start);
}

/* Delivers the result once the process is reaped. */
static void
complete(struct netns_exec *x)
{
    struct timespec now;
    char why[512], line[300];
    json_t *info;
    int rc = 0;

    if (!x->reaped) {
        return;
    }
    /* what is left in the pipes (a child of the script may keep them
     * open: it is not waited for) */
    drain(x, x->out_fd, &x->out, &x->out_len);
    drain(x, x->err_fd, &x->err, &x->err_len);
    /* binary output, or a multi-byte character cut at the limit */
    slc_utf8_scrub(x->out);
    slc_utf8_scrub(x->err);
    clock_gettime(CLOCK_MONOTONIC, &now);
    info = json_pack(
        "{si ss ss sb sf}", "exit_status",
        WIFEXITED(x->status) ? WEXITSTATUS(x->status)
                             : 128 + WTERMSIG(x->status),
        "stdout", x->out, "stderr", x->err, "truncated", x->truncated,
        "seconds",
        (double)(now.tv_sec - x->started.tv_sec) +
            (double)(now.tv_nsec - x->started.tv_nsec) / 1e9);
    last_line(x->err, line, sizeof line);
    if (x->timed_out) {
        rc = SLC_ETIMEOUT;
        snprintf(why, sizeof why, "primitive '%s' in %s was killed at its "
                 "timeout%s%s", x->name, x->compute, *line ? ": " : "", line);
    } else if (!WIFEXITED(x->status) || WEXITSTATUS(x->status)) {
        rc = SLC_EIO;
        snprintf(why, sizeof why, "primitive '%s' in %s %s %d%s%s", x->name,
                 x->compute,
                 WIFEXITED(x->status) ? "exited with status"
                                      : "was killed by signal",
                 WIFEXITED(x->status) ? WEXITSTATUS(x->status)
                                      : WTERMSIG(x->status),
                 *line ? ": " : "", line);
    }
    SLC_INFO("vim '%s': primitive '%s' in %s: %s", x->n->up.drv.name,
             x->name, x->compute, rc ? why : "exit 0");
    netns_reply(x->n, x->token, rc, rc ? why : NULL, x->compute, info,
                &(struct slc_error){0});
    unlink_exec(x);
    exec_free(x);
}

static void
on_output(evutil_socket_t fd, short what, void *arg)
{
    struct netns_exec *x = arg;
    bool out = fd == x->out_fd;

    if (!drain(x, fd, out ? &x->out : &x->err,
               out ? &x->out_len : &x->err_len)) {
        event_del(out ? x->out_ev : x->err_ev);
    }
}

static void
on_timeout(evutil_socket_t fd, short what, void *arg)
{
    struct netns_exec *x = arg;

    x->timed_out = true;
    kill(-x->pid, SIGKILL);
}

void
netns_reap_execs(struct netns *n)
{
    struct netns_exec *x = n->execs, *next;

    for (; x; x = next) {
        next = x->next;
        if (!x->reaped && waitpid(x->pid, &x->status, WNOHANG) == x->pid) {
            x->reaped = true;
            /* the rest of its group goes with it */
            kill(-x->pid, SIGKILL);
            complete(x);
        }
    }
}

void
netns_stop_execs(struct netns *n)
{
    while (n->execs) {
        struct netns_exec *x = n->execs;

        n->execs = x->next;
        kill(-x->pid, SIGKILL);
        waitpid(x->pid, NULL, 0);
        exec_free(x);
    }
}

/* The program's text in a memfd (not closed on exec: the interpreter of a
 * "#!" script opens it by /proc/self/fd). */
static int
program_fd(const char *script, struct slc_error *err)
{
    int fd = memfd_create("slicer-primitive", 0);
    size_t len = strlen(script), done = 0;

    if (fd < 0) {
        return slc_error_set(err, SLC_EIO, "memfd_create: %s",
                             strerror(errno));
    }
    while (done < len) {
        ssize_t w = write(fd, script + done, len - done);

        if (w < 0 && errno != EINTR) {
            close(fd);
            return slc_error_set(err, SLC_EIO, "memfd: %s", strerror(errno));
        }
        done += w > 0 ? (size_t)w : 0;
    }
    return fd;
}

/* The child: into the namespace, down to the account's user, then the
 * program.  Never returns. */
static void
child(struct netns *n, int ns_fd, int prog, int out, int err_fd,
      int status_fd, const struct slc_vim_exec_spec *spec)
{
    const char *argv[64];
    char path[64];
    size_t k = 0;
    int e = 0, null = open("/dev/null", O_RDONLY);
    sigset_t none;

    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    setpgid(0, 0);
    /* its stdio first: every other descriptor is closed below */
    if (dup2(null, 0) < 0 || dup2(out, 1) < 0 || dup2(err_fd, 2) < 0) {
        e = errno;
    }
    snprintf(path, sizeof path, "/proc/self/fd/%d", prog);
    if (!e && setns(ns_fd, CLONE_NEWNET)) {
        e = errno;
    }
    e = e ? e : slc_netns_close_inherited(prog, status_fd);
    e = e ? e : slc_netns_become(n->run_uid, n->run_gid);
    if (!e) {
        bool shebang = !strncmp(spec->script, "#!", 2);

        if (!shebang) {
            argv[k++] = "/bin/sh";
        }
        argv[k++] = path;
        for (size_t i = 0; spec->argv && spec->argv[i] && k < 63; i++) {
            argv[k++] = spec->argv[i];
        }
        argv[k] = NULL;
        if (chdir("/")) {
            /* stays where it is */
        }
        execve(argv[0], (char *const *)argv, (char *const *)spec->env);
        e = errno;
    }
    if (write(status_fd, &e, sizeof e) < 0) {
        _exit(126);
    }
    _exit(127);
}

int
netns_exec(struct slc_vim *vim, uint64_t token,
           const struct slc_vim_exec_spec *spec, struct slc_error *err)
{
    struct netns *n = netns_of(vim);
    const json_t *c = json_object_get(netns_table(n, SLC_VIM_COMPUTE),
                                      spec->compute_id);
    int out[2] = {-1, -1}, errp[2] = {-1, -1}, status[2] = {-1, -1};
    int ns_fd = -1, prog = -1, child_errno = 0, rc = 0;
    char path[4200];
    struct netns_exec *x;
    struct timeval tv;
    ssize_t got;

    if (!c || !netns_compute_alive(c)) {
        return netns_reply(n, token, SLC_ENOTFOUND,
                           c ? "the compute's process is gone"
                             : "no such compute",
                           NULL, NULL, err);
    }
    snprintf(path, sizeof path, "%s/%s", n->netns_dir,
             netns_str(c, "ns") ?: spec->compute_id);
    x = calloc(1, sizeof *x);
    if (!x || !(x->out = calloc(1, SLC_VIM_EXEC_OUTPUT_MAX + 1)) ||
        !(x->err = calloc(1, SLC_VIM_EXEC_OUTPUT_MAX + 1))) {
        if (x) {
            free(x->out);
            free(x);
        }
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    x->n = n;
    x->token = token;
    x->out_fd = x->err_fd = -1;
    snprintf(x->name, sizeof x->name, "%s", spec->name);
    snprintf(x->compute, sizeof x->compute, "%s", spec->compute_id);
    ns_fd = open(path, O_RDONLY | O_CLOEXEC);
    if (ns_fd < 0) {
        rc = netns_reply(n, token, SLC_ENOTFOUND, "the namespace is gone",
                         NULL, NULL, err);
        exec_free(x);
        return rc;
    }
    prog = program_fd(spec->script, err);
    if (prog < 0 || pipe2(out, O_CLOEXEC | O_NONBLOCK) ||
        pipe2(errp, O_CLOEXEC | O_NONBLOCK) || pipe2(status, O_CLOEXEC)) {
        rc = prog < 0 ? prog
                      : slc_error_set(err, SLC_EIO, "pipe: %s",
                                      strerror(errno));
        goto fail;
    }
    clock_gettime(CLOCK_MONOTONIC, &x->started);
    x->pid = fork();
    if (x->pid < 0) {
        rc = slc_error_set(err, SLC_EIO, "fork: %s", strerror(errno));
        goto fail;
    }
    if (x->pid == 0) {
        /* the child's ends are blocking, as a program expects */
        fcntl(out[1], F_SETFL, 0);
        fcntl(errp[1], F_SETFL, 0);
        child(n, ns_fd, prog, out[1], errp[1], status[1], spec);
    }
    setpgid(x->pid, x->pid);
    close(status[1]);
    status[1] = -1;
    do {
        got = read(status[0], &child_errno, sizeof child_errno);
    } while (got < 0 && errno == EINTR);
    if (got > 0) {
        waitpid(x->pid, NULL, 0);
        rc = slc_error_set(err, SLC_EIO,
                           "cannot run primitive '%s' in %s: %s", spec->name,
                           spec->compute_id, strerror(child_errno));
        goto fail;
    }
    x->out_fd = out[0];
    x->err_fd = errp[0];
    out[0] = errp[0] = -1;
    x->out_ev = event_new(n->up.drv.base, x->out_fd, EV_READ | EV_PERSIST,
                          on_output, x);
    x->err_ev = event_new(n->up.drv.base, x->err_fd, EV_READ | EV_PERSIST,
                          on_output, x);
    x->timer = evtimer_new(n->up.drv.base, on_timeout, x);
    tv = (struct timeval){.tv_sec = spec->timeout_s ? spec->timeout_s : 300};
    if (!x->out_ev || !x->err_ev || !x->timer) {
        kill(-x->pid, SIGKILL);
        waitpid(x->pid, NULL, 0);
        rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
        goto fail;
    }
    event_add(x->out_ev, NULL);
    event_add(x->err_ev, NULL);
    event_add(x->timer, &tv);
    x->next = n->execs;
    n->execs = x;
    SLC_INFO("vim '%s': primitive '%s' in %s started (pid %ld)",
             n->up.drv.name, spec->name, spec->compute_id, (long)x->pid);
fail:
    for (int i = 0; i < 2; i++) {
        if (out[i] >= 0) {
            close(out[i]);
        }
        if (errp[i] >= 0) {
            close(errp[i]);
        }
        if (status[i] >= 0) {
            close(status[i]);
        }
    }
    if (prog >= 0) {
        close(prog);
    }
    close(ns_fd);
    if (rc) {
        exec_free(x);
        return rc;
    }
    netns_reap_execs(n); /* it may be gone already */
    return 0;
}

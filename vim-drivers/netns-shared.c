/* The netns VIM shared by several slicerd on one host (one etcd store,
 * one Open vSwitch: "ovs: unix:PATH").
 *
 * What one instance made another must be able to find, change and take
 * down (an operation taken over after a kill -9 goes on where it
 * stopped), so the resource table lives in etcd (vim-shared.c), one key
 * per resource, instead of <dir>/resources.json:
 * - every call first brings the instance's copy up to date (one small
 *   read when nothing changed);
 * - a save writes the resources that changed since the copy;
 * - what allocates (a network's VLAN and subnet, a port's address) runs
 *   under the table's lock, so two instances never pick the same;
 * - a compute that is being taken down is marked so before its process
 *   is killed and its namespace deleted.
 *
 * A VDU's process outlives the instance that started it (it is a child
 * of that slicerd only until it dies).  Every instance watches every
 * compute's process through a pidfd, which works for any process, and
 * its namespace through inotify; when one goes, the instances that see
 * it read the table again, and the one that puts the key once/lost/ID
 * first reports the loss, so it is reported once, whoever started the
 * process and whether that instance still lives.  An etcd watch of the
 * table tells each instance of computes the others made. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "slc-cluster.h"
#include "slc-log.h"
#include "vim-shared.h"
#include "netns-internal.h"

SLC_LOG_MODULE(vim_netns);

static const char *const kind_names[SLC_VIM_N_KINDS] = {"networks", "ports",
                                                        "computes"};

/* A compute's process watched through a pidfd. */
struct pid_watch {
    struct netns *n;
    char id[64];
    pid_t pid;
    int fd;
    struct event *ev;
    struct pid_watch *next;
};

static void
free_watch(struct pid_watch *w)
{
    if (w->ev) {
        event_free(w->ev);
    }
    if (w->fd >= 0) {
        close(w->fd);
    }
    free(w);
}

/* Takes watch 'w' out of the list. */
static void
unlink_watch(struct netns *n, struct pid_watch *w)
{
    for (struct pid_watch **p = &n->pid_watches; *p; p = &(*p)->next) {
        if (*p == w) {
            *p = w->next;
            return;
        }
    }
}

/* Whether compute 'c' is one whose end would be a loss: it runs, its
 * start is not being checked, it is not being taken down, it was not
 * reported lost yet. */
static bool
watchable(const json_t *c)
{
    return json_integer_value(json_object_get(c, "pid")) > 1 &&
           !netns_starting(c) && !json_object_get(c, "deleting") &&
           !json_object_get(c, "lost");
}

static void on_pid_exit(evutil_socket_t fd, short what, void *arg);

/* A compute whose start is checked is not watched; if the instance that
 * checks it dies, nobody clears its "starting".  The table is read again
 * (and the watches with it) once the first such time is past. */
static void
wake_after_starts(struct netns *n)
{
    double first = 0, now;
    struct timespec ts;
    const char *id;
    json_t *c;

    if (!n->resync) {
        return;
    }
    json_object_foreach(netns_table(n, SLC_VIM_COMPUTE), id, c)
    {
        double until = json_number_value(json_object_get(c, "starting"));

        if (netns_starting(c) && until > 0 &&
            json_integer_value(json_object_get(c, "pid")) > 1 &&
            !json_object_get(c, "deleting") && (!first || until < first)) {
            first = until;
        }
    }
    if (first) {
        long us;

        clock_gettime(CLOCK_REALTIME, &ts);
        now = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
        us = first > now ? (long)((first - now) * 1e6) + 50000 : 50000;
        event_add(n->resync, &(struct timeval){.tv_sec = us / 1000000,
                                               .tv_usec = us % 1000000});
    }
}

/* Watches the process of every compute that should run, and no more. */
static void
watch_pids(struct netns *n)
{
    json_t *computes = netns_table(n, SLC_VIM_COMPUTE);
    struct pid_watch **p = &n->pid_watches;

    if (!n->up.lost) {
        return; /* nobody listens */
    }
    while (*p) {
        struct pid_watch *w = *p;
        const json_t *c = json_object_get(computes, w->id);

        if (c && watchable(c) &&
            json_integer_value(json_object_get(c, "pid")) == w->pid) {
            p = &w->next;
            continue;
        }
        *p = w->next;
        free_watch(w);
    }
    const char *id;
    json_t *c;

    json_object_foreach(computes, id, c)
    {
        pid_t pid = (pid_t)json_integer_value(json_object_get(c, "pid"));
        struct pid_watch *w;
        bool known = false;

        if (!watchable(c)) {
            continue;
        }
        for (w = n->pid_watches; w && !known; w = w->next) {
            known = !strcmp(w->id, id) && w->pid == pid;
        }
        if (known || !(w = calloc(1, sizeof *w))) {
            continue;
        }
        *w = (struct pid_watch){.n = n, .pid = pid, .fd = -1};
        snprintf(w->id, sizeof w->id, "%s", id);
        w->fd = pidfd_open(pid, 0);
        if (w->fd >= 0) {
            w->ev = event_new(n->up.drv.base, w->fd, EV_READ, on_pid_exit,
                              w);
        } else {
            /* gone already (ESRCH): seen as ended at once */
            w->ev = event_new(n->up.drv.base, -1, 0, on_pid_exit, w);
        }
        if (!w->ev || (w->fd >= 0 ? event_add(w->ev, NULL)
                                  : (event_active(w->ev, 0, 0), 0))) {
            SLC_WARN("vim '%s': compute %s: cannot watch process %ld",
                     n->up.drv.name, id, (long)pid);
            free_watch(w);
            continue;
        }
        if (w->fd >= 0 && !netns_compute_alive(c)) {
            event_active(w->ev, EV_READ, 0); /* a pid used again */
        }
        w->next = n->pid_watches;
        n->pid_watches = w;
    }
    wake_after_starts(n);
}

/* A watched process ended: a loss, unless the table (read again) says
 * it was being taken down or it already went. */
static void
on_pid_exit(evutil_socket_t fd, short what, void *arg)
{
    struct pid_watch *w = arg;
    struct netns *n = w->n;
    struct slc_error err = {0};
    char id[64], why[128];
    pid_t pid = w->pid;
    int status;
    json_t *c;

    (void)fd;
    (void)what;
    snprintf(id, sizeof id, "%s", w->id);
    unlink_watch(n, w);
    free_watch(w);
    if (waitpid(pid, &status, WNOHANG) == pid) {
        /* this instance's own child: its status is known */
        snprintf(why, sizeof why, "process %ld %s %d", (long)pid,
                 WIFEXITED(status) ? "exited with" : "killed by signal",
                 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    } else {
        snprintf(why, sizeof why, "process %ld ended", (long)pid);
    }
    if (netns_sync(n, &err)) {
        SLC_WARN("vim '%s': compute %s: %s (%s)", n->up.drv.name, id, why,
                 err.msg);
        return;
    }
    c = json_object_get(netns_table(n, SLC_VIM_COMPUTE), id);
    if (!c || !watchable(c) ||
        json_integer_value(json_object_get(c, "pid")) != pid) {
        return;
    }
    SLC_WARN("vim '%s': compute %s: %s", n->up.drv.name, id, why);
    json_object_set_new(c, "exit", json_string(why));
    json_object_del(c, "pid");
    netns_lost(n, id, c, why);
    netns_save(n, &err);
}

/* The table in the driver's shape, from the store's (kind/id -> r). */
static void
rebuild(struct netns *n)
{
    const char *key;
    json_t *r;

    json_object_clear(n->by_tag);
    for (int k = 0; k < SLC_VIM_N_KINDS; k++) {
        json_object_clear(netns_table(n, (enum slc_vim_kind)k));
    }
    json_object_foreach(n->saved, key, r)
    {
        const char *slash = strchr(key, '/');

        for (int k = 0; slash && k < SLC_VIM_N_KINDS; k++) {
            if (!strncmp(key, kind_names[k], (size_t)(slash - key)) &&
                !kind_names[k][slash - key]) {
                json_object_set_new(netns_table(n, (enum slc_vim_kind)k),
                                    slash + 1, json_deep_copy(r));
                netns_index_tag(n, (enum slc_vim_kind)k, netns_str(r, "tag"),
                                slash + 1);
            }
        }
    }
}

/* Syncs the table, under its lock when 'lock'. */
static int
take_table(struct netns *n, bool lock, struct slc_error *err)
{
    bool reloaded;
    int rc;

    if (!n->shared) {
        return 0;
    }
    rc = lock ? vim_shared_lock(n->shared, &n->saved, &reloaded, err)
              : vim_shared_sync(n->shared, &n->saved, &reloaded, err);
    if (rc) {
        return slc_error_prefix(err, "vim '%s'", n->up.drv.name);
    }
    if (reloaded) {
        rebuild(n);
        watch_pids(n);
    }
    return 0;
}

int
netns_sync(struct netns *n, struct slc_error *err)
{
    return take_table(n, false, err);
}

int
netns_lock(struct netns *n, struct slc_error *err)
{
    return take_table(n, true, err);
}

void
netns_unlock(struct netns *n)
{
    if (n->shared) {
        vim_shared_unlock(n->shared);
    }
}

int
netns_shared_save(struct netns *n, struct slc_error *err)
{
    json_t *writes = json_object(), *now = json_object();
    const char *key, *id;
    json_t *r;
    int rc;

    for (int k = 0; k < SLC_VIM_N_KINDS; k++) {
        json_object_foreach(netns_table(n, (enum slc_vim_kind)k), id, r)
        {
            char full[600];

            snprintf(full, sizeof full, "%s/%s", kind_names[k], id);
            json_object_set(now, full, r);
            if (!json_equal(r, json_object_get(n->saved, full))) {
                json_object_set(writes, full, r);
            }
        }
    }
    json_object_foreach(n->saved, key, r)
    {
        if (!json_object_get(now, key)) {
            json_object_set_new(writes, key, json_null());
        }
    }
    rc = json_object_size(writes) ? vim_shared_write(n->shared, writes, err)
                                  : 0;
    if (!rc) {
        json_object_foreach(writes, key, r)
        {
            if (json_is_null(r)) {
                json_object_del(n->saved, key);
            } else {
                json_object_set_new(n->saved, key, json_deep_copy(r));
            }
        }
        watch_pids(n);
    }
    json_decref(writes);
    json_decref(now);
    return rc ? slc_error_prefix(err, "vim '%s'", n->up.drv.name) : 0;
}

bool
netns_lost_first(struct netns *n, const char *id)
{
    struct slc_error err = {0};
    char what[200];
    bool first = true;

    if (!n->shared) {
        return true;
    }
    snprintf(what, sizeof what, "lost/%s", id);
    if (vim_shared_once(n->shared, what, &first, &err)) {
        /* better twice than never */
        SLC_WARN("vim '%s': compute %s: %s", n->up.drv.name, id, err.msg);
        return true;
    }
    return first;
}

void
netns_shared_forget(struct netns *n, const char *compute)
{
    char what[200];

    if (n->shared) {
        snprintf(what, sizeof what, "lost/%s", compute);
        vim_shared_forget_once(n->shared, what);
    }
}

/* Another instance changed the table: read it again (from the loop). */
static void
on_table_change(void *arg, const char *what, const char *id, bool deleted)
{
    struct netns *n = arg;

    (void)what;
    (void)id;
    (void)deleted;
    event_active(n->resync, 0, 0);
}

static void
on_resync(evutil_socket_t fd, short what, void *arg)
{
    struct netns *n = arg;
    struct slc_error err = {0};

    (void)fd;
    (void)what;
    if (netns_sync(n, &err)) {
        SLC_WARN("%s", err.msg);
    } else {
        watch_pids(n); /* a start check's time may have passed */
    }
}

int
netns_shared_open(struct netns *n, const struct slc_vim_params *p,
                  struct slc_error *err)
{
    char records[4200];
    int rc;

    if (!p->shared_state || strncmp(p->shared_state, "etcd:", 5)) {
        return 0;
    }
    rc = vim_shared_open(p->shared_state, p->account_id, &n->shared, err);
    n->saved = json_object();
    n->resync = event_new(p->base, -1, 0, on_resync, n);
    if (!rc && (!n->saved || !n->resync)) {
        rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    rc = rc ? rc : netns_sync(n, err);
    if (!rc) {
        snprintf(records, sizeof records, "%sr/",
                 vim_shared_prefix(n->shared));
        rc = slc_cluster_watch_keys(p->cluster, "vim-state", records,
                                    on_table_change, n, &n->watch, err);
    }
    return rc;
}

void
netns_shared_close(struct netns *n)
{
    slc_cluster_unwatch(n->watch);
    while (n->pid_watches) {
        struct pid_watch *w = n->pid_watches;

        n->pid_watches = w->next;
        free_watch(w);
    }
    if (n->resync) {
        event_free(n->resync);
    }
    vim_shared_close(n->shared);
    json_decref(n->saved);
}

/* ---- the class's calls: what allocates runs under the table's lock ---- */

int
netns_locked_create_network(struct slc_vim *vim, uint64_t token,
                      const struct slc_vim_network_spec *spec,
                      struct slc_error *err)
{
    int rc = netns_lock(netns_of(vim), err);

    if (!rc) {
        rc = netns_create_network(vim, token, spec, err);
        netns_unlock(netns_of(vim));
    }
    return rc;
}

int
netns_locked_create_port(struct slc_vim *vim, uint64_t token,
                   const struct slc_vim_port_spec *spec,
                   struct slc_error *err)
{
    int rc = netns_lock(netns_of(vim), err);

    if (!rc) {
        rc = netns_create_port(vim, token, spec, err);
        netns_unlock(netns_of(vim));
    }
    return rc;
}

int
netns_locked_create_compute(struct slc_vim *vim, uint64_t token,
                      const struct slc_vim_compute_spec *spec,
                      struct slc_error *err)
{
    int rc = netns_lock(netns_of(vim), err);

    if (!rc) {
        rc = netns_create_compute(vim, token, spec, err);
        netns_unlock(netns_of(vim));
    }
    return rc;
}

int
netns_synced_exec(struct slc_vim *vim, uint64_t token,
            const struct slc_vim_exec_spec *spec, struct slc_error *err)
{
    int rc = netns_sync(netns_of(vim), err);

    return rc ? rc : netns_exec(vim, token, spec, err);
}

json_t *
netns_synced_network_uplink(struct slc_vim *vim, const char *network_id)
{
    struct slc_error err = {0};

    if (netns_sync(netns_of(vim), &err)) {
        SLC_WARN("%s", err.msg);
    }
    return netns_network_uplink(vim, network_id);
}

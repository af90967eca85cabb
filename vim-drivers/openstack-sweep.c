/* The sweep of the OpenStack VIM driver (see vim-openstack.c) after a
 * restart, and its watch of the servers between operations.
 *
 * The sweep lists the servers, ports and networks that carry this
 * account's marks, deletes those the store does not know (leaks) and
 * reports those it knows that are gone from OpenStack as lost.  It runs
 * as a job (openstack-internal.h) so that reconcile() never blocks the
 * start.
 *
 * The watch lists the account's servers every config.monitor_interval_s
 * (60 s; 0: never) and reports a server slicer made, found, knew or saw
 * ACTIVE that is gone from Nova or in ERROR as lost, once (slicer's own
 * deletes are not losses): the engine heals it
 * (config.auto_heal) or marks its NS degraded, as the netns VIM does for
 * a VDU whose process died. */
#include <stdio.h>
#include <string.h>

#include "openstack-internal.h"
#include "slc-log.h"

SLC_LOG_MODULE(vim_openstack);

/* ---- after a restart: leaks and losses ---- */

static void sweep_ports(struct job *j);
static void sweep_networks(struct job *j);

/* Whether what carries 'tag' with id 'id' is one the store knows; marks
 * it seen. */
static bool
sweep_known(struct job *j, const char *id, const char *tag)
{
    json_t *ids = json_object_get(j->spec, "ids");
    bool known =
        (id && json_object_get(ids, id)) ||
        (tag && json_object_get(json_object_get(j->spec, "tags"), tag));

    if (id && json_object_get(ids, id)) {
        json_object_set_new(ids, id, json_true());
    }
    return known;
}

static void
sweep_leak(struct job *j, enum slc_vim_kind kind, const char *id,
           const char *tag)
{
    struct slc_error err = {0};

    SLC_WARN("vim '%s': %s %s ('%s') is slicer's but no record knows it: "
             "deleting it",
             j->v->base.drv.name, slc_vim_kind_name(kind), id,
             tag ? tag : "?");
    if (slc_osv_delete(&j->v->base, 0, kind, id, &err)) {
        SLC_ERR("vim '%s': delete %s: %s", j->v->base.drv.name, id, err.msg);
    }
}

static void
sweep_servers_listed(void *arg, int rc, const char *msg, json_t *body,
                     long status)
{
    struct job *j = arg;
    const json_t *srv;
    size_t i;

    if (rc) {
        slc_osv_job_done(j, rc, msg, NULL);
        return;
    }
    json_array_foreach(json_object_get(body, "servers"), i, srv)
    {
        const json_t *md = json_object_get(srv, "metadata");

        if (strcmp(slc_osv_jstr(md, "slicer_account") ?: "",
                   j->v->base.drv.id)) {
            continue;
        }
        if (!sweep_known(j, slc_osv_jstr(srv, "id"),
                         slc_osv_jstr(md, "slicer_tag"))) {
            sweep_leak(j, SLC_VIM_COMPUTE, slc_osv_jstr(srv, "id"),
                       slc_osv_jstr(md, "slicer_tag"));
        }
    }
    sweep_ports(j);
}

static void
sweep_neutron_listed(void *arg, int rc, const char *msg, json_t *body,
                     long status)
{
    struct job *j = arg;
    bool nets = json_object_get(body, "networks") != NULL;
    const json_t *r;
    size_t i;

    if (rc) {
        slc_osv_job_done(j, rc, msg, NULL);
        return;
    }
    json_array_foreach(json_object_get(body, nets ? "networks" : "ports"), i,
                       r)
    {
        const char *tag =
            slc_osv_tag_of_mark(j->v, slc_osv_jstr(r, "description"));
        bool known = sweep_known(j, slc_osv_jstr(r, "id"), tag);

        if (nets && (tag || known)) {
            /* slicer's, or one an NS uses by its vim-network-name */
            slc_osv_remember_network(j->v, slc_osv_jstr(r, "id"), r);
        }
        if (tag && !known) {
            sweep_leak(j, nets ? SLC_VIM_NETWORK : SLC_VIM_PORT,
                       slc_osv_jstr(r, "id"), tag);
        }
    }
    if (!nets) {
        sweep_networks(j);
        return;
    }
    /* what the store knows and OpenStack no longer has */
    json_array_foreach(json_object_get(j->spec, "known"), i, r)
    {
        const char *id = slc_osv_jstr(r, "vim_id");

        if (id && !json_is_true(
                      json_object_get(json_object_get(j->spec, "ids"), id))) {
            json_object_del(j->v->servers, id); /* told once */
            slc_vim_report_lost(&j->v->base,
                                (enum slc_vim_kind)slc_vim_kind_from_name(
                                    slc_osv_jstr(r, "kind") ?: ""),
                                id, slc_osv_jstr(r, "tag"),
                                "gone from OpenStack");
        }
    }
    SLC_INFO("vim '%s': swept after restart", j->v->base.drv.name);
    slc_osv_job_done(j, 0, NULL, NULL);
}

static void
sweep_ports(struct job *j)
{
    slc_osv_job_call(j, SLC_OS_NETWORK, "GET", "/ports", NULL,
                     sweep_neutron_listed);
}

static void
sweep_networks(struct job *j)
{
    slc_osv_job_call(j, SLC_OS_NETWORK, "GET", "/networks", NULL,
                     sweep_neutron_listed);
}

/* Reconcile's work that needs OpenStack's answers: done after it returns,
 * on the loop, never blocking the start. */
int
slc_osv_reconcile(struct slc_vim *vim, json_t *known, struct slc_error *err)
{
    struct os_vim *v = os_of(vim);
    struct job *j =
        slc_osv_job_new(v, JOB_SWEEP, SLC_VIM_COMPUTE, 0, "sweep", err);
    json_t *ids = json_object(), *tags = json_object(),
           *certain = json_array();
    const json_t *k;
    size_t i;
    char path[200];

    if (!j) {
        json_decref(ids);
        json_decref(tags);
        json_decref(certain);
        return err->code;
    }
    json_array_foreach(known, i, k)
    {
        if (slc_osv_jstr(k, "vim_id") &&
            !strcmp(slc_osv_jstr(k, "kind") ?: "", "compute")) {
            slc_osv_watch_add(v, slc_osv_jstr(k, "vim_id"),
                              slc_osv_jstr(k, "tag"));
        }
        if (slc_osv_jstr(k, "vim_id")) {
            json_object_set_new(ids, slc_osv_jstr(k, "vim_id"), json_false());
            if (!json_is_true(json_object_get(k, "uncertain"))) {
                json_array_append(certain, (json_t *)k);
            }
        }
        if (slc_osv_jstr(k, "tag")) {
            json_object_set_new(tags, slc_osv_jstr(k, "tag"), json_true());
        }
    }
    j->spec =
        json_pack("{so so so}", "ids", ids, "tags", tags, "known", certain);
    if (!j->spec) {
        slc_osv_job_free(j);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    snprintf(path, sizeof path, "/servers/detail?tags=%s", v->account_tag);
    slc_osv_job_call(j, SLC_OS_COMPUTE, "GET", path, NULL,
                     sweep_servers_listed);
    return 0;
}

/* ---- the watch: servers gone or broken behind slicer's back ---- */

void
slc_osv_watch_deleting(struct os_vim *v, const char *id)
{
    json_object_del(v->servers, id);
    json_object_set_new(v->deleted, id, json_true());
}

void
slc_osv_watch_add(struct os_vim *v, const char *id, const char *tag)
{
    if (id && tag) {
        json_object_set_new(v->servers, id, json_string(tag));
    }
}

static void
watch_listed(void *arg, int rc, const char *msg, json_t *body, long status)
{
    struct job *j = arg;
    struct os_vim *v = j->v;
    json_t *seen = json_object(), *lost = json_array();
    const json_t *srv, *l;
    const char *id;
    json_t *tag, *tmp;
    size_t i;

    if (rc) {
        json_decref(seen);
        json_decref(lost);
        slc_osv_job_done(j, rc, msg, NULL);
        return;
    }
    json_array_foreach(json_object_get(body, "servers"), i, srv)
    {
        if (slc_osv_jstr(srv, "id")) {
            json_object_set(seen, slc_osv_jstr(srv, "id"), (json_t *)srv);
        }
    }
    json_object_foreach_safe(v->servers, tmp, id, tag)
    {
        const json_t *s = json_object_get(seen, id);
        const char *fault =
            slc_osv_jstr(json_object_get(s, "fault"), "message");
        char why[600];

        if (s && strcmp(slc_osv_jstr(s, "status") ?: "", "ERROR")) {
            continue;
        }
        snprintf(why, sizeof why,
                 s ? "server in ERROR in Nova: %s" : "server gone from Nova%s",
                 s ? (fault ? fault : "no fault given") : "");
        json_array_append_new(
            lost, json_pack("{ss sO ss}", "id", id, "tag", tag, "why", why));
        /* told once */
        json_object_del(v->servers, id);
    }
    /* and those ACTIVE it did not know (made by a VIM instance of this
     * account before it was opened again), not those slicer is deleting */
    json_object_foreach_safe(v->deleted, tmp, id, tag)
    {
        if (!json_object_get(seen, id)) {
            json_object_del(v->deleted, id); /* gone for good */
        }
    }
    json_object_foreach(seen, id, tag)
    {
        const json_t *md = json_object_get(tag, "metadata");

        if (!json_object_get(v->deleted, id) &&
            !slc_osv_jstr(tag, "OS-EXT-STS:task_state") &&
            !strcmp(slc_osv_jstr(tag, "status") ?: "", "ACTIVE") &&
            !strcmp(slc_osv_jstr(md, "slicer_account") ?: "",
                    v->base.drv.id) &&
            !json_object_get(v->servers, id)) {
            slc_osv_watch_add(v, id, slc_osv_jstr(md, "slicer_tag"));
        }
    }
    json_decref(seen);
    slc_osv_job_done(j, 0, NULL, NULL);
    /* last: the engine may start a heal, which calls the driver again */
    json_array_foreach(lost, i, l)
    {
        SLC_WARN("vim '%s': server %s ('%s'): %s", v->base.drv.name,
                 slc_osv_jstr(l, "id"), slc_osv_jstr(l, "tag") ?: "",
                 slc_osv_jstr(l, "why"));
        slc_vim_report_lost(&v->base, SLC_VIM_COMPUTE, slc_osv_jstr(l, "id"),
                            slc_osv_jstr(l, "tag"), slc_osv_jstr(l, "why"));
    }
    json_decref(lost);
}

static void
on_watch(evutil_socket_t fd, short what, void *arg)
{
    struct os_vim *v = arg;
    struct slc_error err = {0};
    struct job *j;
    char path[200];

    if (v->watching) {
        return;
    }
    if (!(j = slc_osv_job_new(v, JOB_WATCH, SLC_VIM_COMPUTE, 0, "watch",
                              &err))) {
        return;
    }
    v->watching = true;
    snprintf(path, sizeof path, "/servers/detail?tags=%s", v->account_tag);
    slc_osv_job_call(j, SLC_OS_COMPUTE, "GET", path, NULL, watch_listed);
}

int
slc_osv_watch_start(struct os_vim *v, struct slc_error *err)
{
    struct timeval tv = {.tv_sec = v->cfg.monitor_s};

    if (!v->cfg.monitor_s) {
        return 0;
    }
    v->watch = event_new(v->base.drv.base, -1, EV_PERSIST, on_watch, v);
    if (!v->watch || event_add(v->watch, &tv)) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    return 0;
}

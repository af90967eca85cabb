/* The computes of the OpenStack VIM driver (see vim-openstack.c): a
 * server's image found in Glance, its flavor found or made in Nova by its
 * EPA extra specs (openstack-flavor.h), the server created and polled
 * until it is ACTIVE, then where its ports landed; a server that does not
 * come up is deleted, with its flavor, before the create fails.  And a
 * server's delete: polled until the server is gone, then the flavor
 * slicer made for it when nothing uses it any more.  The jobs they run as
 * are openstack-internal.h's. */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "openstack-flavor.h"
#include "openstack-internal.h"
#include "slc-id.h"
#include "slc-log.h"

SLC_LOG_MODULE(vim_openstack);

/* How often a server in BUILD or DELETING is looked at again. */
#define POLL_MS 700

/* ---- computes ---- */

static void compute_flavor(struct job *j);

static void
image_found(void *arg, int rc, const char *msg, json_t *body, long status)
{
    struct job *j = arg;
    const json_t *img =
        json_object_get(body, "images")
            ? json_array_get(json_object_get(body, "images"), 0)
            : body;
    const char *want = slc_osv_jstr(j->spec, "image");

    if (rc == SLC_ENOTFOUND || (!rc && !slc_osv_jstr(img, "id"))) {
        slc_osv_job_fail(j, SLC_ENOTFOUND, "image '%s' is not in Glance",
                         want);
        return;
    }
    if (rc) {
        slc_osv_job_done(j, rc, msg, NULL);
        return;
    }
    json_object_set(j->v->images, want, json_object_get(img, "id"));
    json_object_set(j->spec, "image_id", json_object_get(img, "id"));
    compute_flavor(j);
}

/* 'name' as one value of Glance's "in:" filter: quoted, so that a name
 * with ':' or ',' (netns:router) is not read as an operator or a list. */
static bool
quote_name(char *buf, size_t size, const char *name)
{
    int n = snprintf(buf, size, "\"%s\"", name);

    return n > 0 && (size_t)n < size && !strchr(name, '"');
}

static void
compute_image(struct job *j)
{
    const char *want = slc_osv_jstr(j->spec, "image");
    const json_t *known = json_object_get(j->v->images, want);
    char path[1600], quoted[520];

    if (known) {
        json_object_set(j->spec, "image_id", (json_t *)known);
        compute_flavor(j);
        return;
    }
    if (slc_uuid_is_valid(want)) {
        snprintf(path, sizeof path, "/images/%s", want);
    } else if (!quote_name(quoted, sizeof quoted, want) ||
               !slc_os_path(path, sizeof path, "/images?name=in:", quoted)) {
        slc_osv_job_fail(j, SLC_EINVALID, "image name '%.200s' is too long",
                         want);
        return;
    }
    slc_osv_job_call(j, SLC_OS_IMAGE, "GET", path, NULL, image_found);
}

static void compute_server(struct job *j);

static void
flavor_specs_set(void *arg, int rc, const char *msg, json_t *body, long status)
{
    struct job *j = arg;

    if (rc) {
        slc_osv_job_done(j, rc, msg, NULL);
        return;
    }
    compute_server(j);
}

/* Gives flavor 'id' the wanted extra specs (a flavor slicer made just
 * now, or one a crash left without them), then goes on. */
static void
flavor_set_specs(struct job *j, const char *id)
{
    const json_t *specs =
        json_object_get(json_object_get(j->spec, "flavor"), "extra_specs");
    char path[300];

    json_object_set_new(j->spec, "flavor_id", json_string(id));
    if (!json_object_size(specs)) {
        compute_server(j);
        return;
    }
    snprintf(path, sizeof path, "/flavors/%s/os-extra_specs", id);
    slc_osv_job_call(j, SLC_OS_COMPUTE, "POST", path,
                     json_pack("{sO}", "extra_specs", specs),
                     flavor_specs_set);
}

static void flavor_made(void *arg, int rc, const char *msg, json_t *body,
                        long status);

static void
flavors_listed(void *arg, int rc, const char *msg, json_t *body, long status)
{
    struct job *j = arg;
    const json_t *want = json_object_get(j->spec, "flavor");
    const json_t *f, *named = NULL;
    size_t i;

    if (rc) {
        slc_osv_job_done(j, rc, msg, NULL);
        return;
    }
    json_array_foreach(json_object_get(body, "flavors"), i, f)
    {
        if (slc_os_flavor_matches(f, want) && slc_osv_jstr(f, "id")) {
            /* one with exactly these specs: the operator's or ours */
            json_object_set(j->spec, "flavor_id", json_object_get(f, "id"));
            compute_server(j);
            return;
        }
        if (!strcmp(slc_osv_jstr(f, "name") ?: "", j->flavor)) {
            named = f;
        }
    }
    if (named) {
        /* ours, made before a crash or by a create racing this one, and
         * its specs not all set yet */
        flavor_set_specs(j, slc_osv_jstr(named, "id"));
        return;
    }
    if (json_is_true(json_object_get(j->spec, "flavor_tried"))) {
        slc_osv_job_fail(j, SLC_EIO,
                         "flavor '%s' was refused as existing but is "
                         "not listed",
                         j->flavor);
        return;
    }
    json_object_set_new(j->spec, "flavor_tried", json_true());
    slc_osv_job_call(j, SLC_OS_COMPUTE, "POST", "/flavors",
                     json_pack("{s{ss sO sO sO}}", "flavor", "name", j->flavor,
                               "vcpus", json_object_get(want, "vcpus"), "ram",
                               json_object_get(want, "ram"), "disk",
                               json_object_get(want, "disk")),
                     flavor_made);
}

static void
flavor_made(void *arg, int rc, const char *msg, json_t *body, long status)
{
    struct job *j = arg;
    const char *id = slc_osv_jstr(json_object_get(body, "flavor"), "id");

    if (rc == SLC_ECONFLICT) {
        /* another create made it first: take it from the list */
        slc_osv_job_call(j, SLC_OS_COMPUTE, "GET",
                         "/flavors/detail?is_public=None", NULL,
                         flavors_listed);
        return;
    }
    if (rc || !id) {
        slc_osv_job_done(j, rc ? rc : SLC_EIO, rc ? msg : "flavor without id",
                         NULL);
        return;
    }
    SLC_INFO("vim '%s': flavor '%s' created (%s)", j->v->base.drv.name,
             j->flavor, id);
    flavor_set_specs(j, id);
}

static void
compute_flavor(struct job *j)
{
    struct os_vim *v = j->v;
    const json_t *want = json_object_get(j->spec, "flavor");
    char name[80];
    json_int_t busy;

    slc_os_flavor_name(want, name, sizeof name);
    if (!(j->flavor = strdup(name))) {
        slc_osv_job_done(j, SLC_ENOMEM, "out of memory", NULL);
        return;
    }
    /* a delete of the last server on it must not take it from under us */
    busy = json_integer_value(json_object_get(v->flavors_busy, name));
    json_object_set_new(v->flavors_busy, name, json_integer(busy + 1));
    j->busy_flavor = true;
    slc_osv_job_call(j, SLC_OS_COMPUTE, "GET",
                     "/flavors/detail?is_public=None", NULL, flavors_listed);
}

static void
server_made(void *arg, int rc, const char *msg, json_t *body, long status)
{
    struct job *j = arg;
    const char *id = slc_osv_jstr(json_object_get(body, "server"), "id");

    if (rc || !id) {
        slc_osv_job_done(j, rc ? rc : SLC_EIO, rc ? msg : "server without id",
                         NULL);
        return;
    }
    if (!(j->id = strdup(id))) {
        slc_osv_job_done(j, SLC_ENOMEM, "out of memory", NULL);
        return;
    }
    SLC_INFO("vim '%s': server '%s' (%s) building", j->v->base.drv.name,
             j->name, id);
    j->deadline = time(NULL) + j->v->cfg.server_timeout_s;
    slc_osv_job_later(j, slc_osv_compute_poll, POLL_MS);
}

static void
compute_server(struct job *j)
{
    struct os_vim *v = j->v;
    const char *tag = slc_osv_jstr(j->spec, "tag");
    char ntag[40];
    json_t *server, *s;

    slc_osv_nova_tag(v, tag, ntag, sizeof ntag);
    server = json_pack(
        "{s{ss sO sO so s[ss] s{ss ss}}}", "server", "name", j->name,
        "imageRef", json_object_get(j->spec, "image_id"), "flavorRef",
        json_object_get(j->spec, "flavor_id"), "networks",
        json_array_size(json_object_get(j->spec, "ports"))
            ? json_incref(json_object_get(j->spec, "ports"))
            : json_string("none"),
        "tags", ntag, v->account_tag, "metadata", "slicer_account",
        v->base.drv.id, "slicer_tag", strlen(tag) <= 255 ? tag : ntag);
    if (!server) {
        slc_osv_job_done(j, SLC_ENOMEM, "out of memory", NULL);
        return;
    }
    s = json_object_get(server, "server");
    if (slc_osv_jstr(j->spec, "zone")) {
        json_object_set(s, "availability_zone",
                        json_object_get(j->spec, "zone"));
    }
    if (slc_osv_jstr(j->spec, "user_data")) {
        json_object_set(s, "user_data", json_object_get(j->spec, "user_data"));
    }
    slc_osv_job_call(j, SLC_OS_COMPUTE, "POST", "/servers", server,
                     server_made);
}

static void
compute_ports_listed(void *arg, int rc, const char *msg, json_t *body,
                     long status)
{
    struct job *j = arg;
    json_t *facts = json_array();
    const json_t *p;
    size_t i;

    if (rc) {
        json_decref(facts);
        slc_osv_job_done(j, rc, msg, NULL);
        return;
    }
    json_array_foreach(json_object_get(body, "ports"), i, p)
    {
        json_array_append_new(facts, slc_osv_port_facts(j->v, p));
    }
    /* the engine updates its port steps with where they landed */
    json_object_set_new(j->info, "ports", facts);
    slc_osv_watch_add(j->v, j->id, slc_osv_jstr(j->spec, "tag"));
    slc_osv_job_done(j, 0, NULL, "ACTIVE");
}

/* What a server's record says, into the job's info. */
void
slc_osv_server_facts(struct job *j, const json_t *srv)
{
    json_object_set(j->info, "compute_node",
                    json_object_get(srv, "OS-EXT-SRV-ATTR:host"));
    json_object_set(j->info, "host",
                    json_object_get(srv, "OS-EXT-SRV-ATTR:host"));
    json_object_set(
        j->info, "hypervisor_hostname",
        json_object_get(srv, "OS-EXT-SRV-ATTR:hypervisor_hostname"));
    json_object_set(j->info, "availability_zone",
                    json_object_get(srv, "OS-EXT-AZ:availability_zone"));
    json_object_set(j->info, "vim_status", json_object_get(srv, "status"));
    json_object_set(
        j->info, "flavor",
        json_object_get(json_object_get(srv, "flavor"), "original_name"));
}

static void
compute_active(struct job *j)
{
    char path[300];

    snprintf(path, sizeof path, "/ports?device_id=%s", j->id);
    slc_osv_job_call(j, SLC_OS_NETWORK, "GET", path, NULL,
                     compute_ports_listed);
}

static void
server_polled(void *arg, int rc, const char *msg, json_t *body, long status)
{
    struct job *j = arg;
    const json_t *srv = json_object_get(body, "server");
    const char *st = slc_osv_jstr(srv, "status") ?: "";

    if (rc == SLC_ENOTFOUND) {
        slc_osv_job_fail(j, SLC_EIO, "server '%s' vanished while it was built",
                         j->name);
        return;
    }
    if (rc) {
        /* a flaky answer is not the server's fault: ask again */
        SLC_WARN_RL("vim '%s': server '%s': %s", j->v->base.drv.name, j->name,
                    msg);
    } else if (!strcmp(st, "ACTIVE")) {
        slc_osv_server_facts(j, srv);
        compute_active(j);
        return;
    } else if (!strcmp(st, "ERROR")) {
        const char *fault =
            slc_osv_jstr(json_object_get(srv, "fault"), "message");
        char why[1100];

        /* Nova's words: "No valid host was found." when nothing fits */
        snprintf(why, sizeof why, "server '%s' failed in Nova: %s", j->name,
                 fault ? fault : "status ERROR without a fault");
        slc_osv_compute_failed_server(
            j, fault && strstr(fault, "No valid host") ? SLC_EBUSY : SLC_EIO,
            why);
        return;
    }
    if (time(NULL) > j->deadline) {
        char why[400];

        snprintf(why, sizeof why, "server '%s' still %s after %ld s", j->name,
                 st, j->v->cfg.server_timeout_s);
        slc_osv_compute_failed_server(j, SLC_ETIMEOUT, why);
        return;
    }
    slc_osv_job_later(j, slc_osv_compute_poll, POLL_MS);
}

void
slc_osv_compute_poll(struct job *j)
{
    slc_osv_job_call_on(j, SLC_OS_COMPUTE, "GET", "servers", server_polled);
}

static void server_delete_sent(void *arg, int rc, const char *msg,
                               json_t *body, long status);

/* A server that will not come up is deleted (and its flavor when slicer
 * made it for it alone) before the job fails with 'rc' and 'msg', so that
 * the failed create leaves nothing behind; its ports are the engine's. */
void
slc_osv_compute_failed_server(struct job *j, int rc, const char *msg)
{
    json_object_set_new(j->info, "rc", json_integer(rc));
    json_object_set_new(j->info, "msg", json_string(msg));
    slc_osv_watch_deleting(j->v, j->id); /* slicer's delete, not a loss */
    slc_osv_release_flavor(j);
    slc_osv_job_call_on(j, SLC_OS_COMPUTE, "DELETE", "servers",
                        server_delete_sent);
}

/* cloud-init user data as Nova takes it: base64. */
static char *
base64(const char *text)
{
    size_t n = strlen(text);
    unsigned char *out = malloc(4 * ((n + 2) / 3) + 1);

    if (out) {
        EVP_EncodeBlock(out, (const unsigned char *)text, (int)n);
    }
    return (char *)out;
}

int
slc_osv_create_compute(struct slc_vim *vim, uint64_t token,
                       const struct slc_vim_compute_spec *spec,
                       struct slc_error *err)
{
    struct os_vim *v = os_of(vim);
    struct slc_os_flavor_req req = {
        .vdu = spec->name,
        .vcpus = spec->vcpus,
        .memory_mb = spec->memory_mb,
        .disk_gb = spec->disk_gb,
        .epa = spec->epa,
    };
    json_t *flavor = NULL, *ports = json_array();
    struct job *j;
    int rc = slc_os_flavor_build(&req, &flavor, err);

    if (rc) {
        json_decref(ports);
        return rc;
    }
    if (!spec->image || !*spec->image) {
        json_decref(ports);
        json_decref(flavor);
        return slc_error_set(err, SLC_EINVALID, "compute '%s' names no image",
                             spec->name);
    }
    for (size_t i = 0; i < spec->n_ports; i++) {
        json_array_append_new(ports,
                              json_pack("{ss}", "port", spec->port_ids[i]));
    }
    if (!(j = slc_osv_job_new(v, JOB_COMPUTE, SLC_VIM_COMPUTE, token,
                              spec->name, err))) {
        json_decref(ports);
        json_decref(flavor);
        return err->code;
    }
    j->spec =
        json_pack("{ss ss so so ss*}", "tag", spec->tag, "image", spec->image,
                  "flavor", flavor, "ports", ports, "zone", v->cfg.zone);
    if (j->spec && spec->user_data) {
        char *b = base64(spec->user_data);

        json_object_set_new(j->spec, "user_data", b ? json_string(b) : NULL);
        free(b);
    }
    if (!j->spec) {
        slc_osv_job_free(j);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    compute_image(j);
    return 0;
}

/* ---- deletes ---- */

/* The end of a server's delete: DELETED, or the failure of the create
 * that deleted it (in info). */
static void
deleted(struct job *j)
{
    int rc = (int)json_integer_value(json_object_get(j->info, "rc"));

    if (rc) {
        json_t *msg = json_incref(json_object_get(j->info, "msg"));

        json_object_clear(j->info);
        slc_osv_job_done(j, rc, json_string_value(msg), NULL);
        json_decref(msg);
        return;
    }
    slc_osv_job_done(j, 0, NULL, "DELETED");
}

static void delete_compute_poll(struct job *j);

static void
flavor_deleted(void *arg, int rc, const char *msg, json_t *body, long status)
{
    struct job *j = arg;

    if (rc && rc != SLC_ENOTFOUND) {
        SLC_WARN("vim '%s': flavor '%s' stays: %s", j->v->base.drv.name,
                 j->flavor, msg);
    } else if (!rc) {
        SLC_INFO("vim '%s': flavor '%s' deleted with its last server",
                 j->v->base.drv.name, j->flavor);
    }
    deleted(j);
}

static void
flavor_users(void *arg, int rc, const char *msg, json_t *body, long status)
{
    struct job *j = arg;
    char path[300];

    if (rc || json_array_size(json_object_get(body, "servers")) ||
        json_object_get(j->v->flavors_busy, j->flavor)) {
        if (rc) {
            SLC_WARN("vim '%s': flavor '%s' kept: %s", j->v->base.drv.name,
                     j->flavor, msg);
        } else {
            SLC_INFO("vim '%s': flavor '%s' kept: %zu servers, "
                     "%" JSON_INTEGER_FORMAT " creates use it",
                     j->v->base.drv.name, j->flavor,
                     json_array_size(json_object_get(body, "servers")),
                     json_integer_value(
                         json_object_get(j->v->flavors_busy, j->flavor)));
        }
        deleted(j);
        return;
    }
    snprintf(path, sizeof path, "/flavors/%s",
             slc_osv_jstr(j->spec, "flavor_id"));
    slc_osv_job_call(j, SLC_OS_COMPUTE, "DELETE", path, NULL, flavor_deleted);
}

static void
flavors_for_gc(void *arg, int rc, const char *msg, json_t *body, long status)
{
    struct job *j = arg;
    const json_t *f;
    size_t i;
    char path[300];

    json_array_foreach(json_object_get(body, "flavors"), i, f)
    {
        if (!rc && !strcmp(slc_osv_jstr(f, "name") ?: "", j->flavor) &&
            slc_osv_jstr(f, "id")) {
            json_object_set(j->spec, "flavor_id", json_object_get(f, "id"));
            snprintf(path, sizeof path,
                     "/servers/detail?all_tenants=1&flavor=%s",
                     slc_osv_jstr(f, "id"));
            slc_osv_job_call(j, SLC_OS_COMPUTE, "GET", path, NULL,
                             flavor_users);
            return;
        }
    }
    if (rc) {
        SLC_WARN("vim '%s': flavor '%s' kept: %s", j->v->base.drv.name,
                 j->flavor, msg);
    }
    deleted(j);
}

/* After a server is gone: the flavor slicer made for it goes too when no
 * server (of any project) and no create in flight uses it any more. */
static void
delete_compute_gone(struct job *j)
{
    SLC_INFO("vim '%s': server %s deleted (flavor '%s')", j->v->base.drv.name,
             j->id, j->flavor ? j->flavor : "?");
    if (!j->flavor || strncmp(j->flavor, "slicer-", 7)) {
        deleted(j);
        return;
    }
    slc_osv_job_call(j, SLC_OS_COMPUTE, "GET",
                     "/flavors/detail?is_public=None", NULL, flavors_for_gc);
}

static void
delete_compute_polled(void *arg, int rc, const char *msg, json_t *body,
                      long status)
{
    struct job *j = arg;

    if (rc == SLC_ENOTFOUND) {
        delete_compute_gone(j);
        return;
    }
    if (rc) {
        SLC_WARN_RL("vim '%s': server %s: %s", j->v->base.drv.name, j->id,
                    msg);
    }
    if (time(NULL) > j->deadline) {
        slc_osv_job_fail(j, SLC_ETIMEOUT,
                         "server %s is still there after its "
                         "delete",
                         j->id);
        return;
    }
    slc_osv_job_later(j, delete_compute_poll, POLL_MS);
}

static void
delete_compute_poll(struct job *j)
{
    slc_osv_job_call_on(j, SLC_OS_COMPUTE, "GET", "servers",
                        delete_compute_polled);
}

static void
server_delete_sent(void *arg, int rc, const char *msg, json_t *body,
                   long status)
{
    struct job *j = arg;

    if (rc) {
        slc_osv_job_done(j, rc, msg, NULL);
        return;
    }
    /* its ports are free (and its network deletable) only once it is
     * gone */
    j->deadline = time(NULL) + j->v->cfg.server_timeout_s;
    slc_osv_job_later(j, delete_compute_poll, POLL_MS);
}

void
slc_osv_server_before_delete(void *arg, int rc, const char *msg, json_t *body,
                             long status)
{
    struct job *j = arg;
    const char *flavor = slc_osv_jstr(
        json_object_get(json_object_get(body, "server"), "flavor"),
        "original_name");

    if (rc) {
        slc_osv_job_done(j, rc, msg, NULL);
        return;
    }
    if (flavor && !(j->flavor = strdup(flavor))) {
        slc_osv_job_done(j, SLC_ENOMEM, "out of memory", NULL);
        return;
    }
    slc_osv_job_call_on(j, SLC_OS_COMPUTE, "DELETE", "servers",
                        server_delete_sent);
}

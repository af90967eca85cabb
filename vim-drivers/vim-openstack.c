/* The OpenStack VIM driver: networks and subnets in Neutron (tenant
 * networks, and provider networks on the data-plane physical network for
 * VLs that SR-IOV or passthrough ports join), ports with their
 * binding:vnic_type, servers in Nova on flavors found or made by their
 * EPA extra specs (openstack-flavor.h) and images found in Glance by
 * name (openstack-compute.c).  Placement is Nova's: the class says it
 * schedules.
 *
 * Every call is a job: a short chain of REST calls on the session
 * (openstack-api.h), each step started from the previous one's callback,
 * with timers for the polls of a server's status.  A job ends with one
 * result through slc_vim_reply().
 *
 * Resources carry the engine's tag so that they can be found after a
 * crash: Neutron's in their description ("slicer:<account>:<tag>",
 * filterable; this Neutron takes no tags at creation), Nova's servers as
 * a tag (a hash of account and tag: Nova tags are at most 60 characters
 * without '/' or ',') plus the account's own tag for sweeps, and the
 * full tag in their metadata.  Flavors slicer makes are named
 * "slicer-..." and deleted with the last server of slicer's using them.
 *
 * What reconcile() cannot do without blocking it does afterwards: a sweep
 * (openstack-sweep.c) lists what carries this account's marks, deletes
 * what the store does not know (leaks), and reports known resources that
 * are gone as lost.
 *
 * This file holds the jobs and the marks, networks, ports, the deletes of
 * networks and ports (a server's is openstack-compute.c's), status, find,
 * the credentials check, uplinks, the account's config and the class.
 *
 * Neighbours: vim.h (the contract), openstack-internal.h (what the files
 * of this driver share), openstack-compute.c (servers and their flavors),
 * openstack-sweep.c (the sweep after a restart), openstack-api.h (the
 * session), openstack-flavor.h (EPA -> extra specs), vim-netns.c (the
 * same contract on namespaces). */
#include <event2/event.h>
#include <inttypes.h>
#include <stdarg.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "openstack-flavor.h"
#include "openstack-internal.h"
#include "slc-id.h"
#include "slc-log.h"
#include "vim.h"

SLC_LOG_MODULE(vim_openstack);

/* How long a network whose ports are still going may refuse its delete. */
#define NET_DELETE_RETRY_S 60

/* ---- jobs ---- */

/* A create no longer needs its flavor (a delete may take it). */
void
slc_osv_release_flavor(struct job *j)
{
    struct os_vim *v = j->v;
    json_int_t left;

    if (!j->busy_flavor) {
        return;
    }
    j->busy_flavor = false;
    left = json_integer_value(json_object_get(v->flavors_busy, j->flavor)) - 1;
    if (left > 0) {
        json_object_set_new(v->flavors_busy, j->flavor, json_integer(left));
    } else {
        json_object_del(v->flavors_busy, j->flavor);
    }
}

void
slc_osv_job_free(struct job *j)
{
    struct os_vim *v = j->v;

    if (j->type == JOB_WATCH) {
        v->watching = false;
    }
    for (struct job **p = &v->jobs; *p; p = &(*p)->next) {
        if (*p == j) {
            *p = j->next;
            break;
        }
    }
    slc_osv_release_flavor(j);
    if (j->timer) {
        event_free(j->timer);
    }
    json_decref(j->spec);
    json_decref(j->info);
    free(j->id);
    free(j->name);
    free(j->flavor);
    free(j);
}

struct job *
slc_osv_job_new(struct os_vim *v, enum job_type type, enum slc_vim_kind kind,
                uint64_t token, const char *name, struct slc_error *err)
{
    struct job *j = calloc(1, sizeof *j);

    if (!j || !(j->name = strdup(name ? name : "")) ||
        !(j->info = json_object())) {
        if (j) {
            free(j->name);
        }
        free(j);
        slc_error_set(err, SLC_ENOMEM, "out of memory");
        return NULL;
    }
    j->v = v;
    j->type = type;
    j->kind = kind;
    j->token = token;
    j->next = v->jobs;
    v->jobs = j;
    return j;
}

/* Ends 'j' with its result (info: the job's, taken). */
void
slc_osv_job_done(struct job *j, int rc, const char *msg, const char *status)
{
    struct slc_error err = {0};

    /* not warned of: a check's refusal (its caller's answer, and the
     * session's warning), a delete of what is gone and a find of nothing
     * (answers the engine expects) */
    if (rc && j->type != JOB_CHECK &&
        !(rc == SLC_ENOTFOUND &&
          (j->type == JOB_DELETE || j->type == JOB_FIND))) {
        if (j->type == JOB_SWEEP || j->type == JOB_WATCH) {
            SLC_WARN_RL("vim '%s': %s failed: %s", j->v->base.drv.name,
                        j->type == JOB_SWEEP ? "the sweep after a restart"
                                             : "a look at its servers",
                        msg ? msg : "");
        } else {
            SLC_WARN_RL("vim '%s': %s '%s': %s", j->v->base.drv.name,
                        slc_vim_kind_name(j->kind), j->name, msg ? msg : "");
        }
    }
    if (j->type != JOB_SWEEP && j->type != JOB_WATCH &&
        slc_vim_reply(&j->v->base, j->token, rc, msg, rc ? NULL : j->id,
                      status, rc ? NULL : json_incref(j->info), NULL, &err)) {
        SLC_ERR("vim '%s': %s", j->v->base.drv.name, err.msg);
    }
    slc_osv_job_free(j);
}

void
slc_osv_job_fail(struct job *j, int rc, const char *fmt, ...)
{
    char msg[1300];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    slc_osv_job_done(j, rc, msg, NULL);
}

/* Starts a call for job 'j'; a call that cannot start ends the job. */
void
slc_osv_job_call(struct job *j, enum slc_os_service svc, const char *method,
                 const char *path, json_t *body, slc_os_fn done)
{
    struct slc_error err = {0};

    if (slc_os_call(j->v->os, svc, method, path, body, done, j, &err)) {
        slc_osv_job_done(j, err.code, err.msg, NULL);
    }
}

/* Starts 'method' on "/<coll>/<the job's resource>" for job 'j'. */
void
slc_osv_job_call_on(struct job *j, enum slc_os_service svc, const char *method,
                    const char *coll, slc_os_fn done)
{
    char path[300];

    snprintf(path, sizeof path, "/%s/%s", coll, j->id);
    slc_osv_job_call(j, svc, method, path, NULL, done);
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
    struct job *j = arg;

    j->later(j);
}

/* Runs 'step' of 'j' again in 'ms' milliseconds. */
void
slc_osv_job_later(struct job *j, job_step_fn step, long ms)
{
    struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};

    j->later = step;
    if (!j->timer &&
        !(j->timer = evtimer_new(j->v->base.drv.base, on_timer, j))) {
        slc_osv_job_done(j, SLC_ENOMEM, "out of memory", NULL);
        return;
    }
    evtimer_add(j->timer, &tv);
}

/* ---- marks ---- */

/* The hash of 'b' in the scope of 'a' (an account and a tag). */
static uint64_t
fnv1a64(const char *a, const char *b)
{
    return slc_fnv1a64(slc_fnv1a64(slc_fnv1a64(SLC_FNV1A64_INIT, a), ":"), b);
}

/* The description of a Neutron resource of tag 'tag'. */
static void
neutron_mark(const struct os_vim *v, const char *tag, char *buf, size_t size)
{
    int n = snprintf(buf, size, "slicer:%s:%s", v->base.drv.id, tag);

    if (n < 0 || (size_t)n >= size || n > 255) {
        snprintf(buf, size, "slicer:%s:#%016" PRIx64, v->base.drv.id,
                 fnv1a64(v->base.drv.id, tag));
    }
}

/* The Nova tag of a server of tag 'tag'. */
void
slc_osv_nova_tag(const struct os_vim *v, const char *tag, char *buf,
                 size_t size)
{
    snprintf(buf, size, "slicer-%016" PRIx64, fnv1a64(v->base.drv.id, tag));
}

/* The engine tag a Neutron description carries for this account, or
 * NULL (another account's, or not slicer's). */
const char *
slc_osv_tag_of_mark(const struct os_vim *v, const char *desc)
{
    size_t n = strlen(v->base.drv.id);

    if (!desc || strncmp(desc, "slicer:", 7) ||
        strncmp(desc + 7, v->base.drv.id, n) || desc[7 + n] != ':') {
        return NULL;
    }
    return desc + 8 + n;
}

const char *
slc_osv_jstr(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* ---- networks ---- */

static void net_subnet_made(void *arg, int rc, const char *msg, json_t *body,
                            long status);

/* Remembers where network 'id' is (for its ports' VLAN and its uplink). */
void
slc_osv_remember_network(struct os_vim *v, const char *id, const json_t *net)
{
    json_t *seg = json_object_get(net, "provider:segmentation_id");

    json_object_set_new(
        v->networks, id,
        json_pack("{sO* sO* sO*}", "physnet",
                  json_object_get(net, "provider:physical_network"), "vlan",
                  json_is_integer(seg) ? seg : NULL, "type",
                  json_object_get(net, "provider:network_type")));
}

static void
net_made(void *arg, int rc, const char *msg, json_t *body, long status)
{
    struct job *j = arg;
    const json_t *net = json_object_get(body, "network");
    const char *cidr = slc_osv_jstr(j->spec, "cidr");
    char mark[300], pick[32];
    json_t *sub;

    if (rc) {
        slc_osv_job_done(j, rc, msg, NULL);
        return;
    }
    if (!slc_osv_jstr(net, "id") ||
        !(j->id = strdup(slc_osv_jstr(net, "id")))) {
        slc_osv_job_done(j, SLC_EIO, "Neutron answered a network without id",
                         NULL);
        return;
    }
    slc_osv_remember_network(j->v, j->id, net);
    json_object_set(j->info, "network_type",
                    json_object_get(net, "provider:network_type"));
    json_object_set(j->info, "physical_network",
                    json_object_get(net, "provider:physical_network"));
    json_object_set(j->info, "segmentation_id",
                    json_object_get(net, "provider:segmentation_id"));
    json_object_set(j->info, "mtu", json_object_get(net, "mtu"));
    neutron_mark(j->v, slc_osv_jstr(j->spec, "tag"), mark, sizeof mark);
    if (!cidr) {
        /* Nova boots no port without an address, so every network gets
         * a subnet; without an ip-profile, a /24 of the account's pool
         * picked by the tag (as OSM's RO picks one of 192.168.0.0/16) */
        uint64_t h = fnv1a64(j->v->base.drv.id, slc_osv_jstr(j->spec, "tag"));
        uint32_t span = 1u << (24 - j->v->cfg.pool_prefix);
        uint32_t at = j->v->cfg.pool_base + (uint32_t)(h % span) * 256;

        snprintf(pick, sizeof pick, "%u.%u.%u.0/24", at >> 24, at >> 16 & 255,
                 at >> 8 & 255);
        cidr = pick;
    }
    sub = json_pack("{s{ss ss ss si ss sb}}", "subnet", "network_id", j->id,
                    "name", j->name, "description", mark, "ip_version",
                    strchr(cidr, ':') ? 6 : 4, "cidr", cidr, "enable_dhcp",
                    !json_is_true(json_object_get(j->spec, "dataplane")));
    if (slc_osv_jstr(j->spec, "gateway")) {
        json_object_set(json_object_get(sub, "subnet"), "gateway_ip",
                        json_object_get(j->spec, "gateway"));
    }
    if (json_object_get(j->spec, "allocation_pools")) {
        json_object_set(json_object_get(sub, "subnet"), "allocation_pools",
                        json_object_get(j->spec, "allocation_pools"));
    }
    slc_osv_job_call(j, SLC_OS_NETWORK, "POST", "/subnets", sub,
                     net_subnet_made);
}

/* After a failed subnet: the network goes too, then the job fails with
 * the subnet's error (kept in info). */
static void
net_undone(void *arg, int rc, const char *msg, json_t *body, long status)
{
    struct job *j = arg;

    if (rc && rc != SLC_ENOTFOUND) {
        SLC_WARN("vim '%s': network '%s' (%s) stays after its subnet "
                 "failed: %s",
                 j->v->base.drv.name, j->name, j->id, msg);
    }
    slc_osv_job_done(j,
                     (int)json_integer_value(json_object_get(j->info, "rc")),
                     slc_osv_jstr(j->info, "msg"), NULL);
}

static void
net_subnet_made(void *arg, int rc, const char *msg, json_t *body, long status)
{
    struct job *j = arg;

    if (rc) {
        json_object_set_new(j->info, "rc", json_integer(rc));
        json_object_set_new(j->info, "msg", json_string(msg));
        slc_osv_job_call_on(j, SLC_OS_NETWORK, "DELETE", "networks",
                            net_undone);
        return;
    }
    json_object_set(j->info, "subnet_id",
                    json_object_get(json_object_get(body, "subnet"), "id"));
    slc_osv_job_done(j, 0, NULL, "ACTIVE");
}

static void
named_network_found(void *arg, int rc, const char *msg, json_t *body,
                    long status)
{
    struct job *j = arg;
    const json_t *nets = json_object_get(body, "networks");
    const json_t *net = json_array_get(nets, 0);

    if (rc) {
        slc_osv_job_done(j, rc, msg, NULL);
        return;
    }
    if (json_array_size(nets) != 1) {
        slc_osv_job_fail(j, SLC_EINVALID,
                         "vim-network-name '%s': %s network of that name "
                         "in Neutron",
                         slc_osv_jstr(j->spec, "vim_name"),
                         json_array_size(nets) ? "more than one" : "no");
        return;
    }
    if (!(j->id = strdup(slc_osv_jstr(net, "id") ?: ""))) {
        slc_osv_job_done(j, SLC_ENOMEM, "out of memory", NULL);
        return;
    }
    slc_osv_remember_network(j->v, j->id, net);
    /* used, not made: its delete keeps it (not slicer's mark) */
    json_object_set_new(j->info, "existing", json_true());
    json_object_set(j->info, "segmentation_id",
                    json_object_get(net, "provider:segmentation_id"));
    slc_osv_job_done(j, 0, NULL, slc_osv_jstr(net, "status") ?: "ACTIVE");
}

/* The network of OSM's vim-network-name: the VIM's own, by name. */
static int
use_named_network(struct os_vim *v, uint64_t token,
                  const struct slc_vim_network_spec *spec,
                  struct slc_error *err)
{
    struct job *j = slc_osv_job_new(v, JOB_NETWORK, SLC_VIM_NETWORK, token,
                                    spec->name, err);
    char path[600];

    if (!j) {
        return err->code;
    }
    if (!(j->spec = json_pack("{ss}", "vim_name", spec->vim_name)) ||
        !slc_os_path(path, sizeof path, "/networks?name=", spec->vim_name)) {
        slc_osv_job_free(j);
        return slc_error_set(err, SLC_EINVALID,
                             "vim-network-name '%.200s' is too long",
                             spec->vim_name);
    }
    slc_osv_job_call(j, SLC_OS_NETWORK, "GET", path, NULL,
                     named_network_found);
    return 0;
}

static int
os_create_network(struct slc_vim *vim, uint64_t token,
                  const struct slc_vim_network_spec *spec,
                  struct slc_error *err)
{
    struct os_vim *v = os_of(vim);
    const char *physnet = spec->physnet ? spec->physnet : v->cfg.physnet;
    bool provider = spec->physnet || spec->vlan || spec->dataplane;
    char mark[300];
    json_t *net;
    struct job *j;

    if (spec->vim_name) {
        return use_named_network(v, token, spec, err);
    }
    if (provider && !physnet) {
        return slc_error_set(err, SLC_EINVALID,
                             "network '%s' carries SR-IOV or passthrough "
                             "ports, so it must be a provider network, but "
                             "the account names no physical network "
                             "(config.dataplane_physical_net)",
                             spec->name);
    }
    if (!(j = slc_osv_job_new(v, JOB_NETWORK, SLC_VIM_NETWORK, token,
                              spec->name, err))) {
        return err->code;
    }
    j->spec =
        json_pack("{ss ss* ss* sb}", "tag", spec->tag, "cidr", spec->cidr,
                  "gateway", spec->gateway, "dataplane", provider);
    if (spec->pool_start && spec->pool_count) {
        /* OSM's dhcp-params: Neutron's allocation pool */
        struct in_addr a;

        if (inet_pton(AF_INET, spec->pool_start, &a) == 1) {
            char end[16];
            struct in_addr b = {.s_addr = htonl(ntohl(a.s_addr) +
                                                spec->pool_count - 1)};

            inet_ntop(AF_INET, &b, end, sizeof end);
            json_object_set_new(j->spec, "allocation_pools",
                                json_pack("[{ss ss}]", "start",
                                          spec->pool_start, "end", end));
        }
    }
    neutron_mark(v, spec->tag, mark, sizeof mark);
    net = json_pack("{s{ss ss sb}}", "network", "name", spec->name,
                    "description", mark, "admin_state_up", 1);
    if (provider) {
        json_t *n = json_object_get(net, "network");

        json_object_set_new(n, "provider:network_type",
                            json_string(v->cfg.net_type));
        json_object_set_new(n, "provider:physical_network",
                            json_string(physnet));
        if (spec->vlan) {
            json_object_set_new(n, "provider:segmentation_id",
                                json_integer(spec->vlan));
        }
        /* security groups do not apply to VFs and whole NICs */
        json_object_set_new(n, "port_security_enabled", json_false());
    }
    if (!j->spec || !net) {
        json_decref(net);
        slc_osv_job_free(j);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    slc_osv_job_call(j, SLC_OS_NETWORK, "POST", "/networks", net, net_made);
    return 0;
}

/* ---- ports ---- */

static bool
vnic_is_device(const char *vnic)
{
    return vnic &&
           (!strcmp(vnic, "direct") || !strcmp(vnic, "direct-physical") ||
            !strcmp(vnic, "baremetal"));
}

/* What the driver reports of Neutron port 'p': address, and for a bound
 * SR-IOV or passthrough port where it landed, as OSM's RO reads it. */
json_t *
slc_osv_port_facts(const struct os_vim *v, const json_t *p)
{
    const json_t *ips = json_object_get(p, "fixed_ips");
    const json_t *prof = json_object_get(p, "binding:profile");
    const json_t *details = json_object_get(p, "binding:vif_details");
    const char *host = slc_osv_jstr(p, "binding:host_id");
    const char *vlan_s = slc_osv_jstr(details, "vlan");
    json_int_t vlan = vlan_s ? strtoll(vlan_s, NULL, 10) : 0;
    json_t *f;

    if (!vlan) {
        vlan = json_integer_value(json_object_get(
            json_object_get(v->networks, slc_osv_jstr(p, "network_id")),
            "vlan"));
    }
    f = json_pack("{sO* sO* sO* sO* sO*}", "id", json_object_get(p, "id"),
                  "mac_address", json_object_get(p, "mac_address"),
                  "ip_address",
                  json_object_get(json_array_get(ips, 0), "ip_address"),
                  "vnic_type", json_object_get(p, "binding:vnic_type"),
                  "vif_type", json_object_get(p, "binding:vif_type"));
    if (host && *host) {
        json_object_set_new(f, "compute_node", json_string(host));
    }
    if (slc_osv_jstr(prof, "pci_slot")) {
        json_object_set(f, "pci", json_object_get(prof, "pci_slot"));
        json_object_set(f, "physical_network",
                        json_object_get(prof, "physical_network"));
    }
    if (vlan && vnic_is_device(slc_osv_jstr(p, "binding:vnic_type"))) {
        json_object_set_new(f, "vlan", json_integer(vlan));
    }
    return f;
}

static void
port_made(void *arg, int rc, const char *msg, json_t *body, long status)
{
    struct job *j = arg;
    const json_t *p = json_object_get(body, "port");

    if (rc) {
        slc_osv_job_done(j, rc, msg, NULL);
        return;
    }
    if (!slc_osv_jstr(p, "id") || !(j->id = strdup(slc_osv_jstr(p, "id")))) {
        slc_osv_job_done(j, SLC_EIO, "Neutron answered a port without id",
                         NULL);
        return;
    }
    json_decref(j->info);
    j->info = slc_osv_port_facts(j->v, p);
    slc_osv_job_done(j, 0, NULL, slc_osv_jstr(p, "status") ?: "DOWN");
}

static int
os_create_port(struct slc_vim *vim, uint64_t token,
               const struct slc_vim_port_spec *spec, struct slc_error *err)
{
    struct os_vim *v = os_of(vim);
    const char *vnic = slc_vnic_type_name(spec->vnic_type);
    char mark[300];
    json_t *port, *p;
    struct job *j =
        slc_osv_job_new(v, JOB_PORT, SLC_VIM_PORT, token, spec->name, err);

    if (!j) {
        return err->code;
    }
    neutron_mark(v, spec->tag, mark, sizeof mark);
    port = json_pack("{s{ss ss ss ss}}", "port", "network_id",
                     spec->network_id, "name", spec->name, "description", mark,
                     "binding:vnic_type", vnic ? vnic : "normal");
    p = json_object_get(port, "port");
    if (spec->mac) {
        json_object_set_new(p, "mac_address", json_string(spec->mac));
    }
    if (spec->ip) {
        json_object_set_new(p, "fixed_ips",
                            json_pack("[{ss}]", "ip_address", spec->ip));
    }
    if (vnic_is_device(vnic) || !v->cfg.port_security) {
        /* OSM turns port security off on data-plane ports (and where the
         * account says so): a VF or a NIC has no security group */
        json_object_set_new(p, "port_security_enabled", json_false());
    }
    json_object_set_new(p, "admin_state_up", json_true());
    slc_osv_job_call(j, SLC_OS_NETWORK, "POST", "/ports", port, port_made);
    return 0;
}

/* ---- deletes ---- */

static void delete_network(struct job *j);

static void
network_delete_sent(void *arg, int rc, const char *msg, json_t *body,
                    long status)
{
    struct job *j = arg;

    if (rc == SLC_ECONFLICT && time(NULL) < j->deadline) {
        /* ports of a server being deleted are still on it */
        slc_osv_job_later(j, delete_network, 1000);
        return;
    }
    if (!rc) {
        json_object_del(j->v->networks, j->id);
    }
    slc_osv_job_done(j, rc, msg, rc ? NULL : "DELETED");
}

static void
delete_network(struct job *j)
{
    slc_osv_job_call_on(j, SLC_OS_NETWORK, "DELETE", "networks",
                        network_delete_sent);
}

/* Only what slicer made goes: a network the NS only used (its
 * vim-network-name, the operator's) is left as it is. */
static void
network_before_delete(void *arg, int rc, const char *msg, json_t *body,
                      long status)
{
    struct job *j = arg;
    const json_t *net = json_object_get(body, "network");

    if (rc) {
        slc_osv_job_done(j, rc, msg, NULL);
        return;
    }
    if (!slc_osv_tag_of_mark(j->v, slc_osv_jstr(net, "description"))) {
        SLC_INFO("vim '%s': network '%s' (%s) is not slicer's: kept",
                 j->v->base.drv.name, slc_osv_jstr(net, "name") ?: "", j->id);
        slc_osv_job_done(j, 0, NULL, "KEPT");
        return;
    }
    delete_network(j);
}

static void
port_delete_sent(void *arg, int rc, const char *msg, json_t *body, long status)
{
    struct job *j = arg;

    slc_osv_job_done(j, rc, msg, rc ? NULL : "DELETED");
}

int
slc_osv_delete(struct slc_vim *vim, uint64_t token, enum slc_vim_kind kind,
               const char *vim_id, struct slc_error *err)
{
    struct os_vim *v = os_of(vim);
    struct job *j = slc_osv_job_new(v, JOB_DELETE, kind, token, vim_id, err);

    if (!j) {
        return err->code;
    }
    if (!(j->id = strdup(vim_id)) || !(j->spec = json_object())) {
        slc_osv_job_free(j);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    switch (kind) {
    case SLC_VIM_NETWORK:
        j->deadline = time(NULL) + NET_DELETE_RETRY_S;
        slc_osv_job_call_on(j, SLC_OS_NETWORK, "GET", "networks",
                            network_before_delete);
        break;
    case SLC_VIM_PORT:
        slc_osv_job_call_on(j, SLC_OS_NETWORK, "DELETE", "ports",
                            port_delete_sent);
        break;
    default:
        /* slicer's own delete: not a loss */
        slc_osv_watch_deleting(v, vim_id);
        slc_osv_job_call_on(j, SLC_OS_COMPUTE, "GET", "servers",
                            slc_osv_server_before_delete);
        break;
    }
    return 0;
}

/* ---- status and find ---- */

static void
status_got(void *arg, int rc, const char *msg, json_t *body, long status)
{
    struct job *j = arg;
    const json_t *r =
        json_object_get(body, j->kind == SLC_VIM_NETWORK ? "network"
                              : j->kind == SLC_VIM_PORT  ? "port"
                                                         : "server");

    if (rc) {
        slc_osv_job_done(j, rc, msg, NULL);
        return;
    }
    if (j->kind == SLC_VIM_PORT) {
        json_decref(j->info);
        j->info = slc_osv_port_facts(j->v, r);
    } else if (j->kind == SLC_VIM_COMPUTE) {
        slc_osv_server_facts(j, r);
    }
    slc_osv_job_done(j, 0, NULL, slc_osv_jstr(r, "status") ?: "UNKNOWN");
}

static const char *
collection_of(enum slc_vim_kind kind)
{
    return kind == SLC_VIM_NETWORK ? "networks"
           : kind == SLC_VIM_PORT  ? "ports"
                                   : "servers";
}

static int
os_status(struct slc_vim *vim, uint64_t token, enum slc_vim_kind kind,
          const char *vim_id, struct slc_error *err)
{
    struct job *j =
        slc_osv_job_new(os_of(vim), JOB_STATUS, kind, token, vim_id, err);
    char path[300];

    if (!j) {
        return err->code;
    }
    if (!(j->id = strdup(vim_id))) {
        slc_osv_job_free(j);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    snprintf(path, sizeof path, "/%s/%s", collection_of(kind), vim_id);
    slc_osv_job_call(j,
                     kind == SLC_VIM_COMPUTE ? SLC_OS_COMPUTE : SLC_OS_NETWORK,
                     "GET", path, NULL, status_got);
    return 0;
}

static void
found_server(void *arg, int rc, const char *msg, json_t *body, long status)
{
    struct job *j = arg;
    const char *tag = slc_osv_jstr(j->spec, "tag");
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
                   j->v->base.drv.id) ||
            (strlen(tag) <= 255 &&
             strcmp(slc_osv_jstr(md, "slicer_tag") ?: "", tag))) {
            continue;
        }
        if (!(j->id = strdup(slc_osv_jstr(srv, "id") ?: ""))) {
            break;
        }
        if (!strcmp(slc_osv_jstr(srv, "status") ?: "", "ERROR")) {
            /* made before a crash and failed: gone, so that it is made
             * again */
            slc_osv_compute_failed_server(
                j, SLC_ENOTFOUND, "the server made before was in ERROR");
            return;
        }
        /* found: reported as a create would, once it is up */
        j->deadline = time(NULL) + j->v->cfg.server_timeout_s;
        slc_osv_compute_poll(j);
        return;
    }
    slc_osv_job_fail(j, SLC_ENOTFOUND, "no server is tagged '%s'", tag);
}

static void
found_neutron(void *arg, int rc, const char *msg, json_t *body, long status)
{
    struct job *j = arg;
    const json_t *list = json_object_get(body, collection_of(j->kind));
    const json_t *r = json_array_get(list, 0);

    if (rc) {
        slc_osv_job_done(j, rc, msg, NULL);
        return;
    }
    if (!slc_osv_jstr(r, "id")) {
        slc_osv_job_fail(j, SLC_ENOTFOUND, "nothing is tagged '%s'",
                         slc_osv_jstr(j->spec, "tag"));
        return;
    }
    if (!(j->id = strdup(slc_osv_jstr(r, "id")))) {
        slc_osv_job_done(j, SLC_ENOMEM, "out of memory", NULL);
        return;
    }
    if (j->kind == SLC_VIM_NETWORK) {
        slc_osv_remember_network(j->v, j->id, r);
    } else {
        json_decref(j->info);
        j->info = slc_osv_port_facts(j->v, r);
    }
    slc_osv_job_done(j, 0, NULL, slc_osv_jstr(r, "status") ?: "ACTIVE");
}

static int
os_find(struct slc_vim *vim, uint64_t token, enum slc_vim_kind kind,
        const char *tag, struct slc_error *err)
{
    struct os_vim *v = os_of(vim);
    struct job *j = slc_osv_job_new(v, JOB_FIND, kind, token, tag, err);
    char mark[300], prefix[40], path[1200];

    if (!j) {
        return err->code;
    }
    if (!(j->spec = json_pack("{ss}", "tag", tag))) {
        slc_osv_job_free(j);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    if (kind == SLC_VIM_COMPUTE) {
        slc_osv_nova_tag(v, tag, mark, sizeof mark);
        snprintf(path, sizeof path, "/servers/detail?tags=%s", mark);
        slc_osv_job_call(j, SLC_OS_COMPUTE, "GET", path, NULL, found_server);
        return 0;
    }
    neutron_mark(v, tag, mark, sizeof mark);
    snprintf(prefix, sizeof prefix, "/%s?description=", collection_of(kind));
    if (!slc_os_path(path, sizeof path, prefix, mark)) {
        slc_osv_job_free(j);
        return slc_error_set(err, SLC_EINVALID, "tag '%s' is too long", tag);
    }
    slc_osv_job_call(j, SLC_OS_NETWORK, "GET", path, NULL, found_neutron);
    return 0;
}

/* ---- credentials ---- */

static void
checked(void *arg, int rc, const char *msg, json_t *body, long status)
{
    struct job *j = arg;

    slc_osv_job_done(j, rc, msg, rc ? NULL : "ACTIVE");
}

static int
os_check(struct slc_vim *vim, uint64_t token, struct slc_error *err)
{
    struct os_vim *v = os_of(vim);
    struct job *j =
        slc_osv_job_new(v, JOB_CHECK, SLC_VIM_NETWORK, token, "account", err);

    if (!j) {
        return err->code;
    }
    if (slc_os_authenticate(v->os, checked, j, err)) {
        slc_osv_job_free(j);
        return err->code;
    }
    return 0;
}

/* ---- what the account holds ---- */

static json_t *
os_network_uplink(struct slc_vim *vim, const char *network_id)
{
    struct os_vim *v = os_of(vim);
    const json_t *net = json_object_get(v->networks, network_id);
    const json_t *up =
        json_object_get(v->uplinks, slc_osv_jstr(net, "physnet") ?: "");
    const json_t *port = json_object_get(up, "switch_port");

    if (!up || !port) {
        return NULL;
    }
    return json_pack(
        "{so sO* sO*}", "switch_port",
        json_is_integer(port)
            ? json_sprintf("%" JSON_INTEGER_FORMAT, json_integer_value(port))
            : json_incref((json_t *)port),
        "switch_id", json_object_get(up, "switch_id"), "vlan",
        strcmp(slc_osv_jstr(net, "type") ?: "", "flat")
            ? json_object_get(net, "vlan")
            : NULL);
}

static json_t *
os_describe(struct slc_vim *vim)
{
    struct os_vim *v = os_of(vim);
    size_t n = 0;

    for (struct job *j = v->jobs; j; j = j->next) {
        n++;
    }
    return json_pack("{s[] s{} sb sI so so}", "resources", "capacity",
                     "authenticated", slc_os_session_authenticated(v->os),
                     "calls_in_flight", (json_int_t)n, "networks",
                     json_deep_copy(v->networks), "flavors_in_use",
                     json_deep_copy(v->flavors_busy));
}

/* ---- accounts ---- */

enum key_type { KEY_STR, KEY_BOOL, KEY_INT, KEY_OBJ };

/* The keys of an account's config that this driver reads (OSM's names);
 * others are left to the core (hosts, sdn-controller, ...) or ignored, as
 * OSM's RO ignores what it does not know. */
static const struct os_key {
    const char *key;
    enum key_type type;
    const char *const *values; /* allowed strings, NULL-ended; may be NULL */
    long min, max;             /* KEY_INT */
} os_keys[] = {
    {"region_name", KEY_STR},
    {"endpoint_type", KEY_STR,
     (const char *const[]){"publicURL", "internalURL", "adminURL", "public",
                           "internal", "admin", NULL}},
    {"project_domain_name", KEY_STR},
    {"project_domain_id", KEY_STR},
    {"user_domain_name", KEY_STR},
    {"user_domain_id", KEY_STR},
    {"insecure", KEY_BOOL},
    {"ca_cert", KEY_STR},
    {"availability_zone", KEY_STR},
    {"dataplane_physical_net", KEY_STR},
    {"dataplane_network_type", KEY_STR,
     (const char *const[]){"vlan", "flat", NULL}},
    {"port_security_enabled", KEY_BOOL},
    {"server_timeout_s", KEY_INT, NULL, 10, 3600},
    {"monitor_interval_s", KEY_INT, NULL, 0, 3600},
    {"request_timeout_ms", KEY_INT, NULL, 100, 600000},
    {"dataplane_uplinks", KEY_OBJ},
    {"subnet_pool", KEY_STR},
};

static int
check_uplinks(const json_t *ups, struct slc_error *err)
{
    const char *physnet;
    const json_t *u;

    json_object_foreach((json_t *)ups, physnet, u)
    {
        const json_t *port = json_object_get(u, "switch_port");

        if (!json_is_object(u) ||
            (!json_is_string(port) && !json_is_integer(port))) {
            return slc_error_set(err, SLC_EINVALID,
                                 "config.dataplane_uplinks.%s: expected "
                                 "{switch_port, switch_id}: where that "
                                 "physical network meets the fabric switch",
                                 physnet);
        }
    }
    return 0;
}

/* "A.B.C.D/P" with 8 <= P <= 24 into base and prefix (either may be
 * NULL); -1 when it is not one. */
static int
parse_pool(const char *cidr, uint32_t *base, unsigned *prefix)
{
    unsigned a, b, c, d, p;
    char end;

    if (sscanf(cidr, "%u.%u.%u.%u/%u%c", &a, &b, &c, &d, &p, &end) != 5 ||
        a > 255 || b > 255 || c > 255 || d > 255 || p < 8 || p > 24) {
        return -1;
    }
    if (base) {
        *base = (a << 24 | b << 16 | c << 8 | d) &
                (uint32_t)(0xffffffffu << (32 - p));
    }
    if (prefix) {
        *prefix = p;
    }
    return 0;
}

static int
os_check_config(const json_t *config, struct slc_error *err)
{
    for (size_t i = 0; i < sizeof os_keys / sizeof os_keys[0]; i++) {
        const struct os_key *k = &os_keys[i];
        const json_t *v = json_object_get(config, k->key);
        bool ok;

        if (!v || json_is_null(v)) {
            continue;
        }
        ok = k->type == KEY_STR    ? json_is_string(v)
             : k->type == KEY_BOOL ? json_is_boolean(v)
             : k->type == KEY_OBJ
                 ? json_is_object(v)
                 : json_is_integer(v) && json_integer_value(v) >= k->min &&
                       json_integer_value(v) <= k->max;
        if (ok && k->values) {
            ok = false;
            for (size_t n = 0; k->values[n]; n++) {
                ok |= !strcmp(json_string_value(v), k->values[n]);
            }
        }
        if (!ok) {
            char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

            slc_error_set(err, SLC_EINVALID, "config.%s: %s is not %s", k->key,
                          text ? text : "the value",
                          k->type == KEY_STR    ? "an accepted string"
                          : k->type == KEY_BOOL ? "true or false"
                          : k->type == KEY_OBJ  ? "an object"
                                                : "an integer in range");
            free(text);
            return err->code;
        }
    }
    if (json_is_string(json_object_get(config, "subnet_pool")) &&
        parse_pool(slc_osv_jstr(config, "subnet_pool"), NULL, NULL)) {
        return slc_error_set(err, SLC_EINVALID,
                             "config.subnet_pool: '%s' is not an IPv4 CIDR "
                             "from /8 to /24",
                             slc_osv_jstr(config, "subnet_pool"));
    }
    return check_uplinks(json_object_get(config, "dataplane_uplinks"), err);
}

static const char *
cstr(const json_t *config, const char *key, const char *def)
{
    return json_string_value(json_object_get(config, key)) ?: def;
}

static void
os_close(struct slc_vim *vim)
{
    struct os_vim *v = os_of(vim);

    if (!v) {
        return;
    }
    /* no callback runs after this: the jobs go without their results */
    slc_os_session_free(v->os);
    while (v->jobs) {
        slc_osv_job_free(v->jobs);
    }
    json_decref(v->images);
    json_decref(v->networks);
    json_decref(v->flavors_busy);
    json_decref(v->servers);
    json_decref(v->deleted);
    if (v->watch) {
        event_free(v->watch);
    }
    json_decref(v->config);
    slc_vim_base_fini(&v->base);
    free(v);
}

static int
os_open(const struct slc_vim_params *p, struct slc_vim **out,
        struct slc_error *err)
{
    struct os_vim *v;
    const json_t *c = p->config;
    const char *iface = cstr(c, "endpoint_type", "public");
    char label[300];
    int rc = os_check_config(c, err);

    *out = NULL;
    if (rc) {
        return rc;
    }
    if (!(v = calloc(1, sizeof *v))) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    rc = slc_vim_base_init(&v->base, &slc_vim_openstack_class, p, err);
    if (rc) {
        free(v);
        return rc;
    }
    v->config = c ? json_deep_copy(c) : json_object();
    v->images = json_object();
    v->networks = json_object();
    v->flavors_busy = json_object();
    v->servers = json_object();
    v->deleted = json_object();
    if (!v->config || !v->images || !v->networks || !v->flavors_busy ||
        !v->servers || !v->deleted) {
        os_close(&v->base);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    v->uplinks = json_object_get(v->config, "dataplane_uplinks");
    v->cfg = (struct os_config){
        .physnet = cstr(v->config, "dataplane_physical_net", NULL),
        .net_type = cstr(v->config, "dataplane_network_type", "vlan"),
        .zone = cstr(v->config, "availability_zone", NULL),
        .port_security = !json_is_false(
            json_object_get(v->config, "port_security_enabled")),
        .server_timeout_s =
            json_integer_value(json_object_get(v->config, "server_timeout_s"))
                ?: 600,
        .monitor_s = json_object_get(v->config, "monitor_interval_s")
                         ? json_integer_value(json_object_get(
                               v->config, "monitor_interval_s"))
                         : 60,
    };
    parse_pool(cstr(v->config, "subnet_pool", "192.168.0.0/16"),
               &v->cfg.pool_base, &v->cfg.pool_prefix);
    snprintf(v->account_tag, sizeof v->account_tag, "slicer-acct-%08" PRIx32,
             (uint32_t)fnv1a64(v->base.drv.id, "account"));
    snprintf(label, sizeof label, "vim '%s'", v->base.drv.name);
    {
        struct slc_os_params op = {
            .base = p->base,
            .auth_url = p->url,
            .user = p->user,
            .password = p->password,
            .user_domain = cstr(c, "user_domain_name", NULL),
            .user_domain_id = cstr(c, "user_domain_id", NULL),
            .project = p->tenant_name,
            .project_id = p->tenant_id,
            .project_domain = cstr(c, "project_domain_name", NULL),
            .project_domain_id = cstr(c, "project_domain_id", NULL),
            .region = cstr(c, "region_name", NULL),
            /* OSM writes publicURL, Keystone v3 says public */
            .interface = !strncmp(iface, "internal", 8) ? "internal"
                         : !strncmp(iface, "admin", 5)  ? "admin"
                                                        : "public",
            .insecure = json_is_true(json_object_get(c, "insecure")),
            .ca_file = cstr(c, "ca_cert", NULL),
            .timeout_ms =
                json_integer_value(json_object_get(c, "request_timeout_ms")),
            .label = label,
        };

        rc = slc_os_session_new(&op, &v->os, err);
    }
    /* servers gone behind slicer's back are told to whoever listens */
    rc = rc ? rc : p->lost ? slc_osv_watch_start(v, err) : 0;
    if (rc) {
        os_close(&v->base);
        return rc;
    }
    *out = &v->base;
    return 0;
}

/* A probe opens nothing: the credentials are check()'s, asynchronously. */
static int
os_probe(const struct slc_vim_params *p, struct slc_error *err)
{
    if (!p->user || !p->password || (!p->tenant_name && !p->tenant_id)) {
        return slc_error_set(err, SLC_EINVALID,
                             "an OpenStack account needs vim_user, "
                             "vim_password and vim_tenant_name (or "
                             "vim_tenant_id)");
    }
    if (!p->url ||
        (strncmp(p->url, "http://", 7) && strncmp(p->url, "https://", 8))) {
        return slc_error_set(err, SLC_EINVALID,
                             "vim_url '%s': expected Keystone's "
                             "http(s)://HOST:PORT/v3",
                             p->url ? p->url : "");
    }
    return 0;
}

const struct slc_vim_class slc_vim_openstack_class = {
    .version = SLC_VIM_CLASS_VERSION,
    .type = "openstack",
    .schedules = true,
    /* a CA file is read from the daemon's host */
    .host_keys = (const char *const[]){"ca_cert", NULL},
    .check_config = os_check_config,
    .probe = os_probe,
    .check = os_check,
    .open = os_open,
    .close = os_close,
    .create_network = os_create_network,
    .create_port = os_create_port,
    .create_compute = slc_osv_create_compute,
    .delete = slc_osv_delete,
    .status = os_status,
    .find = os_find,
    .reconcile = slc_osv_reconcile,
    .network_uplink = os_network_uplink,
    .describe = os_describe,
};

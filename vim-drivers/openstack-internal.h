/* What the files of the OpenStack VIM driver share (vim-openstack.c: the
 * driver, its jobs and marks, networks, ports, status, find and accounts;
 * openstack-compute.c: servers and their flavors, made and deleted;
 * openstack-sweep.c: the sweep after a restart).  Not for use outside
 * vim-drivers/. */
#ifndef SLC_OPENSTACK_INTERNAL_H
#define SLC_OPENSTACK_INTERNAL_H

#include <event2/event.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "openstack-api.h"
#include "slc-error.h"
#include "vim.h"

struct os_config {
    const char *physnet;   /* dataplane_physical_net */
    const char *net_type;  /* dataplane_network_type: vlan or flat */
    const char *zone;      /* availability_zone */
    bool port_security;    /* port_security_enabled for normal ports */
    long server_timeout_s; /* BUILD -> ACTIVE, DELETING -> gone */
    long monitor_s;        /* how often servers are looked at, 0: never */
    uint32_t pool_base;    /* subnet_pool: where networks without an */
    unsigned pool_prefix;  /* ip-profile get their /24 */
};

struct os_vim {
    struct slc_vim base; /* first */
    struct slc_os_session *os;
    struct os_config cfg;
    json_t *config;       /* the account's config (a copy) */
    char account_tag[40]; /* Nova tag on every server of the account */
    json_t *images;       /* image name -> Glance id */
    json_t *networks;     /* network id -> {physnet, vlan} */
    json_t *flavors_busy; /* flavor name -> creates using it */
    json_t *uplinks;      /* config dataplane_uplinks, may be NULL */
    struct job *jobs;
    json_t *servers;     /* server id -> tag: the ones the watch looks
                            after (made, found or known at the start) */
    struct event *watch; /* every config.monitor_interval_s */
    bool watching;       /* a look at Nova in flight */
    json_t *deleted;     /* server ids slicer is deleting, until a look
                            finds them gone */
};

enum job_type {
    JOB_NETWORK,
    JOB_PORT,
    JOB_COMPUTE,
    JOB_DELETE,
    JOB_STATUS,
    JOB_FIND,
    JOB_CHECK,
    JOB_SWEEP,
    JOB_WATCH,
};

struct job {
    struct os_vim *v;
    enum job_type type;
    enum slc_vim_kind kind;
    uint64_t token;
    json_t *spec; /* what the job needs (a copy) */
    char *id;     /* the resource it made or handles */
    char *name;   /* for messages */
    char *flavor; /* a compute's flavor name */
    json_t *info; /* what the result will report */
    struct event *timer;
    time_t deadline;
    bool busy_flavor; /* counted in v->flavors_busy */
    void (*later)(struct job *j); /* what the timer runs */
    struct job *next;
};

typedef void (*job_step_fn)(struct job *j);

/* The driver instance behind the core's part. */
static inline struct os_vim *
os_of(struct slc_vim *vim)
{
    return (struct os_vim *)vim;
}

/* The string member 'k' of 'o' (borrowed), or NULL. */
const char *slc_osv_jstr(const json_t *o, const char *k);

/* vim-openstack.c: jobs */
/* A new job of 'v' for the call of 'token', in v's list, with an empty
 * info; it ends with slc_osv_job_done() (or slc_osv_job_free() when it
 * never started).  NULL, with 'err' set, when out of memory. */
struct job *slc_osv_job_new(struct os_vim *v, enum job_type type,
                            enum slc_vim_kind kind, uint64_t token,
                            const char *name, struct slc_error *err);
/* Drops 'j' without a result: out of v's list, its flavor released, its
 * timer and its references gone. */
void slc_osv_job_free(struct job *j);
/* Ends 'j' with its result through slc_vim_reply() (a sweep has none):
 * 'rc' and 'msg' when 'rc' is not 0, else the job's id, 'status' and its
 * info.  Frees 'j'. */
void slc_osv_job_done(struct job *j, int rc, const char *msg,
                      const char *status);
/* slc_osv_job_done() with a formatted message and no status. */
void slc_osv_job_fail(struct job *j, int rc, const char *fmt, ...)
    SLC_PRINTF(3, 4);
/* Starts a call for job 'j' ('body' taken, may be NULL); 'done' gets 'j'.
 * A call that cannot start ends the job. */
void slc_osv_job_call(struct job *j, enum slc_os_service svc,
                      const char *method, const char *path, json_t *body,
                      slc_os_fn done);
/* Starts 'method' on "/<coll>/<the job's resource>" for job 'j'. */
void slc_osv_job_call_on(struct job *j, enum slc_os_service svc,
                         const char *method, const char *coll, slc_os_fn done);
/* Runs 'step' of 'j' again in 'ms' milliseconds; ends the job when out of
 * memory. */
void slc_osv_job_later(struct job *j, job_step_fn step, long ms);
/* A create no longer needs its flavor (a delete may take it). */
void slc_osv_release_flavor(struct job *j);

/* vim-openstack.c: marks, networks, ports, deletes */
/* The Nova tag of a server of tag 'tag', into 'buf'. */
void slc_osv_nova_tag(const struct os_vim *v, const char *tag, char *buf,
                      size_t size);
/* The engine tag a Neutron description carries for this account (inside
 * 'desc'), or NULL (another account's, or not slicer's). */
const char *slc_osv_tag_of_mark(const struct os_vim *v, const char *desc);
/* Remembers where network 'id' is (for its ports' VLAN and its uplink). */
void slc_osv_remember_network(struct os_vim *v, const char *id,
                              const json_t *net);
/* What the driver reports of Neutron port 'p' (a new object, the
 * caller's). */
json_t *slc_osv_port_facts(const struct os_vim *v, const json_t *p);
/* The VIM call delete (vim.h). */
int slc_osv_delete(struct slc_vim *vim, uint64_t token, enum slc_vim_kind kind,
                   const char *vim_id, struct slc_error *err);

/* openstack-compute.c */
/* The VIM call create_compute (vim.h). */
int slc_osv_create_compute(struct slc_vim *vim, uint64_t token,
                           const struct slc_vim_compute_spec *spec,
                           struct slc_error *err);
/* Looks at server j->id until it is ACTIVE (then the job ends as a
 * create's), in ERROR or still building at j->deadline (then it is
 * deleted and the job fails). */
void slc_osv_compute_poll(struct job *j);
/* Deletes server j->id (and its flavor when slicer made it for it alone),
 * then fails the job with 'rc' and 'msg'. */
void slc_osv_compute_failed_server(struct job *j, int rc, const char *msg);
/* What server record 'srv' says, into the job's info. */
void slc_osv_server_facts(struct job *j, const json_t *srv);
/* The answer to a delete job's GET of its server: deletes the server,
 * waits until it is gone, then deletes the flavor slicer made for it
 * when nothing uses it any more; the job ends DELETED. */
void slc_osv_server_before_delete(void *arg, int rc, const char *msg,
                                  json_t *body, long status);

/* openstack-sweep.c */
/* The VIM call reconcile (vim.h): starts the sweep, on the loop. */
int slc_osv_reconcile(struct slc_vim *vim, json_t *known,
                      struct slc_error *err);

/* openstack-sweep.c: starts looking at the account's servers every
 * cfg.monitor_s, reporting those gone from Nova or in ERROR as lost.
 * 0, or SLC_ENOMEM. */
int slc_osv_watch_start(struct os_vim *v, struct slc_error *err);
/* A server to look after ('id' made or found with 'tag'). */
void slc_osv_watch_add(struct os_vim *v, const char *id, const char *tag);
/* Server 'id' is being deleted by slicer: not a loss, not to look after
 * again. */
void slc_osv_watch_deleting(struct os_vim *v, const char *id);

#endif

/* slicerd: the slicer daemon.  Wires the libraries together: reads the
 * configuration, opens the store, creates the admin user on first start,
 * registers the drivers, recovers unfinished operations, and serves OSM's
 * NBI on one libevent loop until SIGTERM or SIGINT. */
#include <curl/curl.h>
#include <errno.h>
#include <event2/event.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api.h"
#include "auth.h"
#include "config.h"
#include "engine.h"
#include "http-server.h"
#include "notify.h"
#include "nssi.h"
#include "ns-lcm.h"
#include "sdn.h"
#include "slc-cert.h"
#include "slc-cluster.h"
#include "slc-driver.h"
#include "slc-file.h"
#include "slc-http-client.h"
#include "slc-json.h"
#include "slc-log.h"
#include "slc-metrics.h"
#include "slc-store.h"
#include "slice.h"
#include "vim.h"

SLC_LOG_MODULE(slicerd);

/* The daemon: everything it made, which it alone frees. */
struct slc_daemon {
    struct slc_config cfg;
    struct slc_store *st;
    struct event_base *base;
    struct event *end_reads;   /* the store's shared reads end here */
    struct slc_http_server *http;
    struct slc_http_server *metrics; /* metrics_listen's, or NULL */
    struct slc_http_client *http_out; /* outbound HTTP on the loop */
    struct slc_vim_registry vim_classes;
    struct slc_sdn_registry sdn_classes;
    struct slc_engine *engine;
    struct slc_slicer *slicer; /* the slice manager */
    struct slc_notifier *notifier; /* subscriptions, notifications */
    struct slc_cluster *cluster; /* other slicerd on the store, or NULL */
    char instance[300];        /* this one's name among them */
    struct slc_api api;        /* what the REST layer serves from */
    json_t *heals;             /* auto-heal: account -> [times] */
    char system_dn[256];       /* of 3GPP notifications */
    char public_url[300];      /* the base of their hrefs */
    json_t *nssmf_templates;   /* cfg.nssmf_templates as the slicer
                                  takes them */
    double (*now)(void);       /* wall clock, injectable */
};

#ifndef SLICER_VERSION
#define SLICER_VERSION "unknown"
#endif

static void
usage(FILE *out)
{
    fputs("usage: slicerd [-c FILE] [options]\n"
          "\n"
          "The slicer daemon: OSM's northbound API (NBI) on HTTP(S).\n"
          "\n"
          "  -c, --config FILE     configuration file (YAML); keys:\n"
          "                        listen, port, state_dir, store, "
          "log_level,\n"
          "                        tls, tls_cert, tls_key, admin_password, "
          "token_ttl,\n"
          "                        body_limit, op_timeout, call_timeout, "
          "port_file,\n"
          "                        notify_retry_ms, notify_retry_max_ms, "
          "notify_attempts,\n"
          "                        max_connections, "
          "max_connections_per_client,\n"
          "                        idle_timeout, request_timeout, files_dir,\n"
          "                        nssmf_vim_account, mns_subnetwork,\n"
          "                        mns_system_dn, public_url, "
          "metrics_listen\n"
          "  -l, --listen ADDR     address to listen on (127.0.0.1)\n"
          "  -p, --port N          port (9999; 0 = any free port)\n"
          "  -s, --state-dir DIR   where the store lives (/var/lib/slicer)\n"
          "  -L, --log-level L     error, warn, info, debug (info)\n"
          "      --port-file FILE  write the bound port there\n"
          "      --files-dir DIR   files a VIM account may name are under it\n"
          "                        (/etc/slicer)\n"
          "      --tls auto|off    HTTPS (auto: tls_cert and tls_key, or a\n"
          "                        self-signed certificate made in\n"
          "                        STATE_DIR/tls) or plain HTTP (off)\n"
          "      --routes          print the routes served (JSON) and exit\n"
          "  -h, --help            this text\n"
          "  -V, --version         the version\n",
          out);
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
    SLC_INFO("signal %d: shutting down", (int)sig);
    event_base_loopbreak(arg);
}

/* Parses the command line into 'cfg'; returns -1 to exit with 2, 1 to
 * exit with 0 (help, version), 0 to run. */
static int
parse_args(int argc, char **argv, struct slc_config *cfg)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"listen", required_argument, NULL, 'l'},
        {"port", required_argument, NULL, 'p'},
        {"state-dir", required_argument, NULL, 's'},
        {"log-level", required_argument, NULL, 'L'},
        {"port-file", required_argument, NULL, 'P'},
        {"files-dir", required_argument, NULL, 'F'},
        {"tls", required_argument, NULL, 'T'},
        {"routes", no_argument, NULL, 'R'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    struct {
        char key;
        const char *name;
        const char *value;
    } flags[] = {
        {'l', "listen", NULL},       {'p', "port", NULL},
        {'s', "state_dir", NULL},    {'L', "log_level", NULL},
        {'P', "port_file", NULL},   {'F', "files_dir", NULL},
        {'T', "tls", NULL},
    };
    const char *config = NULL;
    struct slc_error err = {0};
    int c;

    while ((c = getopt_long(argc, argv, "c:l:p:s:L:hV", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            config = optarg;
            break;
        case 'h':
            usage(stdout);
            return 1;
        case 'V':
            printf("slicerd %s\n", SLICER_VERSION);
            return 1;
        case 'R': {
            /* the routing table, for the OpenAPI document's check */
            json_t *routes = slc_rest_route_list();

            json_dumpf(routes, stdout, JSON_INDENT(1));
            putchar('\n');
            json_decref(routes);
            return 1;
        }
        case '?':
            usage(stderr);
            return -1;
        default:
            for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
                if (flags[i].key == c) {
                    flags[i].value = optarg;
                }
            }
            break;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "slicerd: unexpected argument '%s'\n", argv[optind]);
        return -1;
    }
    if (config && slc_config_load(cfg, config, &err)) {
        fprintf(stderr, "slicerd: %s\n", err.msg);
        return -1;
    }
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        if (flags[i].value &&
            slc_config_set(cfg, flags[i].name, flags[i].value, &err)) {
            fprintf(stderr, "slicerd: %s\n", err.msg);
            return -1;
        }
    }
    if (slc_config_finish(cfg, &err)) {
        fprintf(stderr, "slicerd: %s\n", err.msg);
        return -1;
    }
    return 0;
}

static int
register_drivers(struct slc_daemon *d, struct slc_error *err)
{
    int rc = slc_vim_registry_add(&d->vim_classes, &slc_vim_sim_class, err);

    rc = rc ? rc
            : slc_vim_registry_add(&d->vim_classes, &slc_vim_netns_class,
                                   err);
    rc = rc ? rc
            : slc_vim_registry_add(&d->vim_classes, &slc_vim_openstack_class,
                                   err);
    rc = rc ? rc
            : slc_sdn_registry_add(&d->sdn_classes, &slc_sdn_dummy_class,
                                   err);
    rc = rc ? rc
            : slc_sdn_registry_add(&d->sdn_classes, &slc_sdn_ovs_class, err);
    rc = rc ? rc
            : slc_sdn_registry_add(&d->sdn_classes, &slc_sdn_osken_class,
                                   err);
    rc = rc ? rc
            : slc_sdn_registry_add(&d->sdn_classes, &slc_sdn_onos_vpls_class,
                                   err);
    rc = rc ? rc
            : slc_sdn_registry_add(&d->sdn_classes, &slc_sdn_onosof_class,
                                   err);
    rc = rc ? rc
            : slc_sdn_registry_add(&d->sdn_classes, &slc_sdn_odlof_class,
                                   err);
    return rc ? rc
              : slc_sdn_registry_add(&d->sdn_classes,
                                     &slc_sdn_floodlightof_class, err);
}

/* The TLS certificate and key (NULL when TLS is off): the configured
 * files, or the self-signed pair in <state_dir>/tls, made on the first
 * start.  Its fingerprint is logged, for clients to check. */
static int
read_tls(const struct slc_config *cfg, char **cert, char **key,
         struct slc_error *err)
{
    char dir[4096], fp[SLC_CERT_FINGERPRINT_LEN];
    bool created;
    size_t size;
    int rc = 0;

    *cert = *key = NULL;
    if (!strcmp(cfg->tls, "off")) {
        return 0;
    }
    if (cfg->tls_cert) {
        rc = slc_read_file(cfg->tls_cert, 1 << 20, cert, &size, err);
        if (!rc) {
            rc = slc_read_file(cfg->tls_key, 1 << 20, key, &size, err);
        }
        if (!rc && !slc_cert_fingerprint(*cert, fp, err)) {
            SLC_INFO("TLS: certificate %s, SHA-256 fingerprint %s",
                     cfg->tls_cert, fp);
        }
        return rc;
    }
    if ((size_t)snprintf(dir, sizeof dir, "%s/tls", cfg->state_dir) >=
        sizeof dir) {
        return slc_error_set(err, SLC_EINVALID, "state_dir is too long");
    }
    rc = slc_cert_self_signed(dir, cfg->listen, cert, key, fp, &created,
                              err);
    if (!rc) {
        SLC_INFO("TLS: %s self-signed certificate %s/cert.pem, SHA-256 "
                 "fingerprint %s",
                 created ? "made a" : "the", dir, fp);
    }
    return rc;
}

static int
write_port_file(const char *path, unsigned port, struct slc_error *err)
{
    char tmp[4096];
    FILE *f;

    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    f = fopen(tmp, "w");
    if (!f || fprintf(f, "%u\n", port) < 0 || fclose(f) ||
        rename(tmp, path)) {
        return slc_error_set(err, SLC_EIO, "port file '%s': %s", path,
                             strerror(errno));
    }
    return 0;
}

/* The engine and the slice manager tell of every operation state change:
 * slices wait on them, subscribers hear of them. */
static void
on_op_state(void *arg, const json_t *op)
{
    struct slc_daemon *d = arg;
    const char *coll = slc_engine_op_collection(op);
    const char *state = json_string_value(json_object_get(op,
                                                          "operationState"));
    const char *type = json_string_value(json_object_get(op,
                                                         "lcmOperationType"));

    if (coll && state && type &&
        (!strcmp(coll, "nslcmops") || !strcmp(coll, "nsilcmops")) &&
        strcmp(state, "PROCESSING") && strcmp(state, "ROLLING_BACK")) {
        /* an NS or slice operation ended */
        const char *kind = strcmp(coll, "nslcmops") ? "nsi" : "ns";
        double took = json_number_value(json_object_get(op,
                                                        "statusEnteredTime")) -
                      json_number_value(json_object_get(op, "startTime"));

        slc_metrics_add("slicer_operations_total", 1, kind, type, state);
        slc_metrics_observe("slicer_operation_duration_seconds",
                            took > 0 ? took : 0, kind, type);
    }
    if (d->slicer) {
        slc_slicer_op_state(d->slicer, op);
        slc_nssi_track(d->slicer, op);
    }
    slc_notify_op(d->notifier, op);
}

/* An NSSI changed: its 3GPP subscribers hear of it. */
static void
on_nssi_event(void *arg, const json_t *rec, const json_t *old_attrs,
              const json_t *new_attrs)
{
    struct slc_daemon *d = arg;

    slc_provmns_nssi_event(&d->api, rec, old_attrs, new_attrs);
}

/* A VIM lost a VDU while the daemon ran: its account may ask for it to
 * be healed at once (config.auto_heal). */
static void
on_lost(void *arg, const char *account_id, const char *tag, const char *why)
{
    struct slc_daemon *d = arg;
    struct slc_error err = {0};
    char op_id[40];

    if (!d->heals) {
        d->heals = json_object();
    }
    if (slc_ns_auto_heal(d->st, d->engine, d->heals, account_id, tag, why,
                         d->now(), op_id, &err)) {
        SLC_ERR("auto-heal of %s: %s", tag, err.msg);
    }
}

/* metrics_listen's listener: "ADDRESS:PORT" ("[V6]:PORT"), plain HTTP,
 * GET /metrics only (metrics-api.c says why). */
static int
start_metrics(struct slc_daemon *d, struct slc_error *err)
{
    const char *spec = d->cfg.metrics_listen;
    const char *colon = strrchr(spec, ':');
    char addr[64];
    char *end;
    unsigned long port = colon ? strtoul(colon + 1, &end, 10) : 0;
    struct slc_http_server_params hp = {
        .body_limit = 4096,
        .max_connections = 16,
        .idle_timeout = 30,
        .request_timeout = 10,
        .base = d->base,
        .handler = slc_metrics_handle,
        .ctx = &d->api,
    };
    int rc;

    if (!colon || colon == spec || !colon[1] || *end || port > 65535 ||
        (size_t)(colon - spec) >= sizeof addr) {
        return slc_error_set(err, SLC_EINVALID,
                             "metrics_listen: '%.64s' is not ADDRESS:PORT",
                             spec);
    }
    snprintf(addr, sizeof addr, "%.*s", (int)(colon - spec), spec);
    if (addr[0] == '[' && addr[strlen(addr) - 1] == ']') {
        memmove(addr, addr + 1, strlen(addr));
        addr[strlen(addr) - 1] = '\0';
    }
    hp.address = addr;
    hp.port = (unsigned)port;
    rc = slc_http_server_start(&hp, &d->metrics, err);
    if (!rc) {
        SLC_INFO("metrics on http %s port %u, GET /metrics (no token)",
                 addr, slc_http_server_port(d->metrics));
    }
    return rc ? slc_error_prefix(err, "metrics_listen") : 0;
}

/* An operation of an instance that died, now this one's: resumed where
 * its steps stand. */
static void
on_orphan(void *arg, const char *coll, const char *id)
{
    struct slc_daemon *d = arg;
    struct slc_error err = {0};

    if (!strcmp(coll, "subscriptions")) {
        slc_notifier_adopt(d->notifier, id);
    } else if (slc_slicer_resume(d->slicer, coll, id)) {
        return;
    } else if (slc_engine_resume(d->engine, coll, id, &err)) {
        SLC_ERR("operation %s: cannot resume it: %s", id, err.msg);
    }
}

/* An instance died: what it stored but had not claimed yet is resumed
 * too (by whichever survivor claims it first). */
static void
on_gone(void *arg)
{
    struct slc_daemon *d = arg;

    slc_engine_resume_unclaimed(d->engine);
    slc_slicer_resume_unclaimed(d->slicer);
}

/* What other instances change that this one keeps in memory. */
static void
on_token_change(void *arg, const char *coll, const char *id, bool deleted)
{
    struct slc_daemon *d = arg;

    (void)coll;
    if (deleted || !id) {
        /* revoked, maybe elsewhere; every token when changes were
         * missed (checked again against the store when next used) */
        slc_auth_forget(d->api.tokens, id);
    }
}

static void
on_roles_change(void *arg, const char *coll, const char *id, bool deleted)
{
    struct slc_daemon *d = arg;
    struct slc_error err = {0};

    (void)coll;
    (void)id;
    (void)deleted;
    if (slc_auth_load_roles(d->st, d->api.tokens, &err)) {
        SLC_ERR("roles changed: %s", err.msg);
    }
}

static void
on_subscription_change(void *arg, const char *coll, const char *id,
                       bool deleted)
{
    struct slc_daemon *d = arg;

    (void)deleted;
    if (id) {
        slc_notifier_sync(d->notifier, coll, id);
    } else {
        slc_notifier_sync_all(d->notifier, coll);
    }
}

static void
on_note_change(void *arg, const char *coll, const char *id, bool deleted)
{
    struct slc_daemon *d = arg;

    (void)coll;
    if (id) {
        slc_notifier_note(d->notifier, id, deleted);
    } else {
        slc_notifier_note_all(d->notifier);
    }
}

static int
watch_cluster(struct slc_daemon *d, struct slc_error *err)
{
    int rc = slc_cluster_watch(d->cluster, "tokens", on_token_change, d,
                               err);

    rc = rc ? rc
            : slc_cluster_watch(d->cluster, "roles", on_roles_change, d,
                                err);
    rc = rc ? rc
            : slc_cluster_watch(d->cluster, slc_notify_notes,
                                on_note_change, d, err);
    for (int api = 0; !rc && api < SLC_NOTIFY_APIS; api++) {
        rc = slc_cluster_watch(d->cluster,
                               slc_notify_collection((enum slc_notify_api)api),
                               on_subscription_change, d, err);
    }
    return rc;
}

/* Joins the other slicerd on an etcd store (none on SQLite). */
static int
join_cluster(struct slc_daemon *d, struct slc_error *err)
{
    char host[256] = "localhost";
    struct slc_cluster_params cp = {
        .base = d->base,
        .store = d->cfg.store,
        .instance = d->cfg.instance,
        .ttl_s = (unsigned)d->cfg.cluster_ttl_s,
        .orphan = on_orphan,
        .gone = on_gone,
        .arg = d,
        .http = d->http_out,
    };

    if (!cp.instance) {
        gethostname(host, sizeof host - 1);
        snprintf(d->instance, sizeof d->instance, "%s-%ld", host,
                 (long)getpid());
        cp.instance = d->instance;
    }
    return slc_cluster_new(&cp, &d->cluster, err);
}

/* The event loop.  Changes to a socket's events within one turn of the
 * loop reach epoll once (its change list): every keep-alive request
 * stops reading while it is handled and reads again once answered, which
 * is otherwise two epoll_ctl calls per request. */
static struct event_base *
new_base(void)
{
    struct event_config *cfg = event_config_new();
    struct event_base *base;

    if (!cfg) {
        return NULL;
    }
    event_config_set_flag(cfg, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
    base = event_base_new_with_config(cfg);
    event_config_free(cfg);
    if (base && event_base_priority_init(base, SLC_PRIO_N)) {
        event_base_free(base);
        return NULL;
    }
    return base;
}

/* The store took a snapshot for reads (slc_store_share_reads): it ends
 * once the loop has nothing more urgent to do, so that the requests one
 * turn serves share it (a GET is one read). */
static void
reads_held(void *arg)
{
    event_active(arg, 0, 0);
}

static void
on_end_reads(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    slc_store_end_reads(arg);
}

/* Collections every operation reads and few requests write: their
 * documents are parsed once per change (slc_store_cache_docs). */
static const char *const read_mostly[] = {
    "nsds",  "vnfds", "pnfds",          "nsts",  "vim_accounts",
    "sdns",  "pdus",  "nssmf_accounts", "roles", "projects",
    "users", NULL};

static int
run(struct slc_daemon *d)
{
    static const char *const op_colls[] = {"nslcmops", "slice_net_ops",
                                           NULL};
    static const char *const res_colls[] = {"nsrs", "slice_networks", NULL};
    struct slc_error err = {0};
    struct event *sigterm = NULL, *sigint = NULL;
    char *generated = NULL, *cert = NULL, *key = NULL;
    struct slc_engine_params ep = {0};
    char helper_dir[4096] = "";
    ssize_t len = readlink("/proc/self/exe", helper_dir,
                           sizeof helper_dir - 1);
    int rc;

    /* helpers (slicer-netns-role) are installed next to slicerd */
    if (len > 0 && strrchr(helper_dir, '/')) {
        helper_dir[len] = '\0';
        *strrchr(helper_dir, '/') = '\0';
    }

    /* the TLS certificate lives there whatever the store */
    if (mkdir(d->cfg.state_dir, 0700) && errno != EEXIST) {
        fprintf(stderr, "slicerd: state_dir '%s': %s\n", d->cfg.state_dir,
                strerror(errno));
        return 1;
    }
    rc = slc_store_open(d->cfg.store, &d->st, &err);
    rc = rc ? rc : slc_store_cache_docs(d->st, read_mostly, &err);
    /* several instances starting at once on an empty store: one writes
     * the roles and the admin, the others find them on a second look */
    for (int tries = 0; !rc && tries < 3; tries++) {
        json_t *read_only = slc_rest_read_only_permissions();

        rc = slc_auth_bootstrap(d->st, d->cfg.admin_password, read_only,
                                &generated, &err);
        json_decref(read_only);
        if (rc != SLC_ECONFLICT && rc != SLC_EEXISTS) {
            break;
        }
        rc = tries < 2 ? 0 : rc;
    }
    if (!rc && generated) {
        printf("slicerd: created user 'admin' (project 'admin') with "
               "password %s -- it is shown only once\n",
               generated);
        fflush(stdout);
        free(generated);
    }
    d->base = rc ? NULL : new_base();
    d->api.tokens = rc ? NULL : calloc(1, sizeof *d->api.tokens);
    if (!rc && (!d->base || !d->api.tokens)) {
        rc = slc_error_set(&err, SLC_ENOMEM, "cannot create the event loop");
    }
    if (!rc && (!(d->end_reads = event_new(d->base, -1, 0, on_end_reads,
                                            d->st)) ||
                event_priority_set(d->end_reads, SLC_PRIO_IDLE))) {
        rc = slc_error_set(&err, SLC_ENOMEM, "cannot create the event loop");
    }
    if (!rc) {
        slc_store_share_reads(d->st, reads_held, d->end_reads);
    }
    rc = rc ? rc
            : slc_http_client_new(d->base, 30000, 16u << 20, &d->http_out,
                                  &err);
    rc = rc ? rc : join_cluster(d, &err);
    rc = rc ? rc : slc_auth_load_roles(d->st, d->api.tokens, &err);
    rc = rc ? rc : register_drivers(d, &err);
    if (!rc) {
        ep = (struct slc_engine_params){
            .st = d->st,
            .base = d->base,
            .vims = &d->vim_classes,
            .sdns = &d->sdn_classes,
            .state_dir = d->cfg.state_dir,
            .helper_dir = helper_dir,
            .now = d->now,
            .call_timeout = (double)d->cfg.call_timeout,
            .finish = slc_slicer_finish,
            .state_changed = on_op_state,
            .lost = on_lost,
            .state_arg = d,
            .op_collections = op_colls,
            .resource_collections = res_colls,
            .cluster = d->cluster,
            .shared_state = d->cluster ? d->cfg.store : NULL,
        };
        rc = slc_engine_new(&ep, &d->engine, &err);
    }
    if (!rc) {
        d->nssmf_templates = json_array();
        for (size_t i = 0; i < d->cfg.n_nssmf_templates; i++) {
            const struct slc_nssmf_template *t = &d->cfg.nssmf_templates[i];
            json_t *row = json_pack("{ss}", "nst", t->nst);

            if (t->subnet_type) {
                json_object_set_new(row, "subnet_type",
                                    json_string(t->subnet_type));
            }
            if (t->sst) {
                json_object_set_new(row, "sst",
                                    json_integer((json_int_t)t->sst));
            }
            if (t->sd) {
                json_object_set_new(row, "sd", json_string(t->sd));
            }
            if (t->max_ues) {
                json_object_set_new(row, "max_ues",
                                    json_integer((json_int_t)t->max_ues));
            }
            json_array_append_new(d->nssmf_templates, row);
        }
    }
    if (!rc) {
        struct slc_slicer_params sp = {
            .st = d->st,
            .engine = d->engine,
            .base = d->base,
            .now = d->now,
            .op_timeout = (double)d->cfg.op_timeout,
            .state_changed = on_op_state,
            .state_arg = d,
            .nssi_event = on_nssi_event,
            .nssi_arg = d,
            .default_vim_account = d->cfg.nssmf_vim_account,
            .nssmf_templates = d->nssmf_templates,
            .http = d->http_out,
            .public_url = d->public_url,
            .cluster = d->cluster,
        };

        rc = slc_slicer_new(&sp, &d->slicer, &err);
    }
    if (!rc) {
        struct slc_notifier_params np = {
            .st = d->st,
            .base = d->base,
            .http = d->http_out,
            .now = d->now,
            .retry_initial = (double)d->cfg.notify_retry_ms / 1000.0,
            .retry_max = (double)d->cfg.notify_retry_max_ms / 1000.0,
            .max_attempts = (unsigned)d->cfg.notify_attempts,
            .probe_timeout_ms = 10000,
            .post_timeout_ms = 30000,
            .cluster = d->cluster,
        };

        rc = slc_notifier_new(&np, &d->notifier, &err);
    }
    /* the API's parts before recovery: an NSSI whose state recovery
     * changes is told to 3GPP subscribers through them */
    if (!rc) {
        d->api = (struct slc_api){
            .st = d->st,
            .engine = d->engine,
            .slicer = d->slicer,
            .notifier = d->notifier,
            .tokens = d->api.tokens,
            .vim_classes = &d->vim_classes,
            .sdn_classes = &d->sdn_classes,
            .token_ttl = d->cfg.token_ttl,
            .op_timeout = d->cfg.op_timeout,
            .files_dir = d->cfg.files_dir,
            .now = d->now,
            .subnetwork = d->cfg.mns_subnetwork,
            .system_dn = d->system_dn,
            .public_url = d->public_url,
            .page_size = (size_t)d->cfg.list_page_size,
        };
        snprintf(d->system_dn, sizeof d->system_dn, "%s",
                 d->cfg.mns_system_dn ? d->cfg.mns_system_dn : "");
        if (!d->cfg.mns_system_dn) {
            snprintf(d->system_dn, sizeof d->system_dn,
                     "SubNetwork=%s,ManagementNode=slicerd",
                     d->cfg.mns_subnetwork);
        }
    }
    rc = rc ? rc : watch_cluster(d, &err);
    rc = rc ? rc : slc_engine_recover(d->engine, &err);
    rc = rc ? rc : slc_slicer_recover(d->slicer, &err);
    rc = rc ? rc : slc_nssi_reconcile(d->slicer, &err);
    rc = rc ? rc : read_tls(&d->cfg, &cert, &key, &err);
    if (!rc) {
        struct slc_http_server_params hp = {
            .address = d->cfg.listen,
            .port = (unsigned)d->cfg.port,
            .tls_cert_pem = cert,
            .tls_key_pem = key,
            .body_limit = (size_t)d->cfg.body_limit,
            .max_connections = (unsigned)d->cfg.max_connections,
            .max_connections_per_client =
                (unsigned)d->cfg.max_connections_per_client,
            .idle_timeout = (unsigned)d->cfg.idle_timeout,
            .request_timeout = (unsigned)d->cfg.request_timeout,
            .base = d->base,
            .handler = slc_rest_handle,
            .ctx = &d->api,
        };

        rc = slc_http_server_start(&hp, &d->http, &err);
    }
    if (!rc && d->cfg.metrics_listen) {
        rc = start_metrics(d, &err);
    }
    if (key) {
        explicit_bzero(key, strlen(key));
    }
    free(cert);
    free(key);
    if (!rc && d->cfg.public_url) {
        snprintf(d->public_url, sizeof d->public_url, "%s",
                 d->cfg.public_url);
    } else if (!rc) {
        bool v6 = strchr(d->cfg.listen, ':') != NULL;

        snprintf(d->public_url, sizeof d->public_url, "%s://%s%s%s:%u",
                 strcmp(d->cfg.tls, "off") ? "https" : "http",
                 v6 ? "[" : "", d->cfg.listen,
                 v6 ? "]" : "", slc_http_server_port(d->http));
    }
    if (!rc && d->cfg.port_file) {
        rc = write_port_file(d->cfg.port_file,
                             slc_http_server_port(d->http), &err);
    }
    if (!rc) {
        sigterm = evsignal_new(d->base, SIGTERM, on_signal, d->base);
        sigint = evsignal_new(d->base, SIGINT, on_signal, d->base);
        if (!sigterm || !sigint || event_add(sigterm, NULL) ||
            event_add(sigint, NULL)) {
            rc = slc_error_set(&err, SLC_ENOMEM, "cannot watch signals");
        }
    }
    if (!rc) {
        SLC_INFO("listening on %s%s port %u (store %s)",
                 strcmp(d->cfg.tls, "off") ? "https " : "", d->cfg.listen,
                 slc_http_server_port(d->http), d->cfg.store);
        event_base_dispatch(d->base);
    } else {
        fprintf(stderr, "slicerd: %s\n", err.msg);
    }
    if (sigterm) {
        event_free(sigterm);
    }
    if (sigint) {
        event_free(sigint);
    }
    slc_notifier_free(d->notifier); /* answers its deferred requests */
    /* so do the switch reads: their callers hold deferred replies */
    slc_engine_cancel_reads(d->engine, "slicerd is stopping");
    slc_engine_cancel_checks(d->engine, "slicerd is stopping");
    slc_http_server_stop(d->metrics);
    slc_http_server_stop(d->http);
    slc_engine_free(d->engine);
    slc_slicer_free(d->slicer);
    /* after the engine: what it still ran is left to the others */
    slc_cluster_free(d->cluster);
    slc_http_client_free(d->http_out);
    if (d->end_reads) {
        slc_store_share_reads(d->st, NULL, NULL); /* ends the snapshot */
        event_free(d->end_reads);
    }
    if (d->base) {
        event_base_free(d->base);
    }
    slc_store_close(d->st);
    json_decref(d->heals);
    json_decref(d->nssmf_templates);
    if (d->api.tokens) {
        slc_auth_cache_clear(d->api.tokens);
    }
    free(d->api.tokens);
    return rc ? 1 : 0;
}

int
main(int argc, char **argv)
{
    struct slc_daemon d = {.now = slc_json_epoch_now};
    int rc;

    signal(SIGPIPE, SIG_IGN);
#ifndef SLC_JEMALLOC
    /* Built with the C library's malloc (meson's allocator option; a
     * release build links jemalloc, which keeps freed memory for reuse
     * on its own).  An operation allocates and frees a few hundred kB of
     * documents.  With glibc's defaults (trim above 128 kB free at the
     * heap's top, grow by what is asked) every operation shrank the heap
     * and grew it again: brk calls, fresh pages faulted in, TLB
     * shootdowns across the threads.  Keeping up to 16 MB free at the
     * top, and growing by 4 MB, made a slice instantiate 20% faster
     * (bench-slice); it does not raise the peak, only what is kept after
     * it.  Setting these turns off glibc's sliding mmap threshold, which
     * had risen to fit the largest buffers (a page of a list is
     * megabytes): left at its 128 kB start, each such buffer was mapped
     * and unmapped afresh, and a list's first page took 26 ms instead of
     * 8 (bench-nbi).  Large buffers come from the heap too. */
    mallopt(M_TRIM_THRESHOLD, 16 << 20);
    mallopt(M_TOP_PAD, 4 << 20);
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
#endif
    curl_global_init(CURL_GLOBAL_DEFAULT);
    slc_config_defaults(&d.cfg);
    rc = parse_args(argc, argv, &d.cfg);
    if (rc) {
        slc_config_clear(&d.cfg);
        return rc > 0 ? 0 : 2;
    }
    slc_log_set_level(
        (enum slc_log_level)slc_log_level_from_name(d.cfg.log_level));
    rc = run(&d);
    slc_metrics_reset();
    slc_config_clear(&d.cfg);
    curl_global_cleanup();
    return rc;
}

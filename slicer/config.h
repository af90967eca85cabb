/* slicerd's configuration: a YAML file of known keys (unknown keys are
 * errors naming the key), with defaults for everything, overridden by
 * command-line flags.  The keys are one table in config.c. */
#ifndef SLC_CONFIG_H
#define SLC_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "slc-arena.h"
#include "slc-error.h"

struct slc_yaml_doc;

/* A row of the NSSMF's template table (nssmf_templates). */
struct slc_nssmf_template {
    const char *subnet_type;   /* networkSliceSubnetType, or NULL: any */
    uint64_t sst;              /* 0: any */
    const char *sd;            /* or NULL: any */
    const char *nst;           /* the NST (name or id) */
    uint64_t max_ues;          /* UEs an NSSI of it serves, summed over
                                  its profiles; 0: not bounded */
};

struct slc_config {
    const char *listen;        /* address, default 127.0.0.1 */
    uint64_t port;             /* default 9999; 0 = any free port */
    const char *state_dir;     /* default /var/lib/slicer */
    const char *store;         /* default sqlite:<state_dir>/slicer.db */
    const char *log_level;     /* error, warn, info, debug */
    const char *tls;           /* "auto" (default): HTTPS, with tls_cert
                                  and tls_key, or else a self-signed
                                  certificate made in <state_dir>/tls;
                                  "off": plain HTTP */
    const char *tls_cert;      /* PEM files; both or neither */
    const char *tls_key;
    const char *admin_password;/* for the admin created on first start */
    uint64_t token_ttl;        /* seconds */
    uint64_t body_limit;       /* bytes */
    /* The HTTP edge (http-server.h): how many connections in all and
     * from one client address (0 = no per-client limit), and how long a
     * connection may stay silent and take to send a whole request. */
    uint64_t max_connections;  /* default 512 */
    uint64_t max_connections_per_client; /* default 64 */
    uint64_t idle_timeout;     /* seconds, default 30 */
    uint64_t request_timeout;  /* seconds, default 60 */
    uint64_t op_timeout;       /* seconds, default per operation */
    uint64_t call_timeout;     /* seconds, per VIM/SDN call */
    uint64_t notify_retry_ms;  /* first wait before a notification is
                                  sent again; doubles each time */
    uint64_t notify_retry_max_ms; /* the longest of those waits */
    uint64_t notify_attempts;  /* tries of one notification at most */
    const char *port_file;     /* where to write the bound port, or NULL */
    const char *files_dir;     /* the files a record may name (a VIM
                                  account's config.hosts) are under it;
                                  default /etc/slicer */
    /* The 3GPP and ONAP slice management APIs (provmns-api.c): */
    const char *nssmf_vim_account; /* the VIM account (name or id) of the
                                      slices they allocate; default: the
                                      project's only one */
    const char *mns_subnetwork; /* the SubNetwork id of slicer's MOIs
                                   (default "slicer") */
    const char *mns_system_dn;  /* systemDN of notifications (default
                                   SubNetwork=<id>,ManagementNode=slicerd) */
    const char *metrics_listen; /* "ADDRESS:PORT" of a plain HTTP
                                   listener of GET /metrics without a
                                   token; NULL: none */
    uint64_t list_page_size;    /* records in a page of a list (SOL013's
                                   nextpage_opaque_marker), default 1,000;
                                   0: lists whole */
    const char *instance;       /* this slicerd's name among several on one
                                   etcd store (default: host name and
                                   listening port) */
    uint64_t cluster_ttl_s;     /* their lease's time to live (default 3):
                                   a dead instance's operations are taken
                                   over within it */
    const char *public_url;     /* the base of the hrefs in notifications
                                   (default: the scheme, listen address
                                   and bound port) */
    /* The NST of a slice profile an NSMF allocates, by subnet type and
     * S-NSSAI; the first row that matches wins. */
    struct slc_nssmf_template *nssmf_templates;
    size_t n_nssmf_templates;
    struct slc_arena arena;    /* strings the config owns */
    struct slc_yaml_doc *doc;
};

/* Fills 'cfg' with the defaults. */
void slc_config_defaults(struct slc_config *cfg);
/* Reads the YAML file 'path' over the defaults.  Errors name the file,
 * line:column, key and value. */
int slc_config_load(struct slc_config *cfg, const char *path,
                    struct slc_error *err);
/* Sets one key from text (a command-line flag); errors name the key. */
int slc_config_set(struct slc_config *cfg, const char *key,
                   const char *value, struct slc_error *err);
/* Checks the combination (TLS pair, log level) and fills derived values
 * (the store location). */
int slc_config_finish(struct slc_config *cfg, struct slc_error *err);
/* Frees what the configuration owns. */
void slc_config_clear(struct slc_config *cfg);

#endif

/* slicectl's commands on infrastructure records: VIM accounts
 * (vim-create, vim-update) and SDN controllers (sdn-create), as
 * osmclient's vim-create, vim-update --sdn_controller --sdn_port_mapping
 * and sdnc-create send them. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slc-diag.h"
#include "slc-yaml.h"
#include "slicectl-internal.h"

/* What a record of a controller or VIM is given on the command line:
 * --name --type --url --user --password --config. */
struct record_opts {
    const char *name, *type, *url, *user, *password;
    const char *tenant;       /* vim-create: OSM's --tenant (the project) */
    json_t *config;           /* parsed --config, or NULL */
};

/* Reads the options of 'command' into 'ro' (its defaults kept); 1 with
 * the problem printed on a bad option or a missing --name or --type. */
static int
parse_record(const char *command, int argc, char **argv,
             struct record_opts *ro)
{
    static const struct option opts[] = {
        {"name", required_argument, NULL, 'n'},
        {"type", required_argument, NULL, 't'},
        {"url", required_argument, NULL, 'u'},
        {"user", required_argument, NULL, 'U'},
        {"password", required_argument, NULL, 'p'},
        {"tenant", required_argument, NULL, 'T'},
        {"config", required_argument, NULL, 'c'},
        {NULL, 0, NULL, 0},
    };
    const char *config = NULL;
    int opt;

    optind = 1;
    while ((opt = getopt_long(argc, argv, "n:t:u:U:p:T:c:", opts, NULL)) !=
           -1) {
        switch (opt) {
        case 'n': ro->name = optarg; break;
        case 't': ro->type = optarg; break;
        case 'u': ro->url = optarg; break;
        case 'U': ro->user = optarg; break;
        case 'p': ro->password = optarg; break;
        case 'T': ro->tenant = optarg; break;
        case 'c': config = optarg; break;
        default: return 1;
        }
    }
    if (!ro->name || !ro->type) {
        fprintf(stderr, "slicectl: %s needs --name%s\n", command,
                ro->type ? "" : " and --type");
        return 1;
    }
    return config ? slc_ctl_parse_params("--config", config, &ro->config)
                  : 0;
}

/* POSTs 'body' to 'path' and prints the new record's id. */
static int
create(struct remote *r, const char *path, json_t *body)
{
    json_t *reply = NULL;
    int rc = slc_ctl_call_json(r, "POST", path, body, &reply);

    if (!rc) {
        printf("%s\n", slc_ctl_str(reply, "id"));
    }
    json_decref(reply);
    return rc;
}

int
slc_ctl_vim_create(struct remote *r, int argc, char **argv)
{
    struct record_opts ro = {.type = "sim", .url = "http://localhost"};

    if (parse_record("vim-create", argc, argv, &ro)) {
        return 1;
    }
    return create(r, "/admin/v1/vim_accounts",
                  json_pack("{ss ss ss ss* ss* ss* so*}", "name", ro.name,
                            "vim_type", ro.type, "vim_url", ro.url,
                            "vim_user", ro.user, "vim_password",
                            ro.password, "vim_tenant_name", ro.tenant,
                            "config", ro.config));
}

/* sdnc-create: an SDN controller record (OSM's sdnc-create). */
int
slc_ctl_sdnc_create(struct remote *r, int argc, char **argv)
{
    struct record_opts ro = {0};

    if (parse_record("sdnc-create", argc, argv, &ro)) {
        return 1;
    }
    return create(r, "/admin/v1/sdns",
                  json_pack("{ss ss ss* ss* ss* so*}", "name", ro.name,
                            "type", ro.type, "url", ro.url, "user", ro.user,
                            "password", ro.password, "config", ro.config));
}

/* A YAML or JSON file as a JSON value (new), or NULL with the problem
 * printed (its file:line:column). */
static json_t *
load_yaml_file(const char *path)
{
    struct slc_diags diags = SLC_DIAGS_INIT;
    struct slc_yaml_doc *doc = NULL;
    json_t *v = NULL;

    if (!slc_yaml_load_file(path, NULL, &doc, &diags)) {
        v = json_incref(slc_yaml_root(doc));
    } else {
        char msg[512] = "cannot read it";

        if (diags.len) {
            slc_diag_format(&diags.items[0], msg, sizeof msg);
        }
        fprintf(stderr, "slicectl: %s: %s\n", path, msg);
    }
    slc_yaml_free(doc);
    slc_diags_clear(&diags);
    return v;
}

/* vim-update ID: changes a VIM account's config, key by key (OSM's
 * vim-update --sdn_controller --sdn_port_mapping). */
int
slc_ctl_vim_update(struct remote *r, int argc, char **argv)
{
    const char *config = NULL, *sdn = NULL, *mapping = NULL;
    json_t *cur = NULL, *cfg, *more = NULL, *reply = NULL;
    char path[512];
    int rc, opt;
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"sdn-controller", required_argument, NULL, 's'},
        {"sdn-port-mapping", required_argument, NULL, 'm'},
        {NULL, 0, NULL, 0},
    };

    optind = 0; /* a fresh scan: the ID may come before the options */
    while ((opt = getopt_long(argc, argv, "c:s:m:", opts, NULL)) != -1) {
        switch (opt) {
        case 'c': config = optarg; break;
        case 's': sdn = optarg; break;
        case 'm': mapping = optarg; break;
        default: return 1;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "slicectl: usage: vim-update ID [--config YAML] "
                        "[--sdn-controller SDN] [--sdn-port-mapping FILE]\n");
        return 1;
    }
    if (config && slc_ctl_parse_params("--config", config, &more)) {
        return 1;
    }
    snprintf(path, sizeof path, "/admin/v1/vim_accounts/%s", argv[optind]);
    rc = slc_ctl_call_json(r, "GET", path, NULL, &cur);
    cfg = rc ? NULL : json_deep_copy(json_object_get(cur, "config"));
    cfg = cfg ? cfg : json_object();
    if (more) {
        json_object_update(cfg, more);
    }
    if (!rc && sdn) {
        json_object_set_new(cfg, "sdn-controller", json_string(sdn));
    }
    if (!rc && mapping) {
        json_t *m = load_yaml_file(mapping);

        if (!m) {
            rc = 1;
        }
        json_object_set_new(cfg, "sdn-port-mapping", m);
    }
    if (!rc) {
        rc = slc_ctl_call_json(r, "PATCH", path,
                               json_pack("{so}", "config", cfg), &reply);
    } else {
        json_decref(cfg);
    }
    json_decref(more);
    json_decref(cur);
    json_decref(reply);
    return rc;
}

/* slicectl's commands on infrastructure records: VIM accounts, SDN
 * controllers and PDUs (/osm/admin/v1/vim_accounts, /sdns,
 * /osm/pdu/v1/pdu_descriptors), as osmclient's vim-create, vim-update
 * --sdn_controller --sdn_port_mapping, sdnc-create and pdu-create send
 * them. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slicectl-internal.h"

#define VIMS "/admin/v1/vim_accounts"
#define SDNS "/admin/v1/sdns"
#define PDUS "/pdu/v1/pdu_descriptors"

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

static int
cmd_vim_create(struct remote *r, int argc, char **argv)
{
    struct record_opts ro = {.type = "sim", .url = "http://localhost"};

    if (parse_record("vim-create", argc, argv, &ro)) {
        return SLC_CTL_EXIT_USAGE;
    }
    return slc_ctl_create(r, VIMS,
                          json_pack("{ss ss ss ss* ss* ss* so*}", "name",
                                    ro.name, "vim_type", ro.type, "vim_url",
                                    ro.url, "vim_user", ro.user,
                                    "vim_password", ro.password,
                                    "vim_tenant_name", ro.tenant, "config",
                                    ro.config));
}

/* sdnc-create: an SDN controller record (OSM's sdnc-create). */
static int
cmd_sdnc_create(struct remote *r, int argc, char **argv)
{
    struct record_opts ro = {0};

    if (parse_record("sdnc-create", argc, argv, &ro)) {
        return SLC_CTL_EXIT_USAGE;
    }
    return slc_ctl_create(r, SDNS,
                          json_pack("{ss ss ss* ss* ss* so*}", "name",
                                    ro.name, "type", ro.type, "url", ro.url,
                                    "user", ro.user, "password", ro.password,
                                    "config", ro.config));
}

/* The record at 'url'/'id' with the members of 'change' set, its config
 * changed key by key by 'config' (taken; may be NULL) rather than
 * replaced: PATCHes it. */
static int
patch_merging_config(struct remote *r, const char *url, const char *id,
                     const char *what, json_t *change, json_t *config)
{
    char path[512];
    json_t *cur = NULL, *cfg;
    int rc = 0;

    snprintf(path, sizeof path, "%s/%s", url, id);
    if (config) {
        rc = slc_ctl_call(r, false, "GET", path, &cur);
        cfg = rc ? NULL : json_deep_copy(json_object_get(cur, "config"));
        if (!json_is_object(cfg)) {
            json_decref(cfg);
            cfg = json_object();
        }
        json_object_update(cfg, config);
        json_object_set_new(change, "config", cfg);
    }
    json_decref(config);
    json_decref(cur);
    if (rc) {
        json_decref(change);
        return rc;
    }
    return slc_ctl_update(r, path, change, what, id);
}

/* vim-update ID: changes a VIM account: its config key by key (OSM's
 * vim-update --sdn_controller --sdn_port_mapping), its name, URL and
 * credentials. */
static int
cmd_vim_update(struct remote *r, int argc, char **argv)
{
    static const struct slc_ctl_field fields[] = {
        {"name", "name", 's'},          {"url", "vim_url", 's'},
        {"user", "vim_user", 's'},      {"password", "vim_password", 's'},
        {"tenant", "vim_tenant_name", 's'},
        {"description", "description", 's'},
        {"config", "config", 'y'},
        {"sdn-controller", "config.sdn-controller", 's'},
        {"sdn-port-mapping", "sdn-port-mapping", 's'},
        {0},
    };
    json_t *body, *config, *mapping = NULL;
    const char *file;
    int rc = slc_ctl_parse_fields(fields, argc, argv, &body, NULL);

    if (!rc && optind != argc - 1) {
        json_decref(body);
        rc = slc_ctl_usage("vim-update ID [--config YAML] [--sdn-controller "
                           "SDN] [--sdn-port-mapping FILE] [--name N] "
                           "[--url U] [--user U] [--password P]");
    }
    if (rc) {
        return rc;
    }
    config = json_incref(json_object_get(body, "config"));
    json_object_del(body, "config");
    file = json_string_value(json_object_get(body, "sdn-port-mapping"));
    if (file && !(mapping = slc_ctl_load_file(file))) {
        json_decref(body);
        json_decref(config);
        return SLC_CTL_EXIT_USAGE;
    }
    if (mapping) {
        config = config ? config : json_object();
        json_object_set_new(config, "sdn-port-mapping", mapping);
        json_object_del(body, "sdn-port-mapping");
    }
    return patch_merging_config(r, VIMS, argv[optind], "vim account", body,
                                config);
}

/* vim-show ID [--resources|--sdn]: the account, or what its driver holds
 * (the networks, ports and servers it made), or what its SDN assist
 * holds. */
static int
cmd_vim_show(struct remote *r, int argc, char **argv)
{
    const char *what = argc == 3 ? argv[2] : "";
    char path[512];
    json_t *d;
    int rc;

    if (argc == 2) {
        return slc_ctl_show(r, VIMS, argc, argv);
    }
    if (argc != 3 || (strcmp(what, "--resources") && strcmp(what, "--sdn"))) {
        return slc_ctl_usage("vim-show ID [--resources|--sdn]");
    }
    snprintf(path, sizeof path, "%s/%s/%s", VIMS, argv[1], what + 2);
    rc = slc_ctl_call(r, false, "GET", path, &d);
    if (!rc) {
        slc_ctl_print_doc(r, d);
    }
    json_decref(d);
    return rc;
}

/* sdnc-update ID: a controller's name, type, URL, credentials, and its
 * config key by key. */
static int
cmd_sdnc_update(struct remote *r, int argc, char **argv)
{
    static const struct slc_ctl_field fields[] = {
        {"name", "name", 's'},         {"type", "type", 's'},
        {"url", "url", 's'},           {"user", "user", 's'},
        {"password", "password", 's'}, {"description", "description", 's'},
        {"config", "config", 'y'},     {0},
    };
    json_t *body, *config;
    int rc = slc_ctl_parse_fields(fields, argc, argv, &body, NULL);

    if (!rc && (optind != argc - 1 || !json_object_size(body))) {
        json_decref(body);
        rc = slc_ctl_usage("sdnc-update ID [--name N] [--type T] [--url U] "
                           "[--user U] [--password P] [--config YAML]");
    }
    if (rc) {
        return rc;
    }
    config = json_incref(json_object_get(body, "config"));
    json_object_del(body, "config");
    return patch_merging_config(r, SDNS, argv[optind], "sdn controller",
                                body, config);
}

/* One --interface of a PDU: "name=N,ip-address=A,mgmt=true[,...]" (the
 * API's member names; mgmt a boolean, switch-port a number). */
static json_t *
parse_interface(const char *spec)
{
    json_t *iface = json_object();
    char *copy = strdup(spec), *save = NULL;

    for (char *kv = strtok_r(copy, ",", &save); kv;
         kv = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(kv, '=');

        if (!eq || eq == kv) {
            fprintf(stderr, "slicectl: --interface '%s': '%s' is not "
                            "KEY=VALUE\n",
                    spec, kv);
            json_decref(iface);
            free(copy);
            return NULL;
        }
        *eq = '\0';
        if (!strcmp(kv, "mgmt")) {
            json_object_set_new(iface, kv,
                                json_boolean(!strcmp(eq + 1, "true") ||
                                             !strcmp(eq + 1, "yes")));
        } else if (!strcmp(kv, "switch-port")) {
            json_object_set_new(iface, kv, json_integer(atol(eq + 1)));
        } else {
            json_object_set_new(iface, kv, json_string(eq + 1));
        }
    }
    free(copy);
    return iface;
}

#define PDU_USAGE                                                           \
    "--name N --type T [--vim VIM]... [--shared]\n"                         \
    "                --interface name=N,ip-address=A,mgmt=true|false"       \
    "[,mac-address=M]\n"                                                    \
    "                [,switch-port=P][,vim-network-name=V]...\n"            \
    "                [--description D] [--descriptor-file FILE]"

/* The body of pdu-create and pdu-update: the descriptor file's, then the
 * options. */
static int
parse_pdu(int argc, char **argv, json_t **body)
{
    static const struct option opts[] = {
        {"name", required_argument, NULL, 'n'},
        {"type", required_argument, NULL, 't'},
        {"interface", required_argument, NULL, 'i'},
        {"vim", required_argument, NULL, 'v'},
        {"shared", no_argument, NULL, 's'},
        {"description", required_argument, NULL, 'd'},
        {"descriptor-file", required_argument, NULL, 'f'},
        {NULL, 0, NULL, 0},
    };
    json_t *b = json_object(), *ifaces = json_array(), *vims = json_array();
    json_t *file = NULL, *iface;
    int opt, rc = 0;

    optind = 0;
    while (!rc && (opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'n': json_object_set_new(b, "name", json_string(optarg)); break;
        case 't': json_object_set_new(b, "type", json_string(optarg)); break;
        case 's': json_object_set_new(b, "shared", json_true()); break;
        case 'd':
            json_object_set_new(b, "description", json_string(optarg));
            break;
        case 'v': json_array_append_new(vims, json_string(optarg)); break;
        case 'i':
            iface = parse_interface(optarg);
            rc = iface ? json_array_append_new(ifaces, iface), 0
                       : SLC_CTL_EXIT_USAGE;
            break;
        case 'f':
            json_decref(file);
            file = slc_ctl_load_file(optarg);
            rc = json_is_object(file) ? 0 : SLC_CTL_EXIT_USAGE;
            break;
        default: rc = SLC_CTL_EXIT_USAGE; break;
        }
    }
    if (json_array_size(ifaces)) {
        json_object_set(b, "interfaces", ifaces);
    }
    if (json_array_size(vims)) {
        json_object_set(b, "vim_accounts", vims);
    }
    if (file) {
        json_object_update(file, b);
        json_decref(b);
        b = file;
    }
    json_decref(ifaces);
    json_decref(vims);
    if (rc) {
        json_decref(b);
        b = NULL;
    }
    *body = b;
    return rc;
}

static int
cmd_pdu_create(struct remote *r, int argc, char **argv)
{
    json_t *body;
    int rc = parse_pdu(argc, argv, &body);

    if (!rc && (optind != argc || !json_object_get(body, "name") ||
                !json_object_get(body, "type") ||
                !json_object_get(body, "interfaces"))) {
        json_decref(body);
        rc = slc_ctl_usage("pdu-create " PDU_USAGE);
    }
    return rc ? rc : slc_ctl_create(r, PDUS, body);
}

static int
cmd_pdu_update(struct remote *r, int argc, char **argv)
{
    char path[512];
    json_t *body;
    int rc = parse_pdu(argc, argv, &body);

    if (!rc && (optind != argc - 1 || !json_object_size(body))) {
        json_decref(body);
        rc = slc_ctl_usage("pdu-update ID [options of pdu-create]");
    }
    if (rc) {
        return rc;
    }
    snprintf(path, sizeof path, "%s/%s", PDUS, argv[optind]);
    return slc_ctl_update(r, path, body, "pdu", argv[optind]);
}

/* "vim1,vim2" of a PDU. */
static void
format_vims(const json_t *row, char *out, size_t size)
{
    const json_t *v;
    size_t i, len = 0;

    out[0] = '\0';
    json_array_foreach(json_object_get(row, "vim_accounts"), i, v)
    {
        len += (size_t)snprintf(out + len, len < size ? size - len : 0,
                                "%s%s", i ? "," : "",
                                json_string_value(v) ?: "?");
    }
}

/* "eth0=10.0.0.5,..." of a PDU's interfaces. */
static void
format_ifaces(const json_t *row, char *out, size_t size)
{
    const json_t *v;
    size_t i, len = 0;

    out[0] = '\0';
    json_array_foreach(json_object_get(row, "interfaces"), i, v)
    {
        len += (size_t)snprintf(out + len, len < size ? size - len : 0,
                                "%s%s=%s", i ? "," : "",
                                slc_ctl_str(v, "name"),
                                slc_ctl_str(v, "ip-address"));
    }
}

static const struct slc_ctl_listing vim_listing = {
    .url = VIMS,
    .columns = (const struct slc_ctl_column[]){
        {"ID", "_id"}, {"NAME", "name"}, {"TYPE", "vim_type"},
        {"STATE", "_admin.operationalState"}, {0}},
};

static const struct slc_ctl_listing sdnc_listing = {
    .url = SDNS,
    .columns = (const struct slc_ctl_column[]){
        {"ID", "_id"}, {"NAME", "name"}, {"TYPE", "type"}, {"URL", "url"},
        {0}},
};

static const struct slc_ctl_listing pdu_listing = {
    .url = PDUS,
    .columns = (const struct slc_ctl_column[]){
        {"ID", "_id"}, {"NAME", "name"}, {"TYPE", "type"},
        {"USAGE", "_admin.usageState"}, {"VIMS", .format = format_vims},
        {"INTERFACES", .format = format_ifaces}, {0}},
};

const struct slc_ctl_command slc_ctl_infra_commands[] = {
    {"vim-create", cmd_vim_create,
     "vim-create --name N [--type sim|netns|openstack] [--url U]\n"
     "                [--user U --password P --tenant PROJECT] "
     "[--config YAML]"},
    {"vim-list", NULL, "vim-list", &vim_listing},
    {"vim-show", cmd_vim_show, "vim-show ID [--resources|--sdn]"},
    {"vim-update", cmd_vim_update,
     "vim-update ID [--config YAML] [--sdn-controller SDN]\n"
     "                [--sdn-port-mapping FILE] [--name N] [--url U]\n"
     "                [--user U] [--password P]"},
    {"vim-delete", NULL, "vim-delete ID [--force]", .del = VIMS,
     .what = "vim account"},
    {"sdnc-create", cmd_sdnc_create,
     "sdnc-create --name N --type ovs|osken|dummy [--url U] [--user U]\n"
     "                [--password P] [--config YAML]"},
    {"sdnc-list", NULL, "sdnc-list", &sdnc_listing},
    {"sdnc-show", NULL, "sdnc-show ID", .show = SDNS},
    {"sdnc-update", cmd_sdnc_update,
     "sdnc-update ID [--name N] [--type T] [--url U] [--user U]\n"
     "                [--password P] [--config YAML]"},
    {"sdnc-delete", NULL, "sdnc-delete ID [--force]", .del = SDNS,
     .what = "sdn controller"},
    {"pdu-create", cmd_pdu_create, "pdu-create " PDU_USAGE},
    {"pdu-list", NULL, "pdu-list", &pdu_listing},
    {"pdu-show", NULL, "pdu-show ID", .show = PDUS},
    {"pdu-update", cmd_pdu_update, "pdu-update ID [options of pdu-create]"},
    {"pdu-delete", NULL, "pdu-delete ID [--force]", .del = PDUS,
     .what = "pdu"},
    {0},
};

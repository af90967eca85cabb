/* slicectl's commands on slicer's two sides of slice subnets: the NSSMF
 * accounts it delegates subnets to (/osm/admin/v1/nssmf_accounts) and
 * the NSSIs it serves as an NSSMF, read as 3GPP's MOIs
 * (/3GPPManagement/ProvMnS/v1/SubNetwork=<id>, --subnetwork or
 * $SLICER_SUBNETWORK, default "slicer" as slicerd's mns_subnetwork). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slicectl-internal.h"

#define NSSMFS "/admin/v1/nssmf_accounts"
#define PROVMNS "/3GPPManagement/ProvMnS/v1"

/* The options of nssmf-account-create and -update: the record's members
 * one to one. */
static const struct slc_ctl_field nssmf_fields[] = {
    {"name", "name", 's'},
    {"dialect", "dialect", 's'},
    {"url", "url", 's'},
    {"user", "username", 's'},
    {"password", "password", 's'},
    {"project", "project", 's'},
    {"vim-account", "vim_account", 's'},
    {"ca-file", "ca_file", 's'},
    {"insecure", "insecure", 'b'},
    {"poll-interval-ms", "poll_interval_ms", 'i'},
    {"physical-network", "physical_network", 's'},
    {"transport-subnet-pool", "transport_subnet_pool", 's'},
    {"description", "description", 's'},
    {0},
};

#define NSSMF_OPTIONS                                                       \
    "[--user U --password P] [--project P]\n"                               \
    "                [--vim-account V] [--ca-file F | --insecure]\n"        \
    "                [--poll-interval-ms N] [--physical-network N]\n"       \
    "                [--transport-subnet-pool CIDR] [--description D]"

static int
cmd_nssmf_create(struct remote *r, int argc, char **argv)
{
    json_t *body;
    int rc = slc_ctl_parse_fields(nssmf_fields, argc, argv, &body, NULL);

    if (!rc && (optind != argc || !json_object_get(body, "name") ||
                !json_object_get(body, "dialect") ||
                !json_object_get(body, "url"))) {
        json_decref(body);
        rc = slc_ctl_usage("nssmf-account-create --name N --dialect "
                           "3gpp|osm|onap --url URL\n"
                           "                " NSSMF_OPTIONS);
    }
    return rc ? rc : slc_ctl_create(r, NSSMFS, body);
}

static int
cmd_nssmf_update(struct remote *r, int argc, char **argv)
{
    char path[512];
    json_t *body;
    int rc = slc_ctl_parse_fields(nssmf_fields, argc, argv, &body, NULL);

    if (!rc && (optind != argc - 1 || !json_object_size(body))) {
        json_decref(body);
        rc = slc_ctl_usage("nssmf-account-update ID [options of "
                           "nssmf-account-create]");
    }
    if (rc) {
        return rc;
    }
    snprintf(path, sizeof path, "%s/%s", NSSMFS, argv[optind]);
    return slc_ctl_update(r, path, body, "nssmf account", argv[optind]);
}

/* Reads --subnetwork SN among 'argc'/'argv' (the rest positional):
 * 0, or SLC_CTL_EXIT_USAGE. */
static int
parse_subnetwork(int argc, char **argv, const char **sn)
{
    static const struct option opts[] = {
        {"subnetwork", required_argument, NULL, 's'},
        {NULL, 0, NULL, 0},
    };
    int opt;

    *sn = getenv("SLICER_SUBNETWORK") ? getenv("SLICER_SUBNETWORK")
                                      : "slicer";
    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (opt != 's') {
            return SLC_CTL_EXIT_USAGE;
        }
        *sn = optarg;
    }
    return 0;
}

/* "N" profiles of an NSSI. */
static void
format_profiles(const json_t *row, char *out, size_t size)
{
    snprintf(out, size, "%zu",
             json_array_size(json_object_get(json_object_get(row,
                                                             "attributes"),
                                             "sliceProfileList")));
}

static const struct slc_ctl_listing nssi_listing = {
    .columns = (const struct slc_ctl_column[]){
        {"ID", "id"},
        {"TYPE", "attributes.networkSliceSubnetType"},
        {"OPERATIONAL", "attributes.operationalState"},
        {"ADMINISTRATIVE", "attributes.administrativeState"},
        {"PROFILES", .format = format_profiles},
        {"NSI", "attributes.nsInfo.nsInstanceId"}, {0}},
};

/* nssi-list [--subnetwork SN]: the NetworkSliceSubnet MOIs one level
 * below slicer's SubNetwork. */
static int
cmd_nssi_list(struct remote *r, int argc, char **argv)
{
    const char *sn;
    char path[512];
    json_t *d;
    int rc = parse_subnetwork(argc, argv, &sn);

    if (rc || optind != argc) {
        return slc_ctl_usage("nssi-list [--subnetwork SN]");
    }
    snprintf(path, sizeof path,
             PROVMNS "/SubNetwork=%s?scopeType=BASE_SUBTREE&scopeLevel=1",
             sn);
    rc = slc_ctl_call(r, true, "GET", path, &d);
    if (!rc) {
        json_t *list = json_object_get(d, "NetworkSliceSubnet");

        if (!list) {
            list = json_array();
            json_object_set_new(d, "NetworkSliceSubnet", list);
        }
        slc_ctl_print_listing(r, &nssi_listing, list);
    }
    json_decref(d);
    return rc;
}

/* nssi-show ID [--subnetwork SN]: one NetworkSliceSubnet MOI; in a
 * table, its attributes after its name. */
static int
cmd_nssi_show(struct remote *r, int argc, char **argv)
{
    const char *sn;
    char path[512];
    json_t *d;
    int rc = parse_subnetwork(argc, argv, &sn);

    if (rc || optind != argc - 1) {
        return slc_ctl_usage("nssi-show ID [--subnetwork SN]");
    }
    snprintf(path, sizeof path, PROVMNS "/SubNetwork=%s/NetworkSliceSubnet=%s",
             sn, argv[optind]);
    rc = slc_ctl_call(r, true, "GET", path, &d);
    if (!rc && slc_ctl_structured(r)) {
        slc_ctl_print_doc(r, d);
    } else if (!rc) {
        json_t *flat = json_pack("{sO* sO*}", "id", json_object_get(d, "id"),
                                 "objectInstance",
                                 json_object_get(d, "objectInstance"));

        json_object_update(flat, json_object_get(d, "attributes"));
        slc_ctl_print_record(r, flat);
        json_decref(flat);
    }
    json_decref(d);
    return rc;
}

static const struct slc_ctl_listing nssmf_listing = {
    .url = NSSMFS,
    .columns = (const struct slc_ctl_column[]){
        {"ID", "_id"}, {"NAME", "name"}, {"DIALECT", "dialect"},
        {"URL", "url"}, {0}},
};

const struct slc_ctl_command slc_ctl_nssmf_commands[] = {
    {"nssmf-account-create", cmd_nssmf_create,
     "nssmf-account-create --name N --dialect 3gpp|osm|onap --url URL\n"
     "                " NSSMF_OPTIONS},
    {"nssmf-account-list", NULL, "nssmf-account-list", &nssmf_listing},
    {"nssmf-account-show", NULL, "nssmf-account-show ID", .show = NSSMFS},
    {"nssmf-account-update", cmd_nssmf_update,
     "nssmf-account-update ID [options of nssmf-account-create]"},
    {"nssmf-account-delete", NULL, "nssmf-account-delete ID [--force]",
     .del = NSSMFS, .what = "nssmf account"},
    {"nssi-list", cmd_nssi_list, "nssi-list [--subnetwork SN]"},
    {"nssi-show", cmd_nssi_show, "nssi-show ID [--subnetwork SN]"},
    {0},
};

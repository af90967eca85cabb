/* slicectl's commands on NS operations and what they act on: op-list and
 * op-show (NS and slice operations), ns-scale (OSM's SCALE_VNF by a
 * scaling group's step) and chains (an NS's service function chains with
 * the packets the switch steered into each hop, read now). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slicectl-internal.h"

/* "P pkts B bytes" of a counters object, or "-" when it has none. */
static void
counts(const json_t *c, char *out, size_t size)
{
    if (!json_is_object(c)) {
        snprintf(out, size, "-");
        return;
    }
    snprintf(out, size, "%" JSON_INTEGER_FORMAT " pkts %" JSON_INTEGER_FORMAT
             " bytes",
             json_integer_value(json_object_get(c, "packets")),
             json_integer_value(json_object_get(c, "bytes")));
}

/* Where a chain's port is: a port name of the VIM's switch, or "fabric
 * port P vlan V" for a VF or NIC on the fabric. */
static const char *
port_text(const json_t *v, char *out, size_t size)
{
    if (json_is_true(json_object_get(v, "fabric"))) {
        snprintf(out, size, "fabric port %s vlan %" JSON_INTEGER_FORMAT,
                 slc_ctl_str(v, "name"),
                 json_integer_value(json_object_get(v, "vlan")));
    } else {
        snprintf(out, size, "%s", json_string_value(v) ?: "-");
    }
    return out;
}

/* The classifier's ports: its one source, or how many. */
static const char *
sources_text(const json_t *g, char *out, size_t size)
{
    const json_t *srcs = json_object_get(g, "sources");

    if (json_array_size(srcs) > 1) {
        snprintf(out, size, "%zu instances", json_array_size(srcs));
        return out;
    }
    return port_text(srcs ? json_array_get(srcs, 0)
                          : json_object_get(g, "source"),
                     out, size);
}

/* One chain of "ns-show": its classifier, its hops in order with their
 * instances' switch ports and the packets the switch steered into each,
 * and what was delivered after the last hop. */
void
slc_ctl_print_chain(const json_t *g)
{
    const json_t *m, *hop, *sfi;
    char fwd[64], rev[64], a[128], b[128];
    size_t i, k;

    printf("  chain %s (%s%s, path %" JSON_INTEGER_FORMAT "): %s\n",
           slc_ctl_str(g, "id"), slc_ctl_str(g, "encapsulation"),
           json_is_true(json_object_get(g, "symmetric")) ? ", symmetric" : "",
           json_integer_value(json_object_get(g, "path-id")),
           slc_ctl_str(g, "status"));
    json_array_foreach(json_object_get(g, "matches"), i, m)
    {
        printf("    match %-12s proto %" JSON_INTEGER_FORMAT " %s -> %s",
               slc_ctl_str(m, "id"),
               json_integer_value(json_object_get(m, "ip_proto")),
               json_string_value(json_object_get(m, "src")) ?: "any",
               json_string_value(json_object_get(m, "dst")) ?: "any");
        if (json_integer_value(json_object_get(m, "dst_port"))) {
            printf(" port %" JSON_INTEGER_FORMAT,
                   json_integer_value(json_object_get(m, "dst_port")));
        }
        printf(" (at %s %s, port %s)\n", slc_ctl_str(g, "source-vnf"),
               slc_ctl_str(g, "source-cp"), sources_text(g, a, sizeof a));
    }
    json_array_foreach(json_object_get(g, "hops"), i, hop)
    {
        counts(json_object_get(hop, "forward"), fwd, sizeof fwd);
        printf("    hop %zu %-16s %s", i + 1, slc_ctl_str(hop, "id"), fwd);
        if (json_object_get(hop, "reverse")) {
            counts(json_object_get(hop, "reverse"), rev, sizeof rev);
            printf(", reverse %s", rev);
        }
        printf("\n");
        json_array_foreach(json_object_get(hop, "sfis"), k, sfi)
        {
            printf("      %s: %s (port %s) -> %s (port %s)%s\n",
                   slc_ctl_str(sfi, "vnf"), slc_ctl_str(sfi, "ingress-cp"),
                   port_text(json_object_get(sfi, "ingress"), a, sizeof a),
                   slc_ctl_str(sfi, "egress-cp"),
                   port_text(json_object_get(sfi, "egress"), b, sizeof b),
                   json_is_true(json_object_get(hop, "plain"))
                       ? ", gets plain packets"
                       : "");
        }
    }
    counts(json_object_get(json_object_get(g, "delivered"), "forward"), fwd,
           sizeof fwd);
    printf("    delivered to %s: %s",
           json_is_null(json_object_get(g, "destination")) ||
                   !json_object_get(g, "destination")
               ? "the link"
               : port_text(json_object_get(g, "destination"), a, sizeof a),
           fwd);
    if (json_object_get(json_object_get(g, "delivered"), "reverse")) {
        counts(json_object_get(json_object_get(g, "delivered"), "reverse"),
               rev, sizeof rev);
        printf(", reverse to %s: %s", sources_text(g, b, sizeof b), rev);
    }
    printf("\n");
    if (json_object_get(g, "counters-error")) {
        printf("    counters: %s\n", slc_ctl_str(g, "counters-error"));
    }
}

/* chains NS_ID: the NS's chains, hop by hop, with their counters. */
static int
cmd_chains(struct remote *r, int argc, char **argv)
{
    char path[512], idbuf[64];
    json_t *chains;
    const json_t *g;
    size_t i;
    int rc;

    if (argc != 2) {
        return slc_ctl_usage("chains NS_ID");
    }
    snprintf(path, sizeof path, "/nslcm/v1/ns_instances/%s/chains",
             slc_ctl_instance(r, false, argv[1], idbuf, sizeof idbuf));
    rc = slc_ctl_call(r, false, "GET", path, &chains);
    if (!rc && slc_ctl_structured(r)) {
        slc_ctl_print_doc(r, chains);
    } else if (!rc && !json_array_size(chains)) {
        printf("ns %s has no chains\n", argv[1]);
    }
    json_array_foreach(rc || slc_ctl_structured(r) ? NULL : chains, i, g)
    {
        slc_ctl_print_chain(g);
    }
    json_decref(chains);
    return rc;
}

/* ns-scale NS_ID --vnf MEMBER --scaling-group G [--scale-in|--scale-out]
 * [--timeout S] [--wait]: one step of the scaling group's aspect, out
 * (the default) or in, as osmclient's vnf-scale sends it. */
static int
cmd_ns_scale(struct remote *r, int argc, char **argv)
{
    static const struct option opts[] = {
        {"vnf", required_argument, NULL, 'v'},
        {"scaling-group", required_argument, NULL, 'g'},
        {"scale-in", no_argument, NULL, 'i'},
        {"scale-out", no_argument, NULL, 'o'},
        {"timeout", required_argument, NULL, 't'},
        {"wait", no_argument, NULL, 'w'},
        {NULL, 0, NULL, 0},
    };
    const char *vnf = NULL, *group = NULL, *type = "SCALE_OUT";
    long timeout = 0;
    bool wait = false, bad = false;
    char path[512], line[600], idbuf[64];
    json_t *body, *reply = NULL;
    int rc, opt;

    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'v': vnf = optarg; break;
        case 'g': group = optarg; break;
        case 'i': type = "SCALE_IN"; break;
        case 'o': type = "SCALE_OUT"; break;
        case 't': timeout = atol(optarg); break;
        case 'w': wait = true; break;
        default: bad = true; break;
        }
    }
    if (bad || optind != argc - 1 || !vnf || !group) {
        return slc_ctl_usage("ns-scale NS_ID --vnf MEMBER --scaling-group G "
                             "[--scale-in|--scale-out] [--timeout S] "
                             "[--wait]");
    }
    body = json_pack("{ss s{ss s{ss ss}}}", "scaleType", "SCALE_VNF",
                     "scaleVnfData", "scaleVnfType", type, "scaleByStepData",
                     "scaling-group-descriptor", group, "member-vnf-index",
                     vnf);
    if (timeout > 0) {
        json_object_set_new(body, "timeout_ns_scale", json_integer(timeout));
    }
    snprintf(path, sizeof path, "/nslcm/v1/ns_instances/%s/scale",
             slc_ctl_instance(r, false, argv[optind], idbuf, sizeof idbuf));
    rc = slc_ctl_call_json(r, "POST", path, body, &reply);
    if (!rc) {
        snprintf(line, sizeof line, "%s %s of vnf %s, operation %s",
                 !strcmp(type, "SCALE_IN") ? "scaling in" : "scaling out",
                 group, vnf, slc_ctl_str(reply, "id"));
        if (!wait || !slc_ctl_structured(r)) {
            slc_ctl_said(r, reply, line);
            fflush(stdout);
        }
        rc = wait ? slc_ctl_wait(r, SLC_CTL_NS_OPS, slc_ctl_str(reply, "id"))
                  : 0;
    }
    json_decref(reply);
    return rc;
}

/* The record of operation 'id': an NS operation, else a slice one
 * ('*ops' says which).  0, or an exit code with the problem printed. */
static int
find_op(struct remote *r, const char *id, const char **ops, json_t **d)
{
    char path[512];
    long status;
    int rc;

    *ops = SLC_CTL_NS_OPS;
    snprintf(path, sizeof path, "%s/%s", *ops, id);
    rc = slc_ctl_request(r, "GET", path, NULL, NULL, 0, &status, d);
    if (rc || status == 200) {
        return rc;
    }
    json_decref(*d);
    *ops = SLC_CTL_NSI_OPS;
    snprintf(path, sizeof path, "%s/%s", *ops, id);
    return slc_ctl_call(r, false, "GET", path, d);
}

/* op-show ID [--wait]: an NS or slice operation, or waits for it. */
static int
cmd_op_show(struct remote *r, int argc, char **argv)
{
    bool wait = argc == 3 && !strcmp(argv[2], "--wait");
    const char *ops;
    json_t *d = NULL;
    int rc;

    if (argc < 2 || argc > 3 || (argc == 3 && !wait)) {
        return slc_ctl_usage("op-show ID [--wait]");
    }
    rc = find_op(r, argv[1], &ops, &d);
    if (!rc && wait) {
        rc = slc_ctl_wait(r, ops, argv[1]);
    } else if (!rc && slc_ctl_structured(r)) {
        slc_ctl_print_doc(r, d);
    } else if (!rc) {
        printf("%s %s %s %s: %s\n", slc_ctl_str(d, "_id"),
               slc_ctl_str(d, "lcmOperationType"),
               slc_ctl_str(d, "operationState"), slc_ctl_str(d, "stage"),
               slc_ctl_str(d, "detailed-status"));
    }
    json_decref(d);
    return rc;
}

/* "2026-12-04 06:50:12" of an operation's startTime (local time). */
static void
format_start(const json_t *row, char *out, size_t size)
{
    slc_ctl_format_time(json_object_get(row, "startTime"), out, size);
}

/* "ns" or "nsi", and the instance an operation is on. */
static void
format_kind(const json_t *row, char *out, size_t size)
{
    snprintf(out, size, "%s",
             json_object_get(row, "netsliceInstanceId") &&
                     !json_object_get(row, "nsInstanceId")
                 ? "nsi"
                 : "ns");
}

static const struct slc_ctl_listing op_listing = {
    .columns = (const struct slc_ctl_column[]){
        {"ID", "_id"}, {"KIND", .format = format_kind},
        {"INSTANCE", "nsInstanceId|netsliceInstanceId"},
        {"OPERATION", "lcmOperationType"}, {"STATE", "operationState"},
        {"STAGE", "stage"}, {"START", .format = format_start}, {0}},
};

static int
by_start(const void *a, const void *b)
{
    double x = json_number_value(json_object_get(*(json_t *const *)a,
                                                 "startTime"));
    double y = json_number_value(json_object_get(*(json_t *const *)b,
                                                 "startTime"));

    return (x > y) - (x < y);
}

/* Appends the operations at 'url' to 'all'. */
static int
add_ops(struct remote *r, const char *url, json_t *all)
{
    json_t *list;
    int rc = slc_ctl_call(r, false, "GET", url, &list);

    if (!rc) {
        json_array_extend(all, list);
    }
    json_decref(list);
    return rc;
}

/* op-list [NS_ID | --ns NS | --nsi NSI]: the NS and slice operations,
 * oldest first; those of one NS (its NS operations) or of one slice. */
static int
cmd_op_list(struct remote *r, int argc, char **argv)
{
    static const struct option opts[] = {
        {"ns", required_argument, NULL, 'n'},
        {"nsi", required_argument, NULL, 's'},
        {NULL, 0, NULL, 0},
    };
    const char *ns = NULL, *nsi = NULL;
    json_t *all = json_array(), *sorted;
    char url[600], idbuf[64];
    const char *id = NULL;
    json_t **items;
    bool bad = false;
    size_t n, i;
    int rc = 0, opt;

    optind = 0;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        ns = opt == 'n' ? optarg : ns;
        nsi = opt == 's' ? optarg : nsi;
        bad |= opt != 'n' && opt != 's';
    }
    ns = optind == argc - 1 && !ns ? argv[optind++] : ns;
    if (bad || optind != argc || (ns && nsi)) {
        json_decref(all);
        return slc_ctl_usage("op-list [NS_ID | --ns NS | --nsi NSI]");
    }
    if (ns || nsi) {
        id = slc_ctl_instance(r, nsi != NULL, ns ? ns : nsi, idbuf,
                              sizeof idbuf);
    }
    if (!nsi) {
        snprintf(url, sizeof url, "%s%s%s", SLC_CTL_NS_OPS,
                 id ? "?nsInstanceId=" : "", id ? id : "");
        rc = add_ops(r, url, all);
    }
    if (!rc && !ns) {
        snprintf(url, sizeof url, "%s%s%s", SLC_CTL_NSI_OPS,
                 id ? "?netsliceInstanceId=" : "", id ? id : "");
        rc = add_ops(r, url, all);
    }
    n = json_array_size(all);
    items = calloc(n ? n : 1, sizeof *items);
    for (i = 0; items && i < n; i++) {
        items[i] = json_array_get(all, i);
    }
    qsort(items, items ? n : 0, sizeof *items, by_start);
    sorted = json_array();
    for (i = 0; items && i < n; i++) {
        json_array_append(sorted, items[i]);
    }
    if (!rc) {
        slc_ctl_print_listing(r, &op_listing, sorted);
    }
    free(items);
    json_decref(sorted);
    json_decref(all);
    return rc;
}

const struct slc_ctl_command slc_ctl_ops_commands[] = {
    {"op-list", cmd_op_list, "op-list [NS_ID | --ns NS | --nsi NSI]"},
    {"op-show", cmd_op_show, "op-show ID [--wait]   (an NS or slice "
                             "operation)"},
    {"ns-scale", cmd_ns_scale,
     "ns-scale NS_ID --vnf MEMBER --scaling-group G [--scale-in|"
     "--scale-out]\n"
     "                [--timeout S] [--wait]"},
    {"chains", cmd_chains, "chains NS_ID"},
    {0},
};

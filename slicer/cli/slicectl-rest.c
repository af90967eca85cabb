/* slicectl's REST commands: login, descriptors, NS instances and
 * operations, slices, over slicerd's OSM NBI (VIM accounts and SDN
 * controllers: slicectl-infra.c).  The token of 'login'
 * is kept in $SLICER_TOKEN_FILE (default ~/.slicer-token, mode 0600);
 * $SLICER_TOKEN overrides it.  Exit codes: 0 success, 1 usage or
 * transport error, 2 refused by the server (its detail is printed). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "model.h"
#include "package.h"
#include "rest-client.h"
#include "slc-diag.h"
#include "slc-file.h"
#include "slc-yaml.h"
#include "slicectl-internal.h"
#include "slicectl-rest.h"


static void
token_path(char *buf, size_t size)
{
    const char *f = getenv("SLICER_TOKEN_FILE");
    const char *home = getenv("HOME");

    if (f) {
        snprintf(buf, size, "%s", f);
    } else {
        snprintf(buf, size, "%s/.slicer-token", home ? home : ".");
    }
}

static void
load_token(struct remote *r)
{
    const char *env = getenv("SLICER_TOKEN");
    char path[1024];
    FILE *f;

    r->token[0] = '\0';
    if (env) {
        snprintf(r->token, sizeof r->token, "%s", env);
        return;
    }
    token_path(path, sizeof path);
    f = fopen(path, "r");
    if (f) {
        if (!fgets(r->token, sizeof r->token, f)) {
            r->token[0] = '\0';
        }
        r->token[strcspn(r->token, "\n")] = '\0';
        fclose(f);
    }
}

/* Sends a request; on an HTTP error prints the server's detail.  Returns 0
 * (reply in '*out', may be NULL), 1 for transport errors, 2 for refusals. */
static int
call(struct remote *r, const char *method, const char *path,
     const char *type, const char *body, size_t size, json_t **out)
{
    struct slc_error err = {0};
    json_t *reply = NULL;
    long status;

    if (out) {
        *out = NULL;
    }
    if (slc_client_request(&r->client, method, path, type, body, size,
                           &status, &reply, &err)) {
        fprintf(stderr, "slicectl: %s\n", err.msg);
        return 1;
    }
    if (status >= 400) {
        fprintf(stderr, "slicectl: %s %s: %ld %s\n", method, path, status,
                json_string_value(json_object_get(reply, "detail"))
                    ?: "(no detail)");
        json_decref(reply);
        return 2;
    }
    if (out) {
        *out = reply;
    } else {
        json_decref(reply);
    }
    return 0;
}

int
slc_ctl_call_json(struct remote *r, const char *method, const char *path,
                  json_t *body, json_t **out)
{
    char *text = json_dumps(body, JSON_COMPACT);
    int rc = call(r, method, path, "application/json", text,
                  text ? strlen(text) : 0, out);

    free(text);
    json_decref(body);
    return rc;
}

static void
print_json(const json_t *v)
{
    char *text = json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

    if (text) {
        puts(text);
        free(text);
    }
}

const char *
slc_ctl_str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : "-";
}

static int
cmd_login(struct remote *r, int argc, char **argv)
{
    const char *user = getenv("SLICER_USER");
    const char *password = getenv("SLICER_PASSWORD");
    const char *project = NULL;
    char path[1024];
    json_t *reply;
    FILE *f;
    int rc, opt;
    static const struct option opts[] = {
        {"user", required_argument, NULL, 'u'},
        {"password", required_argument, NULL, 'p'},
        {"project", required_argument, NULL, 'P'},
        {NULL, 0, NULL, 0},
    };

    optind = 1;
    while ((opt = getopt_long(argc, argv, "u:p:P:", opts, NULL)) != -1) {
        switch (opt) {
        case 'u':
            user = optarg;
            break;
        case 'p':
            password = optarg;
            break;
        case 'P':
            project = optarg;
            break;
        default:
            return 1;
        }
    }
    if (!user || !password) {
        fprintf(stderr, "slicectl: login needs --user and --password (or "
                        "$SLICER_USER and $SLICER_PASSWORD)\n");
        return 1;
    }
    rc = slc_ctl_call_json(r, "POST", "/admin/v1/tokens",
                   json_pack("{ss ss ss*}", "username", user, "password",
                             password, "project_id", project),
                   &reply);
    if (rc) {
        return rc;
    }
    token_path(path, sizeof path);
    umask(077);
    f = fopen(path, "w");
    if (!f || fprintf(f, "%s\n", slc_ctl_str(reply, "id")) < 0 || fclose(f)) {
        fprintf(stderr, "slicectl: cannot write the token to %s\n", path);
        json_decref(reply);
        return 1;
    }
    printf("logged in as %s to project %s (token in %s)\n",
           slc_ctl_str(reply, "username"), slc_ctl_str(reply, "project_name"),
           path);
    json_decref(reply);
    return 0;
}

static const struct {
    const char *kind, *content, *label;
} endpoints[] = {
    {"vnfd", "/vnfpkgm/v1/vnf_packages_content", "vnfd"},
    {"pnfd", "/vnfpkgm/v1/vnf_packages_content", "pnfd"},
    {"nsd", "/nsd/v1/ns_descriptors_content", "nsd"},
    {"nst", "/nst/v1/netslice_templates_content", "nst"},
};

static const char *
endpoint_of(const char *kind)
{
    for (size_t i = 0; i < sizeof endpoints / sizeof endpoints[0]; i++) {
        if (kind && !strcmp(endpoints[i].kind, kind)) {
            return endpoints[i].content;
        }
    }
    return NULL;
}

/* onboard FILE...: each file goes to the endpoint of its descriptor kind,
 * found by parsing it here (inside the archive for a package). */
static int
cmd_onboard(struct remote *r, int argc, char **argv)
{
    int worst = 0;

    for (int i = 1; i < argc; i++) {
        struct slc_diags diags = SLC_DIAGS_INIT;
        struct slc_model_file *f = NULL;
        struct slc_error err = {0};
        const char *kind = NULL, *type = "application/yaml";
        char *buf;
        size_t size;
        json_t *reply;
        int rc;

        if (slc_read_file(argv[i], 64u << 20, &buf, &size, &err)) {
            fprintf(stderr, "slicectl: %s\n", err.msg);
            worst = 1;
            continue;
        }
        {
            /* A package: its kind is that of the descriptor inside. */
            char *inner = NULL, *path = NULL;
            size_t inner_size;
            bool package = !slc_package_descriptor(buf, size, 64u << 20,
                                                   &inner, &inner_size,
                                                   &path, &err);

            if (package) {
                type = "application/gzip";
            }
            if (!slc_model_load(package ? inner : buf,
                                package ? inner_size : size, argv[i], &f,
                                &diags) &&
                f->n_descs) {
                kind = slc_desc_kind_name(f->descs[0].kind);
            }
            free(inner);
            free(path);
        }
        slc_model_file_free(f);
        slc_diags_clear(&diags);
        if (!kind) {
            fprintf(stderr, "slicectl: %s: not a descriptor (run 'slicectl "
                            "validate' for details)\n",
                    argv[i]);
            free(buf);
            worst = 2;
            continue;
        }
        rc = call(r, "POST", endpoint_of(kind), type, buf, size, &reply);
        free(buf);
        if (!rc) {
            printf("%s %s: %s\n", kind, argv[i], slc_ctl_str(reply, "id"));
        }
        json_decref(reply);
        worst = rc > worst ? rc : worst;
    }
    return worst;
}

static int
cmd_show_delete(struct remote *r, int argc, char **argv, bool del)
{
    const char *ep = argc == 3 ? endpoint_of(argv[1]) : NULL;
    char path[1024];
    json_t *d;
    int rc;

    if (!ep) {
        fprintf(stderr, "slicectl: usage: %s vnfd|nsd|nst ID\n", argv[0]);
        return 1;
    }
    snprintf(path, sizeof path, "%s/%s", ep, argv[2]);
    rc = call(r, del ? "DELETE" : "GET", path, NULL, NULL, 0, &d);
    if (!rc && !del) {
        print_json(d);
    } else if (!rc) {
        printf("deleted %s %s\n", argv[1], argv[2]);
    }
    json_decref(d);
    return rc;
}

static int
cmd_show(struct remote *r, int argc, char **argv)
{
    return cmd_show_delete(r, argc, argv, false);
}

static int
cmd_delete(struct remote *r, int argc, char **argv)
{
    return cmd_show_delete(r, argc, argv, true);
}

/* Polls the operation at 'ops'/'op' until it is final, with a progress
 * line on stderr.  Returns 0 when COMPLETED, 2 otherwise. */
static int
wait_op_at(struct remote *r, const char *ops, const char *op)
{
    char path[256];
    json_t *d = NULL;
    struct timespec pause = {0, 200 * 1000 * 1000};
    const char *state = "?";
    int rc;

    snprintf(path, sizeof path, "%s/%s", ops, op);
    for (;;) {
        json_decref(d);
        if (call(r, "GET", path, NULL, NULL, 0, &d)) {
            return 1;
        }
        state = slc_ctl_str(d, "operationState");
        fprintf(stderr, "\r%s %s %-12s %s   ", op,
                slc_ctl_str(d, "lcmOperationType"), state,
                slc_ctl_str(d, "stage"));
        if (strcmp(state, "PROCESSING") && strcmp(state, "ROLLING_BACK")) {
            break;
        }
        nanosleep(&pause, NULL);
    }
    fprintf(stderr, "\n");
    rc = strcmp(state, "COMPLETED") ? 2 : 0;
    if (rc) {
        fprintf(stderr, "slicectl: operation %s: %s: %s\n", op, state,
                slc_ctl_str(d, "detailed-status"));
    }
    json_decref(d);
    return rc;
}

/* An NS operation. */
static int
wait_op(struct remote *r, const char *op)
{
    return wait_op_at(r, "/nslcm/v1/ns_lcm_op_occs", op);
}

/* What ns-create and nsi-create differ in. */
struct create_kind {
    const char *cmd, *desc_flag;  /* "ns-create", "nsd" */
    const char *url, *name_key, *desc_key, *op_key, *ops, *what;
};

static const struct create_kind ns_kind = {
    "ns-create", "nsd", "/nslcm/v1/ns_instances_content", "nsName",
    "nsdId", "nslcmop_id", "/nslcm/v1/ns_lcm_op_occs", "ns",
};

static const struct create_kind nsi_kind = {
    "nsi-create", "nst", "/nsilcm/v1/netslice_instances_content", "nsiName",
    "nstId", "nsilcmop_id", "/nsilcm/v1/nsi_lcm_op_occs", "nsi",
};

/* ns-create and nsi-create: --name N --nsd|--nst D --vim V [--wait]. */
static int
create_instance(struct remote *r, const struct create_kind *k, int argc,
                char **argv)
{
    const char *name = NULL, *desc = NULL, *vim = NULL;
    bool wait = false;
    json_t *reply;
    int rc, opt;
    const struct option opts[] = {
        {"name", required_argument, NULL, 'n'},
        {k->desc_flag, required_argument, NULL, 'd'},
        {"vim", required_argument, NULL, 'v'},
        {"wait", no_argument, NULL, 'w'},
        {NULL, 0, NULL, 0},
    };

    optind = 1;
    while ((opt = getopt_long(argc, argv, "n:d:v:w", opts, NULL)) != -1) {
        switch (opt) {
        case 'n': name = optarg; break;
        case 'd': desc = optarg; break;
        case 'v': vim = optarg; break;
        case 'w': wait = true; break;
        default: return 1;
        }
    }
    if (!name || !desc || !vim) {
        fprintf(stderr, "slicectl: %s needs --name, --%s, --vim\n", k->cmd,
                k->desc_flag);
        return 1;
    }
    rc = slc_ctl_call_json(r, "POST", k->url,
                   json_pack("{ss ss ss}", k->name_key, name, k->desc_key,
                             desc, "vimAccountId", vim),
                   &reply);
    if (!rc) {
        printf("%s %s, operation %s\n", k->what, slc_ctl_str(reply, "id"),
               slc_ctl_str(reply, k->op_key));
        if (wait) {
            rc = wait_op_at(r, k->ops, slc_ctl_str(reply, k->op_key));
        }
    }
    json_decref(reply);
    return rc;
}

static int
cmd_ns_create(struct remote *r, int argc, char **argv)
{
    return create_instance(r, &ns_kind, argc, argv);
}

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
static void
print_chain(const json_t *g)
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

/* ns-show ID: the NS record (--json: as stored) in a summary, with its
 * chains and their counters read from the switch now. */
static int
cmd_ns_show(struct remote *r, int argc, char **argv)
{
    char path[512];
    json_t *d, *chains = NULL, *g;
    size_t i;
    int rc;

    if (argc != 2) {
        fprintf(stderr, "slicectl: usage: ns-show ID\n");
        return 1;
    }
    snprintf(path, sizeof path, "/nslcm/v1/ns_instances/%s", argv[1]);
    rc = call(r, "GET", path, NULL, NULL, 0, &d);
    if (!rc && r->o->json) {
        print_json(d);
    } else if (!rc) {
        printf("%s %s: %s, %s (%s)\n", slc_ctl_str(d, "_id"),
               slc_ctl_str(d, "name"), slc_ctl_str(d, "nsState"),
               slc_ctl_str(d, "operational-status"),
               slc_ctl_str(d, "detailed-status"));
        printf("  nsd %s on vim %s\n", slc_ctl_str(d, "nsd-ref"),
               slc_ctl_str(d, "datacenter"));
        if (json_array_size(json_object_get(d, "vnffgr"))) {
            snprintf(path, sizeof path, "/nslcm/v1/ns_instances/%s/chains",
                     argv[1]);
            rc = call(r, "GET", path, NULL, NULL, 0, &chains);
        }
        json_array_foreach(chains, i, g)
        {
            print_chain(g);
        }
        json_decref(chains);
    }
    json_decref(d);
    return rc;
}

/* What ns-delete, nsi-delete and slice-request-delete differ in. */
struct delete_kind {
    const char *cmd, *url, *ops, *gone;
    bool nsmf;                 /* beside /osm, not under it */
};

static int call_nsmf(struct remote *r, const char *method, const char *path,
                     json_t *body, json_t **out);

/* CMD ID [--wait]: DELETE; when that starts a terminate operation (202),
 * says so and waits for it if asked. */
static int
delete_instance(struct remote *r, const struct delete_kind *k, int argc,
                char **argv)
{
    bool wait = argc == 3 && !strcmp(argv[2], "--wait");
    char path[512];
    const char *op;
    json_t *d;
    int rc;

    if (argc < 2 || argc > 3 || (argc == 3 && !wait)) {
        fprintf(stderr, "slicectl: usage: %s ID [--wait]\n", k->cmd);
        return 1;
    }
    snprintf(path, sizeof path, "%s/%s", k->url, argv[1]);
    rc = k->nsmf ? call_nsmf(r, "DELETE", path, NULL, &d)
                 : call(r, "DELETE", path, NULL, NULL, 0, &d);
    if (rc) {
        return rc;
    }
    op = json_string_value(json_object_get(d, "id"));
    if (op) {
        printf("terminating, operation %s\n", op);
        rc = wait ? wait_op_at(r, k->ops, op) : 0;
    } else {
        printf("%s %s\n", k->gone, argv[1]);
    }
    json_decref(d);
    return rc;
}

/* ns-delete ID [--wait]: an instantiated NS is terminated and removed. */
static int
cmd_ns_delete(struct remote *r, int argc, char **argv)
{
    static const struct delete_kind k = {
        "ns-delete", "/nslcm/v1/ns_instances_content",
        "/nslcm/v1/ns_lcm_op_occs", "deleted ns", false,
    };

    return delete_instance(r, &k, argc, argv);
}

static int
cmd_op_show(struct remote *r, int argc, char **argv)
{
    bool wait = argc == 3 && !strcmp(argv[2], "--wait");
    char path[512];
    json_t *d;
    int rc;

    if (argc < 2 || argc > 3 || (argc == 3 && !wait)) {
        fprintf(stderr, "slicectl: usage: op-show ID [--wait]\n");
        return 1;
    }
    if (wait) {
        return wait_op(r, argv[1]);
    }
    snprintf(path, sizeof path, "/nslcm/v1/ns_lcm_op_occs/%s", argv[1]);
    rc = call(r, "GET", path, NULL, NULL, 0, &d);
    if (!rc && r->o->json) {
        print_json(d);
    } else if (!rc) {
        printf("%s %s %s %s: %s\n", slc_ctl_str(d, "_id"),
               slc_ctl_str(d, "lcmOperationType"),
               slc_ctl_str(d, "operationState"), slc_ctl_str(d, "stage"),
               slc_ctl_str(d, "detailed-status"));
    }
    json_decref(d);
    return rc;
}

#define NSI_OPS "/nsilcm/v1/nsi_lcm_op_occs"

int
slc_ctl_parse_params(const char *option, const char *text, json_t **out)
{
    struct slc_diags diags = SLC_DIAGS_INIT;
    struct slc_yaml_doc *doc = NULL;
    int rc = slc_yaml_load(text, strlen(text), option, NULL, &doc, &diags);

    *out = rc ? NULL : json_incref(slc_yaml_root(doc));
    if (!rc && !json_is_object(*out)) {
        fprintf(stderr, "slicectl: %s: give a mapping, e.g. '{port: 80}'\n",
                option);
        rc = 1;
    } else if (rc) {
        char msg[512] = "not YAML";

        if (diags.len) {
            slc_diag_format(&diags.items[0], msg, sizeof msg);
        }
        fprintf(stderr, "slicectl: %s\n", msg);
    }
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    slc_yaml_free(doc);
    slc_diags_clear(&diags);
    return rc ? 1 : 0;
}

/* Prints what the primitives of operation 'op' (at 'ops') printed. */
static int
print_outputs(struct remote *r, const char *ops, const char *op)
{
    char path[256];
    const json_t *p;
    json_t *d;
    size_t i;

    snprintf(path, sizeof path, "%s/%s", ops, op);
    if (call(r, "GET", path, NULL, NULL, 0, &d)) {
        return 1;
    }
    json_array_foreach(json_object_get(d, "primitives"), i, p)
    {
        const char *out = json_string_value(json_object_get(p, "stdout"));

        printf("%s %s/%s: %s (exit %" JSON_INTEGER_FORMAT ")\n%s",
               slc_ctl_str(p, "primitive"), slc_ctl_str(p, "member_vnf_index"),
               slc_ctl_str(p, "vdu_id"), slc_ctl_str(p, "state"),
               json_integer_value(json_object_get(p, "exit_status")),
               out ? out : "");
        if (out && *out && out[strlen(out) - 1] != '\n') {
            printf("\n");
        }
    }
    json_decref(d);
    return 0;
}

/* Prints the outputs of the NS actions a slice action ran. */
static void
print_child_outputs(struct remote *r, const char *op)
{
    char path[256];
    const json_t *id;
    json_t *d;
    size_t i;

    snprintf(path, sizeof path, "%s/%s", NSI_OPS, op);
    if (call(r, "GET", path, NULL, NULL, 0, &d)) {
        return;
    }
    json_array_foreach(json_object_get(json_object_get(d, "operationParams"),
                                       "nslcmops_ids"),
                       i, id)
    {
        print_outputs(r, "/nslcm/v1/ns_lcm_op_occs", json_string_value(id));
    }
    json_decref(d);
}

/* ns-action ID --action P [--vnf MEMBER [--vdu V [--count N]]]
 * [--params YAML] [--timeout S] [--wait]: OSM's ns_action; nsi-action
 * takes the same, and --subnet NSS (repeated) to choose subnets. */
static int
run_action(struct remote *r, bool nsi, int argc, char **argv)
{
    const char *cmd = nsi ? "nsi-action" : "ns-action";
    const char *base = nsi ? "/nsilcm/v1/netslice_instances"
                           : "/nslcm/v1/ns_instances";
    const char *ops = nsi ? NSI_OPS : "/nslcm/v1/ns_lcm_op_occs";
    json_t *subnets = json_array();
    const char *action = NULL, *vnf = NULL, *vdu = NULL, *params = NULL;
    long count = -1, timeout = 0;
    bool wait = false;
    json_t *body, *reply = NULL, *p = NULL;
    char path[512];
    int rc, opt;
    const struct option opts[] = {
        {"action", required_argument, NULL, 'a'},
        {"vnf", required_argument, NULL, 'v'},
        {"vdu", required_argument, NULL, 'd'},
        {"count", required_argument, NULL, 'c'},
        {"params", required_argument, NULL, 'p'},
        {"timeout", required_argument, NULL, 't'},
        {"subnet", required_argument, NULL, 's'},
        {"wait", no_argument, NULL, 'w'},
        {NULL, 0, NULL, 0},
    };

    optind = 0; /* a fresh scan that takes the ID among the options */
    while ((opt = getopt_long(argc, argv, "a:v:d:c:p:t:s:w", opts, NULL)) !=
           -1) {
        switch (opt) {
        case 's':
            json_array_append_new(subnets, json_string(optarg));
            break;
        case 'a': action = optarg; break;
        case 'v': vnf = optarg; break;
        case 'd': vdu = optarg; break;
        case 'c': count = atol(optarg); break;
        case 'p': params = optarg; break;
        case 't': timeout = atol(optarg); break;
        case 'w': wait = true; break;
        default: json_decref(subnets); return 1;
        }
    }
    if (optind != argc - 1 || !action || (!nsi && json_array_size(subnets))) {
        fprintf(stderr, "slicectl: usage: %s ID --action PRIMITIVE "
                        "[--vnf MEMBER [--vdu VDU [--count N]]] "
                        "[--params YAML] [--timeout S]%s [--wait]\n",
                cmd, nsi ? " [--subnet NSS]..." : "");
        json_decref(subnets);
        return 1;
    }
    if (params && slc_ctl_parse_params("--params", params, &p)) {
        json_decref(subnets);
        return 1;
    }
    body = json_pack("{ss so}", "primitive", action, "primitive_params",
                     p ? p : json_object());
    if (vnf) {
        json_object_set_new(body, "member_vnf_index", json_string(vnf));
    }
    if (vdu) {
        json_object_set_new(body, "vdu_id", json_string(vdu));
    }
    if (count >= 0) {
        json_object_set_new(body, "vdu_count_index", json_integer(count));
    }
    if (timeout > 0) {
        json_object_set_new(body, "timeout_ns_action", json_integer(timeout));
    }
    if (json_array_size(subnets)) {
        json_object_set(body, "netslice-subnet", subnets);
    }
    json_decref(subnets);
    snprintf(path, sizeof path, "%s/%s/action", base, argv[optind]);
    rc = slc_ctl_call_json(r, "POST", path, body, &reply);
    if (!rc) {
        printf("action %s, operation %s\n", action, slc_ctl_str(reply, "id"));
        if (wait) {
            rc = wait_op_at(r, ops, slc_ctl_str(reply, "id"));
            nsi ? print_child_outputs(r, slc_ctl_str(reply, "id"))
                : print_outputs(r, ops, slc_ctl_str(reply, "id"));
        }
    }
    json_decref(reply);
    return rc;
}

static int
cmd_ns_action(struct remote *r, int argc, char **argv)
{
    return run_action(r, false, argc, argv);
}

/* ns-heal ID --vnf MEMBER [--vdu VDU [--count N]]... [--run-day1]
 * [--wait]: OSM's heal of the VDU instances named (every VDU of the VNF
 * without --vdu). */
static int
cmd_ns_heal(struct remote *r, int argc, char **argv)
{
    const char *member = NULL;
    bool wait = false, day1 = false;
    json_t *vdus = json_array(), *reply = NULL, *vnfrs = NULL, *body;
    const json_t *v;
    const char *vnfr_id = NULL;
    char path[512];
    size_t i;
    int rc, opt;
    const struct option opts[] = {
        {"vnf", required_argument, NULL, 'v'},
        {"vdu", required_argument, NULL, 'd'},
        {"count", required_argument, NULL, 'c'},
        {"run-day1", no_argument, NULL, 'r'},
        {"wait", no_argument, NULL, 'w'},
        {NULL, 0, NULL, 0},
    };

    optind = 0;
    while ((opt = getopt_long(argc, argv, "v:d:c:rw", opts, NULL)) != -1) {
        switch (opt) {
        case 'v': member = optarg; break;
        case 'd':
            json_array_append_new(vdus, json_pack("{ss si}", "vdu-id", optarg,
                                                  "count-index", 0));
            break;
        case 'c':
            json_object_set_new(json_array_get(vdus,
                                               json_array_size(vdus) - 1),
                                "count-index", json_integer(atol(optarg)));
            break;
        case 'r': day1 = true; break;
        case 'w': wait = true; break;
        default: json_decref(vdus); return 1;
        }
    }
    if (optind != argc - 1 || !member) {
        fprintf(stderr, "slicectl: usage: ns-heal ID --vnf MEMBER [--vdu VDU "
                        "[--count N]]... [--run-day1] [--wait]\n");
        json_decref(vdus);
        return 1;
    }
    /* OSM names the VNF by its record's id */
    snprintf(path, sizeof path, "/nslcm/v1/vnf_instances?nsr-id-ref=%s",
             argv[optind]);
    rc = call(r, "GET", path, NULL, NULL, 0, &vnfrs);
    json_array_foreach(rc ? NULL : vnfrs, i, v)
    {
        if (!strcmp(slc_ctl_str(v, "member-vnf-index-ref"), member)) {
            vnfr_id = slc_ctl_str(v, "_id");
        }
    }
    if (!rc && !vnfr_id) {
        fprintf(stderr, "slicectl: ns %s has no vnf '%s'\n", argv[optind],
                member);
        rc = 1;
    }
    if (rc) {
        json_decref(vdus);
        json_decref(vnfrs);
        return rc;
    }
    body = json_pack("{s[{ss s{sb}}]}", "vnf", "vnfInstanceId", vnfr_id,
                     "additionalParams", "run-day1", day1);
    if (json_array_size(vdus)) {
        json_object_set(json_object_get(json_array_get(json_object_get(body,
                                                                       "vnf"),
                                                       0),
                                        "additionalParams"),
                        "vdu", vdus);
    }
    json_decref(vdus);
    json_decref(vnfrs);
    snprintf(path, sizeof path, "/nslcm/v1/ns_instances/%s/heal",
             argv[optind]);
    rc = slc_ctl_call_json(r, "POST", path, body, &reply);
    if (!rc) {
        printf("healing, operation %s\n", slc_ctl_str(reply, "id"));
        rc = wait ? wait_op(r, slc_ctl_str(reply, "id")) : 0;
    }
    json_decref(reply);
    return rc;
}

static int
cmd_nsi_action(struct remote *r, int argc, char **argv)
{
    return run_action(r, true, argc, argv);
}

/* ---- slices ---- */


/* A call to the 5G slice request API, which lives beside /osm. */
static int
call_nsmf(struct remote *r, const char *method, const char *path,
          json_t *body, json_t **out)
{
    const char *base = r->client.base;
    size_t len = strlen(base);
    char root[1024];
    int rc;

    if (len >= 4 && !strcmp(base + len - 4, "/osm")) {
        len -= 4;
    }
    snprintf(root, sizeof root, "%.*s", (int)len, base);
    r->client.base = root;
    rc = body ? slc_ctl_call_json(r, method, path, body, out)
              : call(r, method, path, NULL, NULL, 0, out);
    r->client.base = base;
    return rc;
}

/* ---- lists: one table-driven printer ---- */

/* One column of a list line: a string member of the row (a dotted path,
 * "_admin.nsiState"; "a|b": a, else b), or what 'format' makes of the
 * row; "-" when it has none. */
struct column {
    const char *path;
    int width;                 /* printf's: negative left-aligns, 0 none */
    bool of_item;              /* read from the listed item, not the row */
    void (*format)(const json_t *row, char *out, size_t size);
};

/* What a list command GETs and how it prints it: one line per row, where
 * the rows are the listed items or an array in each ('rows'); each row
 * may be followed by indented lines of its own array 'sub_rows'. */
struct listing {
    const char *url;
    bool nsmf;                 /* beside /osm, not under it */
    const char *label;         /* a first column, 5 wide; may be NULL */
    const struct column *columns; /* ending with {0} */
    const char *rows;
    const char *sub_rows;
    const struct column *sub_columns;
    const char *arg;           /* the one argument the URL ends with, for
                                  usage ("NS_ID"); NULL: none */
};

/* The string at dotted 'path' of 'o', trying each '|' alternative. */
static const char *
str_at(const json_t *o, const char *path)
{
    char alt[128], *save = NULL;

    snprintf(alt, sizeof alt, "%s", path);
    for (char *a = strtok_r(alt, "|", &save); a;
         a = strtok_r(NULL, "|", &save)) {
        const json_t *v = o;
        char *dot, *key = a;

        while (v && (dot = strchr(key, '.'))) {
            *dot = '\0';
            v = json_object_get(v, key);
            key = dot + 1;
        }
        if (json_string_value(json_object_get(v, key))) {
            return json_string_value(json_object_get(v, key));
        }
    }
    return "-";
}

static void
print_columns(const struct column *cols, const json_t *item,
              const json_t *row)
{
    for (const struct column *c = cols; c->path || c->format; c++) {
        char cell[256];
        const char *text = cell;

        if (c->format) {
            c->format(row, cell, sizeof cell);
        } else {
            text = str_at(c->of_item ? item : row, c->path);
        }
        printf("%s%*s", c == cols ? "" : " ", c->width, text);
    }
    putchar('\n');
}

static void
print_listing(const struct listing *l, const json_t *list)
{
    const json_t *item, *row, *sub;
    size_t i, j, k;

    json_array_foreach(list, i, item)
    {
        const json_t *rows = l->rows ? json_object_get(item, l->rows) : NULL;
        size_t n = l->rows ? json_array_size(rows) : 1;

        for (j = 0; j < n; j++) {
            row = l->rows ? json_array_get(rows, j) : item;
            if (l->label) {
                printf("%-5s ", l->label);
            }
            print_columns(l->columns, item, row);
            json_array_foreach(json_object_get(row, l->sub_rows ?: ""), k,
                               sub)
            {
                printf("    ");
                print_columns(l->sub_columns, row, sub);
            }
        }
    }
}

/* CMD [ARG]: GETs the listing's URL (followed by ARG when it takes one)
 * and prints the list, or the JSON as it came with --json. */
static int
run_listing(struct remote *r, const struct listing *l, int argc,
            char **argv)
{
    char url[512];
    json_t *list;
    int rc;

    if (argc != (l->arg ? 2 : 1)) {
        fprintf(stderr, "slicectl: usage: %s%s%s\n", argv[0],
                l->arg ? " " : "", l->arg ? l->arg : "");
        return 1;
    }
    snprintf(url, sizeof url, "%s%s", l->url, l->arg ? argv[1] : "");
    rc = l->nsmf ? call_nsmf(r, "GET", url, NULL, &list)
                 : call(r, "GET", url, NULL, NULL, 0, &list);
    if (rc) {
        return rc;
    }
    if (r->o->json) {
        print_json(list);
    } else {
        print_listing(l, list);
    }
    json_decref(list);
    return 0;
}

static const struct column descriptor_columns[] = {
    {"_id", -36}, {"id", -32}, {"_admin.usageState"}, {0},
};

/* list [vnfd|nsd|nst]: the descriptors of each kind (PNFDs are listed
 * with the VNF packages). */
static int
cmd_list(struct remote *r, int argc, char **argv)
{
    int worst = 0;

    for (size_t i = 0; i < sizeof endpoints / sizeof endpoints[0]; i++) {
        const struct listing l = {
            .url = endpoints[i].content,
            .label = endpoints[i].label,
            .columns = descriptor_columns,
        };
        int rc;

        if ((argc > 1 && strcmp(argv[1], endpoints[i].kind)) ||
            !strcmp(endpoints[i].kind, "pnfd")) {
            continue;
        }
        rc = run_listing(r, &l, 1, argv);
        worst = rc ? rc : worst;
    }
    return worst;
}

/* "SST-SD" of a slice request's S-NSSAI. */
static void
format_snssai(const json_t *row, char *out, size_t size)
{
    const json_t *sn = json_object_get(row, "s-nssai");

    snprintf(out, size, "%3" JSON_INTEGER_FORMAT "-%-6s",
             json_integer_value(json_object_get(sn, "sst")),
             slc_ctl_str(sn, "sd"));
}

/* "N NSs" of a slice instance. */
static void
format_nss(const json_t *row, char *out, size_t size)
{
    snprintf(out, size, "%zu NSs",
             json_array_size(json_object_get(row, "nsr-ref-list")));
}

static const struct listing vim_listing = {
    .url = "/admin/v1/vim_accounts",
    .columns = (const struct column[]){
        {"_id", -36}, {"name", -20}, {"vim_type", -8},
        {"_admin.operationalState"}, {0}},
};

static const struct listing sdnc_listing = {
    .url = "/admin/v1/sdns",
    .columns = (const struct column[]){
        {"_id", -36}, {"name", -20}, {"type", -12}, {"url"}, {0}},
};

static const struct listing ns_listing = {
    .url = "/nslcm/v1/ns_instances",
    .columns = (const struct column[]){
        {"_id", -36}, {"name", -20}, {"nsState", -16},
        {"operational-status", -12}, {"detailed-status"}, {0}},
};

/* vnf-list NS_ID: one line per VDU instance of the NS: where it runs
 * (VIM id: on netns, its namespace; the host placement chose) and each
 * interface's address and VL. */
static const struct listing vnf_listing = {
    .url = "/nslcm/v1/vnf_instances?nsr-id-ref=", /* + the NS id */
    .rows = "vdur",
    .columns = (const struct column[]){
        {"member-vnf-index-ref", -10, .of_item = true},
        {"vdu-id-ref", -10}, {"status", -8}, {"vim-id", -34},
        {"vim-compute-node"}, {0}},
    .sub_rows = "interfaces",
    .sub_columns = (const struct column[]){
        {"name", -8}, {"ip-address", -16}, {"mac-address", -18},
        {"ns-vld-id|vnf-vld-id"}, {0}},
    .arg = "NS_ID",
};

static const struct listing slice_request_listing = {
    .url = "/nsmf/v1/slice_requests",
    .nsmf = true,
    .columns = (const struct column[]){
        {"_id", -36}, {"name", -16}, {.format = format_snssai},
        {"decision.selected-nst", -22}, {"nsiId"}, {0}},
};

static const struct listing nsi_listing = {
    .url = "/nsilcm/v1/netslice_instances",
    .columns = (const struct column[]){
        {"_id", -36}, {"name", -16}, {"nst-ref", -22},
        {"_admin.nsiState", -17}, {"operational-status", -10},
        {.format = format_nss}, {0}},
};

static int
parse_sst(const char *text, int *sst)
{
    static const char *const names[] = {"eMBB", "URLLC", "mMTC", "V2X"};
    char *end;
    long v;

    for (int i = 0; i < 4; i++) {
        if (!strcasecmp(text, names[i])) {
            *sst = i + 1;
            return 0;
        }
    }
    v = strtol(text, &end, 10);
    if (*end || v < 1 || v > 255) {
        fprintf(stderr,
                "slicectl: --sst '%s' is not eMBB, URLLC, mMTC, V2X or a "
                "number 1..255\n",
                text);
        return 1;
    }
    *sst = (int)v;
    return 0;
}

/* slice-request: a 5G slice by service profile. */
static int
cmd_slice_request(struct remote *r, int argc, char **argv)
{
    const char *name = NULL, *vim = NULL, *sd = NULL, *file = NULL;
    double latency = 0;
    bool shared = false, wait = false;
    json_t *profile = NULL, *reply, *c;
    int sst = 0, choice = 0, rc, opt;
    size_t i;
    static const struct option opts[] = {
        {"name", required_argument, NULL, 'n'},
        {"vim", required_argument, NULL, 'v'},
        {"sst", required_argument, NULL, 't'},
        {"sd", required_argument, NULL, 'd'},
        {"latency", required_argument, NULL, 'l'},
        {"shared", no_argument, NULL, 's'},
        {"profile", required_argument, NULL, 'p'},
        {"wait", no_argument, NULL, 'w'},
        {NULL, 0, NULL, 0},
    };

    optind = 1;
    while ((opt = getopt_long(argc, argv, "n:v:t:d:l:sp:w", opts, NULL)) !=
           -1) {
        switch (opt) {
        case 'n': name = optarg; break;
        case 'v': vim = optarg; break;
        case 't':
            if (parse_sst(optarg, &sst)) {
                return 1;
            }
            break;
        case 'd': sd = optarg; break;
        case 'l': latency = atof(optarg); break;
        case 's': shared = true; break;
        case 'p': file = optarg; break;
        case 'w': wait = true; break;
        default: return 1;
        }
    }
    if (!vim || (!sst && !file)) {
        fprintf(stderr, "slicectl: slice-request needs --vim and --sst (or "
                        "--profile FILE)\n");
        return 1;
    }
    if (file) {
        json_error_t jerr;

        profile = json_load_file(file, 0, &jerr);
        if (!json_is_object(profile)) {
            fprintf(stderr, "slicectl: %s:%d:%d: %s\n", file, jerr.line,
                    jerr.column,
                    profile ? "a service profile is a JSON object"
                            : jerr.text);
            json_decref(profile);
            return 1;
        }
    } else {
        profile = json_object();
    }
    if (sst) {
        json_object_set_new(profile, "sNSSAIList",
                            json_pack("[{si ss*}]", "sst", sst, "sd", sd));
    }
    if (latency > 0) {
        json_object_set_new(profile, "latency", json_real(latency));
    }
    if (shared) {
        json_object_set_new(profile, "resourceSharingLevel",
                            json_string("shared"));
    }
    rc = call_nsmf(r, "POST", "/nsmf/v1/slice_requests",
                   json_pack("{ss* ss so}", "name", name, "vimAccountId", vim,
                             "serviceProfile", profile),
                   &reply);
    if (rc) {
        return rc;
    }
    if (r->o->json) {
        print_json(reply);
    } else {
        const json_t *d = json_object_get(reply, "decision");

        printf("slice request %s (%s): NST %s, NSI %s %s, operation %s\n",
               slc_ctl_str(reply, "id"), slc_ctl_str(reply, "name"),
               slc_ctl_str(d, "selected-nst"), slc_ctl_str(reply, "nsiId"),
               slc_ctl_str(d, "action"), slc_ctl_str(reply, "nsilcmopId"));
        json_array_foreach(json_object_get(d, "candidates"), i, c)
        {
            if (json_is_true(json_object_get(c, "accepted"))) {
                printf("  %-24s accepted, choice %d\n", slc_ctl_str(c, "nst"),
                       ++choice);
            } else {
                printf("  %-24s rejected: %s\n", slc_ctl_str(c, "nst"),
                       slc_ctl_str(c, "reason"));
            }
        }
    }
    if (wait && json_is_string(json_object_get(reply, "nsilcmopId"))) {
        rc = wait_op_at(r, NSI_OPS, slc_ctl_str(reply, "nsilcmopId"));
    }
    json_decref(reply);
    return rc;
}

static int
cmd_slice_request_delete(struct remote *r, int argc, char **argv)
{
    static const struct delete_kind k = {
        "slice-request-delete", "/nsmf/v1/slice_requests", NSI_OPS,
        "deallocated (its slice stays for its other requests):", true,
    };

    return delete_instance(r, &k, argc, argv);
}

static int
cmd_nsi_create(struct remote *r, int argc, char **argv)
{
    return create_instance(r, &nsi_kind, argc, argv);
}

static int
cmd_nsi_show(struct remote *r, int argc, char **argv)
{
    char path[512];
    json_t *d, *e;
    size_t i;
    int rc;

    if (argc != 2) {
        fprintf(stderr, "slicectl: usage: nsi-show ID\n");
        return 1;
    }
    snprintf(path, sizeof path, "/nsilcm/v1/netslice_instances/%s", argv[1]);
    rc = call(r, "GET", path, NULL, NULL, 0, &d);
    if (rc) {
        return rc;
    }
    if (r->o->json) {
        print_json(d);
    } else {
        const json_t *admin = json_object_get(d, "_admin");

        printf("nsi %s (%s): NST %s, %s, %s\n", slc_ctl_str(d, "_id"),
               slc_ctl_str(d, "name"), slc_ctl_str(d, "nst-ref"),
               slc_ctl_str(admin, "nsiState"),
               slc_ctl_str(d, "operational-status"));
        json_array_foreach(json_object_get(admin, "nsrs-detailed-list"), i, e)
        {
            printf("  subnet %-14s NS %s%s\n", slc_ctl_str(e, "nss-id"),
                   slc_ctl_str(e, "nsrId"),
                   json_is_true(json_object_get(e, "shared")) ? " (shared)"
                                                              : "");
        }
        /* subnets other slice managers provide, with their handles */
        json_array_foreach(json_object_get(admin, "remote-subnets"), i, e)
        {
            const json_t *h = json_object_get(e, "handle");

            printf("  subnet %-14s at NSSMF %s (%s): %s%s%s%s%s\n",
                   slc_ctl_str(e, "nss-id"), slc_ctl_str(e, "account-name"),
                   slc_ctl_str(e, "dialect"), slc_ctl_str(e, "state"),
                   json_string_value(json_object_get(h, "nssiId"))
                       ? ", NSSI "
                       : "",
                   json_string_value(json_object_get(h, "nssiId")) ?: "",
                   json_string_value(json_object_get(h, "nsInstanceId"))
                       ? ", NS "
                       : "",
                   json_string_value(json_object_get(h, "nsInstanceId"))
                       ?: "");
        }
        json_array_foreach(json_object_get(admin, "netslice-vld"), i, e)
        {
            printf("  netslice-vld %-14s %-5s slice network %s, %zu NSs\n",
                   slc_ctl_str(e, "name"), slc_ctl_str(e, "type"),
                   slc_ctl_str(e, "network"),
                   json_array_size(json_object_get(e, "shared-nsrs-list")));
        }
    }
    json_decref(d);
    return 0;
}

static int
cmd_nsi_delete(struct remote *r, int argc, char **argv)
{
    static const struct delete_kind k = {
        "nsi-delete", "/nsilcm/v1/netslice_instances_content", NSI_OPS,
        "deleted nsi", false,
    };

    return delete_instance(r, &k, argc, argv);
}

/* The commands: each runs a function or prints a listing. */
static const struct {
    const char *name;
    int (*run)(struct remote *r, int argc, char **argv);
    const char *usage;
    const struct listing *list;
} commands[] = {
    {"login", cmd_login, "login [-u USER] [-p PASSWORD] [--project P]"},
    {"onboard", cmd_onboard, "onboard FILE...      (descriptor or package)"},
    {"list", cmd_list, "list [vnfd|nsd|nst]"},
    {"show", cmd_show, "show KIND ID"},
    {"delete", cmd_delete, "delete KIND ID"},
    {"vim-create", slc_ctl_vim_create,
     "vim-create --name N [--type sim|netns|openstack] [--url U] [--user U "
     "--password P --tenant PROJECT] [--config JSON]"},
    {"vim-list", NULL, "vim-list", &vim_listing},
    {"vim-update", slc_ctl_vim_update,
     "vim-update ID [--config YAML] [--sdn-controller SDN]\n"
     "                [--sdn-port-mapping FILE]"},
    {"sdnc-create", slc_ctl_sdnc_create,
     "sdnc-create --name N --type ovs|osken|dummy [--url U] [--user U]\n"
     "                [--password P] [--config YAML]"},
    {"sdnc-list", NULL, "sdnc-list", &sdnc_listing},
    {"ns-create", cmd_ns_create,
     "ns-create --name N --nsd NSD --vim VIM [--wait]"},
    {"ns-list", NULL, "ns-list", &ns_listing},
    {"ns-show", cmd_ns_show, "ns-show ID"},
    {"vnf-list", NULL, "vnf-list NS_ID", &vnf_listing},
    {"ns-delete", cmd_ns_delete, "ns-delete ID [--wait]"},
    {"op-show", cmd_op_show, "op-show ID [--wait]"},
    {"ns-heal", cmd_ns_heal,
     "ns-heal ID --vnf MEMBER [--vdu VDU [--count N]]... [--run-day1]"
     " [--wait]"},
    {"ns-action", cmd_ns_action,
     "ns-action ID --action PRIMITIVE [--vnf MEMBER [--vdu VDU [--count N]]]\n"
     "                [--params YAML] [--timeout S] [--wait]"},
    {"slice-request", cmd_slice_request,
     "slice-request --sst eMBB|URLLC|mMTC|N --vim VIM [--sd HEX]\n"
     "                [--latency MS] [--shared] [--name N] [--profile FILE]"
     " [--wait]"},
    {"slice-request-list", NULL, "slice-request-list",
     &slice_request_listing},
    {"slice-request-delete", cmd_slice_request_delete,
     "slice-request-delete ID [--wait]"},
    {"nsi-create", cmd_nsi_create,
     "nsi-create --name N --nst NST --vim VIM [--wait]"},
    {"nsi-list", NULL, "nsi-list", &nsi_listing},
    {"nsi-show", cmd_nsi_show, "nsi-show ID"},
    {"nsi-delete", cmd_nsi_delete, "nsi-delete ID [--wait]"},
    {"nsi-action", cmd_nsi_action,
     "nsi-action ID --action PRIMITIVE [--subnet NSS]... [--vnf MEMBER]\n"
     "                [--params YAML] [--timeout S] [--wait]"},
};

void
slc_remote_usage(FILE *out)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        fprintf(out, "  %s\n", commands[i].usage);
    }
}

int
slc_remote_command(const struct slc_remote_opts *o, const char *name,
                   int argc, char **argv)
{
    struct slc_error err = {0};
    struct remote r = {.o = o};
    int rc = -1;

    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(commands[i].name, name)) {
            continue;
        }
        load_token(&r);
        if (slc_client_init(&r.client, o->url, r.token[0] ? r.token : NULL,
                            &err)) {
            fprintf(stderr, "slicectl: %s\n", err.msg);
            return 1;
        }
        r.client.cacert = o->cacert;
        rc = commands[i].list ? run_listing(&r, commands[i].list, argc, argv)
                              : commands[i].run(&r, argc, argv);
        slc_client_fini(&r.client);
        break;
    }
    return rc;
}

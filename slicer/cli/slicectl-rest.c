/* slicectl's REST commands: the session and its calls, the command
 * groups, and the commands on descriptors, NS instances and slices over
 * slicerd's OSM NBI (the other groups are in the slicectl-*.c files that
 * slicectl-internal.h lists).  The token of 'login' is kept in
 * $SLICER_TOKEN_FILE (default ~/.slicer-token, mode 0600); $SLICER_TOKEN
 * overrides it.  Exit codes: slicectl-rest.h (SLC_CTL_EXIT_*). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model.h"
#include "package.h"
#include "rest-client.h"
#include "slc-diag.h"
#include "slc-file.h"
#include "slc-yaml.h"
#include "slicectl-internal.h"
#include "slicectl-rest.h"

void
slc_ctl_token_path(char *buf, size_t size)
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
    slc_ctl_token_path(path, sizeof path);
    f = fopen(path, "r");
    if (f) {
        if (!fgets(r->token, sizeof r->token, f)) {
            r->token[0] = '\0';
        }
        r->token[strcspn(r->token, "\n")] = '\0';
        fclose(f);
    }
}

int
slc_ctl_request(struct remote *r, const char *method, const char *path,
                const char *type, const char *body, size_t size,
                long *status, json_t **out)
{
    struct slc_error err = {0};

    if (slc_client_request(&r->client, method, path, type, body, size,
                           status, out, &err)) {
        fprintf(stderr, "slicectl: %s\n", err.msg);
        return SLC_CTL_EXIT_UNREACHABLE;
    }
    return 0;
}

/* What an error reply says: OSM's detail, 3GPP's reason or title. */
static const char *
error_text(const json_t *reply)
{
    static const char *const keys[] = {"detail", "reason", "title"};

    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *s = json_string_value(json_object_get(reply, keys[i]));

        if (s) {
            return s;
        }
    }
    return "(no detail)";
}

/* Sends a request; on an HTTP error prints the server's detail.  Returns
 * 0 (reply in '*out', may be NULL), or an exit code. */
static int
call(struct remote *r, const char *method, const char *path,
     const char *type, const char *body, size_t size, json_t **out)
{
    json_t *reply = NULL;
    long status;
    int rc;

    if (out) {
        *out = NULL;
    }
    rc = slc_ctl_request(r, method, path, type, body, size, &status, &reply);
    if (rc) {
        return rc;
    }
    if (status >= 400) {
        fprintf(stderr, "slicectl: %s %s: %ld %s\n", method, path, status,
                error_text(reply));
        json_decref(reply);
        return SLC_CTL_EXIT_REFUSED;
    }
    if (out) {
        *out = reply;
    } else {
        json_decref(reply);
    }
    return 0;
}

/* A call beside /osm (the client's base without it: "https://h:p"). */
static int
call_at_root(struct remote *r, const char *method, const char *path,
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

int
slc_ctl_call(struct remote *r, bool root, const char *method,
             const char *path, json_t **out)
{
    return root ? call_at_root(r, method, path, NULL, out)
                : call(r, method, path, NULL, NULL, 0, out);
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

int
slc_ctl_call_root_json(struct remote *r, const char *method,
                       const char *path, json_t *body, json_t **out)
{
    if (!body) {
        return slc_ctl_call(r, true, method, path, out);
    }
    return call_at_root(r, method, path, body, out);
}

static int
cmd_login(struct remote *r, int argc, char **argv)
{
    const char *user = getenv("SLICER_USER");
    const char *password = getenv("SLICER_PASSWORD");
    const char *project = NULL;
    char path[1024], line[1200];
    json_t *reply, *said;
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
    slc_ctl_token_path(path, sizeof path);
    umask(077);
    f = fopen(path, "w");
    if (!f || fprintf(f, "%s\n", slc_ctl_str(reply, "id")) < 0 || fclose(f)) {
        fprintf(stderr, "slicectl: cannot write the token to %s\n", path);
        json_decref(reply);
        return SLC_CTL_EXIT_USAGE;
    }
    snprintf(line, sizeof line, "logged in as %s to project %s (token in %s)",
             slc_ctl_str(reply, "username"),
             slc_ctl_str(reply, "project_name"), path);
    said = json_pack("{ss ss ss}", "username", slc_ctl_str(reply, "username"),
                     "project_name", slc_ctl_str(reply, "project_name"),
                     "token_file", path);
    slc_ctl_said(r, said, line);
    json_decref(said);
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
    json_t *done = json_array();
    int worst = 0;

    if (argc < 2) {
        json_decref(done);
        return slc_ctl_usage("onboard FILE...");
    }
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
            worst = worst > 1 ? worst : SLC_CTL_EXIT_USAGE;
            continue;
        }
        rc = call(r, "POST", endpoint_of(kind), type, buf, size, &reply);
        free(buf);
        if (!rc && !slc_ctl_structured(r)) {
            printf("%s %s: %s\n", kind, argv[i], slc_ctl_str(reply, "id"));
        } else if (!rc) {
            json_array_append_new(done,
                                  json_pack("{ss ss ss}", "kind", kind,
                                            "file", argv[i], "id",
                                            slc_ctl_str(reply, "id")));
        }
        json_decref(reply);
        worst = rc > worst ? rc : worst;
    }
    if (slc_ctl_structured(r)) {
        slc_ctl_print_doc(r, done);
    }
    json_decref(done);
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
        return SLC_CTL_EXIT_USAGE;
    }
    snprintf(path, sizeof path, "%s/%s", ep, argv[2]);
    rc = slc_ctl_call(r, false, del ? "DELETE" : "GET", path, &d);
    if (!rc && !del) {
        slc_ctl_print_doc(r, d);
    } else if (!rc) {
        snprintf(path, sizeof path, "deleted %s %s", argv[1], argv[2]);
        slc_ctl_said(r, d, path);
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

/* What ns-create and nsi-create differ in. */
struct create_kind {
    const char *cmd, *desc_flag;  /* "ns-create", "nsd" */
    const char *url, *name_key, *desc_key, *op_key, *ops, *what;
};

static const struct create_kind ns_kind = {
    "ns-create", "nsd", "/nslcm/v1/ns_instances_content", "nsName",
    "nsdId", "nslcmop_id", SLC_CTL_NS_OPS, "ns",
};

static const struct create_kind nsi_kind = {
    "nsi-create", "nst", "/nsilcm/v1/netslice_instances_content", "nsiName",
    "nstId", "nsilcmop_id", SLC_CTL_NSI_OPS, "nsi",
};

/* ns-create and nsi-create: --name N --nsd|--nst D --vim V [--config
 * YAML] [--wait]; nsi-create also --nssmf SUBNET=ACCOUNT (a subnet
 * another slice manager provides). */
static int
create_instance(struct remote *r, const struct create_kind *k, int argc,
                char **argv)
{
    const char *name = NULL, *desc = NULL, *vim = NULL, *config = NULL;
    json_t *subnets = json_array(), *body, *more = NULL, *reply;
    char line[256];
    bool wait = false;
    int rc, opt;
    const struct option opts[] = {
        {"name", required_argument, NULL, 'n'},
        {k->desc_flag, required_argument, NULL, 'd'},
        {"vim", required_argument, NULL, 'v'},
        {"config", required_argument, NULL, 'c'},
        {"nssmf", required_argument, NULL, 's'},
        {"wait", no_argument, NULL, 'w'},
        {NULL, 0, NULL, 0},
    };

    optind = 1;
    while ((opt = getopt_long(argc, argv, "n:d:v:c:s:w", opts, NULL)) != -1) {
        const char *eq = opt == 's' ? strchr(optarg, '=') : NULL;

        switch (opt) {
        case 'n': name = optarg; break;
        case 'd': desc = optarg; break;
        case 'v': vim = optarg; break;
        case 'c': config = optarg; break;
        case 'w': wait = true; break;
        case 's':
            if (!eq || eq == optarg || !eq[1] || k != &nsi_kind) {
                fprintf(stderr, "slicectl: --nssmf takes SUBNET=ACCOUNT "
                                "(nsi-create only)\n");
                json_decref(subnets);
                return SLC_CTL_EXIT_USAGE;
            }
            json_array_append_new(subnets,
                                  json_pack("{ss# ss}", "id", optarg,
                                            (int)(eq - optarg),
                                            "nssmfAccountId", eq + 1));
            break;
        default: json_decref(subnets); return SLC_CTL_EXIT_USAGE;
        }
    }
    if (!name || !desc || !vim) {
        fprintf(stderr, "slicectl: %s needs --name, --%s, --vim\n", k->cmd,
                k->desc_flag);
        json_decref(subnets);
        return SLC_CTL_EXIT_USAGE;
    }
    if (config && slc_ctl_parse_params("--config", config, &more)) {
        json_decref(subnets);
        return SLC_CTL_EXIT_USAGE;
    }
    body = more ? more : json_object();
    json_object_set_new(body, k->name_key, json_string(name));
    json_object_set_new(body, k->desc_key, json_string(desc));
    json_object_set_new(body, "vimAccountId", json_string(vim));
    if (json_array_size(subnets)) {
        json_object_set(body, "netslice-subnet", subnets);
    }
    json_decref(subnets);
    rc = slc_ctl_call_json(r, "POST", k->url, body, &reply);
    if (!rc) {
        snprintf(line, sizeof line, "%s %s, operation %s", k->what,
                 slc_ctl_str(reply, "id"), slc_ctl_str(reply, k->op_key));
        if (!wait || !slc_ctl_structured(r)) {
            slc_ctl_said(r, reply, line);
            fflush(stdout);
        }
        if (wait) {
            rc = slc_ctl_wait(r, k->ops, slc_ctl_str(reply, k->op_key));
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

/* ns-show ID: the NS record (--output json|yaml: as stored) in a
 * summary, with its chains and their counters read from the switch
 * now. */
static int
cmd_ns_show(struct remote *r, int argc, char **argv)
{
    char path[512], idbuf[64];
    const char *id;
    json_t *d, *chains = NULL, *g;
    size_t i;
    int rc;

    if (argc != 2) {
        return slc_ctl_usage("ns-show ID");
    }
    id = slc_ctl_instance(r, false, argv[1], idbuf, sizeof idbuf);
    snprintf(path, sizeof path, "/nslcm/v1/ns_instances/%s", id);
    rc = slc_ctl_call(r, false, "GET", path, &d);
    if (!rc && slc_ctl_structured(r)) {
        slc_ctl_print_doc(r, d);
    } else if (!rc) {
        printf("%s %s: %s, %s (%s)\n", slc_ctl_str(d, "_id"),
               slc_ctl_str(d, "name"), slc_ctl_str(d, "nsState"),
               slc_ctl_str(d, "operational-status"),
               slc_ctl_str(d, "detailed-status"));
        printf("  nsd %s on vim %s\n", slc_ctl_str(d, "nsd-ref"),
               slc_ctl_str(d, "datacenter"));
        if (json_array_size(json_object_get(d, "vnffgr"))) {
            snprintf(path, sizeof path, "/nslcm/v1/ns_instances/%s/chains",
                     id);
            rc = slc_ctl_call(r, false, "GET", path, &chains);
        }
        json_array_foreach(chains, i, g)
        {
            slc_ctl_print_chain(g);
        }
        json_decref(chains);
    }
    json_decref(d);
    return rc;
}

/* What ns-delete, nsi-delete and slice-request-delete differ in. */
struct delete_kind {
    const char *cmd, *url, *ops, *gone;
    bool root;                 /* beside /osm, not under it */
};

/* CMD ID [--wait]: DELETE; when that starts a terminate operation (202),
 * says so and waits for it if asked. */
static int
delete_instance(struct remote *r, const struct delete_kind *k, int argc,
                char **argv)
{
    bool wait = argc == 3 && !strcmp(argv[2], "--wait");
    char path[512], line[600], idbuf[64];
    const char *op;
    json_t *d;
    int rc;

    if (argc < 2 || argc > 3 || (argc == 3 && !wait)) {
        snprintf(line, sizeof line, "%s ID [--wait]", k->cmd);
        return slc_ctl_usage(line);
    }
    snprintf(path, sizeof path, "%s/%s", k->url,
             k->root ? argv[1]
                     : slc_ctl_instance(r, !strcmp(k->ops, SLC_CTL_NSI_OPS),
                                        argv[1], idbuf, sizeof idbuf));
    rc = slc_ctl_call(r, k->root, "DELETE", path, &d);
    if (rc) {
        return rc;
    }
    op = json_string_value(json_object_get(d, "id"));
    if (op) {
        snprintf(line, sizeof line, "terminating, operation %s", op);
        if (!wait || !slc_ctl_structured(r)) {
            slc_ctl_said(r, d, line);
            fflush(stdout);
        }
        rc = wait ? slc_ctl_wait(r, k->ops, op) : 0;
    } else {
        snprintf(line, sizeof line, "%s %s", k->gone, argv[1]);
        slc_ctl_said(r, d, line);
    }
    json_decref(d);
    return rc;
}

/* ns-delete ID [--wait]: an instantiated NS is terminated and removed. */
static int
cmd_ns_delete(struct remote *r, int argc, char **argv)
{
    static const struct delete_kind k = {
        "ns-delete", "/nslcm/v1/ns_instances_content", SLC_CTL_NS_OPS,
        "deleted ns", false,
    };

    return delete_instance(r, &k, argc, argv);
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
    if (slc_ctl_call(r, false, "GET", path, &d)) {
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

    snprintf(path, sizeof path, "%s/%s", SLC_CTL_NSI_OPS, op);
    if (slc_ctl_call(r, false, "GET", path, &d)) {
        return;
    }
    json_array_foreach(json_object_get(json_object_get(d, "operationParams"),
                                       "nslcmops_ids"),
                       i, id)
    {
        print_outputs(r, SLC_CTL_NS_OPS, json_string_value(id));
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
    const char *ops = nsi ? SLC_CTL_NSI_OPS : SLC_CTL_NS_OPS;
    json_t *subnets = json_array();
    const char *action = NULL, *vnf = NULL, *vdu = NULL, *params = NULL;
    long count = -1, timeout = 0;
    bool wait = false;
    json_t *body, *reply = NULL, *p = NULL;
    char path[512], idbuf[64];
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
        default: json_decref(subnets); return SLC_CTL_EXIT_USAGE;
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
    snprintf(path, sizeof path, "%s/%s/action", base,
             slc_ctl_instance(r, nsi, argv[optind], idbuf, sizeof idbuf));
    rc = slc_ctl_call_json(r, "POST", path, body, &reply);
    if (!rc) {
        snprintf(path, sizeof path, "action %s, operation %s", action,
                 slc_ctl_str(reply, "id"));
        if (!wait || !slc_ctl_structured(r)) {
            slc_ctl_said(r, reply, path);
        }
    }
    if (!rc && wait) {
        rc = slc_ctl_wait(r, ops, slc_ctl_str(reply, "id"));
        if (!slc_ctl_structured(r)) {
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
    const char *vnfr_id = NULL, *ns;
    char path[512], idbuf[64];
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
        default: json_decref(vdus); return SLC_CTL_EXIT_USAGE;
        }
    }
    if (optind != argc - 1 || !member) {
        json_decref(vdus);
        return slc_ctl_usage("ns-heal ID --vnf MEMBER [--vdu VDU [--count "
                             "N]]... [--run-day1] [--wait]");
    }
    /* OSM names the VNF by its record's id */
    ns = slc_ctl_instance(r, false, argv[optind], idbuf, sizeof idbuf);
    snprintf(path, sizeof path, "/nslcm/v1/vnf_instances?nsr-id-ref=%s", ns);
    rc = slc_ctl_call(r, false, "GET", path, &vnfrs);
    json_array_foreach(rc ? NULL : vnfrs, i, v)
    {
        if (!strcmp(slc_ctl_str(v, "member-vnf-index-ref"), member)) {
            vnfr_id = slc_ctl_str(v, "_id");
        }
    }
    if (!rc && !vnfr_id) {
        fprintf(stderr, "slicectl: ns %s has no vnf '%s'\n", ns, member);
        rc = SLC_CTL_EXIT_USAGE;
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
    snprintf(path, sizeof path, "/nslcm/v1/ns_instances/%s/heal", ns);
    rc = slc_ctl_call_json(r, "POST", path, body, &reply);
    if (!rc) {
        snprintf(path, sizeof path, "healing, operation %s",
                 slc_ctl_str(reply, "id"));
        if (!wait || !slc_ctl_structured(r)) {
            slc_ctl_said(r, reply, path);
        }
        rc = wait ? slc_ctl_wait(r, SLC_CTL_NS_OPS, slc_ctl_str(reply, "id"))
                  : 0;
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

static const struct slc_ctl_listing descriptor_listing = {
    .columns = (const struct slc_ctl_column[]){
        {"KIND", "_kind"}, {"_ID", "_id"}, {"ID", "id"},
        {"USAGE", "_admin.usageState"}, {0}},
};

/* list [vnfd|nsd|nst]: the descriptors of each kind (PNFDs are listed
 * with the VNF packages) in one table, or with --output json|yaml the
 * list of KIND, or a mapping of each kind to its list. */
static int
cmd_list(struct remote *r, int argc, char **argv)
{
    json_t *rows = json_array(), *by_kind = json_object(), *list, *item;
    bool known = false;
    int rc = 0;
    size_t j;

    if (argc > 2) {
        return slc_ctl_usage("list [vnfd|nsd|nst]");
    }
    for (size_t i = 0; i < sizeof endpoints / sizeof endpoints[0] && !rc;
         i++) {
        if ((argc > 1 && strcmp(argv[1], endpoints[i].kind)) ||
            !strcmp(endpoints[i].kind, "pnfd")) {
            continue;
        }
        known = true;
        rc = slc_ctl_call(r, false, "GET", endpoints[i].content, &list);
        json_array_foreach(rc ? NULL : list, j, item)
        {
            json_t *row = json_copy(item);

            json_object_set_new(row, "_kind",
                                json_string(endpoints[i].label));
            json_array_append_new(rows, row);
        }
        if (!rc) {
            json_object_set_new(by_kind, endpoints[i].kind, list);
        }
    }
    if (!known) {
        rc = slc_ctl_usage("list [vnfd|nsd|nst]");
    } else if (!rc && !slc_ctl_structured(r)) {
        slc_ctl_print_listing(r, &descriptor_listing, rows);
    } else if (!rc) {
        slc_ctl_print_doc(r, argc > 1 ? json_object_get(by_kind, argv[1])
                                      : by_kind);
    }
    json_decref(rows);
    json_decref(by_kind);
    return rc;
}

/* "SST-SD" of a slice request's S-NSSAI. */
static void
format_snssai(const json_t *row, char *out, size_t size)
{
    const json_t *sn = json_object_get(row, "s-nssai");

    snprintf(out, size, "%" JSON_INTEGER_FORMAT "-%s",
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

static const struct slc_ctl_listing ns_listing = {
    .url = "/nslcm/v1/ns_instances",
    .columns = (const struct slc_ctl_column[]){
        {"ID", "_id"}, {"NAME", "name"}, {"STATE", "nsState"},
        {"STATUS", "operational-status"}, {"DETAIL", "detailed-status"},
        {0}},
};

/* vnf-list NS_ID: one line per VDU instance of the NS: where it runs
 * (VIM id: on netns, its namespace; the host placement chose) and each
 * interface's address and VL. */
static const struct slc_ctl_listing vnf_listing = {
    .url = "/nslcm/v1/vnf_instances?nsr-id-ref=", /* + the NS id */
    .rows = "vdur",
    .columns = (const struct slc_ctl_column[]){
        {"VNF", "member-vnf-index-ref", .of_item = true},
        {"VDU", "vdu-id-ref"}, {"STATUS", "status"}, {"VIM_ID", "vim-id"},
        {"HOST", "vim-compute-node"}, {0}},
    .sub_rows = "interfaces",
    .sub_columns = (const struct slc_ctl_column[]){
        {"IFACE", "name"}, {"IP", "ip-address"}, {"MAC", "mac-address"},
        {"VL", "ns-vld-id|vnf-vld-id"}, {0}},
    .arg = "NS_ID",
};

static const struct slc_ctl_listing slice_request_listing = {
    .url = "/nsmf/v1/slice_requests",
    .root = true,
    .columns = (const struct slc_ctl_column[]){
        {"ID", "_id"}, {"NAME", "name"},
        {"S-NSSAI", .format = format_snssai},
        {"NST", "decision.selected-nst"}, {"NSI", "nsiId"}, {0}},
};

static const struct slc_ctl_listing nsi_listing = {
    .url = "/nsilcm/v1/netslice_instances",
    .columns = (const struct slc_ctl_column[]){
        {"ID", "_id"}, {"NAME", "name"}, {"NST", "nst-ref"},
        {"STATE", "_admin.nsiState"}, {"STATUS", "operational-status"},
        {"NSS", .format = format_nss}, {0}},
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

/* What slicerd decided for a slice request: the NST chosen and each
 * candidate, accepted (in order) or rejected with the reason. */
static void
print_decision(const json_t *reply)
{
    const json_t *d = json_object_get(reply, "decision"), *c;
    int choice = 0;
    size_t i;

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

/* slice-request: a 5G slice by service profile. */
static int
cmd_slice_request(struct remote *r, int argc, char **argv)
{
    const char *name = NULL, *vim = NULL, *sd = NULL, *file = NULL;
    double latency = 0;
    bool shared = false, wait = false;
    json_t *profile = NULL, *reply;
    int sst = 0, rc, opt;
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
    rc = slc_ctl_call_root_json(r, "POST", "/nsmf/v1/slice_requests",
                                json_pack("{ss* ss so}", "name", name,
                                          "vimAccountId", vim,
                                          "serviceProfile", profile),
                                &reply);
    if (rc) {
        return rc;
    }
    if (slc_ctl_structured(r)) {
        if (!wait) {
            slc_ctl_print_doc(r, reply);
        }
    } else {
        print_decision(reply);
    }
    if (wait && json_is_string(json_object_get(reply, "nsilcmopId"))) {
        fflush(stdout);
        rc = slc_ctl_wait(r, SLC_CTL_NSI_OPS,
                          slc_ctl_str(reply, "nsilcmopId"));
    }
    json_decref(reply);
    return rc;
}

static int
cmd_slice_request_delete(struct remote *r, int argc, char **argv)
{
    static const struct delete_kind k = {
        "slice-request-delete", "/nsmf/v1/slice_requests", SLC_CTL_NSI_OPS,
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
    char path[512], idbuf[64];
    json_t *d, *e;
    size_t i;
    int rc;

    if (argc != 2) {
        return slc_ctl_usage("nsi-show ID");
    }
    snprintf(path, sizeof path, "/nsilcm/v1/netslice_instances/%s",
             slc_ctl_instance(r, true, argv[1], idbuf, sizeof idbuf));
    rc = slc_ctl_call(r, false, "GET", path, &d);
    if (rc) {
        return rc;
    }
    if (slc_ctl_structured(r)) {
        slc_ctl_print_doc(r, d);
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
        "nsi-delete", "/nsilcm/v1/netslice_instances_content", SLC_CTL_NSI_OPS,
        "deleted nsi", false,
    };

    return delete_instance(r, &k, argc, argv);
}

/* The commands of this file, by group. */
static const struct slc_ctl_command descriptor_commands[] = {
    {"login", cmd_login, "login [-u USER] [-p PASSWORD] [--project P]"},
    {"onboard", cmd_onboard, "onboard FILE...      (descriptor or package)"},
    {"list", cmd_list, "list [vnfd|nsd|nst]"},
    {"show", cmd_show, "show KIND ID"},
    {"delete", cmd_delete, "delete KIND ID"},
    {0},
};

static const struct slc_ctl_command ns_commands[] = {
    {"ns-create", cmd_ns_create,
     "ns-create --name N --nsd NSD --vim VIM [--config YAML] [--wait]"},
    {"ns-list", NULL, "ns-list", &ns_listing},
    {"ns-show", cmd_ns_show, "ns-show ID"},
    {"vnf-list", NULL, "vnf-list NS_ID", &vnf_listing},
    {"ns-delete", cmd_ns_delete, "ns-delete ID [--wait]"},
    {"ns-heal", cmd_ns_heal,
     "ns-heal ID --vnf MEMBER [--vdu VDU [--count N]]... [--run-day1]"
     " [--wait]"},
    {"ns-action", cmd_ns_action,
     "ns-action ID --action PRIMITIVE [--vnf MEMBER [--vdu VDU [--count N]]]\n"
     "                [--params YAML] [--timeout S] [--wait]"},
    {0},
};

static const struct slc_ctl_command slice_commands[] = {
    {"slice-request", cmd_slice_request,
     "slice-request --sst eMBB|URLLC|mMTC|N --vim VIM [--sd HEX]\n"
     "                [--latency MS] [--shared] [--name N] [--profile FILE]"
     " [--wait]"},
    {"slice-request-list", NULL, "slice-request-list",
     &slice_request_listing},
    {"slice-request-delete", cmd_slice_request_delete,
     "slice-request-delete ID [--wait]"},
    {"nsi-create", cmd_nsi_create,
     "nsi-create --name N --nst NST --vim VIM [--config YAML]\n"
     "                [--nssmf SUBNET=ACCOUNT]... [--wait]"},
    {"nsi-list", NULL, "nsi-list", &nsi_listing},
    {"nsi-show", cmd_nsi_show, "nsi-show ID"},
    {"nsi-delete", cmd_nsi_delete, "nsi-delete ID [--wait]"},
    {"nsi-action", cmd_nsi_action,
     "nsi-action ID --action PRIMITIVE [--subnet NSS]... [--vnf MEMBER]\n"
     "                [--params YAML] [--timeout S] [--wait]"},
    {0},
};

static const struct {
    const char *title;
    const struct slc_ctl_command *commands;
} groups[] = {
    {"session and descriptors", descriptor_commands},
    {"NS instances", ns_commands},
    {"NS operations, scaling and chains", slc_ctl_ops_commands},
    {"network slices", slice_commands},
    {"VIM accounts, SDN controllers and PDUs", slc_ctl_infra_commands},
    {"NSSMF accounts and slice subnets (3GPP MOIs)", slc_ctl_nssmf_commands},
    {"subscriptions to NS and slice notifications",
     slc_ctl_subscription_commands},
    {"users, projects, roles and tokens", slc_ctl_admin_commands},
};

void
slc_remote_usage(FILE *out)
{
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        fprintf(out, "%s%s:\n", g ? "\n" : "", groups[g].title);
        for (const struct slc_ctl_command *c = groups[g].commands; c->name;
             c++) {
            fprintf(out, "  %s\n", c->usage);
        }
    }
}

static const struct slc_ctl_command *
find_command(const char *name)
{
    for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
        for (const struct slc_ctl_command *c = groups[g].commands; c->name;
             c++) {
            if (!strcmp(c->name, name)) {
                return c;
            }
        }
    }
    return NULL;
}

static int
run_command(struct remote *r, const struct slc_ctl_command *c, int argc,
            char **argv)
{
    if (c->run) {
        return c->run(r, argc, argv);
    }
    if (c->list) {
        return slc_ctl_run_listing(r, c->list, argc, argv);
    }
    if (c->show) {
        return slc_ctl_show(r, c->show, argc, argv);
    }
    return slc_ctl_delete(r, c->del, c->what, argc, argv);
}

int
slc_remote_command(const struct slc_remote_opts *o, const char *name,
                   int argc, char **argv)
{
    const struct slc_ctl_command *c = find_command(name);
    struct slc_error err = {0};
    struct remote r = {.o = o};
    int rc;

    if (!c) {
        return -1;
    }
    load_token(&r);
    if (slc_client_init(&r.client, o->url, r.token[0] ? r.token : NULL,
                        &err)) {
        fprintf(stderr, "slicectl: %s\n", err.msg);
        return SLC_CTL_EXIT_UNREACHABLE;
    }
    r.client.cacert = o->cacert;
    rc = run_command(&r, c, argc, argv);
    slc_client_fini(&r.client);
    return rc;
}

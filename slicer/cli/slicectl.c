/* slicectl: the command-line client of slicer.
 *
 * Most commands talk to slicerd over REST (slicectl-rest.c).  Without a
 * daemon, 'validate' checks descriptor files, and with --store the
 * catalogue commands work on a local store file instead.  This file only
 * parses arguments and wires the libraries together. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalogue.h"
#include "slc-file.h"
#include "slc-log.h"
#include "slc-yaml.h"
#include "slicectl-rest.h"
#include "validate.h"

#define DEFAULT_URL "https://127.0.0.1:9999/osm"
#define DEFAULT_STATE_DIR "/var/lib/slicer"

struct cli {
    const char *store_path;
    enum slc_ctl_output output;
};

static void
usage(FILE *out)
{
    fprintf(out, "usage: slicectl [options] COMMAND [ARGS]\n"
                 "\n"
                 "Commands on slicerd (REST), by group:\n\n");
    slc_remote_usage(out);
    fprintf(out,
            "\n"
            "without a daemon:\n"
            "  validate FILE...          check descriptor files\n"
            "  --store PATH onboard|list|show|update|delete ...\n"
            "                            the catalogue in a local store file\n"
            "\n"
            "KIND is vnfd, nsd, pnfd or nst; ID is the record's _id or its "
            "name (a\ndescriptor's id).\n"
            "\n"
            "options:\n"
            "  -u, --url URL      slicerd's NBI (default: $SLICER_URL or\n"
            "                     %s)\n"
            "  -s, --store PATH   work on a local store file (or "
            "$SLICER_STORE)\n"
            "      --cacert FILE  trust the certificate(s) in FILE for "
            "HTTPS (or\n"
            "                     $SLICER_CACERT); a local slicerd's own is "
            "trusted\n"
            "                     without it: "
            "$SLICER_STATE_DIR/tls/cert.pem (default\n"
            "                     " DEFAULT_STATE_DIR "/tls/cert.pem)\n"
            "  -o, --output FMT   table (the default: lists as columns under "
            "a header\n"
            "                     line, records as summaries), json or yaml "
            "(as the\n"
            "                     API's documents)\n"
            "  -j, --json         --output json\n"
            "  -t, --wait-timeout S\n"
            "                     --wait gives up after S seconds (exit 4); "
            "default:\n"
            "                     none but the operation's own deadline\n"
            "  -v, --verbose      log more\n"
            "  -h, --help         this text\n"
            "  -V, --version      print the version\n"
            "\n"
            "login keeps its token in $SLICER_TOKEN_FILE (default "
            "~/.slicer-token);\n"
            "$SLICER_TOKEN overrides it.\n"
            "\n"
            "--wait follows the operation: on a terminal one line is "
            "redrawn (a bar,\n"
            "steps done / total, seconds, state); otherwise a line is "
            "printed each time\n"
            "the steps or the state change.  The last line is always\n"
            "\"OP_ID TYPE STATE DONE/TOTAL steps SECONDS s\".  With "
            "--output json|yaml\n"
            "the progress goes to stderr and the final operation record to "
            "stdout.\n"
            "\n"
            "exit codes:\n"
            "  0  success; an operation waited for ended COMPLETED\n"
            "  1  usage: bad arguments or options, an input file that cannot "
            "be read\n"
            "     or is not a descriptor, descriptors that do not validate\n"
            "  2  refused: slicerd answered with an error (4xx or 5xx, its "
            "detail\n"
            "     printed) or the local store refused; or the operation "
            "waited for\n"
            "     ended FAILED (or otherwise not COMPLETED)\n"
            "  3  unreachable: no answer from slicerd (connection refused, "
            "TLS,\n"
            "     name resolution, a request that timed out)\n"
            "  4  --wait-timeout passed while the operation still ran\n",
            DEFAULT_URL);
}

/* A document as --output says: YAML, else JSON. */
static void
print_doc(const struct cli *cli, const json_t *v)
{
    char *text = cli->output == SLC_CTL_OUT_YAML
                     ? slc_yaml_dump(v, NULL)
                     : json_dumps(v, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

    if (text) {
        fputs(text, stdout);
        if (cli->output != SLC_CTL_OUT_YAML) {
            putchar('\n');
        }
    }
    free(text);
}

static int
open_store(const struct cli *cli, struct slc_store **st)
{
    struct slc_error err;

    if (slc_store_open(cli->store_path, st, &err)) {
        fprintf(stderr, "slicectl: %s\n", err.msg);
        return 1;
    }
    return 0;
}

static int
parse_kind(const char *text, enum slc_desc_kind *kind)
{
    int k = slc_desc_kind_from_name(text);

    if (k < 0) {
        fprintf(stderr,
                "slicectl: unknown descriptor kind '%s' (vnfd, nsd, pnfd, "
                "nst)\n",
                text);
        return 1;
    }
    *kind = (enum slc_desc_kind)k;
    return 0;
}

/* The biggest input slicectl reads: the YAML loader's limit. */
#define MAX_INPUT SLC_YAML_MAX_SIZE_DEFAULT

static char *
read_file(const char *path, size_t *size)
{
    struct slc_error err;
    char *buf;

    if (slc_read_file(path, MAX_INPUT, &buf, size, &err)) {
        fprintf(stderr, "slicectl: %s\n", err.msg);
        return NULL;
    }
    return buf;
}

/* Prints a failed catalogue operation: all diagnostics, then the error. */
static int
report(const char *what, int rc, const struct slc_error *err,
       const struct slc_diags *diags)
{
    if (diags) {
        slc_diags_print(diags, stderr);
    }
    if (!diags || !slc_diags_has_errors(diags) || rc != SLC_EINVALID) {
        fprintf(stderr, "slicectl: %s: %s\n", what, err->msg);
    }
    return rc == SLC_EINVALID ? 1 : 2;
}

static int
cmd_onboard(const struct cli *cli, int argc, char **argv)
{
    struct slc_store *st;
    int status = 0;

    if (!argc) {
        fprintf(stderr, "slicectl: onboard needs at least one FILE\n");
        return 1;
    }
    if (open_store(cli, &st)) {
        return 2;
    }
    for (int i = 0; i < argc; i++) {
        struct slc_diags diags = SLC_DIAGS_INIT;
        struct slc_error err;
        json_t *created, *c;
        size_t size, j;
        char *buf = read_file(argv[i], &size);
        int rc;

        if (!buf) {
            status = 2;
            continue;
        }
        rc = slc_catalogue_onboard(st, buf, size, argv[i], NULL, &created, &diags,
                                   &err);
        free(buf);
        if (rc) {
            status = report(argv[i], rc, &err, &diags);
        } else {
            slc_diags_print(&diags, stderr); /* warnings */
            json_array_foreach(created, j, c)
            {
                printf("onboarded %s %s %s\n",
                       json_string_value(json_object_get(c, "kind")),
                       json_string_value(json_object_get(c, "id")),
                       json_string_value(json_object_get(c, "_id")));
            }
            json_decref(created);
        }
        slc_diags_clear(&diags);
    }
    slc_store_close(st);
    return status;
}

static void
print_table(enum slc_desc_kind kind, const json_t *list)
{
    const json_t *row;
    size_t i;

    json_array_foreach(list, i, row)
    {
        const json_t *version = json_object_get(row, "version");
        char *vtext = json_dumps(version, JSON_ENCODE_ANY);

        printf("%-5s %-36s %-32s %-8s %s\n", slc_desc_kind_name(kind),
               json_string_value(json_object_get(row, "_id")),
               json_string_value(json_object_get(row, "id")),
               json_is_string(version) ? json_string_value(version)
               : vtext && !json_is_null(version) ? vtext
                                                 : "-",
               json_string_value(json_object_get(row, "format")));
        free(vtext);
    }
}

static int
cmd_list(const struct cli *cli, int argc, char **argv)
{
    json_t *all = json_object();
    struct slc_store *st;
    int status = 0;

    if (argc > 1) {
        fprintf(stderr, "slicectl: list takes at most one KIND\n");
        return 1;
    }
    if (open_store(cli, &st)) {
        return 2;
    }
    if (cli->output == SLC_CTL_OUT_TABLE) {
        printf("%-5s %-36s %-32s %-8s %s\n", "KIND", "_ID", "ID", "VERSION",
               "FORMAT");
    }
    for (int k = 0; k < SLC_DESC_KINDS && !status; k++) {
        enum slc_desc_kind kind = (enum slc_desc_kind)k;
        struct slc_error err;
        json_t *list;

        if (argc && strcmp(argv[0], slc_desc_kind_name(kind))) {
            continue;
        }
        if (slc_catalogue_list(st, kind, &list, &err)) {
            fprintf(stderr, "slicectl: list: %s\n", err.msg);
            status = 2;
            break;
        }
        if (cli->output != SLC_CTL_OUT_TABLE) {
            json_object_set_new(all, slc_desc_kind_name(kind), list);
        } else {
            print_table(kind, list);
            json_decref(list);
        }
    }
    if (argc && slc_desc_kind_from_name(argv[0]) < 0) {
        enum slc_desc_kind unused;

        status = parse_kind(argv[0], &unused);
    }
    if (cli->output != SLC_CTL_OUT_TABLE && !status) {
        print_doc(cli, all);
    }
    json_decref(all);
    slc_store_close(st);
    return status;
}

static int
cmd_show(const struct cli *cli, int argc, char **argv)
{
    enum slc_desc_kind kind;
    struct slc_record rec;
    struct slc_error err;
    struct slc_store *st;
    int status = 0;

    if (argc != 2) {
        fprintf(stderr, "slicectl: usage: show KIND ID\n");
        return 1;
    }
    if (parse_kind(argv[0], &kind) || open_store(cli, &st)) {
        return 1;
    }
    if (slc_catalogue_get(st, kind, argv[1], NULL, &rec, &err)) {
        fprintf(stderr, "slicectl: show: %s\n", err.msg);
        status = 2;
    } else {
        print_doc(cli, rec.doc);
        slc_record_clear(&rec);
    }
    slc_store_close(st);
    return status;
}

static int
cmd_update(const struct cli *cli, int argc, char **argv)
{
    struct slc_diags diags = SLC_DIAGS_INIT;
    enum slc_desc_kind kind;
    struct slc_error err;
    struct slc_store *st;
    size_t size;
    char *buf;
    int rc, status = 0;

    if (argc != 3) {
        fprintf(stderr, "slicectl: usage: update KIND ID FILE\n");
        return 1;
    }
    if (parse_kind(argv[0], &kind) || !(buf = read_file(argv[2], &size))) {
        return 1;
    }
    if (open_store(cli, &st)) {
        free(buf);
        return 2;
    }
    rc = slc_catalogue_update(st, kind, argv[1], buf, size, argv[2], &diags,
                              &err);
    if (rc) {
        status = report("update", rc, &err, &diags);
    } else {
        slc_diags_print(&diags, stderr);
        printf("updated %s %s\n", argv[0], argv[1]);
    }
    slc_diags_clear(&diags);
    free(buf);
    slc_store_close(st);
    return status;
}

static int
cmd_delete(const struct cli *cli, int argc, char **argv)
{
    enum slc_desc_kind kind;
    struct slc_error err;
    struct slc_store *st;
    int status = 0;

    if (argc != 2) {
        fprintf(stderr, "slicectl: usage: delete KIND ID\n");
        return 1;
    }
    if (parse_kind(argv[0], &kind) || open_store(cli, &st)) {
        return 1;
    }
    if (slc_catalogue_delete(st, kind, argv[1], &err)) {
        fprintf(stderr, "slicectl: delete: %s\n", err.msg);
        status = 2;
    } else {
        printf("deleted %s %s\n", argv[0], argv[1]);
    }
    slc_store_close(st);
    return status;
}

static int
cmd_validate(const struct cli *cli, int argc, char **argv)
{
    if (!argc) {
        fprintf(stderr, "slicectl: validate needs at least one FILE\n");
        return 1;
    }
    return slc_validate_files(argv, (size_t)argc, stdout, stderr) ? 1 : 0;
}

/* The command table. */
static const struct {
    const char *name;
    int (*run)(const struct cli *cli, int argc, char **argv);
} commands[] = {
    {"validate", cmd_validate}, {"onboard", cmd_onboard},
    {"list", cmd_list},         {"show", cmd_show},
    {"update", cmd_update},     {"delete", cmd_delete},
};

/* For an HTTPS URL on this host (localhost, 127.0.0.1, ::1), the
 * certificate of the local slicerd ($SLICER_STATE_DIR, else the default
 * state directory) when it is readable: slicerd made it self-signed on
 * its first start, and trusting it is trusting that file's owner. */
static bool
local_cert_of(const char *url, char *out, size_t size)
{
    static const char *const local[] = {
        "https://localhost:", "https://localhost/", "https://127.0.0.1:",
        "https://127.0.0.1/", "https://[::1]:", "https://[::1]/",
    };
    const char *dir = getenv("SLICER_STATE_DIR");
    bool is_local = false;

    for (size_t i = 0; i < sizeof local / sizeof local[0]; i++) {
        is_local = is_local || !strncmp(url, local[i], strlen(local[i]));
    }
    if (!is_local) {
        return false;
    }
    snprintf(out, size, "%s/tls/cert.pem",
             dir && *dir ? dir : DEFAULT_STATE_DIR);
    return !access(out, R_OK);
}

/* Reads --output's value into 'out'; 1 with the problem printed. */
static int
parse_output(const char *text, enum slc_ctl_output *out)
{
    static const char *const names[] = {"table", "json", "yaml"};

    for (int i = 0; i < 3; i++) {
        if (!strcmp(text, names[i])) {
            *out = (enum slc_ctl_output)i;
            return 0;
        }
    }
    fprintf(stderr, "slicectl: --output '%s' is not table, json or yaml\n",
            text);
    return 1;
}

/* Takes the output options given after the command ("ns-list -o json",
 * as a person types them) out of argv[from..]; 1 on a bad value. */
static int
take_late_options(int *argc, char **argv, int from, enum slc_ctl_output *out)
{
    int i = from, j = from;

    while (i < *argc) {
        const char *a = argv[i];

        if (!strcmp(a, "--")) {
            break;
        }
        if (!strcmp(a, "-j") || !strcmp(a, "--json")) {
            *out = SLC_CTL_OUT_JSON;
            i++;
        } else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) &&
                   i + 1 < *argc) {
            if (parse_output(argv[i + 1], out)) {
                return 1;
            }
            i += 2;
        } else if (!strncmp(a, "--output=", 9)) {
            if (parse_output(a + 9, out)) {
                return 1;
            }
            i++;
        } else {
            argv[j++] = argv[i++];
        }
    }
    while (i < *argc) {
        argv[j++] = argv[i++];
    }
    *argc = j;
    argv[j] = NULL;
    return 0;
}

int
main(int argc, char **argv)
{
    static const struct option options[] = {
        {"store", required_argument, NULL, 's'},
        {"url", required_argument, NULL, 'u'},
        {"cacert", required_argument, NULL, 'C'},
        {"output", required_argument, NULL, 'o'},
        {"json", no_argument, NULL, 'j'},
        {"wait-timeout", required_argument, NULL, 't'},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    struct cli cli = {.store_path = getenv("SLICER_STORE")};
    struct slc_remote_opts remote = {
        .url = getenv("SLICER_URL") ? getenv("SLICER_URL") : DEFAULT_URL,
        .cacert = getenv("SLICER_CACERT"),
    };
    char local_cert[4096], *end;
    int opt, rc;

    slc_log_set_level(SLC_LOG_WARN);
    while ((opt = getopt_long(argc, argv, "+s:u:o:jt:vhV", options, NULL)) !=
           -1) {
        switch (opt) {
        case 's':
            cli.store_path = optarg;
            break;
        case 'u':
            remote.url = optarg;
            break;
        case 'C':
            remote.cacert = optarg;
            break;
        case 'o':
            if (parse_output(optarg, &cli.output)) {
                return SLC_CTL_EXIT_USAGE;
            }
            break;
        case 'j':
            cli.output = SLC_CTL_OUT_JSON;
            break;
        case 't':
            remote.wait_timeout = strtod(optarg, &end);
            if (*end || !(remote.wait_timeout > 0)) {
                fprintf(stderr, "slicectl: --wait-timeout '%s' is not a "
                                "number of seconds\n",
                        optarg);
                return SLC_CTL_EXIT_USAGE;
            }
            break;
        case 'v':
            slc_log_set_level(SLC_LOG_DEBUG);
            break;
        case 'h':
            usage(stdout);
            return 0;
        case 'V':
            printf("slicectl %s\n", SLICER_VERSION);
            return 0;
        default:
            fprintf(stderr, "slicectl --help lists the options\n");
            return SLC_CTL_EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return SLC_CTL_EXIT_USAGE;
    }
    if (take_late_options(&argc, argv, optind + 1, &cli.output)) {
        return SLC_CTL_EXIT_USAGE;
    }
    remote.output = cli.output;
    if (!remote.cacert &&
        local_cert_of(remote.url, local_cert, sizeof local_cert)) {
        remote.cacert = local_cert;
    }
    if (!cli.store_path && strcmp(argv[optind], "validate")) {
        rc = slc_remote_command(&remote, argv[optind], argc - optind,
                                argv + optind);
        if (rc >= 0) {
            return rc;
        }
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (!strcmp(commands[i].name, argv[optind])) {
            return commands[i].run(&cli, argc - optind - 1,
                                   argv + optind + 1);
        }
    }
    fprintf(stderr,
            "slicectl: unknown command '%s' (slicectl --help lists them)\n",
            argv[optind]);
    return SLC_CTL_EXIT_USAGE;
}

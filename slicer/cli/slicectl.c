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
#include "slicectl-rest.h"
#include "validate.h"

#define DEFAULT_URL "https://127.0.0.1:9999/osm"
#define DEFAULT_STATE_DIR "/var/lib/slicer"

struct cli {
    const char *store_path;
    bool json;
};

static void
usage(FILE *out)
{
    fprintf(out, "usage: slicectl [options] COMMAND [ARGS]\n"
                 "\n"
                 "commands on slicerd (REST):\n");
    slc_remote_usage(out);
    fprintf(out,
            "\n"
            "without a daemon:\n"
            "  validate FILE...          check descriptor files\n"
            "  --store PATH onboard|list|show|update|delete ...\n"
            "                            the catalogue in a local store file\n"
            "\n"
            "KIND is vnfd, nsd, pnfd or nst; ID is the descriptor id or its "
            "_id.\n"
            "\n"
            "options:\n"
            "  -u, --url URL      slicerd's NBI (default: $SLICER_URL or "
            "%s)\n"
            "  -s, --store PATH   work on a local store file (or "
            "$SLICER_STORE)\n"
            "      --cacert FILE  trust the certificate(s) in FILE for "
            "HTTPS (or\n"
            "                     $SLICER_CACERT); a local slicerd's own is "
            "trusted\n"
            "                     without it: "
            "$SLICER_STATE_DIR/tls/cert.pem (default\n"
            "                     " DEFAULT_STATE_DIR "/tls/cert.pem)\n"
            "  -j, --json         print lists as JSON\n"
            "  -v, --verbose      log more\n"
            "  -h, --help         this text\n"
            "  -V, --version      print the version\n"
            "\n"
            "login keeps its token in $SLICER_TOKEN_FILE (default "
            "~/.slicer-token).\n",
            DEFAULT_URL);
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
    if (!cli->json) {
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
        if (cli->json) {
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
    if (cli->json && !status) {
        json_dumpf(all, stdout, JSON_INDENT(2));
        putchar('\n');
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
        json_dumpf(rec.doc, stdout, JSON_INDENT(2));
        putchar('\n');
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

int
main(int argc, char **argv)
{
    static const struct option options[] = {
        {"store", required_argument, NULL, 's'},
        {"url", required_argument, NULL, 'u'},
        {"cacert", required_argument, NULL, 'C'},
        {"json", no_argument, NULL, 'j'},
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
    char local_cert[4096];
    int opt, rc;

    slc_log_set_level(SLC_LOG_WARN);
    while ((opt = getopt_long(argc, argv, "+s:u:jvhV", options, NULL)) != -1) {
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
        case 'j':
            cli.json = true;
            remote.json = true;
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
            usage(stderr);
            return 1;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return 1;
    }
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
    fprintf(stderr, "slicectl: unknown command '%s'\n", argv[optind]);
    usage(stderr);
    return 1;
}

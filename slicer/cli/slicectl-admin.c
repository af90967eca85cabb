/* slicectl's commands on identities (/osm/admin/v1/users, projects,
 * roles, tokens), with osmclient's flags where it has them: user-create
 * --projects --project-role-mappings PROJECT,ROLE, user-update
 * --add-project-role --remove-project-role --set-username, role-update
 * --set-name --add --remove; and logout, which revokes the token login
 * kept and removes its file. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "slicectl-internal.h"

#define USERS "/admin/v1/users"
#define PROJECTS "/admin/v1/projects"
#define ROLES "/admin/v1/roles"
#define TOKENS "/admin/v1/tokens"

/* A mapping {project, role} of "PROJECT,ROLE" (role optional when
 * 'role_optional'); NULL with the problem printed. */
static json_t *
mapping(const char *option, const char *text, bool role_optional)
{
    const char *comma = strchr(text, ',');

    if (comma == text || (!comma && !role_optional) ||
        (comma && (!comma[1] || strchr(comma + 1, ',')))) {
        fprintf(stderr, "slicectl: %s '%s': give PROJECT,ROLE%s\n", option,
                text, role_optional ? " or PROJECT" : "");
        return NULL;
    }
    if (!comma) {
        return json_pack("{ss}", "project", text);
    }
    return json_pack("{ss# ss}", "project", text, (int)(comma - text),
                     "role", comma + 1);
}

/* Appends each name of comma-separated 'text' to 'list'. */
static void
append_names(json_t *list, const char *text)
{
    char *copy = strdup(text), *save = NULL;

    for (char *n = strtok_r(copy, ",", &save); n;
         n = strtok_r(NULL, ",", &save)) {
        json_array_append_new(list, json_string(n));
    }
    free(copy);
}

/* Appends the mapping of 'text' to member 'key' of 'body' (made when
 * absent); 0 or SLC_CTL_EXIT_USAGE. */
static int
add_mapping(json_t *body, const char *key, const char *option,
            const char *text, bool role_optional)
{
    json_t *m = mapping(option, text, role_optional);
    json_t *list = json_object_get(body, key);

    if (!m) {
        return SLC_CTL_EXIT_USAGE;
    }
    if (!list) {
        list = json_array();
        json_object_set_new(body, key, list);
    }
    json_array_append_new(list, m);
    return 0;
}

#define USER_CREATE_USAGE                                                   \
    "user-create USERNAME --password P [--projects P1,P2]\n"                \
    "                [--project-role-mappings PROJECT,ROLE]... "            \
    "[--domain-name D]"

/* user-create USERNAME --password P [--projects P,...]
 * [--project-role-mappings PROJECT,ROLE]... [--domain-name D]. */
static int
cmd_user_create(struct remote *r, int argc, char **argv)
{
    static const struct option opts[] = {
        {"password", required_argument, NULL, 'p'},
        {"projects", required_argument, NULL, 'P'},
        {"project-role-mappings", required_argument, NULL, 'm'},
        {"domain-name", required_argument, NULL, 'd'},
        {NULL, 0, NULL, 0},
    };
    json_t *body = json_object(), *projects = json_array();
    int rc = 0, opt;

    optind = 0;
    while (!rc && (opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'p':
            json_object_set_new(body, "password", json_string(optarg));
            break;
        case 'P': append_names(projects, optarg); break;
        case 'm':
            rc = add_mapping(body, "project_role_mappings",
                             "--project-role-mappings", optarg, false);
            break;
        case 'd':
            json_object_set_new(body, "domain_name", json_string(optarg));
            break;
        default: rc = SLC_CTL_EXIT_USAGE; break;
        }
    }
    if (!rc && (optind != argc - 1 || !json_object_get(body, "password"))) {
        rc = slc_ctl_usage(USER_CREATE_USAGE);
    }
    if (rc) {
        json_decref(body);
        json_decref(projects);
        return rc;
    }
    json_object_set_new(body, "username", json_string(argv[optind]));
    if (json_array_size(projects)) {
        json_object_set(body, "projects", projects);
    }
    json_decref(projects);
    return slc_ctl_create(r, USERS, body);
}

#define USER_UPDATE_USAGE                                                   \
    "user-update USER [--password P] [--set-username N]\n"                  \
    "                [--add-project-role PROJECT,ROLE]...\n"                \
    "                [--remove-project-role PROJECT[,ROLE]]..."

/* user-update USER: its password, its name, and its roles in projects
 * added or removed (a project without a role: every role there). */
static int
cmd_user_update(struct remote *r, int argc, char **argv)
{
    static const struct option opts[] = {
        {"password", required_argument, NULL, 'p'},
        {"set-username", required_argument, NULL, 'n'},
        {"add-project-role", required_argument, NULL, 'a'},
        {"remove-project-role", required_argument, NULL, 'r'},
        {NULL, 0, NULL, 0},
    };
    json_t *body = json_object();
    char path[512];
    int rc = 0, opt;

    optind = 0;
    while (!rc && (opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 'p':
            json_object_set_new(body, "password", json_string(optarg));
            break;
        case 'n':
            json_object_set_new(body, "username", json_string(optarg));
            break;
        case 'a':
            rc = add_mapping(body, "add_project_role_mappings",
                             "--add-project-role", optarg, false);
            break;
        case 'r':
            rc = add_mapping(body, "remove_project_role_mappings",
                             "--remove-project-role", optarg, true);
            break;
        default: rc = SLC_CTL_EXIT_USAGE; break;
        }
    }
    if (!rc && (optind != argc - 1 || !json_object_size(body))) {
        rc = slc_ctl_usage(USER_UPDATE_USAGE);
    }
    if (rc) {
        json_decref(body);
        return rc;
    }
    snprintf(path, sizeof path, "%s/%s", USERS, argv[optind]);
    return slc_ctl_update(r, path, body, "user", argv[optind]);
}

/* project-create NAME [--domain-name D] [--quotas YAML]. */
static int
cmd_project_create(struct remote *r, int argc, char **argv)
{
    static const struct slc_ctl_field fields[] = {
        {"domain-name", "domain_name", 's'},
        {"quotas", "quotas", 'y'},
        {0},
    };
    json_t *body;
    int rc = slc_ctl_parse_fields(fields, argc, argv, &body, NULL);

    if (!rc && optind != argc - 1) {
        json_decref(body);
        rc = slc_ctl_usage("project-create NAME [--domain-name D] "
                           "[--quotas YAML]");
    }
    if (rc) {
        return rc;
    }
    json_object_set_new(body, "name", json_string(argv[optind]));
    return slc_ctl_create(r, PROJECTS, body);
}

/* project-update PROJECT [--name N] [--quotas YAML]. */
static int
cmd_project_update(struct remote *r, int argc, char **argv)
{
    static const struct slc_ctl_field fields[] = {
        {"name", "name", 's'},
        {"quotas", "quotas", 'y'},
        {0},
    };
    char path[512];
    json_t *body;
    int rc = slc_ctl_parse_fields(fields, argc, argv, &body, NULL);

    if (!rc && (optind != argc - 1 || !json_object_size(body))) {
        json_decref(body);
        rc = slc_ctl_usage("project-update PROJECT [--name N] "
                           "[--quotas YAML]");
    }
    if (rc) {
        return rc;
    }
    snprintf(path, sizeof path, "%s/%s", PROJECTS, argv[optind]);
    return slc_ctl_update(r, path, body, "project", argv[optind]);
}

/* role-create NAME [--permissions YAML]. */
static int
cmd_role_create(struct remote *r, int argc, char **argv)
{
    static const struct slc_ctl_field fields[] = {
        {"permissions", "permissions", 'y'},
        {0},
    };
    json_t *body;
    int rc = slc_ctl_parse_fields(fields, argc, argv, &body, NULL);

    if (!rc && optind != argc - 1) {
        json_decref(body);
        rc = slc_ctl_usage("role-create NAME [--permissions YAML]");
    }
    if (rc) {
        return rc;
    }
    json_object_set_new(body, "name", json_string(argv[optind]));
    return slc_ctl_create(r, ROLES, body);
}

/* role-update ROLE [--set-name N] [--add YAML] [--remove KEY,...]: the
 * permissions of --add set, those of --remove dropped (null). */
static int
cmd_role_update(struct remote *r, int argc, char **argv)
{
    static const struct slc_ctl_field fields[] = {
        {"set-name", "name", 's'},
        {"add", "permissions", 'y'},
        {"remove", "remove", 's'},
        {0},
    };
    const char *remove;
    char path[512];
    json_t *body, *gone = json_array(), *key;
    size_t i;
    int rc = slc_ctl_parse_fields(fields, argc, argv, &body, NULL);

    if (!rc && (optind != argc - 1 || !json_object_size(body))) {
        json_decref(body);
        rc = slc_ctl_usage("role-update ROLE [--set-name N] [--add YAML] "
                           "[--remove KEY,...]");
    }
    if (rc) {
        json_decref(gone);
        return rc;
    }
    remove = json_string_value(json_object_get(body, "remove"));
    if (remove) {
        append_names(gone, remove);
        if (!json_object_get(body, "permissions")) {
            json_object_set_new(body, "permissions", json_object());
        }
    }
    json_array_foreach(gone, i, key)
    {
        json_object_set_new(json_object_get(body, "permissions"),
                            json_string_value(key), json_null());
    }
    json_decref(gone);
    json_object_del(body, "remove");
    snprintf(path, sizeof path, "%s/%s", ROLES, argv[optind]);
    return slc_ctl_update(r, path, body, "role", argv[optind]);
}

/* logout: revokes the token slicectl uses and removes the file login
 * wrote (not $SLICER_TOKEN, which is the caller's). */
static int
cmd_logout(struct remote *r, int argc, char **argv)
{
    char path[1024], line[1200];
    json_t *d = NULL;
    int rc;

    (void)argv;
    if (argc != 1) {
        return slc_ctl_usage("logout");
    }
    rc = slc_ctl_call(r, false, "DELETE", TOKENS, &d);
    json_decref(d);
    slc_ctl_token_path(path, sizeof path);
    if (!getenv("SLICER_TOKEN") && unlink(path) && !rc) {
        perror(path);
    }
    if (!rc) {
        snprintf(line, sizeof line, "logged out%s%s",
                 getenv("SLICER_TOKEN") ? "" : ", removed ",
                 getenv("SLICER_TOKEN") ? "" : path);
        slc_ctl_said(r, NULL, line);
    }
    return rc;
}

/* "project/role, ..." of a user's mappings. */
static void
format_mappings(const json_t *row, char *out, size_t size)
{
    const json_t *m;
    size_t i, len = 0;

    out[0] = '\0';
    json_array_foreach(json_object_get(row, "project_role_mappings"), i, m)
    {
        len += (size_t)snprintf(
            out + len, len < size ? size - len : 0, "%s%s/%s", i ? "," : "",
            json_string_value(json_object_get(m, "project_name"))
                ?: slc_ctl_str(m, "project"),
            json_string_value(json_object_get(m, "role_name"))
                ?: slc_ctl_str(m, "role"));
    }
}

static void
format_expires(const json_t *row, char *out, size_t size)
{
    slc_ctl_format_time(json_object_get(row, "expires"), out, size);
}

static const struct slc_ctl_listing user_listing = {
    .url = USERS,
    .columns = (const struct slc_ctl_column[]){
        {"ID", "_id"}, {"USERNAME", "username"},
        {"PROJECT/ROLE", .format = format_mappings}, {0}},
};

static const struct slc_ctl_listing project_listing = {
    .url = PROJECTS,
    .columns = (const struct slc_ctl_column[]){
        {"ID", "_id"}, {"NAME", "name"}, {0}},
};

static const struct slc_ctl_listing role_listing = {
    .url = ROLES,
    .columns = (const struct slc_ctl_column[]){
        {"ID", "_id"}, {"NAME", "name"}, {0}},
};

static const struct slc_ctl_listing token_listing = {
    .url = TOKENS,
    .columns = (const struct slc_ctl_column[]){
        {"ID", "_id"}, {"USER", "username"}, {"PROJECT", "project_name"},
        {"FROM", "remote_host"}, {"EXPIRES", .format = format_expires},
        {0}},
};

const struct slc_ctl_command slc_ctl_admin_commands[] = {
    {"user-create", cmd_user_create, USER_CREATE_USAGE},
    {"user-list", NULL, "user-list", &user_listing},
    {"user-show", NULL, "user-show USER", .show = USERS},
    {"user-update", cmd_user_update, USER_UPDATE_USAGE},
    {"user-delete", NULL, "user-delete USER", .del = USERS, .what = "user"},
    {"project-create", cmd_project_create,
     "project-create NAME [--domain-name D] [--quotas YAML]"},
    {"project-list", NULL, "project-list", &project_listing},
    {"project-show", NULL, "project-show PROJECT", .show = PROJECTS},
    {"project-update", cmd_project_update,
     "project-update PROJECT [--name N] [--quotas YAML]"},
    {"project-delete", NULL, "project-delete PROJECT", .del = PROJECTS,
     .what = "project"},
    {"role-create", cmd_role_create, "role-create NAME [--permissions YAML]"},
    {"role-list", NULL, "role-list", &role_listing},
    {"role-show", NULL, "role-show ROLE", .show = ROLES},
    {"role-update", cmd_role_update,
     "role-update ROLE [--set-name N] [--add YAML] [--remove KEY,...]"},
    {"role-delete", NULL, "role-delete ROLE", .del = ROLES, .what = "role"},
    {"token-list", NULL, "token-list", &token_listing},
    {"token-delete", NULL, "token-delete ID", .del = TOKENS,
     .what = "token"},
    {"logout", cmd_logout, "logout               (revokes the token)"},
    {0},
};

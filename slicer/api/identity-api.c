/* /osm/admin/v1 identity: tokens (login, logout, revocation), projects,
 * users and roles.  Passwords are stored only as yescrypt hashes (auth.c),
 * never returned and never logged.  Neighbours: infra-api.c (the
 * infrastructure records of /osm/admin/v1), auth.c, rest.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rest-internal.h"
#include "slc-id.h"
#include "slc-log.h"

SLC_LOG_MODULE(identity_api);

#define TOKENS "/osm/admin/v1/tokens"
#define USERS "/osm/admin/v1/users"
#define PROJECTS "/osm/admin/v1/projects"
#define ROLES "/osm/admin/v1/roles"

/* ---- tokens ---- */

static const struct slc_body_field token_fields[] = {
    {"username", SLC_BT_STR, true},
    {"password", SLC_BT_STR, true},
    {"project_id", SLC_BT_STR | SLC_BT_NULL, false},
    {"project_name", SLC_BT_STR | SLC_BT_NULL, false},
    {"project", SLC_BT_STR | SLC_BT_NULL, false},
    {"user_domain_name", SLC_BT_STR | SLC_BT_NULL, false},
    {"project_domain_name", SLC_BT_STR | SLC_BT_NULL, false},
    {NULL},
};

static int
token_create(struct slc_call *c)
{
    json_t *body, *token;
    const char *project;
    int rc = slc_rest_body(c, &body);

    if (rc || (rc = slc_rest_check_body(c, body, "token request",
                                        token_fields))) {
        json_decref(body);
        return rc;
    }
    project = json_string_value(json_object_get(body, "project_id"));
    if (!project) {
        project = json_string_value(json_object_get(body, "project_name"));
    }
    if (!project) {
        project = json_string_value(json_object_get(body, "project"));
    }
    rc = slc_auth_login(
        c->api->st, c->api->tokens,
        json_string_value(json_object_get(body, "username")),
        json_string_value(json_object_get(body, "password")), project,
        slc_rest_now(c), (unsigned)c->api->token_ttl, c->req->remote_host,
        c->req->remote_port, &token, &c->err);
    json_decref(body);
    if (rc) {
        return rc;
    }
    snprintf(c->resp->location, sizeof c->resp->location, "%s/%s", TOKENS,
             json_string_value(json_object_get(token, "_id")));
    slc_rest_reply(c, 200, token);
    return 0;
}

struct token_filter {
    struct slc_call *c;
    json_t *out;
};

static int
token_visit(const char *coll, const struct slc_record *rec, void *arg)
{
    struct token_filter *f = arg;

    if (f->c->who.admin ||
        !strcmp(json_string_value(json_object_get(rec->doc, "user_id")),
                f->c->who.user_id)) {
        json_array_append(f->out, rec->doc);
    }
    return 0;
}

static int
token_list(struct slc_call *c)
{
    struct token_filter f = {.c = c, .out = json_array()};
    int rc = slc_store_list(c->api->st, "tokens", NULL, token_visit, &f,
                            &c->err);

    if (rc) {
        json_decref(f.out);
        return rc;
    }
    slc_rest_reply(c, 200, f.out);
    return 0;
}

struct revoke {
    const char *field;        /* "user_id" or "project_id" */
    const char *value;
    const char *keep;         /* a token id to leave, or NULL */
    json_t *ids;
};

static int
revoke_visit(const char *coll, const struct slc_record *rec, void *arg)
{
    struct revoke *r = arg;
    const char *v = json_string_value(json_object_get(rec->doc, r->field));

    if (v && !strcmp(v, r->value) && (!r->keep || strcmp(rec->id, r->keep))) {
        json_array_append_new(r->ids, json_string(rec->id));
    }
    return 0;
}

/* Deletes the tokens whose 'field' is 'value' (but 'keep'), as part of
 * the caller's transaction, and empties the token cache. */
static int
revoke_tokens(struct slc_call *c, const char *field, const char *value,
              const char *keep)
{
    struct revoke r = {field, value, keep, json_array()};
    const json_t *id;
    size_t i;
    int rc = slc_store_list(c->api->st, "tokens", NULL, revoke_visit, &r,
                            &c->err);

    json_array_foreach(r.ids, i, id)
    {
        if (!rc) {
            rc = slc_store_del(c->api->st, "tokens", json_string_value(id),
                               SLC_REV_ANY, &c->err);
        }
    }
    json_decref(r.ids);
    slc_auth_forget(c->api->tokens, NULL);
    return rc;
}

/* Deletes record 'rec' of 'coll' and revokes the tokens whose 'field' is
 * its id, in one transaction. */
static int
delete_with_tokens(struct slc_call *c, const char *coll,
                   const struct slc_record *rec, const char *field)
{
    int rc = slc_store_begin(c->api->st, &c->err);

    if (rc) {
        return rc;
    }
    rc = slc_store_del(c->api->st, coll, rec->id, rec->rev, &c->err);
    rc = rc ? rc : revoke_tokens(c, field, rec->id, NULL);
    rc = rc ? rc : slc_store_commit(c->api->st, &c->err);
    if (rc) {
        slc_store_rollback(c->api->st);
    }
    return rc;
}

static int
own_token(struct slc_call *c, const char *id, struct slc_record *rec)
{
    int rc = slc_store_get(c->api->st, "tokens", id, rec, &c->err);

    if (!rc && !c->who.admin &&
        strcmp(json_string_value(json_object_get(rec->doc, "user_id")),
               c->who.user_id)) {
        slc_record_clear(rec);
        rc = SLC_ENOTFOUND;
    }
    if (rc == SLC_ENOTFOUND) {
        return slc_rest_fail(c, 404, rc, "token '%s' not found", id);
    }
    return rc;
}

static int
token_show(struct slc_call *c)
{
    struct slc_record rec;
    int rc = own_token(c, c->params[0], &rec);

    if (!rc) {
        slc_rest_reply(c, 200, json_incref(rec.doc));
        slc_record_clear(&rec);
    }
    return rc;
}

static int
token_delete_id(struct slc_call *c, const char *id)
{
    struct slc_record rec;
    int rc = own_token(c, id, &rec);

    if (!rc) {
        rc = slc_store_del(c->api->st, "tokens", id, SLC_REV_ANY, &c->err);
        slc_auth_forget(c->api->tokens, id);
        slc_record_clear(&rec);
    }
    if (!rc) {
        slc_rest_reply(c, 204, NULL);
    }
    return rc;
}

static int
token_delete(struct slc_call *c)
{
    return token_delete_id(c, c->params[0]);
}

static int
token_logout(struct slc_call *c)
{
    return token_delete_id(c, c->who.token_id);
}

/* ---- projects ---- */

static const struct slc_body_field project_fields[] = {
    {"name", SLC_BT_STR, true},
    {"quotas", SLC_BT_OBJ, false},
    {"domain_name", SLC_BT_STR, false},
    {NULL},
};

static int
project_create(struct slc_call *c)
{
    json_t *body;
    char id[SLC_UUID_STR_SIZE];
    int rc = slc_rest_body(c, &body);

    if (!rc) {
        rc = slc_rest_check_body(c, body, "project", project_fields);
    }
    if (!rc) {
        rc = slc_rest_check_name(c, "project",
                        json_string_value(json_object_get(body, "name")));
    }
    if (!rc) {
        json_object_set_new(body, "_admin", slc_rest_stamp(c));
        rc = slc_rest_create_named(c, "projects", "project",
                          json_string_value(json_object_get(body, "name")),
                          body, id);
    }
    if (!rc) {
        SLC_INFO("project '%s' created (%s)",
                 json_string_value(json_object_get(body, "name")), id);
        slc_rest_created(c, PROJECTS, id, NULL);
    }
    json_decref(body);
    return rc;
}

static const struct slc_body_field project_patch_fields[] = {
    {"name", SLC_BT_STR, false},
    {"quotas", SLC_BT_OBJ, false},
    {NULL},
};

/* PATCH /osm/admin/v1/projects/{id}: a new name (unique, as at creation)
 * and quotas, as osmclient's project-update sends them.  Records and
 * tokens name a project by its _id, so a rename changes nothing else. */
static int
project_patch(struct slc_call *c)
{
    struct slc_record rec = {0}, other = {0};
    json_t *body = NULL;
    const char *name;
    int rc = slc_rest_body(c, &body);

    rc = rc ? rc
            : slc_rest_check_body(c, body, "project", project_patch_fields);
    name = json_string_value(json_object_get(body, "name"));
    rc = rc || !name ? rc : slc_rest_check_name(c, "project", name);
    rc = rc ? rc : slc_store_begin(c->api->st, &c->err);
    if (rc) {
        json_decref(body);
        return rc;
    }
    rc = slc_rest_get_by_key(c, "projects", "project", c->params[0], &rec);
    if (!rc && name && strcmp(name, rec.name)) {
        struct slc_scope home = slc_scope_of(rec.doc);
        int found = slc_store_find_home(c->api->st, "projects", name, &home,
                                        &other, &c->err);

        if (!found) {
            slc_record_clear(&other);
            rc = slc_rest_fail(c, 409, SLC_EEXISTS,
                               "project '%s' already exists", name);
        } else if (found != SLC_ENOTFOUND) {
            rc = found;
        }
    }
    if (!rc) {
        if (name) {
            free(rec.name);
            rec.name = strdup(name);
            json_object_set(rec.doc, "name", json_object_get(body, "name"));
        }
        if (json_object_get(body, "quotas")) {
            json_object_set(rec.doc, "quotas",
                            json_object_get(body, "quotas"));
        }
        slc_rest_touch(c, rec.doc);
        rc = rec.name ? slc_store_put(c->api->st, "projects", &rec, NULL,
                                      rec.rev, NULL, &c->err)
                      : slc_error_set(&c->err, SLC_ENOMEM, "out of memory");
    }
    rc = rc ? rc : slc_store_commit(c->api->st, &c->err);
    if (rc) {
        slc_store_rollback(c->api->st);
    } else {
        SLC_INFO("project '%s' (%s) changed", rec.name, rec.id);
        slc_rest_reply(c, 204, NULL);
    }
    slc_record_clear(&rec);
    json_decref(body);
    return rc;
}

/* Whether the caller manages accounts: an admin role, or one that may
 * create 'what' ("users:post", "projects:post": account_manager). */
static bool
manages(const struct slc_call *c, const char *what)
{
    return c->who.admin || slc_rest_may(c, what);
}

/* Whether the caller may see project 'doc': one who manages projects sees
 * every one, others those they have a role in. */
static bool
sees_project(struct slc_call *c, const json_t *user, const json_t *doc)
{
    const json_t *m;
    size_t i;

    if (manages(c, "projects:post")) {
        return true;
    }
    json_array_foreach(json_object_get(user, "project_role_mappings"), i, m)
    {
        if (!strcmp(json_string_value(json_object_get(m, "project")) ?: "",
                    json_string_value(json_object_get(doc, "_id")) ?: "")) {
            return true;
        }
    }
    return false;
}

static int
project_list(struct slc_call *c)
{
    struct slc_record user = {0};
    json_t *all = NULL, *out = json_array(), *p;
    size_t i;
    int rc = slc_rest_list_all(c, "projects", &all);

    rc = rc ? rc
            : slc_store_get(c->api->st, "users", c->who.user_id, &user,
                            &c->err);
    json_array_foreach(rc ? NULL : all, i, p)
    {
        if (sees_project(c, user.doc, p)) {
            json_array_append(out, p);
        }
    }
    if (!rc) {
        slc_rest_reply(c, 200, out);
        out = NULL;
    }
    json_decref(out);
    json_decref(all);
    slc_record_clear(&user);
    return rc;
}

static int
project_show(struct slc_call *c)
{
    struct slc_record rec = {0}, user = {0};
    int rc = slc_rest_get_by_key(c, "projects", "project", c->params[0], &rec);

    rc = rc ? rc
            : slc_store_get(c->api->st, "users", c->who.user_id, &user,
                            &c->err);
    if (!rc && !sees_project(c, user.doc, rec.doc)) {
        rc = slc_rest_fail(c, 404, SLC_ENOTFOUND, "project '%s' not found",
                           c->params[0]);
    } else if (!rc) {
        slc_rest_reply(c, 200, json_incref(rec.doc));
    }
    slc_record_clear(&rec);
    slc_record_clear(&user);
    return rc;
}

/* The users one of whose mappings has member 'key' ("project", "role")
 * equal to 'value': their names, quoted, for a 409. */
struct mapping_users {
    const char *key;
    const char *value;
    char names[256];
    size_t count;
};

static int
mapping_visit(const char *coll, const struct slc_record *rec, void *arg)
{
    struct mapping_users *m = arg;
    const json_t *map;
    size_t i;

    json_array_foreach(json_object_get(rec->doc, "project_role_mappings"), i,
                       map)
    {
        const char *v = json_string_value(json_object_get(map, m->key));

        if (v && !strcmp(v, m->value)) {
            size_t len = strlen(m->names);

            snprintf(m->names + len, sizeof m->names - len, "%s'%s'",
                     m->count++ ? ", " : "", rec->name);
            break;
        }
    }
    return 0;
}

static int
project_delete(struct slc_call *c)
{
    struct slc_record rec;
    struct mapping_users m = {.key = "project"};
    int rc = slc_rest_get_by_key(c, "projects", "project", c->params[0], &rec);

    if (rc) {
        return rc;
    }
    m.value = rec.id;
    rc = slc_store_list(c->api->st, "users", NULL, mapping_visit, &m, &c->err);
    if (!rc && m.count) {
        rc = slc_rest_fail(c, 409, SLC_ECONFLICT,
                           "project '%s' is used by user(s) %s", rec.name,
                           m.names);
    }
    if (!rc) {
        rc = delete_with_tokens(c, "projects", &rec, "project_id");
    }
    if (!rc) {
        slc_rest_reply(c, 204, NULL);
    }
    slc_record_clear(&rec);
    return rc;
}

/* ---- users ---- */

static const struct slc_body_field user_fields[] = {
    {"username", SLC_BT_STR, true},
    {"password", SLC_BT_STR, true},
    {"projects", SLC_BT_ARR, false},
    {"project_role_mappings", SLC_BT_ARR, false},
    {"domain_name", SLC_BT_STR, false},
    {NULL},
};

/* A user as shown: no password; each mapping with the names of its
 * project and role, as OSM shows them. */
static json_t *
user_view(struct slc_call *c, const json_t *doc)
{
    json_t *v = json_deep_copy(doc), *m;
    size_t i;

    json_object_del(v, "password");
    json_array_foreach(json_object_get(v, "project_role_mappings"), i, m)
    {
        struct slc_record p = {0};
        struct slc_error err;
        const json_t *role = slc_auth_role(
            c->api->tokens, json_string_value(json_object_get(m, "role")));

        if (!slc_store_get(c->api->st, "projects",
                           json_string_value(json_object_get(m, "project")),
                           &p, &err)) {
            json_object_set(m, "project_name",
                            json_object_get(p.doc, "name"));
        }
        slc_record_clear(&p);
        if (role) {
            json_object_set(m, "role_name", json_object_get(role, "name"));
        }
    }
    return v;
}

/* Whether user 'doc' has a role in project 'pid'. */
static bool
in_project(const json_t *doc, const char *pid)
{
    const json_t *m;
    size_t i;

    json_array_foreach(json_object_get(doc, "project_role_mappings"), i, m)
    {
        if (!strcmp(json_string_value(json_object_get(m, "project")) ?: "",
                    pid)) {
            return true;
        }
    }
    return false;
}

/* Whether the caller may see user 'doc': one who manages users sees every
 * one, others themselves and the users of their token's project. */
static bool
sees_user(const struct slc_call *c, const json_t *doc)
{
    return manages(c, "users:post") ||
           !strcmp(json_string_value(json_object_get(doc, "_id")) ?: "",
                   c->who.user_id) ||
           in_project(doc, c->who.project_id);
}

/* The role a mapping names (its _id or name), checked: it exists, and a
 * role with "admin" is granted only by a caller who has one. */
static int
mapping_role(struct slc_call *c, const char *what, size_t i,
             const char *key, const json_t **role)
{
    *role = slc_auth_role(c->api->tokens, key);
    if (!*role) {
        return slc_rest_fail(c, 422, SLC_EINVALID,
                             "user: %s[%zu]: role '%s' does not exist "
                             "(GET /osm/admin/v1/roles lists them)",
                             what, i, key ? key : "");
    }
    if (!c->who.admin && json_is_true(json_object_get(
                             json_object_get(*role, "permissions"), "admin"))) {
        return slc_rest_fail(c, 403, SLC_EDENIED,
                             "user: %s[%zu]: role '%s' is an admin role; "
                             "only a user with an admin role grants it",
                             what, i, key);
    }
    return 0;
}

/* Appends to 'res' the mappings of 'list' ([{project, role}], project and
 * role by name or _id; or, for 'projects', project names with role
 * project_admin, as OSM), resolved to _ids, without duplicates.  A
 * mapping without a role (remove_project_role_mappings) matches every
 * role of its project. */
static int
resolve_list(struct slc_call *c, const json_t *list, const char *what,
             bool names_only, bool role_needed, json_t *res)
{
    const json_t *m;
    size_t i;
    int rc = 0;

    json_array_foreach(list, i, m)
    {
        const char *project = names_only ? json_string_value(m)
                                         : json_string_value(
                                               json_object_get(m, "project"));
        const char *rname = names_only ? "project_admin"
                                       : json_string_value(
                                             json_object_get(m, "role"));
        const json_t *role = NULL, *e;
        struct slc_record p;
        bool dup = false;
        size_t j;

        if (!project || (role_needed && !rname)) {
            rc = slc_rest_fail(c, 422, SLC_EINVALID,
                               "user: %s[%zu] needs a project%s", what, i,
                               role_needed ? " and a role" : "");
            break;
        }
        if (rname && (rc = mapping_role(c, what, i, rname, &role))) {
            break;
        }
        if ((rc = slc_rest_get_by_key(c, "projects", "project", project,
                                      &p))) {
            c->status = 422;
            break;
        }
        json_array_foreach(res, j, e)
        {
            dup |= !strcmp(json_string_value(json_object_get(e, "project")),
                           p.id) &&
                   json_equal(json_object_get(e, "role"),
                              json_object_get(role, "_id"));
        }
        if (!dup) {
            json_t *entry = json_pack("{ss}", "project", p.id);

            if (role) {
                json_object_set(entry, "role", json_object_get(role, "_id"));
            }
            json_array_append_new(res, entry);
        }
        slc_record_clear(&p);
    }
    return rc;
}

/* The mappings of a create or replace: project_role_mappings, plus
 * projects (role project_admin). */
static int
resolve_mappings(struct slc_call *c, const json_t *body, json_t **out)
{
    json_t *res = json_array();
    int rc = resolve_list(c, json_object_get(body, "project_role_mappings"),
                          "project_role_mappings", false, true, res);

    rc = rc ? rc
            : resolve_list(c, json_object_get(body, "projects"), "projects",
                           true, true, res);
    if (!rc && !json_array_size(res)) {
        rc = slc_rest_fail(c, 422, SLC_EINVALID,
                           "user: give 'projects' or "
                           "'project_role_mappings'");
    }
    if (rc) {
        json_decref(res);
        return rc;
    }
    *out = res;
    return 0;
}

static int
user_create(struct slc_call *c)
{
    json_t *body, *maps = NULL, *doc = NULL;
    char id[SLC_UUID_STR_SIZE], *hash = NULL;
    const char *name;
    int rc = slc_rest_body(c, &body);

    if (!rc) {
        rc = slc_rest_check_body(c, body, "user", user_fields);
    }
    name = json_string_value(json_object_get(body, "username"));
    if (!rc) {
        rc = slc_rest_check_name(c, "user", name);
    }
    if (!rc) {
        rc = resolve_mappings(c, body, &maps);
    }
    if (!rc) {
        rc = slc_auth_hash(json_string_value(json_object_get(body,
                                                             "password")),
                           &hash, &c->err);
    }
    if (!rc) {
        doc = json_pack("{ss ss so so}", "username", name, "password", hash,
                        "project_role_mappings", maps, "_admin",
                        slc_rest_stamp(c));
        maps = NULL;
        rc = slc_rest_create_named(c, "users", "user", name, doc, id);
    }
    if (!rc) {
        SLC_INFO("user '%s' created (%s)", name, id);
        slc_rest_created(c, USERS, id, NULL);
    }
    free(hash);
    json_decref(maps);
    json_decref(doc);
    json_decref(body);
    return rc;
}

static int
user_list(struct slc_call *c)
{
    json_t *all = NULL, *out = json_array(), *u;
    size_t i;
    int rc = slc_rest_list_all(c, "users", &all);

    json_array_foreach(rc ? NULL : all, i, u)
    {
        if (sees_user(c, u)) {
            json_array_append_new(out, user_view(c, u));
        }
    }
    if (!rc) {
        slc_rest_reply(c, 200, out);
        out = NULL;
    }
    json_decref(out);
    json_decref(all);
    return rc;
}

/* Reads user 'key' if the caller may see it (404 otherwise). */
static int
get_user(struct slc_call *c, const char *key, struct slc_record *rec)
{
    int rc = slc_rest_get_by_key(c, "users", "user", key, rec);

    if (!rc && !sees_user(c, rec->doc)) {
        slc_record_clear(rec);
        rc = slc_rest_fail(c, 404, SLC_ENOTFOUND, "user '%s' not found",
                           key);
    }
    return rc;
}

static int
user_show(struct slc_call *c)
{
    struct slc_record rec;
    int rc = get_user(c, c->params[0], &rec);

    if (!rc) {
        slc_rest_reply(c, 200, user_view(c, rec.doc));
        slc_record_clear(&rec);
    }
    return rc;
}

static const struct slc_body_field user_patch_fields[] = {
    {"username", SLC_BT_STR, false},
    {"password", SLC_BT_STR, false},
    {"projects", SLC_BT_ARR, false},
    {"project_role_mappings", SLC_BT_ARR, false},
    {"add_project_role_mappings", SLC_BT_ARR, false},
    {"remove_project_role_mappings", SLC_BT_ARR, false},
    {NULL},
};

/* Removes from 'maps' the mappings that 'remove' names (a mapping
 * without a role: every role of its project). */
static void
remove_mappings(json_t *maps, const json_t *remove)
{
    const json_t *r;
    size_t i;

    json_array_foreach(remove, i, r)
    {
        for (size_t j = json_array_size(maps); j-- > 0;) {
            const json_t *m = json_array_get(maps, j);

            if (json_equal(json_object_get(m, "project"),
                           json_object_get(r, "project")) &&
                (!json_object_get(r, "role") ||
                 json_equal(json_object_get(m, "role"),
                            json_object_get(r, "role")))) {
                json_array_remove(maps, j);
            }
        }
    }
}

/* The user's mappings after a PATCH: replaced (projects,
 * project_role_mappings), then edited (remove_..., add_...), as OSM. */
static int
patched_mappings(struct slc_call *c, const json_t *body, json_t *doc)
{
    json_t *maps = NULL, *add = json_array(), *rm = json_array(), *m;
    size_t i;
    int rc = 0;

    if (json_object_get(body, "projects") ||
        json_object_get(body, "project_role_mappings")) {
        rc = resolve_mappings(c, body, &maps);
    } else {
        maps = json_deep_copy(json_object_get(doc, "project_role_mappings"));
    }
    rc = rc ? rc
            : resolve_list(c,
                           json_object_get(body,
                                           "remove_project_role_mappings"),
                           "remove_project_role_mappings", false, false, rm);
    rc = rc ? rc
            : resolve_list(c,
                           json_object_get(body, "add_project_role_mappings"),
                           "add_project_role_mappings", false, true, add);
    if (!rc) {
        remove_mappings(maps, rm);
        json_array_foreach(add, i, m)
        {
            json_t *one = json_pack("[O]", m);

            remove_mappings(maps, one); /* no duplicate */
            json_decref(one);
            json_array_append(maps, m);
        }
        json_object_set(doc, "project_role_mappings", maps);
    }
    json_decref(maps);
    json_decref(add);
    json_decref(rm);
    return rc;
}
/* Whether user 'doc' holds a role with "admin" in some project. */
static bool
holds_admin(const struct slc_call *c, const json_t *doc)
{
    const json_t *m;
    size_t i;

    json_array_foreach(json_object_get(doc, "project_role_mappings"), i, m)
    {
        const json_t *role = slc_auth_role(
            c->api->tokens, json_string_value(json_object_get(m, "role")));

        if (json_is_true(json_object_get(json_object_get(role, "permissions"),
                                         "admin"))) {
            return true;
        }
    }
    return false;
}

/* PATCH /osm/admin/v1/users/{id}.  One who manages users changes any
 * user; others change only their own password (OSM's project_user has
 * users:id:patch for that), never roles.  New roles or a new password end
 * the user's other sessions. */
static int
user_patch(struct slc_call *c)
{
    struct slc_record rec = {0}, other = {0};
    json_t *body = NULL;
    const char *name;
    char *hash = NULL;
    int rc = get_user(c, c->params[0], &rec);

    rc = rc ? rc : slc_rest_body(c, &body);
    rc = rc ? rc : slc_rest_check_body(c, body, "user", user_patch_fields);
    if (!rc && !manages(c, "users:post") &&
        (strcmp(rec.id, c->who.user_id) || json_object_size(body) !=
                                                !!json_object_get(body,
                                                                  "password"))) {
        rc = slc_rest_fail(c, 403, SLC_EDENIED,
                           "user '%s' may change only its own password "
                           "(changing user '%s' or its roles needs a role "
                           "that manages users)",
                           c->who.username, rec.name);
    }
    if (!rc && !c->who.admin && strcmp(rec.id, c->who.user_id) &&
        holds_admin(c, rec.doc)) {
        rc = slc_rest_fail(c, 403, SLC_EDENIED,
                           "user '%s' holds an admin role: only a user with "
                           "an admin role changes it",
                           rec.name);
    }
    name = json_string_value(json_object_get(body, "username"));
    if (!rc && name && strcmp(name, rec.name)) {
        rc = slc_rest_check_name(c, "user", name);
        if (!rc && !slc_store_find(c->api->st, "users", name, &other,
                                   &c->err)) {
            slc_record_clear(&other);
            rc = slc_rest_fail(c, 409, SLC_EEXISTS,
                               "user '%s' already exists", name);
        }
        if (!rc) {
            free(rec.name);
            rec.name = strdup(name);
            json_object_set(rec.doc, "username",
                            json_object_get(body, "username"));
        }
    }
    rc = rc ? rc : patched_mappings(c, body, rec.doc);
    if (!rc && json_object_get(body, "password")) {
        rc = slc_auth_hash(
            json_string_value(json_object_get(body, "password")), &hash,
            &c->err);
        if (!rc) {
            json_object_set_new(rec.doc, "password", json_string(hash));
        }
    }
    if (!rc) {
        slc_rest_touch(c, rec.doc);
        rc = slc_store_begin(c->api->st, &c->err);
        rc = rc ? rc
                : slc_store_put(c->api->st, "users", &rec, NULL, rec.rev, NULL,
                                &c->err);
        rc = rc ? rc : revoke_tokens(c, "user_id", rec.id, c->who.token_id);
        rc = rc ? rc : slc_store_commit(c->api->st, &c->err);
        if (rc) {
            slc_store_rollback(c->api->st);
        }
    }
    if (!rc) {
        SLC_INFO("user '%s' (%s) changed", rec.name, rec.id);
        slc_rest_reply(c, 204, NULL);
    }
    free(hash);
    json_decref(body);
    slc_record_clear(&rec);
    return rc;
}

static int
user_delete(struct slc_call *c)
{
    struct slc_record rec;
    int rc = get_user(c, c->params[0], &rec);

    if (rc) {
        return rc;
    }
    if (!strcmp(rec.id, c->who.user_id)) {
        rc = slc_rest_fail(c, 409, SLC_ECONFLICT,
                           "user '%s' cannot delete itself", rec.name);
    } else if (!manages(c, "users:post")) {
        rc = slc_rest_fail(c, 403, SLC_EDENIED,
                           "user '%s' may not delete user '%s': that needs "
                           "a role that manages users",
                           c->who.username, rec.name);
    } else if (!c->who.admin && holds_admin(c, rec.doc)) {
        rc = slc_rest_fail(c, 403, SLC_EDENIED,
                           "user '%s' holds an admin role: only a user with "
                           "an admin role deletes it",
                           rec.name);
    }
    if (!rc) {
        rc = delete_with_tokens(c, "users", &rec, "user_id");
    }
    if (!rc) {
        SLC_INFO("user '%s' (%s) deleted", rec.name, rec.id);
        slc_rest_reply(c, 204, NULL);
    }
    slc_record_clear(&rec);
    return rc;
}

/* ---- roles ---- */

/* Checks a role's permissions: an object of known keys (operations and
 * their nodes, "default", "admin"), each true or false, or null when
 * 'removing' (PATCH).  Only a caller with an admin role gives "admin". */
static int
check_permissions(struct slc_call *c, const char *role, const json_t *perms,
                  bool removing)
{
    const char *key;
    const json_t *v;

    if (!json_is_object(perms)) {
        return slc_rest_fail(c, 422, SLC_EINVALID,
                             "role '%s': permissions must be an object of "
                             "operation: true|false",
                             role);
    }
    json_object_foreach((json_t *)perms, key, v)
    {
        if (!slc_rest_known_permission(key)) {
            return slc_rest_fail(c, 422, SLC_EINVALID,
                                 "role '%s': permissions: '%.128s' is no "
                                 "operation (examples: default, admin, "
                                 "nsds, nsds:id:get, "
                                 "ns_instances:id:action:post)",
                                 role, key);
        }
        if (!json_is_boolean(v) && !(removing && json_is_null(v))) {
            return slc_rest_fail(c, 422, SLC_EINVALID,
                                 "role '%s': permissions.%s must be true or "
                                 "false%s",
                                 role, key, removing ? " (null removes it)"
                                                     : "");
        }
        if (!strcmp(key, "admin") && json_is_true(v) && !c->who.admin) {
            return slc_rest_fail(c, 403, SLC_EDENIED,
                                 "role '%s': only a user with an admin role "
                                 "makes an admin role",
                                 role);
        }
    }
    return 0;
}

static const struct slc_body_field role_fields[] = {
    {"name", SLC_BT_STR, true},
    {"permissions", SLC_BT_OBJ, false},
    {NULL},
};

/* Commits the caller's transaction and re-reads the roles (the token
 * cache follows); rolls back when 'rc' or the commit fails. */
static int
commit_roles(struct slc_call *c, int rc)
{
    rc = rc ? rc : slc_store_commit(c->api->st, &c->err);
    if (rc) {
        slc_store_rollback(c->api->st);
        return rc;
    }
    return slc_auth_load_roles(c->api->st, c->api->tokens, &c->err);
}

static int
role_create(struct slc_call *c)
{
    json_t *body;
    char id[SLC_UUID_STR_SIZE];
    const char *name;
    int rc = slc_rest_body(c, &body);

    rc = rc ? rc : slc_rest_check_body(c, body, "role", role_fields);
    name = json_string_value(json_object_get(body, "name"));
    rc = rc ? rc : slc_rest_check_name(c, "role", name);
    if (!rc && !json_object_get(body, "permissions")) {
        json_object_set_new(body, "permissions", json_object());
    }
    rc = rc ? rc
            : check_permissions(c, name, json_object_get(body, "permissions"),
                                false);
    if (!rc) {
        json_object_set_new(body, "_admin", slc_rest_stamp(c));
        rc = slc_rest_create_named(c, "roles", "role", name, body, id);
        rc = rc ? rc
                : slc_auth_load_roles(c->api->st, c->api->tokens, &c->err);
    }
    if (!rc) {
        SLC_INFO("role '%s' created (%s)", name, id);
        slc_rest_created(c, ROLES, id, NULL);
    }
    json_decref(body);
    return rc;
}

static int
role_list(struct slc_call *c)
{
    json_t *out;
    int rc = slc_rest_list_all(c, "roles", &out);

    if (!rc) {
        slc_rest_reply(c, 200, out);
    }
    return rc;
}

static int
role_show(struct slc_call *c)
{
    struct slc_record rec;
    int rc = slc_rest_get_by_key(c, "roles", "role", c->params[0], &rec);

    if (!rc) {
        slc_rest_reply(c, 200, json_incref(rec.doc));
        slc_record_clear(&rec);
    }
    return rc;
}

static const struct slc_body_field role_patch_fields[] = {
    {"name", SLC_BT_STR, false},
    {"permissions", SLC_BT_OBJ, false},
    {NULL},
};

/* PATCH: a new name, and permissions to set (true/false) or remove
 * (null), as osmclient's role-update sends them. */
static int
role_patch(struct slc_call *c)
{
    struct slc_record rec = {0}, other = {0};
    json_t *body = NULL, *perms;
    const char *name, *key;
    json_t *v;
    int rc = slc_rest_body(c, &body);

    rc = rc ? rc : slc_rest_check_body(c, body, "role", role_patch_fields);
    rc = rc ? rc : slc_store_begin(c->api->st, &c->err);
    if (rc) {
        json_decref(body);
        return rc;
    }
    rc = slc_rest_get_by_key(c, "roles", "role", c->params[0], &rec);
    name = json_string_value(json_object_get(body, "name"));
    perms = json_object_get(body, "permissions");
    rc = rc || !perms ? rc : check_permissions(c, rec.name, perms, true);
    if (!rc && !c->who.admin &&
        json_is_true(json_object_get(json_object_get(rec.doc, "permissions"),
                                     "admin"))) {
        rc = slc_rest_fail(c, 403, SLC_EDENIED,
                           "role '%s' is an admin role: only a user with an "
                           "admin role changes it",
                           rec.name);
    }
    if (!rc && name && strcmp(name, rec.name)) {
        rc = slc_rest_check_name(c, "role", name);
        if (!rc && !slc_store_find(c->api->st, "roles", name, &other,
                                   &c->err)) {
            slc_record_clear(&other);
            rc = slc_rest_fail(c, 409, SLC_EEXISTS,
                               "role '%s' already exists", name);
        }
        if (!rc) {
            free(rec.name);
            rec.name = strdup(name);
            json_object_set(rec.doc, "name", json_object_get(body, "name"));
        }
    }
    json_object_foreach(rc ? NULL : perms, key, v)
    {
        json_t *mine = json_object_get(rec.doc, "permissions");

        if (!json_is_object(mine)) {
            mine = json_object();
            json_object_set_new(rec.doc, "permissions", mine);
        }
        if (json_is_null(v)) {
            json_object_del(mine, key);
        } else {
            json_object_set(mine, key, v);
        }
    }
    if (!rc) {
        slc_rest_touch(c, rec.doc);
        rc = rec.name ? slc_store_put(c->api->st, "roles", &rec, NULL,
                                      rec.rev, NULL, &c->err)
                      : slc_error_set(&c->err, SLC_ENOMEM, "out of memory");
    }
    rc = commit_roles(c, rc);
    if (!rc) {
        SLC_INFO("role '%s' (%s) changed", rec.name, rec.id);
        slc_rest_reply(c, 204, NULL);
    }
    slc_record_clear(&rec);
    json_decref(body);
    return rc;
}

/* DELETE: refused while a user holds the role, and for an admin role
 * unless the caller has one. */
static int
role_delete(struct slc_call *c)
{
    struct slc_record rec = {0};
    struct mapping_users r = {.key = "role"};
    int rc = slc_store_begin(c->api->st, &c->err);

    rc = rc ? rc
            : slc_rest_get_by_key(c, "roles", "role", c->params[0], &rec);
    r.value = rec.id;
    rc = rc ? rc
            : slc_store_list(c->api->st, "users", NULL, mapping_visit, &r,
                             &c->err);
    if (!rc && r.count) {
        rc = slc_rest_fail(c, 409, SLC_ECONFLICT,
                           "role '%s' is held by user(s) %s", rec.name,
                           r.names);
    }
    if (!rc && !c->who.admin &&
        json_is_true(json_object_get(json_object_get(rec.doc, "permissions"),
                                     "admin"))) {
        rc = slc_rest_fail(c, 403, SLC_EDENIED,
                           "role '%s' is an admin role: only a user with an "
                           "admin role deletes it",
                           rec.name);
    }
    rc = rc ? rc
            : slc_store_del(c->api->st, "roles", rec.id, rec.rev, &c->err);
    rc = commit_roles(c, rc);
    if (!rc) {
        SLC_INFO("role '%s' (%s) deleted", rec.name, rec.id);
        slc_rest_reply(c, 204, NULL);
    }
    slc_record_clear(&rec);
    return rc;
}

/* GET /osm/version, without a token, as OSM's NBI: {version, date}. */
static int
version_show(struct slc_call *c)
{
    slc_rest_reply(c, 200,
                   json_pack("{ssss}", "version", SLICER_VERSION, "date",
                             SLICER_VERSION_DATE));
    return 0;
}

const struct slc_route slc_identity_routes[] = {
    {"GET", "/osm/version", version_show, SLC_ROUTE_PUBLIC},
    {"POST", TOKENS, token_create, SLC_ROUTE_PUBLIC},
    {"GET", TOKENS, token_list, "tokens:"},
    {"DELETE", TOKENS, token_logout, "tokens:"},
    {"GET", TOKENS "/{id}", token_show, "tokens:id:"},
    {"DELETE", TOKENS "/{id}", token_delete, "tokens:id:"},
    {"GET", PROJECTS, project_list, "projects:"},
    {"POST", PROJECTS, project_create, "projects:"},
    {"GET", PROJECTS "/{id}", project_show, "projects:id:"},
    {"PATCH", PROJECTS "/{id}", project_patch, "projects:id:"},
    {"DELETE", PROJECTS "/{id}", project_delete, "projects:id:"},
    {"GET", USERS, user_list, "users:"},
    {"POST", USERS, user_create, "users:"},
    {"GET", USERS "/{id}", user_show, "users:id:"},
    {"PATCH", USERS "/{id}", user_patch, "users:id:"},
    {"DELETE", USERS "/{id}", user_delete, "users:id:"},
    {"GET", ROLES, role_list, "roles:"},
    {"POST", ROLES, role_create, "roles:"},
    {"GET", ROLES "/{id}", role_show, "roles:id:"},
    {"PATCH", ROLES "/{id}", role_patch, "roles:id:"},
    {"DELETE", ROLES "/{id}", role_delete, "roles:id:"},
    {NULL},
};

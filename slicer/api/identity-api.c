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
#define A SLC_ROUTE_ADMIN

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
        c->api->st, json_string_value(json_object_get(body, "username")),
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

/* Whether the caller may see project 'doc': an admin sees every one, a
 * user those it has a role in. */
static bool
sees_project(struct slc_call *c, const json_t *user, const json_t *doc)
{
    const json_t *m;
    size_t i;

    if (c->who.admin) {
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

struct mapping_users {
    const char *project_id;
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
        const char *p = json_string_value(json_object_get(map, "project"));

        if (p && !strcmp(p, m->project_id)) {
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
    struct mapping_users m = {.count = 0};
    int rc = slc_rest_get_by_key(c, "projects", "project", c->params[0], &rec);

    if (rc) {
        return rc;
    }
    m.project_id = rec.id;
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

static json_t *
user_view(const json_t *doc)
{
    json_t *v = json_deep_copy(doc);

    json_object_del(v, "password");
    return v;
}

/* Resolves [{project: name-or-id, role}] (or a list of project names, role
 * member) into stored mappings of project _ids. */
static int
resolve_mappings(struct slc_call *c, const json_t *body, json_t **out)
{
    const json_t *maps = json_object_get(body, "project_role_mappings");
    const json_t *names = json_object_get(body, "projects");
    json_t *res = json_array();
    const json_t *m;
    size_t i;
    int rc = 0;

    json_array_foreach(maps ? maps : names, i, m)
    {
        const char *project = maps ? json_string_value(
                                         json_object_get(m, "project"))
                                   : json_string_value(m);
        const char *role = maps ? json_string_value(
                                      json_object_get(m, "role"))
                                : "member";
        struct slc_record p;

        if (!project || slc_role_from_name(role) < 0) {
            rc = slc_rest_fail(c, 422, SLC_EINVALID,
                               "user: project_role_mappings[%zu] needs a "
                               "project and a role (admin, member or "
                               "reader), got role '%s'",
                               i, role ? role : "");
            break;
        }
        if ((rc = slc_rest_get_by_key(c, "projects", "project", project, &p))) {
            c->status = 422;
            break;
        }
        json_array_append_new(res, json_pack("{ssss}", "project", p.id,
                                             "role", role));
        slc_record_clear(&p);
    }
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
                        "project_role_mappings", maps, "_admin", slc_rest_stamp(c));
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
    json_t *out;
    int rc = slc_rest_list(c, "users", user_view, &out);

    if (!rc) {
        slc_rest_reply(c, 200, out);
    }
    return rc;
}

static int
user_show(struct slc_call *c)
{
    struct slc_record rec;
    int rc = slc_rest_get_by_key(c, "users", "user", c->params[0], &rec);

    if (!rc) {
        slc_rest_reply(c, 200, user_view(rec.doc));
        slc_record_clear(&rec);
    }
    return rc;
}

static const struct slc_body_field user_patch_fields[] = {
    {"password", SLC_BT_STR, false},
    {"projects", SLC_BT_ARR, false},
    {"project_role_mappings", SLC_BT_ARR, false},
    {NULL},
};

static int
user_patch(struct slc_call *c)
{
    struct slc_record rec = {0};
    json_t *body = NULL, *maps = NULL;
    char *hash = NULL;
    int rc = slc_rest_get_by_key(c, "users", "user", c->params[0], &rec);

    rc = rc ? rc : slc_rest_body(c, &body);
    rc = rc ? rc : slc_rest_check_body(c, body, "user", user_patch_fields);
    if (!rc && (json_object_get(body, "projects") ||
                json_object_get(body, "project_role_mappings"))) {
        rc = resolve_mappings(c, body, &maps);
        if (!rc) {
            json_object_set_new(rec.doc, "project_role_mappings", maps);
        }
    }
    if (!rc && json_object_get(body, "password")) {
        rc = slc_auth_hash(
            json_string_value(json_object_get(body, "password")), &hash,
            &c->err);
        if (!rc) {
            json_object_set_new(rec.doc, "password", json_string(hash));
        }
    }
    if (!rc) {
        /* New roles or a new password: the user's other sessions end. */
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
    int rc = slc_rest_get_by_key(c, "users", "user", c->params[0], &rec);

    if (!rc && !strcmp(rec.id, c->who.user_id)) {
        rc = slc_rest_fail(c, 409, SLC_ECONFLICT,
                           "user '%s' cannot delete itself", rec.name);
    }
    if (!rc) {
        rc = delete_with_tokens(c, "users", &rec, "user_id");
    }
    if (!rc) {
        slc_rest_reply(c, 204, NULL);
    }
    slc_record_clear(&rec);
    return rc;
}

static int
role_list(struct slc_call *c)
{
    json_t *out = json_array();

    for (int r = SLC_ROLE_ADMIN; r <= SLC_ROLE_READER; r++) {
        const char *name = slc_role_name((enum slc_role)r);

        json_array_append_new(out, json_pack("{ssssss}", "_id", name, "id",
                                             name, "name", name));
    }
    slc_rest_reply(c, 200, out);
    return 0;
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
    {"GET", TOKENS, token_list, 0},
    {"DELETE", TOKENS, token_logout, 0},
    {"GET", TOKENS "/{id}", token_show, 0},
    {"DELETE", TOKENS "/{id}", token_delete, 0},
    {"GET", PROJECTS, project_list, 0},
    {"POST", PROJECTS, project_create, A},
    {"GET", PROJECTS "/{id}", project_show, 0},
    {"PATCH", PROJECTS "/{id}", project_patch, A},
    {"DELETE", PROJECTS "/{id}", project_delete, A},
    {"GET", USERS, user_list, A},
    {"POST", USERS, user_create, A},
    {"GET", USERS "/{id}", user_show, A},
    {"PATCH", USERS "/{id}", user_patch, A},
    {"DELETE", USERS "/{id}", user_delete, A},
    {"GET", "/osm/admin/v1/roles", role_list, 0},
    {NULL},
};

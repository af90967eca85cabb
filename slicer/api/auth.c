/* Users, projects and tokens (see auth.h). */
#include <crypt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "slc-id.h"
#include "slc-log.h"

SLC_LOG_MODULE(auth);

/* OSM's stock roles (its roles_to_operations.yml), then slicer's
 * read-only role, whose permissions the REST layer lists. */
static const struct {
    const char *name;
    const char *permissions;   /* JSON; NULL: the caller's read_only */
    const char *was;           /* the role of older stores it replaces */
} stock_roles[] = {
    {"system_admin", "{\"default\": true, \"admin\": true}", "admin"},
    {"account_manager",
     "{\"default\": false, \"admin\": false, \"tokens\": true, "
     "\"users\": true, \"projects\": true, \"roles\": true}",
     NULL},
    {"project_admin",
     "{\"default\": true, \"admin\": false, \"users:post\": false, "
     "\"users:id:post\": false, \"users:id:delete\": false, "
     "\"users:id:put\": false, \"projects\": false, \"roles\": false}",
     "member"},
    {"project_user",
     "{\"default\": true, \"admin\": false, "
     "\"ns_instances\": false, \"ns_instances:get\": true, "
     "\"vnf_instances\": false, "
     "\"users\": false, \"users:id:get\": true, \"users:id:put\": true, "
     "\"users:id:patch\": true, \"projects\": false, "
     "\"vims\": false, \"vims:get\": true, \"vims:id:get\": true, "
     "\"vim_accounts\": false, \"vim_accounts:get\": true, "
     "\"vim_accounts:id:get\": true, "
     "\"sdn_controllers\": false, \"sdn_controllers:get\": true, "
     "\"sdn_controllers:id:get\": true, "
     "\"wims\": false, \"wims:get\": true, \"wims:id:get\": true, "
     "\"wim_accounts\": false, \"wim_accounts:get\": true, "
     "\"wim_accounts:id:get\": true}",
     NULL},
    {"project_reader", NULL, "reader"},
};

static int collect(struct slc_store *st, const char *coll, json_t **out,
                   struct slc_error *err);

/* The role of 'roles' (by _id) whose _id or name is 'key', or NULL. */
static const json_t *
role_in(const json_t *roles, const char *key)
{
    const json_t *r = key ? json_object_get(roles, key) : NULL;
    const char *id;
    json_t *doc;

    json_object_foreach(r || !key ? NULL : (json_t *)roles, id, doc)
    {
        if (!strcmp(json_string_value(json_object_get(doc, "name")) ?: "",
                    key)) {
            return doc;
        }
    }
    return r;
}

static const char *migrated_role(const json_t *roles, const char *role);

const json_t *
slc_auth_role(const struct slc_auth_cache *cache, const char *key)
{
    return json_object_get(cache->roles, migrated_role(cache->roles, key)
                                              ?: "");
}

bool
slc_auth_role_allows(const json_t *role, const char *operation)
{
    const json_t *perms = json_object_get(role, "permissions");
    char key[256];
    size_t len = strlen(operation);

    if (len >= sizeof key) {
        return false;
    }
    memcpy(key, operation, len + 1);
    for (;;) {
        const json_t *v = json_object_get(perms, key);
        char *colon;

        if (json_is_boolean(v)) {
            return json_is_true(v);
        }
        colon = strrchr(key, ':');
        if (!colon) {
            break;
        }
        *colon = '\0';
    }
    return json_is_true(json_object_get(perms, "default"));
}

bool
slc_auth_allows(const struct slc_auth_cache *cache,
                const struct slc_principal *who, const char *operation)
{
    for (unsigned i = 0; i < who->n_roles; i++) {
        if (slc_auth_role_allows(json_object_get(cache->roles,
                                                 who->roles[i]),
                                 operation)) {
            return true;
        }
    }
    return false;
}

const char *
slc_auth_role_names(const struct slc_auth_cache *cache,
                    const struct slc_principal *who, char *buf, size_t size)
{
    size_t len = 0;

    buf[0] = '\0';
    for (unsigned i = 0; i < who->n_roles && len < size; i++) {
        const char *name = json_string_value(json_object_get(
            json_object_get(cache->roles, who->roles[i]), "name"));

        len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "",
                                name ? name : who->roles[i]);
    }
    return buf;
}

int
slc_auth_load_roles(struct slc_store *st, struct slc_auth_cache *cache,
                    struct slc_error *err)
{
    json_t *roles;
    int rc = collect(st, "roles", &roles, err);

    if (!rc) {
        json_decref(cache->roles);
        cache->roles = roles;
        slc_auth_forget(cache, NULL);
    }
    return rc;
}

void
slc_auth_cache_clear(struct slc_auth_cache *cache)
{
    json_decref(cache->roles);
    memset(cache, 0, sizeof *cache);
}

int
slc_auth_hash(const char *password, char **hash, struct slc_error *err)
{
    struct crypt_data *cd = calloc(1, sizeof *cd);
    char setting[CRYPT_GENSALT_OUTPUT_SIZE];
    const char *out = NULL;

    *hash = NULL;
    if (!password || !*password ||
        strlen(password) >= CRYPT_MAX_PASSPHRASE_SIZE) {
        free(cd);
        return slc_error_set(err, SLC_EINVALID,
                             "password: must have 1 to %d characters",
                             CRYPT_MAX_PASSPHRASE_SIZE - 1);
    }
    if (!cd) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    if (crypt_gensalt_rn("$y$", 0, NULL, 0, setting, sizeof setting)) {
        out = crypt_r(password, setting, cd);
    }
    if (out && out[0] != '*') {
        *hash = strdup(out);
    }
    explicit_bzero(cd, sizeof *cd);
    free(cd);
    if (!*hash) {
        return slc_error_set(err, SLC_EIO, "cannot hash a password");
    }
    return 0;
}

bool
slc_auth_verify(const char *password, const char *hash)
{
    struct crypt_data *cd;
    const char *out;
    bool ok = false;

    if (!password || !hash || !*hash) {
        return false;
    }
    cd = calloc(1, sizeof *cd);
    if (!cd) {
        return false;
    }
    out = crypt_r(password, hash, cd);
    if (out && out[0] != '*' && strlen(out) == strlen(hash)) {
        unsigned char diff = 0;

        for (size_t i = 0; hash[i]; i++) {
            diff |= (unsigned char)(out[i] ^ hash[i]);
        }
        ok = diff == 0;
    }
    explicit_bzero(cd, sizeof *cd);
    free(cd);
    return ok;
}

static int
count_visit(const char *coll, const struct slc_record *rec, void *arg)
{
    (*(size_t *)arg)++;
    return 1; /* one is enough */
}

static json_t *
admin_stamp(double now)
{
    return json_pack("{sfsf}", "created", now, "modified", now);
}

static int
collect_visit(const char *coll, const struct slc_record *rec, void *arg)
{
    json_object_set((json_t *)arg, rec->id, rec->doc);
    return 0;
}

/* Every record of 'coll' into '*out' (an object by _id; new reference). */
static int
collect(struct slc_store *st, const char *coll, json_t **out,
        struct slc_error *err)
{
    int rc;

    *out = json_object();
    rc = slc_store_list(st, coll, NULL, collect_visit, *out, err);
    if (rc) {
        json_decref(*out);
        *out = NULL;
    }
    return rc;
}

/* Creates the stock roles missing from 'roles' (by _id, updated). */
static int
create_stock_roles(struct slc_store *st, const json_t *read_only,
                   json_t *roles, double now, struct slc_error *err)
{
    for (size_t i = 0; i < sizeof stock_roles / sizeof stock_roles[0]; i++) {
        char id[SLC_UUID_STR_SIZE];
        struct slc_record rec = {.id = id, .name = (char *)stock_roles[i].name};
        json_t *perms;
        int rc;

        if (role_in(roles, stock_roles[i].name)) {
            continue;
        }
        perms = stock_roles[i].permissions
                    ? json_loads(stock_roles[i].permissions, 0, NULL)
                    : json_deep_copy(read_only);
        if (slc_uuid4(id)) {
            json_decref(perms);
            return slc_error_set(err, SLC_EIO, "no random source");
        }
        rec.doc = json_pack("{ss ss so* so}", "_id", id, "name",
                            stock_roles[i].name, "permissions", perms,
                            "_admin", admin_stamp(now));
        rc = rec.doc && perms
                 ? slc_store_put(st, "roles", &rec, NULL, SLC_REV_NEW, NULL,
                                 err)
                 : slc_error_set(err, SLC_ENOMEM, "out of memory");
        if (!rc) {
            json_object_set(roles, id, rec.doc);
            SLC_INFO("created role '%s'", stock_roles[i].name);
        }
        json_decref(rec.doc);
        if (rc) {
            return rc;
        }
    }
    return 0;
}

/* The _id of the role a mapping of an older store names: a role's _id or
 * name, or one of the fixed roles of before (admin, member, reader). */
static const char *
migrated_role(const json_t *roles, const char *role)
{
    const json_t *r = role_in(roles, role);

    for (size_t i = 0; !r && role &&
                       i < sizeof stock_roles / sizeof stock_roles[0];
         i++) {
        if (stock_roles[i].was && !strcmp(stock_roles[i].was, role)) {
            r = role_in(roles, stock_roles[i].name);
        }
    }
    return r ? json_string_value(json_object_get(r, "_id")) : NULL;
}

/* Moves users whose mappings name roles by their old names onto role
 * _ids, and deletes tokens issued for such roles (their holders log in
 * again). */
static int
migrate_users(struct slc_store *st, const json_t *roles,
              struct slc_error *err)
{
    json_t *users = NULL, *tokens = NULL, *doc;
    const char *id;
    int rc = collect(st, "users", &users, err);

    rc = rc ? rc : collect(st, "tokens", &tokens, err);
    json_object_foreach(rc ? NULL : users, id, doc)
    {
        json_t *m;
        size_t i;
        bool changed = false;

        json_array_foreach(json_object_get(doc, "project_role_mappings"), i,
                           m)
        {
            const char *role =
                json_string_value(json_object_get(m, "role"));
            const char *to = migrated_role(roles, role);

            if (to && role && strcmp(to, role)) {
                json_object_set_new(m, "role", json_string(to));
                changed = true;
            }
        }
        if (changed) {
            struct slc_record rec = {
                .id = (char *)id,
                .name = (char *)json_string_value(
                    json_object_get(doc, "username")),
                .doc = doc,
            };

            rc = slc_store_put(st, "users", &rec, NULL, SLC_REV_ANY, NULL,
                               err);
            if (rc) {
                break;
            }
            SLC_INFO("user '%s': roles moved onto role records", rec.name);
        }
    }
    json_object_foreach(rc ? NULL : tokens, id, doc)
    {
        const char *role = json_string_value(json_object_get(
            json_array_get(json_object_get(doc, "roles"), 0), "id"));

        if (!role || !json_object_get(roles, role)) {
            rc = slc_store_del(st, "tokens", id, SLC_REV_ANY, err);
            if (rc) {
                break;
            }
        }
    }
    json_decref(users);
    json_decref(tokens);
    return rc;
}

static int
create_admin(struct slc_store *st, const json_t *roles, const char *password,
             double now, struct slc_error *err)
{
    char pid[SLC_UUID_STR_SIZE], uid[SLC_UUID_STR_SIZE];
    struct slc_record prec = {.id = pid, .name = "admin"};
    struct slc_record urec = {.id = uid, .name = "admin"};
    const char *role = migrated_role(roles, "system_admin");
    char *hash = NULL;
    int rc;

    if (slc_uuid4(pid) || slc_uuid4(uid)) {
        return slc_error_set(err, SLC_EIO, "no random source");
    }
    if ((rc = slc_auth_hash(password, &hash, err))) {
        return rc;
    }
    prec.doc = json_pack("{ss ss so}", "_id", pid, "name", "admin", "_admin",
                         admin_stamp(now));
    urec.doc = json_pack(
        "{ss ss ss s[{ss ss}] so}", "_id", uid, "username", "admin",
        "password", hash, "project_role_mappings", "project", pid, "role",
        role ? role : "", "_admin", admin_stamp(now));
    free(hash);
    if (!prec.doc || !urec.doc) {
        rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
    } else {
        rc = slc_store_put(st, "projects", &prec, NULL, SLC_REV_NEW, NULL,
                           err);
        rc = rc ? rc
                : slc_store_put(st, "users", &urec, NULL, SLC_REV_NEW, NULL,
                                err);
    }
    json_decref(prec.doc);
    json_decref(urec.doc);
    return rc;
}

int
slc_auth_bootstrap(struct slc_store *st, const char *password,
                   const json_t *read_only, char **generated,
                   struct slc_error *err)
{
    char pw[33];
    size_t users = 0;
    json_t *roles = NULL;
    double now = (double)time(NULL);
    size_t had = 0;
    int rc;

    *generated = NULL;
    rc = slc_store_list(st, "users", NULL, count_visit, &users, err);
    if (rc < 0) {
        return rc;
    }
    if (!users && !password) {
        if (slc_random_hex(pw, 16)) {
            return slc_error_set(err, SLC_EIO, "no random source");
        }
        password = pw;
    }
    rc = slc_store_begin(st, err);
    if (rc) {
        return rc;
    }
    rc = collect(st, "roles", &roles, err);
    had = json_object_size(roles);
    rc = rc ? rc : create_stock_roles(st, read_only, roles, now, err);
    /* a store made before roles were records has none: its users and
     * tokens move onto them once, not at every start */
    rc = rc || had ? rc : migrate_users(st, roles, err);
    rc = rc || users ? rc : create_admin(st, roles, password, now, err);
    rc = rc ? rc : slc_store_commit(st, err);
    if (rc) {
        slc_store_rollback(st);
    }
    json_decref(roles);
    if (!rc && !users) {
        SLC_INFO("created user 'admin' in project 'admin'");
        if (password == pw) {
            *generated = strdup(pw);
        }
    }
    explicit_bzero(pw, sizeof pw);
    return rc;
}

/* Finds a project by _id or name. */
static int
find_project(struct slc_store *st, const char *key, struct slc_record *out,
             struct slc_error *err)
{
    int rc = slc_uuid_is_valid(key) ? slc_store_get(st, "projects", key, out,
                                                    err)
                                    : SLC_ENOTFOUND;

    if (rc == SLC_ENOTFOUND) {
        rc = slc_store_find(st, "projects", key, out, err);
    }
    return rc;
}

/* The roles [{id, name}] user 'user' holds in project 'pid', and whether
 * one of them is an admin role. */
static json_t *
roles_in_project(const struct slc_auth_cache *cache, const json_t *user,
                 const char *pid, bool *admin)
{
    json_t *out = json_array();
    const json_t *m;
    size_t i;

    *admin = false;
    json_array_foreach(json_object_get(user, "project_role_mappings"), i, m)
    {
        const char *p = json_string_value(json_object_get(m, "project"));
        const json_t *role = role_in(
            cache->roles, json_string_value(json_object_get(m, "role")));

        if (p && role && !strcmp(p, pid) &&
            json_array_size(out) < SLC_AUTH_MAX_ROLES) {
            json_array_append_new(
                out, json_pack("{sOsO}", "id", json_object_get(role, "_id"),
                               "name", json_object_get(role, "name")));
            *admin |= json_is_true(json_object_get(
                json_object_get(role, "permissions"), "admin"));
        }
    }
    return out;
}

int
slc_auth_login(struct slc_store *st, const struct slc_auth_cache *cache,
               const char *username, const char *password,
               const char *project, double now, unsigned ttl,
               const char *remote_host, unsigned remote_port,
               json_t **token, struct slc_error *err)
{
    struct slc_record user = {0}, proj = {0};
    const char *pid = NULL;
    json_t *roles = NULL;
    const json_t *m;
    bool admin = false;
    char id[65];
    size_t i;
    int rc;

    *token = NULL;
    rc = slc_store_find(st, "users", username, &user, err);
    if (rc == SLC_ENOTFOUND ||
        (!rc && !slc_auth_verify(password,
                                 json_string_value(json_object_get(
                                     user.doc, "password"))))) {
        slc_record_clear(&user);
        SLC_WARN_RL("login of '%.64s' refused: bad credentials", username);
        return slc_error_set(err, SLC_EUNAUTHENTICATED,
                             "invalid username or password");
    }
    if (rc) {
        return rc;
    }
    if (project && (rc = find_project(st, project, &proj, err))) {
        slc_record_clear(&user);
        return rc == SLC_ENOTFOUND
                   ? slc_error_set(err, SLC_EUNAUTHENTICATED,
                                   "project '%s' not found", project)
                   : rc;
    }
    /* no project asked: the project of the user's first role */
    json_array_foreach(json_object_get(user.doc, "project_role_mappings"), i,
                       m)
    {
        const char *p = json_string_value(json_object_get(m, "project"));

        if (!pid && p && (!project || !strcmp(p, proj.id))) {
            pid = p;
        }
    }
    roles = pid ? roles_in_project(cache, user.doc, pid, &admin) : NULL;
    if (!json_array_size(roles)) {
        rc = slc_error_set(err, SLC_EUNAUTHENTICATED,
                           "user '%s' has no role in %s%s%s", username,
                           project ? "project '" : "any project",
                           project ? project : "", project ? "'" : "");
    } else if (!project && (rc = slc_store_get(st, "projects", pid, &proj,
                                               err))) {
        rc = slc_error_prefix(err, "user '%s'", username);
    } else if (slc_random_hex(id, 32)) {
        rc = slc_error_set(err, SLC_EIO, "no random source for tokens");
    }
    if (!rc) {
        struct slc_record rec = {.id = id, .name = (char *)username};

        rec.doc = json_pack(
            "{ss ss sf sf ss ss ss ss sb sO ss si}", "_id", id, "id", id,
            "issued_at", now, "expires", now + ttl, "username", username,
            "user_id", user.id, "project_id", proj.id, "project_name",
            json_string_value(json_object_get(proj.doc, "name")), "admin",
            admin, "roles", roles, "remote_host",
            remote_host ? remote_host : "", "remote_port", (int)remote_port);
        rc = rec.doc ? slc_store_put(st, "tokens", &rec, NULL, SLC_REV_NEW,
                                     NULL, err)
                     : slc_error_set(err, SLC_ENOMEM, "out of memory");
        if (!rc) {
            *token = rec.doc;
            SLC_INFO("user '%s' logged in to project '%s'", username,
                     json_string_value(json_object_get(proj.doc, "name")));
        } else {
            json_decref(rec.doc);
        }
    }
    json_decref(roles);
    slc_record_clear(&user);
    slc_record_clear(&proj);
    return rc;
}

/* A token id: 64 lowercase hex digits. */
static bool
is_token_id(const char *s)
{
    return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

static struct slc_auth_cached *
cache_slot(struct slc_auth_cache *cache, const char *token_id)
{
    static const char hex[] = "0123456789abcdef";
    size_t hi = (size_t)(strchr(hex, token_id[0]) - hex);
    size_t lo = (size_t)(strchr(hex, token_id[1]) - hex);

    return &cache->slot[(hi << 4 | lo) % SLC_AUTH_CACHE_SLOTS];
}

void
slc_auth_forget(struct slc_auth_cache *cache, const char *token_id)
{
    if (!cache) {
        return;
    }
    if (!token_id) {
        memset(cache->slot, 0, sizeof cache->slot);
    } else if (is_token_id(token_id)) {
        struct slc_auth_cached *c = cache_slot(cache, token_id);

        if (!strcmp(c->who.token_id, token_id)) {
            memset(c, 0, sizeof *c);
        }
    }
}

int
slc_auth_check(struct slc_store *st, struct slc_auth_cache *cache,
               const char *authorization, double now,
               struct slc_principal *who, struct slc_error *err)
{
    struct slc_record tok = {0};
    struct slc_auth_cached *hit = NULL;
    const json_t *role;
    const char *id;
    size_t i;
    int rc;

    memset(who, 0, sizeof *who);
    if (!authorization) {
        return slc_error_set(err, SLC_EUNAUTHENTICATED,
                             "needed a token: send 'Authorization: Bearer "
                             "<id>' (POST /osm/admin/v1/tokens gives one)");
    }
    if (strncasecmp(authorization, "Bearer ", 7)) {
        return slc_error_set(err, SLC_EUNAUTHENTICATED,
                             "the Authorization header must be 'Bearer "
                             "<token id>'");
    }
    id = authorization + 7;
    while (*id == ' ') {
        id++;
    }
    if (!is_token_id(id)) {
        return slc_error_set(err, SLC_EUNAUTHENTICATED, "invalid token");
    }
    if (cache) {
        hit = cache_slot(cache, id);
        if (!strcmp(hit->who.token_id, id) && hit->expires > now) {
            *who = hit->who;
            return 0;
        }
        memset(hit, 0, sizeof *hit);
    }
    rc = slc_store_get(st, "tokens", id, &tok, err);
    if (rc == SLC_ENOTFOUND) {
        return slc_error_set(err, SLC_EUNAUTHENTICATED,
                             "invalid or revoked token");
    }
    if (rc) {
        return rc;
    }
    if (json_real_value(json_object_get(tok.doc, "expires")) <= now) {
        slc_store_del(st, "tokens", id, SLC_REV_ANY, NULL);
        slc_record_clear(&tok);
        return slc_error_set(err, SLC_EUNAUTHENTICATED, "expired token");
    }
    snprintf(who->token_id, sizeof who->token_id, "%s", id);
    snprintf(who->user_id, sizeof who->user_id, "%s",
             json_string_value(json_object_get(tok.doc, "user_id")));
    snprintf(who->username, sizeof who->username, "%s",
             json_string_value(json_object_get(tok.doc, "username")));
    snprintf(who->project_id, sizeof who->project_id, "%s",
             json_string_value(json_object_get(tok.doc, "project_id")));
    snprintf(who->project_name, sizeof who->project_name, "%s",
             json_string_value(json_object_get(tok.doc, "project_name")));
    json_array_foreach(json_object_get(tok.doc, "roles"), i, role)
    {
        const char *rid = json_string_value(json_object_get(role, "id"));
        const json_t *doc = cache ? json_object_get(cache->roles, rid ?: "")
                                  : NULL;

        if (doc && who->n_roles < SLC_AUTH_MAX_ROLES) {
            snprintf(who->roles[who->n_roles++], sizeof who->roles[0], "%s",
                     rid);
            who->admin |= json_is_true(json_object_get(
                json_object_get(doc, "permissions"), "admin"));
        }
    }
    if (hit) {
        hit->who = *who;
        hit->expires = json_real_value(json_object_get(tok.doc, "expires"));
    }
    slc_record_clear(&tok);
    return 0;
}

bool
slc_auth_in_projects(const struct slc_principal *who, const json_t *list)
{
    struct slc_scope sc = {.project = who->project_id, .all = who->admin};

    return slc_scope_in(&sc, list);
}

static bool
in_projects(const struct slc_principal *who, const json_t *doc,
            const char *which)
{
    return slc_auth_in_projects(
        who, json_object_get(json_object_get(doc, "_admin"), which));
}

bool
slc_auth_can_read(const struct slc_principal *who, const json_t *doc)
{
    return in_projects(who, doc, "projects_read");
}

bool
slc_auth_can_write(const struct slc_principal *who, const json_t *doc)
{
    return in_projects(who, doc, "projects_write");
}

void
slc_auth_set_owner(const struct slc_principal *who, json_t *doc)
{
    json_t *admin = json_object_get(doc, "_admin");

    if (!json_is_object(admin)) {
        admin = json_object();
        json_object_set_new(doc, "_admin", admin);
    }
    json_object_set_new(admin, "projects_read",
                        json_pack("[s]", who->project_id));
    json_object_set_new(admin, "projects_write",
                        json_pack("[s]", who->project_id));
}

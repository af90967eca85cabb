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

static const char *const role_names[] = {
#define SLC_ROLE_NAME(name, text) text,
    SLC_ROLES(SLC_ROLE_NAME)
#undef SLC_ROLE_NAME
};

const char *
slc_role_name(enum slc_role role)
{
    return (unsigned)role < sizeof role_names / sizeof role_names[0]
               ? role_names[role]
               : "?";
}

int
slc_role_from_name(const char *name)
{
    for (size_t i = 0; name && i < sizeof role_names / sizeof role_names[0];
         i++) {
        if (!strcmp(role_names[i], name)) {
            return (int)i;
        }
    }
    return -1;
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

int
slc_auth_bootstrap(struct slc_store *st, const char *password,
                   char **generated, struct slc_error *err)
{
    char pid[SLC_UUID_STR_SIZE], uid[SLC_UUID_STR_SIZE], pw[33];
    struct slc_record prec = {.id = pid, .name = "admin"};
    struct slc_record urec = {.id = uid, .name = "admin"};
    size_t users = 0;
    char *hash = NULL;
    double now = (double)time(NULL);
    int rc;

    *generated = NULL;
    rc = slc_store_list(st, "users", NULL, count_visit, &users, err);
    if (rc < 0 || users) {
        return rc < 0 ? rc : 0;
    }
    if (!password) {
        if (slc_random_hex(pw, 16)) {
            return slc_error_set(err, SLC_EIO, "no random source");
        }
        password = pw;
    }
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
        "admin", "_admin", admin_stamp(now));
    free(hash);
    if (!prec.doc || !urec.doc) {
        rc = slc_error_set(err, SLC_ENOMEM, "out of memory");
    } else if (!(rc = slc_store_begin(st, err))) {
        rc = slc_store_put(st, "projects", &prec, NULL, SLC_REV_NEW, NULL,
                           err);
        if (!rc) {
            rc = slc_store_put(st, "users", &urec, NULL, SLC_REV_NEW, NULL,
                               err);
        }
        rc = rc ? rc : slc_store_commit(st, err);
        if (rc) {
            slc_store_rollback(st);
        }
    }
    json_decref(prec.doc);
    json_decref(urec.doc);
    if (!rc && password == pw) {
        *generated = strdup(pw);
    }
    if (!rc) {
        SLC_INFO("created user 'admin' in project 'admin'");
    }
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

int
slc_auth_login(struct slc_store *st, const char *username,
               const char *password, const char *project, double now,
               unsigned ttl, const char *remote_host, unsigned remote_port,
               json_t **token, struct slc_error *err)
{
    struct slc_record user = {0}, proj = {0};
    const json_t *mapping = NULL, *m;
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
    json_array_foreach(json_object_get(user.doc, "project_role_mappings"), i,
                       m)
    {
        const char *p = json_string_value(json_object_get(m, "project"));

        if (!mapping && p && (!project || !strcmp(p, proj.id))) {
            mapping = m;
        }
    }
    if (!mapping) {
        rc = slc_error_set(err, SLC_EUNAUTHENTICATED,
                           "user '%s' has no role in %s%s%s", username,
                           project ? "project '" : "any project",
                           project ? project : "", project ? "'" : "");
    } else if (!project &&
               (rc = slc_store_get(st, "projects",
                                   json_string_value(json_object_get(
                                       mapping, "project")),
                                   &proj, err))) {
        rc = slc_error_prefix(err, "user '%s'", username);
    } else if (slc_random_hex(id, 32)) {
        rc = slc_error_set(err, SLC_EIO, "no random source for tokens");
    }
    if (!rc) {
        const char *role =
            json_string_value(json_object_get(mapping, "role"));
        struct slc_record rec = {.id = id, .name = (char *)username};

        rec.doc = json_pack(
            "{ss ss sf sf ss ss ss ss sb s[{ssss}] ss si}", "_id", id, "id",
            id, "issued_at", now, "expires", now + ttl, "username", username,
            "user_id", user.id, "project_id", proj.id, "project_name",
            json_string_value(json_object_get(proj.doc, "name")), "admin",
            role && !strcmp(role, "admin"), "roles", "id", role, "name", role,
            "remote_host", remote_host ? remote_host : "", "remote_port",
            (int)remote_port);
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
        memset(cache, 0, sizeof *cache);
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
    const char *id;
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
    who->role = (enum slc_role)slc_role_from_name(json_string_value(
        json_object_get(json_array_get(json_object_get(tok.doc, "roles"), 0),
                        "id")));
    who->admin = who->role == SLC_ROLE_ADMIN;
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
    return who->role != SLC_ROLE_READER &&
           in_projects(who, doc, "projects_write");
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

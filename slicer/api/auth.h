/* Users, projects, roles and bearer tokens, kept in the store (collections
 * "users", "projects", "roles", "tokens").  Passwords are hashed with
 * yescrypt (libxcrypt); tokens are 256-bit random strings with an expiry.
 *
 * Roles are OSM's: records {_id, name, permissions: {operation: bool}}.
 * An operation is a node of OSM's permission tree plus the method,
 * "ns_instances:id:action:post".  A role decides it by its most specific
 * key ("ns_instances:id:action:post", then "ns_instances:id:action",
 * "ns_instances:id", "ns_instances"), else by "default" (false when
 * absent), as OSM's roles_to_operations.  "admin": true lets the role's
 * holders see and change every project's records.  A user holds one or
 * more roles per project (project_role_mappings, role and project _ids); a
 * request is allowed when one of the roles of its token's project allows
 * it.  The stock roles, made on first start: system_admin,
 * account_manager, project_admin and project_user (OSM's) and
 * project_reader (slicer's read-only role: every GET). */
#ifndef SLC_AUTH_H
#define SLC_AUTH_H

#include <jansson.h>
#include <stdbool.h>

#include "slc-error.h"
#include "slc-store.h"

#define SLC_AUTH_MAX_ROLES 8

struct slc_auth_cache;

/* Who is calling, from a valid token. */
struct slc_principal {
    char token_id[65];
    char user_id[37];
    char username[256];
    char project_id[37];
    char project_name[256];
    char roles[SLC_AUTH_MAX_ROLES][37]; /* role _ids in this project */
    unsigned n_roles;
    bool admin;               /* sees and changes every project */
};

/* Creates the stock roles that are missing (by name; 'read_only' is the
 * permissions of project_reader), moves users and tokens of stores made
 * before roles were records onto them (admin -> system_admin, member ->
 * project_admin, reader -> project_reader), and creates project "admin"
 * and user "admin" (system_admin) when the store has no user.  The
 * password is 'password', or a random one written to '*generated' (caller
 * frees; NULL when not generated). */
int slc_auth_bootstrap(struct slc_store *st, const char *password,
                       const json_t *read_only, char **generated,
                       struct slc_error *err);

/* Checks credentials and creates a token for 'project' (name or _id; NULL
 * = the user's first project).  '*token' is the token document (new
 * reference).  SLC_EUNAUTHENTICATED for bad credentials (the message does
 * not say which part was wrong). */
int slc_auth_login(struct slc_store *st, const struct slc_auth_cache *cache,
                   const char *username,
                   const char *password, const char *project, double now,
                   unsigned ttl, const char *remote_host,
                   unsigned remote_port, json_t **token,
                   struct slc_error *err);

/* Tokens already checked, so that a request does not read and parse its
 * token record again: direct-mapped on the token's first byte, each slot
 * holding one token until another maps there, it expires, or it is
 * forgotten.  Whoever deletes a token, or changes or deletes a user or a
 * project, forgets (the daemon is the only writer of those collections). */
#define SLC_AUTH_CACHE_SLOTS 256

struct slc_auth_cache {
    struct slc_auth_cached {
        struct slc_principal who;
        double expires;
    } slot[SLC_AUTH_CACHE_SLOTS];
    json_t *roles;             /* the role records by _id */
};

/* Forgets token 'token_id', or every token when it is NULL. */
void slc_auth_forget(struct slc_auth_cache *cache, const char *token_id);
/* (Re)reads the role records into 'cache' and forgets every token (a
 * token's permissions follow its roles).  Whoever changes a role calls it
 * after committing. */
int slc_auth_load_roles(struct slc_store *st, struct slc_auth_cache *cache,
                        struct slc_error *err);
/* Frees what 'cache' holds (not 'cache'). */
void slc_auth_cache_clear(struct slc_auth_cache *cache);

/* The role record whose _id or name is 'key' (or, for the fixed roles of
 * earlier versions, admin, member and reader: system_admin, project_admin
 * and project_reader), or NULL. */
const json_t *slc_auth_role(const struct slc_auth_cache *cache,
                            const char *key);
/* Whether role document 'role' allows 'operation' ("nsds:id:get"). */
bool slc_auth_role_allows(const json_t *role, const char *operation);
/* Whether one of the roles of 'who' allows 'operation'. */
bool slc_auth_allows(const struct slc_auth_cache *cache,
                     const struct slc_principal *who, const char *operation);
/* The names of the roles of 'who', comma-separated, into 'buf'. */
const char *slc_auth_role_names(const struct slc_auth_cache *cache,
                                const struct slc_principal *who, char *buf,
                                size_t size);

/* Resolves an "Authorization" header value into '*who', through 'cache'
 * (NULL: none).  SLC_EUNAUTHENTICATED when missing, malformed, unknown or
 * expired. */
int slc_auth_check(struct slc_store *st, struct slc_auth_cache *cache,
                   const char *authorization, double now,
                   struct slc_principal *who, struct slc_error *err);

/* Hashes 'password' with yescrypt into a new string (caller frees).
 * SLC_EINVALID for an empty one or one over libxcrypt's limit. */
int slc_auth_hash(const char *password, char **hash, struct slc_error *err);
/* True when 'password' matches 'hash'. */
bool slc_auth_verify(const char *password, const char *hash);

/* Whether 'who' may read / write a record whose document is 'doc' (its
 * "_admin.projects_read" / "projects_write"). */
bool slc_auth_can_read(const struct slc_principal *who, const json_t *doc);
/* Whether a project list ("_admin.projects_read" itself) admits 'who'. */
bool slc_auth_in_projects(const struct slc_principal *who,
                          const json_t *list);
bool slc_auth_can_write(const struct slc_principal *who, const json_t *doc);

/* Sets "_admin.projects_read" and "projects_write" of 'doc' to the
 * caller's project. */
void slc_auth_set_owner(const struct slc_principal *who, json_t *doc);

#endif

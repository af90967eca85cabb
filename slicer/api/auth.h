/* Users, projects, roles and bearer tokens, kept in the store (collections
 * "users", "projects", "tokens").  Passwords are hashed with yescrypt
 * (libxcrypt); tokens are 256-bit random strings with an expiry.
 *
 * Roles: "admin" (everything, every project), "member" (read and write in
 * its project), "reader" (read only in its project).  A user holds one
 * role per project (project_role_mappings, as in OSM). */
#ifndef SLC_AUTH_H
#define SLC_AUTH_H

#include <jansson.h>
#include <stdbool.h>

#include "slc-error.h"
#include "slc-store.h"

#define SLC_ROLES(X)                                                         \
    X(ADMIN, "admin")                                                        \
    X(MEMBER, "member")                                                      \
    X(READER, "reader")

enum slc_role {
#define SLC_ROLE_ENUM(name, text) SLC_ROLE_##name,
    SLC_ROLES(SLC_ROLE_ENUM)
#undef SLC_ROLE_ENUM
};

const char *slc_role_name(enum slc_role role);
int slc_role_from_name(const char *name);

/* Who is calling, from a valid token. */
struct slc_principal {
    char token_id[65];
    char user_id[37];
    char username[256];
    char project_id[37];
    char project_name[256];
    enum slc_role role;
    bool admin;               /* sees and changes every project */
};

/* Creates project "admin" and user "admin" (role admin) when the store
 * has no user.  The password is 'password', or a random one written to
 * '*generated' (caller frees; NULL when not generated). */
int slc_auth_bootstrap(struct slc_store *st, const char *password,
                       char **generated, struct slc_error *err);

/* Checks credentials and creates a token for 'project' (name or _id; NULL
 * = the user's first project).  '*token' is the token document (new
 * reference).  SLC_EUNAUTHENTICATED for bad credentials (the message does
 * not say which part was wrong). */
int slc_auth_login(struct slc_store *st, const char *username,
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
};

/* Forgets token 'token_id', or every token when it is NULL. */
void slc_auth_forget(struct slc_auth_cache *cache, const char *token_id);

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

/* A session with an OpenStack cloud for the OpenStack VIM driver: Keystone
 * v3 password authentication scoped to one project, the token renewed
 * before it expires (and once more when a service answers 401), the
 * service endpoints taken from the token's catalog (region, interface),
 * and REST calls to Nova, Neutron and Glance on the daemon's loop through
 * common/slc-http-client.h.  Calls made while a token is being fetched
 * wait for it; nothing blocks.
 *
 * Messages never carry the token or the password: they name the service,
 * the method, the URL path and what the service said (the "message" of
 * Nova's, Neutron's and Keystone's error bodies).
 *
 * Neighbours: vim-openstack.c, openstack-compute.c and openstack-sweep.c
 * (its users), openstack-flavor.h. */
#ifndef SLC_OPENSTACK_API_H
#define SLC_OPENSTACK_API_H

#include <jansson.h>
#include <stdbool.h>

#include "slc-error.h"

struct event_base;
struct slc_os_session;

/* The catalog services the driver uses. */
#define SLC_OS_SERVICES(X)                                                    \
    X(IDENTITY, "identity")                                                   \
    X(COMPUTE, "compute")                                                     \
    X(NETWORK, "network")                                                     \
    X(IMAGE, "image")

enum slc_os_service {
#define SLC_OS_SERVICE_ENUM(name, text) SLC_OS_##name,
    SLC_OS_SERVICES(SLC_OS_SERVICE_ENUM)
#undef SLC_OS_SERVICE_ENUM
        SLC_OS_N_SERVICES
};

/* The Nova microversion every compute call asks for: 2.61 shows a
 * flavor's extra specs in its details, and brings server tags (2.26,
 * at create 2.52) and "networks": "none" (2.37).  Zed serves up to
 * 2.93. */
#define SLC_OS_COMPUTE_MICROVERSION "2.61"

struct slc_os_params {
    struct event_base *base;
    const char *auth_url; /* Keystone v3, "http(s)://HOST:PORT/v3" */
    const char *user, *password;
    /* The user's and the project's domains, by name or id (a NULL name
     * and id mean "Default"). */
    const char *user_domain, *user_domain_id;
    const char *project, *project_id; /* one of them */
    const char *project_domain, *project_domain_id;
    const char *region;    /* the catalog's region; NULL: any */
    const char *interface; /* "public" (NULL), "internal" or "admin" */
    bool insecure;         /* TLS without certificate checks */
    const char *ca_file;   /* PEM CA bundle, may be NULL */
    long timeout_ms;       /* each request; 0: 30000 */
    const char *label;     /* for messages: "vim 'os-1'" */
};

/* The outcome of a call: 'rc' 0 for a 2xx status, else the code
 * slc_http_status_code() gives it (slc-http-client.h), SLC_ETIMEOUT when
 * no reply came in time, SLC_EIO for a refused connection.  'msg' is
 * NULL on success, else "<service> <METHOD> <path>: <status> <message>"
 * (or the transport error).  'body' is the reply as JSON, or NULL (empty
 * or not JSON); 'msg' and 'body' are borrowed for the callback. */
typedef void (*slc_os_fn)(void *arg, int rc, const char *msg, json_t *body,
                          long status);

/* A session with p's credentials (copied).  SLC_EINVALID for an auth URL
 * that is not http(s):// or lacks user, password or project. */
int slc_os_session_new(const struct slc_os_params *p,
                       struct slc_os_session **out, struct slc_error *err);
/* Abandons the calls in flight (their callbacks never run) and frees 's'.
 * Accepts NULL. */
void slc_os_session_free(struct slc_os_session *s);

/* Starts 'method' on service 'svc' at 'path' ("/servers/ID", appended to
 * the catalog's endpoint; Neutron's gets "/v2.0", Glance's "/v2"), with
 * 'body' as the JSON request body (the reference is taken, even on
 * failure; may be NULL).  Authenticates first when the session has no
 * valid token.  'done' gets the outcome later, from the loop, never from
 * inside this call.  An error here means the call did not start. */
int slc_os_call(struct slc_os_session *s, enum slc_os_service svc,
                const char *method, const char *path, json_t *body,
                slc_os_fn done, void *arg, struct slc_error *err);

/* Fetches a new token now: 'done' gets rc 0 and body NULL when Keystone
 * took the credentials and the catalog has compute, network and image,
 * else Keystone's refusal or what the catalog lacks. */
int slc_os_authenticate(struct slc_os_session *s, slc_os_fn done, void *arg,
                        struct slc_error *err);

/* Whether the session holds a token (for describe()). */
bool slc_os_session_authenticated(const struct slc_os_session *s);

/* 'path' with 'value' appended percent-encoded (for query values and
 * path segments), into 'buf'.  False when it does not fit. */
bool slc_os_path(char *buf, size_t size, const char *path, const char *value);

#endif

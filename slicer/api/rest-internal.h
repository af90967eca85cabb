/* The REST layer: the route table of OSM's NBI paths, authentication and
 * role checks, body parsing, the error table (SLC_E* -> HTTP status) and the
 * helpers every *-api.c uses.  rest.c dispatches; handlers live in
 * identity-api.c, infra-api.c, catalogue-api.c, nslcm-api.c, nsilcm-api.c,
 * nsmf-api.c and subscriptions-api.c.  Private to slicer/api/. */
#ifndef SLC_REST_INTERNAL_H
#define SLC_REST_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "api.h"
#include "auth.h"
#include "http-server.h"
#include "slc-id.h"
#include "slc-store.h"

#define SLC_REST_MAX_PARAMS 4


/* One request being handled. */
struct slc_call {
    struct slc_api *api;
    const struct slc_http_request *req;
    struct slc_http_response *resp;
    struct slc_principal who;
    const char *params[SLC_REST_MAX_PARAMS]; /* the {id}s of the path */
    size_t n_params;
    unsigned status;           /* an error's HTTP status, 0 = by code */
    char path_buf[2048];       /* the split path the params point into */
    struct slc_error err;
};

/* A handler returns 0 with the response filled, or an SLC_E* code with
 * c->err (and optionally c->status) set. */
typedef int (*slc_rest_handler_fn)(struct slc_call *c);

/* A route: its method and path, its handler, and the node of OSM's
 * permission tree it is checked against ("nsds:id:"; the method is
 * appended: "nsds:id:get"), or SLC_ROUTE_PUBLIC for no token at all. */
#define SLC_ROUTE_PUBLIC NULL

struct slc_route {
    const char *method;
    const char *pattern;       /* "/osm/nsd/v1/ns_descriptors/{id}" */
    slc_rest_handler_fn handler;
    const char *permission;    /* "nsds:id:" */
};

/* Whether the caller's roles allow 'operation' ("users:post"). */
bool slc_rest_may(const struct slc_call *c, const char *operation);
/* Whether 'key' is a key a role's permissions may have: "default",
 * "admin", an operation of a route or a node above one ("nsds",
 * "nsds:id"). */
bool slc_rest_known_permission(const char *key);
/* Sets c->status and a formatted message; returns 'code'. */
int slc_rest_fail(struct slc_call *c, unsigned status, int code,
                  const char *fmt, ...) SLC_PRINTF(4, 5);

/* True for the media types of a JSON or YAML body (or none given). */
bool slc_rest_is_text_type(const char *type);

/* 403 when a caller who is not a system admin asks for a provider
 * network (a "provider-network", "epTransport" or "transportEndpoints"
 * member at any depth of 'body'): its VLAN is on the host's physical
 * networks, the links to other domains.  slc_rest_body() checks it. */
int slc_rest_check_provider(struct slc_call *c, const json_t *body);
/* Parses the body as JSON or YAML (by Content-Type) into '*out' (new
 * reference).  400 for bad syntax or no body, 415 for other media types. */
int slc_rest_body(struct slc_call *c, json_t **out);

/* Replies 'status' with 'body' (stolen; may be NULL). */
void slc_rest_reply(struct slc_call *c, unsigned status, json_t *body);
/* Replies 201 with {id, _id} (plus 'extra' members, stolen, may be NULL)
 * and a Location of 'base'/'id'. */
void slc_rest_created(struct slc_call *c, const char *base, const char *id,
                      json_t *extra);

/* True when the query has 'word' (FORCE, ...). */
bool slc_rest_flag(const struct slc_call *c, const char *word);
/* True when 'doc' passes the query's SOL005 filters (attr[.op]=v1,v2). */
bool slc_rest_filter_match(const json_t *query, const json_t *doc);

/* Reads record 'id' of 'coll' that the caller may see.  404 names 'what'
 * when it does not exist or belongs to another project. */
int slc_rest_get_visible(struct slc_call *c, const char *coll,
                         const char *what, const char *id,
                         struct slc_record *out);
/* Replies 200 with the stored document of 'id' in 'coll' as it is (no
 * parsing when the reply is JSON), or 404 naming 'what' when it is absent
 * or the caller's project cannot see it. */
int slc_rest_show_stored(struct slc_call *c, const char *coll,
                         const char *what, const char *id);
/* Lists the records of 'coll' that the caller may see and that pass the
 * query filters, each passed through 'project' (may be NULL: the document
 * as is; returns a new reference or NULL to skip). */
int slc_rest_list(struct slc_call *c, const char *coll,
                  json_t *(*project)(const json_t *doc), json_t **out);
/* slc_rest_list() replied 200 (the handler of a plain list URL). */
int slc_rest_reply_list(struct slc_call *c, const char *coll,
                        json_t *(*project)(const json_t *doc));
/* The same for records that belong to no project (projects themselves):
 * every caller sees all of them. */
int slc_rest_list_all(struct slc_call *c, const char *coll, json_t **out);
/* Maps an error of the lifecycle layers onto OSM's statuses: NOTFOUND
 * of an object a valid request names is 404, BUSY and CONFLICT are 409,
 * bad parameters 422 (others by the error table).  Returns 'rc'. */
int slc_rest_lcm_error(struct slc_call *c, int rc);
/* Tells subscribers (notify.h) that instance 'id' of collection 'coll'
 * ("nsrs" or "nsis") was created, or is about to be deleted. */
void slc_rest_tell_identifier(struct slc_call *c, const char *coll,
                              const char *id, bool created);
/* Seconds since the epoch, from the daemon's clock. */
double slc_rest_now(const struct slc_call *c);

/* A member a request body may have. */
struct slc_body_field {
    const char *key;
    unsigned types;            /* mask of 1 << json_type */
    bool required;
    /* an integer's inclusive bounds, checked when max > min */
    int64_t min, max;
    /* a string's allowed values (NULL-ended), or NULL for any */
    const char *const *values;
};

/* The longest timeout_* a request may ask for, in seconds (a week). */
#define SLC_REST_MAX_TIMEOUT (7 * 24 * 3600)

#define SLC_BT(t) (1u << (t))
#define SLC_BT_STR SLC_BT(JSON_STRING)
#define SLC_BT_OBJ SLC_BT(JSON_OBJECT)
#define SLC_BT_ARR SLC_BT(JSON_ARRAY)
#define SLC_BT_BOOL (SLC_BT(JSON_TRUE) | SLC_BT(JSON_FALSE))
#define SLC_BT_INT SLC_BT(JSON_INTEGER)
#define SLC_BT_NULL SLC_BT(JSON_NULL)

/* Checks 'body' against 'fields' (ending with {NULL}): unknown members,
 * wrong types and missing required members are 422 naming 'what', the
 * key and the value. */
int slc_rest_check_body(struct slc_call *c, const json_t *body,
                        const char *what, const struct slc_body_field *fields);
/* The same without the 'required' check (a body that may omit fields the
 * table requires elsewhere). */
int slc_rest_check_members(struct slc_call *c, const json_t *body,
                           const char *what,
                           const struct slc_body_field *fields);

/* The members of an ns_instantiate request (nslcm-api.c), which a slice's
 * netslice-subnet[] items have too. */
extern const struct slc_body_field slc_ns_instantiate_fields[];

/* Records of the admin APIs. */

/* {created, modified} of a new record's _admin, both now (new object). */
json_t *slc_rest_stamp(const struct slc_call *c);
/* Sets doc's _admin.modified to now. */
void slc_rest_touch(const struct slc_call *c, json_t *doc);
/* Checks a user-chosen name: 1..255 characters, none of , ; ( ) ' ".
 * 422 naming 'what' and the name otherwise. */
int slc_rest_check_name(struct slc_call *c, const char *what,
                        const char *name);
/* Stores 'doc' (borrowed; its _id is set to the new 'id') as record 'name'
 * of 'coll' unless one of that name exists in the project that owns 'doc'
 * (its _admin.projects_read; everywhere when it names none): 409 naming
 * 'what'. */
int slc_rest_create_named(struct slc_call *c, const char *coll,
                          const char *what, const char *name, json_t *doc,
                          char id[SLC_UUID_STR_SIZE]);
/* The scope of the caller: its token's project, all projects for a system
 * admin (preferring its own where a name is in several). */
struct slc_scope slc_rest_scope(const struct slc_call *c);
/* Reads the record of 'coll' that 'key' (its _id or its name) names for
 * the caller: its project's, or one shared with it.  404 naming 'what'
 * otherwise, also for another project's record. */
int slc_rest_get_in_scope(struct slc_call *c, const char *coll,
                          const char *what, const char *key,
                          struct slc_record *out);
/* Reads record 'key' (its _id or its name) of 'coll' into 'out', for
 * collections that belong to no project (users, projects); 404 naming
 * 'what' when there is none. */
int slc_rest_get_by_key(struct slc_call *c, const char *coll,
                        const char *what, const char *key,
                        struct slc_record *out);

/* The route tables of each API module, ending with {NULL}. */
extern const struct slc_route slc_identity_routes[];
extern const struct slc_route slc_infra_routes[];
extern const struct slc_route slc_catalogue_routes[];
extern const struct slc_route slc_nslcm_routes[];
extern const struct slc_route slc_nsilcm_routes[];
extern const struct slc_route slc_nsmf_routes[];
extern const struct slc_route slc_subscription_routes[];
extern const struct slc_route slc_provmns_routes[];
extern const struct slc_route slc_onap_nssmf_routes[];
extern const struct slc_route slc_metrics_routes[];
extern const struct slc_route slc_openapi_routes[];
extern const struct slc_route slc_ui_routes[];

/* An NS's chain reports (slc_ns_chain_report: per hop, the packets and
 * bytes its switches counted), read from the switches now: 'done' gets
 * them (borrowed), perhaps before this returns.  SLC_ENOMEM otherwise. */
typedef void (*slc_chain_reports_fn)(void *arg, json_t *reports);
int slc_rest_chain_reports(struct slc_api *api, const json_t *nsr,
                           slc_chain_reports_fn done, void *arg);

/* Whether 'path' is one of the 3GPP management APIs (provmns-api.c),
 * whose errors have 3GPP's shape. */
bool slc_provmns_path(const char *path);
/* 3GPP's error body (TS 28.532 ErrorResponseDefault, with Rel-16's
 * error.errorInfo) of 'status' and 'detail' into 'resp'. */
void slc_provmns_error(struct slc_http_response *resp, unsigned status,
                       const char *detail);

#endif

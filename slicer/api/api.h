/* The REST edge of slicerd, as the daemon sees it: the context its
 * handlers serve from and the entry point the HTTP server calls.  The
 * other public headers of slicer/api/ are http-server.h (the server on the
 * loop) and auth.h (users, tokens, the admin created on first start);
 * rest-internal.h is the handlers' own toolkit. */
#ifndef SLC_API_H
#define SLC_API_H

#include <jansson.h>
#include <stdint.h>

struct slc_auth_cache;
struct slc_engine;
struct slc_http_request;
struct slc_http_response;
struct slc_notifier;
struct slc_sdn_registry;
struct slc_slicer;
struct slc_store;
struct slc_vim_registry;

/* What the REST layer serves from: the daemon's parts that handlers reach,
 * made and owned by slicerd.c, passed explicitly (no globals). */
struct slc_api {
    struct slc_store *st;
    struct slc_engine *engine;
    struct slc_slicer *slicer;       /* the slice manager */
    struct slc_notifier *notifier;   /* subscriptions, notifications */
    struct slc_auth_cache *tokens;   /* tokens already checked */
    const struct slc_vim_registry *vim_classes;
    const struct slc_sdn_registry *sdn_classes;
    uint64_t token_ttl;              /* seconds a new token lives */
    uint64_t op_timeout;             /* seconds, default per operation */
    const char *files_dir;           /* where files a record names must
                                        be (files_dir); NULL: anywhere */
    double (*now)(void);             /* wall clock, injectable */
    /* The 3GPP management APIs (provmns-api.c): the SubNetwork that
     * holds slicer's MOIs, slicer's systemDN in notifications, and the
     * base of the hrefs they carry ("https://host:port"). */
    const char *subnetwork;
    const char *system_dn;
    const char *public_url;
    /* Records in one page of a list (SOL013: a Link header, rel="next",
     * with nextpage_opaque_marker, when more follow); 0: lists whole. */
    size_t page_size;
};

/* An NSSI changed (slice.h's nssi_event hook, with 'ctx' the struct
 * slc_api): sends the 3GPP notifications of the change to the
 * NtfSubscriptionControl subscriptions of its project. */
void slc_provmns_nssi_event(void *ctx, const json_t *rec,
                            const json_t *old_attrs,
                            const json_t *new_attrs);

/* The metrics listener's entry point (an slc_http_handler_fn; 'ctx' is
 * the struct slc_api): GET /metrics without a token, nothing else. */
void slc_metrics_handle(void *ctx, const struct slc_http_request *req,
                        struct slc_http_response *resp);

/* The HTTP entry point (an slc_http_handler_fn); 'ctx' is the struct
 * slc_api to serve from. */
void slc_rest_handle(void *ctx, const struct slc_http_request *req,
                     struct slc_http_response *resp);

/* The permissions of slicer's read-only role, project_reader (auth.h):
 * the operation of every GET route, and tokens (to log out); new
 * reference. */
json_t *slc_rest_read_only_permissions(void);
/* Every route slicerd serves: [{method, path, public}], the paths as
 * their templates ("/osm/nslcm/v1/ns_instances/{id}"). */
json_t *slc_rest_route_list(void);

#endif

/* A small synchronous client of slicerd's NBI over libcurl, for slicectl:
 * one request at a time, JSON in and out, the bearer token attached. */
#ifndef SLC_REST_CLIENT_H
#define SLC_REST_CLIENT_H

#include <jansson.h>

#include "slc-error.h"

struct slc_client {
    const char *base;         /* "https://127.0.0.1:9999/osm" */
    const char *token;        /* may be NULL */
    const char *cacert;       /* PEM file of the certificates to trust
                                 for HTTPS, or NULL: the system's */
    void *curl;               /* CURL *, reused between requests */
};

/* Prepares a client; 0 or SLC_ENOMEM. */
int slc_client_init(struct slc_client *c, const char *base,
                    const char *token, struct slc_error *err);
void slc_client_fini(struct slc_client *c);

/* Sends METHOD base+'path' with 'body' (may be NULL) of 'content_type'.
 * The HTTP status goes to '*status' and a JSON reply to '*reply' (new
 * reference, NULL when the reply is empty).  Errors are transport errors
 * only (SLC_EIO naming the URL); HTTP errors are statuses. */
int slc_client_request(struct slc_client *c, const char *method,
                       const char *path, const char *content_type,
                       const char *body, size_t size, long *status,
                       json_t **reply, struct slc_error *err);

#endif

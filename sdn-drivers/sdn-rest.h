/* What every SDN driver that speaks to its controller over REST shares
 * (osken, onos_vpls, onosof, odlof, floodlightof): an HTTP client of its
 * own on the daemon's loop (common/slc-http-client.h), the controller's
 * base URL, HTTP Basic credentials and one mapping of HTTP outcomes to
 * SLC_E* codes and messages, so that every driver reports a refusal
 * alike.  The machinery above the calls (operation queue, audits, config)
 * is sdn-rest-driver.h's.
 *
 * Calls return at once; each outcome comes later from the loop, never
 * from inside the call.  Messages never carry a header or the password:
 * they name the method, the URL path and what the controller said. */
#ifndef SLC_SDN_REST_H
#define SLC_SDN_REST_H

#include <jansson.h>
#include <stdint.h>

#include "slc-error.h"

struct event_base;
struct slc_sdn_rest;

struct slc_sdn_rest_params {
    struct event_base *base;
    const char *url;          /* "http://HOST:PORT" or "https://...", an
                                 optional path prefix, no credentials */
    /* Both or neither, may be NULL: an "Authorization: Basic" header is
     * built from them once; neither is kept, logged nor put in a
     * message. */
    const char *user, *password;
    long timeout_ms;          /* each request; 0: 5000 */
    const char *label;        /* for log lines: "sdn 'ctl-1'" */
};

/* The outcome of one call: 'rc' 0 for a 2xx status, else the code
 * slc_http_status_code() gives it (slc-http-client.h), SLC_ETIMEOUT when
 * no reply came in time, SLC_EIO for a refused connection or another
 * transport error.  'msg' is
 * NULL on success, else "<METHOD> <path>: <status> <first 200 bytes of
 * the body, on one line>" or "<METHOD> <url>: <transport error>".
 * 'body' is the reply parsed as JSON, or NULL (empty or not JSON).
 * 'status' is the HTTP status, 0 without a reply.  'msg' and 'body' are
 * borrowed for the callback's duration (json_incref() to keep 'body'). */
typedef void (*slc_sdn_rest_fn)(void *arg, int rc, const char *msg,
                                json_t *body, long status);

/* A client for the controller at p->url.  Returns 0 with '*out' set (the
 * caller frees it with slc_sdn_rest_free()), SLC_EINVALID for a URL that
 * is not http(s)://, has credentials or ends with '/', or SLC_ENOMEM. */
int slc_sdn_rest_new(const struct slc_sdn_rest_params *p,
                     struct slc_sdn_rest **out, struct slc_error *err);

/* Abandons the calls in flight (their callbacks never run) and frees 'r'.
 * Accepts NULL. */
void slc_sdn_rest_free(struct slc_sdn_rest *r);

/* Starts 'method' on the base URL + 'path' ("/stats/switches"), with
 * 'body' as a JSON request body (the reference is taken, even on
 * failure; may be NULL).  Returns 0 and 'done' gets the outcome later,
 * or an SLC_E* code with 'err' set when the call cannot start (then
 * 'done' is never called). */
int slc_sdn_rest_call(struct slc_sdn_rest *r, const char *method,
                      const char *path, json_t *body, slc_sdn_rest_fn done,
                      void *arg, struct slc_error *err);

/* ---- what the records and services of REST drivers share ---- */

/* 0, or SLC_EINVALID naming the driver 'type' when 'url' is not
 * "http://HOST:PORT" (HOST a name, an IPv4 address or [IPv6]). */
int slc_sdn_rest_check_url(const char *type, const char *url,
                           struct slc_error *err);

/* An integer key of a driver's config: its bounds and unit. */
struct slc_sdn_rest_int {
    const char *key;
    json_int_t min, max;
    const char *unit;         /* "milliseconds" */
};

/* 0, or SLC_EINVALID naming the driver 'type', the key and its bounds
 * for the first of 'keys' (n of them) that 'config' (may be NULL) has
 * out of bounds or not as an integer. */
int slc_sdn_rest_check_ints(const char *type, const json_t *config,
                            const struct slc_sdn_rest_int *keys, size_t n,
                            struct slc_error *err);

/* The id of a service: 0x80000000 | FNV-1a('tag') & 0x7fffffff, so that
 * a create with a known tag finds its service again, and its text
 * "<prefix>-%08x" into 'buf'. */
uint32_t slc_sdn_rest_service_id(const char *prefix, const char *tag,
                                 char *buf, size_t size);

/* The id of service "<prefix>-%08x", or SLC_ENOTFOUND naming
 * 'service_id' (may be NULL) when it is not one. */
int slc_sdn_rest_parse_service_id(const char *prefix, const char *service_id,
                                  uint32_t *id, struct slc_error *err);

/* The base URL (borrowed). */
const char *slc_sdn_rest_url(const struct slc_sdn_rest *r);

#endif

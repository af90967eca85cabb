/* A small synchronous client of etcd v3's JSON gateway (/v3/kv/range,
 * /v3/kv/txn, /v3/lease/...), for the store's etcd backend and for the
 * leases of several slicerd sharing one etcd.
 *
 * It blocks: every call is one HTTP request to a member on loopback or a
 * near network, made with one libcurl easy handle kept open (connection
 * reuse).  The daemon's own outbound calls (drivers, notifications) go
 * through slc-http-client on the loop instead; the store's interface is
 * synchronous, so its calls are too.
 *
 * Members: the client knows every member it was given and sticks to the
 * one that last answered; when a member cannot be reached it tries the
 * next one, so that a cluster that loses one member goes on.  A write
 * (txn, put, lease) is not retried on another member once it may have
 * reached one: its outcome is unknown, and it is reported as SLC_EIO.
 *
 * Keys and values are base64 on the wire; int64 values come back as JSON
 * strings and zero values are left out (etcd's JSON mapping). */
#ifndef SLC_ETCD_H
#define SLC_ETCD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "slc-error.h"

struct slc_etcd;

/* Opens a client of the members 'endpoints' ("HOST:PORT[,HOST:PORT...]",
 * http).  Nothing is sent yet.  Returns it in '*out' (free it with
 * slc_etcd_free) or an SLC_E* code. */
int slc_etcd_new(const char *endpoints, long timeout_ms,
                 struct slc_etcd **out, struct slc_error *err);

/* Frees the client.  Accepts NULL. */
void slc_etcd_free(struct slc_etcd *e);

/* POSTs 'req' (borrowed) to 'path' ("/v3/kv/range") and returns the
 * parsed answer in '*reply' (a new reference).  'idempotent': may be sent
 * again to another member when the first cannot be reached.  An answer
 * that is not 200 is an error naming etcd's message: SLC_EINVALID for a
 * request etcd refuses (too large, too many operations), SLC_EIO for the
 * rest. */
int slc_etcd_call(struct slc_etcd *e, const char *path, const json_t *req,
                  bool idempotent, json_t **reply, struct slc_error *err);

/* The member the client last talked to ("127.0.0.1:2379"). */
const char *slc_etcd_member(const struct slc_etcd *e);

/* Splits a store location after its scheme,
 * "//HOST:PORT[,HOST:PORT...]/PREFIX[?max_txn_ops=N]", into the members
 * ('*members'), "/PREFIX" ('*prefix'), both new strings, and the
 * transaction limit ('*max_ops', 128 unless given).  SLC_EINVALID naming
 * what is wrong. */
int slc_etcd_location(const char *location, char **members, char **prefix,
                      unsigned *max_ops, struct slc_error *err);

/* base64 of 'size' bytes of 'data', as a new JSON string (NULL when out of
 * memory). */
json_t *slc_etcd_b64(const void *data, size_t size);

/* Decodes base64 'text' into a new NUL-terminated buffer ('*size' bytes
 * before the NUL).  NULL when it is not base64 or out of memory. */
char *slc_etcd_unb64(const char *text, size_t *size);

/* The key that follows every key starting with 'prefix' (etcd's
 * range_end for a prefix), as a new JSON base64 string. */
json_t *slc_etcd_prefix_end(const char *prefix);

/* The first kv of the range response number 'i' of a txn's answer
 * (borrowed from it), NULL when none. */
const json_t *slc_etcd_txn_kv(const json_t *reply, size_t i);

/* An int64 of etcd's JSON (a string or a number); 0 when absent. */
int64_t slc_etcd_int(const json_t *v);

#endif

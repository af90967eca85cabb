/* What every kind of driver (VIM drivers in vim-drivers/, SDN drivers in
 * sdn-drivers/) is built on, so that each kind only adds its own types:
 *
 * - a registry of driver classes by type name, which rejects duplicates,
 *   classes of another ABI version and classes missing an operation, and
 *   names the known types when a record asks for an unknown one;
 * - the part of a driver instance the core owns (struct slc_driver: the
 *   record it serves, the loop, the owner of its results);
 * - a queue of results that a driver knows at call time (or after a
 *   delay), delivered from the loop and never from inside the call, as the
 *   driver contracts require.  A result may also be held until the driver
 *   releases it (a process that must say it is ready) and checked just
 *   before it is delivered.
 *
 * vim.h and sdn.h wrap these in typed functions; nothing above the drivers
 * uses this header directly. */
#ifndef SLC_DRIVER_H
#define SLC_DRIVER_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "slc-error.h"

struct event_base;
struct timeval;

/* The loop's priorities (slicerd's loop has SLC_PRIO_N; a loop with one
 * runs everything at SLC_PRIO_WORK): work already taken on (a driver's
 * results, a kicked operation) runs before the next request is read.
 * Under a burst of requests, operations then finish instead of piling
 * up half done, each holding its documents, while more are admitted.
 * Requests have the default, the middle one (SLC_PRIO_N / 2).
 * SLC_PRIO_IDLE runs when nothing else is ready: what ends a burst. */
enum { SLC_PRIO_WORK = 0, SLC_PRIO_IDLE = 2, SLC_PRIO_N = 3 };

/* ---- registry ---- */

/* One kind of driver, for the registry's checks and messages. */
struct slc_driver_kind {
    const char *name;         /* "vim driver" */
    const char *type_key;     /* how records name a type: "vim_type" */
    unsigned version;         /* the ABI version its classes must have */
};

#define SLC_DRIVER_REGISTRY_MAX 16

/* The classes of one kind a daemon knows.  Not global: each daemon (and
 * each test) builds its own; a zeroed registry is empty. */
struct slc_driver_registry {
    size_t len;
    struct slc_driver_entry {
        const char *type;
        const void *class;    /* the kind's class struct */
    } entries[SLC_DRIVER_REGISTRY_MAX];
};

/* Adds 'class' of 'kind' under 'type'.  SLC_EUNSUPPORTED for a 'version'
 * other than the kind's, a missing type or a class that is not 'complete'
 * (a mandatory operation is missing), SLC_EEXISTS for a type already
 * there, SLC_ETOOBIG when the registry is full. */
int slc_driver_registry_add(struct slc_driver_registry *reg,
                            const struct slc_driver_kind *kind,
                            const char *type, unsigned version,
                            bool complete, const void *class,
                            struct slc_error *err);
/* The class registered as 'type' (borrowed), or NULL (also for a NULL
 * 'type'). */
const void *slc_driver_registry_find(const struct slc_driver_registry *reg,
                                     const char *type);
/* The same, or NULL with SLC_EUNSUPPORTED in 'err' naming the type key,
 * the type and the known ones: "vim_type 'x' is not supported (known:
 * sim, netns)". */
const void *slc_driver_registry_lookup(const struct slc_driver_registry *reg,
                                       const struct slc_driver_kind *kind,
                                       const char *type,
                                       struct slc_error *err);
/* Names of the registered types, ", "-separated, into 'buf'. */
void slc_driver_registry_names(const struct slc_driver_registry *reg,
                               char *buf, size_t size);

/* ---- results ---- */

/* A result as a driver reports it.  Every member is owned by the result
 * while it waits (a check may replace them); each kind's core turns it
 * into its own result type when it is delivered. */
struct slc_result {
    uint64_t token;           /* the caller's */
    int rc;                   /* 0 or SLC_E* */
    char *msg;                /* error text, may be NULL */
    char *id;                 /* created or found resource, may be NULL */
    char *status;             /* "ACTIVE", "ERROR", ..., may be NULL */
    json_t *data;             /* details, may be NULL */
};

struct slc_driver;
struct slc_pending;

/* Hands a due result to the kind's core ('r' is freed after it returns). */
typedef void (*slc_result_deliver_fn)(struct slc_driver *drv,
                                      const struct slc_result *r);
/* Runs just before a held result is delivered; may change 'r'. */
typedef void (*slc_result_check_fn)(struct slc_driver *drv, void *ctx,
                                    struct slc_result *r);

/* The core's part of every driver instance; each kind's instance struct
 * embeds it. */
struct slc_driver {
    char *id;                 /* the record the instance serves (_id) */
    char *name;               /* its name, for messages */
    struct event_base *base;  /* the loop that completions run on */
    void *owner;              /* what results are delivered to */
    slc_result_deliver_fn deliver;
    struct slc_pending *pending; /* results not delivered yet */
};

/* Fills 'drv' (copies 'id' and 'name', either may be NULL for "").
 * SLC_ENOMEM on failure, with nothing left to free. */
int slc_driver_init(struct slc_driver *drv, const char *id, const char *name,
                    struct event_base *base, void *owner,
                    slc_result_deliver_fn deliver, struct slc_error *err);
/* Drops the results not delivered yet (their callbacks never run) and
 * frees what slc_driver_init() made.  Safe on a zeroed struct. */
void slc_driver_fini(struct slc_driver *drv);

/* Queues a result for 'token' (copies the strings, takes 'data' even on
 * failure): delivered 'delay' from now, or on this turn of the loop when
 * 'delay' is NULL; never from inside this call.  SLC_ENOMEM when it cannot
 * be queued (then nothing will be delivered). */
int slc_driver_post(struct slc_driver *drv, uint64_t token, int rc,
                    const char *msg, const char *id, const char *status,
                    json_t *data, const struct timeval *delay,
                    struct slc_error *err);

/* Queues a result as slc_driver_post() does, but held: delivered when
 * slc_driver_release() is called or after 'deadline', whichever comes
 * first, with 'check' (may be NULL) run just before.  'ctx' is the
 * driver's state of the result, freed by 'ctx_free' (may be NULL) when the
 * result is delivered or dropped, also when this call fails.  Returns the
 * handle, or NULL with SLC_ENOMEM. */
struct slc_pending *slc_driver_hold(struct slc_driver *drv, uint64_t token,
                                    const char *id, const char *status,
                                    json_t *data,
                                    const struct timeval *deadline,
                                    slc_result_check_fn check, void *ctx,
                                    void (*ctx_free)(void *ctx),
                                    struct slc_error *err);
/* Delivers a held result 'delay' from now (on this turn when NULL)
 * instead of at its deadline. */
void slc_driver_release(struct slc_pending *p, const struct timeval *delay);

#endif

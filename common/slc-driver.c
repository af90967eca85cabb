/* The registry and result queue that VIM and SDN drivers share; the
 * contract is in slc-driver.h. */
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "slc-driver.h"

/* ---- registry ---- */

int
slc_driver_registry_add(struct slc_driver_registry *reg,
                        const struct slc_driver_kind *kind, const char *type,
                        unsigned version, bool complete, const void *class,
                        struct slc_error *err)
{
    if (version != kind->version) {
        return slc_error_set(err, SLC_EUNSUPPORTED,
                             "%s '%s': ABI version %u, expected %u",
                             kind->name, type ? type : "?", version,
                             kind->version);
    }
    if (!type || !complete) {
        return slc_error_set(err, SLC_EUNSUPPORTED,
                             "%s '%s': a mandatory operation is missing",
                             kind->name, type ? type : "?");
    }
    if (slc_driver_registry_find(reg, type)) {
        return slc_error_set(err, SLC_EEXISTS,
                             "%s '%s' is already registered", kind->name,
                             type);
    }
    if (reg->len == SLC_DRIVER_REGISTRY_MAX) {
        return slc_error_set(err, SLC_ETOOBIG, "too many %ss", kind->name);
    }
    reg->entries[reg->len++] =
        (struct slc_driver_entry){.type = type, .class = class};
    return 0;
}

const void *
slc_driver_registry_find(const struct slc_driver_registry *reg,
                         const char *type)
{
    for (size_t i = 0; type && i < reg->len; i++) {
        if (!strcmp(reg->entries[i].type, type)) {
            return reg->entries[i].class;
        }
    }
    return NULL;
}

const void *
slc_driver_registry_lookup(const struct slc_driver_registry *reg,
                           const struct slc_driver_kind *kind,
                           const char *type, struct slc_error *err)
{
    const void *class = slc_driver_registry_find(reg, type);
    char known[256];

    if (!class) {
        slc_driver_registry_names(reg, known, sizeof known);
        slc_error_set(err, SLC_EUNSUPPORTED,
                      "%s '%s' is not supported (known: %s)", kind->type_key,
                      type ? type : "", known);
    }
    return class;
}

void
slc_driver_registry_names(const struct slc_driver_registry *reg, char *buf,
                          size_t size)
{
    size_t len = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < reg->len && len < size; i++) {
        len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "",
                                reg->entries[i].type);
    }
}

/* ---- results ---- */

/* A result waiting in its driver's list for its event. */
struct slc_pending {
    struct slc_driver *drv;
    struct event *ev;
    struct slc_result r;
    slc_result_check_fn check;
    void *ctx;
    void (*ctx_free)(void *ctx);
    struct slc_pending *prev, *next;
};

int
slc_driver_init(struct slc_driver *drv, const char *id, const char *name,
                struct event_base *base, void *owner,
                slc_result_deliver_fn deliver, struct slc_error *err)
{
    *drv = (struct slc_driver){
        .id = strdup(id ? id : ""),
        .name = strdup(name ? name : ""),
        .base = base,
        .owner = owner,
        .deliver = deliver,
    };
    if (!drv->id || !drv->name) {
        slc_driver_fini(drv);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    return 0;
}

static void
pending_unlink(struct slc_pending *p)
{
    if (p->prev) {
        p->prev->next = p->next;
    } else {
        p->drv->pending = p->next;
    }
    if (p->next) {
        p->next->prev = p->prev;
    }
}

static void
pending_free(struct slc_pending *p)
{
    if (p->ev) {
        event_free(p->ev);
    }
    if (p->ctx_free) {
        p->ctx_free(p->ctx);
    }
    free(p->r.msg);
    free(p->r.id);
    free(p->r.status);
    json_decref(p->r.data);
    free(p);
}

void
slc_driver_fini(struct slc_driver *drv)
{
    while (drv->pending) {
        struct slc_pending *p = drv->pending;

        pending_unlink(p);
        pending_free(p);
    }
    free(drv->id);
    free(drv->name);
    drv->id = drv->name = NULL;
}

static void
on_due(evutil_socket_t fd, short what, void *arg)
{
    struct slc_pending *p = arg;
    struct slc_driver *drv = p->drv;

    if (p->check) {
        p->check(drv, p->ctx, &p->r);
    }
    pending_unlink(p);
    drv->deliver(drv, &p->r);
    pending_free(p);
}

/* A linked result with its event (not scheduled yet), or NULL. */
static struct slc_pending *
pending_new(struct slc_driver *drv, uint64_t token, int rc, const char *msg,
            const char *id, const char *status, json_t *data)
{
    struct slc_pending *p = calloc(1, sizeof *p);

    if (!p) {
        json_decref(data);
        return NULL;
    }
    *p = (struct slc_pending){
        .drv = drv,
        .r = {.token = token, .rc = rc, .data = data},
        .next = drv->pending,
    };
    if (drv->pending) {
        drv->pending->prev = p;
    }
    drv->pending = p;
    p->ev = event_new(drv->base, -1, 0, on_due, p);
    if (!p->ev || event_priority_set(p->ev, SLC_PRIO_WORK) || (msg && !(p->r.msg = strdup(msg))) ||
        (id && !(p->r.id = strdup(id))) ||
        (status && !(p->r.status = strdup(status)))) {
        pending_unlink(p);
        pending_free(p);
        return NULL;
    }
    return p;
}

/* Schedules 'p' 'delay' from now, or on this turn of the loop. */
static int
schedule(struct slc_pending *p, const struct timeval *delay)
{
    if (delay) {
        return event_add(p->ev, delay);
    }
    event_active(p->ev, EV_TIMEOUT, 0);
    return 0;
}

int
slc_driver_post(struct slc_driver *drv, uint64_t token, int rc,
                const char *msg, const char *id, const char *status,
                json_t *data, const struct timeval *delay,
                struct slc_error *err)
{
    struct slc_pending *p =
        pending_new(drv, token, rc, msg, id, status, data);

    if (!p || schedule(p, delay)) {
        if (p) {
            pending_unlink(p);
            pending_free(p);
        }
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    return 0;
}

struct slc_pending *
slc_driver_hold(struct slc_driver *drv, uint64_t token, const char *id,
                const char *status, json_t *data,
                const struct timeval *deadline, slc_result_check_fn check,
                void *ctx, void (*ctx_free)(void *ctx),
                struct slc_error *err)
{
    struct slc_pending *p =
        pending_new(drv, token, 0, NULL, id, status, data);

    if (p) {
        p->check = check;
        p->ctx = ctx;
        p->ctx_free = ctx_free;
    } else if (ctx_free) {
        ctx_free(ctx);
    }
    if (!p || schedule(p, deadline)) {
        if (p) {
            pending_unlink(p);
            pending_free(p);
        }
        slc_error_set(err, SLC_ENOMEM, "out of memory");
        return NULL;
    }
    return p;
}

void
slc_driver_release(struct slc_pending *p, const struct timeval *delay)
{
    event_del(p->ev);
    schedule(p, delay);
}

/* A byte stream to an Open vSwitch daemon on the event loop: "unix:PATH"
 * or "tcp:IP:PORT", non-blocking, that reconnects by itself with a
 * doubling back-off when the peer goes away (a switch restart) and says so
 * to its owner.  The protocol on top (OpenFlow in ofconn.c) cuts messages
 * out of what arrives.
 *
 * Neighbours: ofconn.h (the OpenFlow session), ovsdb.c (shares
 * slc_stream_socket). */
#ifndef SLC_STREAM_H
#define SLC_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "slc-error.h"

struct event_base;
struct slc_stream;

struct slc_stream_ops {
    /* The connection is up (first time or again). */
    void (*connected)(void *arg);
    /* Bytes arrived: returns how many it consumed (the rest is offered
     * again with more); slc_stream_drop() from here is allowed. */
    size_t (*input)(void *arg, const uint8_t *data, size_t len);
    /* The connection went away; a reconnect is scheduled. */
    void (*lost)(void *arg, const char *why);
};

struct slc_stream_params {
    struct event_base *base;
    const char *target;
    const struct slc_stream_ops *ops;
    void *arg;
    unsigned backoff_min_ms;  /* 0 = 100 */
    unsigned backoff_max_ms;  /* 0 = 8000 */
};

/* Opens a connected, non-blocking socket to 'target'.  Returns the fd, or
 * an SLC_E* code with 'err' naming the target. */
int slc_stream_socket(const char *target, struct slc_error *err);

/* Starts connecting; a target that does not answer yet is retried, so
 * only a malformed target fails here (SLC_EINVALID). */
int slc_stream_open(const struct slc_stream_params *p,
                    struct slc_stream **out, struct slc_error *err);
/* Closes at once; no callback follows.  Accepts NULL. */
void slc_stream_close(struct slc_stream *s);

bool slc_stream_up(const struct slc_stream *s);
/* Queues bytes for sending.  SLC_EIO when the connection is down. */
int slc_stream_send(struct slc_stream *s, const void *data, size_t len);
/* Drops the connection (a protocol error): 'lost' follows from the loop
 * and a reconnect is scheduled. */
void slc_stream_drop(struct slc_stream *s, const char *why);
/* Why the last connection attempt or connection failed ("" if none). */
const char *slc_stream_error(const struct slc_stream *s);
/* Connections made so far (1 after the first). */
unsigned slc_stream_connects(const struct slc_stream *s);

#endif

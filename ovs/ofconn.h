/* An OpenFlow 1.3 session with one Open vSwitch bridge, on the event
 * loop: over a reconnecting stream (stream.h) to the bridge's management
 * socket ("unix:<rundir>/<bridge>.mgmt") or a passive controller port
 * ("tcp:127.0.0.1:6653").  It does the handshake (HELLO, FEATURES),
 * answers echo requests and probes an idle switch with its own, and runs
 * two kinds of request:
 *
 * - apply: a batch of FLOW_MODs / GROUP_MODs, either atomically in one
 *   ONF bundle (open, add each, barrier; then commit, or discard when the
 *   switch refused an add, and a barrier: all or nothing) or one by one,
 *   followed by a barrier.  The first error the switch returns for any of
 *   them fails the batch with its decoded text;
 * - dump: the flow statistics of the flows under a cookie and mask.
 *
 * Callbacks always run from the loop.  When the connection is lost every
 * pending request fails with SLC_EIO; the session reconnects with back-off
 * and says 'ready' again, so its owner can reinstall what the switch may
 * have lost (a restarted switch has no flows).
 *
 * Neighbours: ofp.h (the messages), sdn-ovs.c (the owner). */
#ifndef SLC_OFCONN_H
#define SLC_OFCONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ofp.h"
#include "slc-error.h"

struct event_base;
struct slc_ofconn;

struct slc_ofconn_ops {
    /* The handshake completed; 'connects' counts connections so far
     * (1 = first). */
    void (*ready)(void *arg, uint64_t dpid, unsigned connects);
    /* The session went down; it reconnects by itself. */
    void (*lost)(void *arg, const char *why);
};

struct slc_ofconn_params {
    struct event_base *base;
    const char *target;
    const struct slc_ofconn_ops *ops;
    void *arg;
    unsigned probe_ms;        /* idle time before an echo; 0 = 5000 */
};

int slc_ofconn_open(const struct slc_ofconn_params *p,
                    struct slc_ofconn **out, struct slc_error *err);
/* Closes at once; pending callbacks are dropped.  Accepts NULL. */
void slc_ofconn_close(struct slc_ofconn *c);
bool slc_ofconn_ready(const struct slc_ofconn *c);
/* Why the session is not ready ("" when it is). */
const char *slc_ofconn_error(const struct slc_ofconn *c);

typedef void (*slc_ofconn_done_fn)(void *arg, int rc, const char *msg);
typedef void (*slc_ofconn_flows_fn)(void *arg, int rc, const char *msg,
                                    const struct slc_ofp_flow_stats *flows,
                                    size_t n);

/* Applies the messages in 'msgs' (complete OpenFlow messages back to back;
 * their xids are replaced).  SLC_EIO when the session is not ready (no
 * callback follows). */
int slc_ofconn_apply(struct slc_ofconn *c, const uint8_t *msgs, size_t len,
                     bool atomic, slc_ofconn_done_fn done, void *arg,
                     struct slc_error *err);
int slc_ofconn_dump_flows(struct slc_ofconn *c, uint64_t cookie,
                          uint64_t mask, slc_ofconn_flows_fn done, void *arg,
                          struct slc_error *err);

#endif

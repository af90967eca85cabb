/* OpenFlow 1.3 sessions (see ofconn.h).
 *
 * Each request owns a range of xids [first, last]; its last message is a
 * barrier (apply) or the multipart request (dump).  Open vSwitch answers
 * in order, so errors for a request arrive before the reply to its last
 * message, which completes it.  Open vSwitch checks a bundled message
 * when it is added (a bad action fails then, and the bundle would commit
 * without it) or at commit (a missing group: the failing message's error,
 * then the commit's ONFBFC_MSG_FAILED): an atomic apply therefore ends
 * its adds with a barrier and commits only when none failed.  The first
 * error is the one reported. */
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofconn.h"
#include "slc-log.h"
#include "stream.h"

SLC_LOG_MODULE(ofconn);

enum req_kind { REQ_APPLY, REQ_DUMP };

struct req {
    enum req_kind kind;
    uint32_t first, last;
    uint32_t first2, last2;   /* an atomic apply's commit (0 = not yet) */
    bool bundle;              /* an atomic apply, before its commit */
    uint32_t bundle_id;
    slc_ofconn_done_fn done;
    slc_ofconn_flows_fn flows_done;
    void *arg;
    char error[300];
    struct slc_ofp_flow_stats *flows;
    size_t n_flows, cap_flows;
    bool bad;                 /* a malformed reply */
    struct req *next;
};

struct slc_ofconn {
    struct event_base *base;
    struct slc_stream *stream;
    const struct slc_ofconn_ops *ops;
    void *arg;
    unsigned probe_ms;
    struct event *probe;
    bool hello, ready, heard, echo_out;
    uint64_t dpid;
    uint32_t next_xid, next_bundle;
    uint32_t features_xid;
    struct req *reqs, **tail;
    struct slc_ofp_buf out;
    char error[300];
};

static void on_connected(void *arg);
static size_t on_input(void *arg, const uint8_t *data, size_t len);
static void on_lost(void *arg, const char *why);
static void on_probe(evutil_socket_t fd, short what, void *arg);

static const struct slc_stream_ops stream_ops = {
    .connected = on_connected,
    .input = on_input,
    .lost = on_lost,
};

int
slc_ofconn_open(const struct slc_ofconn_params *p, struct slc_ofconn **out,
                struct slc_error *err)
{
    struct slc_ofconn *c = calloc(1, sizeof *c);
    struct slc_stream_params sp = {.base = p->base, .target = p->target,
                                   .ops = &stream_ops};
    struct timeval tv;
    int rc;

    *out = NULL;
    if (!c) {
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    c->base = p->base;
    c->ops = p->ops;
    c->arg = p->arg;
    c->probe_ms = p->probe_ms ? p->probe_ms : 5000;
    c->next_xid = 1;
    c->tail = &c->reqs;
    snprintf(c->error, sizeof c->error, "connecting to '%s'", p->target);
    sp.arg = c;
    c->probe = event_new(p->base, -1, EV_PERSIST, on_probe, c);
    rc = c->probe ? slc_stream_open(&sp, &c->stream, err)
                  : slc_error_set(err, SLC_ENOMEM, "out of memory");
    if (rc) {
        slc_ofconn_close(c);
        return rc;
    }
    tv = (struct timeval){c->probe_ms / 1000, (c->probe_ms % 1000) * 1000};
    event_add(c->probe, &tv);
    *out = c;
    return 0;
}

static void
free_req(struct req *r)
{
    free(r->flows);
    free(r);
}

void
slc_ofconn_close(struct slc_ofconn *c)
{
    if (!c) {
        return;
    }
    slc_stream_close(c->stream);
    if (c->probe) {
        event_free(c->probe);
    }
    while (c->reqs) {
        struct req *r = c->reqs;

        c->reqs = r->next;
        free_req(r);
    }
    slc_ofp_buf_free(&c->out);
    free(c);
}

bool
slc_ofconn_ready(const struct slc_ofconn *c)
{
    return c && c->ready;
}

const char *
slc_ofconn_error(const struct slc_ofconn *c)
{
    return c->ready ? "" : c->error;
}

static void
send_out(struct slc_ofconn *c)
{
    if (c->out.oom) {
        slc_stream_drop(c->stream, "out of memory");
    } else if (c->out.len) {
        slc_stream_send(c->stream, c->out.data, c->out.len);
    }
    slc_ofp_buf_clear(&c->out);
}

static void
on_connected(void *arg)
{
    struct slc_ofconn *c = arg;

    c->hello = c->ready = c->echo_out = false;
    snprintf(c->error, sizeof c->error, "OpenFlow handshake in progress");
    slc_ofp_hello(&c->out, c->next_xid++);
    c->features_xid = c->next_xid++;
    slc_ofp_simple(&c->out, SLC_OFPT_FEATURES_REQUEST, c->features_xid);
    send_out(c);
}

/* Completes request 'r', already unlinked. */
static void
finish(struct slc_ofconn *c, struct req *r, int rc, const char *why)
{
    const char *msg = why ? why : r->error[0] ? r->error : NULL;

    if (!rc && (r->error[0] || r->bad)) {
        rc = SLC_EINVALID;
        msg = r->error[0] ? r->error : "malformed flow statistics reply";
    }
    if (r->kind == REQ_APPLY) {
        r->done(r->arg, rc, msg);
    } else {
        r->flows_done(r->arg, rc, msg, rc ? NULL : r->flows,
                      rc ? 0 : r->n_flows);
    }
    free_req(r);
}

static void
on_lost(void *arg, const char *why)
{
    struct slc_ofconn *c = arg;
    struct req *reqs = c->reqs;
    char msg[400];

    c->reqs = NULL;
    c->tail = &c->reqs;
    c->ready = false;
    snprintf(c->error, sizeof c->error, "connection lost: %s", why);
    snprintf(msg, sizeof msg, "OpenFlow %s", c->error);
    while (reqs) {
        struct req *r = reqs;

        reqs = r->next;
        finish(c, r, SLC_EIO, msg);
    }
    if (c->ops->lost) {
        c->ops->lost(c->arg, why);
    }
}

static void
on_probe(evutil_socket_t fd, short what, void *arg)
{
    struct slc_ofconn *c = arg;

    if (!slc_stream_up(c->stream) || c->heard) {
        c->heard = c->echo_out = false;
        return;
    }
    if (c->echo_out) {
        slc_stream_drop(c->stream, "no reply to an echo request");
        return;
    }
    c->echo_out = true;
    slc_ofp_simple(&c->out, SLC_OFPT_ECHO_REQUEST, c->next_xid++);
    send_out(c);
}

static struct req *
find_req(struct slc_ofconn *c, uint32_t xid, struct req ***link)
{
    for (struct req **rp = &c->reqs; *rp; rp = &(*rp)->next) {
        const struct req *r = *rp;

        if (xid - r->first <= r->last - r->first ||
            (r->first2 && xid - r->first2 <= r->last2 - r->first2)) {
            *link = rp;
            return *rp;
        }
    }
    return NULL;
}

static void
unlink_req(struct slc_ofconn *c, struct req **link)
{
    struct req *r = *link;

    *link = r->next;
    if (c->tail == &r->next) {
        c->tail = link;
    }
}

static void
on_error(struct slc_ofconn *c, const uint8_t *msg, size_t len, uint32_t xid)
{
    struct req **link, *r;
    char text[300];

    slc_ofp_error_text(msg, len, text, sizeof text);
    if (!c->ready) {
        slc_stream_drop(c->stream, text);
        return;
    }
    r = find_req(c, xid, &link);
    if (!r) {
        SLC_WARN("OpenFlow error for no request: %s", text);
        return;
    }
    if (!r->error[0]) {
        snprintf(r->error, sizeof r->error, "%s", text);
    }
    if (xid == (r->first2 ? r->last2 : r->last) && !r->bundle) {
        unlink_req(c, link);
        finish(c, r, 0, NULL);
    }
}

static void
on_flow_stats(struct slc_ofconn *c, const uint8_t *msg, size_t len,
              uint32_t xid)
{
    struct req **link, *r = find_req(c, xid, &link);
    struct slc_ofp_flow_stats st;
    size_t pos = 0;
    bool more = false;
    int rc;

    if (!r || r->kind != REQ_DUMP) {
        return;
    }
    while ((rc = slc_ofp_flow_stats_next(msg, len, &pos, &st, &more)) == 1) {
        if (r->n_flows == r->cap_flows) {
            size_t cap = r->cap_flows ? r->cap_flows * 2 : 64;
            struct slc_ofp_flow_stats *p =
                realloc(r->flows, cap * sizeof *p);

            if (!p) {
                r->bad = true;
                break;
            }
            r->flows = p;
            r->cap_flows = cap;
        }
        r->flows[r->n_flows++] = st;
    }
    if (rc < 0) {
        r->bad = true;
    }
    if (!more || rc < 0) {
        unlink_req(c, link);
        finish(c, r, 0, NULL);
    }
}

/* Every message of an atomic apply was added to its bundle (Open vSwitch
 * checks each when it is added, and leaves out one that fails): commit
 * only if none failed, else discard, so that nothing is half-applied. */
static void
commit(struct slc_ofconn *c, struct req *r)
{
    const uint16_t flags = SLC_OFPBF_ATOMIC | SLC_OFPBF_ORDERED;

    r->bundle = false;
    r->first2 = c->next_xid;
    slc_ofp_bundle_control(&c->out, c->next_xid++, r->bundle_id,
                           r->error[0] ? SLC_OFPBCT_DISCARD_REQUEST
                                       : SLC_OFPBCT_COMMIT_REQUEST,
                           flags);
    slc_ofp_simple(&c->out, SLC_OFPT_BARRIER_REQUEST, c->next_xid++);
    r->last2 = c->next_xid - 1;
    send_out(c);
}

static void
handle(struct slc_ofconn *c, const uint8_t *msg, size_t len,
       const struct slc_ofp_header *h)
{
    struct req **link, *r;

    switch (h->type) {
    case SLC_OFPT_HELLO:
        if (!slc_ofp_hello_version(msg, len)) {
            slc_stream_drop(c->stream, "the switch does not speak OpenFlow 1.3");
            return;
        }
        c->hello = true;
        break;
    case SLC_OFPT_ERROR:
        on_error(c, msg, len, h->xid);
        break;
    case SLC_OFPT_ECHO_REQUEST:
        slc_ofp_echo_reply(&c->out, msg, len);
        send_out(c);
        break;
    case SLC_OFPT_ECHO_REPLY:
        c->echo_out = false;
        break;
    case SLC_OFPT_FEATURES_REPLY:
        if (h->xid != c->features_xid || !c->hello ||
            slc_ofp_features_dpid(msg, len, &c->dpid)) {
            slc_stream_drop(c->stream, "bad FEATURES_REPLY");
            return;
        }
        c->ready = true;
        c->error[0] = '\0';
        SLC_INFO("OpenFlow session up, datapath %016llx",
                 (unsigned long long)c->dpid);
        if (c->ops->ready) {
            c->ops->ready(c->arg, c->dpid, slc_stream_connects(c->stream));
        }
        break;
    case SLC_OFPT_BARRIER_REPLY:
        r = find_req(c, h->xid, &link);
        if (r && r->kind == REQ_APPLY && r->bundle && h->xid == r->last) {
            commit(c, r);
        } else if (r && r->kind == REQ_APPLY &&
                   h->xid == (r->first2 ? r->last2 : r->last)) {
            unlink_req(c, link);
            finish(c, r, 0, NULL);
        }
        break;
    case SLC_OFPT_MULTIPART_REPLY:
        on_flow_stats(c, msg, len, h->xid);
        break;
    default:
        /* bundle replies, port status, flow removed: nothing to do;
         * a failed commit comes as an ERROR */
        break;
    }
}

static size_t
on_input(void *arg, const uint8_t *data, size_t len)
{
    struct slc_ofconn *c = arg;
    size_t used = 0;

    c->heard = true;
    while (slc_stream_up(c->stream)) {
        struct slc_ofp_header h;
        int rc = slc_ofp_header(data + used, len - used, &h);

        if (rc == 1) {
            break;
        }
        if (rc < 0 ||
            (h.version != SLC_OFP_VERSION && h.type != SLC_OFPT_HELLO)) {
            slc_stream_drop(c->stream, "malformed OpenFlow message");
            break;
        }
        handle(c, data + used, h.length, &h);
        used += h.length;
    }
    return used;
}

static struct req *
new_req(struct slc_ofconn *c, enum req_kind kind, struct slc_error *err)
{
    struct req *r;

    if (!c->ready) {
        slc_error_set(err, SLC_EIO, "OpenFlow session not ready: %s",
                      c->error);
        return NULL;
    }
    r = calloc(1, sizeof *r);
    if (!r) {
        slc_error_set(err, SLC_ENOMEM, "out of memory");
        return NULL;
    }
    r->kind = kind;
    r->first = c->next_xid;
    return r;
}

static int
submit(struct slc_ofconn *c, struct req *r, struct slc_error *err)
{
    r->last = c->next_xid - 1;
    if (c->out.oom) {
        slc_ofp_buf_clear(&c->out);
        free_req(r);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    *c->tail = r;
    c->tail = &r->next;
    send_out(c);
    return 0;
}

int
slc_ofconn_apply(struct slc_ofconn *c, const uint8_t *msgs, size_t len,
                 bool atomic, slc_ofconn_done_fn done, void *arg,
                 struct slc_error *err)
{
    struct req *r = new_req(c, REQ_APPLY, err);
    uint32_t bundle = c->next_bundle;
    const uint16_t flags = SLC_OFPBF_ATOMIC | SLC_OFPBF_ORDERED;
    size_t pos = 0;

    if (!r) {
        return err->code;
    }
    r->done = done;
    r->arg = arg;
    if (atomic) {
        c->next_bundle++;
        slc_ofp_bundle_control(&c->out, c->next_xid++, bundle,
                               SLC_OFPBCT_OPEN_REQUEST, flags);
    }
    while (pos < len) {
        struct slc_ofp_header h;

        if (slc_ofp_header(msgs + pos, len - pos, &h)) {
            slc_ofp_buf_clear(&c->out);
            free_req(r);
            return slc_error_set(err, SLC_EINVALID,
                                 "apply: malformed message at byte %zu", pos);
        }
        if (atomic) {
            slc_ofp_bundle_add(&c->out, c->next_xid++, bundle, flags,
                               msgs + pos, h.length);
        } else {
            slc_ofp_copy(&c->out, c->next_xid++, msgs + pos, h.length);
        }
        pos += h.length;
    }
    /* an atomic apply commits once this barrier says every add took */
    r->bundle = atomic;
    r->bundle_id = bundle;
    slc_ofp_simple(&c->out, SLC_OFPT_BARRIER_REQUEST, c->next_xid++);
    return submit(c, r, err);
}

int
slc_ofconn_dump_flows(struct slc_ofconn *c, uint64_t cookie, uint64_t mask,
                      slc_ofconn_flows_fn done, void *arg,
                      struct slc_error *err)
{
    struct req *r = new_req(c, REQ_DUMP, err);

    if (!r) {
        return err->code;
    }
    r->flows_done = done;
    r->arg = arg;
    slc_ofp_flow_stats_request(&c->out, c->next_xid++, cookie, mask);
    return submit(c, r, err);
}

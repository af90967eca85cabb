/* Reconnecting byte streams (see stream.h).
 *
 * States: DOWN (a timer waits for the next attempt), UP (reading, and
 * writing what is queued).  Connecting to a unix socket or to a loopback
 * TCP port completes or fails at once, so the attempt itself is a plain
 * connect() from the timer.  Every callback to the owner runs from the
 * loop, never from inside a call of the owner. */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "slc-log.h"
#include "stream.h"

SLC_LOG_MODULE(stream);

#define MAX_INPUT (64u << 20)

struct slc_stream {
    struct event_base *base;
    char *target;
    const struct slc_stream_ops *ops;
    void *arg;
    unsigned backoff_min, backoff_max, backoff;
    int fd;
    struct event *rd, *wr, *timer, *lost_ev;
    uint8_t *in, *out;
    size_t in_len, in_cap, out_len, out_cap;
    unsigned connects;
    char error[200];
    bool lost_pending;
};

int
slc_stream_socket(const char *target, struct slc_error *err)
{
    struct sockaddr_storage ss = {0};
    socklen_t sl;
    int fd;

    if (!strncmp(target, "unix:", 5)) {
        struct sockaddr_un *sa = (struct sockaddr_un *)&ss;

        if (strlen(target + 5) >= sizeof sa->sun_path || !target[5]) {
            return slc_error_set(err, SLC_EINVALID,
                                 "target '%s': bad socket path", target);
        }
        sa->sun_family = AF_UNIX;
        strcpy(sa->sun_path, target + 5);
        sl = sizeof *sa;
    } else if (!strncmp(target, "tcp:", 4)) {
        struct sockaddr_in *sa = (struct sockaddr_in *)&ss;
        char host[64];
        unsigned port;
        char extra;

        if (sscanf(target + 4, "%63[^:]:%u%c", host, &port, &extra) != 2 ||
            port == 0 || port > 65535 ||
            inet_pton(AF_INET, host, &sa->sin_addr) != 1) {
            return slc_error_set(err, SLC_EINVALID,
                                 "target '%s': expected tcp:IP:PORT", target);
        }
        sa->sin_family = AF_INET;
        sa->sin_port = htons((uint16_t)port);
        sl = sizeof *sa;
    } else {
        return slc_error_set(err, SLC_EINVALID,
                             "target '%s': expected unix:PATH or tcp:IP:PORT",
                             target);
    }
    fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return slc_error_set(err, SLC_EIO, "'%s': socket: %s", target,
                             strerror(errno));
    }
    if (connect(fd, (struct sockaddr *)&ss, sl)) {
        int e = errno;

        close(fd);
        return slc_error_set(err, SLC_EIO, "'%s': %s", target, strerror(e));
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

static void on_timer(evutil_socket_t fd, short what, void *arg);
static void on_read(evutil_socket_t fd, short what, void *arg);
static void on_write(evutil_socket_t fd, short what, void *arg);
static void on_lost(evutil_socket_t fd, short what, void *arg);

static void
schedule(struct slc_stream *s, unsigned ms)
{
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};

    evtimer_add(s->timer, &tv);
}

int
slc_stream_open(const struct slc_stream_params *p, struct slc_stream **out,
                struct slc_error *err)
{
    struct slc_stream *s;
    struct slc_error e = {0};
    int fd = slc_stream_socket(p->target, &e);

    *out = NULL;
    if (fd == SLC_EINVALID) {
        return slc_error_set(err, e.code, "%s", e.msg);
    }
    if (fd >= 0) {
        close(fd); /* the real attempt runs from the loop */
    }
    s = calloc(1, sizeof *s);
    if (!s || !(s->target = strdup(p->target))) {
        free(s);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    s->base = p->base;
    s->ops = p->ops;
    s->arg = p->arg;
    s->fd = -1;
    s->backoff_min = p->backoff_min_ms ? p->backoff_min_ms : 100;
    s->backoff_max = p->backoff_max_ms ? p->backoff_max_ms : 8000;
    s->backoff = s->backoff_min;
    s->timer = evtimer_new(s->base, on_timer, s);
    s->lost_ev = event_new(s->base, -1, 0, on_lost, s);
    if (!s->timer || !s->lost_ev) {
        slc_stream_close(s);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    schedule(s, 0);
    *out = s;
    return 0;
}

static void
disconnect(struct slc_stream *s)
{
    if (s->rd) {
        event_free(s->rd);
        event_free(s->wr);
        s->rd = s->wr = NULL;
    }
    if (s->fd >= 0) {
        close(s->fd);
        s->fd = -1;
    }
    s->in_len = s->out_len = 0;
}

void
slc_stream_close(struct slc_stream *s)
{
    if (!s) {
        return;
    }
    disconnect(s);
    if (s->timer) {
        event_free(s->timer);
    }
    if (s->lost_ev) {
        event_free(s->lost_ev);
    }
    free(s->in);
    free(s->out);
    free(s->target);
    free(s);
}

bool
slc_stream_up(const struct slc_stream *s)
{
    return s && s->fd >= 0;
}

const char *
slc_stream_error(const struct slc_stream *s)
{
    return s->error;
}

unsigned
slc_stream_connects(const struct slc_stream *s)
{
    return s->connects;
}

void
slc_stream_drop(struct slc_stream *s, const char *why)
{
    if (s->fd < 0) {
        return;
    }
    snprintf(s->error, sizeof s->error, "'%s': %s", s->target, why);
    SLC_WARN("connection %s, reconnecting", s->error);
    disconnect(s);
    s->lost_pending = true;
    event_active(s->lost_ev, 0, 0);
    schedule(s, s->backoff);
}

static void
on_lost(evutil_socket_t fd, short what, void *arg)
{
    struct slc_stream *s = arg;

    if (s->lost_pending) {
        s->lost_pending = false;
        if (s->ops->lost) {
            s->ops->lost(s->arg, s->error);
        }
    }
}

static void
on_timer(evutil_socket_t fd, short what, void *arg)
{
    struct slc_stream *s = arg;
    struct slc_error e = {0};
    int sock = slc_stream_socket(s->target, &e);

    if (sock < 0) {
        snprintf(s->error, sizeof s->error, "%s", e.msg);
        schedule(s, s->backoff);
        s->backoff = s->backoff * 2 > s->backoff_max ? s->backoff_max
                                                     : s->backoff * 2;
        return;
    }
    s->rd = event_new(s->base, sock, EV_READ | EV_PERSIST, on_read, s);
    s->wr = event_new(s->base, sock, EV_WRITE, on_write, s);
    if (!s->rd || !s->wr) {
        if (s->rd) {
            event_free(s->rd);
        }
        if (s->wr) {
            event_free(s->wr);
        }
        s->rd = s->wr = NULL;
        close(sock);
        schedule(s, s->backoff);
        return;
    }
    s->fd = sock;
    s->connects++;
    s->backoff = s->backoff_min;
    s->error[0] = '\0';
    event_add(s->rd, NULL);
    if (s->ops->connected) {
        s->ops->connected(s->arg);
    }
}

static void
flush(struct slc_stream *s)
{
    size_t done = 0;

    while (done < s->out_len) {
        ssize_t n = send(s->fd, s->out + done, s->out_len - done,
                         MSG_NOSIGNAL);

        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) {
                break;
            }
            slc_stream_drop(s, strerror(errno));
            return;
        }
        done += (size_t)n;
    }
    memmove(s->out, s->out + done, s->out_len - done);
    s->out_len -= done;
    if (s->out_len) {
        event_add(s->wr, NULL);
    }
}

static void
on_write(evutil_socket_t fd, short what, void *arg)
{
    flush(arg);
}

static bool
grow(uint8_t **buf, size_t *cap, size_t need)
{
    size_t c = *cap ? *cap : 16384;
    uint8_t *p;

    if (need <= *cap) {
        return true;
    }
    while (c < need) {
        c *= 2;
    }
    if (c > MAX_INPUT || !(p = realloc(*buf, c))) {
        return false;
    }
    *buf = p;
    *cap = c;
    return true;
}

int
slc_stream_send(struct slc_stream *s, const void *data, size_t len)
{
    if (s->fd < 0) {
        return SLC_EIO;
    }
    if (!grow(&s->out, &s->out_cap, s->out_len + len)) {
        slc_stream_drop(s, "output queue too long");
        return SLC_EIO;
    }
    memcpy(s->out + s->out_len, data, len);
    s->out_len += len;
    if (s->out_len == len) {
        flush(s);
    }
    return s->fd >= 0 ? 0 : SLC_EIO;
}

static void
on_read(evutil_socket_t fd, short what, void *arg)
{
    struct slc_stream *s = arg;

    for (;;) {
        ssize_t n;
        size_t used;

        if (!grow(&s->in, &s->in_cap, s->in_len + 4096)) {
            slc_stream_drop(s, "message too long");
            return;
        }
        n = recv(s->fd, s->in + s->in_len, s->in_cap - s->in_len, 0);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
            slc_stream_drop(s, n ? strerror(errno) : "connection closed");
            return;
        }
        if (n < 0) {
            return;
        }
        s->in_len += (size_t)n;
        used = s->ops->input(s->arg, s->in, s->in_len);
        if (s->fd < 0) {
            return; /* dropped by the owner */
        }
        memmove(s->in, s->in + used, s->in_len - used);
        s->in_len -= used;
    }
}

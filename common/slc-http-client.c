/* Outbound HTTP: libcurl multi on the libevent loop.
 *
 * curl says which sockets it wants watched (on_socket) and when it next
 * needs a call (on_timer); both become libevent events whose callbacks
 * hand control back to curl_multi_socket_action and then collect the
 * finished transfers.  Nothing here blocks. */
#include "slc-http-client.h"

#include <curl/curl.h>
#include <event2/event.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "slc-log.h"

SLC_LOG_MODULE(http_client);

struct request {
    struct slc_http_client *client;
    CURL *easy;
    struct curl_slist *headers;
    char *body;               /* the reply, growing */
    size_t len, cap;
    bool too_big;
    slc_http_done_fn done;
    bool (*on_line)(void *arg, const char *line, size_t len);
    void *arg;
    char errbuf[CURL_ERROR_SIZE];
    struct request *next, **prevp;
};

struct slc_http_client {
    struct event_base *base;
    CURLM *multi;
    struct event *timer;
    long default_timeout_ms;
    size_t max_reply;
    struct request *requests;
    size_t pending;
};

/* Takes 'r' off the client's list (when it is on it). */
static void
unlink_request(struct request *r)
{
    if (r->prevp) {
        *r->prevp = r->next;
        if (r->next) {
            r->next->prevp = r->prevp;
        }
        r->prevp = NULL;
        r->client->pending--;
    }
}

static void
request_free(struct request *r)
{
    unlink_request(r);
    if (r->easy) {
        curl_multi_remove_handle(r->client->multi, r->easy);
        curl_easy_cleanup(r->easy);
    }
    curl_slist_free_all(r->headers);
    free(r->body);
    free(r);
}

/* Hands every finished transfer to its callback. */
static void
collect(struct slc_http_client *c)
{
    CURLMsg *msg;
    int left;

    while ((msg = curl_multi_info_read(c->multi, &left))) {
        struct request *r = NULL;
        struct slc_http_reply reply = {.body = ""};
        char error[CURL_ERROR_SIZE + 64];

        if (msg->msg != CURLMSG_DONE) {
            continue;
        }
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
        curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &reply.status);
        if (r->too_big) {
            snprintf(error, sizeof error, "reply larger than %zu bytes",
                     c->max_reply);
            reply.error = error;
        } else if (msg->data.result != CURLE_OK) {
            long os_errno = 0;

            /* curl's words, and the system's when it has some ("Failed
             * to connect ...: Connection refused") */
            curl_easy_getinfo(r->easy, CURLINFO_OS_ERRNO, &os_errno);
            snprintf(error, sizeof error, "%s",
                     r->errbuf[0] ? r->errbuf
                                  : curl_easy_strerror(msg->data.result));
            if (os_errno && !strstr(error, strerror((int)os_errno))) {
                snprintf(error + strlen(error), sizeof error - strlen(error),
                         ": %s", strerror((int)os_errno));
            }
            reply.error = error;
        }
        reply.handle = r->easy;
        if (r->body) {
            reply.body = r->body;
            reply.body_size = r->len;
        }
        /* Unlinked before the callback, which may start new requests. */
        unlink_request(r);
        r->done(r->arg, &reply);
        request_free(r);
    }
}

static void
on_event(evutil_socket_t fd, short what, void *arg)
{
    struct slc_http_client *c = arg;
    int action = (what & EV_READ ? CURL_CSELECT_IN : 0) |
                 (what & EV_WRITE ? CURL_CSELECT_OUT : 0);
    int running;

    curl_multi_socket_action(c->multi, fd, action, &running);
    collect(c);
}

static void
on_timeout(evutil_socket_t fd, short what, void *arg)
{
    struct slc_http_client *c = arg;
    int running;

    curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    collect(c);
}

/* curl: watch socket 's' for 'what' (or stop watching it). */
static int
on_socket(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
    struct slc_http_client *c = userp;
    struct event *ev = socketp;
    short flags = EV_PERSIST | (what & CURL_POLL_IN ? EV_READ : 0) |
                  (what & CURL_POLL_OUT ? EV_WRITE : 0);

    if (what == CURL_POLL_REMOVE) {
        if (ev) {
            event_free(ev);
            curl_multi_assign(c->multi, s, NULL);
        }
        return 0;
    }
    if (ev) {
        event_del(ev);
        event_assign(ev, c->base, s, flags, on_event, c);
    } else {
        ev = event_new(c->base, s, flags, on_event, c);
        if (!ev) {
            return -1;
        }
        curl_multi_assign(c->multi, s, ev);
    }
    return event_add(ev, NULL) ? -1 : 0;
}

/* curl: call me back in 'ms' milliseconds (-1: never mind). */
static int
on_timer(CURLM *multi, long ms, void *userp)
{
    struct slc_http_client *c = userp;

    if (ms < 0) {
        evtimer_del(c->timer);
        return 0;
    }
    {
        struct timeval tv = {.tv_sec = ms / 1000,
                             .tv_usec = (ms % 1000) * 1000};

        return evtimer_add(c->timer, &tv) ? -1 : 0;
    }
}

static size_t
on_data(char *data, size_t size, size_t n, void *arg)
{
    struct request *r = arg;
    size_t len = size * n;

    if (r->len + len > r->client->max_reply) {
        r->too_big = true;
        return 0; /* aborts the transfer */
    }
    if (r->len + len + 1 > r->cap) {
        size_t cap = r->cap ? r->cap : 4096;
        char *b;

        while (cap < r->len + len + 1) {
            cap *= 2;
        }
        if (!(b = realloc(r->body, cap))) {
            return 0;
        }
        r->body = b;
        r->cap = cap;
    }
    memcpy(r->body + r->len, data, len);
    r->len += len;
    r->body[r->len] = '\0';
    if (r->on_line) {
        char *start = r->body, *nl;

        while ((nl = memchr(start, '\n', r->len - (size_t)(start - r->body)))) {
            *nl = '\0';
            if (!r->on_line(r->arg, start, (size_t)(nl - start))) {
                return 0; /* curl ends the transfer: a write error */
            }
            start = nl + 1;
        }
        r->len -= (size_t)(start - r->body);
        memmove(r->body, start, r->len + 1);
    }
    return len;
}

int
slc_http_client_new(struct event_base *base, long default_timeout_ms,
                    size_t max_reply, struct slc_http_client **out,
                    struct slc_error *err)
{
    struct slc_http_client *c = calloc(1, sizeof *c);

    *out = NULL;
    if (!c || !(c->multi = curl_multi_init()) ||
        !(c->timer = evtimer_new(base, on_timeout, c))) {
        slc_http_client_free(c);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    c->base = base;
    c->default_timeout_ms = default_timeout_ms > 0 ? default_timeout_ms
                                                   : 30000;
    c->max_reply = max_reply ? max_reply : 16u << 20;
    curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
    curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
    *out = c;
    return 0;
}

void
slc_http_client_free(struct slc_http_client *c)
{
    if (!c) {
        return;
    }
    while (c->requests) {
        request_free(c->requests);
    }
    if (c->multi) {
        curl_multi_cleanup(c->multi);
    }
    if (c->timer) {
        event_free(c->timer);
    }
    free(c);
}

int
slc_http_client_start(struct slc_http_client *c,
                      const struct slc_http_call *call,
                      slc_http_done_fn done, void *arg,
                      struct slc_error *err)
{
    struct request *r;
    bool ok = true;

    if (!call->method || !call->url || !done) {
        return slc_error_set(err, SLC_EINVALID,
                             "an HTTP request needs a method, a URL and a "
                             "callback");
    }
    if (strncmp(call->url, "http://", 7) && strncmp(call->url, "https://", 8)) {
        return slc_error_set(err, SLC_EINVALID,
                             "URL '%s' is not http:// or https://",
                             call->url);
    }
    if (!(r = calloc(1, sizeof *r)) || !(r->easy = curl_easy_init())) {
        free(r);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    r->client = c;
    r->done = done;
    r->on_line = call->on_line;
    r->arg = arg;
    for (size_t i = 0; call->headers && call->headers[i] && ok; i++) {
        struct curl_slist *h = curl_slist_append(r->headers, call->headers[i]);

        ok = h != NULL;
        r->headers = h ? h : r->headers;
    }
    curl_easy_setopt(r->easy, CURLOPT_URL, call->url);
    curl_easy_setopt(r->easy, CURLOPT_CUSTOMREQUEST, call->method);
    curl_easy_setopt(r->easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(r->easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(r->easy, CURLOPT_TIMEOUT_MS,
                     call->timeout_ms > 0 ? call->timeout_ms
                                          : c->default_timeout_ms);
    curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, r->headers);
    curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(r->easy, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(r->easy, CURLOPT_ERRORBUFFER, r->errbuf);
    curl_easy_setopt(r->easy, CURLOPT_PRIVATE, (char *)r);
    if (call->insecure) {
        curl_easy_setopt(r->easy, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(r->easy, CURLOPT_SSL_VERIFYHOST, 0L);
    } else if (call->ca_file) {
        curl_easy_setopt(r->easy, CURLOPT_CAINFO, call->ca_file);
    }
    if (call->body) {
        curl_easy_setopt(r->easy, CURLOPT_POSTFIELDSIZE_LARGE,
                         (curl_off_t)call->body_size);
        curl_easy_setopt(r->easy, CURLOPT_COPYPOSTFIELDS, call->body);
    } else if (!strcmp(call->method, "HEAD")) {
        curl_easy_setopt(r->easy, CURLOPT_NOBODY, 1L);
    }
    if (!ok || curl_multi_add_handle(c->multi, r->easy) != CURLM_OK) {
        request_free(r);
        return slc_error_set(err, SLC_ENOMEM,
                             "cannot start %s %s: out of memory",
                             call->method, call->url);
    }
    r->next = c->requests;
    if (r->next) {
        r->next->prevp = &r->next;
    }
    r->prevp = &c->requests;
    c->requests = r;
    c->pending++;
    SLC_DEBUG("%s %s started", call->method, call->url);
    return 0;
}

const char *
slc_http_reply_header(const struct slc_http_reply *r, const char *name)
{
    struct curl_header *h = NULL;

    if (!r->handle ||
        curl_easy_header(r->handle, name, 0, CURLH_HEADER, -1, &h) !=
            CURLHE_OK) {
        return NULL;
    }
    return h->value;
}

char *
slc_http_escape(const char *s)
{
    /* curl's escaping, copied so that the caller frees it with free() */
    char *e = curl_easy_escape(NULL, s, 0);
    char *out = e ? strdup(e) : NULL;

    curl_free(e);
    return out;
}

int
slc_http_status_code(long status)
{
    switch (status) {
    case 400:
        return SLC_EINVALID;
    case 401:
    case 403:
        return SLC_EDENIED;
    case 404:
        return SLC_ENOTFOUND;
    case 408:
        return SLC_ETIMEOUT;
    case 409:
        return SLC_ECONFLICT;
    case 413:
    case 429:
        return SLC_EBUSY;
    default:
        return status >= 200 && status < 300 ? 0 : SLC_EIO;
    }
}

size_t
slc_http_client_pending(const struct slc_http_client *c)
{
    return c->pending;
}

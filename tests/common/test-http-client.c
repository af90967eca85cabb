/* Unit tests of the outbound HTTP client (libcurl multi on libevent)
 * against slicerd's own HTTP server (slicer/api) on the same loop, on
 * loopback: replies, bodies both ways, many requests at once, errors
 * (refused, timeout, reply too big), and results that never arrive inside
 * the call that started them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <curl/curl.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "slc-http-client.h"
#include "http-server.h"

struct fixture {
    struct event_base *base;
    struct slc_http_server *srv;
    struct slc_http_client *client;
    char url[64];
};

/* The peer: echoes the method and body; "/big" is 64 KiB; "/lines" is
 * three lines of text; "/missing" is a 404. */
static void
serve(void *ctx, const struct slc_http_request *req,
      struct slc_http_response *resp)
{
    if (!strcmp(req->path, "/missing")) {
        slc_http_error(resp, 404, "no such thing");
    } else if (!strcmp(req->path, "/lines")) {
        resp->raw = strdup("one\ntwo\nthree\n");
        resp->raw_size = strlen(resp->raw);
        resp->raw_type = "text/plain";
    } else if (!strcmp(req->path, "/big")) {
        resp->raw = malloc(65536);
        memset(resp->raw, 'x', 65536);
        resp->raw_size = 65536;
        resp->raw_type = "text/plain";
    } else {
        resp->body = json_pack("{ss ss* ss}", "method", req->method, "body",
                               req->body, "path", req->path);
    }
    resp->force_json = true;
}

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct slc_error err;
    struct slc_http_server_params p = {
        .address = "127.0.0.1",
        .body_limit = 1 << 20,
        .handler = serve,
    };

    f->base = event_base_new();
    p.base = f->base;
    assert_int_equal(slc_http_server_start(&p, &f->srv, &err), 0);
    snprintf(f->url, sizeof f->url, "http://127.0.0.1:%u",
             slc_http_server_port(f->srv));
    assert_int_equal(slc_http_client_new(f->base, 5000, 32768, &f->client,
                                         &err),
                     0);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    slc_http_client_free(f->client);
    slc_http_server_stop(f->srv);
    event_base_free(f->base);
    free(f);
    return 0;
}

struct outcome {
    int calls;
    long status;
    char body[256];
    char error[256];
    struct event_base *base;
    int *left;                /* stop the loop when it reaches 0 */
};

static void
on_done(void *arg, const struct slc_http_reply *r)
{
    struct outcome *o = arg;

    o->calls++;
    o->status = r->status;
    snprintf(o->body, sizeof o->body, "%s", r->body);
    snprintf(o->error, sizeof o->error, "%s", r->error ? r->error : "");
    if (o->left && --*o->left == 0) {
        event_base_loopbreak(o->base);
    }
}

/* Runs the loop until every outcome is in (or 10 s). */
static void
run(struct fixture *f)
{
    struct timeval limit = {10, 0};

    event_base_loopexit(f->base, &limit);
    event_base_dispatch(f->base);
}

static void
start(struct fixture *f, const char *method, const char *path,
      const char *body, long timeout_ms, struct outcome *o)
{
    char url[128];
    const char *headers[] = {"Content-Type: application/json", NULL};
    struct slc_http_call call = {
        .method = method,
        .url = url,
        .headers = headers,
        .body = body,
        .body_size = body ? strlen(body) : 0,
        .timeout_ms = timeout_ms,
    };
    struct slc_error err;

    snprintf(url, sizeof url, "%s%s", path[0] == '/' ? f->url : "", path);
    o->base = f->base;
    assert_int_equal(slc_http_client_start(f->client, &call, on_done, o,
                                           &err),
                     0);
}

static void
test_get_and_post(void **state)
{
    struct fixture *f = *state;
    int left = 2;
    struct outcome get = {.left = &left}, post = {.left = &left};

    start(f, "GET", "/hello", NULL, 0, &get);
    start(f, "POST", "/things", "{\"a\":1}", 0, &post);
    /* nothing comes back from inside the calls */
    assert_int_equal(get.calls + post.calls, 0);
    assert_int_equal(slc_http_client_pending(f->client), 2);
    run(f);
    assert_int_equal(get.calls, 1);
    assert_int_equal(get.status, 200);
    assert_non_null(strstr(get.body, "\"method\":\"GET\""));
    assert_non_null(strstr(get.body, "\"path\":\"/hello\""));
    assert_string_equal(get.error, "");
    assert_int_equal(post.status, 200);
    assert_non_null(strstr(post.body, "\"body\":\"{\\\"a\\\":1}\""));
    assert_int_equal(slc_http_client_pending(f->client), 0);
}

static void
test_http_error_is_a_status(void **state)
{
    struct fixture *f = *state;
    int left = 1;
    struct outcome o = {.left = &left};

    start(f, "DELETE", "/missing", NULL, 0, &o);
    run(f);
    assert_int_equal(o.status, 404);
    assert_string_equal(o.error, "");
    assert_non_null(strstr(o.body, "no such thing"));
}

static void
test_many_at_once(void **state)
{
    struct fixture *f = *state;
    enum { N = 64 };
    struct outcome *o = calloc(N, sizeof *o);
    int left = N;
    char path[32];

    for (int i = 0; i < N; i++) {
        o[i].left = &left;
        snprintf(path, sizeof path, "/n/%d", i);
        start(f, "GET", path, NULL, 0, &o[i]);
    }
    run(f);
    for (int i = 0; i < N; i++) {
        snprintf(path, sizeof path, "\"path\":\"/n/%d\"", i);
        assert_int_equal(o[i].calls, 1);
        assert_int_equal(o[i].status, 200);
        assert_non_null(strstr(o[i].body, path));
    }
    free(o);
}

static void
test_transport_errors(void **state)
{
    struct fixture *f = *state;
    struct sockaddr_in sa = {.sin_family = AF_INET,
                             .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof sa;
    int silent = socket(AF_INET, SOCK_STREAM, 0), closed;
    int left = 3;
    struct outcome refused = {.left = &left}, slow = {.left = &left},
                   big = {.left = &left};
    char url[64];
    struct slc_http_call bad = {.method = "GET", .url = "ftp://x/"};
    struct slc_error err;

    /* a port that listens but never answers, and one that is closed */
    assert_int_equal(bind(silent, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(silent, 4), 0);
    assert_int_equal(getsockname(silent, (struct sockaddr *)&sa, &len), 0);
    snprintf(url, sizeof url, "http://127.0.0.1:%u/",
             (unsigned)ntohs(sa.sin_port));
    start(f, "GET", url, NULL, 300, &slow);
    closed = socket(AF_INET, SOCK_STREAM, 0);
    sa.sin_port = 0;
    assert_int_equal(bind(closed, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(getsockname(closed, (struct sockaddr *)&sa, &len), 0);
    close(closed); /* bound once, nobody listens there now */
    snprintf(url, sizeof url, "http://127.0.0.1:%u/",
             (unsigned)ntohs(sa.sin_port));
    start(f, "GET", url, NULL, 0, &refused);
    start(f, "GET", "/big", NULL, 0, &big); /* 64 KiB > the 32 KiB limit */
    run(f);
    close(silent);
    assert_int_equal(refused.calls, 1);
    assert_int_equal(refused.status, 0);
    assert_true(strlen(refused.error) > 0);
    assert_int_equal(slow.status, 0);
    assert_non_null(strstr(slow.error, "imed out"));
    assert_non_null(strstr(big.error, "reply larger than 32768 bytes"));
    assert_int_equal(slc_http_client_start(f->client, &bad, on_done, NULL,
                                           &err),
                     SLC_EINVALID);
    assert_non_null(strstr(err.msg, "ftp://x/"));
}

/* Freeing the client with requests in flight calls nobody back. */
static void
test_free_abandons(void **state)
{
    struct fixture *f = *state;
    struct outcome o = {0};

    start(f, "GET", "/later", NULL, 0, &o);
    slc_http_client_free(f->client);
    f->client = NULL;
    event_base_loop(f->base, EVLOOP_NONBLOCK);
    assert_int_equal(o.calls, 0);
}

/* A call whose reply is read line by line: the lines seen, and the line
 * at which the reader stops the transfer.  The outcome comes first: the
 * call's one arg serves both callbacks. */
struct lines {
    struct outcome o;
    char seen[64];
    const char *stop_at;
};

static bool
on_line(void *arg, const char *line, size_t len)
{
    struct lines *l = arg;
    size_t used = strlen(l->seen);

    snprintf(l->seen + used, sizeof l->seen - used, "%.*s,", (int)len,
             line);
    return !l->stop_at || strcmp(line, l->stop_at);
}

/* A reply read line by line; a reader that returns false ends the
 * transfer there, and the call ends with an error. */
static void
test_lines_and_stopping_them(void **state)
{
    struct fixture *f = *state;
    struct lines l[2] = {{.stop_at = NULL}, {.stop_at = "two"}};
    int left = 2;
    char url[128];
    struct slc_error err;

    snprintf(url, sizeof url, "%s/lines", f->url);
    for (int i = 0; i < 2; i++) {
        struct slc_http_call call = {
            .method = "GET",
            .url = url,
            .timeout_ms = 5000,
            .on_line = on_line,
        };

        l[i].o.base = f->base;
        l[i].o.left = &left;
        assert_int_equal(slc_http_client_start(f->client, &call, on_done,
                                               &l[i], &err),
                         0);
    }
    run(f);
    assert_int_equal(l[0].o.calls, 1);
    assert_int_equal(l[0].o.status, 200);
    assert_string_equal(l[0].o.error, "");
    assert_string_equal(l[0].seen, "one,two,three,");
    assert_int_equal(l[1].o.calls, 1);
    assert_string_equal(l[1].seen, "one,two,");
    assert_true(l[1].o.error[0] != '\0');
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_get_and_post, setup, teardown),
        cmocka_unit_test_setup_teardown(test_http_error_is_a_status, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_many_at_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transport_errors, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_free_abandons, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lines_and_stopping_them, setup,
                                        teardown),
    };
    int rc;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    rc = cmocka_run_group_tests_name("http-client", tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}

/* bench-edge: normal GETs against slow clients at slicerd's HTTP edge.
 *
 * Starts a slicerd of its own (bench-util.h) with its default edge limits
 * (connections in all and per client address, idle and request timeouts),
 * then measures the latency of normal GETs, each on a new connection from
 * 127.0.0.1, one after another:
 *   - before: for a few seconds, nothing else going on;
 *   - during: while a child process holds S slow connections (default
 *     2,000) from A other loopback addresses (127.0.0.2 and up, default
 *     4), each a partial request that gains a header line a second
 *     (slowloris), for D seconds (default 10).  The child stops by itself.
 * Prints p50 and p99 of each round, GETs that failed or took over 5 s
 * (counted as 5 s), and how many slow connections slicerd kept: refused
 * ones are closed at once, kept ones wait for the request timeout.
 * Loopback only.  Figures only: nothing here passes or fails.
 * usage: bench-edge SLICERD [slow connections] [addresses] [seconds] */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench-util.h"

#define GET_TIMEOUT_MS 5000L
#define MAX_SLOW 20000u
#define MAX_ADDRESSES 250u
#define MAX_SECONDS 120u

static const char partial[] =
    "GET /osm/admin/v1/users HTTP/1.1\r\nHost: 127.0.0.1\r\n";

/* One GET on a new connection; its latency in ms (the timeout when it
 * failed), and whether it answered 200. */
static double
get_once(const struct bench_daemon *d, CURL *h, struct curl_slist *hd,
         int *ok)
{
    char url[512];
    long status = 0;
    curl_off_t t = 0;

    snprintf(url, sizeof url, "%s/admin/v1/users", d->base);
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, bench_on_data);
    curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);
    curl_easy_setopt(h, CURLOPT_FORBID_REUSE, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, GET_TIMEOUT_MS);
    *ok = 0;
    if (curl_easy_perform(h) == CURLE_OK) {
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        curl_easy_getinfo(h, CURLINFO_TOTAL_TIME_T, &t);
        *ok = status == 200;
    }
    return *ok ? (double)t / 1000.0 : (double)GET_TIMEOUT_MS;
}

/* GETs one after another for 'seconds'; prints the round's figures. */
static void
get_round(const struct bench_daemon *d, const char *name, double seconds)
{
    CURL *h = curl_easy_init();
    struct curl_slist *hd = NULL;
    struct bench_buf sink = {0};
    size_t n = 0, cap = 1024, failed = 0;
    double *lat = malloc(cap * sizeof *lat);
    double end = bench_now() + seconds;

    hd = curl_slist_append(hd, "Accept: application/json");
    hd = curl_slist_append(hd, d->auth);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &sink);
    while (lat && bench_now() < end) {
        int ok;

        if (n == cap) {
            double *nl = realloc(lat, 2 * cap * sizeof *lat);

            if (!nl) {
                break;
            }
            lat = nl;
            cap *= 2;
        }
        lat[n++] = get_once(d, h, hd, &ok);
        failed += !ok;
        free(sink.data);
        sink = (struct bench_buf){0};
    }
    if (n) {
        printf("%-7s %5zu GETs (new connection each): p50 %7.2f ms, "
               "p99 %7.2f ms, %zu failed or over %ld ms\n",
               name, n, bench_pct(lat, n, 0.5), bench_pct(lat, n, 0.99),
               failed, GET_TIMEOUT_MS);
    }
    free(lat);
    curl_slist_free_all(hd);
    curl_easy_cleanup(h);
}

/* A partial request on a new connection from 'addr'; -1 if refused. */
static int
slow_open(const char *addr, unsigned port)
{
    struct sockaddr_in src = {.sin_family = AF_INET};
    struct sockaddr_in dst = {.sin_family = AF_INET,
                              .sin_port = htons((uint16_t)port)};
    struct pollfd pfd = {.events = POLLOUT};
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    bool ok;

    if (fd < 0) {
        return -1;
    }
    inet_pton(AF_INET, addr, &src.sin_addr);
    inet_pton(AF_INET, "127.0.0.1", &dst.sin_addr);
    pfd.fd = fd;
    ok = !bind(fd, (struct sockaddr *)&src, sizeof src) &&
         (!connect(fd, (struct sockaddr *)&dst, sizeof dst) ||
          errno == EINPROGRESS) &&
         poll(&pfd, 1, 2000) == 1 &&
         send(fd, partial, sizeof partial - 1, MSG_NOSIGNAL) > 0;
    if (!ok) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Closes and forgets the slow connections the server has closed or
 * answered (a partial request is only ever answered with a refusal, 503
 * or 408, and the close that follows it); returns how many are still
 * open. */
static unsigned
slow_reap(int *fds, unsigned n)
{
    unsigned open = 0;

    for (unsigned i = 0; i < n; i++) {
        char buf[256];
        ssize_t got;

        if (fds[i] < 0) {
            continue;
        }
        got = recv(fds[i], buf, sizeof buf, MSG_DONTWAIT);
        if (got >= 0 || errno != EAGAIN) {
            close(fds[i]);
            fds[i] = -1;
        } else {
            open++;
        }
    }
    return open;
}

/* The child: opens the slow connections, reports how many slicerd kept
 * after a second (a line on 'report'), trickles a header line a second
 * into each for 'seconds' in all, reports again and exits. */
static void
slow_clients(unsigned port, unsigned count, unsigned addrs,
             unsigned seconds, FILE *report)
{
    struct rlimit rl;
    int *fds = calloc(count, sizeof *fds);
    double end = bench_now() + seconds;
    unsigned open = 0;

    if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < count + 64) {
        rl.rlim_cur = rl.rlim_max < count + 64 ? rl.rlim_max : count + 64;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    if (!fds) {
        _exit(1);
    }
    for (unsigned i = 0; i < count; i++) {
        char addr[32];

        snprintf(addr, sizeof addr, "127.0.0.%u", 2 + i % addrs);
        /* a server that neither accepts nor refuses makes each connect
         * wait: stop opening in time */
        fds[i] = bench_now() < end - 2 ? slow_open(addr, port) : -1;
    }
    sleep(1);
    fprintf(report, "%u\n", slow_reap(fds, count));
    fflush(report);
    while (bench_now() < end) {
        sleep(1);
        for (unsigned i = 0; i < count; i++) {
            if (fds[i] >= 0 &&
                send(fds[i], "X-Slow: 1\r\n", 11, MSG_NOSIGNAL) < 0) {
                close(fds[i]);
                fds[i] = -1;
            }
        }
        open = slow_reap(fds, count);
    }
    fprintf(report, "%u\n", open);
    fclose(report);
    _exit(0);
}

int
main(int argc, char **argv)
{
    struct bench_daemon d;
    unsigned slow = argc > 2 ? (unsigned)atoi(argv[2]) : 2000;
    unsigned addrs = argc > 3 ? (unsigned)atoi(argv[3]) : 4;
    unsigned seconds = argc > 4 ? (unsigned)atoi(argv[4]) : 10;
    unsigned kept = 0, left = 0;
    int pipefd[2];
    pid_t child;
    FILE *in;

    if (argc < 2 || !slow || slow > MAX_SLOW || !addrs ||
        addrs > MAX_ADDRESSES || seconds < 4 || seconds > MAX_SECONDS) {
        fprintf(stderr,
                "usage: bench-edge SLICERD [slow connections (1..%u)] "
                "[addresses (1..%u)] [seconds (4..%u)]\n",
                MAX_SLOW, MAX_ADDRESSES, MAX_SECONDS);
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    bench_start(&d, argv[1], NULL);
    printf("edge: slicerd's default limits; %u slow connections from %u "
           "address%s (127.0.0.2..) for %u s\n",
           slow, addrs, addrs == 1 ? "" : "es", seconds);
    get_round(&d, "before", seconds - 3);
    if (pipe(pipefd)) {
        perror("bench-edge: pipe");
        bench_stop(&d);
        return 1;
    }
    fflush(stdout);
    child = fork();
    if (child == 0) {
        close(pipefd[0]);
        slow_clients((unsigned)atoi(strrchr(d.root, ':') + 1), slow, addrs,
                     seconds, fdopen(pipefd[1], "w"));
    }
    close(pipefd[1]);
    in = fdopen(pipefd[0], "r");
    if (child < 0 || !in || fscanf(in, "%u", &kept) != 1) {
        fprintf(stderr, "bench-edge: the slow clients did not start\n");
        if (child > 0) {
            kill(child, SIGKILL);
            waitpid(child, NULL, 0);
        }
        bench_stop(&d);
        return 1;
    }
    /* the child spent a second or more opening and counting */
    get_round(&d, "during", seconds > 3 ? seconds - 3 : 1);
    if (fscanf(in, "%u", &left) != 1) {
        left = 0;
    }
    fclose(in);
    waitpid(child, NULL, 0);
    printf("slow connections: %u kept by slicerd after 1 s (%u refused at "
           "once), %u still open after %u s\n",
           kept, slow - kept, left, seconds);
    bench_stop(&d);
    curl_global_cleanup();
    return 0;
}

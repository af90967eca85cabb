/* Helpers of the benchmarks on a private Open vSwitch (bench-switch.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench-switch.h"

double
bench_clock(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
bench_sh(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    int st;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

long
bench_count_flows(void)
{
    FILE *f = popen("ovs-ofctl -O OpenFlow13 dump-aggregate br0 "
                    "| sed -n 's/.*flow_count=\\([0-9]*\\).*/\\1/p'", "r");
    long n = -1;

    if (f) {
        if (fscanf(f, "%ld", &n) != 1) {
            n = -1;
        }
        pclose(f);
    }
    return n;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

double
bench_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return v[n / 2];
}

int
bench_free_port(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET,
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

    if (fd >= 0 && !bind(fd, (struct sockaddr *)&a, sizeof a) &&
        !getsockname(fd, (struct sockaddr *)&a, &len)) {
        port = ntohs(a.sin_port);
    }
    if (fd >= 0) {
        close(fd);
    }
    return port;
}

int
bench_osken_start(struct bench_osken *k, const char *app, const char *dir,
                  const char *bridge)
{
    char listen[64], ofp[16], log[512];
    pid_t pid;

    k->rest_port = bench_free_port();
    k->of_port = bench_free_port();
    if (k->rest_port <= 0 || k->of_port <= 0 || k->rest_port == k->of_port) {
        return -1;
    }
    snprintf(listen, sizeof listen, "127.0.0.1:%d", k->rest_port);
    snprintf(ofp, sizeof ofp, "%d", k->of_port);
    snprintf(log, sizeof log, "%s/osken.log", dir);
    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);

        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        setenv("SLICER_OFCTL_LISTEN", listen, 1);
        setenv("PYTHONDONTWRITEBYTECODE", "1", 1);
        execlp("osken-manager", "osken-manager", "--ofp-listen-host",
               "127.0.0.1", "--ofp-tcp-listen-port", ofp, app, (char *)NULL);
        _exit(127);
    }
    if (pid < 0) {
        return -1;
    }
    k->pid = pid;
    return bench_sh("ovs-vsctl set-controller %s tcp:127.0.0.1:%d -- set "
                    "controller %s max_backoff=1000 "
                    "connection_mode=out-of-band",
                    bridge, k->of_port, bridge);
}

void
bench_osken_stop(struct bench_osken *k)
{
    if (k->pid <= 0) {
        return;
    }
    kill(k->pid, SIGTERM);
    for (int i = 0; i < 50; i++) {
        if (waitpid(k->pid, NULL, WNOHANG) == k->pid) {
            k->pid = 0;
            return;
        }
        usleep(100000);
    }
    kill(k->pid, SIGKILL);
    while (waitpid(k->pid, NULL, 0) < 0 && errno == EINTR) {
    }
    k->pid = 0;
}

/* slicer-netns-role: what runs inside a VDU namespace of the netns VIM for
 * its built-in images.  "host" answers HTTP on port 80 (every address)
 * with a line naming the namespace; "router" and "bridge" only stand for
 * the VDU's process (forwarding and bridging are the kernel's, set up by
 * the driver) so that the VDU has a pid to supervise, pin and kill.
 *
 * When READY_FD is given, a newline is written to it once the role serves
 * (s6's readiness notification), so that the VDU is reported without
 * waiting out the driver's start check.
 *
 *   slicer-netns-role host|router|bridge NAMESPACE [PORT [READY_FD]] */
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static enum MHD_Result
answer(void *cls, struct MHD_Connection *conn, const char *url,
       const char *method, const char *version, const char *data,
       size_t *size, void **state)
{
    const char *text = cls;
    struct MHD_Response *r = MHD_create_response_from_buffer(
        strlen(text), (void *)text, MHD_RESPMEM_PERSISTENT);
    enum MHD_Result ret;

    MHD_add_response_header(r, "Content-Type", "text/plain");
    ret = MHD_queue_response(conn, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ret;
}

int
main(int argc, char **argv)
{
    struct MHD_Daemon *d = NULL;
    char text[512];
    sigset_t set;
    int sig;

    if (argc < 3 || (strcmp(argv[1], "host") && strcmp(argv[1], "router") &&
                     strcmp(argv[1], "bridge"))) {
        fprintf(stderr, "usage: %s host|router|bridge NAMESPACE [PORT]\n",
                argv[0]);
        return 2;
    }
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_BLOCK, &set, NULL);
    if (!strcmp(argv[1], "host")) {
        unsigned port = argc > 3 ? (unsigned)atoi(argv[3]) : 80;

        snprintf(text, sizeof text, "slicer netns host %s\n", argv[2]);
        d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_DUAL_STACK,
                             (uint16_t)port, NULL, NULL, answer, text,
                             MHD_OPTION_END);
        if (!d) {
            fprintf(stderr, "%s: cannot listen on port %u\n", argv[0], port);
            return 1;
        }
    }
    fprintf(stderr, "%s %s: running in %s\n", argv[0], argv[1], argv[2]);
    if (argc > 4) {
        int fd = atoi(argv[4]);

        if (write(fd, "\n", 1) != 1) {
            perror("readiness notification");
        }
        close(fd);
    }
    sigwait(&set, &sig);
    if (d) {
        MHD_stop_daemon(d);
    }
    return 0;
}

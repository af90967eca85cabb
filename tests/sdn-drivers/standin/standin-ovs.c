/* The switch side of the SDN stand-in: runs ovs-ofctl and ovs-vsctl (by
 * fork/exec with a fixed argv, never a shell) against the bridge of
 * --bridge in the Open vSwitch of OVS_RUNDIR, reads its ports, and
 * installs and deletes flows under the cookie of each controller rule.
 * The personalities (standin-onos.c, standin-odl.c, standin-floodlight.c)
 * translate their REST bodies into struct standin_flow (and groups into
 * struct standin_group); this file turns those into ovs-ofctl syntax and
 * reads the counters back (dump-flows, dump-group-stats). */
#include "standin.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* A growable buffer for the output of a child. */
struct buffer {
    char *data;
    size_t len;
    size_t size;
};

static int
buffer_read(struct buffer *b, int fd)
{
    ssize_t n;

    if (b->size - b->len < 4096) {
        size_t size = b->size ? b->size * 2 : 8192;
        char *data = realloc(b->data, size);

        if (!data) {
            return -1;
        }
        b->data = data;
        b->size = size;
    }
    n = read(fd, b->data + b->len, b->size - b->len - 1);
    if (n > 0) {
        b->len += (size_t)n;
        b->data[b->len] = '\0';
    }
    return n > 0 ? 1 : (n == 0 ? 0 : (errno == EINTR ? 1 : -1));
}

/* Only async-signal-safe calls between fork and exec: the HTTP server's
 * thread may hold locks in the parent. */
static void
run_child(const char *const argv[], int out_fd, int err_fd)
{
    int null_fd = open("/dev/null", O_RDONLY);

    if (null_fd >= 0) {
        dup2(null_fd, STDIN_FILENO);
    }
    dup2(out_fd, STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    execv(argv[0], (char *const *)argv);
    _exit(127);
}

int
standin_run(const char *const argv[], char **out, char **err)
{
    int out_pipe[2], err_pipe[2], status;
    struct buffer bufs[2] = {{NULL, 0, 0}, {NULL, 0, 0}};
    struct pollfd fds[2];
    pid_t pid;
    int open_fds = 2;

    if (pipe2(out_pipe, O_CLOEXEC) < 0) {
        return -1;
    }
    if (pipe2(err_pipe, O_CLOEXEC) < 0) {
        close(out_pipe[0]);
        close(out_pipe[1]);
        return -1;
    }
    pid = fork();
    if (pid == 0) {
        run_child(argv, out_pipe[1], err_pipe[1]);
    }
    close(out_pipe[1]);
    close(err_pipe[1]);
    if (pid < 0) {
        close(out_pipe[0]);
        close(err_pipe[0]);
        return -1;
    }
    fds[0] = (struct pollfd){.fd = out_pipe[0], .events = POLLIN};
    fds[1] = (struct pollfd){.fd = err_pipe[0], .events = POLLIN};
    while (open_fds > 0) {
        if (poll(fds, 2, -1) < 0 && errno != EINTR) {
            break;
        }
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd >= 0 && fds[i].revents) {
                if (buffer_read(&bufs[i], fds[i].fd) <= 0) {
                    close(fds[i].fd);
                    fds[i].fd = -1;
                    open_fds--;
                }
            }
        }
    }
    for (int i = 0; i < 2; i++) {
        if (fds[i].fd >= 0) {
            close(fds[i].fd);
        }
    }
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (out) {
        *out = bufs[0].data ? bufs[0].data : strdup("");
    } else {
        free(bufs[0].data);
    }
    if (err) {
        *err = bufs[1].data ? bufs[1].data : strdup("");
    } else {
        free(bufs[1].data);
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Finds PROGRAM in PATH (and the sbin directories), into path. */
static int
find_program(const char *program, char *path, size_t size)
{
    const char *env = getenv("PATH");
    char dirs[4096];
    char *save = NULL;

    snprintf(dirs, sizeof dirs, "%s:/usr/sbin:/sbin:/usr/bin:/bin",
             env ? env : "");
    for (char *dir = strtok_r(dirs, ":", &save); dir;
         dir = strtok_r(NULL, ":", &save)) {
        if (*dir && snprintf(path, size, "%s/%s", dir, program) <
                        (int)size &&
            access(path, X_OK) == 0) {
            return 0;
        }
    }
    return -1;
}

/* The last non-empty line of text (ovs-ofctl's own message comes after
 * any log lines), into msg. */
static void
last_line(const char *text, char *msg, size_t size)
{
    const char *end = text + strlen(text);
    const char *start;

    while (end > text && (end[-1] == '\n' || end[-1] == ' ')) {
        end--;
    }
    start = end;
    while (start > text && start[-1] != '\n') {
        start--;
    }
    snprintf(msg, size, "%.*s", (int)(end - start), start);
}

static int
read_dpid(struct standin *s)
{
    const char *argv[] = {s->vsctl, "get", "bridge", s->bridge,
                          "datapath_id", NULL};

    /* A new bridge may not have its datapath id yet. */
    for (int attempt = 0; attempt < 50; attempt++) {
        char *out = NULL, *err = NULL;
        int rc = standin_run(argv, &out, &err);
        char *p = out ? strchr(out, '"') : NULL;

        if (rc == 0 && p && strlen(p) >= 18 && p[17] == '"') {
            memcpy(s->dpid, p + 1, 16);
            s->dpid[16] = '\0';
            free(out);
            free(err);
            return 0;
        }
        if (attempt == 49) {
            fprintf(stderr, "standin: bridge %s: no datapath_id: %s\n",
                    s->bridge, err ? err : "ovs-vsctl did not run");
        }
        free(out);
        free(err);
        nanosleep(&(struct timespec){0, 100000000}, NULL);
    }
    return -1;
}

int
standin_ovs_init(struct standin *s, const char *dpid)
{
    char *end;

    if (find_program("ovs-ofctl", s->ofctl, sizeof s->ofctl) < 0 ||
        find_program("ovs-vsctl", s->vsctl, sizeof s->vsctl) < 0) {
        fprintf(stderr, "standin: ovs-ofctl or ovs-vsctl not found\n");
        return -1;
    }
    if (dpid) {
        if (strlen(dpid) != 16 || strspn(dpid, "0123456789abcdefABCDEF") !=
                                      16) {
            fprintf(stderr, "standin: --dpid '%s': not 16 hex digits\n",
                    dpid);
            return -1;
        }
        for (int i = 0; i < 16; i++) {
            s->dpid[i] = (char)(dpid[i] | 0x20);
        }
        s->dpid[16] = '\0';
    } else if (read_dpid(s) < 0) {
        return -1;
    }
    s->dpid_value = strtoull(s->dpid, &end, 16);
    return 0;
}

/* One port line of dump-ports-desc: " 1(v1): addr:aa:bb:cc:dd:ee:ff". */
static int
parse_port_line(const char *line, struct standin_port *port)
{
    const char *open = strchr(line, '(');
    const char *close = strstr(line, "): addr:");
    char number[24];

    if (!open || !close || close < open || open - line >= 24 ||
        (size_t)(close - open - 1) >= sizeof port->name) {
        return -1;
    }
    memset(port, 0, sizeof *port);
    snprintf(number, sizeof number, "%.*s", (int)(open - line), line);
    if (!strcmp(number, "LOCAL")) {
        port->number = STANDIN_PORT_LOCAL;
    } else {
        char *end;

        port->number = strtol(number, &end, 10);
        if (*end || end == number) {
            return -1;
        }
    }
    snprintf(port->name, sizeof port->name, "%.*s",
             (int)(close - open - 1), open + 1);
    snprintf(port->mac, sizeof port->mac, "%.17s",
             close + strlen("): addr:"));
    return 0;
}

static int
parse_ports(const char *text, struct standin_inventory *inv)
{
    const char *line = text;
    size_t size = 0;

    while (line && *line) {
        const char *next = strchr(line, '\n');
        char buf[256];

        snprintf(buf, sizeof buf, "%.*s",
                 (int)(next ? next - line : (long)strlen(line)), line);
        if (buf[0] == ' ' && buf[1] != ' ') {
            struct standin_port port;

            if (parse_port_line(buf + 1, &port) == 0) {
                if (inv->len == size) {
                    size_t n = size ? size * 2 : 8;
                    struct standin_port *ports =
                        realloc(inv->ports, n * sizeof *ports);

                    if (!ports) {
                        return -1;
                    }
                    inv->ports = ports;
                    size = n;
                }
                inv->ports[inv->len++] = port;
            }
        } else if (inv->len > 0 && strstr(buf, "config:")) {
            inv->ports[inv->len - 1].port_down =
                strstr(buf, "PORT_DOWN") != NULL;
        } else if (inv->len > 0 && strstr(buf, "state:")) {
            inv->ports[inv->len - 1].link_down =
                strstr(buf, "LINK_DOWN") != NULL;
        }
        line = next ? next + 1 : NULL;
    }
    return 0;
}

static void
parse_desc_field(const char *text, const char *label, char *value,
                 size_t size)
{
    const char *p = strstr(text, label);

    if (!p) {
        snprintf(value, size, "None");
        return;
    }
    p += strlen(label);
    snprintf(value, size, "%.*s", (int)strcspn(p, "\n"), p);
}

int
standin_inventory_read(const struct standin *s,
                       struct standin_inventory *inv, char *err,
                       size_t errsize)
{
    const char *ports_argv[] = {s->ofctl, "-O", "OpenFlow13",
                                "dump-ports-desc", s->bridge, NULL};
    const char *desc_argv[] = {s->ofctl, "-O", "OpenFlow13", "dump-desc",
                               s->bridge, NULL};
    char *out = NULL, *errout = NULL;
    int rc;

    memset(inv, 0, sizeof *inv);
    rc = standin_run(ports_argv, &out, &errout);
    if (rc != 0 || parse_ports(out, inv) < 0) {
        last_line(errout ? errout : "", err, errsize);
        free(out);
        free(errout);
        standin_inventory_free(inv);
        return -1;
    }
    free(out);
    free(errout);
    out = errout = NULL;
    if (standin_run(desc_argv, &out, &errout) == 0) {
        parse_desc_field(out, "Manufacturer: ", inv->manufacturer,
                         sizeof inv->manufacturer);
        parse_desc_field(out, "Hardware: ", inv->hardware,
                         sizeof inv->hardware);
        parse_desc_field(out, "Software: ", inv->software,
                         sizeof inv->software);
        parse_desc_field(out, "Serial Num: ", inv->serial,
                         sizeof inv->serial);
    }
    free(out);
    free(errout);
    return 0;
}

void
standin_inventory_free(struct standin_inventory *inv)
{
    if (inv) {
        free(inv->ports);
        inv->ports = NULL;
        inv->len = 0;
    }
}

const struct standin_port *
standin_inventory_port(const struct standin_inventory *inv, long number)
{
    for (size_t i = 0; i < inv->len; i++) {
        if (inv->ports[i].number == number) {
            return &inv->ports[i];
        }
    }
    return NULL;
}

uint64_t
standin_cookie_new(struct standin *s)
{
    s->next_serial++;
    return (STANDIN_COOKIE_MAGIC << 48) | ((uint64_t)s->type << 40) |
           (s->next_serial & 0xffffffffffULL);
}

static void
del_flows(const struct standin *s, const char *spec)
{
    const char *argv[] = {s->ofctl, "-O", "OpenFlow13", "del-flows",
                          s->bridge, spec, NULL};
    char *err = NULL;

    if (standin_run(argv, NULL, &err) != 0) {
        char msg[256];

        last_line(err ? err : "", msg, sizeof msg);
        standin_log(s, "bridge %s: del-flows %s: %s", s->bridge, spec, msg);
    }
    free(err);
}

void
standin_flows_remove(const struct standin *s, uint64_t cookie)
{
    char spec[64];

    snprintf(spec, sizeof spec, "cookie=0x%016llx/-1",
             (unsigned long long)cookie);
    del_flows(s, spec);
}

void
standin_flows_remove_all(const struct standin *s)
{
    char spec[80];

    snprintf(spec, sizeof spec, "cookie=0x%016llx/0x%016llx",
             (unsigned long long)((STANDIN_COOKIE_MAGIC << 48) |
                                  ((uint64_t)s->type << 40)),
             (unsigned long long)STANDIN_COOKIE_MASK);
    del_flows(s, spec);
}

int
standin_flow_match(struct standin_flow *flow, const char *fmt, ...)
{
    size_t len = strlen(flow->match);
    va_list ap;
    int n;

    if (len > 0) {
        if (len + 1 >= sizeof flow->match) {
            return -1;
        }
        flow->match[len++] = ',';
        flow->match[len] = '\0';
    }
    va_start(ap, fmt);
    n = vsnprintf(flow->match + len, sizeof flow->match - len, fmt, ap);
    va_end(ap);
    return n < 0 || (size_t)n >= sizeof flow->match - len ? -1 : 0;
}

int
standin_flow_action(struct standin_flow *flow,
                    enum standin_action_kind kind, long value,
                    const char *port)
{
    struct standin_action *a;

    if (flow->n_actions == STANDIN_MAX_ACTIONS) {
        return -1;
    }
    a = &flow->actions[flow->n_actions++];
    a->kind = kind;
    a->value = value;
    snprintf(a->port, sizeof a->port, "%s", port ? port : "");
    return 0;
}

/* Tag state while the actions run. */
enum tag_state { TAG_UNKNOWN, TAG_ABSENT, TAG_PRESENT };

static bool
needs_split(const struct standin_flow *flow)
{
    enum tag_state state = flow->vlan == STANDIN_VLAN_ANY
                               ? TAG_UNKNOWN
                               : (flow->vlan == STANDIN_VLAN_NONE
                                      ? TAG_ABSENT
                                      : TAG_PRESENT);

    for (size_t i = 0; i < flow->n_actions; i++) {
        switch (flow->actions[i].kind) {
        case STANDIN_ACT_POP_VLAN:
            state = TAG_ABSENT;
            break;
        case STANDIN_ACT_PUSH_VLAN:
            state = TAG_PRESENT;
            break;
        case STANDIN_ACT_MOD_VID:
            if (state == TAG_UNKNOWN) {
                return true;
            }
            state = TAG_PRESENT;
            break;
        default:
            break;
        }
    }
    return false;
}

static void
append(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
append(char *buf, size_t size, const char *fmt, ...)
{
    size_t len = strlen(buf);
    va_list ap;

    if (len >= size - 1) {
        return;
    }
    va_start(ap, fmt);
    vsnprintf(buf + len, size - len, fmt, ap);
    va_end(ap);
}

/* Appends the actions acts[0..n) to buf in ovs-ofctl syntax, the tag
 * state before them being 'state' ("drop" for none). */
static void
render_actions(const struct standin_action *acts, size_t n,
               enum tag_state state, char *buf, size_t size)
{
    const char *sep = "";

    if (n == 0) {
        append(buf, size, "drop");
    }
    for (size_t i = 0; i < n; i++, sep = ",") {
        const struct standin_action *a = &acts[i];

        switch (a->kind) {
        case STANDIN_ACT_OUTPUT:
            append(buf, size, "%soutput:%s", sep, a->port);
            break;
        case STANDIN_ACT_POP_VLAN:
            append(buf, size, "%spop_vlan", sep);
            state = TAG_ABSENT;
            break;
        case STANDIN_ACT_PUSH_VLAN:
            append(buf, size, "%spush_vlan:0x%04lx", sep, a->value);
            state = TAG_PRESENT;
            break;
        case STANDIN_ACT_SET_VID:
            append(buf, size, "%sset_field:%ld->vlan_vid", sep,
                   a->value | 0x1000);
            break;
        case STANDIN_ACT_MOD_VID:
            if (state != TAG_PRESENT) {
                append(buf, size, "%spush_vlan:0x8100", sep);
                sep = ",";
            }
            append(buf, size, "%sset_field:%ld->vlan_vid", sep,
                   a->value | 0x1000);
            state = TAG_PRESENT;
            break;
        case STANDIN_ACT_PUSH_MPLS:
            append(buf, size, "%spush_mpls:0x%04lx", sep, a->value);
            break;
        case STANDIN_ACT_SET_MPLS:
            append(buf, size, "%sset_field:%ld->mpls_label", sep, a->value);
            break;
        case STANDIN_ACT_POP_MPLS:
            append(buf, size, "%spop_mpls:0x%04lx", sep, a->value);
            break;
        case STANDIN_ACT_SET_ETH_SRC:
        case STANDIN_ACT_SET_ETH_DST:
            append(buf, size, "%sset_field:%s->eth_%s", sep, a->port,
                   a->kind == STANDIN_ACT_SET_ETH_SRC ? "src" : "dst");
            break;
        case STANDIN_ACT_GROUP:
            append(buf, size, "%sgroup:%ld", sep, a->value);
            break;
        }
    }
}

/* Renders flow into ovs-ofctl syntax, with vlan as its VLAN match. */
static void
render(const struct standin_flow *flow, uint64_t cookie, int vlan,
       char *buf, size_t size)
{
    enum tag_state state = vlan == STANDIN_VLAN_ANY
                               ? TAG_UNKNOWN
                               : (vlan == STANDIN_VLAN_NONE ? TAG_ABSENT
                                                            : TAG_PRESENT);

    snprintf(buf, size, "cookie=0x%016llx,table=%d,priority=%d",
             (unsigned long long)cookie, flow->table, flow->priority);
    if (flow->idle_timeout > 0) {
        append(buf, size, ",idle_timeout=%d", flow->idle_timeout);
    }
    if (flow->match[0]) {
        append(buf, size, ",%s", flow->match);
    }
    if (vlan == STANDIN_VLAN_NONE) {
        append(buf, size, ",vlan_tci=0x0000/0x1fff");
    } else if (vlan == STANDIN_VLAN_PRESENT) {
        append(buf, size, ",vlan_tci=0x1000/0x1000");
    } else if (vlan >= 0) {
        append(buf, size, ",dl_vlan=%d", vlan);
    }
    append(buf, size, " actions=");
    render_actions(flow->actions, flow->n_actions, state, buf, size);
}

static int
add_flow(const struct standin *s, const char *text, char *err,
         size_t errsize)
{
    const char *argv[] = {s->ofctl, "-O", "OpenFlow13", "add-flow",
                          s->bridge, text, NULL};
    char *errout = NULL;
    int rc = standin_run(argv, NULL, &errout);

    if (rc != 0) {
        last_line(errout ? errout : "ovs-ofctl did not run", err, errsize);
    }
    free(errout);
    return rc == 0 ? 0 : -1;
}

int
standin_flows_apply(const struct standin *s, uint64_t cookie,
                    const struct standin_flow *flows, size_t n, char *err,
                    size_t errsize)
{
    char text[2048];

    for (size_t i = 0; i < n; i++) {
        int rc;

        if (needs_split(&flows[i])) {
            render(&flows[i], cookie, STANDIN_VLAN_NONE, text, sizeof text);
            rc = add_flow(s, text, err, errsize);
            if (rc == 0) {
                render(&flows[i], cookie, STANDIN_VLAN_PRESENT, text,
                       sizeof text);
                rc = add_flow(s, text, err, errsize);
            }
        } else {
            render(&flows[i], cookie, flows[i].vlan, text, sizeof text);
            rc = add_flow(s, text, err, errsize);
        }
        if (rc < 0) {
            standin_log(s, "bridge %s: add-flow \"%s\": %s", s->bridge, text,
                        err);
            standin_flows_remove(s, cookie);
            return -1;
        }
    }
    return 0;
}

/* ---- groups ---- */

int
standin_group_apply(const struct standin *s, const struct standin_group *g,
                    char *err, size_t errsize)
{
    size_t size = 256 + g->n_buckets * 1024;
    char *text = malloc(size);
    const char *argv[] = {s->ofctl, "-O", "OpenFlow13", "--may-create",
                          "mod-group", s->bridge, text, NULL};
    char *errout = NULL;
    int rc;

    if (!text) {
        snprintf(err, errsize, "out of memory");
        return -1;
    }
    snprintf(text, size, "group_id=%u,type=%s", (unsigned)g->id, g->type);
    for (size_t i = 0; i < g->n_buckets; i++) {
        append(text, size, ",bucket=");
        if (!strcmp(g->type, "select")) {
            append(text, size, "weight=%d,",
                   g->weights ? g->weights[i] : 1);
        }
        append(text, size, "actions=");
        render_actions(g->buckets[i].actions, g->buckets[i].n_actions,
                       TAG_UNKNOWN, text, size);
    }
    rc = standin_run(argv, NULL, &errout);
    if (rc != 0) {
        last_line(errout ? errout : "ovs-ofctl did not run", err, errsize);
        standin_log(s, "bridge %s: mod-group \"%s\": %s", s->bridge, text,
                    err);
    }
    free(errout);
    free(text);
    return rc == 0 ? 0 : -1;
}

void
standin_group_remove(const struct standin *s, uint32_t id)
{
    char spec[32];
    const char *argv[] = {s->ofctl, "-O", "OpenFlow13", "del-groups",
                          s->bridge, spec, NULL};
    char *err = NULL;

    snprintf(spec, sizeof spec, "group_id=%u", (unsigned)id);
    if (standin_run(argv, NULL, &err) != 0) {
        char msg[256];

        last_line(err ? err : "", msg, sizeof msg);
        standin_log(s, "bridge %s: del-groups %s: %s", s->bridge, spec, msg);
    }
    free(err);
}

/* ---- counters ---- */

/* The number after "<name>=" in 'line', or 0. */
static uint64_t
field_of(const char *line, const char *name)
{
    const char *p = strstr(line, name);

    return p ? strtoull(p + strlen(name), NULL, 0) : 0;
}

/* Adds the counts of one line of dump-flows or dump-group-stats. */
static int
count_line(const char *line, bool groups, struct standin_counts **out,
           size_t *n, size_t *size)
{
    const char *key = strstr(line, groups ? "group_id=" : "cookie=");
    uint64_t k = key ? field_of(key, groups ? "group_id=" : "cookie=") : 0;
    struct standin_counts *c;

    if (!key) {
        return 0;
    }
    c = (struct standin_counts *)standin_counts_find(*out, *n, k);
    if (!c) {
        if (*n == *size) {
            size_t more = *size ? *size * 2 : 16;
            struct standin_counts *grown = realloc(*out, more * sizeof **out);

            if (!grown) {
                return -1;
            }
            *out = grown;
            *size = more;
        }
        c = &(*out)[(*n)++];
        *c = (struct standin_counts){.key = k};
    }
    c->packets += field_of(line, groups ? "packet_count=" : "n_packets=");
    c->bytes += field_of(line, groups ? "byte_count=" : "n_bytes=");
    return 0;
}

int
standin_counts_read(const struct standin *s, bool groups,
                    struct standin_counts **out, size_t *n, char *err,
                    size_t errsize)
{
    char spec[80];
    const char *flows_argv[] = {s->ofctl, "-O", "OpenFlow13", "dump-flows",
                                s->bridge, spec, NULL};
    const char *groups_argv[] = {s->ofctl, "-O", "OpenFlow13",
                                 "dump-group-stats", s->bridge, NULL};
    char *text = NULL, *errout = NULL, *save = NULL;
    size_t size = 0;
    int rc;

    snprintf(spec, sizeof spec, "cookie=0x%016llx/0x%016llx",
             (unsigned long long)((STANDIN_COOKIE_MAGIC << 48) |
                                  ((uint64_t)s->type << 40)),
             (unsigned long long)STANDIN_COOKIE_MASK);
    *out = NULL;
    *n = 0;
    rc = standin_run(groups ? groups_argv : flows_argv, &text, &errout);
    if (rc != 0) {
        last_line(errout ? errout : "ovs-ofctl did not run", err, errsize);
    }
    for (char *line = rc ? NULL : strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        if (count_line(line, groups, out, n, &size) < 0) {
            snprintf(err, errsize, "out of memory");
            rc = -1;
            break;
        }
    }
    free(text);
    free(errout);
    return rc == 0 ? 0 : -1;
}

const struct standin_counts *
standin_counts_find(const struct standin_counts *c, size_t n, uint64_t key)
{
    for (size_t i = 0; i < n; i++) {
        if (c[i].key == key) {
            return &c[i];
        }
    }
    return NULL;
}

/* Namespaces and links for the netns VIM (see netns-kernel.h). */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "netns-kernel.h"

/* ---- namespaces ---- */

/* Makes 'dir' a shared mount point, as iproute2 does, so that namespaces
 * bound under it are seen from every mount namespace. */
static int
share_dir(const char *dir, struct slc_error *err)
{
    if (mkdir(dir, 0755) && errno != EEXIST) {
        return slc_error_set(err, SLC_EIO, "netns directory '%s': %s", dir,
                             strerror(errno));
    }
    if (!mount("", dir, "none", MS_SHARED | MS_REC, NULL)) {
        return 0;
    }
    if (errno != EINVAL ||
        mount(dir, dir, "none", MS_BIND | MS_REC, NULL) ||
        mount("", dir, "none", MS_SHARED | MS_REC, NULL)) {
        return slc_error_set(err, SLC_EIO, "netns directory '%s': mount: %s",
                             dir, strerror(errno));
    }
    return 0;
}

static void
ns_path(char *buf, size_t size, const char *dir, const char *name)
{
    snprintf(buf, size, "%s/%s", dir, name);
}

int
slc_netns_enter(int fd, int *saved, struct slc_error *err)
{
    *saved = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (*saved < 0) {
        return slc_error_set(err, SLC_EIO, "own netns: %s", strerror(errno));
    }
    if (setns(fd, CLONE_NEWNET)) {
        int e = errno;

        close(*saved);
        *saved = -1;
        return slc_error_set(err, SLC_EIO, "setns: %s", strerror(e));
    }
    return 0;
}

void
slc_netns_leave(int saved)
{
    if (saved >= 0) {
        if (setns(saved, CLONE_NEWNET)) {
            /* cannot happen with an fd of our own namespace; staying in
             * the wrong one would be worse than stopping */
            abort();
        }
        close(saved);
    }
}

int
slc_netns_add(const char *dir, const char *name, struct slc_error *err)
{
    char path[4096];
    int fd, saved, rc;

    rc = share_dir(dir, err);
    if (rc) {
        return rc;
    }
    ns_path(path, sizeof path, dir, name);
    fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
    if (fd < 0) {
        return slc_error_set(err, errno == EEXIST ? SLC_EEXISTS : SLC_EIO,
                             "netns '%s': %s", name, strerror(errno));
    }
    close(fd);
    saved = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (saved < 0 || unshare(CLONE_NEWNET)) {
        rc = slc_error_set(err, SLC_EIO, "netns '%s': unshare: %s", name,
                           strerror(errno));
    } else if (mount("/proc/thread-self/ns/net", path, "none", MS_BIND,
                     NULL)) {
        rc = slc_error_set(err, SLC_EIO, "netns '%s': bind mount: %s", name,
                           strerror(errno));
    }
    if (saved >= 0) {
        slc_netns_leave(saved);
    }
    if (rc) {
        unlink(path);
    }
    return rc;
}

int
slc_netns_del(const char *dir, const char *name, struct slc_error *err)
{
    char path[4096];

    ns_path(path, sizeof path, dir, name);
    if (access(path, F_OK)) {
        return slc_error_set(err, SLC_ENOTFOUND, "netns '%s' does not exist",
                             name);
    }
    if (umount2(path, MNT_DETACH) && errno != EINVAL) {
        return slc_error_set(err, SLC_EIO, "netns '%s': umount: %s", name,
                             strerror(errno));
    }
    if (unlink(path)) {
        return slc_error_set(err, SLC_EIO, "netns '%s': unlink: %s", name,
                             strerror(errno));
    }
    return 0;
}

/* Signals every process in the namespace of identity 'ns' ('sig' 0:
 * none); returns how many there are. */
static int
signal_in(const struct stat *ns, int sig)
{
    DIR *proc = opendir("/proc");
    struct dirent *e;
    int count = 0;

    while (proc && (e = readdir(proc))) {
        char path[300];
        struct stat st;

        if (!isdigit((unsigned char)e->d_name[0])) {
            continue;
        }
        snprintf(path, sizeof path, "/proc/%s/ns/net", e->d_name);
        if (!stat(path, &st) && st.st_dev == ns->st_dev &&
            st.st_ino == ns->st_ino) {
            count++;
            if (sig) {
                kill((pid_t)atol(e->d_name), sig);
            }
        }
    }
    if (proc) {
        closedir(proc);
    }
    return count;
}

int
slc_netns_kill_all(const char *dir, const char *name, unsigned wait_ms)
{
    char path[4200];
    struct stat ns;
    int killed;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (stat(path, &ns)) {
        return 0;
    }
    killed = signal_in(&ns, SIGKILL);
    for (unsigned waited = 0; killed && waited < wait_ms; waited += 10) {
        if (!signal_in(&ns, 0)) {
            break;
        }
        nanosleep(&(struct timespec){.tv_nsec = 10000000}, NULL);
    }
    return killed;
}

int
slc_netns_open(const char *dir, const char *name, struct slc_error *err)
{
    char path[4096];
    int fd;

    ns_path(path, sizeof path, dir, name);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return slc_error_set(err,
                             errno == ENOENT ? SLC_ENOTFOUND : SLC_EIO,
                             "netns '%s': %s", name, strerror(errno));
    }
    return fd;
}

/* ---- links ---- */

/* A connected rtnetlink socket inside namespace 'ns' (-1: ours). */
static struct nl_sock *
nl_open(int ns, struct slc_error *err)
{
    struct nl_sock *sk = nl_socket_alloc();
    int saved = -1, rc = 0;

    if (!sk) {
        slc_error_set(err, SLC_ENOMEM, "out of memory");
        return NULL;
    }
    if (ns >= 0 && slc_netns_enter(ns, &saved, err)) {
        nl_socket_free(sk);
        return NULL;
    }
    rc = nl_connect(sk, NETLINK_ROUTE);
    slc_netns_leave(saved);
    if (rc < 0) {
        slc_error_set(err, SLC_EIO, "netlink: %s", nl_geterror(rc));
        nl_socket_free(sk);
        return NULL;
    }
    return sk;
}

static int
nl_fail(int nlrc, const char *what, const char *name, struct slc_error *err)
{
    int code = nlrc == -NLE_EXIST         ? SLC_EEXISTS
               : nlrc == -NLE_OBJ_NOTFOUND || nlrc == -NLE_NODEV
                   ? SLC_ENOTFOUND
                   : SLC_EIO;

    return slc_error_set(err, code, "link '%s': %s: %s", name, what,
                         nl_geterror(nlrc));
}

static int
parse_mac(const char *mac, struct nl_addr **out, struct slc_error *err)
{
    int rc = nl_addr_parse(mac, AF_LLC, out);

    return rc < 0 ? slc_error_set(err, SLC_EINVALID, "mac '%s': %s", mac,
                                  nl_geterror(rc))
                  : 0;
}

int
slc_link_veth_add(const char *host, const char *peer, const char *mac,
                  int peer_ns, struct slc_error *err)
{
    struct nl_sock *sk = nl_open(-1, err);
    struct rtnl_link *link, *p;
    struct nl_addr *addr = NULL;
    int rc;

    if (!sk) {
        return err->code;
    }
    link = rtnl_link_veth_alloc();
    if (!link) {
        nl_socket_free(sk);
        return slc_error_set(err, SLC_ENOMEM, "out of memory");
    }
    p = rtnl_link_veth_get_peer(link);
    rtnl_link_set_name(link, host);
    rtnl_link_set_flags(link, IFF_UP);
    rtnl_link_set_name(p, peer);
    if (peer_ns >= 0) {
        rtnl_link_set_ns_fd(p, peer_ns);
    }
    rc = mac ? parse_mac(mac, &addr, err) : 0;
    if (addr) {
        rtnl_link_set_addr(p, addr);
        nl_addr_put(addr);
    }
    if (!rc) {
        rc = rtnl_link_add(sk, link, NLM_F_CREATE | NLM_F_EXCL);
        rc = rc < 0 ? nl_fail(rc, "create veth", host, err) : 0;
    }
    rtnl_link_put(p);
    rtnl_link_put(link);
    nl_socket_free(sk);
    return rc;
}

int
slc_link_del(int ns, const char *name, struct slc_error *err)
{
    struct nl_sock *sk = nl_open(ns, err);
    struct rtnl_link *link;
    int rc;

    if (!sk) {
        return err->code;
    }
    link = rtnl_link_alloc();
    rtnl_link_set_name(link, name);
    rc = rtnl_link_delete(sk, link);
    rc = rc < 0 ? nl_fail(rc, "delete", name, err) : 0;
    rtnl_link_put(link);
    nl_socket_free(sk);
    return rc;
}

bool
slc_link_exists(int ns, const char *name)
{
    struct slc_error err;
    struct nl_sock *sk = nl_open(ns, &err);
    struct rtnl_link *link = NULL;
    bool yes;

    if (!sk) {
        return false;
    }
    yes = rtnl_link_get_kernel(sk, 0, name, &link) >= 0;
    if (link) {
        rtnl_link_put(link);
    }
    nl_socket_free(sk);
    return yes;
}

int
slc_link_move(int from, const char *name, int to, const char *new_name,
              struct slc_error *err)
{
    struct nl_sock *sk = nl_open(from, err);
    struct rtnl_link *link = NULL, *change;
    int rc;

    if (!sk) {
        return err->code;
    }
    rc = rtnl_link_get_kernel(sk, 0, name, &link);
    if (rc < 0) {
        nl_socket_free(sk);
        return nl_fail(rc, "find", name, err);
    }
    change = rtnl_link_alloc();
    rtnl_link_set_ns_fd(change, to);
    rtnl_link_set_name(change, new_name);
    rc = rtnl_link_change(sk, link, change, 0);
    rc = rc < 0 ? nl_fail(rc, "move to netns", name, err) : 0;
    rtnl_link_put(change);
    rtnl_link_put(link);
    nl_socket_free(sk);
    return rc;
}

static int
link_up(struct nl_sock *sk, const char *name, struct slc_error *err)
{
    struct rtnl_link *link = NULL, *change;
    int rc = rtnl_link_get_kernel(sk, 0, name, &link);

    if (rc < 0) {
        return nl_fail(rc, "find", name, err);
    }
    change = rtnl_link_alloc();
    rtnl_link_set_flags(change, IFF_UP);
    rc = rtnl_link_change(sk, link, change, 0);
    rc = rc < 0 ? nl_fail(rc, "up", name, err) : 0;
    rtnl_link_put(change);
    rtnl_link_put(link);
    return rc;
}

static int
add_addr(struct nl_sock *sk, const char *name, const char *cidr,
         struct slc_error *err)
{
    struct rtnl_addr *a;
    struct nl_addr *local = NULL;
    int ifindex, rc;
    struct nl_cache *cache = NULL;

    rc = rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache);
    if (rc < 0) {
        return nl_fail(rc, "list", name, err);
    }
    ifindex = rtnl_link_name2i(cache, name);
    nl_cache_free(cache);
    if (!ifindex) {
        return slc_error_set(err, SLC_ENOTFOUND, "link '%s' not found", name);
    }
    rc = nl_addr_parse(cidr, AF_UNSPEC, &local);
    if (rc < 0) {
        return slc_error_set(err, SLC_EINVALID, "address '%s': %s", cidr,
                             nl_geterror(rc));
    }
    a = rtnl_addr_alloc();
    rtnl_addr_set_ifindex(a, ifindex);
    rtnl_addr_set_local(a, local);
    rc = rtnl_addr_add(sk, a, 0);
    rc = rc < 0 && rc != -NLE_EXIST ? nl_fail(rc, "add address", name, err)
                                    : 0;
    rtnl_addr_put(a);
    nl_addr_put(local);
    return rc;
}

/* Turns transmit checksum offload off on 'name' (the caller is inside the
 * link's namespace). */
static int
tx_csum_off(const char *name, struct slc_error *err)
{
    struct ethtool_value ev = {.cmd = ETHTOOL_STXCSUM, .data = 0};
    struct ifreq ifr = {0};
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int rc = 0;

    if (fd < 0) {
        return slc_error_set(err, SLC_EIO, "socket: %s", strerror(errno));
    }
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    ifr.ifr_data = (void *)&ev;
    if (ioctl(fd, SIOCETHTOOL, &ifr) && errno != EOPNOTSUPP) {
        rc = slc_error_set(err, SLC_EIO, "link '%s': tx checksum off: %s",
                           name, strerror(errno));
    }
    close(fd);
    return rc;
}

int
slc_link_setup(int ns, const char *name, const char *cidr,
               struct slc_error *err)
{
    struct nl_sock *sk = nl_open(ns, err);
    int saved = -1, rc;

    if (!sk) {
        return err->code;
    }
    rc = cidr ? add_addr(sk, name, cidr, err) : 0;
    rc = rc ? rc : link_up(sk, name, err);
    rc = rc ? rc : link_up(sk, "lo", err);
    nl_socket_free(sk);
    if (!rc && ns < 0) {
        rc = tx_csum_off(name, err);
    } else if (!rc && !(rc = slc_netns_enter(ns, &saved, err))) {
        rc = tx_csum_off(name, err);
        slc_netns_leave(saved);
    }
    return rc;
}

void
slc_link_no_ipv6(const char *name)
{
    char path[128];
    FILE *f;

    snprintf(path, sizeof path, "/proc/sys/net/ipv6/conf/%s/disable_ipv6",
             name);
    f = fopen(path, "w");
    if (f) {
        fputs("1\n", f);
        fclose(f);
    }
}

int
slc_link_bridge(int ns, const char *name, const char *const *ports,
                size_t n_ports, bool up, struct slc_error *err)
{
    struct nl_sock *sk = nl_open(ns, err);
    struct rtnl_link *br = NULL;
    int rc;

    if (!sk) {
        return err->code;
    }
    rc = rtnl_link_bridge_add(sk, name);
    rc = rc < 0 ? nl_fail(rc, "create bridge", name, err) : 0;
    if (!rc && (rc = rtnl_link_get_kernel(sk, 0, name, &br)) < 0) {
        rc = nl_fail(rc, "find", name, err);
    } else {
        rc = 0;
    }
    for (size_t i = 0; !rc && i < n_ports; i++) {
        struct rtnl_link *port = NULL;

        rc = rtnl_link_get_kernel(sk, 0, ports[i], &port);
        if (rc < 0) {
            rc = nl_fail(rc, "find", ports[i], err);
            break;
        }
        rc = rtnl_link_enslave(sk, br, port);
        rc = rc < 0 ? nl_fail(rc, "add to bridge", ports[i], err) : 0;
        rtnl_link_put(port);
    }
    if (br) {
        rtnl_link_put(br);
    }
    rc = rc || !up ? rc : link_up(sk, name, err);
    nl_socket_free(sk);
    return rc;
}

int
slc_link_add_addr(int ns, const char *name, const char *cidr,
                  struct slc_error *err)
{
    struct nl_sock *sk = nl_open(ns, err);
    int rc;

    if (!sk) {
        return err->code;
    }
    rc = add_addr(sk, name, cidr, err);
    rc = rc ? rc : link_up(sk, name, err);
    nl_socket_free(sk);
    return rc;
}

int
slc_link_mac(int ns, const char *name, char mac[18], struct slc_error *err)
{
    struct nl_sock *sk = nl_open(ns, err);
    struct rtnl_link *link = NULL;
    int rc;

    if (!sk) {
        return err->code;
    }
    rc = rtnl_link_get_kernel(sk, 0, name, &link);
    if (rc < 0) {
        rc = nl_fail(rc, "find", name, err);
    } else {
        nl_addr2str(rtnl_link_get_addr(link), mac, 18);
        rtnl_link_put(link);
        rc = 0;
    }
    nl_socket_free(sk);
    return rc;
}

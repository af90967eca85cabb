/* The kernel side of the netns VIM: named network namespaces (the
 * iproute2 convention: a bind mount of the namespace under a directory,
 * /run/netns by default, so that "ip netns exec" sees them) and links
 * configured over rtnetlink with libnl: veth pairs, moving a link into a
 * namespace under a new name, MAC and IP addresses, link state.  Each call
 * is a few system calls; none forks.
 *
 * Functions taking an 'ns' fd act inside that namespace (-1: the caller's
 * own), entering it only for the duration of the call.
 *
 * Neighbours: vim-netns.c (the only user). */
#ifndef SLC_NETNS_KERNEL_H
#define SLC_NETNS_KERNEL_H

#include <stdbool.h>
#include <stddef.h>

#include "slc-error.h"

/* Creates namespace 'name' under 'dir'.  SLC_EEXISTS when it exists. */
int slc_netns_add(const char *dir, const char *name, struct slc_error *err);
/* Removes namespace 'name' (links inside it go with it).  SLC_ENOTFOUND
 * when it does not exist. */
int slc_netns_del(const char *dir, const char *name, struct slc_error *err);
/* An fd of namespace 'name' (close it), or an SLC_E* code. */
int slc_netns_open(const char *dir, const char *name, struct slc_error *err);
/* Kills (SIGKILL) every process whose network namespace is 'name' under
 * 'dir' (found by the namespace's identity in /proc, not by name): a
 * VDU's own and any a crash left there unrecorded.  Waits up to 'wait_ms'
 * for them to be gone; returns how many were killed. */
int slc_netns_kill_all(const char *dir, const char *name, unsigned wait_ms);
/* Enters namespace 'fd' for the calling thread; '*saved' gets an fd to
 * come back with slc_netns_leave(). */
int slc_netns_enter(int fd, int *saved, struct slc_error *err);
void slc_netns_leave(int saved);

/* Creates veth pair 'host'/'peer' in the caller's namespace, 'peer' with
 * MAC 'mac' (may be NULL) and made directly in namespace 'peer_ns' (an
 * fd; -1: the caller's), 'host' up.  Making the peer where it is used
 * spares a move, which costs the kernel a network-wide synchronisation
 * (about 20 ms).  SLC_EEXISTS when a link exists. */
int slc_link_veth_add(const char *host, const char *peer, const char *mac,
                      int peer_ns, struct slc_error *err);
/* Deletes link 'name' of namespace 'ns' (and its veth peer).
 * SLC_ENOTFOUND when it does not exist. */
int slc_link_del(int ns, const char *name, struct slc_error *err);
/* True when link 'name' exists in namespace 'ns'. */
bool slc_link_exists(int ns, const char *name);
/* Moves link 'name' of namespace 'from' into namespace 'to', renamed
 * 'new_name'. */
int slc_link_move(int from, const char *name, int to, const char *new_name,
                  struct slc_error *err);
/* Inside namespace 'ns': gives link 'name' the address 'cidr' (may be
 * NULL), turns transmit checksum offload off (the userspace datapath
 * forwards veth frames with partial checksums unchanged) and brings it
 * up; brings "lo" up too. */
int slc_link_setup(int ns, const char *name, const char *cidr,
                   struct slc_error *err);
/* Adds address 'cidr' to link 'name' of namespace 'ns' and brings it up. */
int slc_link_add_addr(int ns, const char *name, const char *cidr,
                      struct slc_error *err);
/* Turns IPv6 off on link 'name' of the caller's namespace (a switch
 * port's host end needs no address of its own, and would otherwise send
 * neighbour discovery into the VDU); best effort, for kernels without
 * IPv6. */
void slc_link_no_ipv6(const char *name);
/* Inside namespace 'ns': creates Linux bridge 'name' with the links
 * 'ports' as its ports (a transparent "bump in the wire"), up when 'up'
 * (else slc_link_setup() brings it up later). */
int slc_link_bridge(int ns, const char *name, const char *const *ports,
                    size_t n_ports, bool up, struct slc_error *err);
/* The MAC address of link 'name' in namespace 'ns' into 'mac' (18 bytes). */
int slc_link_mac(int ns, const char *name, char mac[18],
                 struct slc_error *err);

#endif

/* Who a VDU's processes on the netns VIM run as: the account's run_as
 * user (default "nobody"), with no capability and no way to gain one.
 * Shared by the driver (netns-compute.c, for image commands) and the role
 * helper (netns-role.c, which drops once its rules and ports are set up). */
#ifndef SLC_NETNS_USER_H
#define SLC_NETNS_USER_H

#include <sys/types.h>

/* Becomes 'uid'/'gid' with no supplementary groups: every capability is
 * gone, and no_new_privs keeps setuid programs and file capabilities from
 * giving any back.  Nothing for uid 0 (an admin's "run_as: root").
 * Async-signal-safe (for a child after fork).  0 or an errno. */
int slc_netns_become(uid_t uid, gid_t gid);

/* Closes every descriptor from 3 up but 'keep' and 'keep2' (-1: none),
 * so that what a VDU or a primitive runs has none of the daemon's files
 * and sockets (its store, its listening socket, its switch's sessions),
 * not even in the moment between dropping to its user and exec.  For a
 * child after fork, before it drops privileges; 0 or an errno. */
int slc_netns_close_inherited(int keep, int keep2);

/* Parses "UID:GID" (as the driver hands it to the role helper).  0, or -1
 * when 'text' is not that. */
int slc_netns_parse_ids(const char *text, uid_t *uid, gid_t *gid);

#endif

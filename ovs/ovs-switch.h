/* A private Open vSwitch: ovsdb-server and ovs-vswitchd started in a
 * directory of their own (database, sockets, pid files and logs all in
 * it), the way testbed recipes run them, so that slicer never touches a
 * system switch.  The daemons outlive the process that started them (the
 * data plane keeps running while slicerd restarts); a later start in the
 * same directory adopts them by their pid files.  They are stopped by pid
 * through their control sockets ("exit --cleanup" removes the userspace
 * datapath's tap devices), never by name.
 *
 * Neighbours: ovsdb.h (the protocol spoken to them), the netns VIM. */
#ifndef SLC_OVS_SWITCH_H
#define SLC_OVS_SWITCH_H

#include <sys/types.h>

#include "slc-error.h"

struct slc_ovs_switch {
    char *dir;
    char *db_target;   /* "unix:<dir>/db.sock" */
    pid_t db_pid, vs_pid;
    int adopted;       /* 1 when both daemons were already running */
};

/* Starts (or adopts) the switch in 'dir', created if missing: creates
 * conf.db from the installed schema, starts ovsdb-server, initialises the
 * database, starts ovs-vswitchd.  Blocks until both are ready (seconds). */
int slc_ovs_switch_start(const char *dir, struct slc_ovs_switch **out,
                         struct slc_error *err);

/* Stops both daemons (vswitchd with --cleanup first), waits for their
 * pids to go away, and frees 'sw'.  Accepts NULL. */
int slc_ovs_switch_stop(struct slc_ovs_switch *sw, struct slc_error *err);

/* Frees 'sw' and leaves the daemons running.  Accepts NULL. */
void slc_ovs_switch_free(struct slc_ovs_switch *sw);

/* The pid written in pid file 'path' if that process is alive, else 0. */
pid_t slc_ovs_pidfile_alive(const char *path);

#endif

/* The harness shared by the C tests of the SDN drivers against a private
 * Open vSwitch (test-sdn-ovs.c, test-sdn-osken.c, test-sdn-onos.c and
 * test-sdn-odl-floodlight.c): checks and their summary, shell commands, a
 * scratch directory holding a userspace switch and network namespaces,
 * the fabric most of them share, pings, the controller (osken-manager or
 * the stand-in of tests/sdn-drivers/standin/) as a child process, and
 * driver calls run to their reply.  Each test keeps only its scenario.
 *
 * One harness per process: a test is one run, and its SIGINT and SIGTERM
 * handler must find what to remove.  Everything made here is removed by
 * sdn_test_cleanup(), by pid and by the names made, also on those signals
 * (KEEP_TMP=1 keeps the scratch directory).
 *
 * The words the scenarios are written in (check, sh, ping, create, out,
 * ...) keep short names so that a test reads as its checks; the harness's
 * own plumbing is sdn_test_*.  Linked only into those test executables. */
#ifndef SDN_TEST_LIB_H
#define SDN_TEST_LIB_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "sdn.h"
#include "slc-error.h"

struct event_base;
struct slc_ovs_switch;

#define SDN_TEST_MAX_NS 8

/* What the scenarios may read of the harness (setup fills it). */
struct sdn_test {
    struct event_base *base;      /* the loop the drivers run on */
    struct slc_ovs_switch *sw;    /* the private switch; a test that
                                     restarts its daemons replaces it */
    char dir[64];                 /* the scratch directory */
    char ns[SDN_TEST_MAX_NS][32]; /* the namespaces' names */
    int rest_port;                /* a free TCP port of 127.0.0.1 for the
                                     controller's REST API */
};
extern struct sdn_test sdn_test;

/* The reply of the last driver call, copied by sdn_test_done(); 'data' is
 * owned here (sdn_test_finish() drops it). */
struct sdn_reply {
    bool done;
    int rc;
    char msg[1200];
    json_t *data;
    char service[64];
    char status[16];
};
extern struct sdn_reply out;

/* ---- checks and commands ---- */

/* Prints "ok: ..." or "FAIL: ..." and counts the check. */
void check(bool ok, const char *fmt, ...) SLC_PRINTF(2, 3);
/* Runs a shell command; its exit status, or -1 if it did not exit. */
int sh(const char *fmt, ...) SLC_PRINTF(1, 2);
/* The first line a shell command prints, as a number (-1 if none). */
long sh_num(const char *fmt, ...) SLC_PRINTF(1, 2);

/* ---- the switch and the namespaces ---- */

struct sdn_test_params {
    const char *name;             /* /tmp/slicer-sdn-<name>-XXXXXX */
    const char *ns_prefix;        /* namespace "x" is <ns_prefix>-x */
    const char *const *ns_names;  /* NULL: a, b, c and vf, as
                                     sdn_test_fabric() plugs them */
    size_t n_ns;                  /* of ns_names, SDN_TEST_MAX_NS at most */
    int subnet;                   /* a point's address 10.<subnet>.0.<n>,
                                     MAC 02:00:00:00:<subnet>:<n> */
};

/* Makes the event base, the scratch directory, a mount of /run/netns of
 * this mount namespace only, the switch (OVS_RUNDIR and friends pointed
 * at it), the namespaces (loopbacks up) and sdn_test.rest_port, after
 * installing the SIGINT and SIGTERM handler that removes them.  0, or -1
 * with whatever was made left for sdn_test_cleanup(). */
int sdn_test_setup(const struct sdn_test_params *p);
/* The fabric of the openflow tests, on the default namespaces: br0
 * (OpenFlow 1.3 only, secure fail mode, datapath id 'dpid_hex') with a,
 * b and c on OpenFlow ports 2, 3 and 4, and a "NIC bridge" nic1
 * (standalone) whose access port tagged 101 holds vf, patched to br0's
 * port 1 by a trunk, as an SR-IOV VF's traffic reaches a switch.  0 or
 * -1. */
int sdn_test_fabric(const char *dpid_hex);
/* Plugs namespace 'i': eth0 with the address and MAC of point 'n', its
 * veth 'veth' on 'bridge' as an access port of VLAN 'tag' when 'tag' is
 * not 0, else at OpenFlow port 'ofport' when that is not 0.  0 or -1. */
int sdn_test_plug(int i, const char *bridge, const char *veth, int tag,
                  int ofport, int n);
/* Namespace 'i' reaches point 'n' (3 pings, 0.2 s apart) / does not
 * (1 ping). */
bool ping(int i, int n);
bool no_ping(int i, int n);
/* A TCP port of 127.0.0.1 nothing listens on, or -1. */
int sdn_test_free_port(void);

/* ---- the controller: one child process at a time ---- */

/* Starts argv[0] (searched in PATH) with 'argv', its output appended to
 * file 'log'.  0, or -1 if it cannot fork. */
int sdn_test_spawn(const char *const argv[], const char *log);
/* Starts the stand-in 'path' as a controller of type 'type' for br0 on
 * sdn_test.rest_port, with Basic credentials 'user' and 'password' (NULL:
 * none) and 'fail_post' as its --fail-post (may be NULL), logging to
 * <dir>/standin-<type>.log; waits until it listens (10 s at most, five
 * tries: a port just left by a killed stand-in may take a few).  0 or
 * -1. */
int sdn_test_standin(const char *path, const char *type, const char *user,
                     const char *password, const char *fail_post);
/* Stops the controller by its pid: 'sig', SIGKILL 5 s later.  No-op when
 * none runs. */
void sdn_test_stop(int sig);

/* ---- the loop and driver calls ---- */

/* Runs the loop for 'ms' milliseconds. */
void run_loop_ms(int ms);
/* The drivers' done callback: copies the result into 'out'. */
void sdn_test_done(void *owner, const struct slc_sdn_result *r);
/* Runs the loop until the pending call replies (20 s at most): its rc,
 * or SLC_ETIMEOUT. */
int wait_done(void);
/* The outcome of a submitted call: its refusal 'rc' (err->msg copied to
 * out.msg), or its reply. */
int outcome(int rc, const struct slc_error *err);
/* Opens a driver of 'class' named 'name' (also its id) for the
 * controller on sdn_test.rest_port; takes 'config'.  The driver, or NULL
 * after a failure line "FAIL: open ..." that counts as a failed check. */
struct slc_sdn *sdn_test_open(const struct slc_sdn_class *class,
                              const char *name, const char *user,
                              const char *password, json_t *config);
/* Driver calls, each run to its reply (see outcome()). */
int check_credentials(struct slc_sdn *sdn);
int create(struct slc_sdn *sdn, const char *tag, const char *type,
           const struct slc_sdn_endpoint *pts, size_t n);
int edit(struct slc_sdn *sdn, const char *service_id,
         const struct slc_sdn_service_spec *spec);
int status(struct slc_sdn *sdn, const char *service_id,
           const json_t *conn_info);
int delete_service(struct slc_sdn *sdn, const char *service_id,
                   const json_t *conn_info);

/* ---- forwarding programs ---- */

/* Program call 'what' ("install" 'text', "remove", else "counters") of
 * program 'id', run to its reply (see outcome()). */
int sdn_test_program(struct slc_sdn *sdn, const char *what, uint32_t id,
                     const char *text);
/* Rule 'i''s packets in the last counters read (-1: none). */
long long sdn_test_packets(size_t i);
/* Reads program 'id''s counters until rule 'i' counts 'min' packets (3 s
 * at most: the switch updates a flow's counters from its datapath's every
 * half second or so); whether the last read succeeded. */
bool sdn_test_counters_reach(struct slc_sdn *sdn, uint32_t id, size_t i,
                             long long min);
/* The groups on br0, and whether one of them shows 'text'. */
long sdn_test_groups(void);
bool sdn_test_has_group(const char *text);
/* Program 7 has carried pings from namespace 'ns' to its point 4 (rule 2:
 * the ICMP rule into group 1793, rule 1: the return): its ICMP flow is
 * deleted on br0 behind the controller's back (flows under dump-flows
 * filter 'cookie'); the driver's audit must put it back, its counters
 * not lower than before and counting on, and describe must count the
 * re-install.  'who' starts the checks' lines. */
void sdn_test_audit_keeps_counters(struct slc_sdn *sdn, const char *who,
                                   const char *cookie, int ns);

/* ---- the end ---- */

/* Stops the controller, deletes the namespaces, stops the switch and
 * removes the scratch directory (unless KEEP_TMP is set).  Safe to call
 * again. */
void sdn_test_cleanup(void);
/* After the test has closed its drivers: drops out.data, cleans up,
 * frees the event base and prints "<n> checks, <m> failed".  The exit
 * status: 0 when no check failed, else 1. */
int sdn_test_finish(void);

#endif

# What the bash tests of the SDN controllers' REST APIs share (sourced
# after setting NAME, the scratch directory's prefix): checks, waits, a
# private userspace Open vSwitch in scratch directory $D with bridge br0
# (netdev datapath, secure fail mode, OpenFlow 1.3 only, datapath id
# $dpid_hex) and its daemons stopped by pid.  The test defines cleanup()
# (calling ovs_test_stop) and runs ovs_test_start once its own helpers
# are defined.
D=$(mktemp -d "/tmp/slicer-$NAME-XXXXXX")
export OVS_RUNDIR=$D OVS_DBDIR=$D OVS_LOGDIR=$D OVS_SYSCONFDIR=$D
export OVS_PKGDATADIR=/usr/share/openvswitch
passed=0
failed=0

check() { # description, then a command that must succeed
    local what=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
        echo "ok: $what"
    else
        failed=$((failed + 1))
        echo "FAIL: $what"
    fi
}
eq() { [ "$1" = "$2" ] || { echo "  got '$1', expected '$2'" >&2; false; }; }
contains() { # TEXT PATTERN
    case $1 in *"$2"*) ;; *) echo "  '$2' not in '$1'" >&2; false ;; esac
}
wait_for() { # TENTHS COMMAND...: until the command succeeds
    local n=$1
    shift
    while [ "$n" -gt 0 ]; do
        "$@" && return 0
        sleep 0.1
        n=$((n - 1))
    done
    false
}
gone() { # PID: exited (a zombie counts: detached daemons are reparented to
    # this script, pid 1 of the namespace, which does not reap them)
    local state
    state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 0
    case $state in '' | Z*) ;; *) false ;; esac
}
stop_ovs() { # NAME [--cleanup]: ask the OVS daemon to exit, then SIGTERM,
    # SIGKILL, by the pid in its pid file
    local pid
    pid=$(cat "$D/$1.pid" 2>/dev/null) || return 0
    ovs-appctl --timeout=5 -t "$D/$1.ctl" exit "${@:2}" 2>/dev/null ||
        kill "$pid" 2>/dev/null
    wait_for 50 gone "$pid" || kill -KILL "$pid" 2>/dev/null
}
ovs_test_stop() { # the switch, then the scratch directory (KEEP_TMP keeps it)
    stop_ovs ovs-vswitchd --cleanup
    stop_ovs ovsdb-server
    if [ -n "${KEEP_TMP:-}" ]; then
        echo "kept $D"
    else
        rm -rf "$D"
    fi
}
ovs_test_start() { # a private /run/netns, the switch and br0
    mount -t tmpfs tmpfs /run/netns 2>/dev/null ||
        { mkdir -p /run/netns && mount -t tmpfs tmpfs /run/netns; }
    ip link set lo up
    ovsdb-tool create "$D/conf.db" "$OVS_PKGDATADIR/vswitch.ovsschema"
    ovsdb-server "$D/conf.db" --remote="punix:$D/db.sock" \
        --pidfile="$D/ovsdb-server.pid" --unixctl="$D/ovsdb-server.ctl" \
        --detach --no-chdir --log-file="$D/ovsdb-server.log" \
        2>>"$D/setup.log"
    ovs-vsctl --no-wait init
    ovs-vswitchd "unix:$D/db.sock" --pidfile="$D/ovs-vswitchd.pid" \
        --unixctl="$D/ovs-vswitchd.ctl" --detach --no-chdir \
        --log-file="$D/ovs-vswitchd.log" --disable-system-route \
        2>>"$D/setup.log"
    ovs-vsctl add-br br0 -- set bridge br0 datapath_type=netdev \
        protocols=OpenFlow13 fail_mode=secure \
        other_config:datapath-id="$dpid_hex"
}
ovs_test_summary() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

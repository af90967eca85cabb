# Sourced by the capture scripts: a private ovsdb-server + ovs-vswitchd
# (dummy datapath) in scratch directory $D, stopped by pid and removed on
# exit, with the pids in $proxy and $client (when set) killed first.
#     start_switch [ovsdb-server --remote options...]
D=$(mktemp -d)
export OVS_RUNDIR=$D OVS_DBDIR=$D OVS_LOGDIR=$D OVS_SYSCONFDIR=$D \
    OVS_PKGDATADIR=/usr/share/openvswitch
proxy=
client=
cleanup() {
    for p in $client $proxy; do kill "$p" 2>/dev/null || true; done
    for p in ovs-vswitchd ovsdb-server; do
        [ -f "$D/$p.pid" ] && kill "$(cat "$D/$p.pid")" 2>/dev/null || true
    done
    sleep 0.3
    rm -rf "$D"
}
trap cleanup EXIT INT TERM
start_switch() {
    ovsdb-tool create "$D/conf.db" /usr/share/openvswitch/vswitch.ovsschema
    ovsdb-server --detach --no-chdir --pidfile --log-file \
        --remote="punix:$D/db.sock" "$@" "$D/conf.db"
    ovs-vsctl --no-wait init
    ovs-vswitchd --enable-dummy=override --detach --no-chdir --pidfile \
        --log-file
}

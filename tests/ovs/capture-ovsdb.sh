#!/bin/sh
# Makes the OVSDB byte captures of tests/ovs/captures/ (ovsdb-*.hex) from a
# real Open vSwitch: a private ovsdb-server + ovs-vswitchd (dummy datapath)
# in a scratch directory, ovsdb-client talking to ovsdb-server through
# capture-proxy.py, which writes every JSON-RPC message both ways.  The
# server listens on loopback TCP too, because it sends inactivity probes
# (echo) only on TCP.  Run as root from the repository:
#     sh tests/ovs/capture-ovsdb.sh [TCP-PORT]
# It stops what it started by pid and removes the scratch directory.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$here/captures
port=${1:-16641}
. "$here/capture-switch.sh"
start_switch --remote="ptcp:$port:127.0.0.1"
ovs-vsctl add-br br0 -- set bridge br0 datapath_type=dummy
ovs-vsctl add-port br0 p1 -- set interface p1 type=dummy ofport_request=1
mkdir -p "$out"
start_proxy() { # NAME: relays $D/proxy.sock to the server's TCP port
    : >"$out/$1.hex.tmp"
    python3 "$here/capture-proxy.py" json "$D/proxy.sock" \
        "tcp:127.0.0.1:$port" "$out/$1.hex.tmp" &
    proxy=$!
    while [ ! -S "$D/proxy.sock" ]; do sleep 0.05; done
}
stop_proxy() { # NAME COMMENT
    sleep 0.2
    kill "$proxy"
    wait "$proxy" 2>/dev/null || true
    proxy=
    rm -f "$D/proxy.sock"
    { echo "# $2"; cat "$out/$1.hex.tmp"; } >"$out/$1.hex"
    rm -f "$out/$1.hex.tmp"
}
cap() { # NAME ovsdb-client-arguments...: one capture per call
    name=$1
    shift
    start_proxy "$name"
    ovsdb-client "$@" || true
    stop_proxy "$name" "ovsdb-client $*"
}
P=unix:$D/proxy.sock
cap ovsdb-select transact "$P" \
    '["Open_vSwitch",{"op":"select","table":"Interface","where":[],"columns":["name","ofport"]}]'
cap ovsdb-op-error transact "$P" \
    '["Open_vSwitch",{"op":"insert","table":"Bridge","row":{"name":"br9"},"uuid-name":"b"},{"op":"mutate","table":"Open_vSwitch","where":[],"mutations":[["bridges","insert",["named-uuid","b"]]]},{"op":"insert","table":"Bridge","row":{"name":"br9","datapath_type":"dummy"},"uuid-name":"c"},{"op":"mutate","table":"Open_vSwitch","where":[],"mutations":[["bridges","insert",["named-uuid","c"]]]}]'
cap ovsdb-bad-table transact "$P" \
    '["Open_vSwitch",{"op":"select","table":"NoSuchTable","where":[]}]'
cap ovsdb-bad-db transact "$P" '["NoSuchDb",{"op":"comment","comment":"x"}]'
# A monitor of Interface {name, ofport} that sees a port come, change its
# ofport, and go; then stays idle past the server's 5 s probe (echo).
start_proxy ovsdb-monitor
ovsdb-client monitor "$P" Open_vSwitch Interface name,ofport >/dev/null &
client=$!
sleep 0.5
ovs-vsctl add-port br0 p9 -- set interface p9 type=dummy ofport_request=9
ovs-vsctl set interface p9 ofport_request=19
sleep 0.3
ovs-vsctl del-port br0 p9
sleep 11
kill "$client"
wait "$client" 2>/dev/null || true
client=
stop_proxy ovsdb-monitor "ovsdb-client monitor $P Open_vSwitch Interface name,ofport; ovs-vsctl add-port br0 p9 ofport_request=9, set ofport_request=19, del-port p9; idle 11 s"
echo "captures in $out"

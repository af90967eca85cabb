#!/bin/sh
# The main job: build slicer, start slicerd on its embedded defaults (a
# private state directory, a free loopback port), and drive it with
# slicectl as an operator would: log in, onboard the templates, create a
# netns VIM account (slicerd starts its own userspace Open vSwitch),
# instantiate a real NS of namespaces and veths, show its records, prove
# connectivity over a VL and isolation between VLs, terminate it and show
# that nothing is left; then the same lifecycle on a sim VIM, with an
# injected failure rolled back.
#
# It runs as root in network, mount and pid namespaces of its own
# (unshare), so the switch, namespaces and processes it makes can never
# outlive it or touch the host's network.
set -eu
if [ "${SLICER_DEMO_INSIDE:-}" != 1 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "demo: run as root (it creates network namespaces)" >&2
        exit 1
    fi
    export SLICER_DEMO_INSIDE=1
    exec unshare --net --mount --pid --fork --mount-proc sh "$0" "$@"
fi
mkdir -p /run/netns
mount -t tmpfs tmpfs /run/netns
ip link set lo up
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build
state=$top/_state/demo
if [ ! -d "$build" ]; then
    meson setup "$build" "$top" --buildtype=release -Dtests=disabled
fi
ninja -C "$build" slicer/slicectl slicer/slicerd \
    vim-drivers/slicer-netns-role >/dev/null
bin=$build/slicer
tpl=$top/templates
rm -rf "$state"
mkdir -p "$state"

step() { printf '\n== %s\n' "$*"; }

pid=
stop() {
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        pid=
    fi
}
trap stop EXIT INT TERM

step "start slicerd (state in $state, log in $state/slicerd.log)"
"$bin/slicerd" --state-dir "$state" --port 0 --port-file "$state/port" \
    >"$state/slicerd.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
    [ -s "$state/port" ] && break
    sleep 0.05
done
port=$(cat "$state/port")
password=$(sed -n "s/.*with password \([0-9a-f]*\).*/\1/p" "$state/slicerd.log")
echo "listening on 127.0.0.1:$port; admin password printed once in the log"
export SLICER_URL=http://127.0.0.1:$port/osm
export SLICER_TOKEN_FILE=$state/token
ctl() { "$bin/slicectl" "$@"; }

step "log in"
ctl login --user admin --password "$password"

step "validate and onboard the templates"
ctl validate "$tpl"/*/*.yaml >/dev/null && echo "all templates valid"
ctl onboard "$tpl"/vnfd/*.yaml "$tpl"/pnfd/*.yaml
ctl onboard "$tpl"/nsd/*.yaml
ctl onboard "$tpl"/nst/*.yaml
ctl list

step "a netns VIM: namespaces on a private userspace Open vSwitch, hosts from templates/infra"
netns=$(ctl vim-create --name local --type netns --url netns://localhost \
    --config "{\"ovs\": \"managed\", \"hosts\": \"$tpl/infra/hosts/compute-1.yaml\"}")
ctl vim-list

step "instantiate the netns demo NS: client, server-a on data-a, server-b alone on data-b"
ctl ns-create --name demo --nsd slicer-netns-demo-ns --vim "$netns" --wait
demo=$(ctl ns-list | awk '$2 == "demo" {print $1}')
ctl ns-list
ctl vnf-list "$demo"
echo "namespaces:"
ip netns list
OVS_RUNDIR=$state/netns-$netns/ovs ovs-vsctl show | sed -n '1,12p'
echo "    ..."

nsof() { ctl vnf-list "$demo" | awk -v m="$1" '$1 == m {print $4}'; }
client=$(nsof client)
step "connectivity: client -> server-a over data-a (10.20.0.20)"
ip netns exec "$client" ping -c 3 -i 0.2 10.20.0.20
step "isolation: client -> server-b (10.20.0.21, same subnet, other VL) must fail"
if ip netns exec "$client" ping -c 2 -i 0.2 -W 1 10.20.0.21; then
    echo "demo: unexpected: data-b is reachable from data-a" >&2
    exit 1
fi
echo "(no reply: the two VLs are isolated segments)"
step "the management network is reachable from the host; server-a answers HTTP"
mgmt=$(ctl vnf-list "$demo" | awk '$1 == "eth0" && $2 != "-" {print $2; exit}')
ping -c 2 -i 0.2 "$mgmt"
ip netns exec "$client" curl -s -m 3 http://10.20.0.20/

step "terminate the netns NS: no namespace, veth or switch port is left"
ctl ns-delete "$demo" --wait
echo "namespaces: $(ip netns list | wc -l)"
echo "ports on br-int: $(OVS_RUNDIR=$state/netns-$netns/ovs ovs-vsctl list-ports br-int | tr '\n' ' ')"
echo "veths: $(ip -br link | grep -c '^s[vp]' || true)"

step "a sim VIM (2 ms per call, 32 vCPUs) and one that fails its 2nd server"
vim=$(ctl vim-create --name sim-dc1 --type sim \
    --config '{"sim": {"latency_ms": 2, "capacity": {"vcpus": 32}}}')
ctl vim-create --name sim-flaky --type sim \
    --config '{"sim": {"fail": [{"call": "create_compute", "nth": 2}]}}' \
    >/dev/null
ctl vim-list

step "instantiate the 5G core NS"
ctl ns-create --name core-1 --nsd slicer-core-ns --vim "$vim" --wait
ctl ns-list

step "the shared core NSD cannot be deleted while an NS uses it"
if ctl delete nsd slicer-core-ns; then
    echo "demo: unexpected: the delete went through" >&2
    exit 1
fi

step "an NS on the flaky VIM rolls back and leaves nothing behind"
if ctl ns-create --name core-2 --nsd slicer-core-ns --vim sim-flaky --wait
then
    echo "demo: unexpected: the flaky VIM did not fail" >&2
    exit 1
fi
ctl ns-list

step "terminate and remove core-1"
ns=$(ctl ns-list | awk '$2 == "core-1" {print $1}')
ctl ns-delete "$ns" --wait
ctl ns-list

step "stop slicerd (SIGTERM)"
stop
echo "done: store in $state"

#!/bin/sh
# The main job, for now: build slicer, start slicerd on its embedded
# defaults (a private state directory, a free loopback port), and drive it
# with slicectl as an operator would: log in, onboard the templates, add a
# sim VIM account, instantiate the 5G core NS, watch an injected
# VIM failure roll back, and terminate.  Later issues grow this into the
# full slice demo (network namespaces and Open vSwitch).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build
state=$top/_state/demo
if [ ! -d "$build" ]; then
    meson setup "$build" "$top" --buildtype=release -Dtests=disabled
fi
ninja -C "$build" slicer/slicectl slicer/slicerd >/dev/null
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

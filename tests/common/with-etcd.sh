#!/bin/bash
# Runs a test with an etcd member of its own: starts one on loopback in a
# directory of its own, runs the command with SLICER_TEST_ETCD=HOST:PORT
# (the store's unit tests and the harness's slicerd then use it), stops it
# by pid and removes the directory, also when the test fails.  Run it in a
# network namespace of its own (meson runs it under unshare -n), so that
# its ports meet no other etcd.
# usage: with-etcd.sh COMMAND [ARGS...]
set -u
d=$(mktemp -d /tmp/slicer-etcd-XXXXXX)
etcd_pid=
cleanup() {
    if [ -n "$etcd_pid" ]; then
        kill "$etcd_pid" 2>/dev/null
        wait "$etcd_pid" 2>/dev/null
    fi
    rm -rf "$d"
}
trap cleanup EXIT
ip link set lo up 2>/dev/null
if ! command -v etcd >/dev/null; then
    echo "with-etcd: needs etcd (Debian's etcd-server; scripts/install-deps.sh installs it)" >&2
    exit 1
fi
etcd --name t1 --data-dir "$d/etcd" --logger=zap --log-outputs="$d/etcd.log" \
    --listen-client-urls http://127.0.0.1:23790 --advertise-client-urls http://127.0.0.1:23790 \
    --listen-peer-urls http://127.0.0.1:23800 --initial-advertise-peer-urls http://127.0.0.1:23800 \
    --initial-cluster t1=http://127.0.0.1:23800 --max-txn-ops 1024 \
    --auto-compaction-mode=revision --auto-compaction-retention=10000 >>"$d/etcd.out" 2>&1 &
etcd_pid=$!
for _ in $(seq 100); do
    curl -sf -X POST -d '{}' http://127.0.0.1:23790/v3/maintenance/status >/dev/null 2>&1 && break
    sleep 0.1
done
SLICER_TEST_ETCD=127.0.0.1:23790 "$@"

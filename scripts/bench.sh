#!/bin/sh
# Builds an optimised, sanitizer-free tree and runs the benchmarks.
# usage: scripts/bench.sh
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build-bench
if [ ! -d "$build" ]; then
    meson setup "$build" "$top" --buildtype=release -Dtests=disabled
fi
ninja -C "$build" bench/bench-parse bench/bench-nbi bench/bench-slice bench/bench-sfc \
    bench/bench-cluster \
    bench/bench-sfc-fabric \
    bench/bench-edge bench/bench-waves bench/bench-sdn \
    slicer/slicerd \
    vim-drivers/slicer-netns-role
files="$top/templates/vnfd/*.yaml $top/templates/nsd/*.yaml
       $top/templates/nst/*.yaml $top/templates/pnfd/*.yaml"
for f in "$top"/../shared/osm-examples/*.yaml; do
    case "$f" in *openvim*) ;; *) files="$files $f" ;; esac
done
# shellcheck disable=SC2086
"$build/bench/bench-parse" 15 $files
echo
# NBI: GET throughput with 10,000 NS records, orchestration overhead on the
# sim VIM, the daemon's memory.
"$build/bench/bench-nbi" "$build/slicer/slicerd" "$top/templates" 10000 8
echo
# slices: instantiate overhead of a 3-subnet NST on the sim VIM, and
# 1,000 concurrent slice requests (total time, peak memory)
"$build/bench/bench-slice" "$build/slicer/slicerd" "$top/templates" 30 1000 32
echo
# etcd: the NBI and slice figures again with slicerd's store on a 3-member
# etcd cluster, with smaller counts than the SQLite runs above (2,000
# records; 10 slices per round, 200 concurrent requests: every write is a
# raft round trip), then bench-cluster: three slicerd on such a cluster
# (creates/s and GET/s through the three, slice instantiate time, failover
# time after a kill -9, median of 10).  Each on a fresh cluster
# (run_on_etcd); a failure is reported and the benchmarks go on.
etcd_members=127.0.0.1:23791,127.0.0.1:23792,127.0.0.1:23793
# run_on_etcd CMD...: runs CMD with a 3-member etcd cluster listening on
# $etcd_members, in namespaces of their own: network (its ports meet no
# other etcd) and pid (nothing CMD started outlives it).
run_on_etcd() {
    # shellcheck disable=SC2016 # the script expands its own variables
    unshare --net --mount --pid --fork --mount-proc sh -c '
        ip link set lo up
        tmp=$(mktemp -d /tmp/bench-etcd-XXXXXX)
        peers=e1=http://127.0.0.1:23801,e2=http://127.0.0.1:23802
        peers=$peers,e3=http://127.0.0.1:23803
        pids=
        for i in 1 2 3; do
            etcd --name "e$i" --data-dir "$tmp/etcd$i" \
                --listen-client-urls "http://127.0.0.1:2379$i" \
                --advertise-client-urls "http://127.0.0.1:2379$i" \
                --listen-peer-urls "http://127.0.0.1:2380$i" \
                --initial-advertise-peer-urls "http://127.0.0.1:2380$i" \
                --initial-cluster "$peers" --initial-cluster-state new \
                --heartbeat-interval 50 --election-timeout 500 \
                --auto-compaction-mode=revision \
                --auto-compaction-retention=10000 \
                >"$tmp/etcd$i.log" 2>&1 &
            pids="$pids $!"
        done
        for _ in $(seq 100); do
            ETCDCTL_API=3 etcdctl --endpoints=127.0.0.1:23791 \
                endpoint health >/dev/null 2>&1 && break
            sleep 0.1
        done
        "$@"
        rc=$?
        # shellcheck disable=SC2086 # a list of pids
        kill $pids
        # shellcheck disable=SC2086
        wait $pids 2>/dev/null
        rm -rf "$tmp"
        exit $rc
    ' sh "$@"
}
if command -v etcd >/dev/null 2>&1; then
    run_on_etcd env BENCH_STORE="etcd://$etcd_members/bench" \
        "$build/bench/bench-nbi" "$build/slicer/slicerd" "$top/templates" \
        2000 8 || echo "bench-nbi on etcd failed (exit $?)" >&2
    echo
    run_on_etcd env BENCH_STORE="etcd://$etcd_members/bench" \
        "$build/bench/bench-slice" "$build/slicer/slicerd" "$top/templates" \
        10 200 32 || echo "bench-slice on etcd failed (exit $?)" >&2
    echo
    run_on_etcd "$build/bench/bench-cluster" "$build/slicer/slicerd" \
        "$top/templates" "$etcd_members" 2000 10 ||
        echo "bench-cluster failed (exit $?)" >&2
    echo
fi
# memory: 10 waves of 200 NSs created, instantiated, terminated and
# deleted by 32 clients at once; RSS after each (goal: last / first <= 1.2)
"$build/bench/bench-waves" "$build/slicer/slicerd" "$top/templates" 10 200
echo
# HTTP edge: latency of normal GETs (new connection each) before and
# while 2,000 slow clients from 4 loopback addresses hold partial requests
# for 10 s
"$build/bench/bench-edge" "$build/slicer/slicerd" 2000 4 10
echo
# SFC: 1,000 chains of 4 hops installed by the ovs SDN driver against
# ovs-ofctl add-flow one flow at a time (a network namespace of its own)
unshare --net "$build/bench/bench-sfc" 1000 4 3
echo
# SFC through SR-IOV: 1,000 chains of 4 hops, two of them on VFs, each a
# program on br-int and one on the fabric: by the ovs driver on both, by
# osken on the fabric (osken-manager, skipped without it), against one
# ovs-ofctl add-flow per flow
unshare --net --mount --pid --fork --mount-proc \
    "$build/bench/bench-sfc-fabric" 1000 3
echo
# SDN assist: ELANs of 2, 10 and 50 points (one internal port each)
# created by the ovs SDN driver, by the osken driver through osken-manager
# (skipped without it), by one ovs-ofctl add-flow per flow and by one
# ovs-ofctl --bundle add-flows; medians of 5 (namespaces of its own)
unshare --net --mount --pid --fork --mount-proc "$build/bench/bench-sdn" 5 "2 10 50"
echo
# netns VIM: instantiate time of N VDUs against an ip/ovs-vsctl script,
# then the SDN-assist overhead per NS (the EPA pair without and with an
# sdn-controller)
ninja -C "$build" vim-drivers/slicer-netns-role >/dev/null
bash "$top/bench/netns.sh" "$build/slicer/slicerd" \
    "$build/vim-drivers/slicer-netns-role" "$top/templates" 3
echo
# OpenStack VIM: OSM's hackfest multi-VDU NS instantiated through slicer on
# the real OpenStack testbed against the same REST calls made one by one
# with curl; medians of 5 (the testbed in namespaces of its own)
if [ -x "$top/../shared/testbeds/openstack/testbed.sh" ]; then
    bash "$top/bench/openstack.sh" "$build/slicer/slicerd" "$top" 5
fi

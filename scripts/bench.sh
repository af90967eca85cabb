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

#!/bin/sh
# Builds an optimised, sanitizer-free tree and runs the benchmarks.
# usage: scripts/bench.sh
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build-bench
if [ ! -d "$build" ]; then
    meson setup "$build" "$top" --buildtype=release -Dtests=disabled
fi
ninja -C "$build" bench/bench-parse
files="$top/templates/vnfd/*.yaml $top/templates/nsd/*.yaml
       $top/templates/nst/*.yaml $top/templates/pnfd/*.yaml"
for f in "$top"/../shared/osm-examples/*.yaml; do
    case "$f" in *openvim*) ;; *) files="$files $f" ;; esac
done
# shellcheck disable=SC2086
"$build/bench/bench-parse" 15 $files

#!/bin/sh
# Builds the libFuzzer target with clang, ASan and UBSan and runs it for
# SECONDS (default 60), seeded with every descriptor we have.  Exits
# non-zero on any crash, leak or sanitizer report.
# usage: scripts/fuzz.sh [SECONDS]
set -eu
seconds=${1:-60}
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build-fuzz
if [ ! -d "$build" ]; then
    CC=clang meson setup "$build" "$top" -Dfuzz=true -Dtests=disabled \
        -Db_sanitize=address,undefined -Db_lundef=false --buildtype=debugoptimized
fi
ninja -C "$build" tests/fuzz/fuzz-model
corpus=$(mktemp -d /tmp/slicer-fuzz-XXXXXX)
trap 'rm -rf "$corpus"' EXIT INT TERM
cp "$top"/templates/*/*.yaml "$top"/tests/malformed/*.yaml "$corpus"/
if [ -d "$top/../shared/osm-examples" ]; then
    cp "$top"/../shared/osm-examples/*.yaml "$corpus"/
fi
cd "$corpus"
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
ASAN_OPTIONS=detect_leaks=1 \
    "$build/tests/fuzz/fuzz-model" -max_total_time="$seconds" \
    -max_len=16384 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$top/build-fuzz/" "$corpus"

#!/bin/sh
# The main job, for now: build slicer, validate the bundled templates, and
# onboard them into a fresh catalogue, showing what is stored and that a
# descriptor in use cannot be deleted.  Later issues grow this into the
# full slice demo (slicerd, NS instances on namespaces and Open vSwitch).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build
state=$top/_state
if [ ! -d "$build" ]; then
    meson setup "$build" "$top" --buildtype=release -Dtests=disabled
fi
ninja -C "$build" slicer/slicectl >/dev/null
slicectl=$build/slicer/slicectl
tpl=$top/templates
mkdir -p "$state"
store=$state/demo.db
rm -f "$store" "$store-wal" "$store-shm"

step() { printf '\n== %s\n' "$*"; }

step "validate the templates"
"$slicectl" validate "$tpl"/*/*.yaml

step "onboard them (VNFDs and the PNFD, then NSDs, then NSTs)"
"$slicectl" --store "$store" onboard "$tpl"/vnfd/*.yaml "$tpl"/pnfd/*.yaml
"$slicectl" --store "$store" onboard "$tpl"/nsd/*.yaml
"$slicectl" --store "$store" onboard "$tpl"/nst/*.yaml

step "the catalogue"
"$slicectl" --store "$store" list

step "the eMBB slice template as stored (SOL006 JSON + _id/_admin)"
"$slicectl" --store "$store" show nst slicer-embb-slice | head -40

step "the shared core cannot be deleted while slices use it"
if "$slicectl" --store "$store" delete nsd slicer-core-ns; then
    echo "demo: unexpected: the delete went through" >&2
    exit 1
fi

step "done: catalogue in $store"

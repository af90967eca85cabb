#!/bin/sh
# Tests of the slicectl executable: exit codes and output of validate and
# of the catalogue commands on a temporary store.
# usage: test-slicectl.sh SLICECTL SOURCE_DIR
set -u
slicectl=$1
src=$2
examples=$src/../shared/osm-examples
tmp=$(mktemp -d /tmp/slicer-cli-XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
passed=0
failed=0

check() { # description, then a command that must succeed
    what=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $what"
    fi
}

run() { # exit code of a command, output in $tmp/out and $tmp/err
    "$@" >"$tmp/out" 2>"$tmp/err"
    echo $?
}

# validate: templates are clean
check "templates validate" test "$(run "$slicectl" validate "$src"/templates/*/*.yaml)" = 0
check "21 templates OK" test "$(grep -c '^OK ' "$tmp/out")" = 21
check "no warnings on templates" test ! -s "$tmp/err"

# validate: the examples include two non-descriptors, so it fails
check "examples exit 1" test "$(run "$slicectl" validate "$examples"/*.yaml)" = 1
check "examples OK lines" test "$(grep -c '^OK ' "$tmp/out")" = 19
check "flavor named" grep -q "openvim_flavor_5PTh_8G_2I.yaml:24:5: error: not a descriptor" "$tmp/err"

# validate: a malformed file gives its position and no OK
check "malformed exit 1" test "$(run "$slicectl" validate "$src/tests/malformed/dangling-mgmt-cp.yaml")" = 1
check "malformed no OK" test ! -s "$tmp/out"
check "malformed position" grep -q "dangling-mgmt-cp.yaml:6:12: error: vnfd 't-vnf': vnfd\[0\].mgmt-cp: 'nope-ext' names no ext-cpd" "$tmp/err"
check "missing file exit 1" test "$(run "$slicectl" validate /nonexistent.yaml)" = 1
check "usage error exit 1" test "$(run "$slicectl" frobnicate)" = 1

# catalogue on a store file
store="$tmp/cat.db"
check "nsd before vnfd refused" test "$(run "$slicectl" --store "$store" onboard "$examples/hackfest_basic_nsd.yaml")" = 2
check "missing vnfd named" grep -q "not onboarded: vnfd 'hackfest_basic-vnf'" "$tmp/err"
check "onboard vnfd+nsd" test "$(run "$slicectl" --store "$store" onboard "$examples/hackfest_basic_vnfd.yaml" "$examples/hackfest_basic_nsd.yaml")" = 0
check "onboard output" test "$(grep -c '^onboarded ' "$tmp/out")" = 2
check "list" test "$(run "$slicectl" --store "$store" list)" = 0
check "list rows" test "$(grep -c -E '^(vnfd|nsd) ' "$tmp/out")" = 2
check "list json" test "$(run "$slicectl" --store "$store" --json list vnfd)" = 0
check "list json id" grep -q '"id": "hackfest_basic-vnf"' "$tmp/out"
check "show" test "$(run "$slicectl" --store "$store" show vnfd hackfest_basic-vnf)" = 0
check "show admin" grep -q '"onboardingState": "ONBOARDED"' "$tmp/out"
check "delete in use" test "$(run "$slicectl" --store "$store" delete vnfd hackfest_basic-vnf)" = 2
check "delete names user" grep -q "in use by nsd 'hackfest_basic-ns'" "$tmp/err"
check "delete nsd" test "$(run "$slicectl" --store "$store" delete nsd hackfest_basic-ns)" = 0
check "delete vnfd" test "$(run "$slicectl" --store "$store" delete vnfd hackfest_basic-vnf)" = 0
check "show gone" test "$(run "$slicectl" --store "$store" show vnfd hackfest_basic-vnf)" = 2
check "bad kind" test "$(run "$slicectl" --store "$store" show vnf x)" = 1

echo "$passed passed, $failed failed"
test "$failed" = 0

#!/bin/sh
# Builds slicer with AddressSanitizer and UndefinedBehaviorSanitizer, runs
# the whole test suite, then the fuzzer for FUZZ_SECONDS (default 60).
# Ends with one line "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build-test
log=$(mktemp /tmp/slicer-test-XXXXXX)
trap 'rm -f "$log"' EXIT INT TERM

# The OpenStack testbed that the openstack VIM driver's test runs against
# (../shared/testbeds/openstack: Keystone, Nova, Neutron, Glance and
# Placement from Debian's packages, RabbitMQ, MariaDB; about 300 packages,
# which only this test needs), when it is beside the repository.
testbed=$top/../shared/testbeds/openstack/install.sh
if [ -x "$testbed" ] && [ "$(id -u)" -eq 0 ]; then
    "$testbed" || exit 1
fi

if [ ! -d "$build" ]; then
    meson setup "$build" "$top" -Db_sanitize=address,undefined \
        -Db_lundef=false --buildtype=debugoptimized -Dtests=enabled || exit 1
fi
ninja -C "$build" || exit 1
meson test -C "$build" --print-errorlogs --num-processes 2 2>&1 | tee "$log"
ok=$(sed -n 's/^Ok: *\([0-9]*\).*/\1/p' "$log")
fail=$(sed -n 's/^Fail: *\([0-9]*\).*/\1/p' "$log")
timeouts=$(sed -n 's/^Timeout: *\([0-9]*\).*/\1/p' "$log")
passed=${ok:-0}
failed=$(( ${fail:-1} + ${timeouts:-0} ))

echo "== fuzzing the descriptor path for ${FUZZ_SECONDS:-60} s"
if "$top/scripts/fuzz.sh" "${FUZZ_SECONDS:-60}" >"$log" 2>&1; then
    passed=$((passed + 1))
    grep -E '^(Done|stat::number_of_executed_units)' "$log"
else
    failed=$((failed + 1))
    tail -40 "$log"
    echo "FAIL: fuzzer found a problem (artifact in build-fuzz/)"
fi
echo "$passed passed, $failed failed"
test "$failed" -eq 0

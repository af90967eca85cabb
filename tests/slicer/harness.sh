# The shared part of the bash tests of slicerd: a temporary directory,
# a cleanup that stops the daemon by pid and removes the directory (on
# exit and on interruption), and the check/eq assertions with a summary.
# Sourced after setting 'name'; the test sets 'pid' when it starts slicerd
# and calls 'summary' last.
tmp=$(mktemp -d "/tmp/slicer-$name-XXXXXX")
pid=
cleanup() {
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    fi
    [ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
passed=0
failed=0

check() { # description, then a command that must succeed
    local what=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $what"
    fi
}

eq() { [ "$1" = "$2" ] || { echo "  got '$1', expected '$2'" >&2; false; }; }

summary() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

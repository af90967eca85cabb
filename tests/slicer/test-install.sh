#!/bin/bash
# Installing slicer as a service (issue 25): `meson install` into a staging
# root puts the programs, the templates, a commented default configuration
# and a systemd unit; the unit passes systemd-analyze verify with no
# complaint and its exposure stays MEDIUM or better; the installed
# slicerd starts on the installed configuration and answers.
# Everything it starts is stopped by pid; the staging root is removed.
# usage: test-install.sh BUILD_DIR SOURCE_DIR
set -u
build=$1
src=$2
name=install
# shellcheck source=harness.sh
. "$(dirname "$0")/harness.sh"

root=$tmp/root
DESTDIR=$root meson install -C "$build" --no-rebuild --quiet >"$tmp/install.log" 2>&1
check "meson install into a staging root: exit 0" test $? = 0
bin=$(dirname "$(find "$root" -path '*/bin/slicerd' | head -1)")
prefix=${bin%/bin}
unit=$(find "$root" -path '*/systemd/system/slicerd.service' | head -1)
conf=$(find "$root" -path '*/slicer/slicerd.yaml' | head -1)
check "slicerd, slicectl and the netns role helper are installed" \
    test -x "$bin/slicerd" -a -x "$bin/slicectl" -a -x "$bin/slicer-netns-role"
check "the templates, the NSSMF's too" \
    test -f "$prefix/share/slicer/templates/nst/embb_slice_nst.yaml" -a -f "$prefix/share/slicer/templates/nssmf/embb_core_nst.yaml"
check "a commented default configuration" test -n "$conf" -a "$(grep -c '^#' "$conf")" -gt 20
check "a systemd unit starting the installed slicerd on it" \
    eq "$(sed -n 's/^ExecStart=//p' "$unit")" "${bin#"$root"}/slicerd -c ${conf#"$root"}"

# the unit as systemd reads it (its ExecStart pointed at the staged binary)
sed "s|^ExecStart=[^ ]*|ExecStart=$bin/slicerd|" "$unit" >"$tmp/slicerd.service"
systemd-analyze verify "$tmp/slicerd.service" >"$tmp/verify.out" 2>&1
check "systemd-analyze verify: exit 0, nothing to say" test $? = 0 -a ! -s "$tmp/verify.out"
[ -s "$tmp/verify.out" ] && cat "$tmp/verify.out" >&2
exposure=$(systemd-analyze security --offline=true "$tmp/slicerd.service" 2>/dev/null |
    sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p')
check "its exposure with the netns VIM's capabilities: at most 6.0 ($exposure)" \
    awk -v e="${exposure:-99}" 'BEGIN { exit !(e <= 6.0) }'
printf '[Service]\nExecStart=/bin/true\nProtectSystem=bogus\n' >"$tmp/bad.service"
systemd-analyze verify "$tmp/bad.service" >"$tmp/bad.out" 2>&1
check "(a unit with a bad value does make verify speak)" test -s "$tmp/bad.out"

# the installed daemon on the installed configuration (plus where to put
# its state and port in this test)
{
    cat "$conf"
    echo "port: 0"
    echo "port_file: $tmp/port"
    echo "state_dir: $tmp/state"
    echo "tls: off"
    echo "admin_password: test-secret"
} >"$tmp/slicerd.yaml"
slicerd=$bin/slicerd
start
req GET /version
check "the installed slicerd answers on its configuration" eq "$code" 200
login
yreq /vnfpkgm/v1/vnf_packages_content "$prefix/share/slicer/templates/vnfd/core_vnfd.yaml"
check "... and onboards an installed template" eq "$code" 201
stop_clean
summary

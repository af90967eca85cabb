#!/bin/bash
# Two slicerd in one network namespace (issue 19, section 7).  The first
# runs a netns VIM account with its managed Open vSwitch and an NS on it.
# The userspace datapath's device is always "ovs-netdev", so a second
# managed switch in the same namespace cannot work: the second daemon's
# netns account is refused (422 with the reason and the way out) and
# nothing is stored; a sim account there works.  Then the first daemon
# terminates its NS and stops: no tap device, address, route or process of
# its switch stays behind.
#
# It must run as root in network, mount and pid namespaces of its own
# (meson runs it under "unshare -n -m -p -f --mount-proc").
# usage: test-netns-two.sh SLICERD SOURCE_DIR
set -u
slicerd=$1
src=$2
tpl=$src/templates
name=netns-two
# shellcheck source=../slicer/harness.sh
. "$(dirname "$0")/../slicer/harness.sh"

own_namespaces test-netns-two

# the second daemon: its own directory, stopped by pid at exit too
tmp2=$(mktemp -d /tmp/slicer-netns-two-b-XXXXXX)
pid2=
cleanup_two() {
    if [ -n "$pid2" ]; then
        kill "$pid2" 2>/dev/null
        wait "$pid2" 2>/dev/null
    fi
    rm -rf "$tmp2"
    cleanup
}
trap cleanup_two EXIT

# --- the first daemon, its switch and an NS
config
start
login
yreq /vnfpkgm/v1/vnf_packages_content "$tpl/vnfd/host_vnfd.yaml"
yreq /nsd/v1/ns_descriptors_content "$tpl/nsd/netns_demo_nsd.yaml"
jreq POST /admin/v1/vim_accounts "{\"name\":\"a\",\"vim_type\":\"netns\",\"vim_url\":\"netns://localhost\",\"config\":{\"ovs\":\"managed\",\"hosts\":\"$tpl/infra/hosts/compute-1.yaml\"}}"
check "first daemon: netns account 201" eq "$code" 201
vim=$(field .id)
jreq POST /nslcm/v1/ns_instances_content "{\"nsName\":\"d\",\"nsdId\":\"slicer-netns-demo-ns\",\"vimAccountId\":\"$vim\"}"
ns=$(field .id)
wait_op "$(field .nslcmop_id)"
check "first daemon: NS instantiated" eq "$state" COMPLETED
check "its switch's datapath device exists" ip link show ovs-netdev >/dev/null

# --- the second daemon in the same network namespace
a_tmp=$tmp a_pid=$pid a_base=$base a_tok=$tok a_ca=$CURL_CA_BUNDLE
tmp=$tmp2
config
start
pid2=$pid
login
jreq POST /admin/v1/vim_accounts '{"name":"b","vim_type":"netns","vim_url":"netns://localhost","config":{"ovs":"managed"}}'
check "second daemon: a managed netns account is refused: 422" eq "$code" 422
check "the reason names the datapath device" grep -q "ovs-netdev" "$tmp/body"
check "and the way out" grep -q "ovs: unix:" "$tmp/body"
req GET /admin/v1/vim_accounts
check "nothing stored" eq "$(field length)" 0
jreq POST /admin/v1/vim_accounts '{"name":"b","vim_type":"netns","vim_url":"netns://localhost"}'
check "the default (managed) is refused too" eq "$code" 422
jreq POST /admin/v1/vim_accounts '{"name":"s","vim_type":"sim","vim_url":"sim://"}'
check "a sim account on the second daemon: 201" eq "$code" 201
kill -TERM "$pid2"
wait "$pid2"
check "second daemon: SIGTERM, exit 0" eq $? 0
pid2=
check "second daemon: no sanitizer report" test "$(grep -c -E 'AddressSanitizer|LeakSanitizer|runtime error' "$tmp/log")" = 0
tmp=$a_tmp pid=$a_pid base=$a_base tok=$a_tok
export CURL_CA_BUNDLE=$a_ca SLICER_STATE_DIR=$a_tmp/state

# --- the first daemon still works, then goes away cleanly
jreq POST /admin/v1/vim_accounts '{"name":"a2","vim_type":"netns","vim_url":"netns://localhost"}'
check "a second managed account of the same daemon is refused too" eq "$code" 422
jreq PATCH "/admin/v1/vim_accounts/$vim" '{"description":"its own switch"}'
check "the account whose switch it is can still be changed: 204" eq "$code" 204
ns_down "$ns"
check "first daemon: terminate COMPLETED" eq "$state" COMPLETED
kill -TERM "$pid"
wait "$pid"
check "first daemon: SIGTERM, exit 0" eq $? 0
pid=
check "no device but lo left" eq "$(ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')" "lo "
check "no address but loopback's left" eq "$(ip -o addr show | awk '$2 != "lo"' | wc -l)" 0
check "no route left" eq "$(ip route show | wc -l)" 0
check "no namespace left" eq "$(ip netns list | wc -l)" 0
check "no process of the switch left" test -z "$(ps -e -o comm= | grep -E 'ovs|slicer')"
check "no sanitizer report" test "$(grep -c -E 'AddressSanitizer|LeakSanitizer|runtime error' "$tmp/log")" = 0
summary

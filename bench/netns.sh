#!/bin/bash
# bench/netns: time to instantiate an NS of N VDUs (N = 1, 10, 50) on the
# netns VIM, against bench/netns-baseline.sh doing the same kernel and
# switch work with ip, ethtool and ovs-vsctl (one namespace per VDU, one
# veth per interface moved in with its address, tx checksum off, an access
# port on br-int in the VL's VLAN, the role process started).
#
# Each VDU is a slicer-host (2 interfaces: management and data).  slicer's
# figure is the operation's own endTime - startTime; the switch is started
# by a warm-up NS first, as the baseline's switch is started before its
# clock runs.  Medians of ROUNDS rounds; the ratio is slicer / script.
#
# Then the overhead of SDN assist per NS: the instantiate time of
# templates/nsd/epa_pair_nsd.yaml (two slicer-epa-dataplane VNFs, whose
# SR-IOV VF and passthrough NIC only an SDN controller joins: two
# E-LINEs on the fabric switch br-fabric) on the account with the hosts of
# templates/infra, without an sdn-controller and then with the embedded
# ovs driver and templates/infra/sdn/port-mapping.yaml; each after a
# warm-up NS, medians of ROUNDS.
# Root; runs in network, mount and pid namespaces of its own.
# usage: bench/netns.sh SLICERD ROLE_HELPER TEMPLATES [ROUNDS]
set -eu
if [ "${SLICER_BENCH_INSIDE:-}" != 1 ]; then
    export SLICER_BENCH_INSIDE=1
    exec unshare --net --mount --pid --fork --mount-proc bash "$0" "$@"
fi
slicerd=$1
role=$2
tpl=$(cd "$3" && pwd)
rounds=${4:-3}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p /run/netns
mount -t tmpfs tmpfs /run/netns
ip link set lo up
tmp=$(mktemp -d /tmp/slicer-bench-netns-XXXXXX)
pid=
cleanup() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

# an NSD of N slicer-host VNFs on a management VL and one data VL
nsd() {
    local n=$1 i
    printf 'nsd:\n  nsd:\n    - id: bench-%s\n      name: bench-%s\n' "$n" "$n"
    printf '      version: "1.0"\n      vnfd-id: [slicer-host]\n'
    printf '      virtual-link-desc:\n        - {id: mgmt, mgmt-network: true}\n        - {id: data}\n'
    printf '      df:\n        - id: default-df\n          vnf-profile:\n'
    for i in $(seq "$n"); do
        printf '            - id: h%s\n              vnfd-id: slicer-host\n' "$i"
        printf '              virtual-link-connectivity:\n'
        printf '                - virtual-link-profile-id: mgmt\n                  constituent-cpd-id:\n'
        printf '                    - {constituent-base-element-id: h%s, constituent-cpd-id: host-mgmt-ext}\n' "$i"
        printf '                - virtual-link-profile-id: data\n                  constituent-cpd-id:\n'
        printf '                    - {constituent-base-element-id: h%s, constituent-cpd-id: host-data-ext}\n' "$i"
    done
}

cat >"$tmp/slicerd.yaml" <<CFG
port: 0
port_file: $tmp/port
state_dir: $tmp/state
admin_password: bench
log_level: warn
tls: off
files_dir: $tpl
CFG
"$slicerd" -c "$tmp/slicerd.yaml" >"$tmp/log" 2>&1 &
pid=$!
for _ in $(seq 200); do [ -s "$tmp/port" ] && break; sleep 0.05; done
base=http://127.0.0.1:$(cat "$tmp/port")/osm
tok=$(curl -s -H 'Content-Type: application/json' -H 'Accept: application/json' \
    -d '{"username":"admin","password":"bench"}' "$base/admin/v1/tokens" | jq -r .id)
api() { curl -s -H "Authorization: Bearer $tok" -H 'Accept: application/json' "$@"; }
api -H 'Content-Type: application/yaml' --data-binary "@$tpl/vnfd/host_vnfd.yaml" \
    "$base/vnfpkgm/v1/vnf_packages_content" >/dev/null
for n in 1 10 50; do
    nsd "$n" >"$tmp/nsd-$n.yaml"
    api -H 'Content-Type: application/yaml' --data-binary "@$tmp/nsd-$n.yaml" \
        "$base/nsd/v1/ns_descriptors_content" >/dev/null
done
vim=$(api -H 'Content-Type: application/json' \
    -d '{"name":"bench","vim_type":"netns","vim_url":"netns://","config":{"ovs":"managed"}}' \
    "$base/admin/v1/vim_accounts" | jq -r .id)

# instantiate NS NAME of NSD on VIM, print the operation's duration in ms,
# check that jq filter CHECK (if given) is true of the NS record, terminate
ns_ms() {
    local name=$1 nsd=$2 vim=$3 check=${4:-} reply ns op st
    reply=$(api -H 'Content-Type: application/json' \
        -d "{\"nsName\":\"$name\",\"nsdId\":\"$nsd\",\"vimAccountId\":\"$vim\"}" \
        "$base/nslcm/v1/ns_instances_content")
    ns=$(echo "$reply" | jq -r .id)
    op=$(echo "$reply" | jq -r .nslcmop_id)
    while :; do
        api "$base/nslcm/v1/ns_lcm_op_occs/$op" >"$tmp/op"
        st=$(jq -r .operationState "$tmp/op")
        [ "$st" = PROCESSING ] || break
        sleep 0.02
    done
    [ "$st" = COMPLETED ] || { echo "bench: instantiate $name: $st" >&2; exit 1; }
    jq -r '((.endTime - .startTime) * 1000 | floor)' "$tmp/op"
    if [ -n "$check" ] && [ "$(api "$base/nslcm/v1/ns_instances/$ns" | jq "$check")" != true ]; then
        echo "bench: $name: not true of the NS: $check" >&2
        exit 1
    fi
    op=$(api -X DELETE "$base/nslcm/v1/ns_instances_content/$ns" | jq -r .id)
    while [ "$(api "$base/nslcm/v1/ns_lcm_op_occs/$op" | jq -r .operationState)" = PROCESSING ]; do
        sleep 0.02
    done
}
# instantiate NS of N VDUs (as ns_ms)
slicer_ms() { ns_ms "b$1" "bench-$1" "$vim"; }
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

slicer_ms 1 >/dev/null # warm-up: starts the switch
ovsdir=$tmp/state/netns-$vim/ovs
printf '%-6s %12s %12s %8s\n' VDUs "slicer ms" "script ms" ratio
for n in 1 10 50; do
    s=$(for _ in $(seq "$rounds"); do slicer_ms "$n"; done | median)
    b=$(for _ in $(seq "$rounds"); do
        OVS_RUNDIR=$ovsdir bash "$here/netns-baseline.sh" "$n" "$role"
    done | median)
    printf '%-6s %12s %12s %8s\n' "$n" "$s" "$b" \
        "$(awk -v s="$s" -v b="$b" 'BEGIN {printf "%.2f", s / b}')"
done

# SDN assist: the EPA pair on the account with the hosts of templates/infra
# (config is replaced whole by a PATCH), without and with an sdn-controller
api -H 'Content-Type: application/yaml' --data-binary "@$tpl/vnfd/epa_dataplane_vnfd.yaml" \
    "$base/vnfpkgm/v1/vnf_packages_content" >/dev/null
api -H 'Content-Type: application/yaml' --data-binary "@$tpl/nsd/epa_pair_nsd.yaml" \
    "$base/nsd/v1/ns_descriptors_content" >/dev/null
hosts="\"ovs\":\"managed\",\"hosts\":[\"$tpl/infra/hosts/compute-1.yaml\",\"$tpl/infra/hosts/edge-1.yaml\"]"
patch_vim() {
    [ "$(api -o "$tmp/body" -w '%{http_code}' -X PATCH -H 'Content-Type: application/json' \
        -d "{\"config\":{$1}}" "$base/admin/v1/vim_accounts/$vim")" = 204 ] ||
        { echo "bench: vim account config: $(cat "$tmp/body")" >&2; exit 1; }
}
epa_ms() { # N SDN services each NS must have -> warm-up, median of ROUNDS
    local check i ms=
    check="[.vld[].vim_info // {} | to_entries[] | select(.key | startswith(\"sdn:\"))
            | .value.vim_status] | length == $1 and all(. == \"ACTIVE\")"
    ns_ms epa-warm-up slicer-epa-pair-ns "$vim" "$check" >/dev/null || exit 1
    for i in $(seq "$rounds"); do
        ms="$ms $(ns_ms "epa-$i" slicer-epa-pair-ns "$vim" "$check")" || exit 1
    done
    # shellcheck disable=SC2086
    printf '%s\n' $ms | median
}
patch_vim "$hosts"
plain=$(epa_ms 0)
mapping=$(python3 -c 'import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))' \
    "$tpl/infra/sdn/port-mapping.yaml" 2>/dev/null) ||
    mapping='[{"compute_node":"compute-1","ports":[
      {"pci":"0000:3b:00.0","switch_id":"br-fabric","switch_port":"1"},
      {"pci":"0000:3b:0[23].[0-7]","switch_id":"br-fabric","switch_port":"1"},
      {"pci":"0000:3b:00.1","switch_id":"br-fabric","switch_port":"2"},
      {"pci":"0000:af:00.1","switch_id":"br-fabric","switch_port":"4"},
      {"pci":"0000:af:0[0-2].[0-7]","switch_id":"br-fabric","switch_port":"3"}]},
     {"compute_node":"edge-1","ports":[
      {"pci":"0000:01:0[0-2].[0-7]","switch_id":"br-fabric","switch_port":"11"}]}]'
[ "$(api -o "$tmp/body" -w '%{http_code}' -H 'Content-Type: application/json' \
    -d '{"name":"fabric","type":"ovs","config":{"bridge":"br-fabric"}}' \
    "$base/admin/v1/sdns")" = 201 ] || { echo "bench: sdn controller: $(cat "$tmp/body")" >&2; exit 1; }
patch_vim "$hosts,\"sdn-controller\":\"fabric\",\"sdn-port-mapping\":$mapping"
sdn=$(epa_ms 2)
echo
echo "SDN assist, EPA pair NS (2 VNFs, 2 E-LINEs on br-fabric), medians of $rounds:"
printf '  %-24s %6s ms\n' "without sdn-controller" "$plain" "with sdn-controller" "$sdn"
awk -v p="$plain" -v s="$sdn" \
    'BEGIN {printf "  %-24s %6d ms (%+.1f %%)\n", "overhead", s - p, (s - p) * 100 / p}'

#!/bin/bash
# bench/openstack: time to instantiate OSM's hackfest multi-VDU NS (its two
# VLs on the operator's network osm-ext found by name, an internal network
# with its subnet, 4 ports, a flavor, 2 servers) through slicer on
# the real OpenStack testbed (../shared/testbeds/openstack), against the
# same REST calls made one by one with curl, each waited for before the
# next (a server polled until ACTIVE every 0.7 s, slicer's own interval).
#
# slicer's figure is the wall time from the instantiate request to the
# operation seen COMPLETED (polled every 50 ms); the script's, its calls
# from the image look-up to the second server ACTIVE with its ports read.
# Both start without the flavor (each round deletes it with its servers)
# and with the image known.  Medians of ROUNDS; the ratio is slicer /
# script.  Brings the testbed up itself, in namespaces of its own.
# usage: bench/openstack.sh SLICERD SOURCE_DIR [ROUNDS]
set -u
slicerd=$1
src=$(cd "$2" && pwd)
rounds=${3:-5}
if [ -z "${OS_AUTH_URL:-}" ]; then
    OSTB_STATE=$(mktemp -d /tmp/slicer-ostb-XXXXXX)
    export OSTB_STATE
    "$src/../shared/testbeds/openstack/testbed.sh" bash "$0" "$slicerd" "$src" "$rounds"
    rc=$?
    rm -rf "$OSTB_STATE"
    exit $rc
fi
name=bench-openstack
. "$src/tests/slicer/harness.sh"

. "$src/tests/vim/openstack-lib.sh"
os_token
image ubuntu20.04
# the operator's network that the NSD's VLs name (vim-network-name)
ext=$(os POST "$NEUTRON/networks" '{"network":{"name":"osm-ext"}}' | jq -r .network.id)
os POST "$NEUTRON/subnets" '{"subnet":{"network_id":"'"$ext"'","ip_version":4,"cidr":"172.21.18.0/24"}}' >/dev/null
now() { date +%s.%N; }
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# ---- the script: the same calls, one at a time ----
script_round() {
    local t0 id net sub ports=() servers=() nets=() n i
    t0=$(now)
    os GET "$GLANCE/images?name=in:%22ubuntu20.04%22" >/dev/null
    os GET "$NOVA/flavors/detail?is_public=None" >/dev/null
    fl=$(os POST "$NOVA/flavors" '{"flavor":{"name":"bench-flavor","vcpus":1,"ram":1024,"disk":10}}' | jq -r .flavor.id)
    # mgmtnet and datanet are the operator's osm-ext (vim-network-name)
    for n in mgmtnet datanet; do
        nets+=("$(os GET "$NEUTRON/networks?name=osm-ext" | jq -r '.networks[0].id')")
    done
    net=$(os POST "$NEUTRON/networks" '{"network":{"name":"bench-internal","description":"bench"}}' | jq -r .network.id)
    os POST "$NEUTRON/subnets" '{"subnet":{"network_id":"'"$net"'","ip_version":4,"cidr":"192.168.7.0/24"}}' >/dev/null
    nets+=("$net")
    # mgmtVM: mgmtnet (.81) + internal; dataVM: datanet (.82) + internal
    ports+=("$(os POST "$NEUTRON/ports" '{"port":{"network_id":"'"${nets[0]}"'","fixed_ips":[{"ip_address":"172.21.18.81"}]}}' | jq -r .port.id)")
    ports+=("$(os POST "$NEUTRON/ports" '{"port":{"network_id":"'"$net"'"}}' | jq -r .port.id)")
    ports+=("$(os POST "$NEUTRON/ports" '{"port":{"network_id":"'"${nets[1]}"'","fixed_ips":[{"ip_address":"172.21.18.82"}]}}' | jq -r .port.id)")
    ports+=("$(os POST "$NEUTRON/ports" '{"port":{"network_id":"'"$net"'"}}' | jq -r .port.id)")
    for i in 0 2; do
        id=$(os POST "$NOVA/servers" '{"server":{"name":"bench-'$i'","imageRef":"'"$img"'","flavorRef":"'"$fl"'","networks":[{"port":"'"${ports[$i]}"'"},{"port":"'"${ports[$((i + 1))]}"'"}]}}' | jq -r .server.id)
        servers+=("$id")
        while [ "$(os GET "$NOVA/servers/$id" | jq -r .server.status)" = BUILD ]; do
            sleep 0.7
        done
        os GET "$NEUTRON/ports?device_id=$id" >/dev/null
    done
    awk -v a="$t0" -v b="$(now)" 'BEGIN {printf "%.2f\n", b - a}'
    # not timed: everything goes
    for id in "${servers[@]}"; do os DELETE "$NOVA/servers/$id"; done
    for id in "${servers[@]}"; do
        while [ "$(os GET "$NOVA/servers/$id" | jq -r '.server.status // "gone"')" != gone ]; do sleep 0.3; done
    done
    for id in "${ports[@]}"; do os DELETE "$NEUTRON/ports/$id"; done
    os DELETE "$NEUTRON/networks/$net"
    os DELETE "$NOVA/flavors/$fl"
}

# ---- slicer ----
config "tls: off"
start
login
jreq POST /admin/v1/vim_accounts "{\"name\":\"os\",\"vim_type\":\"openstack\",\"vim_url\":\"$OS_AUTH_URL\",\"vim_user\":\"$OS_USERNAME\",\"vim_password\":\"$OS_PASSWORD\",\"vim_tenant_name\":\"$OS_PROJECT_NAME\"}"
vim=$(field .id)
onboard vnfd "$src/../shared/osm-examples/hackfest_multivdu_vnfd.yaml"
onboard nsd "$src/../shared/osm-examples/hackfest_multivdu_nsd.yaml"
params='{}'
slicer_round() {
    local t0 op
    jreq POST /nslcm/v1/ns_instances "{\"nsName\":\"b\",\"nsdId\":\"hackfest_multivdu-ns\",\"vimAccountId\":\"$vim\"}"
    ns=$(field .id)
    t0=$(now)
    jreq POST "/nslcm/v1/ns_instances/$ns/instantiate" "$params"
    op=$(field .id)
    while req GET "/nslcm/v1/ns_lcm_op_occs/$op" && [ "$(field .operationState)" = PROCESSING ]; do
        sleep 0.05
    done
    [ "$(field .operationState)" = COMPLETED ] || { echo "instantiate $(field .operationState): $(field .errorMessage)" >&2; exit 1; }
    awk -v a="$t0" -v b="$(now)" 'BEGIN {printf "%.2f\n", b - a}'
    ns_down "$ns" # not timed
}

# one of each first, not counted (caches, first token)
slicer_round >/dev/null
script_round >/dev/null
s_times=() c_times=()
for ((r = 0; r < rounds; r++)); do
    s_times+=("$(slicer_round)")
    c_times+=("$(script_round)")
done
s=$(printf '%s\n' "${s_times[@]}" | median)
c=$(printf '%s\n' "${c_times[@]}" | median)
echo "openstack: hackfest multi-VDU NS instantiate (2 networks found, 1 made, 4 ports, a flavor, 2 servers), medians of $rounds"
echo "  slicer:           ${s} s   (rounds: ${s_times[*]})"
echo "  curl one by one:  ${c} s   (rounds: ${c_times[*]})"
awk -v s="$s" -v c="$c" 'BEGIN {printf "  ratio slicer / script: %.2f\n", s / c}'

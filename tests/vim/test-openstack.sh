#!/bin/bash
# Integration test of the OpenStack VIM driver against a real OpenStack
# (Zed, from Debian's packages, fake compute host with NUMA cells,
# dedicated CPUs, 2 MiB pages and SR-IOV/passthrough PCI devices), brought
# up by ../shared/testbeds/openstack/testbed.sh, which runs this script in
# private network, mount and pid namespaces with OS_* set (the script
# calls it itself):  test-openstack.sh SLICERD SOURCE_DIR
# A private userspace Open vSwitch bridge "tor" stands for the top-of-rack
# switch the fake host's NICs are cabled to (PCI bus 1, 2, 3 -> ports 1,
# 2, 3), programmed through SDN assist by the ovs driver.
set -u
slicerd=$1
src=$2
if [ -z "${OS_AUTH_URL:-}" ]; then
    # not inside the testbed yet: bring it up around this script, with
    # its state in a directory removed afterwards
    testbed=$src/../shared/testbeds/openstack/testbed.sh
    if [ ! -x "$testbed" ]; then
        echo "SKIP: no OpenStack testbed at $testbed"
        exit 77
    fi
    OSTB_STATE=$(mktemp -d /tmp/slicer-ostb-XXXXXX)
    export OSTB_STATE
    "$testbed" bash "$0" "$@"
    rc=$?
    [ -n "${KEEP_TMP:-}" ] || rm -rf "$OSTB_STATE"
    exit $rc
fi
name=openstack
NAME=openstack-tor
dpid_hex=00000000000000a1
. "$src/tests/sdn-drivers/ovs-test-lib.sh"
. "$src/tests/slicer/harness.sh"
cleanup() {
    if [ -n "$pid" ]; then
        kill -9 "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    fi
    ovs_test_stop
    [ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"
}

# ---- OpenStack as an operator sees it (curl) ----
. "$src/tests/vim/openstack-lib.sh"
servers() { os GET "$NOVA/servers/detail" | jq '.servers | length'; }
slicer_ports() { os GET "$NEUTRON/ports" | jq '[.ports[] | select(.description | startswith("slicer:"))] | length'; }
slicer_networks() { os GET "$NEUTRON/networks" | jq '[.networks[] | select(.description | startswith("slicer:"))] | length'; }
slicer_flavors() { os GET "$NOVA/flavors/detail?is_public=None" | jq '[.flavors[] | select(.name | startswith("slicer-"))] | length'; }
nothing_left() { # what: no server, port, network or flavor of slicer's
    check "$1: no server left" eq "$(servers)" 0
    check "$1: no port left" eq "$(slicer_ports)" 0
    check "$1: no network left" eq "$(slicer_networks)" 0
    check "$1: no flavor left" eq "$(slicer_flavors)" 0
}
tor_flows() { ovs-ofctl -O OpenFlow13 dump-flows tor | grep -c 'cookie=0x51ce'; }

ovs_test_start
ovs-vsctl add-br tor -- set bridge tor datapath_type=netdev \
    protocols=OpenFlow13 fail_mode=secure other_config:datapath-id=00000000000000b1
for p in 1 2 3 100 101 102; do
    ovs-vsctl add-port tor "p$p" -- set interface "p$p" type=internal ofport_request=$p
done
os_token
image ubuntu20.04
image netns:router

config "tls: off"
start
login

# ---- the account: credentials checked by Keystone before it is stored ----
account() { # NAME PASSWORD [URL] [CONFIG]
    jreq POST /admin/v1/vim_accounts "{\"name\":\"$1\",\"vim_type\":\"openstack\",\"vim_url\":\"${3:-$OS_AUTH_URL}\",\"vim_user\":\"$OS_USERNAME\",\"vim_password\":\"$2\",\"vim_tenant_name\":\"$OS_PROJECT_NAME\",\"config\":${4:-{\}}}"
}
account bad wrong-password
check "wrong password: 422" eq "$code" 422
check "wrong password: Keystone's answer" eq "$(field .detail)" \
    "vim account 'bad': check credentials: Keystone POST /v3/auth/tokens: 401 The request you have made requires authentication."
account down "$OS_PASSWORD" http://127.0.0.1:5999/v3
check "Keystone not there: 422" eq "$code" 422
check "Keystone not there: says so" grep -q "Keystone http://127.0.0.1:5999/v3: .*Connection refused" "$tmp/body"
req GET /admin/v1/vim_accounts
check "refused accounts are not stored" eq "$(field 'length')" 0

jreq POST /admin/v1/sdns "{\"name\":\"tor\",\"type\":\"ovs\",\"url\":\"unix:$D/db.sock\",\"config\":{\"bridge\":\"tor\",\"audit_interval_ms\":500}}"
check "the ToR switch as an ovs SDN controller: 201" eq "$code" 201
mapping='[{"compute_node":"fakehost","ports":[{"pci":"0000:01:00.[0-7]","switch_port":"1"},{"pci":"0000:02:00.[0-7]","switch_port":"2"},{"pci":"0000:03:00.[0-7]","switch_port":"3"}]}]'
# as osmclient's vim-create takes it: --user, --password, --tenant
export SLICER_URL=$base SLICER_TOKEN_FILE=$tmp/token
slicectl=$(dirname "$slicerd")/slicectl
"$slicectl" login --user admin --password test-secret >/dev/null
vim=$("$slicectl" vim-create --name os1 --type openstack --url "$OS_AUTH_URL" \
    --user "$OS_USERNAME" --password "$OS_PASSWORD" --tenant "$OS_PROJECT_NAME" \
    --config "{\"monitor_interval_s\":1,\"auto_heal\":{\"max_per_hour\":2},\"dataplane_physical_net\":\"physnet2\",\"dataplane_uplinks\":{\"physnet2\":{\"switch_port\":\"102\"}},\"sdn-controller\":\"tor\",\"sdn-port-mapping\":$mapping,\"sdn-external-ports\":[\"100\",\"101\"]}")
check "slicectl vim-create of an account with the right credentials: exit 0" eq $? 0
req GET "/admin/v1/vim_accounts/$vim"
check "Nova places the computes of the account" eq "$(field ._admin.scheduler)" vim
check "the password is not returned" eq "$(field .vim_password)" "********"
check "the password is not logged" eq "$(grep -c "$OS_PASSWORD" "$tmp/log")" 0

# ---- OSM's hackfest multi-VDU NS ----
onboard vnfd "$src/../shared/osm-examples/hackfest_multivdu_vnfd.yaml"
check "hackfest multi-VDU VNFD onboarded" eq "$code" 201
onboard nsd "$src/../shared/osm-examples/hackfest_multivdu_nsd.yaml"
check "hackfest multi-VDU NSD onboarded" eq "$code" 201
# its VLs name the operator's network osm-ext (vim-network-name), made
# here as an operator would, with the subnet of the NSD's fixed addresses
ext=$(os POST "$NEUTRON/networks" '{"network":{"name":"osm-ext"}}' | jq -r .network.id)
os POST "$NEUTRON/subnets" '{"subnet":{"network_id":"'"$ext"'","ip_version":4,"cidr":"172.21.18.0/24"}}' >/dev/null
mv_params='{}'
ns_up mv hackfest_multivdu-ns "$vim" "$mv_params"
check "hackfest multi-VDU NS: COMPLETED" eq "$state" COMPLETED
mv=$ns
check "both of its VLs are on the operator's osm-ext" eq \
    "$(os GET "$NEUTRON/ports?network_id=$ext" | jq -r '[.ports[].fixed_ips[0].ip_address] | sort | join(" ")')" \
    "172.21.18.81 172.21.18.82"
check "two servers ACTIVE in Nova" eq "$(os GET "$NOVA/servers/detail" | jq '[.servers[] | select(.status == "ACTIVE")] | length')" 2
check "the mgmt VDU has its fixed IP (the NSD's)" eq "$(vdur "$mv" 1 '.interfaces[0]["ip-address"]')" 172.21.18.81
check "the VDU record has its Nova server and host" eq "$(vdur "$mv" 1 '["vim-info"].compute_node')" fakehost
srv=$(vdur "$mv" 1 '["vim-id"]')
check "its server carries slicer's tags and metadata" eq \
    "$(os GET "$NOVA/servers/$srv" | jq -r '.server | [(.tags | length), .metadata.slicer_account] | join(" ")')" "2 $vim"

# ---- the EPA data-plane NS: pinning, pages, NUMA, SR-IOV, passthrough ----
onboard vnfd "$src/tests/vim/openstack-epa-vnfd.yaml"
onboard vnfd "$src/tests/vim/openstack-web-vnfd.yaml"
onboard nsd "$src/tests/vim/openstack-epa-nsd.yaml"
check "EPA test NSD onboarded" eq "$code" 201
epa_params='{"vld":[{"name":"dataplane-a","provider-network":{"sdn-ports":[{"switch_port":"100"}]}},{"name":"dataplane-b","provider-network":{"sdn-ports":[{"switch_port":"101"}]}}]}'
ns_up epa os-epa-ns "$vim" "$epa_params"
check "EPA NS: COMPLETED" eq "$state" COMPLETED
epa=$ns
dp=$(vdur "$epa" dp '["vim-id"]')
topo=$(curl -s "$NOVA/servers/$dp/topology" -H "X-Auth-Token: $OST" -H 'OpenStack-API-Version: compute 2.78')
check "Nova pinned 4 vCPUs on one NUMA node" eq "$(jq '[.nodes[].cpu_pinning | length] | add' <<<"$topo") $(jq '.nodes | length' <<<"$topo")" "4 1"
check "Nova backed it with 2 MiB pages" eq "$(jq .pagesize_kb <<<"$topo")" 2048
flavor=$(os GET "$NOVA/servers/$dp" | jq -c '.server.flavor.extra_specs')
check "flavor extra specs as mapped: $flavor" eq "$(jq -r '[."hw:cpu_policy", ."hw:cpu_thread_policy", ."hw:mem_page_size", ."hw:numa_nodes", ."hw:numa_cpus.0", ."hw:numa_mem.0"] | join(" ")' <<<"$flavor")" \
    "dedicated isolate 2MB 1 0,1,2,3 2048"
vf=$(vdur "$epa" dp '.interfaces[1]["vim-interface-id"]')
pf=$(vdur "$epa" dp '.interfaces[2]["vim-interface-id"]')
check "the SR-IOV port is bound as a VF on the fake host" eq \
    "$(os GET "$NEUTRON/ports/$vf" | jq -r '.port | [.["binding:vif_type"], .["binding:host_id"]] | join(" ")')" "hw_veb fakehost"
check "the passthrough port is bound as a whole NIC" eq \
    "$(os GET "$NEUTRON/ports/$pf" | jq -r '.port["binding:vif_type"]')" hostdev_physical
vf_pci=$(vdur "$epa" dp '.interfaces[1].pci')
pf_pci=$(vdur "$epa" dp '.interfaces[2].pci')
vf_vlan=$(vdur "$epa" dp '.interfaces[1].vlan')
check "the VNF record tells where the VF landed (OSM's compute_node, pci, vlan)" eq \
    "$(vdur "$epa" dp '.interfaces[1].compute_node') $(echo "$vf_pci" | cut -c1-8)" "fakehost 0000:02:"
check "the VF's VLAN is its provider network's" eq "$vf_vlan" \
    "$(os GET "$NEUTRON/networks/$(os GET "$NEUTRON/ports/$vf" | jq -r .port.network_id)" | jq '.network["provider:segmentation_id"]')"
vf_port=$(echo "$vf_pci" | cut -c7)
pf_port=$(echo "$pf_pci" | cut -c7)
flows=$(ovs-ofctl -O OpenFlow13 dump-flows tor)
echo "$flows" >"$tmp/tor-flows"
check "SDN assist: the VF's port on the ToR, in its VLAN, reaches external port 100 and physnet2's uplink 102 (the web VM's virtio port)" \
    grep -q "in_port=$vf_port,dl_vlan=$vf_vlan actions=.*output:100.*" <<<"$(grep 'output:102' <<<"$flows")"
vf_mac=$(vdur "$epa" dp '.interfaces[1]["mac-address"]')
check "SDN assist: the uplink reaches the VF by its MAC in the VLAN (OSM's rules)" \
    grep -q "in_port=102,dl_vlan=$vf_vlan,dl_dst=$vf_mac actions=output:$vf_port" <<<"$flows"
check "SDN assist: the passthrough NIC's port reaches external port 101" \
    grep -q "in_port=$pf_port actions=output:101" <<<"$flows"
req GET "/nslcm/v1/ns_instances/$epa"
check "both data-plane VLs have their service" eq \
    "$(field '[.vld[] | .vim_info // {} | to_entries[] | select(.key | startswith("sdn:")) | .value.vim_status] | join(" ")')" "ACTIVE ACTIVE"

web=$(vdur "$epa" web '["vim-id"]')
check "the web VDU got its cloud-init as user data" eq \
    "$(os GET "$NOVA/servers/$web" | jq -r '.server["OS-EXT-SRV-ATTR:user_data"]' | base64 -d | head -2 | tail -1)" "hostname: web"

# ---- scale the web VNF out and in ----
scale='{"scaleType":"SCALE_VNF","scaleVnfData":{"scaleVnfType":"SCALE_OUT","scaleByStepData":{"scaling-group-descriptor":"web-scale","member-vnf-index":"web"}}}'
jreq POST "/nslcm/v1/ns_instances/$epa/scale" "$scale"
wait_op "$(field .id)"
check "scale out: COMPLETED" eq "$state" COMPLETED
check "scale out: a fifth server" eq "$(servers)" 5
jreq POST "/nslcm/v1/ns_instances/$epa/scale" "${scale/SCALE_OUT/SCALE_IN}"
wait_op "$(field .id)"
check "scale in: COMPLETED" eq "$state" COMPLETED
check "scale in: back to four servers" eq "$(servers)" 4

# ---- a server deleted behind slicer's back: seen, and healed ----
web=$(vdur "$epa" web '["vim-id"]')
os DELETE "$NOVA/servers/$web" >/dev/null
heals() { req GET "/nslcm/v1/ns_lcm_op_occs?nsInstanceId=$epa&lcmOperationType=heal&isAutomaticInvocation=true"; field length; }
for _ in $(seq 150); do [ "$(heals)" = 1 ] && break; sleep 0.2; done
check "a server deleted behind slicer's back: slicerd heals it by itself" eq "$(heals)" 1
wait_op "$(field '.[0]._id')"
check "... COMPLETED" eq "$state" COMPLETED
web2=$(vdur "$epa" web '["vim-id"]')
check "... on a new server, ACTIVE in Nova" eq \
    "$([ "$web2" != "$web" ] && os GET "$NOVA/servers/$web2" | jq -r .server.status)" ACTIVE
req GET "/nslcm/v1/ns_instances/$epa"
check "... and the NS runs, not degraded" eq "$(field '."operational-status"')/$(field '._admin.degraded // "none"')" running/none
check "... four servers again" eq "$(servers)" 4

# ---- terminate: nothing of slicer's stays ----
ns_down "$epa"
check "EPA NS terminated" eq "$state" COMPLETED
check "terminate: no flow left on the ToR" eq "$(tor_flows)" 0
ns_down "$mv"
check "multi-VDU NS terminated" eq "$state" COMPLETED
nothing_left terminate
check "terminate: the operator's osm-ext stays" eq \
    "$(os GET "$NEUTRON/networks/$ext" | jq -r .network.name)" osm-ext

# ---- a flavor no host can satisfy: Nova's words, and a rollback ----
onboard vnfd "$src/templates/vnfd/epa_dataplane_vnfd.yaml"
onboard nsd "$src/templates/nsd/epa_dataplane_nsd.yaml"
ns_up big slicer-epa-dataplane-ns "$vim"
check "1 GiB pages the host has not: FAILED" eq "$state" FAILED
req GET "/nslcm/v1/ns_lcm_op_occs?nsInstanceId=$ns"
check "the error is Nova's" grep -q "failed in Nova: No valid host was found" "$tmp/body"
nothing_left "no valid host"
jreq DELETE "/nslcm/v1/ns_instances/$ns" ''

# ---- kill -9 of slicerd in the middle of an instantiate ----
jreq POST /nslcm/v1/ns_instances "{\"nsName\":\"crash\",\"nsdId\":\"hackfest_multivdu-ns\",\"vimAccountId\":\"$vim\"}"
ns=$(field .id)
jreq POST "/nslcm/v1/ns_instances/$ns/instantiate" "$mv_params"
op=$(field .id)
for _ in $(seq 300); do [ "$(servers)" -ge 1 ] && break; sleep 0.1; done
check "a server is being built when slicerd dies" test "$(servers)" -ge 1
kill -9 "$pid"
wait "$pid" 2>/dev/null
pid=
start
login
wait_op "$op"
check "after kill -9: the instantiate resumed (COMPLETED): $state" eq "$state" COMPLETED
check "after kill -9: two servers, none made twice" eq "$(servers)" 2
ns_down "$ns"
check "after kill -9: terminate COMPLETED" eq "$state" COMPLETED
nothing_left "kill -9"

# ---- Keystone down: a clear error, not a hang ----
kill -TERM -- "-$(cat "$OSTB_STATE/run/keystone.pid")"
kill -9 "$pid"
wait "$pid" 2>/dev/null
pid=
start
login
jreq POST /nslcm/v1/ns_instances "{\"nsName\":\"nokeystone\",\"nsdId\":\"hackfest_multivdu-ns\",\"vimAccountId\":\"$vim\"}"
ns=$(field .id)
jreq POST "/nslcm/v1/ns_instances/$ns/instantiate" "$mv_params"
wait_op "$(field .id)"
check "Keystone down: FAILED" eq "$state" FAILED
req GET "/nslcm/v1/ns_lcm_op_occs?nsInstanceId=$ns"
check "Keystone down: the error names Keystone" grep -q "Keystone http://127.0.0.1:5000/v3: .*Connection refused" "$tmp/body"

stop_clean
check "no unexpected warning in the daemon's log" test \
    "$(grep ' warn ' "$tmp/log" | grep -v -c -e 'No valid host' -e 'authentication failed' -e 'Connection refused' -e 'check credentials' -e 'dropping a VIM result' -e 'abandoned' -e 'gone from Nova' -e 'a look at its servers failed')" = 0
summary

#!/bin/bash
# Integration test of slicer-sdn-standin (tests/sdn-drivers/standin/), the
# stand-in for the REST APIs of ONOS, OpenDaylight and Floodlight: a
# private userspace Open vSwitch (netdev datapath) with bridge br0 (secure
# fail mode, OpenFlow 1.3 only) and three namespaces on 10.9.0.0/24:
#   ns1 behind access port v1 (VLAN 101) of a standalone "NIC bridge" nic0
#       whose trunk is patched to br0 port 1 (p1), as an SR-IOV VF would
#       be: ns1's traffic reaches br0 tagged 101;
#   ns2 on br0 port 2 (v2), ns3 on br0 port 3 (v3), untagged.
# For each personality: 401 on a wrong password, the port inventory, rules
# made with the bodies OSM's connectors send (VLAN pop towards ns2, push
# towards ns1) checked with ping and against the bridge's flows, their
# deletion, errors in the controller's shape, the ONOS VPLS lastUpdateTime
# quirk, a restart (state lost, flows of the previous instance removed)
# and an injected write failure (--fail-post).  ONOS and OpenDaylight
# also: a select group (ONOS groups API, ODL config groups) on the bridge,
# a flow sending to it carrying pings, its counters read back from the
# switch (ONOS flow packets, ODL operational flow-statistics), a flow
# deleted behind the controller (ONOS PENDING_ADD, ODL absent from the
# operational table), MPLS push/label/pop, a MAC rewrite and L3/L4
# matches on the bridge.
#
# It must run as root in network, mount and pid namespaces of its own:
#   unshare --net --mount --pid --fork --mount-proc \
#       bash tests/sdn-drivers/test-standin.sh BUILD/slicer-sdn-standin
# It stops what it started by pid and removes its scratch directory on
# exit (KEEP_TMP=1 keeps it).  Exit 0 if every check passed, 1 if one
# failed, 77 (skip) if a program it needs is missing.
# Needs: openvswitch-switch, iproute2, iputils-ping, curl, jq.
set -u
standin=${1:-}

if [ "$(id -u)" -ne 0 ] || [ "$$" -ne 1 ]; then
    echo "test-standin: needs root in its own namespaces" \
        "(unshare --net --mount --pid --fork --mount-proc)" >&2
    exit 1
fi
if [ -z "$standin" ] || [ ! -x "$standin" ]; then
    echo "usage: test-standin.sh PATH/TO/slicer-sdn-standin" >&2
    exit 1
fi
for prog in ovsdb-server ovs-vswitchd ovs-vsctl ovs-ofctl curl jq ping ip; do
    if ! command -v "$prog" >/dev/null; then
        echo "SKIP: $prog not installed" >&2
        exit 77
    fi
done

NAME=standin
# shellcheck source=ovs-test-lib.sh
. "$(dirname "$0")/ovs-test-lib.sh"
dpid_hex=000000000000b0b0
dpid_dec=$((16#$dpid_hex))
onos_dev=of:$dpid_hex
odl_node=openflow:$dpid_dec
fl_dpid=00:00:00:00:00:00:b0:b0
standin_pid=
base=
auth=()

stop_standin() { # [SIGNAL]
    if [ -n "$standin_pid" ]; then
        kill "-${1:-TERM}" "$standin_pid" 2>/dev/null
        wait "$standin_pid" 2>/dev/null
        standin_pid=
    fi
}
cleanup() {
    stop_standin
    for i in 1 2 3; do
        ip link del "v$i" 2>/dev/null
        ip netns del "ns$i" 2>/dev/null
    done
    ovs_test_stop
}
trap cleanup EXIT
trap 'exit 1' INT TERM

req() { # METHOD PATH [BODY]: status in $code, body in $D/body, headers in
    # $D/headers; credentials from $auth
    local data=()
    if [ $# -ge 3 ]; then
        data=(-H 'Content-Type: application/json' --data-binary "$3")
    fi
    code=$(curl -s -m 20 -o "$D/body" -D "$D/headers" -w '%{http_code}' \
        "${auth[@]}" -X "$1" "${data[@]}" "$base$2")
}
field() { jq -r "$1" "$D/body" 2>/dev/null; }
header() { # NAME: the value of a response header
    grep -i "^$1:" "$D/headers" | sed 's/^[^:]*: *//' | tr -d '\r'
}
cookie_spec() { # TYPE: the cookie/mask of a personality's flows
    printf 'cookie=0x5d1c%02x0000000000/0xffffff0000000000' "$1"
}
flows() { # TYPE: the bridge's flows of that stand-in, cookie and
    # statistics removed, sorted
    ovs-ofctl -O OpenFlow13 --no-stats dump-flows br0 "$(cookie_spec "$1")" |
        sed -e 's/^ *cookie=0x[0-9a-f]*, //' | sort
}
n_flows() { flows "$1" | grep -c actions=; }
pings() { # A B: ns A reaches 10.9.0.B (three tries)
    local i
    for i in 1 2 3; do
        ip netns exec "ns$1" ping -c 1 -W 2 "10.9.0.$2" >/dev/null 2>&1 &&
            return 0
    done
    false
}
no_ping() { # A B: ns A does not reach 10.9.0.B
    ! ip netns exec "ns$1" ping -c 1 -W 1 "10.9.0.$2" >/dev/null 2>&1
}

start_standin() { # TYPE [OPTIONS...]: runs the stand-in, sets $base
    rm -f "$D/port"
    "$standin" --type "$1" --listen 127.0.0.1:0 --port-file "$D/port" \
        --ovs-rundir "$D" --bridge br0 "${@:2}" >>"$D/standin-$1.log" 2>&1 &
    standin_pid=$!
    wait_for 100 test -s "$D/port" || return 1
    base=http://127.0.0.1:$(cat "$D/port")
}

# --- the switch, the NIC bridge and the namespaces
ovs_test_start
ovs-vsctl add-br nic0 -- set bridge nic0 datapath_type=netdev \
    fail_mode=standalone
ovs-vsctl add-port br0 p1 -- set interface p1 type=patch \
    options:peer=nicp ofport_request=1 -- \
    add-port nic0 nicp -- set interface nicp type=patch options:peer=p1
for i in 1 2 3; do
    ip netns add "ns$i"
    ip link add "v$i" type veth peer name "v${i}p"
    ip link set "v${i}p" netns "ns$i"
    ip -n "ns$i" link set "v${i}p" name eth0
    ip -n "ns$i" link set lo up
    ip -n "ns$i" addr add "10.9.0.$i/24" dev eth0
    ip -n "ns$i" link set eth0 up
    ip link set "v$i" up
done
ovs-vsctl add-port nic0 v1 tag=101
ovs-vsctl add-port br0 v2 -- set interface v2 ofport_request=2
ovs-vsctl add-port br0 v3 -- set interface v3 ofport_request=3
check "br0 ports p1, v2, v3 at OpenFlow ports 1, 2, 3" eq \
    "$(ovs-vsctl get interface p1 ofport),$(ovs-vsctl get interface v2 \
        ofport),$(ovs-vsctl get interface v3 ofport)" 1,2,3
check "no ping through br0 without flows" no_ping 1 2

# ===================================================================== ONOS
echo "--- ONOS"
onos_flow() { # IN_PORT VLAN|- INSTRUCTIONS: the body OSM's onosof posts
    local vlan=
    [ "$2" != - ] && vlan=", {\"type\": \"VLAN_VID\", \"vlanId\": $2}"
    echo "{\"tableId\": 0, \"priority\": 995, \"timeout\": 0,
        \"isPermanent\": \"true\", \"appId\": 10,
        \"selector\": {\"criteria\": [{\"type\": \"IN_PORT\",
            \"port\": \"$1\"}$vlan]},
        \"treatment\": {\"instructions\": [$3], \"deferred\": []}}"
}
pop='{"type": "L2MODIFICATION", "subtype": "VLAN_POP"}'
set101='{"type": "L2MODIFICATION", "subtype": "VLAN_ID", "vlanId": 101}'
push='{"type": "L2MODIFICATION", "subtype": "VLAN_PUSH"}'
out() { echo "{\"type\": \"OUTPUT\", \"port\": \"$1\"}"; }
flow_id() { header Location | sed "s|^$base/onos/v1/flows/$onos_dev/||"; }

check "onos stand-in starts" start_standin onos --user karaf --password karaf
auth=(-u karaf:wrong)
req GET /onos/v1/devices
check "wrong password: 401" eq "$code" 401
check "... with WWW-Authenticate realm karaf" eq \
    "$(header WWW-Authenticate)" 'Basic realm="karaf"'
auth=()
req GET /onos/v1/devices
check "no credentials: 401" eq "$code" 401
auth=(-u karaf:karaf)

req GET /onos/v1/devices
check "GET devices: 200" eq "$code" 200
check "... device $onos_dev with a managementAddress" eq \
    "$(field '.devices[] | "\(.id) \(.annotations.managementAddress)"')" \
    "$onos_dev 127.0.0.1"
req GET "/onos/v1/devices/$onos_dev/ports"
check "GET devices/ID/ports: ports by number and annotations.portName" eq \
    "$(field '[.ports[] | "\(.port)=\(.annotations.portName)"] | sort
        | join(" ")')" "1=p1 2=v2 3=v3 local=br0"
req GET /onos/v1/devices/of:0000000000000bad/ports
check "ports of an unknown device: 404 {code, message}" eq \
    "$code $(field .code) $(field .message)" "404 404 Device is not found"
req GET "/onos/v1/flows/$onos_dev"
check "GET flows without any flow: 404 (OSM reads it as none)" eq \
    "$code" 404

req POST "/onos/v1/flows/$onos_dev" "$(onos_flow 1 101 "$pop, $(out 2)")"
check "POST flow 1/vlan 101 -> pop, 2 (OSM's body): 201" eq "$code" 201
check "... Location $base/onos/v1/flows/$onos_dev/<id>" test -n "$(flow_id)"
id_a=$(flow_id)
req POST "/onos/v1/flows/$onos_dev" "$(onos_flow 2 - "$set101, $(out 1)")"
check "POST flow 2 -> VLAN_ID 101, 1 without a push: 400" eq "$code" 400
check "... the switch's refusal in {code, message}" contains \
    "$(field .code) $(field .message)" "400 ovs-ofctl: actions are invalid \
with specified match (OFPBAC_MATCH_INCONSISTENT)"
req POST "/onos/v1/flows/$onos_dev" \
    "$(onos_flow 2 - "$push, $set101, $(out 1)")"
check "POST flow 2 -> VLAN_PUSH, VLAN_ID 101, 1: 201" eq "$code" 201
id_b=$(flow_id)
check "both on br0 as pop_vlan and push_vlan + set_field" eq "$(flows 1)" \
    "priority=995,in_port=1,dl_vlan=101 actions=pop_vlan,output:2
priority=995,in_port=2 actions=push_vlan:0x8100,set_field:4197->vlan_vid,\
output:1"
check "ping ns1 (VLAN 101 behind nic0) -> ns2" pings 1 2
check "ping ns2 -> ns1" pings 2 1
check "no ping ns2 -> ns3 (no flow)" no_ping 2 3
req GET "/onos/v1/flows/$onos_dev"
check "GET flows: both, with their ids, appId and ADDED state" eq \
    "$(field '[.flows[] | "\(.id):\(.appId):\(.state)"] | sort | join(" ")')" \
    "$(printf '%s\n' "$id_a:10:ADDED" "$id_b:10:ADDED" | sort |
        paste -sd ' ')"
check "... criteria and instructions in ONOS's encoding" eq \
    "$(field ".flows[] | select(.id == \"$id_a\") |
        [(.selector.criteria[] | \"\(.type)=\(.port // .vlanId)\"),
         (.treatment.instructions[] |
            \"\(.subtype // .type)\(.port // \"\")\")]
        | join(\",\")")" "IN_PORT=1,VLAN_VID=101,VLAN_POP,OUTPUT2"
req POST "/onos/v1/flows/$onos_dev" "$(onos_flow 1 101 "$pop, $(out 2)")"
check "the same flow again: 201 with the same id, still 2 flows" eq \
    "$code $(flow_id) $(n_flows 1)" "201 $id_a 2"
req POST "/onos/v1/flows/$onos_dev" '{"isPermanent": true}'
check "POST flow without priority: 400 naming it" eq \
    "$code $(field .message)" "400 priority member is required in FlowRule"
req POST "/onos/v1/flows/$onos_dev" '{"priority": 5, "isPermanent": true,
    "selector": {"criteria": [{"type": "IN_PORT"}]}}'
check "criterion without its member: 400" eq "$code $(field .message)" \
    "400 port member is required in Criterion"
req POST "/onos/v1/flows/$onos_dev" '{"deviceId": "of:1", "priority": 5,
    "isPermanent": true}'
check "deviceId other than the URL's: 400" eq "$code" 400
req PUT "/onos/v1/flows/$onos_dev" '{}'
check "PUT flows: 405 {code, message}" eq "$code $(field .code)" "405 405"
check "no flow left by the refused requests" eq "$(n_flows 1)" 2

req DELETE "/onos/v1/flows/$onos_dev/$id_a"
check "DELETE flows/DEV/ID: 204" eq "$code" 204
req DELETE "/onos/v1/flows/$onos_dev/$id_b"
check "DELETE the other: 204" eq "$code" 204
check "no flow of the onos cookie left" eq "$(n_flows 1)" 0
check "no ping ns1 -> ns2 after the deletes" no_ping 1 2
req GET "/onos/v1/flows/$onos_dev"
check "GET flows: 404 again" eq "$code" 404
req DELETE "/onos/v1/flows/$onos_dev/$id_a"
check "DELETE on a device without flows: 404" eq "$code" 404
req DELETE /onos/v1/hosts/FA:16:3E:00:00:01/101
check "DELETE hosts/MAC/VLAN: 204 (as ONOS)" eq "$code" 204

# --- groups, and the instructions of forwarding programs
wait_packets() { # JQ PATH MIN: until GET PATH's counter JQ reaches MIN
    # (3 s: the switch updates flow counters every half second or so;
    # after one successful ping only its echo request is sure to have
    # passed: an ARP request too only when the neighbour was not cached)
    local n=30
    while [ "$n" -gt 0 ]; do
        req GET "$2"
        [ "$(field "$1")" -ge "$3" ] 2>/dev/null && return 0
        sleep 0.1
        n=$((n - 1))
    done
    false
}
groups() { ovs-ofctl -O OpenFlow13 dump-groups br0 | grep -o 'group_id=.*'; }
set100='{"type": "L2MODIFICATION", "subtype": "VLAN_ID", "vlanId": 100}'
req POST "/onos/v1/groups/$onos_dev" '{"type": "SELECT",
    "appCookie": "0x51ce00000701", "groupId": 1793, "buckets": [{"weight": 1,
    "treatment": {"instructions": ['"$set101, $(out 1)"']}}]}'
check "POST a SELECT group: 201 with a Location" eq \
    "$code $(header Location)" "201 $base/onos/v1/groups/$onos_dev/1793"
check "... on br0: group 1793, its bucket's set_field and output" eq \
    "$(groups)" \
    "group_id=1793,type=select,bucket=actions=set_field:4197->vlan_vid,\
output:1"
req GET "/onos/v1/groups/$onos_dev/0x51CE00000701"
check "GET groups/DEV/APPCOOKIE (any case): the group, ADDED" eq \
    "$(field '.groups[0] | "\(.id) \(.state) \(.type) \(.appCookie) \(
        .buckets[0].weight) \(.buckets[0].treatment.instructions[1].port)"')" \
    "1793 ADDED SELECT 0x51ce00000701 1 1"
req POST "/onos/v1/groups/$onos_dev" '{"type": "SELECT", "groupId": 5,
    "buckets": []}'
check "a group without appCookie: 400 naming it" eq \
    "$code $(field .message)" "400 appCookie member is required in Group"
to_group='{"type": "GROUP", "groupId": 1793}'
req POST "/onos/v1/flows/$onos_dev" \
    "$(onos_flow 2 - "$push, $set100, $to_group")"
check "POST flow 2 -> VLAN_PUSH, VLAN_ID 100, GROUP 1793: 201" eq "$code" 201
id_g=$(flow_id)
req POST "/onos/v1/flows/$onos_dev" "$(onos_flow 1 101 "$pop, $(out 2)")"
check "... on br0: push_vlan, set_field, group:1793" contains "$(flows 1)" \
    "in_port=2 actions=push_vlan:0x8100,set_field:4196->vlan_vid,group:1793"
check "ping ns2 -> ns1 through the group" pings 2 1
check "GET flows: the switch's counters of the flow to the group" \
    wait_packets ".flows[] | select(.id == \"$id_g\") | .packets" \
    "/onos/v1/flows/$onos_dev" 1
ovs-ofctl -O OpenFlow13 del-flows br0 "$(cookie_spec 1),in_port=2"
req GET "/onos/v1/flows/$onos_dev"
check "a flow deleted on br0 behind ONOS: PENDING_ADD, no counters" eq \
    "$(field ".flows[] | select(.id == \"$id_g\")
        | \"\(.state) \(.packets)\"")" "PENDING_ADD 0"
req DELETE "/onos/v1/groups/$onos_dev/0x51ce00000701"
check "DELETE groups/DEV/APPCOOKIE: 204, the group gone from br0" eq \
    "$code $(groups | wc -l)" "204 0"
req GET "/onos/v1/groups/$onos_dev/0x51ce00000701"
check "GET it: 404 Group was not found" eq "$code $(field .message)" \
    "404 Group was not found"
req POST "/onos/v1/flows/$onos_dev" '{"priority": 7, "isPermanent": true,
    "selector": {"criteria": [{"type": "IN_PORT", "port": 2},
        {"type": "ETH_TYPE", "ethType": "0x0800"},
        {"type": "IP_PROTO", "protocol": 6},
        {"type": "IPV4_DST", "ip": "10.9.0.3/32"},
        {"type": "TCP_DST", "tcpPort": 80}]},
    "treatment": {"instructions": [
        {"type": "L2MODIFICATION", "subtype": "MPLS_PUSH"},
        {"type": "L2MODIFICATION", "subtype": "MPLS_LABEL", "label": 42},
        {"type": "OUTPUT", "port": "3"}]}}'
req POST "/onos/v1/flows/$onos_dev" '{"priority": 7, "isPermanent": true,
    "selector": {"criteria": [{"type": "IN_PORT", "port": 3},
        {"type": "ETH_TYPE", "ethType": "0x8847"},
        {"type": "MPLS_LABEL", "label": 42}]},
    "treatment": {"instructions": [{"type": "L2MODIFICATION",
        "subtype": "MPLS_POP", "ethernetType": "0x0800"},
        {"type": "L2MODIFICATION", "subtype": "ETH_DST",
         "mac": "02:00:00:00:00:02"}, {"type": "OUTPUT", "port": "2"}]}}'
check "MPLS push, label, pop, ETH_DST and L3/L4 criteria on br0" eq \
    "$(flows 1 | grep priority=7)" \
    "priority=7,mpls,in_port=3,mpls_label=42 actions=pop_mpls:0x0800,\
set_field:02:00:00:00:00:02->eth_dst,output:2
priority=7,tcp,in_port=2,nw_dst=10.9.0.3,tp_dst=80 actions=push_mpls:0x8847,\
set_field:42->mpls_label,output:3"
req GET "/onos/v1/flows/$onos_dev"
for id in $(field '.flows[].id'); do
    req DELETE "/onos/v1/flows/$onos_dev/$id"
done
check "all deleted: no flow of the onos cookie left" eq "$(n_flows 1)" 0

# --- VPLS through the network configuration, as OSM's onos_vpls does it
req GET /onos/v1/network/configuration
check "GET network/configuration: 200 with ports and apps" eq \
    "$code $(field '.ports | length') $(field '.apps | length')" "200 0 0"
netcfg_ports="{\"of:$dpid_hex/1\": {\"interfaces\": [{\"name\": \"ifz1\",
        \"vlan\": \"101\"}]},
    \"of:$dpid_hex/2\": {\"interfaces\": [{\"name\": \"ifz2\"}]},
    \"of:$dpid_hex/3\": {\"interfaces\": [{\"name\": \"ifz3\"}]}}"
vpls_uuid=5e1f4c8a-a874-425d-a9b5-955cb77178f8
vpls() { # [EXTRA]: the vpls app configuration with our VPLS
    echo "{\"org.onosproject.vpls\": {\"vpls\": {\"vplsList\": [
        {\"name\": \"$vpls_uuid\", \"interfaces\": [\"ifz1\", \"ifz2\",
         \"ifz3\"], \"encapsulation\": \"VLAN\"}]${1:-}}}}"
}
req POST /onos/v1/network/configuration "$(jq -c --argjson p \
    "$netcfg_ports" '.ports += $p' <<<'{"ports": {}, "apps": {}}')"
check "POST netcfg with the interfaces: 200" eq "$code" 200
req POST /onos/v1/network/configuration \
    "{\"apps\": $(vpls ', "lastUpdateTime": 1700000000000')}"
check "POST the VPLS with lastUpdateTime: 200" eq "$code" 200
check "... and ignored: no flow" eq "$(n_flows 1)" 0
check "... no ping ns1 -> ns3" no_ping 1 3
req POST /onos/v1/network/configuration "{\"apps\": $(vpls)}"
check "POST the VPLS without lastUpdateTime: 200" eq "$code" 200
check "... applied: one flow per interface, VLAN pushed/popped" eq \
    "$(flows 1)" \
    "priority=1100,in_port=1,dl_vlan=101 actions=pop_vlan,output:2,output:3
priority=1100,in_port=2,vlan_tci=0x0000/0x1fff actions=output:3,\
push_vlan:0x8100,set_field:4197->vlan_vid,output:1
priority=1100,in_port=3,vlan_tci=0x0000/0x1fff actions=output:2,\
push_vlan:0x8100,set_field:4197->vlan_vid,output:1"
check "ping ns1 -> ns2 through the VPLS" pings 1 2
check "ping ns2 -> ns3 through the VPLS" pings 2 3
check "ping ns3 -> ns1 through the VPLS" pings 3 1
req GET /onos/v1/network/configuration
check "GET netcfg: the VPLS back with a lastUpdateTime set by ONOS" eq \
    "$(field '.apps["org.onosproject.vpls"].vpls | "\(.vplsList[0].name)
        \(.vplsList[0].encapsulation) \(.lastUpdateTime | type)"' |
        tr -s ' \n' ' ' | sed 's/ $//')" "$vpls_uuid VLAN number"
req GET "/onos/v1/flows/$onos_dev"
check "GET flows: the VPLS's 3 flows under org.onosproject.net.intent" eq \
    "$(field '"\([.flows[].appId] | unique | join(" "))
        \(.flows | length)"' | tr -s ' \n' ' ' | sed 's/ $//')" \
    "org.onosproject.net.intent 3"
# OSM's delete: its interfaces and the vplsList entry removed, the
# lastUpdateTime dropped, the whole document posted.
req GET /onos/v1/network/configuration
req POST /onos/v1/network/configuration "$(jq -c '
    .ports[].interfaces |= map(select(.name | test("^ifz") | not))
    | .apps["org.onosproject.vpls"].vpls.vplsList = []
    | del(.apps["org.onosproject.vpls"].vpls.lastUpdateTime)' "$D/body")"
check "POST netcfg without the vplsList entry: 200" eq "$code" 200
check "... its flows are removed" eq "$(n_flows 1)" 0
check "... no ping ns2 -> ns3" no_ping 2 3
req POST /onos/v1/network/configuration \
    "{\"ports\": {\"of:$dpid_hex/v2\": {\"interfaces\": []}}}"
check "a port subject by name: 400 as PortNumber.fromString" eq \
    "$code $(field .message)" \
    "400 No enum constant org.onosproject.net.PortNumber.Logical.v2"
req POST /onos/v1/network/configuration '{"nosuch": {}}'
check "unknown subject class: 207 naming it" eq "$code $(field .message[0])" \
    "207 subjectClassKey 'nosuch' not found"

# --- restart: state lost, flows of the previous instance removed
req POST "/onos/v1/flows/$onos_dev" "$(onos_flow 1 101 "$pop, $(out 2)")"
req POST /onos/v1/network/configuration \
    "{\"ports\": $netcfg_ports, \"apps\": $(vpls)}"
check "a flow and the VPLS again: 4 flows" eq "$(n_flows 1)" 4
stop_standin KILL
check "killed (-9): its flows stay on the bridge" eq "$(n_flows 1)" 4
check "restarted" start_standin onos --user karaf --password karaf
check "... it removed the flows of its cookie" eq "$(n_flows 1)" 0
req GET "/onos/v1/flows/$onos_dev"
check "... GET flows: 404 (nothing)" eq "$code" 404
req GET /onos/v1/network/configuration
check "... GET netcfg: no ports, no apps" eq \
    "$(field '.ports | length') $(field '.apps | length')" "0 0"
stop_standin

# --- an injected failure
check "started with --fail-post 2" start_standin onos --user karaf \
    --password karaf --fail-post 2
req POST "/onos/v1/flows/$onos_dev" "$(onos_flow 1 101 "$pop, $(out 2)")"
check "POST #1: 201" eq "$code" 201
req POST "/onos/v1/flows/$onos_dev" \
    "$(onos_flow 2 - "$push, $set101, $(out 1)")"
check "POST #2: 500 {code, message}, nothing added" eq \
    "$code $(field .code) $(n_flows 1)" "500 500 1"
req POST "/onos/v1/flows/$onos_dev" \
    "$(onos_flow 2 - "$push, $set101, $(out 1)")"
check "POST #3: 201" eq "$code $(n_flows 1)" "201 2"
stop_standin

# ============================================================ OpenDaylight
echo "--- OpenDaylight"
conf=/restconf/config/opendaylight-inventory:nodes/node/$odl_node/table/0
odl_flow() { # NAME IN_PORT VLAN|- ACTIONS: the body OSM's odlof puts
    local vlan=
    [ "$3" != - ] && vlan=", \"vlan-match\": {\"vlan-id\":
        {\"vlan-id-present\": true, \"vlan-id\": $3}}"
    echo "{\"flow-node-inventory:flow\": [{\"id\": \"$1\",
        \"flow-name\": \"$1\", \"idle-timeout\": 0, \"hard-timeout\": 0,
        \"table_id\": 0, \"priority\": 995,
        \"match\": {\"in-port\": \"$odl_node:$2\"$vlan},
        \"instructions\": {\"instruction\": [{\"order\": 1,
            \"apply-actions\": {\"action\": [$4]}}]}}]}"
}
odl_out() {
    echo "{\"order\": $1, \"output-action\":
        {\"output-node-connector\": \"$odl_node:$2\"}}"
}
strip='{"order": 0, "strip-vlan-action": {}}'
setf='{"order": 0, "set-field": {"vlan-match": {"vlan-id":
    {"vlan-id-present": true, "vlan-id": 101}}}}'
setid='{"order": 0, "set-vlan-id-action": {"vlan-id": 101}}'

check "odl stand-in starts" start_standin odl --user admin --password admin
auth=(-u admin:wrong)
req GET /restconf/operational/opendaylight-inventory:nodes
check "wrong password: 401 with a RESTCONF errors document" eq \
    "$code $(field '.errors.error[0]."error-tag"')" "401 access-denied"
auth=(-u admin:admin)
req GET /restconf/operational/opendaylight-inventory:nodes
check "GET operational nodes: node $odl_node with an ip-address" eq \
    "$code $(field '.nodes.node[] |
        "\(.id) \(."flow-node-inventory:ip-address")"')" \
    "200 $odl_node 127.0.0.1"
check "... node-connectors openflow:N:P with their names" eq \
    "$(field '[.nodes.node[0]."node-connector"[] |
        "\(.id)=\(."flow-node-inventory:name")"] | sort | join(" ")')" \
    "$odl_node:1=p1 $odl_node:2=v2 $odl_node:3=v3 $odl_node:LOCAL=br0"
req GET "$conf"
check "GET config table 0 before any flow: 404 data-missing" eq \
    "$code $(field '.errors.error[0]."error-tag"')" "404 data-missing"
req PUT "$conf/flow/net1.0" "$(odl_flow net1.0 1 101 "$strip, \
$(odl_out 1 2)")"
check "PUT flow 1/vlan 101 -> strip-vlan, 2 (OSM's body): 200" eq \
    "$code" 200
req PUT "$conf/flow/net1.1" "$(odl_flow net1.1 2 - "$setf, \
$(odl_out 1 1)")"
check "PUT flow 2 -> set-field vlan 101, 1 (no VLAN match): 400" eq \
    "$code" 400
check "... the switch's refusal in an errors document" contains \
    "$(field '.errors.error[0]."error-message"')" OFPBAC_MATCH_INCONSISTENT
req GET "$conf/flow/net1.1"
check "... and nothing kept: GET it 404" eq "$code" 404
req PUT "$conf/flow/net1.1" "$(odl_flow net1.1 2 - "$setid, \
$(odl_out 1 1)")"
check "PUT flow 2 -> set-vlan-id-action 101, 1: 200" eq "$code" 200
check "on br0: strip as set_field VID 0, set-vlan-id as 2 flows" eq \
    "$(flows 2)" \
    "priority=995,in_port=1,dl_vlan=101 actions=set_field:4096->vlan_vid,\
output:2
priority=995,in_port=2,vlan_tci=0x0000/0x1fff actions=push_vlan:0x8100,\
set_field:4197->vlan_vid,output:1
priority=995,in_port=2,vlan_tci=0x1000/0x1000 actions=\
set_field:4197->vlan_vid,output:1"
check "ping ns1 (VLAN 101) -> ns2" pings 1 2
check "ping ns2 -> ns1" pings 2 1
req GET "$conf"
check "GET config table 0: both flows" eq \
    "$code $(field '[."flow-node-inventory:table"[0].flow[].id] | sort
        | join(" ")')" "200 net1.0 net1.1"
req PUT "$conf/flow/net1.2" "$(odl_flow other 2 - "$(odl_out 0 3)")"
check "PUT with an id other than the URL's: 400" eq "$code" 400
req PUT "$conf/flow/net1.2" "$(odl_flow net1.2 2 - \
    '{"order": 0, "copy-ttl-out": {}}')"
check "PUT with an action the stand-in lacks: 400 naming it" contains \
    "$code $(field '.errors.error[0]."error-message"')" "400 action \
'copy-ttl-out'"
req DELETE "$conf/flow/net1.0"
check "DELETE flow: 200" eq "$code" 200
req DELETE "$conf/flow/net1.1"
check "DELETE the other: 200" eq "$code" 200
req DELETE "$conf/flow/net1.1"
check "DELETE an unknown flow: 404" eq "$code" 404
check "no flow of the odl cookie left" eq "$(n_flows 2)" 0
check "no ping ns1 -> ns2 after the deletes" no_ping 1 2
req GET "$conf"
check "GET table 0: 200, the table without flows" eq \
    "$code $(field '."flow-node-inventory:table"[0] | has("flow")')" \
    "200 false"
req DELETE "$conf"
check "DELETE table 0: 200" eq "$code" 200
req GET "$conf"
check "GET table 0 after its delete: 404" eq "$code" 404
req DELETE "$conf"
check "DELETE table 0 again: 404 (OSM accepts it)" eq "$code" 404

# --- groups, and the actions of forwarding programs
node=/restconf/config/opendaylight-inventory:nodes/node/$odl_node
req PUT "$node/group/1793" '{"flow-node-inventory:group": [{"group-id": 1793,
    "group-type": "group-select", "barrier": false, "buckets": {"bucket": [
    {"bucket-id": 0, "weight": 1, "action": ['"$setf, $(odl_out 1 1)"']}]}}]}'
check "PUT a group-select group: 200" eq "$code" 200
check "... on br0: group 1793, its bucket's set_field and output" eq \
    "$(groups)" \
    "group_id=1793,type=select,bucket=actions=set_field:4197->vlan_vid,\
output:1"
req PUT "$node/group/1794" '{"flow-node-inventory:group": [{"group-id": 1793,
    "group-type": "group-select", "buckets": {"bucket": []}}]}'
check "PUT with a group-id other than the URL's: 400" eq "$code" 400
pushv='{"order": 0, "push-vlan-action": {"ethernet-type": 33024}}'
set100='{"order": 1, "set-field": {"vlan-match": {"vlan-id":
    {"vlan-id-present": true, "vlan-id": 100}}}}'
req PUT "$conf/flow/net1.3" "$(odl_flow net1.3 2 - "$pushv, $set100,
    {\"order\": 2, \"group-action\": {\"group-id\": 1793}}")"
check "PUT flow 2 -> push-vlan, set-field 100, group-action 1793: 200" eq \
    "$code" 200
req PUT "$conf/flow/net1.4" "$(odl_flow net1.4 1 101 \
    "{\"order\": 0, \"pop-vlan-action\": {}}, $(odl_out 1 2)")"
check "... on br0: push_vlan, set_field, group:1793" contains "$(flows 2)" \
    "in_port=2 actions=push_vlan:0x8100,set_field:4196->vlan_vid,group:1793"
check "ping ns2 -> ns1 through the group" pings 2 1
oper=/restconf/operational/opendaylight-inventory:nodes/node/$odl_node
stats='.node[0]."flow-node-inventory:table"[] | select(.id == 0) | .flow[]
    | select(.id == "net1.3")
    | ."opendaylight-flow-statistics:flow-statistics"."packet-count"'
check "GET operational node: the flow's flow-statistics from the switch" \
    wait_packets "$stats" "$oper" 1
req GET "$oper"
check "... and the group with its group-statistics" eq \
    "$(field '.node[0]."flow-node-inventory:group"[0] |
        ."opendaylight-group-statistics:group-statistics"."group-id"')" 1793
ovs-ofctl -O OpenFlow13 del-flows br0 "$(cookie_spec 2),in_port=2"
req GET "$oper"
check "a flow deleted on br0 behind ODL: not in the operational table" eq \
    "$(field "[.node[0].\"flow-node-inventory:table\"[].flow[].id] |
        index(\"net1.3\")")" null
req GET "$conf/flow/net1.3"
check "... still in the configuration" eq "$code" 200
req GET "$node"
check "GET the configuration node: its table 0 and its group" eq \
    "$(field '.node[0] | "\([."flow-node-inventory:table"[0].flow[].id]
        | sort | join(",")) \(."flow-node-inventory:group"[0]."group-id")"')" \
    "net1.3,net1.4 1793"
req DELETE "$node/group/1793"
check "DELETE the group: 200, gone from br0" eq "$code $(groups | wc -l)" \
    "200 0"
req GET "$node/group/1793"
check "GET it: 404" eq "$code" 404
req PUT "$conf/flow/net1.5" '{"flow-node-inventory:flow": [{"id": "net1.5",
    "table_id": 0, "priority": 7, "match": {"in-port": "'"$odl_node"':2",
    "ethernet-match": {"ethernet-type": {"type": 2048}},
    "ip-match": {"ip-protocol": 6}, "ipv4-destination": "10.9.0.3/32",
    "tcp-destination-port": 80}, "instructions": {"instruction": [{"order": 0,
    "apply-actions": {"action": [
        {"order": 0, "push-mpls-action": {"ethernet-type": 34887}},
        {"order": 1, "set-field": {"protocol-match-fields":
            {"mpls-label": 42}}}, '"$(odl_out 2 3)"']}}]}}]}'
req PUT "$conf/flow/net1.6" '{"flow-node-inventory:flow": [{"id": "net1.6",
    "table_id": 0, "priority": 7, "match": {"in-port": "'"$odl_node"':3",
    "ethernet-match": {"ethernet-type": {"type": 34887}},
    "protocol-match-fields": {"mpls-label": 42}},
    "instructions": {"instruction": [{"order": 0, "apply-actions": {"action": [
        {"order": 0, "pop-mpls-action": {"ethernet-type": 2048}},
        {"order": 1, "set-field": {"ethernet-match": {"ethernet-destination":
            {"address": "02:00:00:00:00:02"}}}}, '"$(odl_out 2 2)"']}}]}}]}'
check "MPLS push, label, pop, set-field ethernet and L3/L4 match on br0" eq \
    "$(flows 2 | grep priority=7)" \
    "priority=7,mpls,in_port=3,mpls_label=42 actions=pop_mpls:0x0800,\
set_field:02:00:00:00:00:02->eth_dst,output:2
priority=7,tcp,in_port=2,nw_dst=10.9.0.3,tp_dst=80 actions=push_mpls:0x8847,\
set_field:42->mpls_label,output:3"
req DELETE "$conf"
check "DELETE table 0: no flow of the odl cookie left" eq "$(n_flows 2)" 0

req PUT "$conf/flow/net1.0" "$(odl_flow net1.0 1 101 "$strip, \
$(odl_out 1 2)")"
stop_standin KILL
check "killed (-9): its flow stays" eq "$(n_flows 2)" 1
check "restarted" start_standin odl --user admin --password admin \
    --fail-post 1
check "... it removed the flow of its cookie" eq "$(n_flows 2)" 0
req GET "$conf"
check "... GET table 0: 404 (nothing)" eq "$code" 404
req PUT "$conf/flow/net1.0" "$(odl_flow net1.0 1 101 "$strip, \
$(odl_out 1 2)")"
check "--fail-post 1: the first PUT answers 500, nothing added" eq \
    "$code $(n_flows 2)" "500 0"
stop_standin

# ============================================================== Floodlight
echo "--- Floodlight"
fl_entry() { # NAME IN_PORT VLAN|- ACTIONS: the body OSM's floodlightof posts
    local vlan=
    [ "$3" != - ] && vlan="\"eth_vlan_vid\": \"$3\", "
    echo "{\"active\": \"true\", \"name\": \"$1\", \"priority\": \"995\",
        $vlan\"switch\": \"$fl_dpid\", \"in_port\": \"$2\",
        \"actions\": \"$4\"}"
}
pusher=/wm/staticflowpusher

check "floodlight stand-in starts (with --user)" start_standin floodlight \
    --user admin --password admin
auth=(-u admin:wrong)
req GET /wm/core/controller/switches/json
check "wrong password: 401" eq "$code" 401
stop_standin
auth=()
check "floodlight stand-in starts without --user (as OSM calls it)" \
    start_standin floodlight
req GET /wm/core/controller/switches/json
check "GET switches: switchDPID $fl_dpid" eq \
    "$code $(field '.[0].switchDPID') $(field '.[0].openFlowVersion')" \
    "200 $fl_dpid OF_13"
req GET "/wm/core/switch/$fl_dpid/port-desc/json"
check "GET port-desc: portDesc by portNumber and name" eq \
    "$(field '[.portDesc[] | "\(.portNumber)=\(.name)"] | sort
        | join(" ")')" "1=p1 2=v2 3=v3 local=br0"
req GET "$pusher/list/$fl_dpid/json"
check "GET list without entries: 200, an empty list" eq \
    "$code $(field ".[\"$fl_dpid\"] | length")" "200 0"
req POST "$pusher/json" "$(fl_entry net2.0 1 101 strip_vlan,output=2)"
check "POST entry 1/vlan 101 -> strip_vlan, 2 (OSM's body): Entry pushed" \
    eq "$code $(field .status)" "200 Entry pushed"
req POST "$pusher/json" "$(fl_entry net2.1 2 - set_vlan_vid=101,output=1)"
check "POST entry 2 -> set_vlan_vid=101, 1: Entry pushed" eq \
    "$code $(field .status)" "200 Entry pushed"
check "on br0: strip as pop, set_vlan_vid with OpenFlow 1.0 meaning" eq \
    "$(flows 3)" \
    "priority=995,in_port=1,dl_vlan=101 actions=pop_vlan,output:2
priority=995,in_port=2,vlan_tci=0x0000/0x1fff actions=push_vlan:0x8100,\
set_field:4197->vlan_vid,output:1
priority=995,in_port=2,vlan_tci=0x1000/0x1000 actions=\
set_field:4197->vlan_vid,output:1"
check "ping ns1 (VLAN 101) -> ns2" pings 1 2
check "ping ns2 -> ns1" pings 2 1
req GET "$pusher/list/$fl_dpid/json"
check "GET list: both entries, match and actions as Floodlight shows them" \
    eq "$(field ".[\"$fl_dpid\"][] | to_entries[] |
        \"\(.key):\(.value.match.in_port):\(.value.match.eth_vlan_vid):\
\(.value.instructions.instruction_apply_actions.actions)\"" | sort |
        paste -sd ' ')" \
    "net2.0:1:0x1065:strip_vlan=n/a,output=2 \
net2.1:2:null:set_vlan_vid=101,output=1"
req POST "$pusher/json" '{"name": "x", "in_port": "1", "actions": ""}'
check "entry without switch: 200 with Floodlight's warning" eq \
    "$code $(field .status)" "200 Warning! Must specify switch DPID in \
flow. The flow has been discarded."
req POST "$pusher/json" "$(fl_entry net2.0 1 101 strip_vlan,output=2)"
check "the same name again replaces it: still 3 flows" eq \
    "$(field .status) $(n_flows 3)" "Entry pushed 3"
req DELETE "$pusher/json" '{"name": "net2.0"}'
check "DELETE {name}: Entry net2.0 deleted" eq "$code $(field .status)" \
    "200 Entry net2.0 deleted"
req DELETE "$pusher/json" '{"name": "net2.1"}'
check "DELETE the other" eq "$(field .status)" "Entry net2.1 deleted"
req DELETE "$pusher/json" '{"name": "nosuch"}'
check "DELETE an unknown name: 200 as Floodlight" eq \
    "$code $(field .status)" "200 Entry nosuch deleted"
check "no flow of the floodlight cookie left" eq "$(n_flows 3)" 0
check "no ping ns1 -> ns2 after the deletes" no_ping 1 2
req POST "$pusher/json" "$(fl_entry net3.0 2 - output=3)"
req GET "$pusher/clear/$fl_dpid/json"
check "clear/DPID/json: 200, entries and flows gone" eq \
    "$code $(n_flows 3)" "200 0"
req POST "$pusher/json" "$(fl_entry net3.0 2 - output=3)"
stop_standin KILL
check "killed (-9): its flow stays" eq "$(n_flows 3)" 1
check "restarted" start_standin floodlight
check "... it removed the flow of its cookie" eq "$(n_flows 3)" 0
req GET "$pusher/list/all/json"
check "... GET list/all: nothing" eq "$code $(field 'length')" "200 0"
stop_standin

# ================================================================== logs
check "no sanitizer report in the stand-in logs" eq "$(cat "$D"/standin-*.log |
    grep -cE 'ERROR: (Address|Leak)Sanitizer|runtime error:')" 0

ovs_test_summary

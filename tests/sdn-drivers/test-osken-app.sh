#!/bin/bash
# Integration test of sdn-drivers/osken-app/slicer_ofctl_rest.py, our
# os-ken stand-in for Ryu's ofctl_rest: a private userspace Open vSwitch
# (netdev datapath, bridge br0 in secure fail mode, OpenFlow 1.3 only) with
# two network namespaces on ports 1 and 2, osken-manager running the app
# as br0's controller, and the REST API driven with curl and checked
# against ovs-ofctl, ofproto/trace and ping: switch list, flow add/stats/
# delete by cookie, concurrent flow mods, a VLAN push with a dl_vlan match
# (and a set_field without OFPVID_PRESENT, refused), flow mods the switch
# refuses (400 with the decoded OpenFlow error), bad requests, port
# descriptions, unknown dpid, clear, select groups (groupentry add, modify
# and delete, groupdesc, a duplicate add and a bad type refused, a flow to
# a group), and the switch reconnecting to the app and to a restarted
# osken-manager.
#
# It must run as root in network, mount and pid namespaces of its own:
#   unshare --net --mount --pid --fork --mount-proc \
#       tests/sdn-drivers/test-osken-app.sh [SOURCE_DIR]
# Everything it starts dies with them; it still stops its daemons by pid
# and removes its scratch directory on exit.  Exit 0 if every check
# passed, 1 if one failed, 77 (skip) if a program it needs is missing.
# Needs: python3-os-ken, openvswitch-switch, iproute2, iputils-ping, curl,
# jq.
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=${1:-$here/../..}
app=$src/sdn-drivers/osken-app/slicer_ofctl_rest.py

if [ "$(id -u)" -ne 0 ] || [ "$$" -ne 1 ]; then
    echo "test-osken-app: needs root in its own namespaces" \
        "(unshare --net --mount --pid --fork --mount-proc)" >&2
    exit 1
fi
if [ ! -f "$app" ]; then
    echo "test-osken-app: no $app" >&2
    exit 1
fi
for prog in osken-manager ovsdb-server ovs-vswitchd curl jq ping; do
    if ! command -v "$prog" >/dev/null; then
        echo "SKIP: $prog not installed" >&2
        exit 77
    fi
done

NAME=osken
# shellcheck source=ovs-test-lib.sh
. "$(dirname "$0")/ovs-test-lib.sh"
of_port=16653
rest_port=18080
base=http://127.0.0.1:$rest_port
dpid_hex=000000000000b001
dpid=$((16#$dpid_hex))
all_ones=18446744073709551615 # cookie_mask: every bit
osken_pid=

unlisted() { ! listed; }
rest_down() { ! curl -s -o /dev/null -m 2 "$base/stats/switches"; }
stop_osken() {
    if [ -n "$osken_pid" ]; then
        kill "$osken_pid" 2>/dev/null
        wait "$osken_pid" 2>/dev/null
        osken_pid=
    fi
}
cleanup() {
    stop_osken
    for i in 1 2; do
        ip link del "v$i" 2>/dev/null
        ip netns del "osk$i" 2>/dev/null
    done
    ovs_test_stop
}
trap cleanup EXIT
trap 'exit 1' INT TERM

req() { # METHOD PATH [BODY]: status in $code, body in $D/body
    local data=()
    if [ $# -ge 3 ]; then
        data=(-H 'Content-Type: application/json' --data-binary "$3")
    fi
    code=$(curl -s -m 20 -o "$D/body" -w '%{http_code}' -X "$1" \
        "${data[@]}" "$base$2")
}
field() { jq -r "$1" "$D/body" 2>/dev/null; }
of_br0() { # the jq filter $1 applied to br0's list in the body
    jq -r --arg d "$dpid" ".[\$d] $1" "$D/body" 2>/dev/null
}
flows() { # the flows of br0 with COOKIE (0x...), statistics removed, sorted
    ovs-ofctl -O OpenFlow13 --no-stats dump-flows br0 "cookie=$1/-1" |
        sed 's/^ *//' | sort
}
appctl() { ovs-appctl -t "$D/ovs-vswitchd.ctl" "$@"; }
ofport() { ovs-vsctl get interface "$1" ofport; }
n_flows() { ovs-ofctl -O OpenFlow13 dump-flows br0 | grep -c cookie=; }
groups() { # br0's groups, one a line
    ovs-ofctl -O OpenFlow13 --no-names dump-groups br0 | grep group_id |
        sed 's/^ *//' | sort
}
group_mod() { # COMMAND, then the group_id and buckets of the body
    req POST "/stats/groupentry/$1" \
        "{\"dpid\": $dpid, \"type\": \"SELECT\", \"group_id\": $2,
          \"buckets\": $3}"
}
pings() { ip netns exec osk1 ping -c 1 -W 2 10.9.0.2 >/dev/null 2>&1; }
no_ping() { ! ip netns exec osk1 ping -c 1 -W 1 10.9.0.2 >/dev/null 2>&1; }
listed() { # is br0 in /stats/switches?
    req GET /stats/switches
    [ "$code" = 200 ] && jq -e --argjson d "$dpid" 'index($d) != null' \
        "$D/body" >/dev/null
}
flow_add() { # flowentry/add with the common part of the body and $1
    req POST /stats/flowentry/add "{\"dpid\": $dpid, $1}"
}

start_osken() {
    # PYTHONDONTWRITEBYTECODE: no __pycache__ next to the app in the tree
    PYTHONDONTWRITEBYTECODE=1 SLICER_OFCTL_LISTEN=127.0.0.1:$rest_port \
        osken-manager --ofp-listen-host 127.0.0.1 \
        --ofp-tcp-listen-port "$of_port" "$app" >>"$D/osken.log" 2>&1 &
    osken_pid=$!
    wait_for 150 curl -s -o /dev/null "$base/stats/switches"
}

# --- the switch and the namespaces
ovs_test_start
for i in 1 2; do
    ip netns add "osk$i"
    ip link add "v$i" type veth peer name "v${i}p"
    ip link set "v${i}p" netns "osk$i"
    ip -n "osk$i" link set "v${i}p" name eth0
    ip -n "osk$i" link set lo up
    ip -n "osk$i" addr add "10.9.0.$i/24" dev eth0
    ip -n "osk$i" link set eth0 up
    ip link set "v$i" up
    ovs-vsctl add-port br0 "v$i" -- set interface "v$i" ofport_request=$i
done
check "ports v1, v2 at OpenFlow ports 1, 2" eq \
    "$(ofport v1),$(ofport v2)" 1,2

# --- osken-manager with the app, br0 connected to it
check "osken-manager serves the REST API" start_osken
ovs-vsctl set-controller br0 "tcp:127.0.0.1:$of_port" \
    -- set controller br0 max_backoff=1000 connection_mode=out-of-band
check "/stats/switches lists br0 ($dpid)" wait_for 150 listed
if ! listed; then
    echo "FAIL: br0 not on the REST API, giving up; osken-manager log:"
    tail -n 20 "$D/osken.log"
    exit 1
fi
check "no ping before flows" no_ping

# --- flows in both directions, by cookie 0x1234
flow_add '"cookie": 4660, "priority": 100, "match": {"in_port": 1},
    "actions": [{"type": "OUTPUT", "port": 2}]'
check "flowentry/add 1 -> 2: 200" eq "$code" 200
flow_add '"cookie": 4660, "priority": 100, "match": {"in_port": 2},
    "actions": [{"type": "OUTPUT", "port": 1}]'
check "flowentry/add 2 -> 1: 200" eq "$code" 200
check "both flows on br0 with cookie 0x1234" eq "$(flows 0x1234)" \
    "cookie=0x1234, priority=100,in_port=1 actions=output:2
cookie=0x1234, priority=100,in_port=2 actions=output:1"
check "ping with the flows" pings

req POST "/stats/flow/$dpid" "{\"cookie\": 4660, \"cookie_mask\": $all_ones}"
check "POST /stats/flow by cookie: 200" eq "$code" 200
check "... lists exactly 2" eq "$(of_br0 '| length')" 2
check "... with their match and actions" eq \
    "$(of_br0 '| map("\(.match.in_port)>\(.actions[0])")
        | sort | join(" ")')" \
    "1>OUTPUT:2 2>OUTPUT:1"
check "... and their packets counted" test \
    "$(of_br0 '| map(.packet_count) | add')" -gt 0
req GET "/stats/flow/$dpid"
check "GET /stats/flow lists them too" eq \
    "$(of_br0 '| map(select(.cookie == 4660)) | length')" 2

# --- concurrent flow mods, one of them refused: each request gets the
# answer to its own flow mod
pids=()
for i in 1 2 3 4 5 6; do
    action='[]'
    [ "$i" = 4 ] && action='[{"type": "GROUP", "group_id": 7}]'
    curl -s -m 20 -o /dev/null -w '%{http_code}' -X POST \
        -H 'Content-Type: application/json' --data-binary \
        "{\"dpid\": $dpid, \"cookie\": 17476, \"priority\": 1$i,
          \"match\": {\"dl_type\": 2048, \"nw_dst\": \"10.9.9.$i\"},
          \"actions\": $action}" \
        "$base/stats/flowentry/add" >"$D/parallel.$i" &
    pids+=($!)
done
wait "${pids[@]}"
check "6 concurrent adds: 400 for the refused one, 200 for the others" eq \
    "$(cat "$D"/parallel.?)" 200200200400200200
check "... and the 5 accepted flows on br0" eq "$(flows 0x4444 | wc -l)" 5
req POST /stats/flowentry/delete \
    "{\"dpid\": $dpid, \"cookie\": 17476, \"cookie_mask\": $all_ones}"
check "... deleted by their cookie" eq "$(flows 0x4444)" ""

# --- VLAN: a dl_vlan match (OFPVID_PRESENT added by ofctl) and a push
# with set_field vlan_vid 4096|101 (passed through as is)
flow_add '"cookie": 8738, "priority": 200,
    "match": {"in_port": 1, "dl_vlan": 100},
    "actions": [{"type": "PUSH_VLAN", "ethertype": 33024},
                {"type": "SET_FIELD", "field": "vlan_vid", "value": 4197},
                {"type": "OUTPUT", "port": 2}]'
check "VLAN flow: 200" eq "$code" 200
vlan_flow="cookie=0x2222, priority=200,in_port=1,dl_vlan=100"
vlan_flow+=" actions=push_vlan:0x8100,set_field:4197->vlan_vid,output:2"
check "VLAN flow on br0 as dl_vlan=100, set_field:4197->vlan_vid" eq \
    "$(flows 0x2222)" "$vlan_flow"
# The datapath numbers ports on its own: "v2 2/3:" is OpenFlow port 2,
# datapath port 3.
odp_v2=$(appctl dpif/show | sed -n 's|^ *v2 2/\([0-9]*\):.*|\1|p')
trace=$(appctl ofproto/trace br0 \
    in_port=1,dl_vlan=100,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02 |
    grep '^Datapath actions:')
check "VLAN flow pushes tag 101 over tag 100 and outputs to v2" eq \
    "$trace" "Datapath actions: push_vlan(vid=101,pcp=0),$odp_v2"
req POST "/stats/flow/$dpid" '{"cookie": 8738, "cookie_mask": 65535}'
check "VLAN flow stats give dl_vlan 100 and vlan_vid 4197" eq \
    "$(of_br0 '[0] | "\(.match.dl_vlan) \(.actions | join(","))"')" \
    "100 PUSH_VLAN:33024,SET_FIELD: {vlan_vid:4197},OUTPUT:2"

# ofctl passes a set_field value as is: without OFPVID_PRESENT the switch
# refuses it.
flow_add '"cookie": 8738, "priority": 201, "match": {"in_port": 2},
    "actions": [{"type": "PUSH_VLAN", "ethertype": 33024},
                {"type": "SET_FIELD", "field": "vlan_vid", "value": 101},
                {"type": "OUTPUT", "port": 1}]'
check "set_field vlan_vid 101 (no 4096): 400" eq "$code" 400
check "... naming OFPBAC_BAD_SET_ARGUMENT" contains "$(field .error)" \
    "OFPET_BAD_ACTION(2) OFPBAC_BAD_SET_ARGUMENT(15)"

# --- flow mods the switch refuses: 400 with the decoded error
flow_add '"cookie": 13107, "match": {"in_port": 1},
    "actions": [{"type": "GROUP", "group_id": 7}]'
check "output to a missing group: 400" eq "$code" 400
check "... naming OFPBAC_BAD_OUT_GROUP" contains "$(field .error)" \
    "OFPET_BAD_ACTION(2) OFPBAC_BAD_OUT_GROUP(9)"
flow_add '"cookie": 13107, "table_id": 255, "match": {"in_port": 1},
    "actions": [{"type": "OUTPUT", "port": 2}]'
check "add to table 255: 400" eq "$code" 400
check "... naming OFPFMFC_BAD_TABLE_ID" contains "$(field .error)" \
    "OFPET_FLOW_MOD_FAILED(5) OFPFMFC_BAD_TABLE_ID(2)"
check "no refused flow on br0" eq "$(flows 0x3333)" ""

# --- bad requests
flow_add '"match": {"in_port": 1, "no_such_field": 3}, "actions": []'
check "unknown match field: 400" eq "$code" 400
check "... naming it" contains "$(field .error)" no_such_field
flow_add '"match": {"in_port": "one"}, "actions": []'
check "bad in_port: 400" eq "$code" 400
check "... naming it" contains "$(field .error)" one
req POST /stats/flowentry/add '{"dpid": '
check "bad JSON: 400" eq "$code" 400
check "... naming the problem" contains "$(field .error)" "bad JSON body"
req POST /stats/flowentry/add '[1, 2]'
check "JSON array body: 400" eq "$code" 400
req POST /stats/flowentry/add '{"match": {}}'
check "no dpid: 400 naming it" contains "$(field .error)" '"dpid" is missing'
req POST /stats/flowentry/frobnicate "{\"dpid\": $dpid}"
check "unknown flowentry command: 404" eq "$code" 404
req PUT /stats/switches
check "PUT /stats/switches: 405" eq "$code" 405
req GET /stats/nothing
check "unknown path: 404 with a JSON error" test -n "$(field .error)"
check "flows untouched by the bad requests" eq "$(n_flows)" 3

# --- delete by cookie and mask
req POST /stats/flowentry/delete \
    "{\"dpid\": $dpid, \"cookie\": 4660, \"cookie_mask\": $all_ones}"
check "flowentry/delete by cookie: 200" eq "$code" 200
check "the cookie 0x1234 flows are gone" eq "$(flows 0x1234)" ""
check "the VLAN flow (other cookie) stays" eq "$(n_flows)" 1
check "no ping after the delete" no_ping

# --- port descriptions, unknown dpid, clear
req GET "/stats/portdesc/$dpid"
check "portdesc: 200" eq "$code" 200
check "portdesc names port 1 v1, port 2 v2, LOCAL br0" eq \
    "$(of_br0 '| map("\(.port_no)=\(.name)") | sort | join(" ")')" \
    "1=v1 2=v2 LOCAL=br0"
req GET /stats/flow/4242
check "unknown dpid: 404" eq "$code" 404
check "... with a JSON error" contains "$(field .error)" "switch 4242"
req GET /stats/portdesc/0x10
check "unknown dpid in hex: 404" eq "$code" 404
req GET /stats/flow/nodpid
check "bad dpid: 400" eq "$code" 400
req POST /stats/flowentry/add '{"dpid": 4242, "actions": []}'
check "flowentry for an unknown dpid: 404" eq "$code" 404
req DELETE "/stats/flowentry/clear/$dpid"
check "clear: 200" eq "$code" 200
check "clear: no flow left" eq "$(n_flows)" 0

# --- select groups
two_buckets='[{"weight": 1, "actions": [{"type": "SET_FIELD",
    "field": "vlan_vid", "value": 4197}, {"type": "OUTPUT", "port": 1}]},
    {"weight": 1, "actions": [{"type": "OUTPUT", "port": 2}]}]'
group_mod add 7 "$two_buckets"
check "groupentry/add of select group 7: 200" eq "$code" 200
group7="group_id=7,type=select"
group7+=",bucket=actions=set_field:4197->vlan_vid,output:1"
group7+=",bucket=actions=output:2"
check "... on br0 with its two buckets" eq "$(groups)" "$group7"
req GET "/stats/groupdesc/$dpid"
check "groupdesc: 200" eq "$code" 200
check "... lists group 7, SELECT, with its buckets' actions" eq \
    "$(of_br0 '| map("\(.group_id) \(.type) \(.buckets | map(.weight,
        (.actions | join(","))) | join(" "))") | join(";")')" \
    "7 SELECT 1 SET_FIELD: {vlan_vid:4197},OUTPUT:1 1 OUTPUT:2"
group_mod add 7 "$two_buckets"
check "the same group added again: 400" eq "$code" 400
check "... naming OFPGMFC_GROUP_EXISTS" contains "$(field .error)" \
    "group mod refused: OFPET_GROUP_MOD_FAILED(6) OFPGMFC_GROUP_EXISTS(0)"
flow_add '"cookie": 21845, "match": {"in_port": 1},
    "actions": [{"type": "GROUP", "group_id": 7}]'
check "a flow to group 7: 200" eq "$code" 200
group_mod modify 7 '[{"weight": 1, "actions": [{"type": "OUTPUT",
    "port": 2}]}]'
check "groupentry/modify: 200, one bucket left" eq "$code $(groups)" \
    "200 group_id=7,type=select,bucket=actions=output:2"
req POST /stats/groupentry/add \
    "{\"dpid\": $dpid, \"type\": \"NOPE\", \"group_id\": 8}"
check "an unknown group type: 400 naming it" contains "$code $(field .error)" \
    "400 switch $dpid: bad group entry: Unknown group type: NOPE"
req POST /stats/groupentry/frobnicate "{\"dpid\": $dpid}"
check "unknown groupentry command: 404" eq "$code" 404
req POST /stats/groupentry/delete "{\"dpid\": $dpid, \"group_id\": 7}"
check "groupentry/delete: 200, no group left" eq "$code $(groups)" "200 "
check "... and the flow to it went with it" eq "$(n_flows)" 0
req POST /stats/groupentry/delete "{\"dpid\": $dpid, \"group_id\": 99}"
check "deleting a group br0 lacks: 200" eq "$code" 200
req GET /stats/groupdesc/4242
check "groupdesc of an unknown dpid: 404" eq "$code" 404

# --- the switch disconnects and reconnects
ovs-vsctl del-controller br0
check "switch gone from /stats/switches after del-controller" \
    wait_for 100 unlisted
req GET "/stats/flow/$dpid"
check "... and its flows 404" eq "$code" 404
ovs-vsctl set-controller br0 "tcp:127.0.0.1:$of_port" \
    -- set controller br0 max_backoff=1000 connection_mode=out-of-band
check "switch back after set-controller" wait_for 150 listed

# --- osken-manager restarted: the switch reconnects
stop_osken
check "REST API down with osken-manager" rest_down
check "osken-manager restarted" start_osken
check "switch reconnects to the new osken-manager" wait_for 200 listed
flow_add '"cookie": 4660, "priority": 100, "match": {"in_port": 1},
    "actions": [{"type": "OUTPUT", "port": 2}]'
check "flowentry/add after the restart: 200" eq "$code" 200
flow_add '"cookie": 4660, "priority": 100, "match": {"in_port": 2},
    "actions": [{"type": "OUTPUT", "port": 1}]'
check "ping again after the restart" pings
check "no Python traceback in the osken-manager log" eq \
    "$(grep -c Traceback "$D/osken.log")" 0
# Expected: the refused set_field, and the controller connection failing
# while osken-manager was down.
check "no other warning in the ovs-vswitchd log" eq "$(grep -E \
    '\|(WARN|ERR|EMER)\|' "$D/ovs-vswitchd.log" | grep -vcE \
    -e 'ofp_actions\|WARN\|Invalid value for set field vlan_vid: 101$' \
    -e 'ofp_actions\|WARN\|bad action at offset [0-9]+ \(OFPBAC_BAD_SET_ARG' \
    -e "rconn\|WARN\|br0<->tcp:127.0.0.1:$of_port: connection failed")" 0

ovs_test_summary

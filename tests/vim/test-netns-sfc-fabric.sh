#!/bin/bash
# Integration test of chains through SR-IOV service functions, across the
# VIM's switch (br-int) and the fabric (br-fabric), on the netns VIM with
# a private userspace Open vSwitch:
# - the SFC demo with its firewall on SR-IOV VFs (sfc_sriov_nsd): the
#   chain's br-int part through the ovs driver, its fabric part through
#   the account's SDN controller (the embedded ovs driver on br-fabric,
#   then os-ken); HTTP counted by the firewall and then the monitor, in
#   that order, telnet dropped at the firewall, ICMP bypassing; the
#   switch's per-hop counters from the switch that carries each hop;
# - MPLS and a symmetric reverse path: the firewall (which reads plain
#   and VLAN-tagged frames) gets plain packets, the reverse hops count;
# - all-or-nothing across switches: a fabric that refuses its part fails
#   the NS with nothing left on br-int; a br-int that refuses its part
#   after the fabric's went in has the fabric's removed;
# - a scale of the SR-IOV firewall: the hop load-balances over both
#   instances' VFs (a select group whose buckets set each VF's VLAN);
# - counters survive the driver's re-install of flows removed by hand;
# - a restart of slicerd re-installs the fabric part from the store;
# - the same chain with its fabric part through os-ken (a real OpenFlow
#   controller serving ofctl_rest), symmetric, and through ONOS's and
#   OpenDaylight's flow APIs, played by their stand-ins on br-fabric;
# - terminate leaves no flow on either switch.
#
# Runs as root in network, mount and pid namespaces of its own (meson:
# "unshare -n -m -p -f --mount-proc").
# usage: test-netns-sfc-fabric.sh SLICERD SOURCE_DIR STANDIN
set -u
slicerd=$1
src=$2
standin=$3
tpl=$src/templates
here=$(cd "$(dirname "$0")" && pwd)
name=netns-sfc-fabric
# shellcheck source=../slicer/harness.sh
. "$(dirname "$0")/../slicer/harness.sh"

own_namespaces test-netns-sfc-fabric
config

ofctl() { OVS_RUNDIR=$ovsdir ovs-ofctl -O OpenFlow13 "$@"; }
vsctl() { OVS_RUNDIR=$ovsdir ovs-vsctl "$@"; }
settle() { OVS_RUNDIR=$ovsdir ovs-appctl -t "$ovsdir/ovs-vswitchd.ctl" revalidator/wait; }
chain_flows() { # bridge -> the number of chain flows on it (programs 1..)
    ofctl dump-flows "$1" 2>/dev/null |
        grep -cE 'cookie=0x51ce0000[0-9a-f]{6,8},'
}
# shellcheck source=sfc-lib.sh
. "$here/sfc-lib.sh"
# shellcheck source=sdn-lib.sh
. "$here/sdn-lib.sh"

start
login
for f in host_vnfd monitor_vnfd firewall_sriov_vnfd; do
    onboard vnfd "$tpl/vnfd/$f.yaml"
    check "onboard $f" eq "$code" 201
done
onboard vnfd "$here/sfc-host-pair-vnfd.yaml"
check "onboard the two-instance host" eq "$code" 201
for f in "$tpl/nsd/sfc_sriov_nsd.yaml" "$here/sfc-sources-nsd.yaml"; do
    onboard nsd "$f"
    check "onboard $(basename "$f")" eq "$code" 201
done

cp "$tpl/infra/hosts/compute-1.yaml" "$tmp/hosts.yaml"
jreq POST /admin/v1/vim_accounts "{\"name\":\"local\",\"vim_type\":\"netns\",\"vim_url\":\"netns://localhost\",\"config\":{\"hosts\":\"$tmp/hosts.yaml\"}}"
check "netns account: 201" eq "$code" 201
vim=$(field .id)
ovsdir=$tmp/state/netns-$vim/ovs

# --- without an SDN controller, a chain through a VF cannot be made
ns_up nofabric slicer-sfc-sriov-ns "$vim"
check "an SR-IOV chain without an sdn-controller: FAILED" eq "$state" FAILED
check "... saying the account names none" grep -q "names no sdn-controller" <(field .errorMessage)
check "... rolled back: no namespace" eq "$(ip netns list | wc -l)" 0
req DELETE "/nslcm/v1/ns_instances/$ns"

jreq POST /admin/v1/sdns '{"name":"fabric","type":"ovs","config":{"bridge":"br-fabric","audit_interval_ms":300}}'
check "SDN controller of type ovs on the VIM's fabric: 201" eq "$code" 201
mapping='[{"compute_node":"compute-1","ports":[
  {"pci":"0000:3b:00.0","switch_id":"br-fabric","switch_port":"1"},
  {"pci":"0000:3b:0[23].[0-7]","switch_id":"br-fabric","switch_port":"1"},
  {"pci":"0000:3b:00.1","switch_id":"br-fabric","switch_port":"2"},
  {"pci":"0000:af:00.1","switch_id":"br-fabric","switch_port":"4"},
  {"pci":"0000:af:0[0-2].[0-7]","switch_id":"br-fabric","switch_port":"3"}]}]'
account_sdn() { # controller name
    jreq PATCH "/admin/v1/vim_accounts/$vim" "{\"config\":{\"hosts\":\"$tmp/hosts.yaml\",\"sdn-controller\":\"$1\",\"sdn-port-mapping\":$mapping}}"
}
account_sdn fabric
check "the account names the controller and maps its ports: 204" eq "$code" 204

# --- the demo chain with an SR-IOV firewall, VLAN steering
ns_up web slicer-sfc-sriov-ns "$vim"
web=$ns
check "SR-IOV chain NS instantiated" eq "$state" COMPLETED
req GET "/nslcm/v1/ns_instances/$web"
check "its chain is ACTIVE" eq "$(field '.vnffgr[0].status')" ACTIVE
check "the firewall hop's instance is on the fabric, in its VFs' VLANs" \
    eq "$(field '.vnffgr[0].hops[] | select(.id == "firewall-hop") | .sfis[0] | [.ingress.fabric, .ingress.name, .ingress.vlan, .egress.vlan] | map(tostring) | join(" ")')" \
    "true 3 201 202"
check "br-int holds the chain's part on the VIM's switch" test "$(chain_flows br-int)" -gt 0
check "br-fabric holds the firewall's part" test "$(chain_flows br-fabric)" -gt 0
web_checks "$web" "the fabric (ovs driver)"

# --- counters survive a re-install of flows removed by hand
n=$(hop "$web" web-path firewall-hop forward)
ofctl del-flows br-fabric "cookie=0x51ce000000000000/0xffff000000000000"
for _ in $(seq 50); do
    [ "$(chain_flows br-fabric)" -gt 0 ] && break
    sleep 0.1
done
check "the fabric's audit put the chain's part back" test "$(chain_flows br-fabric)" -gt 0
check "HTTP passes again" eq "$(http "$client" http://10.10.0.20/)" 200
settle
check "the firewall hop's counter went on from where it was" \
    test "$(hop "$web" web-path firewall-hop forward)" -gt "$n"

# --- a restart of slicerd re-installs the fabric part from the store
kill -9 "$pid"
wait "$pid" 2>/dev/null
pid=
ofctl del-flows br-fabric "cookie=0x51ce000000000000/0xffff000000000000"
check "while slicerd is down the fabric lost the chain" eq "$(chain_flows br-fabric)" 0
start
for _ in $(seq 100); do
    [ "$(chain_flows br-fabric)" -gt 0 ] && break
    sleep 0.1
done
check "slicerd re-installed the fabric part at start" test "$(chain_flows br-fabric)" -gt 0
check "HTTP passes the chain again" eq "$(http "$client" http://10.10.0.20/)" 200

# --- a scale of the SR-IOV firewall: the hop load-balances over both
# instances' VFs, each entered in its own VLAN
scale='{"scaleType":"SCALE_VNF","scaleVnfData":{"scaleVnfType":"SCALE_OUT","scaleByStepData":{"scaling-group-descriptor":"firewall-scale","member-vnf-index":"firewall"}}}'
jreq POST "/nslcm/v1/ns_instances/$web/scale" "$scale"
wait_op "$(field .id)"
check "scale out of the SR-IOV firewall: COMPLETED" eq "$state" COMPLETED
req GET "/nslcm/v1/ns_instances/$web"
check "its hop has two instances, both on the fabric" \
    eq "$(field '[.vnffgr[0].hops[] | select(.id == "firewall-hop") | .sfis[].ingress.fabric] | map(tostring) | join(" ")')" "true true"
check "a select group on br-fabric sets each VF's VLAN" \
    test "$(ofctl dump-groups br-fabric | grep -o 'set_field:[0-9]*->vlan_vid' | sort -u | wc -l)" -eq 2
fw_http_all() { # HTTP packets counted by every firewall instance
    local total=0 n
    req GET "/nslcm/v1/vnf_instances?nsr-id-ref=$web"
    for n in $(field '.[] | select(."member-vnf-index-ref" == "firewall") | .vdur[]."vim-id"'); do
        total=$((total + $(sfcount "$n" http)))
    done
    echo "$total"
}
before=$(fw_http_all)
ok=0
for _ in 1 2 3 4 5 6; do
    [ "$(http "$client" http://10.10.0.20/)" = 200 ] && ok=$((ok + 1))
done
check "HTTP passes the load-balanced SR-IOV hop" eq "$ok" 6
check "the firewalls together counted every request" test "$(fw_http_all)" -ge $((before + 6 * 5))
jreq POST "/nslcm/v1/ns_instances/$web/scale" "${scale/SCALE_OUT/SCALE_IN}"
wait_op "$(field .id)"
check "scale in: COMPLETED" eq "$state" COMPLETED
check "no group left on br-fabric" eq "$(ofctl dump-groups br-fabric | grep -c 'type=select')" 0
check "HTTP still passes" eq "$(http "$client" http://10.10.0.20/)" 200

ns_down "$web"
check "terminated" eq "$state" COMPLETED
check "no chain flow left on br-int" eq "$(chain_flows br-int)" 0
check "none on br-fabric" eq "$(chain_flows br-fabric)" 0

# --- MPLS, symmetric: the firewall reads plain and VLAN-tagged frames
# only, so it gets the packets as classified (the label off before its VF)
ns_up mpls slicer-sfc-sriov-ns "$vim" '{"additionalParamsForNs":{"sfc":{"encapsulation":"mpls","symmetric":true}}}'
mpls=$ns
check "MPLS symmetric SR-IOV chain: COMPLETED" eq "$state" COMPLETED
client=$(netns_of "$mpls" client)
fw=$(netns_of "$mpls" firewall)
check "HTTP passes" eq "$(http "$client" http://10.10.0.20/)" 200
check "the firewall read it (counted HTTP)" test "$(sfcount "$fw" http)" -gt 0
check "telnet dropped by the firewall" eq "$(http "$client" telnet://10.10.0.20:23 </dev/null)" 000
check "... which read the port" test "$(sfcount "$fw" telnet)" -gt 0
settle
check "the server's answers steered into the monitor" test "$(hop "$mpls" web-path monitor-hop reverse)" -gt 0
check "and then into the SR-IOV firewall" test "$(hop "$mpls" web-path firewall-hop reverse)" -gt 0
ns_down "$mpls"
check "terminated, no chain flow left" eq "$(chain_flows br-int) $(chain_flows br-fabric)" "0 0"

# --- a source VNF with two instances: both classified, answers back to
# each
ns_up sources sfc-sources-ns "$vim" '{"additionalParamsForNs":{"sfc":{"symmetric":true}}}'
sources=$ns
check "two-source SR-IOV chain: COMPLETED" eq "$state" COMPLETED
req GET "/nslcm/v1/ns_instances/$sources"
check "the chain's classifier is at both client instances" eq "$(field '.vnffgr[0].sources | length')" 2
fw=$(netns_of "$sources" firewall)
req GET "/nslcm/v1/vnf_instances?nsr-id-ref=$sources"
clients=$(field '.[] | select(."member-vnf-index-ref" == "client") | .vdur[]."vim-id"')
check "two client namespaces" eq "$(echo "$clients" | wc -w)" 2
for c in $clients; do
    before=$(sfcount "$fw" http)
    check "HTTP from client $c reaches the server and comes back" eq "$(http "$c" http://10.10.0.20/)" 200
    check "... through the firewall" test "$(sfcount "$fw" http)" -gt "$before"
done
ns_down "$sources"
check "terminated" eq "$state" COMPLETED

# --- all-or-nothing across the switches: a fabric that refuses its part
# fails the NS, and nothing of the chain is on br-int
nfab=$(ofctl dump-flows br-fabric | grep -c 'cookie=')
vsctl -- --id=@ft create Flow_Table flow_limit=$((nfab + 1)) \
    overflow_policy=refuse -- set Bridge br-fabric flow_tables:0=@ft
ns_up full slicer-sfc-sriov-ns "$vim"
check "a fabric that refuses the chain: FAILED" eq "$state" FAILED
check "... in the switch's words" grep -q OFPFMFC_TABLE_FULL "$tmp/body"
check "... rolled back" eq "$(field .rollback.state)" COMPLETED
check "no namespace, no chain flow on either switch" eq "$(ip netns list | wc -l) $(chain_flows br-int) $(chain_flows br-fabric)" "0 0 0"
req DELETE "/nslcm/v1/ns_instances/$ns"
vsctl clear Bridge br-fabric flow_tables
# br-int refuses its part after the fabric's went in: the fabric's goes
nint=$(ofctl dump-flows br-int | grep -c 'cookie=')
vsctl -- --id=@ft create Flow_Table flow_limit=$((nint + 1)) \
    overflow_policy=refuse -- set Bridge br-int flow_tables:0=@ft
ns_up full2 slicer-sfc-sriov-ns "$vim"
check "a br-int that refuses the chain: FAILED" eq "$state" FAILED
check "... in the switch's words" grep -q OFPFMFC_TABLE_FULL "$tmp/body"
check "the fabric's part, installed first, was removed" eq "$(chain_flows br-fabric)" 0
check "no namespace left" eq "$(ip netns list | wc -l)" 0
req DELETE "/nslcm/v1/ns_instances/$ns"
vsctl clear Bridge br-int flow_tables

# --- the fabric through a real OpenFlow controller: os-ken serving
# ofctl_rest (our app), controlling br-fabric
vsctl set-controller br-fabric tcp:127.0.0.1:6655 \
    -- set controller br-fabric max_backoff=1000 connection_mode=out-of-band
osken_up
dpid=$(curl -s http://127.0.0.1:8080/stats/switches | jq '.[0]')
check "os-ken controls br-fabric" grep -qE '^[0-9]+$' <<<"$dpid"
jreq POST /admin/v1/sdns "{\"name\":\"osken\",\"type\":\"osken\",\"url\":\"http://127.0.0.1:8080\",\"config\":{\"dpid\":$dpid,\"audit_interval_ms\":500}}"
check "the os-ken controller record: 201" eq "$code" 201
account_sdn osken
check "the account names os-ken now: 204" eq "$code" 204

ns_up kenweb slicer-sfc-sriov-ns "$vim" '{"additionalParamsForNs":{"sfc":{"symmetric":true}}}'
kenweb=$ns
check "SR-IOV chain through os-ken: COMPLETED" eq "$state" COMPLETED
osken_flows() { # the chain rules os-ken holds on br-fabric
    curl -s "http://127.0.0.1:8080/stats/flow/$dpid" |
        jq '[.[][] | select(.priority >= 40000)] | length'
}
check "os-ken holds the fabric part (GET /stats/flow)" test "$(osken_flows)" -gt 0
check "br-int holds the rest, through the ovs driver" test "$(chain_flows br-int)" -gt 0
web_checks "$kenweb" "os-ken" symmetric
check "the reverse path's firewall hop counted the answers" \
    test "$(hop "$kenweb" web-path firewall-hop reverse)" -gt 0
account_sdn fabric
check "the account cannot leave os-ken while a chain has its part there: 409" eq "$code" 409
check "... naming the NS" grep -q "NS 'kenweb' have SDN-assist services or chains on it" <(field .detail)
ns_down "$kenweb"
check "terminated" eq "$state" COMPLETED
check "os-ken holds no chain rule, br-int none" eq "$(osken_flows) $(chain_flows br-int)" "0 0"
check "no namespace left" eq "$(ip netns list | wc -l)" 0
osken_down
vsctl del-controller br-fabric

# --- ONOS and OpenDaylight cannot run here: their stand-ins
# (tests/sdn-drivers/standin/) serve each one's REST API and apply what
# they are told to br-fabric
fabric_chain_rules() { ofctl dump-flows br-fabric | grep -cE 'priority=4[0-9]{4},'; }
for t in onosof:onos odlof:odl; do
    type=${t%%:*}
    standin_up "${t#*:}"
    jreq POST /admin/v1/sdns "{\"name\":\"$type\",\"type\":\"$type\",\"url\":\"http://127.0.0.1:$(cat "$tmp/standin.port")\",\"user\":\"karaf\",\"password\":\"karaf\"}"
    check "$type: the controller record: 201" eq "$code" 201
    account_sdn "$type"
    check "$type: the account names it: 204" eq "$code" 204
    ns_up "c-$type" slicer-sfc-sriov-ns "$vim"
    check "$type: SR-IOV chain COMPLETED" eq "$state" COMPLETED
    check "$type: the fabric part is on br-fabric" test "$(fabric_chain_rules)" -gt 0
    web_checks "$ns" "$type"
    ns_down "$ns"
    check "$type: terminated, no chain rule left on either switch" \
        eq "$state $(fabric_chain_rules) $(chain_flows br-int)" "COMPLETED 0 0"
    standin_down
done
check "controller passwords never logged" test "$(grep -c karaf "$tmp/log")" = 0
check "no namespace left" eq "$(ip netns list | wc -l)" 0

summary

#!/bin/bash
# Integration test of service function chains through slicerd, on the
# netns VIM (real namespaces, a private userspace Open vSwitch) with the
# ovs SDN driver on its br-int:
# - the SFC demo NS: TCP 80 passes firewall then monitor (counted by both
#   SFs' nftables and by the switch per hop), TCP 23 is dropped at the
#   firewall, ICMP bypasses the chain;
# - two chains sharing one SF (the monitor), which scales out (both
#   chains load-balance over its two instances) and back in;
# - a counters read waiting on a frozen switch is answered when slicerd
#   stops, and nothing leaks;
# - the chains' flows are re-installed from the store when slicerd starts
#   again after they were removed by hand;
# - a chain the switch refuses (its flow table full) rolls its NS back:
#   no namespace or flow of it is left, the other NS's chain still works;
# - what an SF reads: an NSH-aware SF refuses a VLAN chain (422); with
#   NSH, symmetric, tcpdump on its ingress sees NSH with the chain's SPI,
#   the firewall (plain and VLAN only) gets plain TCP and drops telnet,
#   the reverse path's hops count packets;
# - bad chain parameters (an unknown encapsulation, SF VNFs asking for
#   different ones) and colliding classifiers are refused (422) with
#   nothing created;
# - terminating leaves no flow, namespace or port.
#
# It must run as root in network, mount and pid namespaces of its own
# (meson runs it under "unshare -n -m -p -f --mount-proc").
# usage: test-netns-sfc.sh SLICERD SOURCE_DIR
set -u
slicerd=$1
src=$2
tpl=$src/templates
here=$(cd "$(dirname "$0")" && pwd)
name=netns-sfc
# shellcheck source=../slicer/harness.sh
. "$here/../slicer/harness.sh"

own_namespaces test-netns-sfc
config "metrics_listen: 127.0.0.1:19464"

ns_up() { # name nsd [instantiate body] -> $ns, $state
    ns_new "$1" "$2"
    jreq POST "/nslcm/v1/ns_instances/$ns/instantiate" "${3:-{\}}"
    wait_op "$(field .id)"
}
ofctl() { ovs-ofctl -O OpenFlow13 "$@"; }
slicer_flows() { # (no switch yet before the first NS: none)
    ofctl dump-flows br-int 2>/dev/null | grep -c 'cookie=0x51ce'
}
settle() { ovs-appctl -t "$OVS_RUNDIR/ovs-vswitchd.ctl" revalidator/wait; }
# shellcheck source=sfc-lib.sh
. "$here/sfc-lib.sh"

start
login
for f in "$tpl/vnfd/host_vnfd.yaml" "$tpl/vnfd/monitor_vnfd.yaml" \
    "$here/sfc-nsh-sf-vnfd.yaml"; do
    yreq /vnfpkgm/v1/vnf_packages_content "$f"
    check "onboard $(basename "$f")" eq "$code" 201
done
# the firewall as its package: the descriptor and its primitives' script
tar -C "$tpl/vnfd" -czf "$tmp/firewall.tar.gz" firewall_vnfd.yaml scripts/firewall.sh
req POST /vnfpkgm/v1/vnf_packages_content -H 'Content-Type: application/gzip' --data-binary "@$tmp/firewall.tar.gz"
check "onboard the firewall package" eq "$code" 201
for f in "$tpl/nsd/sfc_demo_nsd.yaml" "$here/sfc-two-paths-nsd.yaml" \
    "$here/sfc-colliding-nsd.yaml" "$here/sfc-nsh-nsd.yaml"; do
    yreq /nsd/v1/ns_descriptors_content "$f"
    check "onboard $(basename "$f")" eq "$code" 201
done
jreq POST /admin/v1/vim_accounts '{"name":"local","vim_type":"netns","vim_url":"netns://localhost","config":{"ovs":"managed"}}'
vim=$(field .id)
check "netns account" eq "$code" 201
export OVS_RUNDIR=$tmp/state/netns-$vim/ovs

# --- refused before anything is made
ns_new bad slicer-sfc-demo-ns
jreq POST "/nslcm/v1/ns_instances/$ns/instantiate" '{"additionalParamsForNs":{"sfc":{"paths":{"web-path":{"encapsulation":"vxlan"}}}}}'
check "unknown encapsulation: 422" eq "$code" 422
check "the error names the field and the value" eq "$(field .detail)" 'ns instance: additionalParamsForNs.sfc.paths.web-path.encapsulation: "vxlan" is not "vlan", "mpls" or "nsh"'
req DELETE "/nslcm/v1/ns_instances/$ns"
ns_new mixed slicer-sfc-demo-ns
jreq POST "/nslcm/v1/ns_instances/$ns/instantiate" '{"additionalParamsForVnf":[{"member-vnf-index":"firewall","additionalParams":{"sfc":{"encapsulation":"nsh"}}},{"member-vnf-index":"monitor","additionalParams":{"sfc":{"encapsulation":"mpls"}}}]}'
check "SF VNFs of one path asking for different encapsulations: 422" eq "$code" 422
check "the error names both VNFs and their choices" eq "$(field .detail)" "ns instance: nfpd 'web-path': vnf firewall asks for encapsulation \"nsh\" and vnf monitor for \"mpls\" (additionalParamsForVnf[].additionalParams.sfc.encapsulation); one path has one encapsulation: set additionalParamsForNs.sfc.paths.web-path.encapsulation"
req DELETE "/nslcm/v1/ns_instances/$ns"
ns_new clash sfc-colliding-ns
jreq POST "/nslcm/v1/ns_instances/$ns/instantiate" '{}'
check "colliding classifiers: 422" eq "$code" 422
check "the error names both chains" eq "$(field .detail)" "ns instance: nfpd 'web-path' and nfpd 'alt-path' classify the same traffic (match-attributes 'tcp-80-again') at connection point client/host-data-ext: a packet can take only one of them"
req DELETE "/nslcm/v1/ns_instances/$ns"
check "nothing was made" eq "$(ip netns list | wc -l) $(slicer_flows)" "0 0"

# --- the SFC demo: VLAN port steering through firewall then monitor
ns_up web slicer-sfc-demo-ns
web=$ns
check "SFC demo NS instantiated" eq "$state" COMPLETED
req GET "/nslcm/v1/ns_instances/$web"
check "its chain is ACTIVE in the NS record" eq "$(field '.vnffgr[0].id + " " + .vnffgr[0].status')" "web-path ACTIVE"
check "four flows of the chain on br-int" eq "$(slicer_flows)" 4
web_checks "$web" "br-int"
# the same counters for Prometheus, per NS, chain and hop
metric() { curl -s http://127.0.0.1:19464/metrics | awk -v m="$1" '$1 == m {print $2}'; }
check "GET /metrics has the firewall hop's packets, as the chain's record reads them" \
    eq "$(metric "slicer_chain_hop_packets_total{ns=\"$web\",chain=\"web-path\",hop=\"firewall-hop\"}")" "$(hop "$web" web-path firewall-hop forward)"
check "... and the monitor hop's, with their bytes" \
    test "$(metric "slicer_chain_hop_packets_total{ns=\"$web\",chain=\"web-path\",hop=\"monitor-hop\"}")" = "$(hop "$web" web-path monitor-hop forward)" \
    -a "$(metric "slicer_chain_hop_bytes_total{ns=\"$web\",chain=\"web-path\",hop=\"monitor-hop\"}")" -gt 0

# --- a counters read waiting on a frozen switch when slicerd stops is
# answered, and nothing of it leaks (ASan fails the exit status)
vs=$(cat "$OVS_RUNDIR/ovs-vswitchd.pid")
kill -STOP "$vs"
(req GET "/nslcm/v1/ns_instances/$web/chains"; echo "$code" >"$tmp/inflight.code"; cp "$tmp/body" "$tmp/inflight.json") &
reader=$!
sleep 0.5
kill "$pid"
wait "$pid"
rc=$?
pid=
wait "$reader"
kill -CONT "$vs"
check "slicerd stopped cleanly with a counters read in flight" eq "$rc" 0
check "the read was answered: the chain, without counters" eq "$(cat "$tmp/inflight.code") $(jq -r '.[0].id + ": " + .[0]."counters-error"' "$tmp/inflight.json")" "200 web-path: slicerd is stopping"

# --- the chains come back from the store after a restart
ofctl del-flows br-int 'cookie=0x51ce000000000000/0xffff000000000000'
check "flows removed by hand while slicerd is down" eq "$(slicer_flows)" 0
start
for _ in $(seq 100); do
    [ "$(slicer_flows)" -eq 4 ] && break
    sleep 0.05
done
check "slicerd re-installed them at start" eq "$(slicer_flows)" 4
check "HTTP passes the chain again" eq "$(http "$client" http://10.10.0.20/)" 200

# --- a chain the switch refuses (its flow table is full) rolls the whole
# NS back, and leaves the other NS's chain alone
nflows=$(ofctl dump-flows br-int | grep -c 'cookie=')
ovs-vsctl -- --id=@ft create Flow_Table flow_limit=$((nflows + 1)) \
    overflow_policy=refuse -- set Bridge br-int flow_tables:0=@ft
netns_before=$(ip netns list | wc -l)
ns_up full slicer-sfc-demo-ns
full=$ns
check "an NS whose chain the switch refuses: FAILED" eq "$state" FAILED
check "... rolled back" eq "$(field .rollback.state)" COMPLETED
check "the operation says why, in the switch's words" grep -q OFPFMFC_TABLE_FULL "$tmp/body"
check "its namespaces are gone" eq "$(ip netns list | wc -l)" "$netns_before"
check "no flow of it is on the switch" eq "$(ofctl dump-flows br-int | grep -c 'cookie=')" "$nflows"
req GET "/nslcm/v1/ns_instances/$full"
check "the NS is not instantiated" eq "$(field .nsState)" NOT_INSTANTIATED
ovs-vsctl clear Bridge br-int flow_tables
req DELETE "/nslcm/v1/ns_instances/$full"
check "the other NS's chain still passes HTTP" eq "$(http "$client" http://10.10.0.20/)" 200

# --- the firewall's primitives: its day-1 label, a day-2 port block
fwapi() { ip netns exec "$fw" curl -s -m 3 http://127.0.0.1:8080/; }
check "day 1 labelled the firewall (its control API says so)" \
    grep -q "^label: chain firewall, configured on day 1$" <(fwapi)
req GET "/nslcm/v1/vnf_instances?nsr-id-ref=$web"
fwip=$(field '[.[] | select(."member-vnf-index-ref" == "firewall")][0]."ip-address"')
check "its API is not on its management address" \
    eq "$(ip netns exec "$client" curl -s -m 2 -o /dev/null -w '%{http_code}' "http://$fwip:8080/")" 000
jreq POST "/nslcm/v1/ns_instances/$web/action" '{"member_vnf_index":"firewall","primitive":"block-port","primitive_params":{"port":80}}'
check "day 2: block-port 80 accepted: 202" eq "$code" 202
wait_op "$(field .id)"
check "... COMPLETED, with the firewall's answer as its output" eq "$state/$(field '."detailed-status"')" "COMPLETED/blocked 80"
check "HTTP through the chain is dropped from then on" eq "$(http "$client" http://10.10.0.20/)" 000
check "... by the firewall's 'blocked' rule" test "$(sfcount "$fw" blocked)" -gt 0
check "... which lists port 80" grep -q "^blocked: 80$" <(fwapi)
jreq POST "/nslcm/v1/ns_instances/$web/action" '{"member_vnf_index":"firewall","primitive":"block-port","primitive_params":{"port":70000}}'
wait_op "$(field .id)"
check "block-port 70000: the script fails, the action is FAILED" eq "$state" FAILED
check "... with the API's refusal" grep -q "exited with status 1" <(field .errorMessage)
check "... in its output" grep -q "PORT is 1 to 65535" <(field '.primitives[0].stdout')


ns_down "$web"
check "terminated" eq "$state" COMPLETED
check "no flow of the chain is left" eq "$(slicer_flows)" 0

# --- two chains sharing the monitor
ns_up two sfc-two-paths-ns
two=$ns
check "two-chain NS instantiated" eq "$state" COMPLETED
check "4 + 2 flows" eq "$(slicer_flows)" 6
client=$(netns_of "$two" client)
fw=$(netns_of "$two" firewall)
mon=$(netns_of "$two" monitor)
check "HTTP passes web-path" eq "$(http "$client" http://10.10.0.20/)" 200
web_pkts=$(sfcount "$mon" http)
http "$client" http://10.10.0.20:8080/ >/dev/null
check "port 8080 (refused by the server) went through the monitor" test "$(sfcount "$mon" all)" -gt "$web_pkts"
check "but not through the firewall" eq "$(sfcount "$fw" other)" 0
settle
check "the switch counts alt-path into the monitor" test "$(hop "$two" alt-path monitor-only-hop forward)" -gt 0

# --- heal the firewall: a new VDU, and the chain follows it onto its
# new ports
req GET "/nslcm/v1/vnf_instances?nsr-id-ref=$two"
fwr=$(field '[.[] | select(."member-vnf-index-ref" == "firewall")][0]._id')
jreq POST "/nslcm/v1/ns_instances/$two/heal" "{\"vnf\":[{\"vnfInstanceId\":\"$fwr\"}]}"
wait_op "$(field .id)"
check "heal of the firewall SF: COMPLETED" eq "$state" COMPLETED
check "... its chain installed again" grep -q '"kind": *"chain"' <(jq '._admin.steps[] | select(.state == "DONE")' "$tmp/body")
fw_old=$fw
fw=$(netns_of "$two" firewall)
check "a new firewall namespace" test "$fw" != "$fw_old"
check "HTTP passes web-path through the new firewall" eq "$(http "$client" http://10.10.0.20/)" 200
check "... which counted it" test "$(sfcount "$fw" http)" -gt 0
check "the chains' flows: still 6" eq "$(slicer_flows)" 6

# --- scale the shared monitor out: both chains load-balance over two
# instances (select groups); scale in: back to one
sfis() { # ns id, chain, hop -> number of instances in the hop
    req GET "/nslcm/v1/ns_instances/$1"
    field "[.vnffgr[] | select(.id == \"$2\")][0].hops[] | select(.id == \"$3\") | .sfis | length"
}
mon_http_all() { # HTTP packets counted by every monitor instance
    local total=0 n
    req GET "/nslcm/v1/vnf_instances?nsr-id-ref=$two"
    for n in $(field '.[] | select(."member-vnf-index-ref" == "monitor") | .vdur[]."vim-id"'); do
        total=$((total + $(sfcount "$n" http)))
    done
    echo "$total"
}
scale='{"scaleType":"SCALE_VNF","scaleVnfData":{"scaleVnfType":"SCALE_OUT","scaleByStepData":{"scaling-group-descriptor":"monitor-scale","member-vnf-index":"monitor"}}}'
jreq POST "/nslcm/v1/ns_instances/$two/scale" "$scale"
wait_op "$(field .id)"
check "scale out COMPLETED" eq "$state" COMPLETED
check "web-path's monitor hop has two instances" eq "$(sfis "$two" web-path monitor-hop)" 2
check "so has alt-path's" eq "$(sfis "$two" alt-path monitor-only-hop)" 2
check "two select groups on br-int, one per chain" eq "$(ofctl dump-groups br-int | grep -c 'type=select')" 2
before=$(mon_http_all)
ok=0
for _ in 1 2 3 4 5 6; do
    [ "$(http "$client" http://10.10.0.20/)" = 200 ] && ok=$((ok + 1))
done
check "HTTP passes the load-balanced chain" eq "$ok" 6
check "the monitors together counted every request" test "$(mon_http_all)" -ge $((before + 6 * 5))
jreq POST "/nslcm/v1/ns_instances/$two/scale" "${scale/SCALE_OUT/SCALE_IN}"
wait_op "$(field .id)"
check "scale in COMPLETED" eq "$state" COMPLETED
check "one monitor instance again" eq "$(sfis "$two" web-path monitor-hop)" 1
check "no group left" eq "$(ofctl dump-groups br-int | grep -c 'type=select')" 0
check "HTTP still passes" eq "$(http "$client" http://10.10.0.20/)" 200
ns_down "$two"
check "terminated" eq "$state" COMPLETED

# --- what an SF reads (its VNFD's slicer.sfc.parses): an NSH-aware SF
# refuses a VLAN chain (422, nothing made)
ns_new vlan-nsh sfc-nsh-ns
jreq POST "/nslcm/v1/ns_instances/$ns/instantiate" '{}'
check "a VLAN chain through an SF that reads only NSH: 422" eq "$code" 422
check "the error names the SF, its VNFD and the encapsulation" eq "$(field .detail)" "ns instance: nfpd 'web-path': vnf nshsf (vnfd 'slicer-nsh-sf') cannot read vlan: its VNFD says it reads only what slicer.sfc.parses lists; choose an encapsulation it reads (additionalParamsForNs.sfc.paths.web-path.encapsulation)"
req DELETE "/nslcm/v1/ns_instances/$ns"
check "nothing was made" eq "$(ip netns list | wc -l) $(slicer_flows)" "0 0"

# --- NSH, symmetric: the NSH-aware SF sees NSH; the firewall, which reads
# plain and VLAN-tagged packets only, gets them as classified and still
# drops telnet; the reverse path goes firewall then the NSH SF
ns_up nsh sfc-nsh-ns '{"additionalParamsForNs":{"sfc":{"symmetric":true,"encapsulation":"nsh"}}}'
nsh=$ns
check "NSH NS instantiated" eq "$state" COMPLETED
req GET "/nslcm/v1/ns_instances/$nsh"
spi=$(field '.vnffgr[0]."path-id"')
check "its chain is NSH, symmetric" eq "$(field '.vnffgr[0].encapsulation + " " + (.vnffgr[0].symmetric | tostring)')" "nsh true"
check "the firewall's hop is plain in the record" eq "$(field '.vnffgr[0].hops[] | select(.id == "firewall-hop") | .plain')" true
client=$(netns_of "$nsh" client)
nsf=$(netns_of "$nsh" nshsf)
fw=$(netns_of "$nsh" firewall)
ip netns exec "$nsf" timeout 10 tcpdump -l -n -c 1 -i in 'ether proto 0x894f' >"$tmp/nsh.txt" 2>"$tmp/tcpdump.err" &
dump=$!
ip netns exec "$fw" timeout 10 tcpdump -l -n -c 1 -i in 'tcp port 80' >"$tmp/plain.txt" 2>"$tmp/tcpdump2.err" &
dump2=$!
sleep 1
check "HTTP passes the NSH chain" eq "$(http "$client" http://10.10.0.20/)" 200
wait "$dump"
wait "$dump2"
check "the NSH SF's ingress sees NSH with the chain's SPI, SI 255" grep -q "NSH, flags \[none\], service-path-id $(printf 0x%06x "$spi"), service-index 0xff" "$tmp/nsh.txt"
check "the firewall's ingress sees plain TCP to port 80" grep -q "10.10.0.10.* > 10.10.0.20.80: " "$tmp/plain.txt"
check "the firewall counted HTTP" test "$(sfcount "$fw" http)" -gt 0
check "telnet through the NSH chain: no connection" eq "$(http "$client" telnet://10.10.0.20:23 </dev/null)" 000
check "the firewall dropped it: it could read the port" test "$(sfcount "$fw" telnet)" -gt 0
settle
check "the reverse path steered the server's answers into the firewall" test "$(hop "$nsh" web-path firewall-hop reverse)" -gt 0
check "and then into the NSH SF" test "$(hop "$nsh" web-path nsh-hop reverse)" -gt 0
ns_down "$nsh"
check "terminated" eq "$state" COMPLETED

check "no flow left" eq "$(slicer_flows)" 0
check "no namespace left" eq "$(ip netns list | wc -l)" 0
check "only the bridge trunk left on br-int" eq "$(ovs-vsctl list-ports br-int)" int-to-fabric
req GET /nslcm/v1/ns_instances
check "no NS record left" eq "$(field length)" 0
summary

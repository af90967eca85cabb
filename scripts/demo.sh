#!/bin/sh
# The main job: build slicer, start slicerd on its embedded defaults (a
# private state directory, a free loopback port), and drive it with
# slicectl as an operator would: log in, onboard the templates, create a
# netns VIM account (slicerd starts its own userspace Open vSwitch),
# instantiate a real NS of namespaces and veths, show its records, prove
# connectivity over a VL and isolation between VLs, terminate it and show
# that nothing is left; chain TCP from a client through a firewall and a
# monitor (service function chaining on Open vSwitch) and show where the
# packets went, the firewall labelled by its day-1 primitive and a port
# blocked by a day-2 one; join two EPA VNFs' SR-IOV VF and passthrough
# NIC on the fabric switch through SDN assist (the embedded ovs SDN
# driver, then os-ken, a real OpenFlow controller); chain through a
# firewall on SR-IOV VFs, its part on the fabric through os-ken; request
# an eMBB slice by its 5G service profile
# (slicer picks the template, admits and instantiates it: RAN edge,
# transport and core as three NSs on real namespaces), prove connectivity
# across its slice networks, request a URLLC slice that shares the core,
# terminate both and show that nothing is left; then the NS lifecycle on
# a sim VIM, with an injected failure rolled back; and a slice spanning
# two domains, its core provided by a second slicerd as a 3GPP NSSMF, the
# gNB in domain A pinging the UPF in domain B across a WAN link.
#
# It runs as root in network, mount and pid namespaces of its own
# (unshare), so the switch, namespaces and processes it makes can never
# outlive it or touch the host's network.
#
# scripts/demo.sh --keep [PORT]: then leaves slicerd running with the SFC
# demo NS and an eMBB slice, and forwards 127.0.0.1:PORT (default 9999)
# of the host into its private namespace (socat, loopback only), so that
# a person can open https://127.0.0.1:PORT/ui/ and the API; Ctrl-C stops
# it all.
set -eu
keep=
keep_port=9999
if [ "${1:-}" = --keep ]; then
    keep=1
    keep_port=${2:-9999}
fi
if [ "${SLICER_DEMO_INSIDE:-}" != 1 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "demo: run as root (it creates network namespaces)" >&2
        exit 1
    fi
    export SLICER_DEMO_INSIDE=1
    if [ -z "$keep" ]; then
        exec unshare --net --mount --pid --fork --mount-proc sh "$0" "$@"
    fi
    # --keep: the demo in its namespaces, this shell on the host's
    # loopback forwarding one port into them once slicerd is kept
    top=$(cd "$(dirname "$0")/.." && pwd)
    kept=$top/_state/demo-kept
    rm -f "$kept"
    # (unshare itself is in the new network namespace: /proc/$inner/ns/net)
    unshare --net --mount --pid --fork --mount-proc --kill-child sh "$0" "$@" &
    inner=$!
    fwd=
    trap 'kill $fwd $inner 2>/dev/null; wait $inner 2>/dev/null' EXIT INT TERM
    while [ ! -s "$kept" ]; do
        kill -0 "$inner" 2>/dev/null || { wait "$inner"; exit $?; }
        sleep 0.5
    done
    . "$kept"
    socat TCP-LISTEN:"$keep_port",bind=127.0.0.1,fork,reuseaddr \
        EXEC:"nsenter --net=/proc/$inner/ns/net socat STDIO TCP\:127.0.0.1\:$kept_port" &
    fwd=$!
    echo
    echo "== slicerd is kept: https://127.0.0.1:$keep_port/ui/ (user admin, password $kept_password)"
    echo "   its certificate is self-signed: SHA-256 $kept_fingerprint"
    echo "   slicectl: SLICER_URL=https://127.0.0.1:$keep_port/osm SLICER_CACERT=$top/_state/demo/tls/cert.pem"
    echo "   Ctrl-C stops it"
    wait "$inner"
    exit $?
fi
mkdir -p /run/netns
mount -t tmpfs tmpfs /run/netns
ip link set lo up
# the last step's second domain: a network namespace for its host, a
# management link to it, and a veth pair as the WAN between the two
# domains' switches
ip netns add domb
ip -n domb link set lo up
ip link add m-a type veth peer name m-b netns domb
ip addr add 10.77.0.1/30 dev m-a
ip link set m-a up
ip -n domb addr add 10.77.0.2/30 dev m-b
ip -n domb link set m-b up
ip link add wan-a type veth peer name wan-b netns domb
ip link set wan-a up
ip -n domb link set wan-b up
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build
state=$top/_state/demo
if [ ! -d "$build" ]; then
    meson setup "$build" "$top" --buildtype=release -Dtests=disabled
fi
ninja -C "$build" slicer/slicectl slicer/slicerd \
    vim-drivers/slicer-netns-role >/dev/null
bin=$build/slicer
tpl=$top/templates
rm -rf "$state"
mkdir -p "$state"

step() { printf '\n== %s\n' "$*"; }

pid=
pid_b=
stop() {
    for p in $pid $pid_b; do
        kill "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
    pid=
    pid_b=
}
trap stop EXIT INT TERM

step "start slicerd (state in $state, log in $state/slicerd.log)"
# the files records may name: the templates (host inventories) and, for
# the two-domain step, the certificate of the second slicerd
"$bin/slicerd" --state-dir "$state" --port 0 --port-file "$state/port" \
    --files-dir "$top" >"$state/slicerd.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
    [ -s "$state/port" ] && break
    sleep 0.05
done
port=$(cat "$state/port")
password=$(sed -n "s/.*with password \([0-9a-f]*\).*/\1/p" "$state/slicerd.log")
echo "listening on https://127.0.0.1:$port; admin password printed once in the log"
grep "self-signed certificate" "$state/slicerd.log" | sed 's/.*info slicerd: //'
# slicectl trusts a local slicerd's own certificate, found in its state
# directory (the default one needs no variable)
export SLICER_URL=https://127.0.0.1:$port/osm SLICER_STATE_DIR=$state
export SLICER_TOKEN_FILE=$state/token
ctl() { "$bin/slicectl" "$@"; }

step "log in"
ctl login --user admin --password "$password"

step "validate and onboard the templates"
ctl validate "$tpl"/*/*.yaml >/dev/null && echo "all templates valid"
# the firewall comes as its package: the descriptor and the script of its
# primitives (templates/vnfd/scripts/firewall.sh)
tar -C "$tpl/vnfd" -czf "$state/firewall.tar.gz" firewall_vnfd.yaml \
    scripts/firewall.sh
ctl onboard $(ls "$tpl"/vnfd/*.yaml | grep -v /firewall_vnfd.yaml) \
    "$state/firewall.tar.gz" "$tpl"/pnfd/*.yaml
ctl onboard "$tpl"/nsd/*.yaml
ctl onboard "$tpl"/nst/*.yaml
ctl list

step "a netns VIM: namespaces on a private userspace Open vSwitch, hosts from templates/infra"
netns=$(ctl vim-create --name local --type netns --url netns://localhost \
    --config "{\"ovs\": \"managed\", \"hosts\": [\"$tpl/infra/hosts/compute-1.yaml\", \"$tpl/infra/hosts/edge-1.yaml\"], \"physical_networks\": {\"wan\": {\"interface\": \"wan-a\", \"vlans\": \"3000-3009\"}}}")
ctl vim-list

step "instantiate the netns demo NS: client, server-a on data-a, server-b alone on data-b"
ctl ns-create --name demo --nsd slicer-netns-demo-ns --vim "$netns" --wait
demo=$(ctl ns-list | awk '$2 == "demo" {print $1}')
ctl ns-list
ctl vnf-list "$demo"
echo "namespaces:"
ip netns list | awk '$1 != "domb"' 
OVS_RUNDIR=$state/netns-$netns/ovs ovs-vsctl show | sed -n '1,12p'
echo "    ..."

nsof() { ctl vnf-list "$demo" | awk -v m="$1" '$1 == m {print $4}'; }
client=$(nsof client)
step "connectivity: client -> server-a over data-a (10.20.0.20)"
ip netns exec "$client" ping -c 3 -i 0.2 10.20.0.20
step "isolation: client -> server-b (10.20.0.21, same subnet, other VL) must fail"
if ip netns exec "$client" ping -c 2 -i 0.2 -W 1 10.20.0.21; then
    echo "demo: unexpected: data-b is reachable from data-a" >&2
    exit 1
fi
echo "(no reply: the two VLs are isolated segments)"
step "the management network is reachable from the host; server-a answers HTTP"
mgmt=$(ctl vnf-list "$demo" | awk '$1 == "eth0" && $2 != "-" {print $2; exit}')
ping -c 2 -i 0.2 "$mgmt"
ip netns exec "$client" curl -s -m 3 http://10.20.0.20/

step "terminate the netns NS: no namespace, veth or switch port is left"
ctl ns-delete "$demo" --wait
echo "namespaces: $(ip netns list | awk '$1 != "domb"' | wc -l)"
echo "ports on br-int: $(OVS_RUNDIR=$state/netns-$netns/ovs ovs-vsctl list-ports br-int | tr '\n' ' ')"
echo "veths: $(ip -br link | grep -c '^s[vp]' || true)"

step "SFC: instantiate the SFC demo NS: TCP 80 and 23 from client to server go through firewall, then monitor"
ctl ns-create --name sfc --nsd slicer-sfc-demo-ns --vim "$netns" --wait
sfc=$(ctl ns-list | awk '$2 == "sfc" {print $1}')
ctl vnf-list "$sfc"
nsof() { ctl vnf-list "$sfc" | awk -v m="$1" '$1 == m {print $4}'; }
client=$(nsof client); fw=$(nsof firewall); mon=$(nsof monitor)
export OVS_RUNDIR=$state/netns-$netns/ovs
# the SFs' own view: packets their nftables rules counted, by rule comment
sfcount() {
    ip netns exec "$1" nft list chain bridge slicer forward |
        sed -n "s/.*counter packets \([0-9]*\) .*comment \"$2\".*/\1/p"
}
# the switch's counters reach its flow table at revalidation
settle() { ovs-appctl -t "$OVS_RUNDIR/ovs-vswitchd.ctl" revalidator/wait; }
echo "the chain's flows on br-int (cookie 0x51ce...):"
ovs-ofctl -O OpenFlow13 dump-flows br-int | grep cookie=0x51ce |
    sed 's/duration=[^,]*, //'

step "HTTP (port 80): passes the firewall, then the monitor, then reaches the server"
ip netns exec "$client" curl -s -m 3 http://10.10.0.20/
fw_http=$(sfcount "$fw" http); mon_http=$(sfcount "$mon" http)
echo "firewall counted $fw_http HTTP packets, monitor $mon_http"
[ "$fw_http" -gt 0 ] && [ "$mon_http" -eq "$fw_http" ]

step "telnet port (23): steered into the firewall and dropped there; the monitor never sees it"
if ip netns exec "$client" curl -s -m 2 telnet://10.10.0.20:23 </dev/null; then
    echo "demo: unexpected: port 23 got through the firewall" >&2
    exit 1
fi
echo "(no connection) firewall dropped $(sfcount "$fw" telnet) packets to port 23;" \
    "monitor: $(sfcount "$mon" all) packets in all, all of them HTTP"
[ "$(sfcount "$fw" telnet)" -gt 0 ] && [ "$(sfcount "$mon" all)" -eq "$mon_http" ]

step "ICMP is not classified: it goes straight over the data network, the SFs count nothing"
before="$(sfcount "$fw" other) $(sfcount "$mon" all)"
ip netns exec "$client" ping -c 3 -i 0.2 10.10.0.20
after="$(sfcount "$fw" other) $(sfcount "$mon" all)"
echo "firewall 'other' and monitor 'all' before: $before, after: $after"
[ "$before" = "$after" ]

step "day 1 labelled the firewall: its control API, reachable only inside its VDU, says so"
ip netns exec "$fw" curl -s -m 3 http://127.0.0.1:8080/

step "day 2: block TCP port 80 at the firewall (primitive block-port, run inside its VDU)"
ctl ns-action "$sfc" --vnf firewall --action block-port --params '{port: 80}' --wait

step "HTTP (port 80) is dropped by the firewall from now on"
if ip netns exec "$client" curl -s -m 2 http://10.10.0.20/; then
    echo "demo: unexpected: port 80 got through after block-port" >&2
    exit 1
fi
echo "(no answer) the firewall's 'blocked' rule dropped $(sfcount "$fw" blocked) packets"
[ "$(sfcount "$fw" blocked)" -gt 0 ]

step "slicectl ns-show: the chain, its hops in order, the packets the switch steered into each"
settle
ctl ns-show "$sfc"

step "terminate the SFC NS: no flow of its chain is left on the switch"
ctl ns-delete "$sfc" --wait
echo "slicer flows on br-int: $(ovs-ofctl -O OpenFlow13 dump-flows br-int | grep -c cookie=0x51ce || true)"
unset OVS_RUNDIR

# member NS_ID MEMBER IFNAME: "namespace address" of that VNF's interface
member() {
    ctl --json vnf-list "$1" | jq -r --arg m "$2" --arg i "$3" \
        '[.[] | select(."member-vnf-index-ref" == $m)][0].vdur[0] |
         "\(."vim-id") \(.interfaces[] | select(.name == $i) | ."ip-address" | sub("/.*"; ""))"'
}
fabric_flows() {
    OVS_RUNDIR=$state/netns-$netns/ovs ovs-ofctl -O OpenFlow13 dump-flows \
        br-fabric cookie=0x51ce000000000000/0xffff000000000000 |
        grep -o 'priority=.*' || true
}
step "SDN assist: two EPA VNFs on two data-plane VLs, each joining the SR-IOV VF of one to the passthrough NIC of the other"
ctl ns-create --name pair --nsd slicer-epa-pair-ns --vim "$netns" --wait
pair=$(ctl ns-list | awk '$2 == "pair" {print $1}')
ctl vnf-list "$pair"
set -- $(member "$pair" dp1 xe0); dp1=$1
set -- $(member "$pair" dp2 xe1); dp2_nic=$2
step "without an SDN controller the VF of dp1 cannot reach the NIC of dp2 ($dp2_nic): the VIM cannot wire them"
if ip netns exec "$dp1" ping -c 2 -i 0.2 -W 1 "$dp2_nic"; then
    echo "demo: unexpected: a VF reaches a NIC with no SDN assist" >&2
    exit 1
fi
echo "(no reply) flows on br-fabric: $(fabric_flows | wc -l)"
ctl ns-delete "$pair" --wait

step "an SDN controller for the fabric switch (the embedded ovs driver), named by the VIM account with its port mapping"
ctl sdnc-create --name fabric --type ovs --config '{bridge: br-fabric}'
ctl sdnc-list
ctl vim-update "$netns" --sdn-controller fabric \
    --sdn-port-mapping "$tpl/infra/sdn/port-mapping.yaml"
ctl ns-create --name pair --nsd slicer-epa-pair-ns --vim "$netns" --wait
pair=$(ctl ns-list | awk '$2 == "pair" {print $1}')
set -- $(member "$pair" dp1 xe0); dp1=$1
set -- $(member "$pair" dp2 xe1); dp2_nic=$2
set -- $(member "$pair" dp2 xe0); dp2=$1
set -- $(member "$pair" dp1 xe1); dp1_nic=$2
step "each data-plane VL is now an E-LINE on br-fabric: a VLAN popped one way, pushed the other"
fabric_flows
ctl --json ns-show "$pair" | jq -c '.vld[] | select(.vim_info) |
    {vl: .id, service: (.vim_info | to_entries[0].value |
     {vim_id, vim_status, type, connected_ports: (.connected_ports | length)})}'
step "dp1's VF reaches dp2's NIC, dp2's VF reaches dp1's NIC"
ip netns exec "$dp1" ping -c 2 -i 0.2 "$dp2_nic"
ip netns exec "$dp2" ping -c 2 -i 0.2 "$dp1_nic"
step "terminate: no flow of SDN assist is left on br-fabric"
ctl ns-delete "$pair" --wait
echo "slicer flows on br-fabric: $(fabric_flows | wc -l)"
[ "$(fabric_flows | wc -l)" -eq 0 ]

step "the RAN site: a gNB and a physical radio unit (a PDU: a namespace cabled to fabric ports 11 and 12)"
ip netns add pdu-ru1
ip link add ru1-fh type veth peer name ru-fronthaul netns pdu-ru1
ip link add ru1-mgmt type veth peer name ru-mgmt netns pdu-ru1
ip link set ru1-fh up
ip link set ru1-mgmt up
ip -n pdu-ru1 link set ru-fronthaul up
ip -n pdu-ru1 link set ru-mgmt up
ip -n pdu-ru1 addr add 10.30.0.50/24 dev ru-fronthaul
ru_mac=$(ip -n pdu-ru1 -br link show ru-fronthaul | awk '{print $3}')
ctl vim-update "$netns" --config '{cables: {"11": ru1-fh, "12": ru1-mgmt}}'
# the PDU's record (OSM's /pdu/v1), with the token slicectl keeps
curl -s -o /dev/null -w 'PDU ru-1 registered: HTTP %{http_code}\n' \
    --cacert "$state/tls/cert.pem" -H "Authorization: Bearer $(cat "$SLICER_TOKEN_FILE")" \
    -H 'Content-Type: application/json' "$SLICER_URL/pdu/v1/pdu_descriptors" \
    --data "{\"name\": \"ru-1\", \"type\": \"slicer-radio-unit\", \"vim_accounts\": [\"$netns\"],
             \"interfaces\": [{\"name\": \"ru-fronthaul\", \"mgmt\": false, \"ip-address\": \"10.30.0.50\",
                              \"mac-address\": \"$ru_mac\", \"switch-port\": 11},
                             {\"name\": \"ru-mgmt\", \"mgmt\": true, \"ip-address\": \"10.99.0.51\", \"switch-port\": 12}]}"
ctl ns-create --name ran --nsd slicer-ran-site-ns --vim "$netns" --wait
ran=$(ctl ns-list | awk '$2 == "ran" {print $1}')
set -- $(member "$ran" gnb n3); gnb=$1
# the radio unit takes an address in the subnet the fronthaul VL got
ru_ip=${2%.*}.50
ip -n pdu-ru1 addr add "$ru_ip/24" dev ru-fronthaul
step "the gNB reaches the radio unit ($ru_ip) across the fabric: its cable joined to the fronthaul VL's uplink, no hand-made flow"
fabric_flows
ip netns exec "$gnb" ping -c 2 -i 0.2 "$ru_ip"
ctl ns-delete "$ran" --wait
echo "slicer flows on br-fabric: $(fabric_flows | wc -l)"

step "the same through a real OpenFlow controller: os-ken (our ofctl_rest app) controlling br-fabric"
SLICER_OFCTL_LISTEN=127.0.0.1:8080 PYTHONDONTWRITEBYTECODE=1 \
    osken-manager --ofp-listen-host 127.0.0.1 --ofp-tcp-listen-port 6655 \
    "$top/sdn-drivers/osken-app/slicer_ofctl_rest.py" >"$state/osken.log" 2>&1 &
osken=$!
OVS_RUNDIR=$state/netns-$netns/ovs ovs-vsctl set-controller br-fabric \
    tcp:127.0.0.1:6655 -- set controller br-fabric connection_mode=out-of-band
for _ in $(seq 100); do
    sw=$(curl -s -m 1 http://127.0.0.1:8080/stats/switches || true)
    [ -n "$sw" ] && [ "$sw" != "[]" ] && break
    sleep 0.2
done
echo "os-ken's switches: $(curl -s http://127.0.0.1:8080/stats/switches)"
ctl sdnc-create --name osken --type osken --url http://127.0.0.1:8080
ctl vim-update "$netns" --sdn-controller osken
ctl ns-create --name pair --nsd slicer-epa-pair-ns --vim "$netns" --wait
pair=$(ctl ns-list | awk '$2 == "pair" {print $1}')
set -- $(member "$pair" dp1 xe0); dp1=$1
set -- $(member "$pair" dp2 xe1); dp2_nic=$2
echo "the rules os-ken installed (GET /stats/flow):"
curl -s "http://127.0.0.1:8080/stats/flow/$(curl -s http://127.0.0.1:8080/stats/switches | jq '.[0]')" |
    jq -c '.[][] | {priority, match, actions}'
ip netns exec "$dp1" ping -c 2 -i 0.2 "$dp2_nic"
ctl ns-delete "$pair" --wait
echo "slicer flows on br-fabric: $(fabric_flows | wc -l)"
[ "$(fabric_flows | wc -l)" -eq 0 ]

step "SFC through SR-IOV: the SFC demo with its firewall on SR-IOV VFs; the chain's fabric part through os-ken, its br-int part through the ovs driver"
ctl ns-create --name sriov-sfc --nsd slicer-sfc-sriov-ns --vim "$netns" --wait
sfc=$(ctl ns-list | awk '$2 == "sriov-sfc" {print $1}')
ctl vnf-list "$sfc"
client=$(nsof client); fw=$(nsof firewall); mon=$(nsof monitor)
dpid=$(curl -s http://127.0.0.1:8080/stats/switches | jq '.[0]')
echo "the chain's rules os-ken installed on br-fabric (GET /stats/flow):"
curl -s "http://127.0.0.1:8080/stats/flow/$dpid" |
    jq -c '.[][] | select(.priority >= 40000) | {priority, match, actions}'
echo "and its rules on br-int:"
OVS_RUNDIR=$state/netns-$netns/ovs ovs-ofctl -O OpenFlow13 dump-flows br-int |
    grep -E 'cookie=0x51ce0000[0-9a-f]{6,8},' | grep -o 'priority=.*'
step "HTTP from the client: counted by the SR-IOV firewall, then by the monitor"
ip netns exec "$client" curl -s -m 3 http://10.10.0.20/
echo "firewall (SR-IOV): $(sfcount "$fw" http) HTTP packets; monitor: $(sfcount "$mon" http)"
[ "$(sfcount "$fw" http)" -gt 0 ] && [ "$(sfcount "$fw" http)" -eq "$(sfcount "$mon" http)" ]
step "telnet: dropped at the SR-IOV firewall; ICMP: bypasses the chain"
ip netns exec "$client" curl -s -m 2 telnet://10.10.0.20:23 </dev/null || true
echo "(no connection) the firewall dropped $(sfcount "$fw" telnet) packets to port 23"
[ "$(sfcount "$fw" telnet)" -gt 0 ]
before="$(sfcount "$fw" other) $(sfcount "$mon" all)"
ip netns exec "$client" ping -c 2 -i 0.2 10.10.0.20
[ "$before" = "$(sfcount "$fw" other) $(sfcount "$mon" all)" ]
echo "the SFs counted none of it"
step "the hops' counters, the firewall's from os-ken, the monitor's from br-int"
ctl ns-show "$sfc"
ctl ns-delete "$sfc" --wait
left=$(curl -s "http://127.0.0.1:8080/stats/flow/$dpid" | jq '[.[][] | select(.priority >= 40000)] | length')
echo "chain rules left: $left on br-fabric (os-ken), $(OVS_RUNDIR=$state/netns-$netns/ovs ovs-ofctl -O OpenFlow13 dump-flows br-int | grep -cE 'cookie=0x51ce0000[0-9a-f]{6,8},') on br-int"
[ "$left" -eq 0 ]
kill "$osken"
wait "$osken" 2>/dev/null || true
OVS_RUNDIR=$state/netns-$netns/ovs ovs-vsctl del-controller br-fabric

step "request an eMBB slice by service profile: S-NSSAI 1-000001, 400 ms, shareable"
ctl slice-request --name embb-1 --sst eMBB --sd 000001 --latency 400 \
    --shared --vim "$netns" --wait
embb_req=$(ctl slice-request-list | awk '$2 == "embb-1" {print $1}')
ctl nsi-list
ctl nsi-show "$(ctl nsi-list | awk '$2 == "embb-1" {print $1}')"
ctl ns-list

# vdu NS_NAME VDU IFNAME: "namespace address" of that VDU interface
vdu() {
    id=$(ctl ns-list | awk -v n="$1" '$2 == n {print $1}')
    ctl --json vnf-list "$id" | jq -r --arg v "$2" --arg i "$3" \
        '[.[].vdur[] | select(."vdu-id-ref" == $v)][0] |
         "\(."vim-id") \(.interfaces[] | select(.name == $i) | ."ip-address" | sub("/.*"; ""))"'
}
set -- $(vdu embb-1.ran-edge gnb n3); gnb=$1
set -- $(vdu embb-1.transport router west); tn=$1; tn_west=$2
set -- $(vdu embb-1.core upf n3); upf_n3=$2
set -- $(vdu embb-1.core amf eth0); amf_mgmt=$2
step "connectivity inside the slice: gNB -> transport over n3-access ($tn_west)"
ip netns exec "$gnb" ping -c 2 -i 0.2 "$tn_west"
step "transport -> core UPF over n3-core ($upf_n3); gNB -> core AMF over slice-mgmt ($amf_mgmt)"
ip netns exec "$tn" ping -c 2 -i 0.2 "$upf_n3"
ip netns exec "$gnb" ping -c 2 -i 0.2 "$amf_mgmt"
step "isolation: the gNB sends to the core's N3 straight on its own N3 segment: no reply"
ip netns exec "$gnb" ip route add "$upf_n3/32" dev n3
if ip netns exec "$gnb" ping -c 2 -i 0.2 -W 1 "$upf_n3"; then
    echo "demo: unexpected: n3-core is reachable from n3-access" >&2
    exit 1
fi
echo "(no reply: n3-access and n3-core are separate segments)"

step "request a URLLC slice: S-NSSAI 2-000002, 20 ms; it shares the eMBB core"
ctl slice-request --name urllc-1 --sst URLLC --sd 000002 --latency 20 \
    --vim "$netns" --wait
urllc_req=$(ctl slice-request-list | awk '$2 == "urllc-1" {print $1}')
ctl nsi-show "$(ctl nsi-list | awk '$2 == "urllc-1" {print $1}')"
set -- $(vdu urllc-1.urllc-edge gnb n3); ugnb=$1
step "the URLLC gNB reaches the shared core's UPF over n3-core"
ip netns exec "$ugnb" ping -c 2 -i 0.2 "$upf_n3"

step "terminate both slices: eMBB first (the core stays for URLLC), then URLLC"
ctl slice-request-delete "$embb_req" --wait
# (slicer's: not domain B's host nor the radio unit, devices of the demo)
vdu_ns() { ip netns list | awk '$1 != "domb" && $1 != "pdu-ru1"' | wc -l; }
echo "namespaces left while URLLC runs: $(vdu_ns) (its gNB and the core's two VDUs)"
ctl slice-request-delete "$urllc_req" --wait
ctl nsi-list
ctl ns-list
echo "namespaces: $(vdu_ns)"
echo "ports on br-int: $(OVS_RUNDIR=$state/netns-$netns/ovs ovs-vsctl list-ports br-int | tr '\n' ' ')"

step "a sim VIM (2 ms per call, 32 vCPUs) and one that fails its 2nd server"
vim=$(ctl vim-create --name sim-dc1 --type sim \
    --config '{"sim": {"latency_ms": 2, "capacity": {"vcpus": 32}}}')
ctl vim-create --name sim-flaky --type sim \
    --config '{"sim": {"fail": [{"call": "create_compute", "nth": 2}]}}' \
    >/dev/null
ctl vim-list

step "instantiate the 5G core NS"
ctl ns-create --name core-1 --nsd slicer-core-ns --vim "$vim" --wait
ctl ns-list

step "the shared core NSD cannot be deleted while an NS uses it"
if ctl delete nsd slicer-core-ns; then
    echo "demo: unexpected: the delete went through" >&2
    exit 1
fi

step "an NS on the flaky VIM rolls back and leaves nothing behind"
if ctl ns-create --name core-2 --nsd slicer-core-ns --vim sim-flaky --wait
then
    echo "demo: unexpected: the flaky VIM did not fail" >&2
    exit 1
fi
ctl ns-list

step "terminate and remove core-1"
ns=$(ctl ns-list | awk '$2 == "core-1" {print $1}')
ctl ns-delete "$ns" --wait
ctl ns-list

step "a slice spanning two domains: a second slicerd (domain B, its own store, netns VIM and switch, in a network namespace of its own) provides the eMBB slice's shared core as a 3GPP NSSMF"
state_b=$state/domain-b
mkdir -p "$state_b"
cat >"$state_b/slicerd.yaml" <<CFG
listen: 10.77.0.2
port: 0
port_file: $state_b/port
state_dir: $state_b
files_dir: $top
admin_password: domain-b-secret
mns_subnetwork: DomainB
nssmf_templates:
  - subnet_type: CN_SLICESUBNET
    sst: 1
    nst: slicer-embb-core
CFG
# domain B's host: network namespace domb, reached on 10.77.0.2
nsenter --net=/run/netns/domb "$bin/slicerd" -c "$state_b/slicerd.yaml" \
    >"$state_b/slicerd.log" 2>&1 &
pid_b=$!
for _ in $(seq 100); do
    [ -s "$state_b/port" ] && break
    sleep 0.05
done
port_b=$(cat "$state_b/port")
ctl_b() {
    SLICER_URL=https://10.77.0.2:$port_b/osm SLICER_CACERT=$state_b/tls/cert.pem \
        SLICER_TOKEN_FILE=$state_b/token "$bin/slicectl" "$@"
}
ctl_b login --user admin --password domain-b-secret
ctl_b onboard "$tpl"/vnfd/core_vnfd.yaml "$tpl"/nsd/core_nsd.yaml \
    "$tpl"/nssmf/embb_core_nst.yaml >/dev/null
ctl_b vim-create --name netns-b --type netns --url netns://localhost \
    --config "{\"ovs\": \"managed\", \"subnet_pool\": \"10.120.0.0/16\", \"hosts\": \"$tpl/infra/hosts/compute-1.yaml\", \"physical_networks\": {\"wan\": {\"interface\": \"wan-b\", \"vlans\": \"3000-3009\"}}}" >/dev/null
echo "domain B listens on https://10.77.0.2:$port_b; its NSSMF table gives CN subnets of SST 1 the NST slicer-embb-core"
echo "the WAN: veth wan-a (domain A's br-int) <-> wan-b (domain B's br-int), VLANs 3000-3009 on both VIMs' physical network 'wan'"
# A's REST calls that slicectl has no command for yet (issue 25)
api() {
    m=$1 p=$2
    shift 2
    curl -sS --cacert "$state/tls/cert.pem" -X "$m" \
        -H "Authorization: Bearer $(cat "$state/token")" \
        -H 'Content-Type: application/json' -H 'Accept: application/json' \
        "$@" "https://127.0.0.1:$port$p"
}
api POST /osm/admin/v1/nssmf_accounts --data-binary "{\"name\": \"domain-b\",
  \"dialect\": \"3gpp\", \"url\": \"https://10.77.0.2:$port_b/3GPPManagement\",
  \"username\": \"admin\", \"password\": \"domain-b-secret\",
  \"ca_file\": \"$state_b/tls/cert.pem\", \"poll_interval_ms\": 200,
  \"physical_network\": \"wan\"}" |
    jq -r '"NSSMF account domain-b (3gpp, reached on physical network wan) created on domain A: \(.id // .detail)"'
out=$(api POST /osm/nsilcm/v1/netslice_instances_content --data-binary "{
  \"nsiName\": \"embb-2dom\", \"nstId\": \"slicer-embb-slice\",
  \"vimAccountId\": \"$netns\", \"netslice-subnet\": [
    {\"id\": \"core\", \"nssmfAccountId\": \"domain-b\"}]}")
nsi=$(echo "$out" | jq -r .id)
op=$(echo "$out" | jq -r .nsilcmop_id)
for _ in $(seq 300); do
    st=$(api GET "/osm/nsilcm/v1/nsi_lcm_op_occs/$op" | jq -r .operationState)
    [ "$st" = PROCESSING ] || break
    sleep 0.1
done
echo "slice embb-2dom: $st"
[ "$st" = COMPLETED ] || { echo "demo: the two-domain slice did not complete: $out" >&2; exit 1; }
ctl nsi-show "$nsi"
api GET "/osm/nsilcm/v1/netslice_instances/$nsi" |
    jq -r '._admin."netslice-vld"[] | select(.transport) | "netslice-vld \(.name) crosses to domain B: subnet \(.transport.cidr), A keeps .2-.127, B gets .128-.254"'
nssi=$(api GET "/osm/nsilcm/v1/netslice_instances/$nsi" | jq -r '._admin."remote-subnets"[0].handle.nssiId')
b3() {
    curl -sS --cacert "$state_b/tls/cert.pem" -H "Authorization: Bearer $(cat "$state_b/token")" \
        -H "Accept: application/json" "https://10.77.0.2:$port_b/3GPPManagement/ProvMnS/v1/SubNetwork=DomainB$1"
}
echo "domain B's NetworkSliceSubnet MOI and its transport endpoint:"
b3 "/NetworkSliceSubnet=$nssi" |
    jq -c '{objectInstance, operationalState: .attributes.operationalState, profiles: [.attributes.sliceProfileList[].sliceProfileId], VNFs: (.attributes.managedFunctionRefList | length), epTransportRefList: .attributes.epTransportRefList}'
ept=$(b3 "/NetworkSliceSubnet=$nssi" | jq -r '.attributes.epTransportRefList[0]')
b3 "/${ept#*,}" | jq -c .attributes
echo "domain B's slices:"
ctl_b nsi-list
set -- $(vdu embb-2dom.ran-edge gnb n3); gnb=$1
set -- $(vdu embb-2dom.transport router west); tn=$1; tn_west=$2
set -- $(vdu embb-2dom.transport router east); tn_east=$2
b_ns=$(ctl_b ns-list | awk '$2 ~ /core/ {print $1; exit}')
set -- $(ctl_b --json vnf-list "$b_ns" | jq -r '[.[].vdur[] | select(."vdu-id-ref" == "upf")][0] |
    "\(."vim-id") \(.interfaces[] | select(.name == "n3") | ."ip-address" | sub("/.*"; ""))"')
upf=$1; upf_n3=$2
step "across the WAN: domain A's transport router ($tn_east) -> domain B's UPF ($upf_n3)"
ip netns exec "$tn" ping -c 2 -i 0.2 "$upf_n3"
step "the gNB in domain A reaches the UPF in domain B through the router"
ip netns exec "$gnb" ip route add "${upf_n3%.*}.0/24" via "$tn_west"
ip netns exec "$upf" ip route add "${tn_west%.*}.0/24" via "$tn_east"
ip netns exec "$gnb" ping -c 2 -i 0.2 "$upf_n3"

step "terminate the two-domain slice: domain A's subnets first, then B's NSSI is deallocated"
op=$(api DELETE "/osm/nsilcm/v1/netslice_instances_content/$nsi" | jq -r .id)
for _ in $(seq 300); do
    st=$(api GET "/osm/nsilcm/v1/nsi_lcm_op_occs/$op" | jq -r .operationState)
    [ "$st" = PROCESSING ] || break
    sleep 0.1
done
echo "terminate: $st"
for _ in $(seq 100); do
    [ "$(ctl_b nsi-list | grep -c nssp-)" = 0 ] && break
    sleep 0.1
done
echo "domain B's NSSIs left: $(b3 "?scopeType=BASE_SUBTREE&scopeLevel=1" | jq '.NetworkSliceSubnet | length')"
ctl_b nsi-list
echo "ports on domain A's br-int: $(OVS_RUNDIR=$state/netns-$netns/ovs ovs-vsctl list-ports br-int | tr '\n' ' ')"
echo "ports on domain B's br-int: $(OVS_RUNDIR=$(ls -d "$state_b"/netns-*/ovs) ip netns exec domb ovs-vsctl list-ports br-int | tr '\n' ' ')"
kill "$pid_b"
wait "$pid_b" 2>/dev/null || true
pid_b=

if [ -n "$keep" ]; then
    step "kept for a person: the SFC demo NS with its chain, and an eMBB slice"
    ctl ns-create --name sfc --nsd slicer-sfc-demo-ns --vim "$netns" --wait
    ctl slice-request --name embb-1 --sst eMBB --sd 000001 --latency 400 \
        --shared --vim "$netns" --wait
    sfc_ns=$(ctl ns-list | awk '$2 == "sfc" {print $1}')
    client=$(ctl --json vnf-list "$sfc_ns" | jq -r '[.[] | select(."member-vnf-index-ref" == "client")][0].vdur[0]."vim-id"')
    # traffic through the chain every 2 s, so that its counters move
    (while sleep 2; do
        ip netns exec "$client" curl -s -m 1 -o /dev/null http://10.10.0.20/ || true
    done) &
    traffic=$!
    fingerprint=$(openssl x509 -in "$state/tls/cert.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
    cat >"$top/_state/demo-kept.tmp" <<KEPT
kept_port=$port
kept_password=$password
kept_fingerprint=$fingerprint
KEPT
    mv "$top/_state/demo-kept.tmp" "$top/_state/demo-kept"
    wait "$pid" || true
    kill "$traffic" 2>/dev/null || true
    exit 0
fi

step "stop slicerd (SIGTERM)"
stop
echo "done: store in $state"

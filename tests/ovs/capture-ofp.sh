#!/bin/sh
# Makes the byte captures of tests/ovs/captures/ from a real Open vSwitch:
# a private ovsdb-server + ovs-vswitchd (dummy datapath) in a scratch
# directory, ovs-ofctl talking to bridge br0 through capture-proxy.py, which
# writes every message both ways.  Run as root from the repository:
#     sh tests/ovs/capture-ofp.sh
# It stops what it started by pid and removes the scratch directory.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$here/captures
. "$here/capture-switch.sh"
start_switch
ovs-vsctl add-br br0 -- set bridge br0 datapath_type=dummy \
    protocols=OpenFlow13 fail_mode=secure
for i in 1 2 3 4 5; do
    ovs-vsctl add-port br0 p$i -- set interface p$i type=dummy ofport_request=$i
done
mkdir -p "$out"
cap() { # NAME ovs-ofctl-arguments...: one capture file per ovs-ofctl call
    name=$1
    shift
    : >"$out/$name.hex.tmp"
    python3 "$here/capture-proxy.py" ofp "$D/proxy.sock" "$D/br0.mgmt" \
        "$out/$name.hex.tmp" &
    proxy=$!
    while [ ! -S "$D/proxy.sock" ]; do sleep 0.05; done
    ovs-ofctl -O OpenFlow13 "$@" || true
    sleep 0.2
    kill "$proxy"
    wait "$proxy" 2>/dev/null || true
    proxy=
    rm -f "$D/proxy.sock"
    { echo "# ovs-ofctl -O OpenFlow13 $*"; cat "$out/$name.hex.tmp"; } \
        >"$out/$name.hex"
    rm -f "$out/$name.hex.tmp"
}
P=unix:$D/proxy.sock
cap vlan-classifier add-flow "$P" \
    "cookie=0x5c0000010001,priority=200,in_port=1,tcp,nw_src=10.10.0.10,nw_dst=10.10.0.20/32,tp_dst=80 actions=push_vlan:0x8100,set_field:4196->vlan_vid,output:2"
cap vlan-hop add-flow "$P" \
    "cookie=0x5c0000010002,priority=200,in_port=4,dl_vlan=100 actions=pop_vlan,output:3"
cap vlan-next add-flow "$P" \
    "cookie=0x5c0000010003,priority=200,in_port=4,dl_vlan=100,dl_dst=fa:16:3e:00:00:01 actions=set_field:4197->vlan_vid,output:5"
cap mpls-push add-flow "$P" \
    "cookie=0x5c0000010004,priority=200,in_port=1,udp,nw_dst=10.10.0.0/24,tp_src=53 actions=push_mpls:0x8847,set_field:42->mpls_label,output:2"
cap mpls-pop add-flow "$P" \
    "cookie=0x5c0000010005,priority=200,in_port=4,mpls,mpls_label=42 actions=pop_mpls:0x0800,output:3"
cap nsh-classifier add-flow "$P" \
    "cookie=0x5c0000010006,priority=200,in_port=1,tcp,tp_dst=8080 actions=encap(nsh(md_type=1)),set_field:0x64->nsh_spi,set_field:255->nsh_si,encap(ethernet),set_field:02:00:00:00:0a:02->eth_dst,output:2"
cap nsh-hop add-flow "$P" \
    "cookie=0x5c0000010007,priority=200,in_port=4,dl_type=0x894f,nsh_spi=0x64,nsh_si=255 actions=set_field:254->nsh_si,output:5"
cap nsh-last add-flow "$P" \
    "cookie=0x5c0000010008,priority=200,in_port=4,dl_type=0x894f,nsh_spi=0x64,nsh_si=254 actions=dec_nsh_ttl,decap(),decap(),output:3"
cap group-add add-group "$P" \
    "group_id=7,type=select,selection_method=hash,fields(ip_src,ip_dst),bucket=output:2,bucket=output:5"
cap group-flow add-flow "$P" \
    "cookie=0x5c0000010009,priority=200,in_port=1,icmp actions=group:7"
cap drop-flow add-flow "$P" \
    "cookie=0x5c000001000a,priority=100,in_port=3,ipv6,ipv6_dst=2001:db8::/32 actions=drop"
cap reenter add-flow "$P" \
    "cookie=0x5c000001000b,priority=210,in_port=4,dl_vlan=100 actions=pop_vlan,set_field:1->in_port,NORMAL"
cap dump-cookie dump-flows "$P" "cookie=0x5c0000010000/0xffffffff0000"
cap del-cookie del-flows "$P" "cookie=0x5c0000010000/0xffffffff0000"
printf '%s\n' \
    "cookie=0x5c0000020001,priority=200,in_port=1,tcp,tp_dst=80 actions=output:2" \
    "cookie=0x5c0000020002,priority=200,in_port=2 actions=output:1" \
    >"$D/ok.flows"
cap bundle-ok --bundle add-flows "$P" "$D/ok.flows"
printf '%s\n' \
    "cookie=0x5c0000030001,priority=200,in_port=1,udp actions=output:2" \
    "cookie=0x5c0000030002,priority=200,in_port=2 actions=group:99" \
    >"$D/bad.flows"
cap bundle-bad --bundle add-flows "$P" "$D/bad.flows"
cap error-bad-group add-flow "$P" "priority=1,in_port=1 actions=group:99"
echo "captures in $out"

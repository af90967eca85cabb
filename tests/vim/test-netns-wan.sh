#!/bin/bash
# A slice across two domains, on the data plane (issue 24): two slicerd,
# A and B, each with its netns VIM and its own managed Open vSwitch, B in
# a network namespace of its own (one managed switch per namespace), their
# br-int joined by a veth pair playing the WAN (each VIM account's
# physical network "wan").  A's eMBB slice has its core subnet provided by
# B, once through B's 3GPP NSSMF API and once through B's OSM NBI: the
# netslice-vld n3-core, between A's transport router and B's UPF, becomes
# a provider network in a WAN VLAN on both sides, its endpoint (VLAN,
# addresses) sent to B as a TS 28.541 EP_Transport.  The router pings the
# UPF across the WAN, the gNB pings it through the router; other VLANs do
# not cross; terminating the slice removes both sides.  kill -9 of A while
# B allocates: resumed after the restart; B down: A rolls back at the
# deadline, its side of the link removed.
#
# It must run as root in network, mount and pid namespaces of its own
# (meson runs it under "unshare -n -m -p -f --mount-proc").
# usage: test-netns-wan.sh SLICERD SOURCE_DIR
set -u
slicerd=$1
src=$2
tpl=$src/templates
name=netns-wan
# shellcheck source=../slicer/harness.sh
. "$(dirname "$0")/../slicer/harness.sh"

own_namespaces test-netns-wan

# B: its own network namespace, reached over a management link; the WAN
# link between the two switches' hosts
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

config_b "listen: 10.77.0.2"
# nsenter execs slicerd in B's network namespace: $pid_b is the daemon
b_host=10.77.0.2
start_b nsenter --net=/run/netns/domb
check "B answers on its management address, with a certificate for it" test -n "$tok_b" -a "$tok_b" != null
for f in "$tpl"/vnfd/core_vnfd.yaml; do
    b POST /osm/vnfpkgm/v1/vnf_packages_content -H 'Content-Type: application/yaml' --data-binary "@$f"
done
b POST /osm/nsd/v1/ns_descriptors_content -H 'Content-Type: application/yaml' --data-binary "@$tpl/nsd/core_nsd.yaml"
b POST /osm/nst/v1/netslice_templates_content -H 'Content-Type: application/yaml' --data-binary "@$tpl/nssmf/embb_core_nst.yaml"
check "B: the core-only NST is onboarded" eq "$code" 201
bj POST /osm/admin/v1/vim_accounts "{\"name\":\"netns-b\",\"vim_type\":\"netns\",\"vim_url\":\"netns://localhost\",\"config\":{\"ovs\":\"managed\",\"subnet_pool\":\"10.120.0.0/16\",\"hosts\":\"$tpl/infra/hosts/compute-1.yaml\",\"physical_networks\":{\"wan\":{\"interface\":\"wan-b\",\"vlans\":\"3000-3009\"}}}}"
check "B: a netns VIM account with the WAN as physical network: 201" eq "$code" 201
b_ovs() { OVS_RUNDIR=$(ls -d "$tmp"/b/state/netns-*/ovs) ip netns exec domb ovs-vsctl "$@"; }

# A: in the test's namespace, notifications from B to its address on the
# management link
# (a fixed port: this network namespace is the test's own)
cat >"$tmp/slicerd.yaml" <<CFG
listen: 0.0.0.0
port: 18480
port_file: $tmp/port
public_url: http://10.77.0.1:18480
tls: off
state_dir: $tmp/state
admin_password: test-secret
log_level: info
files_dir: /
op_timeout: 120
CFG
start
login
onboard_templates
acct() { # NAME PHYSNETS-JSON
    jreq POST /admin/v1/vim_accounts "{\"name\":\"$1\",\"vim_type\":\"netns\",\"vim_url\":\"netns://localhost\",\"config\":{\"ovs\":\"managed\",\"subnet_pool\":\"10.110.0.0/16\",\"hosts\":[\"$tpl/infra/hosts/compute-1.yaml\",\"$tpl/infra/hosts/edge-1.yaml\"]$2}}"
}
acct bad ',"physical_networks":{"wan":{"interface":"wan-a","vlans":"3000-5000"}}'
check "a VLAN range beyond 4094: 422 naming the field and the value" test "$code" = 422 -a -n "$(field .detail | grep -o 'physical_networks.wan.vlans.*3000-5000')"
acct bad ',"physical_networks":{"wan":{"interface":"no-such-link","vlans":"3000-3009"}}'
check "an interface the host lacks: refused naming it" test "$code" -ge 400 -a -n "$(field .detail | grep -o no-such-link)"
req GET /admin/v1/vim_accounts
check "nothing stored for them" eq "$(field length)" 0
acct netns-a ',"physical_networks":{"wan":{"interface":"wan-a","vlans":"3000-3009"}}'
check "A: a netns VIM account with the WAN: 201" eq "$code" 201
vim=$(field .id)
a_ovs() { OVS_RUNDIR=$tmp/state/netns-$vim/ovs ovs-vsctl "$@"; }

account() { # NAME DIALECT URL [extra JSON members]
    jreq POST /admin/v1/nssmf_accounts "{\"name\":\"$1\",\"dialect\":\"$2\",\"url\":\"$3\",\"username\":\"admin\",\"password\":\"b-secret\",\"ca_file\":\"$tmp/b/state/tls/cert.pem\",\"poll_interval_ms\":100,\"physical_network\":\"wan\"${4:+,$4}}"
}
account b-3gpp 3gpp "https://10.77.0.2:$port_b/3GPPManagement"
check "an NSSMF account reached over the WAN's physical network: 201" eq "$code" 201
account bad-pool 3gpp "https://10.77.0.2:$port_b/3GPPManagement" '"transport_subnet_pool":"10.250.0.0/28"'
check "a transport pool narrower than /24: 422 naming it" test "$code" = 422 -a -n "$(field .detail | grep -o 'transport_subnet_pool.*10.250.0.0/28')"
account b-osm osm "https://10.77.0.2:$port_b/osm" '"vim_account":"netns-b","transport_subnet_pool":"10.251.0.0/16"'
check "an osm-dialect account with its own transport pool: 201" eq "$code" 201

# ns_of NAME: A's NS id of that name
ns_of() { req GET "/nslcm/v1/ns_instances?name=$1"; field '.[0]._id'; }
# iface NS MEMBER VDU IF: "namespace address" of a VDU interface at A
iface() {
    req GET "/nslcm/v1/vnf_instances?nsr-id-ref=$1"
    field "[.[] | select(.\"member-vnf-index-ref\" == \"$2\")][0].vdur[] | select(.\"vdu-id-ref\" == \"$3\") | \"\\(.\"vim-id\") \\(.interfaces[] | select(.name == \"$4\") | .\"ip-address\" | sub(\"/.*\"; \"\"))\""
}
# b_iface NS VDU IF: the same at B
b_iface() {
    b GET "/osm/nslcm/v1/vnf_instances?nsr-id-ref=$1"
    bfield "[.[].vdur[] | select(.\"vdu-id-ref\" == \"$2\")][0] | \"\\(.\"vim-id\") \\(.interfaces[] | select(.name == \"$3\") | .\"ip-address\" | sub(\"/.*\"; \"\"))\""
}

# wan_tags OVS: the VLANs of WAN range that br-int's ports are in
wan_tags() {
    "$1" --format=csv --data=bare --no-headings --columns=tag list Port |
        awk '$1 >= 3000 && $1 <= 3009' | tr '\n' ' ' | sed 's/ $//'
}

# endpoint_vlan: the VLAN B was given for the slice's endpoint ($acc,
# $b_ns) into $ep_vlan
endpoint_vlan() {
    if [ "$acc" = b-3gpp ]; then
        # the NSSI refers to it as an EP_Transport MOI
        b GET "/3GPPManagement/ProvMnS/v1/SubNetwork=DomainB?scopeType=BASE_SUBTREE&scopeLevel=1"
        ept=$(bfield '.NetworkSliceSubnet[0].attributes.epTransportRefList[0]')
        b GET "/3GPPManagement/ProvMnS/v1/SubNetwork=DomainB/${ept#*,}"
        ep_vlan=$(bfield '.attributes.logicalInterfaceInfo.logicalInterfaceId')
    else
        b GET "/osm/nslcm/v1/ns_instances/$b_ns"
        ep_vlan=$(bfield '.instantiate_params.vld[0]."provider-network"."segmentation-id"')
    fi
}

# one_slice NAME ACCOUNT: instantiates, checks the data path, terminates
one_slice() {
    local sname=$1 acc=$2 nsi op b_ns ept=
    jreq POST /nsilcm/v1/netslice_instances_content "{\"nsiName\":\"$sname\",\"nstId\":\"slicer-embb-slice\",\"vimAccountId\":\"netns-a\",\"netslice-subnet\":[{\"id\":\"core\",\"nssmfAccountId\":\"$acc\"}]}"
    check "$acc: instantiate: 201" eq "$code" 201
    nsi=$(field .id)
    op=$(field .nsilcmop_id)
    wait_nsiop "$op"
    check "$acc: the slice completes with its core at B" eq "$state" COMPLETED
    [ "$state" = COMPLETED ] || { cat "$tmp/body" >&2; tail -30 "$tmp/b/log" >&2; }
    check "$acc: each WAN link is a trunk of its br-int carrying only the WAN VLANs" \
        eq "$(a_ovs get Port wan-a trunks)/$(b_ovs get Port wan-b trunks)" \
        "[3000, 3001, 3002, 3003, 3004, 3005, 3006, 3007, 3008, 3009]/[3000, 3001, 3002, 3003, 3004, 3005, 3006, 3007, 3008, 3009]"
    req GET "/nsilcm/v1/netslice_instances/$nsi"
    check "$acc: n3-core is a link across domains (its transport in the record)" \
        test -n "$(field '._admin."netslice-vld"[] | select(.name == "n3-core") | .transport.cidr')"
    # the router's east port and B's UPF port are both in one WAN VLAN
    set -- $(iface "$(ns_of "$sname.transport")" router router east); tn=$1; tn_east=$2
    set -- $(iface "$(ns_of "$sname.transport")" router router west); tn_west=$2
    set -- $(iface "$(ns_of "$sname.ran-edge")" gnb gnb n3); gnb=$1; gnb_n3=$2
    b GET /osm/nslcm/v1/ns_instances
    b_ns=$(bfield '[.[] | select(.name | test("core"))][0]._id')
    set -- $(b_iface "$b_ns" upf n3); upf=$1; upf_n3=$2
    check "$acc: A's router is in the lower half of the transport /24, B's UPF in the upper" \
        test "${tn_east##*.}" -lt 128 -a "${upf_n3##*.}" -ge 128
    check "$acc: A's transport router pings B's UPF across the WAN ($tn_east -> $upf_n3)" pings "$tn" "$upf_n3"
    ip netns exec "$gnb" ip route add "${upf_n3%.*}.0/24" via "$tn_west"
    ip netns exec "$upf" ip route add "${gnb_n3%.*}.0/24" via "$tn_east"
    check "$acc: the gNB in A pings the UPF in B through the router" pings "$gnb" "$upf_n3"
    vlan_a=$(wan_tags a_ovs)
    vlan_b=$(wan_tags b_ovs)
    check "$acc: one port on each side in a WAN VLAN, the same one ($vlan_a)" \
        test -n "$vlan_a" -a "$vlan_a" = "$vlan_b"
    endpoint_vlan
    check "$acc: ... which is the VLAN of the endpoint B was given" \
        eq "$ep_vlan" "$vlan_a"
    if [ "$acc" = b-3gpp ]; then
        check "3gpp: the EP_Transport MOI names the sapd it is for and B's first address" \
            eq "$(bfield '.attributes.epApplicationRef[0]')/$(bfield '.attributes.ipAddress')" "core-n3/$upf_n3/24"
        bj PUT "/3GPPManagement/ProvMnS/v1/SubNetwork=DomainB/${ept#*,}" '{"attributes":{"ipAddress":"10.0.0.1/24"}}'
        check "3gpp: it is read-only: 409 in 3GPP's error shape" eq "$code/$(bfield .status)" "409/409"
    fi
    jreq POST "/nsilcm/v1/netslice_instances/$nsi/terminate" '{"autoremove":true}'
    wait_nsiop "$(field .id)"
    check "$acc: terminate COMPLETED" eq "$state" COMPLETED
    # (B ends its slice after it has answered the deallocation)
    for _ in $(seq 200); do
        b GET /osm/nslcm/v1/ns_instances
        [ "$(bfield length)" = 0 ] && [ "$(b_ovs list-ports br-int | wc -l)" = 2 ] && break
        sleep 0.1
    done
    check "$acc: B keeps no NS" eq "$(bfield length)" 0
    check "$acc: A's br-int keeps only the WAN trunk" eq "$(a_ovs list-ports br-int | tr '\n' ' ')" "int-to-fabric wan-a "
    check "$acc: B's br-int keeps only the WAN trunk" eq "$(b_ovs list-ports br-int | tr '\n' ' ')" "int-to-fabric wan-b "
}

one_slice embb-3gpp b-3gpp
b GET "/3GPPManagement/ProvMnS/v1/SubNetwork=DomainB?scopeType=BASE_SUBTREE&scopeLevel=1"
check "3gpp: B's NSSIs are gone" eq "$(bfield '.NetworkSliceSubnet | length')" 0
one_slice embb-osm b-osm

# kill -9 of A while B allocates the core: A resumes from the stored
# handle, its link across domains as it was
jreq POST /nsilcm/v1/netslice_instances_content '{"nsiName":"embb-crash","nstId":"slicer-embb-slice","vimAccountId":"netns-a","netslice-subnet":[{"id":"core","nssmfAccountId":"b-3gpp"}]}'
nsi=$(field .id)
op=$(field .nsilcmop_id)
for _ in $(seq 600); do
    req GET "/nsilcm/v1/netslice_instances/$nsi"
    seen=$(field '._admin."remote-subnets"[0].state')
    [ "$seen" = ALLOCATING ] && break
    sleep 0.01
done
kill -9 "$pid"
check "A is killed while B allocates" eq "$seen" ALLOCATING
wait "$pid" 2>/dev/null
start
login
wait_nsiop "$op"
check "kill -9 of A during the remote allocation: the slice completes after the restart" eq "$state" COMPLETED
b GET "/3GPPManagement/ProvMnS/v1/SubNetwork=DomainB?scopeType=BASE_SUBTREE&scopeLevel=1"
check "... with one NSSI at B" eq "$(bfield '.NetworkSliceSubnet | length')" 1
set -- $(iface "$(ns_of embb-crash.transport)" router router east); tn=$1
b GET /osm/nslcm/v1/ns_instances
set -- $(b_iface "$(bfield '[.[] | select(.name | test("core"))][0]._id')" upf n3); upf_n3=$2
check "... and the router reaches B's UPF across the WAN ($upf_n3)" pings "$tn" "$upf_n3"
jreq POST "/nsilcm/v1/netslice_instances/$nsi/terminate" '{"autoremove":true}'
wait_nsiop "$(field .id)"
check "... terminate COMPLETED, both br-int back to their trunks" \
    eq "$state/$(a_ovs list-ports br-int | tr '\n' ' ')/$(b_ovs list-ports br-int | tr '\n' ' ')" \
    "COMPLETED/int-to-fabric wan-a /int-to-fabric wan-b "

# B gone: the allocation at B cannot finish by the slice's deadline; A
# rolls back, its link across domains included
stop_b
jreq POST /nsilcm/v1/netslice_instances_content '{"nsiName":"embb-down","nstId":"slicer-embb-slice","vimAccountId":"netns-a","timeout_nsi_deploy":4,"netslice-subnet":[{"id":"core","nssmfAccountId":"b-3gpp"}]}'
check "B down: instantiate: 201" eq "$code" 201
nsi=$(field .id)
wait_nsiop "$(field .nsilcmop_id)"
check "B down: the slice fails at its deadline, naming the connection error" \
    test "$state" = FAILED -a -n "$(field .errorMessage | grep -io connect)"
req GET "/nsilcm/v1/netslice_instances/$nsi"
check "... its local part rolled back" eq "$(field ._admin.nsiState)" NOT_INSTANTIATED
check "... A's br-int keeps only the WAN trunk" eq "$(a_ovs list-ports br-int | tr '\n' ' ')" "int-to-fabric wan-a "
req DELETE "/nsilcm/v1/netslice_instances/$nsi"
req GET /nslcm/v1/ns_instances
check "... and once the slice is deleted, no NS" eq "$(field length)" 0

check "no namespace but B's domain left" eq "$(ip netns list | awk '{print $1}' | tr '\n' ' ')" "domb "
check "B: no sanitizer report" test "$(grep -c -E 'AddressSanitizer|LeakSanitizer|runtime error' "$tmp/b/log")" = 0
summary

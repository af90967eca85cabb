#!/bin/bash
# Integration test of slices on the netns VIM: the eMBB and URLLC
# templates (templates/nst) on real network namespaces and Open vSwitch.
# The URLLC slice shares the eMBB slice's core subnet.  Checks that VDUs
# of different subnets on one netslice-vld reach each other (ping), and
# that nothing else does: the two N3 networks of the eMBB slice get the
# subnets side by side, and each VDU gets an on-link route to the other
# one, so only the segments keep them apart.  Then
# terminating the eMBB slice keeps the shared core for URLLC, and
# terminating URLLC leaves no namespace, port or process behind.
#
# It must run as root in network, mount and pid namespaces of its own
# (meson runs it under "unshare -n -m -p -f --mount-proc").
# usage: test-netns-slice.sh SLICERD SOURCE_DIR
set -u
slicerd=$1
src=$2
tpl=$src/templates
name=netns-slice
# shellcheck source=../slicer/harness.sh
. "$(dirname "$0")/../slicer/harness.sh"


own_namespaces test-netns-slice
config

ns_id() { req GET "/nslcm/v1/ns_instances?name=$1"; field '.[0]._id'; }
# ifc NS VDU IFNAME: "namespace address" of that interface of the NS's VDU
ifc() {
    req GET "/nslcm/v1/vnf_instances?nsr-id-ref=$(ns_id "$1")"
    field "[.[].vdur[] | select(.\"vdu-id-ref\" == \"$2\")][0] | \"\\(.\"vim-id\") \\((.interfaces[] | select(.name == \"$3\") | .\"ip-address\") // \"\" | sub(\"/.*\"; \"\"))\""
}

start
login
for f in gnb_vnfd router_vnfd core_vnfd; do
    yreq /vnfpkgm/v1/vnf_packages_content "$tpl/vnfd/$f.yaml"
    check "onboard $f" eq "$code" 201
done
for f in ran_edge_nsd transport_nsd core_nsd; do
    yreq /nsd/v1/ns_descriptors_content "$tpl/nsd/$f.yaml"
    check "onboard $f" eq "$code" 201
done
for f in embb_slice_nst urllc_slice_nst; do
    yreq /nst/v1/netslice_templates_content "$tpl/nst/$f.yaml"
    check "onboard $f" eq "$code" 201
done
jreq POST /admin/v1/vim_accounts '{"name":"local","vim_type":"netns","vim_url":"netns://localhost","config":{"ovs":"managed"}}'
vim=$(field .id)
check "netns account" eq "$code" 201

# --- eMBB, with the N3 networks' subnets given by the request
jreq POST /nsilcm/v1/netslice_instances_content "{\"nsiName\":\"embb\",\"nstId\":\"slicer-embb-slice\",\"vimAccountId\":\"$vim\",\"netslice-vld\":[{\"name\":\"n3-access\",\"ip-profile\":{\"subnet-address\":\"10.70.1.0/24\"}},{\"name\":\"n3-core\",\"ip-profile\":{\"subnet-address\":\"10.70.2.0/24\"}}]}"
check "eMBB slice: 201" eq "$code" 201
wait_nsiop "$(field .nsilcmop_id)"
check "eMBB slice instantiated" eq "$state" COMPLETED
check "three NSs, four namespaces (the core has two VDUs)" eq "$(ip netns list | wc -l)" 4

read -r gnb gnb_n3 < <(ifc embb.ran-edge gnb n3)
read -r _ gnb_mgmt < <(ifc embb.ran-edge gnb eth0)
read -r tn tn_west < <(ifc embb.transport router west)
read -r _ tn_east < <(ifc embb.transport router east)
read -r _ tn_mgmt < <(ifc embb.transport router eth0)
read -r upf upf_n3 < <(ifc embb.core upf n3)
read -r amf amf_mgmt < <(ifc embb.core amf eth0)
check "every interface has an address" test -n "$gnb_n3" -a -n "$tn_west" -a -n "$tn_east" -a -n "$upf_n3" -a -n "$gnb_mgmt" -a -n "$tn_mgmt" -a -n "$amf_mgmt"
check "the N3 networks on the requested subnets" eq "${gnb_n3%.*} ${tn_west%.*} ${tn_east%.*} ${upf_n3%.*}" "10.70.1 10.70.1 10.70.2 10.70.2"
check "n3-access: RAN edge reaches the transport" pings "$gnb" "$tn_west"
check "n3-core: the transport reaches the core" pings "$tn" "$upf_n3"
check "slice-mgmt: RAN edge reaches the core's AMF" pings "$gnb" "$amf_mgmt"
check "slice-mgmt: the core reaches the transport" pings "$amf" "$tn_mgmt"
# the RAN edge sends to the core's N3 subnet straight on its own N3
# segment: only the segments keep them apart
ip netns exec "$gnb" ip route add 10.70.2.0/24 dev n3
check "isolation: RAN edge does not reach the core's N3 over its own segment" no_ping "$gnb" "$upf_n3"
check "isolation: the core's N6 stays inside the core" no_ping "$tn" 192.168.60.1

# --- URLLC shares the core: its gNB joins n3-core and slice-mgmt
jreq POST /nsilcm/v1/netslice_instances_content "{\"nsiName\":\"urllc\",\"nstId\":\"slicer-urllc-slice\",\"vimAccountId\":\"$vim\"}"
wait_nsiop "$(field .nsilcmop_id)"
check "URLLC slice instantiated" eq "$state" COMPLETED
core=$(ns_id embb.core)
req GET "/nsilcm/v1/netslice_instances?name=urllc"
check "URLLC uses eMBB's core NS" eq "$(field "[.[0].\"nsr-ref-list\"[] | select(.\"nsr-ref\" == \"$core\")] | length")" 1
check "one namespace more (the URLLC gNB)" eq "$(ip netns list | wc -l)" 5
read -r ugnb ugnb_n3 < <(ifc urllc.urllc-edge gnb n3)
check "URLLC gNB reaches the shared core's UPF over n3-core" pings "$ugnb" "$upf_n3"
check "URLLC gNB reaches the core's AMF over slice-mgmt" pings "$ugnb" "$amf_mgmt"
ip netns exec "$ugnb" ip route add 10.70.1.0/24 dev n3
check "isolation: URLLC gNB does not reach eMBB's gNB over its own segment" no_ping "$ugnb" "$gnb_n3"
check "isolation: eMBB's gNB does not reach URLLC's gNB on n3-core" no_ping "$gnb" "$ugnb_n3"

# --- terminate eMBB: the shared core stays for URLLC
req GET "/nsilcm/v1/netslice_instances?name=embb"
jreq POST "/nsilcm/v1/netslice_instances/$(field '.[0]._id')/terminate" '{"autoremove":true}'
wait_nsiop "$(field .id)"
check "eMBB terminated" eq "$state" COMPLETED
check "only URLLC's gNB and the core remain" eq "$(ip netns list | wc -l)" 3
check "URLLC still reaches the core's UPF" pings "$ugnb" "$upf_n3"

# --- terminate URLLC: nothing left
req GET "/nsilcm/v1/netslice_instances?name=urllc"
jreq POST "/nsilcm/v1/netslice_instances/$(field '.[0]._id')/terminate" '{"autoremove":true}'
wait_nsiop "$(field .id)"
check "URLLC terminated" eq "$state" COMPLETED
check "no namespace left" eq "$(ip netns list | wc -l)" 0
vsctl() { OVS_RUNDIR=$tmp/state/netns-$vim/ovs ovs-vsctl "$@"; }
check "only the bridge trunk left on br-int" eq "$(vsctl list-ports br-int)" int-to-fabric
check "no veth left" eq "$(ip -br link | grep -c '^s[vp]')" 0
req GET /nslcm/v1/ns_instances
check "no NS record left" eq "$(field length)" 0
summary

#!/bin/bash
# Integration test of SDN assist on the netns VIM with the embedded "ovs"
# SDN driver: slicerd's netns account on a private userspace Open vSwitch,
# two EPA data-plane VNFs whose SR-IOV VF and passthrough NIC sit on the
# fabric switch (br-fabric), a radio-unit PNF cabled to it.  Asserted:
# without an sdn-controller nothing joins them (no flow, no ping); with
# one, each VL is an E-LINE/E-LAN on the fabric (OSM's rules, the flows on
# the switch, the records OSM shows) and the VNFs ping each other across
# a VF and a NIC, a VL mixing VFs, a NIC, a PDU and virtio ports reaches
# everyone, a switch that refuses the rules fails the NS with its words
# and leaves nothing, a restart of slicerd re-installs flows removed
# meanwhile, and terminate leaves no flow and no NIC bridge; then the same
# through os-ken (a real OpenFlow controller serving ofctl_rest), with a
# controller and switch restart reconciled and a controller that is down
# failing the NS cleanly; then through ONOS (VPLS and flows),
# OpenDaylight and Floodlight, played by their stand-ins on br-fabric.
#
# Runs as root in network, mount and pid namespaces of its own (meson:
# "unshare -n -m -p -f --mount-proc").
# usage: test-netns-sdn.sh SLICERD SOURCE_DIR STANDIN
set -u
slicerd=$1
src=$2
standin=$3
tpl=$src/templates
name=netns-sdn
# shellcheck source=../slicer/harness.sh
. "$(dirname "$0")/../slicer/harness.sh"
# shellcheck source=sdn-lib.sh
. "$(dirname "$0")/sdn-lib.sh"

own_namespaces test-netns-sdn
config

n_netns() { ip netns list | wc -l; }
ofctl() { OVS_RUNDIR=$ovsdir ovs-ofctl -O OpenFlow13 "$@"; }
vsctl() { OVS_RUNDIR=$ovsdir ovs-vsctl "$@"; }
slicer_flows() { # the fabric's flows that SDN assist made, normalised
    ofctl dump-flows br-fabric "cookie=0x51ce000000000000/0xffff000000000000" |
        grep -o 'priority=.*' | sort
}
flows_back() { # TENTHS: until the fabric holds SDN assist's 4 flows again
    for _ in $(seq "$1"); do
        [ "$(slicer_flows | wc -l)" = 4 ] && return
        sleep 0.1
    done
}
iface_ip() { # ns id, member, interface name -> its address
    vdur "$1" "$2" ".interfaces[] | select(.name == \"$3\") | .\"ip-address\""
}

start
login
for f in host_vnfd epa_dataplane_vnfd gnb_vnfd; do
    onboard vnfd "$tpl/vnfd/$f.yaml"
done
onboard vnfd "$tpl/pnfd/radio_unit_pnfd.yaml"
for f in epa_pair_nsd ran_with_ru_nsd; do
    onboard nsd "$tpl/nsd/$f.yaml"
done
check "descriptors onboarded" eq "$code" 201

cp "$(dirname "$0")/hosts-two-numa.yaml" "$tmp/hosts.yaml"
jreq POST /admin/v1/vim_accounts "{\"name\":\"local\",\"vim_type\":\"netns\",\"vim_url\":\"netns://localhost\",\"config\":{\"hosts\":\"$tmp/hosts.yaml\",\"cables\":{\"11\":\"ru1-fh\",\"12\":\"ru1-mgmt\"}}}"
check "netns account without an sdn-controller: 201" eq "$code" 201
vim=$(field .id)
ovsdir=$tmp/state/netns-$vim/ovs

# --- before: nothing joins a VF and a NIC
ns_up before slicer-epa-pair-ns "$vim"
check "EPA pair instantiated without SDN assist" eq "$state" COMPLETED
dp1=$(netns_of "$ns" dp1)
check "dp1's VF cannot reach dp2's NIC" \
    no_ping "$dp1" "$(iface_ip "$ns" dp2 xe1)"
check "br-fabric has no flows" eq "$(ofctl dump-flows br-fabric | grep -c priority)" 0
ns_down "$ns"

# --- the controller: the embedded ovs driver on the VIM's fabric switch
jreq POST /admin/v1/sdns '{"name":"fabric","type":"ovs","config":{"bridge":"br-fabric","audit_interval_ms":500}}'
check "SDN controller of type ovs without url: 201" eq "$code" 201
sdn=$(field .id)
mapping='[{"compute_node":"compute-1","ports":[
  {"pci":"0000:3b:00.0","switch_id":"br-fabric","switch_port":"1"},
  {"pci":"0000:3b:02.[0-7]","switch_id":"br-fabric","switch_port":"1"},
  {"pci":"0000:3b:00.1","switch_id":"br-fabric","switch_port":"2"},
  {"pci":"0000:af:00.0","switch_id":"br-fabric","switch_port":"3"},
  {"pci":"0000:af:02.[0-7]","switch_id":"br-fabric","switch_port":"3"},
  {"pci":"0000:af:00.1","switch_id":"br-fabric","switch_port":"4"}]}]'
jreq PATCH "/admin/v1/vim_accounts/$vim" "{\"config\":{\"hosts\":\"$tmp/hosts.yaml\",\"cables\":{\"11\":\"ru1-fh\",\"12\":\"ru1-mgmt\"},\"sdn-controller\":\"fabric\",\"sdn-port-mapping\":$mapping,\"sdn-external-ports\":[\"13\"]}}"
check "the account now names the controller and maps its ports: 204" eq "$code" 204

# --- after: each data-plane VL an E-LINE between a VF and a NIC
ns_up pair slicer-epa-pair-ns "$vim"
check "EPA pair instantiated with SDN assist" eq "$state" COMPLETED
pair=$ns
dp1=$(netns_of "$pair" dp1)
dp2=$(netns_of "$pair" dp2)
check "dp1's VF pings dp2's NIC (dataplane-x)" \
    pings "$dp1" "$(iface_ip "$pair" dp2 xe1)"
check "dp2's VF pings dp1's NIC (dataplane-y)" \
    pings "$dp2" "$(iface_ip "$pair" dp1 xe1)"
check "... and back" pings "$dp1" "$(iface_ip "$pair" dp2 xe0)"
vid() { echo $((4096 + $1)); }
cat >"$tmp/want.flows" <<EOF
priority=995,in_port=1,dl_vlan=101 actions=pop_vlan,output:4
priority=995,in_port=2 actions=push_vlan:0x8100,set_field:$(vid 201)->vlan_vid,output:3
priority=995,in_port=3,dl_vlan=201 actions=pop_vlan,output:2
priority=995,in_port=4 actions=push_vlan:0x8100,set_field:$(vid 101)->vlan_vid,output:1
EOF
slicer_flows >"$tmp/got.flows"
check "the fabric holds OSM's E-LINE rules, a VLAN popped and pushed each way" \
    diff -u "$tmp/want.flows" "$tmp/got.flows"
req GET "/nslcm/v1/ns_instances/$pair"
x=".vld[] | select(.id == \"dataplane-x\")"
check "the VL is marked pci-interfaces, as OSM does" eq "$(field "$x.\"pci-interfaces\"")" true
check "its vim_info of the controller: ACTIVE ELINE of 2 points" \
    eq "$(field "$x.vim_info[\"sdn:$sdn\"] | [.vim_status, .type, (.connected_ports | length), .created] | map(tostring) | join(\" \")")" \
    "ACTIVE ELINE 2 true"
check "... with the service id the driver gave" \
    grep -qE '^ovs-[0-9a-f]{8}$' <(field "$x.vim_info[\"sdn:$sdn\"].vim_id")
check "the mgmt VL (virtio only) needs no service" \
    eq "$(field '.vld[] | select(.id == "mgmt") | .vim_info // {} | length')" 0
check "the VF reports where it landed, in OSM's words" \
    eq "$(vdur "$pair" dp1 '.interfaces[] | select(.type == "SR-IOV") | [.compute_node, .pci, .vlan] | map(tostring) | join(" ")')" \
    "compute-1 0000:3b:02.0 101"
req GET "/admin/v1/vim_accounts/$vim/sdn"
check "the account's SDN assist holds two services" \
    eq "$(field '[.programs[] | select(.id >= 2147483648)] | length')" 2

# --- the driver's audit puts back a flow removed by hand
ofctl --strict del-flows br-fabric "priority=995,in_port=1,dl_vlan=101"
flows_back 40
check "a flow removed by hand is back within the audit interval" \
    diff -u "$tmp/want.flows" <(slicer_flows)

# --- a restart of slicerd: flows lost meanwhile are made again
kill -9 "$pid"
wait "$pid" 2>/dev/null
pid=
ofctl del-flows br-fabric "cookie=0x51ce000000000000/0xffff000000000000"
check "while slicerd is down the fabric lost its flows" eq "$(slicer_flows | wc -l)" 0
start
flows_back 50
check "after the restart the services are made again" \
    diff -u "$tmp/want.flows" <(slicer_flows)
check "... and carry traffic" pings "$dp1" "$(iface_ip "$pair" dp2 xe1)"

# --- the account's controller stays while services live on it; a change
# of the account reopens its assist, which takes its services back
jreq POST /admin/v1/sdns '{"name":"other","type":"dummy"}'
jreq PATCH "/admin/v1/vim_accounts/$vim" "{\"config\":{\"hosts\":\"$tmp/hosts.yaml\",\"sdn-controller\":\"other\",\"sdn-port-mapping\":$mapping}}"
check "another controller while services live: 409 naming the NS" \
    sh -c "test '$code' = 409 && grep -q \"NS 'pair' have SDN-assist services\" '$tmp/body'"
jreq PATCH "/admin/v1/vim_accounts/$vim" "{\"config\":{\"hosts\":\"$tmp/hosts.yaml\",\"cables\":{\"11\":\"ru1-fh\",\"12\":\"ru1-mgmt\"},\"sdn-controller\":\"fabric\",\"sdn-port-mapping\":$mapping,\"sdn-external-ports\":[\"13\"]}}"
check "the same controller: 204" eq "$code" 204
held() {
    req GET "/admin/v1/vim_accounts/$vim/sdn"
    field '[.programs[] | select(.id >= 2147483648)] | length'
}
for _ in $(seq 40); do
    [ "$(held)" = 2 ] && break
    sleep 0.1
done
check "the reopened assist holds the NS's two services again" eq "$(held)" 2
ofctl --strict del-flows br-fabric "priority=995,in_port=3,dl_vlan=201"
flows_back 40
check "... and keeps them on the switch" diff -u "$tmp/want.flows" <(slicer_flows)

# --- a VL mixing a VF, a NIC, a PDU and virtio ports: an E-LAN through
# the VIM network's uplink
ip netns add pdu-ru1
ip link add ru1-fh type veth peer name ru-fronthaul netns pdu-ru1
ip link add ru1-mgmt type veth peer name ru-mgmt netns pdu-ru1
ip link set ru1-fh up
ip link set ru1-mgmt up
ip -n pdu-ru1 link set ru-fronthaul up
ip -n pdu-ru1 link set ru-mgmt up
ip -n pdu-ru1 addr add 10.30.0.50/24 dev ru-fronthaul
ru_mac=$(ip -n pdu-ru1 -br link show ru-fronthaul | awk '{print $3}')
jreq POST /pdu/v1/pdu_descriptors "{\"name\":\"ru-1\",\"type\":\"slicer-radio-unit\",\"vim_accounts\":[\"local\"],\"interfaces\":[{\"name\":\"ru-fronthaul\",\"mgmt\":false,\"ip-address\":\"10.30.0.50\",\"mac-address\":\"$ru_mac\",\"switch-port\":11},{\"name\":\"ru-mgmt\",\"mgmt\":true,\"ip-address\":\"10.99.0.51\",\"switch-port\":12}]}"
check "radio unit registered as a PDU" eq "$code" 201
ns_up ran slicer-ran-site-ns "$vim" '{"vld":[{"name":"fronthaul","ip-profile":{"subnet-address":"10.30.0.0/24"}}]}'
check "RAN site with the PNF instantiated with SDN assist" eq "$state" COMPLETED
ran=$ns
gnb=$(netns_of "$ran" gnb)
check "the gNB (virtio) reaches the radio unit (PDU) with no hand-made flow" \
    pings "$gnb" 10.30.0.50
trunk=$(vsctl get Interface fabric-to-int ofport)
check "the radio unit's cable is joined to the VL's uplink" \
    grep -q "in_port=11 actions=push_vlan:0x8100,set_field:[0-9]*->vlan_vid,output:$trunk" <(slicer_flows)
req GET "/nslcm/v1/ns_instances/$ran"
check "the fronthaul VL's service joins the PDU and the uplink" \
    eq "$(field ".vld[] | select(.id == \"fronthaul\") | .vim_info[\"sdn:$sdn\"].connected_ports | map(split(\":\")[0]) | sort | join(\" \")")" \
    "uplink vnfrs"
ns_down "$ran"
check "RAN site terminated" eq "$state" COMPLETED
check "no flow of its services is left" eq "$(slicer_flows | grep -c 'in_port=1[12]')" 0

ns_down "$pair"
check "EPA pair terminated" eq "$state" COMPLETED
check "terminate leaves no flow on the fabric" eq "$(slicer_flows | wc -l)" 0
check "... and no NIC bridge" eq "$(vsctl list-br | tr '\n' ' ')" "br-fabric br-int "

# --- one VL mixing a VF, a NIC and a virtio port: an E-LAN through the
# VIM network's uplink; scaling the VF's VDU edits it
cat >"$tmp/mix.yaml" <<'YAML'
vnfd:
  id: vf-host
  product-name: vf-host
  version: "1.0"
  mgmt-cp: m-ext
  sw-image-desc: [{id: h, name: h, image: "netns:host"}]
  virtual-compute-desc: [{id: c, virtual-cpu: {num-virtual-cpu: 1}, virtual-memory: {size: 0.5}}]
  vdu:
    - id: vfh
      name: vfh
      sw-image-desc: h
      virtual-compute-desc: c
      int-cpd:
        - {id: m, virtual-network-interface-requirement: [{name: eth0, position: 1}]}
        - id: d
          virtual-network-interface-requirement:
            - {name: xe0, position: 2, virtual-interface: {type: SR-IOV}}
  ext-cpd:
    - {id: m-ext, int-cpd: {vdu-id: vfh, cpd: m}}
    - {id: d-ext, int-cpd: {vdu-id: vfh, cpd: d}}
  df:
    - id: default-df
      vdu-profile: [{id: vfh, min-number-of-instances: 1, max-number-of-instances: 2}]
      instantiation-level:
        - {id: default-instantiation-level, vdu-level: [{vdu-id: vfh, number-of-instances: 1}]}
      scaling-aspect:
        - id: vf-scale
          name: vf-scale
          max-scale-level: 1
          aspect-delta-details:
            deltas: [{id: vf-delta, vdu-delta: [{id: vfh, number-of-instances: 1}]}]
YAML
sed -e 's/vf-host/pt-host/g; s/vfh/pth/g; s/xe0/xe1/; s/SR-IOV/PCI-PASSTHROUGH/' \
    -e '/max-number-of-instances/s/, max-number-of-instances: 2//' \
    -e '/scaling-aspect/,$d' "$tmp/mix.yaml" >"$tmp/pt.yaml"
cat >"$tmp/mix_nsd.yaml" <<'YAML'
nsd:
  nsd:
    - id: mix-ns
      name: mix-ns
      version: "1.0"
      vnfd-id: [vf-host, pt-host, slicer-host]
      pnfd-id: [slicer-radio-unit]
      virtual-link-desc: [{id: mgmt, mgmt-network: true}, {id: mix}]
      df:
        - id: default-df
          virtual-link-profile:
            - id: mix
              virtual-link-desc-id: mix
              virtual-link-protocol-data: {l3-protocol-data: {ip-version: ipv4, cidr: 10.50.0.0/24}}
          vnf-profile:
            - id: vf
              vnfd-id: vf-host
              virtual-link-connectivity:
                - {virtual-link-profile-id: mgmt, constituent-cpd-id: [{constituent-base-element-id: vf, constituent-cpd-id: m-ext}]}
                - {virtual-link-profile-id: mix, constituent-cpd-id: [{constituent-base-element-id: vf, constituent-cpd-id: d-ext}]}
            - id: pt
              vnfd-id: pt-host
              virtual-link-connectivity:
                - {virtual-link-profile-id: mgmt, constituent-cpd-id: [{constituent-base-element-id: pt, constituent-cpd-id: m-ext}]}
                - {virtual-link-profile-id: mix, constituent-cpd-id: [{constituent-base-element-id: pt, constituent-cpd-id: d-ext}]}
            - id: host
              vnfd-id: slicer-host
              virtual-link-connectivity:
                - {virtual-link-profile-id: mgmt, constituent-cpd-id: [{constituent-base-element-id: host, constituent-cpd-id: host-mgmt-ext}]}
                - {virtual-link-profile-id: mix, constituent-cpd-id: [{constituent-base-element-id: host, constituent-cpd-id: host-data-ext}]}
          pnf-profile:
            - id: ru
              pnfd-id: slicer-radio-unit
              virtual-link-connectivity:
                - {virtual-link-profile-id: mix, constituent-cpd-id: [{constituent-base-element-id: ru, constituent-cpd-id: ru-fronthaul}]}
                - {virtual-link-profile-id: mgmt, constituent-cpd-id: [{constituent-base-element-id: ru, constituent-cpd-id: ru-mgmt}]}
YAML
onboard vnfd "$tmp/mix.yaml"
onboard vnfd "$tmp/pt.yaml"
onboard nsd "$tmp/mix_nsd.yaml"
check "mixed-VL descriptors onboarded" eq "$code" 201
ip -n pdu-ru1 addr add 10.50.0.50/24 dev ru-fronthaul
ns_up mix mix-ns "$vim"
check "NS with a VF, a NIC, a PDU and a virtio port on one VL instantiated" eq "$state" COMPLETED
mix=$ns
vfns=$(netns_of "$mix" vf)
ptns=$(netns_of "$mix" pt)
hostns=$(netns_of "$mix" host)
vf_ip=$(iface_ip "$mix" vf xe0)
pt_ip=$(iface_ip "$mix" pt xe1)
host_ip=$(iface_ip "$mix" host data)
check "the VF pings the NIC" pings "$vfns" "$pt_ip"
check "the NIC pings the virtio host (through the uplink)" pings "$ptns" "$host_ip"
check "the virtio host pings the VF" pings "$hostns" "$vf_ip"
check "the radio unit (PDU) pings the VF" pings pdu-ru1 "$vf_ip"
check "... and the virtio host" pings pdu-ru1 "$host_ip"
mixinfo() {
    req GET "/nslcm/v1/ns_instances/$mix"
    field ".vld[] | select(.id == \"mix\") | .vim_info[\"sdn:$sdn\"] | $1"
}
check "the VL's service is an ELAN of VF, NIC, PDU and uplink" \
    eq "$(mixinfo '[.type, (.connected_ports | length)] | map(tostring) | join(" ")')" "ELAN 4"
svc=$(mixinfo .vim_id)
check "with MACs known, unicast rules per destination and a broadcast rule" \
    test "$(slicer_flows | grep -c 'priority=1000,dl_dst=ff:ff:ff:ff:ff:ff\|priority=1000,.*dl_dst=ff:ff:ff:ff:ff:ff')" -ge 3
scale='{"scaleType":"SCALE_VNF","scaleVnfData":{"scaleVnfType":"SCALE_OUT","scaleByStepData":{"scaling-group-descriptor":"vf-scale","member-vnf-index":"vf"}}}'
jreq POST "/nslcm/v1/ns_instances/$mix/scale" "$scale"
wait_op "$(field .id)"
check "scale out of the VF's VDU COMPLETED" eq "$state" COMPLETED
check "the service now joins 5 points, the same service edited" \
    eq "$(mixinfo '[.type, (.connected_ports | length), .vim_id] | map(tostring) | join(" ")')" "ELAN 5 $svc"
req GET "/nslcm/v1/vnf_instances?nsr-id-ref=$mix"
vf2_ip=$(field '[.[] | select(."member-vnf-index-ref" == "vf")][0].vdur[-1].interfaces[] | select(.name == "xe0") | ."ip-address"')
check "the new VF pings the first VF" pings "$vfns" "$vf2_ip"
check "... and the NIC" pings "$ptns" "$vf2_ip"
jreq POST "/nslcm/v1/ns_instances/$mix/scale" "${scale/SCALE_OUT/SCALE_IN}"
wait_op "$(field .id)"
check "scale in COMPLETED" eq "$state" COMPLETED
check "the service is back to 4 points" \
    eq "$(mixinfo '[(.connected_ports | length), .vim_id] | map(tostring) | join(" ")')" "4 $svc"
check "the removed VF's address answers no more" no_ping "$vfns" "$vf2_ip"
check "the first VF still pings the NIC" pings "$vfns" "$pt_ip"
ns_down "$mix"
check "mixed NS terminated" eq "$state" COMPLETED

# --- provider networks: a VL in the VLAN the request gives, joined to a
# port outside the NS (the operator's cable on fabric port 13)
ip netns add ext
ip link add ext-1 type veth peer name ext-in netns ext
ip link set ext-1 up
ip -n ext link set ext-in up
ip -n ext addr add 10.40.0.200/24 dev ext-in
vsctl add-port br-fabric ext-1 -- set Interface ext-1 ofport_request=13
try_pn() { # provider-network JSON -> 422 detail in $tmp/body
    jreq POST /nslcm/v1/ns_instances "{\"nsName\":\"pn\",\"nsdId\":\"slicer-epa-pair-ns\",\"vimAccountId\":\"$vim\"}"
    local id
    id=$(field .id)
    jreq POST "/nslcm/v1/ns_instances/$id/instantiate" "{\"vld\":[{\"name\":\"dataplane-x\",\"provider-network\":$1}]}"
    cp "$tmp/body" "$tmp/pn-body"
    req DELETE "/nslcm/v1/ns_instances/$id"
    cp "$tmp/pn-body" "$tmp/body"
}
try_pn '{"segmentation-id":5000}'
check "a segmentation id out of range: 422 naming it" \
    eq "$(field .detail)" "vld[0] 'dataplane-x': provider-network.segmentation-id 5000 is not a VLAN id (1..4094)"
try_pn '{"sdn-ports":[{"vlan":7}]}'
check "an sdn-port without switch_port: 422 naming it" \
    eq "$(field .detail)" "vld[0] 'dataplane-x': provider-network.sdn-ports[0] needs a switch_port (a port name or number, as text)"
try_pn '{"sdn-ports":[{"switch_port":"fabric-to-int","vlan":1}]}'
check "an sdn-port on a port the operator did not declare external: 422" \
    eq "$(field .detail)" "vld[0] 'dataplane-x': provider-network.sdn-ports[0]: switch port 'fabric-to-int' is not one of vim account 'local''s sdn-external-ports"
ns_up pn slicer-epa-pair-ns "$vim" '{"vld":[{"name":"dataplane-x","provider-network":{"segmentation-id":300,"sdn-ports":[{"switch_port":"13","service_endpoint_encapsulation_type":null}]}}]}'
check "EPA pair with a provider network and an external point: COMPLETED" eq "$state" COMPLETED
pn=$ns
check "the external port pings dp1's VF through the service" \
    pings ext "$(iface_ip "$pn" dp1 xe0)"
req GET "/nslcm/v1/ns_instances/$pn"
check "the service joins VF, NIC and the external point" \
    eq "$(field ".vld[] | select(.id == \"dataplane-x\") | .vim_info[\"sdn:$sdn\"] | [.type, (.connected_ports | sort | join(\",\")), (.\"sdn-ports\" | length)] | map(tostring) | join(\" \")" | sed 's/vnfrs:[^, ]*/vf/g')" \
    "ELAN external-0,vf,vf 1"
check "the VL's network is in VLAN 300" \
    eq "$(jq -r '.[] | select(.kind == "network" and (.name | endswith("-dataplane-x"))) | .vlan' <(req GET "/admin/v1/vim_accounts/$vim/resources"; field .resources))" 300
cat >"$tmp/one_nsd.yaml" <<'YAML'
nsd:
  nsd:
    - id: one-host-ns
      name: one-host-ns
      version: "1.0"
      vnfd-id: [slicer-host]
      virtual-link-desc: [{id: mgmt, mgmt-network: true}, {id: data}]
      df:
        - id: default-df
          vnf-profile:
            - id: h
              vnfd-id: slicer-host
              virtual-link-connectivity:
                - {virtual-link-profile-id: mgmt, constituent-cpd-id: [{constituent-base-element-id: h, constituent-cpd-id: host-mgmt-ext}]}
                - {virtual-link-profile-id: data, constituent-cpd-id: [{constituent-base-element-id: h, constituent-cpd-id: host-data-ext}]}
YAML
onboard nsd "$tmp/one_nsd.yaml"
ns_up taken one-host-ns "$vim" '{"vld":[{"name":"data","provider-network":{"segmentation-id":300}}]}'
check "a second network asking for segmentation id 300 fails" eq "$state" FAILED
check "... naming the network that has it" grep -q "segmentation id 300 is used by network 'pn-dataplane-x'" "$tmp/body"
req DELETE "/nslcm/v1/ns_instances/$ns"
ns_up named one-host-ns "$vim" '{"vld":[{"name":"data","vim-network-name":"pn-dataplane-x"}]}'
check "a VL put on another NS's network by its name: COMPLETED" eq "$state" COMPLETED
named=$ns
port=$(vdur "$named" h '.interfaces[] | select(.name == "data") | ."vim-interface-id"')
check "... its port is in that network's VLAN" \
    eq "$(vsctl get Port "$(vsctl --bare --columns=name find Port "external_ids:slicer-id=$port")" tag)" 300
ns_down "$named"
jreq POST /nslcm/v1/ns_instances "{\"nsName\":\"nn\",\"nsdId\":\"one-host-ns\",\"vimAccountId\":\"$vim\"}"
nn=$(field .id)
jreq POST "/nslcm/v1/ns_instances/$nn/instantiate" '{"vld":[{"name":"data","vim-network-name":"nowhere"}]}'
check "an unknown vim-network-name: 422 naming it" \
    eq "$code $(field .detail)" "422 vld[0] 'data': vim-network-name 'nowhere': no network of that name on vim account '$vim'"
req DELETE "/nslcm/v1/ns_instances/$nn"
ns_down "$pn"
check "provider-network NS terminated, no flow left" eq "$state $(slicer_flows | wc -l)" "COMPLETED 0"
vsctl del-port br-fabric ext-1
ip netns del ext

# --- kill -9 at each moment a service has been made or removed on the
# switch and slicerd not yet told: the operation resumes to its end, or
# rolls back leaving nothing
killed() {
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    pid=
} 2>/dev/null
crashes() { grep -c '^crash point sdn:' "$tmp/log"; }
until_final() { # op, crashes before it: waits for its end or the daemon's
    local before=$2 # death ($crashed)
    for _ in $(seq 300); do
        req GET "/nslcm/v1/ns_lcm_op_occs/$1"
        case $(field .operationState) in PROCESSING | ROLLING_BACK) sleep 0.05 ;; *) break ;; esac
    done
    crashed=
    [ "$(grep -c '^crash point sdn:' "$tmp/log")" = "$before" ] || crashed=1
}
for phase in instantiate terminate; do
    k=0
    while [ "$k" -lt 8 ]; do
        what="$phase, killed at service point $k"
        jreq POST /nslcm/v1/ns_instances "{\"nsName\":\"c$k\",\"nsdId\":\"slicer-epa-pair-ns\",\"vimAccountId\":\"$vim\"}"
        ns=$(field .id)
        if [ "$phase" = terminate ]; then
            jreq POST "/nslcm/v1/ns_instances/$ns/instantiate" '{}'
            wait_op "$(field .id)"
        fi
        killed
        start env SLC_CRASH_AT="sdn:$k"
        login
        mark=$(crashes)
        if [ "$phase" = instantiate ]; then
            jreq POST "/nslcm/v1/ns_instances/$ns/instantiate" '{}'
        else
            jreq POST "/nslcm/v1/ns_instances/$ns/terminate" '{}'
        fi
        op=$(field .id)
        until_final "$op" "$mark"
        killed
        start
        login
        wait_op "$op"
        if [ "$phase" = terminate ]; then
            check "$what: terminate COMPLETED after the restart" eq "$state" COMPLETED
            check "$what: no flow left" eq "$(slicer_flows | wc -l)" 0
        elif [ "$state" = COMPLETED ]; then
            flows_back 50
            check "$what: COMPLETED with both services on the switch" \
                diff -u "$tmp/want.flows" <(slicer_flows)
            check "$what: ... carrying traffic" \
                pings "$(netns_of "$ns" dp1)" "$(iface_ip "$ns" dp2 xe1)"
        else
            check "$what: or FAILED and rolled back" eq "$state/$(field .rollback.state)" FAILED/COMPLETED
            check "$what: ... leaving no flow" eq "$(slicer_flows | wc -l)" 0
        fi
        req GET "/nslcm/v1/ns_instances/$ns"
        [ "$(field .nsState)" = NOT_INSTANTIATED ] || ns_down "$ns"
        req DELETE "/nslcm/v1/ns_instances/$ns"
        check "$what: then nothing on the fabric" \
            eq "$(slicer_flows | wc -l) $(vsctl list-br | tr '\n' ' ')" "0 br-fabric br-int "
        [ -n "$crashed" ] || break
        k=$((k + 1))
    done
    echo "$phase: killed at $k service points, then passed them"
    check "$phase passed $k service points (2 services: at least 2)" test "$k" -ge 2
done

# --- a switch that refuses the rules: the NS fails with its words and
# leaves nothing
vsctl -- --id=@ft create Flow_Table flow_limit=1 overflow_policy=refuse \
    -- set Bridge br-fabric flow_tables:0=@ft
n0=$(n_netns)
ns_up full slicer-epa-pair-ns "$vim"
check "a switch that refuses the rules fails the NS" eq "$state" FAILED
check "... rolled back" eq "$(field .rollback.state)" COMPLETED
check "... with the switch's words, naming the controller" \
    grep -q "sdn controller 'fabric' (ovs unix:.*OFPFMFC_TABLE_FULL" "$tmp/body"
check "... leaving no flow" eq "$(slicer_flows | wc -l)" 0
check "... no namespace" eq "$(n_netns)" "$n0"
check "... and no NIC bridge" eq "$(vsctl list-br | tr '\n' ' ')" "br-fabric br-int "
vsctl clear Bridge br-fabric flow_tables
req DELETE "/nslcm/v1/ns_instances/$ns"

# --- the same with a real OpenFlow controller: os-ken serving ofctl_rest
# (our app), controlling br-fabric
vsctl set-controller br-fabric tcp:127.0.0.1:6655 \
    -- set controller br-fabric max_backoff=1000 connection_mode=out-of-band
osken_up
dpid=$(curl -s http://127.0.0.1:8080/stats/switches | jq '.[0]')
check "os-ken controls br-fabric (its datapath id listed)" \
    grep -qE '^[0-9]+$' <<<"$dpid"
jreq POST /admin/v1/sdns '{"name":"osken","type":"osken","url":"http://127.0.0.1:8080","config":{"dpid":"00:00:00:00:00:00:00:99"}}'
check "a controller record whose dpid the controller lacks: 422" \
    sh -c "test '$code' = 422 && grep -q 'is not connected to the controller' '$tmp/body'"
jreq POST /admin/v1/sdns "{\"name\":\"osken\",\"type\":\"osken\",\"url\":\"http://127.0.0.1:8080\",\"config\":{\"dpid\":$dpid,\"audit_interval_ms\":500}}"
check "the os-ken controller record: 201" eq "$code" 201
osken=$(field .id)
jreq PATCH "/admin/v1/vim_accounts/$vim" "{\"config\":{\"hosts\":\"$tmp/hosts.yaml\",\"cables\":{\"11\":\"ru1-fh\",\"12\":\"ru1-mgmt\"},\"sdn-controller\":\"osken\",\"sdn-port-mapping\":$mapping}}"
check "the account now names os-ken" eq "$code" 204
ns_up ko slicer-epa-pair-ns "$vim"
check "EPA pair through os-ken: COMPLETED" eq "$state" COMPLETED
ko=$ns
check "dp1's VF pings dp2's NIC through os-ken's flows" \
    pings "$(netns_of "$ko" dp1)" "$(iface_ip "$ko" dp2 xe1)"
slicer_flows >"$tmp/got.flows"
check "the same rules on the switch as the ovs driver made" \
    diff -u "$tmp/want.flows" "$tmp/got.flows"
req GET "/nslcm/v1/ns_instances/$ko"
check "the VL's service is os-ken's" \
    grep -qE '^osken-[0-9a-f]{8} ACTIVE$' <(field ".vld[] | select(.id == \"dataplane-x\") | .vim_info[\"sdn:$osken\"] | \"\(.vim_id) \(.vim_status)\"")
# a controller and switch restart: os-ken comes back, the switch lost its
# flows; the driver's audit puts them back
osken_down
ofctl del-flows br-fabric "cookie=0x51ce000000000000/0xffff000000000000"
osken_up
flows_back 120
check "after a controller and switch restart the services are made again" \
    diff -u "$tmp/want.flows" <(slicer_flows)
check "... and carry traffic" pings "$(netns_of "$ko" dp1)" "$(iface_ip "$ko" dp2 xe1)"
ns_down "$ko"
check "terminated through os-ken: no flow left" eq "$state $(slicer_flows | wc -l)" "COMPLETED 0"
# a controller that is down: the NS fails with its words and leaves nothing
osken_down
n0=$(n_netns)
ns_up down slicer-epa-pair-ns "$vim"
check "with the controller down the NS fails" eq "$state" FAILED
check "... rolled back" eq "$(field .rollback.state)" COMPLETED
check "... saying so, naming the controller" \
    grep -q "sdn controller 'osken' (osken http://127.0.0.1:8080).*Connection refused" "$tmp/body"
check "... leaving no namespace, no flow, no NIC bridge" \
    eq "$(n_netns) $(slicer_flows | wc -l) $(vsctl list-br | tr '\n' ' ')" "$n0 0 br-fabric br-int "
req DELETE "/nslcm/v1/ns_instances/$ns"
vsctl del-controller br-fabric

# --- ONOS (VPLS and flows), OpenDaylight and Floodlight cannot run here:
# their stand-ins (tests/sdn-drivers/standin/) serve each one's REST API
# and apply what they are told to br-fabric, so the pings prove each
# driver end to end through slicerd
for t in onos_vpls:onos onosof:onos odlof:odl floodlightof:floodlight; do
    type=${t%%:*}
    standin_up "${t#*:}"
    jreq POST /admin/v1/sdns "{\"name\":\"$type\",\"type\":\"$type\",\"url\":\"http://127.0.0.1:$(cat "$tmp/standin.port")\",\"user\":\"karaf\",\"password\":\"karaf\"}"
    check "$type: the controller takes the credentials: 201" eq "$code" 201
    jreq PATCH "/admin/v1/vim_accounts/$vim" "{\"config\":{\"hosts\":\"$tmp/hosts.yaml\",\"sdn-controller\":\"$type\",\"sdn-port-mapping\":$mapping}}"
    check "$type: the account names it" eq "$code" 204
    ns_up "p-$type" slicer-epa-pair-ns "$vim"
    check "$type: EPA pair COMPLETED" eq "$state" COMPLETED
    check "$type: dp1's VF pings dp2's NIC" \
        pings "$(netns_of "$ns" dp1)" "$(iface_ip "$ns" dp2 xe1)"
    check "$type: dp2's VF pings dp1's NIC" \
        pings "$(netns_of "$ns" dp2)" "$(iface_ip "$ns" dp1 xe1)"
    ns_down "$ns"
    check "$type: terminated, no flow left on br-fabric" \
        eq "$state $(ofctl dump-flows br-fabric | grep -c priority)" "COMPLETED 0"
    standin_down
done
check "SDN passwords never logged" test "$(grep -c karaf "$tmp/log")" = 0

stop_clean
summary

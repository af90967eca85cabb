#!/bin/bash
# Integration test of the slice manager (/osm/nsilcm/v1) on the sim VIM: a
# real slicerd on a free loopback port with a temporary store, driven over
# HTTP with curl.  Covers the real NSTs of ../shared/osm-examples with
# their NSDs (stand-ins where the examples lack them), a shared subnet
# reused by a second slice and kept while it is used, netslice-vld mapping
# onto one network per slice VL (checked on the VIM's ports), per-subnet
# VIM and parameter overrides, errors that change nothing, a child failure
# whose rollback spares the shared NS, and kill -9 in the middle of a
# slice operation.
# Everything it starts is stopped by pid; its files are removed.
# usage: test-slice.sh SLICERD SOURCE_DIR [SLICECTL]
set -u
slicerd=$1
src=$2
slicectl=${3:-}
examples=$src/../shared/osm-examples
name=slice
# shellcheck source=harness.sh
. "$(dirname "$0")/harness.sh"


config
start

nsi_of() { req GET "/nsilcm/v1/netslice_instances?name=$1"; field '.[0]._id'; }
ns_id() { req GET "/nslcm/v1/ns_instances?name=$1"; field '.[0]._id'; }
count() { req GET "$1"; field 'length'; }
# the VIM networks of account $1: "name ports" lines
networks() {
    req GET "/admin/v1/vim_accounts/$1/resources"
    field '.resources[] | select(.kind == "network") | "\(.name) \(.ports | length)"' | sort
}
n_resources() { req GET "/admin/v1/vim_accounts/$1/resources"; field '.resources | length'; }
# the VIM network that VL $2 of NS $1 is on (a port of it names it)
net_of_vl() {
    req GET "/nslcm/v1/ns_instances/$1"
    field "._admin.deployed.\"given-networks\".\"$2\""
}

jreq POST /admin/v1/tokens '{"username":"admin","password":"test-secret"}'
tok=$(field .id)

# --- catalogue: the templates, and the OSM slice examples with their NSDs
onboard_templates check
# The shared-slice NSDs (old IM) name VNFDs slice_hackfest_vnfd and
# slice_hackfest_middle_vnfd, with connection points eth0..2, which the
# examples do not have: the slice_basic VNFDs under those names stand in.
sed -e 's/slice_basic_vnf/slice_hackfest_vnfd/g' -e 's/\(eth[0-9]\)-ext/\1/g' \
    "$examples/slice_basic_vnfd.yaml" >"$tmp/edge_vnfd.yaml"
sed -e 's/slice_basic_middle_vnf/slice_hackfest_middle_vnfd/g' \
    -e 's/\(eth[0-9]\)-ext/\1/g' \
    "$examples/slice_basic_middle_vnfd.yaml" >"$tmp/middle_vnfd.yaml"
for f in "$examples/slice_basic_vnfd.yaml" "$tmp/edge_vnfd.yaml" "$tmp/middle_vnfd.yaml"; do
    yreq /vnfpkgm/v1/vnf_packages_content "$f"
    check "onboard $(basename "$f")" eq "$code" 201
done
for f in "$examples/slice_shared_nsd.yaml" "$examples/slice_shared_middle_nsd.yaml"; do
    yreq /nsd/v1/ns_descriptors_content "$f"
    check "onboard $(basename "$f")" eq "$code" 201
done
# The cirros NSTs name NSDs that the examples lack: the SOL006
# slice_basic NSD (sapds nsd_cp_mgmt, nsd_cp_data) under their ids.
for id in cirros_2vnf_nsd cirros_2net_vld_nsd; do
    sed "s/slice_basic_ns\$/$id/" "$examples/slice_basic_nsd.yaml" >"$tmp/$id.yaml"
    yreq /nsd/v1/ns_descriptors_content "$tmp/$id.yaml"
    check "onboard stand-in $id" eq "$code" 201
done
for f in slice_shared_nstd cirros_nst cirros_2net_nst_basic; do
    yreq /nst/v1/netslice_templates_content "$examples/$f.yaml"
    check "onboard OSM example $f" eq "$code" 201
done

jreq POST /admin/v1/vim_accounts '{"name":"sim-a","vim_type":"sim","vim_url":"u","config":{"sim":{"latency_ms":1}}}'
vim=$(field .id)
# cirros_nst names its VIM account by name in instantiation-parameters
jreq POST /admin/v1/vim_accounts '{"name":"Openstack_7.18","vim_type":"sim","vim_url":"u","config":{"sim":{"latency_ms":1}}}'
vim_os=$(field .id)

# --- the shared-slice example (OSM NBI's TestNetSliceInstances)
jreq POST /nsilcm/v1/netslice_instances_content "{\"nsiName\":\"A\",\"nstId\":\"slice_hackfest_nstd\",\"vimAccountId\":\"$vim\"}"
check "slice A: 201 with an operation" test "$code" = 201 -a -n "$(field .nsilcmop_id)"
nsi_a=$(field .id)
check "slice A: Location of the NSI" grep -qi "^location: /osm/nsilcm/v1/netslice_instances_content/$nsi_a" "$tmp/headers"
wait_nsiop "$(field .nsilcmop_id)"
check "slice A instantiate COMPLETED" eq "$state" COMPLETED
check "op lists its child NS operations" eq "$(field '.operationParams.nslcmops_ids | length')" 3
req GET "/nsilcm/v1/netslice_instances/$nsi_a"
check "NSI running, configured, INSTANTIATED" eq "$(field '."operational-status"')/$(field '."config-status"')/$(field ._admin.nsiState)" running/configured/INSTANTIATED
check "NSI: one NS per subnet" eq "$(field '."nsr-ref-list" | length')" 3
check "NSI: per-NS detail" eq "$(field '[._admin."nsrs-detailed-list"[] | select(.status == "COMPLETED" and .instantiated)] | length')" 3
check "NSI: OSM's RO netslice scenario ids" eq "$(field '._admin.deployed.RO[0].netslice_scenario_id')" "nsir:$nsi_a:vld.slice_cirros_vld_mgmt"
check "NSI: shared-nsrs-list of the mgmt VLD" eq "$(field '._admin."netslice-vld"[0]."shared-nsrs-list" | length')" 3
for s in 1 2 3; do
    req GET "/nslcm/v1/ns_instances?name=A.slice_hackfest_nsd_$s"
    check "NS A.slice_hackfest_nsd_$s READY" eq "$(field '.[0].nsState')" READY
done
mid=$(ns_id A.slice_hackfest_nsd_2)
e1=$(ns_id A.slice_hackfest_nsd_1)
e3=$(ns_id A.slice_hackfest_nsd_3)
check "one network per netslice-vld, with the subnets' ports" eq "$(networks "$vim" | tr '\n' ,)" "A-slice_cirros_vld_data1 2,A-slice_cirros_vld_data2 2,A-slice_cirros_vld_mgmt 3,"
check "mgmt: the three NSs on one network" test "$(net_of_vl "$e1" nsd_vnfd_vld_mgmt)" = "$(net_of_vl "$mid" nsd_vnfd_vld_mgmt)" -a "$(net_of_vl "$e3" nsd_vnfd_vld_mgmt)" = "$(net_of_vl "$mid" nsd_vnfd_vld_mgmt)"
check "data1: edge 1 with the middle's east" eq "$(net_of_vl "$e1" nsd_vnfd_vld_data)" "$(net_of_vl "$mid" nsd_vnfd_vld_data_east)"
check "data2: edge 3 with the middle's west" eq "$(net_of_vl "$e3" nsd_vnfd_vld_data)" "$(net_of_vl "$mid" nsd_vnfd_vld_data_west)"
check "data1 and data2 are apart" test "$(net_of_vl "$e1" nsd_vnfd_vld_data)" != "$(net_of_vl "$e3" nsd_vnfd_vld_data)"
req GET /nst/v1/netslice_templates_content/slice_hackfest_nstd
check "NST IN_USE" eq "$(field ._admin.usageState)" IN_USE
req DELETE /nst/v1/netslice_templates_content/slice_hackfest_nstd
check "delete of an NST in use: 409 naming the NSI" test "$code" = 409 -a -n "$(grep -o "nsis 'A'" "$tmp/body")"
req DELETE "/nslcm/v1/ns_instances_content/$mid"
check "an NS of a slice is not deleted on its own: 409" eq "$code" 409
jreq POST "/nsilcm/v1/netslice_instances/$nsi_a/instantiate" '{}'
check "instantiate an instantiated NSI: 409" eq "$code" 409
req DELETE "/nsilcm/v1/netslice_instances/$nsi_a"
check "delete of an instantiated NSI: 409" eq "$code" 409

# slice B from the same NST reuses the shared middle NS
jreq POST /nsilcm/v1/netslice_instances "{\"nsiName\":\"B\",\"nstId\":\"slice_hackfest_nstd\",\"vimAccountId\":\"$vim\",\"nsiDescription\":\"default\"}"
check "slice B created: 201" eq "$code" 201
nsi_b=$(field .id)
req GET "/nsilcm/v1/netslice_instances/$nsi_b"
check "B NOT_INSTANTIATED" eq "$(field ._admin.nsiState)" NOT_INSTANTIATED
check "B reuses A's middle NS" eq "$(field '._admin."nsrs-detailed-list"[1].nsrId')" "$mid"
check "no NS B.slice_hackfest_nsd_2" eq "$(count '/nslcm/v1/ns_instances?name=B.slice_hackfest_nsd_2')" 0
jreq POST "/nsilcm/v1/netslice_instances/$nsi_b/instantiate" "{\"nsiName\":\"B\",\"nstId\":\"slice_hackfest_nstd\",\"vimAccountId\":\"$vim\"}"
check "B instantiate (OSM resends the create body): 202" eq "$code" 202
wait_nsiop "$(field .id)"
check "B instantiate COMPLETED" eq "$state" COMPLETED
check "B ran two child operations" eq "$(field '.operationParams.nslcmops_ids | length')" 2
check "the shared NS was instantiated once" eq "$(count "/nslcm/v1/ns_lcm_op_occs?nsInstanceId=$mid")" 1
check "B's edges joined A's slice networks" eq "$(networks "$vim" | tr '\n' ,)" "A-slice_cirros_vld_data1 3,A-slice_cirros_vld_data2 3,A-slice_cirros_vld_mgmt 5,"
req GET "/nslcm/v1/ns_instances/$mid"
check "the shared NS knows both slices" eq "$(field '._admin."netslice-users" | length')" 2

# terminating and deleting A keeps what B uses
req DELETE "/nsilcm/v1/netslice_instances_content/$nsi_a"
check "DELETE _content of an instantiated NSI: 202 terminate" eq "$code" 202
wait_nsiop "$(field .id)"
check "A terminate COMPLETED" eq "$state" COMPLETED
req GET "/nsilcm/v1/netslice_instances/$nsi_a"
check "autoremove: A is gone" eq "$code" 404
check "A's own NSs are gone" eq "$(count '/nslcm/v1/ns_instances?name=A.slice_hackfest_nsd_1')" 0
req GET "/nslcm/v1/ns_instances/$mid"
check "the shared NS stays READY for B" eq "$(field .nsState)/$(field '._admin."netslice-users" | length')" READY/1
check "A's edge ports left, the networks stay" eq "$(networks "$vim" | tr '\n' ,)" "A-slice_cirros_vld_data1 2,A-slice_cirros_vld_data2 2,A-slice_cirros_vld_mgmt 3,"
req GET /nst/v1/netslice_templates_content/slice_hackfest_nstd
check "NST still IN_USE, for B" eq "$(field ._admin.usageState)" IN_USE

# a third slice reuses it again (OSM's test does)
jreq POST /nsilcm/v1/netslice_instances_content "{\"nsiName\":\"C\",\"nstId\":\"slice_hackfest_nstd\",\"vimAccountId\":\"$vim\"}"
nsi_c=$(field .id)
wait_nsiop "$(field .nsilcmop_id)"
check "C instantiate COMPLETED" eq "$state" COMPLETED
req GET "/nsilcm/v1/netslice_instances/$nsi_c"
check "C reuses the middle NS too" eq "$(field '._admin."nsrs-detailed-list"[1].nsrId')" "$mid"
jreq POST "/nsilcm/v1/netslice_instances/$nsi_b/terminate" '{}'
wait_nsiop "$(field .id)"
check "B terminate COMPLETED" eq "$state" COMPLETED
req GET "/nsilcm/v1/netslice_instances/$nsi_b"
check "B terminated, NOT_INSTANTIATED" eq "$(field '."operational-status"')/$(field '."config-status"')/$(field ._admin.nsiState)" terminated/terminated/NOT_INSTANTIATED
req GET "/nslcm/v1/ns_instances/$mid"
check "the middle NS stays for C" eq "$(field .nsState)" READY
jreq POST "/nsilcm/v1/netslice_instances/$nsi_b/terminate" '{}'
check "terminate a terminated NSI: 409" eq "$code" 409
req DELETE "/nsilcm/v1/netslice_instances/$nsi_b"
check "delete B: 204" eq "$code" 204
req DELETE "/nsilcm/v1/netslice_instances_content/$nsi_c"
wait_nsiop "$(field .id)"
check "C (the last user) terminate COMPLETED" eq "$state" COMPLETED
check "nothing left on the VIM" eq "$(n_resources "$vim")" 0
check "no NS left" eq "$(count /nslcm/v1/ns_instances)" 0
check "no NSI left" eq "$(count /nsilcm/v1/netslice_instances)" 0
req GET /nst/v1/netslice_templates_content/slice_hackfest_nstd
check "NST NOT_IN_USE again" eq "$(field ._admin.usageState)" NOT_IN_USE

# --- per-subnet VIM and parameter overrides (cirros_nst)
jreq POST /nsilcm/v1/netslice_instances_content "{\"nsiName\":\"ov\",\"nstId\":\"cirros_nst\",\"vimAccountId\":\"$vim\",\"netslice-subnet\":[{\"id\":\"cirros_nsd_2\",\"vimAccountId\":\"$vim\",\"additionalParamsForNs\":{\"colour\":\"blue\"}}]}"
check "overrides: 201" eq "$code" 201
wait_nsiop "$(field .nsilcmop_id)"
check "overrides: COMPLETED" eq "$state" COMPLETED
req GET "/nslcm/v1/ns_instances?name=ov.cirros_nsd_1"
check "the NST's VIM (by name) for subnet 1" eq "$(field '.[0].datacenter')" "$vim_os"
req GET "/nslcm/v1/ns_instances?name=ov.cirros_nsd_2"
check "the request's VIM for subnet 2" eq "$(field '.[0].datacenter')" "$vim"
check "the request's parameters for subnet 2" eq "$(field '.[0].instantiate_params.additionalParamsForNs.colour')" blue
check "NSs on both VIMs" test "$(n_resources "$vim_os")" -gt 0 -a "$(n_resources "$vim")" -gt 0
req DELETE "/nsilcm/v1/netslice_instances_content/$(nsi_of ov)"
wait_nsiop "$(field .id)"
check "overrides: terminated, both VIMs empty" eq "$state/$(n_resources "$vim_os")/$(n_resources "$vim")" COMPLETED/0/0

# --- netslice-vld parameters (cirros_2net_nst_basic)
jreq POST /nsilcm/v1/netslice_instances_content "{\"nsiName\":\"vp\",\"nstId\":\"cirros_2net_nst_basic\",\"vimAccountId\":\"$vim\",\"netslice-vld\":[{\"name\":\"slice_cirros_vld_data\",\"ip-profile\":{\"ip-version\":\"ipv4\",\"subnet-address\":\"10.77.0.0/24\"}}]}"
wait_nsiop "$(field .nsilcmop_id)"
check "netslice-vld parameters: COMPLETED" eq "$state" COMPLETED
req GET "/admin/v1/vim_accounts/$vim/resources"
check "the data network has the requested subnet" eq "$(field '.resources[] | select(.name == "vp-slice_cirros_vld_data") | .cidr')" 10.77.0.0/24
check "two subnets' data ports on it" eq "$(networks "$vim" | grep vp-slice_cirros_vld_data)" "vp-slice_cirros_vld_data 2"
req DELETE "/nsilcm/v1/netslice_instances_content/$(nsi_of vp)"
wait_nsiop "$(field .id)"
check "netslice-vld parameters: terminated, VIM empty" eq "$state/$(n_resources "$vim")" COMPLETED/0

# --- bad requests change nothing
before=$(count /nslcm/v1/ns_instances)
jreq POST /nsilcm/v1/netslice_instances '{"nsiName":"x","nstId":"no-such-nst","vimAccountId":"sim-a"}'
check "unknown NST: 404 naming it" test "$code" = 404 -a -n "$(grep -o "no-such-nst" "$tmp/body")"
jreq POST /nsilcm/v1/netslice_instances '{"nsiName":"x","nstId":"cirros_nst","vimAccountId":"nope"}'
check "unknown VIM: 404" eq "$code" 404
jreq POST /nsilcm/v1/netslice_instances '{"nsiName":"x;y","nstId":"cirros_nst","vimAccountId":"sim-a"}'
check "bad nsiName: 422" eq "$code" 422
jreq POST /nsilcm/v1/netslice_instances '{"nsiName":"x","nstId":"cirros_nst"}'
check "missing vimAccountId: 422 naming it" test "$code" = 422 -a -n "$(grep -o vimAccountId "$tmp/body")"
jreq POST /nsilcm/v1/netslice_instances '{"nsiName":"x","nstId":"cirros_nst","vimAccountId":"sim-a","colour":1}'
check "unknown member: 422 naming it" test "$code" = 422 -a -n "$(grep -o colour "$tmp/body")"
jreq POST /nsilcm/v1/netslice_instances '{"nsiName":"x","nstId":"cirros_nst","vimAccountId":"sim-a","netslice-subnet":[{"id":"nope"}]}'
check "unknown subnet id: 422 naming it" test "$code" = 422 -a -n "$(grep -o "id 'nope'" "$tmp/body")"
jreq POST /nsilcm/v1/netslice_instances '{"nsiName":"x","nstId":"cirros_nst","vimAccountId":"sim-a","netslice-subnet":[{"id":"cirros_nsd_1","vnf":"x"}]}'
check "bad subnet override: 422 naming it" test "$code" = 422 -a -n "$(grep -o "netslice-subnet\[0\]" "$tmp/body")"
jreq POST /nsilcm/v1/netslice_instances '{"nsiName":"x","nstId":"cirros_2net_nst_basic","vimAccountId":"sim-a","netslice-vld":[{"ip-profile":{}}]}'
check "netslice-vld without name: 422" eq "$code" 422
jreq POST /nsilcm/v1/netslice_instances '{"nsiName":"x","nstId":"cirros_2net_nst_basic","vimAccountId":"sim-a","netslice-vld":[{"name":"nope"}]}'
check "unknown netslice-vld: 422 naming it" test "$code" = 422 -a -n "$(grep -o "name 'nope'" "$tmp/body")"
jreq POST /nsilcm/v1/netslice_instances "{\"nsiName\":\"x\",\"nstId\":\"cirros_2net_nst_basic\",\"vimAccountId\":\"$vim\",\"netslice-subnet\":[{\"id\":\"cirros_2net_vld_nsd_2\",\"vimAccountId\":\"$vim_os\"}]}"
check "a netslice-vld across two VIMs: 422" test "$code" = 422 -a -n "$(grep -o "span two VIMs" "$tmp/body")"
check "refused requests made no NS" eq "$(count /nslcm/v1/ns_instances)" "$before"
check "refused requests made no NSI" eq "$(count /nsilcm/v1/netslice_instances)" 0
req GET /nsilcm/v1/netslice_instances/nope
check "unknown NSI: 404" eq "$code" 404

# --- the eMBB and URLLC templates share the core; a failing edge rolls
# back without touching the shared core
jreq POST /admin/v1/vim_accounts '{"name":"sim-f","vim_type":"sim","vim_url":"u","config":{"sim":{"latency_ms":1,"fail":[{"call":"create_compute","name":"bad.urllc-edge"}]}}}'
vim_f=$(field .id)
jreq POST /nsilcm/v1/netslice_instances_content "{\"nsiName\":\"good\",\"nstId\":\"slicer-embb-slice\",\"vimAccountId\":\"$vim_f\"}"
wait_nsiop "$(field .nsilcmop_id)"
check "eMBB slice COMPLETED" eq "$state" COMPLETED
core=$(ns_id good.core)
res_before=$(n_resources "$vim_f")
jreq POST /nsilcm/v1/netslice_instances_content "{\"nsiName\":\"bad\",\"nstId\":\"slicer-urllc-slice\",\"vimAccountId\":\"$vim_f\"}"
nsi_bad=$(field .id)
wait_nsiop "$(field .nsilcmop_id)"
check "URLLC slice whose edge fails: FAILED" eq "$state" FAILED
check "... its rollback complete" eq "$(field .rollback.state)" COMPLETED
check "the error names the failed child" test -n "$(field .errorMessage | grep -o 'injected failure')"
req GET "/nsilcm/v1/netslice_instances/$nsi_bad"
check "NSI failed, NOT_INSTANTIATED" eq "$(field '."operational-status"')/$(field '."config-status"')/$(field ._admin.nsiState)" failed/failed/NOT_INSTANTIATED
check "NSI detailed-status says why" test -n "$(field '."detailed-status"' | grep -o '^ERROR')"
check "it shared the eMBB core" eq "$(field '._admin."nsrs-detailed-list"[1].nsrId')" "$core"
req GET "/nslcm/v1/ns_instances/$core"
check "the shared core is spared: READY" eq "$(field .nsState)" READY
check "the VIM holds what it held before" eq "$(n_resources "$vim_f")" "$res_before"
req DELETE "/nsilcm/v1/netslice_instances/$nsi_bad"
check "delete the failed NSI: 204" eq "$code" 204
req GET "/nslcm/v1/ns_instances/$core"
check "the core still belongs to the eMBB slice" eq "$(field '._admin."netslice-users" | length')" 1

# --- kill -9 in the middle of a slice operation
jreq POST /admin/v1/vim_accounts '{"name":"sim-slow","vim_type":"sim","vim_url":"u","config":{"sim":{"latency_ms":200}}}'
vim_s=$(field .id)
jreq POST /nsilcm/v1/netslice_instances_content "{\"nsiName\":\"crash\",\"nstId\":\"slice_hackfest_nstd\",\"vimAccountId\":\"$vim_s\"}"
nsi_k=$(field .id)
op_k=$(field .nsilcmop_id)
for _ in $(seq 100); do
    req GET "/nsilcm/v1/nsi_lcm_op_occs/$op_k"
    [ "$(field '.operationParams.nslcmops_ids | length')" -gt 0 ] && break
    sleep 0.02
done
check "killed while the subnets instantiate" eq "$(field .operationState)/$(field ._admin.phase)" PROCESSING/complete
kill -9 "$pid"
wait "$pid" 2>/dev/null
pid=
start
jreq POST /admin/v1/tokens '{"username":"admin","password":"test-secret"}'
tok=$(field .id)
for _ in $(seq 300); do # the resume may come just after the port is written
    grep -q "resuming nsi operation $op_k" "$tmp/log" && break
    sleep 0.05
done
check "restart resumes the slice operation" grep -q "resuming nsi operation $op_k" "$tmp/log"
wait_nsiop "$op_k"
check "the resumed slice operation COMPLETED" eq "$state" COMPLETED
check "its networks exist once, with every port" eq "$(networks "$vim_s" | tr '\n' ,)" "crash-slice_cirros_vld_data1 2,crash-slice_cirros_vld_data2 2,crash-slice_cirros_vld_mgmt 3,"
req DELETE "/nsilcm/v1/netslice_instances_content/$nsi_k"
wait_nsiop "$(field .id)"
check "after recovery, terminate leaves nothing" eq "$state/$(n_resources "$vim_s")" COMPLETED/0

# --- a store of an older slicer: slices found by their links (the NST,
# shared subnets), which it did not write; given to them at start (an
# SQLite store, which the test edits to look older)
if [ -z "${SLICER_TEST_ETCD:-}" ]; then
jreq POST /nsilcm/v1/netslice_instances_content "{\"nsiName\":\"old1\",\"nstId\":\"slice_hackfest_nstd\",\"vimAccountId\":\"$vim_s\"}"
nsi_o1=$(field .id)
wait_nsiop "$(field .nsilcmop_id)"
check "old1 COMPLETED" eq "$state" COMPLETED
kill -TERM "$pid"
wait "$pid" 2>/dev/null
pid=
sqlite3 "$tmp/state/slicer.db" "DELETE FROM links WHERE from_coll = 'nsis'; UPDATE records SET doc = json_remove(doc, '$._admin.linked') WHERE coll = 'nsis'"
check "the older store: no slice links" eq "$(sqlite3 "$tmp/state/slicer.db" "SELECT count(*) FROM links WHERE from_coll = 'nsis'")" 0
start
login
check "links given back at start" test "$(sqlite3 "$tmp/state/slicer.db" "SELECT count(*) FROM links WHERE from_coll = 'nsis' AND to_coll = 'nsi-shared'")" -ge 1
n_before=$(count "/nslcm/v1/ns_instances")
jreq POST /nsilcm/v1/netslice_instances_content "{\"nsiName\":\"old2\",\"nstId\":\"slice_hackfest_nstd\",\"vimAccountId\":\"$vim_s\"}"
nsi_o2=$(field .id)
wait_nsiop "$(field .nsilcmop_id)"
check "old2 shares old1's middle NS: two NSs more, not three" eq "$state/$(($(count "/nslcm/v1/ns_instances") - n_before))" COMPLETED/2
for n in "$nsi_o2" "$nsi_o1"; do
    req DELETE "/nsilcm/v1/netslice_instances_content/$n"
    wait_nsiop "$(field .id)"
    check "old slice terminated and removed" eq "$state" COMPLETED
done
fi

# --- 5G slice requests by service profile
sreq() { req POST /nsmf/v1/slice_requests -H 'Content-Type: application/json' --data-binary "$1"; }
base_nsmf=${base%/osm}
nsmf() { local m=$1 p=$2; shift 2; code=$(curl -s -o "$tmp/body" -w '%{http_code}' -X "$m" -H 'Accept: application/json' -H "Authorization: Bearer $tok" "$@" "$base_nsmf$p"); }
sreq() { nsmf POST /nsmf/v1/slice_requests -H 'Content-Type: application/json' --data-binary "$1"; }
n_nsi=$(count /nsilcm/v1/netslice_instances)
sreq "{\"name\":\"embb-1\",\"vimAccountId\":\"$vim\",\"serviceProfile\":{\"sNSSAIList\":[{\"sst\":1,\"sd\":\"000001\"}],\"latency\":400,\"dLThptPerSlice\":500,\"maxNumberofUEs\":1000,\"resourceSharingLevel\":\"shared\"}}"
check "eMBB request: 202" eq "$code" 202
check "eMBB request: the eMBB template is chosen" eq "$(field '.decision."selected-nst"')" slicer-embb-slice
check "the trail ranks the other eMBB NSTs below it" eq "$(field '[.decision.candidates[] | select(.accepted)] | map(.nst) | join(",")')" slicer-embb-slice,cirros_2net_nst_basic,cirros_nst,slice_hackfest_nstd
check "the trail says why URLLC was rejected" eq "$(field '.decision.candidates[] | select(.nst == "slicer-urllc-slice") | .reason')" "slice-service-type URLLC is SST 2, not 1"
check "a new slice was created" eq "$(field .decision.action)" created
r1=$(field ._id)
nsi_r=$(field .nsiId)
wait_nsiop "$(jq -r .nsilcmopId <<<"$(nsmf GET "/nsmf/v1/slice_requests/$r1"; cat "$tmp/body")")"
check "the requested slice is instantiated" eq "$state" COMPLETED
nsmf GET "/nsmf/v1/slice_requests/$r1"
check "the request shows its slice running" eq "$(field .nsi.nsiState)/$(field '.nsi."operational-status"')" INSTANTIATED/running
sreq "{\"name\":\"embb-2\",\"vimAccountId\":\"$vim\",\"serviceProfile\":{\"sST\":1,\"sNSSAIList\":[{\"sst\":1,\"sd\":\"000001\"}],\"latency\":300,\"resourceSharingLevel\":\"shared\"}}"
check "a second shareable request reuses the slice" eq "$code/$(field .decision.action)/$(field .nsiId)" "202/reused/$nsi_r"
r2=$(field ._id)
sreq "{\"vimAccountId\":\"$vim\",\"serviceProfile\":{\"sNSSAIList\":[{\"sst\":1,\"sd\":\"000001\"}],\"latency\":300}}"
check "the same S-NSSAI, not shared: 409" test "$code" = 409 -a -n "$(field .detail | grep -o 'is allocated to request')"
sreq "{\"vimAccountId\":\"$vim\",\"serviceProfile\":{\"sST\":2,\"latency\":5}}"
check "URLLC within 5 ms: no NST, 409 with the reason" test "$code" = 409 -a -n "$(field .detail | grep -o 'packet-delay-budget 10 ms exceeds the latency bound 5 ms')"
jreq POST /admin/v1/vim_accounts '{"name":"sim-tiny","vim_type":"sim","vim_url":"u","config":{"sim":{"latency_ms":1,"capacity":{"vcpus":1}}}}'
sreq "{\"vimAccountId\":\"sim-tiny\",\"serviceProfile\":{\"sST\":2,\"sNSSAIList\":[{\"sst\":2,\"sd\":\"000002\"}],\"latency\":20}}"
check "a slice that does not fit: 409 naming the shortfall" test "$code" = 409 -a -n "$(field .detail | grep -o 'not admitted: the slice needs')"
check "admission refusals made nothing" eq "$(count /nsilcm/v1/netslice_instances)" "$((n_nsi + 1))"
sreq "{\"vimAccountId\":\"$vim\",\"serviceProfile\":{\"sST\":0}}"
check "bad sST: 422" eq "$code" 422
sreq "{\"vimAccountId\":\"$vim\",\"serviceProfile\":{\"sNSSAIList\":[{\"sst\":1,\"sd\":\"xyz\"}]}}"
check "bad sd: 422 naming it" test "$code" = 422 -a -n "$(field .detail | grep -o "sd 'xyz'")"
sreq "{\"vimAccountId\":\"$vim\",\"serviceProfile\":{\"sST\":1,\"speed\":3}}"
check "unknown profile member: 422 naming it" test "$code" = 422 -a -n "$(field .detail | grep -o speed)"
sreq "{\"vimAccountId\":\"$vim\",\"serviceProfile\":{\"sST\":2,\"sNSSAIList\":[{\"sst\":2,\"sd\":\"000002\"}],\"latency\":20}}"
check "URLLC within 20 ms: 202" eq "$code/$(field '.decision."selected-nst"')" 202/slicer-urllc-slice
r3=$(field ._id)
nsi_u=$(field .nsiId)
wait_nsiop "$(field .nsilcmopId)"
check "the URLLC slice is instantiated" eq "$state" COMPLETED
req GET "/nsilcm/v1/netslice_instances/$nsi_u"
check "it shares the eMBB slice's core" eq "$(field '._admin."nsrs-detailed-list"[] | select(."nss-id" == "core") | .nsrId')" "$(ns_id embb-1.core)"
nsmf DELETE "/nsmf/v1/slice_requests/$r1"
check "deallocating a shared request: 204, the slice stays" eq "$code/$(count /nsilcm/v1/netslice_instances?name=embb-1)" 204/1
nsmf DELETE "/nsmf/v1/slice_requests/$r3"
check "deallocating the URLLC request: 202" eq "$code" 202
wait_nsiop "$(field .id)"
req GET "/nsilcm/v1/netslice_instances/$nsi_u"
check "the URLLC slice is terminated and removed" eq "$state/$code" COMPLETED/404
req GET "/nslcm/v1/ns_instances/$(ns_id embb-1.core)"
check "the eMBB core stays for the eMBB slice" eq "$(field .nsState)" READY
nsmf DELETE "/nsmf/v1/slice_requests/$r2"
wait_nsiop "$(field .id)"
check "the last eMBB request takes its slice with it" eq "$state/$(count /nsilcm/v1/netslice_instances?name=embb-1)" COMPLETED/0
nsmf GET /nsmf/v1/slice_requests
check "no request left" eq "$(field length)" 0

# --- the same through slicectl
if [ -n "$slicectl" ]; then
    ctl() { SLICER_URL=$base SLICER_TOKEN=$tok "$slicectl" "$@" >"$tmp/out" 2>"$tmp/err"; }
    ctl slice-request --name cli-embb --sst eMBB --latency 400 --vim "$vim" --wait
    check "slicectl slice-request --wait: exit 0" eq "$?" 0
    check "it names the NST and the rejected one" test -n "$(grep -o 'NST slicer-embb-slice' "$tmp/out")" -a -n "$(grep -o 'slicer-urllc-slice *rejected: slice-service-type URLLC is SST 2, not 1' "$tmp/out")"
    ctl nsi-list
    check "slicectl nsi-list shows the slice instantiated" grep -q 'cli-embb .*slicer-embb-slice .*INSTANTIATED .*3 NSs' "$tmp/out"
    ctl nsi-show "$(nsi_of cli-embb)"
    check "slicectl nsi-show lists subnets and slice networks" test "$(grep -c '^  subnet ' "$tmp/out")/$(grep -c '^  netslice-vld ' "$tmp/out")" = 3/3
    ctl slice-request --sst URLLC --latency 5 --vim "$vim"
    check "no NST within 5 ms: exit 2 with the reason" test "$?" = 2 -a -n "$(grep -o '409.*packet-delay-budget' "$tmp/err")"
    ctl slice-request --sst fast --vim "$vim"
    check "a bad --sst: exit 1 naming it" test "$?" = 1 -a -n "$(grep -o "sst 'fast'" "$tmp/err")"
    ctl slice-request-list
    cli_req=$(awk '$2 == "cli-embb" {print $1}' "$tmp/out")
    ctl slice-request-delete "$cli_req" --wait
    check "slicectl slice-request-delete --wait: exit 0" eq "$?" 0
    check "the slice is gone" eq "$(count /nsilcm/v1/netslice_instances?name=cli-embb)" 0
fi

check "no error logged" eq "$(grep -c ' error ' "$tmp/log")" 0
summary

#!/bin/bash
# Bad input that slicerd used to accept (issue 19, section 4): each request
# must be a 4xx whose detail names the field and the value, and must
# change nothing (no record, no operation, no scaled VNF).  A real daemon
# on a free loopback port with a temporary store and the sim VIM.
# usage: test-input.sh SLICERD SOURCE_DIR
set -u
slicerd=$1
src=$2
name=input
# shellcheck source=harness.sh
. "$(dirname "$0")/harness.sh"

config
start
login

# refused: status, and a detail with each of the given words
refused() { # description status word...
    local what=$1 status=$2 w
    shift 2
    check "$what: $status" eq "$code" "$status"
    for w in "$@"; do
        check "$what: the detail names '$w'" grep -qF -- "$w" "$tmp/body"
    done
}
count() { # URL -> number of records listed
    req GET "$1"
    field length
}

# --- SDN controllers: port bounds
jreq POST /admin/v1/sdns '{"name":"c1","type":"dummy","port":-1}'
refused "sdn port -1" 422 "'port'" "-1"
jreq POST /admin/v1/sdns '{"name":"c1","type":"dummy","port":70000}'
refused "sdn port 70000" 422 "'port'" "70000"
check "no sdn controller stored" eq "$(count /admin/v1/sdns)" 0
jreq POST /admin/v1/sdns '{"name":"c1","type":"dummy","port":6653}'
check "sdn port 6653: 201" eq "$code" 201

# --- a PDU interface's switch port
jreq POST /pdu/v1/pdu_descriptors '{"name":"p1","type":"gw","shared":false,"vim_accounts":[],"interfaces":[{"name":"eth0","mgmt":true,"ip-address":"10.0.0.1","switch-port":0}]}'
refused "pdu switch-port 0" 422 "switch-port 0"
check "no pdu stored" eq "$(count /pdu/v1/pdu_descriptors)" 0

# --- a path that is not UTF-8: still a JSON error
req GET "/nslcm/v1/ns_instances/%ff%fe"
check "a path of bytes that are not UTF-8: 404" eq "$code" 404
check "... with a JSON body" eq "$(field .status)" 404

# --- a user's password: within what yescrypt takes
long=$(head -c 5000 /dev/zero | tr '\0' x)
jreq POST /admin/v1/users "{\"username\":\"u1\",\"password\":\"$long\",\"projects\":[\"admin\"]}"
refused "a 5000-character password" 422 "password: must have 1 to 511 characters"
jreq POST /admin/v1/users '{"username":"u1","password":"","projects":["admin"]}'
refused "an empty password" 422 "password: must have"
req GET /admin/v1/users
check "no user stored" eq "$(field length)" 1

# --- the catalogue: one descriptor per upload
for f in "$src"/templates/vnfd/*.yaml "$src"/templates/pnfd/*.yaml; do
    req POST /vnfpkgm/v1/vnf_packages_content -H 'Content-Type: application/yaml' --data-binary "@$f"
done
for f in "$src"/templates/nsd/*.yaml; do
    req POST /nsd/v1/ns_descriptors_content -H 'Content-Type: application/yaml' --data-binary "@$f"
done
nsds=$(count /nsd/v1/ns_descriptors)
# two NSDs in one SOL006 file: the core NSD again under two other ids
req GET /nsd/v1/ns_descriptors/slicer-core-ns
jq '{nsd: {nsd: [del(._id, ._admin) | .id = "two-a", .id = "two-b"]}}' \
    "$tmp/body" >"$tmp/two-nsd.json"
req POST /nsd/v1/ns_descriptors_content -H 'Content-Type: application/json' --data-binary "@$tmp/two-nsd.json"
refused "an NSD file holding two NSDs" 422 "exactly one descriptor" "holds 2"
check "neither NSD is onboarded" eq "$(count /nsd/v1/ns_descriptors)" "$nsds"

# --- an NS on the sim VIM
jreq POST /admin/v1/vim_accounts '{"name":"sim1","vim_type":"sim","vim_url":"sim://","vim_tenant_name":"t","vim_user":"u","vim_password":"p"}'
vim=$(field .id)
jreq POST /nslcm/v1/ns_instances "{\"nsName\":\"in1\",\"nsdId\":\"slicer-core-ns\",\"vimAccountId\":\"$vim\"}"
ns=$(field .id)
check "ns created" test -n "$ns"
ops=$(count /nslcm/v1/ns_lcm_op_occs)

inst() { jreq POST "/nslcm/v1/ns_instances/$ns/instantiate" "$1"; }
inst "{\"nsdId\":\"slicer-core-ns\",\"vimAccountId\":\"$vim\",\"timeout_ns_deploy\":-5}"
refused "negative timeout_ns_deploy" 422 "'timeout_ns_deploy'" "-5"
inst "{\"nsdId\":\"slicer-core-ns\",\"vimAccountId\":\"$vim\",\"additionalParamsForVnf\":[{\"additionalParams\":{\"x\":1}}]}"
refused "additionalParamsForVnf without member-vnf-index" 422 \
    "additionalParamsForVnf[0]" "member-vnf-index"
inst "{\"nsdId\":\"slicer-core-ns\",\"vimAccountId\":\"$vim\",\"additionalParamsForVnf\":[{\"member-vnf-index\":\"nope\"}]}"
refused "additionalParamsForVnf naming no VNF" 422 "additionalParamsForVnf[0]" "nope"
inst "{\"nsdId\":\"slicer-core-ns\",\"vimAccountId\":\"$vim\",\"additionalParamsForVnf\":[\"x\"]}"
refused "additionalParamsForVnf item not an object" 422 "additionalParamsForVnf[0]"
check "no operation started" eq "$(count /nslcm/v1/ns_lcm_op_occs)" "$ops"
req GET "/nslcm/v1/ns_instances/$ns"
check "the NS is still NOT_INSTANTIATED" eq "$(field .nsState)" NOT_INSTANTIATED

inst '{}'
wait_op "$(field .id)"
check "instantiate: COMPLETED" eq "$state" COMPLETED
ops=$(count /nslcm/v1/ns_lcm_op_occs)
member=$(curl -s -H "Authorization: Bearer $tok" -H 'Accept: application/json' \
    "$base/nslcm/v1/vnf_instances?nsr-id-ref=$ns" |
    jq -r '[.[] | select(."vnfd-ref" == "slicer-upf")][0]."member-vnf-index-ref"')
vdus() {
    req GET "/nslcm/v1/vnf_instances?nsr-id-ref=$ns"
    field '[.[].vdur[]] | length'
}
before=$(vdus)

scale() { jreq POST "/nslcm/v1/ns_instances/$ns/scale" "$1"; }
step="\"scaleByStepData\":{\"scaling-group-descriptor\":\"upf-scale\",\"member-vnf-index\":\"$member\"}"
scale "{\"scaleType\":\"SCALE_VNF\",\"scaleVnfData\":{\"scaleVnfType\":\"SCALE_SIDEWAYS\",$step}}"
refused "scaleVnfType SCALE_SIDEWAYS" 422 "'scaleVnfType'" "SCALE_SIDEWAYS" "SCALE_OUT, SCALE_IN"
scale "{\"scaleType\":\"SCALE_VNF\",\"scaleVnfData\":{$step}}"
refused "no scaleVnfType" 422 "'scaleVnfType' is required"
scale "{\"scaleType\":\"SCALE_VNF\",\"scaleVnfData\":{\"scaleVnfType\":\"SCALE_OUT\"}}"
refused "no scaleByStepData" 422 "'scaleByStepData' is required"
scale "{\"scaleType\":\"SCALE_VNF\",\"scaleVnfData\":{\"scaleVnfType\":\"SCALE_OUT\",\"scaleByStepData\":{\"scaling-group-descriptor\":\"upf-scale\"}}}"
refused "no member-vnf-index in scaleByStepData" 422 "'member-vnf-index' is required"
scale "{\"scaleType\":\"SCALE_NS\",\"scaleVnfData\":{\"scaleVnfType\":\"SCALE_OUT\",$step}}"
refused "scaleType SCALE_NS" 422 "'scaleType'" "SCALE_NS"
scale "{\"scaleType\":\"SCALE_VNF\",\"timeout_ns_scale\":0,\"scaleVnfData\":{\"scaleVnfType\":\"SCALE_OUT\",$step}}"
refused "timeout_ns_scale 0" 422 "'timeout_ns_scale'" "out of range"
check "no operation started by the refused scales" eq "$(count /nslcm/v1/ns_lcm_op_occs)" "$ops"
check "no VDU added or removed" eq "$(vdus)" "$before"
jreq POST "/nslcm/v1/ns_instances/$ns/terminate" '{"timeout_ns_terminate":-1}'
refused "negative timeout_ns_terminate" 422 "'timeout_ns_terminate'" "-1"
req GET "/nslcm/v1/ns_instances/$ns"
check "the NS is still READY" eq "$(field .nsState)" READY

# --- slices: timeout_nsi_deploy
for f in "$src"/templates/nst/*.yaml; do
    req POST /nst/v1/netslice_templates_content -H 'Content-Type: application/yaml' --data-binary "@$f"
done
nst=$(curl -s -H "Authorization: Bearer $tok" -H 'Accept: application/json' \
    "$base/nst/v1/netslice_templates" | jq -r '.[0].id')
jreq POST /nsilcm/v1/netslice_instances_content "{\"nsiName\":\"s1\",\"nstId\":\"$nst\",\"vimAccountId\":\"$vim\",\"timeout_nsi_deploy\":-1}"
refused "negative timeout_nsi_deploy" 422 "'timeout_nsi_deploy'" "-1"
check "no slice stored" eq "$(count /nsilcm/v1/netslice_instances)" 0
# a slice request no NST serves: refused (and freed: LeakSanitizer below)
nsmf_base=${base%/osm}
code=$(curl -s -o "$tmp/body" -w '%{http_code}' -X POST -H 'Accept: application/json' \
    -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' \
    --data-binary "{\"vimAccountId\":\"$vim\",\"serviceProfile\":{\"sNSSAIList\":[{\"sst\":200}]}}" \
    "$nsmf_base/nsmf/v1/slice_requests")
refused "a slice request no NST serves" 409 "SST 200"
check "no slice stored for it" eq "$(count /nsilcm/v1/netslice_instances)" 0

ns_down "$ns"
check "terminate: COMPLETED" eq "$state" COMPLETED
stop_clean
summary

#!/bin/bash
# Project isolation (issue 19, section 1).  Two projects, red (alice) and
# blue (bob), on one daemon with the sim VIM.  Every reference a request
# makes (nsdId, nstId, vimAccountId, a PDU's vim_accounts, a VIM's
# sdn-controller) resolves only within the caller's project, else it is
# "not found"; names and descriptor ids are unique per project, not
# across projects, so one project learns nothing of another through a
# 409; a descriptor's references resolve to its own project's
# descriptors; a user whose roles let it read projects sees only its own.
# usage: test-isolation.sh SLICERD SOURCE_DIR
set -u
slicerd=$1
src=$2
tpl=$src/templates
name=isolation
# shellcheck source=harness.sh
. "$(dirname "$0")/harness.sh"

config
start
login
admin_tok=$tok
for p in red blue; do
    jreq POST /admin/v1/projects "{\"name\":\"$p\"}"
done
# project_admin may not read projects (OSM's "projects: false"); a role of
# our own adds that, and bob holds both
jreq POST /admin/v1/roles '{"name":"project-viewer","permissions":{"projects:get":true,"projects:id:get":true}}'
jreq POST /admin/v1/users '{"username":"alice","password":"alice-pw","project_role_mappings":[{"project":"red","role":"project_admin"}]}'
jreq POST /admin/v1/users '{"username":"bob","password":"bob-pw","project_role_mappings":[{"project":"blue","role":"project_admin"},{"project":"blue","role":"project-viewer"}]}'
as() { # user: log in as them
    jreq POST /admin/v1/tokens "{\"username\":\"$1\",\"password\":\"$1-pw\"}"
    tok=$(field .id)
}
onboard() { # endpoint file
    req POST "$1" -H 'Content-Type: application/yaml' --data-binary "@$2"
}
onboard_all() { # everything a slice of the eMBB template needs
    local f
    for f in gnb router core; do
        onboard /vnfpkgm/v1/vnf_packages_content "$tpl/vnfd/${f}_vnfd.yaml"
        check "$1 onboards the $f VNFD: 201" eq "$code" 201
    done
    for f in ran_edge transport core; do
        onboard /nsd/v1/ns_descriptors_content "$tpl/nsd/${f}_nsd.yaml"
        check "$1 onboards the $f NSD: 201" eq "$code" 201
    done
    onboard /nst/v1/netslice_templates_content "$tpl/nst/embb_slice_nst.yaml"
    check "$1 onboards the eMBB NST: 201" eq "$code" 201
}

# --- red: alice's catalogue and infrastructure
as alice
onboard_all alice
jreq POST /admin/v1/vim_accounts '{"name":"sim1","vim_type":"sim","vim_url":"sim://"}'
check "alice: vim 'sim1': 201" eq "$code" 201
red_vim=$(field .id)
jreq POST /admin/v1/sdns '{"name":"ctl","type":"dummy"}'
check "alice: sdn 'ctl': 201" eq "$code" 201
req GET /nsd/v1/ns_descriptors/slicer-transport-ns
red_nsd=$(field ._id)
req GET /nst/v1/netslice_templates/slicer-embb-slice
red_nst=$(field ._id)
jreq POST /nslcm/v1/ns_instances_content "{\"nsName\":\"red-ns\",\"nsdId\":\"slicer-transport-ns\",\"vimAccountId\":\"sim1\"}"
check "alice: an NS on her VIM: 201" eq "$code" 201
wait_op "$(field .nslcmop_id)"
check "alice: ... instantiated" eq "$state" COMPLETED

# --- blue: bob names red's records
as bob
req GET /admin/v1/projects
check "bob sees only his project" eq "$(field '[.[].name] | join(",")')" blue
req GET /admin/v1/projects/red
check "bob: GET red: 404" eq "$code" 404
jreq POST /nslcm/v1/ns_instances "{\"nsName\":\"x\",\"nsdId\":\"$red_nsd\",\"vimAccountId\":\"$red_vim\"}"
check "bob: an NS from red's NSD on red's VIM (by _id): 404" eq "$code" 404
check "... the NSD is not found" grep -q "nsd '$red_nsd' not found" "$tmp/body"
jreq POST /nslcm/v1/ns_instances '{"nsName":"x","nsdId":"slicer-transport-ns","vimAccountId":"sim1"}'
check "bob: the same by name: 404" eq "$code" 404
jreq POST /admin/v1/vim_accounts '{"name":"sim1","vim_type":"sim","vim_url":"sim://"}'
check "bob: his own vim named 'sim1' (names are per project): 201" eq "$code" 201
blue_vim=$(field .id)
jreq POST /nslcm/v1/ns_instances "{\"nsName\":\"x\",\"nsdId\":\"$red_nsd\",\"vimAccountId\":\"$blue_vim\"}"
check "bob: red's NSD on his own VIM: 404" eq "$code" 404
jreq POST /nsilcm/v1/netslice_instances_content "{\"nsiName\":\"x\",\"nstId\":\"$red_nst\",\"vimAccountId\":\"$blue_vim\"}"
check "bob: a slice from red's NST: 404" eq "$code" 404
check "... the NST is not found" grep -q "nst '$red_nst' not found" "$tmp/body"
jreq POST /pdu/v1/pdu_descriptors "{\"name\":\"p1\",\"type\":\"gw\",\"vim_accounts\":[\"$red_vim\"],\"interfaces\":[{\"name\":\"eth0\",\"mgmt\":true,\"ip-address\":\"10.0.0.1\"}]}"
check "bob: a PDU on red's VIM account: not created" test "$code" -ge 400 -a "$code" -lt 500
check "... red's account is not found" grep -q "not found" "$tmp/body"
jreq POST /admin/v1/vim_accounts '{"name":"sim2","vim_type":"sim","vim_url":"sim://","config":{"sdn-controller":"ctl"}}'
check "bob: a VIM naming red's SDN controller: 422" eq "$code" 422
check "... not found" grep -q "not found" "$tmp/body"
req GET /admin/v1/vim_accounts
check "bob lists his VIM account only" eq "$(field '[.[]._id] | join(",")')" "$blue_vim"
req GET /nslcm/v1/ns_instances
check "bob sees no NS" eq "$(field length)" 0

# --- blue's own catalogue, with red's ids: no 409, references stay home
onboard_all bob
jreq POST /admin/v1/sdns '{"name":"ctl","type":"dummy"}'
check "bob: his own sdn named 'ctl': 201" eq "$code" 201
req GET /nsd/v1/ns_descriptors/slicer-transport-ns
blue_nsd=$(field ._id)
check "bob's NSD of the same id is another record" test -n "$blue_nsd" -a "$blue_nsd" != "$red_nsd"
jreq POST /nslcm/v1/ns_instances_content '{"nsName":"blue-ns","nsdId":"slicer-transport-ns","vimAccountId":"sim1"}'
check "bob: an NS from his NSD on his 'sim1': 201" eq "$code" 201
blue_ns=$(field .id)
wait_op "$(field .nslcmop_id)"
check "bob: ... instantiated" eq "$state" COMPLETED
req GET "/nslcm/v1/ns_instances/$blue_ns"
check "... on his VIM account" eq "$(field .datacenter)" "$blue_vim"
req GET /vnfpkgm/v1/vnf_packages/slicer-transport-router
blue_vnfd=$(field ._id)
req GET "/nslcm/v1/vnf_instances?nsr-id-ref=$blue_ns"
check "... its VNF records come from his VNFD" eq "$(field '.[0]."vnfd-id"')" "$blue_vnfd"
jreq POST /nsilcm/v1/netslice_instances_content "{\"nsiName\":\"blue-embb\",\"nstId\":\"slicer-embb-slice\",\"vimAccountId\":\"sim1\"}"
check "bob: a slice from his NST: 201" eq "$code" 201
wait_nsiop "$(field .nsilcmop_id)"
check "bob: ... instantiated" eq "$state" COMPLETED

# --- red deletes its descriptors: blue's records of the same ids do not
# hold them, and blue's stay
as alice
req GET /nslcm/v1/ns_instances
red_ns=$(field '.[0]._id')
ns_down "$red_ns"
check "alice: her NS terminated" eq "$state" COMPLETED
req DELETE /nsd/v1/ns_descriptors/slicer-transport-ns
check "alice: her transport NSD is still in her NST: 409" eq "$code" 409
check "... which the error names (and nothing of bob's)" \
    test -n "$(grep -o "slicer-embb-slice" "$tmp/body")" -a -z "$(grep -o "$blue_nsd\|blue-" "$tmp/body")"
req DELETE /nst/v1/netslice_templates/slicer-embb-slice
check "alice: deletes her NST (bob's slice uses his own): 204" eq "$code" 204
req DELETE /nsd/v1/ns_descriptors/slicer-transport-ns
check "alice: deletes her transport NSD (bob's NS uses his own): 204" eq "$code" 204
req DELETE /vnfpkgm/v1/vnf_packages/slicer-transport-router
check "alice: deletes her router VNFD (bob's NSD references his own): 204" eq "$code" 204
as bob
req GET /vnfpkgm/v1/vnf_packages/slicer-transport-router
check "bob's router VNFD is still there" eq "$(field ._id)" "$blue_vnfd"
req DELETE /vnfpkgm/v1/vnf_packages/slicer-transport-router
check "bob's own NSD still holds it: 409" eq "$code" 409

tok=$admin_tok
req GET /admin/v1/projects
check "the admin sees every project" eq "$(field length)" 3

stop_clean
summary

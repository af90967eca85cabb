#!/bin/bash
# Integration test of slicerd's NBI: a real daemon on a free loopback port
# with a temporary store, driven over HTTP with curl.  Covers auth and
# roles, project isolation, the catalogue (templates and OSM examples,
# packages, errors 400/401/403/404/405/409/413/415/422), VIM accounts, PDUs,
# NS instantiate/scale/terminate on the sim VIM, failure injection with
# rollback, and kill -9 in the middle of an operation.
# Everything it starts is stopped by pid; its files are removed.
# The last part drives the same daemon with slicectl.
# usage: test-nbi.sh SLICERD SOURCE_DIR SLICECTL
set -u
slicerd=$1
src=$2
slicectl=$3
examples=$src/../shared/osm-examples
name=nbi
# shellcheck source=harness.sh
. "$(dirname "$0")/harness.sh"


cat >"$tmp/slicerd.yaml" <<CFG
port: 0
port_file: $tmp/port
state_dir: $tmp/state
admin_password: test-secret
body_limit: 1048576
log_level: info
files_dir: $src/templates
CFG
start

login() { # user password [project]
    jreq POST /admin/v1/tokens "{\"username\":\"$1\",\"password\":\"$2\"${3:+,\"project_id\":\"$3\"}}"
    tok=$(field .id)
}

# --- auth
req GET /nsd/v1/ns_descriptors_content
check "no token: 401" eq "$code" 401
check "error body names the code" eq "$(field .code)" UNAUTHORIZED
jreq POST /admin/v1/tokens '{"username":"admin","password":"wrong"}'
check "bad password: 401" eq "$code" 401
jreq POST /admin/v1/tokens '{"username":"admin","password":"x","colour":"red"}'
check "unknown token field: 422" eq "$code" 422
check "422 names the field" grep -q "colour" "$tmp/body"
# GET /osm/version needs no token (osmclient's "osm version")
req GET /version
check "version: 200 without a token" eq "$code" 200
check "... {version, date} as OSM's NBI" eq "$(field '[.version, .date] | map(type) | join(",")')" "string,string"

login admin test-secret
check "login: 200" eq "$code" 200
check "token is admin" eq "$(field .admin)" true
admin_tok=$tok
req GET /admin/v1/tokens
check "list tokens" eq "$code" 200
req GET /nsd/v2/ns_descriptors_content
check "other version: 405" eq "$code" 405
req GET /nsd/v1/nowhere
check "unknown URL: 404" eq "$code" 404
req PATCH /nsd/v1/ns_descriptors_content
check "wrong method: 405" eq "$code" 405

# --- projects, users, roles
jreq POST /admin/v1/projects '{"name":"blue"}'
check "project created" eq "$code" 201
jreq POST /admin/v1/projects '{"name":"blue"}'
check "duplicate project: 409" eq "$code" 409
# osmclient's project-update: PATCH with a new name and quotas
jreq POST /admin/v1/projects '{"name":"green"}'
green=$(field .id)
jreq PATCH "/admin/v1/projects/green" '{"name":"blue"}'
check "renaming a project to a taken name: 409" eq "$code" 409
jreq PATCH "/admin/v1/projects/green" '{"name":"teal","quotas":{"vnfds":5}}'
check "project renamed: 204" eq "$code" 204
req GET "/admin/v1/projects/$green"
check "... its new name and quotas kept" eq "$(field '"\(.name) \(.quotas.vnfds)"')" "teal 5"
req GET /admin/v1/projects/green
check "... the old name is gone" eq "$code" 404
jreq PATCH "/admin/v1/projects/teal" '{"name":"bad;name"}'
check "a bad name: 422" eq "$code" 422
jreq PATCH "/admin/v1/projects/teal" '{"colour":"x"}'
check "an unknown field: 422" eq "$code" 422
req DELETE "/admin/v1/projects/teal"
check "... then deleted" eq "$code" 204
jreq POST /admin/v1/users '{"username":"bob","password":"bob-pw","project_role_mappings":[{"project":"blue","role":"member"}]}'
check "member user created" eq "$code" 201
jreq POST /admin/v1/users '{"username":"rita","password":"rita-pw","project_role_mappings":[{"project":"blue","role":"reader"}]}'
check "reader user created" eq "$code" 201
req GET /admin/v1/users
check "users listed without passwords" eq "$(field '[.[] | select(has("password"))] | length')" 0

# --- catalogue as admin: every template
for f in "$src"/templates/vnfd/*.yaml "$src"/templates/pnfd/*.yaml; do
    req POST /vnfpkgm/v1/vnf_packages_content -H 'Content-Type: application/yaml' --data-binary "@$f"
    check "onboard $(basename "$f")" eq "$code" 201
done
for f in "$src"/templates/nsd/*.yaml; do
    req POST /nsd/v1/ns_descriptors_content -H 'Content-Type: application/yaml' --data-binary "@$f"
    check "onboard $(basename "$f")" eq "$code" 201
done
for f in "$src"/templates/nst/*.yaml; do
    req POST /nst/v1/netslice_templates_content -H 'Content-Type: application/yaml' --data-binary "@$f"
    check "onboard $(basename "$f")" eq "$code" 201
done
req GET "/nsd/v1/ns_descriptors_content?id=slicer-transport-ns"
check "filter by id" eq "$(field 'length')" 1
nsd=$(field '.[0]._id')
req GET "/nsd/v1/ns_descriptors/$nsd"
check "SOL005 view" eq "$(field .nsdOnboardingState)" ONBOARDED
req POST /nsd/v1/ns_descriptors_content -H 'Content-Type: application/yaml' --data-binary "@$src/templates/nsd/transport_nsd.yaml"
check "onboard twice: 409" eq "$code" 409
req DELETE "/vnfpkgm/v1/vnf_packages_content/slicer-transport-router"
check "delete a VNFD in use: 409" eq "$code" 409
check "409 names the user" grep -q "slicer-transport-ns" "$tmp/body"
req POST /vnfpkgm/v1/vnf_packages_content -H 'Content-Type: application/yaml' --data-binary "@$src/tests/malformed/$(ls "$src/tests/malformed" | head -1)"
check "malformed descriptor: 422" eq "$code" 422
req POST /nsd/v1/ns_descriptors_content -H 'Content-Type: application/yaml' --data-binary 'nsd: [unclosed'
check "YAML syntax error: 422 with position" eq "$code" 422
req POST /nsd/v1/ns_descriptors_content -H 'Content-Type: image/png' --data-binary 'x'
check "unsupported media type: 415" eq "$code" 415
head -c 2000000 /dev/zero >"$tmp/big"
req POST /nsd/v1/ns_descriptors_content -H 'Content-Type: application/yaml' --data-binary "@$tmp/big"
check "body over the limit: 413" eq "$code" 413

# OSM examples (the ones that are descriptors), onboarded as OSM does:
# VNF packages first.
n_ok=0
for f in "$examples"/*vnfd*.yaml; do
    req POST /vnfpkgm/v1/vnf_packages_content -H 'Content-Type: application/yaml' --data-binary "@$f"
    [ "$code" = 201 ] && n_ok=$((n_ok + 1))
done
check "OSM example VNFDs onboard" test "$n_ok" -ge 5
# what osmclient's vnfd-list/vnfd-show read: every package has a name (an
# old-IM one's, converted to SOL006, is kept; a SOL006 one's is its
# product-name), and times are epoch numbers as everywhere in OSM
req GET /vnfpkgm/v1/vnf_packages
check "every VNF package has a name" eq "$(field '[.[] | select(.name == null)] | length')" 0
check "the converted old-IM VNFD keeps its name" \
    eq "$(field '[.[] | select(.id == "ubuntu_epa_virtio_vnf") | .name] | join(",")')" ubuntu_epa_virtio_vnf
check "_admin.created and .modified are numbers" \
    eq "$(field '[.[]._admin | (.created, .modified) | type] | unique | join(",")')" number
# a package (tar.gz) of the router VNFD under another id
mkdir -p "$tmp/pkg/router_pkg"
sed 's/slicer-transport-router/pkg-router/' "$src/templates/vnfd/router_vnfd.yaml" >"$tmp/pkg/router_pkg/router_vnfd.yaml"
echo "checksums" >"$tmp/pkg/router_pkg/checksums.txt"
tar -C "$tmp/pkg" -czf "$tmp/router_pkg.tar.gz" router_pkg
size=$(stat -c %s "$tmp/router_pkg.tar.gz")
md5=$(md5sum "$tmp/router_pkg.tar.gz" | cut -d' ' -f1)
req POST /vnfpkgm/v1/vnf_packages_content -H 'Content-Type: application/gzip' -H 'Content-File-MD5: 0123456789abcdef0123456789abcdef' --data-binary "@$tmp/router_pkg.tar.gz"
check "package with a wrong MD5: 409" test "$code" = 409 -a -n "$(grep -o "MD5 mismatch.*$md5" "$tmp/body")"
req POST /vnfpkgm/v1/vnf_packages_content -H 'Content-Type: application/gzip' -H "Content-Range: bytes 0-99/$size" --data-binary "@$tmp/router_pkg.tar.gz"
check "package in parts: 416" eq "$code" 416
req POST /vnfpkgm/v1/vnf_packages_content -H 'Content-Type: application/gzip' -H "Content-Range: 0-99" --data-binary "@$tmp/router_pkg.tar.gz"
check "malformed Content-Range: 416" test "$code" = 416 -a "$(field .code)" = REQUESTED_RANGE_NOT_SATISFIABLE
req GET /vnfpkgm/v1/vnf_packages_content
check "refused uploads stored nothing" eq "$(field '[.[] | select(.id == "pkg-router")] | length')" 0
req POST /vnfpkgm/v1/vnf_packages_content -H 'Content-Type: application/gzip' -H 'Content-Filename: router_pkg.tar.gz' -H "Content-File-MD5: $md5" -H "Content-Range: bytes 0-$((size - 1))/$size" --data-binary "@$tmp/router_pkg.tar.gz"
check "package onboard with its MD5 and whole range: 201" eq "$code" 201
pkg=$(field .id)
req GET "/vnfpkgm/v1/vnf_packages_content/$pkg"
check "package descriptor stored" eq "$(field .id)" pkg-router
# SOL005 two-step form
jreq POST /nsd/v1/ns_descriptors '{"userDefinedData":{"owner":"test"}}'
check "empty NSD package: 201" eq "$code" 201
draft=$(field .id)
req GET "/nsd/v1/ns_descriptors/$draft"
check "state CREATED" eq "$(field .nsdOnboardingState)" CREATED
sed 's/slicer-transport-ns/two-step-ns/' "$src/templates/nsd/transport_nsd.yaml" >"$tmp/two.yaml"
req PUT "/nsd/v1/ns_descriptors/$draft/nsd_content" -H 'Content-Type: application/yaml' --data-binary "@$tmp/two.yaml"
check "upload content: 204" eq "$code" 204
req GET "/nsd/v1/ns_descriptors/$draft"
check "same id, ONBOARDED" eq "$(field .nsdOnboardingState)/$(field .id)" ONBOARDED/two-step-ns

# --- VIM accounts
jreq POST /admin/v1/vim_accounts '{"name":"sim-a","vim_type":"sim","vim_url":"http://sim","vim_user":"u","vim_password":"p4ss","config":{"sim":{"latency_ms":2,"capacity":{"vcpus":64}}}}'
check "vim account: 201" eq "$code" 201
vim=$(field .id)
jreq POST /admin/v1/vim_accounts '{"name":"x","vim_type":"vmware","vim_url":"u"}'
check "unknown vim_type: 422" eq "$code" 422
jreq POST /admin/v1/vim_accounts '{"name":"x","vim_type":"sim","vim_url":"u","config":{"sim":{"latncy_ms":1}}}'
check "unknown sim key: 422 naming it" grep -q latncy_ms "$tmp/body"
jreq POST /admin/v1/vim_accounts '{"name":"x","vim_type":"sim","vim_url":"u","config":{"sdn-controller":"nope"}}'
check "missing sdn controller: 422" eq "$code" 422
req GET "/admin/v1/vim_accounts/$vim"
check "password never returned" eq "$(field .vim_password)" '********'
check "password never logged" test "$(grep -c p4ss "$tmp/log")" = 0
jreq POST /admin/v1/sdns '{"name":"ctl","type":"dummy","password":"sdn-secret"}'
check "sdn controller: 201" eq "$code" 201
jreq POST /admin/v1/vim_accounts '{"name":"sim-sdn","vim_type":"sim","vim_url":"u","config":{"sdn-controller":"ctl","sdn-port-mapping":[{"compute_node":"c1","ports":[{"pci":"0000:81:00.0","switch_id":"s1","switch_port":"p1"}]}]}}'
check "vim with SDN assist: 201" eq "$code" 201
req DELETE "/admin/v1/sdns/ctl"
check "sdn in use by a vim: 409" eq "$code" 409
# a controller record is stored only once its controller takes it
jreq POST /admin/v1/sdns '{"name":"ctl2","type":"dummy","url":"http://127.0.0.1:9","user":"u","password":"sdn-secret2","config":{"fail_check":"401 Unauthorized"}}'
check "a controller that refuses the credentials: 422" eq "$code" 422
check "... in its words" eq "$(field .detail)" "sdn controller 'ctl2': check credentials: 401 Unauthorized"
req GET /admin/v1/sdns/ctl2
check "... and nothing is stored" eq "$code" 404
jreq POST /admin/v1/sdns '{"name":"ctl3","type":"dummy","url":"http://127.0.0.1:9","user":"u","password":"sdn-secret3"}'
check "a controller that takes them: 201" eq "$code" 201
req GET /admin/v1/sdns/ctl3
check "... stored, its password never returned" eq "$(field .password)" '********'
check "SDN passwords never logged" test "$(grep -c sdn-secret "$tmp/log")" = 0
# the port mapping against the account's host inventories
hosts="[\"$src/templates/infra/hosts/compute-1.yaml\",\"$src/templates/infra/hosts/edge-1.yaml\"]"
mapped() { # NAME MAPPING: a sim account with both
    jreq POST /admin/v1/vim_accounts "{\"name\":\"$1\",\"vim_type\":\"sim\",\"vim_url\":\"u\",\"config\":{\"hosts\":$hosts,\"sdn-controller\":\"ctl\",\"sdn-port-mapping\":$2}}"
}
tmap='[{"compute_node":"compute-1","ports":[{"pci":"0000:3b:00.0","switch_id":"br-fabric","switch_port":"1"},{"pci":"0000:3b:0[23].[0-7]","switch_id":"br-fabric","switch_port":"1"},{"pci":"0000:3b:00.1","switch_id":"br-fabric","switch_port":"2"},{"pci":"0000:af:00.1","switch_id":"br-fabric","switch_port":"4"},{"pci":"0000:af:0[0-2].[0-7]","switch_id":"br-fabric","switch_port":"3"}]},{"compute_node":"edge-1","ports":[{"pci":"0000:01:0[0-2].[0-7]","switch_id":"br-fabric","switch_port":"11"}]}]'
mapped sim-map "$tmap"
check "the template port mapping over the template hosts: 201" eq "$code" 201
mapped bad-map '[{"compute_node":"compute-9","ports":[{"pci":"0000:3b:00.0","switch_id":"s","switch_port":"1"}]}]'
check "a mapping for a host the inventories lack: 422" eq "$code" 422
check "... naming the entry and the hosts there are" eq "$(field .detail)" "vim account: config.sdn-port-mapping[0].compute_node 'compute-9' is not a host of config.hosts (compute-1, edge-1)"
mapped bad-map '[{"compute_node":"compute-1","ports":[{"pci":"0000:3b:00.0","switch_id":"s","switch_port":"1"},{"pci":"0000:5e:00.[0-7]","switch_id":"s","switch_port":"1"}]}]'
check "a PCI pattern that matches no device of the host: 422" eq "$code" 422
check "... naming the port" eq "$(field .detail)" "vim account: config.sdn-port-mapping[0].ports[1]: pci '0000:5e:00.[0-7]' matches no NIC or VF of host 'compute-1' (config.hosts)"
mapped bad-map '[{"compute_node":"compute-1","ports":[{"pci":"0000:3b:02.[0-7]","switch_id":"s","switch_port":"3"}]}]'
check "VFs mapped to a port their NIC is not cabled to: 422" eq "$code" 422
check "... saying where they are cabled" eq "$(field .detail)" "vim account: config.sdn-port-mapping[0].ports[0]: 0000:3b:02.0 (a VF of NIC ens1f0 on compute-1) is cabled to fabric port 1, not '3' (config.hosts)"
jreq POST /admin/v1/vim_accounts '{"name":"bad-map","vim_type":"sim","vim_url":"u","config":{"mapping_not_needed":"yes"}}'
check "mapping_not_needed that is not a boolean: 422" eq "$code" 422
req GET /admin/v1/vim_accounts/bad-map
check "none of them was stored" eq "$code" 404

# --- SDN assist on the sim VIM, through the dummy controller: what the
# controller is asked, and a controller that refuses
sdn_ns() { # NAME VIM -> $ns, $state: an EPA pair instantiated there
    jreq POST /nslcm/v1/ns_instances "{\"nsName\":\"$1\",\"nsdId\":\"slicer-epa-pair-ns\",\"vimAccountId\":\"$2\"}"
    ns=$(field .id)
    jreq POST "/nslcm/v1/ns_instances/$ns/instantiate" '{}'
    wait_op "$(field .id)"
}
calls() { # VIM, jq on the dummy's calls
    req GET "/admin/v1/vim_accounts/$1/sdn"
    field ".calls | $2"
}
sdn_ns pair-sim sim-map
check "an EPA pair on a sim account with SDN assist: COMPLETED" eq "$state" COMPLETED
check "the controller was asked for one service per data-plane VL" \
    eq "$(calls sim-map 'map(.call) | join(" ")')" "create_service create_service"
check "... each an ELINE of a VF (dot1q, its VLAN, its NIC's port) and a NIC (untagged)" \
    eq "$(calls sim-map '[.[].spec | [.type, (.ports | map("\(.switch_port)/\(.vlan)/\(.encapsulation // "-")") | sort | join(","))] | join(" ")] | sort | join(" ")')" \
    "ELINE 1/101/dot1q,4/0/- ELINE 2/0/-,3/201/dot1q"
req GET "/nslcm/v1/ns_instances/$ns"
ctl_id=$(field '.vld[] | select(.id == "dataplane-x") | .vim_info | keys[0]')
check "the VL's vim_info names the controller, ACTIVE, 2 points" \
    eq "$(field ".vld[] | select(.id == \"dataplane-x\") | .vim_info[\"$ctl_id\"] | [.vim_status, .type, (.connected_ports | length)] | map(tostring) | join(\" \")")" "ACTIVE ELINE 2"
ns_down "$ns"
check "terminate deletes both services" \
    eq "$(calls sim-map '.[-2:] | map(.call) | join(" ")')" "delete_service delete_service"
jreq POST /admin/v1/sdns '{"name":"ctl-no","type":"dummy","config":{"fail":{"create":"the controller says no"}}}'
check "a controller told to refuse creates: 201" eq "$code" 201
jreq POST /admin/v1/vim_accounts "{\"name\":\"sim-no\",\"vim_type\":\"sim\",\"vim_url\":\"u\",\"config\":{\"hosts\":$hosts,\"sdn-controller\":\"ctl-no\",\"sdn-port-mapping\":$tmap}}"
check "an account naming it: 201" eq "$code" 201
sdn_ns pair-no sim-no
check "its refusal fails the NS" eq "$state" FAILED
check "... in the controller's words" grep -q "the controller says no" "$tmp/body"
check "... rolled back" eq "$(field .rollback.state)" COMPLETED
req DELETE "/nslcm/v1/ns_instances/$ns"

# --- PDUs (physical deployment units)
pdu='{"name":"ran-du-1","type":"gnb-du","shared":false,"vim_accounts":["sim-a"],"interfaces":[{"name":"mgmt","mgmt":true,"ip-address":"10.0.0.10"},{"name":"f1","mgmt":false,"ip-address":"fd00::10","type":"underlay","mac-address":"02:00:00:00:00:10","vim-network-name":"f1-net"}]}'
jreq POST /pdu/v1/pdu_descriptors "$pdu"
check "pdu created: 201 with Location" test "$code" = 201 -a -n "$(field .id)"
pdu_id=$(field .id)
req GET "/pdu/v1/pdu_descriptors/$pdu_id"
check "pdu shown with OSM's states" eq "$(field '._admin.onboardingState')/$(field '._admin.operationalState')/$(field '._admin.usageState')" CREATED/ENABLED/NOT_IN_USE
check "pdu vim account stored by _id" eq "$(field '.vim_accounts[0]')" "$vim"
req GET "/pdu/v1/pdu_descriptors?type=gnb-du"
check "pdu list filtered by type" eq "$(field 'length')/$(field '.[0].name')" 1/ran-du-1
req GET "/pdu/v1/pdu_descriptors?type=other"
check "pdu filter that matches nothing" eq "$(field 'length')" 0
jreq POST /pdu/v1/pdu_descriptors "$pdu"
check "pdu name twice: 409" eq "$code" 409
jreq POST /pdu/v1/pdu_descriptors '{"name":"p2","type":"x","interfaces":[]}'
check "pdu without interfaces: 422" eq "$code" 422
jreq POST /pdu/v1/pdu_descriptors '{"name":"p2","type":"x","interfaces":[{"name":"a","mgmt":true,"ip-address":"10.0.0.300"}]}'
check "pdu bad ip-address: 422 naming it" test "$code" = 422 -a -n "$(grep -o "interfaces\[0\]: ip-address '10.0.0.300'" "$tmp/body")"
jreq POST /pdu/v1/pdu_descriptors '{"name":"p2","type":"x","interfaces":[{"name":"a","mgmt":true,"ip-address":"10.0.0.3","type":"sideways"}]}'
check "pdu bad interface type: 422" grep -q "type 'sideways'" "$tmp/body"
jreq POST /pdu/v1/pdu_descriptors '{"name":"p2","type":"x","interfaces":[{"name":"a","ip-address":"10.0.0.3"}]}'
check "pdu interface without mgmt: 422 naming it" grep -q "mgmt" "$tmp/body"
jreq POST /pdu/v1/pdu_descriptors '{"name":"p2","type":"x","vim_accounts":["nope"],"interfaces":[{"name":"a","mgmt":true,"ip-address":"10.0.0.3"}]}'
check "pdu unknown vim account: 422" test "$code" = 422 -a -n "$(grep -o "vim account 'nope' not found" "$tmp/body")"
jreq POST /pdu/v1/pdu_descriptors '{"name":"p2","type":"x","colour":"red","interfaces":[{"name":"a","mgmt":true,"ip-address":"10.0.0.3"}]}'
check "pdu unknown field: 422" grep -q colour "$tmp/body"
req GET /pdu/v1/pdu_descriptors
check "failed creates left nothing" eq "$(field 'length')" 1
jreq PATCH "/pdu/v1/pdu_descriptors/$pdu_id" '{"description":"rack 3","shared":true}'
check "pdu patch: 204" eq "$code" 204
req GET "/pdu/v1/pdu_descriptors/ran-du-1"
check "pdu patched, found by name" eq "$(field .description)/$(field .shared)" "rack 3/true"
jreq PATCH "/pdu/v1/pdu_descriptors/$pdu_id" '{"interfaces":[{"name":"a","mgmt":true,"ip-address":"bad"}]}'
check "bad pdu patch: 422" eq "$code" 422
req GET "/pdu/v1/pdu_descriptors/$pdu_id"
check "bad patch changed nothing" eq "$(field '.interfaces | length')" 2
req DELETE "/pdu/v1/pdu_descriptors/$pdu_id"
check "pdu delete: 204" eq "$code" 204
req GET "/pdu/v1/pdu_descriptors/$pdu_id"
check "deleted pdu: 404" eq "$code" 404

# --- NS lifecycle
resources() { req GET "/admin/v1/vim_accounts/$1/resources"; field '.resources | length'; }

jreq POST /nslcm/v1/ns_instances "{\"nsName\":\"core1\",\"nsdId\":\"slicer-core-ns\",\"vimAccountId\":\"$vim\"}"
check "ns created: 201" eq "$code" 201
ns=$(field .id)
req GET "/nslcm/v1/ns_instances/$ns"
check "NOT_INSTANTIATED" eq "$(field .nsState)" NOT_INSTANTIATED
jreq POST "/nslcm/v1/ns_instances/$ns/terminate" '{}'
check "terminate a NOT_INSTANTIATED ns: 409" eq "$code" 409
req GET "/nslcm/v1/ns_instances/$ns"
vl0=$(field '.vld[0].id')
m0=$(field '.nsd.df[0]."vnf-profile"[0].id')
jreq POST "/nslcm/v1/ns_instances/$ns/instantiate" "{\"vld\":[{\"name\":\"$vl0\",\"vim-network-name\":\"existing\"}]}"
check "a vim-network-name no network has: 422 naming it" test "$code" = 422 -a -n "$(grep -o "vim-network-name 'existing': no network of that name" "$tmp/body")"
jreq POST "/nslcm/v1/ns_instances/$ns/instantiate" "{\"vld\":[{\"name\":\"$vl0\",\"wimAccountId\":\"w\"}]}"
check "wimAccountId: 422, not silently ignored" test "$code" = 422 -a -n "$(grep -o "wimAccountId is not supported yet" "$tmp/body")"
jreq POST "/nslcm/v1/ns_instances/$ns/instantiate" '{"vld":[{"name":"no-such-vl"}]}'
check "unknown VL in the request: 422 naming it" test "$code" = 422 -a -n "$(grep -o "no VL 'no-such-vl'" "$tmp/body")"
jreq POST "/nslcm/v1/ns_instances/$ns/instantiate" "{\"vnf\":[{\"member-vnf-index\":\"$m0\",\"vimAccountId\":\"another-vim\"}]}"
check "a VNF on another VIM: 422" test "$code" = 422 -a -n "$(grep -o "several VIMs is not supported yet" "$tmp/body")"
req GET "/nslcm/v1/ns_lcm_op_occs?nsInstanceId=$ns"
check "refused instantiations left no operation" eq "$(field length)" 0
jreq POST "/nslcm/v1/ns_instances/$ns/instantiate" "{\"vnf\":[{\"member-vnf-index\":\"$m0\",\"vimAccountId\":\"$vim\"}]}"
check "instantiate: 202" eq "$code" 202
op=$(field .id)
jreq POST "/nslcm/v1/ns_instances/$ns/instantiate" '{}'
check "second operation while one runs: 409" eq "$code" 409
req DELETE "/nslcm/v1/ns_instances/$ns"
check "delete while busy: 409" eq "$code" 409
wait_op "$op"
check "instantiate COMPLETED" eq "$state" COMPLETED
req GET "/nslcm/v1/ns_instances/$ns"
check "ns READY, running" eq "$(field .nsState)/$(field '."operational-status"')" READY/running
check "JSON reply of a stored record" eq "$(curl -s -o /dev/null -w '%{content_type}' -H 'Accept: application/json' -H "Authorization: Bearer $tok" "$base/nslcm/v1/ns_instances/$ns")" application/json
curl -s -H "Authorization: Bearer $tok" "$base/nslcm/v1/ns_instances/$ns" >"$tmp/ns.yaml"
check "YAML reply of a stored record (the default)" grep -q "^nsState: READY" "$tmp/ns.yaml"
check "every VL has a VIM network" eq "$(field '[.vld[] | select(."vim-id" == null)] | length')" 0
req GET "/nslcm/v1/vnf_instances?nsr-id-ref=$ns"
check "every VDU is ACTIVE" eq "$(field '[.[].vdur[] | select(.status != "ACTIVE")] | length')" 0
check "VNF records' _admin.created/modified are numbers (osmclient vnf-list --long)" \
    eq "$(field '[.[]._admin | (.created, .modified) | type] | unique | join(",")')" number
n_res=$(resources "$vim")
check "the VIM holds the resources" test "$n_res" -gt 0
req DELETE "/nslcm/v1/ns_instances/$ns"
check "delete of an instantiated ns: 409" eq "$code" 409

# scale the UPF out twice (max-scale-level 2), a third time is refused,
# then in once
req GET "/nslcm/v1/ns_instances/$ns"
member=$(field '.nsd.df[0]."vnf-profile"[0].id')
scale='{"scaleType":"SCALE_VNF","scaleVnfData":{"scaleVnfType":"SCALE_OUT","scaleByStepData":{"scaling-group-descriptor":"upf-scale","member-vnf-index":"'$member'"}}}'
upfs() { req GET "/nslcm/v1/vnf_instances?nsr-id-ref=$ns"; field '[.[].vdur[] | select(."vdu-id-ref" == "upf" and .status == "ACTIVE")] | length'; }
n_upf=$(upfs)
jreq POST "/nslcm/v1/ns_instances/$ns/scale" "$scale"
check "scale out: 202" eq "$code" 202
wait_op "$(field .id)"
check "scale out COMPLETED" eq "$state" COMPLETED
check "one more UPF" eq "$(upfs)" $((n_upf + 1))
check "the VIM holds more" test "$(resources "$vim")" -gt "$n_res"
jreq POST "/nslcm/v1/ns_instances/$ns/scale" "$scale"
wait_op "$(field .id)"
jreq POST "/nslcm/v1/ns_instances/$ns/scale" "$scale"
check "beyond max-scale-level: 409" eq "$code" 409
jreq POST "/nslcm/v1/ns_instances/$ns/scale" "${scale/upf-scale/nope}"
check "unknown scaling aspect: 422" eq "$code" 422
jreq POST "/nslcm/v1/ns_instances/$ns/scale" "${scale/SCALE_OUT/SCALE_IN}"
wait_op "$(field .id)"
check "scale in COMPLETED" eq "$state" COMPLETED
check "one UPF less" eq "$(upfs)" $((n_upf + 1))
req DELETE "/nsd/v1/ns_descriptors_content/slicer-core-ns"
check "delete of an NSD in use by an ns: 409" eq "$code" 409

# scale out and in (router VNF of the transport NS has a scaling aspect?)
jreq POST /nslcm/v1/ns_instances_content "{\"nsName\":\"epa1\",\"nsdId\":\"$nsd\",\"vimAccountId\":\"$vim\"}"
check "ns_instances_content: 201 with op" test "$code" = 201 -a "$(field .nslcmop_id)" != null
ns2=$(field .id)
wait_op "$(field .nslcmop_id)"
check "content instantiate COMPLETED" eq "$state" COMPLETED

# terminate, then delete
jreq POST "/nslcm/v1/ns_instances/$ns/terminate" '{}'
check "terminate: 202" eq "$code" 202
wait_op "$(field .id)"
check "terminate COMPLETED" eq "$state" COMPLETED
req GET "/nslcm/v1/ns_instances/$ns"
check "ns terminated" eq "$(field .nsState)/$(field '."_admin".nsState')" NOT_INSTANTIATED/NOT_INSTANTIATED
req DELETE "/nslcm/v1/ns_instances/$ns"
check "delete: 204" eq "$code" 204
req DELETE "/nslcm/v1/ns_instances_content/$ns2"
check "delete of instantiated content: 202 terminate" eq "$code" 202
wait_op "$(field .id)"
req GET "/nslcm/v1/ns_instances/$ns2"
check "autoremove deleted the ns" eq "$code" 404
check "nothing left in the VIM" eq "$(resources "$vim")" 0

# --- HNF: a VNF with a VDU that is a PDU; bound, then given back
cat >"$tmp/hnf.yaml" <<'YAML'
vnfd:
  id: hnf-gw
  product-name: hnf-gw
  version: "1.0"
  mgmt-cp: cp-mgmt-ext
  sw-image-desc:
    - {id: img, name: img, image: ubuntu}
  vdu:
    - id: cp
      name: control plane
      sw-image-desc: img
      int-cpd:
        - id: cp-mgmt
          virtual-network-interface-requirement:
            - {name: eth0, position: 1}
    - id: asic
      name: switch ASIC
      pdu-type: switch-asic
      int-cpd:
        - id: asic-data
          virtual-network-interface-requirement:
            - {name: p0, position: 1}
  ext-cpd:
    - id: cp-mgmt-ext
      int-cpd: {vdu-id: cp, cpd: cp-mgmt}
    - id: asic-data-ext
      int-cpd: {vdu-id: asic, cpd: asic-data}
  df:
    - id: default-df
      vdu-profile:
        - {id: cp, min-number-of-instances: 1}
        - {id: asic, min-number-of-instances: 1}
YAML
cat >"$tmp/hnf_nsd.yaml" <<'YAML'
nsd:
  nsd:
    - id: hnf-ns
      name: hnf-ns
      version: "1.0"
      vnfd-id: [hnf-gw]
      virtual-link-desc:
        - {id: mgmt, mgmt-network: true}
        - {id: data}
      df:
        - id: default-df
          vnf-profile:
            - id: gw
              vnfd-id: hnf-gw
              virtual-link-connectivity:
                - virtual-link-profile-id: mgmt
                  constituent-cpd-id:
                    - {constituent-base-element-id: gw, constituent-cpd-id: cp-mgmt-ext}
                - virtual-link-profile-id: data
                  constituent-cpd-id:
                    - {constituent-base-element-id: gw, constituent-cpd-id: asic-data-ext}
YAML
req POST /vnfpkgm/v1/vnf_packages_content -H 'Content-Type: application/yaml' --data-binary "@$tmp/hnf.yaml"
req POST /nsd/v1/ns_descriptors_content -H 'Content-Type: application/yaml' --data-binary "@$tmp/hnf_nsd.yaml"
check "HNF NSD onboarded" eq "$code" 201
jreq POST /pdu/v1/pdu_descriptors '{"name":"asic-1","type":"switch-asic","vim_accounts":["sim-a"],"interfaces":[{"name":"p0","mgmt":false,"ip-address":"10.9.0.9","mac-address":"02:00:00:00:09:09","switch-port":7}]}'
asic=$(field .id)
jreq POST /nslcm/v1/ns_instances "{\"nsName\":\"hnf1\",\"nsdId\":\"hnf-ns\",\"vimAccountId\":\"$vim\"}"
hnf=$(field .id)
jreq POST "/nslcm/v1/ns_instances/$hnf/instantiate" '{}'
wait_op "$(field .id)"
check "HNF instantiated" eq "$state" COMPLETED
req GET "/nslcm/v1/vnf_instances?nsr-id-ref=$hnf"
check "its VM VDU is a compute, its PDU VDU is bound to the PDU" \
    eq "$(field '.[0].vdur | map(."vim-id" != null, ."pdu-id") | map(tostring) | join(" ")')" "true null false $asic"
check "the PDU VDU has the PDU's address and switch port" \
    eq "$(field '.[0].vdur[1] | [.status, .interfaces[0]."ip-address", .interfaces[0].switch_port, .interfaces[0].compute_node] | map(tostring) | join(" ")')" "ACTIVE 10.9.0.9 7 asic-1"
check "... and no flavor or image" eq "$(field '.[0].vdur[1]."ns-flavor-id"')" null
req GET "/pdu/v1/pdu_descriptors/$asic"
check "the PDU is IN_USE" eq "$(field '._admin.usageState')" IN_USE
req DELETE "/pdu/v1/pdu_descriptors/$asic"
check "deleting a PDU in use: 409" eq "$code" 409
jreq POST "/nslcm/v1/ns_instances/$hnf/scale" "{\"scaleType\":\"SCALE_VNF\",\"scaleVnfData\":{\"scaleVnfType\":\"SCALE_OUT\",\"scaleByStepData\":{\"scaling-group-descriptor\":\"none\",\"member-vnf-index\":\"gw\"}}}"
check "scaling an aspect the VNFD lacks: 422" eq "$code" 422
req DELETE "/nslcm/v1/ns_instances/$hnf?FORCE=true"
check "FORCE delete of the instantiated HNF" eq "$code" 204
req GET "/pdu/v1/pdu_descriptors/$asic"
check "... gives the PDU back" eq "$(field '._admin.usageState')" NOT_IN_USE
req DELETE "/pdu/v1/pdu_descriptors/$asic"
check "... which can then be deleted" eq "$code" 204

# --- failure injection: the 2nd compute fails; everything rolls back
jreq POST /admin/v1/vim_accounts '{"name":"sim-fail","vim_type":"sim","vim_url":"u","config":{"sim":{"fail":[{"call":"create_compute","nth":2}]}}}'
vimf=$(field .id)
jreq POST /nslcm/v1/ns_instances_content "{\"nsName\":\"fails\",\"nsdId\":\"slicer-core-ns\",\"vimAccountId\":\"$vimf\"}"
nsf=$(field .id)
wait_op "$(field .nslcmop_id)"
check "injected failure: FAILED, as OSM ends it" eq "$state" FAILED
check "the error names the call" grep -q "injected failure" "$tmp/body"
check "... and the rollback undid everything" eq "$(field .rollback.state)" COMPLETED
check "... naming what it undid" test "$(field '.rollback.undone | length')" -gt 0
check "operationParams name the NS as OSM's do (nsr_id ...)" \
    eq "$(field '.operationParams | [.nsr_id == .nsInstanceId, .nsName, .nsdId] | map(tostring) | join(",")')" "true,fails,slicer-core-ns"
check "rollback left nothing in the VIM" eq "$(resources "$vimf")" 0
req GET "/nslcm/v1/ns_instances/$nsf"
check "ns failed, not instantiated" eq "$(field '."operational-status"')/$(field '."_admin".nsState')" failed/NOT_INSTANTIATED

# --- project isolation and roles
login bob bob-pw
check "member login" eq "$code" 200
req GET /nslcm/v1/ns_instances
check "member sees no admin-project ns" eq "$(field length)" 0
req GET "/nslcm/v1/ns_instances/$nsf"
check "other project's ns: 404" eq "$code" 404
req GET /admin/v1/users
check "project_admin lists only its project's users" eq "$(field '[.[].username] | sort | join(",")')" "bob,rita"
jreq POST /admin/v1/users '{"username":"x","password":"x","projects":["blue"]}'
check "... and creates none: 403" eq "$code" 403
jreq POST /admin/v1/vim_accounts '{"name":"blue-sim","vim_type":"sim","vim_url":"u"}'
check "member creates a vim in its project" eq "$code" 201
jreq PATCH /admin/v1/vim_accounts/blue-sim '{"config":{"sdn-port-mapping":[{"compute_node":"c1","ports":[{"pci":"0000:81:00.0","switch_port":"fabric-to-int"}]}]}}'
check "a member cannot map hosts to fabric ports: 403 naming the key" \
    sh -c "test '$code' = 403 && grep -q 'config.sdn-port-mapping names what' '$tmp/body'"
jreq PATCH /admin/v1/vim_accounts/blue-sim '{"config":{"sdn-external-ports":["fabric-to-int"]}}'
check "... nor declare external fabric ports: 403" eq "$code" 403
jreq POST /admin/v1/sdns '{"name":"blue-ovs","type":"ovs","url":"unix:/run/openvswitch/db.sock","config":{"bridge":"br-int"}}'
check "a member cannot point an ovs controller at a socket: 403" \
    sh -c "test '$code' = 403 && grep -q 'only a user with an admin role' '$tmp/body'"
jreq POST /admin/v1/sdns '{"name":"blue-ovs","type":"ovs","config":{"bridge":"br-fabric"}}'
check "... but may name the VIM's fabric switch (no url): 201" eq "$code" 201
login rita rita-pw
req GET /admin/v1/vim_accounts
check "reader sees its project's vim" eq "$(field '.[0].name')" blue-sim
jreq POST /admin/v1/vim_accounts '{"name":"r","vim_type":"sim","vim_url":"u"}'
check "reader cannot write: 403" eq "$code" 403
req DELETE /admin/v1/tokens
check "logout: 204" eq "$code" 204
req GET /admin/v1/vim_accounts
check "revoked token: 401" eq "$code" 401
login rita rita-pw
rita_tok=$tok
tok=$admin_tok
jreq PATCH /admin/v1/users/rita '{"password":"rita-pw2"}'
check "password change: 204" eq "$code" 204
tok=$rita_tok
req GET /admin/v1/vim_accounts
check "a new password ends the user's sessions: 401" eq "$code" 401
login rita rita-pw2
rita_tok=$tok
tok=$admin_tok
req DELETE /admin/v1/users/rita
check "user deleted: 204" eq "$code" 204
tok=$rita_tok
req GET /admin/v1/vim_accounts
check "a deleted user's token: 401" eq "$code" 401
tok=$admin_tok

# --- kill -9 in the middle of an instantiate, then restart
jreq POST /admin/v1/vim_accounts '{"name":"sim-slow","vim_type":"sim","vim_url":"u","config":{"sim":{"latency_ms":300}}}'
vims=$(field .id)
jreq POST /nslcm/v1/ns_instances_content "{\"nsName\":\"crash\",\"nsdId\":\"slicer-core-ns\",\"vimAccountId\":\"$vims\"}"
nsc=$(field .id)
opc=$(field .nslcmop_id)
# kill once some steps are done and others are not
for _ in $(seq 100); do
    req GET "/nslcm/v1/ns_lcm_op_occs/$opc"
    case $(field .stage) in 0/*) sleep 0.02 ;; *) break ;; esac
done
check "killed mid-operation" eq "$(field .operationState)" PROCESSING
kill -9 "$pid"
wait "$pid" 2>/dev/null
pid=
start
grep -q "resuming operation $opc" "$tmp/log"
check "restart resumes the operation" eq $? 0
wait_op "$opc"
check "resumed operation COMPLETED" eq "$state" COMPLETED
req GET "/nslcm/v1/ns_instances/$nsc"
expected=$(field '[."_admin".deployed.resources[]] | length')
check "the VIM holds exactly what the store says" eq "$(resources "$vims")" "$expected"
jreq POST "/nslcm/v1/ns_instances/$nsc/terminate" '{}'
wait_op "$(field .id)"
check "terminate after recovery" eq "$state" COMPLETED
check "no resource leaked" eq "$(resources "$vims")" 0

# --- slicectl against the same daemon
export SLICER_URL=$base SLICER_TOKEN_FILE=$tmp/token
"$slicectl" login --user admin --password test-secret >/dev/null
check "slicectl login writes a 0600 token" eq "$(stat -c %a "$tmp/token")" 600
mkdir -p "$tmp/pkg2/host"
sed 's/id: slicer-host$/id: ctl-host/' "$src/templates/vnfd/host_vnfd.yaml" >"$tmp/pkg2/host/host_vnfd.yaml"
tar -C "$tmp/pkg2" -czf "$tmp/host.tar.gz" host
"$slicectl" onboard "$tmp/host.tar.gz" >"$tmp/out"
check "slicectl onboards a package as a vnfd" grep -q "^vnfd " "$tmp/out"
check "slicectl lists it" sh -c "'$slicectl' list vnfd | grep -q ctl-host"
"$slicectl" ns-create --name ctl-ns --nsd slicer-core-ns --vim "$vim" --wait >"$tmp/out" 2>&1
check "slicectl ns-create --wait: exit 0" eq $? 0
check "the NS is READY" sh -c "'$slicectl' ns-list | grep ctl-ns | grep -q READY"
ctl_ns=$("$slicectl" ns-list | awk '$2 == "ctl-ns" {print $1}')
"$slicectl" vnf-list "$ctl_ns" >"$tmp/out"
check "slicectl vnf-list: a line per VDU with its state and VIM id" \
    test "$(awk '$0 !~ /^ / && NF == 5 && $3 == "ACTIVE"' "$tmp/out" | wc -l)" -ge 1
check "slicectl vnf-list: each interface under its VDU names its VL" \
    test -z "$(awk '/^    / && $4 == "-"' "$tmp/out")" -a -n "$(grep '^    ' "$tmp/out")"
"$slicectl" vnf-list >/dev/null 2>"$tmp/err"
check "slicectl vnf-list without an NS: usage, exit 1" eq $? 1
check "the usage names the argument" grep -q "usage: vnf-list NS_ID" "$tmp/err"
"$slicectl" ns-delete "$ctl_ns" --wait >/dev/null 2>&1
check "slicectl ns-delete --wait removes it" test -z "$("$slicectl" ns-list | grep ctl-ns)"
"$slicectl" sdnc-create --name ctl-sdn --type dummy --config '{delay_ms: 1}' >"$tmp/out"
check "slicectl sdnc-create prints the controller's id" grep -qE '^[0-9a-f-]{36}$' "$tmp/out"
check "slicectl sdnc-list lists it with its type" sh -c "'$slicectl' sdnc-list | grep -q 'ctl-sdn  *dummy'"
printf '%s\n' '- compute_node: c1' '  ports: [{pci: "0000:81:00.0", switch_port: "7"}]' >"$tmp/map.yaml"
ctl_vim=$("$slicectl" vim-create --name ctl-vim --type sim --config '{"sim": {}}')
"$slicectl" vim-update "$ctl_vim" --sdn-controller ctl-sdn --sdn-port-mapping "$tmp/map.yaml"
check "slicectl vim-update: exit 0" eq $? 0
req GET "/admin/v1/vim_accounts/$ctl_vim"
check "... the account names the controller (by _id) and has the mapping" \
    eq "$(field '[(.config."sdn-controller" | length), .config."sdn-port-mapping"[0].ports[0].switch_port] | map(tostring) | join(" ")')" "36 7"
check "... and kept the rest of its config" eq "$(field '.config | keys | join(" ")')" "sdn-controller sdn-port-mapping sim"
"$slicectl" vim-update "$ctl_vim" --sdn-port-mapping /nonexistent.yaml 2>"$tmp/err"
check "a mapping file that cannot be read: exit 1 naming it" \
    sh -c "test $? = 1 && grep -q nonexistent.yaml '$tmp/err'"
"$slicectl" delete nsd slicer-core-ns 2>"$tmp/err"
check "a refused delete: exit 2 with the detail" eq $? 2
check "the detail names the users" grep -q "in use by" "$tmp/err"

# clean shutdown
kill -TERM "$pid"
wait "$pid"
check "SIGTERM: exit 0" eq $? 0
pid=
check "no errors logged" test "$(grep -c ' error ' "$tmp/log")" = 0
check "no sanitizer report" test "$(grep -c -E 'AddressSanitizer|LeakSanitizer|runtime error' "$tmp/log")" = 0

summary

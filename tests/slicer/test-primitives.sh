#!/bin/bash
# Day-1, day-2 and terminate primitives (issue 20): a VNF package with a
# "script" execution environment (tests/slicer/primitives/), on the sim VIM
# and on the netns VIM (real namespaces; the script runs in the VDU's
# namespace as the account's run_as user).
# - onboarding: a package's scripts are kept; a package naming a script it
#   does not have, a bad data-type, a primitive without environment are
#   422 with file:line:column; a bare descriptor is accepted with a
#   warning and its primitives refused when they would run;
# - day 1: initial-config-primitives run in seq order after their VDUs,
#   with <rw_mgmt_ip> and <name> (additionalParams) substituted; a missing
#   additional parameter is 422 at the request; a failing day-1 primitive
#   rolls the instantiation back;
# - day 2: OSM's ns_action body; the occurrence (type action) holds the
#   output; every error of the request is a 422 naming it (unknown
#   primitive, VNF, VDU instance, parameter, missing mandatory one, wrong
#   type, Juju, KDU); a busy NS is 409; an NS-level primitive runs its VNF
#   primitives in order; exit status, timeout and an injected failure end
#   FAILED with the reason;
# - terminate runs terminate-config-primitives unless
#   skip_terminate_primitives;
# - heal (OSM's body) recreates a VDU whose process and namespace are gone,
#   with its address and MAC, and runs its day-1 again; bad requests 422;
#   with config.auto_heal the account heals a VDU whose process dies by
#   itself, within its hourly limit; a vanished namespace degrades the NS
#   at once.
#
# It must run as root in network, mount and pid namespaces of its own
# (meson runs it under "unshare -n -m -p -f --mount-proc").
# usage: test-primitives.sh SLICERD SOURCE_DIR
set -u
slicerd=$1
src=$2
tpl=$src/templates
here=$(cd "$(dirname "$0")" && pwd)
pkgdir=$here/primitives
name=primitives
# shellcheck source=harness.sh
. "$here/harness.sh"

own_namespaces test-primitives
config
start
login

action() { # ns, body -> $code, $act (the occurrence id)
    jreq POST "/nslcm/v1/ns_instances/$1/action" "$2"
    act=$(field .id)
}
act_done() { # ns, body -> the occurrence's final state in $state
    action "$1" "$2"
    [ "$code" = 202 ] && wait_op "$act"
}

# --- onboarding
tar -C "$pkgdir" -czf "$tmp/prim.tar.gz" prim_vnfd.yaml scripts/conf.sh
req POST /vnfpkgm/v1/vnf_packages_content -H 'Content-Type: application/gzip' --data-binary "@$tmp/prim.tar.gz"
check "the package is onboarded: 201" eq "$code" 201
req GET /vnfpkgm/v1/vnf_packages/prim-vnf
check "... its script is kept with it" grep -q 'primitive=\$prim' <(field '._admin.scripts["conf.sh"]')
yreq /nsd/v1/ns_descriptors_content "$pkgdir/prim_nsd.yaml"
check "the NSD is onboarded" eq "$code" 201

mkdir -p "$tmp/bad/scripts"
cp "$pkgdir/scripts/conf.sh" "$tmp/bad/scripts/other.sh"
sed 's/prim-vnf/bad-vnf/g' "$pkgdir/prim_vnfd.yaml" >"$tmp/bad/bad_vnfd.yaml"
tar -C "$tmp/bad" -czf "$tmp/bad.tar.gz" bad_vnfd.yaml scripts/other.sh
req POST /vnfpkgm/v1/vnf_packages_content -H 'Content-Type: application/gzip' --data-binary "@$tmp/bad.tar.gz"
check "a package without the script its descriptor names: 422" eq "$code" 422
check "... at file:line:column" grep -q "bad_vnfd.yaml:[0-9]*:[0-9]*: error: .*'conf.sh' is not in the package's scripts/ folder" <(field .detail)
bad() { # description, sed expression
    sed "s/prim-vnf/bad-vnf/g; $2" "$pkgdir/prim_vnfd.yaml" >"$tmp/bad/bad_vnfd.yaml"
    cp "$pkgdir/scripts/conf.sh" "$tmp/bad/scripts/conf.sh"
    tar -C "$tmp/bad" -czf "$tmp/bad.tar.gz" bad_vnfd.yaml scripts/conf.sh
    req POST /vnfpkgm/v1/vnf_packages_content -H 'Content-Type: application/gzip' --data-binary "@$tmp/bad.tar.gz"
    check "$1: 422" eq "$code" 422
}
bad "a data-type that is not one" 's/data-type: INTEGER/data-type: NUMBERS/'
check "... naming it" grep -q "NUMBERS" <(field .detail)
bad "a default-value of the wrong type" 's/default-value: 30/default-value: soon/'
check "... named at its line" grep -q "bad_vnfd.yaml:[0-9]*:[0-9]*: .*not of data-type INTEGER" <(field .detail)
bad "an unknown execution environment" 's/execution-environment-ref: charm/execution-environment-ref: nowhere/'
check "... named" grep -q "'nowhere' names no execution-environment-list item" <(field .detail)
bad "two primitives of one name" 's/- name: sleep/- name: touch/'
bad "a script path that leaves scripts/" 's|file: conf.sh|file: ../conf.sh|'
sed 's/prim-vnf/bare-vnf/g' "$pkgdir/prim_vnfd.yaml" >"$tmp/bare_vnfd.yaml"
yreq /vnfpkgm/v1/vnf_packages_content "$tmp/bare_vnfd.yaml"
check "the bare descriptor is onboarded (its primitives cannot run)" eq "$code" 201

# --- on sim
jreq POST /admin/v1/vim_accounts '{"name":"sim1","vim_type":"sim","vim_url":"sim://","config":{"sim":{"fail":[{"call":"exec","name":"greet"}]}}}'
sim_fail=$(field .id)
jreq POST /admin/v1/vim_accounts '{"name":"sim2","vim_type":"sim","vim_url":"sim://","config":{"sim":{"exec_ms":1500}}}'
sim=$(field .id)
params='"additionalParamsForVnf":[{"member-vnf-index":"1","additionalParams":{"greeting":"hello"}},{"member-vnf-index":"2","additionalParams":{"greeting":"hi"}}]'
resources() { req GET "/admin/v1/vim_accounts/$1/resources"; field '.resources | length'; }

jreq POST /nslcm/v1/ns_instances_content "{\"nsName\":\"p0\",\"nsdId\":\"prim-ns\",\"vimAccountId\":\"$sim\"}"
check "no <greeting> given: 422 at the request" eq "$code" 422
check "... naming the parameter and where to give it" grep -q "takes <greeting>, which the instantiation does not give (give additionalParamsForVnf\[\].additionalParams.greeting for member-vnf-index '1'" <(field .detail)
req GET /nslcm/v1/ns_instances
check "... and no NS is left" eq "$(field length)" 0

jreq POST /nslcm/v1/ns_instances_content "{\"nsName\":\"pf\",\"nsdId\":\"prim-ns\",\"vimAccountId\":\"$sim_fail\",$params}"
wait_op "$(field .nslcmop_id)"
check "a failing day-1 primitive fails the instantiation" eq "$state" FAILED
check "... saying which and why" grep -q "initial 1-app-0 greet: primitive 'greet' in .* exited with status 1: injected failure" <(field .errorMessage)
check "... rolled back" eq "$(field .rollback.state)" COMPLETED
check "... nothing left on the VIM" eq "$(resources "$sim_fail")" 0

jreq POST /nslcm/v1/ns_instances_content "{\"nsName\":\"p1\",\"nsdId\":\"prim-ns\",\"vimAccountId\":\"$sim\",$params}"
ns=$(field .id)
wait_op "$(field .nslcmop_id)"
check "instantiated with its day-1 primitives" eq "$state" COMPLETED
check "... in seq order, the VDU's then the VNF's, with the substitutions" \
    eq "$(field '[.primitives[] | "\(.member_vnf_index):\(.primitive):\(.stdout)"] | join("|")')" \
    "1:vdu-ready:sim: vdu-ready vdu-ready|1:record-ip:sim: record-ip record-ip ip= fixed=42|1:greet:sim: greet greet greeting=hello|2:vdu-ready:sim: vdu-ready vdu-ready|2:record-ip:sim: record-ip record-ip ip= fixed=42|2:greet:sim: greet greet greeting=hi"

act_done "$ns" '{"member_vnf_index":"1","primitive":"touch","primitive_params":{"filename":"/tmp/x","verbose":true}}'
check "ns-action: 202, then COMPLETED" eq "$state" COMPLETED
check "... an occurrence of type action" eq "$(field .lcmOperationType)" action
check "... its output as detailed-status, defaults filled" eq "$(field '."detailed-status"')" "sim: touch touch filename=/tmp/x count=1 verbose=true"
check "... the request in operationParams" eq "$(field .operationParams.primitive_params.filename)" /tmp/x
req GET "/nslcm/v1/ns_instances/$ns"
check "... the NS is idle and ready after it" eq "$(field .currentOperation)/$(field .nsState)" IDLE/READY

refused() { # description, body, expected detail (grep)
    action "$ns" "$2"
    check "$1: 422" eq "$code" 422
    check "... $3" grep -q "$3" <(field .detail)
}
refused "an unknown primitive" '{"member_vnf_index":"1","primitive":"nope"}' "vnf '1' has no config-primitive 'nope'"
refused "a missing mandatory parameter" '{"member_vnf_index":"1","primitive":"touch"}' "parameter 'filename' is mandatory"
refused "a parameter of the wrong type" '{"member_vnf_index":"1","primitive":"touch","primitive_params":{"filename":"x","count":"many"}}' "parameter 'count' is \"many\", not of data-type INTEGER"
refused "an unknown parameter" '{"member_vnf_index":"1","primitive":"touch","primitive_params":{"filename":"x","colour":"red"}}' "has no parameter 'colour' (it has: filename, count, verbose)"
refused "an unknown VNF" '{"member_vnf_index":"9","primitive":"touch"}' "has no member-vnf-index '9'"
refused "a VDU instance that does not exist" '{"member_vnf_index":"1","vdu_id":"app","vdu_count_index":3,"primitive":"whoami"}' "no running instance 3 of vdu 'app'"
refused "a Juju primitive" '{"member_vnf_index":"1","primitive":"upgrade"}' "Juju charm execution environment 'charm', which slicer does not run"
refused "a KDU primitive" '{"member_vnf_index":"1","kdu_name":"k","primitive":"upgrade"}' "slicer runs no KDU primitive"
refused "an unknown NS primitive" '{"primitive":"nope"}' "has no NS primitive 'nope'"
refused "a bad vdu_count_index" '{"member_vnf_index":"1","vdu_id":"app","vdu_count_index":"x","primitive":"whoami"}' "vdu_count_index 'x' is not a count index"
action "$ns" '{"member_vnf_index":"1"}'
check "no primitive: 422" eq "$code" 422

action "$ns" '{"member_vnf_index":"1","primitive":"sleep"}'
slow=$act
action "$ns" '{"member_vnf_index":"1","primitive":"touch","primitive_params":{"filename":"y"}}'
check "an action while another runs: 409" eq "$code" 409
wait_op "$slow"
act_done "$ns" '{"primitive":"touch-all","primitive_params":{"filename":"/tmp/y"}}'
check "an NS-level primitive runs its VNF primitives" eq "$state" COMPLETED
check "... in order, with its parameters" \
    eq "$(field '[.primitives[] | "\(.member_vnf_index) \(.stdout)"] | join("|")')" \
    "1 sim: touch touch filename=/tmp/y count=1|2 sim: touch touch filename=/tmp/y count=1"
ctl() { SLICER_URL=$base SLICER_TOKEN_FILE=$tmp/token "$(dirname "$slicerd")/slicectl" "$@"; }
ctl login --user admin --password test-secret >/dev/null
out=$(ctl ns-action "$ns" --vnf 1 --action touch --params '{filename: /tmp/c, count: 2}' --wait 2>/dev/null)
check "slicectl ns-action --wait prints the primitive's output" grep -q "^sim: touch touch filename=/tmp/c count=2" <<<"$out"
out=$(ctl ns-action "$ns" --vnf 1 --action touch --params '{count: 2}' 2>&1)
rc=$?
check "slicectl ns-action refused: it fails" test "$rc" -ne 0
check "... with the reason" grep -q "parameter 'filename' is mandatory" <<<"$out"
jreq POST "/nslcm/v1/ns_instances/$ns/scale" '{"scaleType":"SCALE_VNF","scaleVnfData":{"scaleVnfType":"SCALE_OUT","scaleByStepData":{"scaling-group-descriptor":"app-scale","member-vnf-index":"1"}}}'
wait_op "$(field .id)"
check "scale out: COMPLETED" eq "$state" COMPLETED
check "... the new VDU instance ran its VDU's day-1, not the VNF's again" \
    eq "$(field '[.primitives[] | "\(.vdu_id)/\(.vdu_count_index):\(.primitive)"] | join(",")')" "app/1:vdu-ready"
act_done "$ns" '{"member_vnf_index":"1","vdu_id":"app","vdu_count_index":1,"primitive":"whoami"}'
check "... and runs day-2 primitives: COMPLETED" eq "$state" COMPLETED
act_done "$ns" '{"member_vnf_index":"1","primitive":"sleep","timeout_ns_action":1}'
check "a primitive past its timeout: FAILED" eq "$state" FAILED
check "... killed at its timeout" grep -q "primitive 'sleep' in .* was killed at its timeout" <(field .errorMessage)
check "... nothing to roll back" eq "$(field .rollback.state)" NOT_NEEDED
req GET "/nslcm/v1/ns_instances/$ns"
check "... the NS is still ready" eq "$(field .nsState)" READY

# a heal that names one VNF twice heals its VDU once
req GET "/nslcm/v1/vnf_instances?nsr-id-ref=$ns"
v2=$(field '[.[] | select(."member-vnf-index-ref" == "2")][0]._id')
jreq POST "/nslcm/v1/ns_instances/$ns/heal" "{\"vnf\":[{\"vnfInstanceId\":\"$v2\"},{\"vnfInstanceId\":\"$v2\"}]}"
wait_op "$(field .id)"
check "a heal naming a VNF twice: COMPLETED" eq "$state" COMPLETED
check "... one compute made again" eq "$(field '[._admin.steps[] | select(.kind == "compute" and .action == "create")] | length')" 1

# kill -9 while a primitive runs: the next start runs it again
action "$ns" '{"member_vnf_index":"2","primitive":"touch","primitive_params":{"filename":"/tmp/k"}}'
crashed=$act
sleep 0.3
kill -9 "$pid"
wait "$pid" 2>/dev/null
pid=
start
wait_op "$crashed"
check "an action cut by kill -9 completes after the restart" eq "$state" COMPLETED
check "... its primitive run again to the end" eq "$(field '."detailed-status"')" "sim: touch touch filename=/tmp/k count=1"

jreq POST "/nslcm/v1/ns_instances/$ns/terminate" '{"autoremove":true}'
wait_op "$(field .id)"
check "terminate: COMPLETED" eq "$state" COMPLETED
check "... after the terminate primitives of both VNFs" \
    eq "$(field '[.primitives[] | "\(.member_vnf_index):\(.primitive):\(.state)"] | join(",")')" "1:goodbye:DONE,2:goodbye:DONE"
check "... nothing left on the VIM" eq "$(resources "$sim")" 0

# --- a slice action fans out to its subnets' NSs
yreq /nst/v1/netslice_templates_content "$pkgdir/prim_nst.yaml"
check "the slice template is onboarded" eq "$code" 201
sub() { echo "{\"id\":\"$1\",$params}"; }
jreq POST /nsilcm/v1/netslice_instances_content "{\"nsiName\":\"s1\",\"nstId\":\"prim-slice\",\"vimAccountId\":\"$sim\",\"netslice-subnet\":[$(sub sub-a),$(sub sub-b)]}"
check "a slice of two prim-ns subnets: 201" eq "$code" 201
nsi=$(field .id)
wait_nsiop "$(field .nsilcmop_id)"
check "... instantiated (day-1 ran in both)" eq "$state" COMPLETED
jreq POST "/nsilcm/v1/netslice_instances/$nsi/action" '{"primitive":"touch","member_vnf_index":"2","primitive_params":{"filename":"/tmp/s"}}'
check "nsi-action: 202" eq "$code" 202
wait_nsiop "$(field .id)"
check "... COMPLETED" eq "$state" COMPLETED
check "... on the unshared subnet only: one NS action" eq "$(field '.operationParams.nslcmops_ids | length')" 1
req GET "/nslcm/v1/ns_lcm_op_occs/$(field '.operationParams.nslcmops_ids[0]')"
check "... which ran the primitive in vnf 2" eq "$(field '.primitives[0] | "\(.member_vnf_index) \(.stdout)"')" "2 sim: touch touch filename=/tmp/s count=1"
jreq POST "/nsilcm/v1/netslice_instances/$nsi/action" '{"primitive":"touch-all","netslice-subnet":["sub-a","sub-b"],"primitive_params":{"filename":"/tmp/t"}}'
wait_nsiop "$(field .id)"
check "nsi-action on named subnets, the shared one too: two NS actions" eq "$state/$(field '.operationParams.nslcmops_ids | length')" COMPLETED/2
out=$(ctl nsi-action "$nsi" --action touch --vnf 1 --subnet sub-b --params '{filename: /tmp/n}' --wait 2>/dev/null)
check "slicectl nsi-action --subnet --wait prints the NS actions' output" grep -q "^sim: touch touch filename=/tmp/n count=1" <<<"$out"
jreq POST "/nsilcm/v1/netslice_instances/$nsi/action" '{"primitive":"nope"}'
check "nsi-action of a primitive no subnet has: 422" eq "$code" 422
check "... saying so" grep -q "no subnet of nsi 's1' has primitive 'nope'" <(field .detail)
jreq POST "/nsilcm/v1/netslice_instances/$nsi/action" '{"primitive":"touch","netslice-subnet":["sub-z"]}'
check "nsi-action on a subnet that does not exist: 422" eq "$code" 422
jreq POST "/nsilcm/v1/netslice_instances/$nsi/action" '{"primitive":"touch","member_vnf_index":"1","netslice-subnet":["sub-a"]}'
check "nsi-action whose NS action is bad: 422 with the NS's reason" eq "$code" 422
check "... named by subnet" grep -q "netslice-subnet 'sub-a': primitive 'touch': parameter 'filename' is mandatory" <(field .detail)
jreq POST "/nsilcm/v1/netslice_instances/$nsi/terminate" '{"autoremove":true}'
wait_nsiop "$(field .id)"
check "the slice is terminated" eq "$state" COMPLETED

yreq /nsd/v1/ns_descriptors_content <(sed 's/prim-ns/bare-ns/; s/prim-vnf/bare-vnf/g' "$pkgdir/prim_nsd.yaml")
jreq POST /nslcm/v1/ns_instances_content "{\"nsName\":\"bare\",\"nsdId\":\"bare-ns\",\"vimAccountId\":\"$sim\",$params}"
check "day-1 of a VNF onboarded without its package: 422" eq "$code" 422
check "... saying the script is not there" grep -q "script 'conf.sh' is not in the VNF package" <(field .detail)

# --- on netns: the script runs in the VDU's namespace as nobody
jreq POST /admin/v1/vim_accounts "{\"name\":\"nn\",\"vim_type\":\"netns\",\"vim_url\":\"netns://localhost\",\"config\":{\"ovs\":\"managed\",\"hosts\":\"$tpl/infra/hosts/compute-1.yaml\"}}"
check "netns account: 201" eq "$code" 201
nn=$(field .id)
jreq POST /nslcm/v1/ns_instances_content "{\"nsName\":\"n1\",\"nsdId\":\"prim-ns\",\"vimAccountId\":\"$nn\",$params}"
ns=$(field .id)
inst=$(field .nslcmop_id)
wait_op "$inst"
check "netns: instantiated with day-1" eq "$state" COMPLETED
day1=$(field '[.primitives[] | select(.primitive == "record-ip")][0].stdout')
req GET "/nslcm/v1/vnf_instances?nsr-id-ref=$ns"
ip1=$(field '[.[] | select(."member-vnf-index-ref" == "1")][0].vdur[0]."ip-address"')
check "netns: record-ip got the VDU's address (<rw_mgmt_ip>), ran as nobody" \
    eq "$day1" "primitive=record-ip args=ip=$ip1 fixed=42 vdu=app/0 member=1 mgmt=$ip1 uid=65534"
act_done "$ns" '{"member_vnf_index":"1","vdu_id":"app","vdu_count_index":0,"primitive":"whoami"}'
check "netns: a VDU primitive runs" eq "$state" COMPLETED
check "... inside the VDU's namespace (its eth0 address)" eq "$(field '.primitives[0].stdout' | grep -v '^$' | tail -1 | cut -d/ -f1)" "$ip1"
act_done "$ns" '{"member_vnf_index":"1","primitive":"fds"}'
check "netns: a primitive inherits none of slicerd's files or sockets" \
    eq "$(field '.primitives[0].stdout' | grep '^fd ' | grep -v ': /memfd:slicer-primitive' | grep -c -e socket: -e slicer -e /tmp/ -e pipe: -e anon_inode || true)" 0
check "... (it sees its own script)" grep -q "^fd [0-9]*: /memfd:slicer-primitive" <(field '.primitives[0].stdout')
act_done "$ns" '{"member_vnf_index":"2","primitive":"fail-me","primitive_params":{"code":7}}'
check "netns: a script that exits 7: FAILED" eq "$state" FAILED
check "... with its status and its last stderr line" grep -q "exited with status 7: failing on purpose with 7" <(field .errorMessage)
check "... its output kept" eq "$(field '.primitives[0].exit_status')" 7
act_done "$ns" '{"member_vnf_index":"1","primitive":"sleep","primitive_params":{"seconds":60},"timeout_ns_action":1}'
check "netns: a script past its timeout is killed: FAILED" eq "$state" FAILED
check "... no process of it is left" test "$(pgrep -c -x sleep || true)" = 0
# --- heal: member 1's VDU loses its process and its namespace
req GET "/nslcm/v1/vnf_instances?nsr-id-ref=$ns"
vnfr1=$(field '[.[] | select(."member-vnf-index-ref" == "1")][0]._id')
vdu1=$(field '[.[] | select(."member-vnf-index-ref" == "1")][0].vdur[0]."vim-id"')
mac1=$(field '[.[] | select(."member-vnf-index-ref" == "1")][0].vdur[0].interfaces[0]."mac-address"')
ip2=$(field '[.[] | select(."member-vnf-index-ref" == "2")][0].vdur[0]."ip-address"')
ns2=$(field '[.[] | select(."member-vnf-index-ref" == "2")][0].vdur[0]."vim-id"')
check "before: vnf 2 reaches vnf 1" ip netns exec "$ns2" ping -c 1 -W 1 "$ip1"
for p in $(ip netns pids "$vdu1"); do kill -9 "$p"; done
ip netns del "$vdu1"
check "the VDU's namespace is gone" eq "$(ip netns list | grep -c "^$vdu1" || true)" 0
heal() { jreq POST "/nslcm/v1/ns_instances/$ns/heal" "$1"; }
heal '{"vnf":[{"vnfInstanceId":"nope"}]}'
check "heal of a VNF that is not the NS's: 422" eq "$code" 422
check "... naming it" grep -q "vnfInstanceId 'nope' is not a vnf of ns 'n1'" <(field .detail)
heal "{\"vnf\":[{\"vnfInstanceId\":\"$vnfr1\",\"additionalParams\":{\"vdu\":[{\"vdu-id\":\"app\",\"count-index\":4}]}}]}"
check "heal of a VDU instance that does not exist: 422" eq "$code" 422
check "... naming it" grep -q "vnf '1' has no instance 4 of vdu 'app'" <(field .detail)
heal '{"vnf":{"vnfInstanceId":"x"}}'
check "heal with vnf not a list: 422" eq "$code" 422
heal "{\"vnf\":[{\"vnfInstanceId\":\"$vnfr1\",\"additionalParams\":{\"run-day1\":true,\"vdu\":[{\"vdu-id\":\"app\",\"count-index\":0}]}}]}"
check "heal: 202" eq "$code" 202
wait_op "$(field .id)"
check "... COMPLETED" eq "$state" COMPLETED
check "... an occurrence of type heal" eq "$(field .lcmOperationType)" heal
check "... day-1 ran again in the new VDU, with its address" \
    eq "$(field '[.primitives[] | .primitive] | join(",")')" "vdu-ready,record-ip,greet"
req GET "/nslcm/v1/vnf_instances/$vnfr1"
vdu1b=$(field '.vdur[0]."vim-id"')
check "a new namespace" test "$vdu1b" != "$vdu1"
check "... which exists" grep -qx "$vdu1b" <(ip netns list | cut -d' ' -f1)
check "... with the address and MAC it had" eq "$(field '.vdur[0]."ip-address"') $(field '.vdur[0].interfaces[0]."mac-address"')" "$ip1 $mac1"
check "vnf 2 reaches it again" ip netns exec "$ns2" ping -c 1 -W 2 "$ip1"
ctl ns-heal "$ns" --vnf 2 --vdu app --count 0 --wait >/dev/null 2>&1
check "slicectl ns-heal --wait of a healthy VDU: exit 0" eq "$?" 0
req GET "/nslcm/v1/vnf_instances?nsr-id-ref=$ns"
ns2b=$(field '[.[] | select(."member-vnf-index-ref" == "2")][0].vdur[0]."vim-id"')
check "... it was made again (a new namespace) with its address" \
    eq "$(test "$ns2b" != "$ns2" && echo new) $(field '[.[] | select(."member-vnf-index-ref" == "2")][0].vdur[0]."ip-address"')" "new $ip2"
check "... and reaches vnf 1" ip netns exec "$ns2b" ping -c 1 -W 2 "$ip1"
req GET "/nslcm/v1/ns_instances/$ns"
check "the NS is ready and idle" eq "$(field .nsState)/$(field .currentOperation)" READY/IDLE

# --- automatic heal, asked for by the VIM account, once an hour here
jreq PATCH "/admin/v1/vim_accounts/$nn" '{"config":{"auto_heal":{"max_per_hour":1}}}'
check "auto_heal set on the account: 204" eq "$code" 204
jreq PATCH "/admin/v1/vim_accounts/$nn" '{"config":{"auto_heal":{"max_per_hour":0}}}'
check "auto_heal with a bad limit: 422" eq "$code" 422
act_done "$ns" '{"member_vnf_index":"1","vdu_id":"app","primitive":"whoami"}'
check "the VIM runs again for the NS" eq "$state" COMPLETED
heals() { req GET "/nslcm/v1/ns_lcm_op_occs?nsInstanceId=$ns&lcmOperationType=heal&isAutomaticInvocation=true"; field length; }
req GET "/nslcm/v1/vnf_instances/$vnfr1"
vdu1=$(field '.vdur[0]."vim-id"')
for p in $(ip netns pids "$vdu1"); do kill -9 "$p"; done
for _ in $(seq 100); do [ "$(heals)" = 1 ] && break; sleep 0.1; done
check "the VDU's process died: slicerd heals it by itself" eq "$(heals)" 1
wait_op "$(field '.[0]._id')"
check "... COMPLETED, day-1 run again" eq "$state/$(field '[.primitives[].primitive] | join(",")')" "COMPLETED/vdu-ready,record-ip,greet"
req GET "/nslcm/v1/vnf_instances/$vnfr1"
check "... in a new namespace" test "$(field '.vdur[0]."vim-id"')" != "$vdu1"
check "... that vnf 2 reaches" ip netns exec "$ns2b" ping -c 1 -W 2 "$ip1"
req GET "/nslcm/v1/ns_instances/$ns"
check "... and the NS is running, not degraded" eq "$(field '."operational-status"')/$(field '._admin.degraded // "none"')" running/none
req GET "/nslcm/v1/vnf_instances/$vnfr1"
vdu1=$(field '.vdur[0]."vim-id"')
for p in $(ip netns pids "$vdu1"); do kill -9 "$p"; done
ip netns del "$vdu1"
for _ in $(seq 50); do
    req GET "/nslcm/v1/ns_instances/$ns"
    [ "$(field '."operational-status"')" = degraded ] && break
    sleep 0.1
done
check "its namespace vanishes too: the NS is degraded at once" eq "$(field '."operational-status"')" degraded
check "... naming what was lost" grep -q "killed by signal 9\|its namespace vanished" <(field '._admin.degraded[].why')
sleep 1
check "... but the hour's heal is spent: no second one" eq "$(heals)" 1
heal "{\"vnf\":[{\"vnfInstanceId\":\"$vnfr1\"}]}"
wait_op "$(field .id)"
check "a heal by hand still works: COMPLETED" eq "$state" COMPLETED
req GET "/nslcm/v1/ns_instances/$ns"
check "... the NS runs again" eq "$(field '."operational-status"')/$(field '._admin.degraded // "none"')" running/none

# a VDU that is gone does not keep its NS from terminating (the hour's
# auto-heal is spent): its terminate primitive is skipped
req GET "/nslcm/v1/vnf_instances?nsr-id-ref=$ns"
vdu2=$(field '[.[] | select(."member-vnf-index-ref" == "2")][0].vdur[0]."vim-id"')
for p in $(ip netns pids "$vdu2"); do kill -9 "$p"; done
ip netns del "$vdu2"
sleep 0.5
ns_down "$ns"
check "netns: terminated after its terminate primitives" eq "$state" COMPLETED
check "... vnf 1 said goodbye, vnf 2's was skipped (its VDU is gone)" \
    eq "$(field '[.primitives[] | "\(.member_vnf_index):\(.state):\(.exit_status // "skipped")"] | join(",")')" "1:DONE:0,2:DONE:skipped"
check "... no namespace left" eq "$(ip netns list | wc -l)" 0

stop_clean
summary

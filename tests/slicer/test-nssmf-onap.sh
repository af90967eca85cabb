#!/bin/bash
# slicer as ONAP's core NSSMF (slice-managers.md §5): a real slicerd on a
# free loopback port over HTTPS (its default, as ONAP's NSSMF adapter
# talks), the sim VIM, and requests shaped as ONAP SO's adapter sends
# them.  Covers the token login and X-Auth-Token, allocation answered 202
# with exactly {nssiId, jobId}, jobs polled to finished/100, the NSSI
# read back, an idempotent retry, a second SHARED profile joining the
# same NSSI (and ONAP's reuse form naming it), activation and
# deactivation seen through the 3GPP ProvMnS GET (one store behind every
# dialect), bad requests, another project's NSSI (404), deallocation of
# one profile and then of the last (NSSI and slice gone), a deallocation
# of what is gone (202, finished), modification and termination, and an
# allocation whose slice fails (its job ends in error).  Every reply's key
# set is checked: ONAP's Jackson fails on unknown keys.
# Everything it starts is stopped by pid; its files are removed.
# usage: test-nssmf-onap.sh SLICERD SOURCE_DIR
set -u
slicerd=$1
src=$2
name=nssmf-onap
# shellcheck source=harness.sh
. "$(dirname "$0")/harness.sh"

config
start
check "slicerd serves HTTPS" test "${base%%:*}" = https
top=${base%/osm}
prov=/api/rest/provMns/v1
otok=
# onap METHOD PATH [BODY]: one of ONAP's calls (PATH under $top), with
# X-Auth-Token $otok when set; status in $code, body in $tmp/body
onap() {
    local m=$1 p=$2
    shift 2
    code=$(curl -s -o "$tmp/body" -D "$tmp/headers" -w '%{http_code}' \
        -X "$m" -H 'Accept: application/json' \
        -H 'Content-Type: application/json' \
        ${otok:+-H "X-Auth-Token: $otok"} ${1:+--data-binary "$1"} "$top$p")
}
keys() { jq -c keys "$tmp/body"; }
onap_login() { # user password -> $otok
    onap POST /api/rest/securityManagement/v1/oauth/token "{\"grantType\":\"password\",\"userName\":\"$1\",\"value\":\"$2\"}"
    otok=$(field .accessToken)
}
# wait_job ID: polls GET /NSS/jobs/ID as SO does, to finished or error;
# the last reply in $tmp/body, its status and progress in $job
wait_job() {
    for _ in $(seq 600); do
        onap GET "$prov/NSS/jobs/$1"
        job=$(field '.responseDescriptor | "\(.status)/\(.progress)"')
        case $code/$job in 000/* | */finished/* | */error/*) return ;; esac
        sleep 0.05
    done
}
# JobStatus has only the keys of §5.3, its states only theirs
job_keys_ok() {
    jq -e '(keys == ["responseDescriptor"])
        and (.responseDescriptor | keys - ["progress", "status",
             "statusDescription", "responseId", "errorCode", "nssiId",
             "vnfErrorList", "pnfErrorList", "responseHistoryList"] == [])
        and (.responseDescriptor | has("progress") and has("status")
             and has("responseId"))
        and (.responseDescriptor.responseId | type == "string")
        and ([.responseDescriptor.responseHistoryList[]? | keys
              - ["progress", "status", "statusDescription", "responseId"]]
             | all(. == []))
        and ([.responseDescriptor.status,
              .responseDescriptor.responseHistoryList[]?.status]
             | all(IN("started", "processing", "finished", "error")))' \
        "$tmp/body" >/dev/null
}
# the NSSI through the 3GPP generic provisioning MnS, as the admin
moi() {
    code=$(curl -s -o "$tmp/body" -w '%{http_code}' -H 'Accept: application/json' \
        -H "Authorization: Bearer $tok" \
        "$top/3GPPManagement/ProvMnS/v1/SubNetwork=slicer/NetworkSliceSubnet=$1")
}
# AllocateCnNssi as SO's adapter sends it: PROFILE-ID NSI-ID [EXTRA "k":v,]
alloc_body() {
    cat <<JSON
{${3:-}"nsstId": "embb-nsst", "flavorId": "default", "nssiName": "cn-$1",
 "sliceProfile": {"sliceProfileId": "$1", "snssaiList": ["001-000001"],
   "pLMNIdList": ["460-00"],
   "perfReq": {"perfReqEmbbList": [{"expDataRateDL": 100, "expDataRateUL": 50,
                                    "activityFactor": 50}]},
   "maxNumberofUEs": 100, "coverageAreaTAList": ["1", "2"], "latency": 400,
   "uEMobilityLevel": "stationary", "resourceSharingLevel": "shared",
   "maxNumberofPDUSession": 0},
 "scriptName": "cn-script", "extension": {},
 "nsiInfo": {"nsiId": "$2", "nsiName": "slice-$2"},
 "endPoint": {"ipAddress": "10.0.0.1", "logicInterfaceId": "if-1",
              "nextHopInfo": "10.0.0.254"}}
JSON
}
dealloc_body() { # PROFILE-ID NSI-ID NSSI-ID
    echo "{\"nsiId\":\"$2\",\"nssiId\":\"$3\",\"snssaiList\":[\"001-000001\"],\"sliceProfileId\":\"$1\",\"scriptName\":\"cn-script\",\"extension\":{}}"
}
actdeact_body() { # PROFILE-ID NSI-ID NSSI-ID
    echo "{\"nsiId\":\"$2\",\"nssiId\":\"$3\",\"sliceProfileId\":\"$1\",\"snssaiList\":[\"001-000001\"]}"
}

# --- the catalogue and a sim VIM, through OSM's NBI as the admin
login
onboard_templates check
jreq POST /admin/v1/vim_accounts '{"name":"sim","vim_type":"sim","vim_url":"u","config":{"sim":{"latency_ms":1}}}'
check "sim VIM account: 201" eq "$code" 201

# --- token
onap POST "$prov/NSS/SliceProfiles" "$(alloc_body sp-1 nsi-1)"
check "no token: 401" eq "$code" 401
otok=not-a-token
onap GET "$prov/NSS/jobs/x"
check "a bad X-Auth-Token: 401" eq "$code" 401
otok=
onap POST /api/rest/securityManagement/v1/oauth/token '{"grantType":"password","userName":"admin","value":"wrong"}'
check "token with a bad password: 401" eq "$code" 401
onap POST /api/rest/securityManagement/v1/oauth/token '{"grantType":"client_credentials","userName":"admin","value":"test-secret"}'
check "token with another grantType: 400 naming it" test "$code" = 400 -a -n "$(grep -o grantType "$tmp/body")"
onap POST /api/rest/securityManagement/v1/oauth/token '{"grantType":"password","userName":"admin"}'
check "token without value: 400 naming it" test "$code" = 400 -a -n "$(grep -o "'value'" "$tmp/body")"
onap_login admin test-secret
check "token: 200" eq "$code" 200
check "token reply: exactly {accessToken, expires}" eq "$(keys)" '["accessToken","expires"]'
check "expires: seconds from now" test "$(field '.expires | type')" = number -a "$(field .expires)" -gt 0
check "an access token" test -n "$otok" -a "$otok" != null

# --- allocate
onap POST "$prov/NSS/SliceProfiles" "$(alloc_body sp-1 nsi-1)"
check "allocate: 202" eq "$code" 202
check "allocate reply: exactly {jobId, nssiId}" eq "$(keys)" '["jobId","nssiId"]'
nssi=$(field .nssiId)
job1=$(field .jobId)
wait_job "$job1"
check "allocation job: finished/100" eq "$job" finished/100
check "JobStatus: only ONAP's keys and states" job_keys_ok
check "JobStatus names the NSSI" eq "$(field .responseDescriptor.nssiId)" "$nssi"
check "JobStatus: earlier states in responseHistoryList" test "$(field '.responseDescriptor.responseHistoryList | length')" -ge 1
onap GET "$prov/NSS/nssi/$nssi"
check "GET nssi: 200" eq "$code" 200
check "NssiInfo: only ONAP's keys" jq -e '(keys == ["nssiInfo"])
    and (.nssiInfo | keys - ["nssiId", "nssiName", "nsstId", "flavorId",
         "nssiState", "networkSliceSubnet"] == [])
    and (.nssiInfo.networkSliceSubnet | keys - ["mfIdList", "nsInfo",
         "sliceProfileList"] == [])
    and (.nssiInfo.networkSliceSubnet.nsInfo | keys - ["nsInstanceId",
         "nsInstanceName", "nsdId", "nsState", "vnfInstance", "pnfInfo",
         "nestedNsInstance"] == [])' "$tmp/body"
check "the NSSI is enabled, from the eMBB NST" eq "$(field '.nssiInfo | "\(.nssiId) \(.nssiState) \(.nsstId)"')" "$nssi enabled slicer-embb-slice"
check "its profile is the one allocated" eq "$(field '[.nssiInfo.networkSliceSubnet.sliceProfileList[].sliceProfileId] | join(",")')" sp-1
check "its VNFs as mfIdList" test "$(field '.nssiInfo.networkSliceSubnet.mfIdList | length')" -gt 0
nsi=$(field .nssiInfo.networkSliceSubnet.nsInfo.nsInstanceId)
req GET "/nsilcm/v1/netslice_instances/$nsi"
check "its slice instance runs (OSM's NBI)" eq "$(field ._admin.nsiState)" INSTANTIATED
onap GET "$prov/NSS/SliceProfiles/sp-1"
check "GET SliceProfiles/{profile}: the same NSSI" eq "$code/$(field .nssiInfo.nssiId)" "200/$nssi"

onap POST "$prov/NSS/SliceProfiles" "$(alloc_body sp-1 nsi-1)"
check "the same allocation again: 202, the first nssiId and jobId" eq "$code $(field '"\(.nssiId) \(.jobId)"')" "202 $nssi $job1"

# --- a second SHARED profile with the same S-NSSAI joins the NSSI
onap POST "$prov/NSS/SliceProfiles" "$(alloc_body sp-2 nsi-2)"
check "second shared profile: 202, the same NSSI" eq "$code/$(field .nssiId)" "202/$nssi"
check "... exactly {jobId, nssiId}" eq "$(keys)" '["jobId","nssiId"]'
wait_job "$(field .jobId)"
check "... its job finished/100" eq "$job" finished/100
# ONAP's reuse case: the NSMF names the NSSI
onap POST "$prov/NSS/SliceProfiles" "$(alloc_body sp-3 nsi-3 "\"nssiId\": \"$nssi\",")"
check "allocate naming the NSSI (reuse): 202, that NSSI" eq "$code/$(field .nssiId)" "202/$nssi"
job3=$(field .jobId)
wait_job "$job3"
check "... its job finished/100" eq "$job" finished/100
onap POST "$prov/NSS/SliceProfiles" "$(alloc_body sp-3 nsi-3 "\"nssiId\": \"$nssi\",")"
check "... again: the same job" eq "$code/$(field .jobId)" "202/$job3"
onap GET "$prov/NSS/nssi/$nssi"
check "the NSSI serves three profiles" eq "$(field '[.nssiInfo.networkSliceSubnet.sliceProfileList[].sliceProfileId] | join(",")')" sp-1,sp-2,sp-3
req GET /nsilcm/v1/netslice_instances
check "one slice instance behind them" eq "$(field length)" 1

# --- activation and deactivation, seen through the 3GPP dialect
moi "$nssi"
check "3GPP GET of the NSSI: 200, LOCKED" eq "$code/$(field .attributes.administrativeState)" 200/LOCKED
onap PUT "$prov/NSS/001-000001/activation" "$(actdeact_body sp-1 nsi-1 "$nssi")"
check "activation: 202 {jobId}" eq "$code $(keys)" '202 ["jobId"]'
wait_job "$(field .jobId)"
check "... job finished/100" eq "$job" finished/100
moi "$nssi"
check "3GPP: administrativeState UNLOCKED" eq "$(field .attributes.administrativeState)" UNLOCKED
check "3GPP: operationalState ENABLED" eq "$(field .attributes.operationalState)" ENABLED
onap PUT "$prov/NSS/001-000001/deactivation" "$(actdeact_body sp-1 nsi-1 "$nssi")"
check "deactivation: 202 {jobId}" eq "$code $(keys)" '202 ["jobId"]'
wait_job "$(field .jobId)"
check "... job finished/100" eq "$job" finished/100
moi "$nssi"
check "3GPP: administrativeState LOCKED again" eq "$(field .attributes.administrativeState)" LOCKED
onap PUT "$prov/NSS/001-000009/activation" "$(actdeact_body sp-1 nsi-1 "$nssi")"
check "activation of an S-NSSAI the NSSI does not serve: 404" eq "$code" 404
onap PUT "$prov/NSS/bad/activation" "$(actdeact_body sp-1 nsi-1 "$nssi")"
check "activation of a bad S-NSSAI: 400" eq "$code" 400

# --- bad requests
onap POST "$prov/NSS/SliceProfiles" '{"nsstId":"x","nsiInfo":{"nsiId":"n"}}'
check "allocate without sliceProfile: 400 naming it" test "$code" = 400 -a -n "$(grep -o "'sliceProfile'" "$tmp/body")"
onap POST "$prov/NSS/SliceProfiles" '{"sliceProfile":{"sliceProfileId":"sp-x","snssaiList":["001-000001"],"pLMNIdList":["460-00"]},"colour":"red"}'
check "allocate with an unknown member: 400 naming it" test "$code" = 400 -a -n "$(grep -o colour "$tmp/body")"
onap POST "$prov/NSS/SliceProfiles" '{"sliceProfile":{"sliceProfileId":"sp-x","snssaiList":["1-xyz"],"pLMNIdList":["460-00"]}}'
check "allocate with a bad S-NSSAI: 400 naming it" test "$code" = 400 -a -n "$(grep -o snssaiList "$tmp/body")"
onap POST "$prov/NSS/SliceProfiles" '{"sliceProfile":{"sliceProfileId":"sp-x","snssaiList":["002-000002"],"pLMNIdList":["460-00"],"latency":1}}'
check "allocate that no NST serves: 409" eq "$code" 409
onap POST "$prov/NSS/SliceProfiles" "not json"
check "allocate with a body that is not JSON: 400" eq "$code" 400
onap GET "$prov/NSS/jobs/no-such-job"
check "unknown job: 404" eq "$code" 404
onap GET "$prov/NSS/nssi/no-such-nssi"
check "unknown NSSI: 404" eq "$code" 404
req GET /nsilcm/v1/netslice_instances
check "refused requests made no slice" eq "$(field length)" 1

# --- another project's user sees none of it
jreq POST /admin/v1/projects '{"name":"blue"}'
jreq POST /admin/v1/users '{"username":"bob","password":"bob-pw","project_role_mappings":[{"project":"blue","role":"project_admin"}]}'
check "user bob in project blue: 201" eq "$code" 201
admin_otok=$otok
onap_login bob bob-pw
check "bob's token: 200" eq "$code" 200
onap GET "$prov/NSS/nssi/$nssi"
check "bob: GET the admin's NSSI: 404" eq "$code" 404
onap GET "$prov/NSS/SliceProfiles/sp-1"
check "bob: GET by its profile: 404" eq "$code" 404
onap GET "$prov/NSS/jobs/$job1"
check "bob: GET the admin's job: 404" eq "$code" 404
onap PUT "$prov/NSS/001-000001/activation" "$(actdeact_body sp-1 nsi-1 "$nssi")"
check "bob: activate it: 404" eq "$code" 404
onap PUT "$prov/NSS/nssi/$nssi" "$(alloc_body sp-b nsi-b)"
check "bob: modify it: 404" eq "$code" 404
onap DELETE "$prov/NSS/nssi/$nssi"
check "bob: terminate it: 404" eq "$code" 404
onap DELETE "$prov/NSS/SliceProfiles/sp-1" "$(dealloc_body sp-1 nsi-1 "$nssi")"
check "bob: deallocate its profile: nothing of his, 202" eq "$code" 202
wait_job "$(field .jobId)"
check "... a job already finished" eq "$job" finished/100
bob_otok=$otok
otok=$admin_otok
onap GET "$prov/NSS/nssi/$nssi"
check "the NSSI kept its three profiles" eq "$(field '.nssiInfo.networkSliceSubnet.sliceProfileList | length')" 3

# --- deallocation: one profile, then the last ones
onap DELETE "$prov/NSS/SliceProfiles/sp-2" "$(dealloc_body sp-2 nsi-2 "$nssi")"
check "deallocate sp-2: 202 {jobId}" eq "$code $(keys)" '202 ["jobId"]'
wait_job "$(field .jobId)"
check "... job finished/100" eq "$job" finished/100
check "... JobStatus keys" job_keys_ok
onap GET "$prov/NSS/nssi/$nssi"
check "the NSSI stays with sp-1 and sp-3" eq "$code $(field '[.nssiInfo.networkSliceSubnet.sliceProfileList[].sliceProfileId] | join(",")')" "200 sp-1,sp-3"
onap DELETE "$prov/NSS/SliceProfiles/sp-3"
check "deallocate sp-3 without a body: 202" eq "$code" 202
wait_job "$(field .jobId)"
check "... job finished/100" eq "$job" finished/100
onap DELETE "$prov/NSS/SliceProfiles/sp-1" "$(dealloc_body sp-1 nsi-1 "$nssi")"
check "deallocate the last profile: 202 {jobId}" eq "$code $(keys)" '202 ["jobId"]'
wait_job "$(field .jobId)"
check "... job finished/100 once the slice is terminated" eq "$job" finished/100
check "... JobStatus keys" job_keys_ok
onap GET "$prov/NSS/nssi/$nssi"
check "the NSSI is gone: 404" eq "$code" 404
moi "$nssi"
check "... for the 3GPP dialect too" eq "$code" 404
req GET "/nsilcm/v1/netslice_instances/$nsi"
check "its slice instance is terminated and removed" eq "$code" 404
req GET /nsilcm/v1/netslice_instances
check "no slice instance left" eq "$(field length)" 0
onap DELETE "$prov/NSS/SliceProfiles/sp-1" "$(dealloc_body sp-1 nsi-1 "$nssi")"
check "deallocate it again: 202 {jobId}" eq "$code $(keys)" '202 ["jobId"]'
onap GET "$prov/NSS/jobs/$(field .jobId)"
check "... a job already finished/100" eq "$(field '.responseDescriptor | "\(.status)/\(.progress)"')" finished/100
check "... JobStatus keys" job_keys_ok

# --- modify and terminate (the simulator's calls)
onap POST "$prov/NSS/SliceProfiles" "$(alloc_body sp-9 nsi-9)"
check "allocate sp-9: 202" eq "$code" 202
nssi9=$(field .nssiId)
wait_job "$(field .jobId)"
check "... finished" eq "$job" finished/100
onap PUT "$prov/NSS/nssi/$nssi9" "$(alloc_body sp-10 nsi-9)"
check "modify: a profile added by PUT nssi: 202 {jobId}" eq "$code $(keys)" '202 ["jobId"]'
wait_job "$(field .jobId)"
check "... finished" eq "$job" finished/100
onap PUT "$prov/NSS/SliceProfiles/sp-10" "$(alloc_body sp-10 nsi-9)"
check "PUT SliceProfiles with the profile as it is: 202 {jobId}" eq "$code $(keys)" '202 ["jobId"]'
wait_job "$(field .jobId)"
check "... finished" eq "$job" finished/100
# the NSSI core allocates and deallocates profiles; it does not change an
# allocated one in place (nssi.h), which is refused rather than ignored
onap PUT "$prov/NSS/SliceProfiles/sp-10" "$(alloc_body sp-10 nsi-9 | sed 's/"maxNumberofUEs": 100/"maxNumberofUEs": 200/')"
check "changing an allocated profile in place: 409 saying so" test "$code" = 409 -a -n "$(grep -o 'cannot be changed in place' "$tmp/body")"
onap GET "$prov/NSS/nssi/$nssi9"
check "the NSSI has both profiles, unchanged" eq "$(field '[.nssiInfo.networkSliceSubnet.sliceProfileList[] | "\(.sliceProfileId):\(.maxNumberofUEs)"] | join(",")')" sp-9:100,sp-10:100
onap PUT "$prov/NSS/SliceProfiles/sp-10" "$(alloc_body sp-11 nsi-9)"
check "modify with another profile id than the path's: 400" eq "$code" 400
onap DELETE "$prov/NSS/nssi/$nssi9" '{}'
check "terminate: 202 {jobId}" eq "$code $(keys)" '202 ["jobId"]'
wait_job "$(field .jobId)"
check "... finished/100" eq "$job" finished/100
onap GET "$prov/NSS/nssi/$nssi9"
check "the NSSI is gone: 404" eq "$code" 404
req GET /nsilcm/v1/netslice_instances
check "its slice instance is gone" eq "$(field length)" 0
onap DELETE "$prov/NSS/nssi/$nssi9"
check "terminate it again: 404" eq "$code" 404

# --- a slice that fails while it instantiates: the allocation's job ends in
# error saying why (slice-managers.md §8.6), and no NSSI is left
admin_tok=$tok
otok=$bob_otok
jreq POST /admin/v1/tokens '{"username":"bob","password":"bob-pw"}'
tok=$(field .id)
for f in gnb router core; do
    yreq /vnfpkgm/v1/vnf_packages_content "$src/templates/vnfd/${f}_vnfd.yaml"
done
for f in ran_edge transport core; do
    yreq /nsd/v1/ns_descriptors_content "$src/templates/nsd/${f}_nsd.yaml"
done
yreq /nst/v1/netslice_templates_content "$src/templates/nst/embb_slice_nst.yaml"
check "bob onboards the eMBB NST in blue: 201" eq "$code" 201
jreq POST /admin/v1/vim_accounts '{"name":"sim-fail","vim_type":"sim","vim_url":"u","config":{"sim":{"latency_ms":1,"fail":[{"call":"create_compute","nth":1}]}}}'
check "bob: a sim VIM that fails: 201" eq "$code" 201
onap POST "$prov/NSS/SliceProfiles" "$(alloc_body sp-b nsi-b)"
check "bob: allocate: 202 {jobId, nssiId}" eq "$code $(keys)" '202 ["jobId","nssiId"]'
nssi_b=$(field .nssiId)
check "... an NSSI of his own" test -n "$nssi_b" -a "$nssi_b" != "$nssi"
wait_job "$(field .jobId)"
check "... its job ends in error" eq "${job%%/*}" error
check "... saying why" test -n "$(field '.responseDescriptor.statusDescription // empty')"
check "... JobStatus keys" job_keys_ok
onap GET "$prov/NSS/nssi/$nssi_b"
check "... the failed NSSI is gone: 404" eq "$code" 404
req GET /nsilcm/v1/netslice_instances
check "... and its slice instance" eq "$(field length)" 0
tok=$admin_tok
otok=$admin_otok

check "no error logged" eq "$(grep -c ' error ' "$tmp/log")" 0
stop_clean
summary

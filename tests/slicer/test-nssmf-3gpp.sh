#!/bin/bash
# slicer as a 3GPP NSSMF and NSMF (slice-managers.md §3, §4, §8): a real
# slicerd on the sim VIM driven as a 3GPP NSMF drives it, over HTTPS with
# curl.  NetworkSliceSubnet MOIs by PUT/GET/PATCH/DELETE (merge and JSON
# patch), a shared profile joining an NSSI, SliceProfiles in the Rel-16
# and Rel-18 forms, ServiceProfiles (the NSMF side), NtfSubscriptionControl
# with notifications received in order by a real HTTP receiver, every
# error in 3GPP's shape and changing nothing, another project seeing
# nothing, and a restart that keeps it all.
# Everything it starts is stopped by pid; its files are removed.
# usage: test-nssmf-3gpp.sh SLICERD SOURCE_DIR
set -u
slicerd=$1
src=$2
name=nssmf-3gpp
# shellcheck source=harness.sh
. "$(dirname "$0")/harness.sh"
config "notify_retry_ms: 100
notify_retry_max_ms: 400
mns_subnetwork: Op1
nssmf_templates:
  - subnet_type: CN_SLICESUBNET
    sst: 1
    nst: slicer-embb-slice
    max_ues: 1000"
start
login
root=${base%/osm}
P=/3GPPManagement/ProvMnS/v1/SubNetwork=Op1
# m METHOD PATH [curl args]: a request on the 3GPP paths
m() {
    local meth=$1 p=$2
    shift 2
    code=$(curl -s -o "$tmp/body" -D "$tmp/headers" -w '%{http_code}' -X "$meth" \
        -H 'Accept: application/json' ${tok:+-H "Authorization: Bearer $tok"} "$@" "$root$p")
}
mj() { m "$1" "$2" -H 'Content-Type: application/json' --data-binary "$3"; }
count() { req GET "$1"; field length; }
nssi_state() { m GET "$P/NetworkSliceSubnet=$1"; field .attributes.operationalState; }
wait_enabled() { # NSSI id
    for _ in $(seq 400); do
        [ "$(nssi_state "$1")" = ENABLED ] && return 0
        sleep 0.05
    done
    return 1
}
wait_gone() { # NSSI id
    for _ in $(seq 400); do
        m GET "$P/NetworkSliceSubnet=$1"
        [ "$code" = 404 ] && return 0
        sleep 0.05
    done
    return 1
}
# a slice profile: ID SST SD SHARING [LATENCY]
profile() {
    printf '{"sliceProfileId":"%s","plmnInfoList":[{"plmnId":{"mcc":"001","mnc":"01"},"snssai":{"sst":%s,"sd":"%s"}}],"cNSliceSubnetProfile":{"maxNumberofUEs":500,"dLLatency":%s,"uLLatency":%s,"coverageAreaTAList":[{"mcc":"001","mnc":"01","tac":"0001"}],"resourceSharingLevel":"%s"}}' \
        "$1" "$2" "$3" "${5:-400}" "${5:-400}" "$4"
}

onboard_templates

# --- without a VIM account there is nothing to allocate on
mj PUT "$P/NetworkSliceSubnet=nss-a" "{\"attributes\":{\"sliceProfileList\":[$(profile sp-a 1 000001 SHARED)]}}"
check "no VIM account: 409 in 3GPP's shape, naming the cause" test "$code" = 409 -a -n "$(field .error.errorInfo | grep -o 'no VIM account')" -a "$(field .status)" = 409
m GET "$P/NetworkSliceSubnet=nss-a"
check "... and no MOI was made" eq "$code/$(field .type)" 404/NOT_FOUND
jreq POST /admin/v1/vim_accounts '{"name":"sim-a","vim_type":"sim","vim_url":"u","config":{"sim":{"latency_ms":1}}}'

# --- a subscriber
receiver r
rurl=$url_r
posts() { [ -f "$tmp/r.log" ] && jq -c 'select(.method == "POST") | .body' "$tmp/r.log"; }
wait_posts() { # N
    for _ in $(seq 400); do
        [ "$(posts | wc -l)" -ge "$1" ] && return 0
        sleep 0.05
    done
    return 1
}
mj PUT "$P/NtfSubscriptionControl=nsmf-1" "{\"id\":\"nsmf-1\",\"attributes\":{\"notificationRecipientAddress\":\"$rurl\",\"notificationTypes\":[\"notifyMOICreation\",\"notifyMOIDeletion\",\"notifyMOIAttributeValueChanges\"],\"scope\":{\"scopeType\":\"BASE_SUBTREE\",\"scopeLevel\":1}}}"
check "NtfSubscriptionControl: 201" eq "$code/$(field .objectInstance)" 201/SubNetwork=Op1,NtfSubscriptionControl=nsmf-1
mj PUT "$P/NtfSubscriptionControl=bad" '{"attributes":{"notificationRecipientAddress":"ftp://x","notificationTypes":["notifyMOICreation"]}}'
check "a subscription to a non-HTTP address: 400" eq "$code/$(field .type)" 400/VALIDATION_ERROR
mj PUT "$P/NtfSubscriptionControl=bad" "{\"attributes\":{\"notificationRecipientAddress\":\"$rurl\",\"notificationTypes\":[\"notifyEverything\"]}}"
check "an unknown notification type: 400 naming it" test "$code" = 400 -a -n "$(field .reason | grep -o "'notifyEverything'")"

# --- createMOI by PUT
mj PUT "$P/NetworkSliceSubnet=nss-a" "{\"id\":\"nss-a\",\"attributes\":{\"networkSliceSubnetType\":\"CN_SLICESUBNET\",\"priorityLabel\":3,\"sliceProfileList\":[$(profile sp-a 1 000001 SHARED)]}}"
check "PUT NetworkSliceSubnet: 201" eq "$code" 201
check "with its DN, the LOCKED default and the profile" eq "$(field '[.objectInstance, .attributes.administrativeState, .attributes.sliceProfileList[0].sliceProfileId, .attributes.priorityLabel] | join(" ")')" "SubNetwork=Op1,NetworkSliceSubnet=nss-a LOCKED sp-a 3"
check "Location is the MOI's URI" grep -qi "^location: https://127.0.0.1:$port$P/NetworkSliceSubnet=nss-a" "$tmp/headers"
nsi_a=$(field .attributes.nsInfo.nsInstanceId)
req GET "/nsilcm/v1/netslice_instances/$nsi_a"
check "its slice is the eMBB template's" eq "$code/$(field '."nst-ref"')" 200/slicer-embb-slice
check "the NSSI goes ENABLED when its slice runs" wait_enabled nss-a
m GET "$P/NetworkSliceSubnet=nss-a"
check "managedFunctionRefList lists the slice's VNFs" test "$(field '.attributes.managedFunctionRefList | length')" -ge 3
mj PUT "$P/NetworkSliceSubnet=nss-a" "{\"attributes\":{\"sliceProfileList\":[$(profile sp-a 1 000001 SHARED)]}}"
check "PUT again with the same profile: 200, no second slice" eq "$code/$(count /nsilcm/v1/netslice_instances)" 200/1

# --- errors, each changing nothing
mj PUT "$P/NetworkSliceSubnet=nss-x" "{\"attributes\":{\"sliceProfileList\":[$(profile sp-x 1 zz SHARED)]}}"
check "a bad sd: 400 naming it" test "$code" = 400 -a -n "$(field .reason | grep -o "sd 'zz'")"
mj PUT "$P/NetworkSliceSubnet=nss-x" '{"attributes":{"sliceProfileList":[{"sliceProfileId":"sp-x","plmnInfoList":[{"snssai":{"sst":1}}]}]}}'
check "no PLMN: 400 saying so" test "$code" = 400 -a -n "$(field .reason | grep -o 'no PLMN')"
mj PUT "$P/NetworkSliceSubnet=nss-x" "{\"attributes\":{\"colour\":1,\"sliceProfileList\":[$(profile sp-x 1 000009 SHARED)]}}"
check "an unknown attribute: 400 naming it" test "$code" = 400 -a -n "$(field .reason | grep -o "unknown attribute 'colour'")"
mj PUT "$P/NetworkSliceSubnet=nss-x" "{\"attributes\":{\"operationalState\":\"ENABLED\",\"sliceProfileList\":[$(profile sp-x 1 000009 SHARED)]}}"
check "a read-only attribute: 400" test "$code" = 400 -a -n "$(field .reason | grep -o 'read-only')"
mj PUT "$P/NetworkSliceSubnet=nss-x" "{\"id\":\"other\",\"attributes\":{\"sliceProfileList\":[$(profile sp-x 1 000009 SHARED)]}}"
check "an id that is not the URI's: 400" eq "$code" 400
mj PUT "$P/NetworkSliceSubnet=nss-x" "{\"attributes\":{\"sliceProfileList\":[$(profile sp-x 2 000002 NON_SHARED 1)]}}"
check "URLLC within 1 ms: no NST serves it, 409 with the reasons" test "$code" = 409 -a -n "$(field .reason | grep -o 'exceeds the latency bound 1 ms')"
mj PUT "$P/NetworkSliceSubnet=nss-x" "{\"attributes\":{\"sliceProfileList\":[$(profile sp-x 1 000001 NON_SHARED)]}}"
check "the same S-NSSAI unshared: 409" test "$code" = 409 -a -n "$(field .reason | grep -o 'is allocated to request')"
mj PUT "$P/NetworkSliceSubnet=nss-x" "{\"attributes\":{\"sliceProfileList\":[$(profile sp-x 1 000001 SHARED)]}}"
check "a chosen id that would share nss-a's slice: 409 pointing there" test "$code" = 409 -a -n "$(field .reason | grep -o "NetworkSliceSubnet 'nss-a'")"
mj PUT "/3GPPManagement/ProvMnS/v1/SubNetwork=Other/NetworkSliceSubnet=nss-x" '{"attributes":{}}'
check "another SubNetwork: 404" eq "$code" 404
mj PUT "$P/ManagedElement=me-1" '{"attributes":{}}'
check "a class slicer does not have: 404 naming it" test "$code" = 404 -a -n "$(field .reason | grep -o 'class ManagedElement')"
m PUT "$P/NetworkSliceSubnet=nss-x" -H 'Content-Type: application/json' --data-binary '{"attributes":'
check "a body that is not JSON: 400" eq "$code" 400
good_tok=$tok
tok=nope
m GET "$P/NetworkSliceSubnet=nss-a"
tok=$good_tok
check "a bad token: 401 in 3GPP's shape" eq "$code/$(field .status)" 401/401
check "the errors made nothing: one NSSI, one slice, one slice request" eq "$(m GET "$P?scopeType=BASE_SUBTREE&scopeLevel=1"; field '.NetworkSliceSubnet | length')/$(count /nsilcm/v1/netslice_instances)/$(req GET /../nsmf/v1/slice_requests; field length)" 1/1/1

# --- Rel-16 SliceProfiles: a shared profile joins nss-a
mj POST /ObjectManagement/NSS/SliceProfiles "{\"attributeListIn\":$(profile sp-b 1 000001 SHARED 300)}"
check "Rel-16 allocate: 200 with the NSSI's href" eq "$code/$(field .href)" "200/https://127.0.0.1:$port$P/NetworkSliceSubnet=nss-a"
check "... and attributeListOut names it" eq "$(field .attributeListOut.nSSId)" nss-a
mj POST /ObjectManagement/NSS/SliceProfiles "{\"attributeListIn\":$(profile sp-b 1 000001 SHARED 300)}"
check "the same profile again: the same answer, nothing new" eq "$code/$(field .attributeListOut.nSSId)/$(count /nsilcm/v1/netslice_instances)" 200/nss-a/1
m GET "$P/NetworkSliceSubnet=nss-a?attributes=sliceProfileList"
check "nss-a has both profiles; only the attribute asked" eq "$(field '[.attributes.sliceProfileList[].sliceProfileId] | join(",")')/$(field '.attributes | keys | join(",")')" "sp-a,sp-b/sliceProfileList"

mj POST /ObjectManagement/NSS/SliceProfiles "{\"attributeListIn\":$(profile sp-c 1 000001 SHARED 300)}"
check "a third shared profile of 500 UEs: 409, the NSSI's template serves 1000" test "$code" = 409 -a -n "$(field .reason | grep -o "does not fit NetworkSliceSubnet 'nss-a' (nst slicer-embb-slice serves at most 1000 UEs, its profiles have 1000)")"
m GET "$P/NetworkSliceSubnet=nss-a"
check "... and nss-a keeps its two profiles, no slice request more" eq "$(field '.attributes.sliceProfileList | length')/$(req GET /../nsmf/v1/slice_requests; field length)" 2/2

# --- Rel-18 SliceProfiles: URLLC gets an NSSI of its own
mj POST /3GPPManagement/NSSProvMnS/v1/SliceProfiles "$(profile sp-u 2 000002 NON_SHARED 20)"
check "Rel-18 allocate: 201 with the profile's URI as a JSON string" test "$code" = 201 -a "$(jq -r 'type' "$tmp/body")" = string
uri=$(jq -r . "$tmp/body")
nss_u=$(sed -n 's/.*NetworkSliceSubnet=\([^/]*\)\/SliceProfile=sp-u$/\1/p' <<<"$uri")
check "the URI names a new NSSI and the profile" test -n "$nss_u" -a "$nss_u" != nss-a
check "the URLLC NSSI goes ENABLED" wait_enabled "$nss_u"
m GET "$P/NetworkSliceSubnet=$nss_u"
check "on the URLLC template's slice" eq "$(req GET "/nsilcm/v1/netslice_instances/$(jq -r .attributes.nsInfo.nsInstanceId "$tmp/body")"; field '."nst-ref"')" slicer-urllc-slice
m DELETE "/3GPPManagement/NSSProvMnS/v1/SliceProfiles/sp-u"
check "Rel-18 deallocate without networkSliceSubnetDN: 400" eq "$code" 400
m DELETE "/3GPPManagement/NSSProvMnS/v1/SliceProfiles/sp-u?networkSliceSubnetDN=SubNetwork=Op1,NetworkSliceSubnet=$nss_u"
check "Rel-18 deallocate: 204" eq "$code" 204
check "the URLLC NSSI is gone with its last profile" wait_gone "$nss_u"
m DELETE "/3GPPManagement/NSSProvMnS/v1/SliceProfiles/sp-u?networkSliceSubnetDN=SubNetwork=Op1,NetworkSliceSubnet=$nss_u"
check "deallocating it again: 204" eq "$code" 204

# --- transport endpoints (TS 28.541 EP_Transport) in the profile: the NS
# virtual link of the endpoint's sapd goes on the NSMF's link
ep_profile() { # ID TYPE IP SAPD
    profile "$1" 2 000002 NON_SHARED 20 | jq -c --arg t "$2" --arg ip "$3" --arg s "$4" \
        '. + {epTransport: [{id: "n6", ipAddress: $ip, logicalInterfaceInfo: {logicalInterfaceType: $t, logicalInterfaceId: "3005"}, nextHopInfo: "10.250.0.1", epApplicationRef: [$s]}]}'
}
nsis_before=$(count /nsilcm/v1/netslice_instances)
mj POST /3GPPManagement/NSSProvMnS/v1/SliceProfiles "$(ep_profile sp-e MPLS_TAG 10.250.0.128/24 core-n3)"
check "an endpoint of another type than VLAN_ID: 400 naming the field and value" test "$code" = 400 -a -n "$(field .reason | grep -o "logicalInterfaceType: 'MPLS_TAG'")"
mj POST /3GPPManagement/NSSProvMnS/v1/SliceProfiles "$(ep_profile sp-e VLAN_ID 10.250.0.255/24 core-n3)"
check "an endpoint address that is the subnet's broadcast: 400 naming it" test "$code" = 400 -a -n "$(field .reason | grep -o "ipAddress: '10.250.0.255/24'")"
mj POST /3GPPManagement/NSSProvMnS/v1/SliceProfiles "$(ep_profile sp-e VLAN_ID 10.250.0.128/24 no-such-sapd)"
check "an endpoint for a sapd no subnet has: 400 naming it" test "$code" = 400 -a -n "$(field .reason | grep -o "'no-such-sapd'")"
mj POST /3GPPManagement/NSSProvMnS/v1/SliceProfiles "$(ep_profile sp-e VLAN_ID 10.250.0.128/24 core-n3)"
check "an endpoint for a sapd on a netslice-vld of the NST: 400 naming both" test "$code" = 400 -a -n "$(field .reason | grep -o "sapd 'core-n3' of subnet 'core' is on netslice-vld 'n3-core'")"
check "... and none of them made a slice" eq "$(count /nsilcm/v1/netslice_instances)" "$nsis_before"
mj POST /3GPPManagement/NSSProvMnS/v1/SliceProfiles "$(ep_profile sp-e VLAN_ID 10.250.0.128/24 core-n6)"
check "a profile with an endpoint (the core's N6, on no netslice-vld): 201" eq "$code" 201
nss_e=$(jq -r . "$tmp/body" | sed -n 's/.*NetworkSliceSubnet=\([^/]*\)\/SliceProfile=sp-e$/\1/p')
check "its NSSI goes ENABLED" wait_enabled "$nss_e"
m GET "$P/NetworkSliceSubnet=$nss_e"
check "the NSSI refers to the endpoint as an EP_Transport MOI" eq "$(field '.attributes.epTransportRefList[0]')" "SubNetwork=Op1,EP_Transport=$nss_e.n6"
nsi_e=$(field .attributes.nsInfo.nsInstanceId)
m GET "$P/EP_Transport=$nss_e.n6"
check "GET of it: its VLAN and the sapd it is for" eq "$code/$(field .objectClass)/$(field .attributes.logicalInterfaceInfo.logicalInterfaceId)/$(field '.attributes.epApplicationRef[0]')" "200/EP_Transport/3005/core-n6"
m DELETE "$P/EP_Transport=$nss_e.n6"
check "it is read-only: DELETE 409" eq "$code" 409
m GET "$P/EP_Transport=$nss_e.other"
check "an endpoint it lacks: 404" eq "$code" 404
req GET "/nslcm/v1/ns_instances?name=$(req GET "/nsilcm/v1/netslice_instances/$nsi_e"; field .name).core"
check "its core is an NS of its own (a shared one cannot be on the NSMF's link)" eq "$(field length)" 1
check "... its n6 on the endpoint's VLAN, addresses from the endpoint's to the subnet's end" \
    eq "$(field '.[0].instantiate_params.vld[] | select(.name == "n6") | "\(."provider-network"."segmentation-id") \(."ip-profile"."subnet-address") \(."ip-profile"."dhcp-params"."start-address") \(."ip-profile"."dhcp-params".count)"')" \
    "3005 10.250.0.0/24 10.250.0.128 127"
m DELETE "/3GPPManagement/NSSProvMnS/v1/SliceProfiles/sp-e?networkSliceSubnetDN=SubNetwork=Op1,NetworkSliceSubnet=$nss_e"
check "deallocating it: 204, the NSSI goes" test "$code" = 204 -a -n "$(wait_gone "$nss_e" && echo gone)"

# --- modifyMOIAttributes: activation by merge patch, JSON patch
m PATCH "$P/NetworkSliceSubnet=nss-a" -H 'Content-Type: application/merge-patch+json' --data-binary '{"attributes":{"administrativeState":"UNLOCKED"}}'
check "merge patch UNLOCKED: 200" eq "$code/$(field .attributes.administrativeState)" 200/UNLOCKED
m PATCH "$P/NetworkSliceSubnet=nss-a" -H 'Content-Type: application/json-patch+json' --data-binary '[{"op":"replace","path":"/attributes/userLabel","value":"core of Op1"}]'
check "JSON patch of userLabel: 200" eq "$code/$(field .attributes.userLabel)" "200/core of Op1"
m PATCH "$P/NetworkSliceSubnet=nss-a" -H 'Content-Type: application/merge-patch+json' --data-binary '{"attributes":{"administrativeState":"OPEN"}}'
check "a bad administrativeState: 400 naming it" test "$code" = 400 -a -n "$(field .reason | grep -o "'OPEN'")"
m PATCH "$P/NetworkSliceSubnet=nss-a" -H 'Content-Type: application/json-patch+json' --data-binary '[{"op":"move","path":"/attributes/userLabel","from":"/x"}]'
check "an unsupported patch operation: 400" eq "$code" 400
m PATCH "$P/NetworkSliceSubnet=nss-a" -H 'Content-Type: application/json-patch+json' --data-binary '[{"op":"remove","path":"/attributes/sliceProfileList/1"}]'
check "JSON patch removing sp-b: 200, sp-a left" eq "$code/$(field '[.attributes.sliceProfileList[].sliceProfileId] | join(",")')" 200/sp-a
m DELETE "/ObjectManagement/NSS/SliceProfiles/sp-b"
check "Rel-16 deallocate of a profile already gone: 204" eq "$code" 204

# --- another project sees nothing
jreq POST /admin/v1/projects '{"name":"other"}'
jreq POST /admin/v1/users '{"username":"eve","password":"eve-secret-1","project_role_mappings":[{"project":"other","role":"project_admin"}]}'
admin_tok=$tok
jreq POST /admin/v1/tokens '{"username":"eve","password":"eve-secret-1"}'
tok=$(field .id)
m GET "$P/NetworkSliceSubnet=nss-a"
check "another project: nss-a is 404" eq "$code" 404
m GET "$P?scopeType=BASE_ALL"
check "another project lists no NSSI and no subscription" eq "$(field '.NetworkSliceSubnet | length')/$(field '.NtfSubscriptionControl | length')" 0/0
m DELETE "$P/NetworkSliceSubnet=nss-a"
check "another project cannot delete it" eq "$code" 404
m PATCH "$P/NetworkSliceSubnet=nss-a" -H 'Content-Type: application/merge-patch+json' --data-binary '{"attributes":{"administrativeState":"LOCKED"}}'
check "nor lock it" eq "$code" 404
tok=$admin_tok

# --- ServiceProfiles: the NSMF side
sp='{"serviceProfileId":"svc-1","plmnInfoList":[{"plmnId":{"mcc":"001","mnc":"01"},"snssai":{"sst":1}}],"maxNumberofUEs":100,"dLLatency":400,"uLLatency":400,"networkSliceSharingIndicator":"NON_SHARED"}'
mj POST /3GPPManagement/NSProvMnS/v1/ServiceProfiles "$sp"
check "Rel-18 ServiceProfile: 201 with its URI" test "$code" = 201 -a -n "$(jq -r . "$tmp/body" | grep -o 'NetworkSlice=.*/ServiceProfile=svc-1$')"
nsi_s=$(jq -r . "$tmp/body" | sed -n 's/.*NetworkSlice=\([^/]*\)\/.*/\1/p')
mj POST /ObjectManagement/NS/ServiceProfiles "{\"attributeListIn\":$sp}"
check "the same ServiceProfile by Rel-16: the same slice" eq "$code/$(field .attributeListOut.nSId)" "200/$nsi_s"
for _ in $(seq 400); do
    m GET "$P/NetworkSlice=$nsi_s"
    [ "$(field .attributes.operationalState)" = ENABLED ] && break
    sleep 0.05
done
check "its NetworkSlice MOI goes ENABLED, listing the profile" eq "$(field .attributes.operationalState)/$(field '.attributes.serviceProfileList[0].serviceProfileId')" ENABLED/svc-1
m DELETE "/3GPPManagement/NSProvMnS/v1/ServiceProfiles/svc-1?networkSliceDN=SubNetwork=Op1,NetworkSlice=$nsi_s"
check "deallocateNsi: 204" eq "$code" 204
for _ in $(seq 400); do
    req GET "/nsilcm/v1/netslice_instances/$nsi_s"
    [ "$code" = 404 ] && break
    sleep 0.05
done
check "the slice is terminated and removed" eq "$code" 404

# --- a restart keeps the NSSI and the subscription
kill -9 "$pid"
wait "$pid" 2>/dev/null
start
login
root=${base%/osm}
m GET "$P/NetworkSliceSubnet=nss-a"
check "after kill -9 and restart: nss-a is there, ENABLED and UNLOCKED" eq "$code/$(field .attributes.operationalState)/$(field .attributes.administrativeState)" 200/ENABLED/UNLOCKED

# --- deleteMOI
m DELETE "$P/NetworkSliceSubnet=nss-a"
check "DELETE NetworkSliceSubnet: 204" eq "$code" 204
m GET "$P/NetworkSliceSubnet=nss-a"
check "then it is 404" eq "$code" 404
for _ in $(seq 400); do
    [ "$(count /nsilcm/v1/netslice_instances)" = 0 ] && break
    sleep 0.05
done
check "its slice is terminated and removed" eq "$(count /nsilcm/v1/netslice_instances)" 0
m DELETE "$P/NetworkSliceSubnet=nss-a"
check "DELETE again: 404" eq "$code" 404

# --- what the subscriber heard, in order
check "the subscriber heard the deletion" wait_posts 1
sleep 0.5
seen=$(posts | jq -r 'select(.href | endswith("=nss-a")) | .notificationType + (if .attributeListValueChanges then ":" + (.attributeListValueChanges[0] | keys | join("+")) else "" end)' | tr '\n' ' ')
check "nss-a: created, ENABLED, profile added, UNLOCKED ... deleted" test -n "$(grep -o '^notifyMOICreation notifyMOIAttributeValueChanges:operationalState .*notifyMOIAttributeValueChanges:sliceProfileList .*notifyMOIAttributeValueChanges:administrativeState .*notifyMOIDeletion $' <<<"$seen")"
[ -n "$(grep -o '^notifyMOICreation' <<<"$seen")" ] || echo "  heard: $seen" >&2
check "notificationIds increase" test "$(posts | jq -s '[.[].notificationId] | . == sort and (unique | length) == length')" = true
check "each has the header fields" test "$(posts | jq -s 'all(.href and .notificationId and .eventTime and .systemDN == "SubNetwork=Op1,ManagementNode=slicerd" and .subscriptionId == "nsmf-1")')" = true
check "ENABLED came with the old value" test "$(posts | jq -s '[.[] | select(.attributeListValueChanges[0].operationalState == "ENABLED")][0].attributeListValueChanges[1].operationalState')" = '"DISABLED"'
m DELETE "$P/NtfSubscriptionControl=nsmf-1"
check "unsubscribe: 204" eq "$code" 204
m GET "$P/NtfSubscriptionControl=nsmf-1"
check "then it is 404" eq "$code" 404

stop_clean
stop_receivers
summary

#!/bin/bash
# Integration test of subscriptions and notifications (/osm/nslcm/v1 and
# /osm/nsilcm/v1 subscriptions) on the sim VIM: a real slicerd and real
# HTTP receivers (receiver.py, Python's http.server on loopback) started
# by the test.  Covers the callback test (GET -> 204) and bad
# subscriptions that make nothing, NS and slice operation notifications
# in order with their filters and credentials, a receiver that is down
# (retries until it is back, order kept), notifications that survive a
# restart of slicerd, giving up after the configured attempts, and
# deleting a subscription.
# Everything it starts is stopped by pid; its files are removed.
# usage: test-notify.sh SLICERD SOURCE_DIR
set -u
slicerd=$1
src=$2
name=notify
# shellcheck source=harness.sh
. "$(dirname "$0")/harness.sh"
config "notify_retry_ms: 100
notify_retry_max_ms: 400
notify_attempts: 10"
start

stop_receiver() { # NAME
    local r
    r=$(eval echo "\$rpid_$1")
    kill "$r" 2>/dev/null
    wait "$r" 2>/dev/null
}
posts() { # NAME: the notifications received, one JSON per line
    [ -f "$tmp/$1.log" ] && jq -c 'select(.method == "POST") | .body' "$tmp/$1.log"
}
n_posts() { posts "$1" | wc -l; }
wait_posts() { # NAME N: until N notifications arrived (20 s at most)
    for _ in $(seq 400); do
        [ "$(n_posts "$1")" -ge "$2" ] && return
        sleep 0.05
    done
}
# a compact view: "type state" or "type" per notification
seen() { posts "$1" | jq -r '[.notificationType, .operation // empty, .operationState // empty] | join(" ")'; }
wait_op() { # URL of an operation -> final operationState in $state
    for _ in $(seq 300); do
        req GET "$1"
        state=$(field .operationState)
        case $state in PROCESSING | ROLLING_BACK) ;; *) return ;; esac
        sleep 0.05
    done
}

login
onboard_templates
jreq POST /admin/v1/vim_accounts '{"name":"sim","vim_type":"sim","vim_url":"u","config":{"sim":{"latency_ms":1}}}'
vim=$(field .id)
req GET '/nsd/v1/ns_descriptors?id=slicer-core-ns'
core_nsd=$(field '.[0]._id')

receiver a
receiver b
# --- bad subscriptions: a clear 422 each, nothing made
bad_sub() { # description, body
    jreq POST /nslcm/v1/subscriptions "$2"
    check "$1: 422" eq "$code" 422
    check "$1: says why" grep -q "$3" "$tmp/body"
}
bad_sub "ftp callback" '{"callbackUri":"ftp://127.0.0.1/x"}' "callbackUri 'ftp://127.0.0.1/x' is not an http or https URL"
bad_sub "no callback" '{"filter":{}}' "callbackUri (a string) is required"
bad_sub "unknown filter member" "{\"callbackUri\":\"$url_a\",\"filter\":{\"colour\":[\"red\"]}}" "filter has no member 'colour'"
bad_sub "bad operation state" "{\"callbackUri\":\"$url_a\",\"filter\":{\"operationStates\":[\"DONE\"]}}" "filter.operationStates\[0\] 'DONE' is not one of PROCESSING"
bad_sub "NsChangeNotification" "{\"callbackUri\":\"$url_a\",\"filter\":{\"notificationTypes\":[\"NsChangeNotification\"]}}" "NsChangeNotification is not sent"
bad_sub "OSM's rule on op notifications" "{\"callbackUri\":\"$url_a\",\"filter\":{\"notificationTypes\":[\"NsLcmOperationOccurrenceNotification\"]}}" "operationTypes or filter.operationStates is required"
bad_sub "two instance lists" "{\"callbackUri\":\"$url_a\",\"filter\":{\"nsInstanceSubscriptionFilter\":{\"nsInstanceIds\":[\"x\"],\"nsInstanceNames\":[\"y\"]}}}" "only one of"
bad_sub "unsupported auth" "{\"callbackUri\":\"$url_a\",\"authentication\":{\"authType\":[\"OAUTH2_CLIENT_CREDENTIALS\"]}}" "is not supported"
echo 404 >"$tmp/a.log.get-status"
bad_sub "callback answering 404 to its test" "{\"callbackUri\":\"$url_a\"}" "answered its test (GET) with HTTP status 404, not 204"
rm "$tmp/a.log.get-status"
bad_sub "callback nobody listens on" '{"callbackUri":"http://127.0.0.1:1/x"}' "failed its test"
req GET /nslcm/v1/subscriptions
check "no subscription was made" eq "$(field length)" 0

# --- subscriptions
jreq POST /nslcm/v1/subscriptions "{\"CallbackUri\":\"$url_a\",\"authentication\":{\"authType\":\"basic\",\"paramsBasic\":{\"userName\":\"osm\",\"password\":\"s3cret\"}},\"filter\":{\"nsInstanceSubscriptionFilter\":{\"nsdIds\":[\"slicer-core-ns\"]}}}"
check "nslcm subscription: 201" eq "$code" 201
sub_a=$(field .id)
check "201 body: id, callbackUri, filter, _links" eq "$(field '[.callbackUri, .filter.nsInstanceSubscriptionFilter.nsdIds[0], ._links.self.href] | join(" ")')" "$url_a slicer-core-ns /osm/nslcm/v1/subscriptions/$sub_a"
check "Location of the subscription" grep -qi "^location: /osm/nslcm/v1/subscriptions/$sub_a" "$tmp/headers"
check "the callback was tested with GET and its credentials" eq "$(jq -r 'select(.method == "GET") | .auth' "$tmp/a.log" | tail -n 1)" "Basic $(printf osm:s3cret | base64)"
jreq POST /nslcm/v1/subscriptions "{\"CallbackUri\":\"$url_a\",\"filter\":{\"nsInstanceSubscriptionFilter\":{\"nsdIds\":[\"slicer-core-ns\"]}}}"
check "the same subscription again: 303 to it" test "$code" = 303 -a "$(field .id)" = "$sub_a"
req GET "/nslcm/v1/subscriptions/$sub_a"
check "GET shows it, delivery state included" eq "$(field '[.callbackUri, ._admin.delivery.delivered, ._admin.delivery.pending] | join(" ")')" "$url_a 0 0"
check "the password is never shown" test -z "$(grep -o s3cret "$tmp/body")"
req GET /nslcm/v1/subscriptions
check "listed" eq "$(field '[.[].id] | join(" ")')" "$sub_a"
check "listing shows no password" test -z "$(grep -o s3cret "$tmp/body")"
jreq POST /nsilcm/v1/subscriptions "{\"callbackUri\":\"$url_b\",\"authentication\":{\"authType\":\"BEARER\",\"paramsBearer\":{\"token\":\"tok-123\"}},\"filter\":{\"nsiInstanceSubscriptionFilter\":{\"nsiInstanceNames\":[\"slice-a\"]},\"operationStates\":[\"PROCESSING\",\"COMPLETED\",\"FAILED\",\"ROLLED_BACK\"]}}"
check "nsilcm subscription: 201" eq "$code" 201
sub_b=$(field .id)
req GET /nsilcm/v1/subscriptions
check "slice subscriptions are apart from NS ones" eq "$(field '[.[].id] | join(" ")')" "$sub_b"

# --- NS notifications: creation, then the operation's START and RESULT
jreq POST /nslcm/v1/ns_instances_content "{\"nsName\":\"core1\",\"nsdId\":\"$core_nsd\",\"vimAccountId\":\"$vim\"}"
check "NS core1 created" eq "$code" 201
ns1=$(field .id)
op1=$(field .nslcmop_id)
wait_op "/nslcm/v1/ns_lcm_op_occs/$op1"
check "core1 instantiated" eq "$state" COMPLETED
wait_posts a 3
check "creation, START, RESULT in order" eq "$(seen a | tr '\n' ,)" "NsIdentifierCreationNotification,NsLcmOperationOccurrenceNotification INSTANTIATE PROCESSING,NsLcmOperationOccurrenceNotification INSTANTIATE COMPLETED,"
check "notification fields" eq "$(posts a | sed -n 3p | jq -r '[.nsInstanceId, .nsLcmOpOccId, .subscriptionId, .notificationStatus, ._links.nsInstance.href, ._links.nslcmOpOcc.href, ._links.subscription.href, (.id | length)] | join(" ")')" "$ns1 $op1 $sub_a RESULT /osm/nslcm/v1/ns_instances/$ns1 /osm/nslcm/v1/ns_lcm_op_occs/$op1 /osm/nslcm/v1/subscriptions/$sub_a 36"
check "START before RESULT" eq "$(posts a | sed -n 2p | jq -r .notificationStatus)" START
check "POSTs carry the credentials" eq "$(jq -r 'select(.method == "POST") | .auth' "$tmp/a.log" | sort -u)" "Basic $(printf osm:s3cret | base64)"
req GET "/nslcm/v1/subscriptions/$sub_a"
check "delivery state: 3 delivered, none pending" eq "$(field '[._admin.delivery.delivered, ._admin.delivery.pending, ._admin.delivery.state] | join(" ")')" "3 0 ok"
# an NS of another NSD is filtered out
req GET '/nsd/v1/ns_descriptors?id=slicer-transport-ns'
jreq POST /nslcm/v1/ns_instances_content "{\"nsName\":\"tn1\",\"nsdId\":\"$(field '.[0]._id')\",\"vimAccountId\":\"$vim\"}"
ns2=$(field .id)
wait_op "/nslcm/v1/ns_lcm_op_occs/$(field .nslcmop_id)"
check "tn1 instantiated" eq "$state" COMPLETED

# --- the receiver is down: retries until it is back, order kept
stop_receiver a
port_a=$(cat "$tmp/a.port")
jreq POST "/nslcm/v1/ns_instances/$ns1/terminate" '{}'
op2=$(field .id)
wait_op "/nslcm/v1/ns_lcm_op_occs/$op2"
check "core1 terminated while the receiver is down" eq "$state" COMPLETED
for _ in $(seq 100); do
    req GET "/nslcm/v1/subscriptions/$sub_a"
    [ "$(field ._admin.delivery.state)" = retrying ] && break
    sleep 0.05
done
check "delivery: retrying, two pending, the error kept" eq "$(field '[._admin.delivery.state, ._admin.delivery.pending] | join(" ")')" "retrying 2"
check "the error names the callback" grep -q "POST $url_a" "$tmp/body"
receiver a "$port_a"
wait_posts a 5
check "after the receiver is back: terminate START, RESULT, in order" eq "$(seen a | tail -n 2 | tr '\n' ,)" "NsLcmOperationOccurrenceNotification TERMINATE PROCESSING,NsLcmOperationOccurrenceNotification TERMINATE COMPLETED,"
check "tn1 (another NSD) never notified" test -z "$(posts a | jq -r "select(.nsInstanceId == \"$ns2\") | .nsInstanceId")"

# --- undelivered notifications survive a restart of slicerd
stop_receiver a
req DELETE "/nslcm/v1/ns_instances/$ns1"
check "core1 deleted" eq "$code" 204
for _ in $(seq 100); do
    req GET "/nslcm/v1/subscriptions/$sub_a"
    [ "$(field ._admin.delivery.state)" = retrying ] && break
    sleep 0.05
done
kill -9 "$pid"
wait "$pid" 2>/dev/null
receiver a "$port_a"
start
login
wait_posts a 6
check "the deletion sent after the restart" eq "$(seen a | tail -n 1)" NsIdentifierDeletionNotification
check "nothing sent twice" eq "$(posts a | jq -r .id | sort | uniq -d | wc -l)" 0

# --- slice notifications, filtered by slice name
jreq POST /nsilcm/v1/netslice_instances_content "{\"nsiName\":\"slice-a\",\"nstId\":\"slicer-embb-slice\",\"vimAccountId\":\"$vim\"}"
nsi_a=$(field .id)
sop=$(field .nsilcmop_id)
wait_op "/nsilcm/v1/nsi_lcm_op_occs/$sop"
check "slice-a instantiated" eq "$state" COMPLETED
jreq POST /nsilcm/v1/netslice_instances_content "{\"nsiName\":\"slice-b\",\"nstId\":\"slicer-urllc-slice\",\"vimAccountId\":\"$vim\"}"
wait_op "/nsilcm/v1/nsi_lcm_op_occs/$(field .nsilcmop_id)"
check "slice-b instantiated" eq "$state" COMPLETED
wait_posts b 3
check "slice-a: creation, START and RESULT of its instantiation" eq "$(seen b | tr '\n' ,)" "NsiIdentifierCreationNotification,NsiLcmOperationOccurrenceNotification INSTANTIATE PROCESSING,NsiLcmOperationOccurrenceNotification INSTANTIATE COMPLETED,"
check "slice notification fields" eq "$(posts b | sed -n 3p | jq -r '[.nsiInstanceId, .nsiLcmOpOccId, .subscriptionId, ._links.nsiInstance.href, ._links.nsiLcmOpOcc.href] | join(" ")')" "$nsi_a $sop $sub_b /osm/nsilcm/v1/netslice_instances/$nsi_a /osm/nsilcm/v1/nsi_lcm_op_occs/$sop"
check "bearer credentials" eq "$(jq -r 'select(.method == "POST") | .auth' "$tmp/b.log" | sort -u)" "Bearer tok-123"
jreq POST "/nsilcm/v1/netslice_instances/$nsi_a/terminate" '{"autoremove":true}'
wait_op "/nsilcm/v1/nsi_lcm_op_occs/$(field .id)"
check "slice-a terminated" eq "$state" COMPLETED
wait_posts b 6
check "slice-a terminate and autoremove notified" eq "$(seen b | tail -n 3 | tr '\n' ,)" "NsiLcmOperationOccurrenceNotification TERMINATE PROCESSING,NsiLcmOperationOccurrenceNotification TERMINATE COMPLETED,NsiIdentifierDeletionNotification,"
check "slice-b never: 6 slice notifications in all" eq "$(n_posts b)" 6

# --- a receiver that refuses: given up after the configured attempts
echo 500 >"$tmp/b.log.post-status"
jreq POST /nsilcm/v1/netslice_instances_content "{\"nsiName\":\"slice-a\",\"nstId\":\"slicer-embb-slice\",\"vimAccountId\":\"$vim\"}"
nsi_a2=$(field .id)
wait_op "/nsilcm/v1/nsi_lcm_op_occs/$(field .nsilcmop_id)"
for _ in $(seq 600); do
    req GET "/nsilcm/v1/subscriptions/$sub_b"
    [ "$(field ._admin.delivery.failed)" = 3 ] && break
    sleep 0.05
done
check "creation, START, RESULT given up after 10 attempts each" eq "$(field '[._admin.delivery.failed, ._admin.delivery.pending, ._admin.delivery.state] | join(" ")')" "3 0 gave-up"
check "the last error is the receiver's status" grep -q "HTTP status 500" "$tmp/body"
rm "$tmp/b.log.post-status"

# --- deleting a subscription stops its notifications
req DELETE "/nsilcm/v1/subscriptions/$sub_b"
check "delete subscription: 204" eq "$code" 204
req GET "/nsilcm/v1/subscriptions/$sub_b"
check "then 404" eq "$code" 404
req DELETE "/nsilcm/v1/subscriptions/$sub_b"
check "delete again: 404" eq "$code" 404
before=$(n_posts b)
jreq POST "/nsilcm/v1/netslice_instances/$nsi_a2/terminate" '{"autoremove":true}'
wait_op "/nsilcm/v1/nsi_lcm_op_occs/$(field .id)"
check "slice-a terminated again" eq "$state" COMPLETED
sleep 0.3
check "no notification after the delete" eq "$(n_posts b)" "$before"

# --- actions are notified as any operation
tar -C "$src/tests/slicer/primitives" -czf "$tmp/prim.tar.gz" prim_vnfd.yaml scripts/conf.sh
req POST /vnfpkgm/v1/vnf_packages_content -H 'Content-Type: application/gzip' --data-binary "@$tmp/prim.tar.gz"
yreq /nsd/v1/ns_descriptors_content "$src/tests/slicer/primitives/prim_nsd.yaml"
receiver c
jreq POST /nslcm/v1/subscriptions "{\"callbackUri\":\"$url_c\",\"filter\":{\"notificationTypes\":[\"NsLcmOperationOccurrenceNotification\"],\"operationTypes\":[\"ACTION\"]}}"
check "a subscription to actions: 201" eq "$code" 201
jreq POST /nslcm/v1/ns_instances_content "{\"nsName\":\"p1\",\"nsdId\":\"prim-ns\",\"vimAccountId\":\"$vim\",\"additionalParamsForNs\":{\"greeting\":\"hi\"}}"
prim_ns=$(field .id)
wait_op "/nslcm/v1/ns_lcm_op_occs/$(field .nslcmop_id)"
check "an NS with primitives instantiated" eq "$state" COMPLETED
jreq POST "/nslcm/v1/ns_instances/$prim_ns/action" '{"member_vnf_index":"1","primitive":"touch","primitive_params":{"filename":"/tmp/z"}}'
act=$(field .id)
wait_op "/nslcm/v1/ns_lcm_op_occs/$act"
wait_posts c 2
check "the action's start and result are notified, nothing else" eq "$(seen c | tr '\n' ,)" "NsLcmOperationOccurrenceNotification ACTION PROCESSING,NsLcmOperationOccurrenceNotification ACTION COMPLETED,"
check "... naming the occurrence" eq "$(posts c | jq -r .nsLcmOpOccId | sort -u)" "$act"

# --- a subscription still being tested when slicerd stops gets 503
echo 3 >"$tmp/a.log.get-delay"
curl -s -o "$tmp/late" -w '%{http_code}' -X POST -H "Authorization: Bearer $tok" \
    -H 'Content-Type: application/json' -H 'Accept: application/json' \
    --data-binary "{\"callbackUri\":\"$url_a/late\"}" "$base/nslcm/v1/subscriptions" >"$tmp/late.code" &
curl_pid=$!
for _ in $(seq 100); do
    grep -q '/late' "$tmp/a.log" && break
    sleep 0.05
done
kill "$pid"
wait "$pid"
check "slicerd stops cleanly with a request waiting" eq "$?" 0
pid=
wait "$curl_pid"
check "the waiting request: 503" eq "$(cat "$tmp/late.code")" 503
check "503 says why" grep -q "slicerd is stopping" "$tmp/late"

stop_receivers
summary

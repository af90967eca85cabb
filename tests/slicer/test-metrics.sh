#!/bin/bash
# The operator's numbers (issue 25): slicerd's GET /metrics in
# Prometheus' text format, checked by the real promtool and scraped by a
# real Prometheus (Debian's).  Who may read it on the API (a system
# admin; no token: 401; a project member: 403) and on metrics_listen
# (anyone, GET /metrics only); the counters after real work on sim VIMs:
# operations by type and final state with their durations, VIM calls and
# errors by driver, records by collection and state, slices by S-NSSAI,
# HTTP requests by route template and status, notifications delivered,
# store transactions.
#
# It runs in a network namespace of its own (meson: unshare -n -m -p -f
# --mount-proc), so its fixed ports touch nothing else; everything it
# starts is stopped by pid.
# usage: test-metrics.sh SLICERD SOURCE_DIR
set -u
slicerd=$1
src=$2
name=metrics
# shellcheck source=harness.sh
. "$(dirname "$0")/harness.sh"
ip link set lo up

prom=
stop_prom() {
    if [ -n "$prom" ]; then
        kill "$prom" 2>/dev/null
        wait "$prom" 2>/dev/null
    fi
    prom=
}
trap 'stop_prom; cleanup' EXIT

config "tls: off
metrics_listen: 127.0.0.1:19464"
start
login
admin_tok=$tok
root=${base%/osm}
scrape() { curl -s http://127.0.0.1:19464/metrics; }
# value METRIC{LABELS}: its value in a scrape, or empty
value() { scrape | awk -v m="$1" '$1 == m {print $2}'; }

# --- who may read them
code=$(curl -s -o "$tmp/m.txt" -D "$tmp/m.h" -w '%{http_code}' "$root/metrics" -H "Authorization: Bearer $tok")
check "GET /metrics with an admin's token: 200" eq "$code" 200
check "... in the text format 0.0.4" grep -qi '^content-type: text/plain; version=0.0.4' "$tmp/m.h"
code=$(curl -s -o /dev/null -w '%{http_code}' "$root/metrics")
check "... without a token: 401" eq "$code" 401
jreq POST /admin/v1/projects '{"name":"blue"}'
jreq POST /admin/v1/users '{"username":"pat","password":"pat-pw","project_role_mappings":[{"project":"blue","role":"project_admin"}]}'
jreq POST /admin/v1/tokens '{"username":"pat","password":"pat-pw"}'
code=$(curl -s -o "$tmp/m.txt" -w '%{http_code}' "$root/metrics" -H "Authorization: Bearer $(field .id)")
check "... with a project member's: 403 (the numbers are every project's)" eq "$code" 403
check "metrics_listen answers without a token" eq "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:19464/metrics)" 200
check "... and nothing but /metrics: 404" eq "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:19464/osm/admin/v1/users)" 404
check "... nor another method: 405" eq "$(curl -s -o /dev/null -w '%{http_code}' -X POST http://127.0.0.1:19464/metrics)" 405
check "Accept: text/plain (what curl or a person asks): 200" eq "$(curl -s -o /dev/null -w '%{http_code}' -H 'Accept: text/plain' http://127.0.0.1:19464/metrics)" 200
check "Accept: application/json only: 406" eq "$(curl -s -o /dev/null -w '%{http_code}' -H 'Accept: application/json' http://127.0.0.1:19464/metrics)" 406

# --- real work on sim VIMs, a subscriber
tok=$admin_tok
onboard_templates
jreq POST /admin/v1/vim_accounts '{"name":"sim-1","vim_type":"sim","vim_url":"u","config":{"sim":{"latency_ms":1}}}'
jreq POST /admin/v1/vim_accounts '{"name":"sim-flaky","vim_type":"sim","vim_url":"u","config":{"sim":{"fail":[{"call":"create_compute","nth":2}]}}}'
receiver r
jreq POST /nslcm/v1/subscriptions "{\"CallbackUri\":\"$url_r\"}"
check "a subscription: 201" eq "$code" 201
jreq POST /nslcm/v1/ns_instances_content '{"nsName":"core-1","nsdId":"slicer-core-ns","vimAccountId":"sim-1"}'
wait_op "$(field .nslcmop_id)"
check "an NS on sim-1: COMPLETED" eq "$state" COMPLETED
jreq POST /nslcm/v1/ns_instances_content '{"nsName":"core-2","nsdId":"slicer-core-ns","vimAccountId":"sim-flaky"}'
wait_op "$(field .nslcmop_id)"
check "an NS on sim-flaky: FAILED" eq "$state" FAILED
jreq POST /../nsmf/v1/slice_requests '{"name":"embb-1","vimAccountId":"sim-1","serviceProfile":{"sNSSAIList":[{"sst":1,"sd":"000001"}],"latency":400,"resourceSharingLevel":"shared"}}'
check "a slice request: 202" eq "$code" 202
wait_nsiop "$(field .nsilcmopId)"
check "its slice: COMPLETED" eq "$state" COMPLETED
for _ in $(seq 100); do
    [ -n "$(value 'slicer_notifications_total{api="nslcm",result="delivered"}')" ] && break
    sleep 0.1
done

scrape >"$tmp/scrape.txt"
check "promtool check metrics finds nothing to say" promtool check metrics <"$tmp/scrape.txt"
check "NS instantiations by final state: 1 COMPLETED, 1 FAILED" \
    eq "$(value 'slicer_operations_total{kind="ns",type="instantiate",state="COMPLETED"}' | head -1)/$(value 'slicer_operations_total{kind="ns",type="instantiate",state="FAILED"}')" "4/1"
check "... the slice's instantiation too" eq "$(value 'slicer_operations_total{kind="nsi",type="instantiate",state="COMPLETED"}')" 1
check "... with their durations (a histogram per kind and type)" \
    eq "$(value 'slicer_operation_duration_seconds_count{kind="ns",type="instantiate"}')" 5
check "VIM calls by driver, the injected failure among the errors" \
    test "$(value 'slicer_vim_calls_total{driver="sim"}')" -gt 20 -a "$(value 'slicer_vim_call_errors_total{driver="sim"}')" -ge 1
check "records by collection and state: the NSs READY" \
    eq "$(value 'slicer_records{collection="nsrs",state="READY"}')" 4
check "... the failed one NOT_INSTANTIATED" eq "$(value 'slicer_records{collection="nsrs",state="NOT_INSTANTIATED"}')" 1
check "slices by S-NSSAI and state" eq "$(value 'slicer_slices{sst="1",sd="000001",state="INSTANTIATED"}')" 1
check "HTTP requests by route template and status" \
    eq "$(value 'slicer_http_requests_total{method="POST",route="/osm/nslcm/v1/ns_instances_content",status="201"}')" 2
check "... a 403 counted under its route" \
    eq "$(value 'slicer_http_requests_total{method="GET",route="/metrics",status="403"}')" 1
check "... with a latency histogram" \
    test -n "$(value 'slicer_http_request_duration_seconds_bucket{method="POST",route="/osm/nslcm/v1/ns_instances_content",le="+Inf"}')"
check "notifications delivered to the subscriber" \
    test "$(value 'slicer_notifications_total{api="nslcm",result="delivered"}')" -ge 2
check "store transactions timed" test "$(value 'slicer_store_transaction_duration_seconds_count')" -gt 10

# --- the real Prometheus scrapes it
mkdir -p "$tmp/prom"
cat >"$tmp/prom/prometheus.yml" <<CFG
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: slicer
    static_configs:
      - targets: ["127.0.0.1:19464"]
CFG
check "promtool accepts the scrape configuration" promtool check config "$tmp/prom/prometheus.yml"
prometheus --config.file="$tmp/prom/prometheus.yml" --storage.tsdb.path="$tmp/prom/data" \
    --web.listen-address=127.0.0.1:19090 >"$tmp/prom/log" 2>&1 &
prom=$!
q() { curl -s "http://127.0.0.1:19090/api/v1/query" --data-urlencode "query=$1" | jq -r '.data.result[0].value[1] // empty'; }
for _ in $(seq 150); do
    [ -n "$(q 'slicer_slices{sst="1"}')" ] && break
    sleep 0.2
done
check "Prometheus scrapes slicerd: up" eq "$(q 'up{job="slicer"}')" 1
check "... and has its slices by S-NSSAI" eq "$(q 'slicer_slices{sst="1",sd="000001",state="INSTANTIATED"}')" 1
check "... its failed instantiations" eq "$(q 'slicer_operations_total{kind="ns",type="instantiate",state="FAILED"}')" 1
check "... and computes from its histograms (p99 of NS instantiations below 10 min)" \
    test -n "$(q 'histogram_quantile(0.99, sum by (le) (slicer_operation_duration_seconds_bucket{kind="ns"}))')"
stop_prom
check "Prometheus stopped" test -z "$prom"
stop_clean
summary

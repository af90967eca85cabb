#!/bin/bash
# Browser test of slicerd's web page (slicer/ui, served at /ui): a
# slicerd with something to show, then tests/ui/ui-test.mjs drives Debian's
# Chromium, headless, through playwright-core against it:
# - the SFC demo NS 'web' on a netns VIM account (real namespaces, the
#   chain client -> firewall -> monitor -> server on Open vSwitch), whose
#   chain counters the page must show growing when the node script sends
#   HTTP from the client's namespace;
# - the eMBB slice 'embb-1' by a 5G slice request, on a sim VIM account;
# - the NS 'broken', whose instantiation fails on a sim VIM account with an
#   injected failure;
# - the eMBB slice 'embb-b', its core subnet delegated to a second slicerd,
#   B (the harness's start_b: domain B, an NSSMF over HTTPS with a sim VIM
#   account of its own, serving the core-only NST), through A's NSSMF
#   account 'domain-b' (3GPP dialect); its ran-edge and transport are A's,
#   on a sim VIM account;
# the node script logs in, opens every view, asserts on what is drawn,
# cancels a confirmation, instantiates and terminates through the page,
# and saves a screenshot of each view, checked not blank (KEEP_TMP=1 keeps
# them, in $tmp/shots).  Then what is left is terminated through the API
# (embb-b's core deallocated at B) and B is stopped; the cleanup stops A,
# B and the node script by pid on any exit.
#
# It must run as root in network, mount and pid namespaces of its own
# (unshare -n -m -p -f --mount-proc), with node, /usr/bin/chromium and
# tests/ui/node_modules (scripts/install-deps.sh installs them).
# usage: test-ui.sh SLICERD SOURCE_DIR
set -u
slicerd=$1
src=$2
tpl=$src/templates
here=$(cd "$(dirname "$0")" && pwd)
name=ui
# shellcheck source=harness.sh
. "$here/harness.sh"

node_pid=
stop_node() {
    if [ -n "$node_pid" ]; then
        kill "$node_pid" 2>/dev/null
        wait "$node_pid" 2>/dev/null
    fi
    node_pid=
}
trap 'stop_node; cleanup' EXIT

for f in "$(command -v node)" /usr/bin/chromium "$src/tests/ui/node_modules/playwright-core/package.json"; do
    if [ ! -e "$f" ]; then
        echo "test-ui: needs node, /usr/bin/chromium and tests/ui/node_modules (missing: ${f:-node}); run scripts/install-deps.sh" >&2
        exit 1
    fi
done
own_namespaces test-ui
config "tls: off"
start
login
check "slicerd answers over plain HTTP" eq "$code" 200

# the firewall as its package (its day-1 primitive's script with it),
# before the templates: onboard_templates' bare descriptor of it is then
# refused as a duplicate
tar -C "$tpl/vnfd" -czf "$tmp/firewall.tar.gz" firewall_vnfd.yaml scripts/firewall.sh
req POST /vnfpkgm/v1/vnf_packages_content -H 'Content-Type: application/gzip' --data-binary "@$tmp/firewall.tar.gz"
check "onboard the firewall package" eq "$code" 201
onboard_templates
req GET /nsd/v1/ns_descriptors
check "the NSDs onboarded" test "$(field length)" -ge 5

jreq POST /admin/v1/vim_accounts '{"name":"local","vim_type":"netns","vim_url":"netns://localhost","config":{"ovs":"managed"}}'
check "netns VIM account" eq "$code" 201
vim=$(field .id)
jreq POST /admin/v1/vim_accounts '{"name":"sim-1","vim_type":"sim","vim_url":"u","config":{"sim":{"latency_ms":1}}}'
check "sim VIM account" eq "$code" 201
jreq POST /admin/v1/vim_accounts '{"name":"sim-broken","vim_type":"sim","vim_url":"u","config":{"sim":{"fail":[{"call":"create_compute","nth":1}]}}}'
check "sim VIM account that fails" eq "$code" 201
broken_vim=$(field .id)

ns_up web slicer-sfc-demo-ns "$vim"
web=$ns
check "the SFC demo NS: COMPLETED" eq "$state" COMPLETED
client=$(netns_of "$web" client)
check "HTTP from its client passes the chain" \
    eq "$(ip netns exec "$client" curl -s -m 3 -o /dev/null -w '%{http_code}' http://10.10.0.20/)" 200

# the eMBB slice, by a slice request (the NSMF's API is beside /osm)
osm=$base
base=${osm%/osm}
jreq POST /nsmf/v1/slice_requests '{"name":"embb-1","vimAccountId":"sim-1","serviceProfile":{"sNSSAIList":[{"sst":1,"sd":"000001"}],"latency":400,"resourceSharingLevel":"shared"}}'
base=$osm
check "the slice request: 202" eq "$code" 202
wait_nsiop "$(field .nsilcmopId)"
check "the eMBB slice: COMPLETED" eq "$state" COMPLETED

# the eMBB slice 'embb-b' whose core B provides: B as
# test-nssmf-delegate.sh runs it (HTTPS, a sim VIM account of its own),
# with the core-only NST and what it needs
config_b
start_b
check "B: an admin token" test -n "$tok_b" -a "$tok_b" != null
b POST /osm/vnfpkgm/v1/vnf_packages_content -H 'Content-Type: application/yaml' --data-binary "@$tpl/vnfd/core_vnfd.yaml"
check "B: onboard the core's VNFD" eq "$code" 201
b POST /osm/nsd/v1/ns_descriptors_content -H 'Content-Type: application/yaml' --data-binary "@$tpl/nsd/core_nsd.yaml"
check "B: onboard the core's NSD" eq "$code" 201
b POST /osm/nst/v1/netslice_templates_content -H 'Content-Type: application/yaml' --data-binary "@$tpl/nssmf/embb_core_nst.yaml"
check "B: onboard the core-only NST" eq "$code" 201
bj POST /osm/admin/v1/vim_accounts '{"name":"sim-b","vim_type":"sim","vim_url":"u","config":{"sim":{"latency_ms":1}}}'
check "B: its sim VIM account" eq "$code" 201
# A's NSSMF account for B: B's 3GPP NSSMF API over HTTPS, B's certificate
# the only one trusted
jreq POST /admin/v1/nssmf_accounts "{\"name\":\"domain-b\",\"dialect\":\"3gpp\",\"url\":\"https://127.0.0.1:$port_b/3GPPManagement\",\"username\":\"admin\",\"password\":\"b-secret\",\"ca_file\":\"$tmp/b/state/tls/cert.pem\",\"poll_interval_ms\":100}"
check "A: the NSSMF account domain-b" eq "$code" 201
jreq POST /nsilcm/v1/netslice_instances_content '{"nsiName":"embb-b","nstId":"slicer-embb-slice","vimAccountId":"sim-1","netslice-subnet":[{"id":"core","nssmfAccountId":"domain-b"}]}'
check "the slice with its core at B: 201" eq "$code" 201
embb_b=$(field .id)
wait_nsiop "$(field .nsilcmop_id)"
check "embb-b: COMPLETED" eq "$state" COMPLETED
req GET "/nsilcm/v1/netslice_instances/$embb_b"
check "embb-b: INSTANTIATED, running" eq "$(field '"\(._admin.nsiState) \(."operational-status")"')" "INSTANTIATED running"
check "embb-b: ran-edge and transport at A" eq "$(field '[._admin."nsrs-detailed-list"[] | "\(."nss-id") \(.status)"] | join(",")')" "ran-edge COMPLETED,transport COMPLETED"
check "embb-b: its core at B through domain-b (3gpp), shared, ALLOCATED" \
    eq "$(field '[._admin."remote-subnets"[] | "\(."nss-id") \(."account-name") \(.dialect) \(.shared) \(.state)"] | join(",")')" "core domain-b 3gpp true ALLOCATED"
b GET "/3GPPManagement/ProvMnS/v1/SubNetwork=DomainB/NetworkSliceSubnet=$(field '._admin."remote-subnets"[0].handle.nssiId')"
check "B: the NSSI ENABLED with embb-b's profile" eq "$code/$(bfield .attributes.operationalState)/$(bfield '.attributes.sliceProfileList[0].sliceProfileId')" "200/ENABLED/$embb_b.core"
req GET "/nslcm/v1/ns_instances?name=embb-b.core"
check "A made no core NS of its own for it" eq "$(field length)" 0

ns_up broken slicer-netns-demo-ns "$broken_vim"
check "the NS on the failing VIM: FAILED" eq "$state" FAILED

# the page's files: only its own run (no inline script), not sniffed
curl -s -D "$tmp/ui.h" -o /dev/null "http://127.0.0.1:$port/ui/index.html"
check "the page comes with a Content-Security-Policy of its own files only" \
    grep -qi "^content-security-policy: default-src 'self'" "$tmp/ui.h"
check "... and X-Content-Type-Options: nosniff" grep -qi '^x-content-type-options: nosniff' "$tmp/ui.h"

# the page, in Chromium; the node script sends the HTTP through the chain
# itself (ip netns exec in the client's namespace).  Its browser's
# profile and caches go under $tmp; on SIGTERM it closes the browser.
mkdir -p "$tmp/shots" "$tmp/home"
HOME=$tmp/home TMPDIR=$tmp XDG_CONFIG_HOME=$tmp/home XDG_CACHE_HOME=$tmp/home \
    SLICER_UI_URL="http://127.0.0.1:$port/ui" SLICER_UI_USER=admin \
    SLICER_UI_PASSWORD=test-secret SLICER_UI_SHOTS=$tmp/shots \
    SLICER_UI_CLIENT_NS=$client SLICER_UI_HTTP_TARGET=http://10.10.0.20/ \
    node "$src/tests/ui/ui-test.mjs" &
node_pid=$!
wait "$node_pid"
rc=$?
node_pid=
check "the browser test passed (ui-test.mjs)" eq "$rc" 0
check "no browser process is left" eq "$(pgrep -c chrom)" 0

# what is left, terminated through the API (whatever the browser test
# got to)
req GET "/nslcm/v1/ns_instances/$web"
check "web is still there: its terminate was cancelled" eq "$(field .nsState)" READY
req GET "/nsilcm/v1/netslice_instances/$embb_b"
check "embb-b is still there, INSTANTIATED: the page left it alone" eq "$(field ._admin.nsiState)" INSTANTIATED
req GET /nsilcm/v1/netslice_instances
for id in $(field '.[] | select(._admin.nsiState == "INSTANTIATED") | ._id'); do
    jreq POST "/nsilcm/v1/netslice_instances/$id/terminate" '{}'
    wait_nsiop "$(field .id)"
    check "a slice terminated" eq "$state" COMPLETED
done
b GET "/3GPPManagement/ProvMnS/v1/SubNetwork=DomainB?scopeType=BASE_SUBTREE&scopeLevel=1"
check "B: embb-b's NSSI deallocated" eq "$(bfield '.NetworkSliceSubnet | length')" 0
b_nsis() { b GET /osm/nsilcm/v1/netslice_instances; bfield length; }
for _ in $(seq 200); do
    [ "$(b_nsis)" = 0 ] && break
    sleep 0.1
done
check "B: its slice for embb-b's core goes too" eq "$(b_nsis)" 0
req GET /nsilcm/v1/netslice_instances
for id in $(field '.[] | ._id'); do
    req DELETE "/nsilcm/v1/netslice_instances/$id"
    check "a terminated slice deleted, its NSs with it" eq "$code" 204
done
req GET /nslcm/v1/ns_instances
for id in $(field '.[] | select(.nsState == "READY") | ._id'); do
    ns_down "$id"
    check "an NS terminated" eq "$state" COMPLETED
done
req GET /nslcm/v1/ns_instances
for id in $(field '.[] | ._id'); do
    req DELETE "/nslcm/v1/ns_instances/$id"
    check "a record never instantiated deleted" eq "$code" 204
done
req GET /nsilcm/v1/netslice_instances
check "no slice left" eq "$(field length)" 0
req GET /nslcm/v1/ns_instances
check "no NS record left" eq "$(field length)" 0
req DELETE /admin/v1/nssmf_accounts/domain-b
check "the NSSMF account, no longer in use, deleted" eq "$code" 204
check "no namespace left" eq "$(ip netns list | wc -l)" 0
stop_clean
kill -TERM "$pid_b"
wait "$pid_b"
check "B: SIGTERM: exit 0" eq $? 0
pid_b=
check "B: no sanitizer report" test "$(grep -c -E 'AddressSanitizer|LeakSanitizer|runtime error' "$tmp/b/log")" = 0
summary

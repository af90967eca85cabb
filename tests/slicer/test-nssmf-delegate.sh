#!/bin/bash
# slicer as an NSMF that delegates a subnet (slice-managers.md §8 "as
# NSMF"): two real slicerd on loopback, A and B, each with its own store
# and sim VIM.  A's eMBB slice has its shared core subnet provided by B,
# through B's 3GPP NSSMF API (SliceProfiles, then the NSSI's MOI) and
# through B's OSM NBI (an NS); terminating the slice deallocates it at B.
# B down, B answering 5xx, B refusing, B silent past the deadline: A's
# slice rolls back cleanly.  kill -9 of A or of B in the middle: the slice
# completes once, with one subnet at B.
# Everything it starts is stopped by pid; its files are removed.
# usage: test-nssmf-delegate.sh SLICERD SOURCE_DIR
set -u
slicerd=$1
src=$2
name=nssmf-delegate
# shellcheck source=harness.sh
. "$(dirname "$0")/harness.sh"
# The harness runs one daemon ($pid, $tmp) and B (start_b, $tmp/b).
config_b
b_nssis() { b GET "/3GPPManagement/ProvMnS/v1/SubNetwork=DomainB?scopeType=BASE_SUBTREE&scopeLevel=1"; bfield '.NetworkSliceSubnet | length'; }
b_nsis() { b GET /osm/nsilcm/v1/netslice_instances; bfield length; }
b_nss() { b GET /osm/nslcm/v1/ns_instances; bfield length; }

start_b
for f in "$src"/templates/vnfd/*.yaml "$src"/templates/pnfd/*.yaml; do
    b POST /osm/vnfpkgm/v1/vnf_packages_content -H 'Content-Type: application/yaml' --data-binary "@$f"
done
for f in "$src"/templates/nsd/*.yaml; do
    b POST /osm/nsd/v1/ns_descriptors_content -H 'Content-Type: application/yaml' --data-binary "@$f"
done
b POST /osm/nst/v1/netslice_templates_content -H 'Content-Type: application/yaml' --data-binary "@$src/templates/nssmf/embb_core_nst.yaml"
check "B: the core-only NST is onboarded" eq "$code" 201
bj POST /osm/admin/v1/vim_accounts '{"name":"sim-b","vim_type":"sim","vim_url":"u","config":{"sim":{"latency_ms":30}}}'

# A in plain HTTP on loopback: B's notifications reach it without a
# certificate B would have to trust
config "op_timeout: 120
tls: off"
start
login
onboard_templates
jreq POST /admin/v1/vim_accounts '{"name":"sim-a","vim_type":"sim","vim_url":"u","config":{"sim":{"latency_ms":1}}}'

# --- NSSMF accounts
account() { # NAME DIALECT URL [extra JSON members]
    jreq POST /admin/v1/nssmf_accounts "{\"name\":\"$1\",\"dialect\":\"$2\",\"url\":\"$3\",\"username\":\"admin\",\"password\":\"b-secret\",\"ca_file\":\"$tmp/b/state/tls/cert.pem\",\"poll_interval_ms\":${POLL:-100}${4:+,$4}}"
}
account b-3gpp 3gpp "https://127.0.0.1:$port_b/3GPPManagement"
check "an NSSMF account: 201" eq "$code" 201
account b-osm osm "https://127.0.0.1:$port_b/osm" '"vim_account":"sim-b"'
check "an osm-dialect NSSMF account: 201" eq "$code" 201
req GET /admin/v1/nssmf_accounts/b-3gpp
check "its password is never shown" eq "$(field .password)" "********"
check "... nor logged" test "$(grep -c b-secret "$tmp/log")" = 0
account bad-1 soap "https://127.0.0.1:$port_b"
check "an unknown dialect: 422 naming it" test "$code" = 422 -a -n "$(field .detail | grep -o soap)"
account bad-2 3gpp "ftp://x"
check "a URL that is not http(s): 422" eq "$code" 422
account bad-3 osm "https://127.0.0.1:$port_b/osm"
check "osm without vim_account: 422 saying so" test "$code" = 422 -a -n "$(field .detail | grep -o vim_account)"

nsi_body() { # NAME ACCOUNT [TIMEOUT]
    printf '{"nsiName":"%s","nstId":"slicer-embb-slice","vimAccountId":"sim-a"%s,"netslice-subnet":[{"id":"core","nssmfAccountId":"%s"}]}' \
        "$1" "${3:+,\"timeout_nsi_deploy\":$3}" "$2"
}
instantiate() { # NAME ACCOUNT [TIMEOUT]: $nsi, $op
    jreq POST /nsilcm/v1/netslice_instances_content "$(nsi_body "$@")"
    nsi=$(field .id)
    op=$(field .nsilcmop_id)
}
remote() { req GET "/nsilcm/v1/netslice_instances/$nsi"; field "._admin.\"remote-subnets\"[0].$1"; }
local_core() { req GET "/nslcm/v1/ns_instances?name=$1.core"; field length; }
wait_b() { # COMMAND VALUE: until B's COMMAND prints VALUE (20 s)
    for _ in $(seq 200); do
        [ "$($1)" = "$2" ] && return 0
        sleep 0.1
    done
    return 1
}

# --- 3GPP: the core at B
instantiate embb-3gpp b-3gpp
check "instantiate with a delegated subnet: 201" eq "$code" 201
wait_nsiop "$op"
check "the slice completes once B's subnet is up" eq "$state" COMPLETED
check "A made no core NS of its own" eq "$(local_core embb-3gpp)" 0
check "A's slice shows the remote subnet ALLOCATED with its handle" eq "$(remote state)/$(remote 'handle.sliceProfileId')" "ALLOCATED/$nsi.core"
nssi=$(remote handle.nssiId)
b GET "/3GPPManagement/ProvMnS/v1/SubNetwork=DomainB/NetworkSliceSubnet=$nssi"
check "B has the NSSI ENABLED with A's profile" eq "$code/$(bfield .attributes.operationalState)/$(bfield '.attributes.sliceProfileList[0].sliceProfileId')" "200/ENABLED/$nsi.core"
b GET "/osm/nsilcm/v1/netslice_instances/$(bfield .attributes.nsInfo.nsInstanceId)"
check "B serves it with its core-only NST" eq "$(bfield '."nst-ref"')" slicer-embb-core
check "A's account is in use: DELETE 409" eq "$(req DELETE /admin/v1/nssmf_accounts/b-3gpp; echo "$code")" 409
req DELETE "/nsilcm/v1/netslice_instances_content/$nsi"
wait_nsiop "$(field .id)"
check "terminate: COMPLETED" eq "$state" COMPLETED
check "B's NSSI is deallocated" eq "$(b_nssis)" 0
check "B's slice goes too" wait_b b_nsis 0

# --- 3GPP with a link across domains (on sim VIMs: the records only; the
# data plane is test-netns-wan.sh's)
account b-wan 3gpp "https://127.0.0.1:$port_b/3GPPManagement" '"physical_network":"wan"'
instantiate embb-wan b-wan
wait_nsiop "$op"
check "a slice with n3-core across domains: COMPLETED" eq "$state" COMPLETED
req GET "/nsilcm/v1/netslice_instances/$nsi"
check "A's n3-core has its transport /24, slice-mgmt stays in A" \
    eq "$(field '[._admin."netslice-vld"[] | select(.transport) | "\(.name) \(.transport.cidr)"] | join(",")')" "n3-core 10.250.0.0/24"
b GET "/3GPPManagement/ProvMnS/v1/SubNetwork=DomainB/NetworkSliceSubnet=$(remote handle.nssiId)"
check "B got the endpoint: the sim VIM's VLAN, B's half of the /24, the core's sapd" \
    eq "$(bfield '.attributes.sliceProfileList[0].epTransport[0] | "\(.logicalInterfaceInfo.logicalInterfaceId) \(.ipAddress) \(.epApplicationRef[0])"')" "1 10.250.0.128/24 core-n3"
req DELETE "/nsilcm/v1/netslice_instances_content/$nsi"
wait_nsiop "$(field .id)"
check "terminate: COMPLETED, nothing left at B" eq "$state/$(b_nssis)" COMPLETED/0
check "B's slice goes too" wait_b b_nsis 0

# --- 3GPP with B's notifications: polling once a minute (ten once B
# notifies) would not finish in time; B's notification makes A look
POLL=60000 account b-ntf 3gpp "https://127.0.0.1:$port_b/3GPPManagement"
instantiate embb-ntf b-ntf
wait_nsiop "$op"
check "followed by B's notifications: COMPLETED" eq "$state" COMPLETED
check "A subscribed at B (NtfSubscriptionControl)" eq "$(b GET "/3GPPManagement/ProvMnS/v1/SubNetwork=DomainB/NtfSubscriptionControl=slicer-$(req GET /admin/v1/nssmf_accounts/b-ntf; field ._id | cut -c1-8)"; echo "$code")" 200
check "A heard B and looked" grep -q "nssmf account 'b-ntf' notified" "$tmp/log"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data-binary '{"href":"x"}' "${base%/osm}/nsmf/v1/nssmf_notifications/no-such-account")
check "a notification for no account: 404" eq "$code" 404
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data-binary '{"href":"x"}' "${base%/osm}/nsmf/v1/nssmf_notifications/$(req GET /admin/v1/nssmf_accounts/b-ntf; field ._id)")
check "one for the account, without a token: 204 (a hint, nothing more)" eq "$code" 204
req DELETE "/nsilcm/v1/netslice_instances_content/$nsi"
wait_nsiop "$(field .id)"
check "its terminate: COMPLETED, nothing left at B" eq "$state/$(b_nssis)" COMPLETED/0
bj PATCH /osm/admin/v1/vim_accounts/sim-b '{"config":{"sim":{"latency_ms":30}}}'
check "B's slice goes too" wait_b b_nsis 0

# --- ONAP: the core through B's ONAP NSSMF API (token login, jobs)
account b-onap onap "https://127.0.0.1:$port_b"
instantiate embb-onap b-onap
wait_nsiop "$op"
check "with the onap dialect: COMPLETED" eq "$state" COMPLETED
check "the handle has ONAP's job and NSSI ids" test -n "$(remote handle.jobId | grep -v null)" -a -n "$(remote handle.nssiId | grep -v null)"
b GET "/api/rest/provMns/v1/NSS/nssi/$(remote handle.nssiId)" -H "X-Auth-Token: $tok_b"
check "B shows the NSSI enabled through ONAP's API" eq "$code/$(bfield .nssiInfo.nssiState)" 200/enabled
req DELETE "/nsilcm/v1/netslice_instances_content/$nsi"
wait_nsiop "$(field .id)"
check "terminate: COMPLETED, B's NSSI gone" eq "$state/$(b_nssis)" COMPLETED/0
check "B's slice goes too" wait_b b_nsis 0

# --- OSM: the core as an NS at B
instantiate embb-osm b-osm
wait_nsiop "$op"
check "with the osm dialect: COMPLETED" eq "$state" COMPLETED
check "B runs the core NS under A's name for it" eq "$(b GET "/osm/nslcm/v1/ns_instances?name=${nsi:0:8}.core"; bfield '.[0].nsState')" READY
req DELETE "/nsilcm/v1/netslice_instances_content/$nsi"
wait_nsiop "$(field .id)"
check "terminate: COMPLETED, B's NS gone" eq "$state/$(b_nss)" COMPLETED/0

# --- B refuses (no NST of B serves URLLC)
jreq POST /nsilcm/v1/netslice_instances_content '{"nsiName":"urllc-x","nstId":"slicer-urllc-slice","vimAccountId":"sim-a","netslice-subnet":[{"id":"core","nssmfAccountId":"b-3gpp"}]}'
nsi=$(field .id)
wait_nsiop "$(field .nsilcmop_id)"
check "B refuses the profile: the slice FAILED with B's reason" test "$state" = FAILED -a -n "$(field '.errorMessage' | grep -o 'HTTP 409')"
req GET "/nsilcm/v1/netslice_instances/$nsi"
check "... rolled back: NOT_INSTANTIATED, no local NS running" eq "$(field ._admin.nsiState)/$(req GET /nslcm/v1/ns_instances; field '[.[] | select(.nsState == "READY")] | length')" NOT_INSTANTIATED/0
check "... nothing left at B" eq "$(b_nssis)/$(b_nsis)" 0/0
req DELETE "/nsilcm/v1/netslice_instances/$nsi"

# --- B answers 5xx: A retries until the deadline, then rolls back
receiver r
echo 503 >"$tmp/r.log.post-status"
jreq POST /admin/v1/nssmf_accounts "{\"name\":\"broken\",\"dialect\":\"3gpp\",\"url\":\"${url_r%/notify/r}/3GPPManagement\",\"poll_interval_ms\":200}"
instantiate embb-5xx broken 4
wait_nsiop "$op"
check "B answering 503: retried until the deadline, then FAILED naming the last answer" test "$state" = FAILED -a -n "$(field .errorMessage | grep -o "before the slice's deadline; last: HTTP 503")"
req GET "/nsilcm/v1/netslice_instances/$nsi"
check "... and the local part rolled back" eq "$(field ._admin.nsiState)/$(field '."operational-status"')" NOT_INSTANTIATED/failed
req DELETE "/nsilcm/v1/netslice_instances/$nsi"

# --- B silent (accepts the connection, never answers): the same
kill -STOP "$rpid_r"
instantiate embb-silent broken 3
wait_nsiop "$op"
check "B silent: FAILED at the deadline" test "$state" = FAILED -a -n "$(field .errorMessage | grep -o "before the slice's deadline")"
kill -CONT "$rpid_r"
req DELETE "/nsilcm/v1/netslice_instances/$nsi"

# --- B down: the same
kill "$pid_b"
wait "$pid_b" 2>/dev/null
pid_b=
instantiate embb-down b-3gpp 3
wait_nsiop "$op"
check "B down: FAILED at the deadline, naming the connection error" test "$state" = FAILED -a -n "$(field .errorMessage | grep -io 'connect')"
req DELETE "/nsilcm/v1/netslice_instances/$nsi"
start_b
check "B down made nothing at B" eq "$(b_nssis)/$(b_nsis)" 0/0
# B's new port
req PATCH /admin/v1/nssmf_accounts/b-3gpp -H 'Content-Type: application/json' --data-binary "{\"url\":\"https://127.0.0.1:$port_b/3GPPManagement\"}"
check "the account follows B to its new port" eq "$code" 204

# --- kill -9 of A in the middle: A resumes, B has one subnet.  B slower
# for this case: A must be killed while B allocates, and at 30 ms a VIM
# call that window could close between two polls of A under load
bj PATCH /osm/admin/v1/vim_accounts/sim-b '{"config":{"sim":{"latency_ms":300}}}'
check "B's VIM slower for the kill of A" eq "$code" 204
instantiate embb-crash-a b-3gpp
for _ in $(seq 400); do
    [ "$(remote state)" = ALLOCATING ] && break
    sleep 0.01
done
kill -9 "$pid"
wait "$pid" 2>/dev/null
start
login
check "A resumes following the remote subnet" grep -q "following remote subnet operation" "$tmp/log"
wait_nsiop "$op"
check "after kill -9 of A: COMPLETED" eq "$state" COMPLETED
check "B has one NSSI for it" eq "$(b_nssis)" 1
req DELETE "/nsilcm/v1/netslice_instances_content/$nsi"
wait_nsiop "$(field .id)"
check "its terminate: COMPLETED, nothing left at B" eq "$state/$(b_nssis)" COMPLETED/0
bj PATCH /osm/admin/v1/vim_accounts/sim-b '{"config":{"sim":{"latency_ms":30}}}'

# --- kill -9 of B in the middle: A waits for B's return
instantiate embb-crash-b b-3gpp
for _ in $(seq 100); do
    [ "$(b_nsis)" = 1 ] && break
    sleep 0.05
done
kill -9 "$pid_b"
wait "$pid_b" 2>/dev/null
sed -i "s/^port: 0/port: $port_b/" "$tmp/b/slicerd.yaml"
start_b
wait_nsiop "$op"
check "after kill -9 of B: COMPLETED" eq "$state" COMPLETED
check "B has one NSSI, ENABLED" eq "$(b_nssis)/$(b GET "/3GPPManagement/ProvMnS/v1/SubNetwork=DomainB/NetworkSliceSubnet=$(remote handle.nssiId)"; bfield .attributes.operationalState)" 1/ENABLED
req DELETE "/nsilcm/v1/netslice_instances_content/$nsi"
wait_nsiop "$(field .id)"
check "terminate: nothing left at B" eq "$state/$(b_nssis)" COMPLETED/0
check "B's slices all go" wait_b b_nsis 0

stop_clean
kill -TERM "$pid_b"
wait "$pid_b"
check "B: SIGTERM: exit 0" eq $? 0
pid_b=
check "B: no sanitizer report" test "$(grep -c -E 'AddressSanitizer|LeakSanitizer|runtime error' "$tmp/b/log")" = 0
stop_receivers
summary

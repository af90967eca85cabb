# The shared part of the bash tests of slicerd: a temporary directory,
# a cleanup that stops the daemon by pid and removes the directory (on
# exit and on interruption), and the check/eq assertions with a summary.
# Sourced after setting 'name'; the test sets 'pid' when it starts slicerd
# and calls 'summary' last.
tmp=$(mktemp -d "/tmp/slicer-$name-XXXXXX")
pid=
receivers=()
# stop_receivers: stops every notification receiver (receiver()) by pid.
stop_receivers() {
    for r in "${receivers[@]}"; do
        kill "$r" 2>/dev/null
        wait "$r" 2>/dev/null
    done
    receivers=()
}
# A second daemon, B, for the tests of two domains: its config is
# $tmp/b/slicerd.yaml (config_b writes it); start_b [PREFIX...] starts it (a prefix as
# start's), sets pid_b and port_b and logs in as its admin (tok_b);
# b METHOD PATH [curl args] sends a request to it at $b_host (127.0.0.1
# unless set) over HTTPS, status in $code, body for bfield; bj METHOD
# PATH JSON one with a JSON body;
# stop_b stops it by pid (the cleanup does too).
pid_b=
tok_b=
b_host=${b_host:-127.0.0.1}
# config_b [EXTRA LINES]: B's config, an NSSMF whose table gives CN
# subnets of SST 1 the core-only NST
config_b() {
    mkdir -p "$tmp/b"
    cat >"$tmp/b/slicerd.yaml" <<CFG
port: 0
port_file: $tmp/b/port
state_dir: $tmp/b/state
admin_password: b-secret
log_level: info
files_dir: /
mns_subnetwork: DomainB
nssmf_templates:
  - subnet_type: CN_SLICESUBNET
    sst: 1
    nst: slicer-embb-core
${1:-}
CFG
}
stop_b() {
    if [ -n "$pid_b" ]; then
        kill "$pid_b" 2>/dev/null
        wait "$pid_b" 2>/dev/null
    fi
    pid_b=
}
# port_of FILE: the port a starting slicerd writes to FILE, once it has
# (up to 10 s).
port_of() {
    for _ in $(seq 200); do
        [ -s "$1" ] && break
        sleep 0.05
    done
    cat "$1"
}
start_b() {
    rm -f "$tmp/b/port"
    "$@" "$slicerd" -c "$tmp/b/slicerd.yaml" >>"$tmp/b/log" 2>&1 &
    pid_b=$!
    port_b=$(port_of "$tmp/b/port")
    tok_b=
    bj POST /osm/admin/v1/tokens '{"username":"admin","password":"b-secret"}'
    tok_b=$(bfield .id)
}
b() {
    local m=$1 p=$2
    shift 2
    code=$(curl -s -o "$tmp/b/body" -w '%{http_code}' --cacert "$tmp/b/state/tls/cert.pem" \
        -X "$m" -H 'Accept: application/json' \
        ${tok_b:+-H "Authorization: Bearer $tok_b"} "$@" "https://$b_host:$port_b$p")
}
bj() { b "$1" "$2" -H 'Content-Type: application/json' --data-binary "$3"; }
bfield() { jq -r "$1" "$tmp/b/body"; }
cleanup() {
    stop_receivers
    stop_b
    if [ -n "$pid" ]; then
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    fi
    [ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"
}
# a signal ends the script (a bare trap on TERM would run the cleanup and
# go on); the exit runs the cleanup.  Tests that trap EXIT themselves keep
# these.
trap cleanup EXIT
trap 'exit 1' INT TERM
passed=0
failed=0

check() { # description, then a command that must succeed
    local what=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $what"
    fi
}

eq() { [ "$1" = "$2" ] || { echo "  got '$1', expected '$2'" >&2; false; }; }

summary() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

# config [YAML LINES]: the tests' slicerd.yaml (free loopback port, state
# in $tmp, admin password test-secret, host files from anywhere: the
# tests name files in their own directory and in templates/), with extra
# lines.  With SLICER_TEST_ETCD (tests/common/with-etcd.sh) the store is
# on that etcd member, under a prefix of the test's own.
config() {
    cat >"$tmp/slicerd.yaml" <<CFG
$(if [ -n "${SLICER_TEST_ETCD:-}" ]; then echo "store: etcd://$SLICER_TEST_ETCD/${name}-$$${SLICER_TEST_ETCD_OPTS:-}"; fi)
port: 0
port_file: $tmp/port
state_dir: $tmp/state
admin_password: test-secret
log_level: info
$(case ${1:-} in *files_dir:*) ;; *) echo "files_dir: /" ;; esac)
${1:-}
CFG
}

# own_namespaces NAME: the netns tests run as root in network, mount and
# pid namespaces of their own (unshare -n -m -p -f --mount-proc), with a
# private /run/netns.
own_namespaces() {
    if [ "$(id -u)" -ne 0 ] || [ "$$" -ne 1 ]; then
        echo "$1: needs root in its own namespaces (unshare -n -m -p -f --mount-proc)" >&2
        exit 1
    fi
    mkdir -p /run/netns
    mount -t tmpfs tmpfs /run/netns
    ip link set lo up
}

# The daemon and its REST API, for the tests that start slicerd
# ($slicerd) on "$tmp/slicerd.yaml", which writes its port to
# "$tmp/port": start [PREFIX...] sets pid, port and base (https, unless
# the config says "tls: off").  A prefix is a
# command that execs the rest (env VAR=..., prlimit ... --), so that pid
# is the daemon's.
start() {
    rm -f "$tmp/port"
    "$@" "$slicerd" -c "$tmp/slicerd.yaml" >>"$tmp/log" 2>&1 &
    pid=$!
    port=$(port_of "$tmp/port")
    if grep -q '^tls: off' "$tmp/slicerd.yaml"; then
        base=http://127.0.0.1:$port/osm
    else
        # HTTPS, slicerd's default, with the certificate it made on its
        # first start: curl and slicectl trust it (and nothing else)
        base=https://127.0.0.1:$port/osm
        export CURL_CA_BUNDLE=$tmp/state/tls/cert.pem
        export SLICER_STATE_DIR=$tmp/state
    fi
}
# cluster_instance NAME STORE: starts slicerd instance NAME on the etcd
# store STORE ("etcd://MEMBERS/PREFIX"), plain HTTP, in $tmp/NAME; its
# pid in $started, its port in port[NAME] (an associative array the test
# declares).
cluster_instance() {
    local n=$1
    mkdir -p "$tmp/$n"
    cat >"$tmp/$n/slicerd.yaml" <<CFG
store: $2
instance: $n
cluster_ttl_s: 2
port: 0
port_file: $tmp/$n/port
state_dir: $tmp/$n/state
admin_password: test-secret
log_level: info
tls: off
files_dir: /
CFG
    rm -f "$tmp/$n/port"
    "$slicerd" -c "$tmp/$n/slicerd.yaml" >>"$tmp/$n/log" 2>&1 &
    started=$!
    port[$n]=$(port_of "$tmp/$n/port")
}
# stop_clean: SIGTERM to the daemon, which must exit 0 with no sanitizer
# report in its log.
stop_clean() {
    kill -TERM "$pid"
    wait "$pid"
    check "SIGTERM: exit 0" eq $? 0
    pid=
    check "no sanitizer report" test "$(grep -c -E 'AddressSanitizer|LeakSanitizer|runtime error' "$tmp/log")" = 0
}
# receiver NAME [PORT]: starts a notification receiver (receiver.py, a real
# HTTP server on loopback) as NAME; its pid in rpid_NAME, its URL in
# url_NAME, its log in $tmp/NAME.log.  Needs $src.
receiver() {
    local n=$1 p=${2:-0}
    rm -f "$tmp/$n.port"
    python3 "$src/tests/slicer/receiver.py" "$tmp/$n.port" "$tmp/$n.log" "$p" &
    local r=$!
    receivers+=("$r")
    eval "rpid_$n=$r"
    for _ in $(seq 100); do
        [ -s "$tmp/$n.port" ] && break
        sleep 0.05
    done
    eval "url_$n=http://127.0.0.1:$(cat "$tmp/$n.port")/notify/$n"
}
tok=
req() { # METHOD PATH [curl args...]: status in $code, body in $tmp/body
    local m=$1 p=$2
    shift 2
    code=$(curl -s -o "$tmp/body" -D "$tmp/headers" -w '%{http_code}' \
        -X "$m" -H 'Accept: application/json' \
        ${tok:+-H "Authorization: Bearer $tok"} "$@" "$base$p")
}
jreq() { req "$1" "$2" -H 'Content-Type: application/json' --data-binary "$3"; }
field() { jq -r "$1" "$tmp/body"; }
login() {
    jreq POST /admin/v1/tokens '{"username":"admin","password":"test-secret"}'
    tok=$(field .id)
}
yreq() { req POST "$1" -H 'Content-Type: application/yaml' --data-binary "@$2"; }
# onboard_templates [check]: every VNFD, PNFD, NSD and NST of templates/
# (needs $src and a token); with "check", each NST's 201 is a check.
onboard_templates() {
    for f in "$src"/templates/vnfd/*.yaml "$src"/templates/pnfd/*.yaml; do
        yreq /vnfpkgm/v1/vnf_packages_content "$f"
    done
    for f in "$src"/templates/nsd/*.yaml; do
        yreq /nsd/v1/ns_descriptors_content "$f"
    done
    for f in "$src"/templates/nst/*.yaml; do
        yreq /nst/v1/netslice_templates_content "$f"
        [ "${1:-}" != check ] || check "onboard $(basename "$f")" eq "$code" 201
    done
}
wait_nsiop() { # slice operation id -> its final operationState in $state
    for _ in $(seq 600); do
        req GET "/nsilcm/v1/nsi_lcm_op_occs/$1"
        state=$(field .operationState)
        case $state in PROCESSING | ROLLING_BACK) sleep 0.05 ;; *) return ;; esac
    done
}

# NS helpers of the tests that run NS operations.
wait_op() { # op id -> final operationState in $state
    for _ in $(seq 600); do
        req GET "/nslcm/v1/ns_lcm_op_occs/$1"
        state=$(field .operationState)
        case $state in PROCESSING|ROLLING_BACK) sleep 0.05 ;; *) return ;; esac
    done
}
ns_down() { # ns id -> $state; the record is removed
    jreq POST "/nslcm/v1/ns_instances/$1/terminate" '{"autoremove":true}'
    wait_op "$(field .id)"
}
netns_of() { # ns id, member -> namespace (netns VIM) of its first VDU
    req GET "/nslcm/v1/vnf_instances?nsr-id-ref=$1"
    field "[.[] | select(.\"member-vnf-index-ref\" == \"$2\")][0].vdur[0].\"vim-id\""
}
ns_up() { # name nsd vim [instantiate body] -> $ns, $state
    jreq POST /nslcm/v1/ns_instances "{\"nsName\":\"$1\",\"nsdId\":\"$2\",\"vimAccountId\":\"$3\"}"
    ns=$(field .id)
    jreq POST "/nslcm/v1/ns_instances/$ns/instantiate" "${4:-{\}}"
    wait_op "$(field .id)"
}
vdur() { # ns id, member, jq path under the first vdur
    req GET "/nslcm/v1/vnf_instances?nsr-id-ref=$1"
    field "[.[] | select(.\"member-vnf-index-ref\" == \"$2\")][0].vdur[0]$3"
}
onboard() { # vnfd|nsd FILE
    case $1 in
    vnfd) req POST /vnfpkgm/v1/vnf_packages_content -H 'Content-Type: application/yaml' --data-binary "@$2" ;;
    nsd) req POST /nsd/v1/ns_descriptors_content -H 'Content-Type: application/yaml' --data-binary "@$2" ;;
    esac
}
pings() { ip netns exec "$1" ping -c 1 -W 1 "$2" >/dev/null 2>&1; }
no_ping() { ! pings "$@"; }

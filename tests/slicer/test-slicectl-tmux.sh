#!/bin/bash
# slicectl as a person uses it, on a terminal: `ns-create --wait` runs in
# a detached tmux session (its own server and socket) while the test
# reads the screen: the progress bar with its steps and elapsed seconds
# is redrawn on one line and moves, then the final COMPLETED line and exit
# 0.  The same piped prints plain lines without control characters.  Then
# the newer commands in each --output (table with a header and aligned
# columns, JSON through jq, YAML through a YAML parser), the exit codes
# (a 404, a usage error, an unreachable slicerd, a FAILED operation, a
# --wait-timeout) and the bash completion.
# usage: test-slicectl-tmux.sh SLICERD SLICECTL SOURCE_DIR
set -u
slicerd=$1
slicectl=$2
src=$3
name=slicectl-tmux
. "$src/tests/slicer/harness.sh"

sock=$tmp/tmux.sock
tmux_kill() { tmux -S "$sock" kill-server 2>/dev/null; }
trap 'tmux_kill; cleanup' EXIT

# slicerd over plain HTTP; slicectl's session in $tmp
config "tls: off"
start
export SLICER_URL=$base SLICER_TOKEN_FILE=$tmp/token
unset SLICER_TOKEN SLICER_CACERT SLICER_STORE
ctl() { "$slicectl" "$@"; }
run() { # exit code of slicectl, its output in $tmp/out and $tmp/err
    "$slicectl" "$@" >"$tmp/out" 2>"$tmp/err"
    echo $?
}

check "slicectl login: exit 0" eq "$(run login --user admin --password test-secret)" 0
check "... keeps the token, mode 0600" eq "$(stat -c %a "$tmp/token" 2>&1)" 600
check "onboard the VNFDs and PNFDs: exit 0" eq "$(run onboard "$src"/templates/vnfd/*.yaml "$src"/templates/pnfd/*.yaml)" 0
check "... a line each" eq "$(grep -c '^[vp]nfd ' "$tmp/out")" "$(ls "$src"/templates/vnfd/*.yaml "$src"/templates/pnfd/*.yaml | wc -l)"
check "onboard the NSDs and NSTs: exit 0" eq "$(run onboard "$src"/templates/nsd/*.yaml "$src"/templates/nst/*.yaml)" 0
# a VIM slow enough that an instantiation takes a few seconds
check "vim-create of a slow sim VIM: exit 0" eq "$(run vim-create --name sim-1 --type sim --config '{"sim":{"latency_ms":1000}}')" 0

# ---- --wait on a terminal: tmux, 120x30, a shell of our own
tmux -S "$sock" new-session -d -x 120 -y 30 -s ctl \
    "env PS1='$ ' SLICER_URL=$SLICER_URL SLICER_TOKEN_FILE=$SLICER_TOKEN_FILE bash --norc --noprofile"
check "tmux session started" tmux -S "$sock" has-session -t ctl
for _ in $(seq 50); do
    tmux -S "$sock" capture-pane -p -t ctl | grep -q '^\$' && break
    sleep 0.1
done
tmux -S "$sock" send-keys -t ctl "$slicectl ns-create --name n --nsd slicer-core-ns --vim sim-1 --wait; echo EXIT=\$?" Enter
: >"$tmp/frames"
for i in $(seq 300); do
    tmux -S "$sock" capture-pane -p -t ctl >"$tmp/screen"
    { echo "--- frame $i"; cat "$tmp/screen"; } >>"$tmp/frames"
    grep -qx 'EXIT=[0-9]*' "$tmp/screen" && break
    sleep 0.1
done
bar='\[[#-]{24}\] +[0-9]+/[0-9]+ steps +[0-9]+\.[0-9] s  instantiate '
grep -E "$bar"PROCESSING "$tmp/frames" | sed -E 's/.*\] +([0-9]+\/[0-9]+) steps +([0-9.]+) s.*/\1 \2/' | sort -u >"$tmp/bars"
check "the bar with N/M steps and elapsed seconds appears while it runs" test -s "$tmp/bars"
check "... its steps change" test "$(cut -d' ' -f1 "$tmp/bars" | sort -u | wc -l)" -ge 2
check "... its elapsed seconds change" test "$(cut -d' ' -f2 "$tmp/bars" | sort -u | wc -l)" -ge 3
check "... the total is the plan's 11 steps" eq "$(cut -d' ' -f1 "$tmp/bars" | cut -d/ -f2 | sort -u)" 11
check "... redrawn on one line: never two bar lines on the screen" \
    test -z "$(awk '/^--- frame/ { if (n > 1) print f; n = 0; f = $0; next } / s  instantiate [A-Z]/ { n++ } END { if (n > 1) print f }' "$tmp/frames")"
check "the bar ends full, COMPLETED" grep -qE '^\[#{24}\] 11/11 steps +[0-9]+\.[0-9] s  instantiate COMPLETED' "$tmp/screen"
check "then the final line" grep -qE '^[0-9a-f-]{36} instantiate COMPLETED 11/11 steps [0-9]+\.[0-9] s$' "$tmp/screen"
check "... and exit 0" grep -qx 'EXIT=0' "$tmp/screen"
check "the NS is READY" sh -c "'$slicectl' ns-list | awk '\$2 == \"n\"' | grep -q READY"
ns=$(ctl ns-list | awk '$2 == "n" {print $1}')

# ---- the same piped: plain lines, no control characters
"$slicectl" ns-create --name n2 --nsd slicer-core-ns --vim sim-1 --wait >"$tmp/plain" 2>"$tmp/err"
check "piped ns-create --wait: exit 0" eq $? 0
check "... no control characters (no CR, no escape)" test -z "$(LC_ALL=C grep -n $'[\x01-\x09\x0b-\x1f\x7f]' "$tmp/plain")"
check "... a plain progress line each time the steps change" \
    test "$(grep -cE '^[0-9a-f-]{36} instantiate PROCESSING [0-9]+/11 steps [0-9]+\.[0-9] s$' "$tmp/plain")" -ge 2
check "... never the same steps twice in a row" \
    test -z "$(awk '{ k = $3 " " $4 } k == last { print } { last = k }' "$tmp/plain")"
check "... the last line COMPLETED" grep -qE '^[0-9a-f-]{36} instantiate COMPLETED 11/11 steps [0-9]+\.[0-9] s$' <(tail -1 "$tmp/plain")
check "... and nothing on stderr" test ! -s "$tmp/err"
check "--output json --wait: the final operation record on stdout, parsed by jq" \
    eq "$("$slicectl" -o json ns-create --name n3 --nsd slicer-core-ns --vim sim-1 --wait 2>"$tmp/err" | jq -r '"\(.operationState) \(.lcmOperationType)"')" "COMPLETED instantiate"
check "... the progress on stderr" grep -qE 'instantiate COMPLETED 11/11 steps' "$tmp/err"

# ---- new commands, in each output
check "op-list NS: exit 0" eq "$(run op-list n)" 0
check "... a header line" grep -qE '^ID +KIND +INSTANCE +OPERATION +STATE +STAGE +START$' <(head -1 "$tmp/out")
check "... the instantiation of n" grep -qE "^[0-9a-f-]{36} +ns +$ns +instantiate +COMPLETED +11/11 steps" "$tmp/out"
aligned() { # FILE COLUMN: the column starts where its header does on every row
    awk -v col="$2" 'NR == 1 { p = index($0, col); next }
        substr($0, p - 2, 2) != "  " || substr($0, p, 1) == " " { bad = 1 }
        END { exit bad || !p }' "$1"
}
check "... its columns aligned under the header" aligned "$tmp/out" STATE
run op-list >/dev/null
check "op-list (all): the operations of all three NSs" test "$(grep -c ' instantiate ' "$tmp/out")" -ge 3
check "op-list -o json: jq reads it" eq "$(ctl op-list n -o json | jq -r '.[0].nsInstanceId')" "$ns"
# (Debian's python3 and its yaml module, which install-deps installs)
check "op-list -o yaml: a YAML list" eq "$(ctl -o yaml op-list n | /usr/bin/python3 -c 'import sys, yaml; d = yaml.safe_load(sys.stdin); print(d[0]["operationState"], type(d).__name__)')" "COMPLETED list"
"$slicectl" ns-scale "$ns" --vnf 5gc --scaling-group upf-scale --wait >"$tmp/out" 2>&1
check "ns-scale --wait: exit 0" eq $? 0
check "... a SCALE_OUT operation that COMPLETED" grep -qE '^[0-9a-f-]{36} scale COMPLETED [0-9]+/[0-9]+ steps' "$tmp/out"
check "... a second UPF" eq "$(ctl -j vnf-list "$ns" | jq '[.[].vdur[] | select(."vdu-id-ref" == "upf")] | length')" 2
check "chains of an NS without chains: said" eq "$(ctl chains n)" "ns n has no chains"
check "chains -o json: an empty list" eq "$(ctl -o json chains "$ns" | jq -c .)" "[]"
check "vim-show -o yaml: the account" eq "$(ctl -o yaml vim-show sim-1 | /usr/bin/python3 -c 'import sys, yaml; d = yaml.safe_load(sys.stdin); print(d["vim_type"], d["config"]["sim"]["latency_ms"])')" "sim 1000"
check "vim-show: FIELD VALUE table" grep -qE '^vim_type +sim$' <(ctl vim-show sim-1)
check "pdu-create: exit 0" eq "$(run pdu-create --name ru-1 --type slicer-radio-unit --vim sim-1 \
    --interface name=fh,ip-address=10.30.0.50,mgmt=false,switch-port=11 \
    --interface name=mgmt,ip-address=10.99.0.51,mgmt=true)" 0
pdu=$(cat "$tmp/out")
check "pdu-list: header and the PDU" eq "$(ctl pdu-list | awk 'NR == 1 {print $1, $2, $3} NR == 2 {print $2, $3}' | paste -sd' ')" "ID NAME TYPE ru-1 slicer-radio-unit"
check "pdu-show -o json: its interfaces" eq "$(ctl -o json pdu-show "$pdu" | jq -c '[.interfaces[] | .name, .mgmt]')" '["fh",false,"mgmt",true]'
check "pdu-delete" eq "$(ctl pdu-delete ru-1)" "deleted pdu ru-1"
check "project-create" eq "$(run project-create team)" 0
check "user-create with --project-role-mappings" eq "$(run user-create alice --password 'Alice-pass-1' --project-role-mappings team,project_user)" 0
check "user-list shows the mapping" grep -qE '^[0-9a-f-]{36} +alice +team/project_user$' <(ctl user-list)
check "user-update --add-project-role" eq "$(ctl user-update alice --add-project-role admin,project_admin)" "updated user alice"
check "user-show -o json: both mappings" eq "$(ctl -o json user-show alice | jq -r '[.project_role_mappings[].role_name] | sort | join(",")')" "project_admin,project_user"
check "role-create, role-update --remove" sh -c "'$slicectl' role-create r1 --permissions '{ns_instances: true, vim_accounts: true}' >/dev/null && '$slicectl' role-update r1 --remove ns_instances >/dev/null"
check "... role-show -o yaml" eq "$(ctl -o yaml role-show r1 | /usr/bin/python3 -c 'import sys, yaml; print(sorted(yaml.safe_load(sys.stdin)["permissions"]))')" "['vim_accounts']"
check "user-delete, role-delete, project-delete" sh -c "'$slicectl' user-delete alice && '$slicectl' role-delete r1 && '$slicectl' project-delete team" >/dev/null
check "token-list: our token" grep -qE "^$(cat "$tmp/token") +admin +admin " <(ctl token-list)
receiver sub
check "subscription-create: exit 0" eq "$(run subscription-create --callback-uri "$url_sub" --filter '{notificationTypes: [NsLcmOperationOccurrenceNotification], operationStates: [COMPLETED]}')" 0
sub=$(cat "$tmp/out")
check "subscription-list: it, an ns subscription" grep -qE "^$sub +ns +$url_sub +NsLcmOperationOccurrenceNotification$" <(ctl subscription-list)
check "subscription-delete" eq "$(ctl subscription-delete "$sub")" "deleted subscription $sub"
check "nssmf-account-create, -list" sh -c "'$slicectl' nssmf-account-create --name dom-b --dialect 3gpp --url https://192.0.2.1:9999/3GPPManagement --user admin --password x --insecure >/dev/null && '$slicectl' nssmf-account-list | grep -qE '^[0-9a-f-]{36} +dom-b +3gpp '"
check "nssmf-account-show hides the password" eq "$(ctl -o json nssmf-account-show dom-b | jq -r .password)" "********"
check "nssmf-account-delete" eq "$(ctl nssmf-account-delete dom-b)" "deleted nssmf account dom-b"
check "nssi-list: the header of an empty list" eq "$(ctl nssi-list)" "ID  TYPE  OPERATIONAL  ADMINISTRATIVE  PROFILES  NSI"

# ---- exit codes
check "a 404: exit 2" eq "$(run ns-show 00000000-0000-0000-0000-000000000000)" 2
check "... with the detail" grep -q ': 404 ' "$tmp/err"
check "a usage error: exit 1" eq "$(run ns-scale "$ns")" 1
check "... naming the usage" grep -q 'usage: ns-scale NS_ID' "$tmp/err"
check "an unknown --output: exit 1" eq "$(run -o xml ns-list)" 1
free_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
check "an unreachable slicerd: exit 3" eq "$(run -u "http://127.0.0.1:$free_port/osm" ns-list)" 3
check "... saying so" grep -qi "connect" "$tmp/err"
check "--wait-timeout passed: exit 4" eq "$(run --wait-timeout 0.5 ns-create --name n4 --nsd slicer-core-ns --vim sim-1 --wait)" 4
check "... saying how to follow it" grep -q 'op-show .* --wait' "$tmp/err"
"$slicectl" op-show "$(awk 'NR == 1 {print $NF}' "$tmp/out")" --wait >/dev/null 2>&1
check "... op-show --wait follows it to the end" eq $? 0
ctl vim-create --name flaky --type sim --config '{"sim": {"fail": [{"call": "create_compute", "nth": 1}]}}' >/dev/null
check "an operation that FAILED: exit 2" eq "$(run ns-create --name f --nsd slicer-core-ns --vim flaky --wait)" 2
check "... the last line FAILED" grep -qE '^[0-9a-f-]{36} instantiate FAILED ' <(tail -1 "$tmp/out")
check "... the reason on stderr" grep -q 'injected failure' "$tmp/err"
check "the exit codes in --help" test "$(ctl --help | sed -n '/^exit codes:/,$p' | grep -cE '^  [0-4]  ')" = 5

# ---- bash completion
comp() { # WORDS...: the completions of the last word
    bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _slicectl; printf "%s\n" "${COMPREPLY[@]}"' \
        comp "$src/dist/slicectl.bash" "$@" | sort | paste -sd' '
}
check "completion: commands" eq "$(comp "$slicectl" ns-sc)" "ns-scale"
check "completion: every command of --help" eq "$(comp "$slicectl" '' | wc -w)" "$(ctl --help | grep -cE '^  [a-z]')"
check "completion: a command's options" eq "$(comp "$slicectl" ns-scale x --sc)" "--scale-in --scale-out --scaling-group"
check "completion: KIND" eq "$(comp "$slicectl" show '')" "nsd nst pnfd vnfd"
check "completion: --output values" eq "$(comp "$slicectl" -o '')" "json table yaml"
check "completion: files for onboard" eq "$(comp "$slicectl" onboard "$src/templates/nsd/core_n")" "$src/templates/nsd/core_nsd.yaml"
check "completion: NS ids from slicerd" grep -qw "$ns" <(comp "$slicectl" ns-show '')

token=$(cat "$tmp/token")
check "logout: exit 0" eq "$(run logout)" 0
check "... the token file is gone" test ! -e "$tmp/token"
check "... and the token revoked: exit 2" eq "$(SLICER_TOKEN=$token run ns-list)" 2
check "... saying so" grep -q '401 invalid or revoked token' "$tmp/err"

tmux_kill
check "the tmux server is gone" sh -c "! tmux -S '$sock' has-session 2>/dev/null"
stop_receivers
stop_clean
summary

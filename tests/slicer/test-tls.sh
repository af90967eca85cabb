#!/bin/bash
# TLS on slicerd's NBI: a self-signed certificate made with openssl, a
# daemon on a free loopback port serving HTTPS with it, a client that
# trusts it (and one that does not), and a config that is refused.  Then
# HTTPS by default: with no certificate configured, slicerd makes one in
# its state directory on its first start (logging its fingerprint) and
# keeps it; slicectl trusts a local slicerd's own without flags; "tls:
# off" serves plain HTTP.
# Everything it starts is stopped by pid; its files are removed.
# usage: test-tls.sh SLICERD SLICECTL
set -u
slicerd=$1
slicectl=$2
name=tls
# shellcheck source=harness.sh
. "$(dirname "$0")/harness.sh"

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>"$tmp/openssl.log" ||
    { cat "$tmp/openssl.log"; exit 1; }
# start_with CONFIG LOG: slicerd on CONFIG, its log appended to LOG;
# sets pid and port
start_with() {
    rm -f "$tmp/port"
    "$slicerd" -c "$1" >>"$2" 2>&1 &
    pid=$!
    port=$(port_of "$tmp/port")
}
cat >"$tmp/slicerd.yaml" <<CFG
port: 0
port_file: $tmp/port
state_dir: $tmp/state
admin_password: tls-secret
tls_cert: $tmp/cert.pem
tls_key: $tmp/key.pem
CFG
start_with "$tmp/slicerd.yaml" "$tmp/log"
login='{"username":"admin","password":"tls-secret"}'

code=$(curl -s -o "$tmp/body" -w '%{http_code}' --cacert "$tmp/cert.pem" \
    -H 'Accept: application/json' -H 'Content-Type: application/json' \
    -d "$login" "https://127.0.0.1:$port/osm/admin/v1/tokens")
check "login over HTTPS: 200" eq "$code" 200
check "a token came back" test "$(jq -r .id "$tmp/body" | wc -c)" -eq 65
curl -s -o /dev/null --cacert "$tmp/cert.pem" -w '%{ssl_verify_result}' \
    "https://127.0.0.1:$port/osm/admin/v1/tokens" >"$tmp/verify"
check "the certificate verifies" eq "$(cat "$tmp/verify")" 0
curl -s -o /dev/null "https://127.0.0.1:$port/osm/admin/v1/tokens"
check "a client that does not trust it fails (curl 60)" eq "$?" 60
code=$(curl -s -o "$tmp/plain" -w '%{http_code}' -H 'Content-Type: application/json' \
    -d "$login" "http://127.0.0.1:$port/osm/admin/v1/tokens")
check "plain HTTP on the HTTPS port: 400, not an API answer" eq "$code" 400
check "... a JSON error that says to use https" \
    eq "$(jq -r '"\(.code) \(.status)"' "$tmp/plain") $(jq -r .detail "$tmp/plain" | cut -c1-36)" \
    "BAD_REQUEST 400 this port speaks HTTPS: use https://"
check "the log says https" grep -q "listening on https" "$tmp/log"
kill "$pid"
wait "$pid"
check "clean shutdown after TLS traffic" eq "$?" 0
pid=

# half a TLS config, and a key that is not a key, are refused at start
sed '/tls_key/d' "$tmp/slicerd.yaml" >"$tmp/half.yaml"
"$slicerd" -c "$tmp/half.yaml" >"$tmp/half.log" 2>&1
check "tls_cert without tls_key: exit 2" eq "$?" 2
check "the error names tls_key" grep -q "tls_key" "$tmp/half.log"
echo "not a key" >"$tmp/bad.pem"
sed "s|$tmp/key.pem|$tmp/bad.pem|" "$tmp/slicerd.yaml" >"$tmp/bad.yaml"
"$slicerd" -c "$tmp/bad.yaml" >"$tmp/bad.log" 2>&1
check "a bad key: slicerd fails to start" test "$?" -ne 0
check "the error says the key is not a key" grep -q "TLS: the key is not a PEM private key" "$tmp/bad.log"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=other \
    -keyout "$tmp/other.pem" -out "$tmp/other-cert.pem" 2>>"$tmp/openssl.log"
sed "s|$tmp/key.pem|$tmp/other.pem|" "$tmp/slicerd.yaml" >"$tmp/other.yaml"
"$slicerd" -c "$tmp/other.yaml" >"$tmp/other.log" 2>&1
check "another certificate's key: slicerd fails to start" test "$?" -ne 0
check "the error says they do not go together" grep -q "TLS: the key does not go with the certificate" "$tmp/other.log"

# --- HTTPS by default: a self-signed certificate made on the first start
cat >"$tmp/default.yaml" <<CFG
port: 0
port_file: $tmp/port
state_dir: $tmp/dstate
admin_password: tls-secret
CFG
start_default() { start_with "$tmp/default.yaml" "$tmp/dlog"; }
start_default
cert=$tmp/dstate/tls/cert.pem
check "a certificate was made in the state directory" test -s "$cert"
check "... its key readable by the daemon's user only" \
    eq "$(stat -c %a "$tmp/dstate/tls/key.pem")" 600
fp=$(openssl x509 -in "$cert" -noout -fingerprint -sha256 | sed 's/.*=//')
check "the log gives its SHA-256 fingerprint" \
    grep -q "made a self-signed certificate $cert, SHA-256 fingerprint $fp" "$tmp/dlog"
check "it names 127.0.0.1, ::1 and localhost" sh -c \
    "openssl x509 -in '$cert' -noout -ext subjectAltName | grep -q 'DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1'"
code=$(curl -s -o "$tmp/body" -w '%{http_code}' --cacert "$cert" \
    -H 'Accept: application/json' -H 'Content-Type: application/json' \
    -d "$login" "https://127.0.0.1:$port/osm/admin/v1/tokens")
check "login over HTTPS with the made certificate: 200" eq "$code" 200
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$cert" "https://localhost:$port/osm/version")
check "... by the name localhost too (the certificate verifies)" test "$code" != 000
# slicectl: a local slicerd's certificate is found through its state
# directory, without a flag
export SLICER_URL=https://127.0.0.1:$port/osm SLICER_TOKEN_FILE=$tmp/token
SLICER_STATE_DIR=$tmp/dstate "$slicectl" login --user admin --password tls-secret >"$tmp/ctl.out" 2>&1
check "slicectl logs in over HTTPS with no flag" eq "$?" 0
SLICER_STATE_DIR=$tmp/dstate "$slicectl" list vnfd >"$tmp/ctl.out" 2>&1
check "... and lists" eq "$?" 0
SLICER_STATE_DIR=$tmp/nowhere "$slicectl" list vnfd >"$tmp/ctl.out" 2>&1
check "slicectl without the certificate fails" test "$?" -ne 0
check "... saying how to trust it" grep -q "not trusted.*--cacert FILE" "$tmp/ctl.out"
SLICER_STATE_DIR=$tmp/nowhere "$slicectl" --cacert "$cert" list vnfd >"$tmp/ctl.out" 2>&1
check "slicectl --cacert FILE" eq "$?" 0
SLICER_STATE_DIR=$tmp/nowhere SLICER_CACERT=$tmp/cert.pem "$slicectl" list vnfd >"$tmp/ctl.out" 2>&1
check "slicectl with another certificate is refused" test "$?" -ne 0
unset SLICER_URL SLICER_TOKEN_FILE
kill "$pid"
wait "$pid"
check "clean shutdown" eq "$?" 0
pid=
start_default
check "a restart keeps the certificate" \
    eq "$(openssl x509 -in "$cert" -noout -fingerprint -sha256 | sed 's/.*=//')" "$fp"
check "... and says so" grep -q "the self-signed certificate $cert, SHA-256 fingerprint $fp" "$tmp/dlog"
kill "$pid"
wait "$pid"
pid=

# a certificate without its key is not replaced behind the operator's back
mv "$tmp/dstate/tls/key.pem" "$tmp/key.saved"
"$slicerd" -c "$tmp/default.yaml" >"$tmp/half2.log" 2>&1
check "a certificate without its key: slicerd fails to start" test "$?" -ne 0
check "... naming both files" grep -q "cert.pem' is there without '.*key.pem'" "$tmp/half2.log"
cp "$tmp/key.pem" "$tmp/dstate/tls/key.pem"
"$slicerd" -c "$tmp/default.yaml" >"$tmp/half3.log" 2>&1
check "another certificate's key: slicerd fails to start" test "$?" -ne 0
check "... saying so" grep -q "is not the key of" "$tmp/half3.log"
mv "$tmp/key.saved" "$tmp/dstate/tls/key.pem"

# --- tls: off serves plain HTTP; its misuses are refused
echo "tls: off" >>"$tmp/default.yaml"
start_default
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    -d "$login" "http://127.0.0.1:$port/osm/admin/v1/tokens")
check "tls: off: plain HTTP login 200" eq "$code" 200
check "... and the log says http" grep -q "listening on 127.0.0.1 port $port" "$tmp/dlog"
kill "$pid"
wait "$pid"
pid=
for bad in "tls: maybe" "tls: off
tls_cert: $tmp/cert.pem
tls_key: $tmp/key.pem"; do
    printf 'port: 0\nstate_dir: %s/dstate\n%s\n' "$tmp" "$bad" >"$tmp/bad.yaml"
    "$slicerd" -c "$tmp/bad.yaml" >"$tmp/bad.log" 2>&1
    check "'${bad%%
*}': exit 2" eq "$?" 2
    check "... the error names tls" grep -q "tls: .*" "$tmp/bad.log"
done

summary

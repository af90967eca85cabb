#!/bin/bash
# TLS on slicerd's NBI: a self-signed certificate made with openssl, a
# daemon on a free loopback port serving HTTPS with it, a client that
# trusts it (and one that does not), and a config that is refused.
# Everything it starts is stopped by pid; its files are removed.
# usage: test-tls.sh SLICERD
set -u
slicerd=$1
name=tls
# shellcheck source=harness.sh
. "$(dirname "$0")/harness.sh"

openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 \
    -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>"$tmp/openssl.log" ||
    { cat "$tmp/openssl.log"; exit 1; }
cat >"$tmp/slicerd.yaml" <<CFG
port: 0
port_file: $tmp/port
state_dir: $tmp/state
admin_password: tls-secret
tls_cert: $tmp/cert.pem
tls_key: $tmp/key.pem
CFG
"$slicerd" -c "$tmp/slicerd.yaml" >"$tmp/log" 2>&1 &
pid=$!
for _ in $(seq 100); do
    [ -s "$tmp/port" ] && break
    sleep 0.05
done
port=$(cat "$tmp/port")
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
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    -d "$login" "http://127.0.0.1:$port/osm/admin/v1/tokens")
check "plain HTTP gets no API answer" test "$code" != 200
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

summary

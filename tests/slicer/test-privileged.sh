#!/bin/bash
# Privileged configuration (issue 19, section 2): what a VIM account's
# config names of the daemon's host (files it reads, commands it runs,
# sockets, links, directories) is set only by a system admin; a file it
# names is checked when the account is created (a 422 naming the key and
# the path, never a failure at instantiation), and no error quotes what
# the file holds.  A real daemon on a free loopback port, sim VIM.
# usage: test-privileged.sh SLICERD SOURCE_DIR
set -u
slicerd=$1
src=$2
name=privileged
# shellcheck source=harness.sh
. "$(dirname "$0")/harness.sh"

# host files only from $tmp/files (files_dir)
mkdir -p "$tmp/files/hosts" "$tmp/outside"
cp "$src/templates/infra/hosts/compute-1.yaml" "$tmp/files/hosts/"
cp "$src/templates/infra/hosts/compute-1.yaml" "$tmp/outside/"
ln -s "$tmp/outside/compute-1.yaml" "$tmp/files/hosts/escape.yaml"
config "files_dir: $tmp/files"
start
login
admin_tok=$tok
jreq POST /admin/v1/projects '{"name":"blue"}'
jreq POST /admin/v1/users '{"username":"bob","password":"bob-pw","project_role_mappings":[{"project":"blue","role":"member"}]}'
check "member bob created" eq "$code" 201
jreq POST /admin/v1/tokens '{"username":"bob","password":"bob-pw"}'
bob_tok=$(field .id)
check "bob logged in" test -n "$bob_tok"
count() { req GET /admin/v1/vim_accounts; field length; }

# a file only root may read, whose content must never come back
secret="$tmp/files/secret.txt"
echo "top-secret-value-4711" >"$secret"
chmod 600 "$secret"
hosts=$tmp/files/hosts/compute-1.yaml

# --- a member: nothing that touches the host
tok=$bob_tok
jreq POST /admin/v1/vim_accounts "{\"name\":\"b1\",\"vim_type\":\"sim\",\"vim_url\":\"sim://\",\"config\":{\"hosts\":\"$hosts\"}}"
check "member: sim account with config.hosts: 403" eq "$code" 403
check "... naming the key" grep -q "config.hosts" "$tmp/body"
jreq POST /admin/v1/vim_accounts "{\"name\":\"b1\",\"vim_type\":\"sim\",\"vim_url\":\"sim://\",\"config\":{\"hosts\":\"$secret\"}}"
check "member: config.hosts naming a root-only file: 403" eq "$code" 403
check "... and nothing of the file in the reply" test -z "$(grep -o top-secret "$tmp/body")"
jreq POST /admin/v1/vim_accounts '{"name":"b2","vim_type":"netns","vim_url":"netns://x","config":{"images":{"x":"id"}}}'
check "member: netns account with an image command: 403" eq "$code" 403
check "... naming config.images" grep -q "config.images" "$tmp/body"
for key in '"ovs":"unix:/run/x.sock"' '"cables":{"11":"eth0"}' '"netns_dir":"/tmp"' '"run_as":"root"'; do
    jreq POST /admin/v1/vim_accounts "{\"name\":\"b3\",\"vim_type\":\"netns\",\"vim_url\":\"netns://x\",\"config\":{$key}}"
    check "member: netns config {$key}: 403" eq "$code" 403
done
jreq POST /admin/v1/vim_accounts "{\"name\":\"b4\",\"vim_type\":\"openstack\",\"vim_url\":\"http://127.0.0.1:9/v3\",\"vim_user\":\"u\",\"vim_password\":\"p\",\"vim_tenant_name\":\"t\",\"config\":{\"ca_cert\":\"$secret\"}}"
check "member: openstack account whose ca_cert is a file of the host: 403" eq "$code" 403
check "... naming config.ca_cert" grep -q "config.ca_cert" "$tmp/body"
tok=$admin_tok
jreq POST /admin/v1/vim_accounts '{"name":"o1","vim_type":"openstack","vim_url":"http://127.0.0.1:9/v3","vim_user":"u","vim_password":"p","vim_tenant_name":"t","config":{"dataplane_network_type":"gre"}}'
check "openstack config with a bad value: 422 naming key and value" eq \
    "$code $(field .detail)" '422 vim account '"'o1'"': config.dataplane_network_type: "gre" is not an accepted string'
jreq POST /admin/v1/vim_accounts '{"name":"o1","vim_type":"openstack","vim_url":"http://127.0.0.1:9/v3","vim_user":"u","vim_password":"p"}'
check "openstack account without a project: 422 saying what it needs" eq \
    "$code $(field .detail)" "422 vim account 'o1': an OpenStack account needs vim_user, vim_password and vim_tenant_name (or vim_tenant_id)"
jreq POST /admin/v1/vim_accounts '{"name":"o1","vim_type":"openstack","vim_url":"http://127.0.0.1:9/v3","vim_user":"u","vim_password":"p","vim_tenant_name":"t"}'
check "openstack account whose Keystone does not answer: 422 with why" eq \
    "$code $(field .detail | sed 's/: Failed to connect.*//')" "422 vim account 'o1': check credentials: Keystone http://127.0.0.1:9/v3"
check "none of them stored" eq "$(count)" 0
tok=$bob_tok
jreq POST /admin/v1/vim_accounts '{"name":"b1","vim_type":"sim","vim_url":"sim://","config":{"sim":{"latency_ms":0}}}'
check "member: a sim account without host keys: 201" eq "$code" 201
b1=$(field .id)
jreq PATCH "/admin/v1/vim_accounts/$b1" "{\"config\":{\"hosts\":\"$hosts\"}}"
check "member: adding config.hosts by PATCH: 403" eq "$code" 403
jreq PATCH "/admin/v1/vim_accounts/$b1" '{"description":"mine"}'
check "member: other changes to the account: 204" eq "$code" 204

# --- an admin: files checked now, their content never quoted
tok=$admin_tok
jreq POST /admin/v1/vim_accounts "{\"name\":\"a1\",\"vim_type\":\"sim\",\"vim_url\":\"sim://\",\"config\":{\"hosts\":\"$tmp/missing.yaml\"}}"
check "admin: config.hosts naming a missing file: 422 at creation" eq "$code" 422
check "... naming the key and the path" grep -q "config.hosts: '$tmp/missing.yaml'" "$tmp/body"
jreq POST /admin/v1/vim_accounts "{\"name\":\"a1\",\"vim_type\":\"sim\",\"vim_url\":\"sim://\",\"config\":{\"hosts\":\"$secret\"}}"
check "admin: config.hosts naming a file that is no inventory: 422" eq "$code" 422
check "... naming the key, the path, the line and the column" \
    grep -q "config.hosts: '$secret' line 1 column 1" "$tmp/body"
check "... and never what the file holds" test -z "$(grep -o top-secret "$tmp/body")"
check "none stored" eq "$(count)" 1
jreq POST /admin/v1/vim_accounts "{\"name\":\"a1\",\"vim_type\":\"sim\",\"vim_url\":\"sim://\",\"config\":{\"hosts\":\"/nonexistent/../etc/shadow\"}}"
check "admin: a path with '..': 422" eq "$code" 422
for bad in "$tmp/outside/compute-1.yaml" "$tmp/files/../outside/compute-1.yaml" \
    "hosts/../../outside/compute-1.yaml" "$tmp/files/hosts/escape.yaml" /etc/passwd; do
    jreq POST /admin/v1/vim_accounts "{\"name\":\"a1\",\"vim_type\":\"sim\",\"vim_url\":\"sim://\",\"config\":{\"hosts\":\"$bad\"}}"
    check "admin: config.hosts '$bad' (not under files_dir): 422" eq "$code" 422
    check "... naming the key and the path" grep -qF "config.hosts: '$bad'" "$tmp/body"
done
check "... none stored" eq "$(count)" 1
jreq POST /admin/v1/vim_accounts "{\"name\":\"a1\",\"vim_type\":\"sim\",\"vim_url\":\"sim://\",\"config\":{\"hosts\":[\"$hosts\", \"$tmp/outside/compute-1.yaml\"]}}"
check "admin: a list with one file outside: 422" eq "$code" 422
jreq POST /admin/v1/vim_accounts "{\"name\":\"a1\",\"vim_type\":\"sim\",\"vim_url\":\"sim://\",\"config\":{\"hosts\":\"$hosts\"}}"
check "admin: a real inventory under files_dir: 201" eq "$code" 201
jreq POST /admin/v1/vim_accounts '{"name":"a2","vim_type":"sim","vim_url":"sim://","config":{"hosts":"hosts/compute-1.yaml"}}'
check "admin: a path relative to files_dir: 201" eq "$code" 201
req GET "/admin/v1/vim_accounts/a2"
check "... stored as its real path" eq "$(field .config.hosts)" "$hosts"
check "the daemon's log never quotes the file either" \
    test -z "$(grep -o top-secret "$tmp/log")"

stop_clean
summary

#!/bin/bash
# OSM's roles and permissions (issue 20, item 7).  The stock roles exist
# with UUIDs; each route is checked against its OSM operation
# ("ns_instances:post") with the most specific key of the caller's roles
# deciding; roles are created, edited and deleted as osmclient does it;
# users get roles by name through project_role_mappings and OSM's
# add/remove keys; nobody grants what an admin role alone may grant; a
# store of the fixed roles of before (admin, member, reader) is moved
# onto the role records.
# usage: test-roles.sh SLICERD SOURCE_DIR
set -u
slicerd=$1
src=$2
tpl=$src/templates
name=roles
# shellcheck source=harness.sh
. "$(dirname "$0")/harness.sh"

as() { # user [password]: log in as them
    jreq POST /admin/v1/tokens "{\"username\":\"$1\",\"password\":\"${2:-$1-pw}\"}"
    tok=$(field .id)
}
user() { # name project role...: creates the user with those roles
    local u=$1 p=$2 maps="" r
    shift 2
    for r in "$@"; do maps="$maps${maps:+,}{\"project\":\"$p\",\"role\":\"$r\"}"; done
    tok=$admin_tok
    jreq POST /admin/v1/users "{\"username\":\"$u\",\"password\":\"$u-pw\",\"project_role_mappings\":[$maps]}"
}

config
start
login
admin_tok=$tok

# --- the stock roles
req GET /admin/v1/roles
check "roles listed: 200" eq "$code" 200
check "OSM's four stock roles and the read-only one" \
    eq "$(field '[.[].name] | sort | join(",")')" \
    "account_manager,project_admin,project_reader,project_user,system_admin"
check "... each with a UUID _id" \
    eq "$(field '[.[]._id | test("^[0-9a-f]{8}-[0-9a-f]{4}-4")] | all')" true
check "system_admin: default and admin" \
    eq "$(field '.[] | select(.name == "system_admin") | .permissions | "\(.default) \(.admin)"')" "true true"
check "project_user may not touch NS instances but read them" \
    eq "$(field '.[] | select(.name == "project_user") | .permissions | "\(.ns_instances) \(."ns_instances:get")"')" "false true"
req GET /admin/v1/roles/project_user
check "a role by name: 200" eq "$(field .name)" project_user
pu_id=$(field ._id)
req GET "/admin/v1/roles/$pu_id"
check "... and by _id" eq "$(field .name)" project_user
jreq POST /admin/v1/tokens '{"username":"admin","password":"test-secret"}'
check "the admin's token lists its role by _id and name" \
    eq "$(field '.roles[0].name') $(field .admin)" "system_admin true"

for p in blue red; do
    jreq POST /admin/v1/projects "{\"name\":\"$p\"}"
done
req POST /vnfpkgm/v1/vnf_packages_content -H 'Content-Type: application/yaml' --data-binary "@$tpl/vnfd/router_vnfd.yaml"
check "admin onboards a VNFD in its project" eq "$code" 201
jreq POST /admin/v1/vim_accounts '{"name":"sim1","vim_type":"sim","vim_url":"sim://"}'

# --- project_user, as osmclient's user-create sends it (names, not _ids)
user pat blue project_user
check "user-create --project-role-mappings blue,project_user: 201" eq "$code" 201
req GET /admin/v1/users/pat
check "... the mapping holds the role's _id" eq "$(field '.project_role_mappings[0].role')" "$pu_id"
check "... and shows its names" \
    eq "$(field '.project_role_mappings[0] | "\(.project_name) \(.role_name)"')" "blue project_user"
as pat
check "project_user logs in" eq "$code" 200
check "... to its project" eq "$(field .project_name)" blue
req POST /vnfpkgm/v1/vnf_packages_content -H 'Content-Type: application/yaml' --data-binary "@$tpl/vnfd/router_vnfd.yaml"
check "project_user onboards a VNFD (default: true)" eq "$code" 201
req GET /nslcm/v1/ns_instances
check "project_user lists NS instances (ns_instances:get)" eq "$code" 200
jreq POST /nslcm/v1/ns_instances '{"nsName":"x","nsdId":"x","vimAccountId":"x"}'
check "project_user may not create an NS: 403" eq "$code" 403
check "... the error names the operation and the role" \
    grep -q "role project_user in project 'blue'.*'ns_instances:post'" "$tmp/body"
check "... as a JSON error body" eq "$(field '"\(.code) \(.status)"')" "FORBIDDEN 403"
jreq POST /nslcm/v1/ns_instances/any/action '{"primitive":"p"}'
check "... nor run a primitive (ns_instances:id:action:post)" eq "$code" 403
jreq POST /nsilcm/v1/netslice_instances/any/action '{"primitive":"p"}'
check "... not even through a slice action" eq "$code" 403
req GET /nslcm/v1/vnf_instances
check "project_user may not read VNF instances (vnf_instances: false)" eq "$code" 403
jreq POST /admin/v1/vim_accounts '{"name":"v","vim_type":"sim","vim_url":"sim://"}'
check "project_user may not create a VIM account" eq "$code" 403
req GET /admin/v1/vim_accounts
check "... but lists them (vim_accounts:get)" eq "$code" 200
req GET /admin/v1/users
check "project_user may not list users" eq "$code" 403
req GET /admin/v1/users/pat
check "... but reads itself (users:id:get)" eq "$code" 200
req GET /admin/v1/users/admin
check "... not a user of another project: 404" eq "$code" 404
jreq PATCH /admin/v1/users/pat '{"add_project_role_mappings":[{"project":"blue","role":"project_admin"}]}'
check "project_user may not give itself a role: 403" eq "$code" 403
jreq PATCH /admin/v1/users/pat '{"password":"pat-pw2"}'
check "... but changes its own password: 204" eq "$code" 204
as pat pat-pw2
check "... and logs in with it" eq "$code" 200
req DELETE /admin/v1/tokens
check "project_user logs out: 204" eq "$code" 204

# --- project_admin: its project's users, no accounts, no projects
user paula blue project_admin
as paula
req GET /admin/v1/users
check "project_admin lists the users of its project" \
    eq "$(field '[.[].username] | sort | join(",")')" "pat,paula"
jreq POST /admin/v1/users '{"username":"x","password":"x","project_role_mappings":[{"project":"blue","role":"project_user"}]}'
check "project_admin may not create users (users:post false)" eq "$code" 403
req DELETE /admin/v1/users/pat
check "... nor delete them" eq "$code" 403
req GET /admin/v1/projects
check "... nor read projects (projects: false)" eq "$code" 403
jreq POST /nslcm/v1/ns_instances '{"nsName":"x","nsdId":"x","vimAccountId":"x"}'
check "project_admin may create NSs (the 404 is the NSD's)" eq "$code" 404
# provider networks reach the host's physical networks (the links to
# other domains): a system admin's, as Neutron's provider attributes
jreq POST /nslcm/v1/ns_instances_content '{"nsName":"x","nsdId":"x","vimAccountId":"sim1","vld":[{"name":"n3","provider-network":{"segmentation-id":3001}}]}'
check "project_admin: an NS with a provider network: 403 naming the member" test "$code" = 403 -a -n "$(field .detail | grep -o "'provider-network'")"
jreq POST /../nsmf/v1/slice_requests '{"serviceProfile":{"sNSSAIList":[{"sst":1}]},"transportEndpoints":[{"id":"a","ipAddress":"10.250.0.128/24","logicalInterfaceInfo":{"logicalInterfaceType":"VLAN_ID","logicalInterfaceId":"3001"},"epApplicationRef":["core-n3"]}]}'
check "... a slice request with transport endpoints: 403" test "$code" = 403 -a -n "$(field .detail | grep -o "'transportEndpoints'")"
jreq POST /admin/v1/nssmf_accounts '{"name":"b","dialect":"3gpp","url":"https://127.0.0.1:1/3GPPManagement","physical_network":"wan"}'
check "... an NSSMF account on a physical network: 403" test "$code" = 403 -a -n "$(field .detail | grep -o "physical_network 'wan'")"
tok=$admin_tok
req GET /../nsmf/v1/slice_requests
check "... none of them made anything" eq "$(field length)/$(req GET /nslcm/v1/ns_instances; field length)/$(req GET /admin/v1/nssmf_accounts; field length)" 0/0/0
as paula

# --- account_manager: accounts, nothing else
user mona admin account_manager
as mona
req GET /admin/v1/users
check "account_manager lists every user" eq "$(field length)" 4
req GET /admin/v1/projects
check "... and every project" eq "$(field length)" 3
req GET /nslcm/v1/ns_instances
check "... but no NS (default: false)" eq "$code" 403
jreq POST /admin/v1/users '{"username":"sam","password":"sam-pw","project_role_mappings":[{"project":"red","role":"project_user"}]}'
check "account_manager creates a user" eq "$code" 201
jreq POST /admin/v1/users '{"username":"eve","password":"eve-pw","project_role_mappings":[{"project":"red","role":"system_admin"}]}'
check "... but grants no admin role: 403" eq "$code" 403
check "... saying why" grep -q "role 'system_admin' is an admin role" "$tmp/body"
jreq PATCH /admin/v1/users/mona '{"add_project_role_mappings":[{"project":"admin","role":"system_admin"}]}'
check "... not even to itself" eq "$code" 403
jreq POST /admin/v1/roles '{"name":"boss","permissions":{"default":true,"admin":true}}'
check "... and makes no admin role" eq "$code" 403
req PATCH /admin/v1/roles/system_admin -H 'Content-Type: application/json' --data-binary '{"permissions":{"tokens":true}}'
check "... nor edits one" eq "$code" 403
jreq PATCH /admin/v1/users/admin '{"password":"taken-over"}'
check "... nor changes a user who holds an admin role" eq "$code" 403
req DELETE /admin/v1/users/admin
check "... nor deletes one" eq "$code" 403
# osmclient's user-update: add and remove mappings, rename
jreq PATCH /admin/v1/users/sam '{"add_project_role_mappings":[{"project":"blue","role":"project_reader"},{"project":"red","role":"project_admin"}],"remove_project_role_mappings":[{"project":"red","role":"project_user"}],"username":"samuel"}'
check "user-update --add-project-role --remove-project-role --set-username: 204" eq "$code" 204
req GET /admin/v1/users/samuel
check "... the mappings as asked" \
    eq "$(field '[.project_role_mappings[] | "\(.project_name)/\(.role_name)"] | sort | join(",")')" "blue/project_reader,red/project_admin"
jreq PATCH /admin/v1/users/samuel '{"remove_project_role_mappings":[{"project":"red"}]}'
req GET /admin/v1/users/samuel
check "removing a project without a role removes all its roles" \
    eq "$(field '[.project_role_mappings[].project_name] | join(",")')" blue
jreq PATCH /admin/v1/users/samuel '{"add_project_role_mappings":[{"project":"blue","role":"nobody"}]}'
check "an unknown role: 422" eq "$code" 422
check "... named" grep -q "role 'nobody' does not exist" "$tmp/body"
jreq POST /admin/v1/users '{"username":"x","password":"x","project_role_mappings":[{"project":"nowhere","role":"project_user"}]}'
check "an unknown project: 422" eq "$code" 422

# --- project_reader: every GET, no write
as samuel sam-pw
req GET /nslcm/v1/ns_instances
check "project_reader reads NSs" eq "$code" 200
req GET /vnfpkgm/v1/vnf_packages
check "... and packages" eq "$(field '.[0].id')" slicer-transport-router
req DELETE /vnfpkgm/v1/vnf_packages/slicer-transport-router
check "... writes nothing: 403" eq "$code" 403
req DELETE /admin/v1/tokens
check "... logs out" eq "$code" 204

# --- a role of one's own, as osmclient's role-create / role-update
tok=$admin_tok
jreq POST /admin/v1/roles '{"name":"nsd-reader","permissions":{"default":false,"nsds:get":true,"tokens":true}}'
check "role-create: 201 with an id" eq "$code/$(field '.id | length')" 201/36
custom=$(field .id)
jreq POST /admin/v1/roles '{"name":"nsd-reader"}'
check "the same name again: 409" eq "$code" 409
jreq POST /admin/v1/roles '{"name":"r2","permissions":{"nsdss:get":true}}'
check "a permission that is no operation: 422" eq "$code" 422
check "... named" grep -q "'nsdss:get' is no operation" "$tmp/body"
jreq POST /admin/v1/roles '{"name":"r2","permissions":{"nsds:get":"yes"}}'
check "a permission that is not a boolean: 422" eq "$code" 422
user nora blue nsd-reader
as nora
nora_tok=$tok
req GET /nsd/v1/ns_descriptors
check "nsds:get allowed" eq "$code" 200
req GET /vnfpkgm/v1/vnf_packages
check "vnfds:get denied (default false)" eq "$code" 403
tok=$admin_tok
jreq PATCH "/admin/v1/roles/$custom" '{"permissions":{"vnfds:get":true,"tokens":null},"name":"catalogue-reader"}'
check "role-update --add --remove --set-name: 204" eq "$code" 204
req GET /admin/v1/roles/catalogue-reader
check "... permissions added and removed" \
    eq "$(field '.permissions | "\(."vnfds:get") \(.tokens)"')" "true null"
tok=$nora_tok
req GET /vnfpkgm/v1/vnf_packages
check "the change applies to a live token" eq "$code" 200
req DELETE /admin/v1/tokens
check "without 'tokens' nora may not even log out" eq "$code" 403
tok=$admin_tok
req DELETE "/admin/v1/roles/$custom"
check "role-delete of a role a user holds: 409" eq "$code" 409
check "... naming the user" grep -q "held by user(s) 'nora'" "$tmp/body"
req DELETE /admin/v1/users/nora
req DELETE "/admin/v1/roles/$custom"
check "role-delete once free: 204" eq "$code" 204
req GET /admin/v1/roles/catalogue-reader
check "... gone" eq "$code" 404

# --- a store of the fixed roles of before
stop_clean
python3 - "$tmp/state/slicer.db" <<'EOF'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
roles = {i: json.loads(d)["name"] for i, d in db.execute("SELECT id, doc FROM records WHERE coll='roles'")}
old = {"system_admin": "admin", "project_admin": "member", "project_reader": "reader"}
for i, d in db.execute("SELECT id, doc FROM records WHERE coll IN ('users', 'tokens')").fetchall():
    doc = json.loads(d)
    for m in doc.get("project_role_mappings", []):
        m["role"] = old.get(roles.get(m["role"]), m["role"])
    for r in doc.get("roles", []):
        r["id"] = r["name"] = old.get(roles.get(r["id"]), r["id"])
    db.execute("UPDATE records SET doc=? WHERE id=?", (json.dumps(doc), i))
db.execute("DELETE FROM records WHERE coll='roles'")
db.commit()
EOF
check "the store now has the old roles" test $? = 0
start
tok=$admin_tok
req GET /admin/v1/roles
check "an old admin token is revoked on upgrade: 401" eq "$code" 401
login
req GET /admin/v1/roles
check "the stock roles are made again" eq "$(field length)" 5
req GET /admin/v1/users/paula
check "'member' became project_admin" eq "$(field '.project_role_mappings[0].role_name')" project_admin
req GET /admin/v1/users/samuel
check "'reader' became project_reader" eq "$(field '.project_role_mappings[0].role_name')" project_reader
jreq POST /admin/v1/users '{"username":"old","password":"old-pw","project_role_mappings":[{"project":"blue","role":"member"}]}'
check "the old names still work as aliases" eq "$code" 201
req GET /admin/v1/users/old
check "... of the new roles" eq "$(field '.project_role_mappings[0].role_name')" project_admin

stop_clean
summary

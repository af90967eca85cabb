# What the OpenStack test and bench/openstack.sh share: the testbed's
# APIs seen with curl, as an operator (or a one-by-one script) uses them.
# Sourced inside the testbed (OS_* set by its openrc).
NOVA=http://127.0.0.1:8774/v2.1
NEUTRON=http://127.0.0.1:9696/v2.0
GLANCE=http://127.0.0.1:9292/v2
os_token() { # a token of the testbed's admin in $OST
    OST=$(curl -si "$OS_AUTH_URL/auth/tokens" -H 'Content-Type: application/json' \
        -d '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"'"$OS_USERNAME"'","domain":{"name":"Default"},"password":"'"$OS_PASSWORD"'"}}},"scope":{"project":{"name":"'"$OS_PROJECT_NAME"'","domain":{"name":"Default"}}}}}' |
        awk -F': ' 'tolower($1)=="x-subject-token"{print $2}' | tr -d '\r')
}
os() { # METHOD URL [BODY]: the reply on stdout
    curl -s -X "$1" "$2" -H "X-Auth-Token: $OST" -H 'Content-Type: application/json' \
        -H 'OpenStack-API-Version: compute 2.61' ${3:+-d "$3"}
}
image() { # NAME: a tiny image under that name (VNFDs name their images);
    # its id in $img
    img=$(os POST "$GLANCE/images" '{"name":"'"$1"'","disk_format":"raw","container_format":"bare","visibility":"public"}' | jq -r .id)
    head -c 4096 /dev/zero | curl -s -X PUT "$GLANCE/images/$img/file" \
        -H "X-Auth-Token: $OST" -H 'Content-Type: application/octet-stream' --data-binary @-
}

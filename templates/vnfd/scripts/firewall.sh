#!/bin/bash
# The primitives of slicer-firewall-sf, run by slicer inside the firewall's
# VDU (its network namespace, as the VIM's run_as user):
#   firewall.sh set-label label=TEXT     the label its API shows
#   firewall.sh block-port port=N        TCP port N dropped from now on
# They call the firewall's control API on 127.0.0.1:8080, which only
# processes inside the VDU reach; parameters come in SLICER_PARAM_*.
set -eu
export LC_ALL=C
api() { # METHOD PATH BODY: prints the answer, fails unless it is a 200
    local reply status
    exec 3<>/dev/tcp/127.0.0.1/8080
    printf '%s %s HTTP/1.0\r\nContent-Length: %s\r\n\r\n%s' \
        "$1" "$2" "${#3}" "$3" >&3
    reply=$(cat <&3)
    exec 3<&-
    status=$(printf '%s\n' "$reply" | head -1 | cut -d' ' -f2)
    printf '%s\n' "${reply#*$'\r\n\r\n'}"
    [ "$status" = 200 ]
}
case $1 in
set-label) api PUT /label "$SLICER_PARAM_LABEL" ;;
block-port) api POST "/block/$SLICER_PARAM_PORT" "" ;;
*)
    echo "firewall.sh: no primitive '$1'" >&2
    exit 2
    ;;
esac

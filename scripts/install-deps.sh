#!/bin/sh
# Installs what slicer needs to build, test and run on Debian 12, with
# apt-get only.  Idempotent: packages already present are left alone.
# Must run as root (or through sudo).
set -eu
packages="
  meson ninja-build pkg-config gcc clang libclang-rt-14-dev
  libyaml-dev libjansson-dev libsqlite3-dev libcmocka-dev
  libcurl4-openssl-dev libmicrohttpd-dev libhttp-parser-dev libevent-dev libarchive-dev
  libcrypt-dev libssl-dev curl jq ca-certificates openssl python3
  openvswitch-switch iproute2 iputils-ping ethtool nftables
  libnl-3-dev libnl-route-3-dev util-linux libnftables-dev tcpdump
  python3-os-ken prometheus systemd socat
"
missing=""
for p in $packages; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
        grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
if [ -z "$missing" ]; then
    echo "install-deps: everything is installed"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing:$missing; run as root" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing

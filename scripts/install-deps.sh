#!/bin/sh
# Installs what slicer needs to build, test and run on Debian 12, with
# apt-get only.  Idempotent: packages already present are left alone.
# Must run as root (or through sudo).
set -eu
packages="
  meson ninja-build pkg-config gcc clang libclang-rt-14-dev
  libyaml-dev libjansson-dev libyajl-dev libsqlite3-dev libcmocka-dev
  libcurl4-openssl-dev libmicrohttpd-dev libhttp-parser-dev libevent-dev libarchive-dev
  libcrypt-dev libssl-dev libjemalloc-dev curl jq ca-certificates openssl python3
  openvswitch-switch iproute2 iputils-ping ethtool nftables
  libnl-3-dev libnl-route-3-dev util-linux libnftables-dev tcpdump
  python3-os-ken python3-yaml prometheus systemd socat tmux chromium
  etcd-server etcd-client
"
missing=""
for p in $packages; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
        grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
# the tests' npm tools (Redocly's CLI, playwright-core), as their lock
# files pin them, into tests/*/node_modules
top=$(cd "$(dirname "$0")/.." && pwd)
npm_dirs=""
for d in "$top"/tests/*/package-lock.json; do
    [ -f "$d" ] || continue
    [ -d "${d%/package-lock.json}/node_modules" ] || npm_dirs="$npm_dirs ${d%/package-lock.json}"
done
if ! command -v npm >/dev/null 2>&1; then
    missing="$missing nodejs npm"
fi
if [ -z "$missing" ] && [ -z "$npm_dirs" ]; then
    echo "install-deps: everything is installed"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "install-deps: missing:$missing$npm_dirs; run as root" >&2
    exit 1
fi
if [ -n "$missing" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    # shellcheck disable=SC2086
    apt-get install -y -q --no-install-recommends $missing
fi
for d in $npm_dirs; do
    npm ci --prefix "$d" --no-audit --no-fund --loglevel=error
done

#!/bin/bash
# The baseline of bench/netns.sh: the kernel and switch work of an NS of N
# slicer-host VDUs done the way a shell script would, with ip, ethtool and
# ovs-vsctl, one command at a time: per VDU a namespace; per interface
# (management and data) a veth pair, its end moved in and renamed, MAC,
# address, tx checksum off, up, the other end an access port of br-int in
# the VL's VLAN; lo up; the host role started.  Prints the milliseconds it
# took, then removes what it made (not timed).
# Runs against the switch in $OVS_RUNDIR (bench/netns.sh's).
# usage: netns-baseline.sh N ROLE_HELPER
set -eu
n=$1
role=$2
start=$(date +%s%N)
pids=
for i in $(seq "$n"); do
    ns=base-h$i
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    k=0
    for vl in mgmt:4000:10.200.0 data:4001:10.201.0; do
        ifname=${vl%%:*}
        rest=${vl#*:}
        tag=${rest%%:*}
        subnet=${rest#*:}
        [ "$ifname" = mgmt ] && ifname=eth0
        host=bv$i-$k
        ip link add "$host" type veth peer name "bp$i-$k"
        ip link set "bp$i-$k" netns "$ns"
        ip -n "$ns" link set "bp$i-$k" name "$ifname"
        ip -n "$ns" link set "$ifname" address "fa:16:3e:00:$(printf %02x "$i"):0$k"
        ip -n "$ns" addr add "$subnet.$((i + 1))/24" dev "$ifname"
        ip netns exec "$ns" ethtool -K "$ifname" tx off >/dev/null
        ip -n "$ns" link set "$ifname" up
        ip link set "$host" up
        ovs-vsctl add-port br-int "$host" -- set port "$host" tag="$tag"
        k=$((k + 1))
    done
    ip netns exec "$ns" "$role" host "$ns" >/dev/null 2>&1 &
    pids="$pids $!"
done
end=$(date +%s%N)
echo $(((end - start) / 1000000))
# shellcheck disable=SC2086
kill $pids 2>/dev/null || true
wait 2>/dev/null || true
for i in $(seq "$n"); do
    for k in 0 1; do
        ovs-vsctl --if-exists del-port br-int "bv$i-$k"
    done
    ip netns del "base-h$i"
done

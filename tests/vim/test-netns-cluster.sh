#!/bin/bash
# Two slicerd on one etcd store and one host share a netns VIM account
# and its Open vSwitch ("ovs: unix:PATH"; netns-shared.c):
# - NSs instantiated through each at the same time get VLANs and
#   management subnets of their own (one table, allocation under its
#   lock), and their VDUs reach each other;
# - each instance sees what the other made: an NS made through a is
#   terminated through b;
# - a VDU process that ends is reported lost once, by one instance, even
#   when the instance that started it was killed (-9) before: its NS is
#   degraded with one entry;
# - b terminates its NS while a watches its VDUs: neither takes that for
#   a loss;
# - after a's kill -9, b terminates a's NS, and nothing is left: no
#   namespace, no port on br-int, no record of the table in etcd;
# - an instance (c) killed while it checks a VDU's start: once the time
#   it had for the check is past, another watches the VDU, and reports
#   its loss.
# It needs its own network, mount and pid namespaces (unshare -n -m -p -f
# --mount-proc).
# usage: test-netns-cluster.sh SLICERD SOURCE_DIR
set -u
slicerd=$1
src=$2
tpl=$src/templates
name=netns-cluster
# shellcheck source=../slicer/harness.sh
. "$(dirname "$0")/../slicer/harness.sh"
own_namespaces test-netns-cluster

ovsdir=$tmp/ovs
etcd_pid=
declare -A ipid port
stop_all() {
    for p in "${ipid[@]}" $etcd_pid; do
        [ -n "$p" ] && kill -9 "$p" 2>/dev/null
    done
    for p in "${ipid[@]}" $etcd_pid; do
        [ -n "$p" ] && wait "$p" 2>/dev/null
    done
    for d in ovs-vswitchd ovsdb-server; do
        [ -s "$ovsdir/$d.pid" ] && kill -9 "$(cat "$ovsdir/$d.pid")" 2>/dev/null
    done
}
trap 'stop_all; cleanup' EXIT

etcd --name t1 --data-dir "$tmp/etcd" --logger=zap --log-outputs="$tmp/etcd.log" \
    --listen-client-urls http://127.0.0.1:23891 --advertise-client-urls http://127.0.0.1:23891 \
    --listen-peer-urls http://127.0.0.1:23892 --initial-advertise-peer-urls http://127.0.0.1:23892 \
    --initial-cluster t1=http://127.0.0.1:23892 >>"$tmp/etcd.out" 2>&1 &
etcd_pid=$!
etcdctl() { ETCDCTL_API=3 command etcdctl --endpoints=127.0.0.1:23891 "$@"; }
for _ in $(seq 100); do
    etcdctl endpoint health >/dev/null 2>&1 && break
    sleep 0.1
done
check "etcd is up" etcdctl endpoint health

# the switch both instances share
mkdir -p "$ovsdir"
ovsdb-tool create "$ovsdir/conf.db" /usr/share/openvswitch/vswitch.ovsschema
ovsdb-server "$ovsdir/conf.db" --remote="punix:$ovsdir/db.sock" \
    --pidfile="$ovsdir/ovsdb-server.pid" --unixctl="$ovsdir/ovsdb-server.ctl" \
    --detach --no-chdir --log-file="$ovsdir/ovsdb-server.log"
vsctl() { ovs-vsctl --db="unix:$ovsdir/db.sock" "$@"; }
vsctl --no-wait init
ovs-vswitchd "unix:$ovsdir/db.sock" --pidfile="$ovsdir/ovs-vswitchd.pid" \
    --unixctl="$ovsdir/ovs-vswitchd.ctl" --detach --no-chdir \
    --log-file="$ovsdir/ovs-vswitchd.log" --disable-system-route
check "a userspace Open vSwitch runs" test -s "$ovsdir/ovs-vswitchd.pid"

inst() { # NAME: starts slicerd NAME on the shared store
    cluster_instance "$1" etcd://127.0.0.1:23891/slicer
    ipid[$1]=$started
}
on() { base=http://127.0.0.1:${port[$1]}/osm; }
n_netns() { ip netns list | wc -l; }
n_ports() { vsctl list-ports br-int 2>/dev/null | grep -vcx int-to-fabric; }
table() { # KIND: the records of the shared table, one JSON per line
    etcdctl get --prefix "/slicer/vim-state/$vim/r/$1/" --print-value-only
}
degraded() { # ns id -> "STATUS/ENTRIES"
    req GET "/nslcm/v1/ns_instances/$1"
    echo "$(field '."operational-status"')/$(field '._admin.degraded // [] | length')"
}
until_degraded() { # ns id
    for _ in $(seq 100); do
        [ "$(degraded "$1")" != "running/0" ] && break
        sleep 0.1
    done
    sleep 1 # a second report would come by now
    degraded "$1"
}
vdu_pid() { # namespace -> the pid of the process running in it
    ip netns pids "$1" | head -n 1
}

inst a
inst b
check "two instances listen" test -n "${port[a]}" -a -n "${port[b]}"
on a
login
onboard vnfd "$tpl/vnfd/host_vnfd.yaml"
onboard nsd "$tpl/nsd/netns_demo_nsd.yaml"
jreq POST /admin/v1/vim_accounts "{\"name\":\"host\",\"vim_type\":\"netns\",\"vim_url\":\"netns://localhost\",\"config\":{\"ovs\":\"unix:$ovsdir/db.sock\"}}"
check "a netns account on the shared switch: 201" eq "$code" 201
vim=$(field .id)

# --- an NS through each instance, at the same time
for n in a b; do
    on "$n"
    jreq POST /nslcm/v1/ns_instances_content "{\"nsName\":\"$n\",\"nsdId\":\"slicer-netns-demo-ns\",\"vimAccountId\":\"$vim\"}"
    eval "ns_$n=\$(field .id) op_$n=\$(field .nslcmop_id)"
done
# shellcheck disable=SC2154
{ on a; wait_op "$op_a"; state_a=$state; on b; wait_op "$op_b"; }
check "both NSs instantiated" eq "$state_a/$state" COMPLETED/COMPLETED
check "six networks in the shared table" eq "$(table networks | wc -l)" 6
check "each network has a VLAN of its own" \
    eq "$(table networks | jq -r .vlan | sort -u | wc -l)" 6
check "each management network a subnet of its own" \
    eq "$(table networks | jq -r 'select(.mgmt) | .cidr' | sort -u | wc -l)" 2
check "six computes, each with its process" \
    eq "$(table computes | jq -r 'select(.pid > 1) | .ns' | wc -l)" 6
on b
for n in a b; do
    # shellcheck disable=SC2154
    eval "ns=\$ns_$n"
    check "NS $n: its client reaches its server-a (data-a)" \
        pings "$(netns_of "$ns" client)" 10.20.0.20
    check "NS $n: and not server-b (data-b, same subnet)" \
        no_ping "$(netns_of "$ns" client)" 10.20.0.21
done

# --- a loss is reported once, though both instances watch the process
on a
victim=$(netns_of "$ns_b" server-a)
kill -9 "$(vdu_pid "$victim")"
check "b's VDU killed: its NS degraded, one entry" eq "$(until_degraded "$ns_b")" degraded/1
check "... naming the process" grep -q "server-a.*process" "$tmp/body"

# --- b takes its NS down while a watches its VDUs: not a loss
losses() { cat "$tmp/a/log" "$tmp/b/log" | grep -c "vim 'host': compute "; }
losses_before=$(losses)
on b
ns_down "$ns_b"
check "b terminates its own NS" eq "$state" COMPLETED
check "its three namespaces are gone" eq "$(n_netns)" 3
sleep 1 # a's pidfd and inotify events for them are handled by now
check "neither instance took what terminate stopped for a loss" \
    eq "$(losses)" "$losses_before"

# --- a dies; b watches a's VDUs and takes a's NS down
kill -9 "${ipid[a]}"
wait "${ipid[a]}" 2>/dev/null
unset 'ipid[a]'
sleep 2.5 # a's lease expires
on b
victim=$(netns_of "$ns_a" server-b)
kill -9 "$(vdu_pid "$victim")"
check "a's VDU killed after a died: b reports it, one entry" \
    eq "$(until_degraded "$ns_a")" degraded/1
ns_down "$ns_a"
check "b terminates a's NS" eq "$state" COMPLETED
check "no namespace left" eq "$(n_netns)" 0
check "no port left on br-int but its trunk to br-fabric" eq "$(n_ports)" 0
check "the table is empty" eq "$(table '' | wc -l)" 0
check "no loss marker left" \
    eq "$(etcdctl get --prefix "/slicer/vim-state/$vim/once/" --keys-only | grep -c .)" 0
# --- c dies while it checks a VDU's start; the VDU is killed after b
# took c's operation over: b reports it once the time c had for the
# check is past (before, nobody watched a VDU still marked starting)
on b
onboard vnfd "$src/tests/vim/sleeper-vnfd.yaml"
onboard nsd "$src/tests/vim/sleeper-nsd.yaml"
# its image says nothing when ready: its start check lasts 3 s
jreq POST /admin/v1/vim_accounts "{\"name\":\"slow\",\"vim_type\":\"netns\",\"vim_url\":\"netns://localhost\",\"config\":{\"ovs\":\"unix:$ovsdir/db.sock\",\"images\":{\"sleeper\":\"exec sleep 1000\"},\"start_check_ms\":3000}}"
check "an account whose VDUs take 3 s to start: 201" eq "$code" 201
slow=$(field .id)
starting() { # the namespaces of the slow account's computes marked starting
    etcdctl get --prefix "/slicer/vim-state/$slow/r/computes/" \
        --print-value-only | jq -r 'select(.starting) | .ns'
}
inst c
on c
jreq POST /nslcm/v1/ns_instances_content "{\"nsName\":\"c\",\"nsdId\":\"sleeper-ns\",\"vimAccountId\":\"$slow\"}"
ns_c=$(field .id) op_c=$(field .nslcmop_id)
for _ in $(seq 200); do
    [ -n "$(starting)" ] && break
    sleep 0.02
done
sleeper=$(starting | head -n 1)
check "c records a VDU whose start it checks" test -n "$sleeper"
kill -9 "${ipid[c]}"
wait "${ipid[c]}" 2>/dev/null
unset 'ipid[c]'
on b
wait_op "$op_c"
check "b takes c's operation over: COMPLETED" eq "$state" COMPLETED
kill -9 "$(vdu_pid "$sleeper")"
check "the VDU killed: b reports it, one entry" \
    eq "$(until_degraded "$ns_c")" degraded/1
ns_down "$ns_c"
check "b terminates c's NS" eq "$state" COMPLETED
check "no namespace left" eq "$(n_netns)" 0

kill -TERM "${ipid[b]}"
wait "${ipid[b]}"
check "b: SIGTERM, exit 0" eq $? 0
unset 'ipid[b]'
for n in a b; do
    check "$n: no sanitizer report" \
        test "$(grep -c -E 'AddressSanitizer|LeakSanitizer|runtime error' "$tmp/$n/log")" = 0
done
summary

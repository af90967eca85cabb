#!/bin/bash
# Crash recovery on the netns VIM (issue 19, section 6).  slicerd is
# killed (SIGKILL) while it instantiates or terminates the demo NS
# (templates/nsd/netns_demo_nsd.yaml: three VDUs running the host role,
# six ports, a management network with a gateway port on the host), then
# restarted on the same state.  Whatever the moment, the operation must
# end COMPLETED with everything present and working (every VDU's process
# alive, all six ports on br-int, ping over the data VL) or rolled back
# with nothing left; terminate + delete must then leave no namespace, no
# port but the trunk on br-int, no gateway port on the host and no role
# process.
#
# The kill lands at crash points the test sets (SLC_CRASH_AT, see
# common/slc-crash.h: after each round of the plan is persisted, and
# inside a driver call between its actions on the infrastructure), for
# every one of them in turn, and then at random delays (CRASH_RANDOM
# rounds, default 6).
#
# It must run as root in network, mount and pid namespaces of its own
# (meson runs it under "unshare -n -m -p -f --mount-proc").
# usage: test-netns-crash.sh SLICERD SOURCE_DIR
set -u
slicerd=$1
src=$2
tpl=$src/templates
name=netns-crash
# shellcheck source=../slicer/harness.sh
. "$(dirname "$0")/../slicer/harness.sh"

own_namespaces test-netns-crash
# plain HTTP: a reply goes out before the handler's work goes on (and,
# here, kills the daemon); under TLS it waits for the next write event,
# and the 202 of an operation killed at its first step would be lost
config "tls: off"

n_netns() { ip netns list | wc -l; }
vsctl() { ovs-vsctl --db="unix:$ovsdir/db.sock" "$@"; }
roles() { # the role processes alive (by their program name)
    ps -e -o stat=,comm= | awk '$1 !~ /^Z/ && $2 ~ /^slicer-netns-ro/' | wc -l
}
gw_ports() { ip -o link show | grep -c ': gw' || true; }
pings() { ip netns exec "$1" ping -c 1 -W 2 "$2" >/dev/null 2>&1; }

start
login
req POST /vnfpkgm/v1/vnf_packages_content -H 'Content-Type: application/yaml' --data-binary "@$tpl/vnfd/host_vnfd.yaml"
req POST /nsd/v1/ns_descriptors_content -H 'Content-Type: application/yaml' --data-binary "@$tpl/nsd/netns_demo_nsd.yaml"
check "descriptors onboarded" eq "$code" 201
jreq POST /admin/v1/vim_accounts "{\"name\":\"local\",\"vim_type\":\"netns\",\"vim_url\":\"netns://localhost\",\"config\":{\"ovs\":\"managed\",\"hosts\":\"$tpl/infra/hosts/compute-1.yaml\"}}"
vim=$(field .id)
ovsdir=$tmp/state/netns-$vim/ovs

# restart [ENV...]: a new slicerd on the same state
restart() {
    start env "$@"
    login
}
killed() { # kill -9 the daemon (already dead when it killed itself)
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    pid=
} 2>/dev/null
vdus() { # ns -> "ns pid" of every VDU, a line each
    req GET "/nslcm/v1/vnf_instances?nsr-id-ref=$1"
    field '.[].vdur[] | "\(."vim-id") \(."vim-info".pid // "")"'
}

# the outcome of one crashed operation: complete and working, or nothing
judge() { # what ns op
    local what=$1 ns=$2 op=$3 line vns vpid alive=0 n=0
    wait_op "$op"
    case $state in
    COMPLETED)
        req GET "/nslcm/v1/ns_instances/$ns"
        check "$what: COMPLETED and READY" eq "$(field .nsState)" READY
        while read -r vns vpid; do
            n=$((n + 1))
            [ -n "$vpid" ] && kill -0 "$vpid" 2>/dev/null &&
                ip netns pids "$vns" 2>/dev/null | grep -qx "$vpid" &&
                alive=$((alive + 1))
        done < <(vdus "$ns")
        check "$what: every VDU's process alive in its namespace" eq "$alive/$n" 3/3
        check "$what: six VDU ports on br-int (+ gateway, trunk)" \
            eq "$(vsctl list-ports br-int | grep -vc 'gw\|int-to-fabric')" 6
        local cli
        req GET "/nslcm/v1/vnf_instances?nsr-id-ref=$ns"
        cli=$(field '.[] | select(."member-vnf-index-ref" == "client") | .vdur[0]."vim-id"')
        check "$what: the client pings server-a over data-a" \
            pings "$cli" 10.20.0.20
        ;;
    ROLLED_BACK | FAILED)
        check "$what: rolled back leaving no namespace" eq "$(n_netns)" 0
        check "$what: ... and no VDU port" \
            eq "$(vsctl list-ports br-int | grep -vc 'gw\|int-to-fabric')" 0
        check "$what: ... and no role process" eq "$(roles)" 0
        ;;
    *)
        check "$what: the operation ends (got '$state')" false
        ;;
    esac
}
# terminate + delete leaves nothing
clean() { # what ns: terminates it unless it is, deletes it
    local what=$1
    req GET "/nslcm/v1/ns_instances/$2"
    if [ "$(field .nsState)" != NOT_INSTANTIATED ]; then
        ns_down "$2"
        check "$what: terminate COMPLETED" eq "$state" COMPLETED
    fi
    req GET "/nslcm/v1/ns_instances/$2"
    [ "$code" = 404 ] || req DELETE "/nslcm/v1/ns_instances/$2"
    check "$what: then no namespace" eq "$(n_netns)" 0
    check "$what: no port on br-int but the trunk" eq "$(vsctl list-ports br-int)" int-to-fabric
    check "$what: no gateway port on the host" eq "$(gw_ports)" 0
    check "$what: no role process" eq "$(roles)" 0
}

create_ns() { # name -> $ns
    jreq POST /nslcm/v1/ns_instances "{\"nsName\":\"$1\",\"nsdId\":\"slicer-netns-demo-ns\",\"vimAccountId\":\"$vim\"}"
    ns=$(field .id)
}

# until_final OP: waits for operation OP to end or the daemon to die;
# sets 'crashed' when it died
until_final() {
    crashed=
    for _ in $(seq 200); do
        kill -0 "$pid" 2>/dev/null || break
        req GET "/nslcm/v1/ns_lcm_op_occs/$1"
        case $(field .operationState) in PROCESSING | ROLLING_BACK) sleep 0.05 ;; *) break ;; esac
    done
    kill -0 "$pid" 2>/dev/null || crashed=1
}

# --- deterministic crash points: the daemon kills itself at the K-th
# point of a kind, counted from its start: "step" (a round of the plan
# just persisted, its calls not made) and "vim" (inside a driver call,
# between its actions), for K = 0, 1, ... until the operation passes
# them all; in instantiate, then in terminate
for point in step vim; do
    k=0
    while [ "$k" -lt 200 ]; do
        what="instantiate, crash at $point:$k"
        killed
        restart SLC_CRASH_AT="$point:$k"
        create_ns "i-$point-$k"
        jreq POST "/nslcm/v1/ns_instances/$ns/instantiate" '{}'
        op=$(field .id)
        until_final "$op"
        killed
        restart
        judge "$what" "$ns" "$op"
        clean "$what" "$ns"
        [ -n "$crashed" ] || break
        k=$((k + 1))
    done
    echo "instantiate: crashed at $k points of kind $point, then passed them"
    check "instantiate passed $k crash points of kind $point" test "$k" -gt 0
    k=0
    while [ "$k" -lt 200 ]; do
        what="terminate, crash at $point:$k"
        create_ns "t-$point-$k"
        jreq POST "/nslcm/v1/ns_instances/$ns/instantiate" '{}'
        wait_op "$(field .id)"
        check "$what: instantiated first" eq "$state" COMPLETED
        killed
        restart SLC_CRASH_AT="$point:$k"
        jreq POST "/nslcm/v1/ns_instances/$ns/terminate" '{}'
        op=$(field .id)
        until_final "$op"
        killed
        restart
        wait_op "$op"
        check "$what: COMPLETED after the restart" eq "$state" COMPLETED
        clean "$what" "$ns"
        [ -n "$crashed" ] || break
        k=$((k + 1))
    done
    echo "terminate: crashed at $k points of kind $point, then passed them"
    check "terminate passed $k crash points of kind $point" test "$k" -gt 0
done

# --- real kill -9 at random delays, in instantiate and in terminate
for r in $(seq "${CRASH_RANDOM:-6}"); do
    delay=$(awk -v s="$RANDOM" 'BEGIN { srand(s); printf "%.3f", 0.005 + rand() * 0.12 }')
    create_ns "r$r"
    jreq POST "/nslcm/v1/ns_instances/$ns/instantiate" '{}'
    op=$(field .id)
    sleep "$delay"
    killed
    restart
    judge "instantiate, kill -9 after ${delay}s" "$ns" "$op"
    if [ "$state" = COMPLETED ]; then
        jreq POST "/nslcm/v1/ns_instances/$ns/terminate" '{}'
        op=$(field .id)
        sleep "$delay"
        killed
        restart
        wait_op "$op"
        check "terminate, kill -9 after ${delay}s: COMPLETED" eq "$state" COMPLETED
    fi
    clean "round $r" "$ns"
done

stop_clean
check "SIGTERM: no role process" eq "$(roles)" 0
summary

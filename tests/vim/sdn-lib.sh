# Controllers of the fabric for the netns SDN tests (test-netns-sdn.sh,
# test-netns-sfc-fabric.sh), sourced after slicer/harness.sh: os-ken
# running our ofctl_rest app, and the stand-ins of ONOS and OpenDaylight
# (tests/sdn-drivers/standin/), each stopped by its pid, also when the
# test dies.  Needs $src, $tmp, $ovsdir and, for the stand-ins, $standin.
osken_pid=
standin_pid=
trap 'standin_down; osken_down; cleanup' EXIT

# osken_up: os-ken on 127.0.0.1:8080 (OpenFlow on 6655) until it lists a
# switch
osken_up() {
    SLICER_OFCTL_LISTEN=127.0.0.1:8080 PYTHONDONTWRITEBYTECODE=1 \
        osken-manager --ofp-listen-host 127.0.0.1 --ofp-tcp-listen-port 6655 \
        "$src/sdn-drivers/osken-app/slicer_ofctl_rest.py" >>"$tmp/osken.log" 2>&1 &
    osken_pid=$!
    for _ in $(seq 100); do
        [ "$(curl -s -m 1 http://127.0.0.1:8080/stats/switches | jq length 2>/dev/null)" = 1 ] && return
        sleep 0.2
    done
}
osken_down() {
    [ -n "$osken_pid" ] || return 0
    kill "$osken_pid" 2>/dev/null
    wait "$osken_pid" 2>/dev/null
    osken_pid=
}
# standin_up PERSONALITY: the stand-in (onos, odl, floodlight) applying
# to br-fabric, its REST port in $tmp/standin.port
standin_up() {
    rm -f "$tmp/standin.port"
    "$standin" --type "$1" --listen 127.0.0.1:0 --port-file "$tmp/standin.port" \
        --user karaf --password karaf --ovs-rundir "$ovsdir" --bridge br-fabric \
        >>"$tmp/standin.log" 2>&1 &
    standin_pid=$!
    for _ in $(seq 100); do
        [ -s "$tmp/standin.port" ] && break
        sleep 0.05
    done
}
standin_down() {
    [ -n "$standin_pid" ] || return 0
    kill "$standin_pid" 2>/dev/null
    wait "$standin_pid" 2>/dev/null
    standin_pid=
}

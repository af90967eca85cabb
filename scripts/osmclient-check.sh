#!/bin/bash
# Drives a fresh slicerd with OSM's own client, unmodified, and prints
# which commands work: the compatibility measure of issue 20.
#
# OSMCLIENT is the command that runs OSM's "osm" (osmclient of Release
# EIGHT; it is not packaged for Debian).  One way to have it: the source
# of tag v8.0.1rc1 (github.com/TCSOSM-20/osmclient, a mirror of
# osm.etsi.org's osm/osmclient, Apache-2.0), its dependencies from Debian
#   apt-get install python3-click python3-pycurl python3-prettytable \
#       python3-packaging python3-requests python3-jinja2 python3-magic \
#       python3-ruamel.yaml python3-yaml
# plus verboselogs (PyPI) and a stand-in osm_im module (only package
# building needs the real one), run as
#   PYTHONPATH=SRC:DEPS /usr/bin/python3 -m osmclient.scripts.osm
# The script starts slicerd (SLICERD, default build/slicer/slicerd) on a
# free loopback port with its defaults (HTTPS with a certificate it
# makes), a sim VIM only, and stops it by pid; its files go with it.
# usage: OSMCLIENT=/path/to/osm scripts/osmclient-check.sh
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
slicerd=${SLICERD:-$top/build/slicer/slicerd}
osm=${OSMCLIENT:?set OSMCLIENT to the command that runs osmclient}
ex=$top/../shared/osm-examples
tpl=$top/templates
tmp=$(mktemp -d /tmp/slicer-osmclient-XXXXXX)
pid=
stop() {
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    rm -rf "$tmp"
}
trap stop EXIT INT TERM

cat >"$tmp/slicerd.yaml" <<CFG
port: 0
port_file: $tmp/port
state_dir: $tmp/state
admin_password: admin
files_dir: $tpl
CFG
"$slicerd" -c "$tmp/slicerd.yaml" >"$tmp/log" 2>&1 &
pid=$!
for _ in $(seq 100); do
    [ -s "$tmp/port" ] && break
    sleep 0.05
done
export OSM_HOSTNAME=127.0.0.1:$(cat "$tmp/port") OSM_USER=admin \
    OSM_PASSWORD=admin OSM_PROJECT=admin

ok=0 bad=0
# run EXPECT COMMAND...: EXPECT is ok (exit 0 and no traceback) or fail
# (a clean refusal: exit 1, an ERROR line, no traceback)
run() {
    local want=$1 out rc verdict
    shift
    out=$("$osm" "$@" 2>&1)
    rc=$?
    if grep -q Traceback <<<"$out"; then
        verdict=CRASH
    elif [ "$want" = ok ] && [ "$rc" = 0 ]; then
        verdict=ok
    elif [ "$want" = fail ] && [ "$rc" != 0 ] && grep -q "ERROR" <<<"$out"; then
        verdict=ok
    else
        verdict=FAIL
    fi
    if [ "$verdict" = ok ]; then
        ok=$((ok + 1))
    else
        bad=$((bad + 1))
        printf '%s: osm %s\n%s\n' "$verdict" "$*" "$(tail -3 <<<"$out" | sed 's/^/    /')"
    fi
}

run ok version
for f in hackfest_basic_vnfd ubuntu_epa_virtio_vnfd_im hackfest_multivdu_vnfd; do
    run ok vnfd-create "$ex/$f.yaml"
done
run fail vnfd-create "$ex/hackfest_basic_vnfd.yaml"
run ok vnfd-list
run ok vnfd-list --long
run ok vnfd-show hackfest_basic-vnf
run ok vnfd-show ubuntu_epa_virtio_vnf
for f in hackfest_basic_nsd hackfest_multivdu_nsd; do
    run ok nsd-create "$ex/$f.yaml"
done
run ok nsd-list
run ok nsd-list --long
run ok nsd-show hackfest_basic-ns
for f in "$tpl"/vnfd/*.yaml "$tpl"/pnfd/*.yaml; do
    case $f in */firewall_vnfd.yaml) continue ;; esac
    run ok vnfd-create "$f"
done
# the firewall as its package, with the script of its primitives
tar -C "$tpl/vnfd" -czf "$tmp/firewall.tar.gz" firewall_vnfd.yaml \
    scripts/firewall.sh
run ok vnfd-create "$tmp/firewall.tar.gz"
for f in "$tpl"/nsd/*.yaml; do run ok nsd-create "$f"; done
for f in "$tpl"/nst/*.yaml; do run ok nst-create "$f"; done
run ok nst-list
run ok nst-show slicer-embb-slice
run ok vim-create --name sim1 --account_type sim --auth_url sim:// \
    --user u --password p --tenant t --wait
run ok vim-list
run ok vim-list --long
run ok vim-show sim1
run ok vim-update sim1 --description updated
run ok ns-create --ns_name ns1 --nsd_name hackfest_basic-ns \
    --vim_account sim1 --wait
run ok ns-list
run ok ns-list --long
run ok ns-show ns1
run ok ns-op-list ns1
run ok ns-op-list ns1 --long
op=$("$osm" ns-op-list ns1 2>/dev/null | awk -F'|' 'NR == 4 { gsub(/ /, "", $2); print $2 }')
run ok ns-op-show "$op"
run ok vnf-list
run ok vnf-list --long
run ok vnf-list --ns ns1
vnf=$("$osm" vnf-list 2>/dev/null | awk -F'|' 'NR == 4 { gsub(/ /, "", $2); print $2 }')
run ok vnf-show "$vnf"
run ok ns-delete ns1 --wait
# an NS of the firewall alone (the SFC demo needs a switch, sim has none)
cat >"$tmp/fw_nsd.yaml" <<'NSD'
nsd:
  nsd:
    - id: fw-ns
      name: fw-ns
      version: "1.0"
      vnfd-id: [slicer-firewall-sf]
      virtual-link-desc:
        - id: mgmt
          mgmt-network: true
      df:
        - id: default-df
          vnf-profile:
            - id: firewall
              vnfd-id: slicer-firewall-sf
              virtual-link-connectivity:
                - virtual-link-profile-id: mgmt
                  constituent-cpd-id:
                    - constituent-base-element-id: firewall
                      constituent-cpd-id: fw-mgmt-ext
NSD
run ok nsd-create "$tmp/fw_nsd.yaml"
run ok ns-create --ns_name fw1 --nsd_name fw-ns --vim_account sim1 --wait
run ok ns-action fw1 --vnf_name firewall --action_name block-port \
    --params '{port: 80}' --wait
run ok ns-delete fw1 --wait
run ok nsi-create --nsi_name s1 --nst_name slicer-embb-slice \
    --vim_account sim1 --wait
run ok nsi-list
run ok nsi-show s1
run ok nsi-op-list s1
run ok nsi-delete s1 --wait
run ok nst-delete slicer-urllc-slice
run ok pdu-create --name pdu1 --pdu_type gnb \
    --interface name=eth0,ip-address=10.0.0.9,mgmt=true --vim_account sim1
run ok pdu-list
run ok pdu-show pdu1
run ok pdu-delete pdu1
# a controller record is stored only once its controller answers: one
# on a socket nothing listens on is refused in its words
run fail sdnc-create --name sdn0 --type ovs --url unix:/tmp/none.sock \
    --config '{bridge: br-fabric}' --wait
# without url, an ovs controller is the fabric switch of the VIM account
# that will name it: nothing to reach yet
run ok sdnc-create --name sdn1 --type ovs --config '{bridge: br-fabric}' --wait
run ok sdnc-list
run ok sdnc-show sdn1
run ok sdnc-update sdn1 --description x
run ok sdnc-delete sdn1 --wait
run ok project-create p1
run ok project-list
run ok project-show p1
run ok project-update p1 --name p2
run ok user-create u1 --password secret-u1-pw --projects p2
run ok user-create u2 --password secret-u2-pw \
    --project-role-mappings p2,project_user
run ok user-list
run ok user-show u1
run ok user-update u1 --password another-pw-1
run ok user-delete u1
run ok user-delete u2
run ok project-delete p2
run ok role-list
run ok role-create r1 --permissions '{nsds: true}'
run ok role-show r1
run ok role-update r1 --add '{vnfds: true}'
run ok role-delete r1
run ok vim-delete sim1 --wait

echo "osmclient: $ok of $((ok + bad)) commands as expected"
[ "$bad" -eq 0 ]

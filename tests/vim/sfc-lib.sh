# Helpers of the chain tests on the netns VIM (test-netns-sfc.sh,
# test-netns-sfc-fabric.sh), sourced after slicer/harness.sh.

# sfcount NAMESPACE COMMENT: the packets its nftables rule counted
sfcount() {
    ip netns exec "$1" nft list chain bridge slicer forward |
        sed -n "s/.*counter packets \([0-9]*\) .*comment \"$2\".*/\1/p"
}
# hop NS CHAIN HOP PATH: the packets the switches steered into the hop
hop() {
    req GET "/nslcm/v1/ns_instances/$1/chains"
    field "[.[] | select(.id == \"$2\")][0].hops[] | select(.id == \"$3\") | .$4.packets // 0"
}
# http NAMESPACE URL: the HTTP code curl got there (000: no connection)
http() { ip netns exec "$1" curl -s -m 3 -o /dev/null -w '%{http_code}' "$2"; }
# ns_new NAME NSD: an NS record on $vim, its id in $ns
ns_new() {
    jreq POST /nslcm/v1/ns_instances "{\"nsName\":\"$1\",\"nsdId\":\"$2\",\"vimAccountId\":\"$vim\"}"
    ns=$(field .id)
}
# web_checks NS HOP_SWITCH [symmetric]: the SFC demo's chain (client ->
# firewall -> monitor -> server) in NS works: HTTP counted by the
# firewall then the monitor, telnet dropped at the firewall (and, one
# way, nothing else through the monitor), ICMP bypassing, the firewall
# hop's counter (read from HOP_SWITCH) equal to what the firewall saw.
# Sets $client, $fw, $mon.  Needs settle().
web_checks() {
    client=$(netns_of "$1" client)
    fw=$(netns_of "$1" firewall)
    mon=$(netns_of "$1" monitor)
    check "HTTP from the client reaches the server" eq "$(http "$client" http://10.10.0.20/)" 200
    check "the firewall counted it" test "$(sfcount "$fw" http)" -gt 0
    check "the monitor counted the same packets" eq "$(sfcount "$mon" http)" "$(sfcount "$fw" http)"
    check "telnet: no connection" eq "$(http "$client" telnet://10.10.0.20:23 </dev/null)" 000
    check "the firewall dropped it" test "$(sfcount "$fw" telnet)" -gt 0
    if [ "${3:-}" != symmetric ]; then
        check "the monitor saw only HTTP" eq "$(sfcount "$mon" all)" "$(sfcount "$mon" http)"
    fi
    local before
    before="$(sfcount "$fw" http) $(sfcount "$fw" telnet) $(sfcount "$fw" other) $(sfcount "$mon" all)"
    check "ICMP reaches the server" pings "$client" 10.10.0.20
    check "ICMP bypasses the chain: the SFs counted nothing more" eq "$(sfcount "$fw" http) $(sfcount "$fw" telnet) $(sfcount "$fw" other) $(sfcount "$mon" all)" "$before"
    settle
    check "$2 counts HTTP and telnet into the firewall hop" \
        eq "$(hop "$1" web-path firewall-hop forward)" $(($(sfcount "$fw" http) + $(sfcount "$fw" telnet)))
    check "br-int counts only HTTP into the monitor hop" \
        eq "$(hop "$1" web-path monitor-hop forward)" "$(sfcount "$mon" http)"
}

#!/bin/bash
# Lists in pages (SOL013 §5.4.2.1): with list_page_size 5, a list of 12 NS
# records comes as pages of 5, 5 and 2, each but the last with a Link
# header (rel="next") whose URI carries nextpage_opaque_marker and the
# request's filters; the pages together are the list, in creation order,
# each record once, also when the last record of a page is deleted before
# the next page is read; a marker the server never gave is a 400; slicectl
# follows the pages.  On SQLite, and on etcd when SLICER_TEST_ETCD is set.
# usage: test-paging.sh SLICERD SOURCE_DIR SLICECTL
set -u
slicerd=$1
src=$2
slicectl=$3
name=paging
# shellcheck source=harness.sh
. "$(dirname "$0")/harness.sh"

config "list_page_size: 5"
start
login
onboard_templates
jreq POST /admin/v1/vim_accounts '{"name":"sim","vim_type":"sim","vim_url":"u","config":{"sim":{"latency_ms":0}}}'
vim=$(field .id)
ids=()
for i in $(seq -w 1 12); do
    colour=$([ $((10#$i % 2)) -eq 0 ] && echo even || echo odd)
    jreq POST /nslcm/v1/ns_instances "{\"nsName\":\"p$i-$colour\",\"nsdId\":\"slicer-transport-ns\",\"vimAccountId\":\"$vim\"}"
    ids+=("$(field .id)")
done
check "12 NS records made" eq "${#ids[@]}/$code" 12/201

next_of() { # the Link header's rel="next" URI, or nothing
    sed -n 's/^[Ll]ink: <\([^>]*\)>; rel="next".*/\1/p' "$tmp/headers" | tr -d '\r'
}
page() { # URI (from the root) -> ids in $got, next URI in $next
    code=$(curl -s -o "$tmp/body" -D "$tmp/headers" -w '%{http_code}' \
        -H 'Accept: application/json' -H "Authorization: Bearer $tok" "${base%/osm}$1")
    got=$(field 'if type == "array" then [.[]._id] | join(" ") else "" end')
    next=$(next_of)
}
page /osm/nslcm/v1/ns_instances
check "page 1: 200, 5 records, a next link" eq "$code/$(field length)/$([ -n "$next" ] && echo link)" 200/5/link
all=$got
check "the link carries the marker" grep -q 'nextpage_opaque_marker=[0-9]' <<<"$next"
page "$next"
check "page 2: 5 records, a next link" eq "$(field length)/$([ -n "$next" ] && echo link)" 5/link
all="$all $got"
page "$next"
check "page 3: the last 2, no link" eq "$(field length)/$([ -n "$next" ] && echo link)" 2/
all="$all $got"
check "the pages are the list, in creation order, each once" eq "$all" "${ids[*]}"

# filters go on with the pages
page "/osm/nslcm/v1/ns_instances?name.cont=odd"
check "a filtered list: 5 odd ones, a link that keeps the filter" eq "$(field '[.[].name | test("odd")] | all')/$(field length)" true/5
check "the filter is in the next link" grep -q 'name.cont=odd' <<<"$next"
page "$next"
check "then the last odd one" eq "$(field length)/$(field '.[0].name')" 1/p11-odd

# the last record of a page goes before the next page is read
page /osm/nslcm/v1/ns_instances
p1_next=$next
req DELETE "/nslcm/v1/ns_instances/${ids[4]}"
check "the last record of page 1 deleted" eq "$code" 204
page "$p1_next"
check "page 2 still starts after it" eq "$(field '.[0]._id')" "${ids[5]}"

for bad in x 0 -5 12abc; do
    page "/osm/nslcm/v1/ns_instances?nextpage_opaque_marker=$bad"
    check "marker '$bad': 400 naming it" eq "$code/$(field .status)/$(field .detail | grep -c "nextpage_opaque_marker '$bad'")" 400/400/1
done

SLICER_URL=$base SLICER_TOKEN=$tok "$slicectl" ns-list >"$tmp/out" 2>&1
check "slicectl ns-list follows the pages: all 11" eq "$(grep -c 'p[0-9][0-9]-' "$tmp/out")" 11
stop_clean
check "no sanitizer report" eval "! grep -q 'runtime error\|AddressSanitizer' '$tmp/log'"
summary

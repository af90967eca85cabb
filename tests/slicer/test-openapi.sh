#!/bin/bash
# The OpenAPI document (slicer/api/openapi.yaml): it has exactly the
# operations of slicerd's routing table (slicerd --routes), in both
# directions, and leaves the token off exactly the public routes; Redocly
# CLI (pinned in tests/openapi/, installed by scripts/install-deps.sh)
# lints it with tests/openapi/redocly.yaml; and the daemon serves it as
# built in, byte for byte, at GET /openapi.yaml without a token, while
# GET /metrics without one stays 401.
# usage: test-openapi.sh SLICERD SOURCE_DIR
set -u
slicerd=$1
src=$2
doc=$src/slicer/api/openapi.yaml
redocly=$src/tests/openapi/node_modules/.bin/redocly
name=openapi
# shellcheck source=harness.sh
. "$(dirname "$0")/harness.sh"

# none WHAT LINES: true when LINES is empty, else prints them under WHAT
none() {
    [ -z "$2" ] && return 0
    echo "  $1:" >&2
    printf '%s\n' "$2" | sed 's/^/    /' >&2
    false
}

# --- the routing table and the document, as sorted "METHOD PATH" lines
# (routes, public-routes; operations, public-operations)
# (the YAML read as JSON by Redocly's bundler: python3's standard
# library has no YAML reader)
tables() {
    "$slicerd" --routes >"$tmp/routes.json" &&
        REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
            "$redocly" bundle "$doc" --ext json -o "$tmp/doc.json" \
            >"$tmp/bundle.log" 2>&1 &&
        python3 - "$tmp/routes.json" "$tmp/doc.json" "$tmp" <<'PY'
import json
import sys

routes_file, doc_file, out = sys.argv[1:4]
routes = json.load(open(routes_file))
doc = json.load(open(doc_file))
methods = ('get', 'put', 'post', 'delete', 'patch', 'head', 'options',
           'trace')
ops, public_ops = [], []
for path, item in doc['paths'].items():
    for method in methods:
        if method in item:
            line = '%s %s' % (method.upper(), path)
            ops.append(line)
            if item[method].get('security', doc.get('security')) == []:
                public_ops.append(line)


def write(name, lines):
    with open('%s/%s' % (out, name), 'w') as f:
        f.write(''.join(line + '\n' for line in sorted(lines)))


write('routes', ['%s %s' % (r['method'], r['path']) for r in routes])
write('public-routes',
      ['%s %s' % (r['method'], r['path']) for r in routes if r['public']])
write('operations', ops)
write('public-operations', public_ops)
PY
}
check "slicerd --routes and the document are read" tables
check "... slicerd has routes" test -s "$tmp/routes"
check "every route of slicerd is an operation of the document" \
    none "routes missing from the document" \
    "$(comm -23 "$tmp/routes" "$tmp/operations")"
check "every operation of the document is a route of slicerd" \
    none "operations slicerd does not serve" \
    "$(comm -13 "$tmp/routes" "$tmp/operations")"
check "the operations without a token are the public routes" \
    none "public routes that ask for a token (<) or operations without one that are not public (>)" \
    "$(diff "$tmp/public-routes" "$tmp/public-operations" | grep '^[<>]')"

# --- a real validator
lint() {
    if [ ! -x "$redocly" ]; then
        echo "  $redocly is missing: scripts/install-deps.sh installs it" \
            "(npm ci --prefix $src/tests/openapi)" >&2
        return 1
    fi
    if ! REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
        "$redocly" lint --config "$src/tests/openapi/redocly.yaml" "$doc" \
        >"$tmp/lint.log" 2>&1; then
        grep -v '[║╔╚]' "$tmp/lint.log" >&2
        return 1
    fi
}
check "Redocly CLI lints the document clean (tests/openapi/redocly.yaml)" lint

# --- what the daemon serves
config "tls: off"
start
root=${base%/osm}
code=$(curl -s -o "$tmp/served.yaml" -D "$tmp/served.h" -w '%{http_code}' \
    "$root/openapi.yaml")
check "GET /openapi.yaml without a token: 200" eq "$code" 200
check "... as application/yaml" \
    eq "$(sed -n 's/^[Cc]ontent-[Tt]ype: *//p' "$tmp/served.h" | tr -d '\r')" \
    application/yaml
check "... byte for byte the document of the source tree" \
    cmp "$tmp/served.yaml" "$doc"
code=$(curl -s -o /dev/null -w '%{http_code}' "$root/metrics")
check "GET /metrics without a token: 401" eq "$code" 401

stop_clean
summary

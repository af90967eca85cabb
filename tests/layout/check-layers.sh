#!/bin/sh
# The layering rule of README's "Layout", checked on the sources: every
# #include "..." of a folder's .c and .h files names a header of the folder
# itself or of a folder it may use (below it), never one above or beside
# it; a private header (*-internal.h) is included only in its own folder;
# every header name is unique in the tree, so an include names one file.
# tests/ and bench/ are executables wiring everything and are not checked.
# usage: check-layers.sh SOURCE_ROOT
set -u
top=${1:?usage: check-layers.sh SOURCE_ROOT}
cd "$top" || exit 1

# folder: the folders it may use (besides itself).  Keep in step with the
# meson dependencies and README's "Layout".
allowed() {
    case $1 in
    common) echo "" ;;
    ovs) echo "common" ;;
    sfc) echo "common" ;;
    vim-drivers) echo "ovs common" ;;
    sdn-drivers) echo "sfc ovs common" ;;
    nsd-engine) echo "vim-drivers sdn-drivers sfc ovs common" ;;
    slicer/notify) echo "common" ;;
    slicer/slices) echo "nsd-engine vim-drivers sdn-drivers sfc ovs common" ;;
    slicer/cli) echo "nsd-engine vim-drivers sdn-drivers sfc ovs common" ;;
    slicer/api) echo "slicer/slices slicer/notify nsd-engine vim-drivers \
sdn-drivers sfc ovs common" ;;
    slicer) echo "slicer/api slicer/slices slicer/notify nsd-engine \
vim-drivers sdn-drivers sfc ovs common" ;;
    *) echo "?" ;;
    esac
}

folders="common ovs sfc vim-drivers sdn-drivers nsd-engine slicer/notify
         slicer/slices slicer/cli slicer/api slicer"
headers=$(mktemp)
trap 'rm -f "$headers"' EXIT INT TERM
for d in $folders; do
    for h in "$d"/*.h; do
        [ -e "$h" ] && printf '%s %s\n' "$(basename "$h")" "$d"
    done
done | sort >"$headers"

bad=0
dups=$(awk '{print $1}' "$headers" | uniq -d)
for h in $dups; do
    echo "FAIL: header $h is in several folders: $(awk -v h="$h" \
        '$1 == h {printf "%s ", $2}' "$headers")"
    bad=$((bad + 1))
done

checked=0
for d in $folders; do
    ok=" $d $(allowed "$d") "
    for f in "$d"/*.c "$d"/*.h; do
        [ -e "$f" ] || continue
        for inc in $(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f"); do
            home=$(awk -v h="$inc" '$1 == h {print $2; exit}' "$headers")
            checked=$((checked + 1))
            if [ -z "$home" ]; then
                echo "FAIL: $f includes \"$inc\", which no folder has"
                bad=$((bad + 1))
            elif [ "${ok#* "$home" }" = "$ok" ]; then
                echo "FAIL: $f ($d) includes $home/$inc: $d may use" \
                    "only $(allowed "$d")"
                bad=$((bad + 1))
            elif [ "$home" != "$d" ] && [ "${inc%-internal.h}" != "$inc" ]; then
                echo "FAIL: $f includes $home/$inc, private to $home"
                bad=$((bad + 1))
            fi
        done
    done
done
# a folder with sources that the table does not know is a new folder:
# it must be placed in the layering first
for f in $(find . -name '*.c' -not -path './build*' -not -path './tests/*' \
               -not -path './bench/*' -not -path './.git/*'); do
    d=$(dirname "${f#./}")
    if [ "$(allowed "$d")" = "?" ]; then
        echo "FAIL: $f: folder $d is not in the layering (check-layers.sh)"
        bad=$((bad + 1))
    fi
done
echo "$checked includes checked, $bad violations"
[ "$bad" -eq 0 ] && [ "$checked" -gt 0 ]

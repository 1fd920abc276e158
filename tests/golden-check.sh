#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# golden-check.sh -- every bad topology in tests/bad/ (each one mistake;
# multi-errors.json several) gives exactly its checked-in diagnostics,
# tests/bad/NAME.err, byte for byte, and exit status 1; every example
# checks clean (exit 0).  Run from the source tree so file names in the
# messages are relative.  UPDATE=1 rewrites the .err files.
set -u
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
OVS_FLOWC=${OVS_FLOWC:-./ovs-flowc}
case $OVS_FLOWC in /*) ;; *) OVS_FLOWC=$PWD/$OVS_FLOWC ;; esac
cd "$srcdir" || exit 1
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
pass=0 fail=0
for f in tests/bad/*.json; do
    want=${f%.json}.err
    "$OVS_FLOWC" check "$f" > /dev/null 2> "$tmp"
    rc=$?
    if [ "${UPDATE:-}" = 1 ]; then
        cp "$tmp" "$want"; continue
    fi
    if [ "$rc" = 1 ] && cmp -s "$tmp" "$want"; then
        echo "ok    $f: $(grep -c ': error: ' "$want") error(s)"
        pass=$((pass + 1))
    else
        echo "FAIL  $f: exit $rc"
        diff -u "$want" "$tmp" | head -20
        fail=$((fail + 1))
    fi
done
for f in examples/*.json; do
    if "$OVS_FLOWC" check "$f" > /dev/null 2> "$tmp"; then
        echo "ok    $f: clean"
        pass=$((pass + 1))
    else
        echo "FAIL  $f"; cat "$tmp"
        fail=$((fail + 1))
    fi
done
echo "golden-check: $pass passed, $fail failed"
[ "$fail" = 0 ]

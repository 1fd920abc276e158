#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# golden-flows.sh -- every example topology compiles to its checked-in
# expected output: tests/golden/EXAMPLE/BRIDGE.flows (ofctl format, with
# the rule comments) and BRIDGE.meters.  A change to the pipeline shows up
# here as a reviewable diff; regenerate on purpose with UPDATE=1.
set -u
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
OVS_FLOWC=${OVS_FLOWC:-./ovs-flowc}
work=$(mktemp -d /tmp/flowc-golden.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM

pass=0 fail=0
for topo in "$srcdir"/examples/*.json; do
    [ -f "$topo" ] || continue
    name=$(basename "$topo" .json)
    want=$srcdir/tests/golden/$name
    out=$work/$name
    if ! "$OVS_FLOWC" compile "$topo" -o "$out" 2> "$work/err"; then
        echo "FAIL  $name: does not compile"; cat "$work/err"
        fail=$((fail + 1)); continue
    fi
    if [ "${UPDATE:-}" = 1 ]; then
        rm -rf "$want"; mkdir -p "$want"; cp "$out"/* "$want"/
        echo "updated $name"; continue
    fi
    if diff -ru "$want" "$out" > "$work/diff"; then
        echo "ok    $name: $(ls "$out" | tr '\n' ' ')"
        pass=$((pass + 1))
    else
        echo "FAIL  $name: output differs from tests/golden/$name"
        head -40 "$work/diff"
        fail=$((fail + 1))
    fi
done
echo "golden-flows: $pass passed, $fail failed"
[ "$fail" = 0 ]

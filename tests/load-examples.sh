#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# load-examples.sh -- every example topology (and every test topology),
# compiled, loads into a real ovs-vswitchd (a private lab: userspace
# datapath, the topology's ports as real interfaces) with `ovs-ofctl
# --bundle replace-flows`, and the switch's own `dump-flows --names
# --no-stats`, sorted, equals `ovs-flowc compile --format dump` byte for
# byte.  Needs root (exit 77 = skip otherwise).
set -u
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${builddir:-$PWD}
OVS_FLOWC=${OVS_FLOWC:-$builddir/ovs-flowc}
[ "$(id -u)" = 0 ] || { echo "load-examples: needs root, skipped"; exit 77; }

work=$(mktemp -d /tmp/flowc-load.XXXXXX)
lab=
cleanup() {
    [ -z "$lab" ] || "$OVS_FLOWC" lab down --dir "$lab" >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

pass=0 fail=0 n=0
for topo in "$srcdir"/examples/*.json "$srcdir"/tests/*/topology.json \
            "$srcdir"/test-topologies/*/topology.json; do
    [ -f "$topo" ] || continue
    n=$((n + 1))
    name=${topo#"$srcdir"/}
    out=$work/$n
    lab=$work/lab$n
    mkdir -p "$out"
    if ! "$OVS_FLOWC" compile "$topo" -o "$out" \
       || ! "$OVS_FLOWC" compile "$topo" -o "$out" --format dump; then
        echo "FAIL  $name: does not compile"
        fail=$((fail + 1))
        continue
    fi
    if ! "$OVS_FLOWC" lab up "$topo" --dir "$lab" > "$out/lab.log" 2>&1; then
        echo "FAIL  $name: lab up failed"
        tail -5 "$out/lab.log"
        fail=$((fail + 1))
        lab=
        continue
    fi
    export OVS_RUNDIR=$lab/run
    for flows in "$out"/*.flows; do
        br=$(basename "$flows" .flows)
        if ! ovs-ofctl -O OpenFlow15 --bundle replace-flows "$br" "$flows"
        then
            echo "FAIL  $name: bridge $br: flows do not load"
            fail=$((fail + 1))
            continue
        fi
        ovs-ofctl -O OpenFlow15 dump-flows --names --no-stats "$br" \
            | LC_ALL=C sort > "$out/$br.live"
        LC_ALL=C sort "$out/$br.dump" > "$out/$br.want"
        if diff -u "$out/$br.want" "$out/$br.live" > "$out/$br.diff"; then
            echo "ok    $name: bridge $br: $(wc -l < "$out/$br.live") flows loaded, dump identical"
            pass=$((pass + 1))
        else
            echo "FAIL  $name: bridge $br: switch dump differs from compile --format dump"
            head -20 "$out/$br.diff"
            fail=$((fail + 1))
        fi
    done
    "$OVS_FLOWC" lab down --dir "$lab" >/dev/null 2>&1
    lab=
done
[ "$n" -gt 0 ] || { echo "load-examples: no topology found"; exit 1; }
echo "load-examples: $pass passed, $fail failed"
[ "$fail" = 0 ]

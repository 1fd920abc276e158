#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# load-examples.sh -- every example topology (and the test topologies),
# compiled, loads into a real ovs-vswitchd (userspace datapath, private
# directories) with `ovs-ofctl --bundle replace-flows`, and the switch's
# own `dump-flows --names --no-stats`, sorted, equals `compile --format
# dump` byte for byte.  Needs root (exit 77 = skip otherwise).
set -u
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
OVS_FLOWC=${OVS_FLOWC:-./ovs-flowc}
[ "$(id -u)" = 0 ] || { echo "load-examples: needs root, skipped"; exit 77; }

. "$srcdir/tests/ovs-sandbox.sh"
. "$srcdir/tests/flowc-lib.sh"

work=$(mktemp -d /tmp/flowc-load.XXXXXX)
trap 'sandbox_stop; rm -rf "$work"' EXIT INT TERM

pass=0 fail=0
n=0
for topo in "$srcdir"/examples/*.json "$srcdir"/tests/trace/topology.json \
            "$srcdir"/test-topologies/*/topology.json; do
    [ -f "$topo" ] || continue
    n=$((n + 1))
    name=$(basename "$(dirname "$topo")")/$(basename "$topo")
    dir=$work/$n
    mkdir -p "$dir"
    if ! "$OVS_FLOWC" compile "$topo" -o "$dir" \
       || ! "$OVS_FLOWC" compile "$topo" -o "$dir" --format dump; then
        echo "FAIL  $name: does not compile"
        fail=$((fail + 1))
        continue
    fi
    # One switch per topology: bridge and port names repeat across files.
    sandbox_start "$dir/ovs" || exit 1
    if ! sandbox_load_topology "$OVS_FLOWC" "$topo" "$dir"; then
        echo "FAIL  $name: could not create its bridges and ports"
        fail=$((fail + 1))
        sandbox_stop
        continue
    fi
    for flows in "$dir"/*.flows; do
        br=$(basename "$flows" .flows)
        if ! ovs-ofctl -O OpenFlow15 --bundle replace-flows "$br" "$flows"; then
            echo "FAIL  $name: bridge $br: flows do not load"
            fail=$((fail + 1))
            continue
        fi
        ovs-ofctl -O OpenFlow15 dump-flows --names --no-stats "$br" \
            | LC_ALL=C sort > "$dir/$br.live"
        LC_ALL=C sort "$dir/$br.dump" > "$dir/$br.want"
        if diff -u "$dir/$br.want" "$dir/$br.live" > "$dir/$br.diff"; then
            echo "ok    $name: bridge $br: $(wc -l < "$dir/$br.live") flows loaded, dump identical"
            pass=$((pass + 1))
        else
            echo "FAIL  $name: bridge $br: switch dump differs from compile --format dump"
            head -20 "$dir/$br.diff"
            fail=$((fail + 1))
        fi
    done
    sandbox_stop
done
[ "$n" -gt 0 ] || { echo "load-examples: no topology found"; exit 1; }
echo "load-examples: $pass passed, $fail failed"
[ "$fail" = 0 ]

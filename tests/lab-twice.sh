#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# lab-twice.sh -- two labs of the same topology, in two directories, run
# side by side (same port names, same addresses, separate namespaces and
# switches); both work; `lab down` of one leaves the other intact, and
# `lab down` twice is harmless.
set -u
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${builddir:-$PWD}
OVS_FLOWC=${OVS_FLOWC:-$builddir/ovs-flowc}
[ "$(id -u)" = 0 ] || { echo "lab-twice: needs root, skipped"; exit 77; }
topo=$srcdir/test-topologies/host-only/topology.json
a=$(mktemp -d /tmp/flowc-laba.XXXXXX) b=$(mktemp -d /tmp/flowc-labb.XXXXXX)
trap '"$OVS_FLOWC" lab down --dir "$a" >/dev/null 2>&1; "$OVS_FLOWC" lab down --dir "$b" >/dev/null 2>&1; rm -rf "$a" "$b"' EXIT
pass=0 fail=0
t() { if "${@:2}" >/dev/null 2>&1; then echo "ok    $1"; pass=$((pass+1)); else echo "FAIL  $1"; fail=$((fail+1)); fi; }
t "lab A up" "$OVS_FLOWC" lab up "$topo" --dir "$a"
t "lab B up beside it" "$OVS_FLOWC" lab up "$topo" --dir "$b"
t "A: h1 pings h2" "$OVS_FLOWC" lab exec --dir "$a" h1 ping -c 2 -W 2 192.0.2.22
t "B: h1 pings h2" "$OVS_FLOWC" lab exec --dir "$b" h1 ping -c 2 -W 2 192.0.2.22
pa=$("$OVS_FLOWC" lab ns --dir "$a") pb=$("$OVS_FLOWC" lab ns --dir "$b")
t "the two labs have distinct namespace prefixes ($pa, $pb)" [ "$pa" != "$pb" ]
t "lab A down" "$OVS_FLOWC" lab down --dir "$a"
t "lab A down again (harmless)" "$OVS_FLOWC" lab down --dir "$a"
t "A's namespaces are gone" sh -c "! ip netns list | grep -q '^$pa-'"
t "B's namespaces are all there" sh -c "ip netns list | grep -q '^$pb-sw'"
t "B still works" "$OVS_FLOWC" lab exec --dir "$b" h2 ping -c 2 -W 2 192.0.2.1
t "lab B down" "$OVS_FLOWC" lab down --dir "$b"
echo "lab-twice: $pass passed, $fail failed"
[ "$fail" = 0 ]

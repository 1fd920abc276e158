#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# demo.sh -- the main job end to end on a fresh Debian 12 machine (as
# root): build ovs-flowc, check every example topology, compile the
# two-bridge lab, load it into a private Open vSwitch (userspace datapath,
# its own run/db/log directory, nothing of the host's OVS touched), show
# that its dump equals the compiler's, and trace a spoofed ARP reply and
# its legitimate twin through the switch.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
builddir=${BUILDDIR:-$top/build}
"$top/scripts/build.sh" >/dev/null
flowc=$builddir/ovs-flowc
topo=$top/examples/two-bridge-lab.json

step() { printf '\n==> %s\n' "$*"; }

step "ovs-flowc check examples/*.json"
for f in "$top"/examples/*.json; do
    "$flowc" check "$f" && echo "ok   $(basename "$f")"
done

out=$(mktemp -d /tmp/ovs-flowc-demo.XXXXXX)
. "$top/tests/ovs-sandbox.sh"
trap 'sandbox_stop; rm -rf "$out"' EXIT INT TERM

step "ovs-flowc compile $(basename "$topo") -o $out"
"$flowc" compile "$topo" -o "$out"
"$flowc" compile "$topo" -o "$out" --format dump
ls -l "$out"
echo "(first flows of virbr6.flows:)"
grep -v '^$' "$out/virbr6.flows" | sed -n '1,12p'

step "private Open vSwitch in $out/ovs, bridges and ports from the topology"
sandbox_start "$out/ovs"
sandbox_load_topology "$flowc" "$topo" "$out"

for br in $(ls "$out" | sed -n 's/\.dump$//p'); do
    step "ovs-ofctl --bundle replace-flows $br, then compare dump-flows"
    ovs-ofctl -O OpenFlow15 --bundle replace-flows "$br" "$out/$br.flows"
    ovs-ofctl -O OpenFlow15 dump-flows --names --no-stats "$br" | sort \
        > "$out/$br.live"
    if diff -u "$out/$br.dump" "$out/$br.live"; then
        echo "$br: $(wc -l < "$out/$br.live") flows, identical to ovs-flowc's dump"
    fi
done

step "trace: vk63 answers ARP for vk64's address (spoofed ARP reply)"
trace_actions virbr6 "in_port=vk63,dl_src=52:54:00:f2:a4:8d,dl_dst=52:54:00:b1:5d:1f,arp,arp_op=2,arp_spa=192.0.2.14,arp_tpa=192.0.2.14,arp_sha=52:54:00:f2:a4:8d"
step "trace: vk63 asks for vk64 (legitimate ARP request, answered by the switch)"
trace_actions virbr6 "in_port=vk63,dl_src=52:54:00:f2:a4:8d,dl_dst=ff:ff:ff:ff:ff:ff,arp,arp_op=1,arp_spa=192.0.2.13,arp_tpa=192.0.2.14,arp_sha=52:54:00:f2:a4:8d"

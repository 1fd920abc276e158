#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# trace-attacks.sh -- packet-level checks of the compiled pipeline on a
# real ovs-vswitchd (userspace datapath, private directories): each
# attack is traced with ofproto/trace beside its legitimate twin.  An
# attack must end in "drop"; its twin must reach exactly the right ports.
#
# Topology: tests/trace/topology.json (two patched bridges, one with an
# uplink, and a host-only bridge).  Needs root (exit 77 = skip otherwise).
set -u
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
OVS_FLOWC=${OVS_FLOWC:-./ovs-flowc}
[ "$(id -u)" = 0 ] || { echo "trace-attacks: needs root, skipped"; exit 77; }

. "$srcdir/tests/ovs-sandbox.sh"
. "$srcdir/tests/flowc-lib.sh"

dir=$(mktemp -d /tmp/flowc-trace.XXXXXX)
trap 'sandbox_stop; rm -rf "$dir"' EXIT INT TERM
topo=$srcdir/tests/trace/topology.json

"$OVS_FLOWC" compile "$topo" -o "$dir" || exit 1
sandbox_start "$dir/ovs" || exit 1
sandbox_load_topology "$OVS_FLOWC" "$topo" "$dir" || exit 1
for f in "$dir"/*.flows; do
    br=$(basename "$f" .flows)
    ovs-ofctl -O OpenFlow15 --bundle replace-flows "$br" "$f" || exit 1
done

pass=0 fail=0
# expect NAME BRIDGE FLOW WANT
#   WANT is "drop" or the comma-separated output ports in order; a
#   leading "+" marks ports that get a rewritten packet (responder).
expect() {
    local name=$1 br=$2 flow=$3 want=$4 got
    got=$(trace_actions "$br" "$flow") || got="ERROR"
    # Keep outputs only: drop set(...) actions, mark rewritten packets.
    got=$(echo "$got" | "${PYTHON3:-python3}" -c '
import re, sys
acts = sys.stdin.read().strip()
if acts == "drop":
    print("drop"); sys.exit()
out, rewritten, logged = [], False, False
for p in re.split(r",(?![^()]*\))", acts):
    if p.startswith("set("):
        rewritten = True
    elif p.startswith(("meter(", "userspace(")):
        logged = True           # Drop logging: metered packet-in.
    elif p.startswith(("ct(", "recirc(")):
        pass
    else:
        out.append(("+" if rewritten else "") + p)
print(",".join(out) if out else "drop")')
    if [ "$got" = "$want" ]; then
        echo "ok    $name: $got"
        pass=$((pass + 1))
    else
        echo "FAIL  $name: got '$got', want '$want'"
        echo "      ovs-appctl ofproto/trace $br $flow"
        fail=$((fail + 1))
    fi
}

M63=52:54:00:f2:a4:8d M64=52:54:00:b1:5d:1f M65=52:54:00:b1:5d:65
M42=52:54:00:aa:00:42 MH1=52:54:00:00:00:01 BC=ff:ff:ff:ff:ff:ff
LAN=02:00:00:00:01:99
I63="in_port=vk63,dl_src=$M63"

# 1. Spoofed ARP reply: vk63 claims vk64's address.
expect "spoofed ARP reply" virbr6 \
    "$I63,dl_dst=$M42,arp,arp_op=2,arp_spa=192.0.2.14,arp_tpa=192.0.2.12,arp_sha=$M63,arp_tha=$M42" drop
expect "  twin: ARP reply for its own address" virbr6 \
    "$I63,dl_dst=$M64,arp,arp_op=2,arp_spa=192.0.2.13,arp_tpa=192.0.2.14,arp_sha=$M63,arp_tha=$M64" vk64
expect "ARP reply with a forged sender MAC inside" virbr6 \
    "$I63,dl_dst=$M64,arp,arp_op=2,arp_spa=192.0.2.13,arp_tpa=192.0.2.14,arp_sha=$M65,arp_tha=$M64" drop

# 2. ARP request with a forged sender address.
expect "ARP request with a forged sender address" virbr6 \
    "$I63,dl_dst=$BC,arp,arp_op=1,arp_spa=192.0.2.12,arp_tpa=192.0.2.14,arp_sha=$M63" drop
expect "  twin: ARP request answered by the switch" virbr6 \
    "$I63,dl_dst=$BC,arp,arp_op=1,arp_spa=192.0.2.13,arp_tpa=192.0.2.14,arp_sha=$M63" +vk63
expect "ARP probe for its own address is not answered" virbr6 \
    "$I63,dl_dst=$BC,arp,arp_op=1,arp_spa=0.0.0.0,arp_tpa=192.0.2.13,arp_sha=$M63" drop
expect "ARP request for an unknown address goes only outside" virbr6 \
    "$I63,dl_dst=$BC,arp,arp_op=1,arp_spa=192.0.2.13,arp_tpa=192.0.2.99,arp_sha=$M63" eth0

# 3. IPv4 source spoofing.
expect "spoofed IPv4 source" virbr6 \
    "$I63,dl_dst=$M64,ip,nw_src=192.0.2.15,nw_dst=192.0.2.14" drop
expect "  twin: own IPv4 source" virbr6 \
    "$I63,dl_dst=$M64,ip,nw_src=192.0.2.13,nw_dst=192.0.2.14" vk64
expect "spoofed source MAC" virbr6 \
    "in_port=vk63,dl_src=$M65,dl_dst=$M64,ip,nw_src=192.0.2.13,nw_dst=192.0.2.14" drop

# 4. IPv6 source spoofing.
expect "spoofed IPv6 source" virbr6 \
    "$I63,dl_dst=$M64,ipv6,ipv6_src=2001:db8:6::14,ipv6_dst=2001:db8:6::14" drop
expect "  twin: own IPv6 source" virbr6 \
    "$I63,dl_dst=$M64,ipv6,ipv6_src=2001:db8:6::13,ipv6_dst=2001:db8:6::14" vk64

# 5. Forged neighbor advertisement (override flag set).
expect "forged NA for a neighbour's address" virbr6 \
    "$I63,dl_dst=$M64,icmp6,ipv6_src=2001:db8:6::13,ipv6_dst=2001:db8:6::14,nw_ttl=255,icmpv6_type=136,icmpv6_code=0,nd_target=2001:db8:6::14,nd_tll=$M63" drop
expect "NA with a forged target MAC" virbr6 \
    "$I63,dl_dst=$M64,icmp6,ipv6_src=2001:db8:6::13,ipv6_dst=2001:db8:6::14,nw_ttl=255,icmpv6_type=136,icmpv6_code=0,nd_target=2001:db8:6::13,nd_tll=$M65" drop
expect "NA with hop limit below 255" virbr6 \
    "$I63,dl_dst=$M64,icmp6,ipv6_src=2001:db8:6::13,ipv6_dst=2001:db8:6::14,nw_ttl=64,icmpv6_type=136,icmpv6_code=0,nd_target=2001:db8:6::13,nd_tll=$M63" drop
expect "  twin: NA for its own address" virbr6 \
    "$I63,dl_dst=$M64,icmp6,ipv6_src=2001:db8:6::13,ipv6_dst=2001:db8:6::14,nw_ttl=255,icmpv6_type=136,icmpv6_code=0,nd_target=2001:db8:6::13,nd_tll=$M63" vk64
expect "NS answered by the switch" virbr6 \
    "$I63,dl_dst=33:33:ff:00:00:14,icmp6,ipv6_src=2001:db8:6::13,ipv6_dst=ff02::1:ff00:14,nw_ttl=255,icmpv6_type=135,icmpv6_code=0,nd_target=2001:db8:6::14,nd_sll=$M63" +vk63
expect "NS with a forged source link-layer address" virbr6 \
    "$I63,dl_dst=33:33:ff:00:00:14,icmp6,ipv6_src=2001:db8:6::13,ipv6_dst=ff02::1:ff00:14,nw_ttl=255,icmpv6_type=135,icmpv6_code=0,nd_target=2001:db8:6::14,nd_sll=$M65" drop

# 6. Router advertisement.
expect "RA from a guest" virbr4 \
    "in_port=vk42,dl_src=$M42,dl_dst=33:33:00:00:00:01,icmp6,ipv6_src=fe80::5054:ff:feaa:42,ipv6_dst=ff02::1,nw_ttl=255,icmpv6_type=134,icmpv6_code=0" drop
expect "  twin: RA from the host port that serves RA" virbr4 \
    "in_port=vmh1,dl_src=$MH1,dl_dst=33:33:00:00:00:01,icmp6,ipv6_src=fe80::5054:ff:fe00:1,ipv6_dst=ff02::1,nw_ttl=255,icmpv6_type=134,icmpv6_code=0" vethb1,vk42,eth0

# 7. DHCP server.
expect "DHCP offer from a guest" virbr4 \
    "in_port=vk42,dl_src=$M42,dl_dst=$BC,udp,nw_src=192.0.2.12,nw_dst=255.255.255.255,tp_src=67,tp_dst=68" drop
expect "  twin: DHCP offer from the host port" virbr6 \
    "in_port=vk64,dl_src=$M64,dl_dst=$BC,udp,nw_src=0.0.0.0,nw_dst=255.255.255.255,tp_src=68,tp_dst=67" vethb2,vk63,vk65,mon0,eth0,vmh1,vk42

# 8. Unknown unicast.
expect "frame to an unknown MAC on a host-only bridge" virbr9 \
    "in_port=vk91,dl_src=52:54:00:99:00:91,dl_dst=02:00:00:00:00:77,ip,nw_src=192.0.2.191,nw_dst=192.0.2.177" drop
expect "frame to an unknown MAC is not flooded to guests" virbr6 \
    "$I63,dl_dst=02:00:00:00:00:77,ip,nw_src=192.0.2.13,nw_dst=203.0.113.7" eth0
expect "  twin: frame to a known MAC on the host-only bridge" virbr9 \
    "in_port=vk91,dl_src=52:54:00:99:00:91,dl_dst=52:54:00:99:00:92,ip,nw_src=192.0.2.191,nw_dst=192.0.2.192" vk92
expect "host-only: nothing reaches the uplink" virbr9 \
    "in_port=vk91,dl_src=52:54:00:99:00:91,dl_dst=$BC,arp,arp_op=1,arp_spa=192.0.2.191,arp_tpa=192.0.2.129,arp_sha=52:54:00:99:00:91" drop
expect "host-only: nothing comes in from the uplink" virbr9 \
    "in_port=eth9,dl_src=$LAN,dl_dst=52:54:00:99:00:92,ip,nw_src=192.0.2.129,nw_dst=192.0.2.192" drop

# 9. Monitor port.
expect "frame from the monitor port" virbr6 \
    "in_port=mon0,dl_src=02:00:00:00:00:aa,dl_dst=$M64,ip,nw_src=192.0.2.13,nw_dst=192.0.2.14" drop
expect "  twin: mirrored port's traffic is copied to the monitor once" virbr6 \
    "in_port=vk65,dl_src=$M65,dl_dst=$M63,ip,nw_src=192.0.2.15,nw_dst=192.0.2.13" mon0,vk63
expect "  twin: traffic to the mirrored port is copied too" virbr6 \
    "$I63,dl_dst=$M65,ip,nw_src=192.0.2.13,nw_dst=192.0.2.15" mon0,vk65

# 10. Redirection across the bridge link (poisoned neighbour cache).
expect "frame redirected across the patch to an attacker" virbr4 \
    "in_port=vk42,dl_src=$M42,dl_dst=$M63,ip,nw_src=192.0.2.12,nw_dst=192.0.2.1" drop
expect "  twin: frame for that guest crosses the patch" virbr4 \
    "in_port=vk42,dl_src=$M42,dl_dst=$M63,ip,nw_src=192.0.2.12,nw_dst=192.0.2.13" vk63
expect "frame redirected to a neighbour on the same bridge" virbr6 \
    "$I63,dl_dst=$M64,ip,nw_src=192.0.2.13,nw_dst=192.0.2.15" drop
expect "LAN host posing as a guest" virbr4 \
    "in_port=eth0,dl_src=$LAN,dl_dst=$M42,ip,nw_src=192.0.2.13,nw_dst=192.0.2.12" drop
expect "  twin: LAN host with its own address" virbr4 \
    "in_port=eth0,dl_src=$LAN,dl_dst=$M42,ip,nw_src=198.51.100.7,nw_dst=192.0.2.12" vk42
expect "LAN host using a guest's MAC" virbr4 \
    "in_port=eth0,dl_src=$M63,dl_dst=$M42,ip,nw_src=198.51.100.7,nw_dst=192.0.2.12" drop

# 11. VLAN and other ethertypes from guests.
expect "VLAN-tagged frame from a guest" virbr6 \
    "$I63,dl_dst=$M64,dl_vlan=7,ip,nw_src=192.0.2.13,nw_dst=192.0.2.14" drop
expect "non-IP ethertype from a guest" virbr6 \
    "$I63,dl_dst=$M64,dl_type=0x88cc" drop

echo "trace-attacks: $pass passed, $fail failed"
[ "$fail" = 0 ]

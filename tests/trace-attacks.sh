#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# trace-attacks.sh -- packet-level checks of the compiled pipeline on a
# real ovs-vswitchd (userspace datapath, private directories): each
# attack is traced with ofproto/trace beside its legitimate twin.  An
# attack must end in "drop"; its twin must reach exactly the right ports.
#
# Topology: tests/trace/topology.json (two patched bridges, one with an
# uplink, and a host-only bridge), brought up with `ovs-flowc lab`.
# Needs root (exit 77 = skip otherwise).
set -u
. "$(dirname "$0")/scenario-lib.sh"
. "$srcdir/tests/flowc-lib.sh"
scenario_begin trace-attacks "$srcdir/tests/trace/topology.json"

pass=0 fail=0
# Rule kinds by number, from the compiler itself, to name who dropped.
"$OVS_FLOWC" compile "$srcdir/tests/trace/topology.json" --bridge virbr6 \
    --format json > "$sc_dir/ir.json" || exit 1

# verdict: reads "Datapath actions" on stdin and prints the outputs in
# order ("+" before ports that get a rewritten packet, such as responder
# answers), or "drop:RULE" (logged drop, RULE from the flow's cookie), or
# "drop" (unlogged).
verdict() {
    "${PYTHON3:-python3}" -c '
import json, sys
kinds = {v["id"]: k for k, v in json.load(open(sys.argv[1]))["kinds"].items()}
acts = sys.stdin.read().strip()
parts, depth, cur = [], 0, ""
for ch in acts:
    if ch == "," and depth == 0:
        parts.append(cur); cur = ""; continue
    depth += ch == "("; depth -= ch == ")"
    cur += ch
parts.append(cur)
out, rewritten, dropped_by = [], False, None
for p in parts:
    if p.startswith("set("):
        rewritten = True
    elif "controller(" in p:
        c = p.split("rule_cookie=")[1].split(",")[0].rstrip(")")
        dropped_by = dropped_by or kinds.get((int(c, 16) >> 48) & 0xff, c)
    elif p.startswith(("meter(", "ct(", "recirc(")) or p in ("", "drop"):
        pass
    else:
        out.append(("+" if rewritten else "") + p)
if out:
    print(",".join(out))
else:
    print("drop:" + dropped_by if dropped_by else "drop")' "$sc_dir/ir.json"
}

# expect NAME BRIDGE FLOW WANT: WANT as verdict() prints it.  A frame
# that crosses the patch into virbr4 meets its policy's conntrack there:
# virbr6's outputs come in the first pass, virbr4's after the
# recirculation.
expect() {
    local name=$1 br=$2 flow=$3 want=$4 got
    got=$(trace_actions "$br" "$flow" | verdict) || got="ERROR"
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
    "$I63,dl_dst=$M42,arp,arp_op=2,arp_spa=192.0.2.14,arp_tpa=192.0.2.12,arp_sha=$M63,arp_tha=$M42" drop:arp-guard
expect "  twin: ARP reply for its own address" virbr6 \
    "$I63,dl_dst=$M64,arp,arp_op=2,arp_spa=192.0.2.13,arp_tpa=192.0.2.14,arp_sha=$M63,arp_tha=$M64" vk64
expect "ARP reply with a forged sender MAC inside" virbr6 \
    "$I63,dl_dst=$M64,arp,arp_op=2,arp_spa=192.0.2.13,arp_tpa=192.0.2.14,arp_sha=$M65,arp_tha=$M64" drop:arp-sha-guard

# 2. ARP request with a forged sender address.
expect "ARP request with a forged sender address" virbr6 \
    "$I63,dl_dst=$BC,arp,arp_op=1,arp_spa=192.0.2.12,arp_tpa=192.0.2.14,arp_sha=$M63" drop:arp-guard
expect "  twin: ARP request answered by the switch, to the asker only" virbr6 \
    "$I63,dl_dst=$BC,arp,arp_op=1,arp_spa=192.0.2.13,arp_tpa=192.0.2.14,arp_sha=$M63" +vk63
expect "ARP probe for its own address: not answered, reaches nobody" virbr6 \
    "$I63,dl_dst=$BC,arp,arp_op=1,arp_spa=0.0.0.0,arp_tpa=192.0.2.13,arp_sha=$M63" drop
expect "ARP request for an unknown address goes only outside" virbr6 \
    "$I63,dl_dst=$BC,arp,arp_op=1,arp_spa=192.0.2.13,arp_tpa=192.0.2.99,arp_sha=$M63" eth0

# 3. IPv4 source and MAC spoofing.
expect "spoofed IPv4 source" virbr6 \
    "$I63,dl_dst=$M64,ip,nw_src=192.0.2.15,nw_dst=192.0.2.14" drop:ipv4-source-guard
expect "  twin: own IPv4 source" virbr6 \
    "$I63,dl_dst=$M64,ip,nw_src=192.0.2.13,nw_dst=192.0.2.14" vk64
expect "spoofed source MAC" virbr6 \
    "in_port=vk63,dl_src=$M65,dl_dst=$M64,ip,nw_src=192.0.2.13,nw_dst=192.0.2.14" drop:l2-source-guard

# 4. IPv6 source spoofing.
# (A ping: an IPv6 packet whose next header is 0 has a cut-short header
# chain, which table 11 drops, see 12.)
expect "spoofed IPv6 source" virbr6 \
    "$I63,dl_dst=$M64,icmp6,ipv6_src=2001:db8:6::14,ipv6_dst=2001:db8:6::14,icmpv6_type=128" drop:ipv6-source-guard
expect "  twin: own IPv6 source" virbr6 \
    "$I63,dl_dst=$M64,icmp6,ipv6_src=2001:db8:6::13,ipv6_dst=2001:db8:6::14,icmpv6_type=128" vk64

# 5. Forged neighbor advertisements and solicitations.
ND="icmp6,ipv6_src=2001:db8:6::13,ipv6_dst=2001:db8:6::14,icmpv6_code=0"
expect "forged NA for a neighbour's address (override)" virbr6 \
    "$I63,dl_dst=$M64,$ND,nw_ttl=255,icmpv6_type=136,nd_target=2001:db8:6::14,nd_tll=$M63" drop:nd-guard
expect "NA with a forged target MAC" virbr6 \
    "$I63,dl_dst=$M64,$ND,nw_ttl=255,icmpv6_type=136,nd_target=2001:db8:6::13,nd_tll=$M65" drop:nd-guard
expect "NA with hop limit below 255" virbr6 \
    "$I63,dl_dst=$M64,$ND,nw_ttl=64,icmpv6_type=136,nd_target=2001:db8:6::13,nd_tll=$M63" drop:nd-guard
expect "  twin: NA for its own address" virbr6 \
    "$I63,dl_dst=$M64,$ND,nw_ttl=255,icmpv6_type=136,nd_target=2001:db8:6::13,nd_tll=$M63" vk64
NS="icmp6,ipv6_src=2001:db8:6::13,ipv6_dst=ff02::1:ff00:14,icmpv6_code=0,nw_ttl=255,icmpv6_type=135,nd_target=2001:db8:6::14"
expect "NS answered by the switch, to the asker only" virbr6 \
    "$I63,dl_dst=33:33:ff:00:00:14,$NS,nd_sll=$M63" +vk63
expect "NS with a forged source link-layer address" virbr6 \
    "$I63,dl_dst=33:33:ff:00:00:14,$NS,nd_sll=$M65" drop:nd-guard

DAD="icmp6,ipv6_src=::,nw_ttl=255,icmpv6_type=135,icmpv6_code=0"
expect "DAD NS for a neighbour's address (its DAD would fail)" virbr6 \
    "$I63,dl_dst=33:33:ff:00:00:14,$DAD,ipv6_dst=ff02::1:ff00:14,nd_target=2001:db8:6::14" drop:ipv6-source-guard
expect "  twin: DAD NS for its own address" virbr6 \
    "$I63,dl_dst=33:33:ff:00:00:13,$DAD,ipv6_dst=ff02::1:ff00:13,nd_target=2001:db8:6::13" vk64,mon0,vk65,eth0,vk42,vmh1
LNA="icmp6,ipv6_src=fe80::bad,ipv6_dst=ff02::1,nw_ttl=255,icmpv6_type=136,icmpv6_code=0,nd_tll=$LAN"
expect "LAN host's NA for the host port's link-local address (override)" virbr4 \
    "in_port=eth0,dl_src=$LAN,dl_dst=33:33:00:00:00:01,$LNA,nd_target=fe80::5054:ff:fe00:1" drop:border-ingress
LDAD="icmp6,ipv6_src=::,nw_ttl=255,icmpv6_type=135,icmpv6_code=0"
expect "LAN host's DAD NS for a guest's address (its DAD would fail)" virbr4 \
    "in_port=eth0,dl_src=$LAN,dl_dst=33:33:ff:00:00:42,$LDAD,ipv6_dst=ff02::1:ff00:42,nd_target=fe80::5054:ff:feaa:42" drop:border-ingress
expect "  twin: LAN host's DAD NS for its own address" virbr4 \
    "in_port=eth0,dl_src=$LAN,dl_dst=33:33:ff:00:0b:ad,$LDAD,ipv6_dst=ff02::1:ff00:bad,nd_target=fe80::bad" vk63,vk64,mon0,vk65,vk42,vmh1
expect "  twin: LAN host's NA for its own address" virbr4 \
    "in_port=eth0,dl_src=$LAN,dl_dst=33:33:00:00:00:01,$LNA,nd_target=fe80::bad" vk63,vk64,mon0,vk65,vk42,vmh1

expect "NS with two source link-layer options (OVS shows target ::)" virbr6 \
    "$I63,dl_dst=33:33:ff:00:00:14,icmp6,ipv6_src=2001:db8:6::13,ipv6_dst=ff02::1:ff00:14,nw_ttl=255,icmpv6_type=135,icmpv6_code=0,nd_target=::" drop:nd-guard

# 6. Router advertisements.
RA="ipv6_dst=ff02::1,nw_ttl=255,icmpv6_type=134,icmpv6_code=0"
expect "RA from a guest" virbr4 \
    "in_port=vk42,dl_src=$M42,dl_dst=33:33:00:00:00:01,icmp6,ipv6_src=fe80::5054:ff:feaa:42,$RA" drop:ra-guard
expect "  twin: RA from the host port that serves RA reaches the segment" virbr4 \
    "in_port=vmh1,dl_src=$MH1,dl_dst=33:33:00:00:00:01,icmp6,ipv6_src=fe80::5054:ff:fe00:1,$RA" eth0,vk63,vk64,mon0,vk65,vk42

# 7. DHCP server.
expect "DHCP offer from a guest" virbr4 \
    "in_port=vk42,dl_src=$M42,dl_dst=$BC,udp,nw_src=192.0.2.12,nw_dst=255.255.255.255,udp_src=67,udp_dst=68" drop:dhcp-server-guard
expect "DHCP offer from a guest's other source port" virbr4 \
    "in_port=vk42,dl_src=$M42,dl_dst=$BC,udp,nw_src=192.0.2.12,nw_dst=255.255.255.255,udp_src=6767,udp_dst=68" drop:dhcp-server-guard
expect "  twin: DHCP offer from the host port" virbr4 \
    "in_port=vmh1,dl_src=$MH1,dl_dst=$M42,udp,nw_src=192.0.2.1,nw_dst=192.0.2.12,udp_src=67,udp_dst=68" vk42
expect "  twin: DHCP discover from 0.0.0.0 (dhcp: true) crosses the patch" virbr6 \
    "in_port=vk64,dl_src=$M64,dl_dst=$BC,udp,nw_src=0.0.0.0,nw_dst=255.255.255.255,udp_src=68,udp_dst=67" vk63,mon0,vk65,eth0,vk42,vmh1
expect "DHCP discover from 0.0.0.0 without dhcp: true" virbr6 \
    "$I63,dl_dst=$BC,udp,nw_src=0.0.0.0,nw_dst=255.255.255.255,udp_src=68,udp_dst=67" drop:ipv4-source-guard

# 8. Unknown unicast and host-only isolation.
expect "frame to an unknown MAC on a host-only bridge" virbr9 \
    "in_port=vk91,dl_src=52:54:00:99:00:91,dl_dst=02:00:00:00:00:77,ip,nw_src=192.0.2.191,nw_dst=192.0.2.177" drop:host-only
expect "frame to an unknown MAC is not flooded to guests" virbr6 \
    "$I63,dl_dst=02:00:00:00:00:77,ip,nw_src=192.0.2.13,nw_dst=203.0.113.7" eth0
expect "  twin: frame to a known MAC on the host-only bridge" virbr9 \
    "in_port=vk91,dl_src=52:54:00:99:00:91,dl_dst=52:54:00:99:00:92,ip,nw_src=192.0.2.191,nw_dst=192.0.2.192" vk92
expect "host-only: a broadcast reaches no uplink" virbr9 \
    "in_port=vk91,dl_src=52:54:00:99:00:91,dl_dst=$BC,arp,arp_op=1,arp_spa=192.0.2.191,arp_tpa=192.0.2.129,arp_sha=52:54:00:99:00:91" drop
expect "host-only: nothing comes in from the uplink" virbr9 \
    "in_port=eth9,dl_src=$LAN,dl_dst=52:54:00:99:00:92,ip,nw_src=192.0.2.129,nw_dst=192.0.2.192" drop:host-only

# 9. Monitor port and mirrors.
expect "frame from the monitor port" virbr6 \
    "in_port=mon0,dl_src=02:00:00:00:00:aa,dl_dst=$M64,ip,nw_src=192.0.2.13,nw_dst=192.0.2.14" drop:monitor-transmit
expect "  twin: mirrored port's traffic is copied to the monitor once" virbr6 \
    "in_port=vk65,dl_src=$M65,dl_dst=$M63,ip,nw_src=192.0.2.15,nw_dst=192.0.2.13" mon0,vk63
expect "  twin: traffic to the mirrored port is copied too" virbr6 \
    "$I63,dl_dst=$M65,ip,nw_src=192.0.2.13,nw_dst=192.0.2.15" mon0,vk65

# 10. Redirection (a poisoned neighbour cache), across the patch and not.
expect "frame redirected across the patch to an attacker" virbr4 \
    "in_port=vk42,dl_src=$M42,dl_dst=$M63,ip,nw_src=192.0.2.12,nw_dst=192.0.2.1" drop:border-egress
expect "  twin: frame for that guest crosses the patch" virbr4 \
    "in_port=vk42,dl_src=$M42,dl_dst=$M63,ip,nw_src=192.0.2.12,nw_dst=192.0.2.13" vk63
expect "frame redirected to a neighbour on the same bridge" virbr6 \
    "$I63,dl_dst=$M64,ip,nw_src=192.0.2.13,nw_dst=192.0.2.15" drop:egress-guard
expect "LAN host posing as a guest" virbr4 \
    "in_port=eth0,dl_src=$LAN,dl_dst=$M42,ip,nw_src=192.0.2.13,nw_dst=192.0.2.12" drop:border-ingress
expect "  twin: LAN host with its own address" virbr4 \
    "in_port=eth0,dl_src=$LAN,dl_dst=$M42,ip,nw_src=198.51.100.7,nw_dst=192.0.2.12" vk42
expect "LAN host using a guest's MAC" virbr4 \
    "in_port=eth0,dl_src=$M63,dl_dst=$M42,ip,nw_src=198.51.100.7,nw_dst=192.0.2.12" drop:border-ingress

# 11. VLAN and other ethertypes from guests.
expect "VLAN-tagged frame from a guest" virbr6 \
    "$I63,dl_dst=$M64,dl_vlan=7,ip,nw_src=192.0.2.13,nw_dst=192.0.2.14" drop:vlan-guard
expect "non-IP ethertype from a guest" virbr6 \
    "$I63,dl_dst=$M64,dl_type=0x88cc" drop:ethertype-guard

# 12. Fragments (the bridge's fragment handling is nx-match: the guards
# see a first fragment's ports and ICMPv6 type; see ovs-flowc(8)).
V6="ipv6_src=2001:db8:6::13,ipv6_dst=2001:db8:6::14"
expect "RA in a first fragment" virbr4 \
    "in_port=vk42,dl_src=$M42,dl_dst=33:33:00:00:00:01,icmp6,ipv6_src=fe80::5054:ff:feaa:42,ip_frag=first,$RA" drop:ra-guard
expect "first fragment without its ICMPv6 header" virbr6 \
    "$I63,dl_dst=$M64,icmp6,$V6,ip_frag=first,icmpv6_type=0,icmpv6_code=0" drop:fragment-guard
expect "first fragment without its UDP header (IPv4)" virbr6 \
    "$I63,dl_dst=$M64,udp,nw_src=192.0.2.13,nw_dst=192.0.2.14,ip_frag=first,udp_src=0,udp_dst=0" drop:fragment-guard
expect "first fragment whose header chain ends with it (kernel datapath)" virbr6 \
    "$I63,dl_dst=$M64,ipv6,$V6,ip_frag=first,nw_proto=59" drop:fragment-guard
expect "IPv6 header chain cut short" virbr6 \
    "$I63,dl_dst=$M64,ipv6,$V6,nw_proto=0" drop:fragment-guard
expect "fragmented NS" virbr6 \
    "$I63,dl_dst=33:33:ff:00:00:14,icmp6,ipv6_src=2001:db8:6::13,ipv6_dst=ff02::1:ff00:14,nw_ttl=255,ip_frag=first,icmpv6_type=135,icmpv6_code=0,nd_target=2001:db8:6::14,nd_sll=$M63" drop:fragment-guard
expect "  twin: first fragment of a ping" virbr6 \
    "$I63,dl_dst=$M64,icmp6,$V6,ip_frag=first,icmpv6_type=128,icmpv6_code=0" vk64
expect "  twin: later fragment" virbr6 \
    "$I63,dl_dst=$M64,ipv6,$V6,nw_proto=44,ip_frag=later" vk64

# 13. Announcements (ovs-flowc(8), ANNOUNCEMENTS): a gratuitous ARP of a
# port's own address reaches every port, across the patch and out of the
# uplink; QEMU's RARP after a migration reaches the uplink; forged ones
# are dropped at their source.
GARP="arp,arp_op=1,arp_spa=192.0.2.13,arp_tpa=192.0.2.13,arp_sha=$M63,arp_tha=00:00:00:00:00:00"
expect "gratuitous ARP of vk63's own address: everyone, the LAN too" virbr6 \
    "$I63,dl_dst=$BC,$GARP" eth0,vk42,vmh1,vk64,mon0,vk65
expect "  the same as an ARP reply (arping -A)" virbr6 \
    "$I63,dl_dst=$BC,${GARP/arp_op=1/arp_op=2}" eth0,vk42,vmh1,vk64,mon0,vk65
expect "gratuitous ARP of a neighbour's address" virbr6 \
    "$I63,dl_dst=$BC,${GARP//192.0.2.13/192.0.2.14}" drop:arp-guard
expect "gratuitous ARP of vk63's address with vk65's MAC inside" virbr6 \
    "$I63,dl_dst=$BC,${GARP/arp_sha=$M63/arp_sha=$M65}" drop:arp-sha-guard
expect "  an announcement is broadcast: unicast to vk64, not its target" virbr6 \
    "$I63,dl_dst=$M64,$GARP" drop:egress-guard
expect "gratuitous ARP in the host-only network: not to its uplink" virbr9 \
    "in_port=vk91,dl_src=52:54:00:99:00:91,dl_dst=$BC,arp,arp_op=1,arp_spa=192.0.2.191,arp_tpa=192.0.2.191,arp_sha=52:54:00:99:00:91" vk92
# A LAN host's announcement (a gateway address taken over by keepalived)
# reaches every guest when its address is in the bridge's subnets:
# tables 32-39 compare sender and target a nibble at a time.
LGARP="in_port=eth0,dl_src=$LAN,dl_dst=$BC,arp,arp_op=1,arp_sha=$LAN,arp_tha=00:00:00:00:00:00"
expect "  a LAN host's gratuitous ARP reaches every guest, across the patch" virbr4 \
    "$LGARP,arp_spa=192.0.2.126,arp_tpa=192.0.2.126" vk63,vk64,mon0,vk65,vk42,vmh1
expect "  the same as an ARP reply" virbr4 \
    "${LGARP/arp_op=1/arp_op=2},arp_spa=192.0.2.126,arp_tpa=192.0.2.126" vk63,vk64,mon0,vk65,vk42,vmh1
expect "a LAN host's ARP for another address (the last nibble differs)" virbr4 \
    "$LGARP,arp_spa=192.0.2.126,arp_tpa=192.0.2.127" drop
expect "a LAN host's ARP for another address (the nibble before differs)" virbr4 \
    "$LGARP,arp_spa=192.0.2.126,arp_tpa=192.0.2.110" drop
expect "a LAN host's gratuitous ARP outside the bridge's subnets" virbr4 \
    "$LGARP,arp_spa=198.51.100.7,arp_tpa=198.51.100.7" drop
expect "a LAN host's gratuitous ARP of a guest's address" virbr4 \
    "$LGARP,arp_spa=192.0.2.13,arp_tpa=192.0.2.13" drop:border-ingress
RARP="rarp,arp_op=3,arp_spa=0.0.0.0,arp_tpa=0.0.0.0"
expect "QEMU's RARP after a migration: to the uplink, across the patch" virbr6 \
    "$I63,dl_dst=$BC,$RARP,arp_sha=$M63,arp_tha=$M63" eth0
expect "RARP of another MAC" virbr6 \
    "$I63,dl_dst=$BC,$RARP,arp_sha=$M65,arp_tha=$M65" drop:ethertype-guard
expect "RARP request for another's address (opcode 3, other target)" virbr6 \
    "$I63,dl_dst=$BC,$RARP,arp_sha=$M63,arp_tha=$M64" drop:ethertype-guard

# 14. Multicast queriers: a guest's MLD query or IGMP general query would
# make it the segment's querier (the lowest address wins) and the port
# snooping switches send every group to; its reports must still pass, and
# the host port whose services say "querier" may query.
MLDQ="icmp6,ipv6_src=fe80::5054:ff:feaa:42,ipv6_dst=ff02::1,nw_ttl=1,icmpv6_type=130,icmpv6_code=0"
IGMP="ip,nw_proto=2,nw_ttl=1,nw_src=192.0.2.12"
expect "MLD query from a guest" virbr4 \
    "in_port=vk42,dl_src=$M42,dl_dst=33:33:00:00:00:01,$MLDQ" drop:querier-guard
expect "IGMP general query from a guest" virbr4 \
    "in_port=vk42,dl_src=$M42,dl_dst=01:00:5e:00:00:01,$IGMP,nw_dst=224.0.0.1" drop:querier-guard
expect "  twin: a guest's MLDv2 report" virbr4 \
    "in_port=vk42,dl_src=$M42,dl_dst=33:33:00:00:00:16,${MLDQ/ff02::1,nw_ttl=1,icmpv6_type=130/ff02::16,nw_ttl=1,icmpv6_type=143}" eth0,vk63,vk64,mon0,vk65,vmh1
expect "  twin: a guest's IGMPv3 report" virbr4 \
    "in_port=vk42,dl_src=$M42,dl_dst=01:00:5e:00:00:16,$IGMP,nw_dst=224.0.0.22" eth0,vk63,vk64,mon0,vk65,vmh1
expect "  twin: MLD query from the host port that is the querier" virbr4 \
    "in_port=vmh1,dl_src=$MH1,dl_dst=33:33:00:00:00:01,${MLDQ/fe80::5054:ff:feaa:42/fe80::5054:ff:fe00:1}" eth0,vk63,vk64,mon0,vk65,vk42
expect "  twin: IGMP general query from the host port that is the querier" virbr4 \
    "in_port=vmh1,dl_src=$MH1,dl_dst=01:00:5e:00:00:01,${IGMP/192.0.2.12/192.0.2.1},nw_dst=224.0.0.1" eth0,vk63,vk64,mon0,vk65,vk42

# 15. Rogue servers behind a border port: virbr4's host port serves
# DHCP, RA and the querier, and its uplink lists only "dhcpv6" (the LAN
# serves DHCPv6): the LAN's DHCP offers, RAs and queries are dropped as
# they come in; behind virbr4's patch lie guests only, behind virbr6's
# the host port.
LL_LAN=fe80::ff:fe00:199
expect "DHCP offer from the LAN where the host serves DHCP" virbr4 \
    "in_port=eth0,dl_src=$LAN,dl_dst=$BC,udp,nw_src=198.51.100.7,nw_dst=255.255.255.255,udp_src=67,udp_dst=68" drop:dhcp-server-guard
expect "RA from the LAN where the host serves RA" virbr4 \
    "in_port=eth0,dl_src=$LAN,dl_dst=33:33:00:00:00:01,icmp6,ipv6_src=$LL_LAN,$RA" drop:ra-guard
expect "MLD query from the LAN where the host is the querier" virbr4 \
    "in_port=eth0,dl_src=$LAN,dl_dst=33:33:00:00:00:01,${MLDQ/fe80::5054:ff:feaa:42/$LL_LAN}" drop:querier-guard
expect "  twin: DHCPv6 reply from the LAN (the uplink lists dhcpv6)" virbr4 \
    "in_port=eth0,dl_src=$LAN,dl_dst=$M42,udp6,ipv6_src=$LL_LAN,ipv6_dst=fe80::5054:ff:feaa:42,udp_src=547,udp_dst=546" vk42
expect "  twin: a LAN relay's request (67 to 67) reaches the host's server" virbr4 \
    "in_port=eth0,dl_src=$LAN,dl_dst=$MH1,udp,nw_src=198.51.100.7,nw_dst=192.0.2.1,udp_src=67,udp_dst=67" vmh1
expect "DHCP offer entering through a patch with no server behind" virbr4 \
    "in_port=vethb1,dl_src=$M63,dl_dst=$M42,udp,nw_src=192.0.2.13,nw_dst=192.0.2.12,udp_src=67,udp_dst=68" drop:dhcp-server-guard
expect "  twin: the host's DHCP offer enters through the patch behind which it is" virbr6 \
    "in_port=vethb2,dl_src=$MH1,dl_dst=$M64,udp,nw_src=192.0.2.1,nw_dst=192.0.2.14,udp_src=67,udp_dst=68" vk64

# 16. DHCP past the policy: virbr4's policy denies vk42 UDP to ports 67
# and 547, but DHCP requests bypass the rules towards a server that may
# answer them: broadcast and ff02::1:2, the host port that serves DHCP,
# the LAN that may serve DHCPv6 (the uplink lists it).  Towards anything
# else a client port of 68 is no way round the policy.
D4="in_port=vk42,dl_src=$M42,udp,nw_src=192.0.2.12,udp_src=68,udp_dst=67"
D6="in_port=vk42,dl_src=$M42,udp6,ipv6_src=fe80::5054:ff:feaa:42,udp_src=546,udp_dst=547"
expect "DHCP client port to a LAN address the policy denies" virbr4 \
    "$D4,dl_dst=$LAN,nw_dst=198.51.100.7" drop:policy-deny
expect "DHCP client port to a guest's address the policy denies" virbr4 \
    "$D4,dl_dst=$M63,nw_dst=192.0.2.13" drop:policy-deny
expect "  twin: DHCP request to the host port's server" virbr4 \
    "$D4,dl_dst=$MH1,nw_dst=192.0.2.1" vmh1
expect "  twin: DHCP request broadcast" virbr4 \
    "$D4,dl_dst=$BC,nw_dst=255.255.255.255" eth0,vk63,vk64,mon0,vk65,vmh1
expect "  twin: the denied port from another source port" virbr4 \
    "in_port=vk42,dl_src=$M42,dl_dst=$MH1,udp,nw_src=192.0.2.12,nw_dst=192.0.2.1,udp_src=1067,udp_dst=67" drop:policy-deny
expect "  twin: DHCPv6 request to ff02::1:2" virbr4 \
    "$D6,dl_dst=33:33:00:01:00:02,ipv6_dst=ff02::1:2" eth0,vk63,vk64,mon0,vk65,vmh1
expect "  twin: DHCPv6 request to a LAN server (the uplink lists dhcpv6)" virbr4 \
    "$D6,dl_dst=$LAN,ipv6_dst=$LL_LAN" eth0

# The suite can fail: with an ARP guard that forgets to pin the sender
# address (vk63's allow flow matching any arp_spa), the first attack above
# must get through.
"$OVS_FLOWC" compile "$srcdir/tests/trace/topology.json" --bridge virbr6 \
    | sed 's/in_port=vk63,arp,arp_spa=192.0.2.13 /in_port=vk63,arp /' \
    > "$sc_dir/broken.flows"
ovs-ofctl -O OpenFlow15 --bundle replace-flows virbr6 "$sc_dir/broken.flows"
expect "mutation: without the ARP guard the spoofed reply gets through" \
    virbr6 "$I63,dl_dst=$M64,arp,arp_op=2,arp_spa=192.0.2.14,arp_tpa=192.0.2.14,arp_sha=$M63,arp_tha=$M64" vk64

echo "trace-attacks: $pass passed, $fail failed"
[ "$fail" = 0 ]

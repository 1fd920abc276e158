#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Scenario 6, IPv6 first-hop security, s1 the attacker: rogue router
# advertisement, rogue DHCPv6 server, forged NA (override flag) and NS,
# answering another guest's duplicate address detection; DAD from ::
# itself works, and s2's stable-privacy link-local address (listed in the
# topology) is the one it may use; rogue multicast querier (MLD and IGMP
# queries).  Each attack beside its legitimate twin (the host port s6 may
# serve RA and DHCPv6 and is the querier).
. "$(dirname "$0")/../../tests/scenario-lib.sh"
scenario_begin ipv6-first-hop "$(dirname "$0")/topology.json"
S1=52:54:00:70:00:71 S2=52:54:00:70:00:72 S6=52:54:00:70:00:01
LL1=fe80::5054:ff:fe70:71 LL2=fe80::a5b2:c3d4:e5f6:1234
LL6=fe80::5054:ff:fe70:1
scapy() { local ns=$1; shift
    lx "$ns" /usr/bin/python3 -c "from scapy.all import *; $*"; }

legit "s1 pings s2 over IPv6" lx s1 ping -6 -c 2 -W 2 2001:db8:6::72
legit "s1 reaches s2's stable-privacy link-local address" \
    lx s1 ping -6 -c 2 -W 2 "$LL2%eth0"

# Router advertisements.
# (No SLAAC, no default route: the twin must not change the guests.)
RA="IPv6(src='%s', dst='ff02::1', hlim=255) / ICMPv6ND_RA(routerlifetime=%s) / ICMPv6NDOptPrefixInfo(prefix='2001:db8:bad::', prefixlen=64, A=%s) / ICMPv6NDOptSrcLLAddr(lladdr='%s')"
zero_at "rogue RA from s1" s2 eth0 "icmp6 and ip6[40] == 134" -- \
    scapy s1 "sendp(Ether(src='$S1', dst='33:33:00:00:00:01') / $(printf "$RA" "$LL1" 1800 1 "$S1"), iface='eth0', count=3, verbose=False)"
if lx s2 ip -6 route | grep -q "2001:db8:bad::\|via $LL1"; then
    bad "s2 took a route from the rogue RA"
else
    ok "attack blocked: s2's routing table has nothing from the rogue RA"
    sc_attacks=$((sc_attacks + 1))
fi
capture_start s2 eth0 "icmp6 and ip6[40] == 134"
scapy s6 "sendp(Ether(src='$S6', dst='33:33:00:00:00:01') / $(printf "$RA" "$LL6" 0 0 "$S6" | sed 's/bad/6/'), iface='eth0', count=2, verbose=False)"
n=$(capture_count)
if [ "$n" -ge 2 ]; then
    ok "legit: the host's RA reaches s2 ($n)"; sc_legit=$((sc_legit + 1))
else
    bad "the host's RA did not reach s2 ($n)"
fi

# DHCPv6 server.
DH="IPv6(src='%s', dst='$LL2') / UDP(sport=547, dport=546) / DHCP6_Advertise(trid=7)"
zero_at "rogue DHCPv6 advertise from s1" s2 eth0 "udp port 546" -- \
    scapy s1 "sendp(Ether(src='$S1', dst='$S2') / $(printf "$DH" "$LL1"), iface='eth0', count=3, verbose=False)"
# Clients filter on their own port, 546, not on the server's.
zero_at "rogue DHCPv6 advertise from source port 5470" s2 eth0 "udp dst port 546" -- \
    scapy s1 "sendp(Ether(src='$S1', dst='$S2') / $(printf "$DH" "$LL1" | sed 's/sport=547/sport=5470/'), iface='eth0', count=3, verbose=False)"
capture_start s2 eth0 "udp port 546"
scapy s6 "sendp(Ether(src='$S6', dst='$S2') / $(printf "$DH" "$LL6"), iface='eth0', count=2, verbose=False)"
n=$(capture_count)
if [ "$n" = 2 ]; then
    ok "legit: the host's DHCPv6 advertise reaches s2"; sc_legit=$((sc_legit + 1))
else
    bad "the host's DHCPv6 advertise: $n of 2 at s2"
fi

# Multicast querier: a query makes its sender the querier if its address
# is the lowest, and snooping switches send every group to its port.
MLDQ="IPv6(src='%s', dst='ff02::1', hlim=1) / IPv6ExtHdrHopByHop(options=RouterAlert()) / ICMPv6MLQuery2()"
IGMPQ="IP(src='%s', dst='224.0.0.1', ttl=1, options=IPOption_Router_Alert()) / IGMPv3() / IGMPv3mq()"
zero_at "MLD query from s1" s2 eth0 "ether src $S1 and ether dst 33:33:00:00:00:01" -- \
    scapy s1 "sendp(Ether(src='$S1', dst='33:33:00:00:00:01') / $(printf "$MLDQ" "$LL1"), iface='eth0', count=3, verbose=False)"
zero_at "IGMP general query from s1" s2 eth0 "igmp and ether src $S1" -- \
    scapy s1 "load_contrib('igmpv3'); sendp(Ether(src='$S1', dst='01:00:5e:00:00:01') / $(printf "$IGMPQ" 192.0.2.71), iface='eth0', count=3, verbose=False)"
seen_at "MLD query from the host port s6, the querier" s2 eth0 "ether src $S6 and ether dst 33:33:00:00:00:01" -- \
    scapy s6 "sendp(Ether(src='$S6', dst='33:33:00:00:00:01') / $(printf "$MLDQ" "$LL6"), iface='eth0', count=2, verbose=False)"
seen_at "IGMP general query from s6" s2 eth0 "igmp and ether src $S6" -- \
    scapy s6 "load_contrib('igmpv3'); sendp(Ether(src='$S6', dst='01:00:5e:00:00:01') / $(printf "$IGMPQ" 192.0.2.1), iface='eth0', count=2, verbose=False)"

# Fragments that hide what a guard looks at: a first fragment whose
# header chain is cut short (RFC 7112, 7113) or that ends before the
# UDP/ICMPv6 header, and fragmented neighbor discovery (RFC 6980).  The
# receiver would reassemble a rogue DHCPv6 advertise, RA or NS that the
# switch never saw whole.  No first fragment may arrive (a later one alone
# is harmless: its reassembly times out); a large ping, fragmented the
# legitimate way, must get through.
FIRST="ether src $S1 and ip6[6] == 44 and (ip6[42:2] & 0xfff8) == 0"
frag() { local ns=$1 mac=$2 dst=$3 size=$4 pkt=$5
    scapy "$ns" "[sendp(Ether(src='$mac', dst='$dst') / f, iface='eth0', verbose=False) for f in fragment6($pkt, $size)]"; }
DST8="IPv6ExtHdrDestOpt(options=[PadN(optdata=b'\0' * 4)])"
zero_at "rogue DHCPv6 advertise behind a header chain cut by fragmentation" s2 eth0 "$FIRST" -- \
    frag s1 "$S1" "$S2" 200 "IPv6(src='$LL1', dst='$LL2') / IPv6ExtHdrFragment(id=61) / IPv6ExtHdrDestOpt(options=[PadN(optdata=b'\0' * 252)]) / UDP(sport=547, dport=546) / DHCP6_Advertise(trid=7)"
zero_at "rogue DHCPv6 advertise whose UDP header is in the second fragment" s2 eth0 "$FIRST" -- \
    frag s1 "$S1" "$S2" 56 "IPv6(src='$LL1', dst='$LL2') / IPv6ExtHdrFragment(id=62) / $DST8 / UDP(sport=547, dport=546) / DHCP6_Advertise(trid=7)"
zero_at "rogue RA whose ICMPv6 header is in the second fragment" s2 eth0 "$FIRST" -- \
    frag s1 "$S1" 33:33:00:00:00:01 56 "IPv6(src='$LL1', dst='ff02::1', hlim=255) / IPv6ExtHdrFragment(id=63) / $DST8 / $(printf "$RA" "$LL1" 1800 1 "$S1" | sed 's/^IPv6([^)]*) \/ //')"
zero_at "fragmented NS, s2's MAC in the option of the second fragment" s2 eth0 "$FIRST" -- \
    frag s1 "$S1" 33:33:ff:00:00:72 72 "IPv6(src='$LL1', dst='ff02::1:ff00:72', hlim=255) / IPv6ExtHdrFragment(id=64) / ICMPv6ND_NS(tgt='2001:db8:6::72') / ICMPv6NDOptSrcLLAddr(lladdr='$S2')"
# Whole headers in the first fragment: the guards must see them, which
# OpenFlow's default fragment handling would not let them.
zero_at "rogue RA in fragments, its header in the first" s2 eth0 "$FIRST" -- \
    frag s1 "$S1" 33:33:00:00:00:01 64 "IPv6(src='$LL1', dst='ff02::1', hlim=255) / IPv6ExtHdrFragment(id=65) / $(printf "$RA" "$LL1" 1800 1 "$S1" | sed 's/^IPv6([^)]*) \/ //')"
zero_at "rogue DHCPv6 advertise in fragments, its UDP header in the first" s2 eth0 "$FIRST" -- \
    frag s1 "$S1" "$S2" 64 "IPv6(src='$LL1', dst='$LL2') / IPv6ExtHdrFragment(id=66) / UDP(sport=547, dport=546) / DHCP6_Advertise(trid=7) / DHCP6OptServerId(duid=DUID_LL(lladdr='$S1')) / DHCP6OptDNSServers(dnsservers=['2001:db8:bad::53'])"
legit "s1 pings s2 with 3000-byte IPv6 packets (fragmented)" \
    lx s1 ping -6 -c 2 -W 2 -s 3000 2001:db8:6::72

# Forged neighbor advertisement (override) and solicitation.
lx s6 ping -6 -c 1 -W 2 2001:db8:6::72 >/dev/null
# (The filters name the forged message: s1's kernel sends router
# solicitations and MLD reports of its own, which may reach s6.)
zero_at "forged NA (override) claiming s2's address" s6 eth0 "icmp6 and ip6[40] == 136 and ether src $S1" -- \
    scapy s1 "sendp(Ether(src='$S1', dst='$S6') / IPv6(src='2001:db8:6::71', dst='2001:db8:6::1', hlim=255) / ICMPv6ND_NA(tgt='2001:db8:6::72', R=0, S=0, O=1) / ICMPv6NDOptDstLLAddr(lladdr='$S1'), iface='eth0', count=3, verbose=False)"
mac=$(lx s6 ip -6 neigh show 2001:db8:6::72 | awk '{print $5}')
[ "$mac" = "$S2" ] && { ok "attack blocked: s6 still has s2 at s2's MAC"; sc_attacks=$((sc_attacks + 1)); } \
    || bad "s6 has 2001:db8:6::72 at '$mac'"
# An NS whose first option (ip6[64]: after 40 bytes of IPv6 header and
# 24 of NS) is a source link-layer address with s2's MAC.
s2_mac=$(echo "$S2" | tr -d :)
S2_OPT="ip6[64] == 1 and ip6[66:4] == 0x${s2_mac:0:8} and ip6[70:2] == 0x${s2_mac:8:4}"
zero_at "NS with s2's MAC as source link-layer address" s6 eth0 "icmp6 and ip6[40] == 135 and ether src $S1 and $S2_OPT" -- \
    scapy s1 "sendp(Ether(src='$S1', dst='33:33:ff:00:00:01') / IPv6(src='2001:db8:6::71', dst='ff02::1:ff00:1', hlim=255) / ICMPv6ND_NS(tgt='2001:db8:6::1') / ICMPv6NDOptSrcLLAddr(lladdr='$S2'), iface='eth0', count=3, verbose=False)"
zero_at "NS with two source link-layer options, s2's MAC first" s6 eth0 "icmp6 and ip6[40] == 135 and ether src $S1 and $S2_OPT" -- \
    scapy s1 "sendp(Ether(src='$S1', dst='33:33:ff:00:00:01') / IPv6(src='2001:db8:6::71', dst='ff02::1:ff00:1', hlim=255) / ICMPv6ND_NS(tgt='2001:db8:6::1') / ICMPv6NDOptSrcLLAddr(lladdr='$S2') / ICMPv6NDOptSrcLLAddr(lladdr='$S1'), iface='eth0', count=3, verbose=False)"
zero_at "NS from s2's address" s6 eth0 "icmp6 and ip6[40] == 135 and ether src $S1 and src host 2001:db8:6::72" -- \
    scapy s1 "sendp(Ether(src='$S1', dst='33:33:ff:00:00:01') / IPv6(src='2001:db8:6::72', dst='ff02::1:ff00:1', hlim=255) / ICMPv6ND_NS(tgt='2001:db8:6::1') / ICMPv6NDOptSrcLLAddr(lladdr='$S1'), iface='eth0', count=3, verbose=False)"

# Duplicate address detection: s2 re-adds its address with DAD while s1
# claims it with unsolicited NAs; DAD from :: must pass and succeed.
lx s2 ip -6 addr del 2001:db8:6::72/64 dev eth0
lx s1 timeout 5 /usr/bin/python3 -c "
import time
from scapy.all import *
for _ in range(15):
    sendp(Ether(src='$S1', dst='33:33:00:00:00:01') / IPv6(src='$LL1', dst='ff02::1', hlim=255) /
          ICMPv6ND_NA(tgt='2001:db8:6::72', R=0, S=0, O=1) / ICMPv6NDOptDstLLAddr(lladdr='$S1'),
          iface='eth0', verbose=False)
    time.sleep(0.2)" &
lx s2 ip -6 addr add 2001:db8:6::72/64 dev eth0
deadline=$((SECONDS + 8))
state=tentative
while [ $SECONDS -lt $deadline ]; do
    state=$(lx s2 ip -6 addr show dev eth0 | grep "2001:db8:6::72" | grep -o "tentative\|dadfailed" | head -1)
    [ -z "$state" ] && break
    [ "$state" = dadfailed ] && break
    sleep 0.2
done
wait
if [ -z "$state" ]; then
    ok "attack blocked: s2's DAD succeeded despite s1 claiming the address"
    sc_attacks=$((sc_attacks + 1))
else
    bad "s2's address is $state"
fi
legit "s2's re-added address works" lx s1 ping -6 -c 2 -W 2 2001:db8:6::72

# Duplicate address detection for someone else's address: s1's NS from ::
# for s2's address would make s2's DAD fail (at every boot, every link-up).
zero_at "DAD NS from s1 for s2's address" s2 eth0 "icmp6 and ip6[40] == 135 and ether src $S1" -- \
    scapy s1 "sendp(Ether(src='$S1', dst='33:33:ff:00:00:72') / IPv6(src='::', dst='ff02::1:ff00:72', hlim=255) / ICMPv6ND_NS(tgt='2001:db8:6::72'), iface='eth0', count=3, verbose=False)"

# s2 may use only its listed link-local address, not the EUI-64 one.
zero_at "s2 sends from an unlisted (EUI-64) link-local address" s1 eth0 "icmp6 and src host fe80::5054:ff:fe70:72" -- \
    scapy s2 "sendp(Ether(src='$S2', dst='$S1') / IPv6(src='fe80::5054:ff:fe70:72', dst='$LL1') / ICMPv6EchoRequest(), iface='eth0', count=3, verbose=False)"
logged ra-guard s1
logged dhcpv6-server-guard s1
logged nd-guard s1
logged fragment-guard s1 s1
logged querier-guard s1 s1
logged ipv6-source-guard s2
scenario_end

#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Scenario 3, VPS anti-spoof: v3 is the attacker.  IPv4, IPv6 and ARP
# pinning; v3 aliasing the gateway's (host's) address or a neighbour's
# and announcing it (gratuitous ARP, unsolicited NA) disturbs nobody: the
# victims' traffic keeps flowing during the attack and their neighbour
# caches keep the right MACs; spoofed sources reach nobody; in promiscuous
# mode v3 captures none of the unicast between v1 and v2.
. "$(dirname "$0")/../../tests/scenario-lib.sh"
scenario_begin vps-antispoof "$(dirname "$0")/topology.json"
V1=52:54:00:30:00:31 V2=52:54:00:30:00:32 V3=52:54:00:30:00:33
VH=52:54:00:30:00:01

legit "v1 pings the host (IPv4)" lx v1 ping -c 2 -W 2 192.0.2.1
legit "v1 pings v2 (IPv6)" lx v1 ping -6 -c 2 -W 2 2001:db8:3::32

# v3 takes the host's address and announces it, while v1 talks to the
# host: no loss, and v1 keeps the host's MAC.
lx v3 ip addr add 192.0.2.1/32 dev eth0
lx v3 ip addr add 2001:db8:3::1/128 dev eth0 nodad
lx v3 timeout 6 arping -U -c 10 -w 200000 -S 192.0.2.1 -i eth0 192.0.2.1 \
    >/dev/null 2>&1 &
lx v3 timeout 6 /usr/bin/python3 -c "
import time
from scapy.all import Ether, IPv6, ICMPv6ND_NA, ICMPv6NDOptDstLLAddr, sendp
for _ in range(10):
    sendp(Ether(src='$V3', dst='33:33:00:00:00:01') /
          IPv6(src='2001:db8:3::1', dst='ff02::1', hlim=255) /
          ICMPv6ND_NA(tgt='2001:db8:3::1', R=1, S=0, O=1) /
          ICMPv6NDOptDstLLAddr(lladdr='$V3'), iface='eth0', verbose=False)
    time.sleep(0.2)" &
legit "v1 keeps reaching the host while v3 claims its address (20/20)" \
    lx v1 ping -c 20 -i 0.1 -W 1 192.0.2.1
legit "v1 keeps reaching the host over IPv6 meanwhile" \
    lx v1 ping -6 -c 10 -i 0.1 -W 1 2001:db8:3::1
wait
mac=$(lx v1 ip neigh show 192.0.2.1 | awk '{print $5}')
if [ "$mac" = "$VH" ]; then
    ok "attack blocked: v1's neighbour entry for the host is still the host's MAC"
    sc_attacks=$((sc_attacks + 1))
else
    bad "v1's neighbour entry for 192.0.2.1 is '$mac'"
fi
mac=$(lx v1 ip -6 neigh show 2001:db8:3::1 | awk '{print $5}')
if [ "$mac" = "$VH" ]; then
    ok "attack blocked: v1's IPv6 neighbour entry for the host is the host's MAC"
    sc_attacks=$((sc_attacks + 1))
else
    bad "v1's neighbour entry for 2001:db8:3::1 is '$mac'"
fi
# IPv4 and ARP only: v3's own IPv6 multicast (MLD reports, DAD of the
# address it just took) is legitimate and reaches v2.
zero_at "v3 pings v2 from the host's address" v2 eth0 "ether src $V3 and not ip6" -- \
    lx v3 ping -c 3 -i 0.2 -W 1 -I 192.0.2.1 192.0.2.32
lx v3 ip addr del 192.0.2.1/32 dev eth0
lx v3 ip addr del 2001:db8:3::1/128 dev eth0

# v3 aliases neighbour v2's address and answers ARP for it.
lx v3 ip addr add 192.0.2.32/32 dev eth0
zero_at "v3 announces v2's address to v1 (ARP reply)" v1 eth0 "arp and ether src $V3" -- \
    lx v3 arping -c 3 -w 200000 -A -S 192.0.2.32 -i eth0 -t "$V1" 192.0.2.31
zero_at "v3 sends IPv6 from v2's address" v1 eth0 "ip6 and src host 2001:db8:3::32 and ether src $V3" -- \
    lx v3 /usr/bin/python3 -c "
from scapy.all import Ether, IPv6, ICMPv6EchoRequest, sendp
sendp(Ether(src='$V3', dst='$V1') / IPv6(src='2001:db8:3::32', dst='2001:db8:3::31') /
      ICMPv6EchoRequest(), iface='eth0', count=3, verbose=False)"
legit "v1 still reaches v2" lx v1 ping -c 3 -i 0.2 -W 1 192.0.2.32
lx v3 ip addr del 192.0.2.32/32 dev eth0
zero_at "v3 with a forged source MAC" v1 eth0 "ether src 52:54:00:30:00:99" -- \
    lx v3 /usr/bin/python3 -c "
from scapy.all import Ether, IP, ICMP, sendp
sendp(Ether(src='52:54:00:30:00:99', dst='$V1') / IP(src='192.0.2.33', dst='192.0.2.31') /
      ICMP(), iface='eth0', count=3, verbose=False)"

# Promiscuous v3 sees none of v1 <-> v2's unicast.
lx v3 ip link set eth0 promisc on
zero_at "promiscuous v3 captures v1 <-> v2 unicast" v3 eth0 \
    "(ether src $V1 or ether src $V2) and not ether multicast" -- \
    sh -c "$OVS_FLOWC lab exec --dir $sc_dir v1 ping -c 5 -i 0.1 -W 1 192.0.2.32 &&
           $OVS_FLOWC lab exec --dir $sc_dir v2 ping -6 -c 5 -i 0.1 -W 1 2001:db8:3::31"
logged arp-guard v3
logged ipv6-source-guard v3
logged l2-source-guard v3
scenario_end

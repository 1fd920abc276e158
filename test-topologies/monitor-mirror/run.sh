#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Scenario 5, monitoring mirror: the monitor captures every packet of
# guest <-> guest and guest <-> host traffic, both directions, exactly
# once (counted against what was sent), and nothing the monitor sends
# reaches anyone.
. "$(dirname "$0")/../../tests/scenario-lib.sh"
scenario_begin monitor-mirror "$(dirname "$0")/topology.json"
IDS=$(lx ids0 cat /sys/class/net/eth0/address)

# Warm the neighbour caches so only ICMP is counted below.
lx m1 ping -c 1 -W 2 192.0.2.62 >/dev/null
lx m1 ping -c 1 -W 2 192.0.2.1 >/dev/null

capture_start ids0 eth0 "icmp"
legit "m1 pings m2 (20 requests)" lx m1 ping -c 20 -i 0.05 -W 1 192.0.2.62
legit "m2 pings the host (20 requests)" lx m2 ping -c 20 -i 0.05 -W 1 192.0.2.1
n=$(capture_count)
# 20 requests + 20 replies per pair, each copied once.
if [ "$n" = 80 ]; then
    ok "the monitor saw all 80 packets, each once"
else
    bad "the monitor saw $n ICMP packets, expected 80"
fi
for pair in "192.0.2.61 192.0.2.62" "192.0.2.62 192.0.2.1"; do
    set -- $pair
    for dir in "$1 > $2" "$2 > $1"; do
        c=$(tcpdump -r "$sc_dir/cap.pcap" -n 2>/dev/null | grep -c "IP $dir: ICMP")
        if [ "$c" = 20 ]; then
            ok "monitor: 20 packets $dir"
        else
            bad "monitor: $c packets $dir, expected 20"
        fi
    done
done

# The monitor only listens.
lx ids0 ip addr add 192.0.2.250/24 dev eth0
zero_at "the monitor pings a guest" m1 eth0 "ether src $IDS" -- \
    lx ids0 ping -c 3 -i 0.2 -W 1 192.0.2.61
zero_at "the monitor broadcasts" m2 eth0 "ether src $IDS" -- \
    lx ids0 arping -c 3 -w 200000 -i eth0 192.0.2.62
zero_at "the monitor spoofs a guest's MAC" mh eth0 "ether src 52:54:00:60:00:61 and host 192.0.2.250" -- \
    lx ids0 /usr/bin/python3 -c "
from scapy.all import Ether, IP, ICMP, sendp
sendp(Ether(src='52:54:00:60:00:61', dst='52:54:00:60:00:01') /
      IP(src='192.0.2.250', dst='192.0.2.1') / ICMP(), iface='eth0',
      count=3, verbose=False)"
logged monitor-transmit ids0
scenario_end

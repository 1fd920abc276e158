#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Scenario 1, host-only: guests talk to each other and to the host; the
# LAN behind the uplink (its router and a LAN host, same subnet) receives
# 0 frames from them whatever they try: plain pings, broadcasts, a static
# route through the LAN router, a neighbour entry forged to the router's
# MAC; and nothing from the LAN reaches them.
. "$(dirname "$0")/../../tests/scenario-lib.sh"
scenario_begin host-only "$(dirname "$0")/topology.json"
H1=52:54:00:10:00:21 H2=52:54:00:10:00:22
LANHOST=$(lx lanhost-eth0 ip -4 -o addr show dev eth0 | awk '{print $4}' | cut -d/ -f1)
ROUTER=$(lx lan-eth0 ip -4 -o addr show dev br-lan | awk '{print $4}' | cut -d/ -f1)
ROUTER_MAC=$(lx lan-eth0 cat /sys/class/net/br-lan/address)

legit "h1 pings h2" lx h1 ping -c 2 -W 2 192.0.2.22
legit "h1 pings the host" lx h1 ping -c 2 -W 2 192.0.2.1
legit "h2 pings the host" lx h2 ping -c 2 -W 2 192.0.2.1

GUESTS="ether src $H1 or ether src $H2"
zero_at "h1 pings the LAN host ($LANHOST)" lan-eth0 wan0 "$GUESTS" -- \
    lx h1 ping -c 3 -i 0.2 -W 1 "$LANHOST"
zero_at "h1 broadcasts (ARP and ping -b)" lan-eth0 wan0 "$GUESTS" -- \
    sh -c "$OVS_FLOWC lab exec --dir $sc_dir h1 arping -c 2 -i eth0 $ROUTER;
           $OVS_FLOWC lab exec --dir $sc_dir h1 ping -b -c 2 -W 1 192.0.2.255"
lx h1 ip route add 203.0.113.0/24 via "$ROUTER"
zero_at "h1 with a static route via the LAN router" lan-eth0 wan0 "$GUESTS" -- \
    lx h1 ping -c 3 -i 0.2 -W 1 203.0.113.10
lx h1 ip neigh replace "$ROUTER" lladdr "$ROUTER_MAC" dev eth0 nud permanent
zero_at "h1 with the router's MAC forged into its neighbour table" \
    lan-eth0 wan0 "$GUESTS" -- lx h1 ping -c 3 -i 0.2 -W 1 203.0.113.10
zero_at "h2 sends to the router's MAC with raw frames" lan-eth0 wan0 "$GUESTS" -- \
    lx h2 /usr/bin/python3 -c "
from scapy.all import Ether, IP, ICMP, sendp
sendp(Ether(src='$H2', dst='$ROUTER_MAC') / IP(src='192.0.2.22', dst='$LANHOST') / ICMP(),
      iface='eth0', count=5, verbose=False)"
LANHOST_MAC=$(lx lanhost-eth0 cat /sys/class/net/eth0/address)
zero_at "the LAN host pings h1" h1 eth0 "ether src $LANHOST_MAC or ether src $ROUTER_MAC" -- \
    lx lanhost-eth0 ping -c 3 -i 0.2 -W 1 192.0.2.21
legit "and meanwhile h1 still reaches h2" lx h1 ping -c 2 -W 2 192.0.2.22
logged host-only eth0
scenario_end

#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Scenario 4, two linked bridges with a host port: the five cross-bridge
# man-in-the-middle cases, each twice.  First with arpspoof running both
# ways (the forged ARP must be dropped at its source: the victims keep
# talking and their neighbour caches stay right); then with a victim's
# neighbour entry poisoned by hand (ip neigh replace), which proves the
# second layer: the redirected packets never reach the attacker (border
# and egress checks), counted at the attacker.  Then announcements: a VIP
# moved between guests is followed at once on the other bridge and on the
# LAN; a LAN host's address that moves to another MAC is followed at once
# by the guests of both bridges; QEMU's RARP reaches the LAN; forged ones
# are dropped.
. "$(dirname "$0")/../../tests/scenario-lib.sh"
scenario_begin two-bridge-mitm "$(dirname "$0")/topology.json"

declare -A IP=( [a1]=192.0.2.41 [a2]=192.0.2.42 [a3]=192.0.2.43
                [b1]=192.0.2.51 [b2]=192.0.2.52 [hp]=192.0.2.1 )
declare -A MAC=( [a1]=52:54:00:40:00:41 [a2]=52:54:00:40:00:42
                 [a3]=52:54:00:40:00:43 [b1]=52:54:00:50:00:51
                 [b2]=52:54:00:50:00:52 [hp]=52:54:00:50:00:01 )

# mitm CASE ATTACKER VICTIM1 VICTIM2
mitm() {
    local what=$1 x=$2 v1=$3 v2=$4
    echo "--- case: $what"
    # (a) arpspoof both ways while v1 talks to v2.
    lx "$x" timeout 4 arpspoof -i eth0 -t "${IP[$v1]}" "${IP[$v2]}" \
        >/dev/null 2>&1 &
    lx "$x" timeout 4 arpspoof -i eth0 -t "${IP[$v2]}" "${IP[$v1]}" \
        >/dev/null 2>&1 &
    sleep 0.5
    capture_start "$x" eth0 "icmp and host ${IP[$v1]} and host ${IP[$v2]}"
    legit "$v1 keeps talking to $v2 under arpspoof from $x" \
        lx "$v1" ping -c 10 -i 0.2 -W 1 "${IP[$v2]}"
    local n
    n=$(capture_count)
    wait
    if [ "$n" = 0 ]; then
        ok "attack blocked: arpspoof by $x: 0 of their packets at $x"
        sc_attacks=$((sc_attacks + 1))
    else
        bad "arpspoof by $x: $n of their packets reached $x"
    fi
    local m1 m2
    m1=$(lx "$v1" ip neigh show "${IP[$v2]}" | awk '{print $5}')
    m2=$(lx "$v2" ip neigh show "${IP[$v1]}" | awk '{print $5}')
    if [ "$m1" = "${MAC[$v2]}" ] && [ "${m2:-${MAC[$v1]}}" = "${MAC[$v1]}" ]
    then
        ok "attack blocked: neighbour caches of $v1 and $v2 unpoisoned"
        sc_attacks=$((sc_attacks + 1))
    else
        bad "neighbour caches poisoned: $v1 has $v2 at '$m1', $v2 has $v1 at '$m2'"
    fi
    # (b) The cache poisoned by hand: the redirected frames go nowhere.
    lx "$v1" ip neigh replace "${IP[$v2]}" lladdr "${MAC[$x]}" dev eth0 \
        nud permanent
    zero_at "$v1 poisoned by hand sends to $x's MAC" "$x" eth0 \
        "icmp and src ${IP[$v1]}" -- \
        lx "$v1" ping -c 3 -i 0.2 -W 1 "${IP[$v2]}"
    lx "$v1" ip neigh replace "${IP[$v2]}" lladdr "${MAC[$v2]}" dev eth0 \
        nud reachable
    legit "$v1 reaches $v2 again once its cache is right" \
        lx "$v1" ping -c 2 -W 1 "${IP[$v2]}"
}

mitm "a guest of inner against a pair inside outer" a1 b1 b2
mitm "a guest of inner against a guest of inner and the host" a1 a2 hp
mitm "a guest of outer against a guest of outer and the host" b1 b2 hp
mitm "a guest of outer against a guest of inner and the host" b1 a2 hp
mitm "the host port against guests of the inner bridge" hp a2 a3
for x in a1 b1 hp; do
    logged arp-guard "$x"
done

# Announcements.  A VIP (allowed_extra of a1 and a2, as keepalived moves
# it) moves from a1 to a2: a2's gratuitous ARP reaches b1 on the other
# bridge and the LAN host behind the uplink, whose neighbour entries
# follow at once, so they reach the VIP without waiting for their entries
# to go stale.
VIP=192.0.2.100
lanip=$(lx lanhost-eth0 ip -4 -o addr show dev eth0 | awk '{print $4}' | cut -d/ -f1)
lx a1 ip addr add $VIP/32 dev eth0
legit "b1 reaches the VIP on a1" lx b1 ping -c 2 -i 0.2 -W 1 $VIP
legit "the LAN host ($lanip) reaches the VIP on a1" \
    lx lanhost-eth0 ping -c 2 -i 0.2 -W 1 $VIP
lx a1 ip addr del $VIP/32 dev eth0
lx a2 ip addr add $VIP/32 dev eth0
seen_at "a2's gratuitous ARP for the VIP reaches the LAN" lanhost-eth0 eth0 \
    "arp and ether src ${MAC[a2]}" -- \
    lx a2 arping -U -c 2 -w 200000 -S $VIP -i eth0 $VIP
neigh_is() { [ "$(lx "$1" ip neigh show "$2" | awk '{print $5}')" = "$3" ]; }
for x in b1 lanhost-eth0; do
    if wait_for "$x's neighbour entry for the VIP" 2 neigh_is "$x" $VIP "${MAC[a2]}"; then
        ok "legit: $x's neighbour entry for the VIP moved to a2 at once"
        sc_legit=$((sc_legit + 1))
    fi
done
legit "b1 reaches the VIP on a2 at once" lx b1 ping -c 1 -W 1 $VIP
legit "the LAN host reaches the VIP on a2 at once" \
    lx lanhost-eth0 ping -c 1 -W 1 $VIP
lx a2 ip addr del $VIP/32 dev eth0
zero_at "a3 announces the VIP it may not hold" lanhost-eth0 eth0 \
    "arp and ether src ${MAC[a3]}" -- \
    lx a3 arping -U -c 2 -w 200000 -S $VIP -i eth0 $VIP
# The LAN's announcements: the LAN host's address moves to another MAC
# (a gateway taken over by keepalived without a virtual MAC); its
# gratuitous ARP reaches b1 and, across the patch, a1, whose neighbour
# entries follow at once (tables 32-39 find sender = target).
lanmac=$(lx lanhost-eth0 cat /sys/class/net/eth0/address)
newmac=02:00:00:00:0b:0b
for x in a1 b1; do
    lx "$x" ping -c 1 -W 1 "$lanip" > /dev/null
done
lx lanhost-eth0 ip link set eth0 address $newmac
seen_at "the LAN host's gratuitous ARP reaches a1 across the patch" a1 eth0 \
    "arp and ether src $newmac" -- \
    lx lanhost-eth0 arping -U -c 2 -w 200000 -S "$lanip" -i eth0 "$lanip"
for x in a1 b1; do
    if wait_for "$x's neighbour entry for the LAN host" 2 neigh_is "$x" "$lanip" $newmac; then
        ok "legit: $x's neighbour entry for the LAN host moved to $newmac at once"
        sc_legit=$((sc_legit + 1))
    else
        bad "$x's neighbour entry for the LAN host: $(lx "$x" ip neigh show "$lanip")"
    fi
    legit "$x reaches the LAN host at its new MAC at once" \
        lx "$x" ping -c 1 -W 1 "$lanip"
done
zero_at "the LAN host's ARP for another address reaches no guest" a1 eth0 \
    "arp and ether src $newmac" -- \
    lx lanhost-eth0 arping -c 2 -w 200000 -S "$lanip" -i eth0 192.0.2.250
lx lanhost-eth0 ip link set eth0 address "$lanmac"
# QEMU's announcement after a live migration (RARP of the guest's MAC,
# net/announce.c) reaches the LAN's switches, across the patch link; a
# RARP of another MAC does not.
rarp() {
    lx a1 /usr/bin/python3 -c "
from scapy.all import Ether, ARP, sendp
sendp(Ether(src='${MAC[a1]}', dst='ff:ff:ff:ff:ff:ff', type=0x8035) /
      ARP(op=3, hwsrc='$1', psrc='0.0.0.0', hwdst='$1', pdst='0.0.0.0'),
      iface='eth0', count=3, verbose=False)"
}
seen_at "a1's RARP after a migration reaches the LAN" lanhost-eth0 eth0 \
    "rarp" -- rarp "${MAC[a1]}"
zero_at "a1's RARP for another MAC" lanhost-eth0 eth0 "rarp" -- \
    rarp 52:54:00:40:00:99
logged ethertype-guard a1
scenario_end

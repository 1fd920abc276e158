#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Scenario 7, rogue DHCPv4 server: dnsmasq serves DHCP (and DNS) in the
# host port's namespace; guest r1 runs a rogue dnsmasq, and so does a host
# on the LAN behind the uplink, whose "services" list is empty (the LAN
# serves the guests nothing).  Client c2 ("dhcp": true) broadcasts
# DISCOVERs from 0.0.0.0, which reach both rogues: it only ever gets the
# host's offer, and the host's DNS answers it.
. "$(dirname "$0")/../../tests/scenario-lib.sh"
scenario_begin rogue-dhcp "$(dirname "$0")/topology.json"
C2=52:54:00:80:00:82

dnsmasq_in() {     # dnsmasq_in NS NAME RANGE [extra...]
    local ns=$1 name=$2 range=$3; shift 3
    lx "$ns" dnsmasq --keep-in-foreground --bind-interfaces \
        --interface=eth0 --except-interface=lo \
        --dhcp-range="$range" --dhcp-leasefile="$sc_dir/$name.leases" \
        --pid-file="$sc_dir/$name.pid" --conf-file=/dev/null \
        --dhcp-authoritative --log-facility=- --log-dhcp "$@" \
        > "$sc_dir/$name.log" 2>&1 &
}
dnsmasq_in dh host 192.0.2.82,192.0.2.82,255.255.255.0 \
    --dhcp-host="$C2,192.0.2.82" --port=53 --no-resolv \
    --address=/service.example/192.0.2.1
dnsmasq_in r1 rogue 192.0.2.200,192.0.2.210,255.255.255.0 --port=0
dnsmasq_in lanhost-lan0 lanrogue 192.0.2.220,192.0.2.230,255.255.255.0 \
    --port=0
sleep 1

# c2 broadcasts DISCOVERs from 0.0.0.0 and lists who offered what.
lx c2 /usr/bin/python3 -c "
from scapy.all import *
conf.checkIPaddr = False
disc = (Ether(src='$C2', dst='ff:ff:ff:ff:ff:ff') /
        IP(src='0.0.0.0', dst='255.255.255.255') /
        UDP(sport=68, dport=67) /
        BOOTP(chaddr=bytes.fromhex('${C2//:/}'), xid=0x1234, flags=0x8000) /
        DHCP(options=[('message-type', 'discover'), 'end']))
ans = srp(disc, iface='eth0', multi=True, timeout=4, verbose=False)[0]
for _, r in ans:
    if r.haslayer(BOOTP) and r[BOOTP].op == 2:
        print(r[IP].src, r[BOOTP].yiaddr)
sendp(disc, iface='eth0', count=3, inter=0.3, verbose=False)
" > "$sc_dir/offers" 2> "$sc_dir/offers.err"
cat "$sc_dir/offers" | sed 's/^/      offer from /'
if grep -q "^192.0.2.1 192.0.2.82$" "$sc_dir/offers"; then
    ok "legit: c2 got the host's offer (192.0.2.82)"
    sc_legit=$((sc_legit + 1))
else
    bad "c2 got no offer from the host"; cat "$sc_dir/offers.err" | tail -3
fi
if grep -qv "^192.0.2.1 " "$sc_dir/offers"; then
    bad "c2 got a rogue offer"
else
    ok "attack blocked: no offer from either rogue server reached c2"
    sc_attacks=$((sc_attacks + 1))
fi
# The attacks were real: both rogues saw the DISCOVERs and did offer.
for r in "rogue:r1's port" "lanrogue:the uplink"; do
    if grep -q "DHCPOFFER" "$sc_dir/${r%%:*}.log"; then
        ok "rogue server ${r%%:*} did send offers ($(grep -c DHCPOFFER "$sc_dir/${r%%:*}.log")), all dropped at ${r#*:}"
    else
        bad "rogue server ${r%%:*} never offered: the attack did not happen"
        tail -5 "$sc_dir/${r%%:*}.log"
    fi
done
legit "DNS from the host answers c2" \
    sh -c "$OVS_FLOWC lab exec --dir $sc_dir c2 /usr/bin/python3 -c \"
from scapy.all import *
r = sr1(IP(dst='192.0.2.1') / UDP(sport=5353, dport=53) /
        DNS(rd=1, qd=DNSQR(qname='service.example')), timeout=3, verbose=False)
assert r is not None and r.haslayer(DNS) and r[DNS].an.rdata == '192.0.2.1'
\""
# A rogue offer in fragments: OpenFlow's default fragment handling shows a
# first fragment without its UDP ports, so the switch must be in
# "nx-match" mode for the guard to see port 67 (ovs-flowc(8), FRAGMENTS).
# No first fragment may reach c2; the host's fragmented offer does.
R1=52:54:00:80:00:81 DH=52:54:00:80:00:01
if [ "$(ovs-ofctl get-frags dhbr)" = nx-match ]; then
    ok "the bridge's fragment handling is nx-match"
else
    bad "the bridge's fragment handling is '$(ovs-ofctl get-frags dhbr)'"
fi
OFFER="IP(src='%s', dst='192.0.2.82') / UDP(sport=67, dport=68) / BOOTP(op=2, yiaddr='192.0.2.82', xid=0x1234, chaddr=bytes.fromhex('${C2//:/}')) / DHCP(options=[('message-type', 'offer'), ('router', '%s'), 'end'])"
FIRST4="ip and (ip[6] & 0x20) != 0 and (ip[6:2] & 0x1fff) == 0"
zero_at "rogue DHCP offer in fragments" c2 eth0 "ether src $R1 and $FIRST4" -- \
    lx r1 /usr/bin/python3 -c "from scapy.all import *; [sendp(Ether(src='$R1', dst='$C2') / f, iface='eth0', verbose=False) for f in fragment($(printf "$OFFER" 192.0.2.81 192.0.2.81), 64)]"
# Clients filter on their own port, 68, not on the server's: an offer
# from any other source port would be taken too.
zero_at "rogue DHCP offer from source port 6767" c2 eth0 "ether src $R1 and udp dst port 68" -- \
    lx r1 /usr/bin/python3 -c "from scapy.all import *; sendp(Ether(src='$R1', dst='$C2') / $(printf "$OFFER" 192.0.2.81 192.0.2.81 | sed 's/sport=67/sport=6767/'), iface='eth0', count=3, verbose=False)"
capture_start c2 eth0 "ether src $DH and $FIRST4"
lx dh /usr/bin/python3 -c "from scapy.all import *; [sendp(Ether(src='$DH', dst='$C2') / f, iface='eth0', verbose=False) for f in fragment($(printf "$OFFER" 192.0.2.1 192.0.2.1), 64)]"
n=$(capture_count)
if [ "$n" = 1 ]; then
    ok "legit: the host's offer in fragments reaches c2"; sc_legit=$((sc_legit + 1))
else
    bad "the host's offer in fragments: $n first fragments at c2, want 1"
fi
kill $(cat "$sc_dir/host.pid" "$sc_dir/rogue.pid" "$sc_dir/lanrogue.pid" \
    2>/dev/null) 2>/dev/null
wait
logged dhcp-server-guard r1
logged dhcp-server-guard lan0
scenario_end

#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# nd-no-ext.sh -- a datapath without the IPv6 ND extensions, as the Linux
# kernel's is (Open vSwitch refuses there the flows that set nd_reserved
# and nd_options_type, which the ND responder's answers need).  Here the
# userspace datapath is told so with `dpif/set-dp-features nd_ext false`,
# and ovs-flowd is restarted: it asks the switch, builds the other way
# (a neighbor solicitation for a pinned address goes to its owner alone,
# who answers), and the switch takes every flow.  Then, with real packets
# (the ipv6-first-hop topology): neighbours resolve each other, a
# solicitation reaches the owner and no other guest, and a forged
# advertisement is still dropped.
. "$(dirname "$0")/scenario-lib.sh"
OVS_FLOWD=${OVS_FLOWD:-$builddir/ovs-flowd}
[ -x "$OVS_FLOWD" ] || { echo "nd-no-ext: ovs-flowd is not built, skipped"; exit 77; }
topo=$srcdir/test-topologies/ipv6-first-hop/topology.json
scenario_begin nd-no-ext "$topo"
S1=52:54:00:70:00:71 S2=52:54:00:70:00:72 S6=52:54:00:70:00:01
LOG=$OVS_LOGDIR/ovs-flowd.log
scapy() { local ns=$1; shift
    lx "$ns" /usr/bin/python3 -c "from scapy.all import *; $*"; }

# With ND extensions (the userspace datapath as it is): the switch answers.
ovs-ofctl -O OpenFlow15 dump-flows v6br | grep -q "nd_reserved" \
    && ok "with ND extensions the switch answers solicitations (nd_reserved is set)" \
    || bad "no responder flow with ND extensions"

ovs-appctl dpif/set-dp-features v6br nd_ext false > /dev/null
ovs-appctl -t ovs-flowd exit
gone() { ! pgrep -f "ovs-flowd $topo" > /dev/null; }
wait_for "ovs-flowd to exit" 10 gone
n_log=$(wc -l < "$LOG")
"$OVS_FLOWD" "$topo" --db="unix:$OVS_RUNDIR/db.sock" --detach --no-chdir \
    --pidfile --log-file="$LOG" || { bad "ovs-flowd did not start"; scenario_end; exit 1; }
synced() {
    ovs-appctl -t ovs-flowd flowd/dump v6br > "$sc_dir/desired" 2>/dev/null \
        || return 1
    ovs-ofctl -O OpenFlow15 dump-flows --no-names --no-stats v6br \
        cookie=0xfc00000000000000/0xff00000000000000 | LC_ALL=C sort \
        > "$sc_dir/live"
    [ -s "$sc_dir/desired" ] && cmp -s "$sc_dir/desired" "$sc_dir/live"
}
wait_for "ovs-flowd's sync" 20 synced \
    && ok "the switch holds every flow ovs-flowd wants ($(wc -l < "$sc_dir/live"))"
tail -n +"$((n_log + 1))" "$LOG" | grep -q "bridge v6br: the datapath has no ND extensions" \
    && ok "ovs-flowd found the datapath without ND extensions" \
    || bad "ovs-flowd did not say the datapath has no ND extensions"
if tail -n +"$((n_log + 1))" "$LOG" | grep -q "OFPBAC_BAD_SET_ARGUMENT"; then
    bad "the switch refused a flow: $(grep -m1 OFPBAC_BAD_SET_ARGUMENT "$LOG")"
elif grep -q "nd_reserved\|nd_options_type" "$sc_dir/live"; then
    bad "flows still set the ND extension fields"
else
    ok "no flow sets nd_reserved or nd_options_type"
fi

# Neighbours resolve each other through the owners' own answers.
for ns in s1 s2 s6; do lx "$ns" ip -6 neigh flush dev eth0; done
legit "s1 pings s2 over IPv6 (s2 answers the solicitation)" \
    lx s1 ping -6 -c 2 -W 2 2001:db8:6::72
legit "s2 pings the host over IPv6" lx s2 ping -6 -c 2 -W 2 2001:db8:6::1
mac=$(lx s1 ip -6 neigh show 2001:db8:6::72 | awk '{print $5}')
[ "$mac" = "$S2" ] && ok "s1 has s2 at s2's MAC" || bad "s1 has s2 at '$mac'"

# A solicitation for s2's address reaches s2, and no other guest.
NS="Ether(src='$S1', dst='33:33:ff:00:00:72') / IPv6(src='2001:db8:6::71', dst='ff02::1:ff00:72', hlim=255) / ICMPv6ND_NS(tgt='2001:db8:6::72') / ICMPv6NDOptSrcLLAddr(lladdr='$S1')"
zero_at "s1's solicitation for s2's address at the host port" s6 eth0 \
    "icmp6 and ip6[40] == 135 and ether src $S1" -- \
    scapy s1 "sendp($NS, iface='eth0', count=3, verbose=False)"
capture_start s2 eth0 "icmp6 and ip6[40] == 135 and ether src $S1"
scapy s1 "sendp($NS, iface='eth0', count=3, verbose=False)"
n=$(capture_count)
[ "$n" = 3 ] && { ok "legit: the solicitation reaches its owner s2 (3 of 3)"; sc_legit=$((sc_legit + 1)); } \
    || bad "the solicitation reached s2 $n times of 3"

# The guards do not depend on the responder: a forged NA is dropped.
lx s6 ping -6 -c 1 -W 2 2001:db8:6::72 > /dev/null
# (The filters name the forged message: s1's kernel sends router
# solicitations and MLD reports of its own, which may reach s6.)
zero_at "forged NA (override) claiming s2's address" s6 eth0 "icmp6 and ip6[40] == 136 and ether src $S1" -- \
    scapy s1 "sendp(Ether(src='$S1', dst='$S6') / IPv6(src='2001:db8:6::71', dst='2001:db8:6::1', hlim=255) / ICMPv6ND_NA(tgt='2001:db8:6::72', R=0, S=0, O=1) / ICMPv6NDOptDstLLAddr(lladdr='$S1'), iface='eth0', count=3, verbose=False)"
mac=$(lx s6 ip -6 neigh show 2001:db8:6::72 | awk '{print $5}')
[ "$mac" = "$S2" ] && ok "the host still has s2 at s2's MAC" || bad "the host has s2 at '$mac'"
scenario_end

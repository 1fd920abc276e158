#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# flowd-runtime.sh -- ovs-flowd on a real switch (a bare private lab:
# ovsdb-server + ovs-vswitchd, userspace datapath), step by step as an
# operator would meet it:
#   - started on an empty switch with --create-bridges, then the guests'
#     ports are added: flows appear, guests talk, spoofing fails, and the
#     switch holds exactly ovs-flowd's desired flows;
#   - a guest bound by external_ids:iface-id is found whatever its
#     interface name; an interface carrying one port's iface-id and
#     another port's name binds to the first only; of two interfaces
#     with one iface-id, the port keeps the one it is bound to;
#   - one spoofed frame gives exactly one log line naming the rule; a
#     flood gives no more than the meter's rate;
#   - restarting ovs-flowd with nothing changed sends zero flow mods (its
#     own counter, and the switch's flows keep their age) and parses no
#     flow (the read-back matches the digest of the last sync); a flow
#     added meanwhile behind its back, a topology changed meanwhile, a
#     damaged digest file: all compared in full; a guest given another
#     ofport meanwhile: by the digests, then its own flows synced; the
#     flows wanted are
#     parsed after such a restart, and a port changed then gets the same
#     flows as ever, rebuilding its own only;
#   - a port deleted and re-added with another ofport: flows follow, none
#     of the old ofport remain;
#   - kill -9 ovs-vswitchd and restart it: flows restored unaided;
#   - reload with one guest added: only that guest's flows and the shared
#     flows that list ports change, counted against the exact difference;
#   - reload with a broken topology: rejected, diagnostics logged, the
#     flows stay;
#   - the switch refuses an update (a full table, a deleted meter):
#     nothing of it applied, the error said, retries back
#     off, and the flows heal once the cause is gone; a bundle with one
#     message refused on arrival commits nothing (tests/flowd/test-bundle);
#   - flows deleted or added behind ovs-flowd's back: the audit notices
#     and resyncs; so it does with the bridge's fragment handling, which
#     the guards need in "nx-match" mode (in "normal" mode they fail
#     closed); a flow of someone else's costs one count of ours, the
#     audits after it go by the tables' counts; a flow modified in place:
#     the verification's digest notices, dumping table by table and a
#     table in slices by cookie (--verify-slice=2 here), also of a flow
#     with our cookie in a table without ours (the audit off);
#   - an empty bridge (the first sync, after ovs-vswitchd's restart) is
#     loaded over several connections behind a guard flow (--bulk-load=1
#     here, so that every such load in this test takes that path; the
#     other scenarios use the default, one bundle for small bridges); a
#     guard left by an interrupted load drops everything until the
#     restarted ovs-flowd replaces it; a load the switch refuses leaves
#     nothing of ours (tests/flowd/test-bundle checks the same with 5000
#     flows on a bridge of its own);
#   - a first load big enough is sent while it is being built (a second
#     ovs-flowd on a 300-guest bridge of its own, over four connections
#     and over one): the switch equals the compiler, and the restart
#     after sends nothing; a bundle or a load aborted half-way commits
#     nothing (test-bundle);
#   - a guest moved the moment a restart is in sync by the digests, also
#     while a second bridge's load holds back the parse of the flows
#     wanted (so that the move certainly comes before it): the parse
#     comes first, then a sync of that port's flows alone.
set -u
. "$(dirname "$0")/scenario-lib.sh"
OVS_FLOWD=${OVS_FLOWD:-$builddir/ovs-flowd}
[ "$(id -u)" = 0 ] || { echo "flowd-runtime: needs root, skipped"; exit 77; }

sc_name=flowd-runtime
sc_dir=$(mktemp -d /tmp/flowc-flowd.XXXXXX)
work=$sc_dir/work
mkdir -p "$work"
topo=$work/topology.json
cp "$srcdir/tests/flowd/topology.json" "$topo"
made_ns=()
cleanup() {
    local rc=$?
    [ -f "$work/flowd.pid" ] && kill "$(cat "$work/flowd.pid")" 2>/dev/null
    [ -f "$work/big.pid" ] && kill "$(cat "$work/big.pid")" 2>/dev/null
    for ns in "${made_ns[@]}"; do ip netns del "$ns" 2>/dev/null; done
    "$OVS_FLOWC" lab down --dir "$sc_dir" >/dev/null 2>&1
    rm -rf "$sc_dir"
    exit $rc
}
trap cleanup EXIT INT TERM
"$OVS_FLOWC" lab up "$topo" --dir "$sc_dir" --bare > "$work/lab.log" 2>&1 \
    || { cat "$work/lab.log"; exit 1; }
export OVS_RUNDIR=$sc_dir/run OVS_LOGDIR=$sc_dir/log
pfx=$("$OVS_FLOWC" lab ns --dir "$sc_dir")
SW=$pfx-sw
DB=unix:$OVS_RUNDIR/db.sock
vsctl() { ovs-vsctl --db="$DB" --timeout=10 "$@"; }
LOG=$OVS_LOGDIR/ovs-flowd.log

start_flowd() {
    "$OVS_FLOWD" "$topo" --db="$DB" --create-bridges --audit-interval=1 \
        --verify-interval=2 --verify-slice=2 --bulk-load=1 --detach \
        --pidfile="$work/flowd.pid" --log-file="$LOG" \
        --unixctl="$work/flowd.ctl" -vconsole:off
}
flowd() { ovs-appctl -t "$work/flowd.ctl" "$@"; }
mods() { flowd flowd/status | sed -n 's/.*flow mods sent \([0-9]*\).*/\1/p'; }
# synced: the switch holds exactly what ovs-flowd wants.
synced() {
    flowd flowd/dump fbr > "$work/desired" 2>/dev/null || return 1
    ovs-ofctl -O OpenFlow15 dump-flows --no-names --no-stats fbr \
        cookie=0xfc00000000000000/0xff00000000000000 2>/dev/null \
        | LC_ALL=C sort > "$work/live"
    [ -s "$work/desired" ] && cmp -s "$work/desired" "$work/live"
}
# add_guest NAME IFNAME MAC IP [IFACE-ID]: a namespace joined by a veth
# whose switch end is IFNAME.
add_guest() {
    local ns=$pfx-$1
    ip netns add "$ns" && made_ns+=("$ns")
    ip -n "$ns" link set lo up
    ip link add "$2" netns "$SW" type veth peer name eth0 netns "$ns"
    ip -n "$ns" link set eth0 address "$3"
    ip netns exec "$ns" ethtool -K eth0 tx off >/dev/null 2>&1
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1
    ip -n "$SW" link set "$2" up
    ip -n "$ns" link set eth0 up
    ip -n "$ns" addr add "$4/24" dev eth0
    vsctl add-port fbr "$2" ${5:+-- set interface "$2" external_ids:iface-id="$5"}
}
g() { local n=$1; shift; ip netns exec "$pfx-$n" "$@"; }

# 1. An empty switch: ovs-flowd creates the bridge and protects it.
start_flowd || exit 1
wait_for "ovs-flowd to create fbr" 10 vsctl br-exists fbr
[ "$(vsctl get bridge fbr fail_mode)" = secure ] \
    && ok "bridge created with fail_mode=secure" || bad "fail_mode is not secure"
wait_for "the first sync" 10 synced && ok "flows of an empty bridge installed"
# bulk_loaded WHEN: the last load was over several connections.
bulk_loaded() {
    grep "flow mods in" "$LOG" | tail -1 \
        | grep -q "in 4 bundles on as many connections, behind a guard flow" \
        && ok "$1: loaded over 4 connections behind a guard flow" \
        || bad "$1: not loaded over several connections: $(grep "flow mods in" "$LOG" | tail -1)"
}
bulk_loaded "the empty bridge"

# 2. Guests arrive (f3 bound by iface-id under another interface name).
# With rt_bundle at debug level each bundle says where its time went.
flowd vlog/set rt_bundle:file:dbg >/dev/null
add_guest f1 f1 52:54:00:f0:00:01 192.0.2.91
add_guest f2 f2 52:54:00:f0:00:02 192.0.2.92
add_guest f3 tap-guest3 52:54:00:f0:00:03 192.0.2.93 5d9f27a4-7c1b-4e0a-8f2e-6b1d3c9a0f33
add_guest fh fh 52:54:00:f0:00:0a 192.0.2.1
wait_for "flows of the new ports" 10 \
    sh -c "ovs-appctl -t $work/flowd.ctl flowd/ports | grep -c ofport=[0-9] | grep -qx 4"
wait_for "the switch to hold ovs-flowd's flows" 10 synced \
    && ok "the switch holds exactly ovs-flowd's desired flows ($(wc -l < "$work/live"))"
flowd flowd/ports | grep -q "fbr f3 guest ofport=[0-9]* bound iface-id=" \
    && ok "f3 found by iface-id (interface tap-guest3)" || bad "f3 not bound"
# Every update's bundle told its round trips, with as many adds as the
# update's flow mods.
flowd vlog/set rt_bundle:file:info >/dev/null
n_upd=$(grep -c "fbr: [0-9]* flow mods in one bundle" "$LOG")
n_told=$(awk '/rt_bundle\|DBG\|bundle [0-9]*: open and [0-9]* adds sent in [0-9.]* ms, barrier reply [0-9.]* ms later, commit reply [0-9.]* ms after that/ {
                  match($0, /open and [0-9]*/); n = substr($0, RSTART + 9, RLENGTH - 9) }
              /fbr: [0-9]* flow mods in one bundle/ {
                  match($0, /fbr: [0-9]*/); if (n != "" && n == substr($0, RSTART + 5, RLENGTH - 5)) told++; n = "" }
              END { print told + 0 }' "$LOG")
[ "$n_upd" -ge 4 ] && [ "$n_told" = "$n_upd" ] \
    && ok "each of the $n_upd updates logged its bundle's round trips (rt_bundle:dbg)" \
    || bad "$n_told of $n_upd updates logged their bundle's round trips"
# The desired flows are the compiler's (a full compile with the ofports
# ovs-flowd sees), however many incremental updates made them.
# --ofport arguments for ovs-flowc: the ofports ovs-flowd sees.
flowd_ports_args() {
    flowd flowd/ports | awk '{split($4, a, "=");
                             printf "--ofport %s=%s ", $2, a[2] == "-" ? "none" : a[2]}'
}
equals_compile() {  # equals_compile WHEN
    local args
    args=$(flowd_ports_args)
    "$OVS_FLOWC" compile "$topo" --bridge fbr --format dump $args \
        | LC_ALL=C sort > "$work/compiled"
    cmp -s "$work/compiled" "$work/live" \
        && ok "$1: installed flows equal ovs-flowc compile --format dump" \
        || { bad "$1: installed flows differ from the compiler's"; diff "$work/compiled" "$work/live" | head; }
}
equals_compile "four guests added one by one"
legit "f1 pings f2" g f1 ping -c 2 -W 2 192.0.2.92
legit "f1 pings f3 (bound by iface-id)" g f1 ping -c 2 -W 2 192.0.2.93

# 2b. An interface binds to one port.  f3's interface leaves and f2's
# interface gets f3's iface-id: f3 is bound to it (the iface-id is what
# libvirt says the interface is) and f2, whose name it has, is not: were
# both bound, the guest behind it could send as either.
f3_id=5d9f27a4-7c1b-4e0a-8f2e-6b1d3c9a0f33
f2_ofport=$(vsctl get interface f2 ofport)
vsctl del-port fbr tap-guest3 -- set interface f2 external_ids:iface-id=$f3_id
wait_for "f3 bound to f2's interface" 10 \
    sh -c "ovs-appctl -t $work/flowd.ctl flowd/ports | grep -q 'fbr f3 guest ofport=$f2_ofport bound'" \
    && flowd flowd/ports | grep -q "fbr f2 guest ofport=- taken" \
    && ok "interface f2 with f3's iface-id: f3 bound to it, f2 not (taken)" \
    || { bad "interface f2 with f3's iface-id:"; flowd flowd/ports; }
grep -q "WARN.*port f2 is not bound: interface f2 carries the iface-id of port f3" "$LOG" \
    && ok "...said in the log" || bad "...not logged"
wait_for "the switch to follow" 10 synced && equals_compile "f3 on f2's interface"
blocked "f2's guest sends as f2 from an interface that is f3's" \
    g f2 ping -c 2 -W 1 192.0.2.91
vsctl remove interface f2 external_ids iface-id \
    -- add-port fbr tap-guest3 -- set interface tap-guest3 external_ids:iface-id=$f3_id
wait_for "f2 and f3 bound again" 10 \
    sh -c "ovs-appctl -t $work/flowd.ctl flowd/ports | grep -c ' bound' | grep -qx 4" \
    && wait_for "the switch to follow" 10 synced \
    && ok "iface-id removed, f3's interface back: both bound again"
equals_compile "f2 and f3 on their own interfaces again"
# A second interface given f3's iface-id: f3 stays bound to its own,
# whichever comes first in OVSDB's order (by UUID), the newcomer gets
# none of f3's flows, and a warning names both.
f3_ofport=$(vsctl get interface tap-guest3 ofport)
vsctl add-port fbr dup3 -- set interface dup3 type=patch \
    options:peer=absent-dup3 external_ids:iface-id=$f3_id
dup_ofport=$(vsctl get interface dup3 ofport)
wait_for "the warning about dup3" 10 grep -q \
    "interfaces .* both carry the iface-id of port f3: it stays bound to tap-guest3, dup3 gets no flows of it" "$LOG" \
    && flowd flowd/ports | grep -q "fbr f3 guest ofport=$f3_ofport bound" \
    && wait_for "the switch to follow" 10 synced \
    && [ "$(ovs-ofctl -O OpenFlow15 dump-flows fbr "in_port=$dup_ofport,cookie=0xfc00000000000000/0xff00000000000000" | grep -c priority)" = 0 ] \
    && ok "a second interface with f3's iface-id (ofport $dup_ofport): f3 stays on tap-guest3 (ofport $f3_ofport), no flow of ours admits dup3, a warning names both" \
    || { bad "a second interface with f3's iface-id:"; flowd flowd/ports | grep f3; }
equals_compile "f3 with a second interface carrying its iface-id"
legit "f1 pings f3 beside the duplicate" g f1 ping -c 2 -W 2 192.0.2.93
vsctl del-port fbr dup3
wait_for "the switch to follow" 10 synced
legit "f2 pings f1 again" g f2 ping -c 2 -W 2 192.0.2.91
legit "f1 pings f3 again" g f1 ping -c 2 -W 2 192.0.2.93

# 3. Drop logging: one spoofed frame, one line naming the rule.
before=$(grep -c "rule=ipv4-source-guard port=f1" "$LOG")
g f1 /usr/bin/python3 -c "
from scapy.all import Ether, IP, ICMP, sendp
sendp(Ether(src='52:54:00:f0:00:01', dst='52:54:00:f0:00:02') /
      IP(src='192.0.2.99', dst='192.0.2.92') / ICMP(), iface='eth0', verbose=False)"
sleep 1
after=$(grep -c "rule=ipv4-source-guard port=f1" "$LOG")
[ $((after - before)) = 1 ] \
    && ok "one spoofed frame, one log line: $(grep "rule=ipv4-source-guard port=f1" "$LOG" | tail -1 | sed 's/.*drop: /drop: /' | cut -c1-110)" \
    || bad "one spoofed frame gave $((after - before)) log lines"
before=$after
g f1 /usr/bin/python3 -c "
import time
from scapy.all import Ether, IP, ICMP, sendp
p = Ether(src='52:54:00:f0:00:01', dst='52:54:00:f0:00:02') / IP(src='192.0.2.99', dst='192.0.2.92') / ICMP()
for _ in range(40):
    sendp(p, iface='eth0', count=5, verbose=False)
    time.sleep(0.05)"
sleep 1
after=$(grep -c "rule=ipv4-source-guard port=f1" "$LOG")
n=$((after - before))
# ~2-3 s of flood at 10 pps: the rate times the duration, plus one burst.
if [ "$n" -ge 1 ] && [ "$n" -le 45 ]; then
    ok "a flood of 200 spoofed frames gave $n log lines (meter at 10 pps)"
else
    bad "a flood of 200 spoofed frames gave $n log lines"
fi
flowd flowd/drops | grep -q "fbr ipv4-source-guard f1 $after" \
    && ok "flowd/drops counts them per rule" || { bad "flowd/drops:"; flowd flowd/drops; }

# 4. Restart ovs-flowd with nothing changed: zero flow mods, and the
# read-back matches the digest of the last sync, so nothing is parsed.
sleep 2
# restart_flowd: stops ovs-flowd, runs "$@" meanwhile, starts it again and
# waits for the resync; 'since' = the log lines before the restart.
restart_flowd() {
    local fpid
    fpid=$(cat "$work/flowd.pid")
    kill "$fpid"
    wait_for "ovs-flowd to exit" 10 sh -c "! kill -0 $fpid 2>/dev/null"
    "$@"
    since=$(wc -l < "$LOG")
    start_flowd
    wait_for "ovs-flowd to resync" 10 synced
}
logged() { tail -n +$((since + 1)) "$LOG" | grep -q "$1"; }
by_digest="bridge fbr: the switch holds every flow wanted, nothing sent (.*by their digests"
compared="bridge fbr: the switch holds every flow wanted, nothing sent ([0-9]* ms building and comparing)"
restart_flowd true
[ "$(mods)" = 0 ] && ok "restart with nothing changed: 0 flow mods sent" \
    || bad "restart sent $(mods) flow mods"
young=$(ovs-ofctl -O OpenFlow15 dump-flows fbr cookie=0xfc00000000000000/0xff00000000000000 \
        | grep -c "duration=[01]\.")
[ "$young" = 0 ] && ok "and the switch's flows kept their age (none re-added)" \
    || bad "$young flows were re-added"
logged "$by_digest" \
    && ok "and told so by the digest of the last sync, no flow parsed" \
    || bad "the restart did not go by the digest: $(tail -n +$((since + 1)) "$LOG" | grep "bridge fbr:" | tail -2)"
# (Digested as soon as ovs-flowd connected, if that was before OVSDB's
# contents arrived, which is the rule at start.)
digested=$(tail -n +$((since + 1)) "$LOG" | grep -o "bridge fbr: [0-9]* of our flows on the switch ([0-9]* ms digesting them[^)]*)")
[ -n "$digested" ] && ! logged "ms reading them back" \
    && ok "and the switch's flows only digested, none kept: ${digested#bridge fbr: }" \
    || bad "the restart by digest read the flows back: $(tail -n +$((since + 1)) "$LOG" | grep "of our flows on the switch")"
# The same topology file: its flows are not even generated to tell that
# they are the last sync's.  A file changed in a way that changes no
# flow (a blank line added): they are, and found the same.
! logged "ms generating their text" \
    && ok "and the same topology file: the flows wanted not even generated" \
    || bad "the flows wanted were generated for the same topology file: $(tail -n +$((since + 1)) "$LOG" | grep "generating their text")"
restart_flowd sh -c "echo >> '$topo'"
logged "bridge fbr: the topology file, the switch or ovs-flowd changed since the last sync, not the flows wanted for its ofports ([0-9]* ms generating their text)" \
    && logged "$by_digest" && [ "$(mods)" = 0 ] \
    && ok "a blank line added to the topology file: the flows generated, the same, by the digests, 0 flow mods" \
    || bad "a blank line added to the topology file: $(mods) flow mods; $(tail -n +$((since + 1)) "$LOG" | grep "bridge fbr:" | head -3)"

# 4b. What the digest must not hide.  A flow of ours added behind
# ovs-flowd's back while it was down: found and deleted.
restart_flowd ovs-ofctl -O OpenFlow15 add-flow fbr \
    "table=250,priority=7,cookie=0xfc0000000000abcd,actions=drop"
logged "bridge fbr: the switch does not hold what the last sync left (.*): comparing every flow, read back again" \
    && logged "ms reading them back" \
    && [ "$(mods)" = 1 ] \
    && ! ovs-ofctl -O OpenFlow15 dump-flows fbr table=250 | grep -q 0xfc0000000000abcd \
    && ok "a flow added while ovs-flowd was down: digest differs, 1 flow mod deletes it" \
    || bad "a flow added while ovs-flowd was down: $(mods) flow mods"
# The switch emptied while it was down (as by a restart of ovs-vswitchd):
# the digest's read-back finds none of our flows, nothing to read back
# again; every flow is sent again.
n_all=$(wc -l < "$work/live")
restart_flowd ovs-ofctl -O OpenFlow15 del-flows fbr \
    cookie=0xfc00000000000000/0xff00000000000000
logged "bridge fbr: the switch does not hold what the last sync left (0 of our flows, not $n_all): comparing every flow$" \
    && ! logged "ms reading them back" \
    && [ "$(mods)" = "$n_all" ] \
    && ok "the switch emptied while ovs-flowd was down: told by the digest's read-back, all $n_all flows sent" \
    || bad "the switch emptied while ovs-flowd was down: $(mods) flow mods; $(tail -n +$((since + 1)) "$LOG" | grep "last sync left")"
# A topology changed while it was down (f2's address): its flows follow.
restart_flowd sed -i 's/"192.0.2.92"/"192.0.2.82"/' "$topo"
logged "bridge fbr: the flows wanted changed since the last sync" \
    && logged "ms reading them back" && ! logged "ms digesting them" \
    && [ "$(mods)" -gt 0 ] && grep -q "192.0.2.82" "$work/live" \
    && ok "a topology changed while ovs-flowd was down: compared in full, $(mods) flow mods" \
    || bad "a topology changed while ovs-flowd was down: $(mods) flow mods"
equals_compile "after the topology changed while ovs-flowd was down"
restart_flowd sed -i 's/"192.0.2.82"/"192.0.2.92"/' "$topo"
# A guest given another ofport while ovs-flowd was down (its VM
# restarted): the digest file has the ofports of the last sync, so the
# switch is found to hold that sync's flows by the digests, and only the
# moved port's flows are synced after the parse; nothing read back.
old=$(vsctl get interface f2 ofport)
new=$((old + 40))
restart_flowd vsctl set interface f2 ofport_request=$new
moved=$(tail -n +$((since + 1)) "$LOG" | grep -m1 "bridge fbr: [0-9]* flow mods in")
logged "bridge fbr: the switch holds the last sync's flows, nothing sent (.*by their digests" \
    && logged "bridge fbr: another ofport than the last sync's for 1 of [0-9]* ports" \
    && ! logged "ms reading them back" \
    && echo "$moved" | grep -q "flows of 1 of [0-9]* ports rebuilt" \
    && grep -q "in_port=$new[ ,]" "$work/live" && ! grep -q "in_port=$old[ ,]" "$work/live" \
    && ok "a guest given another ofport while ovs-flowd was down: by the digests, then its port's flows only ($(mods) flow mods)" \
    || bad "a guest given another ofport while ovs-flowd was down: $(mods) flow mods; $(tail -n +$((since + 1)) "$LOG" | grep "bridge fbr:" | head -5)"
equals_compile "after a guest got another ofport while ovs-flowd was down"
# A damaged digest file: ignored, said, every flow compared.
restart_flowd sh -c "echo damaged > $OVS_RUNDIR/ovs-flowd.fbr.digest"
logged "ovs-flowd.fbr.digest: not a digest ovs-flowd wrote: ignored" \
    && logged "$compared" && [ "$(mods)" = 0 ] \
    && ok "a damaged digest file: ignored, every flow compared, 0 flow mods" \
    || bad "a damaged digest file: $(mods) flow mods"
# The file of an older ovs-flowd (format 1, no ofports): the same, said
# so; and one cut short in its ofports.
restart_flowd sh -c "sed -i '1s/^ovs-flowd-digest [0-9]* /ovs-flowd-digest 1 /' $OVS_RUNDIR/ovs-flowd.fbr.digest"
logged "ovs-flowd.fbr.digest: written by an older ovs-flowd (format 1): ignored" \
    && logged "$compared" && [ "$(mods)" = 0 ] \
    && ok "a digest file of format 1: ignored, said so, every flow compared, 0 flow mods" \
    || bad "a digest file of format 1: $(mods) flow mods; $(tail -n +$((since + 1)) "$LOG" | grep "digest:")"
restart_flowd sh -c "sed -i '2s/ [0-9]*\$//' $OVS_RUNDIR/ovs-flowd.fbr.digest"
logged "ovs-flowd.fbr.digest: not a digest ovs-flowd wrote: ignored" \
    && logged "$compared" && [ "$(mods)" = 0 ] \
    && ok "a digest file missing an ofport: ignored, every flow compared, 0 flow mods" \
    || bad "a digest file missing an ofport: $(mods) flow mods"
# And the next restart goes by the digest again (step 5 then changes a
# port of a bridge whose desired flows were never parsed).
restart_flowd true
logged "$by_digest" && [ "$(mods)" = 0 ] \
    && ok "the digest is saved again after a full comparison" \
    || bad "the restart after a full comparison did not go by the digest"
# The flows wanted are parsed next, beside the switch, so that the first
# change after the restart builds its own port's flows only (step 5).
wait_for "the flows wanted to be parsed after the restart" 10 \
    logged "bridge fbr: the [0-9]* flows wanted parsed after the restart" \
    && ok "the flows wanted are parsed after a restart by the digests"
# They fill the installed table, which the digest's read-back left
# empty: with the digest the switch's flows had (else a warning and a
# full read-back), and as many as flowd/status says are installed.
n_parsed=$(tail -n +$((since + 1)) "$LOG" \
           | sed -n 's/.*bridge fbr: the \([0-9]*\) flows wanted parsed after the restart ([0-9]* ms), the installed table filled with them.*/\1/p')
st=$(flowd flowd/status)
[ -n "$n_parsed" ] && [ "$n_parsed" -gt 0 ] \
    && ! logged "are not what the digests said" \
    && echo "$st" | grep -q "bridge fbr: .*flows desired $n_parsed installed $n_parsed," \
    && ok "and fill the installed table: $n_parsed flows, the switch's digest" \
    || bad "the flows parsed after the restart did not fill the installed table: '$n_parsed' $(tail -n +$((since + 1)) "$LOG" | grep "digests said"); $st"

# 5. A port deleted and re-added with another ofport, then the same
# interface given another ofport in place (no port deleted: only its
# ofport column changes in OVSDB, which ovs-flowd follows without binding
# every port again).
# f2_moved OLD NEW HOW: f2's flows follow it from ofport OLD to NEW.
f2_moved() {
    wait_for "flows to follow f2 to ofport $2" 10 sh -c "
        ovs-appctl -t $work/flowd.ctl flowd/ports | grep -q 'fbr f2 guest ofport=$2'"
    wait_for "the switch to hold ovs-flowd's flows" 10 synced
    grep -q "in_port=$2" "$work/live" && ! grep -q "in_port=$1[ ,]" "$work/live" \
        && ok "f2's flows moved from ofport $1 to $2 $3, none left behind" \
        || bad "f2's flows did not follow its ofport $3"
    equals_compile "after f2 moved $3"
    legit "f1 pings f2 at ofport $2" g f1 ping -c 2 -W 2 192.0.2.92
}
old=$(vsctl get interface f2 ofport)
vsctl del-port f2
vsctl add-port fbr f2 -- set interface f2 ofport_request=77
f2_moved "$old" 77 "(port re-added)"
first=$(tail -n +$((since + 1)) "$LOG" | grep -m1 "bridge fbr: [0-9]* flow mods in")
echo "$first" | grep -q "flows of 1 of [0-9]* ports rebuilt" \
    && ok "the first change after the restart rebuilt its port's flows only" \
    || bad "the first change after the restart: $first"
vsctl set interface f2 ofport_request=78
f2_moved 77 78 "(in place)"

# 6. kill -9 ovs-vswitchd and restart it.
pid=$(cat "$OVS_RUNDIR/ovs-vswitchd.pid")
kill -9 "$pid"
rm -f "$OVS_RUNDIR/ovs-vswitchd.pid"
ip netns exec "$SW" nice -n -10 ovs-vswitchd "$DB" --detach --no-chdir \
    --pidfile --log-file -vconsole:off          # as the lab starts it
wait_for "flows restored after the switch restart" 20 synced \
    && ok "ovs-vswitchd killed and restarted: $(wc -l < "$work/live") flows restored unaided"
bulk_loaded "the restarted switch"
legit "f1 reaches f2 after the switch restart" g f1 ping -c 2 -W 2 192.0.2.92

# 7. Reload with one guest added: only its flows and the shared ones.
flowd flowd/dump fbr > "$work/before"
m0=$(mods)
add_guest f4 f4 52:54:00:f0:00:04 192.0.2.94
/usr/bin/python3 - "$topo" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
t["bridges"]["fbr"]["ports"]["f4"] = {"role": "guest", "ipv4": ["192.0.2.94"],
                                       "mac": "52:54:00:f0:00:04"}
json.dump(t, open(sys.argv[1], "w"), indent=2)
PY
flowd flowd/reload
wait_for "f4's flows" 10 sh -c "ovs-appctl -t $work/flowd.ctl flowd/ports | grep -q 'fbr f4 guest ofport=[0-9]'"
wait_for "the switch to hold ovs-flowd's flows" 10 synced
flowd flowd/dump fbr > "$work/after"
expected=$(/usr/bin/python3 - "$work/before" "$work/after" <<'PY'
import re, sys
def flows(path):
    out = {}
    for line in open(path):
        key, _, acts = line.strip().rpartition(" actions=")
        key = re.sub(r"cookie=0x[0-9a-f]+, ", "", key)
        out[key] = (acts, line)
    return out
a, b = flows(sys.argv[1]), flows(sys.argv[2])
changed = [k for k in b if k not in a] + [k for k in a if k not in b] + \
          [k for k in a if k in b and a[k] != b[k]]
print(len(changed))
PY
)
m1=$(mods)
[ $((m1 - m0)) = "$expected" ] \
    && ok "reload with f4 added: $((m1 - m0)) flow mods, exactly the difference" \
    || bad "reload sent $((m1 - m0)) flow mods, the difference is $expected"
# Every changed flow is f4's, or bridge-wide (the flood list).
f4=$(grep -o 'reg1=0x[0-9a-f]*' "$work/after" | sort -u | wc -l)
diff "$work/before" "$work/after" | grep '^[<>]' | grep -o 'cookie=0x[0-9a-f]*' \
    | sort -u > "$work/changed-cookies"
others=$(/usr/bin/python3 - "$work/changed-cookies" <<'PY'
import sys
ports = {(int(l.split("=")[1], 16) >> 24) & 0xffffff for l in open(sys.argv[1])}
print(len(ports - {0}))
PY
)
[ "$others" -le 1 ] && ok "changed flows belong to f4 or are bridge-wide" \
    || bad "changed flows touch $others ports"
legit "f1 reaches the new guest f4" g f1 ping -c 2 -W 2 192.0.2.94
equals_compile "after the reload"

# 8. Reload with a broken topology: rejected, old flows stay.
cp "$work/live" "$work/good"
m0=$(mods)
sed -i 's/"52:54:00:f0:00:04"/"52:54:00:f0:00"/' "$topo"
kill -HUP "$(cat "$work/flowd.pid")"
wait_for "the rejection in the log" 10 grep -q "rejected" "$LOG"
grep -q 'error: /bridges/fbr/ports/f4/mac: "52:54:00:f0:00" is not a MAC address' "$LOG" \
    && ok "broken topology rejected, with check's diagnostic in the log" \
    || bad "diagnostic missing from the log"
sleep 1
synced && cmp -s "$work/good" "$work/live" && [ "$(mods)" = "$m0" ] \
    && ok "the previous flows stay installed, nothing sent" \
    || bad "flows changed after a rejected reload"
legit "and traffic still flows" g f1 ping -c 1 -W 2 192.0.2.94

# 9. The switch refuses an update.  (a) At commit: table 1 is full
# (flow_limit, overflow_policy=refuse), so moving f4 to another ofport
# cannot add its classify flow.  Nothing of the bundle may be applied,
# the error is said, retries back off, and lifting the limit heals it.
sed -i 's/"52:54:00:f0:00"/"52:54:00:f0:00:04"/' "$topo"    # undo step 8
live() {
    ovs-ofctl -O OpenFlow15 dump-flows --no-names --no-stats fbr \
        cookie=0xfc00000000000000/0xff00000000000000 | LC_ALL=C sort > "$1"
}
# One flow fewer than table 1 holds: f4's classify flow can go (if
# ovs-flowd sees the port leave first) but not come back.
n1=$(ovs-ofctl -O OpenFlow15 dump-flows fbr table=1 | grep -c priority)
vsctl -- --id=@ft create Flow_Table flow_limit=$((n1 - 1)) \
    overflow_policy=refuse -- set bridge fbr flow_tables:1=@ft >/dev/null
# move_f4 OFPORT: moves f4 to OFPORT and waits for ovs-flowd to log a
# refused bundle; f0 = the refusals logged before.
move_f4() {
    f0=$(grep -c "flow mods failed" "$LOG")
    vsctl del-port f4 -- add-port fbr f4 -- set interface f4 ofport_request="$1"
    wait_for "the refusal in the log" 10 \
        sh -c "[ \$(grep -c 'flow mods failed' $LOG) -gt $f0 ]"
}
move_f4 88
grep "flow mods failed" "$LOG" | tail -1 | grep -q "OFPFMFC_TABLE_FULL" \
    && ok "refused bundle logged: $(grep "flow mods failed" "$LOG" | tail -1 | sed 's/.*|bridge/bridge/' | cut -c1-90)" \
    || bad "refusal not logged with the switch's error"
flowd flowd/status | grep -q "TABLE_FULL" \
    && ok "flowd/status shows the error" || bad "flowd/status has no error"
live "$work/refused"
sleep 5
live "$work/live"
# Had any part of the bundle been committed, some table (mirror, guards,
# ARP/ND) would match in_port=88.
! grep -q "in_port=88[ ,]" "$work/refused" \
    && cmp -s "$work/refused" "$work/live" \
    && ok "nothing of the refused bundles applied (no flow for ofport 88, none changed in 5 s)" \
    || { bad "a refused bundle changed the switch"; diff "$work/refused" "$work/live" | head -5; grep -c "in_port=88" "$work/refused"; }
tries=$(( $(grep -c "flow mods failed" "$LOG") - f0 ))
[ "$tries" -ge 2 ] && [ "$tries" -le 5 ] \
    && ok "retried with back-off: $tries attempts in 5 s" \
    || bad "$tries attempts in 5 s"
vsctl clear bridge fbr flow_tables
wait_for "the retry to succeed" 40 synced
grep -q "in_port=88" "$work/live" \
    && ok "limit lifted: the retry installed f4's flows at ofport 88" \
    || bad "f4 not at ofport 88"
equals_compile "after the refusals"
legit "f1 reaches f4 at its new ofport" g f1 ping -c 2 -W 2 192.0.2.94

# (b) Meter 1 deleted behind ovs-flowd's back (OVS deletes the
# flows using it too).  The next update is refused (its drops name a
# missing meter); the retry makes the meter again and restores every
# flow.
ovs-ofctl -O OpenFlow15 del-meter fbr meter=1
move_f4 89
grep "flow mods failed" "$LOG" | tail -1 | grep -q "METER" \
    && ok "missing meter: bundle refused ($(grep "flow mods failed" "$LOG" | tail -1 | grep -o 'OFP[A-Z_]*' | head -1))" \
    || bad "no meter refusal logged"
wait_for "the retry to restore everything" 20 synced
ovs-ofctl -O OpenFlow15 dump-meters fbr | grep -q "meter=1" \
    && ok "meter made again by the retry" || bad "meter 1 missing"
equals_compile "after the meter was deleted"
before=$(grep -c "rule=ipv4-source-guard port=f1" "$LOG")
g f1 /usr/bin/python3 -c "
from scapy.all import Ether, IP, ICMP, sendp
sendp(Ether(src='52:54:00:f0:00:01', dst='52:54:00:f0:00:02') /
      IP(src='192.0.2.99', dst='192.0.2.92') / ICMP(), iface='eth0', verbose=False)"
sleep 1
[ $(( $(grep -c "rule=ipv4-source-guard port=f1" "$LOG") - before )) = 1 ] \
    && ok "drops are logged again" || bad "drop logging not restored"

# 11 (before 10, which leaves table 200 alone). Flows changed behind
# ovs-flowd's back: the audit (every second here) counts ours on the
# switch and resyncs.  (a) An operator deletes table 1.
synced || bad "not in sync before the audit checks"
m0=$(mods)
n_del=$(grep -c "table=1," "$work/live")
ovs-ofctl -O OpenFlow15 del-flows fbr "table=1,cookie=0xfc00000000000000/0xff00000000000000"
wait_for "the audit to restore table 1" 10 synced \
    && [ "$(grep -c "table=1," "$work/live")" = "$n_del" ] \
    && ok "table 1 deleted behind ovs-flowd's back: restored by the audit ($(( $(mods) - m0 )) flow mods for $n_del flows)"
grep -q "changed behind ovs-flowd's back" "$LOG" \
    && ok "the audit says so in the log" || bad "no audit line in the log"
equals_compile "after the audit"
# (b) A foreign flow with our cookie opens a hole: removed.
ovs-ofctl -O OpenFlow15 add-flow fbr \
    "table=1,priority=65000,cookie=0xfc000000000000ff,actions=NORMAL"
wait_for "the audit to remove the foreign flow" 10 synced \
    && ! grep -q "priority=65000" "$work/live" \
    && ok "a foreign flow with our cookie removed by the audit"
# (c) A flow modified in place keeps the count: f2's admission flow made
# to drop.  The verification (every 2 s here) digests every flow of ours
# and puts it back.
synced || bad "not in sync before the verification checks"
f2_flow=$(grep "table=1, priority=200,.*dl_src=52:54:00:f0:00:02 " "$work/live" \
          | sed 's/^ *cookie=[^ ]* //; s/, /,/g; s/ actions=.*//')
m0=$(mods)
# (No check in between: the verification may come at any moment.  The
# one flow mod and the log line below say the flow had changed.)
[ -n "$f2_flow" ] || bad "f2's admission flow not found"
ovs-ofctl -O OpenFlow15 --strict mod-flows fbr "$f2_flow,actions=drop"
wait_for "the verification to restore f2's flow" 10 synced \
    && [ $(( $(mods) - m0 )) = 1 ] \
    && ok "a flow modified in place: found by its digest, restored with 1 flow mod"
grep -q "flows of ours in table 1 (cookie slice [0-9]* of [0-9]*) are not the [0-9]* installed (by their digest)" "$LOG" \
    && ok "the verification says so in the log, naming the slice of table 1 it dumped (--verify-slice=2): $(grep -o "flows of ours in table 1 (cookie slice [^)]*)" "$LOG" | head -1)" \
    || bad "no verification line naming a slice of table 1 in the log: $(grep "by their digest" "$LOG" | head -1)"
# (d) A flow of someone else's (another cookie, another table) moves a
# table's count: the audit has the switch count ours once, finds them as
# installed and leaves it; the audits after that are told by the tables'
# counts alone, without the switch going over our flows.
wait_for "sync before the foreign flow" 10 synced
m0=$(mods)
c0=$(flowd coverage/read-counter rt_audit_counted)
t0=$(flowd coverage/read-counter rt_audit_by_tables)
ovs-ofctl -O OpenFlow15 add-flow fbr "table=250,priority=5,cookie=0x1234,actions=drop"
sleep 4.5
c1=$(flowd coverage/read-counter rt_audit_counted)
t1=$(flowd coverage/read-counter rt_audit_by_tables)
[ $((c1 - c0)) = 1 ] && [ $((t1 - t0)) -ge 2 ] && [ "$(mods)" = "$m0" ] \
    && ovs-ofctl -O OpenFlow15 dump-flows fbr table=250 | grep -q "cookie=0x1234" \
    && ok "a foreign flow: our flows counted once ($((c1 - c0))), then $((t1 - t0)) audits by the tables' counts alone, nothing sent, the flow left" \
    || bad "a foreign flow: counted $((c1 - c0)) times, by tables $((t1 - t0)), flow mods $(( $(mods) - m0 ))"
ovs-ofctl -O OpenFlow15 del-flows fbr "table=250,cookie=0x1234/-1"
# (e) Fragment handling set to OpenFlow's "normal" mode, in which the
# switch shows a first fragment without its ports.  With ovs-flowd
# stopped (so its audit cannot undo it yet), a DHCP offer's first
# fragment from guest f1 is still dropped: by the fragment guard, which
# fails closed; once ovs-flowd runs again its audit sets "nx-match" back
# and says so, and the DHCP server guard sees its ports (67 to 68).
[ "$(ovs-ofctl get-frags fbr)" = nx-match ] \
    && ok "ovs-flowd set the bridge's fragment handling to nx-match" \
    || bad "fragment handling is '$(ovs-ofctl get-frags fbr)'"
offer_frag() {
    ovs-appctl ofproto/trace fbr "in_port=$(vsctl get interface f1 ofport),dl_src=52:54:00:f0:00:01,dl_dst=ff:ff:ff:ff:ff:ff,udp,nw_src=192.0.2.91,nw_dst=255.255.255.255,ip_frag=first,udp_src=67,udp_dst=68"
}
kill -STOP "$(cat "$work/flowd.pid")"
ovs-ofctl set-frags fbr normal
offer_frag > "$work/trace"
kill -CONT "$(cat "$work/flowd.pid")"
grep -q "^ *11\. udp,nw_frag=first,tp_src=0,tp_dst=0, priority 300" "$work/trace" \
    && grep -q "^Datapath actions: .*userspace(.*controller" "$work/trace" \
    && ok "fragment handling \"normal\": a fragmented DHCP offer is dropped by the fragment guard (fails closed)" \
    || { bad "fragment handling \"normal\": a fragmented DHCP offer is not dropped by the fragment guard"; grep -E "^ *11\.|^Datapath" "$work/trace"; }
frags_nx() { [ "$(ovs-ofctl get-frags fbr)" = nx-match ]; }
wait_for "the audit to set nx-match back" 10 frags_nx \
    && grep -q "fragment handling was changed to \"normal\" behind ovs-flowd's back; set back to \"nx-match\"" "$LOG" \
    && ok "the audit set fragment handling back to nx-match and logged it"
offer_frag > "$work/trace"
grep -Eq "^ *11\. udp,tp_(src=67|dst=68), priority 300" "$work/trace" \
    && grep -q "^Datapath actions: .*userspace(.*controller" "$work/trace" \
    && ok "fragment handling \"nx-match\": the DHCP server guard sees the fragment's ports (67 -> 68)" \
    || { bad "nx-match: the fragmented offer missed the DHCP server guard"; grep -E "^ *11\.|^Datapath" "$work/trace"; }
# flowd/status: the audits and the verification that found changes are
# counted (11a, 11b, 11c: at least 3), and the verifications after the
# repair found the switch as installed (its time is shown).
sleep 2.5
st=$(flowd flowd/status)
n_tampered=$(echo "$st" | sed -n 's/.*changed behind our back \([0-9]*\) times.*/\1/p')
[ "${n_tampered:-0}" -ge 3 ] && echo "$st" | grep -q "last verified 20" \
    && ok "flowd/status: changed behind our back $n_tampered times, and the last verification time" \
    || bad "flowd/status does not say it: $st"
legit "f2 reaches f1 again" g f2 ping -c 2 -W 2 192.0.2.91

# 10. The bundle itself (runtime/rt-bundle.c), on this switch: one
# message refused on arrival means nothing of the bundle is committed.
# rt_bulk_load() gets a bridge of its own, empty.
vsctl add-br tbulk -- set bridge tbulk datapath_type=netdev fail_mode=secure
"$builddir/tests/flowd/test-bundle" "unix:$OVS_RUNDIR/fbr.mgmt" \
    "unix:$OVS_RUNDIR/tbulk.mgmt" > "$work/test-bundle" 2>&1
vsctl del-br tbulk
while read -r verdict what; do
    case $verdict in
        ok) ok "bundle: $what" ;;
        *) bad "bundle: $what" ;;
    esac
done < "$work/test-bundle"
[ -s "$work/test-bundle" ] || bad "test-bundle printed nothing"

# 12. A load interrupted between its guard flow and its end (ovs-flowd
# killed) leaves the guard and part of the flows: nothing passes until
# the restarted ovs-flowd reads them back and sends the rest, deleting
# the guard, in one ordinary bundle.
ours=cookie=0xfc00000000000000/0xff00000000000000
args=$(flowd_ports_args)
fpid=$(cat "$work/flowd.pid")
kill -9 "$fpid"
wait_for "ovs-flowd to die" 10 sh -c "! kill -0 $fpid 2>/dev/null"
"$OVS_FLOWC" compile "$topo" --bridge fbr $args | grep '^table=' > "$work/all.flows"
total=$(wc -l < "$work/all.flows")
half=$((total / 2))
ovs-ofctl -O OpenFlow15 del-flows fbr "$ours"
ovs-ofctl -O OpenFlow15 add-flow fbr \
    "table=0,priority=65535,cookie=0xfcffffffffffffff,actions=drop"
head -n "$half" "$work/all.flows" | ovs-ofctl -O OpenFlow15 add-flows fbr -
ovs-appctl ofproto/trace fbr "in_port=$(vsctl get interface f1 ofport),dl_src=52:54:00:f0:00:01,dl_dst=52:54:00:f0:00:02" \
    | grep -q "priority 65535, cookie 0xfcffffffffffffff" \
    && ok "an interrupted load: its guard flow takes every packet" \
    || bad "the guard flow does not take f1's frames"
! g f1 ping -c 2 -W 1 192.0.2.92 > /dev/null 2>&1 \
    && ok "...and f1 cannot reach f2 ($half of $total flows in)" \
    || bad "traffic passes a half-loaded bridge"
start_flowd
wait_for "ovs-flowd to finish the load" 20 synced \
    && ok "ovs-flowd restarted: the switch holds exactly its flows again"
grep "flow mods in" "$LOG" | tail -1 | grep -q ": $((total - half + 1)) flow mods in one bundle" \
    && ok "...sent as the $((total - half)) missing flows and the guard's deletion, in one bundle" \
    || bad "unexpected sync: $(grep "flow mods in" "$LOG" | tail -1 | sed 's/.*|bridge/bridge/')"
[ "$(ovs-ofctl -O OpenFlow15 dump-flows fbr cookie=0xfcffffffffffffff/-1 | grep -c priority)" = 0 ] \
    && ok "the guard flow is gone" || bad "the guard flow is still there"
legit "f1 reaches f2 again" g f1 ping -c 2 -W 2 192.0.2.92

# 13. A load the switch refuses (at commit: table 1 full) leaves nothing
# of ours, the guard included, although other connections' bundles were
# committed; retried, it loads once the limit is lifted.
fpid=$(cat "$work/flowd.pid")
kill "$fpid"
wait_for "ovs-flowd to exit" 10 sh -c "! kill -0 $fpid 2>/dev/null"
ovs-ofctl -O OpenFlow15 del-flows fbr "$ours"
n1=$(grep -c '^table=1,' "$work/all.flows")
vsctl -- --id=@ft create Flow_Table flow_limit=$((n1 - 1)) \
    overflow_policy=refuse -- set bridge fbr flow_tables:1=@ft >/dev/null
f0=$(grep -c "loading over 4 connections failed" "$LOG")
start_flowd
wait_for "the refused load" 10 \
    sh -c "[ \$(grep -c 'loading over 4 connections failed' $LOG) -gt $f0 ]"
grep "loading over 4 connections failed" "$LOG" | tail -1 | grep -q "none of it stays installed" \
    && ok "a refused load is logged: $(grep "flow mods failed" "$LOG" | tail -1 | sed 's/.*|bridge/bridge/' | cut -c1-80)" \
    || bad "the refused load is not logged as undone"
n_ours=$(ovs-ofctl -O OpenFlow15 dump-flows fbr "$ours" | grep -c priority)
[ "$n_ours" = 0 ] && ok "...and none of our flows stays on the switch, the guard neither" \
    || bad "$n_ours flows of ours stay after a refused load"
vsctl clear bridge fbr flow_tables
wait_for "the retry to load everything" 40 synced \
    && ok "limit lifted: the retry loaded all $(wc -l < "$work/live") flows"
equals_compile "after the refused load"
legit "f1 reaches f2 after the refused load" g f1 ping -c 2 -W 2 192.0.2.92

# 14. A first load big enough to go to the switch while it is still
# being built (rt-sync.c, struct stream): 300 guests on a bridge of their
# own (patch ports whose peer does not exist: an ofport, no device), some
# 15k flows, kept by a second ovs-flowd.  Loaded over 4 connections (the
# default threshold), then, emptied, in one bundle (--bulk-load=0); each
# time every flow as the compiler's; a restart then sends nothing (the
# installed table and digest the streamed load left are right).
big=$work/big.json
/usr/bin/python3 "$srcdir/bench/gen-topology.py" 300 1 > "$big"
# add_big_bridge BRIDGE TOPOLOGY: the bridge, and each of its ports as a
# patch port whose peer does not exist, ofports 1... in name order.
add_big_bridge() {
    vsctl add-br "$1" -- set bridge "$1" datapath_type=netdev \
        fail_mode=secure protocols=OpenFlow10,OpenFlow13,OpenFlow14,OpenFlow15
    /usr/bin/python3 - "$2" "$1" <<'PY' | xargs -d '\n' ovs-vsctl --db="$DB" --timeout=60
import json, sys
t = json.load(open(sys.argv[1]))
br = sys.argv[2]
for i, n in enumerate(sorted(t["bridges"][br]["ports"])):
    print("\n".join(("-- add-port %s %s -- set interface %s type=patch "
                     "options:peer=absent-%s ofport_request=%d"
                     % (br, n, n, n, i + 1)).split()))
PY
}
add_big_bridge br0 "$big"
BIGLOG=$work/big.log
big_topo=$big
start_big() {
    "$OVS_FLOWD" "$big_topo" --db="$DB" --detach --pidfile="$work/big.pid" \
        --log-file="$BIGLOG" --unixctl="$work/big.ctl" -vconsole:off \
        --verify-interval=1 --verify-slice=64 -vrt_verify:file:dbg \
        -vrt_sync:file:dbg "$@"
}
stop_big() {
    local pid
    pid=$(cat "$work/big.pid")
    kill "$pid"
    wait_for "the second ovs-flowd to exit" 10 sh -c "! kill -0 $pid 2>/dev/null"
}
big_live() {
    ovs-ofctl -O OpenFlow15 dump-flows --no-names --no-stats br0 "$ours" \
        2>/dev/null | LC_ALL=C sort
}
big_synced() {
    ovs-appctl -t "$work/big.ctl" flowd/dump br0 > "$work/big-desired" 2>/dev/null \
        && [ -s "$work/big-desired" ] && big_live | cmp -s - "$work/big-desired"
}
"$OVS_FLOWC" compile "$big" --bridge br0 --format dump --ofport-auto \
    | LC_ALL=C sort > "$work/big-compiled"
# big_loaded HOW: the load is logged as streamed HOW and equals the
# compiler's flows.
big_loaded() {
    local line
    wait_for "the streamed load ($1)" 60 big_synced || return
    line=$(grep "bridge br0: .* flow mods in" "$BIGLOG" | tail -1)
    echo "$line" | grep -q "flow mods in $1, sent as they were built" \
        && ok "a big first load, $1, sent as it was built: ${line##*flow mods in }" \
        || bad "a big first load was not streamed $1: $line"
    big_live | cmp -s - "$work/big-compiled" \
        && ok "...its $(wc -l < "$work/big-compiled") flows equal ovs-flowc compile --format dump" \
        || bad "...its flows differ from the compiler's"
    # The installed table, filled from the flows parsed from text, has
    # the digest of what the switch holds: verifications (every second
    # here) find nothing to repair.
    # They dump the tables of more than 64 flows in slices
    # (--verify-slice=64): more requests than tables.
    local v0 line n_tables
    v0=$(grep -c "bridge br0: verified" "$BIGLOG")
    # (Table 0's flows: dump-flows does not name the table.)
    n_tables=$(( $(sed -n 's/^[^,]*, table=\([0-9]*\),.*/\1/p' "$work/big-compiled" | sort -u | wc -l) + 1 ))
    sleep 2.5
    line=$(grep "bridge br0: verified" "$BIGLOG" | tail -1)
    if grep -q "by their digest" "$BIGLOG"; then
        bad "...a verification after it found a difference: $(grep "by their digest" "$BIGLOG" | head -1)"
    elif [ "$(grep -c "bridge br0: verified" "$BIGLOG")" -le "$v0" ]; then
        bad "...no verification ran after it"
    elif [ "$(echo "$line" | sed -n 's/.* \([0-9]*\) requests).*/\1/p')" -gt "$n_tables" ] 2>/dev/null; then
        ok "...and verifications after it, in slices, find the switch as installed: ${line##*verified} ($n_tables tables)"
    else
        bad "...the verification was not sliced ($n_tables tables): $line"
    fi
}
start_big
big_loaded "4 bundles on as many connections, behind a guard flow"
# Its 303 ports were bound at once: 64 logged one by one, one line for
# the other 239.
n_bound=$(grep -c "rt_ovsdb|INFO|bridge br0: port .* is ofport" "$BIGLOG")
[ "$n_bound" = 64 ] \
    && grep -q "rt_ovsdb|INFO|and 239 more ports bound, unbound or given another ofport" "$BIGLOG" \
    && ok "303 ports bound at start: 64 logged one by one, one line for the other 239" \
    || bad "303 ports bound at start: $n_bound logged one by one; $(grep "more ports bound" "$BIGLOG")"
stop_big
ovs-ofctl -O OpenFlow15 del-flows br0 "$ours"
start_big --bulk-load=0
big_loaded "one bundle"
stop_big
start_big --audit-interval=0
wait_for "the restart after a streamed load" 30 \
    grep -q "bridge br0: the switch holds every flow wanted, nothing sent" "$BIGLOG" \
    && [ "$(ovs-appctl -t "$work/big.ctl" flowd/status | sed -n 's/.*flow mods sent \([0-9]*\).*/\1/p')" = 0 ] \
    && ok "restarted after a streamed load: nothing sent" \
    || bad "the restart after a streamed load sent flow mods"
# A flow with our cookie in a table where none of ours are, the audit
# off: the verification (every second here), which dumps every table
# that holds flows one at a time, finds it and the sync removes it.
ovs-ofctl -O OpenFlow15 add-flow br0 \
    "table=250,priority=7,cookie=0xfc00000000000abc,actions=NORMAL"
wait_for "the verification to remove our cookie's flow from table 250" 15 \
    sh -c "! ovs-ofctl -O OpenFlow15 dump-flows br0 table=250 | grep -q priority=7" \
    && grep -q "by their digest" "$BIGLOG" \
    && ok "a flow of our cookie in a table without ours, no audit: found by the verification, a table at a time, and removed"
stop_big
# A guest given another ofport the moment a restart is in sync by the
# digests, before or while the flows wanted are parsed: they are parsed
# for the ofports the digests were compared for, which fills the
# installed table, and the port's move is then a sync of its own flows,
# not of the bridge's 303 ports.
mover=$(/usr/bin/python3 -c '
import json, sys
ports = json.load(open(sys.argv[1]))["bridges"]["br0"]["ports"]
print(next(n for n, p in ports.items() if p["role"] == "guest"))' "$big")
big_since() { tail -n +$((b0 + 1)) "$BIGLOG"; }
# restart_and_move OFPORT ARG...: starts the second ovs-flowd again (with
# ARGs) and gives $mover ofport OFPORT the moment br0 is in sync by the
# digests; then sets 'move' (the move's sync, logged) and the numbers of
# the log lines since the restart that say br0's flows were parsed
# ('parsed'), the move synced ('moved') and seen in OVSDB ('seen').
restart_and_move() {
    local to=$1
    shift
    b0=$(wc -l < "$BIGLOG")
    start_big "$@"
    wait_for "the restart in sync by the digests" 30 sh -c \
        "tail -n +$((b0 + 1)) '$BIGLOG' | grep -q 'bridge br0: the switch holds every flow wanted, nothing sent (.*by their digests'"
    vsctl set interface "$mover" ofport_request="$to"
    wait_for "$mover's flows to follow it to ofport $to" 30 sh -c \
        "ovs-ofctl -O OpenFlow15 dump-flows br0 '$ours' | grep -q 'in_port=$to[ ,]'" \
        && wait_for "the switch to hold the second ovs-flowd's flows" 30 big_synced
    move=$(big_since | grep -m1 "bridge br0: [0-9]* flow mods in")
    parsed=$(big_since | grep -n "bridge br0: the [0-9]* flows wanted parsed after the restart" | cut -d: -f1)
    moved=$(big_since | grep -n -m1 "bridge br0: [0-9]* flow mods in" | cut -d: -f1)
    seen=$(big_since | grep -n -m1 "bridge br0: port $mover is ofport $to" | cut -d: -f1)
}
restart_and_move 999 --audit-interval=0
when="after"
[ -n "$seen" ] && [ -n "$parsed" ] && [ "$seen" -lt "$parsed" ] && when="before"
echo "$move" | grep -q "flows of 1 of 303 ports rebuilt" \
    && [ -n "$parsed" ] && [ -n "$moved" ] && [ "$parsed" -lt "$moved" ] \
    && ! big_since | grep -q "are not what the digests said\|ms reading them back" \
    && ok "a guest moved as the restart is in sync by the digests (seen $when the parse): parsed first, then its own flows only (${move##*flow mods in })" \
    || bad "a guest moved as the restart is in sync by the digests: $move; parsed at line '$parsed', moved at '$moved'"
stop_big
# The same with OVSDB's change certainly before the parse: that waits
# until no bridge has anything else to do, and a second bridge (a copy
# of br0 with other names and addresses, br0's flows the same, and 12
# more IPv6 addresses a guest: some 60k flows) holds none of our flows,
# so its load, in one bundle, keeps ovs-flowd busy while br0 is in sync
# by the digests and its guest moves.
big_topo=$work/big2.json
/usr/bin/python3 - "$big" > "$big_topo" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
s = json.dumps(t["bridges"]["br0"])
for a, b in (('"52:54:00:', '"52:54:01:'), ('"52:54:ff:', '"52:54:fe:'),
             ('"192.0.2.', '"198.51.100.'), ('"2001:db8:0', '"2001:db8:100'),
             ('"fe80::', '"fe80::1:')):
    s = s.replace(a, b)
br1 = json.loads(s)
br1["ports"] = {"y" + n: p for n, p in br1["ports"].items()}
for i, n in enumerate(sorted(br1["ports"])):
    p = br1["ports"][n]
    if p["role"] == "guest":
        p["ipv6"] = p.get("ipv6", []) + ["2001:db8:100:2::%x:%x" % (i, k)
                                         for k in range(1, 13)]
for m in br1.get("mirrors", {}).values():
    m["to"] = "y" + m["to"]
t["bridges"]["br1"] = br1
json.dump(t, sys.stdout)
PY
add_big_bridge br1 "$big_topo"
restart_and_move 998 --audit-interval=0 --bulk-load=0
wait_for "br1's load" 60 sh -c \
    "tail -n +$((b0 + 1)) '$BIGLOG' | grep -q 'bridge br1: [0-9]* flow mods in one bundle'"
loaded=$(big_since | grep -n -m1 "bridge br1: [0-9]* flow mods in one bundle" | cut -d: -f1)
[ -n "$seen" ] && [ -n "$parsed" ] && [ -n "$moved" ] && [ -n "$loaded" ] \
    && [ "$seen" -lt "$parsed" ] && [ "$parsed" -lt "$moved" ] \
    && echo "$move" | grep -q "flows of 1 of 303 ports rebuilt" \
    && ! big_since | grep -q "are not what the digests said\|bridge br0: .*ms reading them back" \
    && ok "...and seen before the parse, br1 loading meanwhile: parsed first, then its own flows only ($([ "$moved" -lt "$loaded" ] && echo "before" || echo "after") br1's load ended; ${move##*flow mods in })" \
    || bad "a guest moved before the parse, br1 loading: seen at line '$seen', parsed at '$parsed', moved at '$moved', br1 loaded at '$loaded': $(big_since | grep -E "bridge br[01]: |ofport 998" | grep -v "is ofport [0-9]* (interface y" | tail -14)"
ovs-ofctl -O OpenFlow15 dump-flows --no-names --no-stats br1 "$ours" | LC_ALL=C sort \
    | cmp -s - <("$OVS_FLOWC" compile "$big_topo" --bridge br1 --format dump --ofport-auto | LC_ALL=C sort) \
    && ok "...and br1 holds the compiler's flows" || bad "br1's flows differ from the compiler's"
stop_big
vsctl del-br br1
vsctl del-br br0

echo "flowd-runtime: $sc_pass passed, $sc_fail failed"
[ "$sc_fail" = 0 ]

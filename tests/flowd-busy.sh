#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# flowd-busy.sh -- a bridge's long work with its switch does not hold the
# others' (rt-work.c).  One ovs-flowd keeps two bridges of a private lab
# (ovsdb-server + ovs-vswitchd, userspace datapath): br0 of 600 guests
# of 16 IPv6 addresses each (some 100k flows, few ports: ovs-vswitchd's
# work for a port added grows with its ports) and br1 of four.  A guest's flows are deleted on br0
# behind ovs-flowd's back: the audit notices, and br0 is read back and its
# flows rebuilt in full (the digest cannot vouch for them), most of a
# second in a thread of its own.  A port added to br1 the moment that
# starts is synced while it goes on, not after it: its flows are on the
# switch before br0's repair is, and the unixctl commands are answered
# meanwhile (flowd/dump of br0 once br0's thread is done).  Then both bridges hold exactly what ovs-flowd wants.  With
# a verification every second, a port added to br0 while br0 is being
# verified stops the verification (abandoning the dump it waits for), is synced, and the
# verification resumes from there; an exit stops it too.  An audit of a
# stopped switch holds its bridge's thread, not the main loop.
set -u
. "$(dirname "$0")/scenario-lib.sh"
OVS_FLOWD=${OVS_FLOWD:-$builddir/ovs-flowd}
[ "$(id -u)" = 0 ] || { echo "flowd-busy: needs root, skipped"; exit 77; }

sc_name=flowd-busy
sc_dir=$(mktemp -d /tmp/flowc-busy.XXXXXX)
work=$sc_dir/work
mkdir -p "$work"
cleanup() {
    local rc=$?
    [ -f "$work/flowd.pid" ] && kill "$(cat "$work/flowd.pid")" 2>/dev/null
    "$OVS_FLOWC" lab down --dir "$sc_dir" >/dev/null 2>&1
    rm -rf "$sc_dir"
    exit $rc
}
trap cleanup EXIT INT TERM
"$OVS_FLOWC" lab up "$srcdir/tests/flowd/topology.json" --dir "$sc_dir" \
    --bare > "$work/lab.log" 2>&1 || { cat "$work/lab.log"; exit 1; }
export OVS_RUNDIR=$sc_dir/run OVS_LOGDIR=$sc_dir/log
DB=unix:$OVS_RUNDIR/db.sock
vsctl() { ovs-vsctl --db="$DB" --timeout=60 "$@"; }
LOG=$work/flowd.log
ours=cookie=0xfc00000000000000/0xff00000000000000
flowd() { ovs-appctl -t "$work/flowd.ctl" "$@"; }
WAIT_POLL=0.05     # wait_for: the verifications last tenths of a second.
# synced BRIDGE: the switch holds exactly what ovs-flowd wants there.
synced() {
    flowd flowd/dump "$1" > "$work/desired.$1" 2>/dev/null || return 1
    ovs-ofctl -O OpenFlow15 dump-flows --no-names --no-stats "$1" "$ours" \
        2>/dev/null | LC_ALL=C sort > "$work/live.$1"
    [ -s "$work/desired.$1" ] && cmp -s "$work/desired.$1" "$work/live.$1"
}

# The topology: the generator's 600-guest br0, 15 more IPv6 addresses a
# guest, and br1 of four guests.
topo=$work/topology.json
/usr/bin/python3 - "$srcdir/bench/gen-topology.py" > "$topo" <<'PY'
import json, subprocess, sys
t = json.loads(subprocess.run([sys.executable, sys.argv[1], "600", "1"],
                              capture_output=True, check=True).stdout)
for name, p in t["bridges"]["br0"]["ports"].items():
    if p["role"] == "guest":
        i = int(name[1:])
        p["ipv6"] += ["2001:db8:0:2::%x:%x" % (i, k) for k in range(1, 16)]
t["bridges"]["br1"] = {"subnets": ["198.51.100.0/24"], "ports": {
    "s%d" % i: {"role": "guest", "mac": "52:54:01:00:00:%02x" % i,
                "ipv4": ["198.51.100.%d" % (10 + i)]} for i in range(4)}}
json.dump(t, sys.stdout)
PY
"$OVS_FLOWC" check "$topo" || { bad "the generated topology is rejected"; exit 1; }

# Both bridges and their ports (patch ports whose peer does not exist: an
# ofport, no device); s1-s3 and br0's g593-g599 come later.
for br in br0 br1; do
    vsctl add-br $br -- set bridge $br datapath_type=netdev fail_mode=secure \
        protocols=OpenFlow10,OpenFlow13,OpenFlow14,OpenFlow15
done
/usr/bin/python3 - "$topo" > "$work/add-ports" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
ports = [("br0", n) for n in sorted(t["bridges"]["br0"]["ports"])
         if n not in ("g599", "g598", "g597", "g596", "g595", "g594", "g593")]
for i, (br, n) in enumerate(ports + [("br1", "s0")]):
    print("\n".join(("-- add-port %s %s -- set interface %s type=patch "
                     "options:peer=absent-%s ofport_request=%d"
                     % (br, n, n, n, i + 1)).split()))
PY
mapfile -t add_ports < "$work/add-ports"     # One transaction.
vsctl --timeout=120 "${add_ports[@]}" || { bad "ports not added"; exit 1; }

"$OVS_FLOWD" "$topo" --db="$DB" --detach --pidfile="$work/flowd.pid" \
    --log-file="$LOG" --unixctl="$work/flowd.ctl" -vconsole:off \
    --audit-interval=1 --verify-interval=0 -vrt_ovsdb:file:dbg \
    || { bad "ovs-flowd did not start"; exit 1; }
wait_for "br0's first sync" 120 synced br0 \
    && wait_for "br1's first sync" 30 synced br1 \
    && ok "both bridges synced: $(wc -l < "$work/live.br0") flows on br0, $(wc -l < "$work/live.br1") on br1" \
    || exit 1

# A guest's flows deleted on br0 behind ovs-flowd's back; as soon as the
# audit has noticed, a port added to br1 (s1) and one to br0 (g599, whose
# binding waits for br0's thread to be done).  The race is the switch's
# as much as ovs-flowd's: ovs-vswitchd gives the new port its ofport only
# once it has answered br0's read-back, and when that takes it most of
# the repair's time the ofport may come after the repair.  Such a try
# tells nothing about ovs-flowd and is made again (up to three tries,
# another guest and other ports each time); when the ofport came during
# the repair, br1's sync must end before it.
since() { tail -n +"$((n_log + 1))" "$LOG"; }
noticed() { since | grep -q "bridge br0: the switch holds .* reading back and syncing"; }
raced=
for k in 1 2 3; do
    # s1 and g599, s2 and g594, s3 and g593 (g595-g598 are below).
    s=s$k g=g$((k == 1 ? 599 : 596 - k)) of=$((3100 + k))
    n_log=$(wc -l < "$LOG")
    ovs-ofctl -O OpenFlow15 del-flows br0 "$ours,in_port=$((4 + k))"
    wait_for "the audit to notice" 10 noticed || exit 1
    vsctl --no-wait add-port br1 $s -- set interface $s type=patch \
        options:peer=absent-$s ofport_request=$((3000 + k)) \
        -- add-port br0 $g -- set interface $g type=patch \
        options:peer=absent-$g ofport_request=$of
    # While br0's work goes on, the unixctl commands are answered
    # (flowd/ports reads only what the main thread owns).
    t0=$(date +%s%N)
    flowd flowd/ports > "$work/ports" && t1=$(date +%s%N)
    repaired_ports=$(since | grep -c "bridge br0: .* flow mods in")
    st=$(flowd flowd/status)
    repaired_status=$(since | grep -c "bridge br0: .* flow mods in")
    # flowd/dump of br1 at once; of br0 once br0's thread is done.
    flowd flowd/dump br1 > "$work/dump.br1"
    repaired_dump1=$(since | grep -c "bridge br0: .* flow mods in")
    flowd flowd/dump br0 > "$work/dump.br0"
    repaired_dump0=$(since | grep -c "bridge br0: .* flow mods in")
    wait_for "br1's new port" 30 synced br1 || exit 1
    wait_for "br0's repair" 60 synced br0 || exit 1
    since > "$work/since"
    l_port=$(grep -n "bridge br1: port $s is ofport" "$work/since" | head -1 | cut -d: -f1)
    l_br0=$(grep -n "bridge br0: .* flow mods in" "$work/since" | head -1 | cut -d: -f1)
    if [ -n "$l_port" ] && [ -n "$l_br0" ] && [ "$l_port" -lt "$l_br0" ]; then
        raced=$k
        break
    fi
    echo "(try $k: ovs-vswitchd gave $s its ofport after br0's repair; again)"
done
if [ -z "$raced" ]; then
    bad "in three tries, ovs-vswitchd never gave the new port its ofport during br0's repair"
    exit 1
fi
if ! grep -q "^br1 s0 guest ofport=" "$work/ports"; then
    bad "flowd/ports did not answer"
elif [ "$repaired_ports" != 0 ]; then
    bad "flowd/ports answered only after br0's repair ($(((t1 - t0) / 1000000)) ms)"
else
    ok "flowd/ports answered in $(((t1 - t0) / 1000000)) ms while br0 is being repaired"
fi
# flowd/status too: br0 is said to be busy, with its figures of before.
if [ "$repaired_status" != 0 ]; then
    bad "flowd/status answered only after br0's repair"
elif echo "$st" | grep -q "^bridge br0: busy reading back and syncing for [0-9]* ms; when it started: in ovsdb, connected, flows desired [0-9]* installed [0-9]*" \
    && echo "$st" | grep -q "^bridge br1: in ovsdb, connected"; then
    ok "flowd/status answered while br0 is being repaired: $(echo "$st" | grep "^bridge br0" | cut -c1-80)..."
else
    bad "flowd/status during br0's repair: $st"
fi
if [ "$repaired_dump1" = 0 ] && [ -s "$work/dump.br1" ]; then
    ok "flowd/dump br1 answered while br0 is being repaired"
else
    bad "flowd/dump br1 answered only after br0's repair"
fi
if [ "$repaired_dump0" -ge 1 ] && grep -q "in_port=$((4 + k))[ ,]" "$work/dump.br0"; then
    ok "flowd/dump br0 answered once br0's thread was done"
else
    bad "flowd/dump br0 answered before br0's repair was over ($repaired_dump0 syncs of br0 logged)"
fi
flowd flowd/status | grep -q "^bridge br0: in ovsdb, connected, flows desired" \
    && ok "flowd/status: br0 no longer busy" \
    || bad "flowd/status after br0's repair: $(flowd flowd/status | grep "^bridge br0")"
flowd flowd/ports > "$work/ports"
grep -q "^br1 $s guest ofport=$((3000 + k)) bound" "$work/ports" \
    && grep -q "^br0 $g guest ofport=$of bound" "$work/ports" \
    && ok "$s bound on br1, $g on br0 once its thread was done, and both bridges hold what ovs-flowd wants" \
    || bad "$s or $g is not bound: $(grep -E "$s|$g" "$work/ports")"
grep -q "in_port=$of" "$work/live.br0" \
    && ok "...$g's flows are on br0: $(grep -c "in_port=$of" "$work/live.br0") match its ofport" \
    || bad "no flow of $g on br0"

# The order the log tells, from the audit's line on: br1's sync of the
# port ends before br0's repair does.
l_s1=$(awk -v from="$l_port" 'NR > from && /bridge br1: .* flow mods in/ { print NR; exit }' "$work/since")
l_rb=$(grep -n "bridge br0: .* of our flows on the switch" "$work/since" | head -1 | cut -d: -f1)
ms() { sed -n "$1p" "$work/since" | sed 's/.*(\([0-9]*\) ms.*/\1/'; }
if [ -n "$l_s1" ] && [ "$l_s1" -lt "$l_br0" ]; then
    ok "$s synced on br1 ($(ms "$l_s1") ms) while br0 was being read back and rebuilt ($(ms "$l_br0") ms), not after (try $k)"
else
    bad "br1's sync of $s (log line ${l_s1:-none}) did not end before br0's repair (line ${l_br0:-none}), its ofport seen at line $l_port: $(grep "flow mods in" "$work/since")"
fi
l_bind=$(grep -n "bridge br0: binding its" "$work/since" | head -1 | cut -d: -f1)
[ -n "$l_bind" ] && [ "$l_bind" -gt "$l_br0" ] \
    && ok "br0's ports were bound again once its thread was done (log line $l_bind, after line $l_br0)" \
    || bad "br0 was bound at line ${l_bind:-none}, not after its thread (line $l_br0)"
[ -n "$l_rb" ] && [ "$l_rb" -lt "$l_br0" ] \
    && ok "br0 was read back first: $(sed -n "${l_rb}p" "$work/since" | sed 's/.*|bridge/bridge/')" \
    || bad "br0 was not read back before its repair"

# An audit (every second here) waits for the switch, which at 100k ports
# is busy for seconds with each port added; the main loop must not: the
# audit runs in its bridge's thread.  With ovs-vswitchd stopped for 3 s,
# flowd/status answers at once and says the bridges are auditing; once
# it runs again, both bridges are still in sync.
wait_for "br0 in sync before the stop" 30 synced br0
wait_for "br1 in sync before the stop" 30 synced br1
swpid=$(cat "$OVS_RUNDIR/ovs-vswitchd.pid")
kill -STOP "$swpid"
sleep 1.5
t0=$(date +%s%N)
timeout 2 ovs-appctl -t "$work/flowd.ctl" flowd/status > "$work/status-stopped" 2>&1
rc=$?
t1=$(date +%s%N)
sleep 1.5
kill -CONT "$swpid"
if [ $rc = 0 ] && grep -q "busy auditing" "$work/status-stopped"; then
    ok "switch stopped: flowd/status answered in $(( (t1 - t0) / 1000000 )) ms, $(grep -c "busy auditing" "$work/status-stopped") bridge(s) busy auditing"
else
    bad "switch stopped: flowd/status (rc $rc): $(head -5 "$work/status-stopped")"
fi
wait_for "br0 in sync once the switch runs" 20 synced br0 \
    && wait_for "br1 in sync once the switch runs" 20 synced br1 \
    && ok "both bridges in sync once the switch runs again"

# A verification (every second now; tables of more than 4000 flows in
# slices by cookie) stops, abandoning the dump it waits for, when a
# port of its bridge is added, the port's sync goes first, and the
# verification resumes where it stopped.  A verification of br0 lasts a
# few tenths of a second: a port is added the moment one has started,
# until one is seen stopped in the middle of a dump (at most five ports).
# A stop may also fall between two requests (the port came as a dump
# ended): that is a stop too, but not the one looked for.
ovs-appctl -t "$work/flowd.ctl" exit
wait_for "ovs-flowd to exit" 10 sh -c "! kill -0 $(cat "$work/flowd.pid") 2>/dev/null"
n_log=$(wc -l < "$LOG")
"$OVS_FLOWD" "$topo" --db="$DB" --detach --pidfile="$work/flowd.pid" \
    --log-file="$LOG" --unixctl="$work/flowd.ctl" -vconsole:off \
    --audit-interval=1 --verify-interval=1 --verify-slice=4000 \
    -vrt_sync:file:dbg -vrt_verify:file:dbg \
    || { bad "ovs-flowd did not restart"; exit 1; }
wait_for "the restart" 60 sh -c "tail -n +$((n_log + 1)) '$LOG' | grep -q 'bridge br0: the switch holds every flow wanted'" \
    || exit 1
stopped=
between=0
for i in 5 6 7 8 9; do
    n_log=$(wc -l < "$LOG")
    started() { since | grep -q "bridge br0: verifying the flows of ours"; }
    wait_for "a verification to start" 10 started || break
    ovs-vsctl --db="$DB" --no-wait add-port br0 g59$i -- set interface \
        g59$i type=patch options:peer=absent-g59$i ofport_request=299$i
    wait_for "g59$i's flows" 30 sh -c "ovs-ofctl -O OpenFlow15 dump-flows br0 in_port=299$i | grep -q cookie" \
        || break
    # The first verification to end after the port's ofport came (one
    # that ended before, between the port's row and its ofport, would
    # leave the resumed one out of what is read): resumed or from the
    # start.
    wait_for "the verification after g59$i" 10 sh -c "tail -n +$((n_log + 1)) '$LOG' | awk '/bridge br0: port g59$i is ofport/ { p = 1 } p && /bridge br0: verified/ { f = 1 } END { exit !f }'" \
        || break
    since > "$work/since"
    l_stop=$(grep -n "bridge br0: verification stopped before table.*abandoning that request's dump" "$work/since" | head -1 | cut -d: -f1)
    if [ -n "$l_stop" ]; then
        stopped=$i
        break
    fi
    between=$((between + $(grep -c "bridge br0: verification stopped before table" "$work/since")))
done
if [ -z "$stopped" ]; then
    bad "no verification of br0 abandoned a dump for a port added while it ran ($between stopped between two requests)"
else
    # (The new interface's row arrives before its ofport: either stops
    # the verification, and the port's sync may follow a resumed one.)
    l_port=$(grep -n "bridge br0: port g59$stopped is ofport" "$work/since" | head -1 | cut -d: -f1)
    l_sync=$(awk -v from="${l_port:-0}" 'NR > from && /bridge br0: .* flow mods in/ { print NR; exit }' "$work/since")
    l_res=$(awk -v from="$l_stop" 'NR > from && /bridge br0: verifying the flows of ours from table ([1-9]|0 \(cookie slice)/ { print NR; exit }' "$work/since")
    l_done=$(awk -v from="${l_res:-0}" 'NR > from && /bridge br0: verified .* \(from table ([1-9]|0 \(cookie slice)/ { print NR; exit }' "$work/since")
    # It stops in the middle of a request's dump (it spends almost all
    # its time waiting for one), which it abandons: the port's sync does
    # not wait for the dump's end.
    if [ -n "$l_port" ] && [ -n "$l_sync" ] && [ -n "$l_res" ] && [ -n "$l_done" ]; then
        ok "a verification of br0 stopped when g59$stopped was added (its sync: $(ms "$l_sync") ms; $between earlier stop(s) between requests), and resumed: $(sed -n "${l_stop}p" "$work/since" | sed 's/.*verification/verification/'); $(sed -n "${l_done}p" "$work/since" | sed 's/.*verified/verified/')"
    else
        bad "the stopped verification: port line ${l_port:-none}, stop $l_stop, sync ${l_sync:-none}, resumed ${l_res:-none}, done ${l_done:-none}"
    fi
fi
wait_for "br0 after the verifications" 30 synced br0 \
    && ! grep -q "installed (by their digest)" "$LOG" \
    && ok "...no verification found a difference, and br0 holds what ovs-flowd wants" \
    || bad "a verification found a difference: $(grep "installed (by their digest)" "$LOG" | head -1)"

# A switch that does not answer for seconds (at 50k ports it is busy
# that long with each port added) keeps a verification waiting for its
# hello or its dump; that is the verification's trouble, not the
# bridge's: the bridge's connection stays (a dropped one means reading
# every flow back).  ovs-vswitchd stopped 5 s while both bridges verify
# every second and audit never (an audit waits for the switch on the
# bridge's connection and would hold the verification back): br1's
# verifications (71 flows) start within a second of the stop.
ovs-appctl -t "$work/flowd.ctl" exit
wait_for "ovs-flowd to exit" 10 sh -c "! kill -0 $(cat "$work/flowd.pid") 2>/dev/null"
"$OVS_FLOWD" "$topo" --db="$DB" --detach --pidfile="$work/flowd.pid" \
    --log-file="$LOG" --unixctl="$work/flowd.ctl" -vconsole:off \
    --audit-interval=0 --verify-interval=1 --verify-slice=4000 \
    -vrt_sync:file:dbg -vrt_verify:file:dbg \
    || { bad "ovs-flowd did not restart"; exit 1; }
wait_for "br0 in sync before the second stop" 30 synced br0
wait_for "br1 in sync before the second stop" 30 synced br1
n_log=$(wc -l < "$LOG")
kill -STOP "$swpid"
sleep 5
kill -CONT "$swpid"
verified_after() { since | grep -q "bridge br1: verified"; }
wait_for "br1 verified after the stop" 30 verified_after
if since | grep -q "OpenFlow connection lost"; then
    bad "the switch stopped 5 s during verifications dropped a bridge's connection: $(since | grep "OpenFlow connection lost" | head -1 | sed 's/.*|bridge/bridge/')"
elif ! since | grep -q "bridge br1: verifying the flows of ours"; then
    bad "no verification of br1 started while the switch was stopped"
elif since | grep -q "bridge br1: verified" && synced br0 && synced br1; then
    ok "the switch stopped 5 s during verifications: no connection dropped, br1 verified after ($(since | grep -c "verification failed") failed), both bridges in sync"
else
    bad "after the switch stopped 5 s: br1 not verified or a bridge not in sync"
fi

# Exit during a verification stops it after the table it is dumping
# (up to four tries, restarting ovs-flowd between them).
exited=
for i in 1 2 3 4; do
    n_log=$(wc -l < "$LOG")
    started() { since | grep -q "bridge br0: verifying the flows of ours"; }
    wait_for "a verification to start" 10 started || break
    flowd exit
    wait_for "ovs-flowd to exit" 20 sh -c "! kill -0 $(cat "$work/flowd.pid") 2>/dev/null" || break
    if since | grep -q "bridge br0: verification stopped before table"; then
        exited=$i
        break
    fi
    "$OVS_FLOWD" "$topo" --db="$DB" --detach --pidfile="$work/flowd.pid" \
        --log-file="$LOG" --unixctl="$work/flowd.ctl" -vconsole:off \
        --audit-interval=1 --verify-interval=1 --verify-slice=4000 \
        -vrt_sync:file:dbg -vrt_verify:file:dbg || break
done
[ -n "$exited" ] \
    && ok "exit during a verification stopped it: $(since | grep "verification stopped" | sed 's/.*verification/verification/')" \
    || bad "no exit during a verification stopped it"

# Over every verification of this test: one that stops says where the
# next starts, never before where it began itself (a stop before the
# first dump once said table 0, the place the verification had reset,
# and the next one started from scratch: under ports added often enough
# no verification would end).  Positions are (table, slice); a slice
# counts only when both name one of the same number of slices.
verify_order=$(awk '
    function pos(line, r) {
        if (!match(line, /table [0-9]+( \(cookie slice [0-9]+ of [0-9]+\))?/)) {
            return 0
        }
        r = substr(line, RSTART + 6, RLENGTH - 6)
        P_T = r + 0; P_S = -1; P_N = 0
        if (match(r, /slice [0-9]+ of [0-9]+/)) {
            split(substr(r, RSTART + 6, RLENGTH - 6), a, " of ")
            P_S = a[1] + 0; P_N = a[2] + 0
        }
        return 1
    }
    /opened log file/ { delete from_t; next }
    / verifying the flows of ours from table / {
        b = $0; sub(/.*bridge /, "", b); sub(/:.*/, "", b)
        pos($0); from_t[b] = P_T; from_s[b] = P_S; from_n[b] = P_N; next
    }
    / verification stopped before table / {
        b = $0; sub(/.*bridge /, "", b); sub(/:.*/, "", b)
        if (!(b in from_t) || !pos($0)) { next }
        n++
        early = P_T < from_t[b] || (P_T == from_t[b] && P_N && P_N == from_n[b] && P_S < from_s[b])
        if (early) {
            printf "BAD %s from table %d slice %d of %d stopped at table %d slice %d of %d\n", b, from_t[b], from_s[b], from_n[b], P_T, P_S, P_N
        }
    }
    END { print "STOPS " n + 0 }' "$LOG")
if [ -n "$(echo "$verify_order" | grep '^STOPS [1-9]')" ] && ! echo "$verify_order" | grep -q '^BAD'; then
    ok "each of the $(echo "$verify_order" | sed -n 's/^STOPS //p') stopped verifications said to resume where it was or further on, never before where it began"
else
    bad "stopped verifications and where they began: $(echo "$verify_order" | tr '\n' ';')"
fi

echo "flowd-busy: $sc_pass passed, $sc_fail failed"
[ "$sc_fail" = 0 ]

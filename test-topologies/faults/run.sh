#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Fault injection (real OVS, namespaces): while g1 pings g2 continuously
# (legitimate) and g3 continuously sends frames to g2 spoofing g1's
# address, inject each fault in turn:
#   kill -9 ovs-flowd and restart it; kill -9 ovs-vswitchd and restart
#   it; restart ovsdb-server; 100 rapid delete/add flaps of guest g4's
#   port; a topology reload every 100 ms for 10 s.
# For each: spoofed frames that reached g2 (must be 0), legitimate pings
# lost (must be 0 for the ovs-flowd restart and the reloads), flow mods
# ovs-flowd sent.  Prints the table doc/robustness.md reports.  The
# emptied switch is loaded over several connections behind a guard flow
# (rt-bulk.c), spoofer running.
. "$(dirname "$0")/../../tests/scenario-lib.sh"
scenario_begin faults "$(dirname "$0")/topology.json"
[ -f "$sc_dir/run/ovs-flowd.pid" ] || { echo "faults: needs ovs-flowd, skipped"; exit 77; }
TOPO=$(readlink -f "$(dirname "$0")/topology.json")
DB=unix:$OVS_RUNDIR/db.sock
FLOWD=$builddir/ovs-flowd
SW=$("$OVS_FLOWC" lab ns --dir "$sc_dir")-sw
G1=52:54:00:e0:00:01 G3=52:54:00:e0:00:03
ctl() { ovs-appctl -t "$OVS_RUNDIR/ovs-flowd.$(cat "$OVS_RUNDIR/ovs-flowd.pid").ctl" "$@"; }
mods() { ctl flowd/status 2>/dev/null | sed -n 's/.*flow mods sent \([0-9]*\).*/\1/p'; }
# --bulk-load=1: once restarted, ovs-flowd loads the bridge emptied by
# the ovs-vswitchd restart over several connections behind a guard flow,
# as it would a bridge of 2048 flows or more (the default).
start_flowd() {
    "$FLOWD" "$TOPO" --db="$DB" --bulk-load=1 --detach --no-chdir --pidfile \
        --log-file="$OVS_LOGDIR/ovs-flowd.log" -vconsole:off
}
wait_synced() {
    for _ in $(seq 100); do
        ctl flowd/status 2>/dev/null | grep -q "connected, flows desired \([0-9]*\) installed \1" && return 0
        sleep 0.2
    done
    return 1
}
wait_synced || { bad "ovs-flowd never synced"; scenario_end; exit 1; }

# Legit traffic and the spoofer, in the background, for one fault.
#   run_fault NAME ALLOW_LOSS CMD...
printf '%-34s %8s %10s %9s\n' "fault" "spoofed" "legit lost" "flow mods" > "$sc_dir/table"
run_fault() {
    local name=$1 allow_loss=$2; shift 2
    local m0 m1 sent got
    m0=$(mods); m0=${m0:-0}
    capture_start g2 eth0 "ether src $G3 and src host 192.0.2.101"
    lx g1 ping -i 0.02 -c 600 -W 1 192.0.2.102 > "$sc_dir/ping.log" 2>&1 &
    local ping=$!
    lx g3 timeout 14 /usr/bin/python3 -c "
import time
from scapy.all import Ether, IP, ICMP, sendp
p = Ether(src='$G3', dst='52:54:00:e0:00:02') / IP(src='192.0.2.101', dst='192.0.2.102') / ICMP()
end = time.time() + 12
while time.time() < end:
    sendp(p, iface='eth0', count=10, verbose=False)
    time.sleep(0.02)" >/dev/null 2>&1 &
    local spoof=$!
    sleep 1
    "$@"
    wait $ping $spoof
    local leaked
    leaked=$(capture_count)
    sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$sc_dir/ping.log")
    got=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$sc_dir/ping.log")
    wait_synced
    m1=$(mods); m1=${m1:-0}
    # A restarted ovs-flowd counts from 0: then all it sent is m1.
    [ "$m1" -ge "$m0" ] || m0=0
    local lost=$(( ${sent:-0} - ${got:-0} ))
    printf '%-34s %8s %10s %9s\n' "$name" "$leaked" "$lost/$sent" "$((m1 - m0))" >> "$sc_dir/table"
    if [ "$leaked" = 0 ]; then
        ok "$name: 0 spoofed frames reached g2"
        sc_attacks=$((sc_attacks + 1))
    else
        bad "$name: $leaked spoofed frames reached g2"
    fi
    if [ "$allow_loss" = no ]; then
        if [ "$lost" = 0 ]; then
            ok "$name: no legitimate packet lost ($sent sent)"
            sc_legit=$((sc_legit + 1))
        else
            bad "$name: $lost of $sent legitimate packets lost"
        fi
    fi
}

f_flowd() {
    kill -9 "$(cat "$OVS_RUNDIR/ovs-flowd.pid")"; sleep 2; start_flowd
}
f_vswitchd() {
    kill -9 "$(cat "$OVS_RUNDIR/ovs-vswitchd.pid")"; sleep 1
    ip netns exec "$SW" nice -n -10 ovs-vswitchd "$DB" --detach \
        --no-chdir --pidfile --log-file -vconsole:off   # as the lab does
}
f_ovsdb() {
    kill "$(cat "$OVS_RUNDIR/ovsdb-server.pid")"; sleep 1
    nice -n -10 ovsdb-server "$OVS_DBDIR/conf.db" \
        --remote="punix:$OVS_RUNDIR/db.sock" \
        --detach --no-chdir --pidfile --log-file -vconsole:off
}
f_flaps() {
    for _ in $(seq 100); do
        ovs-vsctl --db="$DB" del-port g4 -- add-port fltbr g4
    done
}
f_reloads() {
    for _ in $(seq 100); do
        ctl flowd/reload; sleep 0.1
    done
}
run_fault "kill -9 ovs-flowd, restart" no f_flowd
run_fault "kill -9 ovs-vswitchd, restart" yes f_vswitchd
grep "flow mods in" "$OVS_LOGDIR/ovs-flowd.log" | tail -1 | grep -q "bundles on as many connections, behind a guard flow" \
    && ok "the restarted switch was loaded over several connections" \
    || bad "the restarted switch was not loaded over several connections"
run_fault "restart ovsdb-server" yes f_ovsdb
run_fault "100 delete/add flaps of g4" yes f_flaps
run_fault "reload every 100 ms for 10 s" no f_reloads
legit "g4 works after its flaps" lx g4 ping -c 2 -W 2 192.0.2.102
cat "$sc_dir/table"
[ -z "${FAULTS_TABLE:-}" ] || cp "$sc_dir/table" "$FAULTS_TABLE"
scenario_end

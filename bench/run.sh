#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# run.sh -- `make bench`: ovs-flowc and ovs-flowd measured against
# ovs-ofctl in the same run on the same private ovs-vswitchd (userspace
# datapath, its own namespace; nothing of the host's OVS touched).
# Writes the report to stdout, the tables that
# BENCHMARKS.md shows.  Medians of BENCH_RUNS runs (default 3), min-max.
# BENCH_SECTIONS picks sections (default "compile runtime incremental").
set -u
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${builddir:-$PWD}
FLOWC=$builddir/ovs-flowc FLOWD=$builddir/ovs-flowd
RUNS=${BENCH_RUNS:-3}
[ "$(id -u)" = 0 ] || { echo "bench: needs root"; exit 77; }
work=$(mktemp -d /tmp/flowc-bench.XXXXXX)
lab=$work/lab
cleanup() {
    [ -f "$work/flowd.pid" ] && kill "$(cat "$work/flowd.pid")" 2>/dev/null
    "$FLOWC" lab down --dir "$lab" >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM      # through cleanup, and no further
now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {m=a[int((NR+1)/2)]; printf "%.3f (%.3f-%.3f)", m, a[1], a[NR]}'; }
med1() { sort -g | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]}'; }

# A private switch.  The ports need no devices: patch ports whose peer
# does not exist (BENCH_PORT_TYPE=patch, the default) or ports of the
# dummy netdev class (BENCH_PORT_TYPE=dummy, --enable-dummy).  Dummy ports
# make ovs-vswitchd's main loop cost as much as its ports (it polls each
# one every iteration, and reconfigures each at every change, see
# incremental.sh), which the ports of a real host (tap or vhost-user,
# polled by the datapath's own threads) do not; it slowed ovs-ofctl's one
# connection far more than ovs-flowd's several.  Patch ports do not.
port_type=${BENCH_PORT_TYPE:-patch}
# iface_opts NAME: the Interface columns of a bench port called NAME.
iface_opts() {
    case $port_type in
    patch) echo "type=patch options:peer=absent-$1" ;;
    *) echo "type=$port_type" ;;
    esac
}
/usr/bin/python3 "$srcdir/bench/gen-topology.py" 10 > "$work/tiny.json"
"$FLOWC" lab up "$work/tiny.json" --dir "$lab" --bare >/dev/null || exit 1
export OVS_RUNDIR=$lab/run OVS_LOGDIR=$lab/log OVS_DBDIR=$lab/db
SW=$("$FLOWC" lab ns --dir "$lab")-sw
kill "$(cat "$OVS_RUNDIR/ovs-vswitchd.pid")"; sleep 1
# At nice -10, as the lab starts it and as ovs-ctl(8) does on a host (its
# default; ovsdb-server too).  Before 2026-11-29 17:16 the bench's switch
# ran at nice 0; BENCH_SWITCH_NICE=0 gives that back.  It made no
# difference to the loads timed: ovs-vswitchd's main thread waited as
# long for a core either way (the row "ovs-vswitchd's main thread
# waiting for a core"; what took it was the bench's own polling, see
# log_wait).
ip netns exec "$SW" nice -n "${BENCH_SWITCH_NICE:--10}" ovs-vswitchd "unix:$OVS_RUNDIR/db.sock" \
    --detach --no-chdir --pidfile --log-file -vconsole:off \
    --enable-dummy=override
DB=unix:$OVS_RUNDIR/db.sock
vsctl() { ovs-vsctl --db="$DB" --timeout=600 "$@"; }
for k in 0 1 2 3; do
    vsctl --may-exist add-br br$k -- set bridge br$k datapath_type=netdev \
        fail_mode=secure protocols=OpenFlow10,OpenFlow13,OpenFlow14,OpenFlow15
done
# peak_rss PID: the process's peak resident set so far (VmHWM), KiB.
peak_rss() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }
# cpu_ms PID: the process's CPU time so far (user + system), ms.
cpu_ms() {
    awk -v hz="$(getconf CLK_TCK)" '{ print int(($14 + $15) * 1000 / hz) }' \
        "/proc/$1/stat"
}
# settle [SECONDS]: waits until ovs-vswitchd has been idle (under 5% of
# a CPU) for a second, at most SECONDS (default 600): creating thousands
# of ports keeps it busy for seconds after ovs-vsctl returns, and
# whatever is timed first would pay for it.
settle() {
    local pid c0 c1
    pid=$(cat "$OVS_RUNDIR/ovs-vswitchd.pid")
    c0=$(cpu_ms "$pid")
    for _ in $(seq "${1:-600}"); do
        sleep 1
        c1=$(cpu_ms "$pid")
        [ $((c1 - c0)) -lt 50 ] && return
        c0=$c1
    done
}
# runq_ms: how long ovs-vswitchd's main thread has waited, runnable, for
# a core so far (ms; schedstat's run delay).
runq_ms() {
    local pid
    pid=$(cat "$OVS_RUNDIR/ovs-vswitchd.pid")
    awk '{ print int($2 / 1e6) }' "/proc/$pid/task/$pid/schedstat"
}
# log_wait FILE LINE RE [N]: waits until N lines (default 1) after line
# LINE of ovs-flowd's log FILE match the extended regex RE, and prints
# them (at most 10 minutes: a guard against a hang, not a timing).  tail
# -F follows the file by inotify and takes no CPU meanwhile.
# Until 2026-11-29 17:16 the bench polled instead, a tail and a grep
# every 10 ms: on a machine where starting a process costs 20-30 ms of
# CPU (fresh memory at 12-16 us a page) that took a core, and it did so
# during ovs-flowd's timed loads and restarts only, as `ovs-ofctl` is
# simply waited for (ovs-vswitchd's main thread then waited 1.7-2.7 s for
# a core during ovs-flowd's load of 586k flows, 0.06-0.15 s during
# `ovs-ofctl`'s, whatever ovs-flowd's own priority, SCHED_IDLE
# included; 0.15-0.39 s since).
log_wait() {
    local fifo=$work/log.fifo tp
    [ -p "$fifo" ] || mkfifo "$fifo"
    tail -n +$(($2 + 1)) -F "$1" 2>/dev/null > "$fifo" &
    tp=$!
    # Into a file: GNU grep writing to /dev/null reads its input to the
    # end whatever -m says, and tail's never ends.
    timeout 600 grep -m "${4:-1}" -E "$3" < "$fifo" > "$work/log_wait.out"
    kill "$tp" 2>/dev/null; wait "$tp" 2>/dev/null
    cat "$work/log_wait.out"
}
flows_in() { cat "$1"/*.flows | grep -c '^table='; }
# fresh_page_us: what the first touch of fresh memory costs on this
# machine, microseconds a 4 KiB page (Python zero-fills 256 MiB).  Some
# virtual machines back their memory lazily: on 2026-11-29 a page took
# 11.5 us (3 s a GiB) against well under 1 us on bare metal, and a
# process that builds a table of flows pays that for every page of it.
fresh_page_us() {
    /usr/bin/python3 -c 'import time
t = time.perf_counter(); b = bytearray(1 << 28)
print("%.1f" % ((time.perf_counter() - t) * 1e6 / 65536))'
}
# ofctl_load DIR: seconds to load all bridges' flows; appends how long
# ovs-vswitchd's main thread waited for a core meanwhile to $work/fo_runq.
ofctl_load() {
    local t0 t1 f w0
    for f in "$1"/*.flows; do
        ovs-ofctl -O OpenFlow15 del-flows "$(basename "$f" .flows)"
    done
    for m in "$1"/*.meters; do
        while read -r spec; do
            ovs-ofctl -O OpenFlow15 add-meter "$(basename "$m" .meters)" "$spec" 2>/dev/null
        done < "$m"
    done
    # Deleting the flows leaves ovs-vswitchd freeing them for a while
    # (its RCU thread); each timed load starts on an idle switch.
    settle 30
    w0=$(runq_ms); t0=$(now)
    for f in "$1"/*.flows; do
        ovs-ofctl -O OpenFlow15 --bundle add-flows "$(basename "$f" .flows)" "$f" || return 1
    done
    t1=$(now)
    echo $(($(runq_ms) - w0)) >> "$work/fo_runq"
    echo "$t1 - $t0" | bc
}

want() {
    case " ${BENCH_SECTIONS:-compile runtime incremental} " in
    *" $1 "*) return 0 ;;
    esac
    return 1
}

if want compile; then
echo "## Compile (ovs-flowc compile -o, ofctl format)"
echo
echo "| guests | flows | compile s (median, min-max) | flows/s | peak RSS MiB | ovs-ofctl --bundle add-flows s | compile / load |"
echo "|---|---|---|---|---|---|---|"
for n in 1000 10000 100000; do
    /usr/bin/python3 "$srcdir/bench/gen-topology.py" "$n" > "$work/t$n.json"
    : > "$work/c$n"; : > "$work/rss$n"
    for _ in $(seq "$RUNS"); do
        rm -rf "$work/o$n"
        /usr/bin/time -f "%e %M" -o "$work/time" "$FLOWC" compile "$work/t$n.json" \
            -o "$work/o$n" --ofport-auto || exit 1
        read -r s kb < "$work/time"
        echo "$s" >> "$work/c$n"; echo "$kb" >> "$work/rss$n"
    done
    flows=$(flows_in "$work/o$n")
    cs=$(med1 < "$work/c$n")
    rss=$(sort -g "$work/rss$n" | tail -1)
    load="-" ratio="-"
    if [ "$n" -le 10000 ]; then
        : > "$work/l$n"
        for _ in $(seq "$RUNS"); do ofctl_load "$work/o$n" >> "$work/l$n"; done
        load=$(median < "$work/l$n")
        ratio=$(echo "scale=3; $cs / $(med1 < "$work/l$n")" | bc)
    fi
    echo "| $n | $flows | $(median < "$work/c$n") | $(echo "$flows / $cs" | bc) | $((rss / 1024)) | $load | $ratio |"
done
for k in 0 1 2 3; do ovs-ofctl -O OpenFlow15 del-flows br$k; done
fi

if want runtime; then
# Runtime: the ports exist, so ovs-flowd binds them all.
n=${BENCH_FLOWD_GUESTS:-3000}
/usr/bin/python3 "$srcdir/bench/gen-topology.py" "$n" > "$work/f.json"
"$FLOWC" compile "$work/f.json" -o "$work/of" --ofport-auto >/dev/null
/usr/bin/python3 - "$work/f.json" "$port_type" > "$work/ports.sh" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
probe = None
for b in sorted(t["bridges"]):
    args = []
    for i, (name, p) in enumerate(sorted(t["bridges"][b]["ports"].items())):
        if p["role"] == "patch":
            opt = "type=patch options:peer=%s" % p["peer"].split("/")[1]
        elif sys.argv[2] == "patch":
            opt = "type=patch options:peer=absent-%s" % name
        else:
            opt = "type=%s" % sys.argv[2]
        args.append("-- add-port %s %s -- set interface %s %s ofport_request=%d"
                    % (b, name, name, opt, i + 1))
        if probe is None and p["role"] == "guest":
            probe = ("probe_br=%s probe=%s probe_ofport=%d probe_mac=%s"
                     % (b, name, i + 1, p["mac"]))
    print("vsctl " + " ".join(args))
print(probe)
PY
. "$work/ports.sh"
settle
flows=$(flows_in "$work/of")
start_flowd() {
    "$FLOWD" "$work/f.json" --db="$DB" --detach --pidfile="$work/flowd.pid" \
        --log-file="$work/flowd.log" --unixctl="$work/flowd.ctl" -vconsole:off
}
# wait_synced LINE: waits until each of the four bridges logged a sync
# after line LINE of flowd.log, then until flowd/status says every
# compiled flow is installed.  The log is watched first because
# flowd/status answers at once while bridges' threads work: asking it
# every 10 ms (ovs-appctl and three filters each time) took both cores
# from the load being timed (2026-11-27: 0.56x-0.58x with a status that
# waited, 0.69x-0.76x with one that answered, same flows).
wait_synced() {
    log_wait "$work/flowd.log" "$1" "bridge br[0-9]*: ([0-9]* flow mods in .* flows installed|the switch holds every flow wanted)" 4 > /dev/null
    until synced; do
        sleep 0.01
    done
}
# Synced: every compiled flow is installed.
synced() {
    local got
    got=$(ovs-appctl -t "$work/flowd.ctl" flowd/status 2>/dev/null \
          | sed -n 's/.*connected, flows desired \([0-9]*\) installed \1,.*/\1/p' \
          | paste -sd+ | bc)
    [ "${got:-0}" = "$flows" ]
}
: > "$work/fs"; : > "$work/fo"; : > "$work/noop"; : > "$work/dump"
# A switch that has held a load once takes it again faster (its
# allocator keeps the memory): ovs-ofctl loads the flows once first, so
# that every timed load, ovs-flowd's and ovs-ofctl's, meets a switch that
# has held them.  That first load is reported on its own.
fresh=$(ofctl_load "$work/of") || exit 1
settle
: > "$work/fs_runq"; : > "$work/fo_runq"     # the timed loads' only
: > "$work/first"; : > "$work/second"; : > "$work/firstb"; : > "$work/secondb"
: > "$work/warm"; : > "$work/rss_restart"; : > "$work/hwm_restart"
: > "$work/changed"; : > "$work/changed_mods"; : > "$work/moved"
: > "$work/moved_mods"
# sync_ms LINE NAME: once the sync of $probe_br logged after line LINE of
# flowd.log is there, appends its duration (ms) to $work/NAME and
# ovs-flowd's own share of it (building and diffing) to $work/NAMEb.
sync_ms() {
    local l
    l=$(log_wait "$work/flowd.log" "$1" "bridge $probe_br: [0-9]* flow mods in")
    echo "$l" | sed 's/.* flow mods in [^(]*(\([0-9]*\) ms.*/\1/' >> "$work/$2"
    echo "$l" | sed 's/.* ms, \([0-9]*\) of them building.*/\1/' >> "$work/$2b"
}
# timed_restart NAME: starts ovs-flowd, appends the time until every
# bridge is in sync to $work/NAME and the flow mods it sent to
# $work/NAME_mods, and stops it.
timed_restart() {
    local l0 t0 t1
    l0=$(wc -l < "$work/flowd.log")
    t0=$(now); start_flowd
    wait_synced "$l0"
    t1=$(now); echo "$t1 - $t0" | bc >> "$work/$1"
    ovs-appctl -t "$work/flowd.ctl" flowd/status \
        | sed -n 's/.*flow mods sent \([0-9]*\).*/\1/p' | paste -sd+ | bc \
        >> "$work/$1_mods"
    kill "$(cat "$work/flowd.pid")"; sleep 0.5
}
for _ in $(seq "$RUNS"); do
    for k in 0 1 2 3; do ovs-ofctl -O OpenFlow15 del-flows br$k; done
    settle 30
    l0=$(cat "$work/flowd.log" 2>/dev/null | wc -l)
    w0=$(runq_ms); t0=$(now); start_flowd
    wait_synced "$l0"
    t1=$(now); echo "$t1 - $t0" | bc >> "$work/fs"
    echo $(($(runq_ms) - w0)) >> "$work/fs_runq"
    rss=$(peak_rss "$(cat "$work/flowd.pid")")
    kill "$(cat "$work/flowd.pid")"; sleep 0.5
    l0=$(wc -l < "$work/flowd.log")
    t0=$(now); start_flowd
    wait_synced "$l0"
    t1=$(now); echo "$t1 - $t0" | bc >> "$work/noop"
    mods=$(ovs-appctl -t "$work/flowd.ctl" flowd/status | sed -n 's/.*flow mods sent \([0-9]*\).*/\1/p' | paste -sd+ | bc)
    # The restart did not parse the flows wanted: ovs-flowd does it next,
    # beside the switch; the slowest bridge's time goes to $work/warm.
    log_wait "$work/flowd.log" "$l0" "flows wanted parsed after the restart" 4 \
        | sed -n 's/.*flows wanted parsed after the restart (\([0-9]*\) ms).*/\1/p' \
        | sort -n | tail -1 >> "$work/warm"
    # What ovs-flowd holds then, with the flows parsed, and the most it
    # held from its start to then.
    awk '/^VmRSS:/ { print $2 }' "/proc/$(cat "$work/flowd.pid")/status" \
        >> "$work/rss_restart"
    peak_rss "$(cat "$work/flowd.pid")" >> "$work/hwm_restart"
    # Then a change of the bridge costs its own ports' flows, the first
    # after the restart as the next.
    l0=$(wc -l < "$work/flowd.log"); vsctl del-port "$probe_br" "$probe"
    sync_ms "$l0" first
    l0=$(wc -l < "$work/flowd.log")
    vsctl add-port "$probe_br" "$probe" -- set interface "$probe" \
        $(iface_opts "$probe") ofport_request="$probe_ofport"
    sync_ms "$l0" second
    kill "$(cat "$work/flowd.pid")"; sleep 0.5
    [ -n "${BENCH_KEEP_LOGS:-}" ] && cp "$work/flowd.log" "$BENCH_KEEP_LOGS"
    # The same flows, as the no-op resync found them.
    t0=$(now)
    for k in 0 1 2 3; do ovs-ofctl -O OpenFlow15 dump-flows br$k > /dev/null; done
    t1=$(now); echo "$t1 - $t0" | bc >> "$work/dump"
    # A restart after the topology changed while ovs-flowd was down (the
    # probe guest's MAC): that bridge's flows are read back and compared
    # one by one.
    sed -i "s/\"$probe_mac\"/\"52:54:00:ff:ff:fe\"/" "$work/f.json"
    timed_restart changed
    # A restart after the probe guest got another ofport while ovs-flowd
    # was down (its VM restarted): the digest file has the last sync's
    # ofports, so the switch is found to hold that sync's flows by the
    # digests, and the port's flows follow it after the parse.
    vsctl set interface "$probe" ofport_request=$((probe_ofport + 30000))
    settle
    timed_restart moved
    vsctl set interface "$probe" ofport_request="$probe_ofport"
    sed -i "s/\"52:54:00:ff:ff:fe\"/\"$probe_mac\"/" "$work/f.json"
    ofctl_load "$work/of" >> "$work/fo"
done
echo
echo "## Runtime ($n guests, $flows flows over 4 bridges, $port_type ports)"
echo
echo "First touch of fresh memory: $(fresh_page_us) us a 4 KiB page."
echo
echo "| measure | ovs-flowd | ovs-ofctl | ratio |"
echo "|---|---|---|---|"
fs=$(med1 < "$work/fs"); fo=$(med1 < "$work/fo")
echo "| initial sync: start -> all flows installed (s) | $(median < "$work/fs") | $(median < "$work/fo") (--bundle add-flows) | $(echo "scale=2; $fs / $fo" | bc) |"
echo "| ovs-vswitchd's main thread waiting for a core during that load (ms) | $(median < "$work/fs_runq") | $(median < "$work/fo_runq") | - |"
echo "| ovs-ofctl --bundle add-flows into the fresh switch, once before the runs (s) | - | $fresh | - |"
no=$(med1 < "$work/noop"); du=$(med1 < "$work/dump")
echo "| no-op resync after restart (s) | $(median < "$work/noop") | $(median < "$work/dump") (dump-flows) | $(echo "scale=2; $no / $du" | bc) |"
echo "| flow mods sent by the no-op resync | $mods | - | - |"
echo "| restart after one guest's MAC changed while ovs-flowd was down (s) | $(median < "$work/changed"); $(med1 < "$work/changed_mods" | cut -d. -f1) flow mods | - | - |"
echo "| restart after one guest got another ofport while ovs-flowd was down (s) | $(median < "$work/moved"); $(med1 < "$work/moved_mods" | cut -d. -f1) flow mods | - | - |"
echo "| then the flows wanted parsed, after the no-op resync, beside the switch (ms, slowest bridge) | $(median < "$work/warm") | - | - |"
rr=$(med1 < "$work/rss_restart")
echo "| ovs-flowd RSS once they are parsed (KiB) | $(median < "$work/rss_restart") ($(echo "scale=2; $rr * 1024 / $flows" | bc) bytes/flow) | - | - |"
rh=$(med1 < "$work/hwm_restart")
echo "| ovs-flowd peak RSS, restart to parsed (KiB) | $(median < "$work/hwm_restart") ($(echo "scale=2; $rh * 1024 / $flows" | bc) bytes/flow) | - | - |"
echo "| then a port of $probe_br removed: its sync, the first change after the restart (ms) | $(median < "$work/first"); ovs-flowd's own share $(median < "$work/firstb") | - | - |"
echo "| and added back: its sync (ms) | $(median < "$work/second"); ovs-flowd's own share $(median < "$work/secondb") | - | - |"
echo "| ovs-flowd peak RSS, start to synced (KiB) | $rss ($(echo "scale=2; $rss * 1024 / $flows" | bc) bytes/flow, incl. the library) | - | - |"

for k in 0 1 2 3; do ovs-ofctl -O OpenFlow15 del-flows br$k; done
fi

# Incremental latency against the number of ports a bridge holds.
if want incremental; then
    for k in 1 2 3; do vsctl --if-exists del-br br$k; done
    . "$srcdir/bench/incremental.sh"
fi

# SPDX-License-Identifier: Apache-2.0
# incremental.sh -- sourced by run.sh: ovs-flowd's incremental latency,
# the time from a port's ofport appearing in OVSDB to the barrier reply of
# the bundle carrying its flows, for BENCH_INC_PORTS (default 100) ports
# added one at a time to br0 while the bridges hold N ports, for each N in
# BENCH_INC_SIZES (default "1000 4000"; the N+100 ports over as few
# bridges of at most 50k as hold them: three for N = 100k).  The start
# is the earlier of two instants: barrier-probe.py's, a client of its own
# that watches the port's row in OVSDB, and ovs-flowd's log line for the
# ofport (ovs-flowd may read OVSDB late: its lag behind the probe is a
# column of its own); the end is ovs-flowd's log line for the update's
# bundle replied to (millisecond timestamps).  The floor under it: a
# bare barrier that barrier-probe.py sends when it sees the ofport.  Uses run.sh's lab, vsctl, settle, ofctl_load, log_wait, now, fresh_page_us,
# FLOWD and work.
#
# The ports are of run.sh's BENCH_PORT_TYPE (iface_opts).  With dummy
# ports every reconfiguration of ovs-vswitchd costs O(N^2) on a bridge of
# N ports: netdev-dummy's set_config() bumps the port's change sequence
# unconditionally, bridge_reconfigure() calls it for every port each
# time, and ofproto then runs update_port() -> update_mtu() ->
# find_min_mtu(), a walk over the bridge's ports, for each of them.  A
# patch port (like a tap or vhost-user port of a real host) bumps it only
# when its configuration changes.

inc=${BENCH_INC_PORTS:-100}
echo
echo "## Incremental (bridges holding N ports, $inc ports added one by one to br0, $port_type ports)"
echo
echo "First touch of fresh memory: $(fresh_page_us) us a 4 KiB page."
echo
echo "| ports held | bridges | flows held | initial sync s | ovs-ofctl --bundle add-flows s | ratio | ovs-ofctl's first load, on the fresh switch, s | ovs-flowd peak RSS MiB (bytes/flow) | latency p50 ms | p99 ms | max ms | ovs-flowd saw the ofport after the probe, p50 / max ms | of which building / the adds' round trip (to the barrier reply) / the commit's, p50 ms | a bare barrier sent by another client when the ofport appears, p50 / p99 ms | flow mods per update | ports rebuilt per update | one ovs-ofctl --bundle add-flow, ms | one round trip to ovs-vswitchd's idle main loop, ms | ovs-vswitchd CPU per port added, no controller, ms |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for held in ${BENCH_INC_SIZES:-1000 4000}; do
    # One bridge up to 50k ports (OpenFlow port numbers end at 65279),
    # more beyond (gen-topology.py links them by patch ports and spreads
    # the guests over them); at most the four bridges run.sh made.
    nb=$(( (held + inc + 49999) / 50000 ))
    topo=$work/inc$held.json
    /usr/bin/python3 "$srcdir/bench/gen-topology.py" $((held + inc)) $nb \
        > "$topo"
    # All ports but the last $inc guests of br0 exist before ovs-flowd
    # starts; each bridge's ports get ofports 1, 2, ... in name order.
    /usr/bin/python3 - "$topo" "$inc" "$work" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
with open("%s/inc-add.txt" % sys.argv[3], "w") as add:
    for br, b in sorted(t["bridges"].items()):
        ports = sorted(b["ports"].items())
        guests = [n for n, p in ports if p["role"] == "guest"]
        late = set(guests[-int(sys.argv[2]):]) if br == "br0" else set()
        with open("%s/inc-pre-%s.txt" % (sys.argv[3], br), "w") as pre:
            for i, (n, p) in enumerate(ports):
                print("%d %s" % (i + 1, n), file=add if n in late else pre)
PY
    for k in $(seq 0 $((nb - 1))); do
        ovs-ofctl -O OpenFlow15 del-flows br$k
        vsctl -- --if-exists del-br br$k -- add-br br$k \
            -- set bridge br$k datapath_type=netdev fail_mode=secure \
            protocols=OpenFlow10,OpenFlow13,OpenFlow14,OpenFlow15
        /usr/bin/python3 "$srcdir/bench/add-ports.py" "$OVS_RUNDIR/db.sock" \
            br$k "$port_type" < "$work/inc-pre-br$k.txt" || exit 1
    done
    # Until ovs-vswitchd has given every port its ofport (idle CPU alone
    # is not enough: at 50k ports it waits for ovsdb-server, and
    # ovs-flowd started then found 15k ports without one).
    while [ -n "$(vsctl --bare --columns=name find interface 'ofport=[]' \
                  | head -1)" ]; do
        sleep 1
    done
    # The flows ovs-ofctl loads for comparison: the same topology's (all
    # ports).  A switch that has held a load once takes it again faster
    # (its allocator keeps the memory: 503k flows took ovs-ofctl 10.5 s
    # on a fresh ovs-vswitchd, 7.6-8.3 s after, and ovs-flowd 13.3 s
    # against 9.6 s), so ovs-ofctl loads them once before ovs-flowd
    # starts (reported as the fresh switch's figure) and both timed
    # loads meet a switch that has held them.
    rm -rf "$work/inc-of"
    "$FLOWC" compile "$topo" -o "$work/inc-of" --ofport-auto >/dev/null
    settle
    fresh=$(ofctl_load "$work/inc-of") || exit 1
    for k in $(seq 0 $((nb - 1))); do
        ovs-ofctl -O OpenFlow15 del-flows br$k
    done
    settle
    log=$work/inc-flowd.log
    rm -f "$log"
    s0=$(now)
    "$FLOWD" "$topo" --db="$DB" --detach --pidfile="$work/flowd.pid" \
        --log-file="$log" --unixctl="$work/flowd.ctl" -vconsole:off \
        -vrt_bundle:file:dbg -vrt_sync:file:dbg -vrt_verify:file:dbg \
        -vrt_switch:file:dbg
    for k in $(seq 0 $((nb - 1))); do
        log_wait "$log" 0 "bridge br$k: .* flows installed" > /dev/null
    done
    s1=$(now)
    flows=$(ovs-appctl -t "$work/flowd.ctl" flowd/status \
            | sed -n 's/.*flows desired \([0-9]*\).*/\1/p' | paste -sd+ | bc)
    rss=$(peak_rss "$(cat "$work/flowd.pid")")
    # Each port in a transaction of its own, waiting as `ovs-vsctl
    # add-port` does for ovs-vswitchd to apply it, but without ovs-vsctl,
    # which first reads the whole database (20-23 s a port at 50k
    # ports); the next port once ovs-flowd has sent this one's flows (at
    # most 10 minutes) and ovs-vswitchd is idle again (at most 10 s more),
    # so that each port meets a switch done with the last one (the tail
    # of one port's work would otherwise delay the next one's flows).
    # Beside ovs-flowd, barrier-probe.py waits for the same ofport and
    # sends a bare barrier the moment it appears: how long ovs-vswitchd
    # takes to answer anything then, the floor under ovs-flowd's latency.
    : > "$work/inc-probe"
    while read -r ofp name; do
        settle 10
        l0=$(wc -l < "$log")
        /usr/bin/python3 "$srcdir/bench/barrier-probe.py" \
            "$OVS_RUNDIR/db.sock" "$OVS_RUNDIR/br0.mgmt" "$name" 300 \
            < /dev/null >> "$work/inc-probe" 2> "$work/inc-probe.err" &
        probe=$!
        until grep -q ready "$work/inc-probe.err"; do
            kill -0 $probe 2>/dev/null || break
            sleep 0.01
        done
        echo "$ofp $name" | /usr/bin/python3 "$srcdir/bench/add-ports.py" \
            --wait "$OVS_RUNDIR/db.sock" br0 "$port_type" || exit 1
        log_wait "$log" "$l0" "flow mods in " > /dev/null
        wait $probe || cat "$work/inc-probe.err" >&2
    done < "$work/inc-add.txt"
    # For comparison, on the same bridge: one ovs-ofctl --bundle add-flow
    # of one flow (in an unused table, removed after), 20 times.
    : > "$work/inc-ofctl"
    for i in $(seq 20); do
        t0=$(now)
        ovs-ofctl -O OpenFlow15 --bundle add-flow br0 \
            "table=99,priority=$i,actions=drop"
        t1=$(now); echo "($t1 - $t0) * 1000" | bc >> "$work/inc-ofctl"
    done
    ovs-ofctl -O OpenFlow15 del-flows br0 table=99
    # The floor: one round trip to ovs-vswitchd's main loop, idle (a
    # unixctl "version" request over its socket, no process started),
    # 20 times.
    /usr/bin/python3 - "$OVS_RUNDIR/ovs-vswitchd.$(cat "$OVS_RUNDIR/ovs-vswitchd.pid").ctl" \
        > "$work/inc-rtt" <<'PY'
import json, socket, sys, time
for _ in range(20):
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    t0 = time.perf_counter()
    s.sendall(json.dumps({"method": "version", "params": [], "id": 0}).encode())
    s.recv(65536)
    print("%.3f" % ((time.perf_counter() - t0) * 1000))
    s.close()
PY
    kill "$(cat "$work/flowd.pid")"; sleep 0.5
    [ -n "${BENCH_KEEP_LOGS:-}" ] && cp "$log" "$BENCH_KEEP_LOGS.inc$held"
    # What adding a port costs ovs-vswitchd itself, with no controller:
    # its CPU time (utime + stime) over 5 ports added one by one, each
    # once ovs-vswitchd has applied the last, per port.
    settle
    vpid=$(cat "$OVS_RUNDIR/ovs-vswitchd.pid")
    c0=$(cpu_ms "$vpid")
    for i in 1 2 3 4 5; do
        echo "$((65000 + i)) xadd$i" | /usr/bin/python3 \
            "$srcdir/bench/add-ports.py" --wait "$OVS_RUNDIR/db.sock" br0 \
            "$port_type" || exit 1
    done
    settle
    c1=$(cpu_ms "$vpid")
    vsctl del-port br0 xadd1 -- del-port br0 xadd2 -- del-port br0 xadd3 \
        -- del-port br0 xadd4 -- del-port br0 xadd5
    # The initial sync compared: ovs-ofctl loading the same topology's
    # flows (all ports) into the emptied bridges, one bundle a bridge.
    settle
    load=$(ofctl_load "$work/inc-of") || exit 1
    for k in $(seq 0 $((nb - 1))); do
        ovs-ofctl -O OpenFlow15 del-flows br$k
    done
    /usr/bin/python3 - "$log" "$work/inc-add.txt" "$held" "$nb" "$flows" \
        "$(echo "$s1 - $s0" | bc)" "$rss" "$(med1 < "$work/inc-ofctl")" \
        "$load" "$(flows_in "$work/inc-of")" \
        "$(med1 < "$work/inc-rtt")" "$(( (c1 - c0) / 5 ))" "$fresh" \
        "$work/inc-probe" <<'PY'
import datetime, re, sys
def ts(line):
    """A log line's instant, seconds since the epoch (vlog writes UTC)."""
    return datetime.datetime.strptime(
        line[:23], "%Y-%m-%dT%H:%M:%S.%f").replace(
            tzinfo=datetime.timezone.utc).timestamp()
(log, add, held, nb, flows, sync, rss, ofctl, load, load_flows, rtt,
 add_cpu, fresh, probe) = sys.argv[1:]
names = [l.split()[1] for l in open(add)]
lines = open(log).read().splitlines()
# The probe's lines: NAME, its bare barrier (ms), the instant it saw the
# ofport.  A port's latency starts at the earlier of that instant and
# ovs-flowd's own line for the ofport: ovs-flowd may read OVSDB late.
probed = {}
for l in open(probe):
    f = l.split()
    if len(f) == 3:
        probed[f[0]] = (float(f[1]), float(f[2]))
lat, build, mods, rebuilt = [], [], set(), set()
rt_adds, rt_commit, late = [], [], []
for n in names:
    for i, l in enumerate(lines):
        if re.search(r"bridge br0: port %s is ofport" % re.escape(n), l):
            start = ts(l)
            if n in probed:
                late.append(max(0.0, start - probed[n][1]) * 1000)
                start = min(start, probed[n][1])
            for m in lines[i:]:
                r = re.search(r"\|rt_bundle(\([^)]*\))?\|DBG\|bundle \d+: .* barrier "
                              r"reply ([\d.]+) ms later, commit reply "
                              r"([\d.]+) ms", m)
                if r:
                    rt_adds.append(float(r.group(2)))
                    rt_commit.append(float(r.group(3)))
                if "bridge br0:" in m and "flow mods in " in m:
                    lat.append((ts(m) - start) * 1000)
                    r = re.search(r": (\d+) flow mods in [^(]*"
                                  r"\((\d+) ms, (\d+) of them building; "
                                  r"flows of (\d+) of", m)
                    build.append(int(r.group(3)))
                    mods.add(r.group(1))
                    rebuilt.add(r.group(4))
                    break
            break
lat.sort()
build.sort()
rt_adds.sort()
rt_commit.sort()
late.sort()
bare = sorted(v[0] for v in probed.values())
p = lambda a, q: "%.1f" % a[min(len(a) - 1, int(q * len(a)))] if a else "-"
rss, flows = int(rss), int(flows)
print("| %s | %s | %d | %.1f | %.1f (%s flows) | %.2f | %.1f | %d (%d) | %s | %s | %s | %s / %s | %s / %s / %s | %s / %s | %s | %s | %.1f | %.1f | %s |" % (
    held, nb, flows, float(sync), float(load), load_flows,
    float(sync) / float(load), float(fresh), rss // 1024,
    rss * 1024 // max(flows, 1),
    p(lat, 0.5), p(lat, 0.99), p(lat, 1), p(late, 0.5), p(late, 1),
    p(build, 0.5),
    p(rt_adds, 0.5), p(rt_commit, 0.5),
    p(bare, 0.5), p(bare, 0.99),
    ",".join(sorted(mods, key=int)) or "-",
    ",".join(sorted(rebuilt, key=int)) or "-", float(ofctl), float(rtt),
    add_cpu))
PY
done

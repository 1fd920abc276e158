# SPDX-License-Identifier: Apache-2.0
# scenario-lib.sh -- what the namespace scenarios share: a lab of their
# own (ovs-flowc lab, torn down on any exit), legit/attack assertions, and
# packet counting with tcpdump at a victim or peer.  Source it; then call
# scenario_begin NAME TOPO.json, the checks, and scenario_end.
#
# Every check prints one line; scenario_end prints
#   NAME: N attacks blocked, M legit flows ok
# and "NAME: X passed, Y failed", and returns nonzero on any failure.

srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${builddir:-$PWD}
OVS_FLOWC=${OVS_FLOWC:-$builddir/ovs-flowc}

sc_name= sc_dir= sc_pass=0 sc_fail=0 sc_attacks=0 sc_legit=0

scenario_begin() {
    sc_name=$1
    [ "$(id -u)" = 0 ] || { echo "$sc_name: needs root, skipped"; exit 77; }
    sc_dir=$(mktemp -d "/tmp/flowc-$sc_name.XXXXXX")
    trap scenario_cleanup EXIT INT TERM
    if ! "$OVS_FLOWC" lab up "$2" --dir "$sc_dir" > "$sc_dir/lab-up.log" 2>&1; then
        cat "$sc_dir/lab-up.log"
        echo "$sc_name: lab up failed"
        exit 1
    fi
    # ovs-ofctl / ovs-appctl talk to the lab's switch.
    export OVS_RUNDIR=$sc_dir/run OVS_LOGDIR=$sc_dir/log \
           OVS_DBDIR=$sc_dir/db OVS_SYSCONFDIR=$sc_dir/etc
}

scenario_cleanup() {
    local rc=$?
    if [ -n "$sc_dir" ]; then
        "$OVS_FLOWC" lab down --dir "$sc_dir" >/dev/null 2>&1
        rm -rf "$sc_dir"
    fi
    exit $rc
}

# lx NAME CMD...: runs CMD in the lab namespace of NAME.
lx() { "$OVS_FLOWC" lab exec --dir "$sc_dir" "$@"; }

ok() { echo "ok    $*"; sc_pass=$((sc_pass + 1)); }
bad() { echo "FAIL  $*"; sc_fail=$((sc_fail + 1)); }

# wait_for WHAT SECONDS CMD...: runs CMD every $WAIT_POLL seconds (0.2
# unless set) until it succeeds; a failure ('bad') after SECONDS.
wait_for() {
    local what=$1 end=$((SECONDS + $2)); shift 2
    until "$@"; do
        [ $SECONDS -lt $end ] || { bad "timed out waiting for $what"; return 1; }
        sleep "${WAIT_POLL:-0.2}"
    done
}

# legit DESCRIPTION CMD...: CMD must succeed.
legit() {
    local what=$1; shift
    if "$@" > "$sc_dir/last.log" 2>&1; then
        ok "legit: $what"
        sc_legit=$((sc_legit + 1))
    else
        bad "legit: $what"; sed 's/^/      /' "$sc_dir/last.log" | tail -5
    fi
}

# blocked DESCRIPTION CMD...: CMD (the attacker's view) must fail.
blocked() {
    local what=$1; shift
    if "$@" > "$sc_dir/last.log" 2>&1; then
        bad "attack got through: $what"; tail -5 "$sc_dir/last.log"
    else
        ok "attack blocked: $what"
        sc_attacks=$((sc_attacks + 1))
    fi
}

# capture_start NAME IFACE FILTER: tcpdump in NAME's namespace, to count
# what arrives; capture_count prints how many packets it saw.
capture_start() {
    local ns=$1 ifc=$2; shift 2
    rm -f "$sc_dir/cap.pcap"
    # --immediate-mode: without it packets wait in the capture ring for up
    # to a second and a capture stopped early under-counts.
    lx "$ns" timeout 60 tcpdump --immediate-mode -U -q -n -i "$ifc" \
        -w "$sc_dir/cap.pcap" \
        "$@" > "$sc_dir/tcpdump.log" 2>&1 &
    sc_cap_pid=$!
    # Wait (bounded) until tcpdump listens.
    for _ in $(seq 50); do
        grep -q listening "$sc_dir/tcpdump.log" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "tcpdump did not start in $ns" >&2
    return 1
}

capture_count() {
    sleep 0.5       # Let in-flight frames land.
    kill "$sc_cap_pid" 2>/dev/null
    wait "$sc_cap_pid" 2>/dev/null
    tcpdump -r "$sc_dir/cap.pcap" -n 2>/dev/null | wc -l
}

# count_during NAME IFACE FILTER -- CMD...: runs CMD while NAME captures
# FILTER; prints how many packets arrived ("" if the capture failed).
count_during() {
    local ns=$1 ifc=$2 filter=$3; shift 4
    capture_start "$ns" "$ifc" "$filter" || return 0
    "$@" > "$sc_dir/last.log" 2>&1
    capture_count
}

# zero_at DESCRIPTION NAME IFACE FILTER -- CMD...: the attack CMD runs
# while NAME captures FILTER; 0 packets must arrive.
zero_at() {
    local what=$1 ns=$2 n; shift
    n=$(count_during "$@")
    if [ "$n" = 0 ]; then
        ok "attack blocked: $what (0 packets at $ns)"
        sc_attacks=$((sc_attacks + 1))
    elif [ -z "$n" ]; then
        bad "$what (no capture)"
    else
        bad "attack got through: $what ($n packets at $ns)"
        tcpdump -r "$sc_dir/cap.pcap" -n -e 2>/dev/null | head -5 | sed 's/^/      /'
    fi
}

# seen_at DESCRIPTION NAME IFACE FILTER -- CMD...: the legitimate CMD
# runs while NAME captures FILTER; at least one packet must arrive.
seen_at() {
    local what=$1 ns=$2 n; shift
    n=$(count_during "$@")
    if [ "${n:-0}" -gt 0 ]; then
        ok "legit: $what ($n packets at $ns)"
        sc_legit=$((sc_legit + 1))
    else
        bad "legit: $what (${n:-no capture, 0} packets at $ns)"
    fi
}

# logged RULE PORT [IN_PORT]: ovs-flowd logged at least one drop by RULE
# about PORT ("-" for a bridge-wide rule), of a packet from IN_PORT if
# given (the attack class is named right in the log).
logged() {
    local log=$sc_dir/log/ovs-flowd.log
    local re="drop: .* rule=$1 port=$2 in_port=${3:-[^ ]*} "
    if [ ! -f "$log" ]; then
        ok "(drop log not checked: ovs-flowd is not built)"
        return
    fi
    for _ in $(seq 20); do       # The log is written asynchronously.
        grep -q "$re" "$log" && break
        sleep 0.1
    done
    if grep -q "$re" "$log"; then
        ok "ovs-flowd logged rule $1 for $2${3:+ from $3}: $(grep -c "$re" "$log") line(s)"
    else
        bad "ovs-flowd logged no drop by rule $1 for $2${3:+ from $3}"
    fi
}

scenario_end() {
    echo "$sc_name: $sc_attacks attacks blocked, $sc_legit legit flows ok"
    echo "$sc_name: $sc_pass passed, $sc_fail failed"
    [ "$sc_fail" = 0 ]
}

#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# ovs-flowc-lab -- brings a topology to life on one machine: a private Open
# vSwitch (ovsdb-server + ovs-vswitchd, userspace datapath) whose switch
# runs in its own network namespace, one namespace per guest, host and
# monitor port with its MAC and addresses, and behind every uplink a
# "LAN" segment with a router, a LAN host and an "internet" host; then the
# compiled flows, pushed by ovs-flowd when it is built, else loaded with
# ovs-ofctl.  Run by `ovs-flowc lab ...` (see ovs-flowc(8)).
#
#   lab up TOPO.json [--dir DIR] [--bare]
#                                    build it (rolled back on failure);
#                                    --bare: only the private switch
#                                    (for tests that add bridges, ports
#                                    and ovs-flowd themselves)
#   lab exec [--dir DIR] NAME CMD... run CMD in port NAME's namespace
#                                    (or lan-UPLINK, lanhost-UPLINK,
#                                    inet-UPLINK)
#   lab status [--dir DIR]           what is there
#   lab down [--dir DIR]             remove everything it made (idempotent)
#
# Everything the lab makes is recorded in DIR/state; `down` removes exactly
# that.  Namespace names start with a prefix derived from DIR, so two labs
# with different DIRs run side by side.  Only addresses of the topology and
# of the documentation ranges are used, inside the lab's own namespaces.
set -u

die() { echo "ovs-flowc lab: $*" >&2; exit 1; }
step() { printf '  [%s] %s\n' "$(date +%T)" "$*"; }

here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
FLOWC=${OVS_FLOWC:-$here/ovs-flowc}
FLOWD=${OVS_FLOWD:-$here/ovs-flowd}
PYTHON3=${PYTHON3:-/usr/bin/python3}
[ -x "$FLOWC" ] || FLOWC=$(command -v ovs-flowc) || die "ovs-flowc not found"
[ -x "$FLOWD" ] || FLOWD=$(command -v ovs-flowd 2>/dev/null) || FLOWD=

usage() {
    sed -n '9,20p' "$0" | sed 's/^# \{0,1\}//'
    exit "${1:-2}"
}

# Options may stand before or after the command; for `exec`, everything
# from NAME on belongs to the command to run.
dir=/run/ovs-flowc-lab
cmd=
bare=
args=()
while [ $# -gt 0 ]; do
    case $1 in
        --dir) [ $# -ge 2 ] || usage; dir=$2; shift 2 ;;
        --dir=*) dir=${1#--dir=}; shift ;;
        --bare) bare=1; shift ;;
        -h|--help) usage 0 ;;
        *)
            if [ -z "$cmd" ]; then
                cmd=$1
            else
                args+=("$1")
                if [ "$cmd" = exec ]; then
                    shift
                    args+=("$@")
                    break
                fi
            fi
            shift ;;
    esac
done
[ -n "$cmd" ] || usage
dir=$(mkdir -p "$dir" && cd "$dir" && pwd) || die "cannot use $dir"
pfx=fl$(printf '%s' "$dir" | md5sum | cut -c1-5)
state=$dir/state

export OVS_RUNDIR=$dir/run OVS_DBDIR=$dir/db OVS_LOGDIR=$dir/log \
       OVS_SYSCONFDIR=$dir/etc
DB=unix:$OVS_RUNDIR/db.sock
vsctl() { ovs-vsctl --db="$DB" --timeout=10 "$@"; }

record() { echo "$*" >> "$state"; }

# --- down --------------------------------------------------------------
lab_down() {
    [ -f "$state" ] || return 0
    # Daemons first (by their pid files), then namespaces, newest first.
    for d in ovs-flowd ovs-vswitchd ovsdb-server; do
        pidf=$OVS_RUNDIR/$d.pid
        if [ -f "$pidf" ]; then
            pid=$(cat "$pidf")
            if kill -0 "$pid" 2>/dev/null; then
                kill "$pid" 2>/dev/null
                for _ in $(seq 50); do
                    kill -0 "$pid" 2>/dev/null || break
                    sleep 0.1
                done
                kill -9 "$pid" 2>/dev/null
            fi
            rm -f "$pidf"
        fi
    done
    tac "$state" | while read -r kind name; do
        case $kind in
            netns) ip netns del "$name" 2>/dev/null ;;
        esac
    done
    rm -f "$state"
    rm -rf "$dir/run" "$dir/db" "$dir/etc" "$dir/flows"
}

# --- up ----------------------------------------------------------------
ns_add() {      # ns_add NAME: a namespace with lo up, recorded.
    ip netns add "$1" || return 1
    record netns "$1"
    ip -n "$1" link set lo up
    ip netns exec "$1" sysctl -qw net.ipv6.conf.all.accept_dad=1 \
        net.ipv6.conf.default.accept_dad=1 2>/dev/null
}

# veth NS1 IF1 NS2 IF2 [MAC2]: a veth pair between two namespaces.
veth() {
    ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" \
        || return 1
    [ -z "${5:-}" ] || ip -n "$3" link set "$4" address "$5" || return 1
    ip netns exec "$1" ethtool -K "$2" tx off >/dev/null 2>&1
    ip netns exec "$3" ethtool -K "$4" tx off >/dev/null 2>&1
    ip -n "$1" link set "$2" up && ip -n "$3" link set "$4" up
}

wait_for() {    # wait_for WHAT SECONDS CMD...
    local what=$1 secs=$2; shift 2
    local end=$((SECONDS + secs))
    until "$@" >/dev/null 2>&1; do
        [ $SECONDS -lt $end ] || { echo "timed out waiting for $what" >&2
                                   return 1; }
        sleep 0.1
    done
}

lab_up() {
    local topo=${args[0]:-}
    [ -n "$topo" ] && [ -f "$topo" ] || die "lab up needs TOPO.json"
    [ ! -f "$state" ] || die "a lab runs in $dir already (lab down first)"
    [ "$(id -u)" = 0 ] || die "the lab needs root"
    topo=$(readlink -f "$topo")

    echo "ovs-flowc lab: $topo in $dir"
    step "check and compile"
    "$FLOWC" check "$topo" || return 1
    mkdir -p "$dir/flows" "$OVS_RUNDIR" "$OVS_DBDIR" "$OVS_LOGDIR" \
             "$OVS_SYSCONFDIR"
    : > "$state"
    record topo "$topo"
    # The lab's bridges are the userspace datapath's (see below).
    "$FLOWC" compile "$topo" -o "$dir/flows" --datapath-type netdev \
        || return 1
    "$PYTHON3" "$here/ovs-flowc-lab-plan.py" "$topo" "$pfx" \
        > "$dir/plan" || return 1

    step "private Open vSwitch (switch namespace $pfx-sw)"
    ns_add "$pfx-sw" || return 1
    ovsdb-tool create "$OVS_DBDIR/conf.db" \
        /usr/share/openvswitch/vswitch.ovsschema || return 1
    # At nice -10, as ovs-ctl(8) starts both daemons on a host (its
    # default): the switch's main loop then comes before a controller's
    # threads, test traffic and attack tools when the cores are short.
    nice -n -10 ovsdb-server "$OVS_DBDIR/conf.db" \
        --remote="punix:$OVS_RUNDIR/db.sock" \
        --detach --no-chdir --pidfile --log-file -vconsole:off || return 1
    ip netns exec "$pfx-sw" nice -n -10 ovs-vswitchd "$DB" \
        --detach --no-chdir --pidfile --log-file -vconsole:off || return 1
    wait_for "ovsdb-server" 10 vsctl --no-wait show || return 1
    vsctl --no-wait init || return 1
    if [ -n "$bare" ]; then
        step "up (bare): switch only"
        return 0
    fi

    # The plan: one line per thing to make (see ovs-flowc-lab-plan.py).
    local kind a b c d e
    local -a v6addrs=()
    while read -r kind a b c d e; do
        case $kind in
        bridge)         # bridge NAME
            step "bridge $a"
            vsctl add-br "$a" -- set bridge "$a" datapath_type=netdev \
                fail_mode=secure \
                protocols=OpenFlow10,OpenFlow13,OpenFlow14,OpenFlow15 \
                || return 1 ;;
        port)           # port BRIDGE NAME NS MAC
            step "port $b on $a: namespace $c, MAC $d"
            ns_add "$c" || return 1
            veth "$pfx-sw" "$b" "$c" eth0 "$d" || return 1
            vsctl add-port "$a" "$b" || return 1 ;;
        iface-id)       # iface-id NAME ID
            vsctl set interface "$a" external_ids:iface-id="$b" \
                || return 1 ;;
        patch)          # patch BRIDGE NAME PEER
            step "patch $b on $a <-> $c"
            vsctl add-port "$a" "$b" -- set interface "$b" type=patch \
                options:peer="$c" || return 1 ;;
        addr)           # addr NS ADDR/LEN; IPv6 once the flows are in
            case $b in
                fe80:*) ip -n "$a" addr add "$b" dev eth0 || return 1 ;;
                *:*) v6addrs+=("$a $b") ;;
                *) ip -n "$a" addr add "$b" dev eth0 || return 1 ;;
            esac ;;
        ll)             # ll NS eui64|none
            if [ "$b" = none ]; then
                ip netns exec "$a" sysctl -qw \
                    net.ipv6.conf.eth0.addr_gen_mode=1 || return 1
                ip -n "$a" link set eth0 down
                ip -n "$a" link set eth0 up
            fi ;;
        quiet)          # quiet NS: no IPv6 on eth0
            ip netns exec "$a" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1 \
                || return 1 ;;
        route)          # route NS default|PREFIX via GW
            ip -n "$a" route add "$b" via "$d" || return 1 ;;
        segment)        # segment UPLINK-BRIDGE UPLINK LANNS: the LAN
            step "LAN behind uplink $b: namespaces $c, ${c/lan-/lanhost-}, ${c/lan-/inet-}"
            ns_add "$c" || return 1
            ip -n "$c" link add br-lan type bridge || return 1
            ip -n "$c" link set br-lan up
            veth "$pfx-sw" "$b" "$c" wan0 || return 1
            ip -n "$c" link set wan0 master br-lan || return 1
            vsctl add-port "$a" "$b" || return 1
            ip netns exec "$c" sysctl -qw net.ipv4.ip_forward=1 \
                net.ipv6.conf.all.forwarding=1 ;;
        router)         # router LANNS ADDR/LEN MAC
            ip -n "$a" link set br-lan address "$c" || return 1
            ip -n "$a" addr add "$b" dev br-lan || return 1 ;;
        lanhost)        # lanhost LANNS HOSTNS ADDR/LEN GW
            ns_add "$b" || return 1
            veth "$a" "lh0" "$b" eth0 || return 1
            ip -n "$a" link set lh0 master br-lan || return 1
            ip -n "$b" addr add "$c" dev eth0 || return 1
            ip -n "$b" route add default via "$d" || return 1 ;;
        inet)           # inet LANNS INETNS ROUTER-ADDR/LEN HOST-ADDR/LEN
            ns_add "$b" || return 1
            veth "$a" "inet0" "$b" eth0 || return 1
            ip -n "$a" addr add "$c" dev inet0 || return 1
            ip -n "$b" addr add "$d" dev eth0 || return 1
            ip -n "$b" route add default via "${c%/*}" || return 1 ;;
        lanroute)       # lanroute LANNS PREFIX GW
            ip -n "$a" route add "$b" via "$c" || return 1 ;;
        *) die "bad plan line: $kind" ;;
        esac
    done < "$dir/plan"

    if [ -n "$FLOWD" ]; then
        step "ovs-flowd pushes the flows"
        "$FLOWD" "$topo" --db="$DB" --detach --no-chdir --pidfile \
            --log-file="$OVS_LOGDIR/ovs-flowd.log" || return 1
        wait_for "ovs-flowd's first sync" 20 lab_flows_synced || return 1
    else
        step "ovs-flowd not built: loading flows with ovs-ofctl"
        local f br
        for f in "$dir"/flows/*.flows; do
            br=$(basename "$f" .flows)
            if [ -f "$dir/flows/$br.meters" ]; then
                while read -r m; do
                    ovs-ofctl -O OpenFlow15 add-meter "$br" "$m" || return 1
                done < "$dir/flows/$br.meters"
            fi
            ovs-ofctl -O OpenFlow15 --bundle replace-flows "$br" "$f" \
                || return 1
            ovs-ofctl set-frags "$br" nx-match || return 1
        done
    fi
    # Global IPv6 addresses are added now that the flows are in, so their
    # duplicate address detection (NS from ::) goes through the pipeline;
    # wait until none is tentative.
    if [ ${#v6addrs[@]} -gt 0 ]; then
        step "IPv6 addresses, with duplicate address detection"
        local v
        for v in "${v6addrs[@]}"; do
            ip -n "${v%% *}" addr add "${v#* }" dev eth0 || return 1
        done
        wait_for "IPv6 DAD" 15 lab_dad_done || return 1
        if ! lab_dad_ok; then
            echo "IPv6 duplicate address detection failed" >&2
            return 1
        fi
    fi
    step "up: $(grep -c '^netns' "$state") namespaces"
}

# True once no namespace of the lab has a tentative IPv6 address (DAD
# needs the switch's flows: checked after they are in, see lab_up).
lab_dad_done() {
    local ns
    for ns in $(sed -n 's/^netns //p' "$state"); do
        ip -n "$ns" -6 addr show tentative 2>/dev/null | grep -q inet6 \
            && return 1
    done
    return 0
}

# True if no address of the lab failed DAD.
lab_dad_ok() {
    local ns
    for ns in $(sed -n 's/^netns //p' "$state"); do
        ip -n "$ns" -6 addr show dadfailed 2>/dev/null | grep -q inet6 \
            && return 1
    done
    return 0
}

# True once every bridge holds as many of our flows as compiled.
lab_flows_synced() {
    local f br want have
    for f in "$dir"/flows/*.flows; do
        br=$(basename "$f" .flows)
        want=$(grep -c '^table=' "$f")
        have=$(ovs-ofctl -O OpenFlow15 dump-flows "$br" \
               cookie=0xfc00000000000000/0xff00000000000000 | grep -c cookie=)
        [ "$have" -ge "$want" ] || return 1
    done
}

lab_status() {
    [ -f "$state" ] || { echo "no lab in $dir"; return 1; }
    echo "lab in $dir: $(sed -n 's/^topo //p' "$state")"
    echo "namespaces:"; sed -n 's/^netns /  /p' "$state"
    echo "ports:"
    vsctl --columns=name,ofport,external_ids list interface \
        | paste - - - - | sed 's/ *: */=/g; s/^/  /'
    for br in $(vsctl list-br); do
        echo "bridge $br: $(ovs-ofctl -O OpenFlow15 dump-flows "$br" \
              cookie=0xfc00000000000000/0xff00000000000000 | grep -c cookie=) flows"
    done
    if [ -f "$OVS_RUNDIR/ovs-flowd.pid" ]; then
        ovs-appctl -t "$OVS_RUNDIR/ovs-flowd.$(cat "$OVS_RUNDIR/ovs-flowd.pid").ctl" \
            flowd/status 2>/dev/null || echo "ovs-flowd: not answering"
    else
        echo "ovs-flowd: not running (flows loaded by ovs-ofctl)"
    fi
}

lab_exec() {
    local name=${args[0]:-}
    [ -n "$name" ] && [ ${#args[@]} -ge 2 ] || die "lab exec NAME CMD..."
    [ -f "$state" ] || die "no lab in $dir"
    grep -qx "netns $pfx-$name" "$state" || die "no namespace for $name"
    exec ip netns exec "$pfx-$name" "${args[@]:1}"
}

case $cmd in
    up)
        if ! lab_up; then
            echo "ovs-flowc lab: failed; rolling back" >&2
            lab_down
            exit 1
        fi ;;
    down) lab_down ;;
    status) lab_status ;;
    exec) lab_exec ;;
    ns) [ -f "$state" ] && echo "$pfx" ;;
    *) usage ;;
esac

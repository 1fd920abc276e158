#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# flowd-taps.sh -- ovs-flowd --attach-taps: a kernel link named like a
# topology port, created by "the hypervisor" without any OVS integration,
# is added to its bridge by ovs-flowd, gets its flows, and its guest
# talks; a link with another name is left alone.  (ovs-flowd runs in the
# switch's network namespace, where the taps are.)
set -u
. "$(dirname "$0")/scenario-lib.sh"
OVS_FLOWD=${OVS_FLOWD:-$builddir/ovs-flowd}
[ "$(id -u)" = 0 ] || { echo "flowd-taps: needs root, skipped"; exit 77; }
sc_name=flowd-taps
sc_dir=$(mktemp -d /tmp/flowc-taps.XXXXXX)
topo=$srcdir/tests/flowd/topology.json
made=()
cleanup() {
    local rc=$?
    [ -f "$sc_dir/flowd.pid" ] && kill "$(cat "$sc_dir/flowd.pid")" 2>/dev/null
    for ns in "${made[@]}"; do ip netns del "$ns" 2>/dev/null; done
    "$OVS_FLOWC" lab down --dir "$sc_dir" >/dev/null 2>&1
    rm -rf "$sc_dir"
    exit $rc
}
trap cleanup EXIT INT TERM
"$OVS_FLOWC" lab up "$topo" --dir "$sc_dir" --bare >/dev/null 2>&1 || exit 1
export OVS_RUNDIR=$sc_dir/run
pfx=$("$OVS_FLOWC" lab ns --dir "$sc_dir")
SW=$pfx-sw
DB=unix:$OVS_RUNDIR/db.sock
ip netns exec "$SW" "$OVS_FLOWD" "$topo" --db="$DB" --create-bridges \
    --attach-taps --detach --pidfile="$sc_dir/flowd.pid" \
    --log-file="$sc_dir/flowd.log" --unixctl="$sc_dir/flowd.ctl" -vconsole:off
tap() {     # tap NAME MAC IP: a guest namespace, its link named NAME
    ip netns add "$pfx-$1" && made+=("$pfx-$1")
    ip link add "$1" netns "$SW" type veth peer name eth0 netns "$pfx-$1"
    ip -n "$pfx-$1" link set eth0 address "$2" up
    ip -n "$pfx-$1" addr add "$3/24" dev eth0
    ip netns exec "$pfx-$1" ethtool -K eth0 tx off >/dev/null 2>&1
    ip -n "$SW" link set "$1" up
}
bound() { ovs-appctl -t "$sc_dir/flowd.ctl" flowd/ports | grep -q "fbr $1 guest ofport=[0-9]"; }
for _ in $(seq 50); do ovs-vsctl --db="$DB" br-exists fbr && break; sleep 0.2; done
tap f1 52:54:00:f0:00:01 192.0.2.91
tap f2 52:54:00:f0:00:02 192.0.2.92
tap stray0 52:54:00:f0:00:77 192.0.2.97
for _ in $(seq 50); do bound f1 && bound f2 && break; sleep 0.2; done
bound f1 && bound f2 && ok "taps f1 and f2 attached to fbr and bound" \
    || bad "taps not attached"
ovs-vsctl --db="$DB" port-to-br stray0 >/dev/null 2>&1 \
    && bad "a link with another name was attached" \
    || ok "a link named like no topology port is left alone"
sleep 1
legit "f1 pings f2 through the attached taps" \
    ip netns exec "$pfx-f1" ping -c 2 -W 2 192.0.2.92
echo "flowd-taps: $sc_pass passed, $sc_fail failed"
[ "$sc_fail" = 0 ]

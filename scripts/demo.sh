#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# demo.sh -- the main job end to end on a fresh Debian 12 machine (as
# root): build ovs-flowc, check every example, bring
# examples/two-bridge-lab.json to life with `ovs-flowc lab` (a private
# Open vSwitch whose switch runs in its own network namespace, guests as
# namespaces; nothing of the host's OVS or network is touched), show the
# guests talking, let one guest try to steal its neighbour's address with
# a forged ARP reply, show that it fails and the drop log that names the
# rule, then take the lab down.
# A bash script: README runs it as `sh scripts/demo.sh`, and Debian's sh
# (dash) stops at the first bash construct, so start bash instead.
[ -n "${BASH_VERSION:-}" ] || exec /bin/bash "$0" "$@"
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
builddir=${BUILDDIR:-$top/build}
# DEMO_NO_BUILD=1: use what is built in BUILDDIR (tests/readme-demo.sh).
[ -n "${DEMO_NO_BUILD:-}" ] || "$top/scripts/build.sh" > /dev/null
flowc=$builddir/ovs-flowc
topo=${1:-$top/examples/two-bridge-lab.json}
lab=$(mktemp -d /tmp/ovs-flowc-demo.XXXXXX)
export OVS_RUNDIR=$lab/run

step() { printf '\n==> %s\n' "$*"; }
cleanup() { "$flowc" lab down --dir "$lab" >/dev/null 2>&1; rm -rf "$lab"; }
trap cleanup EXIT INT TERM

step "ovs-flowc check examples/*.json"
for f in "$top"/examples/*.json; do
    "$flowc" check "$f" && echo "ok   ${f#$top/}"
done

step "ovs-flowc lab up ${topo#$top/}"
"$flowc" lab up "$topo" --dir "$lab"

# The first two guests of one bridge with IPv4: attacker and victim.
read -r br attacker amac victim vip < <(/usr/bin/python3 - "$topo" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
for b in sorted(t["bridges"]):
    g = [(n, p) for n, p in sorted(t["bridges"][b]["ports"].items())
         if p["role"] == "guest" and p.get("ipv4")]
    if len(g) >= 2:
        print(b, g[0][0], g[0][1]["mac"], g[1][0], g[1][1]["ipv4"][0])
        break
PY
)
lx() { "$flowc" lab exec --dir "$lab" "$@"; }

step "$attacker pings its neighbour $victim ($vip): legitimate"
lx "$attacker" ping -c 2 -W 2 "$vip"

step "$attacker sends forged ARP replies claiming $vip is at its MAC"
ovs-ofctl -O OpenFlow15 monitor "$br" 65534 > "$lab/packet-ins" 2>&1 &
mon=$!
sleep 0.5
lx "$victim" timeout 6 tcpdump -n -c 1 -i eth0 "arp and ether src $amac" \
    > "$lab/victim.cap" 2>/dev/null &
cap=$!
sleep 0.5
lx "$attacker" /usr/bin/python3 -c "
from scapy.all import ARP, Ether, sendp
sendp(Ether(src='$amac', dst='ff:ff:ff:ff:ff:ff') /
      ARP(op=2, hwsrc='$amac', psrc='$vip', pdst='$vip',
          hwdst='ff:ff:ff:ff:ff:ff'), iface='eth0', count=3, verbose=False)"
sleep 1
kill $cap $mon 2>/dev/null || true
wait 2>/dev/null || true
if grep -q "is-at" "$lab/victim.cap"; then
    echo "!! the forged ARP reached $victim"; exit 1
fi
echo "$victim received none of the forged replies."
if [ -f "$lab/log/ovs-flowd.log" ]; then
    echo "ovs-flowd logged the drops, naming the rule:"
    for _ in $(seq 20); do
        grep -q "drop: .*port=$attacker " "$lab/log/ovs-flowd.log" && break
        sleep 0.1
    done
    grep "drop: .*port=$attacker " "$lab/log/ovs-flowd.log" | tail -1 \
        | sed 's/^[^ ]*|[0-9]*|rt_log|INFO|/  /'
else
    echo "The switch sent the drop to the controller (metered packet-in):"
    "$flowc" compile "$topo" --bridge "$br" --format json > "$lab/ir.json"
    /usr/bin/python3 - "$lab/ir.json" "$lab/packet-ins" "$attacker" <<'PY'
import json, re, sys
ir = json.load(open(sys.argv[1]))
kinds = {v["id"]: (k, v["description"]) for k, v in ir["kinds"].items()}
ports = {}
for br in ir["bridges"].values():
    for f in br["flows"]:
        if f["port"]:
            ports[(int(f["cookie"], 16) >> 24) & 0xffffff] = f["port"]
text = open(sys.argv[2]).read()
for m in re.finditer(r"cookie=(0x[0-9a-f]+).*?\n(.*?)\n(\S+)", text):
    c = int(m.group(1), 16)
    kind, desc = kinds[(c >> 48) & 0xff]
    if ports.get((c >> 24) & 0xffffff) != sys.argv[3]:
        continue
    print(f"  drop: rule {kind} port {ports.get((c >> 24) & 0xffffff)}"
          f" ({desc}): {m.group(3)[:110]}")
    break
PY
fi

step "the switch's own dump equals ovs-flowc's"
# (The lab's switch is the userspace datapath, whichever datapath_type
# the topology names.)
"$flowc" compile "$topo" -o "$lab/out" --format dump --datapath-type netdev
for d in "$lab"/out/*.dump; do
    b=$(basename "$d" .dump)
    ovs-ofctl -O OpenFlow15 dump-flows --names --no-stats "$b" \
        | LC_ALL=C sort | diff -q - "$d" >/dev/null \
        && echo "  $b: $(wc -l < "$d") flows, identical"
done

step "ovs-flowc lab down"
"$flowc" lab down --dir "$lab"
echo "done."

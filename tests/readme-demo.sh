#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# readme-demo.sh -- README's first command, `sh scripts/demo.sh`, run as
# written (Debian's sh is dash) against this build: it must exit 0, the
# legitimate ping must pass, the forged ARP replies must not reach the
# victim, ovs-flowd must log the drop naming the rule, and every bridge's
# dump must equal ovs-flowc's.
set -u
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${builddir:-$PWD}
[ "$(id -u)" = 0 ] || { echo "readme-demo: needs root, skipped"; exit 77; }
out=$(mktemp /tmp/flowc-demo-out.XXXXXX)
trap 'rm -f "$out"' EXIT
pass=0 fail=0
t() { if "${@:2}"; then echo "ok    $1"; pass=$((pass+1)); else echo "FAIL  $1"; fail=$((fail+1)); fi; }
BUILDDIR=$builddir DEMO_NO_BUILD=1 sh "$srcdir/scripts/demo.sh" > "$out" 2>&1
rc=$?
t "sh scripts/demo.sh exits 0 (it exited $rc)" [ "$rc" = 0 ]
t "the legitimate ping passes" grep -q "2 received, 0% packet loss" "$out"
t "the victim received none of the forged ARP replies" \
    grep -q "received none of the forged replies" "$out"
t "ovs-flowd logged the drop naming the rule" \
    grep -q "drop: bridge=.* rule=arp-guard" "$out"
n=$(/usr/bin/python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['bridges']))" \
    "$srcdir/examples/two-bridge-lab.json")
t "all $n bridges' dumps equal ovs-flowc's" \
    [ "$(grep -c "flows, identical" "$out")" = "$n" ]
[ "$fail" = 0 ] || cat "$out"
echo "readme-demo: $pass passed, $fail failed"
[ "$fail" = 0 ]

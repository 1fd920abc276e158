#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# hostile.sh -- hostile topology input: a 100 MB file, deeply nested JSON,
# 100k and 1M ports, very long names, invalid UTF-8, duplicate keys, NUL bytes.
# Each must end in a clear error or success, within bounded memory (2 GiB
# address space; 4 GiB for 1M ports) and time (60 s), never a crash or a
# hang.
set -u
OVS_FLOWC=${OVS_FLOWC:-./ovs-flowc}
PY=/usr/bin/python3
work=$(mktemp -d /tmp/flowc-hostile.XXXXXX)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0

# run NAME WANT(0|1) FILE [MESSAGE-REGEX]
run() {
    local name=$1 want=$2 file=$3 re=${4:-}
    local rc start=$SECONDS
    ( ulimit -v "${LIMIT_KB:-2097152}"; timeout 60 "$OVS_FLOWC" check "$file" ) \
        > "$work/out" 2>&1
    rc=$?
    if [ "$rc" = "$want" ] && { [ -z "$re" ] || grep -Eq "$re" "$work/out"; }
    then
        echo "ok    $name: exit $rc in $((SECONDS - start)) s$( [ -n "$re" ] && echo ": $(grep -Em1 "$re" "$work/out" | cut -c1-100)")"
        pass=$((pass + 1))
    else
        echo "FAIL  $name: exit $rc (want $want)"; head -5 "$work/out"
        fail=$((fail + 1))
    fi
}

$PY - "$work" <<'PY'
import json, sys
w = sys.argv[1]
def guest(i):
    return {"role": "guest", "mac": "52:54:%02x:%02x:%02x:%02x" % (
        (i >> 24) & 255, (i >> 16) & 255, (i >> 8) & 255, i & 255),
        "ipv6": ["2001:db8::%x:%x" % (i >> 16, i & 0xffff)]}
# 100k ports on one bridge (valid).
ports = {"p%d" % i: guest(i) for i in range(100000)}
json.dump({"version": 1, "bridges": {"big": {"subnets": ["2001:db8::/64"],
          "ports": ports}}}, open(w + "/100k.json", "w"))
# 1M ports (~90 MB, valid).
ports = {"p%d" % i: guest(i) for i in range(1000000)}
json.dump({"version": 1, "bridges": {"big": {"subnets": ["2001:db8::/64"],
          "ports": ports}}}, open(w + "/1m.json", "w"))
del ports
# ~100 MB: the same, padded with a long (valid) subnet list.
with open(w + "/100mb.json", "w") as f:
    f.write('{"version": 1, "bridges": {"big": {"subnets": [')
    f.write(",".join('"2001:db8::/32"' for _ in range(6_500_000)))
    f.write('], "ports": {}}}}')
open(w + "/deep.json", "w").write("[" * 200000 + "]" * 200000)
open(w + "/longname.json", "w").write(json.dumps({"version": 1,
    "bridges": {"b" * 100000: {"ports": {"x" * 100000: {"role": "uplink"}}}}}))
open(w + "/utf8.json", "wb").write(b'{"version": 1, "bridges": {"b\xff\xfe": {"ports": {}}}}')
open(w + "/dup.json", "w").write('{"version": 1, "version": 1, "bridges": {}}')
open(w + "/nul.json", "wb").write(b'{"version": 1,\x00 "bridges": {}}')
PY
run "100k ports" 0 "$work/100k.json"
LIMIT_KB=4194304 run "1M ports (4 GiB address space)" 0 "$work/1m.json"
run "a 100 MB file" 1 "$work/100mb.json" "listed twice"
run "200000 levels of nesting" 1 "$work/deep.json" "too big|nest|depth"
run "100000-character names" 1 "$work/longname.json" "longer than 15"
run "invalid UTF-8" 1 "$work/utf8.json" "UTF-8"
run "duplicate keys" 1 "$work/dup.json" "duplicate"
run "a NUL byte" 1 "$work/nul.json" "NUL"
echo "hostile: $pass passed, $fail failed"
[ "$fail" = 0 ]

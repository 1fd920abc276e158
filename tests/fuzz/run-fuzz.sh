#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# run-fuzz.sh -- `make fuzz`: builds the fuzz target with clang's libFuzzer
# (plus ASan and UBSan), seeds a corpus from the examples, the bad
# topologies and the regressions, and fuzzes for FUZZ_SECONDS (default 60).
# A crashing input is copied to tests/fuzz/regressions/, which `make check`
# replays from then on.  The last lines of the libFuzzer log (executions,
# coverage) are printed for doc/robustness.md.
set -eu
srcdir=${srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
secs=${FUZZ_SECONDS:-60}
out=${FUZZ_DIR:-/tmp/ovs-flowc-fuzz}
mkdir -p "$out/corpus"
cp "$srcdir"/examples/*.json "$srcdir"/tests/bad/*.json \
   "$srcdir"/test-topologies/*/topology.json "$out/corpus/" 2>/dev/null || true
cp "$srcdir"/tests/fuzz/regressions/* "$out/corpus/" 2>/dev/null || true
clang -g -O1 -fsanitize=fuzzer,address,undefined \
    -I"$srcdir/lib" -I"$srcdir/compiler" $(pkg-config --cflags jansson) \
    "$srcdir"/tests/fuzz/fuzz-topology.c "$srcdir"/compiler/topo-*.c \
    "$srcdir"/compiler/model.c "$srcdir"/compiler/pipe*.c \
    "$srcdir"/compiler/emit-ofctl.c "$srcdir"/compiler/emit-json.c \
    "$srcdir"/lib/*.c $(pkg-config --libs jansson) -o "$out/fuzz-topology"
cd "$out"
rc=0
./fuzz-topology -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 \
    -artifact_prefix="$out/" corpus > fuzz.log 2>&1 || rc=$?
tail -3 fuzz.log
for crash in "$out"/crash-* "$out"/leak-* "$out"/timeout-* "$out"/oom-*; do
    [ -f "$crash" ] || continue
    cp "$crash" "$srcdir/tests/fuzz/regressions/"
    echo "run-fuzz: kept $(basename "$crash") in tests/fuzz/regressions/"
done
exit $rc

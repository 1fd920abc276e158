#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# test.sh -- the whole test suite, from a fresh Debian 12 machine (as
# root): installs what is missing, builds libopenvswitch and ovs-flowc,
# runs `make check` (unit, golden, schema, real-switch and namespace
# tests) and prints one summary line.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
builddir=${BUILDDIR:-$top/build}

"$top/scripts/build.sh" || { echo "test: 0 passed, 1 failed (build)"; exit 1; }
cd "$builddir" || exit 1
make -j"$(nproc)" check
rc=$?
log=test-suite.log
pass=$(sed -n 's/^# PASS: *//p' "$log" | head -1)
fail=$(sed -n 's/^# FAIL: *//p' "$log" | head -1)
err=$(sed -n 's/^# ERROR: *//p' "$log" | head -1)
skip=$(sed -n 's/^# SKIP: *//p' "$log" | head -1)
if [ "$rc" != 0 ]; then
    # Show what failed, so CI's log says why.
    for f in $(find . -name '*.log' ! -name test-suite.log ! -name config.log); do
        if grep -q '^:test-result: \(FAIL\|ERROR\)' "${f%.log}.trs" 2>/dev/null; then
            echo "===== $f"
            tail -60 "$f"
        fi
    done
fi

# The unit, golden, fuzz-replay and flow parser suites once more under
# ASan + UBSan.
asan=${BUILDDIR_ASAN:-$top/build-asan}
mkdir -p "$asan"
( cd "$asan" &&
  { [ -f Makefile ] || "$top/configure" --enable-sanitizers >/dev/null; } &&
  make -j"$(nproc)" >/dev/null &&
  make check TESTS="tests/unit/unit-tests tests/golden-check.sh \
       tests/golden-flows.sh tests/fuzz/fuzz-replay.sh \
       tests/flowd-parse.sh" ) > "$builddir/asan.log" 2>&1
asan_rc=$?
if [ "$asan_rc" = 0 ]; then
    echo "sanitizers (ASan + UBSan): unit, golden, fuzz-replay and flow parser suites pass"
    pass=$((${pass:-0} + 1))
else
    echo "sanitizers (ASan + UBSan): FAILED"; tail -40 "$builddir/asan.log"
    fail=$((${fail:-0} + 1))
    rc=1
fi
echo "test: ${pass:-0} passed, $(( ${fail:-0} + ${err:-0} )) failed, ${skip:-0} skipped"
exit $rc

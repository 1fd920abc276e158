#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# valgrind.sh -- ovs-flowc under valgrind (memcheck, leak check) over every
# example (check and compile, all formats) and every bad topology: zero
# errors, zero leaks.  Skipped (77) where valgrind is not installed.
set -u
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
OVS_FLOWC=${OVS_FLOWC:-./ovs-flowc}
command -v valgrind >/dev/null || { echo "valgrind: not installed, skipped"; exit 77; }
work=$(mktemp -d /tmp/flowc-valgrind.XXXXXX)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
vg() {
    valgrind -q --error-exitcode=99 --leak-check=full \
        --errors-for-leak-kinds=definite,indirect "$OVS_FLOWC" "$@" \
        > "$work/out" 2> "$work/err"
    [ $? != 99 ]
}
for f in "$srcdir"/examples/*.json; do
    for fmt in ofctl dump json; do
        if vg compile "$f" -o "$work/o" --format "$fmt"; then
            pass=$((pass + 1))
        else
            echo "FAIL  compile --format $fmt $f"; cat "$work/err"
            fail=$((fail + 1))
        fi
    done
done
for f in "$srcdir"/tests/bad/*.json; do
    if vg check "$f"; then
        pass=$((pass + 1))
    else
        echo "FAIL  check $f"; cat "$work/err"
        fail=$((fail + 1))
    fi
done
echo "valgrind: $pass passed, $fail failed"
[ "$fail" = 0 ]

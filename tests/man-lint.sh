#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# man-lint.sh -- every man page renders without a single warning from
# groff (-ww: all of them), so that a broken macro or a stray control
# character (a font escape written through a string where \f is a form
# feed, as once happened) reaches no reader.
srcdir=${srcdir:-.}
if ! command -v groff >/dev/null 2>&1; then
    echo "man-lint: groff not installed (Debian: groff-base, which scripts/deps.sh installs)"
    exit 77
fi
fail=0 n=0
for page in "$srcdir"/doc/*.[1-8]; do
    n=$((n + 1))
    out=$(LC_ALL=C.UTF-8 groff -man -ww -z "$page" 2>&1)
    if [ -n "$out" ]; then
        echo "FAIL $page:"
        echo "$out" | sed 's/^/    /'
        fail=1
    else
        echo "ok   $page"
    fi
done
[ "$n" -gt 0 ] || { echo "man-lint: no man page found in $srcdir/doc"; exit 1; }
exit $fail

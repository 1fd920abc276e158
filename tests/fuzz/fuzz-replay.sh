#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# fuzz-replay.sh -- replays the fuzz regression corpus, the examples and
# the bad topologies through the fuzz target (no crash, no sanitizer
# report allowed).
srcdir=${srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${builddir:-.}
set -- "$srcdir"/tests/fuzz/regressions/* "$srcdir"/examples/*.json \
       "$srcdir"/tests/bad/*.json "$srcdir"/test-topologies/*/topology.json
files=
for f in "$@"; do [ -f "$f" ] && files="$files $f"; done
# shellcheck disable=SC2086
exec "$builddir/tests/fuzz/fuzz-replay" $files

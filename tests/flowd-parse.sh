#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# flowd-parse.sh -- ovs-flowd's parser of the pipeline's flow text
# (runtime/rt-parse.c) makes of every flow what libopenvswitch's
# parse_ofp_flow_mod_str() makes of its line: tests/flowd/test-parse over
# every example topology, every test topology and a generated bridge of
# 2500 guests (three flood chunks, IPv4 and IPv6, DHCP, a mirror), plus
# the parser's own cases (see test-parse.c); and ovs-flowd's desired and
# installed tables over the same topologies (test-tables.c).  No switch
# needed.
set -u
srcdir=${srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
work=$(mktemp -d /tmp/flowc-parse.XXXXXX)
trap 'rm -rf "$work"' EXIT INT TERM

python3 "$srcdir/bench/gen-topology.py" 2500 1 > "$work/gen.json" || exit 1
# Not exec: the shell stays to run the trap that removes $work.
./tests/flowd/test-parse "$srcdir"/examples/*.json \
    "$srcdir"/test-topologies/*/topology.json "$work/gen.json"
parse_rc=$?
# And the desired and installed tables built from the same topologies
# share their flows as they should (see test-tables.c).
./tests/flowd/test-tables "$srcdir"/examples/*.json \
    "$srcdir"/test-topologies/*/topology.json "$work/gen.json"
tables_rc=$?
[ "$parse_rc" = 0 ] && [ "$tables_rc" = 0 ]

#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# build.sh -- bootstrap, configure and build ovs-flowc in ./build (or
# $BUILDDIR), building libopenvswitch from openvswitch-source on the way
# if needed.  Extra arguments go to configure.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
builddir=${BUILDDIR:-$top/build}

"$top/scripts/deps.sh"
cd "$top"
if [ ! -x configure ] || [ configure.ac -nt configure ]; then
    autoreconf -fi
fi
mkdir -p "$builddir"
cd "$builddir"
if [ ! -f Makefile ] || [ "$top/configure" -nt config.status ] \
   || [ $# -gt 0 ]; then
    "$top/configure" "$@"
fi
make -j"$(nproc)"

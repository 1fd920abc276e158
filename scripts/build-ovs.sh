#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# build-ovs.sh -- build libopenvswitch from Debian's openvswitch-source.
#
# Debian 12 ships no libopenvswitch-dev, and ovsdb-idl.h is not an installed
# header anyway, so ovs-flowc builds against an OVS source tree the way OVN
# does.  This script unpacks the tarball that the `openvswitch-source`
# package installs, configures it and builds only what we link:
# the BUILT_SOURCES and lib/libopenvswitch.la.
#
# The result is cached OUTSIDE the clone, keyed by the package version, so a
# second build (or a second clone) is instant:
#     ${OVS_FLOWC_CACHE:-/var/cache/ovs-flowc}/ovs-<version>/
# On success it prints that directory; configure takes it as
#     --with-ovs-source=DIR --with-ovs-build=DIR
#
# Usage: scripts/build-ovs.sh [--print-dir]
#   --print-dir  only print where the cached tree is (or would be).
set -eu

tarball=/usr/src/openvswitch/openvswitch.tar.gz
cache=${OVS_FLOWC_CACHE:-/var/cache/ovs-flowc}

if ! version=$(dpkg-query -W -f='${Version}' openvswitch-source 2>/dev/null) \
   || [ ! -f "$tarball" ]; then
    echo "build-ovs.sh: $tarball is missing;" \
         "install it with: apt-get install openvswitch-source" >&2
    exit 1
fi
dir=$cache/ovs-$(echo "$version" | tr -c 'A-Za-z0-9.+\n' '_')

if [ "${1:-}" = "--print-dir" ]; then
    echo "$dir"
    exit 0
fi

if [ -f "$dir/.ovs-flowc-built" ]; then
    echo "$dir"
    exit 0
fi

jobs=$(nproc 2>/dev/null || echo 2)
mkdir -p "$cache"
tmp=$(mktemp -d "$cache/build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

echo "build-ovs.sh: building libopenvswitch $version in $dir" >&2
tar xzf "$tarball" -C "$tmp"
src=$tmp/openvswitch
(
    cd "$src"
    # Only the library is needed: no SSL/unbound/etc. beyond what the
    # system OVS uses.  --enable-shared=no gives a static libtool archive
    # that ovs-flowc links with its Libs.private.
    ./configure --enable-silent-rules --disable-shared \
        --prefix=/usr --localstatedir=/var --sysconfdir=/etc >configure.log 2>&1 \
        || { tail -30 configure.log >&2; exit 1; }
    # BUILT_SOURCES (generated headers such as odp-netlink.h) are made
    # only by `make all`; ask the Makefile for the list and make it first.
    built=$(printf 'print-built:\n\t@echo $(BUILT_SOURCES)\n' \
            | make -s -f Makefile -f - print-built)
    make -j"$jobs" $built >make.log 2>&1 \
        || { tail -40 make.log >&2; exit 1; }
    make -j"$jobs" lib/libopenvswitch.la >>make.log 2>&1 \
        || { tail -40 make.log >&2; exit 1; }
) >&2
rm -rf "$dir"
mv "$src" "$dir"
touch "$dir/.ovs-flowc-built"
echo "$dir"

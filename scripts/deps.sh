#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# deps.sh -- install the Debian 12 packages ovs-flowc needs to build and
# test, only those that are missing (so a second run costs nothing).
# Must run as root when anything is missing.
set -eu

PKGS="build-essential autoconf automake pkg-config
libjansson-dev uuid-dev libnl-3-dev libnl-route-3-dev libcunit1-dev
libssl-dev openvswitch-source openvswitch-switch openvswitch-common
python3 python3-jsonschema python3-scapy
iproute2 ethtool tcpdump arping ndisc6 dsniff socat dnsmasq-base iperf3
procps psmisc valgrind clang libclang-rt-14-dev iputils-ping netcat-openbsd
bc time groff-base"

missing=
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null \
         | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done
if [ -z "$missing" ]; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "deps.sh: missing packages:$missing (run as root to install)" >&2
    exit 1
fi
echo "deps.sh: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# Do not let package scripts start the system's Open vSwitch: the tests
# run their own private switch and must not touch the host's.
policy=/usr/sbin/policy-rc.d
made_policy=
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy"
    chmod +x "$policy"
    made_policy=1
fi
trap '[ -z "$made_policy" ] || rm -f "$policy"' EXIT
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing

#!/usr/bin/python3
"""gen-topology.py -- synthetic topologies for the benchmarks: N guests
over B bridges linked in a chain by patch ports, IPv4 + IPv6 guests (a
few with DHCP or listed link-local addresses), one host port per bridge,
a monitor port and a mirror on the first bridge, an uplink on the last;
datapath_type netdev.  Deterministic from the seed.

Usage: gen-topology.py N [B] [SEED] > topo.json"""
import json
import random
import sys


def main():
    n = int(sys.argv[1])
    b = int(sys.argv[2]) if len(sys.argv) > 2 else 4
    rnd = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    bridges = {}
    for k in range(b):
        bridges["br%d" % k] = {
            "subnets": ["192.0.2.0/24", "2001:db8:%x::/48" % k],
            "ports": {}, "log": {"drops": True, "rate_pps": 100},
            # The benchmarks' switch (userspace datapath): ovs-flowd and
            # the compiled file ovs-ofctl loads agree on the ND responder.
            "datapath_type": "netdev",
        }
    # Guests: IPv4 only fits 250 per /24, so most use IPv6 + a shared
    # /24's address where room; deterministic shuffle over bridges.
    v4 = 0
    for i in range(n):
        k = rnd.randrange(b)
        port = {"role": "guest",
                "mac": "52:54:%02x:%02x:%02x:%02x" % (
                    (i >> 24) & 255, (i >> 16) & 255, (i >> 8) & 255,
                    i & 255),
                "ipv6": ["2001:db8:%x:1::%x:%x" % (k, i >> 16, i & 0xffff)]}
        if v4 < 240:
            port["ipv4"] = ["192.0.2.%d" % (10 + v4)]
            v4 += 1
        if i % 50 == 0:
            port["dhcp"] = True
        if i % 97 == 0:
            port["link_local"] = ["fe80::%x:%x" % (i >> 16, i & 0xffff | 1)]
        bridges["br%d" % k]["ports"]["g%d" % i] = port
    for k in range(b):
        br = bridges["br%d" % k]["ports"]
        br["h%d" % k] = {"role": "host", "mac": "52:54:ff:00:00:%02x" % k,
                         "ipv6": ["2001:db8:%x::1" % k],
                         "services": ["dhcp", "dns", "ra"]}
        if k > 0:
            br["pl%d" % k] = {"role": "patch", "peer": "br%d/pr%d" % (k - 1, k - 1)}
        if k < b - 1:
            br["pr%d" % k] = {"role": "patch", "peer": "br%d/pl%d" % (k + 1, k + 1)}
    bridges["br%d" % (b - 1)]["ports"]["up0"] = {"role": "uplink"}
    bridges["br0"]["ports"]["mon0"] = {"role": "monitor"}
    bridges["br0"]["mirrors"] = {"all": {"to": "mon0", "from": "all"}}
    json.dump({"version": 1, "bridges": bridges}, sys.stdout)


if __name__ == "__main__":
    main()

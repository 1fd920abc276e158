#!/usr/bin/env python3
"""ovs-flowc-lab-plan.py -- turns a (checked) topology into the lab's build
plan: one line per thing `ovs-flowc lab up` makes, in order (bridges,
ports with their namespaces and addresses, patch links, and behind every
uplink a LAN segment with a router, a LAN host and an internet host).

Usage: ovs-flowc-lab-plan.py TOPO.json PREFIX  (plan on standard output)

Addressing of what the topology does not describe:
  - NAT uplink: the router is next_hop (its MAC, or 02:00:00:00:fe:01) on
    next_hop's /24; the LAN host is the first free address of that /24
    from .20; the internet host is 203.0.113.10 behind the router
    (203.0.113.1/24).
  - Other uplinks (bridged): the LAN is the bridge's first IPv4 subnet;
    router and LAN host take the highest free addresses of it.
  - Guests route by default via the NAT gateway, else the LAN router of
    a bridged uplink, else the bridge's host port."""
import ipaddress
import json
import sys

LAB_ROUTER_MAC = "02:00:00:00:fe:01"


def main():
    topo = json.load(open(sys.argv[1]))
    pfx = sys.argv[2]
    out = []
    used = set()
    for br in topo["bridges"].values():
        for p in br["ports"].values():
            used.update(p.get("ipv4", []))
        nat = br.get("nat")
        if nat:
            used.update([nat["address"], nat["next_hop"]["ipv4"],
                         nat["gateway"]["ipv4"]])

    def free_in(net, start, step):
        n = ipaddress.ip_network(net, strict=False)
        hosts = list(n.hosts())
        seq = hosts[start::step] if step > 0 else hosts[::-1]
        for a in seq:
            if str(a) not in used:
                used.add(str(a))
                return f"{a}/{n.prefixlen}"
        raise SystemExit(f"no free address in {net}")

    def plen(br, addr):
        a = ipaddress.ip_address(addr)
        for s in br.get("subnets", []):
            n = ipaddress.ip_network(s, strict=False)
            if a in n:
                return n.prefixlen
        return 32 if a.version == 4 else 64

    for name in sorted(topo["bridges"]):
        out.append(f"bridge {name}")
    lans = []
    for bname in sorted(topo["bridges"]):
        br = topo["bridges"][bname]
        nat = br.get("nat")
        gw = None
        if nat:
            gw = nat["gateway"]["ipv4"]
        v4nets = [s for s in br.get("subnets", []) if ":" not in s]
        for pname in sorted(br["ports"]):
            p = br["ports"][pname]
            role = p["role"]
            if role == "uplink":
                lan = f"{pfx}-lan-{pname}"
                out.append(f"segment {bname} {pname} {lan}")
                if nat and nat.get("uplink") == pname:
                    nh = nat["next_hop"]
                    net = ipaddress.ip_network(nh["ipv4"] + "/24",
                                               strict=False)
                    out.append(f"router {lan} {nh['ipv4']}/24 "
                               f"{nh.get('mac', LAB_ROUTER_MAC)}")
                    host = free_in(str(net), 19, 1)
                    out.append(f"lanhost {lan} {pfx}-lanhost-{pname} "
                               f"{host} {nh['ipv4']}")
                elif v4nets:
                    router = free_in(v4nets[0], -1, -1)
                    out.append(f"router {lan} {router} {LAB_ROUTER_MAC}")
                    host = free_in(v4nets[0], -1, -1)
                    out.append(f"lanhost {lan} {pfx}-lanhost-{pname} "
                               f"{host} {router.split('/')[0]}")
                    if not gw:
                        gw = router.split("/")[0]
                else:
                    continue
                out.append(f"inet {lan} {pfx}-inet-{pname} 203.0.113.1/24 "
                           f"203.0.113.10/24")
            elif role == "patch":
                out.append(f"patch {bname} {pname} "
                           f"{p['peer'].split('/', 1)[1]}")
        hosts = [br["ports"][n] for n in sorted(br["ports"])
                 if br["ports"][n]["role"] == "host"
                 and br["ports"][n].get("ipv4")]
        if not gw and hosts:
            gw = hosts[0]["ipv4"][0]
        for pname in sorted(br["ports"]):
            p = br["ports"][pname]
            role = p["role"]
            if role not in ("guest", "host", "monitor"):
                continue
            ns = f"{pfx}-{pname}"
            mac = p.get("mac")
            if not mac:
                h = sum(map(ord, pname)) & 0xffff
                mac = f"02:00:00:ee:{h >> 8:02x}:{h & 0xff:02x}"
            out.append(f"port {bname} {pname} {ns} {mac}")
            if role == "monitor":
                # A monitor only listens: keep its namespace quiet (no
                # IPv6 autoconfiguration chatter to be dropped and logged).
                out.append(f"quiet {ns}")
            if p.get("iface_id"):
                out.append(f"iface-id {pname} {p['iface_id']}")
            ll = p.get("link_local", "eui64")
            if isinstance(ll, list):
                out.append(f"ll {ns} none")
                for a in ll:
                    out.append(f"addr {ns} {a}/64")
            for a in p.get("ipv4", []):
                out.append(f"addr {ns} {a}/{plen(br, a)}")
            for a in p.get("ipv6", []):
                out.append(f"addr {ns} {a}/{plen(br, a)}")
            if role == "guest" and gw and p.get("ipv4"):
                out.append(f"route {ns} default via {gw}")
    print("\n".join(out))


if __name__ == "__main__":
    main()

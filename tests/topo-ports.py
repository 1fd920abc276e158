#!/usr/bin/env python3
"""topo-ports.py -- list the bridges and ports of a topology for the test
scripts: one line per port, "BRIDGE PORT ROLE PEER" (PEER is the patch
peer's port name, or "-").  Bridges come first as "BRIDGE - bridge -"."""
import json
import sys


def main():
    with open(sys.argv[1]) as f:
        topo = json.load(f)
    for br in sorted(topo["bridges"]):
        print(f"{br} - bridge -")
    for br in sorted(topo["bridges"]):
        for name, port in sorted(topo["bridges"][br]["ports"].items()):
            peer = port.get("peer", "-/-").split("/", 1)[1]
            print(f"{br} {name} {port['role']} {peer}")


if __name__ == "__main__":
    main()

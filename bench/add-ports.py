#!/usr/bin/python3
"""add-ports.py -- adds many ports to a bridge fast, for the benchmarks:
one OVSDB transaction per 2000 ports, sent straight to ovsdb-server's
socket.  ovs-vsctl reads the whole database and checks every name it
adds against every port, so that adding 5000 ports to a bridge of 10k
took it minutes; a transaction of plain inserts takes seconds.

Usage: add-ports.py [--wait] SOCKET BRIDGE TYPE < PORTS
PORTS has one "OFPORT NAME" line per port; TYPE is "patch" (a patch port
whose peer does not exist) or another interface type (e.g. "dummy").
With --wait, does what ovs-vsctl does after a change: each transaction
also increments Open_vSwitch's next_cfg, and the script returns once
ovs-vswitchd has applied it (cur_cfg caught up) and every interface
added has its ofport, polled with "select"s of those rows, which cost
ovsdb-server nothing like ovs-vsctl's reading of the whole database.
Exits 1 with the server's error if a transaction fails."""
import json
import socket
import sys
import time

BATCH = 2000


def transact(sock, dec, params, txn_id):
    sock.sendall(json.dumps({"method": "transact", "params": params,
                             "id": txn_id}).encode())
    buf = ""
    while True:
        chunk = sock.recv(1 << 20)
        if not chunk:
            sys.exit("add-ports: ovsdb-server closed the connection")
        buf += chunk.decode()
        try:
            msg, end = dec.raw_decode(buf)
        except ValueError:
            continue
        buf = buf[end:].lstrip()
        if msg.get("id") != txn_id:
            continue                    # An echo or a notification.
        errors = [r for r in msg.get("result") or [] if r and "error" in r]
        if msg.get("error") or errors:
            sys.exit("add-ports: %s" % (msg.get("error") or errors[:2]))
        return msg["result"]


def wait_applied(sock, dec, next_cfg, names, txn_id):
    """Returns once ovs-vswitchd's cur_cfg is at least 'next_cfg' and
    every interface in 'names' has an ofport."""
    while True:
        result = transact(sock, dec, ["Open_vSwitch", {
            "op": "select", "table": "Open_vSwitch", "where": [],
            "columns": ["cur_cfg"]}], txn_id)
        if result[0]["rows"][0]["cur_cfg"] >= next_cfg:
            break
        time.sleep(0.01)
    while names:
        ops = [{"op": "select", "table": "Interface",
                "where": [["name", "==", n]], "columns": ["name", "ofport"]}
               for n in names]
        result = transact(sock, dec, ["Open_vSwitch"] + ops, txn_id)
        names = [n for n, r in zip(names, result)
                 if not r["rows"] or r["rows"][0]["ofport"] == ["set", []]]
        if names:
            time.sleep(0.05)


def main():
    args = sys.argv[1:]
    wait = args[:1] == ["--wait"]
    path, bridge, iface_type = args[1:4] if wait else args[:3]
    ports = [line.split() for line in sys.stdin if line.strip()]
    sock = socket.socket(socket.AF_UNIX)
    sock.connect(path)
    dec = json.JSONDecoder()
    for k in range(0, len(ports), BATCH):
        ops, names = [], []
        for ofport, name in ports[k:k + BATCH]:
            row = {"name": name, "type": iface_type,
                   "ofport_request": int(ofport)}
            if iface_type == "patch":
                row["options"] = ["map", [["peer", "absent-" + name]]]
            ops.append({"op": "insert", "table": "Interface",
                        "uuid-name": "i" + ofport, "row": row})
            ops.append({"op": "insert", "table": "Port",
                        "uuid-name": "p" + ofport,
                        "row": {"name": name,
                                "interfaces": ["named-uuid", "i" + ofport]}})
            names.append(["named-uuid", "p" + ofport])
        ops.append({"op": "mutate", "table": "Bridge",
                    "where": [["name", "==", bridge]],
                    "mutations": [["ports", "insert", ["set", names]]]})
        if wait:
            ops.append({"op": "mutate", "table": "Open_vSwitch",
                        "where": [], "mutations": [["next_cfg", "+=", 1]]})
            ops.append({"op": "select", "table": "Open_vSwitch",
                        "where": [], "columns": ["next_cfg"]})
        result = transact(sock, dec, ["Open_vSwitch"] + ops, k + 1)
        if wait:
            wait_applied(sock, dec, result[-1]["rows"][0]["next_cfg"],
                         [n for _, n in ports[k:k + BATCH]], 0)


if __name__ == "__main__":
    main()

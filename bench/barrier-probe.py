#!/usr/bin/python3
"""barrier-probe.py -- how long ovs-vswitchd takes to answer a bare
OpenFlow barrier sent the moment an interface's ofport appears in OVSDB:
the floor under ovs-flowd's incremental latency, which starts at the
same instant and ends at the reply to the bundle of the port's flows.

Usage: barrier-probe.py DB_SOCKET OPENFLOW_SOCKET NAME [TIMEOUT_S]
Connects to ovsdb-server (a monitor_cond on the Interface row named
NAME, so that a bridge of 100k ports costs the server nothing) and to
the bridge's OpenFlow socket (e.g. its .mgmt socket; OpenFlow 1.5
hello), prints "ready" on stderr, then waits for the row's ofport.  The
moment an update gives it one, sends OFPT_BARRIER_REQUEST and prints on
stdout NAME, the milliseconds until OFPT_BARRIER_REPLY and the wall-clock
instant (seconds since the epoch, UTC) at which it saw the ofport: the
start of ovs-flowd's latency, which ovs-flowd's own log may place later
when its main loop reads OVSDB late.  Answers the switch's
echo requests meanwhile.  Exits 1 with a message on a timeout (default
600 s) or a closed connection."""
import json
import select
import socket
import struct
import sys
import time

OFP15 = 6
OFPT_HELLO, OFPT_ECHO_REQUEST, OFPT_ECHO_REPLY = 0, 2, 3
OFPT_BARRIER_REQUEST, OFPT_BARRIER_REPLY = 20, 21


def of_msg(msg_type, xid, body=b""):
    return struct.pack("!BBHI", OFP15, msg_type, 8 + len(body), xid) + body


def of_read(sock, buf):
    """Returns (messages, rest): the whole OpenFlow messages in 'buf' plus
    what 'sock' has now, as (type, xid, body) triples."""
    chunk = sock.recv(1 << 16)
    if not chunk:
        sys.exit("barrier-probe: the switch closed the OpenFlow connection")
    buf += chunk
    msgs = []
    while len(buf) >= 8:
        _, msg_type, length, xid = struct.unpack("!BBHI", buf[:8])
        if len(buf) < length:
            break
        msgs.append((msg_type, xid, buf[8:length]))
        buf = buf[length:]
    return msgs, buf


def has_ofport(update, name):
    """True if an update2 notification gives interface 'name' an
    ofport."""
    for row in update.get("Interface", {}).values():
        new = row.get("initial") or row.get("insert") or row.get("modify")
        if not new:
            continue
        ofport = new.get("ofport")
        if isinstance(ofport, int) and 0 < ofport < 0xff00:
            return True
    return False


def main():
    db_path, of_path, name = sys.argv[1:4]
    deadline = time.monotonic() + float(sys.argv[4] if len(sys.argv) > 4
                                        else 600)
    db = socket.socket(socket.AF_UNIX)
    db.connect(db_path)
    db.sendall(json.dumps({"method": "monitor_cond", "id": 0, "params": [
        "Open_vSwitch", None,
        {"Interface": [{"columns": ["name", "ofport"],
                        "where": [["name", "==", name]]}]}]}).encode())
    of = socket.socket(socket.AF_UNIX)
    of.connect(of_path)
    of.sendall(of_msg(OFPT_HELLO, 1))
    dec, dbuf, obuf = json.JSONDecoder(), "", b""
    db_ready = of_ready = said_ready = False
    sent = seen = None
    while time.monotonic() < deadline:
        rl, _, _ = select.select([db, of], [], [], 1.0)
        if of in rl:
            msgs, obuf = of_read(of, obuf)
            for msg_type, xid, body in msgs:
                if msg_type == OFPT_HELLO:
                    of_ready = True
                elif msg_type == OFPT_ECHO_REQUEST:
                    of.sendall(of_msg(OFPT_ECHO_REPLY, xid, body))
                elif msg_type == OFPT_BARRIER_REPLY and sent is not None:
                    print("%s %.3f %.6f" % (name, (time.perf_counter() - sent)
                                            * 1000, seen))
                    return
        if db in rl:
            chunk = db.recv(1 << 20)
            if not chunk:
                sys.exit("barrier-probe: ovsdb-server closed the connection")
            dbuf += chunk.decode()
            while dbuf:
                try:
                    msg, end = dec.raw_decode(dbuf)
                except ValueError:
                    break
                dbuf = dbuf[end:].lstrip()
                if msg.get("method") == "echo":
                    db.sendall(json.dumps({"result": msg["params"],
                                           "id": msg["id"]}).encode())
                    continue
                if msg.get("id") == 0:
                    if msg.get("error"):
                        sys.exit("barrier-probe: %s" % msg["error"])
                    update = msg.get("result") or {}
                    db_ready = True
                elif msg.get("method") == "update2":
                    update = msg["params"][1]
                else:
                    continue
                if sent is None and has_ofport(update, name):
                    seen, sent = time.time(), time.perf_counter()
                    of.sendall(of_msg(OFPT_BARRIER_REQUEST, 2))
        if db_ready and of_ready and not said_ready:
            said_ready = True
            print("ready", file=sys.stderr, flush=True)
    sys.exit("barrier-probe: no ofport for %s, or no barrier reply, in time"
             % name)


if __name__ == "__main__":
    main()

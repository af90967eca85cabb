#!/usr/bin/env python3
"""Records the messages between a client (ovs-ofctl, ovsdb-client) and an
Open vSwitch daemon, for the byte captures the OpenFlow and OVSDB codecs
are tested against (tests/ovs/captures/).  Listens on unix socket LISTEN,
relays each connection to TARGET (a unix socket path, or tcp:IP:PORT), and
appends one line per message to OUT: "<direction> <hex>", direction "c"
(client -> daemon) or "s".  MODE "ofp" cuts OpenFlow messages by their
length field and leaves out the table-features and port-description
multiparts ovs-ofctl asks for (long, and not what the codec speaks);
MODE "json" cuts the JSON-RPC objects that OVSDB sends back to back.

    capture-proxy.py MODE LISTEN TARGET OUT
"""
import json
import os
import selectors
import socket
import sys


def split_ofp(buf):
    msgs = []
    while len(buf) >= 8:
        n = int.from_bytes(buf[2:4], "big")
        if n < 8 or len(buf) < n:
            break
        msgs.append(buf[:n])
        buf = buf[n:]
    msgs = [m for m in msgs
            if not (m[1] in (18, 19) and m[8:10] in (b"\x00\x0c", b"\x00\x0d"))]
    return msgs, buf


def split_json(buf):
    msgs = []
    dec = json.JSONDecoder()
    while buf.strip():
        lead = len(buf) - len(buf.lstrip())
        try:
            text = buf[lead:].decode()
            _, end = dec.raw_decode(text)
        except (UnicodeDecodeError, ValueError):
            break
        n = lead + len(text[:end].encode())
        msgs.append(buf[lead:n])
        buf = buf[n:]
    return msgs, buf


def connect(target):
    if target.startswith("tcp:"):
        host, port = target[4:].rsplit(":", 1)
        t = socket.create_connection((host, int(port)))
    else:
        t = socket.socket(socket.AF_UNIX)
        t.connect(target)
    return t


def main():
    mode, listen, target, out = sys.argv[1:5]
    split = split_json if mode == "json" else split_ofp
    if os.path.exists(listen):
        os.unlink(listen)
    srv = socket.socket(socket.AF_UNIX)
    srv.bind(listen)
    srv.listen(4)
    sel = selectors.DefaultSelector()
    sel.register(srv, selectors.EVENT_READ)
    peers = {}
    bufs = {}
    log = open(out, "a", buffering=1)
    while True:
        for key, _ in sel.select():
            s = key.fileobj
            if s is srv:
                c, _ = srv.accept()
                t = connect(target)
                peers[c] = (t, "c")
                peers[t] = (c, "s")
                bufs[c] = bufs[t] = b""
                sel.register(c, selectors.EVENT_READ)
                sel.register(t, selectors.EVENT_READ)
                continue
            data = s.recv(65536)
            other, d = peers[s]
            if not data:
                for x in (s, other):
                    sel.unregister(x)
                    x.close()
                    del peers[x]
                continue
            other.sendall(data)
            msgs, bufs[s] = split(bufs[s] + data)
            for m in msgs:
                log.write("%s %s\n" % (d, m.hex()))


main()

#!/usr/bin/env python3
"""Records the OpenFlow messages between a client (ovs-ofctl) and a bridge's
management socket, for the byte captures the OpenFlow codec is tested
against (tests/ovs/captures/).  Listens on unix socket LISTEN, relays each
connection to unix socket TARGET, and appends one line per message to OUT:
"<direction> <hex>", direction "c" (client -> switch) or "s".  The
table-features and port-description multiparts ovs-ofctl asks for are
left out: long, and not what the codec speaks.

    ofp-proxy.py LISTEN TARGET OUT
"""
import os
import selectors
import socket
import sys


def split(buf):
    msgs = []
    while len(buf) >= 8:
        n = int.from_bytes(buf[2:4], "big")
        if n < 8 or len(buf) < n:
            break
        msgs.append(buf[:n])
        buf = buf[n:]
    return msgs, buf


def main():
    listen, target, out = sys.argv[1:4]
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
                t = socket.socket(socket.AF_UNIX)
                t.connect(target)
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
                if m[1] in (18, 19) and m[8:10] in (b"\x00\x0c", b"\x00\x0d"):
                    continue  # table features, port descriptions: long, unused
                log.write("%s %s\n" % (d, m.hex()))


main()

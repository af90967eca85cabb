#!/usr/bin/env python3
"""A notification receiver for slicer's tests: a real HTTP server on
127.0.0.1 that records what slicerd sends.

usage: receiver.py PORT_FILE LOG [PORT]

- GET (a subscription's callback test) is answered with the status in
  LOG.get-status (default 204), after the seconds in LOG.get-delay
  (default none), and logged;
- POST (a notification) is logged as one JSON line
  {"method", "path", "auth", "body"} and answered with the status in
  LOG.post-status (default 204).
The bound port goes to PORT_FILE once the server listens.  PORT 0 (the
default) takes a free port; giving the old one starts it again there.
"""
import http.server
import json
import os
import sys
import time


def status(path, default):
    try:
        with open(path) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return default


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def record(self, body):
        line = json.dumps({"method": self.command, "path": self.path,
                           "auth": self.headers.get("Authorization"),
                           "body": body})
        with open(self.server.log, "a") as f:
            f.write(line + "\n")

    def reply(self, code):
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        self.record(None)
        time.sleep(status(self.server.log + ".get-delay", 0))
        self.reply(status(self.server.log + ".get-status", 204))

    def do_POST(self):
        size = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(size)
        try:
            body = json.loads(raw)
        except ValueError:
            body = raw.decode("utf-8", "replace")
        code = status(self.server.log + ".post-status", 204)
        if 200 <= code < 300:
            self.record(body)
        self.reply(code)


def main():
    port_file, log = sys.argv[1], sys.argv[2]
    port = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    server = http.server.HTTPServer(("127.0.0.1", port), Handler)
    server.log = log
    tmp = port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(tmp, port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""A small HTTP service for the unit examples in docs/systemd.md.

It answers every GET with a line naming how it was started, and it does
what a real daemon does, each on request:
  --port N         listen on 127.0.0.1:N (default: the socket systemd passed
                   as descriptor 3, with LISTEN_FDS=1 and LISTEN_PID=our pid)
  --notify         tell systemd READY=1 through $NOTIFY_SOCKET from the main pid
  --daemon FILE    fork, write the child's pid to FILE, and let the parent exit
SIGHUP logs "reloaded" (ExecReload=); SIGTERM ends it with status 0.
"""
import http.server
import os
import signal
import socket
import sys


def notify(state):
    path = os.environ.get("NOTIFY_SOCKET")
    if not path:
        sys.exit("example-server: --notify, but NOTIFY_SOCKET is not set")
    if path.startswith("@"):
        path = "\0" + path[1:]
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        s.connect(path)
        s.sendall(state.encode())


def listener(args):
    if "--port" in args:
        port = int(args[args.index("--port") + 1])
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
        s.listen(16)
        return s, "port %d" % port
    if os.environ.get("LISTEN_PID") != str(os.getpid()) or os.environ.get("LISTEN_FDS") != "1":
        sys.exit("example-server: no --port and no socket passed by systemd")
    return socket.socket(fileno=3), "socket activation"


class Handler(http.server.BaseHTTPRequestHandler):
    how = ""

    def do_GET(self):
        body = ("example-server: %s, pid %d, uid %d\n" % (Handler.how, os.getpid(), os.getuid())).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


def main(args):
    sock, Handler.how = listener(args)
    if "--daemon" in args:
        pidfile = args[args.index("--daemon") + 1]
        if os.fork():
            os._exit(0)
        os.setsid()
        with open(pidfile, "w") as f:
            f.write("%d\n" % os.getpid())
        Handler.how += ", daemonised"
    signal.signal(signal.SIGHUP, lambda *_: print("example-server: reloaded", flush=True))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server = http.server.HTTPServer(("127.0.0.1", 0), Handler, bind_and_activate=False)
    server.socket.close()
    server.socket = sock
    if "--notify" in args:
        notify("READY=1")
    print("example-server: serving (%s)" % Handler.how, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1:])

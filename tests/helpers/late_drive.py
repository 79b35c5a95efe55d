#!/usr/bin/python3
# Drive a late-hardened server for tests/t/45-late.t, inside a network
# namespace of the test's own:
#   late_drive.py MODE PORT -- HARDEN-EXEC-COMMAND...
# MODE lateserver: wait for "accept:", read every thread's status, send a
#                  byte, read the answer.
# MODE http:       wait until the port answers, GET /, read every thread's
#                  status and /proc/PID/environ, then stop the server.
# Prints one "key: value" line per observation.
import os, signal, socket, subprocess, sys, time, urllib.request

mode, port = sys.argv[1], int(sys.argv[2])
cmd = sys.argv[sys.argv.index("--") + 1:]
proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

def tree(pid):
    """Every descendant of pid (harden-exec stays as the service's supervisor)."""
    out = []
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            kids = open(f"/proc/{pid}/task/{tid}/children").read().split()
        except OSError:
            continue
        for k in map(int, kids):
            out += [k] + tree(k)
    return out

def service():
    return (tree(proc.pid) or [proc.pid])[0]

def threads():
    for pid in tree(proc.pid):
        for tid in sorted(os.listdir(f"/proc/{pid}/task")):
            f = dict(l.split(":", 1) for l in open(f"/proc/{pid}/task/{tid}/status"))
            get = lambda k: " ".join(f[k].split())
            print(f"thread: Uid={get('Uid')} Gid={get('Gid')} CapPrm={get('CapPrm')} CapEff={get('CapEff')} "
                  f"CapAmb={get('CapAmb')} NoNewPrivs={get('NoNewPrivs')} Seccomp={get('Seccomp')} "
                  f"filters={get('Seccomp_filters')}")

def settle():
    # The trigger runs in the server: give every thread's state a moment.
    time.sleep(0.3)

deadline = time.time() + 20
if mode == "lateserver":
    lines = []
    while time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.strip())
        if line.startswith("threads:"):
            break
    try:
        c = socket.create_connection(("127.0.0.1", port), timeout=10)
    except OSError as e:
        # The server ended (or never listened): say what it printed and
        # how it ended, below, instead of a traceback.
        print("answer: error", e)
        c = None
    if c:
        settle()
        threads()
        c.sendall(b"x")
        try:
            print("answer:", c.recv(16).decode().strip() or "(none)")
        except OSError as e:
            print("answer: error", e)
else:
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            break
        except OSError:
            time.sleep(0.1)
    r = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)
    print("http:", r.status, len(r.read()))
    settle()
    threads()
    env = open(f"/proc/{service()}/environ", "rb").read().split(b"\0")
    print("environ:", " ".join(e.split(b"=")[0].decode() for e in env if e))
    proc.send_signal(signal.SIGTERM)
    lines = []
try:
    out, err = proc.communicate(timeout=10)
except subprocess.TimeoutExpired:
    proc.kill()
    out, err = proc.communicate()
for l in lines + out.splitlines():
    print("out:", l)
for l in err.splitlines():
    print("err:", l)
print("status:", proc.returncode)

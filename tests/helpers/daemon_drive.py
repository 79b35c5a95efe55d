#!/usr/bin/python3
# Drive a real daemon started by harden-exec in late mode, for
# tests/t/46-late-daemons.t, inside the test's own network namespace:
#
#   daemon_drive.py --port P --client http|redis|memcached|ssh [--key FILE]
#                   [--settle SECONDS] [--verify POLICY] -- HARDEN-EXEC-COMMAND...
#
# Waits until the port answers, asks the daemon with its real client, waits
# past the late deadline, prints the state of every thread of every process
# below harden-exec (its supervisor), runs `harden-exec verify POLICY PID`
# on each of those processes (harden-exec: the command's first word),
# prints how the first one is jailed, asks again, stops the tree with
# SIGTERM to harden-exec and reports the status and what is left.
# Every step is bounded in time. One "key: value" line per observation.
import argparse, os, signal, socket, subprocess, sys, time

ap = argparse.ArgumentParser()
ap.add_argument("--port", type=int, required=True)
ap.add_argument("--client", required=True)
ap.add_argument("--key")
ap.add_argument("--settle", type=float, default=3.5)
ap.add_argument("--verify")
ap.add_argument("cmd", nargs=argparse.REMAINDER)
a = ap.parse_args()
cmd = a.cmd[1:] if a.cmd[:1] == ["--"] else a.cmd

err = open(os.environ.get("DRIVE_ERR", "/dev/null"), "w+")
proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)


def tree(pid):
    out = []
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            kids = open(f"/proc/{pid}/task/{tid}/children").read().split()
        except OSError:
            continue
        for k in map(int, kids):
            out += [k] + tree(k)
    return out


def client():
    try:
        if a.client == "http":
            r = subprocess.run(["curl", "-s", "-m", "5", f"http://127.0.0.1:{a.port}/"],
                               capture_output=True, text=True, timeout=10)
            return r.stdout.strip().splitlines()[0] if r.stdout.strip() else f"(curl exit {r.returncode})"
        if a.client == "redis":
            cli = ["redis-cli", "-h", "127.0.0.1", "-p", str(a.port)]
            s = subprocess.run(cli + ["set", "k", "hardened"], capture_output=True, text=True, timeout=10)
            g = subprocess.run(cli + ["get", "k"], capture_output=True, text=True, timeout=10)
            return " ".join((s.stdout + " " + g.stdout).split())
        if a.client == "memcached":
            c = socket.create_connection(("127.0.0.1", a.port), timeout=5)
            c.sendall(b"set k 0 0 8\r\nhardened\r\nget k\r\n")
            data = b""
            while not data.endswith(b"END\r\n"):
                b = c.recv(4096)
                if not b:
                    break
                data += b
            c.close()
            return data.decode().replace("\r\n", " ").strip()
        if a.client == "ssh":
            r = subprocess.run(["ssh", "-i", a.key, "-p", str(a.port), "-o", "BatchMode=yes",
                                "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                                "-o", "ConnectTimeout=5", "-o", "LogLevel=ERROR", "root@127.0.0.1",
                                "echo ssh-ok $(grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status | tr -s '\\t\\n' '  ')"],
                               capture_output=True, text=True, timeout=20)
            return (r.stdout.strip() or "(ssh exit %d: %s)" % (r.returncode, r.stderr.strip()[:300]))
    except Exception as e:  # the daemon may have died: say so
        return "(error %s)" % e
    return "(unknown client)"


def wait_port():
    end = time.time() + 20
    while time.time() < end:
        if proc.poll() is not None and not tree(proc.pid):
            return False
        try:
            socket.create_connection(("127.0.0.1", a.port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


def states():
    seen = []
    for pid in tree(proc.pid):
        try:
            tids = sorted(os.listdir(f"/proc/{pid}/task"))
            comm = open(f"/proc/{pid}/comm").read().strip()
        except OSError:
            continue
        seen.append(pid)
        for tid in tids:
            try:
                f = dict(l.split(":", 1) for l in open(f"/proc/{pid}/task/{tid}/status") if ":" in l)
            except OSError:
                continue
            g = lambda k: " ".join(f[k].split())
            print(f"thread: {comm} Uid={g('Uid')} Gid={g('Gid')} CapInh={g('CapInh')} CapPrm={g('CapPrm')} "
                  f"CapEff={g('CapEff')} CapAmb={g('CapAmb')} NoNewPrivs={g('NoNewPrivs')} Seccomp={g('Seccomp')}")
    return seen


print("ready:", "yes" if wait_port() else "no", flush=True)
print("client1:", client(), flush=True)
time.sleep(a.settle)  # past the deadline: whatever was not hardened is gone now
pids = states()
print("processes:", len(pids))
for pid in pids if a.verify else []:
    try:
        r = subprocess.run([cmd[0], "verify", a.verify, str(pid)], capture_output=True, text=True, timeout=10)
        print(f"verify: {pid} exit {r.returncode} {' '.join((r.stdout + r.stderr).split())[:300]}")
    except subprocess.TimeoutExpired:
        print(f"verify: {pid} timed out")
for pid in pids[:1]:  # the jail of the profile, seen in the daemon's first process
    try:
        root = [l.split()[5].split(",")[0] for l in open(f"/proc/{pid}/mountinfo") if l.split()[4] == "/"][-1]
        ipc = "own" if os.readlink(f"/proc/{pid}/ns/ipc") != os.readlink("/proc/self/ns/ipc") else "host's"
        cg = "harden-exec" if any("/harden-exec." in l for l in open(f"/proc/{pid}/cgroup")) else "none"
        print(f"jail: root {root}, ipc {ipc}, cgroup {cg}")
    except (OSError, IndexError) as e:
        print(f"jail: ({e})")
print("supervisor-alive:", "yes" if proc.poll() is None else "no (exit %s)" % proc.returncode)
print("client2:", client(), flush=True)
pids = set(pids) | set(tree(proc.pid))
proc.send_signal(signal.SIGTERM)
try:
    proc.wait(timeout=15)
except subprocess.TimeoutExpired:
    proc.kill()
    proc.wait()
print("status:", proc.returncode)
time.sleep(0.3)
left = [p for p in pids if os.path.exists(f"/proc/{p}") and
        open(f"/proc/{p}/stat").read().split(") ")[-1][:1] != "Z"]
print("left:", " ".join(map(str, left)) or "none")
for p in left:
    os.kill(p, signal.SIGKILL)  # only processes this driver's command started
err.seek(0)
for l in err.read().splitlines():
    print("err:", l)

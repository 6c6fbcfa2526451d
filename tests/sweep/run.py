#!/usr/bin/env python3
"""The robustness sweeps (issue "Robustness"), as one TAP stream:

1. kill -9 sweep: `rt create` (and `rt run -d`) killed with SIGKILL at a
   series of moments, some chosen by time, some inside hooks. After each:
   `rt list` and `rt state` must work, `rt delete --force` must remove the
   container, and nothing may be left: no state directory, no cgroup named
   after it, no process, no mount of its rootfs.
2. hostile-config sweep: configs derived from `rt spec`'s with hostile
   values (huge strings, huge and negative numbers, wrong types, bad
   paths, symlinks planted in the rootfs, unknown names). Each `rt run`
   must end within its deadline with status 0, or non-zero with a message
   that names what is wrong and is of a sane length; and leave nothing.

Every input tried is printed as a TAP comment; anything left behind is a
failure that says what. Usage: RT=build/rt tests/sweep/run.py [--quick]
"""
import json, os, shutil, signal, subprocess, sys, tempfile, time

RT = os.environ.get("RT") or os.path.join(os.path.dirname(__file__), "../../build/rt")
RT = os.path.abspath(RT)
QUICK = "--quick" in sys.argv
n = 0
failed = 0


def tap(ok, name, notes=()):
    global n, failed
    n += 1
    if not ok:
        failed += 1
    print(("ok %d - %s" if ok else "not ok %d - %s") % (n, name))
    for line in notes:
        print("#   " + line)
    sys.stdout.flush()


def rt(root, *args, timeout=30, **kw):
    return subprocess.run([RT, "--root", root] + list(args), capture_output=True, text=True,
                          timeout=timeout, **kw)


work = tempfile.mkdtemp(prefix="rt-sweep.")
os.chmod(work, 0o755)
rootfs = os.path.join(work, "rootfs")
for d in ("bin", "proc", "sys", "dev", "tmp", "etc", "root"):
    os.makedirs(os.path.join(rootfs, d))
shutil.copy("/bin/busybox", os.path.join(rootfs, "bin/busybox"))
subprocess.run([sys.executable, os.path.join(os.path.dirname(__file__), "../lib/busybox-links.py"),
                os.path.join(rootfs, "bin")], check=True)
with open(os.path.join(rootfs, "etc/passwd"), "w") as f:
    f.write("root:x:0:0:root:/root:/bin/sh\n")

base_dir = os.path.join(work, "base")
os.makedirs(base_dir)
subprocess.run([RT, "spec", "--bundle", base_dir], check=True)
with open(os.path.join(base_dir, "config.json")) as f:
    BASE = json.load(f)
BASE["root"] = {"path": rootfs, "readonly": True}
BASE["process"]["terminal"] = False
BASE["process"]["args"] = ["true"]


def leftovers(root, cid):
    """What a container left behind, as a list of strings."""
    left = []
    if os.path.exists(os.path.join(root, cid)):
        left.append("state directory %s/%s" % (root, cid))
    for base in ["/sys/fs/cgroup"] + [os.path.join("/sys/fs/cgroup", d) for d in os.listdir("/sys/fs/cgroup")]:
        p = os.path.join(base, cid)
        if os.path.isdir(p):
            left.append("cgroup %s" % p)
            try:
                os.rmdir(p)  # the sweep cleans up after itself
            except OSError:
                pass
    with open("/proc/self/mountinfo") as f:
        for line in f:
            if work in line.split()[4]:
                left.append("mount %s" % line.split()[4])
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            if os.readlink("/proc/%s/root" % pid).startswith(rootfs):
                left.append("process %s (%s)" % (pid, open("/proc/%s/comm" % pid).read().strip()))
                os.kill(int(pid), signal.SIGKILL)
        except OSError:
            pass
    return left


# A JSON number too long for Python's int conversion: written as a marker
# string, replaced by the digits in the text.
BIGNUM = "@@BIGNUM@@"


def bundle(cfg, name):
    d = os.path.join(work, "b-" + name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "config.json"), "w") as f:
        f.write(json.dumps(cfg).replace('"%s"' % BIGNUM, "9" * 5000))
    return d


# ------------------------------------------------------------------ kill -9
def kill_sweep():
    root = os.path.join(work, "root-kill")
    hook = os.path.join(work, "slow-hook")
    with open(hook, "w") as f:
        f.write("#!/bin/sh\ntouch \"$1\"\nsleep 0.3\n")
    os.chmod(hook, 0o755)
    points = []
    delays = [0.0005 * i for i in range(0, 60, 3 if QUICK else 1)]
    for d in delays:
        points.append(("create, %.1f ms" % (d * 1000), "create", d, None))
        points.append(("run -d, %.1f ms" % (d * 1000), "run", d, None))
    for kind in ("prestart", "createRuntime", "createContainer", "startContainer", "poststart"):
        points.append(("in the %s hook" % kind, "run" if kind in ("startContainer", "poststart") else "create", None, kind))
    for i, (name, mode, delay, kind) in enumerate(points):
        cid = "sweep-%d-k%d" % (os.getpid(), i)
        cfg = json.loads(json.dumps(BASE))
        cfg["process"]["args"] = ["sleep", "10"]
        marker = os.path.join(work, "marker-%d" % i)
        if kind:
            path = hook if kind != "startContainer" else "/slow-hook"
            cfg["hooks"] = {kind: [{"path": path, "args": ["slow-hook", marker if kind != "startContainer" else "/marker"]}]}
            if kind == "startContainer":
                shutil.copy(hook, os.path.join(rootfs, "slow-hook"))
                marker = os.path.join(rootfs, "marker")
                cfg["root"]["readonly"] = False
        b = bundle(cfg, cid)
        args = [RT, "--root", root, mode] + (["-d"] if mode == "run" else []) + ["--bundle", b, cid]
        p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if kind:
            deadline = time.time() + 5
            while not os.path.exists(marker) and time.time() < deadline and p.poll() is None:
                time.sleep(0.005)
        else:
            time.sleep(delay)
        p.send_signal(signal.SIGKILL)
        p.wait()
        notes = ["input: %s" % " ".join(args[3:])]
        ok = True
        lst = rt(root, "list")
        st = rt(root, "state", cid)
        exists = os.path.exists(os.path.join(root, cid))
        if lst.returncode != 0:
            ok = False
            notes.append("rt list failed: %s" % lst.stderr.strip())
        if exists and cid not in lst.stdout:
            ok = False
            notes.append("rt list leaves out %s, whose state directory exists" % cid)
        if exists and st.returncode != 0:
            ok = False
            notes.append("rt state: %s" % st.stderr.strip())
        d = rt(root, "delete", "--force", cid)
        if d.returncode != 0:
            ok = False
            notes.append("rt delete --force: %s" % d.stderr.strip())
        time.sleep(0.35 if kind else 0)  # a host hook ends by itself
        left = leftovers(root, cid)
        if left:
            ok = False
            notes += ["left behind: " + x for x in left]
        tap(ok, "kill -9 %s: list, state and delete --force work; nothing left" % name, notes)
        for m in (marker, os.path.join(rootfs, "marker")):
            if os.path.exists(m):
                os.unlink(m)
    if os.path.exists(os.path.join(rootfs, "slow-hook")):
        os.unlink(os.path.join(rootfs, "slow-hook"))
    # A create killed between making its directory and renaming it into
    # place leaves "#creating-..."; `rt list` removes those nobody holds
    # once they are a few seconds old.
    half = [e for e in os.listdir(root) if e.startswith("#creating")] if os.path.isdir(root) else []
    if half:
        time.sleep(6)
    rt(root, "list")
    left = [e for e in os.listdir(root) if e.startswith("#creating")] if os.path.isdir(root) else []
    tap(not left, "half-made state directories (%d) are removed by rt list" % len(half),
        ["left behind: " + x for x in left])


# ------------------------------------------------------------------ hostile configs
def hostile_configs():
    big = "x" * (1 << 20)
    cases = []

    def case(name, edit):
        cfg = json.loads(json.dumps(BASE))
        edit(cfg)
        cases.append((name, cfg))

    def setp(path, value):
        def edit(c):
            o = c
            for k in path[:-1]:
                o = o.setdefault(k, {}) if isinstance(k, str) else o[k]
            o[path[-1]] = value
        return edit

    values = [("1 MiB string", big), ("empty string", ""), ("negative", -1), ("2^64", 2 ** 64),
              ("-2^63", -(2 ** 63)), ("5000 digits", BIGNUM), ("float", 1.5),
              ("null", None), ("list", [1, "a"]), ("object", {"a": 1}), ("true", True),
              ("NUL byte", "a\u0000b"), ("../ path", "../../../../etc"), ("magic link", "/proc/self/fd/3")]
    fields = [["hostname"], ["domainname"], ["process", "cwd"], ["process", "args"],
              ["process", "user", "uid"], ["process", "user", "gid"],
              ["process", "user", "additionalGids"], ["process", "env"], ["process", "oomScoreAdj"],
              ["process", "rlimits"], ["process", "capabilities", "bounding"],
              ["root", "path"], ["mounts"], ["linux", "sysctl"], ["linux", "namespaces"],
              ["linux", "resources", "memory", "limit"], ["linux", "resources", "pids", "limit"],
              ["linux", "resources", "cpu", "cpus"], ["linux", "cgroupsPath"],
              ["linux", "maskedPaths"], ["linux", "readonlyPaths"], ["linux", "uidMappings"],
              ["linux", "seccomp"], ["linux", "devices"], ["annotations"], ["hooks"],
              ["process", "apparmorProfile"], ["linux", "timeOffsets"], ["ociVersion"]]
    step = 3 if QUICK else 1
    for fi, field in enumerate(fields):
        for vi, (vname, value) in enumerate(values):
            if (fi + vi) % step:
                continue
            case("%s = %s" % (".".join(field), vname), setp(field, value))
    # structured hostile cases
    case("mount destination through a symlink out of the root",
         lambda c: c["mounts"].append({"destination": "/etc/evil/x", "type": "tmpfs", "source": "tmpfs"}))
    case("bind of a missing source", lambda c: c["mounts"].append(
        {"destination": "/mnt", "type": "bind", "source": "/no/such", "options": ["bind"]}))
    case("1000 mounts", lambda c: c["mounts"].extend(
        {"destination": "/tmp/m%d" % i, "type": "tmpfs", "source": "tmpfs"} for i in range(1000)))
    case("namespace type unknown", lambda c: c["linux"]["namespaces"].append({"type": "nope"}))
    case("namespace path not a namespace", lambda c: c["linux"]["namespaces"].append(
        {"type": "ipc", "path": "/etc/passwd"}) or c["linux"]["namespaces"].remove({"type": "ipc"}))
    case("seccomp 10000 rules", lambda c: c["linux"].__setitem__("seccomp", {
        "defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO",
                      "args": [{"index": 0, "value": i, "op": "SCMP_CMP_EQ"}]} for i in range(10000)]}))
    case("hook that does not exist", lambda c: c.__setitem__("hooks", {"prestart": [{"path": "/no/hook"}]}))
    case("hook timeout 0", lambda c: c.__setitem__("hooks", {"prestart": [{"path": "/bin/true", "timeout": 0}]}))
    case("device path outside /dev", lambda c: c["linux"].__setitem__("devices", [
        {"path": "/etc/passwd", "type": "c", "major": 1, "minor": 3}]))
    case("uid map overflow", lambda c: c["linux"].update({"uidMappings": [
        {"containerID": 0, "hostID": 4294967295, "size": 4294967295}], "gidMappings": [
        {"containerID": 0, "hostID": 0, "size": 1}]}) or c["linux"]["namespaces"].append({"type": "user"}))
    case("1 MiB of annotations", lambda c: c.__setitem__("annotations", {"a%d" % i: "v" * 1024 for i in range(1024)}))

    root = os.path.join(work, "root-cfg")
    for i, (name, cfg) in enumerate(cases):
        cid = "sweep-%d-h%d" % (os.getpid(), i)
        b = bundle(cfg, cid)
        notes = ["input: %s" % name]
        ok = True
        try:
            r = rt(root, "run", "--bundle", b, cid, timeout=20)
            out = (r.stdout + r.stderr).strip()
            notes.append("status %d: %s" % (r.returncode, out[:200].replace("\n", " | ")))
            if r.returncode != 0 and not r.stderr.strip():
                ok = False
                notes.append("failed without a message")
            if r.returncode < 0 or r.returncode in (134, 136, 139, 141):
                ok = False
                notes.append("rt died of a signal")
            if len(r.stderr) > 4000:
                ok = False
                notes.append("a message of %d bytes" % len(r.stderr))
        except subprocess.TimeoutExpired:
            ok = False
            notes.append("no answer within 20 s")
            rt(root, "delete", "--force", cid)
        left = leftovers(root, cid)
        if left:
            ok = False
            notes += ["left behind: " + x for x in left]
            rt(root, "delete", "--force", cid)
        tap(ok, "hostile config: %s: a clear end, nothing left" % name, notes)
        shutil.rmtree(b, ignore_errors=True)


start = time.time()
try:
    kill_sweep()
    hostile_configs()
finally:
    print("1..%d" % n)
    print("# sweep: %d inputs in %.0f s, %d failed" % (n, time.time() - start, failed))
    shutil.rmtree(work, ignore_errors=True)
sys.exit(1 if failed else 0)

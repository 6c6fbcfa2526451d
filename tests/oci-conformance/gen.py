#!/usr/bin/env python3
"""Bundle generator for the OCI conformance lane (stdlib only).

  gen.py base SPEC_JSON WORK   normalize a `RUNTIME spec` config (or the built-in
                               one when SPEC_JSON is "-") into WORK/base-config.json
  gen.py list                  the bundles run.sh runs in its loop, one per line
  gen.py make NAME WORK        make bundle NAME under WORK and print its metadata
                               as key=value lines: bundle=, expect=run|fail|manual,
                               desc=, and optionally skip=, feature=
  gen.py hostinfo BUNDLE       refresh the clocks in BUNDLE's host.info

Each bundle varies one thing from the base config. Its rootfs is a hard-linked
copy of WORK/base-rootfs with the config copied to /rt-conformance/config.json
and, beside it, host.info: what the checker needs to know about the runtime's
side (namespace links, capability bounding set, oom_score_adj, clocks, stat of
bind mount sources).
"""
import json
import os
import shutil
import subprocess
import sys
import time

CHECKER = "/rt-checker"
CONFIG_IN_ROOTFS = "/rt-conformance/config.json"

BUILTIN_BASE = {
    "ociVersion": "1.0.2",
    "process": {
        "terminal": False,
        "user": {"uid": 0, "gid": 0},
        "args": ["sh"],
        "env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"],
        "cwd": "/",
        "capabilities": {
            s: ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
            for s in ("bounding", "effective", "permitted", "ambient")
        },
        "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
        "noNewPrivileges": True,
    },
    "root": {"path": "rootfs", "readonly": True},
    "hostname": "runc",
    "mounts": [
        {"destination": "/proc", "type": "proc", "source": "proc"},
        {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
         "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
        {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
         "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]},
        {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
         "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
        {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
         "options": ["nosuid", "noexec", "nodev"]},
        {"destination": "/sys", "type": "sysfs", "source": "sysfs",
         "options": ["nosuid", "noexec", "nodev", "ro"]},
        {"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
         "options": ["nosuid", "noexec", "nodev", "relatime", "ro"]},
    ],
    "linux": {
        "resources": {"devices": [{"allow": False, "access": "rwm"}]},
        "namespaces": [{"type": t} for t in ("pid", "network", "ipc", "uts", "mount")],
        "maskedPaths": ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                        "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
                        "/proc/scsi"],
        "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"],
    },
}

NS_FILES = {"pid": "pid", "network": "net", "mount": "mnt", "ipc": "ipc", "uts": "uts", "user": "user",
            "cgroup": "cgroup", "time": "time"}


def load(path):
    with open(path) as f:
        return json.load(f)


def dump(obj, path):
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


def status_field(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return line.split(":", 1)[1].strip()
    return None


def has_cap(bit):
    eff = int(status_field("CapEff") or "0", 16)
    bnd = int(status_field("CapBnd") or "0", 16)
    return bool(eff & bnd & (1 << bit))


class Bundle:
    def __init__(self, name, work):
        self.name = name
        self.work = work
        self.config = load(os.path.join(work, "base-config.json"))
        self.meta = {"expect": "run", "desc": ""}
        self.host = {}
        self.shared = False
        self.dir = os.path.join(work, "bundles", name)
        self.fixtures = os.path.join(work, "fixtures", name)

    # -- placement ------------------------------------------------------
    def use_shared_area(self):
        shared = os.path.join(self.work, "shared")
        if not is_mountpoint(shared):
            self.meta["skip"] = "could not make a shared mount for the propagation bundles"
        self.shared = True
        self.dir = os.path.join(shared, self.name)
        self.fixtures = os.path.join(shared, "fixtures-" + self.name)

    @property
    def rootfs(self):
        return os.path.join(self.dir, "rootfs")

    def rpath(self, p):
        return os.path.join(self.rootfs, p.lstrip("/"))

    # -- config helpers ------------------------------------------------
    @property
    def process(self):
        return self.config.setdefault("process", {})

    @property
    def linux(self):
        return self.config.setdefault("linux", {})

    def namespaces(self):
        return self.linux.setdefault("namespaces", [])

    def ensure_ns(self, t, path=None):
        nss = self.namespaces()
        for ns in nss:
            if ns.get("type") == t:
                if path:
                    ns["path"] = path
                else:
                    ns.pop("path", None)
                return
        nss.append({"type": t, "path": path} if path else {"type": t})

    def drop_ns(self, t):
        self.linux["namespaces"] = [ns for ns in self.namespaces() if ns.get("type") != t]

    def add_mount(self, dest, typ, source, options=None, mkdir=True):
        m = {"destination": dest, "type": typ, "source": source}
        if options is not None:
            m["options"] = options
        self.config.setdefault("mounts", []).append(m)
        if mkdir and dest.startswith("/"):
            os.makedirs(self.rpath(dest), exist_ok=True)
        return m

    def fixture(self, rel):
        p = os.path.join(self.fixtures, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        return p

    def expect_stat(self, dest, host_path, key="stat"):
        st = os.stat(host_path)
        self.host[f"{key}.{dest}"] = f"{st.st_dev}:{st.st_ino}"

    def host_mount(self, args, target):
        """Mount on the host (only below WORK); run.sh unmounts on exit."""
        subprocess.run(["mount"] + args + [target], check=True)
        with open(os.path.join(self.work, "host-mounts"), "a") as f:
            f.write(target + "\n")

    # -- writing ----------------------------------------------------------
    def write(self):
        if os.path.exists(self.dir):
            shutil.rmtree(self.dir)
        os.makedirs(self.dir)
        # hard links where they can be (not across the shared area's mount)
        link = [] if self.shared else ["-l"]
        subprocess.run(["cp", "-a"] + link + [os.path.join(self.work, "base-rootfs"), self.rootfs], check=True)

    def finish(self):
        dump(self.config, os.path.join(self.dir, "config.json"))
        os.makedirs(self.rpath("/rt-conformance"), exist_ok=True)
        dump(self.config, self.rpath(CONFIG_IN_ROOTFS))
        info = dict(host_side_info())
        for ns in self.namespaces():
            if ns.get("path"):
                try:
                    info["nspath." + ns["type"]] = os.readlink(ns["path"])
                except OSError:
                    pass
        info.update(self.host)
        with open(self.rpath("/rt-conformance/host.info"), "w") as f:
            for k, v in info.items():
                f.write(f"{k}={v}\n")
        for k, v in clocks().items():
            with open(self.rpath("/rt-conformance/host.info"), "a") as f:
                f.write(f"{k}={v}\n")
        self.meta["bundle"] = self.dir


def is_mountpoint(path):
    with open("/proc/self/mountinfo") as f:
        return any(line.split()[4] == path for line in f)


def host_side_info():
    info = {}
    for t, f in NS_FILES.items():
        try:
            info["ns." + f] = os.readlink(f"/proc/self/ns/{f}")
        except OSError:
            pass
    info["capbnd"] = status_field("CapBnd") or ""
    info["nnp"] = status_field("NoNewPrivs") or "0"
    with open("/proc/self/oom_score_adj") as f:
        info["oom_score_adj"] = f.read().strip()
    return info


def clocks():
    out = {}
    for name, clk in (("clock.monotonic", time.CLOCK_MONOTONIC), ("clock.boottime", time.CLOCK_BOOTTIME)):
        ns = time.clock_gettime_ns(clk)
        out[name] = f"{ns // 10**9}.{ns % 10**9:09d}"
    return out


# ---------------------------------------------------------------- variants
# Each takes a Bundle and changes one thing. VARIANTS keeps the run order.

VARIANTS = {}


def variant(name, expect="run", shared=False):
    """shared: the bundle lives under WORK/shared, a shared mount run.sh
    made, so that propagation has a peer group to be a slave of."""
    def deco(fn):
        VARIANTS[name] = (fn, expect, shared)
        return fn
    return deco


@variant("base")
def v_base(b):
    b.meta["desc"] = "the base config as the runtime's spec command writes it"


@variant("hostname")
def v_hostname(b):
    b.ensure_ns("uts")
    b.config["hostname"] = "conf-host-1"
    b.config["domainname"] = "conformance.example"


@variant("env")
def v_env(b):
    b.process["env"] = [
        "PATH=/usr/local/bin:/usr/bin:/bin",
        "CONF_PLAIN=value",
        "CONF_EMPTY=",
        "CONF_SPACES=a b  c",
        "CONF_EQUALS=x=y=z",
        "CONF_UNICODE=\u00fcn\u00efc\u00f6de",
        "HOME=/srv/home",
    ]


@variant("cwd")
def v_cwd(b):
    os.makedirs(b.rpath("/srv/cwd-test/deeper"), exist_ok=True)
    b.process["cwd"] = "/srv/cwd-test/deeper"


@variant("args-path")
def v_args_path(b):
    """args[0] without a slash is looked up in PATH (execvp semantics)."""
    os.makedirs(b.rpath("/usr/local/bin"), exist_ok=True)
    os.link(b.rpath(CHECKER), b.rpath("/usr/local/bin/rt-checker-in-path"))
    b.process["env"] = ["PATH=/usr/local/bin:/bin"]
    b.process["args"] = ["rt-checker-in-path", CONFIG_IN_ROOTFS]


@variant("user")
def v_user(b):
    b.process["user"] = {"uid": 1000, "gid": 1000, "additionalGids": [10, 20, 3000], "umask": 0o027}


@variant("user-umask")
def v_user_umask(b):
    b.process["user"] = {"uid": 0, "gid": 0, "umask": 0o077}


@variant("rlimits")
def v_rlimits(b):
    b.process["rlimits"] = [
        {"type": "RLIMIT_NOFILE", "soft": 256, "hard": 512},
        {"type": "RLIMIT_CORE", "soft": 0, "hard": 4096},
        {"type": "RLIMIT_NPROC", "soft": 500, "hard": 1000},
        {"type": "RLIMIT_MSGQUEUE", "soft": 4096, "hard": 8192},
        {"type": "RLIMIT_STACK", "soft": 4194304, "hard": 8388608},
    ]


@variant("rlimits-raise-hard")
def v_rlimits_raise(b):
    import resource
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    with open("/proc/sys/fs/nr_open") as f:
        nr_open = int(f.read())
    want = min(hard + 1024, nr_open) if hard != resource.RLIM_INFINITY else nr_open
    b.process["rlimits"] = [{"type": "RLIMIT_NOFILE", "soft": want, "hard": want}]
    b.meta["desc"] = f"RLIMIT_NOFILE raised above the runtime's hard limit {hard} to {want}"
    if not has_cap(24):
        b.meta["skip"] = (f"CAP_SYS_RESOURCE is not in the runtime's capability sets, so no runtime can raise "
                          f"the hard RLIMIT_NOFILE above {hard} here")
    elif want <= hard:
        b.meta["skip"] = "the hard RLIMIT_NOFILE is already at fs.nr_open"


@variant("caps")
def v_caps(b):
    sets = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SETUID", "CAP_SETGID"]
    b.process["capabilities"] = {
        "bounding": sets,
        "permitted": sets,
        "effective": sets,
        "inheritable": ["CAP_KILL", "CAP_CHOWN"],
        "ambient": ["CAP_KILL"],
    }


@variant("caps-empty")
def v_caps_empty(b):
    b.process["capabilities"] = {s: [] for s in ("bounding", "permitted", "effective", "inheritable", "ambient")}


@variant("caps-nonroot-ambient")
def v_caps_ambient(b):
    sets = ["CAP_KILL", "CAP_NET_BIND_SERVICE"]
    b.process["user"] = {"uid": 1000, "gid": 1000}
    b.process["capabilities"] = {s: list(sets) for s in ("bounding", "permitted", "effective", "inheritable",
                                                          "ambient")}


@variant("caps-ungrantable")
def v_caps_ungrantable(b):
    b.meta["desc"] = "a capability the runtime lacks (SHOULD warn, not fail)"
    sets = ["CAP_KILL", "CAP_SYS_RESOURCE", "CAP_SYS_ADMIN"]
    b.process["capabilities"] = {s: list(sets) for s in ("bounding", "permitted", "effective")}
    if has_cap(24):
        b.meta["desc"] = "all capabilities requested are grantable here"


@variant("nnp-false")
def v_nnp_false(b):
    b.process["noNewPrivileges"] = False


@variant("oom-score-adj")
def v_oom(b):
    b.process["oomScoreAdj"] = 500


for _t in ("pid", "network", "ipc", "uts"):
    def _mk(t):
        def fn(b):
            b.drop_ns(t)
            if t == "uts":
                b.config.pop("hostname", None)
                b.config.pop("domainname", None)
            b.meta["desc"] = f"no {t} namespace in the config: the runtime's is inherited"
        return fn
    variant(f"ns-no-{_t}")(_mk(_t))


@variant("ns-cgroup")
def v_ns_cgroup(b):
    b.ensure_ns("cgroup")


@variant("ns-user")
def v_ns_user(b):
    b.ensure_ns("user")
    b.linux["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    b.linux["gidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]


@variant("ns-time")
def v_ns_time(b):
    b.ensure_ns("time")
    b.linux["timeOffsets"] = {"monotonic": {"secs": 86400, "nanosecs": 5},
                              "boottime": {"secs": 172800, "nanosecs": 0}}
    b.meta["feature"] = "ns:time"


@variant("ns-path")
def v_ns_path(b):
    pid = os.environ.get("CONF_NSHOLDER_PID")
    if not pid:
        b.meta["skip"] = "no namespace holder process"
        return
    for t in ("network", "ipc", "uts"):
        b.ensure_ns(t, f"/proc/{pid}/ns/{NS_FILES[t]}")
    b.config.pop("hostname", None)
    b.meta["desc"] = "join the network, ipc and uts namespaces of a process by path"


@variant("mount-options")
def v_mount_options(b):
    b.add_mount("/mnt/ro", "tmpfs", "tmpfs", ["ro"])
    b.add_mount("/mnt/nosuid", "tmpfs", "tmpfs", ["nosuid", "nodev", "noexec"])
    b.add_mount("/mnt/rw", "tmpfs", "tmpfs", ["rw", "suid", "dev", "exec"])
    b.add_mount("/mnt/atime", "tmpfs", "tmpfs", ["noatime", "nodiratime"])
    b.add_mount("/mnt/strict", "tmpfs", "tmpfs", ["strictatime"])
    b.add_mount("/mnt/relatime", "tmpfs", "tmpfs", ["relatime"])
    b.add_mount("/mnt/sync", "tmpfs", "tmpfs", ["sync", "dirsync"])
    b.add_mount("/mnt/nosymfollow", "tmpfs", "tmpfs", ["nosymfollow"])
    b.add_mount("/mnt/rorw", "tmpfs", "tmpfs", ["ro", "rw"])


@variant("mount-options-more")
def v_mount_options_more(b):
    """The rest of the MUST options that show in mountinfo, and some that do not."""
    b.add_mount("/mnt/atime", "tmpfs", "tmpfs", ["atime", "diratime", "symfollow", "async", "nolazytime"])
    b.add_mount("/mnt/nostrictatime", "tmpfs", "tmpfs", ["nostrictatime"])
    b.add_mount("/mnt/lazytime", "tmpfs", "tmpfs", ["lazytime"])
    # accepted, with no trace in mountinfo to check (norelatime leaves the
    # kernel's default, relatime)
    b.add_mount("/mnt/quiet", "tmpfs", "tmpfs", ["iversion", "noiversion", "loud", "silent", "nomand", "norelatime"])


@variant("mount-option-defaults")
def v_mount_defaults(b):
    b.add_mount("/mnt/defaults", "tmpfs", "tmpfs", ["defaults"])


@variant("mount-recursive-options")
def v_mount_recursive(b):
    """AT_RECURSIVE options reach the mounts below an rbind."""
    src = b.fixture("tree")
    os.makedirs(os.path.join(src, "sub"), exist_ok=True)
    b.host_mount(["-t", "tmpfs", "-o", "size=1m", "conf-sub"], os.path.join(src, "sub"))
    b.add_mount("/mnt/rro", "bind", src, ["rbind", "rro", "rnosuid", "rnodev", "rnoexec", "rnoatime", "rnosymfollow"])
    b.add_mount("/mnt/rrw", "bind", src, ["rbind", "rrw", "rsuid", "rdev", "rexec", "rsymfollow", "rnodiratime", "rnorelatime"])
    b.add_mount("/mnt/rstrict", "bind", src, ["rbind", "rstrictatime"])
    b.add_mount("/mnt/rrelatime", "bind", src, ["rbind", "rrelatime"])


@variant("mount-tmpcopyup")
def v_mount_tmpcopyup(b):
    os.makedirs(b.rpath("/srv/copyup/dir"), exist_ok=True)
    with open(b.rpath("/srv/copyup/dir/file"), "w") as f:
        f.write("copied\n")
    b.add_mount("/srv/copyup", "tmpfs", "tmpfs", ["tmpcopyup"])
    b.host["exists./srv/copyup/dir/file"] = "tmpcopyup copied the directory's contents into the tmpfs"


def kernel_older(major, minor):
    """Whether the running kernel is older than MAJOR.MINOR."""
    parts = os.uname().release.split(".")
    try:
        have = (int(parts[0]), int("".join(c for c in parts[1] if c.isdigit()) or 0))
    except (IndexError, ValueError):
        return False
    return have < (major, minor)


@variant("mount-idmap")
def v_mount_idmap(b):
    """An idmapped bind mount: a file the host's root owns is the container's root's."""
    src = b.fixture("idmap")
    os.makedirs(src, exist_ok=True)
    with open(os.path.join(src, "file"), "w") as f:
        f.write("idmap\n")
    os.chown(os.path.join(src, "file"), 0, 0)
    b.ensure_ns("user")
    maps = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    b.linux["uidMappings"] = maps
    b.linux["gidMappings"] = maps
    m = b.add_mount("/mnt/idmap", "bind", src, ["bind", "idmap"])
    m["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    m["gidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    b.host["owner./mnt/idmap/file"] = "0:0 through the mount's idmapping (host 0:0 would be 65534 without it)"
    b.add_mount("/mnt/plain", "bind", src, ["bind"])
    b.host["owner./mnt/plain/file"] = "65534:65534 without an idmapping (overflow ids)"
    fstype = subprocess.run(["stat", "-f", "-c", "%T", src], capture_output=True, text=True).stdout.strip()
    release = os.uname().release
    if fstype == "tmpfs" and kernel_older(6, 3):
        # tmpfs got FS_ALLOW_IDMAP in Linux 6.3; mount_setattr answers EINVAL before
        b.meta["skip"] = (f"the fixture {src} is on tmpfs, and tmpfs allows idmapped mounts from Linux 6.3; "
                          f"this kernel is {release}")


@variant("mount-tmpfs-data")
def v_mount_tmpfs(b):
    b.add_mount("/mnt/sized", "tmpfs", "tmpfs", ["size=1m", "mode=0700"])
    b.add_mount("/mnt/inodes", "tmpfs", "tmpfs", ["nr_inodes=1000", "mode=1777", "size=65536k"])


@variant("mount-order")
def v_mount_order(b):
    b.add_mount("/mnt/outer", "tmpfs", "tmpfs", ["mode=755"])
    b.add_mount("/mnt/outer/inner", "tmpfs", "tmpfs", ["mode=700"], mkdir=False)
    b.add_mount("/mnt/outer/inner/deepest", "tmpfs", "tmpfs", ["mode=750"], mkdir=False)
    b.add_mount("/mnt/stack", "tmpfs", "tmpfs", ["size=1m"])
    b.add_mount("/mnt/stack", "tmpfs", "tmpfs", ["size=2m"])
    b.meta["desc"] = "nested and stacked mounts must be made in the listed order"


@variant("mount-relative-dest")
def v_mount_rel(b):
    b.add_mount("rel-mnt", "tmpfs", "tmpfs", ["size=1m"], mkdir=False)
    os.makedirs(b.rpath("/rel-mnt"), exist_ok=True)


@variant("mount-bind")
def v_mount_bind(b):
    src_dir = b.fixture("dir")
    os.makedirs(src_dir, exist_ok=True)
    with open(os.path.join(src_dir, "marker"), "w") as f:
        f.write("bind\n")
    src_file = b.fixture("file")
    with open(src_file, "w") as f:
        f.write("file\n")
    os.makedirs(b.rpath("/mnt/dir"), exist_ok=True)
    os.makedirs(b.rpath("/mnt"), exist_ok=True)
    open(b.rpath("/mnt/file"), "w").close()
    b.add_mount("/mnt/dir", "bind", src_dir, ["bind"])
    b.expect_stat("/mnt/dir", src_dir)
    b.add_mount("/mnt/dir-ro", "bind", src_dir, ["bind", "ro"])
    b.expect_stat("/mnt/dir-ro", src_dir)
    b.add_mount("/mnt/file", "none", src_file, ["bind", "nosuid", "noexec"], mkdir=False)
    b.expect_stat("/mnt/file", src_file)
    b.add_mount("/mnt/no-mountpoint/file", "none", src_file, ["bind"], mkdir=False)
    b.expect_stat("/mnt/no-mountpoint/file", src_file)
    # a source relative to the bundle
    rel = os.path.join(b.dir, "relative-src")
    os.makedirs(rel, exist_ok=True)
    b.add_mount("/mnt/relative", "bind", "relative-src", ["bind"])
    b.expect_stat("/mnt/relative", rel)


@variant("mount-rbind")
def v_mount_rbind(b):
    src = b.fixture("tree")
    os.makedirs(os.path.join(src, "sub"), exist_ok=True)
    under = os.stat(os.path.join(src, "sub"))
    b.host_mount(["-t", "tmpfs", "-o", "size=1m", "conf-sub"], os.path.join(src, "sub"))
    b.add_mount("/mnt/rbind", "bind", src, ["rbind"])
    b.add_mount("/mnt/bind", "bind", src, ["bind"])
    b.expect_stat("/mnt/rbind/sub", os.path.join(src, "sub"), key="substat")
    b.host["substat./mnt/rbind/sub"] += " is the submount (rbind is recursive)"
    b.host["substat./mnt/bind/sub"] = f"{under.st_dev}:{under.st_ino} is the plain directory (bind is not recursive)"


@variant("mount-propagation", shared=True)
def v_mount_prop(b):
    for p in ("rshared", "rslave", "rprivate", "runbindable", "shared", "slave", "private", "unbindable"):
        src = b.fixture(p)
        os.makedirs(src, exist_ok=True)
        b.add_mount(f"/mnt/{p}", "bind", src, ["rbind", p])


for _p in ("shared", "slave", "private", "unbindable"):
    def _mkp(p):
        def fn(b):
            b.linux["rootfsPropagation"] = p
        return fn
    variant(f"rootfs-propagation-{_p}", shared=True)(_mkp(_p))


@variant("masked-readonly-paths")
def v_masked(b):
    b.config["root"]["readonly"] = False
    os.makedirs(b.rpath("/srv/masked-dir"), exist_ok=True)
    with open(b.rpath("/srv/masked-dir/secret"), "w") as f:
        f.write("secret\n")
    with open(b.rpath("/srv/masked-file"), "w") as f:
        f.write("secret\n")
    os.makedirs(b.rpath("/srv/ro-dir"), exist_ok=True)
    with open(b.rpath("/srv/ro-file"), "w") as f:
        f.write("data\n")
    b.linux["maskedPaths"] = ["/srv/masked-dir", "/srv/masked-file", "/srv/not-there", "/proc/kcore",
                              "/proc/timer_list"]
    b.linux["readonlyPaths"] = ["/srv/ro-dir", "/srv/ro-file", "/srv/not-there-either", "/proc/sys"]


@variant("root-readonly")
def v_root_ro(b):
    b.config["root"]["readonly"] = True


@variant("root-writable")
def v_root_rw(b):
    b.config["root"]["readonly"] = False


@variant("devices")
def v_devices(b):
    b.linux["devices"] = [
        {"path": "/dev/conf-null", "type": "c", "major": 1, "minor": 3, "fileMode": 0o666, "uid": 0, "gid": 0},
        {"path": "/dev/conf-zero", "type": "c", "major": 1, "minor": 5, "fileMode": 0o640, "uid": 1000,
         "gid": 2000},
        {"path": "/dev/conf-blk", "type": "b", "major": 7, "minor": 200, "fileMode": 0o600},
        {"path": "/dev/conf-fifo", "type": "p", "fileMode": 0o644},
        {"path": "/dev/conf-unbuffered", "type": "u", "major": 1, "minor": 7, "fileMode": 0o620},
        {"path": "/srv/outside-dev/conf-full", "type": "c", "major": 1, "minor": 7},
    ]
    os.makedirs(b.rpath("/srv/outside-dev"), exist_ok=True)


@variant("sysctl")
def v_sysctl(b):
    b.ensure_ns("network")
    b.ensure_ns("ipc")
    b.ensure_ns("uts")
    b.linux["sysctl"] = {
        "net.ipv4.ip_forward": "1",
        "net.ipv4.ping_group_range": "0 2147483647",
        "kernel.shm_rmid_forced": "1",
        "kernel.msgmax": "16384",
        "kernel.domainname": "sysctl.example",
    }


@variant("cgroups")
def v_cgroups(b):
    b.linux["cgroupsPath"] = "/rt-conformance-" + b.name
    b.linux.setdefault("resources", {}).update({
        "memory": {"limit": 64 * 1024 * 1024},
        "pids": {"limit": 100},
        "cpu": {"shares": 512, "quota": 50000, "period": 100000, "cpus": "0"},
    })


@variant("cgroup-ownership")
def v_cgroup_ownership(b):
    """config-linux.md "Cgroup ownership": a user namespace, a new cgroup namespace and a
    read-write /sys/fs/cgroup; on cgroup v2 the cgroup is the container's root's, on v1 not."""
    b.linux["cgroupsPath"] = "/rt-conformance-" + b.name
    b.ensure_ns("user")
    b.ensure_ns("cgroup")
    maps = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    b.linux["uidMappings"] = maps
    b.linux["gidMappings"] = [dict(m) for m in maps]
    for m in b.config.get("mounts", []):
        if m.get("destination") == "/sys/fs/cgroup":
            m["options"] = [o for o in m.get("options", []) if o != "ro"]
    with open("/proc/sys/kernel/overflowuid") as f:
        nobody = int(f.read())
    with open("/proc/sys/kernel/overflowgid") as f:
        nogroup = int(f.read())
    unmapped = f"{nobody}:{nogroup}"
    v2 = subprocess.run(["stat", "-f", "-c", "%T", "/sys/fs/cgroup"], capture_output=True,
                        text=True).stdout.strip() == "cgroup2fs"
    if v2:
        b.host["owner./sys/fs/cgroup"] = "0:0 (the container's cgroup, delegated on cgroup v2)"
        b.host["owner./sys/fs/cgroup/cgroup.procs"] = "0:0 (listed in /sys/kernel/cgroup/delegate)"
        b.host["owner./sys/fs/cgroup/cgroup.subtree_control"] = "0:0 (listed in /sys/kernel/cgroup/delegate)"
        b.host["owner./sys/fs/cgroup/cgroup.controllers"] = (
            f"{unmapped} (SHOULD NOT: only the delegate files change hands; host root is unmapped here)")
    else:
        b.host["owner./sys/fs/cgroup/pids"] = (
            f"{unmapped} (cgroup v1: SHOULD NOT change the ownership; host root is unmapped here)")


@variant("cgroups-unified")
def v_cgroups_unified(b):
    """linux.resources.unified on cgroup v2: keys rt has no field for, written as given,
    their controllers (memory, pids) enabled for the cgroup."""
    b.linux["cgroupsPath"] = "/rt-conformance-" + b.name
    b.linux.setdefault("resources", {})["unified"] = {
        "memory.high": "50331648", "memory.oom.group": "1", "pids.max": "77"}
    if subprocess.run(["stat", "-f", "-c", "%T", "/sys/fs/cgroup"], capture_output=True,
                      text=True).stdout.strip() != "cgroup2fs":
        b.meta["skip"] = ("the host is not pure cgroup v2: memory and pids are v1 controllers here "
                          "(err-unified-absent-controller checks the error; the VM lane runs this)")


@variant("cgroups-pids-zero")
def v_pids_zero(b):
    b.meta["desc"] = "pids.limit 0 is a valid limit (the checker never forks)"
    b.linux["cgroupsPath"] = "/rt-conformance-" + b.name
    b.linux.setdefault("resources", {})["pids"] = {"limit": 0}


@variant("seccomp")
def v_seccomp(b):
    b.linux["seccomp"] = {
        "defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [
            {"names": ["getcwd"], "action": "SCMP_ACT_ERRNO", "errnoRet": 42},
            {"names": ["mkdirat", "mkdir"], "action": "SCMP_ACT_ERRNO"},
            {"names": ["fchmodat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 43,
             "args": [{"index": 2, "value": 0o700, "op": "SCMP_CMP_EQ"}]},
        ],
    }


@variant("memory-policy")
def v_memory_policy(b):
    # node 0 exists on every host; BIND and INTERLEAVE both show in get_mempolicy
    b.linux["memoryPolicy"] = {"mode": "MPOL_INTERLEAVE", "nodes": "0"}


@variant("personality")
def v_personality(b):
    b.linux["personality"] = {"domain": "LINUX32"}


@variant("io-priority")
def v_ioprio(b):
    b.process["ioPriority"] = {"class": "IOPRIO_CLASS_BE", "priority": 6}


@variant("scheduler")
def v_sched(b):
    b.process["scheduler"] = {"policy": "SCHED_BATCH", "nice": 5}


@variant("extensibility")
def v_ext(b):
    b.meta["desc"] = "unknown properties are ignored"
    b.config["org.example.conformance.unknown"] = {"nested": [1, 2, {"x": None}]}
    b.process["org.example.unknownProcessField"] = True
    b.linux["org.example.unknownLinuxField"] = "value"
    b.config["annotations"] = {"org.example.key": "value", "org.example.empty": ""}


@variant("console-size-no-terminal")
def v_console_no_tty(b):
    b.meta["desc"] = "consoleSize without a terminal is ignored"
    b.process["terminal"] = False
    b.process["consoleSize"] = {"height": 10, "width": 20}


@variant("terminal", expect="terminal")
def v_terminal(b):
    b.process["terminal"] = True
    b.process["consoleSize"] = {"height": 30, "width": 100}


# -- configs the runtime MUST refuse (create fails, nothing is left behind)

def failing(name, desc):
    def deco(fn):
        def wrapped(b):
            b.meta["desc"] = desc
            fn(b)
        VARIANTS[name] = (wrapped, "fail", False)
        return fn
    return deco


@failing("err-mount-source-missing", "a bind mount of a nonexistent source")
def e_mount_missing(b):
    b.add_mount("/mnt/missing", "bind", os.path.join(b.dir, "does-not-exist"), ["bind"])


@failing("err-rlimit-duplicate", "rlimits with the same type twice")
def e_rlimit_dup(b):
    # each entry alone is valid and lowers the limit, so only the duplicate is wrong
    b.process["rlimits"] = [{"type": "RLIMIT_NOFILE", "soft": 200, "hard": 200},
                            {"type": "RLIMIT_NOFILE", "soft": 100, "hard": 100}]


@failing("err-rlimit-unknown", "an rlimit type that maps to no kernel resource")
def e_rlimit_unknown(b):
    b.process["rlimits"] = [{"type": "RLIMIT_CONFORMANCE_BOGUS", "soft": 1, "hard": 1}]


@failing("err-namespace-duplicate", "the same namespace type twice")
def e_ns_dup(b):
    b.namespaces().append({"type": "ipc"})
    b.namespaces().append({"type": "ipc"})


@failing("err-namespace-path-type", "a namespace path of another type")
def e_ns_type(b):
    b.ensure_ns("ipc", "/proc/self/ns/net")


@failing("err-device-conflict", "a regular file already at a device's path")
def e_dev_conflict(b):
    with open(b.rpath("/srv-conflict"), "w") as f:
        f.write("not a device\n")
    b.linux["devices"] = [{"path": "/srv-conflict", "type": "c", "major": 1, "minor": 3}]


@failing("err-root-missing", "root.path does not exist")
def e_root_missing(b):
    b.config["root"]["path"] = "no-such-rootfs"


@failing("err-cwd-relative", "process.cwd is not absolute")
def e_cwd_rel(b):
    b.process["cwd"] = "relative/dir"


@failing("err-args-empty", "process.args is empty")
def e_args_empty(b):
    b.process["args"] = []


@failing("err-hook-relative-path", "a hook path that is not absolute")
def e_hook_rel(b):
    b.config["hooks"] = {"createRuntime": [{"path": "bin/true"}]}


@failing("err-hook-timeout-zero", "a hook timeout of 0 (MUST be greater than zero)")
def e_hook_timeout(b):
    b.config["hooks"] = {"createRuntime": [{"path": "/bin/true", "timeout": 0}]}


@failing("err-seccomp-errno-on-kill", "errnoRet on an action that takes no errno")
def e_seccomp_errno(b):
    b.linux["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW",
                          "syscalls": [{"names": ["getcwd"], "action": "SCMP_ACT_KILL", "errnoRet": 5}]}


@failing("err-seccomp-metadata-without-listener", "seccomp listenerMetadata without listenerPath")
def e_seccomp_meta(b):
    b.linux["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW", "listenerMetadata": "x",
                          "syscalls": [{"names": ["getcwd"], "action": "SCMP_ACT_ERRNO"}]}


@failing("err-seccomp-empty-names", "a seccomp rule with no syscall names")
def e_seccomp_names(b):
    b.linux["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW",
                          "syscalls": [{"names": [], "action": "SCMP_ACT_ERRNO"}]}


@failing("err-mount-idmap-without-userns", "an idmap mount without mappings and without a user namespace")
def e_idmap(b):
    src = b.fixture("idmap")
    os.makedirs(src, exist_ok=True)
    b.add_mount("/mnt/idmap", "bind", src, ["bind", "idmap"])


@failing("err-mount-uidmappings-alone", "mount uidMappings without gidMappings")
def e_idmap_half(b):
    src = b.fixture("idmap")
    os.makedirs(src, exist_ok=True)
    m = b.add_mount("/mnt/idmap", "bind", src, ["bind", "idmap"])
    m["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    b.ensure_ns("user")
    b.linux["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    b.linux["gidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]


@failing("err-unified-absent-controller", "linux.resources.unified naming a controller that is not present")
def e_unified_absent(b):
    b.linux["cgroupsPath"] = "/rt-conformance-" + b.name
    b.linux.setdefault("resources", {})["unified"] = {"nosuchctl.max": "1"}


@failing("err-v1-only-resource-on-v2", "cpu.realtimeRuntime on cgroup v2, which has no conversion for it")
def e_realtime_v2(b):
    b.linux["cgroupsPath"] = "/rt-conformance-" + b.name
    b.linux.setdefault("resources", {})["cpu"] = {"realtimeRuntime": 1000, "realtimePeriod": 1000000}
    if subprocess.run(["stat", "-f", "-c", "%T", "/sys/fs/cgroup"], capture_output=True,
                      text=True).stdout.strip() != "cgroup2fs":
        b.meta["skip"] = "the host is not pure cgroup v2 (cpu.rt_runtime_us exists on v1; the VM lane runs this)"


@failing("err-oci-version", "ociVersion that is not SemVer")
def e_oci_version(b):
    b.config["ociVersion"] = "not-a-version"


# -- bundles the lifecycle tests drive by hand (run.sh sets args/hooks)

@variant("lifecycle", expect="manual")
def m_lifecycle(b):
    out = os.path.join(b.dir, "out")
    os.makedirs(out, exist_ok=True)
    b.add_mount("/rt-out", "bind", out, ["bind", "rw"])
    b.ensure_ns("uts")
    b.config["hostname"] = "conf-lifecycle"
    b.config["annotations"] = {"org.example.conformance": "lifecycle", "org.example.empty": ""}
    b.linux["cgroupsPath"] = "/rt-conformance-" + b.name
    b.process["args"] = ["/bin/sh", "-c",
                         "trap 'echo usr1 > /rt-out/usr1' USR1; hostname > /rt-out/started; "
                         "while [ ! -e /rt-out/stop ]; do sleep 0.1; done; echo done > /rt-out/done"]
    b.meta["out"] = out


@variant("hooks", expect="manual")
def m_hooks(b):
    m_lifecycle(b)


# ------------------------------------------------------------------- main

def normalize_base(spec_path, work):
    c = None
    if spec_path != "-":
        try:
            c = load(spec_path)
        except (OSError, ValueError):
            c = None
    source = "runtime"
    if not isinstance(c, dict) or "process" not in c or "root" not in c:
        c = json.loads(json.dumps(BUILTIN_BASE))
        source = "builtin"
    c["process"]["terminal"] = False
    c["process"].pop("consoleSize", None)
    c["process"]["args"] = [CHECKER, CONFIG_IN_ROOTFS]
    c["root"]["path"] = "rootfs"
    dump(c, os.path.join(work, "base-config.json"))
    print(source)


def main():
    cmd = sys.argv[1] if len(sys.argv) > 1 else ""
    if cmd == "base":
        normalize_base(sys.argv[2], sys.argv[3])
    elif cmd == "list":
        for name, (_, expect, _) in VARIANTS.items():
            if expect != "manual":
                print(name)
    elif cmd == "make":
        name, work = sys.argv[2], sys.argv[3]
        fn, expect, shared = VARIANTS[name]
        b = Bundle(name, work)
        b.meta["expect"] = expect
        if shared:
            b.use_shared_area()
        b.write()
        fn(b)
        if any(ns.get("type") == "user" for ns in b.namespaces()):
            b.meta["userns"] = "1"
        b.finish()
        for k, v in b.meta.items():
            print(f"{k}={str(v).replace(chr(10), ' ')}")
    elif cmd == "hostinfo":
        path = os.path.join(sys.argv[2], "rootfs", "rt-conformance", "host.info")
        with open(path) as f:
            lines = [l for l in f if not l.startswith("clock.")]
        lines += [f"{k}={v}\n" for k, v in clocks().items()]
        with open(path, "w") as f:
            f.writelines(lines)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()

#!/bin/bash
# tests/vm/lane.sh: the VM lane's checks, run by tests/vm/run.sh inside the
# guest (pure cgroup v2; AppArmor on with --lsm apparmor). TAP on stdout.
# Uses the host's build of rt ($RT, default build/rt of this tree) and a
# busybox bundle under /tmp; ends with tests/bats/cgroups.bats, renumbered.
#
# It refuses to run outside the VM lane's guest (RT_VM unset) unless
# RT_VM_LANE_ANYWHERE=1: it needs a pure cgroup v2 host and loads an
# AppArmor profile.
set -u -o pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/sbin:/usr/local/bin

top=$(cd "$(dirname "$0")/../.." && pwd)
RT=${RT:-$top/build/rt}
LSM=${RT_VM_LSM:-none}

if [ -z "${RT_VM:-}" ] && [ -z "${RT_VM_LANE_ANYWHERE:-}" ]; then
  echo "1..0 # SKIP not in the VM lane's guest (run tests/vm/run.sh)"
  exit 0
fi

T=$(mktemp -d /tmp/rt-vm-lane.XXXXXX)
chmod 755 "$T"
ROOT=$T/state
CGP=/rt-vm-lane-$$ # every container's cgroup is under this one
ROOTFS=$T/rootfs
PROFILE=rt-vm-lane-test

# ------------------------------------------------------------ TAP
# ok, not_ok, skip, eq, sub_tap
# shellcheck source=tests/vm/tap.bash
. "$top/tests/vm/tap.bash"
# rt, leak_check, guest_cleanup
# shellcheck source=tests/vm/guest.bash
. "$top/tests/vm/guest.bash"
TAP_WORK=$T

# t DESC FUNC [ARG...]: FUNC runs in a subshell under set -e (as a bats
# test); its output is the diagnostic when it fails.
t() {
  local desc=$1 log=$T/test.log
  shift
  (
    set -e
    "$@"
  ) >"$log" 2>&1
  if [ $? -eq 0 ]; then ok "$desc"; else not_ok "$desc" "$log"; fi
}

# ------------------------------------------------------------ helpers
# The container's cgroup directory (cgroupsPath $CGP/NAME).
cg() {
  echo "/sys/fs/cgroup$CGP/$1"
}

cgf() { # NAME FILE: one file of the container's cgroup
  cat "$(cg "$1")/$2" 2>&1
}

# mkb NAME ARGS_JSON [PYTHON]: a bundle $T/NAME from `rt spec`: terminal off,
# the shared rootfs, cgroupsPath $CGP/NAME, /out bound to $T/NAME/out, the
# args, then the python statement on the config `c`.
mkb() {
  local b=$T/$1
  rm -rf "$b"
  mkdir -p "$b/out"
  "$RT" spec --bundle "$b" || return 1
  python3 - "$b/config.json" "$ROOTFS" "$CGP/$1" "$b/out" "$2" "${3:-pass}" <<'PY'
import json, sys
path, rootfs, cgpath, out, args, stmt = sys.argv[1:]
with open(path) as f:
    c = json.load(f)
c['root'] = {'path': rootfs, 'readonly': True}
c['process']['terminal'] = False
c['process']['args'] = json.loads(args)
c['linux']['cgroupsPath'] = cgpath
c['mounts'].append({'destination': '/out', 'type': 'bind', 'source': out,
                    'options': ['rbind', 'rw']})
exec(stmt)
with open(path, 'w') as f:
    json.dump(c, f, indent=2)
PY
}

state_of() {
  rt state "$1" 2>/dev/null | sed -n 's/^ *"status": *"\([a-z]*\)".*/\1/p'
}

wait_status() { # NAME STATUS
  local i
  for i in $(seq 100); do
    [ "$(state_of "$1")" = "$2" ] && return 0
    sleep 0.1
  done
  echo "state of $1: $(state_of "$1"), not $2"
  return 1
}

wait_file() { # FILE [TENTHS]
  local i
  for i in $(seq "${2:-300}"); do
    [ -e "$1" ] && return 0
    sleep 0.1
  done
  echo "no $1"
  return 1
}

# Start NAME detached (run -d); its host pid in $T/NAME/pid.
start() {
  rt run -d --bundle "$T/$1" --pid-file "$T/$1/pid" "$1" && wait_status "$1" running
}

# At exit (leak_check, after each group, is in guest.bash).
cleanup() {
  guest_cleanup
  [ "$LSM" != apparmor ] || [ ! -f "$T/profile" ] || apparmor_parser -R "$T/profile" >/dev/null 2>&1
  rm -rf "$T"
}
trap cleanup EXIT

# ------------------------------------------------------------ the guest
mkdir -p "$ROOTFS"/{bin,proc,sys,dev,tmp,etc,root,out}
cp /bin/busybox "$ROOTFS/bin/busybox"
python3 "$top/tests/lib/busybox-links.py" "$ROOTFS/bin" # one process, not an ln per applet
echo 'root:x:0:0:root:/root:/bin/sh' >"$ROOTFS/etc/passwd"
echo 'root:x:0:' >"$ROOTFS/etc/group"
echo secret >"$ROOTFS/secret"

t_guest() {
  [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]
  ! grep -E '^[^ ]+ [^ ]+ cgroup ' /proc/self/mounts
  local c
  for c in cpuset cpu io memory pids; do
    grep -qw "$c" /sys/fs/cgroup/cgroup.controllers || { echo "no $c controller"; return 1; }
  done
  [ -x "$RT" ]
}
t "guest: /sys/fs/cgroup is cgroup2 only ($(cat /sys/fs/cgroup/cgroup.controllers)), kernel $(uname -r), rt is $RT" t_guest

# ------------------------------------------------------------ (a) run
t_run_fg() {
  mkb run '["sh", "-c", "cat /proc/self/cgroup > /out/cg; touch /out/ready; while [ ! -e /out/go ]; do sleep 0.1; done; exit 7"]'
  rt run --bundle "$T/run" run >"$T/run/stdout" 2>"$T/run/stderr" &
  local pid=$!
  wait_file "$T/run/out/ready" || { cat "$T/run/stderr"; kill "$pid"; return 1; }
  echo "cgroup inside: $(cat "$T/run/out/cg")"
  [ "$(cat "$T/run/out/cg")" = "0::$CGP/run" ]
  echo "cgroup dir: $(cg run)"
  [ -d "$(cg run)" ]
  cat "$(cg run)/cgroup.procs"
  [ -n "$(cat "$(cg run)/cgroup.procs")" ]
  touch "$T/run/out/go"
  local st=0
  wait "$pid" || st=$?
  cat "$T/run/stderr"
  echo "rt run exited $st"
  [ "$st" = 7 ]
  [ ! -e "$(cg run)" ]
}
t "run: the container is in its cgroup (/proc/self/cgroup 0::$CGP/run, $CGP/run exists during the run), exit status kept, cgroup removed" t_run_fg

t_run_cgns() {
  mkb cgns '["cat", "/proc/self/cgroup"]' "c['linux']['namespaces'].append({'type': 'cgroup'})"
  local out
  out=$(rt run --bundle "$T/cgns" cgns)
  echo "inside: $out"
  [ "$out" = "0::/" ]
}
t "run: with a cgroup namespace, /proc/self/cgroup is 0::/" t_run_cgns

t_run_mountcg() {
  mkb mcg '["sh", "/out/mcg.sh"]' \
    "c['linux']['namespaces'].append({'type': 'cgroup'}); c['linux']['resources']['pids'] = {'limit': 33}"
  # busybox stat does not know cgroup2's magic: the type from mountinfo.
  cat >"$T/mcg/out/mcg.sh" <<'EOF'
awk '$5 == "/sys/fs/cgroup" { for (i = 7; i < NF; i++) if ($i == "-") print $(i + 1) }' /proc/self/mountinfo
cat /sys/fs/cgroup/pids.max
EOF
  local out
  out=$(rt run --bundle "$T/mcg" mcg)
  echo "inside: $out"
  [ "$out" = "cgroup2
33" ]
}
t "run: the container's /sys/fs/cgroup is cgroup2, rooted at its own cgroup (pids.max 33)" t_run_mountcg
t_busy_parent() {
  local out
  # Not local: the EXIT trap runs after the function returns.
  b=/sys/fs/cgroup/rt-vm-busy-$$
  mkdir "$b"
  sleep 1000 &
  sp=$!
  trap 'set +e; kill $sp; wait $sp; rmdir "$b"/*/ "$b" 2>/dev/null' EXIT
  echo "$sp" >"$b/cgroup.procs"
  mkb busy '["cat", "/proc/self/cgroup"]' "c['linux']['cgroupsPath'] = '/rt-vm-busy-$$/c'"
  out=$(rt run --bundle "$T/busy" busy)
  echo "inside: $out"
  [ "$out" = "0::/rt-vm-busy-$$/c" ]
  [ ! -e "$b/c" ]
  [ -z "$(cat "$b/cgroup.subtree_control")" ]
  # A controller it needs cannot be enabled there: an error naming the field.
  mkb busy2 '["true"]' "c['linux']['cgroupsPath'] = '/rt-vm-busy-$$/c2'; c['linux']['resources']['memory'] = {'limit': 67108864}"
  ! rt run --bundle "$T/busy2" busy2 2>"$T/busy2.err"
  cat "$T/busy2.err"
  grep -q 'linux.resources.memory.limit' "$T/busy2.err"
  grep -q 'Device or resource busy' "$T/busy2.err"
  ls -d "$b"/*/ || true
  [ ! -e "$b/c2" ]
}
t "run: a cgroupsPath under a cgroup that has processes works (no controller forced on it); one needing memory there is a clear error" t_busy_parent
leak_check "run"

# ------------------------------------------------------------ (b) resources
mkb res '["sleep", "1000"]' "c['linux']['resources'].update({
  'memory': {'limit': 67108864, 'reservation': 33554432},
  'cpu': {'shares': 512, 'quota': 50000, 'period': 100000, 'burst': 10000, 'cpus': '0', 'mems': '0'},
  'pids': {'limit': 42},
  'blockIO': {'weight': 500},
  'hugepageLimits': [{'pageSize': '2MB', 'limit': 4194304}],
  'unified': {'memory.high': '50331648', 'pids.max': '42'}})" >"$T/res.log" 2>&1
if start res >>"$T/res.log" 2>&1; then
  ok "resources: run -d with memory, cpu, cpuset, pids and unified resources"
  eq "resources: memory.limit -> memory.max" 67108864 "$(cgf res memory.max)"
  eq "resources: memory.reservation -> memory.low" 33554432 "$(cgf res memory.low)"
  eq "resources: pids.limit -> pids.max" 42 "$(cgf res pids.max)"
  eq "resources: cpu.shares 512 -> cpu.weight 20" 20 "$(cgf res cpu.weight)"
  eq "resources: cpu.quota/period -> cpu.max" "50000 100000" "$(cgf res cpu.max)"
  eq "resources: cpu.burst -> cpu.max.burst" 10000 "$(cgf res cpu.max.burst)"
  eq "resources: cpu.cpus -> cpuset.cpus" 0 "$(cgf res cpuset.cpus)"
  eq "resources: cpu.mems -> cpuset.mems" 0 "$(cgf res cpuset.mems)"
  eq "resources: blockIO.weight 500 -> io.weight default 4950" "default 4950" "$(cgf res io.weight)"
  eq "resources: hugepageLimits 2MB -> hugetlb.2MB.max" 4194304 "$(cgf res hugetlb.2MB.max)"
  eq "resources: unified memory.high -> memory.high" 50331648 "$(cgf res memory.high)"
  eq "resources: the container's pid is in cgroup.procs" "$(cat "$T/res/pid")" "$(cgf res cgroup.procs)"
  sc=$(cat "/sys/fs/cgroup$CGP/cgroup.subtree_control")
  t_sc() { local c; for c in cpuset cpu io memory pids; do [[ " $sc " == *" $c "* ]]; done; }
  t "resources: the parent's cgroup.subtree_control enables the controllers ($sc)" t_sc

  # (d) pause, resume, ps, events, update on the same container
  t_pause() {
    rt pause res
    wait_status res paused
    [ "$(cgf res cgroup.freeze)" = 1 ]
    grep -qx 'frozen 1' "$(cg res)/cgroup.events"
    ! rt pause res
  }
  t "pause: status paused, cgroup.freeze 1, cgroup.events frozen 1; pausing again fails" t_pause
  t_resume() {
    rt resume res
    wait_status res running
    [ "$(cgf res cgroup.freeze)" = 0 ]
    grep -qx 'frozen 0' "$(cg res)/cgroup.events"
    ! rt resume res
  }
  t "resume: status running, cgroup.freeze 0, frozen 0; resuming again fails" t_resume
  t_ps() {
    local pid
    pid=$(cat "$T/res/pid")
    rt ps res | tee "$T/ps.out"
    grep -qE "^[^ ]+ +$pid .*sleep 1000" "$T/ps.out"
    [ "$(wc -l <"$T/ps.out")" = 2 ]
    [ "$(rt ps -f json res)" = "[$pid]" ]
  }
  t "ps: table and json list the container's one process" t_ps
  t_events() {
    rt events --help | grep -q -- --stats
    rt events --stats res | tee "$T/ev.out"
    python3 - "$T/ev.out" <<'PY'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 1, lines
e = json.loads(lines[0])
assert e["type"] == "stats" and e["id"] == "res", e
d = e["data"]
assert d["pids"]["current"] == 1 and d["pids"]["limit"] == 42, d["pids"]
assert d["memory"]["usage"]["usage"] > 0, d["memory"]
assert d["memory"]["usage"]["limit"] == 67108864, d["memory"]
assert d["cpu"]["usage"]["total"] > 0, d["cpu"]
assert d["cpuset"]["cpus"] == [0], d["cpuset"]
PY
  }
  t "events --stats: one stats event (pids, memory usage and limit, cpu usage, cpuset)" t_events
  t_update() {
    rt update --memory 128M --memory-swap 256M --pids-limit 50 --cpu-share 1024 \
      --cpu-quota 20000 --cpu-period 50000 res
    [ "$(cgf res memory.max)" = 134217728 ]
    [ "$(cgf res memory.swap.max)" = 134217728 ]
    [ "$(cgf res pids.max)" = 50 ]
    [ "$(cgf res cpu.weight)" = 39 ]
    [ "$(cgf res cpu.max)" = "20000 50000" ]
    rt update --cpu-period 100000 res
    [ "$(cgf res cpu.max)" = "20000 100000" ]
    # --memory-swap alone: memory+swap against the memory.max in force
    rt update --memory-swap 384M res
    [ "$(cgf res memory.swap.max)" = 268435456 ]
    rt update --pids-limit -1 --memory -1 res
    [ "$(cgf res pids.max)" = max ]
    [ "$(cgf res memory.max)" = max ]
    echo '{"unified": {"memory.high": "41943040"}, "memory": {"limit": 100663296}}' | rt update -r - res
    [ "$(cgf res memory.high)" = 41943040 ]
    [ "$(cgf res memory.max)" = 100663296 ]
  }
  t "update: --memory, --memory-swap, --pids-limit, --cpu-share, --cpu-quota/--cpu-period and -r (unified) land in the v2 files" t_update
  t_update_bad() {
    ! rt update --cpuset-cpus 99 res 2>"$T/err"
    cat "$T/err"
    grep -q 'linux.resources.cpu.cpus' "$T/err"
    ! rt update --cpu-rt-runtime 1000 res 2>"$T/err"
    cat "$T/err"
    grep -q 'realtime' "$T/err"
  }
  t "update: a rejected value and a v1-only one (cpu-rt-runtime) fail naming the field" t_update_bad
  t_exec_sub() {
    mkdir "$(cg res)/sub"
    local out
    out=$(rt exec --cgroup sub res cat /proc/self/cgroup)
    echo "exec: $out"
    [ "$out" = "0::$CGP/res/sub" ]
    out=$(rt exec res cat /proc/self/cgroup)
    [ "$out" = "0::$CGP/res" ]
  }
  t "exec: runs in the container's cgroup, --cgroup SUB in a sub-cgroup" t_exec_sub
  t_oom() {
    rt update --memory 16M --memory-swap 16M res
    rt events --interval 1s res >"$T/oom.out" 2>&1 &
    local ev=$! i
    sleep 1
    rt exec res sh -c 'x=$(head -c 24000000 /dev/zero | tr "\0" a); echo survived' || true
    for i in $(seq 50); do grep -q '"oom"' "$T/oom.out" && break; sleep 0.1; done
    kill "$ev"
    cat "$T/oom.out" | grep -v '"stats"'
    grep -q '{"type":"oom","id":"res"}' "$T/oom.out"
    grep -q 'oom_kill [1-9]' "$(cg res)/memory.events"
  }
  t "events: an OOM kill in the container is reported as {\"type\":\"oom\"}" t_oom
  t_delete() {
    local pid
    pid=$(cat "$T/res/pid")
    rt pause res
    rt delete --force res
    ! kill -0 "$pid" 2>/dev/null
    [ ! -e "$(cg res)" ]
    [ ! -e "/sys/fs/cgroup$CGP" ]
    ! rt state res
  }
  t "delete --force of a paused container: killed, cgroup and the parent rt made removed" t_delete
else
  not_ok "resources: run -d with memory, cpu, cpuset, pids and unified resources" "$T/res.log"
fi
leak_check "resources"

# ------------------------------------------------------------ (c) devices
# rt appends runc's default rules (null, zero, full, random, urandom, tty,
# console, ptmx, pts, tun, and mknod of anything) after the config's, so the
# test device is one outside them: c 240:0 (a local/experimental major with
# no driver). The device filter decides before the driver is looked up:
# EPERM when denied, ENXIO ("No such device or address") when allowed.
DEV="c['linux']['devices'] = [{'path': '/dev/rtvm', 'type': 'c', 'major': 240, 'minor': 0, 'fileMode': 438}]"
t_dev_deny() {
  mkb devd '["sh", "-c", "exec 3</dev/rtvm; echo opened"]' "$DEV"
  ! rt run --bundle "$T/devd" devd 2>&1 | tee "$T/devd.out"
  grep -q 'Operation not permitted' "$T/devd.out"
}
t "devices: deny-all (rt spec's default): opening c 240:0 fails with EPERM (eBPF device filter)" t_dev_deny
t_dev_allow() {
  mkb deva '["sh", "-c", "(exec 3</dev/rtvm); (exec 3>/dev/rtvm); echo x >/dev/null && head -c 5 /dev/zero | wc -c"]' \
    "$DEV; c['linux']['resources']['devices'] = [{'allow': False, 'access': 'rwm'}, {'allow': True, 'type': 'c', 'major': 240, 'minor': 0, 'access': 'r'}, {'allow': True, 'type': 'c', 'major': 1, 'minor': 3, 'access': 'rwm'}]"
  rt run --bundle "$T/deva" deva >"$T/deva.out" 2>&1 || true
  cat "$T/deva.out"
  grep -q "can't open /dev/rtvm: No such device or address" "$T/deva.out"
  grep -q "can't create /dev/rtvm: Operation not permitted" "$T/deva.out"
  grep -qx 5 "$T/deva.out"
}
t "devices: allow c 240:0 r: read-open reaches the driver (ENXIO), write-open fails (EPERM); /dev/null and /dev/zero stay usable" t_dev_allow
t_dev_wildcard() {
  mkb devw '["sh", "-c", "exec 3</dev/rtvm"]' \
    "$DEV; c['linux']['resources']['devices'] = [{'allow': True, 'access': 'rwm'}, {'allow': False, 'type': 'c', 'major': 240, 'access': 'w'}]"
  rt run --bundle "$T/devw" devw >"$T/devw.out" 2>&1 || true
  cat "$T/devw.out"
  grep -q "No such device or address" "$T/devw.out"
  mkb devw2 '["sh", "-c", "exec 3>/dev/rtvm"]' \
    "$DEV; c['linux']['resources']['devices'] = [{'allow': True, 'access': 'rwm'}, {'allow': False, 'type': 'c', 'major': 240, 'access': 'w'}]"
  rt run --bundle "$T/devw2" devw2 >"$T/devw2.out" 2>&1 || true
  cat "$T/devw2.out"
  grep -q "Operation not permitted" "$T/devw2.out"
}
t "devices: allow all, then deny c 240:* w: read-open allowed, write-open EPERM" t_dev_wildcard
leak_check "devices"

# ------------------------------------------------------------ (e) AppArmor
if [ "$LSM" = apparmor ]; then
  if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ]; then
    not_ok "apparmor: enabled in the guest (apparmor=1 security=apparmor)"
  elif ! command -v apparmor_parser >/dev/null; then
    skip "apparmor: profiles" "no apparmor_parser on the host (apt-get install apparmor)"
  else
    cat >"$T/profile" <<EOF
abi <abi/3.0>,
profile $PROFILE flags=(attach_disconnected,mediate_deleted) {
  file,
  capability,
  network,
  mount,
  umount,
  pivot_root,
  signal,
  ptrace,
  unix,
  deny /secret r,
}
EOF
    if apparmor_parser -r -K "$T/profile" >"$T/aa.log" 2>&1; then
      ok "apparmor: apparmor_parser loads profile $PROFILE"
      t_aa() {
        mkb aa '["sh", "-c", "cat /proc/self/attr/current; cat /secret || echo denied"]' \
          "c['process']['apparmorProfile'] = '$PROFILE'"
        local out
        out=$(rt run --bundle "$T/aa" aa 2>&1)
        echo "$out"
        [ "$out" = "$PROFILE (enforce)
cat: can't open '/secret': Permission denied
denied" ]
      }
      t "apparmor: process.apparmorProfile: /proc/self/attr/current is '$PROFILE (enforce)', its deny rule holds" t_aa
      t_aa_exec() {
        mkb aax '["sleep", "1000"]'
        start aax
        [ "$(rt exec aax cat /proc/self/attr/current)" = unconfined ]
        [ "$(rt exec --apparmor "$PROFILE" aax cat /proc/self/attr/current)" = "$PROFILE (enforce)" ]
        rt delete --force aax
      }
      t "apparmor: exec --apparmor PROFILE confines the new process only" t_aa_exec
    else
      not_ok "apparmor: apparmor_parser loads profile $PROFILE" "$T/aa.log"
    fi
    t_aa_unknown() {
      mkb aan '["true"]' "c['process']['apparmorProfile'] = 'rt-vm-no-such-profile'"
      ! rt run --bundle "$T/aan" aan 2>"$T/aan.err"
      cat "$T/aan.err"
      grep -q 'apparmorProfile' "$T/aan.err"
      grep -q 'rt-vm-no-such-profile' "$T/aan.err"
      ! rt state aan
    }
    t "apparmor: an unknown profile is a clear error naming the field and the profile" t_aa_unknown
  fi
else
  t_aa_off() {
    [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null || echo N)" != Y ]
    mkb aao '["true"]' "c['process']['apparmorProfile'] = '$PROFILE'"
    ! rt run --bundle "$T/aao" aao 2>"$T/aao.err"
    cat "$T/aao.err"
    grep -q 'AppArmor is not enabled' "$T/aao.err"
    ! rt state aao
  }
  t "apparmor: off in the guest; process.apparmorProfile is a clear error" t_aa_off
fi
leak_check "apparmor"

# ------------------------------------------------------------ other suites
# (renumbered into this stream by sub_tap)
# The cgroup unit test (make check builds it) on a pure v2 host.
unit=${RT_VM_UNIT_DIR:-$top/build/tests/unit}/test_cgroup
if [ -x "$unit" ]; then
  sub_tap "unit test_cgroup" "$unit"
else
  skip "unit test_cgroup" "not built ($unit: make check builds it)"
fi

# tests/bats/cgroups.bats (RT_VM_BATS=0: not run).
if [ "${RT_VM_BATS:-1}" = 0 ]; then
  skip "bats cgroups.bats" "RT_VM_BATS=0"
elif ! command -v bats >/dev/null; then
  skip "bats cgroups.bats" "no bats (apt-get install bats)"
else
  RT=$RT TMPDIR=/tmp sub_tap "bats cgroups.bats" timeout 900 bats --tap "$top/tests/bats/cgroups.bats"
fi

echo "1..$n"
[ "$failed" -eq 0 ]

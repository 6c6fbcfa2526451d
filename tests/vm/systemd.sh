#!/bin/bash
# tests/vm/systemd.sh: rt's systemd cgroup driver (--systemd-cgroup) on a
# real systemd. Run by `tests/vm/run.sh --init systemd` inside the guest,
# where systemd is PID 1 (pure cgroup v2, dbus socket-activated) and this is
# rt-vm-test.service's job. TAP on stdout.
#
# Uses the host's build of rt ($RT, default build/rt of this tree) and a
# busybox bundle under /tmp. Only `run`/`create` get --systemd-cgroup: the
# other commands must find the driver in the container's state.
#
# It refuses to run outside the VM lane's guest booted with systemd
# (RT_VM_INIT=systemd) unless RT_VM_LANE_ANYWHERE=1: it starts and stops
# units of the running systemd.
set -u -o pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/sbin:/usr/local/bin
export SYSTEMD_PAGER= SYSTEMD_COLORS=0

top=$(cd "$(dirname "$0")/../.." && pwd)
RT=${RT:-$top/build/rt}

if [ "${RT_VM_INIT:-}" != systemd ] && [ -z "${RT_VM_LANE_ANYWHERE:-}" ]; then
  echo "1..0 # SKIP not in the VM lane's systemd guest (run tests/vm/run.sh --init systemd)"
  exit 0
fi

T=$(mktemp -d /tmp/rt-vm-systemd.XXXXXX)
chmod 755 "$T"
ROOT=$T/state
ROOTFS=$T/rootfs
CG=/sys/fs/cgroup

# ------------------------------------------------------------ TAP
# ok, not_ok, skip, eq, sub_tap
# shellcheck source=tests/vm/tap.bash
. "$top/tests/vm/tap.bash"

# t DESC FUNC [ARG...]: FUNC runs in a subshell under set -e (as a bats
# test); its output is the diagnostic when it fails. want_props and
# want_file do not stop it: a mismatch is noted, the test goes on (every
# value in the diagnostic) and fails at its end.
t() {
  local desc=$1 log=$T/test.log st t1
  shift
  rm -f "$T/mismatch"
  t1=$(date +%s%N)
  (
    set -e
    "$@"
  ) >"$log" 2>&1
  st=$?
  echo "$((($(date +%s%N) - t1) / 1000000)) $((n + 1))" >>"$T/times"
  [ ! -e "$T/mismatch" ] || st=1
  if [ $st -eq 0 ]; then ok "$desc"; else not_ok "$desc" "$log"; fi
}

# ------------------------------------------------------------ helpers
rt() { # every command but run/create: the driver comes from the state
  "$RT" --root "$ROOT" "$@"
}

rtsd() {
  "$RT" --root "$ROOT" --systemd-cgroup "$@"
}

# prop UNIT NAME...: systemctl show's NAME=VALUE lines, in the order asked.
prop() {
  local u=$1 p
  shift
  for p in "$@"; do
    systemctl show -p "$p" "$u" 2>&1
  done
}

# want_props UNIT NAME=VALUE...: each property as given (see t).
want_props() {
  local u=$1 kv got all ps=()
  shift
  # One systemctl for all of them (each exec costs under TCG).
  for kv in "$@"; do ps+=(-p "${kv%%=*}"); done
  all=$(systemctl show "${ps[@]}" "$u" 2>&1)
  for kv in "$@"; do
    got=$(grep -m1 "^${kv%%=*}=" <<<"$all")
    if [ "$got" = "$kv" ]; then
      echo "  $u: $got"
    else
      echo "  MISMATCH $u: expected $kv, got '$got'"
      touch "$T/mismatch"
    fi
  done
}

# want_file FILE VALUE (see t)
want_file() {
  local got
  got=$(cat "$1" 2>&1)
  if [ "$got" = "$2" ]; then
    echo "  $1: $got"
  else
    echo "  MISMATCH $1: expected '$2', got '$got'"
    touch "$T/mismatch"
  fi
}

# gone UNIT: not loaded any more (a transient unit that stopped is
# garbage-collected: LoadState=not-found, ActiveState=inactive).
gone() {
  local i a l
  for i in $(seq 50); do
    a=$(systemctl show -P ActiveState "$1" 2>&1)
    l=$(systemctl show -P LoadState "$1" 2>&1)
    [ "$a" = inactive ] && [ "$l" = not-found ] && { echo "  $1: $l, $a"; return 0; }
    sleep 0.1
  done
  echo "  $1: LoadState=$l ActiveState=$a (want not-found, inactive)"
  systemctl status --no-pager "$1" 2>&1 | head -n 15
  return 1
}

# mkb NAME ARGS_JSON CGROUPS_PATH [PYTHON]: a bundle $T/NAME from `rt spec`,
# the shared read-only rootfs, no terminal, linux.cgroupsPath (- : none),
# then the python statement on the config `c`.
mkb() {
  local b=$T/$1
  rm -rf "$b"
  mkdir -p "$b"
  "$RT" spec --bundle "$b" || return 1
  python3 - "$b/config.json" "$ROOTFS" "$3" "$2" "${4:-pass}" <<'PY'
import json, sys
path, rootfs, cgpath, args, stmt = sys.argv[1:]
with open(path) as f:
    c = json.load(f)
c['root'] = {'path': rootfs, 'readonly': True}
c['process']['terminal'] = False
c['process']['args'] = json.loads(args)
if cgpath == '-':
    c['linux'].pop('cgroupsPath', None)
else:
    c['linux']['cgroupsPath'] = cgpath
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

# Start NAME detached (run -d with --systemd-cgroup); its pid in $T/NAME/pid.
start() {
  rtsd run -d --bundle "$T/$1" --pid-file "$T/$1/pid" "$1" </dev/null && wait_status "$1" running
}

# The units rt made (rt-vm-*.scope, rt-*.scope, the slices of the tests),
# loaded in any state; the job's own rt-vm-test.* are not rt's.
rt_units() {
  systemctl list-units --all --plain --no-legend 'rt-*' 'rt.slice' 'rtvm*' '*nocolons*' 2>/dev/null |
    awk '{ print $1 }' | grep -v '^rt-vm-test\.'
}

cleanup() {
  local d
  for d in "$ROOT"/*; do
    [ -e "$d" ] && "$RT" --root "$ROOT" delete --force "${d##*/}" >/dev/null 2>&1
  done
  for d in $(rt_units); do systemctl stop "$d" >/dev/null 2>&1; done
  rm -rf "$T"
}
trap cleanup EXIT

# After a group: nothing of rt's left, neither container nor unit nor cgroup.
leak_check() { # DESC
  local d left=$T/left.log
  : >"$left"
  for d in "$ROOT"/*; do
    [ -e "$d" ] || continue
    echo "left container: ${d##*/}" >>"$left"
    rt delete --force "${d##*/}" >>"$left" 2>&1
  done
  for d in $(rt_units); do
    echo "left unit: $d ($(systemctl show -P ActiveState "$d"))" >>"$left"
    systemctl stop "$d" >>"$left" 2>&1
    systemctl reset-failed "$d" >>"$left" 2>&1
  done
  find "$CG" -mindepth 1 -type d \( -name 'rt-*.scope' -o -name 'rt.slice' -o -name 'rtvm*' -o -name '*nocolons*' \) \
    >>"$left" 2>/dev/null
  if [ -s "$left" ]; then not_ok "$1: nothing left behind" "$left"; else ok "$1: nothing left behind"; fi
}

# ------------------------------------------------------------ the guest
mkdir -p "$ROOTFS"/{bin,proc,sys,dev,tmp,etc,root}
cp /bin/busybox "$ROOTFS/bin/busybox"
# The applets' links from one process: an ln per applet (400 of them) costs
# a minute under TCG.
python3 "$top/tests/lib/busybox-links.py" "$ROOTFS/bin"
echo 'root:x:0:0:root:/root:/bin/sh' >"$ROOTFS/etc/passwd"
echo 'root:x:0:' >"$ROOTFS/etc/group"

t_guest() {
  echo "PID 1: $(cat /proc/1/comm)"
  [ "$(cat /proc/1/comm)" = systemd ]
  [ -d /run/systemd/system ]
  [ "$(stat -f -c %T $CG)" = cgroup2fs ]
  systemctl --version | head -n 1
  echo "system state: $(systemctl is-system-running 2>&1)"
  # The system bus (socket-activated dbus-daemon) answers.
  busctl --system call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus GetId
  [ "$(systemctl show -P ActiveState dbus.service)" = active ]
  echo "own cgroup: $(cat /proc/self/cgroup)"
  grep -qx '0::/system.slice/rt-vm-test.service' /proc/self/cgroup
  [ -x "$RT" ]
  "$RT" features | grep -q '"io.github.rt.build.systemd": "true"'
}
t0=$(date +%s%N)
echo "# guest uptime when the tests start: $(cut -d' ' -f1 /proc/uptime) s (kernel, initramfs, systemd)"
t "guest: systemd is PID 1 ($(systemctl --version | sed -n '1s/ (.*//p')), the system bus answers, cgroup2, rt ($RT) built with systemd" t_guest

# ------------------------------------------------------------ (1) run -d
U=rt-vm-sd1.scope
UCG=$CG/system.slice/$U
mkb sd1 '["sleep", "1000"]' "system.slice:rt-vm:sd1" "c['linux']['resources'].update({
  'memory': {'limit': 67108864},
  'cpu': {'shares': 512, 'quota': 50000, 'period': 100000},
  'pids': {'limit': 42}})" >"$T/sd1.log" 2>&1
if start sd1 >>"$T/sd1.log" 2>&1; then
  ok "run -d: cgroupsPath system.slice:rt-vm:sd1 with memory, cpu shares/quota/period and pids limits"
  t_unit() {
    systemctl status --no-pager "$U" || true
    want_props "$U" ActiveState=active SubState=running LoadState=loaded Transient=yes \
      Slice=system.slice ControlGroup=/system.slice/$U Delegate=yes DefaultDependencies=no \
      "Description=rt container sd1"
    grep -qx "$(cat "$T/sd1/pid")" "$UCG/cgroup.procs"
  }
  t "run -d: systemctl show $U: active/running, transient, Delegate=yes, Slice=system.slice, ControlGroup=/system.slice/$U" t_unit
  t_unit_limits() {
    want_props "$U" MemoryMax=67108864 TasksMax=42 CPUWeight=20 CPUQuotaPerSecUSec=500ms \
      CPUQuotaPeriodUSec=100ms MemoryAccounting=yes TasksAccounting=yes CPUAccounting=yes IOAccounting=yes
  }
  t "run -d: the unit's limits: MemoryMax=67108864 TasksMax=42 CPUWeight=20 CPUQuotaPerSecUSec=500ms CPUQuotaPeriodUSec=100ms" t_unit_limits
  t_proc_cg() {
    local pid
    pid=$(cat "$T/sd1/pid")
    echo "pid $pid: $(cat /proc/"$pid"/cgroup)"
    [ "$(cat /proc/"$pid"/cgroup)" = "0::/system.slice/$U" ]
  }
  t "run -d: /proc/PID/cgroup of the container is 0::/system.slice/$U" t_proc_cg
  t_files() {
    want_file "$UCG/memory.max" 67108864
    want_file "$UCG/pids.max" 42
    want_file "$UCG/cpu.weight" 20
    want_file "$UCG/cpu.max" "50000 100000"
  }
  t "run -d: the scope's memory.max 67108864, pids.max 42, cpu.weight 20, cpu.max '50000 100000'" t_files
  t_reload() {
    # systemd applies its own view of the unit again on a reload: it must
    # be the container's (the properties agree with the files rt wrote).
    systemctl daemon-reload
    want_props "$U" ActiveState=active Delegate=yes MemoryMax=67108864 TasksMax=42
    want_file "$UCG/memory.max" 67108864
    want_file "$UCG/pids.max" 42
    want_file "$UCG/cpu.weight" 20
    want_file "$UCG/cpu.max" "50000 100000"
  }
  t "run -d: after systemctl daemon-reload the unit and the files still hold the limits" t_reload

  # ---------------------------------------------------------- (2) update
  t_update() {
    rt update --memory 128M --pids-limit 50 sd1 2>&1
    want_file "$UCG/memory.max" 134217728
    want_file "$UCG/pids.max" 50
    want_props "$U" MemoryMax=134217728 TasksMax=50
  }
  t "update --memory 128M --pids-limit 50: memory.max/pids.max and the unit's MemoryMax/TasksMax" t_update
  t_update_cpu() {
    rt update --cpu-share 1024 --cpu-quota 20000 --cpu-period 50000 sd1
    want_file "$UCG/cpu.weight" 39
    want_file "$UCG/cpu.max" "20000 50000"
    want_props "$U" CPUWeight=39 CPUQuotaPerSecUSec=400ms CPUQuotaPeriodUSec=50ms
  }
  t "update --cpu-share 1024 --cpu-quota 20000 --cpu-period 50000: cpu.weight 39, cpu.max, CPUWeight=39 CPUQuotaPerSecUSec=400ms CPUQuotaPeriodUSec=50ms" t_update_cpu
  t_update_reload() {
    # SetUnitProperties(runtime): the drop-ins survive a reload, and what
    # systemd writes back is the update's.
    systemctl daemon-reload
    want_props "$U" MemoryMax=134217728 TasksMax=50 CPUWeight=39
    want_file "$UCG/memory.max" 134217728
    want_file "$UCG/pids.max" 50
    want_file "$UCG/cpu.max" "20000 50000"
  }
  t "update: after systemctl daemon-reload the unit and the files keep the updated limits" t_update_reload
  t_update_unlimit() {
    rt update --memory -1 --pids-limit -1 --cpu-quota -1 sd1 2>&1
    want_file "$UCG/memory.max" max
    want_file "$UCG/pids.max" max
    # No quota: systemd writes its default period with "max" (100 ms,
    # whatever CPUQuotaPeriodUSec says), rt the one it had.
    cpu_max_unlimited
    want_props "$U" TasksMax=infinity MemoryMax=infinity CPUQuotaPerSecUSec=infinity
  }
  cpu_max_unlimited() {
    local v
    v=$(cat "$UCG/cpu.max")
    case "$v" in
    "max 50000" | "max 100000") echo "  $UCG/cpu.max: $v" ;;
    *) echo "  MISMATCH $UCG/cpu.max: expected 'max 50000' or 'max 100000', got '$v'"; touch "$T/mismatch" ;;
    esac
  }
  t "update --memory -1 --pids-limit -1 --cpu-quota -1: the files say max and the unit says infinity" t_update_unlimit
  t_update_unlimit_reload() {
    systemctl daemon-reload
    want_file "$UCG/memory.max" max
    want_file "$UCG/pids.max" max
    cpu_max_unlimited
  }
  t "update: after -1 and a daemon-reload, memory.max, pids.max and cpu.max stay unlimited" t_update_unlimit_reload

  # ---------------------------------------------------------- (3) exec, pause
  t_exec() {
    local out
    out=$(rt exec sd1 cat /proc/self/cgroup)
    echo "exec: $out"
    [ "$out" = "0::/system.slice/$U" ]
    # A second process (exec'd) in the scope's cgroup.procs while it runs.
    rt exec sd1 sleep 5 &
    local e=$! i procs=
    for i in $(seq 50); do
      procs=$(tr '\n' ' ' <"$UCG/cgroup.procs")
      [ "$(wc -w <<<"$procs")" -ge 2 ] && break
      sleep 0.1
    done
    echo "procs during exec: $procs"
    [ "$(wc -w <<<"$procs")" -ge 2 ]
    wait "$e" || { echo "rt exec sleep 5 exited $?"; return 1; }
  }
  t "exec: the process runs in the scope (0::/system.slice/$U, in its cgroup.procs)" t_exec
  t_pause() {
    rt pause sd1
    wait_status sd1 paused
    want_file "$UCG/cgroup.freeze" 1
    grep -qx 'frozen 1' "$UCG/cgroup.events"
    want_props "$U" ActiveState=active
    echo "FreezerState (systemd's own, rt freezes the cgroup directly): $(systemctl show -P FreezerState "$U")"
    rt resume sd1
    wait_status sd1 running
    want_file "$UCG/cgroup.freeze" 0
    grep -qx 'frozen 0' "$UCG/cgroup.events"
    [ "$(rt exec sd1 echo alive)" = alive ]
  }
  t "pause/resume: paused (cgroup.freeze 1, frozen 1, the unit still active), resumed (frozen 0, exec works)" t_pause

  # ---------------------------------------------------------- (4) delete
  t_delete() {
    local pid
    pid=$(cat "$T/sd1/pid")
    rt delete -f sd1
    ! kill -0 "$pid" 2>/dev/null
    gone "$U"
    [ ! -e "$UCG" ] || { echo "$UCG still there"; return 1; }
    ! rt state sd1 2>/dev/null
  }
  t "delete -f: the container is killed, $U is stopped (not-found/inactive), its cgroup removed" t_delete
else
  not_ok "run -d: cgroupsPath system.slice:rt-vm:sd1 with memory, cpu shares/quota/period and pids limits" "$T/sd1.log"
fi
leak_check "run -d, update, exec, pause, delete"

# ------------------------------------------------------------ (2b) the others
# Resources rt writes into the scope's cgroup but does not pass to systemd
# as properties: systemd applies its own values of them (its defaults) when
# it realizes the unit again, as on SetUnitProperties at `rt update`.
U4=rt-vm-sd4.scope
U4CG=$CG/system.slice/$U4
mkb sd4 '["sleep", "1000"]' "system.slice:rt-vm:sd4" "c['linux']['resources'].update({
  'memory': {'limit': 67108864, 'reservation': 33554432, 'swap': 134217728},
  'cpu': {'cpus': '0', 'mems': '0'},
  'pids': {'limit': 42},
  'blockIO': {'weight': 500},
  'unified': {'memory.high': '50331648'}})" >"$T/sd4.log" 2>&1
if start sd4 >>"$T/sd4.log" 2>&1; then
  others() {
    want_file "$U4CG/memory.max" 67108864
    want_file "$U4CG/memory.low" 33554432
    want_file "$U4CG/memory.swap.max" 67108864
    want_file "$U4CG/memory.high" 50331648
    want_file "$U4CG/cpuset.cpus" 0
    want_file "$U4CG/cpuset.mems" 0
    want_file "$U4CG/io.weight" "default 4950"
  }
  t_others() {
    others
  }
  t "run -d: memory reservation/swap, unified memory.high, cpuset, blockIO weight land in the scope" t_others
  t_others_reload() {
    systemctl daemon-reload
    others
    systemctl show -p MemoryHigh "$U4"
  }
  t "systemctl daemon-reload keeps them" t_others_reload
  t_others_update() {
    rt update --pids-limit 50 sd4
    want_file "$U4CG/pids.max" 50
    others
    systemctl show -p MemoryLow -p MemoryHigh -p MemorySwapMax -p AllowedCPUs -p AllowedMemoryNodes -p IOWeight "$U4"
  }
  t "update --pids-limit 50 keeps the limits it does not name (memory.low, memory.swap.max, memory.high, cpuset, io.weight)" t_others_update
  rt delete -f sd4 >/dev/null 2>&1
else
  not_ok "run -d: memory reservation/swap, unified memory.high, cpuset, blockIO weight" "$T/sd4.log"
fi

# Devices: rt's own eBPF filter (rt spec's deny-all, runc's defaults after
# it) and whatever systemd attaches to the scope on its own when it realizes
# the unit again (DevicePolicy, DeviceAllow): both must let the defaults
# through and keep the rest out. c 240:0 has no driver: EPERM when a filter
# denies, ENXIO when the open gets through to the (absent) driver.
mkb sd6 '["sleep", "1000"]' "system.slice:rt-vm:sd6" \
  "c['linux']['devices'] = [{'path': '/dev/rtvm', 'type': 'c', 'major': 240, 'minor': 0, 'fileMode': 438}]" \
  >"$T/sd6.log" 2>&1
if start sd6 >>"$T/sd6.log" 2>&1; then
  devs() {
    local out
    out=$(rt exec sd6 sh -c 'echo x >/dev/null && head -c 4 /dev/zero | wc -c && head -c 4 /dev/urandom | wc -c && head -c 4 /dev/full | wc -c' 2>&1) || true
    echo "defaults: $out"
    [ "$out" = "4
4
4" ] || { echo "  MISMATCH: /dev/null, zero, urandom, full"; touch "$T/mismatch"; }
    out=$(rt exec sd6 sh -c 'exec 3</dev/rtvm' 2>&1) || true
    echo "c 240:0: $out"
    case "$out" in *"Operation not permitted"*) ;; *) echo "  MISMATCH: c 240:0 not denied"; touch "$T/mismatch" ;; esac
  }
  t_devs() {
    systemctl show -p DevicePolicy -p DeviceAllow rt-vm-sd6.scope
    devs
  }
  t "devices: /dev/null, zero, urandom, full usable in the scope, c 240:0 denied (EPERM)" t_devs
  t_devs_reload() {
    systemctl daemon-reload
    devs
    rt update --pids-limit 30 sd6
    devs
  }
  t "devices: the same after systemctl daemon-reload and an rt update (systemd's own device policy)" t_devs_reload
  rt delete -f sd6 >/dev/null 2>&1
else
  not_ok "devices: run -d with a device node" "$T/sd6.log"
fi
leak_check "limits rt does not pass to systemd, devices"

# ------------------------------------------------------------ (5) errors
t_bad_path() {
  mkb bad '["sleep", "1001"]' nocolons
  ! rtsd run -d --bundle "$T/bad" bad 2>"$T/bad.err" </dev/null
  cat "$T/bad.err"
  grep -q '\.linux\.cgroupsPath' "$T/bad.err"
  grep -q 'nocolons' "$T/bad.err"
  grep -q 'slice:prefix:name' "$T/bad.err"
  ! rt state bad 2>/dev/null
  [ -z "$(rt_units)" ] || { rt_units; return 1; }
  ! grep -l '[s]leep.1001' /proc/[0-9]*/cmdline 2>/dev/null
}
t "error: cgroupsPath \"nocolons\" fails naming .linux.cgroupsPath, no container, no unit, no process" t_bad_path
t_bad_names() {
  local p
  for p in "system.slice:rt-vm:" "system.slice:rt-vm:a/b" "notaslice:rt-vm:x" "a:b:c:d"; do
    mkb bad '["true"]' "$p"
    ! rtsd run --bundle "$T/bad" bad 2>"$T/bad.err" </dev/null
    echo "$p: $(cat "$T/bad.err")"
    grep -q '\.linux\.cgroupsPath' "$T/bad.err"
    ! rt state bad 2>/dev/null
  done
  [ -z "$(rt_units)" ] || { rt_units; return 1; }
}
t "error: an empty name, a name with /, a slice not ending in .slice, four fields: each fails naming .linux.cgroupsPath, no unit" t_bad_names
leak_check "errors"

# ------------------------------------------------------------ (6) default path
t_default() {
  mkb sddef '["sleep", "1000"]' -
  start sddef
  local pid
  pid=$(cat "$T/sddef/pid")
  echo "pid $pid: $(cat /proc/"$pid"/cgroup)"
  [ "$(cat /proc/"$pid"/cgroup)" = "0::/system.slice/rt-sddef.scope" ]
  want_props rt-sddef.scope ActiveState=active Slice=system.slice Delegate=yes \
    ControlGroup=/system.slice/rt-sddef.scope
  [ "$(rt exec sddef cat /proc/self/cgroup)" = "0::/system.slice/rt-sddef.scope" ]
  rt delete -f sddef
  gone rt-sddef.scope
  [ ! -e $CG/system.slice/rt-sddef.scope ]
}
t "default cgroupsPath (none): unit rt-<id>.scope in system.slice (0::/system.slice/rt-sddef.scope), gone after delete -f" t_default

t_fg_exit() {
  mkb sdfg '["cat", "/proc/self/cgroup"]' -
  local out
  out=$(rtsd run --bundle "$T/sdfg" sdfg </dev/null)
  echo "inside: $out"
  [ "$out" = "0::/system.slice/rt-sdfg.scope" ]
  gone rt-sdfg.scope
  [ ! -e $CG/system.slice/rt-sdfg.scope ]
  [ -z "$(systemctl list-units --failed --plain --no-legend 'rt-*')" ]
}
t "run (foreground) of a process that exits: it ran in rt-sdfg.scope, the unit is gone afterwards, not failed" t_fg_exit

t_create_delete() {
  mkb sdcr '["sleep", "1000"]' "system.slice:rt-vm:sdcr"
  rtsd create --bundle "$T/sdcr" --pid-file "$T/sdcr/pid" sdcr </dev/null
  wait_status sdcr created
  want_props rt-vm-sdcr.scope ActiveState=active
  grep -qx "$(cat "$T/sdcr/pid")" $CG/system.slice/rt-vm-sdcr.scope/cgroup.procs
  rt start sdcr
  wait_status sdcr running
  rt kill sdcr KILL
  wait_status sdcr stopped
  rt delete sdcr
  gone rt-vm-sdcr.scope
  [ ! -e $CG/system.slice/rt-vm-sdcr.scope ]
}
t "create/start/kill/delete: the scope exists from create on (with the init's pid), delete of the stopped container leaves no unit" t_create_delete

t_nested_slice() {
  mkb sd2 '["sleep", "1000"]' "rt-vm.slice:rt-vm:sd2" "c['linux']['resources']['pids'] = {'limit': 17}"
  start sd2
  local pid
  pid=$(cat "$T/sd2/pid")
  echo "pid $pid: $(cat /proc/"$pid"/cgroup)"
  [ "$(cat /proc/"$pid"/cgroup)" = "0::/rt.slice/rt-vm.slice/rt-vm-sd2.scope" ]
  want_props rt-vm-sd2.scope ActiveState=active Slice=rt-vm.slice TasksMax=17
  want_file $CG/rt.slice/rt-vm.slice/rt-vm-sd2.scope/pids.max 17
  rt delete -f sd2
  gone rt-vm-sd2.scope
  [ ! -e $CG/rt.slice/rt-vm.slice/rt-vm-sd2.scope ]
  systemctl stop rt-vm.slice rt.slice
}
t "slice rt-vm.slice: the scope is in /rt.slice/rt-vm.slice/ (systemd makes the parents), TasksMax 17, gone after delete" t_nested_slice

t_own_slice() {
  # A name ending in .slice: the unit is that slice (cg_systemd_names), its
  # cgroup /rt-vm-own.slice... follows from the name alone, as with runc.
  mkb sd5 '["sleep", "1000"]' "system.slice:rt-vm:rtvmown.slice"
  start sd5
  local pid
  pid=$(cat "$T/sd5/pid")
  echo "pid $pid: $(cat /proc/"$pid"/cgroup)"
  [ "$(cat /proc/"$pid"/cgroup)" = "0::/rtvmown.slice" ]
  want_props rtvmown.slice ActiveState=active
  rt delete -f sd5
  [ ! -e $CG/rtvmown.slice ] || systemctl stop rtvmown.slice
}
t "cgroupsPath system.slice:rt-vm:rtvmown.slice (a slice of its own): the container runs in /rtvmown.slice" t_own_slice

t_unit_stopped() {
  # The admin stops the scope: systemd kills the container (SIGTERM: an
  # init that handles it, else systemd waits TimeoutStopSec, 90 s, for its
  # SIGKILL and the unit ends failed); rt sees it stopped and deletes it
  # without an error (the unit is already gone).
  mkb sd3 '["sh", "-c", "trap \"exit 0\" TERM; sleep 1000 & wait"]' "system.slice:rt-vm:sd3"
  start sd3
  time systemctl stop rt-vm-sd3.scope
  wait_status sd3 stopped
  rt delete sd3 2>"$T/sd3.err"
  cat "$T/sd3.err"
  [ ! -s "$T/sd3.err" ]
  gone rt-vm-sd3.scope
  [ ! -e $CG/system.slice/rt-vm-sd3.scope ]
}
t "systemctl stop of the scope: the container is stopped, rt delete succeeds quietly, nothing left" t_unit_stopped

t_ownership() {
  # config-linux.md "Cgroup ownership" with the systemd driver: the scope is
  # delegated to the container's root (host 100000) as a cgroupfs one is.
  mkb sdown '["sh", "-c", "mkdir /sys/fs/cgroup/sub && echo $$ >/sys/fs/cgroup/sub/cgroup.procs && exec sleep 1000"]' \
    "system.slice:rt-vm:sdown" "m = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
c['linux']['namespaces'] += [{'type': 'user'}, {'type': 'cgroup'}]
c['linux']['uidMappings'] = m
c['linux']['gidMappings'] = m
for x in c['mounts']:
    if x['destination'] == '/sys/fs/cgroup':
        x['options'] = [o for o in x['options'] if o != 'ro']"
  start sdown
  local d=$CG/system.slice/rt-vm-sdown.scope
  stat -c '%n %u:%g' "$d" "$d/cgroup.procs" "$d/cgroup.subtree_control" "$d/cgroup.controllers" "$d/sub"
  [ "$(stat -c %u:%g "$d")" = 100000:100000 ]
  [ "$(stat -c %u:%g "$d/cgroup.procs")" = 100000:100000 ]
  [ "$(stat -c %u:%g "$d/cgroup.subtree_control")" = 100000:100000 ]
  [ "$(stat -c %u:%g "$d/cgroup.controllers")" = 0:0 ]
  [ "$(stat -c %u:%g "$d/sub")" = 100000:100000 ]
  grep -qx "$(cat "$T/sdown/pid")" "$d/sub/cgroup.procs"
  rt delete -f sdown
  gone rt-vm-sdown.scope
  [ ! -e "$d" ]
}
t "cgroup ownership: with a user and a cgroup namespace and /sys/fs/cgroup read-write, the scope is the container root's (100000:100000); it makes a sub-cgroup and enters it" t_ownership
leak_check "default path, create, slices, ownership"

ms=$((($(date +%s%N) - t0) / 1000000))
echo "# the tests took $((ms / 1000)).$(printf %03d $((ms % 1000))) s; the slowest (ms, test):" \
  "$(sort -rn "$T/times" | head -n 5 | tr '\n' ' ')"
echo "1..$n"
[ "$failed" -eq 0 ]

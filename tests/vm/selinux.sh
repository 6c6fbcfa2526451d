#!/bin/bash
# tests/vm/selinux.sh: rt's SELinux labels on a real SELinux kernel. Run by
# `tests/vm/run.sh --lsm selinux` inside the guest (its default COMMAND
# there): SELinux on (selinux=1 security=selinux enforcing=0, permissive),
# Debian's selinux-policy-default loaded by the initramfs, plus the lane's
# container_t and container_file_t. TAP on stdout.
#
# Checks, on busybox containers: process.selinuxLabel is the label of the
# container's processes (/proc/self/attr/current, /proc/1/attr/current, the
# host's /proc/PID/attr/current) and of its session keyring; `rt exec`
# inherits it and `rt exec --process-label` replaces it; linux.mountLabel is
# the context= of the tmpfs/devpts mounts (mountinfo, the files' labels),
# mqueue is relabelled, proc/sysfs/cgroup are not; labels the policy does
# not know are errors naming the field. Under another --lsm (run.sh --lsm
# none tests/vm/selinux.sh) it checks that each label is an error saying
# SELinux is not enabled.
#
# It refuses to run outside the VM lane's guest (RT_VM unset) unless
# RT_VM_LANE_ANYWHERE=1.
set -u -o pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/sbin:/usr/local/bin

top=$(cd "$(dirname "$0")/../.." && pwd)
RT=${RT:-$top/build/rt}
LSM=${RT_VM_LSM:-none}
SE=${RT_VM_SELINUX:-} # the policy tree run.sh unpacked (getenforce)

if [ -z "${RT_VM:-}" ] && [ -z "${RT_VM_LANE_ANYWHERE:-}" ]; then
  echo "1..0 # SKIP not in the VM lane's guest (run tests/vm/run.sh --lsm selinux)"
  exit 0
fi

T=$(mktemp -d /tmp/rt-vm-selinux.XXXXXX)
chmod 755 "$T"
ROOT=$T/state
CGP=/rt-vm-selinux-$$ # every container's cgroup is under this one
ROOTFS=$T/rootfs

PL=system_u:system_r:container_t:s0:c1,c2 # process.selinuxLabel
PL2=system_u:system_r:container_t:s0:c3,c4 # exec --process-label
ML=system_u:object_r:container_file_t:s0:c1,c2 # linux.mountLabel
BADPL=system_u:system_r:rt_vm_no_such_t:s0
BADML=system_u:object_r:rt_vm_no_such_file_t:s0

# ------------------------------------------------------------ TAP
# ok, not_ok, skip, eq, sub_tap
# shellcheck source=tests/vm/tap.bash
. "$top/tests/vm/tap.bash"
# rt, leak_check, guest_cleanup
# shellcheck source=tests/vm/guest.bash
. "$top/tests/vm/guest.bash"

# t DESC FUNC [ARG...]: FUNC runs in a subshell under set -e; its output is
# the diagnostic when it fails (RT_VM_SELINUX_VERBOSE=1: always).
t() {
  local desc=$1 log=$T/test.log st t1
  shift
  t1=$(date +%s%N)
  (
    set -e
    "$@"
  ) >"$log" 2>&1
  st=$?
  echo "$((($(date +%s%N) - t1) / 1000000)) $((n + 1))" >>"$T/times"
  if [ $st -eq 0 ]; then
    ok "$desc"
    [ -z "${RT_VM_SELINUX_VERBOSE:-}" ] || sed 's/^/#   /' "$log"
  else
    not_ok "$desc" "$log"
  fi
}

# ------------------------------------------------------------ helpers
# mkb NAME ARGS_JSON [PYTHON]: a bundle $T/NAME from `rt spec`: terminal off,
# the shared read-only rootfs, cgroupsPath $CGP/NAME, a tmpfs on /mnt/tmp,
# the args, then the python statement on the config `c`.
mkb() {
  local b=$T/$1
  rm -rf "$b"
  mkdir -p "$b"
  "$RT" spec --bundle "$b" || return 1
  python3 - "$b/config.json" "$ROOTFS" "$CGP/$1" "$2" "${3:-pass}" <<'PY'
import json, sys
path, rootfs, cgpath, args, stmt = sys.argv[1:]
with open(path) as f:
    c = json.load(f)
c['root'] = {'path': rootfs, 'readonly': True}
c['process']['terminal'] = False
c['process']['args'] = json.loads(args)
c['linux']['cgroupsPath'] = cgpath
c['mounts'].append({'destination': '/mnt/tmp', 'type': 'tmpfs', 'source': 'tmpfs',
                    'options': ['nosuid', 'nodev', 'mode=1777']})
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

start() { # NAME: run -d; its host pid in $T/NAME/pid
  rt run -d --bundle "$T/$1" --pid-file "$T/$1/pid" "$1" && wait_status "$1" running
}

# An attr file without its trailing NUL.
attr() { tr -d '\0' <"$1"; }

# want WHAT EXPECTED ACTUAL: a line of the diagnostic; fails on a mismatch.
want() {
  if [ "$2" = "$3" ]; then
    echo "  $1: $3"
  else
    echo "  MISMATCH $1: expected '$2', got '$3'"
    return 1
  fi
}

# The SELinux label of a file (its security.selinux xattr).
label_of() {
  python3 -c 'import os, sys
for p in sys.argv[1:]:
    try:
        print(os.getxattr(p, "security.selinux").rstrip(b"\0").decode())
    except OSError as e:
        print("error: %s" % e.strerror)' "$@"
}

cleanup() {
  guest_cleanup
  rm -rf "$T"
}
trap cleanup EXIT

t0=$(date +%s%N)
mkdir -p "$ROOTFS"/{bin,proc,sys,dev,tmp,etc,root,mnt/tmp}
cp /bin/busybox "$ROOTFS/bin/busybox"
# The applets' links in one process (an ln each costs 30-300 ms under TCG).
python3 "$top/tests/lib/busybox-links.py" "$ROOTFS/bin"
echo 'root:x:0:0:root:/root:/bin/sh' >"$ROOTFS/etc/passwd"
echo 'root:x:0:' >"$ROOTFS/etc/group"

# ------------------------------------------------------------ not enabled
if [ "$LSM" != selinux ]; then
  # rt's errors when SELinux is off (lsm=... without selinux).
  t_off() { # FIELD_RE PYTHON
    [ ! -e /sys/fs/selinux/enforce ]
    mkb off '["true"]' "$2"
    ! rt run --bundle "$T/off" off 2>"$T/off.err"
    cat "$T/off.err"
    grep -q "$1" "$T/off.err"
    grep -q 'SELinux is not enabled' "$T/off.err"
    ! rt state off 2>/dev/null
  }
  t "off: process.selinuxLabel is an error naming .process.selinuxLabel (SELinux is not enabled)" \
    t_off '\.process\.selinuxLabel' "c['process']['selinuxLabel'] = '$PL'"
  t "off: linux.mountLabel is an error naming .linux.mountLabel (SELinux is not enabled)" \
    t_off '\.linux\.mountLabel' "c['linux']['mountLabel'] = '$ML'"
  t_off_exec() {
    mkb offx '["sleep", "1000"]'
    start offx
    ! rt exec --process-label "$PL2" offx true 2>"$T/offx.err"
    cat "$T/offx.err"
    grep -q 'SELinux is not enabled' "$T/offx.err"
    grep -q -i 'selinuxLabel\|process-label' "$T/offx.err"
    rt delete --force offx
  }
  t "off: exec --process-label is an error (SELinux is not enabled)" t_off_exec
  leak_check "off"
  echo "1..$n"
  [ "$failed" -eq 0 ]
  exit
fi

# ------------------------------------------------------------ the guest
t_guest() {
  [ -e /sys/fs/selinux/enforce ] || { echo "no /sys/fs/selinux/enforce"; return 1; }
  want "/sys/fs/selinux/enforce (0: permissive)" 0 "$(cat /sys/fs/selinux/enforce)"
  if [ -x "$SE/usr/sbin/getenforce" ]; then
    want getenforce Permissive "$("$SE/usr/sbin/getenforce")"
  fi
  want "selinux in /sys/kernel/security/lsm" 1 "$(tr , '\n' </sys/kernel/security/lsm | grep -cx selinux)"
  echo "  policy version $(cat /sys/fs/selinux/policyvers), mls $(cat /sys/fs/selinux/mls)"
  echo "  this shell: $(attr /proc/self/attr/current)"
  # The kernel validates a context written to selinuxfs's context file.
  local l
  for l in "$PL" "$PL2" "$ML"; do
    printf %s "$l" >/sys/fs/selinux/context || { echo "the policy rejects $l"; return 1; }
    echo "  the policy knows $l"
  done
  ! printf %s "$BADPL" >/sys/fs/selinux/context 2>/dev/null
  [ -x "$RT" ]
}
t "guest: SELinux is enabled and permissive (/sys/fs/selinux/enforce 0, getenforce), the policy knows container_t and container_file_t, rt is $RT" t_guest

# ------------------------------------------------------------ process labels
t_run_label() {
  mkb pl '["sh", "-c", "tr -d \"\\\\0\" </proc/self/attr/current; echo; tr -d \"\\\\0\" </proc/1/attr/current; echo"]' \
    "c['process']['selinuxLabel'] = '$PL'"
  local out
  out=$(rt run --bundle "$T/pl" pl)
  echo "$out"
  want "/proc/self/attr/current" "$PL" "$(sed -n 1p <<<"$out")"
  want "/proc/1/attr/current" "$PL" "$(sed -n 2p <<<"$out")"
}
t "process.selinuxLabel: the container's /proc/self/attr/current and /proc/1/attr/current are $PL" t_run_label

mkb se '["sleep", "1000"]' "c['process']['selinuxLabel'] = '$PL'; c['linux']['mountLabel'] = '$ML'" >"$T/se.log" 2>&1
if start se >>"$T/se.log" 2>&1; then
  ok "run -d with process.selinuxLabel $PL and linux.mountLabel $ML"
  pid=$(cat "$T/se/pid")
  t_outside() {
    want "/proc/$pid/attr/current (from the host)" "$PL" "$(attr /proc/"$pid"/attr/current)"
    want "/proc/$pid/attr/exec (cleared by the exec)" "" "$(attr /proc/"$pid"/attr/exec)"
  }
  t "process.selinuxLabel: the host sees the container's init labelled $PL" t_outside
  t_keyring() {
    # The session keyring rt joins (named after the container) was created
    # with setkeycreatecon(process.selinuxLabel): KEYCTL_GET_SECURITY.
    rt exec se cat /proc/keys
    python3 - se "$PL" <<'PY'
import ctypes, sys
name, want = sys.argv[1:]
serial = None
for line in open('/proc/keys'):
    f = line.split()
    if f[7] == 'keyring' and line.split(None, 8)[8].startswith(name + ':'):
        serial = int(f[0], 16)
assert serial is not None, 'no keyring %s in /proc/keys' % name
libc = ctypes.CDLL(None, use_errno=True)
buf = ctypes.create_string_buffer(4096)
n = libc.syscall(250, 17, serial, buf, 4096)  # keyctl(KEYCTL_GET_SECURITY)
assert n > 0, 'keyctl: errno %d' % ctypes.get_errno()
got = buf.value.decode()
print('  keyring %s (%x): %s' % (name, serial, got))
assert got == want, (got, want)
PY
  }
  t "process.selinuxLabel: the container's session keyring is labelled $PL" t_keyring
  t_exec() {
    want "exec: /proc/self/attr/current" "$PL" "$(rt exec se cat /proc/self/attr/current | tr -d '\0')"
  }
  t "exec: the process gets the container's process.selinuxLabel $PL" t_exec
  t_exec_label() {
    local out
    out=$(rt exec --process-label "$PL2" se sh -c 'tr -d "\0" </proc/self/attr/current; echo; tr -d "\0" </proc/1/attr/current; echo')
    echo "$out"
    want "exec --process-label: /proc/self/attr/current" "$PL2" "$(sed -n 1p <<<"$out")"
    want "the container's init: /proc/1/attr/current" "$PL" "$(sed -n 2p <<<"$out")"
  }
  t "exec --process-label $PL2: the exec'd process has it, the init keeps $PL" t_exec_label
  t_exec_bad() {
    ! rt exec --process-label "$BADPL" se true 2>"$T/xbad.err"
    cat "$T/xbad.err"
    grep -q 'selinuxLabel\|process-label' "$T/xbad.err"
    grep -qF "$BADPL" "$T/xbad.err"
    grep -q 'Invalid argument' "$T/xbad.err"
    want "the container after the failed exec" running "$(state_of se)"
  }
  t "exec --process-label with a label the policy does not know: an error naming the label (EINVAL), the container runs on" t_exec_bad

  # ---------------------------------------------------------- mount labels
  t_mountinfo() {
    rt exec se cat /proc/self/mountinfo >"$T/mi"
    cat "$T/mi"
    python3 - "$T/mi" "$ML" <<'PY'
import sys
path, ml = sys.argv[1:]
ctx = 'context="%s"' % ml
mounts = {}
for line in open(path):
    f = line.split()
    sep = f.index('-')
    mounts[f[4]] = (f[sep + 1], f[sep + 3])
bad = []
for mp in ('/mnt/tmp', '/dev', '/dev/pts', '/dev/shm'):
    fstype, opts = mounts.get(mp, ('absent', ''))
    print('  %s (%s): %s' % (mp, fstype, opts))
    if ctx not in opts:
        bad.append('%s: no %s' % (mp, ctx))
for mp in ('/proc', '/sys', '/sys/fs/cgroup', '/dev/mqueue'):
    fstype, opts = mounts.get(mp, ('absent', ''))
    print('  %s (%s): %s' % (mp, fstype, opts))
    if 'context=' in opts:
        bad.append('%s (%s) has a context=' % (mp, fstype))
assert not bad, bad
PY
  }
  t "linux.mountLabel: mountinfo shows context=\"$ML\" on the tmpfs /mnt/tmp, /dev, /dev/shm and devpts /dev/pts, none on proc, sysfs, cgroup2, mqueue" t_mountinfo
  t_file_labels() {
    rt exec se sh -c 'echo x >/mnt/tmp/f; mkdir /mnt/tmp/d; echo y >/dev/shm/g'
    local r=/proc/$pid/root p fail=0 ps=(/mnt/tmp /mnt/tmp/f /mnt/tmp/d /dev /dev/null /dev/pts
      /dev/pts/ptmx /dev/shm /dev/shm/g /dev/mqueue /proc /sys /)
    # One python3 for all (each exec costs under TCG).
    label_of "${ps[@]/#/$r}" >"$T/labels"
    for p in "${ps[@]}"; do
      case "$p" in
      /proc | /sys | /) echo "  for comparison, $p: $(sed -n 1p "$T/labels")"
        [ "$(sed -n 1p "$T/labels")" != "$ML" ] || fail=1 ;;
      *) want "label of $p (through /proc/$pid/root)" "$ML" "$(sed -n 1p "$T/labels")" || fail=1 ;;
      esac
      sed -i 1d "$T/labels"
    done
    [ "$fail" = 0 ]
  }
  t "linux.mountLabel: the mounts and the files the container makes in them are labelled $ML (tmpfs, devpts, mqueue by setfilecon)" t_file_labels
  t_delete() {
    rt delete --force se
    ! kill -0 "$pid" 2>/dev/null
    ! rt state se 2>/dev/null
  }
  t "delete --force" t_delete
else
  not_ok "run -d with process.selinuxLabel $PL and linux.mountLabel $ML" "$T/se.log"
fi
leak_check "labels"

# ------------------------------------------------------------ unknown labels
# The kernel validates a label against the loaded policy even when it is
# permissive (attr/exec and the context= mount option: EINVAL); only what the
# policy would deny is allowed in permissive mode.
t_bad_process() {
  mkb badp '["true"]' "c['process']['selinuxLabel'] = '$BADPL'"
  ! rt run --bundle "$T/badp" badp 2>"$T/badp.err"
  cat "$T/badp.err"
  grep -q '\.process\.selinuxLabel' "$T/badp.err"
  grep -qF "$BADPL" "$T/badp.err"
  ! rt state badp 2>/dev/null
}
t "process.selinuxLabel $BADPL (no such type): rt run fails naming .process.selinuxLabel and the label, no container" t_bad_process
t_bad_mount() {
  mkb badm '["true"]' "c['linux']['mountLabel'] = '$BADML'"
  ! rt run --bundle "$T/badm" badm 2>"$T/badm.err"
  cat "$T/badm.err"
  grep -q 'Invalid argument' "$T/badm.err"
  grep -q '\.linux\.mountLabel\|\.mounts\[' "$T/badm.err"
  ! rt state badm 2>/dev/null
}
t "linux.mountLabel $BADML (no such type): rt run fails (the mount's EINVAL), no container" t_bad_mount
t_bad_mount_names() {
  # The message should say which label the kernel refused.
  cat "$T/badm.err"
  grep -q '\.linux\.mountLabel' "$T/badm.err"
}
t "linux.mountLabel $BADML: the error names .linux.mountLabel" t_bad_mount_names
leak_check "unknown labels"

# What enforcing mode would have denied (the kernel's AVC messages; the
# lane's container_t has no rules).
dmesg 2>/dev/null | grep 'avc: *denied' >"$T/avc"
echo "# AVC denials logged (permissive): $(wc -l <"$T/avc"), of them by container_t: $(grep -c 'scontext=[^ ]*:container_t' "$T/avc")"
sed -nE 's/.*denied *\{ ([^}]*)\} .*scontext=[^ ]*:([a-z_]+):s0[^ ]* tcontext=[^ ]*:([a-z_]+):s0[^ ]* tclass=([a-z_]+).*/#   \2 -> \3:\4 { \1}/p' "$T/avc" |
  sort | uniq -c | sort -rn | head -n 12 | sed -E 's/^ *([0-9]+) #/# \1/'
[ -z "${RT_VM_SELINUX_VERBOSE:-}" ] || sed 's/^/#   /' "$T/avc"
ms=$((($(date +%s%N) - t0) / 1000000))
echo "# the tests took $((ms / 1000)).$(printf %03d $((ms % 1000))) s; the slowest (ms, test):" \
  "$(sort -rn "$T/times" | head -n 5 | tr '\n' ' ')"
echo "1..$n"
[ "$failed" -eq 0 ]

# Helpers for the lifecycle tests: a busybox rootfs built once per file, a
# fresh bundle and --root per test, and a leak check after every test.

: "${RT:=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)/build/rt}"

lc_setup_file() {
  # Containers with a user namespace run as an unprivileged host uid: it must
  # reach the rootfs (bats makes its temporary directories 0700).
  chmod 755 "$BATS_RUN_TMPDIR" "$(dirname "$BATS_FILE_TMPDIR")" "$BATS_FILE_TMPDIR"
  export LC_ROOTFS="$BATS_FILE_TMPDIR/rootfs"
  mkdir -p "$LC_ROOTFS"/{bin,proc,sys,dev,tmp,etc,root}
  cp /bin/busybox "$LC_ROOTFS/bin/busybox"
  # the applet links in one process (an ln each costs ~80 ms in the VM lane)
  python3 "$BATS_TEST_DIRNAME/../lib/busybox-links.py" "$LC_ROOTFS/bin"
  echo 'root:x:0:0:root:/root:/bin/sh' >"$LC_ROOTFS/etc/passwd"
  echo 'root:x:0:' >"$LC_ROOTFS/etc/group"
  export LC_RECVTTY="$BATS_FILE_TMPDIR/recvtty"
  gcc -O1 -o "$LC_RECVTTY" "$BATS_TEST_DIRNAME/helpers/recvtty.c"
}

lc_setup() {
  export ROOT="$BATS_TEST_TMPDIR/state"
  export BUNDLE="$BATS_TEST_TMPDIR/bundle"
  mkdir -p "$BUNDLE"
  # A config as `rt spec` writes it, made non-interactive and pointed at the shared rootfs.
  "$RT" spec --bundle "$BUNDLE"
  cfg "c['root']['path'] = '$LC_ROOTFS'; c['process']['terminal'] = False; c['process']['args'] = ['true']"
  # runc's default bundle is the working directory.
  cd "$BUNDLE"
}

# Leak check: no state, no mount and no process left behind by the test.
lc_teardown() {
  local leaked=0
  if [ -d "$ROOT" ]; then
    for d in "$ROOT"/*; do
      [ -e "$d" ] || continue
      echo "# leaked state: $d" >&3
      "$RT" --root "$ROOT" delete --force "$(basename "$d")" >/dev/null 2>&1 || true
      leaked=1
    done
  fi
  if grep -q "$BATS_FILE_TMPDIR" /proc/self/mountinfo; then
    echo "# leaked mounts:" >&3
    grep "$BATS_FILE_TMPDIR" /proc/self/mountinfo >&3
    leaked=1
  fi
  # processes whose root is the rootfs (one find, not a readlink per process)
  for p in $(find /proc -mindepth 2 -maxdepth 2 -path '/proc/[0-9]*/root' -lname "$LC_ROOTFS*" 2>/dev/null); do
    p=${p%/root}
    echo "# leaked process ${p#/proc/}" >&3
    kill -9 "${p#/proc/}" 2>/dev/null
    leaked=1
  done
  [ "$leaked" = 0 ]
}

# Edit the bundle's config.json with a python statement on `c`.
cfg() {
  python3 - "$BUNDLE/config.json" "$1" <<'PY'
import json, sys
path, stmt = sys.argv[1], sys.argv[2]
with open(path) as f:
    c = json.load(f)
exec(stmt)
with open(path, 'w') as f:
    json.dump(c, f, indent=2)
PY
}

# Set the process args: cmd sh -c '...'
args() {
  python3 - "$BUNDLE/config.json" "$@" <<'PY'
import json, sys
path = sys.argv[1]
with open(path) as f:
    c = json.load(f)
c['process']['args'] = sys.argv[2:]
with open(path, 'w') as f:
    json.dump(c, f, indent=2)
PY
}

rt() {
  "$RT" --root "$ROOT" "$@"
}

# Wait until `rt state ID` reports status $2 (at most 5 s).
wait_status() {
  local i
  for i in $(seq 50); do
    if rt state "$1" 2>/dev/null | grep -q "\"status\": *\"$2\""; then
      return 0
    fi
    sleep 0.1
  done
  rt state "$1" >&3 2>&1 || true
  return 1
}

json_field() {
  python3 -c 'import json,sys; d=json.load(sys.stdin); print(d[sys.argv[1]])' "$1"
}

# recvtty_start: a console-socket receiver at $BATS_TEST_TMPDIR/tty.sock that
# writes what the pty prints to $BATS_TEST_TMPDIR/tty.out; sets sock and rpid.
recvtty_start() {
  sock="$BATS_TEST_TMPDIR/tty.sock"
  "$LC_RECVTTY" "$sock" >"$BATS_TEST_TMPDIR/tty.out" &
  rpid=$!
  local i
  for i in $(seq 50); do [ -S "$sock" ] && break; sleep 0.05; done
}

# The host's directory of PID's cgroup: the pids hierarchy's on v1 and
# hybrid hosts, the unified one on a pure cgroup v2 host.
lc_cgroup_dir() {
  local p
  if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
    p=$(awk -F: '$1 == "0" {print $3}' "/proc/$1/cgroup")
    echo "/sys/fs/cgroup$p"
  else
    p=$(awk -F: '$2 == "pids" {print $3}' "/proc/$1/cgroup")
    echo "/sys/fs/cgroup/pids$p"
  fi
}

# Succeeds when no hierarchy has a top-level cgroup named NAME (the place
# of a relative cgroupsPath, or of the default when the config has none).
lc_no_cgroup() {
  ! ls -d "/sys/fs/cgroup/$1" /sys/fs/cgroup/*/"$1" 2>/dev/null
}

# lc_kernel_older MAJOR MINOR: the running kernel is older than MAJOR.MINOR.
lc_kernel_older() {
  local r ma mi
  r=$(uname -r)
  ma=${r%%.*}
  mi=${r#*.}
  mi=${mi%%[!0-9]*}
  [ "$ma" -lt "$1" ] || { [ "$ma" -eq "$1" ] && [ "${mi:-0}" -lt "$2" ]; }
}

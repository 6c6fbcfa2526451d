#!/bin/bash
# tests/vm/checkpoint.sh: rt checkpoint / rt restore through CRIU in the VM
# lane's guest (Debian's 6.1 kernel, which the host's criu 3.17 knows; the
# host's 6.18 does not). TAP on stdout. rt is $RT (default build/rt of this
# tree, over 9p), criu the host's /usr/sbin/criu over 9p.
#
#   tests/vm/run.sh --lsm none --timeout 900 tests/vm/checkpoint.sh
set -u -o pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/sbin:/usr/local/bin

top=$(cd "$(dirname "$0")/../.." && pwd)
RT=${RT:-$top/build/rt}

if [ -z "${RT_VM:-}" ] && [ -z "${RT_VM_LANE_ANYWHERE:-}" ]; then
  echo "1..0 # SKIP not in the VM lane's guest (run tests/vm/run.sh)"
  exit 0
fi
if ! command -v criu >/dev/null; then
  echo "1..0 # SKIP criu is not installed (apt-get install criu)"
  exit 0
fi

T=$(mktemp -d /tmp/rt-vm-ckpt.XXXXXX)
chmod 755 "$T"
ROOT=$T/state
CGP=/rt-vm-ckpt-$$
ROOTFS=$T/rootfs
# shellcheck source=tests/vm/tap.bash
. "$top/tests/vm/tap.bash"
# shellcheck source=tests/vm/guest.bash
. "$top/tests/vm/guest.bash"
TAP_WORK=$T
TAP_DIAG_LINES=${TAP_DIAG_LINES:-400}

t() {
  local desc=$1 log=$T/test.log
  shift
  (
    set -e
    "$@"
  ) >"$log" 2>&1
  if [ $? -eq 0 ]; then ok "$desc"; else not_ok "$desc" "$log"; fi
}

# mkb NAME [PYTHON]: a bundle whose process counts in memory and writes the
# count to /out/n (a bind mount of $T/NAME/out) every 0.2 s.
mkb() {
  local b=$T/$1
  rm -rf "$b"
  mkdir -p "$b/out"
  "$RT" spec --bundle "$b" || return 1
  python3 - "$b/config.json" "$ROOTFS" "$CGP/$1" "$b/out" "${2:-pass}" <<'PY'
import json, sys
path, rootfs, cgpath, out, stmt = sys.argv[1:]
with open(path) as f:
    c = json.load(f)
c['root'] = {'path': rootfs, 'readonly': True}
c['process']['terminal'] = False
c['process']['args'] = ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo $i >/out/n; sleep 0.2; done']
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

count() { cat "$T/$1/out/n" 2>/dev/null || echo 0; }

wait_count() { # NAME MIN: the counter reaches MIN
  local i
  for i in $(seq 150); do
    [ "$(count "$1")" -ge "$2" ] && return 0
    sleep 0.2
  done
  echo "counter of $1: $(count "$1"), not >= $2"
  return 1
}

# Start NAME detached, its stdio pipes (as a shim's): restore gives them back.
start() {
  (: | rt run -d --bundle "$T/$1" "$1" 2>&1 | cat >"$T/$1.stdio") &
  wait_count "$1" 3
}

# restore NAME IMAGES [ARGS...]: detached, stdio pipes again.
restore() {
  local name=$1 img=$2
  shift 2
  (: | rt restore -d --bundle "$T/$name" --image-path "$img" "$@" "$name" 2>&1 | cat >"$T/$name.rst") &
  local i
  for i in $(seq 150); do
    [ "$(state_of "$name")" = running ] && return 0
    [ -s "$T/$name.rst" ] && break
    sleep 0.2
  done
  echo "restore of $name: $(cat "$T/$name.rst" 2>/dev/null), state $(state_of "$name")"
  n=$(grep -n Error "$img/restore.log" | head -1 | cut -d: -f1); sed -n "$((n-25)),$((n+2))p" "$img/restore.log" 2>/dev/null; grep -n "52\b" "$img/restore.log" | head; grep -n "ext\|External\|external" "$img/restore.log" | head -20
  return 1
}

# The counter goes on from where it was: after a restore it starts at the
# value it had, not at 1, and keeps counting.
goes_on() { # NAME BEFORE
  local first
  sleep 0.5
  first=$(count "$1")
  [ "$first" -ge "$2" ] || { echo "counter restarted: $first < $2"; return 1; }
  wait_count "$1" $(($2 + 3))
}

dump_log() { n=$(grep -n 'Error' "$1/dump.log" | head -1 | cut -d: -f1); sed -n "$((n-14)),$((n+3))p" "$1/dump.log"; }

cleanup() {
  guest_cleanup
  rm -rf "$T"
}
trap cleanup EXIT

mkdir -p "$ROOTFS"/{bin,proc,sys,dev,tmp,etc,root,out,data}
cp /bin/busybox "$ROOTFS/bin/busybox"
python3 "$top/tests/lib/busybox-links.py" "$ROOTFS/bin"
ln -s /data "$ROOTFS/link"

# criu checks TCP repair on 127.0.0.1 (kerndat): the guest's lo starts down.
ip link set lo up
echo "# kernel $(uname -r), $(criu --version | head -1)"
criu check >"$T/check.log" 2>&1
c=$?
while IFS= read -r l; do echo "# criu check: $l"; done <"$T/check.log"
eq "criu check passes on this kernel" 0 "$c"

basic() {
  mkb c1
  start c1
  rt checkpoint --image-path "$T/img1" c1 || { dump_log "$T/img1"; return 1; }
  local before
  before=$(count c1)
  [ ! -e "$ROOT/c1" ] # checkpoint deletes the container
  [ ! -d "/sys/fs/cgroup$CGP/c1" ]
  grep -q pipe: "$T/img1/descriptors.json"
  sleep 0.6
  [ "$(count c1)" = "$before" ] # stopped
  restore c1 "$T/img1"
  goes_on c1 "$before"
  [ "$(cat "/sys/fs/cgroup$CGP/c1/cgroup.procs" | wc -l)" -ge 1 ]
  rt delete --force c1
}
t "checkpoint stops the counter and deletes the container; restore -d goes on from where it was, in its cgroup" basic

leave() {
  mkb c2
  start c2
  rt checkpoint --leave-running --image-path "$T/img2" c2 || { dump_log "$T/img2"; return 1; }
  [ "$(state_of c2)" = running ]
  local at
  at=$(count c2)
  wait_count c2 $((at + 2))
  rt delete --force c2
  restore c2 "$T/img2"
  goes_on c2 "$at"
  rt delete --force c2
}
[ -n "${CKPT_ONE:-}" ] || t "checkpoint --leave-running: it goes on running; restored later, it goes on from the checkpoint" leave

predump() {
  mkb c3
  start c3
  rt checkpoint --pre-dump --image-path "$T/pre3" c3 || { dump_log "$T/pre3"; return 1; }
  [ "$(state_of c3)" = running ]
  rt checkpoint --parent-path ../pre3 --image-path "$T/img3" c3 || { dump_log "$T/img3"; return 1; }
  local before
  before=$(count c3)
  restore c3 "$T/img3"
  goes_on c3 "$before"
  rt delete --force c3
}
t "checkpoint --pre-dump, then a checkpoint with --parent-path, restore" predump

symlink() {
  mkb c4 "c['mounts'].append({'destination': '/link/sub', 'type': 'bind', 'source': '$T/c4/out', 'options': ['rbind', 'rw']})"
  mkdir -p "$ROOTFS/data/sub"
  start c4
  rt checkpoint --image-path "$T/img4" c4 || { dump_log "$T/img4"; return 1; }
  local before
  before=$(count c4)
  restore c4 "$T/img4"
  goes_on c4 "$before"
  rt exec c4 cat /data/sub/n
  rt delete --force c4
}
t "a bind mount whose destination is under a symlink (/link -> /data)" symlink

cgns() {
  mkb c5 "c['linux']['namespaces'].append({'type': 'cgroup'})"
  start c5
  [ "$(rt exec c5 cat /proc/self/cgroup)" = "0::/" ]
  rt checkpoint --image-path "$T/img5" c5 || { dump_log "$T/img5"; return 1; }
  local before
  before=$(count c5)
  restore c5 "$T/img5"
  goes_on c5 "$before"
  [ "$(rt exec c5 cat /proc/self/cgroup)" = "0::/" ]
  grep -q . "/sys/fs/cgroup$CGP/c5/cgroup.procs"
  rt delete --force c5
}
t "a container with a cgroup namespace" cgns

# podman drives rt: `podman container checkpoint` / `restore` (conmon gives
# the container the host's /dev/null as stdin: an external file for CRIU).
podman_ckpt() {
  local w=$T/podman
  mkdir -p "$w/tmp" "$w/net"
  cat >"$w/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$w/storage"
runroot = "$w/run"
EOF
  cat >"$w/containers.conf" <<EOF
[containers]
default_ulimits = []
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
lock_type = "file"
num_locks = 64
tmp_dir = "$w/tmp"
runtime_supports_json = ["rt"]
EOF
  export CONTAINERS_CONF=$w/containers.conf CONTAINERS_STORAGE_CONF=$w/storage.conf
  P="timeout 120 podman --root $w/storage --runroot $w/run --tmpdir $w/tmp --runtime $RT
    --cgroup-manager cgroupfs --events-backend file --network-config-dir $w/net"
  P=$(echo $P)
  python3 "$top/tests/clients/make-image.py" --rootfs "$w/rootfs.tar"
  TMPDIR=$w/tmp $P import --change CMD=sh "$w/rootfs.tar" localhost/rtbb:latest >/dev/null
  TMPDIR=$w/tmp $P run -d --network none --name pc localhost/rtbb:latest \
    sh -c 'i=0; while true; do i=$((i+1)); echo $i; sleep 0.2; done' >/dev/null
  sleep 2
  TMPDIR=$w/tmp $P container checkpoint pc
  local before
  before=$(TMPDIR=$w/tmp $P logs pc | tail -n1)
  [ "$(TMPDIR=$w/tmp $P inspect --format '{{.State.Status}}' pc)" = exited ]
  TMPDIR=$w/tmp $P container restore pc
  sleep 1.5
  local after
  after=$(TMPDIR=$w/tmp $P logs pc | tail -n1)
  echo "podman: before $before, after $after"
  [ "$after" -gt "$before" ] && [ "$after" -lt $((before + 30)) ]
  TMPDIR=$w/tmp $P rm -f -t 0 pc >/dev/null
  TMPDIR=$w/tmp $P rmi -a -f >/dev/null 2>&1 || true
}
if command -v podman >/dev/null && command -v conmon >/dev/null; then
  t "podman container checkpoint / restore drive rt; the counter goes on" podman_ckpt
else
  skip "podman container checkpoint / restore" "podman is not installed"
fi

# containerd's runc shim drives rt: `ctr tasks checkpoint --image-path`.
ctr_ckpt() {
  local w=$T/ctrd sock
  mkdir -p "$w"
  sock=$w/sock
  cat >"$w/config.toml" <<EOF
version = 2
root = "$w/root"
state = "$w/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$sock"
[ttrpc]
  address = "$sock.ttrpc"
EOF
  containerd --config "$w/config.toml" >"$w/containerd.log" 2>&1 &
  CTRD=$!
  local i
  for i in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done
  C="timeout 60 ctr -a $sock"
  local img
  img=$(python3 "$top/tests/clients/make-image.py" "$w/img.tar" rtbusybox:latest)
  $C images import --snapshotter native "$w/img.tar" >/dev/null
  $C run -d --snapshotter native --runc-binary "$RT" "$img" cc \
    sh -c 'i=0; while true; do i=$((i+1)); sleep 0.2; done' >/dev/null
  sleep 1
  $C tasks checkpoint --exit --image-path "$w/ckpt" --work-path "$w/work" cc
  ls "$w/ckpt" | grep -q '^inventory.img$'
  ls "$w/ckpt" | grep -q '^pstree.img$'
  for i in $(seq 50); do
    [ "$($C tasks ls | awk '$1 == "cc" {print $3}')" = RUNNING ] || break
    sleep 0.1
  done
  [ "$($C tasks ls | awk '$1 == "cc" {print $3}')" != RUNNING ]
  $C tasks rm -f cc >/dev/null 2>&1 || true
  $C containers rm cc >/dev/null 2>&1
  kill "$CTRD"; wait "$CTRD" 2>/dev/null || true
}
if command -v containerd >/dev/null && command -v ctr >/dev/null; then
  t "ctr tasks checkpoint drives rt through containerd's runc shim" ctr_ckpt
  [ -z "${CTRD:-}" ] || kill "$CTRD" 2>/dev/null
else
  skip "ctr tasks checkpoint" "containerd is not installed"
fi

leak_check "checkpoint and restore"

echo "1..$n"
[ "$failed" -eq 0 ]

#!/bin/bash
# Lane "clients": ROOTLESS podman (Debian package, 4.3) with conmon driving a
# runc-compatible runtime through `podman --runtime PATH`, run by a temporary
# unprivileged user. Prints TAP.
#   RUNTIME=/path/to/rt tests/clients/podman-rootless.sh     (as root)
# Rootless podman runs conmon and the runtime inside its own user namespace,
# where they are uid 0 but hold no privilege over the host: the runtime must
# see that it is rootless (state under $XDG_RUNTIME_DIR, no cgroup, no mknod).
# The script makes the user (useradd, userdel at the end), gives it ranges in
# /etc/subuid and /etc/subgid when newuidmap is installed (package uidmap; the
# files are restored exactly at the end), its own HOME and XDG_RUNTIME_DIR, and
# points podman's storage, run state, tmp dir and events at a temp dir. The
# default network is "none" (no slirp4netns needed). It ends by itself after
# DEADLINE seconds (270, then its clean-up) and removes everything it made, as
# root: the files under storage belong to subuids.
set -u
# The deadline: this script again under timeout, whose SIGTERM runs the trap
# below (after the podman command in flight, itself limited to 60 s).
if [ -z "${PODRL_UNDER_TIMEOUT:-}" ]; then
  PODRL_UNDER_TIMEOUT=1 exec timeout -k 90 "${DEADLINE:-270}" "$0" "$@"
fi
RUNTIME=${RUNTIME:?RUNTIME must name the runtime binary}
NAME=${CLIENT_TAG:-$(basename "$RUNTIME")}
here=$(cd "$(dirname "$0")" && pwd)
CLIENT=podman-rootless
. "$here/lib.bash"

if ! command -v podman >/dev/null || ! command -v conmon >/dev/null; then
  echo "1..0 # SKIP podman is not installed"
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v useradd >/dev/null || ! command -v setpriv >/dev/null; then
  echo "1..0 # SKIP needs root, useradd and setpriv (to make the unprivileged user)"
  exit 0
fi

work=$(mktemp -d /tmp/rt-podrl.XXXXXX)
chmod 755 "$work"
user=rtpodrl$$
uid=""
gid=""
subid_saved=""
img=localhost/rtbusybox:latest
# Native overlay in a user namespace needs 5.13 or later; vfs otherwise.
driver=vfs
kv=$(uname -r | awk -F. '{print $1 * 1000 + $2}')
[ "$kv" -ge 5013 ] && driver=overlay

# as_user CMD...: CMD as the unprivileged user, with a clean environment of its own
as_user() {
  (cd "$work/home" && setpriv --reuid="$uid" --regid="$gid" --init-groups \
    env -i PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin HOME="$work/home" USER="$user" \
    LOGNAME="$user" XDG_RUNTIME_DIR="$work/xdg" XDG_CONFIG_HOME="$work/home/.config" \
    XDG_DATA_HOME="$work/home/.local/share" CONTAINERS_CONF="$work/containers.conf" \
    CONTAINERS_STORAGE_CONF="$work/storage.conf" TMPDIR="$work/tmp" "$@")
}
P="timeout 60 podman --log-level error --root $work/storage --runroot $work/run --tmpdir $work/tmp
  --runtime $RUNTIME --cgroup-manager cgroupfs --events-backend file --storage-driver $driver"
P=$(echo $P)

restore_subids() {
  [ -n "$subid_saved" ] || return 0
  for f in subuid subgid; do
    if [ -e "$work/$f.orig" ]; then cat "$work/$f.orig" >/etc/$f; else rm -f /etc/$f; fi
  done
  subid_saved=""
}
# Every process of the temporary user is this run's: podman's pause process
# (catatonit, holder of its user namespace), conmon, the containers.
kill_user() {
  [ -n "$uid" ] || return 0
  local p i
  for i in 1 2 3 4 5 6 7 8 9 10; do
    p=$(pgrep -u "$uid" 2>/dev/null) || return 0
    kill -9 $p 2>/dev/null
    sleep 0.2
  done
}
cleanup() {
  trap - EXIT INT TERM
  if [ -n "$gid" ]; then
    as_user $P rm -a -f -t 0 >/dev/null 2>&1
    kill_user
  fi
  kill_started_under "$work" 2>/dev/null
  umount_under "$work"
  if [ -n "$uid" ]; then
    userdel "$user" 2>/dev/null || userdel -f "$user" 2>/dev/null
  fi
  # after userdel, which drops the user's lines from these files itself
  restore_subids
  rm -rf "$work"
}
trap cleanup EXIT
trap 'notok "stopped by a signal (deadline ${DEADLINE:-270} s?) after test $n"; echo "1..$n"; exit 1' INT TERM

# ---- the user, its ids, its directories
for f in subuid subgid; do [ -e /etc/$f ] && cp -p /etc/$f "$work/$f.orig"; done
subid_saved=1
if ! out=$(useradd -M -d "$work/home" -s /bin/sh -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$user" 2>&1); then
  echo "1..0 # SKIP useradd $user failed: $out"
  exit 0
fi
uid=$(id -u "$user")
gid=$(id -g "$user")
# The lowest free range from 600000 up (above podman.sh's 300000+200000)
# that overlaps no range already given and ends below 2^32: a host set up
# for podman's --userns=auto ("containers:2147483647:2147483648") has no room
# above its ranges, and newuidmap refuses a range past 2^32 ("subuid
# overflow detected").
subcount=65536
subbase=$(cat /etc/subuid /etc/subgid 2>/dev/null | python3 -c '
import sys
want, base = int(sys.argv[1]), 600000
ranges = sorted((int(f[1]), int(f[2])) for f in (l.strip().split(":") for l in sys.stdin)
                if len(f) >= 3 and f[1].isdigit() and f[2].isdigit())
for start, count in ranges:
    if base + want <= start:
        break
    base = max(base, start + count)
print(base if base + want <= 4294967295 else "none")' "$subcount")
have_uidmap=""
if [ "$subbase" = none ]; then
  echo "# no free range of $subcount subordinate ids below 2^32 in /etc/subuid and /etc/subgid: the checks that need newuidmap are skipped"
elif command -v newuidmap >/dev/null && command -v newgidmap >/dev/null; then
  have_uidmap=1
  echo "$user:$subbase:$subcount" >>/etc/subuid
  echo "$user:$subbase:$subcount" >>/etc/subgid
fi
mkdir -p "$work/home" "$work/xdg" "$work/storage" "$work/run" "$work/tmp" "$work/vol"
chown "$uid:$gid" "$work/home" "$work/xdg" "$work/storage" "$work/run" "$work/tmp" "$work/vol"
chmod 700 "$work/xdg"

cat >"$work/storage.conf" <<EOF
[storage]
driver = "$driver"
graphroot = "$work/storage"
runroot = "$work/run"
EOF
cat >"$work/containers.conf" <<EOF
[containers]
netns = "none"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
lock_type = "file"
num_locks = 128
tmp_dir = "$work/tmp"
runtime_supports_json = ["crun", "runc", "$(basename "$RUNTIME")"]
EOF
chmod 644 "$work/storage.conf" "$work/containers.conf"

# prun DESC WANT PODMAN-ARGS...: podman as the user; its stdout must equal WANT
# (stderr is shown only on a failure: podman warns there about / not shared).
prun() {
  local desc=$1 want=$2; shift 2; local out st
  out=$(as_user $P "$@" 2>"$work/err"); st=$?
  if [ "$out" = "$want" ]; then ok "$desc"
  else notok "$desc" "want: $want
got:  $out
status $st; stderr: $(cat "$work/err")"; fi
}
# pcheck DESC PODMAN-ARGS...: podman as the user must succeed
pcheck() {
  local desc=$1; shift; local out
  if out=$(as_user $P "$@" 2>&1); then ok "$desc"; else notok "$desc" "$out"; fi
}

python3 "$here/make-image.py" --rootfs "$work/rootfs.tar"
chmod 644 "$work/rootfs.tar"
pcheck "import a rootfs tarball as $user ($driver storage)" import --change CMD=sh "$work/rootfs.tar" $img
RUN="run --rm"

prun "run --rm echo" hi $RUN $img echo hi

# Root inside, the user outside; with subuids, the rest of the ids from its range.
want_u="0 $uid 1" want_g="0 $gid 1"
[ -n "$have_uidmap" ] && want_u="$want_u 1 $subbase $subcount" want_g="$want_g 1 $subbase $subcount"
prun "root inside, mapped to the user (uid_map, gid_map)" "0 $want_u
0 $want_g" \
  $RUN $img sh -c 'echo $(id -u) $(cat /proc/self/uid_map); echo $(id -g) $(cat /proc/self/gid_map)'

out=$(as_user $P run $img sh -c 'exit 7' 2>&1)
st=$?
[ "$st" = 7 ] && ok "exit status propagates (sh -c 'exit 7')" || notok "exit status propagates (sh -c 'exit 7')" "status $st: $out"
as_user $P rm -a -f -t 0 >/dev/null 2>&1

# ---- detached container, exec, stop, rm
if out=$(as_user $P run -d --name t-long $img sleep 1000 2>&1); then
  ok "run -d a long container"
  id=$(as_user $P inspect --format '{{.Id}}' t-long 2>/dev/null)
  pid=$(as_user $P inspect --format '{{.State.Pid}}' t-long 2>/dev/null)
  owner=$(stat -c %u "/proc/$pid" 2>&1)
  [ "$owner" = "$uid" ] && ok "its process is the user's on the host" ||
    notok "its process is the user's on the host" "pid $pid: owner $owner, want $uid"
  # The runtime keeps its state under $XDG_RUNTIME_DIR (runc: .../runc/ID),
  # podman's own run state is in $work/run.
  st=$(find "$work/xdg" -mindepth 2 -maxdepth 2 -type d -name "$id" 2>/dev/null)
  [ -n "$st" ] && ok "the runtime's state is under \$XDG_RUNTIME_DIR" ||
    notok "the runtime's state is under \$XDG_RUNTIME_DIR" "no directory $id in $(ls "$work/xdg" | tr '\n' ' ')"
  prun "exec into it" exec-works exec t-long echo exec-works
  as_user $P exec t-long sh -c 'exit 3' >/dev/null 2>&1
  st=$?
  [ "$st" = 3 ] && ok "exec exit status propagates" || notok "exec exit status propagates" "got $st"
  prun "ps --sync (runtime state)" t-long ps --sync --filter status=running --format '{{.Names}}'
  pcheck "stop it" stop -t 1 t-long
  prun "it is exited" exited inspect --format '{{.State.Status}}' t-long
  pcheck "rm it" rm t-long
  [ -z "$(find "$work/xdg" -mindepth 2 -maxdepth 2 -name "$id" 2>/dev/null)" ] &&
    ok "rm removes the runtime's state" || notok "rm removes the runtime's state" "$(find "$work/xdg" -name "$id")"
else
  notok "run -d a long container" "$out"
  as_user $P rm -f -t 0 t-long >/dev/null 2>&1
fi

# ---- network none: only lo
prun "--network none" lo $RUN --network none $img sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'

# ---- a bind mount of a directory the user owns: container root writes as the user
echo from-host >"$work/vol/in"
chown "$uid:$gid" "$work/vol/in"
prun "-v bind of the user's directory (rw and ro)" "from-host
ro-denied" $RUN -v "$work/vol:/data" -v "$work/vol:/ro:ro" $img \
  sh -c 'cat /data/in; echo from-ctr >/data/out; touch /ro/x 2>/dev/null && echo ro-writable || echo ro-denied'
got="$(cat "$work/vol/out" 2>&1) $(stat -c %u:%g "$work/vol/out" 2>&1)"
[ "$got" = "from-ctr $uid:$gid" ] && ok "a file written to the bind is the user's on the host" ||
  notok "a file written to the bind is the user's on the host" "want: from-ctr $uid:$gid
got:  $got"

# ---- --userns=keep-id: the user's own uid inside (needs subuids, so newuidmap)
if [ -n "$have_uidmap" ]; then
  prun "--userns=keep-id" "$uid $gid" $RUN --userns=keep-id $img sh -c 'echo $(id -u) $(id -g)'
else
  skip "--userns=keep-id" "newuidmap is not installed (package uidmap)"
fi

# ---- limits: on cgroup v1 a rootless podman drops them with a warning, as
# it does with runc and crun; on v2 it gets a delegated cgroup only under
# systemd, which this lane does not have. Either way the container runs
# (and on v1 in the caller's pids cgroup, not one with pids.max 10).
if [ -e /sys/fs/cgroup/cgroup.controllers ]; then cgv=2; else cgv=1; fi
out=$(as_user $P run --rm --pids-limit 10 $img sh -c 'grep -E "^[0-9]+:pids:|^0::" /proc/self/cgroup' 2>"$work/err")
st=$?
mine=$(as_user grep -E "^[0-9]+:pids:|^0::" /proc/self/cgroup)
if [ $cgv = 1 ]; then
  if [ $st = 0 ] && grep -q "Resource limits are not supported and ignored on cgroups V1 rootless" "$work/err" &&
     [ "$out" = "$mine" ]; then
    ok "--pids-limit 10: ignored with a warning (cgroup v1 rootless)"
  else notok "--pids-limit 10: ignored with a warning (cgroup v1 rootless)" "status $st; cgroup: $out (the user's: $mine)
stderr: $(cat "$work/err")"; fi
else
  [ $st = 0 ] && ok "--pids-limit 10 (cgroup v2, no systemd)" ||
    notok "--pids-limit 10 (cgroup v2, no systemd)" "status $st: $out $(cat "$work/err")"
fi

# ---- nothing left
left=$(as_user $P ps -a -q 2>&1)
[ -z "$left" ] && ok "no container left behind" || notok "no container left behind" "$left"
cgs=$(find /sys/fs/cgroup -mindepth 1 -maxdepth 4 -type d -user "$uid" 2>/dev/null)
[ -z "$cgs" ] && ok "no cgroup made by the user" || notok "no cgroup made by the user" "$cgs"

echo "1..$n"
[ "$failed" = 0 ]

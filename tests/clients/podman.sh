#!/bin/bash
# Lane "clients": podman (Debian package, 4.3) with conmon driving a
# runc-compatible runtime through `podman --runtime PATH`. Prints TAP.
#   RUNTIME=/path/to/rt tests/clients/podman.sh
# Podman is daemonless: everything it keeps (storage, run state, locks,
# events, network configs, CNI IPAM) is pointed at a temp dir by its own
# containers.conf and storage.conf. What it does touch on the host is undone
# at the end: the CNI bridge link, the cgroups it made, and /etc/subuid and
# /etc/subgid, which get a temporary "containers" range for --userns=auto.
set -u
RUNTIME=${RUNTIME:?RUNTIME must name the runtime binary}
NAME=${CLIENT_TAG:-$(basename "$RUNTIME")}
here=$(cd "$(dirname "$0")" && pwd)
CLIENT=podman
. "$here/lib.bash"

if ! command -v podman >/dev/null || ! command -v conmon >/dev/null; then
  echo "1..0 # SKIP podman is not installed"
  exit 0
fi

work=$(mktemp -d /tmp/rt-podman.XXXXXX)
chmod 755 "$work"
mkdir -p "$work/tmp" "$work/net" "$work/vol" "$work/ipam"
bridge=rtpod$$
subnet=10.250.77
# cgroup parents podman creates with the cgroupfs manager (in each v1
# hierarchy, or in the v2 tree); removed at the end only if this run made them.
cg_parents() { ls -d /sys/fs/cgroup/libpod_parent /sys/fs/cgroup/*/libpod_parent 2>/dev/null; }
cg_fresh=1
[ -n "$(cg_parents)" ] && cg_fresh=""
subid_saved=""
# Podman keeps a CNI result cache and an image blob-info cache under /var/lib
# whatever its storage root: removed at the end if this run made them.
fresh_varlib=()
for d in /var/lib/cni /var/lib/containers; do [ -e "$d" ] || fresh_varlib+=("$d"); done

cat >"$work/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$work/storage"
runroot = "$work/run"
EOF
# Podman as root asks for RLIMIT_NOFILE and RLIMIT_NPROC of 1048576 and
# 4194304, which no runtime can set without CAP_SYS_RESOURCE when the hard
# limits it runs with are lower (as in some sandboxes): ask for limits that
# need no raising (podman and conmon were seen running with an RLIMIT_NPROC of
# 32768 whatever the caller's, so nproc stays below that).
cat >"$work/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=4096:4096"]
[network]
network_backend = "cni"
network_config_dir = "$work/net"
default_network = "rtpodnet"
cni_plugin_dirs = ["/usr/lib/cni"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
lock_type = "file"
num_locks = 256
tmp_dir = "$work/tmp"
static_dir = "$work/storage/libpod"
volume_path = "$work/storage/volumes"
runtime_supports_json = ["crun", "runc", "$(basename "$RUNTIME")"]
EOF
# The default network: a CNI bridge with no gateway, no masquerading and no
# firewall plugin, so that nothing touches iptables or ip_forward.
cat >"$work/net/rtpodnet.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "rtpodnet",
  "plugins": [
    { "type": "bridge", "bridge": "$bridge", "isGateway": false, "ipMasq": false,
      "hairpinMode": true,
      "ipam": { "type": "host-local", "dataDir": "$work/ipam",
                "ranges": [[{ "subnet": "$subnet.0/24" }]] } }
  ]
}
EOF
export CONTAINERS_CONF="$work/containers.conf" CONTAINERS_STORAGE_CONF="$work/storage.conf"
export TMPDIR="$work/tmp"
P="timeout 60 podman --root $work/storage --runroot $work/run --tmpdir $work/tmp
  --runtime $RUNTIME --cgroup-manager cgroupfs --events-backend file
  --network-config-dir $work/net"
P=$(echo $P)

restore_subids() {
  [ -n "$subid_saved" ] || return 0
  for f in subuid subgid; do
    if [ -e "$work/$f.orig" ]; then cat "$work/$f.orig" >/etc/$f; else rm -f /etc/$f; fi
  done
  subid_saved=""
}
cleanup() {
  $P rm -a -f -t 0 >/dev/null 2>&1
  $P rmi -a -f >/dev/null 2>&1
  kill_started_under "$work"
  umount_under "$work"
  ip link del "$bridge" 2>/dev/null
  restore_subids
  if [ -n "$cg_fresh" ]; then
    for d in $(cg_parents); do find "$d" -depth -type d -exec rmdir {} + 2>/dev/null; done
  fi
  [ ${#fresh_varlib[@]} -gt 0 ] && rm -rf "${fresh_varlib[@]}"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# What a container reads of its own limits, cgroup v1 or v2.
MEMLIM='f=/sys/fs/cgroup/memory/memory.limit_in_bytes; [ -e $f ] || f=/sys/fs/cgroup/memory.max; cat $f'
PIDSMAX='f=/sys/fs/cgroup/pids/pids.max; [ -e $f ] || f=/sys/fs/cgroup/pids.max; cat $f'
CPUMAX='if [ -e /sys/fs/cgroup/cpu.max ]; then cat /sys/fs/cgroup/cpu.max
  else cd /sys/fs/cgroup/cpu && echo $(cat cpu.cfs_quota_us cpu.cfs_period_us); fi'
# host_cg PID CONTROLLER V1FILE V2FILE: that file of the process's cgroup
host_cg() {
  local p
  p=$(awk -F: -v c="$2" '$2 == c {print $3}' /proc/$1/cgroup 2>/dev/null)
  if [ -n "$p" ]; then echo "/sys/fs/cgroup/$2${p%/}/$3"
  else p=$(awk -F: '$1 == "0" {print $3}' /proc/$1/cgroup 2>/dev/null); echo "/sys/fs/cgroup${p%/}/$4"; fi
}

img=localhost/rtbusybox:latest
python3 "$here/make-image.py" --rootfs "$work/rootfs.tar"
check "import a rootfs tarball" $P import --change CMD=sh "$work/rootfs.tar" $img
RUN="$P run --rm"

expect "run --rm echo" hello-from-podman $RUN $img echo hello-from-podman

$RUN $img sh -c 'exit 42' >/dev/null 2>&1
st=$?
[ "$st" = 42 ] && ok "exit status propagates" || notok "exit status propagates" "got $st"

out=$(echo from-stdin | $RUN -i $img sh -c 'read -r x; echo "$x"' 2>&1)
[ "$out" = from-stdin ] && ok "stdin reaches the container" || notok "stdin reaches the container" "$out"

# podman -t wants a terminal on its own stdin: tests/clients/pty-run.py gives it one, with a deadline.
out=$("$here/pty-run.py" 90 $RUN -t $img sh -c 'tty; stty size' </dev/null 2>&1)
[[ "$out" == */dev/pts/[0-9]* ]] && ok "run -t gets a tty" || notok "run -t gets a tty" "$out"

# ---- detached container, exec, pause, update, stop, rm
if out=$($P run -d --name t-long --memory 64m $img sleep 1000 2>&1); then
  ok "run -d a long container"
  expect "exec into it" exec-works $P exec t-long echo exec-works
  $P exec t-long sh -c 'exit 7' >/dev/null 2>&1
  st=$?
  [ "$st" = 7 ] && ok "exec exit status propagates" || notok "exec exit status propagates" "got $st"
  out=$("$here/pty-run.py" 90 $P exec -t t-long sh -c tty </dev/null 2>&1)
  [[ "$out" == */dev/pts/[0-9]* ]] && ok "exec -t gets a tty" || notok "exec -t gets a tty" "$out"
  # A failing exec: podman maps the runtime's "not found" error to 127.
  out=$($P exec t-long /no/such/binary 2>&1)
  st=$?
  [ "$st" = 127 ] && ok "exec of a missing binary exits 127" ||
    notok "exec of a missing binary exits 127" "status $st: $out"
  # ps --sync asks the runtime for the state of each container
  out=$($P ps --sync --filter status=running --format '{{.Names}}' 2>&1)
  [ "$out" = t-long ] && ok "ps --sync (runtime state)" || notok "ps --sync (runtime state)" "$out"
  if $P pause t-long >/dev/null 2>&1 &&
     [ "$($P inspect --format '{{.State.Status}}' t-long 2>&1)" = paused ]; then
    ok "pause"
  else notok "pause" "$($P pause t-long 2>&1; $P inspect --format '{{.State.Status}}' t-long 2>&1)"; fi
  if $P unpause t-long >/dev/null 2>&1 &&
     [ "$($P inspect --format '{{.State.Status}}' t-long 2>&1)" = running ] &&
     [ "$($P exec t-long echo back 2>&1)" = back ]; then
    ok "unpause"
  else notok "unpause" "$($P unpause t-long 2>&1; $P inspect --format '{{.State.Status}}' t-long 2>&1)"; fi
  if $P update --help >/dev/null 2>&1; then
    if out=$($P update --memory 96m t-long 2>&1); then
      expect "update --memory reaches the cgroup" 100663296 $P exec t-long sh -c "$MEMLIM"
    else notok "update --memory reaches the cgroup" "$out"; fi
  else
    skip "update --memory reaches the cgroup" "this podman has no update command"
  fi
  check "stop it" $P stop -t 1 t-long
  [ "$($P inspect --format '{{.State.Status}}' t-long 2>&1)" = exited ] && ok "it is exited" ||
    notok "it is exited" "$($P inspect --format '{{.State.Status}}' t-long 2>&1)"
  # start it again: the runtime creates it anew in the same bundle
  if out=$($P start t-long 2>&1) && [ "$($P exec t-long echo again 2>&1)" = again ]; then
    ok "start it again after stop"; else notok "start it again after stop" "$out"; fi
  out=$($P kill -s KILL t-long 2>&1)
  $P wait t-long >/dev/null 2>&1
  st=$($P inspect --format '{{.State.ExitCode}}' t-long 2>&1)
  [ "$st" = 137 ] && ok "kill -s KILL" || notok "kill -s KILL" "$out; exit code $st"
  check "rm it" $P rm t-long
else
  notok "run -d a long container" "$out"
fi

# ---- resources: what the container sees and what the host cgroup holds
if out=$($P run -d --name t-res --memory 64m --pids-limit 42 $img sleep 1000 2>&1); then
  pid=$($P inspect --format '{{.State.Pid}}' t-res 2>/dev/null)
  memf=$(host_cg "$pid" memory memory.limit_in_bytes memory.max)
  pidf=$(host_cg "$pid" pids pids.max pids.max)
  inside=$($P exec t-res sh -c "$MEMLIM" 2>&1)
  host=$(cat "$memf" 2>&1)
  [ "$inside" = 67108864 ] && [ "$host" = 67108864 ] && ok "--memory sets the limit" ||
    notok "--memory sets the limit" "inside: $inside; host $memf: $host"
  inside=$($P exec t-res sh -c "$PIDSMAX" 2>&1)
  host=$(cat "$pidf" 2>&1)
  [ "$inside" = 42 ] && [ "$host" = 42 ] && ok "--pids-limit sets the limit" ||
    notok "--pids-limit sets the limit" "inside: $inside; host $pidf: $host"
  memdir=$(dirname "$memf")
  had=""
  [ -e "$memf" ] && had=1
  $P rm -f -t 0 t-res >/dev/null 2>&1
  [ -n "$had" ] && [ ! -e "$memdir" ] && ok "rm -f removes its cgroup" ||
    notok "rm -f removes its cgroup" "$memdir: there before rm: ${had:-no}; after: $(ls -d "$memdir" 2>&1)"
else
  notok "run -d with --memory and --pids-limit" "$out"
fi

# ---- errors from create
out=$($RUN $img /no/such/binary 2>&1)
st=$?
[ "$st" = 127 ] && ok "run of a missing binary exits 127" || notok "run of a missing binary exits 127" "status $st: $out"
out=$($RUN $img /etc/passwd 2>&1)
st=$?
[ "$st" = 126 ] && ok "run of a non-executable file exits 126" || notok "run of a non-executable file exits 126" "status $st: $out"

# A container that cannot start: conmon hands podman the runtime's error from
# the --log file it gave the runtime, which must hold JSON lines. The file
# stays with the container until rm.
$P create --name t-bad $img /no/such/binary >/dev/null 2>&1
$P start t-bad >/dev/null 2>&1
id=$($P inspect --format '{{.Id}}' t-bad 2>/dev/null)
log="$work/run/overlay-containers/$id/userdata/oci-log"
if [ -z "$id" ] || [ ! -s "$log" ]; then
  notok "the runtime's --log-format json lines parse" "no runtime log at $log"
else
  bad=$(python3 -c 'import json,sys
bad=0
for l in open(sys.argv[1]):
    l=l.strip()
    if not l: continue
    try:
        d=json.loads(l); assert "level" in d and "msg" in d and "time" in d
    except Exception: bad+=1; print(l)
sys.exit(1 if bad else 0)' "$log")
  [ $? = 0 ] && ok "the runtime's --log-format json lines parse" || notok "the runtime's --log-format json lines parse" "$bad"
fi
$P rm -f t-bad >/dev/null 2>&1

# ---- process and container settings
expect "--hostname, -e, -w" "box1 bar /tmp" $RUN --hostname box1 -e FOO=bar -w /tmp $img sh -c 'echo $(hostname) $FOO $(pwd)'
expect "--tmpfs" "tmpfs /mnt tmpfs rw,nosuid,nodev,noexec,relatime,size=1024k" \
  $RUN --tmpfs /mnt:rw,size=1m,noexec $img sh -c 'grep " /mnt " /proc/mounts | cut -d" " -f1-4'
expect "--shm-size" "shm /dev/shm tmpfs 2048" $RUN --shm-size 2m $img \
  sh -c 'set -- $(grep " /dev/shm " /proc/mounts) $(df -k /dev/shm | tail -1); echo $1 $2 $3 ${8}'
expect "--sysctl" 1234 $RUN --sysctl net.ipv4.ip_unprivileged_port_start=1234 $img cat /proc/sys/net/ipv4/ip_unprivileged_port_start
expect "--cpus" "50000 100000" $RUN --cpus 0.5 $img sh -c "$CPUMAX"

# (podman binds catatonit in as /run/podman-init)
out=$($RUN --init $img sh -c 'echo $(cat /proc/1/comm) $$' 2>&1)
set -- $out
[ $# = 2 ] && [ "$1" = podman-init ] && [ "$2" != 1 ] && ok "--init (an init as pid 1)" || notok "--init (an init as pid 1)" "$out"
expect "--device" "c 1 3" $RUN --device /dev/null:/dev/xnull $img sh -c 'stat -c "%F %t %T" /dev/xnull | sed "s/character special file/c/"'
expect "--oom-score-adj" 345 $RUN --oom-score-adj 345 $img cat /proc/self/oom_score_adj

# ---- security and identity
expect "--privileged" "CapEff:	$(awk '/CapBnd/{print $2}' /proc/self/status) rw" $RUN --privileged $img \
  sh -c 'echo "$(grep CapEff /proc/self/status) $(grep " /sys " /proc/mounts | cut -d" " -f4 | cut -d, -f1)"'
expect "--read-only" "ro
tmp-rw" $RUN --read-only $img sh -c 'touch /x 2>/dev/null && echo rw || echo ro; touch /tmp/y && echo tmp-rw'
expect "--cap-drop all" "CapEff:	0000000000000000" $RUN --cap-drop all $img grep CapEff /proc/self/status
out=$($RUN --cap-drop CHOWN $img sh -c 'grep CapBnd /proc/self/status; chown 1 /tmp 2>&1 || echo denied' 2>&1)
bnd=$(echo "$out" | awk '/CapBnd/{print $2}')
if [ -n "$bnd" ] && [ $((0x$bnd & 1)) = 0 ] && [ $((0x$bnd & 2)) != 0 ] && echo "$out" | grep -q denied; then
  ok "--cap-drop CHOWN"; else notok "--cap-drop CHOWN" "$out"; fi
expect "--user" "uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)" $RUN --user 65534:65534 $img id
cat >"$work/seccomp.json" <<'EOF'
{ "defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [ { "names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1 } ] }
EOF
expect "--security-opt seccomp=PROFILE" "denied
ok" $RUN --security-opt seccomp="$work/seccomp.json" $img \
  sh -c 'mkdir /tmp/d 2>/dev/null && echo made || echo denied; touch /tmp/f && echo ok'

# ---- bind mounts
echo from-host >"$work/vol/in"
out=$($RUN -v "$work/vol:/data" -v "$work/vol:/ro:ro" $img \
  sh -c 'cat /data/in; echo from-ctr >/data/out; touch /ro/x 2>/dev/null && echo ro-writable || echo ro-denied' 2>&1)
if [ "$out" = "from-host
ro-denied" ] && [ "$(cat "$work/vol/out" 2>/dev/null)" = from-ctr ]; then
  ok "-v bind mounts (rw and ro)"; else notok "-v bind mounts (rw and ro)" "$out"; fi

# ---- user namespaces
out=$($RUN --uidmap 0:100000:65536 --gidmap 0:100000:65536 $img \
  sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; touch /tmp/f && echo ok' 2>&1)
if [ "$(echo $out)" = "0 100000 65536 0 100000 65536 0 ok" ]; then ok "--uidmap/--gidmap"
else notok "--uidmap/--gidmap" "$out"; fi
# --userns=auto takes ranges of the user "containers" from /etc/subuid and
# /etc/subgid: add one for this run, restore the files afterwards.
for f in subuid subgid; do [ -e /etc/$f ] && cp -p /etc/$f "$work/$f.orig"; done
subid_saved=1
for f in subuid subgid; do echo "containers:300000:200000" >>/etc/$f; done
out=$($RUN --userns=auto $img sh -c 'cat /proc/self/uid_map; id -u' 2>&1)
set -- $out
if [ $# = 4 ] && [ "$1" = 0 ] && [ "$2" -ge 300000 ] && [ "$4" = 0 ]; then ok "--userns=auto"
else notok "--userns=auto" "$out"; fi
restore_subids

# ---- namespaces shared with the host, networks
expect "--network host" "$(readlink /proc/self/ns/net)" $RUN --network host $img readlink /proc/self/ns/net
expect "--ipc host, --uts host" "$(readlink /proc/self/ns/ipc) $(readlink /proc/self/ns/uts)" \
  $RUN --ipc host --uts host $img sh -c 'echo $(readlink /proc/self/ns/ipc) $(readlink /proc/self/ns/uts)'
expect "--pid host" "$(readlink /proc/self/ns/pid)" $RUN --pid host $img readlink /proc/self/ns/pid
out=$($RUN --network none $img sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "' 2>&1)
[ "$out" = lo ] && ok "--network none" || notok "--network none" "$out"
# ... and lo is up: a server on 127.0.0.1 answers (the runtime brings it up,
# as runc and crun do; down, the bind fails).
LOCALHOST='mkdir -p /tmp/w && echo lo-ok >/tmp/w/index.html && httpd -p 127.0.0.1:8080 -h /tmp/w && wget -qO- http://127.0.0.1:8080/'
expect "--network none: 127.0.0.1 reachable" lo-ok $RUN --network none $img sh -c "$LOCALHOST"

# A pod of two containers talking over localhost (podman play kube; the
# pod's infra container, podman's own pause image built from catatonit,
# holds the network namespace both join).
cat >"$work/pod.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: rtpod
spec:
  restartPolicy: Never
  containers:
  - name: server
    image: $img
    command: ["/bin/sh", "-c", "mkdir -p /tmp/w && echo from-server >/tmp/w/index.html && exec httpd -f -p 127.0.0.1:8080 -h /tmp/w"]
  - name: client
    image: $img
    command: ["/bin/sh", "-c", "for i in 1 2 3 4 5 6 7 8 9 10; do wget -qO- http://127.0.0.1:8080/ 2>/dev/null && exit 0; sleep 0.5; done; exit 1"]
EOF
if out=$($P play kube "$work/pod.yaml" 2>&1); then
  for i in $(seq 40); do
    st=$($P inspect --format '{{.State.Status}}' rtpod-client 2>/dev/null)
    [ "$st" = exited ] && break
    sleep 0.5
  done
  out=$($P logs rtpod-client 2>&1)
  code=$($P inspect --format '{{.State.ExitCode}}' rtpod-client 2>&1)
  if [ "$out" = from-server ] && [ "$code" = 0 ]; then ok "play kube: two containers of a pod over localhost"
  else notok "play kube: two containers of a pod over localhost" "status $st, exit $code: $out"; fi
else
  notok "play kube: two containers of a pod over localhost" "$out"
fi
$P pod rm -f -t 0 rtpod >/dev/null 2>&1
out=$($RUN $img sh -c 'ip -4 -o addr show eth0; readlink /proc/self/ns/net' 2>&1)
if echo "$out" | grep -q "inet $subnet\." && ! echo "$out" | grep -qx "$(readlink /proc/self/ns/net)"; then
  ok "default network (CNI bridge)"; else notok "default network (CNI bridge)" "$out"; fi

left=$($P ps -a -q 2>&1)
[ -z "$left" ] && ok "no container left behind" || notok "no container left behind" "$left"

echo "1..$n"
[ "$failed" = 0 ]

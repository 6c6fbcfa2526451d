#!/bin/bash
# Lane "clients": containerd (Debian package) with its runc shim v2 driving a
# runc-compatible runtime through `ctr run --runc-binary`. Prints TAP.
#   RUNTIME=/path/to/rt tests/clients/containerd.sh
# containerd is started here with its own config, root, state and socket, and
# stopped by its PID at the end.
set -u
RUNTIME=${RUNTIME:?RUNTIME must name the runtime binary}
NAME=${CLIENT_TAG:-$(basename "$RUNTIME")}
here=$(cd "$(dirname "$0")" && pwd)
CLIENT=containerd
. "$here/lib.bash"
work=$(mktemp -d /tmp/rt-ctd.XXXXXX)
sock="$work/containerd.sock"

if ! command -v containerd >/dev/null || ! command -v ctr >/dev/null; then
  echo "1..0 # SKIP containerd is not installed"
  exit 0
fi

cat >"$work/config.toml" <<TOML
version = 2
root = "$work/root"
state = "$work/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$sock"
[ttrpc]
  address = "$sock.ttrpc"
TOML

containerd --config "$work/config.toml" >"$work/containerd.log" 2>&1 &
cpid=$!
cleanup() {
  for t in $(ctr -a "$sock" tasks ls -q 2>/dev/null); do ctr -a "$sock" tasks kill -s KILL "$t" >/dev/null 2>&1; done
  sleep 0.3
  for t in $(ctr -a "$sock" tasks ls -q 2>/dev/null); do ctr -a "$sock" tasks rm -f "$t" >/dev/null 2>&1; done
  for c in $(ctr -a "$sock" containers ls -q 2>/dev/null); do ctr -a "$sock" containers rm "$c" >/dev/null 2>&1; done
  kill "$cpid" 2>/dev/null
  wait "$cpid" 2>/dev/null
  # containerd's mounts of snapshots live under $work
  kill_started_under "$work"
  umount_under "$work"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
for i in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done
if ! ctr -a "$sock" version >/dev/null 2>&1; then
  echo "1..1"
  echo "not ok 1 - containerd/$NAME: containerd did not start"
  sed 's/^/#   /' "$work/containerd.log" | tail -20
  exit 1
fi

C="timeout 60 ctr -a $sock"
img=$(python3 "$here/make-image.py" "$work/img.tar" rtbusybox:latest)
check "import a locally built image" $C images import --snapshotter native "$work/img.tar"
RUN="$C run --snapshotter native --runc-binary $RUNTIME"

out=$($RUN --rm "$img" t-echo echo hello-from-ctr 2>&1)
[ "$out" = hello-from-ctr ] && ok "run --rm echo" || notok "run --rm echo" "$out"

$RUN --rm "$img" t-exit sh -c 'exit 42' >/dev/null 2>&1
st=$?
[ "$st" = 42 ] && ok "exit status propagates" || notok "exit status propagates" "got $st"

out=$(echo from-stdin | timeout 20 $RUN --rm "$img" t-stdin sh -c 'read -r x; echo "$x"' 2>&1)
[ "$out" = from-stdin ] && ok "stdin reaches the container" || notok "stdin reaches the container" "$out"

# ctr run makes a fresh network namespace (no --net-host): lo must be up
# there, as runc and crun leave it; down, binding 127.0.0.1 fails.
out=$($RUN --rm "$img" t-lo sh -c 'mkdir -p /tmp/w && echo lo-ok >/tmp/w/index.html && httpd -p 127.0.0.1:8080 -h /tmp/w && wget -qO- http://127.0.0.1:8080/' 2>&1)
[ "$out" = lo-ok ] && ok "run in a fresh netns: 127.0.0.1 reachable" || notok "run in a fresh netns: 127.0.0.1 reachable" "$out"

# ctr -t wants a terminal on its own stdin: tests/clients/pty-run.py gives it one, with a deadline.
out=$("$here/pty-run.py" 60 $RUN --rm -t $img t-tty sh -c tty </dev/null 2>&1)
[[ "$out" == */dev/pts/[0-9]* ]] && ok "a tty task" || notok "a tty task" "$out"

if $RUN -d "$img" t-long sleep 1000 >/dev/null 2>&1; then
  ok "run -d a long task"
  out=$($C tasks exec --exec-id e1 t-long echo exec-works 2>&1)
  if [ "$out" = exec-works ]; then ok "exec into it"; else
    if "$RUNTIME" exec --help >/dev/null 2>&1; then notok "exec into it" "$out"; else
      n=$((n + 1)); echo "ok $n - containerd/$NAME: exec into it # SKIP the runtime has no exec yet"; fi
  fi
  check "kill it" $C tasks kill -s KILL t-long
  for i in $(seq 50); do $C tasks ls 2>/dev/null | grep -q 't-long.*STOPPED' && break; sleep 0.1; done
  check "delete the task" $C tasks rm t-long
  check "delete the container" $C containers rm t-long
else
  notok "run -d a long task" "$(tail -5 "$work/containerd.log")"
fi

# The shim's runtime log: every line must be JSON with level, msg and time.
bad=$(find "$work/state" -name log.json -exec cat {} + 2>/dev/null |
  python3 -c 'import json,sys
bad=0
for l in sys.stdin:
    l=l.strip()
    if not l: continue
    try:
        d=json.loads(l); assert "level" in d and "msg" in d and "time" in d
    except Exception: bad+=1; print(l)
sys.exit(1 if bad else 0)')
[ $? = 0 ] && ok "the runtime's --log-format json lines parse" || notok "the runtime's --log-format json lines parse" "$bad"

echo "1..$n"
[ "$failed" = 0 ]

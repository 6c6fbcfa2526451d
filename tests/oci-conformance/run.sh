#!/usr/bin/env bash
# OCI runtime-spec conformance, checked from inside containers.
#
#   tests/oci-conformance/run.sh [NAME-GLOB...]
#
# Runs a runc-compatible runtime ($RUNTIME, else $RT, else build/rt) on
# bundles that each vary one field of a base config; the container's process
# is a static checker (checker.c) that reports in TAP whether the config holds
# from the inside. Adds the lifecycle, hooks and error tests of runtime.md, and
# prints one TAP stream on stdout, each test named after its bundle. Exits 0
# when nothing failed (skips and known deviations of the runtime, marked TODO
# from known-deviations, do not fail it).
#
# NAME-GLOB limits the run to matching bundles; the groups "lifecycle",
# "hooks" and "errors" name the runtime.md tests.
#
# Environment:
#   RUNTIME / RT             the runtime binary
#   CONFORMANCE_ROOT         its --root (default /tmp/conformance-root)
#   CONFORMANCE_TIMEOUT      seconds allowed to one runtime command (60)
#   CONFORMANCE_RUNTIME_NAME name looked up in known-deviations (basename of RUNTIME)
#   CONFORMANCE_KEEP=1       keep the work directory
#   RT_CHECKER               a prebuilt static checker (else built with gcc here)
#   BUSYBOX                  a static busybox (default /bin/busybox)
set -u -o pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
RUNTIME=${RUNTIME:-${RT:-$TOP/build/rt}}
RUNTIME_NAME=${CONFORMANCE_RUNTIME_NAME:-$(basename "$RUNTIME")}
ROOT=${CONFORMANCE_ROOT:-/tmp/conformance-root}
TIMEOUT=${CONFORMANCE_TIMEOUT:-60}
BUSYBOX=${BUSYBOX:-/bin/busybox}
GEN=(python3 "$HERE/gen.py")
FILTER=("$@")

# ------------------------------------------------------------------ TAP

N=0 PASSED=0 FAILED=0 SKIPPED=0 TODOS=0

# The runtime's known deviations: "runtime<TAB>glob<TAB>reason" lines.
deviation() {
  local rt glob reason
  [ -f "$HERE/known-deviations" ] || return 1
  while IFS=$'\t' read -r rt glob reason; do
    case $rt in '' | '#'*) continue ;; esac
    [ "$rt" = "$RUNTIME_NAME" ] || continue
    # shellcheck disable=SC2053
    if [[ $1 == $glob ]]; then
      printf '%s' "$reason"
      return 0
    fi
  done <"$HERE/known-deviations"
  return 1
}

# tap ok|fail|skip NAME [DETAIL]
tap() {
  local st=$1 name=$2 detail=${3:-} reason
  detail=${detail//$'\n'/ }
  N=$((N + 1))
  case $st in
  ok)
    echo "ok $N - $name"
    PASSED=$((PASSED + 1))
    ;;
  skip)
    echo "ok $N - $name # SKIP $detail"
    SKIPPED=$((SKIPPED + 1))
    ;;
  *)
    if reason=$(deviation "$name"); then
      echo "not ok $N - $name # TODO $RUNTIME_NAME: $reason"
      TODOS=$((TODOS + 1))
    else
      echo "not ok $N - $name"
      FAILED=$((FAILED + 1))
    fi
    [ -z "$detail" ] || echo "#   ${detail:0:600}"
    ;;
  esac
}

# check NAME DETAIL-IF-FAILED COMMAND...
check() {
  local name=$1 detail=$2
  shift 2
  if "$@"; then tap ok "$name"; else tap fail "$name" "$detail"; fi
}

diag() { echo "# $*"; }

# What the base bundle's checker reported as passing: other bundles fold the
# same passing checks into one line, so each bundle shows what it varies.
declare -A BASE_SEEN=()

# Re-emit a checker's TAP under PREFIX; returns 1 if no plan was seen.
reemit() {
  local prefix=$1 file=$2 line st rest desc cmt plan=0 count=0 folded=0
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%$'\r'}
    if [[ $line =~ ^(not\ )?ok\ [0-9]+(\ -)?\ ?(.*)$ ]]; then
      st=${BASH_REMATCH[1]:+fail}
      st=${st:-ok}
      rest=${BASH_REMATCH[3]}
      desc=$rest cmt=
      if [[ $rest == *' # '* ]]; then
        desc=${rest%% # *}
        cmt=${rest#* # }
      fi
      count=$((count + 1))
      if [ "$prefix" = base ] && [ "$st" = ok ]; then
        BASE_SEEN["$desc"]=1
      elif [ "$st" = ok ] && [ -n "${BASE_SEEN["$desc"]:-}" ]; then
        folded=$((folded + 1))
        continue
      fi
      if [[ $cmt =~ ^[Ss][Kk][Ii][Pp] ]]; then
        tap skip "$prefix: $desc" "$(echo "${cmt#????}" | sed "s/^ *//")"
      else
        tap "$st" "$prefix: $desc" "$cmt"
      fi
    elif [[ $line =~ ^1\.\.([0-9]+) ]]; then
      plan=${BASH_REMATCH[1]}
    elif [[ $line =~ ^# ]]; then
      if [ "$prefix" = base ]; then
        BASE_SEEN["$line"]=1
      elif [ -n "${BASE_SEEN["$line"]:-}" ]; then
        continue
      fi
      echo "# $prefix: ${line#'# '}"
    elif [ -n "$line" ]; then
      echo "# $prefix| $line"
    fi
  done <"$file"
  [ "$folded" = 0 ] || tap ok "$prefix: $folded more checks that pass in base hold here too"
  [ "$plan" -gt 0 ] && [ "$plan" = "$count" ]
}

selected() {
  local g
  [ ${#FILTER[@]} -eq 0 ] && return 0
  for g in "${FILTER[@]}"; do
    # shellcheck disable=SC2053
    [[ $1 == $g ]] && return 0
  done
  return 1
}

# ------------------------------------------------------------ preflight

skip_lane() {
  echo "1..0 # SKIP $*"
  exit 0
}

[ "$(id -u)" = 0 ] || skip_lane "needs root to create containers"
[ -x "$RUNTIME" ] || skip_lane "no runtime at $RUNTIME (set RUNTIME or RT)"
command -v python3 >/dev/null || skip_lane "python3 not found"
[ -x "$BUSYBOX" ] || skip_lane "no static busybox at $BUSYBOX (apt-get install busybox-static)"
if ldd "$BUSYBOX" >/dev/null 2>&1; then skip_lane "$BUSYBOX is dynamically linked (apt-get install busybox-static)"; fi

WORK=$(mktemp -d /tmp/rt-conformance.XXXXXX)
# runtime-side files must be reachable by the container's users (uid 1000 ...)
chmod 755 "$WORK"
CONTAINERS=()
NSHOLDER=

cleanup() {
  local id m
  for id in "${CONTAINERS[@]}"; do
    [ -e "$ROOT/$id" ] || continue # deleted already (runc, crun and rt keep ROOT/ID)
    timeout 20 "$RUNTIME" --root "$ROOT" delete -f "$id" >/dev/null 2>&1 || true
  done
  if [ -n "$NSHOLDER" ]; then kill "$NSHOLDER" 2>/dev/null && wait "$NSHOLDER" 2>/dev/null; fi
  # everything mounted below WORK, deepest first: fixtures, the shared area, leaks
  for m in $(awk -v w="$WORK" 'index($5, w"/") == 1 || $5 == w { print $5 }' /proc/self/mountinfo | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
  if [ "${CONFORMANCE_KEEP:-0}" = 1 ]; then
    echo "# kept $WORK" >&2
  else
    rm -rf --one-file-system "$WORK"
  fi
  rmdir "$ROOT" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The checker: prebuilt, or built static here.
CHECKER=${RT_CHECKER:-}
for c in "$TOP/build/tests/oci-conformance/checker" "$HERE/checker"; do
  if [ -z "$CHECKER" ] && [ -x "$c" ] && ! ldd "$c" >/dev/null 2>&1 && [ "$c" -nt "$HERE/checker.c" ]; then
    CHECKER=$c
  fi
done
if [ -z "$CHECKER" ]; then
  CHECKER=$WORK/rt-checker
  if ! gcc -static -O2 -Wall -o "$CHECKER" "$HERE/checker.c" 2>"$WORK/checker.log"; then
    cat "$WORK/checker.log" >&2
    skip_lane "cannot build the static checker (gcc -static; apt-get install libc6-dev)"
  fi
fi

# The base rootfs: busybox and its applet links, the checker, a passwd file.
BASE=$WORK/base-rootfs
mkdir -p "$BASE"/{bin,proc,sys,dev,tmp,etc,root,mnt,srv,rt-conformance}
chmod 1777 "$BASE/tmp"
cp "$BUSYBOX" "$BASE/bin/busybox"
python3 "$TOP/tests/lib/busybox-links.py" "$BASE/bin"
printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/srv:/bin/sh\n' >"$BASE/etc/passwd"
printf 'root:x:0:\ntty:x:5:\nuser:x:1000:\n' >"$BASE/etc/group"
cp "$CHECKER" "$BASE/rt-checker"
chmod 755 "$BASE/rt-checker"
# the hook that runs inside the container (startContainer)
cat >"$BASE/rt-hook.sh" <<'EOF'
#!/bin/sh
# rt-hook.sh NAME LOG [EXIT-CODE [SLEEP]]: log the state on stdin and the namespaces
name=$1 log=$2
state=$(cat | tr '\n' ' ')
printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$(readlink /proc/self/ns/mnt)" "$(readlink /proc/self/ns/pid)" \
  "${CONF_HOOK_ENV:-}" "$state" >>"$log"
[ -z "${4:-}" ] || exec sleep "$4"
exit "${3:-0}"
EOF
chmod 755 "$BASE/rt-hook.sh"
mkdir -p "$WORK/hooks"
cp "$BASE/rt-hook.sh" "$WORK/hooks/hook.sh"

# The base config: the runtime's own `spec`, else the built-in one.
mkdir -p "$WORK/spec"
if (cd "$WORK/spec" && timeout 10 "$RUNTIME" spec >/dev/null 2>&1) && [ -s "$WORK/spec/config.json" ]; then
  src=$("${GEN[@]}" base "$WORK/spec/config.json" "$WORK")
else
  src=$("${GEN[@]}" base - "$WORK")
fi
diag "runtime: $RUNTIME ($RUNTIME_NAME), root $ROOT, base config from the $src spec"
diag "$("$RUNTIME" --version 2>/dev/null | head -1)"
timeout 10 "$RUNTIME" features >"$WORK/features.json" 2>/dev/null || : >"$WORK/features.json"

# A shared mount for the propagation bundles (the host's / may be private).
mkdir -p "$WORK/shared"
if mount --bind "$WORK/shared" "$WORK/shared" 2>/dev/null; then
  mount --make-shared "$WORK/shared" 2>/dev/null || true
fi

# A process holding namespaces that a bundle joins by path.
if command -v unshare >/dev/null; then
  unshare --net --ipc --uts sleep 100000 </dev/null >/dev/null 2>&1 &
  NSHOLDER=$!
  export CONF_NSHOLDER_PID=$NSHOLDER
fi

rt() { timeout "$TIMEOUT" "$RUNTIME" --root "$ROOT" "$@" </dev/null; }

# feature_supported ns:time
feature_supported() {
  python3 - "$WORK/features.json" "$1" <<'EOF'
import json, sys
try:
    f = json.load(open(sys.argv[1]))
except Exception:
    sys.exit(0)  # no features command: assume supported
kind, _, what = sys.argv[2].partition(":")
if kind == "ns":
    sys.exit(0 if what in f.get("linux", {}).get("namespaces", []) else 1)
sys.exit(0)
EOF
}

# Leftovers of a bundle on the host: mounts below it, processes rooted in it.
# One find for all the processes (a readlink per process made this the lane's
# main cost under the VM lane's emulation, where every exec takes ~80 ms).
leftovers() {
  local b=$1 p out=
  out+=$(awk -v b="$b" 'index($5, b"/") == 1 { printf "mount %s; ", $5 }' /proc/self/mountinfo)
  for p in $(find /proc -mindepth 2 -maxdepth 2 -path '/proc/[0-9]*/root' -lname "$b/*" 2>/dev/null); do
    p=${p%/root}
    out+="process ${p#/proc/} ($(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)); "
  done
  printf '%s' "$out"
}

# The mounted cgroup hierarchies, read once (the lane mounts none).
CGROUP_MOUNTS=$(awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo | sort -u)

# Cgroup directories named NAME... left in any mounted hierarchy.
cgroup_leftovers() {
  local n expr=()
  for n in "$@"; do expr+=(${expr[0]+-o} -name "$n"); done
  # shellcheck disable=SC2086
  [ -z "$CGROUP_MOUNTS" ] || find $CGROUP_MOUNTS -maxdepth 3 -type d \( "${expr[@]}" \) -printf '%p ' 2>/dev/null
}

# make_bundle NAME: sets B (bundle dir) and the m_* metadata
make_bundle() {
  local k v meta
  unset m_bundle m_expect m_desc m_skip m_feature m_out m_userns
  meta=$("${GEN[@]}" make "$1" "$WORK" 2>"$WORK/gen.err") || {
    tap fail "$1: bundle generated" "$(tail -c 400 "$WORK/gen.err")"
    return 1
  }
  while IFS='=' read -r k v; do
    [ -n "$k" ] && printf -v "m_$k" '%s' "$v"
  done <<<"$meta"
  B=$m_bundle
}

# Edit a bundle's config.json with a python statement on `c`.
cfg_edit() {
  python3 - "$1/config.json" "$2" <<'EOF'
import json, sys
path, stmt = sys.argv[1], sys.argv[2]
c = json.load(open(path))
exec(stmt)
json.dump(c, open(path, "w"), indent=2)
EOF
}

# Errors rule (runtime.md): a failed operation leaves nothing behind.
errors_rule() {
  local name=$1 id=$2 b=$3 cgname=${4:-} left
  if rt state "$id" >/dev/null 2>&1; then
    tap fail "$name: no container state after the failed create" "state $id still answers"
    rt delete -f "$id" >/dev/null 2>&1
  else
    tap ok "$name: no container state after the failed create"
  fi
  sleep 0.2
  left=$(leftovers "$b")
  check "$name: no mount or process left after the failed create" "$left" test -z "$left"
  if [ -n "$cgname" ]; then
    # shellcheck disable=SC2086 # names, separated by spaces
    left=$(cgroup_leftovers $cgname)
    check "$name: no cgroup left after the failed create" "$left" test -z "$left"
  fi
}

# ---------------------------------------------------------- bundle runs

run_checker_bundle() {
  local name=$1 id="conf-$1" rc left out err
  make_bundle "$name" || return
  if [ -n "${m_skip:-}" ]; then
    tap skip "$name" "$m_skip"
    return
  fi
  [ -z "${m_desc:-}" ] || diag "$name: $m_desc"
  out=$WORK/$name.out err=$WORK/$name.err
  CONTAINERS+=("$id")
  # the clocks for linux.timeOffsets, taken again just before the run
  [[ $(<"$B/config.json") != *timeOffsets* ]] || "${GEN[@]}" hostinfo "$B"
  if [ "$m_expect" = terminal ]; then
    if ! command -v script >/dev/null; then
      tap skip "$name" "script(1) is needed to give the runtime a terminal"
      return
    fi
    TERM=xterm timeout "$TIMEOUT" script -qefc \
      "stty cols 100 rows 30 2>/dev/null; exec '$RUNTIME' --root '$ROOT' run --bundle '$B' '$id'" /dev/null \
      </dev/null >"$out" 2>"$err"
    rc=$?
    # script(1) echoes the EOF of its stdin (^D or ^@) and the pty adds CRs
    sed -i 's/^\^[@D]//; s/\r$//' "$out"
  else
    timeout "$TIMEOUT" "$RUNTIME" --root "$ROOT" run --bundle "$B" "$id" </dev/null >"$out" 2>"$err"
    rc=$?
  fi
  if ! grep -q '^ok\|^not ok' "$out" && [ $rc != 0 ] && [ -n "${m_feature:-}" ] && ! feature_supported "$m_feature"; then
    tap skip "$name" "the runtime does not list ${m_feature} in its features and refused the bundle: $(tail -c 200 "$err" | tr '\n' ' ')"
  elif ! reemit "$name" "$out"; then
    tap fail "$name: the checker ran to completion" "runtime exit $rc: $(tail -c 400 "$err" | tr '\n' ' ')"
  fi
  rt delete -f "$id" >/dev/null 2>&1
  if [ -n "${m_userns:-}" ]; then
    # config-linux.md: SHOULD NOT chown the rootfs to realize the mapping (it is all root's)
    left=$(find "$B/rootfs" -xdev ! -uid 0 -print 2>/dev/null | head -3 | tr '\n' ' ')
    check "$name: the rootfs's ownership is unchanged by the user namespace mapping" "now owned otherwise: $left" test -z "$left"
  fi
  sleep 0.1
  left=$(leftovers "$B")
  left+=$(cgroup_leftovers "$id" "rt-conformance-$name")
  check "$name: nothing left on the host after the container is gone" "$left" test -z "$left"
  if [ -n "$left" ]; then
    # do not let one bundle's leak confuse the next
    awk -v b="$B" 'index($5, b"/") == 1 { print $5 }' /proc/self/mountinfo | sort -r | xargs -r -n1 umount -l 2>/dev/null
  fi
  rm -rf --one-file-system "$B"
}

run_failing_bundle() {
  local name=$1 id="conf-$1" rc
  make_bundle "$name" || return
  if [ -n "${m_skip:-}" ]; then
    tap skip "$name" "$m_skip"
    return
  fi
  CONTAINERS+=("$id")
  rt create --bundle "$B" "$id" >"$WORK/$name.out" 2>"$WORK/$name.err"
  rc=$?
  if [ $rc != 0 ]; then
    tap ok "$name: create fails ($m_desc)"
    diag "$name: $(tail -c 300 "$WORK/$name.err" | tr '\n' ' ')"
    errors_rule "$name" "$id" "$B" "$id rt-conformance-$name"
  else
    tap fail "$name: create fails ($m_desc)" "create succeeded"
    rt delete -f "$id" >/dev/null 2>&1
  fi
  rm -rf --one-file-system "$B"
}

# ------------------------------------------------------------ lifecycle

# state_get ID FIELD: print a field of the state JSON (exit 1 if state fails)
state_get() {
  local s
  s=$(rt state "$1" 2>/dev/null) || return 1
  python3 -c 'import json,sys; v=json.loads(sys.argv[1]).get(sys.argv[2]); print(json.dumps(v) if isinstance(v,(dict,list)) else ("" if v is None else v))' "$s" "$2"
}

# state_schema_ok JSON: schema/state-schema.json of runtime-spec 1.3, checked by hand
# (pid is required when created or running on Linux)
state_schema_ok() {
  python3 - "$1" <<'EOF'
import json, re, sys
s = json.loads(sys.argv[1])
semver = r"\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?"
ok = (isinstance(s, dict)
      and all(k in s for k in ("ociVersion", "id", "status", "bundle"))
      and isinstance(s["ociVersion"], str) and re.fullmatch(semver, s["ociVersion"])
      and isinstance(s["id"], str)
      and s["status"] in ("creating", "created", "running", "stopped")
      and isinstance(s["bundle"], str) and s["bundle"].startswith("/")
      and ("pid" not in s or (isinstance(s["pid"], int) and not isinstance(s["pid"], bool) and s["pid"] >= 0))
      and (s["status"] not in ("created", "running") or s.get("pid", 0) > 0)
      and ("annotations" not in s or (isinstance(s["annotations"], dict)
           and all(isinstance(k, str) and k and isinstance(v, str) for k, v in s["annotations"].items()))))
sys.exit(0 if ok else 1)
EOF
}

wait_status() { # ID STATUS [tenths]
  local i
  for ((i = 0; i < ${3:-100}; i++)); do
    [ "$(state_get "$1" status)" = "$2" ] && return 0
    sleep 0.1
  done
  return 1
}

wait_file() { # FILE [tenths]
  local i
  for ((i = 0; i < ${2:-100}; i++)); do
    [ -e "$1" ] && return 0
    sleep 0.1
  done
  return 1
}

lifecycle_tests() {
  local T=lifecycle id=conf-lifecycle rc pid pid2 st out s
  make_bundle lifecycle || return
  out=$m_out
  CONTAINERS+=("$id" conf-lifecycle-noproc "conf-bad/id")

  rt state conf-no-such-container >/dev/null 2>&1
  check "$T: state of an unknown id fails" "state succeeded" test $? != 0
  rt state >/dev/null 2>&1
  check "$T: state without an id fails" "state succeeded" test $? != 0
  rt create --bundle "$B" >/dev/null 2>&1
  check "$T: create without an id fails" "create succeeded" test $? != 0
  for op in start delete kill; do
    rt $op >/dev/null 2>&1
    check "$T: $op without an id fails" "$op succeeded" test $? != 0
  done

  rt create --bundle "$B" "$id" >"$WORK/lc.out" 2>"$WORK/lc.err"
  rc=$?
  check "$T: create succeeds" "exit $rc: $(tail -c 300 "$WORK/lc.err")" test $rc = 0
  if [ $rc != 0 ]; then
    tap fail "$T: the remaining lifecycle tests need a created container" "skipped the rest"
    return
  fi
  st=$(rt state "$id" 2>/dev/null)
  pid=$(state_get "$id" pid)
  check "$T: state after create is \"created\"" "state: $st" test "$(state_get "$id" status)" = created
  check "$T: state has the container process pid, which exists" "pid '$pid'" test -n "$pid" -a "$pid" != 0 -a -d "/proc/$pid"
  check "$T: state id is the id" "state: $st" test "$(state_get "$id" id)" = "$id"
  check "$T: state bundle is the absolute bundle path" "state: $st" test "$(state_get "$id" bundle)" = "$B"
  check "$T: state ociVersion is SemVer" "state: $st" \
    python3 -c 'import re,sys; sys.exit(0 if re.fullmatch(r"\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?", sys.argv[1]) else 1)' \
    "$(state_get "$id" ociVersion)"
  check "$T: state annotations are the config's" "state: $st" \
    python3 -c 'import json,sys; sys.exit(0 if json.loads(sys.argv[1] or "null") == json.load(open(sys.argv[2]))["annotations"] else 1)' \
    "$(state_get "$id" annotations)" "$B/config.json"
  check "$T: state of a created container follows schema/state-schema.json" "state: $st" state_schema_ok "$st"
  sleep 0.5
  check "$T: create does not run process.args" "the process already wrote $out/started" test ! -e "$out/started"

  # config.json changes after create must not affect the container
  cfg_edit "$B" 'c["hostname"] = "changed-after-create"; c["process"]["args"] = ["/bin/false"]'

  rt create --bundle "$B" "$id" >/dev/null 2>&1
  rc=$?
  check "$T: create with an id in use fails" "second create succeeded" test $rc != 0
  check "$T: the failed duplicate create leaves the first container as it was" \
    "status $(state_get "$id" status), pid $(state_get "$id" pid) (was $pid)" \
    test "$(state_get "$id" status)" = created -a "$(state_get "$id" pid)" = "$pid" -a -d "/proc/$pid"

  rt start "$id" >"$WORK/lc.out" 2>"$WORK/lc.err"
  rc=$?
  check "$T: start succeeds" "exit $rc: $(tail -c 300 "$WORK/lc.err")" test $rc = 0
  wait_file "$out/started"
  check "$T: start runs process.args" "no $out/started" test -e "$out/started"
  check "$T: state after start is \"running\"" "status $(state_get "$id" status)" test "$(state_get "$id" status)" = running
  st=$(rt state "$id" 2>/dev/null)
  check "$T: state of a running container follows schema/state-schema.json" "state: $st" state_schema_ok "$st"
  check "$T: config.json edited after create has no effect" "hostname $(cat "$out/started" 2>/dev/null)" \
    test "$(cat "$out/started" 2>/dev/null)" = conf-lifecycle

  rt start "$id" >/dev/null 2>&1
  check "$T: start of a running container fails" "start succeeded" test $? != 0
  check "$T: the failed start leaves the container running" "status $(state_get "$id" status)" \
    test "$(state_get "$id" status)" = running -a "$(state_get "$id" pid)" = "$pid"
  rt delete "$id" >/dev/null 2>&1
  check "$T: delete of a running container fails" "delete succeeded" test $? != 0
  check "$T: the failed delete leaves the container running" "status $(state_get "$id" status)" \
    test "$(state_get "$id" status)" = running -a -d "/proc/$pid"

  rt kill "$id" USR1 >/dev/null 2>&1
  rc=$?
  wait_file "$out/usr1" 50
  check "$T: kill sends the signal to the container process" "kill exit $rc, no $out/usr1" test -e "$out/usr1"

  touch "$out/stop"
  wait_file "$out/done" 100
  wait_status "$id" stopped 50
  check "$T: state is \"stopped\" once the process exited" "status $(state_get "$id" status)" \
    test "$(state_get "$id" status)" = stopped
  rt kill "$id" KILL >/dev/null 2>&1
  check "$T: kill of a stopped container fails" "kill succeeded" test $? != 0
  rt start "$id" >/dev/null 2>&1
  check "$T: start of a stopped container fails" "start succeeded" test $? != 0
  check "$T: the failed kill and start leave it stopped" "status $(state_get "$id" status)" \
    test "$(state_get "$id" status)" = stopped
  st=$(rt state "$id" 2>/dev/null)
  check "$T: state of a stopped container follows schema/state-schema.json" "state: $st" state_schema_ok "$st"

  rt delete "$id" >"$WORK/lc.out" 2>"$WORK/lc.err"
  rc=$?
  check "$T: delete of a stopped container succeeds" "exit $rc: $(tail -c 300 "$WORK/lc.err")" test $rc = 0
  rt state "$id" >/dev/null 2>&1
  check "$T: state after delete fails" "state still answers" test $? != 0
  s=$(cgroup_leftovers "rt-conformance-lifecycle")
  check "$T: delete removes the container's cgroup" "$s" test -z "$s"
  s=$(leftovers "$B")
  check "$T: delete leaves no mount or process" "$s" test -z "$s"
  check "$T: delete keeps what it did not create (bind source, rootfs)" "missing" \
    test -e "$out/done" -a -x "$B/rootfs/bin/busybox"

  # kill and delete of a created container
  rm -f "$out"/*
  rt create --bundle "$B" "$id" >/dev/null 2>"$WORK/lc.err"
  check "$T: the id can be used again after delete" "$(tail -c 300 "$WORK/lc.err")" test $? = 0
  rt kill "$id" KILL >/dev/null 2>&1
  rc=$?
  check "$T: kill of a created container succeeds" "exit $rc" test $rc = 0
  wait_status "$id" stopped 50
  check "$T: a created container killed is \"stopped\"" "status $(state_get "$id" status)" \
    test "$(state_get "$id" status)" = stopped
  check "$T: a created container killed never ran process.args" "started exists" test ! -e "$out/started"
  rt delete "$id" >/dev/null 2>&1
  rt delete -f "$id" >/dev/null 2>&1

  rt create --bundle "$B" "$id" >/dev/null 2>&1
  pid2=$(state_get "$id" pid)
  rt delete "$id" >/dev/null 2>&1
  rc=$?
  check "$T: delete of a created (not stopped) container fails" "delete succeeded" test $rc != 0
  check "$T: the failed delete leaves the created container as it was" "status '$(state_get "$id" status)'" \
    test "$(state_get "$id" status)" = created -a -n "$pid2" -a -d "/proc/$pid2"
  rt delete -f "$id" >/dev/null 2>&1
  sleep 0.2
  s=$(leftovers "$B")
  check "$T: delete --force of a created container leaves nothing" "$s" test -z "$s"

  # no process
  cfg_edit "$B" 'c.pop("process")'
  rt create --bundle "$B" conf-lifecycle-noproc >/dev/null 2>&1
  if [ $? != 0 ]; then
    tap ok "$T: a config without process cannot be started (create refuses it)"
  else
    rt start conf-lifecycle-noproc >/dev/null 2>&1
    check "$T: a config without process cannot be started (start fails)" "start succeeded" test $? != 0
  fi
  rt delete -f conf-lifecycle-noproc >/dev/null 2>&1

  # an invalid id
  cfg_edit "$B" 'import json; c.update(json.load(open(sys.argv[1].replace("config.json", "rootfs/rt-conformance/config.json"))))'
  rt create --bundle "$B" "conf-bad/id" >/dev/null 2>&1
  check "$T: create with an invalid id (a slash) fails" "create succeeded" test $? != 0
  rm -rf --one-file-system "$B"
}

# hooks_bundle: a lifecycle bundle with every hook logging to $LOG
hooks_bundle() {
  make_bundle hooks || return 1
  LOG=$m_out/hooks.log
  HOOK=$WORK/hooks/hook.sh
  cfg_edit "$B" "
h = '$HOOK'; log = '$LOG'
def hook(name, *extra, env=None):
    e = {'path': h, 'args': ['hook.sh', name, log] + list(extra)}
    if env: e['env'] = env
    return e
c['hooks'] = {
  'prestart': [hook('prestart', env=['CONF_HOOK_ENV=prestart-env'])],
  'createRuntime': [hook('createRuntime-1'), hook('createRuntime-2')],
  'createContainer': [hook('createContainer')],
  'startContainer': [{'path': '/rt-hook.sh', 'args': ['rt-hook.sh', 'startContainer', '/rt-out/hooks.log']}],
  'poststart': [hook('poststart')],
  'poststop': [hook('poststop-1'), hook('poststop-2')],
}
c['process']['args'] = ['/bin/sh', '-c', 'echo user-program >> /rt-out/hooks.log; hostname > /rt-out/started; while [ ! -e /rt-out/stop ]; do sleep 0.1; done; echo done > /rt-out/done']
"
}

# hooklog_check NAME PY-EXPR: evaluate a python expression over the log
# (h: list of dicts name/mnt/pid/env/state, names: the names in order)
hooklog() {
  python3 - "$LOG" "$1" "${@:2}" <<'EOF'
import json, sys
h = []
try:
    for line in open(sys.argv[1]):
        f = line.rstrip("\n").split("\t")
        if len(f) == 1:
            h.append({"name": f[0], "mnt": "", "pid": "", "env": "", "state": {}})
            continue
        try:
            st = json.loads(f[4]) if len(f) > 4 and f[4].strip() else {}
        except ValueError:
            st = {"unparsable": f[4]}
        h.append({"name": f[0], "mnt": f[1], "pid": f[2], "env": f[3], "state": st})
except OSError:
    pass
names = [x["name"] for x in h]
def get(n):
    return next((x for x in h if x["name"] == n), None)
args = sys.argv[3:]
ok = eval(sys.argv[2])
if not ok:
    print("log: " + "; ".join(f"{x['name']} {x['state'].get('status', '?')} pid={x['state'].get('pid', '?')}" for x in h))
sys.exit(0 if ok else 1)
EOF
}

hcheck() { # NAME EXPR [ARGS...]
  local name=$1 d
  shift
  if d=$(hooklog "$@"); then tap ok "$name"; else tap fail "$name" "$d"; fi
}

hooks_tests() {
  local T=hooks id=conf-hooks rc pid hostmnt cmnt s
  hooks_bundle || return
  CONTAINERS+=("$id")
  hostmnt=$(readlink /proc/self/ns/mnt)

  rt create --bundle "$B" "$id" >"$WORK/h.out" 2>"$WORK/h.err"
  rc=$?
  check "$T: create with every hook succeeds" "exit $rc: $(tail -c 300 "$WORK/h.err")" test $rc = 0
  if [ $rc != 0 ]; then
    rt delete -f "$id" >/dev/null 2>&1
    return
  fi
  pid=$(state_get "$id" pid)
  cmnt=$(readlink "/proc/$pid/ns/mnt")
  hcheck "$T: create runs prestart, createRuntime (in listed order), createContainer, in that order" \
    'names[:4] == ["prestart", "createRuntime-1", "createRuntime-2", "createContainer"]'
  hcheck "$T: create runs no startContainer or poststart hook" \
    '"startContainer" not in names and "poststart" not in names'
  hcheck "$T: create-time hooks get the state on stdin with status \"creating\"" \
    'all(x["state"].get("status") == "creating" for x in h[:4]) and len(h) >= 4'
  hcheck "$T: hooks get the state's id and bundle" \
    'all(x["state"].get("id") == args[0] and x["state"].get("bundle") == args[1] for x in h) and h' "$id" "$B"
  hcheck "$T: runtime-namespace hooks get the pid as seen by the runtime" \
    'all(str(x["state"].get("pid")) == args[0] for x in h if x["name"] in ("prestart", "createRuntime-1", "createRuntime-2")) and h' "$pid"
  hcheck "$T: createContainer gets the pid as seen in the container" \
    'get("createContainer") and str(get("createContainer")["state"].get("pid")) == ("1" if get("createContainer")["pid"] != args[1] else args[0])' \
    "$pid" "$(readlink /proc/self/ns/pid)"
  hcheck "$T: prestart and createRuntime run in the runtime's mount namespace" \
    'all(x["mnt"] == args[0] for x in h if x["name"] in ("prestart", "createRuntime-1", "createRuntime-2")) and h' "$hostmnt"
  hcheck "$T: createContainer runs in the container's mount namespace" \
    'get("createContainer") and get("createContainer")["mnt"] == args[0]' "$cmnt"
  hcheck "$T: a hook gets its env" 'get("prestart") and get("prestart")["env"] == "prestart-env"'

  rt start "$id" >"$WORK/h.out" 2>"$WORK/h.err"
  rc=$?
  check "$T: start succeeds" "exit $rc: $(tail -c 300 "$WORK/h.err")" test $rc = 0
  hcheck "$T: poststart has run when start returns" '"poststart" in names'
  wait_file "$m_out/started" 50
  hcheck "$T: startContainer runs before the user program" \
    '"startContainer" in names and "user-program" in names and names.index("startContainer") < names.index("user-program")'
  hcheck "$T: poststart runs after startContainer" \
    '"startContainer" in names and "poststart" in names and names.index("startContainer") < names.index("poststart")'
  hcheck "$T: startContainer gets status \"created\", poststart \"running\"" \
    'get("startContainer") and get("startContainer")["state"].get("status") == "created" and get("poststart")["state"].get("status") == "running"'
  hcheck "$T: startContainer runs in the container's mount namespace" \
    'get("startContainer") and get("startContainer")["mnt"] == args[0]' "$cmnt"
  hcheck "$T: startContainer gets the pid as seen in the container" \
    'get("startContainer") and str(get("startContainer")["state"].get("pid")) == ("1" if get("startContainer")["pid"] != args[1] else args[0])' \
    "$pid" "$(readlink /proc/self/ns/pid)"
  hcheck "$T: poststart runs in the runtime's mount namespace with the runtime's pid" \
    'get("poststart") and get("poststart")["mnt"] == args[0] and str(get("poststart")["state"].get("pid")) == args[1]' "$hostmnt" "$pid"

  touch "$m_out/stop"
  wait_status "$id" stopped 100
  hcheck "$T: no poststop before delete" '"poststop-1" not in names'
  rt delete "$id" >"$WORK/h.out" 2>"$WORK/h.err"
  rc=$?
  check "$T: delete succeeds" "exit $rc: $(tail -c 300 "$WORK/h.err")" test $rc = 0
  hcheck "$T: poststop hooks have run, in listed order, when delete returns" \
    'names[-2:] == ["poststop-1", "poststop-2"]'
  hcheck "$T: poststop gets status \"stopped\" and runs in the runtime's mount namespace" \
    'get("poststop-1") and get("poststop-1")["state"].get("status") == "stopped" and get("poststop-1")["mnt"] == args[0]' "$hostmnt"
  hcheck "$T: each hook ran once" 'len(names) == len(set(names))'
  rm -rf --one-file-system "$B"

  # A failing createRuntime hook: create fails, the container is destroyed, poststop runs.
  hooks_fail_test createRuntime "c['hooks']['createRuntime'][0]['args'].append('1')" create
  # A failing createContainer hook.
  hooks_fail_test createContainer "c['hooks']['createContainer'][0]['args'].append('1')" create
  # A prestart hook that outlives its timeout.
  hooks_fail_test prestart-timeout "c['hooks']['prestart'][0]['args'] += ['0', '30']; c['hooks']['prestart'][0]['timeout'] = 1" create
  # A failing startContainer hook: start fails, the user program never runs.
  hooks_fail_test startContainer "c['hooks']['startContainer'][0]['args'].append('1')" start
  # A failing poststart hook: start fails and the container is stopped.
  hooks_fail_test poststart "c['hooks']['poststart'][0]['args'].append('1')" start

  # A failing poststop hook is only a warning: delete succeeds, the next poststop runs.
  hooks_bundle || return
  cfg_edit "$B" "c['hooks']['poststop'][0]['args'].append('1')"
  rt create --bundle "$B" "$id" >/dev/null 2>&1 && rt start "$id" >/dev/null 2>&1
  touch "$m_out/stop"
  wait_status "$id" stopped 100
  rt delete "$id" >"$WORK/h.out" 2>"$WORK/h.err"
  rc=$?
  check "$T/poststop-fails: delete still succeeds" "exit $rc: $(tail -c 300 "$WORK/h.err")" test $rc = 0
  hcheck "$T/poststop-fails: the remaining poststop hooks still run" '"poststop-2" in names'
  rt state "$id" >/dev/null 2>&1
  check "$T/poststop-fails: the container is gone" "state still answers" test $? != 0
  rt delete -f "$id" >/dev/null 2>&1
  rm -rf --one-file-system "$B"
}

# hooks_fail_test NAME EDIT OPERATION(create|start)
hooks_fail_test() {
  local T="hooks/$1-fails" edit=$2 op=$3 id=conf-hooks rc t0 s
  hooks_bundle || return
  cfg_edit "$B" "$edit"
  t0=$SECONDS
  rt create --bundle "$B" "$id" >"$WORK/h.out" 2>"$WORK/h.err"
  rc=$?
  if [ "$op" = create ]; then
    check "$T: create fails" "create succeeded" test $rc != 0
    [ "$1" != prestart-timeout ] || check "$T: the hook is aborted after its timeout" "took $((SECONDS - t0))s" \
      test $((SECONDS - t0)) -lt 20
    errors_rule "$T" "$id" "$B" "rt-conformance-hooks"
  else
    if [ $rc != 0 ]; then
      tap fail "$T: create succeeds" "$(tail -c 300 "$WORK/h.err")"
      rt delete -f "$id" >/dev/null 2>&1
      return
    fi
    rt start "$id" >"$WORK/h.out" 2>"$WORK/h.err"
    rc=$?
    check "$T: start fails" "start succeeded" test $rc != 0
    sleep 0.5
    s=$(state_get "$id" status)
    check "$T: the container is stopped (or gone)" "status $s" test -z "$s" -o "$s" = stopped
    [ "$1" != startContainer ] || hcheck "$T: the user program never ran" '"user-program" not in names'
    rt delete "$id" >/dev/null 2>&1
    rt delete -f "$id" >/dev/null 2>&1
    s=$(leftovers "$B")
    check "$T: nothing left after delete" "$s" test -z "$s"
  fi
  hcheck "$T: poststop hooks run (lifecycle step 13)" '"poststop-1" in names and "poststop-2" in names'
  rt delete -f "$id" >/dev/null 2>&1
  rm -rf --one-file-system "$B"
}

# ------------------------------------------------------------------ main

for name in $("${GEN[@]}" list); do
  case $name in err-*) continue ;; esac
  selected "$name" || continue
  run_checker_bundle "$name"
done
if selected errors; then
  for name in $("${GEN[@]}" list); do
    case $name in err-*) run_failing_bundle "$name" ;; esac
  done
else
  for name in $("${GEN[@]}" list); do
    case $name in err-*) ! selected "$name" || run_failing_bundle "$name" ;; esac
  done
fi
selected lifecycle && lifecycle_tests
selected hooks && hooks_tests

echo "1..$N"
echo "# oci-conformance ($RUNTIME_NAME): $PASSED ok, $FAILED failed, $SKIPPED skipped, $TODOS todo (known $RUNTIME_NAME deviations)"
[ "$FAILED" = 0 ]

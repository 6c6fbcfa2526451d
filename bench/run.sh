#!/bin/bash
# rt vs runc vs crun, side by side in one run, interleaved (hyperfine runs the
# three commands of each measurement in turn). Writes a Markdown report.
# "floor" (bench/floor.c, built here) is the same namespaces, mounts,
# pivot_root and exec with no runtime around it: the rows of a whole run
# give rt/floor besides rt/crun, the ratio that travels between machines.
#
#   bench/run.sh [--quick|--smoke] [--out FILE]
#
#   --quick  fewer runs (numbers are rougher)
#   --smoke  every measurement once, no report: checks the harness works
#            (scripts/test runs this; no timing is asserted anywhere)
#
# crun 1.8 refuses this host's hybrid cgroup layout (a cgroup2 mount at
# /sys/fs/cgroup/unified beside v1 hierarchies). It is measured inside a
# private mount namespace where that one mount is detached: that namespace
# only, never the host's. The bundle says ociVersion 1.0.2: crun 1.8 refuses
# newer versions.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
RT=${RT:-$top/build/rt}
OUT=$top/docs/performance.md
MODE=full
while [ $# -gt 0 ]; do
  case $1 in
  --quick) MODE=quick ;;
  --smoke) MODE=smoke ;;
  --out) OUT=$2; shift ;;
  *) echo "usage: $0 [--quick|--smoke] [--out FILE]" >&2; exit 2 ;;
  esac
  shift
done
case $MODE in
full) RUNS=40 WARM=5 SEQ=100 DRIFT=1000 ;;
quick) RUNS=10 WARM=2 SEQ=100 DRIFT=1000 ;;
smoke) RUNS=2 WARM=0 SEQ=3 DRIFT=20 ;;
esac

CC=${CC:-cc}
for tool in hyperfine runc crun python3 /usr/bin/time "$CC"; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install hyperfine runc crun python3 time gcc)" >&2; exit 1; }
done
[ -x "$RT" ] || { echo "bench: $RT is not built" >&2; exit 1; }

work=$(mktemp -d /tmp/rt-bench.XXXXXX)
RUNTIMES=(rt runc crun)
cleanup() {
  for r in "${RUNTIMES[@]}"; do
    for id in $(ls "$work/root-$r" 2>/dev/null); do
      runtime_cmd "$r" delete -f "$id" >/dev/null 2>&1 || true
    done
  done
  rm -rf "$work"
}
trap cleanup EXIT
FLOOR=$work/floor
"$CC" -O2 -o "$FLOOR" "$here/floor.c"

# One bundle: a busybox rootfs, config from `rt spec`, args /bin/true.
mkdir -p "$work/bundle/rootfs/bin"
cp /bin/busybox "$work/bundle/rootfs/bin/"
for a in true sh sleep; do ln -s busybox "$work/bundle/rootfs/bin/$a"; done
(cd "$work/bundle" && "$RT" spec)
setcfg() { # python statement on c
  python3 - "$work/bundle/config.json" "$1" <<'PY'
import json, sys
p = sys.argv[1]
c = json.load(open(p))
exec(sys.argv[2])
json.dump(c, open(p, 'w'), indent=2)
PY
}
setcfg "c['ociVersion'] = '1.0.2'; c['process']['terminal'] = False; c['process']['args'] = ['/bin/true']"
cp "$work/bundle/config.json" "$work/config.base.json"

# crun in a private mount namespace without the unified mount (see above).
cat >"$work/crun" <<EOF
#!/bin/sh
exec unshare -m sh -c 'umount -l /sys/fs/cgroup/unified 2>/dev/null; exec crun "\$@"' crun "\$@"
EOF
chmod +x "$work/crun"
CRUN_NOTE=""
if mountpoint -q /sys/fs/cgroup/unified 2>/dev/null && [ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ]; then
  CRUN="$work/crun"
  CRUN_NOTE="crun ran in a private mount namespace without /sys/fs/cgroup/unified (crun 1.8 refuses this hybrid layout); the unshare and sh that set it up (about 1 ms) are in crun's times."
else
  CRUN=crun
fi

runtime_bin() {
  case $1 in rt) echo "$RT" ;; runc) echo runc ;; crun) echo "$CRUN" ;; esac
}
runtime_cmd() {
  local r=$1; shift
  "$(runtime_bin "$r")" --root "$work/root-$r" "$@"
}
subst() { # template runtime
  local c=${1//RUNTIME/$(runtime_bin "$2")}
  echo "${c//ROOT/$work/root-$2}"
}

declare -A RESULT RATIO
# measure NAME COMMAND-TEMPLATE [PREPARE-TEMPLATE [FLOOR-COMMAND]]: RUNTIME and
# ROOT are replaced per runtime; FLOOR-COMMAND, when given, is measured in the
# same hyperfine run (its prepare is "true") and gives the rt/floor ratio.
measure() {
  local name=$1 tmpl=$2 prep=${3:-} floor=${4:-}
  local args=()
  for r in "${RUNTIMES[@]}"; do
    [ -z "$prep" ] || args+=(--prepare "$(subst "$prep" "$r")")
  done
  [ -z "$floor" ] || [ -z "$prep" ] || args+=(--prepare true)
  for r in "${RUNTIMES[@]}"; do
    args+=(-n "$r" "$(subst "$tmpl" "$r")")
  done
  [ -z "$floor" ] || args+=(-n floor "$floor")
  hyperfine -N --style none --warmup "$WARM" --runs "$RUNS" --export-json "$work/$name.json" \
    "${args[@]}" >/dev/null 2>"$work/$name.err" || {
    echo "bench: $name failed:" >&2; cat "$work/$name.err" >&2; return 1; }
  RESULT[$name]=$(python3 - "$work/$name.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
res = {r['command']: r for r in d['results']}
def fmt(r):
    ts = sorted(r['times'])
    return f"{r['median']*1000:.2f} ms ({ts[0]*1000:.2f}–{ts[-1]*1000:.2f})"
ratio = res['rt']['median'] / res['crun']['median']
fl = res.get('floor')
print(f"{fmt(res['rt'])} | {fmt(res['runc'])} | {fmt(res['crun'])} | {fmt(fl) if fl else ''} | {ratio:.2f} | "
      + (f"{res['rt']['median'] / fl['median']:.2f}" if fl else ''))
PY
)
  RATIO[$name]=$(python3 -c "import json,sys; d={r['command']: r['median'] for r in json.load(open(sys.argv[1]))['results']}; print(d['rt'])" "$work/$name.json")
  echo "bench: $name: ${RESULT[$name]}" >&2
}

B=$work/bundle
cd "$B"
measure run "RUNTIME --root ROOT run --bundle $B b-run" "" "$FLOOR $B/rootfs /bin/true"
# the whole life of a container the way a shim drives it: delete is retried
# until the container has stopped (it fails while it runs)
measure cycle "sh -c 'RUNTIME --root ROOT create --bundle $B b-y && RUNTIME --root ROOT start b-y && until RUNTIME --root ROOT delete b-y 2>/dev/null; do :; done'" \
  "sh -c 'RUNTIME --root ROOT delete -f b-y >/dev/null 2>&1; true'"
measure create "RUNTIME --root ROOT create --bundle $B b-c" "sh -c 'RUNTIME --root ROOT delete -f b-c >/dev/null 2>&1; true'"
measure start "RUNTIME --root ROOT start b-s" \
  "sh -c 'RUNTIME --root ROOT delete -f b-s >/dev/null 2>&1; RUNTIME --root ROOT create --bundle $B b-s'"
# delete of a stopped container: /bin/true has exited once start returned
# (wait for it to be reaped: a short sleep).
measure delete "RUNTIME --root ROOT delete b-d" \
  "sh -c 'RUNTIME --root ROOT delete -f b-d >/dev/null 2>&1; RUNTIME --root ROOT create --bundle $B b-d && RUNTIME --root ROOT start b-d && sleep 0.05'"
for r in "${RUNTIMES[@]}"; do runtime_cmd $r delete -f b-c >/dev/null 2>&1 || true; runtime_cmd $r delete -f b-s >/dev/null 2>&1 || true; done

# state and list with one container (created) in each root
for r in "${RUNTIMES[@]}"; do runtime_cmd $r create --bundle "$B" b-state >/dev/null; done
measure state "RUNTIME --root ROOT state b-state"
measure list "RUNTIME --root ROOT list"
# the cost of starting the binary at all, for state and list to be held to
measure version "RUNTIME --version"
for r in "${RUNTIMES[@]}"; do runtime_cmd $r delete -f b-state >/dev/null 2>&1 || true; done

# exec into a running container
setcfg "c['process']['args'] = ['sleep', '100000']"
for r in "${RUNTIMES[@]}"; do runtime_cmd $r run -d --bundle "$B" b-exec >/dev/null </dev/null; done
measure exec "RUNTIME --root ROOT exec b-exec /bin/true"

# peak RSS (GNU time, KiB) of run, create, exec
# (-o: a created container keeps the command's stderr open)
rss() { /usr/bin/time -o "$work/rss" -f %M "$@" >/dev/null 2>&1 </dev/null; tail -1 "$work/rss"; }
declare -A RSS
for r in "${RUNTIMES[@]}"; do
  RSS[exec-$r]=$(rss "$(runtime_bin $r)" --root "$work/root-$r" exec b-exec /bin/true)
done
for r in "${RUNTIMES[@]}"; do runtime_cmd $r delete -f b-exec >/dev/null 2>&1 || true; done
cp "$work/config.base.json" "$B/config.json"
for r in "${RUNTIMES[@]}"; do
  RSS[run-$r]=$(rss "$(runtime_bin $r)" --root "$work/root-$r" run --bundle "$B" b-rss)
  RSS[create-$r]=$(rss "$(runtime_bin $r)" --root "$work/root-$r" create --bundle "$B" b-rss)
  runtime_cmd $r delete -f b-rss >/dev/null 2>&1 || true
done
RSS[run-floor]=$(rss "$FLOOR" "$B/rootfs" /bin/true)

# SEQ sequential runs, and 10 in parallel
measure seq "sh -c 'for i in \$(seq $SEQ); do RUNTIME --root ROOT run --bundle $B s\$i >/dev/null || exit 1; done'"
measure par10 "sh -c 'for i in 0 1 2 3 4 5 6 7 8 9; do RUNTIME --root ROOT run --bundle $B p\$i >/dev/null & done; wait'" "" \
  "sh -c 'for i in 0 1 2 3 4 5 6 7 8 9; do $FLOOR $B/rootfs /bin/true & done; wait'"

# DRIFT sequential runs of rt alone: no slowdown, no growth, nothing left
drift=$(python3 "$here/drift.py" "$RT" "$work/root-rt" "$B" "$DRIFT") || {
  echo "bench: drift failed: $drift" >&2; exit 1; }
echo "bench: drift: $(echo "$drift" | head -1)" >&2
DRIFT_ROW=$(echo "$drift" | tail -1)

# seccomp: a Docker-like profile (~380 syscall names in 10 rules)
setcfg "import json as j; c['linux']['seccomp'] = j.load(open('$top/tests/unit/fixtures/seccomp-docker-like.json'))['linux']['seccomp']"
measure seccomp "RUNTIME --root ROOT run --bundle $B b-sc"
# rt caches compiled filters (/run/rt-cache/seccomp): also cold, cache emptied
# before each run (runc and crun have no cache; they run the same way).
measure seccomp_cold "RUNTIME --root ROOT run --bundle $B b-sc" "rm -rf /run/rt-cache/seccomp"
cp "$work/config.base.json" "$B/config.json"

# The smallest memory limit (KiB) at which `run /bin/true` still succeeds,
# by binary search between 64 KiB and 64 MiB (swap limited alike where the
# kernel has it).
min_memory() {
  local r=$1 lo=64 hi=65536 mid
  while [ $((hi - lo)) -gt 8 ]; do
    mid=$(((lo + hi) / 2))
    setcfg "c['linux']['resources'] = dict(c['linux'].get('resources', {}), memory={'limit': $mid * 1024})"
    if runtime_cmd $r run --bundle "$B" b-mem >/dev/null 2>&1 </dev/null; then hi=$mid; else lo=$mid; fi
    runtime_cmd $r delete -f b-mem >/dev/null 2>&1 || true
  done
  cp "$work/config.base.json" "$B/config.json"
  echo $hi
}
declare -A MINMEM
if [ "$MODE" != smoke ]; then
  for r in "${RUNTIMES[@]}"; do MINMEM[$r]=$(min_memory $r); done
else
  for r in "${RUNTIMES[@]}"; do MINMEM[$r]=-; done
fi

report() {
  echo "# Performance"
  echo
  echo "Measured by \`bench/run.sh\` on $(date -u +%Y-%m-%d): $(nproc) cores, kernel $(uname -r),"
  echo "$(. /etc/os-release; echo "$PRETTY_NAME"), rt $("$RT" --version | head -1 | awk '{print $3}'),"
  echo "$(runc --version | head -1), $(crun --version | head -1), $(hyperfine --version)."
  echo "Medians (min–max) over $RUNS runs each, the runtimes interleaved; rt/crun, and rt/floor where"
  echo "the floor applies (bench/floor.c: the namespaces, mounts, pivot_root and exec of the bundle, no"
  echo "runtime). state and list are also given against \`rt --version\` (starting the binary at all)."
  echo "$CRUN_NOTE"
  echo
  vs_version() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f} × rt --version')" "${RATIO[$1]}" "${RATIO[version]}"; }
  echo "| | rt | runc | crun | floor | rt/crun | rt/floor |"
  echo "|---|---|---|---|---|---|---|"
  echo "| run /bin/true | ${RESULT[run]} |"
  echo "| create+start+wait+delete | ${RESULT[cycle]} |"
  echo "| create | ${RESULT[create]} |"
  echo "| start | ${RESULT[start]} |"
  echo "| delete (stopped) | ${RESULT[delete]} |"
  echo "| exec /bin/true | ${RESULT[exec]} |"
  echo "| --version | ${RESULT[version]} |"
  echo "| state | ${RESULT[state]} $(vs_version state) |"
  echo "| list | ${RESULT[list]} $(vs_version list) |"
  echo "| $SEQ sequential runs | ${RESULT[seq]} |"
  echo "| 10 parallel runs | ${RESULT[par10]} |"
  echo "| run with a Docker-like seccomp profile | ${RESULT[seccomp]} |"
  echo "| same, rt's filter cache emptied before each run | ${RESULT[seccomp_cold]} |"
  echo
  echo "| peak RSS (KiB) | rt | runc | crun | floor | rt/crun |"
  echo "|---|---|---|---|---|---|"
  for k in run create exec; do
    echo "| $k | ${RSS[$k-rt]} | ${RSS[$k-runc]} | ${RSS[$k-crun]} | ${RSS[$k-floor]:-} | $(python3 -c "print(f'{${RSS[$k-rt]}/${RSS[$k-crun]}:.2f}')") |"
  done
  echo
  echo "| smallest memory.limit that runs /bin/true (KiB, ±8) | ${MINMEM[rt]} | ${MINMEM[runc]} | ${MINMEM[crun]} | |"
  echo
  echo "| drift | rt |"
  echo "|---|---|"
  echo "$DRIFT_ROW"
}
if [ "$MODE" = smoke ]; then
  report >/dev/null
  echo "bench: smoke run passed"
else
  report >"$OUT"
  cat "$OUT"
fi

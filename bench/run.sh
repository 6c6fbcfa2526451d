#!/bin/bash
# rt vs runc vs crun, side by side in one run, interleaved (hyperfine runs the
# three commands of each measurement in turn). Writes a Markdown report.
#
#   bench/run.sh [--quick] [--out docs/performance.md]
#
# crun 1.8 refuses this host's hybrid cgroup layout (a cgroup2 mount at
# /sys/fs/cgroup/unified beside v1 hierarchies). It is measured inside a
# private mount namespace where that one mount is detached: that namespace
# only, never the host's.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
RT=${RT:-$top/build/rt}
OUT=$top/docs/performance.md
QUICK=0
while [ $# -gt 0 ]; do
  case $1 in
  --quick) QUICK=1 ;;
  --out) OUT=$2; shift ;;
  *) echo "usage: $0 [--quick] [--out FILE]" >&2; exit 2 ;;
  esac
  shift
done
RUNS=$([ $QUICK = 1 ] && echo 5 || echo 40)
WARM=$([ $QUICK = 1 ] && echo 1 || echo 5)

for tool in hyperfine runc crun python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install hyperfine runc crun python3)" >&2; exit 1; }
done
[ -x "$RT" ] || { echo "bench: $RT is not built" >&2; exit 1; }

work=$(mktemp -d /tmp/rt-bench.XXXXXX)
cleanup() {
  for r in rt runc crun; do
    for id in $(ls "$work/root-$r" 2>/dev/null); do
      runtime_cmd "$r" delete -f "$id" >/dev/null 2>&1 || true
    done
  done
  rm -rf "$work"
}
trap cleanup EXIT

# One bundle: a busybox rootfs, config from `rt spec`, args /bin/true.
mkdir -p "$work/bundle/rootfs/bin"
cp /bin/busybox "$work/bundle/rootfs/bin/"
for a in true sh sleep; do ln -s busybox "$work/bundle/rootfs/bin/$a"; done
(cd "$work/bundle" && "$RT" spec)
python3 - "$work/bundle/config.json" <<'PY'
import json, sys
p = sys.argv[1]
c = json.load(open(p))
c['process']['terminal'] = False
c['process']['args'] = ['/bin/true']
json.dump(c, open(p, 'w'), indent=2)
PY

# crun in a private mount namespace without the unified mount (see above).
cat >"$work/crun" <<EOF
#!/bin/sh
exec unshare -m sh -c 'umount -l /sys/fs/cgroup/unified 2>/dev/null; exec crun "\$@"' crun "\$@"
EOF
chmod +x "$work/crun"
if mountpoint -q /sys/fs/cgroup/unified 2>/dev/null && [ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ]; then
  CRUN="$work/crun"
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

declare -A RESULT
measure() { # name, then a command template with RUNTIME and ROOT placeholders
  local name=$1 tmpl=$2 prepare=${3:-} cleanupcmd=${4:-}
  local args=()
  for r in rt runc crun; do
    local c=${tmpl//RUNTIME/$(runtime_bin $r)}
    c=${c//ROOT/$work/root-$r}
    args+=(-n "$r" "$c")
  done
  local extra=()
  if [ -n "$prepare" ]; then
    extra+=(--prepare "${prepare//ROOTS/$work/root-*}")
  fi
  hyperfine -N --style none --warmup "$WARM" --runs "$RUNS" --export-json "$work/$name.json" \
    "${extra[@]}" "${args[@]}" >/dev/null 2>"$work/$name.err" || {
    echo "bench: $name failed:" >&2; cat "$work/$name.err" >&2; return 1; }
  RESULT[$name]=$(python3 - "$work/$name.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
res = {r['command']: r for r in d['results']}
def fmt(r):
    ts = sorted(r['times'])
    return f"{r['median']*1000:.2f} ms ({ts[0]*1000:.2f}–{ts[-1]*1000:.2f})"
ratio = res['rt']['median'] / res['crun']['median']
print(f"{fmt(res['rt'])} | {fmt(res['runc'])} | {fmt(res['crun'])} | {ratio:.2f}")
PY
)
}

cd "$work/bundle"
i=0
measure run "RUNTIME --root ROOT run --bundle $work/bundle bench-run"
measure state_list "RUNTIME --root ROOT list" 
# create/start/delete alone: each runtime keeps one created container around.
for r in rt runc crun; do runtime_cmd $r create --bundle "$work/bundle" bench-state >/dev/null; done
measure state "RUNTIME --root ROOT state bench-state"
for r in rt runc crun; do runtime_cmd $r delete -f bench-state >/dev/null 2>&1 || true; done

measure create_delete "sh -c 'RUNTIME --root ROOT create --bundle $work/bundle bench-c && RUNTIME --root ROOT delete -f bench-c'"

# exec into a running container
python3 - "$work/bundle/config.json" <<'PY'
import json, sys
p = sys.argv[1]; c = json.load(open(p)); c['process']['args'] = ['sleep', '100000']; json.dump(c, open(p, 'w'))
PY
for r in rt runc crun; do runtime_cmd $r run -d --bundle "$work/bundle" bench-exec >/dev/null; done
measure exec "RUNTIME --root ROOT exec bench-exec /bin/true"
for r in rt runc crun; do runtime_cmd $r delete -f bench-exec >/dev/null 2>&1 || true; done
python3 - "$work/bundle/config.json" <<'PY'
import json, sys
p = sys.argv[1]; c = json.load(open(p)); c['process']['args'] = ['/bin/true']; json.dump(c, open(p, 'w'))
PY

# 100 sequential runs
measure seq100 "sh -c 'for i in \$(seq 100); do RUNTIME --root ROOT run --bundle $work/bundle s\$i >/dev/null || exit 1; done'"

# peak RSS (GNU time) of run
rss() {
  /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1
}
RSS_LINE=""
for r in rt runc crun; do
  RSS_LINE+=" $(rss $(runtime_bin $r) --root "$work/root-$r" run --bundle "$work/bundle" bench-rss) KiB |"
done

{
  echo "# Performance"
  echo
  echo "Measured by \`bench/run.sh\` on $(date -u +%Y-%m-%d): $(nproc) cores, kernel $(uname -r),"
  echo "rt $("$RT" --version | head -1 | awk '{print $3}'), $(runc --version | head -1), $(crun --version | head -1)."
  echo "Medians (min–max) over $RUNS runs each, the three runtimes interleaved; the last column is rt/crun."
  echo "crun ran in a private mount namespace without /sys/fs/cgroup/unified (it refuses this hybrid layout)."
  echo
  echo "| | rt | runc | crun | rt/crun |"
  echo "|---|---|---|---|---|"
  echo "| run /bin/true | ${RESULT[run]} |"
  echo "| create + delete | ${RESULT[create_delete]} |"
  echo "| exec /bin/true | ${RESULT[exec]} |"
  echo "| state | ${RESULT[state]} |"
  echo "| list | ${RESULT[state_list]} |"
  echo "| 100 sequential runs | ${RESULT[seq100]} |"
  echo "| peak RSS of run |$RSS_LINE |"
} >"$OUT"
cat "$OUT"

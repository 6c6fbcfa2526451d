# tests/vm/guest.bash: what lane.sh and selinux.sh share beside the TAP
# helpers (source tap.bash first). Each sets RT, ROOT (its --root), T (its
# temporary directory) and CGP (the cgroup every container's cgroupsPath is
# under) before sourcing this.

rt() {
  "$RT" --root "$ROOT" "$@"
}

# leak_check DESC: after a group, no container and no cgroup under $CGP is
# left (what is found is removed, and the check fails).
leak_check() {
  local d left=$T/left.log
  : >"$left"
  for d in "$ROOT"/*; do
    [ -e "$d" ] || continue
    echo "left container: ${d##*/}" >>"$left"
    rt delete --force "${d##*/}" >>"$left" 2>&1
  done
  if [ -d "/sys/fs/cgroup$CGP" ]; then
    find "/sys/fs/cgroup$CGP" -mindepth 1 -type d >>"$left"
    find "/sys/fs/cgroup$CGP" -depth -mindepth 1 -type d -exec rmdir {} \; 2>/dev/null
    rmdir "/sys/fs/cgroup$CGP" 2>/dev/null
  fi
  if [ -s "$left" ]; then not_ok "$1: nothing left behind" "$left"; else ok "$1: nothing left behind"; fi
}

# At exit: every container deleted, $CGP removed (then the script's own).
guest_cleanup() {
  local d
  for d in "$ROOT"/*; do
    [ -e "$d" ] && "$RT" --root "$ROOT" delete --force "${d##*/}" >/dev/null 2>&1
  done
  [ -d "/sys/fs/cgroup$CGP" ] &&
    find "/sys/fs/cgroup$CGP" -depth -type d -exec rmdir {} \; 2>/dev/null
  return 0
}

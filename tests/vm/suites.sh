#!/bin/bash
# tests/vm/suites.sh: the host's test lanes 2 and 3 on the VM lane's guest
# (pure cgroup v2, kernel 6.1, AppArmor on with --lsm apparmor): every
# tests/bats file but cgroups.bats (lane.sh runs that one) and the OCI
# conformance lane, renumbered into one TAP stream on stdout, each line
# prefixed with its suite. Run by `tests/vm/run.sh tests/vm/suites.sh`
# (scripts/test's vm lane does).
#
# RT_VM_SUITES picks what runs: words "bats" (all files), "bats:NAME" (one
# file), "conformance" (default: "bats conformance").
#
# It refuses to run outside the VM lane's guest (RT_VM unset) unless
# RT_VM_LANE_ANYWHERE=1.
set -u -o pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/sbin:/usr/local/bin

top=$(cd "$(dirname "$0")/../.." && pwd)
RT=${RT:-$top/build/rt}
# shellcheck source=tests/vm/tap.bash
. "$top/tests/vm/tap.bash"

if [ -z "${RT_VM:-}" ] && [ -z "${RT_VM_LANE_ANYWHERE:-}" ]; then
  echo "1..0 # SKIP not in the VM lane's guest (run tests/vm/run.sh)"
  exit 0
fi

TAP_WORK=$(mktemp -d /tmp/rt-vm-suites.XXXXXX)
trap 'rm -rf "$TAP_WORK"' EXIT

# timed NAME COMMAND...: sub_tap, and how long it took as a comment
timed() {
  local t0=$SECONDS
  sub_tap "$@"
  echo "# $1: $((SECONDS - t0)) s"
}

suites=${RT_VM_SUITES:-bats conformance}
for s in $suites; do
  case $s in
  bats | bats:*)
    if ! command -v bats >/dev/null; then
      skip "$s" "no bats (apt-get install bats)"
      continue
    fi
    for f in "$top"/tests/bats/*.bats; do
      name=$(basename "$f" .bats)
      [ "$name" != cgroups ] || continue
      [ "$s" = bats ] || [ "$s" = "bats:$name" ] || continue
      RT=$RT TMPDIR=/tmp timed "bats $name" timeout 1200 bats --tap "$f"
    done
    ;;
  conformance)
    RUNTIME=$RT timed conformance timeout 1800 "$top/tests/oci-conformance/run.sh"
    ;;
  *)
    not_ok "unknown suite '$s' in RT_VM_SUITES"
    ;;
  esac
done

echo "1..$n"
[ "$failed" -eq 0 ]

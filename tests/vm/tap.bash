# tests/vm/tap.bash: the TAP helpers of the VM lane's job scripts (lane.sh,
# suites.sh, systemd.sh, selinux.sh), sourced by each. They count into n and
# failed; a script prints its plan (1..$n) at its end.
#
# Under the lane's emulation every fork and exec costs ~50-100 ms, so these
# use bash itself (no sed, no $(...)) where they run per line.
n=0
failed=0

ok() {
  n=$((n + 1))
  echo "ok $n - $*"
}

# not_ok DESC [DIAG-FILE]: the file's last TAP_DIAG_LINES (30) lines follow
not_ok() {
  local line
  n=$((n + 1))
  failed=$((failed + 1))
  echo "not ok $n - $1"
  if [ -n "${2:-}" ] && [ -s "$2" ]; then
    tail -n "${TAP_DIAG_LINES:-30}" "$2" | while IFS= read -r line; do echo "# $line"; done
  fi
}

skip() { # DESC REASON
  n=$((n + 1))
  echo "ok $n - $1 # SKIP $2"
}

# eq DESC EXPECTED ACTUAL
eq() {
  if [ "$2" = "$3" ]; then
    ok "$1"
  else
    not_ok "$1"
    echo "#   expected: '$2'"
    echo "#   got:      '$3'"
  fi
}

# sub_tap NAME COMMAND...: run a TAP-producing command and re-emit its lines
# numbered in this stream, each prefixed with NAME. A `not ok ... # TODO` stays
# a TODO (not counted as failed); a command that fails without a `not ok` line
# is one failure. $TAP_WORK is where its output is kept meanwhile.
sub_tap() {
  local name=$1 st line rest out=${TAP_WORK:-/tmp}/sub.tap bad=0
  shift
  "$@" >"$out" 2>&1
  st=$?
  while IFS= read -r line || [ -n "$line" ]; do
    if [[ $line =~ ^ok\ [0-9]+(\ -)?\ ?(.*)$ ]]; then
      n=$((n + 1))
      echo "ok $n - $name: ${BASH_REMATCH[2]}"
    elif [[ $line =~ ^not\ ok\ [0-9]+(\ -)?\ ?(.*)$ ]]; then
      rest=${BASH_REMATCH[2]}
      n=$((n + 1))
      bad=1
      [[ $rest =~ \#\ *[Tt][Oo][Dd][Oo] ]] || failed=$((failed + 1))
      echo "not ok $n - $name: $rest"
    elif [[ $line == '#'* ]]; then
      echo "$line"
    elif [[ $line =~ ^1\.\.[0-9]+ ]]; then
      :
    else
      echo "# $line"
    fi
  done <"$out"
  if [ "$st" -ne 0 ] && [ "$bad" = 0 ]; then
    not_ok "$name exited $st" "$out"
  fi
  return 0
}

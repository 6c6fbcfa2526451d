# Shared by the client scripts (containerd.sh, podman.sh, docker.sh): TAP
# helpers and the clean-up of what a client left under its work directory.
# The sourcing script sets CLIENT (containerd, podman, docker) and NAME (the
# runtime's tag) first.
n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $CLIENT/$NAME: $1"; }
notok() {
  n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $CLIENT/$NAME: $1"
  [ -n "${2:-}" ] && echo "$2" | sed 's/^/#   /'
}
skip() { n=$((n + 1)); echo "ok $n - $CLIENT/$NAME: $1 # SKIP $2"; }
# check DESC CMD...: the command must succeed
check() { local desc=$1; shift; local out; if out=$("$@" 2>&1); then ok "$desc"; else notok "$desc" "$out"; fi; }
# expect DESC WANT CMD...: the command's stdout+stderr must equal WANT
expect() {
  local desc=$1 want=$2; shift 2; local out; out=$("$@" 2>&1)
  if [ "$out" = "$want" ]; then ok "$desc"; else notok "$desc" "want: $want
got:  $out"; fi
}

# umount_under DIR: every mount point below DIR, deepest first.
umount_under() {
  grep " $1" /proc/self/mountinfo | awk '{print $5}' | sort -r | xargs -r -n1 umount -l 2>/dev/null
}

# kill_started_under DIR: SIGKILL what this run started with DIR on its
# command line (the containerd shims, given the run's own socket under DIR,
# outlive a containerd that was stopped mid-test). DIR is this run's mktemp
# directory, so nothing else on the machine matches.
kill_started_under() {
  local p
  for p in /proc/[0-9]*; do
    [ "${p#/proc/}" = $$ ] && continue
    tr '\0' ' ' <"$p/cmdline" 2>/dev/null | grep -qF -- "$1/" && kill -9 "${p#/proc/}" 2>/dev/null
  done
  return 0
}

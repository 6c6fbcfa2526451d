#!/usr/bin/env bats
# Regression tests for the attacks that hit runc, each replayed against rt on
# a real container (issue #5, docs/security.md "Defences against known
# runtime CVEs"). Each test's comment says how the attack worked and why a
# runtime without the defence fails the test. Every test ends with the
# lifecycle leak check.

load lifecycle_helpers

setup_file() { lc_setup_file; }
setup() { lc_setup; }
teardown() { lc_teardown; }

# A private copy of the rootfs, for tests that plant things in it.
own_rootfs() {
  r="$BATS_TEST_TMPDIR/rootfs"
  cp -a "$LC_ROOTFS" "$r"
  cfg "c['root']['path'] = '$r'"
}

# ---------------------------------------------------------------- CVE-2019-5736
# The attack: runc's init runs the runc binary *inside* the container's pid
# namespace until it execs the user's program. A process of the container
# that finds it (a second `runc exec`, or a container sharing the pid
# namespace) opens /proc/PID/exe, which is the host's runc binary, and, once
# runc has exited, reopens that fd for writing through /proc/self/fd/N and
# overwrites runc on the host: the next runc anyone starts is the attacker's.
# rt's init and exec children are not dumpable (PR_SET_DUMPABLE 0) until
# execve, so only a process with CAP_SYS_PTRACE in the host's user namespace
# may open their /proc/PID/exe, and rt never re-executes itself. To make the
# window as long as we like, container B is created (not started) in the pid
# namespace of container A: B's init sits in the "created" state, running
# rt's code, where A's processes can see it. A runtime whose waiting init is
# dumpable fails the test: A reads its /proc/PID/exe and gets the runtime's
# binary.
@test "CVE-2019-5736: a container cannot open rt's binary through /proc/PID/exe of a waiting init" {
  args sleep 100
  rt run -d a
  apid=$(rt state a | json_field pid)
  mkdir -p "$BATS_TEST_TMPDIR/b"
  cp config.json "$BATS_TEST_TMPDIR/b/config.json"
  BUNDLE="$BATS_TEST_TMPDIR/b" cfg "c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'pid'] + [{'type': 'pid', 'path': '/proc/$apid/ns/pid'}]; c['process']['args'] = ['true']"
  rt create -b "$BATS_TEST_TMPDIR/b" b
  bpid=$(rt state b | json_field pid)
  # B's init as A sees it: the last NSpid field.
  inner=$(awk '/^NSpid:/ {print $NF}' /proc/$bpid/status)
  [ -n "$inner" ] && [ "$inner" != "$bpid" ]
  # On the host, that process runs rt (from its protected copy: see the
  # #!/proc/self/exe tests below), so the attack has a target ...
  want=$(sha256sum <"$RT" | cut -d' ' -f1)
  [ "$(sha256sum </proc/$bpid/exe | cut -d' ' -f1)" = "$want" ]
  # ... and from inside A it is out of reach.
  run rt exec a sh -c "
    ls /proc/$inner >/dev/null || echo 'B is not visible'
    readlink /proc/$inner/exe && echo 'readlink exe worked'
    cat /proc/$inner/exe >/dev/null && echo 'open exe worked'
    (exec 3</proc/$inner/exe) 2>/dev/null && echo 'fd on exe'
    for p in /proc/[0-9]*; do cat \$p/exe 2>/dev/null | sha256sum; done | grep -c $want"
  echo "$output" >&3
  rt delete --force b
  rt delete --force a
  [[ "$output" != *"is not visible"* ]]
  [[ "$output" != *"worked"* ]]
  [[ "$output" != *"fd on exe"* ]]
  [ "${lines[-1]}" = 0 ]
}

# The attack as published: the container's program is a script whose
# interpreter is /proc/self/exe. The kernel resolves that in the process that
# calls execve, the runtime's init (a clone of rt), so it runs the runtime's
# own binary inside the container, with the container's ld.so and an
# LD_PRELOAD library of the attacker (helpers/exe-attack.c). That library
# keeps an O_PATH fd of /proc/self/exe, and a child reopens it for writing
# (`1<>/proc/self/fd/9`) once the runtime has exited (ETXTBSY until then).
# rt runs create, run and exec from a read-only overlayfs (or a sealed memfd)
# copy of itself, so the reopen gets EROFS and the binary stays as it was.
# Each attack also runs once with the defence switched off
# (RT_EXE_SEAL=off): there it must succeed, or the test proves
# nothing. The binary attacked is a private copy of rt.
exe_attack_setup() {
  r="$BATS_TEST_TMPDIR/rootfs"
  cp -a "$LC_ROOTFS" "$r"
  cfg "c['root']['path'] = '$r'; c['root']['readonly'] = False"
  # rt's loader and libraries, where its ELF header and ld.so look for them
  local lib
  for lib in $(ldd "$RT" | grep -oE '/[^ ]+'); do
    mkdir -p "$r$(dirname "$lib")"
    cp -L "$lib" "$r$lib"
  done
  gcc -shared -fPIC -O1 -o "$r/exe-attack.so" "$BATS_TEST_DIRNAME/helpers/exe-attack.c"
  printf '#!/proc/self/exe\n' >"$r/pwn"
  chmod 755 "$r/pwn"
  cat >"$r/attack.sh" <<'SH'
i=0
while [ $i -lt 100 ]; do
  if (echo PWNED 1<>/proc/self/fd/9) 2>/dev/null; then echo overwritten >/result; exit 0; fi
  sleep 0.1
  i=$((i + 1))
done
echo "refused: $( (echo x 1<>/proc/self/fd/9) 2>&1)" >/result
SH
  victim="$BATS_TEST_TMPDIR/bin/rt"
  mkdir -p "$(dirname "$victim")"
  cp "$RT" "$victim"
  before=$(sha256sum <"$victim")
}

# exe_attack_wait: the attack's verdict (the script writes /result).
exe_attack_wait() {
  local i
  for i in $(seq 150); do [ -s "$r/result" ] && break; sleep 0.1; done
  result=$(cat "$r/result" 2>/dev/null)
  after=$(sha256sum <"$victim")
  echo "# attack: ${result:-no verdict}" >&3
}

@test "CVE-2019-5736: #!/proc/self/exe cannot overwrite rt's binary (run)" {
  exe_attack_setup
  cfg "c['process']['args'] = ['/pwn']; c['process']['env'].append('LD_PRELOAD=/exe-attack.so')"
  # the control: without the defence the attack works
  RT_EXE_SEAL=off "$victim" --root "$ROOT" run -d unsafe
  exe_attack_wait
  rt delete --force unsafe
  [ "$result" = overwritten ]
  [ "$after" != "$before" ]
  cp "$RT" "$victim"
  rm -f "$r/result"
  "$victim" --root "$ROOT" run -d c1
  exe_attack_wait
  rt delete --force c1
  [[ "$result" == "refused: "*"Read-only file system"* ]]
  [ "$after" = "$before" ]
}

@test "CVE-2019-5736: #!/proc/self/exe cannot overwrite rt's binary (create + start)" {
  exe_attack_setup
  cfg "c['process']['args'] = ['/pwn']; c['process']['env'].append('LD_PRELOAD=/exe-attack.so')"
  RT_EXE_SEAL=off "$victim" --root "$ROOT" create unsafe
  "$victim" --root "$ROOT" start unsafe
  exe_attack_wait
  rt delete --force unsafe
  [ "$result" = overwritten ]
  cp "$RT" "$victim"
  rm -f "$r/result"
  "$victim" --root "$ROOT" create c1
  "$victim" --root "$ROOT" start c1
  exe_attack_wait
  rt delete --force c1
  [[ "$result" == "refused: "*"Read-only file system"* ]]
  [ "$after" = "$before" ]
}

@test "CVE-2019-5736: #!/proc/self/exe cannot overwrite rt's binary (exec)" {
  exe_attack_setup
  args sleep 60
  rt run -d c1
  RT_EXE_SEAL=off "$victim" --root "$ROOT" exec -d -e LD_PRELOAD=/exe-attack.so c1 /pwn
  exe_attack_wait
  [ "$result" = overwritten ]
  [ "$after" != "$before" ]
  cp "$RT" "$victim"
  rm -f "$r/result"
  "$victim" --root "$ROOT" exec -d -e LD_PRELOAD=/exe-attack.so c1 /pwn
  exe_attack_wait
  rt delete --force c1
  [[ "$result" == "refused: "*"Read-only file system"* ]]
  [ "$after" = "$before" ]
}

# Where rt cannot move its mappings (no CAP_SYS_ADMIN for PR_SET_MM_MAP, not
# x86_64), it re-executes itself from a read-only overlayfs
# (RT_EXE_SEAL=exec takes that way here) or, without the privilege for
# overlayfs, from a sealed memfd (RT_EXE_SEAL=memfd): the reopen is refused
# there too (EROFS, or EPERM from the seals).
@test "CVE-2019-5736: the re-exec fallbacks (overlayfs, sealed memfd) refuse the rewrite too" {
  exe_attack_setup
  cfg "c['process']['args'] = ['/pwn']; c['process']['env'].append('LD_PRELOAD=/exe-attack.so')"
  for how in exec:read-only memfd:sealed; do
    rm -f "$r/result"
    RT_EXE_SEAL=${how%%:*} run "$victim" --root "$ROOT" --debug run -d c1
    [ "$status" -eq 0 ]
    grep "defence: running from" <<<"$output" >&3
    [[ "$output" == *"defence: running from ${how#*:}"* ]]
    exe_attack_wait
    rt delete --force c1
    [[ "$result" == "refused: "* ]]
    [ "$after" = "$before" ]
  done
}

# ---------------------------------------------------------------- CVE-2024-21626
# The attack ("Leaky Vessels"): runc leaked an fd of a host directory
# (/sys/fs/cgroup) into the process it set up, and resolved process.cwd (or
# `runc exec --cwd`) after that fd existed, so cwd=/proc/self/fd/7 put the
# container's process in a host directory; `cd ../../..` then reaches the
# host's root. The same works with the program's path
# (/proc/self/fd/7/../../../bin/sh) and with PATH entries, as execve resolves
# paths while the close-on-exec fds are still open. rt resolves cwd, the
# program and PATH entries inside the container's root without magic links
# (openat2 RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS), closes its own fds in an
# exec child before it enters the container, and checks after chdir that the
# cwd is under the root. A runtime that chdir(2)s to the configured path with
# one of its directory fds open fails these tests: the listing shows the
# host's files (config.json and state.json of the state directory, or the
# host's /usr, which the rootfs does not have).
@test "CVE-2024-21626: process.cwd through /proc/self/fd/N never leaves the root (create)" {
  args sh -c 'pwd; ls . .. ../.. ../../.. 2>&1'
  for n in 3 4 5 6 7 8 9 10 11 12; do
    cfg "c['process']['cwd'] = '/proc/self/fd/$n'"
    run rt run c$n
    echo "cwd fd $n: status $status: $output" >&3
    [[ "$output" != *state.json* ]]
    [[ "$output" != *usr* ]]
    if [ "$status" -ne 0 ]; then [[ "$output" == *process.cwd* ]]; else [[ "$output" != *config.json* ]]; fi
  done
}

@test "CVE-2024-21626: exec --cwd, the program and PATH through /proc/self/fd/N never leave the root" {
  args sleep 100
  rt run -d c1
  for n in 3 4 5 6 7 8 9 10 11 12; do
    run rt exec --cwd /proc/self/fd/$n c1 sh -c 'pwd; ls . .. ../.. ../../.. 2>&1'
    echo "exec --cwd fd $n: status $status: $output" >&3
    [ "$status" -ne 0 ]
    [[ "$output" == *process.cwd* ]]
    [[ "$output" != *state.json* ]]
    # /usr/bin/id exists on the host, not in the rootfs: any success is an escape.
    for up in ../../.. ../../../.. ../../../../..; do
      run rt exec c1 /proc/self/fd/$n/$up/usr/bin/id
      [ "$status" -ne 0 ]
      [[ "$output" != *uid=* ]]
      run rt exec --env PATH=/proc/self/fd/$n/$up/usr/bin c1 id
      [ "$status" -ne 0 ]
      [[ "$output" != *uid=* ]]
    done
  done
  # And the exec'd process holds nothing but stdio.
  run rt exec c1 ls /proc/self/fd
  rt delete --force c1
  [ "$status" -eq 0 ]
  # 0 1 2 and ls's own directory fd
  [ "$(echo "$output" | wc -w)" -eq 4 ]
}

# ---------------------------------------------------------------- CVE-2025-31133
# The attack: to mask a path runc bind-mounted the container's /dev/null over
# it. An attacker who can make /dev/null inside the rootfs something else
# (a symlink to /proc/sys/kernel/core_pattern, or a race against a container
# sharing the mounts) gets that file bind-mounted read-write at every masked
# path, and writes the host's core_pattern from /proc/timer_list: a host root
# exploit at the next crash. rt masks with the host's /dev/null, opened O_PATH
# and checked to be the character device 1:3, and mounts it through fds
# (open_tree/move_mount), so the rootfs's /dev/null plays no part. Here the
# config has no /dev mount (the rootfs's /dev is used) and the rootfs's
# /dev/null is a symlink to core_pattern: a runtime that binds "/dev/null" as
# the container sees it masks /proc/timer_list with core_pattern, and the
# test reads a core pattern there, or sees a regular procfs file.
@test "CVE-2025-31133: a masked path gets the real /dev/null, not what the rootfs's /dev/null points to" {
  own_rootfs
  rm -f "$r/dev/null"
  ln -s /proc/sys/kernel/core_pattern "$r/dev/null"
  cfg "c['mounts'] = [m for m in c['mounts'] if m['destination'] != '/dev']; c['linux']['maskedPaths'] = ['/proc/timer_list']"
  before=$(cat /proc/sys/kernel/core_pattern)
  args sh -c 'stat -L -c "%F %t:%T" /proc/timer_list; wc -c </proc/timer_list; echo pwned >/proc/timer_list; echo written'
  run rt run c1
  echo "$output" >&3
  [ "$(cat /proc/sys/kernel/core_pattern)" = "$before" ]
  # Either rt refuses the rootfs's /dev/null, or it masks with the real one.
  if [ "$status" -eq 0 ]; then
    [ "${lines[0]}" = "character special file 1:3" ]
    [ "${lines[1]}" = 0 ]
  else
    [[ "$output" == *dev/null* ]]
  fi
}

# ---------------------------------------------------------------- CVE-2025-52881
# The attack: runc wrote sysctls (and LSM attributes) through paths under
# /proc inside the container. A mount of the attacker's choosing over such a
# path (a bind of another file, set up by the config or raced in through a
# shared mount) redirects the write: the "sysctl" lands in whatever file was
# mounted there; with /proc/sysrq-trigger or core_pattern as the real target
# this is a host exploit. Checking that the file is on procfs is not enough:
# the bind can be of another procfs file. rt writes through a private proc
# instance of its own (fsopen/fsmount, attached nowhere, so nothing can be
# mounted over anything in it; openat2 with RESOLVE_NO_XDEV), see
# src/util/procfs.h: the write reaches the real sysctl whatever the
# container mounted.
#
# Here a config mount binds a host file over /proc/sys/kernel/domainname and
# linux.sysctl sets kernel.domainname: a runtime that writes by path writes
# into the host file (the test sees its content change).
@test "CVE-2025-52881: a sysctl write is not redirected by a file mounted over /proc/sys" {
  victim="$BATS_TEST_TMPDIR/victim"
  echo untouched >"$victim"
  cfg "c['mounts'].append({'destination': '/proc/sys/kernel/domainname', 'type': 'bind', 'source': '$victim', 'options': ['bind', 'rw']}); c['linux']['sysctl'] = {'kernel.domainname': 'pwned'}"
  run rt run c1
  echo "$output" >&3
  [ "$(cat "$victim")" = untouched ]
  [ "$status" -eq 0 ]
}

# The same with a procfs file as the bind's source, which passes a
# file-system-type check: /proc/sys/kernel/hostname mounted over
# .../domainname. (Both are of the container's own uts namespace, so the
# redirect is harmless here; with core_pattern it is not.) A runtime that
# writes kernel.domainname by path overwrites the container's hostname.
@test "CVE-2025-52881: a sysctl write is not redirected by another procfs file mounted over it" {
  cfg "c['hostname'] = 'rthost'; c['mounts'].append({'destination': '/proc/sys/kernel/domainname', 'type': 'bind', 'source': '/proc/sys/kernel/hostname', 'options': ['bind', 'rw']}); c['linux']['sysctl'] = {'kernel.domainname': 'redirected'}"
  args hostname
  run rt run c1
  echo "$output" >&3
  [ "$status" -eq 0 ]
  [ "$output" = rthost ]
}

# ---------------------------------------------------------------- CVE-2025-52565
# The attack: for a terminal, runc bind-mounted the pty's slave over
# /dev/console by path, after the container's /dev/pts was mounted. A rootfs
# (or a racing container sharing the mounts) that makes /dev/console a
# symlink to a procfs file such as /proc/sys/kernel/core_pattern gets the
# bind to land there instead: the file is replaced by a pty for the
# container, and the masking and read-only protections of /proc are undone.
# rt creates the /dev/console mount point itself with O_NOFOLLOW inside the
# root and moves the pty onto that fd (open_tree/move_mount), never following
# a symlink. Here the config has no /dev mount, so the rootfs's /dev is used,
# and its /dev/console is such a symlink: a runtime that follows it leaves a
# pty mounted on /proc/sys/kernel/core_pattern (the test finds a mount there)
# and /dev/console not a pty.
@test "CVE-2025-52565: /dev/console planted as a symlink never redirects the console's bind mount" {
  own_rootfs
  rm -f "$r/dev/console"
  ln -s /proc/sys/kernel/core_pattern "$r/dev/console"
  cfg "c['mounts'] = [m for m in c['mounts'] if m['destination'] != '/dev']; c['process']['terminal'] = True; c['root']['readonly'] = False"
  args sh -c 'grep -c " /proc/sys/kernel/core_pattern " /proc/self/mountinfo; stat -c "%F %t" /dev/console; stat -f -c %T /proc/sys/kernel/core_pattern'
  recvtty_start
  run rt run -d --console-socket "$sock" c1
  echo "run: $status $output" >&3
  if [ "$status" -eq 0 ]; then
    wait_status c1 stopped
    rt delete c1
  else
    kill "$rpid" 2>/dev/null || true
  fi
  wait "$rpid" || true
  out=$(tr -d '\r' <"$BATS_TEST_TMPDIR/tty.out")
  echo "$out" >&3
  if [ "$status" -eq 0 ]; then
    # no mount on core_pattern; the console is a pty (major 136 = 0x88); procfs
    [ "$(echo "$out" | sed -n 1p)" = 0 ]
    [ "$(echo "$out" | sed -n 2p)" = "character special file 88" ]
    [ "$(echo "$out" | sed -n 3p)" = proc ]
  else
    [[ "$output" == *console* ]]
  fi
}

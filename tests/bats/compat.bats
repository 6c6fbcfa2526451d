#!/usr/bin/env bats
# Differential tests (issue "Compatibility"): the same bundle and command
# under rt and under runc 1.1.5 (Debian 12's), with what users see compared.
# Where the spec and runc disagree, the spec wins (docs/conformance.md).

load lifecycle_helpers

setup_file() {
  lc_setup_file
  command -v runc >/dev/null || { echo "runc is missing: scripts/test installs it" >&2; return 1; }
}
setup() { lc_setup; export RUNC_ROOT="$BATS_TEST_TMPDIR/runc-root"; }
teardown() {
  for id in $(ls "$RUNC_ROOT" 2>/dev/null); do runc --root "$RUNC_ROOT" delete -f "$id" >/dev/null 2>&1; done
  lc_teardown
}

# both ARGS...: `run` under rt (into rt_out/rt_status) and runc (runc_out,
# runc_status), same bundle; each output is printed for the log.
both() {
  run rt "$@"
  rt_status=$status rt_out=$output
  run runc --root "$RUNC_ROOT" "$@"
  runc_status=$status runc_out=$output
  echo "rt   ($rt_status): $rt_out" >&3
  echo "runc ($runc_status): $runc_out" >&3
}

# A network namespace the runtime makes has lo up (runc, crun): podman's
# --network none, pods whose containers talk over localhost, `ctr run`.
# Before: rt left it DOWN (127.0.0.1 unreachable).
@test "compat: lo is up in a new network namespace, as with runc" {
  args sh -c 'cat /sys/class/net/lo/flags; ping -c1 -W1 127.0.0.1 >/dev/null 2>&1 && echo reachable || echo unreachable'
  cfg "c['mounts'] = [m for m in c['mounts'] if m['destination'] != '/sys'] + [{'destination': '/sys', 'type': 'sysfs', 'source': 'sysfs', 'options': ['nosuid', 'noexec', 'nodev', 'ro']}]; c['process']['capabilities']['effective'].append('CAP_NET_RAW'); c['process']['capabilities']['permitted'].append('CAP_NET_RAW'); c['process']['capabilities']['bounding'].append('CAP_NET_RAW')"
  both run c1
  [ "$rt_status" -eq 0 ] && [ "$runc_status" -eq 0 ]
  [ "$rt_out" = "$runc_out" ]
  [ $(( ${rt_out%%$'\n'*} & 1 )) -eq 1 ]
  [[ "$rt_out" == *reachable* ]] && [[ "$rt_out" != *unreachable* ]]
}

# HOME from the container's /etc/passwd when process.env has none, "/" for
# a user without an entry; the config's HOME when it has one. run and exec
# (also exec --user). Before: rt never set HOME.
@test "compat: HOME from /etc/passwd when the config has none, as with runc" {
  r="$BATS_TEST_TMPDIR/rootfs"
  cp -a "$LC_ROOTFS" "$r"
  echo 'daemon:x:1:1:daemon:/usr/sbin:/bin/sh' >>"$r/etc/passwd"
  cfg "c['root']['path'] = '$r'; c['process']['env'] = [e for e in c['process']['env'] if not e.startswith('HOME=')]"
  args sh -c 'echo "HOME=$HOME"'
  for u in 0 1 1000; do
    cfg "c['process']['user'] = {'uid': $u, 'gid': $u}"
    both run c1
    [ "$rt_status" -eq 0 ] && [ "$rt_out" = "$runc_out" ]
  done
  [ "$rt_out" = "HOME=/" ]
  cfg "c['process']['user'] = {'uid': 0, 'gid': 0}; c['process']['env'].append('HOME=/somewhere')"
  both run c1
  [ "$rt_out" = "HOME=/somewhere" ] && [ "$rt_out" = "$runc_out" ]
  # exec, with --user: one container at a time (both would use cgroup /c2)
  cfg "c['process']['env'] = [e for e in c['process']['env'] if not e.startswith('HOME=')]"
  args sleep 60
  rt run -d c2
  for u in 0 1 1000; do
    run rt exec --user $u c2 sh -c 'echo "HOME=$HOME"'
    eval "rt_exec_$u=\$output"
  done
  rt delete --force c2
  runc --root "$RUNC_ROOT" run -d c2 >/dev/null 2>&1 </dev/null
  for u in 0 1 1000; do
    run runc --root "$RUNC_ROOT" exec --user $u c2 sh -c 'echo "HOME=$HOME"'
    v="rt_exec_$u"
    echo "exec --user $u: rt ${!v}, runc $output" >&3
    [ "${!v}" = "$output" ]
  done
}

# go-runc, conmon and scripts put flags after the id (urfave/cli reorders
# them): `update ID --cpuset-cpus 1`, `kill ID KILL --all`, `delete ID
# --force`, `state ID --help`... rt refused them. exec (the command follows
# the id) and run/create (they stop at the id) keep runc's order.
@test "compat: flags after the container id, as runc takes them" {
  args sleep 60
  rt run -d c1
  run rt update c1 --pids-limit 99
  echo "update: $status $output" >&3
  [ "$status" -eq 0 ]
  [ "$(cat "$(lc_cgroup_dir "$(rt state c1 | json_field pid)")/pids.max")" = 99 ]
  run rt kill c1 KILL --all
  echo "kill: $status $output" >&3
  [ "$status" -eq 0 ]
  wait_status c1 stopped
  run rt delete c1 --force
  [ "$status" -eq 0 ]
  [ ! -e "$ROOT/c1" ]
  # the same lines under runc
  runc --root "$RUNC_ROOT" run -d c1 >/dev/null 2>&1 </dev/null
  run runc --root "$RUNC_ROOT" kill c1 KILL --all
  [ "$status" -eq 0 ]
  sleep 0.5
  run runc --root "$RUNC_ROOT" delete c1 --force
  [ "$status" -eq 0 ]
}

# `kill ID 0`: no signal, a liveness probe (kill(2)); rt refused signal 0.
# ps on a stopped container: runc prints the header and exits 0.
@test "compat: kill ID 0 probes; ps of a stopped container prints the header (as runc)" {
  args sleep 60
  rt run -d c1
  run rt kill c1 0
  [ "$status" -eq 0 ]
  [ "$(rt state c1 | json_field status)" = running ]
  rt kill c1 KILL
  wait_status c1 stopped
  run rt ps c1
  echo "rt ps: $status $output" >&3
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *PID* ]]
  [ "${#lines[@]}" -eq 1 ]
  run rt ps --format json c1
  [ "$status" -eq 0 ]
  [ "$output" = "[]" ] || [ "$output" = "null" ]
  rt delete c1
  runc --root "$RUNC_ROOT" run -d c1 >/dev/null 2>&1 </dev/null
  run runc --root "$RUNC_ROOT" kill c1 0
  [ "$status" -eq 0 ]
  runc --root "$RUNC_ROOT" kill c1 KILL
  sleep 0.5
  run runc --root "$RUNC_ROOT" ps c1
  echo "runc ps: $status $output" >&3
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *PID* ]]
}

# linux.sysctl kernel.hostname (or kernel.domainname) beside the hostname
# (domainname) field: two values for one setting, the later winning
# silently. Refused naming both; runc refuses kernel.hostname as
# conflicting with the OCI "hostname" field too.
@test "compat: sysctl kernel.hostname beside .hostname is refused, naming both (runc refuses it too)" {
  cfg "c['hostname'] = 'a'; c['linux']['sysctl'] = {'kernel.hostname': 'b'}"
  both run c1
  [ "$rt_status" -ne 0 ] && [ "$runc_status" -ne 0 ]
  [[ "$rt_out" == *'.linux.sysctl["kernel.hostname"] conflicts with .hostname'* ]]
  [ ! -e "$ROOT/c1" ]
  cfg "c['domainname'] = 'a'; c['linux']['sysctl'] = {'kernel.domainname': 'b'}"
  run rt run c1
  [ "$status" -ne 0 ]
  [[ "$output" == *'.linux.sysctl["kernel.domainname"] conflicts with .domainname'* ]]
  # alone, kernel.domainname is a namespaced sysctl like any other
  cfg "del c['domainname']; c['linux']['sysctl'] = {'kernel.domainname': 'dom'}"
  args cat /proc/sys/kernel/domainname
  run rt run c1
  [ "$status" -eq 0 ] && [ "$output" = dom ]
}

# A second container in the cgroup of a running one: runc warns
# ("container's cgroup is not empty: N process(es) found"); rt did not.
@test "compat: a container joining a non-empty cgroup gets runc's warning" {
  cfg "c['linux']['cgroupsPath'] = '/rt-compat-shared-$$'"
  args sleep 60
  rt run -d c1
  args true
  run rt run c2
  echo "$output" >&3
  [ "$status" -eq 0 ]
  [[ "$output" == *"container's cgroup is not empty: 1 process(es) found"* ]]
  rt delete --force c1
  lc_no_cgroup "rt-compat-shared-$$"
}

# process.cwd is entered with full privileges, then the user switched
# (runc's order): cwd=/root (0700) with uid 42 failed "chdir /root:
# Permission denied" in rt, and ran under runc.
@test "compat: a cwd only root can enter works for another uid, as with runc" {
  cfg "c['process']['cwd'] = '/root'; c['process']['user'] = {'uid': 42, 'gid': 42}"
  chmod 700 "$LC_ROOTFS/root"
  args sh -c 'pwd; id -u'
  both run c1
  [ "$rt_status" -eq 0 ] && [ "$runc_status" -eq 0 ]
  [ "$rt_out" = "$runc_out" ]
  [ "$rt_out" = $'/root\n42' ]
}

# stdio given to process.user (runc): with uid 1000 the pipes and the pty
# stayed root's, so the process could not reopen /proc/self/fd/1 or
# /dev/tty. The group is kept; /dev/null is never changed.
@test "compat: stdio belongs to process.user, as with runc" {
  cfg "c['process']['user'] = {'uid': 1000, 'gid': 1000}"
  args sh -c 'stat -L -c "%u" /proc/self/fd/1; echo reopened >/proc/self/fd/1'
  both run c1 </dev/null
  [ "$rt_status" -eq 0 ] && [ "$runc_status" -eq 0 ]
  [ "$rt_out" = "$runc_out" ]
  [ "$rt_out" = $'1000\nreopened' ]
  # stdin is the caller's /dev/null (runc puts a pipe of its own there):
  # never given away
  args sh -c 'stat -L -c "%u %t:%T" /proc/self/fd/0'
  run rt run c1 </dev/null
  [ "$output" = "0 1:3" ]
  [ "$(stat -c %u /dev/null)" = 0 ]
}

# exec --cgroup CTRL:SUB moved the process into SUB for CTRL and left every
# other controller's cgroup the host's (rt's own), out of the container's
# limits; a repeated --cgroup kept only the last; an unknown controller was
# accepted. As runc: the named controllers go to SUB, the others stay the
# container's, repeats add up, unknown controllers are errors.
@test "compat: exec --cgroup: named controllers to the sub-cgroup, the others the container's" {
  [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] && skip "v1 controllers (pure cgroup v2 ignores them)"
  args sleep 60
  rt run -d c1
  cg=$(awk -F: '$2 == "pids" {print $3}' /proc/$(rt state c1 | json_field pid)/cgroup)
  mkdir "/sys/fs/cgroup/pids$cg/sub" "/sys/fs/cgroup/memory$cg/sub2"
  run rt exec --cgroup pids:sub c1 cat /proc/self/cgroup
  echo "$output" >&3
  [ "$status" -eq 0 ]
  [[ "$output" == *":pids:$cg/sub"* ]]
  [[ "$output" == *":memory:$cg"$'\n'* ]] || [[ "$output" == *":memory:$cg" ]]
  [[ "$output" == *":cpu,cpuacct:$cg"* ]] || [[ "$output" == *":cpu:$cg"* ]]
  run rt exec --cgroup pids:sub --cgroup memory:sub2 c1 cat /proc/self/cgroup
  echo "$output" >&3
  [ "$status" -eq 0 ]
  [[ "$output" == *":pids:$cg/sub"* ]]
  [[ "$output" == *":memory:$cg/sub2"* ]]
  run rt exec --cgroup nosuchctrl:sub c1 true
  echo "$output" >&3
  [ "$status" -ne 0 ]
  [[ "$output" == *'no cgroup v1 controller "nosuchctrl"'* ]]
  rt delete --force c1
}

# exec --pid-file holds the pid of the process exec started (in rt's pid
# namespace), with and without --detach.
@test "compat: exec --pid-file is the exec'd process's pid, with and without -d" {
  args sleep 60
  rt run -d c1
  rt exec -d --pid-file "$BATS_TEST_TMPDIR/p1" c1 sleep 30
  p=$(cat "$BATS_TEST_TMPDIR/p1")
  [[ "$(tr '\0' ' ' </proc/$p/cmdline)" == "sleep 30 " ]]
  rt exec --pid-file "$BATS_TEST_TMPDIR/p2" c1 sleep 2 &
  for i in $(seq 50); do [ -s "$BATS_TEST_TMPDIR/p2" ] && break; sleep 0.05; done
  p=$(cat "$BATS_TEST_TMPDIR/p2")
  [[ "$(tr '\0' ' ' </proc/$p/cmdline)" == "sleep 2 " ]]
  wait
  rt delete --force c1
}

# createContainer hooks run with the container's root as their cwd, as
# runc runs them (the spec is silent; rt ran them in its own cwd).
@test "compat: createContainer hooks run in the container's root directory, as with runc" {
  printf '#!/bin/sh\npwd >"%s/$1"\n' "$BATS_TEST_TMPDIR" >"$BATS_TEST_TMPDIR/cwdhook"
  chmod 755 "$BATS_TEST_TMPDIR/cwdhook"
  cfg "c['hooks'] = {'createContainer': [{'path': '$BATS_TEST_TMPDIR/cwdhook', 'args': ['cwdhook', 'rt']}]}"
  run rt run c1
  [ "$status" -eq 0 ]
  cfg "c['hooks'] = {'createContainer': [{'path': '$BATS_TEST_TMPDIR/cwdhook', 'args': ['cwdhook', 'runc']}]}"
  run runc --root "$RUNC_ROOT" run c1
  [ "$status" -eq 0 ]
  echo "rt: $(cat "$BATS_TEST_TMPDIR/rt") runc: $(cat "$BATS_TEST_TMPDIR/runc")" >&3
  [ "$(cat "$BATS_TEST_TMPDIR/rt")" = "$(cat "$BATS_TEST_TMPDIR/runc")" ]
}

# exec's own failures exit 255 (runc), told apart from the exec'd
# process's status; usage errors exit 1 (as runc).
@test "compat: exec's own failures exit 255, as runc's" {
  args sleep 60
  rt run -d c1
  runc --root "$RUNC_ROOT" run -d c9 >/dev/null 2>&1 </dev/null || true
  both exec c1 /no/such/program
  [ "$rt_status" -eq 255 ]
  run runc --root "$RUNC_ROOT" exec c9 /no/such/program
  echo "runc: $status" >&3
  [ "$status" -eq 255 ]
  run rt exec nosuchcontainer true
  [ "$status" -eq 255 ]
  run rt exec c1 sh -c 'exit 7'
  [ "$status" -eq 7 ]
  rt delete --force c1
}

# A mount destination that is a dangling symlink in the rootfs
# (/etc/x -> ../foo/bar, or an absolute target): rt refused it with ELOOP;
# runc and crun resolve it inside the root, create the target and mount
# there. Resolution stays inside the root (an absolute target is the
# root's), for a file bind and for a directory.
@test "compat: a mount destination that is a dangling symlink is made inside the root, as with runc" {
  r="$BATS_TEST_TMPDIR/rootfs"
  cp -a "$LC_ROOTFS" "$r"
  echo hello >"$BATS_TEST_TMPDIR/src-file"
  mkdir -p "$BATS_TEST_TMPDIR/src-dir" "$BATS_TEST_TMPDIR/outside"
  echo there >"$BATS_TEST_TMPDIR/src-dir/f"
  ln -s ../foo/bar "$r/etc/x"
  ln -s "$BATS_TEST_TMPDIR/outside/d" "$r/etc/y"
  cfg "c['root'] = {'path': '$r', 'readonly': False}; c['mounts'] += [{'destination': '/etc/x', 'type': 'bind', 'source': '$BATS_TEST_TMPDIR/src-file', 'options': ['bind']}, {'destination': '/etc/y', 'type': 'bind', 'source': '$BATS_TEST_TMPDIR/src-dir', 'options': ['rbind']}]"
  args sh -c 'cat /etc/x /foo/bar /etc/y/f'
  run rt run c1
  rt_status=$status rt_out=$output
  echo "rt ($rt_status): $rt_out" >&3
  # never outside the root
  [ -z "$(ls -A "$BATS_TEST_TMPDIR/outside")" ]
  rm -rf "$r/foo" "$r$BATS_TEST_TMPDIR"
  run runc --root "$RUNC_ROOT" run c1
  echo "runc ($status): $output" >&3
  [ "$rt_status" -eq 0 ]
  [ "$rt_out" = $'hello\nhello\nthere' ]
  [ "$rt_out" = "$output" ]
  [ -z "$(ls -A "$BATS_TEST_TMPDIR/outside")" ]
}

# A read-only /dev tmpfs ("ro" in its options): rt failed making /dev/pts
# in it. Mounted read-write, populated, then made read-only, as runc does.
@test "compat: a read-only /dev tmpfs is populated, then read-only, as with runc" {
  cfg "for m in c['mounts']:
    if m['destination'] == '/dev': m['options'] = [o for o in m['options'] if o != 'rw'] + ['ro']"
  args sh -c 'ls /dev/null /dev/pts/ptmx >/dev/null && echo populated; touch /dev/x 2>/dev/null && echo writable || echo read-only; echo ok >/dev/null && echo null-ok'
  both run c1
  [ "$rt_status" -eq 0 ] && [ "$runc_status" -eq 0 ]
  [ "$rt_out" = "$runc_out" ]
  [ "$rt_out" = $'populated\nread-only\nnull-ok' ]
}

# startContainer hooks (config.md: run in the container's namespaces; the
# spec says nothing of user, capabilities or seccomp): runc runs them at
# the last moment, as the container's user, with its capabilities and
# under its seccomp filter. Before: rt ran them before any of those, as
# root with every capability and no filter.
@test "compat: startContainer hooks run as the container's user and under its seccomp filter, as with runc" {
  r="$BATS_TEST_TMPDIR/rootfs"
  cp -a "$LC_ROOTFS" "$r"
  chmod 1777 "$r/tmp"
  printf '#!/bin/sh\n{ id -u; grep -E "^(Seccomp|NoNewPrivs|CapEff|CapBnd):" /proc/self/status; } >/tmp/hook-$1\n' >"$r/hook.sh"
  chmod 755 "$r/hook.sh"
  cfg "c['root'] = {'path': '$r', 'readonly': False}; c['process']['user'] = {'uid': 1000, 'gid': 1000}
c['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['getppid'], 'action': 'SCMP_ACT_ERRNO'}]}"
  # Compared with runc for noNewPrivileges true: with it false and any
  # filter, runc 1.1.5 panics on this host (nil pointer in
  # StartInitialization), so that case is rt's alone, below.
  for nnp in True; do
    uid=1000
    cfg "c['process']['noNewPrivileges'] = $nnp; c['process']['user'] = {'uid': $uid, 'gid': $uid}"
    cfg "c['hooks'] = {'startContainer': [{'path': '/hook.sh', 'args': ['hook.sh', 'rt']}]}"
    run rt run c1
    [ "$status" -eq 0 ]
    cfg "c['hooks'] = {'startContainer': [{'path': '/hook.sh', 'args': ['hook.sh', 'runc']}]}"
    run runc --root "$RUNC_ROOT" run c1
    [ "$status" -eq 0 ]
    echo "noNewPrivileges $nnp: rt: $(tr '\n' ' ' <"$r/tmp/hook-rt")" >&3
    echo "noNewPrivileges $nnp: runc: $(tr '\n' ' ' <"$r/tmp/hook-runc")" >&3
    diff "$r/tmp/hook-rt" "$r/tmp/hook-runc"
    [ "$(head -n1 "$r/tmp/hook-rt")" = $uid ]
    grep -q '^Seccomp:[[:space:]]*2' "$r/tmp/hook-rt"
    rm -f "$r/tmp/hook-rt" "$r/tmp/hook-runc"
  done
  cfg "c['process']['noNewPrivileges'] = False; c['process']['user'] = {'uid': 1000, 'gid': 1000}"
  cfg "c['hooks'] = {'startContainer': [{'path': '/hook.sh', 'args': ['hook.sh', 'rt']}]}"
  run rt run c1
  [ "$status" -eq 0 ]
  echo "noNewPrivileges False, uid 1000: rt: $(tr '\n' ' ' <"$r/tmp/hook-rt")" >&3
  [ "$(head -n1 "$r/tmp/hook-rt")" = 1000 ]
  grep -q '^Seccomp:[[:space:]]*2' "$r/tmp/hook-rt"
}

# --debug with --log-format text: runc's logrus lines (time="..."
# level=debug msg="..."), and the steps of create and exec. Before: rt
# logged only cgroup writes and hooks, nothing of the init's set-up.
@test "compat: --debug logs the steps of create and exec in runc's text shape" {
  args sleep 30
  rt --log "$BATS_TEST_TMPDIR/rt.log" --debug run -d c1
  rt --log "$BATS_TEST_TMPDIR/rt.log" --debug exec c1 true
  rt delete --force c1
  runc --root "$RUNC_ROOT" --log "$BATS_TEST_TMPDIR/runc.log" --debug run -d c1 </dev/null >/dev/null 2>&1
  runc --root "$RUNC_ROOT" --log "$BATS_TEST_TMPDIR/runc.log" --debug exec c1 true
  runc --root "$RUNC_ROOT" delete --force c1
  shape='^time="[0-9T:.Z-]+" level=(debug|info|warning|error) msg=".*"( [a-z]+=.*)?$'
  grep -vEc "$shape" "$BATS_TEST_TMPDIR/runc.log" | grep -qx 0
  grep -vE "$shape" "$BATS_TEST_TMPDIR/rt.log" >&3 || true
  grep -vEc "$shape" "$BATS_TEST_TMPDIR/rt.log" | grep -qx 0
  for step in 'create c1: bundle' 'create c1: init cloned' 'sync: USERMAP_DONE to' 'sync: MOUNTS_DONE from' \
              'sync: READY from the container' 'sync: end of channel' 'exec c1: pid' \
              'sync: READY from the exec process'; do
    grep -q "level=debug msg=\"$step" "$BATS_TEST_TMPDIR/rt.log" || { echo "missing: $step" >&3; false; }
  done
}

# A mount namespace given by path gets root.path and the mounts, as a new
# one does (runc; config.md's root and mounts say nothing of who made the
# namespace). Before: rt skipped both, and the process ran on the joined
# namespace's root, the host's files. rt's own (the host's) is refused.
@test "compat: a mount namespace joined by path gets root.path and the mounts, as with runc" {
  args sh -c 'ls /; grep -c " /proc " /proc/self/mountinfo'
  holder() {
    unshare --mount --propagation private sleep 300 >/dev/null 2>&1 &
    echo $!
  }
  h1=$(holder); h2=$(holder)
  sleep 0.3
  cfg "c['linux']['namespaces'] = [n if n['type'] != 'mount' else {'type': 'mount', 'path': '/proc/$h1/ns/mnt'} for n in c['linux']['namespaces']]"
  run rt run c1
  rt_status=$status rt_out=$output
  cfg "c['linux']['namespaces'] = [n if n['type'] != 'mount' else {'type': 'mount', 'path': '/proc/$h2/ns/mnt'} for n in c['linux']['namespaces']]"
  run runc --root "$RUNC_ROOT" run c1
  runc_status=$status runc_out=$output
  kill $h1 $h2; wait $h1 $h2 2>/dev/null || true
  echo "rt ($rt_status): $rt_out" >&3
  echo "runc ($runc_status): $runc_out" >&3
  [ "$rt_status" -eq 0 ] && [ "$runc_status" -eq 0 ]
  [ "$rt_out" = "$runc_out" ]
  [ "$(ls "$LC_ROOTFS" | sort)" = "$(sed '$d' <<<"$rt_out" | sort)" ]
  # rt's own mount namespace (the host's) is refused, naming the field
  cfg "c['linux']['namespaces'] = [n if n['type'] != 'mount' else {'type': 'mount', 'path': '/proc/self/ns/mnt'} for n in c['linux']['namespaces']]"
  run rt run c1
  echo "own: $output" >&3
  [ "$status" -ne 0 ]
  [[ "$output" == *".linux.namespaces["*"].path"*"rt's own mount namespace"* ]]
  [ ! -e "$ROOT/c1" ]
}

# tmpcopyup (runc's and crun's extension): a tmpfs over a directory of the
# rootfs starts with a copy of what was there (modes, owners, symlinks).
@test "compat: a tmpfs with tmpcopyup starts with a copy of the directory, as with runc" {
  r="$BATS_TEST_TMPDIR/rootfs"
  cp -a "$LC_ROOTFS" "$r"
  mkdir -p "$r/etc/sub"
  echo deep >"$r/etc/sub/file"
  chmod 0604 "$r/etc/sub/file"
  chown 7:8 "$r/etc/sub/file"
  ln -s ../passwd "$r/etc/sub/link"
  cfg "c['root']['path'] = '$r'; c['mounts'].append({'destination': '/etc', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['tmpcopyup', 'nosuid']})"
  args sh -c 'grep -c . /etc/passwd; cat /etc/sub/file; stat -c "%a %u:%g" /etc/sub/file; readlink /etc/sub/link; grep " /etc " /proc/self/mountinfo | cut -d" " -f9; echo new >/etc/new && echo writable'
  both run c1
  [ "$rt_status" -eq 0 ] && [ "$runc_status" -eq 0 ]
  [ "$rt_out" = "$runc_out" ]
  [[ "$rt_out" == *"deep"*"604 7:8"*"../passwd"*"tmpfs"*"writable"* ]]
  [ ! -e "$r/etc/new" ]
}

# A bind source the container's ids cannot reach (under a 0700 directory of
# the host's root) in a user namespace mapped to 100000: runc and crun open
# sources as host root. Before: rt opened it in the init, as uid 100000:
# "Permission denied". An idmapped bind of such a source works too.
@test "compat: a bind source under a 0700 root directory works in a user namespace, as with runc" {
  chmod 755 "$BATS_RUN_TMPDIR" "$(dirname "$BATS_FILE_TMPDIR")" "$BATS_FILE_TMPDIR" "$BATS_TEST_TMPDIR"
  secret="$BATS_TEST_TMPDIR/secret"
  mkdir -p "$secret/data"
  chmod 700 "$secret"
  echo hello >"$secret/data/file"
  chmod 644 "$secret/data/file"
  r="$BATS_TEST_TMPDIR/rootfs"
  cp -a "$LC_ROOTFS" "$r"
  mkdir "$r/data"
  cfg "c['root']['path'] = '$r'; c['linux']['namespaces'].append({'type': 'user'}); c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]; c['linux']['gidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
c['mounts'].append({'destination': '/data', 'type': 'bind', 'source': '$secret/data', 'options': ['rbind', 'ro']})"
  args sh -c 'cat /data/file; stat -c "%u:%g" /data/file; touch /data/x 2>/dev/null && echo writable || echo read-only'
  both run c1
  [ "$rt_status" -eq 0 ] && [ "$runc_status" -eq 0 ]
  [ "$rt_out" = "$runc_out" ]
  [[ "$rt_out" == "hello"*"read-only" ]]
  # idmapped (the file's owner 0 appears as the container's 0); runc 1.1.5
  # has no idmapped mounts, so rt alone
  if [ "$(stat -f -c %T "$secret")" = tmpfs ] && lc_kernel_older 6 3; then
    echo "idmap part skipped: tmpfs allows idmapped mounts from Linux 6.3 (this is $(uname -r))" >&3
    return 0
  fi
  cfg "c['mounts'][-1]['options'] = ['rbind', 'ro', 'idmap']"
  run rt run c1
  echo "idmap: $output" >&3
  [ "$status" -eq 0 ]
  [[ "$output" == "hello"$'\n'"0:0"* ]]
}

# linux.devices in a user namespace (config-linux.md: uid and gid are the
# owner "in the container namespace"): mknod is not allowed there, so rt
# makes the node itself (a private tmpfs on the host side, owned by the
# host ids the container's uid/gid map to) and mounts it in. runc 1.1.5
# binds the host's node, whose owner shows as the overflow id 65534: here
# the spec wins (docs/conformance.md). Before: rt bound the host's node too.
@test "compat: a linux.devices node in a user namespace has the config's owner and mode (runc: the host's)" {
  [ -c /dev/net/tun ] || skip "no /dev/net/tun on this host"
  chmod 755 "$BATS_RUN_TMPDIR" "$(dirname "$BATS_FILE_TMPDIR")" "$BATS_FILE_TMPDIR" "$BATS_TEST_TMPDIR"
  cfg "c['linux']['namespaces'].append({'type': 'user'})
c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
c['linux']['gidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
c['linux']['devices'] = [{'path': '/dev/net/tun', 'type': 'c', 'major': 10, 'minor': 200, 'uid': 10, 'gid': 11, 'fileMode': 0o626}]"
  args sh -c 'stat -c "%u:%g %a %t:%T" /dev/net/tun; cat /dev/net/tun 2>&1 | grep -q "bad state" && echo opens || cat /dev/net/tun'
  both run c1
  # runc's process cannot open the host's 0600 node (status 1)
  [ "$rt_status" -eq 0 ]
  [ "$rt_out" = "10:11 626 a:c8"$'\n'"opens" ]
  [[ "$runc_out" == "65534:65534 "*"a:c8"* ]]
  # without uid/gid: root of the container (the host's node shows 65534)
  cfg "c['linux']['devices'] = [{'path': '/dev/net/tun', 'type': 'c', 'major': 10, 'minor': 200}]"
  run rt run c1
  [ "$status" -eq 0 ]
  [ "$output" = "0:0 666 a:c8"$'\n'"opens" ]
}

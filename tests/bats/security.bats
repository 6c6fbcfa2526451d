#!/usr/bin/env bats
# Security settings seen from inside real containers: seccomp (errno, the
# default action, notify with a listener, exec), capabilities,
# noNewPrivileges, and LSM requests on a host without the LSM.

load lifecycle_helpers

setup_file() {
  lc_setup_file
  # The notify agent: the one `make check` built, else build it here.
  export LISTENER="$(dirname "$RT")/tests/seccomp-listener/rt-seccomp-listener"
  if [ ! -x "$LISTENER" ]; then
    LISTENER="$BATS_FILE_TMPDIR/rt-seccomp-listener"
    gcc -O1 -o "$LISTENER" "$BATS_TEST_DIRNAME/../seccomp-listener/listener.c" -lseccomp -lyajl
  fi
  export FIXTURE="$BATS_TEST_DIRNAME/../unit/fixtures/seccomp-docker-like.json"
}
setup() {
  lc_setup
  # Each test with a cache of its own (see security.h).
  export RT_SECCOMP_CACHE="$BATS_TEST_TMPDIR/seccomp-cache"
}
teardown() {
  [ -z "${LISTENER_PID:-}" ] || kill "$LISTENER_PID" 2>/dev/null || true
  rt delete --force c1 >/dev/null 2>&1 || true
  lc_teardown
}

# A profile allowing everything but mkdir, which fails with errno $1.
deny_mkdir() {
  cfg "c.setdefault('linux', {})['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [
        {'names': ['mkdir', 'mkdirat'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': $1}]}"
}

# A private copy of the rootfs, for tests that plant things in it.
own_rootfs() {
  r="$BATS_TEST_TMPDIR/rootfs"
  cp -a "$LC_ROOTFS" "$r"
  cfg "c['root']['path'] = '$r'; c['root']['readonly'] = False"
}

status_field() { # status_field Name <<< /proc/self/status
  awk -v k="$1:" '$1 == k { print $2 }'
}

@test "seccomp: a syscall denied with errnoRet 1 fails with EPERM" {
  deny_mkdir 1
  args sh -c 'mkdir /tmp/x'
  run rt run c1
  [ "$status" -ne 0 ]
  [[ "$output" == *"Operation not permitted"* ]]
}

@test "seccomp: errnoRet is the errno the process sees" {
  deny_mkdir 122
  args sh -c 'mkdir /tmp/x'
  run rt run c1
  [ "$status" -ne 0 ]
  [[ "$output" == *"quota exceeded"* ]] || [[ "$output" == *"Disk quota"* ]]
}

@test "seccomp: the filter is in place (Seccomp: 2) and other syscalls work" {
  deny_mkdir 1
  args sh -c 'grep -E "^Seccomp:" /proc/self/status; echo hi > /dev/shm/f && cat /dev/shm/f'
  run rt run c1
  [ "$status" -eq 0 ]
  [[ "$output" == *"Seccomp:"*"2"* ]]
  [[ "$output" == *"hi" ]]
}

@test "seccomp: loaded without noNewPrivileges too" {
  deny_mkdir 1
  cfg "c['process']['noNewPrivileges'] = False"
  args sh -c 'grep NoNewPrivs /proc/self/status; mkdir /tmp/x'
  run rt run c1
  [ "$status" -ne 0 ]
  [[ "$output" == *"NoNewPrivs:"*"0"* ]]
  [[ "$output" == *"Operation not permitted"* ]]
}

@test "seccomp: a Docker-like allow list runs busybox; the rest gets defaultErrnoRet" {
  python3 - "$BUNDLE/config.json" "$FIXTURE" <<'PY'
import json, sys
cfg, fix = sys.argv[1], sys.argv[2]
c = json.load(open(cfg))
c.setdefault('linux', {})['seccomp'] = json.load(open(fix))['linux']['seccomp']
c['linux']['seccomp']['defaultErrnoRet'] = 95  # EOPNOTSUPP
json.dump(c, open(cfg, 'w'))
PY
  # settimeofday/clock_settime are not in the list.
  args sh -c 'ls / >/dev/null && echo listed; date -s 2000-01-01 2>&1; true'
  run rt run c1
  [ "$status" -eq 0 ]
  [[ "$output" == *"listed"* ]]
  [[ "$output" == *"not supported"* ]] || [[ "$output" == *"Not supported"* ]]
}

@test "seccomp: rt exec gets the container's filter" {
  deny_mkdir 1
  args sleep 1000
  rt run -d c1
  wait_status c1 running
  run rt exec c1 mkdir /tmp/y
  [ "$status" -ne 0 ]
  [[ "$output" == *"Operation not permitted"* ]]
  rt kill c1 KILL
}

@test "seccomp: the compiled filter is cached and reused" {
  deny_mkdir 1
  args true
  rt --log "$BATS_TEST_TMPDIR/log1" --debug run c1
  [ "$(ls "$RT_SECCOMP_CACHE" | wc -l)" -eq 1 ]
  ! grep -q "from the cache" "$BATS_TEST_TMPDIR/log1"
  rt --log "$BATS_TEST_TMPDIR/log2" --debug run c1
  grep -q "from the cache" "$BATS_TEST_TMPDIR/log2"
}

@test "seccomp: a bad profile fails create, naming the field, and leaves nothing" {
  cfg "c.setdefault('linux', {})['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [
        {'names': ['mkdir'], 'action': 'SCMP_ACT_NOTIFY'}]}"
  run rt run c1
  [ "$status" -ne 0 ]
  [[ "$output" == *"config.json: .linux.seccomp.syscalls[0].action: SCMP_ACT_NOTIFY needs linux.seccomp.listenerPath"* ]]
}

@test "seccomp notify: the listener gets the state and the fd, and answers mkdir" {
  sock="$BATS_TEST_TMPDIR/listener.sock"
  log="$BATS_TEST_TMPDIR/listener.log"
  "$LISTENER" "$sock" "$log" &
  LISTENER_PID=$!
  for i in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
  cfg "c.setdefault('linux', {})['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW',
        'listenerPath': '$sock', 'listenerMetadata': 'hello-agent',
        'syscalls': [{'names': ['mkdir', 'mkdirat'], 'action': 'SCMP_ACT_NOTIFY'}]}"
  # The listener answers success without making it.
  args sh -c 'mkdir /tmp/n && echo made; ls -d /tmp/n'
  run rt run c1
  [ "$status" -ne 0 ]
  [[ "$output" == *"made"* ]]
  [[ "$output" == *"No such file"* ]]
  grep -q '"metadata":"hello-agent"' "$log"
  grep -q '"fds":\["seccompFd"\]' "$log"
  grep -q '"id":"c1"' "$log"
  grep -q '^notify mkdir' "$log"
  ! grep -q '^invalid' "$log"
}

@test "seccomp notify: no listener at listenerPath fails create" {
  cfg "c.setdefault('linux', {})['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW',
        'listenerPath': '$BATS_TEST_TMPDIR/nobody.sock',
        'syscalls': [{'names': ['mkdir'], 'action': 'SCMP_ACT_NOTIFY'}]}"
  run rt run c1
  [ "$status" -ne 0 ]
  [[ "$output" == *"config.json: .linux.seccomp.listenerPath: connect to"* ]]
}

@test "capabilities: the configured sets, as /proc/self/status shows them" {
  cfg "c['process']['user'] = {'uid': 0, 'gid': 0}
c['process']['capabilities'] = {'bounding': ['CAP_KILL', 'CAP_CHOWN'],
  'permitted': ['CAP_KILL', 'CAP_CHOWN'], 'effective': ['CAP_KILL', 'CAP_CHOWN']}"
  args cat /proc/self/status
  run rt run c1
  [ "$status" -eq 0 ]
  [ "$(status_field CapBnd <<<"$output")" = 0000000000000021 ]
  [ "$(status_field CapEff <<<"$output")" = 0000000000000021 ]
  [ "$(status_field CapPrm <<<"$output")" = 0000000000000021 ]
  [ "$(status_field CapInh <<<"$output")" = 0000000000000000 ]
  [ "$(status_field CapAmb <<<"$output")" = 0000000000000000 ]
}

@test "capabilities: a non-root user keeps ambient capabilities across exec" {
  cfg "c['process']['user'] = {'uid': 1000, 'gid': 1000}
c['process']['capabilities'] = {'bounding': ['CAP_NET_BIND_SERVICE', 'CAP_KILL'],
  'permitted': ['CAP_NET_BIND_SERVICE', 'CAP_KILL'], 'effective': ['CAP_NET_BIND_SERVICE'],
  'inheritable': ['CAP_NET_BIND_SERVICE'], 'ambient': ['CAP_NET_BIND_SERVICE']}"
  args cat /proc/self/status
  run rt run c1
  [ "$status" -eq 0 ]
  [ "$(status_field Uid <<<"$output")" = 1000 ]
  [ "$(status_field CapAmb <<<"$output")" = 0000000000000400 ]
  [ "$(status_field CapEff <<<"$output")" = 0000000000000400 ]
  [ "$(status_field CapPrm <<<"$output")" = 0000000000000400 ]
  [ "$(status_field CapBnd <<<"$output")" = 0000000000000420 ]
}

# config.md: what cannot be mapped to the kernel or granted is a warning,
# and the container runs: a well-formed name the kernel lacks (CAP_UNKNOWN
# could be a newer kernel's). A string that is no capability name at all is
# an error naming the field (the issue's rule, see docs/security.md).
# config.md: a capability that cannot be mapped or granted MUST be warned
# about and SHOULD NOT fail the container, however it is spelt (runc 1.1
# warns too). rt used to refuse "UNKNOWN_CAP" and "CAP_SYS ADMIN".
@test "capabilities: names that are no capability at all are warnings naming the field (as runc)" {
  cfg "c['process']['capabilities'] = {'bounding': ['CAP_KILL', 'UNKNOWN_CAP'], 'effective': ['CAP_SYS ADMIN'], 'permitted': ['CAP_KILL']}"
  args sh -c 'grep CapBnd /proc/self/status'
  run rt run c1
  echo "$output" >&3
  [ "$status" -eq 0 ]
  [[ "$output" == *'config.json: .process.capabilities.bounding[1]: "UNKNOWN_CAP" is not a known capability; ignored'* ]]
  [[ "$output" == *'.process.capabilities.effective[0]: "CAP_SYS ADMIN" is not a known capability'* ]]
  [[ "$output" == *"CapBnd:"*"0000000000000020"* ]]
  run runc --root "$BATS_TEST_TMPDIR/runc" run c1
  echo "runc: $output" >&3
  [ "$status" -eq 0 ]
  [[ "$output" == *"CapBnd:"*"0000000000000020"* ]]
}

@test "capabilities: unknown names are warnings; ambient outside inheritable is skipped (as runc)" {
  cfg "c['process']['capabilities'] = {'bounding': ['CAP_UNKNOWN', 'CAP_KILL'],
  'permitted': ['CAP_KILL'], 'effective': ['CAP_KILL'], 'inheritable': ['CAP_KILL'],
  'ambient': ['CAP_KILL', 'CAP_CHOWN']}"
  args cat /proc/self/status
  run rt run c1
  [ "$status" -eq 0 ]
  [[ "$output" == *'"CAP_UNKNOWN" is not a known capability; ignored'* ]]
  # runc's default spec asks for ambient capabilities it does not make
  # inheritable: skipped quietly (the container's stderr is not rt's) ...
  [[ "$output" != *"can't raise ambient capability"* ]]
  [[ "$output" == *"CapAmb:"*"0000000000000020"* ]]
  [[ "$output" == *"CapBnd:"*"0000000000000020"* ]]
  # ... and said with --debug.
  run rt --debug run c2
  [ "$status" -eq 0 ]
  [[ "$output" == *"can't raise ambient capability CAP_CHOWN"* ]]
}

@test "capabilities: no capabilities object means none" {
  cfg "c['process'].pop('capabilities', None)"
  args cat /proc/self/status
  run rt run c1
  [ "$status" -eq 0 ]
  [ "$(status_field CapBnd <<<"$output")" = 0000000000000000 ]
  [ "$(status_field CapEff <<<"$output")" = 0000000000000000 ]
}

@test "noNewPrivileges: set and unset" {
  args sh -c 'grep NoNewPrivs /proc/self/status'
  cfg "c['process']['noNewPrivileges'] = True"
  run rt run c1
  [ "$status" -eq 0 ]
  [[ "$output" == *"NoNewPrivs:"*"1"* ]]
  cfg "c['process']['noNewPrivileges'] = False"
  run rt run c1
  [ "$status" -eq 0 ]
  [[ "$output" == *"NoNewPrivs:"*"0"* ]]
}

@test "apparmorProfile on a host without AppArmor is an error, not unconfined" {
  if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; then
    skip "AppArmor is enabled on this host"
  fi
  cfg "c['process']['apparmorProfile'] = 'docker-default'"
  run rt run c1
  [ "$status" -ne 0 ]
  [[ "$output" == *"config.json: .process.apparmorProfile: AppArmor is not enabled on this host"* ]] ||
    [[ "$output" == *"config.json: .process.apparmorProfile: rt was built without AppArmor support"* ]]
}

@test "selinuxLabel and mountLabel on a host without SELinux are errors" {
  if [ -d /sys/fs/selinux ] && [ -e /sys/fs/selinux/enforce ]; then
    skip "SELinux is enabled on this host"
  fi
  cfg "c['process']['selinuxLabel'] = 'system_u:system_r:container_t:s0:c1,c2'"
  run rt run c1
  [ "$status" -ne 0 ]
  [[ "$output" == *"config.json: .process.selinuxLabel: "*"SELinux"* ]]
  cfg "c['process'].pop('selinuxLabel')
c.setdefault('linux', {})['mountLabel'] = 'system_u:object_r:container_file_t:s0:c1,c2'"
  run rt run c1
  [ "$status" -ne 0 ]
  [[ "$output" == *"config.json: .linux.mountLabel: "*"SELinux"* ]]
}

# libselinux, libapparmor and libsystemd are loaded with dlopen only when a
# config asks for what they do (src/util/dl.h): a plain container's rt maps
# none of them (about 1.5 MB of resident memory and seven shared objects
# less per command); asked for, the library is loaded and answers.
@test "optional libraries: not mapped by a plain run; loaded when a label asks for them" {
  args sleep 100
  "$RT" --root "$ROOT" run --bundle "$BUNDLE" c1 >/dev/null 2>&1 &
  rtpid=$!
  wait_status c1 running
  maps=$(cat "/proc/$rtpid/maps")
  rt kill c1 KILL
  wait "$rtpid" || true
  if file -L "$RT" | grep -q 'static-pie linked'; then
    # --enable-static: no shared object at all
    ! grep -E '\.so' <<<"$maps"
  else
    grep -q 'libc\.so' <<<"$maps"
    ! grep -E 'libselinux|libapparmor|libsystemd|libgcrypt|libpcre2' <<<"$maps"
  fi
  if [ -d /sys/fs/selinux ] && [ -e /sys/fs/selinux/enforce ]; then
    skip "SELinux is enabled on this host (its labels are the VM lane's)"
  fi
  if rt features | grep -q '"io.github.rt.build.selinux": "true"'; then
    # is_selinux_enabled() from the loaded libselinux said no
    args true
    cfg "c['process']['selinuxLabel'] = 'system_u:system_r:container_t:s0'"
    run rt run c1
    [ "$status" -ne 0 ]
    [[ "$output" == *"config.json: .process.selinuxLabel: SELinux is not enabled on this host"* ]]
  fi
}

# ---------------------------------------------------------------- rt's steps after the filter
# A minimal allow-list (what busybox `ls` needs, and execve): rt's own last
# steps must not need more. Before the fix, rt entered process.cwd with
# openat2 after the filter (every such container failed: `.process.cwd:
# chdir /: Operation not permitted`) and its close_range(CLOEXEC) failed
# silently, so the caller's fds leaked into the container. With
# noNewPrivileges false the kernel needs CAP_SYS_ADMIN to load the filter:
# rt holds it until after the load and then drops it with one capset, which
# the profile must allow (docs/security.md, "When the filter is loaded").
minimal_allow_list() { # minimal_allow_list NNP EXTRA...
  local nnp=$1
  shift
  python3 - "$BUNDLE/config.json" "$nnp" "$@" <<'PY'
import json, sys
path, nnp, extra = sys.argv[1], sys.argv[2] == 'true', sys.argv[3:]
c = json.load(open(path))
names = ['arch_prctl', 'brk', 'close', 'execve', 'exit_group', 'getdents64', 'getrandom', 'getuid',
         'ioctl', 'mprotect', 'newfstatat', 'fstat', 'openat', 'prctl', 'prlimit64', 'readlink',
         'rseq', 'set_robust_list', 'set_tid_address', 'write'] + extra
c['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 1,
                         'architectures': ['SCMP_ARCH_X86_64'],
                         'syscalls': [{'names': names, 'action': 'SCMP_ACT_ALLOW'}]}
c['process']['noNewPrivileges'] = nnp
c['process']['cwd'] = '/tmp'
json.dump(c, open(path, 'w'))
PY
}

@test "seccomp: a minimal allow-list (ls + execve) runs, with no fd of the caller's (noNewPrivileges true)" {
  minimal_allow_list true
  args ls /proc/self/fd
  exec 5</dev/null 7>"$BATS_TEST_TMPDIR/caller-fd"
  run rt run c1
  exec 5<&- 7>&-
  echo "$output" >&3
  [ "$status" -eq 0 ]
  # 3 is ls's own directory fd
  [ "$(echo $output)" = "0 1 2 3" ]
}

@test "seccomp: a minimal allow-list runs with noNewPrivileges false (plus capset), no fd leaked" {
  minimal_allow_list false capset
  args ls /proc/self/fd
  exec 5</dev/null 7>"$BATS_TEST_TMPDIR/caller-fd"
  run rt run c1
  exec 5<&- 7>&-
  echo "$output" >&3
  [ "$status" -eq 0 ]
  [ "$(echo $output)" = "0 1 2 3" ]
  # and the process did not keep the CAP_SYS_ADMIN held for the load
  args sh -c 'grep CapEff /proc/self/status'
  minimal_allow_list false capset rt_sigaction rt_sigprocmask getpid getppid fcntl dup2 wait4 \
    clone clone3 fork vfork read lseek uname pipe pipe2 rt_sigreturn exit mmap munmap
  run rt run c1
  echo "$output" >&3
  [ "$status" -eq 0 ]
  eff=$(awk '/CapEff/ {print $2}' <<<"$output")
  [ $(( 0x$eff & (1 << 21) )) -eq 0 ]
}

@test "seccomp: without capset, noNewPrivileges false fails naming capset; nothing left" {
  minimal_allow_list false
  args ls /proc/self/fd
  run rt run c1
  echo "$output" >&3
  [ "$status" -ne 0 ]
  [[ "$output" == *"capset"* ]]
  [ ! -e "$ROOT/c1" ]
}

@test "seccomp: rt exec under a minimal allow-list: no fd of rt's or the caller's" {
  minimal_allow_list true nanosleep clock_nanosleep
  args sleep 60
  rt run -d c1
  exec 5</dev/null 7>"$BATS_TEST_TMPDIR/caller-fd"
  run rt exec c1 ls /proc/self/fd
  exec 5<&- 7>&-
  echo "$output" >&3
  rt delete --force c1
  [ "$status" -eq 0 ]
  [ "$(echo $output)" = "0 1 2 3" ]
}

# Syscalls newer than the profile get ENOSYS, not the default errno (as
# runc): glibc falls back from clone3 to clone only on ENOSYS. A profile
# that stops before clone3 (435) and openat2 (437), default EPERM: syscall
# 1000 and clone3 get ENOSYS, mkdir (83, below the highest the profile
# names but not allowed) gets EPERM. Fails on a runtime without the stub
# (all three EPERM).
@test "seccomp: syscalls newer than the profile get ENOSYS; older unlisted ones the default" {
  cat >"$BATS_TEST_TMPDIR/nosys.c" <<'C'
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
static void try(const char *what, long nr) {
  errno = 0;
  long r = syscall(nr, 0, 0, 0, 0, 0, 0);
  printf("%s %s\n", what, r < 0 ? strerrorname_np(errno) : "ok");
}
int main(void) {
  try("sys1000", 1000);
  try("clone3", 435);
  try("openat2", 437);
  try("mkdir", 83);
  return 0;
}
C
  gcc -static -O1 -o "$BATS_TEST_TMPDIR/nosys" "$BATS_TEST_TMPDIR/nosys.c"
  own_rootfs
  cp "$BATS_TEST_TMPDIR/nosys" "$r/nosys"
  python3 - "$BUNDLE/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
# everything a static program needs, up to pidfd_open (434): written before clone3
names = ['arch_prctl', 'brk', 'close', 'execve', 'exit_group', 'fstat', 'newfstatat', 'getrandom',
         'ioctl', 'mprotect', 'openat', 'prctl', 'prlimit64', 'readlink', 'rseq',
         'set_robust_list', 'set_tid_address', 'write', 'uname', 'capset', 'pidfd_open']
c['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ERRNO', 'defaultErrnoRet': 1,
                         'syscalls': [{'names': names, 'action': 'SCMP_ACT_ALLOW'}]}
c['process']['args'] = ['/nosys']
json.dump(c, open(sys.argv[1], 'w'))
PY
  run rt run c1
  echo "$output" >&3
  [ "$status" -eq 0 ]
  [[ "$output" == *"sys1000 ENOSYS"* ]]
  [[ "$output" == *"clone3 ENOSYS"* ]]
  [[ "$output" == *"openat2 ENOSYS"* ]]
  [[ "$output" == *"mkdir EPERM"* ]]
  # a profile whose default is ALLOW gets no stub: the kernel's own answer
  cfg "c['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['mkdir'], 'action': 'SCMP_ACT_ERRNO'}]}"
  run rt run c1
  echo "$output" >&3
  [[ "$output" == *"sys1000 ENOSYS"* ]]
  [[ "$output" == *"clone3 EFAULT"* ]] || [[ "$output" == *"clone3 EINVAL"* ]]
  [[ "$output" == *"mkdir EPERM"* ]]
}

@test "seccomp notify: SCMP_ACT_NOTIFY on write or sendmsg is refused, naming the field; nothing left" {
  for name in write sendmsg; do
    cfg "c['linux']['seccomp'] = {'defaultAction': 'SCMP_ACT_ALLOW', 'listenerPath': '$BATS_TEST_TMPDIR/none.sock', 'syscalls': [{'names': ['mkdir', '$name'], 'action': 'SCMP_ACT_NOTIFY'}]}"
    run rt run c1
    echo "$output" >&3
    [ "$status" -ne 0 ]
    [[ "$output" == *".linux.seccomp.syscalls[0].names[1]: SCMP_ACT_NOTIFY cannot be used for $name"* ]]
    [ ! -e "$ROOT/c1" ]
  done
}

# (uid_t)-1 is "unchanged" to setresuid: uid 4294967295 ran the process as
# root (before the fix: `id -u` printed 0). runc takes 0 to 2147483647.
@test "process.user: ids the kernel cannot set are refused, naming the field; nothing left" {
  args id -u
  for f in "['uid'] = 4294967295" "['gid'] = 4294967295" "['uid'] = 2147483648" "['additionalGids'] = [5, 4294967295]"; do
    cfg "c['process']['user']$f"
    run rt run c1
    echo "$output" >&3
    [ "$status" -ne 0 ]
    [[ "$output" == *"config.json: .process.user."*"is not an id the kernel can set"* ]]
    [ ! -e "$ROOT/c1" ]
    cfg "c['process']['user'] = {'uid': 0, 'gid': 0}"
  done
  cfg "c['process']['user'] = {'uid': 2147483647, 'gid': 2147483647}"
  args sh -c 'echo $(id -u):$(id -g)'
  run rt run c1
  [ "$status" -eq 0 ]
  [ "$output" = "2147483647:2147483647" ]
  args sleep 60
  cfg "c['process']['user'] = {'uid': 0, 'gid': 0}"
  rt run -d c1
  run rt exec --user 4294967295 c1 id -u
  [ "$status" -ne 0 ]
  [[ "$output" == *"--user 4294967295"* ]]
  run rt exec --user 0:4294967295 c1 id -u
  [ "$status" -ne 0 ]
  run rt exec --additional-gids 4294967295 c1 id -u
  [ "$status" -ne 0 ]
  rt delete --force c1
}

# Hooks run with the state on stdin and rt's stdout/stderr, and nothing else:
# no fd of rt's (state directory, sync socket, ...) nor of its caller.
@test "hooks: every hook sees only fds 0, 1 and 2" {
  own_rootfs
  out="$BATS_TEST_TMPDIR/hookfds"
  mkdir -p "$out"
  # $1 the hook's kind, $2 where to write (startContainer runs in the
  # container, its path resolved there: its root's /)
  printf '#!/bin/sh\nls /proc/self/fd | grep -v "^3$" | tr "\\n" " " >"$2/$1"\n' >"$BATS_TEST_TMPDIR/hook.sh"
  chmod 755 "$BATS_TEST_TMPDIR/hook.sh"
  cp "$BATS_TEST_TMPDIR/hook.sh" "$r/hook.sh"
  h="$BATS_TEST_TMPDIR/hook.sh"
  cfg "c['hooks'] = {k: [{'path': '$h', 'args': ['hook.sh', k, '$out']}] for k in ['prestart', 'createRuntime', 'createContainer', 'poststart', 'poststop']}"
  cfg "c['hooks']['startContainer'] = [{'path': '/hook.sh', 'args': ['hook.sh', 'startContainer', '/']}]"
  exec 5</dev/null 7>"$BATS_TEST_TMPDIR/caller-fd"
  run rt run c1
  exec 5<&- 7>&-
  echo "$output" >&3
  [ "$status" -eq 0 ]
  for k in prestart createRuntime createContainer poststart poststop; do
    echo "$k: $(cat "$out/$k")" >&3
    [ "$(cat "$out/$k")" = "0 1 2 " ]
  done
  echo "startContainer: $(cat "$r/startContainer")" >&3
  [ "$(cat "$r/startContainer")" = "0 1 2 " ]
}

# --no-pivot: chroot left the host's /proc in the mount namespace, so a
# process of the container could make a user namespace and mount a new,
# unmasked procfs (the kernel allows that while a fully visible procfs is in
# reach): `unshare -mrpf mount -t proc none /proc` succeeded, and maskedPaths
# meant nothing. Fails on a runtime that only chroots.
@test "--no-pivot: no new procfs or sysfs can be mounted from a user namespace inside" {
  # Linux 6.1 (the VM lane) still lets the mount through after every outer
  # procfs and sysfs is gone (the container's mountinfo shows none): why is
  # not found yet; the defence is checked where it holds (6.18).
  lc_kernel_older 6 18 && skip "on Linux $(uname -r) the mount is allowed without any outer procfs (open)"
  # Docker's default capabilities (CAP_SETUID/SETGID let unshare -r write its maps)
  cfg "caps = ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE']
for k in ['bounding', 'effective', 'permitted']: c['process']['capabilities'][k] = caps"
  args sh -c 'unshare -mrpf sh -c "mount -t proc none /proc && echo PROC-MOUNTED"; unshare -mrnf sh -c "mount -t sysfs none /sys && echo SYS-MOUNTED"; cat /proc/kcore 2>&1 | head -c 40; echo; echo done'
  run rt run --no-pivot c1
  echo "$output" >&3
  [ "$status" -eq 0 ]
  [[ "$output" == *done* ]]
  [[ "$output" != *PROC-MOUNTED* ]]
  [[ "$output" != *SYS-MOUNTED* ]]
  # the same with pivot_root, for comparison: refused there too
  run rt run c1
  [[ "$output" != *PROC-MOUNTED* ]]
}

# /proc or /sys planted in the image as a symlink: procfs and sysfs would
# be mounted where it points (and maskedPaths applied to the symlink's path).
# Refused, as runc refuses it ("must be mounted on ordinary directory").
@test "a /proc or /sys that is a symlink in the rootfs is refused, naming the mount; nothing left" {
  own_rootfs
  for d in proc sys; do
    rm -rf "$r/$d" "$r/elsewhere"
    mkdir -p "$r/elsewhere"
    ln -s elsewhere "$r/$d"
    run rt run c1
    echo "$output" >&3
    [ "$status" -ne 0 ]
    [[ "$output" == *"config.json: .mounts["*"].destination: "*"must be mounted on an ordinary directory"*"symlink"* ]]
    [ -z "$(ls -A "$r/elsewhere")" ]
    [ ! -e "$ROOT/c1" ]
    rm "$r/$d"
    mkdir "$r/$d"
  done
}

# A sysctl key longer than PATH_MAX overran a stack buffer in the init.
@test "linux.sysctl: an overlong key is an error, not a stack overrun" {
  key="net.$(head -c 5000 /dev/zero | tr '\0' a)"
  cfg "c['linux']['sysctl'] = {'$key': '1'}"
  run rt run c1
  echo "${output:0:300}" >&3
  [ "$status" -ne 0 ]
  [[ "$output" == *"linux.sysctl"*"too long"* ]]
  [ ${#output} -lt 1000 ]
  [ ! -e "$ROOT/c1" ]
}

# `rt spec --seccomp default`: a safe default for `rt run bundle/`, opt-in
# (runc's spec has no profile, nor has rt's without the flag).
@test "spec --seccomp default: a Docker-shaped profile that runs busybox and refuses the rest" {
  d="$BATS_TEST_TMPDIR/sc"
  mkdir -p "$d"
  "$RT" spec --seccomp default --bundle "$d"
  python3 - "$d/config.json" "$BUNDLE/config.json" <<'PY'
import json, sys
new, cur = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert new['linux']['seccomp']['defaultAction'] == 'SCMP_ACT_ERRNO'
cur['linux']['seccomp'] = new['linux']['seccomp']
json.dump(cur, open(sys.argv[2], 'w'))
PY
  args sh -c 'grep Seccomp: /proc/self/status; ls / >/dev/null && echo listed; unshare -m true 2>&1 || echo refused'
  run rt run c1
  echo "$output" >&3
  [ "$status" -eq 0 ]
  [[ "$output" == *"Seccomp:"*"2"* ]]
  [[ "$output" == *listed* ]]
  [[ "$output" == *refused* ]]
  run "$RT" spec --seccomp nonsense --bundle "$BATS_TEST_TMPDIR"
  [ "$status" -ne 0 ]
  [[ "$output" == *"--seccomp nonsense: expected default or none"* ]]
  # without the flag: no profile, as runc spec
  rm -f "$d/config.json"
  "$RT" spec --bundle "$d"
  ! grep -q seccomp "$d/config.json"
}

# kill --all and delete --force of a container without a cgroup fell back to
# the pid in state.json: after the init's pid was reused by an unrelated
# host process, rt signalled that process. Here the state names a sleep of
# ours (with another start time, as a reused pid has): it must survive.
# (A guard, not a replay: the old code also checked the start time when it
# computed the status, so only a reuse between that check and the kill,
# a race this test cannot time, hit the bare kill(pid).)
@test "kill --all / delete --force never signal a reused pid from the state file" {
  args sleep 60
  rt run -d c1
  sleep 100 &
  victim=$!
  python3 - "$ROOT/c1/state.json" "$victim" <<'PY'
import json, sys
p, pid = sys.argv[1], int(sys.argv[2])
s = json.load(open(p))
s.pop('cgroupPath', None)
s['pid'] = pid          # a pid the init no longer has...
s['pidStart'] = 1       # ...taken by a process started at another time
json.dump(s, open(p, 'w'))
PY
  run rt kill --all c1 KILL
  echo "kill --all: $status $output" >&3
  run rt delete --force c1
  echo "delete --force: $status $output" >&3
  sleep 0.2
  kill -0 "$victim"
  kill "$victim"
  # the real init (still running, its cgroup no longer in the state) by hand
  for p in $(find /proc -mindepth 2 -maxdepth 2 -path '/proc/[0-9]*/root' -lname "$LC_ROOTFS*" 2>/dev/null); do
    p=${p%/root}; kill -9 "${p#/proc/}" 2>/dev/null || true
  done
  for i in $(seq 40); do
    left=0
    for d in /sys/fs/cgroup/*/c1; do [ -d "$d" ] && { rmdir "$d" 2>/dev/null || left=1; }; done
    [ "$left" = 0 ] && break
    sleep 0.05
  done
}

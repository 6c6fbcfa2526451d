#!/usr/bin/env bats
# rt exec into running containers (issue: exec and the run-time process toolkit).

load lifecycle_helpers

setup_file() { lc_setup_file; }
setup() {
  lc_setup
  args sleep 1000
}
teardown() {
  rt delete --force c1 >/dev/null 2>&1 || true
  lc_teardown
}

start_c1() {
  rt run -d c1
  wait_status c1 running
}

@test "exec: runs in the container's namespaces and returns its exit status" {
  start_c1
  run rt exec c1 sh -c 'echo $$ $(readlink /proc/1/exe); exit 5'
  [ "$status" -eq 5 ]
  pid=$(echo "$output" | awk '{print $1}')
  [ "$pid" -gt 1 ]
  [[ "$output" == *"/bin/busybox" ]]
  init=$(rt state c1 | json_field pid)
  [ "$(readlink /proc/$init/ns/mnt)" = "$(rt exec c1 readlink /proc/self/ns/mnt)" ]
  [ "$(readlink /proc/$init/ns/pid)" = "$(rt exec c1 readlink /proc/self/ns/pid)" ]
  [ "$(readlink /proc/$init/ns/net)" = "$(rt exec c1 readlink /proc/self/ns/net)" ]
}

@test "exec: --env, --cwd, --user and --additional-gids" {
  start_c1
  run rt exec -e FOO=bar -e PATH=/bin --cwd /tmp -u 1000:1001 -g 5,7 c1 sh -c 'echo $FOO $PATH $(pwd) $(id -u) $(id -g) $(id -G)'
  [ "$status" -eq 0 ]
  [ "$output" = "bar /bin /tmp 1000 1001 1001 5 7" ] || [ "$output" = "bar /bin /tmp 1000 1001 5 7" ]
}

@test "exec: --process process.json" {
  start_c1
  cat >"$BATS_TEST_TMPDIR/p.json" <<'EOF'
{"args": ["sh", "-c", "echo from-json $X"], "env": ["X=1", "PATH=/bin"], "cwd": "/", "user": {"uid": 0, "gid": 0}}
EOF
  run rt exec --process "$BATS_TEST_TMPDIR/p.json" c1
  [ "$status" -eq 0 ]
  [ "$output" = "from-json 1" ]
}

# config.md: execCPUAffinity "is not applicable to the container's init
# process"; an exec'd process ends on "final" (after its cgroup move), and
# an invalid list is an error naming the field.
@test "exec: execCPUAffinity final applies to exec, not to the init; a bad list is an error" {
  [ "$(nproc)" -ge 2 ] || skip "needs two CPUs"
  all=$(awk '/^Cpus_allowed_list/ {print $2}' /proc/self/status)
  cfg "c['process']['execCPUAffinity'] = {'initial': '1', 'final': '0'}"
  start_c1
  pid=$(rt state c1 | json_field pid)
  [ "$(awk '/^Cpus_allowed_list/ {print $2}' /proc/$pid/status)" = "$all" ]
  run rt exec c1 sh -c 'grep Cpus_allowed_list /proc/self/status'
  [ "$status" -eq 0 ]
  [[ "$output" == *"Cpus_allowed_list:"*"0" ]]
  cat >"$BATS_TEST_TMPDIR/p.json" <<'EOF'
{"args": ["true"], "cwd": "/", "user": {"uid": 0, "gid": 0}, "execCPUAffinity": {"initial": "x-y"}}
EOF
  run rt exec --process "$BATS_TEST_TMPDIR/p.json" c1
  [ "$status" -ne 0 ]
  [[ "$output" == *"execCPUAffinity.initial"* ]]
}

@test "exec: --detach with --pid-file returns while the process runs" {
  start_c1
  rt exec -d --pid-file "$BATS_TEST_TMPDIR/ep" c1 sleep 100
  p=$(cat "$BATS_TEST_TMPDIR/ep")
  [ -d "/proc/$p" ]
  [ "$(readlink /proc/$p/exe)" = "$LC_ROOTFS/bin/busybox" ] || [ "$(readlink /proc/$p/exe)" = /bin/busybox ]
  kill -9 "$p"
}

@test "exec: --tty through --console-socket" {
  start_c1
  recvtty_start
  rt exec -t --console-socket "$sock" c1 tty
  wait "$rpid" || true
  grep -q '^/dev/pts/' "$BATS_TEST_TMPDIR/tty.out"
}

@test "exec: --cap adds a capability, and no host fd or rt binary leaks in" {
  cfg "c['process']['capabilities'] = {'bounding': ['CAP_CHOWN'], 'effective': ['CAP_CHOWN'], 'permitted': ['CAP_CHOWN']}"
  start_c1
  run rt exec c1 sh -c 'grep CapEff /proc/self/status'
  [[ "$output" == *"0000000000000001" ]]
  run rt exec --cap CAP_KILL c1 sh -c 'grep CapEff /proc/self/status'
  [[ "$output" == *"0000000000000021" ]]
  run rt exec c1 sh -c 'ls /proc/self/fd | wc -l; readlink /proc/self/exe'
  [ "${lines[0]}" -le 4 ]
  [ "${lines[1]}" = /bin/busybox ]
}

@test "exec: --no-new-privs, --preserve-fds, and --process-label/--apparmor without the LSM" {
  cfg "c['process']['noNewPrivileges'] = False"
  start_c1
  run rt exec c1 sh -c 'grep NoNewPrivs /proc/self/status'
  [[ "$output" == *"NoNewPrivs:"*"0" ]]
  run rt exec --no-new-privs c1 sh -c 'grep NoNewPrivs /proc/self/status'
  [[ "$output" == *"NoNewPrivs:"*"1" ]]
  # fds 3 and 4 of rt pass through, 5 does not (the 5 ls lists is its own
  # directory's)
  echo hello-fd3 >"$BATS_TEST_TMPDIR/f3"
  run rt exec --preserve-fds 2 c1 sh -c 'cat <&3; ls /proc/self/fd' 3<"$BATS_TEST_TMPDIR/f3" 4</dev/null 5</dev/null
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = hello-fd3 ]
  [ "${lines[*]:1}" = "0 1 2 3 4 5" ]
  if ! { [ -d /sys/fs/selinux ] && [ -e /sys/fs/selinux/enforce ]; }; then
    run rt exec --process-label system_u:system_r:container_t:s0 c1 true
    [ "$status" -ne 0 ]
    [[ "$output" == *"selinuxLabel"*"SELinux"* ]]
  fi
  if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ]; then
    run rt exec --apparmor unconfined c1 true
    [ "$status" -ne 0 ]
    [[ "$output" == *"apparmorProfile"*"AppArmor"* ]]
  fi
}

@test "exec: into a stopped container is an error" {
  args true
  rt run -d c1
  wait_status c1 stopped
  run rt exec c1 true
  [ "$status" -ne 0 ]
  [[ "$output" == *"stopped"* ]]
}

@test "exec: a missing program is an error naming it" {
  start_c1
  run rt exec c1 /nonexistent
  [ "$status" -ne 0 ]
  [[ "$output" == *"/nonexistent"* ]]
}

@test "exec: into a container with a user namespace" {
  cfg "c['linux']['namespaces'].append({'type': 'user'}); c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]; c['linux']['gidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]"
  chmod 755 "$BATS_TEST_TMPDIR" "$BATS_FILE_TMPDIR"
  start_c1
  run rt exec c1 sh -c 'id -u; cat /proc/self/uid_map'
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0 ]
  [[ "${lines[1]}" == *100000* ]]
}

@test "exec: 100 concurrent execs all succeed and leave no zombie, process or fd" {
  start_c1
  init=$(rt state c1 | json_field pid)
  fds_before=$(ls /proc/$init/fd | wc -l)
  ours_before=$(ls /proc/self/fd | wc -l)
  for i in $(seq 100); do
    rt exec c1 sh -c 'exit 0' &
  done
  fails=0
  for j in $(jobs -p); do wait "$j" || fails=$((fails + 1)); done
  [ "$fails" -eq 0 ]
  # no zombie anywhere under the container's processes or ours
  zombies=$(ps -eo stat,ppid | awk -v p="$init" -v me="$$" '$1 ~ /Z/ && ($2 == p || $2 == me)' | wc -l)
  [ "$zombies" -eq 0 ]
  # nothing but the init is left in the container (its cgroup lists it alone)
  [ "$(rt ps c1 | tail -n +2 | wc -l)" -eq 1 ]
  # the init's fds are what they were; rt exec held none of ours open
  [ "$(ls /proc/$init/fd | wc -l)" -eq "$fds_before" ]
  [ "$(ls /proc/self/fd | wc -l)" -eq "$ours_before" ]
  # no rt exec is left on the host
  [ -z "$(pgrep -f "$RT --root $ROOT exec" || true)" ]
}

@test "exec: signals to rt exec reach the process" {
  start_c1
  "$RT" --root "$ROOT" exec c1 sh -c 'trap "exit 9" TERM; while true; do sleep 0.1; done' &
  epid=$!
  sleep 0.5
  kill -TERM "$epid"
  wait "$epid" || st=$?
  [ "${st:-0}" -eq 9 ]
}

@test "exec: into a paused container is an error; --ignore-paused runs it once resumed" {
  cfg "c['root']['readonly'] = False"
  start_c1
  rt pause c1
  run rt exec c1 true
  [ "$status" -ne 0 ]
  [[ "$output" == *"paused"*"--ignore-paused"* ]]
  # -d returns once the process is in place (frozen with the rest);
  # resume must not wait for rt exec (no lock held across the wait).
  timeout 10 "$RT" --root "$ROOT" exec -d --ignore-paused c1 sh -c 'echo ran >/tmp/ranfile' &
  epid=$!
  sleep 0.5
  timeout 10 "$RT" --root "$ROOT" resume c1
  wait "$epid"
  sleep 0.3
  [ "$(rt exec c1 cat /tmp/ranfile)" = ran ]
}

@test "exec: pause, resume and state work while a foreground exec runs" {
  start_c1
  "$RT" --root "$ROOT" exec c1 sleep 3 &
  epid=$!
  sleep 0.5
  timeout 5 "$RT" --root "$ROOT" pause c1
  wait_status c1 paused
  timeout 5 "$RT" --root "$ROOT" resume c1
  wait_status c1 running
  wait "$epid"
}

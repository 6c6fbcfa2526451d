#!/usr/bin/env bats
# The container lifecycle (runtime.md "Lifecycle", "Operations") on real
# containers on this kernel. Every test ends with a leak check: no state
# directory, mount or process may be left behind.

load lifecycle_helpers

setup_file() { lc_setup_file; }
setup() { lc_setup; }
teardown() { lc_teardown; }

@test "run: the container's output reaches our stdout" {
  args sh -c 'echo hello from inside'
  run rt run c1
  [ "$status" -eq 0 ]
  [ "$output" = "hello from inside" ]
}

@test "run: exit status of the container is rt's exit status" {
  args sh -c 'exit 7'
  run rt run c1
  [ "$status" -eq 7 ]
}

@test "run: a container killed by a signal gives 128+signal" {
  # Not pid 1 of a pid namespace: init ignores SIGKILL sent from inside it.
  cfg "c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'pid']"
  args sh -c 'kill -9 $$'
  run rt run c1
  [ "$status" -eq 137 ]
}

@test "run BUNDLE_DIR: the id is the directory's name" {
  args sh -c 'echo positional'
  cp -r "$BUNDLE" "$BATS_TEST_TMPDIR/mybox"
  run "$RT" --root "$ROOT" run "$BATS_TEST_TMPDIR/mybox/"
  [ "$status" -eq 0 ]
  [ "$output" = "positional" ]
}

@test "run . and run ../DIR/: the id is the name of the directory they resolve to" {
  cp -r "$BUNDLE" "$BATS_TEST_TMPDIR/dotbox"
  cd "$BATS_TEST_TMPDIR/dotbox"
  rt run --keep .
  [ "$(rt list -q)" = dotbox ]
  rt delete dotbox
  mkdir sub && cd sub
  rt run --keep ..
  [ "$(rt list -q)" = dotbox ]
  rt delete dotbox
  rt run --keep ../../dotbox/
  [ "$(rt list -q)" = dotbox ]
  rt delete dotbox
}

@test "run --keep keeps the stopped container; delete removes it" {
  run rt run --keep c1
  [ "$status" -eq 0 ]
  run rt state c1
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | json_field status)" = stopped ]
  rt delete c1
  run rt state c1
  [ "$status" -ne 0 ]
}

# rt run is a child subreaper (as runc): without a pid namespace, what a
# container process orphans is reparented to rt, which reaps it.
@test "run: orphans of the container are reparented to rt and reaped" {
  cfg "c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'pid']; c['root']['readonly'] = False"
  args sh -c '(sleep 0.5 & echo $! >/tmp/orphan); sleep 0.2; awk "/^PPid/ {print \$2}" /proc/$(cat /tmp/orphan)/status; sleep 0.8; [ -e /proc/$(cat /tmp/orphan) ] && echo not-reaped || echo reaped'
  "$RT" --root "$ROOT" run c1 >"$BATS_TEST_TMPDIR/out" &
  rtpid=$!
  wait "$rtpid"
  [ "$(head -1 "$BATS_TEST_TMPDIR/out")" = "$rtpid" ]
  [ "$(tail -1 "$BATS_TEST_TMPDIR/out")" = reaped ]
}

@test "run --detach returns while the process runs" {
  args sleep 100
  rt run --detach --pid-file "$BATS_TEST_TMPDIR/pid" c1
  wait_status c1 running
  pid=$(cat "$BATS_TEST_TMPDIR/pid")
  [ -d "/proc/$pid" ]
  rt kill c1 KILL
  wait_status c1 stopped
  rt delete c1
}

@test "run: signals sent to rt are forwarded to the container" {
  args sh -c 'trap "echo got TERM; exit 3" TERM; while true; do sleep 0.1; done'
  "$RT" --root "$ROOT" run c1 >"$BATS_TEST_TMPDIR/out" &
  rtpid=$!
  wait_status c1 running
  sleep 0.3
  kill -TERM "$rtpid"
  wait "$rtpid" || status=$?
  [ "${status:-0}" -eq 3 ]
  grep -q "got TERM" "$BATS_TEST_TMPDIR/out"
}

@test "create/start/state/kill/delete: the runtime.md state machine" {
  args sleep 100
  rt create --bundle "$BUNDLE" c1
  run rt state c1
  [ "$status" -eq 0 ]
  [ "$(echo "$output" | json_field status)" = created ]
  pid=$(echo "$output" | json_field pid)
  [ "$pid" -gt 0 ]
  [ -d "/proc/$pid" ]
  [ "$(echo "$output" | json_field bundle)" = "$BUNDLE" ]
  # runtime.md "start": the user's program runs only after start
  [ "$(readlink /proc/$pid/exe)" != /bin/sleep ]
  rt start c1
  wait_status c1 running
  # runtime.md "start": start of a container that is not created is an error
  run rt start c1
  [ "$status" -ne 0 ]
  # runtime.md "delete": delete of a running container errors and has no effect
  run rt delete c1
  [ "$status" -ne 0 ]
  [[ "$output" == *"not stopped"* ]]
  wait_status c1 running
  rt kill c1 KILL
  wait_status c1 stopped
  # runtime.md "kill": a stopped container cannot be signalled
  run rt kill c1 TERM
  [ "$status" -ne 0 ]
  rt delete c1
  run rt state c1
  [ "$status" -ne 0 ]
}

@test "create: a duplicate id is an error and leaves the first container alone" {
  args sleep 100
  rt create --bundle "$BUNDLE" c1
  run rt create --bundle "$BUNDLE" c1
  [ "$status" -ne 0 ]
  [[ "$output" == *"exists"* ]]
  wait_status c1 created
  rt delete --force c1
}

@test "create: the process is stopped once its init dies, whatever rt was told" {
  args sleep 100
  rt create --bundle "$BUNDLE" c1
  pid=$(rt state c1 | json_field pid)
  kill -9 "$pid"
  wait_status c1 stopped
  rt delete c1
}

@test "kill: signals by name, SIG-name and number" {
  # pid 1 of a pid namespace gets only the signals it handles: trap TERM.
  args sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done'
  for sig in TERM SIGKILL 9; do
    rt run -d c1
    rt kill c1 "$sig"
    wait_status c1 stopped
    rt delete c1
  done
  rt run -d c1
  run rt kill c1 NOSUCHSIG
  [ "$status" -ne 0 ]
  rt delete --force c1
}

@test "kill --all signals every process of the container" {
  args sh -c 'sleep 100 & sleep 100 & wait'
  rt run -d c1
  wait_status c1 running
  sleep 0.2
  rt kill --all c1 KILL
  wait_status c1 stopped
  rt delete c1
}

@test "delete --force kills a running container" {
  args sleep 100
  rt run -d --pid-file "$BATS_TEST_TMPDIR/pid" c1
  pid=$(cat "$BATS_TEST_TMPDIR/pid")
  rt delete --force c1
  [ ! -d "/proc/$pid" ] || [ "$(awk '{print $3}' /proc/$pid/stat)" = Z ]
  run rt state c1
  [ "$status" -ne 0 ]
}

@test "delete of a missing container: an error naming it, but success with --force (as runc)" {
  run rt delete nosuch
  [ "$status" -eq 1 ]
  [[ "$output" == *'"nosuch" does not exist'* ]]
  run rt delete --force nosuch
  [ "$status" -eq 0 ]
  [ -z "$output" ]
}

@test "delete removes a state directory without state.json (an aborted create)" {
  mkdir -p "$ROOT/aborted" "$ROOT/aborted2"
  run rt delete aborted
  [ "$status" -eq 1 ]
  [[ "$output" == *"without state.json"*"removed"* ]]
  [ ! -e "$ROOT/aborted" ]
  rt delete --force aborted2
  [ ! -e "$ROOT/aborted2" ]
}

@test "--pid-file: relative paths are relative to the caller's cwd" {
  args sleep 100
  cd "$BATS_TEST_TMPDIR"
  rt create --bundle "$BUNDLE" --pid-file rel.pid c1
  [ "$(cat rel.pid)" = "$(rt state c1 | json_field pid)" ]
  rt delete --force c1
}

@test "errors: a missing executable fails create and leaves nothing behind" {
  args /bin/nonexistent
  run rt create --bundle "$BUNDLE" c1
  [ "$status" -ne 0 ]
  [[ "$output" == *"exec /bin/nonexistent: no such file or directory in the container's root"* ]]
  run rt state c1
  [ "$status" -ne 0 ]
}

@test "errors: a program not on PATH names PATH" {
  args nosuchprogram
  run rt run c1
  [ "$status" -ne 0 ]
  [[ "$output" == *'"nosuchprogram": executable file not found in $PATH'* ]]
}

@test "errors: a bad config names the JSON path and leaves nothing" {
  cfg "c['process']['cwd'] = 5"
  run rt run c1
  [ "$status" -ne 0 ]
  [[ "$output" == *"config.json: .process.cwd"* ]]
  [ ! -e "$ROOT/c1" ]
}

@test "errors: a mount of a missing source fails create and leaves nothing" {
  cfg "c['mounts'].append({'destination': '/mnt', 'type': 'bind', 'source': '/nonexistent/src', 'options': ['bind']})"
  run rt run c1
  [ "$status" -ne 0 ]
  [[ "$output" == *".mounts["*"/nonexistent/src"* ]]
  [ ! -e "$ROOT/c1" ]
}

@test "errors: an invalid container id is refused" {
  run rt run "../evil"
  [ "$status" -ne 0 ]
  [ ! -e "$BATS_TEST_TMPDIR/evil" ]
}

@test "config: hostname, domainname, env, cwd (created when missing)" {
  cfg "c['hostname'] = 'box1'; c['domainname'] = 'example.test'; c['process']['env'].append('FOO=bar baz'); c['process']['cwd'] = '/work/dir'"
  args sh -c 'echo $(hostname) $(cat /proc/sys/kernel/domainname) "$FOO" $(pwd)'
  run rt run c1
  [ "$status" -eq 0 ]
  [ "$output" = "box1 example.test bar baz /work/dir" ]
}

@test "config: user uid, gid, additionalGids and umask" {
  cfg "c['process']['user'] = {'uid': 1000, 'gid': 1001, 'additionalGids': [5, 7], 'umask': 63}"
  args sh -c 'echo $(id -u) $(id -g) $(id -G); umask'
  run rt run c1
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "1000 1001 1001 5 7" ] || [ "${lines[0]}" = "1000 1001 5 7" ]
  [ "${lines[1]}" = "0077" ]
}

@test "config: rlimits are applied (soft and hard)" {
  cfg "c['process']['rlimits'] = [{'type': 'RLIMIT_NOFILE', 'soft': 123, 'hard': 456}, {'type': 'RLIMIT_CORE', 'soft': 0, 'hard': 0}]"
  args sh -c 'ulimit -Sn; ulimit -Hn; ulimit -Hc'
  run rt run c1
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 123 ]
  [ "${lines[1]}" = 456 ]
  [ "${lines[2]}" = 0 ]
}

@test "config: raising a hard rlimit without CAP_SYS_RESOURCE fails clearly" {
  # This machine's bounding set lacks CAP_SYS_RESOURCE: the kernel refuses,
  # and rt must say why instead of starting with a lower limit.
  if grep -q '^CapBnd:.*' /proc/self/status && capsh --has-p=cap_sys_resource 2>/dev/null; then
    skip "this host has CAP_SYS_RESOURCE; the refusal cannot be shown here"
  fi
  hard=$(ulimit -Hn)
  cfg "c['process']['rlimits'] = [{'type': 'RLIMIT_NOFILE', 'soft': 1024, 'hard': $((hard * 2))}]"
  run rt run c1
  [ "$status" -ne 0 ]
  [[ "$output" == *"rlimits[0]"*"CAP_SYS_RESOURCE"* ]]
}

@test "config: linux.intelRdt without a resctrl mount is an error naming it; nothing left" {
  # config-linux.md "IntelRdt": no mounted resctrl filesystem MUST be an error.
  ! grep -q " - resctrl " /proc/self/mountinfo
  cfg "c['linux']['intelRdt'] = {'closID': 'rt-test', 'l3CacheSchema': 'L3:0=ff'}"
  run rt run c1
  [ "$status" -eq 1 ]
  [[ "$output" == *".linux.intelRdt: no resctrl filesystem is mounted"* ]]
  [ ! -e "$ROOT/c1" ]
}

@test "config: an unknown rlimit is an error" {
  cfg "c['process']['rlimits'] = [{'type': 'RLIMIT_BOGUS', 'soft': 1, 'hard': 1}]"
  run rt run c1
  [ "$status" -ne 0 ]
  [[ "$output" == *"RLIMIT_BOGUS"* ]]
}

@test "config: oomScoreAdj" {
  cfg "c['process']['oomScoreAdj'] = 123"
  args cat /proc/self/oom_score_adj
  run rt run c1
  [ "$output" = 123 ]
}

@test "config: namespaced sysctl is set, a host one is refused" {
  cfg "c['linux']['sysctl'] = {'kernel.shm_rmid_forced': '1'}"
  args cat /proc/sys/kernel/shm_rmid_forced
  run rt run c1
  [ "$status" -eq 0 ]
  [ "$output" = 1 ]
  cfg "c['linux']['sysctl'] = {'vm.swappiness': '10'}"
  run rt run c2
  [ "$status" -ne 0 ]
  [[ "$output" == *'sysctl["vm.swappiness"]'* ]]
  # a net.* sysctl with the host's own network namespace joined by path
  cfg "c['linux']['sysctl'] = {'net.ipv4.ip_forward': '1'}
c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'network'] + [{'type': 'network', 'path': '/proc/$$/ns/net'}]"
  before=$(cat /proc/sys/net/ipv4/ip_forward)
  run rt run c3
  [ "$status" -ne 0 ]
  [[ "$output" == *"sysctl[\"net.ipv4.ip_forward\"]: the network namespace at /proc/$$/ns/net is the host"* ]]
  [ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$before" ]
  [ ! -e "$ROOT/c3" ]
}

@test "config: root.readonly makes / read-only" {
  cfg "c['root']['readonly'] = True"
  args sh -c 'touch /newfile 2>&1; echo rc=$?'
  run rt run c1
  [[ "$output" == *"Read-only file system"* ]]
  [ ! -e "$LC_ROOTFS/newfile" ]
}

@test "config: namespaces are new (pid 1, own uts, ipc, net)" {
  args sh -c 'echo $$; for n in uts ipc net mnt; do readlink /proc/self/ns/$n; done'
  run rt run c1
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 1 ]
  [ "${lines[1]}" != "$(readlink /proc/self/ns/uts)" ]
  [ "${lines[2]}" != "$(readlink /proc/self/ns/ipc)" ]
  [ "${lines[4]}" != "$(readlink /proc/self/ns/mnt)" ]
}

@test "config: joining a namespace by path" {
  unshare --uts --mount-proc=/proc sleep 100 &
  # the uts namespace of an unshare(1) process
  sleep 0.3
  upid=$(pgrep -n -P $! sleep || echo $!)
  hostname_ns=$(readlink /proc/$upid/ns/uts)
  cfg "c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'uts'] + [{'type': 'uts', 'path': '/proc/$upid/ns/uts'}]"
  args readlink /proc/self/ns/uts
  run rt run c1
  kill $! 2>/dev/null || true
  wait || true
  [ "$status" -eq 0 ]
  [ "$output" = "$hostname_ns" ]
}

@test "config: a namespace path of the wrong type is an error" {
  cfg "c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'uts'] + [{'type': 'uts', 'path': '/proc/self/ns/net'}]"
  run rt run c1
  [ "$status" -ne 0 ]
  [[ "$output" == *"namespaces"* ]]
}

@test "config: a user namespace with mappings" {
  cfg "c['linux']['namespaces'].append({'type': 'user'}); c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]; c['linux']['gidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]"
  # The container's root (host uid 100000) must be able to reach its rootfs.
  chmod 755 "$BATS_RUN_TMPDIR" "$(dirname "$BATS_FILE_TMPDIR")" "$BATS_FILE_TMPDIR" "$BATS_TEST_TMPDIR"
  args sh -c 'id -u; cat /proc/self/uid_map'
  run rt run c1
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0 ]
  [[ "${lines[1]}" == *"100000"*"65536"* ]]
}

# A user namespace held by another process, mapped 0 -> 100000 by us (root).
userns_holder() {
  unshare --user sleep 100 &
  HOLDER=$!
  local i
  for i in $(seq 50); do
    [ "$(readlink /proc/$HOLDER/ns/user)" != "$(readlink /proc/self/ns/user)" ] && break
    sleep 0.05
  done
  echo '0 100000 65536' >/proc/$HOLDER/uid_map
  echo '0 100000 65536' >/proc/$HOLDER/gid_map
}

# config-linux.md, namespaces: a path joins that namespace. The new
# namespaces of the config must then be owned by the joined user namespace
# (Kubernetes user-namespace pods: each container joins the sandbox's): rt
# joins it before it clones the init, so root in there can mount /proc and
# set the hostname. Joined by the init after the clone (rt before), the new
# mount namespace belonged to the host's user namespace: EPERM.
@test "config: joining a user namespace by path, with new pid, mount, uts, ipc and net" {
  userns_holder
  chmod 755 "$BATS_RUN_TMPDIR" "$(dirname "$BATS_FILE_TMPDIR")" "$BATS_FILE_TMPDIR" "$BATS_TEST_TMPDIR"
  cfg "c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'user'] + [{'type': 'user', 'path': '/proc/$HOLDER/ns/user'}]
c['linux'].pop('uidMappings', None); c['linux'].pop('gidMappings', None)"
  args sh -c 'id -u; cat /proc/self/uid_map; echo $$; readlink /proc/self/ns/user; hostname'
  run rt run c1
  want=$(readlink /proc/$HOLDER/ns/user)
  kill $HOLDER; wait $HOLDER || true
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0 ]
  [[ "${lines[1]}" == *"0"*"100000"*"65536"* ]]
  [ "${lines[2]}" = 1 ]
  [ "${lines[3]}" = "$want" ]
  [ "${lines[4]}" = "$(json_field hostname <"$BUNDLE/config.json")" ]
}

# The other way round: a new user namespace beside a network namespace the
# host's user namespace owns (ip netns). rt joins the network namespace
# first, as root of the host; from inside the new user namespace it could
# not (EPERM).
@test "config: a new user namespace with a network namespace joined by path" {
  ns=rt-bats-$$-$BATS_TEST_NUMBER
  ip netns add "$ns"
  chmod 755 "$BATS_RUN_TMPDIR" "$(dirname "$BATS_FILE_TMPDIR")" "$BATS_FILE_TMPDIR" "$BATS_TEST_TMPDIR"
  cfg "c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'network'] + [{'type': 'user'}, {'type': 'network', 'path': '/var/run/netns/$ns'}]
c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
c['linux']['gidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]"
  args sh -c 'id -u; readlink /proc/self/ns/net'
  run rt run c1
  want="net:[$(stat -L -c %i /var/run/netns/$ns)]"
  ip netns del "$ns"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0 ]
  [ "${lines[1]}" = "$want" ]
}

@test "config: a user namespace without mappings is an error" {
  cfg "c['linux']['namespaces'].append({'type': 'user'})"
  run rt run c1
  [ "$status" -ne 0 ]
  [[ "$output" == *"uidMappings"* ]]
}

@test "config: time namespace offsets shift CLOCK_BOOTTIME" {
  cfg "c['linux']['namespaces'].append({'type': 'time'}); c['linux']['timeOffsets'] = {'boottime': {'secs': 86400000, 'nanosecs': 0}}"
  args cat /proc/uptime
  run rt run c1
  [ "$status" -eq 0 ]
  up=${output%%.*}
  [ "$up" -gt 86400000 ]
}

@test "mounts: tmpfs with options and data, in config order" {
  cfg "c['mounts'].append({'destination': '/data', 'type': 'tmpfs', 'source': 'tmpfs', 'options': ['nosuid', 'nodev', 'noexec', 'ro', 'size=64k', 'mode=700']})"
  args sh -c 'grep " /data " /proc/self/mountinfo; stat -c %a /data'
  run rt run c1
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *" /data "*"ro,nosuid,nodev,noexec"*"tmpfs"*"size=64k"* ]]
  [ "${lines[1]}" = 700 ]
}

@test "mounts: bind mounts of a directory, a file and a relative source" {
  mkdir -p "$BATS_TEST_TMPDIR/hostdir" "$BUNDLE/reldir"
  echo dircontent >"$BATS_TEST_TMPDIR/hostdir/f"
  echo filecontent >"$BATS_TEST_TMPDIR/hostfile"
  echo relcontent >"$BUNDLE/reldir/r"
  cfg "c['mounts'] += [{'destination': '/mnt/d', 'type': 'bind', 'source': '$BATS_TEST_TMPDIR/hostdir', 'options': ['rbind', 'ro']}, {'destination': '/etc/hostfile', 'type': 'bind', 'source': '$BATS_TEST_TMPDIR/hostfile', 'options': ['bind']}, {'destination': '/rel', 'source': 'reldir', 'options': ['bind']}]"
  args sh -c 'cat /mnt/d/f /etc/hostfile /rel/r; touch /mnt/d/new 2>&1 || true'
  run rt run c1
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = dircontent ]
  [ "${lines[1]}" = filecontent ]
  [ "${lines[2]}" = relcontent ]
  [[ "${lines[3]}" == *"Read-only file system"* ]]
}

@test "mounts: recursive attributes (rro) reach submounts" {
  mkdir -p "$BATS_TEST_TMPDIR/top/sub"
  mount -t tmpfs tmpfs "$BATS_TEST_TMPDIR/top/sub"
  cfg "c['mounts'].append({'destination': '/top', 'type': 'bind', 'source': '$BATS_TEST_TMPDIR/top', 'options': ['rbind', 'rro']})"
  args sh -c 'touch /top/sub/x 2>&1 || true'
  run rt run c1
  umount "$BATS_TEST_TMPDIR/top/sub"
  [[ "$output" == *"Read-only file system"* ]]
}

@test "mounts: a symlink in the rootfs cannot redirect a mount outside it" {
  mkdir -p "$BATS_TEST_TMPDIR/outside"
  r="$BATS_TEST_TMPDIR/rootfs2"
  cp -a "$LC_ROOTFS" "$r"
  ln -s "$BATS_TEST_TMPDIR/outside" "$r/evil"
  cfg "c['root']['path'] = '$r'; c['mounts'].append({'destination': '/evil/x', 'type': 'tmpfs', 'source': 'tmpfs'})"
  args sh -c 'grep -c " /evil/x\| $BATS_TEST_TMPDIR/outside/x " /proc/self/mountinfo || true'
  run rt run c1
  # The symlink resolves inside the rootfs: the host's directory is untouched.
  [ ! -e "$BATS_TEST_TMPDIR/outside/x" ]
  [ -d "$r$BATS_TEST_TMPDIR/outside/x" ]
}

@test "rootfsPropagation: slave sees host mounts, private does not; shared reaches back" {
  # The host's mounts here are private: make the rootfs a shared mount of its
  # own so that propagation has a peer group to work with.
  r="$BATS_TEST_TMPDIR/rootfs2"
  cp -a "$LC_ROOTFS" "$r"
  mkdir -p "$r/prop" "$r/back"
  mount --bind "$r" "$r"
  mount --make-rshared "$r"
  cfg "c['root']['path'] = '$r'; c['linux']['rootfsPropagation'] = 'rslave'"
  args sh -c 'sleep 1; ls /prop'
  "$RT" --root "$ROOT" run c1 >"$BATS_TEST_TMPDIR/out" &
  sleep 0.5
  mount -t tmpfs tmpfs "$r/prop" && touch "$r/prop/fromhost"
  wait
  umount "$r/prop"
  grep -q fromhost "$BATS_TEST_TMPDIR/out"

  cfg "c['linux']['rootfsPropagation'] = 'private'"
  "$RT" --root "$ROOT" run c2 >"$BATS_TEST_TMPDIR/out2" &
  sleep 0.5
  mount -t tmpfs tmpfs "$r/prop" && touch "$r/prop/fromhost"
  wait
  umount "$r/prop"
  ! grep -q fromhost "$BATS_TEST_TMPDIR/out2"

  umount -R "$r"

  # rshared: a mount made inside the container, on a bind mount of a shared
  # host directory, shows on the host (as with runc, the rootfs itself is a
  # private bind: pivot_root needs that).
  vol="$BATS_TEST_TMPDIR/vol"
  mkdir -p "$vol"
  mount --bind "$vol" "$vol"
  mount --make-shared "$vol"
  cfg "c['root']['path'] = '$LC_ROOTFS'; c['linux']['rootfsPropagation'] = 'rshared'; c['mounts'].append({'destination': '/back', 'type': 'bind', 'source': '$vol', 'options': ['rbind']}); c['process']['capabilities']['bounding'].append('CAP_SYS_ADMIN'); c['process']['capabilities']['effective'].append('CAP_SYS_ADMIN'); c['process']['capabilities']['permitted'].append('CAP_SYS_ADMIN')"
  args sh -c 'mount -t tmpfs fromcontainer /back && sleep 1'
  "$RT" --root "$ROOT" run c3 &
  seen=0
  for i in $(seq 20); do
    grep -q " $vol .* fromcontainer" /proc/self/mountinfo && { seen=1; break; }
    sleep 0.1
  done
  wait
  while mountpoint -q "$vol"; do umount "$vol"; done
  [ "$seen" = 1 ]
}

@test "maskedPaths and readonlyPaths" {
  # A file (not empty on the host), a directory, a path that does not exist.
  [ "$(wc -c </proc/timer_list)" -gt 0 ]
  cfg "c['linux']['maskedPaths'] = ['/proc/timer_list', '/proc/acpi', '/nonexistent']; c['linux']['readonlyPaths'] = ['/proc/sys']"
  args sh -c 'wc -c </proc/timer_list; grep " /proc/acpi " /proc/self/mountinfo | grep -c " ro,.* tmpfs "; echo 1 >/proc/sys/kernel/shm_rmid_forced 2>&1 || true'
  run rt run c1
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0 ]
  [ "${lines[1]}" = 1 ]
  [[ "${lines[2]}" == *"Read-only file system"* ]]
}

@test "maskedPaths: a symlink planted at a masked path does not mask its target" {
  r="$BATS_TEST_TMPDIR/rootfs2"
  cp -a "$LC_ROOTFS" "$r"
  echo secret-but-visible >"$r/etc/target"
  ln -s /etc/target "$r/etc/masked-link"
  cfg "c['root']['path'] = '$r'; c['linux']['maskedPaths'] = ['/etc/masked-link']"
  args cat /etc/target
  run rt run c1
  [ "$status" -eq 0 ]
  [ "$output" = secret-but-visible ]
}

@test "/dev: default devices, links, and linux.devices with mode and owner" {
  cfg "c['linux']['devices'] = [{'path': '/dev/mydev', 'type': 'c', 'major': 1, 'minor': 7, 'fileMode': 416, 'uid': 1000, 'gid': 1001}]"
  args sh -c 'for d in null zero full random urandom tty mydev; do stat -c "%n %t:%T %a %u:%g" /dev/$d; done; for l in fd stdin ptmx; do readlink /dev/$l; done'
  run rt run c1
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "/dev/null 1:3 666 0:0" ]
  [ "${lines[1]}" = "/dev/zero 1:5 666 0:0" ]
  [ "${lines[2]}" = "/dev/full 1:7 666 0:0" ]
  [ "${lines[3]}" = "/dev/random 1:8 666 0:0" ]
  [ "${lines[4]}" = "/dev/urandom 1:9 666 0:0" ]
  [ "${lines[5]}" = "/dev/tty 5:0 666 0:0" ]
  [ "${lines[6]}" = "/dev/mydev 1:7 640 1000:1001" ]
  [ "${lines[7]}" = /proc/self/fd ]
  [ "${lines[8]}" = /proc/self/fd/0 ]
  [ "${lines[9]}" = pts/ptmx ]
}

# config-linux.md devices: in a user namespace mknod is not allowed; rt
# bind-mounts the host's device node at the path instead (as runc), so the
# node is the host's, with its type and numbers.
@test "/dev: linux.devices in a user namespace are mounted in (nodes rt makes on the host side)" {
  [ -c /dev/net/tun ] || skip "no /dev/net/tun on this host"
  chmod 755 "$BATS_RUN_TMPDIR" "$(dirname "$BATS_FILE_TMPDIR")" "$BATS_FILE_TMPDIR" "$BATS_TEST_TMPDIR"
  cfg "c['linux']['namespaces'].append({'type': 'user'})
c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
c['linux']['gidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
c['linux']['devices'] = [{'path': '/dev/net/tun', 'type': 'c', 'major': 10, 'minor': 200}]"
  args sh -c 'stat -c "%n %F %t:%T" /dev/net/tun; grep -c " /dev/net/tun " /proc/self/mountinfo'
  run rt run c1
  echo "$output" >&3
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "/dev/net/tun character special file a:c8" ]
  [ "${lines[1]}" = 1 ]
}

# An overlay mount from the config (mount(8)'s data options).
@test "mounts: an overlay from the config, writes landing in its upperdir" {
  d=$BATS_TEST_TMPDIR/ov
  mkdir -p "$d/lower" "$d/upper" "$d/work"
  echo from-lower >"$d/lower/f"
  cfg "c['mounts'].append({'destination': '/ov', 'type': 'overlay', 'source': 'overlay',
  'options': ['lowerdir=$d/lower', 'upperdir=$d/upper', 'workdir=$d/work']})"
  args sh -c 'cat /ov/f; echo new >/ov/g; grep " /ov " /proc/self/mountinfo | sed "s/.* - //" | cut -d" " -f1'
  run rt run c1
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = from-lower ]
  [ "${lines[1]}" = overlay ]
  [ "$(cat "$d/upper/g")" = new ]
  [ ! -e "$d/lower/g" ]
}

@test "hooks: every kind runs in order with the state on stdin" {
  log="$BATS_TEST_TMPDIR/hooks.log"
  hook="$BATS_TEST_TMPDIR/hook.sh"
  printf '#!/bin/sh\nread -r state\necho "$1 $state" >>%s\n' "$log" >"$hook"
  chmod +x "$hook"
  # startContainer runs in the container after pivot_root (createContainer
  # before it, with host paths):
  # give them a script and a log reachable from there.
  mkdir -p "$LC_ROOTFS/hooklog"
  cp "$hook" "$LC_ROOTFS/bin/hook.sh"
  sed -i "s|$log|/hooklog/hooks.log|" "$LC_ROOTFS/bin/hook.sh"
  cfg "
h = lambda name, path: {'path': path, 'args': [path, name]}
c['hooks'] = {
  'prestart': [h('prestart', '$hook')],
  'createRuntime': [h('createRuntime', '$hook')],
  'createContainer': [h('createContainer', '$hook')],
  'startContainer': [h('startContainer', '/bin/hook.sh')],
  'poststart': [h('poststart', '$hook')],
  'poststop': [h('poststop', '$hook')],
}
c['mounts'].append({'destination': '/hooklog', 'type': 'bind', 'source': '$BATS_TEST_TMPDIR', 'options': ['bind']})
"
  args sleep 100
  rt create --bundle "$BUNDLE" c1
  rt start c1
  rt delete --force c1
  cat "$log" >&3
  run awk '{print $1}' "$log"
  [ "${lines[*]}" = "prestart createRuntime createContainer startContainer poststart poststop" ]
  grep -q '^prestart .*"status": *"creating"' "$log"
  grep -q '^createRuntime .*"id": *"c1"' "$log"
  grep -q '^startContainer .*"status": *"created"' "$log"
  grep -q '^poststart .*"status": *"running"' "$log"
  grep -q '^poststop .*"status": *"stopped"' "$log"
  rmdir "$LC_ROOTFS/hooklog"
  rm -f "$LC_ROOTFS/bin/hook.sh"
}

@test "hooks: a failing createRuntime hook fails create, runs poststop, leaves nothing" {
  printf '#!/bin/sh\necho poststop >>%s/log\n' "$BATS_TEST_TMPDIR" >"$BATS_TEST_TMPDIR/post.sh"
  chmod +x "$BATS_TEST_TMPDIR/post.sh"
  cfg "c['hooks'] = {'createRuntime': [{'path': '/bin/false'}], 'poststop': [{'path': '$BATS_TEST_TMPDIR/post.sh'}]}"
  args sleep 100
  run rt create --bundle "$BUNDLE" c1
  [ "$status" -ne 0 ]
  [[ "$output" == *"hooks.createRuntime[0]"* ]]
  [ "$(cat "$BATS_TEST_TMPDIR/log")" = poststop ]
  [ ! -e "$ROOT/c1" ]
}

@test "hooks: a failing poststart hook fails start and run, stops and destroys the container, runs poststop" {
  # runtime.md lifecycle step 9: error, stop the container, continue at step
  # 12 (destroy what create made) and 13 (poststop).
  printf '#!/bin/sh\necho poststop >>%s/log\n' "$BATS_TEST_TMPDIR" >"$BATS_TEST_TMPDIR/post.sh"
  chmod +x "$BATS_TEST_TMPDIR/post.sh"
  cfg "c['hooks'] = {'poststart': [{'path': '/bin/false'}], 'poststop': [{'path': '$BATS_TEST_TMPDIR/post.sh'}]}"
  args sleep 100
  rt create --pid-file "$BATS_TEST_TMPDIR/pid" c1
  pid=$(cat "$BATS_TEST_TMPDIR/pid")
  cg=$(lc_cgroup_dir "$pid")
  [ "$cg" != /sys/fs/cgroup ]
  [ "$cg" != /sys/fs/cgroup/pids ]
  [ -d "$cg" ]
  run rt start c1
  echo "$output" >&3
  [ "$status" -ne 0 ]
  [[ "$output" == *"hooks.poststart[0]"* ]]
  [ ! -e "$ROOT/c1" ]
  [ ! -d "/proc/$pid" ] || [ "$(awk '{print $3}' /proc/$pid/stat)" = Z ]
  [ ! -d "$cg" ]
  [ "$(cat "$BATS_TEST_TMPDIR/log")" = poststop ]
  rm "$BATS_TEST_TMPDIR/log"
  run rt run c2
  echo "c2: $output" >&3
  [ "$status" -ne 0 ]
  [[ "$output" == *"hooks.poststart[0]"* ]]
  [ ! -e "$ROOT/c2" ]
  lc_no_cgroup c2
  [ "$(cat "$BATS_TEST_TMPDIR/log")" = poststop ]
}

# Lifecycle steps 5 and 7: a failing createContainer (create) or
# startContainer (start) hook: an error, the container stopped and
# destroyed (step 12), and poststop (step 13). The hooks run in the
# container's namespaces, so /bin/false is the rootfs's.
@test "hooks: a failing createContainer or startContainer hook destroys the container and runs poststop" {
  printf '#!/bin/sh\necho poststop >>%s/log\n' "$BATS_TEST_TMPDIR" >"$BATS_TEST_TMPDIR/post.sh"
  chmod +x "$BATS_TEST_TMPDIR/post.sh"
  args sleep 100
  cfg "c['hooks'] = {'startContainer': [{'path': '/bin/false'}], 'poststop': [{'path': '$BATS_TEST_TMPDIR/post.sh'}]}"
  rt create --pid-file "$BATS_TEST_TMPDIR/pid" c1
  pid=$(cat "$BATS_TEST_TMPDIR/pid")
  cg=$(lc_cgroup_dir "$pid")
  [ "$cg" != /sys/fs/cgroup ]
  [ "$cg" != /sys/fs/cgroup/pids ]
  [ -d "$cg" ]
  [ ! -e "$BATS_TEST_TMPDIR/log" ]
  run rt start c1
  [ "$status" -ne 0 ]
  [[ "$output" == *"startContainer"* ]]
  [ ! -e "$ROOT/c1" ]
  [ ! -d "$cg" ]
  [ "$(cat "$BATS_TEST_TMPDIR/log")" = poststop ]
  rm "$BATS_TEST_TMPDIR/log"
  run rt run c2
  [ "$status" -ne 0 ]
  [ ! -e "$ROOT/c2" ]
  lc_no_cgroup c2
  [ "$(cat "$BATS_TEST_TMPDIR/log")" = poststop ]
  rm "$BATS_TEST_TMPDIR/log"
  cfg "c['hooks'] = {'createContainer': [{'path': '/bin/false'}], 'poststop': [{'path': '$BATS_TEST_TMPDIR/post.sh'}]}"
  run rt create c3
  [ "$status" -ne 0 ]
  [[ "$output" == *"createContainer"* ]]
  [ ! -e "$ROOT/c3" ]
  lc_no_cgroup c3
  [ "$(cat "$BATS_TEST_TMPDIR/log")" = poststop ]
}

@test "hooks: a hook past its timeout is killed and fails the create" {
  cfg "c['hooks'] = {'prestart': [{'path': '/bin/sleep', 'args': ['sleep', '30'], 'timeout': 1}]}"
  SECONDS=0
  run rt run c1
  [ "$status" -ne 0 ]
  [[ "$output" == *"timed out after 1 s"* ]]
  [ "$SECONDS" -lt 10 ]
}

@test "hooks: a failing poststop hook is only a warning" {
  cfg "c['hooks'] = {'poststop': [{'path': '/bin/false'}]}"
  run rt run c1
  [ "$status" -eq 0 ]
  [[ "$output" == *"warning"*"poststop"* ]]
}

@test "terminal: the pty master goes to --console-socket" {
  cfg "c['process']['terminal'] = True; c['process']['consoleSize'] = {'height': 33, 'width': 101}"
  args sh -c 'tty; stty size; readlink /proc/self/fd/0'
  recvtty_start
  rt run -d --console-socket "$sock" c1
  wait_status c1 stopped
  wait "$rpid" || true
  rt delete c1
  cat "$BATS_TEST_TMPDIR/tty.out" >&3
  grep -q '^/dev/pts/0' "$BATS_TEST_TMPDIR/tty.out"
  grep -q '^33 101' "$BATS_TEST_TMPDIR/tty.out"
}

# rt run (and exec -t) in the foreground without --console-socket: rt
# proxies its own terminal to the container's pty: raw mode, the window
# size at start and on SIGWINCH, the exit status.
@test "terminal: a foreground run proxies rt's terminal, its size and a resize" {
  cfg "c['process']['terminal'] = True"
  args sh -c 'tty; stty size; sleep 1.5; stty size; exit 3'
  run python3 "$BATS_TEST_DIRNAME/helpers/winch-run.py" 20 24 80 0.7 30 100 "$RT" --root "$ROOT" run c1
  echo "$output" >&3
  [ "$status" -eq 3 ]
  [[ "${lines[0]}" == /dev/pts/* ]]
  [ "${lines[1]}" = "24 80" ]
  [ "${lines[2]}" = "30 100" ]
  [ ! -e "$ROOT/c1" ]
}

@test "terminal: exec -t in the foreground proxies rt's terminal" {
  args sleep 100
  rt run -d c1
  wait_status c1 running
  run python3 "$BATS_TEST_DIRNAME/../clients/pty-run.py" 20 "$RT" --root "$ROOT" exec -t c1 sh -c 'tty; stty size; exit 4'
  echo "$output" >&3
  rt delete --force c1
  [ "$status" -eq 4 ]
  [[ "${lines[0]}" == /dev/pts/* ]]
  [ "${lines[1]}" = "24 80" ]
}

@test "terminal: a detached terminal container without --console-socket is refused" {
  cfg "c['process']['terminal'] = True"
  run rt create --bundle "$BUNDLE" c1
  [ "$status" -ne 0 ]
  [[ "$output" == *"console-socket"* ]]
  [ ! -e "$ROOT/c1" ]
}

@test "--preserve-fds passes extra fds; nothing else leaks into the container" {
  args sh -c 'cat <&3; ls /proc/self/fd | sort -n | tr "\n" " "'
  echo preserved >"$BATS_TEST_TMPDIR/in"
  run rt run --preserve-fds 1 c1 3<"$BATS_TEST_TMPDIR/in" 4<"$BATS_TEST_TMPDIR/in"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = preserved ]
  # 0 1 2, 3 (preserved) and the fd ls itself opens: never 4
  [[ "${lines[1]}" != *" 4 "* ]] || [ "$(echo "${lines[1]}" | wc -w)" -le 5 ]
}

@test "LISTEN_FDS: socket activation fds and LISTEN_PID reach the container" {
  args sh -c 'echo $LISTEN_FDS $LISTEN_PID; cat <&3'
  echo activated >"$BATS_TEST_TMPDIR/in"
  # LISTEN_PID must name rt itself (sd_listen_fds(3)): exec keeps the shell's pid.
  run sh -c 'export LISTEN_FDS=1 LISTEN_PID=$$; exec "$0" --root "$1" run c1' "$RT" "$ROOT" 3<"$BATS_TEST_TMPDIR/in"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "1 1" ]
  [ "${lines[1]}" = activated ]
  # A stale LISTEN_FDS meant for another process passes nothing.
  args sh -c 'cat <&3 && echo leaked'
  LISTEN_FDS=1 LISTEN_PID=1 run rt run c2 3<"$BATS_TEST_TMPDIR/in"
  [[ "$output" != *leaked* ]]
}

# NOTIFY_SOCKET (runc's behaviour): a host datagram socket receives what
# the service in the container sends with sd_notify; start and run -d return
# once READY=1 came, with MAINPID (the init's host pid) added.
notify_setup() {
  r="$BATS_TEST_TMPDIR/rootfs"
  cp -a "$LC_ROOTFS" "$r"
  gcc -O1 -static -o "$r/bin/sdnotify" "$BATS_TEST_DIRNAME/helpers/sdnotify.c"
  cfg "c['root']['path'] = '$r'"
  args sh -c 'echo "$NOTIFY_SOCKET"; sleep 0.5; sdnotify STATUS=starting; sdnotify READY=1; sleep 100'
  host="$BATS_TEST_TMPDIR/host.sock"
  python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); s.settimeout(20)
with open(sys.argv[2], "w") as out:
    try:
        while True:
            out.write(s.recv(4096).decode().replace("\n", " ") + "\n"); out.flush()
    except socket.timeout:
        pass' "$host" "$BATS_TEST_TMPDIR/got" &
  recv=$!
  for i in $(seq 50); do [ -S "$host" ] && break; sleep 0.05; done
}

@test "NOTIFY_SOCKET: create/start relays sd_notify to the host; start returns after READY=1 with MAINPID" {
  notify_setup
  NOTIFY_SOCKET="$host" rt create --pid-file "$BATS_TEST_TMPDIR/pid" c1
  [ -d "$ROOT/c1/notify" ]
  NOTIFY_SOCKET="$host" rt start c1
  # start came back only once READY=1 was relayed
  grep -qx "READY=1 MAINPID=$(cat "$BATS_TEST_TMPDIR/pid")" "$BATS_TEST_TMPDIR/got"
  grep -qx "STATUS=starting" "$BATS_TEST_TMPDIR/got"
  # the container saw its own socket path
  run rt exec c1 sh -c 'grep -c " /run/notify ro," /proc/self/mountinfo; ls /run/notify'
  rt delete --force c1
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 1 ]
  [ "${lines[1]}" = notify.sock ]
  kill "$recv" 2>/dev/null || true
  [ ! -e "$ROOT/c1" ]
}

@test "NOTIFY_SOCKET: run -d waits for READY=1; without NOTIFY_SOCKET nothing is set up" {
  notify_setup
  NOTIFY_SOCKET="$host" rt run -d --pid-file "$BATS_TEST_TMPDIR/pid" c1
  grep -qx "READY=1 MAINPID=$(cat "$BATS_TEST_TMPDIR/pid")" "$BATS_TEST_TMPDIR/got"
  rt delete --force c1
  kill "$recv" 2>/dev/null || true
  # no NOTIFY_SOCKET: no notify directory, no mount, no variable
  args sh -c 'echo "[$NOTIFY_SOCKET]"; grep -c " /run/notify " /proc/self/mountinfo; true'
  env -u NOTIFY_SOCKET "$RT" --root "$ROOT" create c2
  [ ! -e "$ROOT/c2/notify" ]
  rt delete --force c2
  run env -u NOTIFY_SOCKET "$RT" --root "$ROOT" run c2
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "[]" ]
  [ "${lines[1]}" = 0 ]
}

@test "NOTIFY_SOCKET: a foreground run relays every message, READY=1 without MAINPID" {
  notify_setup
  args sh -c 'sdnotify STATUS=one; sdnotify READY=1; sleep 0.3; echo "$NOTIFY_SOCKET"'
  NOTIFY_SOCKET="$host" run rt run c1
  kill "$recv" 2>/dev/null || true
  [ "$status" -eq 0 ]
  [ "$output" = /run/notify/notify.sock ]
  [ "$(cat "$BATS_TEST_TMPDIR/got")" = "STATUS=one
READY=1" ]
}

@test "--no-pivot: MS_MOVE and chroot instead of pivot_root" {
  args sh -c 'ls /bin/busybox && echo ok'
  run rt run --no-pivot c1
  [ "$status" -eq 0 ]
  [ "${lines[1]}" = ok ]
}

@test "/proc/self/exe of the container's init is the user's program, never rt" {
  args sh -c 'readlink /proc/1/exe'
  run rt run c1
  [ "$output" = /bin/busybox ]
}

@test "a new session keyring per container, named after it (--no-new-keyring keeps ours)" {
  # rt spec masks /proc/keys (as runc's does): unmask it to look.
  cfg "c['linux']['maskedPaths'].remove('/proc/keys')"
  args cat /proc/keys
  run rt run kr1
  [ "$status" -eq 0 ]
  [[ "$output" == *"keyring"*"kr1"* ]]
  run rt run --no-new-keyring kr2
  [ "$status" -eq 0 ]
  [[ "$output" != *"kr2"* ]]
}

@test "netDevices: a device moves in, renamed, with its permanent address, up" {
  command -v ip >/dev/null || skip "iproute2 is not installed"
  ns="rt-test-nd-$$"
  ip netns add "$ns"
  # veth, not dummy: this kernel may lack the dummy driver.
  ip -n "$ns" link add nd0 type veth peer name nd0peer
  ip -n "$ns" addr add 192.0.2.7/24 dev nd0
  cfg "c['linux']['netDevices'] = {'nd0': {'name': 'ctr0'}}"
  args sh -c 'ip -o addr show dev ctr0; ip -o link show ctr0'
  # nsenter, not `ip netns exec`: that remounts /sys and hides the cgroups.
  run nsenter --net="/run/netns/$ns" "$RT" --root "$ROOT" run c1
  # The kernel destroys a dead network namespace asynchronously.
  for i in $(seq 30); do
    remaining=$(ip -n "$ns" -o link show 2>/dev/null | grep -c nd0 || true)
    [ "$remaining" = 0 ] && break
    sleep 0.1
  done
  ip netns del "$ns"
  [ "$status" -eq 0 ]
  [[ "$output" == *"ctr0"*"192.0.2.7/24"* ]]
  [[ "$output" == *"UP"* ]]
  # a virtual device dies with the container's network namespace
  [ "$remaining" = 0 ]
}

@test "netDevices: a missing host device is an error naming it" {
  cfg "c['linux']['netDevices'] = {'nosuchdev0': {}}"
  run rt run c1
  [ "$status" -ne 0 ]
  [[ "$output" == *'netDevices["nosuchdev0"]'* ]]
}

@test "mounts: an idmapped bind mount in a container with a user namespace (mounts[].uidMappings)" {
  src="$BATS_TEST_TMPDIR/idsrc"
  mkdir -p "$src" "$LC_ROOTFS/mnt/idmap" "$LC_ROOTFS/mnt/plain"
  if [ "$(stat -f -c %T "$src")" = tmpfs ] && lc_kernel_older 6 3; then
    skip "$src is on tmpfs, which allows idmapped mounts from Linux 6.3 (this is $(uname -r))"
  fi
  echo x >"$src/file"
  cfg "m = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
c['linux']['namespaces'].append({'type': 'user'}); c['linux']['uidMappings'] = m; c['linux']['gidMappings'] = m
c['mounts'].append({'destination': '/mnt/idmap', 'type': 'bind', 'source': '$src', 'options': ['bind', 'idmap'], 'uidMappings': m, 'gidMappings': m})
c['mounts'].append({'destination': '/mnt/plain', 'type': 'bind', 'source': '$src', 'options': ['bind']})"
  args sh -c 'stat -c %u:%g /mnt/idmap/file /mnt/plain/file'
  run rt run c1
  [ "$status" -eq 0 ]
  # host root's file is the container's root's through the idmapping,
  # and the overflow id without it
  [ "${lines[0]}" = 0:0 ]
  [ "${lines[1]}" = 65534:65534 ]
  # the host's file is untouched
  [ "$(stat -c %u "$src/file")" = 0 ]
}

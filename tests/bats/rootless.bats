#!/usr/bin/env bats
# Rootless containers: rt run by an unprivileged user, with a user namespace
# that maps the container's root to that user (`rt spec --rootless`), no
# cgroup of its own (an unprivileged user may not create one), and its state
# under $XDG_RUNTIME_DIR/rt. --rootless auto|true|false as runc has it:
# "auto" is rootless for a non-root user (or root of a user namespace).

load lifecycle_helpers

setup_file() { lc_setup_file; }
setup() {
  lc_setup
  UID_RL=23456
  export XDG="$BATS_TEST_TMPDIR/xdg"
  mkdir -p "$XDG"
  chown "$UID_RL:$UID_RL" "$XDG"
  chmod 755 "$BATS_TEST_TMPDIR" "$BUNDLE"
  # The leak check looks here: the default root of an unprivileged rt.
  export ROOT="$XDG/rt"
  # `rt spec --rootless` run by that user would write this mapping.
  rm -f "$BUNDLE/config.json"
  "$RT" spec --rootless --bundle "$BUNDLE"
  cfg "c['root']['path'] = '$LC_ROOTFS'; c['process']['terminal'] = False; c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': $UID_RL, 'size': 1}]; c['linux']['gidMappings'] = [{'containerID': 0, 'hostID': $UID_RL, 'size': 1}]"
}
teardown() { lc_teardown; }

# as_user CMD...: run CMD as the unprivileged user, with its own XDG_RUNTIME_DIR
as_user() {
  setpriv --reuid="$UID_RL" --regid="$UID_RL" --clear-groups env XDG_RUNTIME_DIR="$XDG" "$@"
}

@test "rootless: an unprivileged user runs a container, root inside, mapped to the user" {
  args sh -c 'id -u; cat /proc/self/uid_map; grep -c . /proc/self/setgroups; cat /proc/self/setgroups'
  run as_user "$RT" run rl1
  echo "$output" >&3
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0 ]
  [ "$(echo ${lines[1]})" = "0 $UID_RL 1" ]
  # gid_map needs setgroups denied when the writer lacks CAP_SETGID
  [ "${lines[3]}" = deny ]
}

@test "rootless: state under \$XDG_RUNTIME_DIR/rt, create/start/state/kill/delete, no cgroup" {
  args sleep 100
  as_user "$RT" create rl2
  [ -d "$XDG/rt/rl2" ]
  run as_user "$RT" state rl2
  [ "$status" -eq 0 ]
  [[ "$output" == *'"status": "created"'* ]]
  pid=$(echo "$output" | json_field pid)
  # The init is the user's (its host uid), in no cgroup named after the container.
  [ "$(stat -c %u /proc/$pid)" = "$UID_RL" ]
  ! grep -q rl2 /proc/$pid/cgroup
  as_user "$RT" start rl2
  run as_user "$RT" list -q
  [ "$output" = rl2 ]
  as_user "$RT" kill rl2 KILL
  wait_status rl2 stopped
  as_user "$RT" delete rl2
  [ ! -e "$XDG/rt/rl2" ]
  # no cgroup was made for it
  ! ls -d /sys/fs/cgroup/*/rl2 /sys/fs/cgroup/rl2 2>/dev/null
}

@test "rootless: limits that need a cgroup are an error naming linux.resources; nothing left" {
  cfg "c['linux']['resources'] = {'memory': {'limit': 67108864}}"
  run as_user "$RT" run rl3
  echo "$output" >&3
  [ "$status" -ne 0 ]
  [[ "$output" == *".linux.resources"* ]]
  [[ "$output" == *rootless* ]]
  [ ! -e "$XDG/rt/rl3" ]
}

@test "rootless: --rootless=false as an unprivileged user fails at the cgroup and leaves nothing" {
  run as_user "$RT" --rootless false run rl4
  echo "$output" >&3
  [ "$status" -ne 0 ]
  [[ "$output" == *"Permission denied"* ]]
  [ ! -e "$XDG/rt/rl4" ]
}

@test "rootless: --rootless takes auto, true or false" {
  run "$RT" --rootless maybe list
  [ "$status" -eq 1 ]
  [[ "$output" == *"--rootless"* ]]
}

# Rootless podman runs its runtime as uid 0 inside a user namespace it made
# (mapped to the user), with a config that has no user namespace of its own
# and no --root. As runc: the state goes under $XDG_RUNTIME_DIR (uid 0, but
# in a user namespace and $USER is not root), and device nodes, which mknod
# cannot make outside the initial user namespace, are bind-mounted from the
# host.
@test "rootless: root of a user namespace without --root, config without one: XDG state, bound devices" {
  cfg "c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'user']
c['linux'].pop('uidMappings', None); c['linux'].pop('gidMappings', None)"
  args sh -c 'id -u; stat -c "%t:%T %F" /dev/null /dev/zero /dev/tty; grep -c " /dev/null " /proc/self/mountinfo'
  run setpriv --reuid="$UID_RL" --regid="$UID_RL" --clear-groups \
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin USER=rtuser XDG_RUNTIME_DIR="$XDG" \
    unshare --user --map-root-user -- "$RT" run --bundle "$BUNDLE" rl9
  echo "$output" >&3
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = 0 ]
  [ "${lines[1]}" = "1:3 character special file" ]
  [ "${lines[2]}" = "1:5 character special file" ]
  [ "${lines[3]}" = "5:0 character special file" ]
  [ "${lines[4]}" = 1 ]
  # the state went under $XDG_RUNTIME_DIR (and was removed at the end)
  [ -d "$XDG/rt" ]
}

# The same on pure cgroup v2, with a cgroup delegated to the user (as
# systemd's Delegate=yes gives one) and the config asking for a cgroup
# namespace and a read-write /sys/fs/cgroup (podman --systemd=always): rt,
# root of the user namespace, makes the container's cgroup in the
# delegated one and applies the limits (no device filter: an unprivileged
# rt cannot attach eBPF). The cgroup is the user's already, so config-linux.md
# "Cgroup ownership" has nothing to change, and the container's root can
# make sub-cgroups.
@test "rootless: root of a user namespace in a delegated cgroup v2: its limits, a cgroup namespace, sub-cgroups" {
  [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || skip "needs a pure cgroup v2 host (the VM lane runs it)"
  P=/sys/fs/cgroup/rt-bats-rl-$$
  mkdir -p "$P/session"
  # what a delegation hands over (cgroups(7)): the directories and these files
  chown "$UID_RL:$UID_RL" "$P" "$P/session"
  for f in cgroup.procs cgroup.subtree_control cgroup.threads; do
    chown "$UID_RL:$UID_RL" "$P/$f" "$P/session/$f"
  done
  echo "+pids" >"/sys/fs/cgroup/cgroup.subtree_control"
  cfg "c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'user'] + [{'type': 'cgroup'}]
c['linux'].pop('uidMappings', None); c['linux'].pop('gidMappings', None)
c['linux']['cgroupsPath'] = '/rt-bats-rl-$$/rl10'
c['linux']['resources'] = {'pids': {'limit': 33}}
for m in c['mounts']:
    if m['destination'] == '/sys/fs/cgroup':
        m['options'] = [o for o in m['options'] if o != 'ro']"
  args sh -c 'cat /proc/self/cgroup; cat /sys/fs/cgroup/pids.max; mkdir /sys/fs/cgroup/sub && echo $$ >/sys/fs/cgroup/sub/cgroup.procs && cat /proc/self/cgroup'
  # root puts the shell in the user's cgroup (moving needs the common
  # ancestor), then it becomes the user, then root of a user namespace
  run sh -c "echo \$\$ >'$P/session/cgroup.procs' && exec setpriv --reuid=$UID_RL --regid=$UID_RL --clear-groups \
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin USER=rtuser XDG_RUNTIME_DIR='$XDG' \
    unshare --user --map-root-user -- '$RT' run --bundle '$BUNDLE' rl10"
  echo "$output" >&3
  left=$(find "$P" -mindepth 1 -type d ! -name session)
  find "$P" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "0::/" ]
  [ "${lines[1]}" = 33 ]
  [ "${lines[2]}" = "0::/sub" ]
  # rt removed the cgroup it made (with the container's sub-cgroup)
  [ -z "$left" ]
  [ ! -e "$P" ]
}

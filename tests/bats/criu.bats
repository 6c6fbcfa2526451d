#!/usr/bin/env bats
# rt checkpoint / rt restore on this host: the clear errors. CRIU itself is
# exercised in the VM lane (tests/vm/checkpoint.sh): on a kernel newer than
# the installed criu knows (Debian 12's 3.17 on 6.18: "vdso: Unexpected rt
# vDSO area bounds") the dump fails, and rt must say why.

load lifecycle_helpers

setup_file() { lc_setup_file; }
setup() { lc_setup; }
teardown() { lc_teardown; }

counter() {
  args sh -c 'i=0; while true; do i=$((i+1)); echo $i >/tmp/n; sleep 0.1; done'
  rt run -d c1 </dev/null >/dev/null 2>&1
  wait_status c1 running
}

@test "checkpoint and restore without criu in PATH: a clear error, the container untouched" {
  counter
  run env PATH=/nonexistent "$RT" --root "$ROOT" checkpoint --image-path "$BATS_TEST_TMPDIR/img" c1
  [ "$status" -eq 1 ]
  [[ "$output" == *"CRIU is not installed (no criu in PATH)"* ]]
  [ ! -e "$BATS_TEST_TMPDIR/img" ]
  wait_status c1 running
  run env PATH=/nonexistent "$RT" --root "$ROOT" restore -d --image-path "$BATS_TEST_TMPDIR/img" c2
  [ "$status" -eq 1 ]
  [[ "$output" == *"CRIU is not installed"* ]]
  [ ! -e "$ROOT/c2" ]
  rt delete --force c1
}

@test "checkpoint on a kernel criu cannot handle: criu's reason and its log, the container still running" {
  command -v criu >/dev/null || skip "criu is not installed"
  if criu check >/dev/null 2>&1; then skip "criu works on this kernel ($(uname -r))"; fi
  counter
  run rt checkpoint --image-path "$BATS_TEST_TMPDIR/img" c1
  echo "$output" >&3
  [ "$status" -eq 1 ]
  [[ "$output" == *"checkpoint c1: criu dump failed"* ]]
  [[ "$output" == *"(log: $BATS_TEST_TMPDIR/img/dump.log)"* ]]
  wait_status c1 running
  rt delete --force c1
}

@test "checkpoint and restore: bad arguments are errors naming them, nothing made" {
  counter
  for a in "--manage-cgroups-mode bogus:--manage-cgroups-mode" "--empty-ns pid:--empty-ns" \
           "--page-server nohost:--page-server" "--status-fd 99:--status-fd 99"; do
    run rt checkpoint ${a%%:*} --image-path "$BATS_TEST_TMPDIR/img" c1
    [ "$status" -eq 1 ]
    [[ "$output" == *"${a#*:}"* ]]
    [ ! -e "$BATS_TEST_TMPDIR/img" ]
  done
  run rt checkpoint --image-path "$BATS_TEST_TMPDIR/img" nosuch
  [ "$status" -eq 1 ]
  [[ "$output" == *nosuch* ]]
  run rt restore -d --image-path "$BATS_TEST_TMPDIR/none" c2
  [ "$status" -eq 1 ]
  [[ "$output" == *"--image-path $BATS_TEST_TMPDIR/none"* ]]
  [ ! -e "$ROOT/c2" ]
  mkdir "$BATS_TEST_TMPDIR/empty"
  run rt restore -d --image-path "$BATS_TEST_TMPDIR/empty" c2
  [ "$status" -eq 1 ]
  [[ "$output" == *"no checkpoint there"* ]]
  [ ! -e "$ROOT/c2" ]
  run rt restore -d --manage-cgroups-mode x --image-path "$BATS_TEST_TMPDIR/empty" c2
  [ "$status" -eq 1 ]
  [[ "$output" == *"--manage-cgroups-mode"* ]]
  run rt checkpoint --bogus c1
  [ "$status" -eq 1 ]
  [[ "$output" == *"--bogus"* ]]
  rt delete --force c1
}

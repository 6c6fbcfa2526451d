#!/bin/bash
# Lane "clients": real managers driving rt (and runc as the control, so that a
# failure is known to be rt's). TAP on stdout.
# Each client script gets 10 minutes; one that hangs gets SIGTERM (its trap
# cleans up what it started) and is reported as a failure, and the others run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
RT=${RT:-$(cd "$here/../.." && pwd)/build/rt}
status=0
# podman-rootless.sh: podman run by a temporary unprivileged user (wants uidmap).
for client in "$here"/containerd.sh "$here"/podman.sh "$here"/podman-rootless.sh "$here"/docker.sh; do
  for rt in "$RT" ${CONTROL_RUNTIME:-/usr/bin/runc}; do
    [ -x "$rt" ] || continue
    RUNTIME=$rt timeout -k 30 ${CLIENT_TIMEOUT:-600} "$client"
    st=$?
    if [ $st -eq 124 ] || [ $st -eq 137 ]; then
      echo "not ok - $(basename "$client" .sh)/$(basename "$rt"): the client script timed out after ${CLIENT_TIMEOUT:-600} s"
    fi
    [ $st -eq 0 ] || status=1
  done
done
exit $status

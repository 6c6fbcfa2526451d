#!/bin/bash
# Lane "clients": real managers driving rt (and runc as the control, so that a
# failure is known to be rt's). TAP on stdout.
set -u
here=$(cd "$(dirname "$0")" && pwd)
RT=${RT:-$(cd "$here/../.." && pwd)/build/rt}
status=0
for client in "$here"/containerd.sh "$here"/podman.sh "$here"/docker.sh; do
  for rt in "$RT" ${CONTROL_RUNTIME:-/usr/bin/runc}; do
    [ -x "$rt" ] || continue
    RUNTIME=$rt "$client" || status=1
  done
done
exit $status

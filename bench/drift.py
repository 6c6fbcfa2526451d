#!/usr/bin/env python3
"""N sequential `rt run` of /bin/true: does rt slow down or grow over a
long series (a leak of time, memory, mounts, cgroups or state)?

  drift.py RT ROOT BUNDLE N

Prints one JSON object, then a Markdown table row: median wall time (ms)
and peak RSS (KiB, GNU time's, as for the other RSS figures: a child forked
from this Python process would count its pages) of the first and last tenth
of the runs, and what was left behind (state directories, host mounts,
cgroup directories) compared with before the series."""
import glob
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

rt, root, bundle, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])


def mounts():
    with open('/proc/self/mountinfo') as f:
        return sum(1 for _ in f)


def cgroups():
    return len(glob.glob('/sys/fs/cgroup/*/rt-drift-*')) + len(glob.glob('/sys/fs/cgroup/rt-drift-*'))


def states():
    return len(os.listdir(root)) if os.path.isdir(root) else 0


before = {'mounts': mounts(), 'cgroups': cgroups(), 'states': states()}
times, rss = [], []
out = tempfile.NamedTemporaryFile(prefix='rt-drift-', suffix='.rss')
for i in range(n):
    t0 = time.perf_counter()
    r = subprocess.run(['/usr/bin/time', '-f', '%M', '-o', out.name, rt, '--root', root, 'run',
                        '--bundle', bundle, f'rt-drift-{i}'],
                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
    times.append((time.perf_counter() - t0) * 1000)
    if r.returncode != 0:
        print(json.dumps({'error': f'run {i} exited {r.returncode}'}))
        sys.exit(1)
    with open(out.name) as f:
        rss.append(int(f.read().split()[-1]))
after = {'mounts': mounts(), 'cgroups': cgroups(), 'states': states()}
k = max(1, n // 10)
d = {
    'runs': n,
    'first_ms': round(statistics.median(times[:k]), 2),
    'last_ms': round(statistics.median(times[-k:]), 2),
    'first_rss_kib': int(statistics.median(rss[:k])),
    'last_rss_kib': int(statistics.median(rss[-k:])),
    'max_rss_kib': max(rss),
    'left_behind': {key: after[key] - before[key] for key in before},
}
print(json.dumps(d))
lb = d['left_behind']
print(f"| {n} sequential runs of rt (each under GNU time), first tenth vs last tenth | "
      f"{d['first_ms']:.2f} ms vs {d['last_ms']:.2f} ms per run; peak RSS {d['first_rss_kib']} vs "
      f"{d['last_rss_kib']} KiB (max {d['max_rss_kib']}); left behind: {lb['states']} state "
      f"directories, {lb['mounts']} mounts, {lb['cgroups']} cgroups |")

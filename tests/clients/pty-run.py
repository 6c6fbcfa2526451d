#!/usr/bin/python3
"""Run a command with a new pseudo-terminal as its controlling terminal and as
its stdin, stdout and stderr, and print what it wrote there (carriage returns
dropped). A client's -t flag (ctr run -t, podman run -t, docker run -t) wants
a terminal on its own stdin; this gives it one without script(1), whose wait
for its child was seen to hang for good on a CI machine.

    pty-run.py SECONDS CMD [ARG...]

Exits with the command's status, or 124 after SECONDS, when the command's
whole process group is killed and "pty-run: timed out" goes to stderr.
"""
import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time


def main():
    if len(sys.argv) < 3:
        sys.stderr.write("usage: pty-run.py SECONDS CMD [ARG...]\n")
        return 2
    limit = float(sys.argv[1])
    argv = sys.argv[2:]
    pid, master = pty.fork()  # child: setsid, the slave as ctty and fds 0-2
    if pid == 0:
        try:
            os.execvp(argv[0], argv)
        except OSError as e:
            os.write(2, ("pty-run: %s: %s\n" % (argv[0], e.strerror)).encode())
        os._exit(127)
    # A real size, as a terminal emulator would give (stty size, resize).
    fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    out = bytearray()
    deadline = time.monotonic() + limit
    status = None
    exited_at = None
    eof = False
    while True:
        now = time.monotonic()
        if status is None:
            done, st = os.waitpid(pid, os.WNOHANG)
            if done:
                status, exited_at = st, now
        # After the command exits, take what is left in the pty; a
        # grandchild that kept the slave open does not keep us waiting.
        if exited_at is not None and now - exited_at > 1.0:
            break
        if now >= deadline:
            break
        if eof:
            if status is not None:
                break
            time.sleep(0.05)
            continue
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every slave fd is closed
                data = b""
            if data:
                out += data
            else:
                eof = True
    sys.stdout.write(out.replace(b"\r", b"").replace(b"\0", b"").decode("utf-8", "replace"))
    sys.stdout.flush()
    if status is None:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
        os.waitpid(pid, 0)
        sys.stderr.write("pty-run: timed out after %g s: %s\n" % (limit, " ".join(argv)))
        return 124
    return os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)


if __name__ == "__main__":
    sys.exit(main())

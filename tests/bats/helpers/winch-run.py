#!/usr/bin/python3
"""Run a command on a new pty sized ROWSxCOLS, resize the pty to
ROWS2xCOLS2 after DELAY seconds (the kernel sends SIGWINCH to the pty's
foreground process group, as a terminal emulator's resize does), and print
what the command wrote there. Exit status: the command's, 124 on timeout.

    winch-run.py SECONDS ROWS COLS DELAY ROWS2 COLS2 CMD [ARG...]
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
    limit, rows, cols, delay, rows2, cols2 = sys.argv[1:7]
    argv = sys.argv[7:]
    pid, master = pty.fork()
    if pid == 0:
        os.execvp(argv[0], argv)
    fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", int(rows), int(cols), 0, 0))
    start = time.monotonic()
    resized = False
    out = bytearray()
    status = None
    while time.monotonic() - start < float(limit):
        if not resized and time.monotonic() - start >= float(delay):
            fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", int(rows2), int(cols2), 0, 0))
            resized = True
        ready, _, _ = select.select([master], [], [], 0.05)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:
                data = b""
            if not data:
                break
            out += data
        done, st = os.waitpid(pid, os.WNOHANG)
        if done:
            status = st
            break
    if status is None:
        try:
            done, st = os.waitpid(pid, 0 if time.monotonic() - start < float(limit) else os.WNOHANG)
            status = st if done else None
        except ChildProcessError:
            pass
    sys.stdout.write(out.replace(b"\r", b"").decode("utf-8", "replace"))
    if status is None:
        os.killpg(pid, signal.SIGKILL)
        return 124
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())

/* rt run and rt exec in the foreground: forward signals to the process,
 * proxy its terminal, reap what a subreaper gets, return its exit status. */
#pragma once
#include <signal.h>
#include <sys/types.h>

/* mask: the signals blocked before the process was cloned (read from a
 * signalfd here). master: the pty master or -1. Returns the exit status as
 * a shell reports it (128+N for signal N). */
/* notify: NOTIFY_SOCKET messages to relay as they come (rt run), or NULL. */
struct forward_notify {
  int fd;
  const char *host;
};
int forward_and_wait(pid_t pid, int pidfd, int master, const sigset_t *mask,
                     const struct forward_notify *notify);
/* The set of signals rt blocks before cloning a process it waits for. */
void forward_signal_set(sigset_t *mask);

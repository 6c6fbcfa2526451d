#include "config.h"
#include "linux/hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/log.h"

extern char **environ;

static int64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int run_one(const oci_hook *h, const char *kind, size_t idx, const char *state,
                   rt_error *err) {
  int in[2];
  if (pipe2(in, O_CLOEXEC) < 0)
    return rt_error_set(err, errno, "hooks.%s[%zu]: pipe", kind, idx);
  pid_t pid = fork();
  if (pid < 0) {
    int e = errno;
    close(in[0]);
    close(in[1]);
    return rt_error_set(err, e, "hooks.%s[%zu]: fork", kind, idx);
  }
  if (pid == 0) {
    /* stdin is the state; stdout and stderr are rt's; nothing else of rt's
     * or of rt's caller reaches the hook (runtime.md: hooks get the state
     * on stdin). */
    if (dup2(in[0], STDIN_FILENO) < 0 || syscall(SYS_close_range, 3U, ~0U, 0) < 0) {
      dprintf(STDERR_FILENO, "rt: hooks.%s[%zu]: set up stdin and close rt's fds: %s\n", kind, idx,
              strerror(errno));
      _exit(127);
    }
    sigset_t all;
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    /* rt ignores SIGPIPE (a hook may leave its stdin unread); the hook
     * starts with the default. */
    signal(SIGPIPE, SIG_DFL);
    char *fallback[] = {h->path, NULL};
    char **argv = h->n_args ? h->args : fallback;
    char **envp = h->n_env ? h->env : environ;
    execve(h->path, argv, envp);
    dprintf(STDERR_FILENO, "rt: hooks.%s[%zu]: exec %s: %s\n", kind, idx, h->path, strerror(errno));
    _exit(127);
  }
  close(in[0]);
  int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  /* Feed the state without blocking: a hook that never reads must still time out. */
  fcntl(in[1], F_SETFL, O_NONBLOCK);
  size_t len = strlen(state), off = 0;
  int64_t deadline = h->has_timeout ? now_ms() + (int64_t)h->timeout * 1000 : -1;
  bool exited = false;
  while (!exited) {
    struct pollfd pfd[2];
    int n = 0;
    pfd[n++] = (struct pollfd){.fd = pidfd, .events = POLLIN};
    if (in[1] >= 0)
      pfd[n++] = (struct pollfd){.fd = in[1], .events = POLLOUT};
    int wait = -1;
    if (deadline >= 0) {
      int64_t left = deadline - now_ms();
      if (left <= 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        if (in[1] >= 0)
          close(in[1]);
        close(pidfd);
        return rt_error_set(err, 0, "hooks.%s[%zu]: %s timed out after %d s", kind, idx, h->path,
                            h->timeout);
      }
      wait = (int)left;
    }
    int r = poll(pfd, (nfds_t)n, wait);
    if (r < 0 && errno != EINTR)
      break;
    if (n > 1 && pfd[1].revents) {
      ssize_t w = write(in[1], state + off, len - off);
      if (w > 0)
        off += (size_t)w;
      /* EPIPE: the hook does not read its stdin, which is its right. */
      if (w < 0 && errno != EAGAIN) {
        close(in[1]);
        in[1] = -1;
      } else if (off == len) {
        close(in[1]);
        in[1] = -1;
      }
    }
    if (pfd[0].revents)
      exited = true;
  }
  if (in[1] >= 0)
    close(in[1]);
  close(pidfd);
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      return rt_error_set(err, errno, "hooks.%s[%zu]: wait", kind, idx);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return 0;
  if (WIFSIGNALED(status))
    return rt_error_set(err, 0, "hooks.%s[%zu]: %s was killed by signal %d", kind, idx, h->path,
                        WTERMSIG(status));
  return rt_error_set(err, 0, "hooks.%s[%zu]: %s exited with status %d", kind, idx, h->path,
                      WEXITSTATUS(status));
}

int hooks_run(const oci_hook_list *list, const char *kind, const char *state_json, rt_error *err) {
  for (size_t i = 0; list && i < list->n; i++) {
    log_debug("running hook %s[%zu]: %s", kind, i, list->hooks[i].path);
    if (run_one(&list->hooks[i], kind, i, state_json, err) < 0)
      return -1;
  }
  return 0;
}

int hooks_run_all(const oci_hook_list *list, const char *kind, const char *state_json) {
  int failed = 0;
  for (size_t i = 0; list && i < list->n; i++) {
    log_debug("running hook %s[%zu]: %s", kind, i, list->hooks[i].path);
    rt_error err;
    if (run_one(&list->hooks[i], kind, i, state_json, &err) < 0) {
      log_warn("%s", err.msg);
      failed++;
    }
  }
  return failed;
}

#include "config.h"
#include "forward.h"

#include <errno.h>
#include <poll.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux/terminal.h"
#include "notify.h"
#include "util/log.h"

void forward_signal_set(sigset_t *mask) {
  sigfillset(mask);
  sigdelset(mask, SIGSEGV);
  sigdelset(mask, SIGBUS);
  sigdelset(mask, SIGFPE);
  sigdelset(mask, SIGILL);
}

int forward_and_wait(pid_t pid, int pidfd, int master, const sigset_t *mask,
                     const struct forward_notify *notify) {
  _cleanup_close_ int sfd = signalfd(-1, mask, SFD_CLOEXEC);
  struct term_proxy *tp = master >= 0 ? term_proxy_new(master) : NULL;
  int status = -1;
  bool done = false;
  while (!done) {
    struct pollfd pfd[5];
    int n = 0;
    pfd[n++] = (struct pollfd){.fd = sfd, .events = POLLIN};
    pfd[n++] = (struct pollfd){.fd = notify ? notify->fd : -1, .events = POLLIN};
    int nt = tp ? term_proxy_fill_pollfds(tp, pfd + n, 3) : 0;
    if (poll(pfd, (nfds_t)(n + nt), -1) < 0 && errno != EINTR)
      break;
    if (tp)
      term_proxy_handle(tp, pfd + n, nt);
    if (notify && (pfd[1].revents & POLLIN)) {
      /* rt is the service's main process here: no MAINPID added. */
      rt_error e;
      if (notify_relay_one(notify->fd, notify->host, 0, &e) < 0)
        rt_log(RT_LOG_WARN, "%s", e.msg);
    }
    if (!(pfd[0].revents & POLLIN))
      continue;
    struct signalfd_siginfo si;
    if (read(sfd, &si, sizeof si) != sizeof si)
      continue;
    if (si.ssi_signo == SIGCHLD) {
      int ws;
      pid_t w;
      while ((w = waitpid(-1, &ws, WNOHANG)) > 0)
        if (w == pid) {
          status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
          done = true;
        }
    } else if (si.ssi_signo == SIGWINCH && tp) {
      term_proxy_resize(tp);
    } else {
      syscall(SYS_pidfd_send_signal, pidfd, si.ssi_signo, NULL, 0);
    }
  }
  if (tp) {
    term_proxy_drain(tp);
    term_proxy_free(tp);
  }
  return status < 0 ? 255 : status;
}

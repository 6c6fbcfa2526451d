/* rt: signal names as kill(1) and runc take them. */
#include "config.h"
#include "util/signal.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/cleanup.h"

int signal_parse(const char *s) {
  static const struct {
    const char *name;
    int sig;
  } table[] = {
      {"HUP", SIGHUP},     {"INT", SIGINT},     {"QUIT", SIGQUIT},     {"ILL", SIGILL},
      {"TRAP", SIGTRAP},   {"ABRT", SIGABRT},   {"IOT", SIGIOT},       {"BUS", SIGBUS},
      {"FPE", SIGFPE},     {"KILL", SIGKILL},   {"USR1", SIGUSR1},     {"SEGV", SIGSEGV},
      {"USR2", SIGUSR2},   {"PIPE", SIGPIPE},   {"ALRM", SIGALRM},     {"TERM", SIGTERM},
      {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT},     {"STOP", SIGSTOP},
      {"TSTP", SIGTSTP},   {"TTIN", SIGTTIN},   {"TTOU", SIGTTOU},     {"URG", SIGURG},
      {"XCPU", SIGXCPU},   {"XFSZ", SIGXFSZ},   {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},
      {"WINCH", SIGWINCH}, {"IO", SIGIO},       {"POLL", SIGPOLL},     {"PWR", SIGPWR},
      {"SYS", SIGSYS},
  };
  if (!s || !*s)
    return -1;
  char *end;
  long n = strtol(s, &end, 10);
  /* 0: no signal, only whether the process is there (kill(2)), a liveness
   * probe that runc accepts. */
  if (!*end)
    return n >= 0 && n < NSIG ? (int)n : -1;
  const char *name = strncasecmp(s, "SIG", 3) == 0 ? s + 3 : s;
  for (size_t i = 0; i < ARRAY_SIZE(table); i++)
    if (strcasecmp(table[i].name, name) == 0)
      return table[i].sig;
  if (strncasecmp(name, "RTMIN", 5) == 0 || strncasecmp(name, "RTMAX", 5) == 0) {
    int base = strncasecmp(name, "RTMIN", 5) == 0 ? SIGRTMIN : SIGRTMAX;
    if (!name[5])
      return base;
    long off = strtol(name + 5, &end, 10);
    int sig = base + (int)off;
    if (!*end && sig >= SIGRTMIN && sig <= SIGRTMAX)
      return sig;
  }
  return -1;
}

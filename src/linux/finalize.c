#include "config.h"
#include "linux/finalize.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux/process.h"
#include "security.h"
#include "util/cleanup.h"
#include "util/fs.h"

static char **build_env(const oci_process *p, int listen_fds) {
  char **env = calloc(p->n_env + 3, sizeof *env);
  if (!env)
    return NULL;
  size_t k = 0;
  for (size_t i = 0; i < p->n_env; i++) {
    if (listen_fds && (strncmp(p->env[i], "LISTEN_FDS=", 11) == 0 ||
                       strncmp(p->env[i], "LISTEN_PID=", 11) == 0))
      continue;
    env[k++] = p->env[i];
  }
  if (listen_fds) {
    char *a = NULL, *b = NULL;
    if (asprintf(&a, "LISTEN_FDS=%d", listen_fds) >= 0)
      env[k++] = a;
    if (asprintf(&b, "LISTEN_PID=%d", (int)getpid()) >= 0)
      env[k++] = b;
  }
  env[k] = NULL;
  return env;
}

static bool setgroups_denied(void) {
  _cleanup_free_ char *sg = NULL;
  rt_error tmp;
  return fs_read_file("/proc/self/setgroups", 64, &sg, NULL, &tmp) == 0 &&
         strncmp(sg, "deny", 4) == 0;
}

/* Every fd from `from` up close-on-exec: those rt holds and any the caller
 * passed beyond the preserved ones (CVE-2024-21626). A failure is fatal. */
static int cloexec_from(int from, rt_error *err) {
  if (syscall(SYS_close_range, (unsigned)from, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
    return 0;
  if (errno != ENOSYS && errno != EINVAL)
    return rt_error_set(err, errno, "close_range: mark rt's fds close-on-exec");
  /* Before Linux 5.11: one by one, as /proc/self/fd lists them. */
  _cleanup_closedir_ DIR *d = opendir("/proc/self/fd");
  if (!d)
    return rt_error_set(err, errno, "open /proc/self/fd to mark rt's fds close-on-exec");
  struct dirent *e;
  while ((e = readdir(d))) {
    char *end;
    long fd = strtol(e->d_name, &end, 10);
    if (*end || fd < from || fd == dirfd(d))
      continue;
    if (fcntl((int)fd, F_SETFD, FD_CLOEXEC) < 0)
      return rt_error_set(err, errno, "mark fd %ld close-on-exec", fd);
  }
  return 0;
}

/* The order (docs/security.md "When the filter is loaded"): every step that
 * may be filtered runs before the seccomp filter, so that the filter only
 * ever sees what the user's program does, and at most one capset and the
 * execve of rt's:
 *   fds close-on-exec, LSM exec labels, bounding set, cwd (with full
 *   privileges: runc's order), user, capability sets (CAP_SYS_ADMIN held
 *   on when the filter needs it without no_new_privs), cwd again if the
 *   first try was refused, no_new_privs, CPU affinity, seccomp, the held
 *   CAP_SYS_ADMIN dropped (capset), execve. */
int process_finalize_exec(const oci_config *c, const oci_process *p, const char *exe,
                          const struct finalize_opts *f, rt_error *err) {
  /* The security module reads the process from the config: hand it this one. */
  oci_config view = *c;
  view.process = (oci_process *)p;
  if (cloexec_from(3 + f->preserve_fds, err) < 0)
    return -1;
  if (security_apply(&view, 0, f->state_json, err) < 0)
    return -1;
  if (proc_apply_caps(p, 0, err) < 0)
    return -1;
  rt_error cwd_err = {0};
  bool cwd_done = proc_chdir(p, &cwd_err) == 0;
  if (!cwd_done && cwd_err.errnum != EACCES) {
    *err = cwd_err;
    return -1;
  }
  /* Loading a filter without no_new_privs needs CAP_SYS_ADMIN. */
  bool hold = c->linux_ && c->linux_->seccomp && !p->no_new_privileges;
  if (proc_apply_user(p, setgroups_denied(), err) < 0 || proc_apply_caps(p, hold ? 3 : 1, err) < 0)
    return -1;
  if (!cwd_done && proc_chdir(p, err) < 0)
    return -1;
  if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return rt_error_set(err, errno, "process.noNewPrivileges: prctl");
  if (f->exec_affinity && proc_apply_cpu_affinity(p, true, err) < 0)
    return -1;
  char **env = build_env(p, f->listen_fds);
  if (!env)
    return rt_error_set(err, ENOMEM, "process.env");
  if (security_apply(&view, 1, f->state_json, err) < 0)
    return -1;
  if (hold && proc_apply_caps(p, 2, err) < 0)
    return -1;
  execve(exe, p->args, env);
  return rt_error_set(err, errno, "exec %s", exe);
}

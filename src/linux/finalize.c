#include "config.h"
#include "linux/finalize.h"

#include <errno.h>
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

int process_finalize_exec(const oci_config *c, const oci_process *p, const char *exe,
                          const struct finalize_opts *f, rt_error *err) {
  /* The security module reads the process from the config: hand it this one. */
  oci_config view = *c;
  view.process = (oci_process *)p;
  if (security_apply(&view, 0, f->state_json, err) < 0)
    return -1;
  if (proc_apply_caps(p, 0, err) < 0)
    return -1;
  if (proc_apply_user(p, setgroups_denied(), err) < 0 || proc_apply_caps(p, 1, err) < 0 ||
      proc_chdir(p, err) < 0)
    return -1;
  if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return rt_error_set(err, errno, "process.noNewPrivileges: prctl");
  if (f->exec_affinity && proc_apply_cpu_affinity(p, true, err) < 0)
    return -1;
  if (security_apply(&view, 1, f->state_json, err) < 0)
    return -1;
  /* No host fd crosses into the container but stdio and the preserved ones
   * (CVE-2024-21626). */
  syscall(SYS_close_range, 3 + f->preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC);
  char **env = build_env(p, f->listen_fds);
  execve(exe, p->args, env);
  return rt_error_set(err, errno, "exec %s", exe);
}

#include "config.h"
#include "linux/finalize.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "linux/process.h"
#include "linux/security.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* HOME of uid in the container's /etc/passwd (read inside its root, no
 * symlink out of it), "/" when the file or the entry is missing: what runc
 * and crun set when process.env has no HOME. malloc'd "HOME=..." or NULL. */
static char *home_of(uint32_t uid) {
  char *home = NULL;
  rt_error tmp;
  _cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  int fd = root >= 0 ? fs_open_in_root(root, "/etc/passwd", O_RDONLY, 0, &tmp) : -1;
  _cleanup_fclose_ FILE *f = fd >= 0 ? fdopen(fd, "re") : NULL;
  if (!f && fd >= 0)
    close(fd);
  char line[4096];
  while (f && !home && fgets(line, sizeof line, f)) {
    /* name:passwd:uid:gid:gecos:home:shell */
    char *field[7] = {0}, *p = line;
    int n = 0;
    for (char *c = p; n < 7; c++) {
      if (*c == ':' || *c == '\n' || *c == '\0') {
        bool last = *c != ':';
        *c = '\0';
        field[n++] = p;
        p = c + 1;
        if (last)
          break;
      }
    }
    char *end;
    if (n >= 6 && *field[2] && strtoul(field[2], &end, 10) == uid && !*end && *field[5])
      if (asprintf(&home, "HOME=%s", field[5]) < 0)
        home = NULL;
  }
  if (!home)
    home = strdup("HOME=/");
  return home;
}

static bool has_env(const oci_process *p, const char *name) {
  size_t l = strlen(name);
  for (size_t i = 0; i < p->n_env; i++)
    if (strncmp(p->env[i], name, l) == 0 && p->env[i][l] == '=')
      return true;
  return false;
}

static char **build_env(const oci_process *p, int listen_fds) {
  char **env = calloc(p->n_env + 4, sizeof *env);
  if (!env)
    return NULL;
  size_t k = 0;
  for (size_t i = 0; i < p->n_env; i++) {
    if (listen_fds && (strncmp(p->env[i], "LISTEN_FDS=", 11) == 0 ||
                       strncmp(p->env[i], "LISTEN_PID=", 11) == 0))
      continue;
    env[k++] = p->env[i];
  }
  if (!has_env(p, "HOME")) {
    char *home = home_of(p->user.uid);
    if (!home) {
      free(env);
      return NULL;
    }
    env[k++] = home;
  }
  if (listen_fds) {
    char *a = NULL, *b = NULL;
    if (asprintf(&a, "LISTEN_FDS=%d", listen_fds) < 0 || asprintf(&b, "LISTEN_PID=%d", (int)getpid()) < 0) {
      free(env);
      return NULL;
    }
    env[k++] = a;
    env[k++] = b;
  }
  env[k] = NULL;
  return env;
}

/* stdio (a pty slave or the caller's pipes) given to process.user, as runc
 * does: a non-root process must be able to reopen /dev/tty or
 * /proc/self/fd/1. Only what this process owns (what rt or the pty made;
 * never a file of someone else's, e.g. unmapped in a user namespace), never
 * /dev/null, and the group is kept. */
static void chown_stdio(const oci_process *p) {
  if (p->user.uid == 0)
    return;
  for (int fd = 0; fd <= 2; fd++) {
    struct stat st;
    if (fstat(fd, &st) < 0 || st.st_uid != geteuid())
      continue;
    if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3))
      continue;
    if (S_ISDIR(st.st_mode))
      continue;
    (void)!fchown(fd, p->user.uid, (gid_t)-1);
  }
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
 *   fds close-on-exec, the environment (HOME from /etc/passwd), LSM exec
 *   labels, bounding set, cwd (with full
 *   privileges: runc's order), user, capability sets (CAP_SYS_ADMIN held
 *   on when the filter needs it without no_new_privs), cwd again if the
 *   first try was refused, no_new_privs, CPU affinity, seccomp, the held
 *   CAP_SYS_ADMIN dropped (capset), the init's startContainer hooks
 *   (runc's place for them: the container's user, capabilities and
 *   filter), execve. */
int finalize_exec(const oci_config *c, const oci_process *p, const char *exe,
                          const struct finalize_opts *f, rt_error *err) {
  /* The security module reads the process from the config: hand it this one. */
  oci_config view = *c;
  view.process = (oci_process *)p;
  if (cloexec_from(3 + f->preserve_fds, err) < 0)
    return -1;
  /* With full privileges, as runc: HOME comes from /etc/passwd. */
  char **env = build_env(p, f->listen_fds);
  if (!env)
    return rt_error_set(err, ENOMEM, "process.env");
  if (security_apply(&view, 0, f->state_json, err) < 0)
    return -1;
  if (proc_apply_caps(p, 0, err) < 0)
    return -1;
  chown_stdio(p);
  /* EACCES: tried again below, as the container's user (err passed on,
   * never copied: the 2 KiB rt_error stays where the caller has it). */
  bool cwd_done = proc_chdir(p, err) == 0;
  if (!cwd_done && err->errnum != EACCES)
    return -1;
  if (!cwd_done)
    rt_error_clear(err);
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
  if (security_apply(&view, 1, f->state_json, err) < 0)
    return -1;
  if (hold && proc_apply_caps(p, 2, err) < 0)
    return -1;
  if (f->before_execve && f->before_execve(f->before_execve_arg, err) < 0)
    return -1;
  execve(exe, p->args, env);
  return rt_error_set(err, errno, "exec %s", exe);
}

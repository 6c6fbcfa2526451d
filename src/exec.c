/* rt exec: a new process in a running container's namespaces, with the
 * container's saved security settings, without re-executing rt. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "container.h"
#include "container_internal.h"
#include "forward.h"
#include "linux/cgroup.h"
#include "linux/finalize.h"
#include "linux/namespaces.h"
#include "linux/process.h"
#include "util/procfs.h"
#include "linux/init.h"
#include "linux/sync.h"
#include "linux/terminal.h"
#include "linux/security.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* The process to run: process.json as given, or the container's own process
 * with the command line's changes. Arrays allocated here are tracked in
 * `owned` and freed with it; the rest is borrowed from the config. */
struct exec_process {
  oci_process p;
  oci_process *parsed; /* --process */
  void *owned[16];     /* build_process allocates at most 7 */
  int n_owned;
};

/* Tracks ptr for exec_process_free; NULL (and ptr freed) when the table is
 * full, so that the caller fails instead of leaking or losing track. */
static void *own(struct exec_process *ep, void *ptr) {
  if (!ptr)
    return NULL;
  if (ep->n_owned == (int)ARRAY_SIZE(ep->owned)) {
    free(ptr);
    return NULL;
  }
  ep->owned[ep->n_owned++] = ptr;
  return ptr;
}

static void exec_process_free(struct exec_process *ep) {
  for (int i = 0; i < ep->n_owned; i++)
    free(ep->owned[i]);
  if (ep->parsed)
    oci_process_free(ep->parsed);
}

RT_DEFINE_STRUCT_CLEANUP(struct exec_process, exec_process_free)
RT_DEFINE_STRUCT_CLEANUP(struct cgroup_attach, cgroup_attach_close)

static char **strv_append(struct exec_process *ep, char **base, size_t n, char **extra,
                          size_t m, size_t *out_n) {
  char **v = own(ep, calloc(n + m + 1, sizeof *v));
  if (!v)
    return NULL;
  memcpy(v, base, n * sizeof *v);
  memcpy(v + n, extra, m * sizeof *v);
  *out_n = n + m;
  return v;
}

/* -e KEY=VALUE replaces KEY from the config, or is appended. */
static int merge_env(struct exec_process *ep, const struct rt_exec_opts *o) {
  oci_process *p = &ep->p;
  char **v = own(ep, calloc(p->n_env + (size_t)o->nenv + 1, sizeof *v));
  if (!v)
    return -ENOMEM;
  size_t k = 0;
  for (size_t i = 0; i < p->n_env; i++) {
    size_t klen = strcspn(p->env[i], "=");
    bool overridden = false;
    for (int j = 0; j < o->nenv; j++)
      overridden |= strncmp(o->env[j], p->env[i], klen) == 0 && o->env[j][klen] == '=';
    if (!overridden)
      v[k++] = p->env[i];
  }
  for (int j = 0; j < o->nenv; j++)
    v[k++] = o->env[j];
  p->env = v;
  p->n_env = k;
  return 0;
}

static int parse_user(const char *s, oci_user *u, rt_error *err) {
  char *end;
  errno = 0;
  unsigned long uid = strtoul(s, &end, 10);
  if (end == s || (*end && *end != ':') || *s == '-')
    return rt_error_set(err, 0, "--user %s: expected uid[:gid] (names are not resolved)", s);
  if (errno || uid > 2147483647UL)
    return rt_error_set(err, 0, "--user %s: the uid is not one the kernel can set (0 to 2147483647)", s);
  u->uid = (uint32_t)uid;
  if (*end == ':') {
    const char *g = end + 1;
    errno = 0;
    unsigned long gid = strtoul(g, &end, 10);
    if (end == g || *end || *g == '-')
      return rt_error_set(err, 0, "--user %s: expected uid[:gid]", s);
    if (errno || gid > 2147483647UL)
      return rt_error_set(err, 0, "--user %s: the gid is not one the kernel can set (0 to 2147483647)", s);
    u->gid = (uint32_t)gid;
  }
  return 0;
}

static int build_process(struct exec_process *ep, const oci_config *c, const struct rt_exec_opts *o,
                         rt_error *err) {
  if (o->process_file) {
    ep->parsed = oci_process_parse_file(o->process_file, err);
    if (!ep->parsed)
      return -1;
    ep->p = *ep->parsed;
  } else {
    if (!c->process)
      return rt_error_set(err, 0, "the container's config has no process to take defaults from");
    ep->p = *c->process;
    ep->p.args = o->args;
    ep->p.n_args = (size_t)o->nargs;
    /* The container's own terminal and size do not carry over. */
    ep->p.terminal = false;
    ep->p.has_console_size = false;
  }
  oci_process *p = &ep->p;
  if (o->tty_given)
    p->terminal = o->tty;
  if (o->cwd)
    p->cwd = (char *)o->cwd;
  if (o->nenv && merge_env(ep, o) < 0)
    return rt_error_set(err, ENOMEM, "env");
  if (o->user && parse_user(o->user, &p->user, err) < 0)
    return -1;
  if (o->n_additional_gids) {
    p->user.additional_gids = o->additional_gids;
    p->user.n_additional_gids = (size_t)o->n_additional_gids;
  }
  if (o->no_new_privs)
    p->no_new_privileges = true;
  if (o->process_label)
    p->selinux_label = (char *)o->process_label;
  if (o->apparmor)
    p->apparmor_profile = (char *)o->apparmor;
  if (o->ncaps) {
    oci_capabilities *caps = own(ep, calloc(1, sizeof *caps));
    if (!caps)
      return rt_error_set(err, ENOMEM, "caps");
    if (p->capabilities)
      *caps = *p->capabilities;
    char **x = o->caps;
    size_t m = (size_t)o->ncaps;
    caps->bounding = strv_append(ep, caps->bounding, caps->n_bounding, x, m, &caps->n_bounding);
    caps->effective = strv_append(ep, caps->effective, caps->n_effective, x, m, &caps->n_effective);
    caps->permitted = strv_append(ep, caps->permitted, caps->n_permitted, x, m, &caps->n_permitted);
    if (!caps->bounding || !caps->effective || !caps->permitted)
      return rt_error_set(err, ENOMEM, "caps");
    caps->has_bounding = caps->has_effective = caps->has_permitted = true;
    /* Ambient needs inheritable: only when the config has inheritable bits. */
    if (caps->has_inheritable && caps->n_inheritable) {
      caps->ambient = strv_append(ep, caps->ambient, caps->n_ambient, x, m, &caps->n_ambient);
      if (!caps->ambient)
        return rt_error_set(err, ENOMEM, "caps");
      caps->has_ambient = true;
    }
    p->capabilities = caps;
  }
  if (!p->args || p->n_args == 0)
    return rt_error_set(err, 0, "exec: no command given");
  if (!p->cwd || !*p->cwd)
    p->cwd = "/";
  return 0;
}

/* Namespaces the exec'd process shares with the init: every one the config
 * lists (new or joined by path); the others are the host's anyway. */
static int ns_flags_of(const oci_config *c, int *parent_flags, int *child_flags) {
  static const char *const types[] = {"user", "mount", "pid", "network", "uts", "ipc", "cgroup", "time"};
  *parent_flags = *child_flags = 0;
  for (size_t i = 0; i < ARRAY_SIZE(types); i++) {
    if (!ns_find(c->linux_, types[i]))
      continue;
    int f = ns_flag(types[i]);
    /* pid and time namespaces apply to children: rt joins those itself. */
    if (f == CLONE_NEWPID || f == CLONE_NEWTIME)
      *parent_flags |= f;
    else
      *child_flags |= f;
  }
  return 0;
}

struct exec_child {
  const oci_config *config;
  const oci_process *p;
  int pidfd;       /* of the container's init */
  int child_flags;
  int sync_fd;
  int preserve_fds;
  const char *state_json;
  struct cgroup_attach *cgroup; /* v1 hierarchies the child enters itself */
};

static _Noreturn void exec_fail(struct exec_child *x, rt_error *err) {
  sync_report_error(x->sync_fd, err->msg);
  _exit(1);
}

static _Noreturn void exec_child_main(struct exec_child *x) {
  rt_error err = {0};
  const oci_process *p = x->p;
  init_child_reset(false);
  /* The container's v1 cgroups, entered by ourselves (one thread, no
   * global lock; see cgroup.h); the cgroup2 one was clone3's. */
  if (x->cgroup && cgroup_attach_self(x->cgroup, &err) < 0)
    exec_fail(x, &err);
  /* Before entering the container: close every fd rt itself holds (the
   * --root directory, the container's state directory, ...) but what this
   * child needs, so no /proc/self/fd/N of a host directory exists for a
   * --cwd, a program path or a PATH entry to walk out through
   * (CVE-2024-21626). Close-on-exec alone is too late for those. */
  /* rt's own procfs (util/procfs.h), of the container's pid namespace we
   * were born in, while we are still the host's root with its /proc. */
  procfs_init();
  int keep[] = {x->sync_fd, x->pidfd, rt_seccomp_listener_fd, rt_log_fd(), procfs_fd()};
  fs_close_from_except(3 + x->preserve_fds, keep, sizeof keep / sizeof keep[0]);
  security_child_init();
  /* One setns on the init's pidfd joins every namespace at once, in the
   * order the kernel needs (the user namespace first). */
  if (x->child_flags && setns(x->pidfd, x->child_flags) < 0) {
    rt_error_set(&err, errno, "setns into the container's namespaces");
    exec_fail(x, &err);
  }
  close(x->pidfd);
  /* In the container's namespaces and cgroup: rt lets go of the state's
   * lock, then lets us go on. */
  if (sync_send(x->sync_fd, SYNC_READY, NULL, 0, -1, &err) < 0)
    _exit(1);
  if (sync_wait(x->sync_fd, SYNC_AT_EXEC_GO, NULL, NULL, &err) < 0) {
    if (sync_peer_gone(&err))
      _exit(1);
    exec_fail(x, &err);
  }
  /* The init's order: the process attributes, then the terminal. */
  if (proc_apply_attributes(x->config, p, false, &err) < 0)
    exec_fail(x, &err);
  if (p->terminal && init_child_pty(x->sync_fd, p, false, &err) < 0)
    exec_fail(x, &err);
  if (fs_chdir_in_root(p->cwd && *p->cwd ? p->cwd : "/", &err) < 0) {
    rt_error_prefix(&err, "exec: process.cwd");
    exec_fail(x, &err);
  }
  char *exe = NULL;
  if (proc_find_executable(p, &exe, &err) < 0)
    exec_fail(x, &err);
  struct finalize_opts fo = {
      .preserve_fds = x->preserve_fds, .state_json = x->state_json, .exec_affinity = true};
  finalize_exec(x->config, p, exe, &fo, &err);
  exec_fail(x, &err);
}

/* The child's SYNC_READY: it is in the container's namespaces and cgroup. */
static int wait_child_joined(int sync_fd, rt_error *err) {
  return sync_wait(sync_fd, SYNC_AT_RT_JOINED, NULL, NULL, err) < 0 ? -1 : 0;
}

/* Wait for the child to exec (its end of the channel closes), passing on
 * the pty master when it sends one. */
static int wait_child_exec(int sync_fd, const struct rt_exec_opts *o, int *master, rt_error *err) {
  for (;;) {
    int fd = -1;
    int t = sync_wait(sync_fd, SYNC_AT_RT_EXEC, NULL, &fd, err);
    if (t <= 0)
      return t;
    if (fd < 0)
      continue;
    if (o->console_socket) {
      int r = term_send_to_socket(o->console_socket, fd, err);
      close(fd);
      if (r < 0)
        return -1;
    } else {
      *master = fd;
    }
  }
}

/* rt's own pid and time namespaces for children, to go back to. */
static int save_own_namespaces(int flags, int fds[2], rt_error *err) {
  if (flags & CLONE_NEWPID) {
    fds[0] = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
    if (fds[0] < 0)
      return rt_error_set(err, errno, "open /proc/self/ns/pid");
  }
  if (flags & CLONE_NEWTIME) {
    fds[1] = open("/proc/self/ns/time", O_RDONLY | O_CLOEXEC);
    if (fds[1] < 0)
      return rt_error_set(err, errno, "open /proc/self/ns/time");
  }
  return 0;
}

static int restore_own_namespaces(int fds[2], rt_error *err) {
  if (fds[0] >= 0 && setns(fds[0], CLONE_NEWPID) < 0)
    return rt_error_set(err, errno, "setns back into rt's own pid namespace");
  if (fds[1] >= 0 && setns(fds[1], CLONE_NEWTIME) < 0)
    return rt_error_set(err, errno, "setns back into rt's own time namespace");
  return 0;
}

int container_exec(const struct rt_exec_opts *o, rt_error *err) {
  /* Released in the reverse order: cg first, the container's handle (its
   * lock) last. */
  _cleanup_container_ struct container_handle ex = CONTAINER_HANDLE_INIT;
  _cleanup_oci_config_ oci_config *c = NULL;
  _cleanup_(exec_process_freep) struct exec_process ep = {0};
  _cleanup_free_ char *state = NULL;
  _cleanup_close_pair_ int own_ns[2] = {-1, -1};
  _cleanup_close_pair_ int sv[2] = {-1, -1};
  _cleanup_close_ int pidfd = -1;
  _cleanup_close_ int child_pidfd = -1;
  _cleanup_close_ int master = -1;
  _cleanup_(cgroup_attach_closep) struct cgroup_attach cg = CGROUP_ATTACH_INIT;
  int ret = -1;
  pid_t child = -1;
  sigset_t mask, old;
  forward_signal_set(&mask);
  bool foreground = !o->detach;
  if (container_open(o->root, o->id, false, &ex, err) < 0)
    return -1;
  if (ex.status == RT_STATUS_PAUSED && !o->ignore_paused) {
    rt_error_set(err, 0, "cannot exec in container %s: it is paused (use --ignore-paused)", o->id);
    return -1;
  }
  if (ex.status != RT_STATUS_RUNNING && ex.status != RT_STATUS_CREATED &&
      ex.status != RT_STATUS_PAUSED) {
    rt_error_set(err, 0, "cannot exec in container %s: it is %s", o->id, rt_state_status_name(ex.status));
    return -1;
  }
  c = container_saved_config(ex.dirfd);
  if (!c) {
    rt_error_set(err, 0, "cannot read the saved config of container %s", o->id);
    return -1;
  }
  if (build_process(&ep, c, o, err) < 0)
    return -1;
  if (ep.p.terminal && !o->console_socket && o->detach) {
    rt_error_set(err, 0, "exec --tty --detach needs --console-socket to receive the terminal");
    return -1;
  }
  bool frozen = ex.st.cgroup_path && cgroup_is_frozen(ex.st.cgroup_path) == 1;
  if (frozen && !o->ignore_paused) {
    rt_error_set(err, 0, "cannot exec in container %s: it is paused (use --ignore-paused)", o->id);
    return -1;
  }
  if (o->cgroup && !ex.st.cgroup_path) {
    rt_error_set(err, 0, "exec --cgroup %s: container %s has no cgroup", o->cgroup, o->id);
    return -1;
  }
  pidfd = container_init_pidfd(&ex.st);
  if (pidfd < 0) {
    rt_error_set(err, 0, "cannot exec in container %s: its init is gone", o->id);
    return -1;
  }
  int parent_flags, child_flags;
  ns_flags_of(c, &parent_flags, &child_flags);
  /* pid and time namespaces apply to children: rt sets them for the one
   * clone3 of the exec child and takes its own back right after (it forks
   * nothing else meanwhile; see restore_own_namespaces). */
  if (parent_flags && save_own_namespaces(parent_flags, own_ns, err) < 0)
    return -1;
  if (parent_flags && setns(pidfd, parent_flags) < 0) {
    rt_error_set(err, errno, "setns into the container's pid/time namespace");
    return -1;
  }
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
    rt_error_set(err, errno, "socketpair");
    return -1;
  }
  state = rt_state_to_json(&ex.st, ex.status, false);
  /* A frozen (v1) freezer would stop the child as soon as it entered by
   * itself, before it could tell rt, which waits for that holding the
   * lock that resume needs: into a paused container (--ignore-paused) rt
   * moves the child the old way and lets go of the lock without waiting. */
  if (ex.st.cgroup_path && !frozen &&
      cgroup_attach_open(ex.st.cgroup_path, o->cgroup, &cg, err) < 0)
    return -1;
  struct exec_child x = {.config = c,          .p = &ep.p,
                         .pidfd = pidfd,       .child_flags = child_flags,
                         .sync_fd = sv[1],     .preserve_fds = o->preserve_fds,
                         .state_json = state,  .cgroup = &cg};
  if (foreground) {
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    sigprocmask(SIG_BLOCK, &mask, &old);
  }
  struct clone_args args = {.flags = CLONE_PIDFD, .pidfd = (uint64_t)(uintptr_t)&child_pidfd,
                            .exit_signal = SIGCHLD};
  oci_config view = *c;
  view.process = &ep.p;
  if (security_prepare(&view, err) < 0)
    goto out_mask;
  if (cg.into_fd >= 0) {
    args.flags |= CLONE_INTO_CGROUP;
    args.cgroup = (uint64_t)cg.into_fd;
  }
  /* execCPUAffinity.initial: where the process runs before it enters the
   * container's cgroup, so set in rt and inherited (the cgroup2 part of that
   * transition is the clone itself); rt's own affinity is put back. */
  cpu_set_t rt_cpus;
  bool initial = ep.p.exec_cpu_affinity_initial && *ep.p.exec_cpu_affinity_initial;
  if (initial && sched_getaffinity(0, sizeof rt_cpus, &rt_cpus) < 0) {
    rt_error_set(err, errno, "sched_getaffinity");
    security_release();
    goto out_mask;
  }
  if (initial && proc_apply_cpu_affinity(&ep.p, false, err) < 0) {
    security_release();
    goto out_mask;
  }
  long pid = syscall(SYS_clone3, &args, sizeof args);
  bool into_failed = false;
  if (pid < 0 && cg.into_fd >= 0) {
    /* e.g. pids.max reached (a task may still be moved in), or a kernel
     * without CLONE_INTO_CGROUP: rt moves the process afterwards. */
    into_failed = true;
    args.flags &= ~(uint64_t)CLONE_INTO_CGROUP;
    args.cgroup = 0;
    pid = syscall(SYS_clone3, &args, sizeof args);
  }
  int clone_errno = errno;
  if (pid != 0 && parent_flags) {
    /* Rootless, the kernel refuses the way back into a pid namespace
     * owned by the initial user namespace (EPERM): harmless, as rt exec
     * starts no other process (no hook runs here). */
    rt_error back;
    if (restore_own_namespaces(own_ns, &back) < 0)
      log_debug("%s", back.msg);
  }
  if (pid != 0)
    security_release();
  if (pid != 0 && initial)
    sched_setaffinity(0, sizeof rt_cpus, &rt_cpus);
  if (pid < 0) {
    rt_error_set(err, clone_errno, "clone3 the exec process");
    goto out_mask;
  }
  if (pid == 0) {
    close(sv[0]);
    exec_child_main(&x);
  }
  child = (pid_t)pid;
  log_debug("exec %s: pid %d, joining the namespaces of the init (pid %d)", o->id, (int)child,
            (int)ex.st.pid);
  sv[1] = rt_safe_close(sv[1]);
  if (into_failed && cgroup_attach_pid_v2(&cg, child, err) < 0)
    goto kill_child;
  cgroup_attach_close(&cg);
  if (frozen && ex.st.cgroup_path && cgroup_join(ex.st.cgroup_path, o->cgroup, child, err) < 0)
    goto kill_child;
  if (!frozen && wait_child_joined(sv[0], err) < 0)
    goto kill_child;
  /* The process is in the container's namespaces and cgroup: let go of the
   * state's lock, so that pause, resume, kill and delete work while it
   * runs, or while, with --ignore-paused, it waits frozen for a resume
   * (which held on to the lock would wait for us: a deadlock). */
  flock(ex.dirfd, LOCK_UN);
  /* Frozen (--ignore-paused): GO goes first, READY comes once thawed. */
  if (sync_send(sv[0], SYNC_GO, NULL, 0, -1, err) < 0 ||
      (frozen && wait_child_joined(sv[0], err) < 0) || wait_child_exec(sv[0], o, &master, err) < 0)
    goto kill_child;
  if (o->pid_file) {
    _cleanup_free_ char *abs = fs_abspath(o->pid_file);
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%d", (int)child);
    if (!abs || fs_write_file_atomic(abs, buf, (size_t)n, 0644, err) < 0)
      goto kill_child;
  }
  if (!foreground) {
    return 0;
  }
  log_debug("exec %s: waiting for pid %d", o->id, (int)child);
  ret = forward_and_wait(child, child_pidfd, master, &mask, NULL);
  goto out_mask;
kill_child:
  syscall(SYS_pidfd_send_signal, child_pidfd, SIGKILL, NULL, 0);
  while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
    ;
out_mask:
  if (foreground)
    sigprocmask(SIG_SETMASK, &old, NULL);
  return ret;
}

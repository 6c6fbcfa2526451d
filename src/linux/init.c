/* The container's init: everything between clone3 and execve of the user's
 * program, in the order of runtime.md's lifecycle. Errors go back to rt over
 * the sync channel; the init then exits. */
#include "config.h"
#include "linux/init.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux/hooks.h"
#include "linux/finalize.h"
#include "linux/mount.h"
#include "linux/namespaces.h"
#include "linux/netdev.h"
#include "linux/process.h"
#include "util/procfs.h"
#include "linux/sync.h"
#include "lsm/lsm.h"
#include "linux/security.h"
#include "linux/terminal.h"
#include "util/cleanup.h"
#include "util/fs.h"

/* After `rt start` opened exec.fifo: where a failure is reported to it,
 * as a letter and the message: 'H' a startContainer hook failed (start
 * then destroys the container, runtime.md lifecycle step 7), 'E' anything
 * else (the execve: the container stays, stopped, for delete). */
static int start_report_fd = -1;
static char start_report_kind = 'E';

static _Noreturn void init_fail(struct init_ctx *ctx, rt_error *err) {
  if (start_report_fd >= 0) {
    /* "E" and the message: start fails with it (its reader sees EOF only
     * when the execve closes the fifo). Plain writes: after the seccomp
     * filter, write may be all that is allowed. */
    if (write(start_report_fd, &start_report_kind, 1) == 1)
      (void)!write(start_report_fd, err->msg, strlen(err->msg));
    _exit(1);
  }
  sync_report_error(ctx->sync_fd, err->msg);
  _exit(1);
}

/* Wait for rt's next message at point `at` (linux/sync.h); rt gone (the end
 * of the channel) means the create was abandoned: exit without a word. */
static int init_wait(struct init_ctx *ctx, enum sync_at at, char **payload) {
  rt_error err = {0};
  int t = sync_wait(ctx->sync_fd, at, payload, NULL, &err);
  if (t < 0 && sync_peer_gone(&err))
    _exit(1);
  if (t < 0)
    init_fail(ctx, &err);
  return t;
}

static int run_container_hooks(struct init_ctx *ctx, const oci_hook_list *list, const char *kind,
                               const char *state, rt_error *err) {
  if (!list->n)
    return 0;
  return hooks_run(list, kind, state ? state : "{}", err);
}

void init_child_reset(bool dumpable) {
  sigset_t none;
  sigemptyset(&none);
  for (int s = 1; s < NSIG; s++)
    signal(s, SIG_DFL);
  sigprocmask(SIG_SETMASK, &none, NULL);
  prctl(PR_SET_DUMPABLE, dumpable ? 1 : 0, 0, 0, 0);
}

int init_child_pty(int sync_fd, const oci_process *p, bool new_session, rt_error *err) {
  int master = term_setup_in_container(p->has_console_size, p->console_height, p->console_width,
                                       new_session, err);
  if (master < 0)
    return -1;
  int r = sync_send(sync_fd, SYNC_PTY, NULL, 0, master, err);
  close(master);
  return r;
}

struct start_hooks {
  struct init_ctx *ctx;
  const char *state;
};

/* A failure here is start's 'H' (the container is destroyed); afterwards
 * only the execve can fail ('E'). */
static int run_start_hooks(void *arg, rt_error *err) {
  struct start_hooks *sh = arg;
  start_report_kind = 'H';
  if (run_container_hooks(sh->ctx, &sh->ctx->config->hooks.start_container, "startContainer",
                          sh->state, err) < 0)
    return -1;
  start_report_kind = 'E';
  return 0;
}

_Noreturn void init_run(struct init_ctx *ctx) {
  rt_error err = {0};
  const oci_config *c = ctx->config;
  const oci_process *p = c->process;

  /* Until exec nobody in the container may ptrace us or open /proc/self/exe.
   * One exception: an unprivileged rt (rootless) can write the id maps of
   * a new user namespace only while /proc/PID/uid_map is its own, that is
   * while we are dumpable; nothing else runs in the container yet, and we
   * stop being dumpable as soon as the maps are written. */
  bool dumpable_for_maps = ctx->new_userns && geteuid() != 0;
  init_child_reset(dumpable_for_maps);
  /* First, while we are one thread and rt's files are in reach: the v1
   * hierarchies of our cgroup (clone3 put us in the cgroup2 one). */
  if (ctx->cgroup && cgroup_attach_self(ctx->cgroup, &err) < 0)
    init_fail(ctx, &err);
  security_child_init();

  /* process.execCPUAffinity "is not applicable to the container's init
   * process" (config.md): only rt exec applies it. */

  /* rt writes the id maps (and, later, joins cgroups) then lets us go on. */
  init_wait(ctx, SYNC_AT_INIT_USERMAP, NULL);
  if (dumpable_for_maps)
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  /* Namespaces given by path: joined here, or already by the process that
   * cloned us (ctx->joined_paths, see ns_join_before_clone). */
  if (!ctx->joined_paths && c->linux_ && ns_join_paths(c->linux_, &err) < 0)
    init_fail(ctx, &err);
  if (ctx->userns) {
    if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) {
      rt_error_set(&err, errno, "become root in the container's user namespace (is 0 mapped?)");
      init_fail(ctx, &err);
    }
  }
  if (ctx->host_netlink >= 0) {
    if (netdev_move_all(c->linux_, ctx->host_netlink, &err) < 0)
      init_fail(ctx, &err);
    close(ctx->host_netlink);
  }
  /* A network namespace rt made: lo up, as runc and crun (podman's
   * --network none, pods talking over localhost). Not one joined by path:
   * that one is its owner's to configure. */
  if (ctx->new_netns && netdev_loopback_up(&err) < 0)
    init_fail(ctx, &err);
  if (ctx->new_cgroupns && unshare(CLONE_NEWCGROUP) < 0) {
    rt_error_set(&err, errno, "unshare the cgroup namespace");
    init_fail(ctx, &err);
  }
  if (!ctx->no_new_keyring) {
    /* A session keyring of its own: the host's keys stay out of reach. */
    if (lsm_set_keycreate_label(c, &err) < 0)
      init_fail(ctx, &err);
    if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, ctx->id) < 0 && errno != ENOSYS &&
        errno != EPERM) {
      rt_error_set(&err, errno, "join a new session keyring");
      init_fail(ctx, &err);
    }
    if (lsm_clear_keycreate_label(c, &err) < 0)
      init_fail(ctx, &err);
  }

  struct rootfs_ctx rctx = {
      .config = c,
      .bundle = ctx->bundle,
      .rootfs = ctx->rootfs,
      .userns = ctx->userns,
      .bind_devices = ctx->bind_devices,
      .new_cgroupns = ctx->new_cgroupns,
      .no_pivot = ctx->no_pivot,
      .devnull_fd = ctx->devnull_fd,
      .idmap_fds = ctx->idmap_fds,
      .sync_fd = ctx->sync_fd,
  };
  umask(0);
  if (ctx->mountns && rootfs_prepare(&rctx, &err) < 0)
    init_fail(ctx, &err);

  /* prestart and createRuntime run in rt (the runtime namespace) now. */
  if (sync_send(ctx->sync_fd, SYNC_MOUNTS_DONE, NULL, 0, -1, &err) < 0)
    _exit(1);
  char *states = NULL;
  init_wait(ctx, SYNC_AT_INIT_HOOKS, &states);
  const char *state_creating = states;
  const char *state_created = states ? states + strlen(states) + 1 : NULL;

  /* runc runs createContainer hooks from the container's root (the spec is
   * silent); rootfs_pivot changes directory again anyway. */
  if (c->hooks.create_container.n && chdir(ctx->rootfs) < 0) {
    rt_error_set(&err, errno, "chdir %s for the createContainer hooks", ctx->rootfs);
    init_fail(ctx, &err);
  }
  if (run_container_hooks(ctx, &c->hooks.create_container, "createContainer", state_creating,
                          &err) < 0)
    init_fail(ctx, &err);

  if (ctx->mountns) {
    if (rootfs_pivot(&rctx, &err) < 0)
      init_fail(ctx, &err);
  } else if (chdir("/") < 0) {
    rt_error_set(&err, errno, "chdir /");
    init_fail(ctx, &err);
  }
  /* rt's own procfs for what it writes there (sysctl, oom_score_adj, LSM
   * attributes; util/procfs.h): made now, in our pid namespace, before the
   * masked paths (a user namespace gets a new proc instance only while
   * /proc is fully visible). */
  procfs_init();
  /* Before the read-only and masked paths: /proc/sys is read-only in the
   * usual configs, and sysctl must still reach it (runc's order too). */
  if (proc_set_hostname(c, &err) < 0 || proc_apply_sysctl(c, &err) < 0)
    init_fail(ctx, &err);
  if (ctx->mountns && rootfs_finish(&rctx, &err) < 0)
    init_fail(ctx, &err);
  close(ctx->devnull_fd);
  if (!p) {
    rt_error_set(&err, 0, "config.json: .process: missing; nothing to start");
    init_fail(ctx, &err);
  }
  if (proc_apply_attributes(c, p, true, &err) < 0)
    init_fail(ctx, &err);

  if (p->terminal) {
    if (init_child_pty(ctx->sync_fd, p, true, &err) < 0)
      init_fail(ctx, &err);
  } else if (setsid() < 0) {
    rt_error_set(&err, errno, "setsid");
    init_fail(ctx, &err);
  }

  /* cwd is created (as root) when missing, like runc does. */
  if (p->cwd && *p->cwd) {
    _cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    rt_error tmp;
    int fd = root >= 0 ? fs_mkdir_p_in_root(root, p->cwd, 0755, &tmp) : -1;
    if (fd >= 0)
      close(fd);
  }
  char *exe = NULL;
  if (proc_find_executable(p, &exe, &err) < 0)
    init_fail(ctx, &err);
  umask(p->user.has_umask ? (mode_t)p->user.umask : 022);

  /* Ready: rt records the state. Then either start's read of exec.fifo or
   * rt run's go lets us continue. */
  if (sync_send(ctx->sync_fd, SYNC_READY, NULL, 0, -1, &err) < 0)
    _exit(1);
  if (init_wait(ctx, SYNC_AT_INIT_GO, NULL) == SYNC_WAIT_FIFO) {
    int fifo = openat(ctx->state_dirfd, "exec.fifo", O_WRONLY | O_CLOEXEC);
    if (fifo < 0) {
      dprintf(STDERR_FILENO, "rt: open exec.fifo: %s\n", strerror(errno));
      _exit(1);
    }
    if (write(fifo, "0", 1) != 1)
      _exit(1);
    /* Kept open (close-on-exec) until the execve: start learns from it how
     * the startContainer hooks and the execve went. */
    start_report_fd = fifo;
  }
  close(ctx->state_dirfd);

  /* startContainer hooks run from finalize_exec, as runc runs them: as the
   * container's user, with its capabilities and under its seccomp filter,
   * right before the execve. */
  struct start_hooks sh = {.ctx = ctx, .state = state_created};
  struct finalize_opts fo = {.preserve_fds = ctx->preserve_fds, .listen_fds = ctx->listen_fds,
                             .state_json = state_created,
                             .before_execve = c->hooks.start_container.n ? run_start_hooks : NULL,
                             .before_execve_arg = &sh};
  finalize_exec(c, p, exe, &fo, &err);
  init_fail(ctx, &err);
}

/* rt: create and run, the container lifecycle of runtime.md on the
 * runtime's side: the steps of a creation and the protocol with the init.
 * The container's own side (between clone3 and execve) is linux/init.c. */
#include "config.h"
#include "container.h"
#include "container_internal.h"
#include "creation.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "forward.h"
#include "linux/hooks.h"
#include "notify.h"
#include "libocispec/oci_config.h"
#include "linux/cgroup.h"
#include "linux/criu.h"
#include "linux/init.h"
#include "linux/namespaces.h"
#include "linux/netdev.h"
#include "linux/process.h"
#include "linux/sync.h"
#include "linux/terminal.h"
#include "linux/security.h"
#include "state.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/time.h"


/* The pid of PID in its own (innermost) pid namespace: the last NSpid field. */
static pid_t pid_in_own_ns(pid_t pid) {
  char path[64];
  _cleanup_free_ char *data = NULL;
  snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
  rt_error e;
  if (fs_read_file(path, 1 << 16, &data, NULL, &e) < 0)
    return pid;
  pid_t inner = pid;
  char *l = strstr(data, "\nNSpid:");
  if (l) {
    l += strlen("\nNSpid:");
    char *end;
    for (;;) {
      long v = strtol(l, &end, 10);
      if (end == l)
        break;
      inner = (pid_t)v;
      l = end;
    }
  }
  return inner;
}

static void creation_abort(struct creation *cr) {
  if (cr->pid > 0) {
    if (cr->pidfd >= 0)
      syscall(SYS_pidfd_send_signal, cr->pidfd, SIGKILL, NULL, 0);
    else
      kill(cr->pid, SIGKILL);
    while (waitpid(cr->pid, NULL, 0) < 0 && errno == EINTR)
      ;
  }
  if (cr->st.cgroup_path) {
    rt_error e;
    if (cgroup_destroy(cr->st.cgroup_path, cr->st.systemd_cgroup, &e) < 0)
      log_warn("%s", e.msg);
  }
  if (cr->hooks_started)
    container_run_poststop(cr->config, &cr->st);
  if (cr->dir_created) {
    rt_error e;
    if (rt_state_dir_remove(cr->rootfd, cr->o->id, &e) < 0)
      log_warn("%s", e.msg);
  }
  if (cr->pid_file_written) {
    _cleanup_free_ char *abs = fs_abspath(cr->o->pid_file);
    if (abs && unlink(abs) < 0 && errno != ENOENT)
      log_warn("remove --pid-file %s: %s", abs, strerror(errno));
  }
}

/* The one destructor of struct creation; the fds go in the order they always
 * did (dirfd, which holds the container's lock, after the init's channel). */
static void creation_free(struct creation *cr) {
  cgroup_attach_close(&cr->cg);
  free(cr->notify_dir);
  cr->sync_fd = rt_safe_close(cr->sync_fd);
  cr->pidfd = rt_safe_close(cr->pidfd);
  cr->master = rt_safe_close(cr->master);
  cr->dirfd = rt_safe_close(cr->dirfd);
  cr->rootfd = rt_safe_close(cr->rootfd);
  for (size_t i = 0; cr->idmap_fds && cr->config && i < cr->config->n_mounts; i++)
    cr->idmap_fds[i] = rt_safe_close(cr->idmap_fds[i]);
  free(cr->idmap_fds);
  oci_config_free(cr->config);
  free(cr->config_data);
  free(cr->bundle);
  free(cr->rootfs);
  /* st borrows bundle/rootfs/id: only free what it owns. */
  free(cr->st.created);
  free(cr->st.cgroup_path);
}

/* NOTIFY_SOCKET in rt's environment: the notify directory, its mount and
 * the variable in the container (notify.h). */
static int setup_notify(struct creation *cr, rt_error *err) {
  if (!notify_host_socket())
    return 0;
  _cleanup_free_ char *aroot = fs_abspath(cr->o->root);
  if (!aroot || asprintf(&cr->notify_dir, "%s/%s", aroot, cr->o->id) < 0)
    return rt_error_set(err, ENOMEM, "NOTIFY_SOCKET");
  return notify_setup_config(cr->config, cr->dirfd, cr->notify_dir, err);
}

/* The host uid/gid that the container's root maps to (for exec.fifo). */
static void root_ids(const oci_linux *l, uid_t *uid, gid_t *gid) {
  *uid = 0;
  *gid = 0;
  for (size_t i = 0; l && i < l->n_uid_mappings; i++)
    if (l->uid_mappings[i].container_id == 0)
      *uid = l->uid_mappings[i].host_id;
  for (size_t i = 0; l && i < l->n_gid_mappings; i++)
    if (l->gid_mappings[i].container_id == 0)
      *gid = l->gid_mappings[i].host_id;
}

/* The directory of a create that failed before it was published. */
static void unlink_private_dir(struct creation *cr) {
  for (const char *f = "config.json"; f; f = strcmp(f, "config.json") == 0 ? "exec.fifo"
                                              : strcmp(f, "exec.fifo") == 0  ? "state.json"
                                                                              : NULL)
    unlinkat(cr->dirfd, f, 0);
  unlinkat(cr->rootfd, cr->tmp_name, AT_REMOVEDIR);
}

static int prepare_state_dir(struct creation *cr, rt_error *err) {
  cr->rootfd = rt_state_root_open(cr->o->root, err);
  if (cr->rootfd < 0)
    return -1;
  /* 0711 and locked: the init, maybe another uid in a user namespace, must
   * reach exec.fifo. */
  cr->dirfd = rt_state_dir_create(cr->rootfd, cr->o->id, cr->tmp_name, err);
  if (cr->dirfd < 0)
    return -1;
  _cleanup_close_ int fd = openat(cr->dirfd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 || write(fd, cr->config_data, cr->config_len) != (ssize_t)cr->config_len) {
    rt_error_set(err, errno, "save config.json in the state directory");
    unlink_private_dir(cr);
    return -1;
  }
  if (cr->o->mode == RT_MODE_CREATE) {
    uid_t uid;
    gid_t gid;
    root_ids(cr->config->linux_, &uid, &gid);
    if (mkfifoat(cr->dirfd, "exec.fifo", 0600) < 0 ||
        ((uid || gid) && fchownat(cr->dirfd, "exec.fifo", uid, gid, 0) < 0)) {
      rt_error_set(err, errno, "make exec.fifo");
      unlink_private_dir(cr);
      return -1;
    }
  }
  char created[RT_RFC3339_MAX];
  rt_time_now_rfc3339(created, sizeof created);
  cr->st.id = (char *)cr->o->id;
  cr->st.bundle = cr->bundle;
  cr->st.rootfs = cr->rootfs;
  cr->st.created = strdup(created);
  if (!cr->st.created) {
    unlink_private_dir(cr);
    return rt_error_set(err, ENOMEM, "state");
  }
  cr->st.owner = "";
  cr->st.annotations = cr->config->annotations;
  cr->st.created_status = cr->o->mode == RT_MODE_CREATE;
  cr->st.systemd_cgroup = cr->o->systemd_cgroup;
  cr->st.creator = getpid();
  int r = rt_state_pid_stat(cr->st.creator, &cr->st.creator_start, NULL);
  if (r < 0 || rt_state_write(cr->dirfd, &cr->st, err) < 0) {
    if (r < 0)
      rt_error_set(err, -r, "read rt's own start time");
    unlink_private_dir(cr);
    return -1;
  }
  if (rt_state_dir_publish(cr->rootfd, cr->tmp_name, cr->o->id, err) < 0) {
    unlink_private_dir(cr);
    return -1;
  }
  cr->dir_created = true;
  return 0;
}

/* rt's messages to the init (linux/sync.h), logged under --debug. */
static int send_to_init(struct creation *cr, enum sync_type type, const void *data, size_t len,
                        int fd, rt_error *err) {
  log_debug("sync: %s to the container's init", sync_type_name(type));
  return sync_send(cr->sync_fd, type, data, len, fd, err);
}

/* Until the init is done with its mounts: serve its requests for bind
 * sources (idmapped trees; sources rt opens for a user namespace). */
static int wait_mounts_done(struct creation *cr, rt_error *err) {
  for (;;) {
    _cleanup_free_ char *payload = NULL;
    int t = sync_wait(cr->sync_fd, SYNC_AT_RT_MOUNTS, &payload, NULL, err);
    if (t < 0)
      return -1;
    if (t == SYNC_MOUNTS_DONE)
      return 0;
    char *end = NULL;
    unsigned long i = payload ? strtoul(payload, &end, 10) : 0;
    const oci_linux *l = cr->config->linux_;
    if (t == SYNC_DEVICE_REQ) {
      /* a linux.devices node for a user-namespaced init */
      if (!payload || end == payload || !l || i >= l->n_devices || !ns_find(l, "user"))
        return rt_error_set(err, 0, "sync: bad device request from the init");
      bool whole = false;
      _cleanup_close_ int node = creation_device_tree(cr, i, &whole);
      if (send_to_init(cr, SYNC_DEVICE_FD, whole ? "node" : NULL, whole ? 5 : 0, node, err) < 0)
        return -1;
      continue;
    }
    /* SYNC_SOURCE_REQ: the index of a bind mount, idmapped or in a user
     * namespace (linux/sync.h). */
    if (!payload || end == payload || i >= cr->config->n_mounts)
      return rt_error_set(err, 0, "sync: bad mount source request from the init");
    bool idmap = cr->idmap_fds && cr->idmap_fds[i] >= 0;
    if (!idmap && !ns_find(cr->config->linux_, "user"))
      return rt_error_set(err, 0, "sync: bad mount source request from the init");
    _cleanup_close_ int tree = idmap ? creation_idmap_tree(cr, i, err) : creation_bind_source(cr, i);
    if (idmap && tree < 0)
      return -1;
    if (send_to_init(cr, SYNC_SOURCE_FD, NULL, 0, tree, err) < 0)
      return -1;
  }
}

static int run_creation_steps(struct creation *cr, rt_error *err) {
  const oci_config *c = cr->config;
  /* Without CAP_SETGID, the kernel takes a gid_map only after setgroups
   * is denied (user_namespaces(7)). */
  if (ns_is_new(c->linux_, "user") &&
      ns_write_id_maps(cr->pid, c->linux_, geteuid() != 0, err) < 0)
    return -1;
  /* The init joins its cgroup before it unshares its cgroup namespace. */
  if (creation_cgroup_enter(cr, err) < 0 || creation_cgroup_delegate(cr, err) < 0)
    return -1;
  /* The state again, with the init's pid (and the systemd driver's scope). */
  unsigned long long init_start;
  if (rt_state_pid_stat(cr->pid, &init_start, NULL) == 0)
    cr->st.pid_start = init_start;
  if (rt_state_write(cr->dirfd, &cr->st, err) < 0)
    return -1;
  if (send_to_init(cr, SYNC_USERMAP_DONE, NULL, 0, -1, err) < 0)
    return -1;
  if (wait_mounts_done(cr, err) < 0)
    return -1;
  unsigned long long start;
  if (rt_state_pid_stat(cr->pid, &start, NULL) == 0)
    cr->st.pid_start = start;
  _cleanup_free_ char *creating = container_state_json(&cr->st, RT_STATUS_CREATING);
  /* createContainer and startContainer run in the container's namespaces:
   * their state has the pid as seen there (runtime.md, "State"). */
  rt_state inner = cr->st;
  inner.pid = pid_in_own_ns(cr->pid);
  _cleanup_free_ char *creating_in = container_state_json(&inner, RT_STATUS_CREATING);
  _cleanup_free_ char *created = container_state_json(&inner, RT_STATUS_CREATED);
  if (!creating || !creating_in || !created)
    return rt_error_set(err, ENOMEM, "state");
  /* From here a hook failure (prestart, createRuntime, createContainer)
   * destroys the container and runs poststop (lifecycle steps 3 to 5). */
  if (c->hooks.prestart.n || c->hooks.create_runtime.n || c->hooks.create_container.n ||
      (cr->o->mode != RT_MODE_CREATE && c->hooks.start_container.n))
    cr->hooks_started = true;
  if (hooks_run(&c->hooks.prestart, "prestart", creating, err) < 0 ||
      hooks_run(&c->hooks.create_runtime, "createRuntime", creating, err) < 0)
    return -1;
  size_t l1 = strlen(creating_in), l2 = strlen(created);
  _cleanup_free_ char *both = malloc(l1 + l2 + 2);
  if (!both)
    return rt_error_set(err, ENOMEM, "state");
  memcpy(both, creating_in, l1 + 1);
  memcpy(both + l1 + 1, created, l2 + 1);
  if (send_to_init(cr, SYNC_HOOKS_DONE, both, l1 + l2 + 2, -1, err) < 0)
    return -1;
  /* The pty master (process.terminal), then READY. */
  for (;;) {
    int fd = -1;
    int t = sync_wait(cr->sync_fd, SYNC_AT_RT_READY, NULL, &fd, err);
    if (t < 0)
      return -1;
    if (t == SYNC_READY)
      return 0;
    if (fd < 0)
      return rt_error_set(err, EPROTO, "sync: pty message without an fd");
    if (cr->o->console_socket) {
      int r = term_send_to_socket(cr->o->console_socket, fd, err);
      close(fd);
      if (r < 0)
        return -1;
    } else {
      cr->master = fd;
    }
  }
}

static int write_pid_file(const char *path, pid_t pid, rt_error *err) {
  if (!path)
    return 0;
  _cleanup_free_ char *abs = fs_abspath(path);
  if (!abs)
    return rt_error_set(err, errno, "--pid-file %s", path);
  char buf[32];
  int n = snprintf(buf, sizeof buf, "%d", (int)pid);
  if (fs_write_file_atomic(abs, buf, (size_t)n, 0644, err) < 0)
    return rt_error_prefix(err, "--pid-file");
  return 0;
}

/* After the init has execve'd: its end of the sync channel closes on exec. */
static int wait_exec(struct creation *cr, rt_error *err) {
  return sync_wait(cr->sync_fd, SYNC_AT_RT_EXECVE, NULL, NULL, err) < 0 ? -1 : 0;
}


/* The init went away in the middle of the protocol (EOF, ECONNRESET): say
 * how it ended, and the likeliest why, instead of only "sync: receive:
 * Connection reset by peer". */
static void explain_init_end(struct creation *cr, rt_error *err) {
  if (cr->pidfd < 0 || !(strncmp(err->msg, "sync: ", 6) == 0 ||
                         strstr(err->msg, "init exited during set-up")))
    return;
  struct pollfd pfd = {.fd = cr->pidfd, .events = POLLIN};
  if (poll(&pfd, 1, 2000) <= 0)
    return;
  siginfo_t si = {0};
  if (waitid(P_PIDFD, (id_t)cr->pidfd, &si, WEXITED | WNOHANG | WNOWAIT) < 0 || si.si_pid == 0)
    return;
  const oci_resources *res = cr->config->linux_ ? cr->config->linux_->resources : NULL;
  const oci_memory *mem = res ? res->memory : NULL;
  if (si.si_code == CLD_KILLED || si.si_code == CLD_DUMPED) {
    if (si.si_status == SIGKILL && mem && mem->has_limit && mem->limit >= 0)
      rt_error_set(err, 0,
                   "the container's init was killed (SIGKILL) while it was being set up: "
                   "config.json: .linux.resources.memory.limit %lld is likely below what it "
                   "needs (the kernel's OOM killer)",
                   (long long)mem->limit);
    else
      rt_error_set(err, 0, "the container's init was killed by signal %d (%s) while it was being set up",
                   si.si_status, strsignal(si.si_status));
  } else {
    rt_error_set(err, 0, "the container's init exited with status %d while it was being set up",
                 si.si_status);
  }
}

int container_create(const struct rt_create_opts *o, rt_error *err) {
  if (rt_state_id_validate(o->id, err) < 0)
    return -1;
  struct creation cr = {.o = o,       .rootfd = -1, .dirfd = -1, .pidfd = -1,
                       .sync_fd = -1, .master = -1, .cg = CGROUP_ATTACH_INIT};
  _cleanup_close_ int notify_fd = -1;
  sigset_t mask, old;
  forward_signal_set(&mask);
  int ret = -1;
  if (o->mode == RT_MODE_RUN && !o->no_subreaper) {
    /* Reap what gets reparented inside the container, and keep every signal
     * for the container's init (forwarded from the loop). */
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  }
  if (o->mode == RT_MODE_RUN)
    sigprocmask(SIG_BLOCK, &mask, &old);
  if (creation_load_config(&cr, err) < 0)
    goto fail;
  log_debug("create %s: bundle %s, rootfs %s", o->id, cr.bundle, cr.rootfs);
  if (prepare_state_dir(&cr, err) < 0)
    goto fail;
  if (o->restore) {
    /* rt restore: the cgroup as for a new init, the processes from CRIU. */
    if (creation_cgroup_create(&cr, err) < 0 || creation_restore(&cr, err) < 0)
      goto fail;
  } else if (setup_notify(&cr, err) < 0 || creation_spawn_init(&cr, err) < 0) {
    goto fail;
  } else if (run_creation_steps(&cr, err) < 0) {
    explain_init_end(&cr, err);
    goto fail;
  }
  unsigned long long start;
  if (rt_state_pid_stat(cr.pid, &start, NULL) == 0)
    cr.st.pid_start = start;
  cr.st.creator = 0; /* created: the state is whole */
  if (rt_state_write(cr.dirfd, &cr.st, err) < 0 || write_pid_file(o->pid_file, cr.pid, err) < 0)
    goto fail;
  cr.pid_file_written = o->pid_file != NULL;
  if (o->mode == RT_MODE_CREATE) {
    if (send_to_init(&cr, SYNC_WAIT_FIFO, NULL, 0, -1, err) < 0)
      goto fail;
    ret = 0;
    goto out;
  }
  if (cr.notify_dir) {
    notify_fd = notify_bind(cr.notify_dir, err);
    if (notify_fd < 0)
      goto fail;
  }
  if (!o->restore &&
      (send_to_init(&cr, SYNC_GO, NULL, 0, -1, err) < 0 || wait_exec(&cr, err) < 0))
    goto fail;
  if (cr.config->hooks.poststart.n) {
    /* A failure here stops and destroys the container, then runs poststop
     * (runtime.md lifecycle steps 9, 12 and 13). */
    cr.hooks_started = true;
    _cleanup_free_ char *running = container_state_json(&cr.st, RT_STATUS_RUNNING);
    if (hooks_run(&cr.config->hooks.poststart, "poststart", running ? running : "{}", err) < 0)
      goto fail;
  }
  if (o->mode == RT_MODE_RUN_DETACH) {
    ret = 0;
    if (notify_fd >= 0) {
      flock(cr.dirfd, LOCK_UN);
      if (notify_wait_ready(notify_fd, notify_host_socket(), cr.pidfd, cr.pid, err) < 0)
        ret = -1;
    }
    goto out;
  }
  /* Other commands (state, kill, exec, delete) work on the container while
   * it runs: let go of its lock until it has exited. */
  flock(cr.dirfd, LOCK_UN);
  struct forward_notify fn = {.fd = notify_fd, .host = notify_host_socket()};
  log_debug("run %s: waiting for the init (pid %d)", o->id, (int)cr.pid);
  ret = forward_and_wait(cr.pid, cr.pidfd, cr.master, &mask, notify_fd >= 0 ? &fn : NULL);
  log_debug("run %s: the init exited (status %d)", o->id, ret);
  cr.pid = 0;
  rt_error e;
  if (rt_state_lock(cr.dirfd, true, &e) < 0)
    log_warn("%s", e.msg);
  /* `rt delete --force` may have removed it meanwhile. */
  if (!o->keep && faccessat(cr.dirfd, "state.json", F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
    if (cr.st.cgroup_path && cgroup_destroy(cr.st.cgroup_path, cr.st.systemd_cgroup, &e) < 0)
      log_warn("%s", e.msg);
    if (rt_state_dir_remove(cr.rootfd, o->id, &e) < 0)
      log_warn("%s", e.msg);
    container_run_poststop(cr.config, &cr.st);
  }
  goto out;
fail:
  creation_abort(&cr);
  ret = -1;
out:
  if (o->mode == RT_MODE_RUN)
    sigprocmask(SIG_SETMASK, &old, NULL);
  creation_free(&cr);
  return ret;
}

/* rt restore: a creation whose init comes from CRIU (container_checkpoint.c
 * creation_restore) instead of clone3. */
int container_restore(const struct rt_create_opts *o, rt_error *err) {
  if (!o->restore)
    return rt_error_set(err, EINVAL, "restore: no options");
  if (o->systemd_cgroup)
    return rt_error_set(err, ENOTSUP, "restore %s: --systemd-cgroup is not supported by rt restore yet",
                        o->id);
  _cleanup_free_ char *criu = criu_find(err);
  if (!criu)
    return rt_error_prefix(err, "restore");
  return container_create(o, err);
}

/* rt: the container's init brought to life: clone3 with the new namespaces
 * of the config (born in its cgroup when the kernel allows), or, when
 * namespaces must be joined or a pid/time namespace entered first, from a
 * helper process that does so. Also the user namespaces of idmapped mounts. */
#include "config.h"
#include "creation.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libocispec/oci_config.h"
#include "linux/cgroup.h"
#include "linux/init.h"
#include "linux/namespaces.h"
#include "linux/netdev.h"
#include "linux/sync.h"
#include "linux/security.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* The namespaces clone3 makes for the init. */
static int clone_flags_of(const oci_linux *l) {
  static const char *const cloned[] = {"user", "mount", "pid", "network", "uts", "ipc"};
  int flags = 0;
  for (size_t i = 0; i < ARRAY_SIZE(cloned); i++)
    if (ns_is_new(l, cloned[i]))
      flags |= ns_flag(cloned[i]);
  return flags;
}

/* pid and time namespaces apply to children: a pid namespace given by path
 * and the time namespace (new, with its offsets, or given by path) are
 * entered by the process that clones the init. That is never rt itself
 * (runtime.md: prestart, createRuntime and poststop hooks run in the
 * runtime's namespaces, and rt forks them later) but the helper of
 * clone_init_joined. */
static bool needs_parent_namespaces(const oci_linux *l) {
  const oci_namespace *pid = ns_find(l, "pid");
  return (pid && pid->path && *pid->path) || ns_find(l, "time");
}

static int enter_parent_namespaces(const oci_linux *l, rt_error *err) {
  const oci_namespace *pid = ns_find(l, "pid");
  if (pid && pid->path && *pid->path) {
    _cleanup_close_ int fd = ns_open_path(pid->path, CLONE_NEWPID, "config.json: .linux.namespaces (pid)", err);
    if (fd < 0 || setns(fd, CLONE_NEWPID) < 0)
      return fd < 0 ? -1 : rt_error_set(err, errno, "setns pid %s", pid->path);
  }
  const oci_namespace *t = ns_find(l, "time");
  if (t && t->path && *t->path) {
    _cleanup_close_ int fd = ns_open_path(t->path, CLONE_NEWTIME, "config.json: .linux.namespaces (time)", err);
    if (fd < 0 || setns(fd, CLONE_NEWTIME) < 0)
      return fd < 0 ? -1 : rt_error_set(err, errno, "setns time %s", t->path);
  } else if (t) {
    if (unshare(CLONE_NEWTIME) < 0)
      return rt_error_set(err, errno, "unshare the time namespace");
    char buf[256];
    int n = 0;
    if (l->time_monotonic.present)
      n += snprintf(buf + n, sizeof buf - n, "monotonic %lld %u\n",
                    (long long)l->time_monotonic.secs, l->time_monotonic.nanosecs);
    if (l->time_boottime.present)
      n += snprintf(buf + n, sizeof buf - n, "boottime %lld %u\n",
                    (long long)l->time_boottime.secs, l->time_boottime.nanosecs);
    if (n && fs_write_file("/proc/self/timens_offsets", buf, (size_t)n, err) < 0)
      return rt_error_prefix(err, "config.json: .linux.timeOffsets");
  }
  return 0;
}

/* Idmapped mounts: a user namespace per mount with idmap/ridmap, holding the
 * mount's own mappings or, without them, the container's. */
static int prepare_idmaps(struct creation *cr, rt_error *err) {
  const oci_config *c = cr->config;
  for (size_t i = 0; i < c->n_mounts; i++) {
    const oci_mount *m = &c->mounts[i];
    bool idmap = false;
    for (size_t k = 0; k < m->n_options; k++)
      idmap |= strcmp(m->options[k], "idmap") == 0 || strcmp(m->options[k], "ridmap") == 0;
    if (!idmap)
      continue;
    if (!cr->idmap_fds) {
      cr->idmap_fds = malloc(c->n_mounts * sizeof(int));
      if (!cr->idmap_fds)
        return rt_error_set(err, ENOMEM, "idmap");
      for (size_t k = 0; k < c->n_mounts; k++)
        cr->idmap_fds[k] = -1;
    }
    const oci_linux *l = c->linux_;
    const oci_id_mapping *u = m->uid_mappings, *g = m->gid_mappings;
    size_t nu = m->n_uid_mappings, ng = m->n_gid_mappings;
    if (!nu && !ng && l) {
      u = l->uid_mappings, nu = l->n_uid_mappings;
      g = l->gid_mappings, ng = l->n_gid_mappings;
    }
    if (!nu || !ng)
      return rt_error_set(err, 0,
                          "config.json: .mounts[%zu]: an idmapped mount needs uidMappings and "
                          "gidMappings (on the mount or in .linux)",
                          i);
    cr->idmap_fds[i] = ns_make_userns(u, nu, g, ng, err);
    if (cr->idmap_fds[i] < 0)
      return rt_error_prefix(err, "config.json: .mounts[%zu]", i);
  }
  return 0;
}

int creation_device_tree(struct creation *cr, size_t i, bool *whole) {
  const oci_device *d = &cr->config->linux_->devices[i];
  *whole = false;
  char type = d->type ? d->type[0] : 'c';
  if ((type != 'c' && type != 'b' && type != 'u') || !d->has_major || !d->has_minor)
    return -1;
  rt_error e = {0};
  unsigned uid, gid;
  if (creation_host_id(cr->pid, "uid_map", d->has_uid ? d->uid : 0, &uid, &e) < 0 ||
      creation_host_id(cr->pid, "gid_map", d->has_gid ? d->gid : 0, &gid, &e) < 0) {
    log_debug("config.json: .linux.devices[%zu]: %s; the host's node is bound instead", i, e.msg);
    return -1;
  }
  /* A tmpfs of its own (no nodev: made in the host's user namespace),
   * detached, with the node as "node". */
  _cleanup_close_ int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
  _cleanup_close_ int mnt = -1;
  if (fs < 0 || fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0755", 0) < 0 ||
      fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0 ||
      (mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC)) < 0) {
    log_debug("config.json: .linux.devices[%zu]: a private tmpfs: %s; the host's node is bound "
              "instead", i, strerror(errno));
    return -1;
  }
  mode_t perm = (d->has_file_mode ? d->file_mode : 0666) & 07777;
  mode_t fmt = type == 'b' ? S_IFBLK : S_IFCHR;
  if (mknodat(mnt, "node", fmt | perm, makedev(d->major, d->minor)) < 0 ||
      fchmodat(mnt, "node", perm, 0) < 0 ||
      fchownat(mnt, "node", uid, gid, AT_SYMLINK_NOFOLLOW) < 0) {
    log_debug("config.json: .linux.devices[%zu]: mknod: %s; the host's node is bound instead", i,
              strerror(errno));
    return -1;
  }
  int tree = open_tree(mnt, "node", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (tree >= 0)
    return tree;
  /* Before Linux 6.x open_tree(OPEN_TREE_CLONE) takes no path in a detached
   * mount: the init gets the whole tmpfs, attaches it for a moment and
   * clones the node from there. */
  *whole = true;
  return TAKE_FD(mnt);
}

/* The source of bind mount i, opened O_PATH by rt (host root) in the init's
 * mount namespace, through its /proc/PID/root: a user-namespaced init may
 * not reach a source under a directory its ids cannot search (runc and crun
 * open sources as host root too). Paths resolve as the init would see them
 * (RESOLVE_IN_ROOT at its root). -1 when that fails: the init then opens the
 * source itself and reports its own error. */
int creation_bind_source(struct creation *cr, size_t i) {
  const oci_mount *m = &cr->config->mounts[i];
  if (!m->source)
    return -1;
  _cleanup_free_ char *src = NULL;
  if (m->source[0] == '/')
    src = strdup(m->source);
  else if (asprintf(&src, "%s/%s", cr->bundle, m->source) < 0)
    src = NULL;
  char root[64];
  snprintf(root, sizeof root, "/proc/%d/root", (int)cr->pid);
  _cleanup_close_ int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (!src || rootfd < 0)
    return -1;
  rt_error e;
  int fd = fs_open_in_root(rootfd, src, O_PATH, 0, &e);
  if (fd < 0)
    log_debug("config.json: .mounts[%zu].source: %s; the init opens it itself", i, e.msg);
  return fd;
}

/* The idmapped tree of mounts[i], made here in the host's user namespace on
 * the init's request (SYNC_SOURCE_REQ), with the user namespace from
 * prepare_idmaps. */
int creation_idmap_tree(struct creation *cr, size_t i, rt_error *err) {
  const oci_mount *m = &cr->config->mounts[i];
  if (!m->source)
    return rt_error_set(err, 0, "config.json: .mounts[%zu].source: a bind mount needs a source", i);
  bool rec = false, ridmap = false;
  for (size_t k = 0; k < m->n_options; k++) {
    rec |= strcmp(m->options[k], "rbind") == 0;
    ridmap |= strcmp(m->options[k], "ridmap") == 0;
  }
  _cleanup_free_ char *src = NULL;
  if (m->source[0] == '/')
    src = strdup(m->source);
  else if (asprintf(&src, "%s/%s", cr->bundle, m->source) < 0)
    src = NULL;
  if (!src)
    return rt_error_set(err, ENOMEM, "idmap");
  _cleanup_close_ int tree =
      open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (rec ? AT_RECURSIVE : 0));
  if (tree < 0)
    return rt_error_set(err, errno, "config.json: .mounts[%zu].source: bind %s", i, src);
  struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)cr->idmap_fds[i]};
  if (mount_setattr(tree, "", AT_EMPTY_PATH | (ridmap ? AT_RECURSIVE : 0), &attr, sizeof attr) < 0)
    return rt_error_set(err, errno,
                        "config.json: .mounts[%zu].options: idmap %s (does its filesystem support "
                        "idmapped mounts?)",
                        i, src);
  return TAKE_FD(tree);
}

/* clone3 the init (args as creation_spawn_init made them): born in the cgroup2
 * directory when clone3 takes it, else rt moves it there later. Returns
 * the pid in the caller; the child never returns. */
static long clone_init(struct creation *cr, struct clone_args *args, struct init_ctx *ctx,
                       int rt_sync_fd) {
  if (cr->cg.into_fd >= 0) {
    args->flags |= CLONE_INTO_CGROUP;
    args->cgroup = (uint64_t)cr->cg.into_fd;
  }
  long pid = syscall(SYS_clone3, args, sizeof *args);
  if (pid < 0 && cr->cg.into_fd >= 0) {
    /* e.g. pids.max 0 (no task may be born there; one may be moved in), or
     * a kernel without CLONE_INTO_CGROUP: rt moves the init afterwards. */
    log_debug("clone3 into cgroup %s: %s; moving the init there instead", cr->cg.into_dir,
              strerror(errno));
    cr->cg_into_failed = true;
    args->flags &= ~(uint64_t)CLONE_INTO_CGROUP;
    args->cgroup = 0;
    pid = syscall(SYS_clone3, args, sizeof *args);
  }
  if (pid == 0) {
    close(rt_sync_fd);
    close(cr->dirfd);
    if (cr->rootfd >= 0)
      close(cr->rootfd);
    init_run(ctx);
  }
  return pid;
}

/* The pid (in our pid namespace) of the process a pidfd refers to. */
static pid_t pidfd_pid(int pidfd) {
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fdinfo/%d", pidfd);
  _cleanup_fclose_ FILE *f = fopen(path, "re");
  char line[256];
  while (f && fgets(line, sizeof line, f))
    if (strncmp(line, "Pid:", 4) == 0)
      return (pid_t)strtol(line + 4, NULL, 10);
  return -1;
}

/* ns_join_before_clone, or a pid/time namespace to enter
 * (needs_parent_namespaces): a helper process enters those, joins the
 * namespaces given by path (the user namespace first) and clones the init
 * from there, with the new
 * namespaces of the config, which are then owned by the right user
 * namespace. CLONE_PARENT makes the init rt's child all the same; the
 * helper passes its pidfd back and exits. No re-exec: the helper and the
 * init run rt's code from memory, as the init always does. */
static long clone_init_joined(struct creation *cr, struct clone_args *args, struct init_ctx *ctx,
                              int rt_sync_fd, rt_error *err) {
  _cleanup_close_pair_ int hs[2] = {-1, -1};
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, hs) < 0)
    return rt_error_set(err, errno, "socketpair");
  struct clone_args h = {.exit_signal = SIGCHLD};
  long hp = syscall(SYS_clone3, &h, sizeof h);
  if (hp < 0)
    return rt_error_set(err, errno, "clone3 a helper to join the namespaces");
  if (hp == 0) {
    rt_error e = {0};
    close(hs[0]);
    /* Joined paths: here, before the init exists, so that the namespaces it
     * makes belong to the joined user namespace. Only pid and time: the
     * init joins the others itself, as without a helper. */
    const oci_linux *l = cr->config->linux_;
    ctx->joined_paths = ns_join_before_clone(l);
    if (enter_parent_namespaces(l, &e) == 0 && (!ctx->joined_paths || ns_join_paths(l, &e) == 0)) {
      /* clone3 takes no exit_signal with CLONE_PARENT: the init's is the
       * helper's (SIGCHLD to rt). */
      args->flags |= CLONE_PARENT;
      args->exit_signal = 0;
      long pid = clone_init(cr, args, ctx, rt_sync_fd);
      if (pid > 0) {
        int fd = *(int *)(uintptr_t)args->pidfd;
        const char *into = cr->cg_into_failed ? "1" : "0";
        _exit(sync_send(hs[1], SYNC_READY, into, 2, fd, &e) < 0 ? 1 : 0);
      }
      rt_error_set(&e, errno, "clone3 the container's init (in the joined namespaces)");
    }
    sync_send(hs[1], SYNC_ERROR, e.msg, strlen(e.msg), -1, &e);
    _exit(1);
  }
  hs[1] = rt_safe_close(hs[1]);
  _cleanup_free_ char *payload = NULL;
  int fd = -1;
  int t = sync_wait(hs[0], SYNC_AT_RT_HELPER, &payload, &fd, err);
  hs[0] = rt_safe_close(hs[0]);
  while (waitpid((pid_t)hp, NULL, 0) < 0 && errno == EINTR)
    ;
  long pid = -1;
  if (t == SYNC_READY && fd >= 0) {
    cr->cg_into_failed = payload && payload[0] == '1';
    *(int *)(uintptr_t)args->pidfd = fd;
    pid = pidfd_pid(fd);
    if (pid <= 0) {
      rt_error_set(err, errno, "the pid of the container's init");
      syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0);
      siginfo_t si;
      while (waitid(P_PIDFD, (id_t)fd, &si, WEXITED) < 0 && errno == EINTR)
        ;
      close(fd);
      *(int *)(uintptr_t)args->pidfd = -1;
      pid = -1;
    }
  } else if (t == SYNC_READY) {
    rt_error_set(err, EPROTO, "sync: the helper that joins the namespaces sent no pidfd");
  }
  return pid;
}

int creation_spawn_init(struct creation *cr, rt_error *err) {
  int clone_flags = 0;
  if (prepare_idmaps(cr, err) < 0 || creation_cgroup_create(cr, err) < 0)
    return -1;
  clone_flags = clone_flags_of(cr->config->linux_);
  /* Closed on every way out but sv[0], which goes to cr (TAKE_FD); the
   * init's ends (sv[1], devnull, init_dirfd, host_netlink) stay open until
   * clone3 has copied them. */
  _cleanup_close_pair_ int sv[2] = {-1, -1};
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return rt_error_set(err, errno, "socketpair");
  _cleanup_close_ int devnull = open("/dev/null", O_PATH | O_CLOEXEC);
  if (devnull < 0)
    return rt_error_set(err, errno, "open /dev/null");
  const oci_linux *l = cr->config->linux_;
  _cleanup_close_ int host_netlink = -1;
  if (l && l->n_net_devices) {
    if (!ns_find(l, "network"))
      return rt_error_set(err, 0, "config.json: .linux.netDevices: needs a network namespace");
    host_netlink = netdev_socket(err);
    if (host_netlink < 0)
      return -1;
  }
  /* The init opens exec.fifo through its own open file description of the
   * state directory: cr->dirfd carries the container's flock, which the init
   * must not hold while it waits for `rt start` (flock belongs to the open
   * file description, and clone copies the descriptor). */
  _cleanup_close_ int init_dirfd = openat(cr->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (init_dirfd < 0)
    return rt_error_set(err, errno, "open the state directory for the init");
  /* sd_listen_fds(3): the fds are ours only when LISTEN_PID names us. */
  const char *lfds = getenv("LISTEN_FDS"), *lpid = getenv("LISTEN_PID");
  int listen_fds = 0;
  if (lfds && lpid && strtol(lpid, NULL, 10) == (long)getpid()) {
    long v = strtol(lfds, NULL, 10);
    listen_fds = v > 0 && v < 4096 ? (int)v : 0;
  }
  struct init_ctx ctx = {
      .config = cr->config,
      .id = cr->o->id,
      .bundle = cr->bundle,
      .rootfs = cr->rootfs,
      .sync_fd = sv[1],
      .state_dirfd = init_dirfd,
      .new_userns = ns_is_new(l, "user"),
      .userns = ns_find(l, "user") != NULL,
      /* mknod needs the initial user namespace: in any other (a new one,
       * or the one rt itself runs in, as under rootless podman) device
       * nodes are bind-mounted from the host, as runc does. */
      .bind_devices = ns_find(l, "user") != NULL || ns_running_in_userns(),
      .new_cgroupns = ns_is_new(l, "cgroup"),
      .mountns = ns_find(l, "mount") != NULL,
      .no_pivot = cr->o->no_pivot,
      .no_new_keyring = cr->o->no_new_keyring,
      .preserve_fds = cr->o->preserve_fds + (listen_fds > 0 ? listen_fds : 0),
      .listen_fds = listen_fds > 0 ? listen_fds : 0,
      .new_pidns = ns_is_new(l, "pid"),
      .new_netns = ns_is_new(l, "network"),
      .devnull_fd = devnull,
      .idmap_fds = cr->idmap_fds,
      .host_netlink = host_netlink,
      .cgroup = &cr->cg,
  };
  int pidfd = -1;
  struct clone_args args = {
      .flags = (uint64_t)clone_flags | CLONE_PIDFD,
      .pidfd = (uint64_t)(uintptr_t)&pidfd,
      .exit_signal = SIGCHLD,
  };
  if (security_prepare(cr->config, err) < 0)
    return -1;
  rt_error_clear(err);
  long pid = ns_join_before_clone(l) || needs_parent_namespaces(l)
                 ? clone_init_joined(cr, &args, &ctx, sv[0], err)
                 : clone_init(cr, &args, &ctx, sv[0]);
  int clone_errno = errno;
  if (pid != 0)
    security_release();
  if (pid < 0)
    return err->msg[0] ? -1 : rt_error_set(err, clone_errno, "clone3 the container's init");
  cr->pid = (pid_t)pid;
  log_debug("create %s: init cloned, pid %d, new namespaces 0x%x%s", cr->o->id, (int)pid,
            (unsigned)clone_flags, cr->cg_into_failed || cr->cg.into_fd < 0 ? "" : ", born in its cgroup");
  cr->pidfd = pidfd;
  cr->sync_fd = TAKE_FD(sv[0]);
  cr->st.pid = cr->pid;
  return 0;
}

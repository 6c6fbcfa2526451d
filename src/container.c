/* rt: the container lifecycle of runtime.md, on the runtime's side. The
 * container's own side (between clone3 and execve) is linux/init.c. */
#include "config.h"
#include "container.h"
#include "container_internal.h"

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
#include "hooks.h"
#include "notify.h"
#include "libocispec/oci_config.h"
#include "linux/cgroup.h"
#include "linux/init.h"
#include "linux/namespaces.h"
#include "linux/netdev.h"
#include "linux/process.h"
#include "linux/sync.h"
#include "linux/terminal.h"
#include "security.h"
#include "state.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/* Everything create made, so that a failure can undo it. */
struct creation {
  const struct rt_create_opts *o;
  oci_config *config;
  char *config_data;
  size_t config_len;
  char *bundle;
  char *rootfs;
  int rootfd;
  int dirfd;
  bool dir_created;    /* published as ROOT/ID */
  char tmp_name[64];   /* its private name until then */
  pid_t pid;
  int pidfd;
  int sync_fd;
  int master;
  char *notify_dir; /* NOTIFY_SOCKET: the absolute state dir, or NULL */
  bool hooks_started; /* prestart/createRuntime ran: poststop must run on failure */
  int *idmap_fds;     /* per mount: user namespace of an idmapped mount, or -1 */
  struct cgroup_attach cg; /* made before clone3 (cgroupfs driver), see cgroup.h */
  bool cg_into_failed;     /* clone3 refused CLONE_INTO_CGROUP: rt moves the init */
  bool pid_file_written;   /* --pid-file: removed again when create fails after it */
  rt_state st;
};

static void now_rfc3339(char *buf, size_t len) {
  struct timespec ts;
  struct tm tm;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf + n, len - n, ".%09ldZ", ts.tv_nsec);
}

char *container_state_json(const rt_state *st, enum rt_status s) {
  return rt_state_to_json(st, s, false);
}

/* The pid of PID in its own (innermost) pid namespace: the last NSpid field. */
static pid_t pid_in_own_ns(pid_t pid) {
  char path[64], *data = NULL;
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
  free(data);
  return inner;
}

/* poststop: a failing hook is a warning and the others still run
 * (config.md, lifecycle step 13). */
void container_run_poststop(const oci_config *c, const rt_state *st) {
  if (!c || !c->hooks.poststop.n)
    return;
  _cleanup_free_ char *js = container_state_json(st, RT_STATUS_STOPPED);
  hooks_run_all(&c->hooks.poststop, "poststop", js ? js : "{}");
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

static void creation_free(struct creation *cr) {
  cgroup_attach_close(&cr->cg);
  free(cr->notify_dir);
  if (cr->sync_fd >= 0)
    close(cr->sync_fd);
  if (cr->pidfd >= 0)
    close(cr->pidfd);
  if (cr->master >= 0)
    close(cr->master);
  if (cr->dirfd >= 0)
    close(cr->dirfd);
  if (cr->rootfd >= 0)
    close(cr->rootfd);
  for (size_t i = 0; cr->idmap_fds && cr->config && i < cr->config->n_mounts; i++)
    if (cr->idmap_fds[i] >= 0)
      close(cr->idmap_fds[i]);
  free(cr->idmap_fds);
  oci_config_free(cr->config);
  free(cr->config_data);
  free(cr->bundle);
  free(cr->rootfs);
  /* st borrows bundle/rootfs/id: only free what it owns. */
  free(cr->st.created);
  free(cr->st.cgroup_path);
}

/* linux.intelRdt: config-linux.md requires an error when no resctrl
 * filesystem is mounted. Where one is, rt does not drive it yet, and says so
 * rather than run the container without the cache and memory-bandwidth
 * allocation it asked for. */
static bool resctrl_mounted(void) {
  _cleanup_free_ char *mi = NULL;
  rt_error tmp;
  if (fs_read_file("/proc/self/mountinfo", 1 << 22, &mi, NULL, &tmp) < 0)
    return false;
  return strstr(mi, " - resctrl ") != NULL;
}

static int check_intel_rdt(const oci_config *c, rt_error *err) {
  if (!c->linux_ || !c->linux_->intel_rdt)
    return 0;
  if (!resctrl_mounted())
    return rt_error_set(err, 0, "config.json: .linux.intelRdt: no resctrl filesystem is mounted "
                                "(mount -t resctrl resctrl /sys/fs/resctrl, on a CPU with RDT)");
  return rt_error_set(err, 0, "config.json: .linux.intelRdt: not supported by rt yet (resctrl is "
                              "mounted, but rt does not manage it)");
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

static int load_config(struct creation *cr, rt_error *err) {
  cr->bundle = fs_abspath(cr->o->bundle && *cr->o->bundle ? cr->o->bundle : ".");
  if (!cr->bundle)
    return rt_error_set(err, errno, "bundle %s", cr->o->bundle);
  struct stat sb;
  if (stat(cr->bundle, &sb) < 0)
    return rt_error_set(err, errno, "bundle %s", cr->bundle);
  if (!S_ISDIR(sb.st_mode))
    return rt_error_set(err, ENOTDIR, "bundle %s", cr->bundle);
  _cleanup_free_ char *path = NULL;
  if (asprintf(&path, "%s/config.json", cr->bundle) < 0)
    return rt_error_set(err, ENOMEM, "config.json");
  if (fs_read_file(path, CONFIG_MAX, &cr->config_data, &cr->config_len, err) < 0)
    return -1;
  cr->config = oci_config_parse_data(cr->config_data, cr->config_len, "config.json", err);
  if (!cr->config)
    return -1;
  const oci_config *c = cr->config;
  if (!c->root || !c->root->path || !*c->root->path)
    return rt_error_set(err, 0, "config.json: .root.path: missing required field");
  if (!c->process)
    return rt_error_set(err, 0, "config.json: .process: missing; there is nothing to run");
  if (c->root->path[0] == '/') {
    cr->rootfs = fs_clean_path(c->root->path);
  } else {
    _cleanup_free_ char *j = NULL;
    if (asprintf(&j, "%s/%s", cr->bundle, c->root->path) < 0)
      return rt_error_set(err, ENOMEM, "root.path");
    cr->rootfs = fs_clean_path(j);
  }
  struct stat st;
  if (stat(cr->rootfs, &st) < 0)
    return rt_error_set(err, errno, "config.json: .root.path: %s", cr->rootfs);
  if (!S_ISDIR(st.st_mode))
    return rt_error_set(err, ENOTDIR, "config.json: .root.path: %s", cr->rootfs);
  if (!c->linux_ || !ns_find(c->linux_, "mount"))
    return rt_error_set(err, 0,
                        "config.json: .linux.namespaces: a mount namespace is required (rt will "
                        "not pivot_root in the host's)");
  if (ns_validate(c, err) < 0 || proc_check_sysctl(c, err) < 0 || check_intel_rdt(c, err) < 0)
    return -1;
  if (c->process->terminal && !cr->o->console_socket && cr->o->mode != RT_MODE_RUN)
    return rt_error_set(err, 0,
                        "config.json: .process.terminal is true: a detached container needs "
                        "--console-socket to receive the terminal");
  if (!c->process->terminal && cr->o->console_socket)
    return rt_error_set(err, 0, "--console-socket given but config.json: .process.terminal is false");
  return 0;
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
  char created[64];
  now_rfc3339(created, sizeof created);
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
  int r = rt_proc_stat(cr->st.creator, &cr->st.creator_start, NULL);
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

/* The idmapped tree of mounts[i], made here in the host's user namespace on
 * the init's request (SYNC_IDMAP_REQ), with the user namespace from
 * prepare_idmaps. */
static int make_idmap_tree(struct creation *cr, size_t i, rt_error *err) {
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
  int tree = open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (rec ? AT_RECURSIVE : 0));
  if (tree < 0)
    return rt_error_set(err, errno, "config.json: .mounts[%zu].source: bind %s", i, src);
  struct mount_attr attr = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)cr->idmap_fds[i]};
  if (mount_setattr(tree, "", AT_EMPTY_PATH | (ridmap ? AT_RECURSIVE : 0), &attr, sizeof attr) < 0) {
    int e = errno;
    close(tree);
    return rt_error_set(err, e,
                        "config.json: .mounts[%zu].options: idmap %s (does its filesystem support "
                        "idmapped mounts?)",
                        i, src);
  }
  return tree;
}

/* Until the init is done with its mounts: serve its idmap requests. */
static int wait_mounts_done(struct creation *cr, rt_error *err) {
  for (;;) {
    char *payload = NULL;
    int t = sync_recv(cr->sync_fd, &payload, NULL, NULL, err);
    if (t < 0)
      return -1;
    if (t == SYNC_MOUNTS_DONE) {
      free(payload);
      return 0;
    }
    if (t == 0) {
      free(payload);
      return rt_error_set(err, 0, "the container's init exited during set-up");
    }
    if (t == SYNC_ERROR) {
      rt_error_set(err, 0, "%s", payload ? payload : "container init failed");
      free(payload);
      return -1;
    }
    if (t != SYNC_IDMAP_REQ) {
      free(payload);
      return rt_error_set(err, 0, "sync: unexpected message %d from the init", t);
    }
    char *end = NULL;
    unsigned long i = payload ? strtoul(payload, &end, 10) : 0;
    bool bad = !payload || end == payload || i >= cr->config->n_mounts || !cr->idmap_fds ||
               cr->idmap_fds[i] < 0;
    free(payload);
    if (bad)
      return rt_error_set(err, 0, "sync: bad idmap request from the init");
    int tree = make_idmap_tree(cr, i, err);
    if (tree < 0)
      return -1;
    int r = sync_send(cr->sync_fd, SYNC_IDMAP_FD, NULL, 0, tree, err);
    close(tree);
    if (r < 0)
      return -1;
  }
}

/* Rootless (--rootless, or auto as an unprivileged user), a cgroup rt is not
 * allowed to create is done without, as runc does, unless the config asks
 * for limits that need one. err holds why the cgroup failed. */
static int rootless_without_cgroup(struct creation *cr, rt_error *err) {
  const oci_config *c = cr->config;
  if (!cr->o->rootless || cr->o->systemd_cgroup)
    return -1;
  if (err->errnum != EACCES && err->errnum != EPERM && err->errnum != EROFS)
    return -1;
  /* Device rules are moot for an unprivileged user, who cannot make device
   * nodes anyway (runc ignores them too); any limit is an error. */
  const oci_resources *res = c->linux_ ? c->linux_->resources : NULL;
  if (res && (res->memory || res->cpu || res->has_pids || res->block_io || res->n_hugepage_limits ||
            res->network || res->n_rdma || res->unified.n))
    return rt_error_prefix(err, "config.json: .linux.resources: rootless, and the limits need a "
                                "cgroup rt may not create");
  if (rt_log_debug_enabled())
    rt_log(RT_LOG_DEBUG, "rootless: the container runs without a cgroup of its own (%s)", err->msg);
  rt_error_clear(err);
  free(cr->st.cgroup_path);
  cr->st.cgroup_path = NULL;
  return 0;
}

/* cgroupfs driver: the cgroup is made before clone3, so that the init is
 * born in it (v2) or enters it itself (v1), see cgroup.h. */
static int create_cgroup(struct creation *cr, rt_error *err) {
  if (cr->o->systemd_cgroup)
    return 0;
  /* First the state, with the cgroup about to be made: whenever rt dies
   * from here on, `rt delete --force` knows what to remove. */
  cr->st.cgroup_path = cgroup_planned_path(cr->config, cr->o->id);
  if (!cr->st.cgroup_path)
    return rt_error_set(err, ENOMEM, "cgroup path");
  int w = rt_state_write(cr->dirfd, &cr->st, err);
  free(cr->st.cgroup_path);
  cr->st.cgroup_path = NULL;
  if (w < 0)
    return -1;
  if (cgroup_create(cr->config, cr->o->id, &cr->st.cgroup_path, &cr->cg, err) < 0)
    return rootless_without_cgroup(cr, err);
  /* A cgroup that is frozen already (a cgroupsPath naming one) would stop
   * the init at its first step, and rt would wait for it forever. */
  if (cr->st.cgroup_path && cgroup_is_frozen(cr->st.cgroup_path) == 1)
    return rt_error_set(err, 0,
                        "config.json: .linux.cgroupsPath: the container's cgroup %s is frozen "
                        "(thaw it, or name another)",
                        cr->st.cgroup_path);
  /* A cgroupsPath shared with processes already there: allowed, as runc,
   * with runc's warning (kill --all and delete act on all of them). */
  const oci_linux *l = cr->config->linux_;
  if (cr->st.cgroup_path && l && l->cgroups_path && *l->cgroups_path) {
    _cleanup_free_ pid_t *pids = NULL;
    size_t n = 0;
    rt_error tmp;
    if (cgroup_pids(cr->st.cgroup_path, &pids, &n, &tmp) == 0 && n > 0)
      log_warn("container's cgroup is not empty: %zu process(es) found", n);
  }
  return 0;
}

/* After clone3: the systemd driver (its scope names the init's pid), or the
 * cgroup2 part when clone3 could not take CLONE_INTO_CGROUP. */
static int enter_cgroup(struct creation *cr, rt_error *err) {
  if (cr->o->systemd_cgroup)
    return cgroup_enter(cr->config, cr->o->id, true, cr->pid, &cr->st.cgroup_path, err);
  int r = cr->cg_into_failed ? cgroup_attach_pid_v2(&cr->cg, cr->pid, err) : 0;
  cgroup_attach_close(&cr->cg);
  return r;
}

/* clone3 the init (args as spawn_init made them): born in the cgroup2
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
    container_init(ctx);
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
  int hs[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, hs) < 0)
    return rt_error_set(err, errno, "socketpair");
  struct clone_args h = {.exit_signal = SIGCHLD};
  long hp = syscall(SYS_clone3, &h, sizeof h);
  if (hp < 0) {
    int e = errno;
    close(hs[0]);
    close(hs[1]);
    return rt_error_set(err, e, "clone3 a helper to join the namespaces");
  }
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
  close(hs[1]);
  char *payload = NULL;
  int fd = -1;
  int t = sync_recv(hs[0], &payload, NULL, &fd, err);
  close(hs[0]);
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
  } else if (t == SYNC_ERROR) {
    rt_error_set(err, 0, "%s", payload ? payload : "joining the namespaces failed");
  } else if (t >= 0) {
    rt_error_set(err, 0, "the helper that joins the namespaces exited");
  }
  free(payload);
  return pid;
}

static int spawn_init(struct creation *cr, rt_error *err) {
  int clone_flags = 0;
  if (prepare_idmaps(cr, err) < 0 || create_cgroup(cr, err) < 0)
    return -1;
  clone_flags = clone_flags_of(cr->config->linux_);
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
    return rt_error_set(err, errno, "socketpair");
  int devnull = open("/dev/null", O_PATH | O_CLOEXEC);
  if (devnull < 0) {
    close(sv[0]);
    close(sv[1]);
    return rt_error_set(err, errno, "open /dev/null");
  }
  const oci_linux *l = cr->config->linux_;
  int host_netlink = -1;
  if (l && l->n_net_devices) {
    if (!ns_find(l, "network")) {
      close(sv[0]);
      close(sv[1]);
      close(devnull);
      return rt_error_set(err, 0, "config.json: .linux.netDevices: needs a network namespace");
    }
    host_netlink = netdev_socket(err);
    if (host_netlink < 0) {
      close(sv[0]);
      close(sv[1]);
      close(devnull);
      return -1;
    }
  }
  /* The init opens exec.fifo through its own open file description of the
   * state directory: cr->dirfd carries the container's flock, which the init
   * must not hold while it waits for `rt start` (flock belongs to the open
   * file description, and clone copies the descriptor). */
  int init_dirfd = openat(cr->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (init_dirfd < 0) {
    int e = errno;
    close(sv[0]);
    close(sv[1]);
    close(devnull);
    if (host_netlink >= 0)
      close(host_netlink);
    return rt_error_set(err, e, "open the state directory for the init");
  }
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
      .new_mountns = ns_is_new(l, "mount"),
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
  if (security_prepare(cr->config, err) < 0) {
    close(sv[0]);
    close(sv[1]);
    close(devnull);
    close(init_dirfd);
    if (host_netlink >= 0)
      close(host_netlink);
    return -1;
  }
  rt_error_clear(err);
  long pid = ns_join_before_clone(l) || needs_parent_namespaces(l)
                 ? clone_init_joined(cr, &args, &ctx, sv[0], err)
                 : clone_init(cr, &args, &ctx, sv[0]);
  int clone_errno = errno;
  if (pid != 0)
    security_release();
  if (pid < 0) {
    int e = clone_errno;
    close(sv[0]);
    close(sv[1]);
    close(devnull);
    close(init_dirfd);
    if (host_netlink >= 0)
      close(host_netlink);
    return err->msg[0] ? -1 : rt_error_set(err, e, "clone3 the container's init");
  }
  close(sv[1]);
  close(devnull);
  close(init_dirfd);
  if (host_netlink >= 0)
    close(host_netlink);
  cr->pid = (pid_t)pid;
  cr->pidfd = pidfd;
  cr->sync_fd = sv[0];
  cr->st.pid = cr->pid;
  return 0;
}

/* Whether pid is in rt's own user namespace. */
static bool in_my_userns(pid_t pid) {
  char path[64];
  struct stat a, b;
  snprintf(path, sizeof path, "/proc/%d/ns/user", (int)pid);
  return stat(path, &a) == 0 && stat("/proc/self/ns/user", &b) == 0 && a.st_ino == b.st_ino &&
         a.st_dev == b.st_dev;
}

/* What id of pid's user namespace is in rt's (MAP: "uid_map" or "gid_map"):
 * itself when they are the same namespace, else through the map, which rt
 * (in the parent namespace) reads in its own ids. */
static int host_id_of(pid_t pid, const char *map, unsigned id, unsigned *out, rt_error *err) {
  if (in_my_userns(pid)) {
    *out = id;
    return 0;
  }
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, map);
  _cleanup_fclose_ FILE *f = fopen(path, "re");
  if (!f)
    return rt_error_set(err, errno, "open %s", path);
  unsigned long in, outside, count;
  while (fscanf(f, "%lu %lu %lu", &in, &outside, &count) == 3)
    if (id >= in && id - in < count) {
      *out = (unsigned)(outside + (id - in));
      return 0;
    }
  return rt_error_set(err, EINVAL, "config.json: .process.user.%s %u is not mapped in the container's user namespace",
                      map[0] == 'u' ? "uid" : "gid", id);
}

/* config-linux.md "Cgroup ownership": the cgroup goes to the host uid (and
 * gid, as crun does) the container's process runs as, when the config asks
 * for a delegation. */
static int delegate_cgroup(struct creation *cr, rt_error *err) {
  const oci_config *c = cr->config;
  if (!cr->st.cgroup_path || !cgroup_wants_delegation(c))
    return 0;
  unsigned uid, gid;
  if (host_id_of(cr->pid, "uid_map", c->process ? c->process->user.uid : 0, &uid, err) < 0 ||
      host_id_of(cr->pid, "gid_map", c->process ? c->process->user.gid : 0, &gid, err) < 0)
    return -1;
  if (uid == geteuid() && gid == getegid())
    return 0; /* it is rt's already (rootless: the user's delegated cgroup) */
  if (cgroup_delegate(cr->st.cgroup_path, uid, gid, err) == 0)
    return 0;
  /* The spec makes the change a MAY: inside a user namespace (rootless), a
   * cgroup rt may not give away is a warning, not a failed container. */
  if (geteuid() == 0 && !ns_running_in_userns())
    return -1;
  log_warn("%s", err->msg);
  rt_error_clear(err);
  return 0;
}

static int run_creation_steps(struct creation *cr, rt_error *err) {
  const oci_config *c = cr->config;
  /* Without CAP_SETGID, the kernel takes a gid_map only after setgroups
   * is denied (user_namespaces(7)). */
  if (ns_is_new(c->linux_, "user") &&
      ns_write_id_maps(cr->pid, c->linux_, geteuid() != 0, err) < 0)
    return -1;
  /* The init joins its cgroup before it unshares its cgroup namespace. */
  if (enter_cgroup(cr, err) < 0 || delegate_cgroup(cr, err) < 0)
    return -1;
  /* The state again, with the init's pid (and the systemd driver's scope). */
  unsigned long long init_start;
  if (rt_proc_stat(cr->pid, &init_start, NULL) == 0)
    cr->st.pid_start = init_start;
  if (rt_state_write(cr->dirfd, &cr->st, err) < 0)
    return -1;
  if (sync_send(cr->sync_fd, SYNC_USERMAP_DONE, NULL, 0, -1, err) < 0)
    return -1;
  if (wait_mounts_done(cr, err) < 0)
    return -1;
  unsigned long long start;
  if (rt_proc_stat(cr->pid, &start, NULL) == 0)
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
  if (sync_send(cr->sync_fd, SYNC_HOOKS_DONE, both, l1 + l2 + 2, -1, err) < 0)
    return -1;
  for (;;) {
    char *payload = NULL;
    int fd = -1;
    int t = sync_recv(cr->sync_fd, &payload, NULL, &fd, err);
    if (t < 0)
      return -1;
    if (t == 0)
      return rt_error_set(err, 0, "the container's init exited during set-up");
    if (t == SYNC_ERROR) {
      rt_error_set(err, 0, "%s", payload ? payload : "container init failed");
      free(payload);
      return -1;
    }
    free(payload);
    if (t == SYNC_PTY) {
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
      continue;
    }
    if (fd >= 0)
      close(fd);
    if (t == SYNC_READY)
      return 0;
    return rt_error_set(err, EPROTO, "sync: unexpected message %d", t);
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
  char *payload = NULL;
  int t = sync_recv(cr->sync_fd, &payload, NULL, NULL, err);
  if (t == SYNC_ERROR) {
    rt_error_set(err, 0, "%s", payload ? payload : "exec failed");
    free(payload);
    return -1;
  }
  free(payload);
  return t < 0 ? -1 : 0;
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
  if (rt_id_validate(o->id, err) < 0)
    return -1;
  struct creation cr = {.o = o,       .rootfd = -1, .dirfd = -1, .pidfd = -1,
                       .sync_fd = -1, .master = -1, .cg = CGROUP_ATTACH_INIT};
  _cleanup_close_ int notify_fd = -1;
  sigset_t mask, old;
  forward_signal_set(&mask);
  int ret = -1;
  if (o->mode == RT_MODE_RUN) {
    /* Reap what gets reparented inside the container, and keep every signal
     * for the container's init (forwarded from the loop). */
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    sigprocmask(SIG_BLOCK, &mask, &old);
  }
  if (load_config(&cr, err) < 0 || prepare_state_dir(&cr, err) < 0 ||
      setup_notify(&cr, err) < 0 || spawn_init(&cr, err) < 0)
    goto fail;
  if (run_creation_steps(&cr, err) < 0) {
    explain_init_end(&cr, err);
    goto fail;
  }
  unsigned long long start;
  if (rt_proc_stat(cr.pid, &start, NULL) == 0)
    cr.st.pid_start = start;
  cr.st.creator = 0; /* created: the state is whole */
  if (rt_state_write(cr.dirfd, &cr.st, err) < 0 || write_pid_file(o->pid_file, cr.pid, err) < 0)
    goto fail;
  cr.pid_file_written = o->pid_file != NULL;
  if (o->mode == RT_MODE_CREATE) {
    if (sync_send(cr.sync_fd, SYNC_WAIT_FIFO, NULL, 0, -1, err) < 0)
      goto fail;
    ret = 0;
    goto out;
  }
  if (cr.notify_dir) {
    notify_fd = notify_bind(cr.notify_dir, err);
    if (notify_fd < 0)
      goto fail;
  }
  if (sync_send(cr.sync_fd, SYNC_GO, NULL, 0, -1, err) < 0 || wait_exec(&cr, err) < 0)
    goto fail;
  if (cr.config->hooks.poststart.n) {
    /* A failure here stops and destroys the container, then runs poststop
     * (runtime.md lifecycle steps 9, 12 and 13). */
    cr.hooks_started = true;
    char *running = container_state_json(&cr.st, RT_STATUS_RUNNING);
    int hr = hooks_run(&cr.config->hooks.poststart, "poststart", running ? running : "{}", err);
    free(running);
    if (hr < 0)
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
  ret = forward_and_wait(cr.pid, cr.pidfd, cr.master, &mask, notify_fd >= 0 ? &fn : NULL);
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

/* rt: checkpoint and restore through CRIU (linux/criu.h). What CRIU must
 * be told about a container is said here, as runc says it: the bind mounts
 * from the host and the masked files are external mounts (keyed by their
 * destination, resolved in the rootfs), a network or pid namespace joined
 * by path is external (net[INODE]:extRootNetNS), the terminal's slave is
 * an external tty and comes back on a new master (orphan_pts_master),
 * stdio pipes are inherited (descriptors.json), the cgroup is the
 * container's (cg_root), and the annotation org.criu.config names a CRIU
 * configuration file. A restore is a creation (container_create.c) whose
 * init comes from the images instead of clone3. */
#include "config.h"
#include "container.h"
#include "container_internal.h"
#include "creation.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux/criu.h"
#include "linux/hooks.h"
#include "linux/terminal.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"

#define DEFAULT_CONFIG_FILE "/etc/criu/rt.conf"
#define DESCRIPTORS "descriptors.json"

/* Everything a request points to, freed at once. */
struct criu_ctx {
  struct criu_request rq;
  int imgfd, workfd;
  char *log_path;
  char *image_dir;
  char *ps_address;
  char **owned; /* strings of ext_mnt, external, inherit keys */
  size_t n_owned;
  int *fds; /* inherited fds rt opened */
  size_t n_fds;
};

static void criu_ctx_free(struct criu_ctx *x) {
  rt_safe_close(x->imgfd);
  rt_safe_close(x->workfd);
  free(x->log_path);
  free(x->image_dir);
  free(x->ps_address);
  for (size_t i = 0; i < x->n_owned; i++)
    free(x->owned[i]);
  free(x->owned);
  for (size_t i = 0; i < x->n_fds; i++)
    rt_safe_close(x->fds[i]);
  free(x->fds);
  free(x->rq.ext_mnt);
  free(x->rq.cg_root);
  free(x->rq.inherit_fd);
  free(x->rq.external);
}
RT_DEFINE_STRUCT_CLEANUP(struct criu_ctx, criu_ctx_free)

static char *own(struct criu_ctx *x, char *s) {
  if (!s)
    return NULL;
  char **n = realloc(x->owned, (x->n_owned + 1) * sizeof *n);
  if (!n) {
    free(s);
    return NULL;
  }
  x->owned = n;
  return x->owned[x->n_owned++] = s;
}

static int grow(void *arrp, size_t *n, size_t size) {
  void **arr = arrp;
  void *nb = realloc(*arr, (*n + 1) * size);
  if (!nb)
    return -1;
  *arr = nb;
  return 0;
}

static int add_ext_mnt(struct criu_ctx *x, const char *key, const char *val, rt_error *err) {
  char *k = own(x, strdup(key)), *v = own(x, strdup(val));
  if (!k || !v || grow(&x->rq.ext_mnt, &x->rq.n_ext_mnt, sizeof(struct criu_kv)) < 0)
    return rt_error_set(err, ENOMEM, "criu request");
  x->rq.ext_mnt[x->rq.n_ext_mnt++] = (struct criu_kv){k, v};
  return 0;
}

static int add_external(struct criu_ctx *x, char *s, rt_error *err) {
  if (!own(x, s) || grow(&x->rq.external, &x->rq.n_external, sizeof(char *)) < 0)
    return rt_error_set(err, ENOMEM, "criu request");
  x->rq.external[x->rq.n_external++] = s;
  return 0;
}

/* fd is the ctx's to close. */
static int add_inherit(struct criu_ctx *x, const char *key, int fd, bool owned, rt_error *err) {
  char *k = own(x, strdup(key));
  if (!k || grow(&x->rq.inherit_fd, &x->rq.n_inherit_fd, sizeof(struct criu_inherit)) < 0 ||
      (owned && grow(&x->fds, &x->n_fds, sizeof(int)) < 0)) {
    if (owned)
      close(fd);
    return rt_error_set(err, ENOMEM, "criu request");
  }
  if (owned)
    x->fds[x->n_fds++] = fd;
  x->rq.inherit_fd[x->rq.n_inherit_fd++] = (struct criu_inherit){k, fd};
  return 0;
}

/* ---- the options ---- */

static int parse_cg_mode(const char *s, rt_error *err) {
  if (!s || !*s || strcmp(s, "soft") == 0)
    return CRIU_CG_SOFT;
  if (strcmp(s, "full") == 0)
    return CRIU_CG_FULL;
  if (strcmp(s, "strict") == 0)
    return CRIU_CG_STRICT;
  if (strcmp(s, "ignore") == 0)
    return CRIU_CG_IGNORE;
  return rt_error_set(err, EINVAL,
                      "--manage-cgroups-mode: invalid value \"%s\" (soft, full, strict or ignore)", s);
}

static int parse_options(struct criu_ctx *x, const struct rt_criu_opts *c, rt_error *err) {
  int m = parse_cg_mode(c->manage_cgroups_mode, err);
  if (m < 0)
    return -1;
  x->rq.cg_mode = m;
  if (c->empty_ns && *c->empty_ns) {
    if (strcmp(c->empty_ns, "network") != 0)
      return rt_error_set(err, EINVAL, "--empty-ns: invalid value \"%s\" (only \"network\")",
                          c->empty_ns);
    x->rq.empty_ns = CLONE_NEWNET;
  }
  if (c->page_server && *c->page_server) {
    const char *colon = strrchr(c->page_server, ':');
    char *end;
    long port = colon ? strtol(colon + 1, &end, 10) : -1;
    if (!colon || colon == c->page_server || !colon[1] || *end || port <= 0 || port > 65535)
      return rt_error_set(err, EINVAL, "--page-server: \"%s\" is not ADDRESS:PORT", c->page_server);
    x->ps_address = strndup(c->page_server, (size_t)(colon - c->page_server));
    if (!x->ps_address)
      return rt_error_set(err, ENOMEM, "--page-server");
    x->rq.ps_address = x->ps_address;
    x->rq.ps_port = (int)port;
  }
  if (c->status_fd >= 0 && fcntl(c->status_fd, F_GETFD) < 0)
    return rt_error_set(err, errno, "--status-fd %d", c->status_fd);
  x->rq.status_fd = c->status_fd;
  x->rq.tcp_established = c->tcp_established;
  x->rq.ext_unix_sk = c->ext_unix_sk;
  x->rq.shell_job = c->shell_job;
  x->rq.file_locks = c->file_locks;
  x->rq.auto_dedup = c->auto_dedup;
  x->rq.lazy_pages = c->lazy_pages;
  return 0;
}

/* The images and work directories: made for a checkpoint, required to
 * exist for a restore. */
static int open_dirs(struct criu_ctx *x, const struct rt_criu_opts *c, bool make,
                     const char *log_name, rt_error *err) {
  const char *img = c->image_path && *c->image_path ? c->image_path : "checkpoint";
  x->image_dir = fs_abspath(img);
  if (!x->image_dir)
    return rt_error_set(err, errno, "--image-path %s", img);
  if (make && (errno = -fs_mkdir_p(x->image_dir, 0700)) > 0)
    return rt_error_set(err, errno, "--image-path %s: make the directory", x->image_dir);
  x->imgfd = open(x->image_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (x->imgfd < 0)
    return rt_error_set(err, errno, "--image-path %s", x->image_dir);
  if (!make && faccessat(x->imgfd, "inventory.img", F_OK, 0) < 0)
    return rt_error_set(err, errno, "--image-path %s: no checkpoint there (inventory.img: %s)",
                        x->image_dir, strerror(errno));
  _cleanup_free_ char *work = c->work_path && *c->work_path ? fs_abspath(c->work_path)
                                                            : strdup(x->image_dir);
  if (!work)
    return rt_error_set(err, errno, "--work-path %s", c->work_path);
  if ((errno = -fs_mkdir_p(work, 0700)) > 0)
    return rt_error_set(err, errno, "--work-path %s: make the directory", work);
  x->workfd = open(work, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (x->workfd < 0)
    return rt_error_set(err, errno, "--work-path %s", work);
  if (asprintf(&x->log_path, "%s/%s", work, log_name) < 0)
    return rt_error_set(err, ENOMEM, "criu log");
  unlinkat(x->workfd, log_name, 0);
  x->rq.images_dir_fd = x->imgfd;
  x->rq.work_dir_fd = x->workfd;
  x->rq.log_file = log_name;
  return 0;
}

/* org.criu.config: a CRIU configuration file ("" for none); without the
 * annotation, /etc/criu/rt.conf when it exists. */
static void config_file(struct criu_ctx *x, const oci_config *cfg) {
  const char *a = oci_map_get(&cfg->annotations, "org.criu.config");
  if (a)
    x->rq.config_file = *a ? a : NULL;
  else if (access(DEFAULT_CONFIG_FILE, F_OK) == 0)
    x->rq.config_file = DEFAULT_CONFIG_FILE;
}

static bool is_bind(const oci_mount *m) {
  if (m->type && strcmp(m->type, "bind") == 0)
    return true;
  for (size_t i = 0; i < m->n_options; i++)
    if (strcmp(m->options[i], "bind") == 0 || strcmp(m->options[i], "rbind") == 0)
      return true;
  return false;
}

/* The destination as the mount table has it: symlinks on the way are
 * followed inside the rootfs (rt mounted there). A path that does not
 * resolve stays as it is. */
static char *resolve_dest(const char *rootfs, const char *dest) {
  _cleanup_free_ char *real = realpath(rootfs, NULL);
  _cleanup_close_ int rootfd = real ? open(real, O_PATH | O_DIRECTORY | O_CLOEXEC) : -1;
  rt_error e;
  _cleanup_close_ int fd = rootfd >= 0 ? fs_open_in_root(rootfd, dest, O_PATH, 0, &e) : -1;
  if (fd >= 0) {
    char link[64], buf[PATH_MAX];
    fs_fd_path(fd, link);
    ssize_t n = readlink(link, buf, sizeof buf - 1);
    size_t rl = strlen(real);
    if (n > 0) {
      buf[n] = '\0';
      if (strncmp(buf, real, rl) == 0 && (buf[rl] == '/' || buf[rl] == '\0'))
        return strdup(buf[rl] ? buf + rl : "/");
    }
  }
  return fs_clean_path(dest);
}

/* Bind mounts and masked files. dump: key and value the destination;
 * restore: the value is the host's source. */
static int describe_mounts(struct criu_ctx *x, const oci_config *cfg, const char *rootfs,
                           const char *bundle, const char *cgroup, pid_t pid, bool restore,
                           rt_error *err) {
  for (size_t i = 0; i < cfg->n_mounts; i++) {
    const oci_mount *m = &cfg->mounts[i];
    if (!is_bind(m) || !m->source)
      continue;
    _cleanup_free_ char *dest = resolve_dest(rootfs, m->destination);
    _cleanup_free_ char *src = NULL;
    if (restore && (m->source[0] == '/' ? !(src = strdup(m->source))
                                        : asprintf(&src, "%s/%s", bundle, m->source) < 0))
      return rt_error_set(err, ENOMEM, "criu request");
    if (!dest || add_ext_mnt(x, dest, restore ? src : dest, err) < 0)
      return rt_error_set(err, ENOMEM, "criu request");
  }
  const oci_linux *l = cfg->linux_;
  /* Without a cgroup namespace, rt binds the container's own cgroup2
   * directory at the cgroup mount: a mount whose root CRIU cannot find in
   * the container, external like a bind mount; restored from the new
   * container's cgroup (cgroup v2). */
  bool cgns = false;
  for (size_t i = 0; l && i < l->n_namespaces; i++)
    cgns |= strcmp(l->namespaces[i].type, "cgroup") == 0;
  for (size_t i = 0; !cgns && i < cfg->n_mounts; i++) {
    const oci_mount *m = &cfg->mounts[i];
    if (!m->type || (strcmp(m->type, "cgroup") != 0 && strcmp(m->type, "cgroup2") != 0) ||
        access("/sys/fs/cgroup/cgroup.controllers", F_OK) != 0)
      continue;
    _cleanup_free_ char *dest = resolve_dest(rootfs, m->destination);
    _cleanup_free_ char *src = NULL;
    if (!dest || (restore && asprintf(&src, "/sys/fs/cgroup%s", cgroup ? cgroup : "") < 0))
      return rt_error_set(err, ENOMEM, "criu request");
    if (add_ext_mnt(x, dest, restore ? src : dest, err) < 0)
      return -1;
  }
  /* Masked files are written to the images with the key "/dev/null" (the
   * value at dump): restore maps that one key back to the host's /dev/null. */
  if (restore) {
    for (size_t i = 0; l && i < l->n_masked_paths; i++)
      if (l->masked_paths[i])
        return add_ext_mnt(x, "/dev/null", "/dev/null", err);
    return 0;
  }
  for (size_t i = 0; l && i < l->n_masked_paths; i++) {
    if (!restore) {
      /* Only files are masked with /dev/null; a directory gets a tmpfs,
       * which CRIU dumps as it is. */
      char p[PATH_MAX];
      struct stat st;
      snprintf(p, sizeof p, "/proc/%d/root%s", (int)pid, l->masked_paths[i]);
      if (stat(p, &st) < 0 || S_ISDIR(st.st_mode))
        continue;
    }
    if (add_ext_mnt(x, l->masked_paths[i], "/dev/null", err) < 0)
      return -1;
  }
  return 0;
}

static const char *ns_key(const char *type) {
  return strcmp(type, "network") == 0 ? "extRootNetNS" : strcmp(type, "pid") == 0 ? "extRootPidNS" : NULL;
}

/* A network or pid namespace the config joins by path is not the
 * container's to dump: external at dump, given back at restore. */
static int describe_namespaces(struct criu_ctx *x, const oci_config *cfg, bool restore,
                               rt_error *err) {
  const oci_linux *l = cfg->linux_;
  for (size_t i = 0; l && i < l->n_namespaces; i++) {
    const oci_namespace *ns = &l->namespaces[i];
    const char *key = ns_key(ns->type);
    if (!key || !ns->path)
      continue;
    const char *what = strcmp(ns->type, "network") == 0 ? "net" : "pid";
    if (restore) {
      int fd = open(ns->path, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        return rt_error_set(err, errno, "config.json: .linux.namespaces[%zu].path %s", i, ns->path);
      if (add_inherit(x, key, fd, true, err) < 0)
        return -1;
      continue;
    }
    struct stat st;
    if (stat(ns->path, &st) < 0)
      return rt_error_set(err, errno, "config.json: .linux.namespaces[%zu].path %s", i, ns->path);
    char *s;
    if (asprintf(&s, "%s[%llu]:%s", what, (unsigned long long)st.st_ino, key) < 0)
      return rt_error_set(err, ENOMEM, "criu request");
    if (add_external(x, s, err) < 0)
      return -1;
  }
  return 0;
}

/* ---- checkpoint ---- */

/* The init's stdio as /proc/PID/fd/N names it, for restore to give pipes
 * back (the shim's, conmon's). */
static int write_descriptors(int imgfd, pid_t pid, rt_error *err) {
  char buf[3 * (PATH_MAX + 8) + 8];
  size_t off = 0;
  off += (size_t)snprintf(buf + off, sizeof buf - off, "[");
  for (int i = 0; i < 3; i++) {
    char p[64], t[PATH_MAX];
    snprintf(p, sizeof p, "/proc/%d/fd/%d", (int)pid, i);
    ssize_t n = readlink(p, t, sizeof t - 1);
    t[n > 0 ? n : 0] = '\0';
    _cleanup_free_ char *esc = rt_json_escape(t);
    if (!esc)
      return rt_error_set(err, ENOMEM, DESCRIPTORS);
    off += (size_t)snprintf(buf + off, sizeof buf - off, "%s\"%s\"", i ? "," : "", esc);
    if (off >= sizeof buf)
      return rt_error_set(err, ENAMETOOLONG, DESCRIPTORS);
  }
  off += (size_t)snprintf(buf + off, sizeof buf - off, "]");
  return fs_write_file_atomicat(imgfd, DESCRIPTORS, buf, off, 0600, err) < 0
             ? rt_error_prefix(err, "--image-path")
             : 0;
}

#define EXTERNAL_FILES "rt-external-files"

/* The init's stdio that are files on a mount outside the container (conmon
 * gives /dev/null of the host as stdin): CRIU cannot dump those; they are
 * external (file[MNT_ID:INODE], hex, as CRIU names them) and restore gives
 * the same path opened again. Listed in rt-external-files: "key path". */
static int describe_stdio_files(struct criu_ctx *x, int imgfd, pid_t pid, rt_error *err) {
  char mi_path[64];
  snprintf(mi_path, sizeof mi_path, "/proc/%d/mountinfo", (int)pid);
  _cleanup_free_ char *mi = NULL;
  if (fs_read_file(mi_path, 1 << 22, &mi, NULL, err) < 0)
    return rt_error_prefix(err, "checkpoint");
  char list[3 * (PATH_MAX + 64)];
  size_t off = 0;
  for (int i = 0; i < 3; i++) {
    char p[64], t[PATH_MAX];
    snprintf(p, sizeof p, "/proc/%d/fd/%d", (int)pid, i);
    ssize_t n = readlink(p, t, sizeof t - 1);
    struct stat st;
    if (n <= 0 || t[0] != '/' || stat(p, &st) < 0)
      continue;
    t[n] = '\0';
    snprintf(p, sizeof p, "/proc/%d/fdinfo/%d", (int)pid, i);
    _cleanup_free_ char *info = NULL;
    rt_error e;
    if (fs_read_file(p, 1 << 16, &info, NULL, &e) < 0)
      continue;
    const char *m = strstr(info, "mnt_id:");
    if (!m)
      continue;
    unsigned long mnt_id = strtoul(m + 7, NULL, 10);
    /* in the container's mount namespace: CRIU dumps it as it is */
    bool inside = false;
    for (char *c = mi; c && *c; c = strchr(c, '\n'), c = c ? c + 1 : NULL)
      if (strtoul(c, NULL, 10) == mnt_id) {
        inside = true;
        break;
      }
    if (inside)
      continue;
    char *key;
    if (asprintf(&key, "file[%lx:%llx]", mnt_id, (unsigned long long)st.st_ino) < 0)
      return rt_error_set(err, ENOMEM, "criu request");
    off += (size_t)snprintf(list + off, sizeof list - off, "%s %s\n", key, t);
    if (add_external(x, key, err) < 0)
      return -1;
  }
  if (!off)
    return 0;
  return fs_write_file_atomicat(imgfd, EXTERNAL_FILES, list, off, 0600, err) < 0
             ? rt_error_prefix(err, "--image-path")
             : 0;
}

/* The terminal's slave, whose master is outside the container. */
static int describe_tty(struct criu_ctx *x, const oci_config *cfg, pid_t pid, rt_error *err) {
  if (!cfg->process || !cfg->process->terminal)
    return 0;
  char p[64];
  struct stat st;
  snprintf(p, sizeof p, "/proc/%d/fd/0", (int)pid);
  if (stat(p, &st) < 0 || !S_ISCHR(st.st_mode))
    return 0;
  char *s;
  if (asprintf(&s, "tty[%llx:%llx]", (unsigned long long)st.st_rdev, (unsigned long long)st.st_dev) < 0)
    return rt_error_set(err, ENOMEM, "criu request");
  return add_external(x, s, err);
}

static void freeze_cgroup(struct criu_ctx *x, const char *cg) {
  if (!cg)
    return;
  char *p;
  bool v2 = access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0;
  if (asprintf(&p, "/sys/fs/cgroup%s%s%s", v2 ? "" : "/freezer", *cg == '/' ? "" : "/", cg) < 0)
    return;
  if (access(p, F_OK) == 0)
    x->rq.freeze_cgroup = own(x, p);
  else
    free(p);
}

int container_checkpoint(const char *root, const char *id, const struct rt_criu_opts *c,
                         rt_error *err) {
  _cleanup_(criu_ctx_freep) struct criu_ctx x = {.imgfd = -1, .workfd = -1};
  x.rq.status_fd = -1;
  _cleanup_oci_config_ oci_config *cfg = NULL;
  {
    _cleanup_container_ struct container_handle ex = CONTAINER_HANDLE_INIT;
    if (container_open(root, id, true, &ex, err) < 0)
      return -1;
    if (ex.status != RT_STATUS_RUNNING && ex.status != RT_STATUS_PAUSED)
      return rt_error_set(err, 0, "cannot checkpoint container %s: it is %s, not running", id,
                          rt_state_status_name(ex.status));
    cfg = container_saved_config(ex.dirfd);
    if (!cfg)
      return rt_error_set(err, 0, "container %s: cannot read its saved config.json", id);
    _cleanup_free_ char *criu = criu_find(err);
    if (!criu)
      return rt_error_prefix(err, "checkpoint");
    x.rq.kind = c->pre_dump ? CRIU_REQ_PRE_DUMP : CRIU_REQ_DUMP;
    if (parse_options(&x, c, err) < 0 ||
        open_dirs(&x, c, true, c->pre_dump ? "pre-dump.log" : "dump.log", err) < 0)
      return -1;
    x.rq.pid = ex.st.pid;
    x.rq.root = ex.st.rootfs;
    x.rq.leave_running = c->leave_running || c->pre_dump;
    x.rq.parent_img = c->parent_path && *c->parent_path ? c->parent_path : NULL;
    x.rq.track_mem = c->pre_dump || x.rq.parent_img;
    config_file(&x, cfg);
    freeze_cgroup(&x, ex.st.cgroup_path);
    if (describe_mounts(&x, cfg, ex.st.rootfs, ex.st.bundle, NULL, ex.st.pid, false, err) < 0 ||
        describe_namespaces(&x, cfg, false, err) < 0 || describe_tty(&x, cfg, ex.st.pid, err) < 0 ||
        write_descriptors(x.imgfd, ex.st.pid, err) < 0 ||
        describe_stdio_files(&x, x.imgfd, ex.st.pid, err) < 0)
      return -1;
    log_debug("checkpoint %s: pid %d into %s", id, (int)ex.st.pid, x.image_dir);
    if (criu_run(&x.rq, x.log_path, NULL, NULL, NULL, err) < 0)
      return rt_error_prefix(err, "checkpoint %s", id);
  }
  if (x.rq.leave_running)
    return 0;
  /* Its processes are gone with the dump: the container goes too (runc). */
  return container_delete(root, id, true, err);
}

/* ---- restore ---- */

struct restore_notify {
  struct creation *cr;
};

static int on_notify(const char *script, pid_t pid, int fd, void *arg, rt_error *err) {
  struct creation *cr = ((struct restore_notify *)arg)->cr;
  if (strcmp(script, "orphan-pts-master") == 0) {
    if (fd < 0)
      return rt_error_set(err, EPROTO, "criu restore: orphan-pts-master without an fd");
    if (cr->o->console_socket) {
      int r = term_send_to_socket(cr->o->console_socket, fd, err);
      close(fd);
      return r < 0 ? -1 : 0;
    }
    rt_safe_close(cr->master);
    cr->master = fd;
    return 0;
  }
  rt_safe_close(fd);
  if (strcmp(script, "setup-namespaces") == 0 && pid > 0) {
    /* The processes exist, before they run: prestart and createRuntime. */
    const oci_config *c = cr->config;
    cr->st.pid = pid;
    if (!c->hooks.prestart.n && !c->hooks.create_runtime.n)
      return 0;
    cr->hooks_started = true;
    _cleanup_free_ char *creating = container_state_json(&cr->st, RT_STATUS_CREATING);
    if (!creating)
      return rt_error_set(err, ENOMEM, "state");
    if (hooks_run(&c->hooks.prestart, "prestart", creating, err) < 0 ||
        hooks_run(&c->hooks.create_runtime, "createRuntime", creating, err) < 0)
      return -1;
  }
  return 0;
}

/* The external stdio files of the dump (describe_stdio_files), opened
 * again at their paths. */
static int inherit_external_files(struct criu_ctx *x, rt_error *err) {
  _cleanup_free_ char *data = NULL;
  rt_error e;
  if (fs_read_fileat(x->imgfd, EXTERNAL_FILES, 1 << 16, &data, NULL, &e) < 0)
    return 0;
  for (char *line = data, *next; line && *line; line = next) {
    next = strchr(line, '\n');
    if (next)
      *next++ = '\0';
    char *sp = strchr(line, ' ');
    if (!sp)
      continue;
    *sp = '\0';
    int fd = open(sp + 1, O_RDWR | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
      fd = open(sp + 1, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
      return rt_error_set(err, errno, "restore: open %s (a file the checkpointed process had open)",
                          sp + 1);
    if (add_inherit(x, line, fd, true, err) < 0)
      return -1;
  }
  return 0;
}

/* The stdio pipes of the checkpointed init are rt's own now. */
static int inherit_stdio(struct criu_ctx *x, rt_error *err) {
  _cleanup_free_ char *data = NULL;
  size_t len;
  rt_error e;
  if (fs_read_fileat(x->imgfd, DESCRIPTORS, 1 << 16, &data, &len, &e) < 0)
    return 0; /* not rt's or runc's checkpoint: nothing to give back */
  const char *p = data;
  for (int i = 0; i < 3 && (p = strchr(p, '"')); i++) {
    const char *end = strchr(++p, '"');
    if (!end)
      break;
    if (strncmp(p, "pipe:", 5) == 0) {
      _cleanup_free_ char *key = strndup(p, (size_t)(end - p));
      if (!key || add_inherit(x, key, i, false, err) < 0)
        return rt_error_set(err, ENOMEM, "criu request");
    }
    p = end + 1;
  }
  return 0;
}

int creation_restore(struct creation *cr, rt_error *err) {
  const struct rt_criu_opts *c = cr->o->restore;
  _cleanup_(criu_ctx_freep) struct criu_ctx x = {.imgfd = -1, .workfd = -1};
  x.rq.status_fd = -1;
  x.rq.kind = CRIU_REQ_RESTORE;
  if (parse_options(&x, c, err) < 0 || open_dirs(&x, c, false, "restore.log", err) < 0)
    return -1;
  x.rq.root = cr->rootfs;
  x.rq.rst_sibling = true;
  x.rq.notify_scripts = true;
  x.rq.orphan_pts_master = cr->config->process && cr->config->process->terminal;
  config_file(&x, cr->config);
  struct criu_kv cg = {"", cr->st.cgroup_path};
  if (cr->st.cgroup_path) {
    x.rq.cg_root = malloc(sizeof cg);
    if (!x.rq.cg_root)
      return rt_error_set(err, ENOMEM, "criu request");
    x.rq.cg_root[0] = cg;
    x.rq.n_cg_root = 1;
  }
  if (describe_mounts(&x, cr->config, cr->rootfs, cr->bundle, cr->st.cgroup_path, 0, true, err) < 0 ||
      describe_namespaces(&x, cr->config, true, err) < 0 || inherit_stdio(&x, err) < 0 ||
      inherit_external_files(&x, err) < 0)
    return -1;
  /* Mount points of the bind mounts, as create makes them. */
  _cleanup_close_ int rootfd = open(cr->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  for (size_t i = 0; rootfd >= 0 && i < cr->config->n_mounts; i++) {
    const oci_mount *m = &cr->config->mounts[i];
    _cleanup_free_ char *src = NULL;
    struct stat st;
    rt_error e;
    if (!is_bind(m) || !m->source ||
        (m->source[0] == '/' ? !(src = strdup(m->source))
                             : asprintf(&src, "%s/%s", cr->bundle, m->source) < 0) ||
        stat(src, &st) < 0)
      continue;
    if (fs_ensure_in_root(rootfd, m->destination, S_ISDIR(st.st_mode), &e) < 0)
      log_debug("restore: mount point %s: %s", m->destination, e.msg);
  }
  struct restore_notify rn = {cr};
  pid_t pid = 0;
  log_debug("restore %s from %s", cr->o->id, x.image_dir);
  if (criu_run(&x.rq, x.log_path, on_notify, &rn, &pid, err) < 0)
    return rt_error_prefix(err, "restore %s", cr->o->id);
  if (pid <= 0)
    return rt_error_set(err, EPROTO, "restore %s: criu gave no pid", cr->o->id);
  cr->pid = pid;
  cr->st.pid = pid;
  cr->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (cr->pidfd < 0)
    return rt_error_set(err, errno, "restore %s: pidfd of the restored init %d", cr->o->id, (int)pid);
  return 0;
}

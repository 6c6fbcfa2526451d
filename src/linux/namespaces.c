#include "config.h"
#include "linux/namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

static const struct {
  const char *type;
  const char *proc;
  int flag;
} ns_table[] = {
    {"user", "user", CLONE_NEWUSER},     {"mount", "mnt", CLONE_NEWNS},
    {"pid", "pid", CLONE_NEWPID},        {"network", "net", CLONE_NEWNET},
    {"uts", "uts", CLONE_NEWUTS},        {"ipc", "ipc", CLONE_NEWIPC},
    {"cgroup", "cgroup", CLONE_NEWCGROUP}, {"time", "time", CLONE_NEWTIME},
};

int ns_flag(const char *type) {
  for (size_t i = 0; i < ARRAY_SIZE(ns_table); i++)
    if (strcmp(ns_table[i].type, type) == 0)
      return ns_table[i].flag;
  return 0;
}

const char *ns_proc_name(const char *type) {
  for (size_t i = 0; i < ARRAY_SIZE(ns_table); i++)
    if (strcmp(ns_table[i].type, type) == 0)
      return ns_table[i].proc;
  return NULL;
}

const oci_namespace *ns_find(const oci_linux *l, const char *type) {
  if (!l)
    return NULL;
  for (size_t i = 0; i < l->n_namespaces; i++)
    if (l->namespaces[i].type && strcmp(l->namespaces[i].type, type) == 0)
      return &l->namespaces[i];
  return NULL;
}

bool ns_is_new(const oci_linux *l, const char *type) {
  const oci_namespace *ns = ns_find(l, type);
  return ns && (!ns->path || !*ns->path);
}

int ns_open_path(const char *path, int flag, const char *field, rt_error *err) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return rt_error_set(err, errno, "%s: open namespace %s", field, path);
  int t = ioctl(fd, NS_GET_NSTYPE);
  if (t < 0) {
    int e = errno;
    close(fd);
    return rt_error_set(err, e == ENOTTY ? EINVAL : e, "%s: %s is not a namespace", field, path);
  }
  if (t != flag) {
    close(fd);
    return rt_error_set(err, 0, "%s: %s is a namespace of another type", field, path);
  }
  return fd;
}

int ns_validate(const oci_config *c, rt_error *err) {
  const oci_linux *l = c->linux_;
  if (!l)
    return 0;
  int seen = 0;
  for (size_t i = 0; i < l->n_namespaces; i++) {
    const oci_namespace *ns = &l->namespaces[i];
    char field[64];
    snprintf(field, sizeof field, "config.json: .linux.namespaces[%zu]", i);
    int flag = ns->type ? ns_flag(ns->type) : 0;
    if (!flag)
      return rt_error_set(err, 0, "%s.type: unknown namespace type \"%s\"", field,
                          ns->type ? ns->type : "");
    if (seen & flag)
      return rt_error_set(err, 0, "%s.type: namespace \"%s\" given twice", field, ns->type);
    seen |= flag;
    if (ns->path && *ns->path) {
      char pfield[80];
      snprintf(pfield, sizeof pfield, "%s.path", field);
      int fd = ns_open_path(ns->path, flag, pfield, err);
      if (fd < 0)
        return fd;
      close(fd);
    }
    /* A mount namespace given by path gets the container's root and mounts
     * (as a new one does): never rt's own, the host's. */
    if (flag == CLONE_NEWNS && ns->path && *ns->path && ns_is_own(ns->path, "mount"))
      return rt_error_set(err, 0,
                          "%s.path: %s is rt's own mount namespace: rt will not set up a "
                          "root filesystem (pivot_root) in it",
                          field, ns->path);
  }
  bool new_user = ns_is_new(l, "user");
  if (new_user && (l->n_uid_mappings == 0 || l->n_gid_mappings == 0))
    return rt_error_set(err, 0,
                        "config.json: .linux.uidMappings/.linux.gidMappings: a new user namespace "
                        "needs both uid and gid mappings");
  if (!ns_find(l, "user") && (l->n_uid_mappings || l->n_gid_mappings))
    return rt_error_set(err, 0,
                        "config.json: .linux.uidMappings: mappings given without a user namespace");
  if ((l->time_boottime.present || l->time_monotonic.present) && !ns_is_new(l, "time"))
    return rt_error_set(err, 0,
                        "config.json: .linux.timeOffsets: needs a new time namespace in "
                        ".linux.namespaces");
  return 0;
}

static int write_map(pid_t pid, const char *file, const oci_id_mapping *m, size_t n,
                     rt_error *err) {
  char buf[8192];
  size_t off = 0;
  for (size_t i = 0; i < n; i++) {
    int w = snprintf(buf + off, sizeof buf - off, "%u %u %u\n", m[i].container_id, m[i].host_id,
                     m[i].size);
    if (w < 0 || (size_t)w >= sizeof buf - off)
      return rt_error_set(err, E2BIG, "%s: too many mappings", file);
    off += (size_t)w;
  }
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
  if (fs_write_file(path, buf, off, err) < 0)
    return rt_error_prefix(err, "config.json: .linux.%s", strcmp(file, "uid_map") == 0
                                                              ? "uidMappings"
                                                              : "gidMappings");
  return 0;
}

int ns_write_id_maps(pid_t pid, const oci_linux *l, bool deny_setgroups, rt_error *err) {
  if (deny_setgroups) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/setgroups", (int)pid);
    if (fs_write_file(path, "deny", 4, err) < 0)
      return -1;
  }
  if (write_map(pid, "uid_map", l->uid_mappings, l->n_uid_mappings, err) < 0)
    return -1;
  return write_map(pid, "gid_map", l->gid_mappings, l->n_gid_mappings, err);
}

int ns_make_userns(const oci_id_mapping *uids, size_t nu, const oci_id_mapping *gids, size_t ng,
                   rt_error *err) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0)
    return rt_error_set(err, errno, "pipe");
  pid_t pid = fork();
  if (pid < 0) {
    int e = errno;
    close(p[0]);
    close(p[1]);
    return rt_error_set(err, e, "fork");
  }
  if (pid == 0) {
    close(p[1]);
    if (unshare(CLONE_NEWUSER) < 0)
      _exit(1);
    char b;
    /* Stay until rt has taken a reference to the namespace. */
    while (read(p[0], &b, 1) < 0 && errno == EINTR)
      ;
    _exit(0);
  }
  close(p[0]);
  int fd = -1;
  oci_linux l = {.uid_mappings = (oci_id_mapping *)uids, .n_uid_mappings = nu,
                 .gid_mappings = (oci_id_mapping *)gids, .n_gid_mappings = ng};
  /* Wait for the unshare: the namespace differs from ours once it happened. */
  char self[64], other[64], path[64];
  ssize_t a = readlink("/proc/self/ns/user", self, sizeof self - 1);
  for (int i = 0; i < 1000; i++) {
    snprintf(path, sizeof path, "/proc/%d/ns/user", (int)pid);
    ssize_t b = readlink(path, other, sizeof other - 1);
    if (a > 0 && b > 0 && (a != b || memcmp(self, other, (size_t)a) != 0))
      break;
    usleep(100);
  }
  if (ns_write_id_maps(pid, &l, false, err) == 0) {
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      rt_error_set(err, errno, "open %s", path);
  }
  close(p[1]);
  while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
    ;
  return fd;
}

int ns_join_paths(const oci_linux *l, rt_error *err) {
  static const char *const order[] = {"user", "ipc", "uts", "network", "cgroup", "mount"};
  for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
    const oci_namespace *ns = ns_find(l, order[k]);
    if (!ns || !ns->path || !*ns->path)
      continue;
    char field[64];
    snprintf(field, sizeof field, "config.json: .linux.namespaces (%s)", ns->type);
    int fd = ns_open_path(ns->path, ns_flag(ns->type), field, err);
    if (fd < 0)
      return -1;
    int r = setns(fd, ns_flag(ns->type));
    int e = errno;
    close(fd);
    if (r < 0)
      return rt_error_set(err, e, "%s: setns %s", field, ns->path);
  }
  return 0;
}

bool ns_join_before_clone(const oci_linux *l) {
  const oci_namespace *user = ns_find(l, "user");
  if (!user)
    return false;
  if (user->path && *user->path)
    return true;
  static const char *const others[] = {"ipc", "uts", "network", "cgroup", "mount"};
  for (size_t k = 0; k < sizeof others / sizeof others[0]; k++) {
    const oci_namespace *ns = ns_find(l, others[k]);
    if (ns && ns->path && *ns->path)
      return true;
  }
  return false;
}

bool ns_is_own(const char *path, const char *type) {
  char self[64];
  snprintf(self, sizeof self, "/proc/self/ns/%s", ns_proc_name(type));
  struct stat a, b;
  return stat(path, &a) == 0 && stat(self, &b) == 0 && a.st_dev == b.st_dev &&
         a.st_ino == b.st_ino;
}

bool ns_running_in_userns(void) {
  static int cached = -1;
  if (cached < 0) {
    char buf[256] = "";
    int fd = open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    if (fd >= 0)
      close(fd);
    /* The initial user namespace maps all 2^32 - 1 ids onto themselves, in
     * one line. */
    unsigned long inner, outer, count;
    int used = 0;
    bool identity = n > 0 && sscanf(buf, "%lu %lu %lu%n", &inner, &outer, &count, &used) == 3 &&
                    inner == 0 && outer == 0 && count == 4294967295UL;
    const char *rest = buf + used;
    while (identity && (*rest == '\n' || *rest == ' '))
      rest++;
    cached = !(identity && *rest == '\0');
  }
  return cached;
}

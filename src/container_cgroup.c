/* rt: the container's cgroup during `rt create`: planned and made before
 * clone3 (cgroupfs driver), entered after it, delegated to the container's
 * user when the config asks (config-linux.md "Cgroup ownership"). */
#include "config.h"
#include "creation.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libocispec/oci_config.h"
#include "linux/cgroup.h"
#include "linux/namespaces.h"
#include "util/cleanup.h"
#include "util/log.h"

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
int creation_cgroup_create(struct creation *cr, rt_error *err) {
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
int creation_cgroup_enter(struct creation *cr, rt_error *err) {
  if (cr->o->systemd_cgroup)
    return cgroup_enter(cr->config, cr->o->id, true, cr->pid, &cr->st.cgroup_path, err);
  int r = cr->cg_into_failed ? cgroup_attach_pid_v2(&cr->cg, cr->pid, err) : 0;
  cgroup_attach_close(&cr->cg);
  return r;
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
int creation_host_id(pid_t pid, const char *map, unsigned id, unsigned *out, rt_error *err) {
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
int creation_cgroup_delegate(struct creation *cr, rt_error *err) {
  const oci_config *c = cr->config;
  if (!cr->st.cgroup_path || !cgroup_wants_delegation(c))
    return 0;
  unsigned uid, gid;
  if (creation_host_id(cr->pid, "uid_map", c->process ? c->process->user.uid : 0, &uid, err) < 0 ||
      creation_host_id(cr->pid, "gid_map", c->process ? c->process->user.gid : 0, &gid, err) < 0)
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

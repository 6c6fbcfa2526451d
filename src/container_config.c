/* rt: the bundle of `rt create`: config.json read, parsed and checked
 * against what rt can do, before anything is made. */
#include "config.h"
#include "creation.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "container_internal.h"
#include "libocispec/oci_config.h"
#include "linux/namespaces.h"
#include "linux/process.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/mountinfo.h"

/* linux.intelRdt: config-linux.md requires an error when no resctrl
 * filesystem is mounted. Where one is, rt does not drive it yet, and says so
 * rather than run the container without the cache and memory-bandwidth
 * allocation it asked for. */
static bool resctrl_mounted(void) {
  _cleanup_free_ char *mi = NULL;
  rt_error tmp;
  if (fs_read_file("/proc/self/mountinfo", 1 << 22, &mi, NULL, &tmp) < 0)
    return false;
  struct rt_mountinfo m;
  for (char *cur = mi; rt_mountinfo_next(&cur, &m) > 0;)
    if (strcmp(m.fstype, "resctrl") == 0)
      return true;
  return false;
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


int creation_load_config(struct creation *cr, rt_error *err) {
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


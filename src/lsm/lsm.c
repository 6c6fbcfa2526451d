/* What the config asks of the LSMs, checked and applied. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <fcntl.h>
#include <unistd.h>

#include "util/procfs.h"
#include "lsm/lsm.h"
#include "lsm/lsm_internal.h"

#define F_SELINUX "config.json: .process.selinuxLabel"
#define F_APPARMOR "config.json: .process.apparmorProfile"
#define F_MOUNT "config.json: .linux.mountLabel"

static bool given(const char *s) { return s && *s; }

static const char *mount_label(const oci_config *c) {
  return c->linux_ && given(c->linux_->mount_label) ? c->linux_->mount_label : NULL;
}

static int need_selinux(const char *field, rt_error *err) {
  if (!lsm_selinux_built())
    return rt_error_set(err, 0, "%s: rt was built without SELinux support (--disable-selinux)",
                        field);
  if (lsm_selinux_load(err) < 0)
    return rt_error_prefix(err, "%s", field);
  if (!lsm_selinux_enabled())
    return rt_error_set(err, 0, "%s: SELinux is not enabled on this host", field);
  return 0;
}

static int need_apparmor(const char *field, rt_error *err) {
  if (!lsm_apparmor_built())
    return rt_error_set(err, 0, "%s: rt was built without AppArmor support (--disable-apparmor)",
                        field);
  if (lsm_apparmor_load(err) < 0)
    return rt_error_prefix(err, "%s", field);
  if (!lsm_apparmor_enabled())
    return rt_error_set(err, 0, "%s: AppArmor is not enabled on this host", field);
  return 0;
}

int lsm_check(const oci_config *c, rt_error *err) {
  const oci_process *p = c->process;
  /* Labels the policy does not know are refused here, naming the field,
   * rather than as an EINVAL from a mount or the exec later on. */
  if (p && given(p->selinux_label) &&
      (need_selinux(F_SELINUX, err) < 0 ||
       lsm_selinux_check_context(p->selinux_label, F_SELINUX, err) < 0))
    return -1;
  if (p && given(p->apparmor_profile) && need_apparmor(F_APPARMOR, err) < 0)
    return -1;
  if (mount_label(c) && (need_selinux(F_MOUNT, err) < 0 ||
                         lsm_selinux_check_context(mount_label(c), F_MOUNT, err) < 0))
    return -1;
  return 0;
}

/* Write an exec attribute of this thread through rt's private procfs
 * (util/procfs.h, CVE-2025-52881): 1 when done, 0 when there is none (the
 * library then writes it by its /proc path), -1 on error. */
static int write_exec_attr(const char *rel, const char *fallback_rel, const char *data,
                           size_t len, const char *field, rt_error *err) {
  if (procfs_fd() < 0)
    return 0;
  int fd = procfs_open_self(rel, O_WRONLY, 1, err);
  if (fd < 0 && fallback_rel && err->errnum == ENOENT)
    fd = procfs_open_self(fallback_rel, O_WRONLY, 1, err);
  if (fd < 0)
    return rt_error_prefix(err, "%s", field);
  ssize_t n = write(fd, data, len);
  int e = errno;
  close(fd);
  if (n < 0)
    return rt_error_set(err, e, "%s: set the exec attribute to \"%s\"", field, data);
  return 1;
}

static int apparmor_onexec(const char *profile, rt_error *err) {
  char buf[4096];
  int n = snprintf(buf, sizeof buf, "exec %s", profile);
  if (n < 0 || (size_t)n >= sizeof buf)
    return rt_error_set(err, ENAMETOOLONG, F_APPARMOR ": profile name too long");
  /* attr/apparmor/exec where the kernel stacks LSMs, else attr/exec. */
  int r = write_exec_attr("attr/apparmor/exec", "attr/exec", buf, (size_t)n, F_APPARMOR, err);
  if (r != 0)
    return r < 0 ? -1 : 0;
  return lsm_apparmor_onexec(profile, F_APPARMOR, err);
}

static int selinux_setexec(const char *label, rt_error *err) {
  /* As libselinux's setexeccon: the label and its NUL. */
  int r = write_exec_attr("attr/exec", NULL, label, strlen(label) + 1, F_SELINUX, err);
  if (r != 0)
    return r < 0 ? -1 : 0;
  return lsm_selinux_setexec(label, F_SELINUX, err);
}

int lsm_apply_exec_labels(const oci_process *p, rt_error *err) {
  if (!p)
    return 0;
  if (given(p->apparmor_profile) &&
      (need_apparmor(F_APPARMOR, err) < 0 || apparmor_onexec(p->apparmor_profile, err) < 0))
    return -1;
  if (given(p->selinux_label) &&
      (need_selinux(F_SELINUX, err) < 0 || selinux_setexec(p->selinux_label, err) < 0))
    return -1;
  return 0;
}

int lsm_set_keycreate_label(const oci_config *c, rt_error *err) {
  const oci_process *p = c->process;
  if (!p || !given(p->selinux_label))
    return 0;
  if (need_selinux(F_SELINUX, err) < 0)
    return -1;
  return lsm_selinux_setkeycreate(p->selinux_label, F_SELINUX, err);
}

int lsm_clear_keycreate_label(const oci_config *c, rt_error *err) {
  const oci_process *p = c->process;
  if (!p || !given(p->selinux_label) || !lsm_selinux_enabled())
    return 0;
  return lsm_selinux_setkeycreate(NULL, F_SELINUX, err);
}

char *lsm_format_mount_label(const char *data, const char *label) {
  char *n = NULL;
  /* Quoted: MLS labels hold commas (s0:c1,c2). */
  int r = data && *data ? asprintf(&n, "%s,context=\"%s\"", data, label)
                        : asprintf(&n, "context=\"%s\"", label);
  return r < 0 ? NULL : n;
}

bool lsm_mount_takes_label(const char *fstype) {
  static const char *const no[] = {"proc", "sysfs", "cgroup", "cgroup2", "mqueue",
                                   "bind", "rbind", "none",   NULL};
  if (!fstype || !*fstype)
    return false;
  for (size_t i = 0; no[i]; i++)
    if (strcmp(fstype, no[i]) == 0)
      return false;
  return true;
}

int lsm_mount_label_data(const oci_config *c, const char *fstype, char **data_inout,
                         rt_error *err) {
  const char *label = mount_label(c);
  if (!label || !lsm_mount_takes_label(fstype))
    return 0;
  if (strchr(label, '"'))
    return rt_error_set(err, EINVAL, F_MOUNT ": a label cannot contain '\"'");
  if (need_selinux(F_MOUNT, err) < 0)
    return -1;
  char *n = lsm_format_mount_label(*data_inout, label);
  if (!n)
    return rt_error_set(err, ENOMEM, F_MOUNT);
  free(*data_inout);
  *data_inout = n;
  return 0;
}

int lsm_relabel_mount(const oci_config *c, const char *fstype, const char *path, rt_error *err) {
  const char *label = mount_label(c);
  if (!label || !fstype || strcmp(fstype, "mqueue") != 0)
    return 0;
  if (need_selinux(F_MOUNT, err) < 0)
    return -1;
  return lsm_selinux_setfilecon(path, label, F_MOUNT, err);
}

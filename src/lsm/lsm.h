/* Linux security modules: SELinux (libselinux) and AppArmor (libapparmor).
 *
 * A label or profile that was asked for is never silently dropped: when the
 * LSM is not enabled on this host, or rt was built without it, the request
 * is an error naming the config field. */
#pragma once
#include <stdbool.h>

#include "libocispec/oci_config.h"
#include "util/error.h"

/* Whether the LSM is usable here (built in and enabled on the host). */
bool lsm_selinux_enabled(void);
bool lsm_apparmor_enabled(void);

/* Check that every label/profile requested by c (process.selinuxLabel,
 * process.apparmorProfile, linux.mountLabel) can be applied. Call it while
 * the host's /sys and /proc are still visible (before pivot_root). */
int lsm_check(const oci_config *c, rt_error *err);

/* Labels applied at the next execve: process.selinuxLabel (setexeccon) and
 * process.apparmorProfile (aa_change_onexec). */
int lsm_apply_exec_labels(const oci_process *p, rt_error *err);

/* SELinux: label the keys this thread creates (the session keyring) with
 * process.selinuxLabel. Call before KEYCTL_JOIN_SESSION_KEYRING; then
 * lsm_clear_keycreate_label (exec clears it too). No-op without a label. */
int lsm_set_keycreate_label(const oci_config *c, rt_error *err);
int lsm_clear_keycreate_label(const oci_config *c, rt_error *err);

/* Whether a mount of this type takes linux.mountLabel as a context= option:
 * not proc, sysfs, cgroup, cgroup2, mqueue (relabelled after mounting
 * instead) or binds, as runc does. */
bool lsm_mount_takes_label(const char *fstype);

/* Append context="<linux.mountLabel>" to *data_inout (malloc'd or NULL;
 * reallocated) when the mount type takes it. No-op without a mountLabel. */
int lsm_mount_label_data(const oci_config *c, const char *fstype, char **data_inout, rt_error *err);

/* For mqueue, which has no context= option: label the mounted directory
 * (path, e.g. /proc/self/fd/N of the new mount) with linux.mountLabel. No-op
 * for other types or without a mountLabel. */
int lsm_relabel_mount(const oci_config *c, const char *fstype, const char *path, rt_error *err);

/* The container's root filesystem: mounts in config order, /dev, pivot_root,
 * masked and read-only paths. All of it runs in the container's init, in its
 * new mount namespace. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "libocispec/oci_config.h"
#include "util/error.h"

struct mount_opts {
  unsigned long flags;       /* MS_* to set */
  unsigned long clear;       /* MS_* the options explicitly clear (rw, suid, ...) */
  unsigned long propagation[4];
  int n_propagation;
  uint64_t attr_set;         /* MOUNT_ATTR_* for the recursive r* options */
  uint64_t attr_clr;
  bool recursive_attrs;
  bool idmap, ridmap;
  bool tmpcopyup;
  char *data;                /* remaining options joined by ',' (malloc'd) */
};

/* Parse a mount's options; unknown options become data. field names the
 * option list in errors (".mounts[3].options"). */
int mount_parse_options(char **options, size_t n, struct mount_opts *o, const char *field,
                        rt_error *err);
void mount_opts_free(struct mount_opts *o);
/* MS_* propagation flag for a rootfsPropagation value, 0 when unknown. */
unsigned long mount_propagation_flag(const char *name);

struct rootfs_ctx {
  const oci_config *config;
  const char *bundle;   /* absolute bundle dir, for relative bind sources */
  char *rootfs;         /* absolute, cleaned root.path */
  bool userns;          /* in a new or joined user namespace */
  bool bind_devices;    /* no mknod: bind the host's device nodes */
  bool new_cgroupns;
  bool no_pivot;
  int devnull_fd;       /* the host's /dev/null (O_PATH), kept for masking */
  const int *idmap_fds; /* per mount: >= 0 when idmapped (rt holds its user namespace) */
  int sync_fd;          /* to ask rt for an idmapped tree when its turn comes */
  bool dev_ro;          /* /dev asked read-only: mounted rw, made ro in rootfs_finish */
};

/* Before pivot_root: make / (rslave or rootfsPropagation), bind the rootfs on
 * itself, mount the config's mounts in order, create /dev's devices and links. */
int rootfs_prepare(struct rootfs_ctx *ctx, rt_error *err);
/* pivot_root (or MS_MOVE + chroot with no_pivot) into the rootfs. */
int rootfs_pivot(struct rootfs_ctx *ctx, rt_error *err);
/* After pivot_root: propagation of /, masked and read-only paths, read-only root. */
int rootfs_finish(struct rootfs_ctx *ctx, rt_error *err);

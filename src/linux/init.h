/* The container's init between clone3 and execve. */
#pragma once
#include <stdbool.h>

#include "libocispec/oci_config.h"
#include "linux/cgroup.h"

struct init_ctx {
  const oci_config *config;
  const char *id;
  const char *bundle; /* absolute */
  char *rootfs;       /* absolute, cleaned */
  int sync_fd;        /* init's end of the sync channel */
  int state_dirfd;    /* the container's state directory (exec.fifo) */
  bool new_userns;    /* a new user namespace: wait for the id maps */
  bool userns;        /* new or joined */
  bool bind_devices;  /* device nodes are bind-mounted from the host (no mknod) */
  bool joined_paths;  /* the namespaces given by path were joined before clone3 */
  bool new_cgroupns;
  bool mountns;       /* new or joined by path: root and mounts are set up in it */
  bool no_pivot;
  bool no_new_keyring;
  int preserve_fds;
  int listen_fds;     /* LISTEN_FDS passed through (counted in preserve_fds) */
  bool new_pidns;
  bool new_netns;     /* made by clone3: its loopback is brought up */
  int devnull_fd;
  const int *idmap_fds; /* per mount, see rootfs_ctx */
  int host_netlink; /* a netlink socket of the runtime's netns, for netDevices; -1 if none */
  struct cgroup_attach *cgroup; /* v1 hierarchies the init enters itself (cgroup.h) */
};

/* Runs in the child; never returns. */
_Noreturn void init_run(struct init_ctx *ctx);

/* Shared by the init and an exec child (exec.c), so that both start the
 * same way. First steps of a process rt cloned: every signal back to its
 * default and none blocked (rt blocks some for forwarding), and not
 * dumpable (nobody in the container may ptrace it or open /proc/PID/exe,
 * rt's binary: CVE-2019-5736) unless `dumpable` (rootless id maps). */
void init_child_reset(bool dumpable);
/* process.terminal: a pty made in the container (as its controlling
 * terminal; new_session: setsid first, the init), its master sent to rt. */
int init_child_pty(int sync_fd, const oci_process *p, bool new_session, rt_error *err);

/* rt: the state of one `rt create` / `rt run` while it makes a container,
 * shared by the files of the creation (container_create.c drives the steps;
 * container_config.c loads and checks the bundle, container_spawn.c clones
 * the init, container_cgroup.c makes, enters and delegates its cgroup). Not
 * part of the library's interface (container.h). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "container.h"
#include "linux/cgroup.h"
#include "state.h"
#include "util/error.h"

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

/* container_config.c: the bundle's config.json, parsed and checked. */
int creation_load_config(struct creation *cr, rt_error *err);

/* container_spawn.c: the init, cloned with its namespaces (through a helper
 * when namespaces must be joined first); cr->pid, pidfd, sync_fd set. */
int creation_spawn_init(struct creation *cr, rt_error *err);
/* The idmapped tree of config mounts[i] (the init's SYNC_SOURCE_REQ); an fd. */
int creation_bind_source(struct creation *cr, size_t i);
/* The source of bind mount i opened by rt in the init's mount namespace
 * (O_PATH), for a user-namespaced init; -1 when it cannot be. */
int creation_idmap_tree(struct creation *cr, size_t i, rt_error *err);

/* container_cgroup.c: the container's cgroup, made before clone3 (cgroupfs
 * driver), entered after it (systemd driver, or when CLONE_INTO_CGROUP
 * failed), delegated to the container's user when the config asks. */
int creation_cgroup_create(struct creation *cr, rt_error *err);
int creation_cgroup_enter(struct creation *cr, rt_error *err);
int creation_cgroup_delegate(struct creation *cr, rt_error *err);
/* What id of pid's user namespace is in rt's (map: "uid_map" or
 * "gid_map"): itself in the same namespace, else through the map. */
int creation_host_id(pid_t pid, const char *map, unsigned id, unsigned *out, rt_error *err);
/* The node of linux.devices[i] made by rt (mknod on a private tmpfs, owned
 * by the host ids of its uid/gid), as a detached tree for a user-namespaced
 * init, which may not mknod; *whole: the fd is the detached tmpfs itself,
 * the node at "node" in it (kernels that cannot clone out of a detached
 * mount). -1 when it cannot be (the init then binds the host's node). */
int creation_device_tree(struct creation *cr, size_t i, bool *whole);

/* container_checkpoint.c: the init restored by CRIU from cr->o->restore's
 * images instead of cloned (rt restore); cr->pid, pidfd set, and master
 * when the terminal stays with rt. */
int creation_restore(struct creation *cr, rt_error *err);

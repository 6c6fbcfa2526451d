/* The channel between rt and the container's init while it is being set up:
 * a SOCK_SEQPACKET socketpair, one message per step, fds passed with SCM_RIGHTS. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

enum sync_type {
  SYNC_USERMAP_DONE = 1, /* rt -> init: uid/gid maps written */
  SYNC_MOUNTS_DONE,      /* init -> rt: mounts done, run prestart/createRuntime hooks */
  SYNC_HOOKS_DONE,       /* rt -> init: payload: "creating" state JSON, NUL, "created" state JSON */
  SYNC_PTY,              /* init -> rt: the pty master, as an fd */
  SYNC_READY,            /* init -> rt: set up, waiting for start */
  SYNC_ERROR,            /* init -> rt: payload: the error message */
  SYNC_GO,               /* rt -> init (rt run): go on to exec at once */
  SYNC_WAIT_FIFO,        /* rt -> init (rt create): state saved, wait for start on exec.fifo */
  SYNC_SOURCE_REQ,       /* init -> rt: payload: a bind mount's index; open its source */
  SYNC_SOURCE_FD,        /* rt -> init: the idmapped tree, or the source (O_PATH), or no fd */
  SYNC_DEVICE_REQ,       /* init -> rt: payload: a linux.devices index; make its node */
  SYNC_DEVICE_FD,        /* rt -> init: the node as a detached tree, or no fd */
};

/* Send a message with an optional payload and an optional fd (-1 for none). */
int sync_send(int sock, enum sync_type type, const void *data, size_t len, int fd, rt_error *err);
/* The child's last word: SYNC_ERROR with msg, by sendmsg, else by write
 * (a seccomp filter may allow only that), else on stderr. No allocation. */
void sync_report_error(int sock, const char *msg);
/* Receive one message. *data is malloc'd (NUL-terminated) or NULL; *fd is -1 when none.
 * Returns the type, or negative on error; 0 means the peer closed the channel. */
int sync_recv(int sock, char **data, size_t *len, int *fd, rt_error *err);
/* The protocol, written down once. Each point where one side waits names
 * the messages it accepts there; sync_wait receives one message and checks
 * it against this table (sync.c), so the order lives here and nowhere else.
 *
 * create / run (rt and the container's init):
 *
 *   rt                                        init
 *   clone3 -----------------------------------> enters its v1 cgroups
 *   writes uid_map/gid_map, enters the cgroup
 *   USERMAP_DONE -----------------------------> SYNC_AT_INIT_USERMAP
 *                                               joins namespaces by path,
 *                                               mounts the rootfs; for each
 *   SYNC_AT_RT_MOUNTS <----------- SOURCE_REQ   a bind mount that is idmapped,
 *   (makes the idmapped tree, or opens the      or any bind in a user namespace
 *   source as host root through the init's      (its index)
 *   /proc/PID/root)
 *   SOURCE_FD (tree, source or none) ---------> SYNC_AT_INIT_SOURCE
 *   SYNC_AT_RT_MOUNTS <----------- DEVICE_REQ   a linux.devices node in a user
 *   (mknod on a private tmpfs, chown to the     namespace (its index)
 *   host ids of its uid/gid)
 *   DEVICE_FD (the node's tree, or none) -----> SYNC_AT_INIT_DEVICE
 *   SYNC_AT_RT_MOUNTS <---------- MOUNTS_DONE
 *   prestart, createRuntime hooks
 *   HOOKS_DONE (two states) ------------------> SYNC_AT_INIT_HOOKS
 *                                               createContainer hooks,
 *                                               pivot_root, sysctl, masks,
 *   SYNC_AT_RT_READY <---------- PTY (master)   process.terminal only
 *   SYNC_AT_RT_READY <---------------- READY
 *   state saved (pid, start time)
 *   WAIT_FIFO (create) or GO (run) -----------> SYNC_AT_INIT_GO
 *                                               startContainer hooks,
 *   SYNC_AT_RT_EXECVE <- end of channel (execve closes it)
 *
 * The helper that joins namespaces before clone3 (container_spawn.c):
 *   SYNC_AT_RT_HELPER <- READY ("0"/"1": CLONE_INTO_CGROUP failed; the init's pidfd)
 *
 * exec (rt and the exec child):
 *   clone3 (in the cgroup) -------------------> setns into the init's namespaces
 *   SYNC_AT_RT_JOINED <---------------- READY
 *   GO ---------------------------------------> SYNC_AT_EXEC_GO
 *   (into a frozen cgroup, --ignore-paused: GO first, then READY once thawed)
 *   SYNC_AT_RT_EXEC <----------- PTY (master)   process.terminal only
 *   SYNC_AT_RT_EXEC <- end of channel (execve closes it)
 *
 * At every point an ERROR from the peer ends the wait with its message; the
 * end of the channel where it is not the expected end is "PEER exited
 * during set-up"; any other message is a protocol error naming both. */
enum sync_at {
  SYNC_AT_INIT_USERMAP,
  SYNC_AT_RT_MOUNTS,
  SYNC_AT_INIT_SOURCE,
  SYNC_AT_INIT_DEVICE,
  SYNC_AT_INIT_HOOKS,
  SYNC_AT_RT_READY,
  SYNC_AT_INIT_GO,
  SYNC_AT_RT_EXECVE,
  SYNC_AT_RT_HELPER,
  SYNC_AT_RT_JOINED,
  SYNC_AT_EXEC_GO,
  SYNC_AT_RT_EXEC,
};

/* Receive the next message at point `at`: its type (> 0), or 0 when the
 * peer closed the channel where that is the expected end; negative with
 * err filled otherwise (the peer's ERROR, its unexpected exit, a message
 * the table does not allow there). *data (NUL-terminated, malloc'd) and
 * *fd (-1 when none) are optional. */
int sync_wait(int sock, enum sync_at at, char **data, int *fd, rt_error *err);
/* Whether err came from the peer closing the channel (for the init: rt is
 * gone, the create was abandoned). */
bool sync_peer_gone(const rt_error *err);
/* The name of a message type, for errors and logs ("MOUNTS_DONE"). */
const char *sync_type_name(int type);

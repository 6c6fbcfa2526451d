/* The channel between rt and the container's init while it is being set up:
 * a SOCK_SEQPACKET socketpair, one message per step, fds passed with SCM_RIGHTS. */
#pragma once
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
  SYNC_IDMAP_REQ,        /* init -> rt: payload: a mount's index; make its idmapped tree */
  SYNC_IDMAP_FD,         /* rt -> init: that tree, as an fd */
};

/* Send a message with an optional payload and an optional fd (-1 for none). */
int sync_send(int sock, enum sync_type type, const void *data, size_t len, int fd, rt_error *err);
/* The child's last word: SYNC_ERROR with msg, by sendmsg, else by write
 * (a seccomp filter may allow only that), else on stderr. No allocation. */
void sync_report_error(int sock, const char *msg);
/* Receive one message. *data is malloc'd (NUL-terminated) or NULL; *fd is -1 when none.
 * Returns the type, or negative on error; 0 means the peer closed the channel. */
int sync_recv(int sock, char **data, size_t *len, int *fd, rt_error *err);
/* Receive and require a type. */
int sync_expect(int sock, enum sync_type type, char **data, size_t *len, rt_error *err);

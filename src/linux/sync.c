#include "config.h"
#include "linux/sync.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "util/log.h"

/* A message is one header and its payload, sent in fragments of at most
 * SYNC_FRAGMENT bytes (a SOCK_SEQPACKET datagram must fit the socket's send
 * buffer: states with large annotations do not). Every fragment carries
 * the header; `len` is the whole payload's, `off` where this fragment's part
 * goes; an fd travels with the first fragment. The receiver allocates the
 * payload once, from the header, and checks that the fragments add up. */
#define SYNC_FRAGMENT (32 << 10)
#define SYNC_MAX_PAYLOAD (64u << 20)

struct sync_hdr {
  uint32_t type;
  uint32_t len; /* the whole payload */
  uint32_t off; /* of this fragment's part */
  uint32_t pad;
};

static int send_fragment(int sock, const struct sync_hdr *hdr, const void *data, size_t n, int fd,
                         rt_error *err) {
  struct iovec iov[2] = {{(void *)hdr, sizeof *hdr}, {(void *)data, n}};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } u;
  struct msghdr msg = {.msg_iov = iov, .msg_iovlen = n ? 2 : 1};
  if (fd >= 0) {
    memset(&u, 0, sizeof u);
    msg.msg_control = u.buf;
    msg.msg_controllen = sizeof u.buf;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
  }
  ssize_t w;
  do
    w = sendmsg(sock, &msg, MSG_NOSIGNAL);
  while (w < 0 && errno == EINTR);
  if (w < 0)
    return rt_error_set(err, errno, "sync: send");
  if ((size_t)w != sizeof *hdr + n)
    return rt_error_set(err, EMSGSIZE, "sync: send: %zd of %zu bytes", w, sizeof *hdr + n);
  return 0;
}

int sync_send(int sock, enum sync_type type, const void *data, size_t len, int fd, rt_error *err) {
  if (len > SYNC_MAX_PAYLOAD)
    return rt_error_set(err, EMSGSIZE, "sync: a message of %zu bytes (at most %u)", len,
                        SYNC_MAX_PAYLOAD);
  size_t off = 0;
  do {
    size_t n = len - off > SYNC_FRAGMENT ? SYNC_FRAGMENT : len - off;
    struct sync_hdr hdr = {.type = type, .len = (uint32_t)len, .off = (uint32_t)off};
    if (send_fragment(sock, &hdr, (const char *)data + off, n, off == 0 ? fd : -1, err) < 0)
      return -1;
    off += n;
  } while (off < len);
  return 0;
}

void sync_report_error(int sock, const char *msg) {
  size_t len = strlen(msg);
  if (len > 4000)
    len = 4000;
  rt_error tmp;
  if (sync_send(sock, SYNC_ERROR, msg, len, -1, &tmp) == 0)
    return;
  /* A seccomp filter that refuses sendmsg may allow write, which sends one
   * message on a SOCK_SEQPACKET socket too. */
  char buf[sizeof(struct sync_hdr) + 4000];
  struct sync_hdr hdr = {.type = SYNC_ERROR, .len = (uint32_t)len};
  memcpy(buf, &hdr, sizeof hdr);
  memcpy(buf + sizeof hdr, msg, len);
  if (write(sock, buf, sizeof hdr + len) == (ssize_t)(sizeof hdr + len))
    return;
  static const char pre[] = "rt: ";
  if (write(STDERR_FILENO, pre, sizeof pre - 1) > 0 && write(STDERR_FILENO, msg, len) > 0)
    (void)!write(STDERR_FILENO, "\n", 1);
}

/* One fragment into hdr and, at its offset, into *payload (allocated on the
 * first fragment). 1 on a fragment, 0 on EOF, -1 on error. */
static int recv_fragment(int sock, struct sync_hdr *hdr, char **payload, size_t *have, int *got_fd,
                         bool first, rt_error *err) {
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } u;
  char frag[SYNC_FRAGMENT];
  struct iovec iov[2] = {{hdr, sizeof *hdr}, {frag, sizeof frag}};
  struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2, .msg_control = u.buf,
                       .msg_controllen = sizeof u.buf};
  ssize_t n;
  do
    n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return rt_error_set(err, errno, "sync: receive");
  if (n == 0)
    return 0;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int))) {
      int fd;
      memcpy(&fd, CMSG_DATA(c), sizeof fd);
      if (*got_fd >= 0)
        close(*got_fd);
      *got_fd = fd;
    }
  if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
    return rt_error_set(err, EPROTO, "sync: a truncated message");
  if ((size_t)n < sizeof *hdr)
    return rt_error_set(err, EPROTO, "sync: short message");
  size_t part = (size_t)n - sizeof *hdr;
  if (hdr->len > SYNC_MAX_PAYLOAD || hdr->off != *have || (size_t)hdr->off + part > hdr->len ||
      (!first && part == 0))
    return rt_error_set(err, EPROTO, "sync: a malformed message (%u bytes at %u of %u)",
                        (unsigned)part, hdr->off, hdr->len);
  if (first) {
    *payload = malloc((size_t)hdr->len + 1);
    if (!*payload)
      return rt_error_set(err, ENOMEM, "sync: receive %u bytes", hdr->len);
  }
  memcpy(*payload + hdr->off, frag, part);
  *have += part;
  return 1;
}

int sync_recv(int sock, char **data, size_t *len, int *fd, rt_error *err) {
  if (data)
    *data = NULL;
  if (len)
    *len = 0;
  if (fd)
    *fd = -1;
  struct sync_hdr hdr = {0}, first = {0};
  char *payload = NULL;
  size_t have = 0;
  int got_fd = -1;
  int r = recv_fragment(sock, &first, &payload, &have, &got_fd, true, err);
  while (r > 0 && have < first.len) {
    r = recv_fragment(sock, &hdr, &payload, &have, &got_fd, false, err);
    if (r > 0 && (hdr.type != first.type || hdr.len != first.len))
      r = rt_error_set(err, EPROTO, "sync: fragments of different messages");
    if (r == 0)
      r = rt_error_set(err, EPROTO, "sync: the peer closed the channel in the middle of a message");
  }
  if (r <= 0) {
    free(payload);
    if (got_fd >= 0)
      close(got_fd);
    return r;
  }
  payload[first.len] = '\0';
  if (data)
    *data = payload;
  else
    free(payload);
  if (len)
    *len = first.len;
  if (fd)
    *fd = got_fd;
  else if (got_fd >= 0)
    close(got_fd);
  return (int)first.type;
}

#define M(t) (1u << (t))
#define M_EOF 1u /* bit 0: the end of the channel */

static const struct {
  const char *peer; /* who sends at this point */
  unsigned allowed;
} sync_table[] = {
    [SYNC_AT_INIT_USERMAP] = {"rt", M(SYNC_USERMAP_DONE)},
    [SYNC_AT_RT_MOUNTS] = {"the container's init",
                           M(SYNC_SOURCE_REQ) | M(SYNC_DEVICE_REQ) | M(SYNC_MOUNTS_DONE)},
    [SYNC_AT_INIT_SOURCE] = {"rt", M(SYNC_SOURCE_FD)},
    [SYNC_AT_INIT_DEVICE] = {"rt", M(SYNC_DEVICE_FD)},
    [SYNC_AT_INIT_HOOKS] = {"rt", M(SYNC_HOOKS_DONE)},
    [SYNC_AT_RT_READY] = {"the container's init", M(SYNC_PTY) | M(SYNC_READY)},
    [SYNC_AT_INIT_GO] = {"rt", M(SYNC_WAIT_FIFO) | M(SYNC_GO)},
    [SYNC_AT_RT_EXECVE] = {"the container's init", M_EOF},
    [SYNC_AT_RT_HELPER] = {"the helper that joins the namespaces", M(SYNC_READY)},
    [SYNC_AT_RT_JOINED] = {"the exec process", M(SYNC_READY)},
    [SYNC_AT_EXEC_GO] = {"rt", M(SYNC_GO)},
    [SYNC_AT_RT_EXEC] = {"the exec process", M(SYNC_PTY) | M_EOF},
};

const char *sync_type_name(int type) {
  static const char *const names[] = {
      [SYNC_USERMAP_DONE] = "USERMAP_DONE", [SYNC_MOUNTS_DONE] = "MOUNTS_DONE",
      [SYNC_HOOKS_DONE] = "HOOKS_DONE",     [SYNC_PTY] = "PTY",
      [SYNC_READY] = "READY",               [SYNC_ERROR] = "ERROR",
      [SYNC_GO] = "GO",                     [SYNC_WAIT_FIFO] = "WAIT_FIFO",
      [SYNC_SOURCE_REQ] = "SOURCE_REQ",       [SYNC_SOURCE_FD] = "SOURCE_FD",
      [SYNC_DEVICE_REQ] = "DEVICE_REQ",       [SYNC_DEVICE_FD] = "DEVICE_FD",
  };
  if (type > 0 && (size_t)type < sizeof names / sizeof names[0] && names[type])
    return names[type];
  return "an unknown message";
}

/* The message of a peer that went away, recognised by sync_peer_gone. */
#define PEER_GONE " exited during set-up"

int sync_wait(int sock, enum sync_at at, char **data, int *fd, rt_error *err) {
  char *payload = NULL;
  int got_fd = -1;
  if (data)
    *data = NULL;
  if (fd)
    *fd = -1;
  int t = sync_recv(sock, &payload, NULL, &got_fd, err);
  if (t < 0)
    return t;
  unsigned allowed = sync_table[at].allowed;
  const char *peer = sync_table[at].peer;
  /* --debug: the steps as rt sees them (never from the container's side,
   * whose stderr is the container's). */
  if (strcmp(peer, "rt") != 0)
    log_debug("sync: %s from %s", t ? sync_type_name(t) : "end of channel (execve)", peer);
  int r = t;
  if (t == 0 && !(allowed & M_EOF))
    r = rt_error_set(err, 0, "%s" PEER_GONE, peer);
  else if (t == SYNC_ERROR)
    r = rt_error_set(err, 0, "%s", payload && *payload ? payload : "the container's set-up failed");
  else if (t > 0 && ((unsigned)t >= 32 || !(allowed & M(t))))
    r = rt_error_set(err, EPROTO, "sync: unexpected message %s (%d) from %s", sync_type_name(t),
                     t, peer);
  if (r <= 0 || !data)
    free(payload);
  else
    *data = payload;
  if (r > 0 && fd)
    *fd = got_fd;
  else if (got_fd >= 0)
    close(got_fd);
  return r;
}

bool sync_peer_gone(const rt_error *err) {
  size_t n = strlen(err->msg), k = strlen(PEER_GONE);
  return n >= k && strcmp(err->msg + n - k, PEER_GONE) == 0;
}

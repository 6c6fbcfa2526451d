#include "config.h"
#include "linux/sync.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define SYNC_MAX_PAYLOAD (1 << 20)

struct sync_hdr {
  uint32_t type;
  uint32_t len;
};

int sync_send(int sock, enum sync_type type, const void *data, size_t len, int fd, rt_error *err) {
  struct sync_hdr hdr = {.type = type, .len = (uint32_t)len};
  struct iovec iov[2] = {{&hdr, sizeof hdr}, {(void *)data, len}};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } u;
  struct msghdr msg = {.msg_iov = iov, .msg_iovlen = len ? 2 : 1};
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
  ssize_t n;
  do
    n = sendmsg(sock, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return rt_error_set(err, errno, "sync: send");
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

int sync_recv(int sock, char **data, size_t *len, int *fd, rt_error *err) {
  if (data)
    *data = NULL;
  if (len)
    *len = 0;
  if (fd)
    *fd = -1;
  size_t cap = sizeof(struct sync_hdr) + SYNC_MAX_PAYLOAD;
  char *buf = malloc(cap + 1);
  if (!buf)
    return rt_error_set(err, ENOMEM, "sync: receive");
  struct iovec iov = {buf, cap};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } u;
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
                       .msg_controllen = sizeof u.buf};
  ssize_t n;
  do
    n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  if (n < 0) {
    int e = errno;
    free(buf);
    return rt_error_set(err, e, "sync: receive");
  }
  if (n == 0) {
    free(buf);
    return 0;
  }
  int got_fd = -1;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
      memcpy(&got_fd, CMSG_DATA(c), sizeof got_fd);
  struct sync_hdr hdr;
  if ((size_t)n < sizeof hdr) {
    free(buf);
    if (got_fd >= 0)
      close(got_fd);
    return rt_error_set(err, EPROTO, "sync: short message");
  }
  memcpy(&hdr, buf, sizeof hdr);
  size_t plen = (size_t)n - sizeof hdr;
  if (data) {
    char *payload = malloc(plen + 1);
    if (!payload) {
      free(buf);
      return rt_error_set(err, ENOMEM, "sync: receive");
    }
    memcpy(payload, buf + sizeof hdr, plen);
    payload[plen] = '\0';
    *data = payload;
  }
  if (len)
    *len = plen;
  free(buf);
  if (fd)
    *fd = got_fd;
  else if (got_fd >= 0)
    close(got_fd);
  return (int)hdr.type;
}

int sync_expect(int sock, enum sync_type type, char **data, size_t *len, rt_error *err) {
  char *payload = NULL;
  int t = sync_recv(sock, &payload, len, NULL, err);
  if (t < 0)
    return t;
  if (t == 0) {
    free(payload);
    return rt_error_set(err, 0, "the container's init exited during set-up");
  }
  if (t == SYNC_ERROR) {
    rt_error_set(err, 0, "%s", payload ? payload : "container init failed");
    free(payload);
    return -1;
  }
  if (t != (int)type) {
    free(payload);
    return rt_error_set(err, EPROTO, "sync: expected message %d, got %d", type, t);
  }
  if (data)
    *data = payload;
  else
    free(payload);
  return t;
}

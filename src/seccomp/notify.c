/* SCMP_ACT_NOTIFY: hand the seccomp listener fd to the agent at
 * linux.seccomp.listenerPath with "the container process state"
 * (config-linux.md): one connection, one message, closed after. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "seccomp/seccomp.h"
#include "util/cleanup.h"
#include "util/json.h"

int rt_seccomp_listener_connect(const oci_seccomp *s, rt_error *err) {
  const char *path = s ? s->listener_path : NULL;
  if (!path || !*path)
    return rt_error_set(err, 0, "config.json: .linux.seccomp.listenerPath: missing");
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof sa.sun_path)
    return rt_error_set(err, ENAMETOOLONG, "config.json: .linux.seccomp.listenerPath: %s", path);
  strcpy(sa.sun_path, path);
  _cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return rt_error_set(err, errno, "seccomp listener: socket");
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0)
    return rt_error_set(err, errno, "config.json: .linux.seccomp.listenerPath: connect to %s",
                        path);
  return TAKE_FD(fd);
}

char *rt_seccomp_process_state(const char *oci_version, pid_t pid, const char *metadata,
                               const char *state_json) {
  _cleanup_free_ char *ver = rt_json_escape(oci_version ? oci_version : "1.3.0");
  _cleanup_free_ char *meta = metadata ? rt_json_escape(metadata) : NULL;
  if (!ver || (metadata && !meta))
    return NULL;
  const char *state = state_json && *state_json ? state_json : "{}";
  char *out = NULL;
  int r;
  if (meta)
    r = asprintf(&out,
                 "{\"ociVersion\":\"%s\",\"fds\":[\"seccompFd\"],\"pid\":%d,\"metadata\":\"%s\","
                 "\"state\":%s}",
                 ver, (int)pid, meta, state);
  else
    r = asprintf(&out, "{\"ociVersion\":\"%s\",\"fds\":[\"seccompFd\"],\"pid\":%d,\"state\":%s}",
                 ver, (int)pid, state);
  return r < 0 ? NULL : out;
}

/* The first sendmsg carries the fd (and as much of the text as fits); the
 * rest follows with plain sends, as the spec allows. */
int rt_seccomp_send_listener(int sock, int notify_fd, const char *msg, rt_error *err) {
  size_t len = strlen(msg);
  struct iovec iov = {.iov_base = (void *)msg, .iov_len = len};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } u;
  memset(&u, 0, sizeof u);
  struct msghdr mh = {
      .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf};
  struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
  cm->cmsg_level = SOL_SOCKET;
  cm->cmsg_type = SCM_RIGHTS;
  cm->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(cm), &notify_fd, sizeof(int));
  ssize_t n;
  do
    n = sendmsg(sock, &mh, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n < 0)
    return rt_error_set(err, errno, "seccomp listener: send the seccomp fd");
  size_t off = (size_t)n;
  while (off < len) {
    n = send(sock, msg + off, len - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return rt_error_set(err, n < 0 ? errno : EPIPE, "seccomp listener: send the state");
    off += (size_t)n;
  }
  return 0;
}

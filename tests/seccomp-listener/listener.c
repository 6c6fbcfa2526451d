/* A seccomp notify agent for tests: listens on a unix socket for the
 * container process state of config-linux.md ("The Container Process
 * State"), checks it, and answers the notifications of the seccomp fd that
 * comes with it:
 *   mkdir, mkdirat   success without doing anything (val 0, error 0)
 *   everything else  SECCOMP_USER_NOTIF_FLAG_CONTINUE (the kernel runs it)
 *
 * usage: rt-seccomp-listener SOCKET LOGFILE
 * LOGFILE gets one line per event:
 *   connection from pid <the connecting process, SO_PEERCRED>
 *   state <the JSON as received>
 *   invalid <why>
 *   notify <syscall name>
 * Runs until killed. Built with libseccomp and yajl. */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#define MAX_FDS 64

static FILE *logf;

static void logline(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfprintf(logf, fmt, ap);
  va_end(ap);
  fputc('\n', logf);
  fflush(logf);
}

static int listen_on(const char *path) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof sa.sun_path)
    return -1;
  strcpy(sa.sun_path, path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  unlink(path);
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 16) < 0) {
    close(fd);
    return -1;
  }
  return fd;
}

/* Read the whole message (the runtime closes after it); the fd comes with
 * the first part. */
static char *receive(int conn, int *fd_out) {
  size_t cap = 65536, len = 0;
  char *buf = malloc(cap + 1);
  if (!buf)
    return NULL;
  union {
    char b[CMSG_SPACE(sizeof(int) * 4)];
    struct cmsghdr align;
  } u;
  struct iovec iov = {.iov_base = buf, .iov_len = cap};
  struct msghdr mh = {
      .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof u.b};
  ssize_t n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
  *fd_out = -1;
  if (n < 0) {
    free(buf);
    return NULL;
  }
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
      memcpy(fd_out, CMSG_DATA(c), sizeof(int));
  len = (size_t)n;
  while (n > 0 && len < cap) {
    n = read(conn, buf + len, cap - len);
    if (n > 0)
      len += (size_t)n;
  }
  buf[len] = '\0';
  return buf;
}

/* The checks of the spec: ociVersion, fds naming seccompFd at index 0,
 * pid, state with the state's own required fields. */
static const char *check_state(yajl_val v) {
  if (!YAJL_IS_OBJECT(v))
    return "not a JSON object";
  const char *ver[] = {"ociVersion", NULL}, *fds[] = {"fds", NULL}, *pid[] = {"pid", NULL};
  const char *meta[] = {"metadata", NULL}, *state[] = {"state", NULL};
  const char *sid[] = {"state", "id", NULL}, *sst[] = {"state", "status", NULL};
  const char *sver[] = {"state", "ociVersion", NULL}, *sb[] = {"state", "bundle", NULL};
  if (!yajl_tree_get(v, ver, yajl_t_string))
    return "ociVersion missing";
  yajl_val f = yajl_tree_get(v, fds, yajl_t_array);
  const char *f0 = f && f->u.array.len == 1 ? YAJL_GET_STRING(f->u.array.values[0]) : NULL;
  if (!f0 || strcmp(f0, "seccompFd") != 0)
    return "fds is not [\"seccompFd\"]";
  yajl_val p = yajl_tree_get(v, pid, yajl_t_number);
  if (!p || !YAJL_IS_INTEGER(p) || YAJL_GET_INTEGER(p) <= 0)
    return "pid missing or not positive";
  yajl_val m = yajl_tree_get(v, meta, yajl_t_any);
  if (m && !YAJL_IS_STRING(m))
    return "metadata is not a string";
  if (!yajl_tree_get(v, state, yajl_t_object))
    return "state missing";
  if (!yajl_tree_get(v, sid, yajl_t_string) || !yajl_tree_get(v, sst, yajl_t_string) ||
      !yajl_tree_get(v, sver, yajl_t_string) || !yajl_tree_get(v, sb, yajl_t_string))
    return "state lacks ociVersion, id, status or bundle";
  return NULL;
}

static int accept_one(int lfd) {
  int conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
  if (conn < 0)
    return -1;
  struct ucred cred = {0};
  socklen_t cl = sizeof cred;
  getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &cred, &cl);
  logline("connection from pid %d", (int)cred.pid);
  int fd;
  char *msg = receive(conn, &fd);
  close(conn);
  if (!msg) {
    logline("invalid cannot read the message: %s", strerror(errno));
    return -1;
  }
  char ebuf[256];
  yajl_val v = yajl_tree_parse(msg, ebuf, sizeof ebuf);
  const char *why = v ? check_state(v) : "not JSON";
  if (fd < 0)
    why = "no file descriptor in SCM_RIGHTS";
  if (why) {
    logline("invalid %s: %s", why, msg);
  } else {
    for (char *c = msg; *c; c++)
      if (*c == '\n')
        *c = ' ';
    logline("state %s", msg);
  }
  if (v)
    yajl_tree_free(v);
  free(msg);
  if (why && fd >= 0) {
    close(fd);
    return -1;
  }
  return fd;
}

static void answer(int fd) {
  struct seccomp_notif *req;
  struct seccomp_notif_resp *resp;
  if (seccomp_notify_alloc(&req, &resp) < 0)
    return;
  if (seccomp_notify_receive(fd, req) == 0) {
    char *name = seccomp_syscall_resolve_num_arch(req->data.arch, req->data.nr);
    logline("notify %s", name ? name : "?");
    resp->id = req->id;
    resp->val = 0;
    resp->error = 0;
    resp->flags = 0;
    if (!name || (strcmp(name, "mkdir") != 0 && strcmp(name, "mkdirat") != 0))
      resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
    free(name);
    /* ENOENT: the process died meanwhile. */
    seccomp_notify_respond(fd, resp);
  }
  seccomp_notify_free(req, resp);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s SOCKET LOGFILE\n", argv[0]);
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  logf = fopen(argv[2], "ae");
  if (!logf) {
    perror(argv[2]);
    return 1;
  }
  struct pollfd pfd[MAX_FDS + 1];
  int n = 0;
  pfd[n++] = (struct pollfd){.fd = listen_on(argv[1]), .events = POLLIN};
  if (pfd[0].fd < 0) {
    perror(argv[1]);
    return 1;
  }
  logline("listening %s", argv[1]);
  for (;;) {
    if (poll(pfd, (nfds_t)n, -1) < 0) {
      if (errno == EINTR)
        continue;
      return 1;
    }
    for (int i = n - 1; i >= 1; i--) {
      if (pfd[i].revents & POLLIN) {
        answer(pfd[i].fd);
      } else if (pfd[i].revents & (POLLHUP | POLLERR | POLLNVAL)) {
        /* Every process of that filter has exited. */
        close(pfd[i].fd);
        pfd[i] = pfd[--n];
      }
    }
    if (pfd[0].revents & POLLIN) {
      int fd = accept_one(pfd[0].fd);
      if (fd >= 0 && n <= MAX_FDS)
        pfd[n++] = (struct pollfd){.fd = fd, .events = POLLIN};
      else if (fd >= 0)
        close(fd);
    }
  }
}

#include "config.h"
#include "notify.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/cleanup.h"

const char *notify_host_socket(void) {
  const char *s = getenv("NOTIFY_SOCKET");
  return s && *s ? s : NULL;
}

static char *xstrdup(const char *s, bool *oom) {
  char *d = strdup(s);
  if (!d)
    *oom = true;
  return d;
}

int notify_setup_config(oci_config *c, int dirfd, const char *state_dir, rt_error *err) {
  if (mkdirat(dirfd, "notify", 0755) < 0 && errno != EEXIST)
    return rt_error_set(err, errno, "NOTIFY_SOCKET: mkdir notify in the state directory");
  if (fchmodat(dirfd, "notify", 0755, 0) < 0)
    return rt_error_set(err, errno, "NOTIFY_SOCKET: chmod the notify directory");
  bool oom = false;
  /* The mount: <state dir>/notify at /run/notify, read-only (sending to a
   * socket needs no write access to its filesystem). */
  oci_mount *m = realloc(c->mounts, (c->n_mounts + 1) * sizeof *m);
  if (!m)
    return rt_error_set(err, ENOMEM, "NOTIFY_SOCKET");
  c->mounts = m;
  m = &c->mounts[c->n_mounts];
  memset(m, 0, sizeof *m);
  c->n_mounts++;
  _cleanup_free_ char *src = NULL;
  if (asprintf(&src, "%s/notify", state_dir) < 0)
    return rt_error_set(err, ENOMEM, "NOTIFY_SOCKET");
  m->destination = xstrdup(RT_NOTIFY_DIR_IN_CONTAINER, &oom);
  m->source = xstrdup(src, &oom);
  m->type = xstrdup("bind", &oom);
  static const char *const opts[] = {"bind", "nosuid", "noexec", "nodev", "ro"};
  m->options = calloc(5, sizeof *m->options);
  if (m->options) {
    for (size_t i = 0; i < 5; i++)
      m->options[i] = xstrdup(opts[i], &oom);
    m->n_options = 5;
  } else {
    oom = true;
  }
  /* The environment: NOTIFY_SOCKET replaced or added. */
  oci_process *p = c->process;
  _cleanup_free_ char *var = xstrdup("NOTIFY_SOCKET=" RT_NOTIFY_SOCKET_IN_CONTAINER, &oom);
  if (oom || !var)
    return rt_error_set(err, ENOMEM, "NOTIFY_SOCKET");
  for (size_t i = 0; i < p->n_env; i++)
    if (strncmp(p->env[i], "NOTIFY_SOCKET=", 14) == 0) {
      free(p->env[i]);
      p->env[i] = TAKE_PTR(var);
      return 0;
    }
  char **env = realloc(p->env, (p->n_env + 2) * sizeof *env);
  if (!env)
    return rt_error_set(err, ENOMEM, "NOTIFY_SOCKET");
  p->env = env;
  p->env[p->n_env++] = TAKE_PTR(var);
  p->env[p->n_env] = NULL;
  return 0;
}

static int fill_addr(struct sockaddr_un *a, socklen_t *len, const char *path) {
  memset(a, 0, sizeof *a);
  a->sun_family = AF_UNIX;
  size_t n = strlen(path);
  if (n >= sizeof a->sun_path)
    return -1;
  memcpy(a->sun_path, path, n);
  if (path[0] == '@') /* abstract namespace */
    a->sun_path[0] = '\0';
  *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (path[0] == '@' ? 0 : 1));
  return 0;
}

int notify_bind(const char *state_dir, rt_error *err) {
  _cleanup_free_ char *path = NULL;
  if (asprintf(&path, "%s/notify/notify.sock", state_dir) < 0)
    return rt_error_set(err, ENOMEM, "NOTIFY_SOCKET");
  struct sockaddr_un a;
  socklen_t len;
  if (fill_addr(&a, &len, path) < 0)
    return rt_error_set(err, ENAMETOOLONG, "NOTIFY_SOCKET: %s", path);
  _cleanup_close_ int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return rt_error_set(err, errno, "NOTIFY_SOCKET: socket");
  unlink(path); /* one a previous start left */
  if (bind(fd, (struct sockaddr *)&a, len) < 0 || chmod(path, 0777) < 0)
    return rt_error_set(err, errno, "NOTIFY_SOCKET: bind %s", path);
  return TAKE_FD(fd);
}

int notify_relay_one(int fd, const char *host, pid_t mainpid, rt_error *err) {
  char buf[4096 + 64];
  ssize_t n = recv(fd, buf, 4096, MSG_DONTWAIT);
  if (n < 0)
    return errno == EAGAIN || errno == EINTR ? 0 : rt_error_set(err, errno, "NOTIFY_SOCKET: recv");
  buf[n] = '\0';
  bool ready = false;
  for (char *line = buf; line && *line;) {
    char *nl = strchr(line, '\n');
    if ((nl ? (size_t)(nl - line) : strlen(line)) == 7 && strncmp(line, "READY=1", 7) == 0)
      ready = true;
    line = nl ? nl + 1 : NULL;
  }
  if (ready && mainpid > 0)
    n += snprintf(buf + n, sizeof buf - (size_t)n, "%sMAINPID=%d",
                  n > 0 && buf[n - 1] != '\n' ? "\n" : "", (int)mainpid);
  struct sockaddr_un a;
  socklen_t len;
  if (fill_addr(&a, &len, host) < 0)
    return rt_error_set(err, ENAMETOOLONG, "NOTIFY_SOCKET %s", host);
  _cleanup_close_ int out = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (out < 0 || sendto(out, buf, (size_t)n, 0, (struct sockaddr *)&a, len) < 0)
    return rt_error_set(err, errno, "NOTIFY_SOCKET: send to %s", host);
  return ready ? 1 : 0;
}

int notify_wait_ready(int fd, const char *host, int pidfd, pid_t mainpid, rt_error *err) {
  for (;;) {
    struct pollfd p[2] = {{.fd = fd, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};
    if (poll(p, pidfd >= 0 ? 2 : 1, -1) < 0) {
      if (errno == EINTR)
        continue;
      return rt_error_set(err, errno, "NOTIFY_SOCKET: poll");
    }
    if (p[0].revents & POLLIN) {
      int r = notify_relay_one(fd, host, mainpid, err);
      if (r != 0)
        return r < 0 ? r : 0;
    }
    if (pidfd >= 0 && (p[1].revents & POLLIN)) /* the init exited: nothing will come */
      return 0;
  }
}

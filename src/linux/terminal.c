#include "config.h"
#include "linux/terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "util/cleanup.h"

/* /dev/console becomes the pty slave (the spec's default device for a
 * terminal): a bind of the slave, through fds, onto a mount point that rt
 * makes itself in the container's /dev. /dev is opened without following a
 * symlink, and a symlink planted at /dev/console is removed, never followed:
 * one pointing at a procfs file would get the pty mounted over that file
 * (CVE-2025-52565). No device node is ever opened. */
static int console_bind(int slave, rt_error *err) {
  _cleanup_close_ int dev = open("/dev", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dev < 0)
    return rt_error_set(err, errno, "process.terminal: open /dev in the container");
  struct stat st;
  if (fstatat(dev, "console", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode) &&
      unlinkat(dev, "console", 0) < 0)
    return rt_error_set(err, errno, "process.terminal: remove the symlink /dev/console");
  if (mknodat(dev, "console", S_IFREG | 0600, 0) < 0 && errno != EEXIST)
    return rt_error_set(err, errno, "process.terminal: create /dev/console");
  _cleanup_close_ int target = openat(dev, "console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (target < 0 || fstat(target, &st) < 0)
    return rt_error_set(err, errno, "process.terminal: open /dev/console");
  if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
    return rt_error_set(err, EINVAL, "process.terminal: /dev/console is neither a file nor a device");
  _cleanup_close_ int tree = open_tree(slave, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
  if (tree < 0)
    return rt_error_set(err, errno, "process.terminal: open_tree of the pty");
  if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return rt_error_set(err, errno, "process.terminal: bind the pty on /dev/console");
  return 0;
}

int term_setup_in_container(bool has_size, uint64_t height, uint64_t width, bool bind_console,
                            rt_error *err) {
  int master = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0)
    master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0)
    return rt_error_set(err, errno, "process.terminal: open /dev/pts/ptmx in the container");
  if (unlockpt(master) < 0) {
    int e = errno;
    close(master);
    return rt_error_set(err, e, "process.terminal: unlockpt");
  }
  /* TIOCGPTPEER opens the slave through the master: no path lookup to race. */
  _cleanup_close_ int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0) {
    int e = errno;
    close(master);
    return rt_error_set(err, e, "process.terminal: open the pty slave");
  }
  if (has_size) {
    struct winsize ws = {.ws_row = (unsigned short)height, .ws_col = (unsigned short)width};
    if (ioctl(slave, TIOCSWINSZ, &ws) < 0) {
      int e = errno;
      close(master);
      return rt_error_set(err, e, "process.consoleSize: TIOCSWINSZ");
    }
  }
  if (bind_console && console_bind(slave, err) < 0) {
    close(master);
    return -1;
  }
  if (setsid() < 0 && errno != EPERM) {
    int e = errno;
    close(master);
    return rt_error_set(err, e, "setsid");
  }
  if (ioctl(slave, TIOCSCTTY, 0) < 0) {
    int e = errno;
    close(master);
    return rt_error_set(err, e, "process.terminal: TIOCSCTTY");
  }
  for (int fd = 0; fd < 3; fd++)
    if (dup2(slave, fd) < 0) {
      int e = errno;
      close(master);
      return rt_error_set(err, e, "process.terminal: dup2");
    }
  return master;
}

int term_send_to_socket(const char *path, int master, rt_error *err) {
  _cleanup_close_ int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0)
    return rt_error_set(err, errno, "--console-socket: socket");
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof addr.sun_path)
    return rt_error_set(err, ENAMETOOLONG, "--console-socket %s", path);
  strcpy(addr.sun_path, path);
  if (connect(s, (struct sockaddr *)&addr, sizeof addr) < 0)
    return rt_error_set(err, errno, "--console-socket: connect %s", path);
  const char name[] = "/dev/ptmx";
  struct iovec iov = {(void *)name, sizeof name - 1};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } u;
  memset(&u, 0, sizeof u);
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
                       .msg_controllen = sizeof u.buf};
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &master, sizeof master);
  if (sendmsg(s, &msg, MSG_NOSIGNAL) < 0)
    return rt_error_set(err, errno, "--console-socket: send the pty master to %s", path);
  return 0;
}

struct term_proxy {
  int master;
  bool raw;
  bool stdin_open;
  struct termios saved;
};

struct term_proxy *term_proxy_new(int master) {
  struct term_proxy *t = calloc(1, sizeof *t);
  if (!t)
    return NULL;
  t->master = master;
  t->stdin_open = true;
  if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &t->saved) == 0) {
    struct termios raw = t->saved;
    cfmakeraw(&raw);
    if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0)
      t->raw = true;
  }
  term_proxy_resize(t);
  return t;
}

void term_proxy_resize(struct term_proxy *t) {
  struct winsize ws;
  if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
    ioctl(t->master, TIOCSWINSZ, &ws);
}

int term_proxy_fill_pollfds(struct term_proxy *t, struct pollfd *pfd, int max) {
  int n = 0;
  if (n < max)
    pfd[n++] = (struct pollfd){.fd = t->master, .events = POLLIN};
  if (t->stdin_open && n < max)
    pfd[n++] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
  return n;
}

static int copy_once(int from, int to) {
  char buf[8192];
  ssize_t r = read(from, buf, sizeof buf);
  if (r <= 0)
    return -1;
  for (ssize_t off = 0; off < r;) {
    ssize_t w = write(to, buf + off, (size_t)(r - off));
    if (w < 0) {
      if (errno == EINTR || errno == EAGAIN)
        continue;
      return -1;
    }
    off += w;
  }
  return 0;
}

void term_proxy_handle(struct term_proxy *t, struct pollfd *pfd, int n) {
  for (int i = 0; i < n; i++) {
    if (!pfd[i].revents)
      continue;
    if (pfd[i].fd == t->master) {
      if (copy_once(t->master, STDOUT_FILENO) < 0)
        pfd[i].revents = 0;
    } else if (pfd[i].fd == STDIN_FILENO) {
      if (copy_once(STDIN_FILENO, t->master) < 0)
        t->stdin_open = false;
    }
  }
}

void term_proxy_drain(struct term_proxy *t) {
  int fl = fcntl(t->master, F_GETFL);
  fcntl(t->master, F_SETFL, fl | O_NONBLOCK);
  while (copy_once(t->master, STDOUT_FILENO) == 0)
    ;
}

void term_proxy_free(struct term_proxy *t) {
  if (!t)
    return;
  if (t->raw)
    tcsetattr(STDIN_FILENO, TCSANOW, &t->saved);
  free(t);
}

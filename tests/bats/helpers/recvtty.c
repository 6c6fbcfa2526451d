/* Test helper: listen on a unix socket, receive one pty master over
 * SCM_RIGHTS (as containerd and podman do with --console-socket), then copy
 * everything read from it to stdout until EOF. Optionally write a line of
 * input to the terminal first.
 *   recvtty SOCKET [INPUT] */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: recvtty SOCKET [INPUT]\n");
    return 2;
  }
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  strncpy(addr.sun_path, argv[1], sizeof addr.sun_path - 1);
  unlink(argv[1]);
  if (s < 0 || bind(s, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(s, 1) < 0) {
    perror("recvtty: listen");
    return 1;
  }
  int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
  if (c < 0) {
    perror("recvtty: accept");
    return 1;
  }
  char name[256];
  struct iovec iov = {name, sizeof name - 1};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } u;
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
                       .msg_controllen = sizeof u.buf};
  ssize_t n = recvmsg(c, &msg, MSG_CMSG_CLOEXEC);
  struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
  if (n < 0 || !cm || cm->cmsg_type != SCM_RIGHTS) {
    fprintf(stderr, "recvtty: no fd received\n");
    return 1;
  }
  int master;
  memcpy(&master, CMSG_DATA(cm), sizeof master);
  if (!isatty(master)) {
    fprintf(stderr, "recvtty: the received fd is not a terminal\n");
    return 1;
  }
  if (argc > 2) {
    dprintf(master, "%s\n", argv[2]);
  }
  char buf[4096];
  while ((n = read(master, buf, sizeof buf)) > 0)
    fwrite(buf, 1, (size_t)n, stdout);
  return 0;
}

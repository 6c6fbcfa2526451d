/* Test helper, run inside a container: send argv[1] (e.g. "READY=1") as one
 * datagram to $NOTIFY_SOCKET, as sd_notify(3) does. Static, so it runs in a
 * busybox rootfs. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv) {
  const char *path = getenv("NOTIFY_SOCKET");
  if (argc != 2 || !path || !*path) {
    fprintf(stderr, "usage: NOTIFY_SOCKET=PATH sdnotify MESSAGE\n");
    return 2;
  }
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof a.sun_path)
    return 2;
  strcpy(a.sun_path, path);
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || sendto(fd, argv[1], strlen(argv[1]), 0, (struct sockaddr *)&a, sizeof a) < 0) {
    perror("sdnotify");
    return 1;
  }
  return 0;
}

/* rt: see sys.h. */
#include "config.h"
#include "linux/sys.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

ssize_t sys_write_file(const char *path, const char *buf, size_t len) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  ssize_t w;
  do
    w = write(fd, buf, len);
  while (w < 0 && errno == EINTR);
  int e = errno;
  close(fd);
  errno = e;
  return w;
}

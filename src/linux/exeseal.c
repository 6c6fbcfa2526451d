/* exe_seal_ensure: see exeseal.h. */
#include "config.h"
#include "linux/exeseal.h"

#include <elf.h>
#include <errno.h>
#include <link.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/sendfile.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/log.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif

extern char **environ;

/* Set in the environment of the re-exec only: a second pass that still finds
 * the binary writable is an error, never a loop. */
#define MARKER "_RT_EXE_SEALED"
/* RT_EXE_SEAL=memfd skips the overlayfs; RT_EXE_SEAL=off switches the
 * defence off, for tests/bats/cve.bats's control run, which shows the attack
 * succeeding without it: never set it anywhere else. */
#define KNOB "RT_EXE_SEAL"

static bool reexeced;

/* The second, empty lower layer of the overlayfs where the kernel takes no
 * detached tmpfs for it. */
#define EMPTY_DIR "/run/rt-cache/exe-empty"

void exe_seal_forget_marker(void) {
  reexeced = getenv(MARKER) != NULL;
  unsetenv(MARKER);
}

enum seal_state { SEAL_NONE, SEAL_RO_MOUNT, SEAL_MEMFD, SEAL_NOT_WRITABLE };

static enum seal_state seal_state(void) {
  if (faccessat(AT_FDCWD, "/proc/self/exe", W_OK, AT_EACCESS) < 0) {
    if (errno == EROFS)
      return SEAL_RO_MOUNT;
    /* Permission bits refuse rt's effective ids: its containers never have
     * more on the host than rt has. EPERM (immutable) is not enough: a
     * privileged container could clear the flag through the fd. */
    if (errno == EACCES)
      return SEAL_NOT_WRITABLE;
    return SEAL_NONE;
  }
  _cleanup_close_ int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return SEAL_NONE;
  int seals = fcntl(fd, F_GET_SEALS);
  if (seals >= 0 && (seals & F_SEAL_SEAL) && (seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)))
    return SEAL_MEMFD;
  return SEAL_NONE;
}

const char *exe_seal_describe(void) {
  switch (seal_state()) {
  case SEAL_RO_MOUNT: return "read-only mount";
  case SEAL_MEMFD: return "sealed memfd";
  case SEAL_NOT_WRITABLE: return "not writable";
  default: return "unprotected";
  }
}

static int reexec(int fd, char **argv) {
  if (setenv(MARKER, "1", 1) < 0)
    return -1;
  syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
  int e = errno;
  unsetenv(MARKER);
  errno = e;
  return -1;
}

/* The running binary's directory (in path, NUL-terminated) and its name. */
static int exe_location(char path[static 4096], const char **base, rt_error *err) {
  ssize_t n = readlink("/proc/self/exe", path, 4095);
  if (n <= 0)
    return rt_error_set(err, errno, "readlink /proc/self/exe");
  path[n] = '\0';
  char *slash = strrchr(path, '/');
  if (path[0] != '/' || !slash || !slash[1])
    return rt_error_set(err, EINVAL, "/proc/self/exe is %s", path);
  *slash = '\0';
  *base = slash + 1;
  return 0;
}

/* A detached, read-only overlayfs whose lower layers are the binary's
 * directory and an empty tmpfs (overlayfs needs two lowers without an
 * upper): no copy, the page cache is shared, and a write through
 * /proc/self/exe gets EROFS from a superblock without an upper layer. */
static int overlay_exe(int *out, rt_error *err) {
  char path[4096];
  const char *base;
  if (exe_location(path, &base, err) < 0)
    return -1;
  _cleanup_close_ int dir = open(*path ? path : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0)
    return rt_error_set(err, errno, "open %s", path);
  /* The name must still be the file we run (not replaced meanwhile). */
  struct stat a, b;
  if (stat("/proc/self/exe", &a) < 0 || fstatat(dir, base, &b, AT_SYMLINK_NOFOLLOW) < 0 ||
      a.st_dev != b.st_dev || a.st_ino != b.st_ino)
    return rt_error_set(err, ESTALE, "%s/%s is no longer the running binary", path, base);
  _cleanup_close_ int tfs = fsopen("tmpfs", FSOPEN_CLOEXEC);
  if (tfs < 0)
    return rt_error_set(err, errno, "fsopen tmpfs");
  if (fsconfig(tfs, FSCONFIG_SET_STRING, "size", "4k", 0) < 0 ||
      fsconfig(tfs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return rt_error_set(err, errno, "make an empty tmpfs");
  _cleanup_close_ int empty = fsmount(tfs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY);
  if (empty < 0)
    return rt_error_set(err, errno, "fsmount tmpfs");
  _cleanup_close_ int ofs = fsopen("overlay", FSOPEN_CLOEXEC);
  if (ofs < 0)
    return rt_error_set(err, errno, "fsopen overlay");
  char lower[64];
  snprintf(lower, sizeof lower, "/proc/self/fd/%d:/proc/self/fd/%d", dir, empty);
  if (fsconfig(ofs, FSCONFIG_SET_STRING, "lowerdir", lower, 0) < 0 ||
      fsconfig(ofs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
    /* Before Linux 6.x overlayfs takes no detached mount as a layer
     * ("failed to clone lowerpath"): an empty directory of rt's own under
     * /run instead. */
    close(ofs);
    ofs = fsopen("overlay", FSOPEN_CLOEXEC);
    if (ofs < 0)
      return rt_error_set(err, errno, "fsopen overlay");
    (void)!mkdir("/run/rt-cache", 0700);
    if (mkdir(EMPTY_DIR, 0555) < 0 && errno != EEXIST)
      return rt_error_set(err, errno, "mkdir " EMPTY_DIR);
    _cleanup_close_ int e2 = open(EMPTY_DIR, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    struct stat est;
    if (e2 < 0 || fstat(e2, &est) < 0 || est.st_uid != geteuid())
      return rt_error_set(err, e2 < 0 ? errno : EPERM, EMPTY_DIR " is not rt's");
    snprintf(lower, sizeof lower, "/proc/self/fd/%d:/proc/self/fd/%d", dir, e2);
    if (fsconfig(ofs, FSCONFIG_SET_STRING, "lowerdir", lower, 0) < 0 ||
        fsconfig(ofs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
      return rt_error_set(err, errno, "overlayfs over %s", path);
  }
  _cleanup_close_ int mnt = fsmount(ofs, FSMOUNT_CLOEXEC,
                                         MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID);
  if (mnt < 0)
    return rt_error_set(err, errno, "fsmount overlayfs");
  int fd = openat(mnt, base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return rt_error_set(err, errno, "open %s in the overlayfs", base);
  *out = fd;
  return 0;
}

/* A sealed memfd copy (no privilege needed): costs a copy of the binary. */
static int memfd_exe(int *out, rt_error *err) {
  _cleanup_close_ int src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (src < 0)
    return rt_error_set(err, errno, "open /proc/self/exe");
  struct stat st;
  if (fstat(src, &st) < 0)
    return rt_error_set(err, errno, "stat /proc/self/exe");
  int m = memfd_create("rt", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
  if (m < 0 && errno == EINVAL)
    m = memfd_create("rt", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (m < 0)
    return rt_error_set(err, errno, "memfd_create");
  _cleanup_close_ int mfd = m;
  off_t off = 0;
  while (off < st.st_size) {
    ssize_t w = sendfile(mfd, src, &off, (size_t)(st.st_size - off));
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return rt_error_set(err, w < 0 ? errno : EIO, "copy /proc/self/exe into a memfd");
  }
  if (fcntl(mfd, F_ADD_SEALS, F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0)
    return rt_error_set(err, errno, "seal the memfd copy of rt");
  *out = TAKE_FD(mfd);
  return 0;
}

/* ---- Without an exec: rt's own mappings moved to a read-only mount ----
 *
 * mm->exe_file (what /proc/self/exe names) can be replaced with
 * prctl(PR_SET_MM_MAP, exe_fd) (CAP_SYS_ADMIN), but only when no mapping of
 * the old file is left (EBUSY). So rt maps its binary again, page for page,
 * from a detached read-only bind mount of its directory (the same inode
 * through another mount): the text directly (the bytes are the same), the
 * data and RELRO segments saved and copied back, since they hold rt's
 * relocated and initialised state. Then exe_file is the file on that mount,
 * and a write through /proc/self/exe gets EROFS. Costs a few mmaps instead
 * of an exec (docs/performance.md). x86_64 only (raw syscalls below); other
 * architectures, or a kernel that refuses, take the re-exec. */
#if defined(__x86_64__)
#include <sys/prctl.h>
#include <linux/prctl.h>

#define MAX_VMAS 32

struct vma {
  unsigned long start, end, off;
  int prot;
  bool keep;            /* changed by the process: saved and copied back */
  unsigned char *saved; /* the content of a data or RELRO mapping, else NULL */
};

/* The main program's RELRO range (PT_GNU_RELRO), page-aligned. */
struct relro {
  unsigned long start, end;
};

static int main_relro(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  struct relro *r = data;
  for (int i = 0; i < info->dlpi_phnum; i++)
    if (info->dlpi_phdr[i].p_type == PT_GNU_RELRO) {
      unsigned long page = (unsigned long)sysconf(_SC_PAGESIZE);
      unsigned long a = info->dlpi_addr + info->dlpi_phdr[i].p_vaddr;
      r->start = a & ~(page - 1);
      r->end = (a + info->dlpi_phdr[i].p_memsz + page - 1) & ~(page - 1);
    }
  return 1; /* the first object is the main program */
}

/* Between the first mapping replaced and the last one restored, rt's GOT
 * and data hold unrelocated bytes: no libc call, no global, no
 * instrumentation. Raw system calls and a plain copy loop only. */
__attribute__((always_inline)) static inline long raw_syscall6(long n, long a, long b, long c,
                                                               long d, long e, long f) {
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  register long r9 __asm__("r9") = f;
  long ret;
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                   : "rcx", "r11", "memory");
  return ret;
}

__attribute__((noinline, no_sanitize_address, no_stack_protector,
               optimize("no-tree-loop-distribute-patterns"))) static long
remap_window(struct vma *v, int n, int fd) {
  for (int i = 0; i < n; i++) {
    int prot = v[i].saved ? PROT_READ | PROT_WRITE : v[i].prot;
    long r = raw_syscall6(SYS_mmap, (long)v[i].start, (long)(v[i].end - v[i].start), prot,
                          MAP_PRIVATE | MAP_FIXED, fd, (long)v[i].off);
    if (r != (long)v[i].start)
      return r;
    if (v[i].saved) {
      /* word by word: mappings are whole pages */
      volatile uint64_t *dst = (volatile uint64_t *)v[i].start;
      const uint64_t *src = (const uint64_t *)v[i].saved;
      for (unsigned long k = 0; k < (v[i].end - v[i].start) / sizeof(uint64_t); k++)
        dst[k] = src[k];
      if (v[i].prot != prot) {
        r = raw_syscall6(SYS_mprotect, (long)v[i].start, (long)(v[i].end - v[i].start), v[i].prot,
                         0, 0, 0);
        if (r != 0)
          return r;
      }
    }
  }
  return 0;
}

/* rt's mappings of the file (dev, ino), from /proc/self/maps. */
static int exe_vmas(dev_t dev, ino_t ino, struct vma *v, int *n, rt_error *err) {
  _cleanup_fclose_ FILE *f = fopen("/proc/self/maps", "re");
  if (!f)
    return rt_error_set(err, errno, "open /proc/self/maps");
  char line[4096];
  *n = 0;
  while (fgets(line, sizeof line, f)) {
    unsigned long start, end, off, inode;
    unsigned maj, min;
    char perms[8];
    if (sscanf(line, "%lx-%lx %7s %lx %x:%x %lu", &start, &end, perms, &off, &maj, &min, &inode) != 7)
      continue;
    if (inode != ino || makedev(maj, min) != dev)
      continue;
    if (*n == MAX_VMAS || perms[3] != 'p')
      return rt_error_set(err, 0, "unexpected mappings of rt's binary");
    v[*n] = (struct vma){.start = start, .end = end, .off = off,
                         .prot = (perms[0] == 'r' ? PROT_READ : 0) |
                                 (perms[1] == 'w' ? PROT_WRITE : 0) |
                                 (perms[2] == 'x' ? PROT_EXEC : 0)};
    (*n)++;
  }
  /* None: the binary lives on an overlayfs (a container's root, the VM
   * lane's), whose mappings name the file of the layer below: nothing to
   * move, and the prctl below finds no mapping of the exe link's path. */
  return 0;
}

/* The current layout of the process, as PR_SET_MM_MAP wants it. */
static int mm_map_now(struct prctl_mm_map *m, rt_error *err) {
  _cleanup_fclose_ FILE *f = fopen("/proc/self/stat", "re");
  char buf[2048];
  if (!f || !fgets(buf, sizeof buf, f))
    return rt_error_set(err, errno, "read /proc/self/stat");
  char *p = strrchr(buf, ')');
  if (!p)
    return rt_error_set(err, EINVAL, "/proc/self/stat");
  /* p+2 is field 3 (state); fields 26-28 and 45-51 are the addresses. */
  unsigned long long fld[53] = {0};
  char *save = NULL;
  int i = 3;
  for (char *t = strtok_r(p + 2, " ", &save); t && i < 53; t = strtok_r(NULL, " ", &save), i++)
    fld[i] = strtoull(t, NULL, 10);
  if (i < 52)
    return rt_error_set(err, EINVAL, "/proc/self/stat is short");
  memset(m, 0, sizeof *m);
  m->start_code = fld[26];
  m->end_code = fld[27];
  m->start_stack = fld[28];
  m->start_data = fld[45];
  m->end_data = fld[46];
  m->start_brk = fld[47];
  m->arg_start = fld[48];
  m->arg_end = fld[49];
  m->env_start = fld[50];
  m->env_end = fld[51];
  m->brk = (uint64_t)syscall(SYS_brk, 0);
  return 0;
}

static int remap_exe(rt_error *err) {
  struct stat st;
  if (stat("/proc/self/exe", &st) < 0)
    return rt_error_set(err, errno, "stat /proc/self/exe");
  char path[4096];
  const char *base;
  if (exe_location(path, &base, err) < 0)
    return -1;
  /* The directory, not the file: a privileged container could clear the
   * read-only flag of a mount whose root its fd is (mount_setattr). */
  _cleanup_close_ int tree = open_tree(AT_FDCWD, *path ? path : "/", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (tree < 0)
    return rt_error_set(err, errno, "open_tree %s", path);
  struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV};
  if (mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
    return rt_error_set(err, errno, "make the clone of %s read-only", path);
  _cleanup_close_ int fd = openat(tree, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  struct stat fst;
  if (fd < 0 || fstat(fd, &fst) < 0)
    return rt_error_set(err, errno, "open %s/%s", path, base);
  if (fst.st_dev != st.st_dev || fst.st_ino != st.st_ino)
    return rt_error_set(err, ESTALE, "%s/%s is no longer the running binary", path, base);
  struct vma v[MAX_VMAS];
  int nv = 0;
  if (exe_vmas(st.st_dev, st.st_ino, v, &nv, err) < 0)
    return -1;
  /* Only what the process changed: writable data and RELRO (relocated,
   * then made read-only). Text and plain read-only data are the file's. */
  struct relro rr = {0};
  dl_iterate_phdr(main_relro, &rr);
  size_t total = 0;
  for (int i = 0; i < nv; i++) {
    v[i].keep = (v[i].prot & PROT_WRITE) || (v[i].start < rr.end && v[i].end > rr.start);
    if (v[i].keep)
      total += v[i].end - v[i].start;
  }
  unsigned char *save = total ? mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) : NULL;
  if (save == MAP_FAILED)
    return rt_error_set(err, errno, "mmap");
  size_t at = 0;
  for (int i = 0; i < nv; i++) {
    if (!v[i].keep)
      continue;
    if (!(v[i].prot & PROT_READ) &&
        mprotect((void *)v[i].start, v[i].end - v[i].start, v[i].prot | PROT_READ) < 0) {
      munmap(save, total);
      return rt_error_set(err, errno, "mprotect");
    }
    v[i].saved = save + at;
    memcpy(v[i].saved, (void *)v[i].start, v[i].end - v[i].start);
    at += v[i].end - v[i].start;
  }
  struct prctl_mm_map m;
  if (mm_map_now(&m, err) < 0) {
    munmap(save, total);
    return -1;
  }
  sigset_t all, old;
  sigfillset(&all);
  sigprocmask(SIG_SETMASK, &all, &old);
  long r = remap_window(v, nv, fd);
  if (r != 0) {
    /* Half-moved mappings cannot be trusted to run anything: leave. */
    static const char msg[] = "rt: CVE-2019-5736 defence: remapping rt's binary failed\n";
    raw_syscall6(SYS_write, 2, (long)msg, sizeof msg - 1, 0, 0, 0);
    raw_syscall6(SYS_exit_group, 1, 0, 0, 0, 0, 0);
  }
  sigprocmask(SIG_SETMASK, &old, NULL);
  if (save)
    munmap(save, total);
  m.exe_fd = (uint32_t)fd;
  if (prctl(PR_SET_MM, PR_SET_MM_MAP, (unsigned long)&m, sizeof m, 0) < 0)
    return rt_error_set(err, errno, "prctl(PR_SET_MM_MAP) with the read-only copy");
  return 0;
}
#else
static int remap_exe(rt_error *err) {
  return rt_error_set(err, ENOSYS, "remapping is only done on x86_64");
}
#endif

int exe_seal_ensure(char **argv, rt_error *err) {
  const char *knob = getenv(KNOB);
  bool memfd_only = knob && strcmp(knob, "memfd") == 0;
  if (knob && strcmp(knob, "off") == 0)
    return 0;
  if (knob && !memfd_only && strcmp(knob, "auto") != 0 && strcmp(knob, "exec") != 0)
    return rt_error_set(err, 0, "RT_EXE_SEAL=%s: expected auto, exec, memfd or off", knob);
  if (seal_state() != SEAL_NONE)
    return 0;
  if (reexeced)
    return rt_error_set(err, 0, "CVE-2019-5736 defence: rt was re-executed from a protected copy, "
                                "but /proc/self/exe is still writable");
  rt_error why = {0};
  _cleanup_close_ int fd = -1;
  bool exec_only = knob && strcmp(knob, "exec") == 0;
  if (!memfd_only && !exec_only) {
    if (remap_exe(&why) == 0 && seal_state() != SEAL_NONE)
      return 0;
    log_debug("CVE-2019-5736 defence: remapping: %s; re-executing rt", why.msg[0] ? why.msg : "still writable");
    rt_error_clear(&why);
  }
  if (memfd_only) {
    rt_error_set(&why, 0, "RT_EXE_SEAL=memfd");
  } else if (overlay_exe(&fd, &why) == 0) {
    reexec(fd, argv);
    rt_error_set(&why, errno, "execveat the overlayfs copy of rt");
    fd = rt_safe_close(fd);
  }
  log_debug("CVE-2019-5736 defence: %s; using a sealed memfd copy", why.msg);
  if (memfd_exe(&fd, err) == 0) {
    reexec(fd, argv);
    rt_error_set(err, errno, "execveat the memfd copy");
  }
  return rt_error_prefix(err, "CVE-2019-5736 defence: rt cannot run from a protected copy of "
                              "itself (overlayfs: %s)", why.msg);
}

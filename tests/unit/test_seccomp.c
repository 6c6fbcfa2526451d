/* seccomp: profiles built from oci_seccomp structs are loaded in forked
 * children (with no_new_privs) that then make the syscalls; the results
 * travel back through shared memory, deaths through the wait status.
 * Needs a kernel with seccomp filters and user notification (5.0+). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "seccomp/seccomp.h"
#include "seccomp_profile.h"
#include "linux/security.h"
#include "tap.h"
#include "util/cleanup.h"

/* Paths: the listener is built next to this test's directory; the fixtures
 * are under $srcdir (set by the automake test harness). */
static char listener_path[4096], fixture_path[4096];

static void find_paths(void) {
  char self[2048];
  ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
  self[n > 0 ? n : 0] = '\0';
  char *slash = strrchr(self, '/');
  if (slash)
    *slash = '\0';
  snprintf(listener_path, sizeof listener_path, "%s/../seccomp-listener/rt-seccomp-listener", self);
  const char *srcdir = getenv("srcdir");
  snprintf(fixture_path, sizeof fixture_path, "%s/tests/unit/fixtures/seccomp-docker-like.json",
           srcdir ? srcdir : ".");
}

static volatile long *shared; /* results from children */

/* A syscall's result as -errno or the value. */
static long sc(long nr, long a0, long a1) {
  long r = syscall(nr, a0, a1, 0, 0, 0, 0);
  return r < 0 ? -errno : r;
}

/* Fork; the child sets no_new_privs, loads the profile and runs body.
 * Returns the wait status; exit 100 means the load failed. */
static int run_filtered(const oci_seccomp *s, void (*body)(void)) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    rt_error err = {0};
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    if (rt_seccomp_load(s, NULL, &err) < 0) {
      printf("# load: %s\n", err.msg);
      fflush(stdout);
      _exit(100);
    }
    body();
    _exit(0);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  return st;
}

static bool exited0(int st) { return WIFEXITED(st) && WEXITSTATUS(st) == 0; }

static int seccomp_filters(void) {
  FILE *f = fopen("/proc/self/status", "re");
  char line[256];
  int n = -1;
  while (f && fgets(line, sizeof line, f))
    if (sscanf(line, "Seccomp_filters: %d", &n) == 1)
      break;
  if (f)
    fclose(f);
  return n;
}

/* ---- validation messages ---- */

static void expect_invalid(struct prof *p, const char *want, const char *what) {
  rt_error err = {0};
  int r = rt_seccomp_validate(&p->s, &err);
  ok(r < 0, "invalid: %s", what);
  is_str(err.msg, want, "message for %s", what);
}

static void test_validation(void) {
  struct prof p;
  prof_init(&p, "SCMP_ACT_ALLOW");
  prof_rule(&p, "SCMP_ACT_ERRNO", -1, "getcwd", NULL);
  prof_rule(&p, "SCMP_ACT_ERRNO", 1, "mkdir", NULL);
  prof_rule(&p, "SCMP_ACT_KILL", -1, "ptrace", NULL);
  prof_rule(&p, "SCMP_ACT_FOO", -1, "chmod", NULL);
  expect_invalid(&p,
                 "config.json: .linux.seccomp.syscalls[3].action: unknown action \"SCMP_ACT_FOO\"",
                 "unknown action");

  prof_init(&p, "SCMP_ACT_ALLOW");
  prof_arg(prof_rule(&p, "SCMP_ACT_ERRNO", -1, "getcwd", NULL), 0, "SCMP_CMP_BETWEEN", 1, 2);
  expect_invalid(&p,
                 "config.json: .linux.seccomp.syscalls[0].args[0].op: unknown operator "
                 "\"SCMP_CMP_BETWEEN\"",
                 "unknown operator");

  prof_init(&p, "SCMP_ACT_ALLOW");
  oci_seccomp_syscall *r = prof_rule(&p, "SCMP_ACT_ERRNO", -1, "getcwd", NULL);
  prof_arg(r, 0, "SCMP_CMP_EQ", 1, 0);
  prof_arg(r, 6, "SCMP_CMP_EQ", 1, 0);
  expect_invalid(&p,
                 "config.json: .linux.seccomp.syscalls[0].args[1].index: 6 is not a syscall "
                 "argument (0 to 5)",
                 "argument index 6");

  prof_init(&p, "SCMP_ACT_ALLOW");
  prof_rule(&p, "SCMP_ACT_KILL_PROCESS", 5, "getcwd", NULL);
  expect_invalid(&p,
                 "config.json: .linux.seccomp.syscalls[0].action: SCMP_ACT_KILL_PROCESS does not "
                 "take an errno (errnoRet is only for SCMP_ACT_ERRNO and SCMP_ACT_TRACE)",
                 "errnoRet on a kill rule");

  prof_init(&p, "SCMP_ACT_ALLOW");
  prof_default_errno(&p, 38);
  expect_invalid(&p,
                 "config.json: .linux.seccomp.defaultAction: SCMP_ACT_ALLOW does not take an "
                 "errno (errnoRet is only for SCMP_ACT_ERRNO and SCMP_ACT_TRACE)",
                 "defaultErrnoRet with SCMP_ACT_ALLOW");

  prof_init(&p, "SCMP_ACT_ERRNO");
  prof_default_errno(&p, 70000);
  expect_invalid(&p,
                 "config.json: .linux.seccomp.defaultAction: errnoRet 70000 is out of range (at "
                 "most 65535)",
                 "errnoRet out of range");

  prof_init(&p, "SCMP_ACT_ALLOW");
  prof_arch(&p, "SCMP_ARCH_X86_64");
  prof_arch(&p, "SCMP_ARCH_Z80");
  expect_invalid(&p, "config.json: .linux.seccomp.architectures[1]: unknown \"SCMP_ARCH_Z80\"",
                 "unknown architecture");

  prof_init(&p, "SCMP_ACT_ALLOW");
  prof_flag(&p, "SECCOMP_FILTER_FLAG_LOG");
  prof_flag(&p, "SECCOMP_FILTER_FLAG_FAST");
  expect_invalid(&p,
                 "config.json: .linux.seccomp.flags[1]: unknown flag \"SECCOMP_FILTER_FLAG_FAST\"",
                 "unknown flag");

  prof_init(&p, "SCMP_ACT_ALLOW");
  prof_rule(&p, "SCMP_ACT_NOTIFY", -1, "mkdir", NULL);
  expect_invalid(&p,
                 "config.json: .linux.seccomp.syscalls[0].action: SCMP_ACT_NOTIFY needs "
                 "linux.seccomp.listenerPath",
                 "notify without a listener");

  prof_init(&p, "SCMP_ACT_ALLOW");
  p.s.listener_path = "/run/l.sock";
  prof_rule(&p, "SCMP_ACT_NOTIFY", -1, "mkdir", "sendmsg", NULL);
  expect_invalid(&p,
                 "config.json: .linux.seccomp.syscalls[0].names[1]: SCMP_ACT_NOTIFY cannot be used "
                 "for sendmsg (rt needs it for the listener handshake and its error reports)",
                 "notify on sendmsg");

  prof_init(&p, "SCMP_ACT_ALLOW");
  p.s.listener_path = "/run/l.sock";
  prof_rule(&p, "SCMP_ACT_NOTIFY", -1, "write", NULL);
  expect_invalid(&p,
                 "config.json: .linux.seccomp.syscalls[0].names[0]: SCMP_ACT_NOTIFY cannot be used "
                 "for write (rt needs it for the listener handshake and its error reports)",
                 "notify on write");

  prof_init(&p, "SCMP_ACT_NOTIFY");
  p.s.listener_path = "/run/l.sock";
  expect_invalid(&p,
                 "config.json: .linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the "
                 "default action (rt's own syscalls until exec would wait on the listener)",
                 "notify as the default action");

  prof_init(&p, "SCMP_ACT_ALLOW");
  p.s.listener_metadata = "x";
  expect_invalid(&p, "config.json: .linux.seccomp.listenerMetadata: set without listenerPath",
                 "metadata without a listener");

  prof_init(&p, "SCMP_ACT_ALLOW");
  prof_rule(&p, "SCMP_ACT_ERRNO", -1, NULL);
  expect_invalid(&p, "config.json: .linux.seccomp.syscalls[0].names: empty", "no names");

  /* Every name of the spec's lists is accepted. */
  prof_init(&p, "SCMP_ACT_ALLOW");
  for (const char *const *a = rt_seccomp_archs; *a; a++)
    prof_arch(&p, *a);
  rt_error err = {0};
  ok(p.s.n_architectures >= 19 && rt_seccomp_validate(&p.s, &err) == 0,
     "all %zu architectures of this libseccomp are accepted %s", p.s.n_architectures, err.msg);
}

/* ---- actions ---- */

static char tmpdir[64];

static void body_mkdir(void) {
  char path[128];
  snprintf(path, sizeof path, "%s/made", tmpdir);
  shared[0] = mkdir(path, 0700) < 0 ? -errno : 0;
  shared[1] = sc(SYS_getppid, 0, 0);
}

static void test_errno(void) {
  struct prof p;
  prof_init(&p, "SCMP_ACT_ALLOW");
  prof_rule(&p, "SCMP_ACT_ERRNO", 1, "mkdir", "mkdirat", NULL);
  shared[0] = shared[1] = 12345;
  int st = run_filtered(&p.s, body_mkdir);
  ok(exited0(st), "errno profile: child exits normally");
  ok(shared[0] == -EPERM, "mkdir denied with errnoRet 1 (EPERM): got %ld", shared[0]);
  ok(shared[1] > 0, "getppid still allowed");

  prof_init(&p, "SCMP_ACT_ALLOW");
  prof_rule(&p, "SCMP_ACT_ERRNO", 122, "mkdir", "mkdirat", NULL);
  run_filtered(&p.s, body_mkdir);
  ok(shared[0] == -122, "mkdir denied with errnoRet 122 (EDQUOT): got %ld", shared[0]);

  prof_init(&p, "SCMP_ACT_ALLOW");
  prof_rule(&p, "SCMP_ACT_ERRNO", -1, "mkdir", "mkdirat", NULL);
  run_filtered(&p.s, body_mkdir);
  ok(shared[0] == -EPERM, "SCMP_ACT_ERRNO without errnoRet is EPERM: got %ld", shared[0]);
  struct stat stt;
  char path[128];
  snprintf(path, sizeof path, "%s/made", tmpdir);
  ok(stat(path, &stt) < 0 && errno == ENOENT, "the directory was not made");

  /* Unknown names are skipped; the known one of the rule still applies. */
  prof_init(&p, "SCMP_ACT_ALLOW");
  prof_rule(&p, "SCMP_ACT_ERRNO", 18, "no_such_syscall_ever", "getppid", NULL);
  run_filtered(&p.s, body_mkdir);
  ok(shared[0] == 0 && shared[1] == -18,
     "unknown syscall name skipped, getppid -> EXDEV: mkdir %ld getppid %ld", shared[0], shared[1]);
  rmdir(path);

  /* A rule repeating the default action is skipped (libseccomp refuses it). */
  prof_init(&p, "SCMP_ACT_ALLOW");
  prof_rule(&p, "SCMP_ACT_ALLOW", -1, "getppid", NULL);
  prof_rule(&p, "SCMP_ACT_ERRNO", 18, "mkdir", "mkdirat", NULL);
  st = run_filtered(&p.s, body_mkdir);
  ok(exited0(st) && shared[0] == -18 && shared[1] > 0,
     "a rule with the default action is skipped, the others load");
}

static void body_default(void) {
  shared[0] = sc(SYS_getuid, 0, 0);
  shared[1] = sc(SYS_getppid, 0, 0);
}

static void test_default_errno(void) {
  /* Everything but exit and getppid fails with the default errno. */
  struct prof p;
  prof_init(&p, "SCMP_ACT_ERRNO");
  prof_default_errno(&p, ENOSYS);
  /* What exiting needs, also under the sanitizers' runtimes. */
  prof_rule(&p, "SCMP_ACT_ALLOW", -1, "exit_group", "exit", "getppid", "write", "writev", "mmap",
            "munmap", "madvise", "rt_sigprocmask", "rt_sigaction", "sigaltstack", "futex", "getpid",
            "gettid", "prctl", NULL);
  int st = run_filtered(&p.s, body_default);
  ok(exited0(st), "allow-list profile: child exits (status 0x%x)", st);
  ok(shared[0] == -ENOSYS, "getuid gets defaultErrnoRet ENOSYS: %ld", shared[0]);
  ok(shared[1] > 0, "getppid allowed by rule");
}

static void body_getppid(void) {
  shared[0] = sc(SYS_getppid, 0, 0);
  shared[1] = 1;
}

static void test_kill_trap(void) {
  static const char *const acts[] = {"SCMP_ACT_TRAP", "SCMP_ACT_KILL", "SCMP_ACT_KILL_THREAD",
                                     "SCMP_ACT_KILL_PROCESS"};
  for (size_t i = 0; i < ARRAY_SIZE(acts); i++) {
    struct prof p;
    prof_init(&p, "SCMP_ACT_ALLOW");
    prof_rule(&p, acts[i], -1, "getppid", NULL);
    shared[1] = 0;
    int st = run_filtered(&p.s, body_getppid);
    ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS && shared[1] == 0,
       "%s: the process dies of SIGSYS at the syscall (status 0x%x)", acts[i], st);
  }
}

static void *thread_getppid(void *arg) {
  shared[2] = 1;
  syscall(SYS_getppid);
  shared[2] = 2; /* not reached when killed */
  return NULL;
}

static void body_thread_kill(void) {
  pthread_t t;
  pthread_create(&t, NULL, thread_getppid, NULL);
  pthread_join(t, NULL);
  shared[3] = 1; /* the main thread lives on */
}

static void test_kill_thread_vs_process(void) {
  struct prof p;
  prof_init(&p, "SCMP_ACT_ALLOW");
  prof_rule(&p, "SCMP_ACT_KILL_THREAD", -1, "getppid", NULL);
  shared[2] = shared[3] = 0;
  int st = run_filtered(&p.s, body_thread_kill);
  ok(exited0(st) && shared[2] == 1 && shared[3] == 1,
     "SCMP_ACT_KILL_THREAD kills only the calling thread (status 0x%x)", st);

  prof_init(&p, "SCMP_ACT_ALLOW");
  prof_rule(&p, "SCMP_ACT_KILL_PROCESS", -1, "getppid", NULL);
  shared[2] = shared[3] = 0;
  st = run_filtered(&p.s, body_thread_kill);
  ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS && shared[3] == 0,
     "SCMP_ACT_KILL_PROCESS kills the whole process (status 0x%x)", st);
}

static void test_log_allow(void) {
  struct prof p;
  prof_init(&p, "SCMP_ACT_ALLOW");
  prof_rule(&p, "SCMP_ACT_LOG", -1, "getppid", NULL);
  int st = run_filtered(&p.s, body_getppid);
  ok(exited0(st) && shared[0] == getpid(), "SCMP_ACT_LOG lets the syscall run");
}

/* SCMP_ACT_TRACE: errnoRet is the tracer's event message; without a tracer
 * the syscall fails with ENOSYS. */
static void test_trace(void) {
  struct prof p;
  prof_init(&p, "SCMP_ACT_ALLOW");
  prof_rule(&p, "SCMP_ACT_TRACE", 1234, "getppid", NULL);
  int st = run_filtered(&p.s, body_getppid);
  ok(exited0(st) && shared[0] == -ENOSYS, "SCMP_ACT_TRACE untraced: ENOSYS (%ld)", shared[0]);

  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    ptrace(PTRACE_TRACEME, 0, 0, 0);
    raise(SIGSTOP);
    rt_error err;
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    if (rt_seccomp_load(&p.s, NULL, &err) < 0)
      _exit(100);
    syscall(SYS_getppid);
    _exit(0);
  }
  int status;
  waitpid(pid, &status, 0);
  ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL);
  ptrace(PTRACE_CONT, pid, 0, 0);
  waitpid(pid, &status, 0);
  unsigned long msg = 0;
  bool event = WIFSTOPPED(status) && (status >> 8) == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8));
  if (event)
    ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg);
  ok(event && msg == 1234, "SCMP_ACT_TRACE: the tracer sees the seccomp event with message %lu",
     msg);
  ptrace(PTRACE_CONT, pid, 0, 0);
  waitpid(pid, &status, 0);
  ok(exited0(status), "traced child finishes");
}

/* ---- arguments ---- */

struct op_case {
  const char *op;
  uint64_t value, value_two;
  uint64_t hit, miss;
};

static uint64_t probe_arg0, probe_arg1;

static void body_probe(void) { shared[0] = sc(SYS_getppid, (long)probe_arg0, (long)probe_arg1); }

/* Whether getppid(a0, a1) is denied (EXDEV) under the profile. */
static bool denied(const oci_seccomp *s, uint64_t a0, uint64_t a1) {
  probe_arg0 = a0;
  probe_arg1 = a1;
  shared[0] = 0;
  run_filtered(s, body_probe);
  return shared[0] == -EXDEV;
}

static void test_operators(void) {
  static const struct op_case cases[] = {
      {"SCMP_CMP_EQ", 5, 0, 5, 6},
      {"SCMP_CMP_NE", 5, 0, 6, 5},
      {"SCMP_CMP_LT", 5, 0, 4, 5},
      {"SCMP_CMP_LE", 5, 0, 5, 6},
      {"SCMP_CMP_GE", 5, 0, 5, 4},
      {"SCMP_CMP_GT", 5, 0, 6, 5},
      {"SCMP_CMP_GT", 0xffffffffULL, 0, 0x100000000ULL, 0xffffffffULL},
      /* (arg & 0xf0) == 0x30 */
      {"SCMP_CMP_MASKED_EQ", 0xf0, 0x30, 0x3f, 0x40},
  };
  for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
    const struct op_case *c = &cases[i];
    struct prof p;
    prof_init(&p, "SCMP_ACT_ALLOW");
    prof_arg(prof_rule(&p, "SCMP_ACT_ERRNO", EXDEV, "getppid", NULL), 0, c->op, c->value,
             c->value_two);
    bool hit = denied(&p.s, c->hit, 0), miss = denied(&p.s, c->miss, 0);
    ok(hit && !miss, "%s %#llx/%#llx: arg %#llx matches (%d), %#llx does not (%d)", c->op,
       (unsigned long long)c->value, (unsigned long long)c->value_two, (unsigned long long)c->hit,
       hit, (unsigned long long)c->miss, miss);
  }
}

static void test_multiple_args(void) {
  /* Different indexes: AND. */
  struct prof p;
  prof_init(&p, "SCMP_ACT_ALLOW");
  oci_seccomp_syscall *r = prof_rule(&p, "SCMP_ACT_ERRNO", EXDEV, "getppid", NULL);
  prof_arg(r, 0, "SCMP_CMP_EQ", 1, 0);
  prof_arg(r, 1, "SCMP_CMP_EQ", 7, 0);
  ok(denied(&p.s, 1, 7) && !denied(&p.s, 1, 8) && !denied(&p.s, 2, 7),
     "args on different indexes must all match");

  /* The same index twice: OR. */
  prof_init(&p, "SCMP_ACT_ALLOW");
  r = prof_rule(&p, "SCMP_ACT_ERRNO", EXDEV, "getppid", NULL);
  prof_arg(r, 0, "SCMP_CMP_EQ", 1, 0);
  prof_arg(r, 0, "SCMP_CMP_EQ", 2, 0);
  ok(denied(&p.s, 1, 0) && denied(&p.s, 2, 0) && !denied(&p.s, 3, 0),
     "args repeating an index are alternatives");

  /* Both: (a0 == 1 || a0 == 2) && a1 == 7. */
  prof_init(&p, "SCMP_ACT_ALLOW");
  r = prof_rule(&p, "SCMP_ACT_ERRNO", EXDEV, "getppid", NULL);
  prof_arg(r, 0, "SCMP_CMP_EQ", 1, 0);
  prof_arg(r, 0, "SCMP_CMP_EQ", 2, 0);
  prof_arg(r, 1, "SCMP_CMP_EQ", 7, 0);
  ok(denied(&p.s, 1, 7) && denied(&p.s, 2, 7) && !denied(&p.s, 3, 7) && !denied(&p.s, 1, 8),
     "(a0==1 || a0==2) && a1==7");
}

/* ---- architectures ---- */

#if defined(__x86_64__)
static long int80(long nr) {
  long ret;
  __asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr) : "memory");
  return ret;
}

static void body_int80(void) {
  shared[0] = int80(64); /* i386 getppid */
  shared[1] = int80(20); /* i386 getpid */
}

static void test_archs(void) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0)
    _exit(int80(20) == getpid() ? 0 : 1);
  int st;
  waitpid(pid, &st, 0);
  if (!exited0(st)) {
    ok(1, "# SKIP no i386 syscall emulation in this kernel");
    return;
  }
  struct prof p;
  prof_init(&p, "SCMP_ACT_ALLOW");
  prof_rule(&p, "SCMP_ACT_ERRNO", EXDEV, "getppid", NULL);
  st = run_filtered(&p.s, body_int80);
  ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS,
     "native-only filter: an i386 syscall kills (bad architecture)");

  prof_arch(&p, "SCMP_ARCH_X86_64");
  prof_arch(&p, "SCMP_ARCH_X86");
  prof_arch(&p, "SCMP_ARCH_X32");
  st = run_filtered(&p.s, body_int80);
  ok(exited0(st) && shared[0] == -EXDEV && shared[1] > 0,
     "with SCMP_ARCH_X86 the rule applies to i386 getppid (%ld) and getpid runs (%ld)", shared[0],
     shared[1]);
}
#else
static void test_archs(void) { ok(1, "# SKIP the architecture test is x86_64 only"); }
#endif

/* ---- flags, TSYNC ---- */

static void body_count(void) { shared[0] = seccomp_filters(); }

static void test_flags(void) {
  const char *supported[8];
  size_t n = rt_seccomp_supported_flags(supported, 8);
  struct utsname u;
  uname(&u);
  int maj = 0, min = 0;
  sscanf(u.release, "%d.%d", &maj, &min);
  bool new_kernel = maj > 5 || (maj == 5 && min >= 19);
  ok(!new_kernel || n == 4, "all four flags supported on Linux %d.%d: %zu", maj, min, n);

  struct prof p;
  prof_init(&p, "SCMP_ACT_ALLOW");
  prof_rule(&p, "SCMP_ACT_ERRNO", EXDEV, "getppid", NULL);
  for (const char *const *f = rt_seccomp_known_flags; *f; f++)
    prof_flag(&p, *f);
  int st = run_filtered(&p.s, body_count);
  ok(exited0(st) && shared[0] == 1,
     "every known flag at once loads one filter (WAIT_KILLABLE_RECV dropped without notify)");
}

static volatile int thread_go;

static void *thread_later(void *arg) {
  while (!thread_go)
    sched_yield();
  shared[1] = sc(SYS_getppid, 0, 0);
  return NULL;
}

static void test_tsync(void) {
  struct prof p;
  prof_init(&p, "SCMP_ACT_ALLOW");
  prof_rule(&p, "SCMP_ACT_ERRNO", EXDEV, "getppid", NULL);
  fflush(stdout);
  thread_go = 0;
  pid_t pid = fork();
  if (pid == 0) {
    pthread_t t;
    pthread_create(&t, NULL, thread_later, NULL);
    rt_error err;
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    if (rt_seccomp_load(&p.s, NULL, &err) < 0)
      _exit(100);
    thread_go = 1;
    pthread_join(t, NULL);
    _exit(0);
  }
  int st;
  waitpid(pid, &st, 0);
  ok(exited0(st) && shared[1] == -EXDEV,
     "TSYNC: a thread started before the load is filtered too (%ld)", shared[1]);
}

/* ---- privileges and stages ---- */

static void test_needs_privilege(void) {
  struct prof p;
  prof_init(&p, "SCMP_ACT_ALLOW");
  prof_rule(&p, "SCMP_ACT_ERRNO", EXDEV, "getppid", NULL);
  fflush(stdout);
  int fds[2];
  if (pipe(fds) < 0)
    return;
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    /* Drop CAP_SYS_ADMIN from the effective set; no no_new_privs. */
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[2];
    syscall(SYS_capget, &h, d);
    d[0].effective &= ~(1u << CAP_SYS_ADMIN);
    syscall(SYS_capset, &h, d);
    rt_error err = {0};
    int r = rt_seccomp_load(&p.s, NULL, &err);
    if (write(fds[1], err.msg, strlen(err.msg)) < 0)
      _exit(2);
    _exit(r < 0 ? 0 : 1);
  }
  close(fds[1]);
  char msg[512] = "";
  ssize_t k = read(fds[0], msg, sizeof msg - 1);
  msg[k > 0 ? k : 0] = '\0';
  close(fds[0]);
  int st;
  waitpid(pid, &st, 0);
  ok(exited0(st) && strstr(msg, "needs CAP_SYS_ADMIN"),
     "without no_new_privs and CAP_SYS_ADMIN the load fails clearly: %s", msg);
}

static oci_config *config_with(oci_seccomp *s, bool nnp) {
  static oci_config c;
  static oci_process proc;
  static oci_linux lin;
  memset(&c, 0, sizeof c);
  memset(&proc, 0, sizeof proc);
  memset(&lin, 0, sizeof lin);
  proc.no_new_privileges = nnp;
  lin.seccomp = s;
  c.oci_version = "1.3.0";
  c.process = &proc;
  c.linux_ = &lin;
  return &c;
}

static void test_stages(void) {
  struct prof p;
  prof_init(&p, "SCMP_ACT_ALLOW");
  prof_rule(&p, "SCMP_ACT_ERRNO", EXDEV, "getppid", NULL);
  for (int nnp = 0; nnp <= 1; nnp++) {
    if (!nnp && geteuid() != 0) {
      /* without no_new_privs the kernel loads a filter only for CAP_SYS_ADMIN */
      ok(1, "# SKIP noNewPrivileges false: loading the filter needs CAP_SYS_ADMIN (not root)");
      continue;
    }
    oci_config *c = config_with(&p.s, nnp);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
      rt_error err = {0};
      if (security_prepare(c, &err) < 0)
        _exit(100);
      shared[0] = security_apply(c, 0, "{}", &err);
      shared[1] = seccomp_filters();
      if (nnp)
        prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
      shared[2] = security_apply(c, 1, "{}", &err);
      shared[3] = seccomp_filters();
      _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    /* Either way at stage 1, right before execve (linux/finalize.c holds
     * CAP_SYS_ADMIN for it when no_new_privs is not set). */
    ok(exited0(st) && shared[0] == 0 && shared[1] == 0 && shared[2] == 0 && shared[3] == 1,
       "noNewPrivileges %s: the filter is loaded at stage 1, once", nnp ? "true" : "false");
  }
}

/* ---- notify ---- */

static pid_t start_listener(const char *sock, const char *log) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    execl(listener_path, listener_path, sock, log, (char *)NULL);
    _exit(127);
  }
  for (int i = 0; i < 200; i++) {
    struct stat st;
    if (stat(sock, &st) == 0)
      return pid;
    usleep(10000);
  }
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
  return -1;
}

static char *slurp(const char *path) {
  static char buf[16384];
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
  buf[n > 0 ? n : 0] = '\0';
  if (fd >= 0)
    close(fd);
  return buf;
}

static void test_notify(void) {
  char sock[128], log[128], target[128];
  snprintf(sock, sizeof sock, "%s/l.sock", tmpdir);
  snprintf(log, sizeof log, "%s/l.log", tmpdir);
  snprintf(target, sizeof target, "%s/notified", tmpdir);
  pid_t lp = start_listener(sock, log);
  ok(lp > 0, "listener started (%s)", listener_path);
  if (lp < 0)
    return;

  struct prof p;
  prof_init(&p, "SCMP_ACT_ALLOW");
  prof_rule(&p, "SCMP_ACT_NOTIFY", -1, "mkdir", "mkdirat", "getppid", NULL);
  prof_flag(&p, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");
  p.s.listener_path = sock;
  p.s.listener_metadata = "MKNOD=/dev/null;\"quoted\"";
  oci_config *c = config_with(&p.s, true);
  const char *state = "{\"ociVersion\":\"1.3.0\",\"id\":\"c1\",\"status\":\"created\","
                      "\"pid\":1,\"bundle\":\"/b\",\"annotations\":{\"k\":\"v\"}}";
  /* As rt does it: prepare (compile, connect) in the parent, release the
   * parent's copies once the child exists. */
  rt_error perr = {0};
  int pr = security_prepare(c, &perr);
  ok(pr == 0 && rt_seccomp_listener_fd >= 0, "security_prepare connected to the listener %s",
     perr.msg);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    rt_error err = {0};
    shared[0] = shared[1] = shared[2] = 999;
    security_child_init();
    if (security_apply(c, 0, state, &err) < 0) {
      printf("# %s\n", err.msg);
      _exit(100);
    }
    shared[3] = rt_seccomp_listener_fd >= 0; /* not consumed at stage 0 */
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    if (security_apply(c, 1, state, &err) < 0) {
      printf("# %s\n", err.msg);
      fflush(stdout);
      _exit(101);
    }
    shared[0] = mkdir(target, 0700) < 0 ? -errno : 0;
    shared[1] = sc(SYS_getppid, 0, 0);
    shared[2] = rt_seccomp_listener_fd;
    _exit(0);
  }
  security_release();
  ok(rt_seccomp_listener_fd == -1, "security_release closed the parent's connection");
  int st;
  waitpid(pid, &st, 0);
  ok(exited0(st), "notified child finishes (status 0x%x)", st);
  ok(shared[3] == 1, "the child inherited the connection");
  ok(shared[2] == -1, "the listener connection is closed after the handshake");
  struct stat sb;
  ok(shared[0] == 0 && stat(target, &sb) < 0,
     "mkdir answered with success by the listener, nothing made (%ld)", shared[0]);
  ok(shared[1] == getpid(), "getppid continued by the listener runs for real (%ld)", shared[1]);

  /* The listener's record of the handshake and the notifications. */
  usleep(100000);
  char *l = slurp(log);
  char want_pid[64];
  snprintf(want_pid, sizeof want_pid, "\"pid\":%d,", (int)pid);
  ok(strstr(l, "state {\"ociVersion\":\"1.3.0\",\"fds\":[\"seccompFd\"]") != NULL,
     "listener got ociVersion and fds [\"seccompFd\"]");
  ok(strstr(l, want_pid) != NULL, "the pid is the process's (%s)", want_pid);
  ok(strstr(l, "\"metadata\":\"MKNOD=/dev/null;\\\"quoted\\\"\"") != NULL,
     "listenerMetadata passed, JSON-escaped");
  ok(strstr(l, "\"state\":{\"ociVersion\":\"1.3.0\",\"id\":\"c1\"") != NULL,
     "the container state is embedded");
  ok(strstr(l, "invalid") == NULL, "the listener found the state valid");
  ok(strstr(l, "notify mkdir") != NULL && strstr(l, "notify getppid") != NULL,
     "the listener was notified of mkdir and getppid");
  if (strstr(l, "invalid") || !strstr(l, "notify"))
    printf("# listener log:\n# %s\n", l);

  kill(lp, SIGKILL);
  waitpid(lp, NULL, 0);

  /* Listener gone: prepare fails, naming the field. */
  rt_error err = {0};
  int r = security_prepare(c, &err);
  ok(r < 0 && strstr(err.msg, "config.json: .linux.seccomp.listenerPath: connect to "),
     "no listener: %s", err.msg);
}

static void test_process_state(void) {
  char *s = rt_seccomp_process_state("1.3.0", 42, NULL, NULL);
  is_str(s, "{\"ociVersion\":\"1.3.0\",\"fds\":[\"seccompFd\"],\"pid\":42,\"state\":{}}",
         "process state without metadata");
  free(s);
}

/* ---- the compiled-filter cache ---- */

static bool same_prog(const struct rt_seccomp_prog *a, const struct rt_seccomp_prog *b) {
  return a->len == b->len && memcmp(a->insns, b->insns, a->len * 8) == 0;
}

static int count_files(const char *dir) {
  char cmd[256];
  snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", dir);
  FILE *f = popen(cmd, "r");
  int n = -1;
  if (f) {
    if (fscanf(f, "%d", &n) != 1)
      n = -1;
    pclose(f);
  }
  return n;
}

static void test_cache(void) {
  char dir[128], file[256];
  snprintf(dir, sizeof dir, "%s/cache/seccomp", tmpdir);
  struct prof p;
  prof_init(&p, "SCMP_ACT_ALLOW");
  prof_rule(&p, "SCMP_ACT_ERRNO", EXDEV, "getppid", NULL);
  struct rt_seccomp_prog a, b, c;
  rt_error err = {0};
  /* (tap's ok() evaluates its condition twice: no side effects in it.) */
  int r = rt_seccomp_compile(&p.s, dir, &a, &err);
  ok(r == 0 && !a.from_cache, "first compile: a miss");
  struct stat st;
  ok(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700, "cache directory made 0700");
  ok(count_files(dir) == 1, "one program stored, no temporary left");
  r = rt_seccomp_compile(&p.s, dir, &b, &err);
  ok(r == 0 && b.from_cache && same_prog(&a, &b), "second compile: a hit, the same program");

  /* A hit must behave: load it and check the rule. */
  shared[0] = 0;
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    if (rt_seccomp_load_prog(&b, NULL, &err) < 0)
      _exit(100);
    shared[0] = sc(SYS_getppid, 0, 0);
    _exit(0);
  }
  int wst;
  waitpid(pid, &wst, 0);
  ok(exited0(wst) && shared[0] == -EXDEV, "the cached program filters (%ld)", shared[0]);

  /* Any change of the profile is another entry. */
  p.sc[0].errno_ret = EXDEV + 1;
  r = rt_seccomp_compile(&p.s, dir, &c, &err);
  ok(r == 0 && !c.from_cache && !same_prog(&a, &c), "another errnoRet: a miss, another program");
  rt_seccomp_prog_free(&c);
  p.sc[0].errno_ret = EXDEV;

  /* Tampering: a file not private, or whose key differs, is not used. */
  char *key = rt_seccomp_cache_key(&p.s);
  uint64_t h = 0xcbf29ce484222325ULL;
  for (const char *k = key; *k; k++)
    h = (h ^ (unsigned char)*k) * 0x100000001b3ULL;
  snprintf(file, sizeof file, "%s/%016llx.bpf", dir, (unsigned long long)h);
  ok(stat(file, &st) == 0 && (st.st_mode & 0777) == 0600, "entry named by the key's hash, 0600");
  chmod(file, 0666);
  r = rt_seccomp_compile(&p.s, dir, &c, &err);
  ok(r == 0 && !c.from_cache, "an entry writable by others is ignored (and replaced)");
  rt_seccomp_prog_free(&c);
  ok(stat(file, &st) == 0 && (st.st_mode & 0777) == 0600, "replaced by a private one");
  int fd = open(file, O_WRONLY | O_CLOEXEC);
  ssize_t w = fd >= 0 ? pwrite(fd, "X", 1, 24) : -1;
  ok(w == 1, "corrupt the stored key");
  close(fd);
  r = rt_seccomp_compile(&p.s, dir, &c, &err);
  ok(r == 0 && !c.from_cache && same_prog(&a, &c),
     "a stored key that differs is a miss (a hash collision is never a wrong filter)");
  rt_seccomp_prog_free(&c);
  chmod(dir, 0777);
  int dfd = rt_seccomp_cache_open(dir);
  ok(dfd < 0, "a cache directory writable by others is refused");
  if (dfd >= 0)
    close(dfd);
  r = rt_seccomp_compile(&p.s, dir, &c, &err);
  ok(r == 0 && !c.from_cache, "then compiles without the cache");
  rt_seccomp_prog_free(&c);
  chmod(dir, 0700);
  free(key);
  rt_seccomp_prog_free(&a);
  rt_seccomp_prog_free(&b);
}

/* ---- a Docker-like profile: behaviour and cost ---- */

static void body_docker(void) {
  shared[0] = sc(SYS_unshare, CLONE_NEWUTS, 0);
  shared[1] = sc(SYS_mount, 0, 0);
  shared[2] = sc(SYS_clone3, 0, 0);
  shared[3] = sc(SYS_personality, 0xffffffffL, 0);
  shared[4] = sc(SYS_personality, 0x0040000, 0);
  shared[5] = sc(SYS_socket, 40 /* AF_VSOCK */, SOCK_STREAM);
  long u = sc(SYS_socket, AF_UNIX, SOCK_STREAM);
  shared[6] = u;
  shared[7] = sc(SYS_kcmp, 0, 0);
  shared[8] = sc(SYS_getppid, 0, 0);
}

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void test_docker_like(void) {
  oci_seccomp *s = fixture_load(fixture_path);
  ok(s != NULL && s->n_syscalls > 5, "fixture loaded (%s)", fixture_path);
  if (!s)
    return;
  size_t names = 0;
  for (size_t i = 0; i < s->n_syscalls; i++)
    names += s->syscalls[i].n_names;
  int st = run_filtered(s, body_docker);
  ok(exited0(st), "docker-like profile (%zu names): child runs", names);
  ok(shared[0] == -EPERM, "unshare denied (EPERM): %ld", shared[0]);
  ok(shared[1] == -EPERM, "mount denied: %ld", shared[1]);
  ok(shared[2] == -ENOSYS, "clone3 gets ENOSYS (so libc falls back to clone): %ld", shared[2]);
  ok(shared[3] >= 0, "personality(0xffffffff) allowed by its args: %ld", shared[3]);
  ok(shared[4] == -EPERM, "personality(ADDR_NO_RANDOMIZE) falls to the default: %ld", shared[4]);
  ok(shared[5] == -EPERM, "socket(AF_VSOCK) denied by SCMP_CMP_NE: %ld", shared[5]);
  ok(shared[6] >= 0, "socket(AF_UNIX) allowed: %ld", shared[6]);
  ok(shared[7] == -EPERM, "kcmp (not listed) gets the default errno: %ld", shared[7]);
  ok(shared[8] > 0, "getppid allowed: %ld", shared[8]);

  /* Cost of build (libseccomp: rules -> db -> BPF), export, load; in
   * children so every load starts from no filter. */
  enum { N = 41 };
  static double t_build[N], t_export[N], t_load[N];
  double *tm = (double *)(shared + 16);
  for (int i = 0; i < N; i++) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
      rt_error err;
      prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
      double t0 = now_us();
      void *ctx = NULL;
      if (rt_seccomp_build(s, &ctx, &err) < 0)
        _exit(1);
      double t1 = now_us();
      void *prog;
      size_t len;
      if (rt_seccomp_export(ctx, &prog, &len, &err) < 0)
        _exit(1);
      double t2 = now_us();
      rt_seccomp_release(ctx);
      struct sock_fprog fp = {.len = (unsigned short)len, .filter = prog};
      double t3 = now_us();
      if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &fp) < 0)
        _exit(1);
      double t4 = now_us();
      tm[0] = t1 - t0;
      tm[1] = t2 - t1;
      tm[2] = t4 - t3;
      tm[3] = (double)len;
      _exit(0);
    }
    waitpid(pid, &st, 0);
    t_build[i] = tm[0];
    t_export[i] = tm[1];
    t_load[i] = tm[2];
  }
  /* The cached path: validate, key, read back. */
  char dir[128];
  snprintf(dir, sizeof dir, "%s/bench-cache", tmpdir);
  static double t_hit[N];
  for (int i = 0; i < N; i++) {
    struct rt_seccomp_prog pr;
    rt_error err;
    double t0 = now_us();
    int r = rt_seccomp_compile(s, dir, &pr, &err);
    t_hit[i] = now_us() - t0;
    if (r == 0)
      rt_seccomp_prog_free(&pr);
    if (i == 0)
      t_hit[i] = 1e9; /* the miss that fills it */
  }
  qsort(t_hit, N, sizeof(double), cmp_double);
  qsort(t_build, N, sizeof(double), cmp_double);
  qsort(t_export, N, sizeof(double), cmp_double);
  qsort(t_load, N, sizeof(double), cmp_double);
  printf("# docker-like profile, %zu names, %d BPF instructions, median of %d (min..max) us:\n"
         "#   build %.0f (%.0f..%.0f)  export %.0f (%.0f..%.0f)  load %.0f (%.0f..%.0f)\n",
         names, (int)tm[3], N, t_build[N / 2], t_build[0], t_build[N - 1], t_export[N / 2],
         t_export[0], t_export[N - 1], t_load[N / 2], t_load[0], t_load[N - 1]);
  printf("#   compile from the cache (validate + key + read) %.0f (%.0f..%.0f)\n", t_hit[N / 2],
         t_hit[0], t_hit[N - 2]);
  ok(exited0(st), "build+export+load measured");
  fixture_free(s);
}

int main(void) {
  shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  snprintf(tmpdir, sizeof tmpdir, "/tmp/rt-test-seccomp.XXXXXX");
  if (shared == MAP_FAILED || !mkdtemp(tmpdir)) {
    perror("setup");
    return 1;
  }
  find_paths();
  /* security_prepare caches compiled filters: not in the host's /run. */
  char cache[128];
  snprintf(cache, sizeof cache, "%s/default-cache", tmpdir);
  setenv("RT_SECCOMP_CACHE", cache, 1);
  test_validation();
  test_process_state();
  test_errno();
  test_default_errno();
  test_kill_trap();
  test_kill_thread_vs_process();
  test_log_allow();
  test_trace();
  test_operators();
  test_multiple_args();
  test_archs();
  test_flags();
  test_tsync();
  test_needs_privilege();
  test_stages();
  test_notify();
  test_cache();
  test_docker_like();
  char cmd[160];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  if (system(cmd) != 0)
    printf("# could not remove %s\n", tmpdir);
  return tap_done();
}

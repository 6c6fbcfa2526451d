/* process.capabilities: a forked child applies the sets in the init's order
 * (bounding, user switch, the others), reports /proc/self/status, then
 * execs cat on it to show what the program itself gets. Needs root, or
 * runs as root of a user namespace of its own (uid 0 only). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux/process.h"
#include "tap.h"

struct caps_seen {
  uint64_t inh, prm, eff, bnd, amb;
  unsigned uid;
};

struct result {
  int rc; /* 0, or 1 when a step failed (msg says which) */
  char msg[512];
  struct caps_seen before_exec;
};

static struct result *shared;
static bool in_own_userns; /* not root: setgroups is denied there */
static char tmpdir[64];

static void parse_status(const char *text, struct caps_seen *s) {
  memset(s, 0, sizeof *s);
  const char *l = text;
  while (l && *l) {
    sscanf(l, "CapInh: %" SCNx64, &s->inh);
    sscanf(l, "CapPrm: %" SCNx64, &s->prm);
    sscanf(l, "CapEff: %" SCNx64, &s->eff);
    sscanf(l, "CapBnd: %" SCNx64, &s->bnd);
    sscanf(l, "CapAmb: %" SCNx64, &s->amb);
    sscanf(l, "Uid: %u", &s->uid);
    l = strchr(l, '\n');
    if (l)
      l++;
  }
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

#define BIT(c) ((uint64_t)1 << (c))

/* Make the process lack capability c altogether, as rt would on a host
 * whose bounding set lacks it. */
static void drop_everywhere(int c) {
  prctl(PR_CAPBSET_DROP, c, 0, 0, 0);
  struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct d[2];
  syscall(SYS_capget, &h, d);
  d[c / 32].effective &= ~(1u << (c % 32));
  d[c / 32].permitted &= ~(1u << (c % 32));
  d[c / 32].inheritable &= ~(1u << (c % 32));
  syscall(SYS_capset, &h, d);
}

struct run {
  struct caps_seen before, after;
  char *warnings;
  int rc;
};

/* drop_first: a capability removed from the bounding set before applying,
 * to stand for one the runtime itself does not have (-1: none). */
static struct run run_caps(oci_process *p, int drop_first) {
  char out[96], errp[96];
  snprintf(out, sizeof out, "%s/out", tmpdir);
  snprintf(errp, sizeof errp, "%s/err", tmpdir);
  memset(shared, 0, sizeof *shared);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    int o = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int e = open(errp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    dup2(o, 1);
    dup2(e, 2);
    rt_error err = {0};
    if (drop_first >= 0)
      drop_everywhere(drop_first);
    if (proc_apply_caps(p, 0, &err) < 0 || proc_apply_user(p, in_own_userns, &err) < 0 ||
        proc_apply_caps(p, 1, &err) < 0) {
      shared->rc = 1;
      snprintf(shared->msg, sizeof shared->msg, "%.500s", err.msg);
      _exit(1);
    }
    char *st = slurp("/proc/self/status");
    parse_status(st, &shared->before_exec);
    execl("/bin/cat", "cat", "/proc/self/status", (char *)NULL);
    _exit(127);
  }
  int st;
  waitpid(pid, &st, 0);
  struct run r = {.before = shared->before_exec, .rc = shared->rc};
  if (shared->rc)
    printf("# apply failed: %s\n", shared->msg);
  parse_status(slurp(out), &r.after);
  r.warnings = strdup(slurp(errp));
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
    r.rc = r.rc ? r.rc : 2;
  return r;
}

static void show(const char *what, const struct caps_seen *s) {
  printf("#   %s: uid %u inh %" PRIx64 " prm %" PRIx64 " eff %" PRIx64 " bnd %" PRIx64
         " amb %" PRIx64 "\n",
         what, s->uid, s->inh, s->prm, s->eff, s->bnd, s->amb);
}

static bool same(const struct caps_seen *s, uint64_t inh, uint64_t prm, uint64_t eff, uint64_t bnd,
                 uint64_t amb) {
  bool r = s->inh == inh && s->prm == prm && s->eff == eff && s->bnd == bnd && s->amb == amb;
  if (!r) {
    show("got", s);
    struct caps_seen w = {inh, prm, eff, bnd, amb, s->uid};
    show("want", &w);
  }
  return r;
}

#define SET(field, ...)                                                                            \
  do {                                                                                             \
    static char *v_[] = {__VA_ARGS__};                                                             \
    c.field = v_;                                                                                  \
    c.n_##field = sizeof v_ / sizeof v_[0];                                                        \
    c.has_##field = true;                                                                          \
  } while (0)

static void test_root(void) {
  oci_capabilities c = {0};
  SET(bounding, "CAP_KILL", "CAP_CHOWN");
  SET(permitted, "CAP_KILL", "CAP_CHOWN");
  SET(effective, "CAP_KILL");
  oci_process p = {.capabilities = &c};
  struct run r = run_caps(&p, -1);
  ok(r.rc == 0, "root: caps applied and cat ran");
  uint64_t kc = BIT(CAP_KILL) | BIT(CAP_CHOWN);
  ok(same(&r.before, 0, kc, BIT(CAP_KILL), kc, 0), "root: the sets as configured before exec");
  /* Root's exec gets bounding | inheritable, all effective (capabilities(7)). */
  ok(same(&r.after, 0, kc, kc, kc, 0), "root: after exec the bounding set is permitted+effective");
  ok(r.warnings[0] == '\0', "no warnings: '%s'", r.warnings);
  free(r.warnings);
}

static void test_user_ambient(void) {
  oci_capabilities c = {0};
  SET(bounding, "CAP_NET_BIND_SERVICE", "CAP_KILL", "CAP_CHOWN");
  SET(permitted, "CAP_NET_BIND_SERVICE", "CAP_KILL");
  SET(effective, "CAP_NET_BIND_SERVICE", "CAP_KILL");
  SET(inheritable, "CAP_NET_BIND_SERVICE");
  SET(ambient, "CAP_NET_BIND_SERVICE");
  oci_process p = {.capabilities = &c, .user = {.uid = 1000, .gid = 1000}};
  struct run r = run_caps(&p, -1);
  ok(r.rc == 0, "uid 1000: caps applied and cat ran");
  uint64_t nbs = BIT(CAP_NET_BIND_SERVICE), kill = BIT(CAP_KILL);
  uint64_t bnd = nbs | kill | BIT(CAP_CHOWN);
  ok(r.before.uid == 1000 && same(&r.before, nbs, nbs | kill, nbs | kill, bnd, nbs),
     "uid 1000: permitted kept across setuid, ambient raised");
  /* A non-root exec of a plain file keeps only the ambient set. */
  ok(r.after.uid == 1000 && same(&r.after, nbs, nbs, nbs, bnd, nbs),
     "uid 1000: the program has the ambient capability and nothing else");
  ok(r.warnings[0] == '\0', "no warnings: '%s'", r.warnings);
  free(r.warnings);
}

static void test_user_inheritable_outside_permitted(void) {
  oci_capabilities c = {0};
  SET(bounding, "CAP_KILL", "CAP_SYSLOG");
  SET(permitted, "CAP_KILL");
  SET(effective, "CAP_KILL");
  SET(inheritable, "CAP_SYSLOG");
  oci_process p = {.capabilities = &c, .user = {.uid = 1000, .gid = 1000}};
  struct run r = run_caps(&p, -1);
  uint64_t kill = BIT(CAP_KILL), sl = BIT(CAP_SYSLOG);
  ok(r.rc == 0 && same(&r.before, sl, kill, kill, kill | sl, 0),
     "uid 1000: an inheritable capability outside the permitted set is set");
  free(r.warnings);
}

static void test_unknown_and_unavailable(void) {
  oci_capabilities c = {0};
  SET(bounding, "CAP_UNKNOWN", "UNKNOWN_CAP", "CAP_KILL", "CAP_SYS_RESOURCE");
  SET(permitted, "CAP_KILL", "CAP_SYS_RESOURCE");
  SET(effective, "CAP_KILL", "CAP_SYS_RESOURCE", "CAP_CHOWN");
  SET(inheritable, "CAP_KILL");
  SET(ambient, "CAP_KILL", "CAP_CHOWN");
  oci_process p = {.capabilities = &c};
  /* As if rt's own bounding set lacked CAP_SYS_RESOURCE. */
  struct run r = run_caps(&p, CAP_SYS_RESOURCE);
  uint64_t kill = BIT(CAP_KILL);
  ok(r.rc == 0, "unknown and unavailable capabilities do not fail the start");
  ok(same(&r.before, kill, kill, kill, kill, kill), "only CAP_KILL is granted, in every set");
  const char *w[] = {
      "config.json: .process.capabilities.bounding[0]: \"CAP_UNKNOWN\" is not a known "
      "capability; ignored",
      "config.json: .process.capabilities.bounding[1]: \"UNKNOWN_CAP\" is not a known "
      "capability; ignored",
      "config.json: .process.capabilities.bounding: CAP_SYS_RESOURCE cannot be granted (not in "
      "rt's bounding set); ignored",
      "config.json: .process.capabilities.permitted: CAP_SYS_RESOURCE cannot be granted (rt does "
      "not hold it); ignored",
      "config.json: .process.capabilities.effective: CAP_CHOWN cannot be granted (not "
      "permitted); ignored",
  };
  for (size_t i = 0; i < sizeof w / sizeof w[0]; i++)
    ok(strstr(r.warnings, w[i]) != NULL, "warning: %s", w[i]);
  /* runc's default spec asks for ambient capabilities that are not
   * inheritable: skipped with a --debug note only, never on the container's
   * stderr. */
  ok(strstr(r.warnings, "can't raise ambient capability") == NULL,
     "an ambient capability that is not inheritable is skipped without a warning");
  if (!strstr(r.warnings, w[0]))
    printf("# stderr: %s\n", r.warnings);
  free(r.warnings);
}

static void test_absent(void) {
  oci_process p = {0};
  struct run r = run_caps(&p, -1);
  ok(r.rc == 0 && same(&r.before, 0, 0, 0, 0, 0) && same(&r.after, 0, 0, 0, 0, 0),
     "no capabilities object: no capabilities at all (as runc)");
  free(r.warnings);
}

static void test_empty_bounding_keeps_nothing_for_root(void) {
  oci_capabilities c = {0};
  SET(permitted, "CAP_KILL");
  SET(effective, "CAP_KILL");
  oci_process p = {.capabilities = &c};
  struct run r = run_caps(&p, -1);
  /* Bounding not given = empty: root's exec gets nothing back from it. */
  ok(r.rc == 0 && same(&r.before, 0, BIT(CAP_KILL), BIT(CAP_KILL), 0, 0) &&
         same(&r.after, 0, 0, 0, 0, 0),
     "bounding not given: dropped entirely, the exec'd program has nothing");
  free(r.warnings);
}

/* Not root: become root of a new user namespace of our own (uid and gid 0
 * mapped to ours, every capability inside it), where the capability sets
 * behave as for root; only ids other than 0 cannot be switched to there. */
static bool enter_own_userns(char *why, size_t len) {
  uid_t uid = geteuid();
  gid_t gid = getegid();
  if (unshare(CLONE_NEWUSER) < 0) {
    snprintf(why, len, "unshare(CLONE_NEWUSER): %s", strerror(errno));
    return false;
  }
  char map[64];
  int fd = open("/proc/self/setgroups", O_WRONLY | O_CLOEXEC);
  bool okw = fd >= 0 && write(fd, "deny", 4) == 4;
  if (fd >= 0)
    close(fd);
  snprintf(map, sizeof map, "0 %u 1", (unsigned)uid);
  fd = open("/proc/self/uid_map", O_WRONLY | O_CLOEXEC);
  okw = okw && fd >= 0 && write(fd, map, strlen(map)) == (ssize_t)strlen(map);
  if (fd >= 0)
    close(fd);
  snprintf(map, sizeof map, "0 %u 1", (unsigned)gid);
  fd = open("/proc/self/gid_map", O_WRONLY | O_CLOEXEC);
  okw = okw && fd >= 0 && write(fd, map, strlen(map)) == (ssize_t)strlen(map);
  if (fd >= 0)
    close(fd);
  if (!okw || geteuid() != 0) {
    snprintf(why, len, "writing the id maps of a new user namespace: %s", strerror(errno));
    return false;
  }
  return true;
}

int main(void) {
  bool userns = false;
  if (geteuid() != 0) {
    char why[256];
    if (!enter_own_userns(why, sizeof why)) {
      printf("1..0 # SKIP needs root or a user namespace (%s)\n", why);
      return 0;
    }
    userns = true;
  }
  in_own_userns = userns;
  shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  snprintf(tmpdir, sizeof tmpdir, "/tmp/rt-test-caps.XXXXXX");
  if (shared == MAP_FAILED || !mkdtemp(tmpdir)) {
    perror("setup");
    return 1;
  }
  if (access("/bin/cat", X_OK) < 0) {
    printf("1..0 # SKIP no /bin/cat to exec\n");
    return 0;
  }
  test_root();
  if (userns) {
    ok(1, "# SKIP uid 1000: not root, and only uid 0 is mapped in our own user namespace");
  } else {
    test_user_ambient();
    test_user_inheritable_outside_permitted();
  }
  test_unknown_and_unavailable();
  test_absent();
  test_empty_bounding_keeps_nothing_for_root();
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  if (system(cmd) != 0)
    printf("# could not remove %s\n", tmpdir);
  return tap_done();
}

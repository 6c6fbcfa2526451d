/* Round trip of `rt spec`: the built rt binary writes the default
 * config.json (and the --rootless one) into temporary bundles, and rt's own
 * parser (libocispec) reads them back; the key fields are checked.
 *
 * The binary is RT_BINARY from the environment, else the rt of the build
 * tree (compiled in as RT_BINARY_DEFAULT), else "./rt". */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libocispec/oci_config.h"
#include "tap.h"

#ifndef RT_BINARY_DEFAULT
#define RT_BINARY_DEFAULT "./rt"
#endif

#define is_int(got, want, ...)                                                                     \
  do {                                                                                             \
    long long g_ = (long long)(got), w_ = (long long)(want);                                       \
    ok(g_ == w_, __VA_ARGS__);                                                                     \
    if (g_ != w_)                                                                                  \
      printf("#   got: %lld\n#   want: %lld\n", g_, w_);                                           \
  } while (0)

static char tmpdir[PATH_MAX];

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb;
  (void)flag;
  (void)ftw;
  remove(path);
  return 0;
}

static void cleanup(void) {
  if (tmpdir[0]) {
    nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    tmpdir[0] = '\0';
  }
}

static const char *rt_binary(void) {
  const char *b = getenv("RT_BINARY");
  return b && *b ? b : RT_BINARY_DEFAULT;
}

/* Run rt with args (NULL-terminated, without argv[0]); returns the exit
 * code (-1 if it did not exit) and the first bytes of stderr in errbuf. */
static int run_rt(const char *const *args, char *errbuf, size_t errlen) {
  const char *argv[16];
  size_t n = 0;
  argv[n++] = rt_binary();
  for (; *args && n < 15; args++)
    argv[n++] = *args;
  argv[n] = NULL;
  int p[2];
  if (pipe(p) < 0)
    abort();
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0)
    abort();
  if (pid == 0) {
    close(p[0]);
    dup2(p[1], 2);
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    execv(argv[0], (char *const *)argv);
    fprintf(stderr, "exec %s: %s", argv[0], strerror(errno));
    _exit(127);
  }
  close(p[1]);
  size_t got = 0;
  char sink[256];
  for (;;) {
    char *dst = got + 1 < errlen ? errbuf + got : sink;
    size_t room = got + 1 < errlen ? errlen - 1 - got : sizeof sink;
    ssize_t r = read(p[0], dst, room);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      break;
    if (dst != sink)
      got += (size_t)r;
  }
  errbuf[got] = '\0';
  close(p[0]);
  int status;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
    return -1;
  return WEXITSTATUS(status);
}

static bool strv_is(char *const *v, size_t n, const char *const *want) {
  size_t i = 0;
  for (; want[i]; i++)
    if (i >= n || !v || !v[i] || strcmp(v[i], want[i]) != 0)
      return false;
  return i == n && v && v[n] == NULL;
}
#define STRV(...) ((const char *const[]){__VA_ARGS__, NULL})

static bool has_str(char *const *v, size_t n, const char *s) {
  for (size_t i = 0; i < n; i++)
    if (v[i] && strcmp(v[i], s) == 0)
      return true;
  return false;
}

static oci_config *spec_in(const char *name, bool rootless) {
  char bundle[PATH_MAX + 64];
  snprintf(bundle, sizeof bundle, "%s/%s", tmpdir, name);
  if (mkdir(bundle, 0700) < 0)
    abort();
  char err[1024];
  int code = rootless ? run_rt(STRV("spec", "--rootless", "--bundle", bundle), err, sizeof err)
                      : run_rt(STRV("spec", "--bundle", bundle), err, sizeof err);
  is_int(code, 0, "%s: `rt spec%s --bundle DIR` exits 0", name, rootless ? " --rootless" : "");
  if (code != 0)
    printf("#   stderr: %s\n", err);
  is_str(err, "", "%s: nothing on stderr", name);

  char path[PATH_MAX + 96];
  snprintf(path, sizeof path, "%s/config.json", bundle);
  struct stat sb;
  int sr = stat(path, &sb);
  ok(sr == 0 && S_ISREG(sb.st_mode), "%s: config.json written", name);

  rt_error e = {0};
  oci_config *c = oci_config_parse_file(path, &e);
  ok(c != NULL, "%s: config.json parses with libocispec", name);
  if (!c)
    printf("#   error: %s\n", e.msg);

  /* a second run refuses to overwrite */
  code = rootless ? run_rt(STRV("spec", "--rootless", "--bundle", bundle), err, sizeof err)
                  : run_rt(STRV("spec", "--bundle", bundle), err, sizeof err);
  ok(code != 0 && code != 127 && code != -1, "%s: a second `rt spec` fails (%d)", name, code);
  ok(strstr(err, "File config.json exists. Remove it first") != NULL,
     "%s: it says config.json exists", name);
  return c;
}

static const oci_mount *find_mount(const oci_config *c, const char *dest) {
  for (size_t i = 0; i < c->n_mounts; i++)
    if (c->mounts[i].destination && strcmp(c->mounts[i].destination, dest) == 0)
      return &c->mounts[i];
  return NULL;
}

static bool has_ns(const oci_config *c, const char *type) {
  if (!c->linux_)
    return false;
  for (size_t i = 0; i < c->linux_->n_namespaces; i++)
    if (c->linux_->namespaces[i].type && strcmp(c->linux_->namespaces[i].type, type) == 0)
      return true;
  return false;
}

static void check_common(const oci_config *c, const char *name) {
  is_str(c->oci_version, "1.3.0", "%s: ociVersion", name);
  is_str(c->hostname, "rt", "%s: hostname", name);
  ok(c->root != NULL, "%s: root given", name);
  if (c->root) {
    is_str(c->root->path, "rootfs", "%s: root.path", name);
    ok(c->root->readonly, "%s: root.readonly", name);
  }

  const oci_process *p = c->process;
  ok(p != NULL, "%s: process given", name);
  if (p) {
    ok(p->terminal, "%s: process.terminal", name);
    ok(strv_is(p->args, p->n_args, STRV("sh")), "%s: process.args is [\"sh\"]", name);
    ok(strv_is(p->env, p->n_env,
               STRV("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    "TERM=xterm")),
       "%s: process.env", name);
    is_str(p->cwd, "/", "%s: process.cwd", name);
    is_int(p->user.uid, 0, "%s: user.uid", name);
    is_int(p->user.gid, 0, "%s: user.gid", name);
    ok(p->no_new_privileges, "%s: noNewPrivileges", name);
    ok(p->capabilities != NULL, "%s: capabilities given", name);
    if (p->capabilities) {
      const oci_capabilities *k = p->capabilities;
      const char *const *want = STRV("CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE");
      ok(k->has_bounding && strv_is(k->bounding, k->n_bounding, want), "%s: bounding", name);
      ok(k->has_effective && strv_is(k->effective, k->n_effective, want), "%s: effective", name);
      ok(k->has_permitted && strv_is(k->permitted, k->n_permitted, want), "%s: permitted", name);
      ok(k->has_ambient && strv_is(k->ambient, k->n_ambient, want), "%s: ambient", name);
      ok(!k->has_inheritable, "%s: no inheritable set", name);
    }
    is_int(p->n_rlimits, 1, "%s: one rlimit", name);
    if (p->n_rlimits == 1) {
      is_str(p->rlimits[0].type, "RLIMIT_NOFILE", "%s: rlimit type", name);
      is_int(p->rlimits[0].soft, 1024, "%s: rlimit soft", name);
      is_int(p->rlimits[0].hard, 1024, "%s: rlimit hard", name);
    }
  }

  is_int(c->n_mounts, 7, "%s: seven mounts", name);
  static const char *const dests[] = {"/proc",       "/dev",     "/dev/pts",       "/dev/shm",
                                      "/dev/mqueue", "/sys",     "/sys/fs/cgroup", NULL};
  for (size_t i = 0; dests[i]; i++) {
    const char *d = i < c->n_mounts ? c->mounts[i].destination : NULL;
    is_str(d, dests[i], "%s: mount %zu destination", name, i);
  }
  const oci_mount *m = find_mount(c, "/proc");
  ok(m && m->type && strcmp(m->type, "proc") == 0 && m->options == NULL,
     "%s: /proc is proc without options", name);
  m = find_mount(c, "/dev");
  ok(m && m->type && strcmp(m->type, "tmpfs") == 0 &&
         strv_is(m->options, m->n_options,
                 STRV("nosuid", "strictatime", "mode=755", "size=65536k")),
     "%s: /dev is a tmpfs with its options", name);
  m = find_mount(c, "/dev/shm");
  ok(m && m->source && strcmp(m->source, "shm") == 0 &&
         strv_is(m->options, m->n_options,
                 STRV("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")),
     "%s: /dev/shm", name);
  m = find_mount(c, "/dev/mqueue");
  ok(m && m->type && strcmp(m->type, "mqueue") == 0, "%s: /dev/mqueue", name);
  m = find_mount(c, "/sys/fs/cgroup");
  ok(m && m->type && strcmp(m->type, "cgroup") == 0 &&
         strv_is(m->options, m->n_options, STRV("nosuid", "noexec", "nodev", "relatime", "ro")),
     "%s: /sys/fs/cgroup read-only", name);

  const oci_linux *l = c->linux_;
  ok(l != NULL, "%s: linux given", name);
  if (!l)
    return;
  ok(l->has_masked_paths &&
         strv_is(l->masked_paths, l->n_masked_paths,
                 STRV("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                      "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                      "/proc/sched_debug", "/sys/firmware", "/proc/scsi")),
     "%s: maskedPaths", name);
  ok(has_str(l->masked_paths, l->n_masked_paths, "/proc/kcore"), "%s: /proc/kcore masked", name);
  ok(l->has_readonly_paths &&
         strv_is(l->readonly_paths, l->n_readonly_paths,
                 STRV("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger")),
     "%s: readonlyPaths", name);
  ok(l->seccomp == NULL, "%s: no seccomp profile", name);
  ok(l->cgroups_path == NULL, "%s: no cgroupsPath", name);
  ok(l->rootfs_propagation == NULL, "%s: no rootfsPropagation", name);
  is_int(c->annotations.n, 0, "%s: no annotations", name);
}

static void check_default(const oci_config *c) {
  check_common(c, "default");
  const oci_mount *m = find_mount(c, "/dev/pts");
  ok(m && strv_is(m->options, m->n_options,
                  STRV("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")),
     "default: /dev/pts with gid=5");
  m = find_mount(c, "/sys");
  ok(m && m->type && strcmp(m->type, "sysfs") == 0 && m->source &&
         strcmp(m->source, "sysfs") == 0 &&
         strv_is(m->options, m->n_options, STRV("nosuid", "noexec", "nodev", "ro")),
     "default: /sys is a read-only sysfs");
  const oci_linux *l = c->linux_;
  if (!l)
    return;
  is_int(l->n_namespaces, 5, "default: five namespaces");
  static const char *const ns[] = {"pid", "network", "ipc", "uts", "mount", NULL};
  for (size_t i = 0; ns[i]; i++) {
    const char *t = i < l->n_namespaces ? l->namespaces[i].type : NULL;
    is_str(t, ns[i], "default: namespace %zu", i);
    ok(i >= l->n_namespaces || l->namespaces[i].path == NULL, "default: namespace %s is new",
       ns[i]);
  }
  ok(!has_ns(c, "user"), "default: no user namespace");
  ok(!has_ns(c, "cgroup"), "default: no cgroup namespace");
  is_int(l->n_uid_mappings, 0, "default: no uidMappings");
  is_int(l->n_gid_mappings, 0, "default: no gidMappings");
  ok(l->resources != NULL, "default: linux.resources given");
  if (l->resources) {
    is_int(l->resources->n_devices, 1, "default: one device cgroup rule");
    if (l->resources->n_devices == 1) {
      const oci_device_cgroup *d = &l->resources->devices[0];
      ok(!d->allow, "default: the rule denies");
      is_str(d->access, "rwm", "default: access rwm");
      ok(d->type == NULL && !d->has_major && !d->has_minor, "default: for every device");
    }
  }
}

static void check_rootless(const oci_config *c) {
  check_common(c, "rootless");
  const oci_mount *m = find_mount(c, "/dev/pts");
  ok(m && strv_is(m->options, m->n_options,
                  STRV("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620")),
     "rootless: /dev/pts without gid=5");
  m = find_mount(c, "/sys");
  ok(m && m->type && strcmp(m->type, "none") == 0 && m->source &&
         strcmp(m->source, "/sys") == 0 &&
         strv_is(m->options, m->n_options, STRV("rbind", "nosuid", "noexec", "nodev", "ro")),
     "rootless: /sys is a read-only rbind of the host's");
  const oci_linux *l = c->linux_;
  if (!l)
    return;
  is_int(l->n_namespaces, 5, "rootless: five namespaces");
  static const char *const ns[] = {"pid", "ipc", "uts", "mount", "user", NULL};
  for (size_t i = 0; ns[i]; i++) {
    const char *t = i < l->n_namespaces ? l->namespaces[i].type : NULL;
    is_str(t, ns[i], "rootless: namespace %zu", i);
  }
  ok(has_ns(c, "user"), "rootless: user namespace");
  ok(!has_ns(c, "network"), "rootless: no network namespace");
  is_int(l->n_uid_mappings, 1, "rootless: one uidMapping");
  if (l->n_uid_mappings == 1) {
    is_int(l->uid_mappings[0].container_id, 0, "rootless: uid containerID 0");
    is_int(l->uid_mappings[0].host_id, geteuid(), "rootless: uid hostID is the caller's");
    is_int(l->uid_mappings[0].size, 1, "rootless: uid size 1");
  }
  is_int(l->n_gid_mappings, 1, "rootless: one gidMapping");
  if (l->n_gid_mappings == 1) {
    is_int(l->gid_mappings[0].container_id, 0, "rootless: gid containerID 0");
    is_int(l->gid_mappings[0].host_id, getegid(), "rootless: gid hostID is the caller's");
    is_int(l->gid_mappings[0].size, 1, "rootless: gid size 1");
  }
  ok(l->resources == NULL, "rootless: no linux.resources (no device cgroup rules)");
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  printf("# rt binary: %s\n", rt_binary());
  const char *t = getenv("TMPDIR");
  snprintf(tmpdir, sizeof tmpdir, "%s/rt-test-spec-XXXXXX", t && *t ? t : "/tmp");
  if (!mkdtemp(tmpdir)) {
    perror("mkdtemp");
    return 1;
  }
  atexit(cleanup);

  int x = access(rt_binary(), X_OK);
  ok(x == 0, "the rt binary %s is executable", rt_binary());
  if (x != 0)
    return tap_done();

  oci_config *c = spec_in("default", false);
  if (c)
    check_default(c);
  oci_config_free(c);

  c = spec_in("rootless", true);
  if (c)
    check_rootless(c);
  oci_config_free(c);

  /* errors: a missing bundle, an extra argument */
  char err[1024], missing[PATH_MAX + 16];
  snprintf(missing, sizeof missing, "%s/missing", tmpdir);
  int code = run_rt(STRV("spec", "--bundle", missing), err, sizeof err);
  ok(code != 0 && code != 127 && code != -1, "spec into a missing bundle fails (%d)", code);
  ok(strstr(err, missing) != NULL, "the message names the bundle");
  code = run_rt(STRV("spec", "extra"), err, sizeof err);
  ok(code != 0 && code != 127 && code != -1, "spec with an argument fails (%d)", code);

  char saved[PATH_MAX];
  snprintf(saved, sizeof saved, "%s", tmpdir);
  cleanup();
  struct stat sb;
  int gone = stat(saved, &sb) < 0 && errno == ENOENT;
  ok(gone, "the temporary directory is removed");
  return tap_done();
}

/* Unit tests of the state store (src/state.c): container ids, the state
 * directory under a temporary --root, state.json written and read back,
 * atomic replacement, flock semantics across processes, the live status
 * computed from /proc (dead, zombie, reused pid, created, running), and the
 * state document of `rt state`.
 *
 * With STATE_JSON_OUT=DIR in the environment the state documents of a
 * created, a running and a stopped container are also written to
 * DIR/state-{created,running,stopped}.json for tests/schema/check.sh. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <grp.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>

#include "state.h"
#include "tap.h"
#include "util/cleanup.h"

/* tap.h's ok() evaluates its condition twice: conditions here have no side effects. */
#define is_int(got, want, ...)                                                                     \
  do {                                                                                             \
    long long g_ = (long long)(got), w_ = (long long)(want);                                       \
    ok(g_ == w_, __VA_ARGS__);                                                                     \
    if (g_ != w_)                                                                                  \
      printf("#   got: %lld\n#   want: %lld\n", g_, w_);                                           \
  } while (0)
#define is_uint(got, want, ...)                                                                    \
  do {                                                                                             \
    unsigned long long g_ = (unsigned long long)(got), w_ = (unsigned long long)(want);            \
    ok(g_ == w_, __VA_ARGS__);                                                                     \
    if (g_ != w_)                                                                                  \
      printf("#   got: %llu\n#   want: %llu\n", g_, w_);                                           \
  } while (0)
#define has_substr(got, want, ...)                                                                 \
  do {                                                                                             \
    const char *g_ = (got), *w_ = (want);                                                          \
    bool in_ = g_ && strstr(g_, w_) != NULL;                                                       \
    ok(in_, __VA_ARGS__);                                                                          \
    if (!in_)                                                                                      \
      printf("#   got: '%s'\n#   want a substring: '%s'\n", g_ ? g_ : "(null)", w_);               \
  } while (0)

/* A state directory made and published, as container_create does. */
static int mkstate(int rootfd, const char *id, rt_error *err) {
  char tmp[64];
  int d = rt_state_dir_create(rootfd, id, tmp, err);
  if (d >= 0 && rt_state_dir_publish(rootfd, tmp, id, err) < 0) {
    close(d);
    return -1;
  }
  return d;
}

static char tmpdir[PATH_MAX]; /* removed at exit */
static pid_t children[8];     /* killed and reaped at exit */
static size_t n_children;
static pid_t main_pid;        /* the test process (not a forked child) */

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb;
  (void)flag;
  (void)ftw;
  remove(path);
  return 0;
}

static void cleanup(void) {
  if (getpid() != main_pid)
    return; /* a forked child that calls exit() */
  for (size_t i = 0; i < n_children; i++) {
    if (children[i] > 0) {
      kill(children[i], SIGKILL);
      waitpid(children[i], NULL, 0);
      children[i] = 0;
    }
  }
  if (tmpdir[0]) {
    nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    tmpdir[0] = '\0';
  }
}

static void reap(pid_t pid) {
  for (size_t i = 0; i < n_children; i++)
    if (children[i] == pid)
      children[i] = 0;
  waitpid(pid, NULL, 0);
}

/* A child that sleeps until killed, renamed to `comm` first (to test the
 * parsing of /proc/PID/stat); returns once the rename is done. */
static pid_t spawn_sleeper(const char *comm) {
  int p[2];
  if (pipe(p) < 0)
    abort();
  pid_t pid = fork();
  if (pid < 0)
    abort();
  if (pid == 0) {
    close(p[0]);
    if (comm)
      prctl(PR_SET_NAME, comm, 0, 0, 0);
    if (write(p[1], "x", 1) != 1)
      _exit(1);
    close(p[1]);
    for (;;)
      pause();
  }
  children[n_children++] = pid;
  close(p[1]);
  char c;
  if (read(p[0], &c, 1) != 1)
    abort();
  close(p[0]);
  return pid;
}

/* The state letter and start time of pid, parsed here independently of
 * rt_state_pid_stat: the fields after the last ')' with sscanf. */
static int my_proc_stat(pid_t pid, char *letter, unsigned long long *start) {
  char path[64], buf[4096];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  FILE *f = fopen(path, "re");
  if (!f)
    return -1;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  char *p = strrchr(buf, ')');
  if (!p)
    return -1;
  /* field 3 is the state, fields 4..21 are skipped, field 22 is starttime */
  int r = sscanf(p + 1,
                 " %c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu",
                 letter, start);
  return r == 2 ? 0 : -1;
}

/* The id as a C string literal body (no newline may reach the TAP output). */
static const char *printable(const char *s) {
  static char buf[4][128];
  static int which;
  char *b = buf[which++ % 4], *o = b;
  for (; *s && o < b + sizeof buf[0] - 5; s++) {
    unsigned char c = (unsigned char)*s;
    if (c < 0x20 || c >= 0x7f)
      o += sprintf(o, "\\x%02x", c);
    else
      *o++ = (char)c;
  }
  *o = '\0';
  return b;
}

static bool file_exists_at(int dirfd, const char *name) {
  return faccessat(dirfd, name, F_OK, AT_SYMLINK_NOFOLLOW) == 0;
}

/* ---- ids ----------------------------------------------------------------------------------- */

static void test_ids(void) {
  static const char *const valid[] = {"a",     "abc",   "ABC-def_123", "x.y",     "a+b",
                                      "-",     "_",     "+",           "...",     "a..b",
                                      ".x",    "x.",    "0",           "my.ctr-1", NULL};
  for (const char *const *id = valid; *id; id++) {
    rt_error err = {0};
    int r = rt_state_id_validate(*id, &err);
    is_int(r, 0, "id \"%s\" is valid", *id);
    is_str(err.msg, "", "id \"%s\": no error message", *id);
  }

  char long_ok[NAME_MAX + 1], too_long[NAME_MAX + 2];
  memset(long_ok, 'a', NAME_MAX);
  long_ok[NAME_MAX] = '\0';
  memset(too_long, 'a', NAME_MAX + 1);
  too_long[NAME_MAX + 1] = '\0';
  rt_error err = {0};
  int r = rt_state_id_validate(long_ok, &err);
  is_int(r, 0, "an id of NAME_MAX (%d) characters is valid", NAME_MAX);
  r = rt_state_id_validate(too_long, &err);
  ok(r < 0, "an id of NAME_MAX+1 characters is rejected");
  is_str(err.msg, "invalid container id: longer than 255 characters", "message for a long id");

  r = rt_state_id_validate("", &err);
  ok(r < 0, "the empty id is rejected");
  is_str(err.msg, "invalid container id: it must not be empty", "message for the empty id");
  r = rt_state_id_validate(NULL, &err);
  ok(r < 0, "a NULL id is rejected");

  r = rt_state_id_validate(".", &err);
  ok(r < 0, "\".\" is rejected");
  is_str(err.msg, "invalid container id \".\"", "message for \".\"");
  r = rt_state_id_validate("..", &err);
  ok(r < 0, "\"..\" is rejected");
  is_str(err.msg, "invalid container id \"..\"", "message for \"..\"");

  static const char *const bad_chars[] = {"/",    "a/b",   "../x", "x/..", "a b", "a:b",
                                          "a\nb", "a\tb",  "a*",   "a@b",  "a$",  "a\\b",
                                          "caf\xc3\xa9", "a,b", "~a", "a%b", NULL};
  for (const char *const *id = bad_chars; *id; id++) {
    rt_error e = {0};
    int rr = rt_state_id_validate(*id, &e);
    ok(rr < 0, "id \"%s\" is rejected", printable(*id));
    char want[512];
    snprintf(want, sizeof want,
             "invalid container id \"%s\": only letters, digits, '_', '+', '-' and '.' are "
             "allowed",
             *id);
    is_str(e.msg, want, "message names the id \"%s\"", printable(*id));
  }
}

/* ---- the state directory ------------------------------------------------------------------ */

static void test_dirs(int *rootfd_out) {
  char root[PATH_MAX + 32];
  snprintf(root, sizeof root, "%s/run/rt", tmpdir);
  rt_error err = {0};
  int rootfd = rt_state_root_open(root, &err);
  ok(rootfd >= 0, "rt_state_root_open creates a missing --root (and its parents)");
  if (rootfd < 0) {
    printf("#   error: %s\n", err.msg);
    cleanup();
    exit(1);
  }
  struct stat sb;
  int sr = stat(root, &sb);
  ok(sr == 0 && S_ISDIR(sb.st_mode) && (sb.st_mode & 07777) == 0700, "--root has mode 0700");
  int again = rt_state_root_open(root, &err);
  ok(again >= 0, "rt_state_root_open opens an existing --root");
  if (again >= 0)
    close(again);

  char file_root[PATH_MAX + 32];
  snprintf(file_root, sizeof file_root, "%s/afile", tmpdir);
  int ffd = open(file_root, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  close(ffd);
  int fr = rt_state_root_open(file_root, &err);
  ok(fr < 0, "a --root that is a file is an error");
  has_substr(err.msg, "--root", "the message names --root");
  has_substr(err.msg, "afile", "the message names the path");

  int d = mkstate(rootfd, "c1", &err);
  ok(d >= 0, "rt_state_dir_create c1");
  sr = fstatat(rootfd, "c1", &sb, AT_SYMLINK_NOFOLLOW);
  ok(sr == 0 && S_ISDIR(sb.st_mode) && (sb.st_mode & 07777) == 0711, "state dir has mode 0711");
  int d2 = mkstate(rootfd, "c1", &err);
  ok(d2 < 0, "creating c1 again fails");
  is_str(err.msg, "container with id c1 already exists", "message for an existing id");

  int o = rt_state_dir_open(rootfd, "nope", &err);
  ok(o < 0, "opening a missing container fails");
  is_str(err.msg, "container \"nope\" does not exist", "message for a missing container");
  o = rt_state_dir_open(rootfd, "c1", &err);
  ok(o >= 0, "opening c1 works");
  if (o >= 0)
    close(o);

  /* a symlink in --root is not followed */
  char target[PATH_MAX + 32];
  snprintf(target, sizeof target, "%s/run", tmpdir);
  symlinkat(target, rootfd, "link");
  o = rt_state_dir_open(rootfd, "link", &err);
  ok(o < 0, "a symlink named like a container is not opened");
  if (o >= 0)
    close(o);

  /* listing: directories with a valid id, sorted; files and symlinks skipped */
  int d3 = mkstate(rootfd, "b-2", &err);
  int d4 = mkstate(rootfd, "a.1", &err);
  close(d3);
  close(d4);
  mkdirat(rootfd, "bad name", 0700);
  int f = openat(rootfd, "zfile", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  close(f);
  char **ids = NULL;
  size_t n = 99;
  int lr = rt_state_list_ids(rootfd, &ids, &n, &err);
  is_int(lr, 0, "rt_state_list_ids");
  is_uint(n, 3, "three containers listed");
  if (n == 3 && ids) {
    is_str(ids[0], "a.1", "first id (sorted)");
    is_str(ids[1], "b-2", "second id");
    is_str(ids[2], "c1", "third id");
    ok(ids[3] == NULL, "the id list is NULL-terminated");
  }
  for (size_t i = 0; ids && ids[i]; i++)
    free(ids[i]);
  free(ids);

  /* removal of a non-empty tree; a missing one is not an error */
  int bfd = openat(rootfd, "b-2", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  mkdirat(bfd, "sub", 0700);
  int sf = openat(bfd, "sub/file", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  close(sf);
  sf = openat(bfd, "state.json", O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  close(sf);
  close(bfd);
  int rr = rt_state_dir_remove(rootfd, "b-2", &err);
  is_int(rr, 0, "rt_state_dir_remove of a non-empty directory");
  ok(!file_exists_at(rootfd, "b-2"), "b-2 is gone");
  rr = rt_state_dir_remove(rootfd, "b-2", &err);
  is_int(rr, 0, "removing a missing directory is not an error");
  rt_state_dir_remove(rootfd, "a.1", &err);
  unlinkat(rootfd, "bad name", AT_REMOVEDIR);
  unlinkat(rootfd, "zfile", 0);
  unlinkat(rootfd, "link", 0);

  lr = rt_state_list_ids(rootfd, &ids, &n, &err);
  is_uint(n, 1, "one container left");
  for (size_t i = 0; ids && ids[i]; i++)
    free(ids[i]);
  free(ids);

  close(d);
  *rootfd_out = rootfd;
}

static void test_list_empty(void) {
  char root[PATH_MAX + 32];
  snprintf(root, sizeof root, "%s/empty-root", tmpdir);
  rt_error err = {0};
  int fd = rt_state_root_open(root, &err);
  char **ids = (char **)1;
  size_t n = 5;
  int r = rt_state_list_ids(fd, &ids, &n, &err);
  is_int(r, 0, "listing an empty --root");
  ok(ids == NULL && n == 0, "an empty --root has no ids (NULL, 0)");
  close(fd);
}

/* ---- state.json ----------------------------------------------------------------------------- */

static void set_annotations(rt_state *st, const char *const *kv) {
  size_t n = 0;
  while (kv[2 * n])
    n++;
  st->annotations.keys = calloc(n, sizeof(char *));
  st->annotations.values = calloc(n, sizeof(char *));
  st->annotations.n = n;
  for (size_t i = 0; i < n; i++) {
    st->annotations.keys[i] = strdup(kv[2 * i]);
    st->annotations.values[i] = strdup(kv[2 * i + 1]);
  }
}

static void fill_state(rt_state *st, const char *id, pid_t pid, unsigned long long start) {
  memset(st, 0, sizeof *st);
  st->id = strdup(id);
  st->bundle = strdup("/var/lib/bundles/my bundle");
  st->rootfs = strdup("/var/lib/bundles/my bundle/rootfs");
  st->pid = pid;
  st->pid_start = start;
  st->created = strdup("2024-05-06T07:08:09.123456789Z");
  st->owner = strdup("");
  static const char *const ann[] = {"org.opencontainers.image.ref.name", "v1",
                                    "com.example.quote", "say \"hi\"\n\ttab \\ \xc3\xa9",
                                    "empty", "", NULL};
  set_annotations(st, ann);
}

static size_t count_entries(int dirfd, bool *stray_tmp) {
  int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  DIR *d = fdopendir(fd);
  size_t n = 0;
  *stray_tmp = false;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
      continue;
    n++;
    if (strcmp(e->d_name, "state.json") != 0)
      *stray_tmp = true;
    printf("#   entry: %s\n", e->d_name);
  }
  closedir(d);
  return n;
}

static void test_write_read(int rootfd) {
  rt_error err = {0};
  int d = mkstate(rootfd, "rw", &err);
  ok(d >= 0, "state dir rw");

  rt_state st;
  fill_state(&st, "rw", 4242, 123456789012ULL);
  st.systemd_cgroup = true;
  st.cgroup_path = strdup("/sys/fs/cgroup/system.slice/rt-rw.scope");
  st.created_status = true;
  int r = rt_state_write(d, &st, &err);
  is_int(r, 0, "rt_state_write");
  if (r < 0)
    printf("#   error: %s\n", err.msg);

  struct stat sb;
  int sr = fstatat(d, "state.json", &sb, 0);
  ok(sr == 0 && S_ISREG(sb.st_mode) && (sb.st_mode & 07777) == 0600, "state.json has mode 0600");

  rt_state back;
  r = rt_state_read(d, &back, &err);
  is_int(r, 0, "rt_state_read");
  is_str(back.id, "rw", "id read back");
  is_str(back.bundle, st.bundle, "bundle read back");
  is_str(back.rootfs, st.rootfs, "rootfs read back");
  is_int(back.pid, 4242, "pid read back");
  is_uint(back.pid_start, 123456789012ULL, "pidStart read back (beyond 32 bits)");
  is_str(back.created, st.created, "created read back");
  is_str(back.owner, "", "owner read back");
  ok(back.systemd_cgroup, "systemdCgroup read back");
  is_str(back.cgroup_path, st.cgroup_path, "cgroupPath read back");
  ok(back.created_status, "createdStatus read back");
  is_uint(back.annotations.n, 3, "three annotations read back");
  if (back.annotations.n == 3) {
    for (size_t i = 0; i < 3; i++) {
      is_str(back.annotations.keys[i], st.annotations.keys[i], "annotation key %zu", i);
      is_str(back.annotations.values[i], st.annotations.values[i], "annotation value %zu", i);
    }
  }
  is_str(oci_map_get(&back.annotations, "com.example.quote"), "say \"hi\"\n\ttab \\ \xc3\xa9",
         "annotation with quotes, control characters and UTF-8");
  rt_state_free(&back);
  ok(back.id == NULL && back.annotations.n == 0, "rt_state_free clears the struct");

  /* replace: a second write with other values; the first one is gone, and
   * no temporary file remains */
  rt_state st2;
  memset(&st2, 0, sizeof st2);
  st2.id = strdup("rw");
  st2.pid = 77;
  st2.pid_start = 5;
  for (int i = 0; i < 20; i++) {
    st2.pid = 77 + i;
    r = rt_state_write(d, &st2, &err);
    if (r < 0)
      break;
  }
  is_int(r, 0, "twenty more writes");
  bool stray = true;
  size_t n = count_entries(d, &stray);
  is_uint(n, 1, "only state.json in the directory after the writes");
  ok(!stray, "no temporary file left");

  r = rt_state_read(d, &back, &err);
  is_int(r, 0, "read the replaced state");
  is_int(back.pid, 96, "the last write wins");
  is_uint(back.pid_start, 5, "pidStart of the last write");
  ok(back.bundle && strcmp(back.bundle, "") == 0, "an absent bundle is written as \"\"");
  ok(!back.systemd_cgroup, "systemdCgroup false");
  ok(back.cgroup_path == NULL, "no cgroupPath when none was set");
  ok(!back.created_status, "createdStatus false");
  is_uint(back.annotations.n, 0, "no annotations");
  rt_state_free(&back);
  rt_state_free(&st2);
  rt_state_free(&st);

  /* a write that cannot create its temporary file leaves state.json as it
   * was: the directory made read-only (0500), the write done by a child that
   * is not root (root would bypass the mode) and reports over its exit code */
  int ro = openat(rootfd, "rw", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  fchmod(ro, 0500);
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0)
    abort();
  if (pid == 0) {
    if (geteuid() == 0 && (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
                           setresuid(65534, 65534, 65534) < 0))
      _exit(3);
    rt_state wst;
    fill_state(&wst, "rw", 1, 1);
    rt_error werr = {0};
    int wr = rt_state_write(ro, &wst, &werr);
    if (wr >= 0)
      _exit(1);
    if (!strstr(werr.msg, "create .state.json.") || werr.errnum != EACCES) {
      printf("#   error: %s\n", werr.msg);
      _exit(2);
    }
    _exit(0);
  }
  int wstatus = -1;
  waitpid(pid, &wstatus, 0);
  int code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
  is_int(code, 0,
         "a write into a read-only directory fails with EACCES naming the temporary file "
         "(1: it succeeded, 2: another error, 3: could not drop privileges)");
  fchmod(ro, 0711);
  r = rt_state_read(ro, &back, &err);
  is_int(back.pid, 96, "state.json unchanged after a failed write");
  rt_state_free(&back);
  bool stray2 = true;
  size_t n2 = count_entries(ro, &stray2);
  ok(n2 == 1 && !stray2, "no temporary file left by the failed write");
  close(ro);

  /* reading errors */
  int fd = openat(d, "state.json", O_WRONLY | O_TRUNC | O_CLOEXEC);
  (void)!write(fd, "{\"id\": ", 7);
  close(fd);
  r = rt_state_read(d, &back, &err);
  ok(r < 0, "a truncated state.json is an error");
  has_substr(err.msg, "state.json: invalid JSON", "message for invalid JSON");
  rt_state_free(&back);
  fd = openat(d, "state.json", O_WRONLY | O_TRUNC | O_CLOEXEC);
  (void)!write(fd, "{\"pid\": 3}", 10);
  close(fd);
  r = rt_state_read(d, &back, &err);
  ok(r < 0, "a state.json without id is an error");
  is_str(err.msg, "state.json: no id", "message for a missing id");
  rt_state_free(&back);
  fd = openat(d, "state.json", O_WRONLY | O_TRUNC | O_CLOEXEC);
  (void)!write(fd, "[1]", 3);
  close(fd);
  r = rt_state_read(d, &back, &err);
  ok(r < 0, "a state.json that is not an object is an error");
  rt_state_free(&back);
  unlinkat(d, "state.json", 0);
  r = rt_state_read(d, &back, &err);
  ok(r < 0, "a missing state.json is an error");
  is_int(err.errnum, ENOENT, "errno ENOENT for a missing state.json");
  rt_state_free(&back);

  close(d);
  rt_state_dir_remove(rootfd, "rw", &err);
}

/* ---- locks ---------------------------------------------------------------------------------- */

/* In a child: open ROOT/ID anew (flock belongs to the open file description,
 * which a fork shares) and try the lock; the exit code is the result
 * (0 busy, 1 locked, 2 error). */
static int try_lock_in_child(int rootfd, const char *id, bool exclusive) {
  pid_t pid = fork();
  if (pid < 0)
    abort();
  if (pid == 0) {
    alarm(10); /* a try that blocks fails */
    rt_error err = {0};
    int fd = rt_state_dir_open(rootfd, id, &err);
    if (fd < 0)
      _exit(2);
    int r = rt_state_try_lock(fd, exclusive, &err);
    _exit(r < 0 ? 2 : r);
  }
  int status;
  if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
    return -1;
  return WEXITSTATUS(status);
}

static void test_locks(int rootfd) {
  rt_error err = {0};
  int d = mkstate(rootfd, "lk", &err);
  ok(d >= 0, "state dir lk");
  /* It appears under its id already locked by its creator: a delete of a
   * create in its first steps cannot take it for a leftover. */
  is_int(try_lock_in_child(rootfd, "lk", true), 0, "new: a child cannot take the creator's lock");
  ok(flock(d, LOCK_UN) == 0, "the creator lets go");
  is_int(try_lock_in_child(rootfd, "lk", true), 1, "unlocked: a child takes the exclusive lock");

  int r = rt_state_try_lock(d, true, &err);
  is_int(r, 1, "try_lock exclusive in the parent");
  is_int(try_lock_in_child(rootfd, "lk", true), 0, "held exclusive: a child's exclusive try fails");
  is_int(try_lock_in_child(rootfd, "lk", false), 0, "held exclusive: a child's shared try fails");
  r = rt_state_try_lock(d, true, &err);
  is_int(r, 1, "the holder may take its own lock again");

  flock(d, LOCK_UN);
  is_int(try_lock_in_child(rootfd, "lk", true), 1, "after unlock a child gets the lock");

  r = rt_state_lock(d, false, &err);
  is_int(r, 0, "rt_state_lock shared");
  is_int(try_lock_in_child(rootfd, "lk", false), 1, "held shared: a child's shared try succeeds");
  is_int(try_lock_in_child(rootfd, "lk", true), 0, "held shared: a child's exclusive try fails");

  /* another open file description in the same process conflicts, too */
  int d2 = rt_state_dir_open(rootfd, "lk", &err);
  r = rt_state_try_lock(d2, true, &err);
  is_int(r, 0, "a second descriptor in the same process cannot take it exclusively");
  close(d2);

  /* the lock goes away with the descriptor */
  close(d);
  is_int(try_lock_in_child(rootfd, "lk", true), 1, "closing the holder's fd releases the lock");

  /* a blocking lock waits for the holder */
  d = rt_state_dir_open(rootfd, "lk", &err);
  r = rt_state_lock(d, true, &err);
  is_int(r, 0, "rt_state_lock exclusive");
  int p[2];
  if (pipe(p) < 0)
    abort();
  pid_t pid = fork();
  if (pid == 0) {
    /* the inherited descriptor shares the parent's lock: drop it */
    close(d);
    close(p[0]);
    alarm(10);
    rt_error e = {0};
    int fd = rt_state_dir_open(rootfd, "lk", &e);
    int lr = rt_state_lock(fd, true, &e);
    (void)!write(p[1], lr == 0 ? "L" : "E", 1);
    _exit(0);
  }
  close(p[1]);
  struct timespec ts = {0, 200 * 1000 * 1000};
  nanosleep(&ts, NULL);
  int fl = fcntl(p[0], F_GETFL);
  fcntl(p[0], F_SETFL, fl | O_NONBLOCK);
  char c = 0;
  ssize_t n = read(p[0], &c, 1);
  ok(n < 0 && errno == EAGAIN, "a child's blocking lock waits while the parent holds it");
  close(d);
  fcntl(p[0], F_SETFL, fl);
  n = read(p[0], &c, 1);
  ok(n == 1 && c == 'L', "the child gets the lock once the parent releases it");
  close(p[0]);
  waitpid(pid, NULL, 0);

  rt_state_dir_remove(rootfd, "lk", &err);
}

/* ---- status --------------------------------------------------------------------------------- */

static void test_status_names(void) {
  is_str(rt_state_status_name(RT_STATUS_CREATING), "creating", "name of creating");
  is_str(rt_state_status_name(RT_STATUS_CREATED), "created", "name of created");
  is_str(rt_state_status_name(RT_STATUS_RUNNING), "running", "name of running");
  is_str(rt_state_status_name(RT_STATUS_PAUSED), "paused", "name of paused");
  is_str(rt_state_status_name(RT_STATUS_STOPPED), "stopped", "name of stopped");
  is_str(rt_state_status_name((enum rt_status)42), "unknown", "name of an unknown status");
}

static void test_status(int rootfd, pid_t *live_pid, unsigned long long *live_start) {
  rt_error err = {0};
  int d = mkstate(rootfd, "st", &err);
  ok(d >= 0, "state dir st");
  rt_state st;
  fill_state(&st, "st", 0, 0);

  /* no pid yet */
  is_int(rt_state_status(d, &st), RT_STATUS_STOPPED, "pid 0 → stopped");

  /* a zombie: a child that exited and is not reaped yet */
  pid_t z = fork();
  if (z < 0)
    abort();
  if (z == 0)
    _exit(0);
  children[n_children++] = z;
  char letter = 0;
  unsigned long long start = 0;
  for (int i = 0; i < 500; i++) {
    if (my_proc_stat(z, &letter, &start) == 0 && letter == 'Z')
      break;
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  ok(letter == 'Z', "the exited child is a zombie (%c)", letter);
  char rl = 0;
  unsigned long long rs = 0;
  int pr = rt_state_pid_stat(z, &rs, &rl);
  is_int(pr, 0, "rt_state_pid_stat on a zombie");
  is_int(rl, 'Z', "rt_state_pid_stat: state letter Z");
  is_uint(rs, start, "rt_state_pid_stat: start time of the zombie");
  st.pid = z;
  st.pid_start = start;
  mkfifoat(d, "exec.fifo", 0622);
  is_int(rt_state_status(d, &st), RT_STATUS_STOPPED, "a zombie → stopped (even with exec.fifo)");
  unlinkat(d, "exec.fifo", 0);
  is_int(rt_state_status(d, &st), RT_STATUS_STOPPED, "a zombie → stopped");

  /* a dead pid: the same one once reaped */
  reap(z);
  pr = rt_state_pid_stat(z, &rs, &rl);
  is_int(pr, -ENOENT, "rt_state_pid_stat on a dead pid: -ENOENT");
  is_int(rt_state_status(d, &st), RT_STATUS_STOPPED, "a dead pid → stopped");
  st.pid_start = 0;
  is_int(rt_state_status(d, &st), RT_STATUS_STOPPED, "a dead pid without start time → stopped");

  /* a pid that cannot exist */
  st.pid = INT_MAX;
  is_int(rt_state_status(d, &st), RT_STATUS_STOPPED, "pid INT_MAX → stopped");

  /* a live process, with a command name that holds ") (" and spaces */
  pid_t live = spawn_sleeper("x) (y z) ");
  char ml = 0;
  unsigned long long ms = 0;
  int mr = my_proc_stat(live, &ml, &ms);
  is_int(mr, 0, "read /proc/PID/stat of the sleeper");
  pr = rt_state_pid_stat(live, &rs, &rl);
  is_int(pr, 0, "rt_state_pid_stat on a live process named \"x) (y z) \"");
  is_uint(rs, ms, "rt_state_pid_stat: start time despite the parentheses in comm");
  ok(rl == 'S' || rl == 'R', "rt_state_pid_stat: state letter of a sleeper (%c)", rl);
  unsigned long long only_start = 0;
  pr = rt_state_pid_stat(live, &only_start, NULL);
  ok(pr == 0 && only_start == ms, "rt_state_pid_stat with a NULL state letter");

  st.pid = live;
  st.pid_start = ms;
  int fr = mkfifoat(d, "exec.fifo", 0622);
  is_int(fr, 0, "make exec.fifo");
  is_int(rt_state_status(d, &st), RT_STATUS_CREATED, "live with exec.fifo → created");
  st.pid_start = ms + 1;
  is_int(rt_state_status(d, &st), RT_STATUS_STOPPED,
         "live with exec.fifo but another start time (pid reused) → stopped");
  st.pid_start = ms;
  unlinkat(d, "exec.fifo", 0);
  is_int(rt_state_status(d, &st), RT_STATUS_RUNNING, "live without exec.fifo → running");
  st.pid_start = ms + 1;
  is_int(rt_state_status(d, &st), RT_STATUS_STOPPED, "live with another start time → stopped");
  st.pid_start = ms - 1;
  is_int(rt_state_status(d, &st), RT_STATUS_STOPPED, "live with an earlier start time → stopped");
  st.pid_start = 0;
  is_int(rt_state_status(d, &st), RT_STATUS_RUNNING,
         "live with no saved start time (0: unknown) → running");
  /* exec.fifo as a dangling symlink still counts (faccessat without following) */
  st.pid_start = ms;
  symlinkat("/nonexistent", d, "exec.fifo");
  is_int(rt_state_status(d, &st), RT_STATUS_CREATED, "exec.fifo as a symlink → created");
  unlinkat(d, "exec.fifo", 0);
  /* the saved status does not matter: the live one is computed */
  st.created_status = true;
  is_int(rt_state_status(d, &st), RT_STATUS_RUNNING,
         "createdStatus in state.json without exec.fifo → running");
  st.created_status = false;

  /* a killed process */
  kill(live, SIGKILL);
  for (int i = 0; i < 500; i++) {
    if (my_proc_stat(live, &ml, &ms) == 0 && ml == 'Z')
      break;
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
  }
  st.pid_start = 0;
  mkfifoat(d, "exec.fifo", 0622);
  is_int(rt_state_status(d, &st), RT_STATUS_STOPPED, "killed (zombie) → stopped");
  reap(live);
  is_int(rt_state_status(d, &st), RT_STATUS_STOPPED, "killed and reaped → stopped");
  unlinkat(d, "exec.fifo", 0);

  rt_state_free(&st);
  close(d);
  rt_state_dir_remove(rootfd, "st", &err);

  /* a sleeper kept alive for the state document tests */
  *live_pid = spawn_sleeper(NULL);
  my_proc_stat(*live_pid, &ml, live_start);
}

/* ---- the state document ---------------------------------------------------------------------- */

static const char *get_str(yajl_val root, const char *key) {
  const char *path[] = {key, NULL};
  yajl_val v = yajl_tree_get(root, path, yajl_t_string);
  return v ? YAJL_GET_STRING(v) : NULL;
}

static void check_doc(const char *json, const rt_state *st, enum rt_status status,
                      long long want_pid, bool want_annotations) {
  const char *name = rt_state_status_name(status);
  ok(json != NULL, "%s: rt_state_to_json returns text", name);
  if (!json)
    return;
  char ebuf[256] = "";
  yajl_val root = yajl_tree_parse(json, ebuf, sizeof ebuf);
  ok(root && YAJL_IS_OBJECT(root), "%s: the document parses as a JSON object", name);
  if (!root || !YAJL_IS_OBJECT(root)) {
    printf("#   error: %s\n#   text: %s\n", ebuf, json);
    yajl_tree_free(root);
    return;
  }
  is_str(get_str(root, "ociVersion"), "1.3.0", "%s: ociVersion", name);
  is_str(get_str(root, "id"), st->id, "%s: id", name);
  is_str(get_str(root, "status"), name, "%s: status", name);
  is_str(get_str(root, "bundle"), st->bundle, "%s: bundle", name);
  is_str(get_str(root, "rootfs"), st->rootfs, "%s: rootfs", name);
  is_str(get_str(root, "created"), st->created, "%s: created", name);
  is_str(get_str(root, "owner"), "", "%s: owner", name);
  const char *p_pid[] = {"pid", NULL};
  yajl_val pid = yajl_tree_get(root, p_pid, yajl_t_number);
  ok(pid && YAJL_IS_INTEGER(pid), "%s: pid is an integer", name);
  if (pid && YAJL_IS_INTEGER(pid))
    is_int(YAJL_GET_INTEGER(pid), want_pid, "%s: pid value", name);
  const char *p_ann[] = {"annotations", NULL};
  yajl_val ann = yajl_tree_get(root, p_ann, yajl_t_any);
  if (want_annotations) {
    ok(ann && YAJL_IS_OBJECT(ann), "%s: annotations is an object", name);
    if (ann && YAJL_IS_OBJECT(ann)) {
      is_uint(ann->u.object.len, st->annotations.n, "%s: annotation count", name);
      for (size_t i = 0; i < st->annotations.n; i++) {
        const char *path[] = {st->annotations.keys[i], NULL};
        yajl_val v = yajl_tree_get(ann, path, yajl_t_string);
        is_str(v ? YAJL_GET_STRING(v) : NULL, st->annotations.values[i], "%s: annotation %s",
               name, st->annotations.keys[i]);
      }
    }
  } else {
    /* like runc (omitempty): no member for an empty map */
    ok(ann == NULL, "%s: no annotations member when there are none", name);
  }
  /* exactly the members of the state document (runtime.md plus runc's rootfs, created, owner) */
  static const char *const members[] = {"ociVersion", "id",      "pid",   "status", "bundle",
                                        "rootfs",     "created", "owner", "annotations"};
  bool only_known = true;
  for (size_t i = 0; i < root->u.object.len; i++) {
    bool known = false;
    for (size_t k = 0; k < ARRAY_SIZE(members); k++)
      known = known || strcmp(root->u.object.keys[i], members[k]) == 0;
    if (!known) {
      only_known = false;
      printf("#   unexpected member: %s\n", root->u.object.keys[i]);
    }
  }
  ok(only_known, "%s: no other members (no internal fields leak)", name);
  yajl_tree_free(root);
}

static void write_out(const char *dir, const char *name, const char *json) {
  char path[PATH_MAX];
  snprintf(path, sizeof path, "%s/state-%s.json", dir, name);
  FILE *f = fopen(path, "we");
  bool good = f && json && fputs(json, f) >= 0;
  if (f && fclose(f) != 0)
    good = false;
  ok(good, "STATE_JSON_OUT: wrote %s", path);
}

static void test_to_json(int rootfd, pid_t live, unsigned long long live_start) {
  rt_error err = {0};
  int d = mkstate(rootfd, "doc", &err);
  rt_state st;
  fill_state(&st, "doc", live, live_start);
  const char *out = getenv("STATE_JSON_OUT");

  mkfifoat(d, "exec.fifo", 0622);
  enum rt_status s = rt_state_status(d, &st);
  is_int(s, RT_STATUS_CREATED, "doc: created");
  char *json = rt_state_to_json(&st, s, true);
  check_doc(json, &st, s, live, true);
  ok(json && strchr(json, '\n') != NULL, "pretty output has newlines");
  if (out && *out)
    write_out(out, "created", json);
  free(json);

  unlinkat(d, "exec.fifo", 0);
  s = rt_state_status(d, &st);
  is_int(s, RT_STATUS_RUNNING, "doc: running");
  json = rt_state_to_json(&st, s, false);
  check_doc(json, &st, s, live, true);
  ok(json && strchr(json, '\n') == NULL, "compact output has no newline");
  if (out && *out)
    write_out(out, "running", json);
  free(json);

  st.pid_start = live_start + 1;
  s = rt_state_status(d, &st);
  is_int(s, RT_STATUS_STOPPED, "doc: stopped");
  json = rt_state_to_json(&st, s, true);
  check_doc(json, &st, s, 0, true);
  if (out && *out)
    write_out(out, "stopped", json);
  free(json);

  /* no annotations */
  for (size_t i = 0; i < st.annotations.n; i++) {
    free(st.annotations.keys[i]);
    free(st.annotations.values[i]);
  }
  free(st.annotations.keys);
  free(st.annotations.values);
  memset(&st.annotations, 0, sizeof st.annotations);
  st.pid_start = live_start;
  json = rt_state_to_json(&st, RT_STATUS_RUNNING, false);
  check_doc(json, &st, RT_STATUS_RUNNING, live, false);
  if (out && *out)
    write_out(out, "running-no-annotations", json);
  free(json);

  /* characters that need escaping in id and bundle */
  free(st.bundle);
  st.bundle = strdup("/b/\"quoted\"\\dir\x01");
  json = rt_state_to_json(&st, RT_STATUS_RUNNING, false);
  check_doc(json, &st, RT_STATUS_RUNNING, live, false);
  free(json);

  rt_state_free(&st);
  close(d);
  rt_state_dir_remove(rootfd, "doc", &err);
}

static void on_alarm(int sig) {
  (void)sig;
  if (getpid() != main_pid)
    _exit(2); /* a forked child: leave the cleanup to the test process */
  static const char msg[] = "Bail out! timed out (a lock blocked?)\n";
  (void)!write(1, msg, sizeof msg - 1);
  exit(1); /* runs cleanup(): not async-signal-safe, good enough for a test */
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  const char *t = getenv("TMPDIR");
  snprintf(tmpdir, sizeof tmpdir, "%s/rt-test-state-XXXXXX", t && *t ? t : "/tmp");
  if (!mkdtemp(tmpdir)) {
    perror("mkdtemp");
    return 1;
  }
  atexit(cleanup);
  /* a test that hangs (a lock that blocks) fails, and still cleans up */
  main_pid = getpid();
  signal(SIGALRM, on_alarm);
  alarm(60);

  test_ids();
  test_status_names();
  int rootfd = -1;
  test_dirs(&rootfd);
  test_list_empty();
  test_write_read(rootfd);
  test_locks(rootfd);
  pid_t live = 0;
  unsigned long long live_start = 0;
  test_status(rootfd, &live, &live_start);
  test_to_json(rootfd, live, live_start);

  rt_error err = {0};
  rt_state_dir_remove(rootfd, "c1", &err);
  char **ids = NULL;
  size_t n = 0;
  rt_state_list_ids(rootfd, &ids, &n, &err);
  is_uint(n, 0, "every state directory was removed");
  free(ids);
  close(rootfd);

  char saved[PATH_MAX];
  snprintf(saved, sizeof saved, "%s", tmpdir);
  cleanup();
  struct stat sb;
  int gone = stat(saved, &sb) < 0 && errno == ENOENT;
  ok(gone, "the temporary directory is removed");
  return tap_done();
}

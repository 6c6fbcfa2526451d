/* Unit tests of src/util that need no root: the mountinfo parser (escaped
 * paths, optional fields), the atomic writer, the whole-file reader, the
 * RFC 3339 formatter and the error messages (cuts of long values, prefixes). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "util/cleanup.h"
#include "util/error.h"
#include "util/fs.h"
#include "util/mountinfo.h"
#include "util/time.h"

/* tap.h's check() evaluates its condition twice; most conditions here call
 * what they test, so: once. */
#define check(cond, ...)                           \
  do {                                             \
    int c_ = !!(cond);                             \
    ok(c_, __VA_ARGS__);                           \
    if (!c_)                                       \
      printf("#   condition: %s\n", #cond);        \
  } while (0)

static char tmpdir[PATH_MAX]; /* removed at exit */

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
  (void)sb;
  (void)flag;
  (void)ftw;
  return remove(path);
}

static void cleanup(void) {
  if (tmpdir[0])
    nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- mountinfo ---- */

static void test_mountinfo_line(void) {
  struct rt_mountinfo m;
  char l1[] = "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue\n";
  check(rt_mountinfo_parse_line(l1, &m) == 0, "mountinfo: proc(5)'s example parses");
  check(m.mount_id == 36 && m.parent_id == 35 && m.major == 98 && m.minor == 0,
     "mountinfo: ids and major:minor");
  is_str(m.root, "/mnt1", "mountinfo: root");
  is_str(m.mount_point, "/mnt2", "mountinfo: mount point");
  is_str(m.options, "rw,noatime", "mountinfo: options");
  is_str(m.optional, "master:1", "mountinfo: one optional field");
  is_str(m.fstype, "ext3", "mountinfo: fs type");
  is_str(m.source, "/dev/root", "mountinfo: source");
  is_str(m.super_options, "rw,errors=continue", "mountinfo: super options (newline dropped)");
  check(rt_mountinfo_has_optional(&m, "master") && !rt_mountinfo_has_optional(&m, "shared"),
     "mountinfo: master:1 is a master, not shared");

  char l2[] = "25 1 0:22 /a\\134b /run/a\\040b\\011c\\012d\\134e rw,relatime - tmpfs tmp\\040fs "
              "rw,size=10k";
  check(rt_mountinfo_parse_line(l2, &m) == 0, "mountinfo: a line without optional fields parses");
  is_str(m.mount_point, "/run/a b\tc\nd\\e", "mountinfo: \\040 \\011 \\012 \\134 unescaped");
  is_str(m.root, "/a\\b", "mountinfo: root unescaped");
  is_str(m.source, "tmp fs", "mountinfo: source unescaped");
  is_str(m.optional, "", "mountinfo: no optional fields: \"\"");
  is_str(m.options, "rw,relatime", "mountinfo: options before a missing optional field");
  is_str(m.fstype, "tmpfs", "mountinfo: fs type after a missing optional field");
  check(!rt_mountinfo_has_optional(&m, "shared"), "mountinfo: no optional field, not shared");

  char l3[] = "100 99 0:5 / /sys rw shared:5 master:3 propagate_from:2 - sysfs sysfs rw";
  check(rt_mountinfo_parse_line(l3, &m) == 0, "mountinfo: three optional fields parse");
  is_str(m.optional, "shared:5 master:3 propagate_from:2", "mountinfo: the optional fields");
  check(rt_mountinfo_has_optional(&m, "shared") && rt_mountinfo_has_optional(&m, "master") &&
         rt_mountinfo_has_optional(&m, "propagate_from") &&
         !rt_mountinfo_has_optional(&m, "propagate") && !rt_mountinfo_has_optional(&m, "unbindable"),
     "mountinfo: has_optional matches a whole tag");

  char l4[] = "1 2 3:4 / /proc rw - proc proc";
  check(rt_mountinfo_parse_line(l4, &m) == 0 && strcmp(m.super_options, "") == 0 &&
         strcmp(m.source, "proc") == 0,
     "mountinfo: missing super options are \"\"");

  char l5[] = "1 2 3:4 / /x\\400\\12 rw - tmpfs t rw";
  check(rt_mountinfo_parse_line(l5, &m) == 0, "mountinfo: odd escapes parse");
  is_str(m.mount_point, "/x\\400\\12", "mountinfo: \\400 and a short \\12 stay as they are");

  char bad1[] = "garbage", bad2[] = "1 2 3:4 / / rw shared:1", bad3[] = "",
       bad4[] = "x 2 3:4 / / rw - tmpfs t rw", bad5[] = "1 2 3:4 / / rw -";
  check(rt_mountinfo_parse_line(bad1, &m) == -EINVAL, "mountinfo: garbage is -EINVAL");
  check(rt_mountinfo_parse_line(bad2, &m) == -EINVAL, "mountinfo: no \" - \" is -EINVAL");
  check(rt_mountinfo_parse_line(bad3, &m) == -EINVAL, "mountinfo: an empty line is -EINVAL");
  check(rt_mountinfo_parse_line(bad4, &m) == -EINVAL, "mountinfo: a bad mount id is -EINVAL");
  check(rt_mountinfo_parse_line(bad5, &m) == -EINVAL, "mountinfo: nothing after \"-\" is -EINVAL");
}

static void test_mountinfo_next(void) {
  char text[] = "22 1 0:20 / / rw shared:1 - ext4 /dev/sda1 rw\n"
                "not a mountinfo line\n"
                "\n"
                "23 22 0:21 / /mnt/my\\040root rw - tmpfs none rw";
  struct rt_mountinfo m;
  const char *seen[4];
  int n = 0;
  for (char *c = text; n < 4 && rt_mountinfo_next(&c, &m) > 0;)
    seen[n++] = m.mount_point;
  check(n == 2, "mountinfo_next: two entries, bad and empty lines skipped (got %d)", n);
  if (n == 2) {
    is_str(seen[0], "/", "mountinfo_next: the first");
    is_str(seen[1], "/mnt/my root", "mountinfo_next: the last, without a newline");
  }
  char empty[] = "";
  char *c = empty;
  check(rt_mountinfo_next(&c, &m) == 0, "mountinfo_next: an empty text has no entry");
}

/* ---- files ---- */

static int count_entries(const char *dir) {
  int n = 0;
  DIR *d = opendir(dir);
  if (!d)
    return -1;
  struct dirent *e;
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
      n++;
  closedir(d);
  return n;
}

static void test_atomic_writer(void) {
  char dir[PATH_MAX + 16], path[PATH_MAX + 32];
  snprintf(dir, sizeof dir, "%s/atomic", tmpdir);
  mkdir(dir, 0700);
  snprintf(path, sizeof path, "%s/f", dir);
  rt_error err;
  mode_t old = umask(022);
  check(fs_write_file_atomic(path, "hello\n", 6, 0640, &err) == 0, "atomic: write a new file");
  struct stat st;
  check(stat(path, &st) == 0 && (st.st_mode & 07777) == 0640, "atomic: mode 0640");
  _cleanup_free_ char *data = NULL;
  size_t len = 0;
  check(fs_read_file(path, 4096, &data, &len, &err) == 0 && len == 6 && strcmp(data, "hello\n") == 0,
     "atomic: the content");
  check(fs_write_file_atomic(path, "bye", 3, 0640, &err) == 0, "atomic: replace it");
  free(data);
  data = NULL;
  check(fs_read_file(path, 4096, &data, &len, &err) == 0 && len == 3 && strcmp(data, "bye") == 0,
     "atomic: the new content, whole");
  check(count_entries(dir) == 1, "atomic: no temporary file left after success");

  _cleanup_close_ int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  check(fs_write_file_atomicat(dfd, "g", "x", 1, 0600, &err) == 0, "atomicat: relative to a dirfd");
  check(fstatat(dfd, "g", &st, 0) == 0 && (st.st_mode & 07777) == 0600 && st.st_size == 1,
     "atomicat: mode 0600, one byte");
  check(fs_write_file_atomicat(dfd, "empty", "", 0, 0600, &err) == 0 &&
         fstatat(dfd, "empty", &st, 0) == 0 && st.st_size == 0,
     "atomicat: an empty file");

  /* rename over a non-empty directory fails: the temporary file goes */
  char sub[PATH_MAX + 32];
  snprintf(sub, sizeof sub, "%s/d", dir);
  mkdir(sub, 0700);
  check(mkdirat(dfd, "d/inner", 0700) == 0, "atomic: a directory in the way");
  int before = count_entries(dir);
  int r = fs_write_file_atomicat(dfd, "d", "x", 1, 0600, &err);
  check(r < 0 && strncmp(err.msg, "rename .d.", 10) == 0, "atomicat: rename over a directory fails: %s",
     err.msg);
  check(count_entries(dir) == before, "atomicat: no temporary file left after a failure");
  check(fs_write_file_atomic("/nonexistent-rt-dir/f", "x", 1, 0600, &err) == -ENOENT &&
         strncmp(err.msg, "create /nonexistent-rt-dir/.f.", strlen("create /nonexistent-rt-dir/.f.")) == 0,
     "atomic: a missing directory: %s", err.msg);
  umask(old);
}

static void write_n(const char *path, size_t n) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  for (size_t i = 0; i < n; i++)
    if (write(fd, "x", 1) != 1)
      break;
  close(fd);
}

static void test_reader(void) {
  char path[PATH_MAX + 16];
  rt_error err;
  char *data = NULL;
  size_t len = 1;
  snprintf(path, sizeof path, "%s/empty", tmpdir);
  write_n(path, 0);
  check(fs_read_file(path, 4096, &data, &len, &err) == 0 && data && data[0] == '\0' && len == 0,
     "read: an empty file is \"\", length 0");
  free(data);
  data = NULL;

  snprintf(path, sizeof path, "%s/small", tmpdir);
  write_n(path, 100);
  check(fs_read_file(path, 4096, &data, &len, &err) == 0 && len == 100 && strlen(data) == 100,
     "read: 100 bytes under a 4 KiB limit");
  free(data);
  data = NULL;
  check(fs_read_file(path, 64, &data, NULL, &err) == 0 && strlen(data) == 100,
     "read: a limit under 4 KiB reads up to 4 KiB (as before)");
  free(data);
  data = NULL;

  snprintf(path, sizeof path, "%s/big", tmpdir);
  write_n(path, 5000);
  int r = fs_read_file(path, 4096, &data, NULL, &err);
  char want[PATH_MAX + 64];
  snprintf(want, sizeof want, "read %s: %s", path, strerror(EFBIG));
  check(r == -EFBIG && data == NULL, "read: 5000 bytes over a 4 KiB limit: -EFBIG");
  is_str(err.msg, want, "read: the EFBIG message");
  check(fs_read_file(path, 8192, &data, &len, &err) == 0 && len == 5000,
     "read: 5000 bytes under an 8 KiB limit (the buffer grows)");
  free(data);
  data = NULL;
  snprintf(path, sizeof path, "%s/exact", tmpdir);
  write_n(path, 4096);
  check(fs_read_file(path, 4096, &data, NULL, &err) == -EFBIG,
     "read: exactly 4096 bytes under a 4096 limit: -EFBIG (the limit is exclusive)");

  snprintf(path, sizeof path, "%s/missing", tmpdir);
  snprintf(want, sizeof want, "open %s: %s", path, strerror(ENOENT));
  check(fs_read_file(path, 4096, &data, NULL, &err) == -ENOENT, "read: a missing file: -ENOENT");
  is_str(err.msg, want, "read: the ENOENT message");

  _cleanup_close_ int dfd = open(tmpdir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  check(fs_read_fileat(dfd, "small", 4096, &data, &len, &err) == 0 && len == 100,
     "read_fileat: relative to a dirfd");
  free(data);
  data = NULL;

  int p[2];
  if (pipe2(p, O_CLOEXEC) == 0) {
    check(write(p[1], "abc", 3) == 3, "read_fd: 3 bytes into a pipe");
    close(p[1]);
    check(fs_read_fd(p[0], 4096, &data, &len) == 0 && len == 3 && strcmp(data, "abc") == 0,
       "read_fd: a pipe to EOF");
    close(p[0]);
    free(data);
    data = NULL;
  }
  check(fs_read_fd(-1, 4096, &data, &len) == -EBADF, "read_fd: a bad fd is -EBADF");
}

/* ---- time ---- */

static void test_rfc3339(void) {
  char buf[RT_RFC3339_MAX];
  struct timespec ts = {1796420018, 123456789};
  rt_time_rfc3339(&ts, buf, sizeof buf);
  is_str(buf, "2026-12-04T21:33:38.123456789Z", "rfc3339: a known time");
  ts = (struct timespec){0, 0};
  rt_time_rfc3339(&ts, buf, sizeof buf);
  is_str(buf, "1970-01-01T00:00:00.000000000Z", "rfc3339: the epoch, nine zeros");
  ts = (struct timespec){951782400, 7};
  rt_time_rfc3339(&ts, buf, sizeof buf);
  is_str(buf, "2000-02-29T00:00:00.000000007Z", "rfc3339: a leap day, 7 ns");
  rt_time_now_rfc3339(buf, sizeof buf);
  check(strlen(buf) == 30 && buf[10] == 'T' && buf[19] == '.' && buf[29] == 'Z',
     "rfc3339: now has the shape: %s", buf);
}

/* ---- errors ---- */

static void test_errors(void) {
  rt_error err;
  char big[5000], want[8192];
  check(rt_error_set(&err, ENOENT, "open %s", "x") == -ENOENT, "error: -errnum returned");
  is_str(err.msg, "open x: No such file or directory", "error: strerror appended");
  check(rt_error_set(&err, 0, "plain") == -1 && err.errnum == 0, "error: errnum 0 returns -1");
  is_str(err.msg, "plain", "error: no strerror without errnum");

  /* quoted values are cut to 128 and "..." when longer than 131, digit runs
   * to 40 when longer than 43; what follows a huge value survives */
  static const struct {
    int errnum;
    char c;
    size_t n;
    const char *fmt, *want, *name;
  } cuts[] = {
      {0, 'a', 200, "x \"%s\" y", "x \"%.128s...\" y", "a quoted value of 200 is cut to 128"},
      {0, 'a', 131, "\"%s\"", "\"%s\"", "a quoted value of 131 stays whole"},
      {0, 'a', 132, "\"%s\"", "\"%.128s...\"", "a quoted value of 132 is cut"},
      {0, 'a', 133, "open \"%s", "open \"%.128s...", "an unterminated quote is cut too"},
      {0, '7', 44, "uid %s!", "uid %.40s...!", "44 digits are cut to 40"},
      {0, '7', 43, "uid %s!", "uid %s!", "43 digits stay whole"},
      {EINVAL, 'h', 4999, "hostname \"%s\" is too long",
       "hostname \"%.128s...\" is too long: Invalid argument",
       "the text after a huge quoted value survives"},
  };
  for (size_t i = 0; i < ARRAY_SIZE(cuts); i++) {
    memset(big, cuts[i].c, cuts[i].n);
    big[cuts[i].n] = '\0';
    rt_error_set(&err, cuts[i].errnum, cuts[i].fmt, big);
    snprintf(want, sizeof want, cuts[i].want, big);
    is_str(err.msg, want, "error: %s", cuts[i].name);
  }

  /* prefixes */
  rt_error_set(&err, EPERM, "mount /proc");
  check(rt_error_prefix(&err, "config.json: .mounts[%d]", 3) == -EPERM,
     "error_prefix: returns -errnum");
  is_str(err.msg, "config.json: .mounts[3]: mount /proc: Operation not permitted",
         "error_prefix: \"context: old message\"");
  rt_error_set(&err, 0, "m");
  check(rt_error_prefix(&err, "%s", "") == -1, "error_prefix: -1 without errnum");
  is_str(err.msg, ": m", "error_prefix: an empty prefix");
  memset(big, 'o', RT_ERROR_MSG_MAX);
  big[RT_ERROR_MSG_MAX] = '\0';
  rt_error_set(&err, 0, "%s", big); /* cut to 2047 bytes */
  check(strlen(err.msg) == RT_ERROR_MSG_MAX - 1, "error: a 2048-byte message is cut to 2047");
  rt_error_prefix(&err, "p");
  snprintf(want, sizeof want, "p: %.*s", RT_ERROR_MSG_MAX - 4, big);
  is_str(err.msg, want, "error_prefix: a full old message is cut at the end");
  memset(big, 'q', 3000);
  big[3000] = '\0';
  rt_error_set(&err, 0, "old");
  rt_error_prefix(&err, "%s", big);
  snprintf(want, sizeof want, "%.*s: ", RT_ERROR_MSG_MAX - 3, big);
  is_str(err.msg, want, "error_prefix: a 3000-byte prefix keeps 2045 bytes and \": \"");
  memset(big, 'z', 200);
  big[200] = '\0';
  rt_error_set(&err, 0, "old");
  rt_error_prefix(&err, "\"%s\"", big);
  snprintf(want, sizeof want, "\"%s\": old", big);
  is_str(err.msg, want, "error_prefix: a prefix is not cut (as before)");
  check(rt_error_prefix(NULL, "x") == -1, "error_prefix: NULL err is -1");
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  const char *t = getenv("TMPDIR");
  snprintf(tmpdir, sizeof tmpdir, "%s/rt-test-util-XXXXXX", t && *t ? t : "/tmp");
  if (!mkdtemp(tmpdir)) {
    perror("mkdtemp");
    return 1;
  }
  atexit(cleanup);
  test_mountinfo_line();
  test_mountinfo_next();
  test_atomic_writer();
  test_reader();
  test_rfc3339();
  test_errors();
  return tap_done();
}

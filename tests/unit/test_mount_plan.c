/* Unit tests of the mount plan without root: mount options to flags,
 * propagation, recursive attributes and data (mount_parse_options), and the
 * calls rootfs_prepare and rootfs_finish make for a config, recorded by the
 * fake of mount(2), open_tree(2), move_mount(2), mount_setattr(2), fsopen(2)
 * and friends (fake_kernel.c, linked in with ld --wrap): nothing is mounted.
 * The rootfs is a temporary directory; paths are opened in it as they would
 * be in a real one. Also the order in which namespaces given by path are
 * joined (setns is faked too). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "fake_kernel.h"
#include "libocispec/oci_config.h"
#include "linux/mount.h"
#include "linux/namespaces.h"
#include "tap.h"
#include "util/cleanup.h"

static char base[] = "/tmp/rt-test-mnt-XXXXXX";


/* ---- mount_parse_options ---- */

static int parse(const char *list, struct mount_opts *o, rt_error *err) {
  char copy[512], *v[32], *save = NULL;
  size_t n = 0;
  snprintf(copy, sizeof copy, "%s", list);
  for (char *t = strtok_r(copy, ",", &save); t && n < 32; t = strtok_r(NULL, ",", &save))
    v[n++] = t;
  return mount_parse_options(v, n, o, "config.json: .mounts[0].options", err);
}

static void test_options(void) {
  struct mount_opts o;
  rt_error err;
  ok(parse("rbind,ro,nosuid,nodev,rprivate", &o, &err) == 0 &&
         o.flags == (MS_BIND | MS_REC | MS_RDONLY | MS_NOSUID | MS_NODEV) && o.clear == 0 &&
         o.n_propagation == 1 && o.propagation[0] == (MS_PRIVATE | MS_REC) && !o.data &&
         !o.recursive_attrs,
     "rbind,ro,nosuid,nodev,rprivate: flags, one propagation, no data");
  mount_opts_free(&o);
  ok(parse("ro,rw,suid,nosuid,dev", &o, &err) == 0 && o.flags == MS_NOSUID &&
         o.clear == (MS_RDONLY | MS_NODEV),
     "ro,rw,suid,nosuid,dev: the last word wins; rw and dev are explicit clears");
  mount_opts_free(&o);
  ok(parse("mode=1777,size=65536k,nosuid,uid=5", &o, &err) == 0 && o.flags == MS_NOSUID &&
         o.data && strcmp(o.data, "mode=1777,size=65536k,uid=5") == 0,
     "unknown options are the data, in order, joined by commas (%s)", o.data ? o.data : "-");
  mount_opts_free(&o);
  ok(parse("rro,rnosuid,rrelatime,rnoatime", &o, &err) == 0 && o.recursive_attrs &&
         o.attr_set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOATIME) &&
         o.flags == 0,
     "rro,rnosuid,rrelatime,rnoatime: recursive attrs; the last atime choice wins");
  mount_opts_free(&o);
  /* MOUNT_ATTR_RELATIME is 0: "rrelatime" (and "ratime", "rnostrictatime")
   * must still clear an atime choice made before ("rnoatime,rrelatime") and
   * put MOUNT_ATTR__ATIME in attr_clr, or mount_setattr(2) keeps the
   * source's atime mode. */
  ok(parse("rnoatime,rrelatime", &o, &err) == 0 && o.attr_set == MOUNT_ATTR_RELATIME &&
           o.attr_clr == MOUNT_ATTR__ATIME,
       "rrelatime after rnoatime: relatime chosen, _ATIME to be cleared (attr_set 0x%llx clr 0x%llx)",
       (unsigned long long)o.attr_set, (unsigned long long)o.attr_clr);
  mount_opts_free(&o);
  ok(parse("rro,rrw,rnoexec", &o, &err) == 0 && o.attr_set == MOUNT_ATTR_NOEXEC &&
         o.attr_clr == MOUNT_ATTR_RDONLY,
     "rro then rrw: cleared; rnoexec set");
  mount_opts_free(&o);
  ok(parse("shared,rslave", &o, &err) == 0 && o.n_propagation == 2 &&
         o.propagation[0] == MS_SHARED && o.propagation[1] == (MS_SLAVE | MS_REC),
     "propagation options are kept in their order");
  mount_opts_free(&o);
  ok(parse("private,shared,slave,unbindable,rprivate", &o, &err) < 0 &&
         fk_has(err.msg, "config.json: .mounts[0].options[4]: too many propagation options"),
     "a fifth propagation option is an error naming it: %s", err.msg);
  mount_opts_free(&o);
  ok(parse("tmpcopyup,idmap", &o, &err) == 0 && o.tmpcopyup && o.idmap && !o.ridmap && !o.data,
     "tmpcopyup and idmap are rt's own, not data");
  mount_opts_free(&o);
  ok(parse("nosymfollow,strictatime,noatime", &o, &err) == 0 &&
         o.flags == (256 | MS_STRICTATIME | MS_NOATIME),
     "nosymfollow, strictatime, noatime");
  mount_opts_free(&o);
  ok(mount_propagation_flag("rslave") == (MS_SLAVE | MS_REC) &&
         mount_propagation_flag("shared") == MS_SHARED && mount_propagation_flag("ro") == 0 &&
         mount_propagation_flag("bogus") == 0,
     "mount_propagation_flag: only propagation names");
}

/* ---- rootfs_prepare ---- */

static char rootfs[4200], src[4200];

static oci_config *config(const char *extra) {
  char doc[8192];
  snprintf(doc, sizeof doc, "{'ociVersion':'1.3.0','root':{'path':'%s'}%s}", rootfs, extra);
  for (char *p = doc; *p; p++)
    if (*p == '\'')
      *p = '"';
  for (char *p; (p = strstr(doc, "SRC"));) {
    char rest[8192];
    snprintf(rest, sizeof rest, "%s", p + 3);
    snprintf(p, sizeof doc - (size_t)(p - doc), "%s%s", src, rest);
  }
  rt_error err;
  oci_config *c = oci_config_parse_data(doc, strlen(doc), "config.json", &err);
  if (!c)
    printf("# config does not parse: %s\n", err.msg);
  return c;
}

static void fresh_rootfs(void) {
  char cmd[16384];
  snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s' '%s'", rootfs, rootfs, src);
  if (system(cmd) != 0)
    printf("# %s failed\n", cmd);
}

static int prepare(oci_config *c, struct rootfs_ctx *ctx, rt_error *err) {
  *ctx = (struct rootfs_ctx){.config = c, .bundle = base, .rootfs = rootfs,
                             .bind_devices = true, .devnull_fd = -1, .sync_fd = -1};
  fk_reset(base);
  return c ? rootfs_prepare(ctx, err) : -1;
}

/* The flags a bind remount keeps from its source (locked_flags in mount.c):
 * those of the file system of our temporary directory, as the fake prints
 * them after `have`. */
static const char *kept_flags(unsigned long have) {
  static char buf[256];
  struct statvfs sv;
  buf[0] = '\0';
  if (statvfs(base, &sv) < 0)
    return buf;
  static const struct {
    unsigned long st, ms;
    const char *name;
  } map[] = {{ST_NOSUID, MS_NOSUID, "MS_NOSUID"},       {ST_NODEV, MS_NODEV, "MS_NODEV"},
             {ST_NOEXEC, MS_NOEXEC, "MS_NOEXEC"},       {ST_NOATIME, MS_NOATIME, "MS_NOATIME"},
             {ST_NODIRATIME, MS_NODIRATIME, "MS_NODIRATIME"},
             {ST_RELATIME, MS_RELATIME, "MS_RELATIME"}};
  for (size_t i = 0; i < ARRAY_SIZE(map); i++)
    if (((sv.f_flag & map[i].st) || (have & map[i].ms)))
      snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "|%s", map[i].name);
  return buf;
}

static void test_prepare(void) {
  fresh_rootfs();
  oci_config *c = config(
      ",'mounts':["
      "{'destination':'/data','type':'bind','source':'SRC','options':['rbind','ro','nosuid','rprivate']},"
      "{'destination':'/tmp','type':'tmpfs','source':'tmpfs','options':['nosuid','nodev','mode=1777','size=65536k']},"
      "{'destination':'/ro','type':'bind','source':'SRC','options':['bind','rro','rnoatime']},"
      "{'destination':'/dev','type':'tmpfs','source':'tmpfs','options':['ro','nosuid','mode=755']}]");
  struct rootfs_ctx ctx;
  rt_error err = {0};
  int r = prepare(c, &ctx, &err);
  ok(r == 0, "rootfs_prepare with a bind, a tmpfs, an rro bind and a read-only /dev (%s)",
     r ? err.msg : "ok");
  const char *log = fk_log();
  ok(strncmp(log, "mount - / - MS_REC|MS_SLAVE -\n", 30) == 0,
     "first: / becomes rslave (no rootfsPropagation)");
  ok(fk_has(log, "open_tree /rootfs CLONE|RECURSIVE\nmove_mount tree:/rootfs -> /rootfs\n"),
     "the rootfs is bound on itself, recursively, through one fd");
  char want[1024];
  snprintf(want, sizeof want,
           "open_tree /src CLONE|RECURSIVE\n"
           "move_mount tree:/src -> /rootfs/data\n"
           "mount - /rootfs/data - MS_REMOUNT|MS_BIND|MS_RDONLY%s -\n"
           "mount - /rootfs/data - MS_REC|MS_PRIVATE -\n",
           kept_flags(MS_NOSUID));
  ok(fk_has(log, want), "rbind,ro,nosuid,rprivate: recursive clone, move, remount ro keeping the "
                     "source's locked flags, then rprivate");
  ok(fk_has(log, "mount tmpfs /rootfs/tmp tmpfs MS_NOSUID|MS_NODEV mode=1777,size=65536k\n"),
     "tmpfs: flags and data in one mount(2)");
  ok(fk_has(log, "open_tree /src CLONE\nmove_mount tree:/src -> /rootfs/ro\n"
              "mount_setattr /rootfs/ro RECURSIVE set=RDONLY|NOATIME clr=_ATIME\n"),
     "bind,rro,rnoatime: a non-recursive clone, then mount_setattr recursive (atime cleared "
     "first)");
  ok(fk_has(log, "mount tmpfs /rootfs/dev tmpfs MS_NOSUID mode=755\n"),
     "a read-only /dev is mounted read-write first");
  ok(ctx.dev_ro, "... and left for rootfs_finish to make read-only");
  ok(fk_before("/rootfs/data", "/rootfs/tmp") && fk_before("/rootfs/tmp", "/rootfs/ro") &&
         fk_before("/rootfs/ro", "/rootfs/dev tmpfs"),
     "mounts in config order");
  ok(fk_has(log, "open_tree /dev/null CLONE\nmove_mount tree:/dev/null -> /rootfs/dev/null\n"),
     "without mknod, the host's /dev/null is bound in");
  ok(fk_before("/rootfs/dev tmpfs", "move_mount tree:/dev/null"), "devices after the mounts");
  struct stat st;
  char p[4300];
  snprintf(p, sizeof p, "%s/data", rootfs);
  ok(stat(p, &st) == 0 && S_ISDIR(st.st_mode), "the bind destination was made in the rootfs");
  ok(!strstr(log, "umount"), "nothing is unmounted");
  oci_config_free(c);
}

static void test_propagation(void) {
  static const struct {
    const char *name, *first;
  } cases[] = {
      {"shared", "mount - / - MS_SHARED -\n"},
      {"private", "mount - / - MS_REC|MS_PRIVATE -\n"},
      {"rslave", "mount - / - MS_REC|MS_SLAVE -\n"},
      {"unbindable", "mount - / - MS_REC|MS_SLAVE -\n"},
  };
  for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
    fresh_rootfs();
    char extra[256];
    snprintf(extra, sizeof extra, ",'linux':{'rootfsPropagation':'%s'}", cases[i].name);
    oci_config *c = config(extra);
    struct rootfs_ctx ctx;
    rt_error err = {0};
    int r = prepare(c, &ctx, &err);
    ok(r == 0 && strncmp(fk_log(), cases[i].first, strlen(cases[i].first)) == 0,
       "rootfsPropagation %s: %.*s", cases[i].name, (int)strlen(cases[i].first) - 1,
       cases[i].first);
    fk_reset(base);
    r = c ? rootfs_finish(&ctx, &err) : -1;
    unsigned long f = mount_propagation_flag(cases[i].name);
    char want[128];
    snprintf(want, sizeof want, "mount - / - %s -\n",
             f == MS_SHARED ? "MS_SHARED" : f == MS_PRIVATE ? "MS_PRIVATE"
             : f == (MS_SLAVE | MS_REC) ? "MS_REC|MS_SLAVE" : "MS_UNBINDABLE");
    ok(r == 0 && strncmp(fk_log(), want, strlen(want)) == 0,
       "rootfs_finish: %s set on the new root as asked (%s)", cases[i].name,
       r ? err.msg : "ok");
    oci_config_free(c);
  }
}

static void expect_error(const char *what, const char *extra, const char *n1, const char *n2) {
  fresh_rootfs();
  oci_config *c = config(extra);
  struct rootfs_ctx ctx;
  rt_error err = {0};
  int r = prepare(c, &ctx, &err);
  ok(r < 0 && fk_has(err.msg, n1) && (!n2 || fk_has(err.msg, n2)), "%s: %s", what,
     r < 0 ? err.msg : "no error");
  oci_config_free(c);
}

static void test_errors(void) {
  expect_error("a non-bind mount without type", ",'mounts':[{'destination':'/x','source':'none'}]",
               "config.json: .mounts[0].type: a mount that is not a bind mount needs a type", NULL);
  expect_error("idmap on a tmpfs",
               ",'mounts':[{'destination':'/x','type':'tmpfs','options':['idmap']}]",
               "config.json: .mounts[0].options: idmap and ridmap need a bind mount", NULL);
  expect_error("a missing bind source",
               ",'mounts':[{'destination':'/x','type':'bind','source':'/nonexistent-rt-test','options':['bind']}]",
               "config.json: .mounts[0].source: bind source /nonexistent-rt-test", NULL);
  fresh_rootfs();
  char p[4300];
  snprintf(p, sizeof p, "%s/proc", rootfs);
  if (symlink("/etc", p) < 0)
    printf("# symlink %s: %s\n", p, strerror(errno));
  oci_config *c = config(",'mounts':[{'destination':'/proc','type':'proc','source':'proc'}]");
  struct rootfs_ctx ctx;
  rt_error err = {0};
  int r = prepare(c, &ctx, &err);
  ok(r < 0 && fk_has(err.msg, "config.json: .mounts[0].destination: proc must be mounted on an "
                           "ordinary directory (/proc in the rootfs is a symlink)"),
     "proc on a symlink is refused: %s", r < 0 ? err.msg : "no error");
  ok(!strstr(fk_log(), "mount proc"), "... before any mount of it");
  oci_config_free(c);
  fresh_rootfs();
  c = config(",'mounts':[{'destination':'/a','type':'tmpfs','source':'tmpfs'},"
             "{'destination':'/b','type':'tmpfs','source':'tmpfs'}]");
  *(&ctx) = (struct rootfs_ctx){.config = c, .bundle = base, .rootfs = rootfs,
                                .bind_devices = true, .devnull_fd = -1, .sync_fd = -1};
  fk_reset(base);
  fk_fail("/rootfs/b tmpfs", EPERM);
  r = c ? rootfs_prepare(&ctx, &err) : 0;
  ok(r < 0 && err.errnum == EPERM && !strstr(fk_log(), "/rootfs/dev"),
     "a refused mount stops the plan there: %s", r < 0 ? err.msg : "no error");
  oci_config_free(c);
}

static void test_finish(void) {
  fresh_rootfs();
  oci_config *c = config(",'root':{'path':'x','readonly':true},'linux':{"
                         "'maskedPaths':['/etc','/etc/passwd','/nonexistent-rt-test'],"
                         "'readonlyPaths':['/usr']}");
  /* config() put root first; the second 'root' member is the one kept or an error */
  if (!c)
    c = config(",'linux':{'maskedPaths':['/etc','/etc/passwd','/nonexistent-rt-test'],"
               "'readonlyPaths':['/usr']}");
  struct stat st;
  if (!c || stat("/dev/null", &st) < 0 || !S_ISCHR(st.st_mode)) {
    ok(1, "# SKIP rootfs_finish: no config or no /dev/null character device here");
    oci_config_free(c);
    return;
  }
  if (c->root)
    c->root->readonly = true;
  struct rootfs_ctx ctx = {.config = c, .rootfs = rootfs, .devnull_fd = -1, .sync_fd = -1,
                           .dev_ro = true};
  rt_error err = {0};
  fk_reset(NULL);
  /* rootfs_finish runs after pivot_root: "/" is the container's; here it is
   * the host's, opened read-only, and every mount call is the fake's. */
  int r = rootfs_finish(&ctx, &err);
  ok(r == 0, "rootfs_finish with masked and read-only paths (%s)", r ? err.msg : "ok");
  const char *log = fk_log();
  ok(fk_has(log, "fsopen tmpfs\nfsconfig size=0\nfsconfig create\n"
              "fsmount fs:tmpfs RDONLY|NOSUID|NODEV|NOEXEC\nmove_mount mnt:fs:tmpfs -> /etc\n"),
     "a masked directory: an empty read-only tmpfs (size=0) moved onto it");
  ok(fk_has(log, "open_tree /dev/null CLONE\nmove_mount tree:/dev/null -> /etc/passwd\n"),
     "a masked file: /dev/null bound onto it");
  ok(!strstr(log, "nonexistent"), "a masked path that does not exist is skipped");
  ok(fk_has(log, "open_tree /usr CLONE|RECURSIVE\n"
              "mount_setattr tree:/usr RECURSIVE set=RDONLY|NOSUID|NODEV|NOEXEC clr=0\n"
              "move_mount tree:/usr -> /usr\n"),
     "a read-only path: cloned, made read-only recursively, put back");
  ok(fk_before("/etc/passwd", "/usr"), "masked paths before read-only paths");
  ok(fk_has(log, "mount_setattr /dev set=RDONLY clr=0\n"), "a read-only /dev made read-only at last");
  ok(fk_has(log, "mount_setattr / set=RDONLY clr=0\n"), "root.readonly: / read-only at the end");
  ok(fk_before("mount_setattr /dev", "mount_setattr / set"), "/dev before /");
  oci_config_free(c);
}

/* ---- namespaces given by path: the order of setns ---- */

static void test_ns_join(void) {
  char doc[2048];
  snprintf(doc, sizeof doc,
           "{'ociVersion':'1.3.0','root':{'path':'r'},'linux':{'namespaces':["
           "{'type':'mount','path':'/proc/self/ns/mnt'},{'type':'network','path':'/proc/self/ns/net'},"
           "{'type':'uts','path':'/proc/self/ns/uts'},{'type':'pid'},"
           "{'type':'ipc','path':'/proc/self/ns/ipc'},{'type':'user','path':'/proc/self/ns/user'},"
           "{'type':'cgroup','path':'/proc/self/ns/cgroup'}],"
           "'uidMappings':[{'containerID':0,'hostID':1000,'size':1}],"
           "'gidMappings':[{'containerID':0,'hostID':1000,'size':1}]}}");
  for (char *p = doc; *p; p++)
    if (*p == '\'')
      *p = '"';
  rt_error err = {0};
  oci_config *c = oci_config_parse_data(doc, strlen(doc), "config.json", &err);
  if (!c) {
    ok(0, "namespaces config parses: %s", err.msg);
    return;
  }
  fk_reset(NULL);
  int r = ns_join_paths(c->linux_, &err);
  ok(r == 0, "ns_join_paths (%s)", r ? err.msg : "ok");
  const char *log = fk_log_of("setns ");
  const char *order[] = {"setns user:", "setns ipc:", "setns uts:", "setns net:", "setns cgroup:",
                         "setns mnt:"};
  bool in_order = true;
  const char *at = log;
  for (size_t i = 0; i < ARRAY_SIZE(order) && in_order; i++) {
    at = strstr(at, order[i]);
    in_order = at != NULL;
  }
  ok(in_order, "joined user first, mount last, pid left to the children");
  ok(!strstr(log, "pid:"), "a new pid namespace (no path) is not joined");
  char want[64];
  snprintf(want, sizeof want, " 0x%x\n", CLONE_NEWUSER);
  ok(fk_has(log, want), "setns gets the type's CLONE_NEW* flag");
  ok(ns_join_before_clone(c->linux_), "a user namespace by path is joined before the clone");
  oci_config_free(c);
  fk_reset(NULL);
  int fd = ns_open_path("/proc/self/ns/net", CLONE_NEWUTS, "config.json: .linux.namespaces (uts)", &err);
  ok(fd < 0 && fk_has(err.msg, "config.json: .linux.namespaces (uts): /proc/self/ns/net is a "
                            "namespace of another type"),
     "a namespace of another type: %s", err.msg);
  if (fd >= 0)
    close(fd);
  fd = ns_open_path("/proc/self/status", CLONE_NEWUTS, "config.json: .linux.namespaces (uts)", &err);
  ok(fd < 0 && fk_has(err.msg, "/proc/self/status is not a namespace"), "not a namespace: %s",
     err.msg);
  if (fd >= 0)
    close(fd);
}

int main(void) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (!mkdtemp(base)) {
    ok(0, "mkdtemp: %s", strerror(errno));
    return tap_done();
  }
  snprintf(rootfs, sizeof rootfs, "%s/rootfs", base);
  snprintf(src, sizeof src, "%s/src", base);
  test_options();
  test_prepare();
  test_propagation();
  test_errors();
  test_finish();
  test_ns_join();
  char cmd[4200];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", base);
  if (system(cmd) != 0)
    printf("# cannot remove %s\n", base);
  return tap_done();
}

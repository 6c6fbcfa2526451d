/* rt spec: write the default config.json of a bundle, the one runc 1.1
 * writes (process "sh" on a terminal, a read-only rootfs, the usual /proc,
 * /dev, /sys mounts, masked and read-only paths), or with --rootless the
 * variant for a user without privileges: a user namespace mapping root to
 * the caller, no network namespace, /sys bound from the host, no device
 * cgroup rules. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "cmd/cmd.h"
#include "cmd/seccomp_default.h"

#define GS(g, s) yajl_gen_string(g, (const unsigned char *)(s), strlen(s))

static void key(yajl_gen g, const char *k) {
  GS(g, k);
}

static void kv_str(yajl_gen g, const char *k, const char *v) {
  GS(g, k);
  GS(g, v);
}

static void kv_int(yajl_gen g, const char *k, long long v) {
  GS(g, k);
  yajl_gen_integer(g, v);
}

static void kv_bool(yajl_gen g, const char *k, bool v) {
  GS(g, k);
  yajl_gen_bool(g, v);
}

static void kv_strings(yajl_gen g, const char *k, const char *const *v) {
  GS(g, k);
  yajl_gen_array_open(g);
  for (; *v; v++)
    GS(g, *v);
  yajl_gen_array_close(g);
}

static const char *const default_caps[] = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE",
                                           NULL};

static void gen_process(yajl_gen g) {
  static const char *const args[] = {"sh", NULL};
  static const char *const env[] = {
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm", NULL};
  key(g, "process");
  yajl_gen_map_open(g);
  kv_bool(g, "terminal", true);
  key(g, "user");
  yajl_gen_map_open(g);
  kv_int(g, "uid", 0);
  kv_int(g, "gid", 0);
  yajl_gen_map_close(g);
  kv_strings(g, "args", args);
  kv_strings(g, "env", env);
  kv_str(g, "cwd", "/");
  key(g, "capabilities");
  yajl_gen_map_open(g);
  kv_strings(g, "bounding", default_caps);
  kv_strings(g, "effective", default_caps);
  kv_strings(g, "permitted", default_caps);
  kv_strings(g, "ambient", default_caps);
  yajl_gen_map_close(g);
  key(g, "rlimits");
  yajl_gen_array_open(g);
  yajl_gen_map_open(g);
  kv_str(g, "type", "RLIMIT_NOFILE");
  kv_int(g, "hard", 1024);
  kv_int(g, "soft", 1024);
  yajl_gen_map_close(g);
  yajl_gen_array_close(g);
  kv_bool(g, "noNewPrivileges", true);
  yajl_gen_map_close(g);
}

static void gen_mount(yajl_gen g, const char *dest, const char *type, const char *source,
                      const char *const *options) {
  yajl_gen_map_open(g);
  kv_str(g, "destination", dest);
  kv_str(g, "type", type);
  kv_str(g, "source", source);
  if (options)
    kv_strings(g, "options", options);
  yajl_gen_map_close(g);
}

static void gen_mounts(yajl_gen g, bool rootless) {
  static const char *const dev[] = {"nosuid", "strictatime", "mode=755", "size=65536k", NULL};
  static const char *const pts[] = {"nosuid", "noexec", "newinstance", "ptmxmode=0666",
                                    "mode=0620", "gid=5", NULL};
  static const char *const shm[] = {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k",
                                    NULL};
  static const char *const mqueue[] = {"nosuid", "noexec", "nodev", NULL};
  static const char *const sys[] = {"nosuid", "noexec", "nodev", "ro", NULL};
  static const char *const sys_bind[] = {"rbind", "nosuid", "noexec", "nodev", "ro", NULL};
  static const char *const cgroup[] = {"nosuid", "noexec", "nodev", "relatime", "ro", NULL};
  key(g, "mounts");
  yajl_gen_array_open(g);
  gen_mount(g, "/proc", "proc", "proc", NULL);
  gen_mount(g, "/dev", "tmpfs", "tmpfs", dev);
  if (rootless) {
    /* gid=5 names a group that is not mapped in the user namespace */
    const char *pts_rootless[ARRAY_SIZE(pts)];
    size_t n = 0;
    for (const char *const *o = pts; *o; o++)
      if (strcmp(*o, "gid=5") != 0)
        pts_rootless[n++] = *o;
    pts_rootless[n] = NULL;
    gen_mount(g, "/dev/pts", "devpts", "devpts", pts_rootless);
  } else {
    gen_mount(g, "/dev/pts", "devpts", "devpts", pts);
  }
  gen_mount(g, "/dev/shm", "tmpfs", "shm", shm);
  gen_mount(g, "/dev/mqueue", "mqueue", "mqueue", mqueue);
  /* sysfs cannot be mounted in a user namespace that does not own the
   * network namespace: bind the host's instead */
  if (rootless)
    gen_mount(g, "/sys", "none", "/sys", sys_bind);
  else
    gen_mount(g, "/sys", "sysfs", "sysfs", sys);
  gen_mount(g, "/sys/fs/cgroup", "cgroup", "cgroup", cgroup);
  yajl_gen_array_close(g);
}

static void gen_id_mapping(yajl_gen g, const char *k, unsigned host_id) {
  key(g, k);
  yajl_gen_array_open(g);
  yajl_gen_map_open(g);
  kv_int(g, "containerID", 0);
  kv_int(g, "hostID", host_id);
  kv_int(g, "size", 1);
  yajl_gen_map_close(g);
  yajl_gen_array_close(g);
}

/* A parsed JSON value written out again into g. */
static void gen_tree(yajl_gen g, yajl_val v) {
  if (YAJL_IS_OBJECT(v)) {
    yajl_gen_map_open(g);
    for (size_t i = 0; i < v->u.object.len; i++) {
      key(g, v->u.object.keys[i]);
      gen_tree(g, v->u.object.values[i]);
    }
    yajl_gen_map_close(g);
  } else if (YAJL_IS_ARRAY(v)) {
    yajl_gen_array_open(g);
    for (size_t i = 0; i < v->u.array.len; i++)
      gen_tree(g, v->u.array.values[i]);
    yajl_gen_array_close(g);
  } else if (YAJL_IS_STRING(v)) {
    yajl_gen_string(g, (const unsigned char *)v->u.string, strlen(v->u.string));
  } else if (YAJL_IS_NUMBER(v)) {
    yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r));
  } else if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)) {
    yajl_gen_bool(g, YAJL_IS_TRUE(v));
  } else {
    yajl_gen_null(g);
  }
}

static void gen_linux(yajl_gen g, bool rootless, bool seccomp) {
  static const char *const namespaces[] = {"pid", "network", "ipc", "uts", "mount", NULL};
  static const char *const namespaces_rootless[] = {"pid", "ipc", "uts", "mount", "user", NULL};
  static const char *const masked[] = {
      "/proc/acpi",          "/proc/asound",     "/proc/kcore",       "/proc/keys",
      "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
      "/sys/firmware",       "/proc/scsi",       NULL};
  static const char *const readonly[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                         "/proc/sysrq-trigger", NULL};
  key(g, "linux");
  yajl_gen_map_open(g);
  if (rootless) {
    gen_id_mapping(g, "uidMappings", (unsigned)geteuid());
    gen_id_mapping(g, "gidMappings", (unsigned)getegid());
  } else {
    /* deny every device; the runtime adds the default ones (runtime-config) */
    key(g, "resources");
    yajl_gen_map_open(g);
    key(g, "devices");
    yajl_gen_array_open(g);
    yajl_gen_map_open(g);
    kv_bool(g, "allow", false);
    kv_str(g, "access", "rwm");
    yajl_gen_map_close(g);
    yajl_gen_array_close(g);
    yajl_gen_map_close(g);
  }
  key(g, "namespaces");
  yajl_gen_array_open(g);
  for (const char *const *ns = rootless ? namespaces_rootless : namespaces; *ns; ns++) {
    yajl_gen_map_open(g);
    kv_str(g, "type", *ns);
    yajl_gen_map_close(g);
  }
  yajl_gen_array_close(g);
  kv_strings(g, "maskedPaths", masked);
  kv_strings(g, "readonlyPaths", readonly);
  if (seccomp) {
    yajl_val prof = yajl_tree_parse(seccomp_default_json, NULL, 0);
    if (prof) {
      key(g, "seccomp");
      gen_tree(g, prof);
      yajl_tree_free(prof);
    }
  }
  yajl_gen_map_close(g);
}

/* The default config.json text (malloc'd), tab-indented as runc writes it;
 * with seccomp, linux.seccomp is Docker's default profile in shape. */
static char *spec_json(bool rootless, bool seccomp) {
  yajl_gen g = yajl_gen_alloc(NULL);
  if (!g)
    return NULL;
  yajl_gen_config(g, yajl_gen_beautify, 1);
  yajl_gen_config(g, yajl_gen_indent_string, "\t");
  yajl_gen_map_open(g);
  kv_str(g, "ociVersion", "1.3.0");
  gen_process(g);
  key(g, "root");
  yajl_gen_map_open(g);
  kv_str(g, "path", "rootfs");
  kv_bool(g, "readonly", true);
  yajl_gen_map_close(g);
  kv_str(g, "hostname", "rt");
  gen_mounts(g, rootless);
  gen_linux(g, rootless, seccomp);
  yajl_gen_map_close(g);
  const unsigned char *buf;
  size_t len;
  char *out = NULL;
  if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok && (out = malloc(len + 1))) {
    memcpy(out, buf, len);
    out[len] = '\0';
  }
  yajl_gen_free(g);
  return out;
}

static int write_all(int fd, const char *data, size_t len) {
  while (len) {
    ssize_t w = write(fd, data, len);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return w < 0 ? -errno : -EIO;
    data += w;
    len -= (size_t)w;
  }
  return 0;
}

CMD(spec) {
  enum { OPT_ROOTLESS = 256, OPT_SECCOMP };
  static const struct option opts[] = {
      {"bundle", required_argument, NULL, 'b'},
      {"rootless", no_argument, NULL, OPT_ROOTLESS},
      {"seccomp", required_argument, NULL, OPT_SECCOMP},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0},
  };
  const char *bundle = ".";
  bool rootless = false, seccomp = false;
  int c;
  while ((c = getopt_long(argc, argv, "b:h", opts, NULL)) != -1) {
    switch (c) {
    case 'b': bundle = optarg; break;
    case OPT_ROOTLESS: rootless = true; break;
    case OPT_SECCOMP:
      if (strcmp(optarg, "default") == 0)
        seccomp = true;
      else if (strcmp(optarg, "none") != 0)
        return cmd_usage_error("spec", "--seccomp %s: expected default or none", optarg);
      break;
    case 'h': return cmd_help("spec");
    default:
      if (c == ':' || (c == '?' && optopt == 'b'))
        return cmd_usage_error("spec", "flag needs an argument: %s", argv[optind - 1]);
      return cmd_usage_error("spec", "flag provided but not defined: %s", argv[optind - 1]);
    }
  }
  if (cmd_check_args("spec", argc - optind, 0, 0))
    return 1;
  if (!*bundle)
    return cmd_fail("spec: --bundle must not be empty");

  _cleanup_close_ int dirfd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    return cmd_fail("bundle %s: %m", bundle);
  _cleanup_free_ char *json = spec_json(rootless, seccomp);
  if (!json)
    return cmd_fail("spec: out of memory");
  _cleanup_close_ int fd =
      openat(dirfd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0) {
    if (errno == EEXIST)
      return cmd_fail("File config.json exists. Remove it first");
    return cmd_fail("create %s/config.json: %m", bundle);
  }
  size_t len = strlen(json);
  int r = write_all(fd, json, len);
  if (r == 0 && (len == 0 || json[len - 1] != '\n'))
    r = write_all(fd, "\n", 1);
  if (r == 0 && close(TAKE_FD(fd)) < 0)
    r = -errno;
  if (r < 0) {
    unlinkat(dirfd, "config.json", 0);
    errno = -r;
    return cmd_fail("write %s/config.json: %m", bundle);
  }
  return 0;
}

/* rt features (see features.h). */
#include "config.h"
#include "rt_features.h"

#include <ctype.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <yajl/yajl_gen.h>

#include "seccomp/seccomp.h"
#include "util/cleanup.h"

const char *const rt_features_hooks[] = {
    "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
    NULL,
};

/* What linux/mount.c understands (mount_parse_options turns everything else
 * into filesystem data); tests/unit/test_features.c checks each one. */
const char *const rt_features_mount_options[] = {
    "async",      "atime",      "bind",          "defaults",    "dev",
    "diratime",   "dirsync",    "exec",          "idmap",       "iversion",
    "lazytime",   "loud",       "mand",          "noatime",     "nodev",
    "nodiratime", "noexec",     "noiversion",    "nolazytime",  "nomand",
    "norelatime", "nostrictatime", "nosuid",     "nosymfollow", "private",
    "ratime",     "rbind",      "rdev",          "rdiratime",   "relatime",
    "remount",    "rexec",      "ridmap",        "rnoatime",    "rnodev",
    "rnodiratime", "rnoexec",   "rnorelatime",   "rnostrictatime", "rnosuid",
    "rnosymfollow", "ro",       "rprivate",      "rrelatime",   "rro",
    "rrw",        "rshared",    "rslave",        "rstrictatime", "rsuid",
    "rsymfollow", "runbindable", "rw",           "shared",      "silent",
    "slave",      "strictatime", "suid",         "symfollow",   "sync",
    "tmpcopyup",  "unbindable", NULL,
};

const char *const rt_features_namespaces[] = {
    "cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts", NULL,
};

/* linux.memoryPolicy as libocispec/parse_linux.c accepts it and
 * linux/process.c applies it (set_mempolicy). */
const char *const rt_features_mpol_modes[] = {
    "MPOL_DEFAULT",   "MPOL_BIND",           "MPOL_INTERLEAVE", "MPOL_WEIGHTED_INTERLEAVE",
    "MPOL_PREFERRED", "MPOL_PREFERRED_MANY", "MPOL_LOCAL",      NULL,
};
const char *const rt_features_mpol_flags[] = {
    "MPOL_F_NUMA_BALANCING", "MPOL_F_RELATIVE_NODES", "MPOL_F_STATIC_NODES", NULL,
};

char **rt_features_capabilities(void) {
  /* libcap names the capabilities it knows "cap_chown" and the others by
   * number; linux/caps.c resolves names with cap_from_name, so these are
   * exactly the names a config may use. */
  size_t n = 0;
  char **out = calloc(65, sizeof *out);
  if (!out)
    return NULL;
  for (cap_value_t c = 0; c < 64; c++) {
    char *name = cap_to_name(c);
    if (!name)
      break;
    bool known = strncmp(name, "cap_", 4) == 0;
    if (known) {
      out[n] = strdup(name);
      if (out[n]) {
        for (char *p = out[n]; *p; p++)
          *p = (char)toupper((unsigned char)*p);
        n++;
      }
    }
    cap_free(name);
    if (!known)
      break;
  }
  return out;
}

#define GS(g, s) yajl_gen_string(g, (const unsigned char *)(s), strlen(s))

static void gen_strings(yajl_gen g, const char *key, const char *const *v) {
  GS(g, key);
  yajl_gen_array_open(g);
  for (; *v; v++)
    GS(g, *v);
  yajl_gen_array_close(g);
}

static void gen_bool_obj(yajl_gen g, const char *key, const char *field, bool value) {
  GS(g, key);
  yajl_gen_map_open(g);
  GS(g, field);
  yajl_gen_bool(g, value);
  yajl_gen_map_close(g);
}

static void gen_seccomp(yajl_gen g) {
  GS(g, "seccomp");
  yajl_gen_map_open(g);
  GS(g, "enabled");
  yajl_gen_bool(g, 1);
  gen_strings(g, "actions", rt_seccomp_actions);
  gen_strings(g, "operators", rt_seccomp_operators);
  gen_strings(g, "archs", rt_seccomp_archs);
  gen_strings(g, "knownFlags", rt_seccomp_known_flags);
  const char *supported[16];
  size_t n = rt_seccomp_supported_flags(supported, ARRAY_SIZE(supported) - 1);
  supported[n] = NULL;
  gen_strings(g, "supportedFlags", supported);
  yajl_gen_map_close(g);
}

static void gen_linux(yajl_gen g) {
  GS(g, "linux");
  yajl_gen_map_open(g);
  gen_strings(g, "namespaces", rt_features_namespaces);
  char **caps = rt_features_capabilities();
  if (caps) {
    gen_strings(g, "capabilities", (const char *const *)caps);
    for (char **p = caps; *p; p++)
      free(*p);
    free(caps);
  }
  GS(g, "cgroup");
  yajl_gen_map_open(g);
  GS(g, "v1");
  yajl_gen_bool(g, 1);
  GS(g, "v2");
  yajl_gen_bool(g, 1);
  GS(g, "systemd");
#ifdef HAVE_SYSTEMD
  yajl_gen_bool(g, 1);
#else
  yajl_gen_bool(g, 0);
#endif
  GS(g, "systemdUser");
  yajl_gen_bool(g, 0);
  GS(g, "rdma");
  yajl_gen_bool(g, 1);
  yajl_gen_map_close(g);
  gen_seccomp(g);
#ifdef HAVE_APPARMOR
  gen_bool_obj(g, "apparmor", "enabled", true);
#else
  gen_bool_obj(g, "apparmor", "enabled", false);
#endif
#ifdef HAVE_SELINUX
  gen_bool_obj(g, "selinux", "enabled", true);
#else
  gen_bool_obj(g, "selinux", "enabled", false);
#endif
  gen_bool_obj(g, "intelRdt", "enabled", false);
  GS(g, "mountExtensions");
  yajl_gen_map_open(g);
  gen_bool_obj(g, "idmap", "enabled", true);
  yajl_gen_map_close(g);
  gen_bool_obj(g, "netDevices", "enabled", true);
  GS(g, "memoryPolicy");
  yajl_gen_map_open(g);
  gen_strings(g, "modes", rt_features_mpol_modes);
  gen_strings(g, "flags", rt_features_mpol_flags);
  yajl_gen_map_close(g);
  yajl_gen_map_close(g);
}

static void gen_annotations(yajl_gen g) {
  GS(g, "annotations");
  yajl_gen_map_open(g);
  GS(g, "io.github.rt.version");
  GS(g, PACKAGE_VERSION);
  const struct scmp_version *v = seccomp_version();
  if (v) {
    char buf[64];
    snprintf(buf, sizeof buf, "%u.%u.%u", v->major, v->minor, v->micro);
    GS(g, "io.github.seccomp.libseccomp.version");
    GS(g, buf);
  }
  GS(g, "io.github.rt.build.selinux");
#ifdef HAVE_SELINUX
  GS(g, "true");
#else
  GS(g, "false");
#endif
  GS(g, "io.github.rt.build.apparmor");
#ifdef HAVE_APPARMOR
  GS(g, "true");
#else
  GS(g, "false");
#endif
  /* checkpoint / restore: through CRIU's RPC, when criu is in PATH */
  GS(g, "io.github.rt.checkpoint.criu");
  GS(g, "rpc (criu swrk; needs criu in PATH)");
  GS(g, "io.github.rt.build.systemd");
#ifdef HAVE_SYSTEMD
  GS(g, "true");
#else
  GS(g, "false");
#endif
  yajl_gen_map_close(g);
}

char *rt_features_json(bool pretty) {
  yajl_gen g = yajl_gen_alloc(NULL);
  if (!g)
    return NULL;
  if (pretty) {
    yajl_gen_config(g, yajl_gen_beautify, 1);
    yajl_gen_config(g, yajl_gen_indent_string, "  ");
  }
  yajl_gen_map_open(g);
  GS(g, "ociVersionMin");
  GS(g, "1.0.0");
  GS(g, "ociVersionMax");
  GS(g, "1.3.0");
  gen_strings(g, "hooks", rt_features_hooks);
  gen_strings(g, "mountOptions", rt_features_mount_options);
  gen_linux(g);
  gen_annotations(g);
  yajl_gen_map_close(g);
  const unsigned char *buf;
  size_t len;
  char *out = NULL;
  if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok && (out = malloc(len + 2))) {
    memcpy(out, buf, len);
    /* yajl's beautify ends the document with a newline already */
    if (pretty && (len == 0 || buf[len - 1] != '\n'))
      out[len++] = '\n';
    out[len] = '\0';
  }
  yajl_gen_free(g);
  return out;
}

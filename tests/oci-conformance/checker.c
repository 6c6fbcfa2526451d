/* rt-checker: run as a container's process, it reads the config.json the
 * bundle was created with and reports in TAP whether each requirement of the
 * OCI runtime spec holds from the inside.
 *
 * Usage: rt-checker [CONFIG [HOSTINFO]]
 *   CONFIG    the bundle's config.json, copied into the rootfs
 *             (default /rt-conformance/config.json)
 *   HOSTINFO  key=value lines the harness wrote about the runtime's side
 *             (default: host.info next to CONFIG): namespace links, the
 *             runtime's capability bounding set, clocks, stat of bind sources.
 *
 * Built static with no library beyond libc, so it runs in any rootfs. Each
 * check runs only if the config asks for the feature, or if the spec requires
 * it by default (default devices, /dev symlinks, open fds, inherited
 * namespaces, untouched oom_score_adj). Nothing here writes outside the
 * probes it names, and a probe that unexpectedly succeeds is undone. */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* ------------------------------------------------------------------ TAP */

static int tap_n, tap_failed;

static void vreport(int pass, const char *directive, const char *detail, const char *fmt, va_list ap) {
  tap_n++;
  if (!pass)
    tap_failed++;
  printf("%s %d - ", pass ? "ok" : "not ok", tap_n);
  vprintf(fmt, ap);
  if (directive)
    printf(" # %s", directive);
  else if (!pass && detail && *detail)
    printf(" # %s", detail);
  printf("\n");
}

/* ok(pass, detail-on-failure, name...) */
__attribute__((format(printf, 3, 4))) static void check(int pass, const char *detail, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport(pass, NULL, detail, fmt, ap);
  va_end(ap);
}

__attribute__((format(printf, 2, 3))) static void skip(const char *reason, const char *fmt, ...) {
  char d[600];
  va_list ap;
  snprintf(d, sizeof d, "SKIP %s", reason);
  va_start(ap, fmt);
  vreport(1, d, NULL, fmt, ap);
  va_end(ap);
}

__attribute__((format(printf, 1, 2))) static void diag(const char *fmt, ...) {
  va_list ap;
  printf("# ");
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\n");
}

/* A small buffer for failure details. */
static char det[4096];
__attribute__((format(printf, 1, 2))) static const char *D(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(det, sizeof det, fmt, ap);
  va_end(ap);
  for (char *p = det; *p; p++)
    if (*p == '\n' || *p == '#')
      *p = ' ';
  return det;
}

/* ----------------------------------------------------------------- JSON */

enum { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

typedef struct json {
  int type;
  int boolean;
  char *str; /* string value, or the number's text */
  size_t n;
  char **keys;
  struct json **kids;
} json;

static const char *jp;
static int jerr;

static void jws(void) {
  while (*jp == ' ' || *jp == '\t' || *jp == '\n' || *jp == '\r')
    jp++;
}

static json *jnew(int type) {
  json *j = calloc(1, sizeof *j);
  if (!j) {
    perror("calloc");
    exit(2);
  }
  j->type = type;
  return j;
}

static void jpush(json *j, char *key, json *kid) {
  j->kids = realloc(j->kids, (j->n + 1) * sizeof *j->kids);
  j->keys = realloc(j->keys, (j->n + 1) * sizeof *j->keys);
  if (!j->kids || !j->keys) {
    perror("realloc");
    exit(2);
  }
  j->kids[j->n] = kid;
  j->keys[j->n] = key;
  j->n++;
}

static void utf8_put(char **o, unsigned cp) {
  unsigned char *u = (unsigned char *)*o;
  if (cp < 0x80) {
    *u++ = cp;
  } else if (cp < 0x800) {
    *u++ = 0xc0 | (cp >> 6);
    *u++ = 0x80 | (cp & 0x3f);
  } else if (cp < 0x10000) {
    *u++ = 0xe0 | (cp >> 12);
    *u++ = 0x80 | ((cp >> 6) & 0x3f);
    *u++ = 0x80 | (cp & 0x3f);
  } else {
    *u++ = 0xf0 | (cp >> 18);
    *u++ = 0x80 | ((cp >> 12) & 0x3f);
    *u++ = 0x80 | ((cp >> 6) & 0x3f);
    *u++ = 0x80 | (cp & 0x3f);
  }
  *o = (char *)u;
}

static char *jstring(void) {
  /* at the opening quote; the output is never longer than the input */
  const char *s = ++jp;
  size_t cap = 0;
  while (s[cap] && s[cap] != '"') {
    if (s[cap] == '\\' && s[cap + 1])
      cap++;
    cap++;
  }
  char *out = malloc(cap * 2 + 8), *o = out;
  if (!out)
    exit(2);
  while (*jp && *jp != '"') {
    if (*jp != '\\') {
      *o++ = *jp++;
      continue;
    }
    jp++;
    switch (*jp) {
    case 'n': *o++ = '\n'; break;
    case 't': *o++ = '\t'; break;
    case 'r': *o++ = '\r'; break;
    case 'b': *o++ = '\b'; break;
    case 'f': *o++ = '\f'; break;
    case 'u': {
      unsigned cp = 0;
      for (int i = 1; i <= 4; i++) {
        char c = jp[i];
        cp = cp * 16 + (isdigit((unsigned char)c) ? c - '0' : (tolower((unsigned char)c) - 'a' + 10));
      }
      jp += 4;
      if (cp >= 0xd800 && cp < 0xdc00 && jp[1] == '\\' && jp[2] == 'u') {
        unsigned lo = 0;
        for (int i = 3; i <= 6; i++) {
          char c = jp[i];
          lo = lo * 16 + (isdigit((unsigned char)c) ? c - '0' : (tolower((unsigned char)c) - 'a' + 10));
        }
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        jp += 6;
      }
      utf8_put(&o, cp);
      break;
    }
    default: *o++ = *jp; break;
    }
    if (*jp)
      jp++;
  }
  if (*jp != '"')
    jerr = 1;
  else
    jp++;
  *o = 0;
  return out;
}

static json *jvalue(int depth) {
  jws();
  if (depth > 200) {
    jerr = 1;
    return jnew(J_NULL);
  }
  if (*jp == '{') {
    json *j = jnew(J_OBJ);
    jp++;
    jws();
    if (*jp == '}') {
      jp++;
      return j;
    }
    for (;;) {
      jws();
      if (*jp != '"') {
        jerr = 1;
        return j;
      }
      char *k = jstring();
      jws();
      if (*jp != ':') {
        jerr = 1;
        return j;
      }
      jp++;
      jpush(j, k, jvalue(depth + 1));
      jws();
      if (*jp == ',') {
        jp++;
        continue;
      }
      if (*jp == '}') {
        jp++;
        return j;
      }
      jerr = 1;
      return j;
    }
  }
  if (*jp == '[') {
    json *j = jnew(J_ARR);
    jp++;
    jws();
    if (*jp == ']') {
      jp++;
      return j;
    }
    for (;;) {
      jpush(j, NULL, jvalue(depth + 1));
      jws();
      if (*jp == ',') {
        jp++;
        continue;
      }
      if (*jp == ']') {
        jp++;
        return j;
      }
      jerr = 1;
      return j;
    }
  }
  if (*jp == '"') {
    json *j = jnew(J_STR);
    j->str = jstring();
    return j;
  }
  if (!strncmp(jp, "true", 4)) {
    json *j = jnew(J_BOOL);
    j->boolean = 1;
    jp += 4;
    return j;
  }
  if (!strncmp(jp, "false", 5)) {
    jp += 5;
    return jnew(J_BOOL);
  }
  if (!strncmp(jp, "null", 4)) {
    jp += 4;
    return jnew(J_NULL);
  }
  if (*jp == '-' || isdigit((unsigned char)*jp)) {
    const char *s = jp;
    while (*jp && strchr("+-0123456789.eE", *jp))
      jp++;
    json *j = jnew(J_NUM);
    j->str = strndup(s, jp - s);
    return j;
  }
  jerr = 1;
  return jnew(J_NULL);
}

static json *jget(const json *j, const char *key) {
  if (!j || j->type != J_OBJ)
    return NULL;
  for (size_t i = 0; i < j->n; i++)
    if (!strcmp(j->keys[i], key))
      return j->kids[i];
  return NULL;
}

/* jpath(root, "linux", "resources", "memory", NULL) */
static json *jpath(const json *j, ...) {
  va_list ap;
  va_start(ap, j);
  const char *k;
  while (j && (k = va_arg(ap, const char *)))
    j = jget(j, k);
  va_end(ap);
  return (json *)j;
}

static const char *jstr(const json *j) { return j && j->type == J_STR ? j->str : NULL; }
static int jis_num(const json *j) { return j && j->type == J_NUM; }
static long long ji64(const json *j) { return jis_num(j) ? strtoll(j->str, NULL, 10) : 0; }
static unsigned long long ju64(const json *j) {
  if (!jis_num(j))
    return 0;
  if (j->str[0] == '-')
    return (unsigned long long)strtoll(j->str, NULL, 10);
  return strtoull(j->str, NULL, 10);
}
static int jtrue(const json *j) { return j && j->type == J_BOOL && j->boolean; }
static size_t jlen(const json *j) { return j && (j->type == J_ARR || j->type == J_OBJ) ? j->n : 0; }
static json *jat(const json *j, size_t i) { return i < jlen(j) ? j->kids[i] : NULL; }

static int jarr_has(const json *arr, const char *s) {
  for (size_t i = 0; i < jlen(arr); i++)
    if (jstr(jat(arr, i)) && !strcmp(jstr(jat(arr, i)), s))
      return 1;
  return 0;
}

/* ---------------------------------------------------------------- utils */

static char *read_file(const char *path, size_t *len) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return NULL;
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap + 1);
  for (;;) {
    if (n == cap) {
      cap *= 2;
      buf = realloc(buf, cap + 1);
    }
    ssize_t r = read(fd, buf + n, cap - n);
    if (r < 0) {
      if (errno == EINTR)
        continue;
      int e = errno;
      close(fd);
      free(buf);
      errno = e;
      return NULL;
    }
    if (r == 0)
      break;
    n += r;
  }
  close(fd);
  buf[n] = 0;
  if (len)
    *len = n;
  return buf;
}

static char *trim(char *s) {
  while (isspace((unsigned char)*s))
    s++;
  size_t n = strlen(s);
  while (n && isspace((unsigned char)s[n - 1]))
    s[--n] = 0;
  return s;
}

/* Read a one-line file, trimmed; NULL if unreadable. */
static char *read_line(const char *path) {
  char *s = read_file(path, NULL);
  if (!s)
    return NULL;
  char *t = strdup(trim(s));
  free(s);
  return t;
}

/* Value of "Key:" in /proc/self/status. */
static char *status_field(const char *key) {
  static char *status;
  if (!status)
    status = read_file("/proc/self/status", NULL);
  if (!status)
    return NULL;
  size_t kl = strlen(key);
  for (char *l = status; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
    if (!strncmp(l, key, kl) && l[kl] == ':') {
      char *v = l + kl + 1;
      while (*v == ' ' || *v == '\t')
        v++;
      size_t n = strcspn(v, "\n");
      return strndup(v, n);
    }
  }
  return NULL;
}

/* Whether the file's mode alone refuses this process write access (no
 * CAP_DAC_OVERRIDE in the effective set, and no write bit for its class). */
static int mode_refuses_write(const struct stat *st) {
  char *eff = status_field("CapEff");
  unsigned long long ce = eff ? strtoull(eff, NULL, 16) : 0;
  free(eff);
  if (ce & (1ULL << 1)) /* CAP_DAC_OVERRIDE */
    return 0;
  if (st->st_uid == geteuid())
    return !(st->st_mode & S_IWUSR);
  gid_t groups[1024];
  int ng = getgroups(1024, groups), in = st->st_gid == getegid();
  for (int i = 0; i < ng && !in; i++)
    in = groups[i] == st->st_gid;
  if (in)
    return !(st->st_mode & S_IWGRP);
  return !(st->st_mode & S_IWOTH);
}

/* Canonical absolute path: "rel" -> "/rel", no "//", ".", ".." or trailing "/". */
static void clean_path(const char *in, char *out, size_t outsz) {
  char tmp[PATH_MAX];
  snprintf(tmp, sizeof tmp, "%s%s", in[0] == '/' ? "" : "/", in);
  char *parts[256];
  int np = 0;
  for (char *save = NULL, *tok = strtok_r(tmp, "/", &save); tok && np < 256; tok = strtok_r(NULL, "/", &save)) {
    if (!strcmp(tok, "."))
      continue;
    if (!strcmp(tok, "..")) {
      if (np)
        np--;
      continue;
    }
    parts[np++] = tok;
  }
  size_t o = 0;
  out[0] = 0;
  for (int i = 0; i < np; i++)
    o += snprintf(out + o, o < outsz ? outsz - o : 0, "/%s", parts[i]);
  if (!np)
    snprintf(out, outsz, "/");
}

/* Numbers with k/m/g suffixes (tmpfs size=). */
static unsigned long long parse_size(const char *s) {
  char *end;
  unsigned long long v = strtoull(s, &end, 0);
  switch (tolower((unsigned char)*end)) {
  case 'k': v <<= 10; break;
  case 'm': v <<= 20; break;
  case 'g': v <<= 30; break;
  case 't': v <<= 40; break;
  }
  return v;
}

/* ------------------------------------------------------------ host info */

static char **hkeys, **hvals;
static size_t hn;

static void load_hostinfo(const char *path) {
  char *s = read_file(path, NULL);
  if (!s) {
    diag("no host info at %s (%s): checks that compare with the runtime's side are skipped", path, strerror(errno));
    return;
  }
  for (char *save = NULL, *l = strtok_r(s, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
    char *eq = strchr(l, '=');
    if (!eq)
      continue;
    *eq = 0;
    hkeys = realloc(hkeys, (hn + 1) * sizeof *hkeys);
    hvals = realloc(hvals, (hn + 1) * sizeof *hvals);
    hkeys[hn] = l;
    hvals[hn] = eq + 1;
    hn++;
  }
}

static const char *host(const char *key) {
  for (size_t i = 0; i < hn; i++)
    if (!strcmp(hkeys[i], key))
      return hvals[i];
  return NULL;
}

/* ------------------------------------------------------------- the checks */

static json *cfg;

static void check_fds(void) {
  /* runtime-linux.md: by default only stdin, stdout and stderr are open. */
  DIR *d = opendir("/proc/self/fd");
  if (!d) {
    skip("/proc/self/fd unreadable", "fds: only 0, 1, 2 open");
    return;
  }
  int self = dirfd(d);
  char extra[1024] = "";
  size_t o = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.')
      continue;
    int fd = atoi(e->d_name);
    if (fd <= 2 || fd == self)
      continue;
    char p[64], t[256] = "?";
    snprintf(p, sizeof p, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(p, t, sizeof t - 1);
    if (n >= 0)
      t[n] = 0;
    o += snprintf(extra + o, o < sizeof extra ? sizeof extra - o : 0, "%d->%s ", fd, t);
  }
  closedir(d);
  check(!extra[0], D("extra fds: %s", extra), "fds: only 0, 1, 2 open");
}

static void check_args(int argc, char **argv) {
  json *args = jpath(cfg, "process", "args", NULL);
  int same = (size_t)argc == jlen(args);
  for (int i = 0; same && i < argc; i++)
    same = jstr(jat(args, i)) && !strcmp(argv[i], jstr(jat(args, i)));
  char list[1024] = "";
  size_t lo = 0;
  for (size_t i = 0; i < jlen(args); i++)
    lo += snprintf(list + lo, lo < sizeof list ? sizeof list - lo : 0, "%s%s", i ? " " : "", jstr(jat(args, i)) ?: "?");
  check(same, D("argc %d, argv[0]=%s, config has %zu args", argc, argv[0], jlen(args)), "process.args: argv is [%s]", list);

  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n < 0) {
    check(0, D("readlink /proc/self/exe: %s", strerror(errno)), "/proc/self/exe is the checker");
    return;
  }
  exe[n] = 0;
  const char *a0 = jstr(jat(args, 0));
  int pass;
  if (a0 && a0[0] == '/') {
    char want[PATH_MAX];
    char *r = realpath(a0, want);
    pass = r && !strcmp(exe, want);
  } else {
    const char *b = strrchr(exe, '/');
    pass = a0 && b && !strcmp(b + 1, strrchr(a0, '/') ? strrchr(a0, '/') + 1 : a0);
  }
  check(pass, D("/proc/self/exe -> %s, args[0] %s", exe, a0 ? a0 : "(none)"), "/proc/self/exe is args[0] %s, not the runtime",
        a0 ? a0 : "(none)");
}

static void check_cwd(void) {
  const char *cwd = jstr(jpath(cfg, "process", "cwd", NULL));
  if (!cwd) {
    skip("process.cwd not set", "process.cwd");
    return;
  }
  char want[PATH_MAX], got[PATH_MAX], clean[PATH_MAX];
  clean_path(cwd, want, sizeof want);
  ssize_t n = readlink("/proc/self/cwd", got, sizeof got - 1);
  if (n < 0) {
    check(0, D("readlink /proc/self/cwd: %s", strerror(errno)), "process.cwd is %s", cwd);
    return;
  }
  got[n] = 0;
  clean_path(got, clean, sizeof clean);
  check(!strcmp(clean, want), D("cwd is %s", got), "process.cwd is %s", cwd);
}

static void check_env(void) {
  json *env = jpath(cfg, "process", "env", NULL);
  if (!env) {
    skip("process.env not set", "process.env");
    return;
  }
  char missing[2048] = "", names[1024] = "";
  size_t o = 0, on = 0;
  int config_home = 0;
  for (size_t i = 0; i < jlen(env); i++)
    if (jstr(jat(env, i)))
      on += snprintf(names + on, on < sizeof names ? sizeof names - on : 0, "%s%.*s", on ? "," : "",
                     (int)strcspn(jstr(jat(env, i)), "="), jstr(jat(env, i)));
  for (size_t i = 0; i < jlen(env); i++) {
    const char *want = jstr(jat(env, i));
    if (!want)
      continue;
    if (!strncmp(want, "HOME=", 5))
      config_home = 1;
    /* A later entry for the same name wins, as in a shell. */
    size_t kl = strcspn(want, "=");
    int overridden = 0;
    for (size_t k = i + 1; k < jlen(env); k++) {
      const char *w2 = jstr(jat(env, k));
      if (w2 && !strncmp(w2, want, kl) && w2[kl] == '=')
        overridden = 1;
    }
    if (overridden)
      continue;
    int found = 0;
    for (char **e = environ; *e; e++)
      if (!strcmp(*e, want))
        found = 1;
    if (!found)
      o += snprintf(missing + o, o < sizeof missing ? sizeof missing - o : 0, "%s ", want);
  }
  check(!missing[0], D("missing: %s", missing), "process.env: %s set as configured", names);

  char extra[2048] = "";
  o = 0;
  for (char **e = environ; *e; e++) {
    int found = 0;
    for (size_t i = 0; i < jlen(env); i++)
      if (jstr(jat(env, i)) && !strcmp(*e, jstr(jat(env, i))))
        found = 1;
    /* runc and crun add HOME from /etc/passwd when the config has none. */
    if (!found && !config_home && !strncmp(*e, "HOME=", 5))
      found = 1;
    if (!found)
      o += snprintf(extra + o, o < sizeof extra ? sizeof extra - o : 0, "%s ", *e);
  }
  check(!extra[0], D("extra: %s", extra), "process.env: no variable beyond %s%s", names, config_home ? "" : " (and HOME)");
}

static void check_user(void) {
  json *user = jpath(cfg, "process", "user", NULL);
  if (!user) {
    skip("process.user not set", "process.user");
    return;
  }
  uid_t ruid, euid, suid;
  gid_t rgid, egid, sgid;
  getresuid(&ruid, &euid, &suid);
  getresgid(&rgid, &egid, &sgid);
  long long uid = ji64(jget(user, "uid")), gid = ji64(jget(user, "gid"));
  check(ruid == uid && euid == uid && suid == uid, D("real/effective/saved uid %u/%u/%u", ruid, euid, suid),
        "process.user.uid is %lld (real, effective, saved)", uid);
  check(rgid == gid && egid == gid && sgid == gid, D("real/effective/saved gid %u/%u/%u", rgid, egid, sgid),
        "process.user.gid is %lld (real, effective, saved)", gid);

  gid_t groups[1024];
  int ng = getgroups(1024, groups);
  json *add = jget(user, "additionalGids");
  char got[1024] = "", want[1024] = "";
  size_t o = 0;
  int pass = ng >= 0;
  for (int i = 0; i < ng; i++) {
    o += snprintf(got + o, o < sizeof got ? sizeof got - o : 0, "%u ", groups[i]);
    int found = groups[i] == (gid_t)gid && !add; /* the primary gid may be listed */
    for (size_t k = 0; k < jlen(add); k++)
      if ((gid_t)ji64(jat(add, k)) == groups[i])
        found = 1;
    if (groups[i] == (gid_t)gid)
      found = 1;
    if (!found)
      pass = 0;
  }
  o = 0;
  for (size_t k = 0; k < jlen(add); k++) {
    gid_t g = ji64(jat(add, k));
    o += snprintf(want + o, o < sizeof want ? sizeof want - o : 0, "%u ", g);
    int found = 0;
    for (int i = 0; i < ng; i++)
      if (groups[i] == g)
        found = 1;
    if (!found)
      pass = 0;
  }
  check(pass, D("groups: %s; want: %s", got, want), "process.user.additionalGids are the supplementary groups [%s]", trim(want));

  json *um = jget(user, "umask");
  if (um) {
    char *s = status_field("Umask");
    unsigned long got_um = s ? strtoul(s, NULL, 8) : ~0UL;
    check(s && got_um == (unsigned long)ju64(um), D("Umask is %s", s ? s : "(unknown)"), "process.user.umask is %04llo",
          ju64(um));
  }
}

static void check_uts(void) {
  struct utsname u;
  uname(&u);
  const char *h = jstr(jget(cfg, "hostname"));
  if (h)
    check(!strcmp(u.nodename, h), D("hostname is %s", u.nodename), "hostname is %s", h);
  const char *dn = jstr(jget(cfg, "domainname"));
  if (dn)
    check(!strcmp(u.domainname, dn), D("domainname is %s", u.domainname), "domainname is %s", dn);
}

static const struct {
  const char *name;
  int res;
} rlimit_names[] = {
    {"RLIMIT_AS", RLIMIT_AS},         {"RLIMIT_CORE", RLIMIT_CORE},       {"RLIMIT_CPU", RLIMIT_CPU},
    {"RLIMIT_DATA", RLIMIT_DATA},     {"RLIMIT_FSIZE", RLIMIT_FSIZE},     {"RLIMIT_LOCKS", RLIMIT_LOCKS},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK}, {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_NOFILE", RLIMIT_NOFILE}, {"RLIMIT_NPROC", RLIMIT_NPROC},     {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO}, {"RLIMIT_RTTIME", RLIMIT_RTTIME},   {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_STACK", RLIMIT_STACK},
};

static void check_rlimits(void) {
  json *rl = jpath(cfg, "process", "rlimits", NULL);
  for (size_t i = 0; i < jlen(rl); i++) {
    json *e = jat(rl, i);
    const char *type = jstr(jget(e, "type"));
    int res = -1;
    for (size_t k = 0; type && k < sizeof rlimit_names / sizeof *rlimit_names; k++)
      if (!strcmp(type, rlimit_names[k].name))
        res = rlimit_names[k].res;
    if (res < 0) {
      skip("unknown rlimit type", "process.rlimits[%zu] %s", i, type ? type : "(none)");
      continue;
    }
    struct rlimit r;
    if (getrlimit(res, &r) < 0) {
      check(0, D("getrlimit: %s", strerror(errno)), "process.rlimits %s: getrlimit succeeds", type);
      continue;
    }
    unsigned long long soft = ju64(jget(e, "soft")), hard = ju64(jget(e, "hard"));
    check((unsigned long long)r.rlim_cur == soft, D("rlim_cur is %llu", (unsigned long long)r.rlim_cur),
          "process.rlimits %s soft is %llu", type, soft);
    check((unsigned long long)r.rlim_max == hard, D("rlim_max is %llu", (unsigned long long)r.rlim_max),
          "process.rlimits %s hard is %llu", type, hard);
  }
}

static const char *cap_names[] = {
    "CAP_CHOWN",          "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",       "CAP_FSETID",
    "CAP_KILL",           "CAP_SETGID",       "CAP_SETUID",          "CAP_SETPCAP",      "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",    "CAP_NET_RAW",      "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",      "CAP_SYS_MODULE",   "CAP_SYS_RAWIO",       "CAP_SYS_CHROOT",   "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",      "CAP_SYS_ADMIN",    "CAP_SYS_BOOT",        "CAP_SYS_NICE",     "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",       "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",         "CAP_LEASE",        "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",  "CAP_SETFCAP",      "CAP_MAC_OVERRIDE",    "CAP_MAC_ADMIN",    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",     "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",     "CAP_PERFMON",      "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};
#define NCAPS (int)(sizeof cap_names / sizeof *cap_names)

static uint64_t caps_from(json *arr, char *unknown, size_t usz) {
  uint64_t m = 0;
  size_t o = 0;
  for (size_t i = 0; i < jlen(arr); i++) {
    const char *s = jstr(jat(arr, i));
    int found = 0;
    for (int c = 0; s && c < NCAPS; c++)
      if (!strcmp(s, cap_names[c])) {
        m |= 1ULL << c;
        found = 1;
      }
    if (!found && s && unknown)
      o += snprintf(unknown + o, o < usz ? usz - o : 0, "%s ", s);
  }
  return m;
}

static const char *cap_list(uint64_t m, char *buf, size_t sz) {
  size_t o = 0;
  buf[0] = 0;
  for (int c = 0; c < 64; c++)
    if (m & (1ULL << c))
      o += snprintf(buf + o, o < sz ? sz - o : 0, "%s%s", o ? "," : "", c < NCAPS ? cap_names[c] + 4 : "?");
  if (!m)
    snprintf(buf, sz, "none");
  return buf;
}

static void check_caps(void) {
  json *caps = jpath(cfg, "process", "capabilities", NULL);
  if (!caps) {
    skip("process.capabilities not set", "process.capabilities");
    return;
  }
  char *lastcap = read_line("/proc/sys/kernel/cap_last_cap");
  int last = lastcap ? atoi(lastcap) : NCAPS - 1;
  uint64_t known = last >= 63 ? ~0ULL : ((1ULL << (last + 1)) - 1);
  /* A capability the runtime itself lacks cannot be granted (config.md:
   * "cannot be granted ... MUST be logged as a warning"), so it is expected
   * to be missing; the harness passes the runtime's bounding set. */
  uint64_t avail = known;
  const char *hb = host("capbnd");
  if (hb)
    avail &= strtoull(hb, NULL, 16);
  char unk[512] = "";
  uint64_t cb = caps_from(jget(caps, "bounding"), unk, sizeof unk), cp = caps_from(jget(caps, "permitted"), unk, sizeof unk),
           ce = caps_from(jget(caps, "effective"), unk, sizeof unk), ci = caps_from(jget(caps, "inheritable"), unk, sizeof unk),
           ca = caps_from(jget(caps, "ambient"), unk, sizeof unk);
  if (unk[0])
    diag("capabilities unknown to the checker: %s", unk);
  uint64_t B = cb & avail, I = ci & avail, P = cp & avail, A = ca & P & I;
  (void)ce;
  /* What execve(2) makes of these sets for a binary without file caps:
   * root (unless SECBIT_NOROOT) gets P' = B | I | A and E' = P';
   * anyone else gets P' = E' = A. */
  uid_t ruid, euid, suid;
  getresuid(&ruid, &euid, &suid);
  int sb = prctl(PR_GET_SECUREBITS);
  int root_special = (ruid == 0 || euid == 0) && !(sb > 0 && (sb & 1));
  uint64_t Pe = root_special ? (B | I | A) : A;
  uint64_t Ee = root_special && euid == 0 ? Pe : A;
  if (root_special && (cp & avail) != Pe)
    diag("note: for uid 0, execve(2) sets permitted to bounding|inheritable|ambient; the configured permitted set differs");

  struct {
    const char *field, *status;
    uint64_t want;
  } sets[] = {
      {"bounding", "CapBnd", B},   {"inheritable", "CapInh", I}, {"ambient", "CapAmb", A},
      {"permitted", "CapPrm", Pe}, {"effective", "CapEff", Ee},
  };
  for (size_t i = 0; i < sizeof sets / sizeof *sets; i++) {
    char *s = status_field(sets[i].status);
    uint64_t got = s ? strtoull(s, NULL, 16) : 0;
    char g[1024], w[1024];
    cap_list(got & known, g, sizeof g);
    cap_list(sets[i].want, w, sizeof w);
    check(s && (got & known) == sets[i].want, D("got %s", g), "process.capabilities.%s is [%s]%s", sets[i].field, w,
          sets[i].field[0] == 'p' || sets[i].field[0] == 'e' ? " (as execve(2) computes it from the configured sets)" : "");
  }
}

static void check_nnp(void) {
  json *nnp = jpath(cfg, "process", "noNewPrivileges", NULL);
  char *s = status_field("NoNewPrivs");
  if (!s) {
    skip("no NoNewPrivs in /proc/self/status", "process.noNewPrivileges");
    return;
  }
  int got = atoi(s);
  if (jtrue(nnp)) {
    check(got == 1, D("NoNewPrivs: %s", s), "process.noNewPrivileges true: NoNewPrivs is 1");
  } else if (host("nnp")) {
    check(got == atoi(host("nnp")), D("NoNewPrivs: %s, runtime's %s", s, host("nnp")),
          "process.noNewPrivileges %s: NoNewPrivs is the runtime's (%s)", nnp ? "false" : "unset", host("nnp"));
  }
}

static void check_oom(void) {
  json *adj = jpath(cfg, "process", "oomScoreAdj", NULL);
  char *s = read_line("/proc/self/oom_score_adj");
  if (!s) {
    skip("/proc/self/oom_score_adj unreadable", "process.oomScoreAdj");
    return;
  }
  if (adj)
    check(atoll(s) == ji64(adj), D("oom_score_adj is %s", s), "process.oomScoreAdj is %lld", ji64(adj));
  else if (host("oom_score_adj"))
    check(atoll(s) == atoll(host("oom_score_adj")), D("oom_score_adj is %s, the runtime's is %s", s, host("oom_score_adj")),
          "process.oomScoreAdj unset: oom_score_adj is left as the runtime's (%s)", host("oom_score_adj"));
}

static const struct {
  const char *type, *file;
} ns_types[] = {
    {"pid", "pid"}, {"network", "net"}, {"mount", "mnt"}, {"ipc", "ipc"},
    {"uts", "uts"}, {"user", "user"},   {"cgroup", "cgroup"}, {"time", "time"},
};

static void check_namespaces(void) {
  json *nss = jpath(cfg, "linux", "namespaces", NULL);
  for (size_t t = 0; t < sizeof ns_types / sizeof *ns_types; t++) {
    char p[64], got[128];
    snprintf(p, sizeof p, "/proc/self/ns/%s", ns_types[t].file);
    ssize_t n = readlink(p, got, sizeof got - 1);
    if (n < 0) {
      if (errno == ENOENT)
        skip("kernel has no such namespace", "namespace %s", ns_types[t].type);
      else
        check(0, D("readlink %s: %s", p, strerror(errno)), "namespace %s", ns_types[t].type);
      continue;
    }
    got[n] = 0;
    json *entry = NULL;
    for (size_t i = 0; i < jlen(nss); i++)
      if (jstr(jget(jat(nss, i), "type")) && !strcmp(jstr(jget(jat(nss, i), "type")), ns_types[t].type))
        entry = jat(nss, i);
    char key[64];
    snprintf(key, sizeof key, "ns.%s", ns_types[t].file);
    const char *hostns = host(key);
    if (!hostns) {
      skip("no host namespace info", "namespace %s", ns_types[t].type);
      continue;
    }
    if (!entry) {
      check(!strcmp(got, hostns), D("%s, runtime's %s", got, hostns), "namespace %s not in config: inherits the runtime's",
            ns_types[t].type);
    } else if (jstr(jget(entry, "path"))) {
      snprintf(key, sizeof key, "nspath.%s", ns_types[t].type);
      const char *want = host(key);
      if (want)
        check(!strcmp(got, want), D("%s, path's %s", got, want), "namespace %s with path: joins %s", ns_types[t].type,
              jstr(jget(entry, "path")));
      else
        skip("harness did not resolve the path", "namespace %s with path", ns_types[t].type);
    } else {
      check(strcmp(got, hostns) != 0, D("%s is the runtime's", got), "namespace %s: a new one", ns_types[t].type);
    }
  }

  /* User namespace mappings as configured. */
  const char *mapf[] = {"uidMappings", "/proc/self/uid_map", "gidMappings", "/proc/self/gid_map"};
  for (int m = 0; m < 4; m += 2) {
    json *maps = jpath(cfg, "linux", mapf[m], NULL);
    if (!jlen(maps))
      continue;
    char *s = read_file(mapf[m + 1], NULL);
    int pass = s != NULL, lines = 0;
    for (char *save = NULL, *l = s ? strtok_r(s, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
      unsigned long a, b, c;
      lines++;
      if (sscanf(l, "%lu %lu %lu", &a, &b, &c) != 3) {
        pass = 0;
        continue;
      }
      int found = 0;
      for (size_t i = 0; i < jlen(maps); i++) {
        json *e = jat(maps, i);
        if (ju64(jget(e, "containerID")) == a && ju64(jget(e, "hostID")) == b && ju64(jget(e, "size")) == c)
          found = 1;
      }
      if (!found)
        pass = 0;
    }
    if ((size_t)lines != jlen(maps))
      pass = 0;
    check(pass, D("%s has %d lines, config %zu entries", mapf[m + 1], lines, jlen(maps)), "linux.%s are %s", mapf[m],
          mapf[m + 1]);
  }
}

/* ---------------------------------------------------------------- mounts */

typedef struct {
  char *root, *mp, *opts, *optional, *fstype, *source, *super;
} minfo;

static minfo *mi;
static size_t nmi;

static char *unescape(char *s) {
  char *o = s, *r = s;
  while (*r) {
    if (r[0] == '\\' && r[1] >= '0' && r[1] <= '7' && r[2] && r[3]) {
      *o++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
      r += 4;
    } else {
      *o++ = *r++;
    }
  }
  *o = 0;
  return s;
}

static void load_mountinfo(void) {
  char *s = read_file("/proc/self/mountinfo", NULL);
  if (!s)
    return;
  for (char *save = NULL, *l = strtok_r(s, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
    char *f[64];
    int nf = 0;
    for (char *s2 = NULL, *tok = strtok_r(l, " ", &s2); tok && nf < 64; tok = strtok_r(NULL, " ", &s2))
      f[nf++] = tok;
    int dash = -1;
    for (int i = 6; i < nf; i++)
      if (!strcmp(f[i], "-")) {
        dash = i;
        break;
      }
    if (dash < 0 || dash + 3 >= nf + 1)
      continue;
    minfo m = {0};
    m.root = unescape(f[3]);
    m.mp = unescape(f[4]);
    m.opts = f[5];
    char opt[512] = "";
    size_t o = 0;
    for (int i = 6; i < dash; i++)
      o += snprintf(opt + o, o < sizeof opt ? sizeof opt - o : 0, "%s ", f[i]);
    m.optional = strdup(opt);
    m.fstype = f[dash + 1];
    m.source = dash + 2 < nf ? f[dash + 2] : "";
    m.super = dash + 3 < nf ? f[dash + 3] : "";
    mi = realloc(mi, (nmi + 1) * sizeof *mi);
    mi[nmi++] = m;
  }
}

static int has_opt(const char *list, const char *opt) {
  size_t l = strlen(opt);
  for (const char *p = list; p && *p;) {
    size_t n = strcspn(p, ",");
    if (n == l && !strncmp(p, opt, l))
      return 1;
    p += n;
    if (*p)
      p++;
  }
  return 0;
}

/* Value of key=... in a comma list, or NULL. */
static char *opt_val(const char *list, const char *key) {
  size_t l = strlen(key);
  for (const char *p = list; p && *p;) {
    size_t n = strcspn(p, ",");
    if (n > l && !strncmp(p, key, l) && p[l] == '=')
      return strndup(p + l + 1, n - l - 1);
    p += n;
    if (*p)
      p++;
  }
  return NULL;
}

static int mount_is_bind(json *m) {
  json *o = jget(m, "options");
  return jarr_has(o, "bind") || jarr_has(o, "rbind");
}

/* Does mountinfo entry e fit config mount m (by type)? */
static int type_fits(json *m, minfo *e) {
  const char *type = jstr(jget(m, "type"));
  if (mount_is_bind(m) || !type || !strcmp(type, "none") || !strcmp(type, "bind"))
    return 1;
  if (!strcmp(type, "cgroup") || !strcmp(type, "cgroup2"))
    /* on a v1 host, runtimes emulate a cgroup mount with a tmpfs of per-controller mounts */
    return !strcmp(e->fstype, "cgroup") || !strcmp(e->fstype, "cgroup2") || !strcmp(e->fstype, "tmpfs");
  return !strcmp(e->fstype, type);
}

/* An id of this user namespace as the initial namespace knows it (mountinfo
 * shows devpts and tmpfs uid=/gid= that way), or the id itself. */
static unsigned long long to_host_id(const char *mapfile, unsigned long long id) {
  char *s = read_file(mapfile, NULL);
  unsigned long long r = id;
  for (char *save = NULL, *l = s ? strtok_r(s, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
    unsigned long long in, out, n;
    if (sscanf(l, "%llu %llu %llu", &in, &out, &n) == 3 && id >= in && id - in < n) {
      r = out + (id - in);
      break;
    }
  }
  free(s);
  return r;
}

static void check_mount_flags(size_t idx, const char *dest, json *m, minfo *e, int is_bind, int covered) {
  json *opts = jget(m, "options");
  const char *mo = e->opts;
  /* cgroup v1 emulation: the flags are on the controller mounts under dest */
  minfo *sub = NULL;
  const char *type = jstr(jget(m, "type"));
  if (type && !strncmp(type, "cgroup", 6) && !strcmp(e->fstype, "tmpfs")) {
    size_t dl = strlen(dest);
    for (size_t i = 0; i < nmi; i++)
      if (!strncmp(mi[i].mp, dest, dl) && mi[i].mp[dl] == '/' && !strcmp(mi[i].fstype, "cgroup")) {
        sub = &mi[i];
        break;
      }
    if (sub) {
      diag("mount %s: cgroup v1 emulated by a tmpfs; flags checked on %s", dest, sub->mp);
      mo = sub->opts;
    }
  }
  /* option -> per-mount flag it sets (want 1) or clears (want 0); rec: also on every mount below */
  static const struct {
    const char *opt, *flag;
    int want, rec;
  } fl[] = {
      {"ro", "ro", 1, 0},           {"rw", "ro", 0, 0},           {"nosuid", "nosuid", 1, 0},
      {"suid", "nosuid", 0, 0},     {"nodev", "nodev", 1, 0},     {"dev", "nodev", 0, 0},
      {"noexec", "noexec", 1, 0},   {"exec", "noexec", 0, 0},     {"noatime", "noatime", 1, 0},
      {"atime", "noatime", 0, 0},   {"relatime", "relatime", 1, 0}, 
      {"strictatime", "relatime", 0, 0}, {"strictatime", "noatime", 0, 0}, {"nostrictatime", "relatime", 1, 0},
      {"nodiratime", "nodiratime", 1, 0}, {"diratime", "nodiratime", 0, 0}, {"nosymfollow", "nosymfollow", 1, 0},
      {"symfollow", "nosymfollow", 0, 0}, {"defaults", "ro", 0, 0}, {"defaults", "nosuid", 0, 0},
      {"defaults", "nodev", 0, 0},  {"defaults", "noexec", 0, 0},
      {"rro", "ro", 1, 1},          {"rrw", "ro", 0, 1},          {"rnosuid", "nosuid", 1, 1},
      {"rsuid", "nosuid", 0, 1},    {"rnodev", "nodev", 1, 1},    {"rdev", "nodev", 0, 1},
      {"rnoexec", "noexec", 1, 1},  {"rexec", "noexec", 0, 1},    {"rnoatime", "noatime", 1, 1},
      {"ratime", "noatime", 0, 1},  {"rnodiratime", "nodiratime", 1, 1}, {"rdiratime", "nodiratime", 0, 1},
      {"rrelatime", "relatime", 1, 1},  {"rstrictatime", "relatime", 0, 1},
      {"rstrictatime", "noatime", 0, 1}, {"rnostrictatime", "relatime", 1, 1},
      {"rnosymfollow", "nosymfollow", 1, 1}, {"rsymfollow", "nosymfollow", 0, 1},
  };
  char want[512] = "", bad[1024] = "";
  size_t ow = 0, ob = 0;
  for (size_t i = 0; i < sizeof fl / sizeof *fl; i++) {
    if (!jarr_has(opts, fl[i].opt))
      continue;
    if (!strcmp(fl[i].opt, "defaults") && jlen(opts) != 1)
      continue; /* later options override parts of it */
    /* the last of ro/rw wins */
    if (!strcmp(fl[i].opt, "ro") || !strcmp(fl[i].opt, "rw")) {
      int last_ro = -1;
      for (size_t k = 0; k < jlen(opts); k++) {
        const char *s = jstr(jat(opts, k));
        if (s && !strcmp(s, "ro"))
          last_ro = 1;
        if (s && !strcmp(s, "rw"))
          last_ro = 0;
      }
      if ((last_ro == 1) != !strcmp(fl[i].opt, "ro"))
        continue;
    }
    int dup = 0;
    for (size_t k = 0; k < i; k++)
      if (!strcmp(fl[k].opt, fl[i].opt))
        dup = 1;
    if (!dup)
      ow += snprintf(want + ow, ow < sizeof want ? sizeof want - ow : 0, "%s ", fl[i].opt);
    if (has_opt(mo, fl[i].flag) != fl[i].want)
      ob += snprintf(bad + ob, ob < sizeof bad ? sizeof bad - ob : 0, "%s%s ", fl[i].want ? "no " : "has ", fl[i].flag);
    if (fl[i].rec) {
      size_t dl = strlen(dest);
      for (size_t k = 0; k < nmi; k++)
        if (!strncmp(mi[k].mp, dest, dl) && mi[k].mp[dl] == '/' && has_opt(mi[k].opts, fl[i].flag) != fl[i].want)
          ob += snprintf(bad + ob, ob < sizeof bad ? sizeof bad - ob : 0, "%s %s%s ", mi[k].mp, fl[i].want ? "no " : "has ",
                         fl[i].flag);
    }
  }
  if (!is_bind) {
    /* superblock flags of a new mount */
    static const struct {
      const char *opt, *flag;
      int want;
    } sbf[] = {{"sync", "sync", 1}, {"async", "sync", 0}, {"dirsync", "dirsync", 1},
               {"lazytime", "lazytime", 1}, {"nolazytime", "lazytime", 0}};
    for (size_t i = 0; i < sizeof sbf / sizeof *sbf; i++)
      if (jarr_has(opts, sbf[i].opt)) {
        ow += snprintf(want + ow, ow < sizeof want ? sizeof want - ow : 0, "%s ", sbf[i].opt);
        int has = has_opt(sub ? sub->super : e->super, sbf[i].flag) || has_opt(mo, sbf[i].flag);
        if (has != sbf[i].want)
          ob += snprintf(bad + ob, ob < sizeof bad ? sizeof bad - ob : 0, "%s%s ", sbf[i].want ? "no " : "has ", sbf[i].flag);
      }
  }
  if (want[0])
    check(!bad[0], D("%s (mount options %s)", bad, mo), "mounts[%zu] %s: flags %s", idx, dest, trim(want));

  /* propagation */
  const char *prop[] = {"shared", "rshared", "slave", "rslave", "private", "rprivate", "unbindable", "runbindable"};
  const char *want_prop = NULL;
  for (size_t k = 0; k < jlen(opts); k++)
    for (size_t i = 0; i < 8; i++)
      if (jstr(jat(opts, k)) && !strcmp(jstr(jat(opts, k)), prop[i]))
        want_prop = prop[i];
  if (want_prop) {
    const char *p = want_prop[0] == 'r' && strcmp(want_prop, "rw") ? want_prop + 1 : want_prop;
    int pass;
    if (!strcmp(p, "shared"))
      pass = strstr(e->optional, "shared:") != NULL;
    else if (!strcmp(p, "slave"))
      pass = strstr(e->optional, "master:") != NULL;
    else if (!strcmp(p, "private"))
      pass = !strstr(e->optional, "shared:") && !strstr(e->optional, "master:") && !strstr(e->optional, "unbindable");
    else
      pass = strstr(e->optional, "unbindable") != NULL;
    check(pass, D("optional fields: '%s'", trim(e->optional)), "mounts[%zu] %s: propagation %s", idx, dest, want_prop);
  }

  /* data options with a value the kernel shows back (tmpfs size/mode, devpts gid/mode) */
  if (!is_bind) {
    char wantd[512] = "", badd[512] = "";
    size_t o1 = 0, o2 = 0;
    for (size_t k = 0; k < jlen(opts); k++) {
      const char *s = jstr(jat(opts, k));
      if (!s || !strchr(s, '='))
        continue;
      char key[64];
      snprintf(key, sizeof key, "%.*s", (int)(strchr(s, '=') - s), s);
      const char *v = strchr(s, '=') + 1;
      int is_mode = strstr(key, "mode") != NULL || !strcmp(key, "umask");
      const char *sup = sub ? sub->super : e->super;
      if (covered && !strcmp(e->fstype, "tmpfs") && (!strcmp(key, "mode") || !strcmp(key, "size"))) {
        /* another mount hides this one: only mountinfo can tell (tmpfs omits mode=1777) */
        char *g = opt_val(sup, key);
        if (!g && !strcmp(key, "mode"))
          g = "1777";
        if (!g)
          continue;
        o1 += snprintf(wantd + o1, o1 < sizeof wantd ? sizeof wantd - o1 : 0, "%s ", s);
        int same = !strcmp(key, "mode") ? strtoul(g, NULL, 8) == strtoul(v, NULL, 8) : parse_size(g) == parse_size(v);
        if (!same)
          o2 += snprintf(badd + o2, o2 < sizeof badd ? sizeof badd - o2 : 0, "%s=%s ", key, g);
        continue;
      }
      if (!strcmp(key, "mode") && !strcmp(e->fstype, "tmpfs")) {
        struct stat st;
        unsigned long w = strtoul(v, NULL, 8);
        o1 += snprintf(wantd + o1, o1 < sizeof wantd ? sizeof wantd - o1 : 0, "%s ", s);
        if (stat(dest, &st) < 0 || (st.st_mode & 07777) != w)
          o2 += snprintf(badd + o2, o2 < sizeof badd ? sizeof badd - o2 : 0, "mode is %o ", (unsigned)(st.st_mode & 07777));
        continue;
      }
      if (!strcmp(key, "size") && !strcmp(e->fstype, "tmpfs")) {
        struct statfs sf;
        unsigned long long w = parse_size(v);
        long pg = sysconf(_SC_PAGESIZE);
        w = (w + pg - 1) / pg * pg;
        o1 += snprintf(wantd + o1, o1 < sizeof wantd ? sizeof wantd - o1 : 0, "%s ", s);
        if (statfs(dest, &sf) < 0 || (unsigned long long)sf.f_blocks * sf.f_bsize != w)
          o2 += snprintf(badd + o2, o2 < sizeof badd ? sizeof badd - o2 : 0, "size is %llu ",
                         (unsigned long long)sf.f_blocks * sf.f_bsize);
        continue;
      }
      char *g = opt_val(sup, key);
      if (!g)
        continue; /* not shown back by the kernel */
      o1 += snprintf(wantd + o1, o1 < sizeof wantd ? sizeof wantd - o1 : 0, "%s ", s);
      int same = is_mode ? strtoul(g, NULL, 8) == strtoul(v, NULL, 8) : (isdigit((unsigned char)v[0]) ? parse_size(g) == parse_size(v) : !strcmp(g, v));
      if (!same && (!strcmp(key, "uid") || !strcmp(key, "gid")))
        same = strtoull(g, NULL, 10) == to_host_id(key[0] == 'u' ? "/proc/self/uid_map" : "/proc/self/gid_map", strtoull(v, NULL, 10));
      if (!same)
        o2 += snprintf(badd + o2, o2 < sizeof badd ? sizeof badd - o2 : 0, "%s=%s ", key, g);
    }
    if (wantd[0])
      check(!badd[0], D("%s (super options %s)", badd, e->super), "mounts[%zu] %s: data %s", idx, dest, trim(wantd));
  }
}

static void check_mounts(void) {
  json *mounts = jget(cfg, "mounts");
  if (!nmi) {
    check(0, "cannot read /proc/self/mountinfo", "mountinfo readable");
    return;
  }
  long prev = -1;
  int in_order = 1;
  char order_detail[512] = "";
  for (size_t i = 0; i < jlen(mounts); i++) {
    json *m = jat(mounts, i);
    const char *d = jstr(jget(m, "destination"));
    if (!d)
      continue;
    char dest[PATH_MAX];
    clean_path(d, dest, sizeof dest);
    const char *type = jstr(jget(m, "type"));
    int is_bind = mount_is_bind(m);
    long found = -1;
    /* the first fitting entry after the previous mount's, else the last fitting one */
    for (size_t k = prev + 1; k < nmi && found < 0; k++)
      if (!strcmp(mi[k].mp, dest) && type_fits(m, &mi[k]))
        found = k;
    if (found < 0) {
      for (size_t k = 0; k < nmi; k++)
        if (!strcmp(mi[k].mp, dest) && type_fits(m, &mi[k]))
          found = k;
      if (found >= 0 && in_order) {
        in_order = 0;
        snprintf(order_detail, sizeof order_detail, "mounts[%zu] %.200s comes before an earlier config entry", i, dest);
      }
    } else {
      prev = found;
    }
    char tdesc[128];
    snprintf(tdesc, sizeof tdesc, "%s%s", is_bind ? "bind of " : "", is_bind ? (jstr(jget(m, "source")) ?: "?") : (type ?: "?"));
    if (found < 0) {
      char seen[256] = "";
      for (size_t k = 0; k < nmi; k++)
        if (!strcmp(mi[k].mp, dest))
          snprintf(seen, sizeof seen, "a %s mount is there", mi[k].fstype);
      check(0, D("no fitting mount at %s%s%s", dest, seen[0] ? "; " : "", seen), "mounts[%zu] %s: mounted (%s)", i, dest, tdesc);
      continue;
    }
    minfo *e = &mi[found];
    check(1, NULL, "mounts[%zu] %s: mounted (%s%s%s)", i, dest, tdesc, is_bind ? "" : ", is ", is_bind ? "" : e->fstype);
    if (d[0] != '/')
      diag("mounts[%zu]: relative destination %s taken relative to /", i, d);
    int covered = 0;
    for (size_t k = found + 1; k < nmi; k++)
      if (!strcmp(mi[k].mp, dest))
        covered = 1;
    check_mount_flags(i, dest, m, e, is_bind, covered);
    if (is_bind) {
      char key[PATH_MAX + 8];
      snprintf(key, sizeof key, "stat.%s", dest);
      const char *want = host(key);
      struct stat st;
      if (want) {
        char got[64] = "(stat failed)";
        if (stat(dest, &st) == 0)
          snprintf(got, sizeof got, "%llu:%llu", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
        check(!strcmp(got, want), D("dev:ino %s, source's %s", got, want), "mounts[%zu] %s: is the source %s", i, dest,
              jstr(jget(m, "source")) ?: "?");
      }
    }
  }
  /* stat expectations for paths below bind mounts (rbind vs bind) */
  for (size_t i = 0; i < hn; i++) {
    if (strncmp(hkeys[i], "substat.", 8))
      continue;
    const char *p = hkeys[i] + 8;
    struct stat st;
    char got[64] = "(stat failed)";
    if (stat(p, &st) == 0)
      snprintf(got, sizeof got, "%llu:%llu", (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
    const char *want = hvals[i];
    const char *what = strchr(want, ' ') ? strchr(want, ' ') + 1 : "";
    char w[64];
    snprintf(w, sizeof w, "%.*s", (int)strcspn(want, " "), want);
    check(!strcmp(got, w), D("dev:ino %s, want %s", got, w), "%s %s", p, what);
  }
  /* paths the harness expects (tmpcopyup contents, idmapped owners) */
  for (size_t i = 0; i < hn; i++) {
    struct stat st;
    if (!strncmp(hkeys[i], "exists.", 7)) {
      const char *p = hkeys[i] + 7;
      check(lstat(p, &st) == 0, D("lstat: %s", strerror(errno)), "%s exists (%s)", p, hvals[i]);
    } else if (!strncmp(hkeys[i], "owner.", 6)) {
      const char *p = hkeys[i] + 6;
      unsigned u = 0, g = 0;
      sscanf(hvals[i], "%u:%u", &u, &g);
      const char *why = strchr(hvals[i], ' ') ? strchr(hvals[i], ' ') + 1 : "";
      int r = lstat(p, &st);
      check(r == 0 && st.st_uid == u && st.st_gid == g, r ? D("lstat: %s", strerror(errno)) : D("owner %u:%u", st.st_uid, st.st_gid),
            "%s is owned by %u:%u %s", p, u, g, why);
    }
  }
  if (jlen(mounts))
    check(in_order, order_detail, "mounts: the %zu mounts were made in the listed order", jlen(mounts));

  /* Default filesystems (config-linux.md SHOULD) */
  const char *deffs[][2] = {{"/proc", "proc"}, {"/sys", "sysfs"}, {"/dev/pts", "devpts"}, {"/dev/shm", "tmpfs"}};
  for (size_t i = 0; i < 4; i++) {
    int f = 0;
    for (size_t k = 0; k < nmi; k++)
      if (!strcmp(mi[k].mp, deffs[i][0]) && !strcmp(mi[k].fstype, deffs[i][1]))
        f = 1;
    int in_cfg = 0;
    for (size_t k = 0; k < jlen(mounts); k++) {
      char dd[PATH_MAX];
      clean_path(jstr(jget(jat(mounts, k), "destination")) ?: "", dd, sizeof dd);
      if (!strcmp(dd, deffs[i][0]))
        in_cfg = 1;
    }
    if (f || in_cfg)
      check(f, D("no %s at %s", deffs[i][1], deffs[i][0]), "default filesystem %s is %s", deffs[i][0], deffs[i][1]);
    else
      skip("config does not mount it", "default filesystem %s is %s", deffs[i][0], deffs[i][1]);
  }
}

static void check_rootfs(void) {
  json *ro = jpath(cfg, "root", "readonly", NULL);
  if (jtrue(ro)) {
    struct statvfs sv;
    int rdonly = statvfs("/", &sv) == 0 && (sv.f_flag & ST_RDONLY);
    int fd = open("/.rt-conformance-probe", O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    int e = errno;
    if (fd >= 0) {
      close(fd);
      unlink("/.rt-conformance-probe");
    }
    check(rdonly && fd < 0 && e == EROFS, D("statvfs ro=%d, create %s", rdonly, fd >= 0 ? "succeeded" : strerror(e)),
          "root.readonly: / is read-only (EROFS)");
  } else {
    struct statvfs sv;
    int rdonly = statvfs("/", &sv) == 0 && (sv.f_flag & ST_RDONLY);
    check(!rdonly, "/ is on a read-only mount", "root.readonly %s: / is not read-only", ro ? "false" : "unset");
  }
  const char *prop = jstr(jpath(cfg, "linux", "rootfsPropagation", NULL));
  if (prop) {
    minfo *root = NULL;
    for (size_t i = 0; i < nmi; i++)
      if (!strcmp(mi[i].mp, "/"))
        root = &mi[i]; /* the last one is on top */
    if (!root) {
      check(0, "no / in mountinfo", "linux.rootfsPropagation %s", prop);
      return;
    }
    const char *p = prop[0] == 'r' ? prop + 1 : prop;
    int pass;
    if (!strcmp(p, "shared"))
      pass = strstr(root->optional, "shared:") != NULL;
    else if (!strcmp(p, "slave"))
      pass = strstr(root->optional, "master:") != NULL && !strstr(root->optional, "shared:");
    else if (!strcmp(p, "private"))
      pass = !strstr(root->optional, "shared:") && !strstr(root->optional, "master:");
    else
      pass = strstr(root->optional, "unbindable") != NULL;
    check(pass, D("optional fields of /: '%s'", trim(root->optional)), "linux.rootfsPropagation %s", prop);
  }
}

static void check_masked(void) {
  json *mp = jpath(cfg, "linux", "maskedPaths", NULL);
  for (size_t i = 0; i < jlen(mp); i++) {
    const char *p = jstr(jat(mp, i));
    if (!p)
      continue;
    struct stat st;
    if (lstat(p, &st) < 0) {
      check(errno == ENOENT, D("lstat: %s", strerror(errno)), "maskedPaths %s: cannot be read (absent)", p);
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      DIR *d = opendir(p);
      int n = 0;
      struct dirent *e;
      char first[256] = "";
      if (d) {
        while ((e = readdir(d)))
          if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            if (!n)
              snprintf(first, sizeof first, "%s", e->d_name);
            n++;
          }
        closedir(d);
      }
      struct statvfs sv;
      int rdonly = statvfs(p, &sv) == 0 && (sv.f_flag & ST_RDONLY);
      check((d == NULL && (errno == EACCES || errno == EPERM)) || (n == 0 && rdonly),
            D("%d entries (first %s), read-only %d", n, first, rdonly), "maskedPaths %s: directory is empty and read-only", p);
      continue;
    }
    if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3)) {
      check(1, NULL, "maskedPaths %s: cannot be read (is /dev/null)", p);
      continue;
    }
    int fd = open(p, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
      check(errno == EACCES || errno == EPERM || errno == ENOENT, D("open: %s", strerror(errno)), "maskedPaths %s: cannot be read", p);
      continue;
    }
    char buf[64];
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    check(n <= 0, D("read %zd bytes", n), "maskedPaths %s: cannot be read (reads nothing)", p);
  }
}

static void check_readonly_paths(void) {
  json *rp = jpath(cfg, "linux", "readonlyPaths", NULL);
  for (size_t i = 0; i < jlen(rp); i++) {
    const char *p = jstr(jat(rp, i));
    if (!p)
      continue;
    struct stat st;
    if (lstat(p, &st) < 0) {
      check(errno == ENOENT, D("lstat: %s", strerror(errno)), "readonlyPaths %s: read-only (absent)", p);
      continue;
    }
    struct statvfs sv;
    int rdonly = statvfs(p, &sv) == 0 && (sv.f_flag & ST_RDONLY);
    int e = 0, fd = -1;
    const char *how;
    if (S_ISDIR(st.st_mode)) {
      char probe[PATH_MAX];
      snprintf(probe, sizeof probe, "%s/.rt-conformance-probe", p);
      fd = open(probe, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
      e = errno;
      if (fd >= 0) {
        close(fd);
        unlink(probe);
      }
      how = "create in it";
    } else if (S_ISREG(st.st_mode)) {
      /* open for writing only: nothing is ever written (think sysrq-trigger) */
      fd = open(p, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
      e = errno;
      if (fd >= 0)
        close(fd);
      how = "open for writing";
    } else {
      check(rdonly, "mount is not read-only", "readonlyPaths %s: on a read-only mount", p);
      continue;
    }
    /* procfs and sysfs refuse to create anything before looking at the
     * mount, so for a directory any refusal counts once the mount is ro.
     * For a file, older kernels (6.1, the VM lane's) check the file's
     * mode before the mount's read-only flag on open: a process the mode refuses (a non-root
     * user and the 0200 sysrq-trigger) gets EACCES first; statvfs still
     * has to show the mount read-only. */
    int mode_refuses = S_ISREG(st.st_mode) && mode_refuses_write(&st);
    int refused = fd < 0 && (e == EROFS || (S_ISDIR(st.st_mode) && (e == ENOENT || e == EACCES || e == EPERM)) ||
                             (mode_refuses && e == EACCES));
    check(rdonly && refused, D("read-only mount %d, %s %s", rdonly, how, fd >= 0 ? "succeeded" : strerror(e)),
          "readonlyPaths %s: on a read-only mount, %s fails%s", p, how,
          S_ISDIR(st.st_mode) ? "" : mode_refuses ? " (EROFS, or EACCES: the mode refuses this user)" : " with EROFS");
  }
}

static void check_default_devices(void) {
  const struct {
    const char *path;
    unsigned maj, min;
  } devs[] = {{"/dev/null", 1, 3}, {"/dev/zero", 1, 5}, {"/dev/full", 1, 7},
              {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0}};
  for (size_t i = 0; i < sizeof devs / sizeof *devs; i++) {
    struct stat st;
    int r = stat(devs[i].path, &st);
    check(r == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == devs[i].maj && minor(st.st_rdev) == devs[i].min,
          r < 0 ? D("stat: %s", strerror(errno))
                : D("mode %o, %u:%u", st.st_mode, major(st.st_rdev), minor(st.st_rdev)),
          "default device %s is char %u:%u", devs[i].path, devs[i].maj, devs[i].min);
  }
  /* They work (the device cgroup lets them through). */
  char buf[16];
  int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  check(fd >= 0 && write(fd, "x", 1) == 1 && read(fd, buf, 1) == 0, D("%s", strerror(errno)),
        "default device /dev/null: write succeeds, read gives EOF");
  if (fd >= 0)
    close(fd);
  fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
  memset(buf, 1, sizeof buf);
  int zeros = fd >= 0 && read(fd, buf, sizeof buf) == sizeof buf;
  for (size_t i = 0; zeros && i < sizeof buf; i++)
    zeros = buf[i] == 0;
  check(zeros, D("%s", strerror(errno)), "default device /dev/zero reads zeros");
  if (fd >= 0)
    close(fd);
  fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
  errno = 0;
  check(fd >= 0 && write(fd, "x", 1) < 0 && errno == ENOSPC, D("%s", strerror(errno)),
        "default device /dev/full: write fails with ENOSPC");
  if (fd >= 0)
    close(fd);
  fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
  check(fd >= 0 && read(fd, buf, sizeof buf) == sizeof buf, D("%s", strerror(errno)), "default device /dev/urandom is readable");
  if (fd >= 0)
    close(fd);

  /* /dev/ptmx: a symlink to pts/ptmx or a bind mount of /dev/pts/ptmx */
  struct stat st, pst;
  char l[PATH_MAX];
  ssize_t n = readlink("/dev/ptmx", l, sizeof l - 1);
  if (n >= 0) {
    l[n] = 0;
    check(!strcmp(l, "pts/ptmx") || !strcmp(l, "/dev/pts/ptmx"), D("-> %s", l), "default device /dev/ptmx -> pts/ptmx");
  } else {
    int r = stat("/dev/ptmx", &st), r2 = stat("/dev/pts/ptmx", &pst);
    check(r == 0 && r2 == 0 && st.st_dev == pst.st_dev && st.st_ino == pst.st_ino,
          r ? D("stat /dev/ptmx: %s", strerror(errno)) : "not the container's /dev/pts/ptmx",
          "default device /dev/ptmx is the container's /dev/pts/ptmx");
  }

  /* /dev/console when the process has a terminal */
  if (jtrue(jpath(cfg, "process", "terminal", NULL))) {
    int r = stat("/dev/console", &st);
    struct stat in;
    int r2 = fstat(0, &in);
    check(r == 0 && r2 == 0 && S_ISCHR(st.st_mode) && st.st_rdev == in.st_rdev,
          r ? D("stat: %s", strerror(errno)) : D("console %u:%u, stdin %u:%u", major(st.st_rdev), minor(st.st_rdev),
                                                  major(in.st_rdev), minor(in.st_rdev)),
          "/dev/console is the process's terminal");
    check(isatty(0) && isatty(1) && isatty(2), "a standard stream is not a tty", "process.terminal: stdin, stdout, stderr are a tty");
    json *cs = jpath(cfg, "process", "consoleSize", NULL);
    if (cs) {
      struct winsize ws;
      int r3 = ioctl(0, TIOCGWINSZ, &ws);
      check(r3 == 0 && ws.ws_row == ju64(jget(cs, "height")) && ws.ws_col == ju64(jget(cs, "width")),
            D("%ux%u", ws.ws_row, ws.ws_col), "process.consoleSize %llux%llu", ju64(jget(cs, "height")), ju64(jget(cs, "width")));
    }
  }

  /* runtime-linux.md symlinks, required when the source exists */
  const char *links[][2] = {{"/dev/fd", "/proc/self/fd"}, {"/dev/stdin", "/proc/self/fd/0"},
                            {"/dev/stdout", "/proc/self/fd/1"}, {"/dev/stderr", "/proc/self/fd/2"}};
  for (size_t i = 0; i < 4; i++) {
    struct stat s;
    if (lstat(links[i][1], &s) < 0) {
      skip("source does not exist", "symlink %s -> %s", links[i][0], links[i][1]);
      continue;
    }
    n = readlink(links[i][0], l, sizeof l - 1);
    if (n >= 0)
      l[n] = 0;
    check(n >= 0 && !strcmp(l, links[i][1]), n < 0 ? D("readlink: %s", strerror(errno)) : D("-> %s", l), "symlink %s -> %s",
          links[i][0], links[i][1]);
  }
}

static void check_devices(void) {
  json *devs = jpath(cfg, "linux", "devices", NULL);
  for (size_t i = 0; i < jlen(devs); i++) {
    json *d = jat(devs, i);
    const char *p = jstr(jget(d, "path")), *t = jstr(jget(d, "type"));
    if (!p || !t)
      continue;
    struct stat st;
    if (stat(p, &st) < 0) {
      check(0, D("stat: %s", strerror(errno)), "linux.devices %s: exists", p);
      continue;
    }
    int type_ok = (t[0] == 'c' || t[0] == 'u') ? S_ISCHR(st.st_mode) : t[0] == 'b' ? S_ISBLK(st.st_mode) : S_ISFIFO(st.st_mode);
    char bad[256] = "";
    size_t o = 0;
    if (!type_ok)
      o += snprintf(bad + o, sizeof bad - o, "type mode %o ", st.st_mode & S_IFMT);
    if (t[0] != 'p' && (major(st.st_rdev) != ji64(jget(d, "major")) || minor(st.st_rdev) != ji64(jget(d, "minor"))))
      o += snprintf(bad + o, sizeof bad - o, "dev %u:%u ", major(st.st_rdev), minor(st.st_rdev));
    if (jget(d, "fileMode") && (st.st_mode & 07777) != (ju64(jget(d, "fileMode")) & 07777))
      o += snprintf(bad + o, sizeof bad - o, "mode %o ", st.st_mode & 07777);
    if (jget(d, "uid") && st.st_uid != ju64(jget(d, "uid")))
      o += snprintf(bad + o, sizeof bad - o, "uid %u ", st.st_uid);
    if (jget(d, "gid") && st.st_gid != ju64(jget(d, "gid")))
      o += snprintf(bad + o, sizeof bad - o, "gid %u ", st.st_gid);
    char want[128];
    snprintf(want, sizeof want, "%s %lld:%lld", t, ji64(jget(d, "major")), ji64(jget(d, "minor")));
    if (jget(d, "fileMode"))
      snprintf(want + strlen(want), sizeof want - strlen(want), " mode %llo", ju64(jget(d, "fileMode")) & 07777);
    if (jget(d, "uid"))
      snprintf(want + strlen(want), sizeof want - strlen(want), " uid %llu", ju64(jget(d, "uid")));
    if (jget(d, "gid"))
      snprintf(want + strlen(want), sizeof want - strlen(want), " gid %llu", ju64(jget(d, "gid")));
    check(!bad[0], bad, "linux.devices %s is %s", p, want);
  }
}

static void check_sysctl(void) {
  json *sc = jpath(cfg, "linux", "sysctl", NULL);
  for (size_t i = 0; i < jlen(sc); i++) {
    const char *k = sc->keys[i], *v = jstr(sc->kids[i]);
    if (!v)
      continue;
    char p[PATH_MAX] = "/proc/sys/";
    size_t o = strlen(p);
    for (const char *c = k; *c && o < sizeof p - 1; c++)
      p[o++] = *c == '.' ? '/' : *c;
    p[o] = 0;
    char *got = read_line(p);
    /* compare with whitespace runs folded (multi-value sysctls use tabs) */
    char a[512], b[512];
    size_t oa = 0, ob = 0;
    for (const char *c = got ? got : ""; *c && oa < sizeof a - 1; c++)
      if (!isspace((unsigned char)*c) || (oa && a[oa - 1] != ' '))
        a[oa++] = isspace((unsigned char)*c) ? ' ' : *c;
    a[oa] = 0;
    for (const char *c = v; *c && ob < sizeof b - 1; c++)
      if (!isspace((unsigned char)*c) || (ob && b[ob - 1] != ' '))
        b[ob++] = isspace((unsigned char)*c) ? ' ' : *c;
    b[ob] = 0;
    check(got && !strcmp(trim(a), trim(b)), got ? D("%s is '%s'", p, got) : D("read %s: %s", p, strerror(errno)),
          "linux.sysctl %s = %s", k, v);
  }
}

/* cgroup file of one controller as the container sees it, or NULL */
static char *cgroup_read(const char *ctrl_v1, const char *file_v1, const char *file_v2, int *is_v2) {
  char *self = read_file("/proc/self/cgroup", NULL);
  char v1path[PATH_MAX] = "", v2path[PATH_MAX] = "";
  for (char *save = NULL, *l = self ? strtok_r(self, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
    char *c1 = strchr(l, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    if (!c2)
      continue;
    *c2 = 0;
    if (c1[1] == 0)
      snprintf(v2path, sizeof v2path, "%s", c2 + 1);
    for (char *s = NULL, *t = strtok_r(c1 + 1, ",", &s); t; t = strtok_r(NULL, ",", &s))
      if (!strcmp(t, ctrl_v1))
        snprintf(v1path, sizeof v1path, "%s", c2 + 1);
  }
  char p[PATH_MAX * 2];
  char *r;
  *is_v2 = 0;
  if (v1path[0]) {
    snprintf(p, sizeof p, "/sys/fs/cgroup/%s%s/%s", ctrl_v1, v1path, file_v1);
    if ((r = read_line(p)))
      return r;
    snprintf(p, sizeof p, "/sys/fs/cgroup/%s/%s", ctrl_v1, file_v1);
    if ((r = read_line(p)))
      return r;
  }
  if (access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0 && file_v2) {
    *is_v2 = 1;
    snprintf(p, sizeof p, "/sys/fs/cgroup%s/%s", v2path, file_v2);
    if ((r = read_line(p)))
      return r;
    snprintf(p, sizeof p, "/sys/fs/cgroup/%s", file_v2);
    if ((r = read_line(p)))
      return r;
  }
  return NULL;
}

static void check_cgroups(void) {
  json *res = jpath(cfg, "linux", "resources", NULL);
  int v2;
  char *s;
  json *lim = jpath(res, "memory", "limit", NULL);
  if (lim) {
    s = cgroup_read("memory", "memory.limit_in_bytes", "memory.max", &v2);
    long long want = ji64(lim);
    if (!s)
      skip("memory cgroup not visible in the container", "linux.resources.memory.limit");
    else
      check(want < 0 ? (!strcmp(s, "max") || strtoull(s, NULL, 10) >= (1ULL << 62)) : strtoll(s, NULL, 10) == want,
            D("%s is %s", v2 ? "memory.max" : "memory.limit_in_bytes", s), "linux.resources.memory.limit %lld (seen inside)", want);
  }
  json *pl = jpath(res, "pids", "limit", NULL);
  if (pl) {
    s = cgroup_read("pids", "pids.max", "pids.max", &v2);
    long long want = ji64(pl);
    if (!s)
      skip("pids cgroup not visible in the container", "linux.resources.pids.limit");
    else
      check(want < 0 ? !strcmp(s, "max") : (strcmp(s, "max") && strtoll(s, NULL, 10) == want), D("pids.max is %s", s),
            "linux.resources.pids.limit %lld (seen inside)", want);
  }
  json *sh = jpath(res, "cpu", "shares", NULL);
  if (sh) {
    s = cgroup_read("cpu", "cpu.shares", "cpu.weight", &v2);
    unsigned long long want = ju64(sh);
    if (!s)
      skip("cpu cgroup not visible in the container", "linux.resources.cpu.shares");
    else if (v2)
      check(strtoull(s, NULL, 10) == 1 + ((want - 2) * 9999) / 262142, D("cpu.weight is %s", s),
            "linux.resources.cpu.shares %llu (seen inside as cpu.weight)", want);
    else
      check(strtoull(s, NULL, 10) == want, D("cpu.shares is %s", s), "linux.resources.cpu.shares %llu (seen inside)", want);
  }
  json *q = jpath(res, "cpu", "quota", NULL), *per = jpath(res, "cpu", "period", NULL);
  if (q) {
    s = cgroup_read("cpu", "cpu.cfs_quota_us", "cpu.max", &v2);
    if (!s)
      skip("cpu cgroup not visible in the container", "linux.resources.cpu.quota");
    else
      check(strtoll(s, NULL, 10) == ji64(q), D("quota is %s", s), "linux.resources.cpu.quota %lld (seen inside)", ji64(q));
  }
  if (per) {
    int isv2;
    s = cgroup_read("cpu", "cpu.cfs_period_us", "cpu.max", &isv2);
    if (s && isv2 && strchr(s, ' '))
      s = strchr(s, ' ') + 1;
    if (!s)
      skip("cpu cgroup not visible in the container", "linux.resources.cpu.period");
    else
      check(strtoull(s, NULL, 10) == ju64(per), D("period is %s", s), "linux.resources.cpu.period %llu (seen inside)", ju64(per));
  }
  const char *cpus = jstr(jpath(res, "cpu", "cpus", NULL));
  if (cpus) {
    s = cgroup_read("cpuset", "cpuset.cpus", "cpuset.cpus", &v2);
    if (!s)
      skip("cpuset cgroup not visible in the container", "linux.resources.cpu.cpus");
    else
      check(!strcmp(s, cpus), D("cpuset.cpus is %s", s), "linux.resources.cpu.cpus %s (seen inside)", cpus);
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
      char aff[256] = "";
      size_t o = 0;
      for (int c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &set)) {
          int e = c;
          while (e + 1 < CPU_SETSIZE && CPU_ISSET(e + 1, &set))
            e++;
          o += snprintf(aff + o, sizeof aff - o, o ? ",%d" : "%d", c);
          if (e > c)
            o += snprintf(aff + o, sizeof aff - o, "-%d", e);
          c = e;
        }
      check(!strcmp(aff, cpus), D("affinity is %s", aff), "linux.resources.cpu.cpus %s: the process may run only there", cpus);
    }
  }

  /* unified: each key is a file of the container's cgroup2 directory
   * (config-linux.md "Unified"); its controller had to be enabled */
  json *uni = jpath(res, "unified", NULL);
  for (size_t i = 0; i < jlen(uni) && uni->keys; i++) {
    const char *k = uni->keys[i], *v = jstr(uni->kids[i]);
    if (!v)
      continue;
    s = cgroup_read("-", "-", k, &v2);
    if (!v2 && !s)
      skip("no cgroup2 hierarchy visible in the container", "linux.resources.unified");
    else
      check(s && !strcmp(trim(s), v), s ? D("%s is '%s'", k, s) : D("%s: not readable", k),
            "linux.resources.unified %s = %s (seen inside)", k, v);
  }

  const char *cgp = jstr(jpath(cfg, "linux", "cgroupsPath", NULL));
  int cgns = 0;
  json *nss = jpath(cfg, "linux", "namespaces", NULL);
  for (size_t i = 0; i < jlen(nss); i++)
    if (jstr(jget(jat(nss, i), "type")) && !strcmp(jstr(jget(jat(nss, i), "type")), "cgroup"))
      cgns = 1;
  if (cgp && cgp[0] == '/' && !cgns) {
    char *self = read_file("/proc/self/cgroup", NULL);
    char bad[512] = "";
    size_t o = 0;
    int lines = 0;
    for (char *save = NULL, *l = self ? strtok_r(self, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
      char *c1 = strchr(l, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
      if (!c2)
        continue;
      /* controllers a runtime does not manage (name=systemd, misc, rdma ...) may stay put */
      if (!strncmp(c1 + 1, "name=", 5) || !strcmp(c1 + 1, ":") || strstr(c1 + 1, "rdma") || strstr(c1 + 1, "misc") ||
          strstr(c1 + 1, "net_") || strstr(c1 + 1, "perf_event") || strstr(c1 + 1, "hugetlb"))
        continue;
      lines++;
      if (strcmp(c2 + 1, cgp))
        o += snprintf(bad + o, o < sizeof bad ? sizeof bad - o : 0, "%.*s:%s ", (int)(c2 - c1 - 1), c1 + 1, c2 + 1);
    }
    if (lines)
      check(!bad[0], D("%s", bad), "linux.cgroupsPath %s: the process is in it", cgp);
  }
}

static const struct {
  const char *name;
  long nr;
  int path_arg; /* 1: takes a path (probe a nonexistent one) */
} sc_table[] = {
    {"getcwd", SYS_getcwd, 0},
#ifdef SYS_mkdir
    {"mkdir", SYS_mkdir, 1},
#endif
    {"mkdirat", SYS_mkdirat, 1},
#ifdef SYS_rmdir
    {"rmdir", SYS_rmdir, 1},
#endif
#ifdef SYS_chmod
    {"chmod", SYS_chmod, 1},
#endif
    {"fchmodat", SYS_fchmodat, 1},
    {"uname", SYS_uname, 0},
    {"getppid", SYS_getppid, 0},
};

static long probe_syscall(const char *name, long nr, unsigned long mode) {
  static char buf[PATH_MAX];
  static struct utsname u;
  const char *path = "/.rt-conformance-no-such-dir/x";
  errno = 0;
  if (!strcmp(name, "getcwd"))
    return syscall(nr, buf, sizeof buf);
  if (!strcmp(name, "uname"))
    return syscall(nr, &u);
  if (!strcmp(name, "getppid"))
    return syscall(nr);
  if (!strcmp(name, "mkdirat") || !strcmp(name, "fchmodat"))
    return syscall(nr, AT_FDCWD, path, mode);
  if (!strcmp(name, "mkdir") || !strcmp(name, "chmod"))
    return syscall(nr, path, mode);
  return syscall(nr, path);
}

static void check_seccomp(void) {
  json *sc = jpath(cfg, "linux", "seccomp", NULL);
  if (!sc)
    return;
  char *s = status_field("Seccomp");
  check(s && atoi(s) == 2, D("Seccomp: %s", s ? s : "?"), "linux.seccomp: the process runs under a seccomp filter");
  const char *def = jstr(jget(sc, "defaultAction"));
  if (!def || strcmp(def, "SCMP_ACT_ALLOW")) {
    diag("linux.seccomp.defaultAction %s: only rules over an allowing default are probed", def ? def : "?");
    return;
  }
  json *rules = jget(sc, "syscalls");
  for (size_t i = 0; i < jlen(rules); i++) {
    json *r = jat(rules, i);
    const char *act = jstr(jget(r, "action"));
    if (!act || strcmp(act, "SCMP_ACT_ERRNO"))
      continue;
    long want = jget(r, "errnoRet") ? (long)ji64(jget(r, "errnoRet")) : EPERM;
    json *args = jget(r, "args");
    json *names = jget(r, "names");
    for (size_t k = 0; k < jlen(names); k++) {
      const char *n = jstr(jat(names, k));
      size_t t;
      for (t = 0; n && t < sizeof sc_table / sizeof *sc_table; t++)
        if (!strcmp(n, sc_table[t].name))
          break;
      if (!n || t == sizeof sc_table / sizeof *sc_table)
        continue;
      if (!jlen(args)) {
        long rv = probe_syscall(n, sc_table[t].nr, 0700);
        int e = errno;
        check(rv == -1 && e == want, D("returned %ld, errno %d (%s)", rv, e, strerror(e)),
              "linux.seccomp: %s fails with errno %ld (%s)", n, want, jget(r, "errnoRet") ? "errnoRet" : "default EPERM");
        continue;
      }
      /* one SCMP_CMP_EQ on the mode argument of mkdirat/fchmodat */
      json *a = jat(args, 0);
      const char *op = jstr(jget(a, "op"));
      if (jlen(args) != 1 || !op || strcmp(op, "SCMP_CMP_EQ") || ji64(jget(a, "index")) != 2 ||
          (strcmp(n, "mkdirat") && strcmp(n, "fchmodat"))) {
        diag("linux.seccomp: rule for %s with these args is not probed", n);
        continue;
      }
      unsigned long v = ju64(jget(a, "value"));
      long rv = probe_syscall(n, sc_table[t].nr, v);
      int e = errno;
      check(rv == -1 && e == want, D("returned %ld, errno %d", rv, e), "linux.seccomp: %s with arg2 == %#lo fails with errno %ld", n, v,
            want);
      rv = probe_syscall(n, sc_table[t].nr, v ^ 1);
      e = errno;
      check(!(rv == -1 && e == want), D("returned %ld, errno %d", rv, e), "linux.seccomp: %s with arg2 != %#lo is not matched", n, v);
    }
  }
}

static int parse_ts(const char *s, struct timespec *ts) {
  char *end;
  ts->tv_sec = strtoll(s, &end, 10);
  ts->tv_nsec = *end == '.' ? strtol(end + 1, NULL, 10) : 0;
  return 0;
}

static void check_time(void) {
  json *to = jpath(cfg, "linux", "timeOffsets", NULL);
  if (!to)
    return;
  char *offs = read_file("/proc/self/timens_offsets", NULL);
  const char *clocks[][3] = {{"monotonic", "clock.monotonic"}, {"boottime", "clock.boottime"}};
  for (int i = 0; i < 2; i++) {
    json *o = jget(to, clocks[i][0]);
    if (!o)
      continue;
    long long secs = ji64(jget(o, "secs")), ns = ji64(jget(o, "nanosecs"));
    if (!offs) {
      check(0, D("/proc/self/timens_offsets: %s", strerror(errno)), "linux.timeOffsets.%s %lld.%09lld", clocks[i][0], secs, ns);
    } else {
      long long gs = 0, gn = 0;
      char *l = strstr(offs, clocks[i][0]);
      if (l)
        sscanf(l + strlen(clocks[i][0]), " %lld %lld", &gs, &gn);
      check(l && gs == secs && gn == ns, D("offset %lld %lld", gs, gn), "linux.timeOffsets.%s %lld.%09lld in timens_offsets",
            clocks[i][0], secs, ns);
    }
    const char *h = host(clocks[i][1]);
    if (!h)
      continue;
    struct timespec now, hs;
    clock_gettime(i == 0 ? CLOCK_MONOTONIC : CLOCK_BOOTTIME, &now);
    parse_ts(h, &hs);
    double diff = (now.tv_sec - secs - hs.tv_sec) + (now.tv_nsec - ns - hs.tv_nsec) / 1e9;
    check(diff > -1 && diff < 120, D("clock minus offset is %.3fs from the runtime's clock before start", diff),
          "linux.timeOffsets.%s: the clock is shifted by the offset (within 120s)", clocks[i][0]);
  }
}

static void check_personality(void) {
  json *p = jpath(cfg, "linux", "personality", NULL);
  if (!p)
    return;
  const char *dom = jstr(jget(p, "domain"));
  int cur = personality(0xffffffff);
  int want = dom && !strcmp(dom, "LINUX32") ? PER_LINUX32 : PER_LINUX;
  check((cur & PER_MASK) == want, D("personality is %#x", cur), "linux.personality.domain %s", dom ? dom : "?");
  if (want == PER_LINUX32) {
    struct utsname u;
    uname(&u);
    check(!strcmp(u.machine, "i686") || !strcmp(u.machine, "armv8l") || !strcmp(u.machine, "armv7l") ||
              (strstr(u.machine, "64") == NULL),
          D("uname -m is %s", u.machine), "linux.personality LINUX32: uname shows a 32-bit machine");
  }
}

/* config-linux.md memoryPolicy: the process's NUMA policy (get_mempolicy)
 * is the mode, with the nodes given. */
static void check_memory_policy(void) {
  json *m = jpath(cfg, "linux", "memoryPolicy", NULL);
  if (!m)
    return;
  const char *mode = jstr(jget(m, "mode"));
  const char *const modes[] = {"MPOL_DEFAULT", "MPOL_PREFERRED", "MPOL_BIND", "MPOL_INTERLEAVE",
                               "MPOL_LOCAL", "MPOL_PREFERRED_MANY", "MPOL_WEIGHTED_INTERLEAVE"};
  int want = -1;
  for (int i = 0; mode && i < (int)(sizeof modes / sizeof *modes); i++)
    if (!strcmp(mode, modes[i]))
      want = i;
  int got = -1;
  unsigned long mask[16] = {0};
  long r = syscall(SYS_get_mempolicy, &got, mask, sizeof mask * 8, NULL, 0UL);
  /* the mode's flag bits (MPOL_F_STATIC_NODES, ...) come back in got */
  check(r == 0 && (got & 0xff) == want, D("get_mempolicy: %ld, mode %d", r, got),
        "linux.memoryPolicy.mode %s", mode ? mode : "?");
  const char *nodes = jstr(jget(m, "nodes"));
  if (nodes && !strcmp(nodes, "0"))
    check(r == 0 && mask[0] == 1, D("nodemask %#lx", mask[0]), "linux.memoryPolicy.nodes 0");
}

static void check_sched_io(void) {
  json *io = jpath(cfg, "process", "ioPriority", NULL);
  if (io) {
    const char *cls = jstr(jget(io, "class"));
    int wc = cls && !strcmp(cls, "IOPRIO_CLASS_RT") ? 1 : cls && !strcmp(cls, "IOPRIO_CLASS_BE") ? 2 : 3;
    long v = syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0);
    check(v >= 0 && (v >> 13) == wc && (v & 0x1fff) == ji64(jget(io, "priority")),
          D("ioprio class %ld data %ld", v >> 13, v & 0x1fff), "process.ioPriority %s %lld", cls ? cls : "?",
          ji64(jget(io, "priority")));
  }
  json *sch = jpath(cfg, "process", "scheduler", NULL);
  if (sch) {
    const char *pol = jstr(jget(sch, "policy"));
    const struct {
      const char *n;
      int v;
    } pols[] = {{"SCHED_OTHER", SCHED_OTHER}, {"SCHED_FIFO", SCHED_FIFO}, {"SCHED_RR", SCHED_RR},
                {"SCHED_BATCH", SCHED_BATCH}, {"SCHED_IDLE", SCHED_IDLE}, {"SCHED_DEADLINE", 6}};
    int want = -1;
    for (size_t i = 0; pol && i < sizeof pols / sizeof *pols; i++)
      if (!strcmp(pol, pols[i].n))
        want = pols[i].v;
    int got = sched_getscheduler(0);
    check(got >= 0 && (got & ~SCHED_RESET_ON_FORK) == want, D("policy %d", got), "process.scheduler.policy %s", pol ? pol : "?");
    if (jget(sch, "nice")) {
      errno = 0;
      int n = getpriority(PRIO_PROCESS, 0);
      check(errno == 0 && n == ji64(jget(sch, "nice")), D("nice %d", n), "process.scheduler.nice %lld", ji64(jget(sch, "nice")));
    }
    if (jget(sch, "priority")) {
      struct sched_param sp;
      check(sched_getparam(0, &sp) == 0 && sp.sched_priority == ji64(jget(sch, "priority")), D("priority %d", sp.sched_priority),
            "process.scheduler.priority %lld", ji64(jget(sch, "priority")));
    }
  }
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  /* the fd check must run before this program opens anything */
  check_fds();

  const char *cfgpath = argc > 1 ? argv[1] : "/rt-conformance/config.json";
  char hostpath[PATH_MAX];
  if (argc > 2) {
    snprintf(hostpath, sizeof hostpath, "%s", argv[2]);
  } else {
    snprintf(hostpath, sizeof hostpath, "%s", cfgpath);
    char *slash = strrchr(hostpath, '/');
    snprintf(slash ? slash + 1 : hostpath, sizeof hostpath - (slash ? slash + 1 - hostpath : 0), "host.info");
  }
  char *text = read_file(cfgpath, NULL);
  if (!text) {
    printf("not ok 1 - read config %s # %s\n1..1\n", cfgpath, strerror(errno));
    return 1;
  }
  jp = text;
  cfg = jvalue(0);
  if (jerr || cfg->type != J_OBJ) {
    printf("not ok 1 - parse config %s # near offset %ld\n1..1\n", cfgpath, (long)(jp - text));
    return 1;
  }
  load_hostinfo(hostpath);
  load_mountinfo();

  check_args(argc, argv);
  check_cwd();
  check_env();
  check_user();
  check_uts();
  check_rlimits();
  check_caps();
  check_nnp();
  check_oom();
  check_namespaces();
  check_mounts();
  check_rootfs();
  check_masked();
  check_readonly_paths();
  check_default_devices();
  check_devices();
  check_sysctl();
  check_cgroups();
  check_seccomp();
  check_time();
  check_personality();
  check_memory_policy();
  check_sched_io();

  printf("1..%d\n", tap_n);
  fflush(stdout);
  return tap_failed ? 1 : 0;
}

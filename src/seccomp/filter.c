/* linux.seccomp -> a libseccomp filter -> BPF loaded with seccomp(2).
 *
 * libseccomp compiles; rt loads the exported program itself so that every
 * flag of the spec is honoured whatever libseccomp knows (2.5 has no
 * attribute for SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) and so that a cached
 * program and a fresh one take the same path. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "seccomp/seccomp.h"
#include "seccomp/seccomp_internal.h"
#include "util/cleanup.h"
#include "util/log.h"

#define FIELD ".linux.seccomp"
/* A rule with args on several indexes, each index listed several times,
 * expands to the product of the counts; keep that bounded. */
#define MAX_EXPANDED_RULES 1024

static int default_action(const oci_seccomp *s, uint32_t *out, rt_error *err) {
  return rt_seccomp_action(s->default_action, s->has_default_errno_ret, s->default_errno_ret, out,
                           "config.json: " FIELD ".defaultAction", err);
}

static int check_args(const oci_seccomp_syscall *sc, size_t i, rt_error *err) {
  for (size_t k = 0; k < sc->n_args; k++) {
    const oci_seccomp_arg *a = &sc->args[k];
    if (a->index > 5)
      return rt_error_set(err, 0,
                          "config.json: " FIELD ".syscalls[%zu].args[%zu].index: %u is not a "
                          "syscall argument (0 to 5)",
                          i, k, a->index);
    if (!rt_seccomp_lookup(rt_seccomp_op_table, a->op))
      return rt_error_set(err, 0,
                          "config.json: " FIELD ".syscalls[%zu].args[%zu].op: unknown operator "
                          "\"%s\"",
                          i, k, a->op ? a->op : "");
  }
  return 0;
}

static int check_syscall(const oci_seccomp_syscall *sc, size_t i, bool listener, rt_error *err) {
  char field[96];
  snprintf(field, sizeof field, "config.json: " FIELD ".syscalls[%zu].action", i);
  uint32_t act;
  if (rt_seccomp_action(sc->action, sc->has_errno_ret, sc->errno_ret, &act, field, err) < 0)
    return -1;
  if (!sc->n_names)
    return rt_error_set(err, 0, "config.json: " FIELD ".syscalls[%zu].names: empty", i);
  if (act == SCMP_ACT_NOTIFY) {
    /* rt hands the notify fd to the listener with sendmsg after loading the
     * filter: a notified sendmsg would wait for a listener that has no fd.
     * write is how the init reports a failure of its last steps (to rt or
     * `rt start`), which then would wait on the listener too (runc refuses
     * it as well). */
    static const char *const handshake[] = {"sendmsg", "write"};
    for (size_t j = 0; j < sc->n_names; j++)
      for (size_t h = 0; h < ARRAY_SIZE(handshake); h++)
        if (sc->names[j] && strcmp(sc->names[j], handshake[h]) == 0)
          return rt_error_set(err, 0,
                              "config.json: " FIELD ".syscalls[%zu].names[%zu]: SCMP_ACT_NOTIFY "
                              "cannot be used for %s (rt needs it for the listener handshake and "
                              "its error reports)",
                              i, j, handshake[h]);
    if (!listener)
      return rt_error_set(err, 0,
                          "config.json: " FIELD ".syscalls[%zu].action: SCMP_ACT_NOTIFY needs "
                          "linux.seccomp.listenerPath",
                          i);
  }
  return check_args(sc, i, err);
}

int rt_seccomp_validate(const oci_seccomp *s, rt_error *err) {
  uint32_t def;
  if (default_action(s, &def, err) < 0)
    return -1;
  if (def == SCMP_ACT_NOTIFY)
    return rt_error_set(err, 0,
                        "config.json: " FIELD ".defaultAction: SCMP_ACT_NOTIFY cannot be the "
                        "default action (rt's own syscalls until exec would wait on the listener)");
  for (size_t i = 0; i < s->n_architectures; i++) {
    const struct rt_seccomp_name *a = rt_seccomp_lookup(rt_seccomp_arch_table, s->architectures[i]);
    if (!a)
      return rt_error_set(err, 0, "config.json: " FIELD ".architectures[%zu]: unknown \"%s\"", i,
                          s->architectures[i] ? s->architectures[i] : "");
    if (!a->value)
      return rt_error_set(err, 0,
                          "config.json: " FIELD ".architectures[%zu]: %s is not supported by "
                          "libseccomp %d.%d.%d",
                          i, a->name, SCMP_VER_MAJOR, SCMP_VER_MINOR, SCMP_VER_MICRO);
  }
  for (size_t i = 0; i < s->n_flags; i++)
    if (!rt_seccomp_lookup(rt_seccomp_flag_table, s->flags[i]))
      return rt_error_set(err, 0, "config.json: " FIELD ".flags[%zu]: unknown flag \"%s\"", i,
                          s->flags[i] ? s->flags[i] : "");
  if (s->listener_metadata && !s->listener_path)
    return rt_error_set(err, 0,
                        "config.json: " FIELD ".listenerMetadata: set without listenerPath");
  bool listener = s->listener_path && *s->listener_path;
  for (size_t i = 0; i < s->n_syscalls; i++)
    if (check_syscall(&s->syscalls[i], i, listener, err) < 0)
      return -1;
  return 0;
}

static bool has_flag(const oci_seccomp *s, const char *name) {
  for (size_t i = 0; i < s->n_flags; i++)
    if (s->flags[i] && strcmp(s->flags[i], name) == 0)
      return true;
  return false;
}

static int set_attr(scmp_filter_ctx ctx, enum scmp_filter_attr attr, uint32_t v, const char *what,
                    rt_error *err) {
  int r = seccomp_attr_set(ctx, attr, v);
  if (r < 0)
    return rt_error_set(err, -r, "config.json: " FIELD ": libseccomp: set %s", what);
  return 0;
}

static int set_attrs(scmp_filter_ctx ctx, const oci_seccomp *s, rt_error *err) {
  /* no_new_privs is process.noNewPrivileges' business, not the filter's. */
  if (set_attr(ctx, SCMP_FLTATR_CTL_NNP, 0, "no_new_privs off", err) < 0 ||
      set_attr(ctx, SCMP_FLTATR_API_SYSRAWRC, 1, "raw error codes", err) < 0)
    return -1;
  /* LOG and SPEC_ALLOW are load flags (rt loads the program itself); set
   * them here too so that a filter loaded by libseccomp would agree. */
  if (has_flag(s, "SECCOMP_FILTER_FLAG_LOG") &&
      set_attr(ctx, SCMP_FLTATR_CTL_LOG, 1, "SECCOMP_FILTER_FLAG_LOG", err) < 0)
    return -1;
  if (has_flag(s, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") &&
      set_attr(ctx, SCMP_FLTATR_CTL_SSB, 1, "SECCOMP_FILTER_FLAG_SPEC_ALLOW", err) < 0)
    return -1;
  return 0;
}

static int add_archs(scmp_filter_ctx ctx, const oci_seccomp *s, rt_error *err) {
  for (size_t i = 0; i < s->n_architectures; i++) {
    const struct rt_seccomp_name *a = rt_seccomp_lookup(rt_seccomp_arch_table, s->architectures[i]);
    /* The native architecture is always there: EEXIST. */
    int r = seccomp_arch_add(ctx, (uint32_t)a->value);
    if (r < 0 && r != -EEXIST)
      return rt_error_set(err, -r, "config.json: " FIELD ".architectures[%zu]: add %s", i, a->name);
  }
  return 0;
}

static struct scmp_arg_cmp to_cmp(const oci_seccomp_arg *a) {
  const struct rt_seccomp_name *op = rt_seccomp_lookup(rt_seccomp_op_table, a->op);
  struct scmp_arg_cmp c = {.arg = a->index, .op = (enum scmp_compare)op->value};
  if (c.op == SCMP_CMP_MASKED_EQ) {
    /* As runc: value is the mask, valueTwo the value compared with
     * (arg & value) == valueTwo. */
    c.datum_a = a->value;
    c.datum_b = a->value_two;
  } else {
    c.datum_a = a->value;
  }
  return c;
}

/* The args of one rule, grouped by index: comparisons on different indexes
 * must all hold (AND); comparisons repeated on one index are alternatives
 * (OR), as each becomes a rule of its own. So the rule expands to one
 * libseccomp rule per choice of one comparison for each index used. */
struct arg_groups {
  struct scmp_arg_cmp cmp[6][16];
  unsigned n[6];
  size_t total; /* number of expanded rules */
};

static int group_args(const oci_seccomp_syscall *sc, size_t i, struct arg_groups *g,
                      rt_error *err) {
  memset(g, 0, sizeof *g);
  for (size_t k = 0; k < sc->n_args; k++) {
    unsigned idx = sc->args[k].index;
    if (g->n[idx] >= ARRAY_SIZE(g->cmp[idx]))
      return rt_error_set(err, 0,
                          "config.json: " FIELD ".syscalls[%zu].args: more than %zu comparisons "
                          "on argument %u",
                          i, ARRAY_SIZE(g->cmp[idx]), idx);
    g->cmp[idx][g->n[idx]++] = to_cmp(&sc->args[k]);
  }
  g->total = 1;
  for (int idx = 0; idx < 6; idx++) {
    if (g->n[idx])
      g->total *= g->n[idx];
    if (g->total > MAX_EXPANDED_RULES)
      return rt_error_set(err, 0,
                          "config.json: " FIELD ".syscalls[%zu].args: expands to more than %d "
                          "rules",
                          i, MAX_EXPANDED_RULES);
  }
  return 0;
}

static int add_expanded(scmp_filter_ctx ctx, uint32_t act, int nr, const struct arg_groups *g,
                        const char *name, size_t i, rt_error *err) {
  for (size_t combo = 0; combo < g->total; combo++) {
    struct scmp_arg_cmp cmps[6];
    unsigned n = 0;
    size_t rest = combo;
    for (int idx = 0; idx < 6; idx++) {
      if (!g->n[idx])
        continue;
      cmps[n++] = g->cmp[idx][rest % g->n[idx]];
      rest /= g->n[idx];
    }
    int r = seccomp_rule_add_array(ctx, act, nr, n, n ? cmps : NULL);
    if (r < 0)
      return rt_error_set(err, -r, "config.json: " FIELD ".syscalls[%zu]: add the rule for %s", i,
                          name);
  }
  return 0;
}

static int add_syscall(scmp_filter_ctx ctx, uint32_t def, const oci_seccomp_syscall *sc, size_t i,
                       rt_error *err) {
  char field[96];
  snprintf(field, sizeof field, "config.json: " FIELD ".syscalls[%zu].action", i);
  uint32_t act;
  if (rt_seccomp_action(sc->action, sc->has_errno_ret, sc->errno_ret, &act, field, err) < 0)
    return -1;
  if (act == def) {
    /* libseccomp refuses a rule that repeats the default action. */
    log_debug("seccomp: syscalls[%zu]: the default action, skipped", i);
    return 0;
  }
  struct arg_groups g;
  if (group_args(sc, i, &g, err) < 0)
    return -1;
  for (size_t j = 0; j < sc->n_names; j++) {
    const char *name = sc->names[j];
    int nr = name ? seccomp_syscall_resolve_name(name) : __NR_SCMP_ERROR;
    if (nr == __NR_SCMP_ERROR) {
      /* As runc: a name this libseccomp does not know (too new, or another
       * OS's) is skipped, so one profile serves many hosts. */
      log_debug("seccomp: syscalls[%zu].names[%zu]: unknown syscall \"%s\", skipped", i, j,
                name ? name : "");
      continue;
    }
    if (add_expanded(ctx, act, nr, &g, name, i, err) < 0)
      return -1;
  }
  return 0;
}

void rt_seccomp_release(void *ctx) {
  if (ctx)
    seccomp_release(ctx);
}

int rt_seccomp_build(const oci_seccomp *s, void **ctx_out, rt_error *err) {
  uint32_t def;
  if (rt_seccomp_validate(s, err) < 0 || default_action(s, &def, err) < 0)
    return -1;
  scmp_filter_ctx ctx = seccomp_init(def);
  if (!ctx)
    return rt_error_set(err, 0, "config.json: " FIELD ": libseccomp could not create a filter");
  if (set_attrs(ctx, s, err) < 0 || add_archs(ctx, s, err) < 0)
    goto fail;
  for (size_t i = 0; i < s->n_syscalls; i++)
    if (add_syscall(ctx, def, &s->syscalls[i], i, err) < 0)
      goto fail;
  *ctx_out = ctx;
  return 0;
fail:
  seccomp_release(ctx);
  return -1;
}

int rt_seccomp_export(void *ctx, void **prog_out, size_t *len_out, rt_error *err) {
  /* libseccomp 2.5 exports to an fd only. */
  _cleanup_close_ int fd = memfd_create("rt-seccomp-bpf", MFD_CLOEXEC);
  if (fd < 0)
    return rt_error_set(err, errno, "seccomp: memfd_create");
  int r = seccomp_export_bpf(ctx, fd);
  if (r < 0)
    return rt_error_set(err, -r, "seccomp: export the BPF program");
  struct stat st;
  if (fstat(fd, &st) < 0)
    return rt_error_set(err, errno, "seccomp: fstat");
  size_t len = (size_t)st.st_size;
  if (len == 0 || len % sizeof(struct sock_filter))
    return rt_error_set(err, 0, "seccomp: exported program has a bad size %zu", len);
  void *buf = malloc(len);
  if (!buf)
    return rt_error_set(err, ENOMEM, "seccomp");
  if (pread(fd, buf, len, 0) != (ssize_t)len) {
    free(buf);
    return rt_error_set(err, errno ? errno : EIO, "seccomp: read the BPF program");
  }
  *prog_out = buf;
  *len_out = len / sizeof(struct sock_filter);
  return 0;
}

/* The seccomp(2) flags for this profile. TSYNC is implied (the init is
 * single-threaded; it costs nothing and keeps any helper thread filtered). */
static unsigned long load_flags(const oci_seccomp *s, bool notify) {
  unsigned long f = SECCOMP_FILTER_FLAG_TSYNC;
  if (has_flag(s, "SECCOMP_FILTER_FLAG_LOG"))
    f |= SECCOMP_FILTER_FLAG_LOG;
  if (has_flag(s, "SECCOMP_FILTER_FLAG_SPEC_ALLOW"))
    f |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
  if (notify) {
    /* TSYNC with a listener needs TSYNC_ESRCH (errors as -ESRCH, not a tid). */
    f |= SECCOMP_FILTER_FLAG_NEW_LISTENER | SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
    if (has_flag(s, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"))
      f |= RT_SECCOMP_FLAG_WAIT_KILLABLE_RECV;
  } else if (has_flag(s, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV")) {
    /* The kernel refuses it without a listener; it would mean nothing. */
    log_warn("config.json: " FIELD ".flags: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV ignored: no "
             "rule uses SCMP_ACT_NOTIFY");
  }
  return f;
}

static const char *flags_hint(unsigned long f) {
  if (f & RT_SECCOMP_FLAG_WAIT_KILLABLE_RECV)
    return " (SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV needs Linux 5.19)";
  if (f & SECCOMP_FILTER_FLAG_TSYNC_ESRCH)
    return " (SCMP_ACT_NOTIFY with TSYNC needs Linux 5.7)";
  if (f & SECCOMP_FILTER_FLAG_SPEC_ALLOW)
    return " (SECCOMP_FILTER_FLAG_SPEC_ALLOW needs Linux 4.17)";
  return "";
}

int rt_seccomp_load_prog(const struct rt_seccomp_prog *p, int *notify_fd, rt_error *err) {
  if (notify_fd)
    *notify_fd = -1;
  struct sock_fprog prog = {.len = (unsigned short)p->len, .filter = p->insns};
  if (p->len > BPF_MAXINSNS)
    return rt_error_set(err, 0,
                        "config.json: " FIELD ": the filter compiles to %zu BPF instructions, "
                        "more than the kernel's %d",
                        p->len, BPF_MAXINSNS);
  long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, p->flags, &prog);
  if (r < 0) {
    int e = errno;
    if (e == EACCES)
      return rt_error_set(err, e,
                          "config.json: " FIELD ": load the filter (without noNewPrivileges this "
                          "needs CAP_SYS_ADMIN)");
    return rt_error_set(err, e, "config.json: " FIELD ": load the filter%s",
                        e == EINVAL ? flags_hint(p->flags) : "");
  }
  if (notify_fd)
    *notify_fd = (p->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) ? (int)r : -1;
  return 0;
}

void rt_seccomp_prog_free(struct rt_seccomp_prog *p) {
  free(p->insns);
  p->insns = NULL;
  p->len = 0;
}

/* ENOSYS for syscalls newer than the profile. A profile whose default is an
 * error (EPERM) would make a syscall the profile's author never heard of
 * (clone3 and openat2 for profiles older than Linux 5.3/5.6) fail with EPERM,
 * and glibc and others fall back to the older call only on ENOSYS. As runc
 * does, a number above the highest the profile names, for its architecture,
 * gets ENOSYS; a number at or below it gets the default action. The prefix
 * runs before libseccomp's program:
 *
 *   ld arch; per architecture: jeq ARCH ? (ld nr; [x86_64: x32 numbers go
 *   on]; jgt MAX ? enosys : main) : next; ja main; enosys: ret ERRNO|ENOSYS;
 *   main: libseccomp's program. */
#define X32_SYSCALL_BIT 0x40000000U
#define MAX_STUB_ARCHS 16

static bool stub_wanted(uint32_t def) {
  return def != SCMP_ACT_ALLOW && def != SCMP_ACT_LOG;
}

/* The highest syscall number the profile names, for one architecture. */
static int profile_max_nr(const oci_seccomp *s, uint32_t arch) {
  int max = -1;
  for (size_t i = 0; i < s->n_syscalls; i++)
    for (size_t j = 0; j < s->syscalls[i].n_names; j++) {
      const char *name = s->syscalls[i].names[j];
      int nr = name ? seccomp_syscall_resolve_name_arch(arch, name) : __NR_SCMP_ERROR;
      if (nr >= 0 && nr > max)
        max = nr;
    }
  return max;
}

static int add_enosys_stub(const oci_seccomp *s, struct rt_seccomp_prog *out, rt_error *err) {
  uint32_t def;
  if (default_action(s, &def, err) < 0)
    return -1;
  if (!stub_wanted(def))
    return 0;
  uint32_t archs[MAX_STUB_ARCHS];
  int maxes[MAX_STUB_ARCHS];
  size_t n = 0;
  archs[n] = seccomp_arch_native();
  maxes[n] = profile_max_nr(s, archs[n]);
  n++;
  for (size_t i = 0; i < s->n_architectures && n < MAX_STUB_ARCHS; i++) {
    const struct rt_seccomp_name *a = rt_seccomp_lookup(rt_seccomp_arch_table, s->architectures[i]);
    uint32_t v = a ? (uint32_t)a->value : 0;
    bool seen = false;
    for (size_t k = 0; k < n; k++)
      seen |= archs[k] == v;
    if (!v || seen)
      continue;
    archs[n] = v;
    maxes[n] = profile_max_nr(s, v);
    n++;
  }
  struct sock_filter stub[2 + 4 * MAX_STUB_ARCHS + 2];
  size_t k = 0;
  stub[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
  /* Jumps to "main" and "enosys" are patched once their places are known:
   * jt/jf hold 0xff (main) or 0xfe (enosys) meanwhile. */
  for (size_t i = 0; i < n; i++) {
    if (maxes[i] < 0)
      continue;
    bool x86_64 = archs[i] == SCMP_ARCH_X86_64;
    uint8_t body = x86_64 ? 3 : 2;
    stub[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, archs[i], 0, body);
    stub[k++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
    if (x86_64)
      stub[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_SYSCALL_BIT, 0xff, 0);
    stub[k++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, (uint32_t)maxes[i], 0xfe, 0xff);
  }
  if (k == 1)
    return 0; /* the profile names no syscall: every one gets the default */
  size_t ja = k++;
  size_t enosys = k++;
  size_t main_at = k;
  stub[ja] = (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA | BPF_K, (uint32_t)(main_at - ja - 1));
  stub[enosys] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA));
  for (size_t i = 1; i < ja; i++) {
    if (BPF_CLASS(stub[i].code) != BPF_JMP)
      continue;
    uint8_t *t[2] = {&stub[i].jt, &stub[i].jf};
    for (int b = 0; b < 2; b++)
      if (*t[b] == 0xff)
        *t[b] = (uint8_t)(main_at - i - 1);
      else if (*t[b] == 0xfe)
        *t[b] = (uint8_t)(enosys - i - 1);
  }
  if (out->len + k > BPF_MAXINSNS)
    return 0; /* no room: the profile works as written */
  struct sock_filter *prog = malloc((out->len + k) * sizeof *prog);
  if (!prog)
    return rt_error_set(err, ENOMEM, "seccomp");
  memcpy(prog, stub, k * sizeof *prog);
  memcpy(prog + k, out->insns, out->len * sizeof *prog);
  free(out->insns);
  out->insns = prog;
  out->len += k;
  return 0;
}

static int compile_fresh(const oci_seccomp *s, struct rt_seccomp_prog *out, rt_error *err) {
  void *ctx = NULL;
  if (rt_seccomp_build(s, &ctx, err) < 0)
    return -1;
  int r = rt_seccomp_export(ctx, &out->insns, &out->len, err);
  seccomp_release(ctx);
  if (r == 0)
    r = add_enosys_stub(s, out, err);
  return r;
}

int rt_seccomp_compile(const oci_seccomp *s, const char *cache_dir, struct rt_seccomp_prog *out,
                       rt_error *err) {
  memset(out, 0, sizeof *out);
  if (rt_seccomp_lib_load(err) < 0 || rt_seccomp_validate(s, err) < 0)
    return -1;
  out->notify = rt_seccomp_uses_notify(s);
  out->flags = load_flags(s, out->notify);
  _cleanup_close_ int dirfd = cache_dir ? rt_seccomp_cache_open(cache_dir) : -1;
  _cleanup_free_ char *key = dirfd >= 0 ? rt_seccomp_cache_key(s) : NULL;
  if (key && rt_seccomp_cache_get(dirfd, key, out) == 1) {
    out->from_cache = true;
    return 0;
  }
  if (compile_fresh(s, out, err) < 0)
    return -1;
  if (key)
    rt_seccomp_cache_put(dirfd, key, out);
  return 0;
}

int rt_seccomp_load(const oci_seccomp *s, int *notify_fd, rt_error *err) {
  struct rt_seccomp_prog p;
  if (rt_seccomp_compile(s, NULL, &p, err) < 0)
    return -1;
  int r = rt_seccomp_load_prog(&p, notify_fd, err);
  rt_seccomp_prog_free(&p);
  return r;
}

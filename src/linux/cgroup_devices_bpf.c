/* rt: linux.resources.devices on cgroup v2: a BPF_PROG_TYPE_CGROUP_DEVICE
 * program built from the rules and attached with BPF_CGROUP_DEVICE, through
 * the bpf() system call (no libbpf).
 *
 * The program checks the rules from the last to the first and the first
 * that matches decides, which is "later rules win"; when none matches, the
 * access is denied. An allow rule matches when every requested access is in
 * its access string; a deny rule when any of them is. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "linux/cgroup.h"
#include "linux/cgroup_internal.h"
#include "util/cleanup.h"
#include "util/log.h"

/* Registers: r1 ctx, then r2 type, r3 access, r4 major, r5 minor; r1 scratch. */
enum { R0 = 0, R1, R2, R3, R4, R5 };

struct prog {
  struct bpf_insn *insns;
  size_t n, cap;
  bool oom;
};

static size_t emit(struct prog *p, uint8_t code, uint8_t dst, uint8_t src, int16_t off,
                   int32_t imm) {
  if (p->n == p->cap) {
    size_t nc = p->cap ? p->cap * 2 : 64;
    struct bpf_insn *ni = realloc(p->insns, nc * sizeof *ni);
    if (!ni) {
      p->oom = true;
      return p->n;
    }
    p->insns = ni;
    p->cap = nc;
  }
  p->insns[p->n] = (struct bpf_insn){.code = code, .dst_reg = dst, .src_reg = src, .off = off,
                                     .imm = imm};
  return p->n++;
}

static void emit_exit(struct prog *p, int32_t ret) {
  emit(p, BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, ret);
  emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

/* "rwm" -> BPF_DEVCG_ACC_* bits; -1 on a stray letter. */
static int parse_access(const char *s) {
  if (!s || !*s)
    return BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD;
  int a = 0;
  for (; *s; s++) {
    switch (*s) {
    case 'r': a |= BPF_DEVCG_ACC_READ; break;
    case 'w': a |= BPF_DEVCG_ACC_WRITE; break;
    case 'm': a |= BPF_DEVCG_ACC_MKNOD; break;
    default: return -1;
    }
  }
  return a;
}

/* 'a' -> 0 (any), 'c', 'b'; -1 when unknown. */
static int parse_type(const char *s) {
  if (!s || !*s || strcmp(s, "a") == 0)
    return 0;
  if (strcmp(s, "c") == 0)
    return BPF_DEVCG_DEV_CHAR;
  if (strcmp(s, "b") == 0)
    return BPF_DEVCG_DEV_BLOCK;
  return -1;
}

#define ALL_ACCESS (BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD)

/* One rule: jumps to the end of its block when it does not match, else
 * returns its verdict. Returns whether it matches every access (a catch-all:
 * the rules before it can never be reached). */
static bool emit_rule(struct prog *p, const oci_device_cgroup *d, int type, int access) {
  size_t jumps[4], nj = 0;
  if (type)
    jumps[nj++] = emit(p, BPF_JMP | BPF_JNE | BPF_K, R2, 0, 0, type);
  if (access != ALL_ACCESS) {
    emit(p, BPF_ALU64 | BPF_MOV | BPF_X, R1, R3, 0, 0);
    if (d->allow) {
      emit(p, BPF_ALU64 | BPF_AND | BPF_K, R1, 0, 0, ~access & ALL_ACCESS);
      jumps[nj++] = emit(p, BPF_JMP | BPF_JNE | BPF_K, R1, 0, 0, 0);
    } else {
      emit(p, BPF_ALU64 | BPF_AND | BPF_K, R1, 0, 0, access);
      jumps[nj++] = emit(p, BPF_JMP | BPF_JEQ | BPF_K, R1, 0, 0, 0);
    }
  }
  bool any_major = !d->has_major || d->major < 0, any_minor = !d->has_minor || d->minor < 0;
  if (!any_major)
    jumps[nj++] = emit(p, BPF_JMP | BPF_JNE | BPF_K, R4, 0, 0, (int32_t)d->major);
  if (!any_minor)
    jumps[nj++] = emit(p, BPF_JMP | BPF_JNE | BPF_K, R5, 0, 0, (int32_t)d->minor);
  emit_exit(p, d->allow ? 1 : 0);
  for (size_t i = 0; i < nj && !p->oom; i++)
    p->insns[jumps[i]].off = (int16_t)(p->n - jumps[i] - 1);
  return nj == 0;
}

int cgroup_devices_bpf_build(const oci_device_cgroup *rules, size_t n, void **insns, size_t *n_insns,
                         rt_error *err) {
  struct prog p = {0};
  /* r2 = type (low 16 bits of access_type), r3 = access (high 16), r4 major, r5 minor. */
  emit(&p, BPF_LDX | BPF_MEM | BPF_W, R2, R1, offsetof(struct bpf_cgroup_dev_ctx, access_type), 0);
  emit(&p, BPF_ALU64 | BPF_MOV | BPF_X, R3, R2, 0, 0);
  emit(&p, BPF_ALU64 | BPF_RSH | BPF_K, R3, 0, 0, 16);
  emit(&p, BPF_ALU64 | BPF_AND | BPF_K, R2, 0, 0, 0xffff);
  emit(&p, BPF_LDX | BPF_MEM | BPF_W, R4, R1, offsetof(struct bpf_cgroup_dev_ctx, major), 0);
  emit(&p, BPF_LDX | BPF_MEM | BPF_W, R5, R1, offsetof(struct bpf_cgroup_dev_ctx, minor), 0);
  bool catch_all = false;
  for (size_t i = n; i-- > 0 && !catch_all;) {
    int type = parse_type(rules[i].type), access = parse_access(rules[i].access);
    if (type < 0 || access < 0) {
      free(p.insns);
      return rt_error_set(err, 0, "devices[%zu]: invalid %s \"%s\"", i,
                          type < 0 ? "type" : "access",
                          type < 0 ? rules[i].type : rules[i].access);
    }
    catch_all = emit_rule(&p, &rules[i], type, access);
  }
  if (!catch_all)
    emit_exit(&p, 0); /* default: deny */
  if (p.oom) {
    free(p.insns);
    return rt_error_set(err, ENOMEM, "build the eBPF device program");
  }
  *insns = p.insns;
  *n_insns = p.n;
  return 0;
}

static int sys_bpf(int cmd, union bpf_attr *attr) {
  return (int)syscall(SYS_bpf, cmd, attr, sizeof *attr);
}

static int load(const struct bpf_insn *insns, size_t n, char *log, size_t log_len) {
  union bpf_attr a;
  memset(&a, 0, sizeof a);
  a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  a.insns = (uint64_t)(uintptr_t)insns;
  a.insn_cnt = (uint32_t)n;
  a.license = (uint64_t)(uintptr_t) "GPL";
  int fd = sys_bpf(BPF_PROG_LOAD, &a);
  if (fd >= 0 || !log)
    return fd;
  /* Once more with the verifier's log, to say why. */
  int e = errno;
  a.log_buf = (uint64_t)(uintptr_t)log;
  a.log_size = (uint32_t)log_len;
  a.log_level = 1;
  log[0] = '\0';
  fd = sys_bpf(BPF_PROG_LOAD, &a);
  if (fd >= 0)
    return fd;
  errno = e;
  return -1;
}

/* The ids of the device programs attached to the cgroup now. */
static int query(int cgfd, uint32_t *ids, uint32_t *n) {
  union bpf_attr a;
  memset(&a, 0, sizeof a);
  a.query.target_fd = (uint32_t)cgfd;
  a.query.attach_type = BPF_CGROUP_DEVICE;
  a.query.prog_ids = (uint64_t)(uintptr_t)ids;
  a.query.prog_cnt = *n;
  if (sys_bpf(BPF_PROG_QUERY, &a) < 0)
    return -1;
  *n = a.query.prog_cnt;
  return 0;
}

static int attach(int cgfd, int prog, uint32_t flags) {
  union bpf_attr a;
  memset(&a, 0, sizeof a);
  a.target_fd = (uint32_t)cgfd;
  a.attach_bpf_fd = (uint32_t)prog;
  a.attach_type = BPF_CGROUP_DEVICE;
  a.attach_flags = flags;
  return sys_bpf(BPF_PROG_ATTACH, &a);
}

static void detach_id(int cgfd, uint32_t id) {
  union bpf_attr a;
  memset(&a, 0, sizeof a);
  a.prog_id = id;
  _cleanup_close_ int fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &a);
  if (fd < 0)
    return;
  memset(&a, 0, sizeof a);
  a.target_fd = (uint32_t)cgfd;
  a.attach_bpf_fd = (uint32_t)fd;
  a.attach_type = BPF_CGROUP_DEVICE;
  if (sys_bpf(BPF_PROG_DETACH, &a) < 0)
    log_debug("cgroup: detach device program %u: %s", id, strerror(errno));
}

int cgroup_devices_bpf_apply(const struct cgroup_ctx *x, const char *dir, const oci_device_cgroup *rules,
                         size_t n) {
  _cleanup_free_ struct bpf_insn *insns = NULL;
  size_t ni = 0;
  rt_error e;
  if (cgroup_devices_bpf_build(rules, n, (void **)&insns, &ni, &e) < 0)
    return rt_error_set(x->err, e.errnum, "%s.linux.resources.%s", x->src, e.msg);
  static char log[65536];
  _cleanup_close_ int prog = load(insns, ni, log, sizeof log);
  if (prog < 0)
    return cgroup_fail(x, errno, "devices", "load the eBPF device program (%zu instructions)%s%.200s",
                   ni, log[0] ? ", verifier: " : "", log);
  _cleanup_close_ int cgfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cgfd < 0)
    return cgroup_fail(x, errno, "devices", "open %s", dir);
  uint32_t old[64], nold = ARRAY_SIZE(old);
  if (query(cgfd, old, &nold) < 0)
    nold = 0;
  /* Attach the new program before the old ones go: never a moment without. */
  if (attach(cgfd, prog, BPF_F_ALLOW_MULTI) < 0) {
    int e = errno;
    /* Someone attached without BPF_F_ALLOW_MULTI: replace theirs. */
    if (nold == 0 || attach(cgfd, prog, 0) < 0)
      return cgroup_fail(x, e, "devices", "attach the eBPF device program to %s", dir);
    return 0;
  }
  for (uint32_t i = 0; i < nold; i++)
    detach_id(cgfd, old[i]);
  return 0;
}

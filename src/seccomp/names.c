/* The names of linux.seccomp: actions, operators, architectures, flags. */
#include "config.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "seccomp/seccomp.h"
#include "seccomp/seccomp_internal.h"

const char *const rt_seccomp_actions[] = {
    "SCMP_ACT_ALLOW",       "SCMP_ACT_ERRNO",
    "SCMP_ACT_KILL",        "SCMP_ACT_KILL_PROCESS",
    "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG",
    "SCMP_ACT_NOTIFY",      "SCMP_ACT_TRACE",
    "SCMP_ACT_TRAP",        NULL,
};

const struct rt_seccomp_name rt_seccomp_op_table[] = {
    {"SCMP_CMP_NE", SCMP_CMP_NE},
    {"SCMP_CMP_LT", SCMP_CMP_LT},
    {"SCMP_CMP_LE", SCMP_CMP_LE},
    {"SCMP_CMP_EQ", SCMP_CMP_EQ},
    {"SCMP_CMP_GE", SCMP_CMP_GE},
    {"SCMP_CMP_GT", SCMP_CMP_GT},
    {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ},
    {NULL, 0},
};

const char *const rt_seccomp_operators[] = {
    "SCMP_CMP_EQ", "SCMP_CMP_GE",        "SCMP_CMP_GT", "SCMP_CMP_LE",
    "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE", NULL,
};

/* Architectures this libseccomp knows; the ones newer than the installed
 * headers (loongarch64, m68k, sh) are recognised by name and refused with a
 * message saying so. */
const struct rt_seccomp_name rt_seccomp_arch_table[] = {
    {"SCMP_ARCH_X86", SCMP_ARCH_X86},
    {"SCMP_ARCH_X86_64", SCMP_ARCH_X86_64},
    {"SCMP_ARCH_X32", SCMP_ARCH_X32},
    {"SCMP_ARCH_ARM", SCMP_ARCH_ARM},
    {"SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64},
    {"SCMP_ARCH_MIPS", SCMP_ARCH_MIPS},
    {"SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64},
    {"SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32},
    {"SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL},
    {"SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64},
    {"SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32},
    {"SCMP_ARCH_PPC", SCMP_ARCH_PPC},
    {"SCMP_ARCH_PPC64", SCMP_ARCH_PPC64},
    {"SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE},
    {"SCMP_ARCH_S390", SCMP_ARCH_S390},
    {"SCMP_ARCH_S390X", SCMP_ARCH_S390X},
    {"SCMP_ARCH_PARISC", SCMP_ARCH_PARISC},
    {"SCMP_ARCH_PARISC64", SCMP_ARCH_PARISC64},
    {"SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64},
#ifdef SCMP_ARCH_LOONGARCH64
    {"SCMP_ARCH_LOONGARCH64", SCMP_ARCH_LOONGARCH64},
#else
    {"SCMP_ARCH_LOONGARCH64", 0},
#endif
#ifdef SCMP_ARCH_M68K
    {"SCMP_ARCH_M68K", SCMP_ARCH_M68K},
#else
    {"SCMP_ARCH_M68K", 0},
#endif
#ifdef SCMP_ARCH_SH
    {"SCMP_ARCH_SH", SCMP_ARCH_SH},
    {"SCMP_ARCH_SHEB", SCMP_ARCH_SHEB},
#else
    {"SCMP_ARCH_SH", 0},
    {"SCMP_ARCH_SHEB", 0},
#endif
    {NULL, 0},
};

const char *const rt_seccomp_archs[] = {
    "SCMP_ARCH_AARCH64",
    "SCMP_ARCH_ARM",
    "SCMP_ARCH_MIPS",
    "SCMP_ARCH_MIPS64",
    "SCMP_ARCH_MIPS64N32",
    "SCMP_ARCH_MIPSEL",
    "SCMP_ARCH_MIPSEL64",
    "SCMP_ARCH_MIPSEL64N32",
    "SCMP_ARCH_PARISC",
    "SCMP_ARCH_PARISC64",
    "SCMP_ARCH_PPC",
    "SCMP_ARCH_PPC64",
    "SCMP_ARCH_PPC64LE",
    "SCMP_ARCH_RISCV64",
    "SCMP_ARCH_S390",
    "SCMP_ARCH_S390X",
    "SCMP_ARCH_X32",
    "SCMP_ARCH_X86",
    "SCMP_ARCH_X86_64",
#ifdef SCMP_ARCH_LOONGARCH64
    "SCMP_ARCH_LOONGARCH64",
#endif
#ifdef SCMP_ARCH_M68K
    "SCMP_ARCH_M68K",
#endif
#ifdef SCMP_ARCH_SH
    "SCMP_ARCH_SH",
    "SCMP_ARCH_SHEB",
#endif
    NULL,
};

const struct rt_seccomp_name rt_seccomp_flag_table[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", RT_SECCOMP_FLAG_WAIT_KILLABLE_RECV},
    {NULL, 0},
};

const char *const rt_seccomp_known_flags[] = {
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
    NULL,
};

const struct rt_seccomp_name *rt_seccomp_lookup(const struct rt_seccomp_name *table,
                                                const char *name) {
  if (!name)
    return NULL;
  for (; table->name; table++)
    if (strcmp(table->name, name) == 0)
      return table;
  return NULL;
}

/* A flag is supported when seccomp(2) accepts it: with a NULL program the
 * kernel checks the flags first (EINVAL when unknown) and then faults on the
 * program (EFAULT). WAIT_KILLABLE_RECV is only valid with NEW_LISTENER. */
static bool kernel_has_flag(unsigned long flag) {
  if (flag == RT_SECCOMP_FLAG_WAIT_KILLABLE_RECV)
    flag |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
  long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flag, NULL);
  return r < 0 && errno == EFAULT;
}

size_t rt_seccomp_supported_flags(const char **out, size_t max) {
  size_t n = 0;
  for (const struct rt_seccomp_name *f = rt_seccomp_flag_table; f->name && n < max; f++)
    if (kernel_has_flag(f->value))
      out[n++] = f->name;
  return n;
}

int rt_seccomp_action(const char *name, bool has_errno_ret, uint32_t errno_ret, uint32_t *out,
                      const char *field, rt_error *err) {
  if (!name)
    return rt_error_set(err, 0, "%s: missing", field);
  bool takes_errno = false;
  uint32_t v;
  if (strcmp(name, "SCMP_ACT_ERRNO") == 0) {
    takes_errno = true;
    v = SCMP_ACT_ERRNO(has_errno_ret ? errno_ret : EPERM);
  } else if (strcmp(name, "SCMP_ACT_TRACE") == 0) {
    /* errnoRet is the message the tracer reads with PTRACE_GETEVENTMSG. */
    takes_errno = true;
    v = SCMP_ACT_TRACE(has_errno_ret ? errno_ret : EPERM);
  } else if (strcmp(name, "SCMP_ACT_KILL") == 0 || strcmp(name, "SCMP_ACT_KILL_THREAD") == 0) {
    v = SCMP_ACT_KILL_THREAD;
  } else if (strcmp(name, "SCMP_ACT_KILL_PROCESS") == 0) {
    v = SCMP_ACT_KILL_PROCESS;
  } else if (strcmp(name, "SCMP_ACT_TRAP") == 0) {
    v = SCMP_ACT_TRAP;
  } else if (strcmp(name, "SCMP_ACT_ALLOW") == 0) {
    v = SCMP_ACT_ALLOW;
  } else if (strcmp(name, "SCMP_ACT_LOG") == 0) {
    v = SCMP_ACT_LOG;
  } else if (strcmp(name, "SCMP_ACT_NOTIFY") == 0) {
    v = SCMP_ACT_NOTIFY;
  } else {
    return rt_error_set(err, 0, "%s: unknown action \"%s\"", field, name);
  }
  if (has_errno_ret && !takes_errno)
    return rt_error_set(err, 0,
                        "%s: %s does not take an errno (errnoRet is only for SCMP_ACT_ERRNO and "
                        "SCMP_ACT_TRACE)",
                        field, name);
  if (has_errno_ret && errno_ret > 0xffff)
    return rt_error_set(err, 0, "%s: errnoRet %u is out of range (at most 65535)", field,
                        errno_ret);
  *out = v;
  return 0;
}

bool rt_seccomp_uses_notify(const oci_seccomp *s) {
  if (!s)
    return false;
  if (s->default_action && strcmp(s->default_action, "SCMP_ACT_NOTIFY") == 0)
    return true;
  for (size_t i = 0; i < s->n_syscalls; i++)
    if (s->syscalls[i].action && strcmp(s->syscalls[i].action, "SCMP_ACT_NOTIFY") == 0)
      return true;
  return false;
}

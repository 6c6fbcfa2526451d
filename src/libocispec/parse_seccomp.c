/* config-linux.md "Seccomp": linux.seccomp. Names are those of libseccomp's
 * seccomp.h; turning them into a filter is seccomp/'s job. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "libocispec/json_read.h"
#include "libocispec/parse_internal.h"

static const char *const actions[] = {"SCMP_ACT_KILL",        "SCMP_ACT_KILL_PROCESS",
                                      "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
                                      "SCMP_ACT_ERRNO",       "SCMP_ACT_TRACE",
                                      "SCMP_ACT_ALLOW",       "SCMP_ACT_LOG",
                                      "SCMP_ACT_NOTIFY",      NULL};
static const char *const operators[] = {"SCMP_CMP_NE",        "SCMP_CMP_LT", "SCMP_CMP_LE",
                                        "SCMP_CMP_EQ",        "SCMP_CMP_GE", "SCMP_CMP_GT",
                                        "SCMP_CMP_MASKED_EQ", NULL};
static const char *const filter_flags[] = {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                                           "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                                           "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL};
static const char *const architectures[] = {
    "SCMP_ARCH_X86",         "SCMP_ARCH_X86_64",      "SCMP_ARCH_X32",     "SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64",     "SCMP_ARCH_LOONGARCH64", "SCMP_ARCH_M68K",    "SCMP_ARCH_MIPS",
    "SCMP_ARCH_MIPS64",      "SCMP_ARCH_MIPS64N32",   "SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64",
    "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",         "SCMP_ARCH_PPC64",   "SCMP_ARCH_PPC64LE",
    "SCMP_ARCH_S390",        "SCMP_ARCH_S390X",       "SCMP_ARCH_SH",      "SCMP_ARCH_SHEB",
    "SCMP_ARCH_PARISC",      "SCMP_ARCH_PARISC64",    "SCMP_ARCH_RISCV64", NULL};

static int parse_arg(jr *r, yajl_val v, void *item, void *ctx) {
  oci_seccomp_arg *a = item;
  (void)ctx;
  if (jr_u32(r, v, "index", JR_REQUIRED, &a->index, NULL) < 0 ||
      jr_u64(r, v, "value", JR_REQUIRED, &a->value, NULL) < 0 ||
      jr_u64(r, v, "valueTwo", JR_OPTIONAL, &a->value_two, NULL) < 0 ||
      jr_string(r, v, "op", JR_REQUIRED, &a->op) < 0 ||
      jr_check_enum(r, "op", a->op, operators, "operator") < 0)
    return -1;
  return 0;
}

/* names is REQUIRED with at least one entry. */
static int parse_names(jr *r, yajl_val v, oci_seccomp_syscall *sc) {
  bool has = false;
  if (jr_strings(r, v, "names", &sc->names, &sc->n_names, &has) < 0)
    return -1;
  if (!has)
    return jr_fail_at(r, "names", "missing required field");
  if (sc->n_names == 0)
    return jr_fail_at(r, "names", "must have at least one entry");
  return 0;
}

static int parse_syscall(jr *r, yajl_val v, void *item, void *ctx) {
  oci_seccomp_syscall *sc = item;
  (void)ctx;
  if (parse_names(r, v, sc) < 0 || jr_string(r, v, "action", JR_REQUIRED, &sc->action) < 0 ||
      jr_check_enum(r, "action", sc->action, actions, "action") < 0 ||
      jr_u32(r, v, "errnoRet", JR_OPTIONAL, &sc->errno_ret, &sc->has_errno_ret) < 0 ||
      JR_OBJECT_ARRAY(r, v, "args", parse_arg, NULL, sc->args, sc->n_args) < 0)
    return -1;
  return 0;
}

int parse_seccomp_object(jr *r, yajl_val v, void *seccomp, void *ctx) {
  oci_seccomp *s = seccomp;
  (void)ctx;
  if (jr_string(r, v, "defaultAction", JR_REQUIRED, &s->default_action) < 0 ||
      jr_check_enum(r, "defaultAction", s->default_action, actions, "action") < 0 ||
      jr_u32(r, v, "defaultErrnoRet", JR_OPTIONAL, &s->default_errno_ret,
             &s->has_default_errno_ret) < 0 ||
      jr_strings(r, v, "architectures", &s->architectures, &s->n_architectures, NULL) < 0 ||
      jr_check_enum_list(r, "architectures", s->architectures, s->n_architectures, architectures,
                         "architecture") < 0 ||
      jr_strings(r, v, "flags", &s->flags, &s->n_flags, NULL) < 0 ||
      jr_check_enum_list(r, "flags", s->flags, s->n_flags, filter_flags, "seccomp flag") < 0 ||
      jr_string(r, v, "listenerPath", JR_OPTIONAL, &s->listener_path) < 0 ||
      jr_string(r, v, "listenerMetadata", JR_OPTIONAL, &s->listener_metadata) < 0 ||
      JR_OBJECT_ARRAY(r, v, "syscalls", parse_syscall, NULL, s->syscalls, s->n_syscalls) < 0)
    return -1;
  /* config-linux.md: listenerMetadata MUST NOT be set without listenerPath. */
  if (s->listener_metadata && !s->listener_path)
    return jr_fail_at(r, "listenerMetadata", "given without listenerPath");
  return 0;
}

void seccomp_free(oci_seccomp *s) {
  if (!s)
    return;
  free(s->default_action);
  jr_strv_free(s->architectures, s->n_architectures);
  jr_strv_free(s->flags, s->n_flags);
  free(s->listener_path);
  free(s->listener_metadata);
  for (size_t i = 0; i < s->n_syscalls; i++) {
    oci_seccomp_syscall *sc = &s->syscalls[i];
    jr_strv_free(sc->names, sc->n_names);
    free(sc->action);
    for (size_t k = 0; k < sc->n_args; k++)
      free(sc->args[k].op);
    free(sc->args);
  }
  free(s->syscalls);
  free(s);
}

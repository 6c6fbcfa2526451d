/* libseccomp, loaded with dlopen the first time a config has linux.seccomp
 * (util/dl.h): most containers run without a filter, and linked it costs
 * every command (state, list, start, delete ...) its mapping, relocation
 * and resident pages. The files of src/seccomp and features.c call the
 * library's functions by their own names; in the default build these
 * definitions are those names, each loading the library on first use and
 * calling through. rt_seccomp_compile loads it up front (in rt, before the
 * clone: the container's process inherits the mapping) so that a missing
 * library is an error naming it. --enable-static links libseccomp in and
 * none of this is built. */
#include "config.h"

#include <errno.h>
#include <seccomp.h>

#include "seccomp/seccomp_internal.h"
#include "util/dl.h"
#include "util/error.h"

#ifdef RT_STATIC

int rt_seccomp_lib_load(rt_error *err) {
  (void)err;
  return 0;
}

#else

static struct {
  __typeof__(seccomp_version) *seccomp_version;
  __typeof__(seccomp_api_get) *seccomp_api_get;
  __typeof__(seccomp_init) *seccomp_init;
  __typeof__(seccomp_release) *seccomp_release;
  __typeof__(seccomp_attr_set) *seccomp_attr_set;
  __typeof__(seccomp_arch_native) *seccomp_arch_native;
  __typeof__(seccomp_arch_add) *seccomp_arch_add;
  __typeof__(seccomp_syscall_resolve_name) *seccomp_syscall_resolve_name;
  __typeof__(seccomp_syscall_resolve_name_arch) *seccomp_syscall_resolve_name_arch;
  __typeof__(seccomp_rule_add_array) *seccomp_rule_add_array;
  __typeof__(seccomp_export_bpf) *seccomp_export_bpf;
} sc;

static const struct rt_dl_sym sc_syms[] = {
    RT_DL_SYM(sc, seccomp_version),
    RT_DL_SYM(sc, seccomp_api_get),
    RT_DL_SYM(sc, seccomp_init),
    RT_DL_SYM(sc, seccomp_release),
    RT_DL_SYM(sc, seccomp_attr_set),
    RT_DL_SYM(sc, seccomp_arch_native),
    RT_DL_SYM(sc, seccomp_arch_add),
    RT_DL_SYM(sc, seccomp_syscall_resolve_name),
    RT_DL_SYM(sc, seccomp_syscall_resolve_name_arch),
    RT_DL_SYM(sc, seccomp_rule_add_array),
    RT_DL_SYM(sc, seccomp_export_bpf),
};

static struct rt_dl_lib sc_lib = {"libseccomp.so.2", sc_syms, sizeof sc_syms / sizeof sc_syms[0],
                                  0, ""};

int rt_seccomp_lib_load(rt_error *err) {
  if (rt_dl_load(&sc_lib, err) < 0)
    return rt_error_prefix(err, "config.json: .linux.seccomp needs libseccomp");
  return 0;
}

/* 0 when loaded; else -1 with errno ENOSYS (each function then fails the
 * way libseccomp reports a failure of its own). */
static int need(void) {
  rt_error e;
  if (rt_dl_load(&sc_lib, &e) == 0)
    return 0;
  errno = ENOSYS;
  return -1;
}

const struct scmp_version *seccomp_version(void) {
  return need() < 0 ? NULL : sc.seccomp_version();
}

unsigned int seccomp_api_get(void) { return need() < 0 ? 0 : sc.seccomp_api_get(); }

scmp_filter_ctx seccomp_init(uint32_t def_action) {
  return need() < 0 ? NULL : sc.seccomp_init(def_action);
}

void seccomp_release(scmp_filter_ctx ctx) {
  if (need() == 0)
    sc.seccomp_release(ctx);
}

int seccomp_attr_set(scmp_filter_ctx ctx, enum scmp_filter_attr attr, uint32_t value) {
  return need() < 0 ? -ENOSYS : sc.seccomp_attr_set(ctx, attr, value);
}

uint32_t seccomp_arch_native(void) { return need() < 0 ? 0 : sc.seccomp_arch_native(); }

int seccomp_arch_add(scmp_filter_ctx ctx, uint32_t arch_token) {
  return need() < 0 ? -ENOSYS : sc.seccomp_arch_add(ctx, arch_token);
}

int seccomp_syscall_resolve_name(const char *name) {
  return need() < 0 ? __NR_SCMP_ERROR : sc.seccomp_syscall_resolve_name(name);
}

int seccomp_syscall_resolve_name_arch(uint32_t arch_token, const char *name) {
  return need() < 0 ? __NR_SCMP_ERROR : sc.seccomp_syscall_resolve_name_arch(arch_token, name);
}

int seccomp_rule_add_array(scmp_filter_ctx ctx, uint32_t action, int syscall,
                           unsigned int arg_cnt, const struct scmp_arg_cmp *arg_array) {
  return need() < 0 ? -ENOSYS : sc.seccomp_rule_add_array(ctx, action, syscall, arg_cnt, arg_array);
}

int seccomp_export_bpf(const scmp_filter_ctx ctx, int fd) {
  return need() < 0 ? -ENOSYS : sc.seccomp_export_bpf(ctx, fd);
}

#endif

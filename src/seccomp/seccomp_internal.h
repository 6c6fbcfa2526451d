/* Shared between the files of src/seccomp. */
#pragma once
#include <stdint.h>

#include "util/error.h"

#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
/* Linux 5.19; the name is older than some installed headers. */
#define RT_SECCOMP_FLAG_WAIT_KILLABLE_RECV (1UL << 5)

struct rt_seccomp_name {
  const char *name;
  unsigned long value;
};

extern const struct rt_seccomp_name rt_seccomp_op_table[];
extern const struct rt_seccomp_name rt_seccomp_arch_table[];
extern const struct rt_seccomp_name rt_seccomp_flag_table[];

const struct rt_seccomp_name *rt_seccomp_lookup(const struct rt_seccomp_name *table,
                                                const char *name);

/* libseccomp loaded (libseccomp.c: dlopen'ed on first use in the default
 * build); 0, or -1 with err naming the library and why. */
int rt_seccomp_lib_load(rt_error *err);

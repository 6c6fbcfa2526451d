/* Optional libraries (libselinux, libapparmor, libsystemd) loaded with
 * dlopen the first time a config needs them, not at every start: linked
 * normally they cost each rt command about 1.5 MB of resident memory and
 * the loader's time for seven more shared objects (libsystemd alone pulls
 * in libgcrypt, liblzma, libzstd and liblz4), for features most containers
 * never ask for.
 *
 * Load them while the host's filesystem is still visible (in rt, before
 * the container's process leaves rt's mount namespace): the container's
 * process inherits the mappings. */
#pragma once
#include <stddef.h>

#include "util/error.h"

struct rt_dl_sym {
  const char *name;
  void **slot;
  void *linked; /* --enable-static: the function itself, linked in */
};

/* The RT_DL_SYM(table, fn) entry for a slot named like the function. A
 * static rt (--enable-static, RT_STATIC) cannot dlopen: the libraries are
 * linked in and the table takes the functions' addresses instead. */
#ifdef RT_STATIC
#define RT_DL_SYM(table, fn) {#fn, (void **)&(table).fn, (void *)fn}
#else
#define RT_DL_SYM(table, fn) {#fn, (void **)&(table).fn, NULL}
#endif

struct rt_dl_lib {
  const char *soname;         /* "libselinux.so.1" */
  const struct rt_dl_sym *syms;
  size_t nsyms;
  int state;                  /* 0 not tried, 1 loaded, -1 failed */
  char why[256];              /* dlerror() of the failure */
};

/* Load lib and fill every slot of its table once; later calls return the
 * first outcome. 0 on success; on failure -1 and err says which library or
 * symbol is missing. */
int rt_dl_load(struct rt_dl_lib *lib, rt_error *err);

#include "config.h"
#include "util/dl.h"

#include <stdio.h>

#ifdef RT_STATIC

/* --enable-static: the libraries are linked in; the table takes them. */
int rt_dl_load(struct rt_dl_lib *lib, rt_error *err) {
  (void)err;
  if (lib->state == 0) {
    for (size_t i = 0; i < lib->nsyms; i++)
      *lib->syms[i].slot = lib->syms[i].linked;
    lib->state = 1;
  }
  return 0;
}

#else

#include <dlfcn.h>

int rt_dl_load(struct rt_dl_lib *lib, rt_error *err) {
  if (lib->state == 0) {
    /* RTLD_NOW: a missing symbol is found here, not in the container's
     * process after pivot_root, where the library's file is out of reach. */
    void *h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
      const char *e = dlerror();
      snprintf(lib->why, sizeof lib->why, "%s", e ? e : "cannot be loaded");
      lib->state = -1;
    }
    for (size_t i = 0; h && i < lib->nsyms; i++) {
      dlerror();
      void *p = dlsym(h, lib->syms[i].name);
      if (!p) {
        snprintf(lib->why, sizeof lib->why, "%s has no symbol %s", lib->soname,
                 lib->syms[i].name);
        lib->state = -1;
        dlclose(h);
        h = NULL;
        break;
      }
      *lib->syms[i].slot = p;
    }
    if (h)
      lib->state = 1;
  }
  if (lib->state < 0) {
    for (size_t i = 0; i < lib->nsyms; i++)
      *lib->syms[i].slot = NULL;
    return rt_error_set(err, 0, "%s", lib->why);
  }
  return 0;
}

#endif

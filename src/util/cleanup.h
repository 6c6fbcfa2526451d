/* Automatic cleanup helpers (systemd style). */
#pragma once
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void rt_freep(void *p) {
  free(*(void **)p);
}
static inline void rt_closep(int *fd) {
  if (*fd >= 0) {
    int saved = errno;
    close(*fd);
    errno = saved;
  }
}
static inline void rt_fclosep(FILE **f) {
  if (*f)
    fclose(*f);
}
static inline void rt_closedirp(DIR **d) {
  if (*d)
    closedir(*d);
}
static inline void rt_strvfreep(char ***v) {
  if (*v) {
    for (char **p = *v; *p; p++)
      free(*p);
    free(*v);
  }
}

/* Close fd when >= 0, errno kept; returns -1 for `fd = rt_safe_close(fd);`. */
static inline int rt_safe_close(int fd) {
  rt_closep(&fd);
  return -1;
}

/* A pair of fds (socketpair, pipe): each closed when >= 0. */
static inline void rt_close_pairp(int (*fds)[2]) {
  rt_closep(&(*fds)[0]);
  rt_closep(&(*fds)[1]);
}

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(rt_freep)
#define _cleanup_close_ _cleanup_(rt_closep)
#define _cleanup_fclose_ _cleanup_(rt_fclosep)
#define _cleanup_closedir_ _cleanup_(rt_closedirp)
#define _cleanup_strv_ _cleanup_(rt_strvfreep)
#define _cleanup_close_pair_ _cleanup_(rt_close_pairp)

/* A typed cleanup for a pointer whose type has its own destructor:
 * RT_DEFINE_PTR_CLEANUP(oci_config, oci_config_free) defines
 * oci_config_freep(oci_config **), which calls oci_config_free when not NULL.
 * Defined next to the type (util knows no other module's types). */
#define RT_DEFINE_PTR_CLEANUP(type, func)         \
  static inline void func##p(type **p) {          \
    if (*p)                                       \
      func(*p);                                   \
  }
/* The same for a struct held by value whose destructor takes its address
 * and leaves it safe to destroy again: RT_DEFINE_STRUCT_CLEANUP(struct
 * cgroup_attach, cgroup_attach_close) defines cgroup_attach_closep. */
#define RT_DEFINE_STRUCT_CLEANUP(type, func) \
  static inline void func##p(type *p) {      \
    func(p);                                 \
  }

/* Take ownership out of a cleanup variable. */
#define TAKE_PTR(p)            \
  ({                           \
    __typeof__(p) _tmp_ = (p); \
    (p) = NULL;                \
    _tmp_;                     \
  })
#define TAKE_FD(fd)       \
  ({                      \
    int _tmpfd_ = (fd);   \
    (fd) = -1;            \
    _tmpfd_;              \
  })

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

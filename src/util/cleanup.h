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

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(rt_freep)
#define _cleanup_close_ _cleanup_(rt_closep)
#define _cleanup_fclose_ _cleanup_(rt_fclosep)
#define _cleanup_closedir_ _cleanup_(rt_closedirp)
#define _cleanup_strv_ _cleanup_(rt_strvfreep)

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

/* rt: the error type. Functions that can fail return int (>= 0 on success,
 * negative on failure) and fill one rt_error with errno and a message that
 * carries context, e.g. "mount /proc at rootfs/proc: Operation not permitted". */
#pragma once
#include <stdarg.h>

#define RT_ERROR_MSG_MAX 2048

typedef struct rt_error {
  int errnum;                  /* errno value, 0 when not an OS error */
  char msg[RT_ERROR_MSG_MAX];  /* full message, strerror appended when errnum != 0 */
} rt_error;

/* Set the error; returns -1 (or -errnum when errnum > 0) so callers can
 * `return rt_error_set(err, errno, "open %s", path);`. */
int rt_error_set(rt_error *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int rt_error_setv(rt_error *err, int errnum, const char *fmt, va_list ap);

/* Prefix an existing message: "context: old message" (the whole is cut to
 * RT_ERROR_MSG_MAX - 1 bytes: the old message is cut first). Done in place: the
 * arguments must not point into err->msg. Returns the same code. */
int rt_error_prefix(rt_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static inline void rt_error_clear(rt_error *err) {
  if (err) {
    err->errnum = 0;
    err->msg[0] = '\0';
  }
}

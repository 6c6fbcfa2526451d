#include "config.h"
#include "util/error.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int rt_error_setv(rt_error *err, int errnum, const char *fmt, va_list ap) {
  if (err) {
    int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    if (n < 0)
      n = 0;
    if (errnum > 0 && (size_t)n < sizeof err->msg)
      snprintf(err->msg + n, sizeof err->msg - n, ": %s", strerror(errnum));
    err->errnum = errnum;
  }
  return errnum > 0 ? -errnum : -1;
}

int rt_error_set(rt_error *err, int errnum, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int r = rt_error_setv(err, errnum, fmt, ap);
  va_end(ap);
  return r;
}

int rt_error_prefix(rt_error *err, const char *fmt, ...) {
  if (!err)
    return -1;
  char prefix[RT_ERROR_MSG_MAX];
  char old[RT_ERROR_MSG_MAX];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(prefix, sizeof prefix, fmt, ap);
  va_end(ap);
  memcpy(old, err->msg, sizeof old);
  size_t n = strnlen(prefix, sizeof err->msg - 3);
  memcpy(err->msg, prefix, n);
  err->msg[n++] = ':';
  err->msg[n++] = ' ';
  size_t rest = sizeof err->msg - n - 1;
  size_t olen = strnlen(old, rest);
  memcpy(err->msg + n, old, olen);
  err->msg[n + olen] = '\0';
  return err->errnum > 0 ? -err->errnum : -1;
}

#include "config.h"
#include "util/error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A value quoted in a message ("...") longer than this is cut, and so is a
 * run of digits: a hostile config's 16 MiB hostname or 5,000-digit uid must
 * not become the message. */
#define QUOTED_MAX 128
#define DIGITS_MAX 40

static void cut_long_values(char *msg) {
  char *w = msg;
  for (char *r = msg; *r;) {
    if (*r == '"') {
      char *end = strchr(r + 1, '"');
      size_t len = end ? (size_t)(end - r - 1) : strlen(r + 1);
      /* cut only what is longer than "..." itself: w never passes r */
      size_t keep = len > QUOTED_MAX + 3 ? QUOTED_MAX : len;
      *w++ = '"';
      memmove(w, r + 1, keep);
      w += keep;
      if (len > keep) {
        memcpy(w, "...", 3);
        w += 3;
      }
      if (end)
        *w++ = '"';
      r = end ? end + 1 : r + 1 + len;
    } else if (*r >= '0' && *r <= '9') {
      size_t len = strspn(r, "0123456789");
      size_t keep = len > DIGITS_MAX + 3 ? DIGITS_MAX : len;
      memmove(w, r, keep);
      w += keep;
      if (len > keep) {
        memcpy(w, "...", 3);
        w += 3;
      }
      r += len;
    } else {
      *w++ = *r++;
    }
  }
  *w = '\0';
}

int rt_error_setv(rt_error *err, int errnum, const char *fmt, va_list ap) {
  if (err) {
    /* Whole first, then cut, so that what follows a huge value survives. */
    char *full = NULL;
    va_list copy;
    va_copy(copy, ap);
    if (vasprintf(&full, fmt, copy) >= 0) {
      cut_long_values(full);
      snprintf(err->msg, sizeof err->msg, "%s", full);
      free(full);
    } else {
      vsnprintf(err->msg, sizeof err->msg, fmt, ap);
      cut_long_values(err->msg);
    }
    va_end(copy);
    int n = (int)strlen(err->msg);
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
  va_list ap, copy;
  va_start(ap, fmt);
  va_copy(copy, ap);
  int plen = vsnprintf(NULL, 0, fmt, copy);
  va_end(copy);
  /* In place: the old message moves right by "PREFIX: ", then the prefix
   * is written before it; each is cut to fit, the prefix first. */
  size_t n = plen < 0 ? 0 : (size_t)plen;
  if (n > sizeof err->msg - 3)
    n = sizeof err->msg - 3;
  size_t olen = strnlen(err->msg, sizeof err->msg - n - 3);
  memmove(err->msg + n + 2, err->msg, olen);
  err->msg[n + 2 + olen] = '\0';
  if (n > 0)
    vsnprintf(err->msg, n + 1, fmt, ap); /* its NUL lands on the ':' */
  va_end(ap);
  err->msg[n] = ':';
  err->msg[n + 1] = ' ';
  return err->errnum > 0 ? -err->errnum : -1;
}

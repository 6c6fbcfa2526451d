/* A minimal TAP producer for the unit tests. */
#pragma once
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define ok(cond, ...)                                         \
  do {                                                        \
    tap_n++;                                                  \
    if (cond) {                                               \
      printf("ok %d - ", tap_n);                              \
    } else {                                                  \
      tap_failed++;                                           \
      printf("not ok %d - ", tap_n);                          \
    }                                                         \
    printf(__VA_ARGS__);                                      \
    printf("\n");                                             \
    if (!(cond))                                              \
      printf("#   failed at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
  } while (0)

#define is_str(got, want, ...)                                                  \
  do {                                                                          \
    const char *g_ = (got), *w_ = (want);                                       \
    int same_ = (g_ == NULL && w_ == NULL) || (g_ && w_ && strcmp(g_, w_) == 0); \
    ok(same_, __VA_ARGS__);                                                     \
    if (!same_)                                                                 \
      printf("#   got: '%s'\n#   want: '%s'\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
  } while (0)

static inline int tap_done(void) {
  printf("1..%d\n", tap_n);
  return tap_failed ? 1 : 0;
}

/* Timestamps as RFC 3339 in UTC with nanoseconds, "2026-12-04T21:33:38.123456789Z"
 * (the log's "time", state.json's "created"). Inline: util/log.c uses it, and
 * the unit tests that link log.c by itself need no other source for it. */
#pragma once
#include <stddef.h>
#include <stdio.h>
#include <time.h>

/* Enough for any year of four digits: 30 characters and the NUL. */
#define RT_RFC3339_MAX 64

/* Format ts into buf (len bytes; RT_RFC3339_MAX is plenty). */
static inline void rt_time_rfc3339(const struct timespec *ts, char *buf, size_t len) {
  struct tm tm;
  gmtime_r(&ts->tv_sec, &tm);
  size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf + n, len - n, ".%09ldZ", ts->tv_nsec);
}

/* The same for now (CLOCK_REALTIME). */
static inline void rt_time_now_rfc3339(char *buf, size_t len) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  rt_time_rfc3339(&ts, buf, len);
}

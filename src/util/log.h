/* Logging as runc does it: --log FILE, --log-format text|json, --debug.
 * json lines are {"level":"error","msg":"...","time":"RFC3339"} (containerd's
 * shim and podman read them). Errors are also printed to stderr. */
#pragma once
#include <stdbool.h>

enum rt_log_level { RT_LOG_ERROR = 0, RT_LOG_WARN, RT_LOG_INFO, RT_LOG_DEBUG };
enum rt_log_format { RT_LOG_TEXT = 0, RT_LOG_JSON };

int rt_log_init(const char *path, enum rt_log_format format, bool debug);
void rt_log(enum rt_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool rt_log_debug_enabled(void);
/* The log fd (or -1), so a child may keep writing to it. */
int rt_log_fd(void);

#define log_error(...) rt_log(RT_LOG_ERROR, __VA_ARGS__)
#define log_warn(...) rt_log(RT_LOG_WARN, __VA_ARGS__)
#define log_info(...) rt_log(RT_LOG_INFO, __VA_ARGS__)
#define log_debug(...)                  \
  do {                                  \
    if (rt_log_debug_enabled())         \
      rt_log(RT_LOG_DEBUG, __VA_ARGS__); \
  } while (0)

#include "config.h"
#include "util/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/json.h"
#include "util/time.h"

static int log_fd = -1;
static enum rt_log_format log_format = RT_LOG_TEXT;
static bool log_debug = false;

static const char *level_names[] = {"error", "warning", "info", "debug"};

int rt_log_init(const char *path, enum rt_log_format format, bool debug) {
  log_format = format;
  log_debug = debug;
  if (path && *path) {
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
      return -errno;
    log_fd = fd;
  }
  return 0;
}

bool rt_log_debug_enabled(void) {
  return log_debug;
}

int rt_log_fd(void) {
  return log_fd;
}

void rt_log(enum rt_log_level level, const char *fmt, ...) {
  char msg[4096];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  int saved = errno;

  /* Errors always reach stderr; with --log they also go to the log file in
   * the chosen format (containerd reads the file). Warnings and debug lines
   * go to the log only when there is one (runc's contract): under
   * containerd's shim and conmon rt's stderr is the container's, and a
   * warning there would show up in `docker logs`. */
  if (level == RT_LOG_ERROR || log_fd < 0) {
    if (level == RT_LOG_ERROR)
      dprintf(STDERR_FILENO, "rt: %s\n", msg);
    else if (level == RT_LOG_WARN)
      dprintf(STDERR_FILENO, "rt: warning: %s\n", msg);
    else if (log_fd < 0)
      dprintf(STDERR_FILENO, "rt: %s: %s\n", level_names[level], msg);
  }
  if (log_fd >= 0) {
    char tbuf[RT_RFC3339_MAX];
    rt_time_now_rfc3339(tbuf, sizeof tbuf);
    if (log_format == RT_LOG_JSON) {
      char *escaped = rt_json_escape(msg);
      dprintf(log_fd, "{\"level\":\"%s\",\"msg\":\"%s\",\"time\":\"%s\"}\n", level_names[level],
              escaped ? escaped : "", tbuf);
      free(escaped);
    } else {
      dprintf(log_fd, "time=\"%s\" level=%s msg=\"%s\"\n", tbuf, level_names[level], msg);
    }
  }
  errno = saved;
}

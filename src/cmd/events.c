/* rt events: runc's event stream, one JSON object a line:
 *   {"type":"stats","id":ID,"data":{...}}   every --interval (or once: --stats)
 *   {"type":"oom","id":ID}                  when the kernel's OOM killer acts
 * It ends when the container is gone or stopped. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "container.h"
#include "linux/cgroup.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/log.h"

/* A Go duration: "5s", "100ms", "1m30s", "1.5h"; milliseconds, -1 when invalid. */
static long long parse_duration_ms(const char *s) {
  static const struct {
    const char *unit;
    double ms;
  } units[] = {{"ns", 1e-6}, {"us", 1e-3}, {"µs", 1e-3}, {"ms", 1}, {"s", 1e3}, {"m", 6e4}, {"h", 3.6e6}};
  double total = 0;
  if (!*s)
    return -1;
  while (*s) {
    char *end;
    double v = strtod(s, &end);
    if (end == s || v < 0)
      return -1;
    s = end;
    size_t best = 0, best_len = 0;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
      size_t l = strlen(units[i].unit);
      if (strncmp(s, units[i].unit, l) == 0 && l > best_len)
        best = i, best_len = l;
    }
    if (!best_len)
      return -1;
    total += v * units[best].ms;
    s += best_len;
  }
  return (long long)(total + 0.999);
}

struct target {
  char *id;
  char *path;
  enum rt_status status;
};

/* Look the container up again: whether it is still there and running. */
static int lookup(rt_globals *g, const char *id, struct target *t, rt_error *err) {
  struct existing ex;
  int ret = existing_open(g->root, id, false, &ex, err);
  if (ret == 0) {
    t->status = ex.status;
    free(t->path);
    t->path = ex.st.cgroup_path ? strdup(ex.st.cgroup_path) : NULL;
  }
  existing_close(&ex);
  return ret;
}

static void print_event(const char *type, const char *id, const char *data) {
  _cleanup_free_ char *eid = rt_json_escape(id);
  if (data)
    printf("{\"type\":\"%s\",\"id\":\"%s\",\"data\":%s}\n", type, eid ? eid : "", data);
  else
    printf("{\"type\":\"%s\",\"id\":\"%s\"}\n", type, eid ? eid : "");
  fflush(stdout);
}

static int print_stats(const struct target *t, rt_error *err) {
  _cleanup_free_ char *json = NULL;
  if (cgroup_stats_json(t->path, &json, err) < 0)
    return -1;
  print_event("stats", t->id, json);
  return 0;
}

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int stream(rt_globals *g, struct target *t, long long interval) {
  rt_error err = {0};
  cgroup_oom_watch w = {.fd = -1, .aux_fd = -1};
  if (cgroup_oom_watch_open(t->path, &w, &err) < 0)
    log_warn("events %s: no OOM notifications: %s", t->id, err.msg);
  long long next = now_ms() + interval;
  for (;;) {
    struct pollfd pfd = {.fd = w.fd, .events = POLLIN};
    long long wait = next - now_ms();
    int r = poll(&pfd, w.fd >= 0 ? 1 : 0, wait > 0 ? (int)(wait > 60000 ? 60000 : wait) : 0);
    if (r < 0 && errno != EINTR)
      break;
    if (r > 0 && (pfd.revents & POLLIN)) {
      int n = cgroup_oom_watch_read(&w);
      for (int i = 0; i < n; i++)
        print_event("oom", t->id, NULL);
      if (n < 0)
        cgroup_oom_watch_close(&w); /* the cgroup is gone */
    }
    if (now_ms() < next)
      continue;
    next += interval;
    if (lookup(g, t->id, t, &err) < 0 || t->status == RT_STATUS_STOPPED || !t->path)
      break;
    if (print_stats(t, &err) < 0)
      log_error("events %s: %s", t->id, err.msg);
  }
  cgroup_oom_watch_close(&w);
  return 0;
}

CMD(events) {
  enum { OPT_INTERVAL = 256, OPT_STATS };
  static const struct option opts[] = {{"interval", required_argument, NULL, OPT_INTERVAL},
                                       {"stats", no_argument, NULL, OPT_STATS},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  long long interval = 5000;
  bool once = false;
  int c;
  while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    if (c == 'h')
      return cmd_help("events");
    if (c == OPT_STATS) {
      once = true;
    } else if (c == OPT_INTERVAL) {
      interval = parse_duration_ms(optarg);
      if (interval <= 0)
        return cmd_fail("duration of --interval must be greater than 0: \"%s\"", optarg);
    } else {
      return cmd_usage_error("events", "flag provided but not defined: %s", argv[optind - 1]);
    }
  }
  if (cmd_check_args("events", argc - optind, 1, 0))
    return 1;
  struct target t = {.id = argv[optind]};
  rt_error err = {0};
  int ret = 0;
  if (lookup(g, t.id, &t, &err) < 0)
    ret = cmd_fail("%s", err.msg);
  else if (t.status == RT_STATUS_STOPPED || !t.path)
    ret = cmd_fail("container %s is not running", t.id);
  else if (once)
    ret = print_stats(&t, &err) < 0 ? cmd_fail("events %s: %s", t.id, err.msg) : 0;
  else
    ret = stream(g, &t, interval);
  free(t.path);
  return ret;
}

/* rt: the commands on the cgroup of an existing container: pause, resume,
 * update, ps (its pids) and events (its stats and OOM kills). */
#include "config.h"
#include "container.h"
#include "container_internal.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "linux/cgroup.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"

#define RESOURCES_MAX (16 << 20)

/* ---- pause, resume ---- */

static int freeze(const char *root, const char *id, bool on, rt_error *err) {
  const char *name = on ? "pause" : "resume";
  _cleanup_container_ struct container_handle ex = CONTAINER_HANDLE_INIT;
  int ret = -1;
  if (container_open(root, id, true, &ex, err) < 0)
    return -1;
  int frozen = ex.st.cgroup_path ? cgroup_is_frozen(ex.st.cgroup_path) : -1;
  bool paused = ex.status == RT_STATUS_PAUSED || (ex.status != RT_STATUS_STOPPED && frozen == 1);
  if (ex.status == RT_STATUS_STOPPED || ex.status == RT_STATUS_CREATING)
    rt_error_set(err, 0, "container %s is not running", id);
  else if (on && paused)
    rt_error_set(err, 0, "container %s is already paused", id);
  else if (!on && !paused)
    rt_error_set(err, 0, "container %s is not paused", id);
  else if (!ex.st.cgroup_path)
    rt_error_set(err, 0, "container %s has no cgroup to %s", id, name);
  else if (cgroup_freeze(ex.st.cgroup_path, on, err) < 0)
    rt_error_prefix(err, "%s %s", name, id);
  else
    ret = 0;
  return ret;
}

int container_pause(const char *root, const char *id, rt_error *err) {
  return freeze(root, id, true, err);
}

int container_resume(const char *root, const char *id, rt_error *err) {
  return freeze(root, id, false, err);
}

/* ---- update ---- */

oci_resources *container_resources_read(const char *file, rt_error *err) {
  bool in = strcmp(file, "-") == 0;
  _cleanup_free_ char *data = NULL;
  size_t len;
  if (fs_read_file(in ? "/dev/stdin" : file, RESOURCES_MAX, &data, &len, err) < 0)
    return NULL;
  return oci_resources_parse_data(data, len, in ? "stdin" : file, err);
}

int container_update(const char *root, const char *id, const oci_resources *r, rt_error *err) {
  _cleanup_container_ struct container_handle ex = CONTAINER_HANDLE_INIT;
  int ret = -1;
  if (container_open(root, id, true, &ex, err) < 0)
    return -1;
  if (ex.status == RT_STATUS_STOPPED)
    rt_error_set(err, 0, "cannot update container %s: it is stopped", id);
  else if (!ex.st.cgroup_path)
    rt_error_set(err, 0, "cannot update container %s: it has no cgroup", id);
  else if (cgroup_update(ex.st.cgroup_path, ex.st.systemd_cgroup, r, err) < 0)
    rt_error_prefix(err, "update %s", id);
  else
    ret = 0;
  return ret;
}

/* ---- ps ---- */

int container_pids(const char *root, const char *id, pid_t **pids, size_t *n, rt_error *err) {
  _cleanup_container_ struct container_handle ex = CONTAINER_HANDLE_INIT;
  int ret = -1;
  *pids = NULL;
  *n = 0;
  if (container_open(root, id, false, &ex, err) < 0)
    ; /* err says why */
  else if (ex.status == RT_STATUS_STOPPED)
    ret = 0; /* as runc: no process */
  else if (!ex.st.cgroup_path)
    rt_error_set(err, 0, "container %s has no cgroup to list processes from", id);
  else if (cgroup_pids(ex.st.cgroup_path, pids, n, err) < 0)
    rt_error_prefix(err, "ps %s", id);
  else
    ret = 0;
  return ret;
}

/* ---- events ---- */

struct target {
  const char *id;
  char *path;
  enum rt_status status;
  container_event_emit emit;
  void *arg;
};

/* Look the container up again: whether it is still there and running. */
static int lookup(const char *root, struct target *t, rt_error *err) {
  _cleanup_container_ struct container_handle ex = CONTAINER_HANDLE_INIT;
  if (container_open(root, t->id, false, &ex, err) < 0)
    return -1;
  t->status = ex.status;
  free(t->path);
  t->path = ex.st.cgroup_path ? strdup(ex.st.cgroup_path) : NULL;
  return 0;
}

static void emit_event(const struct target *t, const char *type, const char *data) {
  _cleanup_free_ char *eid = rt_json_escape(t->id);
  _cleanup_free_ char *line = NULL;
  int r = data ? asprintf(&line, "{\"type\":\"%s\",\"id\":\"%s\",\"data\":%s}", type,
                          eid ? eid : "", data)
               : asprintf(&line, "{\"type\":\"%s\",\"id\":\"%s\"}", type, eid ? eid : "");
  if (r >= 0)
    t->emit(line, t->arg);
}

static int emit_stats(const struct target *t, rt_error *err) {
  _cleanup_free_ char *json = NULL;
  if (cgroup_stats_json(t->path, &json, err) < 0)
    return -1;
  emit_event(t, "stats", json);
  return 0;
}

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void stream(const char *root, struct target *t, long long interval) {
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
        emit_event(t, "oom", NULL);
      if (n < 0)
        cgroup_oom_watch_close(&w); /* the cgroup is gone */
    }
    if (now_ms() < next)
      continue;
    next += interval;
    if (lookup(root, t, &err) < 0 || t->status == RT_STATUS_STOPPED || !t->path)
      break;
    if (emit_stats(t, &err) < 0)
      log_error("events %s: %s", t->id, err.msg);
  }
  cgroup_oom_watch_close(&w);
}

int container_events(const char *root, const char *id, long long interval_ms, bool once,
                     container_event_emit emit, void *arg, rt_error *err) {
  struct target t = {.id = id, .emit = emit, .arg = arg};
  int ret = 0;
  if (lookup(root, &t, err) < 0)
    ret = -1;
  else if (t.status == RT_STATUS_STOPPED || !t.path)
    ret = rt_error_set(err, 0, "container %s is not running", id);
  else if (once)
    ret = emit_stats(&t, err) < 0 ? rt_error_prefix(err, "events %s", id) : 0;
  else
    stream(root, &t, interval_ms);
  free(t.path);
  return ret;
}

/* rt: the lifecycle of an existing container (runtime.md's start, kill,
 * delete), the helpers of the commands that open one, and the runtime
 * process's own set-up. Creation is container_create.c. */
#include "config.h"
#include "container.h"
#include "container_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "linux/hooks.h"
#include "libocispec/oci_config.h"
#include "linux/cgroup.h"
#include "linux/exeseal.h"
#include "linux/namespaces.h"
#include "notify.h"
#include "state.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"

char *container_state_json(const rt_state *st, enum rt_status s) {
  return rt_state_to_json(st, s, false);
}

/* poststop: a failing hook is a warning and the others still run
 * (config.md, lifecycle step 13). */
void container_run_poststop(const oci_config *c, const rt_state *st) {
  if (!c || !c->hooks.poststop.n)
    return;
  _cleanup_free_ char *js = container_state_json(st, RT_STATUS_STOPPED);
  hooks_run_all(&c->hooks.poststop, "poststop", js ? js : "{}");
}

/* ---- operations on an existing container ---- */

int container_open(const char *root, const char *id, bool exclusive, struct container_handle *ex,
                         rt_error *err) {
  memset(ex, 0, sizeof *ex);
  ex->rootfd = ex->dirfd = -1;
  if (rt_state_id_validate(id, err) < 0)
    return -1;
  ex->rootfd = rt_state_root_open(root, err);
  if (ex->rootfd < 0)
    return -1;
  ex->dirfd = rt_state_dir_open(ex->rootfd, id, err);
  if (ex->dirfd < 0)
    return -1;
  if (rt_state_lock(ex->dirfd, exclusive, err) < 0 || rt_state_read(ex->dirfd, &ex->st, err) < 0)
    return -1;
  ex->status = rt_state_status(ex->dirfd, &ex->st);
  return 0;
}

void container_close(struct container_handle *ex) {
  ex->dirfd = rt_safe_close(ex->dirfd);
  ex->rootfd = rt_safe_close(ex->rootfd);
  rt_state_free(&ex->st);
}

/* A pidfd of the init, only when it is still the process we started. */
int container_init_pidfd(const rt_state *st) {
  if (st->pid <= 0)
    return -1;
  int fd = (int)syscall(SYS_pidfd_open, st->pid, 0);
  if (fd < 0)
    return -1;
  unsigned long long start;
  if (rt_state_pid_stat(st->pid, &start, NULL) < 0 || start != st->pid_start) {
    close(fd);
    return -1;
  }
  return fd;
}

oci_config *container_saved_config(int dirfd) {
  _cleanup_free_ char *data = NULL;
  size_t len;
  rt_error e;
  if (fs_read_fileat(dirfd, "config.json", CONFIG_MAX, &data, &len, &e) < 0)
    return NULL;
  return oci_config_parse_data(data, len, "config.json", &e);
}

static int kill_all(const rt_state *st, int sig, rt_error *err);
static int wait_gone(const rt_state *st, int timeout_ms);

/* A hook of start failed (startContainer, poststart): the container is
 * stopped and destroyed, everything create made, its cgroup too, and the
 * poststop hooks run (runtime.md lifecycle steps 7 and 9, then 12, 13). */
static void start_failed_teardown(struct container_handle *ex, int pidfd, const oci_config *c,
                                  const char *id) {
  rt_error e;
  syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
  if (kill_all(&ex->st, SIGKILL, &e) < 0)
    log_warn("%s", e.msg);
  if (wait_gone(&ex->st, 10000) < 0)
    log_warn("container %s did not die after SIGKILL", id);
  if (ex->st.cgroup_path && cgroup_destroy(ex->st.cgroup_path, ex->st.systemd_cgroup, &e) < 0)
    log_warn("%s", e.msg);
  if (rt_state_dir_remove(ex->rootfd, id, &e) < 0)
    log_warn("%s", e.msg);
  if (c)
    container_run_poststop(c, &ex->st);
}

int container_start(const char *root, const char *id, rt_error *err) {
  _cleanup_close_ int fifo = -1;
  _cleanup_close_ int pidfd = -1;
  _cleanup_close_ int notify_fd = -1;
  _cleanup_free_ char *state_dir = NULL;
  /* Declared last, closed first: its lock goes before the fds above. */
  _cleanup_container_ struct container_handle ex = CONTAINER_HANDLE_INIT;
  const char *notify_host = notify_host_socket();
  if (container_open(root, id, true, &ex, err) < 0)
    return -1;
  if (ex.status != RT_STATUS_CREATED) {
    rt_error_set(err, 0, "cannot start container %s: it is %s, not created", id,
                 rt_state_status_name(ex.status));
    return -1;
  }
  /* The pidfd first: opening exec.fifo lets the init go on, and a short
   * program may have run and been reaped before a pidfd_open that came
   * after the open (podman saw "its init is gone" for `grep` at times). */
  pidfd = container_init_pidfd(&ex.st);
  if (pidfd < 0) {
    rt_error_set(err, 0, "cannot start container %s: its init is gone", id);
    return -1;
  }
  /* NOTIFY_SOCKET: the socket must be there before the program runs. */
  if (notify_host && faccessat(ex.dirfd, "notify", F_OK, AT_SYMLINK_NOFOLLOW) == 0) {
    _cleanup_free_ char *aroot = fs_abspath(root);
    if (!aroot || asprintf(&state_dir, "%s/%s", aroot, id) < 0) {
      rt_error_set(err, ENOMEM, "NOTIFY_SOCKET");
      return -1;
    }
    notify_fd = notify_bind(state_dir, err);
    if (notify_fd < 0)
      return -1;
  }
  fifo = openat(ex.dirfd, "exec.fifo", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fifo < 0) {
    rt_error_set(err, errno, "open exec.fifo of %s", id);
    return -1;
  }
  /* The init writes one byte once it sees us open the fifo. */
  for (;;) {
    struct pollfd pfd[2] = {{.fd = fifo, .events = POLLIN}, {.fd = pidfd, .events = POLLIN}};
    if (poll(pfd, 2, -1) < 0 && errno != EINTR) {
      rt_error_set(err, errno, "poll exec.fifo");
      return -1;
    }
    if (pfd[0].revents & POLLIN) {
      char b;
      if (read(fifo, &b, 1) == 1)
        break;
    }
    if (pfd[1].revents) {
      rt_error_set(err, 0, "cannot start container %s: its init exited", id);
      return -1;
    }
  }
  /* Then it runs the startContainer hooks and execve's the program, which
   * closes its end: EOF. A failure arrives as "E" and the message. */
  if (fcntl(fifo, F_SETFL, 0) < 0) {
    rt_error_set(err, errno, "exec.fifo of %s", id);
    return -1;
  }
  char report[1024];
  size_t got = 0;
  for (;;) {
    ssize_t r = read(fifo, report + got, sizeof report - 1 - got);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      break;
    got += (size_t)r;
    if (got == sizeof report - 1)
      break;
  }
  report[got] = '\0';
  if (got > 0 && (report[0] == 'E' || report[0] == 'H')) {
    unlinkat(ex.dirfd, "exec.fifo", 0);
    rt_error_set(err, 0, "cannot start container %s: %s", id, report + 1);
    if (report[0] == 'H') {
      /* runtime.md lifecycle step 7: a startContainer hook failed: stop,
       * destroy (step 12) and run poststop (step 13). */
      _cleanup_oci_config_ oci_config *hc = container_saved_config(ex.dirfd);
      start_failed_teardown(&ex, pidfd, hc, id);
    }
    return -1;
  }
  unlinkat(ex.dirfd, "exec.fifo", 0);
  ex.st.created_status = false;
  if (rt_state_write(ex.dirfd, &ex.st, err) < 0)
    return -1;
  {
    _cleanup_oci_config_ oci_config *c = container_saved_config(ex.dirfd);
    if (c && c->hooks.poststart.n) {
      _cleanup_free_ char *js = container_state_json(&ex.st, RT_STATUS_RUNNING);
      if (hooks_run(&c->hooks.poststart, "poststart", js ? js : "{}", err) < 0) {
        /* runtime.md lifecycle step 9: an error, the container stopped and
         * destroyed (step 12: everything create made, its cgroup too) and
         * the poststop hooks run (step 13). */
        rt_error_prefix(err, "cannot start container %s", id);
        start_failed_teardown(&ex, pidfd, c, id);
        return -1;
      }
    }
  }
  if (notify_fd >= 0) {
    /* Others may use the container meanwhile; runc too waits for READY=1. */
    flock(ex.dirfd, LOCK_UN);
    if (notify_wait_ready(notify_fd, notify_host, pidfd, ex.st.pid, err) < 0)
      return -1;
  }
  return 0;
}

/* Every process of the container: those in its init's pid namespace (when
 * it has its own), found through /proc. */
static int kill_all(const rt_state *st, int sig, rt_error *err) {
  if (st->cgroup_path) {
    /* Frozen while it is signalled (as runc does), so that no process can
     * fork a child that escapes the list; thawed after, unless it was
     * paused already. Without a freezer, the list is signalled as it is. */
    rt_error tmp;
    bool thaw = cgroup_is_frozen(st->cgroup_path) == 0 &&
                cgroup_freeze(st->cgroup_path, true, &tmp) == 0;
    pid_t *pids = NULL;
    size_t n = 0;
    int r = cgroup_pids(st->cgroup_path, &pids, &n, err);
    if (r == 0) {
      for (size_t i = 0; i < n; i++)
        kill(pids[i], sig);
      free(pids);
    }
    if (thaw && cgroup_freeze(st->cgroup_path, false, &tmp) < 0)
      log_warn("kill --all: thaw the container's cgroup: %s", tmp.msg);
    if (r == 0)
      return 0;
  }
  /* No cgroup to go by: the init's pid namespace, found through a pidfd of
   * the init that is still the process rt started (a pid from the state
   * file alone may have been reused by any process of the host's). */
  _cleanup_close_ int pidfd = container_init_pidfd(st);
  if (pidfd < 0)
    return 0; /* the init is gone: nothing rt can tell is the container's */
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/ns/pid", (int)st->pid);
  struct stat ns;
  if (stat(path, &ns) < 0)
    return rt_error_set(err, errno, "stat %s", path);
  struct pollfd alive = {.fd = pidfd, .events = POLLIN};
  if (poll(&alive, 1, 0) != 0)
    return 0; /* it exited meanwhile: ns may be another process's */
  struct stat self;
  if (stat("/proc/self/ns/pid", &self) == 0 && self.st_ino == ns.st_ino && self.st_dev == ns.st_dev)
    return syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0
               ? rt_error_set(err, errno, "kill %d", (int)st->pid)
               : 0;
  _cleanup_closedir_ DIR *d = opendir("/proc");
  if (!d)
    return rt_error_set(err, errno, "open /proc");
  struct dirent *e;
  while ((e = readdir(d))) {
    char *end;
    long pid = strtol(e->d_name, &end, 10);
    if (*end || pid <= 0)
      continue;
    snprintf(path, sizeof path, "/proc/%ld/ns/pid", pid);
    struct stat s;
    if (stat(path, &s) == 0 && s.st_ino == ns.st_ino && s.st_dev == ns.st_dev)
      kill((pid_t)pid, sig);
  }
  return 0;
}

int container_kill(const char *root, const char *id, int sig, bool all, rt_error *err) {
  int ret;
  _cleanup_close_ int pidfd = -1;
  _cleanup_container_ struct container_handle ex = CONTAINER_HANDLE_INIT;
  if (container_open(root, id, false, &ex, err) < 0)
    return -1;
  if (ex.status == RT_STATUS_STOPPED && all) {
    /* As runc: what is left in the cgroup of a stopped container (its init
     * gone, processes that shared a pid namespace still there) is
     * signalled; no cgroup, nothing to do. containerd's shim relies on it. */
    return ex.st.cgroup_path && cgroup_is_frozen(ex.st.cgroup_path) != -ENOENT
               ? kill_all(&ex.st, sig, err)
               : 0;
  }
  if (ex.status != RT_STATUS_CREATED && ex.status != RT_STATUS_RUNNING &&
      ex.status != RT_STATUS_PAUSED) {
    rt_error_set(err, 0, "container %s is not running (it is %s)", id, rt_state_status_name(ex.status));
    return -1;
  }
  if (all) {
    ret = kill_all(&ex.st, sig, err);
  } else {
    pidfd = container_init_pidfd(&ex.st);
    if (pidfd < 0) {
      rt_error_set(err, 0, "container %s is not running", id);
      return -1;
    }
    if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0) {
      rt_error_set(err, errno, "kill container %s with signal %d", id, sig);
      return -1;
    }
    ret = 0;
  }
  /* A frozen (v1) process dies of SIGKILL only once thawed: as runc, a
   * paused container is thawed for SIGKILL (other signals wait for resume). */
  if (ret == 0 && sig == SIGKILL && ex.status == RT_STATUS_PAUSED && ex.st.cgroup_path) {
    rt_error tmp;
    if (cgroup_freeze(ex.st.cgroup_path, false, &tmp) < 0)
      log_warn("kill: thaw the paused container: %s", tmp.msg);
  }
  return ret;
}

static int wait_gone(const rt_state *st, int timeout_ms) {
  _cleanup_close_ int pidfd = container_init_pidfd(st);
  if (pidfd < 0)
    return 0;
  struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
  return poll(&pfd, 1, timeout_ms) > 0 ? 0 : -1;
}

/* After container_open failed: a state directory with no state.json is what
 * a create that died before writing it leaves; remove it (unless a create
 * holds its lock right now), as runc does. Then, as runc, --force makes a
 * missing container a success. */
static int delete_missing(const char *root, const char *id, bool force, rt_error *err) {
  rt_error tmp;
  if (rt_state_id_validate(id, &tmp) < 0)
    return -1;
  _cleanup_close_ int rootfd = rt_state_root_open(root, &tmp);
  _cleanup_close_ int dirfd =
      rootfd < 0 ? -1 : openat(rootfd, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dirfd >= 0 && faccessat(dirfd, "state.json", F_OK, AT_SYMLINK_NOFOLLOW) < 0 &&
      errno == ENOENT && rt_state_try_lock(dirfd, true, &tmp) == 1) {
    if (rt_state_dir_remove(rootfd, id, &tmp) < 0)
      log_warn("%s", tmp.msg);
    else
      rt_error_set(err, 0,
                   "container \"%s\" does not exist (a state directory without state.json, left "
                   "by an aborted create, was removed)", id);
  } else if (dirfd >= 0) {
    return -1; /* a real container whose state could not be read */
  }
  if (force) {
    rt_error_clear(err);
    return 0;
  }
  return -1;
}

/* When the create began (state "created", a wall-clock time), less the
 * granularity of file times (a cgroup directory's ctime is taken from the
 * coarse clock). */
static int created_time(const rt_state *st, struct timespec *out) {
  struct tm tm = {0};
  const char *rest = st->created ? strptime(st->created, "%Y-%m-%dT%H:%M:%S", &tm) : NULL;
  if (!rest)
    return -1;
  long ns = 0;
  if (*rest == '.')
    ns = strtol(rest + 1, NULL, 10);
  out->tv_sec = timegm(&tm);
  out->tv_nsec = ns;
  const long margin = 20 * 1000000L;
  if (out->tv_nsec >= margin) {
    out->tv_nsec -= margin;
  } else {
    out->tv_sec -= 1;
    out->tv_nsec += 1000000000L - margin;
  }
  return 0;
}

int container_delete(const char *root, const char *id, bool force, rt_error *err) {
  _cleanup_container_ struct container_handle ex = CONTAINER_HANDLE_INIT;
  if (container_open(root, id, true, &ex, err) < 0) {
    container_close(&ex); /* drop its lock first */
    return delete_missing(root, id, force, err);
  }
  if (ex.status != RT_STATUS_STOPPED) {
    if (!force) {
      rt_error_set(err, 0, "cannot delete container %s that is not stopped: %s", id,
                   rt_state_status_name(ex.status));
      return -1;
    }
    rt_error e;
    if (kill_all(&ex.st, SIGKILL, &e) < 0)
      log_warn("%s", e.msg);
    /* A frozen process takes its SIGKILL only once thawed. */
    if (ex.status == RT_STATUS_PAUSED && ex.st.cgroup_path &&
        cgroup_freeze(ex.st.cgroup_path, false, &e) < 0)
      log_warn("%s", e.msg);
    if (wait_gone(&ex.st, 10000) < 0) {
      rt_error_set(err, 0, "container %s did not die after SIGKILL", id);
      return -1;
    }
  }
  if (ex.status == RT_STATUS_STOPPED) {
    /* Stopped because the create that made it died: its init may live on
     * (in a hook, or without a cgroup to be killed with). */
    _cleanup_close_ int pidfd = container_init_pidfd(&ex.st);
    if (pidfd >= 0 && syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0) == 0) {
      struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
      if (poll(&pfd, 1, 10000) <= 0)
        log_warn("container %s: its init did not die after SIGKILL", id);
    }
  }
  struct timespec since;
  int dr = ex.st.creator > 0 && created_time(&ex.st, &since) == 0
               ? cgroup_destroy_unfinished(ex.st.cgroup_path, ex.st.systemd_cgroup, &since, err)
               : cgroup_destroy(ex.st.cgroup_path, ex.st.systemd_cgroup, err);
  if (ex.st.cgroup_path && dr < 0)
    return -1;
  _cleanup_oci_config_ oci_config *c = container_saved_config(ex.dirfd);
  if (rt_state_dir_remove(ex.rootfd, id, err) < 0)
    return -1;
  container_run_poststop(c, &ex.st);
  return 0;
}

/* ---- the runtime process itself ---- */

bool container_runtime_in_userns(void) {
  return ns_running_in_userns();
}

int container_runtime_seal(char **argv, rt_error *err) {
  if (exe_seal_ensure(argv, err) < 0)
    return -1;
  if (rt_log_debug_enabled())
    rt_log(RT_LOG_DEBUG, "CVE-2019-5736 defence: running from %s", exe_seal_describe());
  return 0;
}

void container_runtime_seal_forget(void) {
  exe_seal_forget_marker();
}

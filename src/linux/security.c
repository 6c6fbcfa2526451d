/* security_prepare / security_apply and friends: LSM labels and the seccomp
 * filter of a container process, at the points of the init's sequence
 * where they must happen (see security.h). */
#include "config.h"
#include "linux/security.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lsm/lsm.h"
#include "seccomp/seccomp.h"
#include "util/cleanup.h"
#include "util/log.h"

#define RT_SPEC_VERSION "1.3.0"

int rt_seccomp_listener_fd = -1;

/* Set by security_prepare in rt, inherited by the child. */
static bool prepared;
static bool have_prog;
static struct rt_seccomp_prog prog;
/* The child's pid as rt sees it; 0 when unknown. */
static pid_t host_pid;

static const oci_seccomp *seccomp_of(const oci_config *c) {
  return c->linux_ ? c->linux_->seccomp : NULL;
}

static const char *cache_dir(void) {
  static char buf[4096];
  const char *e = getenv("RT_SECCOMP_CACHE");
  if (e)
    return *e && strcmp(e, "off") != 0 ? e : NULL;
  if (geteuid() == 0)
    return "/run/rt-cache/seccomp";
  const char *x = getenv("XDG_RUNTIME_DIR");
  if (!x || x[0] != '/')
    return NULL;
  snprintf(buf, sizeof buf, "%s/rt-cache/seccomp", x);
  return buf;
}

void security_release(void) {
  if (rt_seccomp_listener_fd >= 0)
    close(rt_seccomp_listener_fd);
  rt_seccomp_listener_fd = -1;
  if (have_prog)
    rt_seccomp_prog_free(&prog);
  have_prog = false;
  prepared = false;
}

int security_prepare(const oci_config *c, rt_error *err) {
  security_release();
  if (lsm_check(c, err) < 0)
    return -1;
  const oci_seccomp *s = seccomp_of(c);
  if (s) {
    if (rt_seccomp_compile(s, cache_dir(), &prog, err) < 0)
      return -1;
    have_prog = true;
    log_debug("seccomp: %zu BPF instructions%s", prog.len,
              prog.from_cache ? " (from the cache)" : "");
    if (prog.notify) {
      rt_seccomp_listener_fd = rt_seccomp_listener_connect(s, err);
      if (rt_seccomp_listener_fd < 0) {
        security_release();
        return -1;
      }
    }
  }
  prepared = true;
  return 0;
}

/* /proc/self resolves in the pid namespace of that /proc's mount: before
 * the child leaves rt's mount namespace that is rt's. */
void security_child_init(void) {
  char buf[32];
  ssize_t n = readlink("/proc/self", buf, sizeof buf - 1);
  if (n <= 0)
    return;
  buf[n] = '\0';
  host_pid = (pid_t)strtol(buf, NULL, 10);
}

/* The "pid" of a state document: the fallback when security_child_init
 * was not called. */
static pid_t state_pid(const char *state_json) {
  const char *k = state_json ? strstr(state_json, "\"pid\"") : NULL;
  if (!k)
    return 0;
  k += 5;
  while (*k == ' ' || *k == '\t' || *k == '\n' || *k == ':')
    k++;
  return (pid_t)strtol(k, NULL, 10);
}

static int take_listener(const oci_seccomp *s, rt_error *err) {
  if (rt_seccomp_listener_fd >= 0)
    return TAKE_FD(rt_seccomp_listener_fd);
  /* Not prepared: works only when listenerPath is reachable from here. */
  int fd = rt_seccomp_listener_connect(s, err);
  if (fd < 0)
    rt_error_prefix(err, "seccomp notify (rt connects to the listener before pivot_root in "
                         "security_prepare)");
  return fd;
}

static int send_to_listener(const oci_seccomp *s, int sock, const char *state_json, rt_error *err) {
  pid_t pid = host_pid ? host_pid : state_pid(state_json);
  if (!pid)
    pid = getpid();
  /* Built before the filter exists: afterwards even malloc's syscalls may
   * be notified, and the listener has no fd yet. */
  _cleanup_free_ char *msg =
      rt_seccomp_process_state(RT_SPEC_VERSION, pid, s->listener_metadata, state_json);
  if (!msg)
    return rt_error_set(err, ENOMEM, "seccomp notify");
  _cleanup_close_ int nfd = -1;
  if (rt_seccomp_load_prog(&prog, &nfd, err) < 0)
    return -1;
  return rt_seccomp_send_listener(sock, nfd, msg, err);
}

static int apply_seccomp(const oci_seccomp *s, const char *state_json, rt_error *err) {
  if (!have_prog) {
    if (rt_seccomp_compile(s, NULL, &prog, err) < 0)
      return -1;
    have_prog = true;
  }
  if (!prog.notify)
    return rt_seccomp_load_prog(&prog, NULL, err);
  _cleanup_close_ int sock = take_listener(s, err);
  if (sock < 0)
    return -1;
  return send_to_listener(s, sock, state_json, err);
}

int security_apply(const oci_config *c, int stage, const char *state_json, rt_error *err) {
  const oci_process *p = c->process;
  if (stage == 0) {
    if (!prepared && lsm_check(c, err) < 0)
      return -1;
    if (lsm_apply_exec_labels(p, err) < 0)
      return -1;
  }
  const oci_seccomp *s = seccomp_of(c);
  /* Stage 1, as late as possible, so that rt's own last syscalls are not
   * filtered; without no_new_privs the caller held on to CAP_SYS_ADMIN for
   * the load (linux/finalize.c). */
  if (s && stage == 1)
    return apply_seccomp(s, state_json, err);
  return 0;
}

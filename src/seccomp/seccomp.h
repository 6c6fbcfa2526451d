/* linux.seccomp (config-linux.md "Seccomp") as a libseccomp filter, and the
 * SCMP_ACT_NOTIFY listener handshake ("The Container Process State").
 *
 * Names are prefixed rt_seccomp_ so they never collide with libseccomp's own
 * seccomp_* symbols. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "libocispec/oci_config.h"
#include "util/error.h"

/* The names rt recognises, NULL-terminated (for `rt features`). */
extern const char *const rt_seccomp_actions[];
extern const char *const rt_seccomp_operators[];
extern const char *const rt_seccomp_archs[];
extern const char *const rt_seccomp_known_flags[];
/* The subset of the known flags this build and kernel support (checked at
 * run time: SECCOMP_GET_ACTION_AVAIL-style probing of seccomp(2)). Fills at
 * most max entries of out and returns their number. */
size_t rt_seccomp_supported_flags(const char **out, size_t max);

/* Translate one OCI action name with its errnoRet to a libseccomp action
 * value. field names the JSON path for errors. */
int rt_seccomp_action(const char *name, bool has_errno_ret, uint32_t errno_ret, uint32_t *out,
                      const char *field, rt_error *err);

/* True when the default action or any rule uses SCMP_ACT_NOTIFY. */
bool rt_seccomp_uses_notify(const oci_seccomp *s);

/* Check what can be checked without touching the kernel: action, operator,
 * architecture and flag names, errnoRet placement, argument indexes, and the
 * notify constraints (a listenerPath; sendmsg not notified; default action
 * not NOTIFY). Lets rt fail `create` early with a message naming the field. */
int rt_seccomp_validate(const oci_seccomp *s, rt_error *err);

/* Build the filter (an opaque scmp_filter_ctx, released with
 * rt_seccomp_release) without loading it. */
int rt_seccomp_build(const oci_seccomp *s, void **ctx_out, rt_error *err);
void rt_seccomp_release(void *ctx);

/* The compiled BPF program of a built filter: malloc'd sock_filter array. */
int rt_seccomp_export(void *ctx, void **prog_out, size_t *len_out, rt_error *err);

/* A filter ready to load: the program and the seccomp(2) flags for it. */
struct rt_seccomp_prog {
  void *insns; /* struct sock_filter[len], malloc'd */
  size_t len;
  unsigned long flags; /* SECCOMP_FILTER_FLAG_* (NEW_LISTENER when notify) */
  bool notify;
  bool from_cache;
};

/* Validate and compile the profile. With cache_dir (may be NULL: no cache)
 * a program compiled before for the same profile, libseccomp and
 * architecture is read back instead of compiled again (see cache.c). */
int rt_seccomp_compile(const oci_seccomp *s, const char *cache_dir, struct rt_seccomp_prog *out,
                       rt_error *err);
void rt_seccomp_prog_free(struct rt_seccomp_prog *p);

/* Load into the calling thread (TSYNC: all threads). Does not set
 * no_new_privs: without it the caller needs CAP_SYS_ADMIN. *notify_fd gets
 * the listener fd (O_CLOEXEC) when the filter uses SCMP_ACT_NOTIFY, else -1. */
int rt_seccomp_load_prog(const struct rt_seccomp_prog *p, int *notify_fd, rt_error *err);

/* compile (no cache) + load_prog. */
int rt_seccomp_load(const oci_seccomp *s, int *notify_fd, rt_error *err);

/* The cache: the canonical text of everything the program depends on
 * (malloc'd), and a directory fd checked to be private to this user
 * (created 0700 if missing), or -1 when it cannot be trusted or made. */
char *rt_seccomp_cache_key(const oci_seccomp *s);
int rt_seccomp_cache_open(const char *dir);
/* 1 and *out filled (insns and len) on a hit, 0 on a miss. */
int rt_seccomp_cache_get(int dirfd, const char *key, struct rt_seccomp_prog *out);
/* Best effort; written atomically (temporary file + rename), mode 0600. */
void rt_seccomp_cache_put(int dirfd, const char *key, const struct rt_seccomp_prog *p);

/* Connect (SOCK_STREAM, O_CLOEXEC) to linux.seccomp.listenerPath. Returns the
 * socket, or -1 with err filled. */
int rt_seccomp_listener_connect(const oci_seccomp *s, rt_error *err);

/* The container process state: {"ociVersion","fds":["seccompFd"],"pid",
 * "metadata","state"}. state_json is embedded as is (it is already JSON);
 * NULL becomes {}. Returns a malloc'd string or NULL on ENOMEM. */
char *rt_seccomp_process_state(const char *oci_version, pid_t pid, const char *metadata,
                               const char *state_json);

/* Send the process state with notify_fd in SCM_RIGHTS on the connected
 * socket, in one sendmsg for the fd and more for the rest if needed. */
int rt_seccomp_send_listener(int sock, int notify_fd, const char *process_state, rt_error *err);

/* The security settings of a container process (the init or an exec'd
 * one), at the points where they must happen:
 *
 *   rt, before clone3        security_prepare   check LSM requests, compile
 *                                               the seccomp filter (cached),
 *                                               connect to the notify listener
 *   rt, after clone3         security_release   drop rt's copies
 *   child, first thing       security_child_init  note the pid as rt sees it
 *   ...namespaces, mounts, pivot_root, hooks...
 *   child                    security_apply(0)  LSM exec labels; seccomp if
 *                                               !noNewPrivileges
 *   bounding set, user switch, other capability sets, noNewPrivileges
 *   child                    security_apply(1)  seccomp if noNewPrivileges
 *   execve
 *
 * security_apply works without the others (it compiles and connects
 * itself), but then it cannot reach a listenerPath outside the container,
 * gets no cache, and reports the state's pid. */
#pragma once
#include "libocispec/oci_config.h"
#include "util/error.h"

/* The connection to linux.seccomp.listenerPath opened by security_prepare
 * (O_CLOEXEC), -1 when none; inherited by the child through clone3.
 * security_apply sends on it and closes it. */
extern int rt_seccomp_listener_fd;

/* In rt, before clone3 of the container's process, with c->process being
 * that process. Fails early, naming the field, on a label the host cannot
 * apply, a bad seccomp profile, or an unreachable listener.
 * The compiled filter is cached in $RT_SECCOMP_CACHE (default
 * /run/rt-cache/seccomp for root, $XDG_RUNTIME_DIR/rt-cache/seccomp
 * otherwise; "off" disables it). */
int security_prepare(const oci_config *c, rt_error *err);

/* In rt after clone3 (whether it worked or not): close rt's copy of the
 * listener connection (the listener waits for EOF) and free the program. */
void security_release(void);

/* In the child before it leaves rt's mount namespace (setns/pivot_root):
 * reads its pid in rt's pid namespace from rt's /proc, for the listener. */
void security_child_init(void);

/* stage 0: before the bounding set drop and the user switch;
 * stage 1: right before execve. state_json is the container's state, sent
 * to the seccomp listener. */
int security_apply(const oci_config *c, int stage, const char *state_json, rt_error *err);

/* NOTIFY_SOCKET forwarding (sd_notify(3) for a service in a container), as
 * runc does it. When rt create/run is started with NOTIFY_SOCKET in its
 * environment:
 *  - create makes <state dir>/notify, bind-mounts it read-only at
 *    /run/notify in the container and sets NOTIFY_SOCKET=/run/notify/notify.sock
 *    in the process's environment;
 *  - start (or run) binds the datagram socket notify/notify.sock before the
 *    program runs, then relays what the program sends to the host's
 *    NOTIFY_SOCKET: `start` and `run -d` wait for READY=1 (or the
 *    container's end) and add MAINPID=<the init's host pid>; a foreground
 *    `run` relays every message as it comes, rt itself being the main pid.
 * Containers started without NOTIFY_SOCKET pay nothing for this. */
#pragma once
#include <sys/types.h>

#include "libocispec/oci_config.h"
#include "util/error.h"

#define RT_NOTIFY_DIR_IN_CONTAINER "/run/notify"
#define RT_NOTIFY_SOCKET_IN_CONTAINER "/run/notify/notify.sock"

/* The host's NOTIFY_SOCKET, or NULL when unset or empty. */
const char *notify_host_socket(void);
/* create: make <state_dir>/notify (state_dir absolute, dirfd its fd) and
 * add the mount and the environment variable to the config in memory. */
int notify_setup_config(oci_config *c, int dirfd, const char *state_dir, rt_error *err);
/* start/run: bind <state_dir>/notify/notify.sock; a datagram socket fd. */
int notify_bind(const char *state_dir, rt_error *err);
/* Relay one datagram from fd to the host socket; mainpid > 0 is appended as
 * MAINPID= to a READY=1 message. 1 when it was READY=1, 0 otherwise. */
int notify_relay_one(int fd, const char *host, pid_t mainpid, rt_error *err);
/* Relay until READY=1 arrives or the process behind pidfd exits. */
int notify_wait_ready(int fd, const char *host, int pidfd, pid_t mainpid, rt_error *err);

/* process.terminal: a pty made in the container's own devpts; the master goes
 * to --console-socket (SCM_RIGHTS, as containerd and podman expect) or, for
 * `rt run` in the foreground, rt proxies it. */
#pragma once
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/error.h"

/* In the container's init, after pivot_root: open a pty, size it, bind the
 * slave on /dev/console, make it the controlling terminal and stdio.
 * Returns the master fd. */
int term_setup_in_container(bool has_size, uint64_t height, uint64_t width, bool bind_console,
                            rt_error *err);
/* Send the master to the unix socket at path. */
int term_send_to_socket(const char *path, int master, rt_error *err);
/* Copy between our stdio and master until the master closes or stop_fd is
 * readable; stdin in raw mode when it is a terminal, SIGWINCH resizes. */
struct term_proxy;
struct term_proxy *term_proxy_new(int master);
/* fds to poll and how to handle them, for the run loop. */
int term_proxy_fill_pollfds(struct term_proxy *t, struct pollfd *pfd, int max);
void term_proxy_handle(struct term_proxy *t, struct pollfd *pfd, int n);
void term_proxy_resize(struct term_proxy *t);
void term_proxy_drain(struct term_proxy *t);
void term_proxy_free(struct term_proxy *t);

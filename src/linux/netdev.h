/* linux.netDevices: move host interfaces into the container's network namespace. */
#pragma once
#include "libocispec/oci_config.h"
#include "util/error.h"

/* A NETLINK_ROUTE socket in the current network namespace. */
int netdev_socket(rt_error *err);
/* In the container's init (already in its network namespace): move, rename,
 * re-add permanent global addresses, set up. host_sock is a netlink socket of
 * the runtime's network namespace. */
int netdev_move_all(const oci_linux *l, int host_sock, rt_error *err);

/* Bring the loopback interface of the calling process's network namespace
 * up (a new network namespace has "lo" down; runc and crun bring it up, and
 * anything on 127.0.0.1 needs it). */
int netdev_loopback_up(rt_error *err);

/* /dev: the spec's default devices and links, and linux.devices. */
#pragma once
#include <stdbool.h>

#include "libocispec/oci_config.h"
#include "util/error.h"

/* Create the default devices (null zero full random urandom tty), the links
 * (fd stdin stdout stderr ptmx) and linux.devices inside the rootfs at rootfd.
 * Without mknod (userns: in a user namespace, or rt in one) the default
 * devices are bind-mounted from the host; linux.devices too, but in the
 * container's own user namespace (userns_init), where rt makes each node
 * for it, with the config's owner and mode, when asked over sync_fd. */
int devices_setup(int rootfd, const oci_config *c, bool userns, bool userns_init, int sync_fd,
                  rt_error *err);


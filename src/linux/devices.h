/* /dev: the spec's default devices and links, and linux.devices. */
#pragma once
#include <stdbool.h>

#include "libocispec/oci_config.h"
#include "util/error.h"

/* Create the default devices (null zero full random urandom tty), the links
 * (fd stdin stdout stderr ptmx) and linux.devices inside the rootfs at rootfd.
 * In a user namespace devices are bind-mounted from the host instead of mknod. */
int devices_setup(int rootfd, const oci_config *c, bool userns, rt_error *err);


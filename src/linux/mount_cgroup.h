/* The "cgroup" mount of a config: on cgroup v2 a cgroup2 mount; on v1 and
 * hybrid hosts a tmpfs with one mount per hierarchy, as runc lays it out. */
#pragma once
#include <stdbool.h>

#include "util/error.h"

int mount_cgroup(int rootfd, const char *dest, unsigned long flags, bool new_cgroupns,
                 const char *field, rt_error *err);

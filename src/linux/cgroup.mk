# cgroups: v1, hybrid, v2; cgroupfs and systemd drivers; stats and OOM events.
librt_a_SOURCES += \
	src/linux/cgroup.c src/linux/cgroup.h src/linux/cgroup_internal.h \
	src/linux/cgroup_v1.c \
	src/linux/cgroup_v2.c \
	src/linux/cgroup_devices_bpf.c \
	src/linux/cgroup_systemd.c \
	src/linux/cgroup_stats.c

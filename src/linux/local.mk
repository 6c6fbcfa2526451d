libocirt_a_SOURCES += \
	src/linux/security.c src/linux/security.h \
	src/linux/hooks.c src/linux/hooks.h \
	src/linux/init.c src/linux/init.h \
	src/linux/exeseal.c src/linux/exeseal.h \
	src/linux/finalize.c src/linux/finalize.h \
	src/linux/sync.c src/linux/sync.h \
	src/linux/namespaces.c src/linux/namespaces.h \
	src/linux/mount.c src/linux/mount.h src/linux/mount_options.c \
	src/linux/mount_cgroup.c src/linux/mount_cgroup.h \
	src/linux/devices.c src/linux/devices.h \
	src/linux/process.c src/linux/process.h \
	src/linux/caps.c src/linux/capnames.c \
	src/linux/sys.c src/linux/sys.h \
	src/linux/netdev.c src/linux/netdev.h \
	src/linux/terminal.c src/linux/terminal.h \
	src/linux/criu.c src/linux/criu.h
# cgroups: v1, hybrid, v2; cgroupfs and systemd drivers; stats and OOM events.
libocirt_a_SOURCES += \
	src/linux/cgroup.c src/linux/cgroup.h src/linux/cgroup_internal.h \
	src/linux/cgroup_fs.c src/linux/cgroup_attach.c \
	src/linux/cgroup_v1.c \
	src/linux/cgroup_v2.c \
	src/linux/cgroup_devices_bpf.c \
	src/linux/cgroup_systemd.c \
	src/linux/cgroup_stats.c

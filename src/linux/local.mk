librt_a_SOURCES += \
	src/linux/init.c src/linux/init.h \
	src/linux/exeseal.c src/linux/exeseal.h \
	src/linux/finalize.c src/linux/finalize.h \
	src/linux/sync.c src/linux/sync.h \
	src/linux/namespaces.c src/linux/namespaces.h \
	src/linux/mount.c src/linux/mount.h \
	src/linux/mount_cgroup.c src/linux/mount_cgroup.h \
	src/linux/devices.c src/linux/devices.h \
	src/linux/process.c src/linux/process.h \
	src/linux/procfs.c src/linux/procfs.h \
	src/linux/caps.c \
	src/linux/sys.c src/linux/sys.h \
	src/linux/netdev.c src/linux/netdev.h \
	src/linux/terminal.c src/linux/terminal.h

# update, pause, resume, ps, events: the commands on a container's cgroup.
librt_a_SOURCES += \
	src/cmd/update.c \
	src/cmd/pause.c \
	src/cmd/resume.c \
	src/cmd/ps.c \
	src/cmd/events.c

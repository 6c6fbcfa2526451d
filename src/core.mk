librt_a_SOURCES += \
	src/container.c src/container.h src/container_ops.c src/container_internal.h \
	src/state.c \
	src/hooks.c src/hooks.h \
	src/forward.c src/forward.h \
	src/notify.c src/notify.h \
	src/exec.c

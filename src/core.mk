librt_a_SOURCES += \
	src/container.c src/container.h \
	src/hooks.c src/hooks.h \
	src/forward.c src/forward.h \
	src/exec.c

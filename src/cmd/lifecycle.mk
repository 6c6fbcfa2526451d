librt_a_SOURCES += \
	src/cmd/create.c src/cmd/lifecycle.c src/cmd/exec.c

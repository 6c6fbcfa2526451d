librt_a_SOURCES += \
	src/cmd/cmd.h src/cmd/common.c src/cmd/commands.c

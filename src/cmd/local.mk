librt_a_SOURCES += \
	src/cmd/cmd.h src/cmd/common.c src/cmd/commands.c
# state, list, spec, features: the commands that only read the state store or
# print documents.
librt_a_SOURCES += \
	src/cmd/state.c src/cmd/list.c src/cmd/spec.c src/cmd/seccomp_default.h src/cmd/features.c

# The command line: one file per subcommand, linked into rt itself (not the
# library); each includes only cmd/cmd.h and the library's container.h.
rt_SOURCES += \
	src/cmd/cmd.h src/cmd/common.c src/cmd/commands.c \
	src/cmd/create.c src/cmd/lifecycle.c src/cmd/exec.c \
	src/cmd/state.c src/cmd/list.c src/cmd/ps.c src/cmd/events.c \
	src/cmd/pause.c src/cmd/update.c src/cmd/checkpoint.c \
	src/cmd/spec.c src/cmd/seccomp_default.h src/cmd/features.c

# The library's top level: the lifecycle (container*.c, exec.c), the state
# store, signal forwarding, sd_notify and the features document.
# container.h is its public interface.
libocirt_a_SOURCES += \
	src/container.h src/container_internal.h src/creation.h \
	src/container_create.c src/container_config.c src/container_spawn.c src/container_cgroup.c \
	src/container_ops.c src/container_query.c src/container_resources.c \
	src/container_checkpoint.c \
	src/exec.c \
	src/state.c src/state.h \
	src/features.c src/rt_features.h \
	src/forward.c src/forward.h \
	src/notify.c src/notify.h

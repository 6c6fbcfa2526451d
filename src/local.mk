# The library's top level: the lifecycle (container*.c, exec.c), the state
# store, hooks, signal forwarding, sd_notify, the features document and the
# security entry points. container.h is its public interface.
libocirt_a_SOURCES += \
	src/container.h src/container_internal.h src/creation.h \
	src/container.c src/container_config.c src/container_spawn.c src/container_cgroup.c \
	src/container_ops.c src/container_query.c src/container_resources.c \
	src/exec.c \
	src/state.c src/state.h \
	src/features.c src/rt_features.h \
	src/hooks.c src/hooks.h \
	src/forward.c src/forward.h \
	src/notify.c src/notify.h \
	src/security.c src/security.h

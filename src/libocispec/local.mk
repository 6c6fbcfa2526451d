libocirt_a_SOURCES += \
	src/libocispec/oci_config.h \
	src/libocispec/json_read.c src/libocispec/json_read.h \
	src/libocispec/parse_internal.h \
	src/libocispec/parse_config.c \
	src/libocispec/parse_process.c \
	src/libocispec/parse_linux.c \
	src/libocispec/parse_seccomp.c \
	src/libocispec/parse_resources.c

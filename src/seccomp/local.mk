# Security: seccomp (libseccomp) and the LSMs (libselinux, libapparmor);
# their entry point for the init is src/linux/security.c (src/local.mk).
libocirt_a_SOURCES += \
	src/seccomp/seccomp.h src/seccomp/seccomp_internal.h \
	src/seccomp/names.c src/seccomp/filter.c src/seccomp/notify.c \
	src/seccomp/cache.c src/seccomp/libseccomp.c \
	src/lsm/lsm.h src/lsm/lsm_internal.h \
	src/lsm/lsm.c src/lsm/selinux.c src/lsm/apparmor.c

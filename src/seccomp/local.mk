# Security: seccomp (libseccomp), LSMs (libselinux, libapparmor), and the
# security_prepare/security_apply entry points the container init calls.
librt_a_SOURCES += \
	src/security.c src/security.h \
	src/seccomp/seccomp.h src/seccomp/seccomp_internal.h \
	src/seccomp/names.c src/seccomp/filter.c src/seccomp/notify.c \
	src/seccomp/cache.c \
	src/lsm/lsm.h src/lsm/lsm_internal.h \
	src/lsm/lsm.c src/lsm/selinux.c src/lsm/apparmor.c

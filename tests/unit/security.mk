# Unit tests of the security module: seccomp (filters loaded in forked
# children, the notify handshake with tests/seccomp-listener), capabilities
# (sets read back from /proc/self/status), and the LSM error paths.
# The tests link the module's sources directly (not librt.a) so that they
# build whatever state the rest of the tree is in.
check_PROGRAMS += tests/seccomp-listener/rt-seccomp-listener \
	tests/unit/test_seccomp tests/unit/test_caps tests/unit/test_lsm
TESTS += tests/unit/test_seccomp tests/unit/test_caps tests/unit/test_lsm
EXTRA_DIST += tests/unit/fixtures/seccomp-docker-like.json tests/bats/security.bats

# The notify agent (also used by tests/bats/security.bats).
tests_seccomp_listener_rt_seccomp_listener_SOURCES = tests/seccomp-listener/listener.c
tests_seccomp_listener_rt_seccomp_listener_LDADD = $(SECCOMP_LIBS) $(YAJL_LIBS)

security_test_util = src/util/error.c src/util/log.c src/util/json.c src/util/dl.c \
	src/linux/procfs.c
security_test_module = src/security.c src/seccomp/names.c src/seccomp/filter.c \
	src/seccomp/notify.c src/seccomp/cache.c src/lsm/lsm.c src/lsm/selinux.c \
	src/lsm/apparmor.c

tests_unit_test_seccomp_SOURCES = tests/unit/test_seccomp.c tests/unit/seccomp_profile.h \
	tests/unit/tap.h $(security_test_module) $(security_test_util)
tests_unit_test_seccomp_LDADD = $(RT_LIBS) -lpthread

tests_unit_test_caps_SOURCES = tests/unit/test_caps.c tests/unit/tap.h src/linux/caps.c \
	src/linux/process.c src/linux/namespaces.c src/util/fs.c $(security_test_util)
tests_unit_test_caps_LDADD = $(RT_LIBS)

tests_unit_test_lsm_SOURCES = tests/unit/test_lsm.c tests/unit/tap.h \
	$(security_test_module) $(security_test_util)
tests_unit_test_lsm_LDADD = $(RT_LIBS)

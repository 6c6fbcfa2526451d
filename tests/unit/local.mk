# Unit tests: each program prints TAP and exits non-zero on failure.

# The config.json parser (libocispec): whole documents from fixtures, and
# every error path with its exact message. The fixture directory is compiled
# in from the source tree (works out of tree and under distcheck); the
# FIXTURES_DIR environment variable overrides it.
config_fixtures_define = -DFIXTURES_DIR_DEFAULT='"$(abs_top_srcdir)/tests/unit/fixtures"'
check_PROGRAMS += tests/unit/test_config tests/unit/test_config_errors
TESTS += tests/unit/test_config tests/unit/test_config_errors
tests_unit_test_config_SOURCES = tests/unit/test_config.c tests/unit/tap.h
tests_unit_test_config_CPPFLAGS = $(AM_CPPFLAGS) $(config_fixtures_define)
tests_unit_test_config_LDADD = libocirt.a $(RT_LIBS) $(SECCOMP_LIBS)
tests_unit_test_config_errors_SOURCES = tests/unit/test_config_errors.c tests/unit/tap.h
tests_unit_test_config_errors_LDADD = libocirt.a $(RT_LIBS) $(SECCOMP_LIBS)
EXTRA_DIST += tests/unit/fixtures/config-full.json tests/unit/fixtures/config-spec-example.json \
	tests/unit/fixtures/config-default.json tests/unit/fixtures/process.json \
	tests/unit/fixtures/resources.json

# libFuzzer target for the parser (./configure --enable-fuzzing CC=clang),
# built with `make check` or by name; tests/fuzz/run.sh drives it. It compiles
# the parser's sources itself so that they carry the fuzzer's instrumentation.
EXTRA_DIST += tests/fuzz/run.sh tests/fuzz/json.dict
if ENABLE_FUZZING
check_PROGRAMS += tests/fuzz/fuzz_config
fuzz_flags = -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -g
tests_fuzz_fuzz_config_SOURCES = tests/fuzz/fuzz_config.c \
	src/libocispec/json_read.c src/libocispec/parse_config.c src/libocispec/parse_process.c \
	src/libocispec/parse_linux.c src/libocispec/parse_seccomp.c \
	src/libocispec/parse_resources.c src/util/error.c
tests_fuzz_fuzz_config_CFLAGS = $(AM_CFLAGS) $(fuzz_flags)
tests_fuzz_fuzz_config_LDFLAGS = $(fuzz_flags)
tests_fuzz_fuzz_config_LDADD = $(YAJL_LIBS)
endif

# Unit tests of the state store (src/state.c): ids, the state directory,
# state.json, locks, the live status and the state document. With
# STATE_JSON_OUT=DIR it also writes state documents for tests/schema/check.sh.
check_PROGRAMS += tests/unit/test_state tests/unit/test_spec_roundtrip
TESTS += tests/unit/test_state tests/unit/test_spec_roundtrip
tests_unit_test_state_SOURCES = tests/unit/test_state.c tests/unit/tap.h
tests_unit_test_state_LDADD = libocirt.a $(RT_LIBS) $(SECCOMP_LIBS)

# `rt spec` and `rt spec --rootless` read back with libocispec. The test runs
# the rt of this build tree (compiled in; RT_BINARY in the environment overrides).
tests_unit_test_spec_roundtrip_SOURCES = tests/unit/test_spec_roundtrip.c tests/unit/tap.h
tests_unit_test_spec_roundtrip_CPPFLAGS = $(AM_CPPFLAGS) \
	-DRT_BINARY_DEFAULT='"$(abs_top_builddir)/rt$(EXEEXT)"'
tests_unit_test_spec_roundtrip_LDADD = libocirt.a $(RT_LIBS) $(SECCOMP_LIBS)

# JSON-schema checks of rt's output against the runtime-spec schemas
# (python3-jsonschema; run by hand or by a test lane, not by `make check`).
EXTRA_DIST += tests/schema/check.sh tests/schema/runtime-spec

# Unit tests of the cgroups module: real cgroups under a test parent (root
# only; the program skips without root or without a cgroup file system).
check_PROGRAMS += tests/unit/test_cgroup
TESTS += tests/unit/test_cgroup
tests_unit_test_cgroup_SOURCES = tests/unit/test_cgroup.c
tests_unit_test_cgroup_LDADD = libocirt.a $(RT_LIBS) $(SECCOMP_LIBS)

# Unit tests of the security module: seccomp (filters loaded in forked
# children, the notify handshake with tests/seccomp-listener), capabilities
# (sets read back from /proc/self/status), and the LSM error paths.
# The tests link the module's sources directly (not libocirt.a) so that they
# build whatever state the rest of the tree is in.
check_PROGRAMS += tests/seccomp-listener/rt-seccomp-listener \
	tests/unit/test_seccomp tests/unit/test_caps tests/unit/test_lsm
TESTS += tests/unit/test_seccomp tests/unit/test_caps tests/unit/test_lsm
EXTRA_DIST += tests/unit/fixtures/seccomp-docker-like.json tests/bats/security.bats

# The notify agent (also used by tests/bats/security.bats).
tests_seccomp_listener_rt_seccomp_listener_SOURCES = tests/seccomp-listener/listener.c
tests_seccomp_listener_rt_seccomp_listener_LDADD = $(SECCOMP_LIBS) $(YAJL_LIBS)

security_test_util = src/util/error.c src/util/log.c src/util/json.c src/util/dl.c \
	src/util/procfs.c src/util/fs.c
security_test_module = src/linux/security.c src/seccomp/names.c src/seccomp/filter.c \
	src/seccomp/notify.c src/seccomp/cache.c src/seccomp/libseccomp.c src/lsm/lsm.c src/lsm/selinux.c \
	src/lsm/apparmor.c

tests_unit_test_seccomp_SOURCES = tests/unit/test_seccomp.c tests/unit/seccomp_profile.h \
	tests/unit/tap.h $(security_test_module) $(security_test_util)
tests_unit_test_seccomp_LDADD = $(RT_LIBS) $(SECCOMP_LIBS) -lpthread

tests_unit_test_caps_SOURCES = tests/unit/test_caps.c tests/unit/tap.h src/linux/caps.c \
	src/linux/capnames.c \
	src/linux/process.c src/linux/namespaces.c $(security_test_util)
tests_unit_test_caps_LDADD = $(RT_LIBS) $(SECCOMP_LIBS)

tests_unit_test_lsm_SOURCES = tests/unit/test_lsm.c tests/unit/tap.h \
	$(security_test_module) $(security_test_util)
tests_unit_test_lsm_LDADD = $(RT_LIBS) $(SECCOMP_LIBS)
# src/util without root: the mountinfo parser, the atomic writer, the file
# reader, the RFC 3339 formatter and the error messages. It links the util
# sources it tests directly, as the security tests above do.
check_PROGRAMS += tests/unit/test_util
TESTS += tests/unit/test_util
tests_unit_test_util_SOURCES = tests/unit/test_util.c tests/unit/tap.h \
	src/util/error.c src/util/fs.c src/util/mountinfo.c

# Unit tests without root over the kernel-facing calls: tests/unit/fake_kernel.c
# records (and fakes) mount, umount2, mount_setattr, open_tree, move_mount,
# fsopen, fsconfig, fsmount, setns, the cgroup file write sys_write_file
# (src/linux/sys.c) and the eBPF device filter, put in front of the real
# calls at link time with ld --wrap (no change to the production build;
# close is wrapped only to forget the labels the fake gives its fds).
fake_kernel_wraps = -Wl,--wrap=sys_write_file -Wl,--wrap=cgroup_devices_bpf_apply \
	-Wl,--wrap=mount -Wl,--wrap=umount2 -Wl,--wrap=mount_setattr -Wl,--wrap=open_tree \
	-Wl,--wrap=move_mount -Wl,--wrap=fsopen -Wl,--wrap=fsconfig -Wl,--wrap=fsmount \
	-Wl,--wrap=setns -Wl,--wrap=close
fake_kernel_sources = tests/unit/tap.h tests/unit/fake_kernel.c tests/unit/fake_kernel.h
check_PROGRAMS += tests/unit/test_cgroup_logic
TESTS += tests/unit/test_cgroup_logic
tests_unit_test_cgroup_logic_SOURCES = tests/unit/test_cgroup_logic.c $(fake_kernel_sources)
tests_unit_test_cgroup_logic_LDFLAGS = $(AM_LDFLAGS) $(fake_kernel_wraps)
tests_unit_test_cgroup_logic_LDADD = libocirt.a $(RT_LIBS) $(SECCOMP_LIBS)
check_PROGRAMS += tests/unit/test_mount_plan
TESTS += tests/unit/test_mount_plan
tests_unit_test_mount_plan_SOURCES = tests/unit/test_mount_plan.c $(fake_kernel_sources)
tests_unit_test_mount_plan_LDFLAGS = $(AM_LDFLAGS) $(fake_kernel_wraps)
tests_unit_test_mount_plan_LDADD = libocirt.a $(RT_LIBS) $(SECCOMP_LIBS)

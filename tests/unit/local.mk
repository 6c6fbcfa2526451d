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
tests_unit_test_config_LDADD = librt.a $(RT_LIBS)
tests_unit_test_config_errors_SOURCES = tests/unit/test_config_errors.c tests/unit/tap.h
tests_unit_test_config_errors_LDADD = librt.a $(RT_LIBS)
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

# Unit tests without root over the kernel-facing calls: tests/unit/fake_kernel.c
# records (and fakes) mount, umount2, mount_setattr, open_tree, move_mount,
# fsopen, fsconfig, fsmount, setns, the cgroup file write sys_write_file
# (src/linux/sys.c) and the eBPF device filter, put in front of the real
# calls at link time with ld --wrap (no change to the production build;
# close is wrapped only to forget the labels the fake gives its fds).
fake_kernel_wraps = -Wl,--wrap=sys_write_file -Wl,--wrap=cg_devices_bpf_apply \
	-Wl,--wrap=mount -Wl,--wrap=umount2 -Wl,--wrap=mount_setattr -Wl,--wrap=open_tree \
	-Wl,--wrap=move_mount -Wl,--wrap=fsopen -Wl,--wrap=fsconfig -Wl,--wrap=fsmount \
	-Wl,--wrap=setns -Wl,--wrap=close
fake_kernel_sources = tests/unit/tap.h tests/unit/fake_kernel.c tests/unit/fake_kernel.h
check_PROGRAMS += tests/unit/test_cgroup_logic
TESTS += tests/unit/test_cgroup_logic
tests_unit_test_cgroup_logic_SOURCES = tests/unit/test_cgroup_logic.c $(fake_kernel_sources)
tests_unit_test_cgroup_logic_LDFLAGS = $(AM_LDFLAGS) $(fake_kernel_wraps)
tests_unit_test_cgroup_logic_LDADD = librt.a $(RT_LIBS)
check_PROGRAMS += tests/unit/test_mount_plan
TESTS += tests/unit/test_mount_plan
tests_unit_test_mount_plan_SOURCES = tests/unit/test_mount_plan.c $(fake_kernel_sources)
tests_unit_test_mount_plan_LDFLAGS = $(AM_LDFLAGS) $(fake_kernel_wraps)
tests_unit_test_mount_plan_LDADD = librt.a $(RT_LIBS)

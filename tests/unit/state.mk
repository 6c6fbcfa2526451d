# Unit tests of the state store (src/state.c): ids, the state directory,
# state.json, locks, the live status and the state document. With
# STATE_JSON_OUT=DIR it also writes state documents for tests/schema/check.sh.
check_PROGRAMS += tests/unit/test_state tests/unit/test_spec_roundtrip
TESTS += tests/unit/test_state tests/unit/test_spec_roundtrip
tests_unit_test_state_SOURCES = tests/unit/test_state.c tests/unit/tap.h
tests_unit_test_state_LDADD = librt.a $(RT_LIBS)

# `rt spec` and `rt spec --rootless` read back with libocispec. The test runs
# the rt of this build tree (compiled in; RT_BINARY in the environment overrides).
tests_unit_test_spec_roundtrip_SOURCES = tests/unit/test_spec_roundtrip.c tests/unit/tap.h
tests_unit_test_spec_roundtrip_CPPFLAGS = $(AM_CPPFLAGS) \
	-DRT_BINARY_DEFAULT='"$(abs_top_builddir)/rt$(EXEEXT)"'
tests_unit_test_spec_roundtrip_LDADD = librt.a $(RT_LIBS)

# JSON-schema checks of rt's output against the runtime-spec schemas
# (python3-jsonschema; run by hand or by a test lane, not by `make check`).
EXTRA_DIST += tests/schema/check.sh tests/schema/runtime-spec

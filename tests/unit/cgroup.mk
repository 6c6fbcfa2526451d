# Unit tests of the cgroups module: real cgroups under a test parent (root
# only; the program skips without root or without a cgroup file system).
check_PROGRAMS += tests/unit/test_cgroup
TESTS += tests/unit/test_cgroup
tests_unit_test_cgroup_SOURCES = tests/unit/test_cgroup.c
tests_unit_test_cgroup_LDADD = librt.a $(RT_LIBS)

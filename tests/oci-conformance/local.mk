# The OCI conformance lane: tests/oci-conformance/run.sh (see
# docs/conformance.md). Its checker must be a static binary to run in any
# rootfs, so it is not an automake program: a sanitizer build's CFLAGS would
# break a static link. run.sh builds it with `gcc -static` when needed;
# `make oci-checker` builds it into the build tree, where run.sh picks it up.
EXTRA_DIST += tests/oci-conformance/checker.c tests/oci-conformance/run.sh tests/lib/busybox-links.py \
	tests/oci-conformance/gen.py tests/oci-conformance/known-deviations \
	docs/conformance.md

oci-checker: tests/oci-conformance/checker
tests/oci-conformance/checker: $(srcdir)/tests/oci-conformance/checker.c
	@$(MKDIR_P) tests/oci-conformance
	$(CC) -std=gnu11 -static -O2 -Wall -Wextra -Wno-unused-parameter -o $@ $(srcdir)/tests/oci-conformance/checker.c
CLEANFILES += tests/oci-conformance/checker
.PHONY: oci-checker

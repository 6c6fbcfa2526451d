# Unit tests: each program prints TAP and exits non-zero on failure.

#!/bin/sh
# Fuzz the config.json / process.json / resources.json parser for a bounded
# time with libFuzzer (ASan + UBSan + LeakSanitizer).
#
# usage: tests/fuzz/run.sh [BUILD_DIR]
#   BUILD_DIR  a build tree configured with `CC=clang ./configure --enable-fuzzing`;
#              without it, one is configured and built in a temporary directory
#              under /tmp (removed afterwards).
# environment:
#   FUZZ_SECONDS  how long to fuzz (default 60)
#   FUZZ_KEEP     set to keep the temporary corpus and build for inspection
#
# The seed corpus is the parser's unit-test fixtures. Exits non-zero on a
# crash, a leak, a timeout or a build failure; the last line printed is
# `fuzz: passed` or `fuzz: failed`.
set -u

srcdir=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${FUZZ_SECONDS:-60}
work=$(mktemp -d /tmp/rt-fuzz.XXXXXX) || { echo "fuzz: failed"; exit 1; }

finish() {
	status=$1
	if [ -z "${FUZZ_KEEP:-}" ]; then
		rm -rf "$work"
	else
		echo "fuzz: kept $work"
	fi
	if [ "$status" -eq 0 ]; then
		echo "fuzz: passed"
	else
		echo "fuzz: failed"
	fi
	exit "$status"
}

if [ $# -ge 1 ]; then
	build=$(cd "$1" && pwd) || finish 1
else
	build=$work/build
	mkdir -p "$build"
	if [ ! -x "$srcdir/configure" ]; then
		(cd "$srcdir" && ./autogen.sh) >"$work/autogen.log" 2>&1 ||
			{ cat "$work/autogen.log"; finish 1; }
	fi
	echo "fuzz: configuring in $build"
	(cd "$build" && CC=clang "$srcdir/configure" --enable-fuzzing) >"$work/configure.log" 2>&1 ||
		{ tail -n 30 "$work/configure.log"; finish 1; }
fi

echo "fuzz: building tests/fuzz/fuzz_config"
make -C "$build" -j"$(nproc 2>/dev/null || echo 2)" tests/fuzz/fuzz_config >"$work/make.log" 2>&1 ||
	{ tail -n 30 "$work/make.log"; finish 1; }

corpus=$work/corpus
artifacts=$work/artifacts
mkdir -p "$corpus" "$artifacts"
cp "$srcdir"/tests/unit/fixtures/*.json "$corpus"/

echo "fuzz: running for ${seconds}s"
"$build/tests/fuzz/fuzz_config" \
	-max_total_time="$seconds" \
	-timeout=10 \
	-rss_limit_mb=2048 \
	-max_len=65536 \
	-dict="$srcdir/tests/fuzz/json.dict" \
	-artifact_prefix="$artifacts/" \
	-print_final_stats=1 \
	"$corpus" >"$work/fuzz.log" 2>&1
status=$?
grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb|Done [0-9]+ runs)' \
	"$work/fuzz.log"
if [ "$status" -ne 0 ] || [ -n "$(ls -A "$artifacts")" ]; then
	tail -n 60 "$work/fuzz.log"
	for a in "$artifacts"/*; do
		[ -e "$a" ] || continue
		echo "fuzz: artifact $a:"
		head -c 2000 "$a" | od -c | head -n 40
	done
	FUZZ_KEEP=${FUZZ_KEEP:-1}
	finish 1
fi
finish 0

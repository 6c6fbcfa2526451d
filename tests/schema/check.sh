#!/bin/bash
# JSON-schema checks of rt's output against the OCI runtime-spec schemas,
# with python3-jsonschema (Debian 12 ships 4.10.x; newer versions with the
# `referencing` library work too). Prints TAP; exits non-zero on failure.
#
#   RT=path/to/rt          the binary (default: the build tree's rt)
#   SPEC=path              a runtime-spec checkout (default: the copy of v1.3.0's schemas
#                          in tests/schema/runtime-spec); schemas in $SPEC/schema
#   TEST_STATE=path        the built tests/unit/test_state (default: next to $RT)
#   LIVE_STATE_DIR=dir     optional: a --root with live containers; `rt --root DIR state ID`
#                          is validated for every id of `rt --root DIR list -q`
#   PYTHON=python3         the interpreter that has jsonschema
#
# Checked: `rt spec` and `rt spec --rootless` (config-schema.json), `rt
# features` (features-schema.json, which refers to features-linux.json), the
# state documents of a created, a running and a stopped container written by
# test_state with STATE_JSON_OUT (state-schema.json), and, as controls, that
# broken documents are rejected (so a schema that failed to load or a $ref
# that did not resolve cannot pass silently).
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
RT=${RT:-$top/build/rt}
# The schemas of runtime-spec v1.3.0 are kept in tests/schema/runtime-spec
# (Apache-2.0, as the spec), so that a clean clone can check.
SPEC=${SPEC:-$top/tests/schema/runtime-spec}
PYTHON=${PYTHON:-python3}
TEST_STATE=${TEST_STATE:-$(dirname "$RT")/tests/unit/test_state}
SCHEMA_DIR=$(cd "$SPEC/schema" 2>/dev/null && pwd) || {
	echo "Bail out! no schema directory at $SPEC/schema (set SPEC)"
	exit 1
}

n=0
failed=0
pass() { n=$((n + 1)); echo "ok $n - $*"; }
fail() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
diag() { sed 's/^/# /'; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rt-schema-XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# ---- the validator -----------------------------------------------------------------------------
cat >"$tmp/validate.py" <<'PY'
"""validate.py SCHEMA_DIR SCHEMA_NAME FILE...: validate each JSON file against
SCHEMA_DIR/SCHEMA_NAME; $refs to sibling files resolve from SCHEMA_DIR (base
URI file://SCHEMA_DIR/). Prints the errors; exit 0 when all are valid, 1 when
one is not, 2 when the schema cannot be used.

--allow-paused: a state document with status "paused" (runc's and rt's state
of a frozen container: runtime.md lets a runtime add states, the schema's enum
does not list it) is validated as if it said "running"."""
import glob
import json
import os
import sys

import jsonschema

args = sys.argv[1:]
allow_paused = "--allow-paused" in args
args = [a for a in args if a != "--allow-paused"]
schema_dir, schema_name, files = os.path.abspath(args[0]), args[1], args[2:]
base = "file://" + schema_dir + "/"

store = {}
for path in sorted(glob.glob(os.path.join(schema_dir, "*.json"))):
    with open(path) as f:
        store[base + os.path.basename(path)] = json.load(f)
root_uri = base + schema_name
if root_uri not in store:
    print("no schema %s in %s" % (schema_name, schema_dir))
    sys.exit(2)
schema = store[root_uri]
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)

try:  # jsonschema >= 4.18: the referencing library
    import referencing
    import referencing.jsonschema

    spec = referencing.jsonschema.specification_with(
        schema.get("$schema", "http://json-schema.org/draft-04/schema#"))
    registry = referencing.Registry().with_resources(
        (uri, referencing.Resource.from_contents(doc, default_specification=spec))
        for uri, doc in store.items())
    validator = cls({"$ref": root_uri}, registry=registry)
    how = "referencing"
except ImportError:  # jsonschema 4.10 (Debian 12): RefResolver with a pre-filled store
    resolver = jsonschema.RefResolver(base_uri=root_uri, referrer=schema, store=store)
    validator = cls(schema, resolver=resolver)
    how = "RefResolver"

status = 0
for path in files:
    try:
        with open(path) as f:
            doc = json.load(f)
    except ValueError as e:
        print("%s: not JSON: %s" % (path, e))
        status = 1
        continue
    if allow_paused and isinstance(doc, dict) and doc.get("status") == "paused":
        print("%s: status \"paused\" validated as \"running\" (not in the schema's enum)" % path)
        doc = dict(doc, status="running")
    try:
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    except Exception as e:  # an unresolvable $ref and the like
        print("%s: the validator failed: %s: %s" % (path, type(e).__name__, e))
        status = 2
        continue
    for e in errors:
        where = "".join("[%r]" % p if isinstance(p, int) else "." + str(p) for p in e.absolute_path)
        print("%s: %s: %s" % (path, where or ".", e.message))
        status = max(status, 1)
    if not errors:
        print("%s: valid against %s (%s, %s)" % (os.path.basename(path), schema_name, cls.__name__, how))
sys.exit(status)
PY

# validate NAME SCHEMA FILE... [-- extra validator options]: one TAP line
validate() {
	local name=$1 schema=$2
	shift 2
	local out
	if out=$("$PYTHON" "$tmp/validate.py" "$SCHEMA_DIR" "$schema" "$@" 2>&1); then
		pass "$name"
	else
		fail "$name"
	fi
	printf '%s\n' "$out" | diag
}

# expect_invalid NAME SCHEMA FILE: the control must be rejected (exit 1, not 2)
expect_invalid() {
	local name=$1 schema=$2 file=$3 out rc
	out=$("$PYTHON" "$tmp/validate.py" "$SCHEMA_DIR" "$schema" "$file" 2>&1)
	rc=$?
	if [ "$rc" = 1 ]; then pass "$name"; else fail "$name (validator exit $rc, want 1)"; fi
	printf '%s\n' "$out" | diag
}

if ! "$PYTHON" -c 'import jsonschema' 2>/dev/null; then
	echo "Bail out! $PYTHON cannot import jsonschema (apt-get install python3-jsonschema)"
	exit 1
fi
if [ ! -x "$RT" ]; then
	echo "Bail out! no rt binary at $RT (set RT)"
	exit 1
fi
echo "# rt: $RT"
echo "# schemas: $SCHEMA_DIR"
echo "# jsonschema $("$PYTHON" -c 'import importlib.metadata as m; print(m.version("jsonschema"))' 2>/dev/null) ($PYTHON)"

# ---- (a) rt spec, rt spec --rootless -------------------------------------------------------------
for variant in default rootless; do
	bundle=$tmp/bundle-$variant
	mkdir "$bundle"
	flags=()
	label="rt spec"
	[ "$variant" = rootless ] && flags=(--rootless) && label="rt spec --rootless"
	if out=$("$RT" spec "${flags[@]}" --bundle "$bundle" 2>&1) && [ -s "$bundle/config.json" ]; then
		pass "$label writes config.json"
		validate "$label: config.json is valid against config-schema.json" \
			config-schema.json "$bundle/config.json"
	else
		fail "$label writes config.json"
		printf '%s\n' "$out" | diag
	fi
done

# ---- (b) rt features ---------------------------------------------------------------------------
if [ -f "$SCHEMA_DIR/features-schema.json" ]; then
	pass "features-schema.json exists"
else
	fail "features-schema.json exists"
fi
if [ -f "$SCHEMA_DIR/features-linux.json" ] &&
	grep -q '"\$ref": *"features-linux.json#/linux"' "$SCHEMA_DIR/features-schema.json" 2>/dev/null; then
	pass "features-schema.json refers to features-linux.json (linux features are checked too)"
else
	fail "features-schema.json refers to features-linux.json (linux features are checked too)"
fi
if "$RT" features >"$tmp/features.json" 2>"$tmp/features.err"; then
	pass "rt features exits 0"
	validate "rt features is valid against features-schema.json" features-schema.json "$tmp/features.json"
	if "$PYTHON" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if isinstance(d.get("linux"), dict) and d["linux"].get("namespaces") else 1)' "$tmp/features.json"; then
		pass "rt features has a linux section (validated through features-linux.json)"
	else
		fail "rt features has a linux section (validated through features-linux.json)"
	fi
else
	fail "rt features exits 0"
	diag <"$tmp/features.err"
fi

# ---- (c) state documents -----------------------------------------------------------------------
mkdir "$tmp/state"
if [ -x "$TEST_STATE" ]; then
	if STATE_JSON_OUT=$tmp/state "$TEST_STATE" >"$tmp/test_state.out" 2>&1; then
		pass "test_state with STATE_JSON_OUT passes"
	else
		fail "test_state with STATE_JSON_OUT passes"
		grep -E '^(not ok|#|Bail)' "$tmp/test_state.out" | diag
	fi
	for status in created running stopped running-no-annotations; do
		f=$tmp/state/state-$status.json
		if [ -s "$f" ]; then
			validate "state document ($status) is valid against state-schema.json" state-schema.json "$f"
		else
			fail "state document ($status) was written by test_state"
		fi
	done
else
	fail "test_state is built at $TEST_STATE (make check, or set TEST_STATE)"
fi

if [ -n "${LIVE_STATE_DIR:-}" ]; then
	if ids=$("$RT" --root "$LIVE_STATE_DIR" list -q 2>"$tmp/list.err"); then
		pass "rt --root $LIVE_STATE_DIR list -q"
	else
		fail "rt --root $LIVE_STATE_DIR list -q"
		diag <"$tmp/list.err"
		ids=
	fi
	[ -n "$ids" ] || echo "# no containers under $LIVE_STATE_DIR"
	for id in $ids; do
		if "$RT" --root "$LIVE_STATE_DIR" state "$id" >"$tmp/live-$id.json" 2>"$tmp/live-$id.err"; then
			validate "rt state $id is valid against state-schema.json" state-schema.json \
				--allow-paused "$tmp/live-$id.json"
		else
			# it may have been deleted between list and state
			if grep -q 'does not exist' "$tmp/live-$id.err"; then
				echo "# $id went away between list and state"
			else
				fail "rt state $id"
				diag <"$tmp/live-$id.err"
			fi
		fi
	done
fi

# ---- controls: broken documents are rejected ------------------------------------------------------
if [ -s "$tmp/bundle-default/config.json" ]; then
	"$PYTHON" - "$tmp/bundle-default/config.json" "$tmp/bad-config.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["linux"]["namespaces"][0]["type"] = "bogus"  # an enum in defs-linux.json: needs the $refs
json.dump(d, open(sys.argv[2], "w"))
PY
	expect_invalid "control: a config with namespace type \"bogus\" is rejected" \
		config-schema.json "$tmp/bad-config.json"
fi
echo '{"ociVersionMin": "1.0.0", "ociVersionMax": "1.3.0", "linux": {"namespaces": ["bogus"]}}' >"$tmp/bad-features.json"
expect_invalid "control: features with namespace \"bogus\" are rejected (features-linux.json is used)" \
	features-schema.json "$tmp/bad-features.json"
echo '{"ociVersion": "1.3.0", "id": "x", "status": "bogus", "pid": -1, "bundle": "/b", "annotations": {"a": 1}}' \
	>"$tmp/bad-state.json"
expect_invalid "control: a state with status \"bogus\", pid -1, a number annotation is rejected" \
	state-schema.json "$tmp/bad-state.json"

echo "1..$n"
[ "$failed" = 0 ]

#!/bin/sh
# Interop check: generate a vector set with the real Lit JS SDK (pinned in
# package.json / package-lock.json) and run tests/check-vectors on it.
# Needs Node >= 18, npm and the npm registry; exits 77 (skip) without npm.
set -eu

top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
here=$top_srcdir/tests/interop

if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    echo "interop: SKIP: node/npm not found (needed to run the Lit JS SDK)"
    exit 77
fi
checker=$top_builddir/tests/check-vectors
if [ ! -x "$checker" ]; then
    echo "interop: $checker is not built (run: make tests/check-vectors)" >&2
    exit 1
fi

# npm ci writes node_modules next to package.json: work on a copy when the
# source tree is read-only (distcheck).
work=$here
if [ ! -w "$here" ]; then
    work=$(mktemp -d "${TMPDIR:-/tmp}/lithsm-interop.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    cp "$here/package.json" "$here/package-lock.json" "$here"/gen-*.mjs \
        "$work/"
fi
out=${INTEROP_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/lithsm-interop-vectors.XXXXXX")}

echo "interop: npm ci in $work"
(cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
echo "interop: generating vectors into $out"
node "$work/gen-vectors.mjs" "$out"
echo "interop: $checker $out"
status=0
"$checker" "$out" || status=$?
if [ "$status" -eq 0 ]; then
    echo "interop: PASS"
    [ -n "${INTEROP_OUT:-}" ] || rm -rf "$out"
else
    echo "interop: FAIL (check-vectors exit status $status; vectors kept in $out)"
fi
exit "$status"

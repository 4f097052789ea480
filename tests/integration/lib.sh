# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The lithsm authors
# lib.sh - shared helpers for the SoftHSM2 integration tests (POSIX sh).
#
# A test sources this file, calls lithsm_setup, then uses pass/fail/check
# and ends with lithsm_done.  Each test gets its own temporary directory
# with its own SoftHSM2 configuration and token, removed on exit.  A test
# that cannot run reports "not ok" with the reason: it never skips
# silently.

: "${top_srcdir:=.}"
: "${top_builddir:=.}"

tap_n=0
tap_failed=0

pass() {
    tap_n=$((tap_n + 1))
    echo "ok $tap_n - $1"
}

fail() {
    tap_n=$((tap_n + 1))
    tap_failed=$((tap_failed + 1))
    echo "not ok $tap_n - $1"
    shift
    for line in "$@"; do
        echo "# $line"
    done
}

# check NAME CMD...: runs CMD with output in $T/out; passes when it
# succeeds.
check() {
    name=$1
    shift
    if "$@" >"$T/out" 2>&1; then
        pass "$name"
    else
        fail "$name" "command failed: $*" "$(tail -n 5 "$T/out")"
    fi
}

# check_fails NAME PATTERN CMD...: passes when CMD fails and its output
# contains PATTERN (the "clear error").
check_fails() {
    name=$1
    pattern=$2
    shift 2
    if "$@" >"$T/out" 2>&1; then
        fail "$name" "command succeeded but should have failed: $*"
    elif grep -q -- "$pattern" "$T/out"; then
        pass "$name"
    else
        fail "$name" "expected an error matching: $pattern" \
            "$(tail -n 5 "$T/out")"
    fi
}

# check_grep NAME PATTERN FILE: passes when FILE has a line matching
# PATTERN.
check_grep() {
    if grep -q -- "$2" "$3"; then
        pass "$1"
    else
        fail "$1" "no line matches: $2" "$(tail -n 5 "$3")"
    fi
}

# check_same NAME FILE1 FILE2: passes when both files are equal.
check_same() {
    if cmp -s "$2" "$3"; then
        pass "$1"
    else
        fail "$1" "$2 and $3 differ"
    fi
}

# Gives up the whole test with one "not ok" naming the reason.
bail() {
    echo "not ok $((tap_n + 1)) - cannot run: $1"
    echo "1..$((tap_n + 1))"
    exit 1
}

lithsm_done() {
    echo "1..$tap_n"
    [ "$tap_failed" -eq 0 ]
}

# Finds the SoftHSM2 module (Debian paths first).
find_softhsm() {
    for m in /usr/lib/softhsm/libsofthsm2.so \
        /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so \
        /usr/lib64/pkcs11/libsofthsm2.so \
        /usr/local/lib/softhsm/libsofthsm2.so; do
        if [ -f "$m" ]; then
            echo "$m"
            return 0
        fi
    done
    return 1
}

# lithsm_setup: temporary directory $T, SoftHSM2 configuration, an empty
# token labelled $TOKEN with user PIN in $T/pin (0600), provider path.
lithsm_setup() {
    for tool in softhsm2-util pkcs11-tool openssl; do
        command -v "$tool" >/dev/null 2>&1 ||
            bail "$tool not found (install softhsm2, opensc, openssl)"
    done
    MODULE=$(find_softhsm) || bail "libsofthsm2.so not found (install softhsm2)"
    PROVIDER_DIR=$top_builddir/provider/.libs
    [ -f "$PROVIDER_DIR/lithsm.so" ] ||
        bail "$PROVIDER_DIR/lithsm.so not built"
    T=$(mktemp -d "${TMPDIR:-/tmp}/lithsm-test.XXXXXX") ||
        bail "mktemp failed"
    trap 'rm -rf "$T"' EXIT
    trap 'exit 1' HUP INT TERM
    mkdir "$T/tokens"
    cat >"$T/softhsm2.conf" <<CONF
directories.tokendir = $T/tokens
objectstore.backend = file
log.level = ERROR
library.reset_on_fork = true
CONF
    SOFTHSM2_CONF=$T/softhsm2.conf
    OPENSSL_MODULES=$(cd "$PROVIDER_DIR" && pwd)
    export SOFTHSM2_CONF OPENSSL_MODULES
    # No system openssl.cnf surprises: an empty one unless a test sets its own.
    : >"$T/empty.cnf"
    OPENSSL_CONF=$T/empty.cnf
    export OPENSSL_CONF
    # The CLI's module: this SoftHSM2, not its default (p11-kit's proxy).
    printf '[lithsm]\nmodule = %s\n' "$MODULE" >"$T/lithsm.conf"
    LITHSM_CONF=$T/lithsm.conf
    export LITHSM_CONF
    TOKEN=lithsm-test
    # Throwaway token: PINs on this command line are acceptable here only.
    USER_PIN=123456
    softhsm2-util --init-token --free --label "$TOKEN" \
        --pin "$USER_PIN" --so-pin 65432100 >"$T/init.log" 2>&1 ||
        bail "softhsm2-util --init-token failed: $(cat "$T/init.log")"
    umask 077
    printf '%s\n' "$USER_PIN" >"$T/pin"
    chmod 600 "$T/pin"
}

# lithsm_cli: L, the lithsm CLI of the build, and PS, its PIN option for
# the test token.
lithsm_cli() {
    L=$top_builddir/tools/lithsm
    [ -x "$L" ] || bail "$L not built"
    PS="--pin-source file:$T/pin"
}

# wallet_key: a secp256k1 key labelled wallet on the test token; URI names
# its private key.
wallet_key() {
    keygen secp256k1 01 wallet || bail "pkcs11-tool keygen failed"
    URI="pkcs11:token=$TOKEN;object=wallet;type=private"
}

# p11tool ARGS...: pkcs11-tool logged in to the test token.
p11tool() {
    pkcs11-tool --module "$MODULE" --token-label "$TOKEN" \
        --login --pin "$USER_PIN" "$@"
}

# keygen CURVE ID LABEL: a key pair with the wallet attributes (private:
# sensitive, private, sign; public: verify).
keygen() {
    p11tool --keypairgen --key-type "EC:$1" --id "$2" --label "$3" \
        --usage-sign --sensitive --private >"$T/keygen.log" 2>&1
}

#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The lithsm authors
# signer.sh - liblithsm's signer on token keys (pkcs11: URIs through the
# lithsm provider): makes a SoftHSM2 token with a secp256k1 wallet key and
# a P-256 key, exports the wallet's public key with openssl, then runs
# test_signer_pkcs11, which prints the TAP results.  Before that, under
# valgrind memcheck: test_signer_pkcs11 with a few signatures (on a copy
# of the token: its last test empties the token directory) and openssl
# pkeyutl -sign through the provider; any memory error or definite or
# indirect leak fails.  No suppressions: nothing in lithsm, SoftHSM2,
# libp11 or OpenSSL leaks on these paths.
set -eu

. "${top_srcdir:-.}/tests/integration/lib.sh"

lithsm_setup

BIN=$top_builddir/tests/integration/test_signer_pkcs11
[ -x "$BIN" ] || bail "$BIN not built"
# An Ed25519 key of another application on the same token (libp11 0.4.12
# alone could not list any key here).
for k in "secp256k1 01 eth0" "prime256v1 02 p256" "edwards25519 03 other-app"
do
    # shellcheck disable=SC2086
    keygen $k || bail "pkcs11-tool keygen $k failed: $(cat "$T/keygen.log")"
done
printf '000000\n' >"$T/badpin"
chmod 600 "$T/badpin"

URI="pkcs11:token=$TOKEN;object=eth0;type=private"
openssl pkey -provider lithsm -provider default \
    -in "$URI?pin-source=file:$T/pin" -pubout -out "$T/pub.pem" \
    >"$T/out" 2>&1 ||
    bail "openssl pkey -pubout failed: $(cat "$T/out")"

LITHSM_TEST_URI="$URI?pin-source=file:$T/pin"
LITHSM_TEST_PUBPEM=$T/pub.pem
LITHSM_TEST_P256_URI="pkcs11:token=$TOKEN;object=p256?pin-source=file:$T/pin"
LITHSM_TEST_BADPIN_URI="$URI?pin-source=file:$T/badpin"
: "${LITHSM_TEST_COUNT:=1000}"
LITHSM_TEST_TOKENDIR=$T/tokens
LITHSM_TEST_MODULE=$MODULE
# Issue 8 item 3: a URI's own env: pin-source is wiped once the key is open.
LITHSM_TEST_ENV_URI="$URI?pin-source=env:LITHSM_TEST_URI_PIN"
LITHSM_TEST_URI_PIN=$(cat "$T/pin")
export LITHSM_TEST_ENV_URI LITHSM_TEST_URI_PIN
export LITHSM_TEST_URI LITHSM_TEST_PUBPEM LITHSM_TEST_P256_URI \
    LITHSM_TEST_BADPIN_URI LITHSM_TEST_COUNT LITHSM_TEST_TOKENDIR \
    LITHSM_TEST_MODULE

# ---------------------------------------------------------------- valgrind
VG_COUNT=5
if [ -n "${VALGRIND:-}" ]; then
    VG="$VALGRIND --quiet --leak-check=full --num-callers=40 \
        --errors-for-leak-kinds=definite,indirect --error-exitcode=80"
    cp -R "$T/tokens" "$T/tokens-vg"
    sed "s|^directories.tokendir = .*|directories.tokendir = $T/tokens-vg|" \
        "$T/softhsm2.conf" >"$T/softhsm2-vg.conf"
    vg_bin=0
    # shellcheck disable=SC2086 # $VG is a command with options
    SOFTHSM2_CONF=$T/softhsm2-vg.conf LITHSM_TEST_COUNT=$VG_COUNT \
        LITHSM_TEST_VALGRIND=1 \
        LITHSM_TEST_TOKENDIR=$T/tokens-vg \
        $VG "$BIN" >"$T/vg-bin.out" 2>"$T/vg-bin.log" || vg_bin=$?
    head -c 32 /dev/urandom >"$T/dgst"
    vg_pk=0
    # shellcheck disable=SC2086
    $VG openssl pkeyutl -provider lithsm -provider default -sign \
        -inkey "$LITHSM_TEST_URI" -in "$T/dgst" -out "$T/sig" \
        >"$T/vg-pkeyutl.log" 2>&1 || vg_pk=$?
fi

# ---------------------------------------------------------------- main run
# Not exec: the EXIT trap removes the temporary token afterwards.  Its TAP
# lines are passed on without the plan; the valgrind results follow.
st=0
${VALGRIND_CMD:-} "$BIN" >"$T/main.out" || st=$?
sed '/^1\.\.[0-9][0-9]*$/d' "$T/main.out"
tap_n=$(grep -c -E '^(not )?ok ' "$T/main.out") || :
tap_failed=$(grep -c '^not ok ' "$T/main.out") || :
if ! grep -q "^1\.\.$tap_n\$" "$T/main.out"; then
    fail "test_signer_pkcs11 runs to the end (plan 1..$tap_n)" \
        "exit status $st"
elif [ "$st" -ne 0 ] && [ "$tap_failed" -eq 0 ]; then
    fail "test_signer_pkcs11 exits 0" "exit status $st"
fi

if [ -z "${VALGRIND:-}" ]; then
    fail "test_signer_pkcs11 under valgrind" \
        "valgrind is not installed (apt-get install valgrind)"
    fail "openssl pkeyutl -sign through lithsm under valgrind" \
        "valgrind is not installed (apt-get install valgrind)"
else
    if [ "$vg_bin" -eq 0 ] && grep -q '^1\.\.' "$T/vg-bin.out" &&
        ! grep -q '^not ok' "$T/vg-bin.out"; then
        pass "test_signer_pkcs11 ($VG_COUNT signatures, threads, fork, \
bad paths) under valgrind: no memory error, no leak"
    else
        fail "test_signer_pkcs11 under valgrind: no memory error, no leak" \
            "exit status $vg_bin (80: valgrind found errors or leaks)"
        grep '^not ok' "$T/vg-bin.out" | sed 's/^/# /'
        tail -n 60 "$T/vg-bin.log" | sed 's/^/# /'
    fi
    if [ "$vg_pk" -eq 0 ] &&
        openssl pkeyutl -verify -pubin -inkey "$T/pub.pem" -in "$T/dgst" \
            -sigfile "$T/sig" >"$T/out" 2>&1; then
        pass "openssl pkeyutl -sign through lithsm under valgrind: \
no memory error, no leak, signature verifies"
    else
        fail "openssl pkeyutl -sign through lithsm under valgrind" \
            "exit status $vg_pk (80: valgrind found errors or leaks)"
        tail -n 60 "$T/vg-pkeyutl.log" | sed 's/^/# /'
        sed 's/^/# /' "$T/out"
    fi
fi
lithsm_done

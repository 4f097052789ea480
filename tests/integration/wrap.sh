#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The lithsm authors
# wrap.sh - session entries sealed under an AES-256 key of the token: the
# provider's LITHSM-AES-GCM through openssl pkeyutl (an independent
# client), then test_store_wrap (the wrapped store and the flow over it,
# under valgrind when make check has it), whose TAP results follow ours.
set -eu

. "${top_srcdir:-.}/tests/integration/lib.sh"

lithsm_setup

BIN=$top_builddir/tests/integration/test_store_wrap
[ -x "$BIN" ] || bail "$BIN not built"
for k in "AES:32 store-wrap" "AES:32 other-wrap" "AES:16 aes128"; do
    # shellcheck disable=SC2086
    set -- $k
    p11tool --keygen --key-type "$1" --label "$2" >"$T/keygen.log" 2>&1 ||
        bail "pkcs11-tool --keygen $k failed: $(cat "$T/keygen.log")"
done
keygen secp256k1 01 wallet-ec ||
    bail "pkcs11-tool keygen failed: $(cat "$T/keygen.log")"

Q="?pin-source=file:$T/pin"
KEY="pkcs11:token=$TOKEN;object=store-wrap;type=secret-key$Q"
PV="-provider lithsm -provider default"

# ------------------------------------------------ openssl pkeyutl, by hand
printf '{"sessionKey":"%s"}\n' "$(head -c 64 /dev/urandom | od -An -tx1 |
    tr -d ' \n')" >"$T/plain"
# shellcheck disable=SC2086
check "openssl pkeyutl -encrypt with the token's AES key" \
    openssl pkeyutl $PV -encrypt -inkey "$KEY" -in "$T/plain" -out "$T/sealed"
plain_len=$(wc -c <"$T/plain")
sealed_len=$(wc -c <"$T/sealed" 2>/dev/null || echo 0)
if [ "$sealed_len" -eq $((plain_len + 28)) ]; then
    pass "the sealed data is IV + ciphertext + tag (28 bytes more)"
else
    fail "the sealed data is IV + ciphertext + tag (28 bytes more)" \
        "plain $plain_len, sealed $sealed_len"
fi
# shellcheck disable=SC2086
check "openssl pkeyutl -decrypt gives it back" \
    openssl pkeyutl $PV -decrypt -inkey "$KEY" -in "$T/sealed" -out "$T/back"
check_same "decrypted equals the plaintext" "$T/plain" "$T/back"
if grep -q sessionKey "$T/sealed"; then
    fail "the sealed data does not hold the plaintext"
else
    pass "the sealed data does not hold the plaintext"
fi
# A changed byte: the tag does not verify, and nothing is output.
cp "$T/sealed" "$T/changed"
printf 'X' | dd of="$T/changed" bs=1 seek=20 conv=notrunc 2>/dev/null
rm -f "$T/out2"
# shellcheck disable=SC2086
check_fails "a changed byte does not decrypt" "does not decrypt" \
    openssl pkeyutl $PV -decrypt -inkey "$KEY" -in "$T/changed" \
    -out "$T/out2"
OTHER="pkcs11:token=$TOKEN;object=other-wrap;type=secret-key$Q"
# shellcheck disable=SC2086
check_fails "another AES key does not decrypt it" "does not decrypt" \
    openssl pkeyutl $PV -decrypt -inkey "$OTHER" -in "$T/sealed" \
    -out "$T/out2"
if [ -s "$T/out2" ]; then
    fail "no plaintext is output after a failed decryption"
else
    pass "no plaintext is output after a failed decryption"
fi
# shellcheck disable=SC2086
check_fails "a URI without type=secret-key finds no AES key" \
    "no EC key" \
    openssl pkeyutl $PV -encrypt \
    -inkey "pkcs11:token=$TOKEN;object=store-wrap$Q" -in "$T/plain" \
    -out "$T/out2"

# ------------------------------------------------ the store and the flow
LITHSM_TEST_WRAP_URI="pkcs11:token=$TOKEN;object=store-wrap$Q"
LITHSM_TEST_OTHER_URI=$OTHER
LITHSM_TEST_EC_URI="pkcs11:token=$TOKEN;object=wallet-ec$Q"
LITHSM_TEST_ABSENT_URI="pkcs11:token=not-inserted;object=store-wrap$Q"
LITHSM_TEST_AES128_URI="pkcs11:token=$TOKEN;object=aes128$Q"
LITHSM_TEST_TOKENDIR=$T/tokens
export LITHSM_TEST_TOKENDIR
export LITHSM_TEST_WRAP_URI LITHSM_TEST_OTHER_URI LITHSM_TEST_EC_URI \
    LITHSM_TEST_ABSENT_URI LITHSM_TEST_AES128_URI

# Not exec: the EXIT trap removes the temporary token afterwards.  Its TAP
# lines are renumbered after ours.  Under valgrind memcheck when make check
# has it (VALGRIND): any memory error or definite or indirect leak, in
# lithsm, the provider, SoftHSM2 or OpenSSL, exits 80 and fails.
VG=
if [ -n "${VALGRIND:-}" ]; then
    VG="$VALGRIND --quiet --leak-check=full --num-callers=40 \
        --errors-for-leak-kinds=definite,indirect --error-exitcode=80"
fi
st=0
# shellcheck disable=SC2086 # $VG is a command with options
$VG "$BIN" >"$T/main.out" 2>"$T/main.err" || st=$?
while IFS= read -r line; do
    case $line in
    "ok "*) pass "${line#ok [0-9]* - }" ;;
    "not ok "*) fail "${line#not ok [0-9]* - }" ;;
    "1.."*) plan=${line#1..} ;;
    *) echo "$line" ;;
    esac
done <"$T/main.out"
if [ -z "${plan:-}" ] || [ "$st" -gt 1 ]; then
    fail "test_store_wrap runs to the end${VG:+, valgrind clean}" \
        "exit status $st" "$(tail -n 20 "$T/main.err")"
else
    pass "test_store_wrap runs to the end${VG:+, valgrind clean}"
fi

# The wrapped store over PostgreSQL: test_store_pg runs its wrapped part
# when it has the key (LITHSM_TEST_WRAP_URI); its own server.
st=0
"$top_builddir/tests/unit/test_store_pg" >"$T/pg.out" 2>&1 || st=$?
if [ "$st" -eq 0 ] &&
    grep -q "^ok .* - wrapped postgresql: the wallet signed once" "$T/pg.out"
then
    pass "a wrapped store over PostgreSQL: one session for all (test_store_pg)"
else
    fail "a wrapped store over PostgreSQL: one session for all (test_store_pg)" \
        "exit status $st" "$(grep -v '^ok' "$T/pg.out" | tail -n 20)"
fi
lithsm_done

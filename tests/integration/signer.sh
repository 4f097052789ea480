#!/bin/sh
# signer.sh - liblithsm's signer on token keys (pkcs11: URIs through the
# lithsm provider): makes a SoftHSM2 token with a secp256k1 wallet key and
# a P-256 key, exports the wallet's public key with openssl, then runs
# test_signer_pkcs11, which prints the TAP results.
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
export LITHSM_TEST_URI LITHSM_TEST_PUBPEM LITHSM_TEST_P256_URI \
    LITHSM_TEST_BADPIN_URI LITHSM_TEST_COUNT LITHSM_TEST_TOKENDIR

# Not exec: the EXIT trap removes the temporary token afterwards.
${VALGRIND_CMD:-} "$BIN"

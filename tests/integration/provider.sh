#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The lithsm authors
# shellcheck disable=SC2086 # $PROV is a list of options, unquoted
# provider.sh - the lithsm provider from the openssl command line, on a
# fresh SoftHSM2 token: load, export the public key, sign 32-byte digests
# in the token and verify them with the default provider, and the bad
# paths (wrong PIN, missing object, bad URIs, missing module).
set -eu

. "${top_srcdir:-.}/tests/integration/lib.sh"

lithsm_setup

OSSL="openssl"
PROV="-provider lithsm -provider default"
PIN="pin-source=file:$T/pin"
URI="pkcs11:token=$TOKEN;object=eth0"
P256="pkcs11:token=$TOKEN;object=p256"

# check_signs NAME KEY SIG: lithsm signs $T/dgst with the token key KEY.
check_signs() {
    check "$1" $OSSL pkeyutl $PROV -sign -inkey "$2" -in "$T/dgst" -out "$3"
}

# check_verifies NAME PEM SIG: the default provider verifies SIG over
# $T/dgst with the public key in PEM.
check_verifies() {
    check "$1" $OSSL pkeyutl -verify -pubin -inkey "$2" -in "$T/dgst" \
        -sigfile "$3"
}

check "pkcs11-tool makes a secp256k1 key pair" keygen secp256k1 01 eth0
check "pkcs11-tool makes a P-256 key pair" keygen prime256v1 02 p256

check "provider loads" $OSSL list -providers -provider lithsm
if grep -q "lithsm PKCS#11 provider" "$T/out"; then
    pass "provider reports its name"
else
    fail "provider reports its name" "$(cat "$T/out")"
fi
check "store loader for pkcs11 is listed" \
    $OSSL list -store-loaders -provider lithsm
check_grep "pkcs11 @ lithsm" "pkcs11 @ lithsm" "$T/out"

# ---------------------------------------------------------------- pubout
check "pkey -pubout on a token private key" \
    $OSSL pkey $PROV -in "$URI?$PIN" -pubout -out "$T/pub.pem"
check "exported key is on secp256k1" \
    $OSSL pkey -pubin -in "$T/pub.pem" -text_pub -noout
check_grep "curve name is secp256k1" "secp256k1" "$T/out"

# The same key as pkcs11-tool reads it, independently of lithsm.
check "pkcs11-tool exports the public key" \
    p11tool --read-object --type pubkey --label eth0 -o "$T/pub-tool.der"
check "pkcs11-tool key converts to PEM" \
    $OSSL pkey -pubin -inform DER -in "$T/pub-tool.der" -out "$T/pub-tool.pem"
if cmp -s "$T/pub.pem" "$T/pub-tool.pem"; then
    pass "lithsm and pkcs11-tool export the same public key"
else
    fail "lithsm and pkcs11-tool export the same public key"
fi

# pkcs11-tool --private made the public object CKA_PRIVATE too: without a
# PIN it stays hidden, with one the store logs in and finds it.
check_fails "CKA_PRIVATE public object hidden without a PIN" "no EC key" \
    $OSSL pkey $PROV -pubin -in "$URI;type=public" -pubout
check "public key object (type=public), found after login" \
    $OSSL pkey $PROV -pubin -in "$URI;type=public?$PIN" -pubout \
    -out "$T/pub2.pem"
check_same "public object gives the same key" "$T/pub.pem" "$T/pub2.pem"

# ---------------------------------------------------------------- sign
# Several digests: some signatures have r or s with a high bit or a
# leading zero byte, which DER must encode correctly to verify.
i=0
bad=0
while [ $i -lt 24 ]; do
    head -c 32 /dev/urandom >"$T/dgst"
    if ! $OSSL pkeyutl $PROV -sign -inkey "$URI?$PIN" -in "$T/dgst" \
        -out "$T/sig" >"$T/out" 2>&1; then
        bad=$((bad + 1))
        echo "# sign $i failed: $(tail -n 2 "$T/out")"
    elif ! $OSSL pkeyutl -verify -pubin -inkey "$T/pub.pem" -in "$T/dgst" \
        -sigfile "$T/sig" >"$T/out" 2>&1; then
        bad=$((bad + 1))
        echo "# verify $i failed: $(tail -n 2 "$T/out")"
    fi
    i=$((i + 1))
done
if [ $bad -eq 0 ]; then
    pass "24 token signatures over 32-byte digests verify (default provider)"
else
    fail "24 token signatures over 32-byte digests verify" "$bad failed"
fi

check "signature is DER SEQUENCE of two INTEGERs" \
    $OSSL asn1parse -inform DER -in "$T/sig"
if [ "$(grep -c "prim: INTEGER" "$T/out")" -eq 2 ]; then
    pass "two INTEGERs"
else
    fail "two INTEGERs" "$(cat "$T/out")"
fi

check "verify through the lithsm key" \
    $OSSL pkeyutl $PROV -verify -inkey "$URI?$PIN" -in "$T/dgst" \
    -sigfile "$T/sig"
head -c 32 /dev/urandom >"$T/other"
check_fails "a signature over another digest does not verify" \
    "Signature Verification Failure" \
    $OSSL pkeyutl -verify -pubin -inkey "$T/pub.pem" -in "$T/other" \
    -sigfile "$T/sig"

head -c 31 /dev/urandom >"$T/dgst31"
check_fails "31-byte input refused" "32-byte digest" \
    $OSSL pkeyutl $PROV -sign -inkey "$URI?$PIN" -in "$T/dgst31"
head -c 33 /dev/urandom >"$T/dgst33"
check_fails "33-byte input refused" "32-byte digest" \
    $OSSL pkeyutl $PROV -sign -inkey "$URI?$PIN" -in "$T/dgst33"
: >"$T/empty"
check_fails "empty input refused" "32-byte digest" \
    $OSSL pkeyutl $PROV -sign -inkey "$URI?$PIN" -in "$T/empty"

# Digest-sign: SHA-256 on the host, ECDSA in the token.
printf 'hello lithsm\n' >"$T/msg"
check "dgst -sha256 -sign (hash on the host)" \
    $OSSL dgst $PROV -sha256 -sign "$URI?$PIN" -out "$T/msg.sig" "$T/msg"
check "default provider verifies the digest-signature" \
    $OSSL dgst -sha256 -verify "$T/pub.pem" -signature "$T/msg.sig" "$T/msg"

# Provider order does not matter: the token key never moves to default.
head -c 32 /dev/urandom >"$T/dgst"
check "sign with -provider default listed first" \
    $OSSL pkeyutl -provider default -provider lithsm -sign \
    -inkey "$URI?$PIN" -in "$T/dgst" -out "$T/sig"
check_verifies "... and it verifies" "$T/pub.pem" "$T/sig"

# P-256 works the same way.
check "P-256: pubout" \
    $OSSL pkey $PROV -in "$P256?$PIN" -pubout -out "$T/p256.pem"
check_signs "P-256: sign" "$P256?$PIN" "$T/p256.sig"
check_verifies "P-256: verify" "$T/p256.pem" "$T/p256.sig"

check "key by id instead of label" \
    $OSSL pkey $PROV -in "pkcs11:token=$TOKEN;id=%01?$PIN" -pubout \
    -out "$T/pub3.pem"
check_same "id=%01 is eth0" "$T/pub.pem" "$T/pub3.pem"

# Other RFC 7512 attributes, matched by p11-kit.  SoftHSM2 also has a
# free slot with an uninitialised token, which must never be logged in to.
SLOT=$(softhsm2-util --show-slots | awk -v t="$TOKEN" '
    /^Slot [0-9]/ { s = $2 }
    $1 == "Label:" && $2 == t { print s }')
check "slot-id= selects the token" \
    $OSSL pkey $PROV -in "pkcs11:slot-id=$SLOT;object=eth0?$PIN" -pubout \
    -out "$T/pub6.pem"
check_same "... same key" "$T/pub.pem" "$T/pub6.pem"
check_fails "another slot-id matches no token" "no token in module" \
    $OSSL pkey $PROV -in "pkcs11:slot-id=4242;object=eth0?$PIN" -pubout
MM="manufacturer=SoftHSM%20project;model=SoftHSM%20v2"
check "manufacturer= and model= (the free slot matches too)" \
    $OSSL pkey $PROV -in "pkcs11:$MM;object=eth0?$PIN" -pubout \
    -out "$T/pub7.pem"
check "no token attribute at all" \
    $OSSL pkey $PROV -in "pkcs11:object=eth0?$PIN" -pubout -out "$T/pub8.pem"
check_fails "library-manufacturer of another module matches nothing" \
    "no EC key" \
    $OSSL pkey $PROV \
    -in "pkcs11:library-manufacturer=Nope;object=eth0?$PIN" -pubout

# Configuration instead of URI query attributes.
cat >"$T/openssl.cnf" <<CNF
openssl_conf = openssl_init
[openssl_init]
providers = provider_sect
[provider_sect]
default = default_sect
lithsm = lithsm_sect
[default_sect]
activate = 1
[lithsm_sect]
module-path = $MODULE
pin-source = file:$T/pin
activate = 1
CNF
check "openssl.cnf gives module-path and pin-source" \
    env OPENSSL_CONF="$T/openssl.cnf" $OSSL pkeyutl -sign -inkey "$URI" \
    -in "$T/dgst" -out "$T/sig"
check_verifies "... and the signature verifies" "$T/pub.pem" "$T/sig"

# ---------------------------------------------------------------- certs
# A certificate for the token's secp256k1 key (signed by a software key:
# its content does not matter), written beside the key with pkcs11-tool.
# The store finds it as an X.509 certificate, without a PIN (a public
# object), and a URI without type= gives the key and the certificate.
CERT="pkcs11:token=$TOKEN;object=eth0cert;type=cert"
check "software signer key for the certificate" \
    $OSSL genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out "$T/ca.key"
check "certificate request" \
    $OSSL req -new -key "$T/ca.key" -subj /CN=lithsm-test -out "$T/csr.pem"
check "certificate for the token key" \
    $OSSL x509 -req -in "$T/csr.pem" -signkey "$T/ca.key" \
    -force_pubkey "$T/pub.pem" -days 1 -outform DER -out "$T/cert.der"
# X.509 signing asks the provider for the AlgorithmIdentifier: a
# self-signed certificate made by the token key verifies against itself.
check "openssl req -x509 signs a certificate with the token key" \
    $OSSL req $PROV -new -x509 -key "$URI?pin-source=file:$T/pin" \
    -subj /CN=lithsm-self -days 1 -sha256 -out "$T/self.pem"
check "... and the certificate verifies with its own public key" \
    $OSSL verify -CAfile "$T/self.pem" "$T/self.pem"
check "pkcs11-tool writes the certificate to the token" \
    p11tool --write-object "$T/cert.der" --type cert --label eth0cert --id 01
$OSSL x509 -inform DER -in "$T/cert.der" -noout -fingerprint -sha256 \
    >"$T/fp-want" 2>&1
check "storeutl -certs finds the certificate (no PIN)" \
    $OSSL storeutl $PROV -certs "$CERT"
check_grep "... one certificate" "^Total found: 1$" "$T/out"
$OSSL x509 -in "$T/out" -noout -fingerprint -sha256 >"$T/fp-got" 2>&1 || :
if [ -s "$T/fp-want" ] && cmp -s "$T/fp-want" "$T/fp-got"; then
    pass "... with the DER fingerprint of the certificate written"
else
    fail "... with the DER fingerprint of the certificate written" \
        "want: $(cat "$T/fp-want")" "got: $(cat "$T/fp-got")"
fi
check "openssl x509 reads the certificate from the token" \
    $OSSL x509 $PROV -in "$CERT" -noout -subject
check_grep "... subject CN = lithsm-test" "^subject=CN = lithsm-test$" \
    "$T/out"
check "certificate by id= (type=cert)" \
    $OSSL storeutl $PROV -certs "pkcs11:token=$TOKEN;id=%01;type=cert"
check_grep "... one certificate" "^Total found: 1$" "$T/out"
check "URI without type= gives keys and the certificate" \
    $OSSL storeutl $PROV -noout "pkcs11:token=$TOKEN;id=%01?$PIN"
if grep -q "^0: Pkey$" "$T/out" && grep -q "^1: Public key$" "$T/out" &&
    grep -q "^2: Certificate$" "$T/out" &&
    grep -q "^Total found: 3$" "$T/out"; then
    pass "... private key, public key, then the certificate"
else
    fail "... private key, public key, then the certificate" \
        "$(cat "$T/out")"
fi
check "OSSL_STORE search by subject finds the certificate" \
    $OSSL storeutl $PROV -noout -subject /CN=lithsm-test "pkcs11:token=$TOKEN"
check_grep "... only the certificate" "^Total found: 1$" "$T/out"
$OSSL storeutl $PROV -subject /CN=other "pkcs11:token=$TOKEN" \
    >"$T/out" 2>&1 || :
check_grep "another subject: nothing, with a clear error" \
    "no X.509 certificate on the token matches the URI and the subject" \
    "$T/out"
$OSSL storeutl $PROV -keys "$CERT" >"$T/out" 2>&1 || :
check_grep "storeutl -keys on a type=cert URI: no key, clear error" \
    'no EC key (secp256k1 or P-256) named "eth0cert"' "$T/out"
check_grep "... total found 0" "^Total found: 0$" "$T/out"
check_fails "missing certificate: clear error" \
    'no X.509 certificate named "nocert"' \
    $OSSL x509 $PROV -noout -in "pkcs11:token=$TOKEN;object=nocert;type=cert"
$OSSL storeutl $PROV -certs "pkcs11:token=$TOKEN;object=nocert;type=cert" \
    >"$T/out" 2>&1 || :
check_grep "missing certificate: storeutl names it" \
    'no X.509 certificate named "nocert"' "$T/out"
check_fails "a key is not a certificate" 'no X.509 certificate named "eth0"' \
    $OSSL x509 $PROV -noout -in "pkcs11:token=$TOKEN;object=eth0;type=cert"
# The store's certificate paths (keys and certificate, search by subject)
# under valgrind memcheck: no memory error, no leak.
if [ -n "${VALGRIND:-}" ]; then
    VG="$VALGRIND --quiet --leak-check=full --num-callers=40 \
        --errors-for-leak-kinds=definite,indirect --error-exitcode=80"
    check "valgrind: storeutl of keys and certificate" \
        $VG $OSSL storeutl $PROV -noout "pkcs11:token=$TOKEN;id=%01?$PIN"
    check_grep "... all three objects" "^Total found: 3$" "$T/out"
    check "valgrind: storeutl search by subject" \
        $VG $OSSL storeutl $PROV -noout -subject /CN=lithsm-test \
        "pkcs11:token=$TOKEN"
    check_grep "... the certificate" "^Total found: 1$" "$T/out"
else
    fail "valgrind: storeutl of keys and certificate" \
        "valgrind is not installed (apt-get install valgrind)"
fi
check "the key URIs still give the key beside a certificate" \
    $OSSL pkey $PROV -in "pkcs11:token=$TOKEN;id=%01?$PIN" -pubout \
    -out "$T/pub9.pem"
check_same "... same key" "$T/pub.pem" "$T/pub9.pem"

# ---------------------------------------------------------------- keygen
# Key generation on the token with the wallet template.  openssl genpkey
# then fails to write the key out ("Error writing key"), as it must: the
# private key never leaves the token.  The key is checked on the token.
WALLET="pkcs11:token=$TOKEN;object=wallet1"
$OSSL genpkey $PROV -propquery provider=lithsm -algorithm EC \
    -pkeyopt group:secp256k1 -pkeyopt "lithsm-uri:$WALLET?$PIN" \
    -out /dev/null >"$T/genpkey.log" 2>&1 || true
if grep -q "Error generating" "$T/genpkey.log"; then
    fail "genpkey makes a key on the token" "$(cat "$T/genpkey.log")"
else
    pass "genpkey makes a key on the token"
fi
# pkcs11-tool ignores --label when listing: pick the object's block.
obj_block() {
    awk -v l="$1" '
        /Object;/ { if (found) printf "%s", blk; blk = ""; found = 0 }
        { blk = blk $0 "\n" }
        $1 == "label:" && $2 == l { found = 1 }
        END { if (found) printf "%s", blk }'
}
check "pkcs11-tool lists the new private key" \
    p11tool --list-objects --type privkey
obj_block wallet1 <"$T/out" >"$T/wallet1.txt"
check_grep "private key: sign only" "Usage: *sign$" "$T/wallet1.txt"
check_grep "private key: sensitive, never extractable" \
    "sensitive, always sensitive, never extractable" "$T/wallet1.txt"
check "pkcs11-tool lists the new public key" \
    p11tool --list-objects --type pubkey
obj_block wallet1 <"$T/out" >"$T/wallet1-pub.txt"
check_grep "public key: verify only" "Usage: *verify$" "$T/wallet1-pub.txt"
check_grep "curve OID is secp256k1" "EC_PARAMS: *06052b8104000a" \
    "$T/wallet1-pub.txt"
WID=$(sed -n 's/^ *ID: *//p' "$T/wallet1.txt" | head -n 1)
if [ -n "$WID" ]; then
    pass "new key has a CKA_ID ($WID)"
else
    fail "new key has a CKA_ID"
fi
check "new key: public key without a PIN (public object)" \
    $OSSL pkey $PROV -pubin -in "$WALLET;type=public" -pubout \
    -out "$T/wallet1.pem"
check_signs "new key: lithsm signs" "$WALLET?$PIN" "$T/wsig"
check_verifies "... and it verifies" "$T/wallet1.pem" "$T/wsig"
check "new key: pkcs11-tool signs with it" \
    p11tool --sign -m ECDSA --id "$WID" --signature-format openssl \
    -i "$T/dgst" -o "$T/psig"
check_verifies "... and that verifies with the exported key" \
    "$T/wallet1.pem" "$T/psig"
check_fails "keygen refuses a label already in use" "already exists" \
    $OSSL genpkey $PROV -propquery provider=lithsm -algorithm EC \
    -pkeyopt group:secp256k1 -pkeyopt "lithsm-uri:$WALLET?$PIN"
check_fails "keygen without a token URI: clear error" "on a token only" \
    $OSSL genpkey $PROV -propquery provider=lithsm -algorithm EC \
    -pkeyopt group:secp256k1
check "software EC keys still come from default (listed first)" \
    $OSSL genpkey -provider default -provider lithsm -algorithm EC \
    -pkeyopt ec_paramgen_curve:P-256 -out "$T/soft.pem"

# An Ed25519 key beside the wallet key: libp11 0.4.12 cannot list keys on
# such a token, lithsm finds its keys with the module's own functions.
check "pkcs11-tool makes an Ed25519 key pair" keygen edwards25519 03 ed
head -c 32 /dev/urandom >"$T/dgst"
check "with an Ed25519 key on the token: pubout" \
    $OSSL pkey $PROV -in "$URI?$PIN" -pubout -out "$T/pub4.pem"
check_same "... same public key" "$T/pub.pem" "$T/pub4.pem"
check_signs "with an Ed25519 key on the token: sign" "$URI?$PIN" "$T/sig"
check_verifies "... and the signature verifies" "$T/pub.pem" "$T/sig"
check_fails "the Ed25519 key is not an EC key for lithsm" "no EC key" \
    $OSSL pkey $PROV -in "pkcs11:token=$TOKEN;object=ed?$PIN" -pubout

# ---------------------------------------------------------------- errors
printf '000000\n' >"$T/badpin"
chmod 600 "$T/badpin"
check_fails "wrong PIN: clear error" "PIN incorrect" \
    $OSSL pkeyutl $PROV -sign -inkey "$URI?pin-source=file:$T/badpin" \
    -in "$T/dgst"
# One wrong try did not lock the token.
check_signs "right PIN still works after one wrong try" "$URI?$PIN" "$T/sig"
check_fails "missing object: clear error" 'no EC key.*named "nosuchkey"' \
    $OSSL pkey $PROV -in "pkcs11:token=$TOKEN;object=nosuchkey?$PIN" \
    -pubout
check_fails "missing token: clear error" "no token in module" \
    $OSSL pkey $PROV -in "pkcs11:token=nosuchtoken;object=eth0?$PIN" \
    -pubout
# Without a pin-source the application's passphrase callback is asked
# (openssl: -passin, or a prompt on the terminal).
printf '%s' "$USER_PIN" >"$T/passin"
check "no pin-source: the PIN comes from the application (-passin)" \
    $OSSL pkey $PROV -in "$URI" -passin "file:$T/passin" -pubout \
    -out "$T/pub5.pem"
check_same "... same key" "$T/pub.pem" "$T/pub5.pem"
printf '\n' >"$T/nopin"
check_fails "no pin-source and no PIN from the application: clear error" \
    "needs a PIN" \
    $OSSL pkey $PROV -in "$URI" -passin "file:$T/nopin" -pubout
check_fails "pin-value with pin-source refused" \
    "pin-value together with pin-source" \
    $OSSL pkey $PROV -in "$URI?$PIN&pin-value=123456" -pubout
check_fails "pin-value alone refused" "pin-value is refused" \
    $OSSL pkey $PROV -in "$URI?pin-value=123456" -pubout
check_fails "pin-source other than file: refused" "must be file:PATH" \
    $OSSL pkey $PROV -in "$URI?pin-source=$T/pin" -pubout
chmod 644 "$T/pin"
check_fails "PIN file readable by others refused" "readable by group" \
    $OSSL pkey $PROV -in "$URI?$PIN" -pubout
chmod 600 "$T/pin"
mkfifo "$T/pinfifo"
check_fails "a FIFO as the PIN file is refused, not waited on" \
    "not a regular file" \
    timeout 20 $OSSL pkey $PROV -in "$URI?pin-source=file:$T/pinfifo" -pubout
mkdir -m 777 "$T/open"
cp "$T/pin" "$T/open/pin"
check_fails "a PIN file in a world-writable folder is refused" \
    "folder is writable" \
    $OSSL pkey $PROV -in "$URI?pin-source=file:$T/open/pin" -pubout
check_fails "URI with bad percent-encoding: clear error" "bad pkcs11 URI" \
    $OSSL pkey $PROV -in "pkcs11:token=$TOKEN;object=eth0%zz?$PIN" -pubout
# p11-kit 0.24 would read "token=T;;object=x" as token=T alone (the
# object filter and the query lost without an error): refused.
check_fails "an empty attribute (;;) is refused" "empty attribute" \
    $OSSL pkey $PROV -in "pkcs11:token=$TOKEN;;object=eth0?$PIN" -pubout
check_fails "unknown path attribute matches nothing" "no EC key" \
    $OSSL pkey $PROV -in "$URI;frobnicate=1?$PIN" -pubout
check_fails "missing module: clear error" "cannot load PKCS#11 module" \
    $OSSL pkey $PROV -in "$URI?module-path=$T/nosuchmodule.so&$PIN" -pubout
check_fails "public key object cannot sign" "private key is needed" \
    $OSSL pkeyutl $PROV -sign -pubin -inkey "$URI;type=public?$PIN" \
    -in "$T/dgst"

lithsm_done

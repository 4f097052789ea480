#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The lithsm authors
# shellcheck disable=SC2086 # $PROV: an option list, unquoted
# provider-openssl.sh - the provider as the openssl command shows it (issue
# 12): a token private key asked for as PEM gets a clear error; -text
# prints each key's pkcs11: URI (storeutl lists them, and each listed URI
# opens the key); a bad value in the provider's openssl.cnf section is
# reported when the provider loads, naming the key, and never ignored.
set -eu

. "${top_srcdir:-.}/tests/integration/lib.sh"

lithsm_setup
OSSL=openssl
PROV="-provider lithsm -provider default"
PIN="pin-source=file:$T/pin"

keygen secp256k1 01 wallet || bail "pkcs11-tool keygen (wallet) failed"
keygen prime256v1 02 owner || bail "pkcs11-tool keygen (owner) failed"
WALLET="pkcs11:token=$TOKEN;object=wallet;type=private"

# ---- openssl pkey on a private key URI
if $OSSL pkey $PROV -in "$WALLET?$PIN" >"$T/pem" 2>"$T/err"; then
    fail "pkey on a private key URI fails" "it succeeded: $(head -c 200 "$T/pem")"
else
    pass "pkey on a private key URI fails"
fi
check_grep "... saying the key stays in the token" \
    'private key "wallet" stays in the PKCS#11 token' "$T/err"
check_grep "... and how to get the public key" "-pubout" "$T/err"
if [ -s "$T/pem" ]; then
    fail "... and writes nothing" "$(head -c 200 "$T/pem")"
else
    pass "... and writes nothing"
fi

check "pkey -text -noout on a private key URI" \
    $OSSL pkey $PROV -in "$WALLET?$PIN" -text -noout
cp "$T/out" "$T/text"
check_grep "... prints its URI with object= and type=private" \
    "^uri: pkcs11:.*token=$TOKEN;id=%01;object=wallet;type=private\$" \
    "$T/text"
check_grep "... its label" "^label: wallet\$" "$T/text"
check_grep "... its curve" "secp256k1" "$T/text"

# The printed URI names the same key.
check "pkey -pubout from the URI" \
    $OSSL pkey $PROV -in "$WALLET?$PIN" -pubout -out "$T/pub.pem"
uri=$(sed -n 's/^uri: //p' "$T/text")
check "pkey -pubout from the printed URI" \
    $OSSL pkey $PROV -in "$uri?$PIN" -pubout -out "$T/pub2.pem"
check_same "... gives the same public key" "$T/pub.pem" "$T/pub2.pem"

# ---- storeutl lists each key with its URI
check "storeutl -text -noout lists the token's keys" \
    $OSSL storeutl $PROV -text -noout "pkcs11:token=$TOKEN?$PIN"
cp "$T/out" "$T/list"
check_grep "... 4 objects" "^Total found: 4\$" "$T/list"
for want in "object=wallet;type=private" "object=owner;type=private" \
    "object=wallet;type=public" "object=owner;type=public"; do
    check_grep "... a URI with $want" "^uri: pkcs11:.*;$want\$" "$T/list"
done
n=0
bad=
for u in $(sed -n 's/^uri: //p' "$T/list"); do
    n=$((n + 1))
    $OSSL storeutl $PROV -noout "$u?$PIN" >"$T/one" 2>&1 || bad="$bad $u"
    grep -q "^Total found: 1\$" "$T/one" || bad="$bad $u"
done
if [ "$n" -eq 4 ] && [ -z "$bad" ]; then
    pass "each listed URI names exactly one object"
else
    fail "each listed URI names exactly one object" "$n URIs; bad:$bad"
fi
check "storeutl -keys -text on one key" \
    $OSSL storeutl $PROV -keys -text -noout "pkcs11:token=$TOKEN;object=owner?$PIN"
check_grep "... its URI" "^uri: pkcs11:.*;object=owner;type=private\$" "$T/out"
# (storeutl exits 0 when a load fails: the message is what counts.)
$OSSL storeutl $PROV -keys "pkcs11:token=$TOKEN?$PIN" >"$T/out" 2>&1 || true
check_grep "storeutl -keys matching two keys says how to list them" \
    "matches 2 private keys.*without -keys, lists each key's URI" "$T/out"

# ---- software keys are not the provider's business
$OSSL genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out "$T/soft.pem" 2>/dev/null || bail "openssl genpkey failed"
check "a software key still writes as PEM with lithsm loaded first" \
    $OSSL pkey $PROV -in "$T/soft.pem"
check_grep "... a private key" "BEGIN PRIVATE KEY" "$T/out"

# ---- the provider's openssl.cnf section, checked at load
# cnf FILE LINES...: an openssl.cnf that activates lithsm with LINES.
cnf() {
    file=$1
    shift
    {
        printf 'openssl_conf = openssl_init\n[openssl_init]\n'
        printf 'providers = provider_sect\n[provider_sect]\n'
        printf 'lithsm = lithsm_sect\ndefault = default_sect\n'
        printf '[default_sect]\nactivate = 1\n[lithsm_sect]\nactivate = 1\n'
        printf '%s\n' "$@"
    } >"$file"
}

# bad_cnf NAME PATTERN LINES...: openssl list -providers reports PATTERN on
# stderr, shows lithsm inactive and never prints the secret 1234; a key
# search then fails with PATTERN instead of using the defaults.
bad_cnf() {
    name=$1
    pattern=$2
    shift 2
    cnf "$T/bad.cnf" "$@"
    OPENSSL_CONF=$T/bad.cnf $OSSL list -providers >"$T/list" 2>"$T/err" ||
        true
    if grep -q -- "$pattern" "$T/err" &&
        grep -A3 '^  lithsm' "$T/list" | grep -q 'status: inactive' &&
        ! grep -q 1234 "$T/err" "$T/list"; then
        pass "$name: reported at load"
    else
        fail "$name: reported at load" "$(cat "$T/err" "$T/list")"
    fi
    check_fails "$name: a key search fails naming it" "$pattern" \
        env OPENSSL_CONF="$T/bad.cnf" \
        $OSSL pkey $PROV -in "$WALLET?$PIN" -pubout
}

bad_cnf "pin = 1234" "key 'pin' is refused (a PIN is never written" \
    "pin = 1234"
bad_cnf "pin-source = 1234" "pin-source must be file:PATH or env:NAME" \
    "pin-source = 1234"
bad_cnf "pkcs11-provider's pkcs11-module-path" \
    "key 'pkcs11-module-path' is refused (.*lithsm reads module-path" \
    "pkcs11-module-path = $MODULE"
bad_cnf "a relative module-path" \
    "module-path 'libsofthsm2.so' is not an absolute path" \
    "module-path = libsofthsm2.so"
bad_cnf "a missing module-path" \
    "module-path '$T/nomodule.so' cannot be read" \
    "module-path = $T/nomodule.so"

cnf "$T/good.cnf" "module-path = $MODULE" "pin-source = file:$T/pin"
OPENSSL_CONF=$T/good.cnf $OSSL list -providers >"$T/list" 2>"$T/err" || true
if [ ! -s "$T/err" ] &&
    grep -A3 '^  lithsm' "$T/list" | grep -q 'status: active'; then
    pass "a good section: active, nothing on stderr"
else
    fail "a good section: active, nothing on stderr" "$(cat "$T/err" "$T/list")"
fi
check "... and the key opens with its PIN source" \
    env OPENSSL_CONF="$T/good.cnf" $OSSL pkey -in "$WALLET" -pubout \
    -out "$T/pub3.pem"
check_same "... the same key" "$T/pub.pem" "$T/pub3.pem"

lithsm_done

#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The lithsm authors
# shellcheck disable=SC2086 # $PS, $PROV: option lists, unquoted
# cli-token.sh - the lithsm CLI with keys in a SoftHSM2 token: keygen,
# address, sign-message, the full offline flow (delegate, session-sigs,
# verify) with both keys in the token, the bad paths, a token that also
# holds an Ed25519 key, and keys made by lithsm keygen used by pkcs11-tool
# and by libp11's engine.
set -eu

. "${top_srcdir:-.}/tests/integration/lib.sh"

lithsm_setup

L=$top_builddir/tools/lithsm
E=$top_builddir/tests/integration/eth_check
[ -x "$L" ] || bail "$L not built"
[ -x "$E" ] || bail "$E not built"
PS="--pin-source file:$T/pin"
PROV="-provider default -provider lithsm"
NONCE=0x$(printf '%064d' 7)
NODE1=https://node1.example:7470
NODE2=https://node2.example:7470

# json_str KEY FILE: the string value of "KEY" in one-line JSON.
json_str() {
    sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" "$2"
}

# check_eq NAME GOT WANT
check_eq() {
    if [ "$2" = "$3" ]; then
        pass "$1"
    else
        fail "$1" "got:  $2" "want: $3"
    fi
}

# check_err NAME PATTERN CMD...: CMD fails with exit status 1, 2 or 75 (no
# crash, no abort) and its output matches PATTERN.
check_err() {
    name=$1
    pattern=$2
    shift 2
    rc=0
    "$@" >"$T/out" 2>&1 || rc=$?
    if [ $rc -ne 1 ] && [ $rc -ne 2 ] && [ $rc -ne 75 ]; then
        fail "$name" "exit status $rc, expected 1, 2 or 75: $*" \
            "$(tail -n 5 "$T/out")"
    elif grep -q -- "$pattern" "$T/out"; then
        pass "$name"
    else
        fail "$name" "expected an error matching: $pattern" \
            "$(tail -n 5 "$T/out")"
    fi
}

# ---------------------------------------------------------------- keygen
check "keygen makes the wallet key" \
    $L keygen --token "$TOKEN" --label wallet $PS
cp "$T/out" "$T/wallet.json"
WURI=$(json_str uri "$T/wallet.json")
WADDR=$(json_str address "$T/wallet.json")
check_eq "keygen prints the key's URI" "$WURI" \
    "pkcs11:token=$TOKEN;object=wallet;type=private"
case $WADDR in
0x????????????????????????????????????????) pass "keygen prints an address" ;;
*) fail "keygen prints an address" "$(cat "$T/wallet.json")" ;;
esac
check "keygen makes the capacity owner key" \
    $L keygen --token "$TOKEN" --label owner $PS
cp "$T/out" "$T/owner.json"
OURI=$(json_str uri "$T/owner.json")
OADDR=$(json_str address "$T/owner.json")
check "keygen --curve P-256" \
    $L keygen --token "$TOKEN" --label p256 --curve P-256 $PS
check_grep "a P-256 key has no address" '"address":null' "$T/out"
check_err "keygen refuses a label in use" "already exists" \
    $L keygen --token "$TOKEN" --label wallet $PS
check_err "keygen on a missing token" "no token in module" \
    $L keygen --token nosuchtoken --label w2 $PS
check_err "keygen with an unknown curve is a usage error" \
    "secp256k1 or P-256" $L keygen --token "$TOKEN" --label w3 --curve P-384

# The address from the public key as pkcs11-tool exports it (no lithsm on
# that path), and as OpenSSL exports it through the provider.
check "pkcs11-tool exports the wallet public key" \
    p11tool --read-object --type pubkey --label wallet -o "$T/w.der"
check "... which converts to PEM" \
    openssl pkey -pubin -inform DER -in "$T/w.der" -out "$T/w-tool.pem"
check "openssl + lithsm export the wallet public key" \
    openssl pkey $PROV -pubin -in "pkcs11:token=$TOKEN;object=wallet;type=public" \
    -pubout -out "$T/w-prov.pem"
check_same "both exports are the same key" "$T/w-tool.pem" "$T/w-prov.pem"
check "address of the exported public key" $E address "$T/w-tool.pem"
check_eq "keygen's address is the public key's" "$(cat "$T/out")" "$WADDR"
check "lithsm address --key URI --pin-source file:" \
    $L address --key "$WURI" $PS
check_eq "... gives the same address" "$(json_str address "$T/out")" "$WADDR"
check "lithsm address --pin-source env:NAME" \
    env LITHSM_TEST_PIN="$USER_PIN" $L address --key "$WURI" \
    --pin-source env:LITHSM_TEST_PIN
check_eq "... gives the same address" "$(json_str address "$T/out")" "$WADDR"
check "pin-source in the URI instead of the option" \
    $L address --key "$WURI?pin-source=file:$T/pin"
check "--module names the module" \
    $L address --key "$WURI" $PS --module "$MODULE"
# The same token through p11-kit's proxy module (a second module path).
PROXY=/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so
[ -f "$PROXY" ] || PROXY=$(pkg-config --variable=proxy_module p11-kit-1 \
    2>/dev/null || true)
if [ -n "$PROXY" ] && [ -f "$PROXY" ]; then
    check "--module p11-kit's proxy reaches the same key" \
        $L address --key "$WURI" $PS --module "$PROXY"
    check_eq "... with the same address" "$(json_str address "$T/out")" \
        "$WADDR"
else
    fail "--module p11-kit's proxy" "cannot run: p11-kit-proxy.so not found"
fi

# No PIN source and a terminal: the PIN is asked on /dev/tty.  script(1)
# gives the command a pseudo-terminal and types the PIN into it.
if command -v script >/dev/null 2>&1; then
    (sleep 1; printf '%s\n' "$USER_PIN") |
        script -qec "$L address --key '$WURI'" /dev/null >"$T/tty.out" 2>&1 ||
        true
    check_grep "no PIN source on a terminal: the PIN is asked" \
        'pass phrase for PIN of PKCS#11 token' "$T/tty.out"
    check_grep "... and the key opens" "\"address\":\"$WADDR\"" "$T/tty.out"
    (sleep 1; printf '%s\n' "$USER_PIN") |
        script -qec "$L keygen --token '$TOKEN' --label prompted" /dev/null \
        >"$T/tty.out" 2>&1 || true
    check_grep "keygen asks for the PIN on a terminal too" \
        '"uri":"pkcs11:token=.*;object=prompted;type=private"' "$T/tty.out"
else
    fail "PIN prompt on a terminal" "cannot run: script(1) not found"
fi

# ---------------------------------------------------------------- sign
check "sign-message with the token key" \
    $L sign-message --key "$WURI" $PS --message "hello token"
SIG=$(cat "$T/out")
check "libsecp256k1 recovers the signature" $E recover "hello token" "$SIG"
check_eq "... to the wallet address" "$(cat "$T/out")" "$WADDR"
i=0
bad=0
while [ $i -lt 8 ]; do
    if ! $L sign-message --key "$OURI" $PS --message "m$i" >"$T/sig" \
        2>"$T/err" ||
        [ "$($E recover "m$i" "$(cat "$T/sig")" 2>&1)" != "$OADDR" ]; then
        bad=$((bad + 1))
        echo "# message m$i: $(cat "$T/err")"
    fi
    i=$((i + 1))
done
check_eq "8 owner-key signatures recover to the owner address" "$bad" 0

# ---------------------------------------------------------------- flow
check "delegate with the capacity owner key in the token" \
    $L delegate --key "$OURI" $PS --capacity-token-id 42 \
    --delegatee "$WADDR" --uses 10 --nonce "$NONCE"
cp "$T/out" "$T/delegation.json"
check_grep "the delegation is signed by the owner address" \
    "\"address\":\"$OADDR\"" "$T/delegation.json"
check "session-sigs with the wallet key in the token" \
    $L session-sigs --wallet "$WURI" $PS --delegation "$T/delegation.json" \
    --resource 'lit-pkp://*' --ability pkp-signing \
    --node "$NODE1" --node "$NODE2" --nonce "$NONCE"
cp "$T/out" "$T/ss.json"
for node in "$NODE1" "$NODE2"; do
    check "verify accepts the SessionSig for $node" \
        $L verify --session-sigs "$T/ss.json" --node "$node"
    check_grep "... verdict accept" '"verdict":"accept"' "$T/out"
done
check_grep "the wallet AuthSig is the token wallet's" \
    "$WADDR" "$T/ss.json"

# ---------------------------------------------------------------- errors
printf '000000\n' >"$T/badpin"
chmod 600 "$T/badpin"
check_err "wrong PIN: clear error, exit 1" "PIN incorrect" \
    $L address --key "$WURI" --pin-source "file:$T/badpin"
check_err "missing object: clear error" 'no EC key.*"nosuchkey"' \
    $L address --key "pkcs11:token=$TOKEN;object=nosuchkey" $PS
check_err "P-256 key as a wallet: clear error" "not secp256k1" \
    $L session-sigs --wallet "pkcs11:token=$TOKEN;object=p256" $PS \
    --resource 'lit-pkp://*' --ability pkp-signing --node "$NODE1" \
    --nonce "$NONCE"
check_err "URI with a syntax error: clear error" "bad pkcs11 URI\|URI encoding" \
    $L address --key "pkcs11:token=$TOKEN;object=wal%zzlet" $PS
check_err "missing module: clear error" "cannot load PKCS#11 module" \
    $L address --key "$WURI" $PS --module "$T/nosuchmodule.so"
check_err "env:NAME unset: clear error" "LITHSM_UNSET_PIN is not set" \
    env -u LITHSM_UNSET_PIN $L address --key "$WURI" \
    --pin-source env:LITHSM_UNSET_PIN
check_err "a PIN given as --pin-source is refused" "never the PIN itself" \
    $L address --key "$WURI" --pin-source "$USER_PIN"
if grep -q "$USER_PIN" "$T/out"; then
    fail "... and not echoed"
else
    pass "... and not echoed"
fi
check_err "pin-value in the URI is refused" "pin-value" \
    $L address --key "$WURI?pin-value=$USER_PIN"
if grep -q "pin-value=\|$USER_PIN" "$T/out"; then
    fail "... and the message shows no pin-value" "$(cat "$T/out")"
else
    pass "... and the message shows no pin-value"
fi
check_err "a PIN source both in the URI and as an option" "both" \
    $L address --key "$WURI?pin-source=file:$T/pin" $PS
check_err "a PIN source in the URI path and as an option" "both" \
    $L address --key "$WURI;pin-source=file:$T/pin" $PS
check_err "an empty attribute (;;) in the URI is refused" "empty attribute" \
    $L address --key "$(printf '%s' "$WURI" | sed 's/;/;;/')" $PS
check_err "no PIN source and no terminal: clear error" "needs a PIN" \
    $L address --key "$WURI" </dev/null
check_err "--pin-source with a key file is refused" "pkcs11: URIs only" \
    $L address --key "$T/nosuch.pem" $PS

# ------------------------------------------------- other clients, no Ed25519
head -c 32 /dev/urandom >"$T/dgst"
WID=$(p11tool --list-objects --type privkey 2>/dev/null | awk '
    /Object;/ { lab = "" }
    $1 == "label:" { lab = $2 }
    $1 == "ID:" && lab == "wallet" { print $2; exit }')
check "pkcs11-tool signs with the keygen key (-m ECDSA)" \
    p11tool --sign -m ECDSA --id "$WID" --signature-format openssl \
    -i "$T/dgst" -o "$T/psig"
check "... and the signature verifies" \
    openssl pkeyutl -verify -pubin -inkey "$T/w-prov.pem" -in "$T/dgst" \
    -sigfile "$T/psig"

ENGINE_SO=$(openssl version -e | sed -n 's/^ENGINESDIR: "\(.*\)"$/\1/p')/pkcs11.so
if [ ! -f "$ENGINE_SO" ]; then
    fail "libp11's engine signs with the keygen key" \
        "cannot run: $ENGINE_SO missing (install libengine-pkcs11-openssl)"
else
    cat >"$T/engine.cnf" <<CNF
openssl_conf = openssl_init
[openssl_init]
engines = engine_section
[engine_section]
pkcs11 = pkcs11_section
[pkcs11_section]
engine_id = pkcs11
dynamic_path = $ENGINE_SO
MODULE_PATH = $MODULE
init = 0
CNF
    check "libp11's engine signs with the keygen key" \
        env OPENSSL_CONF="$T/engine.cnf" openssl pkeyutl -engine pkcs11 \
        -keyform engine -inkey "$WURI" -passin "file:$T/pin" -sign \
        -in "$T/dgst" -out "$T/esig"
    check "... and the signature verifies" \
        openssl pkeyutl -verify -pubin -inkey "$T/w-prov.pem" -in "$T/dgst" \
        -sigfile "$T/esig"
fi

# ------------------------------------------------- beside an Ed25519 key
check "pkcs11-tool makes an Ed25519 key pair" keygen edwards25519 0e other-app
check "keygen on a token with an Ed25519 key" \
    $L keygen --token "$TOKEN" --label wallet2 $PS
W2URI=$(json_str uri "$T/out")
W2ADDR=$(json_str address "$T/out")
check "address beside the Ed25519 key" $L address --key "$W2URI" $PS
check_eq "... is keygen's" "$(json_str address "$T/out")" "$W2ADDR"
check "the first wallet still works" $L address --key "$WURI" $PS
check_eq "... with its address" "$(json_str address "$T/out")" "$WADDR"
check "sign-message beside the Ed25519 key" \
    $L sign-message --key "$W2URI" $PS --message "next to ed25519"
check "... recovers" $E recover "next to ed25519" "$(cat "$T/out")"
check_eq "... to the new wallet" "$(cat "$T/out")" "$W2ADDR"
check "the flow beside the Ed25519 key" \
    $L session-sigs --wallet "$W2URI" $PS \
    --resource 'lit-pkp://*' --ability pkp-signing --node "$NODE1" \
    --nonce "$NONCE"
cp "$T/out" "$T/ss2.json"
check "... verify accepts" \
    $L verify --session-sigs "$T/ss2.json" --node "$NODE1"
check "session-sigs with the first wallet's delegation" \
    $L session-sigs --wallet "$W2URI" $PS --delegation "$T/delegation.json" \
    --resource 'lit-pkp://*' --ability pkp-signing --node "$NODE1" \
    --nonce "$NONCE"
cp "$T/out" "$T/ss3.json"
check_err "... verify rejects it: the delegation names the other wallet" \
    "delegatee_not_authorized" \
    $L verify --session-sigs "$T/ss3.json" --node "$NODE1"

# Several processes on one SoftHSM2 token at once: SoftHSM2 can meet a
# token file another process is writing (no token, or CKR_GENERAL_ERROR /
# CKR_USER_PIN_NOT_INITIALIZED at login); lithsm loads the module again.
for round in 1 2 3; do
    for i in 1 2 3 4 5 6 7 8; do
        $L sign-message --key "$WURI" $PS --message "busy $round $i" \
            >"$T/busy$i.out" 2>"$T/busy$i.err" &
    done
    wait
    n=0
    for i in 1 2 3 4 5 6 7 8; do
        [ -s "$T/busy$i.out" ] && n=$((n + 1))
    done
    if [ "$n" -eq 8 ]; then
        pass "8 processes sign with one token at once (round $round)"
    else
        fail "8 processes sign with one token at once (round $round)" \
            "$n of 8 succeeded" "$(cat "$T"/busy*.err | head -n 3)"
    fi
done

lithsm_done

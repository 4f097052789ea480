#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The lithsm authors
# shellcheck disable=SC2086 # $PS: an option list, unquoted
# review-keys.sh - issue 8's key findings, each a regression test on
# SoftHSM2 tokens made here: a URI matching several keys is refused and
# says which attribute tells them apart (item 1); the PIN goes only to the
# token that holds the key (item 2); signing through p11-kit remoting
# (p11-kit server, p11-kit-client.so) works (item 12).
set -eu

. "${top_srcdir:-.}/tests/integration/lib.sh"

lithsm_setup

lithsm_cli
OTHER=lithsm-other
OTHER_PIN=999999

softhsm2-util --init-token --free --label "$OTHER" --pin "$OTHER_PIN" \
    --so-pin 65432100 >"$T/init2.log" 2>&1 ||
    bail "softhsm2-util --init-token $OTHER failed: $(cat "$T/init2.log")"

# visible_keygen TOKEN PIN ID LABEL [OPTION]: a secp256k1 key pair whose
# public key is a public object (as lithsm keygen makes it; SoftHSM2's
# private keys are private objects), found without login; bails on error.
visible_keygen() {
    pkcs11-tool --module "$MODULE" --token-label "$1" --login --pin "$2" \
        --keypairgen --key-type EC:secp256k1 --id "$3" --label "$4" \
        --usage-sign --sensitive ${5:-} >"$T/keygen.log" 2>&1 ||
        bail "keygen $4 on $1: $(cat "$T/keygen.log")"
}

# pin_untouched NAME: the second token saw no failed login (SoftHSM2
# reports "count low" after one).
pin_untouched() {
    pkcs11-tool --module "$MODULE" -L >"$T/slots" 2>&1 || true
    if sed -n "/$OTHER/,/^Slot/p" "$T/slots" | grep -qi "count low"; then
        fail "$1" "$(sed -n "/$OTHER/,/^Slot/p" "$T/slots")"
    else
        pass "$1"
    fi
}

visible_keygen "$TOKEN" "$USER_PIN" 01 wallet
visible_keygen "$OTHER" "$OTHER_PIN" 0a spare

# refused_then_signs WHAT PATTERN URI FIXED_URI: URI is refused with an
# error matching PATTERN, the other token gets no PIN, FIXED_URI signs.
refused_then_signs() {
    check_fails "$1: refused" "$2" \
        $L sign-message --key "$3" $PS --message "refused"
    pin_untouched "$1: the other token was not sent the PIN"
    check "$1: $4 signs" $L sign-message --key "$4" $PS --message "fixed"
}

# --------------------------------------------- item 2: PIN to one token
# Both tokens match "pkcs11:object=wallet"; only the first holds it, and
# the second has another PIN: it must never be tried there.
check "sign without token=: the token holding the key is found" \
    $L sign-message --key "pkcs11:object=wallet" $PS --message "one token"
pin_untouched "the other token was not sent the PIN"

# A key whose public object is private too cannot be located without
# login: with two tokens matching, lithsm asks for token=; with token= it
# logs in to that token and signs.
keygen secp256k1 0b hidden || bail "keygen hidden: $(cat "$T/keygen.log")"
refused_then_signs "hidden key on one of two tokens (asks for token=)" \
    "2 tokens match the URI.*add token=" "pkcs11:object=hidden" \
    "pkcs11:token=$TOKEN;object=hidden"
pkcs11-tool --module "$MODULE" --token-label "$TOKEN" --login \
    --pin "$USER_PIN" --delete-object --type privkey --id 0b \
    >"$T/del.log" 2>&1 || bail "delete privkey: $(cat "$T/del.log")"

# --------------------------------------------- item 1: ambiguous URIs
visible_keygen "$TOKEN" "$USER_PIN" 02 hot
check_fails "token= alone with two keys: refused, asks for object=" \
    "matches 2 private keys.*object=" \
    $L sign-message --key "pkcs11:token=$TOKEN" $PS --message "x"

visible_keygen "$TOKEN" "$USER_PIN" 03 wallet
check_fails "two keys labelled wallet: refused, asks for id=" \
    "matches 2 private keys.*id=" \
    $L sign-message --key "pkcs11:token=$TOKEN;object=wallet" $PS \
    --message "x"
check "id= tells them apart" \
    $L sign-message --key "pkcs11:token=$TOKEN;object=wallet;id=%03" $PS \
    --message "by id"

visible_keygen "$OTHER" "$OTHER_PIN" 03 wallet
refused_then_signs "object=wallet;id=%03 on two tokens (asks for token=)" \
    "keys on 2 tokens.*token=" "pkcs11:object=wallet;id=%03" \
    "pkcs11:token=$TOKEN;object=wallet;id=%03"

# --------------------------------------- item 10: CKA_ALWAYS_AUTHENTICATE
# SoftHSM2 refuses C_Sign on such a key (CKR_USER_NOT_LOGGED_IN) unless
# C_Login(CKU_CONTEXT_SPECIFIC) comes between C_SignInit and C_Sign.
visible_keygen "$TOKEN" "$USER_PIN" 0c guarded --always-auth
pkcs11-tool --module "$MODULE" --token-label "$TOKEN" --login \
    --pin "$USER_PIN" --list-objects --type privkey >"$T/objs" 2>&1 || true
check_grep "the key has CKA_ALWAYS_AUTHENTICATE" "always authenticate" \
    "$T/objs"
GURI="pkcs11:token=$TOKEN;object=guarded"
check "sign-message with an always-authenticate key" \
    $L sign-message --key "$GURI" $PS --message "guarded 1"
check "session-sigs with an always-authenticate wallet key" \
    $L session-sigs --wallet "$GURI" $PS --resource 'lit-pkp://*' \
    --ability pkp-signing --node https://node1.example:7470 \
    --node https://node2.example:7470 --nonce 0x$(printf '%064d' 7)

# --------------------------------------------- item 12: p11-kit remoting
CLIENT=
for c in /usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-client.so \
    /usr/lib/pkcs11/p11-kit-client.so /usr/lib64/pkcs11/p11-kit-client.so; do
    [ -f "$c" ] && CLIENT=$c && break
done
if [ -z "$CLIENT" ] || ! command -v p11-kit >/dev/null 2>&1; then
    fail "p11-kit server and p11-kit-client.so present" \
        "install p11-kit and p11-kit-modules (tools/deps.sh)"
else
    mkdir "$T/run"
    XDG_RUNTIME_DIR=$T/run p11-kit server -f -s -n "$T/run/p11kit.sock" \
        --provider "$MODULE" "pkcs11:token=$TOKEN" >"$T/server.env" \
        2>"$T/server.log" &
    SERVER=$!
    i=0
    while [ ! -S "$T/run/p11kit.sock" ] && [ $i -lt 50 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    P11_KIT_SERVER_ADDRESS=unix:path=$T/run/p11kit.sock
    export P11_KIT_SERVER_ADDRESS
    check "sign-message through p11-kit server and p11-kit-client.so" \
        $L sign-message --module "$CLIENT" $PS --message "remote" \
        --key "pkcs11:token=$TOKEN;object=wallet;id=%01"
    check_grep "the remote signature is a 65-byte hex" '0x[0-9a-f]\{130\}' \
        "$T/out"
    unset P11_KIT_SERVER_ADDRESS
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
fi

lithsm_done

#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The lithsm authors
# tempfail.sh - the lithsm CLI's exit statuses with a SoftHSM2 token
# (issue 8, item 13): 75 (EX_TEMPFAIL) when the token or its module is not
# available now, 1 for a failure that a retry cannot fix, 2 for usage.
set -eu

. "${top_srcdir:-.}/tests/integration/lib.sh"

lithsm_setup

lithsm_cli
wallet_key

# check_rc NAME STATUS CMD...: CMD exits with STATUS.
check_rc() {
    name=$1
    want=$2
    shift 2
    rc=0
    "$@" >"$T/out" 2>&1 || rc=$?
    if [ "$rc" -eq "$want" ]; then
        pass "$name"
    else
        fail "$name" "exit status $rc, expected $want: $*" \
            "$(tail -n 5 "$T/out")"
    fi
}

check_rc "the key opens: 0" 0 $L address --key "$URI" $PS
check_rc "a token not present: 75" 75 \
    $L address --key "pkcs11:token=absent;object=wallet" $PS
check_rc "keygen on a token not present: 75" 75 \
    $L keygen --token absent --label w2 $PS
check_rc "a module that cannot be loaded: 75" 75 \
    $L address --key "$URI" $PS --module "$T/no-such-module.so"
check_rc "sign-message on a token not present: 75" 75 \
    $L sign-message --key "pkcs11:token=absent;object=wallet" $PS \
    --message hi
printf '000000\n' >"$T/badpin"
chmod 600 "$T/badpin"
check_rc "a wrong PIN is not transient: 1" 1 \
    $L address --key "$URI" --pin-source "file:$T/badpin"
check_rc "no such key on a present token: 1" 1 \
    $L address --key "pkcs11:token=$TOKEN;object=nosuchkey" $PS
check_rc "a usage error: 2" 2 $L address --key "$URI" --frobnicate
# The network unavailable (a closed port): 75 too.
down=http://127.0.0.1:1
check_rc "handshake with its node down: 75" 75 \
    $L handshake --node "$down" --retries 0
check_rc "session-sigs with its node down: 75" 75 \
    $L session-sigs --wallet "$URI" $PS --node "$down" --retries 0 \
    --resource 'lit-pkp://*' --ability pkp-signing
printf '{"%s":42}\n' "$down" >"$T/sigs.json"
check_rc "verify --send with its node down: 75" 75 \
    $L verify --session-sigs "$T/sigs.json" --send --node "$down" \
    --retries 0
check_rc "a node URL with user:pass@: usage error 2" 2 \
    $L handshake --node "http://user:pass@127.0.0.1:1"
for cmd in address delegate keygen session-sigs sign-message handshake \
    verify; do
    $L "$cmd" --help >"$T/help" 2>&1 || true
    check_grep "lithsm $cmd --help documents exit status 75" \
        "75 (EX_TEMPFAIL)" "$T/help"
done

lithsm_done

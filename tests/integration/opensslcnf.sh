#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The lithsm authors
# shellcheck disable=SC2086 # $PS: an option list, unquoted
# opensslcnf.sh - openssl.cnf reaches the lithsm CLI and liblithsm (issue
# 8, item 11): module-path and pin-source of the lithsm provider section of
# OPENSSL_CONF are used when neither the URI nor an option gives them.
set -eu

. "${top_srcdir:-.}/tests/integration/lib.sh"

lithsm_setup

lithsm_cli
wallet_key

# cnf FILE ACTIVATE KEYS...: an openssl.cnf with a lithsm section.
cnf() {
    file=$1
    act=$2
    shift 2
    {
        printf 'openssl_conf = openssl_init\n[openssl_init]\n'
        printf 'providers = provider_sect\n[provider_sect]\n'
        printf 'lithsm = lithsm_sect\ndefault = default_sect\n'
        printf '[default_sect]\nactivate = 1\n[lithsm_sect]\n'
        [ "$act" = 1 ] && printf 'activate = 1\n'
        printf '%s\n' "$@"
    } >"$file"
}

$L address --key "$URI" --pin-source "file:$T/pin" >"$T/want" 2>&1 ||
    bail "the key does not open: $(cat "$T/want")"

check_fails "without a PIN source anywhere: fails" "PIN" \
    $L address --key "$URI" </dev/null

cnf "$T/a.cnf" 1 "pin-source = file:$T/pin"
OPENSSL_CONF=$T/a.cnf $L address --key "$URI" </dev/null >"$T/out" 2>&1 ||
    true
check_same "pin-source from openssl.cnf (activate = 1)" "$T/out" "$T/want"

cnf "$T/b.cnf" 0 "pin-source = file:$T/pin"
OPENSSL_CONF=$T/b.cnf $L address --key "$URI" </dev/null >"$T/out" 2>&1 ||
    true
check_same "pin-source from openssl.cnf (not activated)" "$T/out" "$T/want"

# module-path from openssl.cnf: with no module in lithsm.conf, before the
# CLI's default (p11-kit's proxy).
: >"$T/nomodule.conf"
cnf "$T/c.cnf" 1 "pin-source = file:$T/pin" "module-path = $T/nomodule.so"
check_fails "module-path from openssl.cnf is used" "nomodule" \
    env OPENSSL_CONF="$T/c.cnf" LITHSM_CONF="$T/nomodule.conf" \
    $L address --key "$URI"

cnf "$T/d.cnf" 1 "pin-source = file:$T/pin" "module-path = $MODULE"
OPENSSL_CONF=$T/d.cnf LITHSM_CONF=$T/nomodule.conf $L address --key "$URI" \
    </dev/null >"$T/out" 2>&1 || true
check_same "module-path and pin-source from openssl.cnf" "$T/out" "$T/want"

cnf "$T/e.cnf" 1 "pkcs11-module-path = $MODULE" \
    "pkcs11-module-token-pin = file:$T/pin"
check_fails "pkcs11-provider's keys: a warning naming module-path" \
    "unknown key 'pkcs11-module-path' is ignored (did you mean module-path?)" \
    env OPENSSL_CONF="$T/e.cnf" $L address --key "$URI"

lithsm_done

#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The lithsm authors
# examples/serve/start.sh DIR - an example deployment of the signing
# service ('lithsm serve') on loopback, made from nothing in DIR (a new or
# empty directory; anything else is refused):
#
#   DIR/softhsm2.conf, DIR/tokens/   a throwaway SoftHSM2 token
#                                    (lithsm-example)
#   DIR/pin                          its user PIN, random, 0600 (never
#                                    printed; the SO PIN is not kept)
#   keys wallet and owner            secp256k1, made in the token by
#                                    'lithsm keygen'
#   key store-wrap                   AES-256 in the token (pkcs11-tool):
#                                    seals DIR/store's session entries
#   DIR/pki/                         a CA, the server certificate (IP
#                                    127.0.0.1) and the client
#                                    certificates admin and restricted
#                                    (keys 0600)
#   DIR/serve.cnf, DIR/policy.cnf    from examples/serve/serve.cnf and
#                                    examples/serve/policy.cnf
#   DIR/audit.jsonl                  the audit trail
#   DIR/serve.log, DIR/serve.pid     the service's log and pid
#
# then starts 'lithsm serve --config DIR/serve.cnf' in the background and,
# once it listens, prints one JSON line (also kept in DIR/start.json):
#
#   {"url":"https://127.0.0.1:PORT","ca":PATH,
#    "clients":{"admin":{"cert":PATH,"key":PATH},
#               "restricted":{"cert":PATH,"key":PATH}},
#    "audit":PATH,"pid":N,"wallet":ADDRESS,"owner":ADDRESS}
#
# and how to stop it on standard error.  lithsm is $LITHSM if set, else
# the build tree this script is in (tools/lithsm, when built), else
# lithsm on PATH.  Beside a build tree's lithsm, the provider is taken
# from its provider/.libs unless OPENSSL_MODULES is set; an installed
# lithsm finds its installed provider.  Needs softhsm2 and openssl
# (Debian 12: apt-get install softhsm2 openssl).  The token, keys and PKI
# are made by examples/serve/setup.sh, which examples/fleet shares.
set -eu

me=start.sh

if [ $# -ne 1 ] || [ -z "$1" ]; then
    printf 'usage: %s DIR   (DIR: a new or empty directory)\n' "$0" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd -P)
# The token, its keys and the PKI (examples/serve/setup.sh).
STOP_HINT="kill \$(cat $1/serve.pid)"
. "$here/setup.sh"
example_setup "$1"

# ---- the configuration and the policy.
sed -e "s|@DIR@|$dir|g" -e "s|@MODULE@|$module|g" "$here/serve.cnf" \
    >"$dir/serve.cnf" || die "cannot write $dir/serve.cnf"
cp "$here/policy.cnf" "$dir/policy.cnf" || die "cannot copy policy.cnf"

# ---- the service, in the background; its start line in DIR/serve.out.
: >"$dir/serve.out"
"$lithsm" serve --config "$dir/serve.cnf" </dev/null >"$dir/serve.out" \
    2>"$dir/serve.log" &
pid=$!
i=0
until grep -q '}$' "$dir/serve.out"; do
    if ! kill -0 "$pid" 2>/dev/null || [ $i -ge 300 ]; then
        kill "$pid" 2>/dev/null || true
        die "lithsm serve did not start: $(tail -n 3 "$dir/serve.log") (log: $dir/serve.log)"
    fi
    sleep 0.1
    i=$((i + 1))
done
url=$(sed -n 's/^{"url":"\(https:\/\/127\.0\.0\.1:[0-9]*\)".*/\1/p' \
    "$dir/serve.out")
spid=$(sed -n 's/.*"pid":\([0-9]*\)[,}].*/\1/p' "$dir/serve.out")
if [ -z "$url" ] || [ "$spid" != "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    die "unexpected start line: $(cat "$dir/serve.out")"
fi
printf '%s\n' "$pid" >"$dir/serve.pid"

printf '{"url":"%s","ca":"%s","clients":{"admin":{"cert":"%s","key":"%s"},"restricted":{"cert":"%s","key":"%s"}},"audit":"%s","pid":%s,"wallet":"%s","owner":"%s"}\n' \
    "$url" "$C/ca.pem" "$C/admin.pem" "$C/admin.key" "$C/restricted.pem" \
    "$C/restricted.key" "$dir/audit.jsonl" "$pid" "$wallet" "$owner" |
    tee "$dir/start.json"
printf '%s: lithsm serve runs as pid %s (log %s); stop it with: kill %s\n' \
    "$me" "$pid" "$dir/serve.log" "$pid" >&2

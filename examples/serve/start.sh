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
# (Debian 12: apt-get install softhsm2 openssl).
set -eu

TOKEN="lithsm-example"
me=start.sh

die() {
    printf '%s: %s\n' "$me" "$*" >&2
    exit 1
}

if [ $# -ne 1 ] || [ -z "$1" ]; then
    printf 'usage: %s DIR   (DIR: a new or empty directory)\n' "$0" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd -P)
dir=$1

# ---- what it needs.
for tool in softhsm2-util pkcs11-tool openssl; do
    command -v "$tool" >/dev/null 2>&1 ||
        die "$tool not found (Debian: apt-get install softhsm2 openssl)"
done
module=
for m in /usr/lib/softhsm/libsofthsm2.so \
    /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so \
    /usr/lib64/pkcs11/libsofthsm2.so /usr/local/lib/softhsm/libsofthsm2.so; do
    if [ -f "$m" ]; then
        module=$m
        break
    fi
done
[ -n "$module" ] || die "libsofthsm2.so not found (apt-get install softhsm2)"
if [ -n "${LITHSM:-}" ]; then
    lithsm=$LITHSM
elif [ -x "$here/../../tools/lithsm" ]; then
    lithsm=$(cd "$here/../../tools" && pwd -P)/lithsm
else
    lithsm=$(command -v lithsm) ||
        die "lithsm not found: install it (make install), build this tree, or set LITHSM"
fi
[ -x "$lithsm" ] || die "$lithsm: not an executable"
tree=$(dirname "$lithsm")/../provider/.libs
if [ -z "${OPENSSL_MODULES:-}" ] && [ -f "$tree/lithsm.so" ]; then
    OPENSSL_MODULES=$(cd "$tree" && pwd -P)
    export OPENSSL_MODULES
fi

# ---- DIR: new or empty, never reused; its path goes unquoted into a
# configuration file and a JSON line.
safe_path() {
    case $1 in
    *[!A-Za-z0-9._/+,:@-]*)
        die "$1: use a path of letters, digits and ._-+,:@/ only (it is written unquoted into serve.cnf and the JSON line)"
        ;;
    esac
}
case $dir in
/*) safe_path "$dir" ;;
*) safe_path "$(pwd -P)/$dir" ;;
esac
if [ -e "$dir" ] || [ -L "$dir" ]; then
    [ -d "$dir" ] || die "$dir exists and is not a directory"
    [ -z "$(ls -A "$dir")" ] ||
        die "$dir is not empty: start.sh makes a new token, keys and certificates and never reuses or overwrites a directory; give a new or empty one (a service started there earlier stops with: kill \$(cat $dir/serve.pid))"
else
    mkdir -p "$dir"
fi
umask 077
chmod 700 "$dir"
dir=$(cd "$dir" && pwd -P)
safe_path "$dir"
log=$dir/setup.log
: >"$log"
# fail WHAT: gives up naming the step, with the end of the setup log.
fail() {
    die "$1 failed: $(tail -n 5 "$log") (full log: $log)"
}

# ---- the token, found through its own configuration; an empty
# openssl.cnf so that no system configuration changes what runs here.
mkdir "$dir/tokens"
cat >"$dir/softhsm2.conf" <<EOF
directories.tokendir = $dir/tokens
objectstore.backend = file
log.level = ERROR
EOF
: >"$dir/openssl.cnf"
SOFTHSM2_CONF=$dir/softhsm2.conf
OPENSSL_CONF=$dir/openssl.cnf
export SOFTHSM2_CONF OPENSSL_CONF
# softhsm2-util takes the PINs on its command line only: there for the
# moment of the init, never printed, never given to lithsm.
pin=$(openssl rand -hex 12) || fail "openssl rand"
printf '%s\n' "$pin" >"$dir/pin"
chmod 600 "$dir/pin"
softhsm2-util --init-token --free --label "$TOKEN" --pin "$pin" \
    --so-pin "$(openssl rand -hex 12)" >>"$log" 2>&1 ||
    fail "softhsm2-util --init-token"
# The AES key that seals the session store (store_wrap_key); pkcs11-tool
# too takes the PIN on its command line only.
pkcs11-tool --module "$module" --token-label "$TOKEN" --login --pin "$pin" \
    --keygen --key-type AES:32 --label store-wrap >>"$log" 2>&1 ||
    fail "pkcs11-tool --keygen --key-type AES:32"
pin=
P="--pin-source file:$dir/pin --module $module"

# ---- the keys, made in the token; their addresses as lithsm prints them.
for key in wallet owner; do
    # shellcheck disable=SC2086 # $P is a list of options
    "$lithsm" keygen --token "$TOKEN" --label "$key" $P >>"$log" 2>&1 ||
        fail "lithsm keygen --label $key"
done
# address KEY: the EIP-55 address 'lithsm address' prints for KEY.
address() {
    # shellcheck disable=SC2086
    "$lithsm" address --key "pkcs11:token=$TOKEN;object=$1;type=private" \
        $P 2>>"$log" |
        sed -n 's/^{"address":"\(0x[0-9a-fA-F]\{40\}\)"}$/\1/p'
}
wallet=$(address wallet)
owner=$(address owner)
if [ -z "$wallet" ] || [ -z "$owner" ]; then
    fail "lithsm address"
fi

# ---- the PKI: a CA, the server's certificate and two callers'.
C=$dir/pki
mkdir "$C"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$C/ca.key" -out "$C/ca.pem" -days 30 \
    -subj "/O=lithsm example/CN=lithsm example CA" \
    -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign,cRLSign >>"$log" 2>&1 ||
    fail "openssl req (CA)"
# leaf NAME EXTENSIONS: a P-256 key and a certificate of subject
# O=lithsm example, CN=NAME, which the service reads as the RFC 4514
# "CN=NAME,O=lithsm example" that policy.cnf matches.
leaf() {
    printf '%s\n' "$2" >"$C/$1.ext"
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -keyout "$C/$1.key" -out "$C/$1.csr" \
        -subj "/O=lithsm example/CN=$1" >>"$log" 2>&1 ||
        fail "openssl req ($1)"
    openssl x509 -req -in "$C/$1.csr" -CA "$C/ca.pem" -CAkey "$C/ca.key" \
        -CAcreateserial -days 30 -extfile "$C/$1.ext" \
        -out "$C/$1.pem" >>"$log" 2>&1 || fail "openssl x509 ($1)"
    rm -f "$C/$1.csr" "$C/$1.ext"
}
leaf server 'subjectAltName=IP:127.0.0.1
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth'
for caller in admin restricted; do
    leaf "$caller" 'keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth'
done

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

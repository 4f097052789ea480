# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The lithsm authors
# examples/serve/setup.sh - what the example deployments share (sourced
# by examples/serve/start.sh and examples/fleet/start.sh; POSIX sh): the
# tools they need, a new or empty DIR, a throwaway SoftHSM2 token with the
# keys wallet, owner and store-wrap, and a PKI for 127.0.0.1 with the
# callers admin and restricted.  The sourcing script sets beforehand:
#
#   me         its name, for messages
#   here       its folder (examples/NAME: lithsm is looked for in
#              ../../tools before PATH)
#   STOP_HINT  how to stop what an earlier run started in DIR, named when
#              DIR is not empty
#
# example_setup DIR then sets dir (absolute), log (DIR/setup.log),
# module, lithsm, P (the --pin-source and --module options), wallet,
# owner (EIP-55 addresses) and C (DIR/pki), and exports SOFTHSM2_CONF and
# OPENSSL_CONF (DIR's own) and OPENSSL_MODULES (beside a build tree's
# lithsm).  Any failure ends the script with a message naming the step.

TOKEN="lithsm-example"

die() {
    printf '%s: %s\n' "$me" "$*" >&2
    exit 1
}

# fail WHAT: gives up naming the step, with the end of the setup log.
fail() {
    die "$1 failed: $(tail -n 5 "$log") (full log: $log)"
}

# DIR's path goes unquoted into configuration files and a JSON line.
safe_path() {
    case $1 in
    *[!A-Za-z0-9._/+,:@-]*)
        die "$1: use a path of letters, digits and ._-+,:@/ only (it is written unquoted into the configuration and the JSON line)"
        ;;
    esac
}

# example_tools: softhsm2, openssl and lithsm found (module, lithsm).
example_tools() {
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
}

# example_dir DIR: DIR new or empty, never reused; made 0700 (umask 077
# from here on).
example_dir() {
    dir=$1
    case $dir in
    /*) safe_path "$dir" ;;
    *) safe_path "$(pwd -P)/$dir" ;;
    esac
    if [ -e "$dir" ] || [ -L "$dir" ]; then
        [ -d "$dir" ] || die "$dir exists and is not a directory"
        [ -z "$(ls -A "$dir")" ] ||
            die "$dir is not empty: $me makes a new token, keys and certificates and never reuses or overwrites a directory; give a new or empty one (a service started there earlier stops with: $STOP_HINT)"
    else
        mkdir -p "$dir"
    fi
    umask 077
    chmod 700 "$dir"
    dir=$(cd "$dir" && pwd -P)
    safe_path "$dir"
    log=$dir/setup.log
    : >"$log"
}

# example_token: the token (found through DIR/softhsm2.conf; an empty
# openssl.cnf so that no system configuration changes what runs here),
# its user PIN in DIR/pin, the AES key store-wrap and the keys wallet
# and owner; their addresses.
example_token() {
    mkdir "$dir/tokens"
    cat >"$dir/softhsm2.conf" <<CONF
directories.tokendir = $dir/tokens
objectstore.backend = file
log.level = ERROR
CONF
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
    # The AES key that seals the session store (store_wrap_key);
    # pkcs11-tool too takes the PIN on its command line only.
    pkcs11-tool --module "$module" --token-label "$TOKEN" --login \
        --pin "$pin" --keygen --key-type AES:32 --label store-wrap \
        >>"$log" 2>&1 || fail "pkcs11-tool --keygen --key-type AES:32"
    pin=
    P="--pin-source file:$dir/pin --module $module"
    for key in wallet owner; do
        # shellcheck disable=SC2086 # $P is a list of options
        "$lithsm" keygen --token "$TOKEN" --label "$key" $P >>"$log" 2>&1 ||
            fail "lithsm keygen --label $key"
    done
    wallet=$(example_address wallet)
    owner=$(example_address owner)
    if [ -z "$wallet" ] || [ -z "$owner" ]; then
        fail "lithsm address"
    fi
}

# example_address KEY: the EIP-55 address 'lithsm address' prints for KEY.
example_address() {
    # shellcheck disable=SC2086
    "$lithsm" address --key "pkcs11:token=$TOKEN;object=$1;type=private" \
        $P 2>>"$log" |
        sed -n 's/^{"address":"\(0x[0-9a-fA-F]\{40\}\)"}$/\1/p'
}

# example_pki: a CA, the server's certificate (IP 127.0.0.1) and two
# callers', in DIR/pki.
example_pki() {
    C=$dir/pki
    mkdir "$C"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -keyout "$C/ca.key" -out "$C/ca.pem" -days 30 \
        -subj "/O=lithsm example/CN=lithsm example CA" \
        -addext basicConstraints=critical,CA:TRUE \
        -addext keyUsage=critical,keyCertSign,cRLSign >>"$log" 2>&1 ||
        fail "openssl req (CA)"
    example_leaf server 'subjectAltName=IP:127.0.0.1
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth'
    for caller in admin restricted; do
        example_leaf "$caller" 'keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth'
    done
}

# example_leaf NAME EXTENSIONS: a P-256 key and a certificate of subject
# O=lithsm example, CN=NAME, which the service reads as the RFC 4514
# "CN=NAME,O=lithsm example" that policy.cnf matches.
example_leaf() {
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

# example_setup DIR: all of the above, in order.
example_setup() {
    example_tools
    example_dir "$1"
    example_token
    example_pki
}

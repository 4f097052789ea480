# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The lithsm authors
# serve-lib.sh - a signing service to put load on, for
# tests/serve-load.test and tests/bench-serve.sh (POSIX sh; sourced after
# tests/integration/lib.sh's lithsm_setup, which gives $T): a CA, a
# server certificate for 127.0.0.1 and the client certificate "admin",
# a policy that lets admin do everything, and start/stop of lithsm serve.

# serve_pki: $C (= $T/pki) with ca.pem, server.pem/.key, admin.pem/.key.
serve_pki() {
    C=$T/pki
    mkdir -p "$C"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -keyout "$C/ca.key" -out "$C/ca.pem" -days 2 -subj "/CN=ca CA" \
        >>"$C/log" 2>&1 || return 1
    serve_leaf server 'subjectAltName=IP:127.0.0.1
extendedKeyUsage=serverAuth' && serve_leaf admin 'extendedKeyUsage=clientAuth
keyUsage=critical,digitalSignature'
}

# serve_leaf NAME EXTENSIONS: a P-256 certificate signed by the CA.
serve_leaf() {
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -keyout "$C/$1.key" -out "$C/$1.csr" -subj "/O=lithsm test/CN=$1" \
        >>"$C/log" 2>&1 &&
        printf '%s\n' "$2" >"$C/$1.ext" &&
        openssl x509 -req -in "$C/$1.csr" -CA "$C/ca.pem" -CAkey "$C/ca.key" \
            -CAcreateserial -days 2 -extfile "$C/$1.ext" -out "$C/$1.pem" \
            >>"$C/log" 2>&1
}

# serve_policy FILE: admin may use every key and route.
serve_policy() {
    cat >"$1" <<EOF
[policy]
callers = admin
[admin]
match = subject:CN=admin,O=lithsm test
keys = *
routes = *
typed_data_domains = *
typed_data_primary_types = *
tx_chain_ids = *
tx_to = *
tx_selectors = *
EOF
}

# serve_config FILE AUDIT MAX_CONNECTIONS TIMEOUT_S KEYS...: a
# configuration in $T (certificates of serve_pki, policy $T/policy.cnf);
# each KEYS argument is a "name = location" line of [keys].
serve_config() {
    f=$1 audit=$2 maxc=$3 tmo=$4
    shift 4
    {
        cat <<EOF
[serve]
listen = 127.0.0.1:0
tls_cert = $C/server.pem
tls_key = $C/server.key
client_ca = $C/ca.pem
audit = $audit
policy = $T/policy.cnf
max_body = 4096
max_connections = $maxc
request_timeout_s = $tmo
EOF
        [ -z "${MODULE:-}" ] || printf 'module = %s\npin_source = file:%s\n' \
            "$MODULE" "$T/pin"
        printf '\n[keys]\n'
        printf '%s\n' "$@"
    } >"$f"
}

# serve_start CONFIG: starts lithsm serve in the background; sets URL and
# SERVER_PID (URL empty when it did not start; its log is $T/serve.log).
# LITHSM_SERVE names another lithsm-serve program to run.
serve_start() {
    : >"$T/start.json"
    "${LITHSM_SERVE:-$top_builddir/tools/lithsm-serve}" --config "$1" >"$T/start.json" \
        2>>"$T/serve.log" &
    SERVER_PID=$!
    i=0
    while [ ! -s "$T/start.json" ] && [ $i -lt 300 ]; do
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
        i=$((i + 1))
    done
    URL=$(sed -n 's/^{"url":"\(https:\/\/127\.0\.0\.1:[0-9]*\)","instance":"[^"]*","pid":[0-9]*}$/\1/p' \
        "$T/start.json")
}

# serve_stop: SIGTERM, and waits for the exit; its status in $SERVER_RC.
serve_stop() {
    SERVER_RC=
    [ -n "${SERVER_PID:-}" ] || return 0
    kill -TERM "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID"
    SERVER_RC=$?
    SERVER_PID=
}

# serve_load ARGS...: the load client as admin against $URL (ARGS name
# the route: --url is given here as $URL$ROUTE).
serve_load() {
    "$top_builddir/tests/serve-load" --url "$URL$ROUTE" --cacert "$C/ca.pem" \
        --cert "$C/admin.pem" --key "$C/admin.key" "$@"
}

# json_num FILE NAME: the number NAME of the one-line JSON in FILE.
json_num() {
    sed -n "s/.*\"$2\":\\([0-9.]*\\).*/\\1/p" "$1"
}

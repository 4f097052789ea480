# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The lithsm authors
# examples/fleet/pg.sh - a throwaway PostgreSQL cluster (POSIX sh; sourced
# by examples/fleet/start.sh, and through tests/pg-lib.sh by the fleet's
# tests and benchmark).  Needs the Debian package postgresql (its server
# programs, which Debian keeps off PATH, are found by pg_config or under
# /usr/lib/postgresql) and psql.
#
#   pg_start DIR     initdb + pg_ctl start in DIR/pg (made here), as an
#                    unprivileged user: the caller when it is not root,
#                    else "nobody"; unix socket in DIR/pg, no TCP unless
#                    PG_TLS_DIR is set (below).  Sets PG_URI (superuser
#                    "lithsm", database "lithsm", over the socket), PG_DIR,
#                    PG_PORT.  Returns non-zero with the reason on stderr.
#   pg_stop / pg_restart / pg_kill   stop fast, start again, SIGKILL.
#   pg_sql SQL       runs SQL with psql as the superuser, prints rows.
#
# PG_TLS_DIR=D (optional, before pg_start): D holds server.pem, server.key
# and ca.pem; the cluster also listens on 127.0.0.1:$PG_PORT for
# hostssl connections with a password (scram-sha-256), PG_PASSWORD is set
# for role lithsm, and PG_TLS_URI is set (no password in it: give
# PGPASSFILE or passfile=).

# The server programs' folder: Debian keeps them off PATH.
pg_bindir() {
    for pg_d in "$(pg_config --bindir 2>/dev/null)" /usr/lib/postgresql/*/bin; do
        if [ -x "$pg_d/initdb" ]; then
            echo "$pg_d"
            return 0
        fi
    done
    echo "pg-lib: no PostgreSQL server programs (initdb): install the" \
        "Debian package postgresql" >&2
    return 1
}

# pg_as CMD...: runs CMD as the cluster's owner.
pg_as() {
    if [ "$(id -u)" -eq 0 ]; then
        setpriv --reuid=nobody --regid=nogroup --clear-groups \
            env HOME="$PG_DIR" "$@"
    else
        "$@"
    fi
}

pg_start() {
    PG_BIN=$(pg_bindir) || return 1
    PG_DIR=$1/pg
    mkdir -p "$PG_DIR" || return 1
    if [ "$(id -u)" -eq 0 ]; then
        # nobody must reach DIR/pg: open the folders above it for
        # traversal only (their entries stay unlistable).
        pg_up=$1
        while [ "$pg_up" != / ] && [ "$pg_up" != . ]; do
            chmod o+x "$pg_up" 2>/dev/null
            pg_up=$(dirname "$pg_up")
        done
        chown nobody:nogroup "$PG_DIR" || return 1
    fi
    chmod 0700 "$PG_DIR"
    PG_PORT=${PG_PORT:-$((20000 + $$ % 20000))}
    pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U lithsm -A trust -E UTF8 \
        --no-instructions >"$PG_DIR/initdb.log" 2>&1 || {
        echo "pg-lib: initdb failed:" >&2
        tail -n 5 "$PG_DIR/initdb.log" >&2
        return 1
    }
    {
        echo "unix_socket_directories = '$PG_DIR'"
        echo "port = $PG_PORT"
        echo "listen_addresses = ''"
        echo "max_connections = 200"
        echo "shared_buffers = 32MB"
    } >>"$PG_DIR/data/postgresql.conf"
    if [ -n "${PG_TLS_DIR:-}" ]; then
        pg_tls_setup || return 1
    fi
    pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
        -t 30 start >/dev/null 2>&1 || {
        echo "pg-lib: the server did not start:" >&2
        tail -n 5 "$PG_DIR/server.log" >&2
        return 1
    }
    PG_URI="postgresql://lithsm@/lithsm?host=$PG_DIR&port=$PG_PORT"
    pg_sql_db postgres "CREATE DATABASE lithsm" >/dev/null || return 1
    if [ -n "${PG_TLS_DIR:-}" ]; then
        PG_PASSWORD=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
        pg_sql "ALTER ROLE lithsm PASSWORD '$PG_PASSWORD'" >/dev/null ||
            return 1
        PG_TLS_URI="postgresql://lithsm@127.0.0.1:$PG_PORT/lithsm?sslmode=verify-full&sslrootcert=$PG_TLS_DIR/ca.pem"
    fi
}

# The certificate, key and hba lines for TLS with a password.
pg_tls_setup() {
    cp "$PG_TLS_DIR/server.pem" "$PG_TLS_DIR/server.key" \
        "$PG_TLS_DIR/ca.pem" "$PG_DIR/data/" || return 1
    [ "$(id -u)" -ne 0 ] ||
        chown nobody:nogroup "$PG_DIR/data/server.pem" \
            "$PG_DIR/data/server.key" "$PG_DIR/data/ca.pem"
    chmod 0600 "$PG_DIR/data/server.key"
    {
        echo "listen_addresses = '127.0.0.1'"
        echo "ssl = on"
        echo "ssl_cert_file = 'server.pem'"
        echo "ssl_key_file = 'server.key'"
        echo "ssl_ca_file = 'ca.pem'"
        echo "password_encryption = 'scram-sha-256'"
    } >>"$PG_DIR/data/postgresql.conf"
    # Over TCP only TLS with a password; the socket stays trusted.
    {
        echo "local all all trust"
        echo "hostssl all all 127.0.0.1/32 scram-sha-256"
    } >"$PG_DIR/data/pg_hba.conf"
}

pg_sql_db() {
    psql -X -q -A -t -v ON_ERROR_STOP=1 \
        "postgresql://lithsm@/$1?host=$PG_DIR&port=$PG_PORT" -c "$2"
}

pg_sql() {
    pg_sql_db lithsm "$1"
}

pg_stop() {
    pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1
}

pg_restart() {
    pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
        -t 30 start >/dev/null 2>&1
}

pg_kill() {
    [ -f "$PG_DIR/data/postmaster.pid" ] &&
        kill -9 "$(head -n 1 "$PG_DIR/data/postmaster.pid")" 2>/dev/null
}

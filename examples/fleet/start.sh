#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The lithsm authors
# examples/fleet/start.sh DIR - an example fleet of the signing service:
# three 'lithsm serve' instances on loopback sharing one PostgreSQL
# database, made from nothing in DIR (a new or empty directory; anything
# else is refused):
#
#   DIR/pg/                          a throwaway PostgreSQL cluster
#                                    (initdb + pg_ctl as an unprivileged
#                                    user: nobody when run as root), its
#                                    unix socket in DIR/pg, no TCP;
#                                    database lithsm, schema owner lithsm,
#                                    the service's role lithsm_serve
#                                    (examples/fleet/grants.sql)
#   DIR/softhsm2.conf, DIR/tokens/,  the token, its keys wallet, owner and
#   DIR/pin, DIR/pki/                store-wrap and the PKI, as
#                                    examples/serve makes them
#                                    (examples/serve/setup.sh)
#   DIR/serve-N.cnf, N = 1, 2, 3     from examples/fleet/serve.cnf: the
#                                    audit trail, the session store and
#                                    the rate limits in the database
#   DIR/policy.cnf                   examples/serve/policy.cnf
#   DIR/serve-N.log, DIR/serve.pids  the instances' logs and pids
#   DIR/stop.sh                      stops the instances, then the cluster
#
# The schema is made once by 'lithsm serve --config DIR/migrate.cnf
# --migrate' (serve-1.cnf as the schema's owner), then the three
# instances start; once all listen it prints one JSON line (also kept in
# DIR/start.json):
#
#   {"urls":[URL,URL,URL],"pids":[N,N,N],"postgres":CONNINFO,"ca":PATH,
#    "clients":{"admin":{"cert":PATH,"key":PATH},
#               "restricted":{"cert":PATH,"key":PATH}},
#    "wallet":ADDRESS}
#
# CONNINFO is the service role's URI ('lithsm audit verify CONNINFO'
# checks the fleet's trail; psql CONNINFO reads it).  How to stop it all
# goes to standard error: sh DIR/stop.sh.  lithsm is found as
# examples/serve/start.sh finds it ($LITHSM, this build tree, PATH).
# Needs softhsm2, openssl and postgresql (Debian 12: apt-get install
# softhsm2 openssl postgresql).
set -eu

me=start.sh
INSTANCES="1 2 3"

if [ $# -ne 1 ] || [ -z "$1" ]; then
    printf 'usage: %s DIR   (DIR: a new or empty directory)\n' "$0" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd -P)
STOP_HINT="sh $1/stop.sh"
. "$here/../serve/setup.sh"
. "$here/pg.sh"

example_tools
command -v psql >/dev/null 2>&1 ||
    die "psql not found (Debian: apt-get install postgresql)"
pg_bindir >/dev/null || die "no PostgreSQL server (apt-get install postgresql)"
example_dir "$1"

# Until the JSON line is out, a failure stops what was started.
PIDS=
started=
cleanup() {
    [ -z "$started" ] || return 0
    for p in $PIDS; do
        kill "$p" 2>/dev/null || true
    done
    [ -z "${PG_DIR:-}" ] || pg_stop || true
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

example_token
example_pki

# ---- the database: a cluster in DIR/pg, lithsm's schema made once by
# its owner, then the service's role and its rights.
pg_start "$dir" >>"$log" 2>&1 || fail "PostgreSQL (initdb, pg_ctl start)"
owner_uri=$PG_URI
pg="postgresql://lithsm_serve@/lithsm?host=$PG_DIR&port=$PG_PORT"
pg_sed=$(printf '%s' "$pg" | sed 's/[&|\\]/\\&/g') # a sed replacement
cp "$here/../serve/policy.cnf" "$dir/policy.cnf" ||
    die "cannot copy policy.cnf"
for n in $INSTANCES; do
    sed -e "s|@DIR@|$dir|g" -e "s|@MODULE@|$module|g" -e "s|@PG@|$pg_sed|g" \
        -e "s|@INSTANCE@|fleet-$n|g" "$here/serve.cnf" \
        >"$dir/serve-$n.cnf" || die "cannot write $dir/serve-$n.cnf"
done
sed "s|postgresql://lithsm_serve@|postgresql://lithsm@|" "$dir/serve-1.cnf" \
    >"$dir/migrate.cnf" || die "cannot write $dir/migrate.cnf"
"$lithsm" serve --config "$dir/migrate.cnf" --migrate </dev/null \
    >>"$log" 2>&1 || fail "lithsm serve --migrate"
psql -X -q -v ON_ERROR_STOP=1 "$owner_uri" -f "$here/grants.sql" \
    >>"$log" 2>&1 || fail "psql -f grants.sql"

# ---- the instances, in the background, one after the other (three
# processes opening one SoftHSM2 token at the same moment may not find
# it); each start line in DIR/serve-N.out.
urls=
for n in $INSTANCES; do
    : >"$dir/serve-$n.out"
    "$lithsm" serve --config "$dir/serve-$n.cnf" </dev/null \
        >"$dir/serve-$n.out" 2>"$dir/serve-$n.log" &
    pid=$!
    PIDS="$PIDS $pid"
    i=0
    until grep -q '}$' "$dir/serve-$n.out"; do
        if ! kill -0 "$pid" 2>/dev/null || [ $i -ge 300 ]; then
            die "instance $n did not start: $(tail -n 3 "$dir/serve-$n.log") (log: $dir/serve-$n.log)"
        fi
        sleep 0.1
        i=$((i + 1))
    done
    url=$(sed -n 's/^{"url":"\(https:\/\/127\.0\.0\.1:[0-9]*\)".*/\1/p' \
        "$dir/serve-$n.out")
    spid=$(sed -n 's/.*"pid":\([0-9]*\)[,}].*/\1/p' "$dir/serve-$n.out")
    if [ -z "$url" ] || [ "$spid" != "$pid" ]; then
        die "instance $n: unexpected start line: $(cat "$dir/serve-$n.out")"
    fi
    urls="$urls${urls:+,}\"$url\""
done
# shellcheck disable=SC2086 # one pid a line
printf '%s\n' $PIDS >"$dir/serve.pids"

# ---- how to stop it all: the instances drain and exit, then the
# cluster stops (as its owner).
pg_ctl_stop="$PG_BIN/pg_ctl -D $PG_DIR/data -m fast -w stop"
[ "$(id -u)" -ne 0 ] ||
    pg_ctl_stop="setpriv --reuid=nobody --regid=nogroup --clear-groups $pg_ctl_stop"
cat >"$dir/stop.sh" <<EOF
#!/bin/sh
# Stops the example fleet of $dir: its instances, then its database.
for pid in $PIDS; do
    kill "\$pid" 2>/dev/null
done
for pid in $PIDS; do
    while kill -0 "\$pid" 2>/dev/null; do
        sleep 0.1
    done
done
$pg_ctl_stop
EOF
chmod 700 "$dir/stop.sh"

started=yes
pids=$(echo $PIDS | tr ' ' ,)
printf '{"urls":[%s],"pids":[%s],"postgres":"%s","ca":"%s","clients":{"admin":{"cert":"%s","key":"%s"},"restricted":{"cert":"%s","key":"%s"}},"wallet":"%s"}\n' \
    "$urls" "$pids" "$pg" "$C/ca.pem" "$C/admin.pem" "$C/admin.key" \
    "$C/restricted.pem" "$C/restricted.key" "$wallet" | tee "$dir/start.json"
printf '%s: 3 instances of lithsm serve run as pids %s (logs %s/serve-N.log), PostgreSQL in %s; stop them all with: sh %s/stop.sh\n' \
    "$me" "$pids" "$dir" "$PG_DIR" "$dir" >&2

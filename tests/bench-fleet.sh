#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# SPDX-FileCopyrightText: 2026 The lithsm authors
# bench-fleet.sh - `make bench`: the fleet of examples/fleet/start.sh (three
# instances, audit trail, session store and rate limits in PostgreSQL on a
# unix socket, one SoftHSM2 token) next to a fourth instance on the same
# token with the file backends, in one run:
#  (i)  p50/p99 latency at 1 client of POST /v1/session-sigs (3 nodes,
#       session cached), POST /v1/sign/message (a token signature) and
#       GET /v1/keys (no token: the audit record alone), PostgreSQL
#       backends against file backends, and what PostgreSQL adds at p50
#       (the aim: <= 2 ms);
#  (ii) requests/s of three instances against one with the same total
#       clients (BENCH_FLEET_CLIENTS, default 12), with the machine's CPU
#       use over the run (/proc/stat) and its split between the
#       instances, PostgreSQL and the load client (/proc/PID/stat), to
#       say what bounds it: the CPU, the token or the database;
#  (iii) the database alone: the audit append's statements (lock the head
#       row, insert, move the head, commit) by pgbench at 1 and 8
#       clients, on a copy of the two tables: the fleet's ceiling of
#       records per second.
# BENCH_FLEET_SECONDS (default 3) is the length of one row.  Prints only;
# nothing is asserted.
set -u

top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
. "$top_srcdir/tests/integration/lib.sh"
. "$top_srcdir/tests/pg-lib.sh"

SECS=${BENCH_FLEET_SECONDS:-3}
CLIENTS=${BENCH_FLEET_CLIENTS:-12}
L=$top_builddir/tools/lithsm
for f in "$L" "$top_builddir/tools/lithsm-serve" \
    "$top_builddir/tests/serve-load"; do
    [ -x "$f" ] || bail "$f not built"
done
for tool in jq psql; do
    command -v $tool >/dev/null 2>&1 || bail "$tool not found"
done
PG_BIN=$(pg_bindir) || bail "no PostgreSQL server programs"
OPENSSL_MODULES=$(cd "$top_builddir/provider/.libs" && pwd) ||
    bail "provider not built"
export OPENSSL_MODULES
T=$(mktemp -d "${TMPDIR:-/tmp}/lithsm-bench.XXXXXX") || bail "mktemp failed"
D=$T/fleet
FILE_PID=
NORATE_PID=
trap 'kill $FILE_PID $NORATE_PID 2>/dev/null
    [ ! -f "$D/stop.sh" ] || sh "$D/stop.sh" >/dev/null 2>&1; rm -rf "$T"' EXIT
LITHSM=$L sh "$top_srcdir/examples/fleet/start.sh" "$D" >"$T/start.json" \
    2>"$T/start.err" || bail "examples/fleet/start.sh: $(tail -n 3 "$T/start.err")"
PG_DIR=$D/pg
PG_PORT=$(jq -r .postgres "$T/start.json" |
    sed -n 's/.*[?&]port=\([0-9]*\).*/\1/p')
CA=$D/pki/ca.pem
set -- $(jq -r '.urls[]' "$T/start.json")
URL1=$1 URL2=$2 URL3=$3
PIDS=$(jq -r '.pids[]' "$T/start.json" | tr '\n' ' ')

# admin unlimited (the policy's rate would cap the rows), on every
# instance: SIGHUP.
sed -i -e '/^\[admin\]/,/^\[/s|^rate = .*|rate = 100000/s|' \
    -e '/^\[admin\]/,/^\[/s|^burst = .*|burst = 100000|' "$D/policy.cnf"
for p in $PIDS; do
    kill -HUP "$p"
done
sleep 1

# The file-backend instance: serve-1.cnf with the trail and the store in
# files, the rate limits in the process.
sed -e "s|^audit = .*|audit = $T/audit.jsonl|" \
    -e "s|^store = .*|store = $T/store|" -e '/^rate_limits = /d' \
    -e 's|^instance = .*|instance = file|' "$D/serve-1.cnf" >"$T/file.cnf"
SOFTHSM2_CONF=$D/softhsm2.conf OPENSSL_CONF=$D/openssl.cnf \
    "$L" serve --config "$T/file.cnf" </dev/null >"$T/file.out" \
    2>"$T/file.log" &
FILE_PID=$!
n=0
until grep -q '}$' "$T/file.out" || [ $n -ge 300 ]; do
    sleep 0.1
    n=$((n + 1))
done
FILE_URL=$(sed -n 's/^{"url":"\(https:[^"]*\)".*/\1/p' "$T/file.out")
[ -n "$FILE_URL" ] || bail "the file-backend instance did not start: $(tail -n 3 "$T/file.log")"
# And one on the database but with the rate limits in the process: what
# the shared bucket's own commit costs.
sed -e '/^rate_limits = /d' -e 's|^instance = .*|instance = local-rates|' \
    "$D/serve-1.cnf" >"$T/norate.cnf"
SOFTHSM2_CONF=$D/softhsm2.conf OPENSSL_CONF=$D/openssl.cnf \
    "$L" serve --config "$T/norate.cnf" </dev/null >"$T/norate.out" \
    2>"$T/norate.log" &
NORATE_PID=$!
n=0
until grep -q '}$' "$T/norate.out" || [ $n -ge 300 ]; do
    sleep 0.1
    n=$((n + 1))
done
NORATE_URL=$(sed -n 's/^{"url":"\(https:[^"]*\)".*/\1/p' "$T/norate.out")
[ -n "$NORATE_URL" ] || bail "the local-rates instance did not start: $(tail -n 3 "$T/norate.log")"

printf '{"key":"wallet","message":"bench @ID@"}' >"$T/msg.json"
urls=$(awk 'BEGIN { for (i = 0; i < 3; i++)
    printf "%s\"https://node%d.example:7470\"", (i ? "," : ""), i }')
printf '{"wallet":"wallet","resourceAbilityRequests":[{"resource":"lit-pkp://*","ability":"pkp-signing"}],"nodeUrls":[%s],"nonce":"0x%s"}' \
    "$urls" "$(printf 'ab%.0s' $(seq 32))" >"$T/ss.json"

# load ROUTE BODY|- THREADS URL...: SECS seconds of load, summary in
# $T/sum.json.
load() {
    route=$1 body=$2 threads=$3
    shift 3
    set -- $(for u in "$@"; do printf ' --url %s%s' "$u" "$route"; done)
    [ "$body" = - ] || set -- "$@" --body "$body"
    "$top_builddir/tests/serve-load" "$@" --cacert "$CA" \
        --cert "$D/pki/admin.pem" --key "$D/pki/admin.key" \
        --threads "$threads" --seconds "$SECS" >"$T/sum.json" 2>"$T/load.err"
}
num() { jq -r ".$1" "$T/sum.json"; }
good() { jq -e '.errors == {}' "$T/sum.json" >/dev/null 2>&1; }

# The session cached on both backends first.
for u in "$URL1" "$FILE_URL" "$NORATE_URL"; do
    "$top_builddir/tests/serve-load" --url "$u/v1/session-sigs" \
        --cacert "$CA" --cert "$D/pki/admin.pem" --key "$D/pki/admin.key" \
        --body "$T/ss.json" --requests 2 >/dev/null 2>&1
done

echo "fleet: latency at 1 client, PostgreSQL backends (instance 1 of 3) vs file"
echo "backends (a 4th instance, same token), $SECS s per cell, this run"
printf '  %-31s %8s %8s %8s %8s %9s %10s\n' route "file p50" "file p99" \
    "pg p50" "pg p99" "added p50" "(no rates)"
for r in "session-sigs, 3 nodes, cached|/v1/session-sigs|$T/ss.json" \
    "sign/message (token)|/v1/sign/message|$T/msg.json" \
    "keys (audit record only)|/v1/keys|-"; do
    name=${r%%|*} rest=${r#*|}
    route=${rest%%|*} body=${rest#*|}
    load "$route" "$body" 1 "$FILE_URL"
    f50=$(num p50_ms) f99=$(num p99_ms)
    good || f50="FAILED $(head -c 200 "$T/sum.json")"
    load "$route" "$body" 1 "$URL1"
    p50=$(num p50_ms) p99=$(num p99_ms)
    good || p50="FAILED $(head -c 200 "$T/sum.json")"
    load "$route" "$body" 1 "$NORATE_URL"
    n50=$(num p50_ms)
    good || n50="FAILED $(head -c 200 "$T/sum.json")"
    printf '  %-31s %8s %8s %8s %8s %6.2f ms %7.2f ms\n' "$name" "$f50" "$f99" \
        "$p50" "$p99" "$(awk -v a="$p50" -v b="$f50" 'BEGIN { print a - b }')" \
        "$(awk -v a="$n50" -v b="$f50" 'BEGIN { print a - b }')"
done
echo "  (aim: PostgreSQL adds <= 2 ms at p50; no rates: the same database"
echo "   backends with the rate limits in the process, a 5th instance)"

# cpu_total: busy and all jiffies of the machine (/proc/stat's cpu line).
cpu_total() {
    awk '$1 == "cpu" { b = $2 + $3 + $4 + $7 + $8 + $9
        print b, b + $5 + $6; exit }' /proc/stat
}
# cpu_of PID...: the user + system jiffies of those processes.
cpu_of() {
    for p in "$@"; do
        cat "/proc/$p/stat" 2>/dev/null
    done | awk '{ sub(/^.*\) /, ""); s += $12 + $13 } END { print s + 0 }'
}
pg_pids() {
    pm=$(head -n 1 "$PG_DIR/data/postmaster.pid")
    echo "$pm $(pgrep -P "$pm" | tr '\n' ' ')"
}

# row NAME ROUTE BODY URL...: CLIENTS clients on the URLs; RPS, and the
# CPU split in CPU_TEXT.
row() {
    rname=$1 rroute=$2 rbody=$3
    shift 3
    b0=$(cpu_total)
    s0=$(cpu_of $PIDS "$FILE_PID")
    g0=$(cpu_of $(pg_pids))
    load "$rroute" "$rbody" "$CLIENTS" "$@"
    b1=$(cpu_total)
    s1=$(cpu_of $PIDS "$FILE_PID")
    g1=$(cpu_of $(pg_pids))
    RPS=$(num rps)
    good || RPS=0
    CPU_TEXT=$(awk -v b0="${b0% *}" -v a0="${b0#* }" -v b1="${b1% *}" \
        -v a1="${b1#* }" -v s="$((s1 - s0))" -v g="$((g1 - g0))" 'BEGIN {
        busy = b1 - b0; all = a1 - a0
        printf "CPU %3.0f%% busy: serve %3.0f%%, postgres %3.0f%%, rest %3.0f%%",
            (all ? 100 * busy / all : 0), (busy ? 100 * s / busy : 0),
            (busy ? 100 * g / busy : 0),
            (busy ? 100 * (busy - s - g) / busy : 0) }')
    printf '  %-34s %7s req/s  p50 %7s ms  p99 %7s ms  %s\n' "$rname" "$RPS" \
        "$(num p50_ms)" "$(num p99_ms)" "$CPU_TEXT"
    good || echo "    FAILED: $(cat "$T/sum.json")"
}

echo "fleet: throughput, $CLIENTS clients in all, PostgreSQL backends; $(nproc) cores"
echo "  (CPU: the machine's use over the row; serve = the 4 lithsm-serve,"
echo "   postgres = its processes, rest = the load client and the rest)"
for r in "session-sigs cached|/v1/session-sigs|$T/ss.json" \
    "sign/message (token)|/v1/sign/message|$T/msg.json" \
    "keys (audit only)|/v1/keys|-"; do
    name=${r%%|*} rest=${r#*|}
    route=${rest%%|*} body=${rest#*|}
    row "$name, 1 inst." "$route" "$body" "$URL1"
    one=$RPS
    row "$name, 3 inst." "$route" "$body" "$URL1" "$URL2" "$URL3"
    echo "    3 instances / 1: $(awk -v a="$RPS" -v b="$one" \
        'BEGIN { printf "%.2fx", (b > 0 ? a / b : 0) }')"
done

# ---- (iii) the audit append's statements alone, by pgbench.
OWNER="postgresql://lithsm@/lithsm?host=$PG_DIR&port=$PG_PORT"
psql -X -q -v ON_ERROR_STOP=1 "$OWNER" >/dev/null 2>&1 <<'EOF' ||
CREATE TABLE bench_audit (LIKE lithsm_audit INCLUDING ALL);
CREATE TABLE bench_head (LIKE lithsm_audit_head INCLUDING ALL);
INSERT INTO bench_head VALUES (true, 0, repeat('0', 64));
EOF
    bail "cannot make the pgbench tables"
line=$(head -n 1 "$T/audit.jsonl" | sed "s/'/''/g")
cat >"$T/append.sql" <<EOF
BEGIN;
SELECT seq, hash FROM bench_head FOR UPDATE;
INSERT INTO bench_audit (seq, line) SELECT seq + 1, '$line' FROM bench_head;
UPDATE bench_head SET seq = seq + 1, hash = md5(random()::text) || md5(random()::text);
COMMIT;
EOF
echo "postgresql: the audit append's statements alone (pgbench, $SECS s)"
for c in 1 8; do
    "$PG_BIN/pgbench" -n -f "$T/append.sql" -c $c -j 1 -T "$SECS" \
        "$OWNER" >"$T/pgbench.txt" 2>&1
    tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' "$T/pgbench.txt")
    lat=$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' "$T/pgbench.txt")
    printf '  %d client(s): %s appends/s, %s ms each\n' "$c" "${tps:-?}" \
        "${lat:-?}"
done
echo "  (one row locked by each transaction; the service batches the records"
echo "   waiting at that moment into one, so under load it writes more records/s)"

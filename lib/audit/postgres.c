/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * postgres.c - the PostgreSQL backend of the audit trail: one chain for
 * every process appending to one database (lithsm_audit.h).
 *
 * Tables (lib/pg/schema.c): lithsm_audit(seq, line), one row per record,
 * `line` being exactly the bytes a file trail would hold on that line;
 * lithsm_audit_head, one row with the seq and hash of the last line.
 *
 * Group commit, as in file.c: an append checks and compacts its record on
 * its own thread, queues it and waits.  The first waiter that finds no
 * batch running becomes the leader: it takes the queued records (at most
 * BATCH_MAX, BATCH_BYTES) and, with the lock released, runs ONE
 * transaction: BEGIN; SELECT the head FOR UPDATE (the row lock every
 * appender of the fleet takes: one chain, never forked); the lines built
 * after it with audit_build_line(); one multi-row INSERT; UPDATE the head;
 * COMMIT.  Then every record of the batch is answered: its seq and hash
 * after a COMMIT that succeeded, else the batch's error.  The head is
 * read again in every transaction, never cached (other processes append
 * between).  A failed transaction is rolled back (the server does so when
 * the connection is gone) and the next append starts again on a new
 * connection: the trail itself never breaks.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "pg/pg.h"

/* Records, and bytes of lines, in one transaction at most (the first
 * record is always taken, whatever its size). */
#define BATCH_MAX 256
#define BATCH_BYTES (32u * 1024u * 1024u)
/* Connections: the leader's, and one for a probe. */
#define POOL_SIZE 2

/* One queued record and, once done, its answer. */
typedef struct pending {
    struct pending *next;
    const lithsm_buf *body;
    uint64_t seq;
    char hash[LITHSM_AUDIT_HASH_HEX_LEN + 1];
    int done;
    lithsm_err err;
    char why[512];
} pending;

struct audit_pg {
    pg_pool *pool;
    pthread_mutex_t lock;
    pthread_cond_t answered;
    pending *queue, **tail;
    int leading; /* a batch is running */
    uint64_t appends, txns, last_seq;
    char last[LITHSM_AUDIT_HASH_HEX_LEN + 1];
};

/* The head row, locked until the transaction ends; PROTOCOL when it is
 * missing or malformed. */
static lithsm_err read_head(uint64_t *seq, char *hash, pg_pool *p, PGconn *c,
                            const char *sql)
{
    PGresult *res;
    const char *s, *h;
    char *end;
    lithsm_err err = pg_exec(&res, p, c, "read the head", sql, 0, NULL);

    if (err != LITHSM_OK)
        return err;
    if (PQntuples(res) != 1 || PQnfields(res) != 2) {
        PQclear(res);
        return lithsm_fail(LITHSM_ERR_PROTOCOL,
                           "%s: lithsm_audit_head does not hold one row",
                           pg_pool_name(p));
    }
    s = PQgetvalue(res, 0, 0);
    h = PQgetvalue(res, 0, 1);
    *seq = strtoull(s, &end, 10);
    if (s[0] < '0' || s[0] > '9' || *end != '\0' ||
        strlen(h) != LITHSM_AUDIT_HASH_HEX_LEN ||
        !audit_hex_is_lower(h, LITHSM_AUDIT_HASH_HEX_LEN)) {
        PQclear(res);
        return lithsm_fail(LITHSM_ERR_PROTOCOL,
                           "%s: lithsm_audit_head's row is malformed",
                           pg_pool_name(p));
    }
    memcpy(hash, h, LITHSM_AUDIT_HASH_HEX_LEN + 1);
    PQclear(res);
    return LITHSM_OK;
}

/* The batch's lines after the head (seq, prev) inserted, two parameters
 * per row, and the head moved to the last, in one statement (one round
 * trip); each record's seq and hash into its entry, the last's into
 * prev. */
static lithsm_err insert_lines(pg_pool *p, PGconn *c, pending *first, size_t n,
                               uint64_t seq, char *prev)
{
    lithsm_buf sql, lines;
    size_t *at = calloc(n, sizeof(*at)), i;
    char(*seqs)[24] = calloc(n + 1, sizeof(*seqs));
    const char **params = calloc(2 * n + 2, sizeof(*params));
    pending *e = first;
    lithsm_err err = LITHSM_OK;

    lithsm_buf_init(&sql);
    lithsm_buf_init(&lines);
    lithsm_buf_puts(
        &sql, "WITH added AS (INSERT INTO lithsm_audit (seq, line) VALUES ");
    for (i = 0; i < n && err == LITHSM_OK && at != NULL; i++, e = e->next) {
        e->seq = ++seq;
        at[i] = lines.len;
        audit_build_line(&lines, e->seq, prev, e->body->data, e->body->len);
        if (lines.failed)
            break;
        err = audit_hash_hex(e->hash, lines.data + at[i], lines.len - at[i]);
        memcpy(prev, e->hash, sizeof(e->hash));
        lithsm_buf_putc(&lines, '\0');
        lithsm_buf_printf(&sql, "%s($%zu::bigint,$%zu)", i ? "," : "",
                          2 * i + 1, 2 * i + 2);
    }
    lithsm_buf_printf(&sql,
                      ") UPDATE lithsm_audit_head SET seq = $%zu::bigint, "
                      "hash = $%zu",
                      2 * n + 1, 2 * n + 2);
    if (err == LITHSM_OK && (at == NULL || seqs == NULL || params == NULL ||
                             lines.failed || sql.failed))
        err = lithsm_fail(LITHSM_ERR_NOMEM, "audit: out of memory");
    for (i = 0, e = first; err == LITHSM_OK && i < n; i++, e = e->next) {
        snprintf(seqs[i], sizeof(seqs[i]), "%" PRIu64, e->seq);
        params[2 * i] = seqs[i];
        params[2 * i + 1] = lines.data + at[i];
    }
    if (err == LITHSM_OK) {
        snprintf(seqs[n], sizeof(seqs[n]), "%" PRIu64, seq);
        params[2 * n] = seqs[n];
        params[2 * n + 1] = prev;
        err = pg_exec(NULL, p, c, "append", sql.data, (int)(2 * n + 2), params);
    }
    lithsm_buf_free(&sql);
    lithsm_buf_free(&lines);
    free(params);
    free(seqs);
    free(at);
    return err;
}

/* One transaction for the n records from first on: BEGIN and the head
 * locked (one round trip), the rows and the new head (one), COMMIT.  A
 * first round trip that fails on a connection the server closed
 * meanwhile (a restart) is tried again on another: nothing was written. */
static lithsm_err run_batch(audit_pg *pg, pending *first, size_t n,
                            uint64_t *last_seq, char *last)
{
    PGconn *c = NULL;
    lithsm_err err = LITHSM_ERR_NETWORK;
    uint64_t seq = 0;
    int tries;

    for (tries = 0; tries <= POOL_SIZE && err == LITHSM_ERR_NETWORK; tries++) {
        if (c != NULL)
            pg_pool_give(pg->pool, c, 1);
        c = NULL;
        if ((err = pg_pool_take(pg->pool, &c)) != LITHSM_OK)
            return err;
        err = read_head(&seq, last, pg->pool, c,
                        "BEGIN; SELECT seq, hash FROM lithsm_audit_head"
                        " FOR UPDATE");
    }
    if (err == LITHSM_OK)
        err = insert_lines(pg->pool, c, first, n, seq, last);
    if (err == LITHSM_OK)
        err = pg_exec(NULL, pg->pool, c, "commit", "COMMIT", 0, NULL);
    if (err == LITHSM_OK)
        *last_seq = seq + n;
    if (err != LITHSM_OK && PQstatus(c) == CONNECTION_OK &&
        PQtransactionStatus(c) != PQTRANS_IDLE)
        PQclear(PQexec(c, "ROLLBACK"));
    pg_pool_give(pg->pool, c, err == LITHSM_ERR_NETWORK);
    return err;
}

/* The leader's part (the lock held on entry and exit, released while the
 * transaction runs): takes a batch off the queue, runs it, answers it. */
static void lead_batch(audit_pg *pg)
{
    pending *first = pg->queue, *e = first, *end;
    char last[LITHSM_AUDIT_HASH_HEX_LEN + 1];
    uint64_t last_seq = 0;
    size_t n = 0, bytes = 0;
    lithsm_err err;

    while (e != NULL && n < BATCH_MAX &&
           (n == 0 || bytes + e->body->len <= BATCH_BYTES)) {
        bytes += e->body->len;
        n++;
        e = e->next;
    }
    end = e;
    pg->queue = end;
    if (end == NULL)
        pg->tail = &pg->queue;
    pg->leading = 1;
    pthread_mutex_unlock(&pg->lock);

    err = run_batch(pg, first, n, &last_seq, last);

    pthread_mutex_lock(&pg->lock);
    pg->leading = 0;
    if (err == LITHSM_OK) {
        pg->txns++;
        pg->appends += n;
        pg->last_seq = last_seq;
        memcpy(pg->last, last, sizeof(last));
    }
    for (e = first; e != end; e = e->next) {
        e->err = err;
        if (err != LITHSM_OK)
            snprintf(e->why, sizeof(e->why), "%s", lithsm_last_error());
        e->done = 1;
    }
    pthread_cond_broadcast(&pg->answered);
}

lithsm_err audit_pg_append(uint64_t *seq_out, char *hash_out, audit_pg *pg,
                           const lithsm_buf *body)
{
    pending me;

    memset(&me, 0, sizeof(me));
    me.body = body;
    pthread_mutex_lock(&pg->lock);
    *pg->tail = &me;
    pg->tail = &me.next;
    while (!me.done) {
        if (pg->leading)
            pthread_cond_wait(&pg->answered, &pg->lock);
        else
            lead_batch(pg);
    }
    pthread_mutex_unlock(&pg->lock);
    if (me.err != LITHSM_OK)
        return lithsm_fail(me.err, "%s", me.why);
    *seq_out = me.seq;
    memcpy(hash_out, me.hash, sizeof(me.hash));
    return LITHSM_OK;
}

lithsm_err audit_pg_probe(audit_pg *pg)
{
    return pg_pool_probe(pg->pool);
}

void audit_pg_get_stats(lithsm_audit_stats *out, audit_pg *pg)
{
    pthread_mutex_lock(&pg->lock);
    memset(out, 0, sizeof(*out));
    out->last_seq = pg->last_seq;
    out->appends = pg->appends;
    out->syncs = pg->txns;
    memcpy(out->last, pg->last, sizeof(out->last));
    pthread_mutex_unlock(&pg->lock);
}

void audit_pg_close(audit_pg *pg)
{
    if (pg == NULL)
        return;
    pg_pool_free(pg->pool);
    pthread_cond_destroy(&pg->answered);
    pthread_mutex_destroy(&pg->lock);
    free(pg);
}

/* The head and the last row agree, and no row is past the head: what the
 * chain continues from is what a verify would find at its end.  A full
 * check is 'lithsm audit verify' (it reads every row). */
static lithsm_err check_head(pg_pool *p)
{
    static const char last_line[] = "SELECT line, (SELECT count(*) FROM "
                                    "lithsm_audit WHERE seq > $1::bigint)"
                                    " FROM lithsm_audit WHERE seq = $1::bigint";
    char hash[LITHSM_AUDIT_HASH_HEX_LEN + 1], got[sizeof(hash)], text[24];
    const char *params[1] = { text };
    PGresult *res = NULL;
    PGconn *c;
    uint64_t seq = 0;
    lithsm_err err;

    if ((err = pg_pool_take(p, &c)) != LITHSM_OK)
        return err;
    /* FOR SHARE: no append commits between the two reads. */
    err = read_head(&seq, hash, p, c,
                    "BEGIN; SELECT seq, hash FROM lithsm_audit_head FOR SHARE");
    snprintf(text, sizeof(text), "%" PRIu64, seq);
    if (err == LITHSM_OK && seq > 0)
        err = pg_exec(&res, p, c, "read the last record", last_line, 1, params);
    if (err == LITHSM_OK && seq > 0 &&
        (PQntuples(res) != 1 || strcmp(PQgetvalue(res, 0, 1), "0") != 0 ||
         audit_hash_hex(got, PQgetvalue(res, 0, 0),
                        (size_t)PQgetlength(res, 0, 0)) != LITHSM_OK ||
         memcmp(got, hash, LITHSM_AUDIT_HASH_HEX_LEN) != 0))
        err = lithsm_fail(LITHSM_ERR_PARSE,
                          "%s: the head (record %" PRIu64 ") does not "
                          "match the last record of lithsm_audit; the trail "
                          "was left as it is (see 'lithsm audit verify')",
                          pg_pool_name(p), seq);
    PQclear(res);
    if (err == LITHSM_OK)
        err = pg_exec(NULL, p, c, "end the check", "COMMIT", 0, NULL);
    /* A connection left inside the transaction is closed. */
    pg_pool_give(p, c, err == LITHSM_ERR_NETWORK);
    return err;
}

lithsm_err audit_pg_open(audit_pg **out, const char *conninfo)
{
    audit_pg *pg;
    lithsm_err err;

    *out = NULL;
    if ((pg = calloc(1, sizeof(*pg))) == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "audit: out of memory");
    pthread_mutex_init(&pg->lock, NULL);
    pthread_cond_init(&pg->answered, NULL);
    pg->tail = &pg->queue;
    memcpy(pg->last, AUDIT_ZERO_HASH, sizeof(pg->last));
    err = pg_pool_new(&pg->pool, NULL, conninfo, POOL_SIZE, "audit");
    if (err == LITHSM_OK)
        err = check_head(pg->pool);
    if (err != LITHSM_OK) {
        audit_pg_close(pg);
        return err;
    }
    *out = pg;
    return LITHSM_OK;
}

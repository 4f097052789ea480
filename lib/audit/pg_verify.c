/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * pg_verify.c - lithsm_audit_verify() of a PostgreSQL trail: every row of
 * lithsm_audit in seq order, streamed (single-row mode: a trail may be
 * larger than memory), each line checked as a file's line is
 * (audit_check_line), no seq missing, and lithsm_audit_head naming the
 * last line.  One read-only REPEATABLE READ transaction: the head and the
 * rows are one snapshot, whatever is appended meanwhile.  Read only: the
 * schema is never created or changed here (an auditor's role may only
 * SELECT).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit/audit.h"
#include "pg/pg.h"

typedef struct pg_walk {
    PGconn *c;
    char name[192]; /* "postgresql audit (redacted location)" */
    lithsm_audit_report *rep;
    uint64_t anchor_seq;
    const char *anchor_hex;
    uint64_t head_seq; /* what lithsm_audit_head says */
    char head[LITHSM_AUDIT_HASH_HEX_LEN + 1];
    int head_rows;
} pg_walk;

/* libpq's reason, first line; NETWORK when the connection is gone. */
static lithsm_err failed(pg_walk *w, const char *what, const PGresult *res)
{
    const char *msg = res != NULL && PQresultErrorMessage(res)[0] != '\0'
                          ? PQresultErrorMessage(res)
                          : PQerrorMessage(w->c);

    return lithsm_fail(PQstatus(w->c) != CONNECTION_OK ? LITHSM_ERR_NETWORK
                                                       : LITHSM_ERR_PROTOCOL,
                       "%s: %s: %.*s", w->name, what, (int)strcspn(msg, "\r\n"),
                       msg);
}

/* Runs sql; *res_out gets its rows (PQclear it). */
static lithsm_err run(PGresult **res_out, pg_walk *w, const char *what,
                      const char *sql)
{
    PGresult *res = PQexec(w->c, sql);
    ExecStatusType st = PQresultStatus(res);
    lithsm_err err = LITHSM_OK;

    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        err = failed(w, what, res);
    if (err != LITHSM_OK || res_out == NULL)
        PQclear(res);
    else
        *res_out = res;
    return err;
}

static lithsm_err connect_db(pg_walk *w, const char *conninfo)
{
    static const char *const keys[] = { "connect_timeout", "application_name",
                                        "dbname", NULL };
    const char *values[] = { "5", "lithsm", conninfo, NULL };
    char shown[160];

    pg_conninfo_redact(shown, sizeof(shown), conninfo);
    snprintf(w->name, sizeof(w->name), "postgresql audit (%s)", shown);
    w->c = PQconnectdbParams(keys, values, 1);
    if (w->c == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "audit: out of memory");
    if (PQstatus(w->c) != CONNECTION_OK)
        return failed(w, "cannot connect", NULL);
    return LITHSM_OK;
}

/* The snapshot, the schema's version and the head. */
static lithsm_err begin(pg_walk *w)
{
    PGresult *res;
    lithsm_err err;
    int version;

    err = run(NULL, w, "begin",
              "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    if (err == LITHSM_OK)
        err = run(&res, w, "read the schema version (no lithsm schema?)",
                  "SELECT max(version) FROM lithsm_schema");
    if (err != LITHSM_OK)
        return err;
    version = PQgetisnull(res, 0, 0) ? 0 : atoi(PQgetvalue(res, 0, 0));
    PQclear(res);
    if (version != PG_SCHEMA_VERSION)
        return lithsm_fail(LITHSM_ERR_PROTOCOL,
                           "%s: the database's schema is version %d; this "
                           "lithsm reads version %d%s",
                           w->name, version, PG_SCHEMA_VERSION,
                           version > PG_SCHEMA_VERSION ? ": upgrade lithsm"
                                                       : "");
    if ((err = run(&res, w, "read the head",
                   "SELECT seq, hash FROM lithsm_audit_head")) != LITHSM_OK)
        return err;
    w->head_rows = PQntuples(res);
    if (w->head_rows == 1 && PQnfields(res) == 2) {
        w->head_seq = strtoull(PQgetvalue(res, 0, 0), NULL, 10);
        snprintf(w->head, sizeof(w->head), "%s", PQgetvalue(res, 0, 1));
    }
    PQclear(res);
    return LITHSM_OK;
}

static void problem(pg_walk *w, lithsm_audit_problem p, uint64_t seq)
{
    w->rep->problem = p;
    w->rep->seq = seq;
    w->rep->line = seq;
    w->rep->offset = 0;
}

/* One row (seq text, line); 1 when a problem ends the walk. */
static int take_row(pg_walk *w, const PGresult *res, lithsm_err *err)
{
    lithsm_audit_report *rep = w->rep;
    uint64_t want = rep->records + 1;
    uint64_t seq = strtoull(PQgetvalue(res, 0, 0), NULL, 10);
    const char *line = PQgetvalue(res, 0, 1);
    size_t n = (size_t)PQgetlength(res, 0, 1);
    lithsm_audit_problem p;

    if (seq != want) {
        snprintf(rep->detail, sizeof(rep->detail),
                 "no row with seq %" PRIu64 " (the next row is %" PRIu64
                 "): a record was removed",
                 want, seq);
        problem(w, LITHSM_AUDIT_BAD_SEQ, want);
        return 1;
    }
    p = audit_check_line(rep->detail, sizeof(rep->detail), line, n, want,
                         rep->last);
    if (p == LITHSM_AUDIT_OK &&
        (*err = audit_count_line(&p, rep, line, n, w->anchor_seq,
                                 w->anchor_hex)) != LITHSM_OK)
        return 1;
    if (p != LITHSM_AUDIT_OK)
        problem(w, p, want);
    return p != LITHSM_AUDIT_OK;
}

/* The end of the rows: the anchor reached, the head naming the last. */
static void check_end(pg_walk *w)
{
    lithsm_audit_report *rep = w->rep;

    if (audit_end_anchor(rep, w->anchor_seq) != LITHSM_AUDIT_OK) {
        problem(w, LITHSM_AUDIT_ANCHOR, w->anchor_seq);
    } else if (w->head_rows != 1) {
        snprintf(rep->detail, sizeof(rep->detail),
                 "lithsm_audit_head holds %d rows, not one", w->head_rows);
        problem(w, LITHSM_AUDIT_HEAD, rep->records + 1);
    } else if (w->head_seq > rep->records) {
        snprintf(rep->detail, sizeof(rep->detail),
                 "the head names record %" PRIu64 " but the trail ends "
                 "after record %" PRIu64 ": records were cut from its end",
                 w->head_seq, rep->records);
        problem(w, LITHSM_AUDIT_HEAD, rep->records + 1);
    } else if (w->head_seq < rep->records) {
        snprintf(rep->detail, sizeof(rep->detail),
                 "the head names record %" PRIu64 " but the trail goes on "
                 "to record %" PRIu64 ": rows added past the head",
                 w->head_seq, rep->records);
        problem(w, LITHSM_AUDIT_HEAD, w->head_seq + 1);
    } else if (strcmp(w->head, rep->last) != 0) {
        snprintf(rep->detail, sizeof(rep->detail),
                 "the head's hash is not the SHA-256 of record %" PRIu64
                 ": that record or the head was changed",
                 rep->records);
        problem(w, LITHSM_AUDIT_HEAD, rep->records);
    }
}

/* Streams the rows in seq order, one result per row. */
static lithsm_err walk_rows(pg_walk *w)
{
    PGresult *res;
    lithsm_err err = LITHSM_OK;
    int stop = 0;

    if (!PQsendQuery(w->c, "SELECT seq, line FROM lithsm_audit ORDER BY seq") ||
        !PQsetSingleRowMode(w->c))
        return failed(w, "read the records", NULL);
    while (!stop && (res = PQgetResult(w->c)) != NULL) {
        ExecStatusType st = PQresultStatus(res);

        if (st == PGRES_SINGLE_TUPLE)
            stop = take_row(w, res, &err);
        else if (st != PGRES_TUPLES_OK)
            err = failed(w, "read the records", res);
        else
            check_end(w);
        stop |= err != LITHSM_OK;
        PQclear(res);
    }
    /* A walk that stopped early leaves rows unread: the connection is
     * closed without reading them. */
    return err;
}

lithsm_err audit_pg_verify(lithsm_audit_report *out, const char *conninfo,
                           uint64_t anchor_seq, const char *anchor_hex)
{
    pg_walk w;
    lithsm_err err;

    memset(out, 0, sizeof(*out));
    memcpy(out->last, AUDIT_ZERO_HASH, sizeof(out->last));
    memset(&w, 0, sizeof(w));
    w.rep = out;
    w.anchor_seq = anchor_seq;
    w.anchor_hex = anchor_hex;
    if ((err = pg_conninfo_check(conninfo)) != LITHSM_OK)
        return err;
    err = connect_db(&w, conninfo);
    if (err == LITHSM_OK)
        err = begin(&w);
    if (err == LITHSM_OK)
        err = walk_rows(&w);
    PQfinish(w.c);
    return err;
}

/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * schema.c - lithsm's tables, one step per schema version, applied in one
 * transaction under an advisory lock (pg.h, lithsm_pg.h).
 *
 * Version 1:
 *  lithsm_schema      the version (one row);
 *  lithsm_audit       the fleet's audit trail: one row per record, `line`
 *                     being exactly the line a file trail would hold
 *                     (lithsm_audit.h);
 *  lithsm_audit_head  the seq and hash of the last line (one row): the
 *                     appender's lock, so appends from every instance
 *                     form one chain;
 *  lithsm_store       session store entries, one row per key;
 *  lithsm_rate        token buckets by caller name, refilled by
 *                     lithsm_rate_take() with the server's clock (units:
 *                     tokens * period_ms, as lib/policy/decide.c's).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lithsm.h"
#include "pg/pg.h"

/* pg_advisory_xact_lock key of the migration: "lithsm" in ASCII. */
#define MIGRATE_LOCK "119182900179309"

static const char SCHEMA_V1[] =
    "CREATE TABLE lithsm_audit ("
    " seq bigint PRIMARY KEY CHECK (seq > 0),"
    " line text NOT NULL,"
    " written_at timestamptz NOT NULL DEFAULT now());"
    "CREATE TABLE lithsm_audit_head ("
    " id boolean PRIMARY KEY DEFAULT true CHECK (id),"
    " seq bigint NOT NULL CHECK (seq >= 0),"
    " hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'));"
    "INSERT INTO lithsm_audit_head VALUES (true, 0, repeat('0', 64));"
    "CREATE TABLE lithsm_store ("
    " key text PRIMARY KEY,"
    " value text NOT NULL,"
    " updated_at timestamptz NOT NULL DEFAULT now());"
    "CREATE TABLE lithsm_rate ("
    " caller text PRIMARY KEY,"
    " milli bigint NOT NULL,"
    " at_ms bigint NOT NULL);"
    "CREATE FUNCTION lithsm_rate_take(p_caller text, p_rate bigint,"
    " p_period bigint, p_burst bigint) RETURNS boolean LANGUAGE plpgsql AS $$"
    " DECLARE"
    "  now_ms bigint := (extract(epoch FROM clock_timestamp()) * 1000)::bigint;"
    "  cap bigint := p_burst * p_period;"
    "  have bigint; was bigint;"
    " BEGIN"
    "  INSERT INTO lithsm_rate VALUES (p_caller, cap, now_ms)"
    "   ON CONFLICT (caller) DO NOTHING;"
    "  SELECT milli, at_ms INTO have, was FROM lithsm_rate"
    "   WHERE caller = p_caller FOR UPDATE;"
    /* elapsed * rate is at most cap + rate: no overflow. */
    "  have := LEAST(cap, have + LEAST(cap / p_rate + 1,"
    "   GREATEST(0, now_ms - was)) * p_rate);"
    "  IF have >= p_period THEN"
    "   UPDATE lithsm_rate SET milli = have - p_period,"
    "    at_ms = GREATEST(was, now_ms) WHERE caller = p_caller;"
    "   RETURN true;"
    "  END IF;"
    "  UPDATE lithsm_rate SET milli = have, at_ms = GREATEST(was, now_ms)"
    "   WHERE caller = p_caller;"
    "  RETURN false;"
    " END $$;";

static const char *const STEPS[PG_SCHEMA_VERSION] = { SCHEMA_V1 };

/* The version the database has (0: no lithsm_schema row).  The table is
 * created only when missing, so that a role without CREATE (the
 * service's, docs/deployment.md) starts on a schema that is current. */
static lithsm_err read_version(int *version, pg_pool *p, PGconn *c)
{
    PGresult *res;
    lithsm_err err;
    int missing;

    *version = 0;
    err = pg_exec(&res, p, c, "schema",
                  "SELECT to_regclass('lithsm_schema') IS NULL", 0, NULL);
    if (err != LITHSM_OK)
        return err;
    missing = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    PQclear(res);
    if (missing)
        err = pg_exec(NULL, p, c, "schema",
                      "CREATE TABLE lithsm_schema (version integer NOT NULL)",
                      0, NULL);
    if (err == LITHSM_OK)
        err = pg_exec(&res, p, c, "schema",
                      "SELECT max(version) FROM lithsm_schema", 0, NULL);
    if (err != LITHSM_OK)
        return err;
    if (!PQgetisnull(res, 0, 0))
        *version = atoi(PQgetvalue(res, 0, 0));
    PQclear(res);
    return LITHSM_OK;
}

static lithsm_err apply_steps(int *version_out, pg_pool *p, PGconn *c)
{
    char to[16];
    const char *params[1] = { to };
    int version;
    lithsm_err err;

    err = pg_exec(NULL, p, c, "schema",
                  "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK ")", 0, NULL);
    if (err == LITHSM_OK)
        err = read_version(&version, p, c);
    if (err != LITHSM_OK)
        return err;
    if (version_out != NULL)
        *version_out = version;
    if (version > PG_SCHEMA_VERSION)
        return lithsm_fail(LITHSM_ERR_PROTOCOL,
                           "%s: the database's schema is version %d, newer "
                           "than this lithsm's (%d): upgrade lithsm",
                           pg_pool_name(p), version, PG_SCHEMA_VERSION);
    if (version == PG_SCHEMA_VERSION)
        return LITHSM_OK;
    for (; version < PG_SCHEMA_VERSION; version++)
        if ((err = pg_exec(NULL, p, c, "schema upgrade", STEPS[version], 0,
                           NULL)) != LITHSM_OK)
            return err;
    snprintf(to, sizeof(to), "%d", PG_SCHEMA_VERSION);
    err = pg_exec(NULL, p, c, "schema", "DELETE FROM lithsm_schema", 0, NULL);
    if (err == LITHSM_OK)
        err = pg_exec(NULL, p, c, "schema",
                      "INSERT INTO lithsm_schema VALUES ($1::integer)", 1,
                      params);
    return err;
}

lithsm_err pg_schema_migrate(int *version_out, pg_pool *p, PGconn *c)
{
    lithsm_err err = pg_exec(NULL, p, c, "schema", "BEGIN", 0, NULL);

    if (err != LITHSM_OK)
        return err;
    err = apply_steps(version_out, p, c);
    if (err == LITHSM_OK)
        err = pg_exec(NULL, p, c, "schema", "COMMIT", 0, NULL);
    if (err != LITHSM_OK)
        PQclear(PQexec(c, "ROLLBACK"));
    return err;
}

lithsm_err lithsm_pg_migrate(int *from_out, int *to_out, const char *conninfo)
{
    pg_pool *p;
    int from = 0;
    lithsm_err err;

    if (from_out != NULL)
        *from_out = 0;
    if (to_out != NULL)
        *to_out = 0;
    if (conninfo == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "NULL argument");
    if ((err = pg_pool_new(&p, &from, conninfo, 1, "schema")) != LITHSM_OK)
        return err;
    pg_pool_free(p);
    if (from_out != NULL)
        *from_out = from;
    if (to_out != NULL)
        *to_out = PG_SCHEMA_VERSION;
    return LITHSM_OK;
}

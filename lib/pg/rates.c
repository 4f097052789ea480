/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * rates.c - token buckets shared by a fleet (lithsm_pg.h): one row per
 * caller name in lithsm_rate, taken by the schema's lithsm_rate_take()
 * under the row's lock with the database server's clock, so every
 * instance draws from the same bucket.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lithsm.h"
#include "pg/pg.h"

#define RATES_CONNECTIONS_DEFAULT 4u

struct lithsm_rates {
    pg_pool *pool;
};

lithsm_err lithsm_rates_postgres_new(lithsm_rates **out, const char *conninfo,
                                     unsigned connections)
{
    lithsm_rates *r;
    lithsm_err err;

    if (out == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "rates: NULL argument");
    *out = NULL;
    if (conninfo == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "rates: NULL argument");
    if ((r = calloc(1, sizeof(*r))) == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "out of memory");
    err = pg_pool_new(
        &r->pool, NULL, conninfo,
        connections == 0 ? RATES_CONNECTIONS_DEFAULT : connections, "rates");
    if (err != LITHSM_OK) {
        free(r);
        return err;
    }
    *out = r;
    return LITHSM_OK;
}

lithsm_err lithsm_rates_take(int *taken, lithsm_rates *r, const char *name,
                             uint64_t rate, uint64_t period_ms, uint64_t burst)
{
    char a[24], b[24], c[24];
    const char *params[4];
    PGresult *res = NULL;
    PGconn *conn;
    lithsm_err err;

    if (taken != NULL)
        *taken = 0;
    if (taken == NULL || r == NULL || name == NULL || name[0] == '\0' ||
        rate == 0 || period_ms == 0 || burst == 0)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "rates: NULL, empty name or zero rate, period "
                           "or burst");
    /* The bucket holds burst * period_ms in a bigint. */
    if (rate > INT64_MAX || period_ms > INT64_MAX || burst > INT64_MAX ||
        burst > (uint64_t)INT64_MAX / period_ms)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "rates: burst * period_ms is too large");
    snprintf(a, sizeof(a), "%" PRIu64, rate);
    snprintf(b, sizeof(b), "%" PRIu64, period_ms);
    snprintf(c, sizeof(c), "%" PRIu64, burst);
    params[0] = name;
    params[1] = a;
    params[2] = b;
    params[3] = c;
    if ((err = pg_pool_take(r->pool, &conn)) != LITHSM_OK)
        return err;
    /* The bucket's commit does not wait for the disk: a server crash can
     * only give callers back the tokens of its last instants, and every
     * request still waits for its audit record's durable commit. */
    err = pg_exec(&res, r->pool, conn, "take",
                  "SELECT lithsm_rate_take($1, $2::bigint, $3::bigint, "
                  "$4::bigint) FROM set_config('synchronous_commit', 'off', "
                  "true)",
                  4, params);
    if (err == LITHSM_OK) {
        if (PQntuples(res) != 1 || PQnfields(res) != 1 ||
            PQgetisnull(res, 0, 0))
            err = lithsm_fail(LITHSM_ERR_PROTOCOL, "%s: take: not one boolean",
                              pg_pool_name(r->pool));
        else
            *taken = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    }
    PQclear(res);
    pg_pool_give(r->pool, conn, err == LITHSM_ERR_NETWORK);
    return err;
}

lithsm_err lithsm_rates_probe(lithsm_rates *r)
{
    if (r == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "rates: NULL argument");
    return pg_pool_probe(r->pool);
}

void lithsm_rates_free(lithsm_rates *r)
{
    if (r == NULL)
        return;
    pg_pool_free(r->pool);
    free(r);
}

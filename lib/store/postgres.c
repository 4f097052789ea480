/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * postgres.c - the session store in PostgreSQL (lithsm_store_postgres_new,
 * lithsm_pg.h): table lithsm_store, one row per key, and a lock per key.
 *
 * get is a SELECT, put one INSERT ... ON CONFLICT (key) DO UPDATE (atomic:
 * readers see the old row or the new one), remove a DELETE.  An op that
 * finds its connection dead (the server restarted) closes it and tries
 * again on another, at most once per pooled connection: every op is
 * idempotent.  While the server is away ops fail with NETWORK and the pool
 * connects again by itself on a later call.
 *
 * Secrets: values hold session secrets.  The copy handed to the caller is
 * wiped by it (lithsm_store_get's contract); the copies libpq makes (the
 * PGresult, the connection's input and output buffers) are out of our
 * reach: PQclear frees the result without wiping it.  Values are never in
 * a message.
 *
 * The lock: lock(key) takes a connection from the pool and holds on it
 * pg_advisory_lock(hashtextextended('lithsm.store.' || key, 0)) until
 * unlock(key) runs pg_advisory_unlock and gives the connection back.  An
 * advisory lock belongs to the server session: a connection lost while
 * locked (a process killed, the network cut) releases the lock on the
 * server, so no process can leave a key locked for ever.  The wait is
 * bounded by statement_timeout (30 s): past it the lock fails with NETWORK
 * ("try again later") and says so.
 *
 * No deadlock with a pool of N connections: a thread that holds a key's
 * lock does its get, put and remove of that key on the very connection
 * that holds the lock (found by key and thread, held.h), so a lock holder
 * never waits for the pool.  Threads waiting for a lock hold a connection
 * each, but they wait only for holders, which need nothing more; threads
 * waiting for the pool wait for holders or for those waiters.  The wait
 * graph has no cycle, whatever N and the number of threads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg/pg.h"
#include "store/held.h"
#include "store/store.h"

#define DEFAULT_CONNECTIONS 8
#define MAX_CONNECTIONS 64

typedef struct pg_store {
    pg_pool *pool;
    unsigned size;
    held_set held; /* handles: held_conn */
} pg_store;

/* A connection that holds a key's lock. */
typedef struct held_conn {
    PGconn *c;
    int broken; /* an op on it failed with NETWORK: the lock is gone too */
} held_conn;

typedef lithsm_err (*store_op)(pg_store *s, PGconn *c, const char *key,
                               void *arg);

/* Runs op on the connection holding key's lock when this thread holds it,
 * else on a pool connection, again on another when it was dead. */
static lithsm_err with_conn(pg_store *s, const char *key, store_op op,
                            void *arg)
{
    held_conn *h = held_find(&s->held, key);
    lithsm_err err = LITHSM_OK;
    unsigned attempt;
    PGconn *c;

    if (h != NULL) {
        err = op(s, h->c, key, arg);
        if (err == LITHSM_ERR_NETWORK)
            h->broken = 1;
        return err;
    }
    for (attempt = 0; attempt <= s->size; attempt++) {
        if ((err = pg_pool_take(s->pool, &c)) != LITHSM_OK)
            return err;
        err = op(s, c, key, arg);
        pg_pool_give(s->pool, c, err == LITHSM_ERR_NETWORK);
        if (err != LITHSM_ERR_NETWORK)
            break;
    }
    return err;
}

static lithsm_err op_get(pg_store *s, PGconn *c, const char *key, void *arg)
{
    char **value_out = arg;
    const char *params[1] = { key };
    PGresult *res = NULL;
    lithsm_err err;
    size_t len;

    err = pg_exec(&res, s->pool, c, "get",
                  "SELECT value FROM lithsm_store WHERE key = $1", 1, params);
    if (err != LITHSM_OK || PQntuples(res) == 0) {
        PQclear(res);
        return err;
    }
    len = (size_t)PQgetlength(res, 0, 0);
    if (len > LITHSM_STORE_VALUE_MAX) {
        err = lithsm_fail(LITHSM_ERR_RANGE,
                          "%s: entry %s is larger than %u bytes",
                          pg_pool_name(s->pool), key, LITHSM_STORE_VALUE_MAX);
    } else if ((*value_out = malloc(len + 1)) == NULL) {
        err = lithsm_fail(LITHSM_ERR_NOMEM, "store: out of memory");
    } else {
        memcpy(*value_out, PQgetvalue(res, 0, 0), len);
        (*value_out)[len] = '\0';
    }
    /* The result's own copy cannot be wiped (see the top). */
    PQclear(res);
    return err;
}

static lithsm_err op_put(pg_store *s, PGconn *c, const char *key, void *arg)
{
    const char *params[2] = { key, arg };

    return pg_exec(NULL, s->pool, c, "put",
                   "INSERT INTO lithsm_store (key, value, updated_at) "
                   "VALUES ($1, $2, now()) ON CONFLICT (key) DO UPDATE "
                   "SET value = EXCLUDED.value, updated_at = now()",
                   2, params);
}

static lithsm_err op_remove(pg_store *s, PGconn *c, const char *key, void *arg)
{
    const char *params[1] = { key };

    (void)arg;
    return pg_exec(NULL, s->pool, c, "remove",
                   "DELETE FROM lithsm_store WHERE key = $1", 1, params);
}

static lithsm_err pg_get(void *ctx, const char *key, char **value_out)
{
    *value_out = NULL;
    return with_conn(ctx, key, op_get, value_out);
}

static lithsm_err pg_put(void *ctx, const char *key, const char *value)
{
    return with_conn(ctx, key, op_put, (void *)value);
}

static lithsm_err pg_remove(void *ctx, const char *key)
{
    return with_conn(ctx, key, op_remove, NULL);
}

/* pg_advisory_lock under a statement_timeout of the lock wait, then the
 * session's own statement_timeout again. */
static lithsm_err take_lock(pg_store *s, PGconn *c, const char *key)
{
    const char *params[1] = { key };
    unsigned wait = lithsm_store_lock_wait_ms();
    char set[64];
    PGresult *res;
    const char *state;
    lithsm_err err;

    snprintf(set, sizeof(set), "SET statement_timeout = %u", wait);
    if ((err = pg_exec(NULL, s->pool, c, "lock", set, 0, NULL)) != LITHSM_OK)
        return err;
    res = PQexecParams(c,
                       "SELECT pg_advisory_lock(hashtextextended("
                       "'lithsm.store.' || $1, 0))",
                       1, NULL, params, NULL, NULL, 0);
    if (res != NULL && PQresultStatus(res) == PGRES_TUPLES_OK) {
        PQclear(res);
        return pg_exec(NULL, s->pool, c, "lock", "RESET statement_timeout", 0,
                       NULL);
    }
    state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    if (PQstatus(c) == CONNECTION_OK && state != NULL &&
        strcmp(state, "57014") == 0) { /* query_canceled: the timeout */
        PQclear(res);
        return lithsm_fail(LITHSM_ERR_NETWORK,
                           "%s: the lock on entry %s was not granted within "
                           "%u ms (another process is making that session "
                           "or holds its lock)",
                           pg_pool_name(s->pool), key, wait);
    }
    PQclear(res);
    return lithsm_fail(
        PQstatus(c) == CONNECTION_OK ? LITHSM_ERR_PROTOCOL : LITHSM_ERR_NETWORK,
        "%s: lock on entry %s: %.*s", pg_pool_name(s->pool), key,
        (int)strcspn(PQerrorMessage(c), "\r\n"), PQerrorMessage(c));
}

static lithsm_err pg_lock(void *ctx, const char *key)
{
    pg_store *s = ctx;
    held_conn *h;
    lithsm_err err;
    unsigned attempt;

    if (held_find(&s->held, key) != NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "store: this thread already holds the lock on %s",
                           key);
    if ((h = calloc(1, sizeof(*h))) == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "store: out of memory");
    /* A dead pooled connection is closed and another tried, as ops do. */
    for (attempt = 0; attempt <= s->size; attempt++) {
        int dead;

        if ((err = pg_pool_take(s->pool, &h->c)) != LITHSM_OK)
            break;
        err = take_lock(s, h->c, key);
        if (err == LITHSM_OK)
            break;
        dead = PQstatus(h->c) != CONNECTION_OK;
        /* Closed after any failure: a lock granted as the reset failed
         * goes with the connection, and so does the timeout set. */
        pg_pool_give(s->pool, h->c, 1);
        h->c = NULL;
        if (!dead)
            break;
    }
    if (err == LITHSM_OK && (err = held_add(&s->held, key, h)) != LITHSM_OK)
        pg_pool_give(s->pool, h->c, 1);
    if (err != LITHSM_OK)
        free(h);
    return err;
}

static void pg_unlock(void *ctx, const char *key)
{
    pg_store *s = ctx;
    held_conn *h = held_take(&s->held, key);
    const char *params[1] = { key };
    lithsm_err err = LITHSM_ERR_NETWORK;

    if (h == NULL)
        return;
    if (!h->broken)
        err = pg_exec(NULL, s->pool, h->c, "unlock",
                      "SELECT pg_advisory_unlock(hashtextextended("
                      "'lithsm.store.' || $1, 0))",
                      1, params);
    /* When the unlock failed the connection is closed, which releases the
     * lock on the server. */
    pg_pool_give(s->pool, h->c, err != LITHSM_OK);
    free(h);
}

static void pg_store_free(void *ctx)
{
    pg_store *s = ctx;
    size_t i;

    if (s == NULL)
        return;
    for (i = 0; i < s->held.n; i++) {
        held_conn *h = s->held.slots[i].handle;

        pg_pool_give(s->pool, h->c, 1);
        free(h);
    }
    held_destroy(&s->held);
    pg_pool_free(s->pool);
    free(s);
}

static const lithsm_store_ops pg_ops = {
    .get = pg_get,
    .put = pg_put,
    .remove = pg_remove,
    .free = pg_store_free,
};

lithsm_err lithsm_store_postgres_new(lithsm_store **out, const char *conninfo,
                                     unsigned connections)
{
    pg_store *s;
    lithsm_err err;

    if (out == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG, "store: no output");
    *out = NULL;
    if (conninfo == NULL)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "store: no PostgreSQL location given");
    if (connections > MAX_CONNECTIONS)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "store: connections must be 1 to %d (0: %d)",
                           MAX_CONNECTIONS, DEFAULT_CONNECTIONS);
    if ((s = calloc(1, sizeof(*s))) == NULL)
        return lithsm_fail(LITHSM_ERR_NOMEM, "store: out of memory");
    held_init(&s->held);
    s->size = connections ? connections : DEFAULT_CONNECTIONS;
    err = pg_pool_new(&s->pool, NULL, conninfo, s->size, "store");
    if (err == LITHSM_OK)
        err = lithsm_store_new(out, &pg_ops, s);
    if (err == LITHSM_OK)
        err = lithsm_store_set_lock(*out, pg_lock, pg_unlock);
    if (err != LITHSM_OK)
        pg_store_free(s);
    return err;
}

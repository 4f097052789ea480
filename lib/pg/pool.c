/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * pool.c - a few connections to one PostgreSQL database, made again after
 * an outage by the next request that needs one (pg.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pg/pg.h"

#define POOL_MAX 64
/* A failed connection attempt is given again for this long without a new
 * one, so an outage costs each request nothing. */
#define RETRY_AFTER_MS 200

struct pg_pool {
    char *conninfo;
    char name[192];
    pthread_mutex_t lock;
    pthread_cond_t freed;
    PGconn *idle[POOL_MAX];
    unsigned n_idle, n_out, size;
    int64_t failed_at_ms; /* the last failed attempt (0: none) */
    char failed_why[256];
};

static int64_t mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* libpq's message, first line only (it may run over several). */
static void first_line(char *out, size_t size, const char *msg)
{
    snprintf(out, size, "%.*s", (int)strcspn(msg, "\r\n"), msg);
}

/* Server notices ("already exists, skipping") are not errors: libpq
 * would print them on stderr. */
static void notice_drop(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static PGconn *connect_one(pg_pool *p, char *why, size_t why_size)
{
    /* Defaults first: the URI (expanded from "dbname") overrides them. */
    static const char *const keys[] = {
        "connect_timeout",  "application_name", "keepalives", "keepalives_idle",
        "tcp_user_timeout", "dbname",           NULL
    };
    const char *values[] = { "5",     "lithsm",    "1", "30",
                             "10000", p->conninfo, NULL };
    PGconn *c = PQconnectdbParams(keys, values, 1);

    if (c != NULL && PQstatus(c) == CONNECTION_OK) {
        PQsetNoticeProcessor(c, notice_drop, NULL);
        return c;
    }
    first_line(why, why_size, c != NULL ? PQerrorMessage(c) : "out of memory");
    PQfinish(c);
    return NULL;
}

lithsm_err pg_pool_take(pg_pool *p, PGconn **out)
{
    PGconn *c = NULL;
    char why[256];

    *out = NULL;
    pthread_mutex_lock(&p->lock);
    while (p->n_idle == 0 && p->n_out >= p->size)
        pthread_cond_wait(&p->freed, &p->lock);
    while (p->n_idle > 0) {
        c = p->idle[--p->n_idle];
        /* A server that restarted closed its end: reading the socket
         * (without blocking) notices, and a new connection is made
         * instead of failing the caller's first statement. */
        if (PQconsumeInput(c) && PQstatus(c) == CONNECTION_OK) {
            p->n_out++;
            pthread_mutex_unlock(&p->lock);
            *out = c;
            return LITHSM_OK;
        }
        PQfinish(c);
    }
    if (p->failed_at_ms != 0 && mono_ms() - p->failed_at_ms < RETRY_AFTER_MS) {
        snprintf(why, sizeof(why), "%s", p->failed_why);
        pthread_mutex_unlock(&p->lock);
        return lithsm_fail(LITHSM_ERR_NETWORK, "%s: cannot connect: %s",
                           p->name, why);
    }
    p->n_out++;
    pthread_mutex_unlock(&p->lock);

    c = connect_one(p, why, sizeof(why));
    pthread_mutex_lock(&p->lock);
    if (c == NULL) {
        p->n_out--;
        p->failed_at_ms = mono_ms();
        snprintf(p->failed_why, sizeof(p->failed_why), "%s", why);
        pthread_cond_signal(&p->freed);
    } else {
        p->failed_at_ms = 0;
    }
    pthread_mutex_unlock(&p->lock);
    if (c == NULL)
        return lithsm_fail(LITHSM_ERR_NETWORK, "%s: cannot connect: %s",
                           p->name, why);
    *out = c;
    return LITHSM_OK;
}

void pg_pool_give(pg_pool *p, PGconn *c, int broken)
{
    if (c == NULL)
        return;
    if (broken || PQstatus(c) != CONNECTION_OK ||
        PQtransactionStatus(c) != PQTRANS_IDLE) {
        PQfinish(c);
        c = NULL;
    }
    pthread_mutex_lock(&p->lock);
    p->n_out--;
    if (c != NULL)
        p->idle[p->n_idle++] = c;
    pthread_cond_signal(&p->freed);
    pthread_mutex_unlock(&p->lock);
}

lithsm_err pg_exec(PGresult **res_out, pg_pool *p, PGconn *c, const char *what,
                   const char *sql, int n, const char *const *params)
{
    /* Without parameters, PQexec: it runs several statements at once. */
    PGresult *res = n == 0
                        ? PQexec(c, sql)
                        : PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
    ExecStatusType st = res != NULL ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    char why[256];

    if (res_out != NULL)
        *res_out = NULL;
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        if (res_out != NULL)
            *res_out = res;
        else
            PQclear(res);
        return LITHSM_OK;
    }
    first_line(why, sizeof(why),
               res != NULL && PQresultErrorMessage(res)[0] != '\0'
                   ? PQresultErrorMessage(res)
                   : PQerrorMessage(c));
    PQclear(res);
    return lithsm_fail(PQstatus(c) != CONNECTION_OK ? LITHSM_ERR_NETWORK
                                                    : LITHSM_ERR_PROTOCOL,
                       "%s: %s: %s", p->name, what, why);
}

lithsm_err pg_pool_probe(pg_pool *p)
{
    PGconn *c;
    lithsm_err err;

    if ((err = pg_pool_take(p, &c)) != LITHSM_OK)
        return err;
    err = pg_exec(NULL, p, c, "probe", "SELECT 1", 0, NULL);
    pg_pool_give(p, c, err != LITHSM_OK);
    return err == LITHSM_ERR_PROTOCOL ? LITHSM_ERR_NETWORK : err;
}

const char *pg_pool_name(const pg_pool *p)
{
    return p->name;
}

lithsm_err pg_pool_new(pg_pool **out, int *schema_from_out,
                       const char *conninfo, unsigned size, const char *purpose)
{
    pg_pool *p;
    PGconn *c;
    char shown[160];
    lithsm_err err;

    *out = NULL;
    if ((err = pg_conninfo_check(conninfo)) != LITHSM_OK)
        return err;
    if (size == 0 || size > POOL_MAX)
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "postgresql: connections must be 1 to %d", POOL_MAX);
    if ((p = calloc(1, sizeof(*p))) == NULL ||
        (p->conninfo = strdup(conninfo)) == NULL) {
        free(p);
        return lithsm_fail(LITHSM_ERR_NOMEM, "out of memory");
    }
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->freed, NULL);
    p->size = size;
    pg_conninfo_redact(shown, sizeof(shown), conninfo);
    snprintf(p->name, sizeof(p->name), "postgresql %s (%s)", purpose, shown);
    if ((err = pg_pool_take(p, &c)) == LITHSM_OK) {
        err = pg_schema_migrate(schema_from_out, p, c);
        pg_pool_give(p, c, err != LITHSM_OK);
    }
    if (err != LITHSM_OK) {
        pg_pool_free(p);
        return err;
    }
    *out = p;
    return LITHSM_OK;
}

void pg_pool_free(pg_pool *p)
{
    if (p == NULL)
        return;
    while (p->n_idle > 0)
        PQfinish(p->idle[--p->n_idle]);
    pthread_cond_destroy(&p->freed);
    pthread_mutex_destroy(&p->lock);
    free(p->conninfo);
    free(p);
}

/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * pg.c - lithsm-serve on PostgreSQL (serve.h): which locations of the
 * configuration are databases, the checks on them and the form messages
 * show, --migrate, the shared rate limits, and the readiness of each part
 * that lives in a database (probed at most once a second, like the
 * tokens: a server that comes back makes /readyz true again by itself).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "serve.h"

#define DB_PROBE_CACHE_MS 1000
#define RATES_CONNECTIONS 8u

static const char *const part_key[SERVE_DB_PARTS] = { "audit", "store",
                                                      "rate_limits" };

static size_t scheme_len(const char *where)
{
    if (where == NULL)
        return 0;
    if (strncmp(where, "postgresql://", 13) == 0)
        return 13;
    if (strncmp(where, "postgres://", 11) == 0)
        return 11;
    return 0;
}

int serve_is_pg(const char *where)
{
    return scheme_len(where) != 0;
}

/* The end of the user part ("user" of "user:password@host"), the start
 * of the host part, in the authority rest[0..n). */
static void split_authority(const char *rest, size_t n, size_t *user_end,
                            size_t *host_at)
{
    const char *at = NULL, *p;

    for (p = rest; p < rest + n; p++)
        if (*p == '@')
            at = p;
    *host_at = at == NULL ? 0 : (size_t)(at - rest) + 1;
    *user_end = at == NULL ? 0 : strcspn(rest, ":@");
}

void serve_redact(char *out, size_t size, const char *where)
{
    size_t skip = scheme_len(where), n, user_end, host_at;
    const char *rest;

    if (skip == 0) {
        snprintf(out, size, "%s", where != NULL ? where : "");
        return;
    }
    rest = where + skip;
    n = strcspn(rest, "?#");
    split_authority(rest, strcspn(rest, "/?#"), &user_end, &host_at);
    snprintf(out, size, "%.*s%.*s%s%.*s", (int)skip, where, (int)user_end, rest,
             host_at != 0 ? "@" : "", (int)(n - host_at), rest + host_at);
}

/* 1 when the query part of a URI names a password parameter. */
static int query_has_password(const char *rest)
{
    const char *q = strchr(rest, '?'), *end;

    if (q == NULL)
        return 0;
    end = q + strcspn(q, "#");
    for (q++; q < end; q += strcspn(q, "&") + (q[strcspn(q, "&")] != '\0')) {
        if (strncmp(q, "password=", 9) == 0)
            return 1;
        if (q[strcspn(q, "&")] == '\0')
            break;
    }
    return 0;
}

int serve_pg_check(const char *key, const char *uri, char *err, size_t err_len)
{
    size_t skip = scheme_len(uri), user_end, host_at;
    char shown[256];

    if (skip == 0) {
        snprintf(err, err_len,
                 "serve/%s: not a postgresql:// or postgres:// location", key);
        return -1;
    }
    split_authority(uri + skip, strcspn(uri + skip, "/?#"), &user_end,
                    &host_at);
    if ((host_at != 0 && user_end + 1 != host_at) ||
        query_has_password(uri + skip)) {
        serve_redact(shown, sizeof(shown), uri);
        snprintf(err, err_len,
                 "serve/%s: %s: the connection URI holds a password: put it "
                 "in a password file (passfile= or PGPASSFILE) instead",
                 key, shown);
        return -1;
    }
    return 0;
}

/* The configured locations of each part (NULL: not PostgreSQL). */
static void locations(const char *where[SERVE_DB_PARTS],
                      const serve_config *cfg)
{
    where[SERVE_DB_AUDIT] = serve_is_pg(cfg->audit) ? cfg->audit : NULL;
    where[SERVE_DB_STORE] = serve_is_pg(cfg->store) ? cfg->store : NULL;
    where[SERVE_DB_RATES] = cfg->rate_limits;
}

static int add_migrated(json_object *arr, const char *key, int from, int to)
{
    json_object *o = json_object_new_object();

    if (o == NULL || json_object_array_add(arr, o) != 0) {
        json_object_put(o);
        return -1;
    }
    return cli_json_add_str(o, "key", key) != 0 ||
                   cli_json_add_int(o, "from", from) != 0 ||
                   cli_json_add_int(o, "to", to) != 0
               ? -1
               : 0;
}

int serve_migrate(const cli_command *cmd, const serve_config *cfg)
{
    const char *where[SERVE_DB_PARTS];
    json_object *obj = json_object_new_object(), *arr = json_object_new_array();
    const char *text = NULL;
    int i, from, to, rc = CLI_EXIT_FAIL;

    locations(where, cfg);
    if (obj == NULL || arr == NULL ||
        json_object_object_add(obj, "migrated", arr) != 0) {
        json_object_put(arr);
        cli_error(cmd, "out of memory");
        goto done;
    }
    for (i = 0; i < SERVE_DB_PARTS; i++) {
        if (where[i] == NULL)
            continue;
        if (lithsm_pg_migrate(&from, &to, where[i]) != LITHSM_OK) {
            cli_error(cmd, "serve/%s: %s", part_key[i], lithsm_last_error());
            goto done;
        }
        if (add_migrated(arr, part_key[i], from, to) != 0) {
            cli_error(cmd, "out of memory");
            goto done;
        }
    }
    text = json_object_to_json_string_ext(obj, SERVE_JSON_FLAGS);
    if (text == NULL || printf("%s\n", text) < 0 || fflush(stdout) != 0)
        cli_error(cmd, "cannot write the answer");
    else
        rc = CLI_EXIT_OK;
done:
    json_object_put(obj);
    return rc;
}

int serve_rates_open(const cli_command *cmd, serve *s)
{
    if (s->cfg.rate_limits == NULL)
        return 0;
    if (lithsm_rates_postgres_new(&s->rates, s->cfg.rate_limits,
                                  RATES_CONNECTIONS) != LITHSM_OK) {
        cli_error(cmd, "serve/rate_limits: %s", lithsm_last_error());
        return -1;
    }
    lithsm_policy_set_rates(s->policy, s->rates);
    return 0;
}

static int64_t mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Asks each part on PostgreSQL whether it answers. */
static void probe(serve *s)
{
    const char *where[SERVE_DB_PARTS];
    lithsm_err err[SERVE_DB_PARTS] = { LITHSM_OK, LITHSM_OK, LITHSM_OK };
    int i;

    locations(where, &s->cfg);
    for (i = 0; i < SERVE_DB_PARTS; i++) {
        if (where[i] == NULL)
            continue;
        if (i == SERVE_DB_AUDIT)
            err[i] = lithsm_audit_probe(s->audit);
        else if (i == SERVE_DB_STORE) /* connects, checks the schema */
            err[i] = lithsm_pg_migrate(NULL, NULL, where[i]);
        else
            err[i] = lithsm_rates_probe(s->rates);
        snprintf(s->db.why[i], sizeof(s->db.why[i]), "%s",
                 err[i] == LITHSM_OK ? "" : lithsm_last_error());
        if (err[i] != LITHSM_OK && s->db.why[i][0] == '\0')
            snprintf(s->db.why[i], sizeof(s->db.why[i]), "%s",
                     lithsm_strerror(err[i]));
    }
}

static int add_part(json_object *obj, const char *key, const char *why)
{
    if (why[0] == '\0')
        return json_object_object_add(obj, key, json_object_new_boolean(1));
    return cli_json_add_str(obj, key, why);
}

int serve_db_ready(serve *s, json_object *obj)
{
    const char *where[SERVE_DB_PARTS];
    char why[SERVE_DB_PARTS][256];
    int i, ready = 1;

    locations(where, &s->cfg);
    if (s->db.lock_ok) {
        pthread_mutex_lock(&s->db.lock);
        if (s->db.probed_ms == 0 ||
            mono_ms() - s->db.probed_ms >= DB_PROBE_CACHE_MS) {
            probe(s);
            s->db.probed_ms = mono_ms();
        }
        memcpy(why, s->db.why, sizeof(why));
        pthread_mutex_unlock(&s->db.lock);
    } else {
        memset(why, 0, sizeof(why));
    }
    /* The file trail: an append that failed leaves it unusable. */
    if (where[SERVE_DB_AUDIT] == NULL && atomic_load(&s->audit_failed))
        snprintf(why[SERVE_DB_AUDIT], sizeof(why[SERVE_DB_AUDIT]),
                 "an append failed: restart the service to reopen the "
                 "trail");
    for (i = 0; i < SERVE_DB_PARTS; i++) {
        if (i != SERVE_DB_AUDIT && where[i] == NULL)
            continue;
        ready &= why[i][0] == '\0';
        if (obj != NULL && add_part(obj, part_key[i], why[i]) != 0)
            return -1;
    }
    return ready;
}

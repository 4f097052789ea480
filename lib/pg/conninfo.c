/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * conninfo.c - PostgreSQL locations: which strings are one, the checks a
 * connection URI must pass, and the form messages show (pg.h).
 */
#include <stdio.h>
#include <string.h>

#include "pg/pg.h"

static size_t scheme_len(const char *where)
{
    if (strncmp(where, "postgresql://", 13) == 0)
        return 13;
    if (strncmp(where, "postgres://", 11) == 0)
        return 11;
    return 0;
}

int pg_location_is(const char *where)
{
    return where != NULL && scheme_len(where) != 0;
}

lithsm_err pg_conninfo_check(const char *conninfo)
{
    PQconninfoOption *opts, *o;
    char *why = NULL;
    lithsm_err err = LITHSM_OK;

    if (!pg_location_is(conninfo))
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "postgresql: a location starts with "
                           "postgresql:// or postgres://");
    if ((err = pg_libpq_load()) != LITHSM_OK)
        return err;
    if ((opts = PQconninfoParse(conninfo, &why)) == NULL) {
        /* libpq's reason quotes the URI's parts: name none of it. */
        PQfreemem(why);
        return lithsm_fail(LITHSM_ERR_INVALID_ARG,
                           "postgresql: the connection URI does not parse "
                           "(libpq URI syntax: postgresql://user@host:port"
                           "/dbname?param=value)");
    }
    for (o = opts; o->keyword != NULL; o++)
        if (strcmp(o->keyword, "password") == 0 && o->val != NULL &&
            o->val[0] != '\0')
            err = lithsm_fail(LITHSM_ERR_INVALID_ARG,
                              "postgresql: the connection URI holds a "
                              "password: put it in a password file "
                              "(passfile= or PGPASSFILE) instead");
    PQconninfoFree(opts);
    return err;
}

void pg_conninfo_redact(char *out, size_t size, const char *conninfo)
{
    size_t skip = scheme_len(conninfo), n, at = 0, i;
    const char *rest = conninfo + skip, *end, *colon;

    if (size == 0)
        return;
    if (skip == 0) {
        snprintf(out, size, "(not a postgresql:// location)");
        return;
    }
    end = rest + strcspn(rest, "?#");
    /* user:password@ -> user@ ('@' may appear only once before the host). */
    for (i = 0; rest + i < end; i++)
        if (rest[i] == '@')
            at = i + 1;
    colon = memchr(rest, ':', at);
    n = at == 0 ? 0 : (colon != NULL ? (size_t)(colon - rest) : at - 1);
    snprintf(out, size, "%.*s%.*s%s%.*s", (int)skip, conninfo, (int)n, rest,
             at != 0 ? "@" : "", (int)(end - rest - at), rest + at);
}

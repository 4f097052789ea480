/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * test_pg_conninfo.c - PostgreSQL locations (lib/pg/conninfo.c) and the
 * audit trail's handling of them, without a server: a password in the URI
 * refused naming passfile and PGPASSFILE (and never repeated), the
 * redacted form without password, query or fragment, strings that are
 * not a postgresql:// URI refused, and lithsm_audit_open/verify passing
 * these checks on (the password never reaches an error message).
 */
#include <stdio.h>
#include <string.h>

#include "lithsm.h"
#include "pg/pg.h"
#include "tap.h"

static void test_location_is(void)
{
    ok(pg_location_is("postgresql://u@h/db"), "postgresql:// is a location");
    ok(pg_location_is("postgres://h/db"), "postgres:// is a location");
    ok(!pg_location_is("postgresql:/h/db"), "postgresql:/ is not");
    ok(!pg_location_is("file:/var/audit.jsonl"), "file: is not");
    ok(!pg_location_is("/var/lib/lithsm/audit.jsonl"), "a path is not");
    ok(!pg_location_is(NULL), "NULL is not");
}

static void test_check(void)
{
    lithsm_err err;

    ok_int_eq(pg_conninfo_check("postgresql://lithsm@/lithsm?host=/tmp/x&"
                                "port=5433"),
              LITHSM_OK, "a socket URI without password passes");
    ok_int_eq(pg_conninfo_check("postgresql://u@db.example:5432/d?sslmode="
                                "verify-full&passfile=/etc/lithsm/pgpass"),
              LITHSM_OK, "a TLS URI with passfile= passes");
    err = pg_conninfo_check("postgresql://u:hunter2@db.example/d");
    ok_int_eq(err, LITHSM_ERR_INVALID_ARG, "a password in the URI: refused");
    ok(strstr(lithsm_last_error(), "passfile") != NULL &&
           strstr(lithsm_last_error(), "PGPASSFILE") != NULL,
       "the message names passfile and PGPASSFILE");
    ok(strstr(lithsm_last_error(), "hunter2") == NULL,
       "the message does not repeat the password");
    err = pg_conninfo_check("postgresql://u@db.example/d?password=hunter2");
    ok_int_eq(err, LITHSM_ERR_INVALID_ARG,
              "a password as a query parameter: refused");
    ok(strstr(lithsm_last_error(), "hunter2") == NULL,
       "and not repeated either");
    ok_int_eq(pg_conninfo_check("host=db.example user=u"),
              LITHSM_ERR_INVALID_ARG, "key=value conninfo: not a URI");
    ok_int_eq(pg_conninfo_check("mysql://u@h/d"), LITHSM_ERR_INVALID_ARG,
              "another scheme: refused");
    ok_int_eq(pg_conninfo_check("postgresql://u@h/d?nosuchparam=1"),
              LITHSM_ERR_INVALID_ARG, "a parameter libpq does not know");
    ok(strstr(lithsm_last_error(), "nosuchparam") == NULL,
       "whose text is not repeated");
}

static void test_redact(void)
{
    char out[160];

    pg_conninfo_redact(out, sizeof(out),
                       "postgresql://u:hunter2@db.example:5432/d?sslmode="
                       "require&sslpassword=x#frag");
    ok_str_eq(out, "postgresql://u@db.example:5432/d",
              "redaction drops the password, query and fragment");
    pg_conninfo_redact(out, sizeof(out),
                       "postgresql://lithsm@/lithsm?host=/tmp/s&port=1");
    ok_str_eq(out, "postgresql://lithsm@/lithsm", "a socket URI: no query");
    pg_conninfo_redact(out, sizeof(out), "postgres://h/d");
    ok_str_eq(out, "postgres://h/d", "no user: as it is");
    pg_conninfo_redact(out, sizeof(out), "host=h password=hunter2");
    ok(strstr(out, "hunter2") == NULL && strstr(out, "not a") != NULL,
       "not a URI: none of it shown");
    pg_conninfo_redact(out, 12, "postgresql://user@host/db");
    ok_int_eq((long)strlen(out), 11, "cut to the size given");
}

/* The audit trail hands a postgresql:// location to these checks before
 * any connection. */
static void test_audit(void)
{
    lithsm_audit *a = (lithsm_audit *)&a;
    lithsm_audit_report rep;
    char *warning = NULL;
    lithsm_err err;

    err =
        lithsm_audit_open(&a, &warning, "postgresql://u:hunter2@db.example/d");
    ok_int_eq(err, LITHSM_ERR_INVALID_ARG, "audit open: password refused");
    ok(a == NULL && warning == NULL, "nothing given out");
    ok(strstr(lithsm_last_error(), "hunter2") == NULL &&
           strstr(lithsm_last_error(), "PGPASSFILE") != NULL,
       "the message names PGPASSFILE, not the password");
    err = lithsm_audit_verify(&rep, "postgresql://u:hunter2@db.example/d", 0,
                              NULL);
    ok_int_eq(err, LITHSM_ERR_INVALID_ARG, "audit verify: password refused");
    ok(strstr(lithsm_last_error(), "hunter2") == NULL, "without repeating it");
    err = lithsm_audit_open(&a, NULL, "mysql://u:hunter2@h/d");
    ok_int_eq(err, LITHSM_ERR_INVALID_ARG, "another scheme: refused");
    ok(strstr(lithsm_last_error(), "mysql://") != NULL &&
           strstr(lithsm_last_error(), "hunter2") == NULL,
       "naming the scheme only");
    /* Port 1 of the loopback: nothing listens, the refusal is at once. */
    err = lithsm_audit_verify(&rep, "postgresql://u@127.0.0.1:1/d", 0, NULL);
    ok_int_eq(err, LITHSM_ERR_NETWORK, "no server: NETWORK");
    ok(strstr(lithsm_last_error(), "postgresql audit (postgresql://u@"
                                   "127.0.0.1:1/d)") != NULL,
       "the message names the redacted location");
}

int main(void)
{
    test_location_is();
    test_check();
    test_redact();
    test_audit();
    return tap_done();
}

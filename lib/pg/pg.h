/* SPDX-License-Identifier: Apache-2.0 */
/* SPDX-FileCopyrightText: 2026 The lithsm authors */
/*
 * pg.h - what the PostgreSQL backends share (lithsm_pg.h is the public
 * side); not installed.
 *
 *  libpq.c     libpq, loaded on first use (libpq.h);
 *  conninfo.c  locations ("postgresql://..."), the checks on a connection
 *              string (no password in it), its redacted form for messages;
 *  pool.c      a small pool of connections that reconnects by itself, and
 *              one way to run a statement and name its failure;
 *  schema.c    the versioned schema, created or upgraded under a lock.
 *
 * Errors: NETWORK when the server cannot be reached or the connection
 * broke (the caller answers "unavailable" and tries again later);
 * PROTOCOL when the server answered something unusable (a statement
 * failed, a schema newer than this build).  Messages start with
 * "postgresql" and never hold a password or the connection's query part.
 */
#ifndef LITHSM_PG_INTERNAL_H
#define LITHSM_PG_INTERNAL_H

#include "pg/libpq.h"
#include "util/util.h"

/* The schema version this build creates and understands. */
#define PG_SCHEMA_VERSION 1

/* 1 if `where` is a PostgreSQL location: "postgresql://" or
 * "postgres://". */
int pg_location_is(const char *where);

/* Checks a connection URI: a PostgreSQL location that libpq parses,
 * without a password (use passfile= or PGPASSFILE).  INVALID_ARG naming
 * the problem otherwise; IO when libpq cannot be loaded.  Every way to a
 * database starts here: it loads libpq (pg_libpq_load). */
lithsm_err pg_conninfo_check(const char *conninfo);

/* The connection URI without password, query and fragment, for messages
 * and logs: "postgresql://user@host:port/db" (cut to size). */
void pg_conninfo_redact(char *out, size_t size, const char *conninfo);

typedef struct pg_pool pg_pool;

/* A pool of at most `size` connections to `conninfo` (checked with
 * pg_conninfo_check), `purpose` naming it in messages ("audit", "store",
 * "rates").  One connection is made now and the schema created or
 * upgraded on it (pg_schema_migrate; *schema_from_out, may be NULL, gets
 * the version it had): NETWORK when the server cannot be reached, with
 * the redacted location and libpq's reason. */
lithsm_err pg_pool_new(pg_pool **out, int *schema_from_out,
                       const char *conninfo, unsigned size,
                       const char *purpose);

/* Takes a connection (waiting while all are in use), connecting again
 * when it was lost.  *out = NULL with NETWORK when the server cannot be
 * reached; a failure less than 200 ms old is given again without a new
 * attempt, so an outage costs each request nothing. */
lithsm_err pg_pool_take(pg_pool *p, PGconn **out);

/* Gives the connection back; `broken` (or a connection that is not OK or
 * is inside a transaction) closes it, and the next take connects again. */
void pg_pool_give(pg_pool *p, PGconn *c, int broken);

/* NETWORK (with the reason) when a connection cannot be taken or does not
 * answer "SELECT 1"; OK otherwise. */
lithsm_err pg_pool_probe(pg_pool *p);

/* The pool's purpose and redacted location: "postgresql audit
 * (postgresql://u@h/db)", for messages. */
const char *pg_pool_name(const pg_pool *p);

/* Frees the pool and closes its connections; NULL is a no-op.  No
 * connection may be taken. */
void pg_pool_free(pg_pool *p);

/* Runs `sql` with n text parameters on c (n = 0: one or more
 * statements).  *res_out (may be NULL) gets
 * the result of a statement that worked (PQclear it).  NETWORK when the
 * connection is gone, PROTOCOL when the statement failed; the message
 * names p, `what` and the server's one-line reason. */
lithsm_err pg_exec(PGresult **res_out, pg_pool *p, PGconn *c, const char *what,
                   const char *sql, int n, const char *const *params);

/* Creates or upgrades the schema on c, in one transaction under an
 * advisory lock (two instances never race); *version_out (may be NULL)
 * gets the version the database had before.  PROTOCOL when the database
 * has a newer schema than PG_SCHEMA_VERSION. */
lithsm_err pg_schema_migrate(int *version_out, pg_pool *p, PGconn *c);

#endif /* LITHSM_PG_INTERNAL_H */
